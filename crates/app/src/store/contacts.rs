//! The contacts aggregate (issue 9): `contacts` (with their topics), `contact_staff`, the notes
//! linked to them and the versions of signed notes (`record_entries`), the authors' drafts
//! (`note_drafts`), and the person's timeline, read one source at a time.
//!
//! Every timeline source is one indexed query by person and time with a keyset condition
//! `(at, id) < (before_at, before_id)` and a LIMIT; the use case merges them.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::db::Val;

/// A position in the timeline: items strictly older than (`at`, `id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Before {
    /// Time of the last item shown.
    pub at: DateTime<Utc>,
    /// Its id (breaks ties between items at the same time).
    pub id: Uuid,
}

impl Before {
    /// The start of the timeline: later than anything stored.
    pub fn top() -> Before {
        Before {
            at: Utc
                .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
                .single()
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            id: Uuid::max(),
        }
    }
}

/// The keyset condition on `{at}`/`{id}` for placeholders `$2` (time) and `$3` (id). The
/// first conjunct lets both planners use the (person, time) index as a range.
fn keyset(at: &str, id: &str) -> String {
    format!("{at} <= $2 AND ({at} < $2 OR {id} < $3)")
}

fn page_args(client: Uuid, before: Before, limit: i64) -> Vec<Val> {
    crate::args![client, before.at, before.id, limit]
}

const INSERT: &str =
    "INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, met, place, \
     logged_by, owner_org_id, created_at, topics) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
const INSERT_STAFF: &str = "INSERT INTO contact_staff (contact_id, staff_id) VALUES ($1, $2)";
const INSERT_NOTE: &str = "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, kind, topic, body, \
     contact_id, supersedes_id, version_of, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
const SIGN_DRAFT: &str = "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, kind, topic, body, version) \
     SELECT $1, d.client_id, d.author_id, $2, $3, $4, NULL, d.body, 1 FROM note_drafts d \
     WHERE d.author_id = $5 AND d.client_id = $6";
const UPSERT_DRAFT: &str = "INSERT INTO note_drafts (author_id, client_id, body, updated_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (author_id, client_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at";
const DELETE_DRAFT: &str = "DELETE FROM note_drafts WHERE author_id = $1 AND client_id = $2";

/// A contact to store.
#[derive(Debug, Clone)]
pub struct NewContact {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The person's team.
    pub team_id: Uuid,
    /// Start (UTC).
    pub occurred_at: DateTime<Utc>,
    /// Minutes.
    pub duration_min: i64,
    /// `ContactKind` code.
    pub kind: &'static str,
    /// Met or not met.
    pub met: bool,
    /// Where.
    pub place: Option<String>,
    /// Who logged it.
    pub logged_by: Uuid,
    /// The logger's employer.
    pub owner_org_id: Uuid,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

/// A contact's topics as stored in `contacts.topics`: the codes in alphabetical order, each
/// once, comma-separated ('' for none). The migration that made the column explains why.
pub fn topics_column(codes: &[&str]) -> String {
    let mut codes = codes.to_vec();
    codes.sort_unstable();
    codes.dedup();
    codes.join(",")
}

/// The codes of a stored `contacts.topics`.
pub fn topics_of_column(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The statements that store a contact with its staff and topics.
pub fn insert(c: &NewContact, staff: &[Uuid], topics: &[&'static str]) -> Vec<Stmt> {
    let mut out = vec![Stmt::new(
        INSERT,
        crate::args![
            c.id,
            c.client_id,
            c.team_id,
            c.occurred_at,
            c.duration_min,
            c.kind,
            c.met,
            c.place.clone(),
            c.logged_by,
            c.owner_org_id,
            c.created_at,
            topics_column(topics)
        ],
    )];
    out.extend(
        staff
            .iter()
            .map(|s| Stmt::new(INSERT_STAFF, crate::args![c.id, *s])),
    );
    out
}

/// A signed note to store: a first version, a contact's note or a correction.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Author (who signs).
    pub author_id: Uuid,
    /// The author's employer.
    pub owner_org_id: Uuid,
    /// Signed at.
    pub at: DateTime<Utc>,
    /// `health` or `social`.
    pub kind: String,
    /// A social note's topic.
    pub topic: Option<String>,
    /// Text.
    pub body: String,
    /// The contact it belongs to.
    pub contact_id: Option<Uuid>,
    /// The version it corrects.
    pub supersedes_id: Option<Uuid>,
    /// The first version's id (for a correction).
    pub version_of: Option<Uuid>,
    /// 1 for the first version.
    pub version: i64,
}

/// The statement that stores a signed note.
pub fn insert_note(n: &NewNote) -> Stmt {
    Stmt::new(
        INSERT_NOTE,
        crate::args![
            n.id,
            n.client_id,
            n.author_id,
            n.owner_org_id,
            n.at,
            n.kind.clone(),
            n.topic.clone(),
            n.body.clone(),
            n.contact_id,
            n.supersedes_id,
            n.version_of,
            n.version
        ],
    )
}

/// Saves (or replaces) the author's draft for a person.
pub fn upsert_draft(author: Uuid, client: Uuid, body: &str, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        UPSERT_DRAFT,
        crate::args![author, client, body.to_string(), at],
    )
}

/// Forgets the author's draft for a person (after signing, or when discarded).
pub fn delete_draft(author: Uuid, client: Uuid) -> Stmt {
    Stmt::new(DELETE_DRAFT, crate::args![author, client])
}

/// Turns the author's draft into a signed note of `kind`; touches no row (`NotFound`) when
/// there is no draft.
pub fn sign_draft(
    id: Uuid,
    author: Uuid,
    client: Uuid,
    owner_org: Uuid,
    kind: &'static str,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::one(
        SIGN_DRAFT,
        crate::args![id, owner_org, at, kind, author, client],
    )
}

/// A draft as its author sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    /// Text.
    pub body: String,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// The author's own draft for a person.
pub async fn draft(
    mut ex: impl Exec,
    author: Uuid,
    client: Uuid,
) -> Result<Option<DraftRow>, sqlx::Error> {
    ex.opt(
        "SELECT body, updated_at FROM note_drafts WHERE author_id = $1 AND client_id = $2",
        crate::args![author, client],
    )
    .await
}

/// The enabled members of a team: the people who may take part in its contacts (kept in the
/// login cache, [`crate::auth_cache`]).
pub async fn team_members(mut ex: impl Exec, team: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<(Uuid,)> = ex
        .fast_all(
            "SELECT m.staff_id FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
             WHERE m.team_id = $1 AND s.disabled = FALSE",
            crate::args![team],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

const CONTACT_COLS: &str =
    "c.id, c.client_id, c.occurred_at, CAST(c.duration_min AS BIGINT) AS duration_min, \
     c.kind, c.met, c.place, c.logged_by, s.name AS logged_by_name, c.topics";

/// A stored contact (without its staff, topics and note).
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct ContactRow {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Start.
    pub occurred_at: DateTime<Utc>,
    /// Minutes.
    pub duration_min: i64,
    /// Kind code.
    pub kind: String,
    /// Met.
    pub met: bool,
    /// Where.
    pub place: Option<String>,
    /// Logged by.
    pub logged_by: Uuid,
    /// Their name.
    pub logged_by_name: String,
    /// The topics as stored ([`topics_of_column`] reads them).
    pub topics: String,
}

crate::fast_row!(ContactRow {
    id,
    client_id,
    occurred_at,
    duration_min,
    kind,
    met,
    place,
    logged_by,
    logged_by_name,
    topics
});

/// One contact.
pub async fn by_id(mut ex: impl Exec, id: Uuid) -> Result<Option<ContactRow>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {CONTACT_COLS} FROM contacts c JOIN staff s ON s.id = c.logged_by WHERE c.id = $1"
        ),
        crate::args![id],
    )
    .await
}

/// A person's contacts older than `before`, newest first.
pub async fn page(
    mut ex: impl Exec,
    client: Uuid,
    before: Before,
    limit: i64,
) -> Result<Vec<ContactRow>, sqlx::Error> {
    let (sql, args) = page_q(client, before, limit);
    ex.fast_all(&sql, args).await
}

/// The query of [`page`].
pub fn page_q(client: Uuid, before: Before, limit: i64) -> Query {
    (
        format!(
            "SELECT {CONTACT_COLS} FROM contacts c JOIN staff s ON s.id = c.logged_by \
             WHERE c.client_id = $1 AND {} ORDER BY c.occurred_at DESC, c.id DESC LIMIT $4",
            keyset("c.occurred_at", "c.id")
        ),
        page_args(client, before, limit),
    )
}

/// A query and its values, for one round trip of several ([`crate::db::Db::pg_lists`]).
pub type Query = (String, Vec<Val>);

fn in_list(first: usize, n: usize) -> String {
    (0..n)
        .map(|i| format!("${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// (contact, staff id, name, employer) for the given contacts.
pub async fn staff_of(
    mut ex: impl Exec,
    contacts: &[Uuid],
) -> Result<Vec<(Uuid, Uuid, String, String)>, sqlx::Error> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, args) = staff_of_q(contacts);
    ex.fast_all(&sql, args).await
}

/// The query of [`staff_of`] (for at least one contact), its columns named as [`StaffOfRow`].
pub fn staff_of_q(contacts: &[Uuid]) -> Query {
    (
        format!(
            "SELECT cs.contact_id, s.id AS staff_id, s.name AS staff_name, o.name AS org_name \
             FROM contact_staff cs JOIN staff s ON s.id = cs.staff_id \
             JOIN organisations o ON o.id = s.home_org_id WHERE cs.contact_id IN ({}) ORDER BY s.name",
            in_list(1, contacts.len())
        ),
        contacts.iter().map(|c| Val::from(*c)).collect(),
    )
}

/// A row of [`staff_of_q`] read as JSON.
#[derive(Debug, serde::Deserialize)]
pub struct StaffOfRow {
    /// The contact.
    pub contact_id: Uuid,
    /// The staff member.
    pub staff_id: Uuid,
    /// Their name.
    pub staff_name: String,
    /// Their employer's name.
    pub org_name: String,
}

/// The body of a note only when the reader may see it: a health note's text is never read
/// for a reader without health scope (`$1` is whether the reader has it).
const NOTE_COLS: &str = "e.id, e.client_id, e.author_id, s.name AS author_name, o.name AS owner_org_name, \
     e.written_at, e.kind, e.topic, CASE WHEN e.kind = 'social' OR $1 THEN e.body ELSE NULL END AS body, \
     e.contact_id, e.supersedes_id, e.version_of, CAST(e.version AS BIGINT) AS version";
const NOTE_FROM: &str = "FROM record_entries e JOIN staff s ON s.id = e.author_id \
     JOIN organisations o ON o.id = e.owner_org_id";

/// One version of a signed note.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct NoteRow {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// Author's name.
    pub author_name: String,
    /// Owning organisation's name.
    pub owner_org_name: String,
    /// Signed.
    pub written_at: DateTime<Utc>,
    /// `health` or `social`.
    pub kind: String,
    /// A social note's topic.
    pub topic: Option<String>,
    /// Text; NULL when withheld from this reader.
    pub body: Option<String>,
    /// Its contact.
    pub contact_id: Option<Uuid>,
    /// The version it corrects.
    pub supersedes_id: Option<Uuid>,
    /// The first version.
    pub version_of: Option<Uuid>,
    /// Version number (1 = first).
    pub version: i64,
}

crate::fast_row!(NoteRow {
    id,
    client_id,
    author_id,
    author_name,
    owner_org_name,
    written_at,
    kind,
    topic,
    body,
    contact_id,
    supersedes_id,
    version_of,
    version
});

impl NoteRow {
    /// The id of the note's first version.
    pub fn root(&self) -> Uuid {
        self.version_of.unwrap_or(self.id)
    }
}

/// One version of a note.
pub async fn note(
    mut ex: impl Exec,
    id: Uuid,
    health: bool,
) -> Result<Option<NoteRow>, sqlx::Error> {
    ex.opt(
        &format!("SELECT {NOTE_COLS} {NOTE_FROM} WHERE e.id = $2"),
        crate::args![health, id],
    )
    .await
}

/// Whether a version has been corrected already.
pub async fn is_superseded(mut ex: impl Exec, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM record_entries WHERE supersedes_id = $1",
            crate::args![id],
        )
        .await?
        > 0)
}

/// Every version of the notes of the given contacts, oldest first.
pub async fn notes_of_contacts(
    mut ex: impl Exec,
    contacts: &[Uuid],
    health: bool,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, args) = notes_of_contacts_q(contacts, health);
    ex.all(&sql, args).await
}

/// The query of [`notes_of_contacts`] (for at least one contact).
pub fn notes_of_contacts_q(contacts: &[Uuid], health: bool) -> Query {
    let mut args = crate::args![health];
    args.extend(contacts.iter().map(|c| Val::from(*c)));
    (
        format!(
            "SELECT {NOTE_COLS} {NOTE_FROM} WHERE e.contact_id IN ({}) ORDER BY e.version, e.written_at",
            in_list(2, contacts.len())
        ),
        args,
    )
}

/// Every later version of the given first versions, oldest first.
pub async fn later_versions(
    mut ex: impl Exec,
    roots: &[Uuid],
    health: bool,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, args) = later_versions_q(roots, health);
    ex.fast_all(&sql, args).await
}

/// The query of [`later_versions`] (for at least one first version).
pub fn later_versions_q(roots: &[Uuid], health: bool) -> Query {
    let mut args = crate::args![health];
    args.extend(roots.iter().map(|c| Val::from(*c)));
    (
        format!(
            "SELECT {NOTE_COLS} {NOTE_FROM} WHERE e.version_of IN ({}) ORDER BY e.version",
            in_list(2, roots.len())
        ),
        args,
    )
}

/// A person's notes that belong to no contact (first versions only), older than `before`,
/// newest first. Health notes only for a reader with health scope.
pub async fn notes_page(
    mut ex: impl Exec,
    client: Uuid,
    before: Before,
    limit: i64,
    health: bool,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    let (sql, args) = notes_page_q(client, before, limit, health);
    ex.fast_all(&sql, args).await
}

/// The query of [`notes_page`].
pub fn notes_page_q(client: Uuid, before: Before, limit: i64, health: bool) -> Query {
    let only_social = if health { "" } else { " AND e.kind = 'social'" };
    // $1 is the health flag in NOTE_COLS; the page's values follow from $2.
    (
        format!(
            "SELECT {NOTE_COLS} {NOTE_FROM} WHERE e.client_id = $2 AND e.contact_id IS NULL AND e.version_of IS NULL{only_social} \
             AND e.written_at <= $3 AND (e.written_at < $3 OR e.id < $4) ORDER BY e.written_at DESC, e.id DESC LIMIT $5"
        ),
        crate::args![health, client, before.at, before.id, limit],
    )
}

/// A level change in the timeline.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct LevelRow {
    /// Id.
    pub id: Uuid,
    /// Recorded.
    pub at: DateTime<Utc>,
    /// Level 1–3.
    pub level: i64,
    /// From which date.
    pub from_date: chrono::NaiveDate,
}

crate::fast_row!(LevelRow {
    id,
    at,
    level,
    from_date
});

/// A person's level changes older than `before`, newest first.
pub async fn levels_page(
    mut ex: impl Exec,
    client: Uuid,
    before: Before,
    limit: i64,
) -> Result<Vec<LevelRow>, sqlx::Error> {
    let (sql, args) = levels_page_q(client, before, limit);
    ex.fast_all(&sql, args).await
}

/// The query of [`levels_page`].
pub fn levels_page_q(client: Uuid, before: Before, limit: i64) -> Query {
    (
        format!(
            "SELECT l.id, l.set_at AS at, CAST(l.level AS BIGINT) AS level, l.from_date FROM episode_levels l \
             JOIN episodes ep ON ep.id = l.episode_id WHERE ep.client_id = $1 AND {} \
             ORDER BY l.set_at DESC, l.id DESC LIMIT $4",
            keyset("l.set_at", "l.id")
        ),
        page_args(client, before, limit),
    )
}

/// A referral in the timeline (administrative fields only).
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct ReferralRow {
    /// Id.
    pub id: Uuid,
    /// Received.
    pub at: DateTime<Utc>,
    /// Receipt number.
    pub receipt_number: String,
    /// Agency kind code.
    pub agency_kind: String,
}

crate::fast_row!(ReferralRow {
    id,
    at,
    receipt_number,
    agency_kind
});

/// A person's referrals older than `before`, newest first.
pub async fn referrals_page(
    mut ex: impl Exec,
    client: Uuid,
    before: Before,
    limit: i64,
) -> Result<Vec<ReferralRow>, sqlx::Error> {
    let (sql, args) = referrals_page_q(client, before, limit);
    ex.fast_all(&sql, args).await
}

/// The query of [`referrals_page`].
pub fn referrals_page_q(client: Uuid, before: Before, limit: i64) -> Query {
    (
        format!(
            "SELECT r.id, r.received_at AS at, r.receipt_number, r.agency_kind FROM referrals r \
             WHERE r.client_id = $1 AND {} ORDER BY r.received_at DESC, r.id DESC LIMIT $4",
            keyset("r.received_at", "r.id")
        ),
        page_args(client, before, limit),
    )
}

/// An intake decision in the timeline (outcome and level only).
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct DecisionRow {
    /// Id.
    pub id: Uuid,
    /// Decided.
    pub at: DateTime<Utc>,
    /// Outcome code.
    pub outcome: String,
    /// Level, when accepted.
    pub level: Option<i64>,
    /// The referral.
    pub referral_id: Uuid,
}

crate::fast_row!(DecisionRow {
    id,
    at,
    outcome,
    level,
    referral_id
});

/// A person's intake decisions older than `before`, newest first.
pub async fn decisions_page(
    mut ex: impl Exec,
    client: Uuid,
    before: Before,
    limit: i64,
) -> Result<Vec<DecisionRow>, sqlx::Error> {
    let (sql, args) = decisions_page_q(client, before, limit);
    ex.fast_all(&sql, args).await
}

/// The query of [`decisions_page`].
pub fn decisions_page_q(client: Uuid, before: Before, limit: i64) -> Query {
    (
        format!(
            "SELECT d.id, d.decided_at AS at, d.outcome, CAST(d.level AS BIGINT) AS level, d.referral_id \
             FROM intake_decisions d JOIN referrals r ON r.id = d.referral_id \
             WHERE r.client_id = $1 AND {} ORDER BY d.decided_at DESC, d.id DESC LIMIT $4",
            keyset("d.decided_at", "d.id")
        ),
        page_args(client, before, limit),
    )
}

/// When the person was last met (the newest contact marked met).
pub async fn last_met(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let (sql, args) = last_met_q(client);
    let row: Option<(DateTime<Utc>,)> = ex.fast_opt(&sql, args).await?;
    Ok(row.map(|r| r.0))
}

/// The query of [`last_met`]: at most one row, its column named as [`LastMetRow`].
pub fn last_met_q(client: Uuid) -> Query {
    (
        "SELECT c.occurred_at FROM contacts c WHERE c.client_id = $1 AND c.met = $2 \
         ORDER BY c.occurred_at DESC LIMIT 1"
            .to_string(),
        crate::args![client, true],
    )
}

/// A row of [`last_met_q`] read as JSON.
#[derive(Debug, serde::Deserialize)]
pub struct LastMetRow {
    /// When.
    pub occurred_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use benk_domain::ContactTopic;

    /// The stored form: every code on the list, alphabetical, once, comma-separated; and it
    /// reads back as the same codes.
    #[test]
    fn topics_are_stored_sorted_once_and_read_back() {
        assert_eq!(topics_column(&[]), "");
        assert_eq!(topics_of_column(""), Vec::<String>::new());
        assert_eq!(
            topics_column(&["substance_use", "housing", "activity", "housing"]),
            "activity,housing,substance_use"
        );
        let all: Vec<&str> = ContactTopic::ALL.iter().map(|t| t.code()).collect();
        let stored = topics_column(&all);
        assert!(!all.iter().any(|c| c.contains(',')));
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(topics_of_column(&stored), sorted);
    }
}
