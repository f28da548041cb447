//! `y` / `Y`: the selected row, or the rows a pane shows, as CSV with a header line, for the
//! terminal's clipboard. OSC 52 carries it (base64), so it works through SSH and tmux and no
//! byte of a symbol can reach the terminal as a control sequence.

use base64::Engine;

use super::columns;
use super::data::Data;
use super::lists;
use super::view::{ListPane, View};

/// CSV text for the focused pane: its selected row (`all`: the rows it shows), with a header,
/// in the pane's order and with its columns: a hidden one is not copied (a column only cut by
/// the terminal's width is). None when the pane lists nothing. Also says what it holds, for
/// the status line.
pub fn csv(data: &Data, view: &mut View, all: bool) -> Option<(String, String)> {
    let pane = view.focus.list()?;
    let len = lists::len(data, view, pane);
    let state = view.lists[pane];
    let positions: Vec<usize> = if all {
        let mut nav = state.nav;
        nav.fit(len, state.height);
        nav.visible(len, state.height).collect()
    } else {
        vec![state.nav.selected(len)?]
    };
    let s = |v: &dyn ToString| vec![v.to_string()];
    // Per row: the fields that say what the row is, then one group per column of the pane
    // (`columns::of`), in its order; the header likewise.
    let (header, rows): (Vec<&[&str]>, Vec<Vec<Vec<String>>>) = match pane {
        ListPane::Quotes => (
            vec![
                &[],
                &["time"],
                &["symbol"],
                &["num_quotes"],
                &["num_trades"],
                &["bbo"],
                &["dollars"],
                &["trade_size"],
            ],
            lists::quotes_at(data, view, &positions)
                .into_iter()
                .map(|q| {
                    vec![
                        vec![],
                        s(&q.time),
                        vec![q.symbol],
                        s(&q.num_quotes),
                        s(&q.num_trades),
                        s(&q.bbo),
                        vec![q.dollars.map(|d| d.to_string()).unwrap_or_default()],
                        vec![q.trade_size.map(|d| format!("{d:.2}")).unwrap_or_default()],
                    ]
                })
                .collect(),
        ),
        ListPane::Bursts => (
            vec![
                &[],
                &["time"],
                &["grade"],
                &["prog_type"],
                &["background"],
                &["s1"],
                &["s2"],
                &["ct"],
                &["cb"],
                &["cs"],
                &["cu"],
                &["basket", "basket_seen_before"],
            ],
            lists::bursts_at(data, view, &positions)
                .into_iter()
                .map(|(_, b)| {
                    vec![
                        vec![],
                        s(&b.time),
                        s(&b.grade.label()),
                        s(&b.prog_type.label()),
                        s(&b.background.label()),
                        s(&b.s1),
                        s(&b.s2),
                        s(&b.ct),
                        s(&b.cb),
                        s(&b.cs),
                        vec![b.cu_shown()],
                        match data.basket_of(b.time) {
                            Some((id, n)) => vec![id.to_owned(), n.to_string()],
                            None => vec![String::new(), String::new()],
                        },
                    ]
                })
                .collect(),
        ),
        ListPane::Symbols => {
            let (at, hits) = lists::hits(data, view);
            let hits = hits.ok()?;
            let at = at.map(|t| t.to_string()).unwrap_or_default();
            let rows = positions
                .iter()
                .filter_map(|&p| hits.get(p))
                .map(|h| vec![vec![at.clone()], vec![h.symbol.clone()], s(&h.num_trades), s(&h.num_quotes), s(&h.bbo)])
                .collect();
            (vec![&["burst_time"], &["symbol"], &["num_trades"], &["num_quotes"], &["bbo"]], rows)
        }
        ListPane::Alerts => {
            let shown = lists::alerts_at(data, view, &positions);
            let log = data.shown_alerts();
            let rows = shown
                .into_iter()
                .filter_map(|i| log.get(i))
                .map(|a| {
                    vec![
                        vec![a.id()],
                        vec![a.timestamp()],
                        vec![a.rule.clone()],
                        vec![a.symbol.clone().unwrap_or_default()],
                        // The value with the field it is of.
                        vec![a.field.name().into(), a.value.to_string()],
                        vec![format!("{}{}", a.op.symbol(), a.threshold)],
                        vec![a.enrichment.as_ref().map(|e| e.describe()).unwrap_or_default()],
                    ]
                })
                .collect();
            (
                vec![&["id"], &["time"], &["rule"], &["symbol"], &["field", "value"], &["threshold"], &["seen_before"]],
                rows,
            )
        }
    };
    if rows.is_empty() {
        return None;
    }
    let choice = view.columns[pane];
    // Group 0 is always copied; group i + 1 is column i.
    let copied = |g: usize| g == 0 || choice.shown(g - 1);
    let line = |groups: Vec<Vec<String>>| -> String {
        let fields: Vec<String> = groups
            .into_iter()
            .enumerate()
            .filter(|(g, _)| copied(*g))
            .flat_map(|(_, f)| f)
            .map(|f| field(&f))
            .collect();
        fields.join(",") + "\n"
    };
    let n = rows.len();
    let mut text = line(header.iter().map(|h| h.iter().map(|s| s.to_string()).collect()).collect());
    // In the pane's order, top first: the sort chosen (`r` turns it round) is the copy's.
    for r in rows {
        text.push_str(&line(r));
    }
    let name = columns::pane_title(pane);
    let what = if n == 1 { format!("1 row of {name}") } else { format!("{n} rows of {name}") };
    Some((text, what))
}

/// A CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed_and_osc52_is_base64() {
        assert_eq!(field("SPY"), "SPY");
        assert_eq!(field("A,B"), "\"A,B\"");
        assert_eq!(field("Q\"T"), "\"Q\"\"T\"");
        assert_eq!(osc52("a,b\n"), "\x1b]52;c;YSxiCg==\x07");
    }
}
