//! Test helpers: a tiny serializer for scalar values and shared checks for localized errors.

use crate::lang::{Lang, Localized};
use serde::ser::{self, Impossible, Serialize};
use std::collections::HashSet;
use std::fmt;

/// Checks the contract every domain error keeps: snake_case codes, both languages present,
/// distinct per variant, English equal to `Display`, and written as sentences.
pub(crate) fn assert_localized<E: Localized + std::error::Error>(errors: &[E]) {
    let mut seen_nb = HashSet::new();
    let mut seen_en = HashSet::new();
    for e in errors {
        let code = e.code();
        assert!(!code.is_empty());
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "code not snake_case: {code}"
        );
        let nb = e.message(Lang::Nb);
        let en = e.message(Lang::En);
        assert_eq!(en, e.to_string(), "English message must equal Display");
        assert_ne!(nb, en, "Norwegian message is untranslated: {nb}");
        for m in [&nb, &en] {
            assert!(m.chars().next().is_some_and(char::is_uppercase), "{m}");
            assert!(m.ends_with('.'), "not a sentence: {m}");
        }
        assert!(
            seen_nb.insert(nb.clone()),
            "duplicate Norwegian message: {nb}"
        );
        assert!(
            seen_en.insert(en.clone()),
            "duplicate English message: {en}"
        );
    }
}

/// Serializes a value that serializes as a single scalar into its text form.
pub(crate) fn serialize_to_string<T: Serialize + ?Sized>(value: &T) -> String {
    value.serialize(ScalarSerializer).expect("scalar value")
}

#[derive(Debug)]
pub(crate) struct NotScalar(String);

impl fmt::Display for NotScalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotScalar {}

impl ser::Error for NotScalar {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        NotScalar(msg.to_string())
    }
}

struct ScalarSerializer;

macro_rules! to_text {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name(self, v: $ty) -> Result<String, NotScalar> { Ok(v.to_string()) })*
    };
}

macro_rules! reject {
    ($($name:ident($($arg:ty),*) -> $ret:ty),*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, NotScalar> {
            Err(NotScalar(stringify!($name).into()))
        })*
    };
}

impl ser::Serializer for ScalarSerializer {
    type Ok = String;
    type Error = NotScalar;
    type SerializeSeq = Impossible<String, NotScalar>;
    type SerializeTuple = Impossible<String, NotScalar>;
    type SerializeTupleStruct = Impossible<String, NotScalar>;
    type SerializeTupleVariant = Impossible<String, NotScalar>;
    type SerializeMap = Impossible<String, NotScalar>;
    type SerializeStruct = Impossible<String, NotScalar>;
    type SerializeStructVariant = Impossible<String, NotScalar>;

    to_text!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str);

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, NotScalar> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, NotScalar> {
        value.serialize(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, NotScalar> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, NotScalar> {
        Err(NotScalar("newtype variant".into()))
    }

    reject!(serialize_bytes(&[u8]) -> String, serialize_none() -> String,
        serialize_unit() -> String, serialize_unit_struct(&'static str) -> String,
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant);
}

/// Deserializes a value from a bare string, as a JSON string or form field would supply it.
pub(crate) fn deserialize_str<T: serde::de::DeserializeOwned>(
    s: &str,
) -> Result<T, serde::de::value::Error> {
    use serde::de::IntoDeserializer;
    T::deserialize(s.into_deserializer())
}
