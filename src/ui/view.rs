//! How the TUI shows the data: focus, one list state per list pane, each one's sort and
//! columns, the filter, the pause, the charts' settings, the overlay and the caches. Nothing here owns rows; `data.rs` does.

use super::cache::Caches;
use super::catch::Catch;
use super::columns::Columns;
use super::nav::ListNav;
use super::overlay::Overlay;
use super::scale::Scale;
use crate::store::queries::SymbolFilter;

/// Panes, in `Tab` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Quotes,
    Bursts,
    Symbols,
    Programs,
    Series,
    Alerts,
}

impl Pane {
    pub const ALL: [Pane; 6] = [Pane::Quotes, Pane::Bursts, Pane::Symbols, Pane::Programs, Pane::Series, Pane::Alerts];

    pub fn next(self, back: bool) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ALL.len();
        Pane::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }

    /// The list this pane shows, if it is a list.
    pub fn list(self) -> Option<ListPane> {
        match self {
            Pane::Quotes => Some(ListPane::Quotes),
            Pane::Bursts => Some(ListPane::Bursts),
            Pane::Symbols => Some(ListPane::Symbols),
            Pane::Alerts => Some(ListPane::Alerts),
            Pane::Programs | Pane::Series => None,
        }
    }
}

/// The panes that are lists of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListPane {
    Quotes,
    Bursts,
    Symbols,
    Alerts,
}

impl ListPane {
    pub const ALL: [ListPane; 4] = [ListPane::Quotes, ListPane::Bursts, ListPane::Symbols, ListPane::Alerts];
}

/// A list pane's place in its list and how many rows it showed last.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListState {
    pub nav: ListNav,
    /// Rows of data the pane showed when last drawn (for page moves).
    pub height: usize,
}

/// One of something per list pane, indexed by the pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPane<T>(pub [T; 4]);

impl<T> PerPane<T> {
    pub fn from_fn(f: impl FnMut(ListPane) -> T) -> PerPane<T> {
        PerPane(ListPane::ALL.map(f))
    }
}

impl<T> std::ops::Index<ListPane> for PerPane<T> {
    type Output = T;
    fn index(&self, p: ListPane) -> &T {
        &self.0[p as usize]
    }
}

impl<T> std::ops::IndexMut<ListPane> for PerPane<T> {
    fn index_mut(&mut self, p: ListPane) -> &mut T {
        &mut self.0[p as usize]
    }
}

/// One `ListState` per list pane.
pub type Lists = PerPane<ListState>;

/// How far each list goes on screen: everything while live, the lengths when `p` was pressed
/// while paused. Rows are only ever appended, so these prefixes are exactly the frozen screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extents {
    pub quotes: usize,
    pub bursts: usize,
    pub s1: usize,
    pub s2: usize,
    pub alerts: usize,
    pub version: u64,
}

/// The symbol filter: what was typed, and what it matches (None while the text is empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub text: String,
    pub matcher: Option<SymbolFilter>,
}

/// S2 / S1 windows `[` and `]` step through, in seconds.
pub const WINDOWS: [u32; 7] = [60, 120, 300, 600, 1800, 3600, 4 * 3600];

pub struct View {
    pub focus: Pane,
    pub lists: Lists,
    /// Each list pane's sort and hidden columns (`view.toml`).
    pub columns: Columns,
    /// The filter in effect (`/`), if any.
    pub filter: Option<Filter>,
    /// `/` was pressed and the filter is being typed.
    pub typing: bool,
    /// While paused: what the screen shows.
    pub frozen: Option<Extents>,
    /// Buy Progs vs Sell Progs shows Buys − Sells instead of the two lines.
    pub net: bool,
    /// The y-axes of the two charts: SmartScale or a hard max.
    pub programs_scale: Scale,
    pub series_scale: Scale,
    /// Index into `WINDOWS`.
    pub window: usize,
    /// The view on top of the panes, and the views it was drilled from (`Esc` goes back).
    pub overlay: Overlay,
    pub trail: super::trail::Trail,
    pub caches: Caches,
    /// The threshold editor's counts for its selected rule.
    pub catch: Option<Catch>,
    /// How many earlier days a symbol's view lists (`[` `]`).
    pub across_span: usize,
    /// The selected burst's mean return so far, and what it was computed from.
    pub so_far: Option<(super::prices::SoFarKey, Option<crate::analysis::study::returns::SoFar>)>,
}

impl Default for View {
    fn default() -> Self {
        View {
            focus: Pane::Quotes,
            lists: Lists::from_fn(|_| ListState::default()),
            columns: Columns::default(),
            filter: None,
            typing: false,
            frozen: None,
            net: false,
            programs_scale: Scale::default(),
            series_scale: Scale::default(),
            window: 2,
            overlay: Overlay::None,
            trail: Default::default(),
            caches: Caches::default(),
            catch: None,
            across_span: super::across::DEFAULT_SPAN,
            so_far: None,
        }
    }
}

impl View {
    /// What the filter matches, when one is in effect.
    pub fn matcher(&self) -> Option<&SymbolFilter> {
        self.filter.as_ref().and_then(|f| f.matcher.as_ref())
    }

    /// Sets the filter's text (empty: no filter). When what it matches changes, every list
    /// starts again at its newest row.
    pub fn set_filter(&mut self, text: String) {
        let matcher = SymbolFilter::new(&text);
        if matcher.as_ref() != self.matcher() {
            for p in ListPane::ALL {
                self.lists[p].nav = ListNav::default();
            }
        }
        self.filter = (!text.is_empty()).then_some(Filter { text, matcher });
    }

    pub fn window_s(&self) -> u32 {
        WINDOWS[self.window.min(WINDOWS.len() - 1)]
    }

    /// Another day on screen: row numbers, caches and a pause of the old one mean nothing here.
    pub fn new_day(&mut self) {
        self.frozen = None;
        self.caches = Caches::default();
        self.catch = None;
        for p in ListPane::ALL {
            self.lists[p].nav = ListNav::default();
        }
    }
}
