//! The clustering held against looking at every basket, and its state before a day.
use super::*;

fn day(d: u32) -> Day {
    Day::parse_compact(&format!("202507{d:02}")).unwrap_or_else(|| panic!("day {d}"))
}

fn names(ids: &[u32]) -> Vec<String> {
    ids.iter().map(|i| format!("S{i}")).collect()
}

fn add(c: &mut Clusters, d: u32, time: u32, ids: &[u32]) -> Option<Joined> {
    let n = names(ids);
    let refs: Vec<&str> = n.iter().map(String::as_str).collect();
    c.add(day(d), time, Some(ProgType::Buy), Some(50), &refs)
}

/// The most similar basket by looking at every one.
fn brute(c: &Clusters, ids: &[u32]) -> Option<(u32, f64)> {
    let mut q: Vec<u32> = ids.iter().map(|i| c.numbers[format!("S{i}").as_str()]).collect();
    q.sort_unstable();
    q.dedup();
    let mut best: Option<(u32, f64)> = None;
    for (b, basket) in c.baskets.iter().enumerate() {
        let overlap = basket.core.iter().filter(|s| q.contains(s)).count();
        let j = overlap as f64 / (q.len() + basket.core.len() - overlap) as f64;
        if reaches(j, c.similarity) && best.is_none_or(|(_, bj)| j > bj) {
            best = Some((b as u32, j));
        }
    }
    best
}

#[test]
fn the_index_finds_what_looking_at_every_basket_finds() {
    let mut rng = fastrand::Rng::with_seed(5);
    let mut c = Clusters::new(0.6);
    // A few recurring sets among random ones, over a small universe so overlaps are common.
    let players: Vec<Vec<u32>> = (0..6).map(|_| (0..20).map(|_| rng.u32(0..120)).collect()).collect();
    let (mut joined, mut checked) = (0, 0);
    for i in 0..3000u32 {
        let ids: Vec<u32> = if rng.f64() < 0.4 {
            let p = &players[rng.usize(0..players.len())];
            let mut ids: Vec<u32> = p.iter().copied().filter(|_| rng.f64() < 0.85).collect();
            ids.extend((0..3).map(|_| rng.u32(0..120)));
            ids
        } else {
            (0..5 + rng.usize(0..30)).map(|_| rng.u32(0..120)).collect()
        };
        for id in &ids {
            c.number(&format!("S{id}"));
        }
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let want = (distinct.len() >= MIN_SYMBOLS).then(|| brute(&c, &ids));
        let got = add(&mut c, 1 + i / 300, i, &ids);
        if let Some(want) = want {
            checked += 1;
            let got = got.unwrap_or_else(|| panic!("burst {i} not taken"));
            match want {
                Some((b, j)) => {
                    joined += 1;
                    assert_eq!((got.basket, got.similarity), (b, Some(j)), "burst {i}");
                }
                None => assert_eq!(got.similarity, None, "burst {i}"),
            }
        }
    }
    assert!(checked > 2900 && joined > 1000, "{checked} {joined}");
}

#[test]
fn a_basket_fired_again_joins_and_a_stranger_does_not() {
    let mut c = Clusters::new(0.6);
    let basket: Vec<u32> = (0..30).collect();
    let first = add(&mut c, 1, 34_200, &basket);
    assert_eq!(first.map(|j| (j.basket, j.bursts_before, j.similarity)), Some((0, 0, None)));
    // 27 of the 30 and two extras: 27 / 32.
    let again: Vec<u32> = (3..30).chain([100, 101]).collect();
    let j = add(&mut c, 2, 34_300, &again).unwrap_or_else(|| panic!("taken"));
    assert_eq!((j.basket, j.bursts_before, j.days_before), (0, 1, 1));
    assert!((j.similarity.unwrap_or(0.0) - 27.0 / 32.0).abs() < 1e-12);
    // Half of it is not enough: 15 / 35.
    let half: Vec<u32> = (0..15).chain(200..220).collect();
    assert_eq!(add(&mut c, 2, 34_400, &half).map(|j| j.basket), Some(1));
    let third = add(&mut c, 2, 40_000, &basket).unwrap_or_else(|| panic!("taken"));
    assert_eq!((third.basket, third.bursts_before, third.days_before), (0, 2, 2));
    assert_eq!(c.baskets()[0].id(), "B20250701-093000");
    // The core: in at least two of its three bursts.
    let mut core: Vec<&str> = c.baskets()[0].core().iter().map(|&s| c.name(s)).collect();
    core.sort_unstable();
    assert_eq!(core.len(), 30);
    assert_eq!(add(&mut c, 2, 40_001, &[1, 2, 3, 4]), None, "too few symbols");
}

#[test]
fn the_state_before_a_day_is_the_state_built_from_the_days_before() {
    let mut rng = fastrand::Rng::with_seed(9);
    let mut all = Clusters::new(0.6);
    let mut early = Clusters::new(0.6);
    let basket: Vec<u32> = (0..25).collect();
    for d in 1..=6u32 {
        for k in 0..40u32 {
            let ids: Vec<u32> = if k % 10 == 0 {
                basket.iter().copied().filter(|_| rng.f64() < 0.9).collect()
            } else {
                (0..12).map(|_| rng.u32(0..400)).collect()
            };
            add(&mut all, d, 36_000 + k, &ids);
            if d <= 3 {
                add(&mut early, d, 36_000 + k, &ids);
            }
        }
    }
    let before = all.before(day(4));
    assert_eq!(before.baskets, early.baskets);
    assert_eq!(before.occurrences, early.occurrences);
    assert!(all.baskets.len() > before.baskets.len());
}
