//! Real servers for the sink tests, started by the tests on loopback: a Mosquitto broker on a
//! free port (stopped and restarted at will) with a subscriber recording what it gets, and a
//! small HTTP server standing in for a webhook, answering as told.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `f` every 50 ms until it holds or `secs` pass; returns whether it held.
pub fn wait_until(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

fn mosquitto() -> PathBuf {
    for p in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("mosquitto is not installed (apt-get install mosquitto; .ci/run installs it)");
}

/// A Mosquitto broker on 127.0.0.1, keeping sessions across its own restarts.
pub struct Broker {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    tls: bool,
}

impl Broker {
    pub fn start() -> Broker {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Broker { port: free_port(), dir, child: None, tls: false };
        b.up();
        b
    }

    /// A TLS listener with a certificate for 127.0.0.1 signed by a private CA; returns the CA's
    /// PEM file too.
    pub fn start_tls() -> (Broker, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ssl = |args: &[&str]| {
            let out = Command::new("openssl").args(args).current_dir(d).output().unwrap();
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        ssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=ki2 test CA",
        ]);
        ssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(d.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        ssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        let ca = d.join("ca.crt");
        let mut b = Broker { port: free_port(), dir, child: None, tls: true };
        b.up();
        (b, ca)
    }

    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    pub fn up(&mut self) {
        let conf = self.dir.path().join("mosquitto.conf");
        let d = self.dir.path().display();
        std::fs::write(
            &conf,
            format!(
                "listener {} 127.0.0.1\nuser root\nallow_anonymous true\npersistence true\npersistence_location {d}/\n\
                 max_queued_messages 0\nmax_inflight_messages 0\nlog_dest file {d}/broker.log\nlog_type all\n{}",
                self.port,
                if self.tls {
                    format!("cafile {d}/ca.crt\ncertfile {d}/server.crt\nkeyfile {d}/server.key\n")
                } else {
                    String::new()
                }
            ),
        )
        .unwrap();
        let child =
            Command::new(mosquitto()).arg("-c").arg(&conf).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        self.child = Some(child);
        assert!(wait_until(10, || TcpStream::connect(("127.0.0.1", self.port)).is_ok()), "broker did not start");
    }

    pub fn log(&self) -> PathBuf {
        self.dir.path().join("broker.log")
    }

    /// Stops it as a restart would (SIGTERM: sessions are saved).
    pub fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A subscriber with a persistent session: what arrives while it is away waits for it.
pub struct Subscriber {
    pub got: Arc<Mutex<Vec<(String, String, bool)>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Subscriber {
    pub fn start(port: u16, filters: &[&str]) -> Subscriber {
        use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
        let mut o = MqttOptions::new(format!("ki2-test-sub-{port}"), "127.0.0.1", port);
        o.set_clean_session(false);
        o.set_keep_alive(Duration::from_secs(5));
        o.set_max_packet_size(1 << 20, 1 << 20);
        let (client, mut conn) = Client::new(o, 64);
        for f in filters {
            client.subscribe(*f, QoS::AtLeastOnce).unwrap();
        }
        let got = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (g, s) = (got.clone(), stop.clone());
        let subscribed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sub = subscribed.clone();
        let thread = std::thread::spawn(move || {
            let _keep = client;
            while !s.load(std::sync::atomic::Ordering::SeqCst) {
                match conn.recv_timeout(Duration::from_millis(100)) {
                    Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                        let payload = String::from_utf8_lossy(&p.payload).into_owned();
                        g.lock().unwrap().push((p.topic.clone(), payload, p.retain));
                    }
                    Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => sub.store(true, std::sync::atomic::Ordering::SeqCst),
                    Ok(Err(_)) => std::thread::sleep(Duration::from_millis(200)),
                    _ => {}
                }
            }
        });
        assert!(wait_until(10, || subscribed.load(std::sync::atomic::Ordering::SeqCst)), "not subscribed");
        Subscriber { got, stop, thread: Some(thread) }
    }

    /// Alert ids received on alert topics, with how often each came.
    pub fn ids(&self) -> BTreeMap<String, usize> {
        let mut ids = BTreeMap::new();
        for (topic, payload, _) in self.got.lock().unwrap().iter() {
            if topic.starts_with("ki2/alert/") {
                let v: serde_json::Value = serde_json::from_str(payload).unwrap();
                *ids.entry(v["id"].as_str().unwrap().to_owned()).or_default() += 1;
            }
        }
        ids
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One request the webhook server got.
#[derive(Debug, Clone)]
pub struct Request {
    pub headers: BTreeMap<String, String>,
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each POST with the next status of `script`
/// (then 200), recording every request.
pub struct Webhook {
    pub port: u16,
    pub got: Arc<Mutex<Vec<Request>>>,
}

impl Webhook {
    pub fn start(script: Vec<(u16, Option<&'static str>)>) -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let g = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let (g, script) = (g.clone(), script.clone());
                std::thread::spawn(move || serve(stream, &g, &script));
            }
        });
        Webhook { port, got }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }
}

fn serve(stream: TcpStream, got: &Mutex<Vec<Request>>, script: &Mutex<VecDeque<(u16, Option<&'static str>)>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, extra) = script.lock().unwrap().pop_front().unwrap_or((200, None));
        got.lock().unwrap().push(Request { headers, body: String::from_utf8_lossy(&body).into_owned(), status });
        let extra = extra.unwrap_or("");
        let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\n{extra}\r\nok");
        if out.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// What a new subscriber (clean session) is given as the retained message of `topic` within
/// `wait`, if anything.
pub fn retained(port: u16, topic: &str, wait: Duration) -> Option<String> {
    use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut o = MqttOptions::new(format!("ki2-test-peek-{}-{n}", std::process::id()), "127.0.0.1", port);
    o.set_clean_session(true);
    let (client, mut conn) = Client::new(o, 16);
    client.subscribe(topic, QoS::AtLeastOnce).ok()?;
    let end = Instant::now() + wait;
    let mut got = None;
    while Instant::now() < end {
        match conn.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) if p.retain => {
                got = Some(String::from_utf8_lossy(&p.payload).into_owned());
                break;
            }
            Ok(Err(_)) => return None,
            _ => {}
        }
    }
    let _ = client.disconnect();
    got
}
