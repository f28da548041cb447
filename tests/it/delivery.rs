//! Alerts that are never lost: `ki2 scan --follow` (the TUI's live-alert path, with standard
//! output as one more sink) delivering to a real Mosquitto broker, a local webhook and the log
//! file across restarts, `kill -9`, broker outages, new days and rewritten files. Alerts are
//! counted by their `id`: a repeat is allowed only as the same id, a loss never.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::follow_support::{Archive, row, rows, total, writer};
use crate::sinks_support::{Broker, Subscriber, Webhook, wait_until};

use crate::follow_support::DAY;

#[test]
fn a_restart_delivers_exactly_the_rows_written_while_ki2_was_down() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, &["ki2/#"]);
    let a = Archive::new("");
    a.set_config(&format!("[alerts]\nlog_file = {:?}\n[alerts.mqtt]\nurl = {:?}\n", a.log(), broker.url()));
    // Rows from before ki2 was ever run: a sink's first day starts where the files are.
    a.append(DAY, &rows(0..10));
    let f = a.follow(DAY, Some("service"));
    assert!(wait_until(20, || f.printed_ids().len() == 10), "the day so far is printed once");
    a.append(DAY, &rows(10..1510));
    assert!(wait_until(30, || total(&a.logged()) == 1500), "log: {}", total(&a.logged()));
    assert!(wait_until(30, || sub.ids().len() == 1500), "mqtt: {}", sub.ids().len());
    let first = f.stop();
    assert_eq!(first.len(), 1510);

    // Written while ki2 was down.
    a.append(DAY, &rows(1510..3010));
    let f = a.follow(DAY, Some("service"));
    assert!(wait_until(30, || total(&a.logged()) == 3000), "log: {}", total(&a.logged()));
    assert!(wait_until(30, || sub.ids().len() == 3000), "mqtt: {}", sub.ids().len());
    std::thread::sleep(Duration::from_millis(500));
    let second = f.stop();
    let logged = a.logged();
    assert_eq!((logged.len(), total(&logged)), (3000, 3000), "none twice");
    let mqtt = sub.ids();
    assert_eq!((mqtt.len(), total(&mqtt)), (3000, 3000), "none twice");
    // Standard output under --checkpoint: the second run printed only what the first had not.
    assert_eq!(second.len(), 1500);
    assert!(second.iter().all(|id| !first.contains(id)));
    assert!(logged.keys().all(|id| mqtt.contains_key(id)));
    let status: Vec<_> =
        sub.got.lock().unwrap().iter().filter(|(t, ..)| t == "ki2/status").map(|(_, p, _)| p.clone()).collect();
    assert_eq!(status.first().map(String::as_str), Some("online"));
    assert_eq!(status.last().map(String::as_str), Some("offline"), "a clean stop says so");
}

#[test]
fn kill_9_during_a_fast_append_loses_no_alert() {
    let a = Archive::logging_alerts();
    a.append(DAY, "");
    let f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(500));
    // 2,000 rows a second for 3 s; ki2 killed half way and started again at once.
    let writer = writer(a.hft1(DAY), 30, 200);
    std::thread::sleep(Duration::from_millis(1500));
    f.kill9();
    let f = a.follow(DAY, None);
    writer.join().unwrap();
    assert!(wait_until(30, || a.logged_torn().0.len() == 6000), "log: {}", a.logged_torn().0.len());
    std::thread::sleep(Duration::from_millis(500));
    f.stop();
    // A write cut by the kill leaves at most one torn line, on a line of its own.
    let (logged, torn) = a.logged_torn();
    assert!(torn <= 1, "{torn} torn lines");
    assert_eq!(logged.len(), 6000, "every alert delivered");
    // At most the batch in flight at the kill came again (one write of at most 500 lines).
    assert!(total(&logged) - logged.len() <= 500, "{} repeats", total(&logged) - logged.len());
}

#[test]
fn every_row_of_a_new_day_alerts_once() {
    let a = Archive::logging_alerts();
    a.append("20250714", &rows(0..100));
    let f = a.follow("latest", None);
    std::thread::sleep(Duration::from_millis(800));
    a.append("20250714", &rows(100..300));
    assert!(wait_until(20, || a.logged().len() == 200), "{}", a.logged().len());
    // The next day's file appears already holding rows, then grows.
    a.append("20250715", &rows(0..1000));
    std::thread::sleep(Duration::from_millis(300));
    a.append("20250715", &rows(1000..2000));
    assert!(wait_until(30, || a.logged().len() == 2200), "{}", a.logged().len());
    std::thread::sleep(Duration::from_millis(500));
    f.stop();
    let text = fs::read_to_string(a.log()).unwrap();
    let new_day = text.lines().filter(|l| l.contains("\"time\":\"2025-07-15T")).count();
    assert_eq!((new_day, total(&a.logged())), (2000, 2200));
}

fn rewritten(a: &Archive, old: u32, new_text: &str) -> BTreeMap<String, usize> {
    a.append(DAY, "");
    let f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    a.append(DAY, &rows(0..old));
    assert!(wait_until(20, || a.logged().len() == old as usize));
    // Started over: written anew under the same name (a new file, as an editor saves one).
    let tmp = a.root().join("Data/new.tmp");
    fs::write(&tmp, new_text).unwrap();
    fs::rename(&tmp, a.hft1(DAY)).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let _ = f.stop();
    a.logged()
}

#[test]
fn a_file_started_over_with_new_rows_alerts_on_every_new_row() {
    let a = Archive::logging_alerts();
    // 300 rows seen, then 200 other rows: all 200 are new, whatever their count.
    let others: String = (0..200u32).map(|i| row(i).replacen('S', "T", 1)).collect();
    let logged = rewritten(&a, 300, &others);
    assert_eq!((logged.len(), total(&logged)), (500, 500));
    let text = fs::read_to_string(a.log()).unwrap();
    assert_eq!(text.lines().filter(|l| l.contains("\"symbol\":\"T")).count(), 200);
}

#[test]
fn a_file_rewritten_with_its_old_rows_and_new_ones_alerts_only_on_the_new() {
    let a = Archive::logging_alerts();
    let logged = rewritten(&a, 300, &rows(0..450));
    assert_eq!((logged.len(), total(&logged)), (450, 450), "the 300 old rows did not alert again");
}

#[test]
fn a_broker_down_for_10_s_gets_every_alert_once_it_is_back() {
    let mut broker = Broker::start();
    let sub = Subscriber::start(broker.port, &["ki2/alert/#"]);
    let a = Archive::new("");
    a.set_config(&format!("[alerts.mqtt]\nurl = {:?}\n", broker.url()));
    a.append(DAY, "");
    let f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    // 1,000 alerts a second for 14 s; the broker is away from the 2nd second to the 12th.
    let writer = writer(a.hft1(DAY), 140, 100);
    std::thread::sleep(Duration::from_secs(2));
    broker.down();
    std::thread::sleep(Duration::from_secs(5));
    let rss = rss_kb(f.child.id());
    std::thread::sleep(Duration::from_secs(5));
    broker.up();
    writer.join().unwrap();
    let log = || fs::read_to_string(a.dir.path().join("data/ki2.log")).unwrap_or_default();
    assert!(wait_until(60, || sub.ids().len() == 14_000), "{} of 14000; {}", sub.ids().len(), log());
    f.stop();
    // Held in memory meanwhile, within the queue's bound (100,000 alerts).
    assert!(rss < 200_000, "{rss} kB resident during the outage");
}

fn rss_kb(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Symbols a file may hold that must reach every sink as they are and never change a topic.
const HOSTILE: &[&str] = &["BF/B", "A+B", "#X", "Q\"UOTE", "$(touch pwned)", "\u{1b}]0;t\u{7}", "{symbol}"];

#[test]
fn hostile_symbols_arrive_intact_over_mqtt_and_webhooks_and_keep_the_topic_levels() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, &["ki2/alert/#"]);
    let hook = Webhook::start(Vec::new());
    let discord = Webhook::start(Vec::new());
    let a = Archive::new("");
    a.set_config(&format!(
            "[alerts.mqtt]\nurl = {:?}\n[[alerts.webhook]]\nurl = {:?}\n[[alerts.webhook]]\nurl = {:?}\nformat = \"discord\"\n",
            broker.url(),
            hook.url(),
            discord.url()
        ));
    a.append(DAY, "");
    let f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    let text: String =
        HOSTILE.iter().enumerate().map(|(i, s)| format!("{s},0,{},2500,1,1,100,\r\n", 93000 + i)).collect();
    a.append(DAY, &text);
    let n = HOSTILE.len();
    assert!(wait_until(20, || sub.ids().len() == n), "{:?}", sub.got.lock().unwrap());
    let hooked = || {
        hook.got
            .lock()
            .unwrap()
            .iter()
            .map(|r| serde_json::from_str::<Vec<serde_json::Value>>(&r.body).unwrap().len())
            .sum::<usize>()
    };
    assert!(wait_until(20, || hooked() == n));
    assert!(wait_until(20, || !discord.got.lock().unwrap().is_empty()));
    f.stop();
    let got = sub.got.lock().unwrap().clone();
    let mut symbols: Vec<String> = Vec::new();
    for (topic, payload, retained) in &got {
        assert!(!retained, "alerts are not retained");
        assert_eq!(topic.split('/').count(), 4, "{topic}");
        assert!(topic.starts_with("ki2/alert/every-row/") && !topic.contains(['+', '#', '\u{1b}']), "{topic}");
        let v: serde_json::Value = serde_json::from_str(payload).unwrap();
        symbols.push(v["symbol"].as_str().unwrap().to_owned());
    }
    let mut want: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    want.sort();
    symbols.sort();
    assert_eq!(symbols, want);
    let mut via_hook: Vec<String> = hook
        .got
        .lock()
        .unwrap()
        .iter()
        .flat_map(|r| serde_json::from_str::<Vec<serde_json::Value>>(&r.body).unwrap())
        .map(|v| v["symbol"].as_str().unwrap().to_owned())
        .collect();
    via_hook.sort();
    assert_eq!(via_hook, want);
    let d = discord.got.lock().unwrap()[0].body.clone();
    let v: serde_json::Value = serde_json::from_str(&d).unwrap();
    assert_eq!(v["allowed_mentions"]["parse"], serde_json::json!([]), "no pings from a symbol");
    assert!(v["embeds"].as_array().is_some_and(|e| !e.is_empty()), "{d}");
    assert!(!Path::new("pwned").exists() && !a.root().join("pwned").exists(), "nothing ran");
}

#[test]
fn a_webhook_answering_429_and_500_for_a_while_gets_every_alert() {
    let hook = Webhook::start(vec![
        (429, Some("retry-after: 1\r\n")),
        (500, None),
        (503, None),
        (429, Some("retry-after: 1\r\n")),
    ]);
    let a = Archive::new("");
    a.set_config(&format!("[[alerts.webhook]]\nurl = {:?}\nmax_per_minute = 6000\n", hook.url()));
    a.append(DAY, "");
    let f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    a.append(DAY, &rows(0..1000));
    let ids = || {
        let mut ids = BTreeMap::new();
        for r in hook.got.lock().unwrap().iter().filter(|r| r.status == 200) {
            for v in serde_json::from_str::<Vec<serde_json::Value>>(&r.body).unwrap() {
                *ids.entry(v["id"].as_str().unwrap().to_owned()).or_insert(0usize) += 1;
            }
        }
        ids
    };
    assert!(wait_until(60, || ids().len() == 1000), "{}", ids().len());
    f.stop();
    let got = ids();
    assert_eq!((got.len(), total(&got)), (1000, 1000));
    let statuses: Vec<u16> = hook.got.lock().unwrap().iter().map(|r| r.status).take(5).collect();
    assert_eq!(statuses, [429, 500, 503, 429, 200]);
    assert_eq!(hook.got.lock().unwrap()[0].headers.get("content-type").map(String::as_str), Some("application/json"));
}

#[test]
fn mqtts_checks_the_broker_against_the_configured_ca() {
    let (broker, ca) = Broker::start_tls();
    let a = Archive::new("");
    let url = format!("mqtts://127.0.0.1:{}", broker.port);
    a.set_config(&format!("[alerts.mqtt]\nurl = {url:?}\nca_file = {ca:?}\n"));
    // The subscriber reads what arrived through the broker's own log of deliveries.
    a.append(DAY, "");
    let f = a.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    a.append(DAY, &rows(0..20));
    let log = a.dir.path().join("data/ki2.log");
    let broker_log = || fs::read_to_string(broker.log()).unwrap_or_default();
    assert!(
        wait_until(20, || broker_log().matches("Received PUBLISH").count() >= 21),
        "{}\n{}",
        broker_log(),
        fs::read_to_string(&log).unwrap_or_default()
    );
    f.stop();
    // The last one: `offline`, said on a clean stop.
    let received = broker_log().matches("Received PUBLISH").count();
    assert_eq!(received, 22);
    // Against the system's roots the private CA is unknown: no connection, said in the log.
    let b = Archive::new("");
    b.set_config(&format!("[alerts.mqtt]\nurl = {url:?}\n"));
    b.append(DAY, "");
    let f = b.follow(DAY, None);
    std::thread::sleep(Duration::from_millis(800));
    b.append(DAY, &rows(0..5));
    let log = b.dir.path().join("data/ki2.log");
    assert!(wait_until(20, || fs::read_to_string(&log).unwrap_or_default().contains("cannot connect")));
    f.stop();
    assert_eq!(broker_log().matches("Received PUBLISH").count(), received, "nothing more arrived");
}

#[test]
fn a_second_ki2_on_the_same_archive_does_not_deliver_twice() {
    let dir = tempfile::tempdir().unwrap();
    let sinks = ki2::config::SinksConfig { log_file: Some(dir.path().join("alerts.jsonl")), ..Default::default() };
    let (first, warnings) = ki2::alerts::Delivery::from_config(&sinks, dir.path(), &dir.path().join("data"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let (second, warnings) = ki2::alerts::Delivery::from_config(&sinks, dir.path(), &dir.path().join("data"));
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("another ki2 on this archive delivers to it"), "{}", warnings[0]);
    let state = &second.status()[0].stats.state;
    assert!(matches!(state, ki2::alerts::delivery::SinkState::Elsewhere(_)), "{state:?}");
    assert!(state.is_off(), "nothing is queued for it here");
    drop(first);
    // Once the first has gone, the next one delivers.
    let (_third, warnings) = ki2::alerts::Delivery::from_config(&sinks, dir.path(), &dir.path().join("data"));
    assert!(warnings.is_empty(), "{warnings:?}");
}
