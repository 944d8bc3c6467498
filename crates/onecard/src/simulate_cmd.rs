//! `onecard policy simulate`: re-evaluates every assessed application against a proposed policy
//! version and reports how many would change category or eligibility, and which, before the
//! version is loaded.

use domain::numbers::ReceiptNumber;
use domain::policy::Policy;
use domain::simulation::{Outcome, Tally};
use std::fmt;
use store::{Store, StoreError};

/// Applications read per transaction.
const PAGE: i64 = 20_000;

/// One application whose outcome would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub receipt_number: ReceiptNumber,
    pub before: Outcome,
    pub after: Outcome,
}

#[derive(Debug)]
pub struct Simulation {
    pub proposed: String,
    pub effective_from: chrono::NaiveDate,
    pub tally: Tally,
    /// The first applications that would change, at most as many as asked for.
    pub examples: Vec<Example>,
}

/// Re-evaluates every assessed application of `store` under `proposed`.
pub async fn simulate(
    store: &dyn Store,
    proposed: &Policy,
    show: usize,
) -> Result<Simulation, StoreError> {
    let mut tally = Tally::default();
    let mut examples = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .begin_read()
            .await?
            .assessed_after(after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.application_id);
        for a in &page {
            let before = Outcome {
                category: a.category,
                eligible: a.eligible,
            };
            let now = Outcome::from(&proposed.assess(&a.facts));
            if let Some(now) = tally.add(before, now)
                && examples.len() < show
            {
                examples.push(Example {
                    receipt_number: a.receipt_number.clone(),
                    before,
                    after: now,
                });
            }
        }
    }
    Ok(Simulation {
        proposed: proposed.version().to_string(),
        effective_from: proposed.effective_from(),
        tally,
        examples,
    })
}

fn outcome(o: &Outcome) -> String {
    let e = if o.eligible {
        "eligible"
    } else {
        "not eligible"
    };
    format!("{} {e}", o.category.as_str())
}

fn share(n: u64, of: u64) -> String {
    if of == 0 {
        return "0%".into();
    }
    format!("{:.2}%", n as f64 * 100.0 / of as f64)
}

impl fmt::Display for Simulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.tally;
        writeln!(
            f,
            "proposed {} (effective from {}), against each application's assessment as made",
            self.proposed, self.effective_from
        )?;
        writeln!(f, "{} applications re-assessed", t.assessed)?;
        writeln!(
            f,
            "{} would change ({})",
            t.changed,
            share(t.changed, t.assessed)
        )?;
        write!(f, "  category: {}", t.category_changed)?;
        for ((from, to), n) in &t.moves {
            write!(f, "; {}→{} {n}", from.as_str(), to.as_str())?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "  eligibility: {}; became eligible {}, became not eligible {}",
            t.eligibility_changed, t.became_eligible, t.became_ineligible
        )?;
        if !self.examples.is_empty() {
            writeln!(f, "the first {}:", self.examples.len())?;
            for e in &self.examples {
                writeln!(
                    f,
                    "  {}  {} → {}",
                    e.receipt_number,
                    outcome(&e.before),
                    outcome(&e.after)
                )?;
            }
        }
        Ok(())
    }
}
