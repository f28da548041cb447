//! What is said of baskets: one line per recurring basket (`ki2 baskets`, SPEC §6), a
//! basket's detail (the TUI's Baskets view), and each burst with its basket (`--out`).

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::clusters::{Clusters, Occurrence};
use crate::alerts::iso_time;
use crate::archive::{Day, ProgType, SecondOfDay};

/// One basket as `ki2 baskets --json` prints it: exactly these keys, in this order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasketReport {
    pub id: String,
    /// The core, sorted.
    pub symbols: Vec<String>,
    pub bursts: u32,
    pub days: u32,
    pub first: String,
    pub last: String,
    pub buy: u32,
    pub sell: u32,
    /// Undetermined, and bursts whose row was not in the burst file.
    pub und: u32,
    pub median_time: String,
    /// Null when none of its bursts had a burst row.
    pub median_s1: Option<f64>,
}

/// Bursts of `clusters` from `from` to `to` (inclusive; None: open), by basket index.
fn in_range(clusters: &Clusters, from: Option<Day>, to: Option<Day>) -> BTreeMap<u32, Vec<&Occurrence>> {
    let mut by: BTreeMap<u32, Vec<&Occurrence>> = BTreeMap::new();
    let within = |d: Day| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
    for o in clusters.occurrences().iter().filter(|o| within(o.day)) {
        by.entry(o.basket).or_default().push(o);
    }
    by
}

/// The baskets seen at least `min` times from `from` to `to`, most bursts first (then by id).
/// Counts, days, times and medians are of the bursts in range; the id and the core are the
/// basket's, whenever its bursts fell.
pub fn report(clusters: &Clusters, from: Option<Day>, to: Option<Day>, min: u32) -> Vec<BasketReport> {
    let mut out: Vec<BasketReport> = in_range(clusters, from, to)
        .into_iter()
        .filter(|(_, bursts)| bursts.len() as u32 >= min.max(1))
        .filter_map(|(b, bursts)| {
            let basket = clusters.baskets().get(b as usize)?;
            let (first, last) = (bursts.first()?, bursts.last()?);
            let mut days: Vec<Day> = bursts.iter().map(|o| o.day).collect();
            days.dedup();
            let side = |p: Option<ProgType>| bursts.iter().filter(|o| o.prog_type == p).count() as u32;
            let buy = side(Some(ProgType::Buy));
            let sell = side(Some(ProgType::Sell));
            let mut symbols: Vec<String> = basket.core().iter().map(|&s| clusters.name(s).to_owned()).collect();
            symbols.sort();
            let time = median(bursts.iter().map(|o| o.time).collect()).map_or(0, |t| t.floor() as u32);
            Some(BasketReport {
                id: basket.id(),
                symbols,
                bursts: bursts.len() as u32,
                days: days.len() as u32,
                first: timestamp(first),
                last: timestamp(last),
                buy,
                sell,
                und: bursts.len() as u32 - buy - sell,
                median_time: SecondOfDay::from_secs(time).map_or_else(String::new, |t| t.to_string()),
                median_s1: median(bursts.iter().filter_map(|o| o.s1).collect()),
            })
        })
        .collect();
    out.sort_by(|a, b| b.bursts.cmp(&a.bursts).then_with(|| a.id.cmp(&b.id)));
    out
}

fn timestamp(o: &Occurrence) -> String {
    SecondOfDay::from_secs(o.time).map_or_else(|| o.day.to_string(), |t| iso_time(o.day, t))
}

/// The middle value, or the mean of the two middle ones; None of nothing.
pub fn median(mut v: Vec<u32>) -> Option<f64> {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(v[n / 2])),
        _ => Some((f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0),
    }
}

/// A basket close up: when it fired, day by day, and what its core is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct BasketDetail {
    pub id: String,
    /// Bursts per day, oldest first, from its first day to its last (days between with none
    /// are listed with 0 when the clustering took them in).
    pub per_day: Vec<(Day, u32)>,
    /// Seconds of day of its bursts, in order.
    pub times: Vec<u32>,
    /// Core symbols with how many of its bursts hold each, most first.
    pub core: Vec<(String, u32)>,
    pub bursts: u32,
}

/// The detail of basket `index`, over the days `days` (the days taken in, ascending).
pub fn detail(clusters: &Clusters, index: u32, days: &[Day]) -> Option<BasketDetail> {
    let basket = clusters.baskets().get(index as usize)?;
    let bursts: Vec<&Occurrence> = clusters.occurrences().iter().filter(|o| o.basket == index).collect();
    let (first, last) = (bursts.first()?.day, bursts.last()?.day);
    let mut per_day: BTreeMap<Day, u32> =
        days.iter().filter(|d| **d >= first && **d <= last).map(|d| (*d, 0)).collect();
    for o in &bursts {
        *per_day.entry(o.day).or_default() += 1;
    }
    let mut core: Vec<(String, u32)> =
        basket.core().iter().map(|&s| (clusters.name(s).to_owned(), basket.count(s))).collect();
    core.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Some(BasketDetail {
        id: basket.id(),
        per_day: per_day.into_iter().collect(),
        times: bursts.iter().map(|o| o.time).collect(),
        core,
        bursts: basket.bursts,
    })
}

/// Every burst from `from` to `to` with its basket, for notebooks: `date` (YYYY-MM-DD),
/// `time` (HH:MM:SS), `basket`, `similarity` (null: it started the basket), `prog_type`
/// (null: no burst row), `s1`, `symbols` (sorted).
pub fn bursts_frame(clusters: &Clusters, from: Option<Day>, to: Option<Day>) -> PolarsResult<DataFrame> {
    let within = |d: Day| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
    let rows: Vec<&Occurrence> = clusters.occurrences().iter().filter(|o| within(o.day)).collect();
    let ids: Vec<String> =
        rows.iter().map(|o| clusters.baskets().get(o.basket as usize).map_or_else(String::new, |b| b.id())).collect();
    let symbols: ListChunked = rows
        .iter()
        .map(|o| {
            let mut names: Vec<&str> = o.symbols.iter().map(|&s| clusters.name(s)).collect();
            names.sort_unstable();
            Some(Series::new("".into(), names))
        })
        .collect();
    let prog = |p: Option<ProgType>| {
        p.map(|p| match p {
            ProgType::Buy => "BUY",
            ProgType::Sell => "SELL",
            ProgType::Und => "UND",
        })
    };
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("date".into(), rows.iter().map(|o| o.day.to_string()).collect::<Vec<_>>()),
            Column::new(
                "time".into(),
                rows.iter()
                    .map(|o| SecondOfDay::from_secs(o.time).map_or_else(String::new, |t| t.to_string()))
                    .collect::<Vec<_>>(),
            ),
            Column::new("basket".into(), ids),
            Column::new("similarity".into(), rows.iter().map(|o| o.similarity).collect::<Vec<_>>()),
            Column::new("prog_type".into(), rows.iter().map(|o| prog(o.prog_type)).collect::<Vec<_>>()),
            Column::new("s1".into(), rows.iter().map(|o| o.s1).collect::<Vec<_>>()),
            symbols.into_series().with_name("symbols".into()).into_column(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_take_the_middle_or_the_mean_of_the_two() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 10]), Some(3.5));
    }
}
