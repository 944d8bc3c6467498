//! The browser tests: Chromium, driven by Playwright, against a real server. `e2e.mjs`: the
//! employer submits an application and the officer approves it, in English and in Chinese, then
//! the card and the verifier on a phone. `one_stop.mjs`: the one-stop journey from the employer's
//! submission to the holder collecting the residence permit, in both languages. `records.mjs`:
//! contributions declared and a refund claimed through the pages. They need Debian's `chromium`
//! and `npm ci --prefix
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

/// Runs `tests/browser/<script>` against a fresh server; `None` (and the skip printed) where the
/// machine cannot, unless the test is required. Returns the server and the script's output.
async fn run_script(script: &str) -> Option<(TestServer, String)> {
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
            "skipped: browser test {script} ({why}); install chromium and run `npm ci --prefix tests/browser`"
        );
        return None;
    };
    let srv = TestServer::sqlite().await;
    let shots = std::env::temp_dir().join(format!("onecard-shots-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&shots).unwrap();
    let out = tokio::process::Command::new("node")
        .arg(dir.join(script))
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
    assert!(out.status.success(), "browser run {script} failed:\n{log}");
    eprintln!("screenshots of {script} in {}", shots.display());
    Some((srv, log))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn employer_submits_and_officer_approves_in_both_languages() {
    let Some((srv, log)) = run_script("e2e.mjs").await else {
        return;
    };
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
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_stop_journey_in_both_languages() {
    let Some((srv, log)) = run_script("one_stop.mjs").await else {
        return;
    };
    assert_eq!(log.matches("collected:").count(), 2, "{log}");
    // Two residence permits for Anna, both issued with a work permit and collected.
    let mut tx = srv.store.begin_read().await.unwrap();
    let anna = tx
        .account_by_username("anna")
        .await
        .unwrap()
        .and_then(|a| a.scope.person_id())
        .unwrap();
    let permits = tx.residence_permits_of(anna).await.unwrap();
    assert_eq!(permits.len(), 2, "{permits:?}");
    assert!(permits.iter().all(|p| p.collected_at.is_some()));
    let work = tx
        .list_permits(&store::PermitFilter {
            holder_id: Some(anna),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(work.len(), 2);
    drop(tx);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contributions_and_claims_through_the_pages() {
    let Some((srv, log)) = run_script("records.mjs").await else {
        return;
    };
    assert_eq!(log.matches("declared:").count(), 1, "{log}");
    assert_eq!(log.matches("refused:").count(), 2, "{log}");
    // One declaration for Jean, and the refused claims left nothing behind.
    let mut tx = srv.store.begin_read().await.unwrap();
    let jean = tx
        .account_by_username("jean")
        .await
        .unwrap()
        .and_then(|a| a.scope.person_id())
        .unwrap();
    assert_eq!(tx.declarations_of(jean).await.unwrap().len(), 1);
    let claims = tx
        .claims(&store::ClaimFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(claims.is_empty(), "{claims:?}");
    drop(tx);
    srv.stop().await;
}
