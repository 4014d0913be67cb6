//! The person's course in the team ("forløp"): inclusion, level of effort
//! with its history, the coordinator pair and other care-team members (whose
//! access comes from the episode and ends with it), the responsibility group
//! ("ansvarsgruppe") and closing.

use benk_domain::{
    check_close, check_relative_consent, coordinator_pair_warning, missing_for_level, CloseReason,
    Competence, EpisodeAction, EpisodeRole, LevelOfEffort, LongText, Phone, RgMemberKind,
    ShortText,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::course::{open_episode, EpisodeGrant};
use crate::access::{today, ReadGrant};
use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::care::{self, Holder};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store::{self, episodes::StaffInTeam};
use crate::App;

/// The ordinary service named on a level: at level 2 the service that keeps the responsibility
/// (with its contact person and the competence the team adds), at level 3 the service the team
/// advises. Parsed at the edge.
#[derive(Debug, Clone)]
pub struct OrdinaryServiceInput {
    /// The service, e.g. "Bærum DPS, poliklinikk" or "Psykisk helse og rus, Bærum kommune".
    pub service: ShortText,
    /// Its contact person.
    pub contact_name: Option<ShortText>,
    /// The contact person's phone.
    pub contact_phone: Option<Phone>,
    /// What competence the team adds (level 2).
    pub competence: Option<Competence>,
    /// The competence in words (health content: read by health personnel only).
    pub competence_note: Option<ShortText>,
}

impl OrdinaryServiceInput {
    fn level_fields(&self) -> store::episodes::LevelService<'_> {
        store::episodes::LevelService {
            service: self.service.as_str(),
            contact_name: self.contact_name.as_ref().map(|t| t.as_str()),
            contact_phone: self.contact_phone.as_ref().map(|p| p.as_str()),
            competence: self.competence.map(|c| c.code()),
            competence_note: self.competence_note.as_ref().map(|t| t.as_str()),
        }
    }
}

/// The ordinary service on the current level, as read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrdinaryService {
    /// The service.
    pub service: String,
    /// Its contact person.
    pub contact_name: Option<String>,
    /// The contact person's phone.
    pub contact_phone: Option<String>,
    /// `Competence` code: `municipal_to_specialist`, `specialist_to_municipality`, `both`, `other`.
    pub competence: Option<String>,
    /// The competence in words (health content: absent without health scope).
    pub competence_note: Option<String>,
}

/// Statements that open an episode, for the intake decision's transaction.
#[derive(Debug)]
pub struct Opening {
    /// The new episode.
    pub episode_id: Uuid,
    /// Statements.
    pub stmts: Vec<Stmt>,
    /// Audit rows.
    pub audit: Vec<AuditDraft>,
    /// Non-blocking warnings.
    pub warnings: Vec<Text>,
}

async fn team_member(
    app: &App,
    team_id: Uuid,
    staff_id: Uuid,
    field: &str,
) -> AppResult<StaffInTeam> {
    let row = store::episodes::staff_in_team(&app.db, team_id, staff_id).await?;
    row.ok_or_else(|| {
        AppError::field(FieldError::new(
            field,
            "not_in_team",
            "Personen er ikke aktiv medarbeider i teamet.",
            "The person is not an active member of the team.",
        ))
    })
}

fn member_stmts(
    actor: &Actor,
    episode_id: Uuid,
    client_id: Uuid,
    staff_id: Uuid,
    role: EpisodeRole,
    from: NaiveDate,
    at: DateTime<Utc>,
) -> Vec<Stmt> {
    let rel = Uuid::now_v7();
    let reason = match role {
        EpisodeRole::MunicipalCoordinator => "Kommunal koordinator (forløp)",
        EpisodeRole::SpecialistCoordinator => "Spesialistkoordinator (forløp)",
        EpisodeRole::Member => "Medlem av teamet rundt personen (forløp)",
    };
    vec![
        care::insert_stmt(
            rel,
            client_id,
            Holder::Staff(staff_id),
            from,
            None,
            reason,
            actor,
            at,
        ),
        store::episodes::insert_member(episode_id, staff_id, role.code(), rel, from),
    ]
}

fn pair_warning(m: &StaffInTeam, s: &StaffInTeam) -> Option<Text> {
    coordinator_pair_warning(&m.home_org_id, &s.home_org_id, m.side(), s.side())
        .map(|w| Text::of(&w))
}

/// A coordinator must be a team member who takes part in clinical assessment (issue 8): not
/// the administrator or the privacy officer. Refused with 422 naming the field.
async fn coordinator(
    app: &App,
    team_id: Uuid,
    staff_id: Uuid,
    field: &str,
) -> AppResult<StaffInTeam> {
    let m = team_member(app, team_id, staff_id, field).await?;
    if !m.takes_part_in_assessment() {
        return Err(AppError::field(not_eligible(field)));
    }
    Ok(m)
}

/// The field error for a staff member who does not take part in clinical assessment.
pub fn not_eligible(field: &str) -> FieldError {
    FieldError::new(
        field,
        "not_clinical",
        "Administrator og personvernombud deltar ikke i den kliniske vurderingen og kan ikke være deltaker i inntaksbeslutningen eller koordinator.",
        "The administrator and the data protection officer take no part in the clinical assessment and cannot be intake participants or coordinators.",
    )
}

/// Builds the statements that open an episode at a level, with the coordinator pair if given.
#[allow(clippy::too_many_arguments)]
pub async fn open_stmts(
    app: &App,
    actor: &Actor,
    client_id: Uuid,
    team_id: Uuid,
    referral_id: Option<Uuid>,
    included_on: NaiveDate,
    level: LevelOfEffort,
    municipal: Option<Uuid>,
    specialist: Option<Uuid>,
    ordinary: Option<&OrdinaryServiceInput>,
    members: &[Uuid],
) -> AppResult<Opening> {
    let episode_id = Uuid::now_v7();
    let now = Utc::now();
    let mut stmts = vec![
        store::episodes::insert(&store::episodes::NewEpisode {
            id: episode_id,
            client_id,
            team_id,
            referral_id,
            included_on,
            created_by: actor.staff_id,
            owner_org_id: actor.home_org_id,
            at: now,
        }),
        store::episodes::insert_level_with(
            episode_id,
            level.number(),
            included_on,
            Some("Inntak"),
            false,
            ordinary.map(|o| o.level_fields()).as_ref(),
            actor.staff_id,
            now,
        ),
    ];
    let mut warnings = Vec::new();
    let m = match municipal {
        Some(id) => Some((
            id,
            coordinator(app, team_id, id, "municipal_coordinator").await?,
        )),
        None => None,
    };
    let s = match specialist {
        Some(id) => Some((
            id,
            coordinator(app, team_id, id, "specialist_coordinator").await?,
        )),
        None => None,
    };
    if let (Some((_, m)), Some((_, s))) = (&m, &s) {
        warnings.extend(pair_warning(m, s));
    }
    let from = included_on;
    // Team members who take part (level 2: the team's people alongside the ordinary service).
    let mut named = Vec::new();
    for &id in members {
        if Some(id) == municipal || Some(id) == specialist || named.contains(&id) {
            continue;
        }
        team_member(app, team_id, id, "members").await?;
        named.push(id);
    }
    for &id in &named {
        stmts.extend(member_stmts(
            actor,
            episode_id,
            client_id,
            id,
            EpisodeRole::Member,
            from,
            now,
        ));
    }
    if m.is_none() && s.is_none() && named.is_empty() {
        // Someone must be able to open the new record to name the coordinators:
        // until they are named, the person who recorded the decision follows up.
        stmts.extend(member_stmts(
            actor,
            episode_id,
            client_id,
            actor.staff_id,
            EpisodeRole::Member,
            from,
            now,
        ));
    }
    for (who, role) in [
        (m.map(|x| x.0), EpisodeRole::MunicipalCoordinator),
        (s.map(|x| x.0), EpisodeRole::SpecialistCoordinator),
    ] {
        if let Some(staff) = who {
            stmts.extend(member_stmts(
                actor, episode_id, client_id, staff, role, from, now,
            ));
        }
    }
    let mut d = actor.audit("episode.open", Outcome::Allowed);
    d.client_id = Some(client_id);
    d.purpose = Some("COC".into());
    d.resources = format!("episode:{episode_id}");
    Ok(Opening {
        episode_id,
        stmts,
        audit: vec![d],
        warnings,
    })
}

struct EpisodeRow {
    client_id: Uuid,
    team_id: Uuid,
    included_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    grant: EpisodeGrant,
}

/// Who may change an episode: the team's permission table for the action
/// (coordinators and the team lead by default; never staff who are not health
/// personnel). Refusals are audited by the access module.
async fn manage(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    action: EpisodeAction,
    audit_action: &str,
) -> AppResult<EpisodeRow> {
    let grant = open_episode(app, actor, episode_id, action, audit_action).await?;
    let head = grant.episode().ok_or(AppError::NotFound)?;
    Ok(EpisodeRow {
        client_id: grant.client_id(),
        team_id: grant.team_id(),
        included_on: head.included_on,
        closed_on: head.closed_on,
        grant,
    })
}

fn audit(actor: &Actor, action: &str, e: &EpisodeRow, resources: String) -> AuditDraft {
    e.grant.audit(actor, action, &resources)
}

fn closed() -> AppError {
    AppError::Conflict(Text::new(
        "Forløpet er avsluttet.",
        "The episode is closed.",
    ))
}

/// Changes the level of effort from a date; the history is kept.
#[allow(clippy::too_many_arguments)]
pub async fn change_level(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    level: LevelOfEffort,
    from: NaiveDate,
    reason: Option<&ShortText>,
    reason_shared: bool,
    ordinary: Option<&OrdinaryServiceInput>,
) -> AppResult<()> {
    let e = manage(
        app,
        actor,
        episode_id,
        EpisodeAction::ChangeLevel,
        "episode.level",
    )
    .await?;
    if e.closed_on.is_some() {
        return Err(closed());
    }
    let mut errs = Vec::new();
    if from > today() {
        errs.push(FieldError::new(
            "from_date",
            "future_date",
            "Datoen kan ikke være fram i tid.",
            "The date cannot be in the future.",
        ));
    }
    if from < e.included_on {
        errs.push(FieldError::new(
            "from_date",
            "before_inclusion",
            "Datoen kan ikke være før inklusjonen i teamet.",
            "The date cannot be before inclusion in the team.",
        ));
    }
    if level == LevelOfEffort::InTeam && ordinary.is_some() {
        errs.push(FieldError::new(
            "ordinary_service",
            "ordinary_service_not_level_one",
            "På nivå 1 tar teamet over ansvaret; den ordinære tjenesten registreres på nivå 2 og 3.",
            "At level 1 the team takes over the responsibility; the ordinary service is recorded at levels 2 and 3.",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let d = audit(
        actor,
        "episode.level",
        &e,
        format!("episode:{episode_id},level:{}", level.number()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::episodes::insert_level_with(
                episode_id,
                level.number(),
                from,
                reason.map(|r| r.as_str()),
                reason_shared && reason.is_some(),
                ordinary.map(|o| o.level_fields()).as_ref(),
                actor.staff_id,
                d.at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// Adds a care-team member; a coordinator replaces the current one in that role.
/// Returns warnings (e.g. a coordinator pair from the same employer).
///
/// A coordinator beyond their caseload norm is refused (422 `over_caseload_norm` on
/// `override_reason`) unless `override_reason` is given; then the override is recorded. The
/// check and the write are one writer command ([`crate::caseload`]).
pub async fn add_member(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    staff_id: Uuid,
    role: EpisodeRole,
    override_reason: Option<ShortText>,
) -> AppResult<Vec<Text>> {
    let e = manage(
        app,
        actor,
        episode_id,
        EpisodeAction::NameMembers,
        "episode.member_add",
    )
    .await?;
    if e.closed_on.is_some() {
        return Err(closed());
    }
    let new = if role == EpisodeRole::Member {
        team_member(app, e.team_id, staff_id, "staff_id").await?
    } else {
        coordinator(app, e.team_id, staff_id, "staff_id").await?
    };
    let d = audit(
        actor,
        "episode.member_add",
        &e,
        format!("episode:{episode_id},staff:{staff_id},role:{}", role.code()),
    );
    let mut stmts = Vec::new();
    if role != EpisodeRole::Member {
        // The previous holder of this coordinator role leaves (and loses access).
        let current =
            store::episodes::current_members(&app.db, episode_id, Some(role.code())).await?;
        for (member, rel) in current {
            stmts.extend(leave_stmts(actor, member, rel, d.at));
        }
    }
    if store::episodes::has_role(&app.db, episode_id, staff_id, role.code()).await? {
        return Err(AppError::Conflict(Text::new(
            "Personen har allerede denne rollen i forløpet.",
            "The person already has this role in the episode.",
        )));
    }
    stmts.extend(member_stmts(
        actor,
        episode_id,
        e.client_id,
        staff_id,
        role,
        today(),
        d.at,
    ));
    // Warn when the pair comes from one employer or one side.
    let mut warnings = Vec::new();
    if role != EpisodeRole::Member {
        let other_role = if role == EpisodeRole::MunicipalCoordinator {
            EpisodeRole::SpecialistCoordinator
        } else {
            EpisodeRole::MunicipalCoordinator
        };
        let other = store::episodes::holder_of_role(&app.db, episode_id, other_role.code()).await?;
        if let Some(o) = other {
            let other = team_member(app, e.team_id, o, "staff_id").await?;
            let (m, s) = if role == EpisodeRole::MunicipalCoordinator {
                (&new, &other)
            } else {
                (&other, &new)
            };
            warnings.extend(pair_warning(m, s));
        }
    }
    let op = WriteOp {
        stmts,
        audit: vec![d],
    };
    if role == EpisodeRole::Member {
        app.writer.write(op).await?;
    } else {
        crate::caseload::write_checked(
            app,
            actor,
            e.team_id,
            vec![crate::caseload::Naming {
                staff_id,
                episode_id,
            }],
            override_reason,
            op,
        )
        .await?;
    }
    Ok(warnings)
}

fn leave_stmts(actor: &Actor, member: Uuid, relationship: Uuid, at: DateTime<Utc>) -> Vec<Stmt> {
    vec![
        store::episodes::leave(member, at),
        store::care::end(relationship, at, actor.staff_id, today()),
    ]
}

/// A member leaves the episode; their access through it ends at once.
pub async fn leave(app: &App, actor: &Actor, episode_id: Uuid, member_id: Uuid) -> AppResult<()> {
    let e = manage(
        app,
        actor,
        episode_id,
        EpisodeAction::NameMembers,
        "episode.member_leave",
    )
    .await?;
    let rel = store::episodes::member_relationship(&app.db, episode_id, member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let d = audit(
        actor,
        "episode.member_leave",
        &e,
        format!("episode:{episode_id},member:{member_id}"),
    );
    let stmts = leave_stmts(actor, member_id, rel, d.at);
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// Closes the episode; every member's access through it ends.
pub async fn close(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    closed_on: NaiveDate,
    reason: CloseReason,
    note: Option<&LongText>,
) -> AppResult<()> {
    let e = manage(
        app,
        actor,
        episode_id,
        EpisodeAction::Close,
        "episode.close",
    )
    .await?;
    if e.closed_on.is_some() {
        return Err(closed());
    }
    check_close(e.included_on, closed_on, today())
        .map_err(|err| AppError::field(FieldError::of("closed_on", &err)))?;
    let d = audit(
        actor,
        "episode.close",
        &e,
        format!("episode:{episode_id},reason:{}", reason.code()),
    );
    let mut stmts = vec![store::episodes::close(
        episode_id,
        closed_on,
        reason.code(),
        note.map(|n| n.as_str()),
    )];
    for (m, rel) in store::episodes::current_members(&app.db, episode_id, None).await? {
        stmts.extend(leave_stmts(actor, m, rel, d.at));
    }
    stmts.push(store::episodes::remove_all_rg(episode_id, d.at));
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// A responsibility-group member, parsed.
#[derive(Debug, Clone)]
pub struct RgMemberInput {
    /// Kind (GP, NAV, relative, …).
    pub kind: RgMemberKind,
    /// Name.
    pub name: ShortText,
    /// Role in the group ("fastlege", "mor", …).
    pub role: Option<ShortText>,
    /// Organisation.
    pub organisation: Option<ShortText>,
    /// Phone.
    pub phone: Option<Phone>,
    /// E-mail.
    pub email: Option<ShortText>,
    /// The person's consent is recorded (required for relatives).
    pub consent_recorded: bool,
}

/// Adds a member to the responsibility group.
pub async fn add_rg_member(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    m: RgMemberInput,
) -> AppResult<Uuid> {
    let e = manage(
        app,
        actor,
        episode_id,
        EpisodeAction::ResponsibilityGroup,
        "episode.rg_add",
    )
    .await?;
    if e.closed_on.is_some() {
        return Err(closed());
    }
    check_relative_consent(m.kind, m.consent_recorded)
        .map_err(|err| AppError::field(FieldError::of("consent_recorded", &err)))?;
    let id = Uuid::now_v7();
    let d = audit(
        actor,
        "episode.rg_add",
        &e,
        format!("episode:{episode_id},rg_member:{id}"),
    );
    fn s(t: &Option<ShortText>) -> Option<&str> {
        t.as_ref().map(|t| t.as_str())
    }
    let phone = m.phone.as_ref().map(|p| p.as_str().to_string());
    app.writer
        .write(WriteOp {
            stmts: vec![store::episodes::insert_rg(&store::episodes::NewRgMember {
                id,
                episode_id,
                kind: m.kind.code(),
                name: m.name.as_str(),
                role: s(&m.role),
                organisation: s(&m.organisation),
                phone: phone.as_deref(),
                email: s(&m.email),
                consent_recorded: m.consent_recorded,
                added_by: actor.staff_id,
                at: d.at,
            })],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Removes a member from the responsibility group (kept in history).
pub async fn remove_rg_member(
    app: &App,
    actor: &Actor,
    episode_id: Uuid,
    member_id: Uuid,
) -> AppResult<()> {
    let e = manage(
        app,
        actor,
        episode_id,
        EpisodeAction::ResponsibilityGroup,
        "episode.rg_remove",
    )
    .await?;
    let d = audit(
        actor,
        "episode.rg_remove",
        &e,
        format!("episode:{episode_id},rg_member:{member_id}"),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::episodes::remove_rg(member_id, episode_id, d.at)],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// A level in the history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LevelChange {
    /// 1–3.
    pub level: i64,
    /// From.
    pub from_date: NaiveDate,
    /// Why (health content: `None` when withheld, see `Episode::texts_withheld`).
    pub reason: Option<String>,
    /// Set by.
    pub set_by_name: String,
    /// Levels 2 and 3: the ordinary service (keeps the responsibility, or is advised).
    pub ordinary_service: Option<String>,
    /// Its contact person.
    pub ordinary_contact_name: Option<String>,
    /// The contact person's phone.
    pub ordinary_contact_phone: Option<String>,
    /// `Competence` code (level 2).
    pub competence: Option<String>,
    /// The competence in words (health content: `None` when withheld).
    pub competence_note: Option<String>,
}

/// A care-team member of an episode.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Member {
    /// Id.
    pub id: Uuid,
    /// Staff id.
    pub staff_id: Uuid,
    /// Name.
    pub name: String,
    /// Profession code.
    pub profession: String,
    /// Employer.
    pub org_name: String,
    /// Role code.
    pub role: String,
    /// From.
    pub from_date: NaiveDate,
    /// Left (None: still a member).
    pub left_at: Option<DateTime<Utc>>,
}

/// A responsibility-group member.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RgMember {
    /// Id.
    pub id: Uuid,
    /// Kind code.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Organisation.
    pub organisation: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Consent recorded.
    pub consent_recorded: bool,
}

/// An episode at a glance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Episode {
    /// Id.
    pub id: Uuid,
    /// Included.
    pub included_on: NaiveDate,
    /// Closed.
    pub closed_on: Option<NaiveDate>,
    /// Close reason code.
    pub close_reason: Option<String>,
    /// Current level (1–3).
    pub level: Option<i64>,
    /// Level history, newest first.
    pub levels: Vec<LevelChange>,
    /// Current care-team members (coordinators first).
    pub members: Vec<Member>,
    /// Current responsibility group.
    pub responsibility_group: Vec<RgMember>,
    /// The referral it came from.
    pub referral_id: Option<Uuid>,
    /// Free texts (level reasons, close note) are health content and were not read,
    /// because the reader is not health personnel.
    pub texts_withheld: bool,
    /// The ordinary service named on the current level (levels 2 and 3).
    pub ordinary_service: Option<OrdinaryService>,
    /// What the open episode still lacks for its current level (`LevelRequirement` codes):
    /// `coordinator_pair` at level 1, `ordinary_service` at levels 2 and 3. Empty when closed.
    pub missing: Vec<String>,
}

/// A client's episodes, newest first (part of reading the record: audited).
pub async fn for_client(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Vec<Episode>> {
    let heads = store::episodes::heads_for_client(&app.db, grant.client_id()).await?;
    // Episode free texts are health content: without health scope they are not even read.
    let texts = grant.covers_health();
    let mut out = Vec::new();
    for h in heads {
        let levels = store::episodes::levels(&app.db, h.id, texts).await?;
        let members = store::episodes::members(&app.db, h.id).await?;
        let rg = store::episodes::rg_members(&app.db, h.id).await?;
        let current = levels.first();
        let ordinary_service = current.and_then(|l| {
            l.ordinary_service.clone().map(|service| OrdinaryService {
                service,
                contact_name: l.ordinary_contact_name.clone(),
                contact_phone: l.ordinary_contact_phone.clone(),
                competence: l.competence.clone(),
                competence_note: l.competence_note.clone(),
            })
        });
        let missing = match current.and_then(|l| LevelOfEffort::from_number(l.level)) {
            Some(level) if h.closed_on.is_none() => {
                let has = |role: EpisodeRole| members.iter().any(|m| m.role == role.code());
                missing_for_level(
                    level,
                    has(EpisodeRole::MunicipalCoordinator),
                    has(EpisodeRole::SpecialistCoordinator),
                    ordinary_service.is_some(),
                )
                .into_iter()
                .map(|m| m.code().to_string())
                .collect()
            }
            _ => vec![],
        };
        out.push(Episode {
            id: h.id,
            included_on: h.included_on,
            closed_on: h.closed_on,
            close_reason: h.close_reason,
            level: levels.first().map(|l| l.level),
            levels,
            members,
            responsibility_group: rg,
            referral_id: h.referral_id,
            texts_withheld: !texts,
            ordinary_service,
            missing,
        });
    }
    if !out.is_empty() {
        let mut d = crate::access::audit_allowed(
            actor,
            grant,
            "episode.read",
            if texts {
                "episodes,episode_texts,care_team,responsibility_group"
            } else {
                "episodes,care_team,responsibility_group"
            },
        );
        d.purpose = Some(grant.purpose().code().to_string());
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
    }
    Ok(out)
}

/// The client of an episode (to open a grant for pages about it).
pub async fn client_of(app: &App, episode_id: Uuid) -> AppResult<Uuid> {
    store::episodes::client_of(&app.db, episode_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What the answer letter says about the level chosen at intake: the level and, at level 2, the
/// ordinary service that keeps the responsibility (administrative, read under the intake grant
/// that reads the referral and its decision).
pub async fn intake_level_for_referral(
    app: &App,
    grant: &crate::referrals::IntakeGrant,
    referral_id: Uuid,
) -> AppResult<Option<(LevelOfEffort, Option<OrdinaryService>)>> {
    let row =
        store::episodes::intake_service_for_referral(&app.db, referral_id, grant.team_id()).await?;
    Ok(
        row.and_then(|(service, contact_name, contact_phone, level)| {
            LevelOfEffort::from_number(level).map(|l| {
                (
                    l,
                    service.map(|service| OrdinaryService {
                        service,
                        contact_name,
                        contact_phone,
                        competence: None,
                        competence_note: None,
                    }),
                )
            })
        }),
    )
}
