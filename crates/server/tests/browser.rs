//! The browser test: Chromium, driven by Playwright (tests/browser/e2e.mjs), signs in as the
//! employer, submits an application, signs in as the officer and approves it, in English and in
//! Chinese, against a real server. It needs Debian's `chromium` and `npm ci --prefix
//! tests/browser`; without them it is skipped, unless ONECARD_BROWSER_TESTS=required (CI).

mod common;
use common::TestServer;
use std::path::{Path, PathBuf};

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMIUM").unwrap_or_default(),
        "/usr/bin/chromium".into(),
        "/usr/bin/chromium-browser".into(),
    ];
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.exists())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn employer_submits_and_officer_approves_in_both_languages() {
    let required = std::env::var("ONECARD_BROWSER_TESTS").is_ok_and(|v| v == "required");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/browser");
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let playwright = dir.join("node_modules/playwright-core").exists();
    let Some(chromium) = chromium().filter(|_| node && playwright) else {
        let why = format!(
            "node: {node}, playwright-core installed: {playwright}, chromium: {:?}",
            chromium()
        );
        assert!(
            !required,
            "the browser test is required here but cannot run ({why})"
        );
        eprintln!(
            "skipped: browser test ({why}); install chromium and run `npm ci --prefix tests/browser`"
        );
        return;
    };
    let srv = TestServer::sqlite().await;
    let shots = std::env::temp_dir().join(format!("onecard-shots-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&shots).unwrap();
    let out = tokio::process::Command::new("node")
        .arg(dir.join("e2e.mjs"))
        .arg(&srv.base)
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .output()
        .await
        .expect("run node");
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser run failed:\n{log}");
    // Both languages went through: an approval each.
    assert_eq!(log.matches("approved:").count(), 2, "{log}");
    let apps = srv
        .store
        .begin_read()
        .await
        .unwrap()
        .list_applications(&store::ApplicationFilter::default())
        .await
        .unwrap();
    assert_eq!(
        apps.iter()
            .filter(|a| a.state == domain::application::State::Approved)
            .count(),
        2
    );
    eprintln!("screenshots in {}", shots.display());
    srv.stop().await;
}
