//! Planned appointments, a worker's own appointments and the team's needs-contact list
//! (issue 9).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::access::open_client;
use benk_app::appointments::{
    self, Appointment, AppointmentInput, AppointmentPatch, MyAppointment,
};
use benk_app::keeping::{self, NeedsContact};
use benk_app::{AppError, FieldError};
use benk_domain::{ContactKind, LongText, Purpose, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

use super::path_id as id;

fn kind_schema() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ContactKind::ALL.iter().map(|k| k.code())))
}

fn kind_schema_opt() -> utoipa::openapi::schema::ObjectBuilder {
    kind_schema()
}

fn date_time() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
            utoipa::openapi::schema::KnownFormat::DateTime,
        )))
}

/// A planned appointment. `purpose` is health content: sending it needs health personnel
/// (403 otherwise). `staff` are the team's staff taking part (empty or absent: the caller).
/// The end must be after the start, at most 24 hours later; the start at most 7 days back.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AppointmentIn {
    #[schema(schema_with = date_time)]
    starts_at: String,
    #[schema(schema_with = date_time)]
    ends_at: String,
    #[schema(schema_with = kind_schema)]
    kind: String,
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    place: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    purpose: Option<String>,
    #[serde(default)]
    #[schema(max_items = 6)]
    staff: Vec<Uuid>,
}

/// A change of an appointment: absent fields are left as they are; `place` and `purpose`
/// null or blank clear them.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AppointmentPatchIn {
    #[serde(default)]
    #[schema(schema_with = date_time)]
    starts_at: Option<String>,
    #[serde(default)]
    #[schema(schema_with = date_time)]
    ends_at: Option<String>,
    #[serde(default)]
    #[schema(schema_with = kind_schema_opt)]
    kind: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = doc::short_text_opt)]
    place: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = doc::long_text_opt)]
    purpose: Option<Option<String>>,
    #[serde(default)]
    #[schema(max_items = 6)]
    staff: Option<Vec<Uuid>>,
}

/// A field that is present (even as null) is `Some`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn time(field: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(v.trim()) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "invalid_date_time",
                "Skriv tidspunktet som RFC 3339, for eksempel 2026-12-03T09:00:00+01:00.",
                "Write the time as RFC 3339, for example 2026-12-03T09:00:00+01:00.",
            ));
            None
        }
    }
}

fn kind(v: &str, errors: &mut Vec<FieldError>) -> Option<ContactKind> {
    let k = ContactKind::from_code(v);
    if k.is_none() {
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            "Ukjent type avtale.",
            "Unknown kind of appointment.",
        ));
    }
    k
}

fn place(v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<ShortText> {
    let v = v.unwrap_or("");
    if v.trim().is_empty() {
        return None;
    }
    ShortText::parse(v)
        .map_err(|e| errors.push(FieldError::of("place", &e)))
        .ok()
}

fn purpose(v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<LongText> {
    let v = v.unwrap_or("");
    if v.trim().is_empty() {
        return None;
    }
    LongText::parse(v)
        .map_err(|e| errors.push(FieldError::of("purpose", &e)))
        .ok()
}

/// The answer to a created appointment.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// The person's appointments from yesterday on, cancelled ones included (the care team;
/// audited). `purpose` only with health scope.
#[utoipa::path(get, path = "/clients/{id}/appointments", params(("id" = Uuid, Path)),
    responses((status = 200, body = [Appointment]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
) -> Result<Json<Vec<Appointment>>, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    appointments::for_client(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Plan an appointment with the person (the care team; audited).
#[utoipa::path(post, path = "/clients/{id}/appointments", params(("id" = Uuid, Path)), request_body = AppointmentIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    ApiJson(b, _): ApiJson<AppointmentIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let mut errors = Vec::new();
    let starts_at = time("starts_at", &b.starts_at, &mut errors);
    let ends_at = time("ends_at", &b.ends_at, &mut errors);
    let k = kind(&b.kind, &mut errors);
    let p = place(b.place.as_deref(), &mut errors);
    let pu = purpose(b.purpose.as_deref(), &mut errors);
    let (Some(starts_at), Some(ends_at), Some(k), true) =
        (starts_at, ends_at, k, errors.is_empty())
    else {
        return Err(ctx.api_err(AppError::Invalid(errors)));
    };
    let input = AppointmentInput {
        starts_at,
        ends_at,
        kind: k,
        place: p,
        purpose: pu.map(Some),
        staff: b.staff,
    };
    let aid = appointments::create(&st.app, actor, &grant, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: aid })))
}

/// Change a planned appointment (the care team; audited). A cancelled one is 409.
#[utoipa::path(patch, path = "/clients/{id}/appointments/{aid}", params(("id" = Uuid, Path), ("aid" = Uuid, Path)),
    request_body = AppointmentPatchIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((cid, aid)): Path<(String, String)>,
    ApiJson(b, _): ApiJson<AppointmentPatchIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let aid = id(&ctx, &aid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let mut errors = Vec::new();
    let patch = AppointmentPatch {
        starts_at: b
            .starts_at
            .as_deref()
            .and_then(|v| time("starts_at", v, &mut errors)),
        ends_at: b
            .ends_at
            .as_deref()
            .and_then(|v| time("ends_at", v, &mut errors)),
        kind: b.kind.as_deref().and_then(|v| kind(v, &mut errors)),
        place: b.place.map(|v| place(v.as_deref(), &mut errors)),
        purpose: b.purpose.map(|v| purpose(v.as_deref(), &mut errors)),
        staff: b.staff,
    };
    if !errors.is_empty() {
        return Err(ctx.api_err(AppError::Invalid(errors)));
    }
    appointments::update(&st.app, actor, &grant, aid, patch)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancel a planned appointment (the care team; audited). Kept and shown as cancelled.
#[utoipa::path(post, path = "/clients/{id}/appointments/{aid}/cancel", params(("id" = Uuid, Path), ("aid" = Uuid, Path)),
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 404, response = doc::NotFound)))]
pub(super) async fn cancel(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((cid, aid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let aid = id(&ctx, &aid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    appointments::cancel(&st.app, actor, &grant, aid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many days ahead.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct MineQuery {
    /// Days from the start of today (1–90, default 14).
    #[serde(default)]
    #[param(minimum = 1, maximum = 90)]
    days: Option<i64>,
}

/// The caller's own planned appointments ("Mine avtaler"), with people the caller may still
/// see; one audit row names them all.
#[utoipa::path(get, path = "/appointments", params(MineQuery),
    responses((status = 200, body = [MyAppointment]), (status = 422, response = doc::Invalid)))]
pub(super) async fn mine(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<MineQuery>,
) -> Result<Json<Vec<MyAppointment>>, ApiError> {
    let actor = ctx.api_actor()?;
    let days = q.days.unwrap_or(14);
    if !(1..=90).contains(&days) {
        return Err(ctx.api_err(AppError::field(FieldError::new(
            "days",
            "out_of_range",
            "Antall dager må være fra 1 til 90.",
            "The number of days must be from 1 to 90.",
        ))));
    }
    appointments::mine(&st.app, actor, days)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The team's needs-contact list: people with an open episode the caller may see, beyond
/// the team's threshold of days since last met for their level, or with two or more missed
/// attempts in a row; longest beyond first, ties by missed attempts. Team members only
/// (403, audited); one audit row names every person shown.
#[utoipa::path(get, path = "/teams/{id}/needs-contact", params(("id" = Uuid, Path)),
    responses((status = 200, body = [NeedsContact]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn needs_contact(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(tid): Path<String>,
) -> Result<Json<Vec<NeedsContact>>, ApiError> {
    let actor = ctx.api_actor()?;
    let tid = id(&ctx, &tid)?;
    keeping::needs_contact_list(&st.app, actor, tid)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}
