//! One referral: everything in it, starting the assessment, the team policy's
//! suggestion, the joint decision form, the decision once made, and the
//! printable answers to the referral (to the person, and to the referrer).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::intake::{self, Decision, DecisionInput};
use benk_app::intake_views::{self, StaffWithEmployer};
use benk_app::referrals::{self, IntakeGrant, Referral, ReferralHealth};
use benk_app::{orgs, Actor, AppError, FieldError, Text};
use benk_domain::{
    check_participants, AgencyKind, DecisionOutcome, EstablishedService, Icd10Code, IntakeError,
    Knowledge, Lang, LevelOfEffort, LongText, ReferralChannel, ReferralStatus, Side, Urgency,
};
use uuid::Uuid;

use super::board::{age_text, intake_grant, MsgQuery};
use super::form::{cap, iso, parse_date, parse_uuid_opt, posted, Errs, Fd, FormState};
use super::letter::{self, Letter, LetterInput, Recipient};
use super::texts::{it, It};
use crate::ctx::Ctx;
use crate::html::clients::{actor_or_redirect, parse_id};
use crate::html::{page, Layout};
use crate::AppState;

/// A staff member in a picker.
pub(crate) struct StaffOpt {
    pub id: String,
    pub name: String,
    pub detail: String,
}

/// A decision as shown on the referral page and in the letter.
pub(crate) struct Shown {
    pub outcome: DecisionOutcome,
    pub outcome_label: String,
    pub level: Option<(String, &'static str)>,
    pub level_of_effort: Option<LevelOfEffort>,
    pub participants: Vec<String>,
    /// When the person's consent to inform the referrer was recorded, and by whom.
    pub consent_at: Option<String>,
    pub consent_by: Option<String>,
    pub decided_on: String,
    /// The reasons and assessment: `None` when the reader is not health personnel.
    pub assessment: Option<ShownAssessment>,
}

/// The health content of a decision, as shown.
pub(crate) struct ShownAssessment {
    pub reasons: String,
    /// Per criterion of the assessment: its items' labels and whether each was ticked.
    pub criteria: Vec<String>,
    pub in_target_group: bool,
    pub suggested: Option<String>,
    pub housing_problem: bool,
    pub routed_to: Option<String>,
    pub services: Vec<String>,
}

/// The decision form.
pub(crate) struct DecisionForm {
    pub f: FormState,
    pub outcomes: Vec<(&'static str, String)>,
    pub levels: Vec<(String, &'static str, &'static str)>,
    pub sides: Vec<(&'static str, String, Vec<StaffOpt>)>,
    pub municipal: Vec<StaffOpt>,
    pub specialist: Vec<StaffOpt>,
    /// The team's target-group criteria: (label, items as (code, label)).
    pub criteria: Vec<(String, Vec<(String, String)>)>,
    /// Services that can be ticked as established at intake: (code, label).
    pub services: Vec<(&'static str, String)>,
    pub rule: String,
    /// Level 2: what the team adds (code, label).
    pub competences: Vec<(&'static str, &'static str)>,
    /// The level-2 and level-3 texts.
    pub g: &'static super::guidance::Gt,
}

#[derive(Template)]
#[template(path = "referral_detail.html")]
struct DetailView {
    layout: Layout,
    it: &'static It,
    r: Referral,
    /// Health content of the referral: `None` for readers who are not health personnel.
    health: Option<ReferralHealth>,
    status_label: String,
    is_new: bool,
    agency: String,
    agency_kind: String,
    channel: String,
    knows: String,
    agrees: String,
    urgent: bool,
    urgency: String,
    received: String,
    age: String,
    diagnoses: Vec<(String, Option<String>)>,
    suggestion: Option<String>,
    decision: Option<Shown>,
    form: Option<DecisionForm>,
    notices: Vec<String>,
    /// The actor can open the client page (has a care relationship to the accepted person).
    client_access: bool,
    /// Undecided, but the actor may not record the decision (not health personnel).
    decision_needs_health: bool,
    /// When the person's consent to inform the referrer was recorded (shown date and time).
    consent_at: Option<String>,
    /// Deadline, next meeting, already known, diagnoses and notes (issue 8, i8-assess).
    assess: super::assessment::AssessView,
}

fn criteria(policy: &orgs::TeamPolicy, lang: Lang) -> Vec<(String, Vec<(String, String)>)> {
    policy
        .target_group
        .criteria()
        .iter()
        .map(|c| {
            let items = c
                .items
                .iter()
                .map(|i| (i.code.clone(), i.label(lang).to_string()))
                .collect();
            (c.label(lang).to_string(), items)
        })
        .collect()
}

/// One established service as shown: "Fastlege (Fastlege Nilsen), 3. mars 2026".
pub(crate) fn service_text(
    s: &benk_app::store::services::EstablishedRow,
    layout: &Layout,
    lang: Lang,
) -> String {
    let label = EstablishedService::from_code(&s.service)
        .map_or_else(|| s.service.clone(), |e| cap(e.label(lang)));
    match &s.note {
        Some(n) => format!("{label} ({n}), {}", layout.date(&s.established_on)),
        None => format!("{label}, {}", layout.date(&s.established_on)),
    }
}

pub(crate) fn shown(d: &Decision, participants: Vec<String>, layout: &Layout, lang: Lang) -> Shown {
    let outcome = DecisionOutcome::from_code(&d.outcome).unwrap_or(DecisionOutcome::Declined);
    let assessment = d.assessment.as_ref().map(|a| {
        let label = |i: &benk_app::target::TargetItem| match lang {
            Lang::Nb => i.label_nb.clone(),
            Lang::En => i.label_en.clone(),
        };
        let ticked: Vec<String> = a
            .target_items
            .iter()
            .filter(|i| i.checked)
            .map(label)
            .collect();
        ShownAssessment {
            reasons: a.reasons.clone(),
            criteria: ticked,
            housing_problem: a.housing_problem,
            routed_to: a.routed_to.clone(),
            services: a
                .services_established
                .iter()
                .map(|s| service_text(s, layout, lang))
                .collect(),
            in_target_group: a.in_target_group,
            suggested: a
                .suggested_outcome
                .as_deref()
                .and_then(DecisionOutcome::from_code)
                .map(|o| cap(o.label(lang))),
        }
    });
    Shown {
        outcome,
        outcome_label: cap(outcome.label(lang)),
        level: d
            .level
            .and_then(LevelOfEffort::from_number)
            .map(|l| (l.label(lang).to_string(), l.description(lang))),
        level_of_effort: d.level.and_then(LevelOfEffort::from_number),
        participants,
        consent_at: d.referrer_consent_at.as_ref().map(|t| layout.datetime(t)),
        consent_by: d.referrer_consent_by.clone(),
        decided_on: layout.date(&d.decided_on),
        assessment,
    }
}

fn staff_opt(s: &StaffWithEmployer, layout: &Layout) -> StaffOpt {
    StaffOpt {
        id: s.id.to_string(),
        name: s.name.clone(),
        detail: format!("{}, {}", layout.profession(&s.profession), s.org_name),
    }
}

fn side_of_staff(s: &StaffWithEmployer) -> Side {
    s.side()
}

fn rule_text(it: &It, min: Option<u32>) -> String {
    match min {
        Some(n) => it.participants_rule_min.replace("{n}", &n.to_string()),
        None => it.participants_rule_none.to_string(),
    }
}

fn decision_form(
    ctx: &Ctx,
    layout: &Layout,
    staff: &[StaffWithEmployer],
    policy: &orgs::TeamPolicy,
    data: Fd,
    errors: Vec<FieldError>,
) -> DecisionForm {
    let lang = ctx.lang;
    let t = it(lang);
    let of_side = |side: Side| -> Vec<StaffOpt> {
        staff
            .iter()
            .filter(|s| side_of_staff(s) == side)
            .map(|s| staff_opt(s, layout))
            .collect()
    };
    let labels = vec![
        ("outcome", t.outcome),
        ("level", t.level),
        ("reasons", t.reasons),
        ("participants", t.participants),
        ("decided_on", t.decided_on),
        ("municipal_coordinator", t.municipal_coordinator),
        ("specialist_coordinator", t.specialist_coordinator),
        ("override_reason", crate::i18n::texts(lang).override_reason),
        (
            "ordinary_service",
            super::guidance::gt(lang).ordinary_service,
        ),
        (
            "ordinary_contact_name",
            super::guidance::gt(lang).contact_name,
        ),
        (
            "ordinary_contact_phone",
            super::guidance::gt(lang).contact_phone,
        ),
        ("competence", super::guidance::gt(lang).competence),
        ("competence_note", super::guidance::gt(lang).competence_note),
        ("members", super::guidance::gt(lang).members),
        ("target_group.items", t.target_group),
        ("routed_to", t.routed_to),
        ("services_established", t.services_established),
        ("form", ""),
    ];
    let anchors = vec![
        (
            "outcome",
            format!("outcome-{}", DecisionOutcome::ALL[0].code()),
        ),
        ("level", "level-1".to_string()),
        ("participants", "participants-error".to_string()),
        ("members", "members-legend".to_string()),
        ("form", "decision-h".to_string()),
    ];
    DecisionForm {
        f: FormState::new(lang, data, errors, labels, anchors),
        outcomes: DecisionOutcome::ALL
            .iter()
            .map(|o| (o.code(), cap(o.label(lang))))
            .collect(),
        // Level 3 is the outcome `guidance`, not an acceptance.
        levels: LevelOfEffort::ALL
            .iter()
            .filter(|l| **l != LevelOfEffort::Guidance)
            .map(|l| (l.number().to_string(), l.label(lang), l.description(lang)))
            .collect(),
        competences: benk_domain::Competence::ALL
            .iter()
            .map(|c| (c.code(), c.label(lang)))
            .collect(),
        g: super::guidance::gt(lang),
        sides: vec![
            (
                "municipal",
                t.side_municipal.to_string(),
                of_side(Side::Municipal),
            ),
            (
                "specialist",
                t.side_specialist.to_string(),
                of_side(Side::Specialist),
            ),
        ]
        .into_iter()
        // Staff of NAV/state or other employers take part but count for neither owner side.
        .chain(
            [Side::NavState, Side::Other]
                .into_iter()
                .map(|side| (side.code(), cap(side.label(lang)), of_side(side)))
                .filter(|(_, _, people)| !people.is_empty()),
        )
        .collect(),
        municipal: of_side(Side::Municipal),
        specialist: of_side(Side::Specialist),
        criteria: criteria(policy, lang),
        services: EstablishedService::ALL
            .iter()
            .map(|e| (e.code(), cap(e.label(lang))))
            .collect(),
        rule: rule_text(t, policy.intake_min_participants_per_side),
    }
}

/// Loads everything the referral page shows.
#[allow(clippy::too_many_arguments)]
async fn detail_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    grant: &IntakeGrant,
    id: Uuid,
    form_data: Option<(Fd, Vec<FieldError>)>,
    flash: Option<String>,
    notices: Vec<String>,
) -> Result<DetailView, AppError> {
    let lang = ctx.lang;
    let t = it(lang);
    let (r, health) = referrals::get(&st.app, actor, grant, id).await?;
    let diagnoses: &[String] = health.as_ref().map_or(&[], |h| &h.diagnoses);
    let suggestion = match &health {
        Some(h) => intake::suggestion(&st.app, grant, &h.diagnoses).await?,
        None => None,
    };
    let decision = intake::decision_for(&st.app, grant, id).await?;
    let mut layout = Layout::new(ctx, "intake");
    layout.flash = flash;
    let status = ReferralStatus::from_code(&r.status).unwrap_or(ReferralStatus::New);
    // Only health personnel record the decision: its reasons and assessment are health content.
    let form = if decision.is_none() && status != ReferralStatus::Decided && grant.covers_health() {
        let team = orgs::get_team(&st.app, grant.team_id()).await?;
        let staff = intake_views::team_staff_with_employer(&st.app, grant.team_id()).await?;
        let (data, errors) = form_data.unwrap_or_else(|| {
            let mut d = Fd::default();
            d.set("decided_on", iso(benk_app::time::oslo_today()));
            d.set("participants", actor.staff_id().to_string());
            (d, vec![])
        });
        Some(decision_form(
            ctx,
            &layout,
            &staff,
            &team.policy,
            data,
            errors,
        ))
    } else {
        None
    };
    let shown_decision = decision.map(|(d, names)| shown(&d, names, &layout, lang));
    let assess = super::assessment::view(st, lang, actor, grant, &r, &layout).await?;
    let client_access = match r.client_id {
        Some(c) => benk_app::care::has_active_relationship(&st.app, actor, c).await?,
        None => false,
    };
    let today = benk_app::time::oslo_today();
    let label_of_kind = |k: &str| {
        AgencyKind::from_code(k)
            .map(|k| cap(k.label(lang)))
            .unwrap_or_else(|| k.to_string())
    };
    let knowledge = |k: &str| {
        Knowledge::from_code(k)
            .map(|k| cap(k.label(lang)))
            .unwrap_or_default()
    };
    Ok(DetailView {
        status_label: cap(status.label(lang)),
        is_new: status == ReferralStatus::New,
        agency: r
            .agency_name
            .clone()
            .unwrap_or_else(|| t.agency_not_in_register.to_string()),
        agency_kind: label_of_kind(&r.agency_kind),
        channel: ReferralChannel::from_code(&r.channel)
            .map(|c| cap(c.label(lang)))
            .unwrap_or_default(),
        knows: knowledge(&r.person_knows),
        agrees: knowledge(&r.person_agrees),
        urgent: r.urgency == Urgency::Urgent.code(),
        urgency: Urgency::from_code(&r.urgency)
            .map(|u| cap(u.label(lang)))
            .unwrap_or_default(),
        received: layout.date(&r.received_on),
        age: age_text(t, (today - r.received_on).num_days()),
        diagnoses: diagnoses
            .iter()
            .map(|d| {
                let block = Icd10Code::parse(d)
                    .ok()
                    .and_then(|c| c.chapter_f_block())
                    .map(|b| format!("{} ({})", b.label(lang), b.range()));
                (d.clone(), block)
            })
            .collect(),
        suggestion: suggestion.map(|(o, why)| {
            format!(
                "{} ({})",
                o.label(lang),
                why.get(lang).trim_end_matches('.')
            )
        }),
        consent_at: shown_decision.as_ref().and_then(|d| d.consent_at.clone()),
        decision: shown_decision,
        form,
        notices,
        client_access,
        decision_needs_health: !grant.covers_health() && status != ReferralStatus::Decided,
        assess,
        layout,
        it: t,
        r,
        health,
    })
}

/// GET `/intake/referrals/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let t = it(ctx.lang);
    let flash = q
        .msg
        .as_deref()
        .and_then(|m| super::flash(t, m).or_else(|| super::assessment::flash(ctx.lang, m)));
    let notices = super::warnings(ctx.lang, q.warn.as_deref());
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        detail_view(&st, &ctx, actor, &grant, id, None, flash, notices).await
    }
    .await;
    match result {
        Ok(v) => page(&v),
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/intake/referrals/{id}/assess`.
pub(crate) async fn assess(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, _form, id) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        referrals::start_assessment(&st.app, actor, &grant, id).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/intake/referrals/{id}?msg=assessing")).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

/// Parses the decision form; on errors, the participant rule is checked here
/// too, so that every problem is shown at once.
fn parse_decision(
    fd: &Fd,
    staff: &[StaffWithEmployer],
    min_per_side: Option<u32>,
) -> Result<DecisionInput, Vec<FieldError>> {
    let mut e = Errs::default();
    let outcome = e.ok(
        DecisionOutcome::from_code(fd.get("outcome")).ok_or_else(|| {
            FieldError::new(
                "outcome",
                "choice_required",
                "Velg et utfall.",
                "Choose an outcome.",
            )
        }),
    );
    let accepted = outcome == Some(DecisionOutcome::Accepted);
    // Level and coordinators only mean something when the person is accepted;
    // otherwise they are ignored (a radio cannot be unticked without script).
    let level = if accepted && !fd.blank("level") {
        e.ok(fd
            .get("level")
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(LevelOfEffort::from_number)
            .ok_or_else(|| {
                FieldError::new(
                    "level",
                    "invalid_choice",
                    "Velg innsatsnivå 1, 2 eller 3.",
                    "Choose level 1, 2 or 3.",
                )
            }))
    } else {
        None
    };
    if accepted && fd.blank("level") {
        e.ok(Err::<(), _>(FieldError::of(
            "level",
            &IntakeError::LevelRequired,
        )));
    }
    let reasons = e.ok(LongText::parse(fd.get("reasons")).map_err(|err| match err {
        benk_domain::TextError::Empty => FieldError::of("reasons", &IntakeError::ReasonsMissing),
        other => FieldError::of("reasons", &other),
    }));
    let mut participants = Vec::new();
    for p in fd.all("participants") {
        if let Some(Some(id)) = e.ok(parse_uuid_opt("participants", p)) {
            participants.push(id);
        }
    }
    let decided_on = e.ok(parse_date("decided_on", fd.get("decided_on")));
    let (municipal, specialist) = if accepted {
        (
            e.ok(parse_uuid_opt(
                "municipal_coordinator",
                fd.get("municipal_coordinator"),
            ))
            .flatten(),
            e.ok(parse_uuid_opt(
                "specialist_coordinator",
                fd.get("specialist_coordinator"),
            ))
            .flatten(),
        )
    } else {
        (None, None)
    };
    // Level 2: the ordinary service keeps the responsibility; the team's people take part.
    let ordinary = if accepted && level == Some(LevelOfEffort::ShoulderToShoulder) {
        match super::guidance::parse_ordinary(&super::guidance::RawOrdinary::from_form(fd)) {
            Ok(o) => o,
            Err(errs) => {
                e.0.extend(errs);
                None
            }
        }
    } else {
        None
    };
    let mut members = Vec::new();
    if accepted {
        for m in fd.all("members") {
            if let Some(Some(id)) = e.ok(parse_uuid_opt("members", m)) {
                members.push(id);
            }
        }
    }
    let override_reason = e
        .ok(
            benk_domain::ShortText::parse_optional(fd.get("override_reason"))
                .map_err(|err| FieldError::of("override_reason", &err)),
        )
        .flatten();
    let target = target_form(fd, &mut e);
    if !e.0.is_empty() {
        let sides: Vec<Side> = participants
            .iter()
            .filter_map(|p| staff.iter().find(|s| s.id == *p))
            .map(side_of_staff)
            .collect();
        if let Err(err) = check_participants(min_per_side, &sides) {
            e.0.push(FieldError::of("participants", &err));
        }
        return Err(e.0);
    }
    match (outcome, reasons, decided_on) {
        (Some(outcome), Some(reasons), Some(decided_on)) => Ok(DecisionInput {
            outcome,
            level,
            reasons,
            participants,
            target,
            decided_on,
            municipal_coordinator: municipal,
            specialist_coordinator: specialist,
            ordinary,
            members,
            referrer_consent: fd.get("referrer_consent") == "yes",
            override_reason,
        }),
        _ => Err(vec![FieldError::required("form")]),
    }
}

/// The target-group part of the decision form (issue 8): ticked items `tg`, `housing`,
/// `routed_to`, and services `svc` established at intake with one `svc_note`.
fn target_form(fd: &Fd, e: &mut Errs) -> benk_app::target::TargetInput {
    let routed_to = e
        .ok(benk_domain::ShortText::parse_optional(fd.get("routed_to"))
            .map_err(|err| FieldError::of("routed_to", &err)))
        .flatten();
    let note = e
        .ok(benk_domain::ShortText::parse_optional(fd.get("svc_note"))
            .map_err(|err| FieldError::of("services_established", &err)))
        .flatten();
    let mut services = Vec::new();
    for code in fd.all("svc") {
        match EstablishedService::from_code(code) {
            Some(service) => services.push(benk_app::target::ServiceInput {
                service,
                // The note names the "other" service; for the rest it is left out.
                note: (service == EstablishedService::Other)
                    .then(|| note.clone())
                    .flatten(),
                established_on: None,
            }),
            None => {
                e.ok(Err::<(), _>(FieldError::new(
                    "services_established",
                    "invalid_choice",
                    "Ukjent tjeneste.",
                    "Unknown service.",
                )));
            }
        }
    }
    benk_app::target::TargetInput {
        items: fd.all("tg").into_iter().map(str::to_string).collect(),
        housing_problem: fd.has("housing", "yes"),
        routed_to,
        services,
    }
}

/// POST `/intake/referrals/{id}/decision`.
pub(crate) async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let grant = match intake_grant(&st, actor).await {
        Ok(g) => g,
        Err(e) => return ctx.page_err(e),
    };
    // Refused before the form is even read: the decision is health content.
    if let Err(e) = referrals::require_health(&st.app, actor, &grant, "intake.decide", id).await {
        return ctx.page_err(e);
    }
    let prepared = async {
        let team = orgs::get_team(&st.app, grant.team_id()).await?;
        let staff = intake_views::team_staff_with_employer(&st.app, grant.team_id()).await?;
        Ok::<_, AppError>((team, staff))
    }
    .await;
    let (team, staff) = match prepared {
        Ok(p) => p,
        Err(e) => return ctx.page_err(e),
    };
    let result = match parse_decision(&fd, &staff, team.policy.intake_min_participants_per_side) {
        Ok(input) => intake::decide(&st.app, actor, &grant, id, input).await,
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(res) => {
            let codes: Vec<&'static str> = res
                .warnings
                .iter()
                .filter_map(super::warning_code)
                .collect();
            let mut to = format!("/intake/referrals/{id}?msg=decided");
            if !codes.is_empty() {
                to.push_str("&warn=");
                to.push_str(&codes.join(","));
            }
            if codes.len() < res.warnings.len() {
                // A warning without a code: show it now rather than lose it.
                let notices = res
                    .warnings
                    .iter()
                    .map(|w| w.get(ctx.lang).to_string())
                    .collect();
                let flash = super::flash(it(ctx.lang), "decided");
                return match detail_view(&st, &ctx, actor, &grant, id, None, flash, notices).await {
                    Ok(v) => page(&v),
                    Err(e) => ctx.page_err(e),
                };
            }
            Redirect::to(&to).into_response()
        }
        Err(AppError::Invalid(errs)) => {
            match detail_view(&st, &ctx, actor, &grant, id, Some((fd, errs)), None, vec![]).await {
                Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response(),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(AppError::Conflict(t)) => {
            let errs = vec![FieldError {
                field: "form".into(),
                code: "conflict".into(),
                message: t.clone(),
            }];
            match detail_view(&st, &ctx, actor, &grant, id, Some((fd, errs)), None, vec![]).await {
                // Still open (e.g. the person already has an open episode): show it in the form.
                Ok(v) if v.form.is_some() => (StatusCode::CONFLICT, page(&v)).into_response(),
                // Decided meanwhile: there is no form to show it in.
                Ok(_) => ctx.page_err(AppError::Conflict(t)),
                Err(e) => ctx.page_err(e),
            }
        }
        Err(e) => ctx.page_err(e),
    }
}

// --- The answer to the referral --------------------------------------------

#[derive(Template)]
#[template(path = "referral_letter.html")]
struct LetterView {
    layout: Layout,
    it: &'static It,
    r: Referral,
    /// The page's title (which letter).
    page_title: &'static str,
    letter: Letter,
    team_name: String,
    today: String,
    /// Notes for staff above the letter (not printed).
    hints: Vec<&'static str>,
}

/// GET `/intake/referrals/{id}/letter`: the answer to the person the referral is about.
pub(crate) async fn letter(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    letter_to(st, ctx, id, Recipient::Person).await
}

/// GET `/intake/referrals/{id}/letter/referrer`: the answer to the referrer, which holds the
/// outcome only when the person's consent is recorded.
pub(crate) async fn letter_referrer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    letter_to(st, ctx, id, Recipient::Referrer).await
}

async fn letter_to(st: AppState, ctx: Ctx, id: String, to: Recipient) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let lang = ctx.lang;
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        // The letter, too, holds the reasons only for health personnel.
        let (r, _) = referrals::get(&st.app, actor, &grant, id).await?;
        let Some((d, names)) = intake::decision_for(&st.app, &grant, id).await? else {
            return Err(AppError::Conflict(Text::new(
                "Henvisningen er ikke avgjort ennå, så det finnes ikke noe svar på henvisningen.",
                "The referral has not been decided yet, so there is no answer to the referral.",
            )));
        };
        let team = orgs::get_team(&st.app, grant.team_id()).await?;
        let coordinators = intake::coordinators(&st.app, &grant, id).await?;
        let level = benk_app::episodes::intake_level_for_referral(&st.app, &grant, id).await?;
        Ok::<_, AppError>((r, d, names, team, coordinators, level))
    }
    .await;
    let (r, d, names, team, coordinators, level) = match result {
        Ok(x) => x,
        Err(e) => return ctx.page_err(e),
    };
    let layout = Layout::new(&ctx, "intake");
    let consent = d.referrer_consent_at.is_some();
    let shown_d = shown(&d, names, &layout, lang);
    let t = it(lang);
    let mut hints = vec![t.letter_print_hint];
    if shown_d.assessment.is_none() {
        hints.push(t.letter_reasons_withheld);
    }
    if to == Recipient::Referrer && !consent {
        hints.push(t.letter_no_consent_hint);
    }
    if team.policy.contact.is_empty() {
        hints.push(t.letter_no_contact_hint);
    }
    let letter = letter::build(
        to,
        &LetterInput {
            lang,
            team_name: &team.name,
            contact: &team.policy.contact,
            r: &r,
            received: layout.date(&r.received_on),
            d: &shown_d,
            coordinators: &coordinators,
            // The decision's recorded destination (health content: only under health scope;
            // without it the letter names no destination and claims no forwarding).
            routed_to: shown_d
                .assessment
                .as_ref()
                .and_then(|a| a.routed_to.clone()),
            consent,
            ordinary: level.and_then(|(_, o)| o),
        },
    );
    page(&LetterView {
        team_name: team.name.clone(),
        today: layout.date(&benk_app::time::oslo_today()),
        page_title: match to {
            Recipient::Person => t.letter_title,
            Recipient::Referrer => t.letter_title_referrer,
        },
        layout,
        it: t,
        r,
        letter,
        hints,
    })
}

/// POST `/intake/referrals/{id}/consent`: records (`consent=yes`) or withdraws
/// (`consent=no`) the person's consent that the referrer may be told the outcome.
pub(crate) async fn consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, id) = match posted(&ctx, f, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let consented = match fd.get("consent") {
        "yes" => true,
        "no" => false,
        _ => {
            return ctx.page_err(AppError::field(FieldError::new(
                "consent",
                "invalid_choice",
                "Velg om samtykket registreres eller trekkes tilbake.",
                "Choose whether the consent is recorded or withdrawn.",
            )))
        }
    };
    let result = async {
        let grant = intake_grant(&st, actor).await?;
        intake::set_referrer_consent(&st.app, actor, &grant, id, consented).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!(
            "/intake/referrals/{id}?msg={}#consent-h",
            if consented {
                "consent_given"
            } else {
                "consent_withdrawn"
            }
        ))
        .into_response(),
        Err(e) => ctx.page_err(e),
    }
}
