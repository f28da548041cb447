//! `ki2/status` tells the truth about ki2 to a flow that watches it: `online` from the start,
//! with no alert needed, again after the broker comes back, and `offline` (the last will) when
//! ki2 dies.

use std::fs;
use std::time::{Duration, Instant};

use crate::follow_support::{Archive, DAY};
use crate::sinks_support::{Broker, retained, wait_until};

fn status(broker: &Broker) -> Option<String> {
    retained(broker.port, "ki2/status", Duration::from_millis(300))
}

#[test]
fn the_status_is_online_within_2_s_of_start_with_no_alert_and_offline_after_a_kill_9() {
    let broker = Broker::start();
    let a = Archive::new("");
    fs::write(a.config(), format!("[alerts.mqtt]\nurl = {:?}\n", broker.url())).unwrap();
    // A day whose rows raise no alert: nothing to send, ever.
    fs::write(a.root().join(format!("Data/{DAY}_hft2.csv")), "93000,5\r\n").unwrap();
    let start = Instant::now();
    let mut f = a.follow(DAY, None);
    assert!(wait_until(2, || status(&broker).as_deref() == Some("online")), "{:?}", status(&broker));
    assert!(start.elapsed() < Duration::from_millis(2_500), "{:?}", start.elapsed());
    assert!(f.printed_ids().is_empty(), "no alert was raised");
    f.kill9_keep();
    assert!(wait_until(30, || status(&broker).as_deref() == Some("offline")), "the last will: {:?}", status(&broker));
}

#[test]
fn after_the_broker_restarts_the_status_is_online_again_while_idle() {
    let mut broker = Broker::start();
    let a = Archive::new("");
    fs::write(a.config(), format!("[alerts.mqtt]\nurl = {:?}\n", broker.url())).unwrap();
    fs::write(a.root().join(format!("Data/{DAY}_hft2.csv")), "93000,5\r\n").unwrap();
    let f = a.follow(DAY, None);
    assert!(wait_until(5, || status(&broker).as_deref() == Some("online")));
    broker.down();
    // The broker's store keeps the retained `online` across its restart: a stale truth, which
    // ki2 must say again itself (the broker publishes the will of a client that vanished).
    broker.up();
    assert!(wait_until(40, || a.ki2_log().matches("connected").count() >= 2), "{}", a.ki2_log());
    assert_eq!(status(&broker).as_deref(), Some("online"));
    let log = a.ki2_log();
    assert!(log.contains("connection lost"), "the loss was noticed while idle: {log}");
    f.stop();
    assert!(wait_until(5, || status(&broker).as_deref() == Some("offline")), "a clean stop says offline");
}
