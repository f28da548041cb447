//! Keys: what each does to the state (the list the user sees is in `keymap.rs`). Anything that
//! needs files or time (open a day, save rules) comes back as an `Effect` for the event loop.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Pane, QuoteOrder, WINDOWS};
use super::nav::{ListNav, Move};
use super::overlay::Overlay;
use super::panes::days::DayPicker;
use super::panes::rules::Outcome;
use super::panes::symbol_view::SymbolView;
use super::panes::{alerts, bursts, quotes, symbols};
use crate::alerts::{RuleSet, Source};
use crate::archive::Day;
use crate::store::queries::SymbolFilter;

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The days of the archive are needed for the picker.
    ListDays,
    OpenDay(Day),
    SaveRules(RuleSet),
}

impl App {
    /// One key press. Returns what the event loop must do, if anything.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))
        {
            self.quit = true;
            return None;
        }
        if self.typing_filter.is_some() {
            self.filter_key(key);
            return None;
        }
        match &mut self.overlay {
            Overlay::None => self.main_key(key),
            Overlay::Help(scroll) => {
                match key.code {
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Enter => self.overlay = Overlay::None,
                    KeyCode::Char('q') => self.quit = true,
                    KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => *scroll = scroll.saturating_sub(1),
                    _ => {}
                }
                None
            }
            Overlay::Days(p) => match key.code {
                KeyCode::Esc | KeyCode::Char('d') => {
                    self.overlay = Overlay::None;
                    None
                }
                KeyCode::Enter => {
                    let day = p.selected();
                    self.overlay = Overlay::None;
                    let day = day?;
                    if day == self.live.day() && self.opts.live {
                        self.show_live();
                        None
                    } else {
                        self.status.loading = Some(day);
                        Some(Effect::OpenDay(day))
                    }
                }
                _ => {
                    let len = p.days.len();
                    move_nav(&mut p.nav, key.code, len, 10);
                    None
                }
            },
            Overlay::Sinks => {
                match key.code {
                    KeyCode::Esc | KeyCode::Char('o') => self.overlay = Overlay::None,
                    KeyCode::Char('q') => self.quit = true,
                    _ => {}
                }
                None
            }
            Overlay::Malformed(nav) => {
                if matches!(key.code, KeyCode::Esc | KeyCode::Char('m') | KeyCode::Char('q')) {
                    self.overlay = Overlay::None;
                } else {
                    let len = self.history.as_ref().unwrap_or(&self.live).malformed().len();
                    move_nav(nav, key.code, len, 20);
                }
                None
            }
            Overlay::Symbol(v) => {
                if matches!(key.code, KeyCode::Esc | KeyCode::Backspace) {
                    self.overlay = Overlay::None;
                } else if key.code == KeyCode::Char('q') {
                    self.quit = true;
                } else {
                    let len = v.day.rows.len();
                    move_nav(&mut v.nav, key.code, len, 20);
                }
                None
            }
            Overlay::Rules(ed) => {
                let rules = self.alerting.rules().clone();
                match ed.key(&rules, key) {
                    Outcome::Nothing => None,
                    Outcome::Changed(r) => {
                        self.set_rules(r);
                        None
                    }
                    Outcome::Error(e) => {
                        self.complain(e);
                        None
                    }
                    Outcome::Prompt(p) => {
                        self.say(p);
                        None
                    }
                    Outcome::Save => Some(Effect::SaveRules(rules)),
                    Outcome::Quit => {
                        self.quit = true;
                        None
                    }
                    Outcome::Close => {
                        if ed.dirty {
                            self.say("rules changed and in effect, not saved (t, then s, saves them)");
                        }
                        self.overlay = Overlay::None;
                        None
                    }
                }
            }
        }
    }

    /// The rules were saved: the editor is clean again.
    pub fn rules_saved(&mut self, path: &std::path::Path) {
        if let Overlay::Rules(ed) = &mut self.overlay {
            ed.dirty = false;
        }
        self.say(format!("rules saved to {}", path.display()));
    }

    pub fn open_day_picker(&mut self, days: Vec<Day>) {
        let current = self.store().day();
        self.overlay = Overlay::Days(DayPicker::new(days, current));
    }

    fn filter_key(&mut self, key: KeyEvent) {
        let Some(text) = self.typing_filter.as_mut() else { return };
        match key.code {
            KeyCode::Esc => {
                self.typing_filter = None;
                self.set_filter(String::new());
            }
            KeyCode::Enter => {
                self.typing_filter = None;
            }
            KeyCode::Backspace => {
                text.pop();
                let t = text.clone();
                self.set_filter(t);
            }
            KeyCode::Char(c) if (c.is_alphanumeric() || "./-_*^=".contains(c)) && text.chars().count() < 24 => {
                text.push(c.to_ascii_uppercase());
                let t = text.clone();
                self.set_filter(t);
            }
            _ => {}
        }
    }

    /// Filters every pane by symbol (empty text: no filter). Selections restart at the newest row.
    pub fn set_filter(&mut self, text: String) {
        let filter = SymbolFilter::new(&text);
        if filter != self.filter {
            self.filter = filter;
            for nav in [&mut self.quotes_nav, &mut self.bursts_nav, &mut self.symbols_nav, &mut self.alerts_nav] {
                *nav = ListNav::default();
            }
        }
        self.filter_text = text;
    }

    fn main_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let back = key.modifiers.contains(KeyModifiers::SHIFT);
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Tab => self.focus = self.focus.next(back),
            KeyCode::BackTab => self.focus = self.focus.next(true),
            KeyCode::Left | KeyCode::Char('h') => self.focus = neighbour(self.focus, false),
            KeyCode::Right | KeyCode::Char('l') => self.focus = neighbour(self.focus, true),
            KeyCode::Up | KeyCode::Char('k') => self.move_sel(Move::Newer(1)),
            KeyCode::Down | KeyCode::Char('j') => self.move_sel(Move::Older(1)),
            KeyCode::PageUp => self.move_sel(Move::Newer(self.page())),
            KeyCode::PageDown => self.move_sel(Move::Older(self.page())),
            KeyCode::Home | KeyCode::Char('g') => self.move_sel(Move::Newest),
            KeyCode::End | KeyCode::Char('G') => self.move_sel(Move::Oldest),
            KeyCode::Enter => self.enter(),
            KeyCode::Esc => self.escape(),
            KeyCode::Char('/') => self.typing_filter = Some(self.filter_text.clone()),
            KeyCode::Char('f') => {
                if let Some(nav) = self.nav_mut(self.focus) {
                    nav.follow = !nav.follow;
                    let on = nav.follow;
                    self.say(if on { "autosnap on: following the newest row" } else { "autosnap off" });
                }
            }
            // `p` again: `take` has already unpaused.
            KeyCode::Char('p') if self.frozen.take().is_none() => {
                self.frozen = Some(self.freeze_now());
                self.status.unseen = 0;
            }
            KeyCode::Char('s') => {
                self.quote_order = match self.quote_order {
                    QuoteOrder::Time => QuoteOrder::Count,
                    QuoteOrder::Count => QuoteOrder::Time,
                };
                self.quotes_nav = ListNav::default();
                self.focus = Pane::Quotes;
            }
            KeyCode::Char('n') => self.net = !self.net,
            KeyCode::Char('z') | KeyCode::Char('+') | KeyCode::Char('=') | KeyCode::Char('-') => {
                let scale = match self.focus {
                    Pane::Programs => &mut self.programs_scale,
                    Pane::Series => &mut self.series_scale,
                    _ => return None,
                };
                match key.code {
                    KeyCode::Char('z') => scale.toggle(),
                    KeyCode::Char('-') => scale.step(false),
                    _ => scale.step(true),
                }
            }
            KeyCode::Char('[') => self.window = self.window.saturating_sub(1),
            KeyCode::Char(']') => self.window = (self.window + 1).min(WINDOWS.len() - 1),
            KeyCode::Char('b') => {
                self.opts.bell = !self.opts.bell;
                self.say(if self.opts.bell { "bell on new alerts" } else { "bell off" });
            }
            KeyCode::Char('?') => self.overlay = Overlay::Help(0),
            KeyCode::Char('m') => self.overlay = Overlay::Malformed(ListNav::default()),
            KeyCode::Char('o') => self.overlay = Overlay::Sinks,
            KeyCode::Char('t') => self.overlay = Overlay::Rules(Box::default()),
            KeyCode::Char('d') => return Some(Effect::ListDays),
            _ => {}
        }
        None
    }

    fn page(&self) -> usize {
        let h = match self.focus {
            Pane::Quotes => self.heights.quotes,
            Pane::Bursts => self.heights.bursts,
            Pane::Symbols => self.heights.symbols,
            _ => self.heights.alerts,
        };
        h.saturating_sub(1).max(1)
    }

    fn nav_mut(&mut self, pane: Pane) -> Option<&mut ListNav> {
        match pane {
            Pane::Quotes => Some(&mut self.quotes_nav),
            Pane::Bursts => Some(&mut self.bursts_nav),
            Pane::Symbols => Some(&mut self.symbols_nav),
            Pane::Alerts => Some(&mut self.alerts_nav),
            Pane::Programs | Pane::Series => None,
        }
    }

    fn move_sel(&mut self, m: Move) {
        let len = match self.focus {
            Pane::Quotes => quotes::len(self),
            Pane::Bursts => bursts::len(self),
            Pane::Symbols => symbols::hits(self).1.map(|h| h.len()).unwrap_or(0),
            Pane::Alerts => alerts::list(self).len(),
            Pane::Programs | Pane::Series => return,
        };
        let moved_burst = self.focus == Pane::Bursts;
        if let Some(nav) = self.nav_mut(self.focus) {
            nav.apply(m, len);
        }
        if moved_burst {
            // Another burst: its symbols start at the top.
            self.symbols_nav = ListNav::default();
        }
    }

    fn enter(&mut self) {
        match self.focus {
            Pane::Quotes => {
                if let Some(q) = quotes::selected(self) {
                    self.open_symbol(&q.symbol);
                }
            }
            Pane::Bursts => {
                if bursts::selected(self).is_some() {
                    self.focus = Pane::Symbols;
                    self.symbols_nav = ListNav::default();
                }
            }
            Pane::Symbols => {
                if let Some(h) = symbols::selected(self) {
                    self.open_symbol(&h.symbol);
                }
            }
            Pane::Alerts => self.drill_to_alert(),
            Pane::Programs => self.net = !self.net,
            Pane::Series => {}
        }
    }

    fn open_symbol(&mut self, symbol: &str) {
        let view = SymbolView::new(self.store(), symbol);
        self.overlay = Overlay::Symbol(Box::new(view));
    }

    fn escape(&mut self) {
        if self.focus == Pane::Symbols {
            self.focus = Pane::Bursts;
        } else if self.filter.is_some() {
            self.set_filter(String::new());
        } else if self.frozen.is_some() {
            self.frozen = None;
        }
    }

    /// Enter on an alert: select the row that raised it, in its pane.
    fn drill_to_alert(&mut self) {
        let Some(a) = alerts::selected(self).cloned() else { return };
        match a.source {
            Source::Quotes => {
                let Some(sym) = a.symbol.as_deref() else { return };
                let Some(f) = SymbolFilter::new(sym) else { return };
                let store = self.store();
                let rows = store.matching_quotes(&f, 0);
                let Some(row) =
                    store.quotes_at(rows.iter().copied()).iter().find(|q| q.time == a.time).map(|q| q.index)
                else {
                    self.complain("that row is not in the day shown");
                    return;
                };
                self.quote_order = QuoteOrder::Time;
                if self.filter.as_ref().is_some_and(|f| !f.matches(sym)) {
                    self.set_filter(String::new());
                }
                let pos = match self.filter.clone() {
                    Some(f) => {
                        let upto = self.shown().quotes;
                        let store = self.history.as_ref().unwrap_or(&self.live);
                        self.caches.filtered_quotes(store, &f, upto).iter().position(|&i| i == row).unwrap_or(0)
                    }
                    None => row,
                };
                self.quotes_nav.select(pos);
                self.focus = Pane::Quotes;
            }
            Source::Bursts | Source::BurstSymbols => {
                if !bursts::select_time(self, a.time) {
                    self.complain("that burst is not in the day shown");
                    return;
                }
                self.symbols_nav = ListNav::default();
                if a.source == Source::BurstSymbols {
                    self.focus = Pane::Symbols;
                    if let Some(s) = a.symbol.as_deref() {
                        symbols::select_symbol(self, s);
                    }
                } else {
                    self.focus = Pane::Bursts;
                }
            }
            Source::S1 | Source::S2 => self.focus = Pane::Series,
        }
    }
}

/// The pane to the left or right in the two rows of three.
fn neighbour(p: Pane, right: bool) -> Pane {
    use Pane::*;
    match (p, right) {
        (Quotes, true) => Bursts,
        (Bursts, true) => Symbols,
        (Symbols, true) => Programs,
        (Programs, true) => Series,
        (Series, true) => Alerts,
        (Alerts, true) => Quotes,
        (Quotes, false) => Alerts,
        (Bursts, false) => Quotes,
        (Symbols, false) => Bursts,
        (Programs, false) => Symbols,
        (Series, false) => Programs,
        (Alerts, false) => Series,
    }
}

fn move_nav(nav: &mut ListNav, code: KeyCode, len: usize, page: usize) {
    let m = match code {
        KeyCode::Up | KeyCode::Char('k') => Move::Newer(1),
        KeyCode::Down | KeyCode::Char('j') => Move::Older(1),
        KeyCode::PageUp => Move::Newer(page),
        KeyCode::PageDown => Move::Older(page),
        KeyCode::Home | KeyCode::Char('g') => Move::Newest,
        KeyCode::End | KeyCode::Char('G') => Move::Oldest,
        _ => return,
    };
    nav.apply(m, len);
}
