//! Bursts into baskets, one burst at a time in time order: a burst joins the basket whose core
//! it is most similar to (Jaccard ≥ the similarity), else starts one of its own. A basket's
//! core is the symbols present in at least half of its bursts.
//!
//! Finding the basket is exact and fast through prefix filtering (Bayardo et al., "Scaling up
//! all pairs similarity search", 2007): with every set sorted in one fixed global order, two
//! sets with Jaccard ≥ t share an element among the first |s| − ⌈t·|s|⌉ + 1 of each. Only those
//! prefixes of the cores are indexed (symbol → baskets) and only the burst's prefix is looked
//! up. The order is rarest first (how many bursts held each symbol when the index was last
//! rebuilt; symbols met since come first of all), so the heavy names in nearly every burst
//! stay out of the prefixes and the lists looked up are short. The index is rebuilt in that
//! order each time the bursts taken in double. Candidates are cut by size and by the
//! positional filter, then checked exactly. The order affects speed only, never the result.

use std::collections::HashMap;

use crate::archive::{Day, ProgType};

/// A burst of fewer symbols is too small to be anyone's fingerprint: two or three heavy names
/// are in many unrelated bursts.
pub const MIN_SYMBOLS: usize = 5;

/// One burst as the clustering took it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub day: Day,
    /// Seconds since midnight.
    pub time: u32,
    /// From the burst row (None when the symbols file has no burst row).
    pub prog_type: Option<ProgType>,
    pub s1: Option<u32>,
    /// Symbol numbers (`Clusters::name`), ascending.
    pub symbols: Vec<u32>,
    /// Its basket (an index into `Clusters::baskets`).
    pub basket: u32,
    /// Jaccard similarity to the core it joined (None: it started the basket).
    pub similarity: Option<f64>,
}

/// What joining told about a burst: its basket and how that basket stood before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Joined {
    pub basket: u32,
    /// The basket's bursts before this one, and the distinct days they fell on.
    pub bursts_before: u32,
    pub days_before: u32,
    /// Jaccard similarity to the core it joined; None for a burst that started a basket.
    pub similarity: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Basket {
    /// Its first burst: the basket's name (`B20250701-093512`).
    pub first: (Day, u32),
    pub bursts: u32,
    pub days: u32,
    last_day: Day,
    /// How many of its bursts hold each symbol.
    counts: HashMap<u32, u32>,
    /// Symbols in at least half of its bursts, in the global order (rarest first).
    core: Vec<u32>,
    /// How many of `core`'s first symbols are in the index.
    indexed: usize,
}

impl Basket {
    pub fn id(&self) -> String {
        basket_id(self.first.0, self.first.1)
    }

    /// The core's symbol numbers, in no particular order.
    pub fn core(&self) -> &[u32] {
        &self.core
    }

    /// How many of its bursts hold `symbol`.
    pub fn count(&self, symbol: u32) -> u32 {
        self.counts.get(&symbol).copied().unwrap_or(0)
    }
}

/// `B20250701-093512`: named after a basket's first burst.
pub fn basket_id(day: Day, secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    format!("B{}-{h:02}{m:02}{s:02}", day.compact())
}

/// The baskets found so far, and every burst taken in.
#[derive(Debug, Clone)]
pub struct Clusters {
    similarity: f64,
    names: Vec<Box<str>>,
    numbers: HashMap<Box<str>, u32>,
    baskets: Vec<Basket>,
    occurrences: Vec<Occurrence>,
    /// Symbol number → baskets whose core prefix holds it, with its place in that core.
    postings: Vec<Vec<(u32, u32)>>,
    /// Scratch for matching: per basket the last query that met it; per symbol the last query
    /// that holds it.
    seen: Vec<u32>,
    marked: Vec<u32>,
    query: u32,
    /// Per symbol: the bursts holding it, and its place in the global order (the count at the
    /// last rebuild, then its number).
    df: Vec<u32>,
    rank: Vec<u64>,
    next_rebuild: usize,
}

impl Clusters {
    pub fn new(similarity: f64) -> Clusters {
        Clusters {
            similarity,
            names: Vec::new(),
            numbers: HashMap::new(),
            baskets: Vec::new(),
            occurrences: Vec::new(),
            postings: Vec::new(),
            seen: Vec::new(),
            marked: Vec::new(),
            query: 0,
            df: Vec::new(),
            rank: Vec::new(),
            next_rebuild: 1024,
        }
    }

    pub fn similarity(&self) -> f64 {
        self.similarity
    }

    pub fn baskets(&self) -> &[Basket] {
        &self.baskets
    }

    pub fn occurrences(&self) -> &[Occurrence] {
        &self.occurrences
    }

    pub fn names(&self) -> &[Box<str>] {
        &self.names
    }

    pub fn name(&self, symbol: u32) -> &str {
        self.names.get(symbol as usize).map_or("?", |s| s)
    }

    /// The symbol's number, handed out when it is first met.
    pub fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.into());
        self.numbers.insert(name.into(), n);
        self.postings.push(Vec::new());
        self.marked.push(0);
        self.df.push(0);
        self.rank.push(u64::from(n));
        n
    }

    /// Takes in a burst (bursts must come in time order); None when it has fewer than
    /// `MIN_SYMBOLS` distinct symbols.
    pub fn add(
        &mut self,
        day: Day,
        time: u32,
        prog_type: Option<ProgType>,
        s1: Option<u32>,
        names: &[&str],
    ) -> Option<Joined> {
        let mut symbols: Vec<u32> = names.iter().map(|n| self.number(n)).collect();
        symbols.sort_unstable();
        symbols.dedup();
        if symbols.len() < MIN_SYMBOLS {
            return None;
        }
        let best = self.best(&symbols);
        let joined = match best {
            Some((b, similarity)) => {
                let basket = &self.baskets[b as usize];
                Joined {
                    basket: b,
                    bursts_before: basket.bursts,
                    days_before: basket.days,
                    similarity: Some(similarity),
                }
            }
            None => {
                self.baskets.push(Basket {
                    first: (day, time),
                    bursts: 0,
                    days: 0,
                    last_day: day,
                    counts: HashMap::new(),
                    core: Vec::new(),
                    indexed: 0,
                });
                self.seen.push(0);
                let b = (self.baskets.len() - 1) as u32;
                Joined { basket: b, bursts_before: 0, days_before: 0, similarity: None }
            }
        };
        self.join(joined.basket, day, &symbols);
        let similarity = joined.similarity;
        self.occurrences.push(Occurrence { day, time, prog_type, s1, symbols, basket: joined.basket, similarity });
        self.maybe_rebuild();
        Some(joined)
    }

    /// The basket a burst of these symbols would join, and its similarity, without taking the
    /// burst in (symbols met for the first time are numbered, nothing else changes).
    pub fn find(&mut self, names: &[&str]) -> Option<(u32, f64)> {
        let mut symbols: Vec<u32> = names.iter().map(|n| self.number(n)).collect();
        symbols.sort_unstable();
        symbols.dedup();
        if symbols.len() < MIN_SYMBOLS {
            return None;
        }
        self.best(&symbols)
    }

    /// Replays bursts already assigned (a saved state): no matching, the same baskets.
    pub fn replay(&mut self, occurrences: Vec<Occurrence>) -> Result<(), String> {
        for o in occurrences {
            if o.symbols.iter().any(|&s| s as usize >= self.names.len()) {
                return Err(format!("a burst at {} {} names an unknown symbol", o.day, o.time));
            }
            match (o.basket as usize).cmp(&self.baskets.len()) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    self.baskets.push(Basket {
                        first: (o.day, o.time),
                        bursts: 0,
                        days: 0,
                        last_day: o.day,
                        counts: HashMap::new(),
                        core: Vec::new(),
                        indexed: 0,
                    });
                    self.seen.push(0);
                }
                std::cmp::Ordering::Greater => {
                    return Err(format!("a burst at {} {} joins a basket not started yet", o.day, o.time));
                }
            }
            self.join(o.basket, o.day, &o.symbols);
            self.occurrences.push(o);
            self.maybe_rebuild();
        }
        Ok(())
    }

    /// The state as it was before the first burst of `day`: later bursts (and the baskets
    /// they started) are dropped.
    pub fn before(&self, day: Day) -> Clusters {
        let keep: Vec<Occurrence> = self.occurrences.iter().take_while(|o| o.day < day).cloned().collect();
        let mut c = Clusters::new(self.similarity);
        for n in &self.names {
            c.number(n);
        }
        // Replaying what this state took in cannot fail.
        if let Err(e) = c.replay(keep) {
            tracing::warn!("baskets: {e}");
        }
        c
    }

    fn join(&mut self, b: u32, day: Day, symbols: &[u32]) {
        let Some(basket) = self.baskets.get_mut(b as usize) else { return };
        basket.bursts += 1;
        if basket.days == 0 || basket.last_day != day {
            basket.days += 1;
            basket.last_day = day;
        }
        for &s in symbols {
            *basket.counts.entry(s).or_default() += 1;
            if let Some(d) = self.df.get_mut(s as usize) {
                *d += 1;
            }
        }
        let n = basket.bursts;
        let mut core: Vec<u32> = basket.counts.iter().filter(|(_, c)| 2 * **c >= n).map(|(s, _)| *s).collect();
        let rank = &self.rank;
        core.sort_unstable_by_key(|&s| rank[s as usize]);
        let indexed = prefix_len(core.len(), self.similarity);
        if core == basket.core && indexed == basket.indexed {
            return;
        }
        // Places shift when the core changes: its prefix is indexed afresh.
        for s in &basket.core[..basket.indexed] {
            if let Some(list) = self.postings.get_mut(*s as usize)
                && let Some(i) = list.iter().rposition(|&(x, _)| x == b)
            {
                list.swap_remove(i);
            }
        }
        basket.core = core;
        basket.indexed = indexed;
        for (place, s) in basket.core[..indexed].iter().enumerate() {
            if let Some(list) = self.postings.get_mut(*s as usize) {
                list.push((b, place as u32));
            }
        }
    }

    /// Each time the bursts taken in double, the global order is taken afresh from how many
    /// bursts held each symbol, and the index rebuilt in it (a few ms for 100,000 bursts).
    fn maybe_rebuild(&mut self) {
        if self.occurrences.len() < self.next_rebuild {
            return;
        }
        self.next_rebuild = self.occurrences.len() * 2;
        for (s, r) in self.rank.iter_mut().enumerate() {
            *r = u64::from(self.df[s]) << 32 | s as u64;
        }
        self.postings.iter_mut().for_each(Vec::clear);
        let rank = &self.rank;
        for (b, basket) in self.baskets.iter_mut().enumerate() {
            basket.core.sort_unstable_by_key(|&s| rank[s as usize]);
            for (place, s) in basket.core[..basket.indexed].iter().enumerate() {
                self.postings[*s as usize].push((b as u32, place as u32));
            }
        }
    }

    /// The basket most similar to `symbols` (ascending, distinct), if any reaches the
    /// similarity; the earliest basket among equals.
    fn best(&mut self, symbols: &[u32]) -> Option<(u32, f64)> {
        self.query = self.query.wrapping_add(1);
        if self.query == 0 {
            // Wrapped (after four billion bursts): clear the marks rather than misread them.
            self.seen.iter_mut().for_each(|x| *x = 0);
            self.marked.iter_mut().for_each(|x| *x = 0);
            self.query = 1;
        }
        let q = self.query;
        for &s in symbols {
            self.marked[s as usize] = q;
        }
        let n = symbols.len();
        let (lo, hi) = size_bounds(n, self.similarity);
        let mut best: Option<(u32, f64)> = None;
        let t = self.similarity;
        // The prefix in the global order: the largest numbers first.
        let mut ordered = symbols.to_vec();
        ordered.sort_unstable_by_key(|&s| self.rank[s as usize]);
        for (i, &s) in ordered.iter().take(prefix_len(n, t)).enumerate() {
            for &(b, j) in &self.postings[s as usize] {
                if std::mem::replace(&mut self.seen[b as usize], q) == q {
                    continue;
                }
                let core = &self.baskets[b as usize].core;
                let m = core.len();
                if m < lo || m > hi {
                    continue;
                }
                // Met first at this symbol: nothing before it in either order is shared (it
                // would have been met there), so at most what follows it in both is
                // (Xiao et al., PPJoin's positional filter).
                let needed = needed_overlap(n, m, t);
                if 1 + (n - 1 - i).min(m - 1 - j as usize) < needed {
                    continue;
                }
                let Some(overlap) = overlap_of(core, &self.marked, q, needed) else { continue };
                let jac = overlap as f64 / (n + m - overlap) as f64;
                if reaches(jac, t) && best.is_none_or(|(bb, bj)| jac > bj || (jac == bj && b < bb)) {
                    best = Some((b, jac));
                }
            }
        }
        best
    }
}

/// How many of `core` are marked with `q`; None as soon as fewer than `needed` can be.
fn overlap_of(core: &[u32], marked: &[u32], q: u32, needed: usize) -> Option<usize> {
    let mut hits = 0;
    for (k, &c) in core.iter().enumerate() {
        if marked[c as usize] == q {
            hits += 1;
        } else if hits + (core.len() - k - 1) < needed {
            return None;
        }
    }
    Some(hits)
}

/// The least overlap two sets of `n` and `m` need for Jaccard ≥ t: o / (n + m − o) ≥ t, so
/// o ≥ t(n + m) / (1 + t), rounded down a hair (a filter, never stricter than the check).
fn needed_overlap(n: usize, m: usize, t: f64) -> usize {
    ((t * (n + m) as f64 / (1.0 + t)) - 1e-9).ceil().max(0.0) as usize
}

/// Jaccard `j` reaches the threshold `t` (a hair of slack for `t` written in decimal: 3/5
/// reaches 0.6).
fn reaches(j: f64, t: f64) -> bool {
    j >= t - 1e-9
}

/// The least overlap a set of `n` needs with any set it has Jaccard ≥ t with: ⌈t·n⌉, rounded
/// down a hair so that a prefix is never too short.
fn min_overlap(n: usize, t: f64) -> usize {
    ((t * n as f64) - 1e-9).ceil().max(0.0) as usize
}

fn prefix_len(n: usize, t: f64) -> usize {
    if n == 0 { 0 } else { (n + 1).saturating_sub(min_overlap(n, t).max(1)).min(n) }
}

/// Sizes of the sets a set of `n` can have Jaccard ≥ t with: t·n to n/t.
fn size_bounds(n: usize, t: f64) -> (usize, usize) {
    let t = t.max(1e-6);
    (min_overlap(n, t), ((n as f64 / t) + 1e-9).floor() as usize)
}

#[cfg(test)]
#[path = "clusters_tests.rs"]
mod tests;
