//! The Baskets view over the live day and with prices: each basket's mean return after it fires
//! (the study's figures, computed on the baskets thread) held against an independent Python
//! polars computation (tests/study_check.py `baskets`) and shown in the detail; the live day's
//! bursts, as the alert path matched them, counted in the view; the closed days synced once for
//! the alert path and the view.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use ki2::alerts::{Context, Evaluator, RuleSet};
use ki2::analysis::baskets::{BasketsWorker, IndexBaskets, Returns, SharedBaskets};
use ki2::archive::{Archive, ColumnOrder, Day, read_day};
use ki2::commands::study::fires::{self, Prices};
use ki2::sim::{self, PricesOut, Profile, SimOptions};
use ki2::ui::{App, Theme};
use serde_json::Value as Json;

use super::support::ki2;
use super::ui::{archive_io, options, press, screen};

/// Six weekdays with seed 5's players and their minute bars; the last is the "live" day.
const DAYS: [&str; 6] = ["20250707", "20250708", "20250709", "20250710", "20250711", "20250714"];
const LIVE: &str = "20250714";

fn day(s: &str) -> Day {
    Day::parse_compact(s).unwrap_or_else(|| panic!("not a day: {s}"))
}

struct Generated {
    _dir: tempfile::TempDir,
    root: PathBuf,
    bars: PathBuf,
    /// `ki2 baskets --json` over all six days.
    json: Vec<Json>,
    /// `ki2 baskets --out` over all six days.
    out: PathBuf,
}

fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let (root, bars, out) = (dir.path().join("archive"), dir.path().join("bars"), dir.path().join("out"));
        let players = sim::players(5, 4);
        let prices = PricesOut { dir: bars.clone(), edge_bp: 50.0 };
        for d in DAYS {
            let opts = SimOptions { root: root.clone(), day: day(d), seed: 5, profile: Profile::Normal };
            sim::write_day_with(&opts, &players, Some(&prices)).expect("simulate");
        }
        let (r, o) = (root.to_str().expect("utf-8"), out.to_str().expect("utf-8"));
        let (code, text, err) = ki2(&["baskets", "--root", r, "--json", "--out", o]);
        assert_eq!(code, 0, "{err}");
        let json: Vec<Json> = text.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert!(json.len() >= 3, "the players make baskets: {text}");
        Generated { _dir: dir, root, bars, json, out }
    })
}

fn python_polars() -> bool {
    let ok = Command::new("python3").args(["-c", "import polars"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        let env = |k: &str| std::env::var(k).as_deref() == Ok("1");
        assert!(env("KI2_ALLOW_SKIP") && !env("KI2_REQUIRE_TOOLS"), "this test needs python polars");
        eprintln!("skipped: python3 cannot import polars");
    }
    ok
}

/// The closed days' baskets of the generated archive, with its index in `data` (as `ki2 watch`
/// shares them between the alert path and the Baskets view).
fn shared_baskets(g: &Generated, data: &Path) -> Arc<SharedBaskets> {
    let archive = Archive::discover(&g.root).expect("archive");
    SharedBaskets::new(&archive, ki2::history::builder(&g.root, data, ColumnOrder::default()), 0.6)
}

/// The live day's App, its bursts matched by the alert path through `shared`, and an Io whose
/// Baskets search shares it too (as `ki2 watch` wires them).
fn app_on(
    g: &Generated,
    shared: Arc<SharedBaskets>,
    prices: bool,
    data: &Path,
) -> (App, ki2::commands::watch::ArchiveIo) {
    let archive = Archive::discover(&g.root).expect("archive");
    let context = Context::default().with_baskets(Arc::new(IndexBaskets::sharing(shared.clone())));
    let evaluator = Evaluator::new(RuleSet::defaults()).with_context(context);
    let day_data = read_day(&archive.files(day(LIVE)), ColumnOrder::default());
    let app = App::from_day(day_data, options(Theme::mono()), evaluator).expect("app");
    let io = archive_io(&g.root, &data.join("rules.toml")).with_baskets(BasketsWorker::sharing(shared));
    let io = if prices { io.with_prices(Some(g.bars.clone()), None) } else { io };
    (app, io)
}

fn until(app: &mut App, what: &str, done: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        app.tick();
        let s = screen(app, 160, 48);
        if done(&s) {
            return s;
        }
        assert!(start.elapsed() < Duration::from_secs(240), "{what}:\n{s}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_returns_after_a_basket_fires_are_the_studys_and_match_polars() {
    let g = generated();
    let data = tempfile::tempdir().expect("tmp");
    let shared = shared_baskets(g, data.path());
    // The live day's bursts as the alert path takes them in, then the view's table.
    let context = Context::default().with_baskets(Arc::new(IndexBaskets::sharing(shared.clone())));
    let evaluator = Evaluator::new(RuleSet::defaults()).with_context(context);
    let app = App::from_day(
        read_day(&Archive::discover(&g.root).expect("archive").files(day(LIVE)), ColumnOrder::default()),
        options(Theme::mono()),
        evaluator,
    )
    .expect("app");
    let table = BasketsWorker::sharing(shared.clone()).compute(day(LIVE), &app.burst_sides(day(LIVE))).expect("table");
    assert!(table.today > 0, "the live day's bursts are in");
    let ids: Vec<&str> = table.baskets.iter().map(|l| l.report.id.as_str()).collect();
    let want: Vec<&str> = g.json.iter().filter_map(|b| b["id"].as_str()).collect();
    assert_eq!(ids, want, "the view lists what ki2 baskets lists over the same days");
    let Returns::Ready(by) = fires::returns(&Prices { dir: Some(g.bars.clone()), bar_s: None }, table.fires.clone())
    else {
        panic!("no returns")
    };
    let path = data.path().join("ki2.json");
    let mut f = std::fs::File::create(&path).expect("json");
    let mut lines = 0;
    for id in &ids {
        for s in by.get(*id).into_iter().flatten() {
            writeln!(f, "{}", serde_json::to_string(s).expect("json")).expect("write");
            lines += 1;
        }
    }
    assert!(lines >= 4 * 3, "returns for three baskets at four horizons at least: {lines}");
    if !python_polars() {
        return;
    }
    let checker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/study_check.py");
    let s = |p: &Path| p.to_str().expect("utf-8").to_owned();
    let out = Command::new("python3")
        .arg(checker)
        .args(["baskets", &s(&g.root), &s(&g.bars), &s(&g.out), &s(&path)])
        .output()
        .expect("python3");
    assert!(out.status.success(), "study_check.py baskets: {}", String::from_utf8_lossy(&out.stderr));
    let said: Json = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(said["compared"].as_u64(), Some(lines), "{said}");
}

#[test]
fn the_detail_says_the_return_after_it_fires_with_prices_and_a_plain_word_without() {
    let g = generated();
    for prices in [true, false] {
        let data = tempfile::tempdir().expect("tmp");
        let shared = shared_baskets(g, data.path());
        let (mut app, mut io) = app_on(g, shared.clone(), prices, data.path());
        press(&mut app, &mut io, KeyCode::Char('B'));
        until(&mut app, "still finding them", |s| s.contains("seen 3+ times"));
        press(&mut app, &mut io, KeyCode::Enter);
        let s = until(&mut app, "the returns never came", |s| !s.contains("computing from the price bars"));
        let id = g.json[0]["id"].as_str().expect("id");
        let line = s.lines().find(|l| l.contains("after it fires:")).unwrap_or_else(|| panic!("no line:\n{s}"));
        if prices {
            // The figures the study gives for this basket, as the detail writes them.
            let table =
                BasketsWorker::sharing(shared.clone()).compute(day(LIVE), &app.burst_sides(day(LIVE))).expect("table");
            let Returns::Ready(by) = fires::returns(&Prices { dir: Some(g.bars.clone()), bar_s: None }, table.fires)
            else {
                panic!("no returns")
            };
            let first = by.get(id).and_then(|l| l.first()).expect("a return at 1m");
            let t = first.t.map_or("-".to_owned(), |t| format!("{t:.1}"));
            let want = format!("+1m {:+.2}% (t {t}, n {})", first.mean_bp / 100.0, first.n_events);
            assert!(line.contains(&format!("after it fires: {want} · +5m ")), "{want}\n{s}");
        } else {
            assert!(line.contains("after it fires: no price bars: give --prices DIR or set [prices] dir"), "{s}");
        }
        // The alert path and the view synced the closed days once between them.
        assert_eq!(shared.syncs(), 1);
    }
}

#[test]
fn the_view_counts_the_live_days_bursts_as_the_alert_path_matched_them() {
    let g = generated();
    let data = tempfile::tempdir().expect("tmp");
    let (mut app, mut io) = app_on(g, shared_baskets(g, data.path()), false, data.path());
    press(&mut app, &mut io, KeyCode::Char('B'));
    let s = until(&mut app, "still finding them", |s| s.contains("seen 3+ times"));
    assert!(s.contains(&format!("{} seen 3+ times over 5 closed days and today", g.json.len())), "{s}");
    // Over the five closed days and today, the counts are those of ki2 baskets over all six,
    // today's bursts by their side too (the alert path matched them by their symbols alone).
    let fired_today = g.json.iter().filter(|b| b["last"].as_str().is_some_and(|l| l.starts_with("2025-07-14"))).count();
    assert!(fired_today > 0, "a player fired on the live day");
    for b in &g.json {
        let id = b["id"].as_str().expect("id");
        let row = s.lines().find(|l| l.contains(id)).unwrap_or_else(|| panic!("{id} not listed:\n{s}"));
        let cells: Vec<&str> = row.split('│').find(|c| c.contains(id)).unwrap_or_default().split_whitespace().collect();
        let n = |k: &str| b[k].as_u64().expect(k).to_string();
        let last: Vec<&str> = b["last"].as_str().expect("last").split('T').collect();
        assert_eq!(cells[3..8], [n("bursts"), n("days"), n("buy"), n("sell"), n("und")], "{id}:\n{s}");
        assert_eq!(cells[9..11], [last[0], last[1]], "{id}:\n{s}");
    }
}

/// Live: the view opened mid-day counts the bursts so far; the later ones, matched by the
/// alert path as their files come, bring it up to date while it is open (as the event loop does
/// each second), until it holds what `ki2 baskets` says of the six days.
#[test]
fn the_open_view_is_brought_up_to_date_as_the_live_days_bursts_come() {
    use ki2::archive::Rows;
    use ki2::tail::TailEvent;
    use ki2::ui::Io;
    let g = generated();
    let data = tempfile::tempdir().expect("tmp");
    let shared = shared_baskets(g, data.path());
    let live = day(LIVE);
    let context = Context::default().with_baskets(Arc::new(IndexBaskets::sharing(shared.clone())));
    let opts = ki2::ui::AppOptions { live: true, ..options(Theme::mono()) };
    let store = ki2::store::DayStore::new(live).expect("store");
    let mut app = App::new(store, opts, Evaluator::new(RuleSet::defaults()).with_context(context));
    let mut io = archive_io(&g.root, &data.path().join("rules.toml")).with_baskets(BasketsWorker::sharing(shared));
    let whole = read_day(&Archive::discover(&g.root).expect("archive").files(live), ColumnOrder::default());
    // The cut: the earliest last burst of a basket that fired on the live day, so at least
    // one basket's last burst comes after the view has opened.
    let cut = g
        .json
        .iter()
        .filter_map(|b| b["last"].as_str()?.strip_prefix("2025-07-14T").map(|t| t.replace(':', "")))
        .min()
        .expect("a player fires on the live day");
    let noon = ki2::archive::SecondOfDay::from_hhmmss(cut.parse().expect("hhmmss")).expect("cut");
    let feed = |app: &mut App, morning: bool| {
        let bursts: Vec<_> = whole.bursts.iter().filter(|b| (b.time < noon) == morning).cloned().collect();
        app.on_tail(TailEvent::Rows { day: live, rows: Rows::Bursts(bursts) });
        for (t, hits) in whole.symbols.iter().filter(|(t, _)| (**t < noon) == morning) {
            app.on_tail(TailEvent::Rows { day: live, rows: Rows::BurstSymbols { burst: *t, hits: hits.clone() } });
        }
    };
    feed(&mut app, true);
    app.on_tail(TailEvent::CaughtUp { day: live });
    press(&mut app, &mut io, KeyCode::Char('B'));
    let bursts_of = |s: &str, id: &str| -> u64 {
        let row = s.lines().find(|l| l.contains(id)).unwrap_or_default();
        let cells: Vec<&str> = row.split('│').find(|c| c.contains(id)).unwrap_or_default().split_whitespace().collect();
        cells.get(3).and_then(|c| c.parse().ok()).unwrap_or(0)
    };
    // The event loop's second: the clock, then a newer table when more bursts were matched
    // than the one shown holds (the alert path matches on a thread of its own).
    let settle = |app: &mut App, io: &mut ki2::commands::watch::ArchiveIo, done: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        loop {
            app.tick();
            if let Some(d) = app.baskets_refresh() {
                let job = io.baskets(d, app.burst_sides(d));
                app.baskets_started(d, job);
            }
            let s = screen(app, 160, 48);
            if done(&s) && app.baskets_refresh().is_none() {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "never settled:\n{s}");
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let after = format!("2025-07-14T{}", noon);
    let afternoon: Vec<&Json> =
        g.json.iter().filter(|b| b["last"].as_str().is_some_and(|l| l >= after.as_str())).collect();
    assert!(!afternoon.is_empty(), "a player fires after the cut {after}");
    let all_in = |s: &str| {
        afternoon.iter().all(|b| bursts_of(s, b["id"].as_str().unwrap_or("")) == b["bursts"].as_u64().unwrap_or(0))
    };
    // Until the morning's matches are all in the table shown (more than the closed days').
    let today = |s: &str| s.contains("and today");
    let s = loop {
        let a = settle(&mut app, &mut io, &today);
        std::thread::sleep(Duration::from_millis(500));
        if settle(&mut app, &mut io, &today) == a {
            break a;
        }
    };
    assert!(!all_in(&s), "the later bursts are not in yet:\n{s}");
    feed(&mut app, false);
    let s = settle(&mut app, &mut io, &all_in);
    for b in &g.json {
        let id = b["id"].as_str().expect("id");
        assert_eq!(bursts_of(&s, id), b["bursts"].as_u64().expect("bursts"), "{id}:\n{s}");
    }
}
