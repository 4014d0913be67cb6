//! Caseloads against the norm, the team board ("tavla") and the weekly team meeting
//! ("teammøte") (issue 9), for the acting team.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::board::{self, Board, BoardEntry};
use benk_app::caseload::{self, Caseload};
use benk_app::clients::{self, ClientSummary, ListKind};
use benk_app::meetings::{self, Meeting, MeetingSummary, Subject};
use benk_app::referrals::{self, ReferralSummary};
use benk_app::{AppError, FieldError};
use benk_domain::{BoardOutcome, ShortText};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::clients::actor_or_redirect;
use super::intake::{posted, posted_in_team};
use super::{Fd, Layout};
use crate::ctx::Ctx;
use crate::AppState;

/// A form shown again after an error: which form (and for which row), the typed values and the
/// errors.
pub(crate) struct Again {
    kind: &'static str,
    target: Option<Uuid>,
    data: Fd,
    errors: Vec<(String, String)>,
}

impl Again {
    fn new(
        ctx: &Ctx,
        kind: &'static str,
        target: Option<Uuid>,
        data: Fd,
        errs: Vec<FieldError>,
    ) -> Again {
        Again {
            kind,
            target,
            data,
            errors: errs
                .into_iter()
                .map(|e| (e.field, e.message.get(ctx.lang).to_string()))
                .collect(),
        }
    }
}

/// The forms of a page: values and errors of the one posted, if any.
pub(crate) struct Forms(Option<Again>);

impl Forms {
    fn is(&self, kind: &str, target: &Option<Uuid>) -> bool {
        self.0
            .as_ref()
            .is_some_and(|a| a.kind == kind && &a.target == target)
    }
    /// The typed value of a field of a form.
    pub fn val(&self, kind: &str, target: &Option<Uuid>, name: &str) -> String {
        match &self.0 {
            Some(a) if a.kind == kind && &a.target == target => a.data.get(name).to_string(),
            _ => String::new(),
        }
    }
    /// The error of a field of a form.
    pub fn err(&self, kind: &str, target: &Option<Uuid>, name: &str) -> Option<String> {
        self.0
            .as_ref()
            .filter(|_| self.is(kind, target))
            .and_then(|a| a.errors.iter().find(|(f, _)| f == name))
            .map(|(_, m)| m.clone())
    }
    /// Whether a form was posted with errors (open its details).
    pub fn open(&self, kind: &str, target: &Option<Uuid>) -> bool {
        self.is(kind, target)
    }
    /// Errors not tied to a shown field.
    pub fn general(&self, kind: &str, target: &Option<Uuid>, fields: &[&str]) -> Vec<String> {
        match &self.0 {
            Some(a) if a.kind == kind && &a.target == target => a
                .errors
                .iter()
                .filter(|(f, _)| !fields.contains(&f.as_str()))
                .map(|(_, m)| m.clone())
                .collect(),
            _ => vec![],
        }
    }
}

fn team_of(ctx: &Ctx, actor: &benk_app::Actor) -> Result<Uuid, Response> {
    actor
        .acting()
        .map(|m| m.team_id)
        .ok_or_else(|| ctx.page_err(no_team()))
}

/// The team pages' answer without an acting team.
fn no_team() -> AppError {
    AppError::NotFound
}

use super::clients::parse_id;

#[derive(Deserialize)]
pub(super) struct Msg {
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    names: Option<String>,
    #[serde(default)]
    auto: Option<String>,
}

// ---------------------------------------------------------------- caseload

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadView {
    layout: Layout,
    c: Caseload,
}

impl CaseloadView {
    fn role(&self, code: &str) -> &'static str {
        self.layout.role(code)
    }
    fn hidden(&self, count: &u32, shown: usize) -> u32 {
        count.saturating_sub(u32::try_from(shown).unwrap_or(0))
    }
}

/// GET `/caseload`: the acting team's caseload against the norm.
pub(super) async fn caseload_page(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    let team = match team_of(&ctx, actor) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match caseload::for_team(&st.app, actor, team).await {
        Ok(c) => super::page(&CaseloadView {
            layout: Layout::new(&ctx, "caseload"),
            c,
        }),
        Err(e) => ctx.page_err(e),
    }
}

// ---------------------------------------------------------------- board

#[derive(Template)]
#[template(path = "board.html")]
struct BoardView {
    layout: Layout,
    b: Board,
    people: Vec<ClientSummary>,
    outcomes: Vec<(&'static str, &'static str)>,
    forms: Forms,
    today: NaiveDate,
}

impl BoardView {
    fn outcome(&self, e: &BoardEntry) -> &'static str {
        e.outcome_label(self.layout_lang())
    }
    fn layout_lang(&self) -> benk_domain::Lang {
        if self.layout.lang == "en" {
            benk_domain::Lang::En
        } else {
            benk_domain::Lang::Nb
        }
    }
    fn display<'a>(&self, e: &'a BoardEntry) -> &'a str {
        e.name.as_deref().unwrap_or(&e.initials)
    }
}

async fn board_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    team: Uuid,
    forms: Forms,
) -> Result<BoardView, AppError> {
    let b = board::read(&st.app, actor, team, false).await?;
    let people = clients::list(&st.app, actor, ListKind::Visible, None).await?;
    let lang = ctx.lang;
    Ok(BoardView {
        layout: Layout::new(ctx, "board"),
        b,
        people,
        outcomes: BoardOutcome::ALL
            .iter()
            .map(|o| (o.code(), o.label(lang)))
            .collect(),
        forms,
        today: benk_app::time::oslo_today(),
    })
}

/// GET `/board`.
pub(super) async fn board_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let team = match team_of(&ctx, actor) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match board_view(&st, &ctx, actor, team, Forms(None)).await {
        Ok(mut v) => {
            if q.msg.as_deref() == Some("saved") {
                v.layout.flash = Some(ctx.t().board_saved.to_string());
            }
            super::page(&v)
        }
        Err(e) => ctx.page_err(e),
    }
}

#[allow(clippy::too_many_arguments)]
async fn board_done(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    team: Uuid,
    kind: &'static str,
    target: Option<Uuid>,
    fd: Fd,
    result: Result<(), AppError>,
) -> Response {
    let errs = match result {
        Ok(()) => return Redirect::to("/board?msg=saved").into_response(),
        Err(AppError::Invalid(errs)) => (StatusCode::UNPROCESSABLE_ENTITY, errs),
        Err(AppError::Conflict(t)) => (
            StatusCode::CONFLICT,
            vec![FieldError {
                field: "form".into(),
                code: "conflict".into(),
                message: t,
            }],
        ),
        Err(e) => return ctx.page_err(e),
    };
    let forms = Forms(Some(Again::new(ctx, kind, target, fd, errs.1)));
    match board_view(st, ctx, actor, team, forms).await {
        Ok(v) => (errs.0, super::page(&v)).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

fn short(field: &str, v: &str, errs: &mut Vec<FieldError>) -> Option<ShortText> {
    match ShortText::parse(v) {
        Ok(t) => Some(t),
        Err(e) => {
            errs.push(FieldError::of(field, &e));
            None
        }
    }
}

fn uuid_field(
    field: &str,
    v: &str,
    errs: &mut Vec<FieldError>,
    nb: &str,
    en: &str,
) -> Option<Uuid> {
    match Uuid::parse_str(v.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            errs.push(FieldError::new(field, "choice_required", nb, en));
            None
        }
    }
}

fn date_field(field: &str, v: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(FieldError::new(
                field,
                "invalid_date",
                "Oppgi en gyldig dato.",
                "Give a valid date.",
            ));
            None
        }
    }
}

/// POST `/board`: put a person up.
pub(super) async fn board_add(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match posted_in_team(&ctx, f, no_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut errs = Vec::new();
    let client = uuid_field(
        "client_id",
        fd.get("client_id"),
        &mut errs,
        "Velg en bruker.",
        "Choose a person.",
    );
    let reason = short("reason", fd.get("reason"), &mut errs);
    let result = match (client, reason) {
        (Some(c), Some(r)) if errs.is_empty() => {
            board::add(&st.app, actor, team, c, &r).await.map(|_| ())
        }
        _ => Err(AppError::Invalid(errs)),
    };
    board_done(&st, &ctx, actor, team, "add", None, fd, result).await
}

/// POST `/board/{id}/review`.
pub(super) async fn board_review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match posted_in_team(&ctx, f, no_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let entry = match parse_id(&ctx, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let mut errs = Vec::new();
    let on = date_field("reviewed_on", fd.get("reviewed_on"), &mut errs);
    let note = short("note", fd.get("note"), &mut errs);
    let result = match (on, note) {
        (Some(on), Some(n)) if errs.is_empty() => {
            board::review(&st.app, actor, entry, on, &n).await
        }
        _ => Err(AppError::Invalid(errs)),
    };
    board_done(&st, &ctx, actor, team, "review", Some(entry), fd, result).await
}

/// POST `/board/{id}/remove`.
pub(super) async fn board_remove(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match posted_in_team(&ctx, f, no_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let entry = match parse_id(&ctx, &id) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let mut errs = Vec::new();
    let outcome = BoardOutcome::from_code(fd.get("outcome"));
    if outcome.is_none() {
        errs.push(FieldError::new(
            "outcome",
            "choice_required",
            "Velg et utfall.",
            "Choose an outcome.",
        ));
    }
    let note = match ShortText::parse_optional(fd.get("outcome_note")) {
        Ok(n) => n,
        Err(e) => {
            errs.push(FieldError::of("outcome_note", &e));
            None
        }
    };
    let result = match outcome {
        Some(o) if errs.is_empty() => board::remove(&st.app, actor, entry, o, note.as_ref()).await,
        _ => Err(AppError::Invalid(errs)),
    };
    board_done(&st, &ctx, actor, team, "remove", Some(entry), fd, result).await
}

#[derive(Template)]
#[template(path = "board_screen.html")]
struct ScreenView {
    layout: Layout,
    b: Board,
    names: bool,
    /// Refreshing itself every minute (chosen by the reader, so it can be stopped: WCAG 2.2.1).
    auto: bool,
}

impl ScreenView {
    /// The screen's address with names and auto-refresh as given.
    fn url(&self, names: bool, auto: bool) -> String {
        let mut q = Vec::new();
        if names {
            q.push("names=1");
        }
        if auto {
            q.push("auto=1");
        }
        if q.is_empty() {
            "/board/screen".into()
        } else {
            format!("/board/screen?{}", q.join("&"))
        }
    }
    /// Where the refresh goes (the same view).
    fn refresh_url(&self) -> String {
        self.url(self.names, true)
    }
    /// The view with names toggled.
    fn names_url(&self) -> String {
        self.url(!self.names, self.auto)
    }
    /// The view with auto-refresh toggled.
    fn auto_url(&self) -> String {
        self.url(self.names, !self.auto)
    }
    fn display<'a>(&self, e: &'a BoardEntry) -> &'a str {
        match (&e.name, self.names) {
            (Some(n), true) => n,
            _ => &e.initials,
        }
    }
}

/// GET `/board/screen`: the large-screen view for the meeting: initials and the reason; full
/// names only on `?names=1` and only for a reader who may see every listed person; refreshing
/// itself every minute on `?auto=1` (a `meta` refresh, no script), which the reader turns on and
/// off with a link.
pub(super) async fn board_screen(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let team = match team_of(&ctx, actor) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match board::read(&st.app, actor, team, true).await {
        Ok(b) => {
            let names = q.names.as_deref() == Some("1") && b.may_show_all_names;
            super::page(&ScreenView {
                layout: Layout::new(&ctx, "board"),
                b,
                names,
                auto: q.auto.as_deref() == Some("1"),
            })
        }
        Err(e) => ctx.page_err(e),
    }
}

// ---------------------------------------------------------------- meetings

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsView {
    layout: Layout,
    upcoming: Vec<MeetingSummary>,
    past: Vec<MeetingSummary>,
    forms: Forms,
    today: NaiveDate,
}

async fn meetings_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    team: Uuid,
    forms: Forms,
) -> Result<MeetingsView, AppError> {
    let all = meetings::list(&st.app, actor, team).await?;
    let today = benk_app::time::oslo_today();
    let (mut upcoming, past): (Vec<_>, Vec<_>) = all.into_iter().partition(|m| m.held_on >= today);
    upcoming.reverse();
    Ok(MeetingsView {
        layout: Layout::new(ctx, "meetings"),
        upcoming,
        past,
        forms,
        today,
    })
}

/// GET `/meetings`.
pub(super) async fn meetings_page(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    let team = match team_of(&ctx, actor) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match meetings_view(&st, &ctx, actor, team, Forms(None)).await {
        Ok(v) => super::page(&v),
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/meetings`: plan a meeting.
pub(super) async fn meetings_create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match posted_in_team(&ctx, f, no_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut errs = Vec::new();
    let result = match date_field("held_on", fd.get("held_on"), &mut errs) {
        Some(d) => meetings::create(&st.app, actor, team, d).await,
        None => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(id) => Redirect::to(&format!("/meetings/{id}")).into_response(),
        Err(AppError::Invalid(errs)) => {
            let forms = Forms(Some(Again::new(&ctx, "new", None, fd, errs)));
            match meetings_view(&st, &ctx, actor, team, forms).await {
                Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, super::page(&v)).into_response(),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingView {
    layout: Layout,
    m: Meeting,
    people: Vec<ClientSummary>,
    referrals: Vec<ReferralSummary>,
    workers: Vec<(Uuid, String)>,
    forms: Forms,
}

async fn meeting_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    id: Uuid,
    forms: Forms,
) -> Result<MeetingView, AppError> {
    let m = meetings::get(&st.app, actor, id).await?;
    let people = clients::list(&st.app, actor, ListKind::Visible, None).await?;
    let referrals = if m.may_add_referrals {
        let grant = referrals::open_intake(&st.app, actor, m.team_id).await?;
        referrals::board(&st.app, actor, &grant)
            .await?
            .into_iter()
            .filter(|r| r.status != "decided")
            .collect()
    } else {
        Vec::new()
    };
    let workers = caseload::team_workers(&st.app, actor, m.team_id).await?;
    Ok(MeetingView {
        layout: Layout::new(ctx, "meetings"),
        m,
        people,
        referrals,
        workers,
        forms,
    })
}

/// GET `/meetings/{id}`.
pub(super) async fn meeting_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match meeting_view(&st, &ctx, actor, id, Forms(None)).await {
        Ok(mut v) => {
            if q.msg.as_deref() == Some("saved") {
                v.layout.flash = Some(ctx.t().meeting_saved.to_string());
            }
            super::page(&v)
        }
        Err(e) => ctx.page_err(e),
    }
}

#[allow(clippy::too_many_arguments)]
async fn meeting_done(
    st: &AppState,
    ctx: &Ctx,
    actor: &benk_app::Actor,
    meeting: Uuid,
    kind: &'static str,
    target: Option<Uuid>,
    fd: Fd,
    result: Result<(), AppError>,
) -> Response {
    let errs = match result {
        Ok(()) => return Redirect::to(&format!("/meetings/{meeting}?msg=saved")).into_response(),
        Err(AppError::Invalid(errs)) => errs,
        Err(e) => return ctx.page_err(e),
    };
    let forms = Forms(Some(Again::new(ctx, kind, target, fd, errs)));
    match meeting_view(st, ctx, actor, meeting, forms).await {
        Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, super::page(&v)).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/meetings/{id}/items`: a person (`client_id`) or a referral (`referral_id`).
pub(super) async fn meeting_add_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, meeting) = match posted(&ctx, f, &id) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let referral = !fd.blank("referral_id") || fd.get("kind") == "referral";
    let kind = if referral { "referral" } else { "person" };
    let mut errs = Vec::new();
    let subject = if referral {
        uuid_field(
            "referral_id",
            fd.get("referral_id"),
            &mut errs,
            "Velg en henvisning.",
            "Choose a referral.",
        )
        .map(Subject::Referral)
    } else {
        uuid_field(
            "client_id",
            fd.get("client_id"),
            &mut errs,
            "Velg en bruker.",
            "Choose a person.",
        )
        .map(Subject::Client)
    };
    let topic = short("topic", fd.get("topic"), &mut errs);
    let result = match (subject, topic) {
        (Some(s), Some(t)) if errs.is_empty() => meetings::add_item(&st.app, actor, meeting, s, &t)
            .await
            .map(|_| ()),
        _ => Err(AppError::Invalid(errs)),
    };
    meeting_done(&st, &ctx, actor, meeting, kind, None, fd, result).await
}

/// POST `/meetings/{id}/items/{item}/decision`.
pub(super) async fn meeting_decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, meeting) = match posted(&ctx, f, &id) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let item = match parse_id(&ctx, &item) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let mut errs = Vec::new();
    let decision = short("decision", fd.get("decision"), &mut errs);
    let follow_up = if fd.blank("follow_up_by") {
        None
    } else {
        uuid_field(
            "follow_up_by",
            fd.get("follow_up_by"),
            &mut errs,
            "Velg en medarbeider.",
            "Choose a staff member.",
        )
    };
    let result = match decision {
        Some(d) if errs.is_empty() => meetings::decide(&st.app, actor, item, &d, follow_up).await,
        _ => Err(AppError::Invalid(errs)),
    };
    meeting_done(&st, &ctx, actor, meeting, "decide", Some(item), fd, result).await
}
