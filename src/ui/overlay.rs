//! What can sit over the panes: one at a time, `Esc` closes it.

use super::baskets::BasketsView;
use super::edges::EdgesView;
use super::nav::ListNav;
use super::panes::chooser::Chooser;
use super::panes::days::DayPicker;
use super::panes::rules::RulesEditor;
use super::panes::symbol_view::SymbolView;

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
}
