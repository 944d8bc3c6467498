//! Metrics in Prometheus's text format, served on the admin listener only (never on the public
//! one): requests and their latency per route, verification verdicts by reason, and at each
//! scrape what waits (queues by state, the outbox's backlog and lag).
//!
//! Labels come from closed sets (route templates, status codes, verdict codes), so the number of
//! series stays bounded whatever clients send.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency.
    latency: BTreeMap<(String, String), Latency>,
    /// Verdict code → verifications.
    verdicts: BTreeMap<&'static str, u64>,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut m = self.inner.lock().expect("metrics lock");
        *m.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let l = m
            .latency
            .entry((method.to_string(), route.to_string()))
            .or_default();
        l.count += 1;
        l.sum += seconds;
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                l.buckets[i] += 1;
            }
        }
    }

    /// One verification, by its verdict's code (`valid`, `cancelled`, `qr_expired`…).
    pub fn verdict(&self, code: &'static str) {
        *self
            .inner
            .lock()
            .expect("metrics lock")
            .verdicts
            .entry(code)
            .or_default() += 1;
    }

    /// The exposition: what was counted, and `backlog` as read at this scrape.
    pub fn render(&self, backlog: &store::Backlog, now: DateTime<Utc>) -> String {
        let m = self.inner.lock().expect("metrics lock");
        let mut out = String::new();
        out.push_str(
            "# HELP onecard_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE onecard_http_requests_total counter\n");
        for ((method, route, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "onecard_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP onecard_http_request_duration_seconds Time to answer, by method and route.\n",
        );
        out.push_str("# TYPE onecard_http_request_duration_seconds histogram\n");
        for ((method, route), l) in &m.latency {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (le, n) in BUCKETS.iter().zip(l.buckets) {
                let _ = writeln!(
                    out,
                    "onecard_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "onecard_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(
                out,
                "onecard_http_request_duration_seconds_sum{{{labels}}} {}",
                l.sum
            );
            let _ = writeln!(
                out,
                "onecard_http_request_duration_seconds_count{{{labels}}} {}",
                l.count
            );
        }
        out.push_str("# HELP onecard_verifications_total Codes verified, by verdict.\n");
        out.push_str("# TYPE onecard_verifications_total counter\n");
        for (code, n) in &m.verdicts {
            let _ = writeln!(out, "onecard_verifications_total{{verdict=\"{code}\"}} {n}");
        }
        drop(m);
        out.push_str("# HELP onecard_queue_depth Cases not yet decided, by queue and state.\n");
        out.push_str("# TYPE onecard_queue_depth gauge\n");
        for (queue, state, n) in &backlog.queues {
            let _ = writeln!(
                out,
                "onecard_queue_depth{{queue=\"{queue}\",state=\"{}\"}} {n}",
                escape(state)
            );
        }
        out.push_str(
            "# HELP onecard_outbox_pending Notices not yet delivered (e-mail, webhooks).\n",
        );
        out.push_str("# TYPE onecard_outbox_pending gauge\n");
        let _ = writeln!(out, "onecard_outbox_pending {}", backlog.outbox_pending);
        out.push_str("# HELP onecard_outbox_failing Deliveries whose last attempt failed.\n");
        out.push_str("# TYPE onecard_outbox_failing gauge\n");
        let _ = writeln!(out, "onecard_outbox_failing {}", backlog.outbox_failing);
        out.push_str(
            "# HELP onecard_outbox_lag_seconds Age of the oldest undelivered notice; 0 when none waits.\n",
        );
        out.push_str("# TYPE onecard_outbox_lag_seconds gauge\n");
        let lag = backlog
            .outbox_oldest
            .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        let _ = writeln!(out, "onecard_outbox_lag_seconds {lag}");
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Counts every request by its route template: an unknown path counts as `unmatched`.
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let res = next.run(req).await;
    metrics.request(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// `GET /metrics` on the admin listener.
pub async fn scrape(State(app): State<crate::http::AppState>) -> Response {
    let backlog = match app.ctx.store.begin_read().await {
        Ok(mut tx) => tx.backlog().await,
        Err(e) => Err(e),
    };
    match backlog {
        Ok(b) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            app.ctx.metrics.render(&b, app.ctx.clock.now()),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the backlog for metrics");
            axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition() {
        let m = Metrics::default();
        m.request("GET", "/api/v1/permits/{number}", 200, 0.003);
        m.request("GET", "/api/v1/permits/{number}", 200, 0.2);
        m.request("GET", "/api/v1/permits/{number}", 404, 0.001);
        m.verdict("valid");
        m.verdict("cancelled");
        m.verdict("valid");
        let now = Utc::now();
        let b = store::Backlog {
            queues: vec![("applications", "submitted".into(), 3)],
            outbox_pending: 2,
            outbox_failing: 1,
            outbox_oldest: Some(now - chrono::Duration::seconds(90)),
        };
        let text = m.render(&b, now);
        for line in [
            "onecard_http_requests_total{method=\"GET\",route=\"/api/v1/permits/{number}\",status=\"200\"} 2",
            "onecard_http_requests_total{method=\"GET\",route=\"/api/v1/permits/{number}\",status=\"404\"} 1",
            "onecard_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/permits/{number}\",le=\"0.005\"} 2",
            "onecard_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/permits/{number}\",le=\"0.1\"} 2",
            "onecard_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/permits/{number}\",le=\"0.25\"} 3",
            "onecard_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/permits/{number}\"} 3",
            "onecard_verifications_total{verdict=\"valid\"} 2",
            "onecard_verifications_total{verdict=\"cancelled\"} 1",
            "onecard_queue_depth{queue=\"applications\",state=\"submitted\"} 3",
            "onecard_outbox_pending 2",
            "onecard_outbox_failing 1",
            "onecard_outbox_lag_seconds 90",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}
