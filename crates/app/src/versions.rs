//! Records kept as versions (measures, registry events, SPoR interviews): never changed in
//! place; their author corrects them with a new version or retracts them. One check for
//! all of them: the version the caller names must exist for the person, be the actor's own
//! and still be current.

use benk_domain::ShortText;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::{audit_allowed, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::App;

/// The statement that retracts version `of`: (new id, of, client, reason, by, owner
/// organisation, at).
pub(crate) type RetractStmt = fn(Uuid, Uuid, Uuid, &str, Uuid, Uuid, DateTime<Utc>) -> Stmt;

/// What a stored version tells the check.
pub(crate) trait Version {
    /// Who recorded it.
    fn author(&self) -> Uuid;
    /// Already superseded by a correction or retracted.
    fn stale(&self) -> bool;
}

/// One kind of versioned record, for the refusals.
pub(crate) struct Kind {
    /// Its name in audit resources (`measure`, `registry_event`, `spor_interview`).
    pub resource: &'static str,
    /// The audited reason when there is no such version (`no_such_measure`, …).
    pub missing: &'static str,
    /// The refusal to someone who did not record it (nb, en).
    pub not_author: (&'static str, &'static str),
    /// The answer when it was corrected or deleted meanwhile (nb, en).
    pub stale: (&'static str, &'static str),
}

/// `found` (the version `id` of the grant's person, as read) if the actor recorded it and
/// it is current. No such version is a 404 and another author a 403, both audited as
/// `action` denied (`none:<missing>`, `none:not_the_author`); a stale version is a
/// 409.
pub(crate) async fn own_current<R: Version>(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    (id, action): (Uuid, &str),
    kind: &Kind,
    found: Option<R>,
) -> AppResult<R> {
    let refuse = |why: &str| {
        let mut d = actor.audit(action, Outcome::Denied);
        d.client_id = Some(grant.client_id());
        d.purpose = Some(grant.purpose().code().to_string());
        d.resources = format!("{}:{id},none:{why}", kind.resource);
        d
    };
    let Some(row) = found else {
        app.writer
            .write(WriteOp::audit_only(vec![refuse(kind.missing)]))
            .await?;
        return Err(AppError::NotFound);
    };
    if row.author() != actor.staff_id {
        app.writer
            .write(WriteOp::audit_only(vec![refuse("not_the_author")]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            kind.not_author.0,
            kind.not_author.1,
        )));
    }
    if row.stale() {
        return Err(AppError::Conflict(Text::new(kind.stale.0, kind.stale.1)));
    }
    Ok(row)
}

/// Deletes a version by retracting it: a retraction row with the reason (the version stays
/// in the table). The author only (`own_current`, with `found` as read); audited as
/// `action` with `<resource>:<new>,retracts:<id>`.
pub(crate) async fn retract<R: Version>(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    (id, action, reason): (Uuid, &str, &str),
    kind: &Kind,
    found: Option<R>,
    stmt: RetractStmt,
) -> AppResult<()> {
    let reason =
        ShortText::parse(reason).map_err(|e| AppError::field(FieldError::of("reason", &e)))?;
    own_current(app, actor, grant, (id, action), kind, found).await?;
    let new = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        action,
        &format!("{}:{new},retracts:{id}", kind.resource),
    );
    let stmt = stmt(
        new,
        id,
        grant.client_id(),
        reason.as_str(),
        actor.staff_id,
        actor.home_org_id,
        d.at,
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(())
}
