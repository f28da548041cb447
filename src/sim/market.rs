//! The day as an event stream: `Market::second(t)` appends the bytes the Burst Monitor writes
//! during second `t` (hft1 rows, the S1/S2 rows, a burst row, symbol files that fall due) to a
//! `Tick`. The stream depends only on the seed and day, never on how it is written.

use std::collections::BTreeMap;

use fastrand::Rng;

use super::format::{self, CRLF};
use super::plan::{BadLine, DayPlan, PlannedBurst, Quirk, SymbolsFate};
use super::players::{DEFAULT_PLAYERS, Planted, Players, planted};
use super::universe::{Pool, Universe};
use super::{CLOSE, OPEN, SimOptions, SimSummary, day_seed, splitmix};
use crate::archive::{Kind, ProgType, SecondOfDay};

/// The four files that grow line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Hft1,
    Hft2,
    Hft3,
    Bursts,
}

impl Stream {
    pub const ALL: [Stream; 4] = [Stream::Hft1, Stream::Hft2, Stream::Hft3, Stream::Bursts];

    pub fn kind(self) -> Kind {
        match self {
            Stream::Hft1 => Kind::Quotes,
            Stream::Hft2 => Kind::S2,
            Stream::Hft3 => Kind::S1,
            Stream::Bursts => Kind::Bursts,
        }
    }
}

/// Bytes to write: appended to each stream, and whole symbol files (by burst time).
#[derive(Debug, Default)]
pub struct Tick {
    pub streams: [Vec<u8>; 4],
    pub symbol_files: Vec<(SecondOfDay, Vec<u8>)>,
}

impl Tick {
    pub fn buf(&mut self, s: Stream) -> &mut Vec<u8> {
        &mut self.streams[s as usize]
    }
}

/// About one hft1 line in 20,000 is malformed, one in 40,000 blank.
const HFT1_QUIRK_ODDS: u32 = 40_000;

pub struct Market {
    plan: DayPlan,
    universe: Universe,
    rng: Rng,
    /// Per symbol, the last stamp it was used under: distinct symbols within one second (and
    /// within one symbols file) without a set per second.
    used: Vec<u32>,
    stamp: u32,
    next_burst: usize,
    /// Symbol files by the second they are written.
    due_files: BTreeMap<u32, Vec<(SecondOfDay, Vec<u8>)>>,
    totals: Totals,
    summary: SimSummary,
    /// Each burst with the symbols its file names (none when it has no file): what the
    /// simulated prices react to.
    hits: Vec<BurstHits>,
}

/// A burst as the price simulation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct BurstHits {
    pub time: u32,
    pub prog_type: ProgType,
    pub s1: u32,
    /// Indexes into the universe.
    pub symbols: Vec<usize>,
}

/// The running counts a burst row carries.
#[derive(Default)]
struct Totals {
    ct: u32,
    cb: u32,
    cs: u32,
}

/// Every `t` the simulator handles is a second of the day (04:00–20:00).
fn at(t: u32) -> SecondOfDay {
    SecondOfDay::from_secs(t).unwrap_or_default()
}

impl Market {
    /// The market of `opts.seed` with its players.
    pub fn new(opts: &SimOptions) -> Market {
        let universe = Universe::new();
        let players = Players::of_seed(opts.seed, DEFAULT_PLAYERS, &universe);
        Market::with_players(opts, &players, universe)
    }

    pub fn with_players(opts: &SimOptions, players: &Players, universe: Universe) -> Market {
        let mut rng = Rng::with_seed(day_seed(opts.seed, opts.day));
        let mut plan = DayPlan::new(opts.profile, &mut rng);
        // Planted from a stream of their own: the random part of the day draws what it drew
        // before players existed.
        let mut planting = Rng::with_seed(splitmix(day_seed(opts.seed, opts.day) ^ 0x6669_7265));
        players.plant(&mut plan.bursts, &universe, &mut planting);
        Market {
            plan,
            used: vec![0; universe.len()],
            universe,
            rng,
            stamp: 0,
            next_burst: 0,
            due_files: BTreeMap::new(),
            totals: Totals::default(),
            summary: SimSummary::default(),
            hits: Vec::new(),
        }
    }

    pub fn universe(&self) -> &Universe {
        &self.universe
    }

    /// The bursts emitted so far, with their symbols.
    pub fn burst_hits(&self) -> &[BurstHits] {
        &self.hits
    }

    /// The day's planted bursts (players' fires), in time order.
    pub fn planted(&self) -> Vec<Planted> {
        planted(&self.plan.bursts, &self.universe)
    }

    /// Counts of everything emitted so far.
    pub fn summary(&self) -> &SimSummary {
        &self.summary
    }

    /// Appends what second `t` writes to `out`. Seconds must come in order, each once.
    pub fn second(&mut self, t: u32, out: &mut Tick) {
        self.quotes(t, out.buf(Stream::Hft1));
        if (OPEN..=CLOSE).contains(&t) {
            self.series(t, out);
        }
        while let Some(b) = self.plan.bursts.get(self.next_burst).filter(|b| b.time <= t).cloned() {
            self.next_burst += 1;
            self.burst(&b, out.buf(Stream::Bursts));
        }
        if let Some(files) = self.due_files.remove(&t) {
            self.summary.symbol_files += files.len() as u64;
            out.symbol_files.extend(files);
        }
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp += 1;
        self.stamp
    }

    /// A symbol not yet used under `stamp`, usually from `pool`.
    fn distinct_symbol(&mut self, pool: Pool, stamp: u32) -> usize {
        for attempt in 0..32 {
            let pool = if attempt < 8 { pool } else { Pool::All };
            let i = self.universe.pick(pool, &mut self.rng);
            if self.used[i] != stamp {
                self.used[i] = stamp;
                return i;
            }
        }
        // A crowded second: take the next unused symbol from anywhere.
        let n = self.used.len();
        let start = self.rng.usize(0..n.max(1));
        let i = (0..n).map(|k| (start + k) % n).find(|&i| self.used[i] != stamp).unwrap_or(start);
        if let Some(u) = self.used.get_mut(i) {
            *u = stamp;
        }
        i
    }

    fn quotes(&mut self, t: u32, buf: &mut Vec<u8>) {
        let rows = self.plan.rows_at(t);
        let regular = (OPEN..=CLOSE).contains(&t);
        // Outside regular hours, the few stocks still stuffing quotes are mostly the big ones.
        let heavy_share = if regular { 0.15 } else { 0.55 };
        let stamp = self.next_stamp();
        let hhmmss = u64::from(at(t).hhmmss());
        for _ in 0..rows {
            let pool = if self.rng.f64() < heavy_share { Pool::Heavy } else { Pool::All };
            let i = self.distinct_symbol(pool, stamp);
            let sym = &self.universe.symbols[i];
            // Pareto tail (alpha 3.3) above the Burst Monitor's bar of 1,000 quotes: nine rows in
            // ten under 2,000, one in ten at or above (a red row), rare ones in the tens of
            // thousands.
            let u = 1.0 - self.rng.f64();
            let nq = (1000.0 / u.powf(1.0 / 3.3)).min(200_000.0) as u32;
            let trade_ratio = if sym.heavy { 0.02 + 0.10 * self.rng.f64() } else { 0.06 * self.rng.f64() };
            let nt = (f64::from(nq) * trade_ratio * if regular { 1.0 } else { 0.3 }) as u32;
            let bbo = ((f64::from(nq) * (0.06 + 0.24 * self.rng.f64())) as u32).max(1);
            let shares = if sym.heavy { 150.0 + 350.0 * self.rng.f64() } else { 60.0 + 200.0 * self.rng.f64() };
            let dollars = match nt {
                // The vendor leaves Dollars empty at times, more often when nothing traded.
                0 => (self.rng.f64() < 0.4).then_some(0),
                _ => (self.rng.f64() >= 0.02).then(|| (f64::from(nt) * sym.price * shares).round() as u64),
            };
            match self.rng.u32(0..HFT1_QUIRK_ODDS) {
                0 | 1 => {
                    let bad = [BadLine::TooFewFields, BadLine::NotANumber, BadLine::BadTime][self.rng.usize(0..3)];
                    hft1_bad_line(buf, &sym.name, hhmmss, nq, bad);
                    self.summary.malformed += 1;
                }
                2 => buf.extend_from_slice(CRLF),
                _ => {}
            }
            buf.extend_from_slice(sym.name.as_bytes());
            buf.extend_from_slice(b",0,");
            format::uint(buf, hhmmss);
            buf.push(b',');
            format::field(buf, nq);
            format::field(buf, bbo);
            format::field(buf, nt);
            if let Some(d) = dollars {
                format::uint(buf, d);
            }
            buf.extend_from_slice(b",\r\n");
        }
        self.summary.hft1_rows += u64::from(rows);
    }

    fn series(&mut self, t: u32, out: &mut Tick) {
        let i = (t - OPEN) as usize;
        let hhmmss = at(t).hhmmss();
        let quirks = self.plan.series_quirks.get(i).copied().unwrap_or_default();
        for (stream, quirk, value) in
            [(Stream::Hft2, quirks.hft2, self.plan.s2.get(i)), (Stream::Hft3, quirks.hft3, self.plan.s1.get(i))]
        {
            let Some(&value) = value else { continue };
            let buf = out.buf(stream);
            match quirk {
                Some(Quirk::Blank) => buf.extend_from_slice(CRLF),
                Some(Quirk::Malformed(bad)) => {
                    match bad {
                        BadLine::TooFewFields => format::u32(buf, hhmmss),
                        BadLine::NotANumber => {
                            format::field(buf, hhmmss);
                            buf.extend_from_slice(b"N/A");
                        }
                        BadLine::BadTime => {
                            format::field(buf, 250_000);
                            format::u32(buf, value);
                        }
                    }
                    buf.extend_from_slice(CRLF);
                    self.summary.malformed += 1;
                }
                None => {}
            }
            format::field(buf, hhmmss);
            format::u32(buf, value);
            buf.extend_from_slice(CRLF);
        }
        self.summary.hft2_rows += 1;
        self.summary.hft3_rows += 1;
    }

    fn burst(&mut self, b: &PlannedBurst, buf: &mut Vec<u8>) {
        let hhmmss = at(b.time).hhmmss();
        match b.quirk {
            Some(Quirk::Blank) => buf.extend_from_slice(CRLF),
            Some(Quirk::Malformed(bad)) => {
                match bad {
                    BadLine::TooFewFields => {
                        for v in
                            [hhmmss, u32::from(b.grade.code()), prog_code(b.prog_type), u32::from(b.background.code())]
                        {
                            format::field(buf, v);
                        }
                        format::u32(buf, b.s1);
                    }
                    BadLine::NotANumber => self.burst_fields(buf, hhmmss, b, Some(b"N/A")),
                    BadLine::BadTime => self.burst_fields(buf, 250_000, b, None),
                }
                buf.extend_from_slice(CRLF);
                self.summary.malformed += 1;
            }
            None => {}
        }
        let t = &mut self.totals;
        t.ct += 1;
        match b.prog_type {
            ProgType::Buy => (t.cb, self.summary.buy) = (t.cb + 1, self.summary.buy + 1),
            ProgType::Sell => (t.cs, self.summary.sell) = (t.cs + 1, self.summary.sell + 1),
            ProgType::Und => self.summary.und += 1,
        }
        self.summary.bursts += 1;
        self.burst_fields(buf, hhmmss, b, None);
        buf.extend_from_slice(CRLF);
        let symbols = match b.symbols {
            SymbolsFate::Missing => {
                self.summary.missing_symbol_files.push(at(b.time));
                Vec::new()
            }
            SymbolsFate::After(delay) => {
                let (file, symbols) = self.symbols_file(b.fire.as_ref().map(|f| f.symbols.as_slice()));
                self.due_files.entry(b.time + delay).or_default().push((at(b.time), file));
                symbols
            }
        };
        self.hits.push(BurstHits { time: b.time, prog_type: b.prog_type, s1: b.s1, symbols });
    }

    /// `Time,Grade,ProgType,Bckgrnd,S1,S2,CT,CS,CB` as real files write it (sell counter first,
    /// no CU), with S1 replaced by `bad_s1` if given.
    fn burst_fields(&self, buf: &mut Vec<u8>, hhmmss: u32, b: &PlannedBurst, bad_s1: Option<&[u8]>) {
        let t = &self.totals;
        for v in [hhmmss, u32::from(b.grade.code()), prog_code(b.prog_type), u32::from(b.background.code())] {
            format::field(buf, v);
        }
        match bad_s1 {
            Some(bad) => {
                buf.extend_from_slice(bad);
                buf.push(b',');
            }
            None => format::field(buf, b.s1),
        }
        for v in [b.s2, t.ct, t.cs] {
            format::field(buf, v);
        }
        format::u32(buf, t.cb);
    }

    /// A burst's "Syms Hit At" file: a header and 8–40 symbols, most traded first: a player's
    /// fire's symbols, or a random draw from the basket pool; and the symbols' indexes.
    fn symbols_file(&mut self, fire: Option<&[usize]>) -> (Vec<u8>, Vec<usize>) {
        let stamp = self.next_stamp();
        let n = 8 + self.rng.usize(0..=32);
        let n = fire.map_or(n, <[usize]>::len);
        let mut hits: Vec<(u32, usize, u32, u32)> = (0..n)
            .map(|k| {
                let i = match fire {
                    Some(symbols) => symbols[k],
                    None => self.distinct_symbol(Pool::Basket, stamp),
                };
                let u = self.rng.f64();
                let nt = if self.rng.f64() < 0.2 { 100 + (500.0 * u * u) as u32 } else { 5 + (94.0 * u) as u32 };
                let nq = (f64::from(nt) * (3.0 + 22.0 * self.rng.f64())) as u32;
                let bbo = ((f64::from(nq) * (0.1 + 0.35 * self.rng.f64())) as u32).max(1);
                (nt, i, nq, bbo)
            })
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut buf = b"Symbol,NumTrades,NumQuotes,BBO\r\n".to_vec();
        let symbols = hits.iter().map(|h| h.1).collect();
        for (nt, i, nq, bbo) in hits {
            buf.extend_from_slice(self.universe.symbols[i].name.as_bytes());
            buf.push(b',');
            format::field(&mut buf, nt);
            format::field(&mut buf, nq);
            format::u32(&mut buf, bbo);
            buf.extend_from_slice(CRLF);
        }
        (buf, symbols)
    }
}

/// ProgType as written: 1 buy, 0 sell, and 2 for undetermined (any other value reads as UND).
fn prog_code(p: ProgType) -> u32 {
    match p {
        ProgType::Buy => 1,
        ProgType::Sell => 0,
        ProgType::Und => 2,
    }
}

fn hft1_bad_line(buf: &mut Vec<u8>, sym: &str, hhmmss: u64, nq: u32, bad: BadLine) {
    buf.extend_from_slice(sym.as_bytes());
    buf.extend_from_slice(b",0,");
    match bad {
        // Cut short, as if the writer stopped mid-row.
        BadLine::TooFewFields => {
            format::uint(buf, hhmmss);
            buf.push(b',');
            format::u32(buf, nq);
        }
        BadLine::NotANumber => {
            format::uint(buf, hhmmss);
            buf.extend_from_slice(b",#VALUE!,12,3,4567,");
        }
        BadLine::BadTime => {
            buf.extend_from_slice(b"250000,");
            format::field(buf, nq);
            buf.extend_from_slice(b"12,3,4567,");
        }
    }
    buf.extend_from_slice(CRLF);
}
