//! Import in the API (issue 10): `POST /import/{kind}` with a CSV file as the body, into the
//! acting team. The same use case as `benk import` and `/team/import` (`benk_app::import`):
//! the same checks, the same access rule (the team lead and the team's intake members who
//! are health personnel) and the same audit rows.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benk_app::import::{self, ImportKind, Report};
use benk_app::AppError;
use benk_domain::Lang;
use serde::{Deserialize, Serialize};

use super::{doc, error_response, ApiQuery};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

/// The largest file the route takes: the import page's limit.
pub(super) const MAX_FILE: usize = crate::html::IMPORT_MAX_FILE;

/// How the file is checked and in which language the row errors are given.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ImportQuery {
    /// Only check the file and report; write nothing (default false).
    #[serde(default)]
    dry_run: Option<bool>,
    /// The language of the row errors: `nb` or `en` (default: the caller's language or
    /// `Accept-Language`).
    #[serde(default)]
    lang: Option<RowLang>,
    /// The team to import into (default: the caller's acting team); only its team lead and
    /// intake members who are health personnel may.
    #[serde(default)]
    team: Option<uuid::Uuid>,
}

/// The language of the row errors.
#[derive(Deserialize, Clone, Copy, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = ImportLang)]
pub(super) enum RowLang {
    /// Norwegian Bokmål.
    Nb,
    /// English.
    En,
}

/// One bad row of the file.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ImportRowError)]
pub(super) struct RowErrorOut {
    /// Line in the file (the header is line 1; 0: the file as a whole).
    line: u64,
    /// The column, as named in the header; absent for the whole row or file.
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<String>,
    /// Stable code of the problem.
    code: String,
    /// The reason, in the requested language.
    message: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ImportResult)]
pub(super) struct ReportOut {
    /// `people`, `measures`, `spor` or `registry`.
    kind: ImportKind,
    /// Only checked; nothing written.
    dry_run: bool,
    /// Data rows in the file.
    rows: usize,
    /// Rows written (in a dry run: that would be written; 0 when any row is bad).
    imported: usize,
    /// Rows whose `external_id` the team already has: skipped.
    already_imported: usize,
    /// Whether the rows were written (all or nothing).
    written: bool,
    /// Every bad row; any means nothing was written (`written` is false).
    errors: Vec<RowErrorOut>,
}

fn out(r: Report, lang: Lang) -> ReportOut {
    ReportOut {
        kind: r.kind,
        dry_run: r.dry_run,
        rows: r.rows,
        imported: r.imported,
        already_imported: r.already_imported,
        written: r.written,
        errors: r
            .errors
            .into_iter()
            .map(|e| RowErrorOut {
                line: e.line,
                column: e.column,
                message: e.message.get(lang).to_string(),
                code: e.code,
            })
            .collect(),
    }
}

fn is_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("text/csv") || v.eq_ignore_ascii_case("text/plain")
        })
}

/// Import a CSV file of one kind into a team (the acting team unless `team` is given; `people`, `measures`, `spor`,
/// `registry`; the columns are in `docs/import/`). The body is the file as Excel writes it
/// ("CSV UTF-8", `;` or `,`, up to 8 MB). A dry run checks every row and writes nothing; a
/// real run writes every new row in one transaction or, if any row is bad, nothing. The
/// answer is the report either way (200): `written` says whether the rows were saved, and
/// `errors` lists every bad row (line, column, reason). Rows whose `external_id` the team
/// already has are skipped. Only the team lead and the team's intake members who are health personnel
/// may import (the rows are health content); a refusal is audited as `import.<kind>`.
#[utoipa::path(post, path = "/import/{kind}",
    params(("kind" = ImportKind, Path, description = "What the file holds."), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file."),
    responses(
        (status = 200, body = ReportOut, description = "The file was checked (and, in a real run without bad rows, imported): `written` and `errors` say which."),
        (status = 403, response = doc::Forbidden),
        (status = 409, response = doc::Conflict),
    ))]
pub(super) async fn import_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let actor = ctx.api_actor()?.clone();
    let Some(kind) = ImportKind::from_code(&kind) else {
        return Err(ctx.api_err(AppError::NotFound));
    };
    let lang = match q.lang {
        None => ctx.lang,
        Some(RowLang::Nb) => Lang::Nb,
        Some(RowLang::En) => Lang::En,
    };
    if !is_csv(&headers) {
        return Ok(error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            match lang {
                Lang::Nb => "Send filen som text/csv.",
                Lang::En => "Send the file as text/csv.",
            }
            .into(),
            None,
        ));
    }
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Ok(error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                match lang {
                    Lang::Nb => "Filen er for stor (høyst 8 MB).",
                    Lang::En => "The file is too large (at most 8 MB).",
                }
                .into(),
                None,
            ))
        }
        Err(_) => {
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "bad_body",
                match lang {
                    Lang::Nb => "Kunne ikke lese filen.",
                    Lang::En => "Could not read the file.",
                }
                .into(),
                None,
            ))
        }
    };
    let team = match q.team {
        Some(t) => t,
        None => super::intake::acting_team(&ctx, &actor)?,
    };
    let dry_run = q.dry_run.unwrap_or(false);
    let progress = |done: usize, all: usize| {
        tracing::info!(kind = kind.code(), done, all, "import progress");
    };
    let r = import::run(&st.app, &actor, team, kind, &body, dry_run, &progress)
        .await
        .map_err(|e| ctx.api_err(e))?;
    Ok(Json(out(r, lang)).into_response())
}
