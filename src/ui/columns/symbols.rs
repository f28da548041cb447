//! Syms Hit At: the symbols the selected burst hit (a few dozen, sorted whole).

use super::Sorts::{Down, Up};
use super::{KeyFn, ListColumn, as_is, c, one, plain};
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
    as_is!(c("nt", "NT", 5, true, 8, Down), "num_trades", num, |h| h.num_trades),
    as_is!(c("nq", "NQ", 6, true, 7, Down), "num_quotes", num, |h| h.num_quotes),
    as_is!(c("bbo", "BBO", 5, true, 6, Down), "bbo", num, |h| h.bbo),
];
