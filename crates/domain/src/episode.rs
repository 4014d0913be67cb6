//! A person's course in the team: from inclusion to closing, with the coordinator pair and the
//! responsibility group around them.
//!
//! SPoR puts a coordinator pair around each person, one municipal and one specialist (`004`);
//! C-Flex pairs a municipal and a specialist worker on each user (`001`). The teams are judged by
//! whether people end up established in ordinary services, so the closing reason is coded.

use crate::coded::coded_enum;
use crate::intake::Side;
use crate::lang::{Lang, Localized};
use chrono::NaiveDate;
use std::fmt;

coded_enum! {
    /// Why a person's course in the team ended; the first two count as the goal reached.
    pub enum CloseReason {
        /// Now followed by ordinary municipal and specialist services.
        EstablishedOrdinary => "established_ordinary", nb: "etablert i ordinære tjenester", en: "established in ordinary services";
        /// Back with ordinary services after a break.
        ReestablishedOrdinary => "reestablished_ordinary", nb: "reetablert i ordinære tjenester", en: "re-established in ordinary services";
        /// Moved out of the team's area.
        Moved => "moved", nb: "flyttet", en: "moved";
        /// The person declined further help.
        DeclinedFurtherHelp => "declined_further_help", nb: "takket nei til videre hjelp", en: "declined further help";
        /// The team lost contact with the person (a break the teams try to prevent).
        LostContact => "lost_contact", nb: "mistet kontakt", en: "lost contact";
        /// The person died.
        Died => "died", nb: "dødsfall", en: "died";
        /// Any other reason.
        Other => "other", nb: "annet", en: "other";
    }
}

impl CloseReason {
    /// Whether the course ended as a drop-out (the fidelity profile's drop-out): the person
    /// declined further help or the team lost contact. Moving away, death and being
    /// established elsewhere are not drop-outs (as in ACT's retention measure).
    pub fn is_dropout(self) -> bool {
        matches!(
            self,
            CloseReason::DeclinedFurtherHelp | CloseReason::LostContact
        )
    }

    /// Whether the person left established or re-established in ordinary services, the teams'
    /// main goal ("40 % got ordinary services established or re-established", `003`).
    pub fn is_established(self) -> bool {
        matches!(
            self,
            CloseReason::EstablishedOrdinary | CloseReason::ReestablishedOrdinary
        )
    }
}

coded_enum! {
    /// A staff member's role in one person's course.
    pub enum EpisodeRole {
        /// The coordinator from the municipality.
        MunicipalCoordinator => "municipal_coordinator", nb: "kommunal koordinator", en: "municipal coordinator";
        /// The coordinator from the specialist health service.
        SpecialistCoordinator => "specialist_coordinator", nb: "spesialistkoordinator", en: "specialist coordinator";
        /// Another member of the team around the person.
        Member => "member", nb: "medlem av teamet rundt personen", en: "member of the team around the person";
    }
}

impl EpisodeRole {
    /// Whether this is one of the coordinator pair.
    pub fn is_coordinator(self) -> bool {
        self != EpisodeRole::Member
    }

    /// The side a coordinator in this role is expected to come from; `None` for members.
    pub fn expected_side(self) -> Option<Side> {
        match self {
            EpisodeRole::MunicipalCoordinator => Some(Side::Municipal),
            EpisodeRole::SpecialistCoordinator => Some(Side::Specialist),
            EpisodeRole::Member => None,
        }
    }
}

/// Something odd about a coordinator pair: shown to the user, but saving is still allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairWarning {
    /// Both coordinators have the same home employer.
    SameEmployer,
    /// Both coordinators come from the same side.
    SameSide {
        /// The side both come from.
        side: Side,
    },
    /// The municipal coordinator is from the specialist side and the specialist from the
    /// municipal side: the roles are probably swapped.
    RolesSwapped,
}

impl Localized for PairWarning {
    fn code(&self) -> &'static str {
        match self {
            Self::SameEmployer => "coordinator_pair_same_employer",
            Self::SameSide { .. } => "coordinator_pair_same_side",
            Self::RolesSwapped => "coordinator_pair_roles_swapped",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::SameEmployer, Lang::Nb) => "Koordinatorparet har samme arbeidsgiver. Modellen \
                 forutsetter én koordinator fra kommunen og én fra spesialisthelsetjenesten."
                .into(),
            (Self::SameEmployer, Lang::En) => "The coordinator pair has the same employer. The \
                 model expects one coordinator from the municipality and one from the specialist \
                 health service."
                .into(),
            (Self::SameSide { side }, Lang::Nb) => format!(
                "Begge koordinatorene er fra {}. Modellen forutsetter én koordinator fra kommunen \
                 og én fra spesialisthelsetjenesten.",
                side.label(Lang::Nb)
            ),
            (Self::SameSide { side }, Lang::En) => format!(
                "Both coordinators are from {}. The model expects one coordinator from the \
                 municipality and one from the specialist health service.",
                side.label(Lang::En)
            ),
            (Self::RolesSwapped, Lang::Nb) => "Den kommunale koordinatoren er fra \
                 spesialisthelsetjenesten og spesialistkoordinatoren fra kommunen; bytt rollene \
                 hvis det er feil."
                .into(),
            (Self::RolesSwapped, Lang::En) => "The municipal coordinator is from the specialist \
                 health service and the specialist coordinator from the municipality; swap the \
                 roles if this is a mistake."
                .into(),
        }
    }
}

impl fmt::Display for PairWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Warns when a coordinator pair is not one municipal and one specialist coordinator: same home
/// employer (checked first), same side, or roles the wrong way round. A warning, not an error:
/// a team may have good reasons, e.g. while the other side finds a coordinator.
pub fn coordinator_pair_warning<T: PartialEq>(
    municipal_employer: &T,
    specialist_employer: &T,
    municipal_side: Side,
    specialist_side: Side,
) -> Option<PairWarning> {
    if municipal_employer == specialist_employer {
        Some(PairWarning::SameEmployer)
    } else if municipal_side == specialist_side {
        Some(PairWarning::SameSide {
            side: municipal_side,
        })
    } else if municipal_side == Side::Specialist {
        Some(PairWarning::RolesSwapped)
    } else {
        None
    }
}

coded_enum! {
    /// A date in a person's course that is checked against today.
    pub enum DateField {
        /// When the referral was received.
        Referred => "referred", nb: "henvisningsdato", en: "referral date";
        /// When the intake team decided.
        Decided => "decided", nb: "dato for inntaksbeslutningen", en: "decision date";
        /// When the person was included in the team.
        Included => "included", nb: "inklusjonsdato", en: "inclusion date";
        /// When the course was closed.
        Closed => "closed", nb: "avslutningsdato", en: "closing date";
    }
}

/// Refuses a date after `today` (events in a record have happened).
pub fn check_not_future(
    field: DateField,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<(), EpisodeError> {
    if date > today {
        Err(EpisodeError::FutureDate { field })
    } else {
        Ok(())
    }
}

/// Checks a closing date: not before inclusion (same day is fine) and not after `today`.
pub fn check_close(
    included_on: NaiveDate,
    closed_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), EpisodeError> {
    if closed_on < included_on {
        return Err(EpisodeError::CloseBeforeInclusion);
    }
    check_not_future(DateField::Closed, closed_on, today)
}

coded_enum! {
    /// Who a member of a person's responsibility group ("ansvarsgruppe") is.
    pub enum RgMemberKind {
        /// The person's GP (fastlege).
        Gp => "gp", nb: "fastlege", en: "GP";
        /// The NAV welfare office.
        Nav => "nav", nb: "NAV", en: "NAV";
        /// The municipal housing office.
        HousingOffice => "housing_office", nb: "boligkontor", en: "housing office";
        /// A relative (pårørende); only with the person's recorded consent.
        Relative => "relative", nb: "pårørende", en: "relative";
        /// The specialist health service, e.g. DPS or specialised substance treatment.
        SpecialistService => "specialist_service", nb: "spesialisthelsetjenesten", en: "specialist health service";
        /// Another municipal service.
        MunicipalService => "municipal_service", nb: "kommunal tjeneste", en: "municipal service";
        /// A user organisation (brukerorganisasjon).
        UserOrganisation => "user_organisation", nb: "brukerorganisasjon", en: "user organisation";
        /// Anyone else.
        Other => "other", nb: "annet", en: "other";
        /// A member of the outreach team.
        TeamMember => "team_member", nb: "teammedlem", en: "team member";
    }
}

/// Refuses adding a relative to a responsibility group unless the person's consent is recorded.
pub fn check_relative_consent(
    kind: RgMemberKind,
    consent_recorded: bool,
) -> Result<(), EpisodeError> {
    if kind == RgMemberKind::Relative && !consent_recorded {
        Err(EpisodeError::RelativeWithoutConsent)
    } else {
        Ok(())
    }
}

/// Why a change to a person's course is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum EpisodeError {
    /// The closing date is before the inclusion date.
    #[error("The closing date cannot be before the inclusion date.")]
    CloseBeforeInclusion,
    /// A date that lies after today.
    #[error("The {} cannot be in the future.", .field.label(Lang::En))]
    FutureDate {
        /// Which date.
        field: DateField,
    },
    /// A relative without the person's recorded consent.
    #[error("A relative can only be added with the person's recorded consent.")]
    RelativeWithoutConsent,
}

impl Localized for EpisodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::CloseBeforeInclusion => "episode_close_before_inclusion",
            Self::FutureDate { .. } => "episode_future_date",
            Self::RelativeWithoutConsent => "episode_relative_without_consent",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::CloseBeforeInclusion => {
                    "Avslutningsdatoen kan ikke være før inklusjonsdatoen.".into()
                }
                Self::FutureDate { field } => {
                    let definite = match field {
                        DateField::Referred => "Henvisningsdatoen",
                        DateField::Decided => "Datoen for inntaksbeslutningen",
                        DateField::Included => "Inklusjonsdatoen",
                        DateField::Closed => "Avslutningsdatoen",
                    };
                    format!("{definite} kan ikke være fram i tid.")
                }
                Self::RelativeWithoutConsent => {
                    "Pårørende kan bare legges til med registrert samtykke fra personen.".into()
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;
    use crate::test_support::assert_localized;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn coded_tables() {
        assert_coded(
            CloseReason::ALL,
            CloseReason::code,
            CloseReason::from_code,
            CloseReason::label,
        );
        assert_coded(
            EpisodeRole::ALL,
            EpisodeRole::code,
            EpisodeRole::from_code,
            EpisodeRole::label,
        );
        assert_coded(
            DateField::ALL,
            DateField::code,
            DateField::from_code,
            DateField::label,
        );
        assert_coded(
            RgMemberKind::ALL,
            RgMemberKind::code,
            RgMemberKind::from_code,
            RgMemberKind::label,
        );
        assert_eq!(RgMemberKind::ALL.len(), 9);
        assert_eq!(
            CloseReason::DeclinedFurtherHelp.label(Lang::Nb),
            "takket nei til videre hjelp"
        );
    }

    #[test]
    fn dropout_reasons() {
        let dropout: Vec<CloseReason> = CloseReason::ALL
            .iter()
            .copied()
            .filter(|r| r.is_dropout())
            .collect();
        assert_eq!(
            dropout,
            [CloseReason::DeclinedFurtherHelp, CloseReason::LostContact]
        );
    }

    #[test]
    fn established_reasons() {
        let established: Vec<CloseReason> = CloseReason::ALL
            .iter()
            .copied()
            .filter(|r| r.is_established())
            .collect();
        assert_eq!(
            established,
            [
                CloseReason::EstablishedOrdinary,
                CloseReason::ReestablishedOrdinary
            ]
        );
    }

    #[test]
    fn roles() {
        assert!(EpisodeRole::MunicipalCoordinator.is_coordinator());
        assert!(EpisodeRole::SpecialistCoordinator.is_coordinator());
        assert!(!EpisodeRole::Member.is_coordinator());
        assert_eq!(
            EpisodeRole::MunicipalCoordinator.expected_side(),
            Some(Side::Municipal)
        );
        assert_eq!(
            EpisodeRole::SpecialistCoordinator.expected_side(),
            Some(Side::Specialist)
        );
        assert_eq!(EpisodeRole::Member.expected_side(), None);
    }

    #[test]
    fn coordinator_pair() {
        use Side::{Municipal as M, Specialist as S};
        assert_eq!(coordinator_pair_warning(&1, &2, M, S), None);
        assert_eq!(
            coordinator_pair_warning(&"bærum", &"bærum", M, S),
            Some(PairWarning::SameEmployer)
        );
        // Same employer is reported even when the sides also match.
        assert_eq!(
            coordinator_pair_warning(&7, &7, M, M),
            Some(PairWarning::SameEmployer)
        );
        // Two municipalities (SPoR spans five): different employers, same side.
        assert_eq!(
            coordinator_pair_warning(&1, &2, M, M),
            Some(PairWarning::SameSide { side: M })
        );
        assert_eq!(
            coordinator_pair_warning(&1, &2, S, S),
            Some(PairWarning::SameSide { side: S })
        );
        assert_eq!(
            coordinator_pair_warning(&1, &2, S, M),
            Some(PairWarning::RolesSwapped)
        );
        assert!(PairWarning::SameEmployer
            .message(Lang::Nb)
            .starts_with("Koordinatorparet har samme arbeidsgiver."));
        assert!(PairWarning::SameSide { side: S }
            .message(Lang::Nb)
            .starts_with("Begge koordinatorene er fra spesialisthelsetjenesten."));
    }

    #[test]
    fn pair_warnings_are_localized() {
        let all = [
            PairWarning::SameEmployer,
            PairWarning::SameSide {
                side: Side::Municipal,
            },
            PairWarning::SameSide {
                side: Side::Specialist,
            },
            PairWarning::RolesSwapped,
        ];
        let mut seen = std::collections::HashSet::new();
        for w in all {
            assert!(w.code().starts_with("coordinator_pair_"));
            let nb = w.message(Lang::Nb);
            let en = w.message(Lang::En);
            assert_eq!(en, w.to_string());
            assert_ne!(nb, en);
            assert!(nb.ends_with('.') && en.ends_with('.'));
            assert!(seen.insert(nb));
        }
    }

    #[test]
    fn close_dates() {
        let today = d(2026, 3, 15);
        assert_eq!(check_close(d(2025, 1, 1), d(2026, 3, 1), today), Ok(()));
        assert_eq!(check_close(d(2026, 3, 1), d(2026, 3, 1), today), Ok(()));
        assert_eq!(check_close(d(2026, 3, 1), today, today), Ok(()));
        assert_eq!(
            check_close(d(2026, 3, 1), d(2026, 2, 28), today),
            Err(EpisodeError::CloseBeforeInclusion)
        );
        assert_eq!(
            check_close(d(2026, 3, 1), d(2026, 3, 16), today),
            Err(EpisodeError::FutureDate {
                field: DateField::Closed
            })
        );
        assert_eq!(
            EpisodeError::CloseBeforeInclusion.message(Lang::Nb),
            "Avslutningsdatoen kan ikke være før inklusjonsdatoen."
        );
    }

    #[test]
    fn not_future() {
        let today = d(2026, 3, 15);
        assert_eq!(check_not_future(DateField::Included, today, today), Ok(()));
        assert_eq!(
            check_not_future(DateField::Referred, d(2020, 1, 1), today),
            Ok(())
        );
        let err = check_not_future(DateField::Included, d(2026, 3, 16), today).unwrap_err();
        assert_eq!(
            err,
            EpisodeError::FutureDate {
                field: DateField::Included
            }
        );
        assert_eq!(
            err.message(Lang::Nb),
            "Inklusjonsdatoen kan ikke være fram i tid."
        );
        assert_eq!(
            err.message(Lang::En),
            "The inclusion date cannot be in the future."
        );
    }

    #[test]
    fn relatives_need_consent() {
        assert_eq!(
            check_relative_consent(RgMemberKind::Relative, false),
            Err(EpisodeError::RelativeWithoutConsent)
        );
        assert_eq!(check_relative_consent(RgMemberKind::Relative, true), Ok(()));
        for &kind in RgMemberKind::ALL {
            if kind != RgMemberKind::Relative {
                assert_eq!(check_relative_consent(kind, false), Ok(()), "{kind:?}");
            }
        }
        assert_eq!(
            EpisodeError::RelativeWithoutConsent.message(Lang::Nb),
            "Pårørende kan bare legges til med registrert samtykke fra personen."
        );
    }

    #[test]
    fn errors_localized() {
        let mut errors = vec![
            EpisodeError::CloseBeforeInclusion,
            EpisodeError::RelativeWithoutConsent,
        ];
        errors.extend(
            DateField::ALL
                .iter()
                .map(|&field| EpisodeError::FutureDate { field }),
        );
        assert_localized(&errors);
    }
}
