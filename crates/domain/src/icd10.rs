//! ICD-10 diagnosis codes, checked in format only, and the block names of chapter V (F).
//!
//! Benk does not bundle the full code list: a code is accepted when it has the ICD-10 shape
//! (letter, two digits, optionally a dot and one or two digits). The Norwegian habit of writing
//! codes without the dot ("F200") is accepted and stored in the standard form ("F20.0").

use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::fmt;

/// FHIR code system for ICD-10 in Norway (HL7 Norway no-basis; Volven 7110).
pub const FHIR_SYSTEM_ICD10: &str = "urn:oid:2.16.578.1.12.4.1.1.7110";

/// An ICD-10 code in standard form: upper case, with a dot before any subdivision ("F20.0").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Icd10Code(String);

/// Why a string is not an ICD-10 code. Never carries the input, which is health information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Icd10CodeError {
    /// Nothing was entered.
    #[error("The ICD-10 code is missing.")]
    Empty,
    /// Not a letter, two digits and optionally a dot and one or two digits.
    #[error(
        "An ICD-10 code is a letter and two digits, optionally followed by a dot and one or two \
         digits, e.g. F20 or F20.0."
    )]
    InvalidFormat,
}

impl Localized for Icd10CodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "icd10_code_empty",
            Self::InvalidFormat => "icd10_code_invalid_format",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "ICD-10-koden mangler.".into(),
                Self::InvalidFormat => "En ICD-10-kode er en bokstav og to sifre, eventuelt \
                     fulgt av punktum og ett eller to sifre, f.eks. F20 eller F20.0."
                    .into(),
            },
        }
    }
}

impl Icd10Code {
    /// Parses "F20.0", " f20.1 " or the undotted Norwegian form "F200" (stored as "F20.0").
    pub fn parse(s: &str) -> Result<Icd10Code, Icd10CodeError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Icd10CodeError::Empty);
        }
        let upper = t.to_ascii_uppercase();
        let b = upper.as_bytes();
        if b.len() < 3
            || !b[0].is_ascii_uppercase()
            || !b[1].is_ascii_digit()
            || !b[2].is_ascii_digit()
        {
            return Err(Icd10CodeError::InvalidFormat);
        }
        let rest = &upper[3..];
        let sub = rest.strip_prefix('.').unwrap_or(rest);
        if rest.starts_with('.') && sub.is_empty() {
            return Err(Icd10CodeError::InvalidFormat);
        }
        if sub.len() > 2 || !sub.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Icd10CodeError::InvalidFormat);
        }
        if sub.is_empty() {
            Ok(Icd10Code(upper[..3].to_owned()))
        } else {
            Ok(Icd10Code(format!("{}.{sub}", &upper[..3])))
        }
    }

    /// The code in standard form, e.g. "F20.0".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The three-character category, e.g. "F20" for "F20.0".
    pub fn category(&self) -> &str {
        &self.0[..3]
    }

    /// The chapter letter, e.g. 'F'.
    pub fn letter(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// The category number after the letter, e.g. 20 for "F20.0".
    fn category_number(&self) -> u8 {
        let b = self.0.as_bytes();
        (b[1] - b'0') * 10 + (b[2] - b'0')
    }

    /// The chapter V block this code belongs to, or `None` outside chapter F or its blocks (F49).
    pub fn chapter_f_block(&self) -> Option<FBlock> {
        if self.letter() != 'F' {
            return None;
        }
        let category = self.category();
        f_blocks()
            .iter()
            .find(|block| block.contains(category))
            .copied()
    }

    /// Whether this is a psychotic disorder: schizophrenia, schizotypal and delusional disorders
    /// (F20–F29), the group Tandem routes to the FACT team.
    pub fn is_psychosis(&self) -> bool {
        self.letter() == 'F' && (20..=29).contains(&self.category_number())
    }

    /// The FHIR code system for ICD-10.
    pub fn fhir_system(&self) -> &'static str {
        FHIR_SYSTEM_ICD10
    }
}

impl fmt::Display for Icd10Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Icd10Code> for String {
    fn from(value: Icd10Code) -> String {
        value.0
    }
}

impl TryFrom<String> for Icd10Code {
    type Error = Icd10CodeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Icd10Code::parse(&value)
    }
}

/// A pattern over ICD-10 codes, as a team writes its code lists (issue 8): a category ("F20",
/// every code in it), a code ("F30.2", also its finer subdivisions "F30.20"), a category with a
/// wildcard digit ("F1x.5": F10.5 … F19.5) or a range of categories ("F20-F29", also written
/// with an en dash). Stored and shown in that form, upper case with `x` lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Icd10Pattern(String);

/// Why a string is not an ICD-10 pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "The ICD-10 code pattern \"{0}\" is not valid: write a category (F20), a code (F30.2), a category \
     with x for any digit (F1x.5) or a range of categories (F20-F29)."
)]
pub struct Icd10PatternError(pub String);

impl Localized for Icd10PatternError {
    fn code(&self) -> &'static str {
        "icd10_pattern_invalid"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => format!(
                "ICD-10-kodemønsteret «{}» er ikke gyldig: skriv en kategori (F20), en kode (F30.2), en \
                 kategori med x for et hvilket som helst siffer (F1x.5) eller et intervall av \
                 kategorier (F20-F29).",
                self.0
            ),
        }
    }
}

/// One side of a pattern: a letter, two digits or `x`, and optionally a subdivision.
fn pattern_part(s: &str, wildcards: bool) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() {
        return None;
    }
    let digit = |c: u8| c.is_ascii_digit() || (wildcards && c == b'X');
    if !digit(b[1]) || !digit(b[2]) {
        return None;
    }
    let rest = &s[3..];
    let category = s[..3].replace('X', "x");
    if rest.is_empty() {
        return Some(category);
    }
    let sub = rest.strip_prefix('.')?;
    if sub.is_empty() || sub.len() > 2 || !sub.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{category}.{sub}"))
}

impl Icd10Pattern {
    /// Parses "F20", "F30.2", "F1x.5" or "F20-F29" (case-insensitive; "–" for "-").
    pub fn parse(s: &str) -> Result<Icd10Pattern, Icd10PatternError> {
        let bad = || Icd10PatternError(s.trim().chars().take(20).collect());
        let t = s.trim().to_ascii_uppercase().replace('\u{2013}', "-");
        if let Some((from, to)) = t.split_once('-') {
            let (from, to) = (from.trim(), to.trim());
            let (Some(a), Some(b)) = (pattern_part(from, false), pattern_part(to, false)) else {
                return Err(bad());
            };
            if a.len() != 3 || b.len() != 3 {
                return Err(bad());
            }
            // A range may span letters, as ICD-10's own blocks do (chapter I is A00-B99); one
            // written backwards means the same range.
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            return Ok(Icd10Pattern(format!("{a}-{b}")));
        }
        pattern_part(&t, true).map(Icd10Pattern).ok_or_else(bad)
    }

    /// The pattern as written, e.g. "F1x.5".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a code lies under this pattern.
    pub fn matches(&self, code: &Icd10Code) -> bool {
        if let Some((from, to)) = self.0.split_once('-') {
            let c = code.category();
            return from <= c && c <= to;
        }
        let (category, sub) = match self.0.split_once('.') {
            Some((c, s)) => (c, Some(s)),
            None => (self.0.as_str(), None),
        };
        let same_category = category
            .bytes()
            .zip(code.category().bytes())
            .all(|(p, c)| p == b'x' || p == c);
        let code_sub = code.as_str().get(4..).unwrap_or("");
        same_category && sub.is_none_or(|s| code_sub.starts_with(s))
    }
}

impl fmt::Display for Icd10Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Icd10Pattern> for String {
    fn from(value: Icd10Pattern) -> String {
        value.0
    }
}

impl TryFrom<String> for Icd10Pattern {
    type Error = Icd10PatternError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Icd10Pattern::parse(&value)
    }
}

/// A block of ICD-10 chapter V (mental and behavioural disorders) with its name in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FBlock {
    /// The first category in the block, e.g. "F20".
    pub from: &'static str,
    /// The last category in the block, e.g. "F29".
    pub to: &'static str,
    /// The Norwegian block name.
    pub nb: &'static str,
    /// The English block name (WHO ICD-10).
    pub en: &'static str,
}

impl FBlock {
    /// The block name in the given language.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nb => self.nb,
            Lang::En => self.en,
        }
    }

    /// The range as shown in reports, e.g. "F20–F29" (or "F99" for a single category).
    pub fn range(&self) -> String {
        if self.from == self.to {
            self.from.to_owned()
        } else {
            format!("{}–{}", self.from, self.to)
        }
    }

    /// Whether a three-character category such as "F20" lies in this block.
    pub fn contains(&self, category: &str) -> bool {
        category.len() == 3 && self.from <= category && category <= self.to
    }
}

const F_BLOCKS: &[FBlock] = &[
    FBlock {
        from: "F00",
        to: "F09",
        nb: "Organiske, inkludert symptomatiske psykiske lidelser",
        en: "Organic, including symptomatic, mental disorders",
    },
    FBlock {
        from: "F10",
        to: "F19",
        nb: "Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av psykoaktive stoffer",
        en: "Mental and behavioural disorders due to psychoactive substance use",
    },
    FBlock {
        from: "F20",
        to: "F29",
        nb: "Schizofreni, schizotyp lidelse og paranoide lidelser",
        en: "Schizophrenia, schizotypal and delusional disorders",
    },
    FBlock {
        from: "F30",
        to: "F39",
        nb: "Affektive lidelser",
        en: "Mood [affective] disorders",
    },
    FBlock {
        from: "F40",
        to: "F48",
        nb: "Nevrotiske, belastningsrelaterte og somatoforme lidelser",
        en: "Neurotic, stress-related and somatoform disorders",
    },
    FBlock {
        from: "F50",
        to: "F59",
        nb: "Atferdssyndromer forbundet med fysiologiske forstyrrelser og fysiske faktorer",
        en: "Behavioural syndromes associated with physiological disturbances and physical factors",
    },
    FBlock {
        from: "F60",
        to: "F69",
        nb: "Personlighets- og atferdsforstyrrelser hos voksne",
        en: "Disorders of adult personality and behaviour",
    },
    FBlock {
        from: "F70",
        to: "F79",
        nb: "Psykisk utviklingshemming",
        en: "Mental retardation",
    },
    FBlock {
        from: "F80",
        to: "F89",
        nb: "Utviklingsforstyrrelser",
        en: "Disorders of psychological development",
    },
    FBlock {
        from: "F90",
        to: "F98",
        nb: "Atferdsforstyrrelser og følelsesmessige forstyrrelser som vanligvis begynner i \
             barndommen og ungdomsalderen",
        en: "Behavioural and emotional disorders with onset usually occurring in childhood and \
             adolescence",
    },
    FBlock {
        from: "F99",
        to: "F99",
        nb: "Uspesifisert psykisk lidelse",
        en: "Unspecified mental disorder",
    },
];

/// The blocks of ICD-10 chapter V (F00–F99), in code order.
pub fn f_blocks() -> &'static [FBlock] {
    F_BLOCKS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_localized, deserialize_str, serialize_to_string};

    fn code(s: &str) -> Icd10Code {
        Icd10Code::parse(s).unwrap()
    }

    #[test]
    fn parses_standard_and_norwegian_forms() {
        assert_eq!(code("F20.0").as_str(), "F20.0");
        assert_eq!(code("F200").as_str(), "F20.0");
        assert_eq!(code("F1020").as_str(), "F10.20");
        assert_eq!(code("f20.1").as_str(), "F20.1");
        assert_eq!(code("  z59.0 ").as_str(), "Z59.0");
        assert_eq!(code("F20").as_str(), "F20");
        assert_eq!(code("F10.24").as_str(), "F10.24");
        assert_eq!(code("U07.1").as_str(), "U07.1");
        // The dotted and undotted forms are the same code.
        assert_eq!(code("F200"), code("F20.0"));
    }

    #[test]
    fn rejects_bad_format() {
        for bad in [
            "F2", "FF20", "F20.123", "F20123", "F20.", "20.0", "F2.0", "F20-0", "F20 .0", "F 20",
            "F20.A", "F20A", "Ø20", "F٢0", "F20..1", ".F20",
        ] {
            assert_eq!(
                Icd10Code::parse(bad),
                Err(Icd10CodeError::InvalidFormat),
                "{bad}"
            );
        }
        assert_eq!(Icd10Code::parse(""), Err(Icd10CodeError::Empty));
        assert_eq!(Icd10Code::parse(" \t"), Err(Icd10CodeError::Empty));
    }

    #[test]
    fn parts() {
        let c = code("F10.2");
        assert_eq!(c.category(), "F10");
        assert_eq!(c.letter(), 'F');
        assert_eq!(c.to_string(), "F10.2");
        assert_eq!(c.fhir_system(), "urn:oid:2.16.578.1.12.4.1.1.7110");
    }

    #[test]
    fn chapter_f_block_lookup() {
        let block = code("F10.2").chapter_f_block().unwrap();
        assert_eq!((block.from, block.to), ("F10", "F19"));
        assert_eq!(
            block.label(Lang::Nb),
            "Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av psykoaktive stoffer"
        );
        assert_eq!(
            block.label(Lang::En),
            "Mental and behavioural disorders due to psychoactive substance use"
        );
        let f99 = code("F99").chapter_f_block().unwrap();
        assert_eq!(f99.nb, "Uspesifisert psykisk lidelse");
        assert_eq!(f99.range(), "F99");
        assert_eq!(block.range(), "F10–F19");
        // Block edges.
        assert_eq!(code("F00").chapter_f_block().unwrap().from, "F00");
        assert_eq!(code("F09.9").chapter_f_block().unwrap().to, "F09");
        assert_eq!(code("F29").chapter_f_block().unwrap().from, "F20");
        assert_eq!(code("F48.1").chapter_f_block().unwrap().from, "F40");
        assert_eq!(code("F98.8").chapter_f_block().unwrap().from, "F90");
        // F49 lies in no block; other chapters have none.
        assert_eq!(code("F49").chapter_f_block(), None);
        assert_eq!(code("Z59.0").chapter_f_block(), None);
        assert_eq!(code("G10").chapter_f_block(), None);
    }

    #[test]
    fn f_block_table_is_ordered_and_complete() {
        let blocks = f_blocks();
        assert_eq!(blocks.len(), 11);
        assert_eq!(blocks[0].from, "F00");
        assert_eq!(blocks[blocks.len() - 1].to, "F99");
        for pair in blocks.windows(2) {
            assert!(pair[0].to < pair[1].from, "{pair:?}");
        }
        for b in blocks {
            assert!(b.from <= b.to);
            assert!(!b.nb.is_empty() && !b.en.is_empty());
            assert_ne!(b.nb, b.en);
        }
        // Every category F00–F99 except F49 has a block.
        for n in 0..=99 {
            let c = code(&format!("F{n:02}"));
            assert_eq!(c.chapter_f_block().is_some(), n != 49, "{c}");
        }
    }

    #[test]
    fn psychosis_is_f20_to_f29() {
        for yes in ["F20", "F20.0", "F23.1", "F25", "F29"] {
            assert!(code(yes).is_psychosis(), "{yes}");
        }
        for no in ["F19.5", "F30", "F31.2", "F10.2", "G20", "Z20", "F02"] {
            assert!(!code(no).is_psychosis(), "{no}");
        }
    }

    #[test]
    fn patterns_parse_and_match() {
        let p = |s: &str| Icd10Pattern::parse(s).unwrap();
        assert_eq!(p("f20-f29").as_str(), "F20-F29");
        assert_eq!(p("F20\u{2013}F29").as_str(), "F20-F29");
        assert_eq!(p("F1X.5").as_str(), "F1x.5");
        assert_eq!(p(" F30.2 ").as_str(), "F30.2");
        let range = p("F20-F29");
        for yes in ["F20", "F20.0", "F25.1", "F29"] {
            assert!(range.matches(&code(yes)), "{yes}");
        }
        for no in ["F19.5", "F30", "G20", "F2"] {
            if let Ok(c) = Icd10Code::parse(no) {
                assert!(!range.matches(&c), "{no}");
            }
        }
        let substance = p("F1x.5");
        for yes in ["F10.5", "F15.5", "F19.5", "F15.51"] {
            assert!(substance.matches(&code(yes)), "{yes}");
        }
        for no in ["F10.2", "F15", "F20.5", "F1.5"] {
            if let Ok(c) = Icd10Code::parse(no) {
                assert!(!substance.matches(&c), "{no}");
            }
        }
        let exact = p("F32.3");
        assert!(exact.matches(&code("F32.3")));
        assert!(exact.matches(&code("F32.30")));
        assert!(!exact.matches(&code("F32.2")));
        assert!(!exact.matches(&code("F32")));
        assert!(p("F32").matches(&code("F32.2")));
        for bad in ["", "F2", "F2x-F29", "F20.1-F29", "Fxx.", "F20.123", "2x0"] {
            assert!(Icd10Pattern::parse(bad).is_err(), "{bad}");
        }
        // Backwards means the same range; a range may span letters (chapter I is A00-B99).
        assert_eq!(p("F29-F20"), p("F20-F29"));
        assert!(p("A00-B99").matches(&code("B20.1")));
        assert!(!p("A00-B99").matches(&code("C00")));
        assert_eq!(serialize_to_string(&p("F1x.5")), "F1x.5");
        assert_eq!(deserialize_str::<Icd10Pattern>("f20-f29"), Ok(p("F20-F29")));
        assert_localized(&[Icd10PatternError("F2".into())]);
    }

    #[test]
    fn serde_goes_through_parse() {
        assert_eq!(serialize_to_string(&code("F200")), "F20.0");
        assert_eq!(deserialize_str::<Icd10Code>("f200"), Ok(code("F20.0")));
        assert!(deserialize_str::<Icd10Code>("FF20").is_err());
    }

    #[test]
    fn errors_localized() {
        assert_localized(&[Icd10CodeError::Empty, Icd10CodeError::InvalidFormat]);
    }
}
