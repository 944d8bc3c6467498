//! `onecard verify`: checks a permit credential offline, against a cache of the issuer's signed
//! key set and status lists that `onecard verify fetch` downloads.
//!
//! The cache directory holds `root.hex` (the pinned root key, 64 hex digits), `keys.cose` (the key
//! set it signs) and `status/*.cwt` (status list tokens, filed by the URI each carries). Every
//! file is signed, so how it got there (this command, curl, a USB stick) does not matter.
//! `validators.json` keeps the ETag each file was served with: the next fetch revalidates
//! (`If-None-Match`), and a file that has not changed is not downloaded again.

use chrono::{DateTime, Utc};
use credential::keys::MAX_KEY_SET_BYTES;
use credential::outcome::Outcome;
use credential::status::{MAX_TOKEN_BYTES, StatusListError};
use credential::verify::Verdict;
use credential::{KeySet, StatusListToken, VerifyingKey};
use server::clock::{Clock, FixedClock};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const ROOT_FILE: &str = "root.hex";
const KEYS_FILE: &str = "keys.cose";
const STATUS_DIR: &str = "status";
const VALIDATORS_FILE: &str = "validators.json";
const KEYS_PATH: &str = "/.well-known/onecard/keys";
const LISTS_PATH: &str = "/.well-known/onecard/status-lists";
/// The index of status lists is a short JSON document.
const MAX_INDEX_BYTES: usize = 1024 * 1024;
/// More text than any QR holds; what is longer is read no further.
const MAX_TEXT_BYTES: u64 = 64 * 1024;

#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Exit status: 0 valid; 1 not valid (the first line says why); 2 not checked \
                  (usage, a missing or refused cache, an unreadable file, no code in the image)."
)]
pub struct VerifyArgs {
    #[command(subcommand)]
    command: Option<VerifyCommand>,
    /// QR text (OC1:…), a PNG or JPEG file (every code in it is checked), a notice's PDF file
    /// (its seal and its bytes are checked), or - for stdin.
    #[arg(value_name = "INPUT", required = true)]
    input: Option<String>,
    #[command(flatten)]
    cache: CacheArg,
    /// Check as at this time instead of now (RFC 3339, e.g. 2026-09-21T10:00:00+08:00).
    #[arg(long, value_name = "RFC3339", value_parser = parse_at)]
    at: Option<DateTime<Utc>>,
    /// Print one JSON object per code: {"outcome", "detail", "permit"}.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct CacheArg {
    /// The directory of the cached key set and status lists.
    #[arg(
        long = "cache",
        value_name = "DIR",
        env = "ONECARD_VERIFY_CACHE",
        default_value = "onecard-verify"
    )]
    dir: PathBuf,
}

#[derive(clap::Subcommand)]
enum VerifyCommand {
    /// Download the issuer's key set and status lists into the cache, checking their signatures.
    #[command(
        after_help = "Exit status: 0 fetched; 1 the server's files do not verify (nothing \
                            is stored); 2 they cannot be fetched or stored."
    )]
    Fetch {
        /// The service's base URL, http:// only (the files are signed; see the error for https).
        #[arg(long, value_name = "URL")]
        server: String,
        /// The root public key to pin, 64 hex digits (`onecard keys root` on the issuer's side).
        /// Without it, the one pinned in the cache.
        #[arg(long, value_name = "HEX")]
        root: Option<String>,
        #[command(flatten)]
        cache: CacheArg,
    },
}

fn parse_at(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time ({e}), e.g. 2026-09-21T10:00:00+08:00"))
}

/// Why a command stopped: a verdict against what the server sent (exit 1), or nothing checked
/// (exit 2).
struct Failure {
    exit: u8,
    message: String,
}

fn not_checked(message: impl Into<String>) -> Failure {
    Failure {
        exit: 2,
        message: message.into(),
    }
}

fn refused(message: impl Into<String>) -> Failure {
    Failure {
        exit: 1,
        message: message.into(),
    }
}

pub async fn run(args: VerifyArgs) -> ExitCode {
    let result = match (args.command, args.input) {
        (
            Some(VerifyCommand::Fetch {
                server,
                root,
                cache,
            }),
            _,
        ) => fetch(&server, root.as_deref(), &cache.dir).await,
        (None, Some(input)) => check(&input, &args.cache.dir, args.at, args.json),
        (None, None) => Err(not_checked(
            "nothing to verify: give QR text, an image or -",
        )),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("onecard: {}", f.message);
            ExitCode::from(f.exit)
        }
    }
}

// ---- checking ------------------------------------------------------------------------------

fn check(
    input: &str,
    dir: &Path,
    at: Option<DateTime<Utc>>,
    json: bool,
) -> Result<ExitCode, Failure> {
    let at = at.unwrap_or_else(Utc::now);
    let now = at.timestamp();
    // Permit validity runs on the authorities' calendar (China Standard Time), as on the server.
    let today = FixedClock::new(at).today();
    let keys = load_keys(dir, now)?;
    let texts = match texts_of(input)? {
        Input::Texts(texts) => texts,
        Input::Notice(file) => return Ok(check_notice(&file, &keys, now, json)),
    };
    let lists = load_lists(dir)?;
    let list_for = |uri: &str| newest_list(&lists, &keys, uri, now);
    let mut all_valid = true;
    let mut out = String::new();
    for (i, text) in texts.iter().enumerate() {
        let outcome = credential::check_offline(text, &keys, list_for, now, today);
        all_valid &= outcome.is_valid();
        if json {
            out.push_str(&report_json(&outcome).to_string());
            out.push('\n');
        } else {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&report(&outcome));
        }
    }
    say(&out);
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn load_keys(dir: &Path, now: i64) -> Result<KeySet, Failure> {
    let hint = format!(
        "run `onecard verify fetch --server URL --root HEX --cache {}` first",
        dir.display()
    );
    let root_path = dir.join(ROOT_FILE);
    let root = match fs::read_to_string(&root_path) {
        Ok(s) => {
            parse_root(&s).map_err(|e| not_checked(format!("{}: {e}", root_path.display())))?
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(not_checked(format!(
                "no verification cache in {} (no {ROOT_FILE}); {hint}",
                dir.display()
            )));
        }
        Err(e) => return Err(not_checked(format!("{}: {e}", root_path.display()))),
    };
    let keys_path = dir.join(KEYS_FILE);
    let bytes = read_bounded(&keys_path, MAX_KEY_SET_BYTES as u64 + 1)
        .map_err(|e| not_checked(format!("{}: {e}; {hint}", keys_path.display())))?;
    KeySet::verify(&bytes, &root, now).map_err(|e| {
        not_checked(format!(
            "the cached key set {} is refused: {}; {hint}",
            keys_path.display(),
            e.code()
        ))
    })
}

fn parse_root(s: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(s.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the root key must be 64 hexadecimal digits")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "not an Ed25519 public key".to_string())
}

/// Every status list token in the cache, filed by the URI it names. Nothing is trusted yet: each
/// is verified when a credential asks for its URI.
fn load_lists(dir: &Path) -> Result<HashMap<String, Vec<Vec<u8>>>, Failure> {
    let mut lists: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    let status = dir.join(STATUS_DIR);
    let entries = match fs::read_dir(&status) {
        Ok(e) => e,
        // No lists: every credential's standing is then unknown, which the verdict says.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(lists),
        Err(e) => return Err(not_checked(format!("{}: {e}", status.display()))),
    };
    for entry in entries {
        let path = entry
            .map_err(|e| not_checked(format!("{}: {e}", status.display())))?
            .path();
        // Dot files are the temporary files of a fetch that did not finish.
        if !path.is_file()
            || path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let bytes = read_bounded(&path, MAX_TOKEN_BYTES as u64 + 1)
            .map_err(|e| not_checked(format!("{}: {e}", path.display())))?;
        match StatusListToken::uri_unverified(&bytes) {
            Ok(uri) => lists.entry(uri).or_default().push(bytes),
            Err(e) => eprintln!(
                "onecard: ignoring {}: not a status list ({})",
                path.display(),
                e.code()
            ),
        }
    }
    Ok(lists)
}

/// The most recent of the cached lists for `uri` that verifies; otherwise why the first failed.
fn newest_list(
    lists: &HashMap<String, Vec<Vec<u8>>>,
    keys: &KeySet,
    uri: &str,
    now: i64,
) -> Result<StatusListToken, StatusListError> {
    let mut best: Option<StatusListToken> = None;
    let mut first_error = None;
    for bytes in lists.get(uri).into_iter().flatten() {
        match StatusListToken::verify(bytes, keys, uri, now) {
            Ok(t) if best.as_ref().is_none_or(|b| t.issued_at > b.issued_at) => best = Some(t),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    best.ok_or(first_error.unwrap_or(StatusListError::Missing))
}

fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    fs::File::open(path)?.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A notice's PDF file: its seal, and that the file is the one sealed. Prints as a seal's QR does,
/// or `INVALID: altered` / `INVALID: not_sealed`.
fn check_notice(file: &[u8], keys: &KeySet, now: i64, json: bool) -> ExitCode {
    use documents::notice::NoticeVerdict;
    let verdict = documents::notice::verify_notice(file, keys, now);
    let valid = verdict.is_ok();
    let out = match verdict {
        Ok(seal) => Outcome::Sealed {
            seal: Box::new(seal),
        },
        Err(NoticeVerdict::Refused(v)) => Outcome::Refused(v),
        Err(other) => {
            let code = other.code();
            say(&if json {
                format!(
                    "{}\n",
                    serde_json::json!({"outcome": code, "detail": null, "permit": null, "document": null})
                )
            } else {
                format!("INVALID: {code}\n")
            });
            return ExitCode::from(1);
        }
    };
    say(&if json {
        format!("{}\n", report_json(&out))
    } else {
        report(&out)
    });
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What was given to check.
enum Input {
    /// QR texts: given, or read from an image.
    Texts(Vec<String>),
    /// A notice's PDF file.
    Notice(Vec<u8>),
}

/// A notice is far smaller than this; a larger PDF is not one. The same bound as for images.
const MAX_NOTICE_BYTES: u64 = credential::scan::MAX_INPUT_BYTES as u64;

/// What to check: the argument itself, every code in an image file, a notice's PDF, or stdin
/// (text, an image or a PDF piped in).
fn texts_of(input: &str) -> Result<Input, Failure> {
    if input == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .take(MAX_NOTICE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| not_checked(format!("stdin: {e}")))?;
        if bytes.starts_with(b"%PDF-") {
            return Ok(Input::Notice(bytes));
        }
        return match String::from_utf8(bytes) {
            // Only the line ending goes: Base45 has a space among its characters.
            Ok(text) => Ok(Input::Texts(vec![
                text.strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&text)
                    .to_string(),
            ])),
            Err(e) => scan("stdin", &e.into_bytes()).map(Input::Texts),
        };
    }
    let path = Path::new(input);
    if path.is_file() {
        let bytes = read_bounded(path, MAX_NOTICE_BYTES + 1)
            .map_err(|e| not_checked(format!("{input}: {e}")))?;
        if bytes.starts_with(b"%PDF-") {
            return Ok(Input::Notice(bytes));
        }
        return scan(input, &bytes).map(Input::Texts);
    }
    let lower = input.to_ascii_lowercase();
    if [".png", ".jpg", ".jpeg", ".pdf"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Err(not_checked(format!("{input}: no such file")));
    }
    if input.len() as u64 > MAX_TEXT_BYTES {
        return Err(not_checked("the text is longer than any QR code holds"));
    }
    Ok(Input::Texts(vec![input.to_string()]))
}

fn scan(name: &str, bytes: &[u8]) -> Result<Vec<String>, Failure> {
    credential::texts_in_image(bytes)
        .map_err(|e| not_checked(format!("{name}: {e} ({})", e.code())))
}

/// The first line, `VALID` or `INVALID: code (detail)`, then what the credential discloses if
/// its signature held.
fn report(outcome: &Outcome) -> String {
    let mut out = if outcome.is_valid() {
        "VALID".to_string()
    } else {
        match why(outcome) {
            Some(why) => format!("INVALID: {} ({why})", outcome.code()),
            None => format!("INVALID: {}", outcome.code()),
        }
    };
    out.push('\n');
    if let Outcome::Sealed { seal } = outcome {
        out.push_str(&format!("{:<12} {}\n", "document", seal.number()));
        out.push_str(&format!("{:<12} {}\n", "kind", seal.kind()));
        if let Some(p) = &seal.permit_number {
            out.push_str(&format!("{:<12} {p}\n", "permit"));
        }
        out.push_str(&format!(
            "{:<12} {}\n",
            "sha-256",
            hex::encode(seal.content_hash)
        ));
    }
    if let Some(claims) = outcome.claims() {
        let p = &claims.permit;
        let mut line = |label: &str, value: &str| {
            out.push_str(&format!("{label:<12} {value}\n"));
        };
        line("holder", &p.holder_name.full());
        line("permit", p.number.as_str());
        line("category", p.category.as_str());
        line("employer", p.employer.as_str());
        line("valid", &format!("{} to {}", p.valid_from, p.valid_to));
        if let Some(d) = &p.details {
            line("nationality", d.nationality.as_str());
            line("position", d.position.as_str());
            line(
                "city",
                &format!("{} {}", d.city.code(), d.city.info().name_en),
            );
            line("medium", d.medium.as_str());
        }
    }
    if let Outcome::StatusUnavailable { .. } = outcome {
        out.push_str("the permit's standing is unknown: fetch fresh status lists\n");
    }
    out
}

/// The detail of a verdict, with the date or time where one is known.
fn why(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Cancelled { on: Some(d), .. } => Some(format!("on {d}")),
        Outcome::PermitExpired { on, .. } => Some(format!("valid to {on}")),
        Outcome::Refused(Verdict::Expired { at }) => DateTime::from_timestamp(*at, 0)
            .map(|t| format!("expired {}", t.format("%Y-%m-%dT%H:%M:%SZ"))),
        Outcome::Refused(Verdict::UnknownKey { kid }) => Some(format!("key id {kid}")),
        _ => outcome.detail().map(str::to_string),
    }
}

fn report_json(outcome: &Outcome) -> serde_json::Value {
    let permit = outcome.claims().map(|claims| {
        let p = &claims.permit;
        let mut m = serde_json::json!({
            "number": p.number.as_str(),
            "holder": {
                "surname": p.holder_name.surname.as_str(),
                "given_names": p.holder_name.given_names.as_ref().map(|g| g.as_str()),
            },
            "category": p.category.as_str(),
            "employer": p.employer.as_str(),
            "valid_from": p.valid_from.to_string(),
            "valid_to": p.valid_to.to_string(),
            "profile": p.profile().code(),
        });
        if let (Some(d), Some(obj)) = (&p.details, m.as_object_mut()) {
            obj.insert("nationality".into(), d.nationality.as_str().into());
            obj.insert("position".into(), d.position.as_str().into());
            obj.insert("city".into(), d.city.code().into());
            obj.insert("medium".into(), d.medium.as_str().into());
        }
        m
    });
    let document = match outcome {
        Outcome::Sealed { seal } => Some(serde_json::json!({
            "number": seal.number(),
            "kind": seal.kind(),
            "permit_number": seal.permit_number.as_ref().map(|p| p.as_str()),
            "content_hash": hex::encode(seal.content_hash),
        })),
        _ => None,
    };
    serde_json::json!({
        "outcome": outcome.code(),
        "detail": outcome.detail(),
        "permit": permit,
        "document": document,
    })
}

// ---- fetching ------------------------------------------------------------------------------

async fn fetch(server: &str, root: Option<&str>, dir: &Path) -> Result<ExitCode, Failure> {
    let root = match root {
        Some(hex) => parse_root(hex).map_err(|e| not_checked(format!("--root: {e}")))?,
        None => {
            let path = dir.join(ROOT_FILE);
            let s = fs::read_to_string(&path).map_err(|e| {
                not_checked(format!(
                    "no root key pinned ({}: {e}): give --root HEX",
                    path.display()
                ))
            })?;
            parse_root(&s).map_err(|e| not_checked(format!("{}: {e}", path.display())))?
        }
    };
    let base = server.trim_end_matches('/');
    if base.starts_with("https://") {
        return Err(not_checked(format!(
            "this build fetches over plain http:// only. The files are signed, so how they travel \
             does not matter: download them with curl, and `onecard verify` checks their \
             signatures when it uses them:\n  \
             mkdir -p {d}/{STATUS_DIR} && echo {root} > {d}/{ROOT_FILE}\n  \
             curl -fsS -o {d}/{KEYS_FILE} {base}{KEYS_PATH}\n  \
             curl -fsS {base}{LISTS_PATH}\n  \
             curl -fsS -o {d}/{STATUS_DIR}/N.cwt {base}<href>   (each list's href, N = 0, 1, ...)",
            d = dir.display(),
            root = hex::encode(root.as_bytes()),
        )));
    }
    if !base.starts_with("http://") {
        return Err(not_checked(format!(
            "--server must be an http:// URL, not {server}"
        )));
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| not_checked(format!("HTTP client: {e}")))?;
    let now = Utc::now().timestamp();
    let cached = Validators::load(dir);
    let mut validators = Validators::default();
    let mut unchanged = 0;

    let keys_url = format!("{base}{KEYS_PATH}");
    let (key_bytes, same) = cached
        .get(
            &client,
            &keys_url,
            MAX_KEY_SET_BYTES,
            dir,
            KEYS_FILE,
            &mut validators,
        )
        .await?;
    unchanged += usize::from(same);
    let keys = KeySet::verify(&key_bytes, &root, now).map_err(|e| {
        refused(format!(
            "the key set from {keys_url} is refused: {} (signed by another root than the one \
             pinned, tampered with, or out of date)",
            e.code()
        ))
    })?;

    let index_url = format!("{base}{LISTS_PATH}");
    let index = get(&client, &index_url, MAX_INDEX_BYTES).await?;
    let lists = parse_index(&index).map_err(|e| not_checked(format!("{index_url}: {e}")))?;
    let mut tokens = Vec::with_capacity(lists.len());
    // Each list is filed under its place in the index; what the cache held under a name is
    // reused only where the validators say that file came from this URL.
    for (i, (uri, href)) in lists.iter().enumerate() {
        let url = format!("{base}{href}");
        let file = format!("{STATUS_DIR}/{i}.cwt");
        let (bytes, same) = cached
            .get(&client, &url, MAX_TOKEN_BYTES, dir, &file, &mut validators)
            .await?;
        unchanged += usize::from(same);
        StatusListToken::verify(&bytes, &keys, uri, now).map_err(|e| {
            refused(format!(
                "the status list {uri} from {url} is refused: {}",
                e.code()
            ))
        })?;
        tokens.push(bytes);
    }

    // Everything verified: only now is the cache replaced, each file whole or not at all.
    let status = dir.join(STATUS_DIR);
    let io_err = |p: &Path, e: io::Error| not_checked(format!("{}: {e}", p.display()));
    fs::create_dir_all(&status).map_err(|e| io_err(&status, e))?;
    write_atomic(
        &dir.join(ROOT_FILE),
        format!("{}\n", hex::encode(root.as_bytes())).as_bytes(),
    )
    .map_err(|e| io_err(&dir.join(ROOT_FILE), e))?;
    write_atomic(&dir.join(KEYS_FILE), &key_bytes).map_err(|e| io_err(&dir.join(KEYS_FILE), e))?;
    let mut written = Vec::with_capacity(tokens.len());
    for (i, bytes) in tokens.iter().enumerate() {
        let name = format!("{i}.cwt");
        let path = status.join(&name);
        write_atomic(&path, bytes).map_err(|e| io_err(&path, e))?;
        written.push(name);
    }
    let path = dir.join(VALIDATORS_FILE);
    write_atomic(&path, &validators.to_json()).map_err(|e| io_err(&path, e))?;
    // Lists the server no longer publishes would otherwise linger, and be used.
    let entries = fs::read_dir(&status).map_err(|e| io_err(&status, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".cwt") && !written.contains(&name) {
            fs::remove_file(entry.path()).map_err(|e| io_err(&entry.path(), e))?;
        }
    }
    let valid_to = DateTime::from_timestamp(keys.expires_at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    say(&format!(
        "fetched the key set of {} ({} keys, valid to {valid_to}) and {} status lists into {} \
         ({unchanged} of {} files unchanged since the last fetch)\n",
        keys.issuer,
        keys.entries.len(),
        tokens.len(),
        dir.display(),
        tokens.len() + 1,
    ));
    Ok(ExitCode::SUCCESS)
}

/// `{"lists": [{"uri": ..., "href": "/..."}, ...]}`: each list's URI (as credentials name it)
/// and the path on this server to download it from.
fn parse_index(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("not the JSON index of status lists: {e}"))?;
    let lists = v
        .get("lists")
        .and_then(|l| l.as_array())
        .ok_or("the index has no \"lists\" array")?;
    lists
        .iter()
        .map(|l| {
            let field = |k: &str| l.get(k).and_then(|s| s.as_str());
            match (field("uri"), field("href")) {
                (Some(uri), Some(href)) if href.starts_with('/') => {
                    Ok((uri.to_string(), href.to_string()))
                }
                (Some(_), Some(href)) => Err(format!("href {href:?} is not a path on the server")),
                _ => Err("each list needs a \"uri\" and an \"href\"".to_string()),
            }
        })
        .collect()
}

/// The ETag each cached file was served with, by URL: the file it is stored in, and the
/// SHA-256 of its bytes then, so that a file changed since (damaged, or edited) is downloaded
/// whole again rather than revalidated.
#[derive(Default)]
struct Validators(std::collections::BTreeMap<String, Validator>);

struct Validator {
    etag: String,
    file: String,
    sha256: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

impl Validators {
    /// What the cache's `validators.json` holds; nothing if it is missing or unreadable (every
    /// file is then downloaded whole).
    fn load(dir: &Path) -> Validators {
        let Ok(bytes) = read_bounded(&dir.join(VALIDATORS_FILE), MAX_INDEX_BYTES as u64) else {
            return Validators::default();
        };
        let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&bytes) else {
            return Validators::default();
        };
        Validators(
            m.into_iter()
                .filter_map(|(url, v)| {
                    let field = |k: &str| Some(v.get(k)?.as_str()?.to_string());
                    let (etag, file, sha256) = (field("etag")?, field("file")?, field("sha256")?);
                    Some((url, Validator { etag, file, sha256 }))
                })
                .collect(),
        )
    }

    fn to_json(&self) -> Vec<u8> {
        let m: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(url, v)| {
                let v = serde_json::json!({ "etag": v.etag, "file": v.file, "sha256": v.sha256 });
                (url.clone(), v)
            })
            .collect();
        serde_json::to_vec_pretty(&m).unwrap_or_default()
    }

    /// `url`'s bytes, to be stored as `file`: revalidated with the ETag the cache holds for it
    /// when `file` is where it was stored and still holds what was stored, so that a 304 reuses
    /// the cached bytes (they are checked again like downloaded ones). Records the answer's
    /// ETag in `next`; whether the cached bytes were reused.
    async fn get(
        &self,
        client: &reqwest::Client,
        url: &str,
        max: usize,
        dir: &Path,
        file: &str,
        next: &mut Validators,
    ) -> Result<(Vec<u8>, bool), Failure> {
        let held = self.0.get(url).filter(|v| v.file == file).and_then(|v| {
            let bytes = read_bounded(&dir.join(file), max as u64).ok()?;
            (sha256_hex(&bytes) == v.sha256).then_some((v.etag.as_str(), bytes))
        });
        let got = get_if(client, url, max, held).await?;
        if let Some(etag) = got.etag {
            let (file, sha256) = (file.to_string(), sha256_hex(&got.bytes));
            next.0
                .insert(url.to_string(), Validator { etag, file, sha256 });
        }
        Ok((got.bytes, got.reused))
    }
}

async fn get(client: &reqwest::Client, url: &str, max: usize) -> Result<Vec<u8>, Failure> {
    Ok(get_if(client, url, max, None).await?.bytes)
}

/// What a GET brought: the body, or on 304 the bytes held; and the answer's ETag.
struct Fetched {
    bytes: Vec<u8>,
    /// Whether `bytes` are the ones held (304 Not Modified).
    reused: bool,
    etag: Option<String>,
}

/// A GET, conditional on `held` (an ETag and the bytes it was served with) if given.
async fn get_if(
    client: &reqwest::Client,
    url: &str,
    max: usize,
    held: Option<(&str, Vec<u8>)>,
) -> Result<Fetched, Failure> {
    let failed = |e: reqwest::Error| {
        // reqwest's own message is terse ("error sending request"); the cause says why.
        let mut msg = format!("{url}: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg.push_str(&format!(": {s}"));
            source = s.source();
        }
        not_checked(msg)
    };
    let mut request = client.get(url);
    if let Some((etag, _)) = &held {
        request = request.header(reqwest::header::IF_NONE_MATCH, *etag);
    }
    let mut resp = request.send().await.map_err(failed)?;
    if resp.status() == reqwest::StatusCode::NOT_MODIFIED {
        let Some((etag, bytes)) = held else {
            return Err(not_checked(format!(
                "{url}: 304 to an unconditional request"
            )));
        };
        let etag = Some(etag.to_string());
        return Ok(Fetched {
            bytes,
            reused: true,
            etag,
        });
    }
    let etag = resp
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if !resp.status().is_success() {
        return Err(not_checked(format!("{url}: HTTP {}", resp.status())));
    }
    let too_large = || not_checked(format!("{url}: the answer is larger than {max} bytes"));
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        bytes: body,
        reused: false,
        etag,
    })
}

/// Prints to stdout without print!'s panic when the reader has gone (`onecard verify x | head -1`);
/// the exit status still tells the verdict.
fn say(text: &str) {
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// Written under a temporary name and renamed, so a reader sees the old file or the new one,
/// never half of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, path)
}
