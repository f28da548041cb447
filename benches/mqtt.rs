//! Alerts delivered to MQTT at QoS 1 on loopback (issue 11: ≥ 10,000 alerts/s) and the time
//! from a row reaching the live-alert path to its alert arriving at a subscriber through the
//! broker (p99 ≤ 50 ms; an upper bound of row → broker). Starts its own Mosquitto on a free
//! loopback port (`apt-get install mosquitto`).
//!
//!     cargo bench --bench mqtt
use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ki2::alerts::{Delivery, Evaluator, LiveAlerts, RuleSet};
use ki2::archive::{Day, QuoteRow, Quotes, Rows, SecondOfDay};
use ki2::config::{MqttConfig, SinksConfig};
use ki2::tail::TailEvent;
use rumqttc::{Client, Event, MqttOptions, Packet, QoS};

const RULE: &str = "[[rule]]\nname = \"all\"\nsource = \"quotes\"\nfield = \"num_quotes\"\nop = \">=\"\nvalue = 0\n";

fn rows(from: u32, n: u32) -> Rows {
    let names: Vec<String> = (from..from + n).map(|i| format!("S{i}")).collect();
    let mut q = Quotes::default();
    for (i, s) in names.iter().enumerate() {
        let time = SecondOfDay::from_secs(34_200 + (from + i as u32) / 1000).unwrap_or_default();
        q.push(QuoteRow { time, symbol: s, num_quotes: 2500, bbo: 1, num_trades: 1, dollars: Some(1.0) });
    }
    Rows::Quotes(q)
}

fn main() {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("m.conf");
    std::fs::write(
        &conf,
        format!(
            "listener {port} 127.0.0.1\nuser root\nallow_anonymous true\nmax_queued_messages 0\nset_tcp_nodelay true\n"
        ),
    )
    .expect("config");
    let mut broker = Command::new("mosquitto")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto (apt-get install mosquitto)");
    let up = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() && up.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }

    // The subscriber: when each alert (by symbol) arrived.
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut o = MqttOptions::new("bench-sub", "127.0.0.1", port);
    o.set_max_packet_size(1 << 20, 1 << 20);
    let (client, mut conn) = Client::new(o, 1024);
    client.subscribe("ki2/alert/#", QoS::AtLeastOnce).expect("subscribe");
    let a = arrived.clone();
    std::thread::spawn(move || {
        let _keep = client;
        for ev in conn.iter() {
            if let Ok(Event::Incoming(Packet::Publish(p))) = ev {
                let sym = p.topic.rsplit('/').next().unwrap_or("").to_owned();
                a.lock().expect("lock").insert(sym, Instant::now());
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));

    let url = format!("mqtt://127.0.0.1:{port}");
    let mqtt = MqttConfig {
        url: url.clone(),
        host: "127.0.0.1".into(),
        port,
        user: None,
        password: None,
        topic: "ki2/alert/{rule}/{symbol}".into(),
        status_topic: "ki2/status".into(),
        qos: 1,
        client_id: None,
        tls: false,
        ca_file: None,
    };
    let sinks = SinksConfig { mqtt: Some(mqtt), queue: 1_000_000, ..SinksConfig::default() };
    let day = Day::parse_compact("20250714").expect("day");
    let (delivery, _) = Delivery::from_config(&sinks, dir.path(), &dir.path().join("data"));
    let rules = RuleSet::parse(RULE).expect("rules");
    let mut live = LiveAlerts::new(day, Evaluator::new(rules), delivery);
    live.on_event(&TailEvent::CaughtUp { day });

    // Throughput: 100,000 alerts at once.
    let n = 100_000u32;
    let t = Instant::now();
    live.on_event(&TailEvent::Rows { day, rows: rows(0, n) });
    let queued = t.elapsed();
    while live.sinks()[0].stats.delivered < u64::from(n) && t.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = t.elapsed();
    println!(
        "mqtt qos1: {n} alerts acknowledged by the broker in {:.2} s = {:.0} alerts/s (evaluated and queued in {:.0} ms)",
        took.as_secs_f64(),
        f64::from(n) / took.as_secs_f64(),
        queued.as_secs_f64() * 1e3
    );

    // Latency at 5,000 rows/s: 10 rows every 2 ms for 5 s.
    let mut sent = HashMap::new();
    let mut next = n;
    let start = Instant::now();
    for tick in 0..2500u32 {
        let at = start + Duration::from_millis(2 * u64::from(tick));
        if let Some(wait) = at.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let now = Instant::now();
        for i in next..next + 10 {
            sent.insert(format!("S{i}"), now);
        }
        live.on_event(&TailEvent::Rows { day, rows: rows(next, 10) });
        next += 10;
    }
    let wait = Instant::now();
    while arrived.lock().expect("lock").len() < (next as usize) && wait.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let got = arrived.lock().expect("lock");
    let mut ms: Vec<f64> =
        sent.iter().filter_map(|(s, t0)| Some(got.get(s)?.duration_since(*t0).as_secs_f64() * 1e3)).collect();
    ms.sort_by(f64::total_cmp);
    let p =
        |q: f64| ms.get(((ms.len() as f64 * q) as usize).min(ms.len().saturating_sub(1))).copied().unwrap_or(f64::NAN);
    println!(
        "mqtt qos1 latency at 5,000 alerts/s, row -> subscriber: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} of {} arrived)",
        p(0.5),
        p(0.99),
        ms.last().copied().unwrap_or(f64::NAN),
        ms.len(),
        sent.len()
    );
    drop(got);
    live.close(Duration::from_secs(2));
    let _ = broker.kill();
    let _ = broker.wait();
}
