//! Personal settings: interface language and API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::auth::{self, ApiToken};
use benk_app::{AppError, FieldError};
use benk_domain::Lang;
use serde::Deserialize;
use uuid::Uuid;

use super::clients::actor_or_redirect;
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsView {
    layout: Layout,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    /// The calendar feed (issue 9).
    calendar: super::appointments::CalendarUi,
}

async fn render(st: &AppState, ctx: &Ctx, new_token: Option<String>) -> Response {
    render_all(st, ctx, new_token, None).await
}

/// The settings page showing a new calendar address once.
pub(super) async fn render_with_calendar(st: &AppState, ctx: &Ctx, token: String) -> Response {
    render_all(st, ctx, None, Some(token)).await
}

async fn render_all(
    st: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
    calendar_token: Option<String>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let run = async {
        let tokens = auth::list_tokens(&st.app, actor.staff_id()).await?;
        let calendar = super::appointments::calendar_ui(st, ctx, calendar_token).await?;
        Ok::<_, AppError>((tokens, calendar))
    };
    match run.await {
        Ok((tokens, calendar)) => page(&SettingsView {
            layout: Layout::new(ctx, "settings"),
            tokens,
            new_token,
            calendar,
        }),
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn show(State(st): State<AppState>, ctx: Ctx) -> Response {
    render(&st, &ctx, None).await
}

#[derive(Deserialize)]
pub(super) struct LangForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    lang: String,
}

pub(super) async fn language(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LangForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let Some(lang) = Lang::from_tag(&f.lang) else {
        return ctx.page_err(AppError::field(FieldError::new(
            "lang",
            "unknown_language",
            "Ukjent språk.",
            "Unknown language.",
        )));
    };
    match benk_app::staff::set_language(&st.app, actor, lang).await {
        Ok(()) => Redirect::to("/settings").into_response(),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    name: String,
}

pub(super) async fn create_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TokenForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let name = match benk_domain::ShortText::parse(&f.name) {
        Ok(n) => n,
        Err(e) => return ctx.page_err(AppError::field(FieldError::of("name", &e))),
    };
    match auth::create_token(&st.app, actor, name.as_str()).await {
        Ok(token) => render(&st, &ctx, Some(token)).await,
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    _csrf: String,
}

pub(super) async fn revoke_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return ctx.page_err(AppError::NotFound);
    };
    match auth::revoke_token(&st.app, actor, id).await {
        Ok(()) => Redirect::to("/settings").into_response(),
        Err(e) => ctx.page_err(e),
    }
}
