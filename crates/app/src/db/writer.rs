//! The single writer: every durable, audited change goes through here.
//!
//! Handlers send a [`WriteOp`] (statements + audit rows) over a bounded
//! channel and await the acknowledgement. One task owns the only writing
//! connection; it drains whatever is queued into one transaction (group
//! commit), runs each op inside its own savepoint so one bad op cannot undo
//! the others, appends the audit rows to the hash chain in the same
//! transaction, commits, and only then answers. A request dropped by its
//! client never holds a transaction open: the writer finishes the batch and
//! the answer is simply not read (clients retry with an `Idempotency-Key`).
//!
//! Besides pre-built statements ([`WriteOp`]), the writer runs **commands**
//! ([`Writer::command`]): a function that reads and writes through a [`Tx`]
//! inside the writer's transaction, in its own savepoint. A check and the
//! write it guards are therefore atomic without any locking of their own —
//! there is only one writer — and a refused command still appends its audit
//! rows while its writes are rolled back.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::error::ErrorKind;
use sqlx::{Connection, PgConnection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::{
    pg_options, pg_query, pg_query_as, pg_query_bound, sqlite_options, sqlite_query,
    sqlite_query_as, Backend, Bound, DbError, DbOptions, Row, Val,
};
use crate::audit::{AuditDraft, ChainHead};

/// What a statement must have done for its op to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any number of rows.
    Any,
    /// Exactly one row (an update of an existing row); otherwise the op fails with `NotFound`.
    One,
    /// Any number of rows, and the statement only removes rows that no op of the same batch
    /// writes or reads (expired idempotency answers, say), so the writer may run it before or
    /// after the other ops' statements (see `merge`).
    Cleanup,
}

/// One SQL statement of a write.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// SQL with `$N` placeholders.
    pub sql: &'static str,
    /// Bound values.
    pub args: Vec<Val>,
    /// Row-count guard.
    pub expect: Expect,
}

impl Stmt {
    /// A statement with no row-count guard.
    pub fn new(sql: &'static str, args: Vec<Val>) -> Stmt {
        Stmt {
            sql,
            args,
            expect: Expect::Any,
        }
    }
    /// A statement that must touch exactly one row.
    pub fn one(sql: &'static str, args: Vec<Val>) -> Stmt {
        Stmt {
            sql,
            args,
            expect: Expect::One,
        }
    }
    /// A clean-up statement ([`Expect::Cleanup`]).
    pub fn cleanup(sql: &'static str, args: Vec<Val>) -> Stmt {
        Stmt {
            sql,
            args,
            expect: Expect::Cleanup,
        }
    }
}

/// An atomic unit of change: all statements and all audit rows, or nothing.
#[derive(Debug, Clone, Default)]
pub struct WriteOp {
    /// Statements, run in order.
    pub stmts: Vec<Stmt>,
    /// Audit rows appended to the chain if the statements succeed.
    pub audit: Vec<AuditDraft>,
}

impl WriteOp {
    /// An op that only appends audit rows (reads and denied attempts).
    pub fn audit_only(audit: Vec<AuditDraft>) -> WriteOp {
        WriteOp {
            stmts: Vec::new(),
            audit,
        }
    }
}

/// Why a write did not happen. Nothing of the op was stored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// A guarded statement touched no row.
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated; carries the driver's message.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A foreign key or check constraint was violated.
    #[error("constraint violated: {0}")]
    Constraint(String),
    /// The writer is gone or the database failed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

/// A boxed, sendable future (what a command returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The writer's transaction as a command sees it: reads and writes on the one
/// writing connection, inside the command's savepoint. Both backends take the
/// same SQL text (`$N` placeholders), as on the read pool.
pub struct Tx<'c> {
    conn: TxConn<'c>,
    /// Whether a statement changed a table that logins are cached from.
    touched_auth: bool,
}

enum TxConn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl<'c> Tx<'c> {
    fn new(conn: TxConn<'c>) -> Tx<'c> {
        Tx {
            conn,
            touched_auth: false,
        }
    }

    fn note(&mut self, sql: &str) {
        if !self.touched_auth && touches_auth(sql) {
            self.touched_auth = true;
        }
    }

    /// Which backend the transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.conn {
            TxConn::Sqlite(_) => Backend::Sqlite,
            TxConn::Postgres(_) => Backend::Postgres,
        }
    }

    /// All rows of a query.
    pub async fn all<T: Row>(&mut self, sql: &str, args: Vec<Val>) -> Result<Vec<T>, sqlx::Error> {
        self.note(sql);
        match &mut self.conn {
            TxConn::Sqlite(c) => sqlite_query_as::<T>(sql, args).fetch_all(&mut **c).await,
            TxConn::Postgres(c) => pg_query_as::<T>(sql, args).fetch_all(&mut **c).await,
        }
    }

    /// At most one row.
    pub async fn opt<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> Result<Option<T>, sqlx::Error> {
        self.note(sql);
        match &mut self.conn {
            TxConn::Sqlite(c) => {
                sqlite_query_as::<T>(sql, args)
                    .fetch_optional(&mut **c)
                    .await
            }
            TxConn::Postgres(c) => pg_query_as::<T>(sql, args).fetch_optional(&mut **c).await,
        }
    }

    /// A single integer (COUNT, EXISTS as 0/1, …).
    pub async fn scalar_i64(&mut self, sql: &str, args: Vec<Val>) -> Result<i64, sqlx::Error> {
        self.note(sql);
        let (n,): (i64,) = match &mut self.conn {
            TxConn::Sqlite(c) => {
                sqlite_query_as::<(i64,)>(sql, args)
                    .fetch_one(&mut **c)
                    .await?
            }
            TxConn::Postgres(c) => pg_query_as::<(i64,)>(sql, args).fetch_one(&mut **c).await?,
        };
        Ok(n)
    }

    /// Runs a statement and returns the number of rows it touched.
    pub async fn execute(&mut self, sql: &str, args: Vec<Val>) -> Result<u64, sqlx::Error> {
        self.note(sql);
        Ok(match &mut self.conn {
            TxConn::Sqlite(c) => sqlite_query(sql, args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            TxConn::Postgres(c) => pg_query(sql, args).execute(&mut **c).await?.rows_affected(),
        })
    }
}

/// What a command decided.
#[derive(Debug)]
pub enum Decision<T, E> {
    /// Keep the command's writes, append its audit rows and answer `Ok(value)`.
    Commit {
        /// Audit rows describing the change (and the reads it made).
        audit: Vec<AuditDraft>,
        /// The answer for the caller.
        value: T,
    },
    /// Roll back the command's writes but still append its audit rows (a
    /// refusal is audited), and answer `Err(error)`.
    Refuse {
        /// Audit rows describing the refusal.
        audit: Vec<AuditDraft>,
        /// The answer for the caller.
        error: E,
    },
}

type Erased = Result<Box<dyn Any + Send>, Box<dyn Any + Send>>;
type ErasedDecision = Result<(Vec<AuditDraft>, Erased), sqlx::Error>;
type CommandFn =
    Box<dyn for<'t, 'c> FnOnce(&'t mut Tx<'c>) -> BoxFuture<'t, ErasedDecision> + Send>;

enum Work {
    Op(WriteOp),
    Command(CommandFn),
}

/// What the writer answers for one job: a command's typed answer, erased.
type Reply = Result<Option<Erased>, WriteError>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Reply>,
}

/// Handle to the writer task. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
    /// Moves after every committed batch that changed a table logins are cached from.
    auth_epoch: Arc<AtomicU64>,
}

/// Prepared statements the writing connection keeps: every store's statements plus the
/// merged multi-row texts (a few powers of two per table).
const WRITER_STATEMENT_CACHE: usize = 1024;

/// Largest number of ops committed in one transaction.
const MAX_BATCH: usize = 1024;

impl Writer {
    /// Opens the writing connection and starts the writer task.
    ///
    /// The writer runs on its own thread with its own single-threaded runtime:
    /// every database round trip of a batch resumes at once instead of waiting
    /// behind the request handlers in the shared runtime's queue.
    pub async fn start(opts: &DbOptions) -> Result<Writer, DbError> {
        let (tx, rx) = mpsc::channel::<Job>(4096);
        let (ready_tx, ready_rx) = oneshot::channel::<Result<(), DbError>>();
        let opts = opts.clone();
        let auth_epoch = Arc::new(AtomicU64::new(0));
        let epoch = auth_epoch.clone();
        std::thread::Builder::new()
            .name("benk-writer".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(DbError::Sqlx(sqlx::Error::Io(e))));
                        return;
                    }
                };
                rt.block_on(async move {
                    match WriterConn::open(&opts).await {
                        Ok(conn) => {
                            let _ = ready_tx.send(Ok(()));
                            run(conn, rx, opts, epoch).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))?;
        ready_rx
            .await
            .map_err(|_| DbError::Sqlx(sqlx::Error::PoolClosed))??;
        Ok(Writer { tx, auth_epoch })
    }

    /// The auth epoch: read it *before* reading a login from the database, and a cached
    /// login is current while the epoch has not moved (see `crate::auth_cache`).
    pub fn auth_epoch(&self) -> u64 {
        self.auth_epoch.load(Ordering::SeqCst)
    }

    /// How many ops and commands are waiting for the writer (not counting the batch it is
    /// running): a measure of the queue, and for tests that hold the writer and wait until
    /// the requests they started have reached it.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    async fn submit(&self, work: Work) -> Reply {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { work, reply })
            .await
            .map_err(|_| WriteError::Unavailable("writer stopped".into()))?;
        rx.await
            .map_err(|_| WriteError::Unavailable("writer stopped".into()))?
    }

    /// Submits an op and waits until it is durably committed (or failed).
    pub async fn write(&self, op: WriteOp) -> Result<(), WriteError> {
        self.submit(Work::Op(op)).await.map(|_| ())
    }

    /// Runs a command inside the writer's transaction and waits until it is
    /// durably committed (or refused, or failed).
    ///
    /// The command reads and writes through the [`Tx`] it is given, in its own
    /// savepoint, and decides: [`Decision::Commit`] keeps its writes and
    /// appends its audit rows; [`Decision::Refuse`] rolls its writes back but
    /// appends its audit rows, so a refusal is recorded. Nothing else writes
    /// between the command's reads and its writes (there is one writer), so a
    /// limit checked in a command holds for forty parallel requests as for one.
    ///
    /// A database error inside the command (a constraint, say) loses only this
    /// command, like a failing [`WriteOp`]. A command runs exactly once; if the
    /// batch it is in cannot commit, the caller gets `Unavailable`.
    pub async fn command<T, E, F>(&self, f: F) -> Result<Result<T, E>, WriteError>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: for<'t, 'c> FnOnce(&'t mut Tx<'c>) -> BoxFuture<'t, Result<Decision<T, E>, sqlx::Error>>
            + Send
            + 'static,
    {
        let erased: CommandFn = Box::new(move |tx| {
            Box::pin(async move {
                Ok(match f(tx).await? {
                    Decision::Commit { audit, value } => {
                        (audit, Ok(Box::new(value) as Box<dyn Any + Send>))
                    }
                    Decision::Refuse { audit, error } => {
                        (audit, Err(Box::new(error) as Box<dyn Any + Send>))
                    }
                })
            })
        });
        match self.submit(Work::Command(erased)).await? {
            Some(Ok(v)) => v
                .downcast::<T>()
                .map(|v| Ok(*v))
                .map_err(|_| WriteError::Unavailable("command answer of the wrong type".into())),
            Some(Err(e)) => e
                .downcast::<E>()
                .map(|e| Err(*e))
                .map_err(|_| WriteError::Unavailable("command answer of the wrong type".into())),
            None => Err(WriteError::Unavailable("command gave no answer".into())),
        }
    }
}

enum WriterConn {
    /// sqlx's connection (commands, and every batch a plain batch could not commit) and,
    /// for a database file, the same file through rusqlite for batches of plain ops.
    Sqlite(SqliteConnection, Option<RawWriter>),
    Postgres(PgConnection),
}

impl WriterConn {
    async fn open(opts: &DbOptions) -> Result<WriterConn, DbError> {
        Ok(match Backend::from_url(&opts.url)? {
            Backend::Sqlite => {
                let conn = SqliteConnection::connect_with(
                    &sqlite_options(opts)?.statement_cache_capacity(WRITER_STATEMENT_CACHE),
                )
                .await?;
                // After sqlx's connection: it creates the file and puts it in WAL mode.
                WriterConn::Sqlite(conn, open_raw(opts))
            }
            Backend::Postgres => WriterConn::Postgres(
                PgConnection::connect_with(
                    &pg_options(opts)?.statement_cache_capacity(WRITER_STATEMENT_CACHE),
                )
                .await?,
            ),
        })
    }
}

async fn run(
    conn: WriterConn,
    mut rx: mpsc::Receiver<Job>,
    opts: DbOptions,
    epoch: Arc<AtomicU64>,
) {
    let mut conn = Some(conn);
    while let Some(first) = rx.recv().await {
        let jobs = gather(&mut rx, first, MAX_BATCH);
        let (works, replies): (Vec<Work>, Vec<_>) =
            jobs.into_iter().map(|j| (j.work, j.reply)).unzip();
        if conn.is_none() {
            match WriterConn::open(&opts).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tracing::error!(error = %e, "writer could not reconnect");
                    for reply in replies {
                        let _ =
                            reply.send(Err(WriteError::Unavailable("database unavailable".into())));
                    }
                    continue;
                }
            }
        }
        let started = std::time::Instant::now();
        let mut touched = works.iter().any(|w| match w {
            Work::Op(op) => op.stmts.iter().any(|s| touches_auth(s.sql)),
            Work::Command(_) => false,
        });
        let result = match conn.as_mut().expect("connected above") {
            WriterConn::Sqlite(c, raw) => {
                run_batch_sqlite(c, raw.as_mut(), works, &mut touched).await
            }
            WriterConn::Postgres(c) => run_batch_pg(c, works, &mut touched).await,
        };
        if touched {
            // Before any answer: whoever hears that the change is done finds the cache empty.
            epoch.fetch_add(1, Ordering::SeqCst);
        }
        match result {
            Ok(outcomes) => {
                tracing::debug!(
                    ops = outcomes.len(),
                    micros = started.elapsed().as_micros() as u64,
                    "write batch committed"
                );
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, batch = replies.len(), "write batch failed; reconnecting");
                conn = None;
                for reply in replies {
                    let _ = reply.send(Err(WriteError::Unavailable("database error".into())));
                }
            }
        }
    }
}

/// `first` and whatever else is already waiting in `rx`, up to `max` in all: a group
/// commit's batch (here, and the access checks' in `access::checks`). Nothing waits for more.
pub(crate) fn gather<T>(rx: &mut mpsc::Receiver<T>, first: T, max: usize) -> Vec<T> {
    let mut batch = vec![first];
    while batch.len() < max {
        match rx.try_recv() {
            Ok(x) => batch.push(x),
            Err(_) => break,
        }
    }
    batch
}

fn classify(e: sqlx::Error) -> WriteError {
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation => WriteError::Conflict(d.message().to_string()),
            ErrorKind::ForeignKeyViolation
            | ErrorKind::CheckViolation
            | ErrorKind::NotNullViolation => WriteError::Constraint(d.message().to_string()),
            _ => WriteError::Unavailable(e.to_string()),
        },
        _ => WriteError::Unavailable(e.to_string()),
    }
}

/// Takes the write lock (SQLite: RESERVED; PostgreSQL: the head row lock) and
/// reads the chain head in one statement, so the head cannot move under us
/// even if another process writes to the same database.
const LOCK_AND_READ_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash";
const WRITE_HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
const AUDIT_COLUMNS: &str = "INSERT INTO audit_events (seq, id, at, actor_staff_id, actor_name, actor_hpr, \
    actor_org_number, actor_role, actor_team_id, client_id, purpose, action, resources, outcome, ip, \
    user_agent, prev_hash, hash) VALUES ";
const AUDIT_ARITY: usize = 18;
/// Most audit rows per multi-row INSERT (18 parameters each; well under both backends'
/// limits). Batches are cut into powers of two up to this, so the statement texts are few.
const AUDIT_CHUNK: usize = 256;

/// The INSERTs that append `rows` to the log: multi-row statements of a few sizes.
fn audit_inserts(rows: &[crate::audit::AuditRow]) -> Vec<(String, Vec<Val>)> {
    let mut rest = rows;
    super::merge::chunks(rows.len(), AUDIT_CHUNK)
        .into_iter()
        .map(|size| {
            let (chunk, later) = rest.split_at(size);
            rest = later;
            (
                insert_audit_sql(chunk.len()),
                chunk.iter().flat_map(|r| r.args()).collect(),
            )
        })
        .collect()
}

/// How [`pg_fast_batch`] ended.
enum PgFast {
    /// Committed.
    Done,
    /// Not a batch of plain inserts it can merge: nothing was sent.
    Unmerged,
    /// A statement failed and the transaction was rolled back: nothing was kept.
    Failed,
}

/// The fast path on PostgreSQL, for a batch of plain ops whose statements merge: every
/// statement text's rows in one `INSERT … SELECT … FROM UNNEST(…)` (see `merge`), in as few
/// round trips as the protocol allows — `BEGIN` and the head's lock in one (no values, so one
/// simple query), each merged INSERT, the audit rows and the head's new value in one statement
/// (`WITH appended AS (INSERT …) UPDATE audit_head …`), and `COMMIT`. A batch of contacts is
/// six round trips whatever its size. The rows, their order, the chain and the transaction
/// are those of [`run_batch!`]'s fast path.
async fn pg_fast_batch(conn: &mut PgConnection, ops: &[&WriteOp]) -> Result<PgFast, sqlx::Error> {
    // The single-row audit INSERT as a template, made once.
    static AUDIT_ONE: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| insert_audit_sql(1));
    static AUDIT_TEMPLATE: std::sync::LazyLock<Option<super::merge::Template<'static>>> =
        std::sync::LazyLock::new(|| super::merge::template(AUDIT_ONE.as_str()));
    let Some(merged) = super::merge::plan_unnest(ops.iter().map(|op| op.stmts.as_slice())) else {
        return Ok(PgFast::Unmerged);
    };
    let mut head = {
        use sqlx::Row as _;
        let row = sqlx::raw_sql(
            "BEGIN; UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
        )
        .fetch_one(&mut *conn)
        .await?;
        ChainHead {
            seq: row.try_get(0)?,
            hash: row.try_get(1)?,
        }
    };
    for (sql, args) in merged {
        match pg_query_bound(&sql, args).execute(&mut *conn).await {
            Ok(_) => {}
            Err(sqlx::Error::Database(_)) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
                return Ok(PgFast::Failed);
            }
            Err(e) => return Err(e),
        }
    }
    let rows: Vec<_> = ops
        .iter()
        .flat_map(|op| op.audit.iter())
        .map(|d| head.append(d))
        .collect();
    let args: Vec<Vec<Val>> = rows.iter().map(|r| r.args()).collect();
    let refs: Vec<&[Val]> = args.iter().map(Vec::as_slice).collect();
    let appended = if refs.is_empty() {
        None
    } else {
        AUDIT_TEMPLATE.as_ref().and_then(|t| t.unnest(&refs))
    };
    match appended {
        Some((insert, cols)) => {
            let n = cols.len();
            let sql = format!(
                "WITH appended AS ({insert}) UPDATE audit_head SET seq = ${}, hash = ${} WHERE id = 1",
                n + 1,
                n + 2
            );
            pg_query_bound(&sql, Bound::Columns(cols))
                .bind(head.seq)
                .bind(head.hash.clone())
                .execute(&mut *conn)
                .await?;
        }
        None => {
            for (sql, args) in audit_inserts(&rows) {
                pg_query(&sql, args).execute(&mut *conn).await?;
            }
            pg_query(
                WRITE_HEAD,
                vec![Val::from(head.seq), Val::from(head.hash.clone())],
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::raw_sql("COMMIT").execute(&mut *conn).await?;
    Ok(PgFast::Done)
}

/// A multi-row INSERT for `n` audit rows.
fn insert_audit_sql(n: usize) -> String {
    let mut sql = String::with_capacity(AUDIT_COLUMNS.len() + n * 100);
    sql.push_str(AUDIT_COLUMNS);
    for r in 0..n {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..AUDIT_ARITY {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * AUDIT_ARITY + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// The same batch logic for both backends; `$q` builds a bound query and
/// `$tx` wraps the connection for a command.
///
/// Fast path (a batch of plain ops only): every op's statements straight into
/// one transaction, then all audit rows in multi-row INSERTs, the head, and
/// one commit. If any op fails, the whole transaction is rolled back and the
/// batch is run again on the slow path, where each op has its own savepoint so
/// only the failing op is lost. A batch with a command goes straight to the
/// slow path, so that every command runs exactly once.
macro_rules! run_batch {
    ($conn:expr, $works:expr, $touched:expr, $q:path, $tx:path, $try_fast:expr) => {{
        let works: Vec<Work> = $works;
        let fast = async {
            if !$try_fast || works.iter().any(|w| matches!(w, Work::Command(_))) {
                return Ok(None);
            }
            let ops = works.iter().filter_map(|w| match w {
                Work::Op(op) => Some(op),
                Work::Command(_) => None,
            });
            let mut tx = $conn.begin().await?;
            let mut head = {
                use sqlx::Row as _;
                let row = $q(LOCK_AND_READ_HEAD, vec![]).fetch_one(&mut *tx).await?;
                ChainHead {
                    seq: row.try_get(0)?,
                    hash: row.try_get(1)?,
                }
            };
            // One multi-row INSERT per statement text when the whole batch is plain
            // inserts; otherwise every statement on its own, as before.
            match super::merge::plan(ops.clone().map(|op| op.stmts.as_slice())) {
                Some(merged) => {
                    for (sql, args) in merged {
                        match $q(&sql, args).execute(&mut *tx).await {
                            Ok(_) => {}
                            Err(sqlx::Error::Database(_)) => {
                                tx.rollback().await?;
                                return Ok(None);
                            }
                            Err(e) => return Err(e),
                        }
                    }
                }
                None => {
                    for op in ops.clone() {
                        for stmt in &op.stmts {
                            let ok = match $q(stmt.sql, stmt.args.clone()).execute(&mut *tx).await {
                                Ok(r) => stmt.expect != Expect::One || r.rows_affected() == 1,
                                Err(sqlx::Error::Database(_)) => false,
                                Err(e) => return Err(e),
                            };
                            if !ok {
                                tx.rollback().await?;
                                return Ok(None);
                            }
                        }
                    }
                }
            }
            let rows: Vec<_> = ops
                .flat_map(|op| op.audit.iter())
                .map(|d| head.append(d))
                .collect();
            for (sql, args) in audit_inserts(&rows) {
                $q(&sql, args).execute(&mut *tx).await?;
            }
            $q(
                WRITE_HEAD,
                vec![Val::from(head.seq), Val::from(head.hash.clone())],
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Some(works.iter().map(|_| Ok(None)).collect::<Vec<Reply>>()))
        };
        match fast.await? {
            Some(outcomes) => Ok(outcomes),
            None => {
                let mut tx = $conn.begin().await?;
                let mut head = {
                    use sqlx::Row as _;
                    let row = $q(LOCK_AND_READ_HEAD, vec![]).fetch_one(&mut *tx).await?;
                    ChainHead {
                        seq: row.try_get(0)?,
                        hash: row.try_get(1)?,
                    }
                };
                let mut outcomes: Vec<Reply> = Vec::with_capacity(works.len());
                for work in works {
                    let mut sp = tx.begin().await?;
                    let before = head.clone();
                    // The op's or command's own changes, in its savepoint.
                    let (audit, answer, keep): (
                        Vec<AuditDraft>,
                        Option<Erased>,
                        Result<(), WriteError>,
                    ) = match work {
                        Work::Op(op) => {
                            let mut res = Ok(());
                            for stmt in &op.stmts {
                                match $q(stmt.sql, stmt.args.clone()).execute(&mut *sp).await {
                                    Ok(r)
                                        if stmt.expect == Expect::One && r.rows_affected() != 1 =>
                                    {
                                        res = Err(WriteError::NotFound);
                                        break;
                                    }
                                    Ok(_) => {}
                                    Err(e) => {
                                        res = Err(classify(e));
                                        break;
                                    }
                                }
                            }
                            (op.audit, None, res)
                        }
                        Work::Command(f) => {
                            let ran = {
                                let mut t = Tx::new($tx(&mut *sp));
                                let ran = f(&mut t).await;
                                *$touched |= t.touched_auth;
                                ran
                            };
                            match ran {
                                Ok((audit, Ok(v))) => (audit, Some(Ok(v)), Ok(())),
                                // Refused: its writes go, its audit rows stay.
                                Ok((audit, Err(e))) => {
                                    sp.rollback().await?;
                                    sp = tx.begin().await?;
                                    (audit, Some(Err(e)), Ok(()))
                                }
                                Err(e) => (Vec::new(), None, Err(classify(e))),
                            }
                        }
                    };
                    let mut res = keep;
                    if res.is_ok() {
                        let rows: Vec<_> = audit.iter().map(|d| head.append(d)).collect();
                        for (sql, args) in audit_inserts(&rows) {
                            if let Err(e) = $q(&sql, args).execute(&mut *sp).await {
                                res = Err(classify(e));
                                break;
                            }
                        }
                    }
                    match res {
                        Ok(()) => {
                            sp.commit().await?;
                            outcomes.push(Ok(answer));
                        }
                        Err(e) => {
                            sp.rollback().await?;
                            head = before;
                            outcomes.push(Err(e));
                        }
                    }
                }
                $q(
                    WRITE_HEAD,
                    vec![Val::from(head.seq), Val::from(head.hash.clone())],
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(outcomes)
            }
        }
    }};
}

/// The batch's ops, if it is only plain ops (no command): what the fast paths run.
fn plain_ops(works: &[Work]) -> Option<Vec<&WriteOp>> {
    works
        .iter()
        .map(|w| match w {
            Work::Op(op) => Some(op),
            Work::Command(_) => None,
        })
        .collect()
}

async fn run_batch_sqlite(
    conn: &mut SqliteConnection,
    raw: Option<&mut RawWriter>,
    works: Vec<Work>,
    touched: &mut bool,
) -> Result<Vec<Reply>, sqlx::Error> {
    let mut try_fast = true;
    if let Some(raw) = raw {
        if let Some(ops) = plain_ops(&works) {
            if raw_fast_batch(raw, &ops)
                .map_err(|e| sqlx::Error::Protocol(format!("sqlite write: {e}")))?
            {
                return Ok(works.iter().map(|_| Ok(None)).collect());
            }
            // A statement failed and nothing was kept: each op in its own savepoint below.
            try_fast = false;
        }
    }
    run_batch!(conn, works, touched, sqlite_query, TxConn::Sqlite, try_fast)
}

async fn run_batch_pg(
    conn: &mut PgConnection,
    works: Vec<Work>,
    touched: &mut bool,
) -> Result<Vec<Reply>, sqlx::Error> {
    let mut try_fast = true;
    if let Some(ops) = plain_ops(&works) {
        match pg_fast_batch(conn, &ops).await? {
            PgFast::Done => return Ok(works.iter().map(|_| Ok(None)).collect()),
            // A statement failed and nothing was kept: each op in its own savepoint below.
            PgFast::Failed => try_fast = false,
            PgFast::Unmerged => {}
        }
    }
    run_batch!(conn, works, touched, pg_query, TxConn::Postgres, try_fast)
}

/// The SQLite file once more, through rusqlite, for the writer's fast path: a batch of plain
/// ops runs on the writer's own thread, statement after statement, with no hand-over to
/// sqlx's worker thread for each (the profile of `benk bench` put that hand-over, not SQLite,
/// at the top of a logged contact's cost). `None` for an in-memory database or with
/// `BENK_SQLX_WRITES=1` (to measure both ways in one build).
fn open_raw(opts: &DbOptions) -> Option<RawWriter> {
    let path = super::fast::sqlite_file(opts, "BENK_SQLX_WRITES")?;
    let open = || -> rusqlite::Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        // The same settings as sqlx's connection (`sqlite_options`).
        for (name, value) in super::SQLITE_PRAGMAS {
            c.pragma_update(None, name, value)?;
        }
        c.pragma_update(
            None,
            "synchronous",
            match opts.sqlite_sync {
                super::SqliteSync::Full => "FULL",
                super::SqliteSync::Normal => "NORMAL",
            },
        )?;
        let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidQuery);
        }
        c.set_prepared_statement_cache_capacity(WRITER_STATEMENT_CACHE);
        Ok(c)
    };
    match open() {
        Ok(conn) => Some(RawWriter {
            conn,
            orders: HashMap::new(),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "no rusqlite writer; sqlx only");
            None
        }
    }
}

/// The writer's rusqlite connection, with the parameter order of each statement text it has
/// run (`fast::param_order`).
struct RawWriter {
    conn: rusqlite::Connection,
    orders: HashMap<String, Vec<usize>>,
}

/// Runs one statement to its end on the raw connection; the number of rows it changed.
fn raw_run(
    conn: &rusqlite::Connection,
    orders: &mut HashMap<String, Vec<usize>>,
    sql: &str,
    args: &[Val],
) -> rusqlite::Result<u64> {
    let mut stmt = conn.prepare_cached(sql)?;
    if !orders.contains_key(sql) {
        if orders.len() >= WRITER_STATEMENT_CACHE {
            orders.clear();
        }
        orders.insert(sql.to_owned(), super::fast::param_order(&stmt)?);
    }
    super::fast::bind_in_order(&mut stmt, args, &orders[sql])?;
    let mut rows = stmt.raw_query();
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(conn.changes())
}

/// The fast path of [`run_batch!`] on the raw connection: every op's statements (merged
/// where they can be), the audit rows, the head, one commit. `Ok(false)`: a statement failed
/// or a guard did not hold, and the transaction was rolled back (run the batch again with a
/// savepoint per op); `Err`: the connection failed.
fn raw_fast_batch(raw: &mut RawWriter, ops: &[&WriteOp]) -> rusqlite::Result<bool> {
    let RawWriter { conn, orders } = raw;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut head = tx.prepare_cached(LOCK_AND_READ_HEAD)?.query_row([], |r| {
        Ok(ChainHead {
            seq: r.get(0)?,
            hash: r.get(1)?,
        })
    })?;
    let ok = match super::merge::plan(ops.iter().map(|op| op.stmts.as_slice())) {
        Some(merged) => merged
            .iter()
            .all(|(sql, args)| raw_run(&tx, orders, sql, args).is_ok()),
        None => ops.iter().flat_map(|op| &op.stmts).all(|stmt| {
            raw_run(&tx, orders, stmt.sql, &stmt.args)
                .is_ok_and(|n| stmt.expect != Expect::One || n == 1)
        }),
    };
    if !ok {
        tx.rollback()?;
        return Ok(false);
    }
    let rows: Vec<_> = ops
        .iter()
        .flat_map(|op| op.audit.iter())
        .map(|d| head.append(d))
        .collect();
    for (sql, args) in audit_inserts(&rows) {
        raw_run(&tx, orders, &sql, &args)?;
    }
    raw_run(
        &tx,
        orders,
        WRITE_HEAD,
        &[Val::from(head.seq), Val::from(head.hash.clone())],
    )?;
    tx.commit()?;
    Ok(true)
}

/// Tables that cached logins are read from (`crate::auth_cache`): a committed change to any
/// of them moves the writer's auth epoch, which empties the cache before the change is
/// acknowledged.
const AUTH_TABLES: &[&str] = &[
    "staff",
    "team_memberships",
    "teams",
    "organisations",
    "api_tokens",
    "identities",
];

/// Whether a statement may change a table logins are cached from. Reads never do; a write
/// whose target table cannot be told from its text counts as one that does.
pub(crate) fn touches_auth(sql: &str) -> bool {
    let s = sql.trim_start();
    let word = |s: &str| -> String {
        s.split(|c: char| c.is_whitespace() || c == '(')
            .find(|w| !w.is_empty())
            .unwrap_or_default()
            .trim_matches('"')
            .to_ascii_lowercase()
    };
    let first = word(s);
    let rest = s[first.len().min(s.len())..].trim_start();
    let table = match first.as_str() {
        "select" | "savepoint" | "release" | "pragma" => return false,
        "insert" => {
            let into = word(rest);
            if into != "into" {
                return true;
            }
            word(rest[4..].trim_start())
        }
        "delete" => {
            let from = word(rest);
            if from != "from" {
                return true;
            }
            word(rest[4..].trim_start())
        }
        "update" => word(rest),
        _ => return true,
    };
    AUTH_TABLES.contains(&table.as_str())
}

#[cfg(test)]
mod tests {
    use super::touches_auth;

    #[test]
    fn auth_tables_are_told_from_the_statement() {
        for sql in [
            "UPDATE staff SET disabled = TRUE WHERE id = $1",
            "  insert into api_tokens (id) VALUES ($1)",
            "DELETE FROM team_memberships WHERE staff_id = $1",
            "UPDATE \"staff\" SET language = $1",
            "INSERT INTO identities (id) VALUES ($1)",
            "WITH x AS (SELECT 1) UPDATE staff SET name = $1",
            "REPLACE INTO staff (id) VALUES ($1)",
        ] {
            assert!(touches_auth(sql), "{sql}");
        }
        for sql in [
            "SELECT * FROM staff",
            "INSERT INTO contact_staff (contact_id, staff_id) VALUES ($1, $2)",
            "INSERT INTO contacts (id) VALUES ($1)",
            "UPDATE sessions SET last_seen = $1",
            "DELETE FROM note_drafts WHERE author_id = $1",
            "UPDATE staff_notes SET x = 1",
        ] {
            assert!(!touches_auth(sql), "{sql}");
        }
    }
}
