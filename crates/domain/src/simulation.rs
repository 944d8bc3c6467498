//! Re-evaluating assessed applications against a proposed policy version: how many would change
//! category or eligibility, and which. Pure: the caller reads the applications and prints.

use crate::permit::Category;
use crate::policy::Assessment;
use std::collections::BTreeMap;

/// What an assessment concluded: the part a new version may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub category: Category,
    pub eligible: bool,
}

impl From<&Assessment> for Outcome {
    fn from(a: &Assessment) -> Self {
        Outcome {
            category: a.category,
            eligible: a.eligible(),
        }
    }
}

/// The counts of a re-evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub assessed: u64,
    /// Applications with any change: of category, of eligibility, or both.
    pub changed: u64,
    pub category_changed: u64,
    pub eligibility_changed: u64,
    /// How many moved from one category to another, by (before, after).
    pub moves: BTreeMap<(Category, Category), u64>,
    pub became_eligible: u64,
    pub became_ineligible: u64,
}

impl Tally {
    /// Counts one application; returns the new outcome if it differs from the old.
    pub fn add(&mut self, before: Outcome, after: Outcome) -> Option<Outcome> {
        self.assessed += 1;
        if before == after {
            return None;
        }
        self.changed += 1;
        if before.category != after.category {
            self.category_changed += 1;
            *self
                .moves
                .entry((before.category, after.category))
                .or_default() += 1;
        }
        if before.eligible != after.eligible {
            self.eligibility_changed += 1;
            if after.eligible {
                self.became_eligible += 1;
            } else {
                self.became_ineligible += 1;
            }
        }
        Some(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(category: Category, eligible: bool) -> Outcome {
        Outcome { category, eligible }
    }

    #[test]
    fn counts_each_kind_of_change() {
        let mut t = Tally::default();
        assert_eq!(t.add(o(Category::B, true), o(Category::B, true)), None);
        assert_eq!(
            t.add(o(Category::B, true), o(Category::C, true)),
            Some(o(Category::C, true))
        );
        assert!(t.add(o(Category::B, true), o(Category::B, false)).is_some());
        assert!(t.add(o(Category::A, false), o(Category::B, true)).is_some());
        assert_eq!(t.assessed, 4);
        assert_eq!(t.category_changed, 2);
        assert_eq!(t.eligibility_changed, 2);
        assert_eq!(t.became_ineligible, 1);
        assert_eq!(t.became_eligible, 1);
        assert_eq!(t.moves[&(Category::B, Category::C)], 1);
        assert_eq!(t.moves[&(Category::A, Category::B)], 1);
        assert_eq!(t.changed, 3, "one application changed both");
    }
}
