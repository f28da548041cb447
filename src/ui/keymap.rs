//! Every key, in one table: each binding's key with its modifiers, the action it stands for and
//! the help text. `update.rs` looks keys up here (a Ctrl-letter is not the letter), the help
//! screen is drawn from here, and `[keys]` in config.toml rebinds actions by name.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks of the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    NextPane,
    PrevPane,
    PaneLeft,
    PaneRight,
    Newer,
    Older,
    PageNewer,
    PageOlder,
    Newest,
    Oldest,
    Enter,
    Back,
    Filter,
    Follow,
    Pause,
    SortQuotes,
    SortNext,
    SortPrev,
    SortReverse,
    Columns,
    Net,
    Scale,
    ScaleUp,
    ScaleDown,
    Narrower,
    Wider,
    Days,
    Baskets,
    Edges,
    Malformed,
    Rules,
    Bell,
    Sinks,
    Copy,
    CopyTable,
    Help,
    Message,
    Quit,
    // The threshold editor's own (`Mode::Editor`).
    StepUp,
    StepDown,
    ToggleRule,
    AddRule,
    DeleteRule,
    SaveRules,
    // The column chooser's own (`Mode::Chooser`).
    ToggleColumn,
}

/// Where a binding holds. A view open on top takes the keys of its own mode first and hands
/// the rest to the screen's, so that `q`, `?` and the moving keys mean the same everywhere;
/// a view may also read a screen action its own way (in the editor `h` `l` move between
/// columns, in a symbol's view `[` `]` mean fewer / more days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Screen,
    /// The threshold editor (`t`).
    Editor,
    /// The column chooser (`C`).
    Chooser,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Screen => "the screen",
            Mode::Editor => "the threshold editor",
            Mode::Chooser => "the column chooser",
        }
    }

    /// The screen's actions a view must leave reachable: a key of the view's own cannot shadow
    /// them (`[keys] quit = "x"` would make `x` quit on the screen and delete a rule in the
    /// editor).
    fn keeps(self) -> &'static [Action] {
        match self {
            Mode::Screen => &[],
            Mode::Editor => &[
                Action::Quit,
                Action::Help,
                Action::Back,
                Action::Rules,
                Action::Enter,
                Action::Newer,
                Action::Older,
                Action::PaneLeft,
                Action::PaneRight,
                Action::PrevPane,
                Action::NextPane,
            ],
            Mode::Chooser => &[
                Action::Quit,
                Action::Help,
                Action::Back,
                Action::Columns,
                Action::Enter,
                Action::Newer,
                Action::Older,
                Action::Newest,
                Action::Oldest,
                Action::PageNewer,
                Action::PageOlder,
            ],
        }
    }
}

/// A key with its modifiers, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::NONE }
    }

    const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
    }

    /// The key as a binding compares it: Shift is part of a character (`G`) or of `BackTab`,
    /// not a modifier of its own.
    pub fn of(event: KeyEvent) -> Key {
        let mut mods = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        let code = match event.code {
            // Terminals send Ctrl-letters as the lower-case letter with Control.
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => KeyCode::Char(c.to_ascii_lowercase()),
            c => c,
        };
        Key { code, mods }
    }

    /// `q`, `G`, `ctrl+d`, `shift+tab`, `enter`, `pgup`, `f5`: as in config.toml.
    pub fn parse(text: &str) -> Option<Key> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl+") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt+") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift+") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= m;
            rest = &rest[len..];
        }
        let named = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => Some(KeyCode::Enter),
            "esc" | "escape" => Some(KeyCode::Esc),
            "tab" if mods.contains(KeyModifiers::SHIFT) => Some(KeyCode::BackTab),
            "tab" => Some(KeyCode::Tab),
            "backtab" => Some(KeyCode::BackTab),
            "space" => Some(KeyCode::Char(' ')),
            "up" => Some(KeyCode::Up),
            "down" => Some(KeyCode::Down),
            "left" => Some(KeyCode::Left),
            "right" => Some(KeyCode::Right),
            "pgup" | "pageup" => Some(KeyCode::PageUp),
            "pgdn" | "pagedown" => Some(KeyCode::PageDown),
            "home" => Some(KeyCode::Home),
            "end" => Some(KeyCode::End),
            "backspace" => Some(KeyCode::Backspace),
            "delete" | "del" => Some(KeyCode::Delete),
            f if f.len() >= 2 && f.starts_with('f') => {
                f[1..].parse().ok().filter(|n| (1..=12).contains(n)).map(KeyCode::F)
            }
            _ => None,
        };
        let code = match named {
            Some(c) => c,
            None => {
                let mut chars = rest.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else { return None };
                KeyCode::Char(c)
            }
        };
        Some(Key::of(KeyEvent::new(code, mods)))
    }

    /// As the help screen writes it.
    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt-");
        }
        s + &base
    }
}

/// One action in the table: where it holds, its name in config.toml, where the help lists it,
/// what it does, and its keys unless the config says otherwise.
pub struct Entry {
    pub mode: Mode,
    pub action: Action,
    pub name: &'static str,
    pub section: &'static str,
    pub does: &'static str,
    pub keys: &'static [Key],
}

use KeyCode::*;

const fn c(ch: char) -> Key {
    Key::plain(Char(ch))
}

const fn p(code: KeyCode) -> Key {
    Key::plain(code)
}

const fn e(
    action: Action,
    name: &'static str,
    section: &'static str,
    does: &'static str,
    keys: &'static [Key],
) -> Entry {
    Entry { mode: Mode::Screen, action, name, section, does, keys }
}

const fn in_mode(mode: Mode, action: Action, name: &'static str, does: &'static str, keys: &'static [Key]) -> Entry {
    let section = match mode {
        Mode::Chooser => "Columns",
        _ => "Threshold editor",
    };
    Entry { mode, action, name, section, does, keys }
}

pub const TABLE: &[Entry] = &[
    e(Action::NextPane, "next_pane", "Move", "next pane", &[p(Tab)]),
    e(Action::PrevPane, "prev_pane", "Move", "previous pane", &[p(BackTab)]),
    e(Action::PaneLeft, "pane_left", "Move", "pane to the left", &[c('h'), p(Left)]),
    e(Action::PaneRight, "pane_right", "Move", "pane to the right", &[c('l'), p(Right)]),
    e(Action::Newer, "newer", "Move", "newer row", &[c('k'), p(Up)]),
    e(Action::Older, "older", "Move", "older row", &[c('j'), p(Down)]),
    e(Action::PageNewer, "page_newer", "Move", "a page newer", &[p(PageUp)]),
    e(Action::PageOlder, "page_older", "Move", "a page older", &[p(PageDown)]),
    e(Action::Newest, "newest", "Move", "newest row (autosnap on again)", &[p(Home), c('g')]),
    e(Action::Oldest, "oldest", "Move", "oldest row", &[p(End), c('G')]),
    e(Action::Enter, "enter", "Move", "drill in: burst → its symbols, symbol → its day, alert → its row", &[p(Enter)]),
    e(Action::Back, "back", "Move", "back: to the view before, clear the filter", &[p(Esc), p(Backspace)]),
    e(Action::Filter, "filter", "Watch", "filter every pane by symbol (SPY, or BR* for a prefix)", &[c('/')]),
    e(Action::Follow, "follow", "Watch", "autosnap on/off in this pane (follow the newest row)", &[c('f')]),
    e(Action::Pause, "pause", "Watch", "pause the screen (data keeps arriving)", &[c('p')]),
    e(Action::SortQuotes, "sort_quotes", "Watch", "High Quote Counts: newest first / largest first", &[c('s')]),
    e(Action::SortNext, "sort_next", "Watch", "sort the pane in focus by the next column (its header: ↓ ↑)", &[c('>')]),
    e(Action::SortPrev, "sort_prev", "Watch", "sort the pane in focus by the previous column", &[c('<')]),
    e(Action::SortReverse, "sort_reverse", "Watch", "reverse the sort of the pane in focus", &[c('r')]),
    e(Action::Columns, "columns", "Watch", "columns of the pane in focus: show / hide them (kept)", &[c('C')]),
    e(Action::Net, "net", "Watch", "Buy vs Sell Progs: two lines / Buys − Sells", &[c('n')]),
    e(Action::Narrower, "narrower", "Watch", "S2 / S1: narrower window", &[c('[')]),
    e(Action::Wider, "wider", "Watch", "S2 / S1: wider window", &[c(']')]),
    e(Action::Scale, "scale", "Watch", "chart in focus: SmartScale / a hard max", &[c('z')]),
    e(Action::ScaleUp, "scale_up", "Watch", "chart in focus: hard max up", &[c('+'), c('=')]),
    e(Action::ScaleDown, "scale_down", "Watch", "chart in focus: hard max down", &[c('-')]),
    e(Action::Days, "days", "Watch", "pick a day of the archive (history)", &[c('d')]),
    e(Action::Baskets, "baskets", "Watch", "recurring baskets across days: Enter a basket's detail", &[c('B')]),
    e(Action::Edges, "edges", "Watch", "Edges: the event study over past days (Enter: its path)", &[c('E')]),
    e(Action::Malformed, "malformed", "Watch", "malformed rows (file:line: reason)", &[c('m')]),
    e(Action::Copy, "copy", "Watch", "copy the selected row (CSV with a header) to the clipboard", &[c('y')]),
    e(Action::CopyTable, "copy_table", "Watch", "copy the rows shown in the pane", &[c('Y')]),
    e(Action::Rules, "rules", "Alerts", "threshold editor, docked: change, add, delete, save rules", &[c('t')]),
    e(Action::Bell, "bell", "Alerts", "terminal bell on new alerts on/off", &[c('b')]),
    e(Action::Sinks, "sinks", "Alerts", "alert sinks (log, command, MQTT, webhooks): their state", &[c('o')]),
    e(Action::Help, "help", "ki2", "this help", &[c('?')]),
    e(Action::Message, "message", "ki2", "the last message in full (the status line cuts a long one)", &[c('e')]),
    e(Action::Quit, "quit", "ki2", "quit (asks first while rule edits are unsaved)", &[c('q'), Key::ctrl('c')]),
    in_mode(Mode::Editor, Action::StepUp, "step_up", "step the value up", &[c('+'), c('=')]),
    in_mode(Mode::Editor, Action::StepDown, "step_down", "step the value down", &[c('-'), c('_')]),
    in_mode(Mode::Editor, Action::ToggleRule, "toggle_rule", "enable / disable", &[c(' ')]),
    in_mode(Mode::Editor, Action::AddRule, "add_rule", "add a rule", &[c('a')]),
    in_mode(Mode::Editor, Action::DeleteRule, "delete_rule", "delete (press twice)", &[c('x'), p(Delete)]),
    in_mode(Mode::Editor, Action::SaveRules, "save_rules", "save to the rules file", &[c('s')]),
    in_mode(Mode::Chooser, Action::ToggleColumn, "toggle_column", "show / hide the column", &[c(' ')]),
];

/// The sections of the help, in order.
pub const SECTIONS: [&str; 4] = ["Move", "Watch", "Alerts", "ki2"];

/// The bindings in effect: the table's, with `[keys]` from config.toml on top.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap { bindings: TABLE.iter().flat_map(|e| e.keys.iter().map(|k| (*k, e.action))).collect() }
    }
}

/// A rebinding from config.toml: the action's name, its keys, and where it was written.
pub use crate::config::KeyBinding as Rebind;

impl Keymap {
    /// The table with these actions bound to these keys instead. An unknown action or key, or
    /// a key bound to two actions, is an error naming where it was written.
    pub fn with(rebinds: &[Rebind]) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for r in rebinds {
            let Some(entry) = TABLE.iter().find(|e| e.name == r.action) else {
                let names: Vec<&str> = TABLE.iter().map(|e| e.name).collect();
                return Err(format!("{}: keys.{}: no such action (one of: {})", r.at, r.action, names.join(", ")));
            };
            let mut keys = Vec::new();
            for text in &r.keys {
                let key = Key::parse(text).ok_or_else(|| {
                    format!("{}: keys.{} = {text:?}: not a key (\"q\", \"ctrl+d\", \"pgup\", \"f5\")", r.at, r.action)
                })?;
                keys.push(key);
            }
            // Quitting and the help must stay reachable: they cannot be left without a key.
            if keys.is_empty() && matches!(entry.action, Action::Quit | Action::Help) {
                return Err(format!("{}: keys.{} = []: {} needs at least one key", r.at, r.action, r.action));
            }
            map.bindings.retain(|(_, a)| *a != entry.action);
            map.bindings.extend(keys.into_iter().map(|k| (k, entry.action)));
        }
        let at = rebinds.first().map_or("config", |r| r.at.as_str());
        for (i, (k, a)) in map.bindings.iter().enumerate() {
            let clash = map.bindings[i + 1..].iter().find(|(k2, b)| k2 == k && b != a && mode(*b) == mode(*a));
            if let Some((_, b)) = clash {
                return Err(format!("{at}: [keys]: {} is bound to both {} and {}", k.label(), name(*a), name(*b)));
            }
            // A view's own key may stand for a screen action elsewhere (`s` sorts, and saves in
            // the editor), but not for one the view must leave reachable.
            let m = mode(*a);
            if let Some((_, b)) = map.bindings.iter().find(|(k2, b)| k2 == k && m.keeps().contains(b)) {
                return Err(format!(
                    "{at}: [keys]: {} is bound to both {} and {} (in {}, which needs {} too)",
                    k.label(),
                    name(*b),
                    name(*a),
                    m.name(),
                    name(*b)
                ));
            }
        }
        Ok(map)
    }

    /// The screen's action for a key.
    pub fn action(&self, event: KeyEvent) -> Option<Action> {
        self.action_in(Mode::Screen, event)
    }

    /// The action for a key in a view: the view's own first, then the screen's.
    pub fn action_in(&self, m: Mode, event: KeyEvent) -> Option<Action> {
        let key = Key::of(event);
        let of = |want: Mode| self.bindings.iter().find(|(k, a)| *k == key && mode(*a) == want).map(|(_, a)| *a);
        (m != Mode::Screen).then(|| of(m)).flatten().or_else(|| of(Mode::Screen))
    }

    /// The key a hint on screen names for an action (`d opens it again`): its first binding,
    /// or its name in brackets when `[keys]` left it none.
    pub fn hint(&self, action: Action) -> String {
        match self.bindings.iter().find(|(_, a)| *a == action) {
            Some((k, _)) => k.label(),
            None => format!("[{}]", name(action)),
        }
    }

    /// The key an action is drawn with in a line of key hints: its first binding that is not a
    /// letter (`↑` rather than `k`, where both move), else its first.
    pub fn glyph(&self, action: Action) -> String {
        let mut keys = self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| *k);
        let first = keys.clone().next();
        match keys.find(|k| !matches!(k.code, KeyCode::Char(c) if c.is_alphanumeric())).or(first) {
            Some(k) => k.label(),
            None => format!("[{}]", name(action)),
        }
    }

    /// The keys of an action, as the help shows them (`k  ↑`).
    pub fn keys_of(&self, action: Action) -> String {
        let keys: Vec<String> = self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| k.label()).collect();
        keys.join("  ")
    }
}

fn name(a: Action) -> &'static str {
    TABLE.iter().find(|e| e.action == a).map_or("?", |e| e.name)
}

fn mode(a: Action) -> Mode {
    TABLE.iter().find(|e| e.action == a).map_or(Mode::Screen, |e| e.mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn a_ctrl_letter_is_not_the_letter() {
        let m = Keymap::default();
        assert_eq!(m.action(ev(Char('d'), KeyModifiers::NONE)), Some(Action::Days));
        assert_eq!(m.action(ev(Char('d'), KeyModifiers::CONTROL)), None);
        assert_eq!(m.action(ev(Char('z'), KeyModifiers::CONTROL)), None);
        assert_eq!(m.action(ev(Char('s'), KeyModifiers::CONTROL)), None);
        assert_eq!(m.action(ev(Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        // Shift is in the character: `G` as terminals send it.
        assert_eq!(m.action(ev(Char('G'), KeyModifiers::SHIFT)), Some(Action::Oldest));
        assert_eq!(m.action(ev(BackTab, KeyModifiers::SHIFT)), Some(Action::PrevPane));
    }

    #[test]
    fn a_view_takes_its_own_keys_first_and_hands_on_the_rest() -> Result<(), String> {
        let m = Keymap::default();
        let key = |ch| ev(Char(ch), KeyModifiers::NONE);
        assert_eq!(m.action(key('s')), Some(Action::SortQuotes));
        assert_eq!(m.action_in(Mode::Editor, key('s')), Some(Action::SaveRules));
        assert_eq!(m.action_in(Mode::Chooser, key('s')), Some(Action::SortQuotes));
        assert_eq!(m.action(key(' ')), None);
        assert_eq!(m.action_in(Mode::Editor, key(' ')), Some(Action::ToggleRule));
        assert_eq!(m.action_in(Mode::Chooser, key(' ')), Some(Action::ToggleColumn));
        assert_eq!(m.action_in(Mode::Editor, key('q')), Some(Action::Quit));
        assert_eq!(m.action_in(Mode::Editor, ev(Backspace, KeyModifiers::NONE)), Some(Action::Back));
        // An editor key may be a screen key the editor does not need: `d` deletes there.
        let m = Keymap::with(&[Rebind { action: "delete_rule".into(), keys: vec!["d".into()], at: "line 2".into() }])?;
        assert_eq!(m.action_in(Mode::Editor, key('d')), Some(Action::DeleteRule));
        assert_eq!(m.action(key('d')), Some(Action::Days));
        assert_eq!(m.action_in(Mode::Editor, key('x')), None);
        assert_eq!(m.hint(Action::DeleteRule), "d");
        Ok(())
    }

    #[test]
    fn config_rebinds_by_name_and_names_the_line_of_a_mistake() -> Result<(), String> {
        let r = |action: &str, keys: &[&str]| Rebind {
            action: action.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            at: "line 3, column 1".into(),
        };
        let m = Keymap::with(&[r("pause", &["space", "ctrl+p"])])?;
        assert_eq!(m.action(ev(Char(' '), KeyModifiers::NONE)), Some(Action::Pause));
        assert_eq!(m.action(ev(Char('p'), KeyModifiers::CONTROL)), Some(Action::Pause));
        assert_eq!(m.action(ev(Char('p'), KeyModifiers::NONE)), None);
        assert_eq!(m.keys_of(Action::Pause), "Space  Ctrl-p");
        let err = Keymap::with(&[r("pauze", &["x"])]).err().ok_or("accepted")?;
        assert!(err.starts_with("line 3, column 1: keys.pauze: no such action"), "{err}");
        let err = Keymap::with(&[r("pause", &["ctrl+"])]).err().ok_or("accepted")?;
        assert!(err.contains("not a key"), "{err}");
        let err = Keymap::with(&[r("pause", &["q"])]).err().ok_or("accepted")?;
        assert!(err.contains("q is bound to both"), "{err}");
        let err = Keymap::with(&[r("quit", &[])]).err().ok_or("quit unbound")?;
        assert_eq!(err, "line 3, column 1: keys.quit = []: quit needs at least one key");
        assert!(Keymap::with(&[r("help", &[])]).is_err(), "help unbound");
        let m = Keymap::with(&[r("quit", &["Q"]), r("help", &["f1"]), r("days", &[])])?;
        assert_eq!(
            (m.hint(Action::Quit), m.hint(Action::Help), m.hint(Action::Days)),
            ("Q".into(), "F1".into(), "[days]".into())
        );
        let err = Keymap::with(&[r("quit", &["x"])]).err().ok_or("x quits and deletes")?;
        assert_eq!(
            err,
            "line 3, column 1: [keys]: x is bound to both quit and delete_rule (in the threshold editor, which needs quit too)"
        );
        // Every screen action a view uses stays reachable in it: Tab moves between the editor's
        // cells, End goes to the chooser's last column.
        let err = Keymap::with(&[r("next_pane", &["tab", "a"])]).err().ok_or("a moves and adds")?;
        assert!(
            err.ends_with(
                "a is bound to both next_pane and add_rule (in the threshold editor, which needs next_pane too)"
            ),
            "{err}"
        );
        let err = Keymap::with(&[r("oldest", &["end", "space"])]).err().ok_or("space moves and toggles")?;
        assert!(err.contains("Space is bound to both oldest and toggle_column"), "{err}");
        assert_eq!(Key::parse("shift+tab"), Some(Key::plain(BackTab)));
        assert_eq!(Key::parse("F5"), Some(Key::plain(F(5))));
        Ok(())
    }
}
