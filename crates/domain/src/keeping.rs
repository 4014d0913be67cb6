//! Keeping contact (issue 9): planned appointments' time rules, the team's thresholds for
//! days since the person was last met, and the order of the "needs contact" list.
//!
//! The seeds' aim is "motvirke brudd": no one lost between the chairs. A person counts from
//! the last contact where they were **met**; contacts where they were not met ("ikke
//! truffet") in a row since then are the missed attempts. A person never met counts from
//! inclusion.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localized};

/// The longest appointment: a whole day (an accompanying trip can take most of one).
pub const MAX_APPOINTMENT_HOURS: i64 = 24;
/// How far back an appointment may start: a meeting that just happened can still be put in
/// the calendar the same week; older ones are contacts to log, not plans.
pub const MAX_APPOINTMENT_DAYS_BACK: i64 = 7;

/// What is wrong with an appointment's times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentError {
    /// The end is not after the start.
    EndBeforeStart,
    /// Longer than [`MAX_APPOINTMENT_HOURS`].
    TooLong,
    /// Starts more than [`MAX_APPOINTMENT_DAYS_BACK`] days ago.
    StartTooFarBack,
}

impl Localized for AppointmentError {
    fn code(&self) -> &'static str {
        match self {
            Self::EndBeforeStart => "end_before_start",
            Self::TooLong => "appointment_too_long",
            Self::StartTooFarBack => "start_too_far_back",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::EndBeforeStart, Lang::Nb) => "Slutt må være etter start.".into(),
            (Self::EndBeforeStart, Lang::En) => "The end must be after the start.".into(),
            (Self::TooLong, Lang::Nb) => {
                format!("En avtale kan vare høyst {MAX_APPOINTMENT_HOURS} timer.")
            }
            (Self::TooLong, Lang::En) => {
                format!("An appointment can last at most {MAX_APPOINTMENT_HOURS} hours.")
            }
            (Self::StartTooFarBack, Lang::Nb) => format!(
                "Starten kan ikke være mer enn {MAX_APPOINTMENT_DAYS_BACK} dager tilbake. Et møte som har vært, registreres som en kontakt."
            ),
            (Self::StartTooFarBack, Lang::En) => format!(
                "The start cannot be more than {MAX_APPOINTMENT_DAYS_BACK} days ago. A meeting that has taken place is logged as a contact."
            ),
        }
    }
}

/// Checks an appointment's times against `now`; the error names its field (`starts_at` or
/// `ends_at`).
pub fn check_appointment_times(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), (&'static str, AppointmentError)> {
    if starts_at < now - Duration::days(MAX_APPOINTMENT_DAYS_BACK) {
        return Err(("starts_at", AppointmentError::StartTooFarBack));
    }
    if ends_at <= starts_at {
        return Err(("ends_at", AppointmentError::EndBeforeStart));
    }
    if ends_at - starts_at > Duration::hours(MAX_APPOINTMENT_HOURS) {
        return Err(("ends_at", AppointmentError::TooLong));
    }
    Ok(())
}

/// Days without meeting the person before the team should act, per level of effort.
///
/// Defaults (the teams' seeds give no numbers, so these are Benk's choice, to be set per
/// team): level 1 ("in the team": the team itself follows the person, often several times a
/// week) 7 days; level 2 ("shoulder to shoulder": another service holds the relationship)
/// 14 days; level 3 (guidance, rarely a person the team meets) 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactThresholds {
    /// Level 1, in days.
    #[serde(deserialize_with = "whole_days")]
    pub level_1: u32,
    /// Level 2, in days.
    #[serde(deserialize_with = "whole_days")]
    pub level_2: u32,
    /// Level 3, in days.
    #[serde(deserialize_with = "whole_days")]
    pub level_3: u32,
}

/// A number of days written as a JSON number: `7` or `7.0` (JSON Schema counts both as
/// integers), never `7.5` or a negative number.
fn whole_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = f64::deserialize(d)?;
    if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
        Ok(v as u32)
    } else {
        Err(serde::de::Error::custom("expected a whole number of days"))
    }
}

impl Default for ContactThresholds {
    fn default() -> Self {
        ContactThresholds {
            level_1: 7,
            level_2: 14,
            level_3: 30,
        }
    }
}

impl ContactThresholds {
    /// The threshold for a level (1–3); no level (an episode without one) takes level 1's,
    /// the strictest.
    pub fn days_for(&self, level: Option<i64>) -> u32 {
        match level {
            Some(2) => self.level_2,
            Some(3) => self.level_3,
            _ => self.level_1,
        }
    }
}

/// One person's contact state, as the needs-contact list and "my clients" show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepingState {
    /// Days since the person was last met (or, never met, since inclusion).
    pub days_since_met: i64,
    /// Whether the person has never been met in this course.
    pub never_met: bool,
    /// Contacts where the person was not met since the last one they were.
    pub missed_in_row: i64,
    /// The team's threshold for the person's level.
    pub threshold: u32,
}

impl KeepingState {
    /// Days beyond the threshold (negative: days left).
    pub fn overdue_by(&self) -> i64 {
        self.days_since_met - i64::from(self.threshold)
    }

    /// Whether the person is beyond the threshold (the day itself is still within it).
    pub fn is_overdue(&self) -> bool {
        self.overdue_by() > 0
    }
}

/// The order of the needs-contact list: longest beyond the threshold first, then most
/// missed attempts in a row, then longest since met.
pub fn needs_contact_order(a: &KeepingState, b: &KeepingState) -> Ordering {
    b.overdue_by()
        .cmp(&a.overdue_by())
        .then(b.missed_in_row.cmp(&a.missed_in_row))
        .then(b.days_since_met.cmp(&a.days_since_met))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap()
    }

    #[test]
    fn appointment_times_name_the_field() {
        let now = t(0);
        assert_eq!(check_appointment_times(t(1), t(2), now), Ok(()));
        assert_eq!(
            check_appointment_times(t(2), t(1), now),
            Err(("ends_at", AppointmentError::EndBeforeStart))
        );
        assert_eq!(
            check_appointment_times(t(2), t(2), now),
            Err(("ends_at", AppointmentError::EndBeforeStart))
        );
        assert_eq!(check_appointment_times(t(1), t(25), now), Ok(()));
        assert_eq!(
            check_appointment_times(t(1), t(26), now),
            Err(("ends_at", AppointmentError::TooLong))
        );
        assert_eq!(
            check_appointment_times(t(-24 * 7), t(-24 * 7 + 1), now),
            Ok(())
        );
        assert_eq!(
            check_appointment_times(t(-24 * 7 - 1), t(-24 * 7), now),
            Err(("starts_at", AppointmentError::StartTooFarBack))
        );
    }

    #[test]
    fn thresholds_per_level_default_and_from_json() {
        let d = ContactThresholds::default();
        assert_eq!(
            (
                d.days_for(Some(1)),
                d.days_for(Some(2)),
                d.days_for(Some(3))
            ),
            (7, 14, 30)
        );
        assert_eq!(d.days_for(None), 7);
        let c: ContactThresholds = serde_json::from_str(r#"{"level_2": 10}"#).unwrap();
        assert_eq!((c.level_1, c.level_2, c.level_3), (7, 10, 30));
        assert!(serde_json::from_str::<ContactThresholds>(r#"{"level_4": 1}"#).is_err());
    }

    #[test]
    fn overdue_is_strictly_beyond_the_threshold() {
        let s = |days, threshold| KeepingState {
            days_since_met: days,
            never_met: false,
            missed_in_row: 0,
            threshold,
        };
        assert!(!s(7, 7).is_overdue());
        assert!(s(8, 7).is_overdue());
        assert_eq!(s(20, 14).overdue_by(), 6);
        assert_eq!(s(3, 14).overdue_by(), -11);
    }

    #[test]
    fn needs_contact_order_longest_beyond_first_then_missed_attempts() {
        let s = |days, threshold, missed| KeepingState {
            days_since_met: days,
            never_met: false,
            missed_in_row: missed,
            threshold,
        };
        let mut v = [
            s(10, 7, 0),  // 3 beyond
            s(40, 30, 1), // 10 beyond
            s(17, 14, 2), // 3 beyond, 2 missed
            s(2, 7, 5),   // within, 5 missed
        ];
        v.sort_by(needs_contact_order);
        assert_eq!(v[0].days_since_met, 40);
        assert_eq!(v[1].days_since_met, 17);
        assert_eq!(v[2].days_since_met, 10);
        assert_eq!(v[3].days_since_met, 2);
    }
}
