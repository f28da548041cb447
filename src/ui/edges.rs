//! The Edges view (`E`): the event study over the closed days, as `ki2 study` computes it with
//! its default options — one row per (group, subject, horizon), sorted by a column (`>` `<` `r`,
//! as the list panes) — and, Enter on a row, the mean cumulative return around its events from
//! −30 to +30 min with a ±2 standard-error band, over the list of those events. The study comes
//! from a worker of the command layer through `StudyHandle`; everything here is prepared when
//! the study arrives or a key is pressed, and `panes/edges.rs` only paints it.

use std::sync::Arc;

use crossterm::event::KeyEvent;

use super::app::App;
use super::columns::{Ctx, EDGES, Sort};
use super::keymap::Action;
use super::nav::ListNav;
use super::order::order;
use super::overlay::{Landing, Overlay};
use super::update::Taken;
use crate::analysis::study::{Study, StudyState, Subject, Summary};
use crate::archive::Day;

/// A row: the summary line it shows (an index into the study's), its cells as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgesRow {
    pub summary: usize,
    pub cells: Vec<String>,
}

/// A list shown first row first: the selected row and the first one on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub sel: usize,
    pub top: usize,
}

impl Scroll {
    /// Moves by a moving action (first row first: newer is up); false when it is not one.
    fn key(&mut self, action: Option<Action>, len: usize, page: usize) -> bool {
        let last = len.saturating_sub(1);
        self.sel = match action {
            Some(Action::Newer) => self.sel.saturating_sub(1),
            Some(Action::Older) => (self.sel + 1).min(last),
            Some(Action::PageNewer) => self.sel.saturating_sub(page.max(1)),
            Some(Action::PageOlder) => (self.sel + page.max(1)).min(last),
            Some(Action::Newest) => 0,
            Some(Action::Oldest) => last,
            _ => return false,
        };
        true
    }

    /// The positions shown in `height` lines, fitting the first line to the selection.
    pub fn show(&mut self, len: usize, height: usize) -> std::ops::Range<usize> {
        let h = height.max(1);
        self.sel = self.sel.min(len.saturating_sub(1));
        if self.sel < self.top {
            self.top = self.sel;
        } else if self.sel >= self.top + h {
            self.top = self.sel + 1 - h;
        }
        self.top = self.top.min(len.saturating_sub(h));
        self.top..(self.top + h).min(len)
    }
}

/// The mean path of one row's group around its events, ready to plot, and its events.
#[derive(Debug, Clone, PartialEq)]
pub struct PathChart {
    /// `burst/HIGH/Buy · hit`
    pub name: String,
    /// The row's horizon (`5m`), the events' column of returns.
    pub horizon: String,
    /// (minutes from the event, mean bp) where a mean is known.
    pub mean: Vec<(f64, f64)>,
    /// mean ± 2 standard errors, where one is known (two events or more).
    pub upper: Vec<(f64, f64)>,
    pub lower: Vec<(f64, f64)>,
    /// The y axis: the lowest and highest of the above and 0.
    pub y: (f64, f64),
    /// Each event: date, time, symbols measured, its mean return at the row's horizon (bp).
    pub events: Vec<[String; 4]>,
    /// Where Enter on each event goes: its day, at its burst (or its symbol, for a symbol's event).
    pub targets: Vec<Option<(Day, Landing)>>,
    pub scroll: Scroll,
}

pub struct EdgesView {
    pub state: StudyState,
    pub version: u64,
    pub rows: Vec<EdgesRow>,
    /// The column sorted by, and whether largest first.
    pub sort: (usize, bool),
    pub scroll: Scroll,
    /// Rows the table showed when last drawn (page moves).
    pub height: usize,
    pub path: Option<PathChart>,
    /// Events of the study, as `ki2 study` counts them (the market subject's are the same ones).
    pub events: usize,
    /// The keys of the view as bound now, for its footer (`Enter: a row's path · > < r: sort`).
    pub hints: String,
    /// What has been handed to the study of the live day.
    pub feed: super::edges_live::Feed,
    /// `m`: the study's malformed bar rows, listed over the table.
    pub malformed: Option<ListNav>,
}

impl EdgesView {
    pub fn new(state: StudyState, version: u64) -> EdgesView {
        let mut v = EdgesView {
            state: StudyState::Idle,
            version,
            rows: Vec::new(),
            sort: (0, false),
            scroll: Scroll::default(),
            height: 10,
            path: None,
            hints: String::new(),
            events: 0,
            feed: Default::default(),
            malformed: None,
        };
        v.set(state, version);
        v
    }

    /// The study as it is now: the rows are made again when it has changed, the same row kept
    /// selected and its path kept open (the live day changes the study every minute or so).
    pub fn set(&mut self, state: StudyState, version: u64) {
        let kept = self.selected().and_then(|i| self.study()?.output.summary.get(i)).map(|l| line_key(l));
        let path = self.path.as_ref().map(|p| p.scroll);
        self.version = version;
        self.rows = match &state {
            StudyState::Ready(study) => rows(study),
            _ => Vec::new(),
        };
        self.events = match &state {
            StudyState::Ready(s) => {
                s.inputs.series.iter().filter(|s| s.subject != Subject::Market).map(|s| s.events.len()).sum()
            }
            _ => 0,
        };
        self.state = state;
        self.path = None;
        let keep = kept.and_then(|k| self.study()?.output.summary.iter().position(|l| line_key(l) == k));
        self.resort(keep);
        if let Some(scroll) = path.filter(|_| keep.is_some())
            && self.open_path()
            && let Some(p) = &mut self.path
        {
            p.scroll = scroll;
        }
    }

    pub fn study(&self) -> Option<&Arc<Study>> {
        match &self.state {
            StudyState::Ready(s) => Some(s),
            _ => None,
        }
    }

    /// Sorts by `self.sort`, keeping `keep` (a summary index) selected.
    fn resort(&mut self, keep: Option<usize>) {
        let Some(study) = self.study().cloned() else { return };
        let s = &study.output.summary;
        let (col, desc) = self.sort;
        let Some(column) = EDGES.get(col) else { return };
        // Equal figures keep the study's order.
        self.rows.sort_by_key(|r| r.summary);
        let keys: Vec<_> =
            self.rows.iter().map(|r| s.get(r.summary).and_then(|l| (column.by)(l, &Ctx::NONE))).collect();
        let order = order(&keys, Sort { col, desc }, false);
        let mut rows: Vec<Option<EdgesRow>> = std::mem::take(&mut self.rows).into_iter().map(Some).collect();
        self.rows = order.into_iter().filter_map(|i| rows.get_mut(i)?.take()).collect();
        if let Some(k) = keep.and_then(|k| self.rows.iter().position(|r| r.summary == k)) {
            self.scroll.sel = k;
        }
    }

    fn selected(&self) -> Option<usize> {
        self.rows.get(self.scroll.sel).map(|r| r.summary)
    }

    /// Enter on the selected row: its group's path and events. False when the row has none to
    /// draw (no event of its group had bars around it).
    fn open_path(&mut self) -> bool {
        let (Some(study), Some(i)) = (self.study(), self.selected()) else { return true };
        self.path = super::edges_path::path_chart(study, i);
        self.path.is_some()
    }
}

/// What a summary line is about: the same line in a study made again.
fn line_key(l: &Summary) -> (String, &'static str, u32) {
    (l.event.clone(), l.subject, l.horizon_s)
}

/// The table's cells from the study's own figures, formatted as `ki2 study` prints them.
fn rows(study: &Study) -> Vec<EdgesRow> {
    let cells = |s: &Summary| EDGES.iter().map(|c| (c.cell)(s, &Ctx::NONE).0).collect();
    study.output.summary.iter().enumerate().map(|(i, s)| EdgesRow { summary: i, cells: cells(s) }).collect()
}

impl App {
    /// `E`: the Edges view; the study is asked for the first time it opens.
    pub(super) fn open_edges(&mut self) {
        let state = match &self.data.study {
            Some(h) => {
                h.request(self.data.live.day());
                h.state()
            }
            None => (StudyState::Unavailable("no study here: ki2 watch and ki2 demo run it".into()), 0),
        };
        let mut view = EdgesView::new(state.0, state.1);
        let k = |a| self.keys.hint(a);
        view.hints = format!(
            "{}: a row's path · {} {} {}: sort",
            k(Action::Enter),
            k(Action::SortNext),
            k(Action::SortPrev),
            k(Action::SortReverse)
        );
        self.open(Overlay::Edges(Box::new(view)));
    }

    /// The study has moved on (computing → ready, or out of date as a day closed): the open
    /// view takes it, asking for it again when it is out of date.
    pub(super) fn refresh_edges(&mut self) -> bool {
        let changed = self.take_study();
        self.feed_edges();
        changed
    }

    fn take_study(&mut self) -> bool {
        let (Some(h), Overlay::Edges(v)) = (&self.data.study, &mut self.view.overlay) else { return false };
        if h.version() == v.version {
            return false;
        }
        h.request(self.data.live.day());
        let (state, version) = h.state();
        v.set(state, version);
        true
    }

    /// The Edges view's keys: moving, sorting, Enter for a row's path, Esc back.
    pub(super) fn edges_key(&mut self, key: KeyEvent) -> Taken {
        let action = self.keys.action(key);
        let Overlay::Edges(v) = &mut self.view.overlay else { return Taken::Pass };
        let len = v.study().map_or(0, |s| s.malformed.len());
        if let Some(nav) = &mut v.malformed {
            if matches!(action, Some(Action::Back | Action::Malformed)) {
                v.malformed = None;
                return Taken::Yes(None);
            }
            let Some(step) = action.and_then(|a| super::update::nav_move(a, 20)) else { return Taken::Pass };
            nav.apply(step, len);
            return Taken::Yes(None);
        }
        if let Some(p) = &mut v.path {
            if matches!(action, Some(Action::Back)) {
                v.path = None;
                return Taken::Yes(None);
            }
            if matches!(action, Some(Action::Edges)) {
                return Taken::Yes(self.back());
            }
            if matches!(action, Some(Action::Enter)) {
                let target = p.targets.get(p.scroll.sel).cloned().flatten();
                if target.is_none() && !p.targets.is_empty() {
                    // A rule's market event names no burst or symbol to open.
                    self.say("this event has no burst or symbol to open: a market event of a rule");
                    return Taken::Yes(None);
                }
                // Its day on screen at its burst or symbol; `Esc` there comes back to this path.
                return Taken::Yes(target.and_then(|(day, landing)| self.go_to(day, landing)));
            }
            let len = p.events.len();
            return if p.scroll.key(action, len, 10) { Taken::Yes(None) } else { Taken::Pass };
        }
        match action {
            Some(Action::Back | Action::Edges) => return Taken::Yes(self.back()),
            Some(Action::Malformed) => match len {
                0 => self.say("no malformed bar row: every line of the bars files read was a bar"),
                _ => v.malformed = Some(ListNav::default()),
            },
            Some(Action::Enter) => {
                if !v.open_path() {
                    self.say(
                        "no path to draw for this row: none of its events had bars from 30 min before to 30 min after",
                    );
                }
            }
            Some(a @ (Action::Copy | Action::CopyTable)) => {
                // `y` the selected line, `Y` the whole table, as `ki2 study --json` gives the figures.
                let Some(study) = v.study().cloned() else {
                    self.say("nothing to copy yet: the study is not ready");
                    return Taken::Yes(None);
                };
                let picked = if a == Action::CopyTable {
                    &v.rows[..]
                } else {
                    v.rows.get(v.scroll.sel..=v.scroll.sel).unwrap_or(&[])
                };
                let lines: Vec<Summary> =
                    picked.iter().filter_map(|r| study.output.summary.get(r.summary).cloned()).collect();
                let (text, n) = super::copy::table(&EDGES, &[], |_| Vec::new(), &lines, &Ctx::NONE, &|_| true);
                match n {
                    0 => self.say("nothing to copy: the study has no line"),
                    1 => self.put_on_clipboard(text, "1 line of Edges"),
                    n => self.put_on_clipboard(text, &format!("{n} lines of Edges")),
                }
            }
            Some(a @ (Action::SortNext | Action::SortPrev | Action::SortReverse)) => {
                let keep = v.selected();
                let n = EDGES.len();
                v.sort = match a {
                    Action::SortNext => ((v.sort.0 + 1) % n, v.sort.1),
                    Action::SortPrev => ((v.sort.0 + n - 1) % n, v.sort.1),
                    _ => (v.sort.0, !v.sort.1),
                };
                v.resort(keep);
            }
            _ if v.scroll.key(action, v.rows.len(), v.height) => {}
            _ => return Taken::Pass,
        }
        Taken::Yes(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selection_stays_on_screen_as_it_moves_first_row_first() {
        let mut s = Scroll::default();
        assert_eq!(s.show(30, 10), 0..10);
        assert!(s.key(Some(Action::PageOlder), 30, 10) && s.sel == 10);
        assert_eq!(s.show(30, 10), 1..11);
        assert!(s.key(Some(Action::Oldest), 30, 10) && s.sel == 29);
        assert_eq!(s.show(30, 10), 20..30);
        assert!(s.key(Some(Action::Newer), 30, 10) && s.sel == 28);
        assert_eq!(s.show(30, 10), 20..30, "no scroll while the selection is on screen");
        assert!(s.key(Some(Action::Newest), 30, 10) && s.show(30, 10) == (0..10));
        assert!(!s.key(Some(Action::Sinks), 30, 10) && !s.key(None, 30, 10));
        // A list shorter than before (a new study) keeps the selection inside it.
        s.sel = 29;
        assert_eq!((s.show(4, 10), s.sel), (0..4, 3));
        assert_eq!(s.show(0, 10), 0..0);
    }
}
