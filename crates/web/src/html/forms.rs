//! What the pages with forms on one person or course share: the POST's start (the actor,
//! the form with its CSRF token checked, the grant to the person), the answer after it (to
//! the page with a flash, or the page again with every field error and what was typed), and
//! the flash after a redirect.

use std::future::Future;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use benk_app::access::{self, ReadGrant};
use benk_app::{Actor, AppError, FieldError};
use benk_domain::Purpose;
use serde::Deserialize;
use uuid::Uuid;

use super::intake::Fd;
use super::page;
use crate::ctx::Ctx;
use crate::AppState;

/// Why a page was reached again (`?msg=saved` after a successful form).
#[derive(Deserialize)]
pub(crate) struct Msg {
    #[serde(default)]
    pub(crate) msg: Option<String>,
}

impl Msg {
    /// The flash for `msg` among the page's (code, text) pairs.
    pub(crate) fn flash(&self, known: &[(&str, &'static str)]) -> Option<&'static str> {
        let msg = self.msg.as_deref()?;
        known.iter().find(|(k, _)| *k == msg).map(|(_, t)| *t)
    }
}

/// A form posted about the person `id` of the path: the actor, the form (CSRF checked), the
/// person and the grant (`open_client` for treatment; a refusal is its page).
pub(crate) async fn posted_about<'c>(
    st: &AppState,
    ctx: &'c Ctx,
    pairs: Vec<(String, String)>,
    id: &str,
) -> Result<(&'c Actor, Fd, Uuid, ReadGrant), Response> {
    let (actor, fd, client) = super::intake::form::posted(ctx, pairs, id)?;
    let grant = access::open_client(&st.app, actor, client, Purpose::Treat)
        .await
        .map_err(|e| ctx.page_err(e))?;
    Ok((actor, fd, client, grant))
}

/// `data` with every posted field of `fd` over it: the form again as it was typed.
fn as_typed(mut data: Fd, fd: &Fd) -> Fd {
    for (k, v) in &fd.0 {
        data.set(k, v.clone());
    }
    data
}

/// The answer to a posted form: `Ok(url)` redirects there; bad input (`Invalid`) shows the
/// page again (`again`, with the errors, 422); anything else is the error page.
pub(crate) async fn done<Fut>(
    ctx: &Ctx,
    result: Result<String, AppError>,
    again: impl FnOnce(Vec<FieldError>) -> Fut,
) -> Response
where
    Fut: Future<Output = Result<Response, AppError>>,
{
    let errs = match result {
        Ok(url) => return Redirect::to(&url).into_response(),
        Err(AppError::Invalid(errs)) => errs,
        Err(e) => return ctx.page_err(e),
    };
    match again(errs).await {
        Ok(r) => (StatusCode::UNPROCESSABLE_ENTITY, r).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// `done` for a page whose view is read again with the errors (`again`).
pub(crate) async fn done_view<V, Fut>(
    ctx: &Ctx,
    result: Result<String, AppError>,
    again: impl FnOnce(Vec<FieldError>) -> Fut,
) -> Response
where
    V: askama::Template,
    Fut: Future<Output = Result<V, AppError>>,
{
    done(
        ctx,
        result,
        |errs| async move { Ok(page(&again(errs).await?)) },
    )
    .await
}

/// GET of a page of one object (the path's `id`) with forms: its view (`read`), with the
/// page's `saved` text as the flash after a successful form (`?msg=saved`).
pub(crate) async fn show_view<V, Fut>(
    ctx: &Ctx,
    (id, q): (&str, &Msg),
    saved: &'static str,
    read: impl FnOnce(Uuid) -> Fut,
    layout: impl FnOnce(&mut V) -> &mut super::Layout,
) -> Response
where
    V: askama::Template,
    Fut: Future<Output = Result<V, AppError>>,
{
    let id = match super::clients::parse_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let flash = q.flash(&[("saved", saved)]);
    rendered(ctx, read(id).await, flash, layout)
}

/// A view rendered, or the error page.
pub(crate) fn rendered<V: askama::Template>(
    ctx: &Ctx,
    view: Result<V, AppError>,
    flash: Option<&'static str>,
    layout: impl FnOnce(&mut V) -> &mut super::Layout,
) -> Response {
    match view {
        Ok(mut v) => {
            if let Some(f) = flash {
                layout(&mut v).flash = Some(f.to_string());
            }
            page(&v)
        }
        Err(e) => ctx.page_err(e),
    }
}

/// The quick forms of a person's page as they are shown: their values (defaults, or what
/// was typed), the field errors, and which form is open.
pub(crate) struct Shown {
    /// The values.
    pub(crate) data: Fd,
    /// The field errors.
    pub(crate) errors: Vec<FieldError>,
    /// The form that was posted (kept open), or "".
    pub(crate) open: String,
}

impl Shown {
    /// The forms as they were posted: what was typed over `defaults`, with the errors.
    pub(crate) fn again(defaults: Fd, fd: &Fd, errors: Vec<FieldError>, open: String) -> Shown {
        Shown {
            data: as_typed(defaults, fd),
            errors,
            open,
        }
    }
    /// The forms fresh.
    pub(crate) fn fresh(defaults: Fd) -> Shown {
        Shown {
            data: defaults,
            errors: Vec::new(),
            open: String::new(),
        }
    }
}
