//! Where alerts go besides the screen — the alert log, the user's command, MQTT, webhooks, and
//! `scan --follow`'s standard output — each through its own queue and thread, with a checkpoint
//! per sink and day in the data folder: up to which row of which file the sink has its alerts.
//!
//! On start (and on each new day) the alerts of the rows already in the files go to a sink only
//! past its checkpoint, so a restart neither loses what was written meanwhile nor sends the day
//! again. A sink with no checkpoint at all (new in the config) starts where the files are.

pub mod checkpoint;
mod command;
mod gaps;
mod jsonl;
pub mod mqtt;
pub mod queue;
mod stdout;
pub mod webhook;
pub mod worker;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use checkpoint::Checkpoint;
use queue::Queue;
pub use queue::{Overflow, SinkState, SinkStats};
use worker::{Sink, Worker};

use super::ledger::Ledger;
use super::{Alert, HumanFormat};
use crate::archive::Day;
use crate::archive::fingerprint::Fingerprint;
use crate::archive::ledger::Mark;
use crate::config::{CommandMode, SinksConfig};

/// What a sink with no checkpoint at all does with the rows already in the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstDay {
    /// Starts where the files are: a new sink is not flooded with the day so far.
    FromNow,
    /// Everything (`scan --follow --checkpoint NAME` on its first run prints the day).
    FromStart,
}

/// A sink as the status line and the sinks overlay show it.
#[derive(Debug, Clone)]
pub struct SinkStatus {
    pub kind: &'static str,
    pub name: String,
    pub stats: SinkStats,
}

struct Handle {
    kind: &'static str,
    name: String,
    queue: Arc<Queue>,
    /// Checkpoints kept here; None: the sink gets every alert (nothing to resume).
    dir: Option<PathBuf>,
    first_day: FirstDay,
    used_before: bool,
    thread: Option<JoinHandle<()>>,
    /// Held while running: two ki2s on one root do not deliver the same sink twice.
    _lock: Option<File>,
    /// Alerts dropped that the user has been told of.
    dropped_said: u64,
}

#[derive(Default)]
pub struct Delivery {
    sinks: Vec<Handle>,
    /// `data folder/delivery/<root>/`: checkpoints are per archive root.
    base: PathBuf,
    /// What the user should be told (stderr of `scan --follow`, the TUI's status line), once.
    notes: Vec<String>,
}

/// How a sink is to be started.
pub struct SinkSpec {
    pub kind: &'static str,
    pub name: String,
    /// Names the sink's checkpoints (None: none kept).
    pub id: Option<String>,
    pub first_day: FirstDay,
    /// Local sinks wait (the producer slows down), remote ones drop past their queue.
    pub overflow: Overflow,
    pub sink: Result<Box<dyn Sink>, String>,
}

impl Delivery {
    /// No sinks (tests, a day read whole).
    pub fn none() -> Delivery {
        Delivery::default()
    }

    /// No sinks yet; those added keep their checkpoints for `root` under `data`.
    pub fn new(data: &Path, root: &Path) -> Delivery {
        Delivery { sinks: Vec::new(), base: delivery_dir(data, root), notes: Vec::new() }
    }

    /// The sinks the config asks for, with their checkpoints for `root` under `data` (the data
    /// folder). Returns what to tell the user (a sink another ki2 holds, one that failed).
    pub fn from_config(cfg: &SinksConfig, root: &Path, data: &Path) -> (Delivery, Vec<String>) {
        let mut specs = Vec::new();
        if let Some(path) = &cfg.log_file {
            specs.push(SinkSpec {
                kind: "log",
                name: format!("alert log {}", path.display()),
                id: Some(sink_id("log", path.to_string_lossy().as_bytes())),
                first_day: FirstDay::FromNow,
                overflow: Overflow::Wait,
                sink: Ok(Box::new(jsonl::JsonLines::new(path.clone()))),
            });
        }
        if let Some(argv) = &cfg.command {
            let sink: Box<dyn Sink> = match cfg.command_mode {
                CommandMode::Each => Box::new(command::EachAlert::new(argv.clone())),
                CommandMode::Stream => Box::new(command::Stream::new(argv.clone())),
            };
            specs.push(SinkSpec {
                kind: "command",
                name: format!("alert command {:?}", argv[0]),
                id: Some(sink_id("command", argv.join("\0").as_bytes())),
                first_day: FirstDay::FromNow,
                overflow: Overflow::Wait,
                sink: Ok(sink),
            });
        }
        if let Some(m) = &cfg.mqtt {
            let id = sink_id("mqtt", format!("{}\0{}", m.url, m.topic).as_bytes());
            let client_id = m.client_id.clone().unwrap_or_else(|| format!("ki2-{}-{}", std::process::id(), &id[5..]));
            specs.push(SinkSpec {
                kind: "mqtt",
                name: format!("mqtt {}:{}", m.host, m.port),
                id: Some(id),
                first_day: FirstDay::FromNow,
                overflow: Overflow::Drop,
                sink: mqtt::Mqtt::new(m, &client_id).map(|s| Box::new(s) as Box<dyn Sink>),
            });
        }
        for w in &cfg.webhooks {
            specs.push(SinkSpec {
                kind: "webhook",
                name: format!("webhook {}", crate::secrets::redact_url(&w.url)),
                id: Some(sink_id("webhook", w.url.as_bytes())),
                first_day: FirstDay::FromNow,
                overflow: Overflow::Drop,
                sink: Ok(Box::new(webhook::Webhook::new(w))),
            });
        }
        let mut d = Delivery::new(data, root);
        let warnings = specs.into_iter().filter_map(|s| d.add(s, cfg.queue)).collect();
        (d, warnings)
    }

    /// `scan --follow`'s standard output as a sink; with `checkpoint`, resumable by that name.
    pub fn stdout_spec(json: bool, human: HumanFormat, checkpoint: Option<&str>, closed: Arc<AtomicBool>) -> SinkSpec {
        SinkSpec {
            kind: "stdout",
            name: "standard output".into(),
            id: checkpoint.map(|n| format!("stdout-{}", sanitize(n))),
            first_day: FirstDay::FromStart,
            overflow: Overflow::Wait,
            sink: Ok(Box::new(stdout::Stdout::new(json, human, closed))),
        }
    }

    /// Starts a sink; returns a warning when it cannot deliver.
    pub fn add(&mut self, spec: SinkSpec, cap: usize) -> Option<String> {
        let queue = Arc::new(Queue::new(&spec.name, cap, spec.overflow));
        let mut warning = None;
        let mut lock = None;
        let dir = spec.id.as_ref().map(|id| self.base.join(id));
        let mut used_before = false;
        let mut elsewhere = false;
        if let Some(dir) = &dir {
            match claim(dir) {
                Ok(l) => {
                    lock = Some(l);
                    used_before = has_checkpoints(dir);
                }
                Err((why, held)) => {
                    warning = Some(format!("{}: {why}", spec.name));
                    elsewhere = held;
                }
            }
        }
        let sink = match spec.sink {
            Ok(s) if warning.is_none() => Some(s),
            Ok(_) => None,
            Err(why) => {
                warning = Some(format!("{}: {why}", spec.name));
                None
            }
        };
        let thread = match sink {
            Some(sink) => {
                let worker = Worker { name: spec.name.clone(), sink, queue: queue.clone(), dir: dir.clone() };
                match std::thread::Builder::new().name(format!("ki2-sink-{}", spec.kind)).spawn(move || worker.run()) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        warning = Some(format!("{}: cannot start its thread: {e}", spec.name));
                        None
                    }
                }
            }
            None => None,
        };
        if let Some(w) = &warning {
            tracing::warn!("{w}");
            let state = if elsewhere { SinkState::Elsewhere(w.clone()) } else { SinkState::Off(w.clone()) };
            queue.update(|s| s.state = state);
        }
        self.sinks.push(Handle {
            kind: spec.kind,
            name: spec.name,
            queue,
            dir,
            first_day: spec.first_day,
            used_before,
            thread,
            _lock: lock,
            dropped_said: 0,
        });
        warning
    }

    /// The alerts of the rows a day held when it was first read, in the order to send them:
    /// each sink gets those past its checkpoint.
    pub fn backlog(&mut self, day: Day, alerts: &[Alert], ledger: &Ledger) {
        for h in &mut self.sinks {
            if h.queue.stats().state.is_off() {
                continue;
            }
            let checkpoint = match &h.dir {
                None => None,
                Some(dir) => match Checkpoint::load(&dir.join(format!("{}.json", day.compact()))) {
                    Ok(c) => c,
                    Err(e) => {
                        // Torn by a power cut, emptied, edited: what was sent is unknown, so
                        // everything goes again (repeats carry their ids; nothing is lost).
                        let note = format!(
                            "{}: the delivery checkpoint of {day} cannot be read ({e}): delivering the day again",
                            h.name
                        );
                        tracing::warn!("{note}");
                        self.notes.push(note);
                        h.used_before = true;
                        None
                    }
                },
            };
            match checkpoint {
                None if h.dir.is_some() && !h.used_before && h.first_day == FirstDay::FromNow => {
                    tracing::info!(
                        "{}: first use: alerts from now on ({} earlier ones of {day} not sent)",
                        h.name,
                        alerts.len()
                    );
                    h.queue.push_marks(day, ledger.marks());
                }
                None => push_all(h, alerts, ledger),
                Some(c) => {
                    let sent = |a: &Alert| {
                        c.get(a.at.file).is_some_and(|m| ledger.holds(a.at.file, m)) && c.has(a.at.file, a.at.index)
                    };
                    let rest: Vec<Alert> = alerts.iter().filter(|a| !sent(a)).cloned().collect();
                    tracing::info!(
                        "{}: {day}: {} alert(s) already delivered, {} to send",
                        h.name,
                        alerts.len() - rest.len(),
                        rest.len()
                    );
                    push_all(h, &rest, ledger);
                    if rest.is_empty() {
                        h.queue.push_marks(day, Vec::new());
                    }
                }
            }
            h.used_before = true;
        }
    }

    /// Alerts of rows appended since: every sink gets them.
    pub fn news(&mut self, alerts: &[Alert], ledger: &Ledger) {
        for h in &mut self.sinks {
            push_all(h, alerts, ledger);
        }
    }

    pub fn status(&self) -> Vec<SinkStatus> {
        self.sinks.iter().map(|h| SinkStatus { kind: h.kind, name: h.name.clone(), stats: h.queue.stats() }).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.sinks.is_empty()
    }

    /// A local sink's queue is full: the caller reads no more rows until it has room (the rows
    /// wait in the files). Returns the sink's name.
    pub fn backpressure(&self) -> Option<&str> {
        self.sinks.iter().find(|h| h.queue.overflow() == Overflow::Wait && h.queue.is_full()).map(|h| h.name.as_str())
    }

    /// What the user has not been told yet: a checkpoint that could not be read, a remote sink
    /// that started dropping alerts (its name, how many, the first one's id).
    pub fn take_notes(&mut self) -> Vec<String> {
        for h in &mut self.sinks {
            let s = h.queue.stats();
            if s.dropped > 0 && h.dropped_said == 0 {
                self.notes.push(format!(
                    "{}: queue full, alerts dropped (first {}); they are sent at the next start",
                    h.name,
                    s.first_dropped.as_deref().unwrap_or("?")
                ));
                h.dropped_said = s.dropped;
            }
        }
        std::mem::take(&mut self.notes)
    }

    /// Sends what is queued, for up to `timeout`, then stops every sink. What is still queued
    /// then is sent by the next start (the checkpoints stop before it).
    pub fn close(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        for h in &self.sinks {
            h.queue.close(deadline);
        }
        for h in &mut self.sinks {
            // Only the first close has threads to join, and so something to report.
            let Some(t) = h.thread.take() else { continue };
            let _ = t.join();
            let stats = h.queue.stats();
            if stats.queued > 0 {
                tracing::warn!(
                    "{}: {} alert(s) not delivered before exit: they go at the next start",
                    h.name,
                    stats.queued
                );
            }
            if stats.dropped > 0 {
                let note = format!(
                    "{}: {} alert(s) dropped in all (queue full), the first {}: they go at the next start",
                    h.name,
                    stats.dropped,
                    stats.first_dropped.as_deref().unwrap_or("?")
                );
                tracing::warn!("{note}");
                self.notes.push(note);
                h.dropped_said = stats.dropped;
            }
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.close(Duration::from_secs(2));
    }
}

fn push_all(h: &Handle, alerts: &[Alert], ledger: &Ledger) {
    for a in alerts {
        let mark = ledger.mark(a.at.file, a.at.index + 1).unwrap_or(Mark::NONE);
        let before = ledger.mark(a.at.file, a.at.index).unwrap_or(Mark::NONE);
        h.queue.push_alert(a.clone(), mark, before);
    }
}

fn delivery_dir(data: &Path, root: &Path) -> PathBuf {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let f = Fingerprint::default().bytes(root.to_string_lossy().as_bytes()).finish();
    data.join("delivery").join(format!("{f:016x}"))
}

fn sink_id(kind: &str, target: &[u8]) -> String {
    let f = Fingerprint::default().bytes(target).finish();
    format!("{kind}-{:08x}", f >> 32)
}

fn sanitize(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    s.chars().take(64).collect()
}

fn has_checkpoints(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".json")))
        .unwrap_or(false)
}

/// Creates the sink's folder and takes its lock. The error says why, and whether it is
/// because another ki2 holds the lock (true: the sink is served from there).
fn claim(dir: &Path) -> Result<File, (String, bool)> {
    std::fs::create_dir_all(dir).map_err(|e| (format!("cannot create {}: {e}", dir.display()), false))?;
    let path = dir.join("lock");
    let file = File::create(&path).map_err(|e| (format!("cannot create {}: {e}", path.display()), false))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err((
            format!("another ki2 on this archive delivers to it ({}): not delivering from this one", path.display()),
            true,
        )),
        Err(std::fs::TryLockError::Error(e)) => Err((format!("cannot lock {}: {e}", path.display()), false)),
    }
}
