//! Organisations (employers and owners) and the teams they own together.

use benk_domain::{
    ContactThresholds, EpisodePermissions, IntakeMeeting, OrgKind, OrgNumber, PsychosisCodes,
    ReadPolicy, ShortText, Side, TargetGroupCriteria, TeamRole,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::admin::AdminGrant;
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// An organisation: a municipality, a hospital trust (DPS), NAV, or other.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Organisation {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Kind code (`municipality`, `hospital_trust`, `nav`, `other`).
    pub kind: String,
    /// Organisation number (9 digits).
    pub org_number: String,
    /// Which owner side its staff count for at intake: `municipal`, `specialist`, `nav_state`
    /// or `other`.
    pub side: String,
}

/// Input for a new organisation, already parsed.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Validated organisation number.
    pub org_number: OrgNumber,
    /// Side; `None` takes the guess from the kind ([`benk_domain::side_of`]).
    pub side: Option<Side>,
}

/// Team policy, stored with the team and read by later features (caseload, intake).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TeamPolicy {
    /// Users per 100 % position (Tandem: 5).
    #[serde(deserialize_with = "whole_number")]
    pub caseload_per_full_position: Option<u32>,
    /// Users per worker regardless of position (OBS: 10).
    #[serde(deserialize_with = "whole_number")]
    pub max_users_per_worker: Option<u32>,
    /// Intake decisions need at least this many participants from each owner side (Tandem: 3).
    #[serde(deserialize_with = "whole_number")]
    pub intake_min_participants_per_side: Option<u32>,
    /// Psychosis diagnoses (ICD-10 F20–F29) are routed to the FACT team (Tandem).
    pub route_psychosis_to_fact: bool,
    /// Diagnosis is an intake criterion at all (C-Flex: no).
    pub diagnosis_is_intake_criterion: bool,
    /// Who may read records: `care_team` (the coordinator pair and named
    /// members, the default) or `team_on_duty` (every health-personnel member
    /// while the person has an open episode in the team, e.g. Tandem's rota).
    #[schema(value_type = String, example = "care_team")]
    pub read_policy: ReadPolicy,
    /// Who may change a course, per action (`change_level`, `name_members`,
    /// `close`, `give_access`, `responsibility_group`): a list of roles among
    /// `coordinator`, `team_lead`, `intake_member`, `member`. Missing actions
    /// keep their defaults.
    #[schema(value_type = Object)]
    pub episode_permissions: EpisodePermissions,
    /// The target group the team is funded for (issue 8): a list of criteria, all of which must
    /// be met, each met when any of its items is ticked at the intake decision. Each criterion:
    /// `{code, label_nb, label_en, items: [{code, label_nb, label_en}]}`; codes are 1–40 of
    /// `a-z0-9_`, unique in the list. Default: C-Flex's three criteria (serious mental illness
    /// and/or substance use disorder; major loss of function; weak or no connection to the
    /// services they need).
    #[schema(value_type = Vec<Object>)]
    pub target_group: TargetGroupCriteria,
    /// The date the team started operating, for "N different agencies after M months in
    /// operation". Unset: the first referral's date.
    #[schema(value_type = Option<String>, format = Date)]
    pub started_on: Option<NaiveDate>,
    // --- issue 8, intake while the referral is assessed (i8-assess) ---
    /// ICD-10 codes the team counts as psychosis when `route_psychosis_to_fact` is on: a list
    /// of categories ("F20"), codes ("F30.2"), categories with `x` for any digit ("F1x.5") or
    /// ranges ("F20-F29"). Default Tandem's: F20-F29, F1x.5, F30.2, F31.2, F31.5, F32.3, F33.3.
    #[schema(value_type = Vec<String>, example = json!(["F20-F29", "F1x.5", "F32.3"]))]
    pub psychosis_codes: PsychosisCodes,
    /// When the intake meeting is held each week, e.g. `{"weekday": "thursday", "time":
    /// "09:00"}` (local time); the intake board shows the next one.
    #[schema(value_type = Option<Object>)]
    pub intake_meeting: Option<IntakeMeeting>,
    // --- end i8-assess ---
    /// How the person and the referrer reach the team: printed in the answer to a referral.
    pub contact: TeamContact,
    /// Days without meeting a person before they are on the "needs contact" list, per level
    /// of effort: `{"level_1": 7, "level_2": 14, "level_3": 30}` (the defaults; a missing
    /// level keeps its default).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub contact_thresholds: ContactThresholds,
}

/// The team's contact details, as printed in the answer to a referral. Every field is
/// optional; the letter leaves out what is not set (it never prints a placeholder).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TeamContact {
    /// Phone, as the team wants it printed ("55 00 00 00").
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Postal or visiting address.
    pub address: Option<String>,
    /// Visiting or telephone hours ("Mandag–fredag 08–15").
    pub visiting_hours: Option<String>,
}

impl TeamContact {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.phone.is_none()
            && self.email.is_none()
            && self.address.is_none()
            && self.visiting_hours.is_none()
    }
}

/// A whole number that JSON may write as `3` or `3.0` (both are integers to JSON Schema).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<f64>::deserialize(d)? {
        None => Ok(None),
        Some(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => {
            // In range and whole, so the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Some(f as u32))
        }
        Some(f) => Err(serde::de::Error::invalid_value(
            serde::de::Unexpected::Float(f),
            &"a whole number from 0 to 4294967295",
        )),
    }
}

/// A team and its owners.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Team {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Owning organisations.
    pub owners: Vec<Organisation>,
    /// Policy.
    pub policy: TeamPolicy,
}

/// One staff member on the team page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TeamMember {
    /// Staff id.
    pub staff_id: Uuid,
    /// Name.
    pub name: String,
    /// Profession code.
    pub profession: String,
    /// Role code.
    pub role: String,
    /// FTE share in percent.
    pub fte: i64,
    /// Home employer id.
    pub org_id: Uuid,
    /// Home employer name.
    pub org_name: String,
}

/// Staff of one employer within a team, with their summed FTE.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmployerGroup {
    /// The employer.
    pub org_id: Uuid,
    /// Its name.
    pub org_name: String,
    /// Sum of FTE percentages (520 = 5.2 positions).
    pub fte_sum: i64,
    /// Members.
    pub members: Vec<TeamMember>,
}

/// Lists all organisations.
pub async fn list_organisations(app: &App) -> AppResult<Vec<Organisation>> {
    Ok(store::orgs::organisations(&app.db).await?)
}

/// Creates an organisation (the grant must cover the whole installation).
pub async fn create_organisation(
    app: &App,
    grant: &AdminGrant,
    new: NewOrganisation,
) -> AppResult<Organisation> {
    grant.require_system()?;
    let name = ShortText::parse_name(&new.name)
        .map_err(|e| AppError::field(FieldError::of("name", &e)))?
        .into();
    let org = Organisation {
        id: Uuid::now_v7(),
        name,
        kind: new.kind.code().to_string(),
        org_number: new.org_number.as_str().to_string(),
        side: new
            .side
            .unwrap_or_else(|| benk_domain::side_of(new.kind))
            .code()
            .to_string(),
    };
    let audit = grant.audit("organisation.create", &format!("organisation:{}", org.id));
    let op = WriteOp {
        stmts: vec![store::orgs::insert_organisation(&org, audit.at)],
        audit: vec![audit],
    };
    app.writer
        .write(op)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::field(FieldError::new(
                "org_number",
                "duplicate",
                "Det finnes allerede en organisasjon med dette organisasjonsnummeret.",
                "An organisation with this organisation number already exists.",
            )),
            other => other,
        })?;
    Ok(org)
}

/// Sets the side an organisation's staff count for at intake (the grant must cover the whole
/// installation). Audited as `organisation.update`.
pub async fn set_side(
    app: &App,
    grant: &AdminGrant,
    organisation: Uuid,
    side: Side,
) -> AppResult<Organisation> {
    grant.require_system()?;
    let audit = grant.audit(
        "organisation.update",
        &format!("organisation:{organisation},side:{}", side.code()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::orgs::set_side(organisation, side.code())],
            audit: vec![audit],
        })
        .await
        .map_err(AppError::from)?;
    store::orgs::organisations(&app.db)
        .await?
        .into_iter()
        .find(|o| o.id == organisation)
        .ok_or(AppError::NotFound)
}

/// Creates a team owned by one or more organisations (the grant must cover the
/// whole installation: a team spans its owners).
pub async fn create_team(
    app: &App,
    grant: &AdminGrant,
    name: &str,
    owners: &[Uuid],
    policy: TeamPolicy,
) -> AppResult<Uuid> {
    grant.require_system()?;
    let name =
        ShortText::parse_name(name).map_err(|e| AppError::field(FieldError::of("name", &e)))?;
    let name = name.as_str();
    if owners.is_empty() {
        return Err(AppError::field(FieldError::new(
            "owners",
            "no_owner",
            "Et team må eies av minst én organisasjon.",
            "A team must be owned by at least one organisation.",
        )));
    }
    if let Err(e) = policy.target_group.check() {
        return Err(AppError::field(FieldError::of("policy.target_group", &e)));
    }
    let id = Uuid::now_v7();
    let audit = grant.audit("team.create", &format!("team:{id}"));
    let policy = serde_json::to_string(&policy).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut stmts = vec![store::orgs::insert_team(id, name, &policy, audit.at)];
    for o in owners {
        stmts.push(store::orgs::insert_owner(id, *o));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Internal(m) if m.contains("constraint") => AppError::field(FieldError::new(
                "owners",
                "unknown_organisation",
                "Ukjent organisasjon.",
                "Unknown organisation.",
            )),
            other => other,
        })?;
    Ok(id)
}

/// A team with owners and policy.
pub async fn get_team(app: &App, team_id: Uuid) -> AppResult<Team> {
    let row = store::orgs::team(&app.db, team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owners = store::orgs::owners(&app.db, team_id).await?;
    let policy = serde_json::from_str(&row.policy).unwrap_or_default();
    Ok(Team {
        id: row.id,
        name: row.name,
        owners,
        policy,
    })
}

/// Sets the team's contact details (team lead or the team's administrator; a system
/// administrator too). A refusal is audited (`team.contact` / denied / `none:not_team_lead`).
pub async fn set_contact(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    contact: TeamContact,
) -> AppResult<()> {
    let allowed = actor.system_admin
        || actor.has_role_in(team_id, &[TeamRole::TeamLead, TeamRole::Administrator]);
    if !allowed {
        let mut d = actor.audit("team.contact", Outcome::Denied);
        d.resources = format!("team:{team_id},none:not_team_lead");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare teamleder og teamets administrator kan endre teamets kontaktinformasjon. Forsøket er logget.",
            "Only the team lead and the team's administrator can change the team's contact details. The attempt has been logged.",
        )));
    }
    let mut team = get_team(app, team_id).await?;
    team.policy.contact = contact;
    let policy =
        serde_json::to_string(&team.policy).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut d = actor.audit("team.contact", Outcome::Allowed);
    d.resources = format!("team:{team_id},contact");
    app.writer
        .write(WriteOp {
            stmts: vec![store::orgs::set_policy(team_id, &policy)],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// Checks contact details typed into a form or an API body. Phone, address and opening
/// hours are optional short texts (one line, at most 200 characters; blank is "not set").
/// The e-mail is empty (not set) or `local@domain`: exactly one `@`, both parts non-empty,
/// no white space or control characters, at most 200 characters.
pub fn parse_contact(
    phone: &str,
    email: &str,
    address: &str,
    visiting_hours: &str,
) -> Result<TeamContact, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut one = |field: &str, v: &str| match ShortText::parse_optional(v) {
        Ok(t) => t.map(|t| t.as_str().to_string()),
        Err(e) => {
            errors.push(FieldError::of(field, &e));
            None
        }
    };
    let phone = one("phone", phone);
    let address = one("address", address);
    let visiting_hours = one("visiting_hours", visiting_hours);
    let email = if email.is_empty() {
        None
    } else {
        let bad = |c: char| c.is_whitespace() || c.is_control() || c == '@' || is_format_char(c);
        let ok = email.chars().count() <= ShortText::MAX_CHARS
            && email.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && !d.is_empty() && !l.contains(bad) && !d.contains(bad)
            });
        if !ok {
            errors.push(FieldError::new(
                "email",
                "invalid_email",
                "Skriv en e-postadresse, for eksempel post@kommune.no.",
                "Write an e-mail address, for example post@kommune.no.",
            ));
        }
        Some(email.to_string())
    };
    if errors.is_empty() {
        Ok(TeamContact {
            phone,
            email,
            address,
            visiting_hours,
        })
    } else {
        Err(errors)
    }
}

/// Bidirectional overrides and isolates, which no text field accepts.
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// All teams (id, name).
pub async fn list_teams(app: &App) -> AppResult<Vec<(Uuid, String)>> {
    Ok(store::orgs::teams(&app.db).await?)
}

/// The team's staff grouped by home employer, with the FTE sum per employer.
pub async fn team_staff_by_employer(app: &App, team_id: Uuid) -> AppResult<Vec<EmployerGroup>> {
    let members = store::orgs::members_by_employer(&app.db, team_id).await?;
    let mut groups: Vec<EmployerGroup> = Vec::new();
    for m in members {
        match groups.last_mut() {
            Some(g) if g.org_id == m.org_id => {
                g.fte_sum += m.fte;
                g.members.push(m);
            }
            _ => groups.push(EmployerGroup {
                org_id: m.org_id,
                org_name: m.org_name.clone(),
                fte_sum: m.fte,
                members: vec![m],
            }),
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use benk_domain::CourseRole;

    #[test]
    fn policy_json_reads_the_access_rules_and_fills_gaps_with_defaults() {
        let p: TeamPolicy = serde_json::from_str(
            r#"{"read_policy": "team_on_duty", "episode_permissions": {"close": ["team_lead"]}}"#,
        )
        .expect("parses");
        assert_eq!(p.read_policy, ReadPolicy::TeamOnDuty);
        assert_eq!(p.episode_permissions.close, vec![CourseRole::TeamLead]);
        assert_eq!(
            p.episode_permissions.change_level,
            EpisodePermissions::default().change_level
        );
        // A team created before these rules keeps the care-team policy and the default table.
        let old: TeamPolicy = serde_json::from_str(r#"{"caseload_per_full_position": 5}"#).unwrap();
        assert_eq!(old.read_policy, ReadPolicy::CareTeam);
        assert_eq!(old.episode_permissions, EpisodePermissions::default());
        for bad in [
            r#"{"read_policy": "everyone"}"#,
            r#"{"episode_permissions": {"close": ["janitor"]}}"#,
            r#"{"episode_permissions": {"delete": []}}"#,
        ] {
            assert!(serde_json::from_str::<TeamPolicy>(bad).is_err(), "{bad}");
        }
    }
}
