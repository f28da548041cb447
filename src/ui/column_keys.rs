//! What the sort and column keys do: `<` `>` sort the pane in focus by the previous / next
//! column, `r` reverses, `s` switches High Quote Counts between newest and largest first, `C`
//! opens the column chooser. Every change is kept: an `Effect` writes view.toml.

use super::app::App;
use super::columns::{self, PaneColumns, QUOTE_COUNT, Sort};
use super::keymap::Action;
use super::nav::ListNav;
use super::overlay::Overlay;
use super::panes::chooser::Chooser;
use super::update::{Effect, Taken};
use super::view::{ListPane, Pane};

impl App {
    /// The pane the sort keys act on: the chooser's while it is open, else the one in focus.
    fn sort_pane(&self) -> Option<ListPane> {
        match &self.view.overlay {
            Overlay::Columns(ch) => Some(ch.pane),
            _ => self.view.focus.list(),
        }
    }

    /// `<` `>` `r` `s`.
    pub(super) fn sort(&mut self, action: Action) -> Option<Effect> {
        let pane = if action == Action::SortQuotes { Some(ListPane::Quotes) } else { self.sort_pane() };
        let Some(pane) = pane else {
            self.say("< > and r sort the table panes: Tab to one");
            return None;
        };
        let c = &mut self.view.columns[pane];
        let before = c.sort;
        match action {
            Action::SortNext | Action::SortPrev => {
                if !c.cycle(pane, action == Action::SortNext) {
                    self.say(format!(
                        "{}: no other column shown to sort by (C shows columns)",
                        columns::pane_title(pane)
                    ));
                    return None;
                }
            }
            Action::SortReverse => c.sort.desc = !c.sort.desc,
            Action::SortQuotes => {
                // What `s` always did: newest first, or the day's largest counts first.
                let largest = Sort { col: QUOTE_COUNT, desc: true };
                c.sort = if c.sort == largest { PaneColumns::default_for(pane).sort } else { largest };
                self.view.focus = Pane::Quotes;
            }
            _ => return None,
        }
        let sort = c.sort;
        if sort == before {
            return None;
        }
        // Places in the old order mean other rows in the new one: start at its top.
        self.view.lists[pane].nav = ListNav::default();
        if pane == ListPane::Bursts {
            self.view.lists[ListPane::Symbols].nav = ListNav::default();
        }
        let title = columns::of(pane).get(sort.col).map_or("?", |c| c.col.title);
        self.say(format!("{} sorted by {title}{} (r reverses)", columns::pane_title(pane), sort.arrow()));
        Some(self.save_view())
    }

    fn save_view(&self) -> Effect {
        Effect::SaveView(self.view.columns.to_file())
    }

    /// `C`.
    pub(super) fn open_columns(&mut self) {
        match self.view.focus.list() {
            Some(pane) => self.open(Overlay::Columns(Chooser::new(pane))),
            None => self.say("C chooses the columns of a table pane: Tab to one"),
        }
    }

    /// The chooser's keys: the cursor, `Space`, and closing; the others go to the screen
    /// (`<` `>` `r` sort the chooser's pane).
    pub(super) fn chooser_key(&mut self, action: Option<Action>) -> Taken {
        let Overlay::Columns(ch) = &mut self.view.overlay else { return Taken::Pass };
        let Some(action) = action else { return Taken::Pass };
        match action {
            Action::Back | Action::Enter | Action::Columns => return Taken::Yes(self.back()),
            Action::Newer => ch.step(-1),
            Action::Older => ch.step(1),
            Action::Newest | Action::PageNewer => ch.step(isize::MIN),
            Action::Oldest | Action::PageOlder => ch.step(isize::MAX),
            Action::ToggleColumn => {
                let (pane, i) = (ch.pane, ch.cursor);
                let title = columns::of(pane).get(i).map_or("?", |c| c.col.title);
                match self.view.columns[pane].toggle(pane, i) {
                    Ok(shown) => {
                        self.say(format!(
                            "{}: {title} {}",
                            columns::pane_title(pane),
                            if shown { "shown" } else { "hidden" }
                        ));
                        return Taken::Yes(Some(self.save_view()));
                    }
                    Err(e) => self.complain(e),
                }
            }
            _ => return Taken::Pass,
        }
        Taken::Yes(None)
    }
}
