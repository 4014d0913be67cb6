//! Caseloads against the team's norm (issue 9): per worker, the people they are coordinator
//! for (counted toward the norm) and member of (shown beside it), against the norm for their
//! position share; the team's total against its capacity; and the recorded overrides.
//!
//! Naming a coordinator beyond the norm is refused unless it carries a reason; the check and
//! the write are one [`Writer::command`](crate::db::writer::Writer::command) (invariant 2), so
//! forty parallel namings of one worker let exactly norm-many through without a reason.

use std::collections::BTreeSet;

use benk_domain::{caseload_norm, over_norm, team_capacity, ShortText, TeamRole};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{today, visible};
use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Decision, Expect, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::orgs::TeamPolicy;
use crate::store;
use crate::App;

/// A person on a worker's caseload, named only where the viewer may see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    /// The person.
    pub client_id: Uuid,
    /// Their name.
    pub name: String,
}

/// One worker's caseload.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkerCaseload {
    /// Staff id.
    pub staff_id: Uuid,
    /// Name.
    pub name: String,
    /// Team role code.
    pub role: String,
    /// Position share in the team (1–100 %).
    pub fte: i64,
    /// How many people they may be coordinator for (absent: the team has no norm).
    pub norm: Option<u32>,
    /// How many people they are coordinator for (counts toward the norm).
    pub coordinator_count: u32,
    /// How many people they are a member of the care team for (shown beside the norm).
    pub member_count: u32,
    /// Whether they are beyond their norm.
    pub over_norm: bool,
    /// The people they are coordinator for that the viewer may see.
    pub coordinator_for: Vec<PersonRef>,
    /// The people they are a member for that the viewer may see.
    pub member_of: Vec<PersonRef>,
}

/// A coordinator named beyond the norm, with the reason.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseloadOverride {
    /// Id.
    pub id: Uuid,
    /// The worker.
    pub staff_id: Uuid,
    /// The worker's name.
    pub staff_name: String,
    /// The people they were coordinator for before.
    pub count: i64,
    /// Their norm then.
    pub norm: i64,
    /// Why the norm was overridden.
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// The team's caseload.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Caseload {
    /// Team.
    pub team_id: Uuid,
    /// Users per full position (policy).
    pub caseload_per_full_position: Option<u32>,
    /// Users per worker regardless of position (policy).
    pub max_users_per_worker: Option<u32>,
    /// The workers, by name.
    pub workers: Vec<WorkerCaseload>,
    /// Coordinator roles held in the team's open episodes (a pair counts twice).
    pub coordinator_total: u32,
    /// The team's capacity in coordinator roles: the sum of the workers' norms (absent: no norm).
    pub capacity: Option<u32>,
    /// People with an open episode in the team.
    pub people: u32,
    /// Overrides of the norm, newest first.
    pub overrides: Vec<CaseloadOverride>,
}

fn u32_of(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn fte_u8(n: i64) -> u8 {
    u8::try_from(n.clamp(0, 100)).unwrap_or(100)
}

fn parse_policy(p: Option<String>) -> TeamPolicy {
    p.and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default()
}

/// Whether the actor is a member of the team (any role).
pub fn is_member(actor: &Actor, team_id: Uuid) -> bool {
    actor.has_role_in(team_id, TeamRole::ALL)
}

/// Refuses (audited) an actor who is not a member of the team.
pub(crate) async fn require_member(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    action: &str,
) -> AppResult<()> {
    if is_member(actor, team_id) {
        return Ok(());
    }
    let mut d = actor.audit(action, Outcome::Denied);
    d.resources = format!("team:{team_id},none:not_a_team_member");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(Text::new(
        "Du er ikke medlem av dette teamet. Forsøket er logget.",
        "You are not a member of this team. The attempt has been logged.",
    )))
}

/// The team's caseload as the actor may see it (team members only). One audit row names every
/// person shown by name.
pub async fn for_team(app: &App, actor: &Actor, team_id: Uuid) -> AppResult<Caseload> {
    require_member(app, actor, team_id, "caseload.read").await?;
    let policy = parse_policy(store::caseload::policy(&app.db, team_id).await?);
    let workers = store::caseload::workers(&app.db, team_id).await?;
    let v = visible(app, actor, "c", "$2", "$3", 4).await?;
    let roles = store::caseload::roles(&app.db, team_id, actor.staff_id, today(), &v).await?;
    let mut shown = BTreeSet::new();
    let mut people = BTreeSet::new();
    let mut coordinator_total = 0;
    let mut out = Vec::new();
    for w in workers {
        let mut coord = BTreeSet::new();
        let mut member = BTreeSet::new();
        let mut coordinator_for = Vec::new();
        let mut member_of = Vec::new();
        let mine = roles.iter().filter(|r| r.staff_id == w.staff_id);
        for r in mine.clone().filter(|r| r.role != "member") {
            if coord.insert(r.client_id) && r.basis.is_some() {
                shown.insert(r.client_id);
                coordinator_for.push(PersonRef {
                    client_id: r.client_id,
                    name: r.client_name.clone(),
                });
            }
        }
        for r in mine.filter(|r| r.role == "member") {
            if !coord.contains(&r.client_id) && member.insert(r.client_id) && r.basis.is_some() {
                shown.insert(r.client_id);
                member_of.push(PersonRef {
                    client_id: r.client_id,
                    name: r.client_name.clone(),
                });
            }
        }
        let norm = caseload_norm(
            policy.caseload_per_full_position,
            policy.max_users_per_worker,
            fte_u8(w.fte),
        );
        let count = u32::try_from(coord.len()).unwrap_or(u32::MAX);
        coordinator_total += count;
        out.push(WorkerCaseload {
            staff_id: w.staff_id,
            name: w.name,
            role: w.role,
            fte: w.fte,
            norm,
            coordinator_count: count,
            member_count: u32::try_from(member.len()).unwrap_or(u32::MAX),
            over_norm: norm.is_some_and(|n| count > n),
            coordinator_for,
            member_of,
        });
    }
    for r in &roles {
        people.insert(r.client_id);
    }
    let capacity = team_capacity(out.iter().map(|w| w.norm));
    let overrides = store::caseload::overrides(&app.db, team_id)
        .await?
        .into_iter()
        .map(|o| CaseloadOverride {
            id: o.id,
            staff_id: o.staff_id,
            staff_name: o.staff_name,
            count: o.count,
            norm: o.norm,
            reason: o.reason,
            decided_by: o.decided_by_name,
            decided_at: o.decided_at,
        })
        .collect();
    let mut d = actor.audit("caseload.read", Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = format!("team:{team_id},{}", clients_resource(&shown));
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(Caseload {
        team_id,
        caseload_per_full_position: policy.caseload_per_full_position,
        max_users_per_worker: policy.max_users_per_worker,
        workers: out,
        coordinator_total,
        capacity,
        people: u32::try_from(people.len()).unwrap_or(u32::MAX),
        overrides,
    })
}

/// `clients:<id>;<id>…` (or `clients:none`) for an audit row that names every person shown.
pub(crate) fn clients_resource<'a>(ids: impl IntoIterator<Item = &'a Uuid>) -> String {
    let ids: Vec<String> = ids.into_iter().map(Uuid::to_string).collect();
    if ids.is_empty() {
        "clients:none".into()
    } else {
        format!("clients:{}", ids.join(";"))
    }
}

/// A worker being named coordinator in an episode, for the norm check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Naming {
    /// The worker.
    pub staff_id: Uuid,
    /// The episode (new or existing).
    pub episode_id: Uuid,
}

/// The refusal for a worker beyond their norm, naming them, their count and their norm.
pub fn over_norm_error(name: &str, count: i64, norm: i64, fte: i64) -> FieldError {
    FieldError {
        field: "override_reason".into(),
        code: "over_caseload_norm".into(),
        message: Text::new(
            format!(
                "{name} er allerede koordinator for {count} brukere, og normen er {norm} ({fte} % stilling). Oppgi en begrunnelse for å gå over normen."
            ),
            format!(
                "{name} is already coordinator for {count} people, and the norm is {norm} ({fte} % position). Give a reason to go beyond the norm."
            ),
        ),
    }
}

/// Runs `op` in one writer command after checking every naming against the worker's norm:
/// beyond the norm without a reason it is refused (the refusal audited, nothing written);
/// with a reason it is written and the override recorded in the same transaction.
pub(crate) async fn write_checked(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    namings: Vec<Naming>,
    reason: Option<ShortText>,
    op: WriteOp,
) -> AppResult<()> {
    let base = actor.audit("caseload.check", Outcome::Denied);
    let decided_by = actor.staff_id;
    let answer = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                let policy = parse_policy(store::caseload::policy(&mut *tx, team_id).await?);
                let mut refusals = Vec::new();
                let mut overrides = Vec::new();
                let mut seen = BTreeSet::new();
                for n in namings {
                    if !seen.insert(n.staff_id)
                        || store::caseload::is_coordinator_in(&mut *tx, n.episode_id, n.staff_id)
                            .await?
                    {
                        continue;
                    }
                    let Some((name, fte)) =
                        store::caseload::worker(&mut *tx, team_id, n.staff_id).await?
                    else {
                        continue;
                    };
                    let norm = caseload_norm(
                        policy.caseload_per_full_position,
                        policy.max_users_per_worker,
                        fte_u8(fte),
                    );
                    let count = store::caseload::coordinator_count(
                        &mut *tx,
                        team_id,
                        n.staff_id,
                        n.episode_id,
                    )
                    .await?;
                    if !over_norm(u32_of(count), norm) {
                        continue;
                    }
                    let norm = i64::from(norm.unwrap_or(0));
                    match &reason {
                        None => {
                            refusals.push((n.staff_id, over_norm_error(&name, count, norm, fte)))
                        }
                        Some(r) => overrides.push(store::caseload::insert_override(
                            &store::caseload::NewOverride {
                                id: Uuid::now_v7(),
                                team_id,
                                staff_id: n.staff_id,
                                episode_id: n.episode_id,
                                count,
                                norm,
                                reason: r.as_str(),
                                decided_by,
                                at: Utc::now(),
                            },
                        )),
                    }
                }
                if !refusals.is_empty() {
                    let mut d = base;
                    let staff: Vec<String> =
                        refusals.iter().map(|(s, _)| format!("staff:{s}")).collect();
                    d.resources =
                        format!("team:{team_id},{},none:over_caseload_norm", staff.join(","));
                    return Ok(Decision::Refuse {
                        audit: vec![d],
                        error: AppError::Invalid(refusals.into_iter().map(|(_, e)| e).collect()),
                    });
                }
                let mut audit: Vec<AuditDraft> = op.audit;
                let overridden = !overrides.is_empty();
                for s in op.stmts.into_iter().chain(overrides) {
                    let n = tx.execute(s.sql, s.args).await?;
                    if matches!(s.expect, Expect::One) && n != 1 {
                        return Ok(Decision::Refuse {
                            audit: Vec::new(),
                            error: AppError::NotFound,
                        });
                    }
                }
                if overridden {
                    if let Some(first) = audit.first_mut() {
                        first.resources.push_str(",caseload:override");
                    }
                }
                Ok(Decision::Commit { audit, value: () })
            })
        })
        .await?;
    answer
}

/// The team's workers as (id, name), for pickers (team members only; no personal data of
/// clients, so not audited as a read).
pub async fn team_workers(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
) -> AppResult<Vec<(Uuid, String)>> {
    require_member(app, actor, team_id, "caseload.workers").await?;
    Ok(store::caseload::workers(&app.db, team_id)
        .await?
        .into_iter()
        .map(|w| (w.staff_id, w.name))
        .collect())
}
