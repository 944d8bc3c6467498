//! `onecard policy check` as a user runs it: exit codes, stdout and stderr.

use std::path::PathBuf;
use std::process::{Command, Output};

const SHIPPED: &str = include_str!("../../../policies/national-2017.toml");

fn file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("policy_cli-{name}"));
    std::fs::write(&path, text).unwrap();
    path
}

fn onecard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onecard"))
        .env("ONECARD_DATA_KEY", store::DEMO_DATA_KEY)
        .args(args)
        // The check opens no database; keep any configured one out of reach all the same.
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn a_revised_policy_lists_its_changes() {
    let revised = SHIPPED
        .replace(r#""national-2017.1""#, r#""national-2017.2""#)
        .replace("b = 60", "b = 65");
    let path = file("revised.toml", &revised);
    let out = onecard(&["policy", "check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "version national-2017.2\n\
         effective from 2017-04-01\n\
         2 changes against national-2017.1 (built-in national-2017.toml):\n\
         ~ thresholds.b: 60 -> 65\n\
         ~ version: national-2017.1 -> national-2017.2\n"
    );

    // Against another file: the changes run from that file to this one.
    let shipped = file("shipped.toml", SHIPPED);
    let out = onecard(&[
        "policy",
        "check",
        shipped.to_str().unwrap(),
        "--against",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "2 changes against national-2017.2 ({}):\n",
            path.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("~ thresholds.b: 65 -> 60\n"), "{stdout}");
}

#[test]
fn a_broken_policy_exits_2_naming_the_line() {
    // An unknown key under [thresholds].
    let broken = SHIPPED.replace("a = 85\n", "a = 85\nc = 40\n");
    let line = broken.lines().position(|l| l == "c = 40").unwrap() + 1;
    let path = file("broken.toml", &broken);
    let out = onecard(&["policy", "check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!("{}:{line}: ", path.display())),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_fails() {
    let out = onecard(&["policy", "check", "/nonexistent/policy.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/policy.toml"));
}
