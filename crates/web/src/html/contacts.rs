//! The outreach log's pages (issue 9): logging a contact on a phone, the draft note with
//! autosave, signing and correcting notes. The timeline itself is drawn on the person's page
//! (`clients.rs`, `templates/timeline.html`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::open_client;
use benk_app::contacts::{self, RawContact};
use benk_app::error::Fields;
use benk_app::intake_views::StaffWithEmployer;
use benk_app::{AppError, FieldError};
use benk_domain::{ContactKind, ContactTopic, Lang, LongText, Purpose};
use chrono::{NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use uuid::Uuid;

use super::intake::{posted, Fd};
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

page_texts! {
    /// Every user-facing string of the outreach log.
    Ct, pub(crate) fn ct;
    log_contact: "Registrer kontakt", "Log contact";
    log_title: "Registrer kontakt", "Log a contact";
    met: "Truffet", "Met";
    not_met: "Ikke truffet", "Not met";
    met_legend: "Traff dere personen?", "Did you meet the person?";
    kind: "Type kontakt", "Kind of contact";
    when: "Når", "When";
    date: "Dato", "Date";
    time: "Klokkeslett", "Time";
    duration: "Varighet (minutter)", "Duration (minutes)";
    ends_at: "eller sluttid", "or end time";
    staff: "Hvem var med", "Who took part";
    staff_hint: "Du er valgt. Koordinatorparet og andre i personens team står først.", "You are chosen. The coordinator pair and others in the person's team come first.";
    staff_more: "Andre i teamet", "Others in the team";
    place: "Sted", "Place";
    place_hint: "For eksempel hjemme, Kirkens bymisjon, legekontoret.", "For example at home, the drop-in centre, the GP's office.";
    topics: "Tema", "Topics";
    note: "Notat (valgfritt)", "Note (optional)";
    note_health_hint: "Notatet blir et journalnotat (helseopplysninger) og signeres når du lagrer.", "The note becomes a health record entry and is signed when you save.";
    note_social_hint: "Notatet blir et sosialfaglig notat som hele behandlingsteamet ser. Ikke skriv helseopplysninger.", "The note becomes a social note the whole care team sees. Do not write health information.";
    save_contact: "Lagre kontakt", "Save contact";
    cancel: "Avbryt", "Cancel";
    errors_title: "Kontakten ble ikke lagret. Rett feltene under:", "The contact was not saved. Correct the fields below:";
    saved: "Kontakten er lagret.", "The contact has been saved.";
    timeline: "Tidslinje", "Timeline";
    timeline_empty: "Ingenting registrert ennå.", "Nothing recorded yet.";
    older: "Eldre", "Older";
    newest: "Til det nyeste", "Back to the newest";
    minutes: "min", "min";
    note_hidden: "Journalnotat skjult: helseopplysninger er ikke tilgjengelige for din yrkesrolle.", "Health note hidden: health information is not available to your profession.";
    version: "versjon", "version";
    history: "Tidligere versjoner", "Earlier versions";
    corrected: "rettet", "corrected";
    correct: "Rett notatet", "Correct the note";
    correct_hint: "Et signert notat kan ikke endres. Rettingen blir en ny versjon; den gamle blir stående i historikken.", "A signed note cannot be changed. The correction becomes a new version; the old one stays in the history.";
    save_correction: "Lagre retting", "Save correction";
    level_changed: "Innsatsnivå", "Level of effort";
    level_from: "fra", "from";
    referral_received: "Henvisning mottatt", "Referral received";
    decision: "Inntaksvedtak", "Intake decision";
    meeting_decision: "Vedtak i teammøtet", "Team meeting decision";
    plan_made: "Individuell plan laget", "Individual plan made";
    plan_revised: "Individuell plan revidert", "Individual plan revised";
    plan_version: "versjon", "version";
    plan_open: "planen", "the plan";
    follow_up: "Følges opp av", "Followed up by";
    meeting_withheld: "Tema og vedtak skjult: helseopplysninger er ikke tilgjengelige for din yrkesrolle.", "Topic and decision hidden: health information is not available to your profession.";
    draft_health_hint: "Det blir et journalnotat.", "It becomes a health record entry.";
    entries_hint: "Notater skrives som utkast og signeres under", "Notes are written as drafts and signed under";
    note_draft_hint: "Mens du skriver, lagres det som et utkast bare du ser.", "While you type, it is kept as a draft only you see.";
    note_title: "Notat", "Note";
    draft_title: "Nytt notat", "New note";
    draft_hint: "Utkastet lagres mens du skriver, og bare du ser det. Det blir en del av journalen når du signerer.", "The draft is saved as you type, and only you see it. It becomes part of the record when you sign.";
    draft_save: "Lagre utkast", "Save draft";
    draft_sign: "Signer notat", "Sign note";
    draft_saved_at: "Utkast lagret", "Draft saved";
    draft_saved: "Utkastet er lagret.", "The draft has been saved.";
    note_signed: "Notatet er signert.", "The note has been signed.";
    correction_saved: "Rettingen er lagret som ny versjon.", "The correction has been saved as a new version.";
    summary: "Oversikt", "Summary";
    level: "Innsatsnivå", "Level of effort";
    pair: "Koordinatorpar", "Coordinator pair";
    days_since_met: "Dager siden sist truffet", "Days since last met";
    never_met: "Ikke truffet ennå", "Not met yet";
    next_appointment: "Neste avtale", "Next appointment";
    more_about: "Mer om personen", "More about the person";
    health_note: "Journalnotat", "Health note";
    social_note: "Sosialfaglig notat", "Social note";
}

/// A status message after a redirect (`?msg=`).
pub(crate) fn flash(lang: Lang, code: &str) -> Option<String> {
    let t = ct(lang);
    match code {
        "contact_saved" => Some(t.saved.into()),
        "draft_saved" => Some(t.draft_saved.into()),
        "note_signed" => Some(t.note_signed.into()),
        "correction_saved" => Some(t.correction_saved.into()),
        _ => None,
    }
}

/// One choice in the staff picker.
pub(crate) struct StaffChoice {
    id: Uuid,
    name: String,
    org_name: String,
    /// In the person's care team (coordinator pair, members) or the logged-in worker.
    near: bool,
}

#[derive(Template)]
#[template(path = "contact_form.html")]
struct FormView {
    layout: Layout,
    ct: &'static Ct,
    client_id: Uuid,
    client_name: String,
    fd: Fd,
    errors: Vec<FieldError>,
    kinds: Vec<(&'static str, &'static str)>,
    topics: Vec<(&'static str, &'static str)>,
    staff: Vec<StaffChoice>,
    health_note: bool,
    /// When the restored draft note was last saved.
    draft_saved_at: Option<chrono::DateTime<Utc>>,
}

impl FormView {
    fn v(&self, k: &str) -> &str {
        self.fd.get(k)
    }
    fn has(&self, k: &str, v: &str) -> bool {
        self.fd.has(k, v)
    }
    fn err(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.get(self.layout_lang()).to_string())
    }
    fn layout_lang(&self) -> Lang {
        if self.layout.lang == "en" {
            Lang::En
        } else {
            Lang::Nb
        }
    }
    /// When the restored draft note was saved, in Norwegian time.
    fn draft_saved(&self) -> Option<String> {
        self.draft_saved_at.map(|t| self.layout.datetime(&t))
    }
    fn near(&self) -> Vec<&StaffChoice> {
        self.staff.iter().filter(|s| s.near).collect()
    }
    fn others(&self) -> Vec<&StaffChoice> {
        self.staff.iter().filter(|s| !s.near).collect()
    }
    /// An error message list for the summary at the top (field id, message).
    fn error_list(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|e| {
                let anchor = match e.field.as_str() {
                    "occurred_at" => "c-date".to_string(),
                    "duration_min" => "c-duration".to_string(),
                    "ends_at" => "c-ends".to_string(),
                    "met" => "c-met-yes".to_string(),
                    "kind" => "c-kind".to_string(),
                    "staff" => "c-staff".to_string(),
                    "topics" => "c-topics".to_string(),
                    "place" => "c-place".to_string(),
                    _ => "c-note".to_string(),
                };
                (anchor, e.message.get(self.layout_lang()).to_string())
            })
            .collect()
    }
}

/// The picker's staff: the actor and the person's care team first.
async fn staff_choices(
    st: &AppState,
    actor: &benk_app::Actor,
    grant: &benk_app::access::ReadGrant,
) -> Result<Vec<StaffChoice>, AppError> {
    let team: Vec<StaffWithEmployer> =
        benk_app::intake_views::team_staff_with_employer(&st.app, grant.team_id()).await?;
    let episodes = benk_app::episodes::for_client(&st.app, actor, grant).await?;
    let members: Vec<Uuid> = episodes
        .iter()
        .filter(|e| e.closed_on.is_none())
        .flat_map(|e| e.members.iter().map(|m| m.staff_id))
        .collect();
    let mut out: Vec<StaffChoice> = team
        .into_iter()
        .map(|s| StaffChoice {
            near: s.id == actor.staff_id() || members.contains(&s.id),
            id: s.id,
            name: s.name,
            org_name: s.org_name,
        })
        .collect();
    // The logged-in worker first, then the care team by name.
    out.sort_by_key(|s| (s.id != actor.staff_id(), !s.near, s.name.clone()));
    Ok(out)
}

fn default_form(lang_now: chrono::DateTime<chrono_tz::Tz>, me: Uuid) -> Fd {
    let minute = lang_now.minute() - lang_now.minute() % 5;
    Fd(vec![
        ("date".into(), lang_now.format("%Y-%m-%d").to_string()),
        (
            "time".into(),
            format!("{:02}:{:02}", lang_now.hour(), minute),
        ),
        ("duration_min".into(), "30".into()),
        ("met".into(), "1".into()),
        ("kind".into(), ContactKind::HomeVisit.code().into()),
        ("staff".into(), me.to_string()),
    ])
}

async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    fd: Option<Fd>,
    errors: Vec<FieldError>,
) -> Response {
    let actor = match ctx.page_actor() {
        Ok(a) => a,
        Err(r) => return r,
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        let client = benk_app::clients::basic(&st.app, actor, &grant).await?;
        let staff = staff_choices(st, actor, &grant).await?;
        // A fresh form restores the author's draft note (after a lost connection, say).
        let draft = if fd.is_none() {
            contacts::draft(&st.app, actor, &grant).await?
        } else {
            None
        };
        Ok::<_, AppError>((client, staff, draft))
    }
    .await;
    let (client, staff, draft) = match result {
        Ok(v) => v,
        Err(e) => return ctx.page_err(e),
    };
    let now = benk_app::time::oslo(Utc::now());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = FormView {
        layout: Layout::new(ctx, "clients"),
        ct: ct(ctx.lang),
        client_id: id,
        client_name: client.name,
        fd: fd.unwrap_or_else(|| {
            let mut fd = default_form(now, actor.staff_id());
            if let Some(d) = &draft {
                fd.set("note", d.body.clone());
            }
            fd
        }),
        draft_saved_at: draft.map(|d| d.updated_at),
        errors,
        kinds: ContactKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(ctx.lang)))
            .collect(),
        topics: ContactTopic::ALL
            .iter()
            .map(|k| (k.code(), k.label(ctx.lang)))
            .collect(),
        staff,
        health_note: contacts::note_kind_of(actor) == benk_domain::EntryKind::Health,
    };
    (status, page(&view)).into_response()
}

/// `GET /clients/{id}/contacts/new`: the one-screen form.
pub(super) async fn new_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let id = match super::clients::parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    form_page(&st, &ctx, id, None, Vec::new()).await
}

/// A date and a clock time typed in Norwegian time, as UTC.
fn oslo_instant(date: &str, time: &str) -> Option<chrono::DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let t = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    chrono_tz::Europe::Oslo
        .from_local_datetime(&d.and_time(t))
        .earliest()
        .map(|x| x.with_timezone(&Utc))
}

/// `POST /clients/{id}/contacts`: logs the contact; on a field error the form comes back
/// with everything typed.
pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, form, &id) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut f = Fields::default();
    let occurred_at = oslo_instant(fd.get("date"), fd.get("time"));
    if occurred_at.is_none() {
        f.push(FieldError::new(
            "occurred_at",
            "invalid_datetime",
            "Oppgi dato og klokkeslett.",
            "Give the date and the time.",
        ));
    }
    let ends_at = if fd.get("ends_at").trim().is_empty() {
        None
    } else {
        let end = oslo_instant(fd.get("date"), fd.get("ends_at"));
        if end.is_none() {
            f.push(FieldError::new(
                "ends_at",
                "invalid_time",
                "Oppgi sluttid som tt:mm.",
                "Give the end time as hh:mm.",
            ));
        }
        end
    };
    let duration_min = match fd.get("duration_min").trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                f.push(FieldError::new(
                    "duration_min",
                    "not_a_number",
                    "Varigheten må være et helt antall minutter.",
                    "The duration must be a whole number of minutes.",
                ));
                None
            }
        },
    };
    let mut staff = Vec::new();
    for s in fd.all("staff") {
        match Uuid::parse_str(s) {
            Ok(u) => staff.push(u),
            Err(_) => f.push(FieldError::new(
                "staff",
                "staff_not_in_team",
                "Ukjent ansatt.",
                "Unknown staff member.",
            )),
        }
    }
    let raw = RawContact {
        occurred_at,
        // An end time wins over the minutes; with neither, the minutes field is required.
        duration_min: if ends_at.is_some() {
            None
        } else {
            duration_min
        },
        ends_at,
        kind: fd.get("kind").to_string(),
        met: match fd.get("met") {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        staff,
        place: fd.get("place").to_string(),
        topics: fd.all("topics").into_iter().map(str::to_string).collect(),
        note: fd.get("note").to_string(),
    };
    let input = contacts::parse(&raw, Utc::now(), &mut f);
    if let Err(AppError::Invalid(errors)) = f.finish() {
        return form_page(&st, &ctx, id, Some(fd), errors).await;
    }
    let Some(input) = input else {
        return ctx.page_err(AppError::Internal("checked".into()));
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        contacts::log_from_form(&st.app, actor, &grant, input).await
    }
    .await;
    match result {
        Ok(_) => {
            Redirect::to(&format!("/clients/{id}?msg=contact_saved#timeline-h")).into_response()
        }
        Err(AppError::Invalid(errors)) => form_page(&st, &ctx, id, Some(fd), errors).await,
        Err(e) => ctx.page_err(e),
    }
}

/// `POST /clients/{id}/draft`: `action=autosave` (from the page's script: 204), `save` or
/// `sign`. A refused text comes back on the person's page with what was typed.
pub(super) async fn draft(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, form, &id) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let action = fd.get("action").to_string();
    let text = fd.get("body").to_string();
    let body = match LongText::parse_optional(&text) {
        Ok(b) => b,
        Err(e) => {
            if action == "autosave" {
                return StatusCode::UNPROCESSABLE_ENTITY.into_response();
            }
            let err = FieldError::of("body", &e);
            return super::clients::client_page_with_note(
                &st,
                &ctx,
                id,
                super::clients::NoteRetry::new("draft", text, err.message.get(ctx.lang)),
            )
            .await;
        }
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        if action == "sign" {
            contacts::sign(&st.app, actor, &grant, body.as_ref())
                .await
                .map(|_| "note_signed")
        } else {
            contacts::save_draft(&st.app, actor, &grant, body.as_ref())
                .await
                .map(|_| "draft_saved")
        }
    }
    .await;
    match result {
        Ok(_) if action == "autosave" => StatusCode::NO_CONTENT.into_response(),
        Ok(msg) => Redirect::to(&format!("/clients/{id}?msg={msg}#note-h")).into_response(),
        Err(_) if action == "autosave" => StatusCode::FORBIDDEN.into_response(),
        Err(AppError::Invalid(errors)) => {
            let msg = errors
                .first()
                .map(|e| e.message.get(ctx.lang).to_string())
                .unwrap_or_default();
            super::clients::client_page_with_note(
                &st,
                &ctx,
                id,
                super::clients::NoteRetry::new("draft", text, &msg),
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

/// `POST /clients/{id}/entries/{eid}/correct`: a new version of a signed note.
pub(super) async fn correct(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, eid)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, form, &id) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let eid = match super::clients::parse_id(&ctx, &eid) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let text = fd.get("body").to_string();
    let body = match LongText::parse(&text) {
        Ok(b) => b,
        Err(e) => {
            let err = FieldError::of("body", &e);
            return super::clients::client_page_with_note(
                &st,
                &ctx,
                id,
                super::clients::NoteRetry::new(&eid.to_string(), text, err.message.get(ctx.lang)),
            )
            .await;
        }
    };
    match contacts::correct(&st.app, actor, eid, &body).await {
        Ok(_) => {
            Redirect::to(&format!("/clients/{id}?msg=correction_saved#timeline-h")).into_response()
        }
        Err(e) => ctx.page_err(e),
    }
}
