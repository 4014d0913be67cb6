//! Keeping contact (issue 9): days since each person was last met against the team's
//! thresholds per level of effort, missed attempts in a row, and the "needs contact" list.
//!
//! Lists write ONE audit row naming every person shown ([`crate::audit::list_audit`]), not one
//! per person.

use std::collections::HashMap;

use benk_domain::{needs_contact_order, ContactThresholds, KeepingState, TeamRole};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::today;
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, Text};
use crate::store;
use crate::store::keeping::KeepingRow;
use crate::App;

/// At most this many people on the needs-contact list (the longest beyond first).
pub const MAX_LISTED: usize = 500;

/// A person's contact state for a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Keeping {
    /// Current level of effort (1–3) of the open episode, if any.
    pub level: Option<i64>,
    /// Days since the person was last met (never met: since inclusion; `None` without an
    /// open episode and never met).
    pub days_since_met: Option<i64>,
    /// When the person was last met.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_met_at: Option<DateTime<Utc>>,
    /// Whether the person has never been met.
    pub never_met: bool,
    /// Not-met contacts ("ikke truffet") since the last met one.
    pub missed_in_row: i64,
    /// The team's threshold for the level, in days (only with an open episode).
    pub threshold_days: Option<u32>,
    /// Whether the days since met are beyond the threshold.
    pub over_threshold: bool,
}

/// One person on the needs-contact list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NeedsContact {
    /// The person.
    pub client_id: Uuid,
    /// Name.
    pub name: String,
    /// Inclusion date of the open episode.
    #[schema(value_type = String, format = Date)]
    pub included_on: NaiveDate,
    /// Days beyond the threshold (0 or less: within it, listed for missed attempts).
    pub days_over: i64,
    /// The state.
    #[serde(flatten)]
    pub keeping: Keeping,
}

fn state(r: &KeepingRow, t: &ContactThresholds, today: NaiveDate) -> Option<KeepingState> {
    let since = match (r.last_met, r.included_on) {
        (Some(m), _) => crate::time::oslo_date(m),
        (None, Some(i)) => i,
        (None, None) => return None,
    };
    Some(KeepingState {
        days_since_met: (today - since).num_days().max(0),
        never_met: r.last_met.is_none(),
        missed_in_row: r.missed,
        threshold: t.days_for(r.level),
    })
}

fn keeping_of(r: &KeepingRow, t: &ContactThresholds, today: NaiveDate) -> Keeping {
    let s = state(r, t, today);
    let with_episode = r.included_on.is_some();
    Keeping {
        level: r.level,
        days_since_met: s.map(|s| s.days_since_met),
        last_met_at: r.last_met,
        never_met: r.last_met.is_none(),
        missed_in_row: r.missed,
        threshold_days: s.filter(|_| with_episode).map(|s| s.threshold),
        over_threshold: with_episode && s.is_some_and(|s| s.is_overdue()),
    }
}

async fn thresholds(app: &App, team: Uuid) -> AppResult<ContactThresholds> {
    Ok(crate::orgs::get_team(app, team)
        .await
        .map(|t| t.policy.contact_thresholds)
        .unwrap_or_default())
}

/// Whether a person belongs on the needs-contact list: beyond the threshold, or at least
/// two missed attempts in a row (the team should think again before the days run out).
pub fn needs_contact(s: &KeepingState) -> bool {
    s.is_overdue() || s.missed_in_row >= 2
}

/// The team's needs-contact list: the people with an open episode in the team that the
/// actor may see, beyond the threshold for their level or with two or more missed attempts
/// in a row, longest beyond first, ties by missed attempts. Only members of the team; a
/// refusal is audited. One audit row names every person shown (`keeping.needs_contact`).
pub async fn needs_contact_list(
    app: &App,
    actor: &Actor,
    team: Uuid,
) -> AppResult<Vec<NeedsContact>> {
    if !actor.memberships.iter().any(|m| m.team_id == team) {
        let mut d = actor.audit("keeping.needs_contact", Outcome::Denied);
        d.resources = format!("team:{team},none:not_a_member_of_the_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Du er ikke med i dette teamet. Forsøket er logget.",
            "You are not a member of this team. The attempt has been logged.",
        )));
    }
    let today = today();
    let t = thresholds(app, team).await?;
    let v = crate::access::visible(app, actor, "c", "$1", "$2", 7).await?;
    let rows = store::keeping::team_states(&app.db, v, team, actor.staff_id, today).await?;
    let mut listed: Vec<(KeepingState, &KeepingRow)> = rows
        .iter()
        .filter_map(|r| state(r, &t, today).map(|s| (s, r)))
        .filter(|(s, _)| needs_contact(s))
        .collect();
    listed.sort_by(|a, b| needs_contact_order(&a.0, &b.0));
    listed.truncate(MAX_LISTED);
    let shown: Vec<(Uuid, &str)> = listed
        .iter()
        .map(|(_, r)| (r.id, r.basis.as_str()))
        .collect();
    let mut audit = crate::audit::list_audit(
        actor,
        "keeping.needs_contact",
        "TREAT",
        &format!("team:{team},client:name,keeping"),
        &shown,
    );
    for d in &mut audit {
        d.actor_team_id = Some(team);
    }
    if !audit.is_empty() {
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    Ok(listed
        .into_iter()
        .map(|(s, r)| NeedsContact {
            client_id: r.id,
            name: r.name.clone(),
            included_on: r.included_on.unwrap_or(today),
            days_over: s.overdue_by(),
            keeping: keeping_of(r, &t, today),
        })
        .collect())
}

/// The contact state and next appointment of people a list has already shown (and
/// audited): read in two queries whatever the number of people.
pub async fn for_list(
    app: &App,
    clients: &[Uuid],
) -> AppResult<HashMap<Uuid, (Keeping, Option<(DateTime<Utc>, String)>)>> {
    let today = today();
    let rows = store::keeping::states_of(&app.db, clients, today).await?;
    let next = store::keeping::next_appointments(&app.db, clients, Utc::now()).await?;
    let mut policies: HashMap<Uuid, ContactThresholds> = HashMap::new();
    let mut out = HashMap::new();
    for r in &rows {
        let t = match policies.get(&r.team_id) {
            Some(t) => *t,
            None => {
                let t = thresholds(app, r.team_id).await?;
                policies.insert(r.team_id, t);
                t
            }
        };
        let n = next
            .iter()
            .find(|(c, ..)| *c == r.id)
            .map(|(_, at, kind)| (*at, kind.clone()));
        out.insert(r.id, (keeping_of(r, &t, today), n));
    }
    Ok(out)
}

/// The team the actor acts in by default for team lists (the first membership), if any.
pub fn default_team(actor: &Actor) -> Option<Uuid> {
    actor
        .memberships
        .iter()
        .find(|m| m.role != TeamRole::Administrator)
        .or(actor.memberships.first())
        .map(|m| m.team_id)
}
