//! The learning log of responsibility groups (issue 10). Entry texts and evaluations are health
//! content; the team's counts are aggregates: see `benk_app::learning` for who reads and
//! changes what.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::error::Fields;
use benk_app::learning::{self, EntryInput, EvaluationInput, Factor, LearningLog, LearningSummary};
use benk_app::{Actor, AppError, FieldError};
use benk_domain::{EvaluationResult, LongText, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use uuid::Uuid;

use super::path_id as id;
use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

/// Most success factors on one entry or evaluation.
pub const MAX_FACTORS: usize = 20;

fn acting(ctx: &Ctx) -> Result<(Actor, Uuid), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let team = super::intake::acting_team(ctx, &actor)?;
    Ok((actor, team))
}

/// The factors' keys: a built-in key or a team factor's id.
fn factor_keys() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .min_length(Some(1))
                .max_length(Some(64))
                .description(Some(
                    "A success factor's key: a built-in key (`few_helpers`, `continuity`, `clear_coordinator`, \
                     `managed_finances`, `housing_follow_up`) or the id of one of the team's own factors \
                     (`GET /learning/factors`). Any other is a 422 naming `factors[i]`.",
                )),
        )
        .max_items(Some(MAX_FACTORS))
}

fn past_date() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
        .description(Some(
            "A date (YYYY-MM-DD) that is not after today (422 otherwise).",
        ))
}

fn date(f: &mut Fields, field: &str, v: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            f.push(FieldError::new(
                field,
                "invalid_date",
                "Datoen må være en gyldig dato (ÅÅÅÅ-MM-DD).",
                "The date must be a valid date (YYYY-MM-DD).",
            ));
            None
        }
    }
}

fn too_many(f: &mut Fields, n: usize) {
    if n > MAX_FACTORS {
        f.push(FieldError::new(
            "factors",
            "too_many",
            "For mange suksessfaktorer.",
            "Too many success factors.",
        ));
    }
}

/// The group's learning log: its label, entries with their evaluations (and the earlier ones)
/// and the success factors the team can tag. Health personnel in the person's care team; a
/// refusal is audited.
#[utoipa::path(get, path = "/episodes/{id}/learning-log", params(("id" = Uuid, Path)),
    responses((status = 200, body = LearningLog), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_log(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(episode): Path<String>,
) -> Result<Json<LearningLog>, ApiError> {
    let actor = ctx.api_actor()?;
    let episode = id(&ctx, &episode)?;
    learning::log(&st.app, actor, episode, ctx.lang)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new learning-log entry.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LearningEntryIn)]
pub(super) struct EntryIn {
    /// The day of the adverse event (not in the future).
    #[schema(schema_with = past_date)]
    event_on: String,
    /// The adverse event in the cooperation.
    #[schema(schema_with = doc::long_text)]
    event: String,
    /// The group's shared understanding of its causes.
    #[schema(schema_with = doc::long_text)]
    causes: String,
    /// The decision to try something different.
    #[schema(schema_with = doc::long_text)]
    decision: String,
    /// Success factors (keys).
    #[serde(default)]
    #[schema(schema_with = factor_keys)]
    factors: Vec<String>,
}

/// A created entry: its id and its number in the group.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CreatedEntry {
    id: Uuid,
    number: i64,
}

/// Write a new entry in the group's learning log (health personnel in the care team). Its number
/// is the group's next (1, 2, …), with no gaps or duplicates however many are written at once.
#[utoipa::path(post, path = "/episodes/{id}/learning-log", params(("id" = Uuid, Path)), request_body = EntryIn,
    responses((status = 201, body = CreatedEntry), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_entry(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(episode): Path<String>,
    ApiJson(b, _): ApiJson<EntryIn>,
) -> Result<(StatusCode, Json<CreatedEntry>), ApiError> {
    let actor = ctx.api_actor()?;
    let episode = id(&ctx, &episode)?;
    let mut f = Fields::default();
    let event_on = date(&mut f, "event_on", &b.event_on);
    let event = f.check("event", LongText::parse(&b.event));
    let causes = f.check("causes", LongText::parse(&b.causes));
    let decision = f.check("decision", LongText::parse(&b.decision));
    too_many(&mut f, b.factors.len());
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(event_on), Some(event), Some(causes), Some(decision)) =
        (event_on, event, causes, decision)
    else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let input = EntryInput {
        event_on,
        event,
        causes,
        decision,
        factors: b.factors,
    };
    learning::create_entry(&st.app, actor, episode, &input)
        .await
        .map(|(id, number)| (StatusCode::CREATED, Json(CreatedEntry { id, number })))
        .map_err(|e| ctx.api_err(e))
}

/// An evaluation of an entry.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EvaluationIn {
    /// The day (not in the future, not before the event).
    #[schema(schema_with = past_date)]
    evaluated_on: String,
    /// Did it work better: `yes`, `partly`, `no` or `not_yet`.
    #[schema(schema_with = doc::evaluation_result)]
    result: String,
    /// How it went.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    text: Option<String>,
    /// What was learned.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    learned: Option<String>,
    /// Success factors (keys); they replace the entry's current ones.
    #[serde(default)]
    #[schema(schema_with = factor_keys)]
    factors: Vec<String>,
}

/// A created thing's id.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = LearningCreatedId)]
pub(super) struct CreatedId {
    id: Uuid,
}

/// Evaluate an entry (health personnel in the care team). A new evaluation replaces the current
/// one, which stays readable in `earlier_evaluations`.
#[utoipa::path(post, path = "/learning-entries/{id}/evaluations", params(("id" = Uuid, Path)), request_body = EvaluationIn,
    responses((status = 201, body = CreatedId), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn evaluate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(entry): Path<String>,
    ApiJson(b, _): ApiJson<EvaluationIn>,
) -> Result<(StatusCode, Json<CreatedId>), ApiError> {
    let actor = ctx.api_actor()?;
    let entry = id(&ctx, &entry)?;
    let mut f = Fields::default();
    let on = date(&mut f, "evaluated_on", &b.evaluated_on);
    let result = EvaluationResult::from_code(b.result.trim());
    if result.is_none() {
        f.push(FieldError::new(
            "result",
            "unknown_code",
            "Ukjent verdi.",
            "Unknown value.",
        ));
    }
    let text = f
        .check(
            "text",
            LongText::parse_optional(b.text.as_deref().unwrap_or("")),
        )
        .flatten();
    let learned = f
        .check(
            "learned",
            LongText::parse_optional(b.learned.as_deref().unwrap_or("")),
        )
        .flatten();
    too_many(&mut f, b.factors.len());
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(on), Some(result)) = (on, result) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let input = EvaluationInput {
        evaluated_on: on,
        result,
        text,
        learned,
        factors: b.factors,
    };
    learning::evaluate(&st.app, actor, entry, &input)
        .await
        .map(|id| (StatusCode::CREATED, Json(CreatedId { id })))
        .map_err(|e| ctx.api_err(e))
}

/// The group's label.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LabelIn {
    /// As the team names the group ("A – Nøtterøy 4"); never the person's name.
    #[schema(schema_with = doc::name)]
    label: String,
}

/// Set the group's label (health personnel in the care team).
#[utoipa::path(put, path = "/episodes/{id}/learning-log/label", params(("id" = Uuid, Path)), request_body = LabelIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_label(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(episode): Path<String>,
    ApiJson(b, _): ApiJson<LabelIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let episode = id(&ctx, &episode)?;
    let label = ShortText::parse_name(&b.label)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("label", &e))))?;
    learning::set_label(&st.app, actor, episode, &label)
        .await
        .map(|()| StatusCode::NO_CONTENT)
        .map_err(|e| ctx.api_err(e))
}

/// The success factors the acting team can tag (its working members).
#[utoipa::path(get, path = "/learning/factors",
    responses((status = 200, body = [Factor]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn factors(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Factor>>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    learning::factors(&st.app, &actor, team, ctx.lang)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A team's own success factor.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct FactorIn {
    /// Its label.
    #[schema(schema_with = doc::name)]
    label: String,
}

/// Add a success factor of the acting team's own (the team lead). One the team has already is a
/// 409.
#[utoipa::path(post, path = "/learning/factors", request_body = FactorIn,
    responses((status = 201, body = CreatedId), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_factor(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<FactorIn>,
) -> Result<(StatusCode, Json<CreatedId>), ApiError> {
    let (actor, team) = acting(&ctx)?;
    let label = ShortText::parse_name(&b.label)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("label", &e))))?;
    learning::add_factor(&st.app, &actor, team, &label)
        .await
        .map(|id| (StatusCode::CREATED, Json(CreatedId { id })))
        .map_err(|e| ctx.api_err(e))
}

/// The acting team's learning logs counted together: entries per success factor and per
/// evaluation result (the team's working members; no person-level data).
#[utoipa::path(get, path = "/learning/summary",
    responses((status = 200, body = LearningSummary), (status = 403, response = doc::Forbidden)))]
pub(super) async fn summary(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<LearningSummary>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    learning::summary(&st.app, &actor, team, ctx.lang)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}
