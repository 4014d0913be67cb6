//! Registry events (issue 10): inpatient stays, emergency visits, police events and prison
//! stays, before and after the person's inclusion, with the totals of the equal windows the
//! C-Flex evaluation compares (`benk_domain::registry` has the counting rules).
//!
//! Who: registry events are health content (stays, compulsory care). Only a reader whose
//! grant covers health (`access::open_client`, then `access::require_health`) reads or
//! records them; a refusal is audited (`client.open`, or the action with
//! `none:health_content_not_in_scope`). Every read and write is audited (`registry.list`,
//! `registry.create`, `registry.correct`, `registry.retract`). An event is owned by its
//! author's employer and never changed in place: its author corrects it (a new version that
//! supersedes it, with a reason) or retracts it (a retraction row), as for measures.
//!
//! A stay is checked against the person's other current stays of its kind **inside the
//! writer command that inserts it**, so forty parallel requests for overlapping stays store
//! one. Inpatient stays may overlap a prison stay (a prisoner admitted to hospital stays a
//! prisoner), so the check is per kind.

use benk_domain::{
    check_overlap, days_in_window, inclusion_side, registry, window_totals, Counted,
    EmergencyPlace, InclusionSide, Localized, PoliceKind, RegistryError, RegistryKind, ShortText,
    Stay, WindowTotals, Windows,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, require_health, today, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::{Decision, WriteOp};
use crate::error::{AppError, AppResult, FieldError};
use crate::store;
use crate::store::registry::{EventRow, Facts, Recorded};
use crate::App;

/// The windows compared: the 12 months before inclusion and as many days after (C-Flex).
pub const WINDOW_MONTHS: u32 = 12;

/// One registry event as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistryEvent {
    /// Id (of this version).
    pub id: Uuid,
    /// `inpatient`, `emergency`, `police` or `prison`.
    pub kind: String,
    /// Admission, day of the visit or event, start of the prison stay.
    pub starts_on: NaiveDate,
    /// Discharge or release (stays only); absent while the stay lasts.
    pub ends_on: Option<NaiveDate>,
    /// A stay that has not ended (still admitted, still serving).
    pub ongoing: bool,
    /// Inpatient: the institution.
    pub institution: Option<String>,
    /// Inpatient: under compulsory care ("tvang").
    pub compulsory: Option<bool>,
    /// Inpatient: the legal basis of compulsory care, if given.
    pub legal_basis: Option<String>,
    /// Emergency: `emergency_clinic`, `emergency_department`, `acute_psychiatry`, `other`.
    pub place: Option<String>,
    /// Police: `event` or `arrest`.
    pub police_kind: Option<String>,
    /// `before` or `after` inclusion, by its first day; absent without an inclusion.
    pub side: Option<String>,
    /// Stays: nights before the inclusion day (a stay straddling inclusion is split).
    pub nights_before: Option<i64>,
    /// Stays: nights from the inclusion day on, up to today.
    pub nights_after: Option<i64>,
    /// Stays: nights in all, up to today.
    pub nights: Option<i64>,
    /// The version this one corrects, if it is a correction.
    pub corrects: Option<Uuid>,
    /// Why it was corrected.
    pub correction_reason: Option<String>,
    /// `manual` (typed in Benk) or `import`.
    pub source: String,
    /// Author.
    pub recorded_by: Uuid,
    /// Author's name.
    pub recorded_by_name: String,
    /// The employer that owns it.
    pub owner_org_name: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// The totals of one window.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[schema(as = RegistryTotals)]
pub struct Totals {
    /// Admissions (stays whose admission is in the window).
    pub admissions: i64,
    /// Of those, under compulsory care.
    pub compulsory_admissions: i64,
    /// Inpatient nights in the window.
    pub inpatient_days: i64,
    /// Emergency visits.
    pub emergency_visits: i64,
    /// Police events, arrests included.
    pub police_events: i64,
    /// Of those, arrests.
    pub arrests: i64,
    /// Prison nights in the window.
    pub prison_days: i64,
}

impl From<WindowTotals> for Totals {
    fn from(t: WindowTotals) -> Totals {
        Totals {
            admissions: t.admissions,
            compulsory_admissions: t.compulsory_admissions,
            inpatient_days: t.inpatient_days,
            emergency_visits: t.emergency_visits,
            police_events: t.police_events,
            arrests: t.arrests,
            prison_days: t.prison_days,
        }
    }
}

/// The equal windows before and after inclusion, with their totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RegistryWindows)]
pub struct WindowsOut {
    /// Calendar months before inclusion (12).
    pub months: u32,
    /// Days in each window (the window after has as many as the window before).
    pub days: i64,
    /// First day of the window before.
    pub before_from: NaiveDate,
    /// Last day of the window before (the day before inclusion).
    pub before_to: NaiveDate,
    /// First day of the window after (the inclusion day).
    pub after_from: NaiveDate,
    /// Last day of the window after, counted so far (today at most).
    pub after_to: NaiveDate,
    /// The window after has run its full length.
    pub after_complete: bool,
    /// Totals before.
    pub before: Totals,
    /// Totals after.
    pub after: Totals,
}

/// A person's registry events.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistryEvents {
    /// The inclusion day: the start of the open episode in the team, else of the latest one.
    pub inclusion_on: Option<NaiveDate>,
    /// The current events, oldest first.
    pub events: Vec<RegistryEvent>,
    /// The windows, when the person has been included.
    pub windows: Option<WindowsOut>,
}

fn counted(r: &EventRow) -> Option<Counted> {
    let stay = || Stay::new(r.starts_on, r.ends_on).ok();
    Some(match RegistryKind::from_code(&r.kind)? {
        RegistryKind::Inpatient => Counted::Inpatient(stay()?, r.compulsory.unwrap_or(false)),
        RegistryKind::Emergency => Counted::Emergency(r.starts_on),
        RegistryKind::Police => {
            Counted::Police(r.starts_on, r.police_kind.as_deref() == Some("arrest"))
        }
        RegistryKind::Prison => Counted::Prison(stay()?),
    })
}

fn to_event(r: EventRow, inclusion: Option<NaiveDate>, today: NaiveDate) -> RegistryEvent {
    let is_stay = matches!(r.kind.as_str(), "inpatient" | "prison");
    let stay = Stay::new(r.starts_on, r.ends_on).ok().filter(|_| is_stay);
    let nights = |from: NaiveDate, to: NaiveDate| stay.map(|s| days_in_window(&s, from, to));
    let (before, after) = match (inclusion, stay) {
        (Some(inc), Some(_)) => (
            inc.pred_opt().and_then(|b| nights(registry::earliest(), b)),
            nights(inc, today),
        ),
        _ => (None, None),
    };
    RegistryEvent {
        id: r.id,
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        ongoing: is_stay && r.ends_on.is_none(),
        institution: r.institution,
        compulsory: r.compulsory,
        legal_basis: r.legal_basis,
        place: r.place,
        police_kind: r.police_kind,
        side: inclusion.map(|inc| match inclusion_side(r.starts_on, inc) {
            InclusionSide::Before => "before".to_string(),
            InclusionSide::After => "after".to_string(),
        }),
        nights_before: before,
        nights_after: after,
        nights: nights(registry::earliest(), today),
        corrects: r.supersedes_id,
        correction_reason: r.reason,
        source: r.source,
        recorded_by: r.recorded_by,
        recorded_by_name: r.recorded_by_name,
        owner_org_name: r.owner_org_name,
        created_at: r.created_at,
        kind: r.kind,
    }
}

/// The person's inclusion day in the grant's team: the open episode's start, else the latest
/// episode's.
async fn inclusion_of(app: &App, grant: &ReadGrant) -> AppResult<Option<NaiveDate>> {
    let heads = store::episodes::heads_for_client(&app.db, grant.client_id()).await?;
    Ok(heads
        .iter()
        .find(|h| h.closed_on.is_none())
        .or_else(|| heads.first())
        .map(|h| h.included_on))
}

/// The person's registry events, grouped by inclusion, with the windows' totals (health
/// scope; audited `registry.list`).
pub async fn list(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<RegistryEvents> {
    require_health(app, actor, grant, "registry.list").await?;
    let rows = store::registry::current(&app.db, grant.client_id()).await?;
    let inclusion = inclusion_of(app, grant).await?;
    let today = today();
    let facts: Vec<Counted> = rows.iter().filter_map(counted).collect();
    let windows = inclusion
        .and_then(|inc| Windows::around(inc, WINDOW_MONTHS, today))
        .map(|w| WindowsOut {
            months: WINDOW_MONTHS,
            days: w.days,
            before_from: w.before_from,
            before_to: w.before_to,
            after_from: w.after_from,
            after_to: w.after_to,
            after_complete: w.after_complete,
            before: window_totals(&facts, w.before_from, w.before_to).into(),
            after: window_totals(&facts, w.after_from, w.after_to).into(),
        });
    let events = rows
        .into_iter()
        .map(|r| to_event(r, inclusion, today))
        .collect();
    let d = audit_allowed(actor, grant, "registry.list", "registry_events");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(RegistryEvents {
        inclusion_on: inclusion,
        events,
        windows,
    })
}

/// A new event as typed (each kind with its own fields).
#[derive(Debug, Clone)]
pub enum NewEvent {
    /// An inpatient stay.
    Inpatient {
        /// Admission day.
        admitted_on: NaiveDate,
        /// Discharge day; `None` while still admitted.
        discharged_on: Option<NaiveDate>,
        /// Hospital, DPS or ward.
        institution: String,
        /// Compulsory care ("tvang").
        compulsory: bool,
        /// The legal basis of compulsory care (optional; only with `compulsory`).
        legal_basis: Option<String>,
    },
    /// An emergency visit.
    Emergency {
        /// The day.
        visited_on: NaiveDate,
        /// `EmergencyPlace` code.
        place: String,
    },
    /// A police event or arrest.
    Police {
        /// The day.
        occurred_on: NaiveDate,
        /// `PoliceKind` code.
        police_kind: String,
    },
    /// A prison stay.
    Prison {
        /// First day.
        started_on: NaiveDate,
        /// Release; `None` while serving.
        ended_on: Option<NaiveDate>,
    },
}

impl NewEvent {
    /// The kind.
    pub fn kind(&self) -> RegistryKind {
        match self {
            NewEvent::Inpatient { .. } => RegistryKind::Inpatient,
            NewEvent::Emergency { .. } => RegistryKind::Emergency,
            NewEvent::Police { .. } => RegistryKind::Police,
            NewEvent::Prison { .. } => RegistryKind::Prison,
        }
    }
}

/// The field names of a kind's first and last day.
pub fn date_fields(kind: RegistryKind) -> (&'static str, Option<&'static str>) {
    match kind {
        RegistryKind::Inpatient => ("admitted_on", Some("discharged_on")),
        RegistryKind::Emergency => ("visited_on", None),
        RegistryKind::Police => ("occurred_on", None),
        RegistryKind::Prison => ("started_on", Some("ended_on")),
    }
}

fn date_err(field: &str, d: NaiveDate, today: NaiveDate, errs: &mut Vec<FieldError>) {
    if let Err(e) = registry::check_date(d, today) {
        errs.push(FieldError::of(field, &e));
    }
}

fn opt_text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// Checks a new event against the domain's rules, naming every field at fault.
pub fn check(e: &NewEvent, today: NaiveDate) -> Result<Facts, Vec<FieldError>> {
    let mut errs = Vec::new();
    let (start_f, end_f) = date_fields(e.kind());
    let stay = |start: NaiveDate, end: Option<NaiveDate>, errs: &mut Vec<FieldError>| {
        date_err(start_f, start, today, errs);
        if let (Some(end), Some(f)) = (end, end_f) {
            date_err(f, end, today, errs);
            if end < start {
                errs.push(FieldError::of(f, &RegistryError::EndBeforeStart));
            }
        }
    };
    let facts = match e {
        NewEvent::Inpatient {
            admitted_on,
            discharged_on,
            institution,
            compulsory,
            legal_basis,
        } => {
            stay(*admitted_on, *discharged_on, &mut errs);
            let inst = ShortText::parse(institution)
                .map_err(|x| errs.push(FieldError::of("institution", &x)))
                .ok();
            let basis = match opt_text(legal_basis.as_deref()) {
                None => None,
                Some(_) if !compulsory => {
                    errs.push(FieldError::of(
                        "legal_basis",
                        &RegistryError::BasisWithoutCompulsion,
                    ));
                    None
                }
                Some(b) => ShortText::parse(b)
                    .map_err(|x| errs.push(FieldError::of("legal_basis", &x)))
                    .ok(),
            };
            Facts {
                kind: "inpatient",
                starts_on: *admitted_on,
                ends_on: *discharged_on,
                institution: inst.map(|t| t.as_str().to_string()),
                compulsory: Some(*compulsory),
                legal_basis: basis.map(|t| t.as_str().to_string()),
                place: None,
                police_kind: None,
            }
        }
        NewEvent::Emergency { visited_on, place } => {
            date_err("visited_on", *visited_on, today, &mut errs);
            let place = EmergencyPlace::from_code(place.trim());
            if place.is_none() {
                errs.push(unknown_code("place"));
            }
            Facts {
                kind: "emergency",
                starts_on: *visited_on,
                ends_on: None,
                institution: None,
                compulsory: None,
                legal_basis: None,
                place: place.map(EmergencyPlace::code),
                police_kind: None,
            }
        }
        NewEvent::Police {
            occurred_on,
            police_kind,
        } => {
            date_err("occurred_on", *occurred_on, today, &mut errs);
            let k = PoliceKind::from_code(police_kind.trim());
            if k.is_none() {
                errs.push(unknown_code("police_kind"));
            }
            Facts {
                kind: "police",
                starts_on: *occurred_on,
                ends_on: None,
                institution: None,
                compulsory: None,
                legal_basis: None,
                place: None,
                police_kind: k.map(PoliceKind::code),
            }
        }
        NewEvent::Prison {
            started_on,
            ended_on,
        } => {
            stay(*started_on, *ended_on, &mut errs);
            Facts {
                kind: "prison",
                starts_on: *started_on,
                ends_on: *ended_on,
                institution: None,
                compulsory: None,
                legal_basis: None,
                place: None,
                police_kind: None,
            }
        }
    };
    if errs.is_empty() {
        Ok(facts)
    } else {
        Err(errs)
    }
}

fn unknown_code(field: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_code",
        "Velg en av verdiene i listen.",
        "Choose one of the values in the list.",
    )
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

/// Stores an event (or a correction of `supersedes`) in one writer command: a stay is first
/// checked against the person's current stays of its kind (the corrected one left out), so
/// the check and the insert are one transaction. An overlap is refused (422 naming the start
/// field and the other stay's dates) and audited with `none:overlapping_stay`.
async fn store_checked(
    app: &App,
    d: crate::audit::AuditDraft,
    r: Recorded,
    id: Uuid,
    facts: Facts,
    supersedes: Option<(Uuid, String)>,
) -> AppResult<Uuid> {
    let kind = RegistryKind::from_code(facts.kind).ok_or(AppError::NotFound)?;
    let (start_f, _) = date_fields(kind);
    let result = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                if matches!(kind, RegistryKind::Inpatient | RegistryKind::Prison) {
                    let skip = supersedes.as_ref().map(|s| s.0);
                    let others: Vec<Stay> = store::registry::stays(&mut *tx, r.client, facts.kind)
                        .await?
                        .into_iter()
                        .filter(|(oid, _, _)| Some(*oid) != skip)
                        .filter_map(|(_, s, e)| Stay::new(s, e).ok())
                        .collect();
                    let mine = Stay::new(facts.starts_on, facts.ends_on);
                    if let Ok(mine) = mine {
                        if let Err(e) = check_overlap(&mine, &others) {
                            let mut d = d;
                            d.outcome = Some(Outcome::Denied);
                            d.resources = format!("{},none:{}", d.resources, e.code());
                            return Ok(Decision::Refuse {
                                audit: vec![d],
                                error: AppError::Invalid(vec![FieldError::of(start_f, &e)]),
                            });
                        }
                    }
                }
                let stmt = store::registry::insert(
                    id,
                    r,
                    &facts,
                    supersedes.as_ref().map(|(s, why)| (*s, why.as_str())),
                    None,
                );
                tx.execute(stmt.sql, stmt.args).await?;
                Ok(Decision::Commit {
                    audit: vec![d],
                    value: id,
                })
            })
        })
        .await?;
    result
}

/// Records an event (health scope; audited `registry.create`). Every field error at once;
/// an overlapping stay is refused naming its start field and the other stay's dates.
pub async fn record(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    event: NewEvent,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "registry.create").await?;
    let facts = check(&event, today()).map_err(AppError::Invalid)?;
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "registry.create",
        &format!("registry_event:{id},kind:{}", facts.kind),
    );
    let r = recorded(actor, grant, d.at);
    store_checked(app, d, r, id, facts, None).await
}

/// Which client an event is about (for the routes that name an event, not a person).
pub async fn client_of(app: &App, id: Uuid) -> AppResult<Uuid> {
    store::registry::client_of(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The kind of a current event of the person written by the actor (refusals audited), so
/// the API knows which fields a correction needs.
pub async fn kind_of(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
) -> AppResult<RegistryKind> {
    require_health(app, actor, grant, "registry.correct").await?;
    let row = own_current(app, actor, grant, id, "registry.correct").await?;
    RegistryKind::from_code(&row.kind).ok_or(AppError::NotFound)
}

impl crate::versions::Version for EventRow {
    fn author(&self) -> Uuid {
        self.recorded_by
    }
    fn stale(&self) -> bool {
        self.superseded || self.retracted
    }
}

const EVENT: crate::versions::Kind = crate::versions::Kind {
    resource: "registry_event",
    missing: "no_such_event",
    not_author: (
        "Bare den som registrerte hendelsen kan rette eller slette den. Forsøket er logget.",
        "Only the person who recorded the event can correct or delete it. The attempt has been logged.",
    ),
    stale: (
        "Hendelsen er allerede rettet eller slettet. Last siden på nytt.",
        "The event has already been corrected or deleted. Reload the page.",
    ),
};

/// Finds a current version of the client's event written by the actor, or refuses (audited).
async fn own_current(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    action: &str,
) -> AppResult<EventRow> {
    let found = store::registry::by_id(&app.db, grant.client_id(), id).await?;
    crate::versions::own_current(app, actor, grant, (id, action), &EVENT, found).await
}

/// Corrects an event: a new version with a reason (the author only; the old version is
/// kept; the kind cannot change). Audited `registry.correct`.
pub async fn correct(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    event: NewEvent,
    reason: &str,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "registry.correct").await?;
    let row = own_current(app, actor, grant, id, "registry.correct").await?;
    let mut errs = Vec::new();
    if row.kind != event.kind().code() {
        errs.push(FieldError::new(
            "kind",
            "kind_changed",
            "En retting kan ikke endre hva slags hendelse det er.",
            "A correction cannot change the kind of event.",
        ));
    }
    let reason = ShortText::parse(reason)
        .map_err(|e| errs.push(FieldError::of("reason", &e)))
        .ok();
    let facts = check(&event, today()).map_err(|e| errs.extend(e)).ok();
    let (Some(facts), Some(reason), true) = (facts, reason, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let new = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "registry.correct",
        &format!("registry_event:{new},corrects:{id},kind:{}", row.kind),
    );
    let r = recorded(actor, grant, d.at);
    store_checked(
        app,
        d,
        r,
        new,
        facts,
        Some((id, reason.as_str().to_string())),
    )
    .await
}

/// Deletes an event by retracting it (the author only; it stays in the table, marked as
/// retracted with the reason). Audited `registry.retract`.
pub async fn retract(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    reason: &str,
) -> AppResult<()> {
    const ACTION: &str = "registry.retract";
    require_health(app, actor, grant, ACTION).await?;
    let found = store::registry::by_id(&app.db, grant.client_id(), id).await?;
    let what = (id, ACTION, reason);
    let stmt = store::registry::retract;
    crate::versions::retract(app, actor, grant, what, &EVENT, found, stmt).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn check_names_every_field() {
        let today = d(2025, 6, 1);
        let e = NewEvent::Inpatient {
            admitted_on: d(2025, 6, 2),
            discharged_on: Some(d(2025, 5, 1)),
            institution: " ".into(),
            compulsory: false,
            legal_basis: Some("phvl § 3-3".into()),
        };
        let errs = check(&e, today).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["admitted_on", "discharged_on", "institution", "legal_basis"]
        );
        let ok = NewEvent::Inpatient {
            admitted_on: d(2025, 5, 1),
            discharged_on: None,
            institution: "DPS Fjordby".into(),
            compulsory: true,
            legal_basis: Some(" ".into()),
        };
        let f = check(&ok, today).unwrap();
        assert_eq!(f.legal_basis, None);
        assert_eq!(f.compulsory, Some(true));
        let bad = NewEvent::Police {
            occurred_on: d(2025, 5, 1),
            police_kind: "fine".into(),
        };
        assert_eq!(check(&bad, today).unwrap_err()[0].field, "police_kind");
    }
}
