//! Appending numbers to byte buffers without `format!`: a heavy day is a million lines, and the
//! simulator should write it in about a second.

pub fn uint(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

pub fn u32(buf: &mut Vec<u8>, v: u32) {
    uint(buf, u64::from(v));
}

/// `v,`
pub fn field(buf: &mut Vec<u8>, v: u32) {
    u32(buf, v);
    buf.push(b',');
}

pub const CRLF: &[u8] = b"\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_display() {
        for v in [0u64, 7, 10, 93015, 160000, u64::from(u32::MAX), u64::MAX] {
            let mut buf = Vec::new();
            uint(&mut buf, v);
            assert_eq!(buf, v.to_string().into_bytes());
        }
    }
}
