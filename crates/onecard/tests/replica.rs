//! The commands that only read, run against a PostgreSQL database that refuses every write as
//! a hot-standby replica does (`default_transaction_read_only` set on the database, so that
//! each new session starts read-only): they answer, and the commands that write are refused.
//! `serve --replica-url` takes only a PostgreSQL database's replica. (tests/standby/run.sh runs
//! them against a real standby.)

use std::process::{Command, Output};
use store::testing::TestDb;

const SEALING: &str = "3f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn onecard(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .env("ONECARD_SEALING_KEY", SEALING)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .expect("run onecard")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn policy_file() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../policies/national-2017.toml"
    )
    .to_string()
}

#[tokio::test]
async fn reading_commands_run_on_a_read_only_database() {
    let Some(db) = TestDb::postgres("reading_commands_run_on_a_read_only_database").await else {
        return;
    };
    let store = db.open().await;
    server::demo::seed(&*store, &server::clock::SystemClock)
        .await
        .unwrap();
    store.close().await;
    let out = onecard(&db.url, &["keys", "generate"]);
    assert!(out.status.success(), "{}", text(&out));

    let name = db.url.rsplit('/').next().unwrap().to_string();
    let mut admin = {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&db.url).await.unwrap()
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    drop(admin);

    // What writes is refused: the database is as a replica's.
    for args in [&["migrate"][..], &["keys", "rotate"]] {
        let out = onecard(&db.url, args);
        assert!(!out.status.success(), "{args:?} wrote: {}", text(&out));
        assert!(text(&out).contains("read-only"), "{args:?}: {}", text(&out));
    }

    // What reads answers.
    let out = onecard(&db.url, &["audit", "verify"]);
    assert!(
        out.status.success() && text(&out).contains("audit chain intact"),
        "{}",
        text(&out)
    );
    let out = onecard(&db.url, &["keys", "root"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().len(), 64);
    let out = onecard(&db.url, &["keys", "list"]);
    assert!(
        out.status.success() && text(&out).contains("seal opens"),
        "{}",
        text(&out)
    );
    let policy = policy_file();
    let out = onecard(&db.url, &["policy", "check", &policy]);
    assert!(out.status.success(), "{}", text(&out));
    let out = onecard(&db.url, &["policy", "simulate", "--policy", &policy]);
    assert!(out.status.success(), "{}", text(&out));

    // Under another data key, even reading is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", "5a".repeat(32))
        .args(["--database-url", &db.url, "audit", "verify"])
        .output()
        .unwrap();
    assert!(
        !out.status.success() && text(&out).contains("another data key"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_replica_is_for_postgresql() {
    let dir = std::env::temp_dir().join(format!("onecard-replica-{}", uuid::Uuid::now_v7()));
    let url = format!("sqlite://{}/onecard.db", dir.display());
    let out = onecard(
        &url,
        &[
            "serve",
            "--replica-url",
            "postgres://postgres@127.0.0.1:1/none",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("PostgreSQL"), "{}", text(&out));
    assert!(!dir.exists(), "nothing created");
}
