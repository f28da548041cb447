//! The study's one pass over the days. Each day's bars answer three questions:
//! - the returns of the day's own events (`own`);
//! - every event's symbol at its second of day, on this day (`all`): the baseline before
//!   exclusions. The questions are the distinct (symbol, second) of all events, asked in time
//!   order per symbol (`Walk`), so a day costs one pass over its bars and its questions;
//! - the same for the questions this day must *not* answer (`excluded`): those of a group
//!   whose symbol had an event of that group on this day within `QUIET_S` of the question's
//!   second. The baseline is `all − excluded`: exclusions are few (an event excludes its own
//!   day and rarely another), so subtracting them is far cheaper than checking every question
//!   on every day.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::returns::{Walk, bp, entry, forward, known};
use super::{Inputs, QUIET_S};
use crate::prices::{DayBars, SymbolBars};

/// One event-symbol pair.
#[derive(Debug, Clone, Copy)]
pub struct PairRef {
    pub series: u32,
    pub event: u32,
    pub symbol: u32,
    pub day: u32,
    pub time: u32,
    /// Its question in `Plan::keys`.
    pub key: u32,
}

pub struct Plan {
    /// Series by series, event by event, symbol by symbol.
    pub pairs: Vec<PairRef>,
    /// Each series' each event's pairs.
    pub events: Vec<Vec<Range<usize>>>,
    /// Distinct (symbol, second of day), sorted.
    pub keys: Vec<(u32, u32)>,
    by_day: Vec<Vec<u32>>,
    /// Per (series, symbol), its pairs as (second, pair), sorted.
    by_series_symbol: HashMap<(u32, u32), Vec<(u32, u32)>>,
}

/// Sums over days, per question and horizon (`all`) and per pair and horizon (`excluded`);
/// each pair's own entry and returns (NaN: none).
pub struct Acc {
    pub all_sum: Vec<f64>,
    pub all_n: Vec<u32>,
    pub excluded_sum: Vec<f64>,
    pub excluded_n: Vec<u32>,
    pub entry: Vec<f64>,
    pub ret: Vec<f64>,
    /// Per series, per event: its mean path (`Inputs::path` offsets), NaN where it has none.
    pub paths: Vec<Vec<Vec<f64>>>,
}

impl Acc {
    fn new(keys: usize, pairs: usize, h: usize) -> Acc {
        Acc {
            all_sum: vec![0.0; keys * h],
            all_n: vec![0; keys * h],
            excluded_sum: vec![0.0; pairs * h],
            excluded_n: vec![0; pairs * h],
            entry: Vec::new(),
            ret: Vec::new(),
            paths: Vec::new(),
        }
    }

    fn merge(&mut self, other: Acc) {
        let add = |a: &mut [f64], b: &[f64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        let add_n = |a: &mut [u32], b: &[u32]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.all_sum, &other.all_sum);
        add_n(&mut self.all_n, &other.all_n);
        add(&mut self.excluded_sum, &other.excluded_sum);
        add_n(&mut self.excluded_n, &other.excluded_n);
    }
}

/// A day's own pairs: (pair, entry, returns per horizon), NaN for none.
type Own = Vec<(u32, f64, Vec<f64>)>;
/// A day's events' mean paths: (series, event, mean per offset).
type Paths = Vec<(u32, u32, Vec<f64>)>;

impl Plan {
    pub fn new(inputs: &Inputs) -> Plan {
        let mut pairs = Vec::new();
        let mut events = Vec::with_capacity(inputs.series.len());
        let mut by_day = vec![Vec::new(); inputs.days.len()];
        for (s, series) in inputs.series.iter().enumerate() {
            let mut ranges = Vec::with_capacity(series.events.len());
            for (e, ev) in series.events.iter().enumerate() {
                let from = pairs.len();
                for &symbol in &ev.symbols {
                    if let Some(day) = by_day.get_mut(ev.day) {
                        day.push(pairs.len() as u32);
                    }
                    let (series, event, day) = (s as u32, e as u32, ev.day as u32);
                    pairs.push(PairRef { series, event, symbol, day, time: ev.time, key: 0 });
                }
                ranges.push(from..pairs.len());
            }
            events.push(ranges);
        }
        let mut keys: Vec<(u32, u32)> = pairs.iter().map(|p| (p.symbol, p.time)).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut by_series_symbol: HashMap<(u32, u32), Vec<(u32, u32)>> = HashMap::new();
        for (i, p) in pairs.iter_mut().enumerate() {
            p.key = keys.binary_search(&(p.symbol, p.time)).unwrap_or(0) as u32;
            by_series_symbol.entry((p.series, p.symbol)).or_default().push((p.time, i as u32));
        }
        for v in by_series_symbol.values_mut() {
            v.sort_unstable();
        }
        Plan { pairs, events, keys, by_day, by_series_symbol }
    }

    /// Every day through `load`, on `threads` threads; the sums, and how many days had bars.
    pub fn accumulate<B: std::borrow::Borrow<DayBars>>(
        &self,
        inputs: &Inputs,
        threads: usize,
        load: impl Fn(usize) -> Option<B> + Sync,
    ) -> (Acc, usize) {
        let h = inputs.horizons.len();
        let next = AtomicUsize::new(0);
        let own: Mutex<(Own, Paths)> = Mutex::new((Vec::new(), Vec::new()));
        let with_bars = AtomicUsize::new(0);
        let worker = || {
            let mut acc = Acc::new(self.keys.len(), self.pairs.len(), h);
            let (mut today, mut seen) = (vec![f64::NAN; self.keys.len() * h], vec![0u32; self.pairs.len()]);
            loop {
                let day = next.fetch_add(1, Ordering::Relaxed);
                if day >= inputs.days.len() {
                    return acc;
                }
                let Some(bars) = load(day) else { continue };
                let bars: &DayBars = bars.borrow();
                with_bars.fetch_add(1, Ordering::Relaxed);
                let table: Vec<Option<&SymbolBars>> = inputs.symbols.table(|name| bars.get(name));
                self.all(&table, &inputs.horizons, &mut acc, &mut today);
                self.excluded(day, h, &mut acc, &today, &mut seen);
                let mine = self.own(day, &table, &inputs.horizons);
                let paths = self.paths(day, &table, &inputs.path);
                let mut done = own.lock().unwrap_or_else(|p| p.into_inner());
                done.0.extend(mine);
                done.1.extend(paths);
            }
        };
        let mut acc = std::thread::scope(|scope| {
            let handles: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
            let mut acc = worker();
            for handle in handles {
                // A worker that panicked is a bug: let it surface as a panic here too.
                match handle.join() {
                    Ok(other) => acc.merge(other),
                    Err(p) => std::panic::resume_unwind(p),
                }
            }
            acc
        });
        acc.entry = vec![f64::NAN; self.pairs.len()];
        acc.ret = vec![f64::NAN; self.pairs.len() * h];
        let (own, paths) = own.into_inner().unwrap_or_else(|p| p.into_inner());
        for (p, entry, rets) in own {
            let p = p as usize;
            acc.entry[p] = entry;
            acc.ret[p * h..(p + 1) * h].copy_from_slice(&rets);
        }
        acc.paths = self.events.iter().map(|e| vec![Vec::new(); e.len()]).collect();
        for (s, e, path) in paths {
            acc.paths[s as usize][e as usize] = path;
        }
        (acc, with_bars.into_inner())
    }

    /// Every question, on this day's bars; each answer also kept in `today` (NaN: none) for
    /// `excluded` to take back out without asking again.
    fn all(&self, table: &[Option<&SymbolBars>], horizons: &[u32], acc: &mut Acc, today: &mut [f64]) {
        let h = horizons.len();
        today.iter_mut().for_each(|r| *r = f64::NAN);
        let mut out = vec![None; h];
        let mut i = 0;
        while i < self.keys.len() {
            let symbol = self.keys[i].0;
            let end = i + self.keys[i..].partition_point(|k| k.0 == symbol);
            if let Some(bars) = table.get(symbol as usize).copied().flatten() {
                let mut walk = Walk::new(bars, h);
                for k in i..end {
                    if !walk.at(self.keys[k].1, horizons, &mut out) {
                        continue;
                    }
                    for (j, r) in out.iter().enumerate() {
                        if let Some(r) = r {
                            acc.all_sum[k * h + j] += r;
                            acc.all_n[k * h + j] += 1;
                            today[k * h + j] = *r;
                        }
                    }
                }
            }
            i = end;
        }
    }

    /// The questions this day must not answer for the baseline, taken back out: each pair of a
    /// group whose symbol had an event of the group today within `QUIET_S` of the pair's
    /// second, once (`seen` marks the pairs already taken out today).
    fn excluded(&self, day: usize, h: usize, acc: &mut Acc, today: &[f64], seen: &mut [u32]) {
        let stamp = day as u32 + 1;
        for &p in &self.by_day[day] {
            let p = &self.pairs[p as usize];
            let Some(list) = self.by_series_symbol.get(&(p.series, p.symbol)) else { continue };
            let from = list.partition_point(|(t, _)| *t + QUIET_S < p.time);
            for &(t, q) in &list[from..] {
                if t > p.time + QUIET_S {
                    break;
                }
                let q = q as usize;
                if seen[q] == stamp {
                    continue;
                }
                seen[q] = stamp;
                let k = self.pairs[q].key as usize;
                for j in 0..h {
                    let r = today[k * h + j];
                    if !r.is_nan() {
                        acc.excluded_sum[q * h + j] += r;
                        acc.excluded_n[q * h + j] += 1;
                    }
                }
            }
        }
    }

    /// Each of this day's events' mean return from its entry to each offset (before the event
    /// too: the price known then, against the same entry).
    fn paths(&self, day: usize, table: &[Option<&SymbolBars>], offsets: &[i32]) -> Paths {
        let mut out: Paths = Vec::new();
        if offsets.is_empty() {
            return out;
        }
        let (mut sum, mut n) = (vec![0.0; offsets.len()], vec![0u32; offsets.len()]);
        let pairs = &self.by_day[day];
        for (i, &p) in pairs.iter().enumerate() {
            let pair = &self.pairs[p as usize];
            if let Some(bars) = table.get(pair.symbol as usize).copied().flatten()
                && let Some(e) = entry(bars, pair.time)
            {
                for (k, &off) in offsets.iter().enumerate() {
                    if let Some(r) = pair.time.checked_add_signed(off).and_then(|at| known(bars, at)) {
                        sum[k] += bp(e, r);
                        n[k] += 1;
                    }
                }
            }
            let last = pairs.get(i + 1).is_none_or(|&q| {
                let next = &self.pairs[q as usize];
                (next.series, next.event) != (pair.series, pair.event)
            });
            if last {
                let mean = sum.iter().zip(&n).map(|(s, &c)| if c > 0 { s / f64::from(c) } else { f64::NAN }).collect();
                out.push((pair.series, pair.event, mean));
                sum.iter_mut().for_each(|s| *s = 0.0);
                n.iter_mut().for_each(|c| *c = 0);
            }
        }
        out
    }

    /// The returns of this day's own pairs.
    fn own(&self, day: usize, table: &[Option<&SymbolBars>], horizons: &[u32]) -> Own {
        let mut out = Vec::with_capacity(self.by_day[day].len());
        for &p in &self.by_day[day] {
            let pair = &self.pairs[p as usize];
            let Some(bars) = table.get(pair.symbol as usize).copied().flatten() else { continue };
            let Some(e) = entry(bars, pair.time) else { continue };
            let rets = horizons.iter().map(|&hz| forward(bars, pair.time, hz).unwrap_or(f64::NAN)).collect();
            out.push((p, e, rets));
        }
        out
    }
}
