//! Keeping contact: days since the person was last met, missed attempts in a row, the
//! current level of effort and the next appointment, read from `contacts`,
//! `episodes`/`episode_levels` and `appointments`.
//!
//! One query per list, never one per person: each person's newest met contact is a seek on
//! `contacts_client_met_time (client_id, met, occurred_at)`, and the not-met contacts after
//! it a range scan on the same index.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

/// One person's contact state as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeepingRow {
    /// The person.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The person's team.
    pub team_id: Uuid,
    /// Inclusion date of the open episode (`None`: no open episode in the team).
    pub included_on: Option<NaiveDate>,
    /// Current level of effort of the open episode.
    pub level: Option<i64>,
    /// The newest contact where the person was met.
    pub last_met: Option<DateTime<Utc>>,
    /// Not-met contacts after it (all of them, never met).
    pub missed: i64,
    /// `ReadBasis` code (the needs-contact list), or empty.
    pub basis: String,
}

/// The inner columns of one person's state, on `clients c` and its open episode `e`, with
/// `{tr}` bound to true and `{today}` to today's date.
fn inner_cols(tr: &str, today: &str) -> String {
    format!(
        "c.id, c.name, c.name_search, c.team_id, e.included_on, \
         (SELECT CAST(l.level AS BIGINT) FROM episode_levels l WHERE l.episode_id = e.id AND l.from_date <= {today} \
          ORDER BY l.from_date DESC, l.set_at DESC LIMIT 1) AS level, \
         (SELECT MAX(k.occurred_at) FROM contacts k WHERE k.client_id = c.id AND k.met = {tr}) AS last_met"
    )
}

/// The outer columns over the inner ones (`v`): the not-met contacts after the last met one
/// (`{fa}` bound to false, `{epoch}` to a time before any contact).
fn outer_cols(fa: &str, epoch: &str) -> String {
    format!(
        "v.id, v.name, v.team_id, v.included_on, v.level, v.last_met, \
         CAST((SELECT COUNT(*) FROM contacts k WHERE k.client_id = v.id AND k.met = {fa} \
          AND k.occurred_at > COALESCE(v.last_met, {epoch})) AS BIGINT) AS missed"
    )
}

/// A time before any contact, for people never met.
fn epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(0, 0).unwrap_or_default()
}

/// The people of a team with an open episode that the rule `v` lets the reader see, with
/// their contact state. `v` must be built for alias `c` with staff `$1`, date `$2` and further
/// values from `$7`.
pub async fn team_states(
    mut ex: impl Exec,
    v: Visible,
    team: Uuid,
    staff: Uuid,
    today: NaiveDate,
) -> Result<Vec<KeepingRow>, sqlx::Error> {
    // MATERIALIZED: the missed-attempts count must see `v.last_met` as a value. Flattened
    // (SQLite does that to a plain subquery), the MAX subquery was evaluated again for every
    // contact the count looked at: quadratic in a person's contacts (1.4 s for 21 people with
    // 2 400 contacts each, against an index range scan when materialized).
    let sql = format!(
        "WITH v AS MATERIALIZED \
         (SELECT {}, {} AS basis FROM clients c JOIN episodes e ON e.client_id = c.id AND e.team_id = c.team_id \
          AND e.closed_on IS NULL WHERE c.team_id = $3) \
         SELECT {}, v.basis FROM v WHERE v.basis IS NOT NULL ORDER BY v.name_search",
        inner_cols("$4", "$2"),
        v.basis_sql,
        outer_cols("$5", "$6"),
    );
    let mut args = crate::args![staff, today, team, true, false, epoch()];
    args.extend(v.args);
    ex.all(&sql, args).await
}

/// The contact state of the given people (already shown to the reader by a list that
/// started from the visibility rule). The open episode is the person's in their own team.
pub async fn states_of(
    mut ex: impl Exec,
    clients: &[Uuid],
    today: NaiveDate,
) -> Result<Vec<KeepingRow>, sqlx::Error> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let ph: Vec<String> = (0..clients.len()).map(|i| format!("${}", i + 5)).collect();
    // MATERIALIZED for the same reason as in `team_states`.
    let sql = format!(
        "WITH v AS MATERIALIZED \
         (SELECT {} FROM clients c LEFT JOIN episodes e ON e.client_id = c.id AND e.team_id = c.team_id \
          AND e.closed_on IS NULL WHERE c.id IN ({})) \
         SELECT {}, '' AS basis FROM v",
        inner_cols("$2", "$1"),
        ph.join(", "),
        outer_cols("$3", "$4"),
    );
    let mut args = crate::args![today, true, false, epoch()];
    args.extend(clients.iter().map(|c| crate::db::Val::from(*c)));
    ex.all(&sql, args).await
}

/// The next planned appointment of each of the given people from `from`: (person, start,
/// kind).
pub async fn next_appointments(
    mut ex: impl Exec,
    clients: &[Uuid],
    from: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>, String)>, sqlx::Error> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let ph: Vec<String> = (0..clients.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT a.client_id, a.starts_at, a.kind FROM appointments a WHERE a.client_id IN ({}) \
         AND a.cancelled_at IS NULL AND a.starts_at = (SELECT MIN(b.starts_at) FROM appointments b \
         WHERE b.client_id = a.client_id AND b.cancelled_at IS NULL AND b.starts_at >= $1)",
        ph.join(", ")
    );
    let mut args = crate::args![from];
    args.extend(clients.iter().map(|c| crate::db::Val::from(*c)));
    ex.all(&sql, args).await
}

/// A contact row for tests and the demo (the contact-logging pages are another part of
/// issue 9): no staff, no topics.
#[allow(clippy::too_many_arguments)]
pub fn insert_contact_for_test(
    id: Uuid,
    client: Uuid,
    team: Uuid,
    occurred_at: DateTime<Utc>,
    kind: &'static str,
    met: bool,
    logged_by: Uuid,
    owner_org: Uuid,
) -> Stmt {
    Stmt::new(
        "INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, met, place, \
         logged_by, owner_org_id, created_at) VALUES ($1, $2, $3, $4, 30, $5, $6, NULL, $7, $8, $4)",
        crate::args![id, client, team, occurred_at, kind, met, logged_by, owner_org],
    )
}
