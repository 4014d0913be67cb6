//! Running a report: who may, the audit row, the team's report settings, and loading the
//! inputs of each report from the stores.
//!
//! Who: reports are aggregates for the team's working members (workers, intake members and the
//! team lead). The SPoR survey carries the free-text answers (person-level health content), so it
//! also needs health personnel, as the SPoR rounds do. Every run is audited `report.<name>`
//! with the format; a refusal is audited with its reason.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use benk_domain::release::{shown, to_withhold, Release};
use benk_domain::{
    caseload_norm, Audience, CloseReason, ContactKind, Counted, EstablishedService, MeasureKind,
    Report, TeamRole,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::is_health_personnel;
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::db::writer::{Decision, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

use super::activity::{ActivityInput, ContactCounts, ReferralIn, WorkerIn};
use super::fidelity::{ContactTallies, CourseIn, FidelityInput, FidelityTargets, PositionShare};
use super::spor::SporInput;
use super::tandem::{TandemInput, TREATMENT};

/// The reports of this round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportName {
    /// The SPoR user survey.
    Spor,
    /// Team activity.
    Activity,
    /// The Tandem follow-up.
    Tandem,
    /// The fidelity profile.
    Fidelity,
    /// The C-Flex evaluation.
    Cflex,
    /// Every team of the installation side by side.
    Teams,
    /// Referrals and intake.
    Referrals,
}

impl ReportName {
    /// Every report, in the order the list shows them.
    pub const ALL: [ReportName; 7] = [
        ReportName::Activity,
        ReportName::Referrals,
        ReportName::Spor,
        ReportName::Cflex,
        ReportName::Tandem,
        ReportName::Fidelity,
        ReportName::Teams,
    ];

    /// The name in URLs, the CLI and the audit action.
    pub fn code(self) -> &'static str {
        match self {
            ReportName::Spor => "spor",
            ReportName::Activity => "activity",
            ReportName::Tandem => "tandem",
            ReportName::Fidelity => "fidelity",
            ReportName::Cflex => "cflex",
            ReportName::Teams => "teams",
            ReportName::Referrals => "referrals",
        }
    }

    /// From the name in a URL or on the command line.
    pub fn from_code(s: &str) -> Option<ReportName> {
        ReportName::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// The team's report settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportSettings {
    /// Counts of people from 1 to this − 1 are hidden in exported and cross-team reports
    /// (2–100; default 5).
    #[schema(minimum = 2, maximum = 100)]
    pub small_threshold: i64,
    /// NOK per inpatient day, for the cost–benefit of the C-Flex evaluation (default 4000).
    #[schema(minimum = 0, maximum = 1000000)]
    pub cost_per_inpatient_day: i64,
    /// The municipality's co-financing share of inpatient days, percent (default 20).
    #[schema(minimum = 0, maximum = 100)]
    pub co_financing_percent: i64,
    /// The team's fidelity targets (for the fidelity profile).
    pub fidelity_targets: FidelityTargets,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            small_threshold: 5,
            cost_per_inpatient_day: 4000,
            co_financing_percent: 20,
            fidelity_targets: FidelityTargets::default(),
        }
    }
}

const WORKING: &[TeamRole] = &[TeamRole::Worker, TeamRole::IntakeMember, TeamRole::TeamLead];

async fn refuse(app: &App, actor: &Actor, action: &str, team: Uuid, why: &str) -> AppResult<()> {
    let mut d = actor.audit(action, Outcome::Denied);
    d.actor_team_id = Some(team);
    d.resources = format!("team:{team},none:{why}");
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(())
}

async fn load_settings(app: &App, team: Uuid) -> AppResult<ReportSettings> {
    Ok(match store::reports::settings(&app.db, team).await? {
        None => ReportSettings::default(),
        Some((small_threshold, cost, share, targets)) => ReportSettings {
            small_threshold,
            cost_per_inpatient_day: cost,
            co_financing_percent: share,
            // Targets stored before they were typed, or with a key no longer known, fall back
            // to the defaults.
            fidelity_targets: serde_json::from_str(&targets).unwrap_or_default(),
        },
    })
}

/// The team's report settings (any member of the team; not person data, not audited).
pub async fn settings(app: &App, actor: &Actor, team: Uuid) -> AppResult<ReportSettings> {
    if !actor.has_role_in(team, TeamRole::ALL) {
        refuse(
            app,
            actor,
            "report.settings_read",
            team,
            "not_a_member_of_the_team",
        )
        .await?;
        return Err(not_member());
    }
    load_settings(app, team).await
}

/// Sets the team's report settings (the team lead; audited `report.settings`).
pub async fn set_settings(
    app: &App,
    actor: &Actor,
    team: Uuid,
    s: &ReportSettings,
) -> AppResult<ReportSettings> {
    if !actor.has_role_in(team, &[TeamRole::TeamLead]) {
        refuse(app, actor, "report.settings", team, "not_team_lead").await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare teamlederen endrer teamets rapportinnstillinger. Forsøket er logget.",
            "Only the team lead changes the team's report settings. The attempt has been logged.",
        )));
    }
    let mut errs = Vec::new();
    if !(2..=100).contains(&s.small_threshold) {
        errs.push(FieldError::new(
            "small_threshold",
            "out_of_range",
            "Grensen for små tall må være fra 2 til 100.",
            "The small-number threshold must be from 2 to 100.",
        ));
    }
    if !(0..=1_000_000).contains(&s.cost_per_inpatient_day) {
        errs.push(FieldError::new(
            "cost_per_inpatient_day",
            "out_of_range",
            "Kostnaden per liggedøgn må være fra 0 til 1 000 000 kroner.",
            "The cost per inpatient day must be from 0 to 1,000,000 kroner.",
        ));
    }
    if !(0..=100).contains(&s.co_financing_percent) {
        errs.push(FieldError::new(
            "co_financing_percent",
            "out_of_range",
            "Kommunal medfinansiering må være fra 0 til 100 prosent.",
            "Municipal co-financing must be from 0 to 100 percent.",
        ));
    }
    for f in s.fidelity_targets.out_of_range() {
        errs.push(FieldError::new(
            &format!("fidelity_targets.{}", f.code),
            "out_of_range",
            &format!(
                "{} må være fra {} til {}.",
                f.label.0,
                fmt_num(f.min),
                fmt_num(f.max)
            ),
            &format!(
                "{} must be from {} to {}.",
                f.label.1,
                fmt_num(f.min),
                fmt_num(f.max)
            ),
        ));
    }
    let targets = serde_json::to_string(&s.fidelity_targets).unwrap_or_default();
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let mut d = actor.audit("report.settings", Outcome::Allowed);
    d.actor_team_id = Some(team);
    d.resources = format!("team:{team},report_settings");
    let stmt = store::reports::set_settings(
        team,
        (
            s.small_threshold,
            s.cost_per_inpatient_day,
            s.co_financing_percent,
            &targets,
        ),
        actor.staff_id,
        d.at,
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(s.clone())
}

fn fmt_num(v: f64) -> String {
    format!("{v}")
}

fn not_member() -> AppError {
    AppError::Forbidden(Text::new(
        "Du er ikke med i dette teamet. Forsøket er logget.",
        "You are not a member of this team. The attempt has been logged.",
    ))
}

/// Checks the period: `from` not after `to`, at most 20 years.
pub fn check_period(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if from > to {
        return Err(AppError::field(FieldError::new(
            "to",
            "before_from",
            "Sluttdatoen kan ikke være før startdatoen.",
            "The end date cannot be before the start date.",
        )));
    }
    if (to - from).num_days() > 366 * 20 {
        return Err(AppError::field(FieldError::new(
            "from",
            "too_long",
            "Perioden kan være høyst 20 år.",
            "The period can be at most 20 years.",
        )));
    }
    Ok(())
}

/// The choices of a report beyond its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The C-Flex evaluation's follow-up window in months: 6, 12 (default) or 24.
    pub window_months: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { window_months: 12 }
    }
}

/// Checks a follow-up window: 6, 12 or 24 months (422 naming `window` otherwise).
pub fn check_window(months: u32) -> AppResult<u32> {
    if super::cflex::WINDOWS.contains(&months) {
        Ok(months)
    } else {
        Err(AppError::field(FieldError::new(
            "window",
            "invalid_choice",
            "Oppfølgingsvinduet må være 6, 12 eller 24 måneder.",
            "The follow-up window must be 6, 12 or 24 months.",
        )))
    }
}

/// Runs a report for a team over a period, for `format` (`html`, `json`, `pdf`, `xlsx`,
/// `csv`; recorded in the audit row), with the default options. The result holds every
/// number; the caller picks the audience's copy ([`Report::for_audience`]) before rendering.
pub async fn run(
    app: &App,
    actor: &Actor,
    name: ReportName,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    format: &str,
) -> AppResult<Report> {
    run_with(
        app,
        actor,
        (name, team),
        (from, to),
        format,
        Options::default(),
    )
    .await
}

/// Where a report run's time went (for `benk bench --reports`): the access check and the
/// team's settings, the reads from the stores, the computation of the sections, and the durable
/// audit row. Rendering is the caller's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Phases {
    /// Access check, settings and the team row.
    pub access: Duration,
    /// The reads the report's input is made from.
    pub reads: Duration,
    /// Building the sections from the input.
    pub compute: Duration,
    /// Writing the audit row (durable commit), and for a release the release memory's
    /// comparison (on the read pool) and its record (in the same writer command as the row).
    pub audit: Duration,
    /// Of `audit`: reading and comparing the earlier releases on the read pool, before the
    /// writer command. Zero for a run that is not a release.
    pub memory: Duration,
    /// Of `audit`: the time the release's writer command ran (its read of the releases
    /// recorded since `memory`'s read, the comparison with them, the record; not the wait for
    /// the writer nor the commit): the time every other write waits behind it. Zero for a run
    /// that is not a release.
    pub in_writer: Duration,
}

/// [`run`] with options (the C-Flex evaluation's window).
pub async fn run_with(
    app: &App,
    actor: &Actor,
    (name, team): (ReportName, Uuid),
    (from, to): (NaiveDate, NaiveDate),
    format: &str,
    opts: Options,
) -> AppResult<Report> {
    run_timed(app, actor, (name, team), (from, to), format, opts)
        .await
        .map(|(r, _)| r)
}

/// [`run_with`], also returning where the time went.
pub async fn run_timed(
    app: &App,
    actor: &Actor,
    (name, team): (ReportName, Uuid),
    (from, to): (NaiveDate, NaiveDate),
    format: &str,
    opts: Options,
) -> AppResult<(Report, Phases)> {
    let t0 = Instant::now();
    let action = format!("report.{}", name.code());
    if name == ReportName::Teams {
        return run_teams(app, actor, from, to, format).await;
    }
    if !actor.has_role_in(team, WORKING) {
        refuse(app, actor, &action, team, "not_a_member_of_the_team").await?;
        return Err(not_member());
    }
    if name == ReportName::Spor && !is_health_personnel(actor) {
        refuse(app, actor, &action, team, "health_content_not_in_scope").await?;
        return Err(AppError::Forbidden(Text::new(
            "SPoR-undersøkelsen har fritekstsvar og vises bare for helsepersonell. Forsøket er logget.",
            "The SPoR survey has free-text answers and is shown to health personnel only. The attempt has been logged.",
        )));
    }
    if name == ReportName::Cflex && !is_health_personnel(actor) {
        refuse(app, actor, &action, team, "health_content_not_in_scope").await?;
        return Err(AppError::Forbidden(Text::new(
            "C-Flex-evalueringen bygger på registerdata og målinger og vises bare for helsepersonell. Forsøket er logget.",
            "The C-Flex evaluation is built on registry data and measures and is shown to health personnel only. The attempt has been logged.",
        )));
    }
    let window = check_window(opts.window_months)?;
    check_period(from, to)?;
    let settings = load_settings(app, team).await?;
    let team_row = crate::orgs::get_team(app, team).await?;
    let today = crate::time::oslo_today();
    // The Tandem follow-up's treatment section is health content: read only for health
    // personnel (the rest of the report for every working member).
    let health = is_health_personnel(actor);
    let mut phases = Phases {
        access: t0.elapsed(),
        ..Phases::default()
    };
    let t1 = Instant::now();
    /// A report's input, read.
    enum Input {
        Spor(Vec<SporInput>),
        Activity(Box<ActivityInput>),
        Tandem(Box<TandemInput>),
        Fidelity(Box<FidelityInput>),
        Cflex(Box<super::cflex::CflexInput>),
        Referrals(Box<super::referrals::ReferralsInput>),
    }
    let input = match name {
        ReportName::Spor => Input::Spor(spor_input(app, team, from, to).await?),
        ReportName::Activity => {
            Input::Activity(Box::new(activity_input(app, team, from, to, today).await?))
        }
        ReportName::Tandem => Input::Tandem(Box::new(
            tandem_input(app, team, (from, to, today), health).await?,
        )),
        ReportName::Fidelity => Input::Fidelity(Box::new(
            fidelity_input(app, team, (from, to, today), &settings).await?,
        )),
        ReportName::Cflex => Input::Cflex(Box::new(
            cflex_input(app, team, (from, to, today), window, &settings).await?,
        )),
        ReportName::Teams => return run_teams(app, actor, from, to, format).await,
        ReportName::Referrals => Input::Referrals(Box::new(super::referrals::ReferralsInput {
            from,
            to,
            today,
            started_on: team_row.policy.started_on,
            rows: store::referrals::report_rows(&app.db, team).await?,
        })),
    };
    phases.reads = t1.elapsed();
    let t2 = Instant::now();
    let (title, definitions, sections) = match &input {
        Input::Spor(i) => super::spor::build(i),
        Input::Activity(i) => super::activity::build(i),
        Input::Tandem(i) => super::tandem::build(i),
        Input::Fidelity(i) => super::fidelity::build(i),
        Input::Cflex(i) => super::cflex::build(i),
        Input::Referrals(i) => super::referrals::build(i),
    };
    phases.compute = t2.elapsed();
    drop(input);
    let extra = match (name, health) {
        (ReportName::Tandem, true) => ",established_services".to_string(),
        (ReportName::Tandem, false) => ",established_services:withheld".to_string(),
        _ => String::new(),
    };
    let window_part = if name == ReportName::Cflex {
        format!(",window:{window}")
    } else {
        String::new()
    };
    let mut d = actor.audit(&action, Outcome::Allowed);
    d.actor_team_id = Some(team);
    d.resources = format!(
        "team:{team},report:{},format:{format},period:{from}..{to}{window_part},aggregate{extra}",
        name.code()
    );
    let report = Report {
        name: name.code().into(),
        title,
        team: team_row.name,
        from,
        to,
        made_on: today,
        definitions,
        sections,
        threshold: settings.small_threshold,
        suppressed: false,
        person_level_removed: false,
        withhold: vec![],
    };
    let options = if name == ReportName::Cflex {
        format!("window:{window}")
    } else {
        String::new()
    };
    let t3 = Instant::now();
    let (report, times) = release(
        app,
        report,
        d,
        (team, options),
        release_audience(name, format),
    )
    .await?;
    phases.audit = t3.elapsed();
    phases.memory = times.memory;
    phases.in_writer = times.in_writer;
    Ok((report, phases))
}

/// Who the copy of a run is for, when it leaves the team: every format but the team's own page
/// (`html_page`) is released (files and the API's data); the teams side by side are released
/// on the page too (they are shown suppressed there). `None`: the team's own screen.
pub fn release_audience(name: ReportName, format: &str) -> Option<Audience> {
    match format {
        "html_page" if name != ReportName::Teams => None,
        "pdf" | "html" => Some(Audience::TeamFile),
        _ => Some(Audience::Aggregate),
    }
}

/// A copy about to be released and what the release memory has withheld from it so far.
struct Comparison {
    /// The copy; its `withhold` is what the releases compared so far withhold.
    copy: Report,
    /// Who it is for.
    audience: Audience,
    /// How many earlier releases it was compared with.
    compared: usize,
}

impl Comparison {
    /// Compares the copy with more earlier releases (rows of
    /// [`store::reports::releases_sharing_an_end`]) and withholds what they call for too. A
    /// cell is withheld when any one earlier release calls for it, so comparing in two parts
    /// withholds the same as comparing with both at once.
    fn compare(&mut self, rows: Vec<store::reports::ReleaseRow>) {
        let earlier: Vec<Release> = rows
            .into_iter()
            .filter_map(|(_, from, to, cells)| {
                Some(Release {
                    from,
                    to,
                    shown: serde_json::from_str(&cells).ok()?,
                })
            })
            .collect();
        if earlier.is_empty() {
            return;
        }
        self.compared += earlier.len();
        // The comparison is of the numbers before any withholding (as it was suppressed).
        let mut withhold = std::mem::take(&mut self.copy.withhold);
        withhold.extend(to_withhold(
            &self.copy.for_audience(self.audience),
            &earlier,
        ));
        withhold.sort();
        withhold.dedup();
        self.copy.withhold = withhold;
    }

    /// The numbers the final copy shows, as the memory keeps them (JSON).
    fn cells(&self) -> String {
        serde_json::to_string(&shown(&self.copy.for_audience(self.audience)))
            .unwrap_or_else(|_| "{}".into())
    }
}

/// The time a release took, in two parts (see [`Phases`]).
#[derive(Debug, Clone, Copy, Default)]
struct ReleaseTimes {
    /// Reading and comparing the earlier releases on the read pool.
    memory: Duration,
    /// Inside the writer command.
    in_writer: Duration,
}

/// Writes the run's audit row and, for a release, consults and extends the release memory.
/// The earlier releases of the same report, team and options whose period starts or ends on
/// the same day ([`store::reports::releases_sharing_an_end`]) are compared with the copy for
/// `audience`; the cells whose difference would be a small number are withheld
/// ([`Report::withhold`], secondary suppression is run again over them), and the numbers the
/// final copy shows are recorded.
///
/// The reading and comparing is done on the read pool, outside the writer, so that other
/// writes do not wait for it; it remembers the number of the newest release it saw. The writer
/// command then reads only the releases recorded after that one (normally none), compares with
/// them, and records the release and the audit row. Two releases at the same moment are
/// therefore still compared with each other: the one recorded second finds the first inside
/// its command. The audit row says how many releases were compared in all and how many
/// numbers were withheld.
async fn release(
    app: &App,
    report: Report,
    mut d: crate::audit::AuditDraft,
    (team, options): (Uuid, String),
    audience: Option<Audience>,
) -> AppResult<(Report, ReleaseTimes)> {
    let Some(audience) = audience else {
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Ok((report, ReleaseTimes::default()));
    };
    let t0 = Instant::now();
    let period = (report.from, report.to);
    let rows =
        store::reports::releases_sharing_an_end(&app.db, (team, &report.name, &options), period, 0)
            .await?;
    // Every release recorded after the newest one read has a higher number (the writer numbers
    // them in the order it commits them).
    let seen = rows.iter().map(|r| r.0).max().unwrap_or(0);
    let mut cmp = Comparison {
        copy: report,
        audience,
        compared: 0,
    };
    cmp.compare(rows);
    let cells = cmp.cells();
    let memory = t0.elapsed();
    let answer = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                let started = Instant::now();
                let mut cmp = cmp;
                let newer = store::reports::releases_sharing_an_end(
                    &mut *tx,
                    (team, &cmp.copy.name, &options),
                    period,
                    seen,
                )
                .await?;
                let cells = if newer.is_empty() {
                    cells
                } else {
                    cmp.compare(newer);
                    cmp.cells()
                };
                d.resources.push_str(&format!(
                    ",release,compared:{},withheld:{}",
                    cmp.compared,
                    cmp.copy.withhold.len()
                ));
                let stmt = store::reports::record_release(&store::reports::NewRelease {
                    id: Uuid::now_v7(),
                    team,
                    report: &cmp.copy.name,
                    options: &options,
                    from: period.0,
                    to: period.1,
                    at: d.at,
                    cells: &cells,
                });
                tx.execute(stmt.sql, stmt.args).await?;
                Ok(Decision::<_, std::convert::Infallible>::Commit {
                    audit: vec![d],
                    value: (cmp.copy, started.elapsed()),
                })
            })
        })
        .await?;
    let (report, in_writer) = answer.unwrap_or_else(|e| match e {});
    Ok((report, ReleaseTimes { memory, in_writer }))
}

/// How many teams the teams side by side read at once.
const TEAMS_READ_AT_ONCE: usize = 4;

/// Who may see the teams side by side: the installation's administrators and every team lead
/// (aggregates of every team, small numbers always hidden).
pub fn may_see_teams(actor: &Actor) -> bool {
    actor.is_admin() || actor.has_role(TeamRole::TeamLead)
}

/// The teams side by side: every team of the installation, a column each. Administrators and
/// team leads; audited `report.teams` (refusal `none:not_team_lead_or_administrator`).
async fn run_teams(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    format: &str,
) -> AppResult<(Report, Phases)> {
    let t0 = Instant::now();
    let action = "report.teams";
    let acting = actor.acting().map(|m| m.team_id);
    if !may_see_teams(actor) {
        let mut d = actor.audit(action, Outcome::Denied);
        d.actor_team_id = acting;
        d.resources = "report:teams,none:not_team_lead_or_administrator".into();
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Teamene side om side er for teamledere og administratorer. Forsøket er logget.",
            "The teams side by side are for team leads and administrators. The attempt has been logged.",
        )));
    }
    check_period(from, to)?;
    let today = crate::time::oslo_today();
    let mut phases = Phases {
        access: t0.elapsed(),
        ..Phases::default()
    };
    let t1 = Instant::now();
    // The teams are read a few at a time: each team's reads are short, indexed queries, and
    // an installation may have hundreds of teams.
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(TEAMS_READ_AT_ONCE));
    let mut reads = tokio::task::JoinSet::new();
    for (k, (id, name)) in crate::orgs::list_teams(app).await?.into_iter().enumerate() {
        let (app, limit) = (app.clone(), limit.clone());
        reads.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let threshold = load_settings(&app, id).await?.small_threshold;
            let input =
                activity_input_of(&app, id, (from, to, today), ContactDetail::ByKindAndMet).await?;
            AppResult::Ok((k, name, threshold, input))
        });
    }
    let mut read = Vec::new();
    while let Some(r) = reads.join_next().await {
        read.push(r.map_err(|e| AppError::Internal(format!("teams report read: {e}")))??);
    }
    read.sort_by_key(|r| r.0);
    let threshold = read
        .iter()
        .map(|r| r.2)
        .fold(ReportSettings::default().small_threshold, i64::max);
    let inputs: Vec<(String, ActivityInput)> =
        read.into_iter().map(|(_, name, _, i)| (name, i)).collect();
    phases.reads = t1.elapsed();
    let t2 = Instant::now();
    let (title, definitions, sections) = super::teams::build(&inputs);
    phases.compute = t2.elapsed();
    let mut d = actor.audit(action, Outcome::Allowed);
    d.actor_team_id = acting;
    d.resources = format!(
        "report:teams,teams:{},format:{format},period:{from}..{to},aggregate",
        inputs.len()
    );
    let t3 = Instant::now();
    let report = Report {
        name: ReportName::Teams.code().into(),
        title,
        team: match actor.lang() {
            Some(benk_domain::Lang::En) => "All teams".into(),
            _ => "Alle team".into(),
        },
        from,
        to,
        made_on: today,
        definitions,
        sections,
        threshold,
        suppressed: false,
        person_level_removed: false,
        withhold: vec![],
    };
    // Every team at once: the memory's team is the nil id.
    let audience = release_audience(ReportName::Teams, format);
    let (report, times) = release(app, report, d, (Uuid::nil(), String::new()), audience).await?;
    phases.audit = t3.elapsed();
    phases.memory = times.memory;
    phases.in_writer = times.in_writer;
    Ok((report, phases))
}

async fn spor_input(
    app: &App,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<SporInput>> {
    let rows = store::reports::spor_interviews(&app.db, team, from, to).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    /// An answer: (question, score, text).
    type Answer = (i64, Option<f64>, Option<String>);
    let mut answers: HashMap<Uuid, Vec<Answer>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for (i, q, score, text) in store::measures::answers(&app.db, chunk).await? {
            answers
                .entry(i)
                .or_default()
                .push((q, score.map(|s| s as f64 / 10.0), text));
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| SporInput {
            answers: answers.remove(&r.id).unwrap_or_default(),
            round: r.round_name,
            municipality: r.municipality,
            age: r.age,
            contact_years: r.contact_years,
        })
        .collect())
}

async fn activity_input(
    app: &App,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> AppResult<ActivityInput> {
    activity_input_of(app, team, (from, to, today), ContactDetail::ByLevelAndMonth).await
}

/// How much of the period's contacts an activity input counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContactDetail {
    /// By level of effort on the day, kind, met and month (the activity report).
    ByLevelAndMonth,
    /// By kind and met only: the teams side by side show the contacts, the share out of the
    /// office and the share met (`activity::figures`), none of which needs the level on the
    /// day or the month, and the level join is most of the cost of counting them.
    ByKindAndMet,
}

async fn activity_input_of(
    app: &App,
    team: Uuid,
    (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
    detail: ContactDetail,
) -> AppResult<ActivityInput> {
    let team_row = crate::orgs::get_team(app, team).await?;
    let policy = team_row.policy;
    let referrals = store::referrals::report_rows(&app.db, team)
        .await?
        .into_iter()
        .map(|r| ReferralIn {
            received_on: r.received_on,
            agency_kind: r.agency_kind,
            agency_id: r.agency_id,
            decided_on: r.decided_on,
            outcome: r.outcome,
        })
        .collect();
    let (start, until) = instants(from, to);
    let mut contact_counts = ContactCounts::default();
    match detail {
        // Counted in the database by level on the day, kind, met and month.
        ContactDetail::ByLevelAndMonth => {
            let offsets = crate::time::oslo_offsets(start, until);
            for (level, kind, met, month, n, people) in
                store::reports::contact_counts(&app.db, team, start, until, &offsets).await?
            {
                match (kind.as_deref().and_then(ContactKind::from_code), met, month) {
                    (Some(kind), Some(met), Some(month)) => {
                        contact_counts.groups.push((level, kind, met, month, n));
                    }
                    (None, None, None) => {
                        contact_counts.people_by_level.insert(level, people);
                    }
                    _ => {}
                }
            }
        }
        // By kind and met only: each group in the period's first month and with no level,
        // since only kind and met are read from them (see `ContactDetail::ByKindAndMet`).
        ContactDetail::ByKindAndMet => {
            for (kind, met, n) in
                store::reports::contact_totals(&app.db, team, start, until).await?
            {
                if let Some(kind) = ContactKind::from_code(&kind) {
                    contact_counts.groups.push((None, kind, met, from, n));
                }
            }
        }
    }
    // The measures due count the points whose window closes in the period, and a point is done
    // by measures within its window: only measures from the earliest such window's opening (two
    // window lengths before the period) to the period's end can count.
    let measure_policy = crate::measures::policy(app, team).await?;
    let reach =
        chrono::Days::new(2 * u64::try_from(measure_policy.window_days.max(0)).unwrap_or(0));
    let (lo, hi) = (from.checked_sub_days(reach).unwrap_or(from), to.min(today));
    let mut measures: HashMap<Uuid, Vec<(MeasureKind, NaiveDate)>> = HashMap::new();
    for (c, k, d) in store::measures::team_dates_between(&app.db, team, lo, hi).await? {
        if let Some(k) = MeasureKind::from_code(&k) {
            measures.entry(c).or_default().push((k, d));
        }
    }
    let counts: HashMap<Uuid, i64> = store::reports::coordinator_counts(&app.db, team)
        .await?
        .into_iter()
        .collect();
    let workers = store::caseload::workers(&app.db, team)
        .await?
        .into_iter()
        .map(|w| WorkerIn {
            norm: caseload_norm(
                policy.caseload_per_full_position,
                policy.max_users_per_worker,
                u8::try_from(w.fte.clamp(0, 100)).unwrap_or(100),
            ),
            coordinator_for: counts.get(&w.staff_id).copied().unwrap_or(0),
            name: w.name,
            fte: w.fte,
        })
        .collect();
    Ok(ActivityInput {
        from,
        to,
        today,
        started_on: policy.started_on,
        referrals,
        contacts: Vec::new(),
        levels: Vec::new(),
        contact_counts: Some(contact_counts),
        episodes: store::reports::episodes(&app.db, team).await?,
        measures,
        policy: measure_policy,
        workers,
    })
}

/// The period's bounds as instants: from `from` 00:00 to the day after `to` 00:00, Oslo time.
fn instants(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let at = |d: NaiveDate| {
        crate::time::from_oslo(d.and_time(NaiveTime::MIN))
            .unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc())
    };
    (at(from), at(to.succ_opt().unwrap_or(to)))
}

async fn tandem_input(
    app: &App,
    team: Uuid,
    (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
    health: bool,
) -> AppResult<TandemInput> {
    let courses = crate::housing::as_followed(store::reports::episodes(&app.db, team).await?);
    let (statuses, evictions) = crate::housing::team_history(app, team, to).await?;
    // Omit, not hide: without health scope the services are not read at all.
    let treatment = if health {
        let kinds = (TREATMENT[0].code(), TREATMENT[1].code());
        Some(
            store::reports::services_of_kinds(&app.db, team, kinds)
                .await?
                .into_iter()
                .filter_map(|(own, via_referral, s, d)| {
                    Some((own.or(via_referral)?, EstablishedService::from_code(&s)?, d))
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(TandemInput {
        from,
        to,
        today,
        courses,
        statuses,
        evictions,
        treatment,
    })
}

async fn fidelity_input(
    app: &App,
    team: Uuid,
    (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
    settings: &ReportSettings,
) -> AppResult<FidelityInput> {
    let first: HashMap<Uuid, (NaiveDate, NaiveDate)> =
        store::reports::first_met_after_referral(&app.db, team)
            .await?
            .into_iter()
            .filter_map(|(course, received, met)| {
                met.map(|m| (course, (received, crate::time::oslo_date(m))))
            })
            .collect();
    let courses = store::reports::courses(&app.db, team)
        .await?
        .into_iter()
        .map(|(id, who, included_on, closed_on, reason)| CourseIn {
            who,
            included_on,
            closed: closed_on.map(|d| (d, reason.as_deref().and_then(CloseReason::from_code))),
            first_contact: first.get(&id).copied(),
        })
        .collect();
    // The contacts are counted in the database, per interval of the profile and for the whole
    // period (which ends today at the latest, as the profile does).
    let end = to.min(today);
    let mut contacts = ContactTallies::default();
    if from <= end {
        let ivs = super::fidelity::intervals(from, end);
        let months = ivs.first().map_or(1, |iv| iv.months);
        let (start, until) = instants(from, end);
        let offsets = crate::time::oslo_offsets(start, until);
        let rows = store::reports::contact_tallies(&app.db, team, (start, until), &offsets, months)
            .await?;
        contacts = super::fidelity::tallies_from_rows(rows, from);
    }
    let mut positions: Vec<PositionShare> = store::staff::position_shares(&app.db, team)
        .await?
        .into_iter()
        .map(|(staff, from, percent)| PositionShare {
            staff,
            from,
            percent,
        })
        .collect();
    // A working member whose share was never recorded (seeded directly, not through a
    // membership change): today's share, for every day, since when they joined is not known.
    let recorded: std::collections::HashSet<Uuid> = positions.iter().map(|p| p.staff).collect();
    for w in store::caseload::workers(&app.db, team).await? {
        if !recorded.contains(&w.staff_id) {
            positions.push(PositionShare {
                staff: w.staff_id,
                from: store::staff::unknown_start_day(),
                percent: w.fte,
            });
        }
    }
    Ok(FidelityInput {
        from,
        to,
        today,
        positions,
        courses,
        contacts,
        targets: settings.fidelity_targets,
        threshold: settings.small_threshold,
    })
}

async fn cflex_input(
    app: &App,
    team: Uuid,
    (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
    window_months: u32,
    settings: &ReportSettings,
) -> AppResult<super::cflex::CflexInput> {
    use super::cflex::{CflexInput, PersonIn, ReferralIn as CflexReferral};
    use benk_domain::{offered_help, CloseReason, DecisionOutcome, HousingStatus, Stay, Tenths};
    let referrals = store::referrals::report_rows(&app.db, team)
        .await?
        .into_iter()
        .map(|r| CflexReferral {
            received_on: r.received_on,
            decided_on: r.decided_on,
            offered_help: r
                .outcome
                .as_deref()
                .and_then(DecisionOutcome::from_code)
                .is_some_and(offered_help),
            in_target_group: r.in_target_group == Some(true),
            services_established: r.services_established > 0,
        })
        .collect();
    let mut people: Vec<PersonIn> = store::reports::cohort(&app.db, team, from, to)
        .await?
        .into_iter()
        .map(|c| PersonIn {
            who: c.client_id,
            included_on: c.included_on,
            closed_on: c.closed_on,
            close_reason: c.close_reason.as_deref().and_then(CloseReason::from_code),
            referred_on: c.referred_on,
            ..PersonIn::default()
        })
        .collect();
    let mut at: HashMap<Uuid, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        at.entry(p.who).or_default().push(i);
    }
    let each = |who: &Uuid| at.get(who).cloned().unwrap_or_default();
    for (c, status, on) in store::housing::team_statuses(&app.db, team, today).await? {
        if let Some(s) = HousingStatus::from_code(&status) {
            for i in each(&c) {
                people[i].housing.push((s, on));
            }
        }
    }
    for e in store::reports::registry_events(&app.db, team, from, to).await? {
        let stay = || Stay::new(e.starts_on, e.ends_on).ok();
        let counted = match e.kind.as_str() {
            "inpatient" => stay().map(|s| Counted::Inpatient(s, e.compulsory.unwrap_or(false))),
            "emergency" => Some(Counted::Emergency(e.starts_on)),
            "police" => Some(Counted::Police(
                e.starts_on,
                e.police_kind.as_deref() == Some("arrest"),
            )),
            "prison" => stay().map(Counted::Prison),
            _ => None,
        };
        if let Some(counted) = counted {
            for i in each(&e.client_id) {
                people[i].events.push(counted);
            }
        }
    }
    for m in store::reports::gaf_ors(&app.db, team, from, to).await? {
        for i in each(&m.client_id) {
            match m.kind.as_str() {
                "gaf" => people[i]
                    .gaf
                    .push((m.measured_on, m.gaf_symptom, m.gaf_function)),
                "ors" => {
                    if let (Some(a), Some(b), Some(c), Some(d)) =
                        (m.item1, m.item2, m.item3, m.item4)
                    {
                        people[i].ors.push((m.measured_on, Tenths(a + b + c + d)));
                    }
                }
                _ => {}
            }
        }
    }
    let policy = crate::measures::policy(app, team).await?;
    Ok(CflexInput {
        from,
        to,
        today,
        window_months,
        measure_window_days: policy.window_days,
        measure_points: policy.months,
        cost_per_inpatient_day: settings.cost_per_inpatient_day,
        co_financing_percent: settings.co_financing_percent,
        threshold: settings.small_threshold,
        referrals,
        people,
    })
}
