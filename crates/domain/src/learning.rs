//! The learning log of a responsibility group (SPoR's action learning, `004`; issue 10).
//!
//! Each entry: an adverse event in the cooperation → a shared understanding of its causes → a
//! decision to try something different → an evaluation (did it work better?) → what was learned.
//! Entries are numbered per group and shown with the group's label, as the teams write them:
//! "A – Nøtterøy – logg nr. 1". These are the rules that need no database: the evaluation's
//! vocabulary, the success factors the seeds name, the group's default label and how an entry is
//! titled, and the dates.

use chrono::NaiveDate;

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};

coded_enum! {
    /// Did the decision work better? (The evaluation step of the log.)
    pub enum EvaluationResult {
        /// It worked better.
        Yes => "yes", nb: "ja", en: "yes";
        /// Partly.
        Partly => "partly", nb: "delvis", en: "partly";
        /// It did not.
        No => "no", nb: "nei", en: "no";
        /// Tried, but too early to say.
        NotYet => "not_yet", nb: "ikke evaluert ennå", en: "not yet evaluated";
    }
}

/// A success factor every team starts with: the ones the seeds' example entry lists (`004`,
/// "A – Nøtterøy 4 – logg nr. 1"). The team lead adds the team's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinFactor {
    /// Stable key (stored on the tag).
    pub key: &'static str,
    /// Bokmål.
    pub nb: &'static str,
    /// English.
    pub en: &'static str,
}

impl BuiltinFactor {
    /// The label in a language.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nb => self.nb,
            Lang::En => self.en,
        }
    }
}

/// The seeds' success factors.
pub const BUILTIN_FACTORS: &[BuiltinFactor] = &[
    BuiltinFactor {
        key: "few_helpers",
        nb: "Få hjelpere",
        en: "Few helpers",
    },
    BuiltinFactor {
        key: "continuity",
        nb: "Kontinuitet i hjelperne",
        en: "Continuity of helpers",
    },
    BuiltinFactor {
        key: "clear_coordinator",
        nb: "Tydelig koordinator i både kommunen og DPS",
        en: "A clear coordinator in both the municipality and the DPS",
    },
    BuiltinFactor {
        key: "managed_finances",
        nb: "Forvaltet økonomi",
        en: "Managed finances",
    },
    BuiltinFactor {
        key: "housing_follow_up",
        nb: "Bolig med jevnlig oppfølging",
        en: "Housing with regular follow-up",
    },
];

/// A built-in factor by key.
pub fn builtin_factor(key: &str) -> Option<&'static BuiltinFactor> {
    BUILTIN_FACTORS.iter().find(|f| f.key == key)
}

/// The group's letter from its place among the team's groups (0 → "A", 25 → "Z", 26 → "AA",
/// 27 → "AB", …), as the teams name their groups.
pub fn group_letter(seq: u32) -> String {
    let mut n = seq as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push((b'A' + r) as char);
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The group's label before anyone sets one: its letter and where the person lives (the
/// municipality), else the team's name. Never the person's name: the label is shown where the
/// team's groups are counted together.
pub fn default_group_label(seq: u32, municipality: Option<&str>, team: &str) -> String {
    let place = municipality
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or(team);
    format!("{} – {}", group_letter(seq), place)
}

/// An entry's title: "A – Nøtterøy – logg nr. 1".
pub fn entry_title(label: &str, number: i64, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("{label} – logg nr. {number}"),
        Lang::En => format!("{label} – log no. {number}"),
    }
}

/// What is wrong with an entry or an evaluation, naming no field (the caller does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearningError {
    /// A date after today.
    InFuture,
    /// The evaluation is dated before the event it evaluates.
    EvaluatedBeforeEvent,
}

impl Localized for LearningError {
    fn code(&self) -> &'static str {
        match self {
            Self::InFuture => "date_in_future",
            Self::EvaluatedBeforeEvent => "evaluated_before_event",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (nb, en) = match self {
            Self::InFuture => (
                "Datoen kan ikke være fram i tid.",
                "The date cannot be in the future.",
            ),
            Self::EvaluatedBeforeEvent => (
                "Evalueringen kan ikke være datert før hendelsen.",
                "The evaluation cannot be dated before the event.",
            ),
        };
        match lang {
            Lang::Nb => nb.into(),
            Lang::En => en.into(),
        }
    }
}

/// The entry's day: not after today.
pub fn check_entry_date(on: NaiveDate, today: NaiveDate) -> Result<(), LearningError> {
    if on > today {
        return Err(LearningError::InFuture);
    }
    Ok(())
}

/// An evaluation's day: not after today and not before the event.
pub fn check_evaluation_date(
    on: NaiveDate,
    event_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), LearningError> {
    if on > today {
        return Err(LearningError::InFuture);
    }
    if on < event_on {
        return Err(LearningError::EvaluatedBeforeEvent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn letters_run_like_spreadsheet_columns() {
        assert_eq!(group_letter(0), "A");
        assert_eq!(group_letter(1), "B");
        assert_eq!(group_letter(25), "Z");
        assert_eq!(group_letter(26), "AA");
        assert_eq!(group_letter(27), "AB");
        assert_eq!(group_letter(51), "AZ");
        assert_eq!(group_letter(52), "BA");
        assert_eq!(group_letter(701), "ZZ");
        assert_eq!(group_letter(702), "AAA");
    }

    #[test]
    fn default_label_uses_the_municipality_else_the_team() {
        assert_eq!(
            default_group_label(0, Some("Nøtterøy"), "SPoR"),
            "A – Nøtterøy"
        );
        assert_eq!(default_group_label(2, Some("  "), "SPoR"), "C – SPoR");
        assert_eq!(default_group_label(1, None, "Fjordby"), "B – Fjordby");
    }

    #[test]
    fn the_seeds_title() {
        assert_eq!(
            entry_title("A – Nøtterøy 4", 1, Lang::Nb),
            "A – Nøtterøy 4 – logg nr. 1"
        );
        assert_eq!(
            entry_title("A – Nøtterøy 4", 12, Lang::En),
            "A – Nøtterøy 4 – log no. 12"
        );
    }

    #[test]
    fn dates() {
        let today = d(2026, 11, 30);
        assert_eq!(check_entry_date(today, today), Ok(()));
        assert_eq!(
            check_entry_date(d(2026, 12, 1), today),
            Err(LearningError::InFuture)
        );
        let event = d(2026, 10, 1);
        assert_eq!(check_evaluation_date(event, event, today), Ok(()));
        assert_eq!(
            check_evaluation_date(d(2026, 9, 30), event, today),
            Err(LearningError::EvaluatedBeforeEvent)
        );
        assert_eq!(
            check_evaluation_date(d(2026, 12, 1), event, today),
            Err(LearningError::InFuture)
        );
    }

    #[test]
    fn the_seeds_factors_are_there_once() {
        assert_eq!(BUILTIN_FACTORS.len(), 5);
        let mut keys: Vec<_> = BUILTIN_FACTORS.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 5);
        assert_eq!(builtin_factor("few_helpers").unwrap().nb, "Få hjelpere");
        assert!(builtin_factor("nope").is_none());
        assert_eq!(
            EvaluationResult::from_code("partly"),
            Some(EvaluationResult::Partly)
        );
        assert_eq!(
            EvaluationResult::NotYet.label(Lang::En),
            "not yet evaluated"
        );
    }
}
