//! Login, second factor, logout, language choice.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::Cookie;
use benk_app::auth::{self, TotpEnrolment};
use benk_app::AppError;
use benk_domain::Lang;
use serde::Deserialize;

use super::{page, Layout};
use crate::ctx::{constant_time_eq, Ctx, LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginView {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<String>,
}

pub(super) async fn login_page(ctx: Ctx) -> Response {
    if ctx.actor.is_some() && !ctx.via_token {
        return Redirect::to("/").into_response();
    }
    let csrf = auth::random_hex(16);
    let jar = ctx
        .jar
        .clone()
        .add(ctx.cookie(LOGIN_CSRF_COOKIE, csrf.clone()));
    let view = LoginView {
        layout: Layout::new(&ctx, "login"),
        csrf,
        username: String::new(),
        error: None,
    };
    (jar, page(&view)).into_response()
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn login_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> Response {
    let t = ctx.t();
    let cookie_csrf = ctx
        .jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    let again = |error: String, status: axum::http::StatusCode| {
        let csrf = auth::random_hex(16);
        let jar = ctx
            .jar
            .clone()
            .add(ctx.cookie(LOGIN_CSRF_COOKIE, csrf.clone()));
        let view = LoginView {
            layout: Layout::new(&ctx, "login"),
            csrf,
            username: f.username.clone(),
            error: Some(error),
        };
        (status, jar, page(&view)).into_response()
    };
    if cookie_csrf.is_empty() || !constant_time_eq(cookie_csrf.as_bytes(), f._csrf.as_bytes()) {
        let msg = match ctx.lang {
            Lang::Nb => "Skjemaet var utløpt. Prøv igjen.",
            Lang::En => "The form had expired. Please try again.",
        };
        return again(msg.into(), axum::http::StatusCode::FORBIDDEN);
    }
    match auth::login(&st.app, &f.username, &f.password, &ctx.meta).await {
        Ok(s) => {
            let jar = ctx
                .jar
                .clone()
                .add(ctx.cookie(SESSION_COOKIE, s.token))
                .remove(Cookie::from(LOGIN_CSRF_COOKIE));
            let to = if s.totp_pending { "/login/totp" } else { "/" };
            (jar, Redirect::to(to)).into_response()
        }
        Err(AppError::Unauthenticated) => again(
            auth::login_failed_text().get(ctx.lang).to_string(),
            axum::http::StatusCode::UNAUTHORIZED,
        ),
        Err(e @ (AppError::Locked { .. } | AppError::Busy { .. })) => {
            let (msg, status) = match e {
                AppError::Busy { .. } => {
                    (t.login_busy, axum::http::StatusCode::SERVICE_UNAVAILABLE)
                }
                _ => (t.login_locked, axum::http::StatusCode::TOO_MANY_REQUESTS),
            };
            let mut resp = again(msg.into(), status);
            crate::error::set_retry_after(&mut resp, &e);
            resp
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpView {
    layout: Layout,
    enrolment: Option<TotpEnrolment>,
    error: Option<String>,
}

async fn totp_view(st: &AppState, ctx: &Ctx, error: Option<String>) -> Response {
    let Some(s) = ctx.session.as_ref().filter(|s| s.totp_pending) else {
        return Redirect::to("/login").into_response();
    };
    let username = match auth::identity_subject(&st.app, s.identity_id).await {
        Ok(u) => u,
        Err(e) => return ctx.page_err(e),
    };
    let enrolment = match auth::totp_enrolment(&st.app, s, &username).await {
        Ok(e) => e,
        Err(e) => return ctx.page_err(e),
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (
        status,
        page(&TotpView {
            layout: Layout::new(ctx, "login"),
            enrolment,
            error,
        }),
    )
        .into_response()
}

pub(super) async fn totp_page(State(st): State<AppState>, ctx: Ctx) -> Response {
    totp_view(&st, &ctx, None).await
}

#[derive(Deserialize)]
pub(super) struct TotpForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    code: String,
    /// Asked for again when a new authenticator is enrolled.
    #[serde(default)]
    password: Option<String>,
}

pub(super) async fn totp_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TotpForm>,
) -> Response {
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let Some(s) = ctx.session.as_ref() else {
        return Redirect::to("/login").into_response();
    };
    match auth::complete_totp(&st.app, s, &f.code, f.password.as_deref(), &ctx.meta).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(AppError::Invalid(fields)) => {
            let msg = fields.first().map(|f| f.message.get(ctx.lang).to_string());
            totp_view(&st, &ctx, msg).await
        }
        Err(e) => ctx.page_err(e),
    }
}

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    _csrf: String,
}

impl CsrfForm {
    pub(super) fn csrf(&self) -> &str {
        &self._csrf
    }
}

pub(super) async fn logout(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    if let Some(token) = &ctx.session_token {
        if let Err(e) = auth::logout(&st.app, token, ctx.actor.as_ref()).await {
            return ctx.page_err(e);
        }
    }
    (
        ctx.jar.clone().remove(Cookie::from(SESSION_COOKIE)),
        Redirect::to("/login"),
    )
        .into_response()
}

pub(super) async fn set_lang(ctx: Ctx, Path(lang): Path<String>) -> Response {
    let lang = Lang::from_tag(&lang).unwrap_or_default();
    let jar = ctx
        .jar
        .clone()
        .add(ctx.cookie(LANG_COOKIE, lang.as_tag().to_string()));
    (jar, Redirect::to("/login")).into_response()
}
