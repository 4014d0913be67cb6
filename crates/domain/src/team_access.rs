//! A team's access rules as data: who may read a record (the read policy) and
//! who may change a person's course in the team (the permission table).
//!
//! Teams work differently: C-Flex keeps a named care team per person, Tandem
//! runs a two-shift rota where the colleague on duty must be able to open the
//! record. Both are policies of the same code, chosen per team.

use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;

coded_enum! {
    /// Who may read the records of a team's clients.
    #[derive(Default)]
    pub enum ReadPolicy {
        /// The care team only: the coordinator pair and the named members
        /// (each holds a care relationship).
        #[default]
        CareTeam => "care_team", nb: "teamet rundt personen", en: "the care team";
        /// Every health-personnel member of the team while the person has an
        /// open episode in it (a rota, a weekly team meeting).
        TeamOnDuty => "team_on_duty", nb: "teamet på vakt", en: "the team on duty";
    }
}

coded_enum! {
    /// Why a read was allowed; recorded in the audit row (`basis:<code>`).
    pub enum ReadBasis {
        /// A care relationship held by the reader (or by a team the reader belongs to).
        CareTeam => "care_team", nb: "behandlingsforhold", en: "care relationship";
        /// The team's policy opens open episodes to its health personnel on duty.
        TeamOnDuty => "team_on_duty", nb: "teamet på vakt", en: "team on duty";
        /// The team lead reads the team's open episodes.
        TeamLead => "team_lead", nb: "teamleder", en: "team lead";
    }
}

coded_enum! {
    /// A change to a person's course in the team that the permission table governs.
    pub enum EpisodeAction {
        /// Change the level of effort.
        ChangeLevel => "change_level", nb: "endre innsatsnivå", en: "change the level of effort";
        /// Name or remove coordinators and other care-team members.
        NameMembers => "name_members", nb: "oppnevne eller fjerne koordinatorer og medlemmer", en: "name or remove coordinators and members";
        /// Close the episode.
        Close => "close", nb: "avslutte forløpet", en: "close the episode";
        /// Give someone access to the record by hand (a care relationship).
        GiveAccess => "give_access", nb: "gi tilgang", en: "give access";
        /// Add or remove members of the responsibility group.
        ResponsibilityGroup => "responsibility_group", nb: "endre ansvarsgruppen", en: "change the responsibility group";
    }
}

coded_enum! {
    /// The part someone plays in one person's course, for the permission table.
    pub enum CourseRole {
        /// Municipal or specialist coordinator of the open episode.
        Coordinator => "coordinator", nb: "koordinator", en: "coordinator";
        /// Team lead of the episode's team.
        TeamLead => "team_lead", nb: "teamleder", en: "team lead";
        /// Intake team, at the decision: only while no coordinator is named yet.
        IntakeMember => "intake_member", nb: "inntaksteam (ved inntaksbeslutningen)", en: "intake team (at the decision)";
        /// Another named member of the care team.
        Member => "member", nb: "medlem av teamet rundt personen", en: "care-team member";
    }
}

/// Who may do each [`EpisodeAction`], stored in the team policy.
///
/// Defaults: coordinators and the team lead change the level, name members,
/// close and give access; the intake team may also name the members while the
/// decision has not named a coordinator; the whole care team keeps the
/// responsibility group. Staff who are not health personnel never change a
/// course, whatever the table says (checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EpisodePermissions {
    /// [`EpisodeAction::ChangeLevel`].
    pub change_level: Vec<CourseRole>,
    /// [`EpisodeAction::NameMembers`].
    pub name_members: Vec<CourseRole>,
    /// [`EpisodeAction::Close`].
    pub close: Vec<CourseRole>,
    /// [`EpisodeAction::GiveAccess`].
    pub give_access: Vec<CourseRole>,
    /// [`EpisodeAction::ResponsibilityGroup`].
    pub responsibility_group: Vec<CourseRole>,
}

impl Default for EpisodePermissions {
    fn default() -> Self {
        use CourseRole::*;
        EpisodePermissions {
            change_level: vec![Coordinator, TeamLead],
            name_members: vec![Coordinator, TeamLead, IntakeMember],
            close: vec![Coordinator, TeamLead],
            give_access: vec![Coordinator, TeamLead],
            responsibility_group: vec![Coordinator, TeamLead, Member],
        }
    }
}

impl EpisodePermissions {
    /// The roles allowed to do an action.
    pub fn allowed(&self, action: EpisodeAction) -> &[CourseRole] {
        match action {
            EpisodeAction::ChangeLevel => &self.change_level,
            EpisodeAction::NameMembers => &self.name_members,
            EpisodeAction::Close => &self.close,
            EpisodeAction::GiveAccess => &self.give_access,
            EpisodeAction::ResponsibilityGroup => &self.responsibility_group,
        }
    }

    /// The first of `roles` that the table allows for `action`, if any.
    pub fn permits(&self, action: EpisodeAction, roles: &[CourseRole]) -> Option<CourseRole> {
        let allowed = self.allowed(action);
        roles.iter().copied().find(|r| allowed.contains(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    #[test]
    fn tables() {
        assert_coded(
            ReadPolicy::ALL,
            ReadPolicy::code,
            ReadPolicy::from_code,
            ReadPolicy::label,
        );
        assert_coded(
            ReadBasis::ALL,
            ReadBasis::code,
            ReadBasis::from_code,
            ReadBasis::label,
        );
        assert_coded(
            EpisodeAction::ALL,
            EpisodeAction::code,
            EpisodeAction::from_code,
            EpisodeAction::label,
        );
        assert_coded(
            CourseRole::ALL,
            CourseRole::code,
            CourseRole::from_code,
            CourseRole::label,
        );
        assert_eq!(ReadPolicy::default(), ReadPolicy::CareTeam);
    }

    #[test]
    fn default_table_keeps_course_changes_to_coordinators_and_the_lead() {
        use CourseRole::*;
        let p = EpisodePermissions::default();
        for a in EpisodeAction::ALL {
            assert!(p.permits(*a, &[Coordinator]).is_some(), "{a:?}");
            assert!(p.permits(*a, &[TeamLead]).is_some(), "{a:?}");
        }
        for a in [
            EpisodeAction::ChangeLevel,
            EpisodeAction::NameMembers,
            EpisodeAction::Close,
            EpisodeAction::GiveAccess,
        ] {
            assert_eq!(p.permits(a, &[Member]), None, "{a:?}");
        }
        assert_eq!(
            p.permits(EpisodeAction::NameMembers, &[IntakeMember]),
            Some(IntakeMember)
        );
        assert_eq!(p.permits(EpisodeAction::Close, &[IntakeMember]), None);
        assert_eq!(p.permits(EpisodeAction::Close, &[]), None);
    }
}
