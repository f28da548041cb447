//! The index against what reading the days whole says.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::alerts::{Enricher, Evaluator, RuleSet};
use crate::archive::{Kind, Rows, read_day, read_file};
use crate::sim::{Profile, SimOptions, write_day};

fn day(s: &str) -> Day {
    Day::parse_compact(s).unwrap_or_else(|| panic!("{s}"))
}

fn archive_of(days: &[&str]) -> anyhow::Result<(tempfile::TempDir, Archive)> {
    let dir = tempfile::tempdir()?;
    for (i, d) in days.iter().enumerate() {
        write_day(&SimOptions {
            root: dir.path().to_path_buf(),
            day: day(d),
            seed: 7 + i as u64,
            profile: Profile::Normal,
        })?;
    }
    let archive = Archive::discover(dir.path())?;
    Ok((dir, archive))
}

/// An archive of `days`, and a builder whose index folder is in a data folder of its own.
fn indexed(days: &[&str]) -> anyhow::Result<(tempfile::TempDir, Archive, tempfile::TempDir, Arc<Builder>)> {
    let (dir, archive) = archive_of(days)?;
    let data = tempfile::tempdir()?;
    let b = builder(dir.path(), data.path(), ColumnOrder::default());
    Ok((dir, archive, data, b))
}

/// The writer adds an alerting row to a closed day's hft1 file after all.
fn append_a_row(archive: &Archive, d: Day) -> anyhow::Result<()> {
    let hft1 = archive.files(d).quotes.ok_or_else(|| anyhow::anyhow!("no hft1"))?;
    let mut f = std::fs::OpenOptions::new().append(true).open(&hft1)?;
    std::io::Write::write_all(&mut f, b"ZZZZ,0,155959,2500,1,1,10,\r\n")?;
    Ok(())
}

#[test]
fn a_summary_says_what_the_store_says() -> anyhow::Result<()> {
    let (_dir, archive) = archive_of(&["20250711"])?;
    let files = archive.files(day("20250711"));
    // A malformed line in the middle of the hft1 file, counted as the store counts it.
    let hft1 = files.quotes.clone().ok_or_else(|| anyhow::anyhow!("no hft1"))?;
    let text = std::fs::read(&hft1)?;
    let mid = text.len() / 2 + text[text.len() / 2..].iter().position(|b| *b == b'\n').unwrap_or(0) + 1;
    std::fs::write(&hft1, [&text[..mid], b"NOT,A,ROW\r\n", &text[mid..]].concat())?;
    let store = crate::store::DayStore::from_day(read_day(&files, ColumnOrder::default()))?;
    let (summary, errors) = summary::summarize(&files, ColumnOrder::default())?;
    assert!(errors.is_empty());
    // Read in parts on several threads and merged: the same.
    let (mut split, _) = summary::summarize_split(&files, ColumnOrder::default(), 0)?;
    // The dollars' squares are summed in another order: equal to the last bits.
    for (a, b) in split.symbols.iter_mut().zip(&summary.symbols) {
        assert!((a.sq_dollars - b.sq_dollars).abs() <= 1e-12 * b.sq_dollars, "{}", a.symbol);
        a.sq_dollars = b.sq_dollars;
    }
    assert_eq!(split, summary);
    assert_eq!(summary.stats, store.stats()?);
    let rows: u64 = summary.symbols.iter().map(|s| u64::from(s.rows)).sum();
    assert_eq!(rows, summary.stats.hft1_rows);
    let spy = summary.symbol("SPY").ok_or_else(|| anyhow::anyhow!("no SPY"))?;
    let day_view = store.symbol_day("SPY");
    assert_eq!(spy.rows as usize, day_view.rows.len());
    assert_eq!((spy.first, spy.last, spy.max_quotes), (day_view.first, day_view.last, day_view.max_quotes));
    assert_eq!((spy.sum_quotes, spy.trades), (day_view.total_quotes, day_view.total_trades));
    assert_eq!(spy.bursts.iter().map(|(t, _)| *t).collect::<Vec<_>>(), day_view.bursts);
    Ok(())
}

#[test]
fn the_index_is_built_once_reused_and_rebuilt_when_a_file_changes() -> anyhow::Result<()> {
    let (_dir, archive, _data, b) = indexed(&["20250711"])?;
    let d = day("20250711");
    let built = b.get(&archive.files(d), false)?;
    assert!(built.warning.is_none() && built.errors.is_empty());
    let json = b.dir().join("20250711.json");
    let stamp = std::fs::metadata(&json)?.modified()?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = b.get(&archive.files(d), true)?;
    assert_eq!(std::fs::metadata(&json)?.modified()?, stamp, "an unchanged day is read from its index");
    assert_eq!(again.summary.stats, built.summary.stats);
    assert_eq!(again.summary.symbols, built.summary.symbols, "the index gives back what was built (tops included)");
    // The writer adds a row to the closed day after all.
    append_a_row(&archive, d)?;
    let rebuilt = b.get(&archive.files(d), false)?;
    assert_eq!(rebuilt.summary.stats.hft1_rows, built.summary.stats.hft1_rows + 1);
    assert_eq!(rebuilt.summary.symbol("ZZZZ").map(|s| s.rows), Some(1));
    assert_ne!(std::fs::metadata(&json)?.modified()?, stamp);
    Ok(())
}

#[test]
fn stats_come_from_the_json_alone_and_follow_a_changed_file() -> anyhow::Result<()> {
    let (_dir, archive, _data, b) = indexed(&["20250711"])?;
    let d = day("20250711");
    // No index yet: built, and the stats are the build's.
    let StatsGot { stats, warning, errors, .. } = b.get_stats(&archive.files(d))?;
    let built = b.get(&archive.files(d), false)?;
    assert!(warning.is_none() && errors.is_empty());
    assert_eq!(stats, built.summary.stats);
    // The per-symbol Parquet is not read for stats: even unreadable, they come, unwarned.
    std::fs::write(b.dir().join("20250711.parquet"), b"PAR1 not really")?;
    let StatsGot { stats: again, warning, .. } = b.get_stats(&archive.files(d))?;
    assert_eq!((again, warning), (stats.clone(), None));
    // A changed source file is still seen: the day is indexed again.
    append_a_row(&archive, d)?;
    let after = b.get_stats(&archive.files(d))?.stats;
    assert_eq!(after.hft1_rows, stats.hft1_rows + 1);
    Ok(())
}

#[test]
fn a_corrupt_index_is_rebuilt_with_a_warning() -> anyhow::Result<()> {
    let (_dir, archive, _data, b) = indexed(&["20250711"])?;
    let d = day("20250711");
    let built = b.get(&archive.files(d), false)?;
    let parquet = b.dir().join("20250711.parquet");
    std::fs::write(&parquet, b"PAR1 not really")?;
    let got = b.get(&archive.files(d), false)?;
    let w = got.warning.ok_or_else(|| anyhow::anyhow!("no warning"))?;
    assert!(w.starts_with("index of 2025-07-11 unreadable, rebuilt: "), "{w}");
    assert!(w.contains("20250711.parquet"), "the warning names the file: {w}");
    assert_eq!(got.summary.stats, built.summary.stats);
    // A torn sidecar too.
    std::fs::write(b.dir().join("20250711.json"), b"{\"version\":1,")?;
    let got = b.get(&archive.files(d), false)?;
    assert!(got.warning.is_some_and(|w| w.contains("20250711.json")));
    assert!(b.get(&archive.files(d), false)?.warning.is_none(), "and then it is whole again");
    Ok(())
}

/// The enrichment the old way: every earlier hft1 file read whole, every dollar figure kept.
struct Reference(Vec<(Day, std::path::PathBuf)>);

impl crate::alerts::PastSource for Reference {
    fn past(&self, day: Day, days: usize) -> crate::alerts::PastDays {
        let earlier: Vec<_> = self.0.iter().filter(|(d, _)| *d < day).collect();
        let mut past = crate::alerts::PastDays::default();
        let mut all: HashMap<String, Vec<f64>> = HashMap::new();
        for (d, path) in earlier[earlier.len().saturating_sub(days)..].iter().rev() {
            let Ok(read) = read_file(path, Kind::Quotes, None, ColumnOrder::default()) else { continue };
            let Rows::Quotes(q) = read.rows else { continue };
            for r in q.rows() {
                past.last_day.entry(r.symbol.to_owned()).or_insert(*d);
                if let Some(x) = r.dollars {
                    all.entry(r.symbol.to_owned()).or_default().push(x);
                }
            }
        }
        for (s, v) in all {
            let mut l = crate::alerts::Largest::new(usize::MAX);
            l.add(&v, v.len());
            past.dollars.insert(s, l);
        }
        past
    }

    fn keeps(&self) -> usize {
        usize::MAX
    }
}

#[test]
fn enrichment_from_the_index_is_what_reading_every_file_gives() -> anyhow::Result<()> {
    let (dir, archive) = archive_of(&["20250709", "20250710", "20250711", "20250714"])?;
    let data = tempfile::tempdir()?;
    let today = day("20250714");
    let files: Vec<_> = archive.days.values().filter_map(|f| Some((f.day, f.quotes.clone()?))).collect();
    let read = read_day(&archive.files(today), ColumnOrder::default());
    let by_index = Evaluator::new(RuleSet::defaults())
        .with_enricher(enricher(&archive, builder(dir.path(), data.path(), ColumnOrder::default())))
        .eval_day(&read);
    let by_reading =
        Evaluator::new(RuleSet::defaults()).with_enricher(Enricher::new(Arc::new(Reference(files)))).eval_day(&read);
    assert_eq!(by_index.len(), by_reading.len());
    let (mut exact, mut outside) = (0, 0);
    for (a, b) in by_index.iter().zip(&by_reading) {
        assert_eq!(a.id(), b.id());
        let (Some(x), Some(y)) = (&a.enrichment, &b.enrichment) else {
            assert_eq!(a.enrichment.is_some(), b.enrichment.is_some());
            continue;
        };
        assert_eq!(
            (x.first_seen_today, x.last_seen_day, x.days_ago, x.dollars_of),
            (y.first_seen_today, y.last_seen_day, y.days_ago, y.dollars_of)
        );
        match (x.dollars_rank, x.dollars_outside_top) {
            (Some(r), None) => {
                assert_eq!(Some(r), y.dollars_rank, "{}", a.id());
                exact += 1;
            }
            (None, Some(n)) => {
                // Not ranked only where the full ranking puts it past what the index keeps.
                assert!(y.dollars_rank.is_some_and(|r| r > n), "{:?} vs {:?}", x, y);
                outside += 1;
            }
            (None, None) => assert_eq!(y.dollars_rank, None),
            (Some(_), Some(_)) => panic!("both a rank and outside the top: {x:?}"),
        }
    }
    // Both ways of answering were taken (9,222 and 5,519 of them when this was written).
    assert!(exact > 0 && outside > 0, "{exact} ranked exactly, {outside} outside the top");
    Ok(())
}

#[test]
fn a_day_that_closes_while_watching_is_indexed_after_the_others() -> anyhow::Result<()> {
    // Watching today at start: yesterday is the one closed day (a past day watched is closed too).
    let today = Day::today();
    let yesterday = today.pred().ok_or_else(|| anyhow::anyhow!("no day before {today}"))?;
    let (dir, archive, _data, b) = indexed(&[&yesterday.compact(), &today.compact()])?;
    let h = spawn(b, dir.path().to_path_buf(), closed_days(&archive, today));
    let wait = |n: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !(h.progress().finished && h.index().0.len() == n) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    wait(1);
    assert_eq!(h.index().0.len(), 1);
    // The tailer moved on from today.
    h.add(today);
    wait(2);
    let (index, _) = h.index();
    assert!(index.stats(today).is_some_and(|s| s.hft1_rows > 0));
    assert_eq!((h.progress().done, h.progress().total), (2, 2));
    Ok(())
}

#[test]
fn the_index_keeps_each_symbols_squares_and_the_days_bursts_with_their_symbols() -> anyhow::Result<()> {
    let (_dir, archive, _data, b) = indexed(&["20250711"])?;
    let d = day("20250711");
    let files = archive.files(d);
    let data = read_day(&files, ColumnOrder::default());
    let built = b.get_with_bursts(&files)?;
    // Read back from the files just written, not the build's own copy.
    let loaded = b.get_with_bursts(&files)?;
    assert!(built.summary.bursts.len() > 10);
    assert_eq!(loaded.summary.bursts, built.summary.bursts);
    assert_eq!(loaded.summary.bursts.len(), data.bursts.len());
    for (f, row) in loaded.summary.bursts.iter().zip(&data.bursts) {
        assert_eq!(
            (f.second(), f.prog_type, f.s1, f.cb, f.cs),
            (Some(row.time), row.prog_type, row.s1, row.cb, row.cs)
        );
    }
    // The squares, summed independently from the rows.
    let mut sq: HashMap<&str, (u64, u64, f64)> = HashMap::new();
    for r in data.quotes.rows() {
        let e = sq.entry(r.symbol).or_default();
        e.0 += u64::from(r.num_quotes).pow(2);
        e.1 += u64::from(r.num_trades).pow(2);
        e.2 += r.dollars.map_or(0.0, |d| d * d);
    }
    let spy = loaded.summary.symbol("SPY").ok_or_else(|| anyhow::anyhow!("no SPY"))?;
    let want = sq["SPY"];
    assert_eq!((spy.sq_quotes, spy.sq_trades), (want.0, want.1));
    assert!((spy.sq_dollars - want.2).abs() <= 1e-12 * want.2);
    // Every symbol file comes back as its burst's symbols.
    let sets = loaded.summary.burst_symbols();
    assert_eq!(sets.len(), data.symbols.len());
    for (t, hits) in &data.symbols {
        let mut names: Vec<&str> = hits.iter().map(|h| h.symbol.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(sets.get(t), Some(&names), "burst at {t}");
    }
    Ok(())
}

#[test]
fn an_index_read_with_another_column_order_is_rebuilt() -> anyhow::Result<()> {
    let (dir, archive, data, b) = indexed(&["20250711"])?;
    let files = archive.files(day("20250711"));
    b.get(&files, false)?;
    let json = b.dir().join("20250711.json");
    let stamp = std::fs::metadata(&json)?.modified()?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The counters the other way round from the default.
    let default = ColumnOrder::default().burst;
    let (c8, c9) = if default.cb < default.cs { ("cs", "cb") } else { ("cb", "cs") };
    let swapped = crate::archive::columns::ColumnNames {
        hft1: None,
        burst: Some(["time", "grade", "prog_type", "background", "s1", "s2", "ct", c8, c9].map(String::from).to_vec()),
    }
    .resolve()
    .map_err(anyhow::Error::msg)?;
    let other = builder(dir.path(), data.path(), swapped);
    let got = other.get(&files, false)?;
    assert_ne!(std::fs::metadata(&json)?.modified()?, stamp, "rebuilt for the other order");
    assert_eq!(got.summary.stats.last_cb, read_day(&files, swapped).bursts.last().map(|r| r.cb));
    Ok(())
}
