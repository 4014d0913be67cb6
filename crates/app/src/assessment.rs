//! Intake while the referral is being assessed (issue 8): diagnoses and assessment notes added
//! by health personnel in the intake team, the earlier referrals and episodes of the same person
//! in this team ("already known"), and the dates on the board (the assessment deadline of
//! pbrl. § 2-2 and the next intake meeting).
//!
//! Access: everything here needs the team's [`IntakeGrant`]. Diagnoses and notes are health
//! content: written and read only under a grant with health scope; refusals are audited.
//! "Already known" looks only inside the grant's team, never across teams.

use benk_domain::{assessment_deadline, Icd10Code, LongText, ReferralStatus};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, Text};
use crate::referrals::IntakeGrant;
use crate::store;
use crate::App;

/// An assessment note: appended with author and time, never changed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AssessmentNote {
    /// Id.
    pub id: Uuid,
    /// The note.
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// Their employer, which owns the note.
    pub author_org: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An earlier (or parallel) referral of the same person in this team.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct KnownReferral {
    /// Referral id (`/referrals/{id}`).
    pub id: Uuid,
    /// Receipt number.
    pub receipt_number: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Status (`new`, `under_assessment`, `decided`).
    pub status: String,
    /// The decision's outcome, when decided.
    pub outcome: Option<String>,
    /// The name on that referral.
    #[serde(skip)]
    pub person_name: Option<String>,
}

/// An episode of the same person in this team.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct KnownEpisode {
    /// Episode id.
    pub id: Uuid,
    /// The client (`/clients/{id}`; opening the record needs a care relationship).
    pub client_id: Uuid,
    /// Included.
    pub included_on: NaiveDate,
    /// Closed, if closed.
    pub closed_on: Option<NaiveDate>,
    /// The client's name.
    #[serde(skip)]
    pub client_name: String,
}

/// What the team already knows of the person a referral is about.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct KnownBefore {
    /// `national_id` (matched on the number) or `name_and_birth_year` (no number given);
    /// absent when the referral gives neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<String>,
    /// Other referrals of the person in this team, newest first.
    pub referrals: Vec<KnownReferral>,
    /// The person's episodes in this team, newest first.
    pub episodes: Vec<KnownEpisode>,
}

/// The dates the board shows for a referral.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Deadline {
    /// The date by which the referral must be assessed: 10 working days after it was received
    /// (pbrl. § 2-2).
    pub assess_by: NaiveDate,
    /// Today is after `assess_by` and the referral is not decided.
    pub overdue: bool,
}

/// The deadline of a referral received on a day, as of `today`; `None` once decided.
pub fn deadline(received_on: NaiveDate, status: &str, today: NaiveDate) -> Option<Deadline> {
    if status == ReferralStatus::Decided.code() {
        return None;
    }
    let assess_by = assessment_deadline(received_on);
    Some(Deadline {
        assess_by,
        overdue: today > assess_by,
    })
}

/// The team's next intake meeting (local time), if the team has set its weekday and time.
pub async fn next_meeting(app: &App, team_id: Uuid) -> AppResult<Option<NaiveDateTime>> {
    let team = crate::orgs::get_team(app, team_id).await?;
    let now = crate::time::oslo(Utc::now()).naive_local();
    Ok(team.policy.intake_meeting.map(|m| m.next_after(now)))
}

/// Refuses health content of the assessment to a grant without health scope, audited.
async fn require_health(
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
        "Diagnoser og vurderingsnotater er helseopplysninger og registreres av helsepersonell i inntaksteamet. Forsøket er logget.",
        "Diagnoses and assessment notes are health information and are recorded by health personnel in the intake team. The attempt has been logged.",
    )))
}

/// The referral must be under assessment to take diagnoses and notes.
async fn require_under_assessment(app: &App, grant: &IntakeGrant, referral: Uuid) -> AppResult<()> {
    let status = store::referrals::status(&app.db, referral, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    if status == ReferralStatus::UnderAssessment.code() {
        Ok(())
    } else if status == ReferralStatus::Decided.code() {
        Err(AppError::Conflict(Text::new(
            "Henvisningen er allerede avgjort; diagnoser og notater legges til mens den vurderes.",
            "The referral has already been decided; diagnoses and notes are added while it is assessed.",
        )))
    } else {
        Err(AppError::Conflict(Text::new(
            "Start vurderingen av henvisningen først.",
            "Start the assessment of the referral first.",
        )))
    }
}

fn audit_allowed(
    actor: &Actor,
    action: &str,
    referral: Uuid,
    what: &str,
) -> crate::audit::AuditDraft {
    let mut d = actor.audit(action, Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = format!("referral:{referral},{what}");
    d
}

/// Adds diagnoses (ICD-10) to a referral under assessment; codes already there are kept once.
/// Health personnel only; audited as `referral.diagnosis_add` (the count, not the codes).
pub async fn add_diagnoses(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    referral: Uuid,
    codes: &[Icd10Code],
) -> AppResult<()> {
    require_health(app, actor, grant, "referral.diagnosis_add", referral).await?;
    require_under_assessment(app, grant, referral).await?;
    let d = audit_allowed(
        actor,
        "referral.diagnosis_add",
        referral,
        &format!("referral:health,diagnoses:{}", codes.len()),
    );
    let stmts = codes
        .iter()
        .map(|c| store::assessment::add_diagnosis(referral, c.as_str(), actor.staff_id, d.at))
        .collect();
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// Appends an assessment note to a referral under assessment, owned by the author's employer.
/// Health personnel only; audited as `referral.note_add`.
pub async fn add_note(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    referral: Uuid,
    text: &LongText,
) -> AppResult<Uuid> {
    require_health(app, actor, grant, "referral.note_add", referral).await?;
    require_under_assessment(app, grant, referral).await?;
    let id = Uuid::now_v7();
    let d = audit_allowed(
        actor,
        "referral.note_add",
        referral,
        &format!("referral:health,assessment_note:{id}"),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::assessment::insert_note(
                id,
                referral,
                text.as_str(),
                actor.staff_id,
                actor.home_org_id,
                d.at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// A referral's assessment notes, oldest first: `None` without health scope (not read at all).
/// The read is audited as `referral.notes_read`.
pub async fn notes(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    referral: Uuid,
) -> AppResult<Option<Vec<AssessmentNote>>> {
    if !grant.covers_health() {
        return Ok(None);
    }
    store::assessment::person(&app.db, referral, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let notes = store::assessment::notes(&app.db, referral).await?;
    let d = audit_allowed(
        actor,
        "referral.notes_read",
        referral,
        "referral:health,assessment_notes",
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(Some(notes))
}

/// Names compared without case and extra spaces.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Earlier referrals and episodes of the person a referral is about, in the grant's team only:
/// by national id, or (without one) by name and birth year. Audited as `referral.known`.
pub async fn known_before(
    app: &App,
    actor: &Actor,
    grant: &IntakeGrant,
    referral: Uuid,
) -> AppResult<KnownBefore> {
    let team = grant.team_id();
    let (national_id, name, birth_year) = store::assessment::person(&app.db, referral, team)
        .await?
        .ok_or(AppError::NotFound)?;
    let known = match (national_id, name, birth_year) {
        (Some(n), _, _) => KnownBefore {
            matched_by: Some("national_id".into()),
            referrals: store::assessment::referrals_by_national_id(&app.db, team, referral, &n)
                .await?,
            episodes: store::assessment::episodes_by_national_id(&app.db, team, &n).await?,
        },
        (None, Some(name), Some(year)) => KnownBefore {
            matched_by: Some("name_and_birth_year".into()),
            referrals: store::assessment::referrals_by_birth_year(&app.db, team, referral, year)
                .await?
                .into_iter()
                .filter(|r| {
                    r.person_name
                        .as_deref()
                        .is_some_and(|n| same_name(n, &name))
                })
                .collect(),
            episodes: store::assessment::episodes_by_birth_year(&app.db, team, year)
                .await?
                .into_iter()
                .filter(|e| same_name(&e.client_name, &name))
                .collect(),
        },
        _ => KnownBefore::default(),
    };
    let mut d = audit_allowed(
        actor,
        "referral.known",
        referral,
        &format!(
            "known_referrals:{},known_episodes:{}",
            known.referrals.len(),
            known.episodes.len()
        ),
    );
    let clients: Vec<Uuid> = known.episodes.iter().map(|e| e.client_id).collect();
    if let Some(c) = clients.first().filter(|c| clients.iter().all(|x| x == *c)) {
        d.client_id = Some(*c);
    }
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(known)
}

/// The deadline of one referral of the grant's team.
pub async fn deadline_of(
    app: &App,
    grant: &IntakeGrant,
    referral: Uuid,
) -> AppResult<Option<Deadline>> {
    let (received_on, status) = store::assessment::received_on(&app.db, referral, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(deadline(received_on, &status, crate::time::oslo_today()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_or_spacing() {
        assert!(same_name("Åse  Ødegård", "åse ødegård"));
        assert!(!same_name("Åse Ødegård", "Åse Ødegaard"));
    }

    #[test]
    fn deadline_and_overdue() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let dl = deadline(d(2026, 11, 2), "new", d(2026, 11, 16)).unwrap();
        assert_eq!(dl.assess_by, d(2026, 11, 16));
        assert!(!dl.overdue);
        assert!(
            deadline(d(2026, 11, 2), "under_assessment", d(2026, 11, 17))
                .unwrap()
                .overdue
        );
        assert!(deadline(d(2026, 11, 2), "decided", d(2026, 11, 17)).is_none());
    }
}
