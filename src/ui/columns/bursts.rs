//! Burst Signals: the day's program bursts (a few hundred, sorted whole).

use super::Sorts::{Down, Up};
use super::{Ctx, KeyFn, ListColumn, Tint, as_is, at, c, one, plain};
use crate::archive::BurstRow;
use crate::ui::order::{SortKey, num, severity, text as key_text};
use crate::ui::text;

type B = ListColumn<BurstRow, KeyFn<BurstRow>>;

/// Basket: the burst's recurring basket (`7f3a·12`: its short id and its bursts before this
/// one), the least needed column, so it shows only where there is room.
pub const BURSTS: [B; 11] = [
    B {
        head: c("time", "Time", 8, false, 9, Down),
        by: |b, _| num(b.time.secs()),
        cell: |b, _| plain(b.time),
        csv: &["time"],
        values: |b, _| one(b.time),
    },
    B {
        head: c("grade", "Grade", 5, false, 8, Down),
        by: |b, _| severity(b.grade),
        cell: |b, _| (b.grade.label().to_owned(), Tint::Grade(b.grade)),
        csv: &["grade"],
        values: |b, _| one(b.grade.label()),
    },
    B {
        head: c("prog_type", "ProgType", 8, false, 8, Up),
        by: |b, _| key_text(b.prog_type.label()),
        cell: |b, _| (b.prog_type.label().to_owned(), Tint::Prog(b.prog_type)),
        csv: &["prog_type"],
        values: |b, _| one(b.prog_type.label()),
    },
    as_is!(c("background", "Bckgrnd", 7, false, 3, Up), "background", key_text, |b| b.background.label()),
    as_is!(c("s1", "S1", 4, true, 7, Down), "s1", num, |b| b.s1),
    as_is!(c("s2", "S2", 4, true, 4, Down), "s2", num, |b| b.s2),
    as_is!(c("ct", "CT", 4, true, 5, Down), "ct", num, |b| b.ct),
    as_is!(c("cb", "CB", 4, true, 6, Down), "cb", num, |b| b.cb, tint Tint::Buy),
    as_is!(c("cs", "CS", 4, true, 6, Down), "cs", num, |b| b.cs, tint Tint::Sell),
    B {
        head: c("cu", "CU", 4, true, 2, Down),
        // Shown as written: a number when it reads as one.
        by: |b, _| {
            b.cu.as_deref().map(|c| c.trim().parse::<f64>().map_or_else(|_| SortKey::Text(c.to_owned()), SortKey::Num))
        },
        cell: |b, _| plain(text::clean(&b.cu_shown(), 6)),
        csv: &["cu"],
        values: |b, _| one(b.cu_shown()),
    },
    B {
        head: c("basket", "Basket", 9, false, 1, Down),
        // By how often the basket was seen before: the players' bursts on top.
        by: |b, ctx| num(ctx.data?.basket_of(b.time)?.1),
        cell: |b, ctx| plain(basket_mark(b, ctx)),
        csv: &["basket", "basket_seen_before"],
        values: |b, ctx| match ctx.data.and_then(|d| d.basket_of(b.time)) {
            Some((id, n)) => vec![id.to_owned(), n.to_string()],
            None => vec![String::new(), String::new()],
        },
    },
];

/// `7f3a·12`: the basket's short form (lengthened where two on screen share one) and how often
/// it was seen before this burst; empty for a burst that joined no recurring basket.
fn basket_mark(b: &BurstRow, ctx: &Ctx<'_>) -> String {
    ctx.data.and_then(|d| d.basket_of(b.time)).map_or_else(String::new, |(id, n)| {
        let short = ctx.ids.and_then(|ids| ids.get(id)).map_or(id, String::as_str);
        format!("{short}·{n}")
    })
}

/// Sorting by it orders by a table that comes later than the rows (`lists::burst_list`).
pub const B_BASKET: usize = at(&super::BURST_HEADS, "basket");
