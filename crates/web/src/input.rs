//! Parsing input at the edge: raw strings from forms and JSON become domain
//! types here, or field errors in the user's language.

use benk_app::clients::ClientInput;
use benk_app::error::Fields;
use benk_app::{AppError, FieldError};
use benk_domain::{BirthYear, Municipality, NationalId, PersonName, Phone};
use chrono::Datelike;
use serde::Deserialize;

use crate::api::doc;

/// Client fields as typed by a person or sent by an API client.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClient {
    /// Full name.
    #[serde(default)]
    #[schema(schema_with = doc::person_name)]
    pub name: String,
    /// Fødselsnummer or D-number (11 digits); empty if not given.
    #[serde(default)]
    #[schema(schema_with = doc::national_id_opt)]
    pub national_id: Option<String>,
    /// Birth year, required when there is no national id: a number, or the year as text.
    #[serde(default)]
    #[schema(schema_with = doc::birth_year_or_text)]
    pub birth_year: Option<serde_json::Value>,
    /// Phone number.
    #[serde(default)]
    #[schema(schema_with = doc::phone_opt)]
    pub phone: Option<String>,
    /// Municipality of residence.
    #[serde(default)]
    #[schema(schema_with = doc::municipality_opt)]
    pub municipality: Option<String>,
}

/// The rules across the client and referral fields, in the OpenAPI document.
pub(crate) fn document_rules(openapi: &mut utoipa::openapi::OpenApi) {
    use doc::{given, require_any, require_fields};
    require_fields(openapi, "RawClient", &["name"]);
    require_fields(openapi, "RawReferral", &["referrer_name", "reason"]);
    require_any(
        openapi,
        "RawClient",
        false,
        vec![
            given("national_id", doc::national_id()),
            given("birth_year", doc::birth_year_given()),
        ],
    );
    require_any(
        openapi,
        "RawReferral",
        false,
        vec![
            given("agency_id", doc::uuid()),
            given("agency_kind", doc::agency_kind()),
        ],
    );
    require_any(
        openapi,
        "RawReferral",
        false,
        vec![
            given("person_name", doc::person_name()),
            given("person_national_id", doc::national_id()),
            given("person_phone", doc::phone()),
            given("person_whereabouts", doc::short_text()),
        ],
    );
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
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
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

/// Referral fields as sent to the API (the public form parses the same way).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReferral {
    /// Who refers.
    #[serde(default)]
    #[schema(schema_with = doc::name)]
    pub referrer_name: String,
    /// Their role ("fastlege", "mor", …).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    pub referrer_role: Option<String>,
    /// Their phone.
    #[serde(default)]
    #[schema(schema_with = doc::phone_opt)]
    pub referrer_phone: Option<String>,
    /// Their e-mail.
    #[serde(default)]
    #[schema(schema_with = doc::email_opt)]
    pub referrer_email: Option<String>,
    /// An agency from the team's register.
    #[serde(default)]
    pub agency_id: Option<uuid::Uuid>,
    /// Kind of referrer (`gp`, `nav`, `relative`, …); taken from the agency when one is given.
    #[serde(default)]
    #[schema(schema_with = doc::agency_kind_or_blank)]
    pub agency_kind: Option<String>,
    /// The person's name.
    #[serde(default)]
    #[schema(schema_with = doc::person_name_opt)]
    pub person_name: Option<String>,
    /// Fødselsnummer or D-number.
    #[serde(default)]
    #[schema(schema_with = doc::national_id_opt)]
    pub person_national_id: Option<String>,
    /// Birth year.
    #[serde(default)]
    #[serde(deserialize_with = "doc::integer_opt")]
    #[schema(schema_with = doc::birth_year_opt)]
    pub person_birth_year: Option<i32>,
    /// Phone.
    #[serde(default)]
    #[schema(schema_with = doc::phone_opt)]
    pub person_phone: Option<String>,
    /// Where the person can be found.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    pub person_whereabouts: Option<String>,
    /// Why the referral.
    #[serde(default)]
    #[schema(schema_with = doc::long_text)]
    pub reason: String,
    /// Services and helpers now.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    pub current_services: Option<String>,
    /// Housing situation.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    pub housing_situation: Option<String>,
    /// Substance use.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    pub substance_use: Option<String>,
    /// Mental health.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    pub mental_health: Option<String>,
    /// Does the person know of the referral: `yes`, `no`, `unknown`.
    #[serde(default)]
    #[schema(schema_with = doc::knowledge_or_blank)]
    pub person_knows: Option<String>,
    /// Does the person agree: `yes`, `no`, `unknown`.
    #[serde(default)]
    #[schema(schema_with = doc::knowledge_or_blank)]
    pub person_agrees: Option<String>,
    /// `normal` or `urgent`.
    #[serde(default)]
    #[schema(schema_with = doc::urgency_or_blank)]
    pub urgency: Option<String>,
    /// ICD-10 codes known at referral (staff only).
    #[serde(default)]
    #[schema(schema_with = doc::diagnoses)]
    pub diagnoses: Vec<String>,
    /// Day received (staff only; default today).
    #[serde(default)]
    #[schema(schema_with = doc::date_not_future_opt)]
    pub received_on: Option<chrono::NaiveDate>,
    /// `phone`, `open_hour`, `meeting`, `other` (staff only).
    #[serde(default)]
    #[schema(schema_with = doc::channel_or_blank)]
    pub channel: Option<String>,
}

impl RawReferral {
    /// The same fields as the referral form sends them, so the API and the
    /// pages share one parser ([`crate::html::parse_referral`]). Choices the
    /// API may leave out get the form's defaults: unknown, normal, phone, today.
    pub(crate) fn to_form(&self) -> crate::html::Fd {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let or = |v: &Option<String>, d: &str| {
            v.clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| d.to_string())
        };
        crate::html::Fd(vec![
            ("referrer_name".into(), self.referrer_name.clone()),
            ("referrer_role".into(), opt(&self.referrer_role)),
            ("referrer_phone".into(), opt(&self.referrer_phone)),
            ("referrer_email".into(), opt(&self.referrer_email)),
            (
                "agency_id".into(),
                self.agency_id.map(|a| a.to_string()).unwrap_or_default(),
            ),
            ("agency_kind".into(), opt(&self.agency_kind)),
            ("person_name".into(), opt(&self.person_name)),
            ("person_national_id".into(), opt(&self.person_national_id)),
            (
                "person_birth_year".into(),
                self.person_birth_year
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
            ),
            ("person_phone".into(), opt(&self.person_phone)),
            ("person_whereabouts".into(), opt(&self.person_whereabouts)),
            ("reason".into(), self.reason.clone()),
            ("current_services".into(), opt(&self.current_services)),
            ("housing_situation".into(), opt(&self.housing_situation)),
            ("substance_use".into(), opt(&self.substance_use)),
            ("mental_health".into(), opt(&self.mental_health)),
            ("person_knows".into(), or(&self.person_knows, "unknown")),
            ("person_agrees".into(), or(&self.person_agrees, "unknown")),
            ("urgency".into(), or(&self.urgency, "normal")),
            ("diagnoses".into(), self.diagnoses.join(" ")),
            (
                "received_on".into(),
                self.received_on
                    .unwrap_or_else(benk_app::time::oslo_today)
                    .to_string(),
            ),
            ("channel".into(), or(&self.channel, "phone")),
        ])
    }
}
