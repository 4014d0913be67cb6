//! Organisations, teams and staff.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::access::admin::{open_admin, AdminGrant, AdminScope, Principal};
use benk_app::error::Fields;
use benk_app::orgs::{self, EmployerGroup, NewOrganisation, Organisation, Team, TeamPolicy};
use benk_app::staff::{self, NewStaff, StaffSummary};
use benk_app::{AppError, FieldError};
use benk_domain::{
    Fte, HprNumber, OrgKind, OrgNumber, PersonName, Profession, ShortText, TeamRole,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

/// Opens administration of `scope` for the caller (a refusal is audited and is a 403).
async fn admin(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    scope: AdminScope,
    action: &str,
) -> Result<AdminGrant, ApiError> {
    open_admin(&st.app, Principal::Staff(actor), scope, action)
        .await
        .map_err(|e| ctx.api_err(e))
}

/// List organisations.
#[utoipa::path(get, path = "/organisations", responses((status = 200, body = [Organisation])))]
pub(super) async fn list_organisations(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Organisation>>, ApiError> {
    ctx.api_actor()?;
    orgs::list_organisations(&st.app)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new organisation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OrganisationIn {
    #[schema(schema_with = doc::name)]
    name: String,
    /// `municipality`, `hospital_trust`, `nav` or `other`.
    #[schema(schema_with = doc::org_kind)]
    kind: String,
    /// Nine digits with a valid mod-11 check digit.
    #[schema(schema_with = doc::org_number)]
    org_number: String,
    /// The owner side its staff count for at intake: `municipal`, `specialist`, `nav_state` or
    /// `other`. Absent: `specialist` for a hospital trust, otherwise `municipal`.
    #[serde(default)]
    #[schema(schema_with = doc::side_opt)]
    side: Option<String>,
}

/// Create an organisation (administrators).
#[utoipa::path(post, path = "/organisations", request_body = OrganisationIn,
    responses((status = 201, body = Organisation), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_organisation(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(body, _): ApiJson<OrganisationIn>,
) -> Result<(StatusCode, Json<Organisation>), ApiError> {
    let actor = ctx.api_actor()?;
    let mut f = Fields::default();
    let name = f.check("name", ShortText::parse_name(&body.name));
    let number = f.check("org_number", OrgNumber::parse(&body.org_number));
    let kind = OrgKind::from_code(&body.kind);
    if kind.is_none() {
        f.push(FieldError::new(
            "kind",
            "unknown_kind",
            "Ukjent organisasjonstype: bruk municipality, hospital_trust, nav eller other.",
            "Unknown organisation kind: use municipality, hospital_trust, nav or other.",
        ));
    }
    let side = match body.side.as_deref() {
        None => None,
        Some(s) => {
            let side = benk_domain::Side::from_code(s);
            if side.is_none() {
                f.push(unknown_side());
            }
            side
        }
    };
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(name), Some(org_number), Some(kind)) = (name, number, kind) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let grant = admin(&st, &ctx, actor, AdminScope::System, "organisation.create").await?;
    let org = orgs::create_organisation(
        &st.app,
        &grant,
        NewOrganisation {
            name: name.as_str().to_string(),
            kind,
            org_number,
            side,
        },
    )
    .await
    .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(org)))
}

fn unknown_side() -> FieldError {
    FieldError::new(
        "side",
        "unknown_side",
        "Ukjent side: bruk municipal, specialist, nav_state eller other.",
        "Unknown side: use municipal, specialist, nav_state or other.",
    )
}

/// An organisation's side.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SideIn {
    /// `municipal`, `specialist`, `nav_state` or `other`.
    #[schema(schema_with = doc::side)]
    side: String,
}

/// Set the owner side an organisation's staff count for at intake (administrators; audited).
#[utoipa::path(put, path = "/organisations/{id}/side", params(("id" = Uuid, Path)), request_body = SideIn,
    responses((status = 200, body = Organisation), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_side(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(oid): Path<String>,
    ApiJson(body, _): ApiJson<SideIn>,
) -> Result<Json<Organisation>, ApiError> {
    let actor = ctx.api_actor()?;
    let oid = super::path_id(&ctx, &oid)?;
    let side = benk_domain::Side::from_code(&body.side)
        .ok_or_else(|| ctx.api_err(AppError::field(unknown_side())))?;
    let grant = admin(&st, &ctx, actor, AdminScope::System, "organisation.update").await?;
    orgs::set_side(&st.app, &grant, oid, side)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A team in a list.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct TeamListItem {
    id: Uuid,
    name: String,
}

/// List teams.
#[utoipa::path(get, path = "/teams", responses((status = 200, body = [TeamListItem])))]
pub(super) async fn list_teams(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<TeamListItem>>, ApiError> {
    ctx.api_actor()?;
    let teams = orgs::list_teams(&st.app)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(
        teams
            .into_iter()
            .map(|(id, name)| TeamListItem { id, name })
            .collect(),
    ))
}

/// A new team.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TeamIn {
    #[schema(schema_with = doc::name)]
    name: String,
    /// Owning organisations (at least one).
    #[schema(min_items = 1)]
    owners: Vec<Uuid>,
    #[serde(default)]
    policy: TeamPolicy,
}

/// Created.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    id: Uuid,
}

/// Create a team (administrators).
#[utoipa::path(post, path = "/teams", request_body = TeamIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_team(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(body, _): ApiJson<TeamIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let name = ShortText::parse_name(&body.name)
        .map_err(|e| ctx.api_err(AppError::field(FieldError::of("name", &e))))?;
    let grant = admin(&st, &ctx, actor, AdminScope::System, "team.create").await?;
    let id = orgs::create_team(&st.app, &grant, name.as_str(), &body.owners, body.policy)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A team with its staff by employer.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct TeamOut {
    #[serde(flatten)]
    team: Team,
    staff_by_employer: Vec<EmployerGroup>,
}

/// A team, its owners, policy and staff by employer with FTE sums.
#[utoipa::path(get, path = "/teams/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = TeamOut)))]
pub(super) async fn get_team(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<TeamOut>, ApiError> {
    ctx.api_actor()?;
    let id = super::path_id(&ctx, &id)?;
    let team = orgs::get_team(&st.app, id)
        .await
        .map_err(|e| ctx.api_err(e))?;
    let staff_by_employer = orgs::team_staff_by_employer(&st.app, id)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(TeamOut {
        team,
        staff_by_employer,
    }))
}

/// List staff (administrators).
#[utoipa::path(get, path = "/staff", responses((status = 200, body = [StaffSummary]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_staff(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<StaffSummary>>, ApiError> {
    let actor = ctx.api_actor()?;
    if !actor.is_admin() {
        return Err(ctx.api_err(AppError::Forbidden(benk_app::Text::new(
            "Bare administratorer kan se brukerlisten.",
            "Only administrators can list users.",
        ))));
    }
    staff::list_staff_for(&st.app, actor)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A new staff member with a local login and a team membership.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StaffIn {
    #[schema(schema_with = doc::username)]
    username: String,
    #[schema(schema_with = doc::password)]
    password: String,
    #[schema(schema_with = doc::person_name)]
    name: String,
    #[schema(schema_with = doc::profession)]
    profession: String,
    /// Helsepersonellnummer, 6–9 digits; blank if none.
    #[serde(default)]
    #[schema(schema_with = doc::hpr_number_opt)]
    hpr_number: Option<String>,
    home_org_id: Uuid,
    team_id: Uuid,
    #[schema(schema_with = doc::team_role)]
    role: String,
    /// Percent of a full-time position, 1–100.
    #[serde(deserialize_with = "doc::integer")]
    #[schema(schema_with = doc::fte_percent)]
    fte: i64,
}

/// Create a staff member (administrators).
#[utoipa::path(post, path = "/staff", request_body = StaffIn,
    responses((status = 201, body = Created), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_staff(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b, _): ApiJson<StaffIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = ctx.api_actor()?;
    let mut f = Fields::default();
    let username = staff::parse_username(&b.username)
        .map_err(|e| f.push(e))
        .ok();
    let _ = staff::check_password(&b.password).map_err(|e| f.push(e));
    let name = f.check("name", PersonName::parse(&b.name));
    let profession = Profession::from_code(&b.profession);
    if profession.is_none() {
        f.push(FieldError::new(
            "profession",
            "unknown_profession",
            "Ukjent yrke.",
            "Unknown profession.",
        ));
    }
    let hpr = match b
        .hpr_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(h) => f.check("hpr_number", HprNumber::parse(h)),
        None => None,
    };
    let role = TeamRole::from_code(&b.role);
    if role.is_none() {
        f.push(FieldError::new(
            "role",
            "unknown_role",
            "Ukjent rolle.",
            "Unknown role.",
        ));
    }
    let fte = f.check("fte", Fte::from_percent(b.fte));
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(username), Some(name), Some(profession), Some(role), Some(fte)) =
        (username, name, profession, role, fte)
    else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let new = NewStaff {
        username,
        password: b.password,
        name: name.as_str().to_string(),
        profession,
        hpr_number: hpr,
        home_org_id: b.home_org_id,
        membership: Some((b.team_id, role, fte)),
    };
    let grant = admin(
        &st,
        &ctx,
        actor,
        AdminScope::Team(b.team_id),
        "staff.create",
    )
    .await?;
    let id = staff::create_staff(&st.app, &grant, new)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A staff member's health-personnel status by employment.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct HealthPersonnelIn {
    /// Employed in the health service to give care (helsepersonelloven § 3 first paragraph
    /// no. 2). Authorised professions (§ 48) are health personnel whatever this says.
    care_employment: bool,
    /// Why (position, employer); required, kept with the change and audited.
    #[schema(schema_with = doc::short_text)]
    reason: String,
}

/// Record whether a staff member is employed in the health service to give care, which makes
/// them health personnel (administrators; audited, refusals too).
#[utoipa::path(put, path = "/staff/{id}/health-personnel", params(("id" = Uuid, Path)), request_body = HealthPersonnelIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 404, response = doc::NotFound), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_health_personnel(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b, _): ApiJson<HealthPersonnelIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let id = super::path_id(&ctx, &id)?;
    let grant = admin(
        &st,
        &ctx,
        actor,
        AdminScope::Staff(id),
        "staff.set_health_personnel",
    )
    .await?;
    staff::set_health_personnel(&st.app, &grant, id, b.care_employment, &b.reason)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(StatusCode::NO_CONTENT)
}
