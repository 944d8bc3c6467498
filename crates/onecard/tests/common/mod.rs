//! What the process-level tests share: `onecard serve` as a child process on a port of its
//! own, restartable; a signed-in API client; a webhook receiver.
#![allow(dead_code)]

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One `onecard serve` process on a fixed port, restartable.
pub struct Server {
    pub url: String,
    pub port: u16,
    pub files: std::path::PathBuf,
    pub child: Option<Child>,
    /// `--public-url`: the servers behind one load balancer share it.
    pub public_url: Option<String>,
    /// `--admin-listen` on this port, for `/metrics`.
    pub admin_port: Option<u16>,
    /// `ONECARD_DATA_KEY`; the demo key when none.
    pub data_key: Option<String>,
    /// Where the server's log goes, at debug level; nowhere when none.
    pub log: Option<std::path::PathBuf>,
    /// More `serve` arguments.
    pub args: Vec<String>,
}

impl Server {
    /// A server for the database at `url` on a free port; not started.
    pub fn new(url: &str) -> Server {
        let files = std::env::temp_dir().join(format!("onecard-files-{}", uuid::Uuid::now_v7()));
        Server {
            url: url.to_string(),
            port: free_port(),
            files,
            child: None,
            public_url: None,
            admin_port: None,
            data_key: None,
            log: None,
            args: Vec::new(),
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn start(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_onecard"));
        command.env_remove("ONECARD_DATA_KEY");
        if let Some(k) = &self.data_key {
            command.env("ONECARD_DATA_KEY", k);
        }
        match &self.log {
            Some(path) => {
                let file = std::fs::File::options()
                    .create(true)
                    .append(true)
                    .open(path)
                    .expect("the log file");
                command.env("ONECARD_LOG", "debug").stderr(file);
            }
            None => {
                command.env("ONECARD_LOG", "warn").stderr(Stdio::null());
            }
        }
        let child = command
            .args(["--database-url", &self.url, "serve", "--demo"])
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--files-dir", &self.files.display().to_string()])
            .args(["--delivery-poll-secs", "1"])
            // A killed server's claimed deliveries pass to another within seconds, not minutes.
            .args(["--delivery-lease-secs", "3"])
            .args(
                self.public_url
                    .iter()
                    .flat_map(|u| ["--public-url".to_string(), u.clone()]),
            )
            .args(
                self.admin_port
                    .iter()
                    .flat_map(|p| ["--admin-listen".to_string(), format!("127.0.0.1:{p}")]),
            )
            .args(&self.args)
            .stdout(Stdio::null())
            .spawn()
            .expect("start onecard serve");
        self.child = Some(child);
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(format!("{}/readyz", self.base())).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL");
            c.wait().expect("reaped");
        }
    }

    /// SIGTERM, and the exit status it ends with.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        self.signal_term();
        self.child.take().expect("running").wait().expect("reaped")
    }

    /// SIGTERM, without waiting for the process to end.
    pub fn signal_term(&self) {
        let c = self.child.as_ref().expect("running");
        Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .expect("kill -TERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A signed-in API client: session and CSRF cookies, the CSRF header.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: String,
    pub csrf: String,
}

impl Api {
    pub async fn sign_in(base: &str, username: &str) -> Api {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let res = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({ "username": username, "password": "Demo-2026" }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), StatusCode::OK, "sign in as {username}");
        let mut cookies = Vec::new();
        let mut csrf = String::new();
        for v in res.headers().get_all(reqwest::header::SET_COOKIE) {
            let kv = v.to_str().unwrap().split(';').next().unwrap().to_string();
            if let Some(c) = kv.strip_prefix("onecard_csrf=") {
                csrf = c.to_string();
            }
            cookies.push(kv);
        }
        Api {
            http,
            base: base.to_string(),
            cookies: cookies.join("; "),
            csrf,
        }
    }

    /// The answer, or `None` where the server could not be reached or gave no answer.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> Option<(StatusCode, Value)> {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookies)
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            r = r.json(b);
        }
        if let Some(k) = key {
            r = r.header("idempotency-key", k);
        }
        let res = r.send().await.ok()?;
        let status = res.status();
        let v = res.json().await.ok()?;
        Some((status, v))
    }
}

impl Api {
    /// The employer's webhook, set to `url`.
    pub async fn set_webhook(&self, url: &str) {
        let (s, v) = self
            .send(
                reqwest::Method::PUT,
                "/api/v1/employer/notifications",
                Some(&json!({ "webhook_url": url })),
                None,
            )
            .await
            .expect("an answer");
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    /// The id of the employer's person of that surname.
    pub async fn person_id(&self, surname: &str) -> String {
        let (_, people) = self
            .send(reqwest::Method::GET, "/api/v1/people", None, None)
            .await
            .expect("an answer");
        people
            .as_array()
            .expect("a list")
            .iter()
            .find(|p| p["surname"] == surname)
            .expect("the person")["id"]
            .as_str()
            .expect("an id")
            .to_string()
    }

    /// Takes a submitted application through pre-review, acceptance and review to a refusal
    /// (which owes the employer a notice); the first step that fails, with its answer.
    pub async fn refuse(&self, id: &str, mut version: i64, reason: &str) -> Result<(), String> {
        let path = format!("/api/v1/applications/{id}/transitions");
        for (action, extra) in [
            ("pass_pre_review", json!({})),
            ("accept", json!({})),
            ("start_review", json!({})),
            ("refuse", json!({ "items": [reason] })),
        ] {
            let mut body = json!({ "action": action, "version": version });
            body.as_object_mut()
                .expect("an object")
                .extend(extra.as_object().expect("an object").clone());
            match self
                .send(reqwest::Method::POST, &path, Some(&body), None)
                .await
            {
                Some((StatusCode::OK, a)) => version = a["version"].as_i64().expect("a version"),
                other => return Err(format!("{action}: {other:?}")),
            }
        }
        Ok(())
    }
}

/// A webhook receiver: answers 200 and counts the calls per delivery id (`OneCard-Id`).
pub async fn receiver() -> (String, Arc<Mutex<BTreeMap<String, usize>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Headers, then as many body bytes as Content-Length says.
                loop {
                    let Ok(n) = s.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let head = text[..end].to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            if let Some(id) =
                                head.lines().find_map(|l| l.strip_prefix("onecard-id:"))
                            {
                                *kept
                                    .lock()
                                    .unwrap()
                                    .entry(id.trim().to_string())
                                    .or_insert(0) += 1;
                            }
                            let _ = s
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                                .await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, seen)
}

/// A random number below `n` from the operating system.
pub fn below(n: u64) -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    u64::from_le_bytes(b) % n
}

/// Every webhook row of the outbox: its id, and whether it is delivered.
pub async fn outbox(url: &str) -> Vec<(String, bool)> {
    use sqlx::Connection;
    let sql = "SELECT id, delivered_at IS NOT NULL FROM outbox WHERE channel = 'webhook'";
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let rows: Vec<(uuid::Uuid, bool)> = sqlx::query_as(sql).fetch_all(&mut c).await.unwrap();
        rows.into_iter().map(|(i, d)| (i.to_string(), d)).collect()
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        let rows: Vec<(uuid::Uuid, bool)> = sqlx::query_as(sql).fetch_all(&mut c).await.unwrap();
        rows.into_iter().map(|(i, d)| (i.to_string(), d)).collect()
    }
}
