//! Price bars for a simulated day (`ki2 simulate --prices DIR`): canonical minute bars from
//! the open to the close for the basket symbols (and any other symbol a burst hit), written to
//! `DIR/YYYYMMDD.csv`. Prices are a random walk — a market factor and each symbol's own noise —
//! plus one planted effect: after a capper (a burst with S1 ≥ 200, what the default `capper`
//! rule matches) the symbols it hit drift against its direction by `edge_bp` over 30 minutes,
//! the range-ending reversal cappers are believed to mark. `edge_bp = 0` plants nothing.
//! Everything follows from the seed and the day.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use fastrand::Rng;

use super::market::BurstHits;
use super::universe::Universe;
use super::{CLOSE, OPEN, day_seed, splitmix};
use crate::archive::{Day, ProgType, SecondOfDay};

/// Where bars go and how strong the planted reversal is.
#[derive(Debug, Clone, PartialEq)]
pub struct PricesOut {
    pub dir: PathBuf,
    pub edge_bp: f64,
}

/// The reversal planted after cappers unless `--edge` says otherwise, in basis points.
pub const DEFAULT_EDGE_BP: f64 = 50.0;
/// A capper, as the default rules define it.
const CAPPER_S1: u32 = 200;
/// The reversal plays out over this many minute bars.
const REVERSAL_BARS: usize = 30;
/// The basket pool's size (`Universe::basket`): the symbols bursts hit.
const BASKET: usize = 500;
const BAR_S: u32 = 60;
/// Per-minute standard deviations of log returns, in basis points.
const MARKET_BP: f64 = 2.5;

const HEADER: &str = "symbol,time,open,high,low,close,volume\n";

pub fn write(out: &PricesOut, day: Day, seed: u64, universe: &Universe, bursts: &[BurstHits]) -> Result<PathBuf> {
    std::fs::create_dir_all(&out.dir).with_context(|| format!("cannot create {}", out.dir.display()))?;
    let mut text = String::from(HEADER);
    for line in lines(out, day, seed, universe, bursts).iter().flatten() {
        text.push_str(line);
    }
    let path = out.dir.join(format!("{}.csv", day.compact()));
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// The day's bars as CSV lines: per symbol, one per minute from the open.
fn lines(out: &PricesOut, day: Day, seed: u64, universe: &Universe, bursts: &[BurstHits]) -> Vec<Vec<String>> {
    let mut rng = Rng::with_seed(splitmix(day_seed(seed, day) ^ 0x6261_7273));
    let minutes = ((CLOSE - OPEN) / BAR_S) as usize;
    let mut symbols: BTreeSet<usize> = (0..BASKET.min(universe.len())).collect();
    symbols.extend(bursts.iter().flat_map(|b| b.symbols.iter().copied()));
    let market: Vec<f64> = (0..minutes).map(|_| normal(&mut rng) * MARKET_BP).collect();
    let drift = planted(bursts, out.edge_bp, minutes);
    let mut all = Vec::with_capacity(symbols.len());
    for i in symbols {
        let mut lines = Vec::with_capacity(minutes);
        let sym = &universe.symbols[i];
        let (beta, own_bp) = if sym.heavy { (1.0, 3.0) } else { (0.7 + 0.6 * rng.f64(), 6.0 + 8.0 * rng.f64()) };
        let mut close = sym.price * (1.0 + 0.01 * normal(&mut rng));
        for (m, market_bp) in market.iter().enumerate() {
            let open = close;
            let bp = beta * market_bp + own_bp * normal(&mut rng) + drift.get(&(i, m)).copied().unwrap_or(0.0);
            close = round4(open * (bp / 10_000.0).exp());
            let wick = 1.0 + own_bp / 30_000.0 * rng.f64();
            let (high, low) = (round4(open.max(close) * wick), round4(open.min(close) / wick));
            let start = SecondOfDay::from_secs(OPEN + m as u32 * BAR_S).unwrap_or_default().hhmmss();
            let volume = 100 + rng.u32(0..50_000);
            let mut line = String::new();
            let _ = writeln!(line, "{},{start},{open:.4},{high:.4},{low:.4},{close:.4},{volume}", sym.name);
            lines.push(line);
        }
        all.push(lines);
    }
    all
}

/// Today's bars file as a live day grows it: a minute's bars appear once that minute has
/// ended in market time (nothing is known before it ends), the file replaced whole each
/// time so that a reader never meets half a line.
pub struct Growing {
    path: PathBuf,
    lines: Vec<Vec<String>>,
    written: usize,
}

impl Growing {
    pub fn new(out: &PricesOut, day: Day, seed: u64, universe: &Universe, bursts: &[BurstHits]) -> Result<Growing> {
        std::fs::create_dir_all(&out.dir).with_context(|| format!("cannot create {}", out.dir.display()))?;
        let path = out.dir.join(format!("{}.csv", day.compact()));
        Ok(Growing { path, lines: lines(out, day, seed, universe, bursts), written: 0 })
    }

    /// Market time has reached `t` (every second before it written): the bars of the minutes
    /// ended by then go out, time by time.
    pub fn advance(&mut self, t: u32) -> Result<()> {
        let minutes = self.lines.first().map_or(0, Vec::len);
        let ended = (t.saturating_sub(OPEN) / BAR_S) as usize;
        let ended = ended.min(minutes);
        if ended <= self.written {
            return Ok(());
        }
        let mut text = String::from(HEADER);
        for m in 0..ended {
            for symbol in &self.lines {
                text.push_str(&symbol[m]);
            }
        }
        write_atomic(&self.path, text.as_bytes())?;
        self.written = ended;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Per (symbol, minute) the planted drift in basis points: after a capper at t, from the first
/// bar that starts after t (so nothing of it is known at t) for `REVERSAL_BARS` bars.
fn planted(bursts: &[BurstHits], edge_bp: f64, minutes: usize) -> std::collections::HashMap<(usize, usize), f64> {
    let mut drift = std::collections::HashMap::new();
    if edge_bp == 0.0 {
        return drift;
    }
    for b in bursts.iter().filter(|b| b.s1 >= CAPPER_S1) {
        let sign = match b.prog_type {
            ProgType::Buy => -1.0,
            ProgType::Sell => 1.0,
            ProgType::Und => continue,
        };
        let first = (b.time.saturating_sub(OPEN) / BAR_S) as usize + 1;
        for &s in &b.symbols {
            for m in first..(first + REVERSAL_BARS).min(minutes) {
                *drift.entry((s, m)).or_insert(0.0) += sign * edge_bp / REVERSAL_BARS as f64;
            }
        }
    }
    drift
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let u = rng.f64().max(f64::MIN_POSITIVE);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos()
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic_file::write(path, bytes, "bars")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(s1: u32, prog_type: ProgType) -> BurstHits {
        BurstHits { time: OPEN + 125, prog_type, s1, symbols: vec![3, 4] }
    }

    #[test]
    fn only_cappers_plant_a_reversal_and_none_of_it_is_known_at_the_burst() {
        let d = planted(&[hits(250, ProgType::Buy), hits(150, ProgType::Sell)], 60.0, 390);
        // 09:32:05: the bar starting 09:33 (minute 3) is the first to move.
        assert_eq!(drift_at(&d, 3, 2), 0.0);
        assert!((drift_at(&d, 3, 3) + 2.0).abs() < 1e-12);
        let total: f64 = (0..390).map(|m| drift_at(&d, 4, m)).sum();
        assert!((total + 60.0).abs() < 1e-9, "{total}");
        assert!(planted(&[hits(250, ProgType::Buy)], 0.0, 390).is_empty());
    }

    fn drift_at(d: &std::collections::HashMap<(usize, usize), f64>, s: usize, m: usize) -> f64 {
        d.get(&(s, m)).copied().unwrap_or(0.0)
    }

    #[test]
    fn the_same_seed_writes_the_same_bars() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let out = PricesOut { dir: dir.path().to_path_buf(), edge_bp: 50.0 };
        let day = Day::parse_compact("20250714").ok_or_else(|| anyhow::anyhow!("day"))?;
        let u = Universe::new();
        let a = std::fs::read(write(&out, day, 5, &u, &[hits(250, ProgType::Buy)])?)?;
        let b = std::fs::read(write(&out, day, 5, &u, &[hits(250, ProgType::Buy)])?)?;
        assert_eq!(a, b);
        let c = std::fs::read(write(&out, day, 6, &u, &[hits(250, ProgType::Buy)])?)?;
        assert_ne!(a, c);
        assert_eq!(a.iter().filter(|&&b| b == b'\n').count(), 1 + 500 * 390);
        Ok(())
    }
}
