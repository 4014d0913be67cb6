//! The weekly team meeting ("teammøte", issue 9): `team_meetings` and `meeting_items`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

/// A meeting with how many items it has and how many are decided.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingRow {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The day.
    pub held_on: NaiveDate,
    /// Agenda items.
    pub items: i64,
    /// Items with a decision.
    pub decided: i64,
}

const MEETING: &str = "SELECT m.id, m.team_id, m.held_on, \
     (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id) AS items, \
     (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id AND i.decision IS NOT NULL) AS decided \
     FROM team_meetings m";

/// The team's meetings, newest first.
pub async fn list(mut ex: impl Exec, team: Uuid) -> Result<Vec<MeetingRow>, sqlx::Error> {
    let sql = format!("{MEETING} WHERE m.team_id = $1 ORDER BY m.held_on DESC, m.id DESC");
    ex.all(&sql, crate::args![team]).await
}

/// One meeting.
pub async fn get(mut ex: impl Exec, id: Uuid) -> Result<Option<MeetingRow>, sqlx::Error> {
    let sql = format!("{MEETING} WHERE m.id = $1");
    ex.opt(&sql, crate::args![id]).await
}

/// One agenda item, with the viewer's read basis for its person (NULL for a referral).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    /// Id.
    pub id: Uuid,
    /// The person (a person item).
    pub client_id: Option<Uuid>,
    /// Their name.
    pub client_name: Option<String>,
    /// The referral (a referral item).
    pub referral_id: Option<Uuid>,
    /// The referral's receipt number.
    pub receipt_number: Option<String>,
    /// Who the referral is about, as given.
    pub person_name: Option<String>,
    /// What to discuss.
    pub topic: String,
    /// Who put it up.
    pub added_by_name: String,
    /// What was decided.
    pub decision: Option<String>,
    /// Who follows it up.
    pub follow_up_by: Option<Uuid>,
    /// Their name.
    pub follow_up_name: Option<String>,
    /// Who recorded the decision.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The viewer's read basis for the person, if any.
    pub basis: Option<String>,
}

/// A meeting's agenda, in the order put up. `v` is the visibility rule built with alias `c`,
/// staff `$2`, date `$3` and its own args from `$4`.
pub async fn items(
    mut ex: impl Exec,
    meeting: Uuid,
    viewer: Uuid,
    today: NaiveDate,
    v: &Visible,
) -> Result<Vec<ItemRow>, sqlx::Error> {
    let sql = format!(
        "SELECT i.id, i.client_id, c.name AS client_name, i.referral_id, r.receipt_number, r.person_name, i.topic, \
         a.name AS added_by_name, i.decision, i.follow_up_by, f.name AS follow_up_name, d.name AS decided_by_name, \
         i.decided_at, CASE WHEN c.id IS NULL THEN NULL ELSE {} END AS basis \
         FROM meeting_items i LEFT JOIN clients c ON c.id = i.client_id LEFT JOIN referrals r ON r.id = i.referral_id \
         JOIN staff a ON a.id = i.added_by LEFT JOIN staff f ON f.id = i.follow_up_by LEFT JOIN staff d ON d.id = i.decided_by \
         WHERE i.meeting_id = $1 ORDER BY i.added_at, i.id",
        v.basis_sql
    );
    let mut args = crate::args![meeting, viewer, today];
    args.extend(v.args.iter().cloned());
    ex.all(&sql, args).await
}

/// An item's meeting, team, person and referral.
pub async fn item_head(
    mut ex: impl Exec,
    item: Uuid,
) -> Result<Option<(Uuid, Uuid, Option<Uuid>, Option<Uuid>)>, sqlx::Error> {
    ex.opt(
        "SELECT i.meeting_id, m.team_id, i.client_id, i.referral_id FROM meeting_items i \
         JOIN team_meetings m ON m.id = i.meeting_id WHERE i.id = $1",
        crate::args![item],
    )
    .await
}

/// The team a referral belongs to.
pub async fn referral_team(mut ex: impl Exec, referral: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    Ok(ex
        .opt::<(Uuid,)>(
            "SELECT team_id FROM referrals WHERE id = $1",
            crate::args![referral],
        )
        .await?
        .map(|(t,)| t))
}

/// A decision on a person's agenda item, for the person's timeline.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientDecisionRow {
    /// The item.
    pub item_id: Uuid,
    /// The meeting's day.
    pub held_on: NaiveDate,
    /// What was discussed.
    pub topic: String,
    /// What was decided.
    pub decision: String,
    /// Who follows it up.
    pub follow_up_name: Option<String>,
    /// Who recorded it.
    pub decided_by_name: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// The decisions recorded on a person's agenda items in one team, oldest first.
pub async fn decisions_for_client(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Vec<ClientDecisionRow>, sqlx::Error> {
    ex.all(
        "SELECT i.id AS item_id, m.held_on, i.topic, i.decision, f.name AS follow_up_name, \
         d.name AS decided_by_name, i.decided_at FROM meeting_items i JOIN team_meetings m ON m.id = i.meeting_id \
         LEFT JOIN staff f ON f.id = i.follow_up_by JOIN staff d ON d.id = i.decided_by \
         WHERE i.client_id = $1 AND m.team_id = $2 AND i.decision IS NOT NULL ORDER BY m.held_on, i.decided_at",
        crate::args![client, team],
    )
    .await
}

/// A decision on a person's agenda item, as the timeline shows it. The topic and the decision
/// are health content: selected only when the reader's grant covers health.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct TimelineDecisionRow {
    /// The agenda item.
    pub id: Uuid,
    /// When the decision was recorded.
    pub at: DateTime<Utc>,
    /// The meeting's day.
    pub held_on: NaiveDate,
    /// What was discussed (health scope only).
    pub topic: Option<String>,
    /// What was decided (health scope only).
    pub decision: Option<String>,
    /// Who follows it up.
    pub follow_up_name: Option<String>,
}

crate::fast_row!(TimelineDecisionRow {
    id,
    at,
    held_on,
    topic,
    decision,
    follow_up_name
});

/// One timeline page of the decisions on a person's agenda items in `team`, older than
/// `before` (`before_at`, `before_id`), newest first; a seek on `meeting_items_client_decided`.
#[allow(clippy::too_many_arguments)]
pub async fn decisions_page(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
    before_at: DateTime<Utc>,
    before_id: Uuid,
    limit: i64,
    health: bool,
) -> Result<Vec<TimelineDecisionRow>, sqlx::Error> {
    let (sql, args) = decisions_page_q(client, team, (before_at, before_id), limit, health);
    ex.fast_all(&sql, args).await
}

/// The query of [`decisions_page`].
pub fn decisions_page_q(
    client: Uuid,
    team: Uuid,
    (before_at, before_id): (DateTime<Utc>, Uuid),
    limit: i64,
    health: bool,
) -> crate::store::contacts::Query {
    (
        "SELECT i.id, i.decided_at AS at, m.held_on, \
         CASE WHEN $6 THEN i.topic END AS topic, CASE WHEN $6 THEN i.decision END AS decision, \
         f.name AS follow_up_name \
         FROM meeting_items i JOIN team_meetings m ON m.id = i.meeting_id LEFT JOIN staff f ON f.id = i.follow_up_by \
         WHERE i.client_id = $1 AND i.decided_at IS NOT NULL AND m.team_id = $5 \
         AND i.decided_at <= $2 AND (i.decided_at < $2 OR i.id < $3) \
         ORDER BY i.decided_at DESC, i.id DESC LIMIT $4"
            .to_string(),
        crate::args![client, before_at, before_id, limit, team, health],
    )
}

/// A new meeting.
pub fn insert(id: Uuid, team: Uuid, held_on: NaiveDate, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO team_meetings (id, team_id, held_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        crate::args![id, team, held_on, by, at],
    )
}

/// A new agenda item (exactly one of person and referral).
#[allow(clippy::too_many_arguments)]
pub fn insert_item(
    id: Uuid,
    meeting: Uuid,
    client: Option<Uuid>,
    referral: Option<Uuid>,
    topic: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO meeting_items (id, meeting_id, client_id, referral_id, topic, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        crate::args![id, meeting, client, referral, topic, by, at],
    )
}

/// Records (or replaces) what was decided on an item.
pub fn decide(
    item: Uuid,
    decision: &str,
    follow_up: Option<Uuid>,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::one(
        "UPDATE meeting_items SET decision = $2, follow_up_by = $3, decided_by = $4, decided_at = $5 WHERE id = $1",
        crate::args![item, decision, follow_up, by, at],
    )
}
