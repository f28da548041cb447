//! The columns of each list pane, one record each: its name in view.toml, title, width and
//! how long it stays on a narrow screen, how it sorts, the text and colour of its cell, and
//! its CSV value(s) for `y`. A new column is one record in one file; its place is found by
//! name when ki2 is built (`at`). What the user chose per pane (sort, hidden) is `choice`.

mod alerts;
mod baskets;
mod bursts;
mod choice;
mod edges;
mod quotes;
mod symbols;

use std::collections::HashMap;

use ratatui::style::Style;

pub use alerts::ALERTS;
pub use baskets::{BASKET_BURSTS, BASKETS};
pub use bursts::{B_BASKET, BURSTS};
pub use choice::{Columns, PaneColumns, Sort};
pub use edges::EDGES;
pub use quotes::{QUOTE_COUNT, QUOTES};
pub use symbols::SYMBOLS;

use super::data::Data;
use super::order::SortKey;
use super::panes::{Col, col};
use super::theme::Theme;
use super::view::ListPane;
use crate::archive::{Grade, ProgType};

/// Which way a column sorts when it is first chosen, or that it does not sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sorts {
    No,
    /// Smallest (A, oldest) first: names.
    Up,
    /// Largest (newest) first: numbers and times.
    Down,
}

/// What every pane needs of a column, whatever its rows: name, title, width, sort direction.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name in view.toml.
    pub name: &'static str,
    pub col: Col,
    pub sorts: Sorts,
}

pub const fn c(name: &'static str, title: &'static str, width: u16, right: bool, keep: u8, sorts: Sorts) -> Column {
    Column { name, col: col(title, width, right, keep), sorts }
}

/// What a cell may need besides its row: the data (a burst's basket) and the short forms of
/// the baskets on screen (`Prepared::basket_ids`; None where no cell is drawn, as when sorting).
#[derive(Clone, Copy, Default)]
pub struct Ctx<'a> {
    pub data: Option<&'a Data>,
    pub ids: Option<&'a HashMap<String, String>>,
}

impl<'a> Ctx<'a> {
    /// For columns whose cells are their row's alone.
    pub const NONE: Ctx<'static> = Ctx { data: None, ids: None };

    pub fn of(data: &'a Data) -> Ctx<'a> {
        Ctx { data: Some(data), ids: None }
    }
}

/// A cell's colour: the column's own (always), or the row's value's (left out on a lit or
/// selected row, which keeps one colour across).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tint {
    Plain,
    Key,
    Dim,
    Grade(Grade),
    Prog(ProgType),
    Buy,
    Sell,
}

impl Tint {
    pub fn style(self, theme: Theme, value_colours: bool) -> Style {
        match self {
            Tint::Plain => Style::default(),
            Tint::Key => theme.key(),
            Tint::Dim => theme.dim(),
            _ if !value_colours => Style::default(),
            Tint::Grade(g) => theme.grade(g),
            Tint::Prog(p) => theme.prog(p),
            Tint::Buy => theme.buy(),
            Tint::Sell => theme.sell(),
        }
    }
}

/// A short list's sort key of a row (None: the row has no value; it goes last).
pub type KeyFn<R> = fn(&R, &Ctx<'_>) -> Option<SortKey>;

/// One column of a list pane whose rows are `R`; `S` is how it sorts: a key per row
/// (`KeyFn`) for the short lists, the store's field for High Quote Counts.
pub struct ListColumn<R: 'static, S: 'static> {
    pub head: Column,
    pub by: S,
    pub cell: fn(&R, &Ctx<'_>) -> (String, Tint),
    /// Its CSV header names: more than one where the cell shows more than one value.
    pub csv: &'static [&'static str],
    pub values: fn(&R, &Ctx<'_>) -> Vec<String>,
}

/// A column that shows and copies one value as it is, sorted by `key(value)` (`num`, `count`,
/// `text`) or by a store field for High Quote Counts (`field F`), in the plain colour or the
/// one given last (`tint T`).
macro_rules! as_is {
    ($head:expr, $csv:literal, $key:path, |$r:ident| $v:expr, tint $tint:expr) => {
        $crate::ui::columns::ListColumn {
            head: $head,
            by: |$r, _| $key($v),
            cell: |$r, _| ($v.to_string(), $tint),
            csv: &[$csv],
            values: |$r, _| $crate::ui::columns::one($v),
        }
    };
    ($head:expr, $csv:literal, field $by:expr, |$r:ident| $v:expr) => {
        $crate::ui::columns::ListColumn {
            head: $head,
            by: $by,
            cell: |$r, _| $crate::ui::columns::plain($v),
            csv: &[$csv],
            values: |$r, _| $crate::ui::columns::one($v),
        }
    };
    ($head:expr, $csv:literal, $key:path, |$r:ident| $v:expr) => {
        $crate::ui::columns::ListColumn {
            head: $head,
            by: |$r, _| $key($v),
            cell: |$r, _| $crate::ui::columns::plain($v),
            csv: &[$csv],
            values: |$r, _| $crate::ui::columns::one($v),
        }
    };
}
pub(crate) use as_is;

/// A cell in the column's plain colour.
pub fn plain(s: impl ToString) -> (String, Tint) {
    (s.to_string(), Tint::Plain)
}

pub fn one(s: impl ToString) -> Vec<String> {
    vec![s.to_string()]
}

/// The heads of a pane's records, for what does not draw cells (the sort keys, the chooser,
/// the view file).
pub const fn heads<R, S, const N: usize>(cols: &[ListColumn<R, S>; N]) -> [Column; N] {
    let mut out = [c("", "", 0, false, 0, Sorts::No); N];
    let mut i = 0;
    while i < N {
        out[i] = cols[i].head;
        i += 1;
    }
    out
}

/// The place of the column named `name` among `cols`. Meant for constants
/// (`const TIME: usize = at(&BURST_HEADS, "time");`): a name that is not there stops the build
/// instead of matching nothing at run time.
pub const fn at(cols: &[Column], name: &str) -> usize {
    let mut i = 0;
    while i < cols.len() {
        if same(cols[i].name.as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("no column of that name")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub(super) const QUOTE_HEADS: [Column; QUOTES.len()] = heads(&QUOTES);
pub const BURST_HEADS: [Column; BURSTS.len()] = heads(&BURSTS);
const SYMBOL_HEADS: [Column; SYMBOLS.len()] = heads(&SYMBOLS);
pub const ALERT_HEADS: [Column; ALERTS.len()] = heads(&ALERTS);

pub fn of(pane: ListPane) -> &'static [Column] {
    match pane {
        ListPane::Quotes => &QUOTE_HEADS,
        ListPane::Bursts => &BURST_HEADS,
        ListPane::Symbols => &SYMBOL_HEADS,
        ListPane::Alerts => &ALERT_HEADS,
    }
}

/// The pane's section in view.toml.
pub fn pane_name(pane: ListPane) -> &'static str {
    match pane {
        ListPane::Quotes => "quotes",
        ListPane::Bursts => "bursts",
        ListPane::Symbols => "symbols",
        ListPane::Alerts => "alerts",
    }
}

pub fn pane_title(pane: ListPane) -> &'static str {
    match pane {
        ListPane::Quotes => "High Quote Counts",
        ListPane::Bursts => "Burst Signals",
        ListPane::Symbols => "Syms Hit At",
        ListPane::Alerts => "Alerts",
    }
}

/// A row's cells in its columns' order, styled: `value_colours` false on a lit or selected row.
pub fn cells<R, S>(
    cols: &[ListColumn<R, S>],
    row: &R,
    ctx: &Ctx<'_>,
    theme: Theme,
    value_colours: bool,
) -> Vec<(String, Style)> {
    cols.iter()
        .map(|c| {
            let (text, tint) = (c.cell)(row, ctx);
            (text, tint.style(theme, value_colours))
        })
        .collect()
}

#[cfg(test)]
mod tests;
