//! High Quote Counts: hft1 rows. The list is long (a heavy day's million rows), so it sorts in
//! the store by a field (`sorted.rs`), not by a key per row.

use super::Sorts::{Down, Up};
use super::{ListColumn, as_is, at, c, one, plain};
use crate::store::QuoteView;
use crate::store::sort_keys::QuoteField;
use crate::ui::text;

type Q = ListColumn<QuoteView, QuoteField>;

pub const QUOTES: [Q; 7] = [
    as_is!(c("time", "Time", 8, false, 9, Down), "time", field QuoteField::Time, |q| q.time),
    Q {
        head: c("symbol", "Symbol", 8, false, 9, Up),
        by: QuoteField::Symbol,
        cell: |q, _| plain(text::symbol(&q.symbol)),
        csv: &["symbol"],
        values: |q, _| one(&q.symbol),
    },
    as_is!(c("count", "Count", 6, true, 8, Down), "num_quotes", field QuoteField::NumQuotes, |q| q.num_quotes),
    as_is!(c("trades", "Trades", 6, true, 6, Down), "num_trades", field QuoteField::NumTrades, |q| q.num_trades),
    as_is!(c("bbo", "BBO", 5, true, 5, Down), "bbo", field QuoteField::Bbo, |q| q.bbo),
    Q {
        head: c("dollars", "$", 7, true, 4, Down),
        by: QuoteField::Dollars,
        cell: |q, _| plain(text::money(q.dollars)),
        csv: &["dollars"],
        values: |q, _| one(q.dollars.map(|d| d.to_string()).unwrap_or_default()),
    },
    Q {
        head: c("size", "Size", 6, true, 3, Down),
        by: QuoteField::TradeSize,
        cell: |q, _| plain(text::money(q.trade_size)),
        csv: &["trade_size"],
        values: |q, _| one(q.trade_size.map(|d| format!("{d:.2}")).unwrap_or_default()),
    },
];

/// Count, the column `c` sorts by.
pub const QUOTE_COUNT: usize = at(&super::QUOTE_HEADS, "count");
