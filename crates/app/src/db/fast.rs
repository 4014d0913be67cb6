//! SQLite reads on the caller's own thread, for the hot paths.
//!
//! sqlx runs every SQLite statement on a worker thread of its connection and wakes the caller
//! when it is done: two thread hand-offs per query, each a futex wake and a context switch.
//! The profile of `benk bench` (see ARCHITECTURE "Daily work (issue 9): performance") showed
//! those hand-offs — not SQLite — as the largest cost of a request: the access check and the
//! staff check of logging a contact are two of them, and a point lookup in SQLite itself takes
//! a few microseconds. [`Readers`] keeps a small set of read-only `rusqlite` connections to the
//! same file (the same `libsqlite3-sys` build sqlx links) and runs a query directly on the
//! calling thread: take an idle connection, run the prepared (cached) statement, decode the
//! rows, put the connection back.
//!
//! Only short, indexed queries go this way (the access check, the staff check, point reads of
//! a request): they block the calling tokio worker for microseconds, less than the hand-off
//! they replace, and there is no `.await` inside, so a dropped request cannot leave a
//! connection half-way through a statement. Long reads (reports, lists) stay on sqlx's pool.
//!
//! Values are bound exactly as sqlx binds them on SQLite ([`super::fast_bind`]): UUIDs as
//! 16-byte blobs, timestamps as RFC 3339 text, dates as `YYYY-MM-DD`, booleans as 0/1; and
//! decoded by [`FastRow`] the way sqlx decodes them. A database that is not a file (in-memory)
//! or `BENK_SQLX_READS=1` (for before/after measurements in one build) uses the pool alone.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};
use uuid::Uuid;

use super::{sqlite_options, DbOptions, Val};

/// How many idle connections are kept (more are opened under load and closed after use).
const MAX_IDLE: usize = 8;
/// Prepared statements remembered per connection.
const STATEMENT_CACHE: usize = 64;

/// Read-only rusqlite connections to the database file.
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    closed: AtomicBool,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers").field("path", &self.path).finish()
    }
}

/// The database file of a SQLite URL, for a second (rusqlite) connection to it: `None` for an
/// in-memory database, or when the environment variable `switch_off` is set (so that one build
/// can be measured with and without the rusqlite path).
pub(super) fn sqlite_file(opts: &DbOptions, switch_off: &str) -> Option<PathBuf> {
    if std::env::var_os(switch_off).is_some() {
        return None;
    }
    let path = sqlite_options(opts).ok()?.get_filename().to_path_buf();
    let name = path.to_string_lossy();
    if name.is_empty() || name.contains(":memory:") || name.contains("mode=memory") {
        return None;
    }
    Some(path)
}

impl Readers {
    /// Readers for a SQLite file, or `None` (not a file, or switched off).
    pub fn open(opts: &DbOptions) -> Option<Readers> {
        let path = sqlite_file(opts, "BENK_SQLX_READS")?;
        let readers = Readers {
            path,
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        };
        // Open one now, so that a file that cannot be read falls back at once.
        match readers.connect() {
            Ok(c) => {
                readers.put(c);
                Some(readers)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no rusqlite readers; sqlx pool only");
                None
            }
        }
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// Closes the idle connections; every later read fails, as on a closed pool.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn take(&self) -> Result<Connection, sqlx::Error> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(sqlx::Error::PoolClosed);
        }
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            Some(c) => Ok(c),
            None => self.connect().map_err(to_sqlx),
        }
    }

    fn put(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE && !self.closed.load(Ordering::SeqCst) {
            idle.push(conn);
        }
    }

    /// Every row of a query.
    pub fn all<T: FastRow>(&self, sql: &str, args: &[Val]) -> Result<Vec<T>, sqlx::Error> {
        self.run(sql, args, usize::MAX)
    }

    /// At most one row (the first).
    pub fn opt<T: FastRow>(&self, sql: &str, args: &[Val]) -> Result<Option<T>, sqlx::Error> {
        Ok(self.run(sql, args, 1)?.into_iter().next())
    }

    fn run<T: FastRow>(
        &self,
        sql: &str,
        args: &[Val],
        limit: usize,
    ) -> Result<Vec<T>, sqlx::Error> {
        let conn = self.take()?;
        let out = query(&conn, sql, args, limit);
        // A statement that failed leaves the connection as it was (reads hold no transaction
        // once their statement is reset, which dropping the cached statement does).
        self.put(conn);
        out.map_err(to_sqlx)
    }
}

fn query<T: FastRow>(
    conn: &Connection,
    sql: &str,
    args: &[Val],
    limit: usize,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, args)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while out.len() < limit {
        match rows.next()? {
            Some(r) => out.push(T::from_row(r)?),
            None => break,
        }
    }
    Ok(out)
}

fn to_sqlx(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("sqlite read: {e}"))
}

/// Binds `$N` placeholders: SQLite reads `$N` as a named parameter, so each parameter's name
/// gives the value's position, whatever the order of first appearance.
pub(super) fn bind(stmt: &mut rusqlite::Statement<'_>, args: &[Val]) -> rusqlite::Result<()> {
    let order = param_order(stmt)?;
    bind_in_order(stmt, args, &order)
}

/// For each parameter of a prepared statement, the index in the arguments of the value it
/// takes (`$N` → N − 1). Asking SQLite for a parameter's name walks its list of names, so a
/// statement with thousands of parameters (a merged batch of the writer) would cost the square
/// of their number to bind by name each time: the writer computes this once per statement text.
pub(super) fn param_order(stmt: &rusqlite::Statement<'_>) -> rusqlite::Result<Vec<usize>> {
    (1..=stmt.parameter_count())
        .map(|i| match stmt.parameter_name(i) {
            Some(name) => name
                .strip_prefix('$')
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n > 0)
                .map(|n| n - 1)
                .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.to_string())),
            None => Ok(i - 1),
        })
        .collect()
}

/// Binds the arguments in the order [`param_order`] gave for the statement's text.
pub(super) fn bind_in_order(
    stmt: &mut rusqlite::Statement<'_>,
    args: &[Val],
    order: &[usize],
) -> rusqlite::Result<()> {
    for (i, n) in order.iter().enumerate() {
        let v = args
            .get(*n)
            .ok_or(rusqlite::Error::InvalidParameterCount(n + 1, args.len()))?;
        stmt.raw_bind_parameter(i + 1, Bind(v))?;
    }
    Ok(())
}

/// A [`Val`] bound the way sqlx binds it on SQLite.
pub(super) struct Bind<'a>(pub(super) &'a Val);

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Val::Text(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::Int(Some(i)) => ToSqlOutput::Owned(Value::Integer(*i)),
            Val::Bool(Some(b)) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
            Val::Uuid(Some(u)) => ToSqlOutput::Borrowed(ValueRef::Blob(u.as_bytes())),
            Val::Ts(Some(t)) => ToSqlOutput::Owned(Value::Text(
                t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
            )),
            Val::Date(Some(d)) => ToSqlOutput::Owned(Value::Text(d.format("%F").to_string())),
            Val::Text(None)
            | Val::Int(None)
            | Val::Bool(None)
            | Val::Uuid(None)
            | Val::Ts(None)
            | Val::Date(None) => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// A row decoded from rusqlite the way sqlx's `FromRow` decodes it from SQLite.
pub trait FastRow: Sized {
    /// Decodes the row.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

/// One column's value, decoded as sqlx decodes it on SQLite.
pub trait FastCol: Sized {
    /// Decodes column `i`.
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self>;
}

fn bad(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("not a {what}").into(),
    )
}

impl FastCol for i64 {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
}
impl FastCol for bool {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        Ok(r.get::<_, i64>(i)? != 0)
    }
}
impl FastCol for String {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
}
impl FastCol for Uuid {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        match r.get_ref(i)? {
            ValueRef::Blob(b) => Uuid::from_slice(b).map_err(|_| bad(i, "UUID")),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .ok()
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| bad(i, "UUID")),
            _ => Err(bad(i, "UUID")),
        }
    }
}
impl FastCol for DateTime<Utc> {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        let s: String = r.get(i)?;
        parse_ts(&s).ok_or_else(|| bad(i, "timestamp"))
    }
}
impl FastCol for NaiveDate {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        let s: String = r.get(i)?;
        NaiveDate::parse_from_str(&s, "%F").map_err(|_| bad(i, "date"))
    }
}
impl<T: FastCol> FastCol for Option<T> {
    fn col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        match r.get_ref(i)? {
            ValueRef::Null => Ok(None),
            _ => T::col(r, i).map(Some),
        }
    }
}

/// Parses a timestamp as sqlx does on SQLite: RFC 3339 (what it writes), or SQLite's own
/// `YYYY-MM-DD HH:MM:SS[.f]` in UTC (what `CURRENT_TIMESTAMP` writes).
fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%F %T%.f%#z") {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f")
        .ok()
        .map(|t| t.and_utc())
}

macro_rules! tuple_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: FastCol),+> FastRow for ($($t,)+) {
            fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($($t::col(r, $i)?,)+))
            }
        }
    };
}
tuple_row!(A 0);
tuple_row!(A 0, B 1);
tuple_row!(A 0, B 1, C 2);
tuple_row!(A 0, B 1, C 2, D 3);
tuple_row!(A 0, B 1, C 2, D 3, E 4);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5);

/// Implements [`FastRow`] for a struct that derives `sqlx::FromRow` with plain fields: each
/// field is read from the column of its name, as the derive does.
#[macro_export]
macro_rules! fast_row {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl $crate::db::fast::FastRow for $t {
            fn from_row(r: &$crate::db::fast::SqlRow<'_>) -> $crate::db::fast::SqlResult<Self> {
                let stmt: &$crate::db::fast::Statement<'_> = r.as_ref();
                Ok(Self {
                    $($f: $crate::db::fast::FastCol::col(r, stmt.column_index(stringify!($f))?)?,)*
                })
            }
        }
    };
}

/// rusqlite's row, statement and result, for [`fast_row!`] in other modules.
pub use rusqlite::{Result as SqlResult, Row as SqlRow, Statement};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{sqlite_query, Db};
    use chrono::TimeZone;

    type Wide = (Uuid, String, i64, bool, DateTime<Utc>, Option<NaiveDate>);

    /// Each parameter takes the value its `$N` names, whatever the order of first appearance
    /// and however often it is used; a name that is not `$N` or that has no value is refused.
    #[test]
    fn parameters_take_the_value_their_number_names() {
        let conn = Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("SELECT $3, $1, $3 || $2").unwrap();
        let order = param_order(&stmt).unwrap();
        assert_eq!(order, [2, 0, 1]);
        let args = [Val::from("a"), Val::from("b"), Val::from("c")];
        bind_in_order(&mut stmt, &args, &order).unwrap();
        let row: (String, String, String) = stmt
            .raw_query()
            .next()
            .unwrap()
            .map(|r| (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap()))
            .unwrap();
        assert_eq!(row, ("c".into(), "a".into(), "cb".into()));
        let mut short = conn.prepare("SELECT $1, $2").unwrap();
        assert!(bind(&mut short, &args[..1]).is_err());
        let named = conn.prepare("SELECT :name").unwrap();
        assert!(param_order(&named).is_err());
    }

    /// What sqlx writes, the readers read back as sqlx reads it: every column type, NULLs,
    /// and `$N` placeholders bound by number whatever their order in the text.
    #[tokio::test]
    async fn reads_what_sqlx_reads() {
        let dir = std::env::temp_dir().join(format!("benk-fast-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let opts = DbOptions::new(format!("sqlite:{}", dir.join("t.db").display()));
        let db = Db::connect(&opts).await.unwrap();
        let Db::Sqlite(pool, Some(readers)) = &db else {
            panic!("a file database has rusqlite readers");
        };
        sqlite_query(
            "CREATE TABLE t (id BLOB, name TEXT, n INTEGER, flag BOOLEAN, at TEXT, day TEXT)",
            vec![],
        )
        .execute(pool)
        .await
        .unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 23, 59, 58).unwrap()
            + chrono::Duration::microseconds(123_456);
        let rows: Vec<Vec<Val>> = vec![
            crate::args![
                Uuid::now_v7(),
                "Åse Ødegård",
                -7_i64,
                true,
                at,
                NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
            ],
            crate::args![
                Uuid::now_v7(),
                "",
                i64::MAX,
                false,
                Utc.with_ymd_and_hms(2001, 1, 1, 0, 0, 0).unwrap(),
                None::<NaiveDate>
            ],
        ];
        for args in rows {
            sqlite_query("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)", args)
                .execute(pool)
                .await
                .unwrap();
        }
        let sql = "SELECT id, name, n, flag, at, day FROM t WHERE n <> $2 OR name = $1 ORDER BY n";
        let args = crate::args!["Åse Ødegård", 0_i64];
        let by_sqlx: Vec<Wide> = db.all(sql, args.clone()).await.unwrap();
        let fast: Vec<Wide> = readers.all(sql, &args).unwrap();
        assert_eq!(by_sqlx.len(), 2);
        assert_eq!(fast, by_sqlx);
        assert_eq!(fast[0].4, at);
        assert_eq!(fast[1].5, None);
        let one: Option<(Option<String>,)> = readers
            .opt("SELECT NULL FROM t WHERE n = $1", &[Val::from(-7_i64)])
            .unwrap();
        assert_eq!(one, Some((None,)));
        let none: Option<(i64,)> = readers
            .opt("SELECT n FROM t WHERE n = $1", &[Val::from(1_i64)])
            .unwrap();
        assert_eq!(none, None);
        // A bad statement is an error, and the connection serves the next query.
        assert!(readers.all::<(i64,)>("SELECT nope FROM t", &[]).is_err());
        let n: Vec<(i64,)> = readers.all("SELECT COUNT(*) FROM t", &[]).unwrap();
        assert_eq!(n, vec![(2,)]);
        // Read-only: a write through the readers is refused.
        assert!(readers
            .all::<(i64,)>("DELETE FROM t RETURNING n", &[])
            .is_err());
        // Closing the database closes the readers too: a closed pool reads nothing.
        db.close().await;
        assert!(readers.all::<(i64,)>("SELECT 1", &[]).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
