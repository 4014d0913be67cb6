//! The assessment of a referral (issue 8): `referral_assessment_notes`, diagnoses added during
//! assessment (`referral_diagnoses.added_by/added_at`), and the "already known" look-ups, which
//! stay inside one team.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::assessment::{AssessmentNote, KnownEpisode, KnownReferral};
use crate::db::writer::Stmt;

/// Adds a diagnosis found during assessment; a code already on the referral is left as it is.
pub fn add_diagnosis(referral: Uuid, code: &str, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO referral_diagnoses (referral_id, code, added_by, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (referral_id, code) DO NOTHING",
        crate::args![referral, code, by, at],
    )
}

/// Appends an assessment note (never updated).
pub fn insert_note(
    id: Uuid,
    referral: Uuid,
    text: &str,
    author: Uuid,
    owner_org: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO referral_assessment_notes (id, referral_id, text, author_id, owner_org_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![id, referral, text, author, owner_org, at],
    )
}

/// A referral's assessment notes, oldest first, with author and employer.
pub async fn notes(mut ex: impl Exec, referral: Uuid) -> Result<Vec<AssessmentNote>, sqlx::Error> {
    ex.all(
        "SELECT n.id, n.text, s.name AS author, o.name AS author_org, n.created_at \
         FROM referral_assessment_notes n JOIN staff s ON s.id = n.author_id \
         JOIN organisations o ON o.id = n.owner_org_id WHERE n.referral_id = $1 \
         ORDER BY n.created_at, n.id",
        crate::args![referral],
    )
    .await
}

/// Who a referral is about, as given: (national id, name, birth year).
pub type Person = (Option<String>, Option<String>, Option<i64>);

/// The person a referral of the team is about.
pub async fn person(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Option<Person>, sqlx::Error> {
    ex.opt(
        "SELECT person_national_id, person_name, CAST(person_birth_year AS BIGINT) FROM referrals \
         WHERE id = $1 AND team_id = $2",
        crate::args![referral, team],
    )
    .await
}

const KNOWN_REFERRAL: &str = "SELECT r.id, r.receipt_number, r.received_on, r.status, d.outcome, \
     r.person_name FROM referrals r LEFT JOIN intake_decisions d ON d.referral_id = r.id";

/// The team's other referrals with this national id, newest first.
pub async fn referrals_by_national_id(
    mut ex: impl Exec,
    team: Uuid,
    except: Uuid,
    national_id: &str,
) -> Result<Vec<KnownReferral>, sqlx::Error> {
    ex.all(
        &format!(
            "{KNOWN_REFERRAL} WHERE r.team_id = $1 AND r.id <> $2 AND r.person_national_id = $3 \
             ORDER BY r.received_on DESC"
        ),
        crate::args![team, except, national_id],
    )
    .await
}

/// The team's other referrals with this birth year (the caller compares names).
pub async fn referrals_by_birth_year(
    mut ex: impl Exec,
    team: Uuid,
    except: Uuid,
    birth_year: i64,
) -> Result<Vec<KnownReferral>, sqlx::Error> {
    ex.all(
        &format!(
            "{KNOWN_REFERRAL} WHERE r.team_id = $1 AND r.id <> $2 AND r.person_birth_year = $3 \
             ORDER BY r.received_on DESC"
        ),
        crate::args![team, except, birth_year],
    )
    .await
}

const KNOWN_EPISODE: &str =
    "SELECT e.id, e.client_id, e.included_on, e.closed_on, c.name AS client_name \
     FROM episodes e JOIN clients c ON c.id = e.client_id";

/// The team's episodes of the client with this national id, newest first.
pub async fn episodes_by_national_id(
    mut ex: impl Exec,
    team: Uuid,
    national_id: &str,
) -> Result<Vec<KnownEpisode>, sqlx::Error> {
    ex.all(
        &format!(
            "{KNOWN_EPISODE} WHERE e.team_id = $1 AND c.team_id = $1 AND c.national_id = $2 \
             ORDER BY e.included_on DESC"
        ),
        crate::args![team, national_id],
    )
    .await
}

/// The team's episodes of clients born in this year (the caller compares names).
pub async fn episodes_by_birth_year(
    mut ex: impl Exec,
    team: Uuid,
    birth_year: i64,
) -> Result<Vec<KnownEpisode>, sqlx::Error> {
    ex.all(
        &format!(
            "{KNOWN_EPISODE} WHERE e.team_id = $1 AND c.team_id = $1 AND c.birth_year = $2 \
             ORDER BY e.included_on DESC"
        ),
        crate::args![team, birth_year],
    )
    .await
}

/// Open referrals (new or under assessment) of the team with their received date, for the
/// deadline on the board.
pub async fn received_on(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Option<(NaiveDate, String)>, sqlx::Error> {
    ex.opt(
        "SELECT received_on, status FROM referrals WHERE id = $1 AND team_id = $2",
        crate::args![referral, team],
    )
    .await
}
