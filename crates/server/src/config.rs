//! The service's configuration: one typed value, loaded by the binary and passed down.

use credential::SealingKey;
use domain::registers::RegisterKind;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// May hold a password; never printed (see the `Debug` impl).
    pub database_url: String,
    pub db_max_connections: u32,
    /// Mark cookies `Secure`: on whenever the service is reached over TLS (an `https://`
    /// public URL turns it on too, see [`Config::cookies_secure`]).
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    /// Consecutive failed sign-ins of one username (known or not) that lock it.
    pub sign_in_max_failures: u32,
    /// How long a locked username stays locked: a fixed period, not doubling, so that someone
    /// who keeps guessing cannot shut the holder out for longer than this after they stop.
    pub sign_in_lock: Duration,
    /// A failed sign-in is answered after this times the consecutive failures of its username,
    /// at most [`SIGN_IN_DELAY_STEPS`] times it.
    pub sign_in_delay_step: Duration,
    /// Sign-in attempts accepted from one client address (an IPv6 address by its /64) per
    /// minute, counted in the database across server processes; 0 sets no limit.
    pub sign_in_per_minute: u32,
    /// How many reverse proxies in front append to `X-Forwarded-For`: the client address is
    /// the entry that many from its end. 0 (no proxy) uses the peer address and ignores the
    /// header, which a client may set to anything.
    pub trusted_proxies: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest body of a form that takes a file (an image of a QR code, a checklist document),
    /// in bytes.
    pub max_upload_bytes: usize,
    /// Where uploaded files are kept, content-addressed by their SHA-256; outside any web root.
    pub files_dir: std::path::PathBuf,
    /// How long in-flight requests may run on shutdown before they are cut.
    pub shutdown_grace: Duration,
    /// Opens the issuer keys sealed in the database; without it no credential is issued and
    /// only verification with published keys is possible. Never printed.
    pub sealing_key: Option<SealingKey>,
    /// Where the service is reached from outside, without a trailing slash: status list URIs
    /// inside credentials are built on it, so it must stay stable.
    pub public_url: String,
    /// The issuer named in credentials and the key set.
    pub issuer: String,
    /// How long a dynamic QR code on the card stays valid.
    pub qr_lifetime: Duration,
    /// How long verifiers may rely on a fetched status list before fetching it again.
    pub status_list_ttl: Duration,
    /// Where e-mail notices are sent; without it no e-mail is queued (the inbox and webhooks
    /// still work).
    pub smtp: Option<Smtp>,
    /// How often the delivery worker looks for due notices; `None` starts no worker (a test
    /// that runs passes itself, or a process that only serves pages).
    pub delivery_poll: Option<Duration>,
    /// How long one e-mail or webhook attempt may take before it counts as failed.
    pub delivery_timeout: Duration,
    /// How long a claimed delivery stays with its worker; a worker killed mid-delivery leaves it
    /// to another after this. Longer than `delivery_timeout`.
    pub delivery_lease: Duration,
    /// Other departments' registers asked to confirm facts instead of paper, one a kind of
    /// fact; a kind with none falls back to paper.
    pub registers: Vec<RegisterSource>,
    /// How long a register may take to answer before its document falls back to paper.
    pub register_timeout: Duration,
}

/// An SMTP relay without authentication or TLS (a local relay or a mail gateway on the same
/// network), and the sender address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub from: domain::values::Email,
}

impl Smtp {
    /// `smtp://host[:port]` (port 25 by default) and the sender address.
    pub fn parse(url: &str, from: &str) -> Result<Smtp, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or("the SMTP URL must start with smtp:// (TLS is not supported yet)")?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| "the SMTP port is not a number")?,
            ),
            _ => (rest, 25),
        };
        if host.is_empty() || host.contains(['/', '@', ' ']) {
            return Err("the SMTP URL names no host".into());
        }
        let from = domain::values::Email::parse("smtp_from", from)
            .map_err(|_| "the sender address is not an e-mail address")?;
        Ok(Smtp {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            from,
        })
    }
}

/// Where the register of one kind of fact is.
#[derive(Clone, PartialEq, Eq)]
pub struct RegisterSource {
    pub kind: RegisterKind,
    pub location: RegisterLocation,
}

#[derive(Clone, PartialEq, Eq)]
pub enum RegisterLocation {
    /// The HTTP contract of `docs/registers.md` at this URL.
    Http(String),
    /// A TOML file of facts, read at start-up.
    File(PathBuf),
    /// The built-in demo file (`demo/registers.toml`).
    Demo,
}

impl RegisterSource {
    /// Reads `KIND=LOCATION`: a kind (`business_licence`, `accommodation`) and an `http://`
    /// URL, `file:PATH`, or `demo`.
    pub fn parse(s: &str) -> Result<RegisterSource, String> {
        let (kind, location) = s
            .split_once('=')
            .ok_or_else(|| format!("register {s:?}: expected KIND=URL or KIND=file:PATH"))?;
        let kind = RegisterKind::from_code(kind.trim()).ok_or_else(|| {
            format!("register kind {kind:?}: expected business_licence or accommodation")
        })?;
        let location = location.trim();
        let location = if let Some(path) = location.strip_prefix("file:") {
            RegisterLocation::File(PathBuf::from(path))
        } else if location == "demo" {
            RegisterLocation::Demo
        } else if location.starts_with("http://") {
            RegisterLocation::Http(location.to_string())
        } else {
            // This build has no TLS client: a register outside the trusted network is reached
            // through a local TLS proxy.
            return Err(format!(
                "register location {location:?}: expected http://…, file:PATH or demo"
            ));
        };
        Ok(RegisterSource { kind, location })
    }

    /// The demo's registers: the built-in file for every kind of fact.
    pub fn demo() -> Vec<RegisterSource> {
        RegisterKind::ALL
            .into_iter()
            .map(|kind| RegisterSource {
                kind,
                location: RegisterLocation::Demo,
            })
            .collect()
    }
}

impl fmt::Debug for RegisterLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A URL may carry credentials: shown redacted.
        match self {
            RegisterLocation::Http(url) => f.write_str(&redact_url(url)),
            RegisterLocation::File(p) => write!(f, "file:{}", p.display()),
            RegisterLocation::Demo => f.write_str("demo"),
        }
    }
}

impl fmt::Debug for RegisterSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}", self.kind.as_str(), self.location)
    }
}

/// The longest delay of a failed sign-in, in steps of `sign_in_delay_step`.
pub const SIGN_IN_DELAY_STEPS: u32 = 8;

/// The sealing key of the demo data and the tests. Demo only: never on a real deployment.
pub const DEMO_SEALING_KEY: &str =
    "d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0d3e0";

impl Config {
    /// Defaults for tests and the demo: loopback, an ephemeral port, the given database.
    pub fn for_url(database_url: impl Into<String>) -> Config {
        let database_url = database_url.into();
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_max_connections: 16,
            secure_cookies: false,
            session_ttl: Duration::from_secs(8 * 3600),
            sign_in_max_failures: 5,
            sign_in_lock: Duration::from_secs(15 * 60),
            sign_in_delay_step: Duration::from_millis(250),
            sign_in_per_minute: 20,
            trusted_proxies: 0,
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 10 * 1024 * 1024,
            // Tests and the demo get a directory of their own per database.
            files_dir: std::env::temp_dir().join(format!("onecard-files-{}", {
                use sha2::Digest;
                hex::encode(&sha2::Sha256::digest(database_url.as_bytes())[..8])
            })),
            database_url,
            shutdown_grace: Duration::from_secs(10),
            sealing_key: Some(SealingKey::parse(DEMO_SEALING_KEY).expect("64 hex digits")),
            public_url: "http://127.0.0.1:8080".to_string(),
            issuer: "CN-MOHRSS".to_string(),
            qr_lifetime: Duration::from_secs(60),
            // An offline verifier may go a working day without fetching; a cancellation reaches
            // online checks at once and fetched lists within this.
            status_list_ttl: Duration::from_secs(6 * 3600),
            smtp: None,
            delivery_poll: Some(Duration::from_secs(5)),
            delivery_timeout: Duration::from_secs(10),
            delivery_lease: Duration::from_secs(120),
            registers: Vec::new(),
            register_timeout: Duration::from_secs(2),
        }
    }
}

impl Config {
    /// Whether cookies carry `Secure`: when asked for, or when the service is reached over TLS.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies || self.public_url.starts_with("https://")
    }
}

/// The database URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("db_max_connections", &self.db_max_connections)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_ttl", &self.session_ttl)
            .field("sign_in_max_failures", &self.sign_in_max_failures)
            .field("sign_in_lock", &self.sign_in_lock)
            .field("sign_in_delay_step", &self.sign_in_delay_step)
            .field("sign_in_per_minute", &self.sign_in_per_minute)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("sealing_key", &self.sealing_key.as_ref().map(|_| "…"))
            .field("public_url", &self.public_url)
            .field("issuer", &self.issuer)
            .field("qr_lifetime", &self.qr_lifetime)
            .field("status_list_ttl", &self.status_list_ttl)
            .field("smtp", &self.smtp)
            .field("delivery_poll", &self.delivery_poll)
            .field("delivery_timeout", &self.delivery_timeout)
            .field("delivery_lease", &self.delivery_lease)
            .field("registers", &self.registers)
            .field("register_timeout", &self.register_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn smtp_urls() {
        let s = super::Smtp::parse("smtp://mail.example.com:2525", "onecard@example.com").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("mail.example.com", 2525));
        let s = super::Smtp::parse("smtp://127.0.0.1", "a@example.com").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 25));
        assert!(super::Smtp::parse("smtps://x:465", "a@example.com").is_err());
        assert!(super::Smtp::parse("smtp://x:port", "a@example.com").is_err());
        assert!(super::Smtp::parse("smtp://", "a@example.com").is_err());
        assert!(super::Smtp::parse("smtp://x", "not an address").is_err());
    }

    #[test]
    fn register_sources() {
        use super::{RegisterLocation, RegisterSource};
        let s = RegisterSource::parse("business_licence=http://amr.example/licences").unwrap();
        assert_eq!(
            s.location,
            RegisterLocation::Http("http://amr.example/licences".into())
        );
        let s = RegisterSource::parse("accommodation=file:demo/registers.toml").unwrap();
        assert_eq!(
            s.location,
            RegisterLocation::File("demo/registers.toml".into())
        );
        assert_eq!(format!("{s:?}"), "accommodation=file:demo/registers.toml");
        for bad in [
            "business_licence",
            "visa=demo",
            "accommodation=https://x",
            "accommodation=",
        ] {
            assert!(RegisterSource::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_never_show() {
        let mut c = super::Config::for_url("postgres://app:s3cret@db:5432/onecard");
        c.registers = vec![
            super::RegisterSource::parse("business_licence=http://u:s3cret@amr.example/x").unwrap(),
        ];
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains(super::DEMO_SEALING_KEY), "{shown}");
        assert!(!shown.contains("d3e0"), "{shown}");
        assert!(
            shown.contains("postgres://app:***@db:5432/onecard"),
            "{shown}"
        );
    }
}
