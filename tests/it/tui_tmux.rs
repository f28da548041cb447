//! The TUI end to end, in a real terminal: `ki2 watch` and `ki2 demo` run in a shell inside a
//! detached tmux session (one server per test, fixed size), driven by keys sent one at a time
//! and judged by what `capture-pane` shows. Without tmux these tests say so and pass, unless
//! `KI2_REQUIRE_TMUX=1` (CI), where a missing tmux fails them.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub(crate) const DATE: &str = "20250714";
const DAY: &str = "2025-07-14";
/// How long anything the user waits for may take (debug build, busy CI machine).
pub(crate) const WAIT: Duration = Duration::from_secs(20);
/// Between keys: `Esc` followed at once by another key reads as Alt+key.
const KEY_PAUSE: Duration = Duration::from_millis(300);
pub(crate) const TITLES: [&str; 6] =
    ["High Quote Counts", "Burst Signals", "Syms Hit At", "Buy Progs vs Sell Progs", "S2 / S1", "Alerts"];

pub(crate) fn tmux_available() -> bool {
    let found = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("KI2_REQUIRE_TMUX").is_ok_and(|v| v == "1") {
            panic!("tmux is not installed, and KI2_REQUIRE_TMUX=1 requires it");
        }
        eprintln!("tmux is not installed: skipping this TUI test (KI2_REQUIRE_TMUX=1 makes it fail instead)");
    }
    found
}

/// One tmux server with one session running `sh`; killed (and its socket removed) when
/// dropped, whatever happened.
pub(crate) struct Tmux {
    socket: String,
    /// The socket file, once the server runs (tmux leaves it behind after `kill-server`).
    socket_path: Option<PathBuf>,
    width: usize,
}

impl Tmux {
    /// A shell in a `width`×`height` terminal, with ki2's config and data in `home` and `env` added.
    pub(crate) fn start(width: u16, height: u16, home: &Path, env: &[(&str, &Path)]) -> Tmux {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!("ki2-test-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let mut tmux = Tmux { socket, socket_path: None, width: usize::from(width) };
        let (config, data) = (home.join("config"), home.join("data"));
        fs::create_dir_all(&config).unwrap();
        fs::create_dir_all(&data).unwrap();
        let mut cmd = vec![
            "new-session".to_owned(),
            "-d".into(),
            "-s".into(),
            "ki2".into(),
            "-x".into(),
            width.to_string(),
            "-y".into(),
            height.to_string(),
            "--".into(),
            "env".into(),
            "-u".into(),
            "NO_COLOR".into(),
            "-u".into(),
            "ENV".into(),
            "-u".into(),
            "KI2_ROOT".into(),
            "PS1=$ ".into(),
            format!("KI2_CONFIG_DIR={}", config.display()),
            format!("KI2_DATA_DIR={}", data.display()),
        ];
        cmd.extend(env.iter().map(|(k, v)| format!("{k}={}", v.display())));
        cmd.push("sh".into());
        let out = tmux.run(&cmd.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        let path = tmux.run(&["display-message", "-p", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&path.stdout).trim().to_owned();
        tmux.socket_path = (!path.is_empty()).then(|| PathBuf::from(path));
        // The server takes the session's size from here on, whatever clients come and go.
        tmux.run(&["set-option", "-g", "window-size", "manual"]);
        tmux.wait_for("the shell prompt", |s| s.lines().any(|l| l.starts_with('$')));
        tmux
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").args(["-f", "/dev/null", "-L", &self.socket]).args(args).output().expect("cannot run tmux")
    }

    /// One key by tmux name (`Tab`, `Enter`, `Escape`), then a pause.
    pub(crate) fn key(&self, name: &str) {
        let out = self.run(&["send-keys", "-t", "ki2", name]);
        assert!(out.status.success(), "send-keys {name}: {}", String::from_utf8_lossy(&out.stderr));
        std::thread::sleep(KEY_PAUSE);
    }

    /// Characters typed one at a time.
    pub(crate) fn type_text(&self, text: &str) {
        for c in text.chars() {
            let out = self.run(&["send-keys", "-t", "ki2", "-l", &c.to_string()]);
            assert!(out.status.success(), "send-keys {c}: {}", String::from_utf8_lossy(&out.stderr));
            std::thread::sleep(KEY_PAUSE);
        }
    }

    /// A whole command line for the shell (it is not read key by key, so sent at once).
    pub(crate) fn command(&self, line: &str) {
        let out = self.run(&["send-keys", "-t", "ki2", "-l", line]);
        assert!(out.status.success(), "send-keys: {}", String::from_utf8_lossy(&out.stderr));
        self.key("Enter");
    }

    /// What the terminal shows now.
    pub(crate) fn screen(&self) -> String {
        self.capture(&["capture-pane", "-p", "-t", "ki2"])
    }

    /// The screen with wrapped lines joined (for long shell output such as `stty -a`).
    fn joined(&self) -> String {
        self.capture(&["capture-pane", "-p", "-J", "-t", "ki2"])
    }

    fn capture(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "capture-pane: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `ok` holds; fails with the last screen after `WAIT`.
    pub(crate) fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, WAIT, false, ok)
    }

    /// As `wait_for`, but fails at once if the program has already exited (an `EXIT=` line).
    pub(crate) fn wait_tui(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, WAIT, true, ok)
    }

    pub(crate) fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        exit_fails: bool,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if exit_fails && let Some(code) = exit_code(&s) {
                panic!("waiting for {what}: ki2 exited with {code} instead. The screen:\n{}", frame(&s));
            }
            if start.elapsed() > timeout {
                panic!("waiting for {what}: not there after {timeout:?}. The screen:\n{}", frame(&s));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the `EXIT=n` line the shell prints after ki2, and returns n.
    pub(crate) fn wait_exit(&self) -> i32 {
        let s = self.wait_for("ki2 to exit (an EXIT= line)", |s| exit_code(s).is_some());
        exit_code(&s).unwrap()
    }

    /// After ki2 exited: the alternate screen is gone, `stty -a` (run right after ki2 on the same
    /// command line, before the shell could repair anything) shows canonical mode and echo, and
    /// the shell reads a line typed to it.
    pub(crate) fn assert_sane(&self) {
        let s = self.wait_for("the output of stty -a", |s| s.lines().any(|l| l.trim() == "STTY-DONE"));
        for title in TITLES {
            assert!(!s.contains(title), "the TUI is still on the screen after exit:\n{}", frame(&s));
        }
        assert!(s.contains("ki2 ") && exit_code(&s).is_some(), "the shell's lines are not back:\n{}", frame(&s));
        let joined = self.joined();
        let flags: Vec<&str> = joined.split_whitespace().collect();
        for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(
                flags.contains(&flag) && !flags.contains(&format!("-{flag}").as_str()),
                "the terminal was left without {flag}:\n{}",
                frame(&joined)
            );
        }
        self.command("echo SANE-$((6*7))");
        self.wait_for("the shell to answer a typed command", |s| s.lines().any(|l| l.trim() == "SANE-42"));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
        if let Some(p) = &self.socket_path {
            let _ = fs::remove_file(p);
        }
    }
}

/// The code of the `EXIT=n` line (a line of its own, not the echoed command).
pub(crate) fn exit_code(screen: &str) -> Option<i32> {
    screen.lines().find_map(|l| l.trim().strip_prefix("EXIT=")?.parse().ok())
}

/// A screen in a frame, for failure messages.
pub(crate) fn frame(screen: &str) -> String {
    let mut out = String::from("+--------\n");
    for l in screen.lines() {
        out.push('|');
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("+--------");
    out
}

/// Shell quoting for paths.
pub(crate) fn q(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

pub(crate) fn ki2() -> &'static str {
    crate::support::KI2
}

/// A simulated day (seed 7) written at once under `dir/archive`.
pub(crate) fn simulated_day(dir: &Path) -> PathBuf {
    let root = dir.join("archive");
    let out = Command::new(ki2())
        .args(["simulate", "--instant", "--seed", "7", "--date", DATE, "--root"])
        .arg(&root)
        .env("KI2_CONFIG_DIR", dir.join("config"))
        .env("KI2_DATA_DIR", dir.join("data"))
        .env_remove("KI2_ROOT")
        .output()
        .expect("run ki2 simulate");
    assert!(out.status.success(), "ki2 simulate: {}", String::from_utf8_lossy(&out.stderr));
    root
}

/// `HHMMSS` without padding as `HH:MM:SS`, if it is a time of day.
fn hhmmss(field: &str) -> Option<String> {
    let t: u32 = field.trim().parse().ok()?;
    let (h, m, s) = (t / 10_000, t / 100 % 100, t % 100);
    (h < 24 && m < 60 && s < 60).then(|| format!("{h:02}:{m:02}:{s:02}"))
}

/// The last line of a file that reads as a row: `min_fields` fields, a time at `time_field`.
/// (The simulator writes malformed lines too; ki2 skips those, so this does as well.)
fn last_row(path: &Path, min_fields: usize, time_field: usize) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .rev()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
        .find(|f| f.len() >= min_fields && hhmmss(&f[time_field]).is_some())
        .unwrap_or_else(|| panic!("{}: no row", path.display()))
}

/// The last burst's time, `HH:MM:SS`, as the Burst Signals pane should show it.
fn last_burst_time(root: &Path) -> String {
    let row = last_row(&root.join("Data_Burst").join(format!("{DATE}.csv")), 9, 0);
    hhmmss(&row[0]).unwrap()
}

/// The last hft1 row: symbol and time (`HHMMSS` as written).
fn last_quote(root: &Path) -> (String, u32) {
    let row = last_row(&root.join("Data").join(format!("{DATE}_hft1.csv")), 7, 2);
    (row[0].clone(), row[2].trim().parse().unwrap())
}

/// The lines inside the pane whose title starts with `title`: the rows between its borders,
/// header row first.
fn pane(screen: &str, title: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let Some((top, at)) = lines.iter().enumerate().find_map(|(i, l)| {
        let text: String = l.iter().collect();
        let byte = text.find(title)?;
        Some((i, text[..byte].chars().count()))
    }) else {
        panic!("no pane titled {title:?}:\n{}", frame(screen));
    };
    let row = &lines[top];
    let left = (0..at).rev().find(|&c| row[c] == '┌').unwrap_or_else(|| panic!("{title}: no ┌:\n{}", frame(screen)));
    let right = (at..row.len()).find(|&c| row[c] == '┐').unwrap_or_else(|| panic!("{title}: no ┐:\n{}", frame(screen)));
    lines[top + 1..]
        .iter()
        .take_while(|l| l.get(left).is_some_and(|&c| c != '└'))
        .map(|l| l.get(left + 1..right.min(l.len())).map(|s| s.iter().collect()).unwrap_or_default())
        .collect()
}

/// Whether `s` starts with a time `HH:MM:SS`.
fn starts_with_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit()) && b[2] == b':' && b[5] == b':'
}

pub(crate) fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

/// The `Time HH:MM:SS` of the header.
fn header_time(screen: &str) -> Option<String> {
    let h = header(screen);
    let at = h.find("Time ")? + 5;
    h.get(at..at + 8).filter(|t| starts_with_time(t)).map(str::to_owned)
}

pub(crate) fn shows_every_pane(screen: &str, titles: &[&str]) -> bool {
    titles.iter().all(|t| screen.contains(t))
}

/// The day is read: the header says LIVE and Burst Signals lists bursts.
pub(crate) fn loaded(screen: &str) -> bool {
    header(screen).contains("LIVE") && pane(screen, "Burst Sig").get(1).is_some_and(|r| starts_with_time(r))
}

/// The pid of the `ki2 watch` running on `root` (found in /proc: no procps needed).
pub(crate) fn ki2_pid(root: &Path) -> String {
    let want = root.display().to_string();
    let pids: Vec<String> = fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().into_owned();
            pid.parse::<u32>().ok()?;
            let cmd = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let args: Vec<String> = cmd.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
            let is_ki2 = args.first().is_some_and(|a| a.ends_with("/ki2")) && args.iter().any(|a| a == "watch");
            (is_ki2 && args.contains(&want)).then_some(pid)
        })
        .collect();
    assert_eq!(pids.len(), 1, "ki2 watch on {want}: found {pids:?}");
    pids[0].clone()
}

/// `kill -SIG pid` through the shell's builtin.
pub(crate) fn signal(pid: &str, sig: &str) {
    let status = Command::new("sh").args(["-c", &format!("kill -{sig} {pid}")]).status().expect("run sh");
    assert!(status.success(), "kill -{sig} {pid}");
}

/// `ki2 watch` on the day, with `EXIT=$?` and `stty -a` after it on the same command line.
pub(crate) fn watch_line(root: &Path) -> String {
    format!("{} watch --root {} --date {DATE}; echo EXIT=$?; stty -a; echo STTY-DONE", ki2(), q(root))
}

/// `ki2 watch` on a simulated day in a `width`×`height` terminal, the day read. Fields drop in
/// order: the tmux server (and ki2) go before the folder does.
struct Watching {
    t: Tmux,
    root: PathBuf,
    dir: tempfile::TempDir,
}

/// `None` when tmux is missing (and allowed to be).
fn watching(width: u16, height: u16) -> Option<Watching> {
    if !tmux_available() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = simulated_day(dir.path());
    let t = Tmux::start(width, height, dir.path(), &[]);
    t.command(&watch_line(&root));
    t.wait_tui("the day read", loaded);
    Some(Watching { t, root, dir })
}

#[test]
fn watch_shows_all_panes_and_the_last_burst_time() {
    // Bound whole: the folder must outlive the test.
    let Some(w) = watching(160, 48) else { return };
    let (t, root) = (&w.t, &w.root);
    let last = last_burst_time(root);
    let (symbol, _) = last_quote(root);

    let s = t.wait_tui("every pane and the last burst", |s| {
        shows_every_pane(s, &TITLES) && s.contains(&format!("Syms Hit At {last}"))
    });
    // The newest burst is the top row of Burst Signals (and the one whose symbols are shown).
    let bursts = pane(&s, "Burst Signals");
    assert!(bursts.len() > 2, "Burst Signals is empty:\n{}", frame(&s));
    assert!(bursts[0].starts_with("Time"), "Burst Signals has no header row:\n{}", frame(&s));
    assert!(bursts[1].starts_with(&last), "the top burst is not the last one ({last}):\n{}", frame(&s));
    assert!(header(&s).contains(&format!("Date {DAY}")), "header:\n{}", frame(&s));
    assert!(header_time(&s).is_some(), "no market time in the header:\n{}", frame(&s));

    // Tab to Burst Signals, Enter: its symbols, most traded on top.
    t.key("Tab");
    t.key("Enter");
    let s = t.wait_tui("the symbols of the last burst", |s| {
        s.contains(&format!("Syms Hit At {last}"))
            && pane(s, "Syms Hit At").get(1).is_some_and(|r| !r.trim().is_empty())
    });
    let top_symbol = pane(&s, "Syms Hit At")[1].split_whitespace().next().expect("a symbol in Syms Hit At").to_owned();

    // Enter on the (focused) symbols: the symbol's day over the panes.
    t.key("Enter");
    let s = t.wait_tui("the symbol view", |s| s.contains("Esc back") && s.contains("first "));
    assert!(
        s.contains(&format!("{top_symbol} · {DAY} · Esc back")),
        "the symbol view is not {top_symbol}'s:\n{}",
        frame(&s)
    );
    assert!(s.contains("  last "), "no last time in the symbol view:\n{}", frame(&s));
    t.key("Escape");
    let s = t.wait_tui("the symbol view to close", |s| !s.contains("Esc back"));
    assert!(shows_every_pane(&s, &TITLES), "panes missing after Esc:\n{}", frame(&s));

    // `/` and a symbol of the day: every High Quote Counts row is that symbol's.
    t.type_text("/");
    t.wait_tui("the filter being typed", |s| header(s).contains("Filter "));
    t.type_text(&symbol);
    t.key("Enter");
    let want = format!("Filter {symbol}");
    let s = t.wait_tui(&want, |s| {
        let h = header(s);
        h.contains(&want) && !h.contains('▏') && pane(s, "High Quote Counts").len() > 1
    });
    let rows: Vec<String> =
        pane(&s, "High Quote Counts").into_iter().skip(1).filter(|r| !r.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "no {symbol} rows in High Quote Counts:\n{}", frame(&s));
    for r in &rows {
        let sym = r.split_whitespace().nth(1);
        assert!(starts_with_time(r) && sym == Some(symbol.as_str()), "row {r:?} is not {symbol}'s:\n{}", frame(&s));
    }

    // Help, and back.
    t.type_text("?");
    t.wait_tui("the help overlay", |s| s.contains(" Keys "));
    t.key("Escape");
    t.wait_tui("the help to close", |s| !s.contains(" Keys ") && shows_every_pane(s, &TITLES));

    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
    t.assert_sane();
}

#[test]
fn watch_at_80x24_fits() {
    let Some(w) = watching(80, 24) else { return };
    let t = &w.t;
    let short = ["High Quote", "Burst Sig", "Syms Hit", "Buy Progs", "S2 / S1", "Alerts"];
    let s = t.wait_tui("every pane at 80x24, the day read", |s| shows_every_pane(s, &short) && loaded(s));
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines.len() <= 24, "{} lines:\n{}", lines.len(), frame(&s));
    for (i, l) in lines.iter().enumerate() {
        let n = l.chars().count();
        assert!(n <= t.width, "line {i} is {n} columns:\n{}", frame(&s));
    }
    // The panes fill the width exactly: each of their lines ends in a right border at column 80
    // (a character drawn two columns wide, or a pane too wide, would push it out).
    for (i, l) in lines.iter().enumerate().take(23).skip(1) {
        let chars: Vec<char> = l.chars().collect();
        assert!(
            chars.len() == t.width && matches!(chars.last(), Some('┐' | '│' | '┘')),
            "line {i} does not end in a border at column {}:\n{}",
            t.width,
            frame(&s)
        );
    }
    assert!(header(&s).contains("LIVE") && header(&s).contains(&format!("Date {DAY}")), "header:\n{}", frame(&s));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
    t.assert_sane();
}

fn demo_folders(tmp: &Path) -> Vec<String> {
    fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("ki2-demo-"))
        .collect()
}

/// `ki2 demo` started in a 160×48 tmux, its temporary folder under `dir/tmp` (returned).
fn demo_in_tmux(dir: &Path) -> (Tmux, PathBuf) {
    demo_in_tmux_sized(dir, 160, 48)
}

fn demo_in_tmux_sized(dir: &Path, width: u16, height: u16) -> (Tmux, PathBuf) {
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let t = Tmux::start(width, height, dir, &[("TMPDIR", &tmp)]);
    // A new market each run, as a user's demo is (that is how a seed the demo could not show
    // baskets for was found); a failing run says which, to see it again.
    let seed = fastrand::u64(..);
    eprintln!("the demo's market: ki2 demo --seed {seed}");
    t.command(&format!("{} demo --seed {seed}; echo EXIT=$?; stty -a; echo STTY-DONE", ki2()));
    (t, tmp)
}

#[test]
fn demo_comes_alive_and_cleans_up() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (t, tmp) = demo_in_tmux(dir.path());

    let started = Instant::now();
    let s = t.wait_tui("the demo, live, with rows", |s| {
        shows_every_pane(s, &TITLES)
            && header(s).contains("LIVE")
            && pane(s, "High Quote Counts").iter().skip(1).any(|r| starts_with_time(r))
    });
    eprintln!("the demo was live with rows after {:.1?}", started.elapsed());
    assert_eq!(demo_folders(&tmp).len(), 1, "the demo's archive is not in TMPDIR:\n{}", frame(&s));
    let first = header_time(&s).unwrap_or_else(|| panic!("no market time in the header:\n{}", frame(&s)));

    // Market time moves on (20 market seconds a real second).
    std::thread::sleep(Duration::from_secs(2));
    let s = t.wait_tui("the market time to move", |s| header_time(s).is_some_and(|now| now != first));
    assert!(header(&s).contains("LIVE"), "header:\n{}", frame(&s));

    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
    t.assert_sane();
    let left = demo_folders(&tmp);
    assert!(left.is_empty(), "the demo left its archive behind: {left:?}");
}

/// `E` in the demo: the study over the demo's history days (it writes their bars) comes up as a
/// table with the groups' rows, then the live day is added on top; Enter draws a row's path, Esc
/// twice is back on the panes.
#[test]
fn e_in_the_demo_shows_the_edges_table_of_its_history_days() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (t, _tmp) = demo_in_tmux(dir.path());
    t.wait_tui("the demo, live", |s| shows_every_pane(s, &TITLES) && header(s).contains("LIVE"));
    t.type_text("E");
    // The study of three days in a debug build on a busy machine: more than the usual wait.
    let s = t.wait_until("the Edges table with a group's row", Duration::from_secs(120), true, |s| {
        s.contains("Excess bp") && s.lines().any(|l| l.contains("burst/") && l.contains(" hit "))
    });
    let closed = ["Edges · the study over 3 closed day(s)", "Edges · 3 closed day(s) + today ("];
    assert!(closed.iter().any(|c| s.contains(c)), "{}", frame(&s));
    // Then today on top of them, as its events and bars come.
    t.wait_until("today added to the study", Duration::from_secs(60), true, |s| {
        s.contains("Edges · 3 closed day(s) + today (") && s.contains("Excess bp")
    });
    t.key("Enter");
    t.wait_tui("a row's path", |s| s.contains("mean cumulative return (bp) ±2 SE · Esc back"));
    t.key("Escape");
    t.wait_tui("the table again", |s| s.contains("Excess bp") && !s.contains("Esc back"));
    t.key("Escape");
    t.wait_tui("the panes again", |s| shows_every_pane(s, &TITLES) && !s.contains("Edges ·"));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
    t.assert_sane();
}

/// `B` in the demo: its history days' planted players are listed as recurring baskets at once,
/// Enter shows one close up with its return after it fires (the demo writes bars); on the
/// newest history day (the day picker), Burst Signals' Basket column marks the players' bursts
/// with the short ids the view lists (200 columns: room for the column).
#[test]
fn b_in_the_demo_lists_its_players_baskets_and_the_basket_column_marks_their_bursts() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (t, _tmp) = demo_in_tmux_sized(dir.path(), 200, 50);
    t.wait_tui("the demo, live", |s| shows_every_pane(s, &TITLES) && header(s).contains("LIVE"));
    t.type_text("B");
    let s = t.wait_until("the Baskets list", Duration::from_secs(120), true, |s| s.contains("Enter detail"));
    assert!(s.contains("seen 3+ times over 3 closed days"), "{}", frame(&s));
    // The list's rows: a short id, then the basket's id.
    let listed: Vec<(String, String)> = s
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split('│').nth(2)?.split_whitespace().collect();
            (w.len() > 2 && w[1].starts_with('B') && w[1].len() == 16).then(|| (w[0].to_owned(), w[1].to_owned()))
        })
        .collect();
    assert!(listed.len() >= 2, "the demo's players are listed:\n{}", frame(&s));
    t.key("Enter");
    let s = t.wait_until("the detail with its returns", Duration::from_secs(120), true, |s| {
        s.contains("after it fires: +1m ")
    });
    assert!(s.contains(&format!("Basket {} ({})", listed[0].1, listed[0].0)), "{}", frame(&s));
    t.key("Escape");
    t.key("Escape");
    t.wait_tui("the panes again", |s| shows_every_pane(s, &TITLES) && !s.contains("Baskets ·"));
    t.type_text("d");
    t.wait_tui("the day picker", |s| s.contains("Days · Enter opens"));
    t.key("Down");
    t.key("Enter");
    t.wait_tui("an earlier day", |s| header(s).contains("HISTORY"));
    // Burst Signals sorted by Basket (from Time, the previous column): the players' on top.
    t.key("Tab");
    t.type_text("<");
    let s = t.wait_until("a burst marked with its basket", Duration::from_secs(60), true, |s| {
        s.contains("Basket↓") && pane(s, "Burst Signals").iter().any(|r| r.contains('·'))
    });
    let marks: Vec<String> = pane(&s, "Burst Signals")
        .iter()
        .filter_map(|r| r.split_whitespace().find(|w| w.contains('·')).map(str::to_owned))
        .collect();
    for m in &marks {
        let (short, before) = m.split_once('·').unwrap_or_default();
        assert!(before.parse::<u32>().is_ok_and(|n| n > 0), "{m}:\n{}", frame(&s));
        assert!(short.len() >= 4 && short.chars().all(|c| c.is_ascii_hexdigit()), "{m}:\n{}", frame(&s));
    }
    assert!(
        marks.iter().any(|m| listed.iter().any(|(short, _)| m.starts_with(&format!("{short}·")))),
        "{marks:?} {listed:?}"
    );
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
    t.assert_sane();
}

#[test]
fn sigterm_restores_the_terminal() {
    // Bound whole: the folder must outlive the test.
    let Some(w) = watching(160, 48) else { return };
    let (t, root) = (&w.t, &w.root);
    t.wait_tui("every pane", |s| shows_every_pane(s, &TITLES));

    signal(&ki2_pid(root), "TERM");

    assert_eq!(t.wait_exit(), 143, "SIGTERM:\n{}", frame(&t.screen()));
    t.assert_sane();
}

#[test]
fn live_rows_appear() {
    // Bound whole: the folder must outlive the test.
    let Some(w) = watching(160, 48) else { return };
    let (t, root) = (&w.t, &w.root);
    let (_, last) = last_quote(root);
    t.wait_tui("every pane", |s| shows_every_pane(s, &TITLES));

    // A new symbol, a second after the day's last row, over the quote-stuffing bar (2000).
    let secs = (last / 10_000) * 3600 + (last / 100 % 100) * 60 + last % 100 + 1;
    let time = (secs / 3600) * 10_000 + (secs / 60 % 60) * 100 + secs % 60;
    let shown = hhmmss(&time.to_string()).unwrap();
    let hft1 = root.join("Data").join(format!("{DATE}_hft1.csv"));
    let mut f = OpenOptions::new().append(true).open(&hft1).unwrap();
    f.write_all(format!("ZZTOP,0,{time},5000,300,200,1000000,\r\n").as_bytes()).unwrap();
    drop(f);

    let s = t.wait_tui("ZZTOP on top of High Quote Counts", |s| {
        pane(s, "High Quote Counts").get(1).is_some_and(|r| r.starts_with(&shown) && r.contains("ZZTOP"))
    });
    let top = &pane(&s, "High Quote Counts")[1];
    assert!(top.split_whitespace().nth(2) == Some("5000"), "the count is not 5000: {top:?}\n{}", frame(&s));
    assert_eq!(header_time(&s).as_deref(), Some(shown.as_str()), "the header's market time:\n{}", frame(&s));
    let s = t.wait_tui("the quote-stuffing alert for ZZTOP", |s| {
        pane(s, "Alerts").iter().any(|r| r.starts_with(&shown) && r.contains("quote-stuffing") && r.contains("ZZTOP"))
    });
    // The newest alert is on top of the log.
    let first = &pane(&s, "Alerts")[1];
    assert!(first.contains("ZZTOP"), "the new alert is not the top row of Alerts: {first:?}\n{}", frame(&s));

    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
}

/// The log file ki2 keeps in its data folder (`KI2_DATA_DIR`, set by `Tmux::start`).
fn log_text(home: &Path) -> String {
    fs::read_to_string(home.join("data").join("ki2.log")).unwrap_or_default()
}

#[test]
fn sighup_restores_the_terminal_and_the_log_says_why() {
    let Some(Watching { t, root, dir }) = watching(120, 40) else { return };
    // While it runs: no network socket, nothing listening. (Unnamed socket pairs that the
    // runtime and the terminal reader use to wake themselves are fine.)
    let pid = ki2_pid(&root);
    let inodes: Vec<String> = fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| fs::read_link(e.ok()?.path()).ok())
        .filter_map(|l| Some(l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned()))
        .collect();
    for table in ["tcp", "tcp6", "udp", "udp6", "raw", "raw6"] {
        let text = fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
        for line in text.lines().skip(1) {
            let inode = line.split_whitespace().nth(9).unwrap_or("");
            assert!(!inodes.iter().any(|i| i == inode), "ki2 has a {table} socket: {line}");
        }
    }
    let unix = fs::read_to_string(format!("/proc/{pid}/net/unix")).unwrap_or_default();
    for line in unix.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 7 && inodes.iter().any(|i| i == f[6]) {
            let flags = u32::from_str_radix(f[3], 16).unwrap_or(0);
            assert!(flags & 0x10000 == 0 && f.len() == 7, "ki2 listens on a unix socket: {line}");
        }
    }
    signal(&pid, "HUP");
    assert_eq!(t.wait_exit(), 129, "SIGHUP (the SSH link dropped):\n{}", frame(&t.screen()));
    t.assert_sane();
    let log = log_text(dir.path());
    assert!(log.contains("watch ended: Signal(1)"), "the log does not say why:\n{log}");
}

#[test]
fn a_panic_in_a_pane_restores_the_terminal_and_is_logged() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = simulated_day(dir.path());
    let t = Tmux::start(120, 40, dir.path(), &[]);
    // Debug builds only: KI2_DEBUG_PANIC makes the first frame panic inside the panes.
    t.command(&format!("RUST_BACKTRACE=0 KI2_DEBUG_PANIC=1 {}", watch_line(&root)));
    assert_eq!(t.wait_exit(), 101, "a panic exits 101:\n{}", frame(&t.screen()));
    let s = t.screen();
    assert!(s.contains("crashed; the terminal was restored; the log is"), "{}", frame(&s));
    t.assert_sane();
    let log = log_text(dir.path());
    assert!(log.contains("panic") && log.contains("KI2_DEBUG_PANIC: a pane failed to draw"), "{log}");
}

#[test]
fn an_escape_sequence_in_a_symbol_does_not_retitle_the_terminal() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    fs::create_dir_all(root.join("Data")).unwrap();
    // OSC 0 (set title), a cursor move and a clear screen, in symbols.
    let rows = "\x1b]0;PWNED\x07,0,93000,2500,1,1,1,\r\nA\x1b[2J\x1b[H,0,93001,10,1,1,1,\r\nSPY,0,93002,10,1,1,1,\r\n";
    fs::write(root.join("Data").join(format!("{DATE}_hft1.csv")), rows).unwrap();
    let t = Tmux::start(120, 40, dir.path(), &[]);
    let before = String::from_utf8_lossy(&t.run(&["display-message", "-p", "#{pane_title}"]).stdout).into_owned();
    t.command(&watch_line(&root));
    let s = t.wait_tui("the rows", |s| s.contains("SPY") && s.contains("\\u{1b}]0"));
    let title = String::from_utf8_lossy(&t.run(&["display-message", "-p", "#{pane_title}"]).stdout).into_owned();
    assert!(!title.contains("PWNED") && title == before, "the terminal was retitled: {title:?}");
    assert!(s.contains("High Quote Counts"), "the screen was not cleared by a symbol:\n{}", frame(&s));
    t.key("q");
    assert_eq!(t.wait_exit(), 0);
}

/// An archive under `home/root` whose day has an empty hft1 file, and `config` as the config
/// file `Tmux::start(.., home, ..)` gives ki2: the root and the hft1 file.
fn empty_day(home: &Path, config: &str) -> (PathBuf, PathBuf) {
    let root = home.join("root");
    let hft1 = root.join("Data").join(format!("{DATE}_hft1.csv"));
    fs::create_dir_all(hft1.parent().unwrap()).unwrap();
    fs::write(&hft1, "").unwrap();
    fs::create_dir_all(home.join("config")).unwrap();
    fs::write(home.join("config/config.toml"), config).unwrap();
    (root, hft1)
}

/// Ids in a JSON-lines alert log, with how often each is there.
fn logged_ids(log: &Path) -> std::collections::BTreeMap<String, usize> {
    let mut ids = std::collections::BTreeMap::new();
    // A line still being written (no newline yet) is left for the next look.
    for line in fs::read_to_string(log).unwrap_or_default().split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *ids.entry(v["id"].as_str().unwrap().to_owned()).or_insert(0) += 1;
    }
    ids
}

#[test]
fn the_tui_delivers_rows_written_while_it_was_closed_after_it_starts_again() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("alerts.jsonl");
    let (root, hft1) = empty_day(dir.path(), &format!("[alerts]\nlog_file = {log:?}\nbell = false\n"));
    // Over the quote-stuffing bar (2000): one alert each, by the built-in rules.
    let append = |from: u32, to: u32| {
        let mut f = OpenOptions::new().append(true).open(&hft1).unwrap();
        for i in from..to {
            f.write_all(format!("S{i},0,{},2500,5,7,1000,\r\n", 93000 + i % 60).as_bytes()).unwrap();
        }
    };
    let t = Tmux::start(120, 40, dir.path(), &[]);
    let line = format!("{} watch --root {} --date {DATE}; echo EXIT=$?", ki2(), q(&root));
    t.command(&line);
    t.wait_tui("LIVE", |s| s.contains(" LIVE "));
    append(0, 50);
    let s = t.wait_tui("sinks ok in the status line", |s| s.contains("sinks ok"));
    assert!(wait(|| logged_ids(&log).len() == 50), "{:?}\n{}", logged_ids(&log).len(), frame(&s));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);

    append(50, 120);
    t.command(&line);
    t.wait_tui("LIVE", |s| s.contains(" LIVE "));
    assert!(wait(|| logged_ids(&log).len() == 120), "{}", logged_ids(&log).len());
    let ids = logged_ids(&log);
    assert!(ids.values().all(|n| *n == 1), "an alert logged twice");
    // The sinks overlay: this run delivered the 70 written while the TUI was closed.
    t.type_text("o");
    let s = t.wait_tui("the sinks overlay", |s| s.contains("Alert sinks"));
    let row = s.lines().find(|l| l.contains("alert log")).unwrap_or_default().to_owned();
    assert!(row.contains("delivered        70") && row.contains("queued       0"), "{row}\n{}", frame(&s));
    t.key("Escape");
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);
}

fn wait(mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

#[test]
fn ctrl_d_opens_no_day_picker_and_y_copies_the_selected_row_over_osc_52() {
    let Some(w) = watching(160, 48) else { return };
    let t = &w.t;
    // tmux keeps what an application sends with OSC 52 as a paste buffer.
    t.run(&["set-option", "-g", "set-clipboard", "on"]);
    t.wait_tui("every pane", |s| shows_every_pane(s, &TITLES));
    t.key("C-d");
    let s = t.screen();
    assert!(!s.contains("Pick a day") && !s.contains("Days"), "Ctrl-D opened the day picker:\n{}", frame(&s));
    t.key("p");
    let s = t.wait_tui("paused", |s| s.contains("PAUSED"));
    let top = pane(&s, "High Quote Counts")[1].clone();
    let fields: Vec<&str> = top.split_whitespace().collect();
    t.type_text("y");
    let s = t.wait_tui("the copy said", |s| s.contains("copied 1 row of High Quote Counts"));
    let out = t.run(&["show-buffer"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first().copied(), Some("time,symbol,num_quotes,num_trades,bbo,dollars,trade_size"), "{text:?}");
    let row: Vec<&str> = lines.get(1).copied().unwrap_or_default().split(',').collect();
    assert_eq!(&row[..4], &fields[..4], "the copied row is the selected one:\n{text}\n{}", frame(&s));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn watch_with_a_lake_writes_the_live_day_as_parquet_from_its_one_tailer_and_says_so() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    let (root, hft1) = empty_day(dir.path(), &format!("[lake]\ndir = {lake:?}\nflush_s = 0.5\n"));
    let t = Tmux::start(160, 40, dir.path(), &[]);
    t.command(&format!("{} watch --root {} --date {DATE}; echo EXIT=$?", ki2(), q(&root)));
    t.wait_tui("LIVE", |s| s.contains(" LIVE "));
    let mut f = OpenOptions::new().append(true).open(&hft1).unwrap();
    for i in 0..30 {
        f.write_all(format!("S{i},0,{},500,5,7,1000,\r\n", 93000 + i).as_bytes()).unwrap();
    }
    drop(f);
    t.wait_tui("the lake in the status line", |s| s.contains("lake 2025-07-14: 30 rows"));
    // One tailer feeds the screen and the lake: the files are read once.
    let pid = ki2_pid(&root);
    let tailers = fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|e| fs::read_to_string(e.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "ki2-tail")
        .count();
    assert_eq!(tailers, 1, "threads named ki2-tail in ki2 watch with a lake");
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);
    let parts: Vec<_> = fs::read_dir(lake.join("hft1").join("date=2025-07-14"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".parquet") && !n.starts_with('.'))
        .collect();
    assert!(!parts.is_empty(), "no Parquet part in the lake");
}

#[test]
fn keys_are_answered_while_the_history_is_indexed_and_the_picker_fills_in() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = simulated_day(dir.path());
    // Earlier days whose index the first start builds (a debug build takes a while for each).
    for (i, d) in
        ["20250702", "20250703", "20250707", "20250708", "20250709", "20250710", "20250711"].iter().enumerate()
    {
        let out = Command::new(ki2())
            .args(["simulate", "--instant", "--seed", &(20 + i).to_string(), "--date", d, "--root"])
            .arg(&root)
            .env("KI2_CONFIG_DIR", dir.path().join("config"))
            .env("KI2_DATA_DIR", dir.path().join("data"))
            .env_remove("KI2_ROOT")
            .output()
            .expect("run ki2 simulate");
        assert!(out.status.success(), "ki2 simulate: {}", String::from_utf8_lossy(&out.stderr));
    }
    let t = Tmux::start(160, 48, dir.path(), &[]);
    t.command(&watch_line(&root));
    let s = t.wait_tui("the live day while the history is indexed", |s| loaded(s) && s.contains("history "));
    // The seven earlier days and the day watched: a past day is closed, so it is indexed too.
    assert!(s.contains("/8 days"), "{}", frame(&s));
    // Asked while indexing: the help opens at once, and the indexer is still at it.
    t.type_text("?");
    let s = t.wait_tui("the help", |s| s.contains("Keys"));
    assert!(
        s.contains("history ") || t.screen().contains("history "),
        "the history was built before the key:\n{}",
        frame(&s)
    );
    t.key("Escape");
    // The day picker lists every day; those not indexed yet say so, and fill in while it is open.
    t.type_text("d");
    let s = t.wait_tui("the day picker", |s| s.contains("Days · Enter opens"));
    assert!(s.contains("2025-07-02"), "{}", frame(&s));
    assert!(!s.contains("history ") || s.contains("(indexing"), "{}", frame(&s));
    let s2 = t.wait_until("the history indexed", Duration::from_secs(120), true, |s| {
        !s.contains("history ") && !s.contains("(indexing")
    });
    assert!(s2.contains("Days · Enter opens"), "the picker stayed open: {}", frame(&s2));
    let line = s2.lines().find(|l| l.contains("2025-07-11")).unwrap_or_default().to_owned();
    assert!(line.split_whitespace().any(|w| w.contains(',') && w.len() >= 7), "a row count: {line}");
    t.key("Escape");
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);
    // The indexes are in the data folder for the next start.
    let index = dir.path().join("data").join("index");
    let files: Vec<String> = fs::read_dir(&index)
        .unwrap()
        .flatten()
        .flat_map(|d| fs::read_dir(d.path()).unwrap().flatten())
        .map(|f| f.file_name().to_string_lossy().into_owned())
        .collect();
    // Per closed day (the seven earlier ones and the past day watched) its Parquet, its JSON
    // and its bursts; and the baskets matched over them.
    assert_eq!(files.len(), 8 * 3 + 1, "{files:?}");
    assert!(files.iter().any(|f| f == "baskets.json"), "{files:?}");
    // Without the index again, `q` while it is built (and alerts wait for it) quits at once.
    fs::remove_dir_all(&index).unwrap();
    t.command(&watch_line(&root));
    t.wait_tui("the live day while the history is indexed", |s| loaded(s) && s.contains("history "));
    let asked = Instant::now();
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(asked.elapsed() < Duration::from_secs(3), "q took {:?} while history was indexed", asked.elapsed());
}

#[test]
fn an_empty_root_opens_and_says_it_waits_for_the_burst_monitors_files() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    fs::create_dir_all(&root).unwrap();
    let t = Tmux::start(120, 30, dir.path(), &[]);
    t.command(&format!("{} --root {}; echo EXIT=$?", ki2(), q(&root)));
    let s = t.wait_tui("the waiting message", |s| s.contains("waiting for the Burst Monitor's files under"));
    assert!(header(&s).contains("LIVE") || header(&s).contains("READING"), "{}", frame(&s));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
}

#[test]
fn b_lists_the_recurring_baskets_of_a_simulated_history_and_enter_opens_one() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    // The day watched and the four days before it, one seed: its players fire on each of them.
    let out = crate::support::ki2_cmd()
        .args(["simulate", "--instant", "--seed", "3", "--days", "4", "--date", DATE, "--root"])
        .arg(&root)
        .output()
        .expect("run ki2 simulate");
    assert!(out.status.success(), "ki2 simulate: {}", String::from_utf8_lossy(&out.stderr));
    let t = Tmux::start(120, 30, dir.path(), &[]);
    t.command(&watch_line(&root));
    t.wait_tui("the live day", loaded);
    t.type_text("B");
    // Found over the closed days (their indexes built first, in a debug build: a while).
    let s = t.wait_until("a basket listed", Duration::from_secs(180), true, |s| {
        s.contains("seen 3+ times") && s.lines().any(|l| l.contains(" B2025"))
    });
    assert!(s.contains("Baskets ·") && s.contains("seen 3+ times over 4 closed days"), "{}", frame(&s));
    t.key("Enter");
    let s = t.wait_tui("the basket's detail", |s| s.contains("bursts on") && s.contains("core, in how many"));
    assert!(s.contains("Esc back"), "{}", frame(&s));
    t.key("Escape");
    t.wait_tui("the list again", |s| s.contains("seen 3+ times"));
    t.key("Escape");
    t.wait_tui("the panes again", |s| !s.contains("Baskets ·") && loaded(s));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0);
}
