//! The ways the system asks ki2 to stop: SIGINT, SIGTERM and SIGHUP on Unix (SIGHUP when the SSH
//! link drops); Ctrl-C, Ctrl-Break, closing the console window and logoff/shutdown on Windows.

use std::io;

/// Which request to stop arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// Ctrl-C (SIGINT; Windows: CTRL_C_EVENT).
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// SIGHUP: the terminal or SSH session went away.
    Hangup,
    /// Windows: CTRL_BREAK_EVENT.
    Break,
    /// Windows: the console window was closed (CTRL_CLOSE_EVENT).
    Close,
    /// Windows: the user logs off or the system shuts down.
    SystemShutdown,
}

impl Shutdown {
    /// The Unix signal number it stands for (Windows events map to the nearest one; Ctrl-Break
    /// is SIGBREAK, 21, in the Windows C runtime): exit codes are 128 + this, as shells expect.
    pub fn number(self) -> i32 {
        match self {
            Shutdown::Interrupt => 2,
            Shutdown::Terminate | Shutdown::SystemShutdown => 15,
            Shutdown::Hangup | Shutdown::Close => 1,
            Shutdown::Break => 21,
        }
    }

    /// As the log names it: `SIGTERM`, or the Windows console event.
    pub fn name(self) -> &'static str {
        match self {
            Shutdown::Interrupt => "SIGINT (Ctrl-C)",
            Shutdown::Terminate => "SIGTERM",
            Shutdown::Hangup => "SIGHUP",
            Shutdown::Break => "Ctrl-Break",
            Shutdown::Close => "the console window closed",
            Shutdown::SystemShutdown => "logoff or system shutdown",
        }
    }

    /// The exit code a process stopped this way reports.
    pub fn exit_code(self) -> u8 {
        (128 + self.number()).clamp(0, 255) as u8
    }
}

/// Listens for every shutdown request from creation on. Create it once, before the loop that
/// awaits `recv` (a listener created later misses what arrived before); needs a tokio runtime
/// with signals enabled (`enable_all`).
pub struct ShutdownSignals {
    #[cfg(unix)]
    inner: unix::Listeners,
    #[cfg(windows)]
    inner: windows::Listeners,
}

impl ShutdownSignals {
    pub fn new() -> io::Result<ShutdownSignals> {
        #[cfg(unix)]
        let inner = unix::Listeners::new()?;
        #[cfg(windows)]
        let inner = windows::Listeners::new()?;
        Ok(ShutdownSignals { inner })
    }

    /// Resolves when a shutdown request arrives, with which one. Cancel-safe: use it in
    /// `tokio::select!` in a loop.
    pub async fn recv(&mut self) -> Shutdown {
        self.inner.recv().await
    }
}

#[cfg(unix)]
mod unix {
    use std::io;

    use tokio::signal::unix::{Signal, SignalKind, signal};

    use super::Shutdown;

    pub struct Listeners {
        interrupt: Signal,
        terminate: Signal,
        hangup: Signal,
    }

    impl Listeners {
        pub fn new() -> io::Result<Listeners> {
            let on = |kind: SignalKind, name: &str| {
                signal(kind).map_err(|e| io::Error::new(e.kind(), format!("cannot watch for {name}: {e}")))
            };
            Ok(Listeners {
                interrupt: on(SignalKind::interrupt(), "SIGINT")?,
                terminate: on(SignalKind::terminate(), "SIGTERM")?,
                hangup: on(SignalKind::hangup(), "SIGHUP")?,
            })
        }

        pub async fn recv(&mut self) -> Shutdown {
            tokio::select! {
                _ = self.interrupt.recv() => Shutdown::Interrupt,
                _ = self.terminate.recv() => Shutdown::Terminate,
                _ = self.hangup.recv() => Shutdown::Hangup,
            }
        }
    }
}

#[cfg(windows)]
mod windows {
    use std::io;

    use tokio::signal::windows::{
        CtrlBreak, CtrlC, CtrlClose, CtrlShutdown, ctrl_break, ctrl_c, ctrl_close, ctrl_shutdown,
    };

    use super::Shutdown;

    pub struct Listeners {
        c: CtrlC,
        brk: CtrlBreak,
        close: CtrlClose,
        shutdown: CtrlShutdown,
    }

    impl Listeners {
        pub fn new() -> io::Result<Listeners> {
            Ok(Listeners { c: ctrl_c()?, brk: ctrl_break()?, close: ctrl_close()?, shutdown: ctrl_shutdown()? })
        }

        pub async fn recv(&mut self) -> Shutdown {
            tokio::select! {
                _ = self.c.recv() => Shutdown::Interrupt,
                _ = self.brk.recv() => Shutdown::Break,
                _ = self.close.recv() => Shutdown::Close,
                _ = self.shutdown.recv() => Shutdown::SystemShutdown,
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_sighup_is_reported_as_hangup_with_the_shells_exit_code() -> Result<(), Box<dyn std::error::Error>> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let got = rt.block_on(async {
            let mut signals = ShutdownSignals::new()?;
            // Raised at this process: the listener is registered, so nothing else sees it.
            let pid = std::process::id().to_string();
            std::process::Command::new("kill").args(["-HUP", &pid]).status()?;
            let got = tokio::time::timeout(std::time::Duration::from_secs(5), signals.recv()).await;
            got.map_err(|_| io::Error::other("no signal within 5 s"))
        })?;
        assert_eq!((got, got.exit_code()), (Shutdown::Hangup, 129));
        Ok(())
    }
}
