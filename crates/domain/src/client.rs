//! Values describing a client (the person the team serves) and the free text written about them.
//!
//! Text types store what the user wrote, trimmed. HTML is allowed as text: escaping on output is
//! the web layer's job. Control characters and Unicode bidirectional overrides are refused,
//! because they can hide or reorder text in lists and logs.

use crate::lang::{format_count, Lang, Localized};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// What is wrong with a piece of text, before it is named for a particular field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextProblem {
    Empty,
    TooLong { len: usize },
    ControlCharacter,
}

/// Characters that reorder displayed text (Trojan Source style) and are never needed in a name.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character that shows on its own: not whitespace, not a format character
/// (zero-width space and joiners, word joiner, byte-order mark, bidi controls),
/// not a combining mark, not a variation selector, and not one of the fillers
/// that render as blank.
fn is_visible(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    !c.is_whitespace()
        && !matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Mark
                | GeneralCategoryGroup::Other
                | GeneralCategoryGroup::Separator
        )
        && !matches!(
            c,
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}'
        )
}

/// Whether `s` has at least one character that shows on its own (see [`is_visible`]): what
/// every name must have, so that a lone zero-width space or accent is not a name.
fn has_visible(s: &str) -> bool {
    s.chars().any(is_visible)
}

/// Trims, normalises line endings (multi-line only), and checks emptiness, length and characters.
fn clean_text(s: &str, max_chars: usize, multiline: bool) -> Result<String, TextProblem> {
    let trimmed = s.trim();
    let text = if multiline {
        trimmed.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        trimmed.to_owned()
    };
    if text.is_empty() {
        return Err(TextProblem::Empty);
    }
    let allowed_control = |c: char| multiline && (c == '\n' || c == '\t');
    let line_separator = |c: char| !multiline && matches!(c, '\u{2028}' | '\u{2029}');
    if text
        .chars()
        .any(|c| (c.is_control() && !allowed_control(c)) || is_bidi_control(c) || line_separator(c))
    {
        return Err(TextProblem::ControlCharacter);
    }
    let len = text.chars().count();
    if len > max_chars {
        return Err(TextProblem::TooLong { len });
    }
    Ok(text)
}

/// Implements `as_str`, `Display`, serde as a string (deserializing through `parse`).
macro_rules! text_newtype {
    ($name:ident, $error:ty) => {
        impl $name {
            /// The value as text (trimmed; phone numbers in E.164 form).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------

/// A person's name as they want it written: trimmed, 1–200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct PersonName(String);

/// Why a name is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PersonNameError {
    /// Nothing but whitespace.
    #[error("The name is missing.")]
    Empty,
    /// Longer than [`PersonName::MAX_CHARS`].
    #[error("The name is too long: at most 200 characters (got {len}).")]
    TooLong {
        /// Characters given, after trimming.
        len: usize,
    },
    /// Contains a control or text-direction character.
    #[error("The name contains invisible control characters; please retype it.")]
    ControlCharacter,
    /// Nothing is left once invisible and combining characters are taken out.
    #[error("The name has no visible letters (only invisible or combining characters).")]
    NothingVisible,
}

impl Localized for PersonNameError {
    fn code(&self) -> &'static str {
        match self {
            Self::NothingVisible => "person_name_nothing_visible",
            Self::Empty => "person_name_empty",
            Self::TooLong { .. } => "person_name_too_long",
            Self::ControlCharacter => "person_name_control_character",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Navnet mangler.".into(),
                Self::TooLong { len } => {
                    format!("Navnet er for langt: høyst 200 tegn (fikk {len}).")
                }
                Self::ControlCharacter => {
                    "Navnet inneholder usynlige kontrolltegn; skriv det inn på nytt.".into()
                }
                Self::NothingVisible => {
                    "Navnet har ingen synlige bokstaver (bare usynlige tegn eller aksenttegn)."
                        .into()
                }
            },
        }
    }
}

impl PersonName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Trims and checks a name.
    pub fn parse(s: &str) -> Result<PersonName, PersonNameError> {
        let name = clean_text(s, Self::MAX_CHARS, false).map_err(|p| match p {
            TextProblem::Empty => PersonNameError::Empty,
            TextProblem::TooLong { len } => PersonNameError::TooLong { len },
            TextProblem::ControlCharacter => PersonNameError::ControlCharacter,
        })?;
        if !has_visible(&name) {
            return Err(PersonNameError::NothingVisible);
        }
        Ok(PersonName(name))
    }
}

text_newtype!(PersonName, PersonNameError);

// ---------------------------------------------------------------------------------------------

/// A municipality name as entered (trimmed, 1–100 characters), e.g. the client's home municipality.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Municipality(String);

/// Why a municipality name is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MunicipalityError {
    /// Nothing but whitespace.
    #[error("The municipality is missing.")]
    Empty,
    /// Longer than [`Municipality::MAX_CHARS`].
    #[error("The municipality name is too long: at most 100 characters (got {len}).")]
    TooLong {
        /// Characters given, after trimming.
        len: usize,
    },
    /// Contains a control or text-direction character.
    #[error("The municipality name contains invisible control characters; please retype it.")]
    ControlCharacter,
}

impl Localized for MunicipalityError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "municipality_empty",
            Self::TooLong { .. } => "municipality_too_long",
            Self::ControlCharacter => "municipality_control_character",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Kommunen mangler.".into(),
                Self::TooLong { len } => {
                    format!("Kommunenavnet er for langt: høyst 100 tegn (fikk {len}).")
                }
                Self::ControlCharacter => {
                    "Kommunenavnet inneholder usynlige kontrolltegn; skriv det inn på nytt.".into()
                }
            },
        }
    }
}

impl Municipality {
    /// The longest municipality name accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Trims and checks a municipality name.
    pub fn parse(s: &str) -> Result<Municipality, MunicipalityError> {
        clean_text(s, Self::MAX_CHARS, false)
            .map(Municipality)
            .map_err(|p| match p {
                TextProblem::Empty => MunicipalityError::Empty,
                TextProblem::TooLong { len } => MunicipalityError::TooLong { len },
                TextProblem::ControlCharacter => MunicipalityError::ControlCharacter,
            })
    }
}

text_newtype!(Municipality, MunicipalityError);

// ---------------------------------------------------------------------------------------------

/// Why a free-text field (short or long) is not accepted; carries the field's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TextError {
    /// Nothing but whitespace where text is required.
    #[error("The text is missing.")]
    Empty,
    /// Longer than the field allows.
    #[error("The text is too long: at most {} characters (got {}).", format_count(*.max, Lang::En), format_count(*.len, Lang::En))]
    TooLong {
        /// The field's maximum, in characters.
        max: usize,
        /// Characters given, after trimming.
        len: usize,
    },
    /// Contains a control or text-direction character (line breaks are fine in long text).
    #[error("The text contains invisible control characters; please retype it.")]
    ControlCharacter,
    /// A name ([`ShortText::parse_name`]) with nothing left once invisible and combining
    /// characters are taken out, e.g. a lone zero-width space.
    #[error("The name has no visible letters (only invisible or combining characters).")]
    NothingVisible,
}

impl Localized for TextError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "text_empty",
            Self::TooLong { .. } => "text_too_long",
            Self::ControlCharacter => "text_control_character",
            Self::NothingVisible => "name_nothing_visible",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Teksten mangler.".into(),
                Self::TooLong { max, len } => format!(
                    "Teksten er for lang: høyst {} tegn (fikk {}).",
                    format_count(*max, Lang::Nb),
                    format_count(*len, Lang::Nb)
                ),
                Self::ControlCharacter => {
                    "Teksten inneholder usynlige kontrolltegn; skriv den inn på nytt.".into()
                }
                Self::NothingVisible => {
                    "Navnet har ingen synlige bokstaver (bare usynlige tegn eller aksenttegn)."
                        .into()
                }
            },
        }
    }
}

fn text_error(problem: TextProblem, max: usize) -> TextError {
    match problem {
        TextProblem::Empty => TextError::Empty,
        TextProblem::TooLong { len } => TextError::TooLong { max, len },
        TextProblem::ControlCharacter => TextError::ControlCharacter,
    }
}

/// One line of free text up to 200 characters, e.g. the reason for a care relationship.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ShortText(String);

impl ShortText {
    /// The longest short text accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Trims and checks one line of required text.
    pub fn parse(s: &str) -> Result<ShortText, TextError> {
        clean_text(s, Self::MAX_CHARS, false)
            .map(ShortText)
            .map_err(|p| text_error(p, Self::MAX_CHARS))
    }

    /// Like `parse`, but blank input means "not given" (for optional form fields).
    pub fn parse_optional(s: &str) -> Result<Option<ShortText>, TextError> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(s).map(Some)
        }
    }

    /// Like `parse`, for a name (of an organisation, team, agency, referrer, member…): it must
    /// also show something once invisible and combining characters are taken out, the same
    /// rule as [`PersonName`]. Invisible characters inside a visible name are kept as written.
    pub fn parse_name(s: &str) -> Result<ShortText, TextError> {
        let text = Self::parse(s)?;
        if !has_visible(text.as_str()) {
            return Err(TextError::NothingVisible);
        }
        Ok(text)
    }

    /// Like `parse_name`, but blank input means "not given" (for optional name fields).
    pub fn parse_name_optional(s: &str) -> Result<Option<ShortText>, TextError> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse_name(s).map(Some)
        }
    }
}

text_newtype!(ShortText, TextError);

/// Multi-line free text up to 10 000 characters, e.g. a note; line endings become `\n`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct LongText(String);

impl LongText {
    /// The longest long text accepted, in characters.
    pub const MAX_CHARS: usize = 10_000;

    /// Trims and checks required multi-line text; line breaks and tabs are allowed.
    pub fn parse(s: &str) -> Result<LongText, TextError> {
        clean_text(s, Self::MAX_CHARS, true)
            .map(LongText)
            .map_err(|p| text_error(p, Self::MAX_CHARS))
    }

    /// Like `parse`, but blank input means "not given" (for optional form fields).
    pub fn parse_optional(s: &str) -> Result<Option<LongText>, TextError> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(s).map(Some)
        }
    }
}

text_newtype!(LongText, TextError);

// ---------------------------------------------------------------------------------------------

/// A year of birth, from 1900 to the current year, for clients registered without a national id.
///
/// No `Deserialize`: the upper bound depends on today, which the caller supplies to `parse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BirthYear(i32);

/// Why a year of birth is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum BirthYearError {
    /// Before 1900 or after the current year.
    #[error("The year of birth must be between 1900 and {max} (got {value}).")]
    OutOfRange {
        /// The year given.
        value: i32,
        /// The latest year accepted (the current year).
        max: i32,
    },
}

impl Localized for BirthYearError {
    fn code(&self) -> &'static str {
        match self {
            Self::OutOfRange { .. } => "birth_year_out_of_range",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::OutOfRange { value, max } => {
                    format!("Fødselsåret må være mellom 1900 og {max} (fikk {value}).")
                }
            },
        }
    }
}

impl BirthYear {
    /// The earliest year accepted.
    pub const MIN: i32 = 1900;

    /// Accepts `year` if it lies in 1900..=`this_year`.
    pub fn parse(year: i32, this_year: i32) -> Result<BirthYear, BirthYearError> {
        if (Self::MIN..=this_year).contains(&year) {
            Ok(BirthYear(year))
        } else {
            Err(BirthYearError::OutOfRange {
                value: year,
                max: this_year,
            })
        }
    }

    /// The year.
    pub fn value(self) -> i32 {
        self.0
    }
}

impl fmt::Display for BirthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for BirthYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.0)
    }
}

// ---------------------------------------------------------------------------------------------

/// A phone number normalised to E.164 form ("+4791234567"); numbers without a country code are
/// taken as Norwegian and must then have 8 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Phone(String);

/// Why a phone number is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PhoneError {
    /// Nothing entered.
    #[error("The phone number is missing.")]
    Empty,
    /// Characters other than digits, spaces, hyphens, dots, parentheses and a leading +.
    #[error("The phone number may contain only digits, spaces, hyphens and a leading + before the country code.")]
    InvalidCharacter,
    /// A Norwegian number (no country code, or +47) without exactly 8 digits.
    #[error("A Norwegian phone number must have 8 digits (got {digits}); start foreign numbers with + and the country code.")]
    NorwegianLength {
        /// Digits given after the country code.
        digits: usize,
    },
    /// A foreign number outside E.164's 7–15 digits (country code included).
    #[error("A phone number with a country code must have 7 to 15 digits in all (got {digits}).")]
    InternationalLength {
        /// Digits given, country code included.
        digits: usize,
    },
    /// A country code starting with 0.
    #[error("The country code cannot start with 0.")]
    InvalidCountryCode,
}

impl Localized for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "phone_empty",
            Self::InvalidCharacter => "phone_invalid_character",
            Self::NorwegianLength { .. } => "phone_norwegian_length",
            Self::InternationalLength { .. } => "phone_international_length",
            Self::InvalidCountryCode => "phone_invalid_country_code",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Telefonnummeret mangler.".into(),
                Self::InvalidCharacter => "Telefonnummeret kan bare inneholde sifre, mellomrom, \
                     bindestrek og + foran landskoden."
                    .into(),
                Self::NorwegianLength { digits } => format!(
                    "Et norsk telefonnummer må ha 8 sifre (fikk {digits}); \
                     utenlandske numre skrives med + og landskode."
                ),
                Self::InternationalLength { digits } => format!(
                    "Et telefonnummer med landskode må ha 7 til 15 sifre i alt (fikk {digits})."
                ),
                Self::InvalidCountryCode => "Landskoden kan ikke begynne med 0.".into(),
            },
        }
    }
}

impl Phone {
    /// Normalises "+47 912 34 567", "91234567", "0047 91234567" or "+46 70 123 45 67".
    pub fn parse(s: &str) -> Result<Phone, PhoneError> {
        let t = s.trim();
        let (international, rest) = if let Some(rest) = t.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = t.strip_prefix("00") {
            (true, rest)
        } else {
            (false, t)
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '\u{a0}' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneError::InvalidCharacter),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let national = if international {
            if digits.starts_with('0') {
                return Err(PhoneError::InvalidCountryCode);
            }
            match digits.strip_prefix("47") {
                Some(national) => national.to_owned(),
                None => {
                    if !(7..=15).contains(&digits.len()) {
                        return Err(PhoneError::InternationalLength {
                            digits: digits.len(),
                        });
                    }
                    return Ok(Phone(format!("+{digits}")));
                }
            }
        } else {
            digits
        };
        if national.len() != 8 {
            return Err(PhoneError::NorwegianLength {
                digits: national.len(),
            });
        }
        Ok(Phone(format!("+47{national}")))
    }

    /// Whether this is a Norwegian (+47) number.
    pub fn is_norwegian(&self) -> bool {
        self.0.starts_with("+47")
    }
}

text_newtype!(Phone, PhoneError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_localized, deserialize_str, serialize_to_string};

    #[test]
    fn person_name_trims_and_keeps_text() {
        assert_eq!(
            PersonName::parse("  Kari Nordmann ").unwrap().as_str(),
            "Kari Nordmann"
        );
        assert_eq!(
            PersonName::parse("Åse Øvrebø-Ærø").unwrap().as_str(),
            "Åse Øvrebø-Ærø"
        );
        // HTML is stored as text; escaping is the web layer's job.
        let html = "<script>alert(1)</script>";
        assert_eq!(PersonName::parse(html).unwrap().as_str(), html);
    }

    #[test]
    fn person_name_rejects() {
        assert_eq!(PersonName::parse(""), Err(PersonNameError::Empty));
        assert_eq!(PersonName::parse(" \t\n "), Err(PersonNameError::Empty));
        for bad in [
            "Kari\u{0}",
            "Kari\nNordmann",
            "Kari\tN",
            "Ka\u{7f}ri",
            "Kari \u{202E}nnamdroN",
            "Kari\u{2028}N",
        ] {
            assert_eq!(
                PersonName::parse(bad),
                Err(PersonNameError::ControlCharacter),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn person_name_needs_something_visible() {
        for bad in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{2060}\u{FEFF}",
            "\u{200E}\u{200F}",
            "\u{0301}\u{0308}",
            "\u{FE0F}",
            "\u{3164}",
            "\u{00AD}",
        ] {
            assert_eq!(
                PersonName::parse(bad),
                Err(PersonNameError::NothingVisible),
                "{bad:?}"
            );
        }
        // Invisible characters inside a real name are kept as written.
        for good in [
            "Ka\u{200B}ri",
            "Zoe\u{0308}",
            "Åse",
            "李",
            "\u{0627}\u{0644}",
        ] {
            assert!(PersonName::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn other_names_need_something_visible_too() {
        for bad in [
            "\u{200B}",
            " \u{200B} ",
            "\u{0301}",
            "\u{2060}\u{FEFF}",
            "\u{FE0F}",
            "\u{3164}",
        ] {
            assert_eq!(
                ShortText::parse_name(bad),
                Err(TextError::NothingVisible),
                "{bad:?}"
            );
            assert_eq!(
                ShortText::parse_name_optional(bad),
                Err(TextError::NothingVisible),
                "{bad:?}"
            );
            // Plain short texts (a place, a reason) keep their old rule.
            assert!(ShortText::parse(bad).is_ok(), "{bad:?}");
        }
        assert_eq!(
            ShortText::parse_name("Ås kommune").unwrap().as_str(),
            "Ås kommune"
        );
        assert_eq!(
            ShortText::parse_name("  Team\u{200B} Nord ")
                .unwrap()
                .as_str(),
            "Team\u{200B} Nord"
        );
        assert_eq!(ShortText::parse_name_optional("  "), Ok(None));
        assert_eq!(ShortText::parse_name(" "), Err(TextError::Empty));
        assert_eq!(
            ShortText::parse_name("A\u{0}"),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(
            ShortText::parse_name(&"ø".repeat(201)),
            Err(TextError::TooLong { max: 200, len: 201 })
        );
    }

    #[test]
    fn person_name_length_counts_characters_not_bytes() {
        let max = "ø".repeat(200); // 400 bytes
        assert_eq!(
            PersonName::parse(&max).unwrap().as_str().chars().count(),
            200
        );
        assert_eq!(
            PersonName::parse(&"ø".repeat(201)),
            Err(PersonNameError::TooLong { len: 201 })
        );
        // Surrounding whitespace does not count.
        assert!(PersonName::parse(&format!("  {}  ", "a".repeat(200))).is_ok());
    }

    #[test]
    fn person_name_serde() {
        let name = PersonName::parse("Kari").unwrap();
        assert_eq!(serialize_to_string(&name), "Kari");
        assert_eq!(deserialize_str::<PersonName>(" Kari "), Ok(name));
        assert!(deserialize_str::<PersonName>("  ").is_err());
    }

    #[test]
    fn municipality() {
        assert_eq!(Municipality::parse(" Bodø ").unwrap().as_str(), "Bodø");
        assert_eq!(Municipality::parse(""), Err(MunicipalityError::Empty));
        assert!(Municipality::parse(&"a".repeat(100)).is_ok());
        assert_eq!(
            Municipality::parse(&"a".repeat(101)),
            Err(MunicipalityError::TooLong { len: 101 })
        );
        assert_eq!(
            Municipality::parse("Os\u{1b}[31m"),
            Err(MunicipalityError::ControlCharacter)
        );
    }

    #[test]
    fn short_text() {
        assert_eq!(
            ShortText::parse(" Oppfølging etter innleggelse ")
                .unwrap()
                .as_str(),
            "Oppfølging etter innleggelse"
        );
        assert!(ShortText::parse(&"x".repeat(200)).is_ok());
        assert_eq!(
            ShortText::parse(&"x".repeat(201)),
            Err(TextError::TooLong { max: 200, len: 201 })
        );
        assert_eq!(ShortText::parse("a\nb"), Err(TextError::ControlCharacter));
        assert_eq!(ShortText::parse("   "), Err(TextError::Empty));
        assert_eq!(ShortText::parse_optional("  "), Ok(None));
        assert_eq!(
            ShortText::parse_optional(" a ").unwrap().unwrap().as_str(),
            "a"
        );
        assert_eq!(
            ShortText::parse_optional("a\u{0}"),
            Err(TextError::ControlCharacter)
        );
    }

    #[test]
    fn long_text_keeps_lines_and_normalises_endings() {
        let t = LongText::parse("\n Første linje\r\nAndre\rTredje\tkolonne \n").unwrap();
        assert_eq!(t.as_str(), "Første linje\nAndre\nTredje\tkolonne");
        assert!(LongText::parse(&"x".repeat(10_000)).is_ok());
        assert_eq!(
            LongText::parse(&"x".repeat(10_001)),
            Err(TextError::TooLong {
                max: 10_000,
                len: 10_001
            })
        );
        assert_eq!(LongText::parse("a\u{0}b"), Err(TextError::ControlCharacter));
        assert_eq!(
            LongText::parse("a\u{2067}b"),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(LongText::parse_optional("\n\n"), Ok(None));
        // Line-ending normalisation happens before counting: 5 000 CRLFs are 5 000 characters.
        assert!(LongText::parse(&format!("a{}a", "\r\n".repeat(5_000))).is_ok());
    }

    #[test]
    fn text_error_messages_state_the_maximum() {
        let e = TextError::TooLong {
            max: 10_000,
            len: 12_345,
        };
        assert_eq!(
            e.message(Lang::Nb),
            "Teksten er for lang: høyst 10\u{a0}000 tegn (fikk 12\u{a0}345)."
        );
        assert_eq!(
            e.message(Lang::En),
            "The text is too long: at most 10,000 characters (got 12,345)."
        );
        assert!(TextError::TooLong { max: 200, len: 201 }
            .message(Lang::Nb)
            .contains("200"));
    }

    #[test]
    fn birth_year_bounds() {
        assert_eq!(BirthYear::parse(1900, 2025).unwrap().value(), 1900);
        assert_eq!(BirthYear::parse(2025, 2025).unwrap().value(), 2025);
        assert_eq!(
            BirthYear::parse(1899, 2025),
            Err(BirthYearError::OutOfRange {
                value: 1899,
                max: 2025
            })
        );
        assert_eq!(
            BirthYear::parse(2026, 2025),
            Err(BirthYearError::OutOfRange {
                value: 2026,
                max: 2025
            })
        );
        assert_eq!(
            serialize_to_string(&BirthYear::parse(1975, 2025).unwrap()),
            "1975"
        );
        assert!(BirthYearError::OutOfRange {
            value: 2026,
            max: 2025
        }
        .message(Lang::Nb)
        .contains("mellom 1900 og 2025"));
    }

    #[test]
    fn phone_normalises_norwegian_numbers() {
        for s in [
            "+47 912 34 567",
            "91234567",
            "0047 91234567",
            "004791234567",
            " 912-34-567 ",
            "+47 (912) 34.567",
            "+4791234567",
        ] {
            let p = Phone::parse(s).unwrap();
            assert_eq!(p.as_str(), "+4791234567", "{s}");
            assert!(p.is_norwegian());
        }
    }

    #[test]
    fn phone_accepts_foreign_numbers() {
        let p = Phone::parse("+46 70 123 45 67").unwrap();
        assert_eq!(p.as_str(), "+46701234567");
        assert!(!p.is_norwegian());
        assert_eq!(
            Phone::parse("0045 12 34 56 78").unwrap().as_str(),
            "+4512345678"
        );
    }

    #[test]
    fn phone_rejects() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("+"), Err(PhoneError::Empty));
        assert_eq!(
            Phone::parse("9123456"),
            Err(PhoneError::NorwegianLength { digits: 7 })
        );
        assert_eq!(
            Phone::parse("912345678"),
            Err(PhoneError::NorwegianLength { digits: 9 })
        );
        assert_eq!(
            Phone::parse("+47 9123 456"),
            Err(PhoneError::NorwegianLength { digits: 7 })
        );
        // A country code written without + is not guessed at.
        assert_eq!(
            Phone::parse("47 91234567"),
            Err(PhoneError::NorwegianLength { digits: 10 })
        );
        assert_eq!(
            Phone::parse("+46 12"),
            Err(PhoneError::InternationalLength { digits: 4 })
        );
        assert_eq!(
            Phone::parse("+1 2345 6789 0123 456"),
            Err(PhoneError::InternationalLength { digits: 16 })
        );
        assert_eq!(
            Phone::parse("+0 123 456 78"),
            Err(PhoneError::InvalidCountryCode)
        );
        assert_eq!(
            Phone::parse("000 123 456 78"),
            Err(PhoneError::InvalidCountryCode)
        );
        assert_eq!(
            Phone::parse("912 34 56a"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(
            Phone::parse("+47 +912 34 567"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(
            Phone::parse("tel:91234567"),
            Err(PhoneError::InvalidCharacter)
        );
    }

    #[test]
    fn phone_serde() {
        assert_eq!(
            serialize_to_string(&Phone::parse("91234567").unwrap()),
            "+4791234567"
        );
        assert_eq!(
            deserialize_str::<Phone>("912 34 567").unwrap().as_str(),
            "+4791234567"
        );
    }

    #[test]
    fn errors_are_localized() {
        assert_localized(&[
            PersonNameError::Empty,
            PersonNameError::TooLong { len: 201 },
            PersonNameError::ControlCharacter,
            PersonNameError::NothingVisible,
        ]);
        assert_localized(&[
            MunicipalityError::Empty,
            MunicipalityError::TooLong { len: 101 },
            MunicipalityError::ControlCharacter,
        ]);
        assert_localized(&[
            TextError::Empty,
            TextError::TooLong { max: 200, len: 201 },
            TextError::ControlCharacter,
            TextError::NothingVisible,
        ]);
        assert_localized(&[BirthYearError::OutOfRange {
            value: 1800,
            max: 2025,
        }]);
        assert_localized(&[
            PhoneError::Empty,
            PhoneError::InvalidCharacter,
            PhoneError::NorwegianLength { digits: 7 },
            PhoneError::InternationalLength { digits: 4 },
            PhoneError::InvalidCountryCode,
        ]);
    }
}
