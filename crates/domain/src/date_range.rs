//! Periods of dates: how long a grant, care relationship or plan lasts.

use crate::lang::{Lang, Localized};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A span of whole days from `from` to `to`, both inclusive; no `to` means still ongoing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodFields")]
pub struct Period {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// The unchecked shape of a period, so deserializing goes through [`Period::new`].
#[derive(Deserialize)]
struct PeriodFields {
    from: NaiveDate,
    #[serde(default)]
    to: Option<NaiveDate>,
}

/// Why two dates do not make a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PeriodError {
    /// The end date is before the start date.
    #[error("The end date cannot be before the start date.")]
    EndBeforeStart,
}

impl Localized for PeriodError {
    fn code(&self) -> &'static str {
        match self {
            Self::EndBeforeStart => "period_end_before_start",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::EndBeforeStart => "Sluttdatoen kan ikke være før startdatoen.".into(),
            },
        }
    }
}

impl Period {
    /// A period from `from` to `to` (inclusive), or ongoing if `to` is `None`; `to` ≥ `from`.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Period, PeriodError> {
        match to {
            Some(to) if to < from => Err(PeriodError::EndBeforeStart),
            _ => Ok(Period { from, to }),
        }
    }

    /// An ongoing period starting on `from`.
    pub fn starting(from: NaiveDate) -> Period {
        Period { from, to: None }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day, if the period has ended or has a planned end.
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// Whether the period has no end date.
    pub fn is_open_ended(&self) -> bool {
        self.to.is_none()
    }

    /// Whether `date` falls within the period (both ends inclusive).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }

    /// The same period ending on `to` (e.g. when a care measure ends); `to` ≥ the start.
    pub fn ending_on(self, to: NaiveDate) -> Result<Period, PeriodError> {
        Period::new(self.from, Some(to))
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps(&self, other: &Period) -> bool {
        let starts_before_other_ends = other.to.is_none_or(|end| self.from <= end);
        let other_starts_before_self_ends = self.to.is_none_or(|end| other.from <= end);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

impl TryFrom<PeriodFields> for Period {
    type Error = PeriodError;

    fn try_from(f: PeriodFields) -> Result<Self, Self::Error> {
        Period::new(f.from, f.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_localized;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn rejects_end_before_start() {
        assert_eq!(
            Period::new(d(2024, 3, 2), Some(d(2024, 3, 1))),
            Err(PeriodError::EndBeforeStart)
        );
        assert_eq!(
            Period::starting(d(2024, 3, 2)).ending_on(d(2023, 12, 31)),
            Err(PeriodError::EndBeforeStart)
        );
    }

    #[test]
    fn single_day_and_open_periods_are_fine() {
        let one = Period::new(d(2024, 3, 1), Some(d(2024, 3, 1))).unwrap();
        assert!(one.is_active_on(d(2024, 3, 1)));
        assert!(!one.is_open_ended());
        let open = Period::new(d(2024, 3, 1), None).unwrap();
        assert!(open.is_open_ended());
        assert_eq!(open, Period::starting(d(2024, 3, 1)));
        assert_eq!(open.from(), d(2024, 3, 1));
        assert_eq!(open.to(), None);
    }

    #[test]
    fn active_on_is_inclusive_at_both_ends() {
        let p = Period::new(d(2024, 1, 10), Some(d(2024, 2, 29))).unwrap();
        assert!(!p.is_active_on(d(2024, 1, 9)));
        assert!(p.is_active_on(d(2024, 1, 10)));
        assert!(p.is_active_on(d(2024, 2, 1)));
        assert!(p.is_active_on(d(2024, 2, 29)));
        assert!(!p.is_active_on(d(2024, 3, 1)));
    }

    #[test]
    fn open_period_is_active_from_start_on() {
        let p = Period::starting(d(2024, 1, 10));
        assert!(!p.is_active_on(d(2024, 1, 9)));
        assert!(p.is_active_on(d(2024, 1, 10)));
        assert!(p.is_active_on(d(2099, 12, 31)));
    }

    #[test]
    fn ending_on_closes_an_open_period() {
        let p = Period::starting(d(2024, 1, 10))
            .ending_on(d(2024, 6, 30))
            .unwrap();
        assert_eq!(p.to(), Some(d(2024, 6, 30)));
        assert!(!p.is_active_on(d(2024, 7, 1)));
    }

    #[test]
    fn overlaps() {
        let jan = Period::new(d(2024, 1, 1), Some(d(2024, 1, 31))).unwrap();
        let feb = Period::new(d(2024, 2, 1), Some(d(2024, 2, 29))).unwrap();
        let jan31_on = Period::starting(d(2024, 1, 31));
        let from_march = Period::starting(d(2024, 3, 1));
        assert!(!jan.overlaps(&feb));
        assert!(!feb.overlaps(&jan));
        assert!(jan.overlaps(&jan31_on));
        assert!(jan31_on.overlaps(&jan));
        assert!(jan31_on.overlaps(&from_march));
        assert!(!from_march.overlaps(&feb));
        assert!(jan.overlaps(&jan));
    }

    #[test]
    fn deserializing_goes_through_new() {
        let ok = PeriodFields {
            from: d(2024, 1, 1),
            to: Some(d(2024, 1, 2)),
        };
        assert!(Period::try_from(ok).is_ok());
        let bad = PeriodFields {
            from: d(2024, 1, 2),
            to: Some(d(2024, 1, 1)),
        };
        assert_eq!(Period::try_from(bad), Err(PeriodError::EndBeforeStart));
    }

    #[test]
    fn deserializes_open_period_from_map() {
        use serde::de::value::{Error, MapDeserializer};
        let map = MapDeserializer::<_, Error>::new([("from", "2024-05-01")].into_iter());
        let p = Period::deserialize(map).unwrap();
        assert_eq!(p, Period::starting(d(2024, 5, 1)));
    }

    #[test]
    fn error_localized() {
        assert_localized(&[PeriodError::EndBeforeStart]);
    }
}
