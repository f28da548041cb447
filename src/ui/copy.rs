//! `y` / `Y`: the selected row, or the rows a pane shows, as CSV with a header line, for the
//! terminal's clipboard. OSC 52 carries it (base64), so it works through SSH and tmux and no
//! byte of a symbol can reach the terminal as a control sequence.

use base64::Engine;

use super::columns::{self, ALERTS, BURSTS, Ctx, ListColumn, QUOTES, SYMBOLS};
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
    let choice = view.columns[pane];
    let ctx = Ctx::of(data);
    // Per row: the fields that say what the row is (the burst a symbol is of, an alert's id),
    // then the values of the pane's columns shown, in its order.
    let (text, n) = match pane {
        ListPane::Quotes => {
            let rows = lists::quotes_at(data, view, &positions);
            table(&QUOTES, &[], |_| Vec::new(), &rows, &ctx, &|i| choice.shown(i))
        }
        ListPane::Bursts => {
            let rows: Vec<_> = lists::bursts_at(data, view, &positions).into_iter().map(|(_, b)| b).collect();
            table(&BURSTS, &[], |_| Vec::new(), &rows, &ctx, &|i| choice.shown(i))
        }
        ListPane::Symbols => {
            let (at, hits) = lists::hits(data, view);
            let hits = hits.ok()?;
            let at = at.map(|t| t.to_string()).unwrap_or_default();
            let rows: Vec<_> = positions.iter().filter_map(|&p| hits.get(p).cloned()).collect();
            table(&SYMBOLS, &["burst_time"], |_| vec![at.clone()], &rows, &ctx, &|i| choice.shown(i))
        }
        ListPane::Alerts => {
            let log = data.shown_alerts();
            let rows: Vec<_> =
                lists::alerts_at(data, view, &positions).into_iter().filter_map(|i| log.get(i).cloned()).collect();
            table(&ALERTS, &["id"], |a| vec![a.id()], &rows, &ctx, &|i| choice.shown(i))
        }
    };
    if n == 0 {
        return None;
    }
    let name = columns::pane_title(pane);
    let what = if n == 1 { format!("1 row of {name}") } else { format!("{n} rows of {name}") };
    Some((text, what))
}

/// The header line and a line per row (in the list's order, top first: the sort chosen, `r`
/// turning it round, is the copy's), of the columns `shown`; and how many rows.
pub fn table<R, S>(
    cols: &[ListColumn<R, S>],
    lead: &[&str],
    lead_values: impl Fn(&R) -> Vec<String>,
    rows: &[R],
    ctx: &Ctx<'_>,
    shown: &dyn Fn(usize) -> bool,
) -> (String, usize) {
    let shown = || cols.iter().enumerate().filter(|(i, _)| shown(*i)).map(|(_, c)| c);
    let line = |fields: Vec<String>| fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",") + "\n";
    let header = lead.iter().map(|s| s.to_string()).chain(shown().flat_map(|c| c.csv.iter().map(|s| s.to_string())));
    let mut text = line(header.collect());
    for r in rows {
        text.push_str(&line(lead_values(r).into_iter().chain(shown().flat_map(|c| (c.values)(r, ctx))).collect()));
    }
    (text, rows.len())
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
