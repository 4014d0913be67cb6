//! Guidance cases (level 3, "veiledning"): a consultation for a partner who asked the team for
//! advice on a concrete case, "without being directly involved in giving services" (C-Flex,
//! `001`/`003`).
//!
//! A guidance case names who asked, the question, the advice and a follow-up date, and never the
//! person (no name, no national id: data minimisation); it makes no client record. It comes from
//! an intake decision with the outcome `guidance` (linked to the referral) or is written directly
//! by the intake team (a phone call, the open hour).
//!
//! Who: the question and the advice are health content, so only health personnel who are intake
//! members or the team lead open guidance cases ([`GuidanceGrant`]); everyone else (a NAV officer,
//! an administrator) is refused, and the refusal is audited. Every read is audited.

use benk_domain::{
    AgencyKind, GuidanceChannel, GuidanceStatus, LongText, Phone, ShortText, TeamRole,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// Proof that the actor may read and change a team's guidance cases: health personnel who are
/// intake members or the team lead of the team. Made only by [`open_guidance`].
#[derive(Debug, Clone)]
pub struct GuidanceGrant {
    team_id: Uuid,
}

impl GuidanceGrant {
    /// The team whose guidance cases this opens.
    pub fn team_id(&self) -> Uuid {
        self.team_id
    }
}

/// Whether the actor may work with the team's guidance cases (no audit; for menus and links).
pub fn may_open(actor: &Actor, team_id: Uuid) -> bool {
    actor.has_role_in(team_id, &[TeamRole::IntakeMember, TeamRole::TeamLead])
        && crate::access::scope_of(actor).includes_health()
}

/// Opens the team's guidance cases, or audits the refusal (`action` / denied,
/// `none:not_intake_health_personnel`) and refuses.
pub async fn open_guidance(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    action: &str,
) -> AppResult<GuidanceGrant> {
    if may_open(actor, team_id) {
        return Ok(GuidanceGrant { team_id });
    }
    let mut d = actor.audit(action, Outcome::Denied);
    d.purpose = Some("COC".into());
    d.resources = format!("team:{team_id},guidance_cases,none:not_intake_health_personnel");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(Text::new(
        "Veiledningssaker inneholder helseopplysninger og er bare tilgjengelige for helsepersonell i inntaksteamet og teamleder. Forsøket er logget.",
        "Guidance cases hold health information and are only available to health personnel in the intake team and the team lead. The attempt has been logged.",
    )))
}

/// A guidance case as written, parsed at the edge. There is no field for the person.
#[derive(Debug, Clone)]
pub struct GuidanceInput {
    /// When the partner asked.
    pub asked_on: NaiveDate,
    /// How they asked.
    pub channel: GuidanceChannel,
    /// Who asked.
    pub asker_name: ShortText,
    /// Their role ("fastlege", "saksbehandler").
    pub asker_role: Option<ShortText>,
    /// Their organisation ("NAV Bærum").
    pub asker_organisation: Option<ShortText>,
    /// What kind of partner.
    pub agency_kind: AgencyKind,
    /// Phone.
    pub asker_phone: Option<Phone>,
    /// E-mail.
    pub asker_email: Option<ShortText>,
    /// The question (health content).
    pub question: LongText,
    /// The advice given (health content).
    pub advice: Option<LongText>,
    /// When to follow up.
    pub follow_up_on: Option<NaiveDate>,
    /// Open or closed.
    pub status: GuidanceStatus,
}

/// A guidance case in the team's list (no question or advice).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct GuidanceSummary {
    /// Id.
    pub id: Uuid,
    /// The referral decided as guidance, if it came from one.
    pub referral_id: Option<Uuid>,
    /// Asked on.
    pub asked_on: NaiveDate,
    /// `GuidanceChannel` code.
    pub channel: String,
    /// Who asked.
    pub asker_name: String,
    /// Their organisation.
    pub asker_organisation: Option<String>,
    /// `AgencyKind` code.
    pub agency_kind: String,
    /// Follow-up date.
    pub follow_up_on: Option<NaiveDate>,
    /// `open` or `closed`.
    pub status: String,
}

/// A guidance case with its question and advice.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct GuidanceCase {
    /// Id.
    pub id: Uuid,
    /// The referral decided as guidance, if it came from one.
    pub referral_id: Option<Uuid>,
    /// A referral this case was later turned into.
    pub later_referral_id: Option<Uuid>,
    /// Asked on.
    pub asked_on: NaiveDate,
    /// `GuidanceChannel` code.
    pub channel: String,
    /// Who asked.
    pub asker_name: String,
    /// Their role.
    pub asker_role: Option<String>,
    /// Their organisation.
    pub asker_organisation: Option<String>,
    /// `AgencyKind` code.
    pub agency_kind: String,
    /// Phone.
    pub asker_phone: Option<String>,
    /// E-mail.
    pub asker_email: Option<String>,
    /// The question.
    pub question: String,
    /// The advice given.
    pub advice: Option<String>,
    /// Follow-up date.
    pub follow_up_on: Option<NaiveDate>,
    /// `open` or `closed`.
    pub status: String,
    /// Written by.
    pub created_by_name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn audit(actor: &Actor, action: &str, resources: String) -> AuditDraft {
    let mut d = actor.audit(action, Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = resources;
    d
}

/// Checks what the types cannot: dates, and that no text names the person by national id.
fn check(input: &GuidanceInput) -> AppResult<()> {
    let mut errs = Vec::new();
    if input.asked_on > crate::time::oslo_today() {
        errs.push(FieldError::new(
            "asked_on",
            "future_date",
            "Datoen kan ikke være i fremtiden.",
            "The date cannot be in the future.",
        ));
    }
    if input.follow_up_on.is_some_and(|f| f < input.asked_on) {
        errs.push(FieldError::new(
            "follow_up_on",
            "before_asked",
            "Oppfølgingsdatoen kan ikke være før spørsmålet kom.",
            "The follow-up date cannot be before the question was asked.",
        ));
    }
    for (field, text) in [
        ("question", Some(input.question.as_str())),
        ("advice", input.advice.as_ref().map(|a| a.as_str())),
    ] {
        if text.is_some_and(benk_domain::contains_national_id) {
            errs.push(FieldError::new(
                field,
                "national_id_in_guidance",
                "En veiledningssak skal ikke identifisere personen: ta bort fødselsnummeret.",
                "A guidance case must not identify the person: remove the national id.",
            ));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errs))
    }
}

fn fields(input: &GuidanceInput) -> store::guidance::CaseFields<'_> {
    store::guidance::CaseFields {
        asked_on: input.asked_on,
        channel: input.channel.code(),
        asker_name: input.asker_name.as_str(),
        asker_role: input.asker_role.as_ref().map(|t| t.as_str()),
        asker_organisation: input.asker_organisation.as_ref().map(|t| t.as_str()),
        agency_kind: input.agency_kind.code(),
        asker_phone: input.asker_phone.as_ref().map(|p| p.as_str()),
        asker_email: input.asker_email.as_ref().map(|t| t.as_str()),
        question: input.question.as_str(),
        advice: input.advice.as_ref().map(|t| t.as_str()),
        follow_up_on: input.follow_up_on,
        status: input.status.code(),
    }
}

/// The id, statement and audit row that write a new guidance case, for a use case that puts
/// them into its own transaction (the open hour links its booking in the same one).
pub(crate) fn create_parts(
    actor: &Actor,
    grant: &GuidanceGrant,
    input: &GuidanceInput,
) -> AppResult<(Uuid, Vec<Stmt>, Vec<AuditDraft>)> {
    check(input)?;
    let id = Uuid::now_v7();
    let d = audit(
        actor,
        "guidance.create",
        format!("guidance_case:{id},channel:{}", input.channel.code()),
    );
    let stmt = store::guidance::insert(
        id,
        grant.team_id,
        None,
        &fields(input),
        actor.staff_id,
        actor.home_org_id,
        d.at,
    );
    Ok((id, vec![stmt], vec![d]))
}

/// Writes a new guidance case directly (a phone call, the open hour); no client record.
pub async fn create(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
    input: GuidanceInput,
) -> AppResult<Uuid> {
    let (id, stmts, audit) = create_parts(actor, grant, &input)?;
    app.writer.write(WriteOp { stmts, audit }).await?;
    Ok(id)
}

/// Changes a guidance case (the advice, the follow-up, closing it).
pub async fn update(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
    id: Uuid,
    input: GuidanceInput,
) -> AppResult<()> {
    check(&input)?;
    let d = audit(
        actor,
        "guidance.update",
        format!("guidance_case:{id},status:{}", input.status.code()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::guidance::update(
                id,
                grant.team_id,
                &fields(&input),
                actor.staff_id,
                d.at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// The team's guidance cases, open first (audited).
pub async fn list(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
) -> AppResult<Vec<GuidanceSummary>> {
    let rows = store::guidance::list(&app.db, grant.team_id).await?;
    let d = audit(
        actor,
        "guidance.list",
        format!("team:{},guidance_cases:{}", grant.team_id, rows.len()),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(rows)
}

/// One guidance case with its question and advice (audited before it is returned).
pub async fn get(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
    id: Uuid,
) -> AppResult<GuidanceCase> {
    let case = store::guidance::get(&app.db, id, grant.team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let d = audit(
        actor,
        "guidance.read",
        format!("guidance_case:{id},guidance:health"),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(case)
}

/// The statements and audit row that turn a referral decided as `guidance` into a guidance
/// case, for the decision's transaction: the referrer is the asker, the referral's reason the
/// question, and the decision's reasons the advice given. The person stays on the referral
/// only; no client record is made.
pub(crate) async fn from_decision(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    referral_id: Uuid,
    decided_on: NaiveDate,
    advice: &str,
    at: DateTime<Utc>,
) -> AppResult<(Uuid, Stmt, AuditDraft)> {
    let r = store::guidance::referral_asker(&app.db, referral_id, team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = Uuid::now_v7();
    let stmt = store::guidance::insert(
        id,
        team_id,
        Some(referral_id),
        &store::guidance::CaseFields {
            asked_on: r.received_on.min(decided_on),
            channel: GuidanceChannel::Referral.code(),
            asker_name: &r.referrer_name,
            asker_role: r.referrer_role.as_deref(),
            asker_organisation: r.agency_name.as_deref(),
            agency_kind: &r.agency_kind,
            asker_phone: r.referrer_phone.as_deref(),
            asker_email: r.referrer_email.as_deref(),
            question: &r.reason,
            advice: Some(advice),
            follow_up_on: None,
            status: GuidanceStatus::Open.code(),
        },
        actor.staff_id,
        actor.home_org_id,
        at,
    );
    let d = audit(
        actor,
        "guidance.create",
        format!("guidance_case:{id},referral:{referral_id},channel:referral"),
    );
    Ok((id, stmt, d))
}

/// The guidance case made from a referral, if any (under the intake grant that reads the referral).
pub async fn for_referral(
    app: &App,
    grant: &crate::referrals::IntakeGrant,
    referral_id: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(store::guidance::for_referral(&app.db, referral_id, grant.team_id()).await?)
}
