//! The points table: bands per factor, checked to cover every value exactly once, and the score
//! each value earns.

use super::facts::Education;
use crate::city::City;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A factor of the points table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Salary,
    Education,
    Experience,
    MonthsInChina,
    Chinese,
    Location,
    Age,
    Extras,
    ProvincialBonus,
}

impl Factor {
    pub const ALL: [Factor; 9] = [
        Factor::Salary,
        Factor::Education,
        Factor::Experience,
        Factor::MonthsInChina,
        Factor::Chinese,
        Factor::Location,
        Factor::Age,
        Factor::Extras,
        Factor::ProvincialBonus,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Factor::Salary => "salary",
            Factor::Education => "education",
            Factor::Experience => "experience",
            Factor::MonthsInChina => "months_in_china",
            Factor::Chinese => "chinese",
            Factor::Location => "location",
            Factor::Age => "age",
            Factor::Extras => "extras",
            Factor::ProvincialBonus => "provincial_bonus",
        }
    }

    /// Factors where more of the value must never earn fewer points; a policy whose bands say
    /// otherwise is refused. Age is the one banded factor that rises and falls.
    pub fn is_monotone(&self) -> bool {
        !matches!(self, Factor::Age)
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Values in `[from, to)` (no `to`: no upper end) earn `points + per_unit * (value - from)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Band {
    pub from: i64,
    pub to: Option<i64>,
    pub points: u32,
    pub per_unit: u32,
}

impl Band {
    fn contains(&self, x: i64) -> bool {
        x >= self.from && self.to.is_none_or(|to| x < to)
    }

    fn raw_points(&self, x: i64) -> u64 {
        let above = u64::try_from(x - self.from).unwrap_or(0);
        u64::from(self.points).saturating_add(u64::from(self.per_unit).saturating_mul(above))
    }

    /// The most the band gives before the cap: at its last value, or without end if it is open
    /// and grows.
    fn max_raw_points(&self) -> u64 {
        match self.to {
            Some(to) => self.raw_points(to - 1),
            None if self.per_unit > 0 => u64::MAX,
            None => u64::from(self.points),
        }
    }
}

/// Why a list of bands is refused, with the index of the band at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandProblem {
    Empty,
    NotFromZero { from: i64 },
    BandEmpty { from: i64, to: i64 },
    Gap { previous_to: i64, from: i64 },
    Overlap { previous_to: i64, from: i64 },
    OpenNotLast,
    LastBounded { to: i64 },
    AboveCap { points: i64 },
    Decrease { from: i64 },
}

/// The bands of one factor: they start at 0, follow each other without gap or overlap and the
/// last has no upper end, so every non-negative value falls in exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bands {
    cap: u32,
    bands: Vec<Band>,
}

/// The points a value earns and the band that gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandScore {
    pub points: u32,
    pub band: Band,
    /// The band gave more than the cap allows.
    pub capped: bool,
}

impl Bands {
    pub fn new(factor: Factor, cap: u32, bands: Vec<Band>) -> Result<Bands, (usize, BandProblem)> {
        let Some(first) = bands.first() else {
            return Err((0, BandProblem::Empty));
        };
        if first.from != 0 {
            return Err((0, BandProblem::NotFromZero { from: first.from }));
        }
        let mut previous: Option<&Band> = None;
        for (i, band) in bands.iter().enumerate() {
            if let Some(to) = band.to
                && to <= band.from
            {
                return Err((
                    i,
                    BandProblem::BandEmpty {
                        from: band.from,
                        to,
                    },
                ));
            }
            if let Some(prev) = previous {
                let Some(previous_to) = prev.to else {
                    return Err((i - 1, BandProblem::OpenNotLast));
                };
                if band.from > previous_to {
                    return Err((
                        i,
                        BandProblem::Gap {
                            previous_to,
                            from: band.from,
                        },
                    ));
                }
                if band.from < previous_to {
                    return Err((
                        i,
                        BandProblem::Overlap {
                            previous_to,
                            from: band.from,
                        },
                    ));
                }
                let before = prev.max_raw_points().min(u64::from(cap));
                if factor.is_monotone() && u64::from(band.points).min(u64::from(cap)) < before {
                    return Err((i, BandProblem::Decrease { from: band.from }));
                }
            }
            if band.points > cap {
                return Err((
                    i,
                    BandProblem::AboveCap {
                        points: i64::from(band.points),
                    },
                ));
            }
            previous = Some(band);
        }
        if let Some(to) = bands.last().and_then(|b| b.to) {
            return Err((bands.len() - 1, BandProblem::LastBounded { to }));
        }
        Ok(Bands { cap, bands })
    }

    pub fn cap(&self) -> u32 {
        self.cap
    }

    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// The score of `x`; negative values count as 0.
    pub fn score(&self, x: i64) -> BandScore {
        self.score_scaled(x, 1)
    }

    /// The score of `x` measured in units `scale` times smaller than the bands' (fen against
    /// bands in yuan): bounds compare exactly, `per_unit` counts whole band units.
    pub fn score_scaled(&self, x: i64, scale: i64) -> BandScore {
        let x = x.max(0);
        let band = *self
            .bands
            .iter()
            .find(|b| {
                let lo = b.from.saturating_mul(scale);
                x >= lo && b.to.is_none_or(|to| x < to.saturating_mul(scale))
            })
            .expect("bands cover every non-negative value");
        let raw = band.raw_points(x / scale);
        debug_assert!(band.contains(x / scale));
        let capped = raw > u64::from(self.cap);
        BandScore {
            points: u32::try_from(raw.min(u64::from(self.cap))).expect("capped"),
            band,
            capped,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EducationPoints {
    pub cap: u32,
    pub doctorate: u32,
    pub master: u32,
    pub bachelor: u32,
    pub other: u32,
}

impl EducationPoints {
    pub fn points(&self, e: Education) -> u32 {
        match e {
            Education::Doctorate => self.doctorate,
            Education::Master => self.master,
            Education::Bachelor => self.bachelor,
            Education::Other => self.other,
        }
        .min(self.cap)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChinesePoints {
    /// Bands over the HSK level, 0 for none.
    pub hsk: Bands,
    pub former_chinese_national: u32,
    pub degree_taught_in_chinese: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationPoints {
    pub points: u32,
    pub regions: Vec<City>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtrasPoints {
    pub cap: u32,
    pub top_foreign_university: u32,
    pub fortune_global_500_experience: u32,
    pub patents: u32,
    pub years_in_china_min: u32,
    pub years_in_china: u32,
}

/// Every factor of the points table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointsTable {
    /// Bands in yuan a year.
    pub salary: Bands,
    pub education: EducationPoints,
    /// Bands in completed years.
    pub experience: Bands,
    /// Bands in months a year.
    pub months_in_china: Bands,
    pub chinese: ChinesePoints,
    pub location: LocationPoints,
    /// Bands in completed years of age.
    pub age: Bands,
    pub extras: ExtrasPoints,
    pub provincial_bonus_cap: u32,
}

impl PointsTable {
    /// The most points anyone can earn: the sum of the caps.
    pub fn max_total(&self) -> u32 {
        self.salary.cap
            + self.education.cap
            + self.experience.cap
            + self.months_in_china.cap
            + self.chinese.hsk.cap
            + self.location.points
            + self.age.cap
            + self.extras.cap
            + self.provincial_bonus_cap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(from: i64, to: Option<i64>, points: u32) -> Band {
        Band {
            from,
            to,
            points,
            per_unit: 0,
        }
    }

    #[test]
    fn refuses_malformed_bands() {
        let f = Factor::Salary;
        assert_eq!(Bands::new(f, 20, vec![]), Err((0, BandProblem::Empty)));
        assert_eq!(
            Bands::new(f, 20, vec![band(1, None, 0)]),
            Err((0, BandProblem::NotFromZero { from: 1 }))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, Some(5), 0), band(6, None, 5)]),
            Err((
                1,
                BandProblem::Gap {
                    previous_to: 5,
                    from: 6
                }
            ))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, Some(5), 0), band(4, None, 5)]),
            Err((
                1,
                BandProblem::Overlap {
                    previous_to: 5,
                    from: 4
                }
            ))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, None, 0), band(4, None, 5)]),
            Err((0, BandProblem::OpenNotLast))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, Some(4), 0)]),
            Err((0, BandProblem::LastBounded { to: 4 }))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, Some(0), 0), band(0, None, 1)]),
            Err((0, BandProblem::BandEmpty { from: 0, to: 0 }))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, None, 21)]),
            Err((0, BandProblem::AboveCap { points: 21 }))
        );
        assert_eq!(
            Bands::new(f, 20, vec![band(0, Some(4), 5), band(4, None, 3)]),
            Err((1, BandProblem::Decrease { from: 4 }))
        );
        // Age may fall again.
        assert!(Bands::new(Factor::Age, 20, vec![band(0, Some(4), 5), band(4, None, 3)]).is_ok());
    }

    #[test]
    fn per_unit_bands_grow_to_the_cap() {
        let b = Bands::new(
            Factor::Experience,
            20,
            vec![
                band(0, Some(2), 0),
                Band {
                    from: 2,
                    to: None,
                    points: 5,
                    per_unit: 1,
                },
            ],
        )
        .unwrap();
        let pts: Vec<u32> = [0, 1, 2, 3, 16, 17, 18, 60]
            .iter()
            .map(|y| b.score(*y).points)
            .collect();
        assert_eq!(pts, [0, 0, 5, 6, 19, 20, 20, 20]);
        assert!(b.score(18).capped);
        assert!(!b.score(17).capped);
    }

    #[test]
    fn scaled_bounds_compare_exactly() {
        let b = Bands::new(
            Factor::Salary,
            20,
            vec![band(0, Some(50_000), 0), band(50_000, None, 5)],
        )
        .unwrap();
        assert_eq!(b.score_scaled(4_999_999, 100).points, 0);
        assert_eq!(b.score_scaled(5_000_000, 100).points, 5);
        assert_eq!(b.score_scaled(-1, 100).points, 0);
    }
}
