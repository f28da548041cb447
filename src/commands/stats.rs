//! `ki2 stats`: a per-day summary, as a table or one JSON object per day.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::{date_spec, discover, load_day, say_counters};
use crate::archive::{Day, LayoutError};
use crate::cli::StatsArgs;
use crate::config::Config;
use crate::store::DayStats;

pub fn run(config: &Config, args: StatsArgs) -> Result<ExitCode> {
    let archive = discover(&args.root.root)?;
    let days: Vec<Day> = if args.date.eq_ignore_ascii_case("all") {
        if archive.days.is_empty() {
            return Err(LayoutError::Empty(archive.root.clone()).into());
        }
        archive.days.keys().copied().collect()
    } else {
        let day = archive.resolve(date_spec(&args.date)?)?;
        if !archive.days.contains_key(&day) {
            return Err(LayoutError::NoSuchDay { day, root: archive.root.clone() }.into());
        }
        vec![day]
    };
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    // A day's stats come from its index (built the first time); only listing the malformed
    // rows themselves reads the day's files again.
    let builder = crate::history::builder(&archive.root, &crate::config::data_dir(), config.columns);
    for day in days {
        let (stats, malformed, errors) = if args.malformed && !args.json {
            let store = load_day(&archive, day, config)?;
            let stats = store.stats().map_err(|e| anyhow::anyhow!("{day}: {e}"))?;
            say_counters(day, store.counters(), config);
            (stats, store.malformed().iter().map(ToString::to_string).collect(), store.errors().to_vec())
        } else {
            let got = builder.get_stats(&archive.files(day))?;
            if let Some(w) = &got.warning {
                eprintln!("ki2: warning: {w}");
            }
            say_counters(day, got.counters, config);
            (got.stats, Vec::new(), got.errors)
        };
        if args.json {
            writeln!(out, "{}", serde_json::to_string(&stats)?)?;
        } else {
            write_table(&mut out, &stats)?;
            if args.malformed {
                for m in &malformed {
                    writeln!(out, "  {m}")?;
                }
            } else if stats.malformed > 0 {
                writeln!(out, "  (list the malformed rows with --malformed)")?;
            }
            writeln!(out)?;
        }
        for e in errors {
            eprintln!("ki2: {e}");
            failed = true;
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn write_table(out: &mut impl Write, s: &DayStats) -> std::io::Result<()> {
    let opt = |v: Option<u32>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
    writeln!(out, "{}", s.date)?;
    let rows: [(&str, String); 12] = [
        ("hft1 rows (quote counts)", s.hft1_rows.to_string()),
        ("hft2 rows (S2)", s.hft2_rows.to_string()),
        ("hft3 rows (S1)", s.hft3_rows.to_string()),
        (
            "bursts",
            format!(
                "{} (buy {}, sell {}, und {})",
                s.bursts,
                s.buy_bursts,
                s.sell_bursts,
                s.bursts - s.buy_bursts - s.sell_bursts
            ),
        ),
        ("grades", format!("HIGH {}, MOD {}, LOW {}", s.grade_high, s.grade_mod, s.grade_low)),
        ("symbol files", format!("{} ({} rows)", s.symbol_files, s.symbol_rows)),
        ("malformed rows", s.malformed.to_string()),
        ("empty dollars", s.null_dollars.to_string()),
        ("max quotes", format!("{} {}", opt(s.max_quotes), s.max_quotes_symbol.as_deref().unwrap_or(""))),
        ("last CT", opt(s.last_ct)),
        ("last CB", opt(s.last_cb)),
        ("last CS", opt(s.last_cs)),
    ];
    for (k, v) in rows {
        writeln!(out, "  {k:<26}{v}")?;
    }
    Ok(())
}
