//! A macro for closed enums that travel as stable codes and show as localized labels.

/// Declares an enum whose serde name, `code()` and `from_code()` come from one table, so the three
/// can never disagree, plus `ALL` (for pickers) and `label(Lang)`.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $code:literal, nb: $nb:literal, en: $en:literal;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $code)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable machine code (storage, API, serde).
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Looks a value up by its exact machine code.
            pub fn from_code(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The human label in the given language.
            pub fn label(self, lang: $crate::lang::Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, $crate::lang::Lang::Nb) => $nb,
                        ($name::$variant, $crate::lang::Lang::En) => $en,
                    )+
                }
            }
        }
    };
}

pub(crate) use coded_enum;

#[cfg(test)]
pub(crate) mod tests {
    use crate::lang::Lang;
    use crate::test_support::{deserialize_str, serialize_to_string};
    use std::collections::HashSet;

    /// Checks the table behind a coded enum: unique snake-or-upper codes that round-trip through
    /// `from_code` and serde, and distinct non-empty labels in both languages.
    pub(crate) fn assert_coded<T>(
        all: &[T],
        code: impl Fn(T) -> &'static str,
        from_code: impl Fn(&str) -> Option<T>,
        label: impl Fn(T, Lang) -> &'static str,
    ) where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
    {
        let mut codes = HashSet::new();
        let mut labels_nb = HashSet::new();
        let mut labels_en = HashSet::new();
        for &v in all {
            let c = code(v);
            assert!(codes.insert(c), "duplicate code {c}");
            assert!(
                c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    || c.bytes().all(|b| b.is_ascii_uppercase()),
                "odd code {c}"
            );
            assert_eq!(from_code(c), Some(v));
            assert_eq!(serialize_to_string(&v), c);
            assert_eq!(deserialize_str::<T>(c), Ok(v));
            assert!(labels_nb.insert(label(v, Lang::Nb)), "{v:?}");
            assert!(labels_en.insert(label(v, Lang::En)), "{v:?}");
            assert!(!label(v, Lang::Nb).is_empty());
        }
        assert_eq!(from_code(""), None);
        assert!(deserialize_str::<T>("no_such_code").is_err());
    }
}
