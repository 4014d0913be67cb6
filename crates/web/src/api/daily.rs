//! The open hour, the drop-in centre and housing in the API (issue 9).
//!
//! Who: slots are set up by the team lead or intake members; bookings are read under the
//! guidance-case grant (health personnel in the intake team, the team lead); the drop-in
//! register by the team's working members; housing by anyone who may open the person's record
//! (housing is not health content). Refusals are audited, and every read too.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::dropin::Register;
use benk_app::guidance::{self, GuidanceGrant};
use benk_app::housing::{self, Housing};
use benk_app::openhour::{self, Booking, Slot};
use benk_app::{access, dropin, Actor, AppError, FieldError};
use benk_domain::{DropInService, HousingQueueStatus, HousingStatus, LongText, Purpose, ShortText};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

fn acting(ctx: &Ctx) -> Result<(Actor, Uuid), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let team = super::intake::acting_team(ctx, &actor)?;
    Ok((actor, team))
}

async fn booking_grant(
    st: &AppState,
    ctx: &Ctx,
    action: &str,
) -> Result<(Actor, GuidanceGrant), ApiError> {
    let (actor, team) = acting(ctx)?;
    let g = guidance::open_guidance(&st.app, &actor, team, action)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((actor, g))
}

use super::path_id as uuid;

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// A recurring open-hour slot.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SlotIn {
    /// ISO weekday, 1 Monday … 7 Sunday (C-Flex: 4, Thursday).
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 1, maximum = 7)]
    weekday: i64,
    /// Local (Europe/Oslo) start, "HH:MM".
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    start_time: String,
    /// Minutes, 5–480.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 5, maximum = 480)]
    length_min: i64,
    /// Bookings per slot, 1–50.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(minimum = 1, maximum = 50)]
    capacity: i64,
    /// First date.
    valid_from: NaiveDate,
    /// Last date (not before `valid_from`).
    #[serde(default)]
    valid_until: Option<NaiveDate>,
    /// Where.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    place: Option<String>,
}

/// The acting team's recurring slots that have not ended (times only).
#[utoipa::path(get, path = "/open-hour/slots", responses((status = 200, body = [Slot]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_slots(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Slot>>, ApiError> {
    let (_, team) = acting(&ctx)?;
    openhour::slots(&st.app, team)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// Set up a recurring slot (team lead or intake member).
#[utoipa::path(post, path = "/open-hour/slots", request_body = SlotIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_slot(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<SlotIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, team) = acting(&ctx)?;
    let input = crate::html::daily::parse_slot(
        &b.weekday.to_string(),
        &b.start_time,
        &b.length_min.to_string(),
        &b.capacity.to_string(),
        &b.valid_from.to_string(),
        &b.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        b.place.as_deref().unwrap_or(""),
    )
    .map_err(|e| ctx.api_err(AppError::Invalid(e)))?;
    let id = openhour::create_slot(&st.app, &actor, team, input)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Bookings from a date.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FromQuery {
    /// First date (default: today).
    #[serde(default)]
    from: Option<NaiveDate>,
}

/// The acting team's open-hour bookings from a date (audited; the case texts are health content).
#[utoipa::path(get, path = "/open-hour/bookings", params(FromQuery),
    responses((status = 200, body = [Booking]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_bookings(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<FromQuery>,
) -> Result<Json<Vec<Booking>>, ApiError> {
    let (actor, g) = booking_grant(&st, &ctx, "open_hour.list").await?;
    let from = q.from.unwrap_or_else(benk_app::time::oslo_today);
    openhour::bookings(&st.app, &actor, &g, from)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// One booking (audited).
#[utoipa::path(get, path = "/open-hour/bookings/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = Booking), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_booking(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Booking>, ApiError> {
    let (actor, g) = booking_grant(&st, &ctx, "open_hour.read").await?;
    let id = uuid(&ctx, &id)?;
    openhour::booking(&st.app, &actor, &g, id)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The advice given at the open hour.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AdviceIn {
    /// The advice (health content; a national id is refused).
    #[schema(schema_with = doc::long_text)]
    advice: String,
    /// When to follow up (the guidance case stays open); absent: closed.
    #[serde(default)]
    follow_up_on: Option<NaiveDate>,
}

/// Record the advice given as a level-3 guidance case (channel `open_hour`) linked to the
/// booking; 409 if the booking already has one.
#[utoipa::path(post, path = "/open-hour/bookings/{id}/guidance", params(("id" = Uuid, Path)), request_body = AdviceIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn advise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<AdviceIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, g) = booking_grant(&st, &ctx, "open_hour.advise").await?;
    let id = uuid(&ctx, &id)?;
    let advice = LongText::parse(&b.advice)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("advice", &e))))?;
    let gid = openhour::advise(&st.app, &actor, &g, id, advice, b.follow_up_on)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: gid })))
}

/// A period.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeriodQuery {
    /// First date (default: the first of the month a year ago).
    #[serde(default)]
    from: Option<NaiveDate>,
    /// Last date (default: today).
    #[serde(default)]
    to: Option<NaiveDate>,
}

fn period(q: &PeriodQuery) -> (NaiveDate, NaiveDate) {
    let today = benk_app::time::oslo_today();
    let to = q.to.unwrap_or(today);
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year() - 1, to.month(), 1).unwrap_or(to));
    (from, to)
}

/// The drop-in register: counts per service per day and per month (no person data; audited).
#[utoipa::path(get, path = "/dropin", params(PeriodQuery),
    responses((status = 200, body = Register), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn dropin_register(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Register>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    let (from, to) = period(&q);
    dropin::register(&st.app, &actor, team, from, to)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A day's counts: each service given is set (replacing that day's count); 0–1000.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DayIn {
    /// Visits.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    visit: Option<i64>,
    /// Meals.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    meal: Option<i64>,
    /// Coffee.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    coffee: Option<i64>,
    /// Showers.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    shower: Option<i64>,
    /// Laundry.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    laundry: Option<i64>,
    /// Clinic room.
    #[serde(default, deserialize_with = "doc::integer_opt")]
    clinic_room: Option<i64>,
}

/// Record a day's drop-in counts (a negative count, one over 1000 or a future day is a 422
/// naming the field).
#[utoipa::path(put, path = "/dropin/{day}", params(("day" = NaiveDate, Path)), request_body = DayIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn dropin_day(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
    ApiJson(b, _): ApiJson<DayIn>,
) -> Result<StatusCode, ApiError> {
    let (actor, team) = acting(&ctx)?;
    let day =
        NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| ctx.api_err(AppError::NotFound))?;
    let counts: Vec<(DropInService, i64)> = [
        (DropInService::Visit, b.visit),
        (DropInService::Meal, b.meal),
        (DropInService::Coffee, b.coffee),
        (DropInService::Shower, b.shower),
        (DropInService::Laundry, b.laundry),
        (DropInService::ClinicRoom, b.clinic_room),
    ]
    .into_iter()
    .filter_map(|(s, n)| n.map(|n| (s, n)))
    .collect();
    dropin::record_day(&st.app, &actor, team, day, &counts)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A known person's visit at the drop-in centre.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VisitIn {
    /// The day (default today; not in the future).
    #[serde(default)]
    day: Option<NaiveDate>,
    /// The services used (`DropInService` codes).
    #[serde(default)]
    services: Vec<String>,
}

/// Log a known person's drop-in visit: a contact of kind `drop_in` (met) with the services used.
#[utoipa::path(post, path = "/clients/{id}/dropin-visits", params(("id" = Uuid, Path)), request_body = VisitIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn dropin_visit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<VisitIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let id = uuid(&ctx, &id)?;
    let mut services = Vec::new();
    for s in &b.services {
        services.push(DropInService::from_code(s.trim()).ok_or_else(|| {
            ctx.api_err(AppError::field(FieldError::new(
                "services",
                "invalid_choice",
                "Ukjent tjeneste.",
                "Unknown service.",
            )))
        })?);
    }
    let grant = access::open_client(&st.app, actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let day = b.day.unwrap_or_else(benk_app::time::oslo_today);
    let cid = dropin::record_visit(&st.app, actor, &grant, day, &services)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id: cid })))
}

async fn open(st: &AppState, ctx: &Ctx, id: &str) -> Result<(Actor, access::ReadGrant), ApiError> {
    let actor = ctx.api_actor()?.clone();
    let id = uuid(ctx, id)?;
    let grant = access::open_client(&st.app, &actor, id, Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((actor, grant))
}

/// The person's housing: history (newest first), housing queue and evictions (audited).
#[utoipa::path(get, path = "/clients/{id}/housing", params(("id" = Uuid, Path)),
    responses((status = 200, body = Housing), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_housing(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Housing>, ApiError> {
    let (actor, grant) = open(&st, &ctx, &id).await?;
    housing::get(&st.app, &actor, &grant)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

fn short_opt(ctx: &Ctx, field: &str, s: Option<&str>) -> Result<Option<ShortText>, ApiError> {
    ShortText::parse_optional(s.unwrap_or(""))
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of(field, &e))))
}

fn code<T>(ctx: &Ctx, field: &str, s: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, ApiError> {
    f(s.trim()).ok_or_else(|| {
        ctx.api_err(AppError::field(FieldError::new(
            field,
            "invalid_choice",
            "Velg et av alternativene.",
            "Choose one of the options.",
        )))
    })
}

/// A housing status from a date.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusIn {
    /// `HousingStatus` code.
    #[schema(schema_with = doc::housing_status)]
    status: String,
    /// From this date (not in the future).
    from_date: NaiveDate,
    /// Note.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    note: Option<String>,
}

/// Record the person's housing status from a date.
#[utoipa::path(post, path = "/clients/{id}/housing/statuses", params(("id" = Uuid, Path)), request_body = StatusIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<StatusIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = open(&st, &ctx, &id).await?;
    let status = code(&ctx, "status", &b.status, HousingStatus::from_code)?;
    let note = short_opt(&ctx, "note", b.note.as_deref())?;
    let id = housing::add_status(&st.app, &actor, &grant, status, b.from_date, note)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// An application in the housing queue.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ApplicationIn {
    /// Applied on (not in the future).
    applied_on: NaiveDate,
    /// What was applied for ("kommunal bolig").
    #[schema(schema_with = doc::short_text)]
    what: String,
    /// `HousingQueueStatus` code.
    #[schema(schema_with = doc::housing_queue_status)]
    status: String,
    /// Decided on: required unless `applied`, absent for `applied`.
    #[serde(default)]
    decided_on: Option<NaiveDate>,
}

/// Record an application in the housing queue.
#[utoipa::path(post, path = "/clients/{id}/housing/applications", params(("id" = Uuid, Path)), request_body = ApplicationIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_application(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<ApplicationIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = open(&st, &ctx, &id).await?;
    let status = code(&ctx, "status", &b.status, HousingQueueStatus::from_code)?;
    let what = ShortText::parse(&b.what)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("what", &e))))?;
    let id = housing::add_application(
        &st.app,
        &actor,
        &grant,
        b.applied_on,
        what,
        status,
        b.decided_on,
    )
    .await
    .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A change of an application's status.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ApplicationUpdate {
    /// `HousingQueueStatus` code.
    #[schema(schema_with = doc::housing_queue_status)]
    status: String,
    /// Decided on: required unless `applied`.
    #[serde(default)]
    decided_on: Option<NaiveDate>,
}

/// Change an application's status (decided, withdrawn).
#[utoipa::path(put, path = "/clients/{id}/housing/applications/{aid}", params(("id" = Uuid, Path), ("aid" = Uuid, Path)), request_body = ApplicationUpdate,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn update_application(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(String, String)>,
    ApiJson(b, _): ApiJson<ApplicationUpdate>,
) -> Result<StatusCode, ApiError> {
    let (actor, grant) = open(&st, &ctx, &id).await?;
    let aid = uuid(&ctx, &aid)?;
    let status = code(&ctx, "status", &b.status, HousingQueueStatus::from_code)?;
    housing::update_application(&st.app, &actor, &grant, aid, status, b.decided_on)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// An eviction.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EvictionIn {
    /// The date (not in the future).
    evicted_on: NaiveDate,
    /// Note.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    note: Option<String>,
}

/// Record an eviction.
#[utoipa::path(post, path = "/clients/{id}/housing/evictions", params(("id" = Uuid, Path)), request_body = EvictionIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_eviction(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<EvictionIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (actor, grant) = open(&st, &ctx, &id).await?;
    let note = short_opt(&ctx, "note", b.note.as_deref())?;
    let id = housing::add_eviction(&st.app, &actor, &grant, b.evicted_on, note)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A share with what it was computed from.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct RatioOut {
    numerator: i64,
    denominator: i64,
}

/// The team's housing outcomes over a period (aggregates only).
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct HousingOutcomesOut {
    /// People followed in the period who were homeless at inclusion, and how many got housing
    /// (own home or municipal rental) after the inclusion and by the period's end.
    homeless_got_housing: RatioOut,
    /// Median days from inclusion to that housing.
    median_days_to_housing: Option<i64>,
    /// People followed in the period, and how many were evicted in it while followed.
    evicted_while_followed: RatioOut,
}

/// Housing outcomes of the acting team (for the reports).
#[utoipa::path(get, path = "/reports/housing", params(PeriodQuery),
    responses((status = 200, body = HousingOutcomesOut), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn housing_report(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<HousingOutcomesOut>, ApiError> {
    let (actor, team) = acting(&ctx)?;
    let (from, to) = period(&q);
    let o = housing::outcomes(&st.app, &actor, team, from, to)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let r = |r: benk_domain::Ratio| RatioOut {
        numerator: r.numerator,
        denominator: r.denominator,
    };
    Ok(Json(HousingOutcomesOut {
        homeless_got_housing: r(o.homeless_got_housing),
        median_days_to_housing: o.median_days_to_housing,
        evicted_while_followed: r(o.evicted_while_followed),
    }))
}
