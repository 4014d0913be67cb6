//! Clients, their record entries and care relationships.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benk_app::access::course::open_course;
use benk_app::access::open_client;
use benk_app::care::{self, CareRelationship, Holder, NewRelationship};
use benk_app::clients::{
    self, ClientRecord, ClientSummary, ListKind, NewEntryKind, RecordEntryKind, SocialNoteTopic,
};
use benk_app::error::Fields;
use benk_app::{idempotency, AppError, FieldError};
use benk_domain::{EpisodeAction, LongText, Period, Purpose, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input::{self, RawClient};
use crate::AppState;

use super::path_id as client_id;

/// Search parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    /// Part of the name.
    #[serde(default)]
    q: Option<String>,
    /// `visible` (default: every client the caller may see) or `mine` (care relationships of the caller's own).
    #[serde(default)]
    #[param(schema_with = list_kind)]
    list: Option<String>,
}

fn list_kind() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["visible", "mine"]))
}

/// Clients the caller may see through an active care relationship.
#[utoipa::path(get, path = "/clients", params(ListQuery), responses((status = 200, body = [ClientSummary]), (status = 422, response = doc::Invalid)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ClientSummary>>, ApiError> {
    let actor = ctx.api_actor()?;
    let kind = match q.list.as_deref() {
        None | Some("visible") => ListKind::Visible,
        Some("mine") => ListKind::Mine,
        Some(_) => {
            return Err(ctx.api_err(AppError::field(FieldError::new(
                "list",
                "unknown_list",
                "Listen må være visible eller mine.",
                "The list must be visible or mine.",
            ))))
        }
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
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key of 1–200 visible ASCII characters: the same key and body return the first answer",
        min_length = 1, max_length = 200, pattern = r"^[\x21-\x7e]+$")),
    responses((status = 201, body = ClientCreated), (status = 200, body = ClientCreated, description = "A replay of the first answer to this `Idempotency-Key`"),
        (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
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
        if let Some(stored) = idempotency::lookup(&st.app, actor.staff_id(), k)
            .await
            .map_err(|e| ctx.api_err(e))?
        {
            return if stored.fingerprint == fp {
                idempotency::check_client_replay(&st.app, actor, &stored)
                    .await
                    .map_err(|e| ctx.api_err(e))?;
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
        .flat_map(|k| idempotency::store_stmts(actor.staff_id(), k, &fp, 201, &body))
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
                if let Ok(Some(stored)) = idempotency::lookup(&st.app, actor.staff_id(), k).await {
                    return if stored.fingerprint == fp {
                        idempotency::check_client_replay(&st.app, actor, &stored)
                            .await
                            .map_err(|e| ctx.api_err(e))?;
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
    responses((status = 200, body = ClientRecord), (status = 403, response = doc::Forbidden)))]
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
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
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
    /// The entry's text.
    #[schema(schema_with = doc::long_text)]
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
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
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
    responses((status = 200, body = [CareRelationship]), (status = 403, response = doc::Forbidden)))]
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
    /// Last day (inclusive). Access given by hand ends: default and maximum
    /// 90 days after `valid_from`.
    #[serde(default)]
    valid_to: Option<NaiveDate>,
    /// Why access is given (required).
    #[schema(schema_with = doc::short_text)]
    reason: String,
}

/// Give a staff member or the team access to a client's record for a period.
#[utoipa::path(post, path = "/clients/{id}/care-relationships", params(("id" = Uuid, Path)), request_body = CareIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
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
    // Access given by hand ends: 90 days unless an earlier end is given.
    let valid_to = b.valid_to.unwrap_or(care::default_end(b.valid_from));
    let period = f.check("valid_to", Period::new(b.valid_from, Some(valid_to)));
    let reason = f.check("reason", ShortText::parse(&b.reason));
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(holder), Some(period), Some(reason)) = (holder, period, reason) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let grant = open_course(
        &st.app,
        actor,
        id,
        EpisodeAction::GiveAccess,
        "care_relationship.create",
    )
    .await
    .map_err(|e| ctx.api_err(e))?;
    let rid = care::create(
        &st.app,
        actor,
        &grant,
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

/// End a care relationship now: access through it stops at once.
#[utoipa::path(post, path = "/clients/{id}/care-relationships/{rid}/end", params(("id" = Uuid, Path), ("rid" = Uuid, Path)),
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict)))]
pub(super) async fn end_care(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let id = client_id(&ctx, &id)?;
    let rid = client_id(&ctx, &rid)?;
    let grant = open_course(
        &st.app,
        actor,
        id,
        EpisodeAction::GiveAccess,
        "care_relationship.end",
    )
    .await
    .map_err(|e| ctx.api_err(e))?;
    care::end(&st.app, actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The holder rule of `CareIn` in the OpenAPI document: exactly one of `staff_id` and `team_id`.
pub(super) fn document_rules(openapi: &mut utoipa::openapi::OpenApi) {
    doc::require_any(
        openapi,
        "CareIn",
        true,
        vec![
            doc::given("staff_id", doc::uuid()),
            doc::given("team_id", doc::uuid()),
        ],
    );
}
