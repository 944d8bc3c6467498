//! `onecard keys` as an operator runs it: generate, rotate, list, retire, against a database of
//! its own, with the sealing key from the environment.

use std::process::{Command, Output};
use store::testing::TestDb;

const SEALING: &str = "3f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn keys(db: &TestDb, sealing: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onecard"));
    c.env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY);
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

    let out = keys(&db, None, &["root"]);
    assert_eq!(out.status.code(), Some(2), "no root key yet");
    assert!(stderr(&out).contains("keys generate"), "{}", stderr(&out));

    // The root key, which signs the published key set, and the first signing key.
    let out = keys(&db, Some(SEALING), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let made = stdout(&out);
    let kid_after = |prefix: &str| {
        made.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {made}"))
            .to_string()
    };
    let root = kid_after("generated root key ");
    let first = kid_after("generated signing key ");
    assert_eq!(first.len(), 16, "an 8-byte key id in hex: {first}");
    assert_ne!(root, first);
    let out = keys(&db, None, &["root"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root_public = stdout(&out).trim().to_string();
    assert_eq!(root_public.len(), 64, "a 32-byte public key in hex");

    let out = keys(&db, Some(SEALING), &["generate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exist already"), "{}", stderr(&out));

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
        3,
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
    assert_eq!(store::verify_audit(&*store).await.unwrap(), Ok(4));
    let mut tx = store.begin_read().await.unwrap();
    let stored = tx.issuer_keys().await.unwrap();
    assert_eq!(stored.len(), 3);
    let root_row = stored
        .iter()
        .find(|k| k.role == store::KeyRole::Root)
        .unwrap();
    assert_eq!(hex(&root_row.public_key), root_public);
    assert!(stored.iter().all(|k| k.sealed_seed.len() == 12 + 32 + 16));
    drop(tx);
    store.close().await;
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
