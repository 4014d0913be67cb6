//! The team's daily work outside the record (issue 9): the open hour (public booking page, the
//! intake team's slots and bookings), the drop-in centre's register and the person's housing.
//! Who may do what is decided in the app crate (`openhour`, `dropin`, `housing`).

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::guidance::{self, GuidanceGrant};
use benk_app::openhour::{self, BookingInput, SlotDate, SlotInput};
use benk_app::{access, dropin, housing, orgs, Actor, AppError, FieldError, Text};
use benk_domain::{
    AgencyKind, BookingStatus, DropInService, HousingQueueStatus, HousingStatus, Lang, LongText,
    Phone, Purpose, ShortText,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use serde::Deserialize;
use uuid::Uuid;

use super::intake::form::{cap, choices, iso, parse_date, Errs, Fd, FormState};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

page_texts! {
    /// The words of the open-hour, drop-in and housing pages.
    Dt, pub(crate) fn dt;
    oh_title: "Åpen time", "Open hour";
    oh_public_title: "Book åpen time hos", "Book the open hour at";
    oh_public_intro: "Samarbeidspartnere kan booke en tid i teamets åpne time og legge fram en sak for å få råd.", "Partners can book a time in the team's open hour and present a case to get advice.";
    oh_anonymous: "Beskriv saken uten personidentifiserende opplysninger: ikke navn, fødselsnummer, adresse eller annet som kan peke ut personen. Skriv for eksempel «kvinne i 30-årene, bor alene». Personens identitet legges til først hvis saken blir en henvisning.", "Describe the case without identifying details: no name, national identity number, address or anything else that points to the person. Write for example «woman in her 30s, lives alone». The person's identity is added only if the case becomes a referral.";
    oh_choose_slot: "Velg en ledig time", "Choose a free slot";
    oh_no_slots: "Det er ingen ledige timer de neste ukene. Ring teamet.", "There are no free slots in the coming weeks. Call the team.";
    oh_free: "ledige", "free";
    oh_full: "fullbooket", "fully booked";
    oh_you: "Hvem er du", "Who you are";
    oh_name: "Navnet ditt", "Your name";
    oh_booked_by: "Booket av", "Booked by";
    oh_service: "Tjeneste eller virksomhet", "Service or organisation";
    oh_kind: "Type tjeneste", "Kind of service";
    oh_phone: "Telefon", "Phone";
    oh_email: "E-post", "E-mail";
    oh_contact_hint: "Oppgi telefon eller e-post.", "Give a phone number or an e-mail address.";
    oh_case: "Saken", "The case";
    oh_case_text: "Beskriv saken kort", "Describe the case briefly";
    oh_book: "Book timen", "Book the slot";
    oh_receipt_title: "Timen er booket", "The slot is booked";
    oh_receipt_text: "Takk. Teamet har fått bookingen din. Ta vare på bookingnummeret:", "Thank you. The team has your booking. Keep the booking number:";
    oh_receipt_next: "Møt opp til tiden du valgte. Trenger du å avlyse, ring teamet og oppgi nummeret.", "Come at the time you chose. If you need to cancel, call the team and give the number.";
    oh_csrf: "Skjemaet var for gammelt. Send det på nytt – det du skrev er beholdt.", "The form was too old. Send it again – what you wrote has been kept.";
    oh_rate: "Det er sendt mange bookinger fra denne adressen. Vent litt og prøv igjen – det du skrev er beholdt.", "Many bookings have been sent from this address. Wait a little and try again – what you wrote has been kept.";
    oh_has_errors: "Bookingen ble ikke sendt. Rett dette:", "The booking was not sent. Please fix:";
    optional: "valgfritt", "optional";
    oh_intro: "Faste tider der samarbeidspartnere booker seg inn og legger fram en sak uten personidentifiserende opplysninger. Bookingsiden er åpen uten innlogging:", "Fixed times when partners book in and present a case without identifying details. The booking page needs no login:";
    oh_slots: "Faste tider", "Recurring slots";
    oh_no_slot_setup: "Ingen faste tider er satt opp.", "No recurring slots have been set up.";
    oh_new_slot: "Ny fast tid", "New recurring slot";
    oh_weekday: "Ukedag", "Weekday";
    oh_start: "Klokkeslett", "Time";
    oh_length: "Lengde (minutter)", "Length (minutes)";
    oh_capacity: "Bookinger per time", "Bookings per slot";
    oh_from: "Fra dato", "From date";
    oh_until: "Til dato", "Until date";
    oh_place: "Sted", "Place";
    oh_save_slot: "Lagre fast tid", "Save the recurring slot";
    oh_end_slot: "Avslutt etter i dag", "End after today";
    oh_every: "Hver", "Every";
    oh_since: "fra", "from";
    oh_bookings: "Bookinger", "Bookings";
    oh_no_bookings: "Ingen bookinger framover.", "No bookings ahead.";
    oh_bookings_hidden: "Bookingene beskriver saker og er bare synlige for helsepersonell i inntaksteamet og teamleder.", "The bookings describe cases and are visible only to health personnel in the intake team and the team lead.";
    oh_booking: "Booking", "Booking";
    oh_status: "Status", "Status";
    oh_advice: "Rådet som ble gitt", "The advice given";
    oh_follow_up: "Følges opp", "Follow up on";
    oh_write_guidance: "Lagre som veiledningssak (nivå 3)", "Save as a guidance case (level 3)";
    oh_guidance_written: "Veiledningssaken er skrevet.", "The guidance case has been written.";
    oh_open_guidance: "Åpne veiledningssaken", "Open the guidance case";
    oh_make_referral: "Gjør om til henvisning", "Turn into a referral";
    oh_referral_hint: "Henvisningsskjemaet fylles ut med det som står her. Personens identitet legges til først der.", "The referral form is filled in with what is here. The person's identity is added only there.";
    oh_open_referral: "Åpne henvisningen", "Open the referral";
    oh_receipt: "Bookingnummer", "Booking number";
    oh_saved: "Lagret.", "Saved.";
    di_title: "Værested", "Drop-in centre";
    di_intro: "Dagsregister for værestedet: antall besøk og tjenester per dag, uten personopplysninger. Lagrer du samme dag igjen, erstattes tallene.", "The drop-in centre's daily register: visits and services per day, without personal data. Saving the same day again replaces the counts.";
    di_day: "Dato", "Date";
    di_record: "Registrer dagen", "Record the day";
    di_save: "Lagre tallene", "Save the counts";
    di_days: "Siste 60 dager", "Last 60 days";
    di_months: "Per måned", "Per month";
    di_none: "Ingen tall registrert ennå.", "No counts recorded yet.";
    di_period: "Periode", "Period";
    di_saved: "Tallene er lagret.", "The counts have been saved.";
    ho_title: "Bolig", "Housing";
    ho_intro: "Boligsituasjonen er ikke helseopplysninger: alle i behandlingsteamet kan føre den, også NAV og boligkonsulent.", "Housing is not health information: everyone in the care team may record it, NAV and housing officers too.";
    ho_current: "Nå", "Now";
    ho_unknown: "Ikke registrert", "Not recorded";
    ho_history: "Boligsituasjon over tid", "Housing over time";
    ho_status: "Boligsituasjon", "Housing status";
    ho_from: "Fra dato", "From date";
    ho_note: "Merknad", "Note";
    ho_add_status: "Registrer boligsituasjon", "Record housing status";
    ho_queue: "Boligsøknader", "Housing applications";
    ho_applied_on: "Søkt dato", "Applied on";
    ho_what: "Hva er søkt", "Applied for";
    ho_queue_status: "Status", "Status";
    ho_decided_on: "Avgjort dato", "Decided on";
    ho_add_application: "Registrer søknad", "Record application";
    ho_update: "Oppdater", "Update";
    ho_evictions: "Utkastelser", "Evictions";
    ho_evicted_on: "Dato", "Date";
    ho_add_eviction: "Registrer utkastelse", "Record eviction";
    ho_none: "Ingen registrert.", "None recorded.";
    ho_saved: "Lagret.", "Saved.";
    ho_back: "Tilbake til personen", "Back to the person";
    ho_has_errors: "Skjemaet har feil:", "The form has errors:";
    ho_by: "registrert av", "recorded by";
}

/// The double-submit CSRF cookie of the public open-hour form.
const OH_CSRF_COOKIE: &str = "benk_oh_csrf";

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct MsgQuery {
    #[serde(default)]
    msg: Option<String>,
}

fn not_in_team() -> AppError {
    AppError::Forbidden(Text::new(
        "Du er ikke med i noe team.",
        "You are not in a team.",
    ))
}

fn acting_team(actor: &Actor) -> Result<Uuid, AppError> {
    actor.acting().map(|m| m.team_id).ok_or_else(not_in_team)
}

// ---------------------------------------------------------------------------------------------
// The open hour: public booking.

#[derive(Template)]
#[template(path = "open_hour_public.html")]
struct PublicView {
    layout: Layout,
    d: &'static Dt,
    title: String,
    action: String,
    csrf: String,
    slots: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, String)>,
    f: FormState,
    notice: Option<String>,
    here: String,
}

#[derive(Template)]
#[template(path = "open_hour_teams.html")]
struct TeamsView {
    layout: Layout,
    d: &'static Dt,
    teams: Vec<(Uuid, String)>,
}

#[derive(Template)]
#[template(path = "open_hour_receipt.html")]
struct ReceiptView {
    layout: Layout,
    d: &'static Dt,
    receipt: String,
}

fn apply_lang(mut ctx: Ctx, q: &LangQuery) -> Ctx {
    if let Some(l) = q.lang.as_deref().and_then(Lang::from_tag) {
        ctx.lang = l;
        ctx.jar = ctx
            .jar
            .clone()
            .add(ctx.cookie(crate::ctx::LANG_COOKIE, l.as_tag().to_string()));
    }
    ctx
}

fn slot_key(s: &SlotDate) -> String {
    format!("{}_{}", s.slot_id, s.date)
}

fn slot_label(lang: Lang, s: &SlotDate) -> String {
    let weekday = benk_domain::daily::weekday_label(s.date.weekday(), lang);
    // "torsdager" → "torsdag", "Thursdays" → "Thursday".
    let day = match lang {
        Lang::Nb => weekday.strip_suffix("er").unwrap_or(weekday),
        Lang::En => weekday.strip_suffix('s').unwrap_or(weekday),
    };
    let date = match lang {
        Lang::Nb => s.date.format("%-d.%-m.%Y").to_string(),
        Lang::En => s.date.format("%-d %b %Y").to_string(),
    };
    let place = s
        .place
        .as_deref()
        .map(|p| format!(", {p}"))
        .unwrap_or_default();
    let t = dt(lang);
    let free = if s.free > 0 {
        format!("{} {}", s.free, t.oh_free)
    } else {
        t.oh_full.to_string()
    };
    format!(
        "{} {date} kl. {} ({} min{place}) – {free}",
        cap(day),
        s.start_time,
        s.length_min
    )
}

fn token_of(ctx: &Ctx) -> Option<String> {
    super::intake::public_token(ctx, OH_CSRF_COOKIE)
}

fn public_labels(d: &'static Dt) -> Vec<(&'static str, &'static str)> {
    vec![
        ("slot", d.oh_choose_slot),
        ("booker_name", d.oh_name),
        ("booker_service", d.oh_service),
        ("agency_kind", d.oh_kind),
        ("booker_phone", d.oh_phone),
        ("booker_email", d.oh_email),
        ("case_text", d.oh_case_text),
    ]
}

#[allow(clippy::too_many_arguments)]
async fn render_public(
    st: &AppState,
    ctx: &Ctx,
    team_id: Uuid,
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
    let upcoming = match openhour::upcoming(&st.app, team_id).await {
        Ok(u) => u,
        Err(e) => return ctx.page_err(e),
    };
    let token = match token_of(ctx).filter(|_| !fresh_token) {
        Some(t) => t,
        None => benk_app::auth::random_hex(16),
    };
    let jar = ctx
        .jar
        .clone()
        .add(ctx.cookie(OH_CSRF_COOKIE, token.clone()));
    let d = dt(ctx.lang);
    let mut data = data;
    data.set("hp_url", "");
    let here = format!("/apen-time/{team_id}");
    let view = PublicView {
        layout: Layout::new(ctx, "referral"),
        d,
        title: format!("{} {}", d.oh_public_title, team.name),
        action: here.clone(),
        csrf: token,
        slots: upcoming
            .iter()
            .map(|s| (slot_key(s), slot_label(ctx.lang, s), s.free > 0))
            .collect(),
        kinds: choices(
            AgencyKind::ALL,
            AgencyKind::code,
            AgencyKind::label,
            ctx.lang,
        ),
        f: FormState::new(ctx.lang, data, errors, public_labels(d), vec![]),
        notice,
        here,
    };
    (status, jar, page(&view)).into_response()
}

/// GET `/apen-time`: the form of the only team, or the list of teams.
pub(crate) async fn public_index(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LangQuery>,
) -> Response {
    let ctx = apply_lang(ctx, &q);
    match orgs::list_teams(&st.app).await {
        Ok(teams) if teams.len() == 1 => {
            render_public(
                &st,
                &ctx,
                teams[0].0,
                Fd::default(),
                vec![],
                None,
                StatusCode::OK,
                false,
            )
            .await
        }
        Ok(teams) => (
            ctx.jar.clone(),
            page(&TeamsView {
                layout: Layout::new(&ctx, "referral"),
                d: dt(ctx.lang),
                teams,
            }),
        )
            .into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// GET `/apen-time/{team}`.
pub(crate) async fn public_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let ctx = apply_lang(ctx, &q);
    let Ok(team_id) = Uuid::parse_str(&team) else {
        return ctx.page_err(AppError::NotFound);
    };
    render_public(
        &st,
        &ctx,
        team_id,
        Fd::default(),
        vec![],
        None,
        StatusCode::OK,
        false,
    )
    .await
}

/// Parses the public booking form; every field error at once.
pub(crate) fn parse_booking(fd: &Fd) -> Result<BookingInput, Vec<FieldError>> {
    let mut e = Errs::default();
    let slot = fd.get("slot").trim();
    let parsed_slot = slot.split_once('_').and_then(|(id, date)| {
        Some((
            Uuid::parse_str(id).ok()?,
            NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
        ))
    });
    if parsed_slot.is_none() {
        e.0.push(FieldError::new(
            "slot",
            "required",
            "Velg en ledig time.",
            "Choose a free slot.",
        ));
    }
    let name = |e: &mut Errs, field: &str| {
        e.ok(ShortText::parse_name(fd.get(field)).map_err(|err| FieldError::of(field, &err)))
    };
    let booker_name = name(&mut e, "booker_name");
    let booker_service = name(&mut e, "booker_service");
    let agency_kind = e.ok(
        AgencyKind::from_code(fd.get("agency_kind").trim()).ok_or_else(|| {
            FieldError::new(
                "agency_kind",
                "invalid_choice",
                "Velg et av alternativene.",
                "Choose one of the options.",
            )
        }),
    );
    let booker_phone = if fd.blank("booker_phone") {
        None
    } else {
        e.ok(Phone::parse(fd.get("booker_phone"))
            .map_err(|err| FieldError::of("booker_phone", &err)))
    };
    let booker_email = e
        .ok(ShortText::parse_optional(fd.get("booker_email"))
            .map_err(|err| FieldError::of("booker_email", &err)))
        .flatten();
    let case_text =
        e.ok(LongText::parse(fd.get("case_text")).map_err(|err| FieldError::of("case_text", &err)));
    if benk_domain::contains_national_id(fd.get("case_text")) && case_text.is_none() {
        e.0.push(openhour::national_id_error("case_text"));
    }
    let mut errs = e.0;
    if let (
        Some((slot_id, date)),
        Some(booker_name),
        Some(booker_service),
        Some(agency_kind),
        Some(case_text),
    ) = (
        parsed_slot,
        booker_name,
        booker_service,
        agency_kind,
        case_text,
    ) {
        let input = BookingInput {
            slot_id,
            date,
            booker_name,
            booker_service,
            agency_kind,
            booker_phone,
            booker_email,
            case_text,
        };
        if let Err(more) = openhour::check_booking(&input) {
            errs.extend(more);
        }
        if errs.is_empty() {
            return Ok(input);
        }
    } else if !fd.blank("case_text")
        && benk_domain::contains_national_id(fd.get("case_text"))
        && !errs.iter().any(|x| x.field == "case_text")
    {
        errs.push(openhour::national_id_error("case_text"));
    }
    if fd.blank("booker_phone")
        && fd.blank("booker_email")
        && !errs.iter().any(|x| x.field == "booker_phone")
    {
        errs.push(FieldError::new(
            "booker_phone",
            "contact_required",
            "Oppgi telefon eller e-post, så vi kan nå deg.",
            "Give a phone number or an e-mail address, so we can reach you.",
        ));
    }
    Err(errs)
}

/// POST `/apen-time/{team}`: the booking. CSRF double-submit, honeypot, per-address rate
/// limit (shared with the public referral form) and the body limit, as `/henvisning`.
pub(crate) async fn public_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(team): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let d = dt(ctx.lang);
    let (team_id, fd, csrf_ok) = match super::intake::public_post(&ctx, &team, form, OH_CSRF_COOKIE)
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !csrf_ok {
        return render_public(
            &st,
            &ctx,
            team_id,
            fd,
            vec![],
            Some(d.oh_csrf.to_string()),
            StatusCode::FORBIDDEN,
            true,
        )
        .await;
    }
    let input = match parse_booking(&fd) {
        Ok(i) => i,
        Err(errs) => {
            return render_public(
                &st,
                &ctx,
                team_id,
                fd,
                errs,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
    };
    let key = ctx.meta.ip.clone().unwrap_or_else(|| "unknown".into());
    if let Err(wait) = st.referral_limiter.try_acquire(&key) {
        let mut resp = render_public(
            &st,
            &ctx,
            team_id,
            fd,
            vec![],
            Some(d.oh_rate.to_string()),
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
        tracing::info!(ip = %key, "open-hour honeypot filled; nothing stored");
        let year = benk_app::time::oslo_today().year();
        return Redirect::to(&format!("/apen-time/kvittering/T-{year}-{}", fake_tail()))
            .into_response();
    }
    match openhour::book(&st.app, team_id, input, &ctx.meta).await {
        Ok(r) => {
            Redirect::to(&format!("/apen-time/kvittering/{}", r.receipt_number)).into_response()
        }
        Err(AppError::Invalid(errs)) => {
            render_public(
                &st,
                &ctx,
                team_id,
                fd,
                errs,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
        Err(AppError::Conflict(msg)) => {
            let errs = vec![FieldError {
                field: "slot".into(),
                code: "slot_full".into(),
                message: msg,
            }];
            render_public(
                &st,
                &ctx,
                team_id,
                fd,
                errs,
                None,
                StatusCode::CONFLICT,
                false,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

fn fake_tail() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let mut part = || {
        (0..4)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect::<String>()
    };
    format!("{}-{}", part(), part())
}

fn is_receipt(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    let alnum = |x: &str| {
        x.len() == 4
            && x.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    p.len() == 4
        && p[0] == "T"
        && p[1].len() == 4
        && p[1].bytes().all(|b| b.is_ascii_digit())
        && alnum(p[2])
        && alnum(p[3])
}

/// GET `/apen-time/kvittering/{nr}`: echoes nothing but the number.
pub(crate) async fn public_receipt(ctx: Ctx, Path(nr): Path<String>) -> Response {
    if !is_receipt(&nr) {
        return ctx.page_err(AppError::NotFound);
    }
    page(&ReceiptView {
        layout: Layout::new(&ctx, "referral"),
        d: dt(ctx.lang),
        receipt: nr,
    })
}

// ---------------------------------------------------------------------------------------------
// The open hour: the intake team.

/// A booking as listed.
pub(crate) struct BookingLine {
    id: Uuid,
    when: String,
    who: String,
    status: String,
}

#[derive(Template)]
#[template(path = "open_hour_team.html")]
struct TeamView {
    layout: Layout,
    d: &'static Dt,
    public_url: String,
    slots: Vec<(Uuid, String)>,
    may_manage: bool,
    bookings: Option<Vec<BookingLine>>,
    weekdays: Vec<(i64, String)>,
    slot_fields: Vec<(&'static str, &'static str, &'static str)>,
    f: FormState,
}

fn slot_labels(d: &'static Dt) -> Vec<(&'static str, &'static str)> {
    vec![
        ("weekday", d.oh_weekday),
        ("start_time", d.oh_start),
        ("length_min", d.oh_length),
        ("capacity", d.oh_capacity),
        ("valid_from", d.oh_from),
        ("valid_until", d.oh_until),
        ("place", d.oh_place),
    ]
}

fn status_label(code: &str, lang: Lang) -> String {
    BookingStatus::from_code(code)
        .map(|s| cap(s.label(lang)))
        .unwrap_or_default()
}

async fn team_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
    flash: bool,
) -> Response {
    let team = match acting_team(actor) {
        Ok(t) => t,
        Err(e) => return ctx.page_err(e),
    };
    let may_manage = openhour::may_manage(actor, team);
    let may_read = guidance::may_open(actor, team);
    if !may_manage && !may_read {
        // Audited refusal through the guidance grant (the bookings are health content).
        return match guidance::open_guidance(&st.app, actor, team, "open_hour.list").await {
            Ok(_) => ctx.page_err(AppError::NotFound),
            Err(e) => ctx.page_err(e),
        };
    }
    let lang = ctx.lang;
    let d = dt(lang);
    let slots = match openhour::slots(&st.app, team).await {
        Ok(s) => s,
        Err(e) => return ctx.page_err(e),
    };
    let mut layout = Layout::new(ctx, "intake");
    if flash {
        layout.flash = Some(d.oh_saved.to_string());
    }
    let slot_lines = slots
        .iter()
        .map(|s| {
            let wd = s
                .recurrence()
                .map(|r| benk_domain::daily::weekday_label(r.weekday, lang))
                .unwrap_or("");
            let until = s
                .valid_until
                .map(|u| format!(" – {}", layout.date(&u)))
                .unwrap_or_default();
            let place = s
                .place
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default();
            (
                s.id,
                format!(
                    "{} {wd} kl. {}, {} min, {} {}{place} ({} {}{until})",
                    d.oh_every,
                    s.start_time,
                    s.length_min,
                    s.capacity,
                    d.oh_capacity.to_lowercase(),
                    d.oh_since,
                    layout.date(&s.valid_from)
                ),
            )
        })
        .collect();
    let bookings = if may_read {
        let grant = match guidance::open_guidance(&st.app, actor, team, "open_hour.list").await {
            Ok(g) => g,
            Err(e) => return ctx.page_err(e),
        };
        let from = benk_app::time::oslo_today() - Duration::days(30);
        match openhour::bookings(&st.app, actor, &grant, from).await {
            Ok(rows) => Some(
                rows.iter()
                    .map(|b| BookingLine {
                        id: b.id,
                        when: format!("{} kl. {}", layout.date(&b.slot_date), b.start_time),
                        who: format!("{}, {}", b.booker_name, b.booker_service),
                        status: status_label(&b.status, lang),
                    })
                    .collect(),
            ),
            Err(e) => return ctx.page_err(e),
        }
    } else {
        None
    };
    let weekdays = (1..=7)
        .filter_map(|n| {
            benk_domain::daily::weekday_from_number(n)
                .map(|w| (n, cap(benk_domain::daily::weekday_label(w, lang))))
        })
        .collect();
    let view = TeamView {
        layout,
        d,
        public_url: format!("/apen-time/{team}"),
        slots: slot_lines,
        may_manage,
        bookings,
        weekdays,
        slot_fields: vec![
            ("start_time", d.oh_start, "time"),
            ("length_min", d.oh_length, "number"),
            ("capacity", d.oh_capacity, "number"),
            ("valid_from", d.oh_from, "date"),
            ("valid_until", d.oh_until, "date"),
            ("place", d.oh_place, "text"),
        ],
        f: FormState::new(lang, data, errors, slot_labels(d), vec![]),
    };
    (status, page(&view)).into_response()
}

/// GET `/intake/open-hour`.
pub(crate) async fn team(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let mut data = Fd::default();
    data.set("weekday", "4");
    data.set("start_time", "09:00");
    data.set("length_min", "30");
    data.set("capacity", "2");
    data.set("valid_from", iso(benk_app::time::oslo_today()));
    let flash = q.msg.as_deref() == Some("saved");
    team_page(&st, &ctx, actor, data, vec![], StatusCode::OK, flash).await
}

/// Parses the slot form.
pub(crate) fn parse_slot(
    weekday: &str,
    start: &str,
    length: &str,
    capacity: &str,
    from: &str,
    until: &str,
    place: &str,
) -> Result<SlotInput, Vec<FieldError>> {
    let mut e = Errs::default();
    let weekday = e.ok(weekday
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(benk_domain::daily::weekday_from_number)
        .ok_or_else(|| {
            FieldError::new(
                "weekday",
                "invalid_choice",
                "Velg en ukedag.",
                "Choose a weekday.",
            )
        }));
    let start = e.ok(
        NaiveTime::parse_from_str(start.trim(), "%H:%M").map_err(|_| {
            FieldError::new(
                "start_time",
                "invalid_time",
                "Skriv klokkeslettet som tt:mm.",
                "Write the time as hh:mm.",
            )
        }),
    );
    let num = |e: &mut Errs, field: &str, s: &str| {
        e.ok(s.trim().parse::<u32>().map_err(|_| {
            FieldError::new(
                field,
                "not_a_number",
                "Skriv et helt tall.",
                "Write a whole number.",
            )
        }))
    };
    let length_min = num(&mut e, "length_min", length);
    let capacity = num(&mut e, "capacity", capacity);
    let valid_from = e.ok(parse_date("valid_from", from));
    let valid_until = if until.trim().is_empty() {
        None
    } else {
        e.ok(parse_date("valid_until", until))
    };
    let place = e
        .ok(ShortText::parse_optional(place).map_err(|err| FieldError::of("place", &err)))
        .flatten();
    match (weekday, start, length_min, capacity, valid_from) {
        (Some(weekday), Some(start), Some(length_min), Some(capacity), Some(valid_from))
            if e.0.is_empty() =>
        {
            Ok(SlotInput {
                weekday,
                start,
                length_min,
                capacity,
                valid_from,
                valid_until,
                place,
            })
        }
        _ => Err(e.0),
    }
}

/// POST `/intake/open-hour/slots`.
pub(crate) async fn create_slot(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match super::intake::posted_in_team(&ctx, pairs, not_in_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let input = match parse_slot(
        fd.get("weekday"),
        fd.get("start_time"),
        fd.get("length_min"),
        fd.get("capacity"),
        fd.get("valid_from"),
        fd.get("valid_until"),
        fd.get("place"),
    ) {
        Ok(i) => i,
        Err(errs) => {
            return team_page(
                &st,
                &ctx,
                actor,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
    };
    match openhour::create_slot(&st.app, actor, team, input).await {
        Ok(_) => Redirect::to("/intake/open-hour?msg=saved").into_response(),
        Err(AppError::Invalid(errs)) => {
            team_page(
                &st,
                &ctx,
                actor,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/intake/open-hour/slots/{id}/end`.
pub(crate) async fn end_slot(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, _fd, id) = match super::intake::form::posted(&ctx, pairs, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let team = match acting_team(actor) {
        Ok(t) => t,
        Err(e) => return ctx.page_err(e),
    };
    match openhour::end_slot(&st.app, actor, team, id, benk_app::time::oslo_today()).await {
        Ok(()) => Redirect::to("/intake/open-hour?msg=saved").into_response(),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "open_hour_booking.html")]
struct BookingView {
    layout: Layout,
    d: &'static Dt,
    b: benk_app::openhour::Booking,
    when: String,
    kind: String,
    status: String,
    flash: Option<&'static str>,
    f: FormState,
}

async fn booking_grant(
    st: &AppState,
    actor: &Actor,
    action: &str,
) -> Result<GuidanceGrant, AppError> {
    let team = acting_team(actor)?;
    guidance::open_guidance(&st.app, actor, team, action).await
}

#[allow(clippy::too_many_arguments)]
async fn booking_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
    flash: Option<&'static str>,
) -> Response {
    let grant = match booking_grant(st, actor, "open_hour.read").await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let b = match openhour::booking(&st.app, actor, &grant, id).await {
        Ok(b) => b,
        Err(e) => return ctx.page_err(e),
    };
    let d = dt(ctx.lang);
    let layout = Layout::new(ctx, "intake");
    let view = BookingView {
        when: format!("{} kl. {}", layout.date(&b.slot_date), b.start_time),
        kind: AgencyKind::from_code(&b.agency_kind)
            .map(|k| cap(k.label(ctx.lang)))
            .unwrap_or_default(),
        status: status_label(&b.status, ctx.lang),
        layout,
        d,
        b,
        flash,
        f: FormState::new(
            ctx.lang,
            data,
            errors,
            vec![("advice", d.oh_advice), ("follow_up_on", d.oh_follow_up)],
            vec![],
        ),
    };
    (status, page(&view)).into_response()
}

/// GET `/intake/open-hour/bookings/{id}`.
pub(crate) async fn booking(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match crate::html::clients::parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let flash = (q.msg.as_deref() == Some("advised")).then_some(dt(ctx.lang).oh_guidance_written);
    booking_page(
        &st,
        &ctx,
        actor,
        id,
        Fd::default(),
        vec![],
        StatusCode::OK,
        flash,
    )
    .await
}

/// POST `/intake/open-hour/bookings/{id}/guidance`: the advice given, as a guidance case.
pub(crate) async fn advise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match super::intake::form::posted(&ctx, pairs, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut e = Errs::default();
    let advice =
        e.ok(LongText::parse(fd.get("advice")).map_err(|err| FieldError::of("advice", &err)));
    let follow = if fd.blank("follow_up_on") {
        None
    } else {
        e.ok(parse_date("follow_up_on", fd.get("follow_up_on")))
    };
    let errs = e.0;
    let Some(advice) = advice.filter(|_| errs.is_empty()) else {
        return booking_page(
            &st,
            &ctx,
            actor,
            id,
            fd,
            errs,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        )
        .await;
    };
    let grant = match booking_grant(&st, actor, "open_hour.advise").await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    match openhour::advise(&st.app, actor, &grant, id, advice, follow).await {
        Ok(_) => {
            Redirect::to(&format!("/intake/open-hour/bookings/{id}?msg=advised")).into_response()
        }
        Err(AppError::Invalid(errs)) => {
            booking_page(
                &st,
                &ctx,
                actor,
                id,
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

/// Prefills the staff referral form from a booking (`/intake/referrals/new?from_booking=…`):
/// the partner as the referrer and the case as the reason. The person's identity is added there.
pub(crate) async fn prefill_referral(
    st: &AppState,
    actor: &Actor,
    booking: Uuid,
    data: &mut Fd,
) -> Result<(), AppError> {
    let grant = booking_grant(st, actor, "open_hour.read").await?;
    let b = openhour::booking(&st.app, actor, &grant, booking).await?;
    data.set("from_booking", booking.to_string());
    data.set("referrer_name", b.booker_name);
    data.set("agency_kind", b.agency_kind);
    data.set("referrer_role", b.booker_service);
    if let Some(p) = b.booker_phone {
        data.set("referrer_phone", p);
    }
    if let Some(e) = b.booker_email {
        data.set("referrer_email", e);
    }
    data.set("reason", b.case_text);
    Ok(())
}

/// Registers the referral made from a booking and links the booking to it, in one transaction
/// (`openhour::refer`): a booking already turned into a referral is a 409, nothing new stored.
pub(crate) async fn refer_booking(
    st: &AppState,
    actor: &Actor,
    intake: &benk_app::referrals::IntakeGrant,
    booking: Uuid,
    input: benk_app::referrals::ReferralInput,
) -> Result<benk_app::referrals::Receipt, AppError> {
    let grant = booking_grant(st, actor, "open_hour.refer").await?;
    openhour::refer(&st.app, actor, intake, &grant, booking, input).await
}

// ---------------------------------------------------------------------------------------------
// The drop-in centre.

#[derive(Template)]
#[template(path = "dropin.html")]
struct DropinView {
    layout: Layout,
    d: &'static Dt,
    services: Vec<(&'static str, String)>,
    days: Vec<(String, Vec<i64>)>,
    months: Vec<(String, Vec<i64>)>,
    f: FormState,
}

async fn dropin_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
    flash: bool,
) -> Response {
    let team = match acting_team(actor) {
        Ok(t) => t,
        Err(e) => return ctx.page_err(e),
    };
    let today = benk_app::time::oslo_today();
    let from = NaiveDate::from_ymd_opt(today.year() - 1, today.month(), 1).unwrap_or(today);
    let reg = match dropin::register(&st.app, actor, team, from, today).await {
        Ok(r) => r,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let d = dt(lang);
    let mut layout = Layout::new(ctx, "dropin");
    if flash {
        layout.flash = Some(d.di_saved.to_string());
    }
    let cutoff = today - Duration::days(60);
    let days = reg
        .days
        .iter()
        .filter(|c| NaiveDate::parse_from_str(&c.period, "%Y-%m-%d").is_ok_and(|p| p > cutoff))
        .map(|c| {
            let date = NaiveDate::parse_from_str(&c.period, "%Y-%m-%d")
                .map(|p| layout.date(&p))
                .unwrap_or_default();
            (date, c.counts.iter().map(|x| x.1).collect())
        })
        .collect();
    let months = reg
        .months
        .iter()
        .map(|c| (c.period.clone(), c.counts.iter().map(|x| x.1).collect()))
        .collect();
    let labels: Vec<(&'static str, &'static str)> = std::iter::once(("day", d.di_day))
        .chain(DropInService::ALL.iter().map(|s| (s.code(), s.label(lang))))
        .collect();
    let view = DropinView {
        layout,
        d,
        services: choices(
            DropInService::ALL,
            DropInService::code,
            DropInService::label,
            lang,
        ),
        days,
        months,
        f: FormState::new(lang, data, errors, labels, vec![]),
    };
    (status, page(&view)).into_response()
}

/// GET `/dropin`.
pub(crate) async fn dropin_show(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let mut data = Fd::default();
    data.set("day", iso(benk_app::time::oslo_today()));
    dropin_page(
        &st,
        &ctx,
        actor,
        data,
        vec![],
        StatusCode::OK,
        q.msg.as_deref() == Some("saved"),
    )
    .await
}

/// Parses a day's counts from text: blank is not given; anything else must be a whole number.
pub(crate) fn parse_counts(
    get: impl Fn(&str) -> String,
) -> Result<Vec<(DropInService, i64)>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for s in DropInService::ALL {
        let v = get(s.code());
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match v.parse::<i64>() {
            Ok(n) => out.push((*s, n)),
            Err(_) => errs.push(FieldError::new(
                s.code(),
                "not_a_number",
                "Skriv et helt tall.",
                "Write a whole number.",
            )),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// POST `/dropin`.
pub(crate) async fn dropin_record(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match super::intake::posted_in_team(&ctx, pairs, not_in_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let day = parse_date("day", fd.get("day"));
    let counts = parse_counts(|k| fd.get(k).to_string());
    let (day, counts) = match (day, counts) {
        (Ok(d), Ok(c)) => (d, c),
        (d, c) => {
            let mut errs: Vec<FieldError> = d.err().into_iter().collect();
            errs.extend(c.err().unwrap_or_default());
            return dropin_page(
                &st,
                &ctx,
                actor,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await;
        }
    };
    match dropin::record_day(&st.app, actor, team, day, &counts).await {
        Ok(()) => Redirect::to("/dropin?msg=saved").into_response(),
        Err(AppError::Invalid(errs)) => {
            dropin_page(
                &st,
                &ctx,
                actor,
                fd,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Housing.

/// The housing section (included by the housing page; a client page may include it too).
pub(crate) struct HousingSection {
    client_id: Uuid,
    current: String,
    statuses: Vec<(String, String, String, String)>,
    applications: Vec<(Uuid, String, String, String, String, String)>,
    evictions: Vec<(String, String)>,
    status_choices: Vec<(&'static str, String)>,
    queue_choices: Vec<(&'static str, String)>,
    f: FormState,
}

#[derive(Template)]
#[template(path = "housing_page.html")]
struct HousingView {
    layout: Layout,
    d: &'static Dt,
    name: String,
    h: HousingSection,
}

#[allow(clippy::too_many_arguments)]
async fn housing_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    client: Uuid,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
    flash: bool,
) -> Response {
    let grant = match access::open_client(&st.app, actor, client, Purpose::Treat).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let basic = match benk_app::clients::basic(&st.app, actor, &grant).await {
        Ok(b) => b,
        Err(e) => return ctx.page_err(e),
    };
    let h = match housing::get(&st.app, actor, &grant).await {
        Ok(h) => h,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let d = dt(lang);
    let mut layout = Layout::new(ctx, "clients");
    if flash {
        layout.flash = Some(d.ho_saved.to_string());
    }
    let hs = |c: &str| {
        HousingStatus::from_code(c)
            .map(|s| cap(s.label(lang)))
            .unwrap_or_default()
    };
    let qs = |c: &str| {
        HousingQueueStatus::from_code(c)
            .map(|s| cap(s.label(lang)))
            .unwrap_or_default()
    };
    let section = HousingSection {
        client_id: client,
        current: h
            .current
            .as_deref()
            .map(hs)
            .unwrap_or_else(|| d.ho_unknown.to_string()),
        statuses: h
            .statuses
            .iter()
            .map(|s| {
                (
                    layout.date(&s.from_date),
                    hs(&s.status),
                    s.note.clone().unwrap_or_default(),
                    s.recorded_by_name.clone(),
                )
            })
            .collect(),
        applications: h
            .applications
            .iter()
            .map(|a| {
                (
                    a.id,
                    layout.date(&a.applied_on),
                    a.what.clone(),
                    qs(&a.status),
                    a.decided_on.map(|x| layout.date(&x)).unwrap_or_default(),
                    a.status.clone(),
                )
            })
            .collect(),
        evictions: h
            .evictions
            .iter()
            .map(|e| {
                (
                    layout.date(&e.evicted_on),
                    e.note.clone().unwrap_or_default(),
                )
            })
            .collect(),
        status_choices: choices(
            HousingStatus::ALL,
            HousingStatus::code,
            HousingStatus::label,
            lang,
        ),
        queue_choices: choices(
            HousingQueueStatus::ALL,
            HousingQueueStatus::code,
            HousingQueueStatus::label,
            lang,
        ),
        f: FormState::new(
            lang,
            data,
            errors,
            vec![
                ("status", d.ho_status),
                ("from_date", d.ho_from),
                ("note", d.ho_note),
                ("applied_on", d.ho_applied_on),
                ("what", d.ho_what),
                ("queue_status", d.ho_queue_status),
                ("decided_on", d.ho_decided_on),
                ("evicted_on", d.ho_evicted_on),
            ],
            vec![],
        ),
    };
    let view = HousingView {
        layout,
        d,
        name: basic.name,
        h: section,
    };
    (status, page(&view)).into_response()
}

fn housing_defaults() -> Fd {
    let mut data = Fd::default();
    let today = iso(benk_app::time::oslo_today());
    data.set("from_date", today.clone());
    data.set("applied_on", today.clone());
    data.set("evicted_on", today);
    data
}

/// GET `/clients/{id}/housing`.
pub(crate) async fn housing_show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match crate::html::clients::parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    housing_page(
        &st,
        &ctx,
        actor,
        id,
        housing_defaults(),
        vec![],
        StatusCode::OK,
        q.msg.as_deref() == Some("saved"),
    )
    .await
}

fn opt_date(field: &str, s: &str) -> Result<Option<NaiveDate>, FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field, s).map(Some)
    }
}

/// What a housing form posts.
enum HousingPost {
    Status(HousingStatus, NaiveDate, Option<ShortText>),
    Application(NaiveDate, ShortText, HousingQueueStatus, Option<NaiveDate>),
    Update(Uuid, HousingQueueStatus, Option<NaiveDate>),
    Eviction(NaiveDate, Option<ShortText>),
}

fn parse_housing_post(what: &str, fd: &Fd) -> Result<HousingPost, Vec<FieldError>> {
    let mut e = Errs::default();
    let choice = |field: &str| {
        FieldError::new(
            field,
            "invalid_choice",
            "Velg et av alternativene.",
            "Choose one of the options.",
        )
    };
    let note = |e: &mut Errs| {
        e.ok(ShortText::parse_optional(fd.get("note")).map_err(|err| FieldError::of("note", &err)))
            .flatten()
    };
    let out = match what {
        "status" => {
            let s = e
                .ok(HousingStatus::from_code(fd.get("status").trim())
                    .ok_or_else(|| choice("status")));
            let from = e.ok(parse_date("from_date", fd.get("from_date")));
            let n = note(&mut e);
            s.zip(from).map(|(s, f)| HousingPost::Status(s, f, n))
        }
        "application" => {
            let applied = e.ok(parse_date("applied_on", fd.get("applied_on")));
            let w =
                e.ok(ShortText::parse(fd.get("what")).map_err(|err| FieldError::of("what", &err)));
            let s = e.ok(HousingQueueStatus::from_code(fd.get("queue_status").trim())
                .ok_or_else(|| choice("queue_status")));
            let decided = e.ok(opt_date("decided_on", fd.get("decided_on"))).flatten();
            match (applied, w, s) {
                (Some(a), Some(w), Some(s)) => Some(HousingPost::Application(a, w, s, decided)),
                _ => None,
            }
        }
        "update" => {
            let id = Uuid::parse_str(fd.get("application_id").trim()).ok();
            let s = e.ok(HousingQueueStatus::from_code(fd.get("queue_status").trim())
                .ok_or_else(|| choice("queue_status")));
            let decided = e.ok(opt_date("decided_on", fd.get("decided_on"))).flatten();
            match (id, s) {
                (Some(id), Some(s)) => Some(HousingPost::Update(id, s, decided)),
                _ => None,
            }
        }
        "eviction" => {
            let on = e.ok(parse_date("evicted_on", fd.get("evicted_on")));
            let n = note(&mut e);
            on.map(|on| HousingPost::Eviction(on, n))
        }
        _ => None,
    };
    match out {
        Some(p) if e.0.is_empty() => Ok(p),
        _ if e.0.is_empty() => Err(vec![FieldError::required("form")]),
        _ => Err(e.0),
    }
}

/// POST `/clients/{id}/housing`: one of the section's forms (`form` = status, application,
/// update, eviction).
pub(crate) async fn housing_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client) = match super::intake::form::posted(&ctx, pairs, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let grant = match access::open_client(&st.app, actor, client, Purpose::Treat).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let result = match parse_housing_post(fd.get("form"), &fd) {
        Err(errs) => Err(AppError::Invalid(errs)),
        Ok(HousingPost::Status(s, from, note)) => {
            housing::add_status(&st.app, actor, &grant, s, from, note)
                .await
                .map(|_| ())
        }
        Ok(HousingPost::Application(a, w, s, d)) => {
            housing::add_application(&st.app, actor, &grant, a, w, s, d)
                .await
                .map(|_| ())
        }
        Ok(HousingPost::Update(aid, s, d)) => {
            housing::update_application(&st.app, actor, &grant, aid, s, d).await
        }
        Ok(HousingPost::Eviction(on, note)) => {
            housing::add_eviction(&st.app, actor, &grant, on, note)
                .await
                .map(|_| ())
        }
    };
    match result {
        Ok(()) => Redirect::to(&format!("/clients/{client}/housing?msg=saved")).into_response(),
        Err(AppError::Invalid(errs)) => {
            let mut data = housing_defaults();
            for (k, v) in &fd.0 {
                data.set(k, v.clone());
            }
            housing_page(
                &st,
                &ctx,
                actor,
                client,
                data,
                errs,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}
