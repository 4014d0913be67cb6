//! Who is asking and in which language: the request context every handler extracts.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use benk_app::auth::Session;
use benk_app::{Actor, AppError, RequestMeta};
use benk_domain::Lang;

use crate::error::{ApiError, PageError};
use crate::i18n::{texts, Texts};
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "benk_session";
/// Name of the pre-login CSRF cookie (double submit on the login form).
pub const LOGIN_CSRF_COOKIE: &str = "benk_login_csrf";
/// Name of the language cookie for visitors who are not logged in.
pub const LANG_COOKIE: &str = "benk_lang";

/// The request context: language, origin, and (if any) the authenticated actor.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Language for this response.
    pub lang: Lang,
    /// IP and user agent, for the audit log.
    pub meta: RequestMeta,
    /// The acting staff member, when authenticated (and past the second factor).
    pub actor: Option<Actor>,
    /// The browser session, when there is one (also while TOTP is pending).
    pub session: Option<Session>,
    /// The raw session cookie value.
    pub session_token: Option<String>,
    /// Whether the request arrived over TLS (directly or via a proxy).
    pub secure: bool,
    /// Cookies.
    pub jar: CookieJar,
    /// Authenticated with a bearer token (API).
    pub via_token: bool,
}

fn meta_of(parts: &Parts, trust_proxy: bool) -> RequestMeta {
    // X-Forwarded-For is only believed behind a proxy that sets it; otherwise
    // anyone could write any address into the audit log.
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .filter(|_| trust_proxy)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string());
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    RequestMeta {
        ip: forwarded.or(peer),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

fn header_lang(headers: &HeaderMap, jar: &CookieJar) -> Lang {
    if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| Lang::from_tag(c.value())) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = header_lang(&parts.headers, &jar);
        let meta = meta_of(parts, state.trust_proxy);
        let secure = state.secure_cookies
            || state.trust_proxy
                && parts
                    .headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    == Some("https");
        let fail = |e: AppError| ApiError { err: e, lang }.into_response();
        let mut ctx = Ctx {
            lang,
            meta,
            actor: None,
            session: None,
            session_token: None,
            secure,
            jar,
            via_token: false,
        };

        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|s| s.trim().to_string());
        let staff = if let Some(token) = bearer {
            ctx.via_token = true;
            match benk_app::auth::token_staff(&state.app, &token)
                .await
                .map_err(fail)?
            {
                Some(s) => Some(s),
                None => return Err(fail(AppError::Unauthenticated)),
            }
        } else if let Some(token) = ctx.jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
            let s = benk_app::auth::session(&state.app, &token)
                .await
                .map_err(fail)?;
            ctx.session_token = Some(token);
            let staff = s.as_ref().filter(|s| !s.totp_pending).map(|s| s.staff_id);
            ctx.session = s;
            staff
        } else {
            None
        };
        if let Some(staff) = staff {
            ctx.actor = benk_app::staff::load_actor(&state.app, staff, ctx.meta.clone())
                .await
                .map_err(fail)?;
            if let Some(l) = ctx.actor.as_ref().and_then(|a| a.lang) {
                ctx.lang = l;
            }
        }
        Ok(ctx)
    }
}

impl Ctx {
    /// The interface texts.
    pub fn t(&self) -> &'static Texts {
        texts(self.lang)
    }

    /// The actor behind a bearer token, or the API's 401. The API does not
    /// accept the browser's session cookie, so no API call can be forged cross-site.
    pub fn api_actor(&self) -> Result<&Actor, ApiError> {
        match &self.actor {
            Some(a) if self.via_token => Ok(a),
            _ => Err(ApiError {
                err: AppError::Unauthenticated,
                lang: self.lang,
            }),
        }
    }

    /// The actor, or a redirect to the login page (or the second-factor step).
    pub fn page_actor(&self) -> Result<&Actor, Response> {
        match (&self.actor, &self.session) {
            (Some(a), _) if !self.via_token => Ok(a),
            (None, Some(s)) if s.totp_pending => Err(Redirect::to("/login/totp").into_response()),
            _ => Err(Redirect::to("/login").into_response()),
        }
    }

    /// Maps an app error to the API's JSON error.
    pub fn api_err(&self, err: AppError) -> ApiError {
        ApiError {
            err,
            lang: self.lang,
        }
    }

    /// Maps an app error to an HTML error page.
    pub fn page_err(&self, err: AppError) -> Response {
        PageError {
            err,
            lang: self.lang,
        }
        .into_response()
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), Response> {
        let expected = self
            .session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or_default();
        if !expected.is_empty() && constant_time_eq(expected.as_bytes(), token.as_bytes()) {
            Ok(())
        } else {
            Err(self.page_err(AppError::Forbidden(benk_app::Text::new(
                "Skjemaet var utløpt eller ugyldig (CSRF). Last siden på nytt og prøv igjen.",
                "The form had expired or was invalid (CSRF). Reload the page and try again.",
            ))))
        }
    }

    /// The session's CSRF token, for forms.
    pub fn csrf(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default()
    }

    /// A cookie with Benk's attributes: HttpOnly, SameSite=Lax, Secure behind TLS.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        let mut c = Cookie::new(name, value);
        c.set_http_only(true);
        c.set_same_site(SameSite::Lax);
        c.set_path("/");
        c.set_secure(self.secure);
        c
    }
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
