//! Paints the Edges view (`ui/edges.rs` prepares it): the study's table, or while there is
//! none what is happening in words; Enter on a row, its group's mean path around the events as
//! a braille chart with the ±2 SE band, over the list of its events.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph, Wrap};

use super::{Col, TableRow, col, table_with, with_arrow};
use crate::analysis::study::StudyState;
use crate::archive::SecondOfDay;
use crate::ui::columns::EDGES;
use crate::ui::edges::{EdgesView, PathChart};
use crate::ui::theme::Theme;

/// The table's columns, as `columns::EDGES` gives them.
fn cols() -> Vec<Col> {
    EDGES.iter().map(|c| c.head.col).collect()
}

const EVENT_COLS: [Col; 4] =
    [col("Day", 10, false, 9), col("Time", 8, false, 9), col("Symbols", 7, true, 5), col("bp", 9, true, 8)];

/// The view's frame in `area`.
fn frame_area(area: Rect) -> Rect {
    Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), area.height)
}

/// Inside the frame: the table, and the notes under it.
fn table_areas(study_notes: usize, inner: Rect) -> [Rect; 2] {
    let notes = study_notes.min(2) as u16;
    Layout::vertical([Constraint::Min(0), Constraint::Length(2 + notes)]).areas(inner)
}

/// Inside a path's frame: the chart, and its events' list under it.
fn path_areas(p: &PathChart, inner: Rect) -> [Rect; 2] {
    let list_h = (p.events.len() as u16 + 2).min(inner.height * 2 / 5);
    Layout::vertical([Constraint::Min(0), Constraint::Length(list_h)]).areas(inner)
}

fn inner(r: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(r)
}

/// The update step's part: the table's and the path list's selection and scroll fitted to
/// their room (`v.height` is also the page the keys move by).
pub fn fit(v: &mut EdgesView, area: Rect) {
    let inner = inner(frame_area(area));
    if let Some(p) = &mut v.path {
        let [_, list] = path_areas(p, inner);
        if list.height >= 2 {
            p.scroll.show(p.events.len(), usize::from(list.height.saturating_sub(1)));
        }
        return;
    }
    let StudyState::Ready(study) = &v.state else { return };
    if v.rows.is_empty() {
        return;
    }
    let [body, _] = table_areas(study.notes.len(), inner);
    v.height = usize::from(body.height.saturating_sub(1)).max(1);
    v.scroll.show(v.rows.len(), v.height);
}

pub fn draw(v: &EdgesView, theme: Theme, f: &mut Frame, area: Rect) {
    let r = frame_area(area);
    f.render_widget(Clear, r);
    if let Some(p) = &v.path {
        return draw_path(p, theme, f, r);
    }
    if let (Some(nav), StudyState::Ready(s)) = (&v.malformed, &v.state) {
        return super::malformed::draw(nav, &s.malformed, theme, f, area);
    }
    let title = match v.study() {
        Some(s) => match &s.live {
            Some(live) => {
                let to = live
                    .bars_to
                    .and_then(SecondOfDay::from_secs)
                    .map_or("no bars yet".into(), |t| format!("bars to {t}"));
                let closed = s.inputs.days.len().saturating_sub(1);
                format!(" Edges · {closed} closed day(s) + today ({to}) · Esc closes ")
            }
            None => format!(" Edges · the study over {} closed day(s) · Esc closes ", s.inputs.days.len()),
        },
        None => " Edges · Esc closes ".to_owned(),
    };
    let inner = boxed(Block::default().title(Line::styled(title, theme.title(true))), theme, f, r);
    let said = |text: String, error: bool| {
        let style = if error { theme.error() } else { Default::default() };
        Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: true })
    };
    let study = match &v.state {
        StudyState::Ready(s) => s.clone(),
        StudyState::Idle | StudyState::Computing { days: 0 } => {
            return f.render_widget(said("computing the study…".into(), false), inner);
        }
        StudyState::Computing { days } => {
            return f.render_widget(said(format!("computing the study over {days} days…"), false), inner);
        }
        StudyState::Unavailable(why) => return f.render_widget(said(why.clone(), false), inner),
        StudyState::Failed(why) => return f.render_widget(said(format!("the study failed: {why}"), true), inner),
    };
    let [body, foot] = table_areas(study.notes.len(), inner);
    let mut lines = vec![
        Line::from(format!(
            "{} day(s), {} with bars; {} event(s) · {}",
            study.inputs.days.len(),
            study.output.days_with_bars,
            v.events,
            v.hints
        )),
        Line::from("bp from the close known then; excess vs quiet days, same second (-: none)"),
    ];
    lines.extend(study.notes.iter().take(2).map(|n| Line::styled(n.clone(), theme.error())));
    f.render_widget(Paragraph::new(lines).style(theme.dim()).wrap(Wrap { trim: true }), foot);
    if v.rows.is_empty() {
        let text = "no event had a return: are the bars' days and symbols those of the archive?".to_owned();
        return f.render_widget(said(text, false), body);
    }
    let mut scroll = v.scroll;
    let shown = scroll.show(v.rows.len(), v.height);
    let sel = scroll.sel;
    let rows = table_rows(v.rows[shown.clone()].iter().map(|r| &r.cells[..]), shown, sel, theme);
    let (sort, desc) = v.sort;
    let cols = cols();
    let titles =
        cols.iter()
            .enumerate()
            .map(|(i, c)| {
                if i == sort { with_arrow(c.title, c.width, if desc { "↓" } else { "↑" }) } else { c.title.into() }
            })
            .collect();
    table_with(f, body, Block::default(), &cols, titles, rows, theme, false);
}

fn draw_path(p: &PathChart, theme: Theme, f: &mut Frame, r: Rect) {
    let title = format!(" {} · mean cumulative return (bp) ±2 SE · Esc back ", p.name);
    let block = Block::default()
        .title(Line::styled(title, theme.title(true)))
        .title_bottom(Line::styled(" Enter: an event's day, at its burst ", theme.dim()).right_aligned());
    let inner = boxed(block, theme, f, r);
    let [chart_area, list] = path_areas(p, inner);
    if p.mean.is_empty() {
        f.render_widget(Paragraph::new("no event of this group had a price around it"), chart_area);
    } else {
        let (y0, y1) = p.y;
        let zero_x = [(0.0, y0), (0.0, y1)];
        let zero_y = [(-30.0, 0.0), (30.0, 0.0)];
        let line = |data, style| {
            Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(style).data(data)
        };
        let datasets = vec![
            line(&zero_y[..], theme.dim()),
            line(&zero_x[..], theme.dim()),
            line(&p.upper[..], theme.s1()),
            line(&p.lower[..], theme.s1()),
            line(&p.mean[..], theme.s2()),
        ];
        let y_labels = [format!("{y0:.1}"), format!("{:.1}", (y0 + y1) / 2.0), format!("{y1:.1}")];
        let x_axis = Axis::default()
            .title(Span::styled("min", theme.dim()))
            .bounds([-30.0, 30.0])
            .labels(["-30", "-15", "0", "+15", "+30"])
            .style(theme.dim());
        let y_axis = Axis::default().bounds([y0, y1]).labels(y_labels).style(theme.dim());
        f.render_widget(Chart::new(datasets).x_axis(x_axis).y_axis(y_axis).legend_position(None), chart_area);
    }
    if list.height < 2 {
        return;
    }
    let h = usize::from(list.height.saturating_sub(1));
    let mut scroll = p.scroll;
    let shown = scroll.show(p.events.len(), h);
    let sel = scroll.sel;
    let rows = table_rows(p.events[shown.clone()].iter().map(|e| &e[..]), shown, sel, theme);
    // The events' own figure: the mean over their symbols at the row's horizon.
    let titles = vec!["Day".into(), "Time".into(), "Symbols".into(), format!("+{} bp", p.horizon)];
    table_with(f, list, Block::default(), &EVENT_COLS, titles, rows, theme, false);
}

/// The view's frame around a block with its titles; what is inside it.
fn boxed(block: Block, theme: Theme, f: &mut Frame, r: Rect) -> Rect {
    let block = block.borders(Borders::ALL).border_style(theme.border(true));
    let inner = block.inner(r);
    f.render_widget(block, r);
    inner
}

/// Rows of prepared cells at positions `shown`, the selected one marked.
fn table_rows<'a>(
    cells: impl Iterator<Item = &'a [String]>,
    shown: std::ops::Range<usize>,
    sel: usize,
    theme: Theme,
) -> Vec<TableRow> {
    cells
        .zip(shown)
        .map(|(row, pos)| TableRow {
            cells: row.iter().map(|c| (c.clone(), Default::default())).collect(),
            style: if pos == sel { theme.selected(true) } else { Default::default() },
        })
        .collect()
}
