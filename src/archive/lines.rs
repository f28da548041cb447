//! Splitting bytes into lines the way a Windows writer leaves them.
//!
//! Only `\n`-terminated lines are complete: whatever follows the last `\n` is a line still
//! being written and is left for the caller to keep until it completes. One trailing `\r` is
//! stripped, so a CRLF split across two reads stays one line ending (the `\r` simply waits in
//! the unconsumed tail).

/// The UTF-8 byte order mark some Windows tools put at the start of a file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Lines longer than this are reported malformed without being parsed; it also bounds what a
/// tailer buffers while waiting for a line to end.
pub const MAX_LINE: usize = 64 * 1024;

/// A complete line: its text without the line ending, and where it starts in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub start: usize,
    pub text: &'a [u8],
}

/// Iterator over the complete lines of `buf`; `consumed()` is how many bytes they span.
pub struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
}

pub fn lines(buf: &[u8]) -> Lines<'_> {
    Lines { buf, pos: 0 }
}

impl<'a> Lines<'a> {
    /// Bytes up to and including the last `\n` yielded so far.
    pub fn consumed(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = &self.buf[self.pos..];
        let nl = memchr::memchr(b'\n', rest)?;
        let start = self.pos;
        self.pos += nl + 1;
        let mut text = &rest[..nl];
        if let [head @ .., b'\r'] = text {
            text = head;
        }
        Some(Line { start, text })
    }
}

/// A line without a leading byte order mark (at byte 0, or mid-file where a writer reopened it).
pub fn strip_bom(text: &[u8]) -> &[u8] {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// A line with nothing but spaces, tabs or a stray `\r`.
pub fn is_blank(text: &[u8]) -> bool {
    text.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(buf: &[u8]) -> (Vec<&[u8]>, usize) {
        let mut it = lines(buf);
        let v: Vec<&[u8]> = it.by_ref().map(|l| l.text).collect();
        (v, it.consumed())
    }

    #[test]
    fn crlf_and_lf_lines_complete_only_at_newline() {
        let (v, n) = texts(b"a,1\r\nb,2\nc,3");
        assert_eq!(v, vec![&b"a,1"[..], b"b,2"]);
        assert_eq!(n, 9);
    }

    #[test]
    fn a_cr_at_the_end_of_a_read_waits_for_its_lf() {
        let (v, n) = texts(b"a,1\r");
        assert!(v.is_empty());
        assert_eq!(n, 0);
    }

    #[test]
    fn blank_lines_are_lines() {
        let (v, _) = texts(b"\r\n\na\r\n");
        assert_eq!(v, vec![&b""[..], b"", b"a"]);
        assert!(is_blank(v[0]));
    }

    #[test]
    fn bom_is_stripped_only_where_asked() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBFSPY"), b"SPY");
        assert_eq!(strip_bom(b"SPY"), b"SPY");
    }
}
