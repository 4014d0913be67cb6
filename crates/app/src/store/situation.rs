//! The client situation aggregate: `client_situation`, how to find and reach the person.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::situation::Situation;

/// The columns of [`Situation`]; the health columns are read only when asked for.
fn cols(with_health: bool) -> String {
    let health = if with_health {
        "s.referral_reason, s.current_helpers"
    } else {
        "CAST(NULL AS TEXT) AS referral_reason, CAST(NULL AS TEXT) AS current_helpers"
    };
    format!(
        "s.whereabouts, s.housing_situation, s.referrer_contact, {health}, s.updated_at, \
         st.name AS updated_by_name"
    )
}

/// The fields to store, already checked.
#[derive(Debug, Clone, Default)]
pub struct SituationFields<'a> {
    /// Where the person can be found.
    pub whereabouts: Option<&'a str>,
    /// Housing.
    pub housing_situation: Option<&'a str>,
    /// The referrer and how to reach them.
    pub referrer_contact: Option<&'a str>,
    /// Reason for referral (health content).
    pub referral_reason: Option<&'a str>,
    /// Services and helpers now (health content).
    pub current_helpers: Option<&'a str>,
}

/// One client's situation; the health columns only when `with_health`.
pub async fn get(
    mut ex: impl Exec,
    client: Uuid,
    with_health: bool,
) -> Result<Option<Situation>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {} FROM client_situation s JOIN staff st ON st.id = s.updated_by WHERE s.client_id = $1",
            cols(with_health)
        ),
        crate::args![client],
    )
    .await
}

/// At acceptance: the referral's fields, keeping what is already recorded where the new
/// referral says nothing.
pub fn carry_over(client: Uuid, f: &SituationFields<'_>, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO client_situation (client_id, whereabouts, housing_situation, referrer_contact, \
         referral_reason, current_helpers, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (client_id) DO UPDATE SET \
         whereabouts = COALESCE(excluded.whereabouts, client_situation.whereabouts), \
         housing_situation = COALESCE(excluded.housing_situation, client_situation.housing_situation), \
         referrer_contact = COALESCE(excluded.referrer_contact, client_situation.referrer_contact), \
         referral_reason = COALESCE(excluded.referral_reason, client_situation.referral_reason), \
         current_helpers = COALESCE(excluded.current_helpers, client_situation.current_helpers), \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        crate::args![
            client,
            f.whereabouts,
            f.housing_situation,
            f.referrer_contact,
            f.referral_reason,
            f.current_helpers,
            at,
            by
        ],
    )
}

/// An edit by the care team. With `with_health`, every field is replaced; without it, the
/// health columns are left as they are (a new row gets them empty).
pub fn edit(
    client: Uuid,
    f: &SituationFields<'_>,
    with_health: bool,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    let sql = if with_health {
        "INSERT INTO client_situation (client_id, whereabouts, housing_situation, referrer_contact, \
         referral_reason, current_helpers, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (client_id) DO UPDATE SET whereabouts = excluded.whereabouts, \
         housing_situation = excluded.housing_situation, referrer_contact = excluded.referrer_contact, \
         referral_reason = excluded.referral_reason, current_helpers = excluded.current_helpers, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by"
    } else {
        "INSERT INTO client_situation (client_id, whereabouts, housing_situation, referrer_contact, \
         referral_reason, current_helpers, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (client_id) DO UPDATE SET whereabouts = excluded.whereabouts, \
         housing_situation = excluded.housing_situation, referrer_contact = excluded.referrer_contact, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by"
    };
    let (reason, helpers) = if with_health {
        (f.referral_reason, f.current_helpers)
    } else {
        (None, None)
    };
    Stmt::new(
        sql,
        crate::args![
            client,
            f.whereabouts,
            f.housing_situation,
            f.referrer_contact,
            reason,
            helpers,
            at,
            by
        ],
    )
}
