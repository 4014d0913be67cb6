//! The team board ("tavla", issue 9): the team's shared overview of people who need attention
//! now. A team member who may open a person's record puts them up with a short reason (no
//! health details: the board is shown on a shared screen), reviews them (a dated note) and
//! takes them off with a coded outcome; removed entries stay as history.
//!
//! Reading the board is for the team's members; each read is one audit row naming every person
//! listed. Names are shown where the reader may open the person's record, initials otherwise;
//! the large-screen view shows initials unless the reader may see every listed person and asks
//! for names.

use std::collections::BTreeSet;

use benk_domain::{BoardOutcome, Purpose, ShortText};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{open_client, today, visible};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::caseload::{clients_resource, require_member};
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// A review of a board entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardReview {
    /// The day.
    pub reviewed_on: NaiveDate,
    /// The note.
    pub note: String,
    /// Who reviewed.
    pub reviewed_by: String,
}

/// A person on the board (or taken off it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardEntry {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Their name, only where the reader may open their record.
    pub name: Option<String>,
    /// Their initials ("K. N."), always.
    pub initials: String,
    /// Why they are on the board.
    pub reason: String,
    /// Who put them up.
    pub added_by: String,
    /// When.
    pub added_at: DateTime<Utc>,
    /// Reviews, oldest first.
    pub reviews: Vec<BoardReview>,
    /// When they were taken off.
    pub removed_at: Option<DateTime<Utc>>,
    /// Who took them off.
    pub removed_by: Option<String>,
    /// `stabilised`, `admitted`, `moved_service` or `other`.
    pub outcome: Option<String>,
    /// The outcome in words (for `other`).
    pub outcome_note: Option<String>,
}

impl BoardEntry {
    /// The last review's day, if any.
    pub fn last_review(&self) -> Option<&BoardReview> {
        self.reviews.last()
    }
    /// The outcome's label.
    pub fn outcome_label(&self, lang: benk_domain::Lang) -> &'static str {
        self.outcome
            .as_deref()
            .and_then(BoardOutcome::from_code)
            .map(|o| o.label(lang))
            .unwrap_or("")
    }
}

/// The board: people on it now, and the history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    /// Team.
    pub team_id: Uuid,
    /// On the board now, oldest first.
    pub current: Vec<BoardEntry>,
    /// Taken off, newest first.
    pub removed: Vec<BoardEntry>,
    /// Whether the reader may see every person on the board now (the screen may show names).
    pub may_show_all_names: bool,
}

/// "Kari Nordmann" → "K. N."
pub fn initials(name: &str) -> String {
    let parts: Vec<String> = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .map(|c| format!("{c}."))
        .collect();
    if parts.is_empty() {
        "–".into()
    } else {
        parts.join(" ")
    }
}

/// The team's board as the actor may see it (team members only). One audit row names every
/// person listed (`board.read`, or `board.screen` for the large-screen view).
pub async fn read(app: &App, actor: &Actor, team_id: Uuid, screen: bool) -> AppResult<Board> {
    let action = if screen { "board.screen" } else { "board.read" };
    require_member(app, actor, team_id, action).await?;
    let v = visible(app, actor, "c", "$2", "$3", 4).await?;
    let rows = store::board::entries(&app.db, team_id, actor.staff_id, today(), &v).await?;
    let reviews = store::board::reviews(&app.db, team_id).await?;
    let mut listed = BTreeSet::new();
    let mut current = Vec::new();
    let mut removed = Vec::new();
    let mut all_visible = true;
    for r in rows {
        // The screen lists only who is on the board now.
        if screen && r.removed_at.is_some() {
            continue;
        }
        listed.insert(r.client_id);
        if r.removed_at.is_none() && r.basis.is_none() {
            all_visible = false;
        }
        let e = BoardEntry {
            id: r.id,
            client_id: r.client_id,
            initials: initials(&r.client_name),
            name: r.basis.as_ref().map(|_| r.client_name.clone()),
            reason: r.reason,
            added_by: r.added_by_name,
            added_at: r.added_at,
            reviews: reviews
                .iter()
                .filter(|x| x.entry_id == r.id)
                .map(|x| BoardReview {
                    reviewed_on: x.reviewed_on,
                    note: x.note.clone(),
                    reviewed_by: x.reviewed_by_name.clone(),
                })
                .collect(),
            removed_at: r.removed_at,
            removed_by: r.removed_by_name,
            outcome: r.outcome,
            outcome_note: r.outcome_note,
        };
        if e.removed_at.is_none() {
            current.push(e);
        } else {
            removed.push(e);
        }
    }
    let mut d = actor.audit(action, Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = format!("team:{team_id},{}", clients_resource(&listed));
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(Board {
        team_id,
        current,
        removed,
        may_show_all_names: all_visible,
    })
}

/// The person must be one the actor may open, in this team: refused (audited) otherwise.
async fn person_in_team(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    client_id: Uuid,
    action: &str,
) -> AppResult<()> {
    let grant = open_client(app, actor, client_id, Purpose::Coc).await?;
    if grant.team_id() != team_id {
        let mut d = actor.audit(action, Outcome::Denied);
        d.client_id = Some(client_id);
        d.resources = format!("team:{team_id},none:not_in_team");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Puts a person on the board. Team members with access to the person only.
pub async fn add(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    client_id: Uuid,
    reason: &ShortText,
) -> AppResult<Uuid> {
    require_member(app, actor, team_id, "board.add").await?;
    person_in_team(app, actor, team_id, client_id, "board.add").await?;
    let id = Uuid::now_v7();
    let mut d = actor.audit("board.add", Outcome::Allowed);
    d.client_id = Some(client_id);
    d.purpose = Some("COC".into());
    d.resources = format!("team:{team_id},board_entry:{id}");
    let at = d.at;
    let written = app
        .writer
        .write(WriteOp {
            stmts: vec![store::board::insert(
                id,
                team_id,
                client_id,
                reason.as_str(),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await;
    match written.map_err(AppError::from) {
        Ok(()) => Ok(id),
        Err(AppError::Conflict(_)) => Err(AppError::Conflict(Text::new(
            "Personen står allerede på tavla.",
            "The person is already on the board.",
        ))),
        Err(e) => Err(e),
    }
}

async fn entry(app: &App, actor: &Actor, entry_id: Uuid, action: &str) -> AppResult<(Uuid, Uuid)> {
    let Some((team_id, client_id, removed)) = store::board::entry_head(&app.db, entry_id).await?
    else {
        return Err(AppError::NotFound);
    };
    require_member(app, actor, team_id, action).await?;
    person_in_team(app, actor, team_id, client_id, action).await?;
    if removed.is_some() {
        return Err(AppError::Conflict(Text::new(
            "Personen er allerede tatt av tavla.",
            "The person has already been taken off the board.",
        )));
    }
    Ok((team_id, client_id))
}

/// A dated review note on an entry still on the board.
pub async fn review(
    app: &App,
    actor: &Actor,
    entry_id: Uuid,
    reviewed_on: NaiveDate,
    note: &ShortText,
) -> AppResult<()> {
    if reviewed_on > today() {
        return Err(AppError::field(FieldError::new(
            "reviewed_on",
            "future_date",
            "Datoen kan ikke være fram i tid.",
            "The date cannot be in the future.",
        )));
    }
    let (team_id, client_id) = entry(app, actor, entry_id, "board.review").await?;
    let mut d = actor.audit("board.review", Outcome::Allowed);
    d.client_id = Some(client_id);
    d.purpose = Some("COC".into());
    d.resources = format!("team:{team_id},board_entry:{entry_id}");
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![store::board::insert_review(
                Uuid::now_v7(),
                entry_id,
                reviewed_on,
                note.as_str(),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// Takes a person off the board with an outcome (`other` needs the outcome in words).
pub async fn remove(
    app: &App,
    actor: &Actor,
    entry_id: Uuid,
    outcome: BoardOutcome,
    note: Option<&ShortText>,
) -> AppResult<()> {
    if outcome == BoardOutcome::Other && note.is_none() {
        return Err(AppError::field(FieldError::new(
            "outcome_note",
            "required",
            "Beskriv utfallet når du velger «annet».",
            "Describe the outcome when you choose “other”.",
        )));
    }
    let (team_id, client_id) = entry(app, actor, entry_id, "board.remove").await?;
    let mut d = actor.audit("board.remove", Outcome::Allowed);
    d.client_id = Some(client_id);
    d.purpose = Some("COC".into());
    d.resources = format!(
        "team:{team_id},board_entry:{entry_id},outcome:{}",
        outcome.code()
    );
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![store::board::remove(
                entry_id,
                outcome.code(),
                note.map(|n| n.as_str()),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::NotFound => AppError::Conflict(Text::new(
                "Personen er allerede tatt av tavla.",
                "The person has already been taken off the board.",
            )),
            other => other,
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Kari Nordmann"), "K. N.");
        assert_eq!(initials("  ola  de  vik "), "O. D. V.");
        assert_eq!(initials("Åse"), "Å.");
        assert_eq!(initials(""), "–");
    }
}
