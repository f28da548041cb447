//! Resizing a real terminal (tmux) under ki2: every resize, whenever it comes, gives a clean
//! frame (issue 17, item 6). Uses the harness of `tui_tmux`.

use std::path::Path;
use std::time::Duration;

use super::tui_tmux::{
    DATE, TITLES, Tmux, frame, ki2, ki2_pid, loaded, q, shows_every_pane, signal, simulated_day, tmux_available,
};

/// Every line of a clean frame of the main screen, `w`×`h`: the header, then pane lines that
/// start and end with a border exactly at the first and last column, then the status line;
/// every pane's title on it. None when clean, else what is wrong.
fn garbled(s: &str, w: usize, h: usize) -> Option<String> {
    let lines: Vec<Vec<char>> = s.lines().map(|l| l.chars().collect()).collect();
    if lines.len() != h {
        return Some(format!("{} lines, not {h}", lines.len()));
    }
    if !lines[0].iter().collect::<String>().contains(" ki2 ") {
        return Some("no header on the first line".into());
    }
    for (i, l) in lines.iter().enumerate().take(h - 1).skip(1) {
        let ok_left = matches!(l.first(), Some('┌' | '│' | '└'));
        let ok_right = l.len() == w && matches!(l.last(), Some('┐' | '│' | '┘'));
        if !(ok_left && ok_right) {
            return Some(format!("line {i} is not a pane line from column 1 to {w}"));
        }
    }
    if !shows_every_pane(s, &TITLES) {
        return Some("a pane's title is missing".into());
    }
    None
}

/// The screen without its status line ("updated 3s ago" moves on by itself).
fn panes_and_header(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

fn resize(t: &Tmux, w: u16, h: u16) {
    let out = t.run(&["resize-window", "-t", "ki2", "-x", &w.to_string(), "-y", &h.to_string()]);
    assert!(out.status.success(), "resize-window: {}", String::from_utf8_lossy(&out.stderr));
}

/// ki2 on a simulated day in a 120×40 terminal, the day read (LIVE). The shell runs without job
/// control (`set +m`), so that stopping ki2 leaves the terminal to it rather than to the shell.
fn watching_stoppable(dir: &Path) -> (Tmux, std::path::PathBuf) {
    let root = simulated_day(dir);
    let t = Tmux::start(120, 40, dir, &[]);
    t.command("set +m");
    t.command(&format!("{} watch --root {} --date {DATE}; echo EXIT=$?", ki2(), q(&root)));
    t.wait_tui("the day read", loaded);
    (t, root)
}

#[test]
fn a_resize_and_back_while_ki2_cannot_run_gives_a_clean_frame() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (t, root) = watching_stoppable(dir.path());
    let before = t.wait_tui("a clean frame at 120×40", |s| garbled(s, 120, 40).is_none());

    // Smaller and back while ki2 does not run — as when a big day's rows keep it from reading
    // its input — so that when it gets to the resize the terminal is the size it last drew at.
    // tmux has meanwhile cut the screen to 80×24 (the top lines went to its history): drawing
    // only what changed since the last frame leaves it garbled; a full frame does not.
    let pid = ki2_pid(&root);
    signal(&pid, "STOP");
    resize(&t, 80, 24);
    std::thread::sleep(Duration::from_millis(200));
    resize(&t, 120, 40);
    std::thread::sleep(Duration::from_millis(200));
    signal(&pid, "CONT");
    let after = t.wait_until("the frame as before the resize", Duration::from_secs(5), true, |s| {
        panes_and_header(s) == panes_and_header(&before)
    });
    assert_eq!(garbled(&after, 120, 40), None, "{}", frame(&after));

    // A resize ki2 sees as it happens: a clean frame at the new size.
    resize(&t, 100, 30);
    let s = t.wait_until("a clean frame at 100×30", Duration::from_secs(5), true, |s| garbled(s, 100, 30).is_none());
    assert!(s.lines().next().is_some_and(|h| h.contains("LIVE")), "{}", frame(&s));
    t.type_text("q");
    assert_eq!(t.wait_exit(), 0, "q:\n{}", frame(&t.screen()));
}
