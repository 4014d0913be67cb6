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
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(html::routes())
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .route("/assets/htmx.min.js", get(htmx))
        .route("/assets/benk.css", get(css))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.db.ping().await {
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

/// Security headers on every response; pages and API answers with personal
/// data are never cached.
async fn security_headers(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
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
