//! The learning log (issue 10): a responsibility group's log (`/episodes/{id}/learning-log`,
//! linked from the person's plan page) and the team's "Læringslogg" (`/learning`): entries per
//! success factor and per evaluation result, with no person-level data.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::learning::{self, EntryInput, EvaluationInput, LearningLog, LearningSummary};
use benk_app::{Actor, AppError, FieldError};
use benk_domain::{EvaluationResult, Lang, LongText, ShortText, TeamRole};
use chrono::NaiveDate;
use uuid::Uuid;

use super::clients::actor_or_redirect;
use super::forms::{self, Msg};
use super::intake::{posted, posted_in_team, Fd};
use super::plans::Retry;
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

page_texts! {
    /// Every user-facing string of the learning-log pages.
    Lt, pub(crate) fn lt;
    title: "Læringslogg", "Learning log";
    intro: "Aksjonslæring i ansvarsgruppen: en uønsket hendelse i samarbeidet → felles forståelse av årsakene → beslutning om å prøve noe annet → evaluering → hva vi lærte.", "Action learning in the responsibility group: an adverse event in the cooperation → a shared understanding of its causes → a decision to try something different → evaluation → what we learned.";
    health_note: "Loggen handler om samarbeidet rundt personen og er helseopplysninger: bare helsepersonell i teamet rundt personen leser og skriver den.", "The log is about the cooperation around the person and is health information: only health personnel in the person's care team read and write it.";
    back: "Tilbake til plan og ansvarsgruppe", "Back to plan and responsibility group";
    entries: "Logg", "Log";
    no_entries: "Ingen logg skrevet ennå.", "No log entries yet.";
    event_on: "Dato for hendelsen", "Date of the event";
    event: "Uønsket hendelse i samarbeidet", "Adverse event in the cooperation";
    causes: "Felles forståelse av årsakene", "Shared understanding of the causes";
    decision: "Beslutning: dette prøver vi i stedet", "Decision: what we try instead";
    evaluation: "Evaluering", "Evaluation";
    worked: "Fungerte det bedre?", "Did it work better?";
    how: "Hvordan gikk det", "How it went";
    learned: "Hva vi lærte", "What we learned";
    factors: "Suksessfaktorer", "Success factors";
    no_factors: "Ingen valgt", "None chosen";
    evaluated_on: "Dato for evalueringen", "Date of the evaluation";
    evaluate: "Evaluer", "Evaluate";
    re_evaluate: "Ny evaluering", "New evaluation";
    re_evaluate_hint: "En ny evaluering erstatter den gjeldende; den gamle blir stående i historikken.", "A new evaluation replaces the current one; the old one stays in the history.";
    save_evaluation: "Lagre evalueringen", "Save the evaluation";
    earlier: "Tidligere evalueringer", "Earlier evaluations";
    new_entry: "Ny logg", "New log entry";
    save_entry: "Lagre loggen", "Save the entry";
    written_by: "Skrevet av", "Written by";
    label: "Gruppens navn", "The group's name";
    label_hint: "Slik teamet kaller gruppen, f.eks. «A – Nøtterøy 4». Aldri personens navn: navnet vises der gruppene telles sammen.", "As the team names the group, e.g. \"A – Nøtterøy 4\". Never the person's name: the name is shown where the groups are counted together.";
    save_label: "Lagre navnet", "Save the name";
    saved: "Lagret.", "Saved.";
    team_title: "Læringslogg for teamet", "The team's learning log";
    team_intro: "Alle ansvarsgruppenes logger telt sammen. Siden viser bare antall, ingen personopplysninger.", "Every responsibility group's log counted together. The page shows counts only, no personal data.";
    groups: "Ansvarsgrupper med logg", "Responsibility groups with a log";
    entries_count: "Logger", "Entries";
    per_factor: "Logger per suksessfaktor", "Entries per success factor";
    per_result: "Logger per evalueringsresultat", "Entries per evaluation result";
    factor: "Suksessfaktor", "Success factor";
    result: "Resultat", "Result";
    count: "Antall", "Count";
    own: "teamets egen", "the team's own";
    add_factor: "Legg til suksessfaktor", "Add a success factor";
    factor_label: "Ny suksessfaktor", "New success factor";
    only_lead: "Bare teamlederen legger til suksessfaktorer.", "Only the team lead adds success factors.";
    current_hint: "Teller loggenes gjeldende evaluering og suksessfaktorer; en logg uten evaluering telles som «ikke evaluert ennå».", "Counts each entry's current evaluation and success factors; an entry without an evaluation counts as \"not yet evaluated\".";
    form_errors: "Skjemaet har feil. Se feltene under.", "The form has errors. See the fields below.";
}

fn result_label(code: &str, lang: Lang) -> &'static str {
    EvaluationResult::from_code(code).map_or("", |r| r.label(lang))
}

// ---------------------------------------------------------------- a group's log

#[derive(Template)]
#[template(path = "learning_log.html")]
struct LogPage {
    layout: Layout,
    t: &'static Lt,
    log: LearningLog,
    retry: Retry,
    today: String,
    results: Vec<(&'static str, &'static str)>,
}

impl LogPage {
    fn result_label(&self, code: &str) -> &'static str {
        result_label(code, self.layout.lang_v)
    }
    /// The labels of factor keys, joined.
    fn factor_labels(&self, keys: &[String]) -> String {
        let labels: Vec<&str> = keys
            .iter()
            .filter_map(|k| {
                self.log
                    .factors
                    .iter()
                    .find(|f| &f.key == k)
                    .map(|f| f.label.as_str())
            })
            .collect();
        if labels.is_empty() {
            self.t.no_factors.to_string()
        } else {
            labels.join(", ")
        }
    }
    /// Whether a factor's box is ticked: as posted when the form came back, else `current`.
    fn ticked(&self, form: &str, key: &str, current: &[String]) -> bool {
        if self.retry.posted(form) {
            self.retry.has(form, "factor", key)
        } else {
            current.iter().any(|c| c == key)
        }
    }
    /// A posted value, else a default.
    fn val_or(&self, form: &str, name: &str, default: &str) -> String {
        if self.retry.posted(form) {
            self.retry.val(form, name)
        } else {
            default.to_string()
        }
    }
    fn eval_fields(&self) -> Vec<(&'static str, &'static str)> {
        vec![("text", self.t.how), ("learned", self.t.learned)]
    }
    fn entry_fields(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("event", self.t.event),
            ("causes", self.t.causes),
            ("decision", self.t.decision),
        ]
    }
    fn no_factors(&self) -> &'static [String] {
        &[]
    }
}

async fn log_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    episode: Uuid,
    retry: Retry,
) -> Result<LogPage, AppError> {
    let log = learning::log(&st.app, actor, episode, ctx.lang).await?;
    let layout = Layout::new(ctx, "clients");
    let lang = layout.lang_v;
    Ok(LogPage {
        t: lt(lang),
        layout,
        log,
        retry,
        today: benk_app::time::oslo_today().format("%Y-%m-%d").to_string(),
        results: EvaluationResult::ALL
            .iter()
            .map(|r| (r.code(), r.label(lang)))
            .collect(),
    })
}

/// GET `/episodes/{id}/learning-log`.
pub(super) async fn log_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let read = |id| log_view(&st, &ctx, actor, id, Retry::default());
    forms::show_view(&ctx, (&id, &q), lt(ctx.lang).saved, read, |v| &mut v.layout).await
}

async fn log_done(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    episode: Uuid,
    form: &str,
    fd: Fd,
    result: Result<String, AppError>,
) -> Response {
    let result = result.map(|anchor| format!("/episodes/{episode}/learning-log?msg=saved{anchor}"));
    forms::done_view(ctx, result, |errs| {
        log_view(st, ctx, actor, episode, Retry::new(ctx, form, fd, errs))
    })
    .await
}

fn date(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
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

fn long(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<LongText> {
    match LongText::parse(fd.get(field)) {
        Ok(t) => Some(t),
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

fn factors(fd: &Fd) -> Vec<String> {
    fd.all("factor").into_iter().map(str::to_string).collect()
}

/// POST `/episodes/{id}/learning-log`: a new entry.
pub(super) async fn entry_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, episode) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let mut errs = Vec::new();
        let on = date(&fd, "event_on", &mut errs);
        let event = long(&fd, "event", &mut errs);
        let causes = long(&fd, "causes", &mut errs);
        let decision = long(&fd, "decision", &mut errs);
        match (on, event, causes, decision) {
            (Some(event_on), Some(event), Some(causes), Some(decision)) if errs.is_empty() => {
                let input = EntryInput {
                    event_on,
                    event,
                    causes,
                    decision,
                    factors: factors(&fd),
                };
                learning::create_entry(&st.app, actor, episode, &input)
                    .await
                    .map(|(_, n)| format!("#entry-{n}"))
            }
            _ => Err(AppError::Invalid(errs)),
        }
    }
    .await;
    log_done(&st, &ctx, actor, episode, "entry", fd, result).await
}

/// POST `/learning-entries/{id}/evaluations`.
pub(super) async fn evaluation_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, entry) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let episode = match learning::entry_episode(&st.app, entry).await {
        Ok(e) => e,
        Err(e) => return ctx.page_err(e),
    };
    let form = format!("eval-{entry}");
    let result = async {
        let mut errs = Vec::new();
        let on = date(&fd, "evaluated_on", &mut errs);
        let result = EvaluationResult::from_code(fd.get("result"));
        if result.is_none() {
            errs.push(FieldError::new(
                "result",
                "required",
                "Velg om det fungerte bedre.",
                "Choose whether it worked better.",
            ));
        }
        let text = long_opt(&fd, "text", &mut errs);
        let learned = long_opt(&fd, "learned", &mut errs);
        match (on, result) {
            (Some(evaluated_on), Some(result)) if errs.is_empty() => {
                let input = EvaluationInput {
                    evaluated_on,
                    result,
                    text,
                    learned,
                    factors: factors(&fd),
                };
                learning::evaluate(&st.app, actor, entry, &input)
                    .await
                    .map(|_| format!("#entry-id-{entry}"))
            }
            _ => Err(AppError::Invalid(errs)),
        }
    }
    .await;
    log_done(&st, &ctx, actor, episode, &form, fd, result).await
}

/// POST `/episodes/{id}/learning-log/label`.
pub(super) async fn label_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, episode) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let label = ShortText::parse_name(fd.get("label"))
            .map_err(|e| AppError::field(FieldError::of("label", &e)))?;
        learning::set_label(&st.app, actor, episode, &label)
            .await
            .map(|()| "#label".to_string())
    }
    .await;
    log_done(&st, &ctx, actor, episode, "label", fd, result).await
}

// ---------------------------------------------------------------- the team's page

#[derive(Template)]
#[template(path = "learning_team.html")]
struct TeamPage {
    layout: Layout,
    t: &'static Lt,
    summary: LearningSummary,
    lead: bool,
    retry: Retry,
}

impl TeamPage {
    fn is_builtin(&self, key: &str) -> bool {
        benk_domain::builtin_factor(key).is_some()
    }
}

fn no_team() -> AppError {
    AppError::Forbidden(benk_app::Text::new(
        "Du er ikke med i noe team.",
        "You are not in a team.",
    ))
}

async fn team_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    retry: Retry,
) -> Result<TeamPage, AppError> {
    let team = actor.acting().map(|m| m.team_id).ok_or_else(no_team)?;
    let summary = learning::summary(&st.app, actor, team, ctx.lang).await?;
    let layout = Layout::new(ctx, "team");
    Ok(TeamPage {
        t: lt(layout.lang_v),
        layout,
        summary,
        lead: actor.has_role_in(team, &[TeamRole::TeamLead]),
        retry,
    })
}

/// GET `/learning`: the team's learning log counted together.
pub(super) async fn team_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let view = team_view(&st, &ctx, actor, Retry::default()).await;
    let flash = q.flash(&[("saved", lt(ctx.lang).saved)]);
    forms::rendered(&ctx, view, flash, |v| &mut v.layout)
}

/// POST `/learning/factors`: the team lead adds a success factor.
pub(super) async fn factor_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match posted_in_team(&ctx, f, no_team) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let label = ShortText::parse_name(fd.get("label"))
            .map_err(|e| AppError::field(FieldError::of("label", &e)))?;
        learning::add_factor(&st.app, actor, team, &label).await
    }
    .await;
    let errs = match result {
        Ok(_) => return Redirect::to("/learning?msg=saved").into_response(),
        Err(AppError::Invalid(errs)) => errs,
        Err(AppError::Conflict(t)) => vec![FieldError::new(
            "label",
            "exists",
            t.get(Lang::Nb),
            t.get(Lang::En),
        )],
        Err(e) => return ctx.page_err(e),
    };
    match team_view(&st, &ctx, actor, Retry::new(&ctx, "factor", fd, errs)).await {
        Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response(),
        Err(e) => ctx.page_err(e),
    }
}
