//! Alert rules end to end: `ki2 scan` over days written here, rules files from the places a
//! user puts them, and alerts reaching the log file and the command hook intact.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use ki2::alerts::{Delivery, Evaluator, LiveAlerts, RuleSet};
use ki2::archive::{Archive, ColumnOrder, Day, Feed, FileParser, Rows, read_day};
use ki2::config::{CommandMode, SinksConfig};
use ki2::tail::TailEvent;

/// Writes archive files: `flat` under ROOT/, otherwise under ROOT/YYYY/MM/.
struct Root {
    dir: tempfile::TempDir,
    /// An empty config folder, so the user's own rules and config never leak into a test.
    config: tempfile::TempDir,
}

impl Root {
    fn new() -> Root {
        Root { dir: tempfile::tempdir().unwrap(), config: tempfile::tempdir().unwrap() }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, monthly: bool, folder: &str, name: &str, text: &str) -> PathBuf {
        let base = if monthly {
            self.path().join(&name_date(name)[..4]).join(&name_date(name)[4..6])
        } else {
            self.path().to_path_buf()
        };
        let dir = base.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn rules(&self, text: &str) -> PathBuf {
        let path = self.dir.path().join("my-rules.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn ki2(&self, args: &[&str]) -> Output {
        crate::support::ki2_cmd()
            .args(args)
            .env("KI2_CONFIG_DIR", self.config.path())
            .env_remove("KI2_ROOT")
            .output()
            .unwrap()
    }

    fn scan(&self, extra: &[&str]) -> Output {
        let mut args = vec!["scan", "--root", self.path().to_str().unwrap()];
        args.extend_from_slice(extra);
        self.ki2(&args)
    }
}

/// The YYYYMMDD inside an archive file name.
fn name_date(name: &str) -> String {
    name.chars().filter(char::is_ascii_digit).take(8).collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Two earlier days of history (flat and monthly) and a day with every file kind.
fn sample_archive() -> Root {
    let root = Root::new();
    root.write(
        false,
        "Data",
        "20250710_hft1.csv",
        "SPY,0,93000,2100,10,100,5000000,\r\nSPY,0,93001,1500,10,100,7000000,\r\nQQQ,0,93000,1200,5,10,100000,\r\n",
    );
    root.write(true, "Data", "20250711_hft1.csv", "SPY,0,100000,900,3,50,2000000,\r\n");
    root.write(
        true,
        "Data",
        "20250714_hft1.csv",
        "SPY,0,93000,1800,10,100,3000000,\r\nIWM,0,93001,2500,20,40,,\r\nSPY,0,93002,2600,12,200,6000000,\r\n\
         bad line\r\nSPY,0,93003,2000,1,1,8000000,\r\n",
    );
    root.write(true, "Data", "20250714_hft2.csv", "93000,450\r\n93001,520\r\n93002,700\r\n");
    root.write(true, "Data", "20250714_hft3.csv", "93000,12\r\n93001,45\r\n");
    root.write(
        true,
        "Data_Burst",
        "20250714.csv",
        "93001,2,1,0,214,520,1,0,1\r\n93002,3,0,1,50,100,2,1,1\r\n93003,1,7,1,250,600,3,1,1,2\r\n",
    );
    root.write(
        true,
        "Data_Burst_Symbols",
        "Burst_20250714_093001.csv",
        "Symbol,NumTrades,NumQuotes,BBO\r\nAAPL,150,900,30\r\nMSFT,90,500,20\r\nNVDA,300,100,10\r\n",
    );
    root
}

/// One rule per source kind, with a cooldown on one and a watch list on another.
const ONE_RULE_PER_SOURCE: &str = r#"
[[rule]]
name = "stuffing"
source = "quotes"
field = "num_quotes"
op = ">="
value = 2000

[[rule]]
name = "quote-bursts"
source = "s2"
field = "value"
op = ">="
value = 500
cooldown_s = 60

[[rule]]
name = "program-bursts"
source = "s1"
field = "value"
op = ">"
value = 40

[[rule]]
name = "mod-or-worse"
source = "bursts"
field = "grade"
op = ">="
value = "MOD"

[[rule]]
name = "watched-hits"
source = "burst_symbols"
field = "num_trades"
op = ">="
value = 100
symbols = ["aapl", "msft"]
"#;

/// JSON lines with their `id` taken out, once checked: 16 hex digits first, none twice.
fn without_ids(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    text.lines()
        .map(|l| {
            let (id, rest) = l.strip_prefix("{\"id\":\"").and_then(|r| r.split_once("\",")).expect("an id first");
            assert!(id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{l}");
            assert!(seen.insert(id.to_owned()), "id {id} twice");
            format!("{{{rest}")
        })
        .collect()
}

#[test]
fn scan_json_raises_exactly_the_expected_alerts() {
    let root = sample_archive();
    let rules = root.rules(ONE_RULE_PER_SOURCE);
    let out = root.scan(&["--date", "20250714", "--rules", rules.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let want = [
        r#"{"rule":"stuffing","source":"quotes","time":"2025-07-14T09:30:01","symbol":"IWM","field":"num_quotes","value":2500,"threshold":2000,"enrichment":{"first_seen_today":"2025-07-14T09:30:01","last_seen_day":null,"days_ago":null,"dollars_rank":null,"dollars_of":0}}"#,
        r#"{"rule":"quote-bursts","source":"s2","time":"2025-07-14T09:30:01","symbol":null,"field":"value","value":520,"threshold":500}"#,
        r#"{"rule":"program-bursts","source":"s1","time":"2025-07-14T09:30:01","symbol":null,"field":"value","value":45,"threshold":40}"#,
        r#"{"rule":"mod-or-worse","source":"bursts","time":"2025-07-14T09:30:01","symbol":null,"field":"grade","value":"MOD","threshold":"MOD"}"#,
        r#"{"rule":"watched-hits","source":"burst_symbols","time":"2025-07-14T09:30:01","symbol":"AAPL","field":"num_trades","value":150,"threshold":100}"#,
        // 6,000,000 against 5M, 7M, 2M on earlier days and 3M, 6M today: 2nd of 5.
        r#"{"rule":"stuffing","source":"quotes","time":"2025-07-14T09:30:02","symbol":"SPY","field":"num_quotes","value":2600,"threshold":2000,"enrichment":{"first_seen_today":"2025-07-14T09:30:00","last_seen_day":"2025-07-11","days_ago":3,"dollars_rank":2,"dollars_of":5}}"#,
        r#"{"rule":"stuffing","source":"quotes","time":"2025-07-14T09:30:03","symbol":"SPY","field":"num_quotes","value":2000,"threshold":2000,"enrichment":{"first_seen_today":"2025-07-14T09:30:00","last_seen_day":"2025-07-11","days_ago":3,"dollars_rank":1,"dollars_of":6}}"#,
        r#"{"rule":"mod-or-worse","source":"bursts","time":"2025-07-14T09:30:03","symbol":null,"field":"grade","value":"HIGH","threshold":"MOD"}"#,
    ];
    assert_eq!(without_ids(&stdout(&out)), want);
    // The malformed row is reported on stderr (stdout stays pure JSON), with file and line.
    let err = stderr(&out);
    assert!(err.contains("1 malformed row(s) skipped") && err.contains("20250714_hft1.csv:4: "), "{err}");
}

#[test]
fn scan_defaults_to_the_latest_day_and_the_built_in_rules() {
    let root = sample_archive();
    let out = root.scan(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Defaults: quote-stuffing (num_quotes >= 2000) three times; capper (s1 >= 200) for the
    // bursts with 214 and 250; symbol-hit (NT >= 100) for AAPL and NVDA.
    let lines: Vec<String> =
        stdout(&out).lines().map(|l| l.split_whitespace().take(4).collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(
        lines,
        [
            "2025-07-14 09:30:01 quote-stuffing quotes",
            "2025-07-14 09:30:01 capper bursts",
            "2025-07-14 09:30:01 symbol-hit burst_symbols",
            "2025-07-14 09:30:01 symbol-hit burst_symbols",
            "2025-07-14 09:30:02 quote-stuffing quotes",
            "2025-07-14 09:30:03 quote-stuffing quotes",
            "2025-07-14 09:30:03 capper bursts",
        ]
    );
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("IWM       num_quotes 2500 >= 2000  first 09:30:01, not seen on earlier days, $ unknown"),
        "{first}"
    );
    assert!(
        text.contains(
            "SPY       num_quotes 2600 >= 2000  first 09:30:00, last seen 2025-07-11 (3 days ago), $ 2nd largest of 5"
        ),
        "{text}"
    );
    // Aligned: every line's symbol column starts at the same place.
    let starts: Vec<usize> = text
        .lines()
        .map(|l| l.find("  quotes  ").or(l.find("  burst_symbols  ")).or(l.find("  bursts  ")).unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text}");
}

#[test]
fn scan_reads_the_users_rules_file_unless_told_otherwise() {
    let root = sample_archive();
    std::fs::write(
        root.config.path().join("rules.toml"),
        "[[rule]]\nname = \"sells\"\nsource = \"bursts\"\nfield = \"prog_type\"\nop = \"==\"\nvalue = \"SELL\"\n",
    )
    .unwrap();
    let out = root.scan(&["--json"]);
    assert_eq!(
        without_ids(&stdout(&out)).join("\n") + "\n",
        "{\"rule\":\"sells\",\"source\":\"bursts\",\"time\":\"2025-07-14T09:30:02\",\"symbol\":null,\"field\":\"prog_type\",\"value\":\"SELL\",\"threshold\":\"SELL\"}\n"
    );
    let rules = root.rules(
        "[[rule]]\nname = \"aggr\"\nsource = \"bursts\"\nfield = \"background\"\nop = \"==\"\nvalue = \"AGGR\"\n",
    );
    let out = root.scan(&["--json", "--rules", rules.to_str().unwrap()]);
    let text = stdout(&out);
    let times: Vec<&str> = text.lines().map(|l| &l[l.find("T09").unwrap() + 1..][..8]).collect();
    assert_eq!(times, ["09:30:02", "09:30:03"]);
}

#[test]
fn scan_errors_name_what_is_wrong_with_the_right_exit_code() {
    let root = sample_archive();
    let bad_rules =
        root.rules("[[rule]]\nname = \"x\"\nsource = \"hft1\"\nfield = \"num_quotes\"\nop = \">\"\nvalue = 1\n");
    let missing = root.path().join("nope");
    let cases: Vec<(Vec<&str>, u8, String)> = vec![
        (
            vec!["--date", "yesterday"],
            2,
            "ki2: invalid --date \"yesterday\": expected YYYYMMDD, today or latest".into(),
        ),
        (
            vec!["--date", "20250713"],
            1,
            format!("ki2: no archive files for 2025-07-13 under {}", root.path().display()),
        ),
        (
            vec!["--rules", bad_rules.to_str().unwrap()],
            1,
            format!(
                "ki2: rules file {}: line 3, column 10: unknown source \"hft1\": expected one of quotes, bursts, burst_symbols, s1, s2",
                bad_rules.display()
            ),
        ),
        (vec!["--rules", missing.to_str().unwrap()], 1, format!("ki2: cannot read rules file {}: ", missing.display())),
    ];
    for (args, code, want) in cases {
        let out = root.scan(&args);
        assert_eq!(out.status.code(), Some(code.into()), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with(&want), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{args:?}: one line: {}", stderr(&out));
        assert_eq!(stdout(&out), "");
    }
    let out = root.ki2(&["scan", "--root", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), format!("ki2: archive root {} does not exist\n", missing.display()));
}

const HOSTILE: [&str; 5] = [
    "$(touch {dir}/dollar)",
    ";touch {dir}/semicolon;",
    "`touch {dir}/backtick`",
    "\"quoted' \\\"",
    "\x1b]0;title\x07",
];

#[test]
fn hostile_symbols_reach_the_command_hook_and_the_log_intact_and_run_nothing() {
    let root = Root::new();
    let marks = tempfile::tempdir().unwrap();
    let symbols: Vec<String> = HOSTILE.iter().map(|s| s.replace("{dir}", marks.path().to_str().unwrap())).collect();
    let hft1: String =
        symbols.iter().enumerate().map(|(i, s)| format!("{s},0,{},2500,1,1,100,\r\n", 93000 + i)).collect();
    root.write(false, "Data", "20250714_hft1.csv", &hft1);
    let archive = Archive::discover(root.path()).unwrap();
    let day = archive.resolve(ki2::archive::DateSpec::Latest).unwrap();
    let data = read_day(&archive.files(day), ColumnOrder::default());
    assert_eq!(data.quotes.len(), 5, "{:?}", data.malformed);

    let alerts = Evaluator::new(RuleSet::defaults()).eval_day(&data);
    assert_eq!(alerts.len(), 5);
    let out = marks.path().join("hook.jsonl");
    let each = marks.path().join("each.jsonl");
    let log = marks.path().join("logs").join("alerts.jsonl");
    let data_dir = tempfile::tempdir().unwrap();
    // One long-running hook (in order), one process per alert (in any order), and the log.
    for (file, mode) in [(&out, CommandMode::Stream), (&each, CommandMode::Each)] {
        let sinks = SinksConfig {
            command: Some(vec!["tee".into(), "-a".into(), file.to_str().unwrap().into()]),
            command_mode: mode,
            log_file: (mode == CommandMode::Stream).then(|| log.clone()),
            ..SinksConfig::default()
        };
        let (delivery, warnings) = Delivery::from_config(&sinks, root.path(), data_dir.path());
        assert_eq!(warnings, Vec::<String>::new());
        let mut live = LiveAlerts::new(day, Evaluator::new(RuleSet::defaults()), delivery);
        live.on_event(&TailEvent::CaughtUp { day });
        let raised = live.on_event(&TailEvent::Rows { day, rows: Rows::Quotes(data.quotes.clone()) }).unwrap();
        assert_eq!((raised.alerts.len(), raised.news), (5, true));
        live.close(Duration::from_secs(60));
        let sinks = live.sinks();
        assert!(sinks.iter().all(|s| s.stats.delivered == 5 && s.stats.queued == 0), "{sinks:?}");
    }
    let symbols_in = |path: &Path| -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["symbol"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(symbols_in(&out), symbols);
    let mut any_order = symbols_in(&each);
    any_order.sort();
    let mut expected = symbols.clone();
    expected.sort();
    assert_eq!(any_order, expected);
    let logged: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(logged, alerts.iter().map(|a| a.to_json()).collect::<Vec<_>>());
    // Nothing ran: the only files are the ones the sinks wrote.
    let mut left: Vec<String> = std::fs::read_dir(marks.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["each.jsonl", "hook.jsonl", "logs"]);
}

#[test]
fn hostile_symbols_print_escaped_in_human_scan_output() {
    let root = Root::new();
    root.write(false, "Data", "20250714_hft1.csv", "\x1b]0;title\x07,0,93000,2500,1,1,100,\r\n");
    let out = root.scan(&[]);
    let text = stdout(&out);
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(text.contains("\\u{1b}]0;title\\u{7}"), "{text}");
    let json = stdout(&root.scan(&["--json"]));
    assert!(json.contains(r#""symbol":"\u001b]0;title\u0007""#), "{json}");
}

#[test]
fn a_hook_that_cannot_start_is_retried_and_one_that_fails_is_counted() {
    let root = sample_archive();
    let day = Day::parse_compact("20250714").unwrap();
    let data = read_day(&Archive::discover(root.path()).unwrap().files(day), ColumnOrder::default());
    let data_dir = tempfile::tempdir().unwrap();
    let run = |program: &str| {
        let sinks = SinksConfig { command: Some(vec![program.into()]), ..SinksConfig::default() };
        let (delivery, _) = Delivery::from_config(&sinks, root.path(), data_dir.path());
        let mut live = LiveAlerts::new(day, Evaluator::new(RuleSet::defaults()), delivery);
        live.on_event(&TailEvent::CaughtUp { day });
        let n = live.on_event(&TailEvent::Rows { day, rows: Rows::Quotes(data.quotes.clone()) }).unwrap().alerts.len();
        std::thread::sleep(Duration::from_millis(300));
        live.close(Duration::from_secs(5));
        (n, live.sinks().remove(0).stats)
    };
    let (n, missing) = run("/no/such/program");
    assert!(n > 0);
    // Kept, not dropped: it goes at the next start.
    assert_eq!((missing.delivered, missing.failed, missing.queued), (0, 0, n));
    let why = missing.last_error.unwrap_or_default();
    assert!(why.starts_with("cannot start \"/no/such/program\""), "{why}");
    let (n, failing) = run("false");
    assert_eq!((failing.delivered, failing.failed, failing.queued), (0, n as u64, 0));
}

#[test]
fn a_day_fed_in_small_appends_raises_the_same_alerts_as_the_day_read_whole() {
    let root = sample_archive();
    let archive = Archive::discover(root.path()).unwrap();
    let day = Day::parse_compact("20250714").unwrap();
    let files = archive.files(day);
    let rules = RuleSet::parse(ONE_RULE_PER_SOURCE).unwrap();
    let whole = Evaluator::new(rules.clone())
        .with_enricher(ki2::history::enricher(
            &archive,
            ki2::history::builder(root.path(), &root.path().join(".data"), ColumnOrder::default()),
        ))
        .eval_day(&read_day(&files, ColumnOrder::default()));

    // As the tailer would send them: each file's bytes arriving a few at a time, through the
    // live path, half of them before the day was read and half after.
    let ev = Evaluator::new(rules).with_enricher(ki2::history::enricher(
        &archive,
        ki2::history::builder(root.path(), &root.path().join(".data"), ColumnOrder::default()),
    ));
    let mut live = LiveAlerts::new(day, ev, Delivery::none());
    let mut fed = Vec::new();
    for (i, (kind, burst, path)) in files.all().into_iter().enumerate() {
        if i == 2 {
            // Its alerts may still wait for the earlier days' index (let go by `poll`, below).
            fed.extend(live.on_event(&TailEvent::CaughtUp { day }).map(|r| r.alerts).unwrap_or_default());
        }
        let bytes = std::fs::read(path).unwrap();
        let mut parser = FileParser::new(path.into(), kind, burst, ColumnOrder::default());
        let mut feed = Feed::default();
        for chunk in bytes.chunks(5) {
            let mut rows = parser.empty_rows();
            feed.push(&mut parser, chunk, &mut rows, &mut Vec::new());
            if !rows.is_empty()
                && let Some(r) = live.on_event(&TailEvent::Rows { day, rows })
            {
                fed.extend(r.alerts);
            }
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while live.waiting_for_history() > 0 && std::time::Instant::now() < deadline {
        fed.extend(live.poll().map(|r| r.alerts).unwrap_or_default());
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    fed.sort_by_key(|a| a.time);
    assert_eq!(fed.len(), 8);
    // The same alerts, ids included: what `scan` prints and what was alerted live agree.
    assert_eq!(fed, whole);
    let ids = |v: &[ki2::alerts::Alert]| v.iter().map(|a| a.id()).collect::<Vec<_>>();
    assert_eq!(ids(&fed), ids(&whole));
}
