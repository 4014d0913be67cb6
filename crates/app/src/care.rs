//! Care relationships: the register of who may access whose record, and for how long.

use benk_domain::{Period, ShortText, TeamRole};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, today, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::App;

/// Who holds a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// One staff member.
    Staff(Uuid),
    /// Every member of a team.
    Team(Uuid),
}

/// A care relationship as listed on the client page and in the API.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CareRelationship {
    /// Id.
    pub id: Uuid,
    /// Client.
    pub client_id: Uuid,
    /// Staff holder.
    pub staff_id: Option<Uuid>,
    /// Team holder.
    pub team_id: Option<Uuid>,
    /// Staff or team name.
    pub holder_name: String,
    /// Staff profession code (None for a team).
    pub profession: Option<String>,
    /// Holder's organisation name (staff: home employer).
    pub org_name: Option<String>,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day, if set.
    pub valid_to: Option<NaiveDate>,
    /// Why.
    pub reason: String,
    /// Ended early.
    pub ended_at: Option<DateTime<Utc>>,
}

/// The statement that inserts a relationship (shared with client creation and the demo).
#[allow(clippy::too_many_arguments)]
pub fn insert_stmt(
    id: Uuid,
    client: Uuid,
    holder: Holder,
    from: NaiveDate,
    to: Option<NaiveDate>,
    reason: &str,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Stmt {
    let (staff, team) = match holder {
        Holder::Staff(s) => (Some(s), None),
        Holder::Team(t) => (None, Some(t)),
    };
    Stmt::new(
        "INSERT INTO care_relationships (id, client_id, staff_id, team_id, valid_from, valid_to, reason, owner_org_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        crate::args![id, client, staff, team, from, to, reason, actor.home_org_id, actor.staff_id, at],
    )
}

const COLS: &str = "SELECT cr.id, cr.client_id, cr.staff_id, cr.team_id, COALESCE(s.name, t.name) AS holder_name, \
     s.profession, o.name AS org_name, cr.valid_from, cr.valid_to, cr.reason, cr.ended_at \
     FROM care_relationships cr LEFT JOIN staff s ON s.id = cr.staff_id LEFT JOIN teams t ON t.id = cr.team_id \
     LEFT JOIN organisations o ON o.id = s.home_org_id";

/// Relationships active today (the care team).
pub async fn active_for_client(app: &App, client: Uuid) -> AppResult<Vec<CareRelationship>> {
    Ok(app
        .db
        .all(
            &format!(
                "{COLS} WHERE cr.client_id = $1 AND cr.ended_at IS NULL AND cr.valid_from <= $2 \
                 AND (cr.valid_to IS NULL OR cr.valid_to >= $2) ORDER BY holder_name"
            ),
            crate::args![client, today()],
        )
        .await?)
}

/// Every relationship of a client, past and present (the register), audited.
pub async fn list_for_client(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
) -> AppResult<Vec<CareRelationship>> {
    let rows = app
        .db
        .all(
            &format!("{COLS} WHERE cr.client_id = $1 ORDER BY cr.valid_from DESC, holder_name"),
            crate::args![grant.client_id()],
        )
        .await?;
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            grant,
            "care_relationship.list",
            "care_team",
        )]))
        .await?;
    Ok(rows)
}

/// Input for a new relationship.
#[derive(Debug, Clone)]
pub struct NewRelationship {
    /// Staff member or team.
    pub holder: Holder,
    /// Period.
    pub period: Period,
    /// Why (e.g. "primary contact", "coordinator").
    pub reason: ShortText,
}

fn may_assign(actor: &Actor, team_id: Uuid) -> bool {
    actor.has_role_in(
        team_id,
        &[
            TeamRole::TeamLead,
            TeamRole::IntakeMember,
            TeamRole::Administrator,
        ],
    )
}

/// Who may change a client's relationships: someone in the care team (a grant
/// for this client) or the team lead / intake team / administrators of the
/// client's team. A refusal is audited. Returns the client's team.
async fn check_change(
    app: &App,
    actor: &Actor,
    client: Uuid,
    grant: Option<&ReadGrant>,
    action: &str,
    refusal: Text,
) -> AppResult<Uuid> {
    let team: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT team_id FROM clients WHERE id = $1",
            crate::args![client],
        )
        .await?;
    let Some((team_id,)) = team else {
        return Err(AppError::NotFound);
    };
    if grant.is_some_and(|g| g.client_id() != client) {
        return Err(AppError::Internal(
            "care relationship change with a grant for another client".into(),
        ));
    }
    if grant.is_none() && !may_assign(actor, team_id) {
        let mut d = actor.audit(action, Outcome::Denied);
        d.client_id = Some(client);
        d.purpose = Some("COC".into());
        d.resources = "none:not_in_care_team".into();
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(refusal));
    }
    Ok(team_id)
}

/// Adds a relationship. Allowed to someone already in the client's care team,
/// or to the team lead / intake team of the client's team (a decided measure).
/// The holder must belong to the client's team.
pub async fn create(
    app: &App,
    actor: &Actor,
    client: Uuid,
    grant: Option<&ReadGrant>,
    new: NewRelationship,
) -> AppResult<Uuid> {
    let team_id = check_change(
        app,
        actor,
        client,
        grant,
        "care_relationship.create",
        Text::new(
            "Bare personer i behandlingsteamet, teamleder eller inntaksteamet kan gi tilgang.",
            "Only the care team, the team lead or the intake team can grant access.",
        ),
    )
    .await?;
    match new.holder {
        Holder::Staff(s) => {
            let n = app
                .db
                .scalar_i64(
                    "SELECT COUNT(*) FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
                     WHERE m.team_id = $1 AND m.staff_id = $2 AND s.disabled = FALSE",
                    crate::args![team_id, s],
                )
                .await?;
            if n == 0 {
                return Err(AppError::field(FieldError::new(
                    "staff_id",
                    "not_in_team",
                    "Personen er ikke medlem av teamet som følger klienten.",
                    "The staff member is not a member of the client's team.",
                )));
            }
        }
        Holder::Team(t) if t != team_id => {
            return Err(AppError::field(FieldError::new(
                "team_id",
                "other_team",
                "Et team kan bare få tilgang til egne klienter.",
                "A team can only be given access to its own clients.",
            )))
        }
        Holder::Team(_) => {}
    }
    let id = Uuid::now_v7();
    let mut audit = actor.audit("care_relationship.create", Outcome::Allowed);
    audit.client_id = Some(client);
    audit.purpose = Some("COC".into());
    audit.resources = format!("care_relationship:{id}");
    let stmt = insert_stmt(
        id,
        client,
        new.holder,
        new.period.from(),
        new.period.to(),
        new.reason.as_str(),
        actor,
        audit.at,
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await?;
    Ok(id)
}

/// Ends a relationship now: access through it stops at once.
pub async fn end(
    app: &App,
    actor: &Actor,
    client: Uuid,
    grant: Option<&ReadGrant>,
    relationship: Uuid,
) -> AppResult<()> {
    check_change(
        app,
        actor,
        client,
        grant,
        "care_relationship.end",
        Text::new(
            "Bare personer i behandlingsteamet eller teamleder kan avslutte tilgang.",
            "Only the care team or the team lead can end access.",
        ),
    )
    .await?;
    let mut audit = actor.audit("care_relationship.end", Outcome::Allowed);
    audit.client_id = Some(client);
    audit.purpose = Some("COC".into());
    audit.resources = format!("care_relationship:{relationship}");
    let stmt = Stmt::one(
        "UPDATE care_relationships SET ended_at = $3, ended_by = $4, \
         valid_to = CASE WHEN valid_to IS NULL OR valid_to > $5 THEN $5 ELSE valid_to END \
         WHERE id = $1 AND client_id = $2 AND ended_at IS NULL",
        crate::args![
            relationship,
            client,
            audit.at,
            actor.staff_id,
            today().max(NaiveDate::MIN)
        ],
    );
    app.writer
        .write(WriteOp {
            stmts: vec![
                stmt,
                // An episode member whose relationship ends has left the episode.
                Stmt::new(
                    "UPDATE episode_members SET left_at = $2 WHERE care_relationship_id = $1 AND left_at IS NULL",
                    crate::args![relationship, audit.at],
                ),
            ],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Whether the actor is in the client's care team today (no audit: used only to
/// decide which route to a grant to take, never to show data).
pub async fn has_active_relationship(app: &App, actor: &Actor, client: Uuid) -> AppResult<bool> {
    let sql = format!(
        "SELECT CASE WHEN {} THEN 1 ELSE 0 END",
        crate::access::active_relationship("$1", "$2", "$3")
    );
    let (n,): (i32,) = app
        .db
        .opt(&sql, crate::args![client, actor.staff_id, today()])
        .await?
        .unwrap_or((0,));
    Ok(n == 1)
}
