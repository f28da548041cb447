//! Live writes cut mid-line, as a writer flushing on its own schedule leaves them: part of the
//! last line now, the rest with the next write. Sometimes the cut falls between `\r` and `\n`,
//! the case tailers most often get wrong (one line ending, not two).

use fastrand::Rng;

use super::market::{Stream, Tick};

/// Holds back the tail of each stream's write until the next tick.
pub struct Splitter {
    rng: Rng,
    held: [Vec<u8>; 4],
}

impl Splitter {
    /// Its own generator: where writes are cut never changes what is written.
    pub fn new(seed: u64) -> Splitter {
        Splitter { rng: Rng::with_seed(seed ^ 0x5e1f_5e1f), held: Default::default() }
    }

    /// Puts back what was held from the last tick in front of this tick's bytes, and holds back
    /// the end of some of them.
    pub fn split(&mut self, tick: &mut Tick) {
        for s in Stream::ALL {
            let held = &mut self.held[s as usize];
            let buf = tick.buf(s);
            if !held.is_empty() {
                held.append(buf);
                std::mem::swap(held, buf);
            }
            let cut = cut_point(buf, &mut self.rng);
            held.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
        }
    }

    /// Releases everything held (the writer is stopping).
    pub fn release(&mut self, tick: &mut Tick) {
        for s in Stream::ALL {
            let held = std::mem::take(&mut self.held[s as usize]);
            let buf = tick.buf(s);
            let new = std::mem::replace(buf, held);
            buf.extend_from_slice(&new);
        }
    }

    pub fn holding(&self) -> bool {
        self.held.iter().any(|h| !h.is_empty())
    }
}

/// Where to cut `bytes` (whole lines): inside its last line 40% of the time, a quarter of those
/// right after the `\r`; otherwise at the end (no cut).
pub fn cut_point(bytes: &[u8], rng: &mut Rng) -> usize {
    let len = bytes.len();
    if len < 2 || rng.f64() >= 0.4 {
        return len;
    }
    if rng.f64() < 0.25 && bytes[len - 2] == b'\r' {
        return len - 1;
    }
    let last_start = bytes[..len - 1].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    last_start + rng.usize(1..len - last_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_inside_the_last_line_and_sometimes_between_cr_and_lf() {
        let bytes = b"SPY,0,93000,2500,10,20,1000,\r\nQQQ,0,93000,4947,812,316,64284132,\r\n";
        let last_start = bytes.len() - b"QQQ,0,93000,4947,812,316,64284132,\r\n".len();
        let mut rng = Rng::with_seed(1);
        let (mut whole, mut between_cr_lf, mut inside) = (0, 0, 0);
        for _ in 0..2_000 {
            let cut = cut_point(bytes, &mut rng);
            assert!(cut > last_start && cut <= bytes.len(), "{cut}");
            match cut {
                c if c == bytes.len() => whole += 1,
                c if c == bytes.len() - 1 => between_cr_lf += 1,
                _ => inside += 1,
            }
        }
        assert!(whole > 1_000 && between_cr_lf > 100 && inside > 400, "{whole} {between_cr_lf} {inside}");
    }

    #[test]
    fn held_bytes_come_back_in_order() {
        let mut splitter = Splitter::new(5);
        let mut written = Vec::new();
        let mut expected = Vec::new();
        let mut half_lines = 0;
        for i in 0..200u32 {
            let mut tick = Tick::default();
            let line = format!("{i},{}\r\n", i * 7);
            tick.buf(Stream::Hft2).extend_from_slice(line.as_bytes());
            expected.extend_from_slice(line.as_bytes());
            splitter.split(&mut tick);
            written.extend_from_slice(tick.buf(Stream::Hft2));
            half_lines += usize::from(!written.ends_with(b"\n"));
        }
        assert!((40..120).contains(&half_lines), "{half_lines}");
        let mut tick = Tick::default();
        splitter.release(&mut tick);
        written.extend_from_slice(tick.buf(Stream::Hft2));
        assert_eq!(written, expected);
        assert!(!splitter.holding());
    }
}
