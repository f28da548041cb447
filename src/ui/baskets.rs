//! The Baskets view's state (`B`): the recurring baskets of the closed days, found on a thread
//! the event loop starts through `Io::baskets` and delivered over a channel, the list's sort and
//! place, and the basket open in detail. `panes/baskets.rs` only paints it. Also the basket a
//! burst joined, for the Burst Signals column: the live day's from the alert path's matches,
//! an earlier day's from the table.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use crossterm::event::KeyEvent;

use super::app::App;
use super::columns::{BASKET_BURSTS, BASKETS, Ctx, Sort, Sorts};
use super::data::Data;
use super::keymap::Action;
use super::nav::ListNav;
use super::order::order;
use super::overlay::Overlay;
use super::update::{Effect, Taken};
use crate::analysis::baskets::{BasketLine, BasketsTable, short_ids};
use crate::archive::{Day, SecondOfDay};

/// The search the event loop started: over how many closed days, and where its result comes.
pub struct BasketsJob {
    pub days: usize,
    pub result: Receiver<Result<BasketsTable, String>>,
}

/// Where the baskets stand, for the closed days before `day` (the live day).
#[derive(Default)]
pub enum Found {
    #[default]
    NotAsked,
    /// This ki2 has no day index to find them in (a day read on its own).
    Unavailable,
    Computing {
        day: Day,
        days: usize,
        result: Receiver<Result<BasketsTable, String>>,
        /// The table shown while a newer one is found (the live day's bursts moved on).
        previous: Option<Arc<BasketsTable>>,
        /// The live day's matched bursts when it was asked for.
        asked: usize,
    },
    Ready {
        day: Day,
        table: Arc<BasketsTable>,
        asked: usize,
    },
    Failed {
        day: Day,
        why: String,
    },
}

impl Found {
    pub fn table(&self) -> Option<&BasketsTable> {
        self.shared().map(|t| &**t)
    }

    /// The table the view shows: the one found, or the one at hand while a newer one is found.
    pub fn shared(&self) -> Option<&Arc<BasketsTable>> {
        match self {
            Found::Ready { table, .. } | Found::Computing { previous: Some(table), .. } => Some(table),
            _ => None,
        }
    }

    fn for_day(&self) -> Option<Day> {
        match self {
            Found::Computing { day, .. } | Found::Ready { day, .. } | Found::Failed { day, .. } => Some(*day),
            Found::NotAsked | Found::Unavailable => None,
        }
    }
}

/// The Baskets view: its place in the list, its sort, the basket open in detail, and the list
/// as it is shown.
pub struct BasketsView {
    pub nav: ListNav,
    pub sort: Sort,
    /// The id of the basket shown in detail (Enter), if one is.
    pub open: Option<String>,
    /// Made by the update step when the table or the sort changed: drawing only paints it.
    pub listed: Option<Listed>,
}

/// The table's baskets in the view's order, and the short form each shows.
pub struct Listed {
    table: Arc<BasketsTable>,
    sort: Sort,
    /// Indexes into the table's baskets, top first.
    pub order: Vec<usize>,
    /// Two listed baskets never show one short form: where they would, both are lengthened.
    pub forms: HashMap<String, String>,
}

impl Listed {
    pub fn lines(&self) -> Vec<&BasketLine> {
        self.order.iter().filter_map(|&i| self.table.baskets.get(i)).collect()
    }

    /// Made from this table (the one held, not an equal one) in this order.
    fn is_for(&self, table: &BasketsTable, sort: Sort) -> bool {
        std::ptr::eq(&*self.table, table) && self.sort == sort
    }
}

impl Default for BasketsView {
    fn default() -> Self {
        BasketsView { nav: ListNav::default(), sort: Sort { col: BASKET_BURSTS, desc: true }, open: None, listed: None }
    }
}

impl BasketsView {
    /// The update step's part: the list in the view's order, again only when the table or the
    /// sort changed.
    pub fn prepare(&mut self, table: &Arc<BasketsTable>) {
        if self.listed.as_ref().is_some_and(|l| l.is_for(table, self.sort)) {
            return;
        }
        let order = order_of(table, self.sort);
        let forms = short_ids(order.iter().filter_map(|&i| table.baskets.get(i)).map(|l| l.report.id.as_str()))
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        self.listed = Some(Listed { table: table.clone(), sort: self.sort, order, forms });
    }

    /// The table's baskets in the view's order, top first (equal values keep the report's order:
    /// most bursts first, then by id).
    pub fn order<'a>(&self, table: &'a BasketsTable) -> Vec<&'a BasketLine> {
        let fresh;
        let order = match &self.listed {
            Some(l) if l.is_for(table, self.sort) => &l.order,
            _ => {
                fresh = order_of(table, self.sort);
                &fresh
            }
        };
        order.iter().filter_map(|&i| table.baskets.get(i)).collect()
    }

    /// The selected basket, in the view's order.
    pub fn selected<'a>(&self, table: &'a BasketsTable) -> Option<&'a BasketLine> {
        let lines = self.order(table);
        let pos = self.nav.selected(lines.len())?;
        lines.get(lines.len() - 1 - pos).copied()
    }
}

/// Indexes of the table's baskets in `sort`'s order, top first.
fn order_of(table: &BasketsTable, sort: Sort) -> Vec<usize> {
    let Some(column) = BASKETS.get(sort.col) else { return (0..table.baskets.len()).collect() };
    let keys: Vec<_> = table.baskets.iter().map(|l| (column.by)(l, &Ctx::NONE)).collect();
    order(&keys, sort, false)
}

impl Data {
    /// The basket the shown day's burst at `time` joined, when that basket was seen before it:
    /// its id and its bursts before this one. The live day's come from the alert path's
    /// matches (made as each symbols file comes), an earlier day's from the Baskets table.
    pub fn basket_of(&self, time: SecondOfDay) -> Option<(&str, u32)> {
        let day = self.shown().day();
        if self.history.is_none()
            && let Some(m) = self.alerting.context().basket_of(day, time)
        {
            return (m.bursts > 0).then_some((m.id.as_str(), m.bursts));
        }
        let seen = self.baskets.table()?.joined.get(&(day, time.secs()))?;
        Some((seen.id.as_str(), seen.before))
    }

    /// The live day's bursts the alert path has matched to baskets so far.
    pub fn live_matched(&self) -> usize {
        self.alerting.context().baskets_of(self.live.day()).map_or(0, |m| m.len())
    }

    /// Changes whenever a burst's basket may have (for the order of a list sorted by it).
    pub fn baskets_stamp(&self) -> u64 {
        let live = self.alerting.context().baskets_of(self.live.day()).map_or(0, |m| m.len() as u64);
        live + if self.baskets.table().is_some() { 1 << 32 } else { 0 }
    }
}

impl App {
    /// `B`: the Baskets view. The baskets of the closed days before the live day are looked for
    /// the first time it opens (and again once the live day has moved on).
    pub(super) fn open_baskets(&mut self) -> Option<Effect> {
        self.open(Overlay::Baskets(Box::default()));
        let day = self.data.live.day();
        match &self.data.baskets {
            Found::Unavailable => None,
            Found::Ready { day: d, asked, .. } if *d == day && self.data.live_matched() > *asked => {
                Some(Effect::FindBaskets(day))
            }
            f if f.for_day() == Some(day) && !matches!(f, Found::Failed { .. }) => None,
            _ => Some(Effect::FindBaskets(day)),
        }
    }

    /// The live day, when the Baskets view is open and the alert path has matched more of the
    /// live day's bursts than the table shown holds (the view counts today as it goes).
    pub fn baskets_refresh(&self) -> Option<Day> {
        let day = self.data.live.day();
        let open = matches!(self.view.overlay, Overlay::Baskets(_));
        match &self.data.baskets {
            Found::Ready { day: d, asked, .. } if open && *d == day && self.data.live_matched() > *asked => Some(day),
            _ => None,
        }
    }

    /// The live day, when an earlier day is shown and the baskets of the closed days have not
    /// been looked for yet (its Basket column needs them).
    pub fn baskets_wanted(&self) -> Option<Day> {
        let live = self.data.live.day();
        let asked = matches!(self.data.baskets, Found::Unavailable) || self.data.baskets.for_day() == Some(live);
        (self.data.history.is_some() && !asked).then_some(live)
    }

    /// The event loop started the search (None: this ki2 has no index to search).
    /// The live day's bursts' side and S1 by their second (empty for another day): the
    /// Baskets view counts today's bursts by side as `ki2 baskets` does.
    pub fn burst_sides(&self, day: Day) -> crate::analysis::baskets::BurstSides {
        let live = &self.data.live;
        if live.day() != day {
            return Default::default();
        }
        (0..live.bursts_len()).filter_map(|i| live.burst_at(i)).map(|b| (b.time.secs(), (b.prog_type, b.s1))).collect()
    }

    pub fn baskets_started(&mut self, day: Day, job: Option<BasketsJob>) {
        let previous = match &self.data.baskets {
            Found::Ready { day: d, table, .. } if *d == day => Some(table.clone()),
            _ => None,
        };
        let asked = self.data.live_matched();
        self.data.baskets = match job {
            Some(j) => Found::Computing { day, days: j.days, result: j.result, previous, asked },
            None => Found::Unavailable,
        };
        self.poll_baskets();
    }

    /// Takes the result when it has come (the clock calls this once a second).
    pub fn poll_baskets(&mut self) {
        let Found::Computing { day, result, asked, .. } = &self.data.baskets else { return };
        let (day, asked) = (*day, *asked);
        let got = match result.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the thread finding them stopped".to_owned()),
        };
        self.data.baskets = match got {
            Ok(table) => {
                if let Some(w) = table.warnings.last() {
                    self.complain(w.clone());
                }
                Found::Ready { day, table: Arc::new(table), asked }
            }
            Err(why) => {
                tracing::warn!("baskets: {why}");
                Found::Failed { day, why }
            }
        };
    }

    /// The view's keys: moving, Enter (detail), the sort keys, Esc (back, then close).
    pub(super) fn baskets_key(&mut self, key: KeyEvent) -> Taken {
        let action = self.keys.action(key);
        let Overlay::Baskets(v) = &mut self.view.overlay else { return Taken::Pass };
        let len = self.data.baskets.table().map_or(0, |t| t.baskets.len());
        match action {
            Some(Action::Back) => {
                if v.open.take().is_none() {
                    return Taken::Yes(self.back());
                }
                return Taken::Yes(None);
            }
            Some(Action::Enter) => {
                let table = self.data.baskets.table();
                v.open = table.and_then(|t| v.selected(t)).map(|l| l.report.id.clone());
                return Taken::Yes(None);
            }
            _ => {}
        }
        if let Some(m) = action.and_then(|a| super::update::nav_move(a, 10)) {
            // In the detail they do nothing, rather than move a list hidden under the view.
            if v.open.is_none() {
                v.nav.apply(m, len);
            }
            return Taken::Yes(None);
        }
        if v.open.is_some() {
            return Taken::Pass;
        }
        match action {
            Some(Action::SortNext | Action::SortPrev) => {
                let n = BASKETS.len();
                let next =
                    if action == Some(Action::SortNext) { (v.sort.col + 1) % n } else { (v.sort.col + n - 1) % n };
                v.sort = Sort { col: next, desc: BASKETS[next].head.sorts == Sorts::Down };
                v.nav = ListNav::default();
                Taken::Yes(None)
            }
            Some(Action::SortReverse) => {
                v.sort.desc = !v.sort.desc;
                v.nav = ListNav::default();
                Taken::Yes(None)
            }
            Some(Action::Baskets) => Taken::Yes(self.back()),
            _ => Taken::Pass,
        }
    }
}
