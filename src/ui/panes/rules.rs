//! The threshold editor (`t`): the rules in a table, edited with the keyboard. Every change
//! takes effect at once (highlights, alerts); `s` saves the file.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState};

use crate::alerts::{Field, FieldType, Op, Rule, RuleSet, Source, Value};
use crate::archive::{Grade, ProgType};
use crate::ui::keymap::{Action, Keymap};
use crate::ui::lists::CatchView;
use crate::ui::text;
use crate::ui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Enabled,
    Name,
    Source,
    Field,
    Op,
    Value,
    Symbols,
    Cooldown,
}

const COLS: [Col; 8] =
    [Col::Enabled, Col::Name, Col::Source, Col::Field, Col::Op, Col::Value, Col::Symbols, Col::Cooldown];

impl Col {
    fn title(self) -> &'static str {
        match self {
            Col::Enabled => "On",
            Col::Name => "Name",
            Col::Source => "Source",
            Col::Field => "Field",
            Col::Op => "Op",
            Col::Value => "Value",
            Col::Symbols => "Symbols",
            Col::Cooldown => "Cooldown s",
        }
    }
}

/// Text being typed into a cell.
#[derive(Debug, Clone)]
pub struct Input {
    pub col: Col,
    pub text: String,
}

/// A choice from a list (source, field, op).
#[derive(Debug, Clone)]
pub struct Picker {
    pub col: Col,
    pub options: Vec<&'static str>,
    pub sel: usize,
}

#[derive(Debug, Clone)]
pub struct RulesEditor {
    pub row: usize,
    pub col: usize,
    pub input: Option<Input>,
    pub picker: Option<Picker>,
    pub confirm_delete: bool,
    /// Changed since the last save.
    pub dirty: bool,
    /// The selected rule (by row) and its value before this edit, for "+N / −N".
    pub baseline: Option<(usize, Value)>,
}

/// What a key did in the editor.
pub enum Outcome {
    Nothing,
    Changed(RuleSet),
    Save,
    Close,
    /// Not a key of the editor's: the screen behind it takes it (`p`, `/`, `d`...).
    Pass,
    /// Something typed or asked for that cannot be done.
    Error(String),
    /// A question to the user (press x again...), shown but not as an error.
    Prompt(String),
}

impl Default for RulesEditor {
    fn default() -> Self {
        RulesEditor { row: 0, col: 5, input: None, picker: None, confirm_delete: false, dirty: false, baseline: None }
    }
}

impl RulesEditor {
    fn column(&self) -> Col {
        COLS[self.col.min(COLS.len() - 1)]
    }

    /// A key in the editor: `action` is what the key table makes of it here (the editor's own
    /// actions first, then the screen's). Quitting is the screen's: it asks first while edits
    /// are unsaved, wherever it is pressed.
    pub fn key(&mut self, rules: &RuleSet, key: KeyEvent, action: Option<Action>, keys: &Keymap) -> Outcome {
        if self.input.is_some() {
            return self.typing(rules, key);
        }
        if self.picker.is_some() {
            return self.picking(rules, action);
        }
        let confirm = std::mem::take(&mut self.confirm_delete);
        let n = rules.len();
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        match (action, key.code) {
            (Some(Action::Back | Action::Rules), _) => Outcome::Close,
            (Some(Action::Newer), _) => {
                self.row = self.row.saturating_sub(1);
                Outcome::Nothing
            }
            (Some(Action::Older), _) => {
                self.row = (self.row + 1).min(n.saturating_sub(1));
                Outcome::Nothing
            }
            (Some(Action::PaneLeft | Action::PrevPane), _) => {
                self.col = self.col.saturating_sub(1);
                Outcome::Nothing
            }
            (Some(Action::PaneRight | Action::NextPane), _) => {
                self.col = (self.col + 1).min(COLS.len() - 1);
                Outcome::Nothing
            }
            (Some(Action::StepUp), _) => self.edit(rules, |r| r.step(true)),
            (Some(Action::StepDown), _) => self.edit(rules, |r| r.step(false)),
            (Some(Action::ToggleRule), _) => self.edit(rules, |r| r.enabled = !r.enabled),
            (Some(Action::AddRule), _) => self.add(rules),
            (Some(Action::DeleteRule), _) => {
                if n == 0 {
                    Outcome::Nothing
                } else if confirm {
                    let mut r = rules.clone();
                    r.remove(self.row.min(n - 1));
                    self.row = self.row.min(r.len().saturating_sub(1));
                    self.dirty = true;
                    Outcome::Changed(r)
                } else {
                    self.confirm_delete = true;
                    Outcome::Prompt(format!("press {} again to delete this rule", keys.hint(Action::DeleteRule)))
                }
            }
            (Some(Action::SaveRules), _) => Outcome::Save,
            (Some(Action::Enter), _) => self.enter(rules),
            // A digit starts typing a value, unless the key table gave it to an action.
            (None, KeyCode::Char(c)) if plain && (c.is_ascii_digit() || c == '.') => {
                self.col = 5;
                self.input = Some(Input { col: Col::Value, text: c.to_string() });
                Outcome::Nothing
            }
            _ => Outcome::Pass,
        }
    }

    fn current<'a>(&self, rules: &'a RuleSet) -> Option<&'a Rule> {
        rules.rules().get(self.row)
    }

    fn enter(&mut self, rules: &RuleSet) -> Outcome {
        let Some(rule) = self.current(rules) else { return Outcome::Nothing };
        let col = self.column();
        match col {
            Col::Enabled => self.edit(rules, |r| r.enabled = !r.enabled),
            Col::Name => self.type_in(col, rule.name.clone()),
            Col::Symbols => self.type_in(col, rule.symbols.join(",")),
            Col::Cooldown => self.type_in(col, rule.cooldown_s.to_string()),
            Col::Value => match rule.field.field_type() {
                FieldType::Count | FieldType::Amount | FieldType::Score | FieldType::Share => {
                    self.type_in(col, rule.value.to_string())
                }
                _ => self.edit(rules, |r| r.step(true)),
            },
            Col::Source => self.pick(col, Source::ALL.iter().map(|s| s.name()).collect(), rule.source.name()),
            Col::Field => self.pick(col, rule.source.fields().iter().map(|f| f.name()).collect(), rule.field.name()),
            Col::Op => self.pick(col, rule.field.ops().iter().map(|o| o.symbol()).collect(), rule.op.symbol()),
        }
    }

    fn type_in(&mut self, col: Col, text: String) -> Outcome {
        self.input = Some(Input { col, text });
        Outcome::Nothing
    }

    fn pick(&mut self, col: Col, options: Vec<&'static str>, now: &str) -> Outcome {
        let sel = options.iter().position(|o| *o == now).unwrap_or(0);
        self.picker = Some(Picker { col, options, sel });
        Outcome::Nothing
    }

    fn typing(&mut self, rules: &RuleSet, key: KeyEvent) -> Outcome {
        let Some(input) = self.input.as_mut() else { return Outcome::Nothing };
        match key.code {
            KeyCode::Esc => {
                self.input = None;
                Outcome::Nothing
            }
            KeyCode::Backspace => {
                input.text.pop();
                Outcome::Nothing
            }
            KeyCode::Char(c) if !c.is_control() && input.text.chars().count() < 200 => {
                input.text.push(c);
                Outcome::Nothing
            }
            KeyCode::Enter => {
                let Input { col, text } = self.input.take().unwrap_or(Input { col: Col::Name, text: String::new() });
                let text = text.trim().to_owned();
                match col {
                    Col::Name => self.edit(rules, |r| r.name = text),
                    Col::Symbols => self.edit(rules, |r| {
                        r.symbols =
                            text.split([',', ' ']).filter(|s| !s.is_empty()).map(|s| s.trim().to_uppercase()).collect();
                    }),
                    Col::Cooldown => match text.parse::<u32>() {
                        Ok(v) => self.edit(rules, |r| r.cooldown_s = v),
                        Err(_) => Outcome::Error(format!("cooldown: {:?} is not a number of seconds", text)),
                    },
                    _ => match parse_value(rules.rules().get(self.row).map(|r| r.field), &text) {
                        Some(Value::Count(n)) if n > u64::from(u32::MAX) => Outcome::Error(format!(
                            "value: {n} is out of range: the files' counts go up to {}",
                            text::thousands(u64::from(u32::MAX))
                        )),
                        Some(v) => self.edit(rules, |r| r.value = v),
                        None => Outcome::Error(format!("value: {:?} does not fit this field", text)),
                    },
                }
            }
            _ => Outcome::Nothing,
        }
    }

    fn picking(&mut self, rules: &RuleSet, action: Option<Action>) -> Outcome {
        let Some(p) = self.picker.as_mut() else { return Outcome::Nothing };
        match action {
            Some(Action::Back) => {
                self.picker = None;
                Outcome::Nothing
            }
            Some(Action::Newer) => {
                p.sel = p.sel.saturating_sub(1);
                Outcome::Nothing
            }
            Some(Action::Older) => {
                p.sel = (p.sel + 1).min(p.options.len().saturating_sub(1));
                Outcome::Nothing
            }
            Some(Action::Enter) => {
                let Some(p) = self.picker.take() else { return Outcome::Nothing };
                let Some(choice) = p.options.get(p.sel).copied() else { return Outcome::Nothing };
                match p.col {
                    Col::Source => match Source::parse(choice) {
                        Some(s) => self.edit(rules, |r| set_source(r, s)),
                        None => Outcome::Nothing,
                    },
                    Col::Field => match Field::parse(choice) {
                        Some(f) => self.edit(rules, |r| set_field(r, f)),
                        None => Outcome::Nothing,
                    },
                    _ => match Op::parse(choice) {
                        Some(op) => self.edit(rules, |r| r.op = op),
                        None => Outcome::Nothing,
                    },
                }
            }
            _ => Outcome::Nothing,
        }
    }

    fn add(&mut self, rules: &RuleSet) -> Outcome {
        let mut r = rules.clone();
        let name = (1..).map(|i| format!("rule-{i}")).find(|n| rules.get(n).is_none()).unwrap_or_default();
        let rule = Rule::new(&name, Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(2000));
        match r.push(rule) {
            Ok(()) => {
                self.row = r.len() - 1;
                self.col = 1;
                self.dirty = true;
                Outcome::Changed(r)
            }
            Err(e) => Outcome::Error(e),
        }
    }

    /// Applies an edit to the selected rule if the result is a valid rule set.
    fn edit(&mut self, rules: &RuleSet, f: impl FnOnce(&mut Rule)) -> Outcome {
        if rules.is_empty() {
            return Outcome::Prompt("no rules: a adds one".into());
        }
        let mut r = rules.clone();
        match r.update(self.row.min(rules.len() - 1), f) {
            Ok(()) => {
                self.dirty = true;
                Outcome::Changed(r)
            }
            Err(e) => Outcome::Error(e),
        }
    }
}

/// A new source keeps the rule valid: its first field, an op and a value that fit.
fn set_source(r: &mut Rule, s: Source) {
    if r.source == s {
        return;
    }
    r.source = s;
    if !s.has_symbol() {
        r.symbols.clear();
    }
    let field = if s.fields().contains(&r.field) { r.field } else { s.fields()[0] };
    set_field(r, field);
}

fn set_field(r: &mut Rule, f: Field) {
    r.field = f;
    if !f.ops().contains(&r.op) {
        r.op = f.ops()[0];
    }
    if !r.value.fits(f) {
        r.value = Value::default_for(f);
    }
}

fn parse_value(field: Option<Field>, text: &str) -> Option<Value> {
    let field = field?;
    let plain: String = text.chars().filter(|c| !matches!(c, ',' | '_' | '$')).collect();
    let v = match field.field_type() {
        FieldType::Count => Value::Count(plain.parse().ok()?),
        kind @ (FieldType::Amount | FieldType::Score | FieldType::Share) => {
            Value::Amount(plain.parse::<f64>().ok().filter(|v| crate::alerts::rules::amount_fits(*v, kind))?)
        }
        FieldType::Grade => Value::Grade(Grade::parse_label(&plain.to_uppercase())?),
        FieldType::ProgType => Value::ProgType(ProgType::parse_label(&plain.to_uppercase())?),
        FieldType::Background => Value::Background(crate::alerts::rules::parse_background(&plain)?),
    };
    Some(v)
}

pub fn draw(
    ed: &RulesEditor,
    rules: &RuleSet,
    catch: Option<&CatchView>,
    keys: &Keymap,
    theme: Theme,
    f: &mut Frame,
    area: Rect,
) {
    f.render_widget(Clear, area);
    let dirty = if ed.dirty { " (not saved: s saves)" } else { "" };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::styled(format!(" Thresholds{dirty} "), theme.title(true)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    // What the value catches: beside the table on a wide screen, under it on a narrow one.
    let side = inner.width >= 120;
    let (inner, catch_area) = if side {
        let [l, r] = Layout::horizontal([Constraint::Min(70), Constraint::Length(48)]).areas(inner);
        (l, r)
    } else {
        let [t, b] = Layout::vertical([Constraint::Min(3), Constraint::Length(2)]).areas(inner);
        (t, b)
    };
    if let Some(c) = catch {
        let catch_area = if side {
            let b = Block::default().borders(Borders::LEFT).border_style(theme.border(false));
            let r = b.inner(catch_area);
            f.render_widget(b, catch_area);
            r
        } else {
            catch_area
        };
        draw_catch(c, theme, f, catch_area);
    }
    // The key line gives way first when the dock is low (`?` lists them all).
    let keys_h = u16::from(inner.height >= 6);
    let [table_area, input_area, keys_area] =
        Layout::vertical([Constraint::Min(2), Constraint::Length(1), Constraint::Length(keys_h)]).areas(inner);
    // As the update step keeps it.
    let row = ed.row.min(rules.len().saturating_sub(1));
    let header = Row::new(COLS.iter().map(|c| Cell::from(c.title()))).style(theme.header());
    let rows = rules.rules().iter().enumerate().map(|(i, r)| {
        let cells = COLS.iter().enumerate().map(|(j, c)| {
            let value = match c {
                Col::Enabled => (if r.enabled { "[x]" } else { "[ ]" }).to_string(),
                Col::Name => text::clean(&r.name, 30).into_owned(),
                Col::Source => r.source.name().to_owned(),
                Col::Field => r.field.name().to_owned(),
                Col::Op => r.op.symbol().to_owned(),
                Col::Value => r.value.to_string(),
                Col::Symbols if r.symbols.is_empty() => "all".to_owned(),
                Col::Symbols => text::clean(&r.symbols.join(","), 30).into_owned(),
                Col::Cooldown => r.cooldown_s.to_string(),
            };
            let cell = Cell::from(value);
            if i == row && j == ed.col { cell.style(theme.selected(true)) } else { cell }
        });
        let row = Row::new(cells);
        if !r.enabled { row.style(theme.dim()) } else { row }
    });
    let widths = [
        Constraint::Length(3),
        Constraint::Length(22),
        Constraint::Length(13),
        Constraint::Length(10),
        Constraint::Length(3),
        Constraint::Length(10),
        Constraint::Min(5),
        Constraint::Length(10),
    ];
    // Scrolled to the selected rule when the dock is low.
    let mut state = TableState::default().with_selected(Some(row));
    f.render_stateful_widget(
        Table::new(rows, widths).header(header).row_highlight_style(Style::default()),
        table_area,
        &mut state,
    );
    // A low dock shows a few rules at a time: say which, and that there are more (↑ ↓ reach them).
    let fits = usize::from(table_area.height.saturating_sub(1));
    if rules.len() > fits && fits > 0 {
        let first = state.offset().min(rules.len().saturating_sub(1));
        let last = (first + fits).min(rules.len());
        let arrows = match (first > 0, last < rules.len()) {
            (true, true) => "↑↓",
            (true, false) => "↑",
            _ => "↓",
        };
        let marker = format!(" rules {}–{last} of {} {arrows} ", first + 1, rules.len());
        // On the dock's bottom border, right-aligned.
        let w = (marker.chars().count() as u16).min(area.width.saturating_sub(2));
        let at = Rect::new(area.right().saturating_sub(w + 1), area.bottom().saturating_sub(1), w, 1);
        f.render_widget(Paragraph::new(Line::styled(marker, theme.key())), at);
    }
    if rules.is_empty() {
        f.render_widget(Paragraph::new("No rules: a adds one."), table_area);
    }
    if let Some(input) = &ed.input {
        let line = Line::from(vec![
            Span::styled(format!("{}: ", input.col.title()), theme.key()),
            Span::raw(text::clean(&input.text, 60).into_owned()),
            Span::styled("▏", theme.key()),
            Span::styled("  Enter applies, Esc cancels", theme.dim()),
        ]);
        f.render_widget(Paragraph::new(line), input_area);
    }
    // As many keys as fit whole: a hint cut mid-word says something else (`?` lists them all).
    let mut room = usize::from(keys_area.width);
    let hints = key_hints(keys);
    let keys: Vec<Span> = hints
        .iter()
        .map(|(keys, does)| (keys.as_str(), format!(" {does}  ")))
        .take_while(|(keys, does)| {
            let w = keys.chars().count() + does.trim_end().chars().count();
            let fits = w <= room;
            room = room.saturating_sub(w + 2);
            fits
        })
        .flat_map(|(keys, does)| [Span::styled(keys, theme.key()), Span::raw(does)])
        .collect();
    f.render_widget(Paragraph::new(Line::from(keys)), keys_area);
    if let Some(p) = &ed.picker {
        let h = (p.options.len() as u16 + 2).min(area.height);
        let w = 20.min(area.width);
        let x = area.x + (area.width.saturating_sub(w)) / 2;
        let y = area.y + (area.height.saturating_sub(h)) / 2;
        let r = Rect::new(x, y, w, h);
        f.render_widget(Clear, r);
        let items = p.options.iter().enumerate().map(|(i, o)| {
            let line = Line::from(format!(" {o} "));
            if i == p.sel { line.style(theme.selected(true)) } else { line }
        });
        let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(p.col.title());
        f.render_widget(Paragraph::new(items.collect::<Vec<_>>()).block(block), r);
    }
}

/// `today 1,234 rows (56 in 5 min) · +120 vs 2000` and the distribution, threshold marked.
fn draw_catch(c: &CatchView, theme: Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width < 20 {
        return;
    }
    let rule = Span::styled(format!("{} {} {}", text::clean(&c.rule, 20), c.op, c.value), theme.key());
    let counts = format!(
        "{} of {} rows today, {} in 5 min",
        text::thousands(c.today as u64),
        text::thousands(c.rows as u64),
        text::thousands(c.recent as u64)
    );
    let change = match c.change {
        Some((before, diff)) => {
            Span::styled(format!(" ({diff:+} vs {before})"), if diff > 0 { theme.error() } else { theme.buy() })
        }
        None => Span::raw(""),
    };
    let wide = area.height >= 4;
    let mut lines = if wide {
        vec![Line::from(rule), Line::from(vec![Span::raw(counts), change])]
    } else {
        vec![Line::from(vec![rule, Span::raw(format!(": {counts}")), change])]
    };
    let h = &c.histogram;
    let bars = h.blocks();
    let marker: String = (0..h.counts.len()).map(|i| if Some(i) == h.marker { '▲' } else { ' ' }).collect();
    let scale = if h.log { "log" } else { "lin" };
    if wide {
        lines.push(Line::from(vec![Span::styled(bars, theme.s2())]));
        lines.push(Line::from(vec![Span::styled(marker, theme.error())]));
        lines.push(Line::styled(
            format!("{} … {} ({scale} scale, counts log-scaled)", num(h.lo), num(h.hi)),
            theme.dim(),
        ));
    } else {
        // One line: the bars with the threshold's bucket shown as ▲.
        let merged: String = bars.chars().zip(marker.chars()).map(|(b, m)| if m == '▲' { '▲' } else { b }).collect();
        lines.push(Line::from(vec![
            Span::styled(merged, theme.s2()),
            Span::styled(format!(" {}…{}", num(h.lo), num(h.hi)), theme.dim()),
        ]));
    }
    if !c.days.is_empty() && area.height as usize > lines.len() {
        let days: Vec<String> = c
            .days
            .iter()
            .map(|(d, n)| {
                let md = d.to_string().get(5..).unwrap_or_default().to_owned();
                format!("{md} {}", n.map_or_else(|| "-".to_owned(), |n| text::thousands(n as u64)))
            })
            .collect();
        lines.push(Line::from(vec![Span::styled("earlier days: ", theme.dim()), Span::raw(days.join(" · "))]));
    }
    // Wrapped on words: a figure cut in half (`(-5376 vs`) reads as another figure.
    f.render_widget(Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }), area);
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { text::thousands(x as u64) } else { format!("{x:.1}") }
}

/// The editor's keys as its panel lists them, from the key table as bound (`[keys]` included).
pub fn key_hints(keys: &Keymap) -> Vec<(String, &'static str)> {
    let k = |a| keys.hint(a);
    let g = |a| keys.glyph(a);
    vec![
        (
            format!("{} {}  {} {}", g(Action::Newer), g(Action::Older), g(Action::PaneLeft), g(Action::PaneRight)),
            "rule / column",
        ),
        (format!("{} {}", k(Action::StepUp), k(Action::StepDown)), "step the value"),
        ("0-9".into(), "type a value, Enter to apply"),
        (k(Action::Enter), "edit the cell: pick from a list, type, toggle"),
        (k(Action::ToggleRule), "enable / disable"),
        (k(Action::AddRule), "add a rule"),
        (k(Action::DeleteRule), "delete (press twice)"),
        (k(Action::SaveRules), "save to the rules file"),
        (format!("{} {}", k(Action::Back), k(Action::Rules)), "close (changes stay in effect)"),
        (k(Action::Quit), "quit (asks first while edits are unsaved)"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KeyBinding;

    #[test]
    fn the_panel_names_the_keys_as_bound() -> Result<(), String> {
        let hints = key_hints(&Keymap::default());
        assert_eq!(hints[0], ("↑ ↓  ← →".to_owned(), "rule / column"));
        assert_eq!(hints[6], ("x".to_owned(), "delete (press twice)"));
        assert_eq!(hints[8], ("Esc t".to_owned(), "close (changes stay in effect)"));
        let rebind =
            |action: &str, key: &str| KeyBinding { action: action.into(), keys: vec![key.into()], at: "l".into() };
        let keys = Keymap::with(&[rebind("delete_rule", "D"), rebind("older", "J"), rebind("quit", "x")])?;
        let hints = key_hints(&keys);
        assert_eq!(hints[0].0, "↑ J  ← →");
        assert_eq!(hints[6].0, "D");
        assert_eq!(hints[9].0, "x");
        Ok(())
    }
}
