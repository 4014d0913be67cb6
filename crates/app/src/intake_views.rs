//! Read helpers for the intake pages: pickers that need more than a name.
//! No personal data about clients: staff names, professions and employers only.

use serde::Serialize;
use uuid::Uuid;

use crate::error::AppResult;
use crate::store;
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
    /// Home employer's side (`municipal`, `specialist`, `nav_state`, `other`).
    pub org_side: String,
    /// Team role code.
    pub role: String,
}

impl StaffWithEmployer {
    /// The employer's side.
    pub fn side(&self) -> benk_domain::Side {
        benk_domain::Side::from_code(&self.org_side).unwrap_or(benk_domain::Side::Other)
    }
}

/// Active staff of a team with their home employer, by name: only those who take part in
/// clinical assessment (not the administrator or the privacy officer), so that the intake
/// participant and coordinator pickers offer only eligible staff (issue 8).
pub async fn team_staff_with_employer(
    app: &App,
    team_id: Uuid,
) -> AppResult<Vec<StaffWithEmployer>> {
    Ok(store::staff::active_in_team_with_employer(&app.db, team_id)
        .await?
        .into_iter()
        .filter(|s| {
            benk_domain::TeamRole::from_code(&s.role)
                .is_some_and(benk_domain::takes_part_in_assessment)
        })
        .collect())
}
