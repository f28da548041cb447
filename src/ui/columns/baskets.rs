//! The Baskets view's list: the recurring baskets of the closed days (`B`), sorted whole.

use super::Sorts::{Down, Up};
use super::{Column, KeyFn, ListColumn, Tint, at, c, one, plain};
use crate::analysis::baskets::{BasketLine, short_id};
use crate::ui::order::{num, text};

type K = ListColumn<BasketLine, KeyFn<BasketLine>>;

pub const BASKETS: [K; 10] = [
    K {
        head: c("short", "Id", 6, false, 8, Up),
        by: |l, _| text(&short_id(&l.report.id)),
        // Two listed baskets never show one short form: where they would, both are lengthened.
        cell: |l, ctx| (ctx.ids.and_then(|ids| ids.get(&l.report.id)).cloned().unwrap_or_default(), Tint::Key),
        csv: &["short"],
        values: |l, _| one(short_id(&l.report.id)),
    },
    K {
        head: c("id", "Basket", 16, false, 9, Up),
        by: |l, _| text(&l.report.id),
        cell: |l, _| plain(&l.report.id),
        csv: &["basket"],
        values: |l, _| one(&l.report.id),
    },
    K {
        head: c("core", "Core", 4, true, 7, Down),
        by: |l, _| num(l.report.symbols.len() as f64),
        cell: |l, _| plain(l.report.symbols.len()),
        csv: &["core"],
        values: |l, _| one(l.report.symbols.len()),
    },
    K {
        head: c("bursts", "Bursts", 6, true, 9, Down),
        by: |l, _| num(l.report.bursts),
        cell: |l, _| plain(l.report.bursts),
        csv: &["bursts"],
        values: |l, _| one(l.report.bursts),
    },
    K {
        head: c("days", "Days", 4, true, 8, Down),
        by: |l, _| num(l.report.days),
        cell: |l, _| plain(l.report.days),
        csv: &["days"],
        values: |l, _| one(l.report.days),
    },
    K {
        head: c("buy", "Buy", 4, true, 6, Down),
        by: |l, _| num(l.report.buy),
        cell: |l, _| (l.report.buy.to_string(), Tint::Buy),
        csv: &["buy"],
        values: |l, _| one(l.report.buy),
    },
    K {
        head: c("sell", "Sell", 4, true, 6, Down),
        by: |l, _| num(l.report.sell),
        cell: |l, _| (l.report.sell.to_string(), Tint::Sell),
        csv: &["sell"],
        values: |l, _| one(l.report.sell),
    },
    K {
        head: c("und", "Und", 4, true, 3, Down),
        by: |l, _| num(l.report.und),
        cell: |l, _| plain(l.report.und),
        csv: &["und"],
        values: |l, _| one(l.report.und),
    },
    K {
        head: c("time", "Time", 8, false, 7, Up),
        by: |l, _| text(&l.report.median_time),
        cell: |l, _| plain(&l.report.median_time),
        csv: &["median_time"],
        values: |l, _| one(&l.report.median_time),
    },
    K {
        head: c("last", "Last seen", 19, false, 5, Down),
        by: |l, _| text(&l.report.last),
        cell: |l, _| plain(l.report.last.replace('T', " ")),
        csv: &["last"],
        values: |l, _| one(&l.report.last),
    },
];

const HEADS: [Column; BASKETS.len()] = super::heads(&BASKETS);
/// The list's first sort: most bursts first.
pub const BASKET_BURSTS: usize = at(&HEADS, "bursts");
