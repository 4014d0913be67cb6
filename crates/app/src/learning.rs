//! The learning log of a responsibility group (SPoR action learning, `004`; issue 10).
//!
//! An entry records an adverse event in the cooperation, the group's shared understanding of its
//! causes and its decision to try something different; the evaluation (did it work better? and
//! what was learned) is added later. Entries are numbered per group (1, 2, …) inside the writer's
//! transaction, so parallel creations never share or skip a number, and are never changed; a new
//! evaluation supersedes the current one and the earlier ones stay readable (the "never changed
//! in place" model of measures and plans). Success factors are tagged on an entry and again with
//! each evaluation; the current tags are the newest evaluation's, else the entry's own.
//!
//! **Health content.** The entries describe the person's cooperation with their helpers, so
//! their texts, evaluations and tags are health content: read and written by health personnel in
//! the person's care team ([`require_health`], refusals audited). The group's label is set by the
//! same people; it never contains the person's name (the default is the group's letter and the
//! municipality). The team's counts (per factor, per evaluation result) are aggregates with no
//! person-level data, open to the team's working members whatever their profession. The team
//! lead adds the team's own success factors.
//!
//! The group's identity is its episode (`episodes.id`), as for responsibility-group meetings.

use std::collections::{BTreeMap, BTreeSet};

use benk_domain::{
    builtin_factor, check_entry_date, check_evaluation_date, default_group_label, entry_title,
    EvaluationResult, Lang, LongText, Purpose, ShortText, TeamRole, BUILTIN_FACTORS,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, open_client, require_health, today, ReadGrant};
use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Decision, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store::learning as st;
use crate::App;

/// A success factor the team can tag.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Factor {
    /// The key a tag carries: a built-in key (`few_helpers`, …) or the team factor's id.
    pub key: String,
    /// The label in the reader's language (a team factor as the team wrote it).
    pub label: String,
    /// One of the seeds' factors every team starts with.
    pub builtin: bool,
}

/// An evaluation of an entry (did the decision work better?).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = LearningEvaluation)]
pub struct Evaluation {
    /// Id.
    pub id: Uuid,
    /// The day.
    pub evaluated_on: NaiveDate,
    /// `yes`, `partly`, `no` or `not_yet`.
    pub result: String,
    /// How it went.
    pub text: Option<String>,
    /// What was learned.
    pub learned: Option<String>,
    /// The success factors tagged with this evaluation.
    pub factors: Vec<String>,
    /// Who wrote it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An entry of the learning log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LearningEntry {
    /// Id.
    pub id: Uuid,
    /// 1, 2, … within the group.
    pub number: i64,
    /// "A – Nøtterøy – logg nr. 1".
    pub title: String,
    /// The day of the event.
    pub event_on: NaiveDate,
    /// The adverse event in the cooperation.
    pub event: String,
    /// The shared understanding of its causes.
    pub causes: String,
    /// The decision to try something different.
    pub decision: String,
    /// The current result: `yes`, `partly`, `no`, or `not_yet` (also when not evaluated).
    pub result: String,
    /// The current success factors (keys).
    pub factors: Vec<String>,
    /// The current evaluation.
    pub evaluation: Option<Evaluation>,
    /// Earlier evaluations, newest first (kept when a new one replaced them).
    pub earlier_evaluations: Vec<Evaluation>,
    /// Who wrote the entry.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A responsibility group's learning log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LearningLog {
    /// The group (its episode).
    pub episode_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The group's label ("A – Nøtterøy"); the default until one is set or the first entry is
    /// written.
    pub label: String,
    /// Entries, newest number first.
    pub entries: Vec<LearningEntry>,
    /// The success factors the team can tag.
    pub factors: Vec<Factor>,
}

/// An entry as given.
#[derive(Debug, Clone)]
pub struct EntryInput {
    /// The day of the event (not in the future).
    pub event_on: NaiveDate,
    /// The adverse event.
    pub event: LongText,
    /// Its causes as the group understands them.
    pub causes: LongText,
    /// What the group decided to try.
    pub decision: LongText,
    /// Success factors (keys).
    pub factors: Vec<String>,
}

/// An evaluation as given.
#[derive(Debug, Clone)]
pub struct EvaluationInput {
    /// The day (not in the future, not before the event).
    pub evaluated_on: NaiveDate,
    /// Did it work better?
    pub result: EvaluationResult,
    /// How it went.
    pub text: Option<LongText>,
    /// What was learned.
    pub learned: Option<LongText>,
    /// Success factors (keys); they replace the entry's current ones.
    pub factors: Vec<String>,
}

/// A count of entries.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FactorCount {
    /// The factor's key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Entries whose current tags include it.
    pub entries: i64,
}

/// A count of entries by current result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultCount {
    /// `yes`, `partly`, `no` or `not_yet`.
    pub result: String,
    /// Its label.
    pub label: String,
    /// Entries.
    pub entries: i64,
}

/// The team's learning logs counted together: no person-level data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LearningSummary {
    /// The team.
    pub team_id: Uuid,
    /// Groups with at least one entry.
    pub groups: i64,
    /// Entries.
    pub entries: i64,
    /// Per success factor (every factor the team can tag, also those never tagged).
    pub factors: Vec<FactorCount>,
    /// Per current evaluation result.
    pub results: Vec<ResultCount>,
}

fn denied(actor: &Actor, grant: &ReadGrant, action: &str, why: &str) -> AuditDraft {
    let mut d = actor.audit(action, Outcome::Denied);
    d.client_id = Some(grant.client_id());
    d.purpose = Some(grant.purpose().code().to_string());
    d.resources = format!("none:{why}");
    d
}

fn refuse_team(actor: &Actor, action: &str, team: Uuid, why: &str) -> AuditDraft {
    let mut d = actor.audit(action, Outcome::Denied);
    d.resources = format!("team:{team},none:{why}");
    d
}

/// The group's episode, a grant for its person in the episode's team and health scope; every
/// refusal audited as `action`.
async fn open_group(
    app: &App,
    actor: &Actor,
    episode: Uuid,
    action: &str,
) -> AppResult<(st::EpisodeHead, ReadGrant)> {
    let head = st::episode(&app.db, episode)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = open_client(app, actor, head.client_id, Purpose::Coc).await?;
    if grant.team_id() != head.team_id {
        let d = denied(actor, &grant, action, "not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    require_health(app, actor, &grant, action).await?;
    Ok((head, grant))
}

/// The success factors of a team: the built-in ones, then the team's own by label.
async fn team_factors(app: &App, team: Uuid, lang: Lang) -> AppResult<Vec<Factor>> {
    let mut out: Vec<Factor> = BUILTIN_FACTORS
        .iter()
        .map(|f| Factor {
            key: f.key.into(),
            label: f.label(lang).into(),
            builtin: true,
        })
        .collect();
    out.extend(
        st::factors(&app.db, team)
            .await?
            .into_iter()
            .map(|f| Factor {
                key: f.id.to_string(),
                label: f.label,
                builtin: false,
            }),
    );
    Ok(out)
}

/// Checks factor keys against the team's factors (field `factors[i]`); duplicates dropped.
async fn check_factors(
    app: &App,
    team: Uuid,
    keys: &[String],
    errs: &mut Vec<FieldError>,
) -> AppResult<Vec<String>> {
    let own: BTreeSet<String> = st::factors(&app.db, team)
        .await?
        .into_iter()
        .map(|f| f.id.to_string())
        .collect();
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let k = k.trim();
        if builtin_factor(k).is_none() && !own.contains(k) {
            errs.push(FieldError::new(
                &format!("factors[{i}]"),
                "unknown_factor",
                "Ukjent suksessfaktor. Velg en av teamets.",
                "Unknown success factor. Choose one of the team's.",
            ));
        } else if !out.iter().any(|o: &String| o == k) {
            out.push(k.to_string());
        }
    }
    Ok(out)
}

/// The current result and tags of an entry from its evaluations (oldest first) and tags.
fn current_of<'a>(
    entry: Uuid,
    evaluations: &'a [st::EvaluationRow],
    tags: &[st::TagRow],
) -> (Option<&'a st::EvaluationRow>, Vec<String>) {
    let superseded: BTreeSet<Uuid> = evaluations.iter().filter_map(|v| v.supersedes_id).collect();
    let current = evaluations
        .iter()
        .find(|v| v.entry_id == entry && !superseded.contains(&v.id));
    let of = current.map(|v| v.id);
    let factors = tags
        .iter()
        .filter(|t| t.entry_id == entry && t.evaluation_id == of)
        .map(|t| t.factor.clone())
        .collect();
    (current, factors)
}

fn evaluation_view(v: &st::EvaluationRow, tags: &[st::TagRow]) -> Evaluation {
    Evaluation {
        id: v.id,
        evaluated_on: v.evaluated_on,
        result: v.result.clone(),
        text: v.text.clone(),
        learned: v.learned.clone(),
        factors: tags
            .iter()
            .filter(|t| t.evaluation_id == Some(v.id))
            .map(|t| t.factor.clone())
            .collect(),
        created_by: v.created_by_name.clone(),
        created_at: v.created_at,
    }
}

async fn label_of(app: &App, episode: Uuid, head: &st::EpisodeHead) -> AppResult<String> {
    Ok(match st::group(&app.db, episode).await? {
        Some(g) => g.label,
        None => {
            let seq = st::next_seq(&app.db, head.team_id).await?;
            default_group_label(
                u32::try_from(seq).unwrap_or(0),
                head.municipality.as_deref(),
                &head.team_name,
            )
        }
    })
}

/// The group's learning log (health personnel in the person's care team). Audited
/// (`learning.list`).
pub async fn log(app: &App, actor: &Actor, episode: Uuid, lang: Lang) -> AppResult<LearningLog> {
    let (head, grant) = open_group(app, actor, episode, "learning.list").await?;
    let label = label_of(app, episode, &head).await?;
    let rows = st::entries(&app.db, episode).await?;
    let evaluations = st::evaluations(&app.db, episode).await?;
    let tags = st::tags(&app.db, episode).await?;
    let entries = rows
        .into_iter()
        .map(|e| {
            let (current, factors) = current_of(e.id, &evaluations, &tags);
            let mut earlier: Vec<Evaluation> = evaluations
                .iter()
                .filter(|v| v.entry_id == e.id && Some(v.id) != current.map(|c| c.id))
                .map(|v| evaluation_view(v, &tags))
                .collect();
            earlier.reverse();
            LearningEntry {
                title: entry_title(&label, e.number, lang),
                result: current.map_or(EvaluationResult::NotYet.code().to_string(), |c| {
                    c.result.clone()
                }),
                evaluation: current.map(|c| evaluation_view(c, &tags)),
                earlier_evaluations: earlier,
                factors,
                id: e.id,
                number: e.number,
                event_on: e.event_on,
                event: e.event,
                causes: e.causes,
                decision: e.decision,
                created_by: e.created_by_name,
                created_at: e.created_at,
            }
        })
        .collect();
    let factors = team_factors(app, head.team_id, lang).await?;
    let d = audit_allowed(
        actor,
        &grant,
        "learning.list",
        &format!("episode:{episode},learning_entries,learning_evaluations"),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(LearningLog {
        episode_id: episode,
        client_id: head.client_id,
        label,
        entries,
        factors,
    })
}

fn field_of(field: &str, e: &benk_domain::LearningError) -> FieldError {
    FieldError::of(field, e)
}

/// Writes a new entry in the group's log (health personnel in the care team). Its number is the
/// group's next, assigned in the writer's transaction; the group's label is set to its default
/// with the first entry. Returns the entry's id and number.
pub async fn create_entry(
    app: &App,
    actor: &Actor,
    episode: Uuid,
    input: &EntryInput,
) -> AppResult<(Uuid, i64)> {
    let (head, grant) = open_group(app, actor, episode, "learning.create").await?;
    let mut errs = Vec::new();
    if let Err(e) = check_entry_date(input.event_on, today()) {
        errs.push(field_of("event_on", &e));
    }
    let factors = check_factors(app, head.team_id, &input.factors, &mut errs).await?;
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        &grant,
        "learning.create",
        &format!("episode:{episode},learning_entry:{id}"),
    );
    let by = actor.staff_id;
    let (event, causes, decision) = (
        input.event.as_str().to_string(),
        input.causes.as_str().to_string(),
        input.decision.as_str().to_string(),
    );
    let event_on = input.event_on;
    let result = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                let at = d.at;
                if st::group(&mut *tx, episode).await?.is_none() {
                    let seq = st::next_seq(&mut *tx, head.team_id).await?;
                    let label = default_group_label(
                        u32::try_from(seq).unwrap_or(0),
                        head.municipality.as_deref(),
                        &head.team_name,
                    );
                    let s = st::insert_group(episode, head.team_id, seq, &label, by, at);
                    tx.execute(s.sql, s.args).await?;
                }
                let number = st::next_number(&mut *tx, episode).await?;
                let s = st::insert_entry(&st::NewEntry {
                    id,
                    episode_id: episode,
                    client_id: head.client_id,
                    team_id: head.team_id,
                    number,
                    event_on,
                    event: &event,
                    causes: &causes,
                    decision: &decision,
                    by,
                    at,
                });
                tx.execute(s.sql, s.args).await?;
                for f in &factors {
                    let s = st::insert_tag(id, None, f);
                    tx.execute(s.sql, s.args).await?;
                }
                let mut d = d;
                d.resources = format!("{},number:{number}", d.resources);
                Ok(Decision::<i64, AppError>::Commit {
                    audit: vec![d],
                    value: number,
                })
            })
        })
        .await?;
    Ok((id, result?))
}

/// Adds an evaluation to an entry (health personnel in the care team). It supersedes the
/// current evaluation, which stays readable; the tags given replace the entry's current ones.
pub async fn evaluate(
    app: &App,
    actor: &Actor,
    entry_id: Uuid,
    input: &EvaluationInput,
) -> AppResult<Uuid> {
    let entry = st::entry(&app.db, entry_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (head, grant) = open_group(app, actor, entry.episode_id, "learning.evaluate").await?;
    let mut errs = Vec::new();
    if let Err(e) = check_evaluation_date(input.evaluated_on, entry.event_on, today()) {
        errs.push(field_of("evaluated_on", &e));
    }
    let factors = check_factors(app, head.team_id, &input.factors, &mut errs).await?;
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        &grant,
        "learning.evaluate",
        &format!(
            "learning_entry:{entry_id},learning_evaluation:{id},result:{}",
            input.result.code()
        ),
    );
    let by = actor.staff_id;
    let result = input.result.code();
    let text = input.text.as_ref().map(|t| t.as_str().to_string());
    let learned = input.learned.as_ref().map(|t| t.as_str().to_string());
    let on = input.evaluated_on;
    let r = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                let current = st::current_evaluation(&mut *tx, entry_id).await?;
                let s = st::insert_evaluation(&st::NewEvaluation {
                    id,
                    entry_id,
                    supersedes_id: current.as_ref().map(|c| c.id),
                    evaluated_on: on,
                    result,
                    text: text.as_deref(),
                    learned: learned.as_deref(),
                    by,
                    at: d.at,
                });
                tx.execute(s.sql, s.args).await?;
                for f in &factors {
                    let s = st::insert_tag(entry_id, Some(id), f);
                    tx.execute(s.sql, s.args).await?;
                }
                let mut d = d;
                if let Some(c) = current {
                    d.resources = format!("{},supersedes:{}", d.resources, c.id);
                }
                Ok(Decision::<(), AppError>::Commit {
                    audit: vec![d],
                    value: (),
                })
            })
        })
        .await?;
    r?;
    Ok(id)
}

/// Sets the group's label (health personnel in the care team). Keep the person's name out of
/// it: the label is shown wherever the group's entries are.
pub async fn set_label(
    app: &App,
    actor: &Actor,
    episode: Uuid,
    label: &ShortText,
) -> AppResult<()> {
    let (head, grant) = open_group(app, actor, episode, "learning.label").await?;
    let d = audit_allowed(
        actor,
        &grant,
        "learning.label",
        &format!("episode:{episode},learning_group"),
    );
    let by = actor.staff_id;
    let label = label.as_str().to_string();
    app.writer
        .command(move |tx| {
            Box::pin(async move {
                let s = if st::group(&mut *tx, episode).await?.is_some() {
                    st::set_label(episode, &label, by, d.at)
                } else {
                    let seq = st::next_seq(&mut *tx, head.team_id).await?;
                    st::insert_group(episode, head.team_id, seq, &label, by, d.at)
                };
                tx.execute(s.sql, s.args).await?;
                Ok(Decision::<(), AppError>::Commit {
                    audit: vec![d],
                    value: (),
                })
            })
        })
        .await?
}

fn working(actor: &Actor, team: Uuid) -> bool {
    actor.has_role_in(
        team,
        &[TeamRole::Worker, TeamRole::IntakeMember, TeamRole::TeamLead],
    )
}

async fn require_member(app: &App, actor: &Actor, team: Uuid, action: &str) -> AppResult<()> {
    if working(actor, team) {
        return Ok(());
    }
    app.writer
        .write(WriteOp::audit_only(vec![refuse_team(
            actor,
            action,
            team,
            "not_a_member_of_the_team",
        )]))
        .await?;
    Err(AppError::Forbidden(Text::new(
        "Du er ikke med i dette teamet. Forsøket er logget.",
        "You are not a member of this team. The attempt has been logged.",
    )))
}

/// The success factors the team can tag (the team's working members).
pub async fn factors(app: &App, actor: &Actor, team: Uuid, lang: Lang) -> AppResult<Vec<Factor>> {
    require_member(app, actor, team, "learning.factors").await?;
    team_factors(app, team, lang).await
}

/// Adds one of the team's own success factors (the team lead). A label the team already has is
/// a conflict.
pub async fn add_factor(
    app: &App,
    actor: &Actor,
    team: Uuid,
    label: &ShortText,
) -> AppResult<Uuid> {
    if !actor.has_role_in(team, &[TeamRole::TeamLead]) {
        app.writer
            .write(WriteOp::audit_only(vec![refuse_team(
                actor,
                "learning.factor_create",
                team,
                "not_team_lead",
            )]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare teamlederen legger til suksessfaktorer. Forsøket er logget.",
            "Only the team lead adds success factors. The attempt has been logged.",
        )));
    }
    let taken = BUILTIN_FACTORS.iter().any(|f| {
        f.nb.eq_ignore_ascii_case(label.as_str()) || f.en.eq_ignore_ascii_case(label.as_str())
    });
    if taken {
        return Err(AppError::Conflict(Text::new(
            "Teamet har allerede denne suksessfaktoren.",
            "The team already has this success factor.",
        )));
    }
    let id = Uuid::now_v7();
    let mut d = actor.audit("learning.factor_create", Outcome::Allowed);
    d.resources = format!("team:{team},learning_factor:{id}");
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![st::insert_factor(
                id,
                team,
                label.as_str(),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(Text::new(
                "Teamet har allerede denne suksessfaktoren.",
                "The team already has this success factor.",
            )),
            other => other,
        })?;
    Ok(id)
}

/// The team's learning logs counted together (the team's working members, any profession: no
/// person-level data). Audited (`learning.summary`).
pub async fn summary(
    app: &App,
    actor: &Actor,
    team: Uuid,
    lang: Lang,
) -> AppResult<LearningSummary> {
    require_member(app, actor, team, "learning.summary").await?;
    let entries = st::team_entries(&app.db, team).await?;
    let tags = st::team_tags(&app.db, team).await?;
    let factors = team_factors(app, team, lang).await?;
    let mut by_factor: BTreeMap<&str, i64> = BTreeMap::new();
    let mut by_result: BTreeMap<String, i64> = BTreeMap::new();
    let mut groups = BTreeSet::new();
    for e in &entries {
        groups.insert(e.episode_id);
        let result = e
            .result
            .clone()
            .unwrap_or_else(|| EvaluationResult::NotYet.code().into());
        *by_result.entry(result).or_default() += 1;
        let current: BTreeSet<&str> = tags
            .iter()
            .filter(|t| t.entry_id == e.entry_id && t.evaluation_id == e.evaluation_id)
            .map(|t| t.factor.as_str())
            .collect();
        for f in current {
            *by_factor.entry(f).or_default() += 1;
        }
    }
    let out = LearningSummary {
        team_id: team,
        groups: groups.len() as i64,
        entries: entries.len() as i64,
        factors: factors
            .into_iter()
            .map(|f| FactorCount {
                entries: by_factor.get(f.key.as_str()).copied().unwrap_or(0),
                key: f.key,
                label: f.label,
            })
            .collect(),
        results: EvaluationResult::ALL
            .iter()
            .map(|r| ResultCount {
                result: r.code().into(),
                label: r.label(lang).into(),
                entries: by_result.get(r.code()).copied().unwrap_or(0),
            })
            .collect(),
    };
    let mut d = actor.audit("learning.summary", Outcome::Allowed);
    d.resources = format!("team:{team},learning_counts");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

/// The group's episode's person (pages: the crumbs back to the person).
pub async fn episode_client(app: &App, episode: Uuid) -> AppResult<Uuid> {
    Ok(st::episode(&app.db, episode)
        .await?
        .ok_or(AppError::NotFound)?
        .client_id)
}

/// The entry's group (pages: where to go back after an evaluation).
pub async fn entry_episode(app: &App, entry: Uuid) -> AppResult<Uuid> {
    Ok(st::entry(&app.db, entry)
        .await?
        .ok_or(AppError::NotFound)?
        .episode_id)
}
