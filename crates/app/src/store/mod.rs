//! Stores: one module per aggregate owns its SQL and its column lists.
//!
//! A use case never writes SQL for a moved aggregate: it calls a store's read
//! functions and composes the store's statement builders ([`Stmt`]) into a
//! [`WriteOp`](crate::db::writer::WriteOp). A read is written once and runs on
//! the read pool (`&Db`) or inside a writer command (`&mut Tx`) through
//! [`Exec`], so a check and the write it guards can share the same query.
//! Backend differences (integer widths, typed NULLs) are handled here, in the
//! SQL text, so use cases see one behaviour. `crates/app/tests/app/store_contract.rs`
//! runs every store on both backends.
//!
//! [`Stmt`]: crate::db::writer::Stmt

pub mod appointments;
pub mod assessment;
pub mod auth;
pub mod board;
pub mod care;
pub mod caseload;
pub mod clients;
pub mod contacts;
pub mod dropin;
pub mod episodes;
pub mod guidance;
pub mod housing;
pub mod idempotency;
pub mod import;
pub mod intake;
pub mod keeping;
pub mod learning;
pub mod measures;
pub mod meetings;
pub mod national;
pub mod openhour;
pub mod orgs;
pub mod plans;
pub mod referrals;
pub mod registry;
pub mod reports;
pub mod services;
pub mod situation;
pub mod staff;

use std::future::Future;

use crate::db::fast::FastRow;
use crate::db::writer::Tx;
use crate::db::{Backend, Db, Row, Val};

/// Somewhere a store's reads can run: the read pool or a writer command's transaction.
///
/// Store functions take `impl Exec` by value: pass `&app.db` on the read side
/// and `&mut *tx` inside [`Writer::command`](crate::db::writer::Writer::command).
pub trait Exec: Send {
    /// Which backend the queries run on.
    fn backend(&self) -> Backend;
    /// All rows of a query.
    fn all<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send;
    /// At most one row.
    fn opt<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send;
    /// A single integer (COUNT, EXISTS as 0/1, …).
    fn scalar_i64(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<i64, sqlx::Error>> + Send;
    /// All rows of a short, indexed query of a request's hot path ([`Db::fast_all`]); inside
    /// the writer's transaction the same as [`Exec::all`].
    fn fast_all<T: Row + FastRow>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
        self.all(sql, args)
    }
    /// At most one row of a short, indexed query ([`Db::fast_opt`]).
    fn fast_opt<T: Row + FastRow>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send {
        self.opt(sql, args)
    }
}

impl Exec for &Db {
    fn backend(&self) -> Backend {
        Db::backend(self)
    }
    fn all<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
        Db::all(self, sql, args)
    }
    fn opt<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send {
        Db::opt(self, sql, args)
    }
    fn scalar_i64(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<i64, sqlx::Error>> + Send {
        Db::scalar_i64(self, sql, args)
    }
    fn fast_all<T: Row + FastRow>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
        Db::fast_all(self, sql, args)
    }
    fn fast_opt<T: Row + FastRow>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send {
        Db::fast_opt(self, sql, args)
    }
}

impl Exec for &mut Tx<'_> {
    fn backend(&self) -> Backend {
        Tx::backend(self)
    }
    fn all<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Vec<T>, sqlx::Error>> + Send {
        Tx::all(self, sql, args)
    }
    fn opt<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<Option<T>, sqlx::Error>> + Send {
        Tx::opt(self, sql, args)
    }
    fn scalar_i64(
        &mut self,
        sql: &str,
        args: Vec<Val>,
    ) -> impl Future<Output = Result<i64, sqlx::Error>> + Send {
        Tx::scalar_i64(self, sql, args)
    }
}

#[cfg(test)]
mod tests {
    /// The use cases whose aggregates have a store, with their source.
    const MOVED: &[(&str, &str)] = &[
        ("clients.rs", include_str!("../clients.rs")),
        ("contacts.rs", include_str!("../contacts.rs")),
        ("care.rs", include_str!("../care.rs")),
        ("episodes.rs", include_str!("../episodes.rs")),
        ("guidance.rs", include_str!("../guidance.rs")),
        ("referrals.rs", include_str!("../referrals.rs")),
        ("intake.rs", include_str!("../intake.rs")),
        ("reports.rs", include_str!("../reports.rs")),
        ("idempotency.rs", include_str!("../idempotency.rs")),
        ("auth.rs", include_str!("../auth.rs")),
        ("staff.rs", include_str!("../staff.rs")),
        ("orgs.rs", include_str!("../orgs.rs")),
        ("intake_views.rs", include_str!("../intake_views.rs")),
        ("openhour.rs", include_str!("../openhour.rs")),
        ("dropin.rs", include_str!("../dropin.rs")),
        ("housing.rs", include_str!("../housing.rs")),
        ("measures.rs", include_str!("../measures.rs")),
        ("plans.rs", include_str!("../plans.rs")),
        ("registry.rs", include_str!("../registry.rs")),
        ("actor.rs", include_str!("../actor.rs")),
        ("appointments.rs", include_str!("../appointments.rs")),
        ("assessment.rs", include_str!("../assessment.rs")),
        ("board.rs", include_str!("../board.rs")),
        ("calendar.rs", include_str!("../calendar.rs")),
        ("caseload.rs", include_str!("../caseload.rs")),
        ("keeping.rs", include_str!("../keeping.rs")),
        ("meetings.rs", include_str!("../meetings.rs")),
        ("situation.rs", include_str!("../situation.rs")),
        ("target.rs", include_str!("../target.rs")),
    ];

    /// A moved use case holds no SQL: its queries and statements live in its store.
    #[test]
    fn moved_use_cases_hold_no_sql() {
        for (file, src) in MOVED {
            for (n, line) in src.lines().enumerate() {
                let upper = line.to_uppercase();
                for word in [
                    "SELECT ",
                    "INSERT INTO",
                    "UPDATE ",
                    "DELETE FROM",
                    " WHERE ",
                ] {
                    assert!(
                        !upper.contains(word) || line.trim_start().starts_with("//"),
                        "{file}:{}: SQL in a use case ({word:?}); move it to its store: {line}",
                        n + 1
                    );
                }
            }
        }
    }
}
