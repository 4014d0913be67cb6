//! The team page: owners and staff by employer with the FTE sum per employer.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use benk_app::orgs::{self, EmployerGroup, Team};
use benk_app::AppError;

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
}

impl TeamView {
    fn profession(&self, code: &str) -> &'static str {
        self.layout.profession(code)
    }
    fn role(&self, code: &str) -> &'static str {
        self.layout.role(code)
    }
}

pub(super) async fn page(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    let Some(team_id) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = async {
        let team = orgs::get_team(&st.app, team_id).await?;
        let groups = orgs::team_staff_by_employer(&st.app, team_id).await?;
        Ok::<_, AppError>(TeamView {
            layout: Layout::new(&ctx, "team"),
            team,
            groups,
        })
    }
    .await;
    match result {
        Ok(v) => super::page(&v),
        Err(e) => ctx.page_err(e),
    }
}
