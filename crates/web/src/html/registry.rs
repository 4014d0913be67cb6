//! Registry events on the pages (issue 10): the compact line on the person's page (health
//! scope only) and `/clients/{id}/registry`, the events grouped before and after inclusion
//! with the two windows' totals and quick forms for each kind. Who may do what is decided in
//! `benk_app::registry`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use benk_app::registry::{self, NewEvent, RegistryEvent, RegistryEvents, Totals, WindowsOut};
use benk_app::{access, Actor, AppError, FieldError};
use benk_domain::{EmergencyPlace, Lang, PoliceKind, Purpose, RegistryKind};
use chrono::NaiveDate;
use uuid::Uuid;

use super::forms::{self, Msg, Shown};
use super::intake::form::{iso, parse_date, Fd, FormState};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

page_texts! {
    /// The words of the registry pages.
    Rt, fn rt;
    title: "Registerdata", "Registry data";
    intro: "Innleggelser, akuttbesøk, politihendelser og fengselsopphold før og etter inntak. Evalueringen sammenligner like lange perioder før og etter inntak. Dette er helseopplysninger.", "Inpatient stays, emergency visits, police events and prison stays before and after inclusion. The evaluation compares equal periods before and after inclusion. This is health information.";
    open_page: "Se og registrer registerdata", "See and record registry data";
    line_none: "Ingen registerdata ennå.", "No registry data yet.";
    admissions_word: "innleggelser", "admissions";
    nights_word: "liggedøgn", "inpatient days";
    last_before: "siste 12 mnd før inntak", "last 12 months before inclusion";
    first_after: "første 12 mnd etter", "first 12 months after";
    so_far: "så langt", "so far";
    windows: "Før og etter inntak", "Before and after inclusion";
    windows_hint: "Perioden etter har like mange dager som perioden før. Døgn telles som netter; et opphold over inntaksdagen deles der.", "The period after has as many days as the period before. Days are counted as nights; a stay across the inclusion day is split there.";
    measure: "Hva", "What";
    before_col: "Før inntak", "Before inclusion";
    after_col: "Etter inntak", "After inclusion";
    t_admissions: "Innleggelser", "Admissions";
    t_compulsory: "herav tvang", "of which compulsory";
    t_days: "Liggedøgn", "Inpatient days";
    t_emergency: "Akuttbesøk", "Emergency visits";
    t_police: "Politihendelser", "Police events";
    t_arrests: "herav pågripelser", "of which arrests";
    t_prison: "Døgn i fengsel", "Days in prison";
    not_included: "Ikke tatt inn i teamet ennå", "Not included in the team yet";
    no_window: "Personen har ikke inntaksdato, så periodene før og etter kan ikke regnes ut.", "The person has no inclusion date, so the periods before and after cannot be worked out.";
    inclusion: "Inntaksdato", "Inclusion date";
    none_here: "Ingen hendelser.", "No events.";
    ongoing: "pågår", "ongoing";
    voluntary: "frivillig", "voluntary";
    compulsory: "tvang", "compulsory";
    nights: "døgn", "nights";
    split: "før / etter inntak", "before / after inclusion";
    by: "Registrert av", "Recorded by";
    imported: "importert", "imported";
    corrected: "rettet", "corrected";
    add_inpatient: "Registrer innleggelse", "Record an inpatient stay";
    add_emergency: "Registrer akuttbesøk", "Record an emergency visit";
    add_police: "Registrer politihendelse", "Record a police event";
    add_prison: "Registrer fengselsopphold", "Record a prison stay";
    admitted_on: "Innlagt", "Admitted";
    discharged_on: "Utskrevet", "Discharged";
    discharged_hint: "La stå tom hvis personen fortsatt er innlagt.", "Leave empty if the person is still admitted.";
    institution: "Institusjon", "Institution";
    care_basis: "Frivillig eller tvang", "Voluntary or compulsory";
    legal_basis: "Hjemmel for tvang (valgfritt)", "Legal basis of compulsory care (optional)";
    visited_on: "Dato", "Date";
    place: "Sted", "Place";
    occurred_on: "Dato", "Date";
    police_kind: "Hva slags", "What kind";
    started_on: "Fra", "From";
    ended_on: "Løslatt", "Released";
    ended_hint: "La stå tom hvis personen fortsatt soner.", "Leave empty if the person is still serving.";
    save: "Lagre", "Save";
    saved: "Hendelsen er lagret.", "The event has been saved.";
    has_errors: "Noe må rettes:", "Something needs fixing:";
    retract: "Slett", "Delete";
    retract_reason: "Hvorfor slettes hendelsen?", "Why is the event deleted?";
    retracted: "Hendelsen er slettet. Den ligger fortsatt i historikken.", "The event has been deleted. It is still kept in the history.";
    back: "Tilbake til personen", "Back to the person";
}

/// One event as a line of the page.
pub(crate) struct EventRow {
    id: Uuid,
    when: String,
    what: String,
    detail: String,
    nights: String,
    by: String,
    own: bool,
}

/// One row of the windows table.
pub(crate) struct TotalRow {
    label: &'static str,
    sub: bool,
    before: i64,
    after: i64,
}

/// The registry line on the person's page (health scope only).
pub(crate) struct RegistryLine {
    pub(crate) r: &'static Rt,
    pub(crate) client_id: Uuid,
    pub(crate) text: String,
}

fn kind_label(code: &str, lang: Lang) -> String {
    RegistryKind::from_code(code)
        .map(|k| k.label(lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

fn row(e: &RegistryEvent, layout: &Layout, lang: Lang, me: Uuid) -> EventRow {
    let r = rt(lang);
    let when = match (e.kind.as_str(), e.ends_on) {
        ("inpatient" | "prison", Some(end)) => {
            format!("{} – {}", layout.date(&e.starts_on), layout.date(&end))
        }
        ("inpatient" | "prison", None) => {
            format!("{} – ({})", layout.date(&e.starts_on), r.ongoing)
        }
        _ => layout.date(&e.starts_on),
    };
    let what = match (e.place.as_deref(), e.police_kind.as_deref()) {
        (_, Some(k)) => PoliceKind::from_code(k)
            .map(|k| k.label(lang).to_string())
            .unwrap_or_else(|| kind_label(&e.kind, lang)),
        _ => kind_label(&e.kind, lang),
    };
    let mut detail: Vec<String> = Vec::new();
    if let Some(i) = &e.institution {
        detail.push(i.clone());
    }
    if let Some(c) = e.compulsory {
        detail.push(if c { r.compulsory } else { r.voluntary }.to_string());
    }
    if let Some(b) = &e.legal_basis {
        detail.push(b.clone());
    }
    if let Some(p) = e.place.as_deref().and_then(EmergencyPlace::from_code) {
        detail.push(p.label(lang).to_string());
    }
    if e.corrects.is_some() {
        detail.push(r.corrected.to_string());
    }
    if e.source == "import" {
        detail.push(r.imported.to_string());
    }
    let nights = match (e.nights, e.nights_before, e.nights_after) {
        (Some(n), Some(b), Some(a)) if b > 0 && a > 0 => {
            format!("{n} {} ({b} / {a} {})", r.nights, r.split)
        }
        (Some(n), _, _) => format!("{n} {}", r.nights),
        _ => String::new(),
    };
    EventRow {
        id: e.id,
        when,
        what,
        detail: detail.join(" · "),
        nights,
        by: e.recorded_by_name.clone(),
        own: e.recorded_by == me,
    }
}

/// A row of the windows table: its label, whether it is a part of the row above, its value.
type TotalOf = (&'static str, bool, fn(&Totals) -> i64);

fn totals_rows(w: &WindowsOut, r: &'static Rt) -> Vec<TotalRow> {
    let rows: [TotalOf; 7] = [
        (r.t_admissions, false, |t| t.admissions),
        (r.t_compulsory, true, |t| t.compulsory_admissions),
        (r.t_days, false, |t| t.inpatient_days),
        (r.t_emergency, false, |t| t.emergency_visits),
        (r.t_police, false, |t| t.police_events),
        (r.t_arrests, true, |t| t.arrests),
        (r.t_prison, false, |t| t.prison_days),
    ];
    rows.iter()
        .map(|(label, sub, f)| TotalRow {
            label,
            sub: *sub,
            before: f(&w.before),
            after: f(&w.after),
        })
        .collect()
}

/// The compact line for the person's page.
pub(crate) fn line(ev: &RegistryEvents, lang: Lang, client: Uuid) -> RegistryLine {
    let r = rt(lang);
    let text = match &ev.windows {
        _ if ev.events.is_empty() => r.line_none.to_string(),
        Some(w) => format!(
            "{} {} ({} {}) {} · {} ({} {}) {}{}",
            w.before.admissions,
            r.admissions_word,
            w.before.inpatient_days,
            r.nights_word,
            r.last_before,
            w.after.admissions,
            w.after.inpatient_days,
            r.nights_word,
            r.first_after,
            if w.after_complete {
                String::new()
            } else {
                format!(" ({})", r.so_far)
            }
        ),
        None => format!("{}: {}", r.not_included, ev.events.len()),
    };
    RegistryLine {
        r,
        client_id: client,
        text,
    }
}

#[derive(Template)]
#[template(path = "registry_page.html")]
struct RegistryPage {
    layout: Layout,
    r: &'static Rt,
    name: String,
    client_id: Uuid,
    inclusion: String,
    windows: Option<(String, String)>,
    totals: Vec<TotalRow>,
    before: Vec<EventRow>,
    after: Vec<EventRow>,
    unincluded: Vec<EventRow>,
    f: FormState,
    open: String,
    places: Vec<(&'static str, &'static str)>,
    police_kinds: Vec<(&'static str, &'static str)>,
}

/// A date or text input of a quick form: (name, label, type, hint).
type Input = (&'static str, &'static str, &'static str, &'static str);

impl RegistryPage {
    /// The quick forms in order: (form code, summary).
    fn forms(&self) -> Vec<(&'static str, &'static str)> {
        let r = self.r;
        vec![
            ("inpatient", r.add_inpatient),
            ("emergency", r.add_emergency),
            ("police", r.add_police),
            ("prison", r.add_prison),
        ]
    }

    /// The date and text inputs of a quick form.
    fn inputs(&self, form: &str) -> Vec<Input> {
        let r = self.r;
        match form {
            "inpatient" => vec![
                ("admitted_on", r.admitted_on, "date", ""),
                ("discharged_on", r.discharged_on, "date", r.discharged_hint),
                ("institution", r.institution, "text", ""),
            ],
            "emergency" => vec![("visited_on", r.visited_on, "date", "")],
            "police" => vec![("occurred_on", r.occurred_on, "date", "")],
            _ => vec![
                ("started_on", r.started_on, "date", ""),
                ("ended_on", r.ended_on, "date", r.ended_hint),
            ],
        }
    }

    /// The reader's own current events, which they may delete.
    fn own_rows(&self) -> Vec<&EventRow> {
        self.unincluded
            .iter()
            .chain(self.before.iter())
            .chain(self.after.iter())
            .filter(|e| e.own)
            .collect()
    }
}

fn defaults() -> Fd {
    let mut fd = Fd::default();
    let today = iso(benk_app::time::oslo_today());
    for f in ["admitted_on", "visited_on", "occurred_on", "started_on"] {
        fd.set(f, today.clone());
    }
    fd.set("compulsory", "no");
    fd
}

async fn registry_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    client: Uuid,
    shown: Shown,
    status: StatusCode,
    flash: Option<&'static str>,
) -> Response {
    let result = async {
        let grant = access::open_client(&st.app, actor, client, Purpose::Treat).await?;
        let basic = benk_app::clients::basic(&st.app, actor, &grant).await?;
        let ev = registry::list(&st.app, actor, &grant).await?;
        Ok::<_, AppError>((basic, ev))
    }
    .await;
    let (basic, ev) = match result {
        Ok(x) => x,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let r = rt(lang);
    let mut layout = Layout::new(ctx, "clients");
    layout.flash = flash.map(str::to_string);
    let me = actor.staff_id();
    let (mut before, mut after, mut unincluded) = (Vec::new(), Vec::new(), Vec::new());
    for e in &ev.events {
        let line = row(e, &layout, lang, me);
        match e.side.as_deref() {
            Some("before") => before.push(line),
            Some(_) => after.push(line),
            None => unincluded.push(line),
        }
    }
    // Newest first within each group.
    before.reverse();
    after.reverse();
    unincluded.reverse();
    let windows = ev.windows.as_ref().map(|w| {
        (
            format!(
                "{} – {}",
                layout.date(&w.before_from),
                layout.date(&w.before_to)
            ),
            format!(
                "{} – {}{}",
                layout.date(&w.after_from),
                layout.date(&w.after_to),
                if w.after_complete {
                    String::new()
                } else {
                    format!(" ({})", r.so_far)
                }
            ),
        )
    });
    let totals = ev
        .windows
        .as_ref()
        .map(|w| totals_rows(w, r))
        .unwrap_or_default();
    let labels: Vec<(&'static str, &'static str)> = vec![
        ("admitted_on", r.admitted_on),
        ("discharged_on", r.discharged_on),
        ("institution", r.institution),
        ("compulsory", r.care_basis),
        ("legal_basis", r.legal_basis),
        ("visited_on", r.visited_on),
        ("place", r.place),
        ("occurred_on", r.occurred_on),
        ("police_kind", r.police_kind),
        ("started_on", r.started_on),
        ("ended_on", r.ended_on),
        ("reason", r.retract_reason),
    ];
    let view = RegistryPage {
        inclusion: ev.inclusion_on.map(|d| layout.date(&d)).unwrap_or_default(),
        layout,
        r,
        name: basic.name,
        client_id: client,
        windows,
        totals,
        before,
        after,
        unincluded,
        f: FormState::new(
            lang,
            shown.data,
            shown.errors,
            labels,
            vec![("compulsory", "compulsory-no".to_string())],
        ),
        open: shown.open,
        places: EmergencyPlace::ALL
            .iter()
            .map(|p| (p.code(), p.label(lang)))
            .collect(),
        police_kinds: PoliceKind::ALL
            .iter()
            .map(|p| (p.code(), p.label(lang)))
            .collect(),
    };
    (status, page(&view)).into_response()
}

/// GET `/clients/{id}/registry`.
pub(crate) async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match crate::html::clients::parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let r = rt(ctx.lang);
    let flash = q.flash(&[("saved", r.saved), ("retracted", r.retracted)]);
    let shown = Shown::fresh(defaults());
    registry_page(&st, &ctx, actor, id, shown, StatusCode::OK, flash).await
}

fn date(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    parse_date(field, fd.get(field))
        .map_err(|e| errs.push(e))
        .ok()
}

fn date_opt(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<Option<NaiveDate>> {
    if fd.blank(field) {
        Some(None)
    } else {
        date(fd, field, errs).map(Some)
    }
}

/// The event a quick form describes, or the field errors of its shape.
fn event_of(form: &str, fd: &Fd, errs: &mut Vec<FieldError>) -> Option<NewEvent> {
    match form {
        "inpatient" => {
            let a = date(fd, "admitted_on", errs);
            let d = date_opt(fd, "discharged_on", errs);
            let legal = fd.get("legal_basis").trim();
            Some(NewEvent::Inpatient {
                admitted_on: a?,
                discharged_on: d?,
                institution: fd.get("institution").to_string(),
                compulsory: fd.get("compulsory") == "yes",
                legal_basis: (!legal.is_empty()).then(|| legal.to_string()),
            })
        }
        "emergency" => Some(NewEvent::Emergency {
            visited_on: date(fd, "visited_on", errs)?,
            place: fd.get("place").to_string(),
        }),
        "police" => Some(NewEvent::Police {
            occurred_on: date(fd, "occurred_on", errs)?,
            police_kind: fd.get("police_kind").to_string(),
        }),
        "prison" => {
            let s = date(fd, "started_on", errs);
            let e = date_opt(fd, "ended_on", errs);
            Some(NewEvent::Prison {
                started_on: s?,
                ended_on: e?,
            })
        }
        _ => {
            errs.push(FieldError::required("form"));
            None
        }
    }
}

/// POST `/clients/{id}/registry`: one of the page's forms (`form` = inpatient, emergency,
/// police, prison, retract).
pub(crate) async fn post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client, grant) = match forms::posted_about(&st, &ctx, pairs, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = fd.get("form").to_string();
    let mut errs: Vec<FieldError> = Vec::new();
    let result: Result<&str, AppError> = if form == "retract" {
        match Uuid::parse_str(fd.get("event_id").trim()) {
            Ok(eid) => registry::retract(&st.app, actor, &grant, eid, fd.get("reason"))
                .await
                .map(|_| "retracted"),
            Err(_) => Err(AppError::NotFound),
        }
    } else {
        match event_of(&form, &fd, &mut errs) {
            Some(e) if errs.is_empty() => registry::record(&st.app, actor, &grant, e)
                .await
                .map(|_| "saved"),
            _ => Err(AppError::Invalid(std::mem::take(&mut errs))),
        }
    };
    let result = result.map(|msg| format!("/clients/{client}/registry?msg={msg}"));
    forms::done(&ctx, result, |errs| async {
        let shown = Shown::again(defaults(), &fd, errs, form);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        Ok(registry_page(&st, &ctx, actor, client, shown, status, None).await)
    })
    .await
}
