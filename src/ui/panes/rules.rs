//! The threshold editor (`t`): the rules in a table, edited with the keyboard. Every change
//! takes effect at once (highlights, alerts); `s` saves the file.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table};

use crate::alerts::{Field, FieldType, Op, Rule, RuleSet, Source, Value};
use crate::archive::{Grade, ProgType};
use crate::ui::keymap::EDITOR_KEYS;
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
    /// `q` was pressed once with unsaved edits: the next `q` quits.
    pub confirm_quit: bool,
    /// Changed since the last save.
    pub dirty: bool,
}

/// What a key did in the editor.
pub enum Outcome {
    Nothing,
    Changed(RuleSet),
    Save,
    Close,
    /// `q`: leave ki2 (the editor asks first while edits are unsaved).
    Quit,
    /// Something typed or asked for that cannot be done.
    Error(String),
    /// A question to the user (press x again...), shown but not as an error.
    Prompt(String),
}

impl Default for RulesEditor {
    fn default() -> Self {
        RulesEditor {
            row: 0,
            col: 5,
            input: None,
            picker: None,
            confirm_delete: false,
            confirm_quit: false,
            dirty: false,
        }
    }
}

impl RulesEditor {
    fn column(&self) -> Col {
        COLS[self.col.min(COLS.len() - 1)]
    }

    pub fn key(&mut self, rules: &RuleSet, key: KeyEvent) -> Outcome {
        if self.input.is_some() {
            return self.typing(rules, key);
        }
        if self.picker.is_some() {
            return self.picking(rules, key);
        }
        let confirm = std::mem::take(&mut self.confirm_delete);
        let confirm_quit = std::mem::take(&mut self.confirm_quit);
        let n = rules.len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('t') => Outcome::Close,
            // Quitting would lose the edits without a word: the first `q` says so.
            KeyCode::Char('q') if self.dirty && !confirm_quit => {
                self.confirm_quit = true;
                Outcome::Error("unsaved rule edits: s saves, q again quits".into())
            }
            KeyCode::Char('q') => Outcome::Quit,
            KeyCode::Up | KeyCode::Char('k') => {
                self.row = self.row.saturating_sub(1);
                Outcome::Nothing
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.row = (self.row + 1).min(n.saturating_sub(1));
                Outcome::Nothing
            }
            KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab => {
                self.col = self.col.saturating_sub(1);
                Outcome::Nothing
            }
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
                self.col = (self.col + 1).min(COLS.len() - 1);
                Outcome::Nothing
            }
            KeyCode::Char('+') | KeyCode::Char('=') => self.edit(rules, |r| r.step(true)),
            KeyCode::Char('-') | KeyCode::Char('_') => self.edit(rules, |r| r.step(false)),
            KeyCode::Char(' ') => self.edit(rules, |r| r.enabled = !r.enabled),
            KeyCode::Char(c) if c.is_ascii_digit() || c == '.' => {
                self.col = 5;
                self.input = Some(Input { col: Col::Value, text: c.to_string() });
                Outcome::Nothing
            }
            KeyCode::Char('a') => self.add(rules),
            KeyCode::Char('x') | KeyCode::Delete => {
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
                    Outcome::Prompt("press x again to delete this rule".into())
                }
            }
            KeyCode::Char('s') => Outcome::Save,
            KeyCode::Enter => self.enter(rules),
            _ => Outcome::Nothing,
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
                FieldType::Count | FieldType::Amount => self.type_in(col, rule.value.to_string()),
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
                        Some(v) => self.edit(rules, |r| r.value = v),
                        None => Outcome::Error(format!("value: {:?} does not fit this field", text)),
                    },
                }
            }
            _ => Outcome::Nothing,
        }
    }

    fn picking(&mut self, rules: &RuleSet, key: KeyEvent) -> Outcome {
        let Some(p) = self.picker.as_mut() else { return Outcome::Nothing };
        match key.code {
            KeyCode::Esc => {
                self.picker = None;
                Outcome::Nothing
            }
            KeyCode::Up | KeyCode::Char('k') => {
                p.sel = p.sel.saturating_sub(1);
                Outcome::Nothing
            }
            KeyCode::Down | KeyCode::Char('j') => {
                p.sel = (p.sel + 1).min(p.options.len().saturating_sub(1));
                Outcome::Nothing
            }
            KeyCode::Enter => {
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
        FieldType::Amount => Value::Amount(plain.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)?),
        FieldType::Grade => Value::Grade(Grade::parse_label(&plain.to_uppercase())?),
        FieldType::ProgType => Value::ProgType(ProgType::parse_label(&plain.to_uppercase())?),
        FieldType::Background => Value::Background(crate::alerts::rules::parse_background(&plain)?),
    };
    Some(v)
}

pub fn draw(ed: &mut RulesEditor, rules: &RuleSet, theme: Theme, f: &mut Frame, area: Rect) {
    f.render_widget(Clear, area);
    let dirty = if ed.dirty { " (not saved: s saves)" } else { "" };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Line::styled(format!(" Thresholds{dirty} "), theme.title(true)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [table_area, input_area, keys_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(2)]).areas(inner);
    ed.row = ed.row.min(rules.len().saturating_sub(1));
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
            if i == ed.row && j == ed.col { cell.style(theme.selected(true)) } else { cell }
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
    f.render_widget(Table::new(rows, widths).header(header), table_area);
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
    let keys: Vec<Span> = EDITOR_KEYS
        .iter()
        .flat_map(|k| [Span::styled(k.keys, theme.key()), Span::raw(format!(" {}  ", k.does))])
        .collect();
    f.render_widget(Paragraph::new(Line::from(keys)).wrap(ratatui::widgets::Wrap { trim: true }), keys_area);
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
