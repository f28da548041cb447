//! The loaded day, and the queries everyone else asks: hft1 in packed columns of its own
//! (`packed`: a heavy day and hours of live rows are millions of rows, and polars' columns of
//! one width cost twice as much), the other kinds, thousands of rows, in polars DataFrames.
//! Nobody outside this module reaches into them.

mod chunks;
pub mod clock;
pub mod export;
pub mod first_seen;
pub mod frames;
mod heap;
mod names;
mod packed;
pub mod queries;
mod quote_table;
pub mod sort_keys;
pub mod stats;
pub mod values;

use std::collections::BTreeSet;

use polars::prelude::*;

use crate::archive::{CounterCheck, CounterWalk, Day, DayData, FileError, Kind, Malformed, Rows, SecondOfDay};
use clock::MarketClock;
pub use names::SymbolNames;
use quote_table::QuoteTable;

pub use queries::{ProgramPoint, QuoteView, SymbolDay, SymbolsState};
pub use stats::DayStats;

pub struct DayStore {
    day: Day,
    /// hft1 in packed columns; symbols by number in `names`.
    quotes: QuoteTable,
    names: SymbolNames,
    s2: DataFrame,
    s1: DataFrame,
    bursts: DataFrame,
    symbols: DataFrame,
    /// Bursts whose symbol file has been read (even an empty one).
    symbol_files: BTreeSet<SecondOfDay>,
    malformed: Vec<Malformed>,
    errors: Vec<FileError>,
    /// Whether CB and CS move with the Buy/Sell labels, over the bursts so far.
    counters: CounterWalk,
    clock: MarketClock,
    version: u64,
}

impl DayStore {
    pub fn new(day: Day) -> PolarsResult<DayStore> {
        Ok(DayStore {
            day,
            quotes: QuoteTable::default(),
            names: SymbolNames::default(),
            s2: frames::series(day, &[])?,
            s1: frames::series(day, &[])?,
            bursts: frames::bursts(day, &[])?,
            symbols: frames::burst_symbols(day, SecondOfDay::MIDNIGHT, &[])?,
            symbol_files: BTreeSet::new(),
            malformed: Vec::new(),
            errors: Vec::new(),
            counters: CounterWalk::default(),
            clock: MarketClock::default(),
            version: 0,
        })
    }

    /// A store holding everything read from a day's files.
    pub fn from_day(data: DayData) -> PolarsResult<DayStore> {
        let mut store = DayStore::new(data.day)?;
        // The day's last rows of each kind: what the writer appended most recently.
        store.clock.saw(Kind::Quotes, data.quotes.time.iter().copied());
        store.clock.saw(Kind::S1, data.s1.iter().map(|r| r.time));
        store.clock.saw(Kind::S2, data.s2.iter().map(|r| r.time));
        store.clock.saw(Kind::Bursts, data.bursts.iter().map(|r| r.time));
        store.quotes.append(&data.quotes, &mut store.names);
        store.s2 = frames::series(data.day, &data.s2)?;
        store.s1 = frames::series(data.day, &data.s1)?;
        store.bursts = frames::bursts(data.day, &data.bursts)?;
        data.bursts.iter().for_each(|r| store.counters.push(r));
        for (t, hits) in &data.symbols {
            store.symbols.vstack_mut_owned(frames::burst_symbols(data.day, *t, hits)?)?;
            store.symbol_files.insert(*t);
        }
        store.symbols.rechunk_mut();
        store.malformed = data.malformed;
        store.errors = data.errors;
        store.version = 1;
        Ok(store)
    }

    pub fn day(&self) -> Day {
        self.day
    }

    /// Changes whenever the data does: views cache on it.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How far the writer has got: the newest time among the rows appended last (see
    /// `clock`), not the largest ever seen.
    pub fn last_time(&self) -> Option<SecondOfDay> {
        self.clock.now()
    }

    pub fn malformed(&self) -> &[Malformed] {
        &self.malformed
    }

    pub fn errors(&self) -> &[FileError] {
        &self.errors
    }

    /// Whether the day's CB and CS so far move with its Buy/Sell labels.
    pub fn counters(&self) -> CounterCheck {
        self.counters.check
    }

    /// Appends a batch of new rows (what the tailer sends, every few hundred ms).
    pub fn append(&mut self, rows: &Rows) -> PolarsResult<()> {
        if rows.is_empty() && !matches!(rows, Rows::BurstSymbols { .. }) {
            return Ok(());
        }
        let day = self.day;
        match rows {
            Rows::Quotes(q) => {
                self.quotes.append(q, &mut self.names);
                self.clock.saw(Kind::Quotes, q.time.iter().copied());
            }
            Rows::S2(v) => {
                chunks::push(&mut self.s2, frames::series(day, v)?)?;
                self.clock.saw(Kind::S2, v.iter().map(|r| r.time));
            }
            Rows::S1(v) => {
                chunks::push(&mut self.s1, frames::series(day, v)?)?;
                self.clock.saw(Kind::S1, v.iter().map(|r| r.time));
            }
            Rows::Bursts(v) => {
                chunks::push(&mut self.bursts, frames::bursts(day, v)?)?;
                v.iter().for_each(|r| self.counters.push(r));
                self.clock.saw(Kind::Bursts, v.iter().map(|r| r.time));
            }
            Rows::BurstSymbols { burst, hits } => {
                chunks::push(&mut self.symbols, frames::burst_symbols(day, *burst, hits)?)?;
                self.symbol_files.insert(*burst);
            }
        }
        self.version += 1;
        Ok(())
    }

    /// Drops the rows of one file (it was rewritten; the tailer sends it again).
    pub fn clear(&mut self, kind: Kind, burst: Option<SecondOfDay>) -> PolarsResult<()> {
        let day = self.day;
        // Its malformed lines go with its rows: the file read again says which it has now.
        self.malformed.retain(|m| !queries::names(&m.file, kind, burst));
        match kind {
            // The symbol numbers stay: the rows sent again mostly name the same symbols.
            Kind::Quotes => self.quotes = QuoteTable::default(),
            Kind::S2 => self.s2 = frames::series(day, &[])?,
            Kind::S1 => self.s1 = frames::series(day, &[])?,
            Kind::Bursts => {
                self.bursts = frames::bursts(day, &[])?;
                self.counters = CounterWalk::default();
            }
            Kind::BurstSymbols => {
                if let Some(t) = burst {
                    let ms = frames::day_start_ms(day) + i64::from(t.secs()) * 1000;
                    let keep = self.symbols.column("burst_time")?.datetime()?.physical().not_equal(ms);
                    self.symbols = self.symbols.filter(&keep)?;
                    self.symbol_files.remove(&t);
                }
            }
        }
        self.version += 1;
        Ok(())
    }

    pub fn add_malformed(&mut self, items: impl IntoIterator<Item = Malformed>) {
        self.malformed.extend(items);
        self.version += 1;
    }

    pub fn add_error(&mut self, error: FileError) {
        self.errors.retain(|e| e.path != error.path);
        self.errors.push(error);
        self.version += 1;
    }

    pub fn clear_error(&mut self, path: &std::path::Path) {
        self.errors.retain(|e| e.path != path);
        self.version += 1;
    }

    /// Heap bytes held by the frames' buffers (for the store-growth and memory benchmarks).
    pub fn estimated_bytes(&self) -> usize {
        let frames: usize = [&self.s1, &self.s2, &self.bursts, &self.symbols].iter().map(|f| heap::heap_bytes(f)).sum();
        frames + self.quotes.heap_bytes() + self.names.heap_bytes()
    }
}

#[cfg(test)]
mod tests;
