//! `benk bench --reports`: every report of this build ([`ReportName::ALL`]) on an existing
//! seeded database (`benk seed --national`), for the last year on the team with the most people,
//! as its team lead. Each report is run in every format `--runs` times (after one warm-up run
//! that is not counted) and timed end to end: [`reports::run`] (access check, the reads, the
//! computation, the audit row) and rendering the file, as the API does. The median and the 90th
//! percentile per report and format are printed.
//!
//! Beside it, in the same run, the pandas side: the person-level rows each report reads are
//! exported as CSV files to a directory (Benk's own import format where there is one, a plain
//! documented CSV otherwise) and `scripts/bench_reports_pandas.py` computes the same statistics
//! from them, timing read + compute per run. The bench prints Benk (the CSV export, end to end)
//! against pandas and the ratio, and compares every figure pandas computed with the figure in
//! Benk's own CSV export (cells Benk suppressed as small numbers are not compared).
//! Without Python or pandas the pandas side is skipped with a message. With `--export-dir` the
//! directory is kept, with each report's last output (`report-NAME.FORMAT`) beside the rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use benk_app::db::DbOptions;
use benk_app::reports::{self, ReportName};
use benk_app::{App, RequestMeta, Settings};
use benk_domain::{Audience, Lang};
use benk_web::html::report::{render_file, Format};
use chrono::{DateTime, Months, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use super::{median, ms, BenchArgs, Peek};

/// The formats timed: the API's JSON and every file format.
const FORMATS: [&str; 5] = ["json", "csv", "xlsx", "pdf", "html"];

/// The team with the most people, and its lead.
const BIGGEST_TEAM: &str = "SELECT c.team_id, CAST(COUNT(*) AS BIGINT) FROM clients c \
    GROUP BY c.team_id ORDER BY COUNT(*) DESC, c.team_id LIMIT 1";
const LEAD_OF: &str = "SELECT staff_id FROM team_memberships WHERE team_id = $1 \
    AND role = 'team_lead' ORDER BY staff_id LIMIT 1";

// The rows the reports read (the same filters as `store::reports`), for the pandas side.
const CONTACTS: &str = "SELECT client_id, occurred_at, kind, met FROM contacts WHERE team_id = $1 \
    AND occurred_at >= $2 AND occurred_at < $3 ORDER BY occurred_at, id";
const LEVELS: &str = "SELECT e.client_id, CAST(l.level AS BIGINT), l.from_date FROM episode_levels l \
    JOIN episodes e ON e.id = l.episode_id WHERE e.team_id = $1 ORDER BY e.client_id, l.from_date, l.set_at";
const SPOR: &str =
    "SELECT i.id, r.name, r.started_on, c.national_id, i.interviewed_on, i.interviewer, \
    i.municipality, CAST(i.age AS BIGINT), CAST(i.contact_years AS BIGINT) FROM spor_interviews i \
    JOIN spor_rounds r ON r.id = i.round_id JOIN clients c ON c.id = i.client_id \
    WHERE i.team_id = $1 AND i.interviewed_on >= $2 AND i.interviewed_on <= $3 \
    AND NOT EXISTS (SELECT 1 FROM spor_interviews n WHERE n.supersedes_id = i.id) \
    ORDER BY i.interviewed_on, i.id";
const SPOR_ANSWERS: &str =
    "SELECT a.interview_id, CAST(a.question AS BIGINT), CAST(a.score AS BIGINT), \
    a.answer FROM spor_answers a JOIN spor_interviews i ON i.id = a.interview_id \
    WHERE i.team_id = $1 AND i.interviewed_on >= $2 AND i.interviewed_on <= $3";

const REFERRALS: &str = "SELECT r.received_on, r.agency_kind, r.agency_id, d.decided_on, d.outcome, \
    d.in_target_group, CAST((SELECT COUNT(*) FROM established_services s WHERE s.referral_id = r.id) \
    AS BIGINT) FROM referrals r LEFT JOIN intake_decisions d ON d.referral_id = r.id \
    WHERE r.team_id = $1 ORDER BY r.received_on";
const EPISODES: &str = "SELECT e.client_id, e.included_on, e.closed_on, e.close_reason, \
    r.received_on FROM episodes e LEFT JOIN referrals r ON r.id = e.referral_id \
    WHERE e.team_id = $1 ORDER BY e.client_id, e.included_on";
const CONTACT_STAFF: &str = "SELECT c.id, c.client_id, c.occurred_at, c.kind, c.met, cs.staff_id \
    FROM contacts c LEFT JOIN contact_staff cs ON cs.contact_id = c.id WHERE c.team_id = $1 \
    AND c.occurred_at >= $2 AND c.occurred_at < $3 ORDER BY c.id";

// For the teams side by side: every team in Benk's order (`store::orgs::teams`), and the rows
// of every team that the activity figures are made from.
const TEAMS: &str = "SELECT id, name FROM teams ORDER BY name";
const ALL_CONTACTS: &str = "SELECT team_id, occurred_at, kind, met FROM contacts \
    WHERE occurred_at >= $1 AND occurred_at < $2 ORDER BY team_id, occurred_at, id";
const ALL_REFERRALS: &str = "SELECT r.team_id, r.received_on, r.agency_kind, r.agency_id, \
    d.decided_on, d.outcome FROM referrals r LEFT JOIN intake_decisions d ON d.referral_id = r.id \
    ORDER BY r.team_id, r.received_on";
const ALL_EPISODES: &str = "SELECT team_id, client_id, included_on, closed_on FROM episodes \
    ORDER BY team_id, client_id, included_on";

type ContactRow = (Uuid, DateTime<Utc>, String, bool);
type AllReferralRow = (
    Uuid,
    NaiveDate,
    String,
    Option<Uuid>,
    Option<NaiveDate>,
    Option<String>,
);
type AllEpisodeRow = (Uuid, Uuid, NaiveDate, Option<NaiveDate>);
type ReferralRow = (
    NaiveDate,
    String,
    Option<Uuid>,
    Option<NaiveDate>,
    Option<String>,
    Option<bool>,
    i64,
);
type EpisodeRow = (
    Uuid,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<NaiveDate>,
);
type StaffRow = (Uuid, Uuid, DateTime<Utc>, String, bool, Option<Uuid>);
type LevelRow = (Uuid, i64, NaiveDate);
type SporRow = (
    Uuid,
    String,
    NaiveDate,
    Option<String>,
    NaiveDate,
    String,
    String,
    i64,
    i64,
);
type AnswerRow = (Uuid, i64, Option<i64>, Option<String>);

/// `query_as` with binds on either backend of a [`Peek`] connection.
macro_rules! fetch {
    ($peek:expr, $t:ty, $sql:expr $(, $b:expr)*) => {
        match $peek {
            Peek::Sqlite(c) => sqlx::query_as::<_, $t>($sql)$(.bind($b))*.fetch_all(&mut *c).await?,
            Peek::Postgres(c) => sqlx::query_as::<_, $t>($sql)$(.bind($b))*.fetch_all(&mut *c).await?,
        }
    };
}

/// One report and format: the end-to-end times, each run's phases (access, reads, compute,
/// audit, render, and of audit the time inside the writer; seconds) and the last output.
struct Timed {
    total: Vec<f64>,
    phases: [Vec<f64>; 6],
    output: Vec<u8>,
}

fn p90(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = (s.len() as f64 * 0.9).ceil() as usize;
    s.get(rank.saturating_sub(1)).copied().unwrap_or(0.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Runs `benk bench --reports` on each data set given (`--small-url`, `--national-url`).
pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<i32> {
    let sets = super::data_sets(args);
    if sets.is_empty() {
        bail!("--reports needs --national-url (and/or --small-url): a database made by `benk seed --national`");
    }
    println!(
        "benk bench --reports: {} report(s) of this build ({}), formats {}, {} timed run(s) each \
         after one warm-up; end to end = run the report (access, reads, computation, audit row) \
         + render",
        ReportName::ALL.len(),
        ReportName::ALL
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(", "),
        FORMATS.join(", "),
        args.runs
    );
    if cfg!(debug_assertions) {
        println!("  NOTE: this is a debug build; measure with `cargo build --release -p benk`");
    }
    let mut clean = true;
    for (label, url) in sets {
        println!();
        clean &= one_set(args, label, url).await?;
    }
    Ok(if clean { 0 } else { 1 })
}

async fn one_set(args: &BenchArgs, label: &str, url: &str) -> anyhow::Result<bool> {
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .with_context(|| format!("opening {}", crate::redact(url)))?;
    let mut peek = Peek::open(url).await?;
    let (team, people) = fetch!(&mut peek, (Uuid, i64), BIGGEST_TEAM)
        .into_iter()
        .next()
        .context("the database has no people: seed it with `benk seed --national`")?;
    let lead = peek
        .ids(LEAD_OF, team)
        .await?
        .into_iter()
        .next()
        .context("the biggest team has no team lead")?;
    let actor = benk_app::staff::load_actor(
        &app,
        lead,
        RequestMeta {
            ip: None,
            user_agent: Some("benk-bench".into()),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?
    .context("the team lead is disabled")?;
    let to = benk_app::time::oslo_today();
    let from = to
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .context("date")?;
    println!(
        "== {label}: {}; team {team} ({people} people, the biggest), as its lead; period {from} \
         to {to}; load average {}",
        crate::redact(url),
        load_average()
    );

    // Benk: every report, every format.
    let mut timed: BTreeMap<(&'static str, &'static str), Timed> = BTreeMap::new();
    let mut refused = Vec::new();
    println!(
        "   {:<10} {:<6} {:>10} {:>10} {:>9}   median of each phase: access / reads / compute / \
         audit commit / render / of the audit commit, inside the writer",
        "report", "format", "median", "p90", "bytes"
    );
    for name in ReportName::ALL.iter().copied() {
        for format in FORMATS {
            let mut t = Timed {
                total: Vec::new(),
                phases: Default::default(),
                output: Vec::new(),
            };
            let mut failed = None;
            for i in 0..=args.runs {
                let t0 = Instant::now();
                let run = reports::run_timed(
                    &app,
                    &actor,
                    (name, team),
                    (from, to),
                    format,
                    reports::Options::default(),
                )
                .await;
                let t_render = Instant::now();
                let out = match run {
                    Ok((r, p)) => match Format::from_code(format) {
                        None => serde_json::to_vec(&r.for_audience(Audience::Aggregate))
                            .map_err(|e| e.to_string()),
                        Some(f) => render_file(&r, f, Lang::Nb).map_err(|e| e.to_string()),
                    }
                    .map(|b| (b, p)),
                    Err(e) => Err(e.to_string()),
                };
                let render = t_render.elapsed().as_secs_f64();
                let secs = t0.elapsed().as_secs_f64();
                match out {
                    Ok((bytes, p)) => {
                        if i > 0 {
                            t.total.push(secs);
                            let each = [p.access, p.reads, p.compute, p.audit];
                            for (k, d) in each.iter().enumerate() {
                                t.phases[k].push(d.as_secs_f64());
                            }
                            t.phases[4].push(render);
                            t.phases[5].push(p.in_writer.as_secs_f64());
                        }
                        t.output = bytes;
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if let Some(e) = failed {
                println!(
                    "   {:<10} {:<6} refused or failed: {e}",
                    name.code(),
                    format
                );
                refused.push(name.code());
                break;
            }
            let med = median(t.total.clone());
            let phases: Vec<String> = t
                .phases
                .iter()
                .map(|v| ms(Duration::from_secs_f64(median(v.clone()))))
                .collect();
            println!(
                "   {:<10} {:<6} {:>10} {:>10} {:>9}   {}{}",
                name.code(),
                format,
                ms(Duration::from_secs_f64(med)),
                ms(Duration::from_secs_f64(p90(&t.total))),
                t.output.len(),
                phases.join(" / "),
                if med > 2.0 { "  OVER 2 s" } else { "" }
            );
            timed.insert((name.code(), format), t);
        }
    }

    // The pandas side.
    let dir = match &args.export_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("benk-bench-reports-{}", Uuid::now_v7())),
    };
    std::fs::create_dir_all(&dir)?;
    if args.export_dir.is_some() {
        // Each report's last output beside the rows, to look at or compare between builds.
        for ((name, format), t) in &timed {
            std::fs::write(dir.join(format!("report-{name}.{format}")), &t.output)?;
        }
    }
    let t0 = Instant::now();
    let exported = export(&mut peek, team, from, to, &dir).await?;
    peek.close().await;
    app.close().await;
    println!(
        "   exported the rows the reports read to {} in {} ({exported})",
        dir.display(),
        ms(t0.elapsed())
    );
    let result = pandas(args, &dir, from, to, &timed);
    if args.export_dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let clean = match result {
        Ok(same) => same,
        Err(e) => {
            println!("   pandas side skipped: {e:#}");
            true
        }
    };
    println!("   load average at the end: {}", load_average());
    Ok(clean && refused.is_empty())
}

/// RFC 4180 field.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv(path: &Path, header: &str, lines: &[String]) -> anyhow::Result<()> {
    let mut out = String::with_capacity(lines.len() * 64);
    out.push_str(header);
    out.push('\n');
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn utc(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Writes `contacts.csv`, `levels.csv`, `spor.csv`, `referrals.csv`, `episodes.csv` and
/// `contact_staff.csv` of the team, and `teams.csv`, `all_contacts.csv`, `all_referrals.csv`
/// and `all_episodes.csv` of every team (see the pandas script for the layout).
async fn export(
    peek: &mut Peek,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    dir: &Path,
) -> anyhow::Result<String> {
    let midnight = |d: NaiveDate| {
        benk_app::time::from_oslo(d.and_time(NaiveTime::MIN))
            .unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc())
    };
    let (start, until) = (midnight(from), midnight(to.succ_opt().unwrap_or(to)));
    let contacts = fetch!(&mut *peek, ContactRow, CONTACTS, team, start, until);
    let lines: Vec<String> = contacts
        .iter()
        .map(|(c, at, kind, met)| format!("{c},{},{kind},{}", utc(at), u8::from(*met)))
        .collect();
    write_csv(
        &dir.join("contacts.csv"),
        "client_id,occurred_at,kind,met",
        &lines,
    )?;
    let levels = fetch!(&mut *peek, LevelRow, LEVELS, team);
    let lines: Vec<String> = levels
        .iter()
        .map(|(c, l, d)| format!("{c},{l},{d}"))
        .collect();
    write_csv(&dir.join("levels.csv"), "client_id,level,from_date", &lines)?;
    // SPoR in Benk's import format (docs/import/spor.md): the 1–9 answers with a decimal comma.
    let interviews = fetch!(&mut *peek, SporRow, SPOR, team, from, to);
    let mut answers: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for (i, q, score, text) in fetch!(&mut *peek, AnswerRow, SPOR_ANSWERS, team, from, to) {
        let cells = answers.entry(i).or_insert_with(|| vec![String::new(); 20]);
        if let Some(cell) = usize::try_from(q - 1).ok().and_then(|q| cells.get_mut(q)) {
            *cell = match (score, text) {
                (Some(s), _) => format!("{},{}", s / 10, s % 10),
                (None, Some(t)) => t,
                (None, None) => String::new(),
            };
        }
    }
    let mut header = "external_id,round,round_started_on,national_id,interviewed_on,interviewer,\
        municipality,age,contact_years"
        .to_string();
    for q in 1..=20 {
        let _ = write!(header, ",q{q}");
    }
    let lines: Vec<String> = interviews
        .iter()
        .map(|(id, round, started, nid, on, by, muni, age, years)| {
            let mut l = format!(
                "{id},{},{started},{},{on},{},{},{age},{years}",
                field(round),
                nid.as_deref().unwrap_or(""),
                field(by),
                field(muni)
            );
            for a in answers.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                l.push(',');
                l.push_str(&field(a));
            }
            if !answers.contains_key(id) {
                l.push_str(&",".repeat(20));
            }
            l
        })
        .collect();
    write_csv(&dir.join("spor.csv"), &header, &lines)?;
    let referrals = fetch!(&mut *peek, ReferralRow, REFERRALS, team);
    let lines: Vec<String> = referrals
        .iter()
        .map(|(on, kind, agency, decided, outcome, tg, services)| {
            format!(
                "{on},{kind},{},{},{},{},{services}",
                opt(agency),
                opt(decided),
                opt(outcome),
                opt(&tg.map(u8::from))
            )
        })
        .collect();
    write_csv(
        &dir.join("referrals.csv"),
        "received_on,agency_kind,agency_id,decided_on,outcome,in_target_group,services_established",
        &lines,
    )?;
    let episodes = fetch!(&mut *peek, EpisodeRow, EPISODES, team);
    let lines: Vec<String> = episodes
        .iter()
        .map(|(c, inc, closed, reason, referred)| {
            format!(
                "{c},{inc},{},{},{}",
                opt(closed),
                opt(reason),
                opt(referred)
            )
        })
        .collect();
    write_csv(
        &dir.join("episodes.csv"),
        "client_id,included_on,closed_on,close_reason,referred_on",
        &lines,
    )?;
    let staff = fetch!(&mut *peek, StaffRow, CONTACT_STAFF, team, start, until);
    let lines: Vec<String> = staff
        .iter()
        .map(|(id, c, at, kind, met, s)| {
            format!("{id},{c},{},{kind},{},{}", utc(at), u8::from(*met), opt(s))
        })
        .collect();
    write_csv(
        &dir.join("contact_staff.csv"),
        "contact_id,client_id,occurred_at,kind,met,staff_id",
        &lines,
    )?;
    // The teams side by side: every team's rows, with the team.
    let teams = fetch!(&mut *peek, (Uuid, String), TEAMS);
    let lines: Vec<String> = teams
        .iter()
        .enumerate()
        .map(|(k, (id, name))| format!("{},{id},{}", k + 1, field(name)))
        .collect();
    write_csv(&dir.join("teams.csv"), "position,team_id,name", &lines)?;
    let all = fetch!(&mut *peek, ContactRow, ALL_CONTACTS, start, until);
    let lines: Vec<String> = all
        .iter()
        .map(|(t, at, kind, met)| format!("{t},{},{kind},{}", utc(at), u8::from(*met)))
        .collect();
    write_csv(
        &dir.join("all_contacts.csv"),
        "team_id,occurred_at,kind,met",
        &lines,
    )?;
    let all_referrals = fetch!(&mut *peek, AllReferralRow, ALL_REFERRALS);
    let lines: Vec<String> = all_referrals
        .iter()
        .map(|(t, on, kind, agency, decided, outcome)| {
            format!(
                "{t},{on},{kind},{},{},{}",
                opt(agency),
                opt(decided),
                opt(outcome)
            )
        })
        .collect();
    write_csv(
        &dir.join("all_referrals.csv"),
        "team_id,received_on,agency_kind,agency_id,decided_on,outcome",
        &lines,
    )?;
    let all_episodes = fetch!(&mut *peek, AllEpisodeRow, ALL_EPISODES);
    let lines: Vec<String> = all_episodes
        .iter()
        .map(|(t, c, inc, closed)| format!("{t},{c},{inc},{}", opt(closed)))
        .collect();
    write_csv(
        &dir.join("all_episodes.csv"),
        "team_id,client_id,included_on,closed_on",
        &lines,
    )?;
    Ok(format!(
        "{} contacts, {} level rows, {} SPoR interviews, {} referrals, {} courses, {} \
         contact-staff rows; of all {} teams: {} contacts, {} referrals, {} courses",
        contacts.len(),
        levels.len(),
        interviews.len(),
        referrals.len(),
        episodes.len(),
        staff.len(),
        teams.len(),
        all.len(),
        all_referrals.len(),
        all_episodes.len()
    ))
}

/// Splits one CSV line (RFC 4180, no line breaks inside fields: Benk's tables have none in the
/// aggregate export).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

/// Benk's CSV export as `table_id|row|column` → the value as the pandas script writes it, or
/// `None` for a suppressed cell.
fn benk_figures(csv: &str) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let f = split_csv(line);
        if f.len() < 11 || f[0] == "_report" {
            continue;
        }
        let key = format!("{}|{}|{}", f[0], f[1], f[3]);
        let value = match f[5].as_str() {
            "suppressed" => None,
            "percent" => Some(format!("{}/{}", f[9], f[10])),
            "range" => Some(format!("{}..{}", f[7], f[8])),
            _ => Some(f[6].clone()),
        };
        out.insert(key, value);
    }
    out
}

fn python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("BENK_PYTHON") {
        return Some(p.into());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        Path::new(".venv/bin/python").to_path_buf(),
        root.join(".venv/bin/python"),
    ]
    .into_iter()
    .find(|p| p.exists())
    .or_else(|| Some("python3".into()))
}

fn script() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        Path::new("scripts/bench_reports_pandas.py").to_path_buf(),
        root.join("scripts/bench_reports_pandas.py"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

/// Runs the pandas script; prints Benk against pandas; true when every figure compared equal.
fn pandas(
    args: &BenchArgs,
    dir: &Path,
    from: NaiveDate,
    to: NaiveDate,
    timed: &BTreeMap<(&'static str, &'static str), Timed>,
) -> anyhow::Result<bool> {
    let py = python().context("no Python")?;
    let script = script()
        .context("scripts/bench_reports_pandas.py not found (run the bench from the repository)")?;
    let check = Command::new(&py)
        .args(["-c", "import pandas"])
        .output()
        .with_context(|| format!("cannot run {}", py.display()))?;
    if !check.status.success() {
        bail!(
            "pandas is not installed for {} (python3 -m venv .venv && .venv/bin/pip install \
             pandas, or set BENK_PYTHON)",
            py.display()
        );
    }
    let names: Vec<&str> = ReportName::ALL.iter().map(|r| r.code()).collect();
    let t0 = Instant::now();
    let out = Command::new(&py)
        .arg(&script)
        .arg("--dir")
        .arg(dir)
        .args(["--from", &from.to_string(), "--to", &to.to_string()])
        .args(["--runs", &args.runs.to_string()])
        .args(["--reports", &names.join(",")])
        .output()?;
    let wall = t0.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "the pandas script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading the pandas script's answer")?;
    let inside: f64 = v["seconds"]
        .as_object()
        .map(|o| {
            o.values()
                .filter_map(|a| a.as_array())
                .flatten()
                .filter_map(serde_json::Value::as_f64)
                .sum()
        })
        .unwrap_or(0.0);
    println!(
        "   pandas {} (Python {}): read CSV + compute, median of {} run(s); starting Python and \
         importing pandas took {} more per process (not in the ratio)",
        v["pandas"].as_str().unwrap_or("?"),
        v["python"].as_str().unwrap_or("?"),
        args.runs,
        ms(Duration::from_secs_f64((wall - inside).max(0.0)))
    );
    println!(
        "   {:<10} {:>14} {:>14} {:>10}   figures",
        "report", "Benk csv", "pandas", "pandas/Benk"
    );
    let mut all_same = true;
    for name in &names {
        let Some(benk) = timed.get(&(*name, "csv")) else {
            continue;
        };
        let Some(secs) = v["seconds"][*name].as_array() else {
            println!("   {name:<10} not computed by the pandas script");
            continue;
        };
        let pd_med = median(secs.iter().filter_map(serde_json::Value::as_f64).collect());
        let b_med = median(benk.total.clone());
        let ours = benk_figures(&String::from_utf8_lossy(&benk.output));
        let theirs = v["figures"][*name].as_object().cloned().unwrap_or_default();
        let (mut same, mut differ, mut hidden, mut missing) = (0, Vec::new(), 0, 0);
        for (k, pv) in &theirs {
            let pv = pv.as_str().unwrap_or("");
            match ours.get(k) {
                Some(Some(bv)) if bv == pv => same += 1,
                Some(Some(bv)) => differ.push(format!("{k}: Benk {bv}, pandas {pv}")),
                Some(None) => hidden += 1,
                None => missing += 1,
            }
        }
        println!(
            "   {name:<10} {:>14} {:>14} {:>10}   {same} equal, {} differ, {hidden} suppressed by \
             Benk (not compared), {missing} not in Benk's export",
            ms(Duration::from_secs_f64(b_med)),
            ms(Duration::from_secs_f64(pd_med)),
            format!("{:.1}×", pd_med / b_med.max(1e-9)),
            differ.len()
        );
        for d in differ.iter().take(10) {
            println!("      DIFFERENT {d}");
        }
        // A few figures side by side, so that a reader sees what was compared.
        for (k, pv) in theirs
            .iter()
            .filter(|(k, _)| matches!(ours.get(*k), Some(Some(_))))
            .take(4)
        {
            println!(
                "      e.g. {k}: Benk {}, pandas {}",
                ours[k].as_deref().unwrap_or(""),
                pv.as_str().unwrap_or("")
            );
        }
        all_same &= differ.is_empty() && missing == 0;
    }
    Ok(all_same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_split_with_quotes() {
        assert_eq!(
            split_csv(r#"a,"b, c","d ""e""",,f"#),
            vec!["a", "b, c", "d \"e\"", "", "f"]
        );
    }

    #[test]
    fn the_90th_percentile_is_the_nearest_rank() {
        assert_eq!(p90(&[5.0, 1.0, 3.0, 2.0, 4.0]), 5.0);
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&ten), 9.0);
    }

    #[test]
    fn benk_csv_becomes_comparable_figures() {
        let csv = "table_id,row,row_label,column,column_label,kind,value,low,high,numerator,denominator\r\n\
            _report,1,title,1,,text,Aktivitet,,,,\r\n\
            t.a,1,\"x, y\",2,N,count,12,,,,\r\n\
            t.a,1,\"x, y\",3,S,percent,50.0,,,6,12\r\n\
            t.a,2,z,2,N,suppressed,,,,,\r\n\
            t.b,1,q,5,R,range,,1.0,9.0,,\r\n";
        let f = benk_figures(csv);
        assert_eq!(f["t.a|1|2"].as_deref(), Some("12"));
        assert_eq!(f["t.a|1|3"].as_deref(), Some("6/12"));
        assert_eq!(f["t.a|2|2"], None);
        assert_eq!(f["t.b|1|5"].as_deref(), Some("1.0..9.0"));
        assert_eq!(f.len(), 4);
    }
}
