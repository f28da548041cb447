//! High Quote Counts: hft1 rows. The list is long (a heavy day's million rows), so it sorts in
//! the store by a field (`sorted.rs`), not by a key per row.

use super::Sorts::{Down, Up};
use super::{ListColumn, at, c, one, plain};
use crate::store::QuoteView;
use crate::store::sort_keys::QuoteField;
use crate::ui::text;

type Q = ListColumn<QuoteView, QuoteField>;

pub const QUOTES: [Q; 7] = [
    Q {
        head: c("time", "Time", 8, false, 9, Down),
        by: QuoteField::Time,
        cell: |q, _| plain(q.time),
        csv: &["time"],
        values: |q, _| one(q.time),
    },
    Q {
        head: c("symbol", "Symbol", 8, false, 9, Up),
        by: QuoteField::Symbol,
        cell: |q, _| plain(text::symbol(&q.symbol)),
        csv: &["symbol"],
        values: |q, _| one(&q.symbol),
    },
    Q {
        head: c("count", "Count", 6, true, 8, Down),
        by: QuoteField::NumQuotes,
        cell: |q, _| plain(q.num_quotes),
        csv: &["num_quotes"],
        values: |q, _| one(q.num_quotes),
    },
    Q {
        head: c("trades", "Trades", 6, true, 6, Down),
        by: QuoteField::NumTrades,
        cell: |q, _| plain(q.num_trades),
        csv: &["num_trades"],
        values: |q, _| one(q.num_trades),
    },
    Q {
        head: c("bbo", "BBO", 5, true, 5, Down),
        by: QuoteField::Bbo,
        cell: |q, _| plain(q.bbo),
        csv: &["bbo"],
        values: |q, _| one(q.bbo),
    },
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
