//! Registry events (issue 10): the raw data of the C-Flex evaluation, which compares equal
//! windows before and after a person's inclusion.
//!
//! Four kinds: an inpatient stay (admission, discharge or still admitted, institution,
//! voluntary or compulsory care), an emergency visit (a day and a place), a police event (an
//! event or an arrest) and a prison stay (start, end or still serving).
//!
//! **Days are nights** ("liggedøgn", as the patient administrative systems count them): a stay
//! from its first day `start` to its last day `end` occupies the nights `start`, `start + 1`,
//! …, `end - 1`; the night belongs to the date it begins. A stay admitted and discharged the
//! same day is an admission with no inpatient days. A stay with no end (still admitted, still
//! serving) occupies every night from its start on; the caller ends the window at today.
//!
//! **Before or after inclusion**: a date before the inclusion day (the episode's start) is
//! before; the inclusion day itself and later are after. A stay is listed and its admission
//! counted by its first day; its nights are split at the inclusion day ([`days_in_window`] over
//! the two windows), so a stay from 10 to 20 March with inclusion on 15 March has five nights
//! before (10–14) and five after (15–19).
//!
//! **Equal windows** ([`Windows::around`]): the window before is the `months` calendar months
//! before the inclusion day (12 in C-Flex: from the same day a year earlier up to the day
//! before inclusion); the window after starts on the inclusion day and has **the same number of
//! days**. Where the window after has not ended yet, it is counted up to today and marked
//! incomplete.

use chrono::{Months, NaiveDate};

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};

coded_enum! {
    /// What kind of registry event.
    pub enum RegistryKind {
        /// An inpatient stay in a hospital or DPS ("innleggelse").
        Inpatient => "inpatient", nb: "Innleggelse", en: "Inpatient stay";
        /// A visit to an emergency clinic or department ("akuttbesøk").
        Emergency => "emergency", nb: "Akuttbesøk", en: "Emergency visit";
        /// A police event or an arrest.
        Police => "police", nb: "Politihendelse", en: "Police event";
        /// A prison stay ("fengselsopphold").
        Prison => "prison", nb: "Fengselsopphold", en: "Prison stay";
    }
}

coded_enum! {
    /// Where an emergency visit was.
    pub enum EmergencyPlace {
        /// The municipal emergency clinic ("legevakt").
        EmergencyClinic => "emergency_clinic", nb: "Legevakt", en: "Emergency clinic (legevakt)";
        /// The hospital's emergency department ("akuttmottak").
        EmergencyDepartment => "emergency_department", nb: "Akuttmottak", en: "Emergency department";
        /// An acute psychiatric ambulatory team or ward ("akutteam/akuttpost").
        AcutePsychiatry => "acute_psychiatry", nb: "Akutteam / akuttpsykiatri", en: "Acute psychiatry";
        /// Somewhere else.
        Other => "other", nb: "Annet", en: "Other";
    }
}

coded_enum! {
    /// What kind of police event.
    pub enum PoliceKind {
        /// A police event involving the person ("hendelse").
        Event => "event", nb: "Hendelse", en: "Event";
        /// An arrest ("pågripelse").
        Arrest => "arrest", nb: "Pågripelse", en: "Arrest";
    }
}

/// Which side of inclusion a date lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InclusionSide {
    /// Before the inclusion day.
    Before,
    /// On the inclusion day or later.
    After,
}

/// Before (earlier than the inclusion day) or after (the inclusion day and later).
pub fn inclusion_side(date: NaiveDate, inclusion: NaiveDate) -> InclusionSide {
    if date < inclusion {
        InclusionSide::Before
    } else {
        InclusionSide::After
    }
}

/// A stay: its first day and its last day (the discharge or release), or none while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stay {
    /// The first day (admission, start of the sentence).
    pub start: NaiveDate,
    /// The last day (discharge, release); `None` while it lasts.
    pub end: Option<NaiveDate>,
}

impl Stay {
    /// A stay; the end (if any) must not be before the start.
    pub fn new(start: NaiveDate, end: Option<NaiveDate>) -> Result<Stay, RegistryError> {
        match end {
            Some(e) if e < start => Err(RegistryError::EndBeforeStart),
            _ => Ok(Stay { start, end }),
        }
    }

    /// Whether each stay begins before the other ends: they share a night, or one is a
    /// same-day stay on a night of the other. A discharge on the day of the next admission
    /// (a transfer) is not an overlap, nor are a same-day stay and a stay beginning that day.
    pub fn overlaps(&self, other: &Stay) -> bool {
        let before_end = |d: NaiveDate, s: &Stay| s.end.is_none_or(|e| d < e);
        // [a, b) and [c, d) overlap when a < d and c < b; an ongoing stay has no end.
        before_end(self.start, other) && before_end(other.start, self)
    }
}

/// The nights of `stay` that fall in the window `from..=to` (both inclusive). A night
/// belongs to the date it begins; the last day of a stay is not a night of it. A stay
/// without an end counts every night up to `to`.
pub fn days_in_window(stay: &Stay, from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return 0;
    }
    let first = stay.start.max(from);
    // The last night of the stay is the day before its last day.
    let last = match stay.end {
        Some(end) => match end.pred_opt() {
            Some(d) => d.min(to),
            None => return 0,
        },
        None => to,
    };
    if last < first {
        0
    } else {
        (last - first).num_days() + 1
    }
}

/// The two equal windows around an inclusion day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// First day of the window before.
    pub before_from: NaiveDate,
    /// Last day of the window before (the day before inclusion).
    pub before_to: NaiveDate,
    /// First day of the window after (the inclusion day).
    pub after_from: NaiveDate,
    /// Last day of the window after as far as it has run (today at most).
    pub after_to: NaiveDate,
    /// The window after has run its full length.
    pub after_complete: bool,
    /// The length of each window in days.
    pub days: i64,
}

impl Windows {
    /// `months` calendar months before the inclusion day, and as many days from it, the
    /// window after counted up to `today` at most. `None` if the inclusion lies in the future.
    pub fn around(inclusion: NaiveDate, months: u32, today: NaiveDate) -> Option<Windows> {
        if inclusion > today {
            return None;
        }
        let before_from = inclusion.checked_sub_months(Months::new(months))?;
        let before_to = inclusion.pred_opt()?;
        let days = (inclusion - before_from).num_days();
        let full_to = inclusion + chrono::Duration::days(days - 1);
        Some(Windows {
            before_from,
            before_to,
            after_from: inclusion,
            after_to: full_to.min(today),
            after_complete: full_to <= today,
            days,
        })
    }
}

/// What an event is, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// An inpatient stay; `true` if under compulsory care.
    Inpatient(Stay, bool),
    /// An emergency visit on a day.
    Emergency(NaiveDate),
    /// A police event on a day; `true` for an arrest.
    Police(NaiveDate, bool),
    /// A prison stay.
    Prison(Stay),
}

/// The totals of one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct WindowTotals {
    /// Admissions (inpatient stays whose first day is in the window).
    pub admissions: i64,
    /// Of those, under compulsory care.
    pub compulsory_admissions: i64,
    /// Inpatient nights in the window.
    pub inpatient_days: i64,
    /// Emergency visits.
    pub emergency_visits: i64,
    /// Police events, arrests included.
    pub police_events: i64,
    /// Of those, arrests.
    pub arrests: i64,
    /// Prison nights in the window.
    pub prison_days: i64,
}

/// Adds up the events of the window `from..=to`.
pub fn window_totals(events: &[Counted], from: NaiveDate, to: NaiveDate) -> WindowTotals {
    let inside = |d: NaiveDate| from <= d && d <= to;
    let mut t = WindowTotals::default();
    for e in events {
        match *e {
            Counted::Inpatient(stay, compulsory) => {
                if inside(stay.start) {
                    t.admissions += 1;
                    t.compulsory_admissions += i64::from(compulsory);
                }
                t.inpatient_days += days_in_window(&stay, from, to);
            }
            Counted::Emergency(d) => t.emergency_visits += i64::from(inside(d)),
            Counted::Police(d, arrest) => {
                if inside(d) {
                    t.police_events += 1;
                    t.arrests += i64::from(arrest);
                }
            }
            Counted::Prison(stay) => t.prison_days += days_in_window(&stay, from, to),
        }
    }
    t
}

/// The earliest date an event may have.
pub fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date")
}

/// Checks a date of an event: not in the future, not before 1900.
pub fn check_date(date: NaiveDate, today: NaiveDate) -> Result<(), RegistryError> {
    if date > today {
        Err(RegistryError::FutureDate)
    } else if date < earliest() {
        Err(RegistryError::TooEarly)
    } else {
        Ok(())
    }
}

/// Why an event was refused. The caller names the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// A date after today.
    #[error("future date")]
    FutureDate,
    /// A date before 1900.
    #[error("too early")]
    TooEarly,
    /// The discharge or release is before the admission or start.
    #[error("end before start")]
    EndBeforeStart,
    /// A legal basis given for voluntary care.
    #[error("legal basis for voluntary care")]
    BasisWithoutCompulsion,
    /// The stay overlaps another stay of the same kind (its first and last day).
    #[error("overlaps another stay")]
    Overlap {
        /// The other stay's first day.
        start: NaiveDate,
        /// Its last day, if it has ended.
        end: Option<NaiveDate>,
    },
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

impl Localized for RegistryError {
    fn code(&self) -> &'static str {
        match self {
            Self::FutureDate => "future_date",
            Self::TooEarly => "too_early",
            Self::EndBeforeStart => "end_before_start",
            Self::BasisWithoutCompulsion => "basis_without_compulsion",
            Self::Overlap { .. } => "overlapping_stay",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::FutureDate, Lang::Nb) => "Datoen kan ikke være i fremtiden.".into(),
            (Self::FutureDate, Lang::En) => "The date cannot be in the future.".into(),
            (Self::TooEarly, Lang::Nb) => "Datoen kan ikke være før 1900.".into(),
            (Self::TooEarly, Lang::En) => "The date cannot be before 1900.".into(),
            (Self::EndBeforeStart, Lang::Nb) => {
                "Sluttdatoen (utskrivning eller løslatelse) kan ikke være før startdatoen.".into()
            }
            (Self::EndBeforeStart, Lang::En) => {
                "The end date (discharge or release) cannot be before the start date.".into()
            }
            (Self::BasisWithoutCompulsion, Lang::Nb) => {
                "Hjemmel for tvang gis bare når innleggelsen er tvungen.".into()
            }
            (Self::BasisWithoutCompulsion, Lang::En) => {
                "A legal basis is given only for compulsory care.".into()
            }
            (Self::Overlap { start, end }, Lang::Nb) => format!(
                "Overlapper et annet opphold ({}–{}).",
                dmy(*start),
                end.map(dmy).unwrap_or_else(|| "pågår".into())
            ),
            (Self::Overlap { start, end }, Lang::En) => format!(
                "Overlaps another stay ({}–{}).",
                dmy(*start),
                end.map(dmy).unwrap_or_else(|| "ongoing".into())
            ),
        }
    }
}

/// The first stay in `others` that `stay` overlaps, as an error naming its dates.
pub fn check_overlap<'a>(
    stay: &Stay,
    others: impl IntoIterator<Item = &'a Stay>,
) -> Result<(), RegistryError> {
    match others.into_iter().find(|o| stay.overlaps(o)) {
        Some(o) => Err(RegistryError::Overlap {
            start: o.start,
            end: o.end,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn stay(a: NaiveDate, b: Option<NaiveDate>) -> Stay {
        Stay::new(a, b).unwrap()
    }

    #[test]
    fn the_codes_are_well_formed() {
        assert_coded(
            RegistryKind::ALL,
            RegistryKind::code,
            RegistryKind::from_code,
            RegistryKind::label,
        );
        assert_coded(
            EmergencyPlace::ALL,
            EmergencyPlace::code,
            EmergencyPlace::from_code,
            EmergencyPlace::label,
        );
        assert_coded(
            PoliceKind::ALL,
            PoliceKind::code,
            PoliceKind::from_code,
            PoliceKind::label,
        );
    }

    #[test]
    fn a_discharge_before_admission_is_refused_the_same_day_is_not() {
        assert_eq!(
            Stay::new(d(2025, 3, 10), Some(d(2025, 3, 9))),
            Err(RegistryError::EndBeforeStart)
        );
        assert!(Stay::new(d(2025, 3, 10), Some(d(2025, 3, 10))).is_ok());
        assert!(Stay::new(d(2025, 3, 10), None).is_ok());
    }

    #[test]
    fn nights_in_a_window() {
        // 10–20 March: nights 10..=19, ten of them.
        let s = stay(d(2025, 3, 10), Some(d(2025, 3, 20)));
        assert_eq!(days_in_window(&s, d(2025, 1, 1), d(2025, 12, 31)), 10);
        // Split at inclusion on 15 March: 10..=14 before (5), 15..=19 after (5).
        assert_eq!(days_in_window(&s, d(2024, 3, 15), d(2025, 3, 14)), 5);
        assert_eq!(days_in_window(&s, d(2025, 3, 15), d(2026, 3, 14)), 5);
        // The window ends on the admission day: that night counts, one.
        assert_eq!(days_in_window(&s, d(2025, 1, 1), d(2025, 3, 10)), 1);
        // The window starts on the discharge day: no night.
        assert_eq!(days_in_window(&s, d(2025, 3, 20), d(2025, 12, 31)), 0);
        // The window starts the day before discharge: the last night, one.
        assert_eq!(days_in_window(&s, d(2025, 3, 19), d(2025, 12, 31)), 1);
        // A window wholly inside the stay: every day of it, 12–13 March is two.
        assert_eq!(days_in_window(&s, d(2025, 3, 12), d(2025, 3, 13)), 2);
        // Windows before and after the stay, and a backwards window.
        assert_eq!(days_in_window(&s, d(2025, 1, 1), d(2025, 3, 9)), 0);
        assert_eq!(days_in_window(&s, d(2025, 4, 1), d(2025, 4, 30)), 0);
        assert_eq!(days_in_window(&s, d(2025, 3, 15), d(2025, 3, 14)), 0);
    }

    #[test]
    fn a_same_day_stay_has_no_nights_and_an_open_stay_runs_to_the_window_end() {
        let same = stay(d(2025, 3, 10), Some(d(2025, 3, 10)));
        assert_eq!(days_in_window(&same, d(2025, 1, 1), d(2025, 12, 31)), 0);
        // Overnight: one.
        let one = stay(d(2025, 3, 10), Some(d(2025, 3, 11)));
        assert_eq!(days_in_window(&one, d(2025, 1, 1), d(2025, 12, 31)), 1);
        // Still admitted since 25 December 2024; window 1–31 January 2025: 31.
        let open = stay(d(2024, 12, 25), None);
        assert_eq!(days_in_window(&open, d(2025, 1, 1), d(2025, 1, 31)), 31);
        // … and in December 2024: 25..=31 is seven.
        assert_eq!(days_in_window(&open, d(2024, 12, 1), d(2024, 12, 31)), 7);
        // Across a leap day: 27 Feb – 2 Mar 2024 is nights 27, 28, 29 Feb and 1 Mar.
        let leap = stay(d(2024, 2, 27), Some(d(2024, 3, 2)));
        assert_eq!(days_in_window(&leap, d(2024, 1, 1), d(2024, 12, 31)), 4);
    }

    #[test]
    fn overlapping_stays() {
        let a = stay(d(2025, 3, 10), Some(d(2025, 3, 20)));
        // A transfer: discharged on the 20th, admitted elsewhere on the 20th. Not an overlap.
        assert!(!a.overlaps(&stay(d(2025, 3, 20), Some(d(2025, 3, 25)))));
        assert!(!stay(d(2025, 3, 1), Some(d(2025, 3, 10))).overlaps(&a));
        // One shared night.
        assert!(a.overlaps(&stay(d(2025, 3, 19), Some(d(2025, 3, 25)))));
        assert!(stay(d(2025, 3, 1), Some(d(2025, 3, 11))).overlaps(&a));
        // Inside, around, and an ongoing stay.
        assert!(a.overlaps(&stay(d(2025, 3, 12), Some(d(2025, 3, 13)))));
        assert!(a.overlaps(&stay(d(2025, 3, 1), Some(d(2025, 4, 1)))));
        assert!(a.overlaps(&stay(d(2025, 3, 15), None)));
        assert!(stay(d(2025, 1, 1), None).overlaps(&a));
        assert!(!stay(d(2025, 3, 20), None).overlaps(&a));
        // A same-day stay inside another stay overlaps it; on its discharge day it does not.
        assert!(stay(d(2025, 3, 12), Some(d(2025, 3, 12))).overlaps(&a));
        assert!(a.overlaps(&stay(d(2025, 3, 12), Some(d(2025, 3, 12)))));
        assert!(!stay(d(2025, 3, 20), Some(d(2025, 3, 20))).overlaps(&a));
        // Two stays admitted the same day overlap; a same-day stay before an admission that
        // day (an emergency day stay, then a transfer) does not, nor do two same-day stays.
        assert!(stay(d(2025, 3, 10), Some(d(2025, 3, 12))).overlaps(&a));
        assert!(!stay(d(2025, 3, 10), Some(d(2025, 3, 10))).overlaps(&a));
        assert!(!stay(d(2025, 3, 10), Some(d(2025, 3, 10)))
            .overlaps(&stay(d(2025, 3, 10), Some(d(2025, 3, 10)))));
        // The error names the other stay's dates.
        let e = check_overlap(&stay(d(2025, 3, 15), None), [&a]).unwrap_err();
        assert_eq!(
            e,
            RegistryError::Overlap {
                start: d(2025, 3, 10),
                end: Some(d(2025, 3, 20))
            }
        );
        assert_eq!(
            e.message(Lang::Nb),
            "Overlapper et annet opphold (10.03.2025–20.03.2025)."
        );
        assert!(check_overlap(&stay(d(2025, 4, 1), None), [&a]).is_ok());
    }

    #[test]
    fn before_or_after_inclusion() {
        let inc = d(2025, 3, 15);
        assert_eq!(inclusion_side(d(2025, 3, 14), inc), InclusionSide::Before);
        assert_eq!(inclusion_side(inc, inc), InclusionSide::After);
        assert_eq!(inclusion_side(d(2025, 3, 16), inc), InclusionSide::After);
    }

    #[test]
    fn equal_windows_around_inclusion() {
        // Inclusion 15 March 2025: before 15 March 2024 – 14 March 2025, 365 days (it holds
        // 29 February 2024); after from 15 March 2025, 365 days, to 14 March 2026.
        let w = Windows::around(d(2025, 3, 15), 12, d(2026, 6, 1)).unwrap();
        assert_eq!(w.before_from, d(2024, 3, 15));
        assert_eq!(w.before_to, d(2025, 3, 14));
        assert_eq!(w.days, 365);
        assert_eq!(w.after_from, d(2025, 3, 15));
        assert_eq!(w.after_to, d(2026, 3, 14));
        assert!(w.after_complete);
        // Inclusion 1 March 2024: the year before holds 29 February 2024, 366 days; the
        // window after has 366 days too, to 1 March 2025 inclusive (a calendar year after
        // would have had 365).
        let w = Windows::around(d(2024, 3, 1), 12, d(2026, 1, 1)).unwrap();
        assert_eq!(w.days, 366);
        assert_eq!(w.after_to, d(2025, 3, 1));
        // Not run its length yet: counted to today, incomplete.
        let w = Windows::around(d(2025, 3, 15), 12, d(2025, 6, 1)).unwrap();
        assert_eq!(w.after_to, d(2025, 6, 1));
        assert!(!w.after_complete);
        // The last day of the full window is complete on that day.
        let w = Windows::around(d(2025, 3, 15), 12, d(2026, 3, 14)).unwrap();
        assert!(w.after_complete);
        assert!(Windows::around(d(2025, 3, 15), 12, d(2025, 3, 14)).is_none());
    }

    #[test]
    fn window_totals_split_a_straddling_stay() {
        let inc = d(2025, 3, 15);
        let w = Windows::around(inc, 12, d(2026, 6, 1)).unwrap();
        let events = [
            // Straddles inclusion: 5 nights before, 5 after; its admission counts before.
            Counted::Inpatient(stay(d(2025, 3, 10), Some(d(2025, 3, 20))), true),
            // Before: 1 night.
            Counted::Inpatient(stay(d(2024, 6, 1), Some(d(2024, 6, 2))), false),
            // Older than the window: not counted.
            Counted::Inpatient(stay(d(2023, 1, 1), Some(d(2023, 1, 5))), false),
            // Starts before the window (15 March 2024), ends inside it: nights 10–15 March, of
            // which only the 15th is in the window.
            Counted::Inpatient(stay(d(2024, 3, 10), Some(d(2024, 3, 16))), false),
            Counted::Emergency(d(2025, 3, 14)),
            Counted::Emergency(inc),
            Counted::Police(d(2024, 12, 24), true),
            Counted::Police(d(2025, 4, 1), false),
            // Released on inclusion day: nights 1..=14 March, 14 before, none after.
            Counted::Prison(stay(d(2025, 3, 1), Some(inc))),
        ];
        let before = window_totals(&events, w.before_from, w.before_to);
        assert_eq!(
            before,
            WindowTotals {
                admissions: 2,
                compulsory_admissions: 1,
                inpatient_days: 5 + 1 + 1,
                emergency_visits: 1,
                police_events: 1,
                arrests: 1,
                prison_days: 14,
            }
        );
        let after = window_totals(&events, w.after_from, w.after_to);
        assert_eq!(
            after,
            WindowTotals {
                admissions: 0,
                compulsory_admissions: 0,
                inpatient_days: 5,
                emergency_visits: 1,
                police_events: 1,
                arrests: 0,
                prison_days: 0,
            }
        );
    }

    #[test]
    fn dates_of_events() {
        let today = d(2025, 3, 15);
        assert_eq!(check_date(today, today), Ok(()));
        assert_eq!(
            check_date(d(2025, 3, 16), today),
            Err(RegistryError::FutureDate)
        );
        assert_eq!(
            check_date(d(1899, 12, 31), today),
            Err(RegistryError::TooEarly)
        );
        assert_eq!(RegistryError::FutureDate.code(), "future_date");
        assert!(RegistryError::EndBeforeStart
            .message(Lang::En)
            .contains("discharge"));
    }
}
