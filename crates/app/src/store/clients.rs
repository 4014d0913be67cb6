//! The clients aggregate: `clients` and `record_entries`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::clients::Client;
use crate::db::writer::Stmt;

/// The columns of [`Client`], on a `clients` row aliased `c`.
pub const CLIENT_COLS: &str = "c.id, c.team_id, c.name, c.national_id, c.national_id_kind, \
     CAST(c.birth_year AS BIGINT) AS birth_year, c.phone, c.municipality, c.owner_org_id, c.created_at, c.updated_at";

/// The columns of [`EntryRow`], on `record_entries e` joined with its author `s` and owner `o`.
const ENTRY_COLS: &str =
    "e.id, e.author_id, s.name AS author_name, e.owner_org_id, o.name AS owner_org_name, \
     e.written_at, e.kind, e.topic, e.body";

const INSERT: &str = "INSERT INTO clients (id, team_id, name, name_search, national_id, national_id_kind, birth_year, \
     phone, municipality, owner_org_id, created_by, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";

const UPDATE: &str =
    "UPDATE clients SET name = $2, name_search = $3, national_id = $4, national_id_kind = $5, \
     birth_year = $6, phone = $7, municipality = $8, updated_at = $9 WHERE id = $1";

const INSERT_ENTRY: &str = "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, kind, topic, body) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// A client's basic fields as stored (already validated by the use case).
#[derive(Debug, Clone)]
pub struct ClientFields {
    /// Name as written.
    pub name: String,
    /// National id.
    pub national_id: Option<String>,
    /// `fodselsnummer` or `d_number`.
    pub national_id_kind: Option<String>,
    /// Birth year.
    pub birth_year: Option<i64>,
    /// Phone.
    pub phone: Option<String>,
    /// Municipality of residence.
    pub municipality: Option<String>,
}

/// A new client row.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Id (chosen by the caller).
    pub id: Uuid,
    /// The team whose record this is.
    pub team_id: Uuid,
    /// The fields.
    pub fields: ClientFields,
    /// Organisation that registers the client.
    pub owner_org_id: Uuid,
    /// Staff member who registers the client.
    pub created_by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts a client. Fails with `WriteError::Conflict` when the team already
/// has a record with the national id (`clients_team_national_id`).
pub fn insert(c: &NewClient) -> Stmt {
    let f = &c.fields;
    Stmt::new(
        INSERT,
        crate::args![
            c.id,
            c.team_id,
            f.name.clone(),
            f.name.to_lowercase(),
            f.national_id.clone(),
            f.national_id_kind.clone(),
            f.birth_year,
            f.phone.clone(),
            f.municipality.clone(),
            c.owner_org_id,
            c.created_by,
            c.at
        ],
    )
}

/// Changes a client's basic fields; must touch exactly one row (else `NotFound`).
pub fn update(id: Uuid, f: &ClientFields, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        UPDATE,
        crate::args![
            id,
            f.name.clone(),
            f.name.to_lowercase(),
            f.national_id.clone(),
            f.national_id_kind.clone(),
            f.birth_year,
            f.phone.clone(),
            f.municipality.clone(),
            at
        ],
    )
}

/// One client's basic data.
pub async fn by_id(mut ex: impl Exec, id: Uuid) -> Result<Option<Client>, sqlx::Error> {
    let (sql, args) = by_id_q(id);
    ex.fast_opt(&sql, args).await
}

/// The query of [`by_id`].
pub fn by_id_q(id: Uuid) -> super::contacts::Query {
    (
        format!("SELECT {CLIENT_COLS} FROM clients c WHERE c.id = $1"),
        crate::args![id],
    )
}

/// The team's record for a national id, if it has one. Never looks in other teams.
pub async fn id_in_team(
    mut ex: impl Exec,
    team_id: Uuid,
    national_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(Uuid,)> = ex
        .opt(
            "SELECT id FROM clients WHERE team_id = $1 AND national_id = $2",
            crate::args![team_id, national_id.to_string()],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Whether the client has health notes (to say that some were withheld, without reading them).
pub async fn has_health_entries(mut ex: impl Exec, client: Uuid) -> Result<bool, sqlx::Error> {
    let (sql, args) = has_health_entries_q(client);
    let n: Option<(i64,)> = ex.fast_opt(&sql, args).await?;
    Ok(n.is_some_and(|(n,)| n > 0))
}

/// The query of [`has_health_entries`]: one row, its count named as [`Count`].
pub fn has_health_entries_q(client: Uuid) -> super::contacts::Query {
    (
        "SELECT COUNT(*) AS n FROM record_entries WHERE client_id = $1 AND kind = 'health'"
            .to_string(),
        crate::args![client],
    )
}

/// A count read as JSON.
#[derive(Debug, serde::Deserialize)]
pub struct Count {
    /// The count.
    pub n: i64,
}

/// A record entry as stored, with its author's and owner's names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct EntryRow {
    /// Id.
    pub id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// Author's name.
    pub author_name: String,
    /// Owning organisation.
    pub owner_org_id: Uuid,
    /// Its name.
    pub owner_org_name: String,
    /// Written.
    pub written_at: DateTime<Utc>,
    /// `health` or `social`.
    pub kind: String,
    /// A social note's topic code.
    pub topic: Option<String>,
    /// Text.
    pub body: String,
}

crate::fast_row!(EntryRow {
    id,
    author_id,
    author_name,
    owner_org_id,
    owner_org_name,
    written_at,
    kind,
    topic,
    body
});

/// A client's entries, newest first; with `only_social`, health notes are not read at all.
pub async fn entries(
    mut ex: impl Exec,
    client: Uuid,
    only_social: bool,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    let (sql, args) = entries_q(client, only_social);
    ex.fast_all(&sql, args).await
}

/// The query of [`entries`].
pub fn entries_q(client: Uuid, only_social: bool) -> super::contacts::Query {
    let filter = if only_social {
        " AND e.kind = 'social'"
    } else {
        ""
    };
    (
        format!(
            "SELECT {ENTRY_COLS} FROM record_entries e JOIN staff s ON s.id = e.author_id \
             JOIN organisations o ON o.id = e.owner_org_id \
             WHERE e.client_id = $1{filter} \
             AND NOT EXISTS (SELECT 1 FROM record_entries x WHERE x.supersedes_id = e.id) \
             ORDER BY e.written_at DESC"
        ),
        crate::args![client],
    )
}

/// A new record entry.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// Id.
    pub id: Uuid,
    /// Client.
    pub client_id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// The author's employer, which owns the entry.
    pub owner_org_id: Uuid,
    /// Written.
    pub at: DateTime<Utc>,
    /// `health` or `social`.
    pub kind: &'static str,
    /// A social note's topic code.
    pub topic: Option<&'static str>,
    /// Text.
    pub body: &'a str,
}

/// Inserts a record entry.
pub fn insert_entry(e: &NewEntry<'_>) -> Stmt {
    Stmt::new(
        INSERT_ENTRY,
        crate::args![
            e.id,
            e.client_id,
            e.author_id,
            e.owner_org_id,
            e.at,
            e.kind,
            e.topic,
            e.body
        ],
    )
}

/// A row of a client list, with the basis on which the reader sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedClient {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Birth year.
    pub birth_year: Option<i64>,
    /// Phone.
    pub phone: Option<String>,
    /// Municipality.
    pub municipality: Option<String>,
    /// `ReadBasis` code.
    pub basis: String,
}

/// The clients the rule `v` lets the reader see, by name, at most 500.
/// `v` must be built for alias `c` with staff `$1`, date `$2` and further values from `$4`.
/// With `only_own`, only clients with the staff member's own active care relationship.
pub async fn list(
    mut ex: impl Exec,
    v: Visible,
    staff: Uuid,
    today: NaiveDate,
    name_like: Option<String>,
    only_own: bool,
) -> Result<Vec<ListedClient>, sqlx::Error> {
    let own = if only_own {
        "EXISTS (SELECT 1 FROM care_relationships cr WHERE cr.client_id = c.id AND cr.staff_id = $1 \
         AND cr.ended_at IS NULL AND cr.valid_from <= $2 AND (cr.valid_to IS NULL OR cr.valid_to >= $2))"
    } else {
        "1 = 1"
    };
    let sql = format!(
        "SELECT id, name, birth_year, phone, municipality, basis FROM (SELECT c.id, c.name, c.name_search, \
         CAST(c.birth_year AS BIGINT) AS birth_year, c.phone, c.municipality, {} AS basis FROM clients c \
         WHERE {own} AND ($3 IS NULL OR c.name_search LIKE $3)) v WHERE basis IS NOT NULL ORDER BY name_search LIMIT 500",
        v.basis_sql
    );
    let mut args = crate::args![staff, today, name_like];
    args.extend(v.args);
    ex.all(&sql, args).await
}

/// Whether the rule `v` lets the reader see the client (false for no such client).
/// `v` must be built for alias `c` with staff `$2`, date `$3` and further values from `$4`.
pub async fn is_visible(
    mut ex: impl Exec,
    v: Visible,
    client: Uuid,
    staff: Uuid,
    today: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT CASE WHEN ({}) IS NULL THEN 0 ELSE 1 END FROM clients c WHERE c.id = $1",
        v.basis_sql
    );
    let mut args = crate::args![client, staff, today];
    args.extend(v.args);
    let (n,): (i32,) = ex.opt(&sql, args).await?.unwrap_or((0,));
    Ok(n == 1)
}
