//! Referrals ("henvisninger"): anyone may refer; only the intake team and
//! administrators may read them, and every read is audited.

use benk_domain::{
    AgencyKind, BirthYear, Icd10Code, Knowledge, LongText, NationalId, PersonName, Phone,
    ReferralChannel, ReferralStatus, Scope, ShortText, TeamRole, Urgency,
};
use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use serde::Serialize;
use uuid::Uuid;

use crate::access::{self, ReadGrant};
use crate::actor::{Actor, RequestMeta};
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// Proof that the actor may work with a team's referrals (intake team, team lead,
/// administrator), and how much of them: health content (reasons, mental health, substance
/// use, services, diagnoses, the decision's reasons and assessment) only with `Scope::Health`,
/// which the access module gives health personnel only.
#[derive(Debug, Clone)]
pub struct IntakeGrant {
    team_id: Uuid,
    scope: Scope,
}

impl IntakeGrant {
    /// The team whose referrals this opens.
    pub fn team_id(&self) -> Uuid {
        self.team_id
    }
    /// What the grant covers.
    pub fn scope(&self) -> Scope {
        self.scope
    }
    /// Whether the health content of referrals and decisions is covered.
    pub fn covers_health(&self) -> bool {
        self.scope.includes_health()
    }
    /// How a read under this grant is named in the audit log: `referral:health` or
    /// `referral:admin` (administrative fields only).
    pub fn audit_resource(&self) -> &'static str {
        if self.covers_health() {
            "referral:health"
        } else {
            "referral:admin"
        }
    }
}

/// Refuses health content of referrals (such as writing a decision's reasons and
/// assessment) to a grant without health scope, and audits the refusal.
pub async fn require_health(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    action: &str,
    referral: Uuid,
) -> AppResult<()> {
    if grant.covers_health() {
        return Ok(());
    }
    let mut d = actor.audit(action, Outcome::Denied);
    d.purpose = Some("COC".into());
    d.resources = format!("referral:{referral},none:health_content_not_in_scope");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(Text::new(
        "Inntaksbeslutningen inneholder helseopplysninger (begrunnelse og vurdering av målgruppe) og registreres av helsepersonell i inntaksteamet. Forsøket er logget.",
        "The decision holds health information (reasons and target-group assessment) and is recorded by health personnel in the intake team. The attempt has been logged.",
    )))
}

/// Opens a team's referrals to the intake team, or audits the refusal.
pub async fn open_intake(app: &App, actor: &Actor, team_id: Uuid) -> AppResult<IntakeGrant> {
    if actor.has_role_in(
        team_id,
        &[
            TeamRole::IntakeMember,
            TeamRole::TeamLead,
            TeamRole::Administrator,
        ],
    ) {
        return Ok(IntakeGrant {
            team_id,
            scope: crate::access::scope_of(actor),
        });
    }
    let mut d = actor.audit("intake.open", Outcome::Denied);
    d.resources = format!("team:{team_id},referrals");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(Text::new(
        "Henvisninger er bare tilgjengelige for inntaksteamet, teamleder og administratorer. Forsøket er logget.",
        "Referrals are only available to the intake team, the team lead and administrators. The attempt has been logged.",
    )))
}

fn audit_referral(actor: &Actor, action: &str, referral: Uuid, resources: &str) -> AuditDraft {
    let mut d = actor.audit(action, Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = format!("referral:{referral},{resources}");
    d
}

/// A source agency in the team's register.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Agency {
    /// Id.
    pub id: Uuid,
    /// Kind code (`gp`, `nav`, `housing_office`, …).
    pub kind: String,
    /// Name, e.g. "NAV Bærum".
    pub name: String,
    /// Still offered on the referral form.
    pub active: bool,
}

/// The team's agencies (public: names and kinds only, used by the referral form).
pub async fn agencies(app: &App, team_id: Uuid) -> AppResult<Vec<Agency>> {
    Ok(store::referrals::agencies(&app.db, team_id).await?)
}

/// Adds an agency to the team's register (intake team).
pub async fn add_agency(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    kind: AgencyKind,
    name: &ShortText,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let mut d = actor.audit("agency.create", Outcome::Allowed);
    d.resources = format!("agency:{id}");
    app.writer
        .write(WriteOp {
            stmts: vec![store::referrals::insert_agency(
                id,
                grant.team_id,
                kind.code(),
                name.as_str(),
                d.at,
            )],
            audit: vec![d],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::field(FieldError::new(
                "name",
                "duplicate",
                "Denne instansen finnes allerede i registeret.",
                "This agency is already in the register.",
            )),
            other => other,
        })?;
    Ok(id)
}

/// A referral, parsed and validated at the edge.
#[derive(Debug, Clone)]
pub struct ReferralInput {
    /// Who refers.
    pub referrer_name: ShortText,
    /// Their role ("fastlege", "mor", …).
    pub referrer_role: Option<ShortText>,
    /// Their phone.
    pub referrer_phone: Option<Phone>,
    /// Their e-mail.
    pub referrer_email: Option<ShortText>,
    /// Agency from the team's register, if chosen.
    pub agency_id: Option<Uuid>,
    /// Kind of referrer (from the agency, or chosen).
    pub agency_kind: AgencyKind,
    /// The person's name.
    pub person_name: Option<PersonName>,
    /// National id.
    pub person_national_id: Option<NationalId>,
    /// Birth year.
    pub person_birth_year: Option<BirthYear>,
    /// Phone.
    pub person_phone: Option<Phone>,
    /// Where the person can be found.
    pub person_whereabouts: Option<ShortText>,
    /// Why the referral.
    pub reason: LongText,
    /// Services and helpers now.
    pub current_services: Option<LongText>,
    /// Housing.
    pub housing_situation: Option<LongText>,
    /// Substance use.
    pub substance_use: Option<LongText>,
    /// Mental health.
    pub mental_health: Option<LongText>,
    /// Does the person know of the referral?
    pub person_knows: Knowledge,
    /// Does the person agree?
    pub person_agrees: Knowledge,
    /// Urgency.
    pub urgency: Urgency,
    /// Known diagnoses (staff registration only).
    pub diagnoses: Vec<Icd10Code>,
    /// The day it was received (staff can register a phone call from earlier).
    pub received_on: NaiveDate,
    /// How it came in.
    pub channel: ReferralChannel,
}

/// What the referrer is told.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    /// Referral id.
    pub id: Uuid,
    /// Receipt number to quote.
    pub receipt_number: String,
}

const RECEIPT_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A receipt number that reveals neither order nor volume: "H-2026-7KQ3-M9XA".
fn receipt_number(year: i32) -> String {
    let mut rng = rand::thread_rng();
    let mut part = || {
        (0..4)
            .map(|_| RECEIPT_ALPHABET[rng.gen_range(0..RECEIPT_ALPHABET.len())] as char)
            .collect::<String>()
    };
    format!("H-{year}-{}-{}", part(), part())
}

fn insert_stmts(
    id: Uuid,
    team_id: Uuid,
    receipt: &str,
    input: &ReferralInput,
    registered_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Vec<Stmt> {
    fn long(t: &Option<LongText>) -> Option<&str> {
        t.as_ref().map(|t| t.as_str())
    }
    fn short(t: &Option<ShortText>) -> Option<&str> {
        t.as_ref().map(|t| t.as_str())
    }
    let mut stmts = vec![store::referrals::insert(&store::referrals::NewReferral {
        id,
        team_id,
        receipt_number: receipt,
        received_at: now,
        received_on: input.received_on,
        channel: input.channel.code(),
        registered_by,
        referrer_name: input.referrer_name.as_str(),
        referrer_role: short(&input.referrer_role),
        referrer_phone: input.referrer_phone.as_ref().map(|p| p.as_str()),
        referrer_email: short(&input.referrer_email),
        agency_id: input.agency_id,
        agency_kind: input.agency_kind.code(),
        person_name: input.person_name.as_ref().map(|n| n.as_str()),
        person_national_id: input.person_national_id.as_ref().map(|n| n.as_str()),
        person_birth_year: input.person_birth_year.map(|y| i64::from(y.value())),
        person_phone: input.person_phone.as_ref().map(|p| p.as_str()),
        person_whereabouts: short(&input.person_whereabouts),
        reason: input.reason.as_str(),
        current_services: long(&input.current_services),
        housing_situation: long(&input.housing_situation),
        substance_use: long(&input.substance_use),
        mental_health: long(&input.mental_health),
        person_knows: input.person_knows.code(),
        person_agrees: input.person_agrees.code(),
        urgency: input.urgency.code(),
    })];
    for d in &input.diagnoses {
        stmts.push(store::referrals::insert_diagnosis(id, d.as_str()));
    }
    stmts
}

async fn check_agency(app: &App, team_id: Uuid, input: &mut ReferralInput) -> AppResult<()> {
    let Some(a) = input.agency_id else {
        return Ok(());
    };
    match store::referrals::agency_in_team(&app.db, a, team_id).await? {
        Some((kind, true)) => {
            if let Some(k) = AgencyKind::from_code(&kind) {
                input.agency_kind = k;
            }
            Ok(())
        }
        _ => Err(AppError::field(FieldError::new(
            "agency_id",
            "unknown_agency",
            "Ukjent henvisende instans. Velg fra listen, eller velg «ikke på listen» og oppgi type.",
            "Unknown referring agency. Choose from the list, or choose «not listed» and give the kind.",
        ))),
    }
}

async fn team_exists(app: &App, team_id: Uuid) -> AppResult<()> {
    if !store::referrals::team_exists(&app.db, team_id).await? {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// A referral from the public form (no login). Audited with the sender's address.
pub async fn submit_public(
    app: &App,
    team_id: Uuid,
    mut input: ReferralInput,
    meta: &RequestMeta,
) -> AppResult<Receipt> {
    team_exists(app, team_id).await?;
    check_agency(app, team_id, &mut input).await?;
    input.channel = ReferralChannel::WebForm;
    input.diagnoses.clear();
    let id = Uuid::now_v7();
    let mut d = AuditDraft::new("referral.submit", Outcome::Allowed);
    // The sender is not a staff member: store what they typed as what it is.
    d.actor_from_outside("public referral form", "name", input.referrer_name.as_str());
    d.resources = format!("referral:{id}");
    d.ip = meta.ip.clone();
    d.user_agent = meta.user_agent.clone();
    let receipt = receipt_number(chrono::Datelike::year(&crate::time::oslo_date(d.at)));
    let stmts = insert_stmts(id, team_id, &receipt, &input, None, d.at);
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(Receipt {
        id,
        receipt_number: receipt,
    })
}

/// A referral registered by staff (by phone, at the open hour, in a meeting).
pub async fn register(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    input: ReferralInput,
) -> AppResult<Receipt> {
    let (receipt, stmts, d) = register_parts(app, actor, grant, input).await?;
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(receipt)
}

/// A staff-registered referral as statements and its audit row, for a use case that writes it
/// together with more in one transaction (the open hour's "turn a booking into a referral").
/// Checks the agency (a read on the pool) first.
pub(crate) async fn register_parts(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    mut input: ReferralInput,
) -> AppResult<(Receipt, Vec<Stmt>, AuditDraft)> {
    check_agency(app, grant.team_id, &mut input).await?;
    let id = Uuid::now_v7();
    let d = audit_referral(actor, "referral.register", id, "referral");
    let receipt = receipt_number(chrono::Datelike::year(&input.received_on));
    let stmts = insert_stmts(
        id,
        grant.team_id,
        &receipt,
        &input,
        Some(actor.staff_id),
        d.at,
    );
    Ok((
        Receipt {
            id,
            receipt_number: receipt,
        },
        stmts,
        d,
    ))
}

/// A referral on the intake board.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReferralSummary {
    /// Id.
    pub id: Uuid,
    /// Receipt number.
    pub receipt_number: String,
    /// Received (date).
    pub received_on: NaiveDate,
    /// Status.
    pub status: String,
    /// Urgency.
    pub urgency: String,
    /// Referrer kind.
    pub agency_kind: String,
    /// Agency name, if from the register.
    pub agency_name: Option<String>,
    /// Person's name, if given.
    pub person_name: Option<String>,
    /// Outcome, when decided.
    pub outcome: Option<String>,
    /// The assessment deadline (pbrl. § 2-2) while the referral is open (issue 8).
    #[sqlx(skip)]
    pub deadline: Option<crate::assessment::Deadline>,
}

/// The team's referrals for the intake board, audited as one read per referral shown.
pub async fn board(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
) -> AppResult<Vec<ReferralSummary>> {
    let rows = store::referrals::board(
        &app.db,
        grant.team_id,
        Utc::now() - chrono::Duration::days(60),
    )
    .await?;
    let today = crate::time::oslo_today();
    let mut rows = rows;
    for r in &mut rows {
        r.deadline = crate::assessment::deadline(r.received_on, &r.status, today);
    }
    if !rows.is_empty() {
        let audit = rows
            .iter()
            .map(|r| audit_referral(actor, "referral.list", r.id, "referral:summary"))
            .collect();
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    Ok(rows)
}

/// The administrative fields of a referral: who refers, who it is about, how to reach them,
/// housing, consent, urgency and status. Everything a non-health intake member may see.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Referral {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// Receipt number.
    pub receipt_number: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Received (date).
    pub received_on: NaiveDate,
    /// Channel.
    pub channel: String,
    /// Referrer.
    pub referrer_name: String,
    /// Referrer role.
    pub referrer_role: Option<String>,
    /// Referrer phone.
    pub referrer_phone: Option<String>,
    /// Referrer e-mail.
    pub referrer_email: Option<String>,
    /// Agency id.
    pub agency_id: Option<Uuid>,
    /// Agency name.
    pub agency_name: Option<String>,
    /// Agency kind.
    pub agency_kind: String,
    /// Person's name.
    pub person_name: Option<String>,
    /// National id.
    pub person_national_id: Option<String>,
    /// Birth year.
    pub person_birth_year: Option<i64>,
    /// Phone.
    pub person_phone: Option<String>,
    /// Where to find the person.
    pub person_whereabouts: Option<String>,
    /// Housing (administrative: the housing officer and NAV work with it).
    pub housing_situation: Option<String>,
    /// Person knows.
    pub person_knows: String,
    /// Person agrees.
    pub person_agrees: String,
    /// Urgency.
    pub urgency: String,
    /// Status.
    pub status: String,
    /// The client, once accepted.
    pub client_id: Option<Uuid>,
}

/// The health content of a referral: only read, and only returned, under a grant with
/// health scope.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReferralHealth {
    /// Why the referral (free text from the referrer).
    pub reason: String,
    /// Services and helpers now (GP, DPS, substance treatment…).
    pub current_services: Option<String>,
    /// Substance use.
    pub substance_use: Option<String>,
    /// Mental health.
    pub mental_health: Option<String>,
    /// Known diagnoses (ICD-10 codes); the API gives them beside this object.
    #[sqlx(skip)]
    #[serde(skip)]
    pub diagnoses: Vec<String>,
}

/// Reads one referral, audited as `referral:admin` or `referral:health`. The health content
/// is read from the database only when the grant covers it; otherwise it is `None`.
pub async fn get(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    id: Uuid,
) -> AppResult<(Referral, Option<ReferralHealth>)> {
    let r = store::referrals::admin(&app.db, id, grant.team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let health = if grant.covers_health() {
        Some(
            store::referrals::health(&app.db, id, grant.team_id)
                .await?
                .ok_or(AppError::NotFound)?,
        )
    } else {
        None
    };
    let mut d = audit_referral(actor, "referral.read", id, grant.audit_resource());
    d.client_id = r.client_id;
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok((r, health))
}

/// Moves a referral to "under assessment".
pub async fn start_assessment(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    id: Uuid,
) -> AppResult<()> {
    let status = store::referrals::status(&app.db, id, grant.team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = ReferralStatus::from_code(&status).unwrap_or(ReferralStatus::Decided);
    if !from.can_move_to(ReferralStatus::UnderAssessment) {
        return Err(AppError::Conflict(Text::new(
            "Henvisningen er allerede under vurdering eller avgjort.",
            "The referral is already under assessment or decided.",
        )));
    }
    let d = audit_referral(actor, "referral.assess", id, "referral:status");
    app.writer
        .write(WriteOp {
            stmts: vec![store::referrals::start_assessment(id, grant.team_id, d.at)],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// The referrals that led to the client's episodes in the grant's team: the care team's
/// path to the referral after acceptance (the intake grant is not needed). Audited as one
/// `referral.list` row per referral shown, under the client grant's basis.
pub async fn for_client(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
) -> AppResult<Vec<ReferralSummary>> {
    let rows =
        store::referrals::linked_to_client(&app.db, grant.client_id(), grant.team_id()).await?;
    if !rows.is_empty() {
        let audit = rows
            .iter()
            .map(|r| {
                access::audit_allowed(
                    actor,
                    grant,
                    "referral.list",
                    &format!("referral:{},referral:summary", r.id),
                )
            })
            .collect();
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    Ok(rows)
}

/// Reads one referral that led to the client's episode, for the client's care team (through
/// the client's [`ReadGrant`]); the health content only when the grant covers health, as
/// for the intake team. A referral that is not the client's is refused as not found, and
/// the attempt is audited (`referral.read` / denied / `none:referral_not_linked`).
pub async fn get_for_care_team(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
) -> AppResult<(Referral, Option<ReferralHealth>)> {
    let linked =
        store::referrals::is_linked_to_client(&app.db, id, grant.client_id(), grant.team_id())
            .await?;
    if !linked {
        let mut d = actor.audit("referral.read", Outcome::Denied);
        d.client_id = Some(grant.client_id());
        d.purpose = Some(grant.purpose().code().to_string());
        d.resources = format!("referral:{id},none:referral_not_linked");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    }
    let r = store::referrals::admin(&app.db, id, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let health = if grant.covers_health() {
        store::referrals::health(&app.db, id, grant.team_id()).await?
    } else {
        None
    };
    let scope = if grant.covers_health() {
        "referral:health"
    } else {
        "referral:admin"
    };
    let d = access::audit_allowed(
        actor,
        grant,
        "referral.read",
        &format!("referral:{id},{scope}"),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok((r, health))
}
