//! What the load generators share: the loopback-only check of the target URL, percentiles,
//! `--tag` parsing, and the CPU time of processes read from `/proc`.

use reqwest::Url;
use std::net::IpAddr;

/// The base URL, if it is plain HTTP to a loopback host with no path beyond `/`.
pub fn loopback_base(url: &str) -> Result<Url, String> {
    let u = Url::parse(url).map_err(|e| format!("invalid --url {url:?}: {e}"))?;
    if u.scheme() != "http" {
        return Err(format!("--url must be http://, got {}", u.scheme()));
    }
    let host = u.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(format!(
            "refusing to load {host:?}: only loopback addresses (127.0.0.0/8, ::1, localhost)"
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("--url must not carry credentials".into());
    }
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return Err(format!(
            "--url must be a base URL such as http://127.0.0.1:8080, got {url:?}"
        ));
    }
    Ok(u)
}

pub fn parse_tag(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {s:?}"))
}

/// The `p`-th percentile (nearest rank) of sorted values in microseconds, in milliseconds.
pub fn percentile_ms(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted.len()) - 1;
    f64::from(sorted[i]) / 1000.0
}

/// The latencies of the expected answers, in microseconds, summarised in milliseconds.
pub struct Latencies {
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latencies {
    pub fn of(mut us: Vec<u32>) -> Latencies {
        us.sort_unstable();
        let mean = if us.is_empty() {
            0.0
        } else {
            us.iter().map(|&u| u64::from(u)).sum::<u64>() as f64 / us.len() as f64 / 1000.0
        };
        Latencies {
            count: us.len() as u64,
            mean,
            p50: percentile_ms(&us, 50.0),
            p90: percentile_ms(&us, 90.0),
            p99: percentile_ms(&us, 99.0),
            max: percentile_ms(&us, 100.0),
        }
    }
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ): 100 on Linux.
const USER_HZ: f64 = 100.0;

/// User + system CPU seconds a process has used so far, from `/proc/<pid>/stat` ("self" for
/// this one); `None` if it is gone or this is not Linux.
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields start after the last ")".
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 0, utime field 11, stime field 12.
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / USER_HZ)
}

/// CPU seconds the whole machine has spent busy so far (every core: user, nice, system, irq,
/// softirq and steal time from `/proc/stat`); `None` if that cannot be read.
pub fn machine_busy_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let f: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let busy = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| f.get(i))
        .sum::<f64>();
    Some(busy / USER_HZ)
}

/// Bytes a process has caused to be written to storage so far (`write_bytes` of
/// `/proc/<pid>/io`); `None` if it is gone or may not be read.
pub fn storage_write_bytes(pid: &str) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("write_bytes:"))
        .and_then(|v| v.trim().parse().ok())
}

/// The processes whose command line starts with `postgres: ` and names `database`: the
/// backends PostgreSQL runs for that database's clients (read only: nothing is signalled).
pub fn postgres_backends(database: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let c = String::from_utf8_lossy(&c);
                c.starts_with("postgres: ") && c.split_whitespace().any(|w| w == database)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.0.0.2:1/",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(loopback_base(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1:8080",
            "http://example.com",
            "https://127.0.0.1:8080",
            "http://0.0.0.0:8080",
            "http://127.0.0.1:8080/api",
            "http://user:pw@127.0.0.1:8080",
            "http://localhost.example.com",
            "not a url",
        ] {
            assert!(loopback_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile_ms(&v, 50.0), 50.0);
        assert_eq!(percentile_ms(&v, 99.0), 99.0);
        assert_eq!(percentile_ms(&v, 100.0), 100.0);
        assert_eq!(percentile_ms(&[7000], 50.0), 7.0);
        assert_eq!(percentile_ms(&[], 50.0), 0.0);
    }

    #[test]
    fn tags() {
        assert_eq!(parse_tag("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert!(parse_tag("=x").is_err());
        assert!(parse_tag("x").is_err());
    }

    #[test]
    fn own_cpu_time() {
        if cfg!(target_os = "linux") {
            assert!(cpu_seconds("self").is_some_and(|s| s >= 0.0));
            assert!(cpu_seconds("0").is_none());
            assert!(machine_busy_seconds().is_some_and(|s| s > 0.0));
        }
    }
}
