//! The request body of a visa, as immigration enters it.

use super::{Whole, opt};
use chrono::NaiveDate;
use domain::Invalid;
use domain::visa::{VisaDetails, VisaFields};
use serde::Deserialize;
use utoipa::ToSchema;

/// A visa as printed on it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisaInput {
    /// 8 to 12 capital letters and digits; spaces are dropped.
    pub visa_number: Option<String>,
    /// C, D, F, G, J1, J2, L, M, Q1, Q2, R, S1, S2, X1, X2 or Z (work).
    pub visa_category: Option<String>,
    /// The embassy or consulate that issued it, e.g. "Consulate-General in Frankfurt"; at most
    /// 120 characters.
    pub issuing_post: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    pub issued_on: Option<String>,
    /// `YYYY-MM-DD`: the last day to enter with it; not before the day of issue, at most ten
    /// years after it.
    pub valid_until: Option<String>,
    /// single, double or multiple.
    pub entries: Option<String>,
    /// The longest each stay may last, in days: 1 to 180.
    pub stay_days: Option<Whole>,
    /// At most 500 characters.
    pub remarks: Option<String>,
}

impl VisaInput {
    pub fn parse(&self, today: NaiveDate) -> Result<VisaDetails, Invalid> {
        let stay_days = match &self.stay_days {
            None => String::new(),
            Some(Whole::Number(n)) => n.to_string(),
            Some(Whole::Text(s)) => s.clone(),
        };
        VisaDetails::parse(
            &VisaFields {
                visa_number: opt(&self.visa_number),
                visa_category: opt(&self.visa_category),
                issuing_post: opt(&self.issuing_post),
                issued_on: opt(&self.issued_on),
                valid_until: opt(&self.valid_until),
                entries: opt(&self.entries),
                stay_days: &stay_days,
                remarks: opt(&self.remarks),
            },
            today,
        )
    }
}
