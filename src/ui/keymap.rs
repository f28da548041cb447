//! Every key, in one list: the help overlay shows it, `update.rs` acts on it.

pub struct KeyHelp {
    pub keys: &'static str,
    pub does: &'static str,
}

const fn k(keys: &'static str, does: &'static str) -> KeyHelp {
    KeyHelp { keys, does }
}

pub const SECTIONS: &[(&str, &[KeyHelp])] = &[
    (
        "Move",
        &[
            k("Tab / Shift-Tab", "next / previous pane"),
            k("h l  ← →", "pane to the left / right"),
            k("k j  ↑ ↓", "newer / older row"),
            k("PgUp PgDn", "a page newer / older"),
            k("Home g / End G", "newest / oldest row"),
            k("Enter", "drill in: burst → its symbols, symbol → its day, alert → its row"),
            k("Esc", "back: close the view, clear the filter"),
        ],
    ),
    (
        "Watch",
        &[
            k("/", "filter every pane by symbol (SPY, or BR* for a prefix)"),
            k("f", "autosnap on/off in this pane (follow the newest row)"),
            k("p", "pause the screen (data keeps arriving)"),
            k("s", "High Quote Counts: newest first / largest first"),
            k("n", "Buy vs Sell Progs: two lines / Buys − Sells"),
            k("[ ]", "S2 / S1: narrower / wider window"),
            k("z  + -", "chart in focus: SmartScale / a hard max, and the max up / down"),
            k("d", "pick a day of the archive (history)"),
            k("m", "malformed rows (file:line: reason)"),
        ],
    ),
    (
        "Alerts",
        &[
            k("t", "threshold editor: change, add, delete, save rules"),
            k("b", "terminal bell on new alerts on/off"),
            k("o", "alert sinks (log, command, MQTT, webhooks): their state"),
        ],
    ),
    ("ki2", &[k("?", "this help"), k("q  Ctrl-C", "quit")]),
];

pub const EDITOR_KEYS: &[KeyHelp] = &[
    k("↑ ↓  ← →", "rule / column"),
    k("+ -", "step the value"),
    k("0-9", "type a value, Enter to apply"),
    k("Enter", "edit the cell: pick from a list, type, toggle"),
    k("Space", "enable / disable"),
    k("a", "add a rule"),
    k("x", "delete (press twice)"),
    k("s", "save to the rules file"),
    k("Esc", "close (changes stay in effect)"),
    k("q", "quit (asks first while edits are unsaved)"),
];
