//! `?`: every key, from the one list in `keymap.rs`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::ui::keymap::{Action, Keymap, SECTIONS, TABLE};
use crate::ui::theme::Theme;

/// Opposite actions said on one line (`k ↑ / j ↓  newer / older row`), so that the whole list
/// fits a 160×48 screen without scrolling; each keeps its own keys as bound.
const PAIRS: [(Action, Action, &str); 8] = [
    (Action::NextPane, Action::PrevPane, "next / previous pane"),
    (Action::PaneLeft, Action::PaneRight, "pane to the left / right"),
    (Action::Newer, Action::Older, "newer / older row"),
    (Action::PageNewer, Action::PageOlder, "a page newer / older"),
    (Action::Newest, Action::Oldest, "newest row (autosnap on again) / oldest row"),
    (Action::SortNext, Action::SortPrev, "sort the pane in focus by the next / previous column (↓ ↑)"),
    (Action::Narrower, Action::Wider, "S2 / S1: narrower / wider window"),
    (Action::ScaleUp, Action::ScaleDown, "chart in focus: hard max up / down"),
];

fn keys_text(keys: &Keymap, action: Action) -> String {
    let k = keys.keys_of(action);
    if k.is_empty() { "(unbound)".to_owned() } else { k }
}

/// Scrolls (`j`/`k`) when the terminal is too low for the whole list.
pub fn draw(scroll: u16, keys: &Keymap, theme: Theme, f: &mut Frame, area: Rect) {
    let lines = lines(keys, theme);
    let total = lines.len() as u16;
    let (r, rows) = place(area, total);
    let more = if scroll + rows < total { " · j/↓ for more " } else { "" };
    f.render_widget(Clear, r);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(format!(" Keys {more}"));
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}

/// The scroll kept within the list for the room `area` gives (the update step's part).
pub fn fit(scroll: u16, keys: &Keymap, theme: Theme, area: Rect) -> u16 {
    let total = lines(keys, theme).len() as u16;
    let (_, rows) = place(area, total);
    scroll.min(total.saturating_sub(rows))
}

/// Where the list goes, and how many of its lines show.
fn place(area: Rect, total: u16) -> (Rect, u16) {
    let r = centered(area, 84, total + 2);
    (r, r.height.saturating_sub(2))
}

fn lines(keys: &Keymap, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in SECTIONS {
        lines.push(Line::styled(section, theme.header()));
        for e in TABLE.iter().filter(|e| e.section == section) {
            if PAIRS.iter().any(|&(_, second, _)| second == e.action) {
                continue;
            }
            let (k, does) = match PAIRS.iter().find(|&&(first, _, _)| first == e.action) {
                Some(&(first, second, does)) => {
                    (format!("{} / {}", keys_text(keys, first), keys_text(keys, second)), does.to_owned())
                }
                // The chooser's own key, as bound.
                None if e.action == Action::Columns => (
                    keys_text(keys, e.action),
                    format!("columns of the pane in focus: {} shows / hides (kept)", keys.hint(Action::ToggleColumn)),
                ),
                None => (keys_text(keys, e.action), e.does.to_owned()),
            };
            // Always a space before the words, also after keys as wide as their column.
            lines.push(Line::from(vec![Span::styled(format!("  {k:<15} "), theme.key()), Span::raw(does)]));
        }
    }
    let k = |a| keys.hint(a);
    let key_line = |keys: String, does: String| {
        Line::from(vec![Span::styled(format!("  {keys:<15} "), theme.key()), Span::raw(does)])
    };
    // The views read some screen keys their own way: the S2 / S1 window keys step a symbol's
    // days, the pane keys move between its lists.
    lines.push(Line::styled(format!("A symbol across days ({} on a symbol)", k(Action::Enter)), theme.header()));
    lines.push(key_line(
        format!("{} {}  {}  {}", k(Action::Narrower), k(Action::Wider), k(Action::NextPane), k(Action::Enter)),
        "fewer / more days (5…250) · days ↔ rows · Enter opens a day".into(),
    ));
    // The editor's own keys, on two lines: its panel shows them too, as many as fit.
    lines.push(Line::styled(format!("Threshold editor ({})", k(Action::Rules)), theme.header()));
    lines.push(key_line(
        format!("{} / {}", k(Action::StepUp), k(Action::StepDown)),
        "step the value up / down (0-9 types one)".into(),
    ));
    lines.push(key_line(k(Action::ToggleRule), "enable / disable the rule".into()));
    lines.push(key_line(
        format!("{} / {} / {}", k(Action::AddRule), k(Action::DeleteRule), k(Action::SaveRules)),
        "add a rule / delete it (press twice) / save the rules".into(),
    ));
    lines.push(Line::styled(
        format!("{} or {} closes this help", keys.hint(Action::Back), keys.hint(Action::Help)),
        theme.dim(),
    ));
    lines
}
