//! Keys while a view is open: the view on top takes the ones it uses (in its mode of the one
//! key table) and passes the rest to the screen's.

use crossterm::event::KeyEvent;

use super::app::App;
use super::keymap::{Action, Mode};
use super::overlay::{Landing, Overlay};
use super::panes::rules::Outcome;
use super::update::{Effect, Taken, nav_move};

impl App {
    pub(super) fn overlay_key(&mut self, key: KeyEvent) -> Taken {
        let mode = match self.view.overlay {
            Overlay::Rules(_) => Mode::Editor,
            Overlay::Columns(_) => Mode::Chooser,
            _ => Mode::Screen,
        };
        let action = self.keys.action_in(mode, key);
        let v = &mut self.view;
        match &mut v.overlay {
            Overlay::None => Taken::Pass,
            // Read at once by the event loop: no key comes in between but in tests.
            Overlay::Opening(_) => match action {
                Some(Action::Back) => Taken::Yes(self.back()),
                _ => Taken::Pass,
            },
            Overlay::Help(scroll) => match action {
                Some(Action::Back | Action::Help | Action::Enter) => Taken::Yes(self.back()),
                Some(Action::Older | Action::PageOlder) => {
                    *scroll = scroll.saturating_add(1);
                    Taken::Yes(None)
                }
                Some(Action::Newer | Action::PageNewer) => {
                    *scroll = scroll.saturating_sub(1);
                    Taken::Yes(None)
                }
                _ => Taken::Pass,
            },
            Overlay::Days(p) => match action {
                Some(Action::Back | Action::Days) => Taken::Yes(self.back()),
                Some(Action::Enter) => {
                    let day = p.selected();
                    // A jump, not a step back: the panes under the picker (when kept) are
                    // where `Esc` goes back to.
                    v.overlay = Overlay::None;
                    let Some(day) = day else { return Taken::Yes(None) };
                    if day == self.data.live.day() && self.opts.live {
                        self.show_live();
                        Taken::Yes(None)
                    } else {
                        self.status.loading = Some(day);
                        Taken::Yes(Some(Effect::OpenDay(day)))
                    }
                }
                _ => match action.and_then(|a| nav_move(a, 10)) {
                    Some(m) => {
                        p.nav.apply(m, p.days.len());
                        Taken::Yes(None)
                    }
                    None => Taken::Pass,
                },
            },
            Overlay::Columns(_) => self.chooser_key(action),
            Overlay::Baskets(_) => self.baskets_key(key),
            Overlay::Edges(_) => self.edges_key(key),
            Overlay::Message(_) => match action {
                Some(Action::Back | Action::Message) => Taken::Yes(self.back()),
                _ => Taken::Pass,
            },
            Overlay::Sinks => match action {
                Some(Action::Back | Action::Sinks) => Taken::Yes(self.back()),
                _ => Taken::Pass,
            },
            Overlay::Malformed(nav) => match action {
                Some(Action::Back | Action::Malformed) => Taken::Yes(self.back()),
                _ => match action.and_then(|a| nav_move(a, 20)) {
                    Some(m) => {
                        nav.apply(m, self.data.shown().malformed().len());
                        Taken::Yes(None)
                    }
                    None => Taken::Pass,
                },
            },
            // In a symbol's view the S2 / S1 window keys step its days, and Tab moves between
            // its two lists.
            Overlay::Symbol(sv) => match action {
                Some(Action::Back) => Taken::Yes(self.back()),
                Some(a @ (Action::Narrower | Action::Wider)) => {
                    sv.across.step(a == Action::Wider);
                    v.across_span = sv.across.span;
                    let (index, version) = (&self.data.days.0, self.data.days.1);
                    sv.gather(index, version, self.data.shown().day());
                    Taken::Yes(None)
                }
                Some(Action::NextPane | Action::PrevPane) => {
                    sv.across.focused = !sv.across.focused;
                    Taken::Yes(None)
                }
                // Enter on a day: that day, at this symbol.
                Some(Action::Enter) if sv.across.focused => {
                    let Some(line) = sv.across.selected().cloned() else { return Taken::Yes(None) };
                    if line.shown {
                        return Taken::Yes(None);
                    }
                    let symbol = sv.day.symbol.clone();
                    Taken::Yes(self.go_to(line.day, Landing::Symbol(symbol)))
                }
                _ => match action.and_then(|a| nav_move(a, if sv.across.focused { 10 } else { 20 })) {
                    Some(m) if sv.across.focused => {
                        sv.across.nav.apply(m, sv.across.lines.len());
                        Taken::Yes(None)
                    }
                    Some(m) => {
                        sv.nav.apply(m, sv.day.rows.len());
                        Taken::Yes(None)
                    }
                    None => Taken::Pass,
                },
            },
            Overlay::Rules(ed) => {
                let rules = self.data.alerting.rules().clone();
                match ed.key(&rules, key, action, &self.keys) {
                    Outcome::Pass => Taken::Pass,
                    Outcome::Nothing => Taken::Yes(None),
                    Outcome::Changed(r) => {
                        self.rules_unsaved = true;
                        self.set_rules(r);
                        Taken::Yes(None)
                    }
                    Outcome::Error(e) => {
                        self.complain(e);
                        Taken::Yes(None)
                    }
                    Outcome::Prompt(p) => {
                        self.say(p);
                        Taken::Yes(None)
                    }
                    Outcome::Save => Taken::Yes(Some(Effect::SaveRules(rules))),
                    Outcome::Close => {
                        if ed.dirty {
                            self.say("rules changed and in effect, not saved (t, then s, saves them)");
                        }
                        Taken::Yes(self.back())
                    }
                }
            }
        }
    }
}
