//! Fingerprints of rows by what they hold, stable across processes and versions: alert ids,
//! delivery checkpoints on disk and the test "is this rewritten row one we had?" rest on them.
//! A hand-rolled mixer rather than `std`'s hasher, whose output may change between releases.

use super::burst::BurstRow;
use super::burst_symbols::SymbolHit;
use super::hft1::QuoteRow;
use super::rows::Rows;
use super::series::SeriesRow;

/// A 64-bit fingerprint built from words and bytes (SplitMix64's finaliser as the mixer).
#[derive(Debug, Clone, Copy)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0x6b69_3220_726f_7773)
    }
}

impl Fingerprint {
    pub fn word(mut self, w: u64) -> Self {
        self.0 = mix(self.0 ^ w);
        self
    }

    pub fn bytes(mut self, b: &[u8]) -> Self {
        for chunk in b.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self = self.word(u64::from_le_bytes(w));
        }
        // The length, so that "AB" + "C" and "A" + "BC" differ.
        self.word(b.len() as u64 | 1 << 63)
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The running fingerprint of a file's rows: `chain(prev, row)`; equal chains mean equal rows
/// up to there.
pub fn chain(prev: u64, row: u64) -> u64 {
    Fingerprint(prev).word(row).finish()
}

pub fn quote_row(r: &QuoteRow<'_>) -> u64 {
    let dollars = r.dollars.map_or(u64::MAX, f64::to_bits);
    Fingerprint::default()
        .word(r.time.secs() as u64)
        .bytes(r.symbol.as_bytes())
        .word(r.num_quotes as u64)
        .word(r.bbo as u64)
        .word(r.num_trades as u64)
        .word(dollars)
        .finish()
}

pub fn series_row(r: &SeriesRow) -> u64 {
    Fingerprint::default().word(r.time.secs() as u64).word(r.value as u64).finish()
}

pub fn burst_row(b: &BurstRow) -> u64 {
    Fingerprint::default()
        .word(b.time.secs() as u64)
        .word(b.grade as u64)
        .word(b.prog_type as u64)
        .word(b.background as u64)
        .word(b.s1 as u64)
        .word(b.s2 as u64)
        .word(b.ct as u64)
        .word(b.cb as u64)
        .word(b.cs as u64)
        .bytes(b.cu.as_deref().unwrap_or("\u{0}").as_bytes())
        .finish()
}

pub fn symbol_hit(h: &SymbolHit) -> u64 {
    Fingerprint::default()
        .bytes(h.symbol.as_bytes())
        .word(h.num_trades as u64)
        .word(h.num_quotes as u64)
        .word(h.bbo as u64)
        .finish()
}

/// One fingerprint per row of the batch, in order.
pub fn row_fingerprints(rows: &Rows) -> Vec<u64> {
    match rows {
        Rows::Quotes(q) => q.rows().map(|r| quote_row(&r)).collect(),
        Rows::S1(v) | Rows::S2(v) => v.iter().map(series_row).collect(),
        Rows::Bursts(v) => v.iter().map(burst_row).collect(),
        Rows::BurstSymbols { hits, .. } => hits.iter().map(symbol_hit).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::SecondOfDay;

    #[test]
    fn fingerprints_are_fixed_values_and_tell_rows_apart() {
        assert_ne!(
            Fingerprint::default().bytes(b"AB").bytes(b"C").finish(),
            Fingerprint::default().bytes(b"A").bytes(b"BC").finish()
        );
        let row = |t, v| SeriesRow { time: SecondOfDay::from_secs(t).unwrap_or_default(), value: v };
        let a = row_fingerprints(&Rows::S1(vec![row(1, 2), row(1, 3), row(1, 2)]));
        assert_eq!(a[0], a[2]);
        assert_ne!(a[0], a[1]);
        assert_eq!(chain(0, 7), 0x63cb_e1e4_5932_0dd7);
    }

    /// Checkpoints and ledgers on disk hold these values: a change to how a row is
    /// fingerprinted must fail here, not silently repeat (or skip) a user's alerts.
    #[test]
    fn row_fingerprints_are_pinned() {
        let t = SecondOfDay::from_hhmmss(93015).unwrap_or_default();
        let quote =
            QuoteRow { symbol: "SPY", time: t, num_quotes: 2500, bbo: 812, num_trades: 316, dollars: Some(64284132.0) };
        let no_dollars = QuoteRow { dollars: None, ..quote };
        let burst = BurstRow {
            time: t,
            grade: crate::archive::Grade::Mod,
            prog_type: crate::archive::ProgType::Sell,
            background: crate::archive::Background::Port,
            s1: 149,
            s2: 296,
            ct: 370,
            cb: 152,
            cs: 215,
            cu: None,
        };
        let hit = SymbolHit { symbol: "AAPL".into(), num_trades: 75, num_quotes: 412, bbo: 96 };
        let got = [
            Fingerprint::default().bytes(b"SPY").finish(),
            quote_row(&quote),
            quote_row(&no_dollars),
            series_row(&SeriesRow { time: t, value: 296 }),
            burst_row(&burst),
            burst_row(&BurstRow { cu: Some("3".into()), ..burst.clone() }),
            symbol_hit(&hit),
        ];
        let want: [u64; 7] = [
            0x35f8_cc30_1e7f_a8e2,
            0x5437_768b_e737_c073,
            0x0bf7_3e03_8bce_c2de,
            0xf61c_307b_729d_6520,
            0x87eb_bcca_0dce_bca5,
            0x33d9_d79a_bb5c_bafd,
            0x2e11_6916_26ee_bb00,
        ];
        assert_eq!(got.map(|v| format!("{v:#018x}")), want.map(|v| format!("{v:#018x}")));
    }
}
