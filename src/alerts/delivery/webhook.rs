//! Webhooks: alerts POSTed in the shape a service takes — plain JSON, Discord, Slack or ntfy —
//! at most `max_per_minute` requests, a 429's wait honoured, other failures retried with
//! backoff. A small blocking client (ureq) on the sink's own thread.

use std::time::{Duration, Instant};

use serde_json::json;

use super::worker::{SendError, Sink};
use crate::alerts::{Alert, printable};
use crate::config::{WebhookConfig, WebhookFormat};

pub struct Webhook {
    agent: ureq::Agent,
    url: String,
    format: WebhookFormat,
    gap: Duration,
    last: Option<Instant>,
}

impl Webhook {
    pub fn new(cfg: &WebhookConfig) -> Webhook {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(cfg.timeout_s.max(1))))
            .http_status_as_error(false)
            .build()
            .into();
        let gap = Duration::from_secs_f64(60.0 / f64::from(cfg.max_per_minute.max(1)));
        Webhook { agent, url: cfg.url.clone(), format: cfg.format, gap, last: None }
    }
}

/// `2025-07-14 09:30:15 quote-stuffing SPY num_quotes 2500 >= 2000`, safe to show anywhere.
fn summary(a: &Alert) -> String {
    let symbol = a.symbol.as_deref().map_or_else(|| "-".to_owned(), printable);
    format!("{} {} {} {} {} {} {} {}", a.day, a.time, printable(&a.rule), symbol, a.field, a.value, a.op, a.threshold)
}

/// Markdown characters a symbol could use to restyle a Discord message.
fn discord_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '~' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '@' | '<' | ':') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn title(batch: &[Alert]) -> String {
    match batch {
        [one] => format!("ki2 alert: {}", printable(&one.rule)),
        _ => format!("ki2: {} alerts", batch.len()),
    }
}

/// Body, content type and extra headers of one request carrying `batch`.
pub fn render(format: WebhookFormat, batch: &[Alert]) -> (String, &'static str, Vec<(&'static str, String)>) {
    let json_of =
        |a: &Alert| serde_json::from_str::<serde_json::Value>(&a.to_json()).unwrap_or(serde_json::Value::Null);
    match format {
        WebhookFormat::Json => {
            let body = format!("[{}]", batch.iter().map(Alert::to_json).collect::<Vec<_>>().join(","));
            (body, "application/json", Vec::new())
        }
        WebhookFormat::Discord => {
            let embeds: Vec<_> = batch
                .iter()
                .map(|a| {
                    json!({
                        "title": discord_escape(&format!("{} {}", printable(&a.rule), a.symbol.as_deref().map_or_else(|| "-".to_owned(), printable))),
                        "description": discord_escape(&summary(a)),
                        "color": 0xE74C3C,
                        "footer": { "text": a.id() },
                    })
                })
                .collect();
            // No @everyone or role pings, whatever a symbol says.
            let body = json!({ "content": title(batch), "embeds": embeds, "allowed_mentions": { "parse": [] } });
            (body.to_string(), "application/json", Vec::new())
        }
        WebhookFormat::Slack => {
            let lines: Vec<String> = batch.iter().map(|a| format!("• {}", slack_escape(&summary(a)))).collect();
            let body = json!({
                "text": format!("{}\n{}", title(batch), lines.join("\n")),
                "blocks": [
                    { "type": "header", "text": { "type": "plain_text", "text": title(batch) } },
                    { "type": "section", "text": { "type": "mrkdwn", "text": lines.join("\n") } },
                ],
                "metadata": { "event_type": "ki2_alerts", "event_payload": { "alerts": batch.iter().map(json_of).collect::<Vec<_>>() } },
            });
            (body.to_string(), "application/json", Vec::new())
        }
        WebhookFormat::Ntfy => {
            let body = batch.iter().map(summary).collect::<Vec<_>>().join("\n");
            let high = batch.iter().any(|a| a.source.name() == "bursts");
            let headers = vec![
                ("Title", title(batch)),
                ("Priority", if high { "high" } else { "default" }.to_owned()),
                ("Tags", "chart_with_upwards_trend,ki2".to_owned()),
            ];
            (body, "text/plain; charset=utf-8", headers)
        }
    }
}

/// How long a 429 asks to wait: `Retry-After` in seconds, or Discord's `retry_after` in the body.
fn retry_after(header: Option<&str>, body: &str) -> Option<Duration> {
    let secs = header
        .and_then(|h| h.trim().parse::<f64>().ok())
        .or_else(|| serde_json::from_str::<serde_json::Value>(body).ok()?.get("retry_after")?.as_f64())?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

impl Sink for Webhook {
    fn max_batch(&self) -> usize {
        match self.format {
            // Discord takes 10 embeds a message.
            WebhookFormat::Discord => 10,
            WebhookFormat::Slack | WebhookFormat::Ntfy => 20,
            WebhookFormat::Json => 200,
        }
    }

    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError> {
        if let Some(last) = self.last {
            let wait = self.gap.saturating_sub(last.elapsed());
            // Alerts gather in the queue meanwhile and go in the next request.
            std::thread::sleep(wait);
        }
        let (body, content_type, headers) = render(self.format, batch);
        let mut req = self.agent.post(&self.url).header("Content-Type", content_type);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        self.last = Some(Instant::now());
        // An HTTP client's error may quote the URL, which is the hook's token.
        let scrub = |text: &str| crate::secrets::scrub(text, &[self.url.as_str()]);
        let mut resp = req.send(body).map_err(|e| SendError::Retry { message: scrub(&e.to_string()), after: None })?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let header = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = resp.body_mut().with_config().limit(4096).read_to_string().unwrap_or_default();
        let message =
            format!("HTTP {status}: {}", scrub(&printable(text.trim())).chars().take(200).collect::<String>());
        match status {
            429 => Err(SendError::Retry { message, after: retry_after(header.as_deref(), &text) }),
            408 | 500..=599 => Err(SendError::Retry { message, after: None }),
            _ => Err(SendError::Reject(message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_says_how_long_to_wait_in_a_header_or_discords_body() {
        assert_eq!(retry_after(Some("2"), ""), Some(Duration::from_secs(2)));
        assert_eq!(
            retry_after(None, r#"{"message":"rate limited","retry_after":0.5}"#),
            Some(Duration::from_millis(500))
        );
        assert_eq!(retry_after(None, "slow down"), None);
    }

    #[test]
    fn markdown_in_a_symbol_stays_text() {
        assert_eq!(discord_escape("@everyone *x*"), "\\@everyone \\*x\\*");
        assert_eq!(slack_escape("<!channel> & co"), "&lt;!channel&gt; &amp; co");
    }
}
