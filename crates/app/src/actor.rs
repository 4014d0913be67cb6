//! Who is acting: the logged-in staff member, their employer, teams and roles.

use benk_domain::{HealthPersonnelBasis, Lang, Profession, TeamRole};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};

/// A team the actor belongs to.
#[derive(Debug, Clone)]
pub struct Membership {
    /// Team id.
    pub team_id: Uuid,
    /// Team name.
    pub team_name: String,
    /// Role in the team.
    pub role: TeamRole,
    /// Share of a full-time position, 1–100.
    pub fte: i64,
}

/// Where the request came from (for the audit log).
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// Client IP.
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
}

/// The authenticated staff member behind a request.
///
/// Its fields are private to the app crate and it has no public constructor:
/// only `staff::load_actor` (from a session or token the web layer checked)
/// makes one, so the web layer, the CLI and tests cannot fabricate an actor or
/// raise one's rights; they read it through the accessors below.
///
/// Outside this crate an actor is read:
///
/// ```
/// fn is_system_admin(a: &benk_app::Actor) -> bool {
///     a.system_admin()
/// }
/// ```
///
/// and cannot be copied with more rights (a regression test for issue 7, part 6):
///
/// ```compile_fail,E0451
/// fn raise(a: &benk_app::Actor) -> benk_app::Actor {
///     benk_app::Actor { system_admin: true, ..a.clone() }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Actor {
    /// Staff id.
    pub(crate) staff_id: Uuid,
    /// Display name.
    pub(crate) name: String,
    /// Profession.
    pub(crate) profession: Profession,
    /// Whether and why the actor is health personnel (profession or recorded employment);
    /// this decides health vs basic scope (`access::scope_of`).
    pub(crate) health_personnel: Option<HealthPersonnelBasis>,
    /// HPR number, when known.
    pub(crate) hpr: Option<String>,
    /// Home employer.
    pub(crate) home_org_id: Uuid,
    /// Home employer's organisation number.
    pub(crate) org_number: String,
    /// Team memberships.
    pub(crate) memberships: Vec<Membership>,
    /// A system administrator administers every team and organisation; other
    /// administrators only the teams where they hold the administrator role.
    pub(crate) system_admin: bool,
    /// Chosen interface language (`None`: follow the browser).
    pub(crate) lang: Option<Lang>,
    /// Request metadata.
    pub(crate) meta: RequestMeta,
}

impl Actor {
    /// Staff id.
    pub fn staff_id(&self) -> Uuid {
        self.staff_id
    }

    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Profession.
    pub fn profession(&self) -> Profession {
        self.profession
    }

    /// Whether and why the actor is health personnel.
    pub fn health_personnel(&self) -> Option<HealthPersonnelBasis> {
        self.health_personnel
    }

    /// HPR number, when known.
    pub fn hpr(&self) -> Option<&str> {
        self.hpr.as_deref()
    }

    /// Home employer.
    pub fn home_org_id(&self) -> Uuid {
        self.home_org_id
    }

    /// Home employer's organisation number.
    pub fn org_number(&self) -> &str {
        &self.org_number
    }

    /// Team memberships, in team-name order.
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    /// Whether the actor is a system administrator.
    pub fn system_admin(&self) -> bool {
        self.system_admin
    }

    /// Chosen interface language (`None`: follow the browser).
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// Request metadata.
    pub fn meta(&self) -> &RequestMeta {
        &self.meta
    }

    /// The team the actor acts in (the first membership).
    pub fn acting(&self) -> Option<&Membership> {
        self.memberships.first()
    }

    /// Whether the actor holds a role in any team.
    pub fn has_role(&self, role: TeamRole) -> bool {
        self.memberships.iter().any(|m| m.role == role)
    }

    /// Whether the actor holds a role in a given team.
    pub fn has_role_in(&self, team_id: Uuid, roles: &[TeamRole]) -> bool {
        self.memberships
            .iter()
            .any(|m| m.team_id == team_id && roles.contains(&m.role))
    }

    /// Whether the actor administers Benk (users, organisations, teams) anywhere.
    pub fn is_admin(&self) -> bool {
        self.system_admin || self.has_role(TeamRole::Administrator)
    }

    /// Whether the actor administers a given team (its administrator, or a
    /// system administrator). Administration never opens a record.
    pub fn administers(&self, team_id: Uuid) -> bool {
        self.system_admin || self.has_role_in(team_id, &[TeamRole::Administrator])
    }

    /// An audit draft filled with who, employer, role, team and request metadata.
    pub fn audit(&self, action: &str, outcome: Outcome) -> AuditDraft {
        let mut d = AuditDraft::new(action, outcome);
        d.actor_staff_id = Some(self.staff_id);
        d.actor_name = Some(self.name.clone());
        d.actor_hpr = self.hpr.clone();
        d.actor_org_number = Some(self.org_number.clone());
        if let Some(m) = self.acting() {
            d.actor_role = Some(m.role.code().to_string());
            d.actor_team_id = Some(m.team_id);
        }
        d.ip = self.meta.ip.clone();
        d.user_agent = self.meta.user_agent.clone();
        d
    }
}
