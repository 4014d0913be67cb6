//! Finding an organisation or a team by what an operator types on the command
//! line (an organisation number, a team name). Administrative data only: the
//! command that uses the id still takes an `AdminGrant`.

use uuid::Uuid;

use crate::App;

/// The organisation with this organisation number (spaces ignored).
pub async fn organisation_by_number(app: &App, number: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let id: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT id FROM organisations WHERE org_number = $1",
            crate::args![number.replace(' ', "")],
        )
        .await?;
    Ok(id.map(|r| r.0))
}

/// The team with exactly this name.
pub async fn team_by_name(app: &App, name: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let id: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT id FROM teams WHERE name = $1",
            crate::args![name.to_string()],
        )
        .await?;
    Ok(id.map(|r| r.0))
}
