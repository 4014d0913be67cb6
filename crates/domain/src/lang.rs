//! User-interface language and the trait that lets every domain error speak it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A language the user interface and error messages are available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Norwegian Bokmål, the default: the teams work in Norwegian.
    #[default]
    Nb,
    /// English, for staff who prefer it.
    En,
}

impl Lang {
    /// Every supported language, in the order a language picker shows them.
    pub const ALL: [Lang; 2] = [Lang::Nb, Lang::En];

    /// Maps a BCP 47 tag ("nb", "nb-NO", "no", "nn", "en-GB") to a supported language.
    ///
    /// Nynorsk and the generic "no" fall back to Bokmål, the closest language we have.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if ["nb", "no", "nn"]
            .iter()
            .any(|t| primary.eq_ignore_ascii_case(t))
        {
            Some(Lang::Nb)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the supported language the browser prefers most (honouring q-values), else Bokmål.
    ///
    /// Ties keep the header's order; entries with q=0, a malformed q or an unknown tag are skipped.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let Some(lang) = Lang::from_tag(tag) else {
                continue;
            };
            let mut quality = Some(1000);
            for param in parts {
                let Some((key, value)) = param.split_once('=') else {
                    continue;
                };
                if key.trim().eq_ignore_ascii_case("q") {
                    quality = parse_q(value.trim());
                }
            }
            match quality {
                Some(q) if q > 0 && best.is_none_or(|(b, _)| q > b) => best = Some((q, lang)),
                _ => {}
            }
        }
        best.map_or(Lang::default(), |(_, lang)| lang)
    }

    /// The short tag used in URLs, cookies and the HTML `lang` attribute.
    pub fn as_tag(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_tag())
    }
}

/// Parses an RFC 9110 q-value ("0.8", "1", "0.125") into thousandths, rejecting anything else.
fn parse_q(value: &str) -> Option<u16> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_thousandths = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
    match int {
        "0" => Some(frac_thousandths),
        "1" if frac_thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// A domain error that can explain itself to a user in their language.
pub trait Localized {
    /// A stable snake_case machine code (for the JSON API and tests); never changes once published.
    fn code(&self) -> &'static str;
    /// A clear, specific sentence for the user, naming what is wrong with the field.
    fn message(&self, lang: Lang) -> String;
}

/// Formats a count with the language's thousands separator ("10 000" in Norwegian, "10,000" in English).
pub(crate) fn format_count(n: usize, lang: Lang) -> String {
    let sep = match lang {
        // Norwegian uses a (non-breaking) space as the thousands separator.
        Lang::Nb => "\u{a0}",
        Lang::En => ",",
    };
    let digits: Vec<char> = n.to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|group| group.iter().collect())
        .collect();
    groups.join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_bokmal() {
        assert_eq!(Lang::default(), Lang::Nb);
    }

    #[test]
    fn from_tag_maps_norwegian_variants_to_bokmal() {
        for tag in ["nb", "no", "nn", "nb-NO", "NB-no", "nn_NO", " no "] {
            assert_eq!(Lang::from_tag(tag), Some(Lang::Nb), "{tag}");
        }
    }

    #[test]
    fn from_tag_maps_english_variants() {
        for tag in ["en", "en-GB", "en-US", "EN"] {
            assert_eq!(Lang::from_tag(tag), Some(Lang::En), "{tag}");
        }
    }

    #[test]
    fn from_tag_rejects_others() {
        for tag in ["", "da", "sv-SE", "eng", "nob", "*", "e"] {
            assert_eq!(Lang::from_tag(tag), None, "{tag}");
        }
    }

    #[test]
    fn as_tag_round_trips() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.as_tag()), Some(lang));
        }
        assert_eq!(Lang::En.as_tag(), "en");
        assert_eq!(Lang::Nb.to_string(), "nb");
    }

    #[test]
    fn accept_language_first_supported_wins_at_equal_quality() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("nb-NO,nb;q=0.9,en;q=0.8"),
            Lang::Nb
        );
        assert_eq!(Lang::from_accept_language("en, nb"), Lang::En);
    }

    #[test]
    fn accept_language_honours_q_values_over_order() {
        assert_eq!(Lang::from_accept_language("en;q=0.5, nb;q=0.9"), Lang::Nb);
        assert_eq!(Lang::from_accept_language("nb;q=0.4,en;q=0.41"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("nn;q=0.3, en-GB;q=1.0"),
            Lang::En
        );
    }

    #[test]
    fn accept_language_skips_unsupported_and_rejected() {
        assert_eq!(
            Lang::from_accept_language("da, en-gb;q=0.8, en;q=0.7"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("nb;q=0, en"), Lang::En);
        // Only English, and it is explicitly not acceptable: fall back to the default.
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Nb);
        assert_eq!(Lang::from_accept_language("de, fr;q=0.9"), Lang::Nb);
        assert_eq!(Lang::from_accept_language("*"), Lang::Nb);
    }

    #[test]
    fn accept_language_ignores_malformed_q() {
        // A malformed q must not let English beat a well-formed Norwegian entry.
        assert_eq!(Lang::from_accept_language("en;q=abc, nb;q=0.1"), Lang::Nb);
        assert_eq!(Lang::from_accept_language("en;q=1.5, nb;q=0.1"), Lang::Nb);
        assert_eq!(
            Lang::from_accept_language("en;q=0.1234, nb;q=0.1"),
            Lang::Nb
        );
    }

    #[test]
    fn accept_language_empty_or_garbage_defaults_to_bokmal() {
        assert_eq!(Lang::from_accept_language(""), Lang::Nb);
        assert_eq!(Lang::from_accept_language(";;,,=;q"), Lang::Nb);
    }

    #[test]
    fn parse_q_values() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("0.5"), Some(500));
        assert_eq!(parse_q("0.05"), Some(50));
        assert_eq!(parse_q("0"), Some(0));
        assert_eq!(parse_q("1.5"), None);
        assert_eq!(parse_q("2"), None);
        assert_eq!(parse_q("-0.5"), None);
        assert_eq!(parse_q(""), None);
    }

    #[test]
    fn format_count_uses_language_separator() {
        assert_eq!(format_count(200, Lang::Nb), "200");
        assert_eq!(format_count(10_000, Lang::Nb), "10\u{a0}000");
        assert_eq!(format_count(10_000, Lang::En), "10,000");
        assert_eq!(format_count(1_234_567, Lang::En), "1,234,567");
    }

    #[test]
    fn serde_uses_tags() {
        use serde::de::{value::StrDeserializer, IntoDeserializer};
        for lang in Lang::ALL {
            let de: StrDeserializer<'_, serde::de::value::Error> =
                lang.as_tag().into_deserializer();
            assert_eq!(Lang::deserialize(de), Ok(lang));
        }
    }
}
