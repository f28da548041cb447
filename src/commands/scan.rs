//! `ki2 scan`: the alert rules over one day, headless. One alert per line, sorted by time.
//!
//! Following is "feed more `Rows` into the same `Evaluator` and print what it returns": the
//! day is evaluated through `Evaluator::eval_day`, and `Printer` prints any later batch the
//! same way.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::alerts::{Alert, Evaluator, HumanFormat, RuleSet, printable};
use crate::archive::{Archive, DateSpec, read_day};
use crate::cli::ScanArgs;
use crate::commands::UsageError;
use crate::config::Config;

pub fn run(config: &Config, args: ScanArgs) -> Result<ExitCode> {
    let spec = DateSpec::parse(&args.date).map_err(UsageError)?;
    let (rules, _) = RuleSet::resolve(args.rules.as_deref())?;
    let archive = Archive::discover(&args.root.root)?;
    if args.follow {
        // A root the Burst Monitor has not written to yet is waited for, not an error.
        let live = archive.resolve_live(spec)?;
        let follow_days = !matches!(spec, DateSpec::Day(_));
        let opts = super::follow::FollowArgs {
            json: args.json,
            poll: args.poll,
            follow_days,
            checkpoint: args.checkpoint,
            waiting: live.waiting,
        };
        return super::follow::run(config, &archive, live.day, rules, opts);
    }
    let day = archive.resolve(spec)?;
    let data = read_day(&archive.files(day), config.columns);
    if let Some(err) = data.errors.first() {
        bail!("cannot read {err}");
    }
    super::say_counters(day, crate::archive::CounterCheck::of(&data.bursts), config);
    if let Some(first) = data.malformed.first() {
        let (n, first) = (data.malformed.len(), printable(&first.to_string()));
        eprintln!("ki2: warning: {n} malformed row(s) skipped, first {first} (list them with `ki2 stats --malformed`)");
    }
    let mut printer = Printer::new(args.json, &rules);
    let builder = crate::history::builder(&archive.root, &crate::config::data_dir(), config.columns);
    let mut evaluator = Evaluator::new(rules)
        .with_enricher(crate::history::enricher(&archive, builder.clone()))
        .with_context(super::alert_context(&archive, builder, config));
    let alerts = evaluator.eval_day(&data);
    if alerts.is_empty() && !args.json {
        // Silence would look like a scan that did nothing.
        eprintln!("ki2: no alerts on {day} ({} rule(s))", evaluator.rules().len());
    }
    match printer.print(&alerts) {
        // `ki2 scan | head`: the reader has seen enough.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => bail!("cannot write to standard output: {e}"),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

/// Prints alerts as JSON lines or aligned human lines.
pub struct Printer {
    json: bool,
    human: HumanFormat,
}

impl Printer {
    pub fn new(json: bool, rules: &RuleSet) -> Printer {
        Printer { json, human: HumanFormat::new(rules) }
    }

    pub fn print(&mut self, alerts: &[Alert]) -> io::Result<()> {
        let mut out = BufWriter::new(io::stdout().lock());
        for a in alerts {
            let line = if self.json { a.to_json() } else { self.human.line(a) };
            writeln!(out, "{line}")?;
        }
        out.flush()
    }
}
