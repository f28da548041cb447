//! The live day on top of the closed days' study, for the Edges view. The closed days' events
//! are kept as gathered and their bars as read (the symbols their events name), so adding the
//! live day reads no closed day's file and no index again: only the live day's bars file, when it
//! has changed, and its events as the UI's store has them. An event whose horizon has not passed
//! is no observation for it yet (the day's last bar ends before it), so n grows with the day.
//! The baseline's days include the live day's bars so far, as `ki2 study` run once the day is
//! complete includes the whole day: then the figures are `ki2 study`'s.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::day_bars::{Stamp, stamp};
use crate::analysis::study::events::{Events, Kind};
use crate::analysis::study::live::LiveDay;
use crate::analysis::study::{self, Inputs, Live, Study, StudyState};
use crate::archive::day::market_zone;
use crate::archive::{Day, Malformed};
use crate::prices::{DayBars, PriceFiles, read_day};

/// The closed days' study as the live day is added to it.
pub struct Closed {
    /// The live day it left out.
    pub live: Day,
    pub inputs: Inputs,
    /// Each closed day's bars (None: it had none), only the symbols of the study's events.
    pub bars: Vec<Option<Arc<DayBars>>>,
    /// More bars than `background::KEEP_BARS`: none are kept, the live day is not added.
    pub too_many: bool,
    pub notes: Vec<String>,
    pub dir: PathBuf,
    pub bar_s: Option<u32>,
    pub market: String,
    pub rules: crate::alerts::RuleSet,
    /// The closed days' malformed bar rows.
    pub malformed: Vec<Malformed>,
}

/// A day's bars cut down to the symbols of `inputs`: all the study looks up.
pub fn trim(mut bars: DayBars, inputs: &Inputs) -> DayBars {
    let names: HashSet<String> = inputs.symbols.table(str::to_owned).into_iter().collect();
    bars.symbols.retain(|name, _| names.contains(&**name));
    bars.symbols.shrink_to_fit();
    bars
}

/// The closed days' study and what the live day last added to it.
pub struct Overlay {
    closed: Closed,
    events: Option<Arc<LiveDay>>,
    /// The live day's bars file as last read, and its bars.
    read: Option<Stamp>,
    bars: Option<Arc<DayBars>>,
    said: Vec<String>,
    /// The live day's malformed bar rows, as last read.
    malformed: Vec<Malformed>,
}

impl Overlay {
    pub fn new(closed: Closed) -> Overlay {
        Overlay { closed, events: None, read: None, bars: None, said: Vec::new(), malformed: Vec::new() }
    }

    /// The study with the live day on top when its events (`events`, None: as before) or its
    /// bars file changed since the last time; None when nothing changed or the events are of
    /// another day than the one left out.
    pub fn update(&mut self, events: Option<Arc<LiveDay>>, threads: usize) -> Option<StudyState> {
        let mut changed = false;
        if let Some(e) = events.filter(|e| e.day == self.closed.live)
            && self.events.as_ref().is_none_or(|mine| *mine != e)
        {
            self.events = Some(e);
            changed = true;
        }
        changed |= self.look_at_bars();
        let events = self.events.clone()?;
        changed.then(|| self.study(&events, threads))
    }

    /// Reads the live day's bars again when its file changed (or one came); whether it did.
    fn look_at_bars(&mut self) -> bool {
        if let Some(s) = &self.read
            && stamp(s.0.clone()) == *s
        {
            return false;
        }
        let day = self.closed.live;
        let files = PriceFiles::scan(&self.closed.dir).ok().and_then(|mut p| p.days.remove(&day)).unwrap_or_default();
        let Some(file) = files.first().map(|f| f.path.clone()) else {
            let had = self.bars.take().is_some();
            self.read = None;
            self.said = vec![format!("no bars yet for {day} in {}", self.closed.dir.display())];
            return had;
        };
        self.read = Some(stamp(file));
        self.said.clear();
        self.malformed.clear();
        self.bars = match read_day(&files, day, self.closed.bar_s, market_zone()) {
            Ok(Some(mut bars)) => {
                self.malformed = std::mem::take(&mut bars.malformed);
                if let Some(note) = super::malformed_note(&self.malformed, "m lists them") {
                    self.said.push(format!("{day}: {note}"));
                }
                self.said.extend(bars.warnings.iter().cloned());
                Some(Arc::new(trim(bars, &self.closed.inputs)))
            }
            Ok(None) => None,
            Err(e) => {
                self.said.push(e.to_string());
                None
            }
        };
        true
    }

    fn study(&self, events: &LiveDay, threads: usize) -> StudyState {
        let c = &self.closed;
        let mut gather = match Events::resume(Kind::DEFAULT.to_vec(), &c.rules, &c.market, c.inputs.clone()) {
            Ok(g) => g,
            Err(e) => return StudyState::Failed(e),
        };
        gather.add_live(events);
        let inputs = gather.finish();
        let n = c.bars.len();
        let started = std::time::Instant::now();
        let output = study::run(&inputs, threads, |i| if i < n { c.bars[i].clone() } else { self.bars.clone() });
        tracing::debug!("edges: the live day added in {:.3} s", started.elapsed().as_secs_f64());
        let bars_to = self.bars.as_ref().and_then(|b| b.symbols.values().filter_map(|s| s.last_end()).max());
        let notes = c.notes.iter().chain(&self.said).cloned().collect();
        let live = Some(Live { day: c.live, bars_to });
        let malformed = c.malformed.iter().chain(&self.malformed).cloned().collect();
        StudyState::Ready(Arc::new(Study { inputs, output, notes, live, malformed }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::RuleSet;
    use crate::analysis::study::{StudyHandle, Summary};
    use crate::archive::{Archive, ColumnOrder};
    use crate::sim::{self, PricesOut, Profile, SimOptions};
    use crate::store::DayStore;

    type Res = Result<(), Box<dyn std::error::Error>>;

    fn ready(state: Option<StudyState>) -> Result<Arc<Study>, String> {
        match state {
            Some(StudyState::Ready(s)) => Ok(s),
            other => Err(format!("not a study: {other:?}")),
        }
    }

    /// Pairs with a return at horizon `h` over the burst groups.
    fn n_at(study: &Study, h: u32) -> usize {
        study.output.summary.iter().filter(|l| l.event.starts_with("burst/") && l.horizon_s == h).map(|l| l.n).sum()
    }

    fn same(a: &[Summary], b: &[Summary]) -> Result<(), String> {
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
        let opt = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => close(x, y),
            (x, y) => x.is_none() && y.is_none(),
        };
        if a.len() != b.len() {
            return Err(format!("{} lines against {}", a.len(), b.len()));
        }
        for (x, y) in a.iter().zip(b) {
            let ok = (&x.event, x.subject, x.horizon_s, x.n_events, x.n)
                == (&y.event, y.subject, y.horizon_s, y.n_events, y.n)
                && close(x.mean_bp, y.mean_bp)
                && close(x.median_bp, y.median_bp)
                && close(x.hit_rate, y.hit_rate)
                && opt(x.t, y.t)
                && opt(x.baseline_bp, y.baseline_bp)
                && opt(x.excess_bp, y.excess_bp);
            if !ok {
                return Err(format!("{x:?}\nagainst\n{y:?}"));
            }
        }
        Ok(())
    }

    /// Two closed days and a live day whose bars grow: the live day's pairs have a return at a
    /// horizon only once its bars have reached it, n grows as they come, the closed days are
    /// never read again, and with the day's bars complete the figures are `ki2 study`'s.
    #[test]
    fn the_live_day_fills_in_as_its_bars_grow_and_ends_as_ki2_study() -> Res {
        let dir = tempfile::tempdir()?;
        let (root, bars) = (dir.path().join("archive"), dir.path().join("bars"));
        // Today: an earlier day has closed, and the study would take it as a closed day.
        let live = Day::today();
        let players = sim::players(3, 4);
        let prices = PricesOut { dir: bars.clone(), edge_bp: sim::DEFAULT_EDGE_BP };
        sim::seed_history(&root, live, 2, 3, &players, Some(&prices))?;
        let opts = SimOptions { root: root.clone(), day: live, seed: 3, profile: Profile::Normal };
        sim::write_day_with(&opts, &players, None)?;
        let mut growing = sim::growing_bars(&opts, &players, &prices)?;
        let setup = super::super::background::Setup {
            config: crate::config::Config::default(),
            root: root.clone(),
            prices: Some(bars.clone()),
            rules: RuleSet::defaults(),
            builder: crate::history::builder(&root, &dir.path().join("data"), ColumnOrder::default()),
            keep_bars: super::super::background::KEEP_BARS,
        };
        let (_handle, worker) = StudyHandle::channel();
        // Past its bound the closed days' bars are not held, and the study says why today is
        // not added.
        let small = super::super::background::Setup { keep_bars: 1000, ..setup };
        let (study, closed) = super::super::background::closed(&small, live, &worker).map_err(|e| format!("{e:?}"))?;
        assert!(closed.too_many && closed.bars.is_empty());
        assert!(study.notes.iter().any(|n| n.contains("today's events join the study when the day has closed")));
        let setup = super::super::background::Setup { keep_bars: super::super::background::KEEP_BARS, ..small };
        let (closed_only, closed) =
            super::super::background::closed(&setup, live, &worker).map_err(|e| format!("{e:?}"))?;
        let study = &closed_only;
        assert!(!closed.too_many && closed.bars.iter().all(Option::is_some), "{:?}", study.notes);
        assert_eq!(closed.inputs.days.len(), 2);
        let mut overlay = Overlay::new(closed);
        // The live day's events as the UI's store has them: the whole day's archive is there,
        // its bars come a minute at a time.
        let files = Archive::discover(&root)?.files(live);
        let store = DayStore::from_day(crate::archive::read_day(&files, ColumnOrder::default()))?;
        let events = Arc::new(LiveDay::of(&store, &mut crate::analysis::study::live::Gathered::default()));
        assert!(events.bursts.len() > 10 && !events.first.is_empty(), "{} bursts", events.bursts.len());

        let mut seen = Vec::new();
        for t in [11 * 3600, 13 * 3600, 16 * 3600 + 60] {
            growing.advance(t)?;
            let study = ready(overlay.update(Some(events.clone()), 2))?;
            let to = study.live.as_ref().and_then(|l| l.bars_to).ok_or("no bars_to")?;
            assert!(to <= t, "bars to {to} at {t}");
            // No invented return: a live pair has one at a horizon only once the bars reach it.
            let today = study.inputs.days.len() - 1;
            for p in study.output.pairs.iter().filter(|p| p.day == today) {
                for (j, r) in p.returns.iter().enumerate() {
                    assert!(r.is_none() || p.time + study.inputs.horizons[j] <= to, "{p:?} past {to}");
                }
            }
            for line in &study.output.summary {
                let before = closed_only
                    .output
                    .summary
                    .iter()
                    .find(|l| (&l.event, &l.subject, l.horizon_s) == (&line.event, &line.subject, line.horizon_s));
                if before.is_some_and(|b| b.excess_bp.is_some()) {
                    assert!(line.excess_bp.is_some(), "at {t}: {line:?} lost its baseline ({before:?})");
                }
            }
            seen.push((n_at(&study, 1800), study));
            assert!(overlay.update(Some(events.clone()), 2).is_none(), "nothing changed: nothing to do");
        }
        assert!(
            seen[0].0 < seen[1].0 && seen[1].0 < seen[2].0,
            "n grows: {:?}",
            seen.iter().map(|s| s.0).collect::<Vec<_>>()
        );

        // The day complete: what `ki2 study` computes over the same three days.
        let archive = Archive::discover(&root)?;
        let days: Vec<Day> = archive.days.keys().copied().collect();
        let mut notes = super::super::Notes::default();
        let config = &setup.config;
        let mut inputs = super::super::gather(
            config,
            &archive,
            &days,
            Kind::DEFAULT.to_vec(),
            &setup.rules,
            vec![60, 300, 900, 1800],
            &mut notes,
        )?;
        inputs.path = (-super::super::PATH_MINUTES..=super::super::PATH_MINUTES).map(|m| m * 60).collect();
        let files = PriceFiles::scan(&bars)?;
        let loader = super::super::bars::Loader::new(&files, None);
        let whole = study::run(&inputs, 2, |i| loader.load(inputs.days[i]));
        let last = &seen[2].1;
        assert_eq!(last.inputs.series, inputs.series, "the live day's events are the day index's");
        same(&last.output.summary, &whole.summary)?;
        Ok(())
    }
}
