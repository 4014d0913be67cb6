//! Levels 2 and 3 on the pages: guidance cases (list, new, detail with its edit form) for the
//! intake team's health personnel and the team lead, and the level-2 "ordinary service" fields
//! shared by the decision form, the episode section and the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::episodes::OrdinaryServiceInput;
use benk_app::guidance::{self, GuidanceCase, GuidanceGrant, GuidanceInput};
use benk_app::{Actor, AppError, FieldError, Text};
use benk_domain::{
    AgencyKind, Competence, GuidanceChannel, GuidanceStatus, Lang, LongText, Phone, ShortText,
};
use uuid::Uuid;

use super::board::MsgQuery;
use super::form::{cap, choices, iso, parse_date, Errs, Fd, FormState};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

macro_rules! level_texts {
    ($($key:ident: $nb:expr, $en:expr;)*) => {
        /// The words of the level-2 and level-3 pages and fields.
        #[derive(Debug)]
        pub(crate) struct Gt { $(pub $key: &'static str,)* }
        static NB: Gt = Gt { $($key: $nb,)* };
        static EN: Gt = Gt { $($key: $en,)* };
    };
}

level_texts! {
    list_title: "Veiledningssaker", "Guidance cases";
    list_intro: "Nivå 3: råd til en samarbeidspartner i en konkret sak, uten at teamet gir tjenester selv. En veiledningssak navngir den som spurte, aldri personen saken gjelder, og oppretter ingen journal.", "Level 3: advice to a partner on a concrete case, without the team giving services itself. A guidance case names the one who asked, never the person it is about, and makes no record.";
    list_empty: "Ingen veiledningssaker ennå.", "No guidance cases yet.";
    new_title: "Ny veiledningssak", "New guidance case";
    edit_title: "Endre veiledningssaken", "Change the guidance case";
    asked_on: "Dato", "Date";
    channel: "Hvordan spurte de?", "How did they ask?";
    asker_legend: "Hvem spurte", "Who asked";
    asker_name: "Navn", "Name";
    asker_role: "Rolle", "Role";
    asker_organisation: "Tjeneste eller virksomhet", "Service or organisation";
    agency_kind: "Type samarbeidspartner", "Kind of partner";
    asker_phone: "Telefon", "Phone";
    asker_email: "E-post", "E-mail";
    case_legend: "Saken", "The case";
    anonymous_hint: "Skriv ikke navn eller fødselsnummer på personen saken gjelder. Beskriv bare det som trengs for å gi råd (for eksempel «mann i 40-årene»).", "Do not write the name or national id of the person the case is about. Describe only what is needed to give advice (for example «man in his 40s»).";
    question: "Spørsmålet", "The question";
    advice: "Rådet som ble gitt", "The advice given";
    follow_up_on: "Følges opp", "Follow up on";
    status: "Status", "Status";
    optional: "valgfritt", "optional";
    save: "Lagre", "Save";
    saved: "Veiledningssaken er lagret.", "The guidance case has been saved.";
    from_referral: "Fra henvisning", "From referral";
    open_referral: "Åpne henvisningen", "Open the referral";
    written_by: "Skrevet av", "Written by";
    back_to_list: "Tilbake til veiledningssakene", "Back to the guidance cases";
    has_errors: "Skjemaet har feil:", "The form has errors:";
    no_record: "Ingen journal: personen er ikke registrert i teamet.", "No record: the person is not registered in the team.";
    // Level 2 (decision form and episode section).
    ordinary_legend: "Den ordinære tjenesten (nivå 2 og 3)", "The ordinary service (levels 2 and 3)";
    ordinary_hint: "På nivå 2 beholder den ordinære tjenesten ansvaret, og teamet går skulder ved skulder med den. Det trengs ikke koordinatorpar.", "At level 2 the ordinary service keeps the responsibility, and the team works shoulder to shoulder with it. No coordinator pair is needed.";
    ordinary_service: "Tjenesten som har ansvaret", "The service that keeps the responsibility";
    ordinary_service_hint: "For eksempel «Psykisk helse og rus, Bærum kommune» eller «Bærum DPS, poliklinikk».", "For example «Mental health and substance use, Bærum municipality» or «Bærum DPS, outpatient clinic».";
    contact_name: "Kontaktperson", "Contact person";
    contact_phone: "Kontaktpersonens telefon", "Contact person's phone";
    competence: "Hva teamet tilfører", "What the team adds";
    competence_note: "Beskriv kort", "Describe briefly";
    members: "Teammedlemmer som deltar", "Team members who take part";
    members_hint: "Kryss av for dem i teamet som går sammen med tjenesten (nivå 2).", "Tick those in the team who work with the service (level 2).";
    none_chosen: "Ikke valgt", "Not chosen";
    missing_title: "Forløpet mangler noe for innsatsnivået", "The course lacks something for its level";
    missing_service_hint: "Skift nivå (samme nivå er greit) og fyll ut den ordinære tjenesten.", "Change the level (the same level is fine) and fill in the ordinary service.";
    missing_pair_hint: "Nivå 1: teamet tar over ansvaret. Oppnevn en kommunal koordinator og en spesialistkoordinator.", "Level 1: the team takes over the responsibility. Name a municipal and a specialist coordinator.";
}

/// The level texts in a language.
pub(crate) fn gt(lang: Lang) -> &'static Gt {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}

/// The ordinary-service fields as given (form or JSON), before parsing.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawOrdinary<'a> {
    pub service: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub competence: &'a str,
    pub competence_note: &'a str,
}

impl<'a> RawOrdinary<'a> {
    /// From a posted form (`ordinary_service`, `ordinary_contact_name`, …).
    pub(crate) fn from_form(fd: &'a Fd) -> RawOrdinary<'a> {
        RawOrdinary {
            service: fd.get("ordinary_service"),
            contact_name: fd.get("ordinary_contact_name"),
            contact_phone: fd.get("ordinary_contact_phone"),
            competence: fd.get("competence"),
            competence_note: fd.get("competence_note"),
        }
    }

    fn blank(&self) -> bool {
        [
            self.service,
            self.contact_name,
            self.contact_phone,
            self.competence,
            self.competence_note,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// Parses the ordinary service: `None` when every field is blank; a contact or competence
/// without the service is an error naming `ordinary_service`.
pub(crate) fn parse_ordinary(
    raw: &RawOrdinary<'_>,
) -> Result<Option<OrdinaryServiceInput>, Vec<FieldError>> {
    if raw.blank() {
        return Ok(None);
    }
    let mut e = Errs::default();
    let service = e.ok(ShortText::parse_name(raw.service).map_err(|err| match err {
        benk_domain::TextError::Empty => FieldError::new(
            "ordinary_service",
            "required",
            "Skriv hvilken tjeneste som har ansvaret.",
            "Name the service that keeps the responsibility.",
        ),
        other => FieldError::of("ordinary_service", &other),
    }));
    let contact_name = e
        .ok(ShortText::parse_name_optional(raw.contact_name)
            .map_err(|err| FieldError::of("ordinary_contact_name", &err)))
        .flatten();
    let contact_phone = if raw.contact_phone.trim().is_empty() {
        None
    } else {
        e.ok(Phone::parse(raw.contact_phone)
            .map_err(|err| FieldError::of("ordinary_contact_phone", &err)))
    };
    let competence = if raw.competence.trim().is_empty() {
        None
    } else {
        e.ok(Competence::from_code(raw.competence.trim()).ok_or_else(|| {
            FieldError::new(
                "competence",
                "unknown_competence",
                "Ukjent valg for hva teamet tilfører.",
                "Unknown choice for what the team adds.",
            )
        }))
    };
    let competence_note = e
        .ok(ShortText::parse_optional(raw.competence_note)
            .map_err(|err| FieldError::of("competence_note", &err)))
        .flatten();
    if !e.0.is_empty() {
        return Err(e.0);
    }
    Ok(service.map(|service| OrdinaryServiceInput {
        service,
        contact_name,
        contact_phone,
        competence,
        competence_note,
    }))
}

/// A guidance case as given (form or JSON), before parsing.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawGuidance<'a> {
    pub asked_on: &'a str,
    pub channel: &'a str,
    pub asker_name: &'a str,
    pub asker_role: &'a str,
    pub asker_organisation: &'a str,
    pub agency_kind: &'a str,
    pub asker_phone: &'a str,
    pub asker_email: &'a str,
    pub question: &'a str,
    pub advice: &'a str,
    pub follow_up_on: &'a str,
    pub status: &'a str,
}

fn code<T>(field: &str, s: &str, from: impl Fn(&str) -> Option<T>) -> Result<T, FieldError> {
    from(s.trim()).ok_or_else(|| {
        FieldError::new(
            field,
            "invalid_choice",
            "Velg et av alternativene.",
            "Choose one of the options.",
        )
    })
}

/// Parses a guidance case; every field error at once. A blank date is today, a blank status
/// `open`.
pub(crate) fn parse_guidance(raw: &RawGuidance<'_>) -> Result<GuidanceInput, AppError> {
    let mut e = Errs::default();
    let asked_on = if raw.asked_on.trim().is_empty() {
        Some(benk_app::time::oslo_today())
    } else {
        e.ok(parse_date("asked_on", raw.asked_on))
    };
    let channel = e.ok(code("channel", raw.channel, GuidanceChannel::from_code));
    let opt = |e: &mut Errs, field: &str, s: &str| {
        e.ok(ShortText::parse_optional(s).map_err(|err| FieldError::of(field, &err)))
            .flatten()
    };
    let asker_name =
        e.ok(
            ShortText::parse_name(raw.asker_name).map_err(|err| FieldError::of("asker_name", &err))
        );
    let asker_role = opt(&mut e, "asker_role", raw.asker_role);
    let asker_organisation = e
        .ok(ShortText::parse_name_optional(raw.asker_organisation)
            .map_err(|err| FieldError::of("asker_organisation", &err)))
        .flatten();
    let agency_kind = e.ok(code("agency_kind", raw.agency_kind, AgencyKind::from_code));
    let asker_phone = if raw.asker_phone.trim().is_empty() {
        None
    } else {
        e.ok(Phone::parse(raw.asker_phone).map_err(|err| FieldError::of("asker_phone", &err)))
    };
    let asker_email = opt(&mut e, "asker_email", raw.asker_email);
    let question =
        e.ok(LongText::parse(raw.question).map_err(|err| FieldError::of("question", &err)));
    let advice = e
        .ok(LongText::parse_optional(raw.advice).map_err(|err| FieldError::of("advice", &err)))
        .flatten();
    let follow_up_on = if raw.follow_up_on.trim().is_empty() {
        None
    } else {
        e.ok(parse_date("follow_up_on", raw.follow_up_on))
    };
    let status = if raw.status.trim().is_empty() {
        Some(GuidanceStatus::Open)
    } else {
        e.ok(code("status", raw.status, GuidanceStatus::from_code))
    };
    if !e.0.is_empty() {
        return Err(AppError::Invalid(e.0));
    }
    match (asked_on, channel, asker_name, agency_kind, question, status) {
        (
            Some(asked_on),
            Some(channel),
            Some(asker_name),
            Some(agency_kind),
            Some(question),
            Some(status),
        ) => Ok(GuidanceInput {
            asked_on,
            channel,
            asker_name,
            asker_role,
            asker_organisation,
            agency_kind,
            asker_phone,
            asker_email,
            question,
            advice,
            follow_up_on,
            status,
        }),
        _ => Err(AppError::Invalid(vec![FieldError::required("form")])),
    }
}

fn raw_from_form(fd: &Fd) -> RawGuidance<'_> {
    RawGuidance {
        asked_on: fd.get("asked_on"),
        channel: fd.get("channel"),
        asker_name: fd.get("asker_name"),
        asker_role: fd.get("asker_role"),
        asker_organisation: fd.get("asker_organisation"),
        agency_kind: fd.get("agency_kind"),
        asker_phone: fd.get("asker_phone"),
        asker_email: fd.get("asker_email"),
        question: fd.get("question"),
        advice: fd.get("advice"),
        follow_up_on: fd.get("follow_up_on"),
        status: fd.get("status"),
    }
}

async fn grant(st: &AppState, actor: &Actor, action: &str) -> Result<GuidanceGrant, AppError> {
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return Err(AppError::Forbidden(Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )));
    };
    guidance::open_guidance(&st.app, actor, team, action).await
}

/// The guidance form (new, or edit on the detail page).
pub(crate) struct GuidanceForm {
    pub f: FormState,
    pub action: String,
    pub channels: Vec<(&'static str, String)>,
    pub kinds: Vec<(&'static str, String)>,
    pub statuses: Vec<(&'static str, String)>,
    /// (name, label, required, input type, autocomplete) of the asker's fields.
    pub asker_fields: Vec<(&'static str, &'static str, bool, &'static str, &'static str)>,
}

fn guidance_form(lang: Lang, action: String, data: Fd, errors: Vec<FieldError>) -> GuidanceForm {
    let g = gt(lang);
    let labels = vec![
        ("asked_on", g.asked_on),
        ("channel", g.channel),
        ("asker_name", g.asker_name),
        ("asker_role", g.asker_role),
        ("asker_organisation", g.asker_organisation),
        ("agency_kind", g.agency_kind),
        ("asker_phone", g.asker_phone),
        ("asker_email", g.asker_email),
        ("question", g.question),
        ("advice", g.advice),
        ("follow_up_on", g.follow_up_on),
        ("status", g.status),
        ("form", ""),
    ];
    GuidanceForm {
        f: FormState::new(lang, data, errors, labels, vec![]),
        action,
        channels: choices(
            GuidanceChannel::ALL,
            GuidanceChannel::code,
            GuidanceChannel::label,
            lang,
        ),
        kinds: choices(AgencyKind::ALL, AgencyKind::code, AgencyKind::label, lang),
        statuses: choices(
            GuidanceStatus::ALL,
            GuidanceStatus::code,
            GuidanceStatus::label,
            lang,
        ),
        asker_fields: vec![
            ("asker_name", g.asker_name, true, "text", "name"),
            (
                "asker_role",
                g.asker_role,
                false,
                "text",
                "organization-title",
            ),
            (
                "asker_organisation",
                g.asker_organisation,
                false,
                "text",
                "organization",
            ),
            ("asker_phone", g.asker_phone, false, "tel", "tel"),
            ("asker_email", g.asker_email, false, "email", "email"),
        ],
    }
}

/// A row of the list.
struct Row {
    id: Uuid,
    asked_on: String,
    channel: String,
    asker: String,
    kind: String,
    follow_up: Option<String>,
    status: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "guidance_list.html")]
struct ListView {
    layout: Layout,
    g: &'static Gt,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "guidance_new.html")]
struct NewView {
    layout: Layout,
    g: &'static Gt,
    form: GuidanceForm,
}

#[derive(Template)]
#[template(path = "guidance_detail.html")]
struct DetailView {
    layout: Layout,
    g: &'static Gt,
    c: GuidanceCase,
    asked_on: String,
    channel: String,
    kind: String,
    status: String,
    follow_up: Option<String>,
    form: GuidanceForm,
}

fn label_of<T: Copy>(
    s: &str,
    from: impl Fn(&str) -> Option<T>,
    label: impl Fn(T, Lang) -> &'static str,
    lang: Lang,
) -> String {
    from(s)
        .map(|v| cap(label(v, lang)))
        .unwrap_or_else(|| s.to_string())
}

/// GET `/intake/guidance`.
pub(crate) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let result = async {
        let g = grant(&st, actor, "guidance.list").await?;
        guidance::list(&st.app, actor, &g).await
    }
    .await;
    let rows = match result {
        Ok(r) => r,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let mut layout = Layout::new(&ctx, "intake");
    if q.msg.as_deref() == Some("saved") {
        layout.flash = Some(gt(lang).saved.to_string());
    }
    let rows = rows
        .into_iter()
        .map(|r| Row {
            id: r.id,
            asked_on: layout.date(&r.asked_on),
            channel: label_of(
                &r.channel,
                GuidanceChannel::from_code,
                GuidanceChannel::label,
                lang,
            ),
            asker: match r.asker_organisation {
                Some(o) => format!("{}, {o}", r.asker_name),
                None => r.asker_name,
            },
            kind: label_of(
                &r.agency_kind,
                AgencyKind::from_code,
                AgencyKind::label,
                lang,
            ),
            follow_up: r.follow_up_on.map(|d| layout.date(&d)),
            open: r.status == GuidanceStatus::Open.code(),
            status: label_of(
                &r.status,
                GuidanceStatus::from_code,
                GuidanceStatus::label,
                lang,
            ),
        })
        .collect();
    page(&ListView {
        layout,
        g: gt(lang),
        rows,
    })
}

fn new_page(ctx: &Ctx, data: Fd, errors: Vec<FieldError>) -> NewView {
    NewView {
        layout: Layout::new(ctx, "intake"),
        g: gt(ctx.lang),
        form: guidance_form(ctx.lang, "/intake/guidance".into(), data, errors),
    }
}

/// GET `/intake/guidance/new`.
pub(crate) async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(e) = grant(&st, actor, "guidance.create").await {
        return ctx.page_err(e);
    }
    let mut d = Fd::default();
    d.set("asked_on", iso(benk_app::time::oslo_today()));
    d.set("channel", GuidanceChannel::Phone.code());
    d.set("status", GuidanceStatus::Open.code());
    page(&new_page(&ctx, d, vec![]))
}

/// POST `/intake/guidance`.
pub(crate) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    if let Err(r) = ctx.check_csrf(fd.get("_csrf")) {
        return r;
    }
    let g = match grant(&st, actor, "guidance.create").await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let result = match parse_guidance(&raw_from_form(&fd)) {
        Ok(input) => guidance::create(&st.app, actor, &g, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Redirect::to(&format!("/intake/guidance/{id}?msg=saved")).into_response(),
        Err(AppError::Invalid(errs)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&new_page(&ctx, fd, errs)),
        )
            .into_response(),
        Err(e) => ctx.page_err(e),
    }
}

fn case_form_data(c: &GuidanceCase) -> Fd {
    let mut d = Fd::default();
    d.set("asked_on", iso(c.asked_on));
    d.set("channel", c.channel.clone());
    d.set("asker_name", c.asker_name.clone());
    d.set("asker_role", c.asker_role.clone().unwrap_or_default());
    d.set(
        "asker_organisation",
        c.asker_organisation.clone().unwrap_or_default(),
    );
    d.set("agency_kind", c.agency_kind.clone());
    d.set("asker_phone", c.asker_phone.clone().unwrap_or_default());
    d.set("asker_email", c.asker_email.clone().unwrap_or_default());
    d.set("question", c.question.clone());
    d.set("advice", c.advice.clone().unwrap_or_default());
    d.set("follow_up_on", c.follow_up_on.map(iso).unwrap_or_default());
    d.set("status", c.status.clone());
    d
}

fn detail_page(
    ctx: &Ctx,
    c: GuidanceCase,
    form: Option<(Fd, Vec<FieldError>)>,
    flash: Option<String>,
) -> DetailView {
    let lang = ctx.lang;
    let mut layout = Layout::new(ctx, "intake");
    layout.flash = flash;
    let (data, errors) = form.unwrap_or_else(|| (case_form_data(&c), vec![]));
    DetailView {
        asked_on: layout.date(&c.asked_on),
        channel: label_of(
            &c.channel,
            GuidanceChannel::from_code,
            GuidanceChannel::label,
            lang,
        ),
        kind: label_of(
            &c.agency_kind,
            AgencyKind::from_code,
            AgencyKind::label,
            lang,
        ),
        status: label_of(
            &c.status,
            GuidanceStatus::from_code,
            GuidanceStatus::label,
            lang,
        ),
        follow_up: c.follow_up_on.map(|d| layout.date(&d)),
        form: guidance_form(lang, format!("/intake/guidance/{}", c.id), data, errors),
        layout,
        g: gt(lang),
        c,
    }
}

/// GET `/intake/guidance/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let Ok(id) = Uuid::parse_str(&id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = async {
        let g = grant(&st, actor, "guidance.read").await?;
        guidance::get(&st.app, actor, &g, id).await
    }
    .await;
    let flash = (q.msg.as_deref() == Some("saved")).then(|| gt(ctx.lang).saved.to_string());
    match result {
        Ok(c) => page(&detail_page(&ctx, c, None, flash)),
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/intake/guidance/{id}`.
pub(crate) async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    if let Err(r) = ctx.check_csrf(fd.get("_csrf")) {
        return r;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let g = match grant(&st, actor, "guidance.update").await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    let result = match parse_guidance(&raw_from_form(&fd)) {
        Ok(input) => guidance::update(&st.app, actor, &g, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/intake/guidance/{id}?msg=saved")).into_response(),
        Err(AppError::Invalid(errs)) => match guidance::get(&st.app, actor, &g, id).await {
            Ok(c) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&detail_page(&ctx, c, Some((fd, errs)), None)),
            )
                .into_response(),
            Err(e) => ctx.page_err(e),
        },
        Err(e) => ctx.page_err(e),
    }
}
