//! The intake decision aggregate: `intake_decisions` and `intake_participants`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::intake::{Decision, DecisionAssessment};

/// The administrative columns of [`Decision`], on `intake_decisions d`.
const DECISION_COLS: &str =
    "d.id, d.referral_id, d.decided_on, d.outcome, CAST(d.level AS BIGINT) AS level, \
     d.referrer_consent_at, (SELECT s.name FROM staff s WHERE s.id = d.referrer_consent_by) AS referrer_consent_by";

/// The health columns of [`DecisionAssessment`].
const ASSESSMENT_COLS: &str =
    "reasons, housing_problem, in_target_group, suggested_outcome, routed_to";

const INSERT: &str = "INSERT INTO intake_decisions (id, referral_id, decided_on, decided_at, outcome, level, reasons, \
     severe_mental_illness, substance_use, weak_connection, housing_problem, in_target_group, suggested_outcome, \
     recorded_by, owner_org_id, referrer_consent_at, referrer_consent_by, routed_to) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

/// A new decision on a referral (one per referral).
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    /// Id.
    pub id: Uuid,
    /// Referral.
    pub referral_id: Uuid,
    /// The meeting's date.
    pub decided_on: NaiveDate,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// `DecisionOutcome` code.
    pub outcome: &'a str,
    /// Level of effort 1–3 (accepted only).
    pub level: Option<i64>,
    /// Reasons (health content).
    pub reasons: &'a str,
    /// Target-group assessment (health content).
    pub severe_mental_illness: bool,
    /// Target-group assessment.
    pub substance_use: bool,
    /// Target-group assessment.
    pub weak_connection: bool,
    /// Target-group assessment.
    pub housing_problem: bool,
    /// Whether the person is in the target group.
    pub in_target_group: bool,
    /// The policy's suggestion, as an outcome code.
    pub suggested_outcome: Option<&'a str>,
    /// Who recorded it.
    pub recorded_by: Uuid,
    /// Their employer.
    pub owner_org_id: Uuid,
    /// The person consented, at the meeting, that the referrer may be told the outcome
    /// (recorded by `recorded_by` at `at`).
    pub referrer_consent: bool,
    /// Where a routed person was sent.
    pub routed_to: Option<&'a str>,
}

/// Inserts a decision.
pub fn insert(d: &NewDecision<'_>) -> Stmt {
    Stmt::new(
        INSERT,
        crate::args![
            d.id,
            d.referral_id,
            d.decided_on,
            d.at,
            d.outcome,
            d.level,
            d.reasons,
            d.severe_mental_illness,
            d.substance_use,
            d.weak_connection,
            d.housing_problem,
            d.in_target_group,
            d.suggested_outcome,
            d.recorded_by,
            d.owner_org_id,
            d.referrer_consent.then_some(d.at),
            d.referrer_consent.then_some(d.recorded_by),
            d.routed_to
        ],
    )
}

/// Records a participant of the decision and their side (`municipal` or `specialist`).
pub fn insert_participant(decision: Uuid, staff: Uuid, side: &str) -> Stmt {
    Stmt::new(
        "INSERT INTO intake_participants (decision_id, staff_id, side) VALUES ($1, $2, $3)",
        crate::args![decision, staff, side],
    )
}

/// The decision on one of the team's referrals, without its assessment.
pub async fn for_referral(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Option<Decision>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {DECISION_COLS} FROM intake_decisions d WHERE d.referral_id = $1 \
             AND EXISTS (SELECT 1 FROM referrals r WHERE r.id = d.referral_id AND r.team_id = $2)"
        ),
        crate::args![referral, team],
    )
    .await
}

/// A decision's reasons and assessment (health content: only under a grant that covers it).
pub async fn assessment(
    mut ex: impl Exec,
    decision: Uuid,
) -> Result<Option<DecisionAssessment>, sqlx::Error> {
    ex.opt(
        &format!("SELECT {ASSESSMENT_COLS} FROM intake_decisions WHERE id = $1"),
        crate::args![decision],
    )
    .await
}

/// The names of a decision's participants, sorted.
pub async fn participant_names(
    mut ex: impl Exec,
    decision: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = ex
        .all(
            "SELECT s.name FROM intake_participants p JOIN staff s ON s.id = p.staff_id WHERE p.decision_id = $1 ORDER BY s.name",
            crate::args![decision],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Records (or, with `None`, withdraws) the person's consent that the referrer may be told
/// the outcome of the team's referral decision.
pub fn set_referrer_consent(decision: Uuid, given: Option<(DateTime<Utc>, Uuid)>) -> Stmt {
    Stmt::one(
        "UPDATE intake_decisions SET referrer_consent_at = $2, referrer_consent_by = $3 WHERE id = $1",
        crate::args![decision, given.map(|g| g.0), given.map(|g| g.1)],
    )
}

/// The current coordinators (name, role code) of the episode a referral opened, coordinators
/// only, municipal first.
pub async fn coordinators_for_referral(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    ex.all(
        "SELECT s.name, m.role FROM episodes e JOIN episode_members m ON m.episode_id = e.id \
         JOIN staff s ON s.id = m.staff_id WHERE e.referral_id = $1 AND e.team_id = $2 \
         AND m.left_at IS NULL AND m.role IN ('municipal_coordinator', 'specialist_coordinator') \
         ORDER BY m.role, s.name",
        crate::args![referral, team],
    )
    .await
}

/// Records one item of a decision's target-group assessment, with its labels as they are now.
pub fn insert_target_item(
    decision: Uuid,
    position: i64,
    criterion: &str,
    item: &benk_domain::CriterionItem,
    checked: bool,
) -> Stmt {
    Stmt::new(
        "INSERT INTO intake_target_items (decision_id, position, criterion, item, label_nb, label_en, checked) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        crate::args![
            decision,
            position,
            criterion,
            item.code.as_str(),
            item.label_nb.as_str(),
            item.label_en.as_str(),
            checked
        ],
    )
}

/// A decision's target-group assessment, item by item, in the team's order (health content).
pub async fn target_items(
    mut ex: impl Exec,
    decision: Uuid,
) -> Result<Vec<crate::target::TargetItem>, sqlx::Error> {
    ex.all(
        "SELECT criterion, item, label_nb, label_en, checked FROM intake_target_items \
         WHERE decision_id = $1 ORDER BY position, item",
        crate::args![decision],
    )
    .await
}
