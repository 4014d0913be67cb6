//! Ordinary services established or re-established for a person (`established_services`),
//! recorded at the intake decision or during the course.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;

/// One established service as stored.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct EstablishedRow {
    /// Id.
    pub id: Uuid,
    /// `EstablishedService` code (`gp`, `nav`, `home_services`, `housing_follow_up`,
    /// `dps_outpatient`, `substance_treatment`, `other`).
    pub service: String,
    /// Which service, or a note (required for `other`).
    pub note: Option<String>,
    /// When it was established.
    pub established_on: NaiveDate,
    /// Recorded with the intake decision (`true`) or during the course.
    pub at_intake: bool,
    /// The referral it counts for, if known.
    pub referral_id: Option<Uuid>,
}

const COLS: &str = "id, service, note, established_on, at_intake, referral_id";

/// A new established service.
#[derive(Debug, Clone)]
pub struct NewEstablished<'a> {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The referral it counts for.
    pub referral_id: Option<Uuid>,
    /// The person's record in the team, when there is one.
    pub client_id: Option<Uuid>,
    /// The episode it was recorded in.
    pub episode_id: Option<Uuid>,
    /// `EstablishedService` code.
    pub service: &'a str,
    /// Note.
    pub note: Option<&'a str>,
    /// Date.
    pub established_on: NaiveDate,
    /// Recorded at the decision.
    pub at_intake: bool,
    /// Who.
    pub recorded_by: Uuid,
    /// Their employer.
    pub owner_org_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts an established service.
pub fn insert(s: &NewEstablished<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO established_services (id, team_id, referral_id, client_id, episode_id, service, note, \
         established_on, at_intake, recorded_by, owner_org_id, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        crate::args![
            s.id,
            s.team_id,
            s.referral_id,
            s.client_id,
            s.episode_id,
            s.service,
            s.note,
            s.established_on,
            s.at_intake,
            s.recorded_by,
            s.owner_org_id,
            s.at
        ],
    )
}

/// The services established for a person's record in a team, newest first.
pub async fn for_client(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Vec<EstablishedRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {COLS} FROM established_services WHERE client_id = $1 AND team_id = $2 \
             ORDER BY established_on DESC, recorded_at DESC"
        ),
        crate::args![client, team],
    )
    .await
}

/// The services established at the decision on a referral, in the order recorded.
pub async fn for_referral(
    mut ex: impl Exec,
    referral: Uuid,
) -> Result<Vec<EstablishedRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {COLS} FROM established_services WHERE referral_id = $1 AND at_intake = $2 \
             ORDER BY recorded_at, id"
        ),
        crate::args![referral, true],
    )
    .await
}
