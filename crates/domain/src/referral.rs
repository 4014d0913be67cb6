//! Referrals: who sends a person to the team, how, and what must be known about the person.
//!
//! C-Flex lets anyone contact the team (`001`), so a referral carries the kind of agency that sent
//! it (the evaluation counts referring agencies), how it came in, and the referral's own status
//! until the joint intake decision.

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// The kind of agency or person that made a referral; reports count referrals per kind.
    pub enum AgencyKind {
        /// The person's regular GP (fastlege).
        Gp => "gp", nb: "fastlege", en: "GP";
        /// The NAV welfare office.
        Nav => "nav", nb: "NAV", en: "NAV";
        /// The municipal housing office (boligkontoret).
        HousingOffice => "housing_office", nb: "boligkontor", en: "housing office";
        /// A relative or other next of kin (pårørende).
        Relative => "relative", nb: "pårørende", en: "relative";
        /// The police.
        Police => "police", nb: "politi", en: "police";
        /// The person contacted the team themselves.
        SelfReferral => "self_referral", nb: "personen selv", en: "the person themselves";
        /// A district psychiatric centre (DPS).
        Dps => "dps", nb: "DPS", en: "DPS (district psychiatric centre)";
        /// A hospital ward.
        HospitalWard => "hospital_ward", nb: "sykehusavdeling", en: "hospital ward";
        /// The emergency clinic (legevakt).
        EmergencyClinic => "emergency_clinic", nb: "legevakt", en: "emergency clinic";
        /// The correctional service (kriminalomsorgen): prison or probation.
        CorrectionalService => "correctional_service", nb: "kriminalomsorgen", en: "correctional service";
        /// Another municipal service, e.g. home care or the mental health and substance service.
        MunicipalService => "municipal_service", nb: "kommunal tjeneste", en: "municipal service";
        /// Specialised substance use treatment (TSB).
        SubstanceTreatment => "substance_treatment", nb: "TSB/rusbehandling", en: "specialised substance use treatment";
        /// Anyone else.
        Other => "other", nb: "annet", en: "other";
    }
}

coded_enum! {
    /// How a referral reached the team.
    pub enum ReferralChannel {
        /// Benk's referral form.
        WebForm => "web_form", nb: "nettskjema", en: "web form";
        /// A phone call.
        Phone => "phone", nb: "telefon", en: "phone";
        /// C-Flex's weekly open hour, where partners book a slot and present a case.
        OpenHour => "open_hour", nb: "åpen time", en: "open hour";
        /// A meeting, e.g. a responsibility group.
        Meeting => "meeting", nb: "møte", en: "meeting";
        /// Any other way.
        Other => "other", nb: "annet", en: "other";
    }
}

coded_enum! {
    /// How soon the referrer asks the team to act.
    pub enum Urgency {
        /// Handled at the next intake meeting.
        Normal => "normal", nb: "normal", en: "normal";
        /// The referrer asks for a quick answer, e.g. an imminent eviction or discharge.
        Urgent => "urgent", nb: "haster", en: "urgent";
    }
}

coded_enum! {
    /// Whether the person knows about and agrees to being referred.
    pub enum Knowledge {
        /// The person knows and agrees.
        Yes => "yes", nb: "ja", en: "yes";
        /// The person does not know or does not agree.
        No => "no", nb: "nei", en: "no";
        /// The referrer does not know.
        Unknown => "unknown", nb: "vet ikke", en: "unknown";
    }
}

coded_enum! {
    /// Where a referral is on its way to the joint intake decision.
    pub enum ReferralStatus {
        /// Received, not yet looked at.
        New => "new", nb: "ny", en: "new";
        /// The intake team is assessing it.
        UnderAssessment => "under_assessment", nb: "til vurdering", en: "under assessment";
        /// The intake team has decided; final.
        Decided => "decided", nb: "avgjort", en: "decided";
    }
}

impl ReferralStatus {
    /// Whether a referral may go from this status to `next`; nothing leaves `Decided`.
    pub fn can_move_to(self, next: ReferralStatus) -> bool {
        matches!(
            (self, next),
            (ReferralStatus::New, ReferralStatus::UnderAssessment)
                | (ReferralStatus::New, ReferralStatus::Decided)
                | (ReferralStatus::UnderAssessment, ReferralStatus::Decided)
        )
    }

    /// Moves to `next` if allowed, else explains why not.
    pub fn move_to(self, next: ReferralStatus) -> Result<ReferralStatus, ReferralError> {
        if self.can_move_to(next) {
            Ok(next)
        } else {
            Err(ReferralError::StatusChange {
                from: self,
                to: next,
            })
        }
    }

    /// Whether the referral still awaits a decision.
    pub fn is_open(self) -> bool {
        self != ReferralStatus::Decided
    }
}

/// Which ways to identify or reach the person a referral gives (only presence, never the values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct IdentityParts {
    /// A name is given.
    pub name: bool,
    /// A national identity number is given.
    pub national_id: bool,
    /// A year of birth is given (helps, but identifies no one on its own).
    pub birth_year: bool,
    /// A phone number is given.
    pub phone: bool,
    /// Where the person can be met is described (e.g. a shelter or a street corner).
    pub whereabouts: bool,
}

/// Refuses a referral that gives no way to find or contact the person.
///
/// Any one of name, national id, phone or whereabouts is enough; a year of birth alone is not.
pub fn identifiable(parts: IdentityParts) -> Result<(), ReferralError> {
    if parts.name || parts.national_id || parts.phone || parts.whereabouts {
        Ok(())
    } else {
        Err(ReferralError::NotIdentifiable)
    }
}

/// Why a referral, or a change to it, is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ReferralError {
    /// None of name, national id, phone or whereabouts is given.
    #[error(
        "We need something that lets us find or contact the person: name, national identity \
         number, phone or where the person can be met."
    )]
    NotIdentifiable,
    /// The status change is not allowed (e.g. reopening a decided referral).
    #[error(
        "The referral cannot go from “{}” to “{}”.",
        .from.label(Lang::En),
        .to.label(Lang::En)
    )]
    StatusChange {
        /// The current status.
        from: ReferralStatus,
        /// The status asked for.
        to: ReferralStatus,
    },
}

impl Localized for ReferralError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotIdentifiable => "referral_not_identifiable",
            Self::StatusChange { .. } => "referral_status_change",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::NotIdentifiable => "Vi trenger noe som gjør at vi kan finne eller kontakte \
                     personen: navn, fødselsnummer, telefon eller hvor personen kan treffes."
                    .into(),
                Self::StatusChange { from, to } => format!(
                    "Henvisningen kan ikke gå fra «{}» til «{}».",
                    from.label(Lang::Nb),
                    to.label(Lang::Nb)
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;
    use crate::test_support::assert_localized;

    #[test]
    fn coded_tables() {
        assert_coded(
            AgencyKind::ALL,
            AgencyKind::code,
            AgencyKind::from_code,
            AgencyKind::label,
        );
        assert_eq!(AgencyKind::ALL.len(), 13);
        assert_eq!(AgencyKind::Gp.label(Lang::Nb), "fastlege");
        assert_eq!(
            AgencyKind::from_code("substance_treatment"),
            Some(AgencyKind::SubstanceTreatment)
        );
        assert_coded(
            ReferralChannel::ALL,
            ReferralChannel::code,
            ReferralChannel::from_code,
            ReferralChannel::label,
        );
        assert_eq!(ReferralChannel::OpenHour.code(), "open_hour");
        assert_coded(
            Urgency::ALL,
            Urgency::code,
            Urgency::from_code,
            Urgency::label,
        );
        assert_coded(
            Knowledge::ALL,
            Knowledge::code,
            Knowledge::from_code,
            Knowledge::label,
        );
        assert_coded(
            ReferralStatus::ALL,
            ReferralStatus::code,
            ReferralStatus::from_code,
            ReferralStatus::label,
        );
        assert_eq!(ReferralStatus::UnderAssessment.code(), "under_assessment");
    }

    #[test]
    fn status_transitions() {
        use ReferralStatus::*;
        let allowed: Vec<(ReferralStatus, ReferralStatus)> = ReferralStatus::ALL
            .iter()
            .flat_map(|&a| ReferralStatus::ALL.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| a.can_move_to(b))
            .collect();
        assert_eq!(
            allowed,
            [
                (New, UnderAssessment),
                (New, Decided),
                (UnderAssessment, Decided)
            ]
        );
        for next in ReferralStatus::ALL {
            assert!(!Decided.can_move_to(*next), "{next:?}");
        }
        assert_eq!(New.move_to(UnderAssessment), Ok(UnderAssessment));
        assert_eq!(
            Decided.move_to(New),
            Err(ReferralError::StatusChange {
                from: Decided,
                to: New
            })
        );
        assert!(New.is_open() && UnderAssessment.is_open() && !Decided.is_open());
    }

    #[test]
    fn status_change_message_names_both_statuses() {
        let e = ReferralError::StatusChange {
            from: ReferralStatus::Decided,
            to: ReferralStatus::UnderAssessment,
        };
        assert_eq!(
            e.message(Lang::Nb),
            "Henvisningen kan ikke gå fra «avgjort» til «til vurdering»."
        );
        assert_eq!(
            e.message(Lang::En),
            "The referral cannot go from “decided” to “under assessment”."
        );
    }

    #[test]
    fn identifiable_needs_a_way_to_find_or_reach_the_person() {
        assert_eq!(
            identifiable(IdentityParts::default()),
            Err(ReferralError::NotIdentifiable)
        );
        // A year of birth alone is not enough.
        assert_eq!(
            identifiable(IdentityParts {
                birth_year: true,
                ..IdentityParts::default()
            }),
            Err(ReferralError::NotIdentifiable)
        );
        let each = [
            IdentityParts {
                name: true,
                ..IdentityParts::default()
            },
            IdentityParts {
                national_id: true,
                ..IdentityParts::default()
            },
            IdentityParts {
                phone: true,
                ..IdentityParts::default()
            },
            IdentityParts {
                whereabouts: true,
                ..IdentityParts::default()
            },
        ];
        for parts in each {
            assert_eq!(identifiable(parts), Ok(()), "{parts:?}");
        }
        assert_eq!(
            ReferralError::NotIdentifiable.message(Lang::Nb),
            "Vi trenger noe som gjør at vi kan finne eller kontakte personen: navn, \
             fødselsnummer, telefon eller hvor personen kan treffes."
        );
    }

    #[test]
    fn errors_localized() {
        assert_localized(&[
            ReferralError::NotIdentifiable,
            ReferralError::StatusChange {
                from: ReferralStatus::Decided,
                to: ReferralStatus::New,
            },
        ]);
    }
}
