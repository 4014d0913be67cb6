//! The referral while it is assessed (issue 8): the deadline and the next intake meeting, what
//! the team already knows of the person, and the diagnoses and notes health personnel add.
//! Shown inside the referral page (`referral_assessment.html`, included by
//! `referral_detail.html`) and on the board.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::assessment::{self, Deadline, KnownBefore};
use benk_app::referrals::IntakeGrant;
use benk_app::{Actor, AppError};
use benk_domain::{DecisionOutcome, Lang, LongText, ReferralStatus};
use chrono::{Datelike, NaiveDateTime};

use super::board::intake_grant;
use super::form::{cap, parse_diagnoses, posted};
use crate::ctx::Ctx;
use crate::html::Layout;
use crate::AppState;

macro_rules! assess_texts {
    ($($key:ident: $nb:expr, $en:expr;)*) => {
        /// The words of the assessment parts of the intake pages.
        #[derive(Debug)]
        pub(crate) struct At { $(pub $key: &'static str,)* }
        static NB: At = At { $($key: $nb,)* };
        static EN: At = At { $($key: $en,)* };
    };
}

assess_texts! {
    deadline: "Vurderes innen", "Assess by";
    deadline_hint: "10 virkedager etter mottak (pasient- og brukerrettighetsloven § 2-2).", "10 working days after receipt (Patients' and Users' Rights Act § 2-2).";
    overdue: "Fristen er passert", "Past the deadline";
    next_meeting: "Neste inntaksmøte", "Next intake meeting";
    no_meeting: "Teamet har ikke satt fast tid for inntaksmøtet.", "The team has not set a time for its intake meeting.";
    known_title: "Tidligere kjent i teamet", "Already known to the team";
    known_by_id: "Funnet på fødselsnummer, bare i dette teamet.", "Found by national identity number, in this team only.";
    known_by_name: "Funnet på navn og fødselsår (ingen fødselsnummer oppgitt), bare i dette teamet. Sjekk at det er samme person.", "Found by name and birth year (no national identity number given), in this team only. Check that it is the same person.";
    known_nothing: "Ingen tidligere henvisninger eller forløp i teamet.", "No earlier referrals or courses in the team.";
    known_no_identity: "Henvisningen har verken fødselsnummer eller navn og fødselsår, så teamet kan ikke søke etter tidligere kontakt.", "The referral gives neither a national identity number nor a name and birth year, so the team cannot look for earlier contact.";
    known_referrals: "Henvisninger", "Referrals";
    known_episodes: "Forløp i teamet", "Courses in the team";
    received: "mottatt", "received";
    included: "inkludert", "included";
    closed: "avsluttet", "closed";
    ongoing: "pågår", "ongoing";
    open_record: "Åpne journalen", "Open the record";
    assessment_title: "Vurdering", "Assessment";
    assessment_intro: "Diagnoser og notater fra vurderingen er helseopplysninger. Notater lagres med hvem som skrev dem og når, og kan ikke endres.", "Diagnoses and notes from the assessment are health information. Notes are kept with who wrote them and when, and cannot be changed.";
    assessment_start_first: "Start vurderingen for å legge til diagnoser og notater.", "Start the assessment to add diagnoses and notes.";
    add_diagnoses: "Legg til diagnoser (ICD-10)", "Add diagnoses (ICD-10)";
    add_diagnoses_hint: "En eller flere koder, skilt med komma eller mellomrom, f.eks. F20.0 F10.2.", "One or more codes, separated by commas or spaces, e.g. F20.0 F10.2.";
    save_diagnoses: "Legg til diagnoser", "Add diagnoses";
    notes_title: "Vurderingsnotater", "Assessment notes";
    no_notes: "Ingen notater ennå.", "No notes yet.";
    add_note: "Nytt notat", "New note";
    save_note: "Legg til notat", "Add note";
    flash_diagnoses: "Diagnosene er lagt til.", "The diagnoses have been added.";
    flash_note: "Notatet er lagt til.", "The note has been added.";
    psychosis_list: "Teamets liste over psykosediagnoser", "The team's list of psychosis diagnoses";
}

/// The words in the user's language.
pub(crate) fn at(lang: Lang) -> &'static At {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}

/// The deadline as shown: the date, and whether it has passed.
pub(crate) struct ShownDeadline {
    pub date: String,
    pub overdue: bool,
}

pub(crate) fn shown_deadline(d: Option<Deadline>, layout: &Layout) -> Option<ShownDeadline> {
    d.map(|d| ShownDeadline {
        date: layout.date(&d.assess_by),
        overdue: d.overdue,
    })
}

/// The next meeting in the user's words, e.g. "torsdag 3.12.2026 kl. 09:00".
pub(crate) fn meeting_text(
    m: Option<NaiveDateTime>,
    layout: &Layout,
    lang: Lang,
) -> Option<String> {
    m.map(|m| {
        let date = layout.date(&m.date());
        let time = m.format("%H:%M");
        match lang {
            Lang::Nb => format!(
                "{} {date} kl. {time}",
                benk_domain::workdays::weekday_nb(m.weekday())
            ),
            Lang::En => format!(
                "{} {date} {time}",
                benk_domain::workdays::weekday_en(m.weekday())
            ),
        }
    })
}

/// A known referral or episode, as a line with a link.
pub(crate) struct KnownLine {
    pub href: String,
    pub label: String,
    pub detail: String,
}

/// Everything the referral page shows for the assessment.
pub(crate) struct AssessView {
    pub at: &'static At,
    pub deadline: Option<ShownDeadline>,
    pub next_meeting: Option<String>,
    pub known_note: &'static str,
    pub known_referrals: Vec<KnownLine>,
    pub known_episodes: Vec<KnownLine>,
    /// Health personnel only: the notes, oldest first, as (text, author, employer, time).
    pub notes: Option<Vec<(String, String, String, String)>>,
    /// Health personnel and the referral under assessment: the forms.
    pub can_add: bool,
    /// Health personnel and a new referral: say that the assessment must be started.
    pub start_first: bool,
    /// The team's psychosis list, when its policy routes psychosis (health personnel only).
    pub psychosis_list: Option<String>,
}

fn known_lines(k: &KnownBefore, layout: &Layout, lang: Lang) -> (Vec<KnownLine>, Vec<KnownLine>) {
    let t = at(lang);
    let referrals = k
        .referrals
        .iter()
        .map(|r| {
            let status = ReferralStatus::from_code(&r.status)
                .map(|s| cap(s.label(lang)))
                .unwrap_or_default();
            let outcome = r
                .outcome
                .as_deref()
                .and_then(DecisionOutcome::from_code)
                .map(|o| format!(": {}", o.label(lang)))
                .unwrap_or_default();
            KnownLine {
                href: format!("/intake/referrals/{}", r.id),
                label: r.receipt_number.clone(),
                detail: format!(
                    "{} {} · {status}{outcome}",
                    t.received,
                    layout.date(&r.received_on)
                ),
            }
        })
        .collect();
    let episodes = k
        .episodes
        .iter()
        .map(|e| KnownLine {
            href: format!("/clients/{}", e.client_id),
            label: t.open_record.to_string(),
            detail: format!(
                "{} {} · {}",
                t.included,
                layout.date(&e.included_on),
                match &e.closed_on {
                    Some(c) => format!("{} {}", t.closed, layout.date(c)),
                    None => t.ongoing.to_string(),
                }
            ),
        })
        .collect();
    (referrals, episodes)
}

/// Builds the assessment part of the referral page (each read audited by the app layer).
pub(crate) async fn view(
    st: &AppState,
    lang: Lang,
    actor: &Actor,
    grant: &IntakeGrant,
    r: &benk_app::referrals::Referral,
    layout: &Layout,
) -> Result<AssessView, AppError> {
    let (referral, received_on, status) = (r.id, r.received_on, r.status.as_str());
    let t = at(lang);
    let deadline = assessment::deadline(received_on, status, benk_app::time::oslo_today());
    let next = assessment::next_meeting(&st.app, grant.team_id()).await?;
    let known = assessment::known_before(&st.app, actor, grant, referral).await?;
    let notes = assessment::notes(&st.app, actor, grant, referral).await?;
    let (known_referrals, known_episodes) = known_lines(&known, layout, lang);
    let known_note = match known.matched_by.as_deref() {
        None => t.known_no_identity,
        _ if known.referrals.is_empty() && known.episodes.is_empty() => t.known_nothing,
        Some("national_id") => t.known_by_id,
        Some(_) => t.known_by_name,
    };
    let psychosis_list = if grant.covers_health() {
        let team = benk_app::orgs::get_team(&st.app, grant.team_id()).await?;
        (team.policy.route_psychosis_to_fact && team.policy.diagnosis_is_intake_criterion)
            .then(|| team.policy.psychosis_codes.joined())
    } else {
        None
    };
    Ok(AssessView {
        at: t,
        deadline: shown_deadline(deadline, layout),
        next_meeting: meeting_text(next, layout, lang),
        known_note,
        known_referrals,
        known_episodes,
        notes: notes.map(|ns| {
            ns.into_iter()
                .map(|n| {
                    let when = layout.datetime(&n.created_at);
                    (n.text, n.author, n.author_org, when)
                })
                .collect()
        }),
        can_add: grant.covers_health() && status == ReferralStatus::UnderAssessment.code(),
        start_first: grant.covers_health() && status == ReferralStatus::New.code(),
        psychosis_list,
    })
}

/// POST `/intake/referrals/{id}/diagnoses`.
pub(crate) async fn add_diagnoses(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        let codes = parse_diagnoses("codes", fd.get("codes")).map_err(AppError::field)?;
        if codes.is_empty() {
            return Err(AppError::field(benk_app::FieldError::required("codes")));
        }
        assessment::add_diagnoses(&st.app, actor, &grant, id, &codes).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!(
            "/intake/referrals/{id}?msg=diagnoses_added#assessment-h"
        ))
        .into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/intake/referrals/{id}/notes`.
pub(crate) async fn add_note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        let text = LongText::parse(fd.get("text"))
            .map_err(|e| AppError::field(benk_app::FieldError::of("text", &e)))?;
        assessment::add_note(&st.app, actor, &grant, id, &text).await
    }
    .await;
    match result {
        Ok(_) => {
            Redirect::to(&format!("/intake/referrals/{id}?msg=note_added#notes-h")).into_response()
        }
        Err(e) => ctx.page_err(e),
    }
}

/// The text of this module's status codes from a redirect (`?msg=…`).
pub(crate) fn flash(lang: Lang, code: &str) -> Option<String> {
    let t = at(lang);
    match code {
        "diagnoses_added" => Some(t.flash_diagnoses.to_string()),
        "note_added" => Some(t.flash_note.to_string()),
        _ => None,
    }
}
