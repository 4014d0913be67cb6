//! A PostgreSQL role for the running server that cannot rewrite the audit log.
//!
//! The tables belong to the role that ran the migrations. The server's role
//! gets what the use cases need on every table (the writer updates and deletes
//! ordinary rows, and moves `audit_head` forward), but only INSERT and SELECT
//! on `audit_events`, and it owns nothing, so it can neither disable the
//! append-only triggers nor alter the tables or record a fake migration.

use super::Db;
use crate::access::admin::AdminGrant;
use crate::db::writer::WriteOp;
use crate::App;

/// Why the role could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ServerRoleError {
    /// The name is not a plain lower-case identifier.
    #[error("{0:?} is not a usable role name: use 1–63 characters a–z, 0–9 and _, not starting with a digit")]
    BadName(String),
    /// Roles exist only on PostgreSQL.
    #[error("only PostgreSQL has roles; a SQLite file is protected by file permissions")]
    NotPostgres,
    /// The database refused.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The grant does not cover the whole installation.
    #[error("administration: {0}")]
    Grant(String),
    /// The audit row could not be written.
    #[error("writing the audit row: {0}")]
    Audit(String),
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && name.len() <= 63
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Creates the role (LOGIN, no password: the site sets one or uses
/// certificate or peer authentication) if it does not exist, and sets its
/// rights in the current schema. Running it again resets the rights. Audited
/// under the grant, which must cover the whole installation.
pub async fn create_server_role(
    app: &App,
    grant: &AdminGrant,
    name: &str,
) -> Result<(), ServerRoleError> {
    grant
        .require_system()
        .map_err(|e| ServerRoleError::Grant(e.to_string()))?;
    if !valid_name(name) {
        return Err(ServerRoleError::BadName(name.to_string()));
    }
    let Db::Postgres(pool, _) = &app.db else {
        return Err(ServerRoleError::NotPostgres);
    };
    // A DO block takes no parameters; the name is a checked identifier and is
    // quoted with %I / %L all the same.
    let sql = format!(
        r#"DO $benk$
DECLARE
    r text := '{name}';
    s text := current_schema();
BEGIN
    IF r = current_user THEN
        RAISE EXCEPTION 'the server role must not be the role that runs the migrations (%)', r;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r AND rolsuper) THEN
        RAISE EXCEPTION 'the server role must not be a superuser (%)', r;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', r);
    END IF;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', s, r);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, r);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', s, r);
    EXECUTE format('REVOKE UPDATE, DELETE ON %I.audit_events FROM %I', s, r);
    EXECUTE format('REVOKE DELETE ON %I.audit_head FROM %I', s, r);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I._sqlx_migrations FROM %I', s, r);
END
$benk$"#
    );
    sqlx::query(&sql).execute(pool).await?;
    let d = grant.audit(
        "db.server_role",
        &format!("role:{name}:audit_events=select,insert"),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![],
            audit: vec![d],
        })
        .await
        .map_err(|e| ServerRoleError::Audit(e.to_string()))?;
    Ok(())
}
