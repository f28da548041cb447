//! Comma-separated fields and the numbers inside them, parsed from bytes without allocating.

use super::malformed::Reason;

/// Splits `line` on commas into at least `min` fields; fields from index `max` on must be empty
/// (the writer's trailing comma). A non-empty one means the line is not what we expect (two
/// rows glued together, a wrong column count), and is reported rather than silently cut.
/// One pass, no allocation: this is the inner loop of a million-row load.
pub fn split<const N: usize>(line: &[u8], min: usize, max: usize) -> Result<[&[u8]; N], Reason> {
    let mut out: [&[u8]; N] = [&[]; N];
    let mut count = 0;
    let mut rest = line;
    loop {
        let (field, next) = match memchr::memchr(b',', rest) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let field = trim(field);
        if count >= max.min(N) && !field.is_empty() {
            return Err(Reason::TooManyFields { got: line.split(|&b| b == b',').count(), max: max.min(N) });
        }
        if count < N {
            out[count] = field;
        }
        count += 1;
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    if count < min {
        return Err(Reason::TooFewFields { got: count, want: min });
    }
    Ok(out)
}

pub fn trim(field: &[u8]) -> &[u8] {
    field.trim_ascii()
}

/// A non-negative integer that fits in `u32`.
pub fn uint(field: &[u8], name: &'static str) -> Result<u32, Reason> {
    if field.is_empty() {
        return Err(Reason::Empty { field: name });
    }
    let mut v: u64 = 0;
    for &b in field {
        if !b.is_ascii_digit() {
            return Err(Reason::not_a_number(name, field));
        }
        v = v * 10 + u64::from(b - b'0');
        if v > u64::from(u32::MAX) {
            return Err(Reason::not_a_number(name, field));
        }
    }
    Ok(v as u32)
}

/// An optional non-negative amount: empty means unknown (the Burst Monitor leaves Dollars
/// empty at times); anything else must be a finite number.
pub fn opt_amount(field: &[u8], name: &'static str) -> Result<Option<f64>, Reason> {
    if field.is_empty() {
        return Ok(None);
    }
    if field.iter().all(u8::is_ascii_digit) && field.len() <= 15 {
        // Exact for integers below 2^53: the common case, no float parsing needed.
        return uint_u64(field).map(|v| Some(v as f64)).ok_or_else(|| Reason::not_a_number(name, field));
    }
    let text = std::str::from_utf8(field).map_err(|_| Reason::not_a_number(name, field))?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') => Ok(Some(v)),
        _ => Err(Reason::not_a_number(name, field)),
    }
}

fn uint_u64(field: &[u8]) -> Option<u64> {
    field.iter().try_fold(0u64, |v, &b| v.checked_mul(10)?.checked_add(u64::from(b - b'0')))
}

/// A symbol: non-empty UTF-8. Control characters are kept (they are escaped on screen, not here:
/// the archive must not be altered).
pub fn symbol(field: &[u8]) -> Result<&str, Reason> {
    if field.is_empty() {
        return Err(Reason::Empty { field: "symbol" });
    }
    std::str::from_utf8(field).map_err(|_| Reason::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_empty_fields_are_allowed_but_extra_values_are_not() {
        assert!(split::<7>(b"QQQ,0,93000,4947,812,316,64284132,", 7, 7).is_ok());
        assert!(split::<7>(b"QQQ,0,93000,4947,812,316,64284132,,", 7, 7).is_ok());
        assert_eq!(
            split::<7>(b"QQQ,0,93000,4947,812,316,64284132,SPY", 7, 7).err(),
            Some(Reason::TooManyFields { got: 8, max: 7 })
        );
        assert_eq!(split::<7>(b"QQQ,0,93000", 7, 7).err(), Some(Reason::TooFewFields { got: 3, want: 7 }));
    }

    #[test]
    fn numbers() {
        assert_eq!(uint(b"4947", "n"), Ok(4947));
        assert!(uint(b"-1", "n").is_err());
        assert!(uint(b"1.5", "n").is_err());
        assert!(uint(b"99999999999", "n").is_err());
        assert!(uint(b"", "n").is_err());
        assert_eq!(opt_amount(b"", "d"), Ok(None));
        assert_eq!(opt_amount(b"64284132", "d"), Ok(Some(64284132.0)));
        assert_eq!(opt_amount(b"12.5", "d"), Ok(Some(12.5)));
        assert!(opt_amount(b"1e400", "d").is_err());
        assert!(opt_amount(b"nan", "d").is_err());
        assert!(opt_amount(b"abc", "d").is_err());
    }
}
