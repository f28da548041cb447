//! `o`: where alerts go — each sink's state, how many alerts it holds, has delivered, had
//! refused, had to drop — and the one word the status line gives for all of them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::alerts::SinkStatus;
use crate::alerts::delivery::SinkState;
use crate::ui::text;
use crate::ui::theme::Theme;

/// What `o` says when alerts go nowhere but the screen.
pub const NO_SINKS: &str = "no alert sinks configured: add [alerts] log_file or command, [alerts.mqtt] or [[alerts.webhook]] to config.toml (README: Alert sinks)";

fn state(s: &SinkState) -> String {
    match s {
        SinkState::Starting => "starting".into(),
        SinkState::Up => "connected".into(),
        SinkState::Down(why) => format!("down: {why}"),
        SinkState::Off(why) => format!("off: {why}"),
        SinkState::Elsewhere(why) => format!("served by another ki2: {why}"),
    }
}

pub fn draw(sinks: &[SinkStatus], theme: Theme, f: &mut Frame, area: Rect) {
    let r = centered(area, area.width.saturating_sub(4).min(110), (sinks.len() as u16 * 2 + 4).min(area.height));
    f.render_widget(Clear, r);
    let mut lines = Vec::new();
    for s in sinks {
        let st = &s.stats;
        let bad = matches!(st.state, SinkState::Down(_) | SinkState::Off(_)) || st.dropped > 0;
        let head = format!(
            " {:<8} {:<36} queued {:>7}  delivered {:>9}  failed {:>6}  dropped {:>6}",
            s.kind,
            text::clean(&s.name, 36),
            text::thousands(st.queued as u64),
            text::thousands(st.delivered),
            text::thousands(st.failed),
            text::thousands(st.dropped),
        );
        lines.push(Line::styled(head, if bad { theme.error() } else { theme.key() }));
        let detail = match (&st.state, &st.last_error) {
            (SinkState::Up | SinkState::Starting, Some(e)) => format!("{} (last error: {e})", state(&st.state)),
            (s, _) => state(s),
        };
        lines.push(Line::from(format!("          {}", text::clean(&detail, 200))));
    }
    if lines.is_empty() {
        lines.push(Line::from(format!(" {NO_SINKS}")));
    }
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(" Alert sinks · Esc closes ");
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// One word for the status line: `sinks ok`, or the first sink in trouble; true when trouble.
/// Sinks another ki2 on the archive delivers to are not trouble: when all are, the word says
/// so (an "off" there read as "alerts go nowhere"). `key`: the key that opens the sinks' view.
pub fn word(sinks: &[SinkStatus], key: &str) -> Option<(String, bool)> {
    if sinks.is_empty() {
        return None;
    }
    if sinks.iter().all(|s| matches!(s.stats.state, SinkState::Elsewhere(_))) {
        return Some((format!("sinks served by another ki2 ({key})"), false));
    }
    for s in sinks {
        let st = &s.stats;
        match &st.state {
            SinkState::Off(_) => return Some((format!("{} off ({key})", s.kind), true)),
            SinkState::Down(_) => {
                return Some((format!("{} down, {} queued ({key})", s.kind, text::thousands(st.queued as u64)), true));
            }
            _ if st.dropped > 0 => {
                let first = st.first_dropped.as_deref().map_or_else(String::new, |id| format!(" from {id}"));
                return Some((format!("{} dropped {}{first} ({key})", s.kind, text::thousands(st.dropped)), true));
            }
            _ => {}
        }
    }
    Some(("sinks ok".into(), false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::delivery::queue::{Overflow, Queue};

    fn sink(kind: &'static str, state: SinkState) -> SinkStatus {
        let mut stats = Queue::new(kind, 10, Overflow::Wait).stats();
        stats.state = state;
        SinkStatus { kind, name: kind.into(), stats }
    }

    #[test]
    fn sinks_another_ki2_serves_are_said_as_served_not_as_off() {
        let elsewhere = || SinkState::Elsewhere("another ki2 on this archive delivers to it".into());
        let all = [sink("log", elsewhere()), sink("mqtt", elsewhere())];
        assert_eq!(word(&all, "o"), Some(("sinks served by another ki2 (o)".into(), false)));
        // One served elsewhere, one delivering from here: all is well.
        let mixed = [sink("log", elsewhere()), sink("mqtt", SinkState::Up)];
        assert_eq!(word(&mixed, "o"), Some(("sinks ok".into(), false)));
        // A sink that could not be set up is still trouble.
        let off = [sink("log", elsewhere()), sink("mqtt", SinkState::Off("bad url".into()))];
        assert_eq!(word(&off, "o"), Some(("mqtt off (o)".into(), true)));
    }
}
