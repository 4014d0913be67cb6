//! Storage: one code path for SQLite and PostgreSQL.
//!
//! Queries are written once with `$N` placeholders (both drivers accept them)
//! and bound from [`Val`], so the same SQL text runs on either backend. Reads go
//! through a pool; every write goes through the single [`writer`] task.

pub mod fast;
mod merge;
pub mod pg_readers;
pub mod server_role;
pub mod writer;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::FromRow;
use uuid::Uuid;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (the default).
    Sqlite,
    /// PostgreSQL server (production).
    Postgres,
}

/// Errors from opening or migrating a database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL's scheme is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL scheme in {0:?}: use sqlite:PATH or postgres://…")]
    UnsupportedScheme(String),
    /// Driver error.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// Migration error.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Backend {
    /// Chooses the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(DbError::UnsupportedScheme(scheme.to_string()))
        }
    }
}

/// A bound SQL value; `None` binds a typed NULL (PostgreSQL needs the type).
#[derive(Debug, Clone)]
pub enum Val {
    /// TEXT
    Text(Option<String>),
    /// BIGINT / INTEGER
    Int(Option<i64>),
    /// BOOLEAN
    Bool(Option<bool>),
    /// UUID (BLOB in SQLite)
    Uuid(Option<Uuid>),
    /// TIMESTAMPTZ (TEXT in SQLite)
    Ts(Option<DateTime<Utc>>),
    /// DATE (TEXT in SQLite)
    Date(Option<NaiveDate>),
}

macro_rules! val_from {
    ($t:ty, $v:ident) => {
        impl From<$t> for Val {
            fn from(x: $t) -> Val {
                Val::$v(Some(x.into()))
            }
        }
        impl From<Option<$t>> for Val {
            fn from(x: Option<$t>) -> Val {
                Val::$v(x.map(Into::into))
            }
        }
    };
}
val_from!(String, Text);
val_from!(&str, Text);
val_from!(i64, Int);
val_from!(i32, Int);
val_from!(bool, Bool);
val_from!(Uuid, Uuid);
val_from!(DateTime<Utc>, Ts);
val_from!(NaiveDate, Date);

/// Builds a `Vec<Val>` from heterogeneous values.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$($crate::db::Val::from($v)),*] };
}

type SqliteQ<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;
type PgQ<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;
type SqliteQA<'q, T> = sqlx::query::QueryAs<'q, sqlx::Sqlite, T, sqlx::sqlite::SqliteArguments<'q>>;
type PgQA<'q, T> = sqlx::query::QueryAs<'q, sqlx::Postgres, T, sqlx::postgres::PgArguments>;

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for v in $args {
            q = match v {
                Val::Text(x) => q.bind(x),
                Val::Int(x) => q.bind(x),
                Val::Bool(x) => q.bind(x),
                Val::Uuid(x) => q.bind(x),
                Val::Ts(x) => q.bind(x),
                Val::Date(x) => q.bind(x),
            };
        }
        q
    }};
}

/// One column of a batch of rows, bound as one PostgreSQL array (see `merge`: a batch's
/// single-row INSERTs become one `INSERT … SELECT … FROM UNNEST(…)`). The variant is the
/// column's [`Val`] variant, so the array's element type is the type each row bound.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Uuid(Vec<Option<Uuid>>),
    Ts(Vec<Option<DateTime<Utc>>>),
    Date(Vec<Option<NaiveDate>>),
}

impl Column {
    /// An empty column of `v`'s type, with room for `n` values.
    pub(crate) fn like(v: &Val, n: usize) -> Column {
        match v {
            Val::Text(_) => Column::Text(Vec::with_capacity(n)),
            Val::Int(_) => Column::Int(Vec::with_capacity(n)),
            Val::Bool(_) => Column::Bool(Vec::with_capacity(n)),
            Val::Uuid(_) => Column::Uuid(Vec::with_capacity(n)),
            Val::Ts(_) => Column::Ts(Vec::with_capacity(n)),
            Val::Date(_) => Column::Date(Vec::with_capacity(n)),
        }
    }

    /// Appends a value; `false` (and nothing appended) if its type is not the column's.
    pub(crate) fn push(&mut self, v: &Val) -> bool {
        match (self, v) {
            (Column::Text(c), Val::Text(x)) => c.push(x.clone()),
            (Column::Int(c), Val::Int(x)) => c.push(*x),
            (Column::Bool(c), Val::Bool(x)) => c.push(*x),
            (Column::Uuid(c), Val::Uuid(x)) => c.push(*x),
            (Column::Ts(c), Val::Ts(x)) => c.push(*x),
            (Column::Date(c), Val::Date(x)) => c.push(*x),
            _ => return false,
        }
        true
    }

    /// The PostgreSQL array type the column is bound as.
    pub(crate) fn pg_array_type(&self) -> &'static str {
        match self {
            Column::Text(_) => "text[]",
            Column::Int(_) => "int8[]",
            Column::Bool(_) => "bool[]",
            Column::Uuid(_) => "uuid[]",
            Column::Ts(_) => "timestamptz[]",
            Column::Date(_) => "date[]",
        }
    }
}

/// What a PostgreSQL statement of the writer binds: one row's values, or whole columns.
#[derive(Debug, Clone)]
pub(crate) enum Bound {
    Row(Vec<Val>),
    Columns(Vec<Column>),
}

/// Binds each column as one array (`query` or `query_as`).
macro_rules! bind_columns {
    ($q:expr, $cols:expr) => {{
        let mut q = $q;
        for c in $cols {
            q = match c {
                Column::Text(x) => q.bind(x),
                Column::Int(x) => q.bind(x),
                Column::Bool(x) => q.bind(x),
                Column::Uuid(x) => q.bind(x),
                Column::Ts(x) => q.bind(x),
                Column::Date(x) => q.bind(x),
            };
        }
        q
    }};
}

/// A PostgreSQL query with a row's values or a batch's columns bound.
pub(crate) fn pg_query_bound(sql: &str, args: Bound) -> PgQ<'_> {
    match args {
        Bound::Row(v) => pg_query(sql, v),
        Bound::Columns(cols) => bind_columns!(sqlx::query(sql), cols),
    }
}

/// A PostgreSQL `query_as` with a batch's columns bound.
pub(crate) fn bind_columns<'q, T>(q: PgQA<'q, T>, cols: Vec<Column>) -> PgQA<'q, T>
where
    T: for<'r> FromRow<'r, PgRow>,
{
    bind_columns!(q, cols)
}

/// A SQLite query with its values bound.
pub fn sqlite_query(sql: &str, args: Vec<Val>) -> SqliteQ<'_> {
    bind_all!(sqlx::query(sql), args)
}
/// A PostgreSQL query with its values bound.
pub fn pg_query(sql: &str, args: Vec<Val>) -> PgQ<'_> {
    bind_all!(sqlx::query(sql), args)
}
pub(crate) fn sqlite_query_as<T>(sql: &str, args: Vec<Val>) -> SqliteQA<'_, T>
where
    T: for<'r> FromRow<'r, SqliteRow>,
{
    bind_all!(sqlx::query_as(sql), args)
}
pub(crate) fn pg_query_as<T>(sql: &str, args: Vec<Val>) -> PgQA<'_, T>
where
    T: for<'r> FromRow<'r, PgRow>,
{
    bind_all!(sqlx::query_as(sql), args)
}

/// A row type readable from both backends.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// The read side: a connection pool on either backend.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite reader pool (WAL: readers never block the writer), and the rusqlite readers
    /// for the hot paths' short queries ([`fast`]; `None` for an in-memory database).
    Sqlite(SqlitePool, Option<std::sync::Arc<fast::Readers>>),
    /// PostgreSQL pool (migrations, the server role's lock), and the reader connections
    /// every read goes through ([`pg_readers`]: no ping before and after each read).
    Postgres(PgPool, std::sync::Arc<pg_readers::PgReaders>),
}

/// How durable a SQLite commit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteSync {
    /// fsync on every commit (the default: an acknowledged write survives power loss).
    #[default]
    Full,
    /// fsync at checkpoints only.
    Normal,
}

/// Options for opening a database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite:PATH` or `postgres://…`
    pub url: String,
    /// Maximum reader connections.
    pub max_readers: u32,
    /// SQLite durability.
    pub sqlite_sync: SqliteSync,
}

impl DbOptions {
    /// Defaults for a URL.
    pub fn new(url: impl Into<String>) -> Self {
        DbOptions {
            url: url.into(),
            max_readers: 8,
            sqlite_sync: SqliteSync::Full,
        }
    }
}

/// The settings every writing SQLite connection gets besides WAL, the busy timeout and the
/// durability: sqlx's connections ([`sqlite_options`]), the writer's rusqlite connection and
/// the bench's raw loops all read this one list, so that no connection can be set up apart
/// from the others.
///
/// - `foreign_keys`: checked on every write.
/// - `temp_store`: in memory. A multi-row statement inside a transaction keeps a statement
///   journal (to undo just that statement), and with the default a journal over 64 KiB spills
///   to a temporary file: the profile of a batch of logged contacts showed an eighth of the
///   writer's time in `pwrite` to it.
/// - `wal_autocheckpoint`: every 10 000 WAL pages (about 40 MB) rather than SQLite's 1 000.
///   Each checkpoint copies every page changed since the last one once and syncs the database
///   file, and the pages a stream of writes changes most (the tail of each index, the chain
///   head) are copied once per checkpoint however often they changed.
pub const SQLITE_PRAGMAS: &[(&str, &str)] = &[
    ("foreign_keys", "ON"),
    ("temp_store", "MEMORY"),
    ("wal_autocheckpoint", "10000"),
];

/// SQLite connection options: WAL, busy timeout, the chosen durability and
/// [`SQLITE_PRAGMAS`].
pub fn sqlite_options(opts: &DbOptions) -> Result<SqliteConnectOptions, DbError> {
    let options = SqliteConnectOptions::from_str(&opts.url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10))
        .synchronous(match opts.sqlite_sync {
            SqliteSync::Full => SqliteSynchronous::Full,
            SqliteSync::Normal => SqliteSynchronous::Normal,
        });
    Ok(SQLITE_PRAGMAS
        .iter()
        .fold(options, |o, (name, value)| o.pragma(*name, *value)))
}

/// PostgreSQL connection options from the URL.
pub fn pg_options(opts: &DbOptions) -> Result<PgConnectOptions, DbError> {
    Ok(PgConnectOptions::from_str(&opts.url)?)
}

impl Db {
    /// Opens the reader pool for a URL.
    pub async fn connect(opts: &DbOptions) -> Result<Db, DbError> {
        match Backend::from_url(&opts.url)? {
            Backend::Sqlite => {
                // No ping before each acquire: the profile of `benk bench` showed it as one
                // more round trip to the connection's worker thread per query, and a local
                // file cannot drop a connection the way a network peer can.
                let pool = SqlitePoolOptions::new()
                    .max_connections(opts.max_readers)
                    .acquire_timeout(Duration::from_secs(10))
                    .test_before_acquire(false)
                    .connect_with(sqlite_options(opts)?)
                    .await?;
                let readers = fast::Readers::open(opts).map(std::sync::Arc::new);
                Ok(Db::Sqlite(pool, readers))
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_readers)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(pg_options(opts)?)
                    .await?;
                let readers = pg_readers::PgReaders::new(pg_options(opts)?, opts.max_readers);
                Ok(Db::Postgres(pool, std::sync::Arc::new(readers)))
            }
        }
    }

    /// The PostgreSQL reader connections (`None` on SQLite).
    pub(crate) fn pg_readers(&self) -> Option<std::sync::Arc<pg_readers::PgReaders>> {
        match self {
            Db::Postgres(_, r) => Some(r.clone()),
            Db::Sqlite(..) => None,
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(..) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(p, _) => {
                // SQLite changes some constraints only by rebuilding a table
                // (https://www.sqlite.org/lang_altertable.html#otheralter), which
                // needs foreign keys off; that pragma is a no-op inside the
                // migration's transaction, so it is set on the connection here,
                // and the keys are checked before they are turned back on.
                let mut conn = p.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let ran = sqlx::migrate!("migrations/sqlite").run(&mut *conn).await;
                let broken = sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await?;
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                ran?;
                if !broken.is_empty() {
                    return Err(DbError::Sqlx(sqlx::Error::Protocol(format!(
                        "{} rows break a foreign key after migrating",
                        broken.len()
                    ))));
                }
            }
            Db::Postgres(p, _) => {
                let m = sqlx::migrate!("migrations/postgres");
                // The server's own role (`benk migrate --create-server-role`) may
                // not create or change tables; when nothing is pending it need not.
                if !pg_all_applied(p, &m).await {
                    m.run(p).await?;
                }
            }
        }
        Ok(())
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.fast_opt::<(i64,)>("SELECT CAST(1 AS BIGINT)", vec![])
            .await
            .map(|_| ())
    }

    /// All rows of a short, indexed query of a request's hot path: on SQLite run on this
    /// thread through the rusqlite readers ([`fast`]), elsewhere as [`Db::all`].
    pub async fn fast_all<T: Row + fast::FastRow>(
        &self,
        sql: &str,
        args: Vec<Val>,
    ) -> Result<Vec<T>, sqlx::Error> {
        match self {
            Db::Sqlite(_, Some(r)) => r.all(sql, &args),
            _ => self.all(sql, args).await,
        }
    }

    /// At most one row of a short, indexed query (see [`Db::fast_all`]).
    pub async fn fast_opt<T: Row + fast::FastRow>(
        &self,
        sql: &str,
        args: Vec<Val>,
    ) -> Result<Option<T>, sqlx::Error> {
        match self {
            Db::Sqlite(_, Some(r)) => r.opt(sql, &args),
            _ => self.opt(sql, args).await,
        }
    }

    /// All rows of a query.
    pub async fn all<T: Row>(&self, sql: &str, args: Vec<Val>) -> Result<Vec<T>, sqlx::Error> {
        match self {
            Db::Sqlite(p, _) => sqlite_query_as::<T>(sql, args).fetch_all(p).await,
            Db::Postgres(_, r) => r.all::<T>(sql, args).await,
        }
    }

    /// At most one row.
    pub async fn opt<T: Row>(&self, sql: &str, args: Vec<Val>) -> Result<Option<T>, sqlx::Error> {
        match self {
            Db::Sqlite(p, _) => sqlite_query_as::<T>(sql, args).fetch_optional(p).await,
            Db::Postgres(_, r) => r.opt::<T>(sql, args).await,
        }
    }

    /// A single integer (COUNT, EXISTS as 0/1, …).
    pub async fn scalar_i64(&self, sql: &str, args: Vec<Val>) -> Result<i64, sqlx::Error> {
        let (n,): (i64,) = match self {
            Db::Sqlite(p, _) => sqlite_query_as::<(i64,)>(sql, args).fetch_one(p).await?,
            Db::Postgres(_, r) => r
                .opt::<(i64,)>(sql, args)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?,
        };
        Ok(n)
    }

    /// Several short SELECTs in one round trip on PostgreSQL, each answered as the JSON text of
    /// its rows (an array of objects keyed by column name, for [`parse_rows`]); `None` on
    /// SQLite, where a short read is a call on the caller's thread ([`fast`]) and costs less
    /// than building JSON. Each query numbers its values from `$1`; they are renumbered into
    /// one statement of scalar subqueries, `(SELECT COALESCE(json_agg(q), '[]') FROM (…) q)`,
    /// so every query keeps its own plan and index. The order of each array is the order the
    /// subquery gives, which PostgreSQL keeps in practice but does not promise: a caller that
    /// needs an order sorts the rows itself.
    pub async fn pg_lists(
        &self,
        queries: Vec<(String, Vec<Val>)>,
    ) -> Result<Option<Vec<String>>, sqlx::Error> {
        let Db::Postgres(_, r) = self else {
            return Ok(None);
        };
        let (sql, args) = json_lists_sql(queries);
        let row = r.one_row(&sql, args).await?;
        let n = sqlx::Row::len(&row);
        (0..n)
            .map(|i| sqlx::Row::try_get::<String, _>(&row, i))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, readers) => {
                if let Some(r) = readers {
                    r.close();
                }
                p.close().await
            }
            Db::Postgres(p, r) => {
                r.close().await;
                p.close().await
            }
        }
    }
}

/// The one statement of [`Db::pg_lists`] and its values.
fn json_lists_sql(queries: Vec<(String, Vec<Val>)>) -> (String, Vec<Val>) {
    let mut sql = String::from("SELECT ");
    let mut args = Vec::new();
    for (i, (q, a)) in queries.into_iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(SELECT CAST(COALESCE(json_agg(q), '[]') AS TEXT) FROM (");
        sql.push_str(&renumber(&q, args.len()));
        sql.push_str(&format!(") q) AS l{i}"));
        args.extend(a);
    }
    (sql, args)
}

/// `sql` with every placeholder `$n` turned into `$(n + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(n) = rest[..digits].parse::<usize>() {
            out.push_str(&(n + offset).to_string());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The rows of one answer of [`Db::pg_lists`].
pub fn parse_rows<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Whether every migration is already applied with the same checksum (false
/// when that cannot be read, so that running them gives the real error).
async fn pg_all_applied(p: &PgPool, m: &sqlx::migrate::Migrator) -> bool {
    let applied: Vec<(i64, Vec<u8>)> = match sqlx::query_as(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(p)
    .await
    {
        Ok(rows) => rows,
        Err(_) => return false,
    };
    m.iter()
        .filter(|x| x.migration_type.is_up_migration())
        .all(|x| {
            applied
                .iter()
                .any(|(v, c)| *v == x.version && c.as_slice() == &*x.checksum)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_into_one_statement() {
        assert_eq!(
            renumber("a = $1 AND b < $2 OR c = $10 AND d = '$x'", 3),
            "a = $4 AND b < $5 OR c = $13 AND d = '$x'"
        );
        assert_eq!(renumber("no values", 7), "no values");
        let (sql, args) = json_lists_sql(vec![
            ("SELECT x FROM t WHERE a = $1".into(), crate::args![1i64]),
            (
                "SELECT y FROM u WHERE b = $1 AND c = $2".into(),
                crate::args![true, "z"],
            ),
        ]);
        assert_eq!(
            sql,
            "SELECT (SELECT CAST(COALESCE(json_agg(q), '[]') AS TEXT) FROM (SELECT x FROM t WHERE a = $1) q) AS l0, \
             (SELECT CAST(COALESCE(json_agg(q), '[]') AS TEXT) FROM (SELECT y FROM u WHERE b = $2 AND c = $3) q) AS l1"
        );
        assert_eq!(args.len(), 3);
    }
}
