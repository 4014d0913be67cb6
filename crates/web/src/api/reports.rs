//! Reports of the framework in the API (issue 11): one report as JSON (the report model, every
//! table and chart) or as a file (CSV, XLSX, PDF, HTML), and the team's report settings.
//!
//! Who: the acting team's working members (workers, intake members, the team lead); the SPoR
//! survey only for its health personnel; the settings are set by the team lead. Every run is
//! audited `report.<name>` with the format. The JSON and the data files (CSV, XLSX) hide small
//! numbers and leave out person-level sections; PDF and HTML hide small numbers and keep the
//! free text (the team's own file).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benk_app::reports::fidelity::FidelityTargets;
use benk_app::reports::{self, ReportSettings};
use benk_app::{AppError, FieldError};
use benk_domain::Audience;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{doc, ApiJson, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::html::report::{self as page, Format, PeriodQuery};
use crate::AppState;

/// The period and format of a report.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportQuery {
    /// First date, 1990–2100 (default: twelve months before `to`).
    #[serde(default)]
    pub(super) from: Option<NaiveDate>,
    /// Last date, not before `from` (default: today).
    #[serde(default)]
    pub(super) to: Option<NaiveDate>,
    /// `json` (default), `csv`, `xlsx`, `pdf` or `html`.
    #[serde(default)]
    #[param(schema_with = doc::report_format)]
    pub(super) format: Option<String>,
    /// The C-Flex evaluation's follow-up window in months: 6, 12 (default) or 24. Other
    /// reports ignore it.
    #[serde(default)]
    #[param(schema_with = doc::report_window)]
    pub(super) window: Option<u32>,
}

/// A report: title, period, definitions, and sections of typed tables and charts (see
/// `docs/reports.md`). Small numbers are hidden (`{"kind": "suppressed"}`); person-level
/// sections are left out.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ReportDocument, value_type = Object)]
pub(super) struct ReportDocument(serde_json::Value);

/// One report for the acting team: JSON, or a file with `format`.
#[utoipa::path(get, path = "/reports/{name}",
    params(("name" = String, Path, description = "`activity`, `referrals`, `spor`, `cflex`, `tandem`, `fidelity` or `teams` (every team side by side; team leads and administrators)", pattern = "^(activity|referrals|spor|cflex|tandem|fidelity|teams)$"), ReportQuery),
    responses(
        (status = 200, description = "The report", content(
            (ReportDocument = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 422, response = doc::Invalid)))]
pub(super) async fn get_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    run_report(&st, &ctx, &name, q).await
}

/// Runs the report `name` for the API (also the referral report's old address with a period
/// and a format, `api::intake::referral_report`).
pub(super) async fn run_report(
    st: &AppState,
    ctx: &Ctx,
    name: &str,
    q: ReportQuery,
) -> Result<Response, ApiError> {
    let actor = ctx.api_actor()?.clone();
    let run = async {
        let name = page::name_of(name)?;
        let format = match q.format.as_deref() {
            None | Some("json") => None,
            Some(f) => Some(Format::from_code(f).ok_or_else(|| {
                AppError::field(FieldError::new(
                    "format",
                    "invalid_choice",
                    "Velg json, csv, xlsx, pdf eller html.",
                    "Choose json, csv, xlsx, pdf or html.",
                ))
            })?),
        };
        let team = page::team_for(&actor, name)?;
        let pq = PeriodQuery {
            from: q.from.map(|d| d.to_string()),
            to: q.to.map(|d| d.to_string()),
            format: None,
            window: q.window.map(|w| w.to_string()),
        };
        let (from, to) = page::period_of(name, &pq)?;
        let opts = page::options_of(&pq)?;
        let code = format.map_or("json", Format::code);
        let r = reports::run_with(&st.app, &actor, (name, team), (from, to), code, opts).await?;
        match format {
            None => Ok(Json(r.for_audience(Audience::Aggregate)).into_response()),
            Some(f) => page::download(&r, f, ctx.lang),
        }
    };
    run.await.map_err(|e| ctx.api_err(e))
}

/// The team's report settings.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReportSettingsIo)]
pub(super) struct SettingsIo {
    /// Counts of people from 1 to this − 1 are hidden in exported and cross-team reports.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 2, maximum = 100)]
    small_threshold: i64,
    /// NOK per inpatient day (C-Flex cost–benefit).
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 0, maximum = 1000000)]
    cost_per_inpatient_day: i64,
    /// Municipal co-financing of inpatient days, percent.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 0, maximum = 100)]
    co_financing_percent: i64,
    /// Fidelity targets (for the fidelity profile); a key left out takes its default.
    fidelity_targets: FidelityTargets,
}

impl From<ReportSettings> for SettingsIo {
    fn from(s: ReportSettings) -> Self {
        SettingsIo {
            small_threshold: s.small_threshold,
            cost_per_inpatient_day: s.cost_per_inpatient_day,
            co_financing_percent: s.co_financing_percent,
            fidelity_targets: s.fidelity_targets,
        }
    }
}

fn acting(ctx: &Ctx) -> Result<(benk_app::Actor, uuid::Uuid), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let team = super::intake::acting_team(ctx, &actor)?;
    Ok((actor, team))
}

/// The acting team's report settings (its members).
#[utoipa::path(get, path = "/report-settings",
    responses((status = 200, body = SettingsIo), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_settings(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<SettingsIo>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    reports::settings(&st.app, &actor, team)
        .await
        .map(|s| Json(s.into()))
        .map_err(|e| ctx.api_err(e))
}

/// Set the acting team's report settings (the team lead; audited `report.settings`).
#[utoipa::path(put, path = "/report-settings", request_body = SettingsIo,
    responses((status = 200, body = SettingsIo), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<SettingsIo>,
) -> Result<Json<SettingsIo>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    let s = ReportSettings {
        small_threshold: b.small_threshold,
        cost_per_inpatient_day: b.cost_per_inpatient_day,
        co_financing_percent: b.co_financing_percent,
        fidelity_targets: b.fidelity_targets,
    };
    reports::set_settings(&st.app, &actor, team, &s)
        .await
        .map(|s| Json(s.into()))
        .map_err(|e| ctx.api_err(e))
}
