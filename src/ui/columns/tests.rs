use super::*;
use crate::alerts::{Alert, Evaluator, RuleSet};
use crate::archive::{Background, BurstRow, Day, DayData, SecondOfDay, SymbolHit};
use crate::ui::app::{App, AppOptions};

fn app() -> App {
    let day = Day::parse_compact("20250707").unwrap_or_else(Day::today);
    let opts = AppOptions {
        root_label: String::new(),
        theme: Theme::mono(),
        bell: false,
        live: false,
        columns: Default::default(),
    };
    match App::from_day(DayData::empty(day), opts, Evaluator::new(RuleSet::default())) {
        Ok(app) => app,
        Err(e) => panic!("an app over an empty day: {e}"),
    }
}

/// A column that says it sorts has a key for a row with every value, and one that does not
/// has none; every record gives as many CSV values as it names.
#[test]
fn every_column_that_sorts_has_a_key_and_its_csv_names_its_values() {
    let app = app();
    let ctx = Ctx::of(&app.data);
    let b = BurstRow {
        time: SecondOfDay::default(),
        grade: Grade::High,
        prog_type: ProgType::Buy,
        background: Background::Port,
        s1: 1,
        s2: 2,
        ct: 3,
        cb: 4,
        cs: 5,
        cu: Some("6".into()),
    };
    let h = SymbolHit { symbol: "SPY".into(), num_trades: 1, num_quotes: 2, bbo: 3 };
    let a = Alert { symbol: Some("SPY".into()), ..crate::alerts::alert::sample(1) };
    fn check<R>(cols: &[ListColumn<R, KeyFn<R>>], row: &R, ctx: &Ctx<'_>, exempt: Option<usize>) {
        for (i, c) in cols.iter().enumerate() {
            if Some(i) != exempt {
                assert_eq!((c.by)(row, ctx).is_some(), c.head.sorts != Sorts::No, "column {}", c.head.name);
            }
            assert_eq!((c.values)(row, ctx).len(), c.csv.len(), "column {}", c.head.name);
        }
    }
    // A burst of no basket has no Basket key: it goes last, whichever way the column sorts.
    check(&BURSTS, &b, &ctx, Some(B_BASKET));
    assert_eq!((BURSTS[B_BASKET].by)(&b, &ctx), None);
    check(&SYMBOLS, &h, &ctx, None);
    check(&ALERTS, &a, &ctx, None);
}

#[test]
fn value_colours_are_left_out_on_lit_rows_and_the_columns_own_kept() {
    let theme = Theme { color: true };
    assert_eq!(Tint::Buy.style(theme, false), Style::default());
    assert_eq!(Tint::Buy.style(theme, true), theme.buy());
    assert_eq!(Tint::Dim.style(theme, false), theme.dim());
}
