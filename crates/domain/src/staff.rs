//! Staff: professions, team roles, position size, employer kind and HPR numbers.

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::fmt;

coded_enum! {
    /// A team member's profession; it decides whether they are health personnel.
    pub enum Profession {
        /// Nurse (sykepleier), often with further training in mental health or substance use.
        Nurse => "nurse", nb: "sykepleier", en: "nurse";
        /// Psychologist (psykolog).
        Psychologist => "psychologist", nb: "psykolog", en: "psychologist";
        /// Psychiatrist (psykiater).
        Psychiatrist => "psychiatrist", nb: "psykiater", en: "psychiatrist";
        /// Physician other than a psychiatrist (lege).
        Physician => "physician", nb: "lege", en: "physician";
        /// Social worker (sosionom) in the health service.
        SocialWorker => "social_worker", nb: "sosionom", en: "social worker";
        /// Family therapist (familieterapeut) in the health service.
        FamilyTherapist => "family_therapist", nb: "familieterapeut", en: "family therapist";
        /// Municipal housing officer (boligkonsulent); not health personnel.
        HousingOfficer => "housing_officer", nb: "boligkonsulent", en: "housing officer";
        /// NAV officer (NAV-veileder): employment and welfare; not health personnel.
        NavOfficer => "nav_officer", nb: "NAV-veileder", en: "NAV officer";
        /// Experience consultant (erfaringskonsulent), a peer worker; not health personnel.
        ExperienceConsultant => "experience_consultant", nb: "erfaringskonsulent", en: "peer support worker";
        /// Any other profession; treated as not health personnel until stated otherwise.
        Other => "other", nb: "annet", en: "other";
    }
}

impl Profession {
    /// Whether this profession counts as health personnel who share with each other (hpl § 45).
    ///
    /// Non-health staff (housing and NAV officers, experience consultants, others) get no default
    /// access to health content: they receive health information only as far as they take part
    /// in the care work (hpl § 25) or the person has consented (DOMAIN.md rule 9). Social workers
    /// and family therapists count because they work in the health service (hpl § 3).
    pub fn is_health_personnel(self) -> bool {
        match self {
            Profession::Nurse
            | Profession::Psychologist
            | Profession::Psychiatrist
            | Profession::Physician
            | Profession::SocialWorker
            | Profession::FamilyTherapist => true,
            Profession::HousingOfficer
            | Profession::NavOfficer
            | Profession::ExperienceConsultant
            | Profession::Other => false,
        }
    }
}

coded_enum! {
    /// What a user may do in Benk beyond their own caseload; separate from what they may read.
    pub enum TeamRole {
        /// Team member doing the outreach work.
        Worker => "worker", nb: "teammedarbeider", en: "team member";
        /// Member of the intake team, who decides on referrals.
        IntakeMember => "intake_member", nb: "inntaksteam", en: "intake team";
        /// Team lead: caseload, capacity and reports.
        TeamLead => "team_lead", nb: "teamleder", en: "team lead";
        /// Administrator: users and settings, not client records.
        Administrator => "administrator", nb: "administrator", en: "administrator";
        /// Data protection officer: reviews the access log.
        PrivacyOfficer => "privacy_officer", nb: "personvernombud", en: "data protection officer";
    }
}

coded_enum! {
    /// The kind of employer (legal entity) a team member works for; the teams span several.
    pub enum OrgKind {
        /// A municipality (kommune).
        Municipality => "municipality", nb: "kommune", en: "municipality";
        /// A hospital trust, usually through a district psychiatric centre (DPS).
        HospitalTrust => "hospital_trust", nb: "helseforetak/DPS", en: "hospital trust/DPS";
        /// The Norwegian Labour and Welfare Administration.
        Nav => "nav", nb: "NAV", en: "NAV";
        /// Any other employer.
        Other => "other", nb: "annet", en: "other";
    }
}

/// A position size in whole percent, 1–100 (a full-time equivalent of 1.0 is 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "i64")]
pub struct Fte(u8);

/// Why a position percentage is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FteError {
    /// Not a whole number.
    #[error("The position percentage must be a whole number.")]
    NotANumber,
    /// Outside 1–100.
    #[error("The position percentage must be between 1 and 100 (got {value}).")]
    OutOfRange {
        /// The number given.
        value: i64,
    },
}

impl Localized for FteError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotANumber => "fte_not_a_number",
            Self::OutOfRange { .. } => "fte_out_of_range",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::NotANumber => "Stillingsprosenten må være et helt tall.".into(),
                Self::OutOfRange { value } => {
                    format!("Stillingsprosenten må være mellom 1 og 100 (fikk {value}).")
                }
            },
        }
    }
}

impl Fte {
    /// Accepts a whole percentage from 1 to 100.
    pub fn from_percent(percent: i64) -> Result<Fte, FteError> {
        match u8::try_from(percent) {
            Ok(p @ 1..=100) => Ok(Fte(p)),
            _ => Err(FteError::OutOfRange { value: percent }),
        }
    }

    /// Parses form input such as "80", " 50 " or "100 %".
    pub fn parse(s: &str) -> Result<Fte, FteError> {
        let number = s.trim().trim_end_matches('%').trim_end();
        let value: i64 = number.parse().map_err(|_| FteError::NotANumber)?;
        Fte::from_percent(value)
    }

    /// The percentage, 1–100.
    pub fn percent(self) -> u8 {
        self.0
    }

    /// The position as a fraction of full time (0.01–1.0), for summing a team's capacity.
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl From<Fte> for u8 {
    fn from(value: Fte) -> u8 {
        value.0
    }
}

impl TryFrom<i64> for Fte {
    type Error = FteError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Fte::from_percent(value)
    }
}

impl fmt::Display for Fte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0)
    }
}

/// FHIR identifier system for HPR numbers (HL7 Norway no-basis).
pub const FHIR_SYSTEM_HPR: &str = "urn:oid:2.16.578.1.12.4.1.4.4";

/// A number in the Health Personnel Register (HPR); logged with every access by health personnel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct HprNumber(String);

/// Why a string is not a valid HPR number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum HprNumberError {
    /// Nothing was entered.
    #[error("The HPR number is missing.")]
    Empty,
    /// Something other than digits.
    #[error("The HPR number may contain only digits.")]
    NotDigits,
    /// Fewer than 6 or more than 9 digits.
    #[error("The HPR number must have 6 to 9 digits (got {len}).")]
    WrongLength {
        /// How many digits were given.
        len: usize,
    },
}

impl Localized for HprNumberError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "hpr_number_empty",
            Self::NotDigits => "hpr_number_not_digits",
            Self::WrongLength { .. } => "hpr_number_wrong_length",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "HPR-nummeret mangler.".into(),
                Self::NotDigits => "HPR-nummeret kan bare inneholde sifre.".into(),
                Self::WrongLength { len } => {
                    format!("HPR-nummeret må ha 6 til 9 sifre (fikk {len}).")
                }
            },
        }
    }
}

impl HprNumber {
    /// Parses an HPR number of 6 to 9 digits, ignoring surrounding whitespace.
    pub fn parse(s: &str) -> Result<HprNumber, HprNumberError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(HprNumberError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HprNumberError::NotDigits);
        }
        if !(6..=9).contains(&s.len()) {
            return Err(HprNumberError::WrongLength { len: s.len() });
        }
        Ok(HprNumber(s.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The FHIR identifier system for HPR numbers.
    pub fn fhir_system(&self) -> &'static str {
        FHIR_SYSTEM_HPR
    }
}

impl fmt::Display for HprNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<HprNumber> for String {
    fn from(value: HprNumber) -> String {
        value.0
    }
}

impl TryFrom<String> for HprNumber {
    type Error = HprNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        HprNumber::parse(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;
    use crate::test_support::{assert_localized, deserialize_str, serialize_to_string};

    #[test]
    fn profession_table() {
        assert_coded(
            Profession::ALL,
            Profession::code,
            Profession::from_code,
            Profession::label,
        );
        assert_eq!(Profession::ALL.len(), 10);
        assert_eq!(Profession::SocialWorker.code(), "social_worker");
        assert_eq!(Profession::NavOfficer.label(Lang::Nb), "NAV-veileder");
        assert_eq!(Profession::Physician.label(Lang::Nb), "lege");
        assert_eq!(Profession::from_code("Nurse"), None);
    }

    #[test]
    fn health_personnel() {
        let health: Vec<Profession> = Profession::ALL
            .iter()
            .copied()
            .filter(|p| p.is_health_personnel())
            .collect();
        assert_eq!(
            health,
            [
                Profession::Nurse,
                Profession::Psychologist,
                Profession::Psychiatrist,
                Profession::Physician,
                Profession::SocialWorker,
                Profession::FamilyTherapist,
            ]
        );
    }

    #[test]
    fn team_role_table() {
        assert_coded(
            TeamRole::ALL,
            TeamRole::code,
            TeamRole::from_code,
            TeamRole::label,
        );
        assert_eq!(TeamRole::PrivacyOfficer.label(Lang::Nb), "personvernombud");
        assert_eq!(
            TeamRole::from_code("intake_member"),
            Some(TeamRole::IntakeMember)
        );
    }

    #[test]
    fn org_kind_table() {
        assert_coded(
            OrgKind::ALL,
            OrgKind::code,
            OrgKind::from_code,
            OrgKind::label,
        );
        assert_eq!(OrgKind::HospitalTrust.label(Lang::Nb), "helseforetak/DPS");
    }

    #[test]
    fn fte_bounds() {
        assert_eq!(Fte::from_percent(1).unwrap().percent(), 1);
        assert_eq!(Fte::from_percent(100).unwrap().percent(), 100);
        for bad in [0, 101, -1, 256, 356, i64::MIN, i64::MAX] {
            assert_eq!(
                Fte::from_percent(bad),
                Err(FteError::OutOfRange { value: bad })
            );
        }
    }

    #[test]
    fn fte_parse() {
        assert_eq!(Fte::parse("80").unwrap().percent(), 80);
        assert_eq!(Fte::parse(" 50 % ").unwrap().percent(), 50);
        assert_eq!(Fte::parse("100%").unwrap().percent(), 100);
        assert_eq!(Fte::parse("0"), Err(FteError::OutOfRange { value: 0 }));
        for bad in ["", "%", "80.5", "80,5", "åtti", "1e2"] {
            assert_eq!(Fte::parse(bad), Err(FteError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn fte_fraction_and_display() {
        let fte = Fte::parse("60").unwrap();
        assert!((fte.fraction() - 0.6).abs() < 1e-12);
        assert_eq!(fte.to_string(), "60 %");
    }

    #[test]
    fn fte_serde() {
        use serde::de::{value::I64Deserializer, IntoDeserializer};
        assert_eq!(serialize_to_string(&Fte::from_percent(75).unwrap()), "75");
        let de = |v: i64| -> I64Deserializer<serde::de::value::Error> { v.into_deserializer() };
        assert_eq!(Fte::deserialize(de(75)), Ok(Fte::from_percent(75).unwrap()));
        assert!(Fte::deserialize(de(0)).is_err());
        assert!(Fte::deserialize(de(101)).is_err());
    }

    #[test]
    fn fte_errors_localized() {
        assert_localized(&[FteError::NotANumber, FteError::OutOfRange { value: 0 }]);
        assert!(FteError::OutOfRange { value: 120 }
            .message(Lang::Nb)
            .contains("mellom 1 og 100"));
    }

    #[test]
    fn hpr_number() {
        assert_eq!(HprNumber::parse("123456").unwrap().as_str(), "123456");
        assert_eq!(
            HprNumber::parse(" 123456789 ").unwrap().as_str(),
            "123456789"
        );
        assert_eq!(
            HprNumber::parse("12345"),
            Err(HprNumberError::WrongLength { len: 5 })
        );
        assert_eq!(
            HprNumber::parse("1234567890"),
            Err(HprNumberError::WrongLength { len: 10 })
        );
        assert_eq!(HprNumber::parse("12 3456"), Err(HprNumberError::NotDigits));
        assert_eq!(HprNumber::parse("abcdef"), Err(HprNumberError::NotDigits));
        assert_eq!(HprNumber::parse(""), Err(HprNumberError::Empty));
        let hpr = HprNumber::parse("9144889").unwrap();
        assert_eq!(hpr.fhir_system(), "urn:oid:2.16.578.1.12.4.1.4.4");
        assert_eq!(serialize_to_string(&hpr), "9144889");
        assert_eq!(deserialize_str::<HprNumber>("9144889"), Ok(hpr));
        assert!(deserialize_str::<HprNumber>("91").is_err());
    }

    #[test]
    fn hpr_errors_localized() {
        assert_localized(&[
            HprNumberError::Empty,
            HprNumberError::NotDigits,
            HprNumberError::WrongLength { len: 5 },
        ]);
    }
}
