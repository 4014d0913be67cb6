//! `people`: one row per person taken in by the team: who they are, their referral (date,
//! what kind of agency referred, housing at referral), the intake decision that accepted them
//! (inclusion date, level of effort, the target-group assessment) and their course (open, or
//! closed with a date and reason). A row writes the person, the referral, the decision with
//! its target-group items, the course and its first level, all under the row's `external_id`.

use std::collections::{HashMap, HashSet};

use benk_domain::{
    AgencyKind, BirthYear, CloseReason, DecisionOutcome, LevelOfEffort, Municipality, NationalId,
    PersonName, ShortText,
};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::format::{parse_bool, Cells, Column};
use super::{Ctx, ImportKind, Kind, Planned, Writer};
use crate::db::writer::Stmt;
use crate::error::{AppResult, FieldError};
use crate::store;
use crate::store::import::ExternalTable;
use crate::App;

/// The `people` kind.
pub struct People;

/// A checked `people` row.
#[derive(Debug, Clone)]
pub struct PersonRow {
    external_id: String,
    name: PersonName,
    national_id: Option<NationalId>,
    birth_year: Option<i64>,
    municipality: Option<Municipality>,
    referral: Option<(NaiveDate, AgencyKind)>,
    housing_situation: Option<ShortText>,
    inclusion_date: NaiveDate,
    level: LevelOfEffort,
    ordinary_service: Option<ShortText>,
    ticked: Vec<String>,
    in_target_group: bool,
    housing_problem: bool,
    closed: Option<(NaiveDate, CloseReason)>,
}

/// What the team already has.
pub struct Known {
    external: HashSet<String>,
    national_ids: HashMap<String, Option<String>>,
}

/// The reasons recorded on an imported decision (health content; the file has none).
pub const IMPORTED_REASONS: &str = "Importert fra regneark / imported from a spreadsheet";

/// Parses the target-group column: item codes separated by `|` or spaces.
fn items(s: Option<&str>) -> Vec<String> {
    s.unwrap_or("")
        .split(|c: char| c == '|' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// An external id: 1–100 visible characters.
pub(crate) fn external_id(cells: &Cells<'_>, errs: &mut Vec<FieldError>) -> Option<String> {
    let v = cells.required("external_id", errs)?;
    if v.chars().count() > 100 || v.chars().any(char::is_control) {
        errs.push(FieldError::new(
            "external_id",
            "bad_external_id",
            "external_id kan ha høyst 100 tegn og ingen kontrolltegn.",
            "external_id may have at most 100 characters and no control characters.",
        ));
        return None;
    }
    Some(v.to_string())
}

impl Kind for People {
    type Row = PersonRow;
    type Known = Known;
    const KIND: ImportKind = ImportKind::People;
    const COLUMNS: &'static [Column] = &[
        Column::required("external_id"),
        Column::required("name"),
        Column::optional("national_id"),
        Column::optional("birth_date"),
        Column::optional("birth_year"),
        Column::optional("municipality"),
        Column::optional("referral_date"),
        Column::optional("agency_kind"),
        Column::optional("housing_situation"),
        Column::optional("homeless_or_at_risk"),
        Column::required("inclusion_date"),
        Column::required("level"),
        Column::optional("ordinary_service"),
        Column::optional("target_group"),
        Column::optional("closed_on"),
        Column::optional("close_reason"),
    ];

    async fn prepare(app: &App, ctx: &Ctx) -> AppResult<Known> {
        let external =
            store::import::external_ids(&app.db, ExternalTable::Clients, ctx.team_id).await?;
        let people = store::import::people(&app.db, ctx.team_id).await?;
        Ok(Known {
            external: external.into_iter().collect(),
            national_ids: people
                .into_iter()
                .filter_map(|p| p.national_id.map(|n| (n, p.external_id)))
                .collect(),
        })
    }

    fn parse(c: &Cells<'_>, ctx: &Ctx, known: &Known) -> Result<PersonRow, Vec<FieldError>> {
        let mut errs = Vec::new();
        let ext = external_id(c, &mut errs);
        let name = c.required("name", &mut errs).and_then(|s| {
            PersonName::parse(s)
                .map_err(|e| errs.push(FieldError::of("name", &e)))
                .ok()
        });
        // The national id as the API checks it: check digits, and synthetic numbers only with
        // test data enabled.
        let national_id = c.get("national_id").and_then(|s| {
            NationalId::parse(s, ctx.allow_synthetic)
                .map_err(|e| errs.push(FieldError::of("national_id", &e)))
                .ok()
        });
        let birth = c.date("birth_date", &mut errs);
        let year_only = c.number("birth_year", &mut errs);
        if c.get("national_id").is_none()
            && c.get("birth_date").is_none()
            && c.get("birth_year").is_none()
        {
            errs.push(FieldError::new(
                "birth_date",
                "identity_required",
                "Oppgi fødselsnummer eller D-nummer, eller fødselsdato (eller fødselsår).",
                "Give a national identity number or D-number, or the birth date (or birth year).",
            ));
        }
        let birth_year = match (&national_id, birth) {
            (Some(n), Some(b)) if n.birth_date() != b => {
                errs.push(FieldError::new(
                    "birth_date",
                    "birth_date_mismatch",
                    "Fødselsdatoen stemmer ikke med fødselsnummeret.",
                    "The birth date does not match the national identity number.",
                ));
                None
            }
            (Some(n), _) => Some(i64::from(n.birth_date().year())),
            (None, Some(b)) => BirthYear::parse(b.year(), ctx.today.year())
                .map(|y| i64::from(y.value()))
                .map_err(|e| errs.push(FieldError::of("birth_date", &e)))
                .ok(),
            (None, None) => match year_only {
                Some(y) if y.fract() == 0.0 && y.abs() < 10_000.0 => {
                    BirthYear::parse(y as i32, ctx.today.year())
                        .map(|y| i64::from(y.value()))
                        .map_err(|e| errs.push(FieldError::of("birth_year", &e)))
                        .ok()
                }
                Some(_) => {
                    errs.push(FieldError::new(
                        "birth_year",
                        "bad_year",
                        "Fødselsåret er et helt årstall.",
                        "The birth year is a whole year.",
                    ));
                    None
                }
                None => None,
            },
        };
        if let (Some(n), Some(e)) = (&national_id, &ext) {
            // One record per national id and team: a person already there (typed in Benk, or
            // imported under another external id) is not made twice.
            if let Some(other) = known.national_ids.get(n.as_str()) {
                if other.as_deref() != Some(e.as_str()) {
                    errs.push(FieldError::new(
                        "national_id",
                        "duplicate",
                        "Teamet har allerede en person med dette fødselsnummeret.",
                        "The team already has a person with this national identity number.",
                    ));
                }
            }
        }
        let municipality = c.get("municipality").and_then(|s| {
            Municipality::parse(s)
                .map_err(|e| errs.push(FieldError::of("municipality", &e)))
                .ok()
        });
        // A person taken in before the team recorded referrals has none: then no referral
        // and no decision are written, only the course.
        let referral_date = c.date("referral_date", &mut errs);
        if c.get("referral_date").is_some() != c.get("agency_kind").is_some() {
            let missing = if c.get("referral_date").is_none() {
                "referral_date"
            } else {
                "agency_kind"
            };
            errs.push(FieldError::new(
                missing,
                "referral_incomplete",
                "Henvisningsdato og henviserens type oppgis sammen (eller ingen av dem).",
                "The referral date and the kind of referrer are given together (or neither).",
            ));
        }
        if let Some(d) = referral_date {
            if let Err(e) =
                benk_domain::check_not_future(benk_domain::DateField::Referred, d, ctx.today)
            {
                errs.push(FieldError::of("referral_date", &e));
            }
        }
        let agency_kind = c.get("agency_kind").and_then(|s| {
            let k = AgencyKind::from_code(s);
            if k.is_none() {
                errs.push(unknown_code(
                    "agency_kind",
                    AgencyKind::ALL.iter().map(|k| k.code()),
                ));
            }
            k
        });
        let housing_situation = c.get("housing_situation").and_then(|s| {
            ShortText::parse(s)
                .map_err(|e| errs.push(FieldError::of("housing_situation", &e)))
                .ok()
        });
        let housing_problem = match c.get("homeless_or_at_risk").map(parse_bool) {
            None => false,
            Some(Some(b)) => b,
            Some(None) => {
                errs.push(yes_no("homeless_or_at_risk"));
                false
            }
        };
        let inclusion_date = c.required_date("inclusion_date", &mut errs);
        if let (Some(i), Some(r)) = (inclusion_date, referral_date) {
            errs.extend(crate::intake::check_decided_on(
                "inclusion_date",
                i,
                r,
                ctx.today,
            ));
        }
        // The level as the intake decision checks it (the domain's rule: accepted needs a
        // level, and level 3 is guidance, an outcome of its own with no course).
        let level = match c.get("level") {
            None => None,
            Some(s) => {
                let l = s.parse::<i64>().ok().and_then(LevelOfEffort::from_number);
                if l.is_none() {
                    errs.push(FieldError::new(
                        "level",
                        "bad_level",
                        "Innsatsnivå er 1 eller 2.",
                        "The level of effort is 1 or 2.",
                    ));
                }
                l
            }
        };
        let checked = benk_domain::DecisionInput {
            outcome: DecisionOutcome::Accepted,
            level,
            reasons: IMPORTED_REASONS.into(),
        }
        .validate();
        // Without a referral no decision is written: the course's level may then be any of
        // the three (a course at level 3 from before the team recorded referrals).
        let with_referral = c.get("referral_date").is_some();
        let level = match (&checked, with_referral) {
            (Ok(d), true) => d.level(),
            (Err(e), true) => {
                if c.get("level").is_none() || level.is_some() {
                    errs.push(FieldError::of("level", e));
                }
                None
            }
            (_, false) => {
                if c.get("level").is_none() {
                    errs.push(FieldError::required("level"));
                }
                level
            }
        };
        let ordinary_service = c.get("ordinary_service").and_then(|s| {
            ShortText::parse(s)
                .map_err(|e| errs.push(FieldError::of("ordinary_service", &e)))
                .ok()
        });
        if level.is_some() && with_referral {
            errs.extend(crate::intake::check_ordinary(
                c.get("ordinary_service").is_some(),
                level == Some(LevelOfEffort::ShoulderToShoulder),
            ));
        }
        // The target-group assessment against the team's own criteria, as at the decision.
        if referral_date.is_none() && c.get("target_group").is_some() {
            errs.push(FieldError::new(
                "target_group",
                "needs_referral",
                "Målgruppevurderingen hører til inntaksbeslutningen: oppgi henvisningsdato og henviserens type.",
                "The target-group assessment belongs to the intake decision: give the referral date and the kind of referrer.",
            ));
        }
        let target = match (referral_date.or(inclusion_date), inclusion_date) {
            (Some(r), Some(i)) => {
                let input = crate::target::TargetInput {
                    items: items(c.get("target_group")),
                    housing_problem,
                    routed_to: None,
                    services: Vec::new(),
                };
                let mut t_errs = Vec::new();
                let t = crate::target::check_at_decision(
                    &ctx.policy.target_group,
                    DecisionOutcome::Accepted,
                    &input,
                    r,
                    i,
                    &mut t_errs,
                );
                errs.extend(t_errs.into_iter().map(|e| FieldError {
                    field: "target_group".into(),
                    ..e
                }));
                t
            }
            _ => None,
        };
        let closed_on = c.date("closed_on", &mut errs);
        let close_reason = c.get("close_reason").and_then(|s| {
            let r = CloseReason::from_code(s);
            if r.is_none() {
                errs.push(unknown_code(
                    "close_reason",
                    CloseReason::ALL.iter().map(|k| k.code()),
                ));
            }
            r
        });
        let closed = match (
            closed_on,
            close_reason,
            c.get("closed_on"),
            c.get("close_reason"),
        ) {
            (Some(d), Some(r), ..) => {
                if let Some(i) = inclusion_date {
                    if let Err(e) = benk_domain::check_close(i, d, ctx.today) {
                        errs.push(FieldError::of("closed_on", &e));
                    }
                }
                Some((d, r))
            }
            (_, _, Some(_), None) => {
                errs.push(FieldError::required("close_reason"));
                None
            }
            (_, _, None, Some(_)) => {
                errs.push(FieldError::required("closed_on"));
                None
            }
            _ => None,
        };
        match (ext, name, inclusion_date, level, target) {
            (Some(external_id), Some(name), Some(inclusion_date), Some(level), Some(t))
                if errs.is_empty() =>
            {
                Ok(PersonRow {
                    external_id,
                    name,
                    national_id,
                    birth_year,
                    municipality,
                    referral: referral_date.zip(agency_kind),
                    housing_situation,
                    inclusion_date,
                    level,
                    ordinary_service,
                    ticked: t.ticked,
                    in_target_group: t.in_target_group,
                    housing_problem,
                    closed,
                })
            }
            _ => Err(errs),
        }
    }

    fn external_id(row: &PersonRow) -> &str {
        &row.external_id
    }

    fn exists(known: &Known, external_id: &str) -> bool {
        known.external.contains(external_id)
    }

    fn check_together(rows: &[(u64, PersonRow)], _known: &Known) -> Vec<super::RowError> {
        let mut seen = HashSet::new();
        rows.iter()
            .filter(|(_, r)| {
                r.national_id
                    .as_ref()
                    .is_some_and(|n| !seen.insert(n.as_str().to_string()))
            })
            .map(|(line, _)| {
                super::RowError::at(
                    *line,
                    FieldError::new(
                        "national_id",
                        "duplicate_in_file",
                        "Det samme fødselsnummeret står på en tidligere linje i filen.",
                        "The same national identity number is on an earlier line of the file.",
                    ),
                )
            })
            .collect()
    }

    fn plan(rows: &[(u64, PersonRow)], ctx: &Ctx, _known: &Known, w: Writer) -> Vec<Planned> {
        rows.iter()
            .map(|(_, r)| {
                let client = Uuid::now_v7();
                let referral = Uuid::now_v7();
                let episode = Uuid::now_v7();
                let decided_at = r
                    .inclusion_date
                    .and_hms_opt(12, 0, 0)
                    .unwrap_or_default()
                    .and_utc();
                let nid = r.national_id.as_ref().map(|n| n.as_str());
                let mut stmts = vec![store::import::insert_person(&store::import::NewPerson {
                    id: client,
                    team_id: ctx.team_id,
                    external_id: &r.external_id,
                    name: r.name.as_str(),
                    national_id: nid,
                    national_id_kind: r.national_id.as_ref().map(|n| n.kind().code()),
                    birth_year: r.birth_year,
                    municipality: r.municipality.as_ref().map(|m| m.as_str()),
                    by: w.by,
                    owner_org_id: w.owner_org,
                    at: w.at,
                })];
                if let Some((received_on, agency_kind)) = r.referral {
                    stmts.push(store::import::insert_referral(
                        &store::import::NewImportedReferral {
                            id: referral,
                            team_id: ctx.team_id,
                            external_id: &r.external_id,
                            client_id: client,
                            received_on,
                            agency_kind: agency_kind.code(),
                            referrer_name: agency_kind.label(benk_domain::Lang::Nb),
                            person_name: r.name.as_str(),
                            person_national_id: nid,
                            person_birth_year: r.birth_year,
                            housing_situation: r.housing_situation.as_ref().map(|t| t.as_str()),
                            reason: IMPORTED_REASONS,
                            by: w.by,
                            decided_at,
                        },
                    ));
                    stmts.extend(decision_stmts(r, ctx, w, referral, decided_at));
                }
                stmts.push(store::import::insert_episode(
                    &store::import::NewImportedEpisode {
                        id: episode,
                        team_id: ctx.team_id,
                        external_id: &r.external_id,
                        client_id: client,
                        referral_id: r.referral.map(|_| referral),
                        included_on: r.inclusion_date,
                        closed: r.closed.map(|(d, reason)| (d, reason.code())),
                        by: w.by,
                        owner_org_id: w.owner_org,
                        at: w.at,
                    },
                ));
                let service = r
                    .ordinary_service
                    .as_ref()
                    .map(|s| store::episodes::LevelService {
                        service: s.as_str(),
                        contact_name: None,
                        contact_phone: None,
                        competence: None,
                        competence_note: None,
                    });
                stmts.push(store::episodes::insert_level_with(
                    episode,
                    r.level.number(),
                    r.inclusion_date,
                    Some("Inntak (importert)"),
                    true,
                    service.as_ref(),
                    w.by,
                    w.at,
                ));
                Planned { stmts, client }
            })
            .collect()
    }
}

/// The accepting decision of a row with a referral, and its target-group items.
fn decision_stmts(
    r: &PersonRow,
    ctx: &Ctx,
    w: Writer,
    referral: Uuid,
    decided_at: chrono::DateTime<chrono::Utc>,
) -> Vec<Stmt> {
    use benk_domain::target_group::legacy;
    let decision = Uuid::now_v7();
    let ticked = |code: &str| r.ticked.iter().any(|t| t == code);
    let mut stmts = Vec::new();
    stmts.push(store::intake::insert(&store::intake::NewDecision {
        id: decision,
        referral_id: referral,
        decided_on: r.inclusion_date,
        at: decided_at,
        outcome: DecisionOutcome::Accepted.code(),
        level: Some(r.level.number()),
        reasons: IMPORTED_REASONS,
        severe_mental_illness: ticked(legacy::MENTAL_ILLNESS),
        substance_use: ticked(legacy::SUBSTANCE_USE),
        weak_connection: ticked(legacy::WEAK_CONNECTION),
        housing_problem: r.housing_problem,
        in_target_group: r.in_target_group,
        suggested_outcome: None,
        recorded_by: w.by,
        owner_org_id: w.owner_org,
        referrer_consent: false,
        routed_to: None,
    }));
    let mut position = 0_i64;
    for c in ctx.policy.target_group.criteria() {
        for i in &c.items {
            stmts.push(store::intake::insert_target_item(
                decision,
                position,
                &c.code,
                i,
                r.ticked.contains(&i.code),
            ));
            position += 1;
        }
    }
    stmts
}

/// A code outside its list, naming the codes.
pub(crate) fn unknown_code<'a>(field: &str, codes: impl Iterator<Item = &'a str>) -> FieldError {
    let list = codes.collect::<Vec<_>>().join(", ");
    FieldError::new(
        field,
        "unknown_code",
        &format!("Ukjent kode. Gyldige koder: {list}."),
        &format!("Unknown code. Valid codes: {list}."),
    )
}

fn yes_no(field: &str) -> FieldError {
    FieldError::new(
        field,
        "not_yes_no",
        "Skriv ja eller nei.",
        "Write yes or no (ja or nei).",
    )
}
