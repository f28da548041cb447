//! The event loop: keys, tailer events, signals and a 1 s clock. The screen is redrawn only when
//! something changed (input, new rows, the clock), and data-driven redraws are paced to an output
//! budget so that a busy day stays calm over a slow SSH link. Keys are answered at once.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::Receiver;
use tokio::time::{Instant, MissedTickBehavior};

use super::app::App;
use super::terminal::{self, ByteCount};
use super::update::Effect;
use crate::alerts::RuleSet;
use crate::analysis::baskets::BurstSides;
use crate::archive::{Day, DayData};
use crate::platform::ShutdownSignals;
use crate::tail::TailEvent;
use crate::view_file::ViewFile;

/// What the TUI asks of the world outside it (files, the archive, alert sinks).
pub trait Io {
    /// The days of the archive.
    fn days(&mut self) -> Vec<Day>;
    /// A day read whole, for history.
    fn load_day(&mut self, day: Day) -> Result<DayData>;
    /// Writes the rules file; returns where.
    fn save_rules(&mut self, rules: &RuleSet) -> Result<PathBuf>;
    /// The rules file, when it changed on disk since the last call: new rules, or why not.
    fn rules_changed(&mut self) -> Option<Result<RuleSet, String>>;
    /// Writes the list panes' sort and columns (view.toml); returns where.
    fn save_view(&mut self, view: &ViewFile) -> Result<PathBuf>;
    /// The Parquet lake's state for the status line (and whether it is in trouble), if one runs.
    fn lake(&mut self) -> Option<(String, bool)> {
        None
    }
    /// Starts finding the recurring baskets of the closed days before `day` on a thread of its
    /// own, with `day`'s bursts matched so far (`sides`: their side and S1, which the alert path
    /// that matched them by their symbols does not know); None when there is no day index.
    fn baskets(&mut self, _day: Day, _sides: BurstSides) -> Option<super::baskets::BasketsJob> {
        None
    }
}

/// How the TUI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// SIGINT, SIGTERM, SIGHUP (the SSH link dropped), or their Windows console events:
    /// 128 + the signal number.
    Signal(i32),
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::Signal(n) => (128 + n).clamp(0, 255) as u8,
        }
    }
}

/// From the config's `[screen]` section.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// Data-driven redraws at most this often.
    pub min_frame: Duration,
    /// Bytes per second the screen may use while data flows (0: no limit).
    pub budget: u64,
}

/// Runs the TUI in the terminal until `q` or a signal; the terminal is restored on every path.
pub fn run(app: &mut App, tail: Option<Receiver<TailEvent>>, io: &mut dyn Io, pacing: Pacing) -> Result<Exit> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the runtime")?;
    let count = ByteCount::default();
    let (mut term, _guard) = terminal::enter(count.clone()).context("cannot set up the terminal")?;
    let exit = rt.block_on(event_loop(&mut term, app, tail, io, pacing, &count));
    let _ = term.show_cursor();
    // What the sinks still hold goes now, briefly; the rest at the next start (checkpoints).
    app.close_sinks(Duration::from_secs(2));
    exit
}

async fn event_loop<B: Backend + Write>(
    term: &mut Terminal<B>,
    app: &mut App,
    mut tail: Option<Receiver<TailEvent>>,
    io: &mut dyn Io,
    pacing: Pacing,
    count: &ByteCount,
) -> Result<Exit>
where
    B::Error: Send + Sync + 'static,
{
    let mut keys = EventStream::new();
    let mut signals = ShutdownSignals::new().context("cannot watch for shutdown signals")?;
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut dirty = true;
    let mut next_frame = Instant::now();
    loop {
        if dirty && Instant::now() >= next_frame {
            let before = count.get();
            frame(term, app)?;
            dirty = false;
            let bytes = count.get().saturating_sub(before);
            let spend = if pacing.budget > 0 {
                Duration::from_secs_f64(bytes as f64 / pacing.budget as f64)
            } else {
                Duration::ZERO
            };
            next_frame = Instant::now() + pacing.min_frame.max(spend).min(Duration::from_secs(1));
        }
        if let Some(text) = app.take_clipboard() {
            let _ = term.backend_mut().write_all(super::copy::osc52(&text).as_bytes());
            let _ = Write::flush(term.backend_mut());
        }
        if app.take_bell() {
            let _ = term.backend_mut().write_all(b"\x07");
            let _ = Write::flush(term.backend_mut());
        }
        if app.should_quit() {
            return Ok(Exit::Quit);
        }
        let wait = dirty.then_some(next_frame);
        // A local sink that is behind holds the rows back in the files (never dropped).
        let reading = !app.sinks_behind();
        tokio::select! {
            ev = keys.next() => match ev {
                Some(Ok(Event::Key(key))) => {
                    if let Some(effect) = app.on_key(key) {
                        if matches!(effect, Effect::OpenDay(_)) {
                            // Say "LOADING" before the (short) read.
                            frame(term, app)?;
                        }
                        apply(effect, app, io);
                    }
                    dirty = true;
                    next_frame = Instant::now();
                }
                Some(Ok(Event::Resize(..))) => {
                    // A full frame on every resize, not a diff: the terminal may have reflowed or
                    // cut what was on screen, and when the size ends where the last draw saw it
                    // (resized and back while a big day loaded, or mid-frame) `autoresize` alone
                    // neither clears nor redraws, leaving the screen garbled until the next one.
                    term.autoresize().map_err(|e| anyhow::anyhow!("cannot resize: {e}"))?;
                    term.clear().map_err(|e| anyhow::anyhow!("cannot clear the screen: {e}"))?;
                    dirty = true;
                    next_frame = Instant::now();
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e).context("cannot read the terminal"),
                // The terminal went away (SSH dropped without a SIGHUP).
                None => return Ok(Exit::Signal(1)),
            },
            () = tokio::time::sleep(Duration::from_millis(20)), if !reading => {},
            ev = recv(&mut tail), if reading => match ev {
                Some(event) => {
                    dirty |= app.on_tail(event);
                    // Take what else is waiting: one redraw for the lot.
                    if let Some(rx) = tail.as_mut() {
                        for _ in 0..1024 {
                            match rx.try_recv() {
                                Ok(event) => dirty |= app.on_tail(event),
                                Err(_) => break,
                            }
                        }
                    }
                }
                None => {
                    tail = None;
                    app.complain("the tailer stopped: the screen no longer updates (see the log)");
                    dirty = true;
                }
            },
            _ = clock.tick() => {
                app.set_lake(io.lake());
                app.tell_sink_notes();
                app.tick();
                if let Some(day) = app.baskets_refresh() {
                    let job = io.baskets(day, app.burst_sides(day));
                    app.baskets_started(day, job);
                }
                if let Some(change) = io.rules_changed() {
                    match change {
                        Ok(rules) => {
                            app.set_rules(rules);
                            app.say("rules file changed: new rules in effect");
                        }
                        Err(e) => app.complain(format!("{e} (keeping the previous rules)")),
                    }
                }
                dirty = true;
            },
            _ = sleep_until(wait) => {},
            signal = signals.recv() => return Ok(Exit::Signal(signal.number())),
        }
    }
}

/// One frame: the update step for the terminal's size as it is now, then the paint.
fn frame<B: Backend>(term: &mut Terminal<B>, app: &mut App) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    term.autoresize().map_err(|e| anyhow::anyhow!("cannot resize: {e}"))?;
    app.settle(term.get_frame().area());
    term.draw(|f| app.draw(f)).map_err(|e| anyhow::anyhow!("cannot draw: {e}"))?;
    Ok(())
}

async fn recv(tail: &mut Option<Receiver<TailEvent>>) -> Option<TailEvent> {
    match tail.as_mut() {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Carries out what a key asked for; failures are shown in the status line, nothing is lost.
pub fn apply(effect: Effect, app: &mut App, io: &mut dyn Io) {
    app.touch();
    match effect {
        Effect::ListDays => {
            let days = io.days();
            app.open_day_picker(days);
        }
        Effect::OpenDay(day) => match io.load_day(day) {
            Ok(data) => {
                app.show_history(data);
                // The Basket column of an earlier day comes from the baskets of the closed days.
                if let Some(live) = app.baskets_wanted() {
                    let job = io.baskets(live, app.burst_sides(live));
                    app.baskets_started(live, job);
                }
            }
            Err(e) => app.loading_failed(day, &format!("{e:#}")),
        },
        Effect::SaveRules(rules) => match io.save_rules(&rules) {
            Ok(path) => app.rules_saved(&path),
            Err(e) => app.complain(format!("rules not saved: {e:#} (they stay in effect)")),
        },
        Effect::SaveView(view) => {
            if let Err(e) = io.save_view(&view) {
                app.complain(format!("column choice not saved: {e:#} (it stays in effect)"));
            }
        }
        Effect::FindBaskets(day) => {
            let job = io.baskets(day, app.burst_sides(day));
            app.baskets_started(day, job);
        }
    }
}
