//! Care relationships: the register of who may access whose record, and for how long.

use benk_domain::{EpisodeAction, Period, ShortText};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::course::EpisodeGrant;
use crate::access::{audit_allowed, today, ReadGrant};
use crate::actor::Actor;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError};
use crate::store;
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
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow, utoipa::ToSchema)]
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
    /// Who gave it.
    pub given_by_name: String,
    /// When it was given.
    pub created_at: DateTime<Utc>,
    /// `episode` (given with an episode, ends when it closes) or `manual`
    /// (given by hand, with a reason and an end date).
    pub source: String,
}

crate::fast_row!(CareRelationship {
    id,
    client_id,
    staff_id,
    team_id,
    holder_name,
    profession,
    org_name,
    valid_from,
    valid_to,
    reason,
    ended_at,
    given_by_name,
    created_at,
    source
});

/// The one constructor of a care relationship, private to the app crate. Its
/// three callers each hold the right to give access: `clients::create` (the
/// creator, a member of the client's team, for 90 days), `episodes` (members
/// named under an `EpisodeGrant`, or by the intake decision under its
/// `IntakeGrant`) and `care::create` (access given by hand under an
/// `EpisodeGrant` for `give_access`). Nothing outside the crate can submit a
/// statement: the writer is private to it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_stmt(
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
    store::care::insert(&store::care::NewCare {
        id,
        client_id: client,
        staff_id: staff,
        team_id: team,
        valid_from: from,
        valid_to: to,
        reason,
        owner_org_id: actor.home_org_id,
        created_by: actor.staff_id,
        at,
    })
}

/// Relationships active today (the care team).
pub async fn active_for_client(app: &App, client: Uuid) -> AppResult<Vec<CareRelationship>> {
    Ok(store::care::active_for_client(&app.db, client, today()).await?)
}

/// Every relationship of a client, past and present (the register), audited.
pub async fn list_for_client(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
) -> AppResult<Vec<CareRelationship>> {
    let rows = store::care::all_for_client(&app.db, grant.client_id()).await?;
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
    /// Period; a grant by hand must end (see [`MAX_MANUAL_DAYS`]).
    pub period: Period,
    /// Why (e.g. "primary contact", "covers for the coordinator").
    pub reason: ShortText,
}

/// Access given by hand lasts at most this many days (and this long by default).
pub const MAX_MANUAL_DAYS: i64 = 90;

/// The default end of access given by hand from `from`.
pub fn default_end(from: NaiveDate) -> NaiveDate {
    from.checked_add_signed(chrono::Duration::days(MAX_MANUAL_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

fn check_period(period: &Period) -> AppResult<()> {
    match period.to() {
        None => Err(AppError::field(FieldError::new(
            "valid_to",
            "end_required",
            "Tilgang gitt manuelt må ha en sluttdato (høyst 90 dager).",
            "Access given by hand must have an end date (at most 90 days).",
        ))),
        Some(to) if to > default_end(period.from()) => Err(AppError::field(FieldError::new(
            "valid_to",
            "too_long",
            "Tilgang gitt manuelt kan vare høyst 90 dager. Velg en tidligere sluttdato.",
            "Access given by hand can last at most 90 days. Choose an earlier end date.",
        ))),
        Some(_) => Ok(()),
    }
}

fn give_access_grant(grant: &EpisodeGrant, client: Uuid) -> AppResult<()> {
    if grant.action() != EpisodeAction::GiveAccess || grant.client_id() != client {
        return Err(AppError::Internal(
            "care relationship change without a give-access grant for this client".into(),
        ));
    }
    Ok(())
}

/// Gives access by hand: a care relationship with a reason and an end date (at
/// most 90 days). Only with an [`EpisodeGrant`] for [`EpisodeAction::GiveAccess`]
/// (the coordinators and the team lead by default, never an administrator or
/// staff who are not health personnel). The holder must belong to the client's team.
pub async fn create(
    app: &App,
    actor: &Actor,
    grant: &EpisodeGrant,
    new: NewRelationship,
) -> AppResult<Uuid> {
    let client = grant.client_id();
    give_access_grant(grant, client)?;
    let team_id = grant.team_id();
    check_period(&new.period)?;
    match new.holder {
        Holder::Staff(s) => {
            if !store::care::is_active_team_member(&app.db, team_id, s).await? {
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
    let audit = grant.audit(
        actor,
        "care_relationship.create",
        &format!("care_relationship:{id}"),
    );
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
    grant: &EpisodeGrant,
    relationship: Uuid,
) -> AppResult<()> {
    let client = grant.client_id();
    give_access_grant(grant, client)?;
    let audit = grant.audit(
        actor,
        "care_relationship.end",
        &format!("care_relationship:{relationship}"),
    );
    let stmt = store::care::end_for_client(relationship, client, audit.at, actor.staff_id, today());
    app.writer
        .write(WriteOp {
            stmts: vec![
                stmt,
                // An episode member whose relationship ends has left the episode.
                store::episodes::leave_by_relationship(relationship, audit.at),
            ],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Whether the actor may open the client's record today, on any basis of the
/// team's read policy (no audit: used only to decide which page to show next,
/// never to show data).
pub async fn has_active_relationship(app: &App, actor: &Actor, client: Uuid) -> AppResult<bool> {
    let v = crate::access::visible(app, actor, "c", "$2", "$3", 4).await?;
    Ok(store::clients::is_visible(&app.db, v, client, actor.staff_id, today()).await?)
}
