//! The measures aggregate: `measures` (GAF, ORS, SRS, with corrections and retractions as new
//! rows), `measure_policies` (a team's measurement points), and the SPoR interview
//! (`spor_rounds`, `spor_interviews`, `spor_answers`).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

/// One stored measure (a current version unless read as history).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeasureRow {
    /// Id.
    pub id: Uuid,
    /// Client.
    pub client_id: Uuid,
    /// `MeasureKind` code.
    pub kind: String,
    /// The day measured.
    pub measured_on: NaiveDate,
    /// GAF symptom score.
    pub gaf_symptom: Option<i64>,
    /// GAF function score.
    pub gaf_function: Option<i64>,
    /// ORS/SRS items in tenths.
    pub item1: Option<i64>,
    /// Item 2.
    pub item2: Option<i64>,
    /// Item 3.
    pub item3: Option<i64>,
    /// Item 4.
    pub item4: Option<i64>,
    /// The version this one corrects.
    pub supersedes_id: Option<Uuid>,
    /// Why it was corrected.
    pub reason: Option<String>,
    /// Author.
    pub recorded_by: Uuid,
    /// Author's name.
    pub recorded_by_name: String,
    /// The employer that owns it.
    pub owner_org_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether a later row supersedes it.
    pub superseded: bool,
    /// Whether this row retracts the one it supersedes.
    pub retracted: bool,
}

pub(crate) const COLS: &str = "m.id, m.client_id, m.kind, m.measured_on, CAST(m.gaf_symptom AS BIGINT) AS gaf_symptom, \
     CAST(m.gaf_function AS BIGINT) AS gaf_function, CAST(m.item1 AS BIGINT) AS item1, \
     CAST(m.item2 AS BIGINT) AS item2, CAST(m.item3 AS BIGINT) AS item3, CAST(m.item4 AS BIGINT) AS item4, \
     m.supersedes_id, m.reason, m.recorded_by, s.name AS recorded_by_name, o.name AS owner_org_name, m.created_at, \
     EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id) AS superseded, m.retracted \
     FROM measures m JOIN staff s ON s.id = m.recorded_by JOIN organisations o ON o.id = m.owner_org_id";

/// Who recorded a row, for whom, and when.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    /// Client.
    pub client: Uuid,
    /// The client's team.
    pub team: Uuid,
    /// Staff member.
    pub by: Uuid,
    /// Their employer.
    pub owner_org: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// A measure's values: GAF (symptom, function) or four items in tenths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// GAF.
    Gaf {
        /// Symptom, 1–100.
        symptom: i64,
        /// Function, 1–100.
        function: i64,
    },
    /// ORS or SRS items, tenths 0–100.
    Items(&'static str, [i64; 4]),
}

/// Inserts a measure; `supersedes` and `reason` for a correction, `external_id` for an import.
pub fn insert(
    id: Uuid,
    r: Recorded,
    v: Values,
    measured_on: NaiveDate,
    supersedes: Option<(Uuid, &str)>,
    external_id: Option<&str>,
) -> Stmt {
    let (kind, gs, gf, it) = match v {
        Values::Gaf { symptom, function } => ("gaf", Some(symptom), Some(function), None),
        Values::Items(k, i) => (k, None, None, Some(i)),
    };
    Stmt::new(
        "INSERT INTO measures (id, client_id, team_id, kind, measured_on, gaf_symptom, gaf_function, item1, item2, \
         item3, item4, supersedes_id, retracted, reason, recorded_by, owner_org_id, created_at, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        crate::args![
            id,
            r.client,
            r.team,
            kind,
            measured_on,
            gs,
            gf,
            it.map(|i| i[0]),
            it.map(|i| i[1]),
            it.map(|i| i[2]),
            it.map(|i| i[3]),
            supersedes.map(|s| s.0),
            false,
            supersedes.map(|s| s.1),
            r.by,
            r.owner_org,
            r.at,
            external_id
        ],
    )
}

/// Retracts a measure: a row that copies it, marked retracted, superseding it (one row, or
/// `NotFound` when the measure is not the client's).
pub fn retract(
    id: Uuid,
    of: Uuid,
    client: Uuid,
    reason: &str,
    by: Uuid,
    org: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::one(
        "INSERT INTO measures (id, client_id, team_id, kind, measured_on, gaf_symptom, gaf_function, item1, item2, \
         item3, item4, supersedes_id, retracted, reason, recorded_by, owner_org_id, created_at) \
         SELECT $1, client_id, team_id, kind, measured_on, gaf_symptom, gaf_function, item1, item2, item3, item4, \
         id, $4, $5, $6, $7, $8 FROM measures WHERE id = $2 AND client_id = $3",
        crate::args![id, of, client, true, reason, by, org, at],
    )
}

/// A person's current measures (neither superseded nor retracted), oldest first.
pub async fn current(mut ex: impl Exec, client: Uuid) -> Result<Vec<MeasureRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {COLS} WHERE m.client_id = $1 AND NOT m.retracted \
             AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id) \
             ORDER BY m.measured_on, m.created_at, m.id"
        ),
        crate::args![client],
    )
    .await
}

/// Every row of the person's measures of one kind, current or not, oldest first (a measure's
/// version history is a line through them).
pub async fn all_of_kind(
    mut ex: impl Exec,
    client: Uuid,
    kind: &str,
) -> Result<Vec<MeasureRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {COLS} WHERE m.client_id = $1 AND m.kind = $2 ORDER BY m.created_at, m.id"
        ),
        crate::args![client, kind],
    )
    .await
}

/// One stored version of a measure of the client (current or not).
pub async fn by_id(
    mut ex: impl Exec,
    client: Uuid,
    id: Uuid,
) -> Result<Option<MeasureRow>, sqlx::Error> {
    ex.opt(
        &format!("SELECT {COLS} WHERE m.id = $1 AND m.client_id = $2"),
        crate::args![id, client],
    )
    .await
}

/// Which client a measure belongs to.
pub async fn client_of(mut ex: impl Exec, id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    ex.opt(
        "SELECT client_id FROM measures WHERE id = $1",
        crate::args![id],
    )
    .await
    .map(|r: Option<(Uuid,)>| r.map(|t| t.0))
}

/// The current measures of a team (kind and date per client), for the measurement points.
pub async fn team_dates(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, String, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT m.client_id, m.kind, m.measured_on FROM measures m WHERE m.team_id = $1 AND NOT m.retracted \
         AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id) ORDER BY m.client_id, m.measured_on",
        crate::args![team],
    )
    .await
}

/// [`team_dates`] measured from `from` to `to` (inclusive): the activity report's measures due
/// need only those near the points whose window closes in its period.
pub async fn team_dates_between(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Uuid, String, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT m.client_id, m.kind, m.measured_on FROM measures m WHERE m.team_id = $1 \
         AND m.measured_on >= $2 AND m.measured_on <= $3 AND NOT m.retracted \
         AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id) ORDER BY m.client_id, m.measured_on",
        crate::args![team, from, to],
    )
    .await
}

/// A team's measurement policy: (months, window_days, required), if one is set.
pub async fn policy(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Option<(String, i64, String)>, sqlx::Error> {
    ex.opt(
        "SELECT months, CAST(window_days AS BIGINT), required FROM measure_policies WHERE team_id = $1",
        crate::args![team],
    )
    .await
}

/// Sets a team's measurement policy (insert or replace).
pub fn set_policy(
    team: Uuid,
    months: &str,
    window_days: i64,
    required: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO measure_policies (team_id, months, window_days, required, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (team_id) DO UPDATE SET months = excluded.months, \
         window_days = excluded.window_days, required = excluded.required, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
        crate::args![team, months, window_days, required, by, at],
    )
}

/// A person with an open course whose measurement points are listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Followed {
    /// Client.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Included on.
    pub included_on: NaiveDate,
    /// Why the reader sees them (`Visible`'s basis).
    pub basis: String,
}

/// The people of a team with an open course that the rule `v` lets the reader see; with
/// `mine`, only those whose course the reader is a member of. `v` must be built for alias `c`
/// with staff `$1`, date `$2` and further values from `$5`.
pub async fn followed(
    mut ex: impl Exec,
    v: Visible,
    team: Uuid,
    staff: Uuid,
    today: NaiveDate,
    mine: bool,
) -> Result<Vec<Followed>, sqlx::Error> {
    let sql = format!(
        "SELECT * FROM (SELECT c.id, c.name, e.included_on, {} AS basis FROM clients c \
         JOIN episodes e ON e.client_id = c.id AND e.team_id = c.team_id AND e.closed_on IS NULL \
         WHERE c.team_id = $3 AND ($4 = 0 OR EXISTS (SELECT 1 FROM episode_members em \
         WHERE em.episode_id = e.id AND em.staff_id = $1 AND em.left_at IS NULL))) x \
         WHERE x.basis IS NOT NULL ORDER BY x.name, x.id",
        v.basis_sql
    );
    let mut args = crate::args![staff, today, team, i64::from(mine)];
    args.extend(v.args);
    ex.all(&sql, args).await
}

/// Inserts a SPoR interview round.
#[allow(clippy::too_many_arguments)]
pub fn insert_round(
    id: Uuid,
    team: Uuid,
    name: &str,
    started_on: NaiveDate,
    by: Uuid,
    org: Uuid,
    at: DateTime<Utc>,
    external_id: Option<&str>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO spor_rounds (id, team_id, name, started_on, created_by, owner_org_id, created_at, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        crate::args![id, team, name, started_on, by, org, at, external_id],
    )
}

/// A round: (id, name, started_on).
pub async fn rounds(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, String, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT id, name, started_on FROM spor_rounds WHERE team_id = $1 ORDER BY started_on DESC, name",
        crate::args![team],
    )
    .await
}

/// The team of a round.
pub async fn round_team(mut ex: impl Exec, round: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    ex.opt(
        "SELECT team_id FROM spor_rounds WHERE id = $1",
        crate::args![round],
    )
    .await
    .map(|r: Option<(Uuid,)>| r.map(|t| t.0))
}

/// What a SPoR interview records besides the answers.
#[derive(Debug, Clone)]
pub struct InterviewFields<'a> {
    /// Round.
    pub round: Uuid,
    /// Day.
    pub interviewed_on: NaiveDate,
    /// Who interviewed.
    pub interviewer: &'a str,
    /// The person's municipality.
    pub municipality: &'a str,
    /// Age.
    pub age: i64,
    /// Years of contact with the services.
    pub contact_years: i64,
    /// Import id.
    pub external_id: Option<&'a str>,
}

/// Inserts an interview; its answers are [`insert_answer`]s in the same write.
pub fn insert_interview(id: Uuid, r: Recorded, f: &InterviewFields<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO spor_interviews (id, round_id, client_id, team_id, interviewed_on, interviewer, municipality, \
         age, contact_years, recorded_by, owner_org_id, created_at, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        crate::args![
            id,
            f.round,
            r.client,
            r.team,
            f.interviewed_on,
            f.interviewer,
            f.municipality,
            f.age,
            f.contact_years,
            r.by,
            r.owner_org,
            r.at,
            f.external_id
        ],
    )
}

/// Inserts a corrected version of an interview, superseding `supersedes` with a reason; its
/// answers are [`insert_answer`]s in the same write.
pub fn insert_interview_correction(
    id: Uuid,
    r: Recorded,
    f: &InterviewFields<'_>,
    supersedes: Uuid,
    reason: &str,
) -> Stmt {
    Stmt::new(
        "INSERT INTO spor_interviews (id, round_id, client_id, team_id, interviewed_on, interviewer, municipality, \
         age, contact_years, recorded_by, owner_org_id, created_at, supersedes_id, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        crate::args![
            id,
            f.round,
            r.client,
            r.team,
            f.interviewed_on,
            f.interviewer,
            f.municipality,
            f.age,
            f.contact_years,
            r.by,
            r.owner_org,
            r.at,
            supersedes,
            reason
        ],
    )
}

/// An interview of the person for a correction: (round, recorded by, already superseded).
pub async fn interview_for_correction(
    mut ex: impl Exec,
    client: Uuid,
    id: Uuid,
) -> Result<Option<(Uuid, Uuid, bool)>, sqlx::Error> {
    ex.opt(
        "SELECT i.round_id, i.recorded_by, \
         EXISTS (SELECT 1 FROM spor_interviews n WHERE n.supersedes_id = i.id) AS superseded \
         FROM spor_interviews i WHERE i.id = $1 AND i.client_id = $2",
        crate::args![id, client],
    )
    .await
}

/// Inserts one answer: a scale score in tenths or a text.
pub fn insert_answer(
    interview: Uuid,
    question: i64,
    score: Option<i64>,
    text: Option<&str>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO spor_answers (interview_id, question, score, answer) VALUES ($1, $2, $3, $4)",
        crate::args![interview, question, score, text],
    )
}

/// An interview as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InterviewRow {
    /// Id.
    pub id: Uuid,
    /// Round.
    pub round_id: Uuid,
    /// Round name.
    pub round_name: String,
    /// Client.
    pub client_id: Uuid,
    /// Day.
    pub interviewed_on: NaiveDate,
    /// Interviewer.
    pub interviewer: String,
    /// Municipality.
    pub municipality: String,
    /// Age.
    pub age: i64,
    /// Years of contact.
    pub contact_years: i64,
    /// Recorded by (staff id).
    pub recorded_by: Uuid,
    /// Recorded by.
    pub recorded_by_name: String,
    /// The version this one corrects, if any.
    pub supersedes_id: Option<Uuid>,
    /// Why it was corrected.
    pub reason: Option<String>,
}

/// Current versions only: an interview no later version supersedes.
pub const CURRENT_INTERVIEW: &str =
    "NOT EXISTS (SELECT 1 FROM spor_interviews n WHERE n.supersedes_id = i.id)";

const INTERVIEW_COLS: &str = "i.id, i.round_id, r.name AS round_name, i.client_id, i.interviewed_on, i.interviewer, \
     i.municipality, CAST(i.age AS BIGINT) AS age, CAST(i.contact_years AS BIGINT) AS contact_years, \
     i.recorded_by, s.name AS recorded_by_name, i.supersedes_id, i.reason FROM spor_interviews i JOIN spor_rounds r ON r.id = i.round_id \
     JOIN staff s ON s.id = i.recorded_by";

/// A person's interviews, newest first.
pub async fn interviews_of_client(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Vec<InterviewRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {INTERVIEW_COLS} WHERE i.client_id = $1 AND {CURRENT_INTERVIEW} ORDER BY i.interviewed_on DESC, i.id"
        ),
        crate::args![client],
    )
    .await
}

/// A person's interview versions that a correction superseded, newest first.
pub async fn earlier_interviews_of_client(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Vec<InterviewRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {INTERVIEW_COLS} WHERE i.client_id = $1 AND NOT {CURRENT_INTERVIEW} \
             ORDER BY i.created_at DESC, i.id DESC"
        ),
        crate::args![client],
    )
    .await
}

/// A round's interviews.
pub async fn interviews_of_round(
    mut ex: impl Exec,
    round: Uuid,
) -> Result<Vec<InterviewRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {INTERVIEW_COLS} WHERE i.round_id = $1 AND {CURRENT_INTERVIEW} \
             ORDER BY i.interviewed_on, i.id"
        ),
        crate::args![round],
    )
    .await
}

/// The answers of some interviews: (interview, question, score in tenths, text).
pub async fn answers(
    mut ex: impl Exec,
    interviews: &[Uuid],
) -> Result<Vec<(Uuid, i64, Option<i64>, Option<String>)>, sqlx::Error> {
    if interviews.is_empty() {
        return Ok(Vec::new());
    }
    let ph: Vec<String> = (1..=interviews.len()).map(|i| format!("${i}")).collect();
    let args = interviews.iter().map(|u| (*u).into()).collect();
    ex.all(
        &format!(
            "SELECT interview_id, CAST(question AS BIGINT), CAST(score AS BIGINT), answer FROM spor_answers \
             WHERE interview_id IN ({}) ORDER BY interview_id, question",
            ph.join(", ")
        ),
        args,
    )
    .await
}

/// The inclusion date of the person's open course in the team, if any.
pub async fn open_course(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    ex.opt(
        "SELECT included_on FROM episodes WHERE client_id = $1 AND team_id = $2 AND closed_on IS NULL",
        crate::args![client, team],
    )
    .await
    .map(|r: Option<(NaiveDate,)>| r.map(|t| t.0))
}
