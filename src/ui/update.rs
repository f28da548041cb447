//! Keys: what each does to the state (the list the user sees is in `keymap.rs`). Anything that
//! needs files or time (open a day, save rules) comes back as an `Effect` for the event loop.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::App;
use super::keymap::Action;
use super::lists;
use super::nav::{ListNav, Move};
use super::overlay::Overlay;
use super::panes::days::{DayPicker, DaySummary};
use super::panes::rules::RulesEditor;
use super::panes::sinks::NO_SINKS;
use super::panes::symbol_view::SymbolView;
use super::view::{ListPane, Pane, WINDOWS};
use crate::alerts::{RuleSet, Source};
use crate::archive::Day;
use crate::store::queries::SymbolFilter;
use crate::view_file::ViewFile;

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The days of the archive are needed for the picker.
    ListDays,
    OpenDay(Day),
    SaveRules(RuleSet),
    /// The list panes' sort and columns changed: write them to view.toml.
    SaveView(ViewFile),
    /// The Baskets view opened: find the baskets of the closed days before this day.
    FindBaskets(Day),
}

/// What an overlay did with a key.
pub(super) enum Taken {
    /// Used it; this is what follows.
    Yes(Option<Effect>),
    /// Not one of its keys: the main screen's keymap decides.
    Pass,
}

impl App {
    /// One key press. Returns what the event loop must do, if anything. The overlay on top
    /// takes the keys it uses and passes the rest to the keymap, so a key (`q` above all)
    /// means the same wherever it is pressed; Ctrl-C always quits.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        self.touch();
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return None;
        }
        if self.view.typing {
            self.filter_key(key);
            return None;
        }
        let action = self.keys.action(key);
        // Any other key between two `q`s: the next `q` asks again.
        let asked = std::mem::take(&mut self.quit_asked);
        match self.overlay_key(key) {
            Taken::Yes(effect) => effect,
            Taken::Pass => match action {
                Some(Action::Quit) => {
                    if self.rules_unsaved && !asked {
                        self.quit_asked = true;
                        let k = |a| self.keys.hint(a);
                        let (save, quit) = (k(Action::SaveRules), k(Action::Quit));
                        self.complain(match self.view.overlay {
                            Overlay::Rules(_) => format!("unsaved rule edits: {save} saves, {quit} again quits"),
                            _ => format!(
                                "unsaved rule edits: {}, then {save}, saves them; {quit} again quits",
                                k(Action::Rules)
                            ),
                        });
                    } else {
                        self.quit = true;
                    }
                    None
                }
                Some(a) => self.act(a),
                None => None,
            },
        }
    }

    /// The rules were saved: the editor is clean again.
    pub fn rules_saved(&mut self, path: &std::path::Path) {
        if let Overlay::Rules(ed) = &mut self.view.overlay {
            ed.dirty = false;
            // Saved: what the values catch is measured from here on.
            ed.baseline = None;
        }
        self.rules_unsaved = false;
        self.say(format!("rules saved to {}", path.display()));
    }

    pub fn open_day_picker(&mut self, days: Vec<Day>) {
        let current = self.store().day();
        self.data.refresh_index();
        let data = &self.data;
        // The days on hand from their stores (the live one is still growing), the rest from
        // the index.
        let on_hand = |store: &crate::store::DayStore, alerts: usize| {
            store.stats().ok().map(|s| (store.day(), DaySummary::of(&s, Some(alerts))))
        };
        let live = on_hand(&data.live, data.alerts_total);
        let shown = data.history.as_ref().and_then(|h| on_hand(&h.store, h.alerts_total));
        let summary = |d: Day| {
            [&live, &shown]
                .into_iter()
                .flatten()
                .find(|(day, _)| *day == d)
                .map(|(_, s)| s.clone())
                .or_else(|| data.days.0.stats(d).map(|s| DaySummary::of(s, None)))
        };
        let picker = DayPicker::new(days, current, summary);
        self.open(Overlay::Days(picker));
    }

    fn filter_key(&mut self, key: KeyEvent) {
        let mut text = self.view.filter.as_ref().map(|f| f.text.clone()).unwrap_or_default();
        match key.code {
            KeyCode::Esc => {
                self.view.typing = false;
                self.view.set_filter(String::new());
            }
            KeyCode::Enter => self.view.typing = false,
            KeyCode::Backspace => {
                text.pop();
                self.view.set_filter(text);
            }
            KeyCode::Char(c) if (c.is_alphanumeric() || "./-_*^=".contains(c)) && text.chars().count() < 24 => {
                text.push(c.to_ascii_uppercase());
                self.view.set_filter(text);
            }
            _ => {}
        }
    }

    /// Filters every pane by symbol (empty text: no filter). Selections restart at the newest row.
    pub fn set_filter(&mut self, text: String) {
        self.view.set_filter(text);
    }

    /// What an action does on the main screen.
    fn act(&mut self, action: Action) -> Option<Effect> {
        let v = &mut self.view;
        match action {
            Action::Quit => self.quit = true,
            Action::NextPane => v.focus = v.focus.next(false),
            Action::PrevPane => v.focus = v.focus.next(true),
            Action::PaneLeft => v.focus = v.focus.next(true),
            Action::PaneRight => v.focus = v.focus.next(false),
            Action::Newer => self.move_sel(Move::Newer(1)),
            Action::Older => self.move_sel(Move::Older(1)),
            Action::PageNewer => self.move_sel(Move::Newer(self.page())),
            Action::PageOlder => self.move_sel(Move::Older(self.page())),
            Action::Newest => self.move_sel(Move::Newest),
            Action::Oldest => self.move_sel(Move::Oldest),
            Action::Enter => self.enter(),
            Action::Back => return self.escape(),
            Action::Filter => v.typing = true,
            Action::Follow => {
                if let Some(pane) = v.focus.list() {
                    let nav = &mut v.lists[pane].nav;
                    nav.follow = !nav.follow;
                    let on = nav.follow;
                    self.say(if on { "autosnap on: following the newest row" } else { "autosnap off" });
                }
            }
            // `p` again: `take` has already unpaused.
            Action::Pause => {
                if v.frozen.take().is_none() {
                    self.view.frozen = Some(lists::extents_now(&self.data));
                    self.status.unseen = 0;
                }
            }
            Action::SortQuotes | Action::SortNext | Action::SortPrev | Action::SortReverse => return self.sort(action),
            Action::Columns => self.open_columns(),
            Action::Net => v.net = !v.net,
            Action::Scale | Action::ScaleUp | Action::ScaleDown => {
                let scale = match v.focus {
                    Pane::Programs => &mut v.programs_scale,
                    Pane::Series => &mut v.series_scale,
                    _ => return None,
                };
                match action {
                    Action::Scale => scale.toggle(),
                    Action::ScaleDown => scale.step(false),
                    _ => scale.step(true),
                }
            }
            Action::Narrower => v.window = v.window.saturating_sub(1),
            Action::Wider => v.window = (v.window + 1).min(WINDOWS.len() - 1),
            Action::Bell => {
                self.opts.bell = !self.opts.bell;
                self.say(if self.opts.bell { "bell on new alerts" } else { "bell off" });
            }
            Action::Help => self.open(Overlay::Help(0)),
            Action::Malformed => self.open(Overlay::Malformed(ListNav::default())),
            Action::Message => match &self.status.message {
                Some(n) => self.open(Overlay::Message(n.text.clone())),
                None => self.say("no message yet"),
            },
            Action::Sinks if self.data.alerting.has_sinks() => self.open(Overlay::Sinks),
            Action::Sinks => self.say(NO_SINKS),
            Action::Rules => {
                // Edits made before it was closed are still unsaved: its title says so again.
                let dirty = self.rules_unsaved;
                self.open(Overlay::Rules(Box::new(RulesEditor { dirty, ..Default::default() })));
            }
            Action::Days => return Some(Effect::ListDays),
            Action::Baskets => return self.open_baskets(),
            Action::Edges => self.open_edges(),
            Action::Copy => self.copy(false),
            Action::CopyTable => self.copy(true),
            // A view's own (the key table gives them only while it is open).
            Action::StepUp
            | Action::StepDown
            | Action::ToggleRule
            | Action::AddRule
            | Action::DeleteRule
            | Action::SaveRules
            | Action::ToggleColumn => {}
        }
        None
    }

    fn page(&self) -> usize {
        let pane = self.view.focus.list().unwrap_or(ListPane::Alerts);
        self.view.lists[pane].height.saturating_sub(1).max(1)
    }

    fn move_sel(&mut self, m: Move) {
        let Some(pane) = self.view.focus.list() else { return };
        let len = lists::len(&self.data, &mut self.view, pane);
        self.view.lists[pane].nav.apply(m, len);
        if pane == ListPane::Bursts {
            // Another burst: its symbols start at the top.
            self.view.lists[ListPane::Symbols].nav = ListNav::default();
        }
    }

    fn enter(&mut self) {
        let (data, view) = (&self.data, &mut self.view);
        match view.focus {
            Pane::Quotes => {
                if let Some(q) = lists::selected_quote(data, view) {
                    self.open_symbol(&q.symbol);
                }
            }
            Pane::Bursts => {
                if lists::selected_burst(data, view).is_some() {
                    view.focus = Pane::Symbols;
                    view.lists[ListPane::Symbols].nav = ListNav::default();
                }
            }
            Pane::Symbols => {
                if let Some(h) = lists::selected_hit(data, view) {
                    self.open_symbol(&h.symbol);
                }
            }
            Pane::Alerts => self.drill_to_alert(),
            Pane::Programs => view.net = !view.net,
            Pane::Series => {}
        }
    }

    pub(super) fn open_symbol(&mut self, symbol: &str) {
        let mut view = SymbolView::new(self.data.shown(), symbol);
        view.across.span = self.view.across_span;
        self.data.refresh_index();
        view.gather(&self.data.days.0, self.data.days.1, self.data.shown().day());
        self.price_for(&mut view);
        self.drill(Overlay::Symbol(Box::new(view)));
    }

    /// `Esc` on the panes: out of the burst's symbols, the filter, the pause, then back to the
    /// view the panes were drilled to from.
    fn escape(&mut self) -> Option<Effect> {
        let v = &mut self.view;
        if v.focus == Pane::Symbols {
            v.focus = Pane::Bursts;
        } else if v.filter.is_some() {
            v.set_filter(String::new());
        } else if v.frozen.is_some() {
            v.frozen = None;
        } else if !v.trail.is_empty() {
            return self.back();
        }
        None
    }

    /// Enter on an alert: select the row that raised it, in its pane, clearing a filter that
    /// would hide it.
    fn drill_to_alert(&mut self) {
        let Some(a) = lists::selected_alert(&self.data, &mut self.view).cloned() else { return };
        let (data, view) = (&self.data, &mut self.view);
        match a.source {
            Source::Quotes => {
                let Some(sym) = a.symbol.as_deref() else { return };
                let Some(f) = SymbolFilter::new(sym) else { return };
                let store = data.shown();
                let rows = store.matching_quotes(&f, 0);
                let Some(row) =
                    store.quotes_at(rows.iter().copied()).iter().find(|q| q.time == a.time).map(|q| q.index)
                else {
                    self.complain("that row is not in the day shown");
                    return;
                };
                if view.matcher().is_some_and(|f| !f.matches(sym)) {
                    view.set_filter(String::new());
                }
                let pos = lists::quote_position(data, view, row).unwrap_or(0);
                view.lists[ListPane::Quotes].nav.select(pos);
                view.focus = Pane::Quotes;
            }
            Source::Bursts | Source::BurstSymbols | Source::Baskets => {
                if !self.select_burst(a.time) {
                    return;
                }
                let (data, view) = (&self.data, &mut self.view);
                if a.source == Source::BurstSymbols {
                    view.focus = Pane::Symbols;
                    if let Some(p) = a.symbol.as_deref().and_then(|s| lists::hit_position(data, view, s)) {
                        view.lists[ListPane::Symbols].nav.select(p);
                    }
                }
            }
            Source::S1 | Source::S2 => view.focus = Pane::Series,
        }
    }
}

impl App {
    /// Selects the burst of that second in Burst Signals and focuses it, clearing a filter that
    /// would hide it; false (said) when the day shown has none.
    pub(super) fn select_burst(&mut self, time: crate::archive::SecondOfDay) -> bool {
        let (data, view) = (&self.data, &mut self.view);
        let Some((i, pos)) = lists::burst_position(data, view, time) else {
            self.complain("that burst is not in the day shown");
            return false;
        };
        let pos = match pos {
            Some(p) => p,
            None => {
                // The filter hides it: without the filter, it is listed.
                view.set_filter(String::new());
                lists::burst_position(data, view, time).and_then(|(_, p)| p).unwrap_or(i)
            }
        };
        view.lists[ListPane::Bursts].nav.select(pos);
        view.lists[ListPane::Symbols].nav = ListNav::default();
        view.focus = Pane::Bursts;
        true
    }
}

/// How a moving action moves a list, `page` rows a page.
pub(super) fn nav_move(action: Action, page: usize) -> Option<Move> {
    Some(match action {
        Action::Newer => Move::Newer(1),
        Action::Older => Move::Older(1),
        Action::PageNewer => Move::Newer(page),
        Action::PageOlder => Move::Older(page),
        Action::Newest => Move::Newest,
        Action::Oldest => Move::Oldest,
        _ => return None,
    })
}
