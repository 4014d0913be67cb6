//! The referral aggregate: `referrals`, `referral_diagnoses` and the team's
//! register of referring `agencies`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::referrals::{Agency, Referral, ReferralHealth, ReferralSummary};

/// The columns of [`Agency`].
const AGENCY_COLS: &str = "id, kind, name, active";

/// The administrative columns of [`Referral`], on `referrals r` with its agency `a`.
/// Health content is not among them: see [`HEALTH_COLS`].
const ADMIN_COLS: &str = "r.id, r.team_id, r.receipt_number, r.received_at, r.received_on, r.channel, r.referrer_name, \
     r.referrer_role, r.referrer_phone, r.referrer_email, r.agency_id, a.name AS agency_name, r.agency_kind, r.person_name, \
     r.person_national_id, CAST(r.person_birth_year AS BIGINT) AS person_birth_year, r.person_phone, r.person_whereabouts, \
     r.housing_situation, r.person_knows, r.person_agrees, r.urgency, r.status, r.client_id";

/// The health columns of [`ReferralHealth`] (diagnoses come from `referral_diagnoses`).
const HEALTH_COLS: &str = "reason, current_services, substance_use, mental_health";

/// The columns of [`ReferralSummary`], on `referrals r`, agency `a` and decision `d`.
const SUMMARY_COLS: &str =
    "r.id, r.receipt_number, r.received_on, r.status, r.urgency, r.agency_kind, \
     a.name AS agency_name, r.person_name, d.outcome";

const INSERT: &str = "INSERT INTO referrals (id, team_id, receipt_number, received_at, received_on, channel, registered_by, \
     referrer_name, referrer_role, referrer_phone, referrer_email, agency_id, agency_kind, person_name, person_national_id, \
     person_birth_year, person_phone, person_whereabouts, reason, current_services, housing_situation, substance_use, \
     mental_health, person_knows, person_agrees, urgency, status, status_changed_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
     $24, $25, $26, 'new', $4)";

/// A new referral, status `new` (codes and texts already validated by the use case).
#[derive(Debug, Clone)]
pub struct NewReferral<'a> {
    /// Id.
    pub id: Uuid,
    /// The team referred to.
    pub team_id: Uuid,
    /// Receipt number (unique).
    pub receipt_number: &'a str,
    /// Received (instant, also the first status change).
    pub received_at: DateTime<Utc>,
    /// Received (date).
    pub received_on: NaiveDate,
    /// `ReferralChannel` code.
    pub channel: &'a str,
    /// Staff member who registered it (None: the public form).
    pub registered_by: Option<Uuid>,
    /// Referrer.
    pub referrer_name: &'a str,
    /// Referrer's role.
    pub referrer_role: Option<&'a str>,
    /// Referrer's phone.
    pub referrer_phone: Option<&'a str>,
    /// Referrer's e-mail.
    pub referrer_email: Option<&'a str>,
    /// Agency from the register.
    pub agency_id: Option<Uuid>,
    /// `AgencyKind` code.
    pub agency_kind: &'a str,
    /// The person's name.
    pub person_name: Option<&'a str>,
    /// National id.
    pub person_national_id: Option<&'a str>,
    /// Birth year.
    pub person_birth_year: Option<i64>,
    /// Phone.
    pub person_phone: Option<&'a str>,
    /// Where to find the person.
    pub person_whereabouts: Option<&'a str>,
    /// Why (health content).
    pub reason: &'a str,
    /// Services now (health content).
    pub current_services: Option<&'a str>,
    /// Housing.
    pub housing_situation: Option<&'a str>,
    /// Substance use (health content).
    pub substance_use: Option<&'a str>,
    /// Mental health (health content).
    pub mental_health: Option<&'a str>,
    /// `Knowledge` code.
    pub person_knows: &'a str,
    /// `Knowledge` code.
    pub person_agrees: &'a str,
    /// `Urgency` code.
    pub urgency: &'a str,
}

/// Inserts a referral with status `new`.
pub fn insert(r: &NewReferral<'_>) -> Stmt {
    Stmt::new(
        INSERT,
        crate::args![
            r.id,
            r.team_id,
            r.receipt_number,
            r.received_at,
            r.received_on,
            r.channel,
            r.registered_by,
            r.referrer_name,
            r.referrer_role,
            r.referrer_phone,
            r.referrer_email,
            r.agency_id,
            r.agency_kind,
            r.person_name,
            r.person_national_id,
            r.person_birth_year,
            r.person_phone,
            r.person_whereabouts,
            r.reason,
            r.current_services,
            r.housing_situation,
            r.substance_use,
            r.mental_health,
            r.person_knows,
            r.person_agrees,
            r.urgency
        ],
    )
}

/// Records a known diagnosis (ICD-10 code) on a referral.
pub fn insert_diagnosis(referral: Uuid, code: &str) -> Stmt {
    Stmt::new(
        "INSERT INTO referral_diagnoses (referral_id, code) VALUES ($1, $2)",
        crate::args![referral, code],
    )
}

/// Moves a `new` referral of the team to `under_assessment`; must touch exactly one row.
pub fn start_assessment(id: Uuid, team: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE referrals SET status = 'under_assessment', status_changed_at = $3 WHERE id = $1 AND team_id = $2 AND status = 'new'",
        crate::args![id, team, at],
    )
}

/// Marks a referral decided; must touch exactly one row (a referral decided twice fails with `NotFound`).
pub fn mark_decided(id: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE referrals SET status = 'decided', status_changed_at = $2 WHERE id = $1 AND status <> 'decided'",
        crate::args![id, at],
    )
}

/// Links a referral to the client record it led to.
pub fn set_client(id: Uuid, client: Uuid) -> Stmt {
    Stmt::new(
        "UPDATE referrals SET client_id = $2 WHERE id = $1",
        crate::args![id, client],
    )
}

/// Adds an agency to a team's register; a name the team already has fails with `Conflict`.
pub fn insert_agency(id: Uuid, team: Uuid, kind: &str, name: &str, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO agencies (id, team_id, kind, name, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)",
        crate::args![id, team, kind, name, at],
    )
}

/// The team's agencies, by kind and name.
pub async fn agencies(mut ex: impl Exec, team: Uuid) -> Result<Vec<Agency>, sqlx::Error> {
    ex.all(
        &format!("SELECT {AGENCY_COLS} FROM agencies WHERE team_id = $1 ORDER BY kind, name"),
        crate::args![team],
    )
    .await
}

/// One agency of the team, as (kind code, active).
pub async fn agency_in_team(
    mut ex: impl Exec,
    agency: Uuid,
    team: Uuid,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    ex.opt(
        "SELECT kind, active FROM agencies WHERE id = $1 AND team_id = $2",
        crate::args![agency, team],
    )
    .await
}

/// Whether a team exists (a referral can be sent to it).
pub async fn team_exists(mut ex: impl Exec, team: Uuid) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM teams WHERE id = $1",
            crate::args![team],
        )
        .await?
        > 0)
}

/// The intake board: the team's referrals not decided, or decided after `decided_since`;
/// urgent first, then oldest first.
pub async fn board(
    mut ex: impl Exec,
    team: Uuid,
    decided_since: DateTime<Utc>,
) -> Result<Vec<ReferralSummary>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {SUMMARY_COLS} FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id \
             LEFT JOIN intake_decisions d ON d.referral_id = r.id \
             WHERE r.team_id = $1 AND (r.status <> 'decided' OR r.status_changed_at > $2) \
             ORDER BY CASE r.urgency WHEN 'urgent' THEN 0 ELSE 1 END, r.received_at"
        ),
        crate::args![team, decided_since],
    )
    .await
}

/// The administrative fields of one of the team's referrals (no health content).
pub async fn admin(
    mut ex: impl Exec,
    id: Uuid,
    team: Uuid,
) -> Result<Option<Referral>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {ADMIN_COLS} FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id \
             WHERE r.id = $1 AND r.team_id = $2"
        ),
        crate::args![id, team],
    )
    .await
}

/// The health content of one of the team's referrals, with its diagnoses. Call only under a
/// grant that covers health.
pub async fn health(
    mut ex: impl Exec,
    id: Uuid,
    team: Uuid,
) -> Result<Option<ReferralHealth>, sqlx::Error> {
    let h: Option<ReferralHealth> = ex
        .opt(
            &format!("SELECT {HEALTH_COLS} FROM referrals WHERE id = $1 AND team_id = $2"),
            crate::args![id, team],
        )
        .await?;
    let Some(mut h) = h else { return Ok(None) };
    h.diagnoses = diagnoses(ex, id).await?;
    Ok(Some(h))
}

/// A referral's diagnosis codes, sorted.
pub async fn diagnoses(mut ex: impl Exec, id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = ex
        .all(
            "SELECT code FROM referral_diagnoses WHERE referral_id = $1 ORDER BY code",
            crate::args![id],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The team's referrals that led to one of the client's episodes (or were linked to the
/// client at acceptance), newest first, as summaries.
pub async fn linked_to_client(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Vec<ReferralSummary>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {SUMMARY_COLS} FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id \
             LEFT JOIN intake_decisions d ON d.referral_id = r.id \
             WHERE r.team_id = $2 AND (r.client_id = $1 OR EXISTS (SELECT 1 FROM episodes e \
             WHERE e.referral_id = r.id AND e.client_id = $1 AND e.team_id = $2)) \
             ORDER BY r.received_at DESC"
        ),
        crate::args![client, team],
    )
    .await
}

/// Whether a referral of the team led to one of the client's episodes (or was linked to
/// the client at acceptance).
pub async fn is_linked_to_client(
    mut ex: impl Exec,
    referral: Uuid,
    client: Uuid,
    team: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM referrals r WHERE r.id = $1 AND r.team_id = $3 AND (r.client_id = $2 \
             OR EXISTS (SELECT 1 FROM episodes e WHERE e.referral_id = r.id AND e.client_id = $2 AND e.team_id = $3))",
            crate::args![referral, client, team],
        )
        .await?
        > 0)
}

/// The status code of one of the team's referrals.
pub async fn status(
    mut ex: impl Exec,
    id: Uuid,
    team: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = ex
        .opt(
            "SELECT status FROM referrals WHERE id = $1 AND team_id = $2",
            crate::args![id, team],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// What the intake decision needs of a referral: its status, date and the person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForDecision {
    /// Status code.
    pub status: String,
    /// Received (date).
    pub received_on: NaiveDate,
    /// The person's name.
    pub person_name: Option<String>,
    /// National id.
    pub person_national_id: Option<String>,
    /// Birth year.
    pub person_birth_year: Option<i64>,
    /// Phone.
    pub person_phone: Option<String>,
    /// Receipt number.
    pub receipt_number: String,
    /// Where the person can be found (carried to the client's situation at acceptance).
    pub person_whereabouts: Option<String>,
    /// Housing.
    pub housing_situation: Option<String>,
    /// Referrer.
    pub referrer_name: String,
    /// Referrer's role.
    pub referrer_role: Option<String>,
    /// Referrer's phone.
    pub referrer_phone: Option<String>,
    /// Referrer's e-mail.
    pub referrer_email: Option<String>,
    /// The referring agency's name, if from the register.
    pub agency_name: Option<String>,
    /// Reason for referral (health content; read only by the decision, which health
    /// personnel record).
    pub reason: String,
    /// Services and helpers now (health content).
    pub current_services: Option<String>,
}

/// One of the team's referrals, for its decision.
pub async fn for_decision(
    mut ex: impl Exec,
    id: Uuid,
    team: Uuid,
) -> Result<Option<ForDecision>, sqlx::Error> {
    ex.opt(
        "SELECT status, received_on, person_name, person_national_id, CAST(person_birth_year AS BIGINT) AS person_birth_year, \
         person_phone, receipt_number, person_whereabouts, housing_situation, referrer_name, referrer_role, \
         referrer_phone, referrer_email, (SELECT a.name FROM agencies a WHERE a.id = referrals.agency_id) AS agency_name, \
         reason, current_services FROM referrals WHERE id = $1 AND team_id = $2",
        crate::args![id, team],
    )
    .await
}

/// What the referral report counts of one referral (no personal data).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    /// Received (date).
    pub received_on: NaiveDate,
    /// `AgencyKind` code.
    pub agency_kind: String,
    /// Agency from the register.
    pub agency_id: Option<Uuid>,
    /// The decision's date.
    pub decided_on: Option<NaiveDate>,
    /// The decision's outcome code.
    pub outcome: Option<String>,
    /// The target-group assessment's answer.
    pub in_target_group: Option<bool>,
    /// How many ordinary services were established or re-established for this referral (at
    /// the decision or during the course that came from it).
    pub services_established: i64,
}

/// Every referral of the team with its decision, if any, oldest first (for the report).
pub async fn report_rows(mut ex: impl Exec, team: Uuid) -> Result<Vec<ReportRow>, sqlx::Error> {
    ex.all(
        "SELECT r.received_on, r.agency_kind, r.agency_id, d.decided_on, d.outcome, d.in_target_group, \
         CAST((SELECT COUNT(*) FROM established_services s WHERE s.referral_id = r.id) AS BIGINT) AS services_established \
         FROM referrals r LEFT JOIN intake_decisions d ON d.referral_id = r.id WHERE r.team_id = $1 ORDER BY r.received_on",
        crate::args![team],
    )
    .await
}
