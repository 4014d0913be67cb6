//! The team's daily work outside the record (issue 9): the open hour, the drop-in centre
//! ("værested") and housing. Codes and the rules that need no I/O.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

use crate::coded::coded_enum;

coded_enum! {
    /// What a visitor used at the drop-in centre on a day (counted per service per day).
    pub enum DropInService {
        /// A visit (one person coming in, whatever they used).
        Visit => "visit", nb: "besøk", en: "visit";
        /// A meal.
        Meal => "meal", nb: "måltid", en: "meal";
        /// Coffee.
        Coffee => "coffee", nb: "kaffe", en: "coffee";
        /// A shower.
        Shower => "shower", nb: "dusj", en: "shower";
        /// Laundry.
        Laundry => "laundry", nb: "klesvask", en: "laundry";
        /// The clinic room (a nurse or doctor at the drop-in centre).
        ClinicRoom => "clinic_room", nb: "helserom", en: "clinic room";
    }
}

/// The largest count of one service on one day that is believed (a typo guard).
pub const MAX_DAILY_COUNT: i64 = 1000;

coded_enum! {
    /// Where the person lives, in the teams' words.
    pub enum HousingStatus {
        /// Their own home (owned or rented privately).
        OwnHome => "own_home", nb: "egen bolig", en: "own home";
        /// A municipal rental home.
        MunicipalRental => "municipal_rental", nb: "kommunal utleiebolig", en: "municipal rental";
        /// Temporary housing or a shelter (hospits).
        Temporary => "temporary", nb: "midlertidig bolig / hospits", en: "temporary housing / shelter";
        /// No home.
        Homeless => "homeless", nb: "bostedsløs", en: "homeless";
        /// An institution (treatment, care).
        Institution => "institution", nb: "institusjon", en: "institution";
        /// In prison.
        Prison => "prison", nb: "fengsel", en: "prison";
    }
}

impl HousingStatus {
    /// Whether the status counts as having a home ("got housing"): own home or municipal rental.
    pub fn is_housed(self) -> bool {
        matches!(
            self,
            HousingStatus::OwnHome | HousingStatus::MunicipalRental
        )
    }
}

coded_enum! {
    /// Where an application in the housing queue stands.
    pub enum HousingQueueStatus {
        /// Applied, waiting.
        Applied => "applied", nb: "søkt", en: "applied";
        /// Granted.
        Granted => "granted", nb: "innvilget", en: "granted";
        /// Refused.
        Refused => "refused", nb: "avslått", en: "refused";
        /// Withdrawn.
        Withdrawn => "withdrawn", nb: "trukket", en: "withdrawn";
    }
}

impl HousingQueueStatus {
    /// Whether the application has been decided (and so needs a decided date).
    pub fn is_decided(self) -> bool {
        !matches!(self, HousingQueueStatus::Applied)
    }
}

coded_enum! {
    /// Where a booking of the open hour stands.
    pub enum BookingStatus {
        /// Booked, not yet held.
        Booked => "booked", nb: "booket", en: "booked";
        /// Advice given (a guidance case was written).
        Advised => "advised", nb: "veiledet", en: "advised";
        /// Turned into a referral.
        Referred => "referred", nb: "henvist", en: "referred";
        /// Cancelled.
        Cancelled => "cancelled", nb: "avlyst", en: "cancelled";
    }
}

/// A recurring open-hour slot: every `weekday` at `start` for `length_min` minutes, with room
/// for `capacity` bookings, from `valid_from` until `valid_until` (inclusive, open if `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// ISO weekday.
    pub weekday: Weekday,
    /// Local (Oslo) start time.
    pub start: NaiveTime,
    /// Length in minutes.
    pub length_min: u32,
    /// Bookings per slot.
    pub capacity: u32,
    /// First date.
    pub valid_from: NaiveDate,
    /// Last date, if any.
    pub valid_until: Option<NaiveDate>,
}

impl Recurrence {
    /// Whether the recurrence has a slot on `date`.
    pub fn occurs_on(&self, date: NaiveDate) -> bool {
        date.weekday() == self.weekday
            && date >= self.valid_from
            && self.valid_until.is_none_or(|u| date <= u)
    }

    /// The dates of the slots from `from` through `to` (inclusive), in order.
    pub fn dates(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut d = from.max(self.valid_from);
        while d <= to && self.valid_until.is_none_or(|u| d <= u) {
            if d.weekday() == self.weekday {
                out.push(d);
                d += chrono::Duration::days(7);
            } else {
                d += chrono::Duration::days(1);
            }
        }
        out
    }
}

/// Weekday number as stored (1 Monday … 7 Sunday).
pub fn weekday_number(w: Weekday) -> i64 {
    i64::from(w.number_from_monday())
}

/// Weekday from its stored number.
pub fn weekday_from_number(n: i64) -> Option<Weekday> {
    match n {
        1 => Some(Weekday::Mon),
        2 => Some(Weekday::Tue),
        3 => Some(Weekday::Wed),
        4 => Some(Weekday::Thu),
        5 => Some(Weekday::Fri),
        6 => Some(Weekday::Sat),
        7 => Some(Weekday::Sun),
        _ => None,
    }
}

/// The weekday's name, in the plural the teams use ("torsdager").
pub fn weekday_label(w: Weekday, lang: crate::Lang) -> &'static str {
    const NB: [&str; 7] = [
        "mandager",
        "tirsdager",
        "onsdager",
        "torsdager",
        "fredager",
        "lørdager",
        "søndager",
    ];
    const EN: [&str; 7] = [
        "Mondays",
        "Tuesdays",
        "Wednesdays",
        "Thursdays",
        "Fridays",
        "Saturdays",
        "Sundays",
    ];
    let i = w.num_days_from_monday() as usize;
    match lang {
        crate::Lang::Nb => NB[i],
        crate::Lang::En => EN[i],
    }
}

/// A share with what it was computed from, so a report shows "7 of 9", not only "78 %".
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Ratio {
    /// How many had the outcome.
    pub numerator: i64,
    /// Of how many.
    pub denominator: i64,
}

impl Ratio {
    /// The share in percent, if there is a denominator.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0).then(|| 100.0 * self.numerator as f64 / self.denominator as f64)
    }
}

/// One person's course in the team, for the housing outcomes: included on, closed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Followed<K> {
    /// The person (any key).
    pub who: K,
    /// Included in the team.
    pub included_on: NaiveDate,
    /// Closed, if it is.
    pub closed_on: Option<NaiveDate>,
}

/// The housing facts the teams publish, computed, not typed ("all the homeless got housing",
/// C-Flex; "none were evicted", Tandem).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HousingOutcomes {
    /// Of the people followed in the period who were homeless when included (the newest status
    /// dated on or before the inclusion is `homeless`), how many got housing (own home or
    /// municipal rental) dated after the inclusion and by the period's end.
    pub homeless_got_housing: Ratio,
    /// The median days from inclusion to that housing, for those who got it.
    pub median_days_to_housing: Option<i64>,
    /// Of the people followed in the period, how many were evicted in the period while followed
    /// (on or after the inclusion, and not after the course closed).
    pub evicted_while_followed: Ratio,
}

/// The people followed in the period `from`–`to` (inclusive): the courses open at some time in
/// it, one per person, by the earliest inclusion (the reports' "people followed").
pub fn followed_in<K: Ord + Copy>(
    from: NaiveDate,
    to: NaiveDate,
    followed: &[Followed<K>],
) -> std::collections::BTreeMap<K, Followed<K>> {
    let mut people = std::collections::BTreeMap::new();
    for f in followed {
        if f.included_on > to || f.closed_on.is_some_and(|c| c < from) {
            continue;
        }
        people
            .entry(f.who)
            .and_modify(|e: &mut Followed<K>| {
                if f.included_on < e.included_on {
                    *e = *f;
                }
            })
            .or_insert(*f);
    }
    people
}

/// Computes [`HousingOutcomes`] for the period `from`–`to` (inclusive). `followed` are the
/// courses open at some time in the period (a person with two counts once, by the earliest);
/// `statuses` are (who, status, from date) and `evictions` (who, date), in any order.
pub fn housing_outcomes<K: Ord + Copy>(
    from: NaiveDate,
    to: NaiveDate,
    followed: &[Followed<K>],
    statuses: &[(K, HousingStatus, NaiveDate)],
    evictions: &[(K, NaiveDate)],
) -> HousingOutcomes {
    let people = followed_in(from, to, followed);
    let (mut homeless, mut housed, mut evicted) = (0, 0, 0);
    let mut days = Vec::new();
    for f in people.values() {
        let mine: Vec<&(K, HousingStatus, NaiveDate)> = statuses
            .iter()
            .filter(|s| s.0 == f.who && s.2 <= to)
            .collect();
        let at_inclusion = mine
            .iter()
            .filter(|s| s.2 <= f.included_on)
            .max_by_key(|s| s.2)
            .map(|s| s.1);
        if at_inclusion == Some(HousingStatus::Homeless) {
            homeless += 1;
            if let Some(first) = mine
                .iter()
                .filter(|s| s.2 > f.included_on && s.1.is_housed())
                .map(|s| s.2)
                .min()
            {
                housed += 1;
                days.push((first - f.included_on).num_days());
            }
        }
        let until = f.closed_on.map_or(to, |c| c.min(to));
        let start = f.included_on.max(from);
        if evictions
            .iter()
            .any(|e| e.0 == f.who && e.1 >= start && e.1 <= until)
        {
            evicted += 1;
        }
    }
    days.sort_unstable();
    HousingOutcomes {
        homeless_got_housing: Ratio {
            numerator: housed,
            denominator: homeless,
        },
        median_days_to_housing: (!days.is_empty()).then(|| days[days.len() / 2]),
        evicted_while_followed: Ratio {
            numerator: evicted,
            denominator: people.len() as i64,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    #[test]
    fn tables() {
        assert_coded(
            DropInService::ALL,
            DropInService::code,
            DropInService::from_code,
            DropInService::label,
        );
        assert_coded(
            HousingStatus::ALL,
            HousingStatus::code,
            HousingStatus::from_code,
            HousingStatus::label,
        );
        assert_coded(
            HousingQueueStatus::ALL,
            HousingQueueStatus::code,
            HousingQueueStatus::from_code,
            HousingQueueStatus::label,
        );
        assert_coded(
            BookingStatus::ALL,
            BookingStatus::code,
            BookingStatus::from_code,
            BookingStatus::label,
        );
    }

    #[test]
    fn housing_words_are_the_teams() {
        let nb: Vec<_> = HousingStatus::ALL
            .iter()
            .map(|s| s.label(crate::Lang::Nb))
            .collect();
        assert_eq!(
            nb,
            [
                "egen bolig",
                "kommunal utleiebolig",
                "midlertidig bolig / hospits",
                "bostedsløs",
                "institusjon",
                "fengsel"
            ]
        );
        assert!(HousingStatus::MunicipalRental.is_housed());
        assert!(!HousingStatus::Temporary.is_housed());
    }

    #[test]
    fn thursdays_from_a_date_until_a_date() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let r = Recurrence {
            weekday: Weekday::Thu,
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            length_min: 30,
            capacity: 2,
            valid_from: d(12, 3),
            valid_until: Some(d(12, 24)),
        };
        assert_eq!(
            r.dates(d(11, 30), d(12, 31)),
            vec![d(12, 3), d(12, 10), d(12, 17), d(12, 24)]
        );
        assert!(r.occurs_on(d(12, 10)));
        assert!(!r.occurs_on(d(12, 11)));
        assert!(!r.occurs_on(d(12, 31)));
        assert!(!r.occurs_on(d(11, 26)));
        assert_eq!(
            weekday_from_number(weekday_number(Weekday::Thu)),
            Some(Weekday::Thu)
        );
        assert_eq!(
            Ratio {
                numerator: 7,
                denominator: 9
            }
            .percent()
            .map(|p| p.round()),
            Some(78.0)
        );
        assert_eq!(
            Ratio {
                numerator: 0,
                denominator: 0
            }
            .percent(),
            None
        );
    }

    #[test]
    fn housing_outcomes_by_hand() {
        use HousingStatus::*;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let f = |who, inc, closed| Followed {
            who,
            included_on: inc,
            closed_on: closed,
        };
        // Period: 2026-03-01 … 2026-08-31.
        let followed = [
            f(1, d(1, 10), None), // homeless at inclusion, municipal rental 4.1 → housed
            f(2, d(3, 5), None),  // homeless at inclusion, only temporary → not housed
            f(3, d(4, 1), None),  // own home at inclusion; evicted 6.1 → evicted
            f(4, d(2, 1), Some(d(2, 20))), // closed before the period: not counted
            f(5, d(5, 1), Some(d(7, 1))), // homeless; housed 9.1 (after the period) → not housed;
            // evicted 7.15, after closing → not counted
            f(6, d(9, 2), None), // included after the period: not counted
            f(1, d(6, 1), None), // a second course of person 1: counted once
        ];
        let statuses = [
            (1, Homeless, d(1, 1)),
            (1, MunicipalRental, d(4, 1)),
            (2, Homeless, d(3, 5)),
            (2, Temporary, d(5, 1)),
            (3, OwnHome, d(1, 1)),
            (3, Homeless, d(6, 1)),
            (4, Homeless, d(1, 1)),
            (5, Temporary, d(1, 1)),
            (5, Homeless, d(4, 20)),
            (5, OwnHome, d(9, 1)),
        ];
        let evictions = [(3, d(6, 1)), (5, d(7, 15)), (4, d(2, 10))];
        let o = housing_outcomes(d(3, 1), d(8, 31), &followed, &statuses, &evictions);
        // Followed in the period: 1, 2, 3, 5. Homeless at inclusion: 1, 2, 5. Housed: 1 (81 days).
        assert_eq!(
            o.homeless_got_housing,
            Ratio {
                numerator: 1,
                denominator: 3
            }
        );
        assert_eq!(o.median_days_to_housing, Some(81));
        assert_eq!(
            o.evicted_while_followed,
            Ratio {
                numerator: 1,
                denominator: 4
            }
        );
    }
}
