//! Registry events in the API (issue 10): inpatient stays, emergency visits, police events and
//! prison stays, before and after inclusion, with corrections and retractions.
//!
//! Who: health content. A person's events are read and recorded under `open_client` with a
//! grant that covers health (`require_health`); refusals are audited, and every read too.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::registry::{self, NewEvent, RegistryEvents};
use benk_app::{AppError, FieldError};
use benk_domain::{EmergencyPlace, PoliceKind, RegistryKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::KnownFormat;
use uuid::Uuid;

use super::{doc, grant_for, open_person, path_id, retract_version, ApiJson, RetractIn};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = RegistryEventCreated)]
pub(super) struct Created {
    id: Uuid,
}

/// A day that is not after today (Europe/Oslo) and not before 1900.
///
/// A plain `date` in the document (the body field is a date, as for measures): a day in the
/// future or before 1900 is the domain's 422, naming the field; text that is no date is a 400.
fn day() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some("A date (YYYY-MM-DD) that is not after today."))
}

/// The last day of a stay: a day not after today, on or after its first day; null or absent
/// while the stay lasts.
fn end_day() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some(
            "The last day (YYYY-MM-DD), not after today and not before the first day; null while the stay lasts.",
        ))
}

fn codes(values: &[&'static str], nullable: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(if nullable {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::new(Type::String)
        })
        .enum_values(Some(
            values
                .iter()
                .map(|v| Some(*v))
                .chain(nullable.then_some(None)),
        ))
}

fn place() -> ObjectBuilder {
    let v: Vec<&'static str> = EmergencyPlace::ALL.iter().map(|p| p.code()).collect();
    codes(&v, false)
}

fn place_opt() -> ObjectBuilder {
    let v: Vec<&'static str> = EmergencyPlace::ALL.iter().map(|p| p.code()).collect();
    codes(&v, true)
}

fn police_kind() -> ObjectBuilder {
    let v: Vec<&'static str> = PoliceKind::ALL.iter().map(|p| p.code()).collect();
    codes(&v, false)
}

fn police_kind_opt() -> ObjectBuilder {
    let v: Vec<&'static str> = PoliceKind::ALL.iter().map(|p| p.code()).collect();
    codes(&v, true)
}

/// The person's registry events (current versions), oldest first, each marked before or after
/// inclusion, with the totals of the 12 months before inclusion and as many days after
/// (health content; audited).
#[utoipa::path(get, path = "/clients/{id}/registry-events", params(("id" = Uuid, Path)),
    responses((status = 200, body = RegistryEvents), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<RegistryEvents>, ApiError> {
    let (actor, grant) = open_person(&st, &ctx, &id).await?;
    registry::list(&st.app, &actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// An inpatient stay.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct InpatientIn {
    /// Admission day.
    #[schema(schema_with = day)]
    admitted_on: NaiveDate,
    /// Discharge day (not before admission); null or absent while still admitted.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    discharged_on: Option<NaiveDate>,
    /// The hospital, DPS or ward.
    #[schema(schema_with = doc::short_text)]
    institution: String,
    /// Compulsory care ("tvang"); false for voluntary.
    compulsory: bool,
    /// The legal basis of compulsory care (optional, only with `compulsory`).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    legal_basis: Option<String>,
}

/// An emergency visit.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EmergencyIn {
    /// The day of the visit.
    #[schema(schema_with = day)]
    visited_on: NaiveDate,
    /// Where: `emergency_clinic` (legevakt), `emergency_department` (akuttmottak),
    /// `acute_psychiatry`, `other`.
    #[schema(schema_with = place)]
    place: String,
}

/// A police event or an arrest.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PoliceIn {
    /// The day.
    #[schema(schema_with = day)]
    occurred_on: NaiveDate,
    /// `event` or `arrest` (pågripelse).
    #[schema(schema_with = police_kind)]
    police_kind: String,
}

/// A prison stay.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PrisonIn {
    /// First day.
    #[schema(schema_with = day)]
    started_on: NaiveDate,
    /// Release day (not before the first day); null or absent while serving.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    ended_on: Option<NaiveDate>,
}

async fn record(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    e: NewEvent,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = open_person(st, ctx, id).await?;
    let id = registry::record(&st.app, &actor, &grant, e)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

impl From<InpatientIn> for NewEvent {
    fn from(b: InpatientIn) -> NewEvent {
        NewEvent::Inpatient {
            admitted_on: b.admitted_on,
            discharged_on: b.discharged_on,
            institution: b.institution,
            compulsory: b.compulsory,
            legal_basis: b.legal_basis,
        }
    }
}

impl From<EmergencyIn> for NewEvent {
    fn from(b: EmergencyIn) -> NewEvent {
        NewEvent::Emergency {
            visited_on: b.visited_on,
            place: b.place,
        }
    }
}

impl From<PoliceIn> for NewEvent {
    fn from(b: PoliceIn) -> NewEvent {
        NewEvent::Police {
            occurred_on: b.occurred_on,
            police_kind: b.police_kind,
        }
    }
}

impl From<PrisonIn> for NewEvent {
    fn from(b: PrisonIn) -> NewEvent {
        NewEvent::Prison {
            started_on: b.started_on,
            ended_on: b.ended_on,
        }
    }
}

/// One create route per kind: its own body and document, one use case.
macro_rules! create_route {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $body:ty) => {
        $(#[doc = $doc])*
        #[utoipa::path(post, path = $path, params(("id" = Uuid, Path)), request_body = $body,
            responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
        pub(super) async fn $name(
            State(st): State<AppState>,
            ctx: Ctx,
            Path(id): Path<String>,
            ApiJson(b, _): ApiJson<$body>,
        ) -> Result<(StatusCode, Json<Created>), ApiError> {
            record(&st, &ctx, &id, b.into()).await
        }
    };
}

create_route!(
    /// Record an inpatient stay (health personnel with access to the person). A discharge
    /// before admission is 422 naming `discharged_on`; a stay overlapping another inpatient
    /// stay of the person is 422 naming `admitted_on` and giving the other stay's dates.
    add_inpatient,
    "/clients/{id}/registry-events/inpatient",
    InpatientIn
);
create_route!(
    /// Record an emergency visit (health personnel with access to the person).
    add_emergency,
    "/clients/{id}/registry-events/emergency",
    EmergencyIn
);
create_route!(
    /// Record a police event or an arrest (health personnel with access to the person).
    add_police,
    "/clients/{id}/registry-events/police",
    PoliceIn
);
create_route!(
    /// Record a prison stay (health personnel with access to the person). A release before
    /// the start is 422 naming `ended_on`; a stay overlapping another prison stay is 422
    /// naming `started_on`.
    add_prison,
    "/clients/{id}/registry-events/prison",
    PrisonIn
);

/// A correction of a registry event: why, and the fields of the event's kind (inpatient:
/// `admitted_on`, `discharged_on`, `institution`, `compulsory`, `legal_basis`; emergency:
/// `visited_on`, `place`; police: `occurred_on`, `police_kind`; prison: `started_on`,
/// `ended_on`).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RegistryEventCorrectionIn)]
pub(super) struct CorrectionIn {
    /// Why it is corrected.
    #[schema(schema_with = doc::short_text)]
    reason: String,
    /// Inpatient: admission day.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    admitted_on: Option<NaiveDate>,
    /// Inpatient: discharge day; null or absent while still admitted.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    discharged_on: Option<NaiveDate>,
    /// Inpatient: the institution.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    institution: Option<String>,
    /// Inpatient: compulsory care.
    #[serde(default)]
    compulsory: Option<bool>,
    /// Inpatient: the legal basis of compulsory care.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    legal_basis: Option<String>,
    /// Emergency: the day.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    visited_on: Option<NaiveDate>,
    /// Emergency: where.
    #[serde(default)]
    #[schema(schema_with = place_opt)]
    place: Option<String>,
    /// Police: the day.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    occurred_on: Option<NaiveDate>,
    /// Police: `event` or `arrest`.
    #[serde(default)]
    #[schema(schema_with = police_kind_opt)]
    police_kind: Option<String>,
    /// Prison: first day.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    started_on: Option<NaiveDate>,
    /// Prison: release day; null or absent while serving.
    #[serde(default)]
    #[schema(schema_with = end_day)]
    ended_on: Option<NaiveDate>,
}

fn need<T>(v: Option<T>, field: &str, errs: &mut Vec<FieldError>) -> Option<T> {
    if v.is_none() {
        errs.push(FieldError::required(field));
    }
    v
}

fn event_of(kind: RegistryKind, b: CorrectionIn) -> Result<NewEvent, AppError> {
    let mut errs = Vec::new();
    let e = match kind {
        RegistryKind::Inpatient => {
            let a = need(b.admitted_on, "admitted_on", &mut errs);
            let i = need(
                b.institution.filter(|s| !s.trim().is_empty()),
                "institution",
                &mut errs,
            );
            let c = need(b.compulsory, "compulsory", &mut errs);
            match (a, i, c) {
                (Some(admitted_on), Some(institution), Some(compulsory)) => {
                    Some(NewEvent::Inpatient {
                        admitted_on,
                        discharged_on: b.discharged_on,
                        institution,
                        compulsory,
                        legal_basis: b.legal_basis,
                    })
                }
                _ => None,
            }
        }
        RegistryKind::Emergency => {
            let d = need(b.visited_on, "visited_on", &mut errs);
            let p = need(b.place, "place", &mut errs);
            d.zip(p)
                .map(|(visited_on, place)| NewEvent::Emergency { visited_on, place })
        }
        RegistryKind::Police => {
            let d = need(b.occurred_on, "occurred_on", &mut errs);
            let k = need(b.police_kind, "police_kind", &mut errs);
            d.zip(k).map(|(occurred_on, police_kind)| NewEvent::Police {
                occurred_on,
                police_kind,
            })
        }
        RegistryKind::Prison => {
            need(b.started_on, "started_on", &mut errs).map(|started_on| NewEvent::Prison {
                started_on,
                ended_on: b.ended_on,
            })
        }
    };
    e.ok_or(AppError::Invalid(errs))
}

/// Correct a registry event: a new version that supersedes it (its author only; the old
/// version is kept; the kind stays). The body gives the fields of the event's kind.
#[utoipa::path(post, path = "/registry-events/{id}/corrections", params(("id" = Uuid, Path)), request_body = CorrectionIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn correct(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<CorrectionIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let eid = path_id(&ctx, &id)?;
    let (actor, grant) = grant_for(&st, &ctx, registry::client_of(&st.app, eid).await).await?;
    let kind = registry::kind_of(&st.app, &actor, &grant, eid)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let reason = b.reason.clone();
    let e = event_of(kind, b).map_err(|e| ctx.api_err(e))?;
    let id = registry::correct(&st.app, &actor, &grant, eid, e, &reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Delete a registry event by retracting it (its author only; it stays in the history,
/// marked).
#[utoipa::path(post, path = "/registry-events/{id}/retraction", params(("id" = Uuid, Path)), request_body = RetractIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn retract(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<RetractIn>,
) -> Result<StatusCode, ApiError> {
    let what = (id.as_str(), b.reason.as_str());
    retract_version(&st, &ctx, what, registry::client_of, registry::retract).await
}
