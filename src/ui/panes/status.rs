//! The header (what is shown: status, day, market time — as the Burst Monitor's top bar) and
//! the status line (where from, how fast, what went wrong), or the filter being typed.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::alerts::Alert;
use crate::tail::TailMode;
use crate::ui::app::App;
use crate::ui::keymap::Action;
use crate::ui::text;
use crate::ui::view::Pane;

pub fn header(app: &App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let (label, color) = if app.status.loading.is_some() {
        ("LOADING".to_owned(), Color::Blue)
    } else if app.is_history() {
        ("HISTORY".to_owned(), Color::Magenta)
    } else if app.view.frozen.is_some() {
        (format!("PAUSED +{}", text::thousands(app.status.unseen as u64)), Color::Yellow)
    } else if !app.status.caught_up {
        ("READING".to_owned(), Color::Blue)
    } else {
        ("LIVE".to_owned(), Color::Green)
    };
    let store = app.store();
    let time = app.market_time().map_or_else(|| "--:--:--".to_owned(), |t| t.to_string());
    let mut spans = vec![
        Span::styled(" ki2 ", theme.title(true)),
        Span::styled(format!(" {label} "), theme.badge(color)),
        Span::raw("  Date "),
        Span::styled(store.day().to_string(), theme.title(false)),
        Span::raw("  Time "),
        Span::styled(time, theme.title(false)),
    ];
    if app.data.history.is_some() && app.data.unseen_alerts > 0 {
        let n = text::thousands(app.data.unseen_alerts as u64);
        spans.push(Span::raw("  "));
        spans.push(Span::styled(format!(" +{n} live alerts "), theme.badge(Color::Red)));
    }
    let typed = app.view.filter.as_ref().map_or("", |f| f.text.as_str());
    if app.view.typing {
        spans.push(Span::raw("  Filter "));
        spans.push(Span::styled(format!("{}▏", text::clean(typed, 24)), theme.key()));
    } else if app.view.filter.is_some() {
        spans.push(Span::raw("  Filter "));
        spans.push(Span::styled(text::clean(typed, 24).into_owned(), theme.key()));
    }
    let (help, quit) = (app.keys.hint(Action::Help), app.keys.hint(Action::Quit));
    spans.push(Span::styled(format!("   {help} help  {quit} quit"), theme.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `alert`: the alert selected in the Alerts pane, if one is.
pub fn status_line(app: &App, alert: Option<&Alert>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let sep = || Span::styled(" │ ", theme.dim());
    if app.view.typing {
        let line = Line::from(vec![
            Span::styled(" / ", theme.key()),
            Span::raw("type a symbol (BR* for a prefix): every pane follows. Enter keeps it, Esc clears it."),
        ]);
        f.render_widget(Paragraph::new(line), area);
        return;
    }
    // The selected alert's history: on a narrow screen its column in the pane is the first to go.
    if app.view.focus == Pane::Alerts
        && let Some(a) = alert
        && let Some(e) = &a.enrichment
    {
        let sym = a.symbol.as_deref().map(text::symbol).unwrap_or_default();
        let line = Line::from(vec![
            Span::styled(format!(" {sym} "), theme.key()),
            Span::raw(format!("{} · {}", a.time, e.describe())),
        ]);
        f.render_widget(Paragraph::new(line), area);
        return;
    }
    let store = app.store();
    let mut spans = vec![Span::raw(format!(" {}", text::clean(&app.opts.root_label, 40)))];
    if let Some(w) = app.counters_warning() {
        spans.push(sep());
        spans.push(Span::styled(w, theme.error()));
    }
    if !app.is_history() {
        spans.push(sep());
        spans.push(Span::raw(format!("{} rows/s", text::rate(app.rows_per_second()))));
        spans.push(sep());
        let updated = match app.status.last_update {
            Some(t) => format!("updated {}s ago", Instant::now().duration_since(t).as_secs()),
            None if app.status.waiting_for_files => {
                format!("waiting for the Burst Monitor's files under {}", text::clean(&app.opts.root_label, 60))
            }
            None => "no rows yet".to_owned(),
        };
        spans.push(Span::raw(updated));
        if let Some(mode) = app.status.mode {
            spans.push(sep());
            spans.push(Span::styled(
                match mode {
                    TailMode::Events => "events",
                    TailMode::Polling => "polling",
                },
                theme.dim(),
            ));
        }
    }
    if let Some((line, trouble)) = &app.status.lake {
        spans.push(sep());
        spans
            .push(Span::styled(text::clean(line, 60).into_owned(), if *trouble { theme.error() } else { theme.dim() }));
    }
    if let Some(line) = &app.status.history {
        spans.push(sep());
        spans.push(Span::styled(line.clone(), theme.dim()));
    }
    let waiting = app.data.alerting.waiting_for_history();
    if waiting > 0 {
        spans.push(sep());
        spans.push(Span::styled(format!("{} alerts wait for history", text::thousands(waiting as u64)), theme.dim()));
    }
    if let Some((word, trouble)) = super::sinks::word(&app.status.sinks, &app.keys.hint(Action::Sinks)) {
        spans.push(sep());
        spans.push(Span::styled(word, if trouble { theme.error() } else { theme.dim() }));
    }
    let bad = store.malformed().len();
    if bad > 0 {
        spans.push(sep());
        let key = app.keys.hint(Action::Malformed);
        spans.push(Span::styled(format!("{} malformed ({key})", text::thousands(bad as u64)), theme.error()));
    }
    // A file that cannot be read stays named while it lasts, whatever passing message comes.
    if let Some(e) = store.errors().last() {
        spans.push(sep());
        let name = e.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let more = match store.errors().len() - 1 {
            0 => String::new(),
            n => format!(" (+{n} more files)"),
        };
        spans.push(Span::styled(text::clean(&format!("{name}: {}{more}", e.message), 120).into_owned(), theme.error()));
    }
    if let Some((msg, err)) = app.message() {
        spans.push(sep());
        // What is left of the line: a long message is cut between words, and `e` shows it whole.
        let used: usize = spans.iter().map(Span::width).sum();
        let room = usize::from(area.width).saturating_sub(used);
        let msg = text::clean(msg, 500);
        let key = app.keys.hint(Action::Message);
        let shown = if msg.chars().count() <= room {
            msg.into_owned()
        } else {
            format!("{} ({key})", text::cut_words(&msg, room.saturating_sub(key.chars().count() + 3)))
        };
        spans.push(Span::styled(shown, if err { theme.error() } else { theme.key() }));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
