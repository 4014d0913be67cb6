//! Goals, the individual plan (IP) and responsibility-group meetings (issue 10).
//!
//! **Health content.** The person's goals, the plan and a meeting's minutes and decisions are
//! health content: read and written under a grant that covers health ([`require_health`]). Two
//! exceptions, both decided here:
//! - The journal shows that a plan exists: [`status`] (whether there is a plan, its versions'
//!   dates, the next revision and the revision signal) is open to everyone who may open the
//!   person's record.
//! - A staff member who is not health personnel (NAV, housing) reads the current plan, with the
//!   goals linked to it, when they are a participant of that plan and the person has consented
//!   to sharing it with the participants (the regulation's consent; hpl § 25 otherwise keeps
//!   health content from them). Without that consent nothing is shared with anyone outside the
//!   health personnel of the care team, and the plan cannot list participants outside the team.
//! - Responsibility-group meetings: the whole care team sees the day, who attended and the tasks
//!   (short, and the form says without health details); minutes and decisions only with health
//!   scope. A task's owner may mark it done whatever their scope.
//!
//! The responsibility group's identity is its episode (`episodes.id`); meetings, and later the
//! learning log, refer to it.

use benk_domain::{
    check_due, check_plan_dates, check_sharing, revision_state, task_overdue, GoalStatus,
    Localized, LongText, ParticipantKind, Purpose, ShortText, TaskStatus,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, open_client, require_health, today, visible, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::board::initials;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::store::plans as st;
use crate::App;

// ---------------------------------------------------------------- goals

/// A dated progress note on a goal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GoalNote {
    /// Id.
    pub id: Uuid,
    /// The day it is about.
    pub noted_on: NaiveDate,
    /// The note.
    pub text: String,
    /// The status set with this note, if it changed.
    pub status: Option<String>,
    /// Who wrote it.
    pub written_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One of the person's own goals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Goal {
    /// Id.
    pub id: Uuid,
    /// In the person's own words.
    pub text: String,
    /// `active`, `reached`, `changed` or `dropped`.
    pub status: String,
    /// Who wrote it down.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Progress notes, oldest first (append-only).
    pub notes: Vec<GoalNote>,
}

fn denied(actor: &Actor, grant: &ReadGrant, action: &str, why: &str) -> crate::audit::AuditDraft {
    let mut d = actor.audit(action, Outcome::Denied);
    d.client_id = Some(grant.client_id());
    d.purpose = Some(grant.purpose().code().to_string());
    d.resources = format!("none:{why}");
    d
}

/// The person's goals with their notes (health scope).
pub async fn goals(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Vec<Goal>> {
    require_health(app, actor, grant, "goal.read").await?;
    let out = goals_unaudited(app, grant).await?;
    let d = audit_allowed(actor, grant, "goal.read", "goals,goal_notes");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

async fn goals_unaudited(app: &App, grant: &ReadGrant) -> AppResult<Vec<Goal>> {
    let rows = st::goals(&app.db, grant.client_id(), grant.team_id()).await?;
    let notes = st::goal_notes(&app.db, grant.client_id(), grant.team_id()).await?;
    Ok(rows
        .into_iter()
        .map(|g| Goal {
            notes: notes
                .iter()
                .filter(|n| n.goal_id == g.id)
                .map(|n| GoalNote {
                    id: n.id,
                    noted_on: n.noted_on,
                    text: n.text.clone(),
                    status: n.status.clone(),
                    written_by: n.written_by_name.clone(),
                    created_at: n.created_at,
                })
                .collect(),
            id: g.id,
            text: g.text,
            status: g.status,
            created_by: g.created_by_name,
            created_at: g.created_at,
        })
        .collect())
}

/// Writes down one of the person's goals in their own words (health scope).
pub async fn add_goal(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    text: &LongText,
    status: GoalStatus,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "goal.create").await?;
    let id = Uuid::now_v7();
    let d = audit_allowed(actor, grant, "goal.create", &format!("goal:{id}"));
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![st::insert_goal(
                id,
                grant.client_id(),
                grant.team_id(),
                text.as_str(),
                status.code(),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

fn future(field: &str) -> AppError {
    AppError::field(FieldError::new(
        field,
        "date_in_future",
        "Datoen kan ikke være fram i tid.",
        "The date cannot be in the future.",
    ))
}

/// Adds a dated progress note to a goal, optionally changing its status (health scope). Notes
/// are never changed or deleted.
pub async fn add_goal_note(
    app: &App,
    actor: &Actor,
    goal_id: Uuid,
    noted_on: NaiveDate,
    text: &LongText,
    status: Option<GoalStatus>,
) -> AppResult<Uuid> {
    let g = st::goal(&app.db, goal_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = open_client(app, actor, g.client_id, Purpose::Treat).await?;
    if grant.team_id() != g.team_id {
        let d = denied(actor, &grant, "goal.note", "not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    require_health(app, actor, &grant, "goal.note").await?;
    if noted_on > today() {
        return Err(future("noted_on"));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        &grant,
        "goal.note",
        &format!(
            "goal:{goal_id},goal_note:{id}{}",
            status
                .map(|s| format!(",status:{}", s.code()))
                .unwrap_or_default()
        ),
    );
    let at = d.at;
    let mut stmts = vec![st::insert_goal_note(
        id,
        goal_id,
        noted_on,
        text.as_str(),
        status.map(GoalStatus::code),
        actor.staff_id,
        at,
    )];
    if let Some(s) = status {
        stmts.push(st::set_goal_status(goal_id, s.code(), at));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

// ---------------------------------------------------------------- the plan

/// What the journal shows about the plan: that it exists and its dates (no content).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanStatus {
    /// Whether the person has an individual plan in this team.
    pub exists: bool,
    /// The plan.
    pub plan_id: Option<Uuid>,
    /// How many versions (1 = never revised).
    pub versions: i64,
    /// The first version's day.
    pub made_on: Option<NaiveDate>,
    /// The newest revision's day (when revised).
    pub revised_on: Option<NaiveDate>,
    /// The plan period's start and end.
    pub period_start: Option<NaiveDate>,
    /// Its end.
    pub period_end: Option<NaiveDate>,
    /// The next revision (or the period's end when no revision date is set).
    pub next_revision_on: Option<NaiveDate>,
    /// `ok`, `due_soon` (within 30 days) or `overdue`.
    pub revision_state: String,
    /// Whether the reader may read the plan's content.
    pub may_read: bool,
}

/// A participant of the plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Participant {
    /// `staff`, `gp`, `nav`, `housing_office`, `relative` or `other`.
    pub kind: String,
    /// The staff member (kind `staff`).
    pub staff_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Role (e.g. "fastlege", "mor").
    pub role: Option<String>,
    /// How to reach them.
    pub contact: Option<String>,
    /// What they contribute.
    pub contribution: Option<String>,
}

/// A measure of the plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = PlanMeasure)]
pub struct Measure {
    /// What is done.
    pub description: String,
    /// Its scope (how much, how often).
    pub scope: Option<String>,
    /// Who is responsible.
    pub responsible: String,
}

/// A goal as linked to a plan version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanGoal {
    /// The goal.
    pub id: Uuid,
    /// In the person's words.
    pub text: String,
    /// Its status now.
    pub status: String,
}

/// One version of the plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanVersion {
    /// The plan.
    pub plan_id: Uuid,
    /// 1, 2, …
    pub version: i64,
    /// The person consented to having a plan.
    pub consent_on: NaiveDate,
    /// The person consented to sharing it with its participants.
    pub share_consent: bool,
    /// The IP coordinator.
    pub coordinator_id: Uuid,
    /// Their name.
    pub coordinator_name: String,
    /// Plan period.
    pub period_start: NaiveDate,
    /// Its end.
    pub period_end: Option<NaiveDate>,
    /// The next revision.
    pub next_revision_on: Option<NaiveDate>,
    /// `ok`, `due_soon` or `overdue`.
    pub revision_state: String,
    /// The day the person was given a copy.
    pub copy_given_on: Option<NaiveDate>,
    /// The person's resources.
    pub resources: Option<String>,
    /// The person's needs.
    pub needs: Option<String>,
    /// What this revision changed.
    pub change_note: Option<String>,
    /// The goals in the plan.
    pub goals: Vec<PlanGoal>,
    /// Participants.
    pub participants: Vec<Participant>,
    /// Measures.
    pub measures: Vec<Measure>,
    /// Who wrote the version.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A version in the history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    /// 1, 2, …
    pub version: i64,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who.
    pub created_by: String,
    /// What changed.
    pub change_note: Option<String>,
}

/// The plan: its newest version and the history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The newest version.
    pub current: PlanVersion,
    /// Every version, newest first.
    pub versions: Vec<VersionSummary>,
    /// `health` (health personnel in the care team) or `shared` (a participant, with the
    /// person's consent to sharing).
    pub access: String,
}

fn next_due(v: &st::VersionRow) -> Option<NaiveDate> {
    v.next_revision_on.or(v.period_end)
}

/// That a plan exists and its dates, for everyone who may open the record. Audited as part of
/// the record (`plan.status`).
pub async fn status(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<PlanStatus> {
    let head = st::plan_for(&app.db, grant.client_id(), grant.team_id()).await?;
    let may_read = grant.covers_health()
        || st::shared_with(&app.db, grant.client_id(), grant.team_id(), actor.staff_id).await?;
    let out = match head {
        None => PlanStatus {
            exists: false,
            plan_id: None,
            versions: 0,
            made_on: None,
            revised_on: None,
            period_start: None,
            period_end: None,
            next_revision_on: None,
            revision_state: "ok".into(),
            may_read,
        },
        Some(h) => {
            let vs = st::versions(&app.db, h.id).await?;
            let newest = vs.first();
            let next = newest.and_then(next_due);
            PlanStatus {
                exists: true,
                plan_id: Some(h.id),
                versions: vs.len() as i64,
                made_on: vs.last().map(|v| crate::time::oslo_date(v.created_at)),
                revised_on: newest
                    .filter(|v| v.version > 1)
                    .map(|v| crate::time::oslo_date(v.created_at)),
                period_start: newest.map(|v| v.period_start),
                period_end: newest.and_then(|v| v.period_end),
                next_revision_on: next,
                revision_state: revision_state(next, today()).code().into(),
                may_read,
            }
        }
    };
    let d = audit_allowed(actor, grant, "plan.status", "plan_status");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

/// Health scope, or a participant of the current plan with the person's consent to sharing.
/// A refusal is audited.
async fn plan_access(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    action: &str,
) -> AppResult<&'static str> {
    if grant.covers_health() {
        return Ok("health");
    }
    if st::shared_with(&app.db, grant.client_id(), grant.team_id(), actor.staff_id).await? {
        return Ok("shared");
    }
    require_health(app, actor, grant, action).await?;
    Ok("health")
}

async fn version_view(app: &App, v: st::VersionRow) -> AppResult<PlanVersion> {
    let goals = st::version_goals(&app.db, v.id).await?;
    let participants = st::participants(&app.db, v.id).await?;
    let measures = st::measures(&app.db, v.id).await?;
    let next = next_due(&v);
    Ok(PlanVersion {
        plan_id: v.plan_id,
        version: v.version,
        consent_on: v.consent_on,
        share_consent: v.share_consent,
        coordinator_id: v.coordinator_id,
        coordinator_name: v.coordinator_name,
        period_start: v.period_start,
        period_end: v.period_end,
        next_revision_on: v.next_revision_on,
        revision_state: revision_state(next, today()).code().into(),
        copy_given_on: v.copy_given_on,
        resources: v.resources,
        needs: v.needs,
        change_note: v.change_note,
        goals: goals
            .into_iter()
            .map(|g| PlanGoal {
                id: g.id,
                text: g.text,
                status: g.status,
            })
            .collect(),
        participants: participants
            .into_iter()
            .map(|p| Participant {
                kind: p.kind,
                staff_id: p.staff_id,
                name: p.name,
                role: p.role,
                contact: p.contact,
                contribution: p.contribution,
            })
            .collect(),
        measures: measures
            .into_iter()
            .map(|m| Measure {
                description: m.description,
                scope: m.scope,
                responsible: m.responsible,
            })
            .collect(),
        created_by: v.created_by_name,
        created_at: v.created_at,
    })
}

/// The person's plan (newest version and history), or `NotFound` when there is none. Health
/// scope, or a participant with the person's consent to sharing; audited (`plan.read`).
pub async fn read(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Plan> {
    let access = plan_access(app, actor, grant, "plan.read").await?;
    let head = st::plan_for(&app.db, grant.client_id(), grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let vs = st::versions(&app.db, head.id).await?;
    let newest = vs.first().cloned().ok_or(AppError::NotFound)?;
    let n = newest.version;
    let current = version_view(app, newest).await?;
    let d = audit_allowed(
        actor,
        grant,
        "plan.read",
        &format!("plan:{},version:{n},access:{access}", head.id),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(Plan {
        id: head.id,
        client_id: head.client_id,
        current,
        versions: vs
            .into_iter()
            .map(|v| VersionSummary {
                version: v.version,
                created_at: v.created_at,
                created_by: v.created_by_name,
                change_note: v.change_note,
            })
            .collect(),
        access: access.into(),
    })
}

async fn open_plan(
    app: &App,
    actor: &Actor,
    plan_id: Uuid,
    action: &str,
) -> AppResult<(st::PlanHead, ReadGrant)> {
    let head = st::plan(&app.db, plan_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = open_client(app, actor, head.client_id, Purpose::Treat).await?;
    if grant.team_id() != head.team_id {
        let d = denied(actor, &grant, action, "not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    Ok((head, grant))
}

/// One version of a plan (earlier versions stay readable). As [`read`] for access and audit.
pub async fn read_version(
    app: &App,
    actor: &Actor,
    plan_id: Uuid,
    n: i64,
) -> AppResult<PlanVersion> {
    let (_, grant) = open_plan(app, actor, plan_id, "plan.read").await?;
    let access = plan_access(app, actor, &grant, "plan.read").await?;
    if access == "shared" {
        // A participant reads what was shared with them: the current version only.
        let latest = st::plan(&app.db, plan_id).await?.map(|h| h.latest);
        if latest != Some(n) {
            let d = denied(actor, &grant, "plan.read", "earlier_version_not_shared");
            app.writer.write(WriteOp::audit_only(vec![d])).await?;
            return Err(AppError::Forbidden(Text::new(
                "Tidligere versjoner av planen er bare tilgjengelige for helsepersonell i teamet.",
                "Earlier versions of the plan are available to the team's health personnel only.",
            )));
        }
    }
    let v = st::version(&app.db, plan_id, n)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = version_view(app, v).await?;
    let d = audit_allowed(
        actor,
        &grant,
        "plan.read",
        &format!("plan:{plan_id},version:{n},access:{access}"),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

/// A participant as given (shapes already checked).
#[derive(Debug, Clone)]
pub struct ParticipantInput {
    /// Kind.
    pub kind: ParticipantKind,
    /// The staff member (kind `staff`; the name comes from their account).
    pub staff_id: Option<Uuid>,
    /// Name (externals).
    pub name: Option<ShortText>,
    /// Role.
    pub role: Option<ShortText>,
    /// Contact.
    pub contact: Option<ShortText>,
    /// What they contribute.
    pub contribution: Option<ShortText>,
}

/// A measure as given.
#[derive(Debug, Clone)]
pub struct MeasureInput {
    /// What is done.
    pub description: ShortText,
    /// Its scope.
    pub scope: Option<ShortText>,
    /// Who is responsible.
    pub responsible: ShortText,
}

/// A plan version as given (shapes checked; rules across fields and references checked here).
#[derive(Debug, Clone)]
pub struct PlanInput {
    /// Consent to having a plan (required: no plan without it).
    pub consent_on: NaiveDate,
    /// Consent to sharing with the participants.
    pub share_consent: bool,
    /// The IP coordinator (a member of the team).
    pub coordinator_id: Uuid,
    /// Plan period.
    pub period_start: NaiveDate,
    /// Its end.
    pub period_end: Option<NaiveDate>,
    /// Next revision.
    pub next_revision_on: Option<NaiveDate>,
    /// Copy given.
    pub copy_given_on: Option<NaiveDate>,
    /// Resources.
    pub resources: Option<LongText>,
    /// Needs.
    pub needs: Option<LongText>,
    /// What this revision changed.
    pub change_note: Option<ShortText>,
    /// The person's goals in the plan.
    pub goal_ids: Vec<Uuid>,
    /// Participants.
    pub participants: Vec<ParticipantInput>,
    /// Measures.
    pub measures: Vec<MeasureInput>,
}

/// The most participants and measures a version takes.
pub const MAX_ROWS: usize = 30;

/// Checks a plan version against the rules and the stored team, goals and staff, and builds its
/// statements.
async fn version_stmts(
    app: &App,
    grant: &ReadGrant,
    actor: &Actor,
    plan_id: Uuid,
    version: i64,
    p: &PlanInput,
) -> AppResult<(Uuid, Vec<Stmt>)> {
    let mut errs: Vec<FieldError> = check_plan_dates(
        p.consent_on,
        p.period_start,
        p.period_end,
        p.next_revision_on,
        p.copy_given_on,
        today(),
    )
    .into_iter()
    .map(|(f, e)| FieldError::of(f, &e))
    .collect();
    if p.copy_given_on.is_some_and(|d| d > today()) {
        errs.push(FieldError::new(
            "copy_given_on",
            "date_in_future",
            "Datoen kan ikke være fram i tid.",
            "The date cannot be in the future.",
        ));
    }
    if let Err(e) = check_sharing(p.share_consent, p.participants.iter().map(|x| x.kind)) {
        errs.push(FieldError::of("share_consent", &e));
    }
    let not_member = |field: &str| {
        FieldError::new(
            field,
            "not_in_team",
            "Personen er ikke medarbeider i teamet.",
            "The person is not a member of the team.",
        )
    };
    if store::caseload::worker(&app.db, grant.team_id(), p.coordinator_id)
        .await?
        .is_none()
    {
        errs.push(not_member("coordinator_id"));
    }
    let goals = st::goals(&app.db, grant.client_id(), grant.team_id()).await?;
    for (i, g) in p.goal_ids.iter().enumerate() {
        if !goals.iter().any(|x| x.id == *g) {
            errs.push(FieldError::new(
                &format!("goal_ids[{i}]"),
                "unknown_goal",
                "Målet finnes ikke blant personens mål.",
                "The goal is not one of the person's goals.",
            ));
        }
    }
    let mut names = Vec::new();
    for (i, x) in p.participants.iter().enumerate() {
        match (x.kind, x.staff_id, &x.name) {
            (ParticipantKind::Staff, Some(s), _) => {
                match store::caseload::worker(&app.db, grant.team_id(), s).await? {
                    Some((name, _)) => names.push(name),
                    None => {
                        errs.push(not_member(&format!("participants[{i}].staff_id")));
                        names.push(String::new());
                    }
                }
            }
            (ParticipantKind::Staff, None, _) => {
                errs.push(FieldError::required(&format!("participants[{i}].staff_id")));
                names.push(String::new());
            }
            (_, _, Some(n)) => names.push(n.as_str().to_string()),
            (_, _, None) => {
                errs.push(FieldError::required(&format!("participants[{i}].name")));
                names.push(String::new());
            }
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    fn s(t: &Option<ShortText>) -> Option<&str> {
        t.as_ref().map(ShortText::as_str)
    }
    fn l(t: &Option<LongText>) -> Option<&str> {
        t.as_ref().map(LongText::as_str)
    }
    let id = Uuid::now_v7();
    let mut stmts = vec![st::insert_version(&st::NewVersion {
        id,
        plan_id,
        version,
        consent_on: p.consent_on,
        share_consent: p.share_consent,
        coordinator_id: p.coordinator_id,
        period_start: p.period_start,
        period_end: p.period_end,
        next_revision_on: p.next_revision_on,
        copy_given_on: p.copy_given_on,
        resources: l(&p.resources),
        needs: l(&p.needs),
        change_note: s(&p.change_note),
        by: actor.staff_id,
        at: Utc::now(),
    })];
    let mut linked = std::collections::BTreeSet::new();
    for g in &p.goal_ids {
        if linked.insert(*g) {
            stmts.push(st::insert_plan_goal(id, *g));
        }
    }
    for (i, (x, name)) in p.participants.iter().zip(&names).enumerate() {
        stmts.push(st::insert_participant(
            id,
            i as i64,
            x.kind.code(),
            x.staff_id.filter(|_| x.kind == ParticipantKind::Staff),
            name,
            s(&x.role),
            s(&x.contact),
            s(&x.contribution),
        ));
    }
    for (i, m) in p.measures.iter().enumerate() {
        stmts.push(st::insert_measure(
            id,
            i as i64,
            m.description.as_str(),
            s(&m.scope),
            m.responsible.as_str(),
        ));
    }
    Ok((id, stmts))
}

/// Makes the person's individual plan (version 1). Health scope; the person's consent is part
/// of the input. A second plan in the same team is a conflict (409): revise it instead.
pub async fn create(app: &App, actor: &Actor, grant: &ReadGrant, p: &PlanInput) -> AppResult<Uuid> {
    require_health(app, actor, grant, "plan.create").await?;
    if st::plan_for(&app.db, grant.client_id(), grant.team_id())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(Text::new(
            "Personen har allerede en individuell plan i teamet. Revider den i stedet.",
            "The person already has an individual plan in the team. Revise it instead.",
        )));
    }
    let plan_id = Uuid::now_v7();
    let (vid, vstmts) = version_stmts(app, grant, actor, plan_id, 1, p).await?;
    let d = audit_allowed(
        actor,
        grant,
        "plan.create",
        &format!("plan:{plan_id},version:1,plan_version:{vid}"),
    );
    let mut stmts = vec![st::insert_plan(
        plan_id,
        grant.client_id(),
        grant.team_id(),
        actor.staff_id,
        d.at,
    )];
    stmts.extend(vstmts);
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(plan_id)
}

/// Revises the plan: a new version, the earlier ones kept. Health scope. Two revisions at once:
/// the second is a conflict (409).
pub async fn revise(app: &App, actor: &Actor, plan_id: Uuid, p: &PlanInput) -> AppResult<i64> {
    let (head, grant) = open_plan(app, actor, plan_id, "plan.revise").await?;
    require_health(app, actor, &grant, "plan.revise").await?;
    let n = head.latest + 1;
    let (vid, stmts) = version_stmts(app, &grant, actor, plan_id, n, p).await?;
    let d = audit_allowed(
        actor,
        &grant,
        "plan.revise",
        &format!("plan:{plan_id},version:{n},plan_version:{vid}"),
    );
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(n)
}

/// The plan's head for a person (pages: which plan to revise), without reading content.
pub async fn plan_id_for(app: &App, grant: &ReadGrant) -> AppResult<Option<(Uuid, i64)>> {
    Ok(st::plan_for(&app.db, grant.client_id(), grant.team_id())
        .await?
        .map(|h| (h.id, h.latest)))
}

/// The client and team of a plan (pages: to open the person).
pub async fn plan_client(app: &App, plan_id: Uuid) -> AppResult<Uuid> {
    Ok(st::plan(&app.db, plan_id)
        .await?
        .ok_or(AppError::NotFound)?
        .client_id)
}

// ---------------------------------------------------------------- responsibility-group meetings

/// A task from a responsibility-group meeting.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    /// Id.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The meeting's day.
    pub held_on: NaiveDate,
    /// The person.
    pub client_id: Uuid,
    /// The person's name, where the reader may open their record.
    pub client_name: Option<String>,
    /// The person's initials.
    pub initials: String,
    /// What to do.
    pub title: String,
    /// Who does it (team staff).
    pub owner_id: Uuid,
    /// Their name.
    pub owner_name: String,
    /// Due.
    pub due_on: Option<NaiveDate>,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// Open and past its due date.
    pub overdue: bool,
}

fn task_view(t: st::TaskRow, shown: bool) -> Task {
    let status = TaskStatus::from_code(&t.status).unwrap_or(TaskStatus::Open);
    Task {
        overdue: task_overdue(status, t.due_on, today()),
        id: t.id,
        meeting_id: t.meeting_id,
        held_on: t.held_on,
        client_id: t.client_id,
        initials: initials(&t.client_name),
        client_name: shown.then_some(t.client_name),
        title: t.title,
        owner_id: t.owner_id,
        owner_name: t.owner_name,
        due_on: t.due_on,
        status: t.status,
    }
}

/// Someone who attended.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attendee {
    /// Team staff.
    pub staff_id: Option<Uuid>,
    /// A member of the responsibility group.
    pub rg_member_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Profession (staff) or role in the group.
    pub role: Option<String>,
}

/// A responsibility-group meeting.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RgMeeting {
    /// Id.
    pub id: Uuid,
    /// The responsibility group (its episode).
    pub episode_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The day.
    pub held_on: NaiveDate,
    /// Minutes (health scope only).
    pub minutes: Option<String>,
    /// Decisions (health scope only).
    pub decisions: Option<String>,
    /// Minutes and decisions were not read: the reader is not health personnel.
    pub texts_withheld: bool,
    /// Who attended.
    pub attendees: Vec<Attendee>,
    /// Tasks.
    pub tasks: Vec<Task>,
    /// Who wrote it down.
    pub created_by: String,
}

async fn meeting_view(app: &App, m: st::RgMeetingRow, health: bool) -> AppResult<RgMeeting> {
    let attendees = st::attendance(&app.db, m.id)
        .await?
        .into_iter()
        .map(|a| Attendee {
            staff_id: a.staff_id,
            rg_member_id: a.rg_member_id,
            name: a.name,
            role: a.role,
        })
        .collect();
    let tasks = st::tasks(&app.db, m.id)
        .await?
        .into_iter()
        .map(|t| task_view(t, true))
        .collect();
    Ok(RgMeeting {
        id: m.id,
        episode_id: m.episode_id,
        client_id: m.client_id,
        held_on: m.held_on,
        minutes: m.minutes,
        decisions: m.decisions,
        texts_withheld: !health,
        attendees,
        tasks,
        created_by: m.created_by_name,
    })
}

/// The person's responsibility-group meetings in the grant's team, newest first (the care
/// team; minutes and decisions with health scope only). Audited (`rg_meeting.list`).
pub async fn meetings(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Vec<RgMeeting>> {
    let health = grant.covers_health();
    let rows = st::rg_meetings(&app.db, grant.client_id(), grant.team_id(), health).await?;
    let mut out = Vec::new();
    for m in rows {
        out.push(meeting_view(app, m, health).await?);
    }
    let d = audit_allowed(
        actor,
        grant,
        "rg_meeting.list",
        if health {
            "rg_meetings,rg_meeting_texts,rg_tasks"
        } else {
            "rg_meetings,rg_tasks"
        },
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

/// One meeting (as [`meetings`]).
pub async fn meeting(app: &App, actor: &Actor, id: Uuid) -> AppResult<RgMeeting> {
    let head = st::rg_meeting(&app.db, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = open_client(app, actor, head.client_id, Purpose::Coc).await?;
    if grant.team_id() != head.team_id {
        let d = denied(actor, &grant, "rg_meeting.read", "not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    let health = grant.covers_health();
    let m = st::rg_meeting(&app.db, id, health)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = meeting_view(app, m, health).await?;
    let d = audit_allowed(
        actor,
        &grant,
        "rg_meeting.read",
        &format!(
            "rg_meeting:{id},{}",
            if health {
                "rg_meeting_texts,rg_tasks"
            } else {
                "rg_tasks"
            }
        ),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

/// A task as given.
#[derive(Debug, Clone)]
pub struct TaskInput {
    /// What to do (short; no health details).
    pub title: ShortText,
    /// Who does it (a member of the team).
    pub owner_id: Uuid,
    /// Due.
    pub due_on: Option<NaiveDate>,
}

/// A meeting as given.
#[derive(Debug, Clone)]
pub struct RgMeetingInput {
    /// The day (not in the future: a meeting is written down after it is held).
    pub held_on: NaiveDate,
    /// Team staff who attended.
    pub staff: Vec<Uuid>,
    /// Responsibility-group members who attended.
    pub members: Vec<Uuid>,
    /// Minutes.
    pub minutes: Option<LongText>,
    /// Decisions.
    pub decisions: Option<LongText>,
    /// Tasks.
    pub tasks: Vec<TaskInput>,
}

/// The episode's client and team (pages: which person a meeting form is for).
pub async fn episode_client(app: &App, episode_id: Uuid) -> AppResult<Uuid> {
    Ok(st::episode_head(&app.db, episode_id)
        .await?
        .ok_or(AppError::NotFound)?
        .0)
}

/// Writes down a responsibility-group meeting of the episode's group, with attendance, minutes,
/// decisions and tasks. Health scope (the minutes are health content).
pub async fn create_meeting(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    m: &RgMeetingInput,
) -> AppResult<Uuid> {
    let (client, team, _) = st::episode_head(&app.db, episode_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = open_client(app, actor, client, Purpose::Coc).await?;
    if grant.team_id() != team {
        let d = denied(actor, &grant, "rg_meeting.create", "not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    require_health(app, actor, &grant, "rg_meeting.create").await?;
    let mut errs = Vec::new();
    if m.held_on > today() {
        let e = benk_domain::PlanError::MeetingInFuture;
        errs.push(FieldError::new(
            "held_on",
            e.code(),
            &e.message(benk_domain::Lang::Nb),
            &e.message(benk_domain::Lang::En),
        ));
    }
    for (i, s) in m.staff.iter().enumerate() {
        if store::caseload::worker(&app.db, team, *s).await?.is_none() {
            errs.push(FieldError::new(
                &format!("attendees[{i}]"),
                "not_in_team",
                "Personen er ikke medarbeider i teamet.",
                "The person is not a member of the team.",
            ));
        }
    }
    for (i, r) in m.members.iter().enumerate() {
        if !st::rg_member_in_episode(&app.db, *r, episode_id).await? {
            errs.push(FieldError::new(
                &format!("rg_members[{i}]"),
                "not_in_group",
                "Personen er ikke med i ansvarsgruppen.",
                "The person is not a member of the responsibility group.",
            ));
        }
    }
    for (i, t) in m.tasks.iter().enumerate() {
        if store::caseload::worker(&app.db, team, t.owner_id)
            .await?
            .is_none()
        {
            errs.push(FieldError::new(
                &format!("tasks[{i}].owner_id"),
                "not_in_team",
                "Den ansvarlige må være medarbeider i teamet.",
                "The owner must be a member of the team.",
            ));
        }
        if let Err(e) = check_due(m.held_on, t.due_on) {
            errs.push(FieldError::of(&format!("tasks[{i}].due_on"), &e));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        &grant,
        "rg_meeting.create",
        &format!(
            "episode:{episode_id},rg_meeting:{id},tasks:{}",
            m.tasks.len()
        ),
    );
    let at = d.at;
    let mut stmts = vec![st::insert_rg_meeting(
        id,
        episode_id,
        client,
        team,
        m.held_on,
        m.minutes.as_ref().map(LongText::as_str),
        m.decisions.as_ref().map(LongText::as_str),
        actor.staff_id,
        at,
    )];
    let mut seen = std::collections::BTreeSet::new();
    for s in &m.staff {
        if seen.insert(*s) {
            stmts.push(st::insert_attendee(id, Some(*s), None));
        }
    }
    for r in &m.members {
        if seen.insert(*r) {
            stmts.push(st::insert_attendee(id, None, Some(*r)));
        }
    }
    for (i, t) in m.tasks.iter().enumerate() {
        stmts.push(st::insert_task(
            Uuid::now_v7(),
            id,
            client,
            team,
            i as i64,
            t.title.as_str(),
            t.owner_id,
            t.due_on,
            at,
        ));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Marks a task done, cancelled or open again: its owner, or health personnel in the care team.
pub async fn set_task_status(
    app: &App,
    actor: &Actor,
    task_id: Uuid,
    status: TaskStatus,
) -> AppResult<()> {
    let t = st::task(&app.db, task_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = open_client(app, actor, t.client_id, Purpose::Coc).await?;
    if grant.team_id() != t.team_id {
        let d = denied(actor, &grant, "rg_task.status", "not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    if t.owner_id != actor.staff_id && !grant.covers_health() {
        let d = denied(actor, &grant, "rg_task.status", "not_owner");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare den ansvarlige eller helsepersonell i teamet rundt personen kan endre oppgaven. Forsøket er logget.",
            "Only the owner or health personnel in the person's care team may change the task. The attempt has been logged.",
        )));
    }
    let d = audit_allowed(
        actor,
        &grant,
        "rg_task.status",
        &format!("rg_task:{task_id},status:{}", status.code()),
    );
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![st::set_task_status(
                task_id,
                status.code(),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// The actor's open tasks ("Mine oppgaver"), soonest due first, overdue marked; the person's
/// name where the actor may open the record, initials otherwise. One list audit row
/// (`rg_task.list_mine`) names every person shown by name.
pub async fn my_tasks(app: &App, actor: &Actor) -> AppResult<Vec<Task>> {
    let v = visible(app, actor, "c", "$1", "$2", 3).await?;
    let rows = st::open_tasks_of(&app.db, actor.staff_id, today(), &v).await?;
    let shown: Vec<(Uuid, String)> = rows
        .iter()
        .filter_map(|r| r.basis.clone().map(|b| (r.client_id, b)))
        .collect();
    if !shown.is_empty() {
        let refs: Vec<(Uuid, &str)> = shown.iter().map(|(c, b)| (*c, b.as_str())).collect();
        let audit = crate::audit::list_audit(
            actor,
            "rg_task.list_mine",
            "COC",
            "client:name,rg_tasks",
            &refs,
        );
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let shown = r.basis.is_some();
            task_view(r, shown)
        })
        .collect())
}

/// The person's goals for the plan form's goal picker (health scope; covered by the page's
/// `goal.read` row).
pub async fn goals_for_form(app: &App, grant: &ReadGrant) -> AppResult<Vec<Goal>> {
    if !grant.covers_health() {
        return Ok(vec![]);
    }
    goals_unaudited(app, grant).await
}

/// The care team's staff for pickers (the team's workers).
pub async fn team_staff(app: &App, grant: &ReadGrant) -> AppResult<Vec<(Uuid, String)>> {
    Ok(store::caseload::workers(&app.db, grant.team_id())
        .await?
        .into_iter()
        .map(|w| (w.staff_id, w.name))
        .collect())
}

/// A plan due for revision (the reminder list on "Mine oppgaver").
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevisionDue {
    /// The plan.
    pub plan_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The person's name, where the reader may open their record.
    pub client_name: Option<String>,
    /// The person's initials.
    pub initials: String,
    /// The next revision (or the plan period's end when no revision date is set).
    pub due_on: NaiveDate,
    /// `due_soon` (within 30 days) or `overdue`.
    pub revision_state: String,
}

/// The plans the actor coordinates whose revision date has passed or is within
/// [`benk_domain::REVISION_DUE_DAYS`] days, soonest first: the person's name where the actor may
/// open the record, initials otherwise. Only dates (what the journal shows about a plan); one
/// list audit row (`plan.revisions_due`) names every person shown by name.
pub async fn revisions_due(app: &App, actor: &Actor) -> AppResult<Vec<RevisionDue>> {
    let v = visible(app, actor, "c", "$1", "$2", 4).await?;
    let today = today();
    let until = today + chrono::Duration::days(benk_domain::REVISION_DUE_DAYS);
    let rows = st::revisions_due(&app.db, actor.staff_id, today, until, &v).await?;
    let shown: Vec<(Uuid, String)> = rows
        .iter()
        .filter_map(|r| r.basis.clone().map(|b| (r.client_id, b)))
        .collect();
    if !shown.is_empty() {
        let refs: Vec<(Uuid, &str)> = shown.iter().map(|(c, b)| (*c, b.as_str())).collect();
        let audit = crate::audit::list_audit(
            actor,
            "plan.revisions_due",
            "COC",
            "client:name,plan_status",
            &refs,
        );
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let due = r.next_revision_on.or(r.period_end)?;
            Some(RevisionDue {
                plan_id: r.plan_id,
                client_id: r.client_id,
                initials: initials(&r.client_name),
                client_name: r.basis.is_some().then_some(r.client_name),
                due_on: due,
                revision_state: revision_state(Some(due), today).code().into(),
            })
        })
        .collect())
}
