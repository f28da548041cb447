//! S2 / S1: stocks with HFT quote bursts (S2, hft2) and program bursts (S1, hft3) per second
//! over a recent window (`[` / `]` change it).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Sparkline};

use super::pane_block;
use crate::archive::SeriesRow;
use crate::ui::app::App;
use crate::ui::view::Pane;

pub fn window_label(s: u32) -> String {
    if s >= 3600 { format!("{}h", s / 3600) } else { format!("{}m", s / 60) }
}

/// The largest value the chart plots.
fn plotted_max(s2: &[SeriesRow], s1: &[SeriesRow]) -> f64 {
    s2.iter().chain(s1).map(|r| f64::from(r.value)).fold(1.0, f64::max)
}

/// For the update step: what the chart in `area` plots up to, when it draws one (too low a
/// pane draws S2 as a sparkline instead).
pub fn data_max(s2: &[SeriesRow], s1: &[SeriesRow], area: Rect) -> Option<f64> {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let charted = inner.height >= 5 && inner.width >= 10 && !(s1.is_empty() && s2.is_empty());
    charted.then(|| plotted_max(s2, s1))
}

pub fn draw(app: &App, s2: &[SeriesRow], s1: &[SeriesRow], f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Series;
    let window = app.view.window_s();
    let title = Line::from(format!(" S2 / S1 · last {} ", window_label(window)));
    let badges = Line::from(vec![
        Span::styled(format!(" S2 {} ", s2.last().map_or(0, |r| r.value)), theme.s2()),
        Span::styled(format!("S1 {} ", s1.last().map_or(0, |r| r.value)), theme.s1()),
        Span::styled(format!("{} ", app.view.series_scale.label()), theme.dim()),
    ]);
    let block = pane_block(title, badges, focused, theme, area.width);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width < 10 {
        return;
    }
    if s1.is_empty() && s2.is_empty() {
        f.render_widget(ratatui::widgets::Paragraph::new(Span::styled("no S1/S2 rows yet", theme.dim())), inner);
        return;
    }
    if inner.height < 5 {
        // Too low for a chart: S2 as a sparkline, newest at the right.
        let w = usize::from(inner.width);
        let data: Vec<u64> = s2.iter().rev().take(w).rev().map(|r| u64::from(r.value)).collect();
        f.render_widget(Sparkline::default().data(data).style(theme.s2()), inner);
        return;
    }
    let pts = |v: &[crate::archive::SeriesRow]| -> Vec<(f64, f64)> {
        v.iter().map(|r| (f64::from(r.time.secs()), f64::from(r.value))).collect()
    };
    let (d2, d1) = (pts(s2), pts(s1));
    let end = d2.last().map(|p| p.0).into_iter().chain(d1.last().map(|p| p.0)).fold(0.0, f64::max);
    let start = (end - f64::from(window)).max(0.0);
    let hi = app.view.series_scale.top(plotted_max(s2, s1));
    let label = |s: f64| {
        let s = s.max(0.0) as u32;
        if window <= 3600 {
            format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
        } else {
            format!("{:02}:{:02}", s / 3600, s / 60 % 60)
        }
    };
    let chart = Chart::new(vec![
        Dataset::default().name("S2").marker(Marker::Braille).graph_type(GraphType::Line).style(theme.s2()).data(&d2),
        Dataset::default().name("S1").marker(Marker::Braille).graph_type(GraphType::Line).style(theme.s1()).data(&d1),
    ])
    .x_axis(Axis::default().bounds([start, end.max(start + 1.0)]).labels([label(start), label(end)]).style(theme.dim()))
    .y_axis(Axis::default().bounds([0.0, hi]).labels(["0".to_owned(), format!("{hi:.0}")]).style(theme.dim()))
    .legend_position(None);
    f.render_widget(chart, inner);
}
