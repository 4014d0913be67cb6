//! Referrals, intake decisions, episodes and the referral report.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::access::open_client;
use benk_app::assessment;
use benk_app::episodes::{self, Episode, RgMemberInput};
use benk_app::error::Fields;
use benk_app::intake::{self, DecisionInput, DecisionResult};
use benk_app::referrals::{
    self, Agency, IntakeGrant, Receipt, Referral, ReferralHealth, ReferralSummary,
};
use benk_app::reports;
use benk_app::{Actor, AppError, FieldError, Text};
use benk_domain::{
    AgencyKind, CloseReason, DecisionOutcome, EpisodeRole, LevelOfEffort, LongText, Phone, Purpose,
    ReportPeriod, RgMemberKind, ShortText,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::input::RawReferral;
use crate::AppState;

use super::path_id as id;

pub(super) fn acting_team(ctx: &Ctx, actor: &Actor) -> Result<Uuid, ApiError> {
    actor.acting().map(|m| m.team_id).ok_or_else(|| {
        ctx.api_err(AppError::Forbidden(Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )))
    })
}

pub(super) async fn intake_grant(
    st: &AppState,
    ctx: &Ctx,
) -> Result<(Actor, IntakeGrant), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let team = acting_team(ctx, &actor)?;
    let grant = referrals::open_intake(&st.app, &actor, team)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((actor, grant))
}

/// The team's register of referring agencies.
#[utoipa::path(get, path = "/agencies", responses((status = 200, body = [Agency]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_agencies(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Agency>>, ApiError> {
    let actor = ctx.api_actor()?;
    let team = acting_team(&ctx, actor)?;
    referrals::agencies(&st.app, team)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new agency in the register.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AgencyIn {
    /// `gp`, `nav`, `housing_office`, `relative`, `police`, `self_referral`, `dps`, `hospital_ward`,
    /// `emergency_clinic`, `correctional_service`, `municipal_service`, `substance_treatment`, `other`.
    #[schema(schema_with = doc::agency_kind)]
    kind: String,
    #[schema(schema_with = doc::name)]
    name: String,
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// Add an agency to the register (intake team).
#[utoipa::path(post, path = "/agencies", request_body = AgencyIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_agency(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<AgencyIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let mut f = Fields::default();
    let kind = AgencyKind::from_code(&b.kind);
    if kind.is_none() {
        f.push(FieldError::new(
            "kind",
            "unknown_agency_kind",
            "Ukjent type instans.",
            "Unknown kind of agency.",
        ));
    }
    let name = f.check("name", ShortText::parse_name(&b.name));
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(kind), Some(name)) = (kind, name) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let id = referrals::add_agency(&st.app, &actor, &grant, kind, &name)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The intake board: open referrals and those decided in the last 60 days.
#[utoipa::path(get, path = "/referrals", responses((status = 200, body = [ReferralSummary]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn board(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ReferralSummary>>, ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    referrals::board(&st.app, &actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Register a referral taken by phone, at the open hour or in a meeting.
#[utoipa::path(post, path = "/referrals", request_body = RawReferral,
    responses((status = 201, body = Receipt), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(raw, _): ApiJson<RawReferral>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let parsed =
        crate::html::parse_referral(&raw.to_form(), true, st.app.settings.allow_synthetic_ids)
            .map_err(|errs| ctx.api_err(AppError::Invalid(errs)))?;
    let receipt = referrals::register(&st.app, &actor, &grant, parsed)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// A referral, the policy's suggestion and the decision. Health content (`health`, `diagnoses`,
/// the suggestion and the decision's `assessment`) is present only when `scope` is `health`:
/// the caller is health personnel. With `scope` `admin` it is left out, not blanked.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ReferralOut {
    /// `health` (everything) or `admin` (administrative fields only).
    #[schema(example = "health")]
    scope: ReferralScope,
    referral: Referral,
    /// Reason, services, substance use and mental health (health scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    health: Option<ReferralHealth>,
    /// Known diagnoses (health scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnoses: Option<Vec<String>>,
    /// The outcome the team's policy suggests from the diagnoses, if any (health scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_outcome: Option<String>,
    /// Why, in the caller's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion_reason: Option<String>,
    decision: Option<intake::Decision>,
    participants: Vec<String>,
    // --- issue 8, assessment (i8-assess) ---
    /// The date by which the referral must be assessed (10 working days, pbrl. § 2-2) and
    /// whether it is overdue; absent once decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<assessment::Deadline>,
    /// The team's next intake meeting (local time, Europe/Oslo), if the team has set one.
    next_intake_meeting: Option<chrono::NaiveDateTime>,
    /// Earlier referrals and episodes of the same person in this team only.
    known_before: assessment::KnownBefore,
    /// Assessment notes, oldest first (health scope only).
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment_notes: Option<Vec<assessment::AssessmentNote>>,
    // --- end i8-assess ---
}

/// How much of a referral the caller sees.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum ReferralScope {
    /// Administrative fields only: the caller is not health personnel.
    Admin,
    /// Everything, including health content.
    Health,
}

/// Read one referral (audited).
#[utoipa::path(get, path = "/referrals/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = ReferralOut), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_referral(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(rid): Path<String>,
) -> Result<Json<ReferralOut>, ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let rid = id(&ctx, &rid)?;
    let (referral, health) = referrals::get(&st.app, &actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let suggestion = match &health {
        Some(h) => intake::suggestion(&st.app, &grant, &h.diagnoses)
            .await
            .map_err(|e| ctx.api_err(e))?,
        None => None,
    };
    let decided = intake::decision_for(&st.app, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let (decision, participants) = decided.map_or((None, vec![]), |(d, p)| (Some(d), p));
    let deadline = assessment::deadline(
        referral.received_on,
        &referral.status,
        benk_app::time::oslo_today(),
    );
    let next_intake_meeting = assessment::next_meeting(&st.app, grant.team_id())
        .await
        .map_err(|e| ctx.api_err(e))?;
    let known_before = assessment::known_before(&st.app, &actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let assessment_notes = assessment::notes(&st.app, &actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(ReferralOut {
        deadline,
        next_intake_meeting,
        known_before,
        assessment_notes,
        scope: if grant.covers_health() {
            ReferralScope::Health
        } else {
            ReferralScope::Admin
        },
        referral,
        diagnoses: health.as_ref().map(|h| h.diagnoses.clone()),
        health,
        suggested_outcome: suggestion.as_ref().map(|s| s.0.code().to_string()),
        suggestion_reason: suggestion.map(|s| s.1.get(ctx.lang).to_string()),
        decision,
        participants,
    }))
}

/// Move a new referral to "under assessment".
#[utoipa::path(post, path = "/referrals/{id}/assess", params(("id" = Uuid, Path)), responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict)))]
pub(super) async fn assess(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(rid): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let rid = id(&ctx, &rid)?;
    referrals::start_assessment(&st.app, &actor, &grant, rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Target-group assessment at intake (issue 8: the team's own criteria).
#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct TargetGroupIn {
    /// The ticked items of the team's criteria, by code (`policy.target_group` of
    /// `GET /teams/{id}`); an unknown code is 422 naming `target_group.items`. The person is in
    /// the target group when every criterion has a ticked item.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub(super) items: Vec<String>,
    /// Homeless or about to lose the home: recorded, not a criterion.
    #[serde(default)]
    pub(super) housing_problem: bool,
    /// Earlier form of `items`: ticks `serious_mental_illness`.
    #[serde(default)]
    #[schema(deprecated)]
    pub(super) severe_mental_illness: bool,
    /// Earlier form of `items`: ticks `serious_substance_use`.
    #[serde(default)]
    #[schema(deprecated)]
    pub(super) substance_use: bool,
    /// Earlier form of `items`: ticks `weak_connection`.
    #[serde(default)]
    #[schema(deprecated)]
    pub(super) weak_connection: bool,
}

/// The ordinary service at level 2 (keeps the responsibility) or 3 (advised by the team).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OrdinaryIn {
    /// The service, e.g. "Bærum DPS, poliklinikk".
    #[schema(schema_with = doc::name)]
    service: String,
    /// Its contact person.
    #[serde(default)]
    #[schema(schema_with = doc::name_opt)]
    contact_name: Option<String>,
    /// The contact person's phone.
    #[serde(default)]
    #[schema(schema_with = doc::phone_opt)]
    contact_phone: Option<String>,
    /// What competence the team adds: `municipal_to_specialist`, `specialist_to_municipality`,
    /// `both`, `other`.
    #[serde(default)]
    #[schema(schema_with = doc::competence_opt)]
    competence: Option<String>,
    /// The competence in words (health content: read by health personnel only).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    competence_note: Option<String>,
}

fn ordinary(
    ctx: &Ctx,
    o: Option<&OrdinaryIn>,
) -> Result<Option<episodes::OrdinaryServiceInput>, ApiError> {
    let Some(o) = o else { return Ok(None) };
    let raw = crate::html::intake::guidance::RawOrdinary {
        service: &o.service,
        contact_name: o.contact_name.as_deref().unwrap_or(""),
        contact_phone: o.contact_phone.as_deref().unwrap_or(""),
        competence: o.competence.as_deref().unwrap_or(""),
        competence_note: o.competence_note.as_deref().unwrap_or(""),
    };
    match crate::html::intake::guidance::parse_ordinary(&raw) {
        Ok(Some(v)) => Ok(Some(v)),
        // Every field blank: the service itself is missing.
        Ok(None) => Err(ctx.api_err(AppError::field(FieldError::new(
            "ordinary_service",
            "required",
            "Skriv hvilken tjeneste som har ansvaret.",
            "Name the service that keeps the responsibility.",
        )))),
        Err(errs) => Err(ctx.api_err(AppError::Invalid(errs))),
    }
}

/// The joint decision.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionIn {
    /// `accepted`, `routed_fact`, `routed_other`, `guidance`, `declined`. `guidance` is level 3:
    /// it makes a guidance case for the referrer (`guidance_case_id` in the answer) and no
    /// client record.
    #[schema(schema_with = doc::decision_outcome)]
    outcome: String,
    /// 1 in the team, 2 shoulder to shoulder (accepted only; level 3 is the outcome `guidance`).
    #[serde(default, deserialize_with = "doc::integer_opt")]
    #[schema(schema_with = doc::level_opt)]
    level: Option<i64>,
    #[schema(schema_with = doc::decision_reasons)]
    reasons: String,
    /// Staff who took part.
    participants: Vec<Uuid>,
    #[serde(default)]
    target_group: TargetGroupIn,
    /// Default today.
    #[serde(default)]
    decided_on: Option<NaiveDate>,
    #[serde(default)]
    municipal_coordinator: Option<Uuid>,
    #[serde(default)]
    specialist_coordinator: Option<Uuid>,
    /// Accepted at level 2 only, and then required: the ordinary service that keeps the
    /// responsibility. No coordinator pair is required at level 2.
    #[serde(default)]
    ordinary_service: Option<OrdinaryIn>,
    /// Accepted only: team members who take part (role `member` on the episode).
    #[serde(default)]
    members: Vec<Uuid>,
    /// The person has consented that the referrer may be told the outcome (helsepersonelloven
    /// § 21). Default `false`: the referrer is told only that the referral was received and
    /// answered. Can be recorded afterwards with `PUT /referrals/{id}/decision/consent`.
    #[serde(default)]
    referrer_consent: bool,
    /// Where the person was routed (agency or service): required for `routed_other`,
    /// optional for `routed_fact`, not allowed for other outcomes.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    routed_to: Option<String>,
    /// Ordinary services established or re-established at intake (at most 10).
    #[serde(default)]
    #[schema(max_items = 10)]
    services_established: Vec<super::target::ServiceIn>,
    /// Why a coordinator may be named beyond their caseload norm (issue 9). Without it such a
    /// decision is refused with 422 `over_caseload_norm` naming the worker, their count and
    /// their norm; with it the decision is saved and the override recorded.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    override_reason: Option<String>,
}

/// Record the joint intake decision (the "inntaksbeslutning"); acceptance opens an episode.
#[utoipa::path(post, path = "/referrals/{id}/decision", params(("id" = Uuid, Path)), request_body = DecisionIn,
    responses((status = 201, body = DecisionResult), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    ApiJson(b, _): ApiJson<DecisionIn>,
) -> Result<(StatusCode, Json<DecisionResult>), ApiError> {
    let (actor, grant) = intake_grant(&st, &ctx).await?;
    let rid = id(&ctx, &rid)?;
    // Refused before the body is checked: the decision is health content.
    referrals::require_health(&st.app, &actor, &grant, "intake.decide", rid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let mut f = Fields::default();
    let outcome = DecisionOutcome::from_code(&b.outcome);
    if outcome.is_none() {
        f.push(FieldError::new(
            "outcome",
            "unknown_outcome",
            "Ukjent utfall.",
            "Unknown outcome.",
        ));
    }
    let level = match b.level {
        Some(n) => {
            let l = LevelOfEffort::from_number(n);
            if l.is_none() {
                f.push(FieldError::new(
                    "level",
                    "unknown_level",
                    "Innsatsnivå må være 1, 2 eller 3.",
                    "The level of effort must be 1, 2 or 3.",
                ));
            }
            l
        }
        None => None,
    };
    let reasons = f.check("reasons", LongText::parse(&b.reasons));
    let override_reason = f
        .check(
            "override_reason",
            ShortText::parse_optional(b.override_reason.as_deref().unwrap_or("")),
        )
        .flatten();
    let target =
        super::target::target_input(&mut f, b.target_group, b.routed_to, b.services_established);
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(outcome), Some(reasons)) = (outcome, reasons) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let input = DecisionInput {
        outcome,
        level,
        reasons,
        participants: b.participants,
        target,
        decided_on: b.decided_on.unwrap_or_else(benk_app::time::oslo_today),
        municipal_coordinator: b.municipal_coordinator,
        specialist_coordinator: b.specialist_coordinator,
        ordinary: ordinary(&ctx, b.ordinary_service.as_ref())?,
        members: b.members,
        referrer_consent: b.referrer_consent,
        override_reason,
    };
    let result = intake::decide(&st.app, &actor, &grant, rid, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// A client's episodes (through the care relationship, audited).
#[utoipa::path(get, path = "/clients/{id}/episodes", params(("id" = Uuid, Path)), responses((status = 200, body = [Episode]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn client_episodes(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
) -> Result<Json<Vec<Episode>>, ApiError> {
    let actor = ctx.api_actor()?;
    let cid = id(&ctx, &cid)?;
    let grant = open_client(&st.app, actor, cid, Purpose::Coc)
        .await
        .map_err(|e| ctx.api_err(e))?;
    episodes::for_client(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A change of level.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LevelIn {
    #[serde(deserialize_with = "doc::integer")]
    #[schema(schema_with = doc::level)]
    level: i64,
    /// Default today.
    #[serde(default)]
    from_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    reason: Option<String>,
    /// The reason holds no health content and may be read by the whole care team,
    /// including staff who are not health personnel. Default `false`: the reason is
    /// health content.
    #[serde(default)]
    reason_shared: bool,
    /// Levels 2 and 3: the ordinary service (keeps the responsibility at 2, is advised at 3).
    /// Refused at level 1. Without it the episode lists `ordinary_service` in `missing`.
    #[serde(default)]
    ordinary_service: Option<OrdinaryIn>,
}

/// Change the level of effort (the history is kept).
#[utoipa::path(post, path = "/episodes/{id}/level", params(("id" = Uuid, Path)), request_body = LevelIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn change_level(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(eid): Path<String>,
    ApiJson(b, _): ApiJson<LevelIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let eid = id(&ctx, &eid)?;
    let level = LevelOfEffort::from_number(b.level).ok_or_else(|| {
        ctx.api_err(AppError::field(FieldError::new(
            "level",
            "unknown_level",
            "Innsatsnivå må være 1, 2 eller 3.",
            "The level of effort must be 1, 2 or 3.",
        )))
    })?;
    let reason = ShortText::parse_optional(b.reason.as_deref().unwrap_or(""))
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("reason", &e))))?;
    let from = b.from_date.unwrap_or_else(benk_app::time::oslo_today);
    let service = ordinary(&ctx, b.ordinary_service.as_ref())?;
    episodes::change_level(
        &st.app,
        actor,
        eid,
        level,
        from,
        reason.as_ref(),
        b.reason_shared,
        service.as_ref(),
    )
    .await
    .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new care-team member.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MemberIn {
    staff_id: Uuid,
    /// `municipal_coordinator`, `specialist_coordinator` or `member`.
    #[schema(schema_with = doc::episode_role)]
    role: String,
    /// Why a coordinator may be named beyond their caseload norm (issue 9). Without it such a
    /// naming is refused with 422 `over_caseload_norm`; with it the override is recorded.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    override_reason: Option<String>,
}

/// Warnings that did not block the change.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Warnings {
    warnings: Vec<String>,
}

/// Add a coordinator or member; they get access to the record through the episode.
#[utoipa::path(post, path = "/episodes/{id}/members", params(("id" = Uuid, Path)), request_body = MemberIn,
    responses((status = 201, body = Warnings), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(eid): Path<String>,
    ApiJson(b, _): ApiJson<MemberIn>,
) -> Result<(StatusCode, Json<Warnings>), ApiError> {
    let actor = ctx.api_actor()?;
    let eid = id(&ctx, &eid)?;
    let role = EpisodeRole::from_code(&b.role).ok_or_else(|| {
        ctx.api_err(AppError::field(FieldError::new(
            "role",
            "unknown_role",
            "Ukjent rolle.",
            "Unknown role.",
        )))
    })?;
    let reason = ShortText::parse_optional(b.override_reason.as_deref().unwrap_or(""))
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("override_reason", &e))))?;
    let w = episodes::add_member(&st.app, actor, eid, b.staff_id, role, reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((
        StatusCode::CREATED,
        Json(Warnings {
            warnings: w.iter().map(|t| t.get(ctx.lang).to_string()).collect(),
        }),
    ))
}

/// A member leaves the episode; their access ends at once.
#[utoipa::path(post, path = "/episodes/{id}/members/{mid}/leave", params(("id" = Uuid, Path), ("mid" = Uuid, Path)),
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict)))]
pub(super) async fn leave(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((eid, mid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let (eid, mid) = (id(&ctx, &eid)?, id(&ctx, &mid)?);
    episodes::leave(&st.app, actor, eid, mid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closing an episode.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CloseIn {
    closed_on: NaiveDate,
    /// `established_ordinary`, `reestablished_ordinary`, `moved`, `declined_further_help`, `lost_contact`, `died`, `other`.
    #[schema(schema_with = doc::close_reason)]
    reason: String,
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    note: Option<String>,
}

/// Close the episode; every member's access through it ends.
#[utoipa::path(post, path = "/episodes/{id}/close", params(("id" = Uuid, Path)), request_body = CloseIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(eid): Path<String>,
    ApiJson(b, _): ApiJson<CloseIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let eid = id(&ctx, &eid)?;
    let reason = CloseReason::from_code(&b.reason).ok_or_else(|| {
        ctx.api_err(AppError::field(FieldError::new(
            "reason",
            "unknown_reason",
            "Ukjent avslutningsårsak.",
            "Unknown reason for closing.",
        )))
    })?;
    let note = LongText::parse_optional(b.note.as_deref().unwrap_or(""))
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("note", &e))))?;
    episodes::close(&st.app, actor, eid, b.closed_on, reason, note.as_ref())
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A responsibility-group member.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RgIn {
    /// `gp`, `nav`, `housing_office`, `relative`, `specialist_service`, `municipal_service`, `user_organisation`, `other`, `team_member`.
    #[schema(schema_with = doc::rg_member_kind)]
    kind: String,
    #[schema(schema_with = doc::name)]
    name: String,
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    role: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::name_opt)]
    organisation: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::phone_opt)]
    phone: Option<String>,
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    email: Option<String>,
    /// The person's consent to including this member is recorded (required for relatives).
    #[serde(default)]
    consent_recorded: bool,
}

/// Add a member to the responsibility group.
#[utoipa::path(post, path = "/episodes/{id}/responsibility-group", params(("id" = Uuid, Path)), request_body = RgIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_rg(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(eid): Path<String>,
    ApiJson(b, _): ApiJson<RgIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let eid = id(&ctx, &eid)?;
    let mut f = Fields::default();
    let kind = RgMemberKind::from_code(&b.kind);
    if kind.is_none() {
        f.push(FieldError::new(
            "kind",
            "unknown_kind",
            "Ukjent type medlem.",
            "Unknown kind of member.",
        ));
    }
    let name = f.check("name", ShortText::parse_name(&b.name));
    let opt = |f: &mut Fields, field: &str, v: &Option<String>| {
        f.check(field, ShortText::parse_optional(v.as_deref().unwrap_or("")))
            .flatten()
    };
    let role = opt(&mut f, "role", &b.role);
    let organisation = f
        .check(
            "organisation",
            ShortText::parse_name_optional(b.organisation.as_deref().unwrap_or("")),
        )
        .flatten();
    let email = opt(&mut f, "email", &b.email);
    let phone = match b.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => f.check("phone", Phone::parse(p)),
        None => None,
    };
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(kind), Some(name)) = (kind, name) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let m = RgMemberInput {
        kind,
        name,
        role,
        organisation,
        phone,
        email,
        consent_recorded: b.consent_recorded,
    };
    let id = episodes::add_rg_member(&st.app, actor, eid, m)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Remove a member from the responsibility group (kept in history).
#[utoipa::path(post, path = "/episodes/{id}/responsibility-group/{mid}/remove", params(("id" = Uuid, Path), ("mid" = Uuid, Path)),
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict)))]
pub(super) async fn remove_rg(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((eid, mid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let (eid, mid) = (id(&ctx, &eid)?, id(&ctx, &mid)?);
    episodes::remove_rg_member(&st.app, actor, eid, mid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Report parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportQuery {
    /// `month`, `quarter` (default), `half_year`, `year`: the structured figures by period.
    #[serde(default)]
    #[param(schema_with = doc::report_period)]
    period: Option<String>,
    /// First date: with `from`, `to` or `format` (and no `period`) the answer is the report
    /// `referrals` of the framework, as `GET /reports/{name}` gives it.
    #[serde(default)]
    from: Option<chrono::NaiveDate>,
    /// Last date (see `from`).
    #[serde(default)]
    to: Option<chrono::NaiveDate>,
    /// `json`, `csv`, `xlsx`, `pdf` or `html` (see `from`).
    #[serde(default)]
    #[param(schema_with = doc::report_format)]
    format: Option<String>,
}

/// Referrals per period by source, distinct referring agencies (cumulative), time to decision,
/// outcomes (the structured figures, over every referral); with `from`, `to` or `format`, the
/// report `referrals` of the framework for that period.
#[utoipa::path(get, path = "/reports/referrals", params(ReportQuery),
    responses((status = 200, description = "With `period` or no parameter, the figures (schema `ReferralReport`); with `from`/`to`/`format`, the report document (as `GET /reports/{name}`) or file", content(
            (super::reports::ReportDocument = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn referral_report(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    if q.period.is_none() && (q.from.is_some() || q.to.is_some() || q.format.is_some()) {
        let framework = super::reports::ReportQuery {
            from: q.from,
            to: q.to,
            format: q.format,
            window: None,
        };
        return super::reports::run_report(&st, &ctx, "referrals", framework).await;
    }
    let actor = ctx.api_actor()?;
    let team = acting_team(&ctx, actor)?;
    let period = match q.period.as_deref() {
        None => ReportPeriod::Quarter,
        Some(p) => ReportPeriod::from_code(p).ok_or_else(|| {
            ctx.api_err(AppError::field(FieldError::new(
                "period",
                "unknown_period",
                "Periode må være month, quarter, half_year eller year.",
                "The period must be month, quarter, half_year or year.",
            )))
        })?,
    };
    reports::referrals(&st.app, actor, team, period)
        .await
        .map(|r| Json(r).into_response())
        .map_err(|e| ctx.api_err(e))
}
