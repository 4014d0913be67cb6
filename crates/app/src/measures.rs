//! Outcome measures (issue 10): GAF, ORS and SRS per person, the SPoR interview, and the
//! measurement points of the team's design with what is due and overdue.
//!
//! Who: measures and interviews are health content. Only a reader whose grant covers health
//! (`access::open_client`, then `access::require_health`) reads or records them; a refusal is
//! audited (`client.open` or the action itself, `none:health_content_not_in_scope`). A measure
//! is owned by its author's employer like every entry and is never changed in place: its
//! author corrects it (a new version that supersedes it, with a reason) or retracts it (a
//! retraction row); the old versions stay in the table. The due lists and the interview
//! rounds' figures are for the team's health personnel; the lists name only people the reader
//! may see (the `visible` rule), and every person shown is named in the audit row.

use std::collections::HashMap;

use benk_domain::{
    check_age, check_contact_years, check_gaf, check_item, check_spor_score, measurement_points,
    ors_clinical, reliable_change, srs_flagged, summary, total, Lang, MeasureError, MeasureKind,
    MeasurePolicy, Municipality, PointStatus, ShortText, TeamRole, Tenths, SPOR_QUESTIONS,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, is_health_personnel, require_health, today, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::store::measures::{InterviewFields, MeasureRow, Recorded, Values};
use crate::App;

/// One measure as shown: the scores, and what the rules say about them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Measure {
    /// Id (of this version).
    pub id: Uuid,
    /// `gaf`, `ors` or `srs`.
    pub kind: String,
    /// The day measured.
    pub measured_on: NaiveDate,
    /// GAF: symptom score 1–100.
    pub gaf_symptom: Option<i64>,
    /// GAF: function score 1–100.
    pub gaf_function: Option<i64>,
    /// ORS/SRS: the four items, 0–10 with one decimal.
    pub items: Option<Vec<f64>>,
    /// ORS/SRS: the total, 0–40.
    pub total: Option<f64>,
    /// ORS: the total is below the clinical cut-off (25).
    pub clinical: Option<bool>,
    /// ORS: reliable change from the person's first ORS (`improved`, `no_reliable_change`,
    /// `worsened`); absent on the first.
    pub change: Option<String>,
    /// SRS: the total is under 36, worth discussing with the person.
    pub flagged: Option<bool>,
    /// The version this one corrects, if it is a correction.
    pub corrects: Option<Uuid>,
    /// Why it was corrected.
    pub correction_reason: Option<String>,
    /// Author.
    pub recorded_by: Uuid,
    /// Author's name.
    pub recorded_by_name: String,
    /// The employer that owns it.
    pub owner_org_name: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// Items in tenths (for the pages).
    #[serde(skip)]
    pub tenths: Option<[i64; 4]>,
}

impl Measure {
    /// The total in tenths (ORS/SRS).
    pub fn total_tenths(&self) -> Option<Tenths> {
        self.tenths.map(|t| total(&t.map(Tenths)))
    }
}

/// A measurement point of the person's open course.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Point {
    /// Months after inclusion (0 is inclusion).
    pub months: u32,
    /// The point's date.
    pub target: NaiveDate,
    /// First day of its window.
    pub opens: NaiveDate,
    /// Last day of its window.
    pub closes: NaiveDate,
    /// `done`, `upcoming`, `due` or `overdue`.
    pub status: String,
    /// The kinds still missing (`gaf`, `ors`, `srs`).
    pub missing: Vec<String>,
}

/// One answer of a SPoR interview.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Answer {
    /// Question 1–20.
    pub question: i64,
    /// Scale answer 1–9 (questions 1, 3, 7, 8, 10).
    pub score: Option<f64>,
    /// Free-text answer (the other questions).
    pub text: Option<String>,
}

/// A SPoR interview.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Interview {
    /// Id.
    pub id: Uuid,
    /// Round.
    pub round_id: Uuid,
    /// Round name.
    pub round_name: String,
    /// Day.
    pub interviewed_on: NaiveDate,
    /// Who interviewed.
    pub interviewer: String,
    /// The person's municipality.
    pub municipality: String,
    /// Age.
    pub age: i64,
    /// Years of contact with the services.
    pub contact_years: i64,
    /// Who recorded it (staff id; only they correct it).
    pub recorded_by: Uuid,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// The version this one corrects, if it is a correction.
    pub supersedes_id: Option<Uuid>,
    /// Why it was corrected.
    pub reason: Option<String>,
    /// The answers given (questions not answered are left out).
    pub answers: Vec<Answer>,
}

/// A person's measures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Measures {
    /// GAF, oldest first.
    pub gaf: Vec<Measure>,
    /// ORS, oldest first.
    pub ors: Vec<Measure>,
    /// SRS, oldest first.
    pub srs: Vec<Measure>,
    /// SPoR interviews (current versions), newest first.
    pub interviews: Vec<Interview>,
    /// The versions of the person's interviews that corrections superseded (the history;
    /// a version's `id` is the `supersedes_id` of the one that corrected it), newest first.
    pub earlier_interviews: Vec<Interview>,
    /// The measurement points of the open course (empty without one).
    pub points: Vec<Point>,
}

fn tenths_of(r: &MeasureRow) -> Option<[i64; 4]> {
    Some([r.item1?, r.item2?, r.item3?, r.item4?])
}

fn to_measure(r: MeasureRow, first_ors: Option<Tenths>) -> Measure {
    let tenths = tenths_of(&r);
    let tot = tenths.map(|t| total(&t.map(Tenths)));
    let kind = MeasureKind::from_code(&r.kind);
    Measure {
        id: r.id,
        measured_on: r.measured_on,
        gaf_symptom: r.gaf_symptom,
        gaf_function: r.gaf_function,
        items: tenths.map(|t| t.iter().map(|v| *v as f64 / 10.0).collect()),
        total: tot.map(Tenths::as_f64),
        clinical: (kind == Some(MeasureKind::Ors))
            .then_some(tot.map(ors_clinical))
            .flatten(),
        change: match (kind, first_ors, tot) {
            (Some(MeasureKind::Ors), Some(f), Some(t)) => Some(reliable_change(f, t).code().into()),
            _ => None,
        },
        flagged: (kind == Some(MeasureKind::Srs))
            .then_some(tot.map(srs_flagged))
            .flatten(),
        corrects: r.supersedes_id,
        correction_reason: r.reason,
        recorded_by: r.recorded_by,
        recorded_by_name: r.recorded_by_name,
        owner_org_name: r.owner_org_name,
        created_at: r.created_at,
        kind: r.kind,
        tenths,
    }
}

/// A team's measurement policy (the default when none is set).
pub async fn policy(app: &App, team: Uuid) -> AppResult<MeasurePolicy> {
    Ok(match store::measures::policy(&app.db, team).await? {
        None => MeasurePolicy::default(),
        Some((months, window_days, required)) => MeasurePolicy {
            months: months
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect(),
            window_days,
            required: required
                .split(',')
                .filter_map(|k| MeasureKind::from_code(k.trim()))
                .collect(),
        },
    })
}

fn point_out(p: benk_domain::MeasurePoint) -> Point {
    Point {
        months: p.months,
        target: p.target,
        opens: p.opens,
        closes: p.closes,
        status: p.status.code().into(),
        missing: p.missing.iter().map(|k| k.code().into()).collect(),
    }
}

async fn interviews(
    app: &App,
    rows: Vec<store::measures::InterviewRow>,
) -> AppResult<Vec<Interview>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut by: HashMap<Uuid, Vec<Answer>> = HashMap::new();
    for (i, q, score, text) in store::measures::answers(&app.db, &ids).await? {
        by.entry(i).or_default().push(Answer {
            question: q,
            score: score.map(|s| s as f64 / 10.0),
            text,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| Interview {
            answers: by.remove(&r.id).unwrap_or_default(),
            id: r.id,
            round_id: r.round_id,
            round_name: r.round_name,
            interviewed_on: r.interviewed_on,
            interviewer: r.interviewer,
            municipality: r.municipality,
            age: r.age,
            contact_years: r.contact_years,
            recorded_by: r.recorded_by,
            recorded_by_name: r.recorded_by_name,
            supersedes_id: r.supersedes_id,
            reason: r.reason,
        })
        .collect())
}

/// The person's measures, interviews and measurement points (health scope; audited
/// `measure.list`).
pub async fn list(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Measures> {
    require_health(app, actor, grant, "measure.list").await?;
    let client = grant.client_id();
    let rows = store::measures::current(&app.db, client).await?;
    let first_ors = rows
        .iter()
        .find(|r| r.kind == "ors")
        .and_then(tenths_of)
        .map(|t| total(&t.map(Tenths)));
    let recorded: Vec<(MeasureKind, NaiveDate)> = rows
        .iter()
        .filter_map(|r| MeasureKind::from_code(&r.kind).map(|k| (k, r.measured_on)))
        .collect();
    let (mut gaf, mut ors, mut srs) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let is_first = first_ors.is_some() && ors.is_empty() && r.kind == "ors";
        let m = to_measure(r, if is_first { None } else { first_ors });
        match m.kind.as_str() {
            "gaf" => gaf.push(m),
            "ors" => ors.push(m),
            _ => srs.push(m),
        }
    }
    let iv = interviews(
        app,
        store::measures::interviews_of_client(&app.db, client).await?,
    )
    .await?;
    let earlier = interviews(
        app,
        store::measures::earlier_interviews_of_client(&app.db, client).await?,
    )
    .await?;
    let episode = store::measures::open_course(&app.db, client, grant.team_id()).await?;
    let points = match episode {
        Some(included_on) => {
            let p = policy(app, grant.team_id()).await?;
            measurement_points(&p, included_on, None, today(), &recorded)
                .into_iter()
                .map(point_out)
                .collect()
        }
        None => Vec::new(),
    };
    let d = audit_allowed(actor, grant, "measure.list", "measures,spor_interviews");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(Measures {
        gaf,
        ors,
        srs,
        interviews: iv,
        earlier_interviews: earlier,
        points,
    })
}

/// A measure's values as typed: GAF's two scores, or four items.
#[derive(Debug, Clone, Copy)]
pub enum NewValues {
    /// GAF (symptom, function).
    Gaf(f64, f64),
    /// ORS items.
    Ors([f64; 4]),
    /// SRS items.
    Srs([f64; 4]),
}

impl NewValues {
    /// The kind.
    pub fn kind(&self) -> MeasureKind {
        match self {
            NewValues::Gaf(..) => MeasureKind::Gaf,
            NewValues::Ors(_) => MeasureKind::Ors,
            NewValues::Srs(_) => MeasureKind::Srs,
        }
    }
}

/// The item fields' names, in order.
pub const ITEM_FIELDS: [&str; 4] = ["item1", "item2", "item3", "item4"];

/// Checks the values, naming every field at fault.
pub fn check_values(v: NewValues) -> Result<Values, Vec<FieldError>> {
    let mut errs = Vec::new();
    let out = match v {
        NewValues::Gaf(s, f) => {
            let s = check_gaf(s).map_err(|e| errs.push(FieldError::of("gaf_symptom", &e)));
            let f = check_gaf(f).map_err(|e| errs.push(FieldError::of("gaf_function", &e)));
            match (s, f) {
                (Ok(symptom), Ok(function)) => Some(Values::Gaf { symptom, function }),
                _ => None,
            }
        }
        NewValues::Ors(items) | NewValues::Srs(items) => {
            let mut t = [0i64; 4];
            for (i, v) in items.iter().enumerate() {
                match Tenths::from_f64(*v).and_then(check_item) {
                    Ok(x) => t[i] = x.0,
                    Err(e) => errs.push(FieldError::of(ITEM_FIELDS[i], &e)),
                }
            }
            let code = if matches!(v, NewValues::Ors(_)) {
                "ors"
            } else {
                "srs"
            };
            Some(Values::Items(code, t))
        }
    };
    match out {
        Some(v) if errs.is_empty() => Ok(v),
        _ => Err(errs),
    }
}

pub(crate) fn check_date(field: &str, d: NaiveDate) -> Option<FieldError> {
    if d > today() {
        Some(FieldError::new(
            field,
            "future_date",
            "Datoen kan ikke være i fremtiden.",
            "The date cannot be in the future.",
        ))
    } else if d < NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date") {
        Some(FieldError::new(
            field,
            "too_early",
            "Datoen kan ikke være før 1990.",
            "The date cannot be before 1990.",
        ))
    } else {
        None
    }
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

/// Records a measure (health scope; audited `measure.create`). Every field error at once.
pub async fn record(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    measured_on: NaiveDate,
    values: NewValues,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "measure.create").await?;
    let mut errs: Vec<FieldError> = check_date("measured_on", measured_on).into_iter().collect();
    let v = check_values(values).map_err(|e| errs.extend(e));
    let Ok(v) = v else {
        return Err(AppError::Invalid(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "measure.create",
        &format!("measure:{id},kind:{}", values.kind().code()),
    );
    let stmt =
        store::measures::insert(id, recorded(actor, grant, d.at), v, measured_on, None, None);
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Which client a measure is about (for the routes that name a measure, not a person).
pub async fn client_of(app: &App, id: Uuid) -> AppResult<Uuid> {
    store::measures::client_of(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

impl crate::versions::Version for MeasureRow {
    fn author(&self) -> Uuid {
        self.recorded_by
    }
    fn stale(&self) -> bool {
        self.superseded || self.retracted
    }
}

const MEASURE: crate::versions::Kind = crate::versions::Kind {
    resource: "measure",
    missing: "no_such_measure",
    not_author: (
        "Bare den som registrerte målingen kan rette eller slette den. Forsøket er logget.",
        "Only the person who recorded the measure can correct or delete it. The attempt has been logged.",
    ),
    stale: (
        "Målingen er allerede rettet eller slettet. Last siden på nytt.",
        "The measure has already been corrected or deleted. Reload the page.",
    ),
};

/// Finds a current version of the client's measure written by the actor, or refuses (audited).
async fn own_current(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    action: &str,
) -> AppResult<MeasureRow> {
    let found = store::measures::by_id(&app.db, grant.client_id(), id).await?;
    crate::versions::own_current(app, actor, grant, (id, action), &MEASURE, found).await
}

/// Corrects a measure: a new version with a reason (the author only; the old version is
/// kept). Audited `measure.correct`.
pub async fn correct(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    measured_on: NaiveDate,
    values: NewValues,
    reason: &str,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "measure.correct").await?;
    let row = own_current(app, actor, grant, id, "measure.correct").await?;
    let mut errs: Vec<FieldError> = check_date("measured_on", measured_on).into_iter().collect();
    if row.kind != values.kind().code() {
        errs.push(FieldError::new(
            "kind",
            "kind_changed",
            "En retting kan ikke endre hva slags måling det er.",
            "A correction cannot change the kind of measure.",
        ));
    }
    let reason = ShortText::parse(reason).map_err(|e| errs.push(FieldError::of("reason", &e)));
    let v = check_values(values).map_err(|e| errs.extend(e));
    let (Ok(v), Ok(reason)) = (v, reason) else {
        return Err(AppError::Invalid(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let new = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "measure.correct",
        &format!("measure:{new},corrects:{id},kind:{}", row.kind),
    );
    let stmt = store::measures::insert(
        new,
        recorded(actor, grant, d.at),
        v,
        measured_on,
        Some((id, reason.as_str())),
        None,
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(new)
}

/// Deletes a measure by retracting it (the author only; the measure stays in the table,
/// marked as retracted with the reason). Audited `measure.retract`.
pub async fn retract(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    reason: &str,
) -> AppResult<()> {
    const ACTION: &str = "measure.retract";
    require_health(app, actor, grant, ACTION).await?;
    let found = store::measures::by_id(&app.db, grant.client_id(), id).await?;
    let what = (id, ACTION, reason);
    let stmt = store::measures::retract;
    crate::versions::retract(app, actor, grant, what, &MEASURE, found, stmt).await
}

/// A measurement point that is due or overdue, for a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuePoint {
    /// The person.
    pub client_id: Uuid,
    /// Their name.
    pub name: String,
    /// Included on.
    pub included_on: NaiveDate,
    /// The point.
    pub point: Point,
}

fn refuse_team(actor: &Actor, action: &str, team: Uuid, why: &str) -> crate::audit::AuditDraft {
    let mut d = actor.audit(action, Outcome::Denied);
    d.resources = format!("team:{team},none:{why}");
    d
}

/// The team's health personnel among its working members may read its measurement lists.
async fn require_team_health(app: &App, actor: &Actor, team: Uuid, action: &str) -> AppResult<()> {
    let member = actor.has_role_in(
        team,
        &[TeamRole::Worker, TeamRole::IntakeMember, TeamRole::TeamLead],
    );
    if !member {
        app.writer
            .write(WriteOp::audit_only(vec![refuse_team(
                actor,
                action,
                team,
                "not_a_member_of_the_team",
            )]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            "Du er ikke med i dette teamet. Forsøket er logget.",
            "You are not a member of this team. The attempt has been logged.",
        )));
    }
    if !is_health_personnel(actor) {
        app.writer
            .write(WriteOp::audit_only(vec![refuse_team(
                actor,
                action,
                team,
                "health_content_not_in_scope",
            )]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            "Målinger er helseopplysninger og vises bare for helsepersonell. Forsøket er logget.",
            "Measures are health information, shown to health personnel only. The attempt has been logged.",
        )));
    }
    Ok(())
}

/// The measurement points that are due or overdue in a team, for the people the actor may
/// see (`mine`: only the courses the actor is a member of), overdue first, then by date.
/// Audited `measure.due`, naming every person listed.
pub async fn due(app: &App, actor: &Actor, team: Uuid, mine: bool) -> AppResult<Vec<DuePoint>> {
    require_team_health(app, actor, team, "measure.due").await?;
    let today = today();
    let p = policy(app, team).await?;
    let v = crate::access::visible(app, actor, "c", "$1", "$2", 5).await?;
    let people = store::measures::followed(&app.db, v, team, actor.staff_id, today, mine).await?;
    let mut recorded: HashMap<Uuid, Vec<(MeasureKind, NaiveDate)>> = HashMap::new();
    for (c, k, d) in store::measures::team_dates(&app.db, team).await? {
        if let Some(k) = MeasureKind::from_code(&k) {
            recorded.entry(c).or_default().push((k, d));
        }
    }
    let mut out: Vec<(PointStatus, DuePoint, String)> = Vec::new();
    for f in &people {
        let rec = recorded.get(&f.id).map(Vec::as_slice).unwrap_or(&[]);
        for pt in measurement_points(&p, f.included_on, None, today, rec) {
            if matches!(pt.status, PointStatus::Due | PointStatus::Overdue) {
                out.push((
                    pt.status,
                    DuePoint {
                        client_id: f.id,
                        name: f.name.clone(),
                        included_on: f.included_on,
                        point: point_out(pt),
                    },
                    f.basis.clone(),
                ));
            }
        }
    }
    out.sort_by(|a, b| {
        (b.0 == PointStatus::Overdue)
            .cmp(&(a.0 == PointStatus::Overdue))
            .then(a.1.point.closes.cmp(&b.1.point.closes))
            .then(a.1.name.cmp(&b.1.name))
    });
    let shown: Vec<(Uuid, &str)> = out
        .iter()
        .map(|(_, d, b)| (d.client_id, b.as_str()))
        .collect();
    let what = format!(
        "team:{team},client:name,measure_points{}",
        if mine { ",mine" } else { "" }
    );
    let mut audit = crate::audit::list_audit(actor, "measure.due", "TREAT", &what, &shown);
    if audit.is_empty() {
        let mut d = actor.audit("measure.due", Outcome::Allowed);
        d.resources = what;
        audit.push(d);
    }
    for d in &mut audit {
        d.actor_team_id = Some(team);
    }
    app.writer.write(WriteOp::audit_only(audit)).await?;
    Ok(out.into_iter().map(|(_, d, _)| d).collect())
}

/// Sets the team's measurement points (the team lead; audited `measure.policy`).
pub async fn set_policy(app: &App, actor: &Actor, team: Uuid, p: &MeasurePolicy) -> AppResult<()> {
    if !actor.has_role_in(team, &[TeamRole::TeamLead]) {
        app.writer
            .write(WriteOp::audit_only(vec![refuse_team(
                actor,
                "measure.policy",
                team,
                "not_team_lead",
            )]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare teamlederen endrer teamets målepunkter. Forsøket er logget.",
            "Only the team lead changes the team's measurement points. The attempt has been logged.",
        )));
    }
    let mut errs = Vec::new();
    let mut months = p.months.clone();
    months.sort_unstable();
    months.dedup();
    if months.is_empty() || months.len() > 12 || months.iter().any(|m| *m > 120) {
        errs.push(FieldError::new(
            "months",
            "invalid_months",
            "Oppgi 1–12 målepunkter, 0–120 måneder etter inntak.",
            "Give 1–12 measurement points, 0–120 months after inclusion.",
        ));
    }
    if !(0..=180).contains(&p.window_days) {
        errs.push(FieldError::of(
            "window_days",
            &MeasureError::OutOfRange { min: 0, max: 180 },
        ));
    }
    if p.required.is_empty() {
        errs.push(FieldError::new(
            "required",
            "required",
            "Velg minst én måling.",
            "Choose at least one measure.",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let m: Vec<String> = months.iter().map(u32::to_string).collect();
    let r: Vec<&str> = p.required.iter().map(|k| k.code()).collect();
    let mut d = actor.audit("measure.policy", Outcome::Allowed);
    d.actor_team_id = Some(team);
    d.resources = format!(
        "team:{team},months:{},window:{}",
        m.join("/"),
        p.window_days
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::measures::set_policy(
                team,
                &m.join(","),
                p.window_days,
                &r.join(","),
                actor.staff_id,
                d.at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// A summary of numbers: n, median, mean, lowest, highest.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SummaryOut {
    /// How many.
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Mean.
    pub mean: f64,
    /// Lowest.
    pub min: f64,
    /// Highest.
    pub max: f64,
}

fn summary_out(v: &[f64]) -> Option<SummaryOut> {
    summary(v).map(|s| SummaryOut {
        n: s.n,
        median: s.median,
        mean: s.mean,
        min: s.min,
        max: s.max,
    })
}

/// A scale question's answers in a round.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionSummary {
    /// Question number.
    pub question: i64,
    /// The question (in the reader's language).
    pub text: String,
    /// Median, mean and range of the answers (none if nobody answered).
    pub summary: Option<SummaryOut>,
}

/// Participants from one municipality.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MunicipalityCount {
    /// Municipality.
    pub municipality: String,
    /// Participants.
    pub count: usize,
}

/// A SPoR interview round with its figures (aggregates only, as in the SPoR report).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Round {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Started on.
    pub started_on: NaiveDate,
    /// Participants interviewed.
    pub participants: usize,
    /// Participants per municipality.
    pub municipalities: Vec<MunicipalityCount>,
    /// Age.
    pub age: Option<SummaryOut>,
    /// Years of contact with the services.
    pub contact_years: Option<SummaryOut>,
    /// Each 1–9 question.
    pub questions: Vec<QuestionSummary>,
}

/// The team's SPoR rounds with their figures (the team's health personnel; audited
/// `spor.rounds`, aggregates only).
pub async fn rounds(app: &App, actor: &Actor, team: Uuid, lang: Lang) -> AppResult<Vec<Round>> {
    require_team_health(app, actor, team, "spor.rounds").await?;
    let mut out = Vec::new();
    for (id, name, started_on) in store::measures::rounds(&app.db, team).await? {
        let iv = interviews(
            app,
            store::measures::interviews_of_round(&app.db, id).await?,
        )
        .await?;
        let mut munis: Vec<MunicipalityCount> = Vec::new();
        for i in &iv {
            match munis.iter_mut().find(|m| m.municipality == i.municipality) {
                Some(m) => m.count += 1,
                None => munis.push(MunicipalityCount {
                    municipality: i.municipality.clone(),
                    count: 1,
                }),
            }
        }
        let questions = SPOR_QUESTIONS
            .iter()
            .filter(|q| q.scale)
            .map(|q| {
                let vals: Vec<f64> = iv
                    .iter()
                    .flat_map(|i| i.answers.iter())
                    .filter(|a| a.question == i64::from(q.number))
                    .filter_map(|a| a.score)
                    .collect();
                QuestionSummary {
                    question: i64::from(q.number),
                    text: if lang == Lang::En { q.en } else { q.nb }.to_string(),
                    summary: summary_out(&vals),
                }
            })
            .collect();
        out.push(Round {
            id,
            name,
            started_on,
            participants: iv.len(),
            municipalities: munis,
            age: summary_out(&iv.iter().map(|i| i.age as f64).collect::<Vec<_>>()),
            contact_years: summary_out(
                &iv.iter()
                    .map(|i| i.contact_years as f64)
                    .collect::<Vec<_>>(),
            ),
            questions,
        });
    }
    let mut d = actor.audit("spor.rounds", Outcome::Allowed);
    d.actor_team_id = Some(team);
    d.resources = format!("team:{team},spor_rounds,aggregate");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(out)
}

/// Starts a SPoR interview round (the team's health personnel; audited `spor.round_create`).
pub async fn create_round(
    app: &App,
    actor: &Actor,
    team: Uuid,
    name: &str,
    started_on: NaiveDate,
) -> AppResult<Uuid> {
    require_team_health(app, actor, team, "spor.round_create").await?;
    let mut errs: Vec<FieldError> = check_date("started_on", started_on).into_iter().collect();
    let name = ShortText::parse(name).map_err(|e| errs.push(FieldError::of("name", &e)));
    let Ok(name) = name else {
        return Err(AppError::Invalid(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let id = Uuid::now_v7();
    let mut d = actor.audit("spor.round_create", Outcome::Allowed);
    d.actor_team_id = Some(team);
    d.resources = format!("team:{team},spor_round:{id}");
    app.writer
        .write(WriteOp {
            stmts: vec![store::measures::insert_round(
                id,
                team,
                name.as_str(),
                started_on,
                actor.staff_id,
                actor.home_org_id,
                d.at,
                None,
            )],
            audit: vec![d],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::field(FieldError::new(
                "name",
                "duplicate",
                "Teamet har allerede en runde med dette navnet.",
                "The team already has a round with this name.",
            )),
            other => other,
        })?;
    Ok(id)
}

/// An interview as typed.
#[derive(Debug, Clone, Default)]
pub struct NewInterview {
    /// Round.
    pub round_id: Uuid,
    /// Day.
    pub interviewed_on: Option<NaiveDate>,
    /// Who interviewed.
    pub interviewer: String,
    /// The person's municipality.
    pub municipality: String,
    /// Age.
    pub age: Option<f64>,
    /// Years of contact with the services.
    pub contact_years: Option<f64>,
    /// Scale answers by question number.
    pub scores: Vec<(u8, f64)>,
    /// Text answers by question number.
    pub texts: Vec<(u8, String)>,
}

/// The field name of a question's answer (`q1` … `q20`).
pub fn question_field(n: u8) -> String {
    format!("q{n}")
}

/// An interview that passed the checks.
#[derive(Debug, Clone)]
pub struct CheckedInterview {
    /// Day.
    pub interviewed_on: NaiveDate,
    /// Who interviewed.
    pub interviewer: ShortText,
    /// The person's municipality.
    pub municipality: Municipality,
    /// Age.
    pub age: i64,
    /// Years of contact.
    pub contact_years: i64,
    /// (question, score in tenths, text).
    pub answers: Vec<(i64, Option<i64>, Option<String>)>,
}

/// Checks an interview's fields and answers (not its round), naming every field at fault;
/// the API and the importer both use it.
pub fn check_interview(input: &NewInterview) -> Result<CheckedInterview, Vec<FieldError>> {
    let mut errs: Vec<FieldError> = Vec::new();
    let on = match input.interviewed_on {
        None => {
            errs.push(FieldError::of("interviewed_on", &MeasureError::Missing));
            None
        }
        Some(d) => match check_date("interviewed_on", d) {
            Some(e) => {
                errs.push(e);
                None
            }
            None => Some(d),
        },
    };
    let interviewer = ShortText::parse(&input.interviewer)
        .map_err(|e| errs.push(FieldError::of("interviewer", &e)))
        .ok();
    let municipality = Municipality::parse(&input.municipality)
        .map_err(|e| errs.push(FieldError::of("municipality", &e)))
        .ok();
    let age = match input.age {
        None => Err(MeasureError::Missing),
        Some(a) => check_age(a),
    }
    .map_err(|e| errs.push(FieldError::of("age", &e)))
    .ok();
    let years = match input.contact_years {
        None => Err(MeasureError::Missing),
        Some(a) => check_contact_years(a),
    }
    .map_err(|e| errs.push(FieldError::of("contact_years", &e)))
    .ok();
    let mut answers: Vec<(i64, Option<i64>, Option<String>)> = Vec::new();
    for (n, v) in &input.scores {
        let field = question_field(*n);
        match benk_domain::spor_question(*n) {
            Some(q) if q.scale => match Tenths::from_f64(*v).and_then(check_spor_score) {
                Ok(t) => answers.push((i64::from(*n), Some(t.0), None)),
                Err(e) => errs.push(FieldError::of(&field, &e)),
            },
            _ => errs.push(FieldError::new(
                &field,
                "not_a_scale_question",
                "Dette spørsmålet besvares med tekst.",
                "This question is answered in text.",
            )),
        }
    }
    for (n, t) in &input.texts {
        let field = question_field(*n);
        match benk_domain::spor_question(*n) {
            Some(q) if !q.scale => match benk_domain::LongText::parse_optional(t) {
                Ok(Some(t)) => answers.push((i64::from(*n), None, Some(t.as_str().to_string()))),
                Ok(None) => {}
                Err(e) => errs.push(FieldError::of(&field, &e)),
            },
            _ => errs.push(FieldError::new(
                &field,
                "scale_question",
                "Dette spørsmålet besvares på skalaen 1–9.",
                "This question is answered on the 1–9 scale.",
            )),
        }
    }
    match (on, interviewer, municipality, age, years) {
        (
            Some(interviewed_on),
            Some(interviewer),
            Some(municipality),
            Some(age),
            Some(contact_years),
        ) if errs.is_empty() => Ok(CheckedInterview {
            interviewed_on,
            interviewer,
            municipality,
            age,
            contact_years,
            answers,
        }),
        _ => Err(errs),
    }
}

/// Records a person's SPoR interview in a round of their team (health scope; one per person
/// and round; audited `spor.interview_create`). Every field error at once; a scale answer
/// outside 1–9 names its question (`q7`).
pub async fn record_interview(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: NewInterview,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "spor.interview_create").await?;
    let mut errs: Vec<FieldError> = Vec::new();
    if store::measures::round_team(&app.db, input.round_id).await? != Some(grant.team_id()) {
        errs.push(FieldError::new(
            "round_id",
            "no_such_round",
            "Velg en intervjurunde i personens team.",
            "Choose an interview round of the person's team.",
        ));
    }
    let checked = check_interview(&input).map_err(|e| errs.extend(e));
    let Ok(c) = checked else {
        return Err(AppError::Invalid(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let (on, interviewer, municipality, age, years, answers) = (
        c.interviewed_on,
        c.interviewer,
        c.municipality,
        c.age,
        c.contact_years,
        c.answers,
    );
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        "spor.interview_create",
        &format!("spor_interview:{id},spor_round:{}", input.round_id),
    );
    let f = InterviewFields {
        round: input.round_id,
        interviewed_on: on,
        interviewer: interviewer.as_str(),
        municipality: municipality.as_str(),
        age,
        contact_years: years,
        external_id: None,
    };
    let mut stmts: Vec<Stmt> = vec![store::measures::insert_interview(
        id,
        recorded(actor, grant, d.at),
        &f,
    )];
    for (q, s, t) in &answers {
        stmts.push(store::measures::insert_answer(id, *q, *s, t.as_deref()));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::field(FieldError::new(
                "round_id",
                "duplicate",
                "Personen er allerede intervjuet i denne runden.",
                "The person has already been interviewed in this round.",
            )),
            other => other,
        })?;
    Ok(id)
}

/// A stored interview as the correction checks it.
struct ForCorrection {
    round: Uuid,
    author: Uuid,
    superseded: bool,
}

impl crate::versions::Version for ForCorrection {
    fn author(&self) -> Uuid {
        self.author
    }
    fn stale(&self) -> bool {
        self.superseded
    }
}

const INTERVIEW_STALE: (&str, &str) = (
    "Intervjuet er allerede rettet. Last siden på nytt.",
    "The interview has already been corrected. Reload the page.",
);

const INTERVIEW: crate::versions::Kind = crate::versions::Kind {
    resource: "spor_interview",
    missing: "no_such_interview",
    not_author: (
        "Bare den som registrerte intervjuet kan rette det. Forsøket er logget.",
        "Only the person who recorded the interview can correct it. The attempt has been logged.",
    ),
    stale: INTERVIEW_STALE,
};

/// Corrects a SPoR interview: a new version (same round) with all its answers and a reason
/// superseding the old one, which stays with its answers. Only the one who recorded the
/// interview corrects it (`none:not_the_author`, 403); a version already corrected is a 409.
/// Health scope; audited `spor.interview_correct`. The input's round is ignored.
pub async fn correct_interview(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    input: NewInterview,
    reason: &str,
) -> AppResult<Uuid> {
    const ACTION: &str = "spor.interview_correct";
    require_health(app, actor, grant, ACTION).await?;
    let found = store::measures::interview_for_correction(&app.db, grant.client_id(), id)
        .await?
        .map(|(round, author, superseded)| ForCorrection {
            round,
            author,
            superseded,
        });
    let round = crate::versions::own_current(app, actor, grant, (id, ACTION), &INTERVIEW, found)
        .await?
        .round;
    let mut errs: Vec<FieldError> = Vec::new();
    let reason = ShortText::parse(reason)
        .map_err(|e| errs.push(FieldError::of("reason", &e)))
        .ok();
    let checked = check_interview(&input).map_err(|e| errs.extend(e));
    let (Ok(c), Some(reason)) = (checked, reason) else {
        return Err(AppError::Invalid(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let new = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        grant,
        ACTION,
        &format!("spor_interview:{new},corrects:{id},spor_round:{round}"),
    );
    let f = InterviewFields {
        round,
        interviewed_on: c.interviewed_on,
        interviewer: c.interviewer.as_str(),
        municipality: c.municipality.as_str(),
        age: c.age,
        contact_years: c.contact_years,
        external_id: None,
    };
    let mut stmts: Vec<Stmt> = vec![store::measures::insert_interview_correction(
        new,
        recorded(actor, grant, d.at),
        &f,
        id,
        reason.as_str(),
    )];
    for (q, s, t) in &c.answers {
        stmts.push(store::measures::insert_answer(new, *q, *s, t.as_deref()));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => {
                AppError::Conflict(Text::new(INTERVIEW_STALE.0, INTERVIEW_STALE.1))
            }
            other => other,
        })?;
    Ok(new)
}

/// The kind of a measure of the person (for a correction's body), under health scope.
pub async fn kind_of(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
) -> AppResult<MeasureKind> {
    require_health(app, actor, grant, "measure.correct").await?;
    store::measures::by_id(&app.db, grant.client_id(), id)
        .await?
        .and_then(|r| MeasureKind::from_code(&r.kind))
        .ok_or(AppError::NotFound)
}

/// The rounds of a team for the interview form's picker: (id, name), newest first. No person
/// data; the page that shows it has already opened the person under health scope.
pub async fn round_choices(app: &App, team: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    Ok(store::measures::rounds(&app.db, team)
        .await?
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .collect())
}

/// One version in a measure's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureVersion {
    /// The version (its values, who and when; `corrects` and `correction_reason` say what it
    /// replaced and why).
    pub measure: Measure,
    /// This row deletes the measure (it retracts the version before it).
    pub retracted: bool,
    /// The version in use (neither corrected nor deleted since).
    pub current: bool,
}

/// Every version of a measure, oldest first: the first recording, each correction with its
/// reason and a deletion, if any (health scope; audited as `measure.history`). Any version's id
/// gives the whole line.
pub async fn history(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
) -> AppResult<Vec<MeasureVersion>> {
    require_health(app, actor, grant, "measure.history").await?;
    let row = store::measures::by_id(&app.db, grant.client_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = store::measures::all_of_kind(&app.db, grant.client_id(), &row.kind).await?;
    // Back to the first version, then forward along the line.
    let mut first = row.id;
    while let Some(prev) = all
        .iter()
        .find(|r| r.id == first)
        .and_then(|r| r.supersedes_id)
    {
        first = prev;
    }
    let mut line = Vec::new();
    let mut at = all.iter().find(|r| r.id == first).cloned();
    while let Some(r) = at {
        at = all.iter().find(|n| n.supersedes_id == Some(r.id)).cloned();
        line.push(r);
    }
    let ids: Vec<String> = line.iter().map(|r| r.id.to_string()).collect();
    let d = audit_allowed(
        actor,
        grant,
        "measure.history",
        &format!("measures:{}", ids.join("+")),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(line
        .into_iter()
        .map(|r| MeasureVersion {
            current: !r.superseded && !r.retracted,
            retracted: r.retracted,
            measure: to_measure(r, None),
        })
        .collect())
}
