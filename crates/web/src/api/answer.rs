//! The answer to a referral and the coordinator's view of the person (issue 8): the team's
//! contact details, the person's consent that the referrer may be told the outcome, how to
//! find and reach the person, and the referral read by the client's care team.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::access::open_client;
use benk_app::intake::{self, Decision};
use benk_app::orgs::{self, TeamContact};
use benk_app::referrals::{self, Referral, ReferralHealth, ReferralSummary};
use benk_app::situation::{self, optional_text, Situation, SituationInput};
use benk_app::{AppError, FieldError};
use benk_domain::Purpose;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};

use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

use super::path_id as id;

/// An e-mail address or nothing: `local@domain`, exactly one `@`, no white space.
fn email_opt() -> ObjectBuilder {
    let bad = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\s@";
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(benk_domain::ShortText::MAX_CHARS))
        .pattern(Some(format!(r"^([^{bad}]+@[^{bad}]+)?$")))
}

/// The team's contact details, as printed in the answers to referrals. A field that is
/// absent, null or blank is not set (and is left out of the letters).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ContactIn {
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    phone: Option<String>,
    #[serde(default)]
    #[schema(schema_with = email_opt)]
    email: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    address: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    visiting_hours: Option<String>,
}

/// Set the team's contact details (the team lead or the team's administrator; refusals
/// are audited).
#[utoipa::path(put, path = "/teams/{id}/contact", params(("id" = Uuid, Path)), request_body = ContactIn,
    responses((status = 200, body = TeamContact), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_team_contact(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(tid): Path<String>,
    ApiJson(b, _): ApiJson<ContactIn>,
) -> Result<Json<TeamContact>, ApiError> {
    let actor = ctx.api_actor()?;
    let tid = id(&ctx, &tid)?;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let contact = orgs::parse_contact(
        &s(&b.phone),
        &s(&b.email),
        &s(&b.address),
        &s(&b.visiting_hours),
    )
    .map_err(|e| ctx.api_err(AppError::Invalid(e)))?;
    orgs::set_contact(&st.app, actor, tid, contact.clone())
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(contact))
}

/// The person's consent that the referrer may be told the outcome.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ConsentIn {
    /// `true`: the person has consented (recorded with who and when); `false`: withdrawn.
    consented: bool,
}

/// Record or withdraw the person's consent that the referrer may be told the outcome of
/// the intake decision (helsepersonelloven § 21). Without it, the answer to the referrer
/// says only that the referral was received and answered. The team's intake members, team
/// lead and administrators; audited.
#[utoipa::path(put, path = "/referrals/{id}/decision/consent", params(("id" = Uuid, Path)), request_body = ConsentIn,
    responses((status = 200, body = Decision), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict)))]
pub(super) async fn set_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    ApiJson(b, _): ApiJson<ConsentIn>,
) -> Result<Json<Decision>, ApiError> {
    let actor = ctx.api_actor()?;
    let rid = id(&ctx, &rid)?;
    let team = actor.acting().map(|m| m.team_id).ok_or_else(|| {
        ctx.api_err(AppError::Forbidden(benk_app::Text::new(
            "Du er ikke med i noe team.",
            "You are not in any team.",
        )))
    })?;
    let grant = referrals::open_intake(&st.app, actor, team)
        .await
        .map_err(|e| ctx.api_err(e))?;
    intake::set_referrer_consent(&st.app, actor, &grant, rid, b.consented)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// How to find and reach the person, as the care team reads it (health fields only for
/// health personnel).
#[utoipa::path(get, path = "/clients/{id}/situation", params(("id" = Uuid, Path)),
    responses((status = 200, body = Situation), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_situation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
) -> Result<Json<Situation>, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    situation::get(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A change of how to find and reach the person. `whereabouts`, `housing_situation` and
/// `referrer_contact` are replaced (absent, null or blank clears them). `referral_reason`
/// and `current_helpers` are health content: absent or null leaves them as they are, a
/// blank string clears them, and sending either needs health personnel (403 otherwise).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SituationIn {
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    whereabouts: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    housing_situation: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    referrer_contact: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    referral_reason: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    current_helpers: Option<String>,
}

/// Change how to find and reach the person (the care team; audited).
#[utoipa::path(put, path = "/clients/{id}/situation", params(("id" = Uuid, Path)), request_body = SituationIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_situation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    ApiJson(b, _): ApiJson<SituationIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let mut errors: Vec<FieldError> = Vec::new();
    let mut one = |field: &str, v: Option<&str>| match optional_text(field, v.unwrap_or("")) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let input = SituationInput {
        whereabouts: one("whereabouts", b.whereabouts.as_deref()),
        housing_situation: one("housing_situation", b.housing_situation.as_deref()),
        referrer_contact: one("referrer_contact", b.referrer_contact.as_deref()),
        referral_reason: b
            .referral_reason
            .as_deref()
            .map(|v| one("referral_reason", Some(v))),
        current_helpers: b
            .current_helpers
            .as_deref()
            .map(|v| one("current_helpers", Some(v))),
    };
    if !errors.is_empty() {
        return Err(ctx.api_err(AppError::Invalid(errors)));
    }
    situation::update(&st.app, actor, &grant, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The referrals that led to the person's episodes, for the care team (audited).
#[utoipa::path(get, path = "/clients/{id}/referrals", params(("id" = Uuid, Path)),
    responses((status = 200, body = [ReferralSummary]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn client_referrals(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
) -> Result<Json<Vec<ReferralSummary>>, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    referrals::for_client(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A referral as the care team reads it.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CareTeamReferral {
    referral: Referral,
    /// The health content: absent unless the reader is health personnel.
    #[serde(skip_serializing_if = "Option::is_none")]
    health: Option<ReferralHealth>,
    /// Known diagnoses (ICD-10): absent unless the reader is health personnel.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnoses: Option<Vec<String>>,
}

/// One referral that led to the person's episode, for the care team (audited; a referral
/// that is not the person's is a 404, audited as refused).
#[utoipa::path(get, path = "/clients/{id}/referrals/{rid}", params(("id" = Uuid, Path), ("rid" = Uuid, Path)),
    responses((status = 200, body = CareTeamReferral), (status = 403, response = doc::Forbidden)))]
pub(super) async fn client_referral(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((cid, rid)): Path<(String, String)>,
) -> Result<Json<CareTeamReferral>, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let rid = id(&ctx, &rid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let (referral, health) = referrals::get_for_care_team(&st.app, actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(CareTeamReferral {
        referral,
        diagnoses: health.as_ref().map(|h| h.diagnoses.clone()),
        health,
    }))
}
