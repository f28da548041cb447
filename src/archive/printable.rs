//! Text from files on its way to a terminal: a symbol may carry anything, including escape
//! sequences that would retitle or clear the user's terminal. Control characters (and the Unicode
//! ones that reorder text) are shown escaped, never sent, and a field can be cut to a length.

use std::borrow::Cow;

/// Characters that would move the cursor, retitle the terminal or reorder text if printed.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `s` with every unsafe character escaped (`\u{1b}`, `\n`).
pub fn printable(s: &str) -> String {
    cut(s, usize::MAX).into_owned()
}

/// `s` made safe to print and at most `max` characters long (`…` marks a cut).
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max && !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(max.min(s.len()) + 8);
    let mut n = 0;
    for c in s.chars() {
        if unsafe_char(c) {
            for e in c.escape_default() {
                out.push(e);
                n += 1;
            }
        } else {
            out.push(c);
            n += 1;
        }
        // Stop early: a 10 MB line costs what is shown.
        if n > max {
            let mut short: String = out.chars().take(max.saturating_sub(1)).collect();
            short.push('…');
            return Cow::Owned(short);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_sent() {
        let s = cut("\u{1b}]0;pwned\u{7}SPY", 40);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
        assert!(s.contains("\\u{1b}") && s.ends_with("SPY"), "{s}");
        assert_eq!(printable("a\nb"), "a\\nb");
    }

    #[test]
    fn long_fields_are_cut_with_a_mark() {
        assert_eq!(cut("ABCDEFGHIJ", 5), "ABCD…");
        assert_eq!(cut("ABCDE", 5), "ABCDE");
        assert_eq!(cut("BRK.B", 24), "BRK.B");
        assert!(cut(&"X".repeat(10_000_000), 24).chars().count() <= 24);
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert!(!cut("A\u{202E}B", 24).contains('\u{202E}'));
    }
}
