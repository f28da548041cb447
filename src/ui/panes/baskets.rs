//! `B`: the recurring baskets of the closed days (the figures `ki2 baskets` prints), or, with
//! Enter, one basket close up: its bursts per day as a sparkline, its times of day, its core
//! symbols with how many of its bursts hold each. Paints what `ui/baskets.rs` holds.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Sparkline, Wrap};

use super::TableRow;
use crate::analysis::baskets::{BasketLine, BasketsTable, Returns};
use crate::analysis::study::horizon;
use crate::ui::baskets::{BasketsView, Found};
use crate::ui::columns::{self, BASKETS, Ctx};
use crate::ui::panes::Col;
use crate::ui::text;
use crate::ui::theme::Theme;

/// The session the times-of-day sparkline spans, and its bars' length.
const OPEN: u32 = 9 * 3600 + 30 * 60;
const CLOSE: u32 = 16 * 3600;
const BAR_S: u32 = 15 * 60;

/// The view's frame in `area`.
fn frame_area(area: Rect) -> Rect {
    Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), area.height)
}

/// Baskets the list shows at a time (under its header, inside its frame).
fn list_rows(r: Rect) -> usize {
    usize::from(Block::default().borders(Borders::ALL).inner(r).height.saturating_sub(1))
}

/// The update step's part: the list's selection and scroll fitted to its room.
pub fn fit(v: &mut BasketsView, found: &Found, area: Rect) {
    // Only while the list is what the view shows (as `draw` chooses).
    if let Found::Ready { table, .. } = found
        && !table.days.is_empty()
        && !table.baskets.is_empty()
        && !v.open.as_ref().is_some_and(|id| table.baskets.iter().any(|l| &l.report.id == id))
    {
        v.nav.fit(table.baskets.len(), list_rows(frame_area(area)));
    }
    if let Some(table) = found.shared() {
        v.prepare(table);
    }
}

pub fn draw(v: &BasketsView, found: &Found, theme: Theme, f: &mut Frame, area: Rect) {
    let r = frame_area(area);
    f.render_widget(Clear, r);
    let frame = |title: String| {
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(true))
            .title(Line::styled(title, theme.title(true)))
    };
    let words = |text: String| Paragraph::new(format!("\n {text}")).wrap(Wrap { trim: false });
    let title = " Baskets · Esc closes ".to_owned();
    // A newer table being found (the live day moved on): the one at hand stays on screen.
    if let Found::Computing { previous: Some(table), .. } = found
        && !table.days.is_empty()
    {
        return ready(v, table, theme, f, r);
    }
    match found {
        Found::NotAsked | Found::Computing { days: 1.., .. } => {
            let (days, day) = match found {
                Found::Computing { days, day, .. } => (format!("the {}", closed_days(*days)), format!(" before {day}")),
                _ => ("the closed days".to_owned(), String::new()),
            };
            let text = format!(
                "Finding the recurring baskets of {days}{day}… (each day's bursts are matched once and kept beside the day index)"
            );
            f.render_widget(words(text).block(frame(title)), r);
        }
        Found::Computing { days: 0, day, .. } => f.render_widget(words(no_days(*day)).block(frame(title)), r),
        Found::Ready { day, table, .. } if table.days.is_empty() => {
            f.render_widget(words(no_days(*day)).block(frame(title)), r)
        }
        Found::Unavailable => {
            let text = "No day index here: baskets are found across the closed days of an archive (ki2 watch).";
            f.render_widget(words(text.to_owned()).block(frame(title)), r);
        }
        Found::Failed { why, .. } => {
            let text = format!("Cannot find the baskets: {}", text::clean(why, 400));
            f.render_widget(words(text).block(frame(title)), r);
        }
        Found::Ready { table, .. } => ready(v, table, theme, f, r),
    }
}

fn ready(v: &BasketsView, table: &BasketsTable, theme: Theme, f: &mut Frame, r: Rect) {
    let open = v.open.as_ref().and_then(|id| table.baskets.iter().find(|l| &l.report.id == id));
    match open {
        Some(line) => {
            let short = v.listed.as_ref().and_then(|l| l.forms.get(&line.report.id)).cloned().unwrap_or_default();
            detail(line, &short, &table.returns.get(), theme, f, r)
        }
        None => list(v, table, theme, f, r),
    }
}

/// `after it fires: +1m +0.12% (t 2.1, n 14) · +5m …`: the study's mean return over the
/// basket's bursts (each burst the mean over its symbols) at each horizon, or why there is none.
pub fn after_it_fires(id: &str, returns: &Returns) -> String {
    let said = match returns {
        Returns::Computing => "computing from the price bars…".to_owned(),
        Returns::Unavailable(why) => text::clean(why, 200).into_owned(),
        Returns::Failed(why) => format!("cannot compute: {}", text::clean(why, 200)),
        Returns::Ready(by) => match by.get(id) {
            Some(lines) if !lines.is_empty() => lines
                .iter()
                .map(|l| {
                    let t = l.t.map_or_else(|| "-".to_owned(), |t| format!("{t:.1}"));
                    format!("+{} {:+.2}% (t {t}, n {})", horizon(l.horizon_s), l.mean_bp / 100.0, l.n_events)
                })
                .collect::<Vec<_>>()
                .join(" · "),
            _ => "no bars around its bursts".to_owned(),
        },
    };
    format!("after it fires: {said}")
}

/// `1 closed day`, `5 closed days`.
fn closed_days(n: usize) -> String {
    if n == 1 { "1 closed day".to_owned() } else { format!("{n} closed days") }
}

fn no_days(day: crate::archive::Day) -> String {
    format!(
        "No closed days indexed before {day}: a basket is a set of symbols that fires again across days, \
         so the baskets show here once the archive has days before the live one."
    )
}

fn list(v: &BasketsView, table: &BasketsTable, theme: Theme, f: &mut Frame, r: Rect) {
    // The live day is last among the days when its bursts are in.
    let days = match table.today {
        0 => closed_days(table.days.len()),
        _ => format!("{} and today", closed_days(table.days.len().saturating_sub(1))),
    };
    let title = format!(
        " Baskets · {} seen {}+ times over {days} · Enter detail, Esc closes ",
        table.baskets.len(),
        crate::analysis::baskets::table::MIN_BURSTS
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::styled(title, theme.title(true)));
    if table.baskets.is_empty() {
        let text = format!(
            "\n No basket seen {} times or more over the {days} ({} bursts matched).",
            crate::analysis::baskets::table::MIN_BURSTS,
            text::thousands(table.bursts as u64)
        );
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), r);
        return;
    }
    let inner = block.inner(r);
    f.render_widget(block, r);
    // Listed by the update step (`fit`), which runs before every frame.
    let Some(listed) = &v.listed else { return };
    let lines = listed.lines();
    let ctx = Ctx { data: None, ids: Some(&listed.forms) };
    let (positions, sel) = v.nav.shown(lines.len(), list_rows(r));
    let body = positions
        .iter()
        .filter_map(|&pos| Some((*lines.get(lines.len() - 1 - pos)?, pos)))
        .map(|(l, pos)| {
            let selected = Some(pos) == sel;
            TableRow {
                cells: columns::cells(&BASKETS, l, &ctx, theme, !selected),
                style: if selected { theme.selected(true) } else { Default::default() },
            }
        })
        .collect();
    let cols: Vec<Col> = BASKETS.iter().map(|c| c.head.col).collect();
    // The sort's arrow, as the list panes mark it.
    let titles = BASKETS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == v.sort.col {
                super::with_arrow(c.head.col.title, c.head.col.width, v.sort.arrow())
            } else {
                c.head.col.title.into()
            }
        })
        .collect();
    super::table_with(f, inner, Block::default(), &cols, titles, body, theme, false);
}

fn detail(line: &BasketLine, short: &str, returns: &Returns, theme: Theme, f: &mut Frame, r: Rect) {
    let b = &line.report;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::styled(format!(" Basket {} ({short}) · Esc back ", b.id), theme.title(true)));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let [facts, days_head, days_spark, times_head, times_spark, times_list, core] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(inner);
    let dim = |s: &str| Span::styled(s.to_owned(), theme.dim());
    let s1 = b.median_s1.map_or_else(|| "-".to_owned(), |s| format!("{s:.0}"));
    let facts_text = vec![
        Line::from(vec![
            Span::raw(format!("{} bursts", b.bursts)),
            dim(" on "),
            Span::raw(format!("{} days", b.days)),
            dim(" · buy "),
            Span::styled(b.buy.to_string(), theme.buy()),
            dim(" sell "),
            Span::styled(b.sell.to_string(), theme.sell()),
            dim(" und "),
            Span::raw(b.und.to_string()),
            dim(" · typical time "),
            Span::raw(b.median_time.clone()),
            dim(" · S1 "),
            Span::raw(s1),
        ]),
        Line::from(vec![
            dim("first "),
            Span::raw(b.first.replace('T', " ")),
            dim("  last "),
            Span::raw(b.last.replace('T', " ")),
            dim("  core "),
            Span::raw(format!("{} symbols", b.symbols.len())),
        ]),
        Line::raw(after_it_fires(&b.id, returns)),
    ];
    f.render_widget(Paragraph::new(facts_text), facts);
    let Some(d) = &line.detail else { return };
    // Per day, oldest on the left; the newest days when there are more than the width.
    let per_day: Vec<u64> = d.per_day.iter().map(|(_, n)| u64::from(*n)).collect();
    let tail = per_day.len().saturating_sub(usize::from(days_spark.width.max(1)));
    let (from, to) = (d.per_day.get(tail).map(|(d, _)| *d), d.per_day.last().map(|(d, _)| *d));
    let most = per_day.iter().max().copied().unwrap_or(0);
    let head = match (from, to) {
        (Some(a), Some(z)) => format!("bursts per day, {a} … {z} (most {most})"),
        _ => "bursts per day".to_owned(),
    };
    f.render_widget(Paragraph::new(Line::styled(head, theme.dim())), days_head);
    f.render_widget(Sparkline::default().data(per_day[tail..].to_vec()).style(theme.s1()), days_spark);
    let bars = ((CLOSE - OPEN) / BAR_S) as usize;
    let mut hist = vec![0u64; bars];
    for &t in &d.times {
        let i = (t.clamp(OPEN, CLOSE - 1) - OPEN) / BAR_S;
        if let Some(h) = hist.get_mut(i as usize) {
            *h += 1;
        }
    }
    let head = format!("times of day, 09:30 … 16:00, a bar each {} minutes", BAR_S / 60);
    f.render_widget(Paragraph::new(Line::styled(head, theme.dim())), times_head);
    f.render_widget(Sparkline::default().data(hist).style(theme.s2()), times_spark);
    let mut times: Vec<String> =
        d.times.iter().filter_map(|&t| crate::archive::SecondOfDay::from_secs(t)).map(|t| t.to_string()).collect();
    times.sort();
    times.dedup();
    let times_text = text::cut_words(&times.join(" "), usize::from(times_list.width) * 2).into_owned();
    f.render_widget(Paragraph::new(times_text).wrap(Wrap { trim: true }), times_list);
    // The core as a grid, each symbol beside its count (a wrapped line would part them).
    let names: Vec<(String, String)> =
        d.core.iter().map(|(s, n)| (text::symbol(s).into_owned(), n.to_string())).collect();
    let w = names.iter().map(|(s, _)| s.chars().count()).max().unwrap_or(0);
    let nw = names.iter().map(|(_, n)| n.len()).max().unwrap_or(0);
    let per_line = (usize::from(core.width) + 3) / (w + nw + 4).max(1);
    let mut lines = vec![Line::styled(format!("core, in how many of its {} bursts:", d.bursts), theme.dim())];
    for chunk in names.chunks(per_line.max(1)) {
        let cells: Vec<String> = chunk.iter().map(|(s, n)| format!("{s:<w$} {n:>nw$}")).collect();
        lines.push(Line::from(cells.join("   ")));
    }
    f.render_widget(Paragraph::new(lines), core);
}
