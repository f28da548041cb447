//! The Baskets view (`B`) and the Basket column of Burst Signals on TestBackend, over days the
//! simulator wrote with planted players: what they show is what `ki2 baskets --json` prints for
//! the same archive, at 80×24 and 160×48.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use ki2::alerts::{Context, Evaluator, RuleSet};
use ki2::analysis::baskets::{BasketsTable, BasketsWorker, IndexBaskets, short_id};
use ki2::archive::{Archive, ColumnOrder, Day, read_day};
use ki2::sim::{self, Profile, SimOptions};
use ki2::ui::{App, BasketsJob, Theme};
use serde_json::Value as Json;

use super::support::ki2;
use super::ui::{archive_io, options, press, screen, write_day};

/// Five weekdays before the small day `ui::write_day` writes (2025-07-14).
const SIM_DAYS: [&str; 5] = ["20250707", "20250708", "20250709", "20250710", "20250711"];

fn day(s: &str) -> Day {
    Day::parse_compact(s).unwrap_or_else(|| panic!("not a day: {s}"))
}

struct Generated {
    root: tempfile::TempDir,
    /// `ki2 baskets --json` over it.
    json: Vec<Json>,
}

/// Seed 3's four players over five days, then the small hand-written day (its bursts hit three
/// symbols each: too few to join a basket, so the baskets are the five days').
fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| {
        let root = tempfile::tempdir().expect("tmp");
        let players = sim::players(3, 4);
        for d in SIM_DAYS {
            let opts = SimOptions { root: root.path().to_path_buf(), day: day(d), seed: 3, profile: Profile::Normal };
            sim::write_day_with(&opts, &players, None).expect("simulate");
        }
        write_day(root.path());
        let r = root.path().to_str().expect("utf-8");
        let (code, out, err) = ki2(&["baskets", "--root", r, "--json"]);
        assert_eq!(code, 0, "{err}");
        let json: Vec<Json> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert!(json.len() >= 3, "the players make baskets: {out}");
        Generated { root, json }
    })
}

/// The App over `d` of the archive, its bursts matched to the baskets of the days before it
/// (as `ki2 watch` does through the alert path), and an Io that finds the Baskets table.
fn app_on(root: &Path, d: &str, data: &Path) -> (App, ki2::commands::watch::ArchiveIo) {
    let archive = Archive::discover(root).expect("archive");
    let builder = ki2::history::builder(root, data, ColumnOrder::default());
    let context = Context::default().with_baskets(Arc::new(IndexBaskets::new(&archive, builder.clone(), 0.6)));
    let evaluator = Evaluator::new(RuleSet::defaults()).with_context(context);
    let day_data = read_day(&archive.files(day(d)), ColumnOrder::default());
    let app = App::from_day(day_data, options(Theme::mono()), evaluator).expect("app");
    let io = archive_io(root, &data.join("rules.toml")).with_baskets(BasketsWorker::new(&archive, builder, 0.6));
    (app, io)
}

/// Draws until the Baskets view no longer says it is finding them (the clock polls).
fn until_found(app: &mut App, w: u16, h: u16) -> String {
    let start = Instant::now();
    loop {
        app.tick();
        let s = screen(app, w, h);
        if !s.contains("Finding the recurring baskets") {
            return s;
        }
        assert!(start.elapsed() < Duration::from_secs(240), "still finding them:\n{s}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The cells of the view's row holding `id`, between the view's borders.
fn row_of(screen: &str, id: &str) -> Vec<String> {
    let line = screen.lines().find(|l| l.contains(id)).unwrap_or_else(|| panic!("{id} not listed:\n{screen}"));
    let cells = line.split('│').find(|seg| seg.contains(id)).unwrap_or_default();
    cells.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn the_baskets_view_shows_what_ki2_baskets_prints_and_its_detail() {
    let g = generated();
    let data = tempfile::tempdir().expect("tmp");
    let (mut app, mut io) = app_on(g.root.path(), "20250714", data.path());
    press(&mut app, &mut io, KeyCode::Char('B'));
    let big = until_found(&mut app, 160, 48);
    assert!(big.contains(&format!("{} seen 3+ times over 5 closed days", g.json.len())), "{big}");
    for b in &g.json {
        let id = b["id"].as_str().expect("id");
        let cells = row_of(&big, id);
        let n = |k: &str| b[k].as_u64().expect(k).to_string();
        let last: Vec<&str> = b["last"].as_str().expect("last").split('T').collect();
        let want = [
            short_id(id),
            id.to_owned(),
            b["symbols"].as_array().expect("symbols").len().to_string(),
            n("bursts"),
            n("days"),
            n("buy"),
            n("sell"),
            n("und"),
            b["median_time"].as_str().expect("median_time").to_owned(),
            last[0].to_owned(),
            last[1].to_owned(),
        ];
        // The sorted column's title has an arrow; the cells do not.
        assert_eq!(cells, want, "{id}:\n{big}");
    }
    // Most bursts first, as ki2 baskets lists them.
    let ids: Vec<&str> = g.json.iter().filter_map(|b| b["id"].as_str()).collect();
    let at: Vec<usize> = ids.iter().filter_map(|id| big.lines().position(|l| l.contains(id))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{ids:?} at {at:?}");
    insta::assert_snapshot!("baskets_160x48", big);
    let small = screen(&mut app, 80, 24);
    assert!(small.contains(ids[0]) && small.contains("Burst↓"), "{small}");
    insta::assert_snapshot!("baskets_80x24", small);

    // Enter: the first basket close up.
    press(&mut app, &mut io, KeyCode::Enter);
    let b = &g.json[0];
    let detail = screen(&mut app, 160, 48);
    let first = b["first"].as_str().expect("first").replace('T', " ");
    let last = b["last"].as_str().expect("last").replace('T', " ");
    let facts = format!("{} bursts on {} days", b["bursts"], b["days"]);
    assert!(detail.contains(&format!("Basket {} ({})", ids[0], short_id(ids[0]))), "{detail}");
    assert!(detail.contains(&facts) && detail.contains(&first) && detail.contains(&last), "{detail}");
    assert!(detail.contains(&format!("typical time {}", b["median_time"].as_str().unwrap_or("?"))), "{detail}");
    for s in b["symbols"].as_array().expect("symbols").iter().filter_map(|s| s.as_str()) {
        assert!(detail.contains(&format!("{s} ")), "core symbol {s} missing:\n{detail}");
    }
    insta::assert_snapshot!("basket_detail_160x48", detail);
    insta::assert_snapshot!("basket_detail_80x24", screen(&mut app, 80, 24));
    // Esc: back to the list, then closed.
    press(&mut app, &mut io, KeyCode::Esc);
    assert!(screen(&mut app, 160, 48).contains("seen 3+ times"));
    press(&mut app, &mut io, KeyCode::Esc);
    let closed = screen(&mut app, 160, 48);
    assert!(!closed.contains("Baskets ·") && closed.contains("Burst Signals"), "{closed}");
}

#[test]
fn the_basket_column_shows_each_bursts_basket_and_how_often_it_was_seen_before() {
    let g = generated();
    let data = tempfile::tempdir().expect("tmp");
    // The last simulated day: its players' bursts join the baskets of the four days before.
    let (mut app, mut io) = app_on(g.root.path(), "20250711", data.path());
    let small = screen(&mut app, 80, 24);
    assert!(!small.contains("Basket"), "no room at 80 columns: it goes first\n{small}");
    assert!(!screen(&mut app, 160, 48).contains("Basket"), "nor at 160 with every other column shown");
    assert!(screen(&mut app, 180, 48).contains("CU Basket"), "at 180 it fits beside them");
    // Burst Signals sorted by Basket (from Time, the previous column), Bckgrnd and CU hidden:
    // the recurring ones on top, with room for the column at 160×48.
    for k in [KeyCode::Tab, KeyCode::Char('<'), KeyCode::Char('C'), KeyCode::Down, KeyCode::Down, KeyCode::Down] {
        press(&mut app, &mut io, k);
    }
    press(&mut app, &mut io, KeyCode::Char(' '));
    for _ in 0..6 {
        press(&mut app, &mut io, KeyCode::Down);
    }
    press(&mut app, &mut io, KeyCode::Char(' '));
    press(&mut app, &mut io, KeyCode::Esc);
    let big = screen(&mut app, 160, 48);
    assert!(big.contains("Basket↓") && !big.contains("Bckgrnd"), "{big}");
    // Each short id with the most times seen before shown for it: on the basket's last day,
    // its last burst was seen bursts − 1 times before.
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for cell in big.split_whitespace().filter(|w| w.contains('·') && w.len() > 5) {
        let Some((short, n)) = cell.split_once('·') else { continue };
        let Ok(n) = n.trim_end_matches('│').parse::<u64>() else { continue };
        let e = seen.entry(short.to_owned()).or_default();
        *e = (*e).max(n);
    }
    let on_the_day: Vec<&Json> =
        g.json.iter().filter(|b| b["last"].as_str().is_some_and(|l| l.starts_with("2025-07-11"))).collect();
    assert!(!on_the_day.is_empty(), "a player fired on the last day");
    for b in on_the_day {
        let id = b["id"].as_str().expect("id");
        let bursts = b["bursts"].as_u64().expect("bursts");
        assert_eq!(seen.get(&short_id(id)), Some(&(bursts - 1)), "{id} ({}):\n{big}", short_id(id));
    }
    insta::assert_snapshot!("basket_column_160x48", big);
    // At 80 columns the column is cut, and the title says what the pane is sorted by.
    let small = screen(&mut app, 80, 24);
    assert!(small.contains("· Basket↓"), "{small}");
    insta::assert_snapshot!("basket_column_80x24", small);
}

/// An Io whose search never ends until the test sends the result, and whose days cannot be
/// read.
pub(crate) struct Pending {
    pub(crate) days: usize,
    pub(crate) send: Option<std::sync::mpsc::Sender<Result<BasketsTable, String>>>,
}

impl ki2::ui::Io for Pending {
    fn days(&mut self) -> Vec<Day> {
        Vec::new()
    }
    fn load_day(&mut self, day: Day) -> anyhow::Result<ki2::archive::DayData> {
        anyhow::bail!("no {day} here")
    }
    fn save_rules(&mut self, _: &RuleSet) -> anyhow::Result<std::path::PathBuf> {
        anyhow::bail!("read-only")
    }
    fn rules_changed(&mut self) -> Option<Result<RuleSet, String>> {
        None
    }
    fn save_view(&mut self, _: &ki2::view_file::ViewFile) -> anyhow::Result<std::path::PathBuf> {
        anyhow::bail!("read-only")
    }
    fn baskets(&mut self, _: Day, _: ki2::analysis::baskets::BurstSides) -> Option<BasketsJob> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.send = Some(tx);
        Some(BasketsJob { days: self.days, result: rx })
    }
}

#[test]
fn the_view_says_while_it_finds_the_baskets_and_when_there_is_nothing_to_find() {
    let dir = tempfile::tempdir().expect("tmp");
    write_day(dir.path());
    let mut app = super::ui::app_over(dir.path(), Theme::mono());
    let mut io = Pending { days: 12, send: None };
    press(&mut app, &mut io, KeyCode::Char('B'));
    app.tick();
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Finding the recurring baskets of the 12 closed days before 2025-07-14"), "{s}");
    // The result comes: none seen three times.
    let table = BasketsTable { days: vec![day("20250711")], bursts: 40, ..BasketsTable::default() };
    let sent = io.send.take().map(|tx| tx.send(Ok(table)).is_ok());
    assert_eq!(sent, Some(true), "the view holds the receiver");
    app.tick();
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("No basket seen 3 times or more over the 1 closed day (40 bursts matched)"), "{s}");
    // The key closes the view too.
    press(&mut app, &mut io, KeyCode::Char('B'));
    assert!(!screen(&mut app, 80, 24).contains("Baskets ·"));

    // No earlier day: said in words.
    let data = tempfile::tempdir().expect("tmp");
    let (mut app, mut io) = app_on(dir.path(), "20250714", data.path());
    press(&mut app, &mut io, KeyCode::Char('B'));
    let s = until_found(&mut app, 80, 24);
    assert!(s.contains("No closed days indexed before 2025-07-14"), "{s}");
    insta::assert_snapshot!("baskets_no_days_80x24", s);

    // A day read on its own, without an index: said too.
    let mut app = super::ui::app_over(dir.path(), Theme::mono());
    let mut io = archive_io(dir.path(), &data.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('B'));
    assert!(screen(&mut app, 80, 24).contains("No day index here"));
}

#[test]
fn the_baskets_key_is_rebindable_and_listed_in_the_help() -> Result<(), String> {
    let keys = ki2::ui::Keymap::with(&[ki2::ui::Rebind {
        action: "baskets".into(),
        keys: vec!["ctrl+b".into()],
        at: "line 2, column 1".into(),
    }])?;
    let dir = tempfile::tempdir().expect("tmp");
    write_day(dir.path());
    let mut app = super::ui::app_over(dir.path(), Theme::mono()).with_keys(keys);
    let mut io = Pending { days: 1, send: None };
    press(&mut app, &mut io, KeyCode::Char('B'));
    assert!(!screen(&mut app, 80, 24).contains("Baskets ·"), "B is unbound now");
    let ctrl_b = crossterm::event::KeyEvent::new(KeyCode::Char('b'), crossterm::event::KeyModifiers::CONTROL);
    if let Some(e) = app.on_key(ctrl_b) {
        ki2::ui::apply(e, &mut app, &mut io);
    }
    assert!(screen(&mut app, 80, 24).contains("Baskets ·"));
    press(&mut app, &mut io, KeyCode::Esc);
    press(&mut app, &mut io, KeyCode::Char('?'));
    let help = screen(&mut app, 160, 48);
    assert!(help.contains("Ctrl-b") && help.contains("recurring baskets across days"), "{help}");
    Ok(())
}

#[test]
fn an_earlier_day_opened_with_d_gets_its_basket_column_from_the_closed_days_baskets() {
    let g = generated();
    let data = tempfile::tempdir().expect("tmp");
    let archive = Archive::discover(g.root.path()).expect("archive");
    let builder = ki2::history::builder(g.root.path(), data.path(), ColumnOrder::default());
    let live = day("20250714");
    let opts = ki2::ui::AppOptions { live: true, ..options(Theme::mono()) };
    let store = ki2::store::DayStore::new(live).expect("store");
    let mut app = App::new(store, opts, Evaluator::new(RuleSet::defaults()));
    let mut io = archive_io(g.root.path(), &data.path().join("rules.toml"))
        .with_baskets(BasketsWorker::new(&archive, builder, 0.6));
    // d, the day below the live one (2025-07-11), Enter: shown as history, the search starts.
    for k in [KeyCode::Char('d'), KeyCode::Down, KeyCode::Enter, KeyCode::Tab, KeyCode::Char('<')] {
        press(&mut app, &mut io, k);
    }
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Date 2025-07-11") && s.contains("· Basket↓"), "{s}");
    // Copied, the top row by Basket names the basket seen most often before it that day.
    let want = g
        .json
        .iter()
        .filter(|b| b["last"].as_str().is_some_and(|l| l.starts_with("2025-07-11")))
        .filter_map(|b| Some((b["bursts"].as_u64()? - 1, b["id"].as_str()?.to_owned())))
        .max()
        .expect("a player fired on 2025-07-11");
    let start = Instant::now();
    let copied = loop {
        app.tick();
        press(&mut app, &mut io, KeyCode::Char('y'));
        let text = app.take_clipboard().unwrap_or_default();
        if text.lines().nth(1).is_some_and(|l| l.contains(",B2025")) {
            break text;
        }
        assert!(start.elapsed() < Duration::from_secs(240), "no basket copied yet:\n{text}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let header: Vec<&str> = copied.lines().next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = copied.lines().nth(1).unwrap_or_default().split(',').collect();
    let field = |name: &str| header.iter().position(|h| *h == name).and_then(|i| row.get(i)).copied();
    assert_eq!(field("basket"), Some(want.1.as_str()), "{copied}");
    assert_eq!(field("basket_seen_before"), Some(want.0.to_string().as_str()), "{copied}");
}
