//! The TUI. `app.rs` holds the state: `data.rs` (the days and alerts) and `view.rs` (focus, one
//! list state per pane, each one's sort and columns — `columns.rs` — the filter, the overlay and
//! the views it was drilled from — `trail.rs` — the caches); `intake.rs` takes in the tailer's events and the clock's tick; `update.rs` turns keys into changes (`overlay_keys.rs` an open view's, `column_keys.rs` the sort and column keys); `lists.rs` says what each list pane lists, for the keys and the screen alike, in the
//! order of a column (`order.rs` for the short lists, `sorted.rs` for hft1's million rows);
//! `layout.rs` says where everything goes for a terminal's size; `settle.rs` is the update step
//! before a frame (the lists' heights, what the panes show — `lists::prepare` — gathered only when
//! something changed, the overlays' scroll); `draw.rs` has the panes paint it from `&App` (one
//! file each in `panes/`, none of which queries the store or changes anything; `prices.rs`
//! prepares the symbol view's price line and the selected burst's return so far from the bars a
//! worker hands over); `run.rs` is the event loop over
//! the terminal, the tailer and a 1 s clock; `terminal.rs` gets the terminal back on every way
//! out. The UI never touches files: what it needs from outside comes through `run::Io`.

mod across;
mod app;
mod baskets;
mod cache;
mod catch;
mod column_keys;
mod columns;
mod copy;
mod data;
mod draw;
mod edges;
mod edges_live;
mod edges_path;
mod intake;
mod keymap;
mod layout;
mod lists;
mod nav;
mod order;
mod overlay;
mod overlay_keys;
mod panes;
mod prices;
mod run;
mod scale;
mod settle;
mod sorted;
mod terminal;
mod text;
mod theme;
mod trail;
mod update;
mod view;

pub use app::{App, AppOptions};
pub use baskets::BasketsJob;
pub use keymap::{Keymap, Rebind};
pub use run::{Exit, Io, Pacing, apply, run};
pub use theme::Theme;
pub use update::Effect;

impl App {
    /// The update step for the frame's size, then the paint: one call for the snapshot tests
    /// and the benchmarks (the event loop calls the two itself, `settle` outside `draw`).
    pub fn render(&mut self, f: &mut ratatui::Frame) {
        self.settle(f.area());
        self.draw(f);
    }

    /// Paints the screen from what `settle` prepared; changes nothing.
    pub fn draw(&self, f: &mut ratatui::Frame) {
        draw::draw(self, f);
    }
}
