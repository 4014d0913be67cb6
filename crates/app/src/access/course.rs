//! Who may change a person's course in the team: the team's permission table
//! ([`EpisodePermissions`]) per [`EpisodeAction`], over the parts the actor
//! plays in the course ([`CourseRole`]). Staff who are not health personnel
//! never change a course. An [`EpisodeGrant`] is made only here; the functions
//! that change an episode or give access take one. Refusals are audited.

use benk_domain::{CourseRole, EpisodeAction, TeamRole};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, Text};
use crate::App;

/// Proof that an actor may do one [`EpisodeAction`] on a client's course.
///
/// Made only by `access::course`; outside this crate a grant for one action
/// cannot be turned into another (a regression test for issue 7, part 6):
///
/// ```
/// fn action(g: &benk_app::access::course::EpisodeGrant) -> benk_domain::EpisodeAction {
///     g.action()
/// }
/// ```
///
/// ```compile_fail,E0451
/// use benk_app::access::course::EpisodeGrant;
/// use benk_domain::EpisodeAction;
/// fn other(g: &EpisodeGrant, action: EpisodeAction) -> EpisodeGrant {
///     EpisodeGrant { action, ..g.clone() }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct EpisodeGrant {
    client_id: Uuid,
    team_id: Uuid,
    episode: Option<EpisodeHead>,
    action: EpisodeAction,
    role: CourseRole,
}

/// The episode a grant is about.
#[derive(Debug, Clone, Copy)]
pub struct EpisodeHead {
    /// Episode id.
    pub id: Uuid,
    /// Included on.
    pub included_on: NaiveDate,
    /// Closed on (None: open).
    pub closed_on: Option<NaiveDate>,
}

impl EpisodeGrant {
    /// The client whose course it is.
    pub fn client_id(&self) -> Uuid {
        self.client_id
    }
    /// The client's team.
    pub fn team_id(&self) -> Uuid {
        self.team_id
    }
    /// The episode (None: the client has no open episode; only for giving access).
    pub fn episode(&self) -> Option<EpisodeHead> {
        self.episode
    }
    /// The action the grant allows.
    pub fn action(&self) -> EpisodeAction {
        self.action
    }
    /// The part that allowed it (recorded in the audit row).
    pub fn role(&self) -> CourseRole {
        self.role
    }
    /// An audit draft for the allowed change, with `role:<code>` in its resources.
    pub fn audit(&self, actor: &Actor, action: &str, resources: &str) -> AuditDraft {
        let mut d = actor.audit(action, Outcome::Allowed);
        d.client_id = Some(self.client_id);
        d.purpose = Some("COC".into());
        d.resources = format!("{resources},role:{}", self.role.code());
        d
    }
}

#[derive(sqlx::FromRow)]
struct EpisodeRow {
    id: Uuid,
    client_id: Uuid,
    team_id: Uuid,
    included_on: NaiveDate,
    closed_on: Option<NaiveDate>,
}

/// Opens an episode for one action, or audits the refusal (`audit_action` is
/// the audit row's action, e.g. `episode.level`).
pub async fn open_episode(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    action: EpisodeAction,
    audit_action: &str,
) -> AppResult<EpisodeGrant> {
    let e: EpisodeRow = app
        .db
        .opt(
            "SELECT id, client_id, team_id, included_on, closed_on FROM episodes WHERE id = $1",
            crate::args![episode_id],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let head = EpisodeHead {
        id: e.id,
        included_on: e.included_on,
        closed_on: e.closed_on,
    };
    decide(
        app,
        actor,
        e.client_id,
        e.team_id,
        Some(head),
        action,
        audit_action,
    )
    .await
}

/// Opens a client's course for one action (giving or ending access by hand):
/// the roles come from the client's open episode in its team, if any.
pub async fn open_course(
    app: &App,
    actor: &Actor,
    client_id: Uuid,
    action: EpisodeAction,
    audit_action: &str,
) -> AppResult<EpisodeGrant> {
    let team: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT team_id FROM clients WHERE id = $1",
            crate::args![client_id],
        )
        .await?;
    let Some((team_id,)) = team else {
        return Err(AppError::NotFound);
    };
    let open: Option<EpisodeRow> = app
        .db
        .opt(
            "SELECT id, client_id, team_id, included_on, closed_on FROM episodes \
             WHERE client_id = $1 AND team_id = $2 AND closed_on IS NULL",
            crate::args![client_id, team_id],
        )
        .await?;
    let head = open.map(|e| EpisodeHead {
        id: e.id,
        included_on: e.included_on,
        closed_on: e.closed_on,
    });
    decide(app, actor, client_id, team_id, head, action, audit_action).await
}

/// The parts the actor plays in a client's course.
async fn roles(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    episode: Option<&EpisodeHead>,
) -> AppResult<Vec<CourseRole>> {
    let mut roles = Vec::new();
    if let Some(e) = episode.filter(|e| e.closed_on.is_none()) {
        let held: Vec<(String,)> = app
            .db
            .all(
                "SELECT role FROM episode_members WHERE episode_id = $1 AND staff_id = $2 AND left_at IS NULL",
                crate::args![e.id, actor.staff_id],
            )
            .await?;
        if held.iter().any(|(r,)| r != "member") {
            roles.push(CourseRole::Coordinator);
        }
        if held.iter().any(|(r,)| r == "member") {
            roles.push(CourseRole::Member);
        }
    }
    if actor.has_role_in(team_id, &[TeamRole::TeamLead]) {
        roles.push(CourseRole::TeamLead);
    }
    if actor.has_role_in(team_id, &[TeamRole::IntakeMember]) {
        // The intake team acts "at the decision": until the decision's
        // coordinators are named.
        let coordinators = match episode.filter(|e| e.closed_on.is_none()) {
            Some(e) => {
                app.db
                    .scalar_i64(
                        "SELECT COUNT(*) FROM episode_members WHERE episode_id = $1 AND role <> 'member' AND left_at IS NULL",
                        crate::args![e.id],
                    )
                    .await?
            }
            None => 0,
        };
        if episode.is_some() && coordinators == 0 {
            roles.push(CourseRole::IntakeMember);
        }
    }
    Ok(roles)
}

async fn decide(
    app: &App,
    actor: &Actor,
    client_id: Uuid,
    team_id: Uuid,
    episode: Option<EpisodeHead>,
    action: EpisodeAction,
    audit_action: &str,
) -> AppResult<EpisodeGrant> {
    let refuse = |reason: &str| {
        let mut d = actor.audit(audit_action, Outcome::Denied);
        d.client_id = Some(client_id);
        d.purpose = Some("COC".into());
        d.resources = match &episode {
            Some(e) => format!("none:{reason},action:{},episode:{}", action.code(), e.id),
            None => format!("none:{reason},action:{}", action.code()),
        };
        d
    };
    let denied = |d: AuditDraft| async move {
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        Err::<EpisodeGrant, AppError>(AppError::Forbidden(Text::new(
            format!(
                "Bare koordinatorene og teamleder kan {}. Forsøket er logget.",
                action.label(benk_domain::Lang::Nb)
            ),
            format!(
                "Only the coordinators and the team lead may {}. The attempt has been logged.",
                action.label(benk_domain::Lang::En)
            ),
        )))
    };
    if !super::is_health_personnel(actor) {
        return denied(refuse("not_health_personnel")).await;
    }
    let roles = roles(app, actor, team_id, episode.as_ref()).await?;
    let team = crate::orgs::get_team(app, team_id).await?;
    match team.policy.episode_permissions.permits(action, &roles) {
        Some(role) => Ok(EpisodeGrant {
            client_id,
            team_id,
            episode,
            action,
            role,
        }),
        None => denied(refuse("not_permitted")).await,
    }
}
