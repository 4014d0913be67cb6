//! The team page: owners and staff by employer with the FTE sum per employer.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::orgs::{self, EmployerGroup, Team};
use benk_app::{AppError, FieldError};
use benk_domain::TeamRole;
use serde::Deserialize;

use super::clients::actor_or_redirect;
use super::Layout;
use crate::ctx::Ctx;
use crate::AppState;

#[derive(Template)]
#[template(path = "team.html")]
struct TeamView {
    layout: Layout,
    team: Team,
    groups: Vec<EmployerGroup>,
    /// The actor may change the contact details (team lead, the team's administrator).
    can_edit_contact: bool,
    /// The contact form's values (phone, email, address, visiting_hours).
    contact_form: [String; 4],
    /// Errors of the contact form, as (field, message).
    contact_errors: Vec<(String, String)>,
}

impl TeamView {
    /// The contact form's fields: (name, label, value).
    fn contact_fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        let t = self.layout.t;
        vec![
            ("phone", t.team_contact_phone, self.contact_form[0].as_str()),
            ("email", t.team_contact_email, self.contact_form[1].as_str()),
            (
                "address",
                t.team_contact_address,
                self.contact_form[2].as_str(),
            ),
            (
                "visiting_hours",
                t.team_contact_hours,
                self.contact_form[3].as_str(),
            ),
        ]
    }
    fn contact_err(&self, field: &str) -> Option<&str> {
        self.contact_errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    fn profession(&self, code: &str) -> &'static str {
        self.layout.profession(code)
    }
    fn role(&self, code: &str) -> &'static str {
        self.layout.role(code)
    }
}

#[derive(Deserialize)]
pub(super) struct TeamMsg {
    #[serde(default)]
    msg: Option<String>,
}

fn may_edit_contact(actor: &benk_app::Actor, team_id: uuid::Uuid) -> bool {
    actor.system_admin()
        || actor.has_role_in(team_id, &[TeamRole::TeamLead, TeamRole::Administrator])
}

async fn team_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    team_id: uuid::Uuid,
    form: Option<([String; 4], Vec<FieldError>)>,
) -> Result<TeamView, AppError> {
    let team = orgs::get_team(&st.app, team_id).await?;
    let groups = orgs::team_staff_by_employer(&st.app, team_id).await?;
    let c = &team.policy.contact;
    let (contact_form, errors) = form.unwrap_or_else(|| {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        (
            [
                v(&c.phone),
                v(&c.email),
                v(&c.address),
                v(&c.visiting_hours),
            ],
            vec![],
        )
    });
    Ok(TeamView {
        layout: Layout::new(ctx, "team"),
        can_edit_contact: may_edit_contact(actor, team_id),
        contact_form,
        contact_errors: errors
            .into_iter()
            .map(|e| (e.field.clone(), e.message.get(ctx.lang).to_string()))
            .collect(),
        team,
        groups,
    })
}

pub(super) async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TeamMsg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let Some(team_id) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::NotFound);
    };
    match team_view(&st, &ctx, actor, team_id, None).await {
        Ok(mut v) => {
            if q.msg.as_deref() == Some("contact_saved") {
                v.layout.flash = Some(ctx.t().team_contact_saved.to_string());
            }
            super::page(&v)
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct ContactForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    visiting_hours: String,
}

/// POST `/team/contact`: the acting team's contact details (team lead, administrator).
pub(super) async fn set_contact(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ContactForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let Some(team_id) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = match orgs::parse_contact(&f.phone, &f.email, &f.address, &f.visiting_hours) {
        Ok(c) => orgs::set_contact(&st.app, actor, team_id, c).await,
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(()) => Redirect::to("/team?msg=contact_saved#contact-h").into_response(),
        Err(AppError::Invalid(errs)) => {
            let form = [f.phone, f.email, f.address, f.visiting_hours];
            match team_view(&st, &ctx, actor, team_id, Some((form, errs))).await {
                Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, super::page(&v)).into_response(),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(e) => ctx.page_err(e),
    }
}
