//! What rules on baskets and on z-fields need besides the row: the day's basket matcher and the
//! symbols' normals, both gathered from earlier days (by the layer above) on a thread of their
//! own. A command run once waits for them; the live path does not: the rows that need them are
//! held here, in order, and evaluated once they are at hand (`Evaluator::deferred`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use super::baskets::{BasketMatch, BasketMatcher, BasketSource};
use super::normals::{Normals, NormalsSource};
use crate::archive::{Day, QuoteRow, SecondOfDay};

/// Something gathered for one day in the background.
enum State<T> {
    Idle,
    Loading(Day, Receiver<Result<T, String>>),
    Done(Day, Result<T, String>),
}

pub(crate) struct Loader<T> {
    state: State<T>,
    load: Arc<dyn Fn(Day) -> Result<T, String> + Send + Sync>,
    /// Said once per day: why there is nothing.
    warned: Option<Day>,
}

impl<T: Send + 'static> Loader<T> {
    fn new(load: Arc<dyn Fn(Day) -> Result<T, String> + Send + Sync>) -> Loader<T> {
        Loader { state: State::Idle, load, warned: None }
    }

    fn prefetch(&mut self, day: Day) {
        if matches!(&self.state, State::Loading(d, _) | State::Done(d, _) if *d == day) {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let load = self.load.clone();
        let started = std::thread::Builder::new().name("ki2-context".into()).spawn(move || {
            let _ = tx.send(load(day));
        });
        self.state = match started {
            Ok(_) => State::Loading(day, rx),
            Err(e) => State::Done(day, Err(format!("cannot start a thread: {e}"))),
        };
    }

    /// What was gathered for `day`; None while it is still being gathered and `block` is false.
    fn get(&mut self, day: Day, block: bool) -> Option<&mut Result<T, String>> {
        self.prefetch(day);
        if let State::Loading(d, rx) = &self.state {
            let d = *d;
            let stopped = || Err("the thread gathering it stopped".to_owned());
            let got = if block {
                Some(rx.recv().unwrap_or_else(|_| stopped()))
            } else {
                match rx.try_recv() {
                    Ok(r) => Some(r),
                    Err(std::sync::mpsc::TryRecvError::Empty) => None,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => Some(stopped()),
                }
            };
            match got {
                Some(r) => self.state = State::Done(d, r),
                None => return None,
            }
        }
        match &mut self.state {
            State::Done(d, r) if *d == day => {
                if let Err(e) = r
                    && self.warned != Some(day)
                {
                    tracing::warn!("{e}");
                    self.warned = Some(day);
                }
                Some(r)
            }
            _ => None,
        }
    }

    fn ready(&mut self, day: Day) -> bool {
        self.get(day, false).is_some()
    }
}

/// A quotes row kept until the normals are at hand.
#[derive(Debug, Clone)]
pub(crate) struct HeldRow {
    pub day: Day,
    pub index: u64,
    pub time: SecondOfDay,
    pub symbol: String,
    pub num_quotes: u32,
    pub bbo: u32,
    pub num_trades: u32,
    pub dollars: Option<f64>,
}

impl HeldRow {
    pub fn of(day: Day, index: u64, r: &QuoteRow) -> HeldRow {
        HeldRow {
            day,
            index,
            time: r.time,
            symbol: r.symbol.to_owned(),
            num_quotes: r.num_quotes,
            bbo: r.bbo,
            num_trades: r.num_trades,
            dollars: r.dollars,
        }
    }

    pub fn row(&self) -> QuoteRow<'_> {
        QuoteRow {
            time: self.time,
            symbol: &self.symbol,
            num_quotes: self.num_quotes,
            bbo: self.bbo,
            num_trades: self.num_trades,
            dollars: self.dollars,
        }
    }
}

/// A symbols file kept until the matcher is at hand.
#[derive(Debug, Clone)]
pub(crate) struct HeldFile {
    pub day: Day,
    pub burst: SecondOfDay,
    pub symbols: Vec<String>,
}

pub struct Context {
    baskets: Option<Loader<Box<dyn BasketMatcher>>>,
    normals: Option<Loader<Normals>>,
    pub(crate) wait: bool,
    pub(crate) held_rows: Vec<HeldRow>,
    pub(crate) held_files: Vec<HeldFile>,
    /// The basket each of the day's bursts joined, by burst time.
    matches: BTreeMap<SecondOfDay, BasketMatch>,
    matches_day: Option<Day>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("baskets", &self.baskets.is_some())
            .field("normals", &self.normals.is_some())
            .field("held_rows", &self.held_rows.len())
            .field("held_files", &self.held_files.len())
            .finish_non_exhaustive()
    }
}

impl Default for Context {
    fn default() -> Self {
        Context {
            baskets: None,
            normals: None,
            wait: true,
            held_rows: Vec::new(),
            held_files: Vec::new(),
            matches: BTreeMap::new(),
            matches_day: None,
        }
    }
}

impl Context {
    pub fn with_baskets(mut self, source: Arc<dyn BasketSource>) -> Context {
        self.baskets = Some(Loader::new(Arc::new(move |day| source.matcher(day))));
        self
    }

    pub fn with_normals(mut self, source: Arc<dyn NormalsSource>) -> Context {
        self.normals = Some(Loader::new(Arc::new(move |day| source.normals(day))));
        self
    }

    pub fn has_baskets(&self) -> bool {
        self.baskets.is_some()
    }

    pub fn has_normals(&self) -> bool {
        self.normals.is_some()
    }

    pub fn prefetch(&mut self, day: Day) {
        if let Some(b) = &mut self.baskets {
            b.prefetch(day);
        }
        if let Some(n) = &mut self.normals {
            n.prefetch(day);
        }
    }

    /// The normals for `day`: Some(None) when there are none (no source, or it failed), None
    /// while they are being gathered and the caller does not wait.
    pub(crate) fn normals(&mut self, day: Day) -> Option<Option<&Normals>> {
        let wait = self.wait;
        let Some(loader) = &mut self.normals else { return Some(None) };
        loader.get(day, wait).map(|r| r.as_ref().ok())
    }

    pub(crate) fn normals_ready(&mut self, day: Day) -> bool {
        self.normals.as_mut().is_none_or(|l| l.ready(day))
    }

    /// Matches a burst's symbols: Some(match or None) once the matcher is at hand (None also
    /// without a source), None while it is being gathered and the caller does not wait.
    pub(crate) fn basket(&mut self, day: Day, burst: SecondOfDay, symbols: &[&str]) -> Option<Option<BasketMatch>> {
        let wait = self.wait;
        let Some(loader) = &mut self.baskets else { return Some(None) };
        let matcher = loader.get(day, wait)?;
        let Ok(matcher) = matcher else { return Some(None) };
        let m = matcher.add(burst, symbols);
        if self.matches_day != Some(day) {
            self.matches.clear();
            self.matches_day = Some(day);
        }
        if let Some(m) = &m {
            self.matches.insert(burst, m.clone());
        }
        Some(m)
    }

    /// The normals for `day`, if they are at hand (the threshold editor shows what z catches).
    pub fn normals_at_hand(&self, day: Day) -> Option<&Normals> {
        match &self.normals.as_ref()?.state {
            State::Done(d, Ok(n)) if *d == day => Some(n),
            _ => None,
        }
    }

    /// The basket a burst of `day` joined, if it has been matched.
    pub fn basket_of(&self, day: Day, burst: SecondOfDay) -> Option<&BasketMatch> {
        (self.matches_day == Some(day)).then(|| self.matches.get(&burst)).flatten()
    }

    /// Every burst of `day` matched so far, by time.
    pub fn baskets_of(&self, day: Day) -> Option<&BTreeMap<SecondOfDay, BasketMatch>> {
        (self.matches_day == Some(day)).then_some(&self.matches)
    }
}
