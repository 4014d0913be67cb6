//! The joint intake decision: outcome, level of effort, reasons, who took part,
//! and the target-group assessment. Team policy (not code) decides the
//! participant rule and whether a diagnosis suggests an outcome.

use benk_domain::{
    check_participants, suggested_outcome, DecisionOutcome, Icd10Code, IntakeError, LevelOfEffort,
    LongText, Side,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::episodes;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::orgs::{self, TeamPolicy};
use crate::referrals::IntakeGrant;
use crate::store;
use crate::App;

/// A decision, parsed at the edge.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    /// Outcome.
    pub outcome: DecisionOutcome,
    /// Level of effort (only when accepted).
    pub level: Option<LevelOfEffort>,
    /// Why.
    pub reasons: LongText,
    /// Who took part in the decision.
    pub participants: Vec<Uuid>,
    /// Target-group assessment, where a routed person went, services established (issue 8).
    pub target: crate::target::TargetInput,
    /// Date of the decision.
    pub decided_on: NaiveDate,
    /// Municipal coordinator to assign at once (accepted only).
    pub municipal_coordinator: Option<Uuid>,
    /// Specialist coordinator to assign at once (accepted only).
    pub specialist_coordinator: Option<Uuid>,
    /// Level 2: the ordinary service that keeps the responsibility (required then, refused
    /// otherwise).
    pub ordinary: Option<episodes::OrdinaryServiceInput>,
    /// Team members who take part (accepted only; at level 2 the team's people in the work).
    pub members: Vec<Uuid>,
    /// The person has consented that the referrer may be told the outcome (helsepersonelloven
    /// § 21); recorded with who recorded the decision and when.
    pub referrer_consent: bool,
    /// Why a coordinator may be named beyond their caseload norm (issue 9); without it such a
    /// decision is refused with `over_caseload_norm`.
    pub override_reason: Option<benk_domain::ShortText>,
}

/// What the decision led to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionResult {
    /// Decision id.
    pub decision_id: Uuid,
    /// The client (accepted only).
    pub client_id: Option<Uuid>,
    /// The new episode (accepted only).
    pub episode_id: Option<Uuid>,
    /// The guidance case made (outcome `guidance` only); no client record is made then.
    pub guidance_case_id: Option<Uuid>,
    /// Warnings that did not block the decision (e.g. coordinators from the same employer).
    pub warnings: Vec<Text>,
}

/// A stored decision: the administrative part (what was decided, when, at what level), and
/// the assessment (health content) only when the grant covers health.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Decision {
    /// Id.
    pub id: Uuid,
    /// Referral.
    pub referral_id: Uuid,
    /// Date.
    pub decided_on: NaiveDate,
    /// Outcome code.
    pub outcome: String,
    /// Level of effort 1–3.
    pub level: Option<i64>,
    /// When the person's consent that the referrer may be told the outcome was recorded
    /// (absent: no consent, and the referrer is told only that the referral was answered).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub referrer_consent_at: Option<DateTime<Utc>>,
    /// Who recorded that consent.
    pub referrer_consent_by: Option<String>,
    /// The reasons and target-group assessment; absent without health scope.
    #[sqlx(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<DecisionAssessment>,
}

/// The health content of a decision: its reasons and the target-group assessment.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DecisionAssessment {
    /// Reasons.
    pub reasons: String,
    /// Homeless or about to lose the home (recorded; not a target-group criterion).
    pub housing_problem: bool,
    /// Belongs to the target group: every criterion of the team's list had a ticked item.
    pub in_target_group: bool,
    /// What the team policy suggested (from the diagnoses).
    pub suggested_outcome: Option<String>,
    /// Where a routed person was sent.
    pub routed_to: Option<String>,
    /// The target-group assessment item by item (the team's criteria when decided).
    #[sqlx(skip)]
    pub target_items: Vec<crate::target::TargetItem>,
    /// Ordinary services established or re-established at the decision.
    #[sqlx(skip)]
    pub services_established: Vec<crate::store::services::EstablishedRow>,
}

struct ParticipantRow {
    id: Uuid,
    side: Side,
}

/// What the team's policy suggests for a referral's diagnoses (None: no suggestion).
pub async fn suggestion(
    app: &App,
    grant: &IntakeGrant,
    diagnoses: &[String],
) -> AppResult<Option<(DecisionOutcome, Text)>> {
    let team = orgs::get_team(app, grant.team_id()).await?;
    Ok(suggest(&team.policy, diagnoses))
}

fn suggest(policy: &TeamPolicy, diagnoses: &[String]) -> Option<(DecisionOutcome, Text)> {
    let codes: Vec<Icd10Code> = diagnoses
        .iter()
        .filter_map(|d| Icd10Code::parse(d).ok())
        .collect();
    suggested_outcome(
        policy.route_psychosis_to_fact,
        policy.diagnosis_is_intake_criterion,
        &policy.psychosis_codes,
        &codes,
    )
    .map(|(o, reason)| (o, Text::of(&reason)))
}

/// Records the joint decision on a referral; an acceptance registers the
/// client (or finds them by national id), opens an episode at the chosen
/// level, and gives the coordinators access. All in one transaction.
pub async fn decide(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    referral_id: Uuid,
    input: DecisionInput,
) -> AppResult<DecisionResult> {
    // The reasons and the target-group assessment are health content: recorded by health
    // personnel only (a non-health member may still take part in the meeting).
    crate::referrals::require_health(app, actor, grant, "intake.decide", referral_id).await?;
    let r = store::referrals::for_decision(&app.db, referral_id, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status == "decided" {
        return Err(AppError::Conflict(Text::new(
            "Henvisningen er allerede avgjort.",
            "The referral has already been decided.",
        )));
    }
    let team = orgs::get_team(app, grant.team_id()).await?;
    let mut errors = Vec::new();
    let accepted = input.outcome == DecisionOutcome::Accepted;
    // The level-of-effort and reasons rules live in the domain.
    let checked = benk_domain::DecisionInput {
        outcome: input.outcome,
        level: input.level,
        reasons: input.reasons.as_str().to_string(),
    }
    .validate();
    if let Err(e) = checked {
        let field = match e {
            IntakeError::LevelRequired
            | IntakeError::LevelNotAllowed { .. }
            | IntakeError::GuidanceIsAnOutcome => "level",
            _ => "reasons",
        };
        errors.push(FieldError::of(field, &e));
    }
    errors.extend(check_decided_on(
        "decided_on",
        input.decided_on,
        r.received_on,
        crate::time::oslo_today(),
    ));
    let level_two = accepted && input.level == Some(LevelOfEffort::ShoulderToShoulder);
    errors.extend(check_ordinary(input.ordinary.is_some(), level_two));
    if !accepted && !input.members.is_empty() {
        errors.push(FieldError::new(
            "members",
            "members_only_when_accepted",
            "Teammedlemmer knyttes til forløpet bare når personen tas inn.",
            "Team members are named on the episode only when the person is accepted.",
        ));
    }
    if !accepted
        && (input.municipal_coordinator.is_some() || input.specialist_coordinator.is_some())
    {
        errors.push(FieldError::new(
            "municipal_coordinator",
            "coordinators_only_when_accepted",
            "Koordinatorer oppnevnes bare når personen tas inn.",
            "Coordinators are only assigned when the person is accepted.",
        ));
    }
    // The target group against the team's criteria, routing, services established.
    let target = crate::target::check_at_decision(
        &team.policy.target_group,
        input.outcome,
        &input.target,
        r.received_on,
        input.decided_on,
        &mut errors,
    );
    // Participants: team members who take part in clinical assessment, counted per the side
    // of their employer (a property of the organisation).
    let mut participants = input.participants.clone();
    participants.sort();
    participants.dedup();
    let mut rows = Vec::new();
    for p in &participants {
        let member = store::episodes::staff_in_team(&app.db, grant.team_id(), *p).await?;
        match member {
            Some(m) if !m.takes_part_in_assessment() => {
                errors.push(episodes::not_eligible("participants"));
            }
            Some(m) => rows.push(ParticipantRow {
                id: *p,
                side: m.side(),
            }),
            None => errors.push(FieldError::new(
                "participants",
                "not_in_team",
                "En av deltakerne er ikke med i teamet.",
                "One of the participants is not in the team.",
            )),
        }
    }
    let sides: Vec<Side> = rows.iter().map(|r| r.side).collect();
    if let Err(e) = check_participants(team.policy.intake_min_participants_per_side, &sides) {
        errors.push(FieldError::of("participants", &e));
    }
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };

    let decision_id = Uuid::now_v7();
    let diagnoses = store::referrals::diagnoses(&app.db, referral_id).await?;
    let suggested = suggest(&team.policy, &diagnoses).map(|(o, _)| o.code());
    let mut audit = actor.audit("intake.decide", Outcome::Allowed);
    audit.purpose = Some("COC".into());
    audit.resources = format!("referral:{referral_id},decision:{decision_id}");
    if input.referrer_consent {
        audit.resources.push_str(",consent:referrer");
    }
    let now = audit.at;
    let ticked = |code: &str| target.ticked.iter().any(|t| t == code);
    use benk_domain::target_group::legacy;
    let mut stmts = vec![store::intake::insert(&store::intake::NewDecision {
        id: decision_id,
        referral_id,
        decided_on: input.decided_on,
        at: now,
        outcome: input.outcome.code(),
        level: input.level.map(|l| l.number()),
        reasons: input.reasons.as_str(),
        // The columns from before the criteria became team policy (see the migration).
        severe_mental_illness: ticked(legacy::MENTAL_ILLNESS),
        substance_use: ticked(legacy::SUBSTANCE_USE),
        weak_connection: ticked(legacy::WEAK_CONNECTION),
        housing_problem: input.target.housing_problem,
        in_target_group: target.in_target_group,
        routed_to: input.target.routed_to.as_ref().map(|t| t.as_str()),
        suggested_outcome: suggested,
        recorded_by: actor.staff_id,
        owner_org_id: actor.home_org_id,
        referrer_consent: input.referrer_consent,
    })];
    for (row, side) in rows.iter().zip(&sides) {
        stmts.push(store::intake::insert_participant(
            decision_id,
            row.id,
            side_code(*side),
        ));
    }
    stmts.push(store::referrals::mark_decided(referral_id, now));
    let mut result = DecisionResult {
        decision_id,
        client_id: None,
        episode_id: None,
        guidance_case_id: None,
        warnings: vec![],
    };
    let mut audits = vec![audit];
    if input.outcome == DecisionOutcome::Guidance {
        // Level 3: a guidance case for the partner who referred; no client record.
        let (case_id, stmt, d) = crate::guidance::from_decision(
            app,
            actor,
            grant.team_id(),
            referral_id,
            input.decided_on,
            input.reasons.as_str(),
            now,
        )
        .await?;
        stmts.push(stmt);
        audits.push(d);
        result.guidance_case_id = Some(case_id);
    }
    let mut found_existing = false;
    if let (true, Some(level)) = (accepted, input.level) {
        // The same person (by national id) keeps one record in this team; a new
        // referral opens a new episode. A record in another team is never
        // looked at: accepting here makes this team's own record, so nothing
        // written in another team is opened to this one.
        let existing = match &r.person_national_id {
            Some(n) => store::clients::id_in_team(&app.db, grant.team_id(), n).await?,
            None => None,
        };
        found_existing = existing.is_some();
        let client_id = match existing {
            Some(id) => {
                let open = store::episodes::count_open(&app.db, id, grant.team_id()).await?;
                if open > 0 {
                    let mut d = actor.audit("intake.decide", Outcome::Denied);
                    d.client_id = Some(id);
                    d.purpose = Some("COC".into());
                    d.resources = format!("none:episode_already_open,referral:{referral_id}");
                    app.writer.write(WriteOp::audit_only(vec![d])).await?;
                    return Err(already_open());
                }
                id
            }
            None => {
                let id = Uuid::now_v7();
                let name = r
                    .person_name
                    .clone()
                    .unwrap_or_else(|| format!("Ukjent ({})", r.receipt_number));
                let birth_year = r.person_birth_year.or_else(|| {
                    r.person_national_id
                        .as_deref()
                        .and_then(|n| benk_domain::NationalId::parse(n, true).ok())
                        .map(|n| i64::from(chrono::Datelike::year(&n.birth_date())))
                });
                let kind = r
                    .person_national_id
                    .as_deref()
                    .and_then(|n| benk_domain::NationalId::parse(n, true).ok())
                    .map(|n| n.kind().code().to_string());
                stmts.push(store::clients::insert(&store::clients::NewClient {
                    id,
                    team_id: grant.team_id(),
                    fields: store::clients::ClientFields {
                        name: name.clone(),
                        national_id: r.person_national_id.clone(),
                        national_id_kind: kind,
                        birth_year,
                        phone: r.person_phone.clone(),
                        municipality: None,
                    },
                    owner_org_id: actor.home_org_id,
                    created_by: actor.staff_id,
                    at: now,
                }));
                let mut d = actor.audit("client.create", Outcome::Allowed);
                d.client_id = Some(id);
                d.purpose = Some("COC".into());
                d.resources = format!("client:basic,referral:{referral_id}");
                audits.push(d);
                id
            }
        };
        stmts.push(store::referrals::set_client(referral_id, client_id));
        // How to find and reach the person goes with them onto their page.
        let contact = referrer_contact(&r);
        stmts.push(store::situation::carry_over(
            client_id,
            &store::situation::SituationFields {
                whereabouts: r.person_whereabouts.as_deref(),
                housing_situation: r.housing_situation.as_deref(),
                referrer_contact: Some(contact.as_str()),
                referral_reason: Some(r.reason.as_str()),
                current_helpers: r.current_services.as_deref(),
            },
            actor.staff_id,
            now,
        ));
        let opening = episodes::open_stmts(
            app,
            actor,
            client_id,
            grant.team_id(),
            Some(referral_id),
            input.decided_on,
            level,
            input.municipal_coordinator,
            input.specialist_coordinator,
            input.ordinary.as_ref(),
            &input.members,
        )
        .await?;
        stmts.extend(opening.stmts);
        audits.extend(opening.audit);
        result.client_id = Some(client_id);
        result.episode_id = Some(opening.episode_id);
        result.warnings = opening.warnings;
    }
    stmts.extend(crate::target::decision_stmts(
        &crate::target::DecisionTarget {
            criteria: &team.policy.target_group,
            checked: &target,
            input: &input.target,
            decision_id,
            referral_id,
            team_id: grant.team_id(),
            client_id: result.client_id,
            episode_id: result.episode_id,
            decided_on: input.decided_on,
        },
        actor,
        now,
    ));
    let namings: Vec<crate::caseload::Naming> = match result.episode_id {
        Some(episode_id) => [input.municipal_coordinator, input.specialist_coordinator]
            .into_iter()
            .flatten()
            .map(|staff_id| crate::caseload::Naming {
                staff_id,
                episode_id,
            })
            .collect(),
        None => Vec::new(),
    };
    let written = crate::caseload::write_checked(
        app,
        actor,
        grant.team_id(),
        namings,
        input.override_reason.clone(),
        WriteOp {
            stmts,
            audit: audits,
        },
    )
    .await;
    match written {
        Ok(_) => Ok(result),
        Err(AppError::NotFound) => Err(AppError::Conflict(Text::new(
            "Henvisningen er allerede avgjort.",
            "The referral has already been decided.",
        ))),
        // A concurrent acceptance for the same person won the race: the schema
        // holds one open episode (and one record) per person and team.
        Err(AppError::Conflict(_)) => {
            let mut d = actor.audit("intake.decide", Outcome::Denied);
            // Only a record that existed before names the client.
            d.client_id = result.client_id.filter(|_| found_existing);
            d.purpose = Some("COC".into());
            d.resources = format!("none:episode_already_open,referral:{referral_id}");
            app.writer.write(WriteOp::audit_only(vec![d])).await?;
            Err(already_open())
        }
        Err(other) => Err(other),
    }
}

/// At level 2 the ordinary service that keeps the responsibility is named, and only then.
pub(crate) fn check_ordinary(given: bool, level_two: bool) -> Option<FieldError> {
    match (given, level_two) {
        (false, true) => Some(FieldError::new(
            "ordinary_service",
            "ordinary_service_required",
            "På nivå 2 beholder den ordinære tjenesten ansvaret: skriv hvilken tjeneste det er.",
            "At level 2 the ordinary service keeps the responsibility: name the service.",
        )),
        (true, false) => Some(FieldError::new(
            "ordinary_service",
            "ordinary_service_only_level_two",
            "Den ordinære tjenesten registreres her bare når personen tas inn på nivå 2.",
            "The ordinary service is recorded here only when the person is accepted at level 2.",
        )),
        _ => None,
    }
}

/// The decision's date: not in the future, not before the referral arrived (also the
/// importer's check of a `people` row's inclusion date, named by `field`).
pub(crate) fn check_decided_on(
    field: &str,
    decided_on: NaiveDate,
    received_on: NaiveDate,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if decided_on > today {
        errors.push(FieldError::new(
            field,
            "future_date",
            "Datoen for inntaksbeslutningen kan ikke være fram i tid.",
            "The decision date cannot be in the future.",
        ));
    }
    if decided_on < received_on {
        errors.push(FieldError::new(
            field,
            "before_referral",
            "Inntaksbeslutningen kan ikke være datert før henvisningen kom.",
            "The decision cannot be dated before the referral arrived.",
        ));
    }
    errors
}

/// The referrer as one line for the person's page: name, role, agency, phone, e-mail.
fn referrer_contact(r: &store::referrals::ForDecision) -> String {
    let mut parts = vec![r.referrer_name.clone()];
    parts.extend(r.referrer_role.clone());
    parts.extend(r.agency_name.clone());
    parts.extend(r.referrer_phone.clone());
    parts.extend(r.referrer_email.clone());
    parts.join(", ")
}

/// Records (`true`) or withdraws (`false`) the person's consent that the referrer may be
/// told the outcome of the decision (helsepersonelloven § 21), with who recorded it and
/// when. Any holder of the team's intake grant may record what the person said; audited as
/// `intake.referrer_consent` with `consent:given` or `consent:withdrawn`.
pub async fn set_referrer_consent(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    referral_id: Uuid,
    consented: bool,
) -> AppResult<Decision> {
    store::referrals::status(&app.db, referral_id, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let d = store::intake::for_referral(&app.db, referral_id, grant.team_id())
        .await?
        .ok_or_else(|| {
            AppError::Conflict(Text::new(
                "Henvisningen er ikke avgjort ennå. Samtykket registreres sammen med inntaksbeslutningen eller etterpå.",
                "The referral has not been decided yet. Consent is recorded with the intake decision or afterwards.",
            ))
        })?;
    let mut audit = actor.audit("intake.referrer_consent", Outcome::Allowed);
    audit.purpose = Some("COC".into());
    audit.resources = format!(
        "referral:{referral_id},decision:{},consent:{}",
        d.id,
        if consented { "given" } else { "withdrawn" }
    );
    let given = consented.then_some((audit.at, actor.staff_id));
    app.writer
        .write(WriteOp {
            stmts: vec![store::intake::set_referrer_consent(d.id, given)],
            audit: vec![audit],
        })
        .await?;
    store::intake::for_referral(&app.db, referral_id, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)
}

/// The current coordinators (name, role code) of the episode the referral opened: who will
/// contact the person, for the answer to the referral.
pub async fn coordinators(
    app: &App,
    grant: &IntakeGrant,
    referral_id: Uuid,
) -> AppResult<Vec<(String, String)>> {
    Ok(store::intake::coordinators_for_referral(&app.db, referral_id, grant.team_id()).await?)
}

/// The answer when the person already has an open episode in the team; it
/// gives no detail of the record.
fn already_open() -> AppError {
    AppError::Conflict(Text::new(
        "Personen har allerede et åpent forløp i teamet. Forsøket er logget.",
        "The person already has an open episode in the team. The attempt has been logged.",
    ))
}

fn side_code(s: Side) -> &'static str {
    s.code()
}

/// The decision on a referral of the grant's team, if any, with its participants' names
/// (read together with the referral, whose read is audited with the same scope). The
/// assessment is read only when the grant covers health.
pub async fn decision_for(
    app: &App,
    grant: &IntakeGrant,
    referral_id: Uuid,
) -> AppResult<Option<(Decision, Vec<String>)>> {
    let Some(mut d) = store::intake::for_referral(&app.db, referral_id, grant.team_id()).await?
    else {
        return Ok(None);
    };
    if grant.covers_health() {
        d.assessment = store::intake::assessment(&app.db, d.id).await?;
        if let Some(a) = d.assessment.as_mut() {
            a.target_items = store::intake::target_items(&app.db, d.id).await?;
            a.services_established = store::services::for_referral(&app.db, referral_id).await?;
        }
    }
    let names = store::intake::participant_names(&app.db, d.id).await?;
    Ok(Some((d, names)))
}
