//! Where everything goes on a screen of a given size: a pure function of the terminal's size and
//! the app, used by the update step (`settle.rs`: the lists' heights, the overlays' scroll) and
//! by drawing alike, so that both mean the same rectangles.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::App;
use super::overlay::Overlay;
use super::view::ListPane;

/// Below this the panes cannot show a row; ki2 says so instead of drawing garbage.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The screen's parts: header, the six panes in two rows (as the Burst Monitor lays them out:
/// tables on top, charts below), the threshold editor's dock, the status line; overlays cover
/// `body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub head: Rect,
    pub body: Rect,
    pub status: Rect,
    /// Under the panes while the threshold editor is open (zero high otherwise).
    pub dock: Rect,
    pub quotes: Rect,
    pub bursts: Rect,
    pub symbols: Rect,
    pub programs: Rect,
    pub series: Rect,
    pub alerts: Rect,
}

impl Screen {
    /// Where a list pane is.
    pub fn list(&self, pane: ListPane) -> Rect {
        match pane {
            ListPane::Quotes => self.quotes,
            ListPane::Bursts => self.bursts,
            ListPane::Symbols => self.symbols,
            ListPane::Alerts => self.alerts,
        }
    }
}

/// None: the terminal is smaller than `MIN_WIDTH` × `MIN_HEIGHT`.
pub fn screen(area: Rect, app: &App) -> Option<Screen> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [head, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    // The threshold editor docks under the panes, which shrink but stay, so that what an edit
    // changes (highlights, alerts) shows as it is typed.
    let docked = matches!(app.view.overlay, Overlay::Rules(_));
    let rules = app.rules().len() as u16;
    let dock_h = if docked { (rules + 6).clamp(8, (body.height * 2 / 5).max(8)) } else { 0 };
    let [panes_area, dock] = Layout::vertical([Constraint::Min(0), Constraint::Length(dock_h)]).areas(body);
    let [top, bottom] = Layout::vertical([Constraint::Percentage(56), Constraint::Percentage(44)]).areas(panes_area);
    let [quotes, bursts, symbols] = Layout::horizontal(if area.width >= 140 {
        [Constraint::Percentage(34), Constraint::Percentage(42), Constraint::Percentage(24)]
    } else {
        [Constraint::Percentage(36), Constraint::Percentage(38), Constraint::Percentage(26)]
    })
    .areas(top);
    let [programs, series, alerts] =
        Layout::horizontal([Constraint::Percentage(34), Constraint::Percentage(33), Constraint::Percentage(33)])
            .areas(bottom);
    Some(Screen { head, body, status, dock, quotes, bursts, symbols, programs, series, alerts })
}
