//! Parsing input at the edge: raw strings from forms and JSON become domain
//! types here, or field errors in the user's language.

use benk_app::clients::ClientInput;
use benk_app::error::Fields;
use benk_app::{AppError, FieldError};
use benk_domain::{BirthYear, Municipality, NationalId, PersonName, Phone};
use chrono::Datelike;
use serde::Deserialize;

/// Client fields as typed by a person or sent by an API client.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClient {
    /// Full name.
    #[serde(default)]
    pub name: String,
    /// Fødselsnummer or D-number (11 digits); empty if not given.
    #[serde(default)]
    pub national_id: Option<String>,
    /// Birth year, required when there is no national id.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub birth_year: Option<serde_json::Value>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Municipality of residence.
    #[serde(default)]
    pub municipality: Option<String>,
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn birth_year_value(v: &Option<serde_json::Value>) -> Result<Option<i32>, FieldError> {
    let bad = || {
        FieldError::new(
            "birth_year",
            "birth_year_not_a_number",
            "Fødselsåret må være et årstall med fire sifre.",
            "The birth year must be a four-digit year.",
        )
    };
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or_else(bad),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => s.trim().parse::<i32>().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// Parses client fields; every problem is reported at once, per field.
pub fn client(raw: &RawClient, allow_synthetic: bool) -> Result<ClientInput, AppError> {
    let mut f = Fields::default();
    let name = f.check("name", PersonName::parse(&raw.name));
    let national_id = match blank(&raw.national_id) {
        Some(s) => f.check("national_id", NationalId::parse(s, allow_synthetic)),
        None => None,
    };
    let this_year = benk_app::time::oslo_today().year();
    let birth_year = match birth_year_value(&raw.birth_year) {
        Ok(Some(y)) => f.check("birth_year", BirthYear::parse(y, this_year)),
        Ok(None) => None,
        Err(e) => {
            f.push(e);
            None
        }
    };
    if let (Some(id), Some(y)) = (&national_id, birth_year) {
        if id.birth_date().year() != y.value() {
            f.push(FieldError::new(
                "birth_year",
                "birth_year_mismatch",
                "Fødselsåret stemmer ikke med fødselsnummeret.",
                "The birth year does not match the national identity number.",
            ));
        }
    }
    if blank(&raw.national_id).is_none()
        && birth_year_value(&raw.birth_year).ok().flatten().is_none()
    {
        f.push(FieldError::new(
            "birth_year",
            "identity_required",
            "Oppgi fødselsnummer eller D-nummer, eller fødselsår hvis personen ikke vil oppgi nummer.",
            "Give a national identity number or D-number, or the birth year if the person will not give a number.",
        ));
    }
    let phone = match blank(&raw.phone) {
        Some(s) => f.check("phone", Phone::parse(s)),
        None => None,
    };
    let municipality = match blank(&raw.municipality) {
        Some(s) => f.check("municipality", Municipality::parse(s)),
        None => None,
    };
    f.finish()?;
    Ok(ClientInput {
        name: name.ok_or_else(|| AppError::Internal("name checked above".into()))?,
        national_id,
        birth_year,
        phone,
        municipality,
    })
}
