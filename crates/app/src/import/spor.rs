//! `spor`: one row per SPoR interview (`004`): the round (by name; a round the team does not
//! have yet is started by the import), the person (by the `external_id` of their `people`
//! row, or national id), the day, who interviewed, the person's municipality, age, years of
//! contact, and the answers `q1` … `q20` (1, 3, 7, 8 and 10 on the 1–9 scale with decimals,
//! the rest text). Checked by the same function the API uses (`measures::check_interview`).

use std::collections::{HashMap, HashSet};

use benk_domain::ShortText;
use chrono::NaiveDate;
use uuid::Uuid;

use super::format::{parse_number, Cells, Column};
use super::measures::PersonIndex;
use super::people::external_id;
use super::{Ctx, ImportKind, Kind, Planned, RowError, Writer};
use crate::error::{AppResult, FieldError};
use crate::measures::{check_interview, question_field, CheckedInterview, NewInterview};
use crate::store;
use crate::store::import::ExternalTable;
use crate::store::measures::{InterviewFields, Recorded};
use crate::App;

/// The `spor` kind.
pub struct Spor;

/// A checked interview row.
#[derive(Debug, Clone)]
pub struct InterviewRow {
    external_id: String,
    round: ShortText,
    round_started_on: Option<NaiveDate>,
    client: Uuid,
    interview: CheckedInterview,
}

/// What the team already has.
pub struct Known {
    external: HashSet<String>,
    people: PersonIndex,
    rounds: HashMap<String, Uuid>,
    interviewed: HashSet<(Uuid, Uuid)>,
}

macro_rules! questions {
    ($($q:literal),*) => { [$(Column::optional($q)),*] };
}

const QUESTIONS: [Column; 20] = questions!(
    "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15",
    "q16", "q17", "q18", "q19", "q20"
);

const FIRST: [Column; 10] = [
    Column::required("external_id"),
    Column::required("round"),
    Column::optional("round_started_on"),
    Column::optional("person_external_id"),
    Column::optional("national_id"),
    Column::required("interviewed_on"),
    Column::required("interviewer"),
    Column::required("municipality"),
    Column::required("age"),
    Column::required("contact_years"),
];

const fn all_columns() -> [Column; 30] {
    let mut out = [Column::optional(""); 30];
    let mut i = 0;
    while i < 10 {
        out[i] = FIRST[i];
        i += 1;
    }
    while i < 30 {
        out[i] = QUESTIONS[i - 10];
        i += 1;
    }
    out
}

const COLUMNS: [Column; 30] = all_columns();

impl Kind for Spor {
    type Row = InterviewRow;
    type Known = Known;
    const KIND: ImportKind = ImportKind::Spor;
    const COLUMNS: &'static [Column] = &COLUMNS;

    async fn prepare(app: &App, ctx: &Ctx) -> AppResult<Known> {
        Ok(Known {
            external: store::import::external_ids(
                &app.db,
                ExternalTable::SporInterviews,
                ctx.team_id,
            )
            .await?
            .into_iter()
            .collect(),
            people: PersonIndex::read(app, ctx.team_id).await?,
            rounds: store::measures::rounds(&app.db, ctx.team_id)
                .await?
                .into_iter()
                .map(|(id, name, _)| (name, id))
                .collect(),
            interviewed: store::import::interviewed(&app.db, ctx.team_id)
                .await?
                .into_iter()
                .collect(),
        })
    }

    fn parse(c: &Cells<'_>, _ctx: &Ctx, known: &Known) -> Result<InterviewRow, Vec<FieldError>> {
        let mut errs = Vec::new();
        let ext = external_id(c, &mut errs);
        let round = c.required("round", &mut errs).and_then(|s| {
            ShortText::parse(s)
                .map_err(|e| errs.push(FieldError::of("round", &e)))
                .ok()
        });
        let round_started_on = c.date("round_started_on", &mut errs);
        if let Some(e) =
            round_started_on.and_then(|d| crate::measures::check_date("round_started_on", d))
        {
            errs.push(e);
        }
        let client = known.people.find(c, &mut errs);
        let mut input = NewInterview {
            interviewed_on: c.required_date("interviewed_on", &mut errs),
            interviewer: c.get("interviewer").unwrap_or("").to_string(),
            municipality: c.get("municipality").unwrap_or("").to_string(),
            age: c.required_number("age", &mut errs),
            contact_years: c.required_number("contact_years", &mut errs),
            ..NewInterview::default()
        };
        let bad_date = errs.iter().any(|e| e.field == "interviewed_on");
        let missing_numbers: Vec<&str> = ["age", "contact_years"]
            .into_iter()
            .filter(|f| errs.iter().any(|e| e.field == *f))
            .collect();
        for n in 1..=20u8 {
            let field = question_field(n);
            let Some(v) = c.get(&field) else { continue };
            let scale = benk_domain::spor_question(n).is_some_and(|q| q.scale);
            if scale {
                match parse_number(v) {
                    Some(x) => input.scores.push((n, x)),
                    None => errs.push(FieldError::new(
                        &field,
                        "not_a_number",
                        "Svaret er et tall på skalaen 1–9 (desimalkomma eller -punktum).",
                        "The answer is a number on the 1–9 scale (decimal comma or point).",
                    )),
                }
            } else {
                input.texts.push((n, v.to_string()));
            }
        }
        // The interview's own rules, as the API checks them; a field already reported above
        // (a bad date or number) is not reported twice.
        let interview = match check_interview(&input) {
            Ok(i) => Some(i),
            Err(e) => {
                errs.extend(e.into_iter().filter(|e| {
                    !(missing_numbers.contains(&e.field.as_str())
                        || (e.field == "interviewed_on" && bad_date))
                }));
                None
            }
        };
        match (ext, round, client, interview) {
            (Some(external_id), Some(round), Some(client), Some(interview)) if errs.is_empty() => {
                Ok(InterviewRow {
                    external_id,
                    round,
                    round_started_on,
                    client,
                    interview,
                })
            }
            _ => Err(errs),
        }
    }

    fn external_id(row: &InterviewRow) -> &str {
        &row.external_id
    }

    fn exists(known: &Known, external_id: &str) -> bool {
        known.external.contains(external_id)
    }

    fn check_together(rows: &[(u64, InterviewRow)], known: &Known) -> Vec<RowError> {
        // One interview per person and round, as the API holds it.
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (line, r) in rows {
            let existing = known
                .rounds
                .get(r.round.as_str())
                .is_some_and(|round| known.interviewed.contains(&(*round, r.client)));
            if existing || !seen.insert((r.round.as_str().to_string(), r.client)) {
                out.push(RowError::at(
                    *line,
                    FieldError::new(
                        "round",
                        "duplicate",
                        "Personen er allerede intervjuet i denne runden.",
                        "The person has already been interviewed in this round.",
                    ),
                ));
            }
        }
        out
    }

    fn plan(rows: &[(u64, InterviewRow)], ctx: &Ctx, known: &Known, w: Writer) -> Vec<Planned> {
        // Rounds the team does not have yet: started on the given day, else the first
        // interview's.
        let mut new_rounds: Vec<(String, Uuid, NaiveDate)> = Vec::new();
        for (_, r) in rows {
            let name = r.round.as_str();
            if known.rounds.contains_key(name) {
                continue;
            }
            let day = r.round_started_on.unwrap_or(r.interview.interviewed_on);
            match new_rounds.iter_mut().find(|(n, ..)| n == name) {
                Some(found) => {
                    if r.round_started_on.is_none() && day < found.2 {
                        found.2 = day;
                    }
                }
                None => new_rounds.push((name.to_string(), Uuid::now_v7(), day)),
            }
        }
        let mut out: Vec<Planned> = Vec::new();
        let round_id = |name: &str| {
            known
                .rounds
                .get(name)
                .copied()
                .or_else(|| new_rounds.iter().find(|(n, ..)| n == name).map(|r| r.1))
                .unwrap_or_default()
        };
        let mut first = true;
        for (_, r) in rows {
            let id = Uuid::now_v7();
            let i = &r.interview;
            let mut stmts = Vec::new();
            if first {
                for (name, rid, day) in &new_rounds {
                    stmts.push(store::measures::insert_round(
                        *rid,
                        ctx.team_id,
                        name,
                        *day,
                        w.by,
                        w.owner_org,
                        w.at,
                        None,
                    ));
                }
                first = false;
            }
            stmts.push(store::measures::insert_interview(
                id,
                Recorded {
                    client: r.client,
                    team: ctx.team_id,
                    by: w.by,
                    owner_org: w.owner_org,
                    at: w.at,
                },
                &InterviewFields {
                    round: round_id(r.round.as_str()),
                    interviewed_on: i.interviewed_on,
                    interviewer: i.interviewer.as_str(),
                    municipality: i.municipality.as_str(),
                    age: i.age,
                    contact_years: i.contact_years,
                    external_id: Some(&r.external_id),
                },
            ));
            for (q, s, t) in &i.answers {
                stmts.push(store::measures::insert_answer(id, *q, *s, t.as_deref()));
            }
            out.push(Planned {
                stmts,
                client: r.client,
            });
        }
        out
    }
}
