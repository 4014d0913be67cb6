//! The guidance-case aggregate: `guidance_cases` (level 3, no client record).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::guidance::{GuidanceCase, GuidanceSummary};

/// The columns of [`GuidanceCase`], on `guidance_cases g` with its creator `s`.
const CASE_COLS: &str = "g.id, g.referral_id, g.later_referral_id, g.asked_on, g.channel, g.asker_name, \
     g.asker_role, g.asker_organisation, g.agency_kind, g.asker_phone, g.asker_email, g.question, g.advice, \
     g.follow_up_on, g.status, s.name AS created_by_name, g.created_at, g.updated_at";

/// The columns of [`GuidanceSummary`], on `guidance_cases g`.
const SUMMARY_COLS: &str =
    "g.id, g.referral_id, g.asked_on, g.channel, g.asker_name, g.asker_organisation, \
     g.agency_kind, g.follow_up_on, g.status";

/// The fields of a guidance case as written (create and update).
#[derive(Debug, Clone)]
pub struct CaseFields<'a> {
    /// Date asked.
    pub asked_on: NaiveDate,
    /// `GuidanceChannel` code.
    pub channel: &'a str,
    /// Who asked.
    pub asker_name: &'a str,
    /// Their role.
    pub asker_role: Option<&'a str>,
    /// Their organisation.
    pub asker_organisation: Option<&'a str>,
    /// `AgencyKind` code.
    pub agency_kind: &'a str,
    /// Phone (E.164).
    pub asker_phone: Option<&'a str>,
    /// E-mail.
    pub asker_email: Option<&'a str>,
    /// The question (health content).
    pub question: &'a str,
    /// The advice (health content).
    pub advice: Option<&'a str>,
    /// Follow-up date.
    pub follow_up_on: Option<NaiveDate>,
    /// `GuidanceStatus` code.
    pub status: &'a str,
}

/// Inserts a guidance case.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    id: Uuid,
    team: Uuid,
    referral: Option<Uuid>,
    f: &CaseFields<'_>,
    by: Uuid,
    owner_org: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO guidance_cases (id, team_id, referral_id, asked_on, channel, asker_name, asker_role, \
         asker_organisation, agency_kind, asker_phone, asker_email, question, advice, follow_up_on, status, \
         created_by, owner_org_id, created_at, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $16, $18)",
        crate::args![
            id,
            team,
            referral,
            f.asked_on,
            f.channel,
            f.asker_name,
            f.asker_role,
            f.asker_organisation,
            f.agency_kind,
            f.asker_phone,
            f.asker_email,
            f.question,
            f.advice,
            f.follow_up_on,
            f.status,
            by,
            owner_org,
            at
        ],
    )
}

/// Updates one of the team's guidance cases; must touch exactly one row (else `NotFound`).
pub fn update(id: Uuid, team: Uuid, f: &CaseFields<'_>, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE guidance_cases SET asked_on = $3, channel = $4, asker_name = $5, asker_role = $6, \
         asker_organisation = $7, agency_kind = $8, asker_phone = $9, asker_email = $10, question = $11, \
         advice = $12, follow_up_on = $13, status = $14, updated_by = $15, updated_at = $16 \
         WHERE id = $1 AND team_id = $2",
        crate::args![
            id,
            team,
            f.asked_on,
            f.channel,
            f.asker_name,
            f.asker_role,
            f.asker_organisation,
            f.agency_kind,
            f.asker_phone,
            f.asker_email,
            f.question,
            f.advice,
            f.follow_up_on,
            f.status,
            by,
            at
        ],
    )
}

/// The team's guidance cases: open first, then newest.
pub async fn list(mut ex: impl Exec, team: Uuid) -> Result<Vec<GuidanceSummary>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {SUMMARY_COLS} FROM guidance_cases g WHERE g.team_id = $1 \
             ORDER BY CASE g.status WHEN 'open' THEN 0 ELSE 1 END, g.asked_on DESC, g.created_at DESC"
        ),
        crate::args![team],
    )
    .await
}

/// One of the team's guidance cases.
pub async fn get(
    mut ex: impl Exec,
    id: Uuid,
    team: Uuid,
) -> Result<Option<GuidanceCase>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {CASE_COLS} FROM guidance_cases g JOIN staff s ON s.id = g.created_by \
             WHERE g.id = $1 AND g.team_id = $2"
        ),
        crate::args![id, team],
    )
    .await
}

/// The guidance case made from a referral's decision, if any.
pub async fn for_referral(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(Uuid,)> = ex
        .opt(
            "SELECT id FROM guidance_cases WHERE referral_id = $1 AND team_id = $2",
            crate::args![referral, team],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Who referred, as the asker of the guidance case a `guidance` decision makes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralAsker {
    /// Received (date).
    pub received_on: NaiveDate,
    /// Referrer.
    pub referrer_name: String,
    /// Their role.
    pub referrer_role: Option<String>,
    /// The agency's name from the register.
    pub agency_name: Option<String>,
    /// `AgencyKind` code.
    pub agency_kind: String,
    /// Phone.
    pub referrer_phone: Option<String>,
    /// E-mail.
    pub referrer_email: Option<String>,
    /// Why the referral (health content).
    pub reason: String,
}

/// The referrer and reason of one of the team's referrals.
pub async fn referral_asker(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Option<ReferralAsker>, sqlx::Error> {
    ex.opt(
        "SELECT r.received_on, r.referrer_name, r.referrer_role, a.name AS agency_name, r.agency_kind, \
         r.referrer_phone, r.referrer_email, r.reason FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id \
         WHERE r.id = $1 AND r.team_id = $2",
        crate::args![referral, team],
    )
    .await
}
