//! Baskets and z-fields on generated archives, judged by what `ki2 baskets` and `ki2 scan`
//! print against what the simulator planted (and, for z, against Python polars).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use ki2::archive::{Day, ProgType};
use ki2::sim::{self, Planted, Players, Profile, SimOptions};
use serde_json::Value as Json;

use super::support::ki2;

/// Weekdays from 2025-07-07 on.
fn days(n: usize) -> Vec<Day> {
    let all = ["20250707", "20250708", "20250709", "20250710", "20250711", "20250714", "20250715", "20250716"];
    all.iter().take(n).map(|d| Day::parse_compact(d).expect("day")).collect()
}

/// Writes `days` with the seed and players; returns each day's planted fires.
fn write(root: &Path, seed: u64, days: &[Day], players: &Players) -> Vec<(Day, Vec<Planted>)> {
    days.iter()
        .map(|&day| {
            let opts = SimOptions { root: root.to_path_buf(), day, seed, profile: Profile::Normal };
            sim::write_day_with(&opts, players, None).expect("simulate");
            (day, sim::planted(&opts, players))
        })
        .collect()
}

struct Generated {
    dir: tempfile::TempDir,
    planted: Vec<(Day, Vec<Planted>)>,
}

/// Six days of seed 3 with four players, shared by the tests that only read it.
fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let planted = write(dir.path(), 3, &days(6), &sim::players(3, 4));
        Generated { dir, planted }
    })
}

fn json_lines(out: &str) -> Vec<Json> {
    out.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

fn baskets(root: &Path, extra: &[&str]) -> Vec<Json> {
    let root = root.to_str().expect("utf-8 path");
    let mut args = vec!["baskets", "--root", root, "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = ki2(&args);
    assert_eq!(code, 0, "{err}");
    json_lines(&out)
}

/// The planted fires a reader can see (their symbols file was written), by player.
fn fires(planted: &[(Day, Vec<Planted>)]) -> BTreeMap<usize, Vec<(Day, &Planted)>> {
    let mut by: BTreeMap<usize, Vec<(Day, &Planted)>> = BTreeMap::new();
    for (day, list) in planted {
        for p in list.iter().filter(|p| p.file_written) {
            by.entry(p.player).or_default().push((*day, p));
        }
    }
    by
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Each burst's basket, from `--out`'s Parquet: (date, time) → basket id.
fn assignments(root: &Path, out: &Path) -> HashMap<(String, String), String> {
    let root = root.to_str().expect("utf-8");
    let (code, _, err) = ki2(&["baskets", "--root", root, "--out", out.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    let file = std::fs::File::open(out.join("bursts.parquet")).expect("bursts.parquet");
    use polars::prelude::*;
    let df = ParquetReader::new(file).finish().expect("read parquet");
    let col = |n: &str| df.column(n).expect(n).str().expect("str").clone();
    let (date, time, basket) = (col("date"), col("time"), col("basket"));
    (0..df.height())
        .map(|i| {
            let s = |c: &StringChunked| c.get(i).expect("no nulls").to_owned();
            ((s(&date), s(&time)), s(&basket))
        })
        .collect()
}

/// Precision and recall of the players' bursts: each player's basket is the one holding most
/// of its bursts.
fn precision_recall(planted: &[(Day, Vec<Planted>)], assigned: &HashMap<(String, String), String>) -> (f64, f64) {
    let (mut hit, mut planted_n, mut in_baskets) = (0usize, 0usize, 0usize);
    for list in fires(planted).values() {
        let ids: Vec<&String> =
            list.iter().filter_map(|(d, p)| assigned.get(&(d.to_string(), p.time.to_string()))).collect();
        let mut count: HashMap<&String, usize> = HashMap::new();
        for id in &ids {
            *count.entry(id).or_default() += 1;
        }
        let Some((best, n)) = count.into_iter().max_by_key(|(id, n)| (*n, std::cmp::Reverse(id.to_string()))) else {
            continue;
        };
        hit += n;
        planted_n += list.len();
        in_baskets += assigned.values().filter(|id| *id == best).count();
    }
    (hit as f64 / in_baskets.max(1) as f64, hit as f64 / planted_n.max(1) as f64)
}

#[test]
fn planted_players_are_found_with_their_counts_days_sides_times_and_cores() {
    let g = generated();
    let found = baskets(g.dir.path(), &[]);
    let players = fires(&g.planted);
    assert_eq!(players.len(), 4, "every player fired");
    // Exactly one basket per player is reported (min 3): none from the random bursts.
    assert_eq!(found.len(), players.len(), "{found:#?}");
    let out = tempfile::tempdir().expect("tmp");
    let assigned = assignments(g.dir.path(), out.path());
    for list in players.values() {
        let (d0, p0) = list[0];
        let id = &assigned[&(d0.to_string(), p0.time.to_string())];
        let b = found.iter().find(|b| b["id"] == **id).unwrap_or_else(|| panic!("{id} not listed"));
        // The id is the player's first fire.
        assert_eq!(*id, format!("B{}-{:06}", d0.compact(), p0.time.hhmmss()));
        let days: BTreeSet<Day> = list.iter().map(|(d, _)| *d).collect();
        let side = |s: ProgType| list.iter().filter(|(_, p)| p.prog_type == s).count();
        let (last_day, last) = list[list.len() - 1];
        let want = serde_json::json!({
            "bursts": list.len(), "days": days.len(),
            "buy": side(ProgType::Buy), "sell": side(ProgType::Sell), "und": side(ProgType::Und),
            "first": format!("{d0}T{}", p0.time), "last": format!("{last_day}T{}", last.time),
            "median_s1": median(list.iter().map(|(_, p)| f64::from(p.s1)).collect()),
        });
        for (k, v) in want.as_object().expect("object") {
            assert_eq!(&b[k], v, "{id}: {k}");
        }
        let t = median(list.iter().map(|(_, p)| f64::from(p.time.secs())).collect()).floor() as u32;
        assert_eq!(b["median_time"], format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60), "{id}");
        // The core: symbols in at least half of the fires.
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, p) in list {
            for s in &p.symbols {
                *count.entry(s.as_str()).or_default() += 1;
            }
        }
        let core: Vec<&str> = count.iter().filter(|(_, n)| 2 * **n >= list.len()).map(|(s, _)| *s).collect();
        assert_eq!(b["symbols"], serde_json::json!(core), "{id}");
    }
    let (precision, recall) = precision_recall(&g.planted, &assigned);
    assert!(precision >= 0.95 && recall >= 0.95, "precision {precision}, recall {recall}");
}

#[test]
fn precision_and_recall_hold_on_other_seeds() {
    for seed in [11, 12] {
        let dir = tempfile::tempdir().expect("tmp");
        let planted = write(dir.path(), seed, &days(4), &sim::players(seed, 5));
        let out = tempfile::tempdir().expect("tmp");
        let assigned = assignments(dir.path(), out.path());
        let (precision, recall) = precision_recall(&planted, &assigned);
        assert!(precision >= 0.95 && recall >= 0.95, "seed {seed}: precision {precision}, recall {recall}");
        // A player seen three times or more is listed (the default --min), and nothing else.
        let seen: Vec<usize> = fires(&planted).values().map(Vec::len).filter(|n| *n >= 3).collect();
        let listed: Vec<u64> = baskets(dir.path(), &[]).iter().filter_map(|b| b["bursts"].as_u64()).collect();
        assert_eq!(listed.len(), seen.len(), "seed {seed}: listed {listed:?}, players fired {seen:?}");
    }
}

#[test]
fn random_bursts_alone_make_no_basket() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), 5, &days(5), &Players::none());
    assert_eq!(baskets(dir.path(), &["--min", "2"]), Vec::<Json>::new(), "not even two bursts alike");
    let (code, out, err) = ki2(&["baskets", "--root", dir.path().to_str().expect("utf-8")]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(err.contains("no basket seen 3 times or more"), "{err}");
}

/// Every file under `from` copied to `to` (another root: its own index and baskets state).
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("list") {
        let path = entry.expect("entry").path();
        let dest = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
            copy_tree(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

/// What a fresh ki2 says of the same files: the archive copied to a new root, matched from
/// scratch.
fn from_scratch(root: &Path) -> Vec<Json> {
    let fresh = tempfile::tempdir().expect("tmp");
    copy_tree(root, fresh.path());
    baskets(fresh.path(), &["--min", "1"])
}

#[test]
fn ids_stay_put_across_runs_restarts_and_added_days_and_a_changed_day_is_matched_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let players = sim::players(21, 4);
    let all = days(7);
    write(dir.path(), 21, &all[..4], &players);
    let first = baskets(dir.path(), &["--min", "1"]);
    assert!(first.len() > 1000, "every burst is in some basket: {}", first.len());
    // A second run (a restart: the state is read back, nothing matched again) says the same.
    assert_eq!(baskets(dir.path(), &["--min", "1"]), first);
    // Days added: the baskets already seen keep their ids, and grow.
    write(dir.path(), 21, &all[4..], &players);
    let grown = baskets(dir.path(), &["--min", "1"]);
    let by_id: HashMap<&str, &Json> = grown.iter().filter_map(|b| Some((b["id"].as_str()?, b))).collect();
    for b in &first {
        let id = b["id"].as_str().expect("id");
        let now = by_id.get(id).unwrap_or_else(|| panic!("{id} gone after adding days"));
        assert!(now["bursts"].as_u64() >= b["bursts"].as_u64(), "{id}");
        assert_eq!(now["first"], b["first"], "{id}");
    }
    assert!(grown.iter().any(|b| b["bursts"].as_u64() > Some(4)), "the players kept firing");
    assert_eq!(grown, from_scratch(dir.path()), "taken in day by day = all at once");
    // An earlier day rewritten (another market): matched again from that day on.
    write(dir.path(), 99, &all[1..2], &players);
    let changed = baskets(dir.path(), &["--min", "1"]);
    assert_ne!(changed, grown);
    assert_eq!(changed, from_scratch(dir.path()), "after a changed day = all at once");
}

/// The planted fires of player `p` up to and including `upto` (day, time), visible ones.
fn earlier<'a>(list: &'a [(Day, &'a Planted)], upto: (Day, u32)) -> Vec<&'a Planted> {
    list.iter().filter(|(d, p)| (*d, p.time.secs()) <= upto).map(|(_, p)| *p).collect()
}

#[test]
fn a_baskets_rule_alerts_on_the_players_bursts_with_the_basket_id_and_core() {
    let g = generated();
    let rules = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(
        rules.path(),
        "[[rule]]\nname = \"again\"\nsource = \"baskets\"\nfield = \"bursts\"\nop = \">=\"\nvalue = 2\n",
    )
    .expect("write rules");
    let root = g.dir.path().to_str().expect("utf-8");
    let (code, out, err) =
        ki2(&["scan", "--root", root, "--date", "latest", "--rules", rules.path().to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, 0, "{err}");
    let got = json_lines(&out);
    let (day, _) = g.planted.last().expect("days");
    let mut want = Vec::new();
    for list in fires(&g.planted).values() {
        let (d0, p0) = list[0];
        for (d, p) in list.iter().filter(|(d, _)| d == day) {
            let upto = earlier(list, (*d, p.time.secs()));
            let before = upto.len() - 1;
            if before < 2 {
                continue;
            }
            let mut count: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &upto {
                for s in &f.symbols {
                    *count.entry(s).or_default() += 1;
                }
            }
            let core = count.values().filter(|n| 2 * **n >= upto.len()).count();
            want.push((
                format!("{d}T{}", p.time),
                before as u64,
                format!("B{}-{:06}", d0.compact(), p0.time.hhmmss()),
                core as u64,
            ));
        }
    }
    want.sort();
    assert!(want.len() >= 3, "{want:?}");
    let mut seen: Vec<(String, u64, String, u64)> = got
        .iter()
        .map(|a| {
            assert_eq!(
                (&a["rule"], &a["source"], &a["symbol"], &a["field"]),
                (&"again".into(), &"baskets".into(), &Json::Null, &"bursts".into())
            );
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
            (
                s("time"),
                a["value"].as_u64().unwrap_or(0),
                a["basket"]["id"].as_str().unwrap_or_default().to_owned(),
                a["basket"]["core"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(seen, want);
}

#[test]
fn z_fields_are_what_python_polars_computes_from_the_same_files() {
    let python = std::process::Command::new("python3").args(["-c", "import polars"]).output();
    if !python.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var("KI2_ALLOW_SKIP").as_deref() == Ok("1"),
            "the z test checks ki2 against python polars: `pip install polars` (or KI2_ALLOW_SKIP=1)"
        );
        return;
    }
    let g = generated();
    let root = g.dir.path().to_str().expect("utf-8");
    let (day, _) = g.planted.last().expect("days");
    let rules = tempfile::NamedTempFile::new().expect("tmp");
    let text: String = ["num_quotes_z", "num_trades_z", "dollars_z"]
        .iter()
        .map(|f| format!("[[rule]]\nname = \"{f}\"\nsource = \"quotes\"\nfield = \"{f}\"\nop = \">=\"\nvalue = 3.0\n"))
        .collect();
    std::fs::write(rules.path(), text).expect("write rules");
    let (code, out, err) = ki2(&[
        "scan",
        "--root",
        root,
        "--date",
        &day.compact(),
        "--rules",
        rules.path().to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zscores.py");
    let py = std::process::Command::new("python3")
        .arg(script)
        .args([root, &day.compact(), "3.0"])
        .output()
        .expect("python3");
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let key = |field: &str, time: &str, symbol: &str| (field.to_owned(), time.to_owned(), symbol.to_owned());
    let ki2_z: BTreeMap<(String, String, String), f64> = json_lines(&out)
        .iter()
        .map(|a| {
            let time = a["time"].as_str().unwrap_or_default();
            (
                key(a["rule"].as_str().unwrap_or_default(), &time[11..], a["symbol"].as_str().unwrap_or_default()),
                a["value"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    let polars_z: BTreeMap<(String, String, String), f64> = json_lines(&String::from_utf8_lossy(&py.stdout))
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (key(&s("field"), &s("time"), &s("symbol")), r["value"].as_f64().unwrap_or(f64::NAN))
        })
        .collect();
    for field in ["num_quotes_z", "num_trades_z", "dollars_z"] {
        let n = polars_z.keys().filter(|k| k.0 == field).count();
        assert!(n >= 20, "{field}: only {n} rows at z >= 3: the test would prove little");
    }
    assert_eq!(ki2_z.keys().collect::<Vec<_>>(), polars_z.keys().collect::<Vec<_>>(), "the rows caught");
    for (k, z) in &ki2_z {
        let want = polars_z[k];
        assert!((z - want).abs() <= 1e-9 * want.abs().max(1.0), "{k:?}: ki2 {z}, polars {want}");
    }
}
