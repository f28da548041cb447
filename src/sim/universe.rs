//! The symbols the simulated market trades: well-known heavy names first, then a long tail of
//! made-up tickers (some with `.` and `/`, as class shares are written). The universe is the
//! same for every seed and day, so a history of days shares its symbols.

use fastrand::Rng;

/// Liquid names with a rough price: they dominate quote stuffing and program baskets.
const HEAVY: &[(&str, f64)] = &[
    ("SPY", 560.0),
    ("QQQ", 480.0),
    ("IWM", 210.0),
    ("AAPL", 220.0),
    ("MSFT", 430.0),
    ("NVDA", 125.0),
    ("AMZN", 190.0),
    ("TSLA", 250.0),
    ("META", 550.0),
    ("GOOGL", 170.0),
    ("GOOG", 172.0),
    ("AMD", 150.0),
    ("NFLX", 680.0),
    ("AVGO", 160.0),
    ("TQQQ", 70.0),
    ("BRK.B", 440.0),
    ("JPM", 210.0),
    ("XLF", 45.0),
    ("SMH", 240.0),
    ("DIA", 410.0),
    ("BAC", 40.0),
    ("SQQQ", 9.0),
    ("SOXL", 35.0),
    ("XLE", 90.0),
    ("TLT", 95.0),
    ("GLD", 220.0),
    ("UVXY", 25.0),
    ("EEM", 43.0),
    ("HYG", 78.0),
    ("XLK", 225.0),
    ("INTC", 22.0),
    ("MU", 100.0),
    ("ORCL", 150.0),
    ("CRM", 260.0),
    ("COST", 880.0),
    ("WMT", 75.0),
    ("PLTR", 30.0),
    ("COIN", 220.0),
    ("SMCI", 45.0),
    ("ARM", 140.0),
    ("UBER", 70.0),
    ("BA", 175.0),
    ("DIS", 95.0),
    ("XOM", 115.0),
    ("CVX", 155.0),
    ("UNH", 560.0),
    ("LLY", 880.0),
    ("V", 280.0),
    ("MA", 470.0),
    ("HD", 360.0),
    ("GS", 480.0),
    ("MS", 100.0),
    ("C", 62.0),
    ("WFC", 56.0),
    ("KO", 64.0),
    ("PFE", 28.0),
    ("T", 20.0),
    ("F", 11.0),
    ("BABA", 85.0),
    ("SOFI", 8.0),
    ("BF/B", 42.0),
    ("NIO", 5.0),
];

/// Class shares of the tail, written the two ways vendors do.
const CLASS_SHARES: &[&str] = &["LEN.B", "HEI/A", "MOG.A", "GEF/B", "CWEN.A", "LGF/A", "BIO.B", "BRK/A"];

const TAIL: usize = 2_400;
/// The universe never changes with the seed: the same symbols every day.
const UNIVERSE_SEED: u64 = 0x6b69_3253_594d;

pub struct Sym {
    pub name: Box<str>,
    pub price: f64,
    pub heavy: bool,
}

pub struct Universe {
    pub symbols: Vec<Sym>,
    /// Cumulative pick weights: all symbols (quote stuffing), the heavy names only (pre- and
    /// post-market), and the top of the list (program baskets).
    all: Vec<f64>,
    heavy: Vec<f64>,
    basket: Vec<f64>,
}

#[derive(Clone, Copy)]
pub enum Pool {
    All,
    Heavy,
    Basket,
}

impl Universe {
    pub fn new() -> Universe {
        let mut rng = Rng::with_seed(UNIVERSE_SEED);
        let mut symbols: Vec<Sym> =
            HEAVY.iter().map(|&(name, price)| Sym { name: name.into(), price, heavy: true }).collect();
        let mut taken: std::collections::HashSet<Box<str>> = symbols.iter().map(|s| s.name.clone()).collect();
        let mut class = CLASS_SHARES.iter();
        while symbols.len() < HEAVY.len() + TAIL {
            // Class shares sprinkled through the tail, not bunched at its head.
            let name: Box<str> = match (symbols.len() % 97 == 13).then(|| class.next()).flatten() {
                Some(c) => (*c).into(),
                None => {
                    let len = [1, 2, 3, 3, 3, 4, 4, 4, 4, 4][rng.usize(0..10)];
                    (0..len).map(|_| rng.uppercase()).collect::<String>().into()
                }
            };
            if taken.insert(name.clone()) {
                // Log-uniform between $1.50 and $400.
                let price = (1.5f64.ln() + rng.f64() * (400f64.ln() - 1.5f64.ln())).exp();
                symbols.push(Sym { name, price: (price * 100.0).round() / 100.0, heavy: false });
            }
        }
        // Zipf-like: rank r weighs 1/(r + 8), so the head is heavy but the tail holds most rows.
        let all = cumulative(symbols.len(), 8.0);
        let heavy = cumulative(HEAVY.len(), 4.0);
        let basket = cumulative(500.min(symbols.len()), 20.0);
        Universe { symbols, all, heavy, basket }
    }

    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    pub fn pick(&self, pool: Pool, rng: &mut Rng) -> usize {
        let cum = match pool {
            Pool::All => &self.all,
            Pool::Heavy => &self.heavy,
            Pool::Basket => &self.basket,
        };
        let total = cum.last().copied().unwrap_or(0.0);
        let x = rng.f64() * total;
        cum.partition_point(|&c| c <= x).min(cum.len().saturating_sub(1))
    }
}

fn cumulative(n: usize, offset: f64) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|r| {
            acc += 1.0 / (r as f64 + offset);
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn universe_is_fixed_unique_and_has_class_shares() {
        let u = Universe::new();
        assert_eq!(u.len(), HEAVY.len() + TAIL);
        let names: std::collections::HashSet<&str> = u.symbols.iter().map(|s| &*s.name).collect();
        assert_eq!(names.len(), u.len());
        assert!(names.contains("BRK.B") && names.contains("BF/B") && names.contains("LEN.B"));
        let again = Universe::new();
        assert!(u.symbols.iter().zip(&again.symbols).all(|(a, b)| a.name == b.name && a.price == b.price));
    }

    #[test]
    fn picks_favour_the_head_but_reach_the_tail() {
        let u = Universe::new();
        let mut rng = Rng::with_seed(3);
        let picks: Vec<usize> = (0..20_000).map(|_| u.pick(Pool::All, &mut rng)).collect();
        let head = picks.iter().filter(|&&i| i < HEAVY.len()).count();
        // The head is 2.5% of the symbols but about 40% of the picks.
        assert!((6_000..10_000).contains(&head), "{head}");
        assert!(picks.iter().any(|&i| i > 2_000));
        assert!((0..1000).all(|_| u.pick(Pool::Heavy, &mut rng) < HEAVY.len()));
    }
}
