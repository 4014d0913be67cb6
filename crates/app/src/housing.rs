//! Housing: the person's housing status as coded history, housing-queue applications and
//! evictions, so that "none were evicted" (Tandem) and "all the homeless got housing" (C-Flex)
//! are computed, not typed ([`outcomes`]).
//!
//! Who: housing is not health content but a social-remit fact. Anyone who may open the
//! person's record ([`ReadGrant`] from `access::open_client`, whatever its scope) reads and
//! records it, so a NAV or housing worker in the care team may. A refusal is audited by
//! `open_client`. Every read and write is audited. The outcomes are aggregates over a team
//! (no person data), for its working members.

use benk_domain::{
    housing_outcomes, Followed, HousingOutcomes, HousingQueueStatus, HousingStatus, ShortText,
    TeamRole,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::store::housing::Recorded;
use crate::App;

/// One housing status in the history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StatusRow {
    /// Id.
    pub id: Uuid,
    /// `HousingStatus` code.
    pub status: String,
    /// From this date.
    pub from_date: NaiveDate,
    /// Note.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One application in the housing queue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApplicationRow {
    /// Id.
    pub id: Uuid,
    /// Applied on.
    pub applied_on: NaiveDate,
    /// What was applied for.
    pub what: String,
    /// `HousingQueueStatus` code.
    pub status: String,
    /// Decided on.
    pub decided_on: Option<NaiveDate>,
}

/// One eviction.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct EvictionRow {
    /// Id.
    pub id: Uuid,
    /// Date.
    pub evicted_on: NaiveDate,
    /// Note.
    pub note: Option<String>,
}

/// A person's housing: the history (newest first), the queue and evictions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Housing {
    /// The current status (`HousingStatus` code): the newest dated today or earlier.
    pub current: Option<String>,
    /// History, newest first.
    pub statuses: Vec<StatusRow>,
    /// Housing-queue applications, newest first.
    pub applications: Vec<ApplicationRow>,
    /// Evictions, newest first.
    pub evictions: Vec<EvictionRow>,
}

fn recorded(actor: &Actor, grant: &ReadGrant, at: DateTime<Utc>) -> Recorded {
    Recorded {
        client: grant.client_id(),
        team: grant.team_id(),
        by: actor.staff_id,
        owner_org: actor.home_org_id,
        at,
    }
}

fn not_future(field: &str, d: NaiveDate) -> Option<FieldError> {
    (d > crate::time::oslo_today()).then(|| {
        FieldError::new(
            field,
            "future_date",
            "Datoen kan ikke være i fremtiden.",
            "The date cannot be in the future.",
        )
    })
}

/// The person's housing (audited, `housing.read`).
pub async fn get(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Housing> {
    let client = grant.client_id();
    let statuses = store::housing::statuses(&app.db, client).await?;
    let applications = store::housing::applications(&app.db, client).await?;
    let evictions = store::housing::evictions(&app.db, client).await?;
    let d = audit_allowed(actor, grant, "housing.read", "housing");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    let today = crate::time::oslo_today();
    let current = statuses
        .iter()
        .find(|s| s.from_date <= today)
        .map(|s| s.status.clone());
    Ok(Housing {
        current,
        statuses,
        applications,
        evictions,
    })
}

/// Records a housing status from a date (not in the future).
pub async fn add_status(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    status: HousingStatus,
    from_date: NaiveDate,
    note: Option<ShortText>,
) -> AppResult<Uuid> {
    if let Some(e) = not_future("from_date", from_date) {
        return Err(AppError::field(e));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "housing.status",
        &format!("housing_status:{id},status:{}", status.code()),
    );
    let stmt = store::housing::insert_status(
        id,
        recorded(actor, grant, d.at),
        status.code(),
        from_date,
        note.as_ref().map(|n| n.as_str()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

fn check_application(
    applied_on: NaiveDate,
    status: HousingQueueStatus,
    decided_on: Option<NaiveDate>,
) -> AppResult<()> {
    let mut errs: Vec<FieldError> = not_future("applied_on", applied_on).into_iter().collect();
    match (status.is_decided(), decided_on) {
        (true, None) => errs.push(FieldError::new(
            "decided_on",
            "required",
            "Oppgi når søknaden ble avgjort.",
            "Give the date the application was decided.",
        )),
        (false, Some(_)) => errs.push(FieldError::new(
            "decided_on",
            "not_decided",
            "En søknad som venter har ingen avgjørelsesdato.",
            "An application that is waiting has no decision date.",
        )),
        (true, Some(d)) => {
            errs.extend(not_future("decided_on", d));
            if d < applied_on {
                errs.push(FieldError::new(
                    "decided_on",
                    "before_applied",
                    "Avgjørelsen kan ikke være før søknaden.",
                    "The decision cannot be before the application.",
                ));
            }
        }
        (false, None) => {}
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// Records an application in the housing queue.
pub async fn add_application(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    applied_on: NaiveDate,
    what: ShortText,
    status: HousingQueueStatus,
    decided_on: Option<NaiveDate>,
) -> AppResult<Uuid> {
    check_application(applied_on, status, decided_on)?;
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "housing.application",
        &format!("housing_application:{id},status:{}", status.code()),
    );
    let stmt = store::housing::insert_application(
        id,
        recorded(actor, grant, d.at),
        applied_on,
        what.as_str(),
        status.code(),
        decided_on,
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Changes an application's status (decided, withdrawn).
pub async fn update_application(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    status: HousingQueueStatus,
    decided_on: Option<NaiveDate>,
) -> AppResult<()> {
    let current = store::housing::applications(&app.db, grant.client_id())
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    check_application(current.applied_on, status, decided_on)?;
    let d = audit_allowed(
        actor,
        grant,
        "housing.application_update",
        &format!("housing_application:{id},status:{}", status.code()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::housing::update_application(
                id,
                grant.client_id(),
                status.code(),
                decided_on,
                d.at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// Records an eviction.
pub async fn add_eviction(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    evicted_on: NaiveDate,
    note: Option<ShortText>,
) -> AppResult<Uuid> {
    if let Some(e) = not_future("evicted_on", evicted_on) {
        return Err(AppError::field(e));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "housing.eviction",
        &format!("housing_eviction:{id}"),
    );
    let stmt = store::housing::insert_eviction(
        id,
        recorded(actor, grant, d.at),
        evicted_on,
        note.as_ref().map(|n| n.as_str()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Courses `(person, included on, closed on)` as the domain's `Followed`.
pub(crate) fn as_followed(rows: Vec<(Uuid, NaiveDate, Option<NaiveDate>)>) -> Vec<Followed<Uuid>> {
    rows.into_iter()
        .map(|(who, included_on, closed_on)| Followed {
            who,
            included_on,
            closed_on,
        })
        .collect()
}

/// A team's coded housing statuses `(person, status, from)` and evictions `(person, date)` up
/// to `to`, for the reports (the caller has checked access).
pub(crate) async fn team_history(
    app: &App,
    team: Uuid,
    to: NaiveDate,
) -> AppResult<(
    Vec<(Uuid, HousingStatus, NaiveDate)>,
    Vec<(Uuid, NaiveDate)>,
)> {
    let statuses = store::housing::team_statuses(&app.db, team, to)
        .await?
        .into_iter()
        .filter_map(|(c, s, d)| HousingStatus::from_code(&s).map(|s| (c, s, d)))
        .collect();
    let evictions = store::housing::team_evictions(&app.db, team, to).await?;
    Ok((statuses, evictions))
}

/// The housing outcomes of a team over a period (see [`HousingOutcomes`]), for the reports:
/// aggregates only. Working members of the team (worker, intake member, team lead); the read
/// is audited, a refusal too.
pub async fn outcomes(
    app: &App,
    actor: &Actor,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HousingOutcomes> {
    if !actor.has_role_in(
        team,
        &[TeamRole::Worker, TeamRole::IntakeMember, TeamRole::TeamLead],
    ) {
        let mut d = actor.audit("housing.outcomes", Outcome::Denied);
        d.resources = format!("team:{team},none:not_a_team_member");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare teamets medarbeidere ser teamets tall. Forsøket er logget.",
            "Only the team's staff see the team's figures. The attempt has been logged.",
        )));
    }
    if to < from {
        return Err(AppError::field(FieldError::new(
            "to",
            "before_from",
            "Sluttdatoen kan ikke være før startdatoen.",
            "The end date cannot be before the start date.",
        )));
    }
    let followed = as_followed(store::housing::followed(&app.db, team, from, to).await?);
    let (statuses, evictions) = team_history(app, team, to).await?;
    let mut d = actor.audit("housing.outcomes", Outcome::Allowed);
    d.resources = format!("team:{team},period:{from}..{to},aggregate");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(housing_outcomes(from, to, &followed, &statuses, &evictions))
}
