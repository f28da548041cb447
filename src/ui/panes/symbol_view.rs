//! A symbol's day (Enter on a symbol): first and last appearance, counts, the bursts that hit
//! it, a sparkline of its quote counts, its price line for the day with those bursts marked (when
//! there are bars), and its rows, newest first.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph, Sparkline};

use super::{Col, TableRow, col, table};
use crate::archive::Day;
use crate::store::{DayStore, QuoteView, SymbolDay};
use crate::ui::across::{Across, DEFAULT_SPAN};
use crate::ui::nav::ListNav;
use crate::ui::prices::PriceLine;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Brought up to date at most this often while rows arrive.
const REFRESH: Duration = Duration::from_millis(500);

pub struct SymbolView {
    pub day: SymbolDay,
    /// Its rows, ready to draw (in `day.rows` order): drawing queries nothing.
    pub quotes: Vec<QuoteView>,
    pub version: u64,
    pub at: Instant,
    pub nav: ListNav,
    /// Its earlier days.
    pub across: Across,
    /// Its price line for the day, from the bars (`ui/prices.rs`).
    pub price: PriceLine,
}

impl SymbolView {
    pub fn new(store: &DayStore, symbol: &str) -> SymbolView {
        let day = store.symbol_day(symbol);
        SymbolView {
            quotes: store.quotes_at(day.rows.iter().copied()),
            day,
            version: store.version(),
            at: Instant::now(),
            nav: ListNav::default(),
            across: Across::new(DEFAULT_SPAN),
            price: PriceLine::Off,
        }
    }

    /// Takes the earlier days afresh when the index has grown (or the span changed).
    pub fn gather(&mut self, index: &crate::history::Index, version: u64, shown: Day) {
        if self.across.version != version {
            self.across.gather(index, version, shown, &self.day, &self.quotes);
        }
    }

    pub fn refresh(&mut self, store: &DayStore) {
        if store.version() != self.version && self.at.elapsed() >= REFRESH {
            store.update_symbol_day(&mut self.day);
            let had = self.quotes.len();
            if had <= self.day.rows.len() && self.quotes.iter().zip(&self.day.rows).all(|(q, &i)| q.index == i) {
                self.quotes.extend(store.quotes_at(self.day.rows[had..].iter().copied()));
            } else {
                self.quotes = store.quotes_at(self.day.rows.iter().copied());
            }
            self.version = store.version();
            self.at = Instant::now();
            self.across.set_today(store.day(), &self.day, &self.quotes);
        }
    }
}

const COLS: [Col; 6] = [
    col("Time", 8, false, 9),
    col("Count", 6, true, 8),
    col("Trades", 6, true, 7),
    col("BBO", 5, true, 6),
    col("$", 7, true, 5),
    col("Size", 6, true, 4),
];

/// The view's frame in `area`, and inside it: the earlier days, the facts, the sparkline, the
/// price line, the rows.
fn areas(v: &SymbolView, area: Rect) -> (Rect, [Rect; 5]) {
    let r = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), area.height);
    let inner = Block::default().borders(Borders::ALL).inner(r);
    // The price line takes room from the earlier days' list (and none without a bars worker).
    let (price_h, across_max) = match v.price {
        PriceLine::Off => (0, inner.height * 2 / 5),
        PriceLine::Loading | PriceLine::Why(_) => (1, inner.height * 2 / 5),
        PriceLine::Chart(_) => ((inner.height / 3).clamp(6, 14), inner.height / 4),
    };
    let across_h = (v.across.lines.len() as u16 + 2).clamp(4, across_max.max(4));
    let parts = Layout::vertical([
        Constraint::Length(across_h),
        Constraint::Length(3),
        Constraint::Length(2),
        Constraint::Length(price_h),
        Constraint::Min(0),
    ])
    .areas(inner);
    (r, parts)
}

/// The earlier days' list: its label line, and the rows under it.
fn across_areas(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area)
}

/// Rows a table of this height shows under its header.
fn body_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(1))
}

/// The update step's part: both lists' selection and scroll fitted to their room.
pub fn fit(v: &mut SymbolView, area: Rect) {
    let (_, [across, _, _, _, rows_area]) = areas(v, area);
    let [_, body] = across_areas(across);
    v.across.nav.fit(v.across.lines.len(), body_rows(body));
    v.nav.fit(v.day.rows.len(), body_rows(rows_area));
}

pub fn draw(v: &SymbolView, day: Day, theme: Theme, f: &mut Frame, area: Rect) {
    let (r, [across, facts, spark, price, rows_area]) = areas(v, area);
    f.render_widget(Clear, r);
    let d = &v.day;
    let name = text::symbol(&d.symbol).into_owned();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::styled(format!(" {name} · {day} · Esc back "), theme.title(true)));
    f.render_widget(block, r);
    draw_across(&v.across, theme, f, across);
    draw_price(&v.price, theme, f, price);
    let when = |t: Option<crate::archive::SecondOfDay>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
    let bursts = if d.bursts.is_empty() {
        "no burst hit it".to_owned()
    } else {
        let list: Vec<String> = d.bursts.iter().rev().take(8).map(|t| t.to_string()).collect();
        let more = if d.bursts.len() > 8 { ", …" } else { "" };
        format!("{} bursts hit it: {}{more}", d.bursts.len(), list.join(", "))
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("first ", theme.dim()),
            Span::raw(when(d.first)),
            Span::styled("  last ", theme.dim()),
            Span::raw(when(d.last)),
            Span::styled("  rows ", theme.dim()),
            Span::raw(text::thousands(d.rows.len() as u64)),
        ]),
        Line::from(vec![
            Span::styled("quotes ", theme.dim()),
            Span::raw(text::thousands(d.total_quotes)),
            Span::styled("  max ", theme.dim()),
            Span::raw(text::thousands(u64::from(d.max_quotes))),
            Span::styled("  trades ", theme.dim()),
            Span::raw(text::thousands(d.total_trades)),
        ]),
        Line::from(Span::raw(bursts)),
    ];
    f.render_widget(Paragraph::new(lines), facts);
    // The quote counts, squeezed to the width: each column the largest of its rows.
    let w = usize::from(spark.width.max(1));
    let n = d.quote_counts.len();
    let data: Vec<u64> = if n <= w {
        d.quote_counts.iter().map(|&c| u64::from(c)).collect()
    } else {
        (0..w)
            .map(|i| {
                d.quote_counts[i * n / w..((i + 1) * n / w).max(i * n / w + 1)]
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(0)
                    .into()
            })
            .collect()
    };
    f.render_widget(Sparkline::default().data(data).style(theme.s2()), spark);
    let (positions, sel) = v.nav.shown(d.rows.len(), body_rows(rows_area));
    let focused = !v.across.focused;
    let body = positions
        .iter()
        .filter_map(|&pos| Some((v.quotes.get(pos)?, pos)))
        .map(|(q, pos)| {
            let dflt = Default::default();
            TableRow {
                cells: vec![
                    (q.time.to_string(), dflt),
                    (q.num_quotes.to_string(), dflt),
                    (q.num_trades.to_string(), dflt),
                    (q.bbo.to_string(), dflt),
                    (text::money(q.dollars), dflt),
                    (text::money(q.trade_size), dflt),
                ],
                style: if Some(pos) == sel { theme.selected(focused) } else { Default::default() },
            }
        })
        .collect();
    table(f, rows_area, Block::default(), &COLS, body, theme);
}

/// The day's closes as a braille line over the session, the bursts that hit the symbol as dots
/// on it; or one line saying why there is none.
fn draw_price(p: &PriceLine, theme: Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let c = match p {
        PriceLine::Off => return,
        PriceLine::Loading => {
            f.render_widget(Paragraph::new(Line::styled("price: reading the day's bars…", theme.dim())), area);
            return;
        }
        PriceLine::Why(why) => {
            let line = Line::from(vec![Span::styled("price: ", theme.dim()), Span::raw(text::clean(why, 200))]);
            f.render_widget(Paragraph::new(line), area);
            return;
        }
        PriceLine::Chart(c) => c,
    };
    let [head, plot] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let head_line = Line::from(vec![
        Span::styled("price ", theme.dim()),
        Span::raw(format!("{:.2}", c.last.0)),
        Span::styled(format!(" at {} · {} s bars · ", c.last.1, c.bar_s), theme.dim()),
        Span::styled("•", theme.sell()),
        Span::styled(" bursts that hit it", theme.dim()),
    ]);
    f.render_widget(Paragraph::new(head_line), head);
    let clock = |s: f64| {
        let s = s.max(0.0) as u32;
        format!("{:02}:{:02}", s / 3600, s / 60 % 60)
    };
    let (x0, x1) = c.x;
    let (y0, y1) = c.y;
    let x_axis =
        Axis::default().bounds([x0, x1]).labels([clock(x0), clock((x0 + x1) / 2.0), clock(x1)]).style(theme.dim());
    let y_axis = Axis::default().bounds([y0, y1]).labels([format!("{y0:.2}"), format!("{y1:.2}")]).style(theme.dim());
    let datasets = vec![
        Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(theme.s2()).data(&c.closes),
        Dataset::default().marker(Marker::Dot).graph_type(GraphType::Scatter).style(theme.sell()).data(&c.marks),
    ];
    f.render_widget(Chart::new(datasets).x_axis(x_axis).y_axis(y_axis).legend_position(None), plot);
}

const DAY_COLS: [Col; 7] = [
    col("Day", 10, false, 9),
    col("Rows", 8, true, 8),
    col("Max", 6, true, 7),
    col("$", 8, true, 6),
    col("Bursts", 6, true, 5),
    col("First", 8, false, 4),
    col("Last", 8, false, 3),
];

/// The symbol's days, newest first, with a sparkline of its rows per day (oldest on the left).
fn draw_across(a: &Across, theme: Theme, f: &mut Frame, area: Rect) {
    let [head, body] = across_areas(area);
    let label = format!(" last {} days · [ ] fewer/more · Tab · Enter opens ", a.span);
    let w = (label.chars().count() as u16).min(head.width);
    let [l, s] = Layout::horizontal([Constraint::Length(w), Constraint::Min(0)]).areas(head);
    f.render_widget(Paragraph::new(Line::styled(label, theme.dim())), l);
    let rows: Vec<u64> = a.lines.iter().map(|d| u64::from(d.rows)).collect();
    let tail = rows.len().saturating_sub(usize::from(s.width));
    f.render_widget(Sparkline::default().data(rows[tail..].to_vec()).style(theme.s2()), s);
    let when = |t: Option<crate::archive::SecondOfDay>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
    let (positions, sel) = a.nav.shown(a.lines.len(), body_rows(body));
    let lines = positions
        .iter()
        .filter_map(|&pos| Some((a.lines.get(pos)?, pos)))
        .map(|(d, pos)| {
            let dflt = Default::default();
            let day = d.day.to_string();
            let none = d.rows == 0 && d.bursts == 0;
            TableRow {
                cells: vec![
                    (day, dflt),
                    (if none { "-".to_owned() } else { text::thousands(u64::from(d.rows)) }, dflt),
                    (if none { String::new() } else { text::thousands(u64::from(d.max_quotes)) }, dflt),
                    (if none { String::new() } else { text::money(Some(d.dollars)) }, dflt),
                    (if none { String::new() } else { d.bursts.to_string() }, dflt),
                    (when(d.first), dflt),
                    (when(d.last), dflt),
                ],
                style: if Some(pos) == sel { theme.selected(a.focused) } else { Default::default() },
            }
        })
        .collect();
    table(f, body, Block::default(), &DAY_COLS, lines, theme);
}
