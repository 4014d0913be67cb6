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

/// Norway's UTC offset in seconds at an instant.
pub fn oslo_offset(t: DateTime<Utc>) -> i32 {
    use chrono::Offset;
    oslo(t).offset().fix().local_minus_utc()
}

/// Norway's UTC offset over `[from, until)`: the offset (seconds) at `from`, then each instant
/// in the span at which it changes, with the new offset. For reads that turn instants into
/// Norwegian days in SQL (the same days as [`oslo_date`]). Finds the changes a day at a time,
/// then to the second.
pub fn oslo_offsets(from: DateTime<Utc>, until: DateTime<Utc>) -> (i32, Vec<(DateTime<Utc>, i32)>) {
    let first = oslo_offset(from);
    let mut changes = Vec::new();
    let (mut at, mut off) = (from, first);
    let day = chrono::Duration::days(1);
    while at < until {
        let next = (at + day).min(until);
        let next_off = oslo_offset(next);
        if next_off != off {
            // The change lies in (at, next]: narrow it to the first second with the new offset.
            let (mut lo, mut hi) = (at, next);
            while hi - lo > chrono::Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if oslo_offset(mid) == off {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            // The change is on a whole second (on the hour, in fact): `hi` lies less than a
            // second after it, so the whole second below `hi` is the change itself.
            let whole = DateTime::from_timestamp(hi.timestamp(), 0).unwrap_or(hi);
            let hi = if whole > lo && oslo_offset(whole) == next_off {
                whole
            } else {
                hi
            };
            if hi < until {
                changes.push((hi, next_off));
            }
            off = next_off;
        }
        at = next;
    }
    (first, changes)
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

    #[test]
    fn the_offsets_of_a_year_change_at_one_in_the_morning_utc() {
        let from = Utc.with_ymd_and_hms(2025, 12, 31, 23, 0, 0).unwrap();
        let until = Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap();
        let (first, changes) = oslo_offsets(from, until);
        assert_eq!(first, 3600);
        assert_eq!(
            changes,
            vec![
                (Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap(), 7200),
                (Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap(), 3600),
            ]
        );
        // A summer span has none.
        let (first, changes) = oslo_offsets(
            Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap(),
        );
        assert_eq!((first, changes.len()), (7200, 0));
    }
}
