//! The registry-events aggregate: `registry_events` (inpatient stays, emergency visits,
//! police events, prison stays), with corrections and retractions as new rows.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;

/// One stored registry event (a current version unless read by id).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    /// Id.
    pub id: Uuid,
    /// Client.
    pub client_id: Uuid,
    /// `RegistryKind` code.
    pub kind: String,
    /// Admission, day of the visit or event, start of the prison stay.
    pub starts_on: NaiveDate,
    /// Discharge or release; `None` while it lasts (and for single-day kinds).
    pub ends_on: Option<NaiveDate>,
    /// Inpatient: the institution.
    pub institution: Option<String>,
    /// Inpatient: under compulsory care.
    pub compulsory: Option<bool>,
    /// Inpatient: the legal basis of compulsory care, if given.
    pub legal_basis: Option<String>,
    /// Emergency: `EmergencyPlace` code.
    pub place: Option<String>,
    /// Police: `PoliceKind` code.
    pub police_kind: Option<String>,
    /// The version this one corrects.
    pub supersedes_id: Option<Uuid>,
    /// Why it was corrected.
    pub reason: Option<String>,
    /// `manual` or `import`.
    pub source: String,
    /// Author.
    pub recorded_by: Uuid,
    /// Author's name.
    pub recorded_by_name: String,
    /// The employer that owns it.
    pub owner_org_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether a later row supersedes it.
    pub superseded: bool,
    /// Whether this row retracts the one it supersedes.
    pub retracted: bool,
}

const COLS: &str = "r.id, r.client_id, r.kind, r.starts_on, r.ends_on, r.institution, r.compulsory, r.legal_basis, \
     r.place, r.police_kind, r.supersedes_id, r.reason, r.source, r.recorded_by, s.name AS recorded_by_name, \
     o.name AS owner_org_name, r.created_at, \
     EXISTS (SELECT 1 FROM registry_events n WHERE n.supersedes_id = r.id) AS superseded, r.retracted \
     FROM registry_events r JOIN staff s ON s.id = r.recorded_by JOIN organisations o ON o.id = r.owner_org_id";

/// Current: neither superseded nor retracted.
pub(crate) const CURRENT: &str =
    "NOT r.retracted AND NOT EXISTS (SELECT 1 FROM registry_events n WHERE n.supersedes_id = r.id)";

/// An event's facts as checked, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// `RegistryKind` code.
    pub kind: &'static str,
    /// First (or only) day.
    pub starts_on: NaiveDate,
    /// Last day of a stay.
    pub ends_on: Option<NaiveDate>,
    /// Inpatient: institution.
    pub institution: Option<String>,
    /// Inpatient: compulsory care.
    pub compulsory: Option<bool>,
    /// Inpatient: legal basis.
    pub legal_basis: Option<String>,
    /// Emergency: place code.
    pub place: Option<&'static str>,
    /// Police: kind code.
    pub police_kind: Option<&'static str>,
}

/// Who recorded a row, for whom, and when.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    /// Client.
    pub client: Uuid,
    /// The client's team.
    pub team: Uuid,
    /// Staff member.
    pub by: Uuid,
    /// Their employer.
    pub owner_org: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts an event; `supersedes` (id, reason) for a correction; `external_id` for an import
/// (which marks the row's source `import`).
pub fn insert(
    id: Uuid,
    r: Recorded,
    f: &Facts,
    supersedes: Option<(Uuid, &str)>,
    external_id: Option<&str>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO registry_events (id, client_id, team_id, kind, starts_on, ends_on, institution, compulsory, \
         legal_basis, place, police_kind, supersedes_id, retracted, reason, source, recorded_by, owner_org_id, \
         created_at, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        crate::args![
            id,
            r.client,
            r.team,
            f.kind,
            f.starts_on,
            f.ends_on,
            f.institution.as_deref(),
            f.compulsory,
            f.legal_basis.as_deref(),
            f.place,
            f.police_kind,
            supersedes.map(|s| s.0),
            false,
            supersedes.map(|s| s.1),
            if external_id.is_some() {
                "import"
            } else {
                "manual"
            },
            r.by,
            r.owner_org,
            r.at,
            external_id
        ],
    )
}

/// Retracts an event: a row that copies it, marked retracted, superseding it (one row, or
/// `NotFound` when the event is not the client's).
pub fn retract(
    id: Uuid,
    of: Uuid,
    client: Uuid,
    reason: &str,
    by: Uuid,
    org: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::one(
        "INSERT INTO registry_events (id, client_id, team_id, kind, starts_on, ends_on, institution, compulsory, \
         legal_basis, place, police_kind, supersedes_id, retracted, reason, source, recorded_by, owner_org_id, created_at) \
         SELECT $1, client_id, team_id, kind, starts_on, ends_on, institution, compulsory, legal_basis, place, \
         police_kind, id, $4, $5, $6, $7, $8, $9 FROM registry_events WHERE id = $2 AND client_id = $3",
        crate::args![id, of, client, true, reason, "manual", by, org, at],
    )
}

/// A person's current events, oldest first.
pub async fn current(mut ex: impl Exec, client: Uuid) -> Result<Vec<EventRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {COLS} WHERE r.client_id = $1 AND {CURRENT} \
             ORDER BY r.starts_on, r.created_at, r.id"
        ),
        crate::args![client],
    )
    .await
}

/// The person's current stays of one kind (first and last day, id), for the overlap check:
/// run inside the writer command that inserts, so the check and the insert are one
/// transaction.
pub async fn stays(
    mut ex: impl Exec,
    client: Uuid,
    kind: &str,
) -> Result<Vec<(Uuid, NaiveDate, Option<NaiveDate>)>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT r.id, r.starts_on, r.ends_on FROM registry_events r \
             WHERE r.client_id = $1 AND r.kind = $2 AND {CURRENT} ORDER BY r.starts_on, r.id"
        ),
        crate::args![client, kind],
    )
    .await
}

/// The current stays (inpatient and prison) of every person of a team: (client, kind, first
/// day, last day), for the importer's overlap check.
pub async fn team_stays(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, String, NaiveDate, Option<NaiveDate>)>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT r.client_id, r.kind, r.starts_on, r.ends_on FROM registry_events r \
             WHERE r.client_id IN (SELECT c.id FROM clients c WHERE c.team_id = $1) \
             AND r.kind IN ('inpatient', 'prison') AND {CURRENT} ORDER BY r.client_id, r.starts_on, r.id"
        ),
        crate::args![team],
    )
    .await
}

/// One stored version of an event of the client (current or not).
pub async fn by_id(
    mut ex: impl Exec,
    client: Uuid,
    id: Uuid,
) -> Result<Option<EventRow>, sqlx::Error> {
    ex.opt(
        &format!("SELECT {COLS} WHERE r.id = $1 AND r.client_id = $2"),
        crate::args![id, client],
    )
    .await
}

/// Which client an event belongs to.
pub async fn client_of(mut ex: impl Exec, id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    ex.opt(
        "SELECT client_id FROM registry_events WHERE id = $1",
        crate::args![id],
    )
    .await
    .map(|r: Option<(Uuid,)>| r.map(|t| t.0))
}
