//! One file per pane or overlay. Table panes share `Col` and `table`: columns are dropped,
//! least needed first, until the rest fit the pane's width (80 columns up to wide screens); the
//! list panes' `list_table` first leaves out the columns the user hid and marks the sort.

pub mod alerts;
pub mod baskets;
pub mod bursts;
pub mod chooser;
pub mod days;
pub mod edges;
pub mod help;
pub mod malformed;
pub mod message;
pub mod programs;
pub mod quotes;
pub mod rules;
pub mod series;
pub mod sinks;
pub mod status;
pub mod symbol_view;
pub mod symbols;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use super::app::App;
use super::columns::{Column, PaneColumns};
use super::lists::Shown;
use super::text;
use super::theme::Theme;
use super::view::ListPane;

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub title: &'static str,
    pub width: u16,
    pub right: bool,
    /// Higher is kept longer when the pane is narrow.
    pub keep: u8,
}

pub const fn col(title: &'static str, width: u16, right: bool, keep: u8) -> Col {
    Col { title, width, right, keep }
}

/// Indexes of the columns that fit `width` (one space between columns), in their order.
pub fn fit(cols: &[Col], width: u16) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cols[i].keep));
    let mut used = 0u16;
    let mut kept = Vec::new();
    for i in order {
        let need = cols[i].width + u16::from(!kept.is_empty());
        if used + need <= width {
            used += need;
            kept.push(i);
        }
    }
    kept.sort_unstable();
    kept
}

/// One table row: each cell's text and style, and the row's style.
pub struct TableRow {
    pub cells: Vec<(String, Style)>,
    pub style: Style,
}

/// A pane's frame: its title on the left and, when there is room beside it, badges on the right
/// (the title wins on a narrow screen).
pub fn pane_block<'a>(title: Line<'a>, badges: Line<'a>, focused: bool, theme: Theme, width: u16) -> Block<'a> {
    let fits = title.width() + badges.width() + 4 <= usize::from(width);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(title.style(theme.title(focused)));
    if fits { block.title_top(badges.right_aligned()) } else { block }
}

/// Draws rows (already cut to the visible ones) under a header, in the columns that fit.
pub fn table(f: &mut Frame, area: Rect, block: Block, cols: &[Col], rows: Vec<TableRow>, theme: Theme) {
    let titles = cols.iter().map(|c| c.title.to_owned()).collect();
    table_with(f, area, block, cols, titles, rows, theme, false);
}

/// The kept columns' widths; with `fill`, the width left over shared out among them in
/// proportion to their own (a column the user hid gives its room to the others).
fn widths(cols: &[Col], keep: &[usize], width: u16, fill: bool) -> Vec<u16> {
    let natural: Vec<u16> = keep.iter().map(|&i| cols[i].width).collect();
    let used: u16 = natural.iter().sum::<u16>() + (keep.len() as u16).saturating_sub(1);
    let total: u16 = natural.iter().sum();
    if !fill || total == 0 || used >= width {
        return natural;
    }
    let spare = u32::from(width - used);
    let mut given = 0u32;
    let mut out: Vec<u16> = natural
        .iter()
        .map(|&w| {
            let extra = spare * u32::from(w) / u32::from(total);
            given += extra;
            w + extra as u16
        })
        .collect();
    // What rounding left goes to the last column, so the table meets the border.
    if let Some(last) = out.last_mut() {
        *last += (spare - given) as u16;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn table_with(
    f: &mut Frame,
    area: Rect,
    block: Block,
    cols: &[Col],
    titles: Vec<String>,
    rows: Vec<TableRow>,
    theme: Theme,
    fill: bool,
) {
    let inner = block.inner(area);
    let keep = fit(cols, inner.width);
    let cell = |text: String, c: &Col| {
        let line = Line::from(text);
        Cell::from(if c.right { line.alignment(Alignment::Right) } else { line })
    };
    let header = Row::new(keep.iter().map(|&i| cell(titles.get(i).cloned().unwrap_or_default(), &cols[i])))
        .style(theme.header());
    let body = rows.into_iter().map(|r| {
        let mut cells = r.cells;
        Row::new(keep.iter().map(|&i| {
            let (text, style) = cells.get_mut(i).map(std::mem::take).unwrap_or_default();
            cell(text, &cols[i]).style(style)
        }))
        .style(r.style)
    });
    let widths: Vec<Constraint> = widths(cols, &keep, inner.width, fill).into_iter().map(Constraint::Length).collect();
    f.render_widget(Table::new(body, widths).header(header).block(block).column_spacing(1), area);
}

/// A list pane's frame and table: the columns the user shows (`choice`) that fit, the sort column's title with its arrow — or, when that column is
/// not drawn, the sort in the title.
pub struct ListTable<'a> {
    pub title: Line<'a>,
    pub badges: Line<'a>,
    pub focused: bool,
    pub cols: &'a [Column],
    pub choice: PaneColumns,
    /// On the bottom border, right-aligned: rows above the viewport while autosnap is off.
    pub footer: Option<Line<'a>>,
}

pub fn list_table(f: &mut Frame, area: Rect, t: ListTable, rows: Vec<TableRow>, theme: Theme) {
    let shown: Vec<usize> = (0..t.cols.len()).filter(|&i| t.choice.shown(i)).collect();
    let sub: Vec<Col> = shown.iter().map(|&i| t.cols[i].col).collect();
    let kept: Vec<usize> = fit(&sub, area.width.saturating_sub(2)).into_iter().map(|k| shown[k]).collect();
    let sort = t.choice.sort;
    let mut title = t.title;
    if !kept.contains(&sort.col)
        && let Some(c) = t.cols.get(sort.col)
    {
        title.push_span(Span::raw(format!("· {}{} ", c.col.title, sort.arrow())));
    }
    let mut block = pane_block(title, t.badges, t.focused, theme, area.width);
    if let Some(footer) = t.footer {
        block = block.title_bottom(footer.right_aligned());
    }
    let cols: Vec<Col> = kept.iter().map(|&i| t.cols[i].col).collect();
    let titles = kept
        .iter()
        .map(|&i| {
            let c = &t.cols[i].col;
            if i == sort.col { with_arrow(c.title, c.width, sort.arrow()) } else { c.title.to_owned() }
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|mut r| TableRow {
            cells: kept.iter().map(|&i| r.cells.get_mut(i).map(std::mem::take).unwrap_or_default()).collect(),
            style: r.style,
        })
        .collect();
    table_with(f, area, block, &cols, titles, rows, theme, t.choice.any_hidden());
}

/// `Count↓`; a title as wide as its column gives up its last letter for the arrow.
fn with_arrow(title: &str, width: u16, arrow: &str) -> String {
    let room = usize::from(width).saturating_sub(1);
    let cut: String = title.chars().take(room).collect();
    format!("{cut}{arrow}")
}

/// Rows of data a table pane of this outer height shows (borders and header taken off).
pub fn body_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// Autosnap in words for a list pane's title (`autosnap` / `autosnap off`: a plain capture
/// tells them apart, not only the style), and, while it is off, the rows that arrived above
/// the viewport on the bottom border (`+18 new`, as lnav marks them).
/// `newest_first`: the pane is sorted by time, newest on top (else the rows above are "more").
fn autosnap<T>(
    shown: &Shown<T>,
    follow: bool,
    newest_first: bool,
    theme: Theme,
) -> (Span<'static>, Option<Line<'static>>) {
    if follow {
        return (badge("autosnap ".into(), true, theme), None);
    }
    let top = shown.rows.first().map_or(0, |(p, _)| *p);
    let above = shown.len.saturating_sub(top + 1);
    let word = if newest_first { "new" } else { "more above" };
    let footer = (above > 0).then(|| Line::styled(format!(" +{} {word} ", text::thousands(above as u64)), theme.key()));
    (Span::styled("autosnap off ", theme.error()), footer)
}

/// A list pane's autosnap mark and footer, as `autosnap` gives them for the pane's list state
/// and sort.
pub fn pane_snap<T>(app: &App, pane: ListPane, shown: &Shown<T>) -> (Span<'static>, Option<Line<'static>>) {
    let sort = app.view.columns[pane].sort;
    let newest_first = sort.col == 0 && sort.desc;
    autosnap(shown, app.view.lists[pane].nav.follow, newest_first, app.theme())
}

/// A list pane's rows: `cells` gives an item's cells (told whether it is the selected one) and
/// whether a rule catches it; a caught row is lit, the selected one marked.
pub fn list_rows<T>(
    shown: &Shown<T>,
    focused: bool,
    theme: Theme,
    cells: impl Fn(&T, bool) -> (bool, Vec<(String, Style)>),
) -> Vec<TableRow> {
    shown
        .rows
        .iter()
        .map(|(pos, item)| {
            let selected = Some(*pos) == shown.selected;
            let (hit, cells) = cells(item, selected);
            let mut style = if hit { theme.alert_row() } else { Style::default() };
            if selected {
                style = style.patch(theme.selected(focused));
            }
            TableRow { cells, style }
        })
        .collect()
}

/// `● autosnap` / `○ autosnap` and other small marks for a title.
pub fn badge(text: String, on: bool, theme: Theme) -> Span<'static> {
    if on { Span::styled(text, theme.key()) } else { Span::styled(text, theme.dim()) }
}

/// Centre a box of at most `w`×`h` in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_panes_drop_the_least_needed_columns() {
        let cols = [col("Time", 8, false, 9), col("Sym", 6, false, 9), col("$", 7, true, 1), col("N", 5, true, 5)];
        assert_eq!(fit(&cols, 40), vec![0, 1, 2, 3]);
        assert_eq!(fit(&cols, 21), vec![0, 1, 3]);
        assert_eq!(fit(&cols, 15), vec![0, 1]);
    }

    #[test]
    fn a_hidden_columns_room_goes_to_the_others_and_none_gets_narrower() {
        let cols = [col("Time", 8, false, 9), col("Sym", 6, false, 9), col("N", 5, true, 5)];
        let keep = fit(&cols, 40);
        assert_eq!(widths(&cols, &keep, 40, false), vec![8, 6, 5], "as drawn when nothing is hidden");
        let w = widths(&cols, &keep, 40, true);
        assert_eq!(w.iter().sum::<u16>() + 2, 40, "the table meets the border: {w:?}");
        assert_eq!(w, vec![16, 12, 10]);
        // No room to spare: each keeps its own width.
        let keep = fit(&cols, 21);
        assert_eq!(widths(&cols, &keep, 21, true), vec![8, 6, 5]);
    }

    #[test]
    fn the_sort_arrow_takes_the_last_letter_of_a_full_width_title() {
        assert_eq!(with_arrow("Count", 6, "↓"), "Count↓");
        assert_eq!(with_arrow("Trades", 6, "↑"), "Trade↑");
        assert_eq!(with_arrow("Seen before", 40, "↓"), "Seen before↓");
    }
}
