//! Norwegian national identity numbers: fødselsnummer and D-number.
//!
//! Layout: `DDMMYY III K1 K2`: birth date, a three-digit individual number that also fixes the
//! century, and two mod-11 check digits. A D-number adds 40 to the day. Synthetic test numbers
//! (Tenor, used by Skatteetaten and Digdir) add 80 to the month; H-numbers and NAV's Dolly test
//! numbers both add 40 to the month and are rejected, as are FH-numbers (first digit 8 or 9).

use crate::lang::{Lang, Localized};
use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

const WEIGHTS_K1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const WEIGHTS_K2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const LEN: usize = 11;
/// Offset a D-number adds to the day.
const D_NUMBER_DAY_OFFSET: u32 = 40;
/// Offset Tenor synthetic test numbers add to the month.
const SYNTHETIC_MONTH_OFFSET: u32 = 80;

/// FHIR identifier system for fødselsnummer (HL7 Norway no-basis).
pub const FHIR_SYSTEM_FNR: &str = "urn:oid:2.16.578.1.12.4.1.4.1";
/// FHIR identifier system for D-number (HL7 Norway no-basis).
pub const FHIR_SYSTEM_DNR: &str = "urn:oid:2.16.578.1.12.4.1.4.2";

/// A valid Norwegian fødselsnummer or D-number; the only way in is [`NationalId::parse`].
///
/// `Display` shows the full number (for the record view and FHIR export); `Debug` masks it so a
/// stray `{:?}` in a log line never leaks it. There is deliberately no `Deserialize`: whether
/// synthetic numbers are allowed is a runtime setting, so callers must go through `parse`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NationalId {
    digits: String,
    kind: NationalIdKind,
    synthetic: bool,
    birth_date: NaiveDate,
}

/// Which kind of national identity number this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalIdKind {
    /// Fødselsnummer: issued at birth or immigration to residents.
    Fodselsnummer,
    /// D-number: issued to non-residents (day + 40).
    DNumber,
}

impl NationalIdKind {
    /// Stored code: `fodselsnummer` or `d_number`.
    pub fn code(self) -> &'static str {
        match self {
            NationalIdKind::Fodselsnummer => "fodselsnummer",
            NationalIdKind::DNumber => "d_number",
        }
    }
}

/// Numbers that follow the layout but that Benk does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnsupportedIdKind {
    /// Month + 40: a hospital's H-number (help number) or a NAV Dolly synthetic number; they collide.
    HNumberOrDolly,
    /// First digit 8 or 9: an FH-number (the health sector's felles hjelpenummer).
    FhNumber,
}

/// Why a string is not an accepted national identity number. Never carries the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum NationalIdError {
    /// Nothing was entered.
    #[error("The national identity number is missing.")]
    Empty,
    /// Not 11 digits.
    #[error("The national identity number must have 11 digits (got {len}).")]
    WrongLength {
        /// How many characters were given (after removing allowed spaces).
        len: usize,
    },
    /// Something other than digits (and the one allowed space).
    #[error("The national identity number may contain only digits.")]
    NotDigits,
    /// The first six digits are not a real calendar date.
    #[error("The national identity number does not contain a valid date of birth.")]
    InvalidDate,
    /// The individual number (digits 7–9) belongs to no century for this two-digit year.
    #[error("The individual number (digits 7–9) does not match the year of birth.")]
    IndividualNumberMismatch,
    /// One of the two mod-11 check digits is wrong (usually a typo).
    #[error("The national identity number has a wrong check digit.")]
    WrongCheckDigit,
    /// A synthetic test number (month + 80) where only real numbers are allowed.
    #[error("Synthetic test numbers are not allowed here; enter a real national identity number.")]
    SyntheticNotAllowed,
    /// An H-number, Dolly number or FH-number.
    #[error("{}", unsupported_en(*.kind))]
    Unsupported {
        /// Which unsupported kind was recognised.
        kind: UnsupportedIdKind,
    },
}

fn unsupported_en(kind: UnsupportedIdKind) -> &'static str {
    match kind {
        UnsupportedIdKind::HNumberOrDolly => {
            "H-numbers and synthetic Dolly numbers (month + 40) are not supported; \
             use a fødselsnummer or D-number."
        }
        UnsupportedIdKind::FhNumber => {
            "FH-numbers are not supported; use a fødselsnummer or D-number."
        }
    }
}

impl Localized for NationalIdError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "national_id_empty",
            Self::WrongLength { .. } => "national_id_wrong_length",
            Self::NotDigits => "national_id_not_digits",
            Self::InvalidDate => "national_id_invalid_date",
            Self::IndividualNumberMismatch => "national_id_individual_number_mismatch",
            Self::WrongCheckDigit => "national_id_wrong_check_digit",
            Self::SyntheticNotAllowed => "national_id_synthetic_not_allowed",
            Self::Unsupported { .. } => "national_id_unsupported",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Fødselsnummeret mangler.".into(),
                Self::WrongLength { len } => {
                    format!("Fødselsnummeret må ha 11 sifre (fikk {len}).")
                }
                Self::NotDigits => "Fødselsnummeret kan bare inneholde sifre.".into(),
                Self::InvalidDate => {
                    "Fødselsnummeret inneholder ikke en gyldig fødselsdato.".into()
                }
                Self::IndividualNumberMismatch => {
                    "Individnummeret (siffer 7–9) i fødselsnummeret passer ikke med fødselsåret."
                        .into()
                }
                Self::WrongCheckDigit => "Fødselsnummeret har feil kontrollsiffer.".into(),
                Self::SyntheticNotAllowed => {
                    "Syntetiske testnumre er ikke tillatt her; oppgi et ekte fødselsnummer.".into()
                }
                Self::Unsupported {
                    kind: UnsupportedIdKind::HNumberOrDolly,
                } => "H-nummer og syntetiske Dolly-numre (måned + 40) støttes ikke; \
                      bruk fødselsnummer eller D-nummer."
                    .into(),
                Self::Unsupported {
                    kind: UnsupportedIdKind::FhNumber,
                } => "FH-nummer støttes ikke; bruk fødselsnummer eller D-nummer.".into(),
            },
        }
    }
}

impl NationalId {
    /// Parses a fødselsnummer or D-number; synthetic (Tenor) numbers only if `allow_synthetic`.
    ///
    /// Accepts surrounding whitespace and one space between the date and the last five digits
    /// ("010180 12345"). Check digits are verified first, since a wrong one usually means a typo
    /// that would make any later complaint about the date misleading.
    pub fn parse(s: &str, allow_synthetic: bool) -> Result<NationalId, NationalIdError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(NationalIdError::Empty);
        }
        let compact: String = match trimmed.char_indices().nth(6) {
            Some((6, ' ')) if trimmed.chars().count() == LEN + 1 => {
                trimmed.chars().filter(|&c| c != ' ').collect()
            }
            _ => trimmed.to_owned(),
        };
        if !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NationalIdError::NotDigits);
        }
        if compact.len() != LEN {
            return Err(NationalIdError::WrongLength { len: compact.len() });
        }
        let d: Vec<u32> = compact.bytes().map(|b| u32::from(b - b'0')).collect();
        if check_digit(&d[..9], &WEIGHTS_K1) != Some(d[9])
            || check_digit(&d[..10], &WEIGHTS_K2) != Some(d[10])
        {
            return Err(NationalIdError::WrongCheckDigit);
        }

        let raw_day = d[0] * 10 + d[1];
        let raw_month = d[2] * 10 + d[3];
        let yy = d[4] * 10 + d[5];
        let individual = d[6] * 100 + d[7] * 10 + d[8];

        if d[0] >= 8 {
            return Err(NationalIdError::Unsupported {
                kind: UnsupportedIdKind::FhNumber,
            });
        }
        let (month, synthetic) = match raw_month {
            1..=12 => (raw_month, false),
            41..=52 => {
                return Err(NationalIdError::Unsupported {
                    kind: UnsupportedIdKind::HNumberOrDolly,
                })
            }
            81..=92 => (raw_month - SYNTHETIC_MONTH_OFFSET, true),
            _ => return Err(NationalIdError::InvalidDate),
        };
        let (day, kind) = match raw_day {
            1..=31 => (raw_day, NationalIdKind::Fodselsnummer),
            41..=71 => (raw_day - D_NUMBER_DAY_OFFSET, NationalIdKind::DNumber),
            _ => return Err(NationalIdError::InvalidDate),
        };
        let year = century_year(yy, individual).ok_or(NationalIdError::IndividualNumberMismatch)?;
        let birth_date =
            NaiveDate::from_ymd_opt(year, month, day).ok_or(NationalIdError::InvalidDate)?;
        if synthetic && !allow_synthetic {
            return Err(NationalIdError::SyntheticNotAllowed);
        }
        Ok(NationalId {
            digits: compact,
            kind,
            synthetic,
            birth_date,
        })
    }

    /// Deterministically builds a valid synthetic (Tenor, month + 80) fødselsnummer for demo data.
    ///
    /// Returns the `seq`-th (modulo the number available) valid number for that date, so distinct
    /// `seq` values below ~400 give distinct numbers for the same date.
    ///
    /// # Panics
    /// If the birth year is outside 1854–2039, the years the numbering scheme can express.
    pub fn synthetic(birth_date: NaiveDate, seq: u32) -> NationalId {
        let year = birth_date.year();
        let range = match year {
            1854..=1899 => 500..=749,
            1900..=1999 => 0..=499,
            2000..=2039 => 500..=999,
            _ => panic!("synthetic national id: birth year {year} is outside 1854–2039"),
        };
        let yy = u32::try_from(year % 100).expect("year is positive here");
        let prefix = [
            birth_date.day() / 10,
            birth_date.day() % 10,
            (birth_date.month() + SYNTHETIC_MONTH_OFFSET) / 10,
            birth_date.month() % 10,
            yy / 10,
            yy % 10,
        ];
        let complete = |individual: u32| complete_with_check_digits(prefix, individual);
        // Roughly 10/11 × 10/11 of individual numbers give valid check digits, so never zero.
        let available = range.clone().filter_map(complete).count();
        let digits = range
            .filter_map(complete)
            .nth(seq as usize % available)
            .expect("index is below the count");
        let text: String = digits
            .iter()
            .map(|&d| char::from_digit(d, 10).expect("single digit"))
            .collect();
        NationalId::parse(&text, true).expect("generated synthetic national id must parse")
    }

    /// The 11 digits, without spaces.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Fødselsnummer or D-number.
    pub fn kind(&self) -> NationalIdKind {
        self.kind
    }

    /// True for Tenor synthetic test numbers (month + 80); such a number is never a real person.
    pub fn is_synthetic(&self) -> bool {
        self.synthetic
    }

    /// The birth date encoded in the number (for D-numbers, the date given at registration).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The FHIR identifier system for this kind of number.
    pub fn fhir_system(&self) -> &'static str {
        match self.kind {
            NationalIdKind::Fodselsnummer => FHIR_SYSTEM_FNR,
            NationalIdKind::DNumber => FHIR_SYSTEM_DNR,
        }
    }

    /// The first six digits followed by five stars ("010180*****"), for lists and logs.
    pub fn masked(&self) -> String {
        format!("{}*****", &self.digits[..6])
    }
}

/// Mod-11 check digit over `digits` with `weights`; `None` when the computed digit would be 10.
fn check_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// Appends individual number and both check digits to a six-digit date prefix, if they exist.
fn complete_with_check_digits(prefix: [u32; 6], individual: u32) -> Option<[u32; LEN]> {
    let mut d = [0; LEN];
    d[..6].copy_from_slice(&prefix);
    d[6] = individual / 100 % 10;
    d[7] = individual / 10 % 10;
    d[8] = individual % 10;
    d[9] = check_digit(&d[..9], &WEIGHTS_K1)?;
    d[10] = check_digit(&d[..10], &WEIGHTS_K2)?;
    Some(d)
}

/// Full year from the two-digit year and the individual number, by Skatteetaten's century rules.
fn century_year(yy: u32, individual: u32) -> Option<i32> {
    let century = match (individual, yy) {
        (0..=499, _) => 1900,
        (500..=749, 54..=99) => 1800,
        (500..=999, 0..=39) => 2000,
        (900..=999, 40..=99) => 1900,
        _ => return None,
    };
    Some(century + i32::try_from(yy).ok()?)
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("NationalId").field(&self.masked()).finish()
    }
}

impl Serialize for NationalId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_localized, serialize_to_string};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn err(s: &str) -> NationalIdError {
        NationalId::parse(s, true).unwrap_err()
    }

    // Reference numbers below were computed with an independent implementation of the
    // published algorithm, not with this module.

    #[test]
    fn parses_valid_fodselsnummer() {
        let id = NationalId::parse("01018000055", false).unwrap();
        assert_eq!(id.as_str(), "01018000055");
        assert_eq!(id.kind(), NationalIdKind::Fodselsnummer);
        assert!(!id.is_synthetic());
        assert_eq!(id.birth_date(), date(1980, 1, 1));
        assert_eq!(id.fhir_system(), "urn:oid:2.16.578.1.12.4.1.4.1");
        assert_eq!(id.to_string(), "01018000055");
    }

    #[test]
    fn accepts_whitespace_and_one_space_after_date() {
        for s in [" 01018000055\n", "010180 00055", "\t010180 00055 "] {
            assert_eq!(NationalId::parse(s, false).unwrap().as_str(), "01018000055");
        }
    }

    #[test]
    fn rejects_other_spacing_and_separators() {
        assert_eq!(err("0101 8000055"), NationalIdError::NotDigits);
        assert_eq!(err("010180  00055"), NationalIdError::NotDigits);
        assert_eq!(err("010180-00055"), NationalIdError::NotDigits);
        assert_eq!(err("01018000 055"), NationalIdError::NotDigits);
        assert_eq!(err("0101800005５"), NationalIdError::NotDigits);
    }

    #[test]
    fn empty_and_length() {
        assert_eq!(err(""), NationalIdError::Empty);
        assert_eq!(err("   "), NationalIdError::Empty);
        assert_eq!(err("0101800005"), NationalIdError::WrongLength { len: 10 });
        assert_eq!(
            err("010180000555"),
            NationalIdError::WrongLength { len: 12 }
        );
        assert_eq!(err("010180 000555"), NationalIdError::NotDigits);
    }

    #[test]
    fn wrong_check_digits() {
        // k2 off by one, k1 off by one.
        assert_eq!(err("01018000056"), NationalIdError::WrongCheckDigit);
        assert_eq!(err("01018000065"), NationalIdError::WrongCheckDigit);
        // Transposed digits in the date.
        assert_eq!(err("10018000055"), NationalIdError::WrongCheckDigit);
        // Prefix 010180003 computes k1 = 10: no completion of it is valid.
        for k in 0..100 {
            assert_eq!(
                err(&format!("010180003{k:02}")),
                NationalIdError::WrongCheckDigit
            );
        }
        // Prefix 0101800056 computes k2 = 10.
        for k in 0..10 {
            assert_eq!(
                err(&format!("0101800056{k}")),
                NationalIdError::WrongCheckDigit
            );
        }
    }

    #[test]
    fn check_digit_remainder_zero_gives_zero() {
        // 010180008: weighted sum 88, remainder 0 → k1 = 0; 010180003 computes 10 → invalid.
        assert_eq!(
            check_digit(&[0, 1, 0, 1, 8, 0, 0, 0, 8], &WEIGHTS_K1),
            Some(0)
        );
        assert_eq!(check_digit(&[0, 1, 0, 1, 8, 0, 0, 0, 3], &WEIGHTS_K1), None);
        assert_eq!(
            NationalId::parse("01018000802", false).unwrap().as_str(),
            "01018000802"
        );
        // k2 = 0 by the same rule.
        assert_eq!(
            NationalId::parse("01018000640", false).unwrap().as_str(),
            "01018000640"
        );
    }

    #[test]
    fn d_number_day_plus_40() {
        let id = NationalId::parse("71018000061", false).unwrap();
        assert_eq!(id.kind(), NationalIdKind::DNumber);
        assert_eq!(id.birth_date(), date(1980, 1, 31));
        assert_eq!(id.fhir_system(), "urn:oid:2.16.578.1.12.4.1.4.2");
    }

    #[test]
    fn impossible_dates_rejected_even_with_valid_check_digits() {
        assert_eq!(err("31028000068"), NationalIdError::InvalidDate); // 31 Feb
        assert_eq!(err("32018000007"), NationalIdError::InvalidDate); // day 32
        assert_eq!(err("00018000016"), NationalIdError::InvalidDate); // day 0
        assert_eq!(err("01138000083"), NationalIdError::InvalidDate); // month 13
    }

    #[test]
    fn leap_years_follow_the_century() {
        // 29 Feb 1900: not a leap year (individual number < 500 → 1900s).
        assert_eq!(err("29020000064"), NationalIdError::InvalidDate);
        // 29 Feb 2000: a leap year (individual number ≥ 500 with yy 00 → 2000s).
        assert_eq!(
            NationalId::parse("29020050088", false)
                .unwrap()
                .birth_date(),
            date(2000, 2, 29)
        );
        assert_eq!(
            NationalId::parse("29029600013", false)
                .unwrap()
                .birth_date(),
            date(1996, 2, 29)
        );
        assert_eq!(err("29029700034"), NationalIdError::InvalidDate);
    }

    #[test]
    fn century_rules() {
        let year = |s| NationalId::parse(s, false).unwrap().birth_date().year();
        assert_eq!(year("15056050180"), 1860); // 500–749, yy 54–99
        assert_eq!(year("15056090050"), 1960); // 900–999, yy 40–99
        assert_eq!(year("01013950187"), 2039); // 500–999, yy 00–39
        assert_eq!(year("31129900183"), 1999); // 000–499
                                               // 750–899 with yy 40–99 and 500–749 with yy 40–53 belong to no century.
        assert_eq!(
            err("15055075074"),
            NationalIdError::IndividualNumberMismatch
        );
        assert_eq!(
            err("15054550038"),
            NationalIdError::IndividualNumberMismatch
        );
    }

    #[test]
    fn century_year_table() {
        assert_eq!(century_year(0, 0), Some(1900));
        assert_eq!(century_year(99, 499), Some(1999));
        assert_eq!(century_year(54, 500), Some(1854));
        assert_eq!(century_year(53, 500), None);
        assert_eq!(century_year(39, 999), Some(2039));
        assert_eq!(century_year(40, 999), Some(1940));
        assert_eq!(century_year(40, 899), None);
        assert_eq!(century_year(54, 750), None);
    }

    #[test]
    fn synthetic_only_when_allowed() {
        assert_eq!(
            NationalId::parse("01818000010", false).unwrap_err(),
            NationalIdError::SyntheticNotAllowed
        );
        let id = NationalId::parse("01818000010", true).unwrap();
        assert!(id.is_synthetic());
        assert_eq!(id.kind(), NationalIdKind::Fodselsnummer);
        assert_eq!(id.birth_date(), date(1980, 1, 1));
        // Synthetic D-number: day + 40 and month + 80.
        let d = NationalId::parse("71818000027", true).unwrap();
        assert!(d.is_synthetic());
        assert_eq!(d.kind(), NationalIdKind::DNumber);
        assert_eq!(d.birth_date(), date(1980, 1, 31));
        assert_eq!(
            NationalId::parse("71818000027", false).unwrap_err(),
            NationalIdError::SyntheticNotAllowed
        );
    }

    #[test]
    fn real_numbers_accepted_regardless_of_synthetic_flag() {
        assert!(!NationalId::parse("01018000055", true)
            .unwrap()
            .is_synthetic());
    }

    #[test]
    fn h_numbers_dolly_and_fh_rejected_even_when_synthetic_allowed() {
        let h = NationalIdError::Unsupported {
            kind: UnsupportedIdKind::HNumberOrDolly,
        };
        assert_eq!(NationalId::parse("01418000038", true).unwrap_err(), h);
        assert_eq!(NationalId::parse("01418000038", false).unwrap_err(), h);
        assert_eq!(
            err("81018000032"),
            NationalIdError::Unsupported {
                kind: UnsupportedIdKind::FhNumber
            }
        );
    }

    #[test]
    fn synthetic_generator_matches_reference() {
        let jan1 = date(1980, 1, 1);
        assert_eq!(NationalId::synthetic(jan1, 0).as_str(), "01818000010");
        assert_eq!(NationalId::synthetic(jan1, 1).as_str(), "01818000282");
        assert_eq!(NationalId::synthetic(jan1, 7).as_str(), "01818000878");
        let cases = [
            (date(1981, 12, 29), 1, "29928100195"),
            (date(1860, 12, 15), 0, "15926050033"), // 1854–1899: individual 500–749
            (date(2039, 1, 31), 1, "31813950165"),  // 2000–2039: individual 500–999
        ];
        for (d, seq, expected) in cases {
            assert_eq!(NationalId::synthetic(d, seq).as_str(), expected);
        }
    }

    #[test]
    fn synthetic_generator_output_always_parses_with_right_date() {
        let check = |d: NaiveDate, seq: u32| {
            let id = NationalId::synthetic(d, seq);
            let parsed = NationalId::parse(id.as_str(), true).unwrap();
            assert!(parsed.is_synthetic());
            assert_eq!(parsed.kind(), NationalIdKind::Fodselsnummer);
            assert_eq!(parsed.birth_date(), d, "{}", id.as_str());
            assert_eq!(
                NationalId::parse(id.as_str(), false).unwrap_err(),
                NationalIdError::SyntheticNotAllowed
            );
        };
        // Every day of the century-edge and leap years, with varying seq.
        for year in [1854, 1860, 1899, 1900, 1996, 1999, 2000, 2039] {
            for (i, d) in date(year, 1, 1)
                .iter_days()
                .take_while(|d| d.year() == year)
                .enumerate()
            {
                check(d, u32::try_from(i).unwrap().wrapping_mul(2_654_435_761));
            }
        }
        // Every 53rd day across the whole scheme.
        for d in date(1854, 1, 1)
            .iter_days()
            .take_while(|d| *d <= date(2039, 12, 31))
            .step_by(53)
        {
            check(d, d.ordinal());
        }
    }

    #[test]
    fn synthetic_generator_distinct_for_small_seq() {
        let d = date(2005, 6, 15);
        let ids: std::collections::HashSet<String> = (0..300)
            .map(|s| NationalId::synthetic(d, s).as_str().to_owned())
            .collect();
        assert_eq!(ids.len(), 300);
        assert_eq!(NationalId::synthetic(d, 42), NationalId::synthetic(d, 42));
    }

    #[test]
    #[should_panic(expected = "outside 1854–2039")]
    fn synthetic_generator_panics_outside_scheme() {
        let _ = NationalId::synthetic(date(2040, 1, 1), 0);
    }

    #[test]
    fn debug_masks_and_display_shows_full() {
        let id = NationalId::parse("01018000055", false).unwrap();
        assert_eq!(id.masked(), "010180*****");
        let debug = format!("{id:?}");
        assert!(!debug.contains("01018000055"), "{debug}");
        assert!(!debug.contains("00055"), "{debug}");
        assert!(debug.contains("010180*****"), "{debug}");
        let pretty = format!("{:#?}", Some(id.clone()));
        assert!(!pretty.contains("00055"), "{pretty}");
        assert_eq!(format!("{id}"), "01018000055");
    }

    #[test]
    fn serializes_as_full_string() {
        let id = NationalId::parse("010180 00055", false).unwrap();
        assert_eq!(serialize_to_string(&id), "01018000055");
    }

    #[test]
    fn errors_are_localized_and_carry_no_number() {
        let all = [
            NationalIdError::Empty,
            NationalIdError::WrongLength { len: 10 },
            NationalIdError::NotDigits,
            NationalIdError::InvalidDate,
            NationalIdError::IndividualNumberMismatch,
            NationalIdError::WrongCheckDigit,
            NationalIdError::SyntheticNotAllowed,
            NationalIdError::Unsupported {
                kind: UnsupportedIdKind::HNumberOrDolly,
            },
            NationalIdError::Unsupported {
                kind: UnsupportedIdKind::FhNumber,
            },
        ];
        assert_localized(&all);
        assert_eq!(
            NationalIdError::WrongCheckDigit.message(Lang::Nb),
            "Fødselsnummeret har feil kontrollsiffer."
        );
        assert_eq!(
            NationalIdError::WrongCheckDigit.message(Lang::En),
            "The national identity number has a wrong check digit."
        );
        assert!(NationalIdError::WrongLength { len: 10 }
            .message(Lang::Nb)
            .contains("10"));
    }
}
