//! Working days in Norway and the dates the intake board shows: the assessment deadline and the
//! next intake meeting (issue 8).
//!
//! A referral to the specialist health service must be assessed within 10 working days
//! (pasient- og brukerrettighetsloven § 2-2). Working days are Monday to Friday except the
//! public holidays of lov om helligdager og helligdagsfred § 2 and 1 and 17 May: New Year's Day,
//! Maundy Thursday, Good Friday, Easter Sunday and Monday, 1 May, 17 May, Ascension Day, Whit
//! Sunday and Monday, Christmas Day and Boxing Day. Christmas Eve and New Year's Eve are not
//! public holidays.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// Working days the specialist health service has to assess a referral (pbrl. § 2-2).
pub const ASSESSMENT_WORKING_DAYS: u32 = 10;

/// Easter Sunday (Gregorian calendar; the anonymous "Meeus/Jones/Butcher" algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Month is 3 or 4 and day 1–31 by construction.
    #[allow(clippy::cast_sign_loss)]
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or_default()
}

/// Whether a date is a Norwegian public holiday.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    let fixed = matches!(
        (date.month(), date.day()),
        (1, 1) | (5, 1) | (5, 17) | (12, 25) | (12, 26)
    );
    if fixed {
        return true;
    }
    let easter = easter_sunday(date.year());
    let offset = (date - easter).num_days();
    matches!(offset, -3 | -2 | 0 | 1 | 39 | 49 | 50)
}

/// Whether a date is a working day: Monday to Friday and not a public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(date)
}

/// The `n`th working day after `from` (`from` itself does not count).
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut date = from;
    let mut left = n;
    while left > 0 {
        date += Duration::days(1);
        if is_working_day(date) {
            left -= 1;
        }
    }
    date
}

/// The date by which a referral received on `received_on` must be assessed: 10 working days
/// later (pbrl. § 2-2).
pub fn assessment_deadline(received_on: NaiveDate) -> NaiveDate {
    add_working_days(received_on, ASSESSMENT_WORKING_DAYS)
}

/// When a team's intake meeting is held each week (team policy), e.g. Thursdays 09:00 (C-Flex's
/// open hour, `001`/`003`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeMeeting {
    /// The weekday, in English: `monday` … `sunday`.
    #[serde(with = "weekday_name")]
    pub weekday: Weekday,
    /// The local time (Europe/Oslo), "HH:MM".
    #[serde(with = "hh_mm")]
    pub time: NaiveTime,
}

impl IntakeMeeting {
    /// The next meeting at or after `now` (local time). A meeting today that has not started yet
    /// is the next one. Holidays are not skipped: the team moves a meeting itself.
    pub fn next_after(&self, now: NaiveDateTime) -> NaiveDateTime {
        let today = now.date();
        let ahead = (7 + i64::from(self.weekday.num_days_from_monday())
            - i64::from(today.weekday().num_days_from_monday()))
            % 7;
        let mut date = today + Duration::days(ahead);
        if ahead == 0 && now.time() > self.time {
            date += Duration::days(7);
        }
        date.and_time(self.time)
    }
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// The weekday's name in Norwegian (lower case), e.g. "torsdag".
pub fn weekday_nb(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "mandag",
        Weekday::Tue => "tirsdag",
        Weekday::Wed => "onsdag",
        Weekday::Thu => "torsdag",
        Weekday::Fri => "fredag",
        Weekday::Sat => "lørdag",
        Weekday::Sun => "søndag",
    }
}

/// The weekday's English name with a capital, e.g. "Thursday".
pub fn weekday_en(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

mod weekday_name {
    use super::WEEKDAYS;
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        let name = WEEKDAYS
            .iter()
            .find(|(_, d)| d == w)
            .map_or("monday", |(n, _)| n);
        s.serialize_str(name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let s = String::deserialize(d)?;
        WEEKDAYS
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, w)| *w)
            .ok_or_else(|| serde::de::Error::custom("a weekday: monday … sunday"))
    }
}

mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() != 5 {
            return Err(serde::de::Error::custom("a time as HH:MM"));
        }
        NaiveTime::parse_from_str(&s, "%H:%M")
            .map_err(|_| serde::de::Error::custom("a time as HH:MM"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter_sunday(2024), d(2024, 3, 31));
        assert_eq!(easter_sunday(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday(2026), d(2026, 4, 5));
        assert_eq!(easter_sunday(2027), d(2027, 3, 28));
        assert_eq!(easter_sunday(2038), d(2038, 4, 25));
    }

    #[test]
    fn holidays_2026() {
        for h in [
            d(2026, 1, 1),
            d(2026, 4, 2), // Maundy Thursday
            d(2026, 4, 3), // Good Friday
            d(2026, 4, 5), // Easter Sunday
            d(2026, 4, 6), // Easter Monday
            d(2026, 5, 1),
            d(2026, 5, 14), // Ascension Day
            d(2026, 5, 17),
            d(2026, 5, 24), // Whit Sunday
            d(2026, 5, 25), // Whit Monday
            d(2026, 12, 25),
            d(2026, 12, 26),
        ] {
            assert!(is_public_holiday(h), "{h}");
            assert!(!is_working_day(h), "{h}");
        }
        for not in [
            d(2026, 12, 24),
            d(2026, 12, 31),
            d(2026, 4, 1),
            d(2026, 4, 7),
        ] {
            assert!(!is_public_holiday(not), "{not}");
        }
        assert!(!is_working_day(d(2026, 11, 28))); // Saturday
        assert!(is_working_day(d(2026, 11, 30))); // Monday
    }

    #[test]
    fn ten_working_days_in_an_ordinary_fortnight() {
        // Monday 2 Nov 2026 → Monday 16 Nov.
        assert_eq!(assessment_deadline(d(2026, 11, 2)), d(2026, 11, 16));
        // Received on a Saturday: counting starts on Monday.
        assert_eq!(assessment_deadline(d(2026, 11, 7)), d(2026, 11, 20));
    }

    #[test]
    fn ten_working_days_across_easter() {
        // Monday 30 March 2026: Thu 2, Fri 3 and Mon 6 April are holidays.
        // Working days: 31/3, 1/4, 7/4, 8/4, 9/4, 10/4, 13/4, 14/4, 15/4, 16/4.
        assert_eq!(assessment_deadline(d(2026, 3, 30)), d(2026, 4, 16));
        // Easter 2027 is in March (28th): Thu 25, Fri 26, Mon 29 March.
        // From Mon 22 March: 23, 24, 30, 31, 1/4, 2/4, 5/4, 6/4, 7/4, 8/4.
        assert_eq!(assessment_deadline(d(2027, 3, 22)), d(2027, 4, 8));
    }

    #[test]
    fn ten_working_days_across_christmas() {
        // Friday 18 Dec 2026: 21, 22, 23, 24 (Christmas Eve is a working day), 28, 29, 30, 31,
        // then 1 Jan is a holiday: 4, 5 January 2027.
        assert_eq!(assessment_deadline(d(2026, 12, 18)), d(2027, 1, 5));
        // Christmas Day on a Friday (2026) and Boxing Day on Saturday.
        assert_eq!(add_working_days(d(2026, 12, 24), 1), d(2026, 12, 28));
    }

    #[test]
    fn next_meeting() {
        let thu9 = IntakeMeeting {
            weekday: Weekday::Thu,
            time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        };
        let at = |y, m, day, h, min| d(y, m, day).and_hms_opt(h, min, 0).unwrap();
        // Sunday 29 Nov 2026 → Thursday 3 Dec.
        assert_eq!(
            thu9.next_after(at(2026, 11, 29, 12, 0)),
            at(2026, 12, 3, 9, 0)
        );
        // Thursday before nine: today; at nine: still today; after: next week.
        assert_eq!(
            thu9.next_after(at(2026, 12, 3, 8, 0)),
            at(2026, 12, 3, 9, 0)
        );
        assert_eq!(
            thu9.next_after(at(2026, 12, 3, 9, 0)),
            at(2026, 12, 3, 9, 0)
        );
        assert_eq!(
            thu9.next_after(at(2026, 12, 3, 9, 1)),
            at(2026, 12, 10, 9, 0)
        );
        // Friday → next Thursday.
        assert_eq!(
            thu9.next_after(at(2026, 12, 4, 9, 0)),
            at(2026, 12, 10, 9, 0)
        );
    }

    #[test]
    fn meeting_serde() {
        let m: IntakeMeeting =
            serde_json::from_str(r#"{"weekday": "thursday", "time": "09:00"}"#).unwrap();
        assert_eq!(m.weekday, Weekday::Thu);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"weekday":"thursday","time":"09:00"}"#
        );
        for bad in [
            r#"{"weekday": "torsdag", "time": "09:00"}"#,
            r#"{"weekday": "thursday", "time": "9:00"}"#,
            r#"{"weekday": "thursday", "time": "25:00"}"#,
            r#"{"weekday": "thursday"}"#,
            r#"{"weekday": "thursday", "time": "09:00", "x": 1}"#,
        ] {
            assert!(serde_json::from_str::<IntakeMeeting>(bad).is_err(), "{bad}");
        }
        assert_eq!(weekday_nb(Weekday::Thu), "torsdag");
        assert_eq!(weekday_en(Weekday::Thu), "Thursday");
    }
}
