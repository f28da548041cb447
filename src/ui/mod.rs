//! The TUI. `app.rs` holds the state, `update.rs` turns keys into changes, `draw.rs` lays out
//! the panes (one file each in `panes/`), `run.rs` is the event loop over the terminal, the
//! tailer and a 1 s clock, `terminal.rs` gets the terminal back on every way out. The UI never
//! touches files: what it needs from outside comes through `run::Io`.

mod app;
mod cache;
mod draw;
mod keymap;
mod nav;
mod overlay;
mod panes;
mod run;
mod scale;
mod terminal;
mod text;
mod theme;
mod update;

pub use app::{App, AppOptions};
pub use run::{Exit, Io, Pacing, apply, run};
pub use theme::Theme;
pub use update::Effect;

impl App {
    /// Draws the whole screen (the event loop and the snapshot tests call this).
    pub fn render(&mut self, f: &mut ratatui::Frame) {
        draw::draw(self, f);
    }
}
