//! The JSON API under `/api/v1`, authenticated with `Authorization: Bearer`.
//! Errors are `{"error":{"code":…,"message":…}}` in the caller's language;
//! the OpenAPI 3.1 document is generated from these handlers.

mod answer;
mod appointments;
mod assessment;
mod board;
mod clients;
mod contacts;
mod daily;
pub mod doc;
mod guidance;
mod import;
mod intake;
mod learning;
mod measures;
mod orgs;
mod plans;
mod registry;
mod reports;
mod target;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use benk_domain::Lang;
use doc::CommonResponses;
use serde::de::DeserializeOwned;
use serde_json::json;
use utoipa::OpenApi;

use crate::AppState;

/// The API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route(
            "/organisations",
            get(orgs::list_organisations).post(orgs::create_organisation),
        )
        .route("/teams", get(orgs::list_teams).post(orgs::create_team))
        .route("/teams/{id}", get(orgs::get_team))
        .route("/teams/{id}/contact", put(answer::set_team_contact))
        .route("/referrals/{id}/decision/consent", put(answer::set_consent))
        .route(
            "/clients/{id}/situation",
            get(answer::get_situation).put(answer::set_situation),
        )
        .route("/clients/{id}/referrals", get(answer::client_referrals))
        .route(
            "/clients/{id}/referrals/{rid}",
            get(answer::client_referral),
        )
        .route("/staff", get(orgs::list_staff).post(orgs::create_staff))
        .route(
            "/staff/{id}/health-personnel",
            put(orgs::set_health_personnel),
        )
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/{id}", get(clients::get).put(clients::update))
        .route("/clients/{id}/entries", post(clients::add_entry))
        .route(
            "/clients/{id}/contacts",
            get(contacts::list).post(contacts::create),
        )
        .route("/contacts/{id}", get(contacts::get))
        .route("/clients/{id}/timeline", get(contacts::timeline))
        .route(
            "/clients/{id}/draft",
            get(contacts::get_draft).put(contacts::put_draft),
        )
        .route("/clients/{id}/draft/sign", post(contacts::sign))
        .route("/entries/{id}/corrections", post(contacts::correct))
        .route(
            "/clients/{id}/care-relationships",
            get(clients::list_care).post(clients::create_care),
        )
        .route(
            "/clients/{id}/care-relationships/{rid}/end",
            post(clients::end_care),
        )
        .route(
            "/agencies",
            get(intake::list_agencies).post(intake::add_agency),
        )
        .route("/referrals", get(intake::board).post(intake::register))
        .route("/referrals/{id}", get(intake::get_referral))
        .route("/referrals/{id}/assess", post(intake::assess))
        .route("/referrals/{id}/decision", post(intake::decide))
        .route("/referrals/{id}/diagnoses", post(assessment::add_diagnoses))
        .route("/referrals/{id}/notes", post(assessment::add_note))
        .route("/organisations/{id}/side", put(orgs::set_side))
        .route("/clients/{id}/episodes", get(intake::client_episodes))
        .route("/episodes/{id}/level", post(intake::change_level))
        .route("/episodes/{id}/members", post(intake::add_member))
        .route("/episodes/{id}/members/{mid}/leave", post(intake::leave))
        .route("/episodes/{id}/close", post(intake::close))
        .route("/episodes/{id}/responsibility-group", post(intake::add_rg))
        .route(
            "/episodes/{id}/responsibility-group/{mid}/remove",
            post(intake::remove_rg),
        )
        .route("/reports/referrals", get(intake::referral_report))
        .route(
            "/guidance-cases",
            get(guidance::list).post(guidance::create),
        )
        .route(
            "/guidance-cases/{id}",
            get(guidance::get).put(guidance::update),
        )
        .route(
            "/clients/{id}/services",
            get(target::list).post(target::record),
        )
        .route(
            "/open-hour/slots",
            get(daily::list_slots).post(daily::create_slot),
        )
        .route("/open-hour/bookings", get(daily::list_bookings))
        .route("/open-hour/bookings/{id}", get(daily::get_booking))
        .route("/open-hour/bookings/{id}/guidance", post(daily::advise))
        .route("/dropin", get(daily::dropin_register))
        .route("/dropin/{day}", put(daily::dropin_day))
        .route("/clients/{id}/dropin-visits", post(daily::dropin_visit))
        .route("/clients/{id}/housing", get(daily::get_housing))
        .route("/clients/{id}/housing/statuses", post(daily::add_status))
        .route(
            "/clients/{id}/housing/applications",
            post(daily::add_application),
        )
        .route(
            "/clients/{id}/housing/applications/{aid}",
            put(daily::update_application),
        )
        .route("/clients/{id}/housing/evictions", post(daily::add_eviction))
        .route("/reports/housing", get(daily::housing_report))
        .route("/reports/{name}", get(reports::get_report))
        .route(
            "/report-settings",
            get(reports::get_settings).put(reports::set_settings),
        )
        .route(
            "/clients/{id}/appointments",
            get(appointments::list).post(appointments::create),
        )
        .route(
            "/clients/{id}/appointments/{aid}",
            patch(appointments::update),
        )
        .route(
            "/clients/{id}/appointments/{aid}/cancel",
            post(appointments::cancel),
        )
        .route("/appointments", get(appointments::mine))
        .route(
            "/teams/{id}/needs-contact",
            get(appointments::needs_contact),
        )
        .route("/teams/{id}/caseload", get(board::get_caseload))
        .route(
            "/teams/{id}/board",
            get(board::get_board).post(board::add_to_board),
        )
        .route("/board/{id}/reviews", post(board::review))
        .route("/board/{id}/remove", post(board::remove))
        .route(
            "/teams/{id}/meetings",
            get(board::list_meetings).post(board::create_meeting),
        )
        .route("/meetings/{id}", get(board::get_meeting))
        .route("/meetings/{id}/items", post(board::add_item))
        .route("/meeting-items/{id}/decision", post(board::decide))
        .route("/clients/{id}/measures", get(measures::list))
        .route("/clients/{id}/measures/gaf", post(measures::add_gaf))
        .route("/clients/{id}/measures/ors", post(measures::add_ors))
        .route("/clients/{id}/measures/srs", post(measures::add_srs))
        .route("/measures/{id}/corrections", post(measures::correct))
        .route(
            "/clients/{id}/measures/{measure}/history",
            get(measures::history),
        )
        .route("/measures/{id}/retraction", post(measures::retract))
        .route("/measures/due", get(measures::due))
        .route(
            "/measures/policy",
            get(measures::get_policy).put(measures::set_policy),
        )
        .route(
            "/spor/rounds",
            get(measures::rounds).post(measures::create_round),
        )
        .route(
            "/clients/{id}/spor-interviews",
            post(measures::add_interview),
        )
        .route(
            "/clients/{id}/spor-interviews/{interview}/corrections",
            post(measures::correct_interview),
        )
        .route(
            "/clients/{id}/goals",
            get(plans::list_goals).post(plans::add_goal),
        )
        .route("/goals/{id}/notes", post(plans::add_goal_note))
        .route(
            "/clients/{id}/plan",
            get(plans::get_plan).post(plans::create_plan),
        )
        .route("/clients/{id}/plan/status", get(plans::plan_status))
        .route("/plans/{id}/revisions", post(plans::revise_plan))
        .route("/plans/{id}/versions/{n}", get(plans::get_version))
        .route("/clients/{id}/rg-meetings", get(plans::list_meetings))
        .route("/episodes/{id}/rg-meetings", post(plans::create_meeting))
        .route("/rg-meetings/{id}", get(plans::get_meeting))
        .route("/rg-tasks/{id}/status", put(plans::set_task_status))
        .route("/tasks/mine", get(plans::my_tasks))
        .route("/clients/{id}/registry-events", get(registry::list))
        .route(
            "/clients/{id}/registry-events/inpatient",
            post(registry::add_inpatient),
        )
        .route(
            "/clients/{id}/registry-events/emergency",
            post(registry::add_emergency),
        )
        .route(
            "/clients/{id}/registry-events/police",
            post(registry::add_police),
        )
        .route(
            "/clients/{id}/registry-events/prison",
            post(registry::add_prison),
        )
        .route("/registry-events/{id}/corrections", post(registry::correct))
        .route("/registry-events/{id}/retraction", post(registry::retract))
        .route("/tasks/plan-revisions", get(plans::revisions_due))
        .route(
            "/episodes/{id}/learning-log",
            get(learning::get_log).post(learning::create_entry),
        )
        .route(
            "/episodes/{id}/learning-log/label",
            put(learning::set_label),
        )
        .route(
            "/learning-entries/{id}/evaluations",
            post(learning::evaluate),
        )
        .route(
            "/learning/factors",
            get(learning::factors).post(learning::add_factor),
        )
        .route("/learning/summary", get(learning::summary))
        .route(
            "/import/{kind}",
            post(import::import_file).layer(axum::extract::DefaultBodyLimit::max(import::MAX_FILE)),
        )
        .fallback(not_found)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Benk API", version = "1", description = "Benk: the working tool of integrated outreach teams. Every read and write of a client's record is audited."),
    paths(
        orgs::list_organisations, orgs::create_organisation, orgs::list_teams, orgs::create_team, orgs::get_team,
        orgs::list_staff, orgs::create_staff, orgs::set_health_personnel,
        clients::list, clients::create, clients::get, clients::update, clients::add_entry,
        clients::list_care, clients::create_care, clients::end_care,
        intake::list_agencies, intake::add_agency, intake::board, intake::register, intake::get_referral, intake::assess,
        intake::decide, intake::client_episodes, intake::change_level, intake::add_member, intake::leave, intake::close,
        intake::add_rg, intake::remove_rg, intake::referral_report,
        guidance::list, guidance::create, guidance::get, guidance::update,
        answer::set_team_contact, answer::set_consent, answer::get_situation, answer::set_situation,
        answer::client_referrals, answer::client_referral,
        assessment::add_diagnoses, assessment::add_note, orgs::set_side,
        target::record, target::list,
        daily::list_slots, daily::create_slot, daily::list_bookings, daily::get_booking, daily::advise,
        daily::dropin_register, daily::dropin_day, daily::dropin_visit,
        daily::get_housing, daily::add_status, daily::add_application, daily::update_application,
        daily::add_eviction, daily::housing_report,
        contacts::create, contacts::list, contacts::get, contacts::timeline,
        contacts::get_draft, contacts::put_draft, contacts::sign, contacts::correct,
        appointments::list, appointments::create, appointments::update, appointments::cancel,
        appointments::mine, appointments::needs_contact,
        board::get_caseload, board::get_board, board::add_to_board, board::review, board::remove,
        board::list_meetings, board::create_meeting, board::get_meeting, board::add_item, board::decide,
        measures::list, measures::add_gaf, measures::add_ors, measures::add_srs, measures::correct,
        measures::retract, measures::due, measures::get_policy, measures::set_policy, measures::rounds,
        measures::create_round, measures::add_interview, measures::correct_interview, measures::history,
        plans::list_goals, plans::add_goal, plans::add_goal_note, plans::plan_status, plans::get_plan,
        plans::create_plan, plans::revise_plan, plans::get_version, plans::list_meetings, plans::create_meeting,
        plans::get_meeting, plans::set_task_status, plans::my_tasks, plans::revisions_due,
        registry::list, registry::add_inpatient, registry::add_emergency, registry::add_police,
        registry::add_prison, registry::correct, registry::retract,
        learning::get_log, learning::create_entry, learning::evaluate, learning::set_label,
        learning::factors, learning::add_factor, learning::summary,
        reports::get_report, reports::get_settings, reports::set_settings,
        import::import_file,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldErrorDetail, crate::input::RawClient, crate::input::RawReferral, benk_app::reports::ReferralReport)),
    modifiers(&BearerAuth, &CommonResponses, &CrossFieldRules),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3.1 document.
pub fn openapi_doc() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    doc
}

async fn openapi() -> Response {
    Json(openapi_doc()).into_response()
}

/// Rules across fields that a plain object schema cannot say.
struct CrossFieldRules;
impl utoipa::Modify for CrossFieldRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        crate::input::document_rules(openapi);
        clients::document_rules(openapi);
        contacts::document_rules(openapi);
        doc::document_team_policy(openapi);
    }
}

/// The error body of every 4xx and 5xx answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// Details of an error.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `invalid_input`, `forbidden`.
    code: String,
    /// Human message in the caller's language.
    message: String,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// Every field at fault, when the input had several problems (422).
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<FieldErrorDetail>>,
    /// The incident id of a server error (500); the detail is in the server log.
    #[serde(skip_serializing_if = "Option::is_none")]
    incident: Option<String>,
}

/// One field at fault.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FieldErrorDetail {
    /// The field.
    field: String,
    /// Stable machine code of the problem.
    code: String,
    /// Human message in the caller's language.
    message: String,
}

fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// A plain JSON error response.
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: String,
    field: Option<String>,
) -> Response {
    let mut body = json!({"error": {"code": code, "message": message}});
    if let Some(f) = field {
        body["error"]["field"] = json!(f);
    }
    (status, Json(body)).into_response()
}

async fn not_found(req: Request) -> Response {
    let en = lang_of(req.headers()) == Lang::En;
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        if en {
            "No such API endpoint."
        } else {
            "Ukjent API-adresse."
        }
        .into(),
        None,
    )
}

/// The id in an API path; anything that is not a UUID is the same 404 as an unknown id.
pub(super) fn path_id(
    ctx: &crate::ctx::Ctx,
    id: &str,
) -> Result<uuid::Uuid, crate::error::ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| ctx.api_err(benk_app::AppError::NotFound))
}

/// The actor and their grant (`open_client`, purpose treatment) to the person `id` of the
/// path names.
pub(super) async fn open_person(
    st: &AppState,
    ctx: &crate::ctx::Ctx,
    id: &str,
) -> Result<(benk_app::Actor, benk_app::access::ReadGrant), crate::error::ApiError> {
    let id = path_id(ctx, id)?;
    grant_for(st, ctx, Ok(id)).await
}

/// The actor and their grant to the person a record belongs to (`client`: as looked up
/// from the record's id), for the routes that name a record, not a person.
pub(super) async fn grant_for(
    st: &AppState,
    ctx: &crate::ctx::Ctx,
    client: benk_app::AppResult<uuid::Uuid>,
) -> Result<(benk_app::Actor, benk_app::access::ReadGrant), crate::error::ApiError> {
    let actor = ctx.api_actor()?.clone();
    let client = client.map_err(|e| ctx.api_err(e))?;
    let grant = benk_app::access::open_client(&st.app, &actor, client, benk_domain::Purpose::Treat)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((actor, grant))
}

/// Delete a versioned record (a measure, a registry event) by retracting it: the person it
/// belongs to is looked up (`client_of`) and opened, and `retract` runs under that grant.
pub(super) async fn retract_version(
    st: &AppState,
    ctx: &crate::ctx::Ctx,
    (id, reason): (&str, &str),
    client_of: impl AsyncFn(&benk_app::App, uuid::Uuid) -> benk_app::AppResult<uuid::Uuid>,
    retract: impl AsyncFn(
        &benk_app::App,
        &benk_app::Actor,
        &benk_app::access::ReadGrant,
        uuid::Uuid,
        &str,
    ) -> benk_app::AppResult<()>,
) -> Result<StatusCode, crate::error::ApiError> {
    let rid = path_id(ctx, id)?;
    let (actor, grant) = grant_for(st, ctx, client_of(&st.app, rid).await).await?;
    retract(&st.app, &actor, &grant, rid, reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why a versioned record (a measure, a registry event) is deleted.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RetractIn {
    /// Why.
    #[schema(schema_with = doc::short_text)]
    pub(super) reason: String,
}

/// A JSON body parsed strictly: unknown fields, wrong types and malformed JSON
/// are 400s naming the field; oversize bodies 413; other media types 415.
/// Keeps the raw bytes (for idempotency fingerprints).
pub struct ApiJson<T>(pub T, pub Bytes);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let en = lang_of(req.headers()) == Lang::En;
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                if en {
                    "Send the body as application/json."
                } else {
                    "Send innholdet som application/json."
                }
                .into(),
                None,
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    let kib = crate::MAX_BODY / 1024;
                    error_response(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        if en {
                            format!("The request body is larger than {kib} KiB.")
                        } else {
                            format!("Innholdet er større enn {kib} KiB.")
                        },
                        None,
                    )
                } else {
                    error_response(
                        StatusCode::BAD_REQUEST,
                        "bad_body",
                        if en {
                            "Could not read the body."
                        } else {
                            "Kunne ikke lese innholdet."
                        }
                        .into(),
                        None,
                    )
                }
            })?;
        // Every body of this API is a JSON object. serde would also read a struct from an
        // array of its fields in order (`[null, null]`), which the document does not allow.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|b| *b != b'{') {
            return Err(error_response(
                StatusCode::BAD_REQUEST,
                "wrong_type",
                if en {
                    "The body must be a JSON object."
                } else {
                    "Innholdet må være et JSON-objekt."
                }
                .into(),
                None,
            ));
        }
        parse_json(&bytes, en).map(|v| ApiJson(v, bytes))
    }
}

/// Query parameters parsed into `T`; a query that does not fit (a parameter given
/// twice, a wrong type) is a 400 in the API's JSON error shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let en = lang_of(&parts.headers) == Lang::En;
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                let detail = e.body_text();
                error_response(
                    StatusCode::BAD_REQUEST,
                    "bad_query",
                    if en {
                        format!("The query parameters do not fit: {detail}.")
                    } else {
                        format!("Spørreparameterne passer ikke: {detail}.")
                    },
                    None,
                )
            })
    }
}

/// Parses JSON, naming the field at fault. Exactly one JSON value is accepted:
/// anything but whitespace after it is refused (`trailing_content`), so that a
/// body cannot mean one thing to Benk and another to a proxy or a log reader.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], en: bool) -> Result<T, Response> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = parse_value(&mut de, en)?;
    de.end().map_err(|e| {
        let (line, column) = (e.line(), e.column());
        error_response(
            StatusCode::BAD_REQUEST,
            "trailing_content",
            if en {
                format!("The body has more content after the JSON object (line {line}, column {column}). Send exactly one JSON value.")
            } else {
                format!("Innholdet har mer etter JSON-objektet (linje {line}, kolonne {column}). Send nøyaktig én JSON-verdi.")
            },
            None,
        )
    })?;
    Ok(value)
}

fn parse_value<T: DeserializeOwned>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
    en: bool,
) -> Result<T, Response> {
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = (path != ".").then(|| path.clone());
        let detail = inner.to_string();
        let unknown = detail.starts_with("unknown field");
        let (code, message) = if unknown {
            let name = detail.split('`').nth(1).unwrap_or("?").to_string();
            let message = if en {
                format!("Unknown field «{name}».")
            } else {
                format!("Ukjent felt «{name}».")
            };
            return error_response(
                StatusCode::BAD_REQUEST,
                "unknown_field",
                message,
                Some(name),
            );
        } else if inner.is_syntax() || inner.is_eof() {
            (
                "malformed_json",
                if en {
                    "The body is not valid JSON.".to_string()
                } else {
                    "Innholdet er ikke gyldig JSON.".to_string()
                },
            )
        } else {
            let what = detail
                .split(" at line")
                .next()
                .unwrap_or(&detail)
                .to_string();
            (
                "wrong_type",
                if en {
                    format!("Field «{path}» has the wrong type: {what}.")
                } else {
                    format!("Feltet «{path}» har feil type: {what}.")
                },
            )
        };
        error_response(StatusCode::BAD_REQUEST, code, message, field)
    })
}
