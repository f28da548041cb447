//! Syms Hit At: the symbols the selected burst hit (a few dozen, sorted whole).

use super::Sorts::{Down, Up};
use super::{KeyFn, ListColumn, c, one, plain};
use crate::archive::SymbolHit;
use crate::ui::order::{num, text as key_text};
use crate::ui::text;

type H = ListColumn<SymbolHit, KeyFn<SymbolHit>>;

pub const SYMBOLS: [H; 4] = [
    H {
        head: c("symbol", "Symbol", 8, false, 9, Up),
        by: |h, _| key_text(&h.symbol),
        cell: |h, _| plain(text::symbol(&h.symbol)),
        csv: &["symbol"],
        values: |h, _| one(&h.symbol),
    },
    H {
        head: c("nt", "NT", 5, true, 8, Down),
        by: |h, _| num(h.num_trades),
        cell: |h, _| plain(h.num_trades),
        csv: &["num_trades"],
        values: |h, _| one(h.num_trades),
    },
    H {
        head: c("nq", "NQ", 6, true, 7, Down),
        by: |h, _| num(h.num_quotes),
        cell: |h, _| plain(h.num_quotes),
        csv: &["num_quotes"],
        values: |h, _| one(h.num_quotes),
    },
    H {
        head: c("bbo", "BBO", 5, true, 6, Down),
        by: |h, _| num(h.bbo),
        cell: |h, _| plain(h.bbo),
        csv: &["bbo"],
        values: |h, _| one(h.bbo),
    },
];
