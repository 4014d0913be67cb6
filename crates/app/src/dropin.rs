//! The drop-in centre ("værested"): a daily register of visits and services used (meal,
//! coffee, shower, laundry, clinic room), as anonymous tallies per service per day, and visits
//! of a known person of the team.
//!
//! Choices: a tally is the day's sheet, counting everyone anonymously; saving a day again
//! replaces its counts (so a double submit does not double them). A visit linked to a known
//! person is a contact of kind `drop_in` (met, place "værested") in the person's record, with
//! the services used beside it; it needs access to the person ([`ReadGrant`]) and is audited,
//! and it does not add to the tallies (which already count everyone).
//!
//! Who: the tallies carry no person data; any working member of the team (worker, intake
//! member, team lead) records and reads them; administrators and privacy officers do not.
//! Reads and writes are audited like everything else.

use std::collections::BTreeMap;

use benk_domain::{DropInService, TeamRole, MAX_DAILY_COUNT};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::ReadGrant;
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// One service's count on one day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TallyRow {
    /// Day.
    pub day: NaiveDate,
    /// `DropInService` code.
    pub service: String,
    /// Count.
    pub tally: i64,
}

/// A day's or a month's counts, every service (zeros included), in `DropInService::ALL` order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// `2026-11-30` for a day, `2026-11` for a month.
    pub period: String,
    /// (service code, count) for every service.
    pub counts: Vec<(String, i64)>,
}

/// The register over a period: per day (newest first, only days with counts) and per month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Register {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Per day.
    pub days: Vec<Counts>,
    /// Per month (newest first).
    pub months: Vec<Counts>,
}

/// Whether the actor works at the team's drop-in centre (a working member of the team).
pub fn may_use(actor: &Actor, team: Uuid) -> bool {
    actor.has_role_in(
        team,
        &[TeamRole::Worker, TeamRole::IntakeMember, TeamRole::TeamLead],
    )
}

async fn check_member(app: &App, actor: &Actor, team: Uuid, action: &str) -> AppResult<()> {
    if may_use(actor, team) {
        return Ok(());
    }
    let mut d = actor.audit(action, Outcome::Denied);
    d.resources = format!("team:{team},dropin_tallies,none:not_a_team_member");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(Text::new(
        "Værestedets register føres av teamets medarbeidere. Forsøket er logget.",
        "The drop-in register is kept by the team's staff. The attempt has been logged.",
    )))
}

/// Checks a day's counts: the day not in the future, each count 0–1000. Field names are the
/// service codes (`meal`) and `day`.
pub fn check_day(day: NaiveDate, counts: &[(DropInService, i64)]) -> Result<(), Vec<FieldError>> {
    let mut errs = Vec::new();
    if day > crate::time::oslo_today() {
        errs.push(FieldError::new(
            "day",
            "future_date",
            "Datoen kan ikke være i fremtiden.",
            "The date cannot be in the future.",
        ));
    }
    for (s, n) in counts {
        if *n < 0 {
            errs.push(FieldError::new(
                s.code(),
                "negative",
                "Antallet kan ikke være negativt.",
                "The count cannot be negative.",
            ));
        } else if *n > MAX_DAILY_COUNT {
            errs.push(FieldError::new(
                s.code(),
                "too_large",
                &format!("Antallet kan ikke være over {MAX_DAILY_COUNT} på en dag."),
                &format!("The count cannot be over {MAX_DAILY_COUNT} in a day."),
            ));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

/// Records a day's counts (replacing that day's counts for the services given).
pub async fn record_day(
    app: &App,
    actor: &Actor,
    team: Uuid,
    day: NaiveDate,
    counts: &[(DropInService, i64)],
) -> AppResult<()> {
    check_member(app, actor, team, "dropin.record").await?;
    check_day(day, counts).map_err(AppError::Invalid)?;
    let mut d = actor.audit("dropin.record", Outcome::Allowed);
    d.resources = format!("team:{team},dropin_day:{day}");
    let stmts = counts
        .iter()
        .map(|(s, n)| store::dropin::set_tally(team, day, s.code(), *n, actor.staff_id, d.at))
        .collect();
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(())
}

fn counts_of(period: String, map: &BTreeMap<&str, i64>) -> Counts {
    Counts {
        period,
        counts: DropInService::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_string(),
                    map.get(s.code()).copied().unwrap_or(0),
                )
            })
            .collect(),
    }
}

/// Sums rows per day and per month (pure; newest first).
pub fn summarise(from: NaiveDate, to: NaiveDate, rows: &[TallyRow]) -> Register {
    let mut days: BTreeMap<NaiveDate, BTreeMap<&str, i64>> = BTreeMap::new();
    let mut months: BTreeMap<String, BTreeMap<&str, i64>> = BTreeMap::new();
    for r in rows {
        *days
            .entry(r.day)
            .or_default()
            .entry(&r.service)
            .or_default() += r.tally;
        *months
            .entry(r.day.format("%Y-%m").to_string())
            .or_default()
            .entry(&r.service)
            .or_default() += r.tally;
    }
    Register {
        from,
        to,
        days: days
            .iter()
            .rev()
            .map(|(d, m)| counts_of(d.to_string(), m))
            .collect(),
        months: months
            .iter()
            .rev()
            .map(|(k, m)| counts_of(k.clone(), m))
            .collect(),
    }
}

/// The register from `from` through `to` (audited; no person data).
pub async fn register(
    app: &App,
    actor: &Actor,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Register> {
    check_member(app, actor, team, "dropin.read").await?;
    if to < from {
        return Err(AppError::field(FieldError::new(
            "to",
            "before_from",
            "Sluttdatoen kan ikke være før startdatoen.",
            "The end date cannot be before the start date.",
        )));
    }
    if (to - from).num_days() > 3 * 366 {
        return Err(AppError::field(FieldError::new(
            "from",
            "too_long",
            "Velg en periode på høyst tre år.",
            "Choose a period of at most three years.",
        )));
    }
    let rows = store::dropin::tallies(&app.db, team, from, to).await?;
    let mut d = actor.audit("dropin.read", Outcome::Allowed);
    d.resources = format!("team:{team},dropin_tallies:{from}..{to}");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(summarise(from, to, &rows))
}

/// A visit of a known person: a `drop_in` contact (met) on `day` with the services used.
pub async fn record_visit(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    day: NaiveDate,
    services: &[DropInService],
) -> AppResult<Uuid> {
    let today = crate::time::oslo_today();
    if day > today {
        return Err(AppError::field(FieldError::new(
            "day",
            "future_date",
            "Datoen kan ikke være i fremtiden.",
            "The date cannot be in the future.",
        )));
    }
    let id = Uuid::now_v7();
    let d = crate::access::audit_allowed(
        actor,
        grant,
        "dropin.visit",
        &format!("contact:{id},kind:drop_in"),
    );
    // Today's visit is logged now; an earlier day's at noon, Oslo time.
    let occurred_at: DateTime<Utc> = if day == today {
        d.at
    } else {
        crate::time::oslo_noon(day)
    };
    let mut stmts = vec![
        store::dropin::insert_visit_contact(
            id,
            grant.client_id(),
            grant.team_id(),
            occurred_at,
            "værested",
            actor.staff_id,
            actor.home_org_id,
            d.at,
        ),
        store::dropin::insert_visit_staff(id, actor.staff_id),
    ];
    let mut seen = Vec::new();
    for s in services {
        if !seen.contains(s) {
            seen.push(*s);
            stmts.push(store::dropin::insert_visit_service(id, s.code()));
        }
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(id)
}
