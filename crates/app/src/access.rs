//! Access to a client's record: only through an active care relationship.
//!
//! [`open_client`] is the only constructor of a [`ReadGrant`]; every function
//! that reads or changes a client's record takes one, so a route that forgets
//! the check does not compile. A refused attempt is audited before the error
//! is returned. The grant also says how much it covers: staff who are not
//! health personnel (NAV, housing) get [`Scope::Basic`] only (hpl § 25).
//!
//! Who may open a record follows the team's read policy ([`ReadPolicy`]): a
//! care relationship always does; the team lead reads the team's open
//! episodes; under `team_on_duty` every health-personnel member of the team
//! reads while the person has an open episode there. The grant carries the
//! [`ReadBasis`], and every audit row made from it says `basis:<code>`.
//! [`visible`] is the one filter every list of clients starts from, built from
//! the same rule. Changes to a person's course go through [`course`].

pub mod admin;
pub(crate) mod checks;
pub mod course;

use benk_domain::{scope_for, Purpose, ReadBasis, ReadPolicy, Scope, TeamRole};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, Text};
use crate::App;

/// Proof that an actor may access one client's record, with what scope and why.
///
/// Made only by `open_client`; outside this crate a grant cannot be pointed
/// at another client or widened (a regression test for issue 7, part 6):
///
/// ```
/// fn client(g: &benk_app::access::ReadGrant) -> uuid::Uuid {
///     g.client_id()
/// }
/// ```
///
/// ```compile_fail,E0451
/// fn elsewhere(g: &benk_app::access::ReadGrant, other: uuid::Uuid) -> benk_app::access::ReadGrant {
///     benk_app::access::ReadGrant { client_id: other, ..g.clone() }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ReadGrant {
    client_id: Uuid,
    team_id: Uuid,
    scope: Scope,
    purpose: Purpose,
    basis: ReadBasis,
}

impl ReadGrant {
    /// Why the record was opened (care relationship, team on duty, team lead).
    pub fn basis(&self) -> ReadBasis {
        self.basis
    }
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
///
/// Per-person probe (see [`PROBE`]): meant for a `CASE` over the rows of a list.
pub fn active_relationship(client: &str, staff: &str, date: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM care_relationships cr WHERE cr.client_id = {client} AND cr.ended_at IS NULL \
         AND cr.valid_from <= {date} AND (cr.valid_to IS NULL OR cr.valid_to >= {date}) \
         AND (cr.staff_id = {staff} OR cr.team_id IN (SELECT tm.team_id FROM team_memberships tm WHERE tm.staff_id = {staff})){PROBE})"
    )
}

/// Ends an `EXISTS` subquery of the visibility rule so that it stays a probe per person
/// through the index on the person. Without it PostgreSQL may turn an `EXISTS` inside a
/// `CASE` into a "hashed SubPlan" that reads the WHOLE table once per query (all care
/// relationships, all open episodes of every team): 175 ms for one team's caseload at
/// 50 000 people, against 1.9 ms with the probe. An `OFFSET` keeps PostgreSQL from
/// rewriting the subquery (`simplify_EXISTS_query`); SQLite needs the `LIMIT` before
/// it, and both are no-ops for an `EXISTS`. One SQL text for both backends.
pub const PROBE: &str = " LIMIT 1 OFFSET 0";

/// Today in Norway (care relationships are dated in local time).
pub fn today() -> NaiveDate {
    crate::time::oslo_today()
}

/// Whether the actor is health personnel (decides health scope and who may
/// change a course). One place, so the health-personnel rule can grow.
pub fn is_health_personnel(actor: &Actor) -> bool {
    scope_of(actor).includes_health()
}

/// The SQL behind "visible clients": an expression that gives the read basis
/// code for client `{c}.id` (or NULL when the actor may not see the client),
/// with the values it binds. `staff` and `date` are the placeholders already
/// bound to the actor's id and today; extra values are numbered from `next`.
pub struct Visible {
    /// `CASE … END` giving `care_team`, `team_lead`, `team_on_duty` or NULL.
    pub basis_sql: String,
    /// Values for the placeholders from `next` on.
    pub args: Vec<crate::db::Val>,
}

/// The teams whose open episodes the actor reads without a care relationship: as team lead,
/// and (health personnel) under a `team_on_duty` policy.
async fn lead_and_duty(app: &App, actor: &Actor) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    let lead: Vec<Uuid> = actor
        .memberships
        .iter()
        .filter(|m| m.role == TeamRole::TeamLead)
        .map(|m| m.team_id)
        .collect();
    let mut duty = Vec::new();
    if is_health_personnel(actor) && !actor.memberships.is_empty() {
        for (team, read) in read_policies(app, actor).await? {
            if read == ReadPolicy::TeamOnDuty {
                duty.push(team);
            }
        }
    }
    Ok((lead, duty))
}

/// The rule itself, one SQL text for one client or many: the `CASE` that gives client
/// `{c}`'s read basis code, or NULL. `staff` and `date` are SQL expressions (placeholders or
/// columns); `lead_cond` and `duty_cond` say whether `{c}.team_id` is one of the actor's
/// lead and on-duty teams.
pub(crate) fn basis_case(
    c: &str,
    staff: &str,
    date: &str,
    lead_cond: &str,
    duty_cond: &str,
) -> String {
    let open = format!(
        "EXISTS (SELECT 1 FROM episodes e WHERE e.client_id = {c}.id AND e.team_id = {c}.team_id AND e.closed_on IS NULL{PROBE})"
    );
    format!(
        "CASE WHEN {} THEN '{}' WHEN {lead_cond} AND {open} THEN '{}' WHEN {duty_cond} AND {open} THEN '{}' ELSE NULL END",
        active_relationship(&format!("{c}.id"), staff, date),
        ReadBasis::CareTeam.code(),
        ReadBasis::TeamLead.code(),
        ReadBasis::TeamOnDuty.code(),
    )
}

/// Builds the visibility rule for an actor (see [`Visible`]). The team lead
/// reads the team's open episodes; under a `team_on_duty` policy so does every
/// health-personnel member of the team.
pub async fn visible(
    app: &App,
    actor: &Actor,
    c: &str,
    staff: &str,
    date: &str,
    next: usize,
) -> AppResult<Visible> {
    let (lead, duty) = lead_and_duty(app, actor).await?;
    let mut args = Vec::new();
    let mut n = next;
    let mut in_list = |ids: &[Uuid]| -> String {
        if ids.is_empty() {
            return "1 = 0".into();
        }
        let ph: Vec<String> = ids
            .iter()
            .map(|id| {
                args.push(crate::db::Val::from(*id));
                n += 1;
                format!("${}", n - 1)
            })
            .collect();
        format!("{c}.team_id IN ({})", ph.join(", "))
    };
    let lead_cond = in_list(&lead);
    let duty_cond = in_list(&duty);
    let basis_sql = basis_case(c, staff, date, &lead_cond, &duty_cond);
    Ok(Visible { basis_sql, args })
}

/// The read policy of each of the actor's teams: remembered between requests
/// (`crate::auth_cache`, emptied whenever `teams` changes), otherwise every team's
/// policy in one query (one round trip, whatever the number of teams).
async fn read_policies(app: &App, actor: &Actor) -> AppResult<Vec<(Uuid, ReadPolicy)>> {
    let epoch = app.writer.auth_epoch();
    let cached: Option<Vec<(Uuid, ReadPolicy)>> = actor
        .memberships
        .iter()
        .map(|m| {
            app.auth_cache
                .read_policy(m.team_id, epoch)
                .map(|p| (m.team_id, p))
        })
        .collect();
    if let Some(all) = cached {
        return Ok(all);
    }
    let ph: Vec<String> = (1..=actor.memberships.len())
        .map(|i| format!("${i}"))
        .collect();
    let policies: Vec<(Uuid, String)> = app
        .db
        .all(
            &format!(
                "SELECT id, policy FROM teams WHERE id IN ({})",
                ph.join(", ")
            ),
            actor
                .memberships
                .iter()
                .map(|m| crate::db::Val::from(m.team_id))
                .collect(),
        )
        .await?;
    Ok(actor
        .memberships
        .iter()
        .map(|m| {
            let read = policies
                .iter()
                .find(|(id, _)| *id == m.team_id)
                .and_then(|(_, p)| serde_json::from_str::<crate::orgs::TeamPolicy>(p).ok())
                .map(|p| p.read_policy)
                .unwrap_or_default();
            app.auth_cache.put_read_policy(m.team_id, read, epoch);
            (m.team_id, read)
        })
        .collect())
}

/// Checks the actor's right to read a client (see the module docs) and
/// returns a grant, or audits the refusal and returns `Forbidden` (or
/// `NotFound` for no such client).
pub async fn open_client(
    app: &App,
    actor: &Actor,
    client_id: Uuid,
    purpose: Purpose,
) -> AppResult<ReadGrant> {
    let row = match &app.checks {
        // PostgreSQL: with the checks of other requests, in one query (see `checks`).
        Some(checks) => {
            let (lead, duty) = lead_and_duty(app, actor).await?;
            checks
                .check(checks::Check {
                    client: client_id,
                    staff: actor.staff_id,
                    today: today(),
                    lead,
                    duty,
                })
                .await?
        }
        None => {
            let v = visible(app, actor, "c", "$2", "$3", 4).await?;
            let sql = format!(
                "SELECT c.team_id, {} FROM clients c WHERE c.id = $1",
                v.basis_sql
            );
            let mut args = crate::args![client_id, actor.staff_id, today()];
            args.extend(v.args);
            app.db
                .fast_opt::<(Uuid, Option<String>)>(&sql, args)
                .await?
        }
    };
    let Some((team_id, basis)) = row else {
        let mut d = actor.audit("client.open", Outcome::Denied);
        d.client_id = Some(client_id);
        d.purpose = Some(purpose.code().to_string());
        d.resources = "none:no_such_client".into();
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    };
    let Some(basis) = basis.as_deref().and_then(ReadBasis::from_code) else {
        let mut d = actor.audit("client.open", Outcome::Denied);
        d.client_id = Some(client_id);
        d.purpose = Some(purpose.code().to_string());
        d.resources = "none:no_care_relationship".into();
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Du har ikke et aktivt behandlingsforhold til denne personen. Forsøket er logget.",
            "You have no active care relationship with this person. The attempt has been logged.",
        )));
    };
    Ok(ReadGrant {
        client_id,
        team_id,
        scope: scope_of(actor),
        purpose,
        basis,
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
    d.resources = format!("{resources},basis:{}", grant.basis.code());
    d
}

/// The scope of everything an actor reads: `Health` for health personnel (by an authorised
/// profession or by recorded employment in the health service to give care), `Basic` for
/// everyone else. Record grants, referral grants and episode texts all take it from here.
pub fn scope_of(actor: &Actor) -> Scope {
    scope_for(actor.health_personnel)
}
