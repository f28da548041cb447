//! Players: the programs behind recurring baskets. Each player owns a fixed basket of 24–36
//! symbols and fires it every day at its first typical time and on most days at up to two
//! more (± a few minutes),
//! each time with about 90 % of the basket and a few random extras, nearly always on its
//! typical side. The players depend on the seed alone, so every day of a history has the same
//! ones; where they fire depends on the day. The rest of the bursts stay random, so an archive
//! has a known answer for the baskets analysis (`planted`).

use fastrand::Rng;

use super::plan::{PlannedBurst, SymbolsFate};
use super::universe::{Pool, Universe};
use super::{CLOSE, OPEN, splitmix};
use crate::archive::{ProgType, SecondOfDay};

/// How many players a simulated market has unless told otherwise.
pub const DEFAULT_PLAYERS: usize = 4;
/// Each symbol of a basket is in a given fire with this probability.
const PRESENCE: f64 = 0.9;
/// A fire lands on the scheduled burst nearest its time, if one is this close (seconds).
const REACH: u32 = 300;
/// The first typical time, which fires every day, reaches this far when no burst is nearer
/// (bursts are sparse at midday).
const FIRST_REACH: u32 = 1800;
/// How far a fire's time strays from the player's typical time (seconds, either way).
const STRAY: u32 = 180;
/// Chance that a player fires at one of its later typical times on a given day (the first
/// fires every day: a program that runs daily, so a short history such as the demo's three
/// days still shows every player as a recurring basket).
const FIRES_ON_A_DAY: f64 = 0.85;

#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    /// Universe indexes, ascending.
    pub basket: Vec<usize>,
    /// Typical seconds of day.
    pub times: Vec<u32>,
    pub side: ProgType,
}

/// The players of a simulated market.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Players(pub Vec<Player>);

/// A planted burst: which player fired, with which symbols (universe indexes, ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct Fire {
    pub player: usize,
    pub symbols: Vec<usize>,
}

impl Players {
    /// A market of random bursts only.
    pub fn none() -> Players {
        Players(Vec::new())
    }

    /// `count` players drawn from the seed (not the day): the same on every day of a history.
    pub fn of_seed(seed: u64, count: usize, universe: &Universe) -> Players {
        let mut rng = Rng::with_seed(splitmix(seed ^ 0x0070_6c61_7965_7273));
        let players = (0..count)
            .map(|_| {
                let size = 24 + rng.usize(0..=12);
                let mut basket: Vec<usize> = Vec::with_capacity(size);
                while basket.len() < size {
                    let i = universe.pick(Pool::Basket, &mut rng);
                    if !basket.contains(&i) {
                        basket.push(i);
                    }
                }
                basket.sort_unstable();
                let times = (0..1 + rng.usize(0..3)).map(|_| rng.u32(OPEN + 300..CLOSE - 600)).collect();
                let side = if rng.bool() { ProgType::Buy } else { ProgType::Sell };
                Player { basket, times, side }
            })
            .collect();
        Players(players)
    }

    /// Turns some of a day's scheduled bursts into players' fires: for each typical time that
    /// fires today, the unclaimed burst nearest to it (± `STRAY`), if within `REACH`.
    pub fn plant(&self, bursts: &mut [PlannedBurst], universe: &Universe, rng: &mut Rng) {
        for (p, player) in self.0.iter().enumerate() {
            for (nth, &typical) in player.times.iter().enumerate() {
                // Drawn for the first time too, so the later draws stay what they were.
                if rng.f64() >= FIRES_ON_A_DAY && nth > 0 {
                    continue;
                }
                let target = typical + rng.u32(0..=2 * STRAY) - STRAY;
                let reach = if nth == 0 { FIRST_REACH } else { REACH };
                let nearest = bursts
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.fire.is_none() && b.time.abs_diff(target) <= reach)
                    .min_by_key(|(_, b)| b.time.abs_diff(target))
                    .map(|(i, _)| i);
                let Some(i) = nearest else { continue };
                let mut symbols: Vec<usize> = player.basket.iter().copied().filter(|_| rng.f64() < PRESENCE).collect();
                for _ in 0..rng.usize(0..=3) {
                    let extra = universe.pick(Pool::Basket, rng);
                    if !symbols.contains(&extra) {
                        symbols.push(extra);
                    }
                }
                symbols.sort_unstable();
                let b = &mut bursts[i];
                // Nearly always the player's side; now and then the monitor calls it otherwise.
                if rng.f64() < 0.1 {
                    b.prog_type = if player.side == ProgType::Buy { ProgType::Sell } else { ProgType::Buy };
                } else {
                    b.prog_type = player.side;
                }
                b.fire = Some(Fire { player: p, symbols });
            }
        }
    }
}

/// A planted burst as a reader of the archive should find it.
#[derive(Debug, Clone, PartialEq)]
pub struct Planted {
    pub time: SecondOfDay,
    pub player: usize,
    /// Sorted.
    pub symbols: Vec<String>,
    pub prog_type: ProgType,
    pub s1: u32,
    /// False when the burst's symbols file is never written (the reader cannot see the fire).
    pub file_written: bool,
}

/// The planted bursts of a day plan, in time order.
pub fn planted(bursts: &[PlannedBurst], universe: &Universe) -> Vec<Planted> {
    bursts
        .iter()
        .filter_map(|b| {
            let fire = b.fire.as_ref()?;
            let mut symbols: Vec<String> = fire.symbols.iter().map(|&i| universe.symbols[i].name.to_string()).collect();
            symbols.sort();
            Some(Planted {
                time: SecondOfDay::from_secs(b.time)?,
                player: fire.player,
                symbols,
                prog_type: b.prog_type,
                s1: b.s1,
                file_written: b.symbols != SymbolsFate::Missing,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Profile;
    use crate::sim::plan::DayPlan;

    #[test]
    fn players_are_the_seeds_and_fire_near_their_times_with_most_of_their_basket() {
        let u = Universe::new();
        let players = Players::of_seed(3, 4, &u);
        assert_eq!(players, Players::of_seed(3, 4, &u));
        assert_ne!(players, Players::of_seed(4, 4, &u));
        let mut plan = DayPlan::new(Profile::Normal, &mut Rng::with_seed(1));
        players.plant(&mut plan.bursts, &u, &mut Rng::with_seed(2));
        let fires: Vec<&PlannedBurst> = plan.bursts.iter().filter(|b| b.fire.is_some()).collect();
        assert!(fires.len() >= 3, "{}", fires.len());
        for b in fires {
            let Some(fire) = &b.fire else { continue };
            let player = &players.0[fire.player];
            let reach = |nth: usize| STRAY + if nth == 0 { FIRST_REACH } else { REACH };
            assert!(player.times.iter().enumerate().any(|(nth, t)| t.abs_diff(b.time) <= reach(nth)), "{}", b.time);
            let inside = fire.symbols.iter().filter(|s| player.basket.contains(s)).count();
            assert!(inside * 10 >= player.basket.len() * 7, "{inside} of {}", player.basket.len());
            assert!((8..=40).contains(&fire.symbols.len()));
        }
        assert_eq!(planted(&plan.bursts, &u).len(), plan.bursts.iter().filter(|b| b.fire.is_some()).count());
    }
}

#[cfg(test)]
mod demo_tests {
    use crate::archive::Day;
    use crate::sim::{Profile, SimOptions, planted, players};

    /// `ki2 demo` writes three days of history with a random seed and its Baskets view lists
    /// what was seen three times or more: every seed must give it players to show (a player
    /// that fires at one time of day only must not miss one of the three days).
    #[test]
    fn over_three_days_nearly_every_player_fires_three_times_whatever_the_seed() {
        let days: Vec<Day> =
            ["20251201", "20251202", "20251203"].iter().filter_map(|d| Day::parse_compact(d)).collect();
        assert_eq!(days.len(), 3);
        for seed in 0..60 {
            let players = players(seed, super::DEFAULT_PLAYERS);
            let mut seen = vec![0; players.0.len()];
            for &day in &days {
                let opts = SimOptions { root: "/nonexistent".into(), day, seed, profile: Profile::Normal };
                for p in planted(&opts, &players).iter().filter(|p| p.file_written) {
                    seen[p.player] += 1;
                }
            }
            let recurring = seen.iter().filter(|&&n| n >= 3).count();
            assert!(recurring >= 3, "seed {seed}: fires per player {seen:?}");
        }
    }
}
