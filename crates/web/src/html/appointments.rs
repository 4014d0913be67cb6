//! Appointments (per person and "Mine avtaler"), the needs-contact list, the calendar feed
//! and its settings (issue 9).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::open_client;
use benk_app::appointments::{
    self, Appointment, AppointmentInput, AppointmentPatch, MyAppointment,
};
use benk_app::keeping::{self, NeedsContact};
use benk_app::{calendar, AppError, FieldError};
use benk_domain::{ContactKind, Lang, LongText, Purpose, ShortText};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::clients::{actor_or_redirect, parse_id};
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

page_texts! {
    /// The words of the appointment and keeping-contact pages.
    At, pub(super) fn at;
    mine_title: "Mine avtaler", "My appointments";
    mine_intro: "Avtalene du er med på de neste 14 dagene.", "The appointments you take part in over the next 14 days.";
    none_planned: "Ingen avtaler.", "No appointments.";
    client_title: "Avtaler", "Appointments";
    back_to_client: "Tilbake til brukeren", "Back to the person";
    new_appointment: "Ny avtale", "New appointment";
    change_appointment: "Endre avtalen", "Change the appointment";
    date: "Dato", "Date";
    start: "Fra", "From";
    end: "Til", "To";
    kind: "Type", "Kind";
    place: "Sted", "Place";
    purpose: "Formål (helseopplysning, vises bare for helsepersonell)", "Purpose (health information, shown only to health personnel)";
    purpose_short: "Formål", "Purpose";
    staff: "Ansatte som er med", "Staff taking part";
    staff_hint: "Ingen valgt: bare deg.", "None chosen: only you.";
    save: "Lagre avtalen", "Save the appointment";
    cancel: "Avlys", "Cancel";
    change: "Endre", "Change";
    cancelled: "Avlyst", "Cancelled";
    with: "med", "with";
    errors_title: "Avtalen ble ikke lagret:", "The appointment was not saved:";
    needs_title: "Trenger kontakt", "Needs contact";
    needs_intro: "Brukere som ikke er truffet innen teamets frist for innsatsnivået, eller som har flere forsøk på rad uten å bli truffet. Lengst over fristen først.", "People not met within the team's limit for their level of effort, or with several attempts in a row without meeting them. Longest beyond the limit first.";
    needs_none: "Ingen trenger kontakt nå.", "No one needs contact now.";
    team: "Team", "Team";
    show: "Vis", "Show";
    col_name: "Bruker", "Person";
    col_level: "Nivå", "Level";
    col_since: "Dager siden truffet", "Days since met";
    col_over: "Over fristen", "Beyond the limit";
    col_missed: "Ikke truffet på rad", "Not met in a row";
    never_met: "aldri truffet", "never met";
    never_met_since: "Aldri truffet, dager siden inntak", "Never met, days since inclusion";
    days: "dager", "days";
    limit: "frist", "limit";
    calendar_title: "Kalender", "Calendar";
    calendar_intro: "Abonner på avtalene dine i kalenderappen med en hemmelig adresse. Kalenderen viser bare tid, type og sted – aldri navn eller formål.", "Subscribe to your appointments in your calendar app with a secret address. The calendar shows only time, kind and place – never names or purposes.";
    calendar_none: "Du har ingen kalenderadresse.", "You have no calendar address.";
    calendar_since: "Kalenderadressen ble laget", "The calendar address was made";
    calendar_create: "Lag kalenderadresse", "Make a calendar address";
    calendar_recreate: "Lag ny adresse (den gamle slutter å virke)", "Make a new address (the old one stops working)";
    calendar_revoke: "Slett kalenderadressen", "Delete the calendar address";
    calendar_shown_once: "Kopier adressen nå; den vises bare én gang:", "Copy the address now; it is shown only once:";
    appointments_link: "Avtaler", "Appointments";
    next_appointment: "Neste avtale", "Next appointment";
    none_planned_short: "ingen – planlegg en", "none – plan one";
}

pub(super) fn kind_label(lang: Lang, code: &str) -> &'static str {
    ContactKind::from_code(code)
        .map(|k| k.label(lang))
        .unwrap_or("–")
}

fn kinds(lang: Lang) -> Vec<(&'static str, &'static str)> {
    ContactKind::ALL
        .iter()
        .map(|k| (k.code(), k.label(lang)))
        .collect()
}

/// The typed values of the form, kept when it is refused.
#[derive(Default, Clone)]
pub(super) struct AppointmentForm {
    _csrf: String,
    date: String,
    starts_at: String,
    ends_at: String,
    kind: String,
    place: String,
    purpose: String,
    staff: Vec<String>,
}

impl AppointmentForm {
    /// From the posted pairs (the staff checkboxes repeat their name).
    fn from_pairs(pairs: Vec<(String, String)>) -> AppointmentForm {
        let mut f = AppointmentForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "_csrf" => f._csrf = v,
                "date" => f.date = v,
                "starts_at" => f.starts_at = v,
                "ends_at" => f.ends_at = v,
                "kind" => f.kind = v,
                "place" => f.place = v,
                "purpose" => f.purpose = v,
                "staff" => f.staff.push(v),
                _ => {}
            }
        }
        f
    }
}

#[derive(Template)]
#[template(path = "appointments_client.html")]
struct ClientView {
    layout: Layout,
    at: &'static At,
    lang: Lang,
    client_id: Uuid,
    client_name: String,
    appointments: Vec<Appointment>,
    health_scope: bool,
    team_staff: Vec<(Uuid, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    form: AppointmentForm,
    /// The appointment being changed, if any.
    editing: Option<Uuid>,
    errors: Vec<(String, String)>,
}

impl ClientView {
    fn day(&self, t: &DateTime<Utc>) -> String {
        self.layout.date(&benk_app::time::oslo_date(*t))
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        benk_app::time::oslo(*t).format("%H:%M").to_string()
    }
    fn kind(&self, code: &str) -> &'static str {
        kind_label(self.lang, code)
    }
    fn staff_names(&self, a: &Appointment) -> String {
        a.staff
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn checked(&self, id: &Uuid) -> bool {
        self.form.staff.iter().any(|s| s == &id.to_string())
    }
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn form_of(a: &Appointment) -> AppointmentForm {
    let s = benk_app::time::oslo(a.starts_at);
    let e = benk_app::time::oslo(a.ends_at);
    AppointmentForm {
        _csrf: String::new(),
        date: s.format("%Y-%m-%d").to_string(),
        starts_at: s.format("%H:%M").to_string(),
        ends_at: e.format("%H:%M").to_string(),
        kind: a.kind.clone(),
        place: a.place.clone().unwrap_or_default(),
        purpose: a.purpose.clone().unwrap_or_default(),
        staff: a.staff.iter().map(|s| s.id.to_string()).collect(),
    }
}

fn new_form(actor_id: Uuid) -> AppointmentForm {
    let tomorrow = benk_app::time::oslo_today() + Duration::days(1);
    AppointmentForm {
        date: tomorrow.format("%Y-%m-%d").to_string(),
        starts_at: "10:00".into(),
        ends_at: "11:00".into(),
        kind: ContactKind::HomeVisit.code().into(),
        staff: vec![actor_id.to_string()],
        ..AppointmentForm::default()
    }
}

/// The person's appointments with the form; `form`/`errors` from a refused post.
async fn client_view(
    st: &AppState,
    ctx: &Ctx,
    client: Uuid,
    editing: Option<Uuid>,
    form: Option<AppointmentForm>,
    errors: Vec<(String, String)>,
    status: StatusCode,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let run = async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        let basic = benk_app::clients::basic(&st.app, actor, &grant).await?;
        let list = appointments::for_client(&st.app, actor, &grant).await?;
        let team_staff = benk_app::staff::team_staff(&st.app, grant.team_id()).await?;
        let form = match (form, editing) {
            (Some(f), _) => f,
            (None, Some(e)) => list
                .iter()
                .find(|a| a.id == e)
                .map(form_of)
                .ok_or(AppError::NotFound)?,
            (None, None) => new_form(actor.staff_id()),
        };
        Ok::<_, AppError>(ClientView {
            layout: Layout::new(ctx, "mine"),
            at: at(ctx.lang),
            lang: ctx.lang,
            client_id: client,
            client_name: basic.name,
            appointments: list,
            health_scope: grant.covers_health(),
            team_staff,
            kinds: kinds(ctx.lang),
            form,
            editing,
            errors,
        })
    };
    match run.await {
        Ok(v) => (status, page(&v)).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn client_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    client_view(&st, &ctx, id, None, None, Vec::new(), StatusCode::OK).await
}

pub(super) async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(String, String)>,
) -> Response {
    let (id, aid) = match (parse_id(&ctx, &id), parse_id(&ctx, &aid)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    client_view(&st, &ctx, id, Some(aid), None, Vec::new(), StatusCode::OK).await
}

struct Parsed {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    kind: ContactKind,
    place: Option<ShortText>,
    purpose: Option<LongText>,
    staff: Vec<Uuid>,
}

fn parse_form(f: &AppointmentForm) -> Result<Parsed, Vec<FieldError>> {
    let mut errors = Vec::new();
    let date = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d")
        .map_err(|_| {
            errors.push(FieldError::new(
                "date",
                "invalid_date",
                "Velg en dato.",
                "Choose a date.",
            ))
        })
        .ok();
    let mut time = |field: &str, v: &str| {
        NaiveTime::parse_from_str(v.trim(), "%H:%M")
            .map_err(|_| {
                errors.push(FieldError::new(
                    field,
                    "invalid_time",
                    "Skriv klokkeslettet som tt:mm.",
                    "Write the time as hh:mm.",
                ))
            })
            .ok()
    };
    let start = time("starts_at", &f.starts_at);
    let end = time("ends_at", &f.ends_at);
    let kind = ContactKind::from_code(&f.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            "Velg type avtale.",
            "Choose the kind of appointment.",
        ));
    }
    let place = if f.place.trim().is_empty() {
        None
    } else {
        ShortText::parse(&f.place)
            .map_err(|e| errors.push(FieldError::of("place", &e)))
            .ok()
    };
    let purpose = if f.purpose.trim().is_empty() {
        None
    } else {
        LongText::parse(&f.purpose)
            .map_err(|e| errors.push(FieldError::of("purpose", &e)))
            .ok()
    };
    let mut staff = Vec::new();
    for s in &f.staff {
        match Uuid::parse_str(s) {
            Ok(id) => staff.push(id),
            Err(_) => errors.push(FieldError::new(
                "staff",
                "unknown_staff",
                "Ukjent ansatt.",
                "Unknown staff member.",
            )),
        }
    }
    let local = |d: NaiveDate, t: NaiveTime| benk_app::time::from_oslo(d.and_time(t));
    let (starts_at, ends_at) = match (date, start, end) {
        (Some(d), Some(s), Some(e)) => (local(d, s), local(d, e)),
        _ => (None, None),
    };
    match (starts_at, ends_at, kind, errors.is_empty()) {
        (Some(starts_at), Some(ends_at), Some(kind), true) => Ok(Parsed {
            starts_at,
            ends_at,
            kind,
            place,
            purpose,
            staff,
        }),
        _ => {
            if errors.is_empty() {
                errors.push(FieldError::new(
                    "starts_at",
                    "invalid_time",
                    "Klokkeslettet finnes ikke denne dagen (sommertid).",
                    "The time does not exist on that day (daylight saving).",
                ));
            }
            Err(errors)
        }
    }
}

fn field_errors(lang: Lang, e: &[FieldError]) -> Vec<(String, String)> {
    e.iter()
        .map(|e| (e.field.clone(), e.message.get(lang).to_string()))
        .collect()
}

pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    save(st, ctx, id, None, AppointmentForm::from_pairs(f)).await
}

pub(super) async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let aid = match parse_id(&ctx, &aid) {
        Ok(a) => a,
        Err(r) => return r,
    };
    save(st, ctx, id, Some(aid), AppointmentForm::from_pairs(f)).await
}

async fn save(
    st: AppState,
    ctx: Ctx,
    id: String,
    editing: Option<Uuid>,
    f: AppointmentForm,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let grant = match open_client(&st.app, actor, id, Purpose::Treat).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let retry = |errors: Vec<FieldError>| {
        let f = f.clone();
        let st = st.clone();
        let ctx = &ctx;
        async move {
            client_view(
                &st,
                ctx,
                id,
                editing,
                Some(f),
                field_errors(ctx.lang, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let p = match parse_form(&f) {
        Ok(p) => p,
        Err(errors) => return retry(errors).await,
    };
    // Without health scope the form has no purpose field; nothing is sent, nothing changed.
    let purpose = grant.covers_health().then_some(p.purpose);
    let result = match editing {
        None => appointments::create(
            &st.app,
            actor,
            &grant,
            AppointmentInput {
                starts_at: p.starts_at,
                ends_at: p.ends_at,
                kind: p.kind,
                place: p.place,
                purpose,
                staff: p.staff,
            },
        )
        .await
        .map(|_| ()),
        Some(aid) => {
            appointments::update(
                &st.app,
                actor,
                &grant,
                aid,
                AppointmentPatch {
                    starts_at: Some(p.starts_at),
                    ends_at: Some(p.ends_at),
                    kind: Some(p.kind),
                    place: Some(p.place),
                    purpose,
                    staff: Some(p.staff),
                },
            )
            .await
        }
    };
    match result {
        Ok(()) => Redirect::to(&format!("/clients/{id}/appointments")).into_response(),
        Err(AppError::Invalid(errors)) => retry(errors).await,
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    _csrf: String,
}

pub(super) async fn cancel(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(String, String)>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    let (id, aid) = match (parse_id(&ctx, &id), parse_id(&ctx, &aid)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let run = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        appointments::cancel(&st.app, actor, &grant, aid).await
    };
    match run.await {
        Ok(()) => Redirect::to(&format!("/clients/{id}/appointments")).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "appointments_mine.html")]
struct MineView {
    layout: Layout,
    at: &'static At,
    lang: Lang,
    days: Vec<(NaiveDate, Vec<MyAppointment>)>,
}

impl MineView {
    fn time(&self, t: &DateTime<Utc>) -> String {
        benk_app::time::oslo(*t).format("%H:%M").to_string()
    }
    fn kind(&self, code: &str) -> &'static str {
        kind_label(self.lang, code)
    }
    fn day(&self, d: &NaiveDate) -> String {
        use chrono::Datelike;
        let names_nb = [
            "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
        ];
        let names_en = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        let i = d.weekday().num_days_from_monday() as usize;
        match self.lang {
            Lang::Nb => format!("{} {}", names_nb[i], self.layout.date(d)),
            Lang::En => format!("{} {}", names_en[i], self.layout.date(d)),
        }
    }
}

pub(super) async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    match appointments::mine(&st.app, actor, 14).await {
        Ok(list) => {
            let mut days: Vec<(NaiveDate, Vec<MyAppointment>)> = Vec::new();
            for a in list {
                let d = benk_app::time::oslo_date(a.starts_at);
                match days.last_mut() {
                    Some((day, v)) if *day == d => v.push(a),
                    _ => days.push((d, vec![a])),
                }
            }
            page(&MineView {
                layout: Layout::new(&ctx, "appointments"),
                at: at(ctx.lang),
                lang: ctx.lang,
                days,
            })
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "needs_contact.html")]
struct NeedsView {
    layout: Layout,
    at: &'static At,
    teams: Vec<(Uuid, String)>,
    team: Uuid,
    rows: Vec<NeedsContact>,
}

#[derive(Deserialize, Default)]
pub(super) struct TeamQuery {
    #[serde(default)]
    team: Option<String>,
}

pub(super) async fn needs_contact(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TeamQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let team = match q.team.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => match parse_id(&ctx, t) {
            Ok(t) => t,
            Err(r) => return r,
        },
        None => match keeping::default_team(actor) {
            Some(t) => t,
            None => return ctx.page_err(AppError::NotFound),
        },
    };
    match keeping::needs_contact_list(&st.app, actor, team).await {
        Ok(rows) => page(&NeedsView {
            layout: Layout::new(&ctx, "needs"),
            at: at(ctx.lang),
            teams: actor
                .memberships()
                .iter()
                .map(|m| (m.team_id, m.team_name.clone()))
                .collect(),
            team,
            rows,
        }),
        Err(e) => ctx.page_err(e),
    }
}

/// The calendar feed: no login; the token is the secret. Unknown, revoked or malformed
/// tokens are 404.
pub(super) async fn feed(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    match calendar::feed(&st.app, token, ctx.meta.clone()).await {
        Ok(body) => (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "Not found").into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// The calendar section of the settings page.
pub(crate) struct CalendarUi {
    pub at: &'static At,
    pub since: Option<DateTime<Utc>>,
    pub new_url: Option<String>,
}

pub(super) async fn calendar_ui(
    st: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
) -> Result<CalendarUi, AppError> {
    let Some(actor) = ctx.actor.as_ref() else {
        return Err(AppError::Unauthenticated);
    };
    Ok(CalendarUi {
        at: at(ctx.lang),
        since: calendar::feed_status(&st.app, actor).await?,
        new_url: new_token.map(|t| format!("/calendar/{t}.ics")),
    })
}

pub(super) async fn create_feed(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    match calendar::create_feed(&st.app, actor).await {
        Ok(token) => super::settings::render_with_calendar(&st, &ctx, token).await,
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn revoke_feed(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&f._csrf) {
        return r;
    }
    match calendar::revoke_feed(&st.app, actor).await {
        Ok(()) | Err(AppError::NotFound) => Redirect::to("/settings").into_response(),
        Err(e) => ctx.page_err(e),
    }
}
