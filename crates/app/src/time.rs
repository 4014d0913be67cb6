//! Time: UTC in storage, Europe/Oslo for dates and times people see and choose.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;

/// An instant in Norwegian local time.
pub fn oslo(t: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
    t.with_timezone(&Oslo)
}

/// The date in Norway at an instant.
pub fn oslo_date(t: DateTime<Utc>) -> NaiveDate {
    oslo(t).date_naive()
}

/// Today's date in Norway.
pub fn oslo_today() -> NaiveDate {
    oslo_date(Utc::now())
}

/// Noon in Norway on a date, as an instant (for a contact logged for an earlier day).
pub fn oslo_noon(d: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let local = d.and_hms_opt(12, 0, 0).unwrap_or_default();
    Oslo.from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// A local Norwegian wall-clock time as UTC (`None` for a time that does not exist, in the
/// spring gap; in the autumn overlap the earlier instant).
pub fn from_oslo(local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    Oslo.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_on_new_years_eve_is_next_year_in_oslo() {
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap()),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2026, 7, 31, 21, 59, 0).unwrap()),
            NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()
        );
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2026, 7, 31, 22, 0, 0).unwrap()),
            NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()
        );
    }
}
