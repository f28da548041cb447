//! Colours. Only the 16 named ANSI colours are used, so every terminal (and every SSH client's
//! palette) shows them; with `NO_COLOR` set, emphasis is carried by bold, underline and reverse.

use ratatui::style::{Color, Modifier, Style};

use crate::archive::{Grade, ProgType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme { color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn mono() -> Theme {
        Theme { color: false }
    }

    fn fg(self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    pub fn title(self, focused: bool) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if focused && self.color { s.fg(Color::Cyan) } else { s }
    }

    pub fn border(self, focused: bool) -> Style {
        if !focused {
            self.fg(Color::DarkGray)
        } else if self.color {
            Style::new().fg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected row: reverse video in the focused pane, bold elsewhere.
    pub fn selected(self, focused: bool) -> Style {
        if focused { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new().add_modifier(Modifier::BOLD) }
    }

    /// A row an enabled rule matches: the Burst Monitor's red rows.
    pub fn alert_row(self) -> Style {
        if self.color {
            Style::new().bg(Color::Red).fg(Color::White).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn grade(self, g: Grade) -> Style {
        match g {
            Grade::High => self.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            Grade::Mod => self.fg(Color::Yellow),
            Grade::Low => Style::new(),
        }
    }

    pub fn prog(self, p: ProgType) -> Style {
        match p {
            ProgType::Buy => self.buy(),
            ProgType::Sell => self.sell(),
            ProgType::Und => self.dim(),
        }
    }

    pub fn buy(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn sell(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn s1(self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn s2(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn dim(self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new().add_modifier(Modifier::DIM) }
    }

    pub fn badge(self, c: Color) -> Style {
        if self.color {
            Style::new().bg(c).fg(Color::Black).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}
