//! Administration: accounts, memberships, health-personnel status,
//! organisations and teams. An [`AdminGrant`] is made only here, by
//! [`open_admin`], for one [`AdminScope`]; every administrative use case
//! takes one, so a route that forgets the check does not compile. A refusal is
//! audited before the error is returned. Administration never opens a record.
//!
//! Who administers what:
//! - a system administrator (`staff.system_admin`): every scope;
//! - a team's administrator (`TeamRole::Administrator`): that team, and the
//!   accounts of staff whose every team they administer (an account that also
//!   works in another team is that team's, or a system administrator's, too);
//! - the command line ([`Principal::Cli`]): every scope. `benk` runs on the
//!   server, by someone who holds the database credentials and could change
//!   the rows directly; its audit rows name the operating-system user.
//!
//! No organisation has administrators of its own yet, so
//! [`AdminScope::Organisation`] and [`AdminScope::System`] are for system
//! administrators and the command line only.

use uuid::Uuid;

use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, Text};
use crate::App;

/// Who asks to administer.
#[derive(Debug, Clone, Copy)]
pub enum Principal<'a> {
    /// A logged-in staff member (page or API token).
    Staff(&'a Actor),
    /// `benk` on the server itself, run by this operating-system user.
    Cli {
        /// The OS user (`$USER`, or what `id -un` says), as the audit row shows it.
        os_user: &'a str,
    },
}

/// What a grant lets its holder administer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminScope {
    /// The whole installation: organisations, teams, accounts in no team.
    System,
    /// One organisation.
    Organisation(Uuid),
    /// One team: its memberships and new accounts in it.
    Team(Uuid),
    /// One staff member's account (password, disabling, second factor,
    /// health-personnel status, tokens).
    Staff(Uuid),
}

impl AdminScope {
    fn resource(self) -> String {
        match self {
            AdminScope::System => "system".into(),
            AdminScope::Organisation(o) => format!("organisation:{o}"),
            AdminScope::Team(t) => format!("team:{t}"),
            AdminScope::Staff(s) => format!("staff:{s}"),
        }
    }
}

/// Why a grant was given (recorded in every audit row made from it as `admin:<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminBasis {
    /// A system administrator.
    SystemAdmin,
    /// The administrator of the team (or of a team the staff member is in).
    TeamAdmin,
    /// The command line on the server.
    CommandLine,
}

impl AdminBasis {
    /// The code in audit rows.
    pub fn code(self) -> &'static str {
        match self {
            AdminBasis::SystemAdmin => "system_admin",
            AdminBasis::TeamAdmin => "team_admin",
            AdminBasis::CommandLine => "cli",
        }
    }
}

#[derive(Debug, Clone)]
enum Holder {
    Staff(Box<Actor>),
    Cli(String),
}

/// Proof that a principal may administer one scope. Private fields; made only
/// by [`open_admin`].
///
/// Outside this crate a grant for one scope cannot be widened to another (a
/// regression test for issue 7, part 6):
///
/// ```
/// fn scope(g: &benk_app::access::admin::AdminGrant) -> benk_app::access::admin::AdminScope {
///     g.scope()
/// }
/// ```
///
/// ```compile_fail,E0451
/// use benk_app::access::admin::{AdminGrant, AdminScope};
/// fn widen(g: &AdminGrant) -> AdminGrant {
///     AdminGrant { scope: AdminScope::System, ..g.clone() }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct AdminGrant {
    holder: Holder,
    scope: AdminScope,
    basis: AdminBasis,
}

impl AdminGrant {
    /// What the grant covers.
    pub fn scope(&self) -> AdminScope {
        self.scope
    }

    /// Why it was given.
    pub fn basis(&self) -> AdminBasis {
        self.basis
    }

    /// The staff member holding it (`None`: the command line).
    pub fn staff_id(&self) -> Option<Uuid> {
        match &self.holder {
            Holder::Staff(a) => Some(a.staff_id),
            Holder::Cli(_) => None,
        }
    }

    /// Whether the grant came from the command line.
    pub fn is_cli(&self) -> bool {
        matches!(self.holder, Holder::Cli(_))
    }

    /// An audit draft for an allowed administrative change, with
    /// `admin:<basis>` after `resources`.
    pub fn audit(&self, action: &str, resources: &str) -> AuditDraft {
        let mut d = draft(&self.holder_ref(), action, Outcome::Allowed);
        d.resources = format!("{resources},admin:{}", self.basis.code());
        d
    }

    fn holder_ref(&self) -> Principal<'_> {
        match &self.holder {
            Holder::Staff(a) => Principal::Staff(a),
            Holder::Cli(u) => Principal::Cli { os_user: u },
        }
    }

    fn covers(&self, wanted: AdminScope) -> bool {
        self.scope == AdminScope::System || self.scope == wanted
    }

    fn require(&self, wanted: AdminScope) -> AppResult<()> {
        if self.covers(wanted) {
            Ok(())
        } else {
            // A handler opened a grant for one thing and used it on another: a bug.
            Err(AppError::Internal(format!(
                "an administration grant for {} was used for {}",
                self.scope.resource(),
                wanted.resource()
            )))
        }
    }

    /// An audit draft for a refusal the use case finds under the grant
    /// (`resources` should end with `none:<reason>`).
    pub(crate) fn refusal(&self, action: &str, resources: &str) -> AuditDraft {
        let mut d = draft(&self.holder_ref(), action, Outcome::Denied);
        d.resources = resources.to_string();
        d
    }

    /// Checks that the grant covers the whole installation.
    pub fn require_system(&self) -> AppResult<()> {
        self.require(AdminScope::System)
    }

    /// Checks that the grant covers a team.
    pub fn require_team(&self, team: Uuid) -> AppResult<()> {
        self.require(AdminScope::Team(team))
    }

    /// Checks that the grant covers a staff member's account.
    pub fn require_staff(&self, staff: Uuid) -> AppResult<()> {
        self.require(AdminScope::Staff(staff))
    }
}

/// The audit actor name of the command line.
pub fn cli_actor_name(os_user: &str) -> String {
    // The name comes from the environment: keep it printable and short.
    let user: String = os_user
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    format!("benk cli (os user: {user})")
}

fn draft(p: &Principal<'_>, action: &str, outcome: Outcome) -> AuditDraft {
    match p {
        Principal::Staff(a) => a.audit(action, outcome),
        Principal::Cli { os_user } => {
            let mut d = AuditDraft::new(action, outcome);
            d.actor_name = Some(cli_actor_name(os_user));
            d
        }
    }
}

/// Opens administration of `scope` for `principal`, or audits the refusal
/// (as `action`, denied, `<scope>,none:not_administrator`) and returns
/// `Forbidden`. `action` is the audit action of the change that is asked for,
/// e.g. `staff.create`.
pub async fn open_admin(
    app: &App,
    principal: Principal<'_>,
    scope: AdminScope,
    action: &str,
) -> AppResult<AdminGrant> {
    let actor = match principal {
        Principal::Cli { os_user } => {
            return Ok(AdminGrant {
                holder: Holder::Cli(os_user.to_string()),
                scope,
                basis: AdminBasis::CommandLine,
            })
        }
        Principal::Staff(a) => a,
    };
    let basis = if actor.system_admin {
        Some(AdminBasis::SystemAdmin)
    } else {
        let team_admin = match scope {
            AdminScope::System | AdminScope::Organisation(_) => false,
            AdminScope::Team(t) => actor.administers(t),
            AdminScope::Staff(s) if actor.is_admin() => {
                let teams: Vec<(Uuid,)> = app
                    .db
                    .all(
                        "SELECT team_id FROM team_memberships WHERE staff_id = $1",
                        crate::args![s],
                    )
                    .await?;
                // An account that works in several teams is administered by
                // whoever administers all of them (or a system administrator):
                // the administrator of one team must not take over an account
                // that reads records in another (by setting its password).
                !teams.is_empty() && teams.iter().all(|(t,)| actor.administers(*t))
            }
            AdminScope::Staff(_) => false,
        };
        team_admin.then_some(AdminBasis::TeamAdmin)
    };
    if let Some(basis) = basis {
        return Ok(AdminGrant {
            holder: Holder::Staff(Box::new(actor.clone())),
            scope,
            basis,
        });
    }
    let mut d = draft(&principal, action, Outcome::Denied);
    d.resources = format!("{},none:not_administrator", scope.resource());
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Err(AppError::Forbidden(match scope {
        _ if !actor.is_admin() => Text::new(
            "Bare administratorer kan gjøre dette. Forsøket er logget.",
            "Only administrators can do this. The attempt has been logged.",
        ),
        AdminScope::System | AdminScope::Organisation(_) => Text::new(
            "Bare systemadministratorer kan administrere organisasjoner og opprette team. Forsøket er logget.",
            "Only system administrators can manage organisations and create teams. The attempt has been logged.",
        ),
        AdminScope::Team(_) | AdminScope::Staff(_) => Text::new(
            "Du administrerer ikke dette teamet. Bare teamets administrator eller en systemadministrator kan gjøre dette. Forsøket er logget.",
            "You do not administer this team. Only the team's administrator or a system administrator can do this. The attempt has been logged.",
        ),
    }))
}
