//! `onecard backup` and `onecard restore` on SQLite, as an operator runs them: the copy comes
//! back with the same rows, and a restore over data without `--replace` is refused.

use std::process::Command;
use store::testing::TestDb;

fn onecard(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .expect("run onecard");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn backup_and_restore_from_the_command_line() {
    let source = TestDb::sqlite();
    let store = source.open().await;
    server::demo::seed(&*store, &server::clock::SystemClock)
        .await
        .unwrap();
    store.close().await;
    let dir = std::env::temp_dir().join(format!("onecard-cli-backup-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("demo.backup");
    let file = file.to_str().unwrap();

    let (ok, out) = onecard(&source.url, &["backup", file]);
    assert!(ok, "{out}");
    assert!(out.contains("backed up"), "{out}");
    assert!(out.contains("accounts"), "each table listed: {out}");
    let (ok, out) = onecard(&source.url, &["backup", file]);
    assert!(!ok && out.contains("exists"), "{out}");

    let target = TestDb::sqlite();
    let (ok, out) = onecard(&target.url, &["restore", file]);
    assert!(ok, "{out}");
    assert!(out.contains("restored"), "{out}");
    let a = store::backup::contents(&source.url).await.unwrap();
    let b = store::backup::contents(&target.url).await.unwrap();
    assert_eq!(a, b);
    let (ok, out) = onecard(&target.url, &["restore", file]);
    assert!(!ok && out.contains("--replace"), "{out}");
    let (ok, out) = onecard(&target.url, &["restore", "--replace", file]);
    assert!(ok, "{out}");
    let (ok, out) = onecard(&target.url, &["audit", "verify"]);
    assert!(ok && out.contains("intact"), "{out}");
    std::fs::remove_dir_all(dir).ok();
}
