//! `y` / `Y`: the selected row, or the rows a pane shows, as CSV with a header line, for the
//! terminal's clipboard. OSC 52 carries it (base64), so it works through SSH and tmux and no
//! byte of a symbol can reach the terminal as a control sequence.

use base64::Engine;

use super::data::Data;
use super::lists;
use super::view::{ListPane, View};

/// CSV text for the focused pane: its selected row (`all`: the rows it shows), with a header.
/// None when the pane lists nothing. Also says what it holds, for the status line.
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
    let (name, header, rows): (&str, &str, Vec<Vec<String>>) = match pane {
        ListPane::Quotes => (
            "High Quote Counts",
            "time,symbol,num_quotes,num_trades,bbo,dollars,trade_size",
            lists::quotes_at(data, view, &positions)
                .into_iter()
                .map(|q| {
                    vec![
                        q.time.to_string(),
                        q.symbol,
                        q.num_quotes.to_string(),
                        q.num_trades.to_string(),
                        q.bbo.to_string(),
                        q.dollars.map(|d| d.to_string()).unwrap_or_default(),
                        q.trade_size.map(|d| format!("{d:.2}")).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        ListPane::Bursts => (
            "Burst Signals",
            "time,grade,prog_type,background,s1,s2,ct,cb,cs,cu",
            lists::bursts_at(data, view, &positions)
                .into_iter()
                .map(|(_, b)| {
                    vec![
                        b.time.to_string(),
                        b.grade.label().into(),
                        b.prog_type.label().into(),
                        b.background.label().into(),
                        b.s1.to_string(),
                        b.s2.to_string(),
                        b.ct.to_string(),
                        b.cb.to_string(),
                        b.cs.to_string(),
                        b.cu.unwrap_or_default(),
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
                .map(|h| {
                    vec![
                        at.clone(),
                        h.symbol.clone(),
                        h.num_trades.to_string(),
                        h.num_quotes.to_string(),
                        h.bbo.to_string(),
                    ]
                })
                .collect();
            ("Syms Hit At", "burst_time,symbol,num_trades,num_quotes,bbo", rows)
        }
        ListPane::Alerts => {
            let log = data.shown_alerts();
            let shown = lists::alerts_at(data, view, &positions);
            let rows = shown
                .into_iter()
                .filter_map(|i| log.get(i))
                .map(|a| {
                    vec![
                        a.id(),
                        a.timestamp(),
                        a.rule.clone(),
                        a.symbol.clone().unwrap_or_default(),
                        a.field.name().into(),
                        a.value.to_string(),
                        format!("{}{}", a.op.symbol(), a.threshold),
                    ]
                })
                .collect();
            ("Alerts", "id,time,rule,symbol,field,value,threshold", rows)
        }
    };
    if rows.is_empty() {
        return None;
    }
    // Oldest first, as a spreadsheet reads them.
    let mut text = format!("{header}\n");
    for r in rows.iter().rev() {
        let fields: Vec<String> = r.iter().map(|f| field(f)).collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    let what = if rows.len() == 1 { format!("1 row of {name}") } else { format!("{} rows of {name}", rows.len()) };
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
