//! `onecard`: the one binary. `serve` runs the service; `backup` and `restore` copy the database
//! out and back; `migrate` brings a database's schema up to date; `audit verify` checks the
//! audit chain; `policy check` reviews a policy file; `import` brings in pre-reform physical cards.
//! The commands that only read open the database read-only (`reading`), so that they run on a
//! replica.

mod import_cmd;
mod keys_cmd;
mod policy_cmd;
mod simulate_cmd;
mod verify_cmd;

use clap::{Parser, Subcommand};
use server::clock::{Clock, SystemClock};
use server::config::{Config, redact_url};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use store::OpenOptions;

#[derive(Parser)]
#[command(
    name = "onecard",
    version,
    about = "Digital work permits on the electronic social security card"
)]
struct Cli {
    /// Database: sqlite://path (created if missing) or postgres://user@host/db.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/onecard.db",
        global = true,
        hide_env_values = true
    )]
    database_url: String,
    /// The key that seals passport and other identity numbers in the database: 64 hexadecimal
    /// digits (32 random bytes). Every command that opens the database needs it; `serve --demo`
    /// uses a fixed demo key without it.
    #[arg(long, env = "ONECARD_DATA_KEY", global = true, hide_env_values = true)]
    data_key: Option<String>,
    #[command(subcommand)]
    command: Command,
}

pub(crate) const NO_DATA_KEY: &str = "the data key is needed: --data-key or ONECARD_DATA_KEY \
     (64 hexadecimal digits, e.g. `openssl rand -hex 32`; keep it apart from the database)";

/// `open_options` for a command other than `serve`, with `connections`.
fn options(data_key: Option<&str>, connections: u32) -> Result<OpenOptions, String> {
    open_options(data_key, false).map(|o| o.connections(connections))
}

/// `options` for a command that only reads: it opens the database as it is, writes nothing and
/// so runs on a PostgreSQL replica (`store::read_only`).
fn reading(data_key: Option<&str>, connections: u32) -> Result<OpenOptions, String> {
    options(data_key, connections).map(OpenOptions::read_only)
}

/// How the database is opened: with the data key given, or the demo key for `serve --demo`.
fn open_options(data_key: Option<&str>, demo: bool) -> Result<OpenOptions, String> {
    match (data_key, demo) {
        (Some(k), _) => store::DataKey::parse(k)
            .map(OpenOptions::new)
            .map_err(|e| e.to_string()),
        (None, true) => Ok(OpenOptions::new(store::DataKey::demo())),
        (None, false) => Err(NO_DATA_KEY.to_string()),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the service.
    Serve {
        #[arg(long, env = "ONECARD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Where `/metrics` (Prometheus) is served; keep it off the public network. None by
        /// default.
        #[arg(long, env = "ONECARD_ADMIN_LISTEN")]
        admin_listen: Option<SocketAddr>,
        /// Seed demo accounts and data if the database has none.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (serve behind TLS); an https:// public URL does so too.
        #[arg(long, env = "ONECARD_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Connections to PostgreSQL (SQLite: readers).
        #[arg(long, env = "ONECARD_DB_CONNECTIONS", default_value_t = 16)]
        db_connections: u32,
        /// Hours a sign-in lasts.
        #[arg(long, env = "ONECARD_SESSION_HOURS", default_value_t = 8)]
        session_hours: u64,
        /// Consecutive failed sign-ins of a username that lock it.
        #[arg(long, env = "ONECARD_SIGN_IN_MAX_FAILURES", default_value_t = 5,
              value_parser = clap::value_parser!(u32).range(1..))]
        sign_in_max_failures: u32,
        /// Minutes a locked username stays locked (a fixed period).
        #[arg(long, env = "ONECARD_SIGN_IN_LOCK_MINUTES", default_value_t = 15,
              value_parser = clap::value_parser!(u64).range(1..))]
        sign_in_lock_minutes: u64,
        /// Milliseconds a failed sign-in waits per consecutive failure (at most 8 times this).
        #[arg(long, env = "ONECARD_SIGN_IN_DELAY_MS", default_value_t = 250)]
        sign_in_delay_ms: u64,
        /// Sign-in attempts accepted per client address per minute; 0 sets no limit.
        #[arg(long, env = "ONECARD_SIGN_IN_PER_MINUTE", default_value_t = 20)]
        sign_in_per_minute: u32,
        /// Reverse proxies in front that append to X-Forwarded-For; 0 trusts no such header.
        #[arg(long, env = "ONECARD_TRUSTED_PROXIES", default_value_t = 0)]
        trusted_proxies: usize,
        /// The key that opens the issuer keys: 64 hexadecimal digits. Without it no credential
        /// is issued (the demo uses a fixed demo key).
        #[arg(long, env = "ONECARD_SEALING_KEY", hide_env_values = true)]
        sealing_key: Option<String>,
        /// Where the service is reached from outside; status list URIs in credentials are built
        /// on it, so it must not change. Default: http:// and the listen address.
        #[arg(long, env = "ONECARD_PUBLIC_URL")]
        public_url: Option<String>,
        /// The issuer named in credentials and the key set.
        #[arg(long, env = "ONECARD_ISSUER", default_value = "CN-MOHRSS")]
        issuer: String,
        /// An SMTP relay for e-mail notices, `smtp://host[:port]` (no TLS, no login: a local
        /// relay). Without it notices go to the inbox and webhooks only.
        #[arg(long, env = "ONECARD_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender address of e-mail notices.
        #[arg(long, env = "ONECARD_SMTP_FROM", default_value = "onecard@example.org")]
        smtp_from: String,
        /// Seconds between passes of the notification worker; 0 runs no worker in this process.
        #[arg(long, env = "ONECARD_DELIVERY_POLL_SECS", default_value_t = 5)]
        delivery_poll_secs: u64,
        /// Seconds a worker holds a delivery it claimed: a server that dies mid-delivery leaves
        /// the delivery to another once this has passed. Longer than a webhook call may take.
        #[arg(long, env = "ONECARD_DELIVERY_LEASE_SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86400))]
        delivery_lease_secs: u64,
        /// Another department's register, asked to confirm a fact instead of a paper document:
        /// KIND=http://host/path or KIND=file:PATH (KIND: business_licence, accommodation).
        /// Repeat for each kind. With --demo and none given, the built-in demo file serves both.
        #[arg(long = "register", value_name = "KIND=LOCATION")]
        registers: Vec<String>,
        /// Milliseconds a register may take to answer before its document falls back to paper.
        #[arg(long, env = "ONECARD_REGISTER_TIMEOUT_MS", default_value_t = 2000)]
        register_timeout_ms: u64,
        /// Where uploaded documents are kept (content-addressed; back it up with the database).
        #[arg(long, env = "ONECARD_FILES_DIR", default_value = "data/files")]
        files_dir: String,
        /// A PostgreSQL replica (hot standby) of the database, read-only: the reports that may
        /// trail the latest writes by its lag (the employer's employees and deadlines) are read
        /// there, and from the primary while it does not answer.
        #[arg(long, env = "ONECARD_REPLICA_URL", hide_env_values = true)]
        replica_url: Option<String>,
        /// Seconds a stopping server (SIGTERM) gives the requests and deliveries in progress
        /// before it cuts them off; keep it under the orchestrator's own kill timeout.
        #[arg(long, env = "ONECARD_SHUTDOWN_GRACE_SECS", default_value_t = 10,
              value_parser = clap::value_parser!(u64).range(1..=3600))]
        shutdown_grace_secs: u64,
    },
    /// Apply pending schema migrations and exit.
    Migrate,
    /// Write a consistent copy of the database to FILE while the service runs (SQLite: a
    /// snapshot file; PostgreSQL: pg_dump's custom format). Uploaded files and notices live
    /// under --files-dir: copy that directory after the backup.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Bring a backup back into the database. Stop the service first.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        replace: bool,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The issuer's signing keys.
    Keys {
        /// The key that seals the keys at rest: 64 hexadecimal digits (32 random bytes).
        #[arg(long, env = "ONECARD_SEALING_KEY", hide_env_values = true)]
        sealing_key: Option<String>,
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Check a permit credential offline; `verify fetch` downloads what that needs.
    Verify(verify_cmd::VerifyArgs),
    /// Import pre-reform physical cards from a CSV file; run it again to resume. Exit 0: all
    /// rows imported (or present already); 1: some rows refused; 2: nothing done or stopped.
    Import(import_cmd::ImportArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every link of the hash chain; report the first broken one. Reads only: runs on a
    /// replica.
    Verify,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make the root key (it signs the published key set) and the first signing key; refused
    /// if both exist.
    Generate,
    /// Print the root key's public half, in hex, for verifiers to pin.
    Root,
    /// Make a new signing key; the others keep verifying what they signed.
    Rotate,
    /// Retire a key: it verifies no more.
    Retire {
        #[arg(value_name = "KID")]
        kid: String,
    },
    /// List the keys, and check that each sealed key opens with the sealing key.
    List,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Check a policy file and list what it changes against a base; exit 2 if it is refused.
    Check {
        /// The policy file to check.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The base to compare with; the built-in default if left out.
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// Re-assess every assessed application of the database under a proposed version and
    /// report how many would change category or eligibility, and which. Reads only: runs on a
    /// replica.
    Simulate {
        /// The proposed policy file.
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
        /// How many of the applications that would change to list.
        #[arg(long, default_value_t = 20)]
        show: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ONECARD_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("onecard: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match cli.command {
        Command::Verify(args) => Ok(verify_cmd::run(args).await),
        Command::Import(args) => {
            let key = match cli.data_key.as_deref().map(store::DataKey::parse) {
                Some(Err(e)) => {
                    eprintln!("onecard: {e}");
                    return Ok(ExitCode::from(2));
                }
                Some(Ok(k)) => Some(k),
                None => None,
            };
            Ok(import_cmd::run(&cli.database_url, key, args).await)
        }
        Command::Serve {
            listen,
            admin_listen,
            demo,
            secure_cookies,
            db_connections,
            session_hours,
            sign_in_max_failures,
            sign_in_lock_minutes,
            sign_in_delay_ms,
            sign_in_per_minute,
            trusted_proxies,
            sealing_key,
            public_url,
            issuer,
            smtp_url,
            smtp_from,
            delivery_poll_secs,
            delivery_lease_secs,
            registers,
            register_timeout_ms,
            files_dir,
            shutdown_grace_secs,
            replica_url,
        } => {
            let options = match open_options(cli.data_key.as_deref(), demo) {
                Ok(o) => o.connections(db_connections),
                Err(e) => {
                    eprintln!("onecard: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let smtp = match smtp_url
                .as_deref()
                .map(|u| server::config::Smtp::parse(u, &smtp_from))
            {
                Some(Err(e)) => {
                    eprintln!("onecard: {e}");
                    return Ok(ExitCode::from(2));
                }
                Some(Ok(s)) => Some(s),
                None => None,
            };
            let mut sources = Vec::new();
            for r in &registers {
                match server::config::RegisterSource::parse(r) {
                    Ok(s) => sources.push(s),
                    Err(e) => {
                        eprintln!("onecard: {e}");
                        return Ok(ExitCode::from(2));
                    }
                }
            }
            if demo && sources.is_empty() {
                sources = server::config::RegisterSource::demo();
            }
            let register_timeout = Duration::from_millis(register_timeout_ms.max(1));
            // Read register files now, so that a bad one stops the start rather than leaving
            // every document to paper.
            if let Err(e) = server::services::registers::Registers::open(&sources, register_timeout)
            {
                eprintln!("onecard: {e}");
                return Ok(ExitCode::from(2));
            }
            let sealing_key = match (sealing_key, demo) {
                (Some(k), _) => match credential::SealingKey::parse(&k) {
                    Ok(k) => Some(k),
                    Err(e) => {
                        eprintln!("onecard: {e}");
                        return Ok(ExitCode::from(2));
                    }
                },
                (None, true) => Some(
                    credential::SealingKey::parse(server::config::DEMO_SEALING_KEY)
                        .expect("64 hex digits"),
                ),
                (None, false) => None,
            };
            let public_url = public_url
                .unwrap_or_else(|| format!("http://{listen}"))
                .trim_end_matches('/')
                .to_string();
            if credential::StatusRef::new(0, &format!("{public_url}/status/0")).is_none() {
                eprintln!("onecard: the public URL must be an absolute URL without spaces");
                return Ok(ExitCode::from(2));
            }
            let config = Config {
                listen,
                database_url: cli.database_url,
                db_max_connections: db_connections,
                secure_cookies,
                session_ttl: Duration::from_secs(session_hours * 3600),
                sign_in_max_failures,
                sign_in_lock: Duration::from_secs(sign_in_lock_minutes * 60),
                sign_in_delay_step: Duration::from_millis(sign_in_delay_ms),
                sign_in_per_minute,
                trusted_proxies,
                sealing_key,
                public_url,
                issuer,
                smtp,
                delivery_poll: (delivery_poll_secs > 0)
                    .then(|| Duration::from_secs(delivery_poll_secs)),
                delivery_lease: Duration::from_secs(delivery_lease_secs),
                registers: sources,
                register_timeout,
                files_dir: files_dir.into(),
                shutdown_grace: Duration::from_secs(shutdown_grace_secs),
                ..Config::for_url("")
            };
            tracing::info!(database = %redact_url(&config.database_url), "opening the database");
            if replica_url.is_some()
                && store::backend_of(&config.database_url) != Some(store::Backend::Postgres)
            {
                eprintln!("onecard: --replica-url is for a PostgreSQL database's replica");
                return Ok(ExitCode::from(2));
            }
            let store = store::open(&config.database_url, &options).await?;
            let replica = match &replica_url {
                None => None,
                Some(url) => open_replica(url, &options).await?,
            };
            let clock = Arc::new(SystemClock);
            if demo && server::demo::seed(&*store, &*clock).await? {
                tracing::info!(
                    "demo data seeded; every demo account's password is {}",
                    server::demo::DEMO_PASSWORD
                );
            }
            if demo && let Some(sealing) = &config.sealing_key {
                for (role, kid) in
                    server::services::issuer::ensure_keys(&*store, sealing, clock.now()).await?
                {
                    tracing::info!(role = role.as_str(), kid, "demo issuer key made");
                }
            }
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            tracing::info!(address = %listener.local_addr()?, "listening");
            let mut state = server::app::state(store.clone(), clock, config);
            if let Some(replica) = &replica {
                state.ctx = state.ctx.with_replica(replica.clone());
            }
            if let Some(addr) = admin_listen {
                let admin = tokio::net::TcpListener::bind(addr).await?;
                tracing::info!(address = %admin.local_addr()?, "admin listener (metrics)");
                let admin_state = state.clone();
                // Read-only; it ends with the process.
                tokio::spawn(async move {
                    if let Err(e) = server::app::serve_admin(admin, admin_state).await {
                        tracing::error!(error = %e, "admin listener stopped");
                    }
                });
            }
            server::app::serve(listener, state, shutdown_signal()).await?;
            store.close().await;
            if let Some(replica) = replica {
                replica.close().await;
            }
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let store =
                store::open(&cli.database_url, &options(cli.data_key.as_deref(), 1)?).await?;
            store.close().await;
            println!("schema up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file } => {
            let c = store::backup::backup(&cli.database_url, &file).await?;
            print_contents(&c);
            println!(
                "backed up {} rows of {} tables to {}",
                c.rows(),
                c.tables.len(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, replace } => {
            let c = store::backup::restore(&cli.database_url, &file, replace).await?;
            print_contents(&c);
            println!(
                "restored {} rows of {} tables (schema version {}) into {}",
                c.rows(),
                c.tables.len(),
                c.schema_version,
                redact_url(&cli.database_url)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store =
                store::open(&cli.database_url, &reading(cli.data_key.as_deref(), 2)?).await?;
            let result = store::verify_audit(&*store).await?;
            store.close().await;
            match result {
                Ok(n) => {
                    println!("audit chain intact: {n} records");
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("audit chain broken at record {}: {broken}", broken.seq());
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Policy {
            command: PolicyCommand::Check { file, against },
        } => {
            let in_force = match against {
                Some(_) => None,
                None => in_force_of(&cli.database_url, cli.data_key.as_deref()).await?,
            };
            let base = match (&against, &in_force) {
                (Some(path), _) => policy_cmd::Base::File(path),
                (None, Some(p)) => policy_cmd::Base::InForce(p, redact_url(&cli.database_url)),
                (None, None) => policy_cmd::Base::BuiltIn,
            };
            Ok(policy_cmd::run(&file, base))
        }
        Command::Keys {
            sealing_key,
            command,
        } => {
            let sealing = match (
                &command,
                sealing_key.as_deref().map(credential::SealingKey::parse),
            ) {
                (KeysCommand::Retire { .. } | KeysCommand::Root, _) => None,
                (_, Some(Ok(k))) => Some(k),
                (_, Some(Err(e))) => {
                    eprintln!("onecard: {e}");
                    return Ok(ExitCode::from(2));
                }
                (_, None) => {
                    eprintln!(
                        "onecard: the sealing key is needed: --sealing-key or ONECARD_SEALING_KEY"
                    );
                    return Ok(ExitCode::from(2));
                }
            };
            let open = match command {
                KeysCommand::Root | KeysCommand::List => reading,
                _ => options,
            };
            let store = store::open(&cli.database_url, &open(cli.data_key.as_deref(), 1)?).await?;
            let now = chrono::Utc::now();
            let result = match (&command, &sealing) {
                (KeysCommand::Generate, Some(s)) => keys_cmd::generate(&*store, s, now)
                    .await
                    .map(|made| (made, true)),
                (KeysCommand::Root, _) => keys_cmd::root(&*store).await.map(|r| (r, true)),
                (KeysCommand::Rotate, Some(s)) => keys_cmd::rotate(&*store, s, now)
                    .await
                    .map(|kid| (format!("new signing key {kid}\n"), true)),
                (KeysCommand::Retire { kid }, _) => keys_cmd::retire(&*store, kid, now)
                    .await
                    .map(|()| (format!("retired {kid}\n"), true)),
                (KeysCommand::List, Some(s)) => keys_cmd::list(&*store, s).await,
                (_, None) => unreachable!("a sealing key for all but retire"),
            };
            store.close().await;
            match result {
                Ok((out, ok)) => {
                    print!("{out}");
                    Ok(if ok {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(2)
                    })
                }
                Err(e @ keys_cmd::KeysError::Store(_)) => Err(e.into()),
                Err(e) => {
                    eprintln!("onecard: {e}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Policy {
            command: PolicyCommand::Simulate { policy, show },
        } => {
            let proposed = match policy_cmd::load(&policy) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let store =
                store::open(&cli.database_url, &reading(cli.data_key.as_deref(), 2)?).await?;
            let result = simulate_cmd::simulate(&*store, &proposed, show).await;
            store.close().await;
            print!("{}", result?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The policy version in force today in the database at `url`; none where there is no database
/// to ask (an SQLite file that does not exist, or one in memory), so that a check creates none.
async fn in_force_of(
    url: &str,
    data_key: Option<&str>,
) -> Result<Option<domain::policy::Policy>, Box<dyn std::error::Error>> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        if path.contains(":memory:") || !std::path::Path::new(path).exists() {
            return Ok(None);
        }
    }
    let store = store::open(url, &reading(data_key, 1)?).await?;
    let today = server::clock::Clock::today(&SystemClock);
    let policy = server::services::policies::Policies::default()
        .in_force(&*store, today)
        .await;
    store.close().await;
    Ok(Some(policy?.as_ref().clone()))
}

/// The replica for `--replica-url`, opened read-only. Another data key stops the start: it is
/// not this database's replica. A replica that has not yet replayed the migrations this start
/// applied is waited for, ten seconds at most; one that does not answer or does not catch up is
/// left out, and the reports read the primary.
async fn open_replica(
    url: &str,
    options: &OpenOptions,
) -> Result<Option<Arc<dyn store::Store>>, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let e = match store::open(url, &options.clone().read_only()).await {
            Ok(replica) => {
                tracing::info!(replica = %redact_url(url), "reports read the replica");
                return Ok(Some(replica));
            }
            Err(e @ store::StoreError::WrongDataKey) => {
                return Err(format!("the replica {}: {e}", redact_url(url)).into());
            }
            Err(e) => e,
        };
        if !matches!(e, store::StoreError::NotReady(_)) || tokio::time::Instant::now() >= deadline {
            tracing::error!(replica = %redact_url(url), error = %e, "the replica is left out; reports read the primary");
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

fn print_contents(c: &store::backup::Contents) {
    for (table, rows) in &c.tables {
        println!("{rows:>10}  {table}");
    }
}
