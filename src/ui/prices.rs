//! Price bars where users already look: the symbol view's price line for the day with the bursts
//! that hit it marked, and the selected burst's hit symbols' mean return so far (Syms Hit At's
//! bottom border). The bars come from a worker of the command layer through `BarsHandle`, a day
//! at a time; the live day's are asked to be checked every few seconds (its file grows). What the
//! panes paint is prepared here, when bars arrive or a key is pressed.

use std::time::{Duration, Instant};

use super::app::App;
use super::data::Data;
use super::overlay::Overlay;
use super::panes::symbol_view::SymbolView;
use super::view::View;
use crate::analysis::study::returns::{SoFar, mean_so_far};
use crate::archive::SecondOfDay;
use crate::prices::{BarsHandle, BarsState};
use crate::store::SymbolsState;

/// The live day's bars file is looked at (its time and length, by the worker) at most this often.
pub const CHECK_EVERY: Duration = Duration::from_secs(5);

/// The chart's time axis spans the regular session, as the programs chart does, widened to
/// bars outside it.
const OPEN_S: f64 = 9.5 * 3600.0;
const CLOSE_S: f64 = 16.0 * 3600.0;

/// The symbol view's price line, ready to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PriceLine {
    /// No bars worker (a front end without prices): nothing is said.
    #[default]
    Off,
    Loading,
    /// Why there is no line, in a sentence.
    Why(String),
    Chart(PriceChart),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriceChart {
    /// (second of the day the bar ended, its close).
    pub closes: Vec<(f64, f64)>,
    /// (a burst's second, the close known then): the bursts that hit the symbol.
    pub marks: Vec<(f64, f64)>,
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// The latest close, and when its bar ended.
    pub last: (f64, SecondOfDay),
    pub bar_s: u32,
}

/// The line of `symbol` from its day's bars, with `bursts` marked.
pub fn price_line(state: Option<&BarsState>, symbol: &str, bursts: &[SecondOfDay]) -> PriceLine {
    let bars = match state {
        None | Some(BarsState::Loading) => return PriceLine::Loading,
        Some(BarsState::Missing(why)) => return PriceLine::Why(why.clone()),
        Some(BarsState::Ready(b)) => b,
    };
    let file =
        bars.source.file_name().map_or_else(|| bars.source.display().to_string(), |n| n.to_string_lossy().into());
    let Some(s) = bars.get(symbol).filter(|s| !s.bars.is_empty()) else {
        return PriceLine::Why(format!("no bars for {} in {file}", super::text::symbol(symbol)));
    };
    let end = |start: u32| f64::from(start + s.bar_s);
    let closes: Vec<(f64, f64)> = s.bars.iter().map(|b| (end(b.start), b.close)).collect();
    let first = closes.first().copied().unwrap_or((OPEN_S, 0.0));
    let last = closes.last().copied().unwrap_or(first);
    let marks =
        bursts.iter().map(|t| (f64::from(t.secs()), s.known_at(t.secs()).map_or(first.1, |b| b.close))).collect();
    let (lo, hi) = closes.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (_, c)| (lo.min(*c), hi.max(*c)));
    // A flat line still needs a span to be drawn in.
    let pad = if hi > lo { 0.0 } else { (hi.abs() * 0.01).max(0.01) };
    let last_end = s.last_end().and_then(SecondOfDay::from_secs).unwrap_or_default();
    PriceLine::Chart(PriceChart {
        x: (first.0.min(OPEN_S), last.0.max(CLOSE_S)),
        y: (lo - pad, hi + pad),
        closes,
        marks,
        last: (last.1, last_end),
        bar_s: s.bar_s,
    })
}

/// The selected burst's hit symbols' mean return from the burst's second to their latest bar
/// (every hit symbol, whatever the filter shows); None without bars for the day.
/// Computed again only when one of these changed: the day, the burst, the bars (their version),
/// the rows (the hit symbols come with them).
pub fn burst_so_far(data: &Data, view: &mut View, at: Option<SecondOfDay>) -> Option<SoFar> {
    let at = at?;
    let version = super::lists::extents(data, view).version;
    let key = SoFarKey { day: data.shown().day(), at, bars: data.bar_days.1, rows: version };
    if let Some((k, so_far)) = view.so_far
        && k == key
    {
        return so_far;
    }
    let so_far = match data.bar_days.0.get(&key.day) {
        Some(BarsState::Ready(bars)) => match view.caches.hits(data.shown(), at, version) {
            SymbolsState::Present(hits) => Some(mean_so_far(bars, hits.iter().map(|h| h.symbol.as_str()), at.secs())),
            _ => None,
        },
        _ => None,
    };
    view.so_far = Some((key, so_far));
    so_far
}

/// What a burst's mean return so far is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoFarKey {
    day: crate::archive::Day,
    at: SecondOfDay,
    bars: u64,
    rows: u64,
}

impl App {
    /// The day's bars for the symbol view and the selected burst (a worker reads them).
    pub fn with_bars(mut self, bars: BarsHandle) -> App {
        self.data.bars = Some(bars);
        self
    }

    /// Asks for the shown day's bars (the live day's are kept too) and takes what has come.
    pub(super) fn refresh_bars(&mut self) {
        let Some(handle) = &self.data.bars else { return };
        let (shown, live) = (self.data.shown().day(), self.data.live.day());
        handle.want(shown, &[live]);
        if self.opts.live && self.status.bars_checked.is_none_or(|t| t.elapsed() >= CHECK_EVERY) {
            handle.check(live);
            self.status.bars_checked = Some(Instant::now());
        }
        if handle.version() != self.data.bar_days.1 {
            self.data.bar_days = handle.days();
            self.status.bars_shown = None;
        }
        if let Overlay::Symbol(v) = &mut self.view.overlay {
            let stamp = (self.data.bar_days.1, v.day.bursts.len());
            if self.status.bars_shown != Some(stamp) {
                v.price = price_line(self.data.bar_days.0.get(&shown), &v.day.symbol, &v.day.bursts);
                self.status.bars_shown = Some(stamp);
            }
        }
    }

    /// A symbol's view opens: its price line from the bars there are (or asked for now).
    pub(super) fn price_for(&mut self, v: &mut SymbolView) {
        if self.data.bars.is_none() {
            return;
        }
        self.refresh_bars();
        v.price = price_line(self.data.bar_days.0.get(&self.data.shown().day()), &v.day.symbol, &v.day.bursts);
        self.status.bars_shown = Some((self.data.bar_days.1, v.day.bursts.len()));
    }
}
