//! Intake while the referral is being assessed (issue 8): diagnoses and assessment notes.
//! The referral's `GET` (in `intake.rs`) carries the deadline, the next intake meeting, what
//! the team already knows of the person and the notes.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::assessment;
use benk_app::{AppError, FieldError};
use benk_domain::{Icd10Code, LongText};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::intake::intake_grant;
use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

use super::path_id as id;

/// Diagnoses found during the assessment.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DiagnosesIn {
    /// ICD-10 codes ("F20.0" or "F200"); codes already on the referral are kept once.
    #[schema(schema_with = doc::icd10_codes)]
    codes: Vec<String>,
}

/// The referral's diagnoses after the change and what the team's policy now suggests.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct DiagnosesOut {
    /// All diagnoses on the referral, sorted.
    diagnoses: Vec<String>,
    /// The outcome the team's policy suggests from them, if any (e.g. `routed_fact`).
    suggested_outcome: Option<String>,
    /// Why, in the caller's language.
    suggestion_reason: Option<String>,
}

/// Add diagnoses to a referral under assessment (health personnel in the intake team; audited).
#[utoipa::path(post, path = "/referrals/{id}/diagnoses", params(("id" = Uuid, Path)), request_body = DiagnosesIn,
    responses((status = 200, body = DiagnosesOut), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_diagnoses(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    ApiJson(b, _): ApiJson<DiagnosesIn>,
) -> Result<Json<DiagnosesOut>, ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let rid = id(&ctx, &rid)?;
    let mut codes = Vec::new();
    for c in &b.codes {
        let code = Icd10Code::parse(c)
            .map_err(|e| ctx.api_err(AppError::field(FieldError::of("codes", &e))))?;
        codes.push(code);
    }
    if codes.is_empty() {
        return Err(ctx.api_err(AppError::field(FieldError::required("codes"))));
    }
    assessment::add_diagnoses(&st.app, &actor, &grant, rid, &codes)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let (_, health) = benk_app::referrals::get(&st.app, &actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let diagnoses = health.map(|h| h.diagnoses).unwrap_or_default();
    let suggestion = benk_app::intake::suggestion(&st.app, &grant, &diagnoses)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(DiagnosesOut {
        diagnoses,
        suggested_outcome: suggestion.as_ref().map(|s| s.0.code().to_string()),
        suggestion_reason: suggestion.map(|s| s.1.get(ctx.lang).to_string()),
    }))
}

/// An assessment note.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NoteIn {
    #[schema(schema_with = doc::long_text)]
    text: String,
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct NoteCreated {
    id: Uuid,
}

/// Append an assessment note to a referral under assessment (health personnel in the intake
/// team; kept with author and time, never changed; audited).
#[utoipa::path(post, path = "/referrals/{id}/notes", params(("id" = Uuid, Path)), request_body = NoteIn,
    responses((status = 201, body = NoteCreated), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    ApiJson(b, _): ApiJson<NoteIn>,
) -> Result<(StatusCode, Json<NoteCreated>), ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let rid = id(&ctx, &rid)?;
    let text = LongText::parse(&b.text)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("text", &e))))?;
    let id = assessment::add_note(&st.app, &actor, &grant, rid, &text)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(NoteCreated { id })))
}
