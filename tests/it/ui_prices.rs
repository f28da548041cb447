//! Price bars in the views users already use, on ratatui's TestBackend over archive and bar
//! files written here: the symbol view's price line with the bursts that hit the symbol marked,
//! the selected burst's hit symbols' mean return so far on Syms Hit At's bottom border (held
//! against a computation of its own from the rows written, where a bar one second after the
//! burst must not enter the entry), what is said when there are no bars, and the command
//! layer's worker reading the live day's file again as it grows.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use ki2::archive::Day;
use ki2::commands::study::day_bars;
use ki2::prices::BarsState;
use ki2::ui::App;

use super::ui::{app as day_app, key, screen};

type Res = Result<(), Box<dyn std::error::Error>>;

/// The archive's day (`ui::write_day`): its newest burst, 09:30:06, hit AAPL, MSFT and VOO.
const BURST_S: u32 = 9 * 3600 + 30 * 60 + 6;

/// One-second bars (`symbol, HHMMSS, close`). AAPL jumps in the bar starting at the burst's
/// second (it ends one second after it) and the one starting a second later: neither is known
/// at 09:30:06. VOO has no bars.
const ROWS: [(&str, u32, f64); 14] = [
    ("AAPL", 93000, 200.00),
    ("AAPL", 93003, 200.40),
    ("AAPL", 93005, 200.50),
    ("AAPL", 93006, 209.00),
    ("AAPL", 93007, 210.00),
    ("AAPL", 100000, 203.00),
    ("AAPL", 113000, 198.00),
    ("AAPL", 140000, 204.10),
    ("AAPL", 155959, 202.25),
    ("MSFT", 93004, 400.00),
    ("MSFT", 93005, 401.00),
    ("MSFT", 110000, 399.50),
    ("MSFT", 150000, 397.00),
    ("SPY", 93000, 620.00),
];

fn write_bars(dir: &Path, rows: &[(&str, u32, f64)]) -> Res {
    let mut text = String::from("symbol,time,open,high,low,close,volume\n");
    for (s, t, c) in rows {
        text.push_str(&format!("{s},{t},{c},{c},{c},{c},100\n"));
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(format!("{}.csv", super::ui::DATE)), text)?;
    Ok(())
}

/// Ticks until the screen shows `what` (the worker reads the bars on its own thread).
fn wait_for(app: &mut App, w: u16, h: u16, what: &str) -> Result<String, String> {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        app.tick();
        let s = screen(app, w, h);
        if s.contains(what) {
            return Ok(s);
        }
        if Instant::now() > until {
            return Err(format!("no {what:?} on screen:\n{s}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn seconds(hhmmss: u32) -> u32 {
    hhmmss / 10_000 * 3600 + hhmmss / 100 % 100 * 60 + hhmmss % 100
}

/// The mean return as §6 words it, from the rows themselves: a one-second bar starting at s is
/// known from s + 1, the entry is the last known at the burst (within 300 s), the exit the
/// symbol's last bar; the mean over the hit symbols that have both.
fn expected_mean(rows: &[(&str, u32, f64)], symbols: &[&str], t: u32) -> (usize, f64) {
    let mut returns = Vec::new();
    for s in symbols {
        let mine: Vec<(u32, f64)> = rows.iter().filter(|r| r.0 == *s).map(|r| (seconds(r.1), r.2)).collect();
        // Ended (at start + 1) by t: started before it.
        let entry = mine.iter().filter(|(start, _)| *start < t && t - (start + 1) <= 300).max_by_key(|r| r.0);
        let exit = mine.iter().max_by_key(|r| r.0).filter(|(start, _)| start + 1 > t);
        if let (Some((_, e)), Some((_, x))) = (entry, exit) {
            returns.push((x / e - 1.0) * 10_000.0);
        }
    }
    (returns.len(), returns.iter().sum::<f64>() / returns.len() as f64)
}

#[test]
fn the_selected_burst_shows_its_hit_symbols_mean_return_to_the_latest_bar() -> Res {
    let (dir, app) = day_app();
    let prices = dir.path().join("prices");
    write_bars(&prices, &ROWS)?;
    let mut app = app.with_bars(day_bars::spawn(Some(prices), None));
    let (n, mean) = expected_mean(&ROWS, &["AAPL", "MSFT", "VOO"], BURST_S);
    assert_eq!(n, 2, "VOO has no bars");
    let s = wait_for(&mut app, 160, 48, &format!("{mean:+.1} bp to latest bar, 2 of 3"))?;
    assert!(s.contains("Syms Hit At 09:30:06"), "{s}");
    // Had the bar starting at the burst's second entered, the figure would be another.
    let (_, peeking) = expected_mean(&ROWS, &["AAPL", "MSFT", "VOO"], BURST_S + 1);
    assert_ne!(format!("{peeking:+.1}"), format!("{mean:+.1}"));
    insta::assert_snapshot!("prices_burst_return_160x48", s);
    let narrow = screen(&mut app, 80, 24);
    assert!(narrow.contains(&format!("{mean:+.1}bp 2/3")), "{narrow}");
    insta::assert_snapshot!("prices_burst_return_80x24", narrow);
    // An older burst whose symbols have no bars at all.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::End);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Syms Hit At 09:30:01") && s.contains("no return yet for its 3 symbols"), "{s}");
    Ok(())
}

#[test]
fn the_symbol_view_draws_the_days_price_line_with_its_bursts_marked() -> Res {
    let (dir, app) = day_app();
    let prices = dir.path().join("prices");
    write_bars(&prices, &ROWS)?;
    let mut app = app.with_bars(day_bars::spawn(Some(prices), None));
    wait_for(&mut app, 160, 48, "bp")?;
    // High Quote Counts' newest row is AAPL.
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("AAPL · 2025-07-14 · Esc back"), "{s}");
    assert!(s.contains("price 202.25 at 16:00:00 · 1 s bars · • bursts that hit it"), "{s}");
    assert!(s.contains("09:30") && s.contains("16:00") && s.contains("198.00") && s.contains("210.00"), "{s}");
    assert!(s.contains('•'), "the burst at 09:30:06 is marked: {s}");
    assert!(s.contains("1 bursts hit it: 09:30:06"), "{s}");
    insta::assert_snapshot!("prices_symbol_view_160x48", s);
    let narrow = screen(&mut app, 80, 24);
    assert!(narrow.contains("price 202.25") && narrow.contains('•'), "{narrow}");
    // Its rows still show under the chart.
    assert!(narrow.contains("09:30:06"), "{narrow}");
    insta::assert_snapshot!("prices_symbol_view_80x24", narrow);
    Ok(())
}

#[test]
fn without_bars_the_symbol_view_says_why_in_one_line_and_the_burst_shows_no_return() -> Res {
    // No prices folder given.
    let (_d, app) = day_app();
    let mut app = app.with_bars(day_bars::spawn(None, None));
    key(&mut app, KeyCode::Enter);
    let s = wait_for(&mut app, 80, 24, "price: no price bars: give --prices DIR or set [prices] dir")?;
    assert!(!s.contains(" bp"), "{s}");
    // A folder without the day's file.
    let (dir, app) = day_app();
    let prices = dir.path().join("prices");
    std::fs::create_dir_all(&prices)?;
    std::fs::write(prices.join("20250711.csv"), "symbol,time,open,high,low,close,volume\nAAPL,93000,1,1,1,1,1\n")?;
    let mut app = app.with_bars(day_bars::spawn(Some(prices), None));
    key(&mut app, KeyCode::Enter);
    wait_for(&mut app, 160, 48, "price: no bar file for 2025-07-14 in")?;
    // The day's file without the symbol: SPY (the oldest row) is in it, IWM is not.
    let (dir, app) = day_app();
    let prices = dir.path().join("prices");
    write_bars(&prices, &ROWS)?;
    let mut app = app.with_bars(day_bars::spawn(Some(prices), None));
    wait_for(&mut app, 160, 48, "bp")?;
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("IWM · 2025-07-14") && s.contains("price: no bars for IWM in 20250714.csv"), "{s}");
    Ok(())
}

#[test]
fn the_live_days_bars_are_read_again_when_their_file_grows() -> Res {
    let dir = tempfile::tempdir()?;
    write_bars(dir.path(), &ROWS[..3])?;
    let day = Day::parse_compact(super::ui::DATE).ok_or("day")?;
    let handle = day_bars::spawn(Some(dir.path().to_path_buf()), None);
    let bars_of = |handle: &ki2::prices::BarsHandle| match handle.days().0.get(&day) {
        Some(BarsState::Ready(b)) => b.bar_count(),
        _ => 0,
    };
    handle.want(day, &[]);
    let until = Instant::now() + Duration::from_secs(10);
    while bars_of(&handle) != 3 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(bars_of(&handle), 3);
    // Unchanged: a check reads nothing again (the version stays).
    let version = handle.version();
    handle.check(day);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(handle.version(), version);
    write_bars(dir.path(), &ROWS)?;
    handle.check(day);
    while bars_of(&handle) != ROWS.len() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(bars_of(&handle), ROWS.len());
    Ok(())
}
