//! Goals, the individual plan (IP) and responsibility-group meetings (issue 10).
//!
//! The individual plan follows the regulation on habilitation, rehabilitation, individual plans
//! and coordinators (2022): it needs the person's consent, and it is shared with the plan's
//! participants only when the person has consented to that too. These are the rules that need no
//! database: the closed vocabularies, the plan period, the revision signal, task due dates and the
//! consent rule for participants outside the team.

use chrono::NaiveDate;

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};

coded_enum! {
    /// Where one of the person's own goals stands.
    pub enum GoalStatus {
        /// Being worked on.
        Active => "active", nb: "aktivt", en: "active";
        /// Reached.
        Reached => "reached", nb: "nådd", en: "reached";
        /// Changed by the person (a new goal usually replaces it).
        Changed => "changed", nb: "endret", en: "changed";
        /// Dropped.
        Dropped => "dropped", nb: "avsluttet", en: "dropped";
    }
}

coded_enum! {
    /// Who a plan participant or a responsibility-group attendee is.
    pub enum ParticipantKind {
        /// A member of the team's staff (has a Benk account).
        Staff => "staff", nb: "ansatt i teamet", en: "team staff";
        /// The person's GP (fastlege).
        Gp => "gp", nb: "fastlege", en: "GP";
        /// NAV outside the team.
        Nav => "nav", nb: "NAV", en: "NAV";
        /// The housing office.
        HousingOffice => "housing_office", nb: "boligkontoret", en: "housing office";
        /// A relative or someone close (pårørende).
        Relative => "relative", nb: "pårørende", en: "relative";
        /// Another service or person.
        Other => "other", nb: "annen", en: "other";
    }
}

impl ParticipantKind {
    /// Whether the participant is outside the team (named only: they see nothing in Benk).
    pub fn is_external(self) -> bool {
        self != ParticipantKind::Staff
    }
}

coded_enum! {
    /// Where a task from a responsibility-group meeting stands.
    pub enum TaskStatus {
        /// Still to do.
        Open => "open", nb: "åpen", en: "open";
        /// Done.
        Done => "done", nb: "utført", en: "done";
        /// No longer needed.
        Cancelled => "cancelled", nb: "avlyst", en: "cancelled";
    }
}

/// Days before the next revision date from which a plan shows "revision due".
pub const REVISION_DUE_DAYS: i64 = 30;

/// Where a plan stands against its next revision date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    /// More than [`REVISION_DUE_DAYS`] days to go (or no date set).
    Ok,
    /// Within [`REVISION_DUE_DAYS`] days.
    DueSoon,
    /// The date has passed.
    Overdue,
}

impl RevisionState {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            RevisionState::Ok => "ok",
            RevisionState::DueSoon => "due_soon",
            RevisionState::Overdue => "overdue",
        }
    }
}

/// The revision signal for a plan whose next revision is `next` (or the end of its period when
/// no revision date is set), on `today`.
pub fn revision_state(next: Option<NaiveDate>, today: NaiveDate) -> RevisionState {
    match next {
        None => RevisionState::Ok,
        Some(d) if d < today => RevisionState::Overdue,
        Some(d) if (d - today).num_days() <= REVISION_DUE_DAYS => RevisionState::DueSoon,
        Some(_) => RevisionState::Ok,
    }
}

/// Whether an open task is overdue on `today` (due before today; a task due today is not).
pub fn task_overdue(status: TaskStatus, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == TaskStatus::Open && due.is_some_and(|d| d < today)
}

/// What is wrong with a plan or a meeting, naming the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError {
    /// The plan period ends before it starts (`period_end`).
    PeriodEndBeforeStart,
    /// The next revision lies before the plan period's start (`next_revision_on`).
    RevisionBeforeStart,
    /// Consent to the plan is dated after today (`consent_on`).
    ConsentInFuture,
    /// The copy was given before the person consented to the plan (`copy_given_on`).
    CopyBeforeConsent,
    /// Participants outside the team without the person's consent to sharing (`share_consent`).
    SharingWithoutConsent,
    /// A task is due before the meeting that gave it (`due_on`).
    DueBeforeMeeting,
    /// A meeting dated in the future cannot have minutes yet (`held_on`).
    MeetingInFuture,
}

impl Localized for PlanError {
    fn code(&self) -> &'static str {
        match self {
            Self::PeriodEndBeforeStart => "period_end_before_start",
            Self::RevisionBeforeStart => "revision_before_start",
            Self::ConsentInFuture => "date_in_future",
            Self::CopyBeforeConsent => "copy_before_consent",
            Self::SharingWithoutConsent => "sharing_without_consent",
            Self::DueBeforeMeeting => "due_before_meeting",
            Self::MeetingInFuture => "date_in_future",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (nb, en) = match self {
            Self::PeriodEndBeforeStart => (
                "Planperioden kan ikke slutte før den starter.",
                "The plan period cannot end before it starts.",
            ),
            Self::RevisionBeforeStart => (
                "Neste revisjon kan ikke være før planperioden starter.",
                "The next revision cannot be before the plan period starts.",
            ),
            Self::ConsentInFuture => (
                "Samtykket kan ikke være datert fram i tid.",
                "The consent cannot be dated in the future.",
            ),
            Self::CopyBeforeConsent => (
                "Kopien kan ikke være gitt før personen samtykket til planen.",
                "The copy cannot have been given before the person consented to the plan.",
            ),
            Self::SharingWithoutConsent => (
                "Personen har ikke samtykket til at planen deles med deltakerne. Uten samtykke kan planen ikke ha deltakere utenfor teamet.",
                "The person has not consented to sharing the plan with its participants. Without consent the plan cannot have participants outside the team.",
            ),
            Self::DueBeforeMeeting => (
                "Fristen kan ikke være før møtet.",
                "The due date cannot be before the meeting.",
            ),
            Self::MeetingInFuture => (
                "Et møte med referat kan ikke være fram i tid.",
                "A meeting with minutes cannot be in the future.",
            ),
        };
        match lang {
            Lang::Nb => nb.into(),
            Lang::En => en.into(),
        }
    }
}

/// The dates of a plan version, checked together. Returns every problem with the field it names.
pub fn check_plan_dates(
    consent_on: NaiveDate,
    period_start: NaiveDate,
    period_end: Option<NaiveDate>,
    next_revision_on: Option<NaiveDate>,
    copy_given_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(&'static str, PlanError)> {
    let mut out = Vec::new();
    if consent_on > today {
        out.push(("consent_on", PlanError::ConsentInFuture));
    }
    if period_end.is_some_and(|e| e < period_start) {
        out.push(("period_end", PlanError::PeriodEndBeforeStart));
    }
    if next_revision_on.is_some_and(|r| r < period_start) {
        out.push(("next_revision_on", PlanError::RevisionBeforeStart));
    }
    if copy_given_on.is_some_and(|c| c < consent_on) {
        out.push(("copy_given_on", PlanError::CopyBeforeConsent));
    }
    out
}

/// The consent rule for sharing: participants outside the team may be listed only when the
/// person has consented to sharing the plan with its participants.
pub fn check_sharing(
    share_consent: bool,
    participants: impl IntoIterator<Item = ParticipantKind>,
) -> Result<(), PlanError> {
    if !share_consent && participants.into_iter().any(ParticipantKind::is_external) {
        return Err(PlanError::SharingWithoutConsent);
    }
    Ok(())
}

/// A task's due date against its meeting's day.
pub fn check_due(held_on: NaiveDate, due_on: Option<NaiveDate>) -> Result<(), PlanError> {
    if due_on.is_some_and(|d| d < held_on) {
        return Err(PlanError::DueBeforeMeeting);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn vocabularies() {
        assert_coded(
            GoalStatus::ALL,
            GoalStatus::code,
            GoalStatus::from_code,
            GoalStatus::label,
        );
        assert_coded(
            ParticipantKind::ALL,
            ParticipantKind::code,
            ParticipantKind::from_code,
            ParticipantKind::label,
        );
        assert_coded(
            TaskStatus::ALL,
            TaskStatus::code,
            TaskStatus::from_code,
            TaskStatus::label,
        );
    }

    #[test]
    fn revision_signal_30_days_ahead_and_overdue() {
        let today = d(2026, 12, 1);
        assert_eq!(revision_state(None, today), RevisionState::Ok);
        assert_eq!(
            revision_state(Some(d(2027, 1, 1)), today),
            RevisionState::Ok
        );
        assert_eq!(
            revision_state(Some(d(2026, 12, 31)), today),
            RevisionState::DueSoon
        );
        assert_eq!(revision_state(Some(today), today), RevisionState::DueSoon);
        assert_eq!(
            revision_state(Some(d(2026, 11, 30)), today),
            RevisionState::Overdue
        );
    }

    #[test]
    fn overdue_only_when_open_and_past() {
        let today = d(2026, 12, 1);
        assert!(task_overdue(TaskStatus::Open, Some(d(2026, 11, 30)), today));
        assert!(!task_overdue(TaskStatus::Open, Some(today), today));
        assert!(!task_overdue(TaskStatus::Open, None, today));
        assert!(!task_overdue(TaskStatus::Done, Some(d(2026, 11, 1)), today));
    }

    #[test]
    fn plan_dates_name_their_fields() {
        let today = d(2026, 12, 1);
        assert!(
            check_plan_dates(today, today, Some(today), Some(today), Some(today), today).is_empty()
        );
        let errs = check_plan_dates(
            d(2026, 12, 2),
            d(2026, 6, 1),
            Some(d(2026, 5, 31)),
            Some(d(2026, 5, 1)),
            Some(d(2026, 12, 1)),
            today,
        );
        let fields: Vec<_> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "consent_on",
                "period_end",
                "next_revision_on",
                "copy_given_on"
            ]
        );
        assert_eq!(errs[1].1.code(), "period_end_before_start");
    }

    #[test]
    fn externals_need_share_consent() {
        use ParticipantKind::*;
        assert!(check_sharing(false, [Staff, Staff]).is_ok());
        assert_eq!(
            check_sharing(false, [Staff, Gp]),
            Err(PlanError::SharingWithoutConsent)
        );
        assert!(check_sharing(true, [Gp, Relative, Nav, HousingOffice]).is_ok());
    }

    #[test]
    fn due_not_before_meeting() {
        let m = d(2026, 12, 1);
        assert!(check_due(m, None).is_ok());
        assert!(check_due(m, Some(m)).is_ok());
        assert_eq!(
            check_due(m, Some(d(2026, 11, 30))),
            Err(PlanError::DueBeforeMeeting)
        );
        assert!(!PlanError::DueBeforeMeeting.message(Lang::Nb).is_empty());
    }
}
