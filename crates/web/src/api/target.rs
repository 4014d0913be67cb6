//! Ordinary services established or re-established for a person during the course, and the
//! parsing of the target-group part of an intake decision (issue 8).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::access::open_client;
use benk_app::error::Fields;
use benk_app::store::services::EstablishedRow;
use benk_app::target::{self, ServiceInput, TargetInput};
use benk_app::{AppError, FieldError};
use benk_domain::target_group::legacy;
use benk_domain::{EstablishedService, Purpose, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::intake::TargetGroupIn;
use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

/// An ordinary service established or re-established for the person.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ServiceIn {
    /// `gp`, `nav`, `home_services`, `housing_follow_up`, `dps_outpatient`,
    /// `substance_treatment`, `other`.
    #[schema(schema_with = doc::established_service)]
    service: String,
    /// Which service, e.g. "Fastlege Nilsen" (required for `other`).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    note: Option<String>,
    /// When it was established: not after today, nor before the referral arrived (at the
    /// decision); default the decision's date, or today.
    #[serde(default)]
    established_on: Option<NaiveDate>,
}

/// Parses one service; problems go to `f` under `field`.
fn service_input(f: &mut Fields, field: &str, s: ServiceIn) -> Option<ServiceInput> {
    let service = EstablishedService::from_code(&s.service);
    if service.is_none() {
        f.push(FieldError::new(
            field,
            "unknown_service",
            "Ukjent tjeneste.",
            "Unknown service.",
        ));
    }
    let note = f
        .check(
            field,
            ShortText::parse_optional(s.note.as_deref().unwrap_or("")),
        )
        .flatten();
    Some(ServiceInput {
        service: service?,
        note,
        established_on: s.established_on,
    })
}

/// The target-group part of a decision body: the ticked items (with the earlier booleans as
/// their C-Flex item codes), housing, where a routed person went, services established.
pub(super) fn target_input(
    f: &mut Fields,
    tg: TargetGroupIn,
    routed_to: Option<String>,
    services: Vec<ServiceIn>,
) -> TargetInput {
    let mut items = tg.items;
    for (on, code) in [
        (tg.severe_mental_illness, legacy::MENTAL_ILLNESS),
        (tg.substance_use, legacy::SUBSTANCE_USE),
        (tg.weak_connection, legacy::WEAK_CONNECTION),
    ] {
        if on {
            items.push(code.to_string());
        }
    }
    let routed_to = f
        .check(
            "routed_to",
            ShortText::parse_optional(routed_to.as_deref().unwrap_or("")),
        )
        .flatten();
    let services = services
        .into_iter()
        .filter_map(|s| service_input(f, "services_established", s))
        .collect();
    TargetInput {
        items,
        housing_problem: tg.housing_problem,
        routed_to,
        services,
    }
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// Record an ordinary service established or re-established for the person during the course
/// (health personnel in the person's care team; a refusal is audited). It counts for the
/// referral of the person's open episode in the team (or the latest one).
#[utoipa::path(post, path = "/clients/{id}/services", params(("id" = Uuid, Path)), request_body = ServiceIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn record(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<ServiceIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let id = super::path_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Coc)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let mut f = Fields::default();
    let input = service_input(&mut f, "service", b);
    f.finish().map_err(|e| ctx.api_err(e))?;
    let Some(input) = input else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let id = target::record_service(&st.app, actor, &grant, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The ordinary services established or re-established for the person in the team, at intake
/// and during the course, newest first (health personnel in the care team; audited).
#[utoipa::path(get, path = "/clients/{id}/services", params(("id" = Uuid, Path)),
    responses((status = 200, body = [EstablishedRow]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<EstablishedRow>>, ApiError> {
    let actor = ctx.api_actor()?;
    let id = super::path_id(&ctx, &id)?;
    let grant = open_client(&st.app, actor, id, Purpose::Coc)
        .await
        .map_err(|e| ctx.api_err(e))?;
    target::services_for_client(&st.app, actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}
