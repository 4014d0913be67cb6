//! Benk's domain: pure types and rules for integrated outreach teams, with no I/O.
//!
//! Every value from outside becomes one of these types at the edge ("parse, don't validate"):
//! each type's constructor is the only way in, and every error can explain itself in Norwegian
//! Bokmål or English through [`Localized`].

mod coded;

pub mod access;
pub mod caseload;
pub mod client;
pub mod contact;
pub mod daily;
pub mod date_range;
pub mod episode;
pub mod icd10;
pub mod intake;
pub mod keeping;
pub mod lang;
pub mod learning;
pub mod levels;
pub mod measures;
pub mod national_id;
pub mod org_number;
pub mod plan;
pub mod record;
pub mod referral;
pub mod registry;
pub mod release;
pub mod report;
pub mod staff;
pub mod stats;
pub mod target_group;
pub mod team_access;
pub mod workdays;

#[cfg(test)]
mod test_support;

pub use access::{scope_for, Purpose, Scope};
pub use caseload::{caseload_norm, over_norm, team_capacity, BoardOutcome};
pub use client::{
    BirthYear, BirthYearError, LongText, Municipality, MunicipalityError, PersonName,
    PersonNameError, Phone, PhoneError, ShortText, TextError,
};
pub use contact::{ContactError, ContactKind, ContactTopic};
pub use daily::{
    followed_in, housing_outcomes, BookingStatus, DropInService, Followed, HousingOutcomes,
    HousingQueueStatus, HousingStatus, Ratio, Recurrence, MAX_DAILY_COUNT,
};
pub use date_range::{Period, PeriodError};
pub use episode::{
    check_close, check_not_future, check_relative_consent, coordinator_pair_warning, CloseReason,
    DateField, EpisodeError, EpisodeRole, PairWarning, RgMemberKind,
};
pub use icd10::{
    f_blocks, FBlock, Icd10Code, Icd10CodeError, Icd10Pattern, Icd10PatternError, FHIR_SYSTEM_ICD10,
};
pub use intake::{
    check_participants, side_of, suggested_outcome, takes_part_in_assessment, Decision,
    DecisionInput, DecisionOutcome, IntakeError, LevelOfEffort, PsychosisCodes, RoutingReason,
    Side,
};
pub use keeping::{
    check_appointment_times, needs_contact_order, AppointmentError, ContactThresholds, KeepingState,
};
pub use lang::{Lang, Localized};
pub use learning::{
    builtin_factor, check_entry_date, check_evaluation_date, default_group_label, entry_title,
    group_letter, BuiltinFactor, EvaluationResult, LearningError, BUILTIN_FACTORS,
};
pub use levels::{
    contains_national_id, missing_for_level, Competence, GuidanceChannel, GuidanceStatus,
    LevelRequirement,
};
pub use measures::{
    check_age, check_contact_years, check_gaf, check_item, check_spor_score, gaf_change,
    measurement_points, ors_clinical, reliable_change, spor_question, srs_flagged, total,
    ChangeCategory, MeasureError, MeasureKind, MeasurePoint, MeasurePolicy, PointStatus,
    SporQuestion, Tenths, GAF_RELIABLE_CHANGE, ORS_CUTOFF, ORS_ITEMS, RELIABLE_CHANGE,
    SPOR_QUESTIONS, SRS_FLAG_BELOW, SRS_ITEMS,
};
pub use national_id::{NationalId, NationalIdError, NationalIdKind, UnsupportedIdKind};
pub use org_number::{OrgNumber, OrgNumberError};
pub use plan::{
    check_due, check_plan_dates, check_sharing, revision_state, task_overdue, GoalStatus,
    ParticipantKind, PlanError, RevisionState, TaskStatus, REVISION_DUE_DAYS,
};
pub use record::{EntryKind, SocialTopic};
pub use referral::{
    identifiable, AgencyKind, IdentityParts, Knowledge, ReferralChannel, ReferralError,
    ReferralStatus, Urgency,
};
pub use registry::{
    check_overlap, days_in_window, inclusion_side, window_totals, Counted, EmergencyPlace,
    InclusionSide, PoliceKind, RegistryError, RegistryKind, Stay, WindowTotals, Windows,
};
pub use report::{
    fmt1, percent, report_lines, round1, suppress_tables, At, Audience, Cell, CellRef, Chart,
    ChartKind, Line, Reference, Report, Section, Series, Table, L,
};
pub use staff::{
    health_personnel_basis, Fte, FteError, HealthPersonnelBasis, HprNumber, HprNumberError,
    OrgKind, Profession, TeamRole,
};
pub use stats::{period_key, summary, ReportPeriod, Summary};
pub use target_group::{
    check_established, check_routed_to, is_routed, offered_help, Criterion, CriterionItem,
    EstablishedService, TargetGroupCriteria, TargetGroupError,
};
pub use team_access::{CourseRole, EpisodeAction, EpisodePermissions, ReadBasis, ReadPolicy};
pub use workdays::{assessment_deadline, IntakeMeeting, ASSESSMENT_WORKING_DAYS};
