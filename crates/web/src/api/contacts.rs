//! Contacts (the outreach log), signed notes, drafts and corrections, and the person's
//! timeline (issue 9).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benk_app::access::open_client;
use benk_app::contacts::{self, Contact, ContactPage, Draft, RawContact, Timeline};
use benk_app::error::Fields;
use benk_app::{idempotency, AppError, FieldError};
use benk_domain::{LongText, Purpose};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

use super::path_id;

/// A contact to log.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ContactLogIn {
    /// When the contact started (RFC 3339); not in the future (5 minutes of clock skew allowed).
    #[schema(format = DateTime)]
    occurred_at: String,
    /// Length in minutes, 0–1440. Give this or `ends_at`.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    #[schema(schema_with = duration_schema)]
    duration_min: Option<i64>,
    /// Or when it ended (RFC 3339), not before `occurred_at`; wins over `duration_min`.
    #[serde(default)]
    #[schema(format = DateTime)]
    ends_at: Option<String>,
    /// The kind of contact.
    #[schema(schema_with = contacts::contact_kind_schema)]
    kind: String,
    /// Met (true) or not met ("ikke truffet", false).
    met: bool,
    /// Staff who took part, members of the person's team (default: the caller).
    #[serde(default)]
    staff: Vec<Uuid>,
    /// Where.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    place: Option<String>,
    /// What it was about.
    #[serde(default)]
    #[schema(schema_with = contacts::contact_topics_schema)]
    topics: Vec<String>,
    /// A note, signed at once: a health note when a health-personnel worker writes it, a
    /// social note otherwise.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    note: Option<String>,
}

fn duration_schema() -> utoipa::openapi::schema::ObjectBuilder {
    doc::int_range(0, benk_domain::contact::MAX_DURATION_MIN, true)
}

fn time_field(f: &mut Fields, field: &str, s: &str) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(s.trim()) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            f.push(FieldError::new(
                field,
                "invalid_datetime",
                "Oppgi tidspunktet som RFC 3339, for eksempel 2026-11-30T14:05:00+01:00.",
                "Give the time as RFC 3339, for example 2026-11-30T14:05:00+01:00.",
            ));
            None
        }
    }
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

fn replay(stored: idempotency::Stored) -> Response {
    let status =
        StatusCode::from_u16(u16::try_from(stored.status).unwrap_or(200)).unwrap_or(StatusCode::OK);
    let mut resp = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        stored.response,
    )
        .into_response();
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

fn key_reused() -> AppError {
    AppError::field(FieldError::new(
        "Idempotency-Key",
        "idempotency_key_reused",
        "Denne Idempotency-Key er allerede brukt for en annen forespørsel.",
        "This Idempotency-Key was already used for a different request.",
    ))
}

async fn try_replay(
    st: &AppState,
    ctx: &Ctx,
    client: Uuid,
    key: &str,
    fp: &str,
) -> Result<Option<Response>, ApiError> {
    let actor = ctx.api_actor()?;
    let Some(stored) = idempotency::lookup(&st.app, actor.staff_id(), key)
        .await
        .map_err(|e| ctx.api_err(e))?
    else {
        return Ok(None);
    };
    if stored.fingerprint != fp {
        return Err(ctx.api_err(key_reused()));
    }
    let contact = serde_json::from_str::<serde_json::Value>(&stored.response)
        .ok()
        .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned))
        .and_then(|id| Uuid::parse_str(&id).ok())
        .ok_or_else(|| ctx.api_err(AppError::Internal("stored answer has no id".into())))?;
    contacts::check_replay(&st.app, actor, client, contact)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Some(replay(stored)))
}

/// Log a contact with the person. Answers 201 only after the durable commit. Send an
/// `Idempotency-Key` header to retry safely.
#[utoipa::path(post, path = "/clients/{id}/contacts", params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry key of 1–200 visible ASCII characters: the same key and body return the first answer",
        min_length = 1, max_length = 200, pattern = r"^[\x21-\x7e]+$")),
    request_body = ContactLogIn,
    responses((status = 201, body = Created), (status = 200, body = Created, description = "A replay of the first answer to this `Idempotency-Key`"),
        (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b, bytes): ApiJson<ContactLogIn>,
) -> Result<Response, ApiError> {
    let actor = ctx.api_actor()?;
    let client = path_id(&ctx, &id)?;
    let key = match headers.get("idempotency-key") {
        Some(v) => {
            Some(idempotency::parse_key(v.to_str().unwrap_or("")).map_err(|e| ctx.api_err(e))?)
        }
        None => None,
    };
    let fp = idempotency::fingerprint(
        "POST",
        &format!("/api/v1/clients/{client}/contacts"),
        &bytes,
    );
    if let Some(k) = &key {
        if let Some(r) = try_replay(&st, &ctx, client, k, &fp).await? {
            return Ok(r);
        }
    }
    let grant = open_client(&st.app, actor, client, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let mut f = Fields::default();
    let raw = RawContact {
        occurred_at: time_field(&mut f, "occurred_at", &b.occurred_at),
        duration_min: b.duration_min,
        ends_at: b
            .ends_at
            .as_deref()
            .and_then(|s| time_field(&mut f, "ends_at", s)),
        kind: b.kind,
        met: Some(b.met),
        staff: b.staff,
        place: b.place.unwrap_or_default(),
        topics: b.topics,
        note: b.note.unwrap_or_default(),
    };
    let input = contacts::parse(&raw, Utc::now(), &mut f);
    f.finish().map_err(|e| ctx.api_err(e))?;
    let input = input.ok_or_else(|| ctx.api_err(AppError::Internal("checked".into())))?;
    let cid = Uuid::now_v7();
    let body = serde_json::to_string(&Created { id: cid })
        .map_err(|e| ctx.api_err(AppError::Internal(e.to_string())))?;
    let extra = key
        .iter()
        .flat_map(|k| idempotency::store_stmts(actor.staff_id(), k, &fp, 201, &body))
        .collect();
    match contacts::log(&st.app, actor, &grant, cid, input, extra).await {
        Ok(_) => Ok((
            StatusCode::CREATED,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()),
        Err(e) => {
            // A concurrent retry with the same key may have won the race.
            if let Some(k) = &key {
                if let Some(r) = try_replay(&st, &ctx, client, k, &fp).await? {
                    return Ok(r);
                }
            }
            Err(ctx.api_err(e))
        }
    }
}

/// Paging parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PageQuery {
    /// The `next` value of the previous page (older items follow): `<RFC 3339 UTC>~<uuid>`.
    #[serde(default)]
    #[param(
        pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z~[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    before: Option<String>,
    /// Items per page, 1–100 (default 20).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

fn page_of(
    ctx: &Ctx,
    q: &PageQuery,
) -> Result<(Option<benk_app::store::contacts::Before>, i64), ApiError> {
    let mut f = Fields::default();
    let before = match q.before.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match contacts::parse_cursor(s) {
            Ok(b) => Some(b),
            Err(e) => {
                f.push(e);
                None
            }
        },
        None => None,
    };
    let limit = match contacts::page_size(q.limit) {
        Ok(n) => n,
        Err(e) => {
            f.push(e);
            20
        }
    };
    f.finish().map_err(|e| ctx.api_err(e))?;
    Ok((before, limit))
}

/// The person's contacts, newest first, a page at a time.
#[utoipa::path(get, path = "/clients/{id}/contacts", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = ContactPage), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ContactPage>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    let (before, limit) = page_of(&ctx, &q)?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    contacts::list(&st.app, actor, &grant, before, limit)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// One contact. A health note's text is left out for a reader without health scope.
#[utoipa::path(get, path = "/contacts/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = Contact), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Contact>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    contacts::get(&st.app, actor, id)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The person's timeline: contacts, notes (with versions), level changes, referrals and
/// decisions in one list, newest first, a page at a time.
#[utoipa::path(get, path = "/clients/{id}/timeline", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Timeline), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn timeline(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Timeline>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    let (before, limit) = page_of(&ctx, &q)?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    contacts::timeline(&st.app, actor, &grant, before, limit)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A note's text.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DraftIn {
    /// The text; blank or absent discards the draft.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    body: Option<String>,
}

/// The caller's own draft note for the person (nobody else sees it).
#[utoipa::path(get, path = "/clients/{id}/draft", params(("id" = Uuid, Path)),
    responses((status = 200, body = Draft), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_draft(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Draft>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    contacts::draft(&st.app, actor, &grant)
        .await
        .map_err(|e| ctx.api_err(e))?
        .map(Json)
        .ok_or_else(|| ctx.api_err(AppError::NotFound))
}

/// Save the caller's draft note for the person (replaces the previous draft; blank discards it).
#[utoipa::path(put, path = "/clients/{id}/draft", params(("id" = Uuid, Path)), request_body = DraftIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn put_draft(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<DraftIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    let body = LongText::parse_optional(b.body.as_deref().unwrap_or(""))
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("body", &e))))?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    contacts::save_draft(&st.app, actor, &grant, body.as_ref())
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// What to sign.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SignIn {
    /// The final text (saved as the draft first); absent: sign the stored draft as it is.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    body: Option<String>,
}

/// Sign the caller's draft: it becomes a record entry (a health note for health personnel, a
/// social note for others) that can no longer be changed, only corrected.
#[utoipa::path(post, path = "/clients/{id}/draft/sign", params(("id" = Uuid, Path)), request_body = SignIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn sign(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<SignIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    let body = LongText::parse_optional(b.body.as_deref().unwrap_or(""))
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("body", &e))))?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let eid = contacts::sign(&st.app, actor, &grant, body.as_ref())
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: eid })))
}

/// The corrected text.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CorrectionIn {
    /// The new text of the note.
    #[schema(schema_with = doc::long_text)]
    body: String,
}

/// Correct a signed note: a new version that supersedes this one (which must be the newest).
/// Only the note's author may; the earlier versions stay visible as the note's history.
#[utoipa::path(post, path = "/entries/{id}/corrections", params(("id" = Uuid, Path)), request_body = CorrectionIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn correct(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<CorrectionIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let id = path_id(&ctx, &id)?;
    let body = LongText::parse(&b.body)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("body", &e))))?;
    let eid = contacts::correct(&st.app, actor, id, &body)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: eid })))
}

/// The contact body's required fields in the OpenAPI document.
pub(super) fn document_rules(openapi: &mut utoipa::openapi::OpenApi) {
    doc::require_fields(openapi, "ContactLogIn", &["occurred_at", "kind", "met"]);
}
