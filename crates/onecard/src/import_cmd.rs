//! `onecard import FILE`: moves the holders of pre-reform physical cards ("no change, no
//! replacement") into the database from a CSV file, each card a permit on `Medium::PhysicalCard`.
//!
//! One thread reads and checks the file while the async side writes batches, each in one
//! transaction with its audit record and the file's checkpoint, so that an import cut off at
//! any point and run again starts after the last committed batch and writes nothing twice.
//! Permit numbers already in the database are counted as present and not written again either,
//! whatever file they come from.

mod csv;
mod row;

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::FieldError;
use domain::audit::AuditRecord;
use domain::ids::{EmployerId, PermitId, PersonId};
use domain::party::{Employer, Person, Uscc};
use domain::permit::{Medium, Permit, PermitStatus};
use row::{Columns, LegacyCard};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use store::{ImportCheckpoint, Store, StoreError};
use uuid::Uuid;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The CSV file of physical cards (see "Importing physical cards" in README.md).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the refused rows here instead of to stderr.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Rows per transaction.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    batch_size: u64,
    /// Check the file and report its bad rows; write nothing.
    #[arg(long)]
    check: bool,
    /// Tests: stop after this many committed batches, as an interruption would.
    #[arg(long, hide = true)]
    stop_after_batches: Option<u64>,
}

/// What stops an import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: not a file of physical cards:\n  {1}")]
    Header(String, String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", crate::NO_DATA_KEY)]
    NoDataKey,
}

/// Exit statuses: every row imported (or present already), some refused, nothing done.
const ALL_DONE: u8 = 0;
const SOME_REFUSED: u8 = 1;
const NOTHING_DONE: u8 = 2;

/// `data_key` is needed unless the file is only checked.
pub async fn run(
    database_url: &str,
    data_key: Option<store::DataKey>,
    args: ImportArgs,
) -> ExitCode {
    match import(database_url, data_key, &args).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("onecard import: {e}");
            ExitCode::from(NOTHING_DONE)
        }
    }
}

/// Rows of the file read and checked, handed from the reading thread to the writer.
struct Batch {
    /// Cards after the checkpoint, with their lines.
    cards: Vec<(u64, LegacyCard)>,
    /// Refused rows after the checkpoint: line and what is wrong, one entry per error.
    refused: Vec<(u64, String)>,
    /// Rows refused (a row may have several errors).
    refused_rows: u64,
    /// The line of the last record read; the checkpoint moves there once the batch is written.
    last_line: u64,
    /// Records read so far, all of them.
    records: u64,
}

async fn import(
    database_url: &str,
    data_key: Option<store::DataKey>,
    args: &ImportArgs,
) -> Result<u8, ImportError> {
    let path = &args.file;
    let io = |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    };
    let (sha256, total) = survey(path).map_err(io)?;
    let mut reader = csv::Reader::new(BufReader::with_capacity(
        1 << 20,
        File::open(path).map_err(io)?,
    ));
    let mut header = csv::Record::default();
    let columns = match reader.read(&mut header).map_err(io)? {
        Ok(true) => Columns::from_header(&header)
            .map_err(|e| ImportError::Header(path.display().to_string(), e.join("\n  ")))?,
        Ok(false) => {
            return Err(ImportError::Header(
                path.display().to_string(),
                "the file is empty: a header row is needed".into(),
            ));
        }
        Err(m) => {
            return Err(ImportError::Header(
                path.display().to_string(),
                format!("line {}: {}", m.line, m.message),
            ));
        }
    };
    let mut report = Report::open(args.report.as_deref())?;
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let now = Utc::now();
    let today = server::clock::china_date(now);

    // One connection: the bulk-load settings are the connection's.
    let store = match (args.check, data_key) {
        (true, _) => None,
        (false, Some(key)) => {
            Some(store::open(database_url, &store::OpenOptions::new(key).connections(1)).await?)
        }
        (false, None) => return Err(ImportError::NoDataKey),
    };
    let checkpoint = match &store {
        Some(s) => {
            let mut tx = s.begin().await?;
            tx.prepare_bulk_load().await?;
            let c = tx.import_checkpoint(&sha256).await?;
            tx.commit().await?;
            c
        }
        None => None,
    };
    let earlier = checkpoint.clone().unwrap_or(ImportCheckpoint {
        sha256: sha256.clone(),
        file_name: file_name.clone(),
        last_line: 1,
        imported: 0,
        present: 0,
        refused: 0,
        started_at: now,
        updated_at: now,
        finished_at: None,
    });
    if let Some(c) = &checkpoint {
        let next = match c.finished_at {
            Some(at) => format!(
                "finished on {}: nothing left to do",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
            None => format!("going on after line {}", c.last_line),
        };
        eprintln!(
            "{file_name}: imported before ({} imported, {} present already, {} refused); {next}",
            c.imported, c.present, c.refused
        );
    }

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Batch, std::io::Error>>(2);
    let batch_size = args.batch_size;
    let skip_until = earlier.last_line;
    let reading = std::thread::spawn(move || {
        read_file(reader, &columns, today, batch_size, skip_until, &tx);
    });

    let mut progress = Progress::new(total);
    let mut writer = store.as_ref().map(|s| Writer {
        store: &**s,
        checkpoint: earlier.clone(),
        employers: HashMap::new(),
        now,
        today,
        file_path: path.display().to_string(),
        batches: 0,
    });
    let mut run = Counts::default();
    let mut batches = 0;
    let mut stopped = None;
    while let Some(batch) = rx.recv().await {
        let batch = batch.map_err(io)?;
        let records = batch.records;
        let mut refused = batch.refused;
        if let Some(w) = &mut writer {
            if batch.last_line > w.checkpoint.last_line {
                let outcome = w
                    .write(&batch.cards, batch.last_line, batch.refused_rows)
                    .await;
                let (counts, more) = match outcome {
                    Ok(o) => o,
                    Err(e) => {
                        progress.clear();
                        report.flush_refused(&mut refused, &mut progress)?;
                        stopped = Some(format!("{e}"));
                        break;
                    }
                };
                run.add(&counts);
                refused.extend(more);
                batches += 1;
            }
        } else {
            run.imported += batch.cards.len() as u64;
            run.refused += batch.refused_rows;
        }
        report.flush_refused(&mut refused, &mut progress)?;
        progress.show(records, false);
        if args.stop_after_batches.is_some_and(|k| batches >= k) {
            stopped = Some(format!("stopped after {batches} batches (test flag)"));
            break;
        }
    }
    drop(rx);
    // The reader stops at its next send once the receiver is gone.
    let _ = reading.join();
    if stopped.is_none()
        && let Some(w) = &mut writer
        && w.checkpoint.finished_at.is_none()
        && let Err(e) = w.finish().await
    {
        stopped = Some(e.to_string());
    }
    progress.finish();
    report.close()?;
    if let Some(s) = &store {
        s.close().await;
    }

    let refused_note = match &args.report {
        Some(p) if run.refused > 0 => format!(" (listed in {})", p.display()),
        _ => String::new(),
    };
    if let Some(why) = stopped {
        let at = writer.as_ref().map_or(0, |w| w.checkpoint.last_line);
        println!(
            "{file_name}: import stopped at line {at}: {why}\n\
             this run: {} imported, {} present already, {} refused{refused_note}\n\
             run the same command again to go on from there",
            run.imported, run.present, run.refused
        );
        return Ok(NOTHING_DONE);
    }
    let (done, refused) = match &writer {
        Some(w) => {
            let c = &w.checkpoint;
            println!(
                "{file_name}: {} imported ({} employers and {} people new), {} present already, \
                 {} refused{refused_note}",
                run.imported, run.employers, run.people, run.present, run.refused
            );
            if checkpoint.is_some() {
                println!(
                    "all runs of this file: {} imported, {} present already, {} refused",
                    c.imported, c.present, c.refused
                );
            }
            (c.imported + c.present, c.refused)
        }
        None => {
            println!(
                "{file_name}: {} rows valid, {} refused{refused_note}; nothing written (--check)",
                run.imported, run.refused
            );
            (run.imported, run.refused)
        }
    };
    Ok(match (done, refused) {
        (_, 0) => ALL_DONE,
        (0, _) => NOTHING_DONE,
        _ => SOME_REFUSED,
    })
}

/// The file's SHA-256 (which names it in the checkpoint table) and roughly how many records it
/// holds (for the progress line), in one pass.
fn survey(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let (mut lines, mut quoted, mut last) = (0u64, false, b'\n');
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        for &b in &buf[..n] {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => lines += 1,
                _ => {}
            }
        }
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Ok((hex::encode(hash.finalize()), lines.saturating_sub(1)))
}

/// The reading thread: checks every record, finds repeats within the file, and sends batches.
/// Records up to `skip_until` were dealt with by an earlier run: they are read (a repeat of one
/// of them is still a repeat) but neither sent nor reported again.
fn read_file<R: BufRead>(
    mut reader: csv::Reader<R>,
    columns: &Columns,
    today: NaiveDate,
    batch_size: u64,
    skip_until: u64,
    out: &tokio::sync::mpsc::Sender<Result<Batch, std::io::Error>>,
) {
    let new_batch = || Batch {
        cards: Vec::with_capacity(batch_size as usize),
        refused: Vec::new(),
        refused_rows: 0,
        last_line: 0,
        records: 0,
    };
    let mut batch = new_batch();
    let mut in_batch = 0;
    let mut records = 0;
    let mut permits: HashMap<u64, u64> = HashMap::new();
    let mut passports: HashMap<u128, u64> = HashMap::new();
    let mut rec = csv::Record::default();
    loop {
        let read = match reader.read(&mut rec) {
            Ok(r) => r,
            Err(e) => {
                let _ = out.blocking_send(Err(e));
                return;
            }
        };
        let (line, result) = match read {
            Ok(false) => break,
            Ok(true) => (rec.line, LegacyCard::parse(columns, &rec, today)),
            Err(m) => (m.line, Err(vec![FieldError::new("record", m.message)])),
        };
        let result = result.and_then(|card| {
            let mut errors = Vec::new();
            if let Some(first) = permits.get(&card.permit_key()) {
                errors
                    .push(FieldError::new("permit_number", "duplicate").with("first_line", first));
            }
            if let Some(first) = passports.get(&card.passport_key()) {
                errors.push(
                    FieldError::new("passport_number", "duplicate").with("first_line", first),
                );
            }
            if errors.is_empty() {
                permits.insert(card.permit_key(), line);
                passports.insert(card.passport_key(), line);
                Ok(card)
            } else {
                Err(errors)
            }
        });
        records += 1;
        in_batch += 1;
        batch.last_line = line;
        if line > skip_until {
            match result {
                Ok(card) => batch.cards.push((line, card)),
                Err(errors) => {
                    batch.refused_rows += 1;
                    batch
                        .refused
                        .extend(errors.into_iter().map(|e| (line, e.to_string())));
                }
            }
        }
        if in_batch == batch_size {
            batch.records = records;
            if out
                .blocking_send(Ok(std::mem::replace(&mut batch, new_batch())))
                .is_err()
            {
                return;
            }
            in_batch = 0;
        }
    }
    if in_batch > 0 {
        batch.records = records;
        let _ = out.blocking_send(Ok(batch));
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    imported: u64,
    present: u64,
    refused: u64,
    employers: u64,
    people: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.imported += o.imported;
        self.present += o.present;
        self.refused += o.refused;
        self.employers += o.employers;
        self.people += o.people;
    }
}

struct Writer<'s> {
    store: &'s dyn Store,
    /// As committed.
    checkpoint: ImportCheckpoint,
    /// Employers met so far, by code, created or found.
    employers: HashMap<Uscc, EmployerId>,
    now: DateTime<Utc>,
    today: NaiveDate,
    file_path: String,
    /// Batches committed in this run.
    batches: u64,
}

impl Writer<'_> {
    /// Writes one batch in one transaction: its employers, people and permits, the checkpoint
    /// moved to `last_line`, and one audit record. Returns what it did, and the rows the
    /// database refused (line and reason).
    async fn write(
        &mut self,
        cards: &[(u64, LegacyCard)],
        last_line: u64,
        refused_before: u64,
    ) -> Result<(Counts, Vec<(u64, String)>), StoreError> {
        let mut counts = Counts {
            refused: refused_before,
            ..Counts::default()
        };
        let mut refused = Vec::new();
        let mut tx = self.store.begin().await?;
        // Statistics as the tables double, so that look-ups keep using the indexes.
        if self.batches.is_power_of_two() {
            tx.refresh_statistics().await?;
        }

        // Permit numbers in the database already: the same holder's are done, another's refused.
        let numbers: Vec<_> = cards.iter().map(|(_, c)| c.permit_number.clone()).collect();
        let mut holders: HashMap<_, Vec<_>> = HashMap::new();
        for (n, nat, pass) in tx.permit_passports(&numbers).await? {
            holders.entry(n).or_default().push((nat, pass));
        }
        let mut todo = Vec::with_capacity(cards.len());
        for (line, c) in cards {
            match holders.get(&c.permit_number) {
                None => todo.push((*line, c)),
                Some(h) if h.contains(&(c.nationality, c.passport_number.clone())) => {
                    counts.present += 1
                }
                Some(_) => {
                    counts.refused += 1;
                    refused.push((*line, "permit_number: held_by_another_passport".into()));
                }
            }
        }

        // Employers: found by code, or made from the first row that names them.
        let unknown: Vec<Uscc> = todo
            .iter()
            .map(|(_, c)| c.employer_uscc.clone())
            .filter(|u| !self.employers.contains_key(u))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut made_employers = Vec::new();
        if !unknown.is_empty() {
            for e in tx.employers_by_uscc(&unknown).await? {
                self.employers.insert(e.uscc, e.id);
            }
            for (_, c) in &todo {
                if !self.employers.contains_key(&c.employer_uscc) {
                    let e = Employer {
                        id: EmployerId(Uuid::now_v7()),
                        name: c.employer_name.clone(),
                        uscc: c.employer_uscc.clone(),
                        city: c.city,
                        kind: c.employer_kind,
                    };
                    self.employers.insert(e.uscc.clone(), e.id);
                    made_employers.push(e);
                }
            }
            tx.insert_employers(&made_employers, self.now).await?;
        }

        // People: one per passport. One already on another employer's roster is not moved.
        let passports: Vec<_> = todo
            .iter()
            .map(|(_, c)| (c.nationality, c.passport_number.clone()))
            .collect();
        let known: HashMap<_, _> = tx
            .people_by_passport(&passports)
            .await?
            .into_iter()
            .map(|p| ((p.nationality, p.passport_number), (p.id, p.employer_id)))
            .collect();
        let mut people = Vec::new();
        let mut permits = Vec::with_capacity(todo.len());
        let mut serials: HashMap<String, u64> = HashMap::new();
        for (line, c) in todo {
            let employer_id = self.employers[&c.employer_uscc];
            let holder_id = match known.get(&(c.nationality, c.passport_number.clone())) {
                Some((id, on)) if *on == employer_id => *id,
                Some(_) => {
                    counts.refused += 1;
                    refused.push((line, "passport_number: person_of_another_employer".into()));
                    continue;
                }
                None => {
                    let p = Person {
                        id: PersonId(Uuid::now_v7()),
                        employer_id,
                        name: c.name.clone(),
                        nationality: c.nationality,
                        passport_number: c.passport_number.clone(),
                        date_of_birth: c.date_of_birth,
                        sex: c.sex,
                        email: c.email.clone(),
                        phone: None,
                    };
                    let id = p.id;
                    people.push(p);
                    id
                }
            };
            // A card past its last day is imported as expired, so that a check says so.
            let lapsed = c.valid_to < self.today;
            permits.push(Permit {
                id: PermitId(Uuid::now_v7()),
                number: c.permit_number.clone(),
                revision: 1,
                holder_id,
                employer_id,
                holder_name: c.name.clone(),
                nationality: c.nationality,
                passport_number: c.passport_number.clone(),
                category: c.category,
                position: c.position.clone(),
                city: c.city,
                valid_from: c.valid_from,
                valid_to: c.valid_to,
                status: if lapsed {
                    PermitStatus::Expired
                } else {
                    PermitStatus::Valid
                },
                status_changed_on: lapsed.then(|| c.valid_to + Days::new(1)),
                medium: Medium::PhysicalCard,
                application_id: None,
            });
            let (counter, serial) = c.serial_counter();
            let top = serials.entry(counter).or_default();
            *top = (*top).max(serial);
        }
        tx.insert_people(&people, self.now).await?;
        tx.insert_permits(&permits, self.now).await?;
        // Serials given out later in a city and year must pass the imported ones.
        for (counter, serial) in &serials {
            tx.raise_counter(counter, *serial).await?;
        }
        counts.imported = permits.len() as u64;
        counts.employers = made_employers.len() as u64;
        counts.people = people.len() as u64;

        let first_line = self.checkpoint.last_line + 1;
        let mut next = self.checkpoint.clone();
        next.last_line = last_line;
        next.imported += counts.imported;
        next.present += counts.present;
        next.refused += counts.refused;
        next.updated_at = Utc::now();
        tx.save_import_checkpoint(&next).await?;
        tx.audit(AuditRecord::new(
            Utc::now(),
            None,
            "permits.imported",
            "import",
            &next.sha256,
            serde_json::json!({
                "file": self.file_path,
                "sha256": next.sha256,
                "lines": [first_line, last_line],
                "imported": counts.imported,
                "present": counts.present,
                "refused": counts.refused,
                "employers_created": counts.employers,
                "people_created": counts.people,
            }),
        ));
        tx.commit().await?;
        self.checkpoint = next;
        self.batches += 1;
        Ok((counts, refused))
    }
}

impl Writer<'_> {
    /// Marks the file imported to its end, with the totals of all its runs in the audit chain.
    async fn finish(&mut self) -> Result<(), StoreError> {
        let mut done = self.checkpoint.clone();
        done.finished_at = Some(Utc::now());
        done.updated_at = Utc::now();
        let mut tx = self.store.begin().await?;
        tx.save_import_checkpoint(&done).await?;
        tx.audit(AuditRecord::new(
            Utc::now(),
            None,
            "permits.import_finished",
            "import",
            &done.sha256,
            serde_json::json!({
                "file": self.file_path,
                "sha256": done.sha256,
                "last_line": done.last_line,
                "imported": done.imported,
                "present": done.present,
                "refused": done.refused,
            }),
        ));
        tx.commit().await?;
        self.checkpoint = done;
        Ok(())
    }
}

/// Where refused rows go: stderr, or the file `--report` names.
enum Report {
    Stderr,
    File(std::io::BufWriter<File>, PathBuf),
}

impl Report {
    fn open(path: Option<&Path>) -> Result<Report, ImportError> {
        match path {
            None => Ok(Report::Stderr),
            Some(p) => File::create(p)
                .map(|f| Report::File(std::io::BufWriter::new(f), p.to_path_buf()))
                .map_err(|source| ImportError::Io {
                    path: p.display().to_string(),
                    source,
                }),
        }
    }

    /// Writes the refused rows, in line order, and empties the list.
    fn flush_refused(
        &mut self,
        refused: &mut Vec<(u64, String)>,
        progress: &mut Progress,
    ) -> Result<(), ImportError> {
        if refused.is_empty() {
            return Ok(());
        }
        refused.sort_by_key(|(line, _)| *line);
        let result = match self {
            Report::Stderr => {
                progress.clear();
                let mut err = std::io::stderr().lock();
                refused
                    .iter()
                    .try_for_each(|(line, e)| writeln!(err, "line {line}: {e}"))
            }
            Report::File(w, _) => refused
                .iter()
                .try_for_each(|(line, e)| writeln!(w, "line {line}: {e}")),
        };
        refused.clear();
        result.map_err(|source| self.error(source))
    }

    fn close(&mut self) -> Result<(), ImportError> {
        match self {
            Report::Stderr => Ok(()),
            Report::File(w, _) => w.flush().map_err(|source| self.error(source)),
        }
    }

    fn error(&self, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: match self {
                Report::Stderr => "stderr".into(),
                Report::File(_, p) => p.display().to_string(),
            },
            source,
        }
    }
}

/// The progress line on stderr: redrawn in place on a terminal, a plain line every few seconds
/// otherwise (a log file would not want hundreds of redraws).
struct Progress {
    tty: bool,
    total: u64,
    start: Instant,
    last: Option<Instant>,
    drawn: bool,
    done: u64,
    /// `done` when the line was last shown.
    shown: u64,
}

impl Progress {
    fn new(total: u64) -> Progress {
        Progress {
            tty: std::io::stderr().is_terminal(),
            total,
            start: Instant::now(),
            last: None,
            drawn: false,
            done: 0,
            shown: 0,
        }
    }

    fn show(&mut self, done: u64, force: bool) {
        self.done = done;
        let every = if self.tty {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if !force && self.last.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        self.last = Some(Instant::now());
        self.shown = done;
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let rate = done as f64 / secs;
        let total = self.total.max(done);
        let eta = if rate > 0.0 {
            ((total - done) as f64 / rate) as u64
        } else {
            0
        };
        let line = format!(
            "{done}/{total} rows ({:.0}%), {rate:.0} rows/s, ETA {}:{:02}",
            100.0 * done as f64 / total.max(1) as f64,
            eta / 60,
            eta % 60
        );
        if self.tty {
            eprint!("\r\x1b[K{line}");
            self.drawn = true;
        } else {
            eprintln!("{line}");
        }
    }

    /// Takes the line off the terminal, before other output.
    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
            self.drawn = false;
        }
    }

    fn finish(&mut self) {
        if self.last.is_some() && self.shown != self.done {
            self.show(self.done, true);
        }
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}
