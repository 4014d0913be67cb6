//! PostgreSQL reads without the pool's two extra round trips.
//!
//! sqlx's pool pings a connection before it hands it out (`test_before_acquire`) and pings it
//! once more, always, in a task it spawns when the connection is given back (sqlx-core 0.8,
//! `Floating::return_to_pool`). A short read of a request — the access check, a person's
//! record — was therefore three round trips to PostgreSQL and a spawned task, where one does
//! the work. The profile of `benk bench` (ARCHITECTURE, "Sixth pass") put the reader backends
//! and the kernel's loopback traffic at a third of a logged contact's CPU.
//!
//! [`PgReaders`] keeps its own idle connections. A read takes one, runs its (prepared, cached)
//! statement and puts the connection back only when the statement ran to its end, with an
//! answer or a database error (after which a PostgreSQL connection is ready again). A read
//! that is dropped half-way (its request went away) or that fails on the connection itself
//! closes that connection instead, so no connection comes back in an unknown state — the
//! state the release ping was there to flush. A connection the server has dropped (a restart
//! or a terminated backend) is found by the read that uses it: the idle connections, which
//! went with it, are let go, and the read is tried once more on a new connection. Reads change
//! nothing, so trying one again is safe.
//!
//! At most `max` connections are open at once; a read waits for one at most
//! [`ACQUIRE_TIMEOUT`], like the pool did.

use std::sync::Mutex;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgRow};
use sqlx::{Connection, PgConnection};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::{bind_columns, pg_query, pg_query_as, Column, Row, Val};

/// How long a read waits for a connection when all are busy.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections to one PostgreSQL database.
pub struct PgReaders {
    opts: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    permits: Semaphore,
}

impl std::fmt::Debug for PgReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgReaders")
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

/// A connection taken for one read; given back by [`Lease::done`], closed if dropped.
struct Lease<'a> {
    readers: &'a PgReaders,
    conn: Option<PgConnection>,
    _permit: SemaphorePermit<'a>,
}

impl Lease<'_> {
    fn conn(&mut self) -> &mut PgConnection {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until done")
    }

    /// The read ran to its end: the connection is ready for the next one.
    fn done(mut self) {
        if let Some(c) = self.conn.take() {
            self.readers.lock().push(c);
        }
    }
}

/// Whether an error is the connection's own (it is closed, not given back): anything but an
/// answer of the database — and of those, the ones that end the session (a backend terminated
/// by an administrator or a server shutting down says so with a FATAL error, SQLSTATE 57P01,
/// before it closes the socket; class 08 is a connection exception).
fn is_connection_error(e: &sqlx::Error) -> bool {
    if let sqlx::Error::Database(d) = e {
        let code = d.code().unwrap_or_default();
        let fatal = d
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .is_some_and(|p| {
                matches!(
                    p.severity(),
                    sqlx::postgres::PgSeverity::Fatal | sqlx::postgres::PgSeverity::Panic
                )
            });
        return fatal || code.starts_with("08") || code.starts_with("57P");
    }
    !matches!(
        e,
        sqlx::Error::RowNotFound
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::TypeNotFound { .. }
    )
}

/// Runs a read on a leased connection (`|c| future`), and once more on a new connection if
/// the connection itself failed; the connection goes back only when the read answered.
macro_rules! retrying {
    ($readers:expr, |$c:ident| $read:expr) => {{
        let readers = $readers;
        let mut tried = false;
        loop {
            let mut lease = readers.lease().await?;
            let $c = lease.conn();
            match $read.await {
                Err(e) if is_connection_error(&e) => {
                    // Dropping the lease closes this connection.
                    drop(lease);
                    if tried {
                        break Err(e);
                    }
                    readers.forget_idle(&e);
                    tried = true;
                }
                answered => {
                    lease.done();
                    break answered;
                }
            }
        }
    }};
}

impl PgReaders {
    /// Readers for `opts`, at most `max` connections at once (none opened yet).
    pub fn new(opts: PgConnectOptions, max: u32) -> PgReaders {
        PgReaders {
            opts,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(max.max(1) as usize),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PgConnection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn lease(&self) -> Result<Lease<'_>, sqlx::Error> {
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.acquire())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.lock().pop();
        let conn = match idle {
            Some(c) => c,
            None => PgConnection::connect_with(&self.opts).await?,
        };
        Ok(Lease {
            readers: self,
            conn: Some(conn),
            _permit: permit,
        })
    }

    /// A broken connection was let go: let the idle ones go too (they most likely went the
    /// same way, a server restart).
    fn forget_idle(&self, e: &sqlx::Error) {
        self.lock().clear();
        tracing::info!(error = %e, "a PostgreSQL reader connection was broken; reading again on a new one");
    }

    /// All rows of a query.
    pub async fn all<T: Row>(&self, sql: &str, args: Vec<Val>) -> Result<Vec<T>, sqlx::Error> {
        retrying!(self, |c| pg_query_as::<T>(sql, args.clone()).fetch_all(c))
    }

    /// At most one row.
    pub async fn opt<T: Row>(&self, sql: &str, args: Vec<Val>) -> Result<Option<T>, sqlx::Error> {
        retrying!(self, |c| pg_query_as::<T>(sql, args.clone())
            .fetch_optional(c))
    }

    /// All rows of a query whose values are whole columns (`$1::uuid[]`, …).
    pub(crate) async fn all_columns<T: Row>(
        &self,
        sql: &str,
        cols: Vec<Column>,
    ) -> Result<Vec<T>, sqlx::Error> {
        retrying!(self, |c| bind_columns(
            sqlx::query_as::<_, T>(sql),
            cols.clone()
        )
        .fetch_all(c))
    }

    /// Exactly one row, undecoded.
    pub async fn one_row(&self, sql: &str, args: Vec<Val>) -> Result<PgRow, sqlx::Error> {
        retrying!(self, |c| pg_query(sql, args.clone()).fetch_one(c))
    }

    /// Closes the idle connections; a read after this fails (`PoolClosed`), as the pool's did.
    pub async fn close(&self) {
        self.permits.close();
        let idle: Vec<PgConnection> = std::mem::take(&mut *self.lock());
        for c in idle {
            let _ = c.close().await;
        }
    }
}
