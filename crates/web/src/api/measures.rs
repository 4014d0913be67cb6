//! Outcome measures in the API (issue 10): GAF, ORS and SRS per person, corrections and
//! retractions, the SPoR interview, the team's measurement points and what is due.
//!
//! Who: health content. A person's measures are read and recorded under `open_client` with a
//! grant that covers health (`require_health`); the lists and rounds of a team by its health
//! personnel. Refusals are audited, and every read too.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::measures::{
    self, DuePoint, MeasureVersion, Measures, NewInterview, NewValues, Round,
};
use benk_app::{Actor, AppError, FieldError};
use benk_domain::{MeasureKind, MeasurePolicy};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, grant_for, open_person, path_id, retract_version, ApiJson, ApiQuery, RetractIn};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

fn acting(ctx: &Ctx) -> Result<(Actor, Uuid), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let team = super::intake::acting_team(ctx, &actor)?;
    Ok((actor, team))
}

/// The person's measures (current versions), SPoR interviews and measurement points
/// (health content; audited).
#[utoipa::path(get, path = "/clients/{id}/measures", params(("id" = Uuid, Path)),
    responses((status = 200, body = Measures), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Measures>, ApiError> {
    let (actor, grant) = open_person(&st, &ctx, &id).await?;
    measures::list(&st.app, &actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A GAF measure: symptom and function scored separately.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GafIn {
    /// The day measured (not in the future).
    #[schema(schema_with = doc::date_not_future)]
    measured_on: NaiveDate,
    /// Symptom score, 1–100.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(schema_with = doc::gaf)]
    gaf_symptom: i64,
    /// Function score, 1–100.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(schema_with = doc::gaf)]
    gaf_function: i64,
}

/// An ORS or SRS: four items, each 0–10 with one decimal.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemsIn {
    /// The day measured (not in the future).
    #[schema(schema_with = doc::date_not_future)]
    measured_on: NaiveDate,
    /// ORS: individually; SRS: relationship.
    #[schema(schema_with = doc::item)]
    item1: f64,
    /// ORS: interpersonally; SRS: goals and topics.
    #[schema(schema_with = doc::item)]
    item2: f64,
    /// ORS: socially; SRS: approach or method.
    #[schema(schema_with = doc::item)]
    item3: f64,
    /// ORS: overall; SRS: overall.
    #[schema(schema_with = doc::item)]
    item4: f64,
}

async fn record(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    on: NaiveDate,
    v: NewValues,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = open_person(st, ctx, id).await?;
    let id = measures::record(&st.app, &actor, &grant, on, v)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Record a GAF (health personnel with access to the person).
#[utoipa::path(post, path = "/clients/{id}/measures/gaf", params(("id" = Uuid, Path)), request_body = GafIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_gaf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<GafIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let v = NewValues::Gaf(b.gaf_symptom as f64, b.gaf_function as f64);
    record(&st, &ctx, &id, b.measured_on, v).await
}

/// Record an ORS (health personnel with access to the person).
#[utoipa::path(post, path = "/clients/{id}/measures/ors", params(("id" = Uuid, Path)), request_body = ItemsIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_ors(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<ItemsIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let v = NewValues::Ors([b.item1, b.item2, b.item3, b.item4]);
    record(&st, &ctx, &id, b.measured_on, v).await
}

/// Record an SRS (health personnel with access to the person).
#[utoipa::path(post, path = "/clients/{id}/measures/srs", params(("id" = Uuid, Path)), request_body = ItemsIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_srs(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<ItemsIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let v = NewValues::Srs([b.item1, b.item2, b.item3, b.item4]);
    record(&st, &ctx, &id, b.measured_on, v).await
}

/// A correction of a measure: the new values (the fields of the measure's kind) and why.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MeasureCorrectionIn)]
pub(super) struct CorrectionIn {
    /// Why it is corrected.
    #[schema(schema_with = doc::short_text)]
    reason: String,
    /// The day measured (not in the future).
    #[schema(schema_with = doc::date_not_future)]
    measured_on: NaiveDate,
    /// GAF: symptom score, 1–100.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    #[schema(schema_with = doc::gaf)]
    gaf_symptom: Option<i64>,
    /// GAF: function score, 1–100.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    #[schema(schema_with = doc::gaf)]
    gaf_function: Option<i64>,
    /// ORS/SRS item 1.
    #[serde(default)]
    #[schema(schema_with = doc::item)]
    item1: Option<f64>,
    /// ORS/SRS item 2.
    #[serde(default)]
    #[schema(schema_with = doc::item)]
    item2: Option<f64>,
    /// ORS/SRS item 3.
    #[serde(default)]
    #[schema(schema_with = doc::item)]
    item3: Option<f64>,
    /// ORS/SRS item 4.
    #[serde(default)]
    #[schema(schema_with = doc::item)]
    item4: Option<f64>,
}

fn missing(fields: &[(&str, bool)]) -> Option<AppError> {
    let errs: Vec<FieldError> = fields
        .iter()
        .filter(|(_, present)| !present)
        .map(|(f, _)| FieldError::of(f, &benk_domain::MeasureError::Missing))
        .collect();
    (!errs.is_empty()).then_some(AppError::Invalid(errs))
}

/// Correct a measure: a new version that supersedes it (its author only; the old version is
/// kept). The body gives the fields of the measure's kind.
#[utoipa::path(post, path = "/measures/{id}/corrections", params(("id" = Uuid, Path)), request_body = CorrectionIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn correct(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<CorrectionIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let mid = path_id(&ctx, &id)?;
    let (actor, grant) = grant_for(&st, &ctx, measures::client_of(&st.app, mid).await).await?;
    let kind = measures::kind_of(&st.app, &actor, &grant, mid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let v = match kind {
        MeasureKind::Gaf => match (b.gaf_symptom, b.gaf_function) {
            (Some(s), Some(f)) => NewValues::Gaf(s as f64, f as f64),
            (s, f) => {
                return Err(ctx.api_err(
                    missing(&[("gaf_symptom", s.is_some()), ("gaf_function", f.is_some())])
                        .unwrap_or(AppError::NotFound),
                ))
            }
        },
        k => match (b.item1, b.item2, b.item3, b.item4) {
            (Some(a), Some(b2), Some(c), Some(d)) => {
                if k == MeasureKind::Ors {
                    NewValues::Ors([a, b2, c, d])
                } else {
                    NewValues::Srs([a, b2, c, d])
                }
            }
            (a, b2, c, d) => {
                return Err(ctx.api_err(
                    missing(&[
                        ("item1", a.is_some()),
                        ("item2", b2.is_some()),
                        ("item3", c.is_some()),
                        ("item4", d.is_some()),
                    ])
                    .unwrap_or(AppError::NotFound),
                ))
            }
        },
    };
    let id = measures::correct(&st.app, &actor, &grant, mid, b.measured_on, v, &b.reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Delete a measure by retracting it (its author only; it stays in the history, marked).
#[utoipa::path(post, path = "/measures/{id}/retraction", params(("id" = Uuid, Path)), request_body = RetractIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn retract(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<RetractIn>,
) -> Result<StatusCode, ApiError> {
    let what = (id.as_str(), b.reason.as_str());
    retract_version(&st, &ctx, what, measures::client_of, measures::retract).await
}

/// Whose due list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DueQuery {
    /// Only the courses the caller is a member of (default: the whole team, as far as the
    /// caller may see it).
    #[serde(default)]
    mine: Option<bool>,
}

/// The measurement points that are due or overdue in the acting team, overdue first
/// (health personnel of the team; every person listed is named in the audit log).
#[utoipa::path(get, path = "/measures/due", params(DueQuery),
    responses((status = 200, body = [DuePoint]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn due(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> Result<Json<Vec<DuePoint>>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    measures::due(&st.app, &actor, team, q.mine.unwrap_or(false))
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The team's measurement points.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyIo {
    /// Months after inclusion (0 is inclusion), 1–12 of them, each a whole number 0–120.
    #[schema(schema_with = doc::measure_months)]
    months: Vec<f64>,
    /// Days either side of a point in which a measure counts, 0–180.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 0, maximum = 180)]
    window_days: i64,
    /// The measures a point needs (`gaf`, `ors`, `srs`).
    #[schema(schema_with = doc::measure_kinds)]
    required: Vec<String>,
}

/// The acting team's measurement points (its members).
#[utoipa::path(get, path = "/measures/policy",
    responses((status = 200, body = PolicyIo), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_policy(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<PolicyIo>, ApiError> {
    let (_, team) = acting(&ctx)?;
    let p = measures::policy(&st.app, team)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(PolicyIo {
        months: p.months.iter().map(|m| f64::from(*m)).collect(),
        window_days: p.window_days,
        required: p.required.iter().map(|k| k.code().to_string()).collect(),
    }))
}

/// Set the acting team's measurement points (the team lead).
#[utoipa::path(put, path = "/measures/policy", request_body = PolicyIo,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_policy(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<PolicyIo>,
) -> Result<StatusCode, ApiError> {
    let (actor, team) = acting(&ctx)?;
    let mut required = Vec::new();
    for r in &b.required {
        match MeasureKind::from_code(r.trim()) {
            Some(k) if !required.contains(&k) => required.push(k),
            Some(_) => {
                return Err(ctx.api_err(AppError::field(FieldError::new(
                    "required",
                    "duplicate_choice",
                    "Hver måling kan bare velges én gang.",
                    "Each measure can be chosen only once.",
                ))))
            }
            None => {
                return Err(ctx.api_err(AppError::field(FieldError::new(
                    "required",
                    "invalid_choice",
                    "Velg gaf, ors eller srs.",
                    "Choose gaf, ors or srs.",
                ))))
            }
        }
    }
    let mut months = Vec::new();
    for m in &b.months {
        if m.fract() != 0.0 || !(0.0..=120.0).contains(m) {
            return Err(ctx.api_err(AppError::field(FieldError::new(
                "months",
                "invalid_months",
                "Oppgi hele måneder 0–120 etter inntak.",
                "Give whole months 0–120 after inclusion.",
            ))));
        }
        let m = *m as u32;
        if months.contains(&m) || months.len() == 12 {
            return Err(ctx.api_err(AppError::field(FieldError::new(
                "months",
                "invalid_months",
                "Oppgi høyst 12 ulike måletidspunkter.",
                "Give at most 12 different measurement points.",
            ))));
        }
        months.push(m);
    }
    let p = MeasurePolicy {
        months,
        window_days: b.window_days,
        required,
    };
    measures::set_policy(&st.app, &actor, team, &p)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The acting team's SPoR interview rounds with their figures (aggregates only).
#[utoipa::path(get, path = "/spor/rounds",
    responses((status = 200, body = [Round]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn rounds(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Round>>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    measures::rounds(&st.app, &actor, team, ctx.lang)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new SPoR interview round.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RoundIn {
    /// Name, unique in the team.
    #[schema(schema_with = doc::short_text)]
    name: String,
    /// Started on (not in the future).
    #[schema(schema_with = doc::date_not_future)]
    started_on: NaiveDate,
}

/// Start a SPoR interview round in the acting team (its health personnel).
#[utoipa::path(post, path = "/spor/rounds", request_body = RoundIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_round(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<RoundIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, team) = acting(&ctx)?;
    let id = measures::create_round(&st.app, &actor, team, &b.name, b.started_on)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A SPoR interview: who, where, and the answers (`q1` … `q20`; 1, 3, 7, 8 and 10 on the 1–9
/// scale with one decimal, the rest free text; a question left out was not answered).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct InterviewIn {
    /// A round of the person's team.
    round_id: Uuid,
    /// The day (not in the future).
    #[schema(schema_with = doc::date_not_future)]
    interviewed_on: NaiveDate,
    /// Who interviewed.
    #[schema(schema_with = doc::short_text)]
    interviewer: String,
    /// The person's municipality.
    #[schema(schema_with = doc::municipality)]
    municipality: String,
    /// The person's age, 16–120.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 16, maximum = 120)]
    age: i64,
    /// Years of contact with the services, 0–100.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 0, maximum = 100)]
    contact_years: i64,
    /// Question 1 (1–9, one decimal; null: not answered).
    #[serde(default)]
    #[schema(schema_with = doc::spor_score)]
    q1: Option<f64>,
    /// Question 2 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q2: Option<String>,
    /// Question 3 (1–9, one decimal; null: not answered).
    #[serde(default)]
    #[schema(schema_with = doc::spor_score)]
    q3: Option<f64>,
    /// Question 4 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q4: Option<String>,
    /// Question 5 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q5: Option<String>,
    /// Question 6 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q6: Option<String>,
    /// Question 7 (1–9, one decimal; null: not answered).
    #[serde(default)]
    #[schema(schema_with = doc::spor_score)]
    q7: Option<f64>,
    /// Question 8 (1–9, one decimal; null: not answered).
    #[serde(default)]
    #[schema(schema_with = doc::spor_score)]
    q8: Option<f64>,
    /// Question 9 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q9: Option<String>,
    /// Question 10 (1–9, one decimal; null: not answered).
    #[serde(default)]
    #[schema(schema_with = doc::spor_score)]
    q10: Option<f64>,
    /// Question 11 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q11: Option<String>,
    /// Question 12 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q12: Option<String>,
    /// Question 13 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q13: Option<String>,
    /// Question 14 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q14: Option<String>,
    /// Question 15 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q15: Option<String>,
    /// Question 16 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q16: Option<String>,
    /// Question 17 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q17: Option<String>,
    /// Question 18 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q18: Option<String>,
    /// Question 19 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q19: Option<String>,
    /// Question 20 (free text).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    q20: Option<String>,
}

/// Record the person's SPoR interview in a round of their team (health personnel with access
/// to the person; one per person and round).
#[utoipa::path(post, path = "/clients/{id}/spor-interviews", params(("id" = Uuid, Path)), request_body = InterviewIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_interview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<InterviewIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = open_person(&st, &ctx, &id).await?;
    let input = interview_input(b);
    let id = measures::record_interview(&st.app, &actor, &grant, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

fn interview_input(b: InterviewIn) -> NewInterview {
    let scores: Vec<(u8, f64)> = [(b.q1, 1), (b.q3, 3), (b.q7, 7), (b.q8, 8), (b.q10, 10)]
        .into_iter()
        .filter_map(|(v, n)| v.map(|v| (n, v)))
        .collect();
    let texts: Vec<(u8, String)> = [
        (b.q2, 2),
        (b.q4, 4),
        (b.q5, 5),
        (b.q6, 6),
        (b.q9, 9),
        (b.q11, 11),
        (b.q12, 12),
        (b.q13, 13),
        (b.q14, 14),
        (b.q15, 15),
        (b.q16, 16),
        (b.q17, 17),
        (b.q18, 18),
        (b.q19, 19),
        (b.q20, 20),
    ]
    .into_iter()
    .filter_map(|(v, n)| v.map(|v| (n, v)))
    .collect();
    NewInterview {
        round_id: b.round_id,
        interviewed_on: Some(b.interviewed_on),
        interviewer: b.interviewer,
        municipality: b.municipality,
        age: Some(b.age as f64),
        contact_years: Some(b.contact_years as f64),
        scores,
        texts,
    }
}

/// A corrected SPoR interview: every field and answer as it should have been (the round stays
/// the old version's; `round_id` is required but ignored), and why.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SporInterviewCorrectionIn)]
pub(super) struct InterviewCorrectionIn {
    /// Why the interview is corrected.
    #[schema(schema_with = doc::short_text)]
    reason: String,
    /// The corrected interview.
    interview: InterviewIn,
}

/// Correct a SPoR interview: a new version superseding the old one, which is kept (only the
/// one who recorded it; health personnel with access to the person).
#[utoipa::path(post, path = "/clients/{id}/spor-interviews/{interview}/corrections",
    params(("id" = Uuid, Path), ("interview" = Uuid, Path)), request_body = InterviewCorrectionIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn correct_interview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, interview)): Path<(String, String)>,
    ApiJson(b, _): ApiJson<InterviewCorrectionIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let interview = path_id(&ctx, &interview)?;
    let (actor, grant) = open_person(&st, &ctx, &id).await?;
    let reason = b.reason;
    let input = interview_input(b.interview);
    let id = measures::correct_interview(&st.app, &actor, &grant, interview, input, &reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Every version of a measure, oldest first: the first recording, each correction with its
/// reason, and a deletion if any (health content; audited). Any version's id gives the line.
#[utoipa::path(get, path = "/clients/{id}/measures/{measure}/history",
    params(("id" = Uuid, Path), ("measure" = Uuid, Path)),
    responses((status = 200, body = [MeasureVersion]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn history(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure)): Path<(String, String)>,
) -> Result<Json<Vec<MeasureVersion>>, ApiError> {
    let measure = path_id(&ctx, &measure)?;
    let (actor, grant) = open_person(&st, &ctx, &id).await?;
    measures::history(&st.app, &actor, &grant, measure)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}
