//! One column of one kind over the day, as numbers: what the threshold editor counts and
//! draws a distribution of. O(rows of that kind): asked for when the editor needs it, cached
//! by the caller.

use polars::prelude::*;

use super::DayStore;
use super::frames::{TIME, day_start_ms};
use crate::archive::Kind;

/// Every row's value (None where the row has none, such as an empty Dollars) and second of day.
#[derive(Debug, Default, Clone)]
pub struct FieldValues {
    pub values: Vec<Option<f64>>,
    pub secs: Vec<u32>,
}

impl DayStore {
    /// `column` of `kind`'s rows, restricted to rows whose symbol is in `watch` (compared as
    /// the rules compare them: exactly, case-insensitively). Text columns (grade, prog_type,
    /// background) become numbers through `label`.
    pub fn field_values(
        &self,
        kind: Kind,
        column: &str,
        watch: Option<&[String]>,
        label: &dyn Fn(&str) -> Option<f64>,
    ) -> PolarsResult<FieldValues> {
        let (df, time) = match kind {
            Kind::Quotes => return self.quote_field_values(column, watch),
            Kind::S1 => (&self.s1, TIME),
            Kind::S2 => (&self.s2, TIME),
            Kind::Bursts => (&self.bursts, TIME),
            Kind::BurstSymbols => (&self.symbols, "burst_time"),
        };
        let col = df.column(column)?;
        let values: Vec<Option<f64>> = match col.dtype() {
            DataType::String => col.str()?.iter().map(|s| s.and_then(label)).collect(),
            _ => col.cast(&DataType::Float64)?.f64()?.iter().collect(),
        };
        let base = day_start_ms(self.day);
        let secs: Vec<u32> = df
            .column(time)?
            .datetime()?
            .physical()
            .iter()
            .map(|t| t.map_or(0, |ms| ((ms - base) / 1000).max(0) as u32))
            .collect();
        let Some(watch) = watch.filter(|w| !w.is_empty()) else { return Ok(FieldValues { values, secs }) };
        let watched = |s: &str| watch.iter().any(|w| w.eq_ignore_ascii_case(s));
        let keep: Vec<bool> = df.column("symbol")?.str()?.iter().map(|s| s.is_some_and(watched)).collect();
        Ok(FieldValues::of_rows(values, secs, &keep))
    }

    /// The same for hft1, kept in packed columns: seconds, symbol numbers, no trade size.
    fn quote_field_values(&self, column: &str, watch: Option<&[String]>) -> PolarsResult<FieldValues> {
        let c = self.quote_cols();
        let all = 0..c.len();
        let mut values: Vec<Option<f64>> = Vec::with_capacity(all.len());
        match column {
            "trade_size" => {
                c.each_trade(all.clone(), |_, n, d| values.push(crate::archive::hft1::trade_size(d, n)));
            }
            "dollars" => c.dollars.each(all.clone(), |_, d| values.push(d)),
            _ => match c.count(column) {
                Some(col) => col.each(all.clone(), |_, v| values.push(Some(f64::from(v)))),
                None => polars_bail!(ColumnNotFound: "hft1 has no column {column}"),
            },
        }
        let mut secs: Vec<u32> = Vec::with_capacity(all.len());
        c.time.each(all.clone(), |_, t| secs.push(t));
        let Some(watch) = watch.filter(|w| !w.is_empty()) else { return Ok(FieldValues { values, secs }) };
        let watched = c.names.table(|s| watch.iter().any(|w| w.eq_ignore_ascii_case(s)));
        let mut keep: Vec<bool> = Vec::with_capacity(all.len());
        c.symbol.each(all, |_, id| keep.push(watched.get(id as usize).copied().unwrap_or(false)));
        Ok(FieldValues::of_rows(values, secs, &keep))
    }
}

impl FieldValues {
    /// The rows whose `keep` is true.
    fn of_rows(values: Vec<Option<f64>>, secs: Vec<u32>, keep: &[bool]) -> FieldValues {
        let (mut v, mut t) = (Vec::new(), Vec::new());
        for ((value, sec), _) in values.into_iter().zip(secs).zip(keep).filter(|(_, k)| **k) {
            v.push(value);
            t.push(sec);
        }
        FieldValues { values: v, secs: t }
    }
}
