//! `onecard import` as an agency runs it, on SQLite and PostgreSQL: good rows become permits on
//! physical cards, bad rows are reported by line and left out, a second run writes nothing
//! twice, an interrupted run resumes where it stopped, and the audit chain stays intact.

use chrono::NaiveDate;
use domain::check::uscc_check;
use domain::numbers::PermitNumber;
use domain::permit::{Medium, PermitStatus};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use store::testing::TestDb;
use store::{PermitFilter, Store};

const HEADER: &str = "permit_number,surname,given_names,nationality,passport_number,date_of_birth,sex,email,\
employer_uscc,employer_name,employer_kind,category,position,city,valid_from,valid_to";

fn onecard(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("ONECARD_LOG", "warn")
        .output()
        .expect("run onecard")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn uscc(n: u32) -> String {
    let body = format!("91110108MA{n:07}");
    format!("{body}{}", uscc_check(&body).expect("valid body"))
}

fn permit_number(city: &str, year: i32, serial: u64) -> String {
    let issued = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    PermitNumber::new(city, issued, serial)
        .unwrap()
        .as_str()
        .to_string()
}

/// A valid row: card `i` of employer `i % 3`, in Beijing; category A cards run five years (valid
/// now), the others two (lapsed by now).
fn row(i: u64) -> String {
    let (category, from, to) = if i.is_multiple_of(2) {
        ("A", "2024-06-01", "2029-05-31")
    } else {
        ("B", "2022-03-01", "2024-02-29")
    };
    format!(
        "{},MÜLLER,\"Anna Maria\",DEU,C{i:08},1990-04-12,F,holder{i}@example.org,{},\"Example {} Co., Ltd.\",,{category},\"Engineer, \"\"R&D\"\"\",110000,{from},{to}",
        permit_number("110000", 2022, i + 1),
        uscc(i as u32 % 3),
        i % 3,
    )
}

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("onecard-import-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn file(&self, name: &str, lines: &[String]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, lines.join("\r\n") + "\r\n").unwrap();
        path.to_str().unwrap().to_string()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn good_file(n: u64) -> Vec<String> {
    std::iter::once(HEADER.to_string())
        .chain((0..n).map(row))
        .collect()
}

async fn permits(store: &dyn Store) -> Vec<domain::permit::Permit> {
    let mut tx = store.begin_read().await.unwrap();
    tx.list_permits(&PermitFilter {
        limit: 100_000,
        ..PermitFilter::default()
    })
    .await
    .unwrap()
}

fn audit_intact(url: &str) {
    let out = onecard(url, &["audit", "verify"]);
    assert!(
        out.status.success() && text(&out).contains("intact"),
        "{}",
        text(&out)
    );
}

async fn good_and_bad_rows(db: &TestDb) {
    let dir = Scratch::new();
    let mut lines = good_file(6);
    // Lines 8 to 14: one fault each; the first line of the file is the header.
    lines.push(row(100).replace("1990-04-12", "1990-02-30"));
    lines.push(row(101).replace(",110000,", ",310000,"));
    lines.push(row(0).replace("C00000000", "C00000999"));
    lines.push(row(102).replace("C00000102", "C00000002"));
    lines.push(
        row(103)
            .replace(",DEU,", ",XYZ,")
            .replace("2022-03-01", "2025-01-01"),
    );
    lines.push("P1,too,few".to_string());
    lines.push(row(104).replace("\"Anna Maria\"", "Anna\"Maria"));
    let file = dir.file("cards.csv", &lines);
    let report = dir.path("report.txt");

    let out = onecard(&db.url, &["import", &file, "--report", &report]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("6 imported"), "{}", text(&out));
    assert!(text(&out).contains("7 refused"), "{}", text(&out));
    let report_text = std::fs::read_to_string(&report).unwrap();
    let expected = [
        "line 8: date_of_birth: date_invalid value=1990-02-30",
        "line 9: permit_number: city_mismatch city=310000",
        "line 10: permit_number: duplicate first_line=2",
        "line 11: passport_number: duplicate first_line=4",
        "line 12: nationality: nationality_unknown value=XYZ",
        "line 12: valid_from: after_reform before=2024-12-01",
        "line 12: valid_to: not_after_valid_from",
        "line 13: record: field_count found=3 expected=16",
        "line 14: record: a quote inside an unquoted field",
    ];
    assert_eq!(report_text.lines().collect::<Vec<_>>(), expected);

    let store = db.open().await;
    let found = permits(&*store).await;
    assert_eq!(found.len(), 6);
    let today = server::clock::china_date(chrono::Utc::now());
    let mut tx = store.begin_read().await.unwrap();
    for i in 0..6 {
        let number = PermitNumber::parse("n", &permit_number("110000", 2022, i + 1)).unwrap();
        let p = tx.permit(&number).await.unwrap().expect("imported");
        assert_eq!(p.medium, Medium::PhysicalCard);
        assert_eq!(p.revision, 1);
        assert_eq!(p.application_id, None);
        assert_eq!(p.holder_name.full(), "MÜLLER Anna Maria");
        assert_eq!(p.position.as_str(), "Engineer, \"R&D\"");
        let expected = if p.valid_to < today {
            PermitStatus::Expired
        } else {
            PermitStatus::Valid
        };
        assert_eq!(p.status, expected, "{}", p.number);
        let holder = tx.person(p.holder_id).await.unwrap().expect("holder");
        assert_eq!(holder.employer_id, p.employer_id);
        assert_eq!(holder.email.as_str(), format!("holder{i}@example.org"));
    }
    // Three employers, each made once.
    assert_eq!(tx.list_employers(None).await.unwrap().len(), 3);
    let audit = tx.audit_of(&sha256_hex(&file)).await.unwrap();
    assert_eq!(audit.len(), 2, "one batch and the end: {audit:?}");
    assert!(audit[0].contains("\"lines\":[2,14]") && audit[0].contains("\"imported\":6"));
    drop(tx);
    audit_intact(&db.url);

    // The same file again: nothing is written twice, and the refusals still count.
    let out = onecard(&db.url, &["import", &file, "--report", &report]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("0 imported"), "{}", text(&out));
    assert_eq!(permits(&*store).await.len(), 6);

    // Another file with five of the cards and one more: those in the database are counted as
    // present, the new one imported; a number held under another passport is refused.
    let mut more = vec![HEADER.to_string()];
    more.extend((1..7).map(row));
    more.push(row(0).replace("C00000000", "C00000888"));
    let file2 = dir.file("more.csv", &more);
    let out = onecard(&db.url, &["import", &file2]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("1 imported") && t.contains("5 present already"),
        "{t}"
    );
    assert!(
        t.contains("line 8: permit_number: held_by_another_passport"),
        "{t}"
    );
    assert_eq!(permits(&*store).await.len(), 7);
    audit_intact(&db.url);
    store.close().await;
}

fn sha256_hex(path: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

async fn interrupted_and_resumed(db: &TestDb) {
    let dir = Scratch::new();
    let file = dir.file("cards.csv", &good_file(50));
    let out = onecard(
        &db.url,
        &[
            "import",
            &file,
            "--batch-size",
            "10",
            "--stop-after-batches",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("stopped at line 21"), "{}", text(&out));
    let store = db.open().await;
    assert_eq!(permits(&*store).await.len(), 20);

    let out = onecard(&db.url, &["import", &file, "--batch-size", "7"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("going on after line 21"), "{t}");
    assert!(t.contains("30 imported"), "{t}");
    assert!(t.contains("all runs of this file: 50 imported"), "{t}");
    let found = permits(&*store).await;
    assert_eq!(found.len(), 50);
    let numbers: std::collections::HashSet<_> = found.iter().map(|p| p.number.clone()).collect();
    assert_eq!(numbers.len(), 50);
    let mut tx = store.begin_read().await.unwrap();
    let holders: std::collections::HashSet<_> = found.iter().map(|p| p.holder_id).collect();
    assert_eq!(holders.len(), 50, "one person per passport");
    assert_eq!(tx.list_employers(None).await.unwrap().len(), 3);
    drop(tx);
    audit_intact(&db.url);

    let out = onecard(&db.url, &["import", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("0 imported"), "{}", text(&out));
    assert_eq!(permits(&*store).await.len(), 50);
    store.close().await;
}

/// A holder already on another employer's roster is not moved by an import.
async fn person_of_another_employer(db: &TestDb) {
    let dir = Scratch::new();
    let first = dir.file("first.csv", &good_file(1));
    assert_eq!(onecard(&db.url, &["import", &first]).status.code(), Some(0));
    let moved = row(5)
        .replace("C00000005", "C00000000")
        .replace(&uscc(2), &uscc(1));
    let second = dir.file("second.csv", &[HEADER.to_string(), moved]);
    let out = onecard(&db.url, &["import", &second]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "nothing imported: {}",
        text(&out)
    );
    assert!(
        text(&out).contains("line 2: passport_number: person_of_another_employer"),
        "{}",
        text(&out)
    );
    audit_intact(&db.url);
}

#[tokio::test]
async fn good_and_bad_rows_sqlite() {
    good_and_bad_rows(&TestDb::sqlite()).await;
}

#[tokio::test]
async fn good_and_bad_rows_postgres() {
    if let Some(db) = TestDb::postgres("import good_and_bad_rows").await {
        good_and_bad_rows(&db).await;
    }
}

#[tokio::test]
async fn interrupted_and_resumed_sqlite() {
    interrupted_and_resumed(&TestDb::sqlite()).await;
}

#[tokio::test]
async fn interrupted_and_resumed_postgres() {
    if let Some(db) = TestDb::postgres("import interrupted_and_resumed").await {
        interrupted_and_resumed(&db).await;
    }
}

#[tokio::test]
async fn person_of_another_employer_sqlite() {
    person_of_another_employer(&TestDb::sqlite()).await;
}

#[tokio::test]
async fn person_of_another_employer_postgres() {
    if let Some(db) = TestDb::postgres("import person_of_another_employer").await {
        person_of_another_employer(&db).await;
    }
}

/// The process killed outright in the middle of an import (no flag, no clean stop): the rerun
/// finishes the file and every card is there once.
#[tokio::test]
async fn killed_and_resumed_sqlite() {
    let db = TestDb::sqlite();
    let dir = Scratch::new();
    let n = 20_000;
    let file = dir.file("cards.csv", &good_file(n));
    let mut child = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .args([
            "--database-url",
            &db.url,
            "import",
            &file,
            "--batch-size",
            "500",
        ])
        .env("ONECARD_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let path = db.url.trim_start_matches("sqlite://").to_string();
    let killed_at = wait_for_progress(&path, &mut child).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let store = db.open().await;
    let before = permits(&*store).await.len() as u64;
    assert!(
        killed_at.is_none_or(|_| before < n),
        "killed before the end: {before}"
    );
    let out = onecard(&db.url, &["import", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let found = permits(&*store).await;
    assert_eq!(found.len() as u64, n);
    let numbers: std::collections::HashSet<_> = found.iter().map(|p| &p.number).collect();
    assert_eq!(numbers.len() as u64, n);
    store.close().await;
    audit_intact(&db.url);
}

/// Waits until the import has committed a batch, or has ended; the line committed, if any.
async fn wait_for_progress(db: &str, child: &mut std::process::Child) -> Option<i64> {
    use sqlx::Connection;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        if Path::new(db).exists()
            && let Ok(mut c) =
                sqlx::SqliteConnection::connect(&format!("sqlite://{db}?mode=ro")).await
            && let Ok((line,)) = sqlx::query_as::<_, (i64,)>("SELECT last_line FROM imports")
                .fetch_one(&mut c)
                .await
            && line > 1
        {
            return Some(line);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no batch committed within a minute");
}
