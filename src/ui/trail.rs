//! The views drilled through — a burst → its symbols → a symbol across days → a day, an Edges
//! event → its day: `Enter` that opens a view from another keeps the one it came from, with the
//! day the panes showed, and `Esc` goes back one step, to that day again when the step changed
//! it. Views opened by their own keys (`?`, `d`, `E`, `B`…) take the place of the one on top,
//! as they always did; over the panes of a day drilled to, the panes are kept to go back to.

use super::app::App;
use super::overlay::{Landing, Overlay};
use super::update::Effect;
use crate::archive::Day;

/// Views kept to go back to, at most: each holds its rows (a symbol's view, a path), and a
/// user drilling on and on never goes back further than this.
const KEPT: usize = 32;

/// A view gone under another, and the day under it then.
pub struct Behind {
    overlay: Overlay,
    day: Day,
    /// That was the tailed day (whichever day it is on the way back).
    live: bool,
}

/// The views under the one on top, the latest last.
#[derive(Default)]
pub struct Trail(Vec<Behind>);

impl Trail {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What `Esc` on the panes of a day drilled to goes back to, in words (the view they were
    /// drilled to from: the panes kept under a symbol's view are one step, not a place).
    pub fn next_back_from_panes(&self) -> Option<String> {
        let b = self.0.iter().rev().find(|b| !matches!(b.overlay, Overlay::None))?;
        Some(match &b.overlay {
            Overlay::None => format!("{}", b.day),
            Overlay::Symbol(v) => format!("{} on {}", v.day.symbol, b.day),
            Overlay::Edges(_) => "Edges".into(),
            Overlay::Baskets(_) => "Baskets".into(),
            Overlay::Days(_) => "the days".into(),
            Overlay::Help(_) => "the help".into(),
            Overlay::Rules(_) => "the rules".into(),
            Overlay::Sinks => "the sinks".into(),
            Overlay::Columns(_) => "the columns".into(),
            Overlay::Malformed(_) => "the malformed rows".into(),
            Overlay::Message(_) => "the message".into(),
            Overlay::Opening(_) => "the day being read".into(),
        })
    }
}

impl App {
    /// A view opened by its own key, in place of the one on top.
    pub(super) fn open(&mut self, overlay: Overlay) {
        if matches!(self.view.overlay, Overlay::None) {
            self.keep_top();
        }
        self.view.overlay = overlay;
    }

    /// A view opened from the one on top (`Enter`), which is kept to go back to.
    pub(super) fn drill(&mut self, overlay: Overlay) {
        self.keep_top();
        self.view.overlay = overlay;
    }

    fn keep_top(&mut self) {
        let top = std::mem::replace(&mut self.view.overlay, Overlay::None);
        // The panes with nothing under them are where going back ends anyway.
        if matches!(top, Overlay::None) && self.view.trail.is_empty() {
            return;
        }
        let (day, live) = (self.data.shown().day(), self.data.history.is_none());
        let trail = &mut self.view.trail.0;
        if trail.len() == KEPT {
            trail.remove(0);
        }
        trail.push(Behind { overlay: top, day, live });
    }

    /// `Esc` on a view (or on the panes of a day drilled to): the view it came from, over its
    /// day — read again when the step changed the day.
    pub(super) fn back(&mut self) -> Option<Effect> {
        let Some(b) = self.view.trail.0.pop() else {
            self.view.overlay = Overlay::None;
            return None;
        };
        self.view.overlay = b.overlay;
        if b.live {
            if self.data.history.is_some() {
                self.show_live();
            }
            // A symbol's view of the live day follows it again.
            if let Overlay::Symbol(v) = &mut self.view.overlay {
                v.refresh(&self.data.live);
            }
            return None;
        }
        if b.day == self.data.shown().day() {
            return None;
        }
        self.status.loading = Some(b.day);
        Some(Effect::OpenDay(b.day))
    }

    /// `Enter` on a burst or a symbol of a day in a view: that day on screen there, read first
    /// when it is not the day shown; the view is kept to go back to.
    pub(super) fn go_to(&mut self, day: Day, landing: Landing) -> Option<Effect> {
        let live = day == self.data.live.day() && self.opts.live;
        if live || day == self.data.shown().day() {
            self.drill(Overlay::None);
            if live {
                self.show_live();
            }
            let landed = self.land(landing);
            self.say_way_back(landed);
            return None;
        }
        self.drill(Overlay::Opening(landing));
        self.status.loading = Some(day);
        Some(Effect::OpenDay(day))
    }

    /// The day read is on screen: the landing a view asked for, if one waits.
    pub(super) fn landed(&mut self) {
        if !matches!(self.view.overlay, Overlay::Opening(_)) {
            return;
        }
        if let Overlay::Opening(landing) = std::mem::replace(&mut self.view.overlay, Overlay::None) {
            let landed = self.land(landing);
            self.say_way_back(landed);
        }
    }

    /// Where the drill went, and that `Esc` comes back (said in the status line).
    fn say_way_back(&mut self, landed: bool) {
        let back = self.keys.hint(super::keymap::Action::Back);
        let Some(to) = self.view.trail.next_back_from_panes() else { return };
        let way = format!("{back} leads back to {to}");
        // What went wrong landing (the burst is not in the day) stays said, the way back after it.
        if !landed && let Some(n) = self.status.message.as_mut() {
            n.text = format!("{} · {way}", n.text);
            return;
        }
        let day = self.data.shown().day();
        let history = if self.data.history.is_some() { ": history" } else { "" };
        self.say(format!("{day}{history} · {way}"));
    }

    /// The day could not be read: the view it was asked from is back (its day still shown).
    pub(super) fn not_landed(&mut self) {
        if matches!(self.view.overlay, Overlay::Opening(_)) {
            let _ = self.back();
        }
    }

    /// Whether it landed (a burst may not be in the day: that is said).
    pub(super) fn land(&mut self, landing: Landing) -> bool {
        match landing {
            Landing::Symbol(symbol) => {
                self.open_symbol(&symbol);
                true
            }
            Landing::Burst(time) => self.select_burst(time),
        }
    }
}
