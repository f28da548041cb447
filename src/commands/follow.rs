//! `ki2 scan --follow`: alerts for the rows a day holds, then for every row appended, until
//! interrupted — through the same live-alert path as the TUI, with standard output as one more
//! sink. Without `--checkpoint` the day's alerts are printed first (sorted by time), then new
//! ones as they come; with `--checkpoint NAME` a restart prints only what it had not printed.

use std::io;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::alerts::{Delivery, Evaluator, HumanFormat, LiveAlerts, RuleSet, printable};
use crate::archive::columns::BurstColumns;
use crate::archive::{Archive, CounterWalk, Day, Kind, Rows};
use crate::config::Config;
use crate::tail::{self, TailEvent, TailOptions};

pub struct FollowArgs {
    pub json: bool,
    pub poll: bool,
    /// Switch to a newer day when its files appear (following `latest` or `today`).
    pub follow_days: bool,
    /// Resume printing after what was printed under this name.
    pub checkpoint: Option<String>,
    /// The day has no files yet: say that ki2 waits for them.
    pub waiting: bool,
}

pub fn run(config: &Config, archive: &Archive, day: Day, rules: RuleSet, args: FollowArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(follow(config, archive, day, rules, args))
}

/// How long queued alerts may still take to go out when interrupted.
const DRAIN: Duration = Duration::from_secs(2);

async fn follow(config: &Config, archive: &Archive, day: Day, rules: RuleSet, args: FollowArgs) -> Result<ExitCode> {
    let mut signals = crate::platform::ShutdownSignals::new().context("cannot watch for shutdown signals")?;
    let opts = TailOptions {
        root: archive.root.clone(),
        day,
        follow_days: args.follow_days,
        poll_only: args.poll,
        poll_interval: config.poll_interval,
        columns: config.columns,
    };
    let closed = Arc::new(AtomicBool::new(false));
    let (mut delivery, warnings) = Delivery::from_config(&config.sinks, &archive.root, &crate::config::data_dir());
    let stdout = Delivery::stdout_spec(args.json, HumanFormat::new(&rules), args.checkpoint.as_deref(), closed.clone());
    if let Some(w) = delivery.add(stdout, config.sinks.queue) {
        bail!("{w}");
    }
    for w in warnings {
        eprintln!("ki2: warning: {}", printable(&w));
    }
    let builder = crate::history::builder(&archive.root, &crate::config::data_dir(), config.columns);
    let evaluator = Evaluator::new(rules)
        .with_enricher(crate::history::enricher(archive, builder.clone()))
        .with_context(super::alert_context(archive, builder, config));
    let mut live = LiveAlerts::new(day, evaluator, delivery);
    let (handle, mut rx) = tail::spawn(opts)?;
    let mut notes = Notes { columns: config.columns.burst, ..Notes::default() };
    if args.waiting {
        let w = crate::archive::waiting_message(&archive.root);
        tracing::info!("{w}");
        eprintln!("ki2: {}", printable(&w));
        notes.waiting = true;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    let outcome = loop {
        // A local sink that is behind (a slow reader of standard output) holds the rows back
        // in the files: the tailer waits, nothing is dropped.
        let reading = live.backpressure().is_none();
        let event = tokio::select! {
            e = rx.recv(), if reading => e,
            () = tokio::time::sleep(Duration::from_millis(20)), if !reading => continue,
            _ = tick.tick() => {
                // `ki2 scan --follow | head`: the reader has seen enough.
                if closed.load(Ordering::SeqCst) {
                    break Ok(());
                }
                live.poll();
                say(live.take_notes());
                continue;
            }
            signal = signals.recv() => {
                tracing::info!("scan --follow: {} received: delivering what is queued and stopping", signal.name());
                break Ok(());
            }
        };
        match event {
            Some(event) => {
                live.on_event(&event);
                notes.tell(&event);
            }
            None => break Err(io::Error::other("the tailer stopped")),
        }
    };
    handle.stop();
    // Nothing more can be printed to a closed pipe; the other sinks get their time.
    live.close(if closed.load(Ordering::SeqCst) { Duration::from_millis(200) } else { DRAIN });
    say(live.take_notes());
    tracing::info!("scan --follow ended");
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => bail!("{e}"),
    }
}

fn say(notes: Vec<String>) {
    for n in notes {
        eprintln!("ki2: warning: {}", printable(&n));
    }
}

/// What `scan --follow` says on stderr about the files as they are followed.
#[derive(Default)]
struct Notes {
    malformed_shown: usize,
    /// The followed day's counters against its labels, said once when they mostly disagree.
    counters: CounterWalk,
    counters_said: bool,
    columns: BurstColumns,
    /// "waiting for the Burst Monitor's files" was said: say when rows come.
    waiting: bool,
}

/// Malformed rows listed on stderr before only their count is given.
const MALFORMED_SHOWN: usize = 20;

impl Notes {
    fn tell(&mut self, event: &TailEvent) {
        match event {
            TailEvent::Reset { day, kind, .. } => {
                eprintln!("ki2: {kind} file of {day} was rewritten: reading it again (no repeated alerts)");
                if *kind == Kind::Bursts {
                    self.counters = CounterWalk::default();
                }
            }
            TailEvent::Rows { day, .. } if std::mem::take(&mut self.waiting) => {
                eprintln!("ki2: the Burst Monitor's files of {day} are there: following them");
                self.tell(event);
            }
            TailEvent::Rows { day, rows: Rows::Bursts(rows) } => {
                rows.iter().for_each(|r| self.counters.push(r));
                if !self.counters_said
                    && let Some(w) = self.counters.check.warning(*day, &self.columns)
                {
                    self.counters_said = true;
                    tracing::warn!("{w}");
                    eprintln!("ki2: warning: {w}");
                }
            }
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
            TailEvent::DayChanged { from, to } => {
                eprintln!("ki2: {from} ended; following {to}");
                (self.counters, self.counters_said) = (CounterWalk::default(), false);
            }
            TailEvent::FileError { path, message } => {
                eprintln!("ki2: {}: {message}", printable(&path.display().to_string()))
            }
            TailEvent::FileRecovered { path } => {
                eprintln!("ki2: {}: readable again", printable(&path.display().to_string()))
            }
            TailEvent::Mode(mode) => tracing::info!("tail mode: {mode:?}"),
            TailEvent::Rows { .. } | TailEvent::CaughtUp { .. } => {}
        }
    }
}
