//! The Baskets view's "after it fires": each listed basket's bursts as the events of the study
//! (`analysis::study::run`, the bars loader and the horizons of `ki2 study`), so the returns are
//! the study's own — the entry the last bar ended at or before the burst's second, the per-event
//! mean over the burst's symbols, then the mean over the basket's bursts with n and t. Run on the
//! baskets thread once the table is out; the UI only reads the result.

use std::path::PathBuf;

use super::background::HORIZONS;
use super::{NO_BARS, bars};
use crate::analysis::baskets::Returns;
use crate::analysis::study::{self, Inputs};
use crate::prices::PriceFiles;

/// Where the bars are: `--prices` over `[prices] dir`, and `[prices] bar_s`.
#[derive(Debug, Clone, Default)]
pub struct Prices {
    pub dir: Option<PathBuf>,
    pub bar_s: Option<u32>,
}

/// The returns of `fires`' series (one per basket) at `ki2 study`'s default horizons.
pub fn returns(prices: &Prices, mut fires: Inputs) -> Returns {
    let Some(dir) = &prices.dir else { return Returns::Unavailable(NO_BARS.into()) };
    let files = match PriceFiles::scan(dir) {
        Ok(p) if p.days.is_empty() => return Returns::Unavailable(format!("no price bars in {}", dir.display())),
        Ok(p) => p,
        Err(e) => return Returns::Unavailable(format!("{e}")),
    };
    if fires.series.is_empty() {
        return Returns::Ready(Default::default());
    }
    fires.horizons = HORIZONS.to_vec();
    fires.path = Vec::new();
    let loader = bars::Loader::new(&files, prices.bar_s);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let started = std::time::Instant::now();
    let output = study::run(&fires, threads, |i| loader.load(fires.days[i]));
    tracing::info!(
        "baskets: returns after {} baskets fire, {} days with bars, in {:.2} s",
        fires.series.len(),
        output.days_with_bars,
        started.elapsed().as_secs_f64()
    );
    let notes = loader.notes(&files.dir, "ki2 study --malformed lists them");
    for w in notes.errors.iter().chain(&notes.warnings) {
        tracing::warn!("baskets: {w}");
    }
    let mut by = std::collections::HashMap::<String, Vec<study::Summary>>::new();
    for s in output.summary {
        by.entry(s.event.clone()).or_default().push(s);
    }
    Returns::Ready(by)
}
