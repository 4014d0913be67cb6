//! Caseloads against the norm, the team board and the weekly team meeting (issue 9).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::board::{self, Board};
use benk_app::caseload::{self, Caseload};
use benk_app::error::Fields;
use benk_app::meetings::{self, Meeting, MeetingSummary, Subject};
use benk_app::{AppError, FieldError};
use benk_domain::{BoardOutcome, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

use super::path_id as id;

/// The team's caseload: per worker the people they are coordinator for (counted toward the
/// norm for their position share, rounded down) and member for, names only where the caller may
/// open the record; the team's total against its capacity; the recorded overrides. Team members
/// only (a refusal is audited); the read is one audit row naming every person shown.
#[utoipa::path(get, path = "/teams/{id}/caseload", params(("id" = Uuid, Path)),
    responses((status = 200, body = Caseload), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_caseload(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
) -> Result<Json<Caseload>, ApiError> {
    let actor = ctx.api_actor()?;
    let team = id(&ctx, &team)?;
    caseload::for_team(&st.app, actor, team)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The team board: who is on it now (with reviews) and who was taken off (with the outcome).
/// Team members only; names only where the caller may open the record, initials always.
#[utoipa::path(get, path = "/teams/{id}/board", params(("id" = Uuid, Path)),
    responses((status = 200, body = Board), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_board(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
) -> Result<Json<Board>, ApiError> {
    let actor = ctx.api_actor()?;
    let team = id(&ctx, &team)?;
    board::read(&st.app, actor, team, false)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Putting a person on the board.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct BoardIn {
    client_id: Uuid,
    /// Why, short and without health details (the board is shown on a shared screen).
    #[schema(schema_with = doc::short_text)]
    reason: String,
}

/// A created thing's id.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// Put a person on the board (a team member who may open the person's record; refusals are
/// audited). A person is on the board at most once at a time (409).
#[utoipa::path(post, path = "/teams/{id}/board", params(("id" = Uuid, Path)), request_body = BoardIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_to_board(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
    ApiJson(b, _): ApiJson<BoardIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let team = id(&ctx, &team)?;
    let reason = ShortText::parse(&b.reason)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("reason", &e))))?;
    let id = board::add(&st.app, actor, team, b.client_id, &reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A review of a board entry.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReviewIn {
    /// The day of the review (default today; not in the future).
    #[serde(default)]
    #[schema(schema_with = doc::date_not_future_opt)]
    reviewed_on: Option<String>,
    /// The review note (no health details).
    #[schema(schema_with = doc::short_text)]
    note: String,
}

/// Record a dated review of a person on the board.
#[utoipa::path(post, path = "/board/{id}/reviews", params(("id" = Uuid, Path)), request_body = ReviewIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(entry): Path<String>,
    ApiJson(b, _): ApiJson<ReviewIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let entry = id(&ctx, &entry)?;
    let note = ShortText::parse(&b.note)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("note", &e))))?;
    let on = match b.reviewed_on.as_deref().map(str::trim) {
        None | Some("") => benk_app::time::oslo_today(),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            ctx.api_err(AppError::field(FieldError::new(
                "reviewed_on",
                "invalid_date",
                "Datoen må være en gyldig dato (ÅÅÅÅ-MM-DD).",
                "The date must be a valid date (YYYY-MM-DD).",
            )))
        })?,
    };
    board::review(&st.app, actor, entry, on, &note)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Taking a person off the board.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RemoveIn {
    /// `stabilised`, `admitted`, `moved_service` or `other`.
    #[schema(schema_with = doc::board_outcome)]
    outcome: String,
    /// The outcome in words (required for `other`).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    note: Option<String>,
}

/// Take a person off the board with an outcome; the entry stays in the history.
#[utoipa::path(post, path = "/board/{id}/remove", params(("id" = Uuid, Path)), request_body = RemoveIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn remove(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(entry): Path<String>,
    ApiJson(b, _): ApiJson<RemoveIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let entry = id(&ctx, &entry)?;
    let mut f = Fields::default();
    let outcome = BoardOutcome::from_code(&b.outcome);
    if outcome.is_none() {
        f.push(FieldError::new(
            "outcome",
            "unknown_outcome",
            "Ukjent utfall.",
            "Unknown outcome.",
        ));
    }
    let note = f
        .check(
            "note",
            ShortText::parse_optional(b.note.as_deref().unwrap_or("")),
        )
        .flatten();
    f.finish().map_err(|e| ctx.api_err(e))?;
    let Some(outcome) = outcome else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    board::remove(&st.app, actor, entry, outcome, note.as_ref())
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's meetings, newest first (team members).
#[utoipa::path(get, path = "/teams/{id}/meetings", params(("id" = Uuid, Path)),
    responses((status = 200, body = [MeetingSummary]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_meetings(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
) -> Result<Json<Vec<MeetingSummary>>, ApiError> {
    let actor = ctx.api_actor()?;
    let team = id(&ctx, &team)?;
    meetings::list(&st.app, actor, team)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new meeting.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MeetingIn {
    /// The day of the meeting.
    held_on: NaiveDate,
}

/// Plan a team meeting (team members).
#[utoipa::path(post, path = "/teams/{id}/meetings", params(("id" = Uuid, Path)), request_body = MeetingIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
    ApiJson(b, _): ApiJson<MeetingIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let team = id(&ctx, &team)?;
    let id = meetings::create(&st.app, actor, team, b.held_on)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A meeting with its agenda as the caller may see it: a person's item in full only with access
/// to the person, a referral's item only with intake rights. One audit row names every person
/// shown.
#[utoipa::path(get, path = "/meetings/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(meeting): Path<String>,
) -> Result<Json<Meeting>, ApiError> {
    let actor = ctx.api_actor()?;
    let meeting = id(&ctx, &meeting)?;
    meetings::get(&st.app, actor, meeting)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// An agenda item: exactly one of `client_id` and `referral_id`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemIn {
    #[serde(default)]
    client_id: Option<Uuid>,
    #[serde(default)]
    referral_id: Option<Uuid>,
    /// What to discuss (short; the discussion goes in the record).
    #[schema(schema_with = doc::short_text)]
    topic: String,
}

/// Put a person (with access to them) or a referral (with intake rights) on the agenda.
#[utoipa::path(post, path = "/meetings/{id}/items", params(("id" = Uuid, Path)), request_body = ItemIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(meeting): Path<String>,
    ApiJson(b, _): ApiJson<ItemIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let meeting = id(&ctx, &meeting)?;
    let mut f = Fields::default();
    let topic = f.check("topic", ShortText::parse(&b.topic));
    let subject = match (b.client_id, b.referral_id) {
        (Some(c), None) => Some(Subject::Client(c)),
        (None, Some(r)) => Some(Subject::Referral(r)),
        _ => {
            f.push(FieldError::new(
                "client_id",
                "one_subject",
                "Oppgi enten en bruker eller en henvisning.",
                "Give either a person or a referral.",
            ));
            None
        }
    };
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(topic), Some(subject)) = (topic, subject) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let id = meetings::add_item(&st.app, actor, meeting, subject, &topic)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// What was decided on an item.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MeetingDecisionIn {
    #[schema(schema_with = doc::short_text)]
    decision: String,
    /// Who follows it up (a member of the team).
    #[serde(default)]
    follow_up_by: Option<Uuid>,
}

/// Record what was decided on an agenda item (with access to the person, or intake rights for a
/// referral).
#[utoipa::path(post, path = "/meeting-items/{id}/decision", params(("id" = Uuid, Path)), request_body = MeetingDecisionIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(item): Path<String>,
    ApiJson(b, _): ApiJson<MeetingDecisionIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let item = id(&ctx, &item)?;
    let decision = ShortText::parse(&b.decision)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("decision", &e))))?;
    meetings::decide(&st.app, actor, item, &decision, b.follow_up_by)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
