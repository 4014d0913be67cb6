//! Goals, the individual plan and responsibility-group meetings (issue 10). Health content:
//! see `benk_app::plans` for who reads and changes what.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use benk_app::access::open_client;
use benk_app::error::Fields;
use benk_app::plans::{
    self, Goal, MeasureInput, ParticipantInput, Plan, PlanInput, PlanStatus, PlanVersion,
    RevisionDue, RgMeeting, RgMeetingInput, Task, TaskInput, MAX_ROWS,
};
use benk_app::{AppError, FieldError};
use benk_domain::{GoalStatus, LongText, ParticipantKind, Purpose, ShortText, TaskStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{doc, ApiJson};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::AppState;

use super::path_id as id;

/// A created thing's id.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct CreatedId {
    id: Uuid,
}

/// A new plan version's number.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Revised {
    version: i64,
}

fn short_opt(f: &mut Fields, field: &str, v: &Option<String>) -> Option<ShortText> {
    f.check(field, ShortText::parse_optional(v.as_deref().unwrap_or("")))
        .flatten()
}

fn long_opt(f: &mut Fields, field: &str, v: &Option<String>) -> Option<LongText> {
    f.check(field, LongText::parse_optional(v.as_deref().unwrap_or("")))
        .flatten()
}

fn unknown(field: &str) -> FieldError {
    FieldError::new(field, "unknown_code", "Ukjent verdi.", "Unknown value.")
}

/// The person's own goals with their progress notes (health personnel in the care team; a
/// refusal is audited).
#[utoipa::path(get, path = "/clients/{id}/goals", params(("id" = Uuid, Path)),
    responses((status = 200, body = [Goal]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_goals(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(client): Path<String>,
) -> Result<Json<Vec<Goal>>, ApiError> {
    let actor = ctx.api_actor()?;
    let client = id(&ctx, &client)?;
    async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        plans::goals(&st.app, actor, &grant).await
    }
    .await
    .map(Json)
    .map_err(|e| ctx.api_err(e))
}

/// A new goal.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GoalIn {
    /// The goal in the person's own words.
    #[schema(schema_with = doc::long_text)]
    text: String,
    /// `active` (default), `reached`, `changed` or `dropped`.
    #[serde(default)]
    #[schema(schema_with = doc::goal_status_opt)]
    status: Option<String>,
}

/// Write down one of the person's goals, in their own words (health personnel in the care team).
#[utoipa::path(post, path = "/clients/{id}/goals", params(("id" = Uuid, Path)), request_body = GoalIn,
    responses((status = 201, body = CreatedId), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_goal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(client): Path<String>,
    ApiJson(b, _): ApiJson<GoalIn>,
) -> Result<(StatusCode, Json<CreatedId>), ApiError> {
    let actor = ctx.api_actor()?;
    let client = id(&ctx, &client)?;
    let mut f = Fields::default();
    let text = f.check("text", LongText::parse(&b.text));
    let status = match b.status.as_deref() {
        None => Some(GoalStatus::Active),
        Some(s) => GoalStatus::from_code(s).or_else(|| {
            f.push(unknown("status"));
            None
        }),
    };
    f.finish().map_err(|e| ctx.api_err(e))?;
    let (Some(text), Some(status)) = (text, status) else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        plans::add_goal(&st.app, actor, &grant, &text, status).await
    }
    .await
    .map(|id| (StatusCode::CREATED, Json(CreatedId { id })))
    .map_err(|e| ctx.api_err(e))
}

/// A progress note.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GoalNoteIn {
    /// The day (default today; not in the future).
    #[serde(default)]
    #[schema(schema_with = doc::date_not_future_opt)]
    noted_on: Option<String>,
    /// The note.
    #[schema(schema_with = doc::long_text)]
    text: String,
    /// A new status for the goal, when it changed.
    #[serde(default)]
    #[schema(schema_with = doc::goal_status_opt)]
    status: Option<String>,
}

fn date_opt(f: &mut Fields, field: &str, v: Option<&str>) -> Option<NaiveDate> {
    match v.map(str::trim) {
        None | Some("") => None,
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                f.push(FieldError::new(
                    field,
                    "invalid_date",
                    "Datoen må være en gyldig dato (ÅÅÅÅ-MM-DD).",
                    "The date must be a valid date (YYYY-MM-DD).",
                ));
                None
            }
        },
    }
}

/// Add a dated progress note to a goal, optionally with a new status (append-only; health
/// personnel in the care team).
#[utoipa::path(post, path = "/goals/{id}/notes", params(("id" = Uuid, Path)), request_body = GoalNoteIn,
    responses((status = 201, body = CreatedId), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn add_goal_note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(goal): Path<String>,
    ApiJson(b, _): ApiJson<GoalNoteIn>,
) -> Result<(StatusCode, Json<CreatedId>), ApiError> {
    let actor = ctx.api_actor()?;
    let goal = id(&ctx, &goal)?;
    let mut f = Fields::default();
    let text = f.check("text", LongText::parse(&b.text));
    let on = date_opt(&mut f, "noted_on", b.noted_on.as_deref());
    let status = match b.status.as_deref() {
        None => None,
        Some(s) => {
            let st = GoalStatus::from_code(s);
            if st.is_none() {
                f.push(unknown("status"));
            }
            st
        }
    };
    f.finish().map_err(|e| ctx.api_err(e))?;
    let Some(text) = text else {
        return Err(ctx.api_err(AppError::Internal("checked".into())));
    };
    let on = on.unwrap_or_else(benk_app::time::oslo_today);
    plans::add_goal_note(&st.app, actor, goal, on, &text, status)
        .await
        .map(|id| (StatusCode::CREATED, Json(CreatedId { id })))
        .map_err(|e| ctx.api_err(e))
}

/// That the person has a plan, and its dates (no content): everyone who may open the record.
#[utoipa::path(get, path = "/clients/{id}/plan/status", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanStatus), (status = 403, response = doc::Forbidden)))]
pub(super) async fn plan_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(client): Path<String>,
) -> Result<Json<PlanStatus>, ApiError> {
    let actor = ctx.api_actor()?;
    let client = id(&ctx, &client)?;
    async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        plans::status(&st.app, actor, &grant).await
    }
    .await
    .map(Json)
    .map_err(|e| ctx.api_err(e))
}

/// The person's individual plan: the newest version and the history (health personnel in the
/// care team, or a staff participant of the plan when the person consented to sharing). 404
/// when the person has no plan.
#[utoipa::path(get, path = "/clients/{id}/plan", params(("id" = Uuid, Path)),
    responses((status = 200, body = Plan), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(client): Path<String>,
) -> Result<Json<Plan>, ApiError> {
    let actor = ctx.api_actor()?;
    let client = id(&ctx, &client)?;
    async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        plans::read(&st.app, actor, &grant).await
    }
    .await
    .map(Json)
    .map_err(|e| ctx.api_err(e))
}

/// A participant of the plan.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ParticipantIn {
    /// `staff` (team staff; give `staff_id`), `gp`, `nav`, `housing_office`, `relative`, `other`.
    #[schema(schema_with = doc::participant_kind)]
    kind: String,
    /// The staff member (kind `staff`).
    #[serde(default)]
    staff_id: Option<Uuid>,
    /// Name (required for everyone but team staff).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    name: Option<String>,
    /// Role ("fastlege", "mor").
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    role: Option<String>,
    /// How to reach them.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    contact: Option<String>,
    /// What they contribute.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    contribution: Option<String>,
}

/// A measure of the plan.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MeasureIn {
    /// What is done.
    #[schema(schema_with = doc::short_text)]
    description: String,
    /// Its scope (how much, how often).
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    scope: Option<String>,
    /// Who is responsible.
    #[schema(schema_with = doc::short_text)]
    responsible: String,
}

/// A plan version (a new plan, or a revision: the whole plan as it should now read).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanIn {
    /// The day the person consented to having a plan (required; not in the future).
    consent_on: NaiveDate,
    /// The person consented to sharing the plan with its participants (required for
    /// participants outside the team, and for non-health staff participants to read it).
    share_consent: bool,
    /// The IP coordinator (a member of the team).
    coordinator_id: Uuid,
    /// Plan period start.
    period_start: NaiveDate,
    /// Plan period end (not before the start).
    #[serde(default)]
    period_end: Option<NaiveDate>,
    /// The next revision (not before the start).
    #[serde(default)]
    next_revision_on: Option<NaiveDate>,
    /// The day the person was given a copy.
    #[serde(default)]
    copy_given_on: Option<NaiveDate>,
    /// The person's resources.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    resources: Option<String>,
    /// The person's needs.
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    needs: Option<String>,
    /// What this revision changes.
    #[serde(default)]
    #[schema(schema_with = doc::short_text_opt)]
    change_note: Option<String>,
    /// The person's goals in the plan.
    #[serde(default)]
    #[schema(max_items = 30)]
    goal_ids: Vec<Uuid>,
    /// Participants (at most 30).
    #[serde(default)]
    #[schema(max_items = 30)]
    participants: Vec<ParticipantIn>,
    /// Measures (at most 30).
    #[serde(default)]
    #[schema(max_items = 30)]
    measures: Vec<MeasureIn>,
}

fn plan_input(b: PlanIn) -> Result<PlanInput, AppError> {
    let mut f = Fields::default();
    let resources = long_opt(&mut f, "resources", &b.resources);
    let needs = long_opt(&mut f, "needs", &b.needs);
    let change_note = short_opt(&mut f, "change_note", &b.change_note);
    for (field, n) in [
        ("goal_ids", b.goal_ids.len()),
        ("participants", b.participants.len()),
        ("measures", b.measures.len()),
    ] {
        if n > MAX_ROWS {
            f.push(FieldError::new(
                field,
                "too_many",
                "For mange rader (høyst 30).",
                "Too many rows (at most 30).",
            ));
        }
    }
    let mut participants = Vec::new();
    for (i, p) in b.participants.iter().enumerate() {
        let kind = ParticipantKind::from_code(&p.kind);
        if kind.is_none() {
            f.push(unknown(&format!("participants[{i}].kind")));
        }
        let name = short_opt(&mut f, &format!("participants[{i}].name"), &p.name);
        let role = short_opt(&mut f, &format!("participants[{i}].role"), &p.role);
        let contact = short_opt(&mut f, &format!("participants[{i}].contact"), &p.contact);
        let contribution = short_opt(
            &mut f,
            &format!("participants[{i}].contribution"),
            &p.contribution,
        );
        if let Some(kind) = kind {
            participants.push(ParticipantInput {
                kind,
                staff_id: p.staff_id,
                name,
                role,
                contact,
                contribution,
            });
        }
    }
    let mut measures = Vec::new();
    for (i, m) in b.measures.iter().enumerate() {
        let d = f.check(
            &format!("measures[{i}].description"),
            ShortText::parse(&m.description),
        );
        let scope = short_opt(&mut f, &format!("measures[{i}].scope"), &m.scope);
        let r = f.check(
            &format!("measures[{i}].responsible"),
            ShortText::parse(&m.responsible),
        );
        if let (Some(description), Some(responsible)) = (d, r) {
            measures.push(MeasureInput {
                description,
                scope,
                responsible,
            });
        }
    }
    f.finish()?;
    Ok(PlanInput {
        consent_on: b.consent_on,
        share_consent: b.share_consent,
        coordinator_id: b.coordinator_id,
        period_start: b.period_start,
        period_end: b.period_end,
        next_revision_on: b.next_revision_on,
        copy_given_on: b.copy_given_on,
        resources,
        needs,
        change_note,
        goal_ids: b.goal_ids,
        participants,
        measures,
    })
}

/// Make the person's individual plan (version 1; health personnel in the care team). The
/// person's consent to the plan is required; participants outside the team need their consent
/// to sharing. A person has one plan per team (409: revise it).
#[utoipa::path(post, path = "/clients/{id}/plan", params(("id" = Uuid, Path)), request_body = PlanIn,
    responses((status = 201, body = CreatedId), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(client): Path<String>,
    ApiJson(b, _): ApiJson<PlanIn>,
) -> Result<(StatusCode, Json<CreatedId>), ApiError> {
    let actor = ctx.api_actor()?;
    let client = id(&ctx, &client)?;
    async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        let input = plan_input(b)?;
        plans::create(&st.app, actor, &grant, &input).await
    }
    .await
    .map(|id| (StatusCode::CREATED, Json(CreatedId { id })))
    .map_err(|e| ctx.api_err(e))
}

/// Revise the plan: a new version with the whole plan as it now reads; earlier versions stay
/// readable (health personnel in the care team).
#[utoipa::path(post, path = "/plans/{id}/revisions", params(("id" = Uuid, Path)), request_body = PlanIn,
    responses((status = 201, body = Revised), (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict), (status = 422, response = doc::Invalid)))]
pub(super) async fn revise_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(plan): Path<String>,
    ApiJson(b, _): ApiJson<PlanIn>,
) -> Result<(StatusCode, Json<Revised>), ApiError> {
    let actor = ctx.api_actor()?;
    let plan = id(&ctx, &plan)?;
    let input = plan_input(b).map_err(|e| ctx.api_err(e))?;
    plans::revise(&st.app, actor, plan, &input)
        .await
        .map(|version| (StatusCode::CREATED, Json(Revised { version })))
        .map_err(|e| ctx.api_err(e))
}

/// One version of a plan (earlier versions: health personnel in the care team).
#[utoipa::path(get, path = "/plans/{id}/versions/{n}", params(("id" = Uuid, Path), ("n" = i64, Path, minimum = 1)),
    responses((status = 200, body = PlanVersion), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_version(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((plan, n)): Path<(String, String)>,
) -> Result<Json<PlanVersion>, ApiError> {
    let actor = ctx.api_actor()?;
    let plan = id(&ctx, &plan)?;
    let n: i64 = n
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ctx.api_err(AppError::NotFound))?;
    plans::read_version(&st.app, actor, plan, n)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The person's responsibility-group meetings, newest first (the care team; minutes and
/// decisions for health personnel only).
#[utoipa::path(get, path = "/clients/{id}/rg-meetings", params(("id" = Uuid, Path)),
    responses((status = 200, body = [RgMeeting]), (status = 403, response = doc::Forbidden)))]
pub(super) async fn list_meetings(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(client): Path<String>,
) -> Result<Json<Vec<RgMeeting>>, ApiError> {
    let actor = ctx.api_actor()?;
    let client = id(&ctx, &client)?;
    async {
        let grant = open_client(&st.app, actor, client, Purpose::Coc).await?;
        plans::meetings(&st.app, actor, &grant).await
    }
    .await
    .map(Json)
    .map_err(|e| ctx.api_err(e))
}

/// A task from the meeting.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TaskIn {
    /// What to do (short, no health details: the whole care team sees it).
    #[schema(schema_with = doc::short_text)]
    title: String,
    /// Who does it (a member of the team).
    owner_id: Uuid,
    /// Due (not before the meeting).
    #[serde(default)]
    due_on: Option<NaiveDate>,
}

/// A responsibility-group meeting.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RgMeetingIn {
    /// The day (not in the future).
    held_on: NaiveDate,
    /// Team staff who attended.
    #[serde(default)]
    #[schema(max_items = 30)]
    attendees: Vec<Uuid>,
    /// Members of the responsibility group who attended.
    #[serde(default)]
    #[schema(max_items = 30)]
    rg_members: Vec<Uuid>,
    /// Minutes (health content).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    minutes: Option<String>,
    /// Decisions (health content).
    #[serde(default)]
    #[schema(schema_with = doc::long_text_opt)]
    decisions: Option<String>,
    /// Tasks with owner and due date.
    #[serde(default)]
    #[schema(max_items = 30)]
    tasks: Vec<TaskIn>,
}

/// Write down a meeting of the episode's responsibility group, with attendance, minutes,
/// decisions and tasks (health personnel in the care team).
#[utoipa::path(post, path = "/episodes/{id}/rg-meetings", params(("id" = Uuid, Path)), request_body = RgMeetingIn,
    responses((status = 201, body = CreatedId), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn create_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(episode): Path<String>,
    ApiJson(b, _): ApiJson<RgMeetingIn>,
) -> Result<(StatusCode, Json<CreatedId>), ApiError> {
    let actor = ctx.api_actor()?;
    let episode = id(&ctx, &episode)?;
    let mut f = Fields::default();
    let minutes = long_opt(&mut f, "minutes", &b.minutes);
    let decisions = long_opt(&mut f, "decisions", &b.decisions);
    for (field, n) in [
        ("attendees", b.attendees.len()),
        ("rg_members", b.rg_members.len()),
        ("tasks", b.tasks.len()),
    ] {
        if n > MAX_ROWS {
            f.push(FieldError::new(
                field,
                "too_many",
                "For mange rader (høyst 30).",
                "Too many rows (at most 30).",
            ));
        }
    }
    let mut tasks = Vec::new();
    for (i, t) in b.tasks.iter().enumerate() {
        if let Some(title) = f.check(&format!("tasks[{i}].title"), ShortText::parse(&t.title)) {
            tasks.push(TaskInput {
                title,
                owner_id: t.owner_id,
                due_on: t.due_on,
            });
        }
    }
    f.finish().map_err(|e| ctx.api_err(e))?;
    let input = RgMeetingInput {
        held_on: b.held_on,
        staff: b.attendees,
        members: b.rg_members,
        minutes,
        decisions,
        tasks,
    };
    plans::create_meeting(&st.app, actor, episode, &input)
        .await
        .map(|id| (StatusCode::CREATED, Json(CreatedId { id })))
        .map_err(|e| ctx.api_err(e))
}

/// One responsibility-group meeting (as the list).
#[utoipa::path(get, path = "/rg-meetings/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = RgMeeting), (status = 403, response = doc::Forbidden)))]
pub(super) async fn get_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(meeting): Path<String>,
) -> Result<Json<RgMeeting>, ApiError> {
    let actor = ctx.api_actor()?;
    let meeting = id(&ctx, &meeting)?;
    plans::meeting(&st.app, actor, meeting)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// A task's new status.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TaskStatusIn {
    /// `open`, `done` or `cancelled`.
    #[schema(schema_with = doc::task_status)]
    status: String,
}

/// Mark a task done, cancelled or open again (its owner, or health personnel in the care team).
#[utoipa::path(put, path = "/rg-tasks/{id}/status", params(("id" = Uuid, Path)), request_body = TaskStatusIn,
    responses((status = 204), (status = 403, response = doc::Forbidden), (status = 422, response = doc::Invalid)))]
pub(super) async fn set_task_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(task): Path<String>,
    ApiJson(b, _): ApiJson<TaskStatusIn>,
) -> Result<StatusCode, ApiError> {
    let actor = ctx.api_actor()?;
    let task = id(&ctx, &task)?;
    let status = TaskStatus::from_code(&b.status)
        .ok_or_else(|| ctx.api_err(AppError::field(unknown("status"))))?;
    plans::set_task_status(&st.app, actor, task, status)
        .await
        .map(|()| StatusCode::NO_CONTENT)
        .map_err(|e| ctx.api_err(e))
}

/// The caller's open tasks from responsibility-group meetings, soonest due first, with overdue
/// marked; the person's name where the caller may open the record, initials otherwise.
#[utoipa::path(get, path = "/tasks/mine",
    responses((status = 200, body = [Task])))]
pub(super) async fn my_tasks(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Task>>, ApiError> {
    let actor = ctx.api_actor()?;
    plans::my_tasks(&st.app, actor)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}

/// The plans the caller coordinates whose revision date has passed or is within 30 days, soonest
/// first (dates only; the person's name where the caller may open the record).
#[utoipa::path(get, path = "/tasks/plan-revisions",
    responses((status = 200, body = [RevisionDue])))]
pub(super) async fn revisions_due(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<RevisionDue>>, ApiError> {
    let actor = ctx.api_actor()?;
    plans::revisions_due(&st.app, actor)
        .await
        .map(Json)
        .map_err(|e| ctx.api_err(e))
}
