//! The public referral form (no login) and its receipt. Protected by a
//! double-submit CSRF cookie, a honeypot field, a per-address rate limit and
//! the body size limit; whatever goes wrong, the form comes back with
//! everything the referrer typed.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::{orgs, referrals, AppError, FieldError};
use benk_domain::Lang;
use rand::Rng;
use serde::Deserialize;
use uuid::Uuid;

use super::form::{referral_form_view, Fd, ReferralFormParts};
use super::texts::{it, It};
use crate::ctx::{constant_time_eq, Ctx, LANG_COOKIE};
use crate::html::{page, render, ErrorPage, Layout};
use crate::AppState;

/// The double-submit CSRF cookie of the public referral form.
pub(crate) const REF_CSRF_COOKIE: &str = "benk_ref_csrf";

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// `?lang=nb|en` on the public pages: switch and remember (the visitor has no settings).
fn apply_lang(mut ctx: Ctx, q: &LangQuery) -> Ctx {
    if let Some(l) = q.lang.as_deref().and_then(Lang::from_tag) {
        ctx.lang = l;
        ctx.jar = ctx
            .jar
            .clone()
            .add(ctx.cookie(LANG_COOKIE, l.as_tag().to_string()));
    }
    ctx
}

#[derive(Template)]
#[template(path = "referral_teams.html")]
struct TeamsView {
    layout: Layout,
    it: &'static It,
    teams: Vec<(Uuid, String)>,
}

/// `/henvisning`: the form of the only team, or the list of teams.
pub(crate) async fn index(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LangQuery>,
) -> Response {
    let ctx = apply_lang(ctx, &q);
    match orgs::list_teams(&st.app).await {
        Ok(teams) if teams.len() == 1 => form_page(&st, &ctx, teams[0].0, "/henvisning").await,
        Ok(teams) => (
            ctx.jar.clone(),
            page(&TeamsView {
                layout: Layout::new(&ctx, "referral"),
                it: it(ctx.lang),
                teams,
            }),
        )
            .into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// `/henvisning/{team}`: the form.
pub(crate) async fn form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let ctx = apply_lang(ctx, &q);
    let Ok(team_id) = Uuid::parse_str(&team) else {
        return ctx.page_err(AppError::NotFound);
    };
    form_page(&st, &ctx, team_id, &format!("/henvisning/{team_id}")).await
}

fn token_of(ctx: &Ctx) -> Option<String> {
    public_token(ctx, REF_CSRF_COOKIE)
}

/// A public form's double-submit CSRF token from its cookie `name`, if well formed.
pub(crate) fn public_token(ctx: &Ctx, name: &str) -> Option<String> {
    ctx.jar
        .get(name)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What a public form's POST starts with (`/henvisning/{team}`, `/apen-time/{team}`): the
/// team in the path (404 otherwise), the form (a body over the limit, or one that is not a
/// form, gets a bare page) and whether the hidden `_csrf` equals the cookie `cookie` set with
/// the form. A failed check is the caller's to answer, with its own form and what was typed.
pub(crate) fn public_post(
    ctx: &Ctx,
    team: &str,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
    cookie: &str,
) -> Result<(Uuid, Fd, bool), Response> {
    let t = it(ctx.lang);
    let Ok(team_id) = Uuid::parse_str(team) else {
        return Err(ctx.page_err(AppError::NotFound));
    };
    let fd = match form {
        Ok(Form(pairs)) => Fd(pairs),
        Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(bare_page(
                ctx,
                StatusCode::PAYLOAD_TOO_LARGE,
                t.too_large_title,
                t.too_large_text,
            ))
        }
        Err(rej) => {
            return Err(bare_page(
                ctx,
                rej.status(),
                t.bad_form_title,
                t.bad_form_text,
            ))
        }
    };
    let token = public_token(ctx, cookie).unwrap_or_default();
    let csrf_ok =
        !token.is_empty() && constant_time_eq(token.as_bytes(), fd.get("_csrf").as_bytes());
    Ok((team_id, fd, csrf_ok))
}

async fn form_page(st: &AppState, ctx: &Ctx, team_id: Uuid, here: &str) -> Response {
    let mut data = Fd::default();
    data.set("urgency", "normal");
    render_form(
        st,
        ctx,
        team_id,
        here,
        data,
        vec![],
        None,
        StatusCode::OK,
        false,
    )
    .await
}

/// Renders the public form (with a CSRF token, new if `fresh_token` or there is none).
#[allow(clippy::too_many_arguments)]
async fn render_form(
    st: &AppState,
    ctx: &Ctx,
    team_id: Uuid,
    here: &str,
    data: Fd,
    errors: Vec<FieldError>,
    notice: Option<String>,
    status: StatusCode,
    fresh_token: bool,
) -> Response {
    let team = match orgs::get_team(&st.app, team_id).await {
        Ok(t) => t,
        Err(e) => return ctx.page_err(e),
    };
    let agencies = match referrals::agencies(&st.app, team_id).await {
        Ok(a) => a,
        Err(e) => return ctx.page_err(e),
    };
    let token = match token_of(ctx).filter(|_| !fresh_token) {
        Some(t) => t,
        None => benk_app::auth::random_hex(16),
    };
    let jar = ctx
        .jar
        .clone()
        .add(ctx.cookie(REF_CSRF_COOKIE, token.clone()));
    let t = it(ctx.lang);
    let mut data = data;
    data.set("hp_url", "");
    let view = referral_form_view(
        ctx,
        ReferralFormParts {
            staff: false,
            title: format!("{} {}", t.refer_to, team.name),
            action: format!("/henvisning/{team_id}"),
            csrf: token,
            agencies: &agencies,
            data,
            errors,
            notice,
            lang_switch: Some(here.to_string()),
        },
    );
    (status, jar, page(&view)).into_response()
}

fn bare_page(ctx: &Ctx, status: StatusCode, title: &'static str, message: &str) -> Response {
    let page = ErrorPage {
        lang: ctx.lang.as_tag(),
        title,
        message: message.to_string(),
        back: it(ctx.lang).back_to_form,
    };
    (status, Html(render(&page))).into_response()
}

/// A receipt number in the form the app makes: "H-2026-7KQ3-M9XA".
fn fake_receipt() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let mut part = || {
        (0..4)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect::<String>()
    };
    let year = chrono::Datelike::year(&benk_app::time::oslo_today());
    format!("H-{year}-{}-{}", part(), part())
}

fn is_receipt(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    let alnum = |x: &str| {
        x.len() == 4
            && x.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    p.len() == 4
        && p[0] == "H"
        && p[1].len() == 4
        && p[1].bytes().all(|b| b.is_ascii_digit())
        && alnum(p[2])
        && alnum(p[3])
}

fn receipt_redirect(nr: &str) -> Response {
    Redirect::to(&format!("/henvisning/kvittering/{nr}")).into_response()
}

/// POST `/henvisning/{team}`.
pub(crate) async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let t = it(ctx.lang);
    let (team_id, fd, csrf_ok) = match public_post(&ctx, &team, form, REF_CSRF_COOKIE) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let here = format!("/henvisning/{team_id}");
    // Double-submit CSRF: the hidden field must equal the cookie set with the form.
    if !csrf_ok {
        return render_form(
            &st,
            &ctx,
            team_id,
            &here,
            fd,
            vec![],
            Some(t.csrf_expired.to_string()),
            StatusCode::FORBIDDEN,
            true,
        )
        .await;
    }
    let input = match super::form::parse_referral(&fd, false, st.app.settings.allow_synthetic_ids) {
        Ok(i) => i,
        Err(errs) => {
            return render_form(
                &st,
                &ctx,
                team_id,
                &here,
                fd,
                errs,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
    };
    // Only submissions that would be stored count against the limit.
    let key = ctx.meta.ip.clone().unwrap_or_else(|| "unknown".into());
    if let Err(wait) = st.referral_limiter.try_acquire(&key) {
        let mut resp = render_form(
            &st,
            &ctx,
            team_id,
            &here,
            fd,
            vec![],
            Some(t.rate_limited.to_string()),
            StatusCode::TOO_MANY_REQUESTS,
            false,
        )
        .await;
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    if !fd.blank("hp_url") {
        // A bot filled the hidden field: answer like a success, store nothing.
        tracing::info!(ip = %key, "referral honeypot filled; nothing stored");
        return receipt_redirect(&fake_receipt());
    }
    match referrals::submit_public(&st.app, team_id, input, &ctx.meta).await {
        Ok(r) => receipt_redirect(&r.receipt_number),
        Err(AppError::Invalid(errs)) => {
            render_form(
                &st,
                &ctx,
                team_id,
                &here,
                fd,
                errs,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "referral_receipt.html")]
struct ReceiptView {
    layout: Layout,
    it: &'static It,
    receipt: String,
}

/// GET `/henvisning/kvittering/{nr}`: what happens next. Echoes nothing but the number.
pub(crate) async fn receipt(ctx: Ctx, Path(nr): Path<String>) -> Response {
    if !is_receipt(&nr) {
        return ctx.page_err(AppError::NotFound);
    }
    page(&ReceiptView {
        layout: Layout::new(&ctx, "referral"),
        it: it(ctx.lang),
        receipt: nr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_receipts_look_real() {
        for _ in 0..20 {
            assert!(is_receipt(&fake_receipt()));
        }
        assert!(is_receipt("H-2026-7KQ3-M9XA"));
        assert!(!is_receipt("H-2026-7KQ3-M9X"));
        assert!(!is_receipt("<script>"));
        assert!(!is_receipt("H-20x6-7KQ3-M9XA"));
    }
}
