//! The joint intake decision: who takes part, what the team decides, and at which level of effort.
//!
//! The teams are owned by both the municipality and the specialist health service, and so is the
//! decision to take a person in: Tandem's intake team has 3 municipal and 3 hospital members
//! (`000`). Which referrals a team takes is team policy, so the rules here take the policy as
//! arguments instead of hard-coding one team's practice.

use crate::client::{LongText, TextError};
use crate::coded::coded_enum;
use crate::icd10::Icd10Code;
use crate::lang::{format_count, Lang, Localized};
use crate::staff::OrgKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How closely the team works with a person: C-Flex's three levels of effort (`001`/`003`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LevelOfEffort {
    /// 1: the team follows the person up directly.
    #[serde(rename = "in_team")]
    InTeam = 1,
    /// 2: the team works alongside the service that already has the relationship.
    #[serde(rename = "shoulder_to_shoulder")]
    ShoulderToShoulder = 2,
    /// 3: advice to another service on a concrete case.
    #[serde(rename = "guidance")]
    Guidance = 3,
}

impl LevelOfEffort {
    /// Every level, from closest to lightest.
    pub const ALL: &'static [LevelOfEffort] = &[
        LevelOfEffort::InTeam,
        LevelOfEffort::ShoulderToShoulder,
        LevelOfEffort::Guidance,
    ];

    /// The stable machine code (storage, API, serde).
    pub fn code(self) -> &'static str {
        match self {
            LevelOfEffort::InTeam => "in_team",
            LevelOfEffort::ShoulderToShoulder => "shoulder_to_shoulder",
            LevelOfEffort::Guidance => "guidance",
        }
    }

    /// Looks a level up by its exact machine code.
    pub fn from_code(code: &str) -> Option<LevelOfEffort> {
        LevelOfEffort::ALL
            .iter()
            .copied()
            .find(|l| l.code() == code)
    }

    /// The level's number as the teams use it: 1, 2 or 3.
    pub fn number(self) -> i64 {
        self as i64
    }

    /// The level with this number (1–3).
    pub fn from_number(n: i64) -> Option<LevelOfEffort> {
        LevelOfEffort::ALL.iter().copied().find(|l| l.number() == n)
    }

    /// The label with its number, e.g. "2 – Skulder ved skulder".
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LevelOfEffort::InTeam, Lang::Nb) => "1 – Inn i teamet",
            (LevelOfEffort::InTeam, Lang::En) => "1 – In the team",
            (LevelOfEffort::ShoulderToShoulder, Lang::Nb) => "2 – Skulder ved skulder",
            (LevelOfEffort::ShoulderToShoulder, Lang::En) => "2 – Shoulder to shoulder",
            (LevelOfEffort::Guidance, Lang::Nb) => "3 – Veiledning",
            (LevelOfEffort::Guidance, Lang::En) => "3 – Guidance",
        }
    }

    /// One sentence saying what the level means, for pickers and help text.
    pub fn description(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LevelOfEffort::InTeam, Lang::Nb) => {
                "Personer med svak eller ingen tilknytning til tjenestene følges opp direkte av \
                 teamet."
            }
            (LevelOfEffort::InTeam, Lang::En) => {
                "People with weak or no connection to services are followed up directly by the \
                 team."
            }
            (LevelOfEffort::ShoulderToShoulder, Lang::Nb) => {
                "En annen tjeneste har relasjonen; teamet deltar i møter og tiltak og tilfører \
                 kompetansen tjenesten mangler, uten å ta over ansvaret."
            }
            (LevelOfEffort::ShoulderToShoulder, Lang::En) => {
                "Another service has the relationship; the team joins meetings and measures and \
                 adds the competence that service lacks, without taking over responsibility."
            }
            (LevelOfEffort::Guidance, Lang::Nb) => {
                "Råd i en konkret sak, uten direkte tjenester til personen."
            }
            (LevelOfEffort::Guidance, Lang::En) => {
                "Advice on a concrete case, with no direct service to the person."
            }
        }
    }
}

coded_enum! {
    /// What the joint intake team decided about a referral.
    pub enum DecisionOutcome {
        /// Taken into the team, at a level of effort.
        Accepted => "accepted", nb: "tatt inn", en: "accepted";
        /// Sent to the FACT team (Tandem: psychosis diagnoses).
        RoutedFact => "routed_fact", nb: "til FACT-team", en: "routed to a FACT team";
        /// Sent to another service that fits better.
        RoutedOther => "routed_other", nb: "til annen tjeneste", en: "routed to another service";
        /// Level 3: advice to the partner who referred, in a guidance case; the person is not
        /// taken in and gets no record. (Replaces "guidance only" and "accepted at level 3".)
        Guidance => "guidance", nb: "veiledning (nivå 3)", en: "guidance (level 3)";
        /// Declined.
        Declined => "declined", nb: "avslått", en: "declined";
    }
}

impl DecisionOutcome {
    /// Whether this outcome takes the person in, and so needs a level of effort.
    pub fn requires_level(self) -> bool {
        self == DecisionOutcome::Accepted
    }
}

coded_enum! {
    /// Which of the two owners of a team a person works for.
    pub enum Side {
        /// The municipality (1st line), including NAV.
        Municipal => "municipal", nb: "kommunen", en: "the municipality";
        /// The specialist health service (2nd line): DPS, hospital, specialised substance treatment.
        Specialist => "specialist", nb: "spesialisthelsetjenesten", en: "the specialist health service";
        /// NAV and other state agencies (a NAV office is run jointly by the state and the
        /// municipality; an organisation marked so counts for neither owner side).
        NavState => "nav_state", nb: "NAV/staten", en: "NAV/the state";
        /// Anyone else (a user organisation, a private provider).
        Other => "other", nb: "annen", en: "other";
    }
}

/// The side proposed for an employer of a kind, when none is given: a hospital trust is
/// specialist, everyone else municipal. Since issue 8 the side is a property of the
/// organisation (`organisations.side`), set by the administrator; this guess only fills it for
/// organisations made before (the migration) and for new ones created without a side.
pub fn side_of(kind: OrgKind) -> Side {
    match kind {
        OrgKind::HospitalTrust => Side::Specialist,
        OrgKind::Municipality | OrgKind::Nav | OrgKind::Other => Side::Municipal,
    }
}

/// Whether a team member in this role takes part in a clinical assessment, and so may be an
/// intake participant or a coordinator: team members, intake members and the team lead do;
/// the administrator and the privacy officer (data protection officer) do not, whatever their
/// profession (issue 8).
pub fn takes_part_in_assessment(role: crate::staff::TeamRole) -> bool {
    use crate::staff::TeamRole;
    match role {
        TeamRole::Worker | TeamRole::IntakeMember | TeamRole::TeamLead => true,
        TeamRole::Administrator | TeamRole::PrivacyOfficer => false,
    }
}

/// The ICD-10 codes a team routes to a FACT team as psychosis (team policy). The default is
/// Tandem's (`000`, read with ICD-10): schizophrenia, schizotypal and delusional disorders
/// (F20–F29), substance-induced psychotic disorders (F1x.5: F10.5 … F19.5) and affective
/// disorders with psychotic symptoms (F30.2, F31.2, F31.5, F32.3, F33.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PsychosisCodes(pub Vec<crate::icd10::Icd10Pattern>);

impl PsychosisCodes {
    /// Tandem's list, as written in the policy.
    pub const TANDEM: &'static [&'static str] = &[
        "F20-F29", "F1x.5", "F30.2", "F31.2", "F31.5", "F32.3", "F33.3",
    ];

    /// The first pattern a code lies under, if any.
    pub fn matching(&self, code: &Icd10Code) -> Option<&crate::icd10::Icd10Pattern> {
        self.0.iter().find(|p| p.matches(code))
    }

    /// The list as one line, e.g. "F20-F29, F1x.5, F30.2".
    pub fn joined(&self) -> String {
        self.0
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Default for PsychosisCodes {
    fn default() -> Self {
        PsychosisCodes(
            Self::TANDEM
                .iter()
                .filter_map(|p| crate::icd10::Icd10Pattern::parse(p).ok())
                .collect(),
        )
    }
}

/// Checks who took part in an intake decision: at least one person, and with `min_per_side`
/// set (Tandem: 3) at least that many from each side.
pub fn check_participants(
    min_per_side: Option<u32>,
    participant_sides: &[Side],
) -> Result<(), IntakeError> {
    if participant_sides.is_empty() {
        return Err(IntakeError::NoParticipants);
    }
    let Some(min) = min_per_side else {
        return Ok(());
    };
    let count = |side: Side| {
        let n = participant_sides.iter().filter(|&&s| s == side).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let missing_municipal = min.saturating_sub(count(Side::Municipal));
    let missing_specialist = min.saturating_sub(count(Side::Specialist));
    if missing_municipal == 0 && missing_specialist == 0 {
        Ok(())
    } else {
        Err(IntakeError::TooFewParticipants {
            min,
            missing_municipal,
            missing_specialist,
        })
    }
}

/// Why the intake rules suggest an outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RoutingReason {
    /// The person has a diagnosis on the team's psychosis list and the team routes those to FACT.
    PsychosisDiagnosis {
        /// The first psychosis code found.
        code: Icd10Code,
        /// The entry of the team's list it lies under, e.g. "F1x.5".
        pattern: String,
    },
}

impl Localized for RoutingReason {
    fn code(&self) -> &'static str {
        match self {
            Self::PsychosisDiagnosis { .. } => "routing_psychosis_to_fact",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::PsychosisDiagnosis { code, pattern }, Lang::Nb) => format!(
                "{code} er en psykosediagnose ({pattern} på teamets liste); teamet sender slike \
                 henvisninger til FACT-teamet."
            ),
            (Self::PsychosisDiagnosis { code, pattern }, Lang::En) => format!(
                "{code} is a psychosis diagnosis ({pattern} on the team's list); the team routes \
                 such referrals to the FACT team."
            ),
        }
    }
}

impl fmt::Display for RoutingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Suggests an outcome from the person's diagnoses under the team's policy; the intake team
/// decides, this only proposes.
///
/// - Tandem, Kristiansand (`000`): `route_psychosis_to_fact = true`, `diagnosis_is_criterion =
///   true`: any diagnosis on the team's psychosis list (default [`PsychosisCodes`]) suggests routing to the FACT team, naming the code;
///   all other or no diagnoses suggest nothing (the referral stays with Tandem's intake team).
/// - Samhandlingsteamet / C-Flex, Bærum (`001`): `diagnosis_is_criterion = false`: diagnosis is
///   not an intake criterion, so nothing is ever suggested, even with a psychosis diagnosis.
pub fn suggested_outcome(
    route_psychosis_to_fact: bool,
    diagnosis_is_criterion: bool,
    psychosis: &PsychosisCodes,
    diagnoses: &[Icd10Code],
) -> Option<(DecisionOutcome, RoutingReason)> {
    if !diagnosis_is_criterion || !route_psychosis_to_fact {
        return None;
    }
    diagnoses.iter().find_map(|code| {
        psychosis.matching(code).map(|pattern| {
            (
                DecisionOutcome::RoutedFact,
                RoutingReason::PsychosisDiagnosis {
                    code: code.clone(),
                    pattern: pattern.to_string(),
                },
            )
        })
    })
}

/// The intake decision as entered, before checking; use [`DecisionInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DecisionInput {
    /// What was decided.
    pub outcome: DecisionOutcome,
    /// The level of effort; required when accepted, not allowed otherwise.
    #[serde(default)]
    pub level: Option<LevelOfEffort>,
    /// The reasons for the decision, written for the record (1–5 000 characters).
    pub reasons: String,
}

/// A checked intake decision: an outcome, its level of effort if accepted, and the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DecisionInput")]
pub struct Decision {
    outcome: DecisionOutcome,
    level: Option<LevelOfEffort>,
    reasons: LongText,
}

impl DecisionInput {
    /// The longest reasons text accepted, in characters.
    pub const MAX_REASON_CHARS: usize = 5_000;

    /// Checks the level against the outcome, then the reasons text. Accepted takes levels 1
    /// and 2; level 3 is the outcome `guidance`, not an acceptance.
    pub fn validate(self) -> Result<Decision, IntakeError> {
        match (self.outcome.requires_level(), self.level) {
            (true, None) => return Err(IntakeError::LevelRequired),
            (true, Some(LevelOfEffort::Guidance)) => return Err(IntakeError::GuidanceIsAnOutcome),
            (false, Some(_)) => {
                return Err(IntakeError::LevelNotAllowed {
                    outcome: self.outcome,
                })
            }
            _ => {}
        }
        let reasons = LongText::parse(&self.reasons).map_err(|e| match e {
            TextError::Empty => IntakeError::ReasonsMissing,
            TextError::TooLong { len, .. } => IntakeError::ReasonsTooLong { len },
            TextError::ControlCharacter => IntakeError::ReasonsControlCharacter,
            // Only names are checked for visible content.
            TextError::NothingVisible => IntakeError::ReasonsMissing,
        })?;
        let len = reasons.as_str().chars().count();
        if len > Self::MAX_REASON_CHARS {
            return Err(IntakeError::ReasonsTooLong { len });
        }
        Ok(Decision {
            outcome: self.outcome,
            level: self.level,
            reasons,
        })
    }
}

impl TryFrom<DecisionInput> for Decision {
    type Error = IntakeError;

    fn try_from(input: DecisionInput) -> Result<Self, Self::Error> {
        input.validate()
    }
}

impl Decision {
    /// What was decided.
    pub fn outcome(&self) -> DecisionOutcome {
        self.outcome
    }

    /// The level of effort; `Some` exactly when the outcome is accepted.
    pub fn level(&self) -> Option<LevelOfEffort> {
        self.level
    }

    /// The reasons, trimmed, with `\n` line endings.
    pub fn reasons(&self) -> &str {
        self.reasons.as_str()
    }
}

/// Why an intake decision is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum IntakeError {
    /// No participants were recorded.
    #[error("At least one participant in the decision must be recorded.")]
    NoParticipants,
    /// A side has fewer participants than the team's rule requires.
    #[error("{}", too_few_message(Lang::En, *.min, *.missing_municipal, *.missing_specialist))]
    TooFewParticipants {
        /// The team's minimum per side.
        min: u32,
        /// How many more are needed from the municipality.
        missing_municipal: u32,
        /// How many more are needed from the specialist health service.
        missing_specialist: u32,
    },
    /// Accepted without a level of effort.
    #[error("When the person is accepted, a level of effort must be chosen.")]
    LevelRequired,
    /// A level of effort with an outcome that does not take the person in.
    #[error(
        "A level of effort applies only when the person is accepted, not when the outcome is \
         “{}”.",
        .outcome.label(Lang::En)
    )]
    LevelNotAllowed {
        /// The outcome given.
        outcome: DecisionOutcome,
    },
    /// Accepted at level 3: guidance is its own outcome and takes no one in.
    #[error(
        "Level 3 (guidance) is not an acceptance: choose the outcome “guidance (level 3)”, which \
         records a guidance case and makes no record of the person."
    )]
    GuidanceIsAnOutcome,
    /// The reasons are missing.
    #[error("The reasons for the decision are missing.")]
    ReasonsMissing,
    /// The reasons are longer than [`DecisionInput::MAX_REASON_CHARS`].
    #[error(
        "The reasons are too long: at most 5,000 characters (got {}).",
        format_count(*.len, Lang::En)
    )]
    ReasonsTooLong {
        /// Characters given, after trimming.
        len: usize,
    },
    /// The reasons contain a control or text-direction character.
    #[error("The reasons contain invisible control characters; please retype them.")]
    ReasonsControlCharacter,
}

/// "at least N participants" / "minst N deltakere", with the right number.
fn participants(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::Nb, 1) => "minst 1 deltaker".into(),
        (Lang::Nb, _) => format!("minst {n} deltakere"),
        (Lang::En, 1) => "at least 1 participant".into(),
        (Lang::En, _) => format!("at least {n} participants"),
    }
}

fn too_few_message(
    lang: Lang,
    min: u32,
    missing_municipal: u32,
    missing_specialist: u32,
) -> String {
    let from = match lang {
        Lang::Nb => "fra",
        Lang::En => "from",
    };
    let missing: Vec<String> = [
        (missing_municipal, Side::Municipal),
        (missing_specialist, Side::Specialist),
    ]
    .into_iter()
    .filter(|&(n, _)| n > 0)
    .map(|(n, side)| format!("{n} {from} {}", side.label(lang)))
    .collect();
    let and = match lang {
        Lang::Nb => " og ",
        Lang::En => " and ",
    };
    let missing = missing.join(and);
    let municipal = Side::Municipal.label(lang);
    let specialist = Side::Specialist.label(lang);
    match lang {
        Lang::Nb => format!(
            "Inntaksbeslutningen krever {} fra {municipal} og {min} fra {specialist}; det mangler {missing}.",
            participants(lang, min)
        ),
        Lang::En => format!(
            "The decision requires {} from {municipal} and {min} from {specialist}; still \
             missing: {missing}.",
            participants(lang, min)
        ),
    }
}

impl Localized for IntakeError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoParticipants => "intake_no_participants",
            Self::TooFewParticipants { .. } => "intake_too_few_participants",
            Self::LevelRequired => "intake_level_required",
            Self::LevelNotAllowed { .. } => "intake_level_not_allowed",
            Self::GuidanceIsAnOutcome => "intake_guidance_is_an_outcome",
            Self::ReasonsMissing => "intake_reasons_missing",
            Self::ReasonsTooLong { .. } => "intake_reasons_too_long",
            Self::ReasonsControlCharacter => "intake_reasons_control_character",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::NoParticipants => {
                    "Minst én deltaker i inntaksbeslutningen må registreres.".into()
                }
                Self::TooFewParticipants {
                    min,
                    missing_municipal,
                    missing_specialist,
                } => too_few_message(Lang::Nb, *min, *missing_municipal, *missing_specialist),
                Self::LevelRequired => "Når personen tas inn, må innsatsnivå velges.".into(),
                Self::LevelNotAllowed { outcome } => format!(
                    "Innsatsnivå gjelder bare når personen tas inn, ikke når utfallet er «{}».",
                    outcome.label(Lang::Nb)
                ),
                Self::GuidanceIsAnOutcome => {
                    "Nivå 3 (veiledning) er ikke et inntak: velg utfallet \
                     «veiledning (nivå 3)», som registrerer en veiledningssak og ikke oppretter \
                     journal for personen."
                        .into()
                }
                Self::ReasonsMissing => "Begrunnelsen for inntaksbeslutningen mangler.".into(),
                Self::ReasonsTooLong { len } => format!(
                    "Begrunnelsen er for lang: høyst 5\u{a0}000 tegn (fikk {}).",
                    format_count(*len, Lang::Nb)
                ),
                Self::ReasonsControlCharacter => {
                    "Begrunnelsen inneholder usynlige kontrolltegn; skriv den inn på nytt.".into()
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;
    use crate::test_support::{assert_localized, deserialize_str, serialize_to_string};

    fn codes(list: &[&str]) -> Vec<Icd10Code> {
        list.iter().map(|c| Icd10Code::parse(c).unwrap()).collect()
    }

    #[test]
    fn level_of_effort_numbers_codes_labels() {
        assert_coded(
            LevelOfEffort::ALL,
            LevelOfEffort::code,
            LevelOfEffort::from_code,
            LevelOfEffort::label,
        );
        let numbers: Vec<i64> = LevelOfEffort::ALL.iter().map(|l| l.number()).collect();
        assert_eq!(numbers, [1, 2, 3]);
        for &l in LevelOfEffort::ALL {
            assert_eq!(LevelOfEffort::from_number(l.number()), Some(l));
            assert!(l.label(Lang::Nb).starts_with(&l.number().to_string()));
            assert!(l.label(Lang::En).starts_with(&l.number().to_string()));
            assert!(l.description(Lang::Nb).ends_with('.'));
            assert_ne!(l.description(Lang::Nb), l.description(Lang::En));
        }
        for bad in [0, 4, -1, i64::MAX] {
            assert_eq!(LevelOfEffort::from_number(bad), None, "{bad}");
        }
        assert_eq!(
            LevelOfEffort::ShoulderToShoulder.label(Lang::Nb),
            "2 – Skulder ved skulder"
        );
        assert_eq!(LevelOfEffort::InTeam.label(Lang::En), "1 – In the team");
        assert_eq!(LevelOfEffort::Guidance.label(Lang::Nb), "3 – Veiledning");
    }

    #[test]
    fn outcome_and_side_tables() {
        assert_coded(
            DecisionOutcome::ALL,
            DecisionOutcome::code,
            DecisionOutcome::from_code,
            DecisionOutcome::label,
        );
        assert_eq!(DecisionOutcome::RoutedFact.label(Lang::Nb), "til FACT-team");
        let needs_level: Vec<DecisionOutcome> = DecisionOutcome::ALL
            .iter()
            .copied()
            .filter(|o| o.requires_level())
            .collect();
        assert_eq!(needs_level, [DecisionOutcome::Accepted]);
        assert_coded(Side::ALL, Side::code, Side::from_code, Side::label);
    }

    #[test]
    fn sides_of_employers() {
        assert_eq!(side_of(OrgKind::HospitalTrust), Side::Specialist);
        assert_eq!(side_of(OrgKind::Municipality), Side::Municipal);
        assert_eq!(side_of(OrgKind::Nav), Side::Municipal);
        assert_eq!(side_of(OrgKind::Other), Side::Municipal);
    }

    #[test]
    fn participants_tandem_three_plus_three() {
        use Side::{Municipal as M, Specialist as S};
        assert_eq!(check_participants(Some(3), &[M, M, M, S, S, S]), Ok(()));
        assert_eq!(check_participants(Some(3), &[S, M, S, M, S, M, M]), Ok(()));
        let err = check_participants(Some(3), &[M, M, M, S, S]).unwrap_err();
        assert_eq!(
            err,
            IntakeError::TooFewParticipants {
                min: 3,
                missing_municipal: 0,
                missing_specialist: 1
            }
        );
        assert_eq!(
            err.message(Lang::Nb),
            "Inntaksbeslutningen krever minst 3 deltakere fra kommunen og 3 fra \
             spesialisthelsetjenesten; det mangler 1 fra spesialisthelsetjenesten."
        );
        assert_eq!(
            err.message(Lang::En),
            "The decision requires at least 3 participants from the municipality and 3 from the \
             specialist health service; still missing: 1 from the specialist health service."
        );
        let err = check_participants(Some(3), &[M, M, M, S]).unwrap_err();
        assert_eq!(
            err.message(Lang::Nb),
            "Inntaksbeslutningen krever minst 3 deltakere fra kommunen og 3 fra \
             spesialisthelsetjenesten; det mangler 2 fra spesialisthelsetjenesten."
        );
        let err = check_participants(Some(3), &[M, S, S, S]).unwrap_err();
        assert!(err
            .message(Lang::Nb)
            .ends_with("det mangler 2 fra kommunen."));
        let err = check_participants(Some(3), &[M, S]).unwrap_err();
        assert!(err
            .message(Lang::Nb)
            .ends_with("det mangler 2 fra kommunen og 2 fra spesialisthelsetjenesten."));
        assert!(err.message(Lang::En).ends_with(
            "still missing: 2 from the municipality and 2 from the specialist health service."
        ));
    }

    #[test]
    fn participants_without_minimum_need_only_one() {
        use Side::{Municipal as M, Specialist as S};
        assert_eq!(check_participants(None, &[M]), Ok(()));
        assert_eq!(check_participants(None, &[S]), Ok(()));
        assert_eq!(check_participants(Some(0), &[S]), Ok(()));
        assert_eq!(
            check_participants(None, &[]),
            Err(IntakeError::NoParticipants)
        );
        assert_eq!(
            check_participants(Some(3), &[]),
            Err(IntakeError::NoParticipants)
        );
        let one = check_participants(Some(1), &[M]).unwrap_err();
        assert!(one
            .message(Lang::Nb)
            .starts_with("Inntaksbeslutningen krever minst 1 deltaker fra kommunen"));
    }

    #[test]
    fn routing_tandem_sends_psychosis_to_fact() {
        let tandem = PsychosisCodes::default();
        let suggest = |list: &[&str]| suggested_outcome(true, true, &tandem, &codes(list));
        let (outcome, reason) = suggest(&["F10.2", "F20.0"]).unwrap();
        assert_eq!(outcome, DecisionOutcome::RoutedFact);
        assert_eq!(
            reason,
            RoutingReason::PsychosisDiagnosis {
                code: Icd10Code::parse("F20.0").unwrap(),
                pattern: "F20-F29".into(),
            }
        );
        assert!(reason.message(Lang::Nb).contains("F20.0"));
        assert!(reason.message(Lang::En).contains("F20.0"));
        assert!(reason.message(Lang::Nb).contains("FACT"));
        // Substance-induced psychosis and affective disorders with psychotic symptoms.
        for yes in [
            "F15.5", "F10.5", "F19.5", "F30.2", "F31.2", "F31.5", "F32.3", "F33.3", "F29",
        ] {
            assert!(suggest(&[yes]).is_some(), "{yes}");
        }
        let (_, reason) = suggest(&["F15.5"]).unwrap();
        assert!(reason.message(Lang::Nb).contains("F1x.5"), "{reason}");
        // Other or no diagnoses stay with Tandem.
        for no in [
            "F10.2", "F32.2", "F31.1", "F60.3", "F33.2", "F15.2", "F30.1",
        ] {
            assert_eq!(suggest(&[no]), None, "{no}");
        }
        assert_eq!(suggest(&[]), None);
        // A team's own list replaces the default.
        let narrow = PsychosisCodes(vec![crate::icd10::Icd10Pattern::parse("F20").unwrap()]);
        assert!(suggested_outcome(true, true, &narrow, &codes(&["F20.0"])).is_some());
        assert!(suggested_outcome(true, true, &narrow, &codes(&["F15.5"])).is_none());
    }

    #[test]
    fn routing_c_flex_never_suggests() {
        let list = PsychosisCodes::default();
        // Diagnosis is not an intake criterion at C-Flex, even with psychosis.
        for c in ["F20.0", "F15.5", "F32.3", "F10.2"] {
            assert_eq!(suggested_outcome(false, false, &list, &codes(&[c])), None);
            assert_eq!(suggested_outcome(true, false, &list, &codes(&[c])), None);
        }
        // A team that uses diagnoses but does not route psychosis elsewhere.
        assert_eq!(
            suggested_outcome(false, true, &list, &codes(&["F25.1"])),
            None
        );
    }

    #[test]
    fn psychosis_codes_serde_and_default() {
        let d = PsychosisCodes::default();
        assert_eq!(d.0.len(), PsychosisCodes::TANDEM.len());
        assert_eq!(
            d.joined(),
            "F20-F29, F1x.5, F30.2, F31.2, F31.5, F32.3, F33.3"
        );
        let p: PsychosisCodes = serde_json::from_str(r#"["f20-f29", "F1X.5"]"#).unwrap();
        assert_eq!(p.joined(), "F20-F29, F1x.5");
        assert!(serde_json::from_str::<PsychosisCodes>(r#"["F2"]"#).is_err());
    }

    #[test]
    fn who_takes_part_in_assessment() {
        use crate::staff::TeamRole;
        assert!(takes_part_in_assessment(TeamRole::Worker));
        assert!(takes_part_in_assessment(TeamRole::IntakeMember));
        assert!(takes_part_in_assessment(TeamRole::TeamLead));
        assert!(!takes_part_in_assessment(TeamRole::Administrator));
        assert!(!takes_part_in_assessment(TeamRole::PrivacyOfficer));
    }

    #[test]
    fn other_sides_count_for_neither_owner() {
        use Side::{Municipal as M, NavState as N, Other as O, Specialist as S};
        assert_eq!(check_participants(Some(1), &[M, S, N, O]), Ok(()));
        let err = check_participants(Some(1), &[N, O, S]).unwrap_err();
        assert_eq!(
            err,
            IntakeError::TooFewParticipants {
                min: 1,
                missing_municipal: 1,
                missing_specialist: 0
            }
        );
    }

    #[test]
    fn level_required_only_for_accepted() {
        let input = |outcome, level| DecisionInput {
            outcome,
            level,
            reasons: "Svak tilknytning til tjenestene.".into(),
        };
        let d = input(DecisionOutcome::Accepted, Some(LevelOfEffort::InTeam))
            .validate()
            .unwrap();
        assert_eq!(d.outcome(), DecisionOutcome::Accepted);
        assert_eq!(d.level(), Some(LevelOfEffort::InTeam));
        assert_eq!(d.reasons(), "Svak tilknytning til tjenestene.");
        assert_eq!(
            input(DecisionOutcome::Accepted, None).validate(),
            Err(IntakeError::LevelRequired)
        );
        assert!(input(
            DecisionOutcome::Accepted,
            Some(LevelOfEffort::ShoulderToShoulder)
        )
        .validate()
        .is_ok());
        // Level 3 is the outcome `guidance`, not an acceptance.
        assert_eq!(
            input(DecisionOutcome::Accepted, Some(LevelOfEffort::Guidance)).validate(),
            Err(IntakeError::GuidanceIsAnOutcome)
        );
        assert_eq!(DecisionOutcome::from_code("guidance_only"), None);
        assert_eq!(
            DecisionOutcome::from_code("guidance"),
            Some(DecisionOutcome::Guidance)
        );
        for &outcome in DecisionOutcome::ALL {
            if outcome == DecisionOutcome::Accepted {
                continue;
            }
            assert!(input(outcome, None).validate().is_ok(), "{outcome:?}");
            assert_eq!(
                input(outcome, Some(LevelOfEffort::Guidance)).validate(),
                Err(IntakeError::LevelNotAllowed { outcome }),
            );
        }
        assert_eq!(
            IntakeError::LevelNotAllowed {
                outcome: DecisionOutcome::Declined
            }
            .message(Lang::Nb),
            "Innsatsnivå gjelder bare når personen tas inn, ikke når utfallet er «avslått»."
        );
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        let input = |reasons: &str| DecisionInput {
            outcome: DecisionOutcome::Declined,
            level: None,
            reasons: reasons.into(),
        };
        assert_eq!(input("  \n ").validate(), Err(IntakeError::ReasonsMissing));
        assert!(input(&"x".repeat(5_000)).validate().is_ok());
        assert_eq!(
            input(&"x".repeat(5_001)).validate(),
            Err(IntakeError::ReasonsTooLong { len: 5_001 })
        );
        assert_eq!(
            input(&"x".repeat(10_001)).validate(),
            Err(IntakeError::ReasonsTooLong { len: 10_001 })
        );
        assert_eq!(
            input("a\u{0}b").validate(),
            Err(IntakeError::ReasonsControlCharacter)
        );
        let d = input(" Linje 1\r\nLinje 2 ").validate().unwrap();
        assert_eq!(d.reasons(), "Linje 1\nLinje 2");
        // The level is checked before the text.
        assert_eq!(
            DecisionInput {
                outcome: DecisionOutcome::Accepted,
                level: None,
                reasons: String::new(),
            }
            .validate(),
            Err(IntakeError::LevelRequired)
        );
    }

    #[test]
    fn decision_deserializes_through_validate() {
        use serde::de::value::{Error, MapDeserializer};
        // (The plain map deserializer cannot produce `Some`, so `level` is left out here.)
        let map = |entries: [(&'static str, &'static str); 2]| {
            MapDeserializer::<_, Error>::new(entries.into_iter())
        };
        let d =
            Decision::deserialize(map([("outcome", "declined"), ("reasons", " Nei. ")])).unwrap();
        assert_eq!(d.outcome(), DecisionOutcome::Declined);
        assert_eq!(d.level(), None);
        assert_eq!(d.reasons(), "Nei.");
        let no_level = map([("outcome", "accepted"), ("reasons", "Begrunnelse.")]);
        let err = Decision::deserialize(no_level).unwrap_err();
        assert_eq!(
            err.to_string(),
            "When the person is accepted, a level of effort must be chosen."
        );
        let empty = map([("outcome", "declined"), ("reasons", "  ")]);
        assert!(Decision::deserialize(empty).is_err());
        assert_eq!(serialize_to_string(&LevelOfEffort::Guidance), "guidance");
        assert_eq!(
            deserialize_str::<LevelOfEffort>("in_team"),
            Ok(LevelOfEffort::InTeam)
        );
    }

    #[test]
    fn errors_localized() {
        assert_localized(&[
            IntakeError::NoParticipants,
            IntakeError::TooFewParticipants {
                min: 3,
                missing_municipal: 0,
                missing_specialist: 2,
            },
            IntakeError::LevelRequired,
            IntakeError::LevelNotAllowed {
                outcome: DecisionOutcome::Declined,
            },
            IntakeError::GuidanceIsAnOutcome,
            IntakeError::ReasonsMissing,
            IntakeError::ReasonsTooLong { len: 5_001 },
            IntakeError::ReasonsControlCharacter,
        ]);
        let e = IntakeError::ReasonsTooLong { len: 12_345 };
        assert_eq!(
            e.message(Lang::Nb),
            "Begrunnelsen er for lang: høyst 5\u{a0}000 tegn (fikk 12\u{a0}345)."
        );
    }
}
