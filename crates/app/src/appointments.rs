//! Planned appointments with a person (issue 9): made, changed and cancelled by the care
//! team under a [`ReadGrant`]; the purpose is health content (read and written only under a
//! grant that covers health). A worker's own appointments ("Mine avtaler") list only people
//! the worker may still see, and write one audit row naming them all.

use benk_domain::{check_appointment_times, ContactKind, LongText, ShortText};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, require_health, scope_of, today, ReadGrant};
use crate::actor::Actor;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError};
use crate::store;
use crate::store::appointments::{AppointmentFields, AppointmentRow};
use crate::App;

/// At most this many staff on one appointment.
pub const MAX_STAFF: usize = 6;

/// A staff member taking part.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffRef {
    /// Staff id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// A planned appointment with a person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Appointment {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Start (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: DateTime<Utc>,
    /// Kind (`ContactKind` code: `home_visit`, `outreach`, `office`, …).
    pub kind: String,
    /// Where.
    pub place: Option<String>,
    /// What it is for (health content: absent without health scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Staff taking part.
    pub staff: Vec<StaffRef>,
    /// Cancelled, if so.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// An appointment in a worker's own list, with the person's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyAppointment {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The person's name.
    pub client_name: String,
    /// Start (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: DateTime<Utc>,
    /// Kind (`ContactKind` code).
    pub kind: String,
    /// Where.
    pub place: Option<String>,
    /// What it is for (health content: absent without health scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// A new or changed appointment, parsed at the edge.
#[derive(Debug, Clone)]
pub struct AppointmentInput {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Kind.
    pub kind: ContactKind,
    /// Where.
    pub place: Option<ShortText>,
    /// Purpose: `None` leaves it as it is (and is what a reader without health scope sends);
    /// `Some(None)` clears it.
    pub purpose: Option<Option<LongText>>,
    /// Staff taking part; empty means the actor alone.
    pub staff: Vec<Uuid>,
}

/// Checks the times and the staff (members of the person's team), collecting every field
/// error.
async fn check(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: &AppointmentInput,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let mut errors = Vec::new();
    if let Err((field, e)) = check_appointment_times(input.starts_at, input.ends_at, now) {
        errors.push(FieldError::of(field, &e));
    }
    let mut staff = input.staff.clone();
    staff.sort();
    staff.dedup();
    if staff.is_empty() {
        staff.push(actor.staff_id);
    }
    if staff.len() > MAX_STAFF {
        errors.push(FieldError::new(
            "staff",
            "too_many_staff",
            &format!("Høyst {MAX_STAFF} ansatte på én avtale."),
            &format!("At most {MAX_STAFF} staff on one appointment."),
        ));
    } else {
        for s in &staff {
            if !store::staff::is_member(&app.db, grant.team_id(), *s).await? {
                errors.push(FieldError::new(
                    "staff",
                    "unknown_staff",
                    "Ukjent ansatt: velg blant teamets ansatte.",
                    "Unknown staff member: choose among the team's staff.",
                ));
                break;
            }
        }
    }
    if errors.is_empty() {
        Ok(staff)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Plans an appointment with the person. A purpose needs a grant that covers health (a
/// refusal is audited). Audited `appointment.create`.
pub async fn create(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: AppointmentInput,
) -> AppResult<Uuid> {
    let with_purpose = matches!(input.purpose, Some(Some(_)));
    if with_purpose {
        require_health(app, actor, grant, "appointment.create").await?;
    }
    let now = Utc::now();
    let staff = check(app, actor, grant, &input, now).await?;
    let id = Uuid::now_v7();
    let audit = audit_allowed(
        actor,
        grant,
        "appointment.create",
        &format!(
            "appointment:{id}{}",
            if with_purpose {
                ",appointment:purpose"
            } else {
                ""
            }
        ),
    );
    let purpose = input.purpose.flatten();
    let fields = AppointmentFields {
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        kind: input.kind.code(),
        place: input.place.as_ref().map(|p| p.as_str()),
        purpose: purpose.as_ref().map(|p| p.as_str()),
    };
    let mut stmts = vec![store::appointments::insert(
        id,
        grant.client_id(),
        grant.team_id(),
        &fields,
        actor.staff_id,
        actor.home_org_id,
        audit.at,
    )];
    stmts.extend(
        staff
            .iter()
            .map(|s| store::appointments::insert_staff(id, *s)),
    );
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(id)
}

/// A change: every field `None` is left as it is.
#[derive(Debug, Clone, Default)]
pub struct AppointmentPatch {
    /// New start.
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// New kind.
    pub kind: Option<ContactKind>,
    /// New place (`Some(None)` clears it).
    pub place: Option<Option<ShortText>>,
    /// New purpose (health content; `Some(None)` clears it).
    pub purpose: Option<Option<LongText>>,
    /// New staff list (replaces the old).
    pub staff: Option<Vec<Uuid>>,
}

/// Changes a planned (not cancelled) appointment of the person. Changing the purpose needs a
/// grant that covers health (a refusal is audited). Audited `appointment.update`.
pub async fn update(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    patch: AppointmentPatch,
) -> AppResult<()> {
    let with_purpose = patch.purpose.is_some();
    if with_purpose {
        require_health(app, actor, grant, "appointment.update").await?;
    }
    let Some(old) = store::appointments::by_id(&app.db, id, grant.client_id(), false).await? else {
        return Err(AppError::NotFound);
    };
    if old.cancelled_at.is_some() {
        return Err(AppError::Conflict(crate::error::Text::new(
            "Avtalen er avlyst og kan ikke endres.",
            "The appointment is cancelled and cannot be changed.",
        )));
    }
    let staff = match patch.staff {
        Some(s) => s,
        None => store::appointments::staff_for_client(
            &app.db,
            grant.client_id(),
            old.ends_at - Duration::seconds(1),
        )
        .await?
        .into_iter()
        .filter(|(a, ..)| *a == id)
        .map(|(_, s, _)| s)
        .collect(),
    };
    let place = match patch.place {
        Some(p) => p,
        None => old.place.as_deref().and_then(|p| ShortText::parse(p).ok()),
    };
    let input = AppointmentInput {
        starts_at: patch.starts_at.unwrap_or(old.starts_at),
        ends_at: patch.ends_at.unwrap_or(old.ends_at),
        kind: patch
            .kind
            .or_else(|| ContactKind::from_code(&old.kind))
            .unwrap_or(ContactKind::Office),
        place,
        purpose: patch.purpose,
        staff,
    };
    // An appointment that has already started keeps its start: only a new start is checked
    // against "too far back".
    let now = if input.starts_at == old.starts_at {
        input.starts_at.min(Utc::now())
    } else {
        Utc::now()
    };
    let staff = check(app, actor, grant, &input, now).await?;
    let audit = audit_allowed(
        actor,
        grant,
        "appointment.update",
        &format!(
            "appointment:{id}{}",
            if with_purpose {
                ",appointment:purpose"
            } else {
                ""
            }
        ),
    );
    let purpose = input.purpose.clone().flatten();
    let fields = AppointmentFields {
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        kind: input.kind.code(),
        place: input.place.as_ref().map(|p| p.as_str()),
        purpose: purpose.as_ref().map(|p| p.as_str()),
    };
    let mut stmts = vec![
        store::appointments::update(id, grant.client_id(), &fields, with_purpose, audit.at),
        store::appointments::delete_staff(id),
    ];
    stmts.extend(
        staff
            .iter()
            .map(|s| store::appointments::insert_staff(id, *s)),
    );
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Cancels a planned appointment of the person (kept, marked cancelled). Audited
/// `appointment.cancel`; an unknown or already cancelled one is `NotFound`.
pub async fn cancel(app: &App, actor: &Actor, grant: &ReadGrant, id: Uuid) -> AppResult<()> {
    let audit = audit_allowed(
        actor,
        grant,
        "appointment.cancel",
        &format!("appointment:{id}"),
    );
    let stmt = store::appointments::cancel(id, grant.client_id(), actor.staff_id, audit.at);
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

fn to_appointment(r: AppointmentRow, staff: &[(Uuid, Uuid, String)]) -> Appointment {
    Appointment {
        staff: staff
            .iter()
            .filter(|(a, ..)| *a == r.id)
            .map(|(_, id, name)| StaffRef {
                id: *id,
                name: name.clone(),
            })
            .collect(),
        id: r.id,
        client_id: r.client_id,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        kind: r.kind,
        place: r.place,
        purpose: r.purpose,
        cancelled_at: r.cancelled_at,
    }
}

/// The person's appointments from a day back, cancelled ones included, to the extent the
/// grant covers (the purpose only with health scope). Audited `appointment.list`.
pub async fn for_client(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
) -> AppResult<Vec<Appointment>> {
    let from = Utc::now() - Duration::days(1);
    let rows =
        store::appointments::for_client(&app.db, grant.client_id(), from, grant.covers_health())
            .await?;
    let staff = store::appointments::staff_for_client(&app.db, grant.client_id(), from).await?;
    let resources = if grant.covers_health() {
        "client:appointments,appointment:purpose"
    } else {
        "client:appointments"
    };
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            grant,
            "appointment.list",
            resources,
        )]))
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| to_appointment(r, &staff))
        .collect())
}

/// One appointment of the person (for the change form), audited `appointment.read`.
pub async fn get(app: &App, actor: &Actor, grant: &ReadGrant, id: Uuid) -> AppResult<Appointment> {
    let Some(r) =
        store::appointments::by_id(&app.db, id, grant.client_id(), grant.covers_health()).await?
    else {
        return Err(AppError::NotFound);
    };
    let from = r.ends_at - Duration::seconds(1);
    let staff = store::appointments::staff_for_client(&app.db, grant.client_id(), from).await?;
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            grant,
            "appointment.read",
            &format!(
                "appointment:{id}{}",
                if grant.covers_health() {
                    ",appointment:purpose"
                } else {
                    ""
                }
            ),
        )]))
        .await?;
    Ok(to_appointment(r, &staff))
}

/// The worker's own planned appointments for the next `days` days (from the start of
/// today), of people the worker may still see. One audit row names every person shown
/// (`appointment.list_mine`).
pub async fn mine(app: &App, actor: &Actor, days: i64) -> AppResult<Vec<MyAppointment>> {
    let today = today();
    let from = crate::time::from_oslo(today.and_hms_opt(0, 0, 0).unwrap_or_default())
        .unwrap_or_else(Utc::now);
    let to = from + Duration::days(days);
    let with_purpose = scope_of(actor).includes_health();
    let v = crate::access::visible(app, actor, "c", "$1", "$2", 6).await?;
    let rows = store::appointments::mine(
        &app.db,
        v,
        actor.staff_id,
        today,
        from,
        to,
        with_purpose,
        500,
    )
    .await?;
    if !rows.is_empty() {
        let shown: Vec<(Uuid, &str)> = rows
            .iter()
            .map(|r| (r.client_id, r.basis.as_str()))
            .collect();
        let what = if with_purpose {
            "client:name,appointments,appointment:purpose"
        } else {
            "client:name,appointments"
        };
        let audit = crate::audit::list_audit(actor, "appointment.list_mine", "TREAT", what, &shown);
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    Ok(rows
        .into_iter()
        .map(|r| MyAppointment {
            id: r.id,
            client_id: r.client_id,
            client_name: r.client_name,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            kind: r.kind,
            place: r.place,
            purpose: r.purpose,
        })
        .collect())
}
