//! `onecard policy check`: reads a policy file and lists what it changes against a base (another
//! file, or the built-in default), so that a new version can be reviewed before it is loaded.

use domain::policy::{NATIONAL_DEFAULT_FILE, Policy, PolicyChange, PolicyError};
use std::fmt;
use std::path::Path;
use std::process::ExitCode;

/// A policy file that was refused: exit code 2, apart from the ordinary failure of a file that
/// cannot be read.
const EXIT_INVALID: u8 = 2;

/// What a checked policy is, and what it changes against its base.
#[derive(Debug)]
pub struct Report {
    version: String,
    effective_from: chrono::NaiveDate,
    base_version: String,
    /// Where the base came from: a file name, or the built-in default.
    base_source: String,
    changes: Vec<PolicyChange>,
}

impl Report {
    pub fn new(policy: &Policy, base: &Policy, base_source: &str) -> Report {
        Report {
            version: policy.version().to_string(),
            effective_from: policy.effective_from(),
            base_version: base.version().to_string(),
            base_source: base_source.to_string(),
            changes: base.diff(policy),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "version {}", self.version)?;
        writeln!(f, "effective from {}", self.effective_from)?;
        let against = format!("against {} ({})", self.base_version, self.base_source);
        match self.changes.len() {
            0 => writeln!(f, "no changes {against}"),
            1 => writeln!(f, "1 change {against}:"),
            n => writeln!(f, "{n} changes {against}:"),
        }?;
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        Ok(())
    }
}

/// Why a check could not be made.
#[derive(Debug)]
pub enum CheckError {
    Read {
        path: String,
        source: std::io::Error,
    },
    Invalid(PolicyError),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Read { path, source } => write!(f, "{path}: {source}"),
            CheckError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

/// Reads and parses a policy file; errors name the file as it was given.
pub fn load(path: &Path) -> Result<Policy, CheckError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| CheckError::Read {
        path: name.clone(),
        source,
    })?;
    Policy::parse(&name, &text).map_err(CheckError::Invalid)
}

/// What a policy file is checked against.
pub enum Base<'a> {
    /// Another file.
    File(&'a Path),
    /// The version in force in the database, and where that is.
    InForce(&'a Policy, String),
    /// The built-in default.
    BuiltIn,
}

/// Checks `file` against its base.
pub fn check(file: &Path, base: Base) -> Result<Report, CheckError> {
    let policy = load(file)?;
    Ok(match base {
        Base::File(path) => Report::new(&policy, &load(path)?, &path.display().to_string()),
        Base::InForce(p, place) => Report::new(&policy, p, &format!("in force in {place}")),
        Base::BuiltIn => Report::new(
            &policy,
            Policy::national_default(),
            &format!("built-in {NATIONAL_DEFAULT_FILE}"),
        ),
    })
}

/// The subcommand: the report on stdout and exit 0, or the error on stderr.
pub fn run(file: &Path, base: Base) -> ExitCode {
    match check(file, base) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e @ CheckError::Invalid(_)) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("onecard: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::policy::NATIONAL_DEFAULT_TEXT;

    /// The shipped file with `from` replaced by `to`, exactly once.
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert_eq!(text.matches(from).count(), 1, "{from:?}");
        text.replace(from, to)
    }

    /// The shipped policy, a year on: B from 65 points, the second salary band reaching 80,000.
    fn revised() -> String {
        let t = edit(
            NATIONAL_DEFAULT_TEXT,
            r#"version = "national-2017.1""#,
            r#"version = "national-2017.2""#,
        );
        let t = edit(
            &t,
            r#"effective_from = "2017-04-01""#,
            r#"effective_from = "2026-07-01""#,
        );
        let t = edit(&t, "a = 85\nb = 60", "a = 85\nb = 65");
        let t = edit(
            &t,
            "{ from = 50_000, to = 70_000, points = 5 }",
            "{ from = 50_000, to = 80_000, points = 5 }",
        );
        edit(
            &t,
            "{ from = 70_000, to = 150_000, points = 8 }",
            "{ from = 80_000, to = 150_000, points = 8 }",
        )
    }

    /// Writes `text` to a file of this test process's own.
    fn file(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("onecard-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn lists_the_changes_against_the_default() {
        let path = file("revised.toml", &revised());
        let report = check(&path, Base::BuiltIn).unwrap();
        assert_eq!(
            report.to_string(),
            "version national-2017.2\n\
             effective from 2026-07-01\n\
             5 changes against national-2017.1 (built-in national-2017.toml):\n\
             ~ effective_from: 2017-04-01 -> 2026-07-01\n\
             ~ points.salary.bands[1].to: 70000 -> 80000\n\
             ~ points.salary.bands[2].from: 70000 -> 80000\n\
             ~ thresholds.b: 60 -> 65\n\
             ~ version: national-2017.1 -> national-2017.2\n"
        );
        // Against itself, nothing.
        let report = check(&path, Base::File(&path)).unwrap();
        assert_eq!(
            report.to_string(),
            format!(
                "version national-2017.2\n\
                 effective from 2026-07-01\n\
                 no changes against national-2017.2 ({})\n",
                path.display()
            )
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_broken_file_is_refused_with_its_line() {
        // The third salary band now starts past the end of the second: a gap.
        let band = "{ from = 80_000, to = 150_000, points = 8 }";
        let text = edit(
            NATIONAL_DEFAULT_TEXT,
            "{ from = 70_000, to = 150_000, points = 8 }",
            band,
        );
        let line = text.lines().position(|l| l.contains(band)).unwrap() + 1;
        let path = file("broken.toml", &text);
        let e = check(&path, Base::BuiltIn).unwrap_err();
        assert!(matches!(e, CheckError::Invalid(_)));
        assert_eq!(
            e.to_string(),
            format!(
                "{}:{line}: salary: gap between bands, values in [70000, 80000) fall in none",
                path.display()
            )
        );
        // A broken base is refused the same way.
        let good = file("good.toml", NATIONAL_DEFAULT_TEXT);
        let e = check(&good, Base::File(&path)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("{}:{line}: ", path.display()))
        );
        std::fs::remove_file(path).unwrap();
        std::fs::remove_file(good).unwrap();
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let e = check(Path::new("/nonexistent/policy.toml"), Base::BuiltIn).unwrap_err();
        assert!(matches!(e, CheckError::Read { .. }), "{e}");
        assert!(e.to_string().starts_with("/nonexistent/policy.toml: "));
    }
}
