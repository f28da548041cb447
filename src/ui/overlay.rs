//! What can sit over the panes: one on top at a time, `Esc` closes it (back to the view it was
//! drilled from, `trail.rs`).

use super::baskets::BasketsView;
use super::edges::EdgesView;
use super::nav::ListNav;
use super::panes::chooser::Chooser;
use super::panes::days::DayPicker;
use super::panes::rules::RulesEditor;
use super::panes::symbol_view::SymbolView;
use crate::archive::SecondOfDay;

pub enum Overlay {
    None,
    /// Help, scrolled down this many lines.
    Help(u16),
    Days(DayPicker),
    Malformed(ListNav),
    Rules(Box<RulesEditor>),
    Symbol(Box<SymbolView>),
    /// The event study over the closed days (`E`).
    Edges(Box<EdgesView>),
    /// Where alerts go, and how that goes.
    Sinks,
    /// The columns of a list pane, to show or hide.
    Columns(Chooser),
    /// The last message of the status line, whole.
    Message(String),
    /// The recurring baskets across days (`B`).
    Baskets(Box<BasketsView>),
    /// A day being read, and where to land in it once it is shown.
    Opening(Landing),
}

/// A place in a day to show once it is on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Landing {
    /// The symbol's view.
    Symbol(String),
    /// The burst of that second, selected in Burst Signals.
    Burst(SecondOfDay),
}
