//! The demo's data as import files (issue 10): for each demo team, its people (with their
//! referral, inclusion and course), their current measures and the SPoR interviews, in the
//! format `docs/import/` describes (`;` between fields, decimal comma, a byte-order mark, as
//! Norwegian Excel writes "CSV UTF-8"). `benk demo --write-import-samples DIR` writes them;
//! the committed copies are in `docs/import/samples/`. Also the counts an import of them
//! must reproduce.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::import::ImportKind;
use crate::App;

/// One sample file.
#[derive(Debug, Clone)]
pub struct Sample {
    /// File name (`fjordby-people.csv`).
    pub file: String,
    /// The demo team it comes from.
    pub team: &'static str,
    /// Its kind.
    pub kind: ImportKind,
    /// Its contents (UTF-8 with a byte-order mark).
    pub text: String,
}

/// What a team holds, as the import test compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counts {
    /// People.
    pub people: i64,
    /// Referrals that led to a course.
    pub referrals: i64,
    /// Courses.
    pub courses: i64,
    /// Current measures (not superseded, not retracted).
    pub measures: i64,
    /// SPoR interviews.
    pub interviews: i64,
    /// Current registry events (not superseded, not retracted).
    pub registry_events: i64,
}

/// The counts of the team with this name.
pub async fn counts(app: &App, team: &str) -> AppResult<Counts> {
    app.db
        .opt(
            "SELECT \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM clients c WHERE c.team_id = t.id) AS people, \
             (SELECT CAST(COUNT(DISTINCT e.referral_id) AS BIGINT) FROM episodes e WHERE e.team_id = t.id) AS referrals, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM episodes e WHERE e.team_id = t.id) AS courses, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM measures m WHERE m.team_id = t.id AND NOT m.retracted \
               AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id)) AS measures, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM spor_interviews i WHERE i.team_id = t.id) AS interviews, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM registry_events r WHERE r.team_id = t.id AND NOT r.retracted \
               AND NOT EXISTS (SELECT 1 FROM registry_events n WHERE n.supersedes_id = r.id)) AS registry_events \
             FROM teams t WHERE t.name = $1",
            crate::args![team],
        )
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(sqlx::FromRow)]
struct RegistryLine {
    client_id: Uuid,
    kind: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    institution: Option<String>,
    compulsory: Option<bool>,
    legal_basis: Option<String>,
    place: Option<String>,
    police_kind: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PersonLine {
    client_id: Uuid,
    name: String,
    national_id: Option<String>,
    birth_year: Option<i64>,
    municipality: Option<String>,
    included_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    close_reason: Option<String>,
    received_on: Option<NaiveDate>,
    agency_kind: Option<String>,
    housing_situation: Option<String>,
    housing_problem: Option<bool>,
    decision_id: Option<Uuid>,
    level: Option<i64>,
    ordinary_service: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MeasureLine {
    client_id: Uuid,
    kind: String,
    measured_on: NaiveDate,
    gaf_symptom: Option<i64>,
    gaf_function: Option<i64>,
    item1: Option<i64>,
    item2: Option<i64>,
    item3: Option<i64>,
    item4: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct InterviewLine {
    id: Uuid,
    client_id: Uuid,
    round: String,
    started_on: NaiveDate,
    interviewed_on: NaiveDate,
    interviewer: String,
    municipality: String,
    age: i64,
    contact_years: i64,
}

/// One answer: question, score in tenths, text.
type AnswerLine = (i64, Option<i64>, Option<String>);

/// A score in tenths with a decimal comma (63 → "6,3", 70 → "7").
fn tenths(v: i64) -> String {
    if v % 10 == 0 {
        (v / 10).to_string()
    } else {
        format!("{},{}", v / 10, v % 10)
    }
}

fn csv_text(header: &[&str], rows: Vec<Vec<String>>) -> AppResult<String> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Internal(format!("writing a sample: {e}"));
    w.write_record(header).map_err(io)?;
    for r in rows {
        w.write_record(&r).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing a sample: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(format!("\u{feff}{text}"))
}

/// The header of each kind's sample: every column the kind knows, in its order.
pub fn header(kind: ImportKind) -> Vec<&'static str> {
    kind.columns().iter().map(|c| c.name).collect()
}

/// The demo's people, measures and SPoR interviews as import files, per team. Reads the
/// seeded demo database.
pub async fn samples(app: &App) -> AppResult<Vec<Sample>> {
    let mut out = Vec::new();
    for (team, slug) in [
        (super::DEMO_TEAM, "fjordby"),
        (super::DEMO_TEAM_2, "nordvik"),
    ] {
        let people: Vec<PersonLine> = app
            .db
            .all(
                "SELECT c.id AS client_id, c.name, c.national_id, CAST(c.birth_year AS BIGINT) AS birth_year, \
                 c.municipality, e.included_on, e.closed_on, e.close_reason, r.received_on, r.agency_kind, \
                 r.housing_situation, d.housing_problem, d.id AS decision_id, \
                 (SELECT CAST(l.level AS BIGINT) FROM episode_levels l WHERE l.episode_id = e.id \
                   ORDER BY l.from_date, l.set_at LIMIT 1) AS level, \
                 (SELECT l.ordinary_service FROM episode_levels l WHERE l.episode_id = e.id \
                   ORDER BY l.from_date, l.set_at LIMIT 1) AS ordinary_service \
                 FROM episodes e JOIN clients c ON c.id = e.client_id JOIN teams t ON t.id = e.team_id \
                 LEFT JOIN referrals r ON r.id = e.referral_id \
                 LEFT JOIN intake_decisions d ON d.referral_id = r.id \
                 WHERE t.name = $1 ORDER BY e.included_on, c.name, c.id",
                crate::args![team],
            )
            .await?;
        let ticked: Vec<(Uuid, String)> = app
            .db
            .all(
                "SELECT ti.decision_id, ti.item FROM intake_target_items ti \
                 JOIN intake_decisions d ON d.id = ti.decision_id JOIN referrals r ON r.id = d.referral_id \
                 JOIN teams t ON t.id = r.team_id WHERE t.name = $1 AND ti.checked = TRUE \
                 ORDER BY ti.decision_id, ti.position",
                crate::args![team],
            )
            .await?;
        let mut items: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (d, i) in ticked {
            items.entry(d).or_default().push(i);
        }
        let mut ext: HashMap<Uuid, String> = HashMap::new();
        let mut rows = Vec::new();
        for (n, p) in people.iter().enumerate() {
            let id = format!("{slug}-p{:04}", n + 1);
            ext.insert(p.client_id, id.clone());
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let has_referral = p.received_on.is_some();
            rows.push(vec![
                id,
                p.name.clone(),
                opt(&p.national_id),
                String::new(),
                if p.national_id.is_none() {
                    p.birth_year.map(|y| y.to_string()).unwrap_or_default()
                } else {
                    String::new()
                },
                opt(&p.municipality),
                p.received_on.map(|d| d.to_string()).unwrap_or_default(),
                opt(&p.agency_kind),
                opt(&p.housing_situation),
                match p.housing_problem {
                    Some(true) => "ja".into(),
                    Some(false) => "nei".into(),
                    None => String::new(),
                },
                p.included_on.format("%d.%m.%Y").to_string(),
                p.level.unwrap_or(1).to_string(),
                opt(&p.ordinary_service),
                if has_referral {
                    p.decision_id
                        .and_then(|d| items.get(&d))
                        .map(|v| v.join("|"))
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                p.closed_on.map(|d| d.to_string()).unwrap_or_default(),
                opt(&p.close_reason),
            ]);
        }
        out.push(Sample {
            file: format!("{slug}-people.csv"),
            team,
            kind: ImportKind::People,
            text: csv_text(&header(ImportKind::People), rows)?,
        });

        let mut measures: Vec<MeasureLine> = app
            .db
            .all(
                "SELECT m.client_id, m.kind, m.measured_on, CAST(m.gaf_symptom AS BIGINT) AS gaf_symptom, \
                 CAST(m.gaf_function AS BIGINT) AS gaf_function, CAST(m.item1 AS BIGINT) AS item1, \
                 CAST(m.item2 AS BIGINT) AS item2, CAST(m.item3 AS BIGINT) AS item3, CAST(m.item4 AS BIGINT) AS item4 \
                 FROM measures m JOIN teams t ON t.id = m.team_id WHERE t.name = $1 AND NOT m.retracted \
                 AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.supersedes_id = m.id) \
                 ORDER BY m.measured_on, m.kind, m.created_at, m.id",
                crate::args![team],
            )
            .await?;
        measures.sort_by(|a, b| {
            (ext.get(&a.client_id), a.measured_on, &a.kind).cmp(&(
                ext.get(&b.client_id),
                b.measured_on,
                &b.kind,
            ))
        });
        let mut rows = Vec::new();
        for (n, m) in measures.iter().enumerate() {
            let num = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
            let item = |v: Option<i64>| v.map(tenths).unwrap_or_default();
            rows.push(vec![
                format!("{slug}-m{:05}", n + 1),
                ext.get(&m.client_id).cloned().unwrap_or_default(),
                String::new(),
                m.kind.clone(),
                m.measured_on.to_string(),
                num(m.gaf_symptom),
                num(m.gaf_function),
                item(m.item1),
                item(m.item2),
                item(m.item3),
                item(m.item4),
            ]);
        }
        out.push(Sample {
            file: format!("{slug}-measures.csv"),
            team,
            kind: ImportKind::Measures,
            text: csv_text(&header(ImportKind::Measures), rows)?,
        });

        let events: Vec<RegistryLine> = app
            .db
            .all(
                "SELECT r.client_id, r.kind, r.starts_on, r.ends_on, r.institution, r.compulsory, r.legal_basis, \
                 r.place, r.police_kind FROM registry_events r JOIN teams t ON t.id = r.team_id \
                 WHERE t.name = $1 AND NOT r.retracted \
                 AND NOT EXISTS (SELECT 1 FROM registry_events n WHERE n.supersedes_id = r.id) \
                 ORDER BY r.starts_on, r.kind, r.created_at, r.id",
                crate::args![team],
            )
            .await?;
        let mut rows = Vec::new();
        for (n, e) in events.iter().enumerate() {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            rows.push(vec![
                format!("{slug}-r{:05}", n + 1),
                ext.get(&e.client_id).cloned().unwrap_or_default(),
                String::new(),
                e.kind.clone(),
                e.starts_on.to_string(),
                e.ends_on.map(|d| d.to_string()).unwrap_or_default(),
                opt(&e.institution),
                match e.compulsory {
                    Some(true) => "ja".into(),
                    Some(false) => "nei".into(),
                    None => String::new(),
                },
                opt(&e.legal_basis),
                opt(&e.place),
                opt(&e.police_kind),
            ]);
        }
        out.push(Sample {
            file: format!("{slug}-registry.csv"),
            team,
            kind: ImportKind::Registry,
            text: csv_text(&header(ImportKind::Registry), rows)?,
        });

        let interviews: Vec<InterviewLine> = app
            .db
            .all(
                "SELECT i.id, i.client_id, r.name AS round, r.started_on, i.interviewed_on, i.interviewer, \
                 i.municipality, CAST(i.age AS BIGINT) AS age, CAST(i.contact_years AS BIGINT) AS contact_years \
                 FROM spor_interviews i JOIN spor_rounds r ON r.id = i.round_id JOIN teams t ON t.id = i.team_id \
                 WHERE t.name = $1 ORDER BY r.started_on, i.interviewed_on, i.id",
                crate::args![team],
            )
            .await?;
        if interviews.is_empty() {
            continue;
        }
        let answers: Vec<(Uuid, i64, Option<i64>, Option<String>)> = app
            .db
            .all(
                "SELECT a.interview_id, CAST(a.question AS BIGINT), CAST(a.score AS BIGINT), a.answer \
                 FROM spor_answers a JOIN spor_interviews i ON i.id = a.interview_id \
                 JOIN teams t ON t.id = i.team_id WHERE t.name = $1",
                crate::args![team],
            )
            .await?;
        let mut by_interview: HashMap<Uuid, Vec<AnswerLine>> = HashMap::new();
        for (i, q, s, t) in answers {
            by_interview.entry(i).or_default().push((q, s, t));
        }
        let mut rows = Vec::new();
        for (n, i) in interviews.iter().enumerate() {
            let mut row = vec![
                format!("{slug}-s{:04}", n + 1),
                i.round.clone(),
                i.started_on.to_string(),
                ext.get(&i.client_id).cloned().unwrap_or_default(),
                String::new(),
                i.interviewed_on.to_string(),
                i.interviewer.clone(),
                i.municipality.clone(),
                i.age.to_string(),
                i.contact_years.to_string(),
            ];
            let mut q = vec![String::new(); 20];
            for (k, s, t) in by_interview.get(&i.id).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(slot) = usize::try_from(*k - 1).ok().and_then(|k| q.get_mut(k)) {
                    *slot = s.map(tenths).or_else(|| t.clone()).unwrap_or_default();
                }
            }
            row.extend(q);
            rows.push(row);
        }
        out.push(Sample {
            file: format!("{slug}-spor.csv"),
            team,
            kind: ImportKind::Spor,
            text: csv_text(&header(ImportKind::Spor), rows)?,
        });
    }
    Ok(out)
}
