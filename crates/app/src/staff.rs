//! Staff members, their team memberships, and loading the acting [`Actor`].

use benk_domain::{health_personnel_basis, Fte, HprNumber, Lang, Profession, TeamRole};
use serde::Serialize;
use uuid::Uuid;

use crate::access::admin::{AdminBasis, AdminGrant};
use crate::actor::{Actor, Membership, RequestMeta};
use crate::audit::Outcome;
use crate::auth::hash_password_blocking;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// A staff member as listed in user administration.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StaffSummary {
    /// Id.
    pub id: Uuid,
    /// Login name (local identity), if any.
    pub username: Option<String>,
    /// Name.
    pub name: String,
    /// Profession code.
    pub profession: String,
    /// HPR number.
    pub hpr_number: Option<String>,
    /// Home employer id.
    pub home_org_id: Uuid,
    /// Home employer name.
    pub org_name: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Whether a second factor is required.
    pub totp_required: bool,
    /// Whether a second factor is set up.
    pub totp_enrolled: bool,
    /// Recorded as employed in the health service to give care (hpl § 3 first paragraph no. 2).
    pub care_employment: bool,
}

/// A new staff member with a local login, parsed.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Login name.
    pub username: String,
    /// Initial password.
    pub password: String,
    /// Name.
    pub name: String,
    /// Profession.
    pub profession: Profession,
    /// HPR number.
    pub hpr_number: Option<HprNumber>,
    /// Home employer.
    pub home_org_id: Uuid,
    /// Team membership to create at once, if any.
    pub membership: Option<(Uuid, TeamRole, Fte)>,
}

/// Checks a login name: 2–64 of a–z, 0–9, `.`, `-`, `_`.
pub fn parse_username(s: &str) -> Result<String, FieldError> {
    let s = s.trim().to_lowercase();
    let ok = (2..=64).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(s)
    } else {
        Err(FieldError::new(
            "username",
            "invalid_username",
            "Brukernavnet må ha 2–64 tegn: små bokstaver a–z, sifre, punktum, bindestrek eller understrek.",
            "The username must be 2–64 characters: lower-case a–z, digits, dot, hyphen or underscore.",
        ))
    }
}

/// Checks a new password's length (10 to 1024 characters).
pub fn check_password(p: &str) -> Result<(), FieldError> {
    if (10..=1024).contains(&p.chars().count()) {
        Ok(())
    } else {
        Err(FieldError::new(
            "password",
            "weak_password",
            "Passordet må ha minst 10 tegn.",
            "The password must have at least 10 characters.",
        ))
    }
}

/// Builds the op that creates a staff member with a local identity (shared by the
/// admin use case, the CLI and the demo seed).
pub fn new_staff_op(
    new: &NewStaff,
    id: Uuid,
    hash: String,
    audit: crate::audit::AuditDraft,
) -> WriteOp {
    let mut stmts = vec![
        store::staff::insert(&store::staff::NewStaffRow {
            id,
            name: new.name.trim(),
            profession: new.profession.code(),
            hpr_number: new.hpr_number.as_ref().map(HprNumber::as_str),
            home_org_id: new.home_org_id,
            at: audit.at,
        }),
        store::auth::insert_local_identity(Uuid::now_v7(), id, &new.username, &hash, audit.at),
    ];
    if let Some((team, role, fte)) = new.membership {
        stmts.push(store::staff::insert_membership(
            team,
            id,
            role.code(),
            i64::from(fte.percent()),
        ));
        stmts.push(store::staff::record_position_share(
            team,
            id,
            crate::time::oslo_date(audit.at),
        ));
    }
    WriteOp {
        stmts,
        audit: vec![audit],
    }
}

fn map_staff_conflict(e: AppError) -> AppError {
    match e {
        AppError::Conflict(_) => AppError::field(FieldError::new(
            "username",
            "duplicate",
            "Brukernavnet er allerede i bruk.",
            "The username is already taken.",
        )),
        AppError::Internal(m) if m.contains("constraint") => AppError::field(FieldError::new(
            "home_org_id",
            "unknown_reference",
            "Ukjent organisasjon eller team.",
            "Unknown organisation or team.",
        )),
        other => other,
    }
}

/// Creates a staff member with a local login. The grant must cover the team
/// of the membership it is created with (or the whole installation, for an
/// account in no team). The first administrator added from the command line
/// becomes a system administrator; later ones administer their team.
pub async fn create_staff(app: &App, grant: &AdminGrant, new: NewStaff) -> AppResult<Uuid> {
    match new.membership {
        Some((team, _, _)) => grant.require_team(team)?,
        None => grant.require_system()?,
    }
    let id = Uuid::now_v7();
    let first_admin = grant.is_cli()
        && matches!(new.membership, Some((_, TeamRole::Administrator, _)))
        && store::staff::system_admin_count(&app.db).await? == 0;
    let audit = grant.audit(
        "staff.create",
        &if first_admin {
            format!("staff:{id},system_admin")
        } else {
            format!("staff:{id}")
        },
    );
    let mut op = new_staff_op(
        &new,
        id,
        hash_password_blocking(&new.password).await?,
        audit,
    );
    if first_admin {
        op.stmts.push(store::staff::make_system_admin(id));
    }
    app.writer
        .write(op)
        .await
        .map_err(|e| map_staff_conflict(e.into()))?;
    Ok(id)
}

/// Active staff of a team (id, name), for pickers.
pub async fn team_staff(app: &App, team_id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    Ok(store::staff::active_in_team(&app.db, team_id).await?)
}

/// Adds or changes a team membership (the grant must cover the team). A team's
/// administrator changes the role and share of the team's own members; adding
/// someone who is not yet in the team takes a system administrator (or the
/// command line), since it
/// would hand that account to this team's administrator (audited refusal).
pub async fn set_membership(
    app: &App,
    grant: &AdminGrant,
    team: Uuid,
    staff: Uuid,
    role: TeamRole,
    fte: Fte,
) -> AppResult<()> {
    grant.require_team(team)?;
    // Only a team's administrator is limited to the team's own members.
    if grant.basis() == AdminBasis::TeamAdmin
        && !store::staff::is_member(&app.db, team, staff).await?
    {
        let d = grant.refusal(
            "membership.set",
            &format!("team:{team},staff:{staff},none:not_a_member_of_the_team"),
        );
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare en systemadministrator kan legge til en ansatt som ikke er med i teamet. Forsøket er logget.",
            "Only a system administrator can add staff who are not in the team. The attempt has been logged.",
        )));
    }
    let audit = grant.audit("membership.set", &format!("team:{team},staff:{staff}"));
    let op = WriteOp {
        stmts: vec![
            store::staff::keep_position_share(Some(team), staff),
            store::staff::delete_membership(team, staff),
            store::staff::insert_membership(team, staff, role.code(), i64::from(fte.percent())),
            store::staff::record_position_share(team, staff, crate::time::oslo_date(audit.at)),
        ],
        audit: vec![audit],
    };
    app.writer
        .write(op)
        .await
        .map_err(|e| map_staff_conflict(e.into()))
}

/// All staff, for user administration.
pub async fn list_staff(app: &App) -> AppResult<Vec<StaffSummary>> {
    Ok(store::staff::summaries(&app.db).await?)
}

/// The staff an administrator manages: everyone for a system administrator,
/// otherwise the members of the teams they administer.
pub async fn list_staff_for(app: &App, actor: &Actor) -> AppResult<Vec<StaffSummary>> {
    if actor.system_admin {
        return list_staff(app).await;
    }
    let mut out = Vec::new();
    for team in actor
        .memberships
        .iter()
        .filter(|m| m.role == TeamRole::Administrator)
    {
        let rows = store::staff::summaries_in_team(&app.db, team.team_id).await?;
        for r in rows {
            if !out.iter().any(|o: &StaffSummary| o.id == r.id) {
                out.push(r);
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// One staff member by local username.
pub async fn find_by_username(app: &App, username: &str) -> AppResult<Option<StaffSummary>> {
    Ok(store::staff::summary_by_username(&app.db, &username.trim().to_lowercase()).await?)
}

/// Which account-level change to make.
#[derive(Debug, Clone)]
pub enum AccountChange {
    /// Disable (true) or enable (false) login.
    Disabled(bool),
    /// Require a TOTP second factor.
    RequireTotp(bool),
    /// Set a new password (already checked).
    Password(String),
}

impl AccountChange {
    /// The audit action of the change (and of a refused attempt).
    pub fn action(&self) -> &'static str {
        match self {
            AccountChange::Disabled(_) => "staff.disable",
            AccountChange::RequireTotp(_) => "staff.require_totp",
            AccountChange::Password(_) => "staff.set_password",
        }
    }
}

/// Changes an account (the grant must cover the staff member).
pub async fn change_account(
    app: &App,
    grant: &AdminGrant,
    staff: Uuid,
    change: AccountChange,
) -> AppResult<()> {
    grant.require_staff(staff)?;
    let stmt = match &change {
        AccountChange::Disabled(d) => store::staff::set_disabled(staff, *d),
        AccountChange::RequireTotp(r) => store::staff::set_totp_required(staff, *r),
        AccountChange::Password(p) => {
            store::auth::set_local_password(staff, &hash_password_blocking(p).await?)
        }
    };
    let audit = grant.audit(change.action(), &format!("staff:{staff}"));
    let mut stmts = vec![stmt];
    if let AccountChange::Disabled(_) = change {
        stmts.insert(0, store::staff::keep_position_share(None, staff));
        // A disabled account holds no position from today (nor again one when enabled).
        stmts.push(store::staff::record_position_shares(
            staff,
            crate::time::oslo_date(audit.at),
        ));
    }
    if matches!(
        change,
        AccountChange::Disabled(true) | AccountChange::Password(_)
    ) {
        // A disabled account or a changed password ends every open session and
        // revokes every API token (enabling the account again does not revive them).
        stmts.push(store::auth::delete_sessions_of(staff));
        stmts.push(store::auth::revoke_tokens_of(staff, audit.at));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Loads the acting staff member; `None` if unknown or disabled.
pub async fn load_actor(app: &App, staff_id: Uuid, meta: RequestMeta) -> AppResult<Option<Actor>> {
    let epoch = app.writer.auth_epoch();
    let (row, memberships) = match app.auth_cache.actor(staff_id, epoch) {
        Some(c) => (c.row, c.memberships),
        None => {
            // Both reads at once (two pool connections): one round trip of latency, not two.
            let (row, memberships) = tokio::try_join!(
                store::staff::actor_row(&app.db, staff_id),
                store::staff::memberships_of(&app.db, staff_id)
            )?;
            let Some(row) = row else {
                return Ok(None);
            };
            app.auth_cache.put_actor(
                staff_id,
                crate::auth_cache::ActorRows {
                    row: row.clone(),
                    memberships: memberships.clone(),
                },
                epoch,
            );
            (row, memberships)
        }
    };
    if row.disabled {
        return Ok(None);
    }
    let profession = Profession::from_code(&row.profession).unwrap_or(Profession::Other);
    Ok(Some(Actor {
        staff_id: row.id,
        name: row.name,
        profession,
        health_personnel: health_personnel_basis(profession, row.care_employment),
        hpr: row.hpr_number,
        home_org_id: row.home_org_id,
        org_number: row.org_number,
        memberships: memberships
            .into_iter()
            .map(|m| Membership {
                team_id: m.team_id,
                team_name: m.team_name,
                role: TeamRole::from_code(&m.role).unwrap_or(TeamRole::Worker),
                fte: m.fte,
            })
            .collect(),
        lang: row.language.as_deref().and_then(Lang::from_tag),
        system_admin: row.system_admin,
        meta,
    }))
}

/// Sets the user's interface language.
pub async fn set_language(app: &App, actor: &Actor, lang: Lang) -> AppResult<()> {
    let mut audit = actor.audit("staff.set_language", Outcome::Allowed);
    audit.resources = format!("staff:{}", actor.staff_id);
    app.writer
        .write(WriteOp {
            stmts: vec![store::staff::set_language(actor.staff_id, lang.as_tag())],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Records whether a staff member is employed in the health service to give care
/// (helsepersonelloven § 3 first paragraph no. 2), which makes them health personnel whatever
/// their profession. The grant must cover the staff member (opening it audits a refusal);
/// the reason is required and kept with the change, which is audited.
pub async fn set_health_personnel(
    app: &App,
    grant: &AdminGrant,
    staff: Uuid,
    care_employment: bool,
    reason: &str,
) -> AppResult<()> {
    let resources = format!(
        "staff:{staff},health_personnel:{}",
        if care_employment {
            "employment"
        } else {
            "none"
        }
    );
    grant.require_staff(staff)?;
    let profession = store::staff::profession_of(&app.db, staff)
        .await?
        .ok_or(AppError::NotFound)?;
    if Profession::from_code(&profession).is_some_and(Profession::is_health_personnel) {
        return Err(AppError::field(FieldError::new(
            "care_employment",
            "authorised_profession",
            "Autoriserte yrker (hpl § 48) er alltid helsepersonell; statusen settes bare for andre yrker.",
            "Authorised professions (Health Personnel Act § 48) are always health personnel; the status is only set for other professions.",
        )));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(FieldError::new(
            "reason",
            "required",
            "Oppgi en begrunnelse, for eksempel stilling og arbeidsgiver i helsetjenesten.",
            "Give a reason, for example the position and employer in the health service.",
        )));
    }
    // One line, no control characters, at most 200 characters: a short text.
    let reason = benk_domain::ShortText::parse(reason)
        .map_err(|e| AppError::field(FieldError::of("reason", &e)))?;
    let reason = reason.as_str();
    let audit = grant.audit("staff.set_health_personnel", &resources);
    app.writer
        .write(WriteOp {
            stmts: vec![
                store::staff::set_care_employment(staff, care_employment),
                store::staff::insert_health_personnel_change(
                    Uuid::now_v7(),
                    staff,
                    care_employment,
                    reason,
                    grant.staff_id(),
                    audit.at,
                ),
            ],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// A recorded change of a staff member's health-personnel status.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HealthPersonnelChange {
    /// Employed in the health service to give care, from this change on.
    pub care_employment: bool,
    /// Why.
    pub reason: String,
    /// Who set it (`None`: the command line or a migration).
    pub set_by_name: Option<String>,
    /// When.
    pub set_at: chrono::DateTime<chrono::Utc>,
}

/// The history of a staff member's health-personnel status, newest first (administration).
pub async fn health_personnel_history(
    app: &App,
    staff: Uuid,
) -> AppResult<Vec<HealthPersonnelChange>> {
    Ok(store::staff::health_personnel_history(&app.db, staff).await?)
}

/// The latest recorded reason of each staff member's health-personnel status (administration).
pub async fn health_personnel_reasons(
    app: &App,
) -> AppResult<std::collections::HashMap<Uuid, String>> {
    let rows = store::staff::health_personnel_reasons(&app.db).await?;
    // Later rows overwrite earlier ones: the latest change wins.
    Ok(rows.into_iter().collect())
}
