//! The Baskets view's list: the recurring baskets of the closed days (`B`), sorted whole.

use super::Sorts::{Down, Up};
use super::{Column, KeyFn, ListColumn, Tint, as_is, at, c, one, plain};
use crate::analysis::baskets::{BasketLine, short_id};
use crate::ui::order::{count, num, text};

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
    as_is!(c("id", "Basket", 16, false, 9, Up), "basket", text, |l| &l.report.id),
    as_is!(c("core", "Core", 4, true, 7, Down), "core", count, |l| l.report.symbols.len()),
    as_is!(c("bursts", "Bursts", 6, true, 9, Down), "bursts", num, |l| l.report.bursts),
    as_is!(c("days", "Days", 4, true, 8, Down), "days", num, |l| l.report.days),
    as_is!(c("buy", "Buy", 4, true, 6, Down), "buy", num, |l| l.report.buy, tint Tint::Buy),
    as_is!(c("sell", "Sell", 4, true, 6, Down), "sell", num, |l| l.report.sell, tint Tint::Sell),
    as_is!(c("und", "Und", 4, true, 3, Down), "und", num, |l| l.report.und),
    as_is!(c("time", "Time", 8, false, 7, Up), "median_time", text, |l| &l.report.median_time),
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
