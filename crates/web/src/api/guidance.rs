//! Guidance cases (level 3): a consultation for a partner, with no client record.
//!
//! Who: health personnel who are intake members or the team lead of the acting team; everyone
//! else is refused (403) and the refusal is audited. Every read is audited.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::guidance::{self, GuidanceCase, GuidanceGrant, GuidanceSummary};
use benk_app::{Actor, AppError, Text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::html::intake::guidance::{parse_guidance, RawGuidance};
use crate::AppState;

async fn grant(st: &AppState, ctx: &Ctx, action: &str) -> Result<(Actor, GuidanceGrant), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let team = actor.acting().map(|m| m.team_id).ok_or_else(|| {
        ctx.api_err(AppError::Forbidden(Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )))
    })?;
    let g = guidance::open_guidance(&st.app, &actor, team, action)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((actor, g))
}

/// A guidance case as written. There is no field for the person it is about: a guidance case
/// names who asked, never the person (no name, no national id), and makes no client record.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GuidanceIn {
    /// When the partner asked; default today; not in the future.
    #[serde(default)]
    asked_on: Option<NaiveDate>,
    /// How they asked: `referral`, `phone`, `open_hour`, `meeting`, `written`.
    #[schema(schema_with = doc::guidance_channel)]
    channel: String,
    /// Who asked.
    #[schema(schema_with = doc::name)]
    asker_name: String,
    /// Their role ("fastlege").
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    asker_role: Option<String>,
    /// Their service or organisation ("NAV Bærum").
    #[serde(default)]
    #[schema(schema_with = doc::name_opt)]
    asker_organisation: Option<String>,
    /// What kind of partner (`AgencyKind` code).
    #[schema(schema_with = doc::agency_kind)]
    agency_kind: String,
    /// Their phone.
    #[serde(default)]
    #[schema(schema_with = doc::phone_opt)]
    asker_phone: Option<String>,
    /// Their e-mail (stored as written).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    asker_email: Option<String>,
    /// The question (health content). A text holding a valid national id is refused (422,
    /// `national_id_in_guidance`).
    #[schema(schema_with = doc::long_text)]
    question: String,
    /// The advice given (health content); the same rule as `question`.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    advice: Option<String>,
    /// When to follow up; not before `asked_on`.
    #[serde(default)]
    follow_up_on: Option<NaiveDate>,
    /// `open` (default) or `closed`.
    #[serde(default)]
    #[schema(schema_with = doc::guidance_status_opt)]
    status: Option<String>,
}

fn input(ctx: &Ctx, b: &GuidanceIn) -> Result<benk_app::guidance::GuidanceInput, ApiError> {
    let asked = b.asked_on.map(|d| d.to_string()).unwrap_or_default();
    let follow = b.follow_up_on.map(|d| d.to_string()).unwrap_or_default();
    parse_guidance(&RawGuidance {
        asked_on: &asked,
        channel: &b.channel,
        asker_name: &b.asker_name,
        asker_role: b.asker_role.as_deref().unwrap_or(""),
        asker_organisation: b.asker_organisation.as_deref().unwrap_or(""),
        agency_kind: &b.agency_kind,
        asker_phone: b.asker_phone.as_deref().unwrap_or(""),
        asker_email: b.asker_email.as_deref().unwrap_or(""),
        question: &b.question,
        advice: b.advice.as_deref().unwrap_or(""),
        follow_up_on: &follow,
        status: b.status.as_deref().unwrap_or(""),
    })
    .map_err(|e| ctx.api_err(e))
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CreatedCase {
    id: Uuid,
}

/// The team's guidance cases, open first (audited).
#[utoipa::path(get, path = "/guidance-cases", responses((status = 200, body = [GuidanceSummary]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<GuidanceSummary>>, ApiError> {
    let (actor, g) = grant(&st, &ctx, "guidance.list").await?;
    guidance::list(&st.app, &actor, &g)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Write a guidance case directly (a phone call, the open hour); no client record is made.
#[utoipa::path(post, path = "/guidance-cases", request_body = GuidanceIn,
    responses((status = 201, body = CreatedCase), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<GuidanceIn>,
) -> Result<(StatusCode, Json<CreatedCase>), ApiError> {
    let (actor, g) = grant(&st, &ctx, "guidance.create").await?;
    let input = input(&ctx, &b)?;
    let id = guidance::create(&st.app, &actor, &g, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(CreatedCase { id })))
}

/// One guidance case with its question and advice (audited).
#[utoipa::path(get, path = "/guidance-cases/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = GuidanceCase), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<GuidanceCase>, ApiError> {
    let (actor, g) = grant(&st, &ctx, "guidance.read").await?;
    let id = super::path_id(&ctx, &id)?;
    guidance::get(&st.app, &actor, &g, id)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Change a guidance case (the advice, the follow-up, closing it); the whole case is sent.
#[utoipa::path(put, path = "/guidance-cases/{id}", params(("id" = Uuid, Path)), request_body = GuidanceIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<GuidanceIn>,
) -> Result<StatusCode, ApiError> {
    let (actor, g) = grant(&st, &ctx, "guidance.update").await?;
    let id = super::path_id(&ctx, &id)?;
    let input = input(&ctx, &b)?;
    guidance::update(&st.app, &actor, &g, id, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
