//! What the importers read and write that no other store has: the external ids already in a
//! team, the people an import file may name, and the rows of a `people` import (a person,
//! their referral and their course, each carrying the row's `external_id`). Measures and SPoR
//! interviews are written with `store::measures`' own statements.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;

/// The `external_id`s already used in one team by the table an import kind writes.
pub async fn external_ids(
    mut ex: impl Exec,
    table: ExternalTable,
    team: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = match table {
        ExternalTable::Clients => {
            "SELECT external_id FROM clients WHERE team_id = $1 AND external_id IS NOT NULL"
        }
        ExternalTable::Measures => {
            "SELECT external_id FROM measures WHERE team_id = $1 AND external_id IS NOT NULL"
        }
        ExternalTable::SporInterviews => {
            "SELECT external_id FROM spor_interviews WHERE team_id = $1 AND external_id IS NOT NULL"
        }
        ExternalTable::RegistryEvents => {
            "SELECT external_id FROM registry_events WHERE team_id = $1 AND external_id IS NOT NULL"
        }
    };
    let rows: Vec<(String,)> = ex.all(sql, crate::args![team]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A table whose rows an import writes under an `external_id`.
#[derive(Debug, Clone, Copy)]
pub enum ExternalTable {
    /// People (and with them their referral and course).
    Clients,
    /// GAF, ORS, SRS.
    Measures,
    /// SPoR interviews.
    SporInterviews,
    /// Registry events.
    RegistryEvents,
}

/// A person of the team an import row may name: id, external id, national id, name, birth
/// year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRef {
    /// Client id.
    pub id: Uuid,
    /// From an earlier import.
    pub external_id: Option<String>,
    /// National id.
    pub national_id: Option<String>,
}

/// Every person in the team, for resolving the `person_external_id` / `national_id` columns.
pub async fn people(mut ex: impl Exec, team: Uuid) -> Result<Vec<PersonRef>, sqlx::Error> {
    ex.all(
        "SELECT id, external_id, national_id FROM clients WHERE team_id = $1",
        crate::args![team],
    )
    .await
}

/// The (round, person) pairs already interviewed in the team.
pub async fn interviewed(mut ex: impl Exec, team: Uuid) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    ex.all(
        "SELECT round_id, client_id FROM spor_interviews WHERE team_id = $1",
        crate::args![team],
    )
    .await
}

/// A person from a `people` row.
#[derive(Debug, Clone)]
pub struct NewPerson<'a> {
    /// Client id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The row's external id.
    pub external_id: &'a str,
    /// Name.
    pub name: &'a str,
    /// National id.
    pub national_id: Option<&'a str>,
    /// `fodselsnummer` or `d_number`.
    pub national_id_kind: Option<&'a str>,
    /// Birth year.
    pub birth_year: Option<i64>,
    /// Municipality.
    pub municipality: Option<&'a str>,
    /// Who imported.
    pub by: Uuid,
    /// Their employer.
    pub owner_org_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts the person.
pub fn insert_person(p: &NewPerson<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO clients (id, team_id, name, name_search, national_id, national_id_kind, birth_year, \
         municipality, owner_org_id, created_by, created_at, updated_at, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
        crate::args![
            p.id,
            p.team_id,
            p.name,
            p.name.to_lowercase(),
            p.national_id,
            p.national_id_kind,
            p.birth_year,
            p.municipality,
            p.owner_org_id,
            p.by,
            p.at,
            p.external_id
        ],
    )
}

/// The referral that came before an imported course: decided, linked to the person.
#[derive(Debug, Clone)]
pub struct NewImportedReferral<'a> {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The row's external id.
    pub external_id: &'a str,
    /// The person.
    pub client_id: Uuid,
    /// Received.
    pub received_on: NaiveDate,
    /// `AgencyKind` code.
    pub agency_kind: &'a str,
    /// Who referred, as the file can say it (the agency kind's label).
    pub referrer_name: &'a str,
    /// The person's name, national id and birth year as on the referral.
    pub person_name: &'a str,
    /// National id.
    pub person_national_id: Option<&'a str>,
    /// Birth year.
    pub person_birth_year: Option<i64>,
    /// Housing at referral.
    pub housing_situation: Option<&'a str>,
    /// Why (health content): that it was imported.
    pub reason: &'a str,
    /// Who imported.
    pub by: Uuid,
    /// The decision's time (the status change).
    pub decided_at: DateTime<Utc>,
}

/// Inserts the referral, already decided.
pub fn insert_referral(r: &NewImportedReferral<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO referrals (id, team_id, receipt_number, received_at, received_on, channel, registered_by, \
         referrer_name, agency_kind, person_name, person_national_id, person_birth_year, housing_situation, reason, \
         person_knows, person_agrees, urgency, status, status_changed_at, client_id, external_id) \
         VALUES ($1, $2, $3, $4, $5, 'other', $6, $7, $8, $9, $10, $11, $12, $13, 'unknown', 'unknown', 'normal', \
         'decided', $14, $15, $16)",
        crate::args![
            r.id,
            r.team_id,
            format!("IMP-{}", r.id.simple()),
            r.received_on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc(),
            r.received_on,
            r.by,
            r.referrer_name,
            r.agency_kind,
            r.person_name,
            r.person_national_id,
            r.person_birth_year,
            r.housing_situation,
            r.reason,
            r.decided_at,
            r.client_id,
            r.external_id
        ],
    )
}

/// The course of an imported person.
#[derive(Debug, Clone)]
pub struct NewImportedEpisode<'a> {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The row's external id.
    pub external_id: &'a str,
    /// The person.
    pub client_id: Uuid,
    /// The referral (None: the person came before the team recorded referrals).
    pub referral_id: Option<Uuid>,
    /// Included.
    pub included_on: NaiveDate,
    /// Closed, with the `CloseReason` code.
    pub closed: Option<(NaiveDate, &'a str)>,
    /// Who imported.
    pub by: Uuid,
    /// Their employer.
    pub owner_org_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts the course (a second open course of the person fails with `Conflict`).
pub fn insert_episode(e: &NewImportedEpisode<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO episodes (id, client_id, team_id, referral_id, included_on, closed_on, close_reason, \
         created_by, owner_org_id, created_at, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        crate::args![
            e.id,
            e.client_id,
            e.team_id,
            e.referral_id,
            e.included_on,
            e.closed.map(|c| c.0),
            e.closed.map(|c| c.1),
            e.by,
            e.owner_org_id,
            e.at,
            e.external_id
        ],
    )
}
