//! Mapping use-case errors to HTTP, in one place: JSON for the API, a page for
//! the browser. A 500 shows an incident id that is in the server log, never
//! SQL, paths or stack traces.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use benk_app::{AppError, FieldError};
use benk_domain::Lang;
use serde_json::json;

use crate::i18n::texts;

/// The status code of an application error.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs an internal error under a fresh incident id and returns the id.
pub fn incident(detail: &str) -> String {
    let id = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
    tracing::error!(incident = %id, error = %detail, "internal error");
    id
}

fn fields_json(fields: &[FieldError], lang: Lang) -> serde_json::Value {
    fields
        .iter()
        .map(|f| json!({"field": f.field, "code": f.code, "message": f.message.get(lang)}))
        .collect()
}

/// An error answered as JSON: `{"error":{"code":…,"message":…}}`.
#[derive(Debug)]
pub struct ApiError {
    /// The error.
    pub err: AppError,
    /// The caller's language.
    pub lang: Lang,
}

/// The code and message of an error in a language.
pub fn code_and_message(err: &AppError, lang: Lang) -> (String, String, Option<String>) {
    let en = lang == Lang::En;
    match err {
        AppError::Unauthenticated => (
            "unauthenticated".into(),
            if en {
                "Log in or send a valid API token."
            } else {
                "Logg inn eller send en gyldig API-nøkkel."
            }
            .into(),
            None,
        ),
        AppError::Locked { retry_after_secs } => (
            "locked".into(),
            if en {
                format!("Too many failed attempts. Try again in {retry_after_secs} seconds.")
            } else {
                format!("For mange mislykkede forsøk. Prøv igjen om {retry_after_secs} sekunder.")
            },
            None,
        ),
        AppError::Busy { retry_after_secs } => (
            "busy".into(),
            if en {
                format!("The server is busy. Try again in {retry_after_secs} seconds.")
            } else {
                format!("Tjeneren er opptatt. Prøv igjen om {retry_after_secs} sekunder.")
            },
            None,
        ),
        AppError::Forbidden(t) => ("forbidden".into(), t.get(lang).to_string(), None),
        AppError::NotFound => (
            "not_found".into(),
            if en { "Not found." } else { "Finnes ikke." }.into(),
            None,
        ),
        AppError::Invalid(fields) => {
            let first = fields.first();
            let msg = match first {
                Some(f) if fields.len() == 1 => {
                    if en {
                        format!("Field «{}»: {}", f.field, f.message.get(lang))
                    } else {
                        format!("Feltet «{}»: {}", f.field, f.message.get(lang))
                    }
                }
                _ => if en {
                    "Several fields are invalid."
                } else {
                    "Flere felt er ugyldige."
                }
                .to_string(),
            };
            ("invalid_input".into(), msg, None)
        }
        AppError::Conflict(t) => ("conflict".into(), t.get(lang).to_string(), None),
        AppError::Internal(detail) => {
            let id = incident(detail);
            let msg = if en {
                format!("Internal error. Incident id: {id}. Nothing already saved was lost.")
            } else {
                format!(
                    "Intern feil. Hendelses-ID: {id}. Ingenting som allerede var lagret er tapt."
                )
            };
            ("internal".into(), msg, Some(id))
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (mut code, mut message, incident) = code_and_message(&self.err, self.lang);
        // A coordinator beyond the caseload norm (issue 9): its own code, and the message names
        // the worker, their count and their norm.
        if let AppError::Invalid(fields) = &self.err {
            if !fields.is_empty() && fields.iter().all(|f| f.code == "over_caseload_norm") {
                code = "over_caseload_norm".into();
                message = fields
                    .iter()
                    .map(|f| f.message.get(self.lang))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        // "Already registered" is a conflict with what is stored, not a bad
        // value: the API answers 409 (still naming the field), as documented.
        let (status, code) = match &self.err {
            AppError::Invalid(fields)
                if !fields.is_empty() && fields.iter().all(|f| f.code == "duplicate") =>
            {
                (StatusCode::CONFLICT, "conflict".to_string())
            }
            e => (status_of(e), code),
        };
        let mut body = json!({"error": {"code": code, "message": message}});
        if let AppError::Invalid(fields) = &self.err {
            body["error"]["fields"] = fields_json(fields, self.lang);
            if let Some(f) = fields.first() {
                body["error"]["field"] = json!(f.field);
            }
        }
        if let Some(id) = incident {
            body["error"]["incident"] = json!(id);
        }
        let mut resp = (status, axum::Json(body)).into_response();
        set_retry_after(&mut resp, &self.err);
        resp
    }
}

/// Adds `Retry-After` to the answer of an error that has one (locked, busy).
pub fn set_retry_after(resp: &mut Response, err: &AppError) {
    if let AppError::Locked { retry_after_secs } | AppError::Busy { retry_after_secs } = err {
        if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.max(&1).to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
}

/// An error answered as a small HTML page.
#[derive(Debug)]
pub struct PageError {
    /// The error.
    pub err: AppError,
    /// The user's language.
    pub lang: Lang,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = texts(self.lang);
        let status = status_of(&self.err);
        let (_, message, _) = code_and_message(&self.err, self.lang);
        let title = match status {
            StatusCode::FORBIDDEN => t.forbidden_title,
            StatusCode::NOT_FOUND => t.not_found_title,
            _ => t.error_title,
        };
        let page = crate::html::ErrorPage {
            lang: self.lang.as_tag(),
            title,
            message,
            back: t.back_home,
        };
        let mut resp = (status, Html(crate::html::render(&page))).into_response();
        set_retry_after(&mut resp, &self.err);
        resp
    }
}
