//! The appointments aggregate: `appointments`, `appointment_staff` and `calendar_feeds`.
//!
//! The purpose text is health content: it is read only when the caller asks for it
//! (`with_purpose`), otherwise the column comes back NULL without being read.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

/// The columns of [`AppointmentRow`] on `appointments a`; the purpose only when asked for.
fn cols(with_purpose: bool) -> String {
    let purpose = if with_purpose {
        "a.purpose"
    } else {
        "CAST(NULL AS TEXT) AS purpose"
    };
    format!(
        "a.id, a.client_id, a.team_id, a.starts_at, a.ends_at, a.kind, a.place, {purpose}, \
         a.created_by, a.created_at, a.cancelled_at"
    )
}

/// An appointment as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppointmentRow {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The person's team.
    pub team_id: Uuid,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// `ContactKind` code.
    pub kind: String,
    /// Where.
    pub place: Option<String>,
    /// Purpose (health content; `None` unless read with it).
    pub purpose: Option<String>,
    /// Who planned it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Cancelled, if so.
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// The fields of a new or changed appointment, already checked.
#[derive(Debug, Clone)]
pub struct AppointmentFields<'a> {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// `ContactKind` code.
    pub kind: &'static str,
    /// Where.
    pub place: Option<&'a str>,
    /// Purpose (health content).
    pub purpose: Option<&'a str>,
}

/// Inserts an appointment (its staff are separate statements).
#[allow(clippy::too_many_arguments)]
pub fn insert(
    id: Uuid,
    client: Uuid,
    team: Uuid,
    f: &AppointmentFields<'_>,
    by: Uuid,
    owner_org: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO appointments (id, client_id, team_id, starts_at, ends_at, kind, place, purpose, \
         created_by, owner_org_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        crate::args![
            id,
            client,
            team,
            f.starts_at,
            f.ends_at,
            f.kind,
            f.place,
            f.purpose,
            by,
            owner_org,
            at
        ],
    )
}

/// Adds a staff member to an appointment.
pub fn insert_staff(appointment: Uuid, staff: Uuid) -> Stmt {
    Stmt::new(
        "INSERT INTO appointment_staff (appointment_id, staff_id) VALUES ($1, $2)",
        crate::args![appointment, staff],
    )
}

/// Removes every staff member from an appointment (before naming them again).
pub fn delete_staff(appointment: Uuid) -> Stmt {
    Stmt::new(
        "DELETE FROM appointment_staff WHERE appointment_id = $1",
        crate::args![appointment],
    )
}

/// Changes a planned appointment of the person; must touch exactly one row (a cancelled one,
/// or one of another person, is `NotFound`). With `with_purpose` the purpose is replaced,
/// otherwise left as it is.
pub fn update(
    id: Uuid,
    client: Uuid,
    f: &AppointmentFields<'_>,
    with_purpose: bool,
    at: DateTime<Utc>,
) -> Stmt {
    let sql = if with_purpose {
        "UPDATE appointments SET starts_at = $3, ends_at = $4, kind = $5, place = $6, \
         purpose = $7, updated_at = $8 WHERE id = $1 AND client_id = $2 AND cancelled_at IS NULL"
    } else {
        "UPDATE appointments SET starts_at = $3, ends_at = $4, kind = $5, place = $6, \
         updated_at = $8 WHERE id = $1 AND client_id = $2 AND cancelled_at IS NULL AND $7 IS NULL"
    };
    Stmt::one(
        sql,
        crate::args![
            id,
            client,
            f.starts_at,
            f.ends_at,
            f.kind,
            f.place,
            if with_purpose { f.purpose } else { None },
            at
        ],
    )
}

/// Cancels a planned appointment of the person; must touch exactly one row.
pub fn cancel(id: Uuid, client: Uuid, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE appointments SET cancelled_at = $3, cancelled_by = $4, updated_at = $3 \
         WHERE id = $1 AND client_id = $2 AND cancelled_at IS NULL",
        crate::args![id, client, at, by],
    )
}

/// One appointment of a person.
pub async fn by_id(
    mut ex: impl Exec,
    id: Uuid,
    client: Uuid,
    with_purpose: bool,
) -> Result<Option<AppointmentRow>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {} FROM appointments a WHERE a.id = $1 AND a.client_id = $2",
            cols(with_purpose)
        ),
        crate::args![id, client],
    )
    .await
}

/// A person's appointments ending after `from` (cancelled ones too), by start.
pub async fn for_client(
    mut ex: impl Exec,
    client: Uuid,
    from: DateTime<Utc>,
    with_purpose: bool,
) -> Result<Vec<AppointmentRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {} FROM appointments a WHERE a.client_id = $1 AND a.ends_at >= $2 \
             ORDER BY a.starts_at, a.id LIMIT 200",
            cols(with_purpose)
        ),
        crate::args![client, from],
    )
    .await
}

/// The staff taking part in a person's appointments ending after `from`:
/// (appointment, staff id, name).
pub async fn staff_for_client(
    mut ex: impl Exec,
    client: Uuid,
    from: DateTime<Utc>,
) -> Result<Vec<(Uuid, Uuid, String)>, sqlx::Error> {
    ex.all(
        "SELECT x.appointment_id, s.id, s.name FROM appointment_staff x \
         JOIN appointments a ON a.id = x.appointment_id JOIN staff s ON s.id = x.staff_id \
         WHERE a.client_id = $1 AND a.ends_at >= $2 ORDER BY s.name",
        crate::args![client, from],
    )
    .await
}

/// A row of a worker's own appointments, with the person's name and the basis on which
/// the worker sees the person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MineRow {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The person's name.
    pub client_name: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// `ContactKind` code.
    pub kind: String,
    /// Where.
    pub place: Option<String>,
    /// Purpose (health content; `None` unless read with it).
    pub purpose: Option<String>,
    /// `ReadBasis` code.
    pub basis: String,
}

/// The planned (not cancelled) appointments a worker takes part in that start in
/// `[from, to)`, of the people the rule `v` lets the worker see, by start.
/// `v` must be built for alias `c` with staff `$1`, date `$2` and further values from `$6`.
#[allow(clippy::too_many_arguments)]
pub async fn mine(
    mut ex: impl Exec,
    v: Visible,
    staff: Uuid,
    today: chrono::NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    with_purpose: bool,
    limit: i64,
) -> Result<Vec<MineRow>, sqlx::Error> {
    let purpose = if with_purpose {
        "a.purpose"
    } else {
        "CAST(NULL AS TEXT)"
    };
    let sql = format!(
        "SELECT id, client_id, client_name, starts_at, ends_at, kind, place, purpose, basis FROM \
         (SELECT a.id, a.client_id, c.name AS client_name, a.starts_at, a.ends_at, a.kind, a.place, \
         {purpose} AS purpose, {} AS basis FROM appointment_staff x \
         JOIN appointments a ON a.id = x.appointment_id JOIN clients c ON c.id = a.client_id \
         WHERE x.staff_id = $1 AND a.cancelled_at IS NULL AND a.starts_at >= $3 AND a.starts_at < $4) v \
         WHERE basis IS NOT NULL ORDER BY starts_at, id LIMIT $5",
        v.basis_sql
    );
    let mut args = crate::args![staff, today, from, to, limit];
    args.extend(v.args);
    ex.all(&sql, args).await
}

/// The worker whose calendar feed has this token hash.
pub async fn feed_owner(mut ex: impl Exec, token_hash: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(Uuid,)> = ex
        .opt(
            "SELECT staff_id FROM calendar_feeds WHERE token_hash = $1",
            crate::args![token_hash.to_string()],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// When the worker's feed was made, if there is one.
pub async fn feed_created(
    mut ex: impl Exec,
    staff: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(DateTime<Utc>,)> = ex
        .opt(
            "SELECT created_at FROM calendar_feeds WHERE staff_id = $1",
            crate::args![staff],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Makes (or replaces) the worker's feed: the old token stops working.
pub fn set_feed(staff: Uuid, token_hash: &str, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO calendar_feeds (staff_id, token_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (staff_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
        crate::args![staff, token_hash.to_string(), at],
    )
}

/// Removes the worker's feed; must touch exactly one row.
pub fn delete_feed(staff: Uuid) -> Stmt {
    Stmt::one(
        "DELETE FROM calendar_feeds WHERE staff_id = $1",
        crate::args![staff],
    )
}
