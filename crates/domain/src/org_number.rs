//! Norwegian organisation numbers (organisasjonsnummer) from Brønnøysundregistrene.

use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::fmt;

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];
const LEN: usize = 9;

/// FHIR identifier system for organisation numbers (HL7 Norway no-basis).
pub const FHIR_SYSTEM_ORG_NUMBER: &str = "urn:oid:2.16.578.1.12.4.1.4.101";

/// A valid nine-digit organisation number; it identifies the legal entity in every audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct OrgNumber(String);

/// Why a string is not a valid organisation number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum OrgNumberError {
    /// Nothing was entered.
    #[error("The organisation number is missing.")]
    Empty,
    /// Characters other than digits and spaces.
    #[error("The organisation number may contain only digits and spaces.")]
    NotDigits,
    /// Not nine digits.
    #[error("The organisation number must have 9 digits (got {len}).")]
    WrongLength {
        /// How many digits were given.
        len: usize,
    },
    /// The mod-11 check digit is wrong.
    #[error("The organisation number has a wrong check digit.")]
    WrongCheckDigit,
}

impl Localized for OrgNumberError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "org_number_empty",
            Self::NotDigits => "org_number_not_digits",
            Self::WrongLength { .. } => "org_number_wrong_length",
            Self::WrongCheckDigit => "org_number_wrong_check_digit",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Organisasjonsnummeret mangler.".into(),
                Self::NotDigits => {
                    "Organisasjonsnummeret kan bare inneholde sifre og mellomrom.".into()
                }
                Self::WrongLength { len } => {
                    format!("Organisasjonsnummeret må ha 9 sifre (fikk {len}).")
                }
                Self::WrongCheckDigit => "Organisasjonsnummeret har feil kontrollsiffer.".into(),
            },
        }
    }
}

impl OrgNumber {
    /// Parses an organisation number, ignoring spaces ("974 760 673").
    pub fn parse(s: &str) -> Result<OrgNumber, OrgNumberError> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(OrgNumberError::Empty);
        }
        if !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrgNumberError::NotDigits);
        }
        if compact.len() != LEN {
            return Err(OrgNumberError::WrongLength { len: compact.len() });
        }
        let d: Vec<u32> = compact.bytes().map(|b| u32::from(b - b'0')).collect();
        if check_digit(&d[..8]) != Some(d[8]) {
            return Err(OrgNumberError::WrongCheckDigit);
        }
        Ok(OrgNumber(compact))
    }

    /// Completes an eight-digit base with its check digit, for demo data; `None` if none exists.
    pub fn from_base(base: u32) -> Option<OrgNumber> {
        if !(10_000_000..=99_999_999).contains(&base) {
            return None;
        }
        let text = base.to_string();
        let d: Vec<u32> = text.bytes().map(|b| u32::from(b - b'0')).collect();
        let k = check_digit(&d)?;
        Some(OrgNumber(format!("{text}{k}")))
    }

    /// The nine digits, without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The FHIR identifier system for organisation numbers.
    pub fn fhir_system(&self) -> &'static str {
        FHIR_SYSTEM_ORG_NUMBER
    }
}

/// Mod-11 check digit over eight digits; `None` when it would be 10.
fn check_digit(digits: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<OrgNumber> for String {
    fn from(value: OrgNumber) -> String {
        value.0
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = OrgNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        OrgNumber::parse(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_localized, deserialize_str, serialize_to_string};

    #[test]
    fn parses_brreg_number_with_and_without_spaces() {
        for s in [
            "974760673",
            "974 760 673",
            " 974760673 ",
            "974\u{a0}760\u{a0}673",
        ] {
            let org = OrgNumber::parse(s).unwrap();
            assert_eq!(org.as_str(), "974760673");
            assert_eq!(org.to_string(), "974760673");
        }
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(
            OrgNumber::parse("974760674"),
            Err(OrgNumberError::WrongCheckDigit)
        );
        assert_eq!(
            OrgNumber::parse("947760673"),
            Err(OrgNumberError::WrongCheckDigit)
        );
    }

    #[test]
    fn check_digit_edge_cases() {
        // 12345678: sum 138, remainder 6 → 5.
        assert_eq!(check_digit(&[1, 2, 3, 4, 5, 6, 7, 8]), Some(5));
        // 10000000: sum 3, remainder 3 → 8.
        assert_eq!(check_digit(&[1, 0, 0, 0, 0, 0, 0, 0]), Some(8));
        // 00000000: remainder 0 → 0.
        assert_eq!(check_digit(&[0; 8]), Some(0));
        // 00000006: sum 12, remainder 1 → 10, which is invalid.
        assert_eq!(check_digit(&[0, 0, 0, 0, 0, 0, 0, 6]), None);
    }

    #[test]
    fn base_with_check_digit_ten_never_parses() {
        for k in 0..10 {
            assert_eq!(
                OrgNumber::parse(&format!("00000006{k}")),
                Err(OrgNumberError::WrongCheckDigit)
            );
        }
    }

    #[test]
    fn shape_errors() {
        assert_eq!(OrgNumber::parse(""), Err(OrgNumberError::Empty));
        assert_eq!(OrgNumber::parse("  "), Err(OrgNumberError::Empty));
        assert_eq!(
            OrgNumber::parse("974-760-673"),
            Err(OrgNumberError::NotDigits)
        );
        assert_eq!(
            OrgNumber::parse("NO974760673"),
            Err(OrgNumberError::NotDigits)
        );
        assert_eq!(
            OrgNumber::parse("97476067"),
            Err(OrgNumberError::WrongLength { len: 8 })
        );
        assert_eq!(
            OrgNumber::parse("9747606730"),
            Err(OrgNumberError::WrongLength { len: 10 })
        );
    }

    #[test]
    fn from_base() {
        assert_eq!(
            OrgNumber::from_base(97_476_067).unwrap().as_str(),
            "974760673"
        );
        assert_eq!(
            OrgNumber::from_base(12_345_678).unwrap().as_str(),
            "123456785"
        );
        assert_eq!(OrgNumber::from_base(9_999_999), None);
        assert_eq!(OrgNumber::from_base(100_000_000), None);
        // Every base yields either None or a number that parses.
        let mut produced = 0;
        for base in (80_000_000..80_002_000).chain(99_998_000..=99_999_999) {
            if let Some(org) = OrgNumber::from_base(base) {
                assert_eq!(OrgNumber::parse(org.as_str()), Ok(org.clone()));
                assert!(org.as_str().starts_with(&base.to_string()));
                produced += 1;
            }
        }
        // Roughly one base in eleven has no check digit.
        assert!((3_400..3_900).contains(&produced), "{produced}");
    }

    #[test]
    fn fhir_system() {
        let org = OrgNumber::parse("974760673").unwrap();
        assert_eq!(org.fhir_system(), "urn:oid:2.16.578.1.12.4.1.4.101");
    }

    #[test]
    fn serde_round_trip_goes_through_parse() {
        let org = OrgNumber::parse("974760673").unwrap();
        assert_eq!(serialize_to_string(&org), "974760673");
        assert_eq!(deserialize_str::<OrgNumber>("974 760 673"), Ok(org));
        assert!(deserialize_str::<OrgNumber>("974760674").is_err());
    }

    #[test]
    fn errors_are_localized() {
        assert_localized(&[
            OrgNumberError::Empty,
            OrgNumberError::NotDigits,
            OrgNumberError::WrongLength { len: 8 },
            OrgNumberError::WrongCheckDigit,
        ]);
        assert_eq!(
            OrgNumberError::WrongCheckDigit.message(Lang::Nb),
            "Organisasjonsnummeret har feil kontrollsiffer."
        );
    }
}
