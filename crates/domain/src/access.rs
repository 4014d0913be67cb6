//! The vocabulary of access control: why a record is opened and how much of it is shown.

use crate::coded::coded_enum;
use crate::staff::HealthPersonnelBasis;

coded_enum! {
    /// The purpose of use logged with every access, as coded in the trust framework.
    pub enum Purpose {
        /// Treatment within a documented care relationship.
        Treat => "TREAT", nb: "behandling", en: "treatment";
        /// Coordination of care, e.g. as coordinator or in the individual plan.
        Coc => "COC", nb: "koordinering av helsehjelp", en: "coordination of care";
        /// Emergency treatment.
        Etreat => "ETREAT", nb: "øyeblikkelig hjelp", en: "emergency treatment";
        /// Break the glass: overrides normal rules, is flagged and always reviewed.
        Btg => "BTG", nb: "nødtilgang (bryte glasset)", en: "break the glass";
    }
}

impl Purpose {
    /// Whether this access overrides the normal rules and must go to mandatory review.
    pub fn is_break_the_glass(self) -> bool {
        self == Purpose::Btg
    }
}

coded_enum! {
    /// How much of a client's record a grant reveals; `Health` includes everything in `Basic`.
    pub enum Scope {
        /// Name, contact details and care team: what anyone in the care relationship needs.
        Basic => "basic", nb: "grunnopplysninger", en: "basic information";
        /// Also health content: notes, diagnoses, measures (scores, plans).
        Health => "health", nb: "helseopplysninger", en: "health information";
    }
}

impl Scope {
    /// Whether this scope reveals health content (notes, diagnoses, measures).
    pub fn includes_health(self) -> bool {
        self == Scope::Health
    }
}

/// The default scope a staff member's access gives, before any consent widens it.
///
/// Health personnel (by an authorised profession or by employment in the health service to give
/// care, see [`crate::health_personnel_basis`]) get `Health`; everyone else gets `Basic` only
/// (hpl § 25, DOMAIN.md rule 9).
pub fn scope_for(health_personnel: Option<HealthPersonnelBasis>) -> Scope {
    if health_personnel.is_some() {
        Scope::Health
    } else {
        Scope::Basic
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    #[test]
    fn purpose_codes_match_trust_framework() {
        assert_coded(
            Purpose::ALL,
            Purpose::code,
            Purpose::from_code,
            Purpose::label,
        );
        let codes: Vec<&str> = Purpose::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes, ["TREAT", "COC", "ETREAT", "BTG"]);
        assert_eq!(Purpose::from_code("treat"), None);
        assert_eq!(Purpose::from_code("BTG"), Some(Purpose::Btg));
    }

    #[test]
    fn only_btg_is_break_the_glass() {
        let btg: Vec<Purpose> = Purpose::ALL
            .iter()
            .copied()
            .filter(|p| p.is_break_the_glass())
            .collect();
        assert_eq!(btg, [Purpose::Btg]);
    }

    #[test]
    fn scope_table_and_order() {
        assert_coded(Scope::ALL, Scope::code, Scope::from_code, Scope::label);
        assert!(Scope::Basic < Scope::Health);
        assert!(Scope::Health.includes_health());
        assert!(!Scope::Basic.includes_health());
    }

    #[test]
    fn scope_follows_effective_health_personnel_status() {
        use crate::staff::{health_personnel_basis, Profession};
        for p in [
            Profession::NavOfficer,
            Profession::HousingOfficer,
            Profession::ExperienceConsultant,
            Profession::MilieuTherapist,
            Profession::Educator,
            Profession::Other,
        ] {
            assert_eq!(
                scope_for(health_personnel_basis(p, false)),
                Scope::Basic,
                "{p:?}"
            );
            assert_eq!(
                scope_for(health_personnel_basis(p, true)),
                Scope::Health,
                "{p:?}"
            );
        }
        for p in [
            Profession::Nurse,
            Profession::Psychologist,
            Profession::Psychiatrist,
            Profession::Physician,
            Profession::SocialEducator,
            Profession::OccupationalTherapist,
        ] {
            assert_eq!(
                scope_for(health_personnel_basis(p, false)),
                Scope::Health,
                "{p:?}"
            );
        }
    }
}
