//! Outcome measures (issue 10): GAF, ORS and SRS (KOR/FIT), the SPoR interview and the
//! measurement points of a team's evaluation design.
//!
//! Scores with one decimal (ORS/SRS items on a 0–10 line, SPoR answers on 1–9 such as 1.5 and
//! 6.3) are kept as whole **tenths** ([`Tenths`]), so totals, the cut-off and reliable change are
//! integer arithmetic and both databases store the same number.

use chrono::{Months, NaiveDate};

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};

coded_enum! {
    /// A kind of outcome measure.
    pub enum MeasureKind {
        /// Global Assessment of Functioning, symptom and function scores (1–100 each).
        Gaf => "gaf", nb: "GAF", en: "GAF";
        /// Outcome Rating Scale: how the person is doing (four items 0–10).
        Ors => "ors", nb: "ORS (KOR)", en: "ORS (FIT)";
        /// Session Rating Scale: how the session went (four items 0–10).
        Srs => "srs", nb: "SRS (KOR)", en: "SRS (FIT)";
    }
}

/// A score with one decimal, in tenths (6.3 is `Tenths(63)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Tenths(pub i64);

impl Tenths {
    /// The value as a decimal number (for JSON and charts).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// Shown with one decimal and a decimal comma in Norwegian ("6,3"), a point in English.
    pub fn display(self, lang: Lang) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.abs();
        let sep = if lang == Lang::Nb { ',' } else { '.' };
        format!("{sign}{}{sep}{}", a / 10, a % 10)
    }

    /// Parses a decimal with at most one decimal (point or comma), from a form or a file.
    pub fn parse_text(s: &str) -> Result<Tenths, MeasureError> {
        let t = s.trim().replace(',', ".");
        if t.is_empty() {
            return Err(MeasureError::Missing);
        }
        let v: f64 = t.parse().map_err(|_| MeasureError::NotANumber)?;
        Tenths::from_f64(v)
    }

    /// A number with at most one decimal (4.25 is refused, 4.2 and 4.20 are not).
    pub fn from_f64(v: f64) -> Result<Tenths, MeasureError> {
        if !v.is_finite() {
            return Err(MeasureError::NotANumber);
        }
        let scaled = v * 10.0;
        let r = scaled.round();
        if (scaled - r).abs() > 1e-6 {
            return Err(MeasureError::TooManyDecimals);
        }
        if r.abs() > 1e9 {
            return Err(MeasureError::NotANumber);
        }
        Ok(Tenths(r as i64))
    }
}

/// Why a score or an answer was refused. The caller names the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    /// No value given.
    #[error("missing")]
    Missing,
    /// Not a number.
    #[error("not a number")]
    NotANumber,
    /// More than one decimal.
    #[error("too many decimals")]
    TooManyDecimals,
    /// A whole number was expected (GAF, age).
    #[error("not whole")]
    NotWhole,
    /// Outside the scale (bounds in the scale's own unit, whole numbers).
    #[error("out of range {min}..={max}")]
    OutOfRange {
        /// Lowest allowed.
        min: i64,
        /// Highest allowed.
        max: i64,
    },
}

impl Localized for MeasureError {
    fn code(&self) -> &'static str {
        match self {
            Self::Missing => "required",
            Self::NotANumber => "not_a_number",
            Self::TooManyDecimals => "one_decimal",
            Self::NotWhole => "whole_number",
            Self::OutOfRange { .. } => "out_of_range",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Missing, Lang::Nb) => "Fyll inn en verdi.".into(),
            (Self::Missing, Lang::En) => "Enter a value.".into(),
            (Self::NotANumber, Lang::Nb) => "Skriv et tall.".into(),
            (Self::NotANumber, Lang::En) => "Enter a number.".into(),
            (Self::TooManyDecimals, Lang::Nb) => "Bruk høyst én desimal (for eksempel 6,3).".into(),
            (Self::TooManyDecimals, Lang::En) => {
                "Use at most one decimal (for example 6.3).".into()
            }
            (Self::NotWhole, Lang::Nb) => "Skriv et helt tall.".into(),
            (Self::NotWhole, Lang::En) => "Enter a whole number.".into(),
            (Self::OutOfRange { min, max }, Lang::Nb) => {
                format!("Verdien må være mellom {min} og {max}.")
            }
            (Self::OutOfRange { min, max }, Lang::En) => {
                format!("The value must be between {min} and {max}.")
            }
        }
    }
}

/// GAF's scale: 1–100.
pub const GAF_MIN: i64 = 1;
/// GAF's scale: 1–100.
pub const GAF_MAX: i64 = 100;

/// A GAF score (symptom or function): a whole number 1–100.
pub fn check_gaf(v: f64) -> Result<i64, MeasureError> {
    if !v.is_finite() {
        return Err(MeasureError::NotANumber);
    }
    if v.fract() != 0.0 {
        return Err(MeasureError::NotWhole);
    }
    if !(GAF_MIN as f64..=GAF_MAX as f64).contains(&v) {
        return Err(MeasureError::OutOfRange {
            min: GAF_MIN,
            max: GAF_MAX,
        });
    }
    Ok(v as i64)
}

/// An ORS or SRS item: 0–10 with one decimal.
pub fn check_item(v: Tenths) -> Result<Tenths, MeasureError> {
    if (0..=100).contains(&v.0) {
        Ok(v)
    } else {
        Err(MeasureError::OutOfRange { min: 0, max: 10 })
    }
}

/// The ORS items, in the form's order (KOR: Individuelt, Mellommenneskelig, Sosialt,
/// Generelt). Each pair is (nb, en).
pub const ORS_ITEMS: [(&str, &str); 4] = [
    (
        "Individuelt (personlig velvære)",
        "Individually (personal well-being)",
    ),
    (
        "Mellommenneskelig (familie, nære relasjoner)",
        "Interpersonally (family, close relationships)",
    ),
    (
        "Sosialt (arbeid, skole, vennskap)",
        "Socially (work, school, friendships)",
    ),
    (
        "Generelt (alt i alt)",
        "Overall (general sense of well-being)",
    ),
];

/// The SRS items, in the form's order (KOR: Relasjon, Mål og tema, Tilnærming eller metode,
/// Generelt).
pub const SRS_ITEMS: [(&str, &str); 4] = [
    (
        "Relasjon (følte meg hørt og forstått)",
        "Relationship (felt heard and understood)",
    ),
    (
        "Mål og tema (vi snakket om det jeg ville)",
        "Goals and topics (we talked about what I wanted)",
    ),
    (
        "Tilnærming eller metode (passet for meg)",
        "Approach or method (a good fit for me)",
    ),
    (
        "Generelt (timen var riktig for meg)",
        "Overall (today's session was right for me)",
    ),
];

/// The total of four items (0–40), in tenths.
pub fn total(items: &[Tenths; 4]) -> Tenths {
    Tenths(items.iter().map(|t| t.0).sum())
}

/// ORS: the adult clinical cut-off, 25.0. A total **below** it is in the clinical range.
pub const ORS_CUTOFF: Tenths = Tenths(250);
/// ORS: a change of at least 5.0 points is reliable.
pub const RELIABLE_CHANGE: Tenths = Tenths(50);
/// SRS: a total **below** 36.0 flags an alliance worth discussing with the person.
pub const SRS_FLAG_BELOW: Tenths = Tenths(360);

/// Whether an ORS total is in the clinical range (below 25.0; 25.0 itself is not).
pub fn ors_clinical(total: Tenths) -> bool {
    total < ORS_CUTOFF
}

/// Whether an SRS total is flagged (below 36.0; 36.0 itself is not).
pub fn srs_flagged(total: Tenths) -> bool {
    total < SRS_FLAG_BELOW
}

coded_enum! {
    /// Reliable change between the first ORS and a later one.
    pub enum ChangeCategory {
        /// Up by 5.0 or more.
        Improved => "improved", nb: "bedring", en: "improved";
        /// Changed by less than 5.0 either way.
        NoReliableChange => "no_reliable_change", nb: "ingen pålitelig endring", en: "no reliable change";
        /// Down by 5.0 or more.
        Worsened => "worsened", nb: "forverring", en: "worsened";
    }
}

/// The reliable-change category from the first ORS total to a later one: a change of exactly
/// 5.0 counts.
pub fn reliable_change(first: Tenths, later: Tenths) -> ChangeCategory {
    let d = later.0 - first.0;
    if d >= RELIABLE_CHANGE.0 {
        ChangeCategory::Improved
    } else if d <= -RELIABLE_CHANGE.0 {
        ChangeCategory::Worsened
    } else {
        ChangeCategory::NoReliableChange
    }
}

/// GAF: a change of at least this many points (symptom or function score) counts as reliable
/// in Benk's reports. GAF has no reliable-change index in the seeds; 10 points is Benk's
/// choice (a tenth of the scale, about what raters disagree by), written in the report.
pub const GAF_RELIABLE_CHANGE: i64 = 10;

/// The reliable-change category from a first GAF score to a later one: a change of exactly
/// [`GAF_RELIABLE_CHANGE`] counts.
pub fn gaf_change(first: i64, later: i64) -> ChangeCategory {
    let d = later - first;
    if d >= GAF_RELIABLE_CHANGE {
        ChangeCategory::Improved
    } else if d <= -GAF_RELIABLE_CHANGE {
        ChangeCategory::Worsened
    } else {
        ChangeCategory::NoReliableChange
    }
}

/// One question of the SPoR interview guide (`004`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SporQuestion {
    /// 1–20.
    pub number: u8,
    /// Answered on the 1–9 scale (decimals allowed); otherwise free text.
    pub scale: bool,
    /// The guide's wording.
    pub nb: &'static str,
    /// In English.
    pub en: &'static str,
}

const fn q(number: u8, scale: bool, nb: &'static str, en: &'static str) -> SporQuestion {
    SporQuestion {
        number,
        scale,
        nb,
        en,
    }
}

/// The 20 questions of the SPoR interview guide, in the guide's order and words; 1, 3, 7, 8
/// and 10 are answered on the 1–9 scale.
pub const SPOR_QUESTIONS: [SporQuestion; 20] = [
    q(1, true, "Hvordan syns du alt i alt du har det i livet nå?", "Overall, how are you doing in life now?"),
    q(2, false, "Hvem er de viktigste hjelperne i livet ditt nå?", "Who are the most important helpers in your life now?"),
    q(3, true, "Hvor nyttig syns du alt i alt at hjelpen/støtten er?", "Overall, how useful do you find the help and support?"),
    q(4, false, "Hva er det særlig du har behov for hjelp/støtte til?", "What do you especially need help or support with?"),
    q(5, false, "Er det noen hjelp/støtte du vil peke på som særlig nyttig?", "Is there any help or support you would point to as especially useful?"),
    q(6, false, "Er det noen form for hjelp/støtte du særlig savner?", "Is there any kind of help or support you especially miss?"),
    q(7, true, "I hvor stor grad syns du hjelperne forstår hvordan du har det og hva som er dine mål?", "How well do the helpers understand how you are and what your goals are?"),
    q(8, true, "I hvor stor grad syns du hjelperne tar hensyn til dine meninger?", "How much do the helpers take your opinions into account?"),
    q(9, false, "Har du individuell plan (IP) – og hvordan syns du det fungerer for deg?", "Do you have an individual plan (IP), and how does it work for you?"),
    q(10, true, "Hvor flinke syns du hjelperne er til å samarbeide seg imellom?", "How good are the helpers at cooperating with each other?"),
    q(11, false, "Har du forslag til hvordan hjelperne kan bli flinkere til å samarbeide med deg?", "Do you have suggestions for how the helpers can cooperate better with you?"),
    q(12, false, "Har du forslag til hvordan hjelperne kan bli flinkere til å samarbeide seg imellom?", "Do you have suggestions for how the helpers can cooperate better with each other?"),
    q(13, false, "Er det noen du mener må trekkes inn i samarbeidet som ikke er med i dag?", "Is there anyone who should be brought into the cooperation who is not part of it today?"),
    q(14, false, "Kan du nevne noe du er særlig fornøyd med at du har fått til i livet ditt?", "Can you name something you are especially pleased to have achieved in your life?"),
    q(15, false, "Kan du huske om det var noe som var spesielt viktig i den situasjonen – din egen innsats? Andres innsats?", "Do you remember what was especially important in that situation – your own effort? Others' effort?"),
    q(16, false, "Er det noen områder i livet hvor det er særlig viktig å få til endringer dersom du skal få det bedre alt i alt?", "Are there areas of life where change is especially important for you to be better off overall?"),
    q(17, false, "Kan du gi eksempel på noe som må være annerledes hvis du skal bli mer fornøyd med livet ditt?", "Can you give an example of something that must be different for you to be more content with your life?"),
    q(18, false, "Har du tanker om hvordan du selv best kan bidra til en slik endring?", "Do you have thoughts on how you yourself can best contribute to such a change?"),
    q(19, false, "Hvordan syns du samtalen har vært?", "How do you feel the conversation has been?"),
    q(20, false, "Vil du være med på en oppsummerende samtale sammen med de andre fra samme kommune som også er deltakere i prosjektet?", "Would you join a summary conversation with the others from the same municipality who also take part in the project?"),
];

/// The question with this number (1–20).
pub fn spor_question(number: u8) -> Option<&'static SporQuestion> {
    SPOR_QUESTIONS.get(usize::from(number).checked_sub(1)?)
}

/// A SPoR scale answer: 1–9, one decimal (1.5 and 6.3 occur).
pub fn check_spor_score(v: Tenths) -> Result<Tenths, MeasureError> {
    if (10..=90).contains(&v.0) {
        Ok(v)
    } else {
        Err(MeasureError::OutOfRange { min: 1, max: 9 })
    }
}

/// The interviewed person's age: 16–120 (the teams serve adults).
pub fn check_age(v: f64) -> Result<i64, MeasureError> {
    whole_in(v, 16, 120)
}

/// Years of contact with the services: 0–100.
pub fn check_contact_years(v: f64) -> Result<i64, MeasureError> {
    whole_in(v, 0, 100)
}

fn whole_in(v: f64, min: i64, max: i64) -> Result<i64, MeasureError> {
    if !v.is_finite() {
        return Err(MeasureError::NotANumber);
    }
    if v.fract() != 0.0 {
        return Err(MeasureError::NotWhole);
    }
    if v < min as f64 || v > max as f64 {
        return Err(MeasureError::OutOfRange { min, max });
    }
    Ok(v as i64)
}

/// A team's measurement points: months after inclusion, and the window either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurePolicy {
    /// Months after inclusion (0 is inclusion itself), ascending.
    pub months: Vec<u32>,
    /// Days either side of the point in which a measure counts for it.
    pub window_days: i64,
    /// The kinds a point needs before it is done.
    pub required: Vec<MeasureKind>,
}

impl Default for MeasurePolicy {
    /// C-Flex's design: at inclusion and at 6, 12 and 24 months, ± 30 days, GAF and ORS.
    fn default() -> Self {
        MeasurePolicy {
            months: vec![0, 6, 12, 24],
            window_days: 30,
            required: vec![MeasureKind::Gaf, MeasureKind::Ors],
        }
    }
}

coded_enum! {
    /// Where a measurement point stands.
    pub enum PointStatus {
        /// Every required measure is recorded within the window.
        Done => "done", nb: "utført", en: "done";
        /// The window has not opened yet.
        Upcoming => "upcoming", nb: "kommende", en: "upcoming";
        /// The window is open and something is missing.
        Due => "due", nb: "forfaller nå", en: "due";
        /// The window has closed and something is missing.
        Overdue => "overdue", nb: "forfalt", en: "overdue";
    }
}

/// One measurement point of one course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurePoint {
    /// Months after inclusion.
    pub months: u32,
    /// The point's date.
    pub target: NaiveDate,
    /// First day of the window.
    pub opens: NaiveDate,
    /// Last day of the window.
    pub closes: NaiveDate,
    /// Where it stands today.
    pub status: PointStatus,
    /// Required kinds not recorded within the window.
    pub missing: Vec<MeasureKind>,
}

/// The measurement points of a course included on `included_on`, given the measures recorded
/// (kind, date), as they stand on `today`. A point whose window closes after `until` (the
/// course closed) is left out.
pub fn measurement_points(
    policy: &MeasurePolicy,
    included_on: NaiveDate,
    until: Option<NaiveDate>,
    today: NaiveDate,
    recorded: &[(MeasureKind, NaiveDate)],
) -> Vec<MeasurePoint> {
    let w = chrono::Duration::days(policy.window_days.max(0));
    policy
        .months
        .iter()
        .filter_map(|&m| {
            let target = included_on.checked_add_months(Months::new(m))?;
            let (opens, closes) = (target - w, target + w);
            if until.is_some_and(|u| target > u) {
                return None;
            }
            let missing: Vec<MeasureKind> = policy
                .required
                .iter()
                .copied()
                .filter(|k| {
                    !recorded
                        .iter()
                        .any(|(rk, d)| rk == k && *d >= opens && *d <= closes)
                })
                .collect();
            let status = if missing.is_empty() {
                PointStatus::Done
            } else if today < opens {
                PointStatus::Upcoming
            } else if today <= closes {
                PointStatus::Due
            } else {
                PointStatus::Overdue
            };
            Some(MeasurePoint {
                months: m,
                target,
                opens,
                closes,
                status,
                missing,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: f64) -> Tenths {
        Tenths::from_f64(v).unwrap()
    }

    fn items(a: [f64; 4]) -> [Tenths; 4] {
        a.map(|v| check_item(t(v)).unwrap())
    }

    #[test]
    fn totals_add_the_four_items_in_tenths() {
        // 6.3 + 4.0 + 7.7 + 5.5 = 23.5
        assert_eq!(total(&items([6.3, 4.0, 7.7, 5.5])), Tenths(235));
        assert_eq!(total(&items([0.0, 0.0, 0.0, 0.0])), Tenths(0));
        assert_eq!(total(&items([10.0, 10.0, 10.0, 10.0])), Tenths(400));
        // 0.1 three times is 0.3 exactly, not 0.30000000000000004.
        assert_eq!(total(&items([0.1, 0.1, 0.1, 0.0])), Tenths(3));
    }

    #[test]
    fn the_ors_cut_off_is_25_and_25_itself_is_not_clinical() {
        assert!(ors_clinical(Tenths(249)));
        assert!(!ors_clinical(Tenths(250)));
        assert!(!ors_clinical(Tenths(251)));
        // 6.2 + 6.2 + 6.3 + 6.2 = 24.9: clinical; 6.3 + 6.2 + 6.3 + 6.2 = 25.0: not.
        assert!(ors_clinical(total(&items([6.2, 6.2, 6.3, 6.2]))));
        assert!(!ors_clinical(total(&items([6.3, 6.2, 6.3, 6.2]))));
    }

    #[test]
    fn a_change_of_exactly_five_is_reliable() {
        assert_eq!(
            reliable_change(Tenths(180), Tenths(230)),
            ChangeCategory::Improved
        );
        assert_eq!(
            reliable_change(Tenths(180), Tenths(229)),
            ChangeCategory::NoReliableChange
        );
        assert_eq!(
            reliable_change(Tenths(230), Tenths(180)),
            ChangeCategory::Worsened
        );
        assert_eq!(
            reliable_change(Tenths(230), Tenths(181)),
            ChangeCategory::NoReliableChange
        );
        assert_eq!(
            reliable_change(Tenths(200), Tenths(200)),
            ChangeCategory::NoReliableChange
        );
    }

    #[test]
    fn gaf_change_of_exactly_ten_counts() {
        assert_eq!(gaf_change(40, 50), ChangeCategory::Improved);
        assert_eq!(gaf_change(40, 49), ChangeCategory::NoReliableChange);
        assert_eq!(gaf_change(50, 40), ChangeCategory::Worsened);
        assert_eq!(gaf_change(50, 41), ChangeCategory::NoReliableChange);
        assert_eq!(gaf_change(45, 45), ChangeCategory::NoReliableChange);
    }

    #[test]
    fn srs_under_36_is_flagged_and_36_is_not() {
        assert!(srs_flagged(Tenths(359)));
        assert!(!srs_flagged(Tenths(360)));
        // 9.0 + 9.0 + 9.0 + 8.9 = 35.9
        assert!(srs_flagged(total(&items([9.0, 9.0, 9.0, 8.9]))));
        assert!(!srs_flagged(total(&items([9.0, 9.0, 9.0, 9.0]))));
    }

    #[test]
    fn items_are_0_to_10_with_one_decimal() {
        assert_eq!(check_item(t(10.0)), Ok(Tenths(100)));
        assert_eq!(check_item(t(0.0)), Ok(Tenths(0)));
        assert_eq!(
            check_item(t(10.1)),
            Err(MeasureError::OutOfRange { min: 0, max: 10 })
        );
        assert_eq!(
            check_item(t(-0.1)),
            Err(MeasureError::OutOfRange { min: 0, max: 10 })
        );
        assert_eq!(Tenths::from_f64(4.25), Err(MeasureError::TooManyDecimals));
        assert_eq!(Tenths::from_f64(4.20), Ok(Tenths(42)));
        assert_eq!(Tenths::from_f64(f64::NAN), Err(MeasureError::NotANumber));
        assert_eq!(Tenths::parse_text("6,3"), Ok(Tenths(63)));
        assert_eq!(Tenths::parse_text(" 7 "), Ok(Tenths(70)));
        assert_eq!(Tenths::parse_text(""), Err(MeasureError::Missing));
        assert_eq!(Tenths::parse_text("sju"), Err(MeasureError::NotANumber));
    }

    #[test]
    fn tenths_show_with_a_decimal_comma_in_norwegian() {
        assert_eq!(Tenths(63).display(Lang::Nb), "6,3");
        assert_eq!(Tenths(250).display(Lang::En), "25.0");
        assert_eq!(Tenths(5).display(Lang::Nb), "0,5");
    }

    #[test]
    fn gaf_is_whole_1_to_100() {
        assert_eq!(check_gaf(1.0), Ok(1));
        assert_eq!(check_gaf(100.0), Ok(100));
        assert_eq!(
            check_gaf(0.0),
            Err(MeasureError::OutOfRange { min: 1, max: 100 })
        );
        assert_eq!(
            check_gaf(101.0),
            Err(MeasureError::OutOfRange { min: 1, max: 100 })
        );
        assert_eq!(check_gaf(45.5), Err(MeasureError::NotWhole));
    }

    #[test]
    fn spor_scale_answers_are_1_to_9_with_decimals() {
        assert_eq!(check_spor_score(t(1.5)), Ok(Tenths(15)));
        assert_eq!(check_spor_score(t(6.3)), Ok(Tenths(63)));
        assert_eq!(check_spor_score(t(1.0)), Ok(Tenths(10)));
        assert_eq!(check_spor_score(t(9.0)), Ok(Tenths(90)));
        assert_eq!(
            check_spor_score(t(0.9)),
            Err(MeasureError::OutOfRange { min: 1, max: 9 })
        );
        assert_eq!(
            check_spor_score(t(9.1)),
            Err(MeasureError::OutOfRange { min: 1, max: 9 })
        );
        assert_eq!(check_age(37.0), Ok(37));
        assert!(check_age(15.0).is_err());
        assert_eq!(check_contact_years(17.0), Ok(17));
        assert!(check_contact_years(-1.0).is_err());
    }

    #[test]
    fn the_guide_has_twenty_questions_five_on_the_scale() {
        assert_eq!(SPOR_QUESTIONS.len(), 20);
        for (i, q) in SPOR_QUESTIONS.iter().enumerate() {
            assert_eq!(usize::from(q.number), i + 1);
        }
        let scale: Vec<u8> = SPOR_QUESTIONS
            .iter()
            .filter(|q| q.scale)
            .map(|q| q.number)
            .collect();
        assert_eq!(scale, vec![1, 3, 7, 8, 10]);
        assert!(spor_question(0).is_none());
        assert!(spor_question(21).is_none());
        assert_eq!(spor_question(20).unwrap().number, 20);
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn points_are_due_in_the_window_and_overdue_after_it() {
        let p = MeasurePolicy::default();
        let inc = d("2026-01-15");
        // Inclusion measured (GAF and ORS on inclusion day); six months is 2026-07-15,
        // window 2026-06-15..=2026-08-14.
        let rec = [
            (MeasureKind::Gaf, d("2026-01-15")),
            (MeasureKind::Ors, d("2026-01-20")),
            (MeasureKind::Ors, d("2026-06-20")),
        ];
        let on = |today: &str| measurement_points(&p, inc, None, d(today), &rec);
        let pts = on("2026-06-14");
        assert_eq!(pts.len(), 4);
        assert_eq!(pts[0].status, PointStatus::Done);
        assert_eq!(pts[1].target, d("2026-07-15"));
        assert_eq!(pts[1].opens, d("2026-06-15"));
        assert_eq!(pts[1].closes, d("2026-08-14"));
        assert_eq!(pts[1].status, PointStatus::Upcoming);
        assert_eq!(on("2026-06-15")[1].status, PointStatus::Due);
        assert_eq!(on("2026-06-15")[1].missing, vec![MeasureKind::Gaf]);
        assert_eq!(on("2026-08-14")[1].status, PointStatus::Due);
        assert_eq!(on("2026-08-15")[1].status, PointStatus::Overdue);
        // A GAF one day outside the window does not count; one on its last day does.
        let mut late = rec.to_vec();
        late.push((MeasureKind::Gaf, d("2026-08-15")));
        let pts = measurement_points(&p, inc, None, d("2026-09-01"), &late);
        assert_eq!(pts[1].status, PointStatus::Overdue);
        late.push((MeasureKind::Gaf, d("2026-08-14")));
        let pts = measurement_points(&p, inc, None, d("2026-09-01"), &late);
        assert_eq!(pts[1].status, PointStatus::Done);
        // A course closed after a year has no 24-month point.
        let pts = measurement_points(&p, inc, Some(d("2027-02-01")), d("2027-03-01"), &rec);
        assert_eq!(
            pts.iter().map(|p| p.months).collect::<Vec<_>>(),
            vec![0, 6, 12]
        );
    }

    #[test]
    fn months_from_the_end_of_a_month_land_on_the_last_day() {
        let p = MeasurePolicy::default();
        let pts = measurement_points(&p, d("2025-08-31"), None, d("2025-08-31"), &[]);
        assert_eq!(pts[1].target, d("2026-02-28"));
        assert_eq!(pts[0].status, PointStatus::Due);
    }
}
