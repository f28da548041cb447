//! Strings on their way to the screen. Everything that comes from a file (symbols above all) goes
//! through `clean`: a control character or escape sequence is shown escaped, never sent to the
//! terminal, and an over-long field is cut.

use std::borrow::Cow;

/// Longest field shown, in characters: a symbol is a handful; anything longer is garbage.
pub const MAX_FIELD: usize = 24;

pub use crate::archive::printable::cut as clean;

/// `s` cut to `width` characters at a word boundary, with `…` where it was cut (a word cut in
/// half reads as another word: `expected one of >` for `>=`).
pub fn cut_words(s: &str, width: usize) -> Cow<'_, str> {
    if s.chars().count() <= width {
        return Cow::Borrowed(s);
    }
    let room: String = s.chars().take(width.saturating_sub(1)).collect();
    let cut = match room.rfind(' ') {
        Some(i) if i > 0 => room[..i].trim_end(),
        _ => room.as_str(),
    };
    Cow::Owned(format!("{cut}…"))
}

/// A symbol, made safe.
pub fn symbol(s: &str) -> Cow<'_, str> {
    clean(s, MAX_FIELD)
}

#[cfg(test)]
mod cut_tests {
    use super::cut_words;

    #[test]
    fn a_cut_falls_between_words() {
        assert_eq!(cut_words("unknown op \">>\": expected one of >, >=", 34), "unknown op \">>\": expected one of…");
        assert_eq!(cut_words("short", 10), "short");
        assert_eq!(cut_words("averyveryverylongword", 8), "averyve…");
    }
}

/// 1234567 → `1,234,567`.
pub fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A dollar amount in at most 6 characters: `812`, `64.3k`, `64.28M`, `1.20B`.
pub fn money(v: Option<f64>) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else { return "-".into() };
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// Rows per second, compact: `0`, `950`, `12.3k`.
pub fn rate(v: f64) -> String {
    if v >= 1e4 { format!("{:.1}k", v / 1e3) } else { format!("{v:.0}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_the_burst_monitor() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(money(Some(64_284_132.0)), "64.28M");
        assert_eq!(money(Some(20_312.0)), "20.3k");
        assert_eq!(money(Some(812.0)), "812");
        assert_eq!(money(None), "-");
        assert_eq!(rate(12_345.0), "12.3k");
    }
}
