//! `loadgen`: how many applications a OneCard server accepts per second, and how long each
//! submission takes, with many employer systems submitting at once over HTTP.
//!
//! It signs in as an HR account, makes an API token, finds a person on that employer's roster,
//! then runs `--clients` workers that each submit new-permit applications back to back
//! (`POST /api/v1/applications`, `submit: true`, a fresh `Idempotency-Key` per request) for
//! `--duration` seconds after an uncounted `--warmup`. It prints a table and one JSON line.
//!
//! It only ever talks to the one URL it is given, which must be on the loopback interface: it is
//! a benchmark for a server on this machine, not a tool to load anyone else's.

use clap::{Parser, ValueEnum};
use loadgen::{Latencies, loopback_base, parse_tag, round2};
use reqwest::{Method, RequestBuilder, StatusCode, Url, header};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Parser, Debug)]
#[command(
    name = "loadgen",
    about = "Submissions per second against a local OneCard server"
)]
struct Args {
    /// The server's base URL; must be a loopback address (127.0.0.0/8, ::1 or localhost).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent clients, each with one request in flight at a time (1 to 4096).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    clients: u64,
    /// Seconds measured (at most an hour).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    duration: u64,
    /// Seconds of load before the measurement starts, not counted (at most ten minutes).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=600))]
    warmup: u64,
    /// Hard cap on requests sent, warm-up included.
    #[arg(long, default_value_t = 2_000_000)]
    max_requests: u64,
    /// HR account to submit as.
    #[arg(long, default_value = "hr")]
    username: String,
    #[arg(
        long,
        env = "LOADGEN_PASSWORD",
        default_value = "Demo-2026",
        hide_env_values = true
    )]
    password: String,
    /// Surname of the person on the HR account's roster the applications are for.
    #[arg(long, default_value = "MÜLLER")]
    surname: String,
    /// How the workers authenticate: an API token (Bearer) or the sign-in session (cookies and
    /// X-CSRF-Token).
    #[arg(long, value_enum, default_value_t = AuthMode::Token)]
    auth: AuthMode,
    /// Seconds before a single request counts as failed ("timeout").
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Runtime worker threads of the load generator itself (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// A name for this run in the output, e.g. the backend.
    #[arg(long, default_value = "")]
    label: String,
    /// Extra KEY=VALUE to copy into the JSON line (repeatable).
    #[arg(long = "tag", value_parser = parse_tag)]
    tags: Vec<(String, String)>,
    /// Seconds between progress lines on stderr; 0 for none.
    #[arg(long, default_value_t = 5)]
    progress: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum AuthMode {
    Token,
    Session,
}

/// How a request proves who sends it.
#[derive(Clone, Debug)]
enum Auth {
    Bearer(String),
    Session { cookie: String, csrf: String },
}

impl Auth {
    fn apply(&self, r: RequestBuilder) -> RequestBuilder {
        match self {
            Auth::Bearer(t) => r.bearer_auth(t),
            Auth::Session { cookie, csrf } => r
                .header(header::COOKIE, cookie)
                .header("x-csrf-token", csrf),
        }
    }
}

fn cookie_value(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

struct Target {
    http: reqwest::Client,
    base: Url,
}

impl Target {
    fn url(&self, path: &str) -> Url {
        // Paths are our own constants; joining keeps every request on the given host and port.
        self.base.join(path).expect("path")
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }
}

async fn send_json(r: RequestBuilder, what: &str) -> Result<(StatusCode, Value), String> {
    let res = r.send().await.map_err(|e| format!("{what}: {e}"))?;
    let status = res.status();
    let text = res.text().await.map_err(|e| format!("{what}: {e}"))?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok((status, body))
}

/// Signs in, makes a token if asked, and finds the person: what every worker needs.
async fn setup(t: &Target, args: &Args) -> Result<(Auth, String), String> {
    let res = t
        .request(Method::POST, "/api/v1/session")
        .json(&json!({ "username": args.username, "password": args.password }))
        .send()
        .await
        .map_err(|e| format!("sign in: {e}"))?;
    let session = cookie_value(&res, "onecard_session");
    let csrf = cookie_value(&res, "onecard_csrf");
    let status = res.status();
    if status != StatusCode::OK {
        let body = res.text().await.unwrap_or_default();
        return Err(format!("sign in as {}: {status} {body}", args.username));
    }
    let (Some(session), Some(csrf)) = (session, csrf) else {
        return Err("sign in: no session or CSRF cookie in the answer".into());
    };
    let session_auth = Auth::Session {
        cookie: format!("onecard_session={session}; onecard_csrf={csrf}"),
        csrf,
    };
    let auth = match args.auth {
        AuthMode::Session => session_auth,
        AuthMode::Token => {
            let name = format!("loadgen {}", run_id());
            let (s, body) = send_json(
                session_auth.apply(
                    t.request(Method::POST, "/api/v1/api-tokens")
                        .json(&json!({ "name": name })),
                ),
                "create API token",
            )
            .await?;
            if s != StatusCode::CREATED {
                return Err(format!("create API token: {s} {body}"));
            }
            let token = body["token"]
                .as_str()
                .ok_or_else(|| format!("create API token: no token in {body}"))?;
            Auth::Bearer(token.to_string())
        }
    };
    let (s, people) = send_json(
        auth.apply(t.request(Method::GET, "/api/v1/people")),
        "list people",
    )
    .await?;
    if s != StatusCode::OK {
        return Err(format!("list people: {s} {people}"));
    }
    let person = people
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["surname"] == args.surname.as_str())
        .and_then(|p| p["id"].as_str())
        .ok_or_else(|| format!("no person with surname {:?} on the roster", args.surname))?;
    Ok((auth, person.to_string()))
}

fn application_body(person_id: &str) -> String {
    json!({
        "kind": "new",
        "person_id": person_id,
        "position": "Data Scientist",
        "annual_salary": "480000",
        "contract_start": "2027-01-01",
        "contract_end": "2029-12-31",
        "submit": true,
    })
    .to_string()
}

/// One submission by hand before the load: it must be created as submitted, and a retry with
/// the same key must return the same application rather than make a second one.
async fn probe(t: &Target, auth: &Auth, body: &str, run: &str) -> Result<String, String> {
    let submit = || {
        auth.apply(t.request(Method::POST, "/api/v1/applications"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", format!("{run}-probe"))
            .body(body.to_string())
    };
    let (s, first) = send_json(submit(), "probe submission").await?;
    if s != StatusCode::CREATED || first["state"] != "submitted" {
        return Err(format!("probe submission: {s} {first}"));
    }
    let (s, again) = send_json(submit(), "probe replay").await?;
    if s != StatusCode::CREATED || again["id"] != first["id"] {
        return Err(format!(
            "probe replay: {s}, expected the same application {} back, got {again}",
            first["id"]
        ));
    }
    Ok(first["receipt_number"].as_str().unwrap_or("?").to_string())
}

/// A prefix that keeps this run's idempotency keys apart from any earlier run's.
fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("lg{:x}{:x}", nanos, std::process::id())
}

#[derive(Default)]
struct Tally {
    /// Latencies of the measured 201s, in microseconds.
    ok_us: Vec<u32>,
    /// Measured failures by HTTP status or transport error kind.
    errors: BTreeMap<String, u64>,
    /// Measured requests (started in the window), failures included.
    requests: u64,
    warmup_requests: u64,
    last_done: Option<Instant>,
}

struct Shared {
    target: Target,
    auth: Auth,
    body: String,
    run: String,
    measure_from: Instant,
    end: Instant,
    max_requests: u64,
    sent: AtomicU64,
    done: AtomicU64,
}

fn error_kind(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else {
        "transport".into()
    }
}

async fn worker(s: Arc<Shared>, id: u64) -> Tally {
    let mut t = Tally::default();
    let url = s.target.url("/api/v1/applications");
    for n in 0u64.. {
        let start = Instant::now();
        if start >= s.end || s.sent.fetch_add(1, Ordering::Relaxed) >= s.max_requests {
            break;
        }
        let r = s
            .auth
            .apply(s.target.http.post(url.clone()))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", format!("{}-{id}-{n}", s.run))
            .body(s.body.clone());
        let outcome = match r.send().await {
            // Read the whole body, so that the connection is reused and the time is complete.
            Ok(res) => {
                let status = res.status().as_u16();
                res.bytes()
                    .await
                    .map(|_| status)
                    .map_err(|e| error_kind(&e))
            }
            Err(e) => Err(error_kind(&e)),
        };
        let done = Instant::now();
        s.done.fetch_add(1, Ordering::Relaxed);
        if start < s.measure_from {
            t.warmup_requests += 1;
        } else {
            t.requests += 1;
            t.last_done = Some(done);
            match &outcome {
                Ok(201) => {
                    let us = done.duration_since(start).as_micros();
                    t.ok_us.push(u32::try_from(us).unwrap_or(u32::MAX));
                }
                Ok(status) => *t.errors.entry(status.to_string()).or_default() += 1,
                Err(kind) => *t.errors.entry(kind.clone()).or_default() += 1,
            }
        }
        if outcome.is_err() {
            // The server is gone or refusing: do not spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    t
}

async fn run(args: Args) -> Result<bool, String> {
    let base = loopback_base(&args.url)?;
    let mut http = reqwest::Client::builder();
    if base
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case("localhost"))
    {
        // Whatever the resolver says, "localhost" means this machine.
        let port = base.port_or_known_default().unwrap_or(80);
        http = http.resolve(
            "localhost",
            std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        );
    }
    let http = http
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .pool_max_idle_per_host(args.clients as usize)
        .timeout(Duration::from_secs(args.timeout))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let target = Target { http, base };
    let (auth, person_id) = setup(&target, &args).await?;
    let run = run_id();
    let body = application_body(&person_id);
    let receipt = probe(&target, &auth, &body, &run).await?;
    eprintln!(
        "loadgen: {} as {} ({:?}), person {person_id}, probe receipt {receipt}; {} clients, {} s warm-up, {} s measured",
        target.base, args.username, args.auth, args.clients, args.warmup, args.duration
    );

    let t0 = Instant::now();
    let measure_from = t0 + Duration::from_secs(args.warmup);
    let shared = Arc::new(Shared {
        target,
        auth,
        body,
        run,
        measure_from,
        end: measure_from + Duration::from_secs(args.duration),
        max_requests: args.max_requests,
        sent: AtomicU64::new(0),
        done: AtomicU64::new(0),
    });
    let progress = (args.progress > 0).then(|| {
        let s = shared.clone();
        let every = Duration::from_secs(args.progress);
        tokio::spawn(async move {
            let mut last = 0;
            loop {
                tokio::time::sleep(every).await;
                let done = s.done.load(Ordering::Relaxed);
                eprintln!(
                    "loadgen: t={:>5.1}s  {done} done, {:.0}/s",
                    t0.elapsed().as_secs_f64(),
                    (done - last) as f64 / every.as_secs_f64()
                );
                last = done;
            }
        })
    });
    let workers: Vec<_> = (0..args.clients)
        .map(|i| tokio::spawn(worker(shared.clone(), i)))
        .collect();
    let mut total = Tally::default();
    for w in workers {
        let t = w.await.map_err(|e| format!("worker: {e}"))?;
        total.ok_us.extend(t.ok_us);
        for (k, v) in t.errors {
            *total.errors.entry(k).or_default() += v;
        }
        total.requests += t.requests;
        total.warmup_requests += t.warmup_requests;
        total.last_done = total.last_done.max(t.last_done);
    }
    if let Some(p) = progress {
        p.abort();
    }

    let lat = Latencies::of(total.ok_us);
    let ok = lat.count;
    let error_count: u64 = total.errors.values().sum();
    let elapsed = total
        .last_done
        .map(|d| d.duration_since(shared.measure_from).as_secs_f64())
        .unwrap_or(0.0)
        .max(1e-9);
    let throughput = ok as f64 / elapsed;
    let (mean, p50, p90, p99, max) = (lat.mean, lat.p50, lat.p90, lat.p99, lat.max);
    let capped = shared.sent.load(Ordering::Relaxed) >= args.max_requests;

    let errors_text = if total.errors.is_empty() {
        "0".to_string()
    } else {
        let by: Vec<String> = total
            .errors
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        format!("{error_count} ({})", by.join(", "))
    };
    let label = if args.label.is_empty() {
        "-"
    } else {
        &args.label
    };
    println!();
    println!("  {:<22} {label}", "run");
    println!("  {:<22} {}", "target", shared.target.base);
    println!(
        "  {:<22} {} clients, {} s after {} s warm-up{}",
        "load",
        args.clients,
        args.duration,
        args.warmup,
        if capped { " (request cap reached)" } else { "" }
    );
    println!("  {:<22} {}", "requests (measured)", total.requests);
    println!("  {:<22} {ok}", "created (201)");
    println!("  {:<22} {errors_text}", "errors (non-201)");
    println!(
        "  {:<22} {throughput:.1} /s over {elapsed:.2} s",
        "throughput"
    );
    println!("  {:<22} {mean:.2} ms", "latency mean");
    println!("  {:<22} {p50:.2} ms", "latency p50");
    println!("  {:<22} {p90:.2} ms", "latency p90");
    println!("  {:<22} {p99:.2} ms", "latency p99");
    println!("  {:<22} {max:.2} ms", "latency max");
    println!();

    let mut line = Map::new();
    line.insert("label".into(), args.label.clone().into());
    for (k, v) in &args.tags {
        line.insert(k.clone(), v.clone().into());
    }
    let extra = json!({
        "url": shared.target.base.as_str(),
        "auth": format!("{:?}", args.auth).to_lowercase(),
        "clients": args.clients,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "elapsed_s": round2(elapsed),
        "warmup_requests": total.warmup_requests,
        "requests": total.requests,
        "created": ok,
        "errors": error_count,
        "errors_by_status": total.errors,
        "capped": capped,
        "throughput_per_s": round2(throughput),
        "latency_ms": { "mean": round2(mean), "p50": round2(p50), "p90": round2(p90), "p99": round2(p99), "max": round2(max) },
    });
    if let Value::Object(m) = extra {
        line.extend(m);
    }
    println!("{}", Value::Object(line));
    Ok(ok > 0)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = match rt.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("loadgen: no submission succeeded");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
