//! `ki2 study`: the event study of SPEC §6 over an archive and price bars — a table, one JSON
//! object per (event group, subject, horizon), Parquet of every pair (`--out`), an SVG of the
//! mean paths (`--plot`). Events come from the day index; bars are read a day at a time.

pub mod background;
mod bars;
pub mod day_bars;
pub mod fires;
mod live;
mod out;
mod plot;
mod table;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};

use super::{UsageError, discover};
use crate::alerts::{Evaluator, RuleSet};
use crate::analysis::study::events::{Events, Kind};
use crate::analysis::study::{self, Inputs};
use crate::archive::printable::printable;
use crate::archive::{Day, LayoutError, Malformed, read_day};
use crate::cli::StudyArgs;
use crate::config::Config;
use crate::prices::PriceFiles;

/// What went wrong along the way, said once at the end (on stderr by `ki2 study`, under the
/// Edges view's table in the TUI).
#[derive(Debug, Default)]
pub struct Notes {
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    /// Every bar row skipped, by file and line (the warnings name the first few).
    pub malformed: Vec<Malformed>,
}

/// Malformed bar rows named in a warning; `ki2 study --malformed` and the Edges view's `m` list all.
pub const MALFORMED_SHOWN: usize = 3;

/// How many bar rows were skipped and the first few, each file:line: reason (`all` sorted).
pub fn malformed_note(all: &[Malformed], list_all: &str) -> Option<String> {
    all.first()?;
    let few: Vec<String> = all.iter().take(MALFORMED_SHOWN).map(|m| printable(&m.to_string())).collect();
    let more = if all.len() > MALFORMED_SHOWN { format!("; {list_all}") } else { String::new() };
    Some(format!("{} malformed bar row(s) skipped: {}{more}", all.len(), few.join("; ")))
}

/// `ki2 export --prices`: the day's malformed bar rows as a warning.
pub fn say_malformed_bars(all: &[Malformed]) {
    if let Some(note) = malformed_note(all, "list them all with `ki2 study --malformed`") {
        eprintln!("ki2: warning: {note}");
    }
}

impl Notes {
    fn print(&self) {
        for w in &self.warnings {
            eprintln!("ki2: warning: {w}");
        }
        for e in &self.errors {
            eprintln!("ki2: {e}");
        }
    }

    /// Each as a line, the errors first.
    pub fn lines(self) -> Vec<String> {
        self.errors.into_iter().chain(self.warnings.into_iter().map(|w| format!("warning: {w}"))).collect()
    }
}

/// Without bars: what supplies them (`ki2 study` and `ki2 watch` take `--prices`).
pub const NO_BARS: &str = "no price bars: give --prices DIR or set [prices] dir in config.toml";

/// The mean paths drawn by `--plot`: every minute from 30 before to 30 after.
pub const PATH_MINUTES: i32 = 30;

pub fn run(config: &Config, args: StudyArgs) -> Result<ExitCode> {
    let horizons = parse_horizons(&args.horizons).map_err(UsageError)?;
    let kinds = if args.events.is_empty() {
        Kind::DEFAULT.to_vec()
    } else {
        args.events.iter().map(|e| Kind::parse(e)).collect::<Result<Vec<_>, _>>().map_err(UsageError)?
    };
    let (from, to) = (bound(args.from.as_deref(), "from")?, bound(args.to.as_deref(), "to")?);
    let dir = args.prices.clone().or_else(|| config.prices.dir.clone()).ok_or_else(|| UsageError(NO_BARS.into()))?;
    let prices = PriceFiles::scan(&dir)?;
    for w in &prices.warnings {
        eprintln!("ki2: warning: {w}");
    }
    let archive = discover(&args.root.root)?;
    let days: Vec<Day> =
        archive.days.keys().copied().filter(|d| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t)).collect();
    if days.is_empty() {
        return Err(LayoutError::Empty(archive.root.clone()).into());
    }
    let (rules, _) = RuleSet::resolve(args.rules.as_deref())?;
    let started = std::time::Instant::now();
    let mut notes = Notes::default();
    let mut inputs = gather(config, &archive, &days, kinds, &rules, horizons, &mut notes)?;
    notes.print();
    let mut failed = !notes.errors.is_empty();
    tracing::info!("study: events of {} days in {:.2} s", days.len(), started.elapsed().as_secs_f64());
    if args.plot.is_some() {
        inputs.path = (-PATH_MINUTES..=PATH_MINUTES).map(|m| m * 60).collect();
    }
    let loader = bars::Loader::new(&prices, config.prices.bar_s);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let started = std::time::Instant::now();
    let output = study::run(&inputs, threads, |i| loader.load(inputs.days[i]));
    tracing::info!("study: bars and returns on {threads} threads in {:.2} s", started.elapsed().as_secs_f64());
    let said = loader.notes(&prices.dir, "list them all with --malformed");
    said.print();
    if args.malformed {
        for m in &said.malformed {
            eprintln!("ki2: malformed bar row: {}", printable(&m.to_string()));
        }
    }
    failed |= !said.errors.is_empty();
    let mut stdout = std::io::stdout().lock();
    if args.json {
        for line in &output.summary {
            writeln!(stdout, "{}", serde_json::to_string(line)?)?;
        }
    } else {
        table::write(&mut stdout, &inputs, &output)?;
    }
    if let Some(out_dir) = &args.out {
        let files = out::write(out_dir, &inputs, &output)?;
        eprintln!("ki2: wrote {}", files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "));
    }
    if let Some(file) = &args.plot {
        plot::write(file, &inputs, &output).with_context(|| format!("cannot draw {}", file.display()))?;
        eprintln!("ki2: wrote {}", file.display());
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The events of `days` from their indexes (and, for `rule:NAME`, from their rows).
fn gather(
    config: &Config,
    archive: &crate::archive::Archive,
    days: &[Day],
    kinds: Vec<Kind>,
    rules: &RuleSet,
    horizons: Vec<u32>,
    notes: &mut Notes,
) -> Result<Inputs> {
    let named: Vec<crate::alerts::Rule> = kinds
        .iter()
        .filter_map(|k| if let Kind::Rule(name) = k { Some(name) } else { None })
        .map(|name| {
            let mut rule = rules
                .get(name)
                .cloned()
                .ok_or_else(|| UsageError(format!("--event rule:{name}: no rule named {name}")))?;
            // Asked for by name: studied whether it alerts now or not.
            rule.enabled = true;
            Ok(rule)
        })
        .collect::<Result<_, UsageError>>()?;
    let mut events = Events::new(kinds, rules, &config.prices.market, horizons).map_err(|e| anyhow!(e))?;
    if Kind::DEFAULT.iter().all(|k| events.kinds().contains(k)) && !events.has_capper() {
        notes.warnings.push("no rule named capper (source bursts): no capper events".into());
    }
    let builder = crate::history::builder(&archive.root, &crate::config::data_dir(), config.columns);
    for &day in days {
        let files = archive.files(day);
        let got = builder.get_with_bursts(&files)?;
        notes.warnings.extend(got.warning.clone());
        notes.errors.extend(got.errors.iter().map(|e| e.to_string()));
        events.add_day(&got.summary);
        if !named.is_empty() {
            let data = read_day(&files, config.columns);
            let rules = RuleSet::new(named.clone()).map_err(|e| anyhow!(e))?;
            let alerts = Evaluator::new(rules).eval_day(&data);
            events.add_alerts(&alerts, &got.summary.burst_symbols());
        }
    }
    Ok(events.finish())
}

/// `--from`/`--to`: YYYYMMDD (dashes allowed).
fn bound(v: Option<&str>, what: &str) -> Result<Option<Day>> {
    v.map(|s| {
        Day::parse_compact(&s.replace('-', ""))
            .ok_or_else(|| UsageError(format!("invalid --{what} {s:?}: expected YYYYMMDD")).into())
    })
    .transpose()
}

/// `1m,5m,15m,30m`, `90s`, `1h`, `300`: seconds, ascending, each once.
pub fn parse_horizons(s: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("invalid --horizons {s:?}: expected seconds or minutes, e.g. 1m,5m,15m,30m or 60,300");
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim) {
        let (digits, unit) = match part.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            Some((i, _)) => part.split_at(i),
            None => (part, "s"),
        };
        let n: u32 = digits.parse().map_err(|_| bad())?;
        let mult = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => return Err(bad()),
        };
        let secs = n.checked_mul(mult).filter(|v| (1..=86_400).contains(v)).ok_or_else(bad)?;
        out.push(secs);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizons_take_units() {
        assert_eq!(parse_horizons("1m,5m,15m,30m"), Ok(vec![60, 300, 900, 1800]));
        assert_eq!(parse_horizons("300, 90s,1h,300"), Ok(vec![90, 300, 3600]));
        for bad in ["", "5x", "0", "m", "-5", "2d"] {
            assert!(parse_horizons(bad).is_err(), "{bad}");
        }
    }
}
