//! The study's bars, a day at a time, from the prices folder; what went wrong is gathered
//! (from the worker threads) and said once at the end.

use std::path::Path;
use std::sync::Mutex;

use crate::archive::day::market_zone;
use crate::archive::{Day, Malformed};
use crate::prices::{DayBars, PriceFiles, read_day};

pub struct Loader<'a> {
    prices: &'a PriceFiles,
    bar_s: Option<u32>,
    said: Mutex<Said>,
}

#[derive(Default)]
struct Said {
    missing: Vec<Day>,
    malformed: Vec<Malformed>,
    warnings: Vec<String>,
    errors: Vec<String>,
    /// Time spent reading bars, over all threads (the log says how the study's time splits).
    reading: std::time::Duration,
}

impl<'a> Loader<'a> {
    pub fn new(prices: &'a PriceFiles, bar_s: Option<u32>) -> Loader<'a> {
        Loader { prices, bar_s, said: Mutex::new(Said::default()) }
    }

    pub fn load(&self, day: Day) -> Option<DayBars> {
        let started = std::time::Instant::now();
        let files = self.prices.days.get(&day);
        let got = files.map(|f| read_day(f, day, self.bar_s, market_zone()));
        let mut said = self.said.lock().unwrap_or_else(|p| p.into_inner());
        said.reading += started.elapsed();
        match got {
            None | Some(Ok(None)) => {
                said.missing.push(day);
                None
            }
            Some(Err(e)) => {
                said.errors.push(e.to_string());
                None
            }
            Some(Ok(Some(mut bars))) => {
                said.malformed.append(&mut bars.malformed);
                said.warnings.append(&mut bars.warnings);
                Some(bars)
            }
        }
    }

    /// What went wrong, said once: days without bars, warnings, malformed rows, and files that
    /// could not be read at all (the errors).
    /// `list_all`: how to see every malformed row, said after the first few.
    pub fn notes(&self, dir: &Path, list_all: &str) -> super::Notes {
        let mut said = self.said.lock().unwrap_or_else(|p| p.into_inner());
        tracing::info!("study: {:.2} s reading bars (all threads)", said.reading.as_secs_f64());
        let mut notes = super::Notes::default();
        said.missing.sort();
        if !said.missing.is_empty() {
            let days: Vec<String> = said.missing.iter().map(|d| d.to_string()).collect();
            notes.warnings.push(format!(
                "no bars in {} for {} day(s), their events left out: {}",
                dir.display(),
                days.len(),
                days.join(", ")
            ));
        }
        notes.warnings.append(&mut said.warnings.clone());
        said.malformed.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        // First among the warnings: the Edges view shows the first two notes.
        if let Some(note) = super::malformed_note(&said.malformed, list_all) {
            notes.warnings.insert(0, note);
        }
        notes.malformed = std::mem::take(&mut said.malformed);
        said.errors.sort();
        notes.errors = said.errors.clone();
        notes
    }
}
