//! Clients, their record entries and care relationships.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benk_app::access::open_client;
use benk_app::care::{self, CareRelationship, Holder, NewRelationship};
use benk_app::clients::{
    self, ClientRecord, ClientSummary, ListKind, NewEntryKind, RecordEntryKind, SocialNoteTopic,
};
use benk_app::error::Fields;
use benk_app::{idempotency, AppError, FieldError};
use benk_domain::{LongText, Period, Purpose, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ApiJson;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input::{self, RawClient};
use crate::AppState;

fn client_id(ctx: &Ctx, id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ctx.api_err(AppError::NotFound))
}

/// Search parameters.
#[derive(Deserialize, utoipa::IntoParams)]
pub(super) struct ListQuery {
    /// Part of the name.
    #[serde(default)]
    q: Option<String>,
    /// `visible` (default) or `mine`.
    #[serde(default)]
    list: Option<String>,
}

/// Clients the caller may see through an active care relationship.
#[utoipa::path(get, path = "/clients", params(ListQuery), responses((status = 200, body = [ClientSummary])))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<ClientSummary>>, ApiError> {
    let actor = ctx.api_actor()?;
    let kind = if q.list.as_deref() == Some("mine") {
        ListKind::Mine
    } else {
        ListKind::Visible
    };
    clients::list(&st.app, actor, kind, q.q.as_deref())
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The answer to a created client.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ClientCreated {
    id: Uuid,
    team_id: Uuid,
    name: String,
    national_id: Option<String>,
    birth_year: Option<i32>,
    phone: Option<String>,
    municipality: Option<String>,
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

/// Register a client in the caller's team. Send an `Idempotency-Key` header to retry safely.
#[utoipa::path(post, path = "/clients", request_body = RawClient,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body return the first answer")),
    responses((status = 201, body = ClientCreated), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(raw, bytes): ApiJson<RawClient>,
) -> Result<Response, ApiError> {
    let actor = ctx.api_actor()?;
    let key = match headers.get("idempotency-key") {
        Some(v) => {
            Some(idempotency::parse_key(v.to_str().unwrap_or("")).map_err(|e| ctx.api_err(e))?)
        }
        None => None,
    };
    let fp = idempotency::fingerprint("POST", "/api/v1/clients", &bytes);
    if let Some(k) = &key {
        if let Some(stored) = idempotency::lookup(&st.app, actor.staff_id, k)
            .await
            .map_err(|e| ctx.api_err(e))?
        {
            return if stored.fingerprint == fp {
                Ok(replay(stored))
            } else {
                Err(ctx.api_err(key_reused()))
            };
        }
    }
    let parsed =
        input::client(&raw, st.app.settings.allow_synthetic_ids).map_err(|e| ctx.api_err(e))?;
    let team = actor.acting().map(|m| m.team_id).ok_or_else(|| {
        ctx.api_err(AppError::Forbidden(benk_app::Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )))
    })?;
    let id = Uuid::now_v7();
    let out = ClientCreated {
        id,
        team_id: team,
        name: parsed.name.as_str().to_string(),
        national_id: parsed.national_id.as_ref().map(|n| n.as_str().to_string()),
        birth_year: parsed
            .national_id
            .as_ref()
            .map(|n| chrono::Datelike::year(&n.birth_date()))
            .or(parsed.birth_year.map(|y| y.value())),
        phone: parsed.phone.as_ref().map(|p| p.as_str().to_string()),
        municipality: parsed.municipality.as_ref().map(|m| m.as_str().to_string()),
    };
    let body =
        serde_json::to_string(&out).map_err(|e| ctx.api_err(AppError::Internal(e.to_string())))?;
    let extra = key
        .iter()
        .flat_map(|k| idempotency::store_stmts(actor.staff_id, k, &fp, 201, &body))
        .collect();
    match clients::create(&st.app, actor, team, id, parsed, extra).await {
        Ok(_) => Ok((
            StatusCode::CREATED,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()),
        Err(e) => {
            // A concurrent retry with the same key may have won the race.
            if let Some(k) = &key {
                if let Ok(Some(stored)) = idempotency::lookup(&st.app, actor.staff_id, k).await {
                    return if stored.fingerprint == fp {
                        Ok(replay(stored))
                    } else {
                        Err(ctx.api_err(key_reused()))
                    };
                }
            }
            Err(ctx.api_err(e))
        }
    }
}

/// A client's record, as far as the caller's grant covers (health content only for health personnel).
#[utoipa::path(get, path = "/clients/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = ClientRecord), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub(super) async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ClientRecord>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    clients::record(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Change a client's basic data (all fields replaced).
#[utoipa::path(put, path = "/clients/{id}", params(("id" = Uuid, Path)), request_body = RawClient,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub(super) async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(raw, _): ApiJson<RawClient>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let parsed =
        input::client(&raw, st.app.settings.allow_synthetic_ids).map_err(|e| ctx.api_err(e))?;
    clients::update(&st.app, actor, &grant, parsed)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new record entry.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EntryIn {
    /// `health` (a health note, health personnel only; the default) or `social` (a social note
    /// that the whole care team sees and that must hold no health content).
    #[serde(default)]
    kind: RecordEntryKind,
    /// The topic of a social note (required for `social`, not allowed for `health`).
    #[serde(default)]
    topic: Option<SocialNoteTopic>,
    body: String,
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// Write a record entry, owned by the author's employer: a health note (health personnel only)
/// or a social note (anyone in the care team).
#[utoipa::path(post, path = "/clients/{id}/entries", params(("id" = Uuid, Path)), request_body = EntryIn,
    responses((status = 201, body = Created), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub(super) async fn add_entry(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<EntryIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let kind = match (b.kind, b.topic) {
        (RecordEntryKind::Health, None) => NewEntryKind::Health,
        (RecordEntryKind::Social, Some(t)) => NewEntryKind::Social(t.into()),
        (RecordEntryKind::Health, Some(_)) => {
            return Err(ctx.api_err(AppError::field(FieldError::new(
                "topic",
                "topic_only_for_social_notes",
                "Bare sosiale notater har tema.",
                "Only social notes have a topic.",
            ))))
        }
        (RecordEntryKind::Social, None) => {
            return Err(ctx.api_err(AppError::field(FieldError::new(
                "topic",
                "required",
                "Velg tema for det sosiale notatet.",
                "Choose the topic of the social note.",
            ))))
        }
    };
    let body = LongText::parse(&b.body)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("body", &e))))?;
    let eid = clients::add_entry(&st.app, actor, &grant, kind, &body)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: eid })))
}

/// The register of a client's care relationships, past and present.
#[utoipa::path(get, path = "/clients/{id}/care-relationships", params(("id" = Uuid, Path)),
    responses((status = 200, body = [CareRelationship]), (status = 403, body = super::ErrorBody)))]
pub(super) async fn list_care(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<CareRelationship>>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Coc)
        .await
        .map_err(|e| ctx.api_err(e))?;
    care::list_for_client(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new care relationship: exactly one of `staff_id` / `team_id`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CareIn {
    #[serde(default)]
    staff_id: Option<Uuid>,
    #[serde(default)]
    team_id: Option<Uuid>,
    valid_from: NaiveDate,
    #[serde(default)]
    valid_to: Option<NaiveDate>,
    reason: String,
}

/// Give a staff member or the team access to a client's record for a period.
#[utoipa::path(post, path = "/clients/{id}/care-relationships", params(("id" = Uuid, Path)), request_body = CareIn,
    responses((status = 201, body = Created), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub(super) async fn create_care(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<CareIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let mut f = Fields::default();
    let holder = match (b.staff_id, b.team_id) {
        (Some(s), None) => Some(Holder::Staff(s)),
        (None, Some(t)) => Some(Holder::Team(t)),
        _ => {
            f.push(FieldError::new(
                "staff_id",
                "one_holder",
                "Oppgi enten staff_id eller team_id.",
                "Give either staff_id or team_id.",
            ));
            None
        }
    };
    let period = f.check("valid_to", Period::new(b.valid_from, b.valid_to));
    let reason = f.check("reason", ShortText::parse(&b.reason));
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(holder), Some(period), Some(reason)) = (holder, period, reason) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let grant = if care_team_member(&st, actor, id).await {
        open_client(&st.app, actor, id, Purpose::Coc).await.ok()
    } else {
        None
    };
    let rid = care::create(
        &st.app,
        actor,
        id,
        grant.as_ref(),
        NewRelationship {
            holder,
            period,
            reason,
        },
    )
    .await
    .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: rid })))
}

async fn care_team_member(st: &AppState, actor: &benk_app::Actor, client: Uuid) -> bool {
    benk_app::care::has_active_relationship(&st.app, actor, client)
        .await
        .unwrap_or(false)
}

/// End a care relationship now: access through it stops at once.
#[utoipa::path(post, path = "/clients/{id}/care-relationships/{rid}/end", params(("id" = Uuid, Path), ("rid" = Uuid, Path)),
    responses((status = 204), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub(super) async fn end_care(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let rid = client_id(&ctx, &rid)?;
    let grant = if care_team_member(&st, actor, id).await {
        open_client(&st.app, actor, id, Purpose::Coc).await.ok()
    } else {
        None
    };
    care::end(&st.app, actor, id, grant.as_ref(), rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
