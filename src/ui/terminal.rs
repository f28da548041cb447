//! The terminal: raw mode and the alternate screen on the way in, and the way out on every path
//! (quit, error, panic, signal). Output goes through one buffer per frame (one write, fewer SSH
//! packets) and is counted, so the event loop can keep within an output budget.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Bytes written to the terminal so far.
#[derive(Debug, Clone, Default)]
pub struct ByteCount(Arc<AtomicU64>);

impl ByteCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

pub struct Counting<W> {
    inner: W,
    count: ByteCount,
}

impl<W: Write> Counting<W> {
    pub fn new(inner: W, count: ByteCount) -> Self {
        Counting { inner, count }
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub type Out = BufWriter<Counting<Stdout>>;
pub type Term = Terminal<CrosstermBackend<Out>>;

/// Restores the terminal when dropped, whatever the way out.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Enters the alternate screen in raw mode; the guard leaves it.
pub fn enter(count: ByteCount) -> io::Result<(Term, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, Hide)?;
    let out = BufWriter::with_capacity(1 << 16, Counting::new(io::stdout(), count));
    let terminal = Terminal::new(CrosstermBackend::new(out))?;
    Ok((terminal, guard))
}

/// Whether ki2 holds the terminal (raw mode, alternate screen).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Leaves the alternate screen and raw mode, once: leaving it twice would move the cursor back to
/// where ki2 started and the shell would write over its own lines.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
    }
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The shell gets a sane terminal back before the message is printed.
            restore();
            tracing::error!("panic: {info}");
            previous(info);
            match crate::logging::path() {
                Some(log) => eprintln!("ki2: crashed; the terminal was restored; the log is {}", log.display()),
                None => eprintln!("ki2: crashed; the terminal was restored"),
            }
        }));
    });
}
