//! The OpenAPI document says exactly what the server enforces.
//!
//! Two kinds of helpers keep it that way without copy-paste:
//!
//! - **Responses.** [`CommonResponses`] adds to every operation the answers its
//!   extractors give by construction: 401 (no or bad bearer token) and 500 (an
//!   incident) everywhere, 400/413/415 to every operation with a JSON body (400
//!   also with query parameters), and
//!   404 to every operation with a path id (an id that is not a UUID is a 404).
//!   A handler annotates only what its use case adds, with the shared response
//!   types: `(status = 403, response = doc::Forbidden)`, [`NotFound`],
//!   [`Conflict`], [`Invalid`], [`TooManyRequests`], [`Unavailable`].
//! - **Schemas.** Body fields name their limits with `#[schema(schema_with = …)]`
//!   and the functions here, which take the numbers and codes from the domain
//!   (`ShortText::MAX_CHARS`, `OrgKind::ALL`, …), so the document and the
//!   constructors cannot drift apart. Integer fields use
//!   `#[serde(deserialize_with = doc::integer)]` so that `2.0`, which JSON
//!   Schema counts as an integer, is read as 2.

use benk_domain::{
    AgencyKind, BirthYear, CloseReason, DecisionOutcome, EpisodeRole, Knowledge, LongText,
    Municipality, OrgKind, PersonName, Profession, ReferralChannel, ReportPeriod, RgMemberKind,
    ShortText, TeamRole, Urgency,
};
use chrono::Datelike;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{Content, HeaderBuilder, OpenApi, RefOr};

use super::ErrorBody;

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "ErrorBody",
            )))),
        )
        .build()
}

macro_rules! error_responses {
    ($($(#[$m:meta])* $name:ident => $desc:literal;)+) => {$(
        $(#[$m])*
        pub struct $name;
        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), RefOr::T(error_response($desc)))
            }
        }
    )+};
}

error_responses! {
    /// 400: the body is not JSON, has a wrong type or an unknown field (added by [`CommonResponses`]).
    BadBody => "The body is not valid JSON, a field has the wrong type, or a field is unknown (`field` names it); or the query parameters do not fit.";
    /// 401: no valid bearer token (added by [`CommonResponses`]).
    Unauthorized => "No valid API token: send `Authorization: Bearer <token>`.";
    /// 403: the caller is known but may not do this; the refusal is audited.
    Forbidden => "The caller may not do this (no care relationship, no intake right, not health personnel, not an administrator…). The refusal is audited.";
    /// 404: no such object, or an id that is not a UUID.
    NotFound => "No such object (or the id is not a UUID).";
    /// 409: the request conflicts with what is stored.
    Conflict => "The request conflicts with the current state (already exists, already decided, already closed…).";
    /// 413: the body is larger than the server accepts (added by [`CommonResponses`]).
    TooLarge => "The body is larger than 64 KiB.";
    /// 415: the body is not `application/json` (added by [`CommonResponses`]).
    UnsupportedMedia => "The body must be sent as `application/json`.";
    /// 422: the body is well-formed but a value is not acceptable; every field at fault is listed.
    Invalid => "A value is not acceptable; `field` and `fields` name every field at fault.";
    /// 500: an incident; the body carries only its id, the detail is in the server log.
    ServerError => "An incident: the body carries only an incident id, the detail is in the server log.";
    /// 503: the server is busy; try again after `Retry-After` seconds.
    Unavailable => "The server is busy; try again after `Retry-After` seconds.";
}

/// 429: too many attempts; `Retry-After` says when to try again.
pub struct TooManyRequests;
impl<'r> utoipa::ToResponse<'r> for TooManyRequests {
    fn response() -> (&'r str, RefOr<Response>) {
        let mut r = error_response("Too many attempts; try again after `Retry-After` seconds.");
        r.headers.insert(
            "Retry-After".into(),
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some("Seconds to wait."))
                .build(),
        );
        ("TooManyRequests", RefOr::T(r))
    }
}

fn response_ref(name: &str) -> RefOr<Response> {
    RefOr::Ref(utoipa::openapi::Ref::from_response_name(name))
}

/// Adds the answers every operation gets from its extractors, and the shared
/// response components (see the module docs).
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        use utoipa::ToResponse;
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, resp) in [
            BadBody::response(),
            Unauthorized::response(),
            Forbidden::response(),
            NotFound::response(),
            Conflict::response(),
            TooLarge::response(),
            UnsupportedMedia::response(),
            Invalid::response(),
            ServerError::response(),
            Unavailable::response(),
            TooManyRequests::response(),
        ] {
            components.responses.insert(name.to_string(), resp);
        }
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                add_common(op);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn add_common(op: &mut Operation) {
    let has_body = op.request_body.is_some();
    let params = || op.parameters.iter().flatten();
    let has_path_id = params().any(|p| p.parameter_in == ParameterIn::Path);
    let has_query = params().any(|p| p.parameter_in == ParameterIn::Query);
    let mut add = |status: &str, name: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| response_ref(name));
    };
    add("401", "Unauthorized");
    add("500", "ServerError");
    if has_body || has_query {
        add("400", "BadBody");
    }
    if has_body {
        add("413", "TooLarge");
        add("415", "UnsupportedMedia");
    }
    if has_path_id {
        add("404", "NotFound");
    }
}

/// Control characters no text field accepts (C0, DEL, C1, bidirectional overrides).
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069";

fn text_schema(max: usize, multiline: bool, required: bool) -> ObjectBuilder {
    // Single-line texts also refuse line and paragraph separators; multi-line
    // texts allow tab, line feed and carriage return.
    let bad = if multiline {
        r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069".to_string()
    } else {
        format!(r"{CONTROL}\u2028\u2029")
    };
    // Required: at least one character that is not white space (the server
    // trims). Optional: empty or white space only means "not given". White
    // space before and after is trimmed by the server before it checks for
    // control characters, so a trailing line break is not refused.
    let pattern = if required {
        format!(r"^\s*[^{bad}]*[^{bad}\s][^{bad}]*\s*$")
    } else {
        format!(r"^\s*[^{bad}]*\s*$")
    };
    let b = ObjectBuilder::new()
        .schema_type(if required {
            SchemaType::new(Type::String)
        } else {
            SchemaType::from_iter([Type::String, Type::Null])
        })
        .max_length(Some(max))
        .pattern(Some(pattern));
    if required {
        b.min_length(Some(1))
    } else {
        b
    }
}

/// A short text (`ShortText`): one line, not blank, at most 200 characters.
pub fn short_text() -> ObjectBuilder {
    text_schema(ShortText::MAX_CHARS, false, true)
}
/// An optional short text: absent, null, blank (= not given) or a `ShortText`.
pub fn short_text_opt() -> ObjectBuilder {
    text_schema(ShortText::MAX_CHARS, false, false)
}
/// A long text (`LongText`): lines allowed, not blank, at most 10 000 characters.
pub fn long_text() -> ObjectBuilder {
    text_schema(LongText::MAX_CHARS, true, true)
}
/// An optional long text.
pub fn long_text_opt() -> ObjectBuilder {
    text_schema(LongText::MAX_CHARS, true, false)
}
/// The reasons of an intake decision: a long text of at most 5 000 characters.
pub fn decision_reasons() -> ObjectBuilder {
    text_schema(benk_domain::DecisionInput::MAX_REASON_CHARS, true, true)
}
/// A name: a short text that must also show something once invisible and combining
/// characters are taken out (a lone zero-width space or accent is refused, 422). JSON Schema
/// cannot say "has a visible character", so the custom format `visible-name` does; the API
/// check generates and validates it with `scripts/schemathesis_hooks.py` (`is_visible_name`).
fn name_schema(max: usize, required: bool) -> ObjectBuilder {
    text_schema(max, false, required).format(Some(SchemaFormat::Custom("visible-name".into())))
}
/// A person's name (`PersonName`).
pub fn person_name() -> ObjectBuilder {
    name_schema(PersonName::MAX_CHARS, true)
}
/// An optional person's name.
pub fn person_name_opt() -> ObjectBuilder {
    name_schema(PersonName::MAX_CHARS, false)
}
/// The name of an organisation, team, agency, referrer, member… (`ShortText::parse_name`).
pub fn name() -> ObjectBuilder {
    name_schema(ShortText::MAX_CHARS, true)
}
/// An optional name: absent, null, blank (= not given) or a name.
pub fn name_opt() -> ObjectBuilder {
    name_schema(ShortText::MAX_CHARS, false)
}
/// A municipality (`Municipality`).
pub fn municipality() -> ObjectBuilder {
    text_schema(Municipality::MAX_CHARS, false, true)
}
/// An optional municipality (`Municipality`).
pub fn municipality_opt() -> ObjectBuilder {
    text_schema(Municipality::MAX_CHARS, false, false)
}

/// A birth year: 1900 up to this year (Europe/Oslo).
pub fn birth_year_opt() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .minimum(Some(BirthYear::MIN))
        .maximum(Some(benk_app::time::oslo_today().year()))
}

/// An integer in `min..=max`.
pub fn int_range(min: i64, max: i64, nullable: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable {
            SchemaType::from_iter([Type::Integer, Type::Null])
        } else {
            SchemaType::new(Type::Integer)
        })
        .minimum(Some(min))
        .maximum(Some(max))
}

/// A level of effort: 1, 2 or 3.
pub fn level() -> ObjectBuilder {
    int_range(1, 3, false)
}
/// An optional level of effort.
pub fn level_opt() -> ObjectBuilder {
    int_range(1, 3, true)
}
/// Percent of a full-time position.
pub fn fte_percent() -> ObjectBuilder {
    int_range(1, 100, false)
}

/// A string in a format JSON Schema cannot check (check digits); the API check
/// generates valid ones with `scripts/schemathesis_hooks.py`.
fn formatted(format: &str, pattern: &str, nullable: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::new(Type::String)
        })
        .format(Some(SchemaFormat::Custom(format.into())))
        .pattern(Some(pattern))
}

/// Fødselsnummer or D-number: 11 digits (a space after the sixth allowed) with valid
/// mod-11 check digits. Blank means not given.
pub fn national_id_opt() -> ObjectBuilder {
    formatted("no-national-id", r"^\s*([0-9]{6} ?[0-9]{5})?\s*$", true)
}
/// Organisation number: nine digits with a valid mod-11 check digit.
pub fn org_number() -> ObjectBuilder {
    formatted("no-org-number", r"^\s*([0-9]\s*){9}$", false)
}
/// HPR number: 6–9 digits. Blank means not given.
pub fn hpr_number_opt() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(r"^\s*([0-9]{6,9})?\s*$"))
}

/// A user name: 2–64 of a–z, digits, dot, hyphen, underscore (upper case is lowered).
pub fn username() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^\s*[A-Za-z0-9._-]{2,64}\s*$"))
}

/// A new password: 10 to 1024 characters.
pub fn password() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(10))
        .max_length(Some(1024))
}
/// A phone number: Norwegian (8 digits, optionally +47/0047) or international
/// (+ and 7–15 digits); spaces, dashes, dots and brackets are ignored. Blank means not given.
pub fn phone_opt() -> ObjectBuilder {
    formatted(
        "phone",
        r"^\s*((\+|00)?[0-9 \u00a0\-.()]*[0-9][0-9 \u00a0\-.()]*)?\s*$",
        true,
    )
}

/// One of the closed codes of a domain vocabulary.
fn codes(all: impl IntoIterator<Item = &'static str>, nullable: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::new(Type::String)
        })
        .enum_values(Some(
            all.into_iter()
                .map(serde_json::Value::from)
                .chain(nullable.then_some(serde_json::Value::Null)),
        ))
}

macro_rules! code_schemas {
    ($($(#[$m:meta])* $fn:ident, $fn_opt:ident => $ty:ty;)+) => {$(
        $(#[$m])*
        pub fn $fn() -> ObjectBuilder {
            codes(<$ty>::ALL.iter().map(|v| v.code()), false)
        }
        $(#[$m])*
        #[allow(dead_code)]
        pub fn $fn_opt() -> ObjectBuilder {
            codes(<$ty>::ALL.iter().map(|v| v.code()), true)
        }
    )+};
}

code_schemas! {
    /// `OrgKind` codes.
    org_kind, org_kind_opt => OrgKind;
    /// `Profession` codes.
    profession, profession_opt => Profession;
    /// `TeamRole` codes.
    team_role, team_role_opt => TeamRole;
    /// `Side` codes: the owner side an organisation's staff count for at intake.
    side, side_opt => benk_domain::Side;
    /// `AgencyKind` codes.
    agency_kind, agency_kind_opt => AgencyKind;
    /// `DecisionOutcome` codes.
    decision_outcome, decision_outcome_opt => DecisionOutcome;
    /// `EpisodeRole` codes.
    episode_role, episode_role_opt => EpisodeRole;
    /// `CloseReason` codes.
    close_reason, close_reason_opt => CloseReason;
    /// `RgMemberKind` codes.
    rg_member_kind, rg_member_kind_opt => RgMemberKind;
    /// `ReportPeriod` codes.
    report_period, report_period_opt => ReportPeriod;
    /// `ReadPolicy` codes.
    read_policy, read_policy_opt => benk_domain::ReadPolicy;
    /// `CourseRole` codes.
    course_role, course_role_opt => benk_domain::CourseRole;
    /// `Competence` codes (level 2).
    competence, competence_opt => benk_domain::Competence;
    /// `GuidanceChannel` codes.
    guidance_channel, guidance_channel_opt => benk_domain::GuidanceChannel;
    /// `GuidanceStatus` codes.
    guidance_status, guidance_status_opt => benk_domain::GuidanceStatus;
    /// `EstablishedService` codes.
    established_service, established_service_opt => benk_domain::EstablishedService;
    /// `MeasureKind` codes (issue 10).
    measure_kind, measure_kind_opt => benk_domain::MeasureKind;
    /// `HousingStatus` codes.
    housing_status, housing_status_opt => benk_domain::HousingStatus;
    /// `HousingQueueStatus` codes.
    housing_queue_status, housing_queue_status_opt => benk_domain::HousingQueueStatus;
    /// `BoardOutcome` codes (issue 9).
    board_outcome, board_outcome_opt => benk_domain::BoardOutcome;
    /// `GoalStatus` codes (issue 10).
    goal_status, goal_status_opt => benk_domain::GoalStatus;
    /// `ParticipantKind` codes (issue 10).
    participant_kind, participant_kind_opt => benk_domain::ParticipantKind;
    /// `TaskStatus` codes (issue 10).
    task_status, task_status_opt => benk_domain::TaskStatus;
    /// `EvaluationResult` codes (issue 10: the learning log).
    evaluation_result, evaluation_result_opt => benk_domain::EvaluationResult;
}

/// The team policy's access settings, which live in the app crate's
/// `TeamPolicy`: `read_policy` is one of its codes, and `episode_permissions`
/// maps each `EpisodeAction` code to a list of `CourseRole` codes, nothing else.
pub fn document_team_policy(openapi: &mut OpenApi) {
    let Some(RefOr::T(Schema::Object(o))) = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("TeamPolicy"))
    else {
        return;
    };
    o.properties.insert(
        "read_policy".into(),
        RefOr::T(Schema::Object(read_policy().build())),
    );
    let mut perms = ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Object))
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    for action in benk_domain::EpisodeAction::ALL {
        perms = perms.property(
            action.code(),
            utoipa::openapi::schema::ArrayBuilder::new().items(course_role()),
        );
    }
    o.properties.insert(
        "episode_permissions".into(),
        RefOr::T(Schema::Object(perms.build())),
    );
    o.properties.insert(
        "target_group".into(),
        RefOr::T(Schema::Array(target_group_criteria().build())),
    );
    // `Icd10Pattern::parse`: a category ("F20"), a code ("F30.2"), a category with x for any
    // digit ("F1x.5"), or a range of categories ("F20-F29", either order, across letters).
    o.properties.insert(
        "psychosis_codes".into(),
        RefOr::T(Schema::Array(
            utoipa::openapi::schema::ArrayBuilder::new()
                .items(
                    ObjectBuilder::new().schema_type(Type::String).pattern(Some(
                        "^ *([A-Za-z][0-9xX]{2}(\\.[0-9]{1,2})?|[A-Za-z][0-9]{2} *[-\u{2013}] *[A-Za-z][0-9]{2}) *$",
                    )),
                )
                .build(),
        )),
    );
    // `ContactThresholds`: days per level of effort, each a whole number (u32).
    let days = || int_range(0, i64::from(u32::MAX), false);
    o.properties.insert(
        "contact_thresholds".into(),
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::Object))
                .additional_properties(Some(
                    utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                ))
                .property("level_1", days())
                .property("level_2", days())
                .property("level_3", days())
                .build(),
        )),
    );
    // `IntakeMeeting`: a weekday (English, lower case) and a local time "HH:MM".
    let weekdays = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    o.properties.insert(
        "intake_meeting".into(),
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
                .additional_properties(Some(
                    utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                ))
                .property(
                    "weekday",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(weekdays)),
                )
                .property(
                    "time",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^([01][0-9]|2[0-3]):[0-5][0-9]$")),
                )
                .required("weekday")
                .required("time")
                .build(),
        )),
    );
}

/// `TargetGroupCriteria`: a non-empty list of criteria, each with a non-empty list of items;
/// codes 1–40 of `a-z0-9_` (unique in the list, which JSON Schema cannot say: a repeated code
/// is 422), labels short texts (`ShortText`).
fn target_group_criteria() -> utoipa::openapi::schema::ArrayBuilder {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder};
    let code = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[a-z0-9_]{1,40}$"))
    };
    let label = short_text;
    let labelled = |o: ObjectBuilder| {
        o.schema_type(SchemaType::new(Type::Object))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .property("code", code())
            .property("label_nb", label())
            .property("label_en", label())
            .required("code")
            .required("label_nb")
            .required("label_en")
    };
    let item = labelled(ObjectBuilder::new());
    let criterion = labelled(ObjectBuilder::new())
        .property(
            "items",
            ArrayBuilder::new()
                .items(item)
                .min_items(Some(1))
                .max_items(Some(20)),
        )
        .required("items");
    ArrayBuilder::new()
        .items(criterion)
        .min_items(Some(1))
        .max_items(Some(20))
}

/// Reads an integer, also written as an integral float (`2.0`), which JSON
/// Schema counts as an integer. Anything else is a wrong type (400).
pub fn integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    let i = n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    });
    i.and_then(|i| T::try_from(i).ok()).ok_or_else(|| {
        serde::de::Error::invalid_type(serde::de::Unexpected::Other(&n.to_string()), &"an integer")
    })
}

/// [`integer`] for an optional field (with `#[serde(default)]`).
pub fn integer_opt<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap<T: TryFrom<i64>>(#[serde(deserialize_with = "integer")] T);
    Option::<Wrap<T>>::deserialize(d).map(|w| w.map(|w| w.0))
}

/// The error body schema, for use in annotations that need it directly.
pub type Error = ErrorBody;

/// Adds fields to a component's `required` list (for fields that serde lets
/// default but the server refuses when missing or blank).
pub fn require_fields(openapi: &mut OpenApi, component: &str, fields: &[&str]) {
    let Some(RefOr::T(Schema::Object(o))) = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut(component))
    else {
        return;
    };
    for f in fields {
        if !o.required.iter().any(|r| r == f) {
            o.required.push((*f).to_string());
        }
    }
}

/// Adds a rule across fields to a component schema: `allOf: [itself, {anyOf:
/// alternatives}]` ("at least one of these is given"), or `oneOf` with
/// `exactly_one` ("exactly one of these").
pub fn require_any(
    openapi: &mut OpenApi,
    component: &str,
    exactly_one: bool,
    alternatives: Vec<Schema>,
) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let Some(original) = components.schemas.remove(component) else {
        return;
    };
    let rule = if exactly_one {
        let mut b = utoipa::openapi::schema::OneOfBuilder::new();
        for a in alternatives {
            b = b.item(a);
        }
        Schema::OneOf(b.build())
    } else {
        let mut b = utoipa::openapi::schema::AnyOfBuilder::new();
        for a in alternatives {
            b = b.item(a);
        }
        Schema::AnyOf(b.build())
    };
    let mut all = match original {
        RefOr::T(Schema::AllOf(all)) => all,
        other => {
            let mut all = utoipa::openapi::schema::AllOf::new();
            all.items.push(other);
            all
        }
    };
    all.items.push(RefOr::T(rule));
    components
        .schemas
        .insert(component.to_string(), RefOr::T(Schema::AllOf(all)));
}

/// `{"required": [field], "properties": {field: schema}}`: the field is given and is `schema`.
pub fn given(field: &str, schema: impl Into<RefOr<Schema>>) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .required(field)
            .property(field, schema)
            .build(),
    )
}

/// A UUID.
pub fn uuid() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Uuid,
        )))
}

/// A national id that is given (not blank).
pub fn national_id() -> ObjectBuilder {
    formatted("no-national-id", r"^\s*[0-9]{6} ?[0-9]{5}\s*$", false)
}

/// A phone number that is given (not blank).
pub fn phone() -> ObjectBuilder {
    formatted(
        "phone",
        r"^\s*(\+|00)?[0-9 \u00a0\-.()]*[0-9][0-9 \u00a0\-.()]*\s*$",
        false,
    )
}

/// A birth year that is given.
pub fn birth_year() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(BirthYear::MIN))
        .maximum(Some(benk_app::time::oslo_today().year()))
}

/// The years 1900 up to this year, as a regular expression.
fn year_regex() -> String {
    let this = benk_app::time::oslo_today().year().clamp(2000, 2099);
    let (decade, unit) = ((this % 100) / 10, this % 10);
    let mut alts = vec!["19[0-9]{2}".to_string()];
    if decade > 0 {
        alts.push(format!("20[0-{}][0-9]", decade - 1));
    }
    alts.push(format!("20{decade}[0-{unit}]"));
    format!("({})", alts.join("|"))
}

/// A birth year given as a number or as text.
pub fn birth_year_given() -> Schema {
    let mut b = utoipa::openapi::schema::AnyOfBuilder::new()
        .item(birth_year())
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!(r"^\s*{}\s*$", year_regex()))),
        );
    b = b.description(Some("A year from 1900 up to this year."));
    Schema::AnyOf(b.build())
}

/// A client's birth year: a number, the year as text, or blank/null (not given).
pub fn birth_year_or_text() -> RefOr<Schema> {
    let b = utoipa::openapi::schema::AnyOfBuilder::new()
        .item(birth_year())
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!(r"^\s*{}?\s*$", year_regex()))),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some(
            "A year from 1900 up to this year, as a number or as text; blank or null if not given.",
        ));
    RefOr::T(Schema::AnyOf(b.build()))
}

/// An optional e-mail address: one `@`, a dot inside the domain, no white space.
pub fn email_opt() -> ObjectBuilder {
    let c = format!(r"[^@\s{CONTROL}\u2028\u2029]");
    let d = format!(r"[^@\s.{CONTROL}\u2028\u2029]");
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(ShortText::MAX_CHARS))
        .pattern(Some(format!(r"^\s*({c}+@{d}{c}*\.{c}*{d})?\s*$")))
}

/// Codes of a vocabulary where blank or null means "the default".
fn codes_or_blank(all: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    codes(all.into_iter().chain([""]), true)
}

/// `AgencyKind` codes; blank or null when an agency from the register is given.
pub fn agency_kind_or_blank() -> ObjectBuilder {
    codes_or_blank(AgencyKind::ALL.iter().map(|v| v.code()))
}
/// `Knowledge` codes (`unknown` when blank or null).
pub fn knowledge_or_blank() -> ObjectBuilder {
    codes_or_blank(Knowledge::ALL.iter().map(|v| v.code()))
}
/// `Urgency` codes (`normal` when blank or null).
pub fn urgency_or_blank() -> ObjectBuilder {
    codes_or_blank(Urgency::ALL.iter().map(|v| v.code()))
}
/// `ReferralChannel` codes (`phone` when blank or null).
pub fn channel_or_blank() -> ObjectBuilder {
    codes_or_blank(ReferralChannel::ALL.iter().map(|v| v.code()))
}

/// ICD-10 codes ("F20.0", "f200"); an item may be blank.
pub fn diagnoses() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\s*([A-Za-z][0-9]{2}(\.?[0-9]{1,2})?)?\s*$")),
    )
}

/// ICD-10 codes added during assessment: one to 20 codes ("F20.0", "f200"), none blank.
pub fn icd10_codes() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^\s*[A-Za-z][0-9]{2}(\.?[0-9]{1,2})?\s*$")),
        )
        .min_items(Some(1))
        .max_items(Some(20))
}

/// A date that is not after today (Europe/Oslo); null or absent means today.
pub fn date_not_future_opt() -> ObjectBuilder {
    formatted(
        "date-not-after-today",
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        true,
    )
    .description(Some("A date (YYYY-MM-DD) that is not after today."))
}

/// A date that is not after today (Europe/Oslo) and not before 1990 (measures, interviews).
///
/// A plain `date` in the document (the body field is a date): a date from the future or before
/// 1990 is the domain's 422, naming the field.
pub fn date_not_future() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
        .description(Some(
            "A date (YYYY-MM-DD) from 1990 that is not after today.",
        ))
}

/// A score with at most one decimal in `min..=max` (ORS/SRS items, SPoR answers).
pub fn tenths(min: f64, max: f64, nullable: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable {
            SchemaType::from_iter([Type::Number, Type::Null])
        } else {
            SchemaType::new(Type::Number)
        })
        .minimum(Some(min))
        .maximum(Some(max))
        .multiple_of(Some(0.1))
}

/// A SPoR scale answer: 1–9 with at most one decimal, or null (not answered).
pub fn spor_score() -> ObjectBuilder {
    tenths(1.0, 9.0, true)
}

/// An ORS/SRS item: 0–10 with at most one decimal.
pub fn item() -> ObjectBuilder {
    tenths(0.0, 10.0, false)
}

/// A GAF score: a whole number 1–100.
pub fn gaf() -> ObjectBuilder {
    int_range(1, 100, false)
}

/// Measurement points: 1–12 whole months after inclusion, each 0–120.
pub fn measure_months() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(int_range(0, 120, false))
        .min_items(Some(1))
        .max_items(Some(12))
        .unique_items(true)
}

/// The measures a measurement point needs: one to three `MeasureKind` codes.
pub fn measure_kinds() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(measure_kind())
        .min_items(Some(1))
        .max_items(Some(3))
        .unique_items(true)
}

/// The formats of a report (`json` and the files).
pub fn report_format() -> ObjectBuilder {
    codes(["json", "csv", "xlsx", "pdf", "html"], false)
}

/// The C-Flex evaluation's follow-up window: 6, 12 or 24 months.
pub fn report_window() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some([6, 12, 24].map(serde_json::Value::from)))
}
