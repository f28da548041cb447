//! MQTT: each alert published (not retained) as its JSON on `ki2/alert/{rule}/{symbol}`, and a
//! retained `ki2/status` of `online`, with `offline` as the last will. A batch counts as handed
//! over once the broker acknowledged every message of it (PUBACK at QoS 1, PUBCOMP at QoS 2).
//!
//! The link is made at start and kept while idle (answering pings, made again when lost), not
//! at the first alert: with rules that rarely fire, a flow watching `ki2/status` would
//! otherwise believe ki2 down for hours.
//!
//! The session is clean, so when the link drops rumqttc forgets what was in flight: the whole
//! batch is published again after reconnecting (at most that batch is repeated, with its ids).

use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, EventLoop, LastWill, MqttOptions, NetworkOptions, Outgoing, Packet, QoS, Transport};

use super::worker::{Idle, SendError, Sink};
use crate::alerts::Alert;
use crate::config::MqttConfig;

/// Alerts per batch, and so messages in flight at once.
const BATCH: usize = 1024;
/// A batch not acknowledged within this is sent again over a new connection.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);
/// While idle and unable to connect, tries again after this, doubling up to `MAX_RETRY`.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);

pub struct Mqtt {
    rt: tokio::runtime::Runtime,
    client: AsyncClient,
    events: EventLoop,
    connected: bool,
    /// While idle and down: when to try connecting again, and the wait after that.
    next_try: Instant,
    retry: Duration,
    topic: String,
    status_topic: String,
    qos: QoS,
}

impl Mqtt {
    pub fn new(cfg: &MqttConfig, client_id: &str) -> Result<Mqtt, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start its runtime: {e}"))?;
        let mut o = MqttOptions::new(client_id, cfg.host.clone(), cfg.port);
        o.set_keep_alive(Duration::from_secs(15));
        o.set_clean_session(true);
        o.set_inflight(BATCH as u16 + 8);
        o.set_max_packet_size(1 << 20, 1 << 20);
        o.set_last_will(LastWill::new(cfg.status_topic.clone(), "offline", QoS::AtLeastOnce, true));
        if let Some(user) = &cfg.user {
            o.set_credentials(user.clone(), cfg.password.clone().unwrap_or_default());
        }
        if cfg.tls {
            let transport = match &cfg.ca_file {
                Some(path) => {
                    let ca = std::fs::read(path).map_err(|e| format!("cannot read ca_file {}: {e}", path.display()))?;
                    Transport::tls(ca, None, None)
                }
                None => Transport::tls_with_default_config(),
            };
            o.set_transport(transport);
        }
        let (client, mut events) = AsyncClient::new(o, BATCH + 8);
        let mut net = NetworkOptions::new();
        net.set_connection_timeout(5);
        // Nagle's algorithm would hold small publishes for the broker's delayed ack (~40 ms).
        net.set_tcp_nodelay(true);
        events.set_network_options(net);
        let qos = match cfg.qos {
            0 => QoS::AtMostOnce,
            2 => QoS::ExactlyOnce,
            _ => QoS::AtLeastOnce,
        };
        Ok(Mqtt {
            rt,
            client,
            events,
            connected: false,
            next_try: Instant::now(),
            retry: FIRST_RETRY,
            topic: cfg.topic.clone(),
            status_topic: cfg.status_topic.clone(),
            qos,
        })
    }

    fn topic(&self, a: &Alert) -> String {
        alert_topic(&self.topic, a)
    }
}

/// The topic for an alert: `{rule}`, `{symbol}` and `{source}` filled in, each escaped so that
/// nothing in a name (`BF/B`, `+`, `#`) can add or change a level of the topic.
pub fn alert_topic(template: &str, a: &Alert) -> String {
    template
        .replace("{rule}", &escape_level(&a.rule))
        .replace("{symbol}", &a.symbol.as_deref().map_or_else(|| "-".to_owned(), escape_level))
        .replace("{source}", a.source.name())
}

/// Percent-escapes `/`, `+`, `#`, `%`, `{`, `}` and control characters: what is left is one
/// valid topic level.
pub fn escape_level(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '/' | '+' | '#' | '%' | '{' | '}') || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    if out.is_empty() { "-".to_owned() } else { out }
}

fn retry(message: String) -> SendError {
    SendError::Retry { message, after: None }
}

impl Mqtt {
    /// Connects and says `online` (retained), acknowledged by the broker before it returns, so
    /// that the acknowledgements counted for a batch are the batch's own.
    async fn connect(client: &AsyncClient, events: &mut EventLoop, status_topic: &str) -> Result<(), SendError> {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(_))) => break,
                Ok(_) => {}
                Err(e) => return Err(retry(format!("cannot connect: {e}"))),
            }
        }
        client
            .try_publish(status_topic, QoS::AtLeastOnce, true, "online")
            .map_err(|e| retry(format!("cannot publish the status: {e}")))?;
        let end = tokio::time::Instant::now() + ACK_TIMEOUT;
        loop {
            let ev = tokio::time::timeout_at(end, events.poll())
                .await
                .map_err(|_| retry(format!("the status was not acknowledged within {ACK_TIMEOUT:?}")))?;
            if let Event::Incoming(Packet::PubAck(_)) = ev.map_err(|e| retry(format!("connection lost: {e}")))? {
                return Ok(());
            }
        }
    }

    /// Forgets the connection and what was in flight: the next batch goes whole over a new one.
    fn drop_link(&mut self) {
        self.connected = false;
        self.events.clean();
        self.events.pending.clear();
    }

    /// Polls until `n` acknowledgements of this batch have come.
    async fn acked(events: &mut EventLoop, qos: QoS, n: usize) -> Result<(), SendError> {
        let mut got = 0;
        let end = tokio::time::Instant::now() + ACK_TIMEOUT;
        while got < n {
            let ev = tokio::time::timeout_at(end, events.poll())
                .await
                .map_err(|_| retry(format!("no acknowledgement within {ACK_TIMEOUT:?}")))?;
            match ev.map_err(|e| retry(format!("connection lost: {e}")))? {
                Event::Incoming(Packet::PubAck(_)) if qos == QoS::AtLeastOnce => got += 1,
                Event::Incoming(Packet::PubComp(_)) if qos == QoS::ExactlyOnce => got += 1,
                Event::Outgoing(Outgoing::Publish(_)) if qos == QoS::AtMostOnce => got += 1,
                _ => {}
            }
        }
        Ok(())
    }
}

impl Sink for Mqtt {
    fn max_batch(&self) -> usize {
        BATCH
    }

    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError> {
        let topics: Vec<String> = batch.iter().map(|a| self.topic(a)).collect();
        let Mqtt { rt, client, events, connected, status_topic, qos, .. } = self;
        let result = rt.block_on(async {
            if !*connected {
                Mqtt::connect(client, events, status_topic).await?;
                *connected = true;
            }
            for (a, topic) in batch.iter().zip(&topics) {
                client
                    .try_publish(topic.as_str(), *qos, false, a.to_json())
                    .map_err(|e| retry(format!("cannot publish: {e}")))?;
            }
            Mqtt::acked(events, *qos, batch.len()).await
        });
        if result.is_err() {
            self.drop_link();
        }
        result
    }

    /// Connects (at start, and again after a loss, with a growing wait while the broker is
    /// away), or keeps the link alive: answers pings and notices a broken link.
    fn idle(&mut self) -> Idle {
        if !self.connected {
            if Instant::now() < self.next_try {
                return Idle::Nothing;
            }
            let Mqtt { rt, client, events, status_topic, .. } = self;
            match rt.block_on(Mqtt::connect(client, events, status_topic)) {
                Ok(()) => {
                    self.connected = true;
                    self.retry = FIRST_RETRY;
                    return Idle::Up;
                }
                Err(e) => {
                    self.drop_link();
                    self.next_try = Instant::now() + self.retry;
                    self.retry = (self.retry * 2).min(MAX_RETRY);
                    return Idle::Down(match e {
                        SendError::Retry { message, .. } | SendError::Reject(message) => message,
                    });
                }
            }
        }
        let Mqtt { rt, events, .. } = self;
        // Answers pings; anything else arriving now (a late ack) is of no batch.
        let r = rt.block_on(async { tokio::time::timeout(Duration::from_millis(20), events.poll()).await });
        match r {
            Ok(Err(e)) => {
                tracing::info!("mqtt: connection lost while idle: {e}");
                self.drop_link();
                self.next_try = Instant::now();
                Idle::Down(format!("connection lost: {e}"))
            }
            _ => Idle::Nothing,
        }
    }

    fn close(&mut self) {
        if !self.connected {
            return;
        }
        let Mqtt { rt, client, events, status_topic, .. } = self;
        rt.block_on(async {
            let _ = client.try_publish(status_topic.as_str(), QoS::AtLeastOnce, true, "offline");
            let end = Instant::now() + Duration::from_secs(1);
            while Instant::now() < end {
                match tokio::time::timeout(Duration::from_millis(200), events.poll()).await {
                    Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => break,
                    Ok(Ok(_)) => {}
                    _ => break,
                }
            }
            let _ = client.try_disconnect();
            let _ = tokio::time::timeout(Duration::from_millis(200), events.poll()).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_add_or_change_topic_levels() {
        assert_eq!(escape_level("BF/B"), "BF%2FB");
        assert_eq!(escape_level("a+b#c%d"), "a%2Bb%23c%25d");
        assert_eq!(escape_level("\u{1b}]0;x\u{7}"), "%1B]0;x%07");
        assert_eq!(escape_level("$(rm -rf ~)"), "$(rm -rf ~)");
        assert_eq!(escape_level(""), "-");
        assert_eq!(escape_level("{symbol}"), "%7Bsymbol%7D");
    }
}
