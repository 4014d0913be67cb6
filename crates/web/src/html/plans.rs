//! Goals, the individual plan and responsibility-group meetings (issue 10): the "Plan og mål"
//! section on the person's page, the plan page, the plan form (new plan and revision), the
//! printable plan, the meeting form and page, and "Mine oppgaver".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::{open_client, ReadGrant};
use benk_app::clients;
use benk_app::plans::{
    self, Goal, MeasureInput, ParticipantInput, Plan, PlanInput, PlanStatus, PlanVersion,
    RgMeeting, RgMeetingInput, Task, TaskInput,
};
use benk_app::{Actor, AppError, FieldError};
use benk_domain::{GoalStatus, Lang, LongText, ParticipantKind, Purpose, ShortText, TaskStatus};
use chrono::NaiveDate;
use uuid::Uuid;

use super::clients::{actor_or_redirect, parse_id};
use super::forms::{self, Msg};
use super::intake::{posted, Fd};
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

page_texts! {
    /// Every user-facing string of the plan pages.
    Pt, pub(crate) fn pt;
    section: "Plan og mål", "Plan and goals";
    no_plan: "Ingen individuell plan.", "No individual plan.";
    has_plan: "Individuell plan", "Individual plan";
    made_on: "laget", "made";
    revised_on: "sist revidert", "last revised";
    next_revision: "Neste revisjon", "Next revision";
    revision_due_soon: "Revisjon snart", "Revision due soon";
    revision_overdue: "Revisjon forfalt", "Revision overdue";
    versions: "versjoner", "versions";
    open_plan: "Plan, mål og ansvarsgruppe", "Plan, goals and responsibility group";
    plan_kept_apart: "Planen holdes utenfor journalen; journalen viser bare at den finnes og datoene.", "The plan is kept apart from the record; the record shows only that it exists and its dates.";
    not_health: "Innholdet i planen og målene er helseopplysninger og vises bare for helsepersonell i teamet rundt personen, eller for deltakere i planen når personen har samtykket til deling.", "The plan's content and the goals are health information, shown only to health personnel in the person's care team, or to the plan's participants when the person has consented to sharing.";
    goals: "Personens egne mål", "The person's own goals";
    goals_hint: "Skriv målet med personens egne ord.", "Write the goal in the person's own words.";
    no_goals: "Ingen mål skrevet ned ennå.", "No goals written down yet.";
    goal_text: "Mål (personens egne ord)", "Goal (the person's own words)";
    add_goal: "Legg til mål", "Add goal";
    status: "Status", "Status";
    note: "Fremdriftsnotat", "Progress note";
    note_date: "Dato", "Date";
    note_status: "Ny status (valgfritt)", "New status (optional)";
    unchanged: "Uendret", "Unchanged";
    add_note: "Lagre notat", "Save note";
    plan: "Individuell plan (IP)", "Individual plan (IP)";
    version: "Versjon", "Version";
    make_plan: "Lag individuell plan", "Make an individual plan";
    revise: "Revider planen", "Revise the plan";
    print: "Utskrift", "Print";
    consent: "Samtykke til plan", "Consent to the plan";
    share_consent: "Samtykke til deling med deltakerne", "Consent to sharing with the participants";
    share_consent_label: "Personen samtykker til at planen deles med deltakerne", "The person consents to sharing the plan with its participants";
    share_hint: "Uten samtykke kan planen ikke ha deltakere utenfor teamet, og ansatte uten helsepersonellstatus ser den ikke.", "Without consent the plan cannot have participants outside the team, and staff who are not health personnel do not see it.";
    yes: "Ja", "Yes";
    no: "Nei", "No";
    coordinator: "Koordinator", "Coordinator";
    period: "Planperiode", "Plan period";
    period_start: "Periode fra", "Period from";
    period_end: "Periode til", "Period until";
    copy_given: "Personen fikk kopi", "The person was given a copy";
    copy_not_given: "Ikke gitt kopi", "No copy given";
    resources: "Ressurser", "Resources";
    needs: "Behov", "Needs";
    plan_goals: "Mål i planen", "Goals in the plan";
    participants: "Deltakere", "Participants";
    participants_hint: "Deltakere utenfor teamet navngis her og ser ingenting i Benk.", "Participants outside the team are named here and see nothing in Benk.";
    kind: "Hvem", "Who";
    staff_member: "Ansatt i teamet", "Team staff member";
    name: "Navn", "Name";
    role: "Rolle", "Role";
    contact: "Kontakt", "Contact";
    contribution: "Bidrag", "Contribution";
    measures: "Tiltak", "Measures";
    measure: "Tiltak", "Measure";
    scope: "Omfang", "Scope";
    responsible: "Ansvarlig", "Responsible";
    change_note: "Hva er endret", "What changed";
    history: "Versjoner", "Versions";
    by: "av", "by";
    save_plan: "Lagre planen", "Save the plan";
    save_revision: "Lagre ny versjon", "Save new version";
    choose: "Velg …", "Choose …";
    none: "—", "—";
    form_errors: "Skjemaet har feil. Se feltene under.", "The form has errors. See the fields below.";
    back_to_person: "Tilbake til personen", "Back to the person";
    back_to_plan: "Tilbake til plan og mål", "Back to plan and goals";
    earlier_version: "Dette er en tidligere versjon.", "This is an earlier version.";
    rg: "Ansvarsgruppemøter", "Responsibility-group meetings";
    no_rg: "Ingen møter skrevet ned.", "No meetings written down.";
    new_rg: "Skriv referat fra ansvarsgruppemøte", "Write up a responsibility-group meeting";
    learning_log: "Ansvarsgruppens læringslogg", "The responsibility group's learning log";
    held_on: "Dato", "Date";
    attendees: "Til stede fra teamet", "Present from the team";
    rg_members: "Til stede fra ansvarsgruppen", "Present from the responsibility group";
    no_rg_members: "Ansvarsgruppen har ingen medlemmer utenfor teamet ennå.", "The responsibility group has no members outside the team yet.";
    minutes: "Referat", "Minutes";
    decisions: "Beslutninger", "Decisions";
    texts_withheld: "Referat og beslutninger er helseopplysninger og vises ikke for din yrkesrolle.", "Minutes and decisions are health information and are not shown to your profession.";
    tasks: "Oppgaver", "Tasks";
    tasks_hint: "Oppgaver ses av hele teamet rundt personen: skriv dem kort og uten helseopplysninger.", "Tasks are seen by the whole care team: keep them short and without health information.";
    task: "Oppgave", "Task";
    owner: "Ansvarlig", "Owner";
    due: "Frist", "Due";
    overdue: "Forfalt", "Overdue";
    mark_done: "Utført", "Done";
    reopen: "Åpne igjen", "Reopen";
    save_meeting: "Lagre møtet", "Save the meeting";
    meeting: "Ansvarsgruppemøte", "Responsibility-group meeting";
    my_tasks: "Mine oppgaver", "My tasks";
    revisions_due: "Planer som skal revideres", "Plans due for revision";
    revisions_intro: "Individuelle planer der du er koordinator og revisjonsdatoen har passert eller er innen 30 dager.", "Individual plans you coordinate whose revision date has passed or is within 30 days.";
    no_revisions: "Ingen planer skal revideres de neste 30 dagene.", "No plans are due for revision in the next 30 days.";
    my_tasks_intro: "Åpne oppgaver fra ansvarsgruppemøter der du er ansvarlig, med nærmeste frist først.", "Open tasks from responsibility-group meetings that you own, soonest due first.";
    no_tasks: "Ingen åpne oppgaver.", "No open tasks.";
    person: "Person", "Person";
    from_meeting: "Fra møte", "From meeting";
    saved: "Lagret.", "Saved.";
    no_episode: "Personen har ikke et åpent forløp i teamet, så det er ingen ansvarsgruppe.", "The person has no open course in the team, so there is no responsibility group.";
    print_title: "Individuell plan", "Individual plan";
    print_for: "for", "for";
    print_note: "Skriv ut (A4). Personen har rett til en kopi av planen.", "Print (A4). The person has the right to a copy of the plan.";
}

fn goal_label(code: &str, lang: Lang) -> &'static str {
    GoalStatus::from_code(code).map_or("", |s| s.label(lang))
}
fn kind_label(code: &str, lang: Lang) -> &'static str {
    ParticipantKind::from_code(code).map_or("", |s| s.label(lang))
}
fn task_label(code: &str, lang: Lang) -> &'static str {
    TaskStatus::from_code(code).map_or("", |s| s.label(lang))
}
fn revision_text(state: &str, p: &Pt) -> &'static str {
    match state {
        "due_soon" => p.revision_due_soon,
        "overdue" => p.revision_overdue,
        _ => "",
    }
}

/// A posted form shown again: what was typed and the errors by field.
#[derive(Default)]
pub(crate) struct Retry {
    form: String,
    data: Option<Fd>,
    errors: Vec<(String, String)>,
}

impl Retry {
    pub(crate) fn new(ctx: &Ctx, form: &str, data: Fd, errs: Vec<FieldError>) -> Retry {
        Retry {
            form: form.into(),
            data: Some(data),
            errors: errs
                .into_iter()
                .map(|e| (e.field, e.message.get(ctx.lang).to_string()))
                .collect(),
        }
    }
    /// The typed value of a field of a form ("" when that form was not posted).
    pub fn val(&self, form: &str, name: &str) -> String {
        match &self.data {
            Some(d) if self.form == form => d.get(name).to_string(),
            _ => String::new(),
        }
    }
    /// The error of a field.
    pub fn err(&self, form: &str, name: &str) -> Option<String> {
        if self.form != form {
            return None;
        }
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
    /// Whether this form is the one posted (and shown again).
    pub fn posted(&self, form: &str) -> bool {
        self.form == form && self.data.is_some()
    }
    /// Whether the posted form had `name` = `value` (a ticked checkbox).
    pub fn has(&self, form: &str, name: &str, value: &str) -> bool {
        match &self.data {
            Some(d) if self.form == form => d.has(name, value),
            _ => false,
        }
    }
    /// Whether this form was posted with errors.
    pub fn is(&self, form: &str) -> bool {
        self.form == form && !self.errors.is_empty()
    }
}

// ---------------------------------------------------------------- the section on the person's page

/// The "Plan og mål" section on the person's page.
pub(crate) struct PlansSection {
    pub p: &'static Pt,
    pub status: PlanStatus,
    pub revision: &'static str,
}

/// The section (every reader who may open the record sees that a plan exists and its dates).
pub(crate) async fn section(
    st: &AppState,
    actor: &Actor,
    grant: &ReadGrant,
    lang: Lang,
) -> Result<PlansSection, AppError> {
    let status = plans::status(&st.app, actor, grant).await?;
    let p = pt(lang);
    Ok(PlansSection {
        p,
        revision: revision_text(&status.revision_state, p),
        status,
    })
}

// ---------------------------------------------------------------- the plan page

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    layout: Layout,
    p: &'static Pt,
    client_id: Uuid,
    client_name: String,
    status: PlanStatus,
    plan: Option<Plan>,
    goals: Option<Vec<Goal>>,
    meetings: Vec<RgMeeting>,
    episode: Option<Uuid>,
    health: bool,
    retry: Retry,
    today: String,
    statuses: Vec<(&'static str, &'static str)>,
}

impl PlanPage {
    fn goal_label(&self, code: &str) -> &'static str {
        goal_label(code, self.layout.lang_v)
    }
    fn task_label(&self, code: &str) -> &'static str {
        task_label(code, self.layout.lang_v)
    }
    fn revision(&self, state: &str) -> &'static str {
        revision_text(state, self.p)
    }
}

async fn plan_page_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    client: Uuid,
    retry: Retry,
) -> Result<PlanPage, AppError> {
    let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
    let c = clients::basic(&st.app, actor, &grant).await?;
    let status = plans::status(&st.app, actor, &grant).await?;
    let health = grant.covers_health();
    let plan = if status.exists && status.may_read {
        Some(plans::read(&st.app, actor, &grant).await?)
    } else {
        None
    };
    let goals = if health {
        Some(plans::goals(&st.app, actor, &grant).await?)
    } else {
        None
    };
    let meetings = plans::meetings(&st.app, actor, &grant).await?;
    let episode = benk_app::episodes::for_client(&st.app, actor, &grant)
        .await?
        .into_iter()
        .find(|e| e.closed_on.is_none())
        .map(|e| e.id);
    let layout = Layout::new(ctx, "clients");
    let lang = layout.lang_v;
    Ok(PlanPage {
        p: pt(lang),
        layout,
        client_id: client,
        client_name: c.name,
        status,
        plan,
        goals,
        meetings,
        episode,
        health,
        retry,
        today: benk_app::time::oslo_today().format("%Y-%m-%d").to_string(),
        statuses: GoalStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(lang)))
            .collect(),
    })
}

/// GET `/clients/{id}/plan`.
pub(super) async fn plan_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let read = |id| plan_page_view(&st, &ctx, actor, id, Retry::default());
    forms::show_view(&ctx, (&id, &q), pt(ctx.lang).saved, read, |v| &mut v.layout).await
}

async fn plan_done(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    client: Uuid,
    form: &str,
    fd: Fd,
    result: Result<(), AppError>,
) -> Response {
    let result = result.map(|()| format!("/clients/{client}/plan?msg=saved"));
    forms::done_view(ctx, result, |errs| {
        plan_page_view(st, ctx, actor, client, Retry::new(ctx, form, fd, errs))
    })
    .await
}

fn date_field(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if fd.blank(field) {
        return None;
    }
    match NaiveDate::parse_from_str(fd.get(field).trim(), "%Y-%m-%d") {
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

fn required_date(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let d = date_field(fd, field, errs);
    if d.is_none() && fd.blank(field) {
        errs.push(FieldError::required(field));
    }
    d
}

fn short_opt(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<ShortText> {
    match ShortText::parse_optional(fd.get(field)) {
        Ok(t) => t,
        Err(e) => {
            errs.push(FieldError::of(field, &e));
            None
        }
    }
}

fn long_opt(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<LongText> {
    match LongText::parse_optional(fd.get(field)) {
        Ok(t) => t,
        Err(e) => {
            errs.push(FieldError::of(field, &e));
            None
        }
    }
}

/// POST `/clients/{id}/goals`.
pub(super) async fn add_goal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let text = LongText::parse(fd.get("text"))
            .map_err(|e| AppError::field(FieldError::of("text", &e)))?;
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        plans::add_goal(&st.app, actor, &grant, &text, GoalStatus::Active)
            .await
            .map(|_| ())
    }
    .await;
    plan_done(&st, &ctx, actor, client, "goal", fd, result).await
}

/// POST `/clients/{id}/goals/{goal}/notes`.
pub(super) async fn add_goal_note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, goal)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let goal = match parse_id(&ctx, &goal) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let form = format!("note-{goal}");
    let result = async {
        let mut errs = Vec::new();
        let text = match LongText::parse(fd.get("text")) {
            Ok(t) => Some(t),
            Err(e) => {
                errs.push(FieldError::of("text", &e));
                None
            }
        };
        let on = required_date(&fd, "noted_on", &mut errs);
        let status = if fd.blank("status") {
            None
        } else {
            let s = GoalStatus::from_code(fd.get("status"));
            if s.is_none() {
                errs.push(FieldError::new(
                    "status",
                    "unknown_code",
                    "Ukjent status.",
                    "Unknown status.",
                ));
            }
            s
        };
        match (text, on) {
            (Some(t), Some(on)) if errs.is_empty() => {
                plans::add_goal_note(&st.app, actor, goal, on, &t, status)
                    .await
                    .map(|_| ())
            }
            _ => Err(AppError::Invalid(errs)),
        }
    }
    .await;
    plan_done(&st, &ctx, actor, client, &form, fd, result).await
}

// ---------------------------------------------------------------- the plan form

/// Blank rows offered after the filled ones.
const SPARE_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "plan_form.html")]
struct PlanForm {
    layout: Layout,
    p: &'static Pt,
    client_id: Uuid,
    client_name: String,
    plan: Option<(Uuid, i64)>,
    fd: Fd,
    errors: Vec<(String, String)>,
    staff: Vec<(Uuid, String)>,
    goals: Vec<Goal>,
    kinds: Vec<(&'static str, &'static str)>,
    p_rows: Vec<usize>,
    m_rows: Vec<usize>,
}

impl PlanForm {
    fn v(&self, name: &str) -> String {
        self.fd.get(name).to_string()
    }
    fn vi(&self, prefix: &str, i: &usize, name: &str) -> String {
        self.fd.get(&format!("{prefix}{i}_{name}")).to_string()
    }
    fn err(&self, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
    fn checked(&self, goal: &Uuid) -> bool {
        self.fd.all("goal").contains(&goal.to_string().as_str())
    }
    fn goal_label(&self, code: &str) -> &'static str {
        goal_label(code, self.layout.lang_v)
    }
    fn date_fields(&self) -> Vec<(&'static str, &'static str)> {
        let p = self.p;
        vec![
            ("period_start", p.period_start),
            ("period_end", p.period_end),
            ("next_revision_on", p.next_revision),
            ("copy_given_on", p.copy_given),
        ]
    }
    fn text_fields(&self) -> Vec<(&'static str, &'static str)> {
        vec![("resources", self.p.resources), ("needs", self.p.needs)]
    }
    fn p_extra(&self) -> Vec<(&'static str, &'static str)> {
        let p = self.p;
        vec![
            ("role", p.role),
            ("contact", p.contact),
            ("contribution", p.contribution),
        ]
    }
    fn m_fields(&self) -> Vec<(&'static str, &'static str)> {
        let p = self.p;
        vec![
            ("description", p.measure),
            ("scope", p.scope),
            ("responsible", p.responsible),
        ]
    }
}

fn rows(fd: &Fd, prefix: &str, key: &str) -> usize {
    (0..plans::MAX_ROWS)
        .rev()
        .find(|i| !fd.blank(&format!("{prefix}{i}_{key}")))
        .map_or(0, |i| i + 1)
}

fn prefill(v: &PlanVersion) -> Fd {
    let d = |d: &Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let mut f = vec![
        (
            "consent_on".to_string(),
            v.consent_on.format("%Y-%m-%d").to_string(),
        ),
        ("coordinator_id".into(), v.coordinator_id.to_string()),
        (
            "period_start".into(),
            v.period_start.format("%Y-%m-%d").to_string(),
        ),
        ("period_end".into(), d(&v.period_end)),
        ("next_revision_on".into(), d(&v.next_revision_on)),
        ("copy_given_on".into(), d(&v.copy_given_on)),
        ("resources".into(), v.resources.clone().unwrap_or_default()),
        ("needs".into(), v.needs.clone().unwrap_or_default()),
    ];
    if v.share_consent {
        f.push(("share_consent".into(), "on".into()));
    }
    for g in &v.goals {
        f.push(("goal".into(), g.id.to_string()));
    }
    for (i, x) in v.participants.iter().enumerate() {
        f.push((format!("p{i}_kind"), x.kind.clone()));
        f.push((
            format!("p{i}_staff"),
            x.staff_id.map(|s| s.to_string()).unwrap_or_default(),
        ));
        if x.staff_id.is_none() {
            f.push((format!("p{i}_name"), x.name.clone()));
        }
        f.push((format!("p{i}_role"), x.role.clone().unwrap_or_default()));
        f.push((
            format!("p{i}_contact"),
            x.contact.clone().unwrap_or_default(),
        ));
        f.push((
            format!("p{i}_contribution"),
            x.contribution.clone().unwrap_or_default(),
        ));
    }
    for (i, m) in v.measures.iter().enumerate() {
        f.push((format!("m{i}_description"), m.description.clone()));
        f.push((format!("m{i}_scope"), m.scope.clone().unwrap_or_default()));
        f.push((format!("m{i}_responsible"), m.responsible.clone()));
    }
    Fd(f)
}

async fn plan_form_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    client: Uuid,
    fd: Option<Fd>,
    errors: Vec<FieldError>,
) -> Result<PlanForm, AppError> {
    let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
    benk_app::access::require_health(&st.app, actor, &grant, "plan.form").await?;
    let c = clients::basic(&st.app, actor, &grant).await?;
    let plan = plans::plan_id_for(&st.app, &grant).await?;
    let fd = match fd {
        Some(fd) => fd,
        None => match plan {
            Some((id, n)) => prefill(&plans::read_version(&st.app, actor, id, n).await?),
            None => Fd(vec![
                (
                    "period_start".into(),
                    benk_app::time::oslo_today().format("%Y-%m-%d").to_string(),
                ),
                ("p0_kind".into(), "staff".into()),
                ("p0_staff".into(), actor.staff_id().to_string()),
                ("p0_role".into(), "koordinator".into()),
            ]),
        },
    };
    let goals = plans::goals(&st.app, actor, &grant).await?;
    let staff = plans::team_staff(&st.app, &grant).await?;
    let layout = Layout::new(ctx, "clients");
    let lang = layout.lang_v;
    let p_rows = (0..(rows(&fd, "p", "kind").max(rows(&fd, "p", "name")) + SPARE_ROWS)
        .min(plans::MAX_ROWS))
        .collect();
    let m_rows = (0..(rows(&fd, "m", "description").max(rows(&fd, "m", "responsible"))
        + SPARE_ROWS)
        .min(plans::MAX_ROWS))
        .collect();
    Ok(PlanForm {
        p: pt(lang),
        layout,
        client_id: client,
        client_name: c.name,
        plan,
        fd,
        errors: errors
            .into_iter()
            .map(|e| (e.field, e.message.get(ctx.lang).to_string()))
            .collect(),
        staff,
        goals,
        kinds: ParticipantKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect(),
        p_rows,
        m_rows,
    })
}

/// GET `/clients/{id}/plan/edit`: a new plan, or a revision prefilled with the newest version.
pub(super) async fn plan_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match plan_form_view(&st, &ctx, actor, id, None, vec![]).await {
        Ok(v) => page(&v),
        Err(e) => ctx.page_err(e),
    }
}

fn parse_plan_form(fd: &Fd) -> Result<PlanInput, AppError> {
    let mut errs = Vec::new();
    let consent_on = required_date(fd, "consent_on", &mut errs);
    let period_start = required_date(fd, "period_start", &mut errs);
    let period_end = date_field(fd, "period_end", &mut errs);
    let next_revision_on = date_field(fd, "next_revision_on", &mut errs);
    let copy_given_on = date_field(fd, "copy_given_on", &mut errs);
    let coordinator = Uuid::parse_str(fd.get("coordinator_id").trim()).ok();
    if coordinator.is_none() {
        errs.push(FieldError::new(
            "coordinator_id",
            "choice_required",
            "Velg koordinator.",
            "Choose the coordinator.",
        ));
    }
    let resources = long_opt(fd, "resources", &mut errs);
    let needs = long_opt(fd, "needs", &mut errs);
    let change_note = short_opt(fd, "change_note", &mut errs);
    let goal_ids = fd
        .all("goal")
        .iter()
        .filter_map(|g| Uuid::parse_str(g).ok())
        .collect();
    let mut participants = Vec::new();
    for i in 0..plans::MAX_ROWS {
        let k = |n: &str| format!("p{i}_{n}");
        let blank = ["name", "role", "contact", "contribution", "staff"]
            .iter()
            .all(|n| fd.blank(&k(n)));
        if blank {
            continue;
        }
        let Some(kind) = ParticipantKind::from_code(fd.get(&k("kind"))) else {
            errs.push(FieldError::new(
                &format!("participants[{i}].kind"),
                "choice_required",
                "Velg hvem deltakeren er.",
                "Choose who the participant is.",
            ));
            continue;
        };
        let staff_id = Uuid::parse_str(fd.get(&k("staff")).trim()).ok();
        participants.push(ParticipantInput {
            kind,
            staff_id: staff_id.filter(|_| kind == ParticipantKind::Staff),
            name: short_opt(fd, &k("name"), &mut errs),
            role: short_opt(fd, &k("role"), &mut errs),
            contact: short_opt(fd, &k("contact"), &mut errs),
            contribution: short_opt(fd, &k("contribution"), &mut errs),
        });
    }
    let mut measures = Vec::new();
    for i in 0..plans::MAX_ROWS {
        let k = |n: &str| format!("m{i}_{n}");
        if ["description", "scope", "responsible"]
            .iter()
            .all(|n| fd.blank(&k(n)))
        {
            continue;
        }
        let d = ShortText::parse(fd.get(&k("description")));
        let r = ShortText::parse(fd.get(&k("responsible")));
        let scope = short_opt(fd, &k("scope"), &mut errs);
        match (d, r) {
            (Ok(description), Ok(responsible)) => measures.push(MeasureInput {
                description,
                scope,
                responsible,
            }),
            (d, r) => {
                if let Err(e) = d {
                    errs.push(FieldError::of(&format!("measures[{i}].description"), &e));
                }
                if let Err(e) = r {
                    errs.push(FieldError::of(&format!("measures[{i}].responsible"), &e));
                }
            }
        }
    }
    match (consent_on, period_start, coordinator) {
        (Some(consent_on), Some(period_start), Some(coordinator_id)) if errs.is_empty() => {
            Ok(PlanInput {
                consent_on,
                share_consent: fd.get("share_consent") == "on",
                coordinator_id,
                period_start,
                period_end,
                next_revision_on,
                copy_given_on,
                resources,
                needs,
                change_note,
                goal_ids,
                participants,
                measures,
            })
        }
        _ => Err(AppError::Invalid(errs)),
    }
}

/// POST `/clients/{id}/plan/edit`: makes the plan, or a new version of it.
pub(super) async fn plan_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let input = parse_plan_form(&fd)?;
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        match plans::plan_id_for(&st.app, &grant).await? {
            Some((plan, _)) => plans::revise(&st.app, actor, plan, &input)
                .await
                .map(|_| ()),
            None => plans::create(&st.app, actor, &grant, &input)
                .await
                .map(|_| ()),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/clients/{client}/plan?msg=saved")).into_response(),
        Err(AppError::Invalid(errs)) => {
            match plan_form_view(&st, &ctx, actor, client, Some(fd), errs).await {
                Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response(),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(e) => ctx.page_err(e),
    }
}

// ---------------------------------------------------------------- the printable plan

#[derive(Template)]
#[template(path = "plan_print.html")]
struct PlanPrint {
    layout: Layout,
    p: &'static Pt,
    client_id: Uuid,
    client_name: String,
    v: PlanVersion,
    latest: i64,
}

impl PlanPrint {
    fn kind_label(&self, code: &str) -> &'static str {
        kind_label(code, self.layout.lang_v)
    }
    fn goal_label(&self, code: &str) -> &'static str {
        goal_label(code, self.layout.lang_v)
    }
}

/// GET `/plans/{id}/versions/{n}`: one version, printable (A4).
pub(super) async fn plan_print(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let Some(n) = n.parse::<i64>().ok().filter(|n| *n >= 1) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = async {
        let v = plans::read_version(&st.app, actor, id, n).await?;
        let client = plans::plan_client(&st.app, id).await?;
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        let c = clients::basic(&st.app, actor, &grant).await?;
        let latest = plans::plan_id_for(&st.app, &grant)
            .await?
            .map_or(n, |(_, l)| l);
        let layout = Layout::new(&ctx, "clients");
        Ok::<_, AppError>(PlanPrint {
            p: pt(layout.lang_v),
            layout,
            client_id: client,
            client_name: c.name,
            v,
            latest,
        })
    }
    .await;
    match result {
        Ok(v) => page(&v),
        Err(e) => ctx.page_err(e),
    }
}

// ---------------------------------------------------------------- responsibility-group meetings

#[derive(Template)]
#[template(path = "rg_meeting_form.html")]
struct RgForm {
    layout: Layout,
    p: &'static Pt,
    client_id: Uuid,
    client_name: String,
    episode_id: Uuid,
    staff: Vec<(Uuid, String)>,
    members: Vec<benk_app::episodes::RgMember>,
    fd: Fd,
    errors: Vec<(String, String)>,
    t_rows: Vec<usize>,
}

impl RgForm {
    fn v(&self, name: &str) -> String {
        self.fd.get(name).to_string()
    }
    fn vi(&self, i: &usize, name: &str) -> String {
        self.fd.get(&format!("t{i}_{name}")).to_string()
    }
    fn err(&self, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
    fn erri(&self, i: &usize, name: &str) -> Option<String> {
        self.err(&format!("tasks[{i}].{name}"))
    }
    fn has(&self, name: &str, id: &Uuid) -> bool {
        self.fd.all(name).contains(&id.to_string().as_str())
    }
    fn text_fields(&self) -> Vec<(&'static str, &'static str)> {
        vec![("minutes", self.p.minutes), ("decisions", self.p.decisions)]
    }
    fn kind_label(&self, code: &str) -> &'static str {
        benk_domain::RgMemberKind::from_code(code).map_or("", |k| k.label(self.layout.lang_v))
    }
}

async fn rg_form_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    episode: Uuid,
    fd: Option<Fd>,
    errors: Vec<FieldError>,
) -> Result<RgForm, AppError> {
    let client = plans::episode_client(&st.app, episode).await?;
    let grant = open_client(&st.app, actor, client, Purpose::Coc).await?;
    benk_app::access::require_health(&st.app, actor, &grant, "rg_meeting.form").await?;
    let c = clients::basic(&st.app, actor, &grant).await?;
    let members = benk_app::episodes::for_client(&st.app, actor, &grant)
        .await?
        .into_iter()
        .find(|e| e.id == episode)
        .map(|e| e.responsibility_group)
        .unwrap_or_default();
    let staff = plans::team_staff(&st.app, &grant).await?;
    let fd = fd.unwrap_or_else(|| {
        Fd(vec![
            (
                "held_on".into(),
                benk_app::time::oslo_today().format("%Y-%m-%d").to_string(),
            ),
            ("attendee".into(), actor.staff_id().to_string()),
        ])
    });
    let filled = (0..plans::MAX_ROWS)
        .rev()
        .find(|i| !fd.blank(&format!("t{i}_title")) || !fd.blank(&format!("t{i}_owner")))
        .map_or(0, |i| i + 1);
    let layout = Layout::new(ctx, "clients");
    Ok(RgForm {
        p: pt(layout.lang_v),
        layout,
        client_id: client,
        client_name: c.name,
        episode_id: episode,
        staff,
        members,
        fd,
        errors: errors
            .into_iter()
            .map(|e| (e.field, e.message.get(ctx.lang).to_string()))
            .collect(),
        t_rows: (0..(filled + SPARE_ROWS).min(plans::MAX_ROWS)).collect(),
    })
}

/// GET `/episodes/{id}/rg-meetings/new`.
pub(super) async fn rg_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match rg_form_view(&st, &ctx, actor, id, None, vec![]).await {
        Ok(v) => page(&v),
        Err(e) => ctx.page_err(e),
    }
}

fn parse_rg_form(fd: &Fd) -> Result<RgMeetingInput, AppError> {
    let mut errs = Vec::new();
    let held_on = required_date(fd, "held_on", &mut errs);
    let staff = fd
        .all("attendee")
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect();
    let members = fd
        .all("rg_member")
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect();
    let minutes = long_opt(fd, "minutes", &mut errs);
    let decisions = long_opt(fd, "decisions", &mut errs);
    let mut tasks = Vec::new();
    for i in 0..plans::MAX_ROWS {
        let k = |n: &str| format!("t{i}_{n}");
        if fd.blank(&k("title")) && fd.blank(&k("due")) {
            continue;
        }
        let title = match ShortText::parse(fd.get(&k("title"))) {
            Ok(t) => Some(t),
            Err(e) => {
                errs.push(FieldError::of(&format!("tasks[{i}].title"), &e));
                None
            }
        };
        let owner = Uuid::parse_str(fd.get(&k("owner")).trim()).ok();
        if owner.is_none() {
            errs.push(FieldError::new(
                &format!("tasks[{i}].owner_id"),
                "choice_required",
                "Velg hvem som er ansvarlig.",
                "Choose the owner.",
            ));
        }
        let due = if fd.blank(&k("due")) {
            None
        } else {
            match NaiveDate::parse_from_str(fd.get(&k("due")).trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push(FieldError::new(
                        &format!("tasks[{i}].due_on"),
                        "invalid_date",
                        "Oppgi en gyldig dato.",
                        "Give a valid date.",
                    ));
                    None
                }
            }
        };
        if let (Some(title), Some(owner_id)) = (title, owner) {
            tasks.push(TaskInput {
                title,
                owner_id,
                due_on: due,
            });
        }
    }
    match held_on {
        Some(held_on) if errs.is_empty() => Ok(RgMeetingInput {
            held_on,
            staff,
            members,
            minutes,
            decisions,
            tasks,
        }),
        _ => Err(AppError::Invalid(errs)),
    }
}

/// POST `/episodes/{id}/rg-meetings/new`.
pub(super) async fn rg_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, episode) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = match parse_rg_form(&fd) {
        Ok(input) => plans::create_meeting(&st.app, actor, episode, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Redirect::to(&format!("/rg-meetings/{id}?msg=saved")).into_response(),
        Err(AppError::Invalid(errs)) => {
            match rg_form_view(&st, &ctx, actor, episode, Some(fd), errs).await {
                Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response(),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "rg_meeting.html")]
struct RgPage {
    layout: Layout,
    p: &'static Pt,
    m: RgMeeting,
    me: Uuid,
    health: bool,
}

impl RgPage {
    fn task_label(&self, code: &str) -> &'static str {
        task_label(code, self.layout.lang_v)
    }
}

/// GET `/rg-meetings/{id}`.
pub(super) async fn rg_page(
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
    match plans::meeting(&st.app, actor, id).await {
        Ok(m) => {
            let mut layout = Layout::new(&ctx, "clients");
            let p = pt(layout.lang_v);
            layout.flash = q.flash(&[("saved", p.saved)]).map(str::to_string);
            let health = !m.texts_withheld;
            page(&RgPage {
                layout,
                p,
                m,
                me: actor.staff_id(),
                health,
            })
        }
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/rg-tasks/{id}/status`: `status` and `back` (a local path to return to).
pub(super) async fn task_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, task) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(status) = TaskStatus::from_code(fd.get("status")) else {
        return ctx.page_err(AppError::field(FieldError::new(
            "status",
            "unknown_code",
            "Ukjent status.",
            "Unknown status.",
        )));
    };
    match plans::set_task_status(&st.app, actor, task, status).await {
        Ok(()) => {
            let back = fd.get("back");
            let back = if back.starts_with('/') && !back.starts_with("//") {
                back
            } else {
                "/tasks"
            };
            Redirect::to(back).into_response()
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "tasks_mine.html")]
struct TasksPage {
    layout: Layout,
    p: &'static Pt,
    tasks: Vec<Task>,
    revisions: Vec<plans::RevisionDue>,
}

impl TasksPage {
    fn revision(&self, state: &str) -> &'static str {
        revision_text(state, self.p)
    }
}

/// GET `/tasks`: "Mine oppgaver".
pub(super) async fn my_tasks(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    let lists = async {
        Ok::<_, AppError>((
            plans::my_tasks(&st.app, actor).await?,
            plans::revisions_due(&st.app, actor).await?,
        ))
    };
    match lists.await {
        Ok((tasks, revisions)) => {
            let layout = Layout::new(&ctx, "clients");
            page(&TasksPage {
                p: pt(layout.lang_v),
                layout,
                tasks,
                revisions,
            })
        }
        Err(e) => ctx.page_err(e),
    }
}
