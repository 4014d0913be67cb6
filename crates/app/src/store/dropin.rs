//! The drop-in aggregate: `dropin_tallies` (anonymous counts per service per day) and
//! `dropin_visit_services` (what a known person used at a visit logged as a contact).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::dropin::TallyRow;

/// Sets one service's count for a day (replacing what was there: the form is the day's sheet).
pub fn set_tally(
    team: Uuid,
    day: NaiveDate,
    service: &str,
    tally: i64,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO dropin_tallies (team_id, day, service, tally, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (team_id, day, service) DO UPDATE SET tally = excluded.tally, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        crate::args![team, day, service, tally, by, at],
    )
}

/// The team's counts from `from` through `to`, by day and service.
pub async fn tallies(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TallyRow>, sqlx::Error> {
    ex.all(
        "SELECT day, service, CAST(tally AS BIGINT) AS tally FROM dropin_tallies \
         WHERE team_id = $1 AND day >= $2 AND day <= $3 ORDER BY day DESC, service",
        crate::args![team, from, to],
    )
    .await
}

/// One service a known person used at a visit (the visit is a `drop_in` contact).
pub fn insert_visit_service(contact: Uuid, service: &str) -> Stmt {
    Stmt::new(
        "INSERT INTO dropin_visit_services (contact_id, service) VALUES ($1, $2)",
        crate::args![contact, service],
    )
}

/// The visit itself: a contact of kind `drop_in`, met, at the drop-in centre.
#[allow(clippy::too_many_arguments)]
pub fn insert_visit_contact(
    id: Uuid,
    client: Uuid,
    team: Uuid,
    occurred_at: DateTime<Utc>,
    place: &str,
    by: Uuid,
    owner_org: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, met, place, logged_by, \
         owner_org_id, created_at) VALUES ($1, $2, $3, $4, 0, 'drop_in', $5, $6, $7, $8, $9)",
        crate::args![id, client, team, occurred_at, true, place, by, owner_org, at],
    )
}

/// The staff member who logged the visit took part in it.
pub fn insert_visit_staff(contact: Uuid, staff: Uuid) -> Stmt {
    Stmt::new(
        "INSERT INTO contact_staff (contact_id, staff_id) VALUES ($1, $2)",
        crate::args![contact, staff],
    )
}

/// A person's drop-in visits (contact id, when, service codes joined by commas), newest first.
pub async fn visits_of(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Vec<(Uuid, DateTime<Utc>, String)>, sqlx::Error> {
    let rows: Vec<(Uuid, DateTime<Utc>, Option<String>)> = ex
        .all(
            "SELECT c.id, c.occurred_at, v.service FROM contacts c \
             LEFT JOIN dropin_visit_services v ON v.contact_id = c.id \
             WHERE c.client_id = $1 AND c.kind = 'drop_in' ORDER BY c.occurred_at DESC, v.service",
            crate::args![client],
        )
        .await?;
    let mut out: Vec<(Uuid, DateTime<Utc>, String)> = Vec::new();
    for (id, at, service) in rows {
        match out.last_mut() {
            Some(last) if last.0 == id => {
                if let Some(s) = service {
                    if !last.2.is_empty() {
                        last.2.push(',');
                    }
                    last.2.push_str(&s);
                }
            }
            _ => out.push((id, at, service.unwrap_or_default())),
        }
    }
    Ok(out)
}
