//! User administration: list, create, disable, require a second factor.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::admin::{open_admin, AdminGrant, AdminScope, Principal};
use benk_app::error::Fields;
use benk_app::orgs::{self, Organisation};
use benk_app::staff::{self, AccountChange, NewStaff, StaffSummary};
use benk_app::{Actor, AppError, FieldError, Text};
use benk_domain::{health_personnel_basis, Fte, HprNumber, Profession, Side, TeamRole};
use serde::Deserialize;
use uuid::Uuid;

use super::clients::actor_or_redirect;
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

#[derive(Deserialize, Default, Clone)]
pub(super) struct UserForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    profession: String,
    #[serde(default)]
    hpr_number: String,
    #[serde(default)]
    home_org_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    fte: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersView {
    layout: Layout,
    users: Vec<StaffSummary>,
    orgs: Vec<Organisation>,
    professions: Vec<(&'static str, &'static str)>,
    /// The owner sides an organisation's staff can count for at intake.
    sides: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    form: UserForm,
    errors: Vec<String>,
    /// The latest reason for each user's health-personnel status.
    hp_reasons: std::collections::HashMap<Uuid, String>,
}

impl UsersView {
    /// The recorded reason for a user's health-personnel status, if any.
    fn hp_reason(&self, u: &StaffSummary) -> Option<&str> {
        self.hp_reasons.get(&u.id).map(String::as_str)
    }
    fn profession(&self, code: &str) -> &'static str {
        self.layout.profession(code)
    }
    /// Whether the profession alone makes the user health personnel (hpl § 48).
    fn authorised(&self, u: &StaffSummary) -> bool {
        Profession::from_code(&u.profession).is_some_and(|p| p.is_health_personnel())
    }
    /// The user's health-personnel status and its basis, in words.
    fn health_status(&self, u: &StaffSummary) -> &'static str {
        let profession = Profession::from_code(&u.profession).unwrap_or(Profession::Other);
        match health_personnel_basis(profession, u.care_employment) {
            Some(b) => b.label(self.layout.lang_v),
            None => self.layout.t.not_health_personnel,
        }
    }
}

fn forbidden() -> AppError {
    AppError::Forbidden(Text::new(
        "Bare administratorer kan administrere brukerkontoer.",
        "Only administrators can manage users.",
    ))
}

async fn view(
    st: &AppState,
    ctx: &Ctx,
    form: UserForm,
    errors: Vec<String>,
) -> Result<UsersView, AppError> {
    let lang = ctx.lang;
    Ok(UsersView {
        layout: Layout::new(ctx, "users"),
        users: match ctx.actor.as_ref() {
            Some(a) => staff::list_staff_for(&st.app, a).await?,
            None => Vec::new(),
        },
        orgs: orgs::list_organisations(&st.app).await?,
        professions: Profession::ALL
            .iter()
            .map(|p| (p.code(), p.label(lang)))
            .collect(),
        roles: TeamRole::ALL
            .iter()
            .map(|r| (r.code(), r.label(lang)))
            .collect(),
        sides: Side::ALL
            .iter()
            .map(|s| (s.code(), s.label(lang)))
            .collect(),
        form: UserForm {
            fte: if form.fte.is_empty() {
                "50".into()
            } else {
                form.fte.clone()
            },
            ..form
        },
        errors,
        hp_reasons: staff::health_personnel_reasons(&st.app).await?,
    })
}

pub(super) async fn users(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    if !actor.is_admin() {
        return ctx.page_err(forbidden());
    }
    match view(&st, &ctx, UserForm::default(), vec![]).await {
        Ok(v) => page(&v),
        Err(e) => ctx.page_err(e),
    }
}

fn parse_user(form: &UserForm, team: Uuid) -> Result<NewStaff, AppError> {
    let mut f = Fields::default();
    let username = match staff::parse_username(&form.username) {
        Ok(u) => Some(u),
        Err(e) => {
            f.push(e);
            None
        }
    };
    if let Err(e) = staff::check_password(&form.password) {
        f.push(e);
    }
    let name = f.check("name", benk_domain::PersonName::parse(&form.name));
    let profession = Profession::from_code(&form.profession);
    if profession.is_none() {
        f.push(FieldError::new(
            "profession",
            "unknown_profession",
            "Velg et yrke.",
            "Choose a profession.",
        ));
    }
    let hpr = if form.hpr_number.trim().is_empty() {
        None
    } else {
        f.check("hpr_number", HprNumber::parse(&form.hpr_number))
    };
    let org = Uuid::parse_str(form.home_org_id.trim()).ok();
    if org.is_none() {
        f.push(FieldError::new(
            "home_org_id",
            "unknown_organisation",
            "Velg en arbeidsgiver.",
            "Choose an employer.",
        ));
    }
    let role = TeamRole::from_code(&form.role);
    if role.is_none() {
        f.push(FieldError::new(
            "role",
            "unknown_role",
            "Velg en rolle.",
            "Choose a role.",
        ));
    }
    let fte = f.check("fte", Fte::parse(&form.fte));
    f.finish()?;
    match (username, name, profession, org, role, fte) {
        (
            Some(username),
            Some(name),
            Some(profession),
            Some(home_org_id),
            Some(role),
            Some(fte),
        ) => Ok(NewStaff {
            username,
            password: form.password.clone(),
            name: name.as_str().to_string(),
            profession,
            hpr_number: hpr,
            home_org_id,
            membership: Some((team, role, fte)),
        }),
        _ => Err(AppError::Internal("user form checked above".into())),
    }
}

pub(super) async fn create_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UserForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&form._csrf) {
        return r;
    }
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(forbidden());
    };
    let result = match parse_user(&form, team) {
        Ok(new) => match open_admin(
            &st.app,
            Principal::Staff(actor),
            AdminScope::Team(team),
            "staff.create",
        )
        .await
        {
            Ok(grant) => staff::create_staff(&st.app, &grant, new).await.map(|_| ()),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(AppError::Invalid(errs)) => {
            let msgs = errs
                .iter()
                .map(|e| e.message.get(ctx.lang).to_string())
                .collect();
            let form = UserForm {
                password: String::new(),
                ..form
            };
            match view(&st, &ctx, form, msgs).await {
                Ok(v) => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response(),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct FlagForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    value: String,
}

/// An account change: the administrator's right is checked (and a refusal
/// audited) before the change's own input (`make`) is.
/// The first steps of every administration form about one staff member:
/// logged in, the form's CSRF token, a well-formed id, then the grant for the
/// scope `scope` gives (`open_admin` audits a refusal). Input is parsed only after.
async fn open_form(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    csrf: &str,
    action: &str,
    scope: impl FnOnce(&Actor, Uuid) -> Result<AdminScope, AppError>,
) -> Result<(AdminGrant, Uuid), Response> {
    let actor = ctx.page_actor()?;
    ctx.check_csrf(csrf)?;
    let id = Uuid::parse_str(id).map_err(|_| ctx.page_err(AppError::NotFound))?;
    let scope = scope(actor, id).map_err(|e| ctx.page_err(e))?;
    let grant = open_admin(&st.app, Principal::Staff(actor), scope, action)
        .await
        .map_err(|e| ctx.page_err(e))?;
    Ok((grant, id))
}

async fn change(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    csrf: &str,
    action: &str,
    make: impl FnOnce() -> Result<AccountChange, AppError>,
) -> Response {
    let (grant, id) =
        match open_form(st, ctx, id, csrf, action, |_, id| Ok(AdminScope::Staff(id))).await {
            Ok(g) => g,
            Err(r) => return r,
        };
    let result = match make() {
        Ok(c) => staff::change_account(&st.app, &grant, id, c).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn set_disabled(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<FlagForm>,
) -> Response {
    let c = AccountChange::Disabled(f.value == "true");
    change(&st, &ctx, &id, &f._csrf, c.action(), || Ok(c)).await
}

pub(super) async fn require_totp(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<FlagForm>,
) -> Response {
    let c = AccountChange::RequireTotp(true);
    change(&st, &ctx, &id, &f._csrf, c.action(), || Ok(c)).await
}

#[derive(Deserialize)]
pub(super) struct HealthPersonnelForm {
    #[serde(default)]
    _csrf: String,
    /// `true`: employed in the health service to give care; `false`: not.
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
}

/// POST `/admin/users/{id}/health-personnel`: records whether the user is employed in the
/// health service to give care (hpl § 3 first paragraph no. 2), with a required reason.
pub(super) async fn set_health_personnel(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HealthPersonnelForm>,
) -> Response {
    let action = "staff.set_health_personnel";
    let (grant, id) = match open_form(&st, &ctx, &id, &f._csrf, action, |_, id| {
        Ok(AdminScope::Staff(id))
    })
    .await
    {
        Ok(g) => g,
        Err(r) => return r,
    };
    let value = match f.value.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return ctx.page_err(AppError::field(FieldError::new(
                "value",
                "required",
                "Velg om personen er ansatt i helsetjenesten for å yte helsehjelp.",
                "Choose whether the person is employed in the health service to give care.",
            )))
        }
    };
    match staff::set_health_personnel(&st.app, &grant, id, value, &f.reason).await {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    password: String,
}

/// POST `/admin/users/{id}/password`: a new password, which ends every session and token.
pub(super) async fn set_password(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Response {
    change(&st, &ctx, &id, &f._csrf, "staff.set_password", move || {
        staff::check_password(&f.password).map_err(AppError::field)?;
        Ok(AccountChange::Password(f.password))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct MembershipForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    fte: String,
}

/// POST `/admin/users/{id}/membership`: adds the user to the administrator's
/// acting team, or changes their role and share there.
pub(super) async fn set_membership(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MembershipForm>,
) -> Response {
    // In the administrator's acting team.
    let (grant, id) = match open_form(&st, &ctx, &id, &f._csrf, "membership.set", |actor, _| {
        actor
            .acting()
            .map(|m| AdminScope::Team(m.team_id))
            .ok_or_else(forbidden)
    })
    .await
    {
        Ok(g) => g,
        Err(r) => return r,
    };
    let team = match grant.scope() {
        AdminScope::Team(t) => t,
        _ => return ctx.page_err(forbidden()),
    };
    let mut fields = Fields::default();
    let role = TeamRole::from_code(&f.role);
    if role.is_none() {
        fields.push(FieldError::new(
            "role",
            "unknown_role",
            "Velg en rolle.",
            "Choose a role.",
        ));
    }
    let fte = fields.check("fte", Fte::parse(&f.fte));
    if let Err(e) = fields.finish() {
        return ctx.page_err(e);
    }
    let (Some(role), Some(fte)) = (role, fte) else {
        return ctx.page_err(AppError::Internal("membership form checked above".into()));
    };
    match staff::set_membership(&st.app, &grant, team, id, role, fte).await {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct SideForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    side: String,
}

/// Sets the owner side an organisation's staff count for at intake (system administrators;
/// a refusal is audited by `open_admin`).
pub(super) async fn set_org_side(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SideForm>,
) -> Response {
    let scope = |_: &Actor, _: Uuid| Ok(AdminScope::System);
    let (grant, id) = match open_form(&st, &ctx, &id, &f._csrf, "organisation.update", scope).await
    {
        Ok(g) => g,
        Err(r) => return r,
    };
    let Some(side) = Side::from_code(&f.side) else {
        return ctx.page_err(AppError::field(FieldError::new(
            "side",
            "unknown_side",
            "Velg kommunal, spesialisthelsetjeneste, NAV/stat eller annet.",
            "Choose municipal, specialist, NAV/state or other.",
        )));
    };
    match orgs::set_side(&st.app, &grant, id, side).await {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => ctx.page_err(e),
    }
}
