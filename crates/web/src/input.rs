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

/// Referral fields as sent to the API (the public form parses the same way).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReferral {
    /// Who refers.
    #[serde(default)]
    pub referrer_name: String,
    /// Their role ("fastlege", "mor", …).
    #[serde(default)]
    pub referrer_role: Option<String>,
    /// Their phone.
    #[serde(default)]
    pub referrer_phone: Option<String>,
    /// Their e-mail.
    #[serde(default)]
    pub referrer_email: Option<String>,
    /// An agency from the team's register.
    #[serde(default)]
    pub agency_id: Option<uuid::Uuid>,
    /// Kind of referrer (`gp`, `nav`, `relative`, …); taken from the agency when one is given.
    #[serde(default)]
    pub agency_kind: Option<String>,
    /// The person's name.
    #[serde(default)]
    pub person_name: Option<String>,
    /// Fødselsnummer or D-number.
    #[serde(default)]
    pub person_national_id: Option<String>,
    /// Birth year.
    #[serde(default)]
    pub person_birth_year: Option<i32>,
    /// Phone.
    #[serde(default)]
    pub person_phone: Option<String>,
    /// Where the person can be found.
    #[serde(default)]
    pub person_whereabouts: Option<String>,
    /// Why the referral.
    #[serde(default)]
    pub reason: String,
    /// Services and helpers now.
    #[serde(default)]
    pub current_services: Option<String>,
    /// Housing situation.
    #[serde(default)]
    pub housing_situation: Option<String>,
    /// Substance use.
    #[serde(default)]
    pub substance_use: Option<String>,
    /// Mental health.
    #[serde(default)]
    pub mental_health: Option<String>,
    /// Does the person know of the referral: `yes`, `no`, `unknown`.
    #[serde(default)]
    pub person_knows: Option<String>,
    /// Does the person agree: `yes`, `no`, `unknown`.
    #[serde(default)]
    pub person_agrees: Option<String>,
    /// `normal` or `urgent`.
    #[serde(default)]
    pub urgency: Option<String>,
    /// ICD-10 codes known at referral (staff only).
    #[serde(default)]
    pub diagnoses: Vec<String>,
    /// Day received (staff only; default today).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub received_on: Option<chrono::NaiveDate>,
    /// `phone`, `open_hour`, `meeting`, `other` (staff only).
    #[serde(default)]
    pub channel: Option<String>,
}

fn coded<T>(
    f: &mut Fields,
    field: &str,
    v: &Option<String>,
    default: T,
    parse: fn(&str) -> Option<T>,
) -> T {
    match blank(v) {
        None => default,
        Some(s) => parse(s).unwrap_or_else(|| {
            f.push(FieldError::new(
                field,
                "unknown_value",
                "Ukjent verdi.",
                "Unknown value.",
            ));
            default
        }),
    }
}

/// Parses a referral; every problem is reported at once, per field.
pub fn referral(
    raw: &RawReferral,
    allow_synthetic: bool,
) -> Result<benk_app::referrals::ReferralInput, AppError> {
    use benk_domain::{
        identifiable, AgencyKind, Icd10Code, IdentityParts, Knowledge, LongText, ReferralChannel,
        ShortText, Urgency,
    };
    let mut f = Fields::default();
    let short = |f: &mut Fields, field: &str, v: &Option<String>| match blank(v) {
        Some(s) => f.check(field, ShortText::parse(s)),
        None => None,
    };
    let long = |f: &mut Fields, field: &str, v: &Option<String>| match blank(v) {
        Some(s) => f.check(field, LongText::parse(s)),
        None => None,
    };
    let referrer_name = f.check("referrer_name", ShortText::parse(&raw.referrer_name));
    let referrer_role = short(&mut f, "referrer_role", &raw.referrer_role);
    let referrer_phone =
        blank(&raw.referrer_phone).and_then(|s| f.check("referrer_phone", Phone::parse(s)));
    let referrer_email = short(&mut f, "referrer_email", &raw.referrer_email);
    if let Some(e) = &referrer_email {
        if !e.as_str().contains('@') {
            f.push(FieldError::new(
                "referrer_email",
                "invalid_email",
                "E-postadressen mangler @.",
                "The e-mail address lacks an @.",
            ));
        }
    }
    let agency_kind = match (raw.agency_id, blank(&raw.agency_kind)) {
        (_, Some(k)) => AgencyKind::from_code(k).unwrap_or_else(|| {
            f.push(FieldError::new(
                "agency_kind",
                "unknown_agency_kind",
                "Ukjent type henviser.",
                "Unknown kind of referrer.",
            ));
            AgencyKind::Other
        }),
        (Some(_), None) => AgencyKind::Other,
        (None, None) => {
            f.push(FieldError::new(
                "agency_kind",
                "agency_required",
                "Velg hvem som henviser: en instans fra listen eller en type henviser.",
                "Choose who refers: an agency from the list or a kind of referrer.",
            ));
            AgencyKind::Other
        }
    };
    let person_name =
        blank(&raw.person_name).and_then(|s| f.check("person_name", PersonName::parse(s)));
    let person_national_id = blank(&raw.person_national_id)
        .and_then(|s| f.check("person_national_id", NationalId::parse(s, allow_synthetic)));
    let this_year = benk_app::time::oslo_today().year();
    let person_birth_year = raw
        .person_birth_year
        .and_then(|y| f.check("person_birth_year", BirthYear::parse(y, this_year)));
    let person_phone =
        blank(&raw.person_phone).and_then(|s| f.check("person_phone", Phone::parse(s)));
    let person_whereabouts = short(&mut f, "person_whereabouts", &raw.person_whereabouts);
    let parts = IdentityParts {
        name: blank(&raw.person_name).is_some(),
        national_id: blank(&raw.person_national_id).is_some(),
        birth_year: raw.person_birth_year.is_some(),
        phone: blank(&raw.person_phone).is_some(),
        whereabouts: blank(&raw.person_whereabouts).is_some(),
    };
    if let Err(e) = identifiable(parts) {
        f.push(FieldError::of("person_name", &e));
    }
    let reason = f.check("reason", LongText::parse(&raw.reason));
    let current_services = long(&mut f, "current_services", &raw.current_services);
    let housing_situation = long(&mut f, "housing_situation", &raw.housing_situation);
    let substance_use = long(&mut f, "substance_use", &raw.substance_use);
    let mental_health = long(&mut f, "mental_health", &raw.mental_health);
    let person_knows = coded(
        &mut f,
        "person_knows",
        &raw.person_knows,
        Knowledge::Unknown,
        Knowledge::from_code,
    );
    let person_agrees = coded(
        &mut f,
        "person_agrees",
        &raw.person_agrees,
        Knowledge::Unknown,
        Knowledge::from_code,
    );
    let urgency = coded(
        &mut f,
        "urgency",
        &raw.urgency,
        Urgency::Normal,
        Urgency::from_code,
    );
    let channel = coded(
        &mut f,
        "channel",
        &raw.channel,
        ReferralChannel::Phone,
        ReferralChannel::from_code,
    );
    let mut diagnoses = Vec::new();
    for d in &raw.diagnoses {
        if let Some(code) = f.check("diagnoses", Icd10Code::parse(d)) {
            diagnoses.push(code);
        }
    }
    let today = benk_app::time::oslo_today();
    let received_on = raw.received_on.unwrap_or(today);
    if received_on > today {
        f.push(FieldError::new(
            "received_on",
            "future_date",
            "Datoen kan ikke være i fremtiden.",
            "The date cannot be in the future.",
        ));
    }
    f.finish()?;
    let (Some(referrer_name), Some(reason)) = (referrer_name, reason) else {
        return Err(AppError::Internal("referral checked above".into()));
    };
    Ok(benk_app::referrals::ReferralInput {
        referrer_name,
        referrer_role,
        referrer_phone,
        referrer_email,
        agency_id: raw.agency_id,
        agency_kind,
        person_name,
        person_national_id,
        person_birth_year,
        person_phone,
        person_whereabouts,
        reason,
        current_services,
        housing_situation,
        substance_use,
        mental_health,
        person_knows,
        person_agrees,
        urgency,
        diagnoses,
        received_on,
        channel,
    })
}
