//! The target group and the figures the teams publish (issue 8): the target-group assessment
//! at the intake decision against the team's own criteria (`TeamPolicy::target_group`), where
//! a routed person was sent, and the ordinary services established or re-established for a
//! person, at the decision or during the course.
//!
//! Established services are health content (a DPS outpatient clinic or specialised substance
//! treatment says something about the person's health): they are recorded and read under a
//! grant that covers health, i.e. by health personnel.

use benk_domain::{
    check_established, check_routed_to, DecisionOutcome, EstablishedService, ShortText,
    TargetGroupCriteria,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{self, ReadGrant};
use crate::actor::Actor;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError};
use crate::store;
use crate::store::services::{EstablishedRow, NewEstablished};
use crate::App;

/// One ordinary service established or re-established, parsed at the edge.
#[derive(Debug, Clone)]
pub struct ServiceInput {
    /// Which service.
    pub service: EstablishedService,
    /// Which one, or what (required for `other`).
    pub note: Option<ShortText>,
    /// When it was established (default: the decision's date, or today).
    pub established_on: Option<NaiveDate>,
}

/// The target-group part of an intake decision, parsed at the edge.
#[derive(Debug, Clone, Default)]
pub struct TargetInput {
    /// The ticked items of the team's criteria, by code.
    pub items: Vec<String>,
    /// Homeless or about to lose the home: recorded (Tandem, C-Flex report it), not a criterion.
    pub housing_problem: bool,
    /// Where the person was routed (routed outcomes only; required for `routed_other`).
    pub routed_to: Option<ShortText>,
    /// Ordinary services established or re-established at intake.
    pub services: Vec<ServiceInput>,
}

/// One item of a decision's target-group assessment, as recorded.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TargetItem {
    /// The criterion's code.
    pub criterion: String,
    /// The item's code.
    pub item: String,
    /// The item's label when the decision was made (Norwegian).
    pub label_nb: String,
    /// The item's label when the decision was made (English).
    pub label_en: String,
    /// Ticked.
    pub checked: bool,
}

/// What the decision's target-group part checked out to.
#[derive(Debug, Clone)]
pub(crate) struct CheckedTarget {
    pub ticked: Vec<String>,
    pub in_target_group: bool,
}

/// The most services recorded with one decision.
pub const MAX_SERVICES_AT_DECISION: usize = 10;

/// Checks the target-group part of a decision against the team's criteria and the outcome;
/// problems go to `errors` (fields `target_group.items`, `routed_to`, `services_established`).
pub(crate) fn check_at_decision(
    criteria: &TargetGroupCriteria,
    outcome: DecisionOutcome,
    input: &TargetInput,
    received_on: NaiveDate,
    decided_on: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<CheckedTarget> {
    let ticked = match criteria.check_items(&input.items) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(FieldError::of("target_group.items", &e));
            None
        }
    };
    if let Err(e) = check_routed_to(outcome, input.routed_to.as_ref().map(|t| t.as_str())) {
        errors.push(FieldError::of("routed_to", &e));
    }
    if input.services.len() > MAX_SERVICES_AT_DECISION {
        errors.push(FieldError::new(
            "services_established",
            "too_many",
            "Høyst 10 tjenester kan registreres med inntaksbeslutningen.",
            "At most 10 services can be recorded with the decision.",
        ));
    }
    for s in &input.services {
        if let Some(msg) = service_error(s, Some(received_on), decided_on) {
            errors.push(FieldError {
                field: "services_established".into(),
                ..msg
            });
        }
    }
    ticked.map(|ticked| CheckedTarget {
        in_target_group: criteria.belongs(&ticked),
        ticked,
    })
}

/// One service's problem, if any: "other" must be named; the date may not be in the future,
/// nor before the referral arrived.
fn service_error(
    s: &ServiceInput,
    not_before: Option<NaiveDate>,
    default_date: NaiveDate,
) -> Option<FieldError> {
    if let Err(e) = check_established(s.service, s.note.as_ref().map(|n| n.as_str())) {
        return Some(FieldError::of("note", &e));
    }
    let on = s.established_on.unwrap_or(default_date);
    if on > crate::time::oslo_today() {
        return Some(FieldError::new(
            "established_on",
            "future_date",
            "Datoen tjenesten ble etablert, kan ikke være fram i tid.",
            "The date the service was established cannot be in the future.",
        ));
    }
    if not_before.is_some_and(|d| on < d) {
        return Some(FieldError::new(
            "established_on",
            "before_referral",
            "Datoen tjenesten ble etablert, kan ikke være før henvisningen kom.",
            "The date the service was established cannot be before the referral arrived.",
        ));
    }
    None
}

/// Where a decision's target-group part is written.
pub(crate) struct DecisionTarget<'a> {
    pub criteria: &'a TargetGroupCriteria,
    pub checked: &'a CheckedTarget,
    pub input: &'a TargetInput,
    pub decision_id: Uuid,
    pub referral_id: Uuid,
    pub team_id: Uuid,
    pub client_id: Option<Uuid>,
    pub episode_id: Option<Uuid>,
    pub decided_on: NaiveDate,
}

/// The statements that store a decision's per-item assessment and its established services
/// (after the decision, and after the client and episode when accepted).
pub(crate) fn decision_stmts(
    t: &DecisionTarget<'_>,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Vec<Stmt> {
    let mut stmts = Vec::new();
    let mut position = 0_i64;
    for c in t.criteria.criteria() {
        for i in &c.items {
            stmts.push(store::intake::insert_target_item(
                t.decision_id,
                position,
                &c.code,
                i,
                t.checked.ticked.contains(&i.code),
            ));
            position += 1;
        }
    }
    for s in &t.input.services {
        stmts.push(store::services::insert(&NewEstablished {
            id: Uuid::now_v7(),
            team_id: t.team_id,
            referral_id: Some(t.referral_id),
            client_id: t.client_id,
            episode_id: t.episode_id,
            service: s.service.code(),
            note: s.note.as_ref().map(|n| n.as_str()),
            established_on: s.established_on.unwrap_or(t.decided_on),
            at_intake: true,
            recorded_by: actor.staff_id,
            owner_org_id: actor.home_org_id,
            at,
        }));
    }
    stmts
}

/// Records a service established or re-established during the course, on the person's record
/// in the grant's team. Needs a grant that covers health (refusal audited); counted for the
/// referral of the person's open episode (or latest, if none is open).
pub async fn record_service(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: ServiceInput,
) -> AppResult<Uuid> {
    access::require_health(app, actor, grant, "service.establish").await?;
    let today = crate::time::oslo_today();
    if let Some(e) = service_error(&input, None, today) {
        return Err(AppError::Invalid(vec![e]));
    }
    let heads = store::episodes::heads_for_client(&app.db, grant.client_id()).await?;
    let episode = heads
        .iter()
        .find(|h| h.closed_on.is_none())
        .or_else(|| heads.first());
    let id = Uuid::now_v7();
    let mut audit =
        access::audit_allowed(actor, grant, "service.establish", "established_services");
    audit.resources = format!("{},service:{id}", audit.resources);
    let stmt = store::services::insert(&NewEstablished {
        id,
        team_id: grant.team_id(),
        referral_id: episode.and_then(|e| e.referral_id),
        client_id: Some(grant.client_id()),
        episode_id: episode.map(|e| e.id),
        service: input.service.code(),
        note: input.note.as_ref().map(|n| n.as_str()),
        established_on: input.established_on.unwrap_or(today),
        at_intake: false,
        recorded_by: actor.staff_id,
        owner_org_id: actor.home_org_id,
        at: audit.at,
    });
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await?;
    Ok(id)
}

/// The services established for the person in the grant's team (at intake and during the
/// course), newest first. Needs a grant that covers health; the read is audited.
pub async fn services_for_client(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
) -> AppResult<Vec<EstablishedRow>> {
    access::require_health(app, actor, grant, "service.read").await?;
    let rows = store::services::for_client(&app.db, grant.client_id(), grant.team_id()).await?;
    let audit = access::audit_allowed(actor, grant, "service.read", "established_services");
    app.writer.write(WriteOp::audit_only(vec![audit])).await?;
    Ok(rows)
}
