//! Access to a client's record: only through an active care relationship.
//!
//! [`open_client`] is the only constructor of a [`ReadGrant`]; every function
//! that reads or changes a client's record takes one, so a route that forgets
//! the check does not compile. A refused attempt is audited before the error
//! is returned. The grant also says how much it covers: staff who are not
//! health personnel (NAV, housing) get [`Scope::Basic`] only (hpl § 25).

use benk_domain::{scope_for, Purpose, Scope};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, Text};
use crate::App;

/// Proof that an actor may access one client's record, with what scope and why.
#[derive(Debug, Clone)]
pub struct ReadGrant {
    client_id: Uuid,
    team_id: Uuid,
    scope: Scope,
    purpose: Purpose,
}

impl ReadGrant {
    /// The client this grant opens.
    pub fn client_id(&self) -> Uuid {
        self.client_id
    }
    /// The team the client belongs to.
    pub fn team_id(&self) -> Uuid {
        self.team_id
    }
    /// What the grant covers.
    pub fn scope(&self) -> Scope {
        self.scope
    }
    /// The purpose of use recorded with each access.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }
    /// Whether health content (record entries, diagnoses, measures) is covered.
    pub fn covers_health(&self) -> bool {
        self.scope == Scope::Health
    }
}

/// SQL condition: `staff` has an active care relationship (own or through a
/// team) with `client` on `date`. The arguments are SQL expressions or
/// placeholders. A relationship is active from `valid_from` through `valid_to`
/// (inclusive) unless it was ended early.
pub fn active_relationship(client: &str, staff: &str, date: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM care_relationships cr WHERE cr.client_id = {client} AND cr.ended_at IS NULL \
         AND cr.valid_from <= {date} AND (cr.valid_to IS NULL OR cr.valid_to >= {date}) \
         AND (cr.staff_id = {staff} OR cr.team_id IN (SELECT tm.team_id FROM team_memberships tm WHERE tm.staff_id = {staff})))"
    )
}

/// Today in Norway (care relationships are dated in local time).
pub fn today() -> NaiveDate {
    crate::time::oslo_today()
}

/// Checks the actor's care relationship to a client and returns a grant, or
/// audits the refusal and returns `Forbidden` (or `NotFound` for no such client).
pub async fn open_client(
    app: &App,
    actor: &Actor,
    client_id: Uuid,
    purpose: Purpose,
) -> AppResult<ReadGrant> {
    let sql = format!(
        "SELECT c.team_id, CASE WHEN {} THEN 1 ELSE 0 END FROM clients c WHERE c.id = $1",
        active_relationship("$1", "$2", "$3")
    );
    let row: Option<(Uuid, i32)> = app
        .db
        .opt(&sql, crate::args![client_id, actor.staff_id, today()])
        .await?;
    let Some((team_id, active)) = row else {
        let mut d = actor.audit("client.open", Outcome::Denied);
        d.client_id = Some(client_id);
        d.purpose = Some(purpose.code().to_string());
        d.resources = "none:no_such_client".into();
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    };
    if active != 1 {
        let mut d = actor.audit("client.open", Outcome::Denied);
        d.client_id = Some(client_id);
        d.purpose = Some(purpose.code().to_string());
        d.resources = "none:no_care_relationship".into();
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Du har ikke et aktivt behandlingsforhold til denne personen. Forsøket er logget.",
            "You have no active care relationship with this person. The attempt has been logged.",
        )));
    }
    Ok(ReadGrant {
        client_id,
        team_id,
        scope: scope_of(actor),
        purpose,
    })
}

/// Refuses health content to a grant that does not cover it, and audits the refusal.
pub async fn require_health(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    action: &str,
) -> AppResult<()> {
    if grant.covers_health() {
        return Ok(());
    }
    let mut d = actor.audit(action, Outcome::Denied);
    d.client_id = Some(grant.client_id);
    d.purpose = Some(grant.purpose.code().to_string());
    d.resources = "none:health_content_not_in_scope".into();
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(Text::new(
        "Helseopplysninger er ikke tilgjengelige for din yrkesrolle uten samtykke.",
        "Health information is not available to your profession without consent.",
    )))
}

/// An audit draft for an allowed access under a grant.
pub fn audit_allowed(
    actor: &Actor,
    grant: &ReadGrant,
    action: &str,
    resources: &str,
) -> crate::audit::AuditDraft {
    let mut d = actor.audit(action, Outcome::Allowed);
    d.client_id = Some(grant.client_id);
    d.purpose = Some(grant.purpose.code().to_string());
    d.resources = resources.to_string();
    d
}

/// The scope of everything an actor reads: `Health` for health personnel (by an authorised
/// profession or by recorded employment in the health service to give care), `Basic` for
/// everyone else. Record grants, referral grants and episode texts all take it from here.
pub fn scope_of(actor: &Actor) -> Scope {
    scope_for(actor.health_personnel)
}
