//! `onecard keys` as an operator runs it: generate, rotate, list, retire, against a database of
//! its own, with the sealing key from the environment.

use std::process::{Command, Output};
use store::testing::TestDb;

const SEALING: &str = "3f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn keys(db: &TestDb, sealing: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onecard"));
    c.args(["--database-url", &db.url, "keys"]).args(args);
    c.env_remove("ONECARD_SEALING_KEY");
    if let Some(s) = sealing {
        c.env("ONECARD_SEALING_KEY", s);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[tokio::test]
async fn generate_rotate_list_retire() {
    let db = TestDb::sqlite();
    // Migrate first, so that the commands find the schema.
    db.open().await.close().await;

    let out = keys(&db, Some(SEALING), &["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("no issuer keys"));

    let out = keys(&db, Some(SEALING), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = stdout(&out)
        .trim()
        .strip_prefix("generated ")
        .unwrap()
        .to_string();
    assert_eq!(first.len(), 16, "an 8-byte key id in hex: {first}");

    let out = keys(&db, Some(SEALING), &["generate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));

    let out = keys(&db, Some(SEALING), &["rotate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let second = stdout(&out)
        .trim()
        .strip_prefix("new signing key ")
        .unwrap()
        .to_string();
    assert_ne!(first, second);

    let out = keys(&db, Some(SEALING), &["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = stdout(&out);
    let line = |kid: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(kid))
            .unwrap()
            .to_string()
    };
    assert!(
        line(&first).contains("active") && line(&first).contains("seal opens"),
        "{listed}"
    );
    assert!(!line(&first).contains("(signs)"), "{listed}");
    assert!(
        line(&second).contains("(signs)"),
        "the newest signs: {listed}"
    );

    // Another sealing key opens nothing: said on every line, and exit 2.
    let other = SEALING.replace("3f", "40");
    let out = keys(&db, Some(&other), &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out).matches("DOES NOT OPEN").count(),
        2,
        "{}",
        stdout(&out)
    );

    // Without a sealing key, or with one that is not one: refused before anything is done.
    let out = keys(&db, None, &["rotate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ONECARD_SEALING_KEY"),
        "{}",
        stderr(&out)
    );
    let out = keys(&db, Some("not hex"), &["rotate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("64 hexadecimal digits"),
        "{}",
        stderr(&out)
    );

    // Retiring the first: the second still signs; a retired or unknown key is not retired again.
    let out = keys(&db, None, &["retire", &first]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for kid in [first.as_str(), "00112233", "xyz"] {
        let out = keys(&db, None, &["retire", kid]);
        assert_eq!(out.status.code(), Some(2), "{kid}");
    }
    let out = keys(&db, Some(SEALING), &["list"]);
    let listed = stdout(&out);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&first) && l.contains("retired")),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&second) && l.contains("(signs)")),
        "{listed}"
    );

    // Each change is on the audit chain, which holds.
    let store = db.open().await;
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(3));
    let mut tx = store.begin_read().await.unwrap();
    let stored = tx.issuer_keys().await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|k| k.sealed_seed.len() == 12 + 32 + 16));
    drop(tx);
    store.close().await;
}
