//! Buy Progs vs Sell Progs: cumulative buy (CB) and sell (CS) program bursts over the day as a
//! braille line chart (`n`: Buys − Sells instead), with per-interval sparklines underneath.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Sparkline};

use super::pane_block;
use crate::store::ProgramPoint;
use crate::ui::app::App;
use crate::ui::scale::Scale;
use crate::ui::theme::Theme;
use crate::ui::view::Pane;

/// The x-axis spans the regular session (09:30–16:00), as the Burst Monitor's chart does,
/// widened to any bursts outside it.
const OPEN_S: f64 = 9.5 * 3600.0;
const CLOSE_S: f64 = 16.0 * 3600.0;

/// Inside the pane's frame: the chart, and the sparklines under it.
fn areas(inner: Rect) -> [Rect; 2] {
    let spark_h = if inner.height >= 8 { 2 } else { inner.height.min(2) };
    Layout::vertical([Constraint::Min(0), Constraint::Length(spark_h)]).areas(inner)
}

/// Whether a pane of this size draws the chart (not only the sparklines).
fn charted(inner: Rect) -> bool {
    inner.height > 0 && inner.width >= 10 && areas(inner)[0].height >= 4
}

/// The largest value the chart plots: B−S, or both lines.
fn plotted_max(net: bool, points: &[ProgramPoint]) -> f64 {
    let (cb, cs) = (|p: &ProgramPoint| f64::from(p.cb), |p: &ProgramPoint| f64::from(p.cs));
    if net {
        points.iter().map(|p| cb(p) - cs(p)).fold(1.0, f64::max)
    } else {
        points.iter().flat_map(|p| [cb(p), cs(p)]).fold(1.0, f64::max)
    }
}

/// For the update step: what the chart in `area` plots up to, when it draws one (where a hard
/// max the user sets starts from).
pub fn data_max(net: bool, points: &[ProgramPoint], area: Rect) -> Option<f64> {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    (!points.is_empty() && charted(inner)).then(|| plotted_max(net, points))
}

pub fn draw(app: &App, points: &[ProgramPoint], f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Programs;
    let last = points.last().copied();
    let title = Line::from(if app.view.net { " Buys − Sells " } else { " Buy Progs vs Sell Progs " });
    let badges = match last {
        Some(p) => Line::from(vec![
            Span::styled(format!(" CB {} ", p.cb), theme.buy()),
            Span::styled(format!("CS {} ", p.cs), theme.sell()),
            Span::raw(format!("net {:+} ", i64::from(p.cb) - i64::from(p.cs))),
            Span::styled(format!("{} ", app.view.programs_scale.label()), theme.dim()),
        ]),
        None => Line::from(" no bursts yet "),
    };
    let block = pane_block(title, badges, focused, theme, area.width);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width < 10 {
        return;
    }
    if points.is_empty() {
        f.render_widget(ratatui::widgets::Paragraph::new(Span::styled("no bursts yet", theme.dim())), inner);
        return;
    }
    let [chart_area, spark_area] = areas(inner);
    // One time axis for the chart and the bars under it: a bar sits under the time it counts.
    let axis = TimeAxis::of(points);
    let plot_left = if chart_area.height >= 4 {
        chart(app.view.net, points, axis, &app.view.programs_scale, theme, f, chart_area)
    } else {
        SPARK_LABEL
    };
    sparklines(points, axis, plot_left, theme, f, spark_area);
}

/// The chart's x-axis: seconds of the day it spans.
#[derive(Debug, Clone, Copy)]
struct TimeAxis {
    x0: f64,
    x1: f64,
}

impl TimeAxis {
    fn of(points: &[ProgramPoint]) -> TimeAxis {
        let xs = |p: &ProgramPoint| f64::from(p.time.secs());
        TimeAxis {
            x0: points.first().map_or(OPEN_S, xs).min(OPEN_S),
            x1: points.last().map_or(CLOSE_S, xs).max(CLOSE_S),
        }
    }

    /// The column of a plot `width` cells wide where time `t` is drawn, as ratatui's braille
    /// canvas places it (two dots a cell, the axis's ends on the first and last dot).
    fn column(self, t: f64, width: usize) -> usize {
        let dots = (width * 2).saturating_sub(1) as f64;
        let dot = ((t - self.x0) / (self.x1 - self.x0).max(1.0) * dots).round().max(0.0) as usize;
        (dot / 2).min(width.saturating_sub(1))
    }
}

/// Cells the bars' names take when no chart is drawn above them.
const SPARK_LABEL: u16 = 2;

/// Draws the chart; returns where its plot starts, in cells from the area's left (after the
/// y labels and the axis line, as ratatui lays a chart out).
fn chart(
    net: bool,
    points: &[ProgramPoint],
    axis: TimeAxis,
    scale: &Scale,
    theme: Theme,
    f: &mut Frame,
    area: Rect,
) -> u16 {
    let xs = |p: &ProgramPoint| f64::from(p.time.secs());
    let curve =
        |y: &dyn Fn(&ProgramPoint) -> f64| -> Vec<(f64, f64)> { points.iter().map(|p| (xs(p), y(p))).collect() };
    let buys = curve(&|p| f64::from(p.cb));
    let sells = curve(&|p| f64::from(p.cs));
    let diff = curve(&|p| f64::from(p.cb) - f64::from(p.cs));
    let TimeAxis { x0, x1 } = axis;
    let (datasets, y0, y1) = if net {
        let lo = diff.iter().map(|p| p.1).fold(0.0, f64::min);
        let hi = scale.top(plotted_max(true, points));
        (vec![line("B−S", &diff, theme.s2())], lo, hi.max(lo + 1.0))
    } else {
        let hi = scale.top(plotted_max(false, points));
        (vec![line("Buy", &buys, theme.buy()), line("Sell", &sells, theme.sell())], 0.0, hi)
    };
    let label = |s: f64| {
        let s = s.max(0.0) as u32;
        format!("{:02}:{:02}", s / 3600, s / 60 % 60)
    };
    let x_labels = [label(x0), label((x0 + x1) / 2.0), label(x1)];
    let y_labels = [format!("{y0:.0}"), format!("{:.0}", (y0 + y1) / 2.0), format!("{y1:.0}")];
    // ratatui puts the y axis after the widest y label, or after all but the last character of
    // the first x label (left-aligned under it), at most a third of the width; the plot after it.
    let widest = y_labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let first_x = x_labels[0].chars().count().saturating_sub(1);
    let plot_left = (widest.max(first_x) as u16).min(area.width / 3) + 1;
    let x_axis = Axis::default().bounds([x0, x1]).labels(x_labels).style(theme.dim());
    let y_axis = Axis::default().bounds([y0, y1]).labels(y_labels).style(theme.dim());
    let chart = Chart::new(datasets).x_axis(x_axis).y_axis(y_axis).legend_position(None);
    f.render_widget(chart, area);
    plot_left
}

fn line<'a>(name: &'a str, data: &'a [(f64, f64)], style: Style) -> Dataset<'a> {
    Dataset::default().name(name).marker(Marker::Braille).graph_type(GraphType::Line).style(style).data(data)
}

/// Buy and sell bursts per column of the chart's time axis: where the programs came in.
fn sparklines(points: &[ProgramPoint], axis: TimeAxis, left: u16, theme: Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width < 8 || points.is_empty() {
        return;
    }
    let left = left.clamp(SPARK_LABEL, area.width - 1);
    let width = usize::from(area.width - left);
    let (mut buys, mut sells) = (vec![0u64; width], vec![0u64; width]);
    let mut prev = (0u32, 0u32);
    for p in points {
        let b = axis.column(f64::from(p.time.secs()), width);
        buys[b] += u64::from(p.cb.saturating_sub(prev.0));
        sells[b] += u64::from(p.cs.saturating_sub(prev.1));
        prev = (p.cb, p.cs);
    }
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).split(area);
    for (i, (name, data, style)) in [("B", buys, theme.buy()), ("S", sells, theme.sell())].into_iter().enumerate() {
        let Some(&r) = rows.get(i) else { break };
        if r.height == 0 {
            continue;
        }
        let [l, s] = Layout::horizontal([Constraint::Length(left), Constraint::Min(0)]).areas(r);
        f.render_widget(Span::styled(name, style), l);
        f.render_widget(Sparkline::default().data(data).style(style), s);
    }
}
