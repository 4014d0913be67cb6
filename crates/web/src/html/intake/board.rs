//! The intake board (new → under assessment → decided), registering a
//! referral taken by phone or at the open hour, and the agency register.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::referrals::{self, Agency, IntakeGrant, ReferralSummary};
use benk_app::{Actor, AppError, FieldError, Text};
use benk_domain::{AgencyKind, DecisionOutcome, Lang, ReferralStatus, ShortText, Urgency};
use serde::Deserialize;
use uuid::Uuid;

use super::form::{cap, choices, iso, referral_form_view, Fd, FormState, ReferralFormParts};
use super::texts::{it, It};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

/// Opens the acting team's referrals, or the audited refusal.
pub(crate) async fn intake_grant(st: &AppState, actor: &Actor) -> Result<IntakeGrant, AppError> {
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return Err(AppError::Forbidden(Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )));
    };
    referrals::open_intake(&st.app, actor, team).await
}

/// A short status message from a code in the query string (never free text).
#[derive(Deserialize, Default)]
pub(crate) struct MsgQuery {
    #[serde(default)]
    pub msg: Option<String>,
    #[serde(default)]
    pub warn: Option<String>,
}

/// One referral card on the board.
pub(crate) struct Card {
    pub id: Uuid,
    pub receipt: String,
    pub person: Option<String>,
    pub agency: String,
    pub urgent: bool,
    pub urgency: String,
    pub received: String,
    pub age: String,
    pub outcome: Option<String>,
    /// The assessment deadline while open (issue 8).
    pub deadline: Option<super::assessment::ShownDeadline>,
}

#[derive(Template)]
#[template(path = "intake_board.html")]
struct BoardView {
    layout: Layout,
    it: &'static It,
    columns: Vec<(&'static str, &'static str, Vec<Card>)>,
    public_link: String,
    /// The guidance cases' link text, for those who may open them.
    guidance_link: Option<&'static str>,
    /// Assessment words and the next intake meeting (issue 8).
    at: &'static super::assessment::At,
    next_meeting: Option<String>,
}

/// "i dag", "1 dag", "12 dager".
pub(crate) fn age_text(it: &It, days: i64) -> String {
    match days {
        i64::MIN..=0 => it.age_today.to_string(),
        1 => format!("1 {}", it.day),
        n => format!("{n} {}", it.days),
    }
}

fn card(s: ReferralSummary, layout: &Layout, lang: Lang, it: &It) -> Card {
    let today = benk_app::time::oslo_today();
    let days = (today - s.received_on).num_days();
    let agency = s.agency_name.clone().unwrap_or_else(|| {
        AgencyKind::from_code(&s.agency_kind)
            .map(|k| cap(k.label(lang)))
            .unwrap_or_else(|| s.agency_kind.clone())
    });
    let urgent = s.urgency == Urgency::Urgent.code();
    Card {
        id: s.id,
        receipt: s.receipt_number,
        person: s.person_name,
        agency,
        urgent,
        urgency: Urgency::from_code(&s.urgency)
            .map(|u| cap(u.label(lang)))
            .unwrap_or_default(),
        received: layout.date(&s.received_on),
        age: age_text(it, days),
        deadline: super::assessment::shown_deadline(s.deadline, layout),
        outcome: s
            .outcome
            .as_deref()
            .and_then(DecisionOutcome::from_code)
            .map(|o| cap(o.label(lang))),
    }
}

/// GET `/intake`.
pub(crate) async fn board(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        let rows = referrals::board(&st.app, actor, &grant).await?;
        let next = benk_app::assessment::next_meeting(&st.app, grant.team_id()).await?;
        Ok::<_, AppError>((grant, rows, next))
    }
    .await;
    let (grant, rows, next) = match result {
        Ok(r) => r,
        Err(e) => return ctx.page_err(e),
    };
    let t = it(ctx.lang);
    let mut layout = Layout::new(&ctx, "intake");
    layout.flash = q.msg.as_deref().and_then(|m| super::flash(t, m));
    let mut new = Vec::new();
    let mut assessing = Vec::new();
    let mut decided = Vec::new();
    for r in rows {
        let status = ReferralStatus::from_code(&r.status);
        let c = card(r, &layout, ctx.lang, t);
        match status {
            Some(ReferralStatus::New) => new.push(c),
            Some(ReferralStatus::UnderAssessment) => assessing.push(c),
            _ => decided.push(c),
        }
    }
    // Newest decisions first; the open columns keep the board's order (urgent, then oldest).
    decided.reverse();
    let next_meeting = super::assessment::meeting_text(next, &layout, ctx.lang);
    page(&BoardView {
        layout,
        it: t,
        columns: vec![
            ("new", t.col_new, new),
            ("assessing", t.col_assessing, assessing),
            ("decided", t.col_decided, decided),
        ],
        public_link: format!("/henvisning/{}", grant.team_id()),
        guidance_link: benk_app::guidance::may_open(actor, grant.team_id())
            .then(|| super::guidance::gt(ctx.lang).list_title),
        at: super::assessment::at(ctx.lang),
        next_meeting,
    })
}

// --- Registering a referral taken by staff ---------------------------------

async fn staff_form(
    st: &AppState,
    ctx: &Ctx,
    grant: &IntakeGrant,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let agencies = match referrals::agencies(&st.app, grant.team_id()).await {
        Ok(a) => a,
        Err(e) => return ctx.page_err(e),
    };
    let t = it(ctx.lang);
    let view = referral_form_view(
        ctx,
        ReferralFormParts {
            staff: true,
            title: t.register_title.to_string(),
            action: "/intake/referrals/new".into(),
            csrf: ctx.csrf(),
            agencies: &agencies,
            data,
            errors,
            notice: None,
            lang_switch: None,
        },
    );
    (status, page(&view)).into_response()
}

/// `?from_booking=<id>` on the staff referral form.
#[derive(serde::Deserialize)]
pub(crate) struct FromBooking {
    #[serde(default)]
    from_booking: Option<String>,
}

/// GET `/intake/referrals/new`.
pub(crate) async fn new_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<FromBooking>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let grant = match intake_grant(&st, actor).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let mut data = Fd::default();
    data.set("urgency", "normal");
    data.set("channel", "phone");
    data.set("received_on", iso(benk_app::time::oslo_today()));
    // From an open-hour booking: the partner and the case; the person is added here.
    if let Some(b) = q
        .from_booking
        .as_deref()
        .and_then(|b| Uuid::parse_str(b).ok())
    {
        if let Err(e) = crate::html::daily::prefill_referral(&st, actor, b, &mut data).await {
            return ctx.page_err(e);
        }
    }
    staff_form(&st, &ctx, &grant, data, vec![], StatusCode::OK).await
}

/// POST `/intake/referrals/new`.
pub(crate) async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(pairs);
    if let Err(r) = ctx.check_csrf(fd.get("_csrf")) {
        return r;
    }
    let grant = match intake_grant(&st, actor).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let input = match super::form::parse_referral(&fd, true, st.app.settings.allow_synthetic_ids) {
        Ok(i) => i,
        Err(errs) => {
            return staff_form(
                &st,
                &ctx,
                &grant,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    // From an open-hour booking, the referral and the booking's link are one transaction.
    let from_booking = fd.get("from_booking").trim().to_string();
    let result = if from_booking.is_empty() {
        referrals::register(&st.app, actor, &grant, input).await
    } else {
        match Uuid::parse_str(&from_booking) {
            Ok(b) => crate::html::daily::refer_booking(&st, actor, &grant, b, input).await,
            Err(_) => Err(AppError::NotFound),
        }
    };
    match result {
        Ok(r) => {
            Redirect::to(&format!("/intake/referrals/{}?msg=registered", r.id)).into_response()
        }
        Err(AppError::Invalid(errs)) => {
            staff_form(
                &st,
                &ctx,
                &grant,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

// --- The agency register ---------------------------------------------------

#[derive(Template)]
#[template(path = "intake_agencies.html")]
struct AgenciesView {
    layout: Layout,
    it: &'static It,
    groups: Vec<(String, Vec<Agency>)>,
    kinds: Vec<(&'static str, String)>,
    f: FormState,
}

async fn agencies_page(
    st: &AppState,
    ctx: &Ctx,
    grant: &IntakeGrant,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
    flash: Option<String>,
) -> Response {
    let agencies = match referrals::agencies(&st.app, grant.team_id()).await {
        Ok(a) => a,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let t = it(lang);
    let mut groups: Vec<(String, Vec<Agency>)> = Vec::new();
    for kind in AgencyKind::ALL {
        let items: Vec<Agency> = agencies
            .iter()
            .filter(|a| a.kind == kind.code())
            .cloned()
            .collect();
        if !items.is_empty() {
            groups.push((cap(kind.label(lang)), items));
        }
    }
    let mut layout = Layout::new(ctx, "intake");
    layout.flash = flash;
    let view = AgenciesView {
        layout,
        it: t,
        groups,
        kinds: choices(AgencyKind::ALL, AgencyKind::code, AgencyKind::label, lang),
        f: FormState::new(
            lang,
            data,
            errors,
            vec![("kind", t.agency_kind_short), ("name", t.agency_name)],
            vec![],
        ),
    };
    (status, page(&view)).into_response()
}

/// GET `/intake/agencies`.
pub(crate) async fn agencies(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let grant = match intake_grant(&st, actor).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let flash = q.msg.as_deref().and_then(|m| super::flash(it(ctx.lang), m));
    agencies_page(
        &st,
        &ctx,
        &grant,
        Fd::default(),
        vec![],
        StatusCode::OK,
        flash,
    )
    .await
}

/// POST `/intake/agencies`.
pub(crate) async fn add_agency(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(pairs);
    if let Err(r) = ctx.check_csrf(fd.get("_csrf")) {
        return r;
    }
    let grant = match intake_grant(&st, actor).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let mut errs = Vec::new();
    let kind = AgencyKind::from_code(fd.get("kind"));
    if kind.is_none() {
        errs.push(FieldError::new(
            "kind",
            "choice_required",
            "Velg hva slags instans det er.",
            "Choose what kind of agency it is.",
        ));
    }
    let name = match ShortText::parse_name(fd.get("name")) {
        Ok(n) => Some(n),
        Err(e) => {
            errs.push(FieldError::of("name", &e));
            None
        }
    };
    let result = match (kind, name) {
        (Some(k), Some(n)) if errs.is_empty() => {
            referrals::add_agency(&st.app, actor, &grant, k, &n).await
        }
        _ => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(_) => Redirect::to("/intake/agencies?msg=agency_added").into_response(),
        Err(AppError::Invalid(errs)) => {
            agencies_page(
                &st,
                &ctx,
                &grant,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}
