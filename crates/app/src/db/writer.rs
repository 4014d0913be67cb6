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

use sqlx::error::ErrorKind;
use sqlx::{Connection, PgConnection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::{pg_options, pg_query, sqlite_options, sqlite_query, Backend, DbError, DbOptions, Val};
use crate::audit::{AuditDraft, ChainHead};

/// What a statement must have done for its op to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any number of rows.
    Any,
    /// Exactly one row (an update of an existing row); otherwise the op fails with `NotFound`.
    One,
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

struct Job {
    op: WriteOp,
    reply: oneshot::Sender<Result<(), WriteError>>,
}

/// Handle to the writer task. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

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
                            run(conn, rx, opts).await;
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
        Ok(Writer { tx })
    }

    /// Submits an op and waits until it is durably committed (or failed).
    pub async fn write(&self, op: WriteOp) -> Result<(), WriteError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { op, reply })
            .await
            .map_err(|_| WriteError::Unavailable("writer stopped".into()))?;
        rx.await
            .map_err(|_| WriteError::Unavailable("writer stopped".into()))?
    }
}

enum WriterConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl WriterConn {
    async fn open(opts: &DbOptions) -> Result<WriterConn, DbError> {
        Ok(match Backend::from_url(&opts.url)? {
            Backend::Sqlite => {
                WriterConn::Sqlite(SqliteConnection::connect_with(&sqlite_options(opts)?).await?)
            }
            Backend::Postgres => {
                WriterConn::Postgres(PgConnection::connect_with(&pg_options(opts)?).await?)
            }
        })
    }
}

async fn run(conn: WriterConn, mut rx: mpsc::Receiver<Job>, opts: DbOptions) {
    let mut conn = Some(conn);
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if conn.is_none() {
            match WriterConn::open(&opts).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tracing::error!(error = %e, "writer could not reconnect");
                    for job in jobs {
                        let _ = job
                            .reply
                            .send(Err(WriteError::Unavailable("database unavailable".into())));
                    }
                    continue;
                }
            }
        }
        let ops: Vec<&WriteOp> = jobs.iter().map(|j| &j.op).collect();
        let started = std::time::Instant::now();
        let result = match conn.as_mut().expect("connected above") {
            WriterConn::Sqlite(c) => run_batch_sqlite(c, &ops).await,
            WriterConn::Postgres(c) => run_batch_pg(c, &ops).await,
        };
        match result {
            Ok(outcomes) => {
                tracing::debug!(
                    ops = outcomes.len(),
                    micros = started.elapsed().as_micros() as u64,
                    "write batch committed"
                );
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, batch = jobs.len(), "write batch failed; reconnecting");
                conn = None;
                for job in jobs {
                    let _ = job
                        .reply
                        .send(Err(WriteError::Unavailable("database error".into())));
                }
            }
        }
    }
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
/// Audit rows per multi-row INSERT (18 parameters each; well under both backends' limits).
const AUDIT_CHUNK: usize = 200;

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

/// The same batch logic for both backends; `$q` builds a bound query.
///
/// Fast path: every op's statements straight into one transaction, then all
/// audit rows in multi-row INSERTs, the head, and one commit. If any op fails,
/// the whole transaction is rolled back and the batch is run again on the slow
/// path, where each op has its own savepoint so only the failing op is lost.
macro_rules! run_batch {
    ($conn:expr, $ops:expr, $q:path) => {{
        let ops = $ops;
        let fast = async {
            let mut tx = $conn.begin().await?;
            let mut head = {
                use sqlx::Row as _;
                let row = $q(LOCK_AND_READ_HEAD, vec![]).fetch_one(&mut *tx).await?;
                ChainHead {
                    seq: row.try_get(0)?,
                    hash: row.try_get(1)?,
                }
            };
            for op in ops.iter() {
                for stmt in &op.stmts {
                    let ok = match $q(stmt.sql, stmt.args.clone()).execute(&mut *tx).await {
                        Ok(r) => stmt.expect == Expect::Any || r.rows_affected() == 1,
                        Err(sqlx::Error::Database(_)) => false,
                        Err(e) => return Err(e),
                    };
                    if !ok {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                }
            }
            let rows: Vec<_> = ops
                .iter()
                .flat_map(|op| op.audit.iter())
                .map(|d| head.append(d))
                .collect();
            for chunk in rows.chunks(AUDIT_CHUNK) {
                let args = chunk.iter().flat_map(|r| r.args()).collect();
                $q(&insert_audit_sql(chunk.len()), args)
                    .execute(&mut *tx)
                    .await?;
            }
            $q(
                WRITE_HEAD,
                vec![Val::from(head.seq), Val::from(head.hash.clone())],
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Some(vec![Ok(()); ops.len()]))
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
                let mut outcomes = Vec::with_capacity(ops.len());
                for op in ops.iter() {
                    let mut sp = tx.begin().await?;
                    let before = head.clone();
                    let mut res: Result<(), WriteError> = Ok(());
                    for stmt in &op.stmts {
                        match $q(stmt.sql, stmt.args.clone()).execute(&mut *sp).await {
                            Ok(r) if stmt.expect == Expect::One && r.rows_affected() != 1 => {
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
                    if res.is_ok() {
                        let rows: Vec<_> = op.audit.iter().map(|d| head.append(d)).collect();
                        for chunk in rows.chunks(AUDIT_CHUNK) {
                            let args = chunk.iter().flat_map(|r| r.args()).collect();
                            if let Err(e) = $q(&insert_audit_sql(chunk.len()), args)
                                .execute(&mut *sp)
                                .await
                            {
                                res = Err(classify(e));
                                break;
                            }
                        }
                    }
                    match res {
                        Ok(()) => sp.commit().await?,
                        Err(_) => {
                            sp.rollback().await?;
                            head = before;
                        }
                    }
                    outcomes.push(res);
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

async fn run_batch_sqlite(
    conn: &mut SqliteConnection,
    ops: &[&WriteOp],
) -> Result<Vec<Result<(), WriteError>>, sqlx::Error> {
    run_batch!(conn, ops, sqlite_query)
}

async fn run_batch_pg(
    conn: &mut PgConnection,
    ops: &[&WriteOp],
) -> Result<Vec<Result<(), WriteError>>, sqlx::Error> {
    run_batch!(conn, ops, pg_query)
}
