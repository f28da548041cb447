//! The Edges view (`E`) on ratatui's TestBackend: the study's table at 80×24 and 160×48 with
//! exactly the study's figures, its sort, a row's mean path around its events, what it says
//! while there is no study; and the command layer's worker over a simulated archive with bars,
//! whose table says what `ki2 study --json` says.

use std::sync::Arc;

use crossterm::event::KeyCode;
use ki2::analysis::study::{
    Ask, Event, Inputs, Output, Pair, Path, Series, Study, StudyHandle, StudyState, Subject, Summary, horizon,
};
use ki2::archive::Day;
use ki2::ui::App;

use super::ui::{app, key, keys, screen};

type Res = Result<(), Box<dyn std::error::Error>>;

fn summary(
    event: &str,
    subject: &'static str,
    h: u32,
    (k, n): (usize, usize),
    mean: f64,
    hit: f64,
    t: Option<f64>,
) -> Summary {
    let baseline = t.map(|_| 0.25);
    Summary {
        event: event.into(),
        subject,
        horizon_s: h,
        n_events: k,
        n,
        mean_bp: mean,
        median_bp: mean,
        hit_rate: hit,
        t,
        baseline_bp: baseline,
        excess_bp: baseline.map(|b| mean - b),
    }
}

/// A small study by hand: two days, a burst group on its hit symbols and the market, a capper
/// group with one event; horizons 1m and 5m; mean paths from −30 to +30 min.
pub(crate) fn study() -> Study {
    let days = vec![Day::parse_compact("20250709").unwrap(), Day::parse_compact("20250710").unwrap()];
    let ev = |day, time, symbols: &[u32]| Event { day, time, symbols: symbols.to_vec() };
    let series = vec![
        Series {
            event: "burst/HIGH/Buy".into(),
            subject: Subject::Hit,
            events: vec![ev(0, 34260, &[0, 1]), ev(1, 36000, &[0])],
        },
        Series {
            event: "burst/HIGH/Buy".into(),
            subject: Subject::Market,
            events: vec![ev(0, 34260, &[2]), ev(1, 36000, &[2])],
        },
        Series { event: "capper/Sell".into(), subject: Subject::Hit, events: vec![ev(1, 40000, &[1])] },
    ];
    let offsets: Vec<i32> = (-30..=30).map(|m| m * 60).collect();
    let path = |series: usize, k: usize, slope: f64| Path {
        series,
        offsets: offsets.clone(),
        mean: offsets.iter().map(|o| Some(if *o <= 0 { 0.0 } else { slope * f64::from(*o) / 1800.0 })).collect(),
        se: offsets.iter().map(|o| (k >= 2).then(|| 0.5 + f64::from(o.abs()) / 1800.0)).collect(),
        events: vec![k; offsets.len()],
        per_event: Vec::new(),
    };
    let pair = |series, event, day, time, symbol, r: [f64; 2]| Pair {
        series,
        event,
        day,
        time,
        symbol,
        entry: Some(100.0),
        returns: r.iter().map(|x| Some(*x)).collect(),
    };
    Study {
        inputs: Inputs { days, series, horizons: vec![60, 300], path: offsets.clone(), ..Inputs::default() },
        output: Output {
            pairs: vec![
                pair(0, 0, 0, 34260, 0, [5.0, -2.0]),
                pair(0, 0, 0, 34260, 1, [3.5, -1.0]),
                pair(0, 1, 1, 36000, 0, [4.25, -1.5]),
                pair(1, 0, 0, 34260, 2, [1.0, 0.5]),
                pair(1, 1, 1, 36000, 2, [0.6, -0.1]),
                pair(2, 0, 1, 40000, 1, [12.0, 20.0]),
            ],
            summary: vec![
                summary("burst/HIGH/Buy", "hit", 60, (2, 3), 4.25, 1.0, Some(2.5)),
                summary("burst/HIGH/Buy", "hit", 300, (2, 3), -1.625, 0.0, Some(-0.8)),
                summary("burst/HIGH/Buy", "market", 60, (2, 2), 0.8, 1.0, Some(1.1)),
                summary("capper/Sell", "hit", 60, (1, 1), 12.0, 1.0, None),
            ],
            paths: vec![path(0, 2, 6.0), path(1, 2, 1.0), path(2, 1, -9.0)],
            days_with_bars: 2,
        },
        notes: Vec::new(),
        live: None,
        malformed: Vec::new(),
    }
}

fn with_study(app: App, state: StudyState) -> App {
    app.with_study(StudyHandle::fixed(state))
}

/// The screen's words, the box-drawing lines taken out.
fn tokens(line: &str) -> Vec<&str> {
    line.split(|c: char| c.is_whitespace() || c == '"' || ('\u{2500}'..='\u{257f}').contains(&c))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The row of (event, subject, horizon), as its nine cells read on screen.
fn row<'a>(screen: &'a str, s: &Summary) -> Option<Vec<&'a str>> {
    let h = horizon(s.horizon_s);
    screen.lines().map(tokens).find_map(|t| {
        let i = t.windows(3).position(|w| w[0] == s.event && w[1] == s.subject && w[2] == h)?;
        Some(t[i..(i + 9).min(t.len())].to_vec())
    })
}

/// What `ki2 study` prints for the line, cell by cell.
fn expected(s: &Summary) -> Vec<String> {
    let opt = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
    vec![
        s.event.clone(),
        s.subject.to_owned(),
        horizon(s.horizon_s),
        s.n_events.to_string(),
        s.n.to_string(),
        format!("{:.2}", s.mean_bp),
        format!("{:.1}", s.hit_rate * 100.0),
        opt(s.t),
        opt(s.excess_bp),
    ]
}

#[test]
fn shift_e_opens_the_edges_table_with_the_studys_own_figures_at_both_sizes() -> Res {
    let (_d, app) = app();
    let study = study();
    let mut app = with_study(app, StudyState::Ready(Arc::new(study.clone())));
    keys(&mut app, "E");
    let big = screen(&mut app, 160, 48);
    assert!(big.contains("Edges · the study over 2 closed day(s) · Esc closes"), "{big}");
    for s in &study.output.summary {
        assert_eq!(row(&big, s), Some(expected(s).iter().map(String::as_str).collect()), "{big}");
    }
    assert!(big.contains("2 day(s), 2 with bars; 3 event(s) · Enter"), "{big}");
    insta::assert_snapshot!("edges_table_160x48", big);
    let small = screen(&mut app, 80, 24);
    // At 80 columns the least needed columns go; the event, horizon, mean and t stay.
    for s in &study.output.summary {
        let cells = row(&small, s).ok_or_else(|| format!("{} missing:\n{small}", s.event))?;
        for want in [format!("{:.2}", s.mean_bp), s.t.map_or("-".into(), |t| format!("{t:.2}"))] {
            assert!(cells.contains(&want.as_str()), "{want} not in {cells:?}:\n{small}");
        }
    }
    insta::assert_snapshot!("edges_table_80x24", small);
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 160, 48).contains("Edges ·"), "Esc closes the view");
    Ok(())
}

#[test]
fn the_edges_key_is_in_the_help_and_can_be_rebound() -> Res {
    let (_d, mut app) = app();
    keys(&mut app, "?");
    let help = screen(&mut app, 160, 48);
    assert!(
        help.lines()
            .any(|l| l.contains("  E   ") && l.contains("Edges: the event study over past days (Enter: its path)")),
        "{help}"
    );
    key(&mut app, KeyCode::Esc);
    let rebind = ki2::ui::Rebind { action: "edges".into(), keys: vec!["f6".into()], at: "line 2, column 1".into() };
    let mut app = with_study(app.with_keys(ki2::ui::Keymap::with(&[rebind])?), StudyState::Ready(Arc::new(study())));
    keys(&mut app, "E");
    assert!(!screen(&mut app, 160, 48).contains("Edges ·"), "E was rebound away");
    key(&mut app, KeyCode::F(6));
    assert!(screen(&mut app, 160, 48).contains("Edges ·"), "F6 opens it");
    // The view's own key closes it too.
    key(&mut app, KeyCode::F(6));
    assert!(!screen(&mut app, 160, 48).contains("Edges ·"));
    Ok(())
}

/// The event names of the table's rows, top to bottom.
fn order(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(tokens)
        .filter_map(|t| {
            let i = t.iter().position(|w| w.starts_with("burst/") || w.starts_with("capper/"))?;
            Some(format!("{} {} {}", t[i], t[i + 1], t[i + 2]))
        })
        .collect()
}

#[test]
fn the_sort_keys_of_the_list_panes_sort_the_table_and_r_reverses_it() -> Res {
    let (_d, app) = app();
    let mut app = with_study(app, StudyState::Ready(Arc::new(study())));
    keys(&mut app, "E");
    let s = screen(&mut app, 160, 48);
    assert_eq!(
        order(&s),
        ["burst/HIGH/Buy hit 1m", "burst/HIGH/Buy hit 5m", "burst/HIGH/Buy market 1m", "capper/Sell hit 1m"],
        "the study's own order first:\n{s}"
    );
    // > five times: Mean bp, smallest first; r: largest first.
    keys(&mut app, ">>>>>");
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Mean bp↑"), "{s}");
    assert_eq!(order(&s)[..2], ["burst/HIGH/Buy hit 5m", "burst/HIGH/Buy market 1m"], "{s}");
    keys(&mut app, "r");
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Mean bp↓"), "{s}");
    assert_eq!(order(&s)[0], "capper/Sell hit 1m", "{s}");
    // t: the capper's is missing (one event), so it goes last either way.
    keys(&mut app, ">>");
    let s = screen(&mut app, 160, 48);
    assert_eq!(order(&s)[3], "capper/Sell hit 1m", "{s}");
    keys(&mut app, "r");
    assert_eq!(order(&screen(&mut app, 160, 48))[3], "capper/Sell hit 1m");
    Ok(())
}

#[test]
fn enter_on_a_row_draws_its_mean_path_in_braille_with_its_events_and_esc_goes_back() -> Res {
    let (_d, app) = app();
    let mut app = with_study(app, StudyState::Ready(Arc::new(study())));
    keys(&mut app, "E");
    key(&mut app, KeyCode::Enter);
    let big = screen(&mut app, 160, 48);
    assert!(big.contains("burst/HIGH/Buy · hit · mean cumulative return (bp) ±2 SE · Esc back"), "{big}");
    assert!(big.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)), "no braille:\n{big}");
    for label in ["-30", "-15", "+15", "+30", "min"] {
        assert!(big.contains(label), "x axis lacks {label}:\n{big}");
    }
    // Its two events, each with its own mean over its symbols at 1m (5 and 3.5 → 4.25).
    let lines: Vec<Vec<&str>> =
        big.lines().map(tokens).filter(|t| t.first().is_some_and(|w| w.starts_with("2025-07-"))).collect();
    assert_eq!(
        lines,
        [vec!["2025-07-09", "09:31:00", "2", "4.25"], vec!["2025-07-10", "10:00:00", "1", "4.25"]],
        "{big}"
    );
    assert!(big.contains("+1m bp"), "{big}");
    insta::assert_snapshot!("edges_path_160x48", big);
    insta::assert_snapshot!("edges_path_80x24", screen(&mut app, 80, 24));
    key(&mut app, KeyCode::Esc);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Excess bp") && !s.contains("Esc back"), "Esc goes back to the table:\n{s}");
    // E closes the view from the path too, and opens it again on the table.
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "E");
    assert!(!screen(&mut app, 160, 48).contains("Edges ·"));
    keys(&mut app, "E");
    assert!(screen(&mut app, 160, 48).contains("Excess bp"));
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 160, 48).contains("Edges ·"));
    Ok(())
}

#[test]
fn while_there_is_no_study_the_view_says_why_in_words() -> Res {
    let (_d, app) = app();
    let mut app = with_study(app, StudyState::Computing { days: 12 });
    keys(&mut app, "E");
    assert!(screen(&mut app, 80, 24).contains("computing the study over 12 days…"));
    let (_d, app) = super::ui::app();
    let mut app = with_study(app, StudyState::Unavailable(ki2::commands::study::NO_BARS.into()));
    keys(&mut app, "E");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("no price bars: give --prices DIR or set [prices] dir in config.toml"), "{s}");
    Ok(())
}

/// Three simulated days (seed 3) with their minute bars, the worker of `ki2 watch` over them,
/// and `ki2 study --json` over the same: every row the view shows says what the command says.
#[test]
fn the_watch_worker_studies_a_simulated_archive_and_shows_what_ki2_study_prints() -> Res {
    use ki2::alerts::{Evaluator, RuleSet};
    use ki2::archive::{Archive, ColumnOrder};
    use ki2::commands::study::background::{Setup, spawn};
    let dir = tempfile::tempdir()?;
    let (root, bars) = (dir.path().join("archive"), dir.path().join("bars"));
    let (r, b) = (root.to_str().ok_or("path")?, bars.to_str().ok_or("path")?);
    let (code, _, err) = super::support::ki2(&[
        "simulate",
        "--root",
        r,
        "--prices",
        b,
        "--date",
        "20250714",
        "--days",
        "2",
        "--instant",
        "--seed",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = super::support::ki2(&["study", "--root", r, "--prices", b, "--json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = json.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    let builder = ki2::history::builder(&root, &dir.path().join("data"), ColumnOrder::default());
    let study = spawn(Setup {
        config: ki2::config::Config::default(),
        root: root.clone(),
        prices: Some(bars.clone()),
        rules: RuleSet::defaults(),
        builder,
        keep_bars: ki2::commands::study::background::KEEP_BARS,
    });
    let day = Day::parse_compact("20250714").ok_or("day")?;
    let data = ki2::archive::read_day(&Archive::discover(&root)?.files(day), ColumnOrder::default());
    let app = App::from_day(data, super::ui::options(ki2::ui::Theme::mono()), Evaluator::new(RuleSet::defaults()))?;
    let mut app = app.with_study(study);
    keys(&mut app, "E");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut s = screen(&mut app, 160, 48);
    while !s.contains("Excess bp") && std::time::Instant::now() < deadline {
        assert!(s.contains("computing the study"), "{s}");
        std::thread::sleep(std::time::Duration::from_millis(50));
        app.tick();
        s = screen(&mut app, 160, 48);
    }
    assert!(s.contains("the study over 3 closed day(s)"), "{s}");
    let mut matched = 0;
    for l in &lines {
        let f = |k: &str| l[k].as_f64();
        let line = Summary {
            event: l["event"].as_str().ok_or("event")?.to_owned(),
            subject: match l["subject"].as_str() {
                Some("hit") => "hit",
                Some("market") => "market",
                _ => "symbol",
            },
            horizon_s: l["horizon_s"].as_u64().ok_or("horizon")? as u32,
            n_events: l["n_events"].as_u64().ok_or("n_events")? as usize,
            n: l["n"].as_u64().ok_or("n")? as usize,
            mean_bp: f("mean_bp").ok_or("mean")?,
            median_bp: f("median_bp").ok_or("median")?,
            hit_rate: f("hit_rate").ok_or("hit")?,
            t: f("t"),
            baseline_bp: f("baseline_bp"),
            excess_bp: f("excess_bp"),
        };
        if let Some(cells) = row(&s, &line) {
            assert_eq!(cells, expected(&line), "{s}");
            matched += 1;
        }
    }
    let shown = order(&s).len() + s.lines().filter(|l| l.contains("first_seen")).count();
    assert!(matched >= 10 && matched == shown, "{matched} of {shown} rows matched ki2 study --json:\n{s}");
    Ok(())
}

/// While watching live: the study is asked for when the view first opens, and again once the
/// live day has ended (that day is a closed day now), the view showing it computing meanwhile.
#[test]
fn the_study_is_asked_for_on_opening_and_again_after_the_live_day_ends() -> Res {
    use ki2::alerts::{Evaluator, RuleSet};
    let (d1, d2) = (Day::parse_compact("20250714").ok_or("day")?, Day::parse_compact("20250715").ok_or("day")?);
    let mut opts = super::ui::options(ki2::ui::Theme::mono());
    opts.live = true;
    let store = ki2::store::DayStore::new(d1)?;
    let (handle, worker) = StudyHandle::channel();
    let mut app = App::new(store, opts, Evaluator::new(RuleSet::defaults())).with_study(handle);
    keys(&mut app, "E");
    assert_eq!(worker.next(), Some(Ask::Closed(d1)), "opening the view asks for the study");
    assert!(screen(&mut app, 80, 24).contains("computing the study…"));
    worker.set(StudyState::Ready(Arc::new(study())));
    app.tick();
    assert!(screen(&mut app, 80, 24).contains("Excess bp"));
    app.on_tail(ki2::tail::TailEvent::DayChanged { from: d1, to: d2 });
    app.tick();
    // Looks at the live day came in between (the view over a finished study, watching live).
    let next = std::iter::from_fn(|| worker.next()).find(|a| *a != Ask::Live);
    assert_eq!(next, Some(Ask::Closed(d2)), "the day that ended is studied too");
    assert!(screen(&mut app, 80, 24).contains("computing the study…"));
    worker.set(StudyState::Ready(Arc::new(study())));
    app.tick();
    assert!(screen(&mut app, 80, 24).contains("Excess bp"));
    Ok(())
}

/// The day on screen and July 11 with a burst each, and a study whose first group has an event
/// on each: July 11's first, then the day on screen's.
fn two_days_with_events() -> Result<(tempfile::TempDir, App), Box<dyn std::error::Error>> {
    let (dir, app) = app();
    super::ui::write(dir.path(), "Data/20250711_hft1.csv", "SPY,0,94500,300,1,1,2000000,\n");
    super::ui::write(dir.path(), "Data_Burst/20250711.csv", "94500,3,1,0,98,437,1,0,1,2\n");
    super::ui::write(
        dir.path(),
        "Data_Burst_Symbols/Burst_20250711_094500.csv",
        "Symbol,NumTrades,NumQuotes,BBO\nSPY,42,300,1\n",
    );
    let mut s = study();
    s.inputs.days =
        vec![Day::parse_compact("20250711").ok_or("day")?, Day::parse_compact(super::ui::DATE).ok_or("day")?];
    s.inputs.series[0].events = vec![
        Event { day: 0, time: 9 * 3600 + 45 * 60, symbols: vec![0, 1] },
        Event { day: 1, time: 9 * 3600 + 30 * 60 + 1, symbols: vec![0] },
    ];
    let app = with_study(app, StudyState::Ready(Arc::new(s)));
    Ok((dir, app))
}

/// Enter on an event of a row's path: that day on screen at that burst — the day shown at
/// once, another day read first (as `d` reads it).
#[test]
fn enter_on_an_event_opens_its_day_at_its_burst() -> Res {
    let (dir, mut app) = two_days_with_events()?;
    assert!(screen(&mut app, 160, 48).contains("Syms Hit At 09:30:06"), "the newest burst at first");
    keys(&mut app, "E");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let shown = screen(&mut app, 160, 48);
    assert!(!shown.contains("Edges ·") && shown.contains("Syms Hit At 09:30:01"), "{shown}");
    keys(&mut app, "E");
    key(&mut app, KeyCode::Enter);
    let mut io = super::ui::archive_io(dir.path(), &dir.path().join("rules.toml"));
    super::ui::press(&mut app, &mut io, KeyCode::Enter);
    let other = screen(&mut app, 160, 48);
    assert!(other.contains("Date 2025-07-11") && other.contains("Syms Hit At 09:45:00"), "{other}");
    Ok(())
}

#[test]
fn enter_on_a_row_without_a_path_says_so_instead_of_nothing() -> Res {
    let (_d, app) = app();
    let mut s = study();
    s.output.paths.clear();
    let mut app = with_study(app, StudyState::Ready(Arc::new(s)));
    keys(&mut app, "E");
    key(&mut app, KeyCode::Enter);
    let big = screen(&mut app, 160, 48);
    assert!(!big.contains("Esc back"), "no path view opened:\n{big}");
    assert!(big.contains("no path to draw for this row"), "{big}");
    Ok(())
}

/// Watching live, the open view over a finished study hands the live day's events to the
/// study's worker (a look at its bars with them), and shows how far the live day's bars go once
/// the study comes back with the day on top.
#[test]
fn watching_live_the_view_hands_over_the_live_day_and_says_how_far_its_bars_go() -> Res {
    use ki2::alerts::{Evaluator, RuleSet};
    use ki2::analysis::study::Live;
    let today = Day::today();
    let mut opts = super::ui::options(ki2::ui::Theme::mono());
    opts.live = true;
    let (handle, worker) = StudyHandle::channel();
    let mut app =
        App::new(ki2::store::DayStore::new(today)?, opts, Evaluator::new(RuleSet::defaults())).with_study(handle);
    keys(&mut app, "E");
    assert_eq!(worker.next(), Some(Ask::Closed(today)));
    app.tick();
    assert_eq!(worker.waiting(), None, "nothing is handed over before the closed days' study");
    worker.set(StudyState::Ready(Arc::new(study())));
    app.tick();
    assert_eq!(worker.waiting(), Some(Ask::Live));
    let live = worker.live_day().ok_or("no live day handed over")?;
    assert_eq!((live.day, live.bursts.len()), (today, 0));
    keys(&mut app, "j");
    let before = screen(&mut app, 80, 24);
    let mut on_top = study();
    on_top.live = Some(Live { day: today, bars_to: Some(10 * 3600 + 31 * 60) });
    worker.update(StudyState::Ready(Arc::new(on_top)));
    app.tick();
    let after = screen(&mut app, 80, 24);
    assert!(after.contains("1 closed day(s) + today (bars to 10:31:00)"), "{after}");
    let body = |s: &str| s.lines().filter(|l| !l.contains(" Edges · ")).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&before), body(&after), "the same rows");
    Ok(())
}

/// `m` in the Edges view lists every malformed bar row of the study, file:line: reason (the
/// notes name only the first few); `m` again or Esc goes back to the table. Without any, it says so.
#[test]
fn m_lists_every_malformed_bar_row_of_the_study() -> Res {
    use ki2::archive::{Malformed, Reason};
    let mut s = study();
    let file: Arc<std::path::Path> = Arc::from(std::path::Path::new("/bars/20250709.csv"));
    s.malformed = (1..=5)
        .map(|i| Malformed {
            file: file.clone(),
            line: i * 10,
            reason: Reason::NotANumber { field: "close", value: format!("x{i}") },
        })
        .collect();
    s.notes = vec!["5 malformed bar row(s) skipped: … m lists them".into()];
    let (_d, a) = app();
    let mut a = with_study(a, StudyState::Ready(Arc::new(s)));
    keys(&mut a, "E");
    assert!(screen(&mut a, 80, 24).contains("m lists them"));
    keys(&mut a, "m");
    let shown = screen(&mut a, 80, 24);
    assert!(shown.contains("5 malformed rows skipped"), "{shown}");
    for i in 1..=5 {
        assert!(shown.contains(&format!("/bars/20250709.csv:{}: close is not a number: \"x{i}\"", i * 10)), "{shown}");
    }
    keys(&mut a, "m");
    assert!(screen(&mut a, 80, 24).contains("Excess bp"));
    let (_e, b) = app();
    let mut b = with_study(b, StudyState::Ready(Arc::new(study())));
    keys(&mut b, "Em");
    let s = screen(&mut b, 80, 24);
    assert!(s.contains("Excess bp") && s.contains("no malformed bar row"), "{s}");
    Ok(())
}

/// `y` copies the selected line and `Y` the whole table, in the table's order, with the study's
/// own figures (unrounded, as `ki2 study --json` gives them) under named columns.
#[test]
fn y_and_shift_y_copy_the_studys_lines_as_csv_in_the_tables_order() -> Res {
    let (_d, app) = app();
    let study = study();
    let mut app = with_study(app, StudyState::Ready(Arc::new(study.clone())));
    keys(&mut app, "E");
    let _ = screen(&mut app, 160, 48);
    let header = "event,subject,horizon_s,n_events,n,mean_bp,hit_rate,t,excess_bp";
    let line = |s: &Summary| {
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        format!(
            "{},{},{},{},{},{},{},{},{}",
            s.event,
            s.subject,
            s.horizon_s,
            s.n_events,
            s.n,
            s.mean_bp,
            s.hit_rate,
            opt(s.t),
            opt(s.excess_bp)
        )
    };
    let all = &study.output.summary;
    key(&mut app, KeyCode::Down);
    keys(&mut app, "y");
    assert_eq!(app.take_clipboard().ok_or("y copied nothing")?, format!("{header}\n{}\n", line(&all[1])));
    // Sorted by Mean bp, largest first: the copy follows.
    keys(&mut app, ">>>>>r");
    keys(&mut app, "Y");
    let mut sorted: Vec<&Summary> = all.iter().collect();
    sorted.sort_by(|a, b| b.mean_bp.total_cmp(&a.mean_bp));
    let want: String =
        std::iter::once(header.to_owned()).chain(sorted.iter().map(|s| line(s))).map(|l| l + "\n").collect();
    assert_eq!(app.take_clipboard().ok_or("Y copied nothing")?, want);
    assert!(screen(&mut app, 160, 48).contains("copied 4 lines of Edges to the clipboard"));
    Ok(())
}

/// `Esc` on the day an event opened goes back to the path it was opened from, over the day it
/// was opened from (read again when the event was on another day); then it closes the path and
/// the view as ever, and on the panes with nothing to go back to it does nothing more.
#[test]
fn esc_on_an_events_day_goes_back_to_its_path_over_the_day_it_was_opened_from() -> Res {
    let (dir, mut app) = two_days_with_events()?;
    let mut io = super::ui::archive_io(dir.path(), &dir.path().join("rules.toml"));
    let mut press = |app: &mut App, code| super::ui::press(app, &mut io, code);
    let events = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .map(tokens)
            .filter(|t| t.first().is_some_and(|w| w.starts_with("2025-07-")))
            .map(|t| t.join(" "))
            .collect()
    };
    keys(&mut app, "E");
    key(&mut app, KeyCode::Enter);
    let path = screen(&mut app, 160, 48);
    assert!(path.contains("Esc back") && path.contains("Date 2025-07-14"), "{path}");
    // The first event is on July 11: that day is read, at its burst.
    press(&mut app, KeyCode::Enter);
    let other = screen(&mut app, 160, 48);
    assert!(other.contains("Date 2025-07-11") && other.contains("Syms Hit At 09:45:00"), "{other}");
    assert!(!other.contains("Edges ·") && other.contains("Esc leads back to Edges"), "{other}");
    // Esc: the path again, over July 14 again.
    press(&mut app, KeyCode::Esc);
    let back = screen(&mut app, 160, 48);
    assert!(back.contains("Esc back") && back.contains("Date 2025-07-14"), "{back}");
    assert_eq!(events(&back), events(&path), "{back}");
    // The second event is on the day shown: no read, the same way back.
    key(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let same = screen(&mut app, 160, 48);
    assert!(!same.contains("Edges ·") && same.contains("Syms Hit At 09:30:01"), "{same}");
    // On the panes, Esc first leaves the burst's symbols (as always), then goes back.
    key(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 160, 48).contains("Edges ·"), "the first Esc leaves the symbols pane");
    press(&mut app, KeyCode::Esc);
    let again = screen(&mut app, 160, 48);
    assert!(again.contains("Esc back") && again.contains("Date 2025-07-14"), "{again}");
    // Then the path closes, then the view, then nothing is left to go back to.
    press(&mut app, KeyCode::Esc);
    assert!(screen(&mut app, 160, 48).contains("Excess bp"));
    press(&mut app, KeyCode::Esc);
    let panes = screen(&mut app, 160, 48);
    assert!(!panes.contains("Edges ·") && panes.contains("Date 2025-07-14"), "{panes}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(screen(&mut app, 160, 48), panes, "nothing left to go back to: Esc changes nothing");
    Ok(())
}

/// An event whose burst the day no longer holds: that is said, with the way back to the path.
#[test]
fn an_event_whose_burst_is_not_in_its_day_says_so_and_the_way_back() -> Res {
    let (_d, app) = app();
    let mut s = study();
    s.inputs.days = vec![Day::parse_compact(super::ui::DATE).ok_or("day")?];
    s.inputs.series[0].events = vec![Event { day: 0, time: 10 * 3600, symbols: vec![0] }];
    let mut app = with_study(app, StudyState::Ready(Arc::new(s)));
    keys(&mut app, "E");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let shown = screen(&mut app, 160, 48);
    assert!(shown.contains("that burst is not in the day shown · Esc leads back to Edges"), "{shown}");
    key(&mut app, KeyCode::Esc);
    assert!(screen(&mut app, 160, 48).contains("Esc back"), "the path again");
    Ok(())
}
