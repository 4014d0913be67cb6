//! Staff: professions, team roles, position size, employer kind and HPR numbers.

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::fmt;

coded_enum! {
    /// A team member's profession. Authorised professions (hpl § 48) make their holder health
    /// personnel; the others are health personnel only when employed in the health service to
    /// give care (hpl § 3 first paragraph no. 2), which an administrator records.
    pub enum Profession {
        /// Nurse (sykepleier), often with further training in mental health or substance use.
        Nurse => "nurse", nb: "sykepleier", en: "nurse";
        /// Psychologist (psykolog).
        Psychologist => "psychologist", nb: "psykolog", en: "psychologist";
        /// Psychiatrist (psykiater), a physician.
        Psychiatrist => "psychiatrist", nb: "psykiater", en: "psychiatrist";
        /// Physician other than a psychiatrist (lege).
        Physician => "physician", nb: "lege", en: "physician";
        /// Social educator (vernepleier), an authorised profession.
        SocialEducator => "social_educator", nb: "vernepleier", en: "social educator";
        /// Occupational therapist (ergoterapeut), an authorised profession.
        OccupationalTherapist => "occupational_therapist", nb: "ergoterapeut", en: "occupational therapist";
        /// Social worker (sosionom); health personnel when employed in the health service.
        SocialWorker => "social_worker", nb: "sosionom", en: "social worker";
        /// Family therapist (familieterapeut); health personnel when employed in the health service.
        FamilyTherapist => "family_therapist", nb: "familieterapeut", en: "family therapist";
        /// Milieu therapist (miljøterapeut); health personnel when employed in the health service.
        MilieuTherapist => "milieu_therapist", nb: "miljøterapeut", en: "milieu therapist";
        /// Educator (pedagog), e.g. at the housing office.
        Educator => "educator", nb: "pedagog", en: "educator";
        /// Municipal housing officer (boligkonsulent).
        HousingOfficer => "housing_officer", nb: "boligkonsulent", en: "housing officer";
        /// NAV officer (NAV-veileder): employment and welfare.
        NavOfficer => "nav_officer", nb: "NAV-veileder", en: "NAV officer";
        /// Experience consultant (erfaringskonsulent), a peer worker; health personnel when
        /// employed in the health service to give care.
        ExperienceConsultant => "experience_consultant", nb: "erfaringskonsulent", en: "peer support worker";
        /// Any other profession.
        Other => "other", nb: "annet", en: "other";
    }
}

impl Profession {
    /// Whether the profession is authorised under hpl § 48, which makes its holder health
    /// personnel by profession (hpl § 3 first paragraph no. 1).
    ///
    /// Everyone else is health personnel only through employment in the health service to give
    /// care (no. 2), see [`health_personnel_basis`]. Without either, a staff member gets no
    /// default access to health content (hpl § 25, DOMAIN.md rule 9).
    pub fn is_health_personnel(self) -> bool {
        match self {
            Profession::Nurse
            | Profession::Psychologist
            | Profession::Psychiatrist
            | Profession::Physician
            | Profession::SocialEducator
            | Profession::OccupationalTherapist => true,
            Profession::SocialWorker
            | Profession::FamilyTherapist
            | Profession::MilieuTherapist
            | Profession::Educator
            | Profession::HousingOfficer
            | Profession::NavOfficer
            | Profession::ExperienceConsultant
            | Profession::Other => false,
        }
    }
}

coded_enum! {
    /// Why a staff member counts as health personnel (helsepersonelloven § 3 first paragraph).
    pub enum HealthPersonnelBasis {
        /// An authorised profession (hpl § 3 first paragraph no. 1 and § 48).
        Authorisation => "authorisation", nb: "autorisert yrke (hpl § 48)", en: "authorised profession (Health Personnel Act § 48)";
        /// Employed in the health service to give care (hpl § 3 first paragraph no. 2),
        /// as recorded by an administrator.
        Employment => "employment", nb: "ansatt i helsetjenesten for å yte helsehjelp (hpl § 3 første ledd nr. 2)", en: "employed in the health service to give care (Health Personnel Act § 3 first paragraph no. 2)";
    }
}

/// Whether, and why, a staff member is health personnel: by an authorised profession, or by
/// employment in the health service to give care (recorded by an administrator).
pub fn health_personnel_basis(
    profession: Profession,
    employed_to_give_care: bool,
) -> Option<HealthPersonnelBasis> {
    if profession.is_health_personnel() {
        Some(HealthPersonnelBasis::Authorisation)
    } else if employed_to_give_care {
        Some(HealthPersonnelBasis::Employment)
    } else {
        None
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
        assert_eq!(Profession::ALL.len(), 14);
        assert_eq!(Profession::SocialEducator.label(Lang::Nb), "vernepleier");
        assert_eq!(Profession::MilieuTherapist.label(Lang::Nb), "miljøterapeut");
        assert_eq!(Profession::Educator.label(Lang::Nb), "pedagog");
        assert_eq!(
            Profession::OccupationalTherapist.label(Lang::Nb),
            "ergoterapeut"
        );
        assert_eq!(
            Profession::ExperienceConsultant.label(Lang::Nb),
            "erfaringskonsulent"
        );
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
                Profession::SocialEducator,
                Profession::OccupationalTherapist,
            ]
        );
    }

    #[test]
    fn health_personnel_by_profession_or_employment() {
        assert_coded(
            HealthPersonnelBasis::ALL,
            HealthPersonnelBasis::code,
            HealthPersonnelBasis::from_code,
            HealthPersonnelBasis::label,
        );
        // An authorised profession is enough, whatever the employment.
        for employed in [false, true] {
            assert_eq!(
                health_personnel_basis(Profession::SocialEducator, employed),
                Some(HealthPersonnelBasis::Authorisation)
            );
        }
        // A peer worker or milieu therapist is health personnel only through employment.
        for p in [
            Profession::ExperienceConsultant,
            Profession::MilieuTherapist,
            Profession::SocialWorker,
            Profession::NavOfficer,
        ] {
            assert_eq!(health_personnel_basis(p, false), None, "{p:?}");
            assert_eq!(
                health_personnel_basis(p, true),
                Some(HealthPersonnelBasis::Employment),
                "{p:?}"
            );
        }
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
