//! The MQTT password and webhook URLs (a webhook URL is its token) never reach the log, the
//! terminal or an error message, whether they sit in config.toml or come from the environment;
//! a config file holding one that other users can read is warned of at start.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::follow_support::{Archive, DAY, rows};
use crate::sinks_support::{free_port, wait_until};

const HOOK_TOKEN: &str = "T0KEN-hook-7f3a9c";
const MQTT_TOKEN: &str = "T0KEN-mqtt-51d2e8";

/// Every file under `dir`, as text.
fn every_file(dir: &Path) -> String {
    let mut text = String::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&every_file(&path));
        } else {
            text.push_str(&String::from_utf8_lossy(&fs::read(&path).unwrap_or_default()));
        }
    }
    text
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn secrets_in_a_readable_config_are_warned_of_and_never_shown_when_the_sinks_fail() {
    // Nothing listens on either port: every delivery fails, and says why.
    let (hook_port, broker_port) = (free_port(), free_port());
    let url = format!("http://127.0.0.1:{hook_port}/api/webhooks/42/{HOOK_TOKEN}");
    let a = Archive::new(&format!(
        "[alerts.mqtt]\nurl = \"mqtt://127.0.0.1:{broker_port}\"\nuser = \"ki2\"\npassword = \"{MQTT_TOKEN}\"\n\
         [[alerts.webhook]]\nurl = \"{url}\"\n"
    ));
    #[cfg(unix)]
    chmod(&a.config(), 0o644);
    a.append(DAY, "");
    let mut f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    a.append(DAY, &rows(0..20));
    assert!(wait_until(20, || f.printed_ids().len() == 20));
    let log_says = |what: &str| a.ki2_log().contains(what);
    assert!(wait_until(20, || log_says("webhook http://127.0.0.1") && log_says("mqtt 127.0.0.1")), "{}", a.ki2_log());
    assert!(wait_until(20, || a.ki2_log().matches("retrying").count() >= 2), "{}", a.ki2_log());
    let said = f.terminate();
    #[cfg(unix)]
    assert!(said.contains("readable by other users") && said.contains("chmod 600"), "{said}");
    // The sink is named by what may be shown of its URL.
    let shown = format!("webhook http://127.0.0.1:{hook_port}/…: ");
    assert!(a.ki2_log().contains(&shown), "{}", a.ki2_log());
    let everything = format!("{said}\n{}\n{}", every_file(&a.data()), f.printed_ids().join("\n"));
    for token in [HOOK_TOKEN, MQTT_TOKEN, "api/webhooks/42"] {
        assert!(!everything.contains(token), "{token} shown:\n{everything}");
    }
}

#[test]
fn secrets_from_the_environment_are_not_warned_of_and_a_bad_url_is_not_quoted() {
    let (hook_port, broker_port) = (free_port(), free_port());
    let a = Archive::new(&format!(
        "[alerts.mqtt]\nurl = \"mqtt://127.0.0.1:{broker_port}\"\nuser = \"ki2\"\npassword_env = \"KI2_TEST_MQTT_PASSWORD\"\n\
         [[alerts.webhook]]\nurl_env = \"KI2_TEST_HOOK_URL\"\n"
    ));
    a.append(DAY, &rows(0..5));
    let run = |hook_url: &str| {
        crate::support::ki2_cmd()
            .args(["scan", "--root", a.root().to_str().unwrap(), "--date", DAY, "--json"])
            .env("KI2_CONFIG_DIR", a.dir.path().join("cfg"))
            .env("KI2_DATA_DIR", a.data())
            .env("KI2_TEST_MQTT_PASSWORD", MQTT_TOKEN)
            .env("KI2_TEST_HOOK_URL", hook_url)
            .output()
            .unwrap()
    };
    // Readable by others, but holding no secret: nothing to warn of.
    let out = run(&format!("http://127.0.0.1:{hook_port}/api/webhooks/42/{HOOK_TOKEN}"));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("readable by other users"), "{err}");
    // A URL that is no webhook URL is refused, with its line, without its token.
    let out = run(&format!("ftp://files.example/{HOOK_TOKEN}"));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("line 6") && err.contains("ftp://files.example/…"), "{err}");
    let everything = format!("{err}\n{}", every_file(&a.data()));
    for token in [HOOK_TOKEN, MQTT_TOKEN] {
        assert!(!everything.contains(token), "{token} shown:\n{everything}");
    }
}
