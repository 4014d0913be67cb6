//! The target group a team is funded for, and the figures the teams publish about it.
//!
//! C-Flex (`001`, `003`): "alvorlig psykisk lidelse og/eller alvorlig rusavhengighet", "stor
//! funksjonssvikt" and "svak eller manglende tilknytning til tjenesteapparatet", all three
//! together. Tandem (`000`): people with substance use and mental disorders who cannot use help
//! from the 1st or the 2nd line on its own, with any diagnosis but psychosis (those go to FACT),
//! or none. So the criteria are team policy: a list of criteria, all of which must be met, each
//! met when any of its items is ticked.

use crate::client::ShortText;
use crate::coded::coded_enum;
use crate::intake::DecisionOutcome;
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One item of a criterion: something the intake team ticks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionItem {
    /// Stable code (lowercase letters, digits, `_`; 1–40 characters), unique in the team's list.
    pub code: String,
    /// Label in Norwegian Bokmål.
    pub label_nb: String,
    /// Label in English.
    pub label_en: String,
}

/// One criterion: met when any of its items is ticked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable code, unique in the team's list.
    pub code: String,
    /// Label in Norwegian Bokmål.
    pub label_nb: String,
    /// Label in English.
    pub label_en: String,
    /// The items; at least one.
    pub items: Vec<CriterionItem>,
}

impl CriterionItem {
    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.label_nb,
            Lang::En => &self.label_en,
        }
    }
}

impl Criterion {
    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.label_nb,
            Lang::En => &self.label_en,
        }
    }
}

/// A team's target-group criteria: every criterion must be met; the default is C-Flex's.
/// Deserializing does not check the list (so a request body's problems are a 422 naming the
/// field, not a parse error): check it with [`TargetGroupCriteria::check`] before storing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TargetGroupCriteria(Vec<Criterion>);

impl From<TargetGroupCriteria> for Vec<Criterion> {
    fn from(c: TargetGroupCriteria) -> Self {
        c.0
    }
}

impl TryFrom<Vec<Criterion>> for TargetGroupCriteria {
    type Error = TargetGroupError;
    fn try_from(v: Vec<Criterion>) -> Result<Self, Self::Error> {
        TargetGroupCriteria::new(v)
    }
}

impl Default for TargetGroupCriteria {
    fn default() -> Self {
        TargetGroupCriteria::c_flex()
    }
}

fn item(code: &str, nb: &str, en: &str) -> CriterionItem {
    CriterionItem {
        code: code.into(),
        label_nb: nb.into(),
        label_en: en.into(),
    }
}

fn criterion(code: &str, nb: &str, en: &str, items: Vec<CriterionItem>) -> Criterion {
    Criterion {
        code: code.into(),
        label_nb: nb.into(),
        label_en: en.into(),
        items,
    }
}

/// Item codes that decisions recorded before the criteria became team policy used (see the
/// migration `20261130000002_target_group`): the old booleans map onto them.
pub mod legacy {
    /// "Alvorlig psykisk lidelse" (was `severe_mental_illness`).
    pub const MENTAL_ILLNESS: &str = "serious_mental_illness";
    /// "Alvorlig rusavhengighet/ruslidelse" (was `substance_use`).
    pub const SUBSTANCE_USE: &str = "serious_substance_use";
    /// "Svak eller manglende tilknytning …" (was `weak_connection`).
    pub const WEAK_CONNECTION: &str = "weak_connection";
}

impl TargetGroupCriteria {
    /// Checks a list: at least one criterion, each with at least one item, codes well formed and
    /// unique (criteria and items share one namespace), labels short texts (one line, 1–200
    /// characters, no control characters).
    pub fn new(criteria: Vec<Criterion>) -> Result<Self, TargetGroupError> {
        let list = TargetGroupCriteria(criteria);
        list.check()?;
        Ok(list)
    }

    /// Checks the list as [`TargetGroupCriteria::new`] does (for a list that came through serde).
    pub fn check(&self) -> Result<(), TargetGroupError> {
        let criteria = &self.0;
        if criteria.is_empty() {
            return Err(TargetGroupError::NoCriteria);
        }
        let mut seen = HashSet::new();
        let ok_code = |c: &str| {
            (1..=40).contains(&c.len())
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        let ok_label = |l: &str| ShortText::parse(l).is_ok();
        for c in criteria {
            if c.items.is_empty() {
                return Err(TargetGroupError::CriterionWithoutItems);
            }
            let codes = std::iter::once(&c.code).chain(c.items.iter().map(|i| &i.code));
            for code in codes {
                if !ok_code(code) {
                    return Err(TargetGroupError::BadCode);
                }
                if !seen.insert(code.clone()) {
                    return Err(TargetGroupError::DuplicateCode);
                }
            }
            let labels = [&c.label_nb, &c.label_en]
                .into_iter()
                .chain(c.items.iter().flat_map(|i| [&i.label_nb, &i.label_en]));
            for l in labels {
                if !ok_label(l) {
                    return Err(TargetGroupError::BadLabel);
                }
            }
        }
        Ok(())
    }

    /// C-Flex, Bærum (`001`, `003`): the grant's three criteria, all together.
    pub fn c_flex() -> Self {
        TargetGroupCriteria(vec![
            criterion(
                "illness",
                "Alvorlig psykisk lidelse og/eller alvorlig rusavhengighet/ruslidelse",
                "Serious mental illness and/or serious substance use disorder",
                vec![
                    item(
                        legacy::MENTAL_ILLNESS,
                        "Alvorlig psykisk lidelse",
                        "Serious mental illness",
                    ),
                    item(
                        legacy::SUBSTANCE_USE,
                        "Alvorlig rusavhengighet/ruslidelse",
                        "Serious substance dependence/substance use disorder",
                    ),
                ],
            ),
            criterion(
                "function",
                "Stor funksjonssvikt",
                "Major loss of function",
                vec![item(
                    "major_loss_of_function",
                    "Stor funksjonssvikt",
                    "Major loss of function",
                )],
            ),
            criterion(
                "connection",
                "Svak eller manglende tilknytning til tjenestene de trenger",
                "Weak or no connection to the services they need",
                vec![item(
                    legacy::WEAK_CONNECTION,
                    "Svak eller manglende tilknytning til tjenestene de trenger",
                    "Weak or no connection to the services they need",
                )],
            ),
        ])
    }

    /// Tandem, Kristiansand (`000`): substance use and mental disorders, any diagnosis but
    /// psychosis (or none), and not able to use help from either line on its own.
    pub fn tandem() -> Self {
        TargetGroupCriteria(vec![
            criterion(
                "disorder",
                "Rus- og/eller psykiatrilidelse",
                "Substance use and/or mental disorder",
                vec![
                    item("substance_disorder", "Ruslidelse", "Substance use disorder"),
                    item("mental_disorder", "Psykisk lidelse", "Mental disorder"),
                ],
            ),
            criterion(
                "diagnosis",
                "Diagnose: alle unntatt psykose (psykose får hjelp av FACT)",
                "Diagnosis: any but psychosis (psychosis is helped by FACT)",
                vec![
                    item(
                        "other_diagnosis",
                        "Annen diagnose enn psykose",
                        "A diagnosis other than psychosis",
                    ),
                    item("no_diagnosis", "Ingen diagnose", "No diagnosis"),
                ],
            ),
            criterion(
                "lines",
                "Klarer ikke å nyttiggjøre seg hjelp fra 1. eller 2. linjetjenesten hver for seg",
                "Cannot make use of help from the 1st or 2nd line on its own",
                vec![item(
                    "neither_line_alone",
                    "Klarer ikke å nyttiggjøre seg hjelp fra 1. eller 2. linjetjenesten hver for seg",
                    "Cannot make use of help from the 1st or 2nd line on its own",
                )],
            ),
        ])
    }

    /// The criteria, in order.
    pub fn criteria(&self) -> &[Criterion] {
        &self.0
    }

    /// The item with this code and its criterion, if the list has it.
    pub fn item(&self, code: &str) -> Option<(&Criterion, &CriterionItem)> {
        self.0
            .iter()
            .find_map(|c| c.items.iter().find(|i| i.code == code).map(|i| (c, i)))
    }

    /// Checks ticked item codes against the list: every code must be one of its items
    /// (duplicates are dropped). Returns the codes in list order.
    pub fn check_items(&self, ticked: &[String]) -> Result<Vec<String>, TargetGroupError> {
        if let Some(bad) = ticked.iter().find(|t| self.item(t).is_none()) {
            return Err(TargetGroupError::UnknownItem { code: bad.clone() });
        }
        Ok(self
            .0
            .iter()
            .flat_map(|c| c.items.iter())
            .filter(|i| ticked.contains(&i.code))
            .map(|i| i.code.clone())
            .collect())
    }

    /// Whether a person with these ticked items belongs to the target group: every criterion
    /// has at least one ticked item. Unknown codes count for nothing.
    pub fn belongs(&self, ticked: &[String]) -> bool {
        self.0
            .iter()
            .all(|c| c.items.iter().any(|i| ticked.contains(&i.code)))
    }
}

/// Whether an outcome means the team offered the person help, the denominator of C-Flex's
/// "91.6 % of those who were offered help by the team belonged to the target group" (`003`):
/// accepted at any level (level 3, guidance, included) and guidance to the referrer. Routed,
/// declined and undecided referrals are not counted.
pub fn offered_help(outcome: DecisionOutcome) -> bool {
    match outcome {
        DecisionOutcome::Accepted | DecisionOutcome::Guidance => true,
        DecisionOutcome::RoutedFact | DecisionOutcome::RoutedOther | DecisionOutcome::Declined => {
            false
        }
    }
}

/// Whether an outcome routes the person elsewhere, and so records where to.
pub fn is_routed(outcome: DecisionOutcome) -> bool {
    matches!(
        outcome,
        DecisionOutcome::RoutedFact | DecisionOutcome::RoutedOther
    )
}

coded_enum! {
    /// An ordinary service established or re-established for the person (C-Flex's 40 %, `003`).
    pub enum EstablishedService {
        /// The regular GP (fastlege).
        Gp => "gp", nb: "fastlege", en: "GP";
        /// The NAV welfare office.
        Nav => "nav", nb: "NAV", en: "NAV";
        /// Municipal home-based services (hjemmebaserte tjenester).
        HomeServices => "home_services", nb: "hjemmebaserte tjenester", en: "home-based services";
        /// Follow-up in the home (oppfølging i bolig) from the housing services.
        HousingFollowUp => "housing_follow_up", nb: "oppfølging i bolig", en: "housing follow-up";
        /// Outpatient treatment at a DPS.
        DpsOutpatient => "dps_outpatient", nb: "DPS poliklinikk", en: "DPS outpatient clinic";
        /// Specialised substance use treatment (TSB).
        SubstanceTreatment => "substance_treatment", nb: "spesialisert rusbehandling (TSB)", en: "specialised substance use treatment";
        /// Another service, named in the note.
        Other => "other", nb: "annen tjeneste", en: "other service";
    }
}

/// Why target-group criteria, ticked items or an established service are not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TargetGroupError {
    /// The list is empty.
    #[error("The target group needs at least one criterion.")]
    NoCriteria,
    /// A criterion has no items.
    #[error("Each criterion needs at least one item.")]
    CriterionWithoutItems,
    /// A code is empty, too long or not lowercase letters, digits and `_`.
    #[error("Codes are 1–40 lowercase letters, digits or underscores.")]
    BadCode,
    /// Two criteria or items share a code.
    #[error("Each criterion and item needs its own code.")]
    DuplicateCode,
    /// A label is empty, too long or has control characters.
    #[error("Labels are one line of 1–200 characters without control characters.")]
    BadLabel,
    /// A ticked item is not in the team's list.
    #[error("The item “{code}” is not one of the team's target-group criteria.")]
    UnknownItem {
        /// The code given.
        code: String,
    },
    /// A routed outcome without saying where to.
    #[error("Say where the person was routed.")]
    RoutedToMissing,
    /// Where-to given for an outcome that routes nowhere.
    #[error("Where the person was routed applies only when the outcome routes the person.")]
    RoutedToNotAllowed,
    /// "Other service" without naming it.
    #[error("Name the service when it is “other service”.")]
    OtherServiceUnnamed,
}

impl Localized for TargetGroupError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoCriteria => "target_group_no_criteria",
            Self::CriterionWithoutItems => "target_group_criterion_without_items",
            Self::BadCode => "target_group_bad_code",
            Self::DuplicateCode => "target_group_duplicate_code",
            Self::BadLabel => "target_group_bad_label",
            Self::UnknownItem { .. } => "target_group_unknown_item",
            Self::RoutedToMissing => "routed_to_missing",
            Self::RoutedToNotAllowed => "routed_to_not_allowed",
            Self::OtherServiceUnnamed => "other_service_unnamed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::NoCriteria => "Målgruppen trenger minst ett kriterium.".into(),
                Self::CriterionWithoutItems => {
                    "Hvert kriterium trenger minst ett punkt å krysse av for.".into()
                }
                Self::BadCode => {
                    "Koder er 1–40 små bokstaver (a–z), sifre eller understrek.".into()
                }
                Self::DuplicateCode => "Hvert kriterium og punkt trenger sin egen kode.".into(),
                Self::BadLabel => "Tekstene er 1–200 tegn uten kontrolltegn.".into(),
                Self::UnknownItem { code } => {
                    format!("Punktet «{code}» er ikke et av teamets kriterier for målgruppen.")
                }
                Self::RoutedToMissing => "Skriv hvor personen ble henvist videre.".into(),
                Self::RoutedToNotAllowed => {
                    "Hvor personen ble henvist videre, gjelder bare når utfallet er videre henvisning."
                        .into()
                }
                Self::OtherServiceUnnamed => {
                    "Skriv hvilken tjeneste det er når du velger «annen tjeneste».".into()
                }
            },
        }
    }
}

/// Checks "where the person was routed" against the outcome: required when routed to another
/// service, optional when routed to the FACT team (the outcome names where; the text may name
/// which FACT team), not allowed otherwise. `routed_to` is the trimmed text, `None` when empty.
pub fn check_routed_to(
    outcome: DecisionOutcome,
    routed_to: Option<&str>,
) -> Result<(), TargetGroupError> {
    match (is_routed(outcome), routed_to) {
        (true, None) if outcome == DecisionOutcome::RoutedOther => {
            Err(TargetGroupError::RoutedToMissing)
        }
        (false, Some(_)) => Err(TargetGroupError::RoutedToNotAllowed),
        _ => Ok(()),
    }
}

/// Checks an established service: "other service" must be named in the note.
pub fn check_established(
    service: EstablishedService,
    note: Option<&str>,
) -> Result<(), TargetGroupError> {
    if service == EstablishedService::Other && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(TargetGroupError::OtherServiceUnnamed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;
    use crate::test_support::assert_localized;

    fn ticked(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn c_flex_needs_all_three_criteria() {
        let c = TargetGroupCriteria::c_flex();
        let all = ticked(&[
            "serious_mental_illness",
            "major_loss_of_function",
            "weak_connection",
        ]);
        assert!(c.belongs(&all));
        // Substance use instead of mental illness: "og/eller".
        assert!(c.belongs(&ticked(&[
            "serious_substance_use",
            "major_loss_of_function",
            "weak_connection"
        ])));
        // Both is fine too.
        assert!(c.belongs(&ticked(&[
            "serious_mental_illness",
            "serious_substance_use",
            "major_loss_of_function",
            "weak_connection"
        ])));
        // Without major loss of function, not in the target group.
        assert!(!c.belongs(&ticked(&["serious_mental_illness", "weak_connection"])));
        // Without a weak connection, not in the target group.
        assert!(!c.belongs(&ticked(&[
            "serious_substance_use",
            "major_loss_of_function"
        ])));
        // Without illness or substance use, not in the target group.
        assert!(!c.belongs(&ticked(&["major_loss_of_function", "weak_connection"])));
        assert!(!c.belongs(&[]));
        // Unknown codes count for nothing.
        assert!(!c.belongs(&ticked(&["housing", "x", "y"])));
        assert_eq!(TargetGroupCriteria::default(), c);
    }

    #[test]
    fn c_flex_labels_in_the_seeds_words() {
        let c = TargetGroupCriteria::c_flex();
        let labels: Vec<&str> = c
            .criteria()
            .iter()
            .flat_map(|c| c.items.iter().map(|i| i.label(Lang::Nb)))
            .collect();
        assert_eq!(
            labels,
            [
                "Alvorlig psykisk lidelse",
                "Alvorlig rusavhengighet/ruslidelse",
                "Stor funksjonssvikt",
                "Svak eller manglende tilknytning til tjenestene de trenger",
            ]
        );
        assert!(!labels.iter().any(|l| l.contains("rusproblem")));
        // Housing is recorded at intake but is not a criterion.
        assert!(!labels.iter().any(|l| l.to_lowercase().contains("bolig")));
    }

    #[test]
    fn tandem_uses_diagnosis() {
        let t = TargetGroupCriteria::tandem();
        assert!(t.belongs(&ticked(&[
            "substance_disorder",
            "no_diagnosis",
            "neither_line_alone"
        ])));
        assert!(t.belongs(&ticked(&[
            "mental_disorder",
            "other_diagnosis",
            "neither_line_alone"
        ])));
        assert!(!t.belongs(&ticked(&["mental_disorder", "neither_line_alone"])));
        // C-Flex's items mean nothing to Tandem's list.
        assert!(!t.belongs(&ticked(&[
            "serious_mental_illness",
            "major_loss_of_function",
            "weak_connection"
        ])));
        assert!(TargetGroupCriteria::new(t.criteria().to_vec()).is_ok());
    }

    #[test]
    fn check_items_rejects_unknown_and_orders() {
        let c = TargetGroupCriteria::c_flex();
        assert_eq!(
            c.check_items(&ticked(&[
                "weak_connection",
                "serious_mental_illness",
                "weak_connection"
            ])),
            Ok(ticked(&["serious_mental_illness", "weak_connection"]))
        );
        let err = c
            .check_items(&ticked(&["weak_connection", "bolig"]))
            .unwrap_err();
        assert_eq!(
            err,
            TargetGroupError::UnknownItem {
                code: "bolig".into()
            }
        );
        assert_eq!(
            err.message(Lang::Nb),
            "Punktet «bolig» er ikke et av teamets kriterier for målgruppen."
        );
        assert_eq!(c.check_items(&[]), Ok(vec![]));
    }

    #[test]
    fn policy_lists_are_checked() {
        let good = TargetGroupCriteria::c_flex().criteria().to_vec();
        assert_eq!(
            TargetGroupCriteria::new(vec![]),
            Err(TargetGroupError::NoCriteria)
        );
        let mut no_items = good.clone();
        no_items[1].items.clear();
        assert_eq!(
            TargetGroupCriteria::new(no_items),
            Err(TargetGroupError::CriterionWithoutItems)
        );
        let mut dup = good.clone();
        dup[2].items[0].code = "serious_mental_illness".into();
        assert_eq!(
            TargetGroupCriteria::new(dup),
            Err(TargetGroupError::DuplicateCode)
        );
        let mut bad = good.clone();
        bad[0].code = "Ill ness".into();
        assert_eq!(
            TargetGroupCriteria::new(bad),
            Err(TargetGroupError::BadCode)
        );
        let mut label = good.clone();
        label[0].items[0].label_nb = "  ".into();
        assert_eq!(
            TargetGroupCriteria::new(label),
            Err(TargetGroupError::BadLabel)
        );
        // Lists built in code and through `TryFrom` go through the same check.
        assert_eq!(
            TargetGroupCriteria::try_from(Vec::<Criterion>::from(TargetGroupCriteria::tandem())),
            Ok(TargetGroupCriteria::tandem())
        );
    }

    #[test]
    fn offered_help_counts_accepted_and_guidance() {
        let offered: Vec<DecisionOutcome> = DecisionOutcome::ALL
            .iter()
            .copied()
            .filter(|&o| offered_help(o))
            .collect();
        assert_eq!(
            offered,
            [DecisionOutcome::Accepted, DecisionOutcome::Guidance]
        );
        let routed: Vec<DecisionOutcome> = DecisionOutcome::ALL
            .iter()
            .copied()
            .filter(|&o| is_routed(o))
            .collect();
        assert_eq!(
            routed,
            [DecisionOutcome::RoutedFact, DecisionOutcome::RoutedOther]
        );
    }

    #[test]
    fn routed_to_and_established_services() {
        use DecisionOutcome::*;
        assert_eq!(check_routed_to(RoutedOther, Some("DPS")), Ok(()));
        assert_eq!(
            check_routed_to(RoutedOther, None),
            Err(TargetGroupError::RoutedToMissing)
        );
        assert_eq!(check_routed_to(RoutedFact, None), Ok(()));
        assert_eq!(
            check_routed_to(RoutedFact, Some("FACT Kristiansand")),
            Ok(())
        );
        assert_eq!(
            check_routed_to(Accepted, Some("DPS")),
            Err(TargetGroupError::RoutedToNotAllowed)
        );
        assert_eq!(check_routed_to(Declined, None), Ok(()));
        assert_coded(
            EstablishedService::ALL,
            EstablishedService::code,
            EstablishedService::from_code,
            EstablishedService::label,
        );
        assert_eq!(check_established(EstablishedService::Gp, None), Ok(()));
        assert_eq!(
            check_established(EstablishedService::Other, Some(" ")),
            Err(TargetGroupError::OtherServiceUnnamed)
        );
        assert_eq!(
            check_established(EstablishedService::Other, Some("Frisklivssentralen")),
            Ok(())
        );
        assert_localized(&[
            TargetGroupError::NoCriteria,
            TargetGroupError::CriterionWithoutItems,
            TargetGroupError::BadCode,
            TargetGroupError::DuplicateCode,
            TargetGroupError::BadLabel,
            TargetGroupError::UnknownItem { code: "x".into() },
            TargetGroupError::RoutedToMissing,
            TargetGroupError::RoutedToNotAllowed,
            TargetGroupError::OtherServiceUnnamed,
        ]);
    }
}
