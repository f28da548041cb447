use super::*;
use crate::prices::{Bar, SymbolBars};

const T0: u32 = 10 * 3600;

fn day(i: u32) -> Day {
    Day::parse_compact(&format!("202507{:02}", 14 + i)).unwrap_or_else(|| panic!("day"))
}

/// Minute bars from 09:30 to 11:00 whose close is `f(minute index)`.
fn minute_bars(f: impl Fn(u32) -> f64) -> SymbolBars {
    let bars = (0..90).map(|m| {
        let c = f(m);
        Bar { start: 34_200 + m * 60, open: c, high: c, low: c, close: c, volume: 1.0 }
    });
    SymbolBars { bar_s: 60, bars: bars.collect() }
}

fn day_bars(symbols: &[(&str, SymbolBars)]) -> DayBars {
    DayBars { symbols: symbols.iter().map(|(s, b)| ((*s).into(), b.clone())).collect(), ..DayBars::default() }
}

/// Minute index of 10:00 is 30: a price that steps from 100 to `to` at the bar starting at
/// minute 31 (10:01), known from 10:02.
fn step(to: f64) -> SymbolBars {
    minute_bars(move |m| if m >= 31 { to } else { 100.0 })
}

/// An event as (day, second, symbols).
type Ev<'a> = (usize, u32, Vec<&'a str>);

fn inputs(series: Vec<(Subject, Vec<Ev>)>, days: usize) -> Inputs {
    let mut symbols = Symbols::default();
    let series = series
        .into_iter()
        .map(|(subject, events)| Series {
            event: "burst/HIGH/Buy".into(),
            subject,
            events: events
                .into_iter()
                .map(|(day, time, names)| Event { day, time, symbols: names.iter().map(|n| symbols.id(n)).collect() })
                .collect(),
        })
        .collect();
    Inputs { days: (0..days as u32).map(day).collect(), series, symbols, horizons: vec![60, 300], path: Vec::new() }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn one_burst_is_one_observation_whatever_its_number_of_symbols() {
    // Event 1 hits A (+1 %) and B (+3 %): its mean is +2 %. Event 2 hits C alone (−1 %).
    let inp = inputs(vec![(Subject::Hit, vec![(0, T0 + 30, vec!["A", "B"]), (1, T0 + 30, vec!["C"])])], 2);
    let days = [day_bars(&[("A", step(101.0)), ("B", step(103.0))]), day_bars(&[("C", step(99.0))])];
    let out = run(&inp, 2, |i| days.get(i).cloned());
    let five = out.summary.iter().find(|s| s.horizon_s == 300).unwrap_or_else(|| panic!("no 300 s line"));
    assert_eq!((five.n_events, five.n), (2, 3));
    assert!(close(five.mean_bp, 50.0), "{}", five.mean_bp);
    assert!(close(five.median_bp, 50.0));
    assert!(close(five.hit_rate, 0.5));
    // Means 200 and −100: sd = 212.13, t = 50 / (212.13 / √2) = 0.3333.
    assert!(close(five.t.unwrap_or(0.0), 1.0 / 3.0), "{:?}", five.t);
    // 60 s after 10:00:30 is 10:01:30: the 10:01 bar has not ended, nothing moved yet.
    let one = out.summary.iter().find(|s| s.horizon_s == 60).unwrap_or_else(|| panic!("no 60 s line"));
    assert!(close(one.mean_bp, 0.0));
    assert_eq!(out.pairs.len(), 3);
    assert_eq!(out.pairs[0].entry, Some(100.0));
}

#[test]
fn the_baseline_is_the_same_symbols_at_the_same_second_on_quiet_days() {
    // A is hit on day 0 at 10:00:30; day 1 A rises 2 % after 10:01 with no event; day 2 it
    // falls 4 % but has an event at 10:20 (within 30 min), so day 2 is not a baseline day.
    let inp = inputs(vec![(Subject::Hit, vec![(0, T0 + 30, vec!["A"]), (2, T0 + 1200, vec!["A"])])], 3);
    let days = [day_bars(&[("A", step(101.0))]), day_bars(&[("A", step(102.0))]), day_bars(&[("A", step(96.0))])];
    let out = run(&inp, 1, |i| days.get(i).cloned());
    let five = out.summary.iter().find(|s| s.horizon_s == 300).unwrap_or_else(|| panic!("no line"));
    // Event 1 (day 0): its baseline is day 1 only: +200 bp. Event 2 (day 2, 10:20:00): at
    // that second A is flat on days 0 and 1 (both steps were at 10:01): 0 bp; the event's own
    // return is 0 too (its step was 19 minutes before).
    assert_eq!(five.n_events, 2);
    assert!(close(five.mean_bp, 50.0), "{}", five.mean_bp);
    assert!(close(five.baseline_bp.unwrap_or(f64::NAN), 100.0), "{:?}", five.baseline_bp);
    assert!(close(five.excess_bp.unwrap_or(f64::NAN), -50.0));
}

#[test]
fn a_group_with_no_returns_is_left_out_and_t_needs_two_events() {
    let inp =
        inputs(vec![(Subject::Hit, vec![(0, T0 + 30, vec!["A"])]), (Subject::Market, vec![(0, T0, vec!["X"])])], 1);
    let days = [day_bars(&[("A", step(101.0))])];
    let out = run(&inp, 2, |i| days.get(i).cloned());
    assert!(out.summary.iter().all(|s| s.subject == "hit"), "no bars for X: no market line");
    assert!(out.summary.iter().all(|s| s.t.is_none() && s.baseline_bp.is_none()));
}

#[test]
fn threads_change_nothing() {
    let mut rng = fastrand::Rng::with_seed(11);
    let names = ["A", "B", "C", "D", "E"];
    let events: Vec<Ev> = (0..40)
        .map(|_| {
            let k = rng.usize(1..4);
            (rng.usize(0..6), 34_200 + rng.u32(0..5_000), (0..k).map(|_| names[rng.usize(0..5)]).collect())
        })
        .collect();
    let inp = inputs(vec![(Subject::Hit, events)], 6);
    let days: Vec<DayBars> = (0..6)
        .map(|_| {
            let bars: Vec<(&str, SymbolBars)> = names
                .iter()
                .map(|n| {
                    let walk: Vec<f64> = (0..90).map(|_| 100.0 + rng.f64() * 5.0).collect();
                    (*n, minute_bars(move |m| walk[m as usize]))
                })
                .collect();
            day_bars(&bars)
        })
        .collect();
    let one = run(&inp, 1, |i| days.get(i).cloned());
    let two = run(&inp, 2, |i| days.get(i).cloned());
    assert_eq!(one.summary.len(), 2);
    for (a, b) in one.summary.iter().zip(&two.summary) {
        assert_eq!((a.n, a.n_events), (b.n, b.n_events));
        assert!(close(a.mean_bp, b.mean_bp) && close(a.baseline_bp.unwrap_or(0.0), b.baseline_bp.unwrap_or(0.0)));
    }
}

#[test]
fn the_mean_path_shows_the_price_known_at_each_offset_against_the_entry() {
    let mut inp = inputs(vec![(Subject::Hit, vec![(0, T0 + 30, vec!["A"]), (1, T0 + 30, vec!["A"])])], 2);
    inp.path = vec![-600, 0, 60, 120, 600];
    let days = [day_bars(&[("A", step(101.0))]), day_bars(&[("A", step(103.0))])];
    let out = run(&inp, 2, |i| days.get(i).cloned());
    let p = &out.paths[0];
    let mean: Vec<Option<f64>> = p.mean.iter().map(|m| m.map(|x| (x * 1e6).round() / 1e6)).collect();
    // 10:00:30 + 120 s = 10:02:30: the 10:01 bar (the step) has ended.
    assert_eq!(mean, [Some(0.0), Some(0.0), Some(0.0), Some(200.0), Some(200.0)]);
    assert_eq!(p.se[3].map(|s| (s * 1e6).round() / 1e6), Some(100.0));
    assert_eq!(p.events, [2, 2, 2, 2, 2]);
}
