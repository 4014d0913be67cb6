//! Read helpers for the intake pages: pickers that need more than a name.
//! No personal data about clients: staff names, professions and employers only.

use serde::Serialize;
use uuid::Uuid;

use crate::error::AppResult;
use crate::App;

/// A team member with their home employer, for participant checkboxes and
/// coordinator pickers grouped by owner side.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StaffWithEmployer {
    /// Staff id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Profession code.
    pub profession: String,
    /// Home employer's name.
    pub org_name: String,
    /// Home employer's kind code (`municipality`, `hospital_trust`, `nav`, `other`).
    pub org_kind: String,
}

/// Active staff of a team with their home employer, by name.
pub async fn team_staff_with_employer(
    app: &App,
    team_id: Uuid,
) -> AppResult<Vec<StaffWithEmployer>> {
    Ok(app
        .db
        .all(
            "SELECT s.id, s.name, s.profession, o.name AS org_name, o.kind AS org_kind \
             FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
             JOIN organisations o ON o.id = s.home_org_id \
             WHERE m.team_id = $1 AND s.disabled = FALSE ORDER BY s.name",
            crate::args![team_id],
        )
        .await?)
}
