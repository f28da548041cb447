//! Frame render time at 160×48 with the heavy day loaded (issue 7: one full frame ≤ 5 ms), for
//! the default screen, a symbol filter, the day sorted by a column (count, trades, symbol; scrolled
//! deep too) and the symbol view; the first frame
//! of each (cold caches) and the key that got there are timed separately. Then live frames (rows
//! appended between frames, as the tailer delivers them) with the terminal bytes each costs.
//!
//!     cargo bench --bench render
//!     KI2_BENCH_ROOT=/tmp/heavy cargo bench --bench render    # reuse a written heavy day
//!
//! `draw` is `Terminal::draw` on a TestBackend (the real path: render, diff, backend);
//! `render` is `App::render` alone into a cleared buffer. Without KI2_BENCH_ROOT the heavy day
//! (`ki2 simulate --date 20250714 --seed 1 --instant --profile heavy`) is written to a temp dir.
mod common;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::{Archive, ColumnOrder, Day, QuoteRow, Quotes, Rows, SecondOfDay, read_day};
use ki2::sim::{Profile, SimOptions, write_day};
use ki2::tail::TailEvent;
use ki2::ui::{App, AppOptions, Theme};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const W: u16 = 160;
const H: u16 = 48;
const DATE: &str = "20250714";

fn main() {
    // As `ki2`'s main does.
    ki2::platform::allocator::limit_arenas();
    let n: usize = std::env::var("KI2_BENCH_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let day = Day::parse_compact(DATE).expect("date");
    let _tmp;
    let root = match std::env::var_os("KI2_BENCH_ROOT") {
        Some(r) => std::path::PathBuf::from(r),
        None => {
            let dir = tempfile::tempdir().expect("tempdir");
            let t = Instant::now();
            let summary =
                write_day(&SimOptions { root: dir.path().to_path_buf(), day, seed: 1, profile: Profile::Heavy })
                    .expect("write the heavy day");
            println!("heavy day written in {:.1} s: {summary}", t.elapsed().as_secs_f64());
            let p = dir.path().to_path_buf();
            _tmp = dir;
            p
        }
    };
    let t = Instant::now();
    let archive = Archive::discover(&root).expect("archive");
    let data = read_day(&archive.files(day), ColumnOrder::default());
    let opts = || AppOptions {
        root_label: root.display().to_string(),
        theme: Theme::from_env(),
        bell: false,
        live: false,
        columns: Default::default(),
    };
    let mut app = App::from_day(data, opts(), Evaluator::new(RuleSet::defaults())).expect("app");
    println!(
        "loaded in {:.2} s: {} hft1 rows, {} bursts, {} alerts; {W}×{H}, {n} frames per case",
        t.elapsed().as_secs_f64(),
        app.store().quotes_len(),
        app.store().bursts_len(),
        app.alerts_shown().len()
    );
    println!(
        "{:<34} {:>9} {:>9} | {:>22} | {:>22}",
        "case", "key ms", "first ms", "draw p50/p99/max ms", "render p50/p99/max ms"
    );

    let mut term = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    case("default (newest first)", &mut app, &mut term, n, &[]);
    case("filter /SPY", &mut app, &mut term, n, &keys("/SPY\n"));
    case("filter /S* (prefix)", &mut app, &mut term, n, &[vec![key(KeyCode::Esc)], keys("/S*\n")].concat());
    case("sorted by count (s)", &mut app, &mut term, n, &[key(KeyCode::Esc), key(KeyCode::Char('s'))]);
    case("sorted by count + /SPY", &mut app, &mut term, n, &keys("/SPY\n"));
    // Any column: the whole day sorted by it, the filter too; Trades has many ties.
    case("sorted by trades + /SPY (>)", &mut app, &mut term, n, &keys(">"));
    case("sorted by trades (Esc: no filter)", &mut app, &mut term, n, &[key(KeyCode::Esc)]);
    case("sorted by trades, scrolled 200k down", &mut app, &mut term, n, &vec![key(KeyCode::PageDown); 5000]);
    case("sorted by symbol (< <)", &mut app, &mut term, n, &keys("<<"));
    // Back to the default order (s: by count, s: newest first), no filter: Enter on the newest row.
    case(
        "symbol view (Enter on newest row)",
        &mut app,
        &mut term,
        n,
        &[keys("ss"), vec![key(KeyCode::Enter)]].concat(),
    );
    // The busiest symbol: its day has the most rows.
    case(
        "symbol view SPY (/SPY, Enter)",
        &mut app,
        &mut term,
        n,
        &[vec![key(KeyCode::Esc)], keys("/SPY\n"), vec![key(KeyCode::Enter)]].concat(),
    );
    case("help overlay (?)", &mut app, &mut term, n, &[key(KeyCode::Esc), key(KeyCode::Esc), key(KeyCode::Char('?'))]);
    // Docked: the first frame gathers and sorts the rule's field over the day (its distribution).
    case("threshold editor (t), docked", &mut app, &mut term, n, &[key(KeyCode::Esc), key(KeyCode::Char('t'))]);
    case("editor: value stepped (-)", &mut app, &mut term, n, &[key(KeyCode::Char('-'))]);
    case("editor: next rule (↓, another field)", &mut app, &mut term, n, &[key(KeyCode::Down)]);
    app.on_key(key(KeyCode::Esc));
    let shown = app.store().quotes_len();
    let (bytes0, rss0) = (app.store().estimated_bytes(), common::proc_status_mb("VmRSS:"));

    // Live: rows appended between frames, as a 5,000 rows/s day delivers them each 100 ms
    // frame; the terminal is a crossterm backend writing into a byte counter, as in `ki2 watch`.
    println!();
    println!("live frames: rows appended before each frame, crossterm backend into a byte counter");
    println!(
        "{:<36} {:>8} | {:>26} | {:>22} | {:>16}",
        "case", "rows/frm", "ingest p50/p99/max ms >5ms", "draw p50/p99/max ms", "bytes/frame p50/max"
    );
    let live_day = Day::parse_compact(DATE).expect("date");
    // After the day's last row: new rows are the newest, on top of the default (time) order,
    // as on a live day. (Rows at an earlier time take their place in the day's order instead.)
    let mut clock = app.store().last_time().map_or(16 * 3600, |t| t.secs()) + 1;
    let mut seq = 0u64;
    // Paced cases sleep between frames as the event loop does (100 ms), so that the caches that
    // refresh at most once a second (top counts, the symbol view) do refresh: 30 frames, 3 s.
    let paced = Some(Duration::from_millis(100));
    for (label, per_frame, pace, setup) in [
        ("live default", 100usize, None, vec![]),
        ("live default", 500, None, vec![]),
        ("live default, paced 100 ms", 500, paced, vec![]),
        ("live filter /ZQ* (marker prefix)", 500, None, keys("/ZQ*\n")),
        ("live sorted by count", 500, None, vec![key(KeyCode::Esc), key(KeyCode::Char('s'))]),
        ("live sorted by count, paced 100 ms", 500, paced, vec![]),
        ("live sorted by trades", 500, None, keys(">")),
        ("live sorted by trades, paced 100 ms", 500, paced, vec![]),
        // s: by count, s: newest first.
        ("live symbol view S001, paced 100 ms", 500, paced, [keys("ss/S001\n"), vec![key(KeyCode::Enter)]].concat()),
    ] {
        let n = if pace.is_some() { 30 } else { n };
        for k in &setup {
            app.on_key(*k);
        }
        let bytes = ByteSink::default();
        let mut term = Terminal::with_options(
            CrosstermBackend::new(bytes.clone()),
            TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, W, H)) },
        )
        .expect("terminal");
        term.draw(|f| app.render(f)).expect("draw");
        let mut ingest = Vec::with_capacity(n);
        let mut draws = Vec::with_capacity(n);
        let mut sizes = Vec::with_capacity(n);
        for f in 0..n {
            let batch = batch(per_frame, f, &mut clock, &mut seq);
            let before = bytes.get();
            let t = Instant::now();
            app.on_tail(TailEvent::Rows { day: live_day, rows: batch });
            ingest.push(t.elapsed());
            let t = Instant::now();
            term.draw(|f| app.render(f)).expect("draw");
            draws.push(t.elapsed());
            sizes.push(bytes.get() - before);
            if let Some(p) = pace {
                std::thread::sleep(p);
            }
        }
        let slow = ingest.iter().filter(|d| **d > Duration::from_millis(5)).count();
        let (i50, i99, imax) = stats(&mut ingest);
        let (d50, d99, dmax) = stats(&mut draws);
        sizes.sort_unstable();
        println!(
            "{label:<36} {per_frame:>8} | {i50:>6.2} {i99:>6.2} {imax:>6.2} {slow:>3} | {d50:>6.2} {d99:>6.2} {dmax:>6.2}    | {:>7} {:>7}",
            sizes[sizes.len() / 2],
            sizes[sizes.len() - 1]
        );
    }
    let added = app.store().quotes_len() - shown;
    println!(
        "store growth over the {added} rows appended live: {:.1} bytes per hft1 row (heap bytes of the frames); \
         process RSS {rss0:.0} -> {:.0} MB",
        (app.store().estimated_bytes() - bytes0) as f64 / added.max(1) as f64,
        common::proc_status_mb("VmRSS:")
    );

    // A full repaint (after a clear or a resize) in bytes, the worst a frame can cost.
    let bytes = ByteSink::default();
    let mut term = Terminal::with_options(
        CrosstermBackend::new(bytes.clone()),
        TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, W, H)) },
    )
    .expect("terminal");
    // The default screen: close the symbol view, clear the filter (time order already).
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Esc));
    term.draw(|f| app.render(f)).expect("draw");
    let b0 = bytes.get();
    term.swap_buffers(); // both buffers now blank: the next frame is drawn whole
    term.draw(|f| app.render(f)).expect("draw");
    println!("full repaint of the default screen at {W}×{H}: {} bytes", bytes.get() - b0);
}

/// Presses `keys`, then draws: the first frame, and `n` more.
fn case(label: &str, app: &mut App, term: &mut Terminal<TestBackend>, n: usize, keys: &[KeyEvent]) {
    let t = Instant::now();
    for k in keys {
        app.on_key(*k);
    }
    let key_ms = ms(t.elapsed());
    let t = Instant::now();
    term.draw(|f| app.render(f)).expect("draw");
    let first = ms(t.elapsed());
    let mut draws = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        term.draw(|f| app.render(f)).expect("draw");
        draws.push(t.elapsed());
    }
    let mut renders = Vec::with_capacity(n);
    for _ in 0..n {
        term.swap_buffers(); // a blank buffer to draw into, as `draw` gives
        let t = Instant::now();
        app.render(&mut term.get_frame());
        renders.push(t.elapsed());
    }
    let (d50, d99, dmax) = stats(&mut draws);
    let (r50, r99, rmax) = stats(&mut renders);
    println!(
        "{label:<34} {key_ms:>9.2} {first:>9.2} | {d50:>6.2} {d99:>6.2} {dmax:>6.2}    | {r50:>6.2} {r99:>6.2} {rmax:>6.2}"
    );
}

/// `per_frame` hft1 rows of frame `f`, one second of market time per frame, one marker row
/// (`ZQ…`) in each; the other symbols are drawn from 500 (S000…S499) by a hash of the row
/// number, so that what the newest rows show changes every frame, as on a real day.
fn batch(per_frame: usize, f: usize, clock: &mut u32, seq: &mut u64) -> Rows {
    *clock = (*clock + 1).min(86_399);
    let time = SecondOfDay::from_secs(*clock).expect("time");
    let mut q = Quotes::default();
    for i in 0..per_frame {
        *seq += 1;
        let h = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        let sym = if i == per_frame / 2 { format!("ZQ{f:04}") } else { format!("S{:03}", h % 500) };
        q.push(QuoteRow {
            time,
            symbol: &sym,
            num_quotes: 1000 + (h % 900) as u32,
            bbo: 5,
            num_trades: 7,
            dollars: Some(1000.0),
        });
    }
    Rows::Quotes(q)
}

fn stats(v: &mut [Duration]) -> (f64, f64, f64) {
    v.sort_unstable();
    let at = |p: usize| ms(v[(v.len() * p / 100).min(v.len() - 1)]);
    (at(50), at(99), ms(v[v.len() - 1]))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Typed text; `\n` is Enter.
fn keys(text: &str) -> Vec<KeyEvent> {
    text.chars().map(|c| key(if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) })).collect()
}

/// Counts what the backend writes, and drops it.
#[derive(Clone, Default)]
struct ByteSink(Arc<AtomicU64>);

impl ByteSink {
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Write for ByteSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
