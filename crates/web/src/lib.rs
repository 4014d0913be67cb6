//! Benk's HTTP interface: server-rendered pages (askama + htmx) under `/`, the
//! JSON API under `/api/v1` with its OpenAPI document, and `/healthz`.
//! Handlers are thin: parse input into domain types, call one use case, render.

pub mod api;
pub mod ctx;
pub mod error;
pub mod html;
pub mod i18n;
pub mod input;
pub mod rate_limit;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use benk_app::App;
use serde_json::json;
use std::time::Duration;

/// Largest request body accepted (bigger ones get 413).
pub const MAX_BODY: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Use cases.
    pub app: App,
    /// Always mark cookies Secure (set when Benk itself serves TLS or sits behind HTTPS).
    pub secure_cookies: bool,
    /// Benk runs behind a reverse proxy that sets X-Forwarded-For / X-Forwarded-Proto.
    pub trust_proxy: bool,
    /// Limits submissions of the public referral form per client address.
    pub referral_limiter: std::sync::Arc<rate_limit::RateLimiter>,
    /// The proxies whose `X-Forwarded-For` hops are believed (empty: only the peer itself).
    pub trusted_proxies: ctx::TrustedProxies,
    /// A request that takes longer than this is answered 503 and abandoned.
    pub request_timeout: Duration,
}

/// The default request timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl AppState {
    /// State with the defaults: no proxy, no Secure-only cookies, a 30 s timeout.
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            secure_cookies: false,
            trust_proxy: false,
            referral_limiter: Default::default(),
            trusted_proxies: ctx::TrustedProxies::default(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(html::routes())
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .route("/assets/htmx.min.js", get(htmx))
        .route("/assets/benk.css", get(css))
        .route("/assets/draft.js", get(draft_js))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "degraded", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

async fn htmx() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../assets/vendor/htmx.min.js"),
    )
}

/// The note draft's autosave and the contact form's local copy (our own script, no framework).
async fn draft_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../assets/draft.js"),
    )
}

async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../assets/benk.css"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Ends a request that runs longer than `request_timeout` with a 503. The
/// handler's future is dropped, which is safe: handlers hold no transaction,
/// and a write already handed to the writer still commits (invariant 3).
async fn timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let en = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(benk_domain::Lang::from_accept_language)
        == Some(benk_domain::Lang::En);
    match tokio::time::timeout(state.request_timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!(timeout = ?state.request_timeout, "request timed out");
            let message = if en {
                "The request took too long and was stopped. Try again."
            } else {
                "Forespørselen tok for lang tid og ble stoppet. Prøv igjen."
            };
            let mut resp = if api {
                api::error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "timeout",
                    message.into(),
                    None,
                )
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
            };
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            resp
        }
    }
}

/// Security headers on every response; pages and API answers with personal
/// data are never cached. HSTS is sent when the request came over HTTPS.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let (parts, body) = req.into_parts();
    let secure = ctx::is_secure(&parts, &state);
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    let h = resp.headers_mut();
    if secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
