//! `ki2 scan --follow`: alerts for the rows a day holds, then for every row appended, until
//! interrupted. The tailer sends what exists first (one batch per file); those alerts are
//! printed sorted by time, as a plain `scan` prints them, then later alerts as they come.

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::signal::unix::{SignalKind, signal};

use super::scan::Printer;
use crate::alerts::{Alert, Enricher, Evaluator, RuleSet, Sinks, printable};
use crate::archive::{Archive, Day};
use crate::config::Config;
use crate::tail::{self, Resends, TailEvent, TailOptions};

pub struct FollowArgs {
    pub json: bool,
    pub poll: bool,
    /// Switch to a newer day when its files appear (following `latest` or `today`).
    pub follow_days: bool,
}

pub fn run(config: &Config, archive: &Archive, day: Day, rules: RuleSet, args: FollowArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(follow(config, archive, day, rules, args))
}

async fn follow(config: &Config, archive: &Archive, day: Day, rules: RuleSet, args: FollowArgs) -> Result<ExitCode> {
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot watch for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
    let opts = TailOptions {
        root: archive.root.clone(),
        day,
        follow_days: args.follow_days,
        poll_only: args.poll,
        poll_interval: config.poll_interval,
        columns: config.columns,
    };
    let (handle, mut rx) = tail::spawn(opts)?;
    let mut state = Follow {
        printer: Printer::new(args.json, &rules),
        evaluator: Evaluator::new(rules).with_enricher(Enricher::from_archive(archive, config.columns)),
        sinks: Sinks::from_config(config),
        catching_up: Some(Vec::new()),
        resends: Resends::default(),
        malformed_shown: 0,
    };
    let outcome = loop {
        let event = tokio::select! {
            e = rx.recv() => e,
            _ = interrupt.recv() => break Ok(()),
            _ = terminate.recv() => break Ok(()),
            _ = hangup.recv() => break Ok(()),
        };
        match event {
            Some(event) => {
                if let Err(e) = state.on_event(event) {
                    break Err(e);
                }
            }
            None => break Err(io::Error::other("the tailer stopped")),
        }
    };
    handle.stop();
    // Whatever was read before the interrupt is still reported.
    let flushed = state.finish_catch_up();
    if let Some(hook) = &state.sinks.hook {
        hook.wait_idle(Duration::from_secs(2));
    }
    match outcome.and(flushed) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `ki2 scan --follow | head`: the reader has seen enough.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => bail!("{e}"),
    }
}

struct Follow {
    printer: Printer,
    evaluator: Evaluator,
    sinks: Sinks,
    /// Alerts for the rows present at start, printed sorted once the tailer has caught up.
    catching_up: Option<Vec<Alert>>,
    /// A rewritten file must not alert twice on the same rows.
    resends: Resends,
    malformed_shown: usize,
}

/// Malformed rows listed on stderr before only their count is given.
const MALFORMED_SHOWN: usize = 20;

impl Follow {
    fn on_event(&mut self, event: TailEvent) -> io::Result<()> {
        match event {
            TailEvent::Rows { day, rows } => {
                let skip = self.resends.repeats(day, &rows);
                let alerts = self.evaluator.eval(day, &rows.without_first(skip));
                match &mut self.catching_up {
                    Some(buffer) => buffer.extend(alerts),
                    None => self.emit(&alerts)?,
                }
            }
            TailEvent::Reset { day, kind, burst } => {
                self.resends.reset(day, kind, burst);
                eprintln!("ki2: {kind} file of {day} was rewritten: reading it again (no repeated alerts)");
            }
            TailEvent::CaughtUp { .. } => self.finish_catch_up()?,
            TailEvent::Malformed { items, .. } => {
                for m in items {
                    self.malformed_shown += 1;
                    if self.malformed_shown <= MALFORMED_SHOWN {
                        eprintln!("ki2: warning: malformed row skipped: {}", printable(&m.to_string()));
                    } else if self.malformed_shown == MALFORMED_SHOWN + 1 {
                        eprintln!("ki2: warning: more malformed rows skipped (list them with `ki2 stats --malformed`)");
                    }
                }
            }
            TailEvent::DayChanged { from, to } => eprintln!("ki2: {from} ended; following {to}"),
            TailEvent::FileError { path, message } => {
                eprintln!("ki2: {}: {message}", printable(&path.display().to_string()))
            }
            TailEvent::FileRecovered { path } => {
                eprintln!("ki2: {}: readable again", printable(&path.display().to_string()))
            }
            TailEvent::Mode(mode) => tracing::info!("tail mode: {mode:?}"),
        }
        Ok(())
    }

    fn finish_catch_up(&mut self) -> io::Result<()> {
        if let Some(mut alerts) = self.catching_up.take() {
            alerts.sort_by_key(|a| a.time);
            // Old rows go to the screen only: the log and the hook already had them, or a
            // restart would run the hook again for the whole day.
            self.printer.print(&alerts)?;
        }
        Ok(())
    }

    fn emit(&mut self, alerts: &[Alert]) -> io::Result<()> {
        if alerts.is_empty() {
            return Ok(());
        }
        self.printer.print(alerts)?;
        for e in self.sinks.deliver(alerts) {
            eprintln!("ki2: {}", printable(&e));
        }
        Ok(())
    }
}
