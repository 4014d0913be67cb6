//! Reports (issue 11): the team's report settings and the aggregate reads the reports are
//! computed from. Every read here is of one team; none returns names of the people served.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::db::{Backend, Val};

/// The team's report settings row: (threshold, cost per inpatient day, co-financing percent,
/// fidelity targets JSON).
pub async fn settings(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Option<(i64, i64, i64, String)>, sqlx::Error> {
    ex.opt(
        "SELECT CAST(small_threshold AS BIGINT), CAST(cost_per_inpatient_day AS BIGINT), \
         CAST(co_financing_percent AS BIGINT), fidelity_targets FROM report_settings WHERE team_id = $1",
        crate::args![team],
    )
    .await
}

/// Sets the team's report settings (insert or replace).
pub fn set_settings(
    team: Uuid,
    values: (i64, i64, i64, &str),
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    let (threshold, cost, share, targets) = values;
    Stmt::new(
        "INSERT INTO report_settings (team_id, small_threshold, cost_per_inpatient_day, co_financing_percent, \
         fidelity_targets, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (team_id) DO UPDATE SET small_threshold = excluded.small_threshold, \
         cost_per_inpatient_day = excluded.cost_per_inpatient_day, co_financing_percent = excluded.co_financing_percent, \
         fidelity_targets = excluded.fidelity_targets, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        crate::args![team, threshold, cost, share, targets, by, at],
    )
}

/// A SPoR interview as the survey report needs it (no name, no client id).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SporRow {
    /// Interview id (to fetch the answers).
    pub id: Uuid,
    /// Round name.
    pub round_name: String,
    /// Where the person lives.
    pub municipality: String,
    /// Age as given.
    pub age: i64,
    /// Years of contact as given.
    pub contact_years: i64,
}

/// The team's SPoR interviews held from `from` to `to` (inclusive), optionally of one round.
pub async fn spor_interviews(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SporRow>, sqlx::Error> {
    ex.all(
        "SELECT i.id, r.name AS round_name, i.municipality, CAST(i.age AS BIGINT) AS age, \
         CAST(i.contact_years AS BIGINT) AS contact_years FROM spor_interviews i \
         JOIN spor_rounds r ON r.id = i.round_id WHERE i.team_id = $1 AND i.interviewed_on >= $2 \
         AND i.interviewed_on <= $3 \
         AND NOT EXISTS (SELECT 1 FROM spor_interviews n WHERE n.supersedes_id = i.id) \
         ORDER BY r.started_on, r.name, i.interviewed_on, i.id",
        crate::args![team, from, to],
    )
    .await
}

/// One contact of the team in the period: (person, when, kind, met).
pub async fn contacts(
    mut ex: impl Exec,
    team: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>, String, bool)>, sqlx::Error> {
    ex.all(
        "SELECT client_id, occurred_at, kind, met FROM contacts WHERE team_id = $1 \
         AND occurred_at >= $2 AND occurred_at < $3",
        crate::args![team, from, until],
    )
    .await
}

/// Norway's UTC offset over a span, as [`crate::time::oslo_offsets`] gives it: the offset at
/// the start (seconds) and each change (instant, new offset).
pub type Offsets = (i32, Vec<(DateTime<Utc>, i32)>);

/// SQL for the day in Norway of the instant column `col` ([`crate::time::oslo_date`], in the
/// database): the offsets' change instants are bound as `$first_param`, `$first_param + 1`, ….
fn oslo_day_sql(
    backend: Backend,
    col: &str,
    (first, changes): &Offsets,
    first_param: usize,
) -> String {
    let shift = |secs: i32| match backend {
        Backend::Sqlite => format!("'{secs:+} seconds'"),
        Backend::Postgres => format!("INTERVAL '{secs} seconds'"),
    };
    let offset = if changes.is_empty() {
        shift(*first)
    } else {
        let mut sql = String::from("CASE");
        let mut before = *first;
        for (i, (_, after)) in changes.iter().enumerate() {
            let _ = write!(
                sql,
                " WHEN {col} < ${} THEN {}",
                first_param + i,
                shift(before)
            );
            before = *after;
        }
        let _ = write!(sql, " ELSE {} END", shift(before));
        sql
    };
    match backend {
        Backend::Sqlite => format!("date({col}, {offset})"),
        Backend::Postgres => format!("CAST(({col} AT TIME ZONE 'UTC') + {offset} AS DATE)"),
    }
}

/// The period's contacts counted in the database, as the activity report needs them. Each row
/// is either a group: (level of effort on the day, kind, met, the first day of the month (days
/// in Norway), contacts, 0), or, with no kind, met or month, the different people with a contact
/// at that level: (level, None, None, None, 0, people). The level on the day is the person's
/// last level row (by from date, then by when it was set) from that day or before, as
/// [`levels`] is read; `None`: no level.
///
/// Counting in the database rather than reading every contact: a team of 5 000 people has
/// 250 000 contacts a year, and decoding them one by one (a timestamp parsed each) was most of
/// the report's time. The people per level are the distinct (level, person) pairs counted, not
/// `COUNT(DISTINCT …)`: PostgreSQL hashes the pairs in memory where `COUNT(DISTINCT)` sorted
/// all 250 000 rows on disk (`EXPLAIN ANALYZE`: 140 → 50 ms); SQLite sorts either way.
pub async fn contact_counts(
    mut ex: impl Exec,
    team: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    offsets: &Offsets,
) -> Result<Vec<ContactCountRow>, sqlx::Error> {
    let backend = ex.backend();
    let day = oslo_day_sql(backend, "occurred_at", offsets, 4);
    let month = match backend {
        Backend::Sqlite => "date(on_day, 'start of month')",
        Backend::Postgres => "CAST(on_day - CAST(EXTRACT(DAY FROM on_day) AS INTEGER) + 1 AS DATE)",
    };
    let sql = format!(
        "WITH lv AS (SELECT e.client_id, l.level AS lvl, l.from_date, \
         LEAD(l.from_date) OVER (PARTITION BY e.client_id ORDER BY l.from_date, l.set_at) AS until_on \
         FROM episode_levels l JOIN episodes e ON e.id = l.episode_id WHERE e.team_id = $1), \
         k AS (SELECT client_id, kind, met, {day} AS on_day FROM contacts WHERE team_id = $1 \
         AND occurred_at >= $2 AND occurred_at < $3), \
         j AS MATERIALIZED (SELECT k.client_id, k.kind, k.met, k.on_day, lv.lvl FROM k LEFT JOIN lv \
         ON lv.client_id = k.client_id AND lv.from_date <= k.on_day \
         AND (lv.until_on IS NULL OR k.on_day < lv.until_on)) \
         SELECT CAST(lvl AS BIGINT), kind, met, {month}, CAST(COUNT(*) AS BIGINT), CAST(0 AS BIGINT) \
         FROM j GROUP BY lvl, kind, met, {month} \
         UNION ALL SELECT CAST(lvl AS BIGINT), NULL, NULL, NULL, CAST(0 AS BIGINT), \
         CAST(COUNT(*) AS BIGINT) FROM (SELECT DISTINCT lvl, client_id FROM j) p GROUP BY lvl"
    );
    let mut args = crate::args![team, from, until];
    args.extend(offsets.1.iter().map(|(at, _)| Val::from(*at)));
    ex.all(&sql, args).await
}

/// The period's contacts counted by kind and met only: (kind, met, contacts). The same
/// contacts as [`contact_counts`] (the period's instants), without the level on the day or the
/// month, so the count is one pass over the team's covering index (`contacts_team_time`).
pub async fn contact_totals(
    mut ex: impl Exec,
    team: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(String, bool, i64)>, sqlx::Error> {
    ex.all(
        "SELECT kind, met, CAST(COUNT(*) AS BIGINT) FROM contacts WHERE team_id = $1 \
         AND occurred_at >= $2 AND occurred_at < $3 GROUP BY kind, met",
        crate::args![team, from, until],
    )
    .await
}

/// The period's contacts counted in the database, as the fidelity profile needs them
/// (`reports::fidelity::ContactTally`), per interval and for the whole period. An interval is
/// a calendar month (`months` 1) or quarter (`months` 3) of the day in Norway (as
/// [`contact_counts`]); a row is keyed by the interval's first calendar day (`None`: the whole
/// period `from`..`until`). Each interval has up to two rows, to be added up: (key, contacts,
/// met, in the community, 0, 0) and (key, 0, 0, 0, people met, people met by two or more
/// different workers). A met contact without staff makes its person seen, by no one.
///
/// Counting in the database rather than reading one row per contact and staff member: a team
/// of 5 000 people has 400 000 of them a year. A person is met by two or more workers when the
/// least and the greatest staff id of their met contacts differ (no `DISTINCT` over the
/// (person, staff) pairs: one sort fewer); a met contact with no staff gives neither.
pub async fn contact_tallies(
    mut ex: impl Exec,
    team: Uuid,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    offsets: &Offsets,
    months: u32,
) -> Result<Vec<TallyRow>, sqlx::Error> {
    let backend = ex.backend();
    let day = oslo_day_sql(backend, "occurred_at", offsets, 4);
    let key = match (backend, months) {
        (Backend::Sqlite, 3) => "date(on_day, 'start of month', \
             '-' || ((CAST(strftime('%m', on_day) AS INTEGER) - 1) % 3) || ' months')"
            .to_string(),
        (Backend::Sqlite, _) => "date(on_day, 'start of month')".to_string(),
        (Backend::Postgres, m) => format!(
            "CAST(date_trunc('{}', CAST(on_day AS TIMESTAMP)) AS DATE)",
            if m == 3 { "quarter" } else { "month" }
        ),
    };
    let community = benk_domain::ContactKind::ALL
        .iter()
        .filter(|k| k.in_community())
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let sums = format!(
        "CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN met THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind IN ({community}) THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(0 AS BIGINT), CAST(0 AS BIGINT)"
    );
    let people =
        "CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(COUNT(*) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN lo < hi THEN 1 ELSE 0 END), 0) AS BIGINT)";
    // Two or more different workers: the least and the greatest staff id differ (PostgreSQL
    // has no MIN of a uuid: its text, which tells them apart just as well).
    let staff = match backend {
        Backend::Sqlite => "cs.staff_id",
        Backend::Postgres => "CAST(cs.staff_id AS TEXT)",
    };
    let sql = format!(
        "WITH k AS MATERIALIZED (SELECT id, client_id, kind, met, {key} AS iv FROM \
         (SELECT id, client_id, kind, met, {day} AS on_day FROM contacts WHERE team_id = $1 \
         AND occurred_at >= $2 AND occurred_at < $3) d), \
         p AS MATERIALIZED (SELECT k.iv, k.client_id, MIN({staff}) AS lo, MAX({staff}) AS hi \
         FROM k LEFT JOIN contact_staff cs ON cs.contact_id = k.id WHERE k.met \
         GROUP BY k.iv, k.client_id), \
         w AS (SELECT client_id, MIN(lo) AS lo, MAX(hi) AS hi FROM p GROUP BY client_id) \
         SELECT iv, {sums} FROM k GROUP BY iv \
         UNION ALL SELECT NULL, {sums} FROM k \
         UNION ALL SELECT iv, {people} FROM p GROUP BY iv \
         UNION ALL SELECT NULL, {people} FROM w"
    );
    let mut args = crate::args![team, from, until];
    args.extend(offsets.1.iter().map(|(at, _)| Val::from(*at)));
    ex.all(&sql, args).await
}

/// A row of [`contact_tallies`].
pub type TallyRow = (Option<NaiveDate>, i64, i64, i64, i64, i64);

/// A row of [`contact_counts`].
pub type ContactCountRow = (
    Option<i64>,
    Option<String>,
    Option<bool>,
    Option<NaiveDate>,
    i64,
    i64,
);

/// The team's courses: (person, included on, closed on).
pub async fn episodes(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, NaiveDate, Option<NaiveDate>)>, sqlx::Error> {
    ex.all(
        "SELECT client_id, included_on, closed_on FROM episodes WHERE team_id = $1 ORDER BY client_id, included_on",
        crate::args![team],
    )
    .await
}

/// The level-of-effort history of the team's courses: (person, level, from date).
pub async fn levels(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, i64, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT e.client_id, CAST(l.level AS BIGINT), l.from_date FROM episode_levels l \
         JOIN episodes e ON e.id = l.episode_id WHERE e.team_id = $1 ORDER BY e.client_id, l.from_date, l.set_at",
        crate::args![team],
    )
    .await
}

/// How many open courses of the team each worker is coordinator in today: (staff, count).
pub async fn coordinator_counts(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT em.staff_id, CAST(COUNT(DISTINCT em.episode_id) AS BIGINT) FROM episode_members em \
         JOIN episodes e ON e.id = em.episode_id WHERE e.team_id = $1 AND e.closed_on IS NULL \
         AND em.left_at IS NULL AND em.role IN {} GROUP BY em.staff_id",
        super::caseload::COORDINATOR_ROLES
    );
    ex.all(&sql, crate::args![team]).await
}

/// A course as the fidelity profile reads it: (course, person, included on, closed on,
/// close reason code).
pub type CourseRow = (Uuid, Uuid, NaiveDate, Option<NaiveDate>, Option<String>);

/// The team's courses with how they ended.
pub async fn courses(mut ex: impl Exec, team: Uuid) -> Result<Vec<CourseRow>, sqlx::Error> {
    ex.all(
        "SELECT id, client_id, included_on, closed_on, close_reason FROM episodes WHERE team_id = $1 \
         ORDER BY client_id, included_on",
        crate::args![team],
    )
    .await
}

/// For each of the team's courses that came from a referral: (course, the referral's day of
/// receipt, the first contact from that day on (from midnight UTC: the stored day has no
/// time) where the person was met, if any). A seek on `contacts_client_met_time` per course.
pub async fn first_met_after_referral(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, NaiveDate, Option<DateTime<Utc>>)>, sqlx::Error> {
    ex.all(
        "SELECT e.id, r.received_on, \
         (SELECT MIN(k.occurred_at) FROM contacts k WHERE k.client_id = e.client_id AND k.met = $2 \
          AND k.team_id = e.team_id AND k.occurred_at >= r.received_on) AS first_met \
         FROM episodes e JOIN referrals r ON r.id = e.referral_id WHERE e.team_id = $1",
        crate::args![team, true],
    )
    .await
}

/// The team's contacts in the period with the staff who took part, one row per (contact,
/// staff member): (contact, person, when, kind, met, staff). A contact without staff has one
/// row with no staff. The fidelity profile counts in the database instead
/// ([`contact_tallies`]); this is the one-by-one read the store test checks those counts
/// against.
pub async fn contacts_with_staff(
    mut ex: impl Exec,
    team: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(Uuid, Uuid, DateTime<Utc>, String, bool, Option<Uuid>)>, sqlx::Error> {
    ex.all(
        "SELECT c.id, c.client_id, c.occurred_at, c.kind, c.met, cs.staff_id FROM contacts c \
         LEFT JOIN contact_staff cs ON cs.contact_id = c.id WHERE c.team_id = $1 \
         AND c.occurred_at >= $2 AND c.occurred_at < $3 ORDER BY c.id",
        crate::args![team, from, until],
    )
    .await
}

/// The team's established services of the given kinds: (the service's own person, the person
/// of the referral it counts for, service code, established on). Health content: read only
/// for health personnel.
pub async fn services_of_kinds(
    mut ex: impl Exec,
    team: Uuid,
    kinds: (&str, &str),
) -> Result<Vec<(Option<Uuid>, Option<Uuid>, String, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT s.client_id, r.client_id, s.service, s.established_on FROM established_services s \
         LEFT JOIN referrals r ON r.id = s.referral_id WHERE s.team_id = $1 AND s.service IN ($2, $3)",
        crate::args![team, kinds.0, kinds.1],
    )
    .await
}

/// One course of the C-Flex cohort: a course of the team that began in the period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CohortRow {
    /// The person (to count them once and to join their events; never shown).
    pub client_id: Uuid,
    /// The inclusion day.
    pub included_on: NaiveDate,
    /// The end of the course.
    pub closed_on: Option<NaiveDate>,
    /// `CloseReason` code.
    pub close_reason: Option<String>,
    /// The day the referral that led to it arrived.
    pub referred_on: Option<NaiveDate>,
}

/// The people of the team included from `from` to `to`, as a sub-select of client ids.
const COHORT: &str = "SELECT c.client_id FROM episodes c WHERE c.team_id = $1 \
     AND c.included_on >= $2 AND c.included_on <= $3";

/// The team's courses that began from `from` to `to` (inclusive).
pub async fn cohort(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CohortRow>, sqlx::Error> {
    ex.all(
        "SELECT e.client_id, e.included_on, e.closed_on, e.close_reason, r.received_on AS referred_on \
         FROM episodes e LEFT JOIN referrals r ON r.id = e.referral_id WHERE e.team_id = $1 \
         AND e.included_on >= $2 AND e.included_on <= $3 ORDER BY e.client_id, e.included_on",
        crate::args![team, from, to],
    )
    .await
}

/// A current registry event of the team, as the evaluation counts it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    /// The person.
    pub client_id: Uuid,
    /// `RegistryKind` code.
    pub kind: String,
    /// First (or only) day.
    pub starts_on: NaiveDate,
    /// Last day of a stay.
    pub ends_on: Option<NaiveDate>,
    /// Inpatient: compulsory care.
    pub compulsory: Option<bool>,
    /// Police: `PoliceKind` code.
    pub police_kind: Option<String>,
}

/// The current registry events the team holds on the people it included from `from` to `to`.
pub async fn registry_events(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EventRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT r.client_id, r.kind, r.starts_on, r.ends_on, r.compulsory, r.police_kind \
             FROM registry_events r WHERE r.team_id = $1 AND r.client_id IN ({COHORT}) AND {} \
             ORDER BY r.client_id, r.starts_on",
            super::registry::CURRENT
        ),
        crate::args![team, from, to],
    )
    .await
}

/// The team's current GAF and ORS measures of the people it included from `from` to `to`.
pub async fn gaf_ors(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<super::measures::MeasureRow>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {} WHERE m.team_id = $1 AND m.kind IN ('gaf', 'ors') AND m.client_id IN ({COHORT}) \
             AND NOT m.retracted AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id) \
             ORDER BY m.client_id, m.measured_on",
            super::measures::COLS
        ),
        crate::args![team, from, to],
    )
    .await
}

/// How many earlier releases a new release is compared with, at most (the latest), in each of
/// its two reads (on the read pool, and inside the writer command for those recorded since).
pub const RELEASES_COMPARED: i64 = 200;

/// An earlier release as read: (its number in the order the writer recorded the releases,
/// from, to, the shown numbers as JSON).
pub type ReleaseRow = (i64, NaiveDate, NaiveDate, String);

/// The earlier releases of a report that start or end on the same day as `from..to` (and are
/// not that very period) and were recorded after release number `after` (0: all), latest
/// first, at most [`RELEASES_COMPARED`]. Read on the read pool before the writer command, and
/// inside it for those recorded after the newest the first read saw (normally none).
pub async fn releases_sharing_an_end(
    mut ex: impl Exec,
    (team, report, options): (Uuid, &str, &str),
    (from, to): (NaiveDate, NaiveDate),
    after: i64,
) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    ex.all(
        "SELECT CAST(seq AS BIGINT), period_from, period_to, cells FROM report_releases \
         WHERE team_id = $1 AND report = $2 AND options = $3 \
         AND (period_from = $4 OR period_to = $5) AND NOT (period_from = $4 AND period_to = $5) \
         AND seq > $6 ORDER BY seq DESC LIMIT $7",
        crate::args![team, report, options, from, to, after, RELEASES_COMPARED],
    )
    .await
}

/// How many releases of a report a team has made (for the tests and the bench).
pub async fn release_count(
    mut ex: impl Exec,
    team: Uuid,
    report: &str,
) -> Result<i64, sqlx::Error> {
    ex.scalar_i64(
        "SELECT COUNT(*) FROM report_releases WHERE team_id = $1 AND report = $2",
        crate::args![team, report],
    )
    .await
}

/// A released copy of a report: what it showed.
pub struct NewRelease<'a> {
    /// Id.
    pub id: Uuid,
    /// The team (nil for the teams side by side).
    pub team: Uuid,
    /// The report's code.
    pub report: &'a str,
    /// The options beyond the period.
    pub options: &'a str,
    /// The period.
    pub from: NaiveDate,
    /// The period's last day.
    pub to: NaiveDate,
    /// When.
    pub at: DateTime<Utc>,
    /// The shown numbers as JSON.
    pub cells: &'a str,
}

/// Records a release, numbered after the latest (run it in the writer, whose transaction holds
/// the write lock, so the numbers follow the order of the commits).
pub fn record_release(r: &NewRelease<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO report_releases (id, team_id, report, options, period_from, period_to, released_at, cells, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT COALESCE(MAX(seq), 0) + 1 FROM report_releases))",
        crate::args![r.id, r.team, r.report, r.options, r.from, r.to, r.at, r.cells],
    )
}
