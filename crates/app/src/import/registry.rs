//! `registry`: one row per registry event (inpatient stay, emergency visit, police event or
//! arrest, prison stay) of a person the team already has (named by the `external_id` of their
//! `people` row, or by national id). Each row is checked by the registry API's own
//! `registry::check` (dates, discharge not before admission, codes, legal basis only under
//! compulsory care); stays are checked for overlap with the person's stays of the same kind,
//! in the file and already stored.

use std::collections::{HashMap, HashSet};

use benk_domain::{check_overlap, EmergencyPlace, PoliceKind, RegistryKind, Stay};
use chrono::NaiveDate;
use uuid::Uuid;

use super::format::{parse_bool, Cells, Column};
use super::measures::PersonIndex;
use super::people::{external_id, unknown_code};
use super::{Ctx, ImportKind, Kind, Planned, Recheck, RowError, Writer};
use crate::error::{AppResult, FieldError};
use crate::registry::{check, date_fields, NewEvent};
use crate::store;
use crate::store::import::ExternalTable;
use crate::store::registry::{Facts, Recorded};
use crate::App;

/// The `registry` kind.
pub struct Registry;

/// A checked registry row.
#[derive(Debug, Clone)]
pub struct RegistryRow {
    external_id: String,
    client: Uuid,
    facts: Facts,
}

/// What the team already has: the events' external ids, its people, and the current stays
/// of each person by kind.
pub struct Known {
    external: HashSet<String>,
    people: PersonIndex,
    stays: Stored,
}

/// The current stays of a team's people, by person and kind.
type Stored = HashMap<(Uuid, String), Vec<Stay>>;

fn stored(rows: Vec<(Uuid, String, NaiveDate, Option<NaiveDate>)>) -> Stored {
    let mut stays = Stored::new();
    for (client, kind, s, e) in rows {
        if let Ok(stay) = Stay::new(s, e) {
            stays.entry((client, kind)).or_default().push(stay);
        }
    }
    stays
}

/// A new stay of the file: its line, the person, its kind.
type NewStay = (u64, Uuid, &'static str, Stay);

fn new_stays(rows: &[(u64, RegistryRow)]) -> Vec<NewStay> {
    rows.iter()
        .filter(|(_, r)| is_stay(r.facts.kind))
        .filter_map(|(line, r)| {
            let stay = Stay::new(r.facts.starts_on, r.facts.ends_on).ok()?;
            Some((*line, r.client, r.facts.kind, stay))
        })
        .collect()
}

/// A stay may not overlap another stay of its kind of the same person: one stored, or one
/// on an earlier line of the file.
fn overlaps(new: &[NewStay], stored: &Stored) -> Vec<RowError> {
    let mut in_file: HashMap<(Uuid, &str), Vec<Stay>> = HashMap::new();
    let mut out = Vec::new();
    for (line, client, kind, mine) in new {
        let before = stored
            .get(&(*client, kind.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let earlier = in_file.entry((*client, kind)).or_default();
        match check_overlap(mine, before.iter().chain(earlier.iter())) {
            Err(e) => out.push(RowError::at(*line, FieldError::of("starts_on", &e))),
            Ok(()) => earlier.push(*mine),
        }
    }
    out
}

/// The columns only some kinds use, with the kinds that use them.
const KIND_COLUMNS: &[(&str, &[RegistryKind])] = &[
    ("ends_on", &[RegistryKind::Inpatient, RegistryKind::Prison]),
    ("institution", &[RegistryKind::Inpatient]),
    ("compulsory", &[RegistryKind::Inpatient]),
    ("legal_basis", &[RegistryKind::Inpatient]),
    ("place", &[RegistryKind::Emergency]),
    ("police_kind", &[RegistryKind::Police]),
];

fn is_stay(kind: &str) -> bool {
    matches!(kind, "inpatient" | "prison")
}

/// The API's field names for a kind's days (`admitted_on`, `discharged_on`, …) are the
/// file's `starts_on` and `ends_on`.
fn to_column(kind: RegistryKind, mut e: FieldError) -> FieldError {
    let (start, end) = date_fields(kind);
    if e.field == start {
        e.field = "starts_on".into();
    } else if Some(e.field.as_str()) == end {
        e.field = "ends_on".into();
    }
    e
}

impl Kind for Registry {
    type Row = RegistryRow;
    type Known = Known;
    const KIND: ImportKind = ImportKind::Registry;
    const COLUMNS: &'static [Column] = &[
        Column::required("external_id"),
        Column::optional("person_external_id"),
        Column::optional("national_id"),
        Column::required("kind"),
        Column::required("starts_on"),
        Column::optional("ends_on"),
        Column::optional("institution"),
        Column::optional("compulsory"),
        Column::optional("legal_basis"),
        Column::optional("place"),
        Column::optional("police_kind"),
    ];

    async fn prepare(app: &App, ctx: &Ctx) -> AppResult<Known> {
        let stays = stored(store::registry::team_stays(&app.db, ctx.team_id).await?);
        Ok(Known {
            external: store::import::external_ids(
                &app.db,
                ExternalTable::RegistryEvents,
                ctx.team_id,
            )
            .await?
            .into_iter()
            .collect(),
            people: PersonIndex::read(app, ctx.team_id).await?,
            stays,
        })
    }

    fn parse(c: &Cells<'_>, ctx: &Ctx, known: &Known) -> Result<RegistryRow, Vec<FieldError>> {
        let mut errs = Vec::new();
        let ext = external_id(c, &mut errs);
        let client = known.people.find(c, &mut errs);
        let starts_on = c.required_date("starts_on", &mut errs);
        let ends_on = c.date("ends_on", &mut errs);
        let kind = c.required("kind", &mut errs).and_then(|s| {
            let k = RegistryKind::from_code(&s.to_lowercase());
            if k.is_none() {
                errs.push(unknown_code(
                    "kind",
                    RegistryKind::ALL.iter().map(|k| k.code()),
                ));
            }
            k
        });
        let Some(kind) = kind else {
            return Err(errs);
        };
        // Only the kind's own columns may be filled in.
        for (col, kinds) in KIND_COLUMNS {
            if !kinds.contains(&kind) && c.get(col).is_some() {
                errs.push(FieldError::new(
                    col,
                    "not_for_kind",
                    "Denne kolonnen hører ikke til denne typen hendelse: la den stå tom.",
                    "This column does not belong to this kind of event: leave it empty.",
                ));
            }
        }
        let text = |col: &str| c.get(col).unwrap_or_default().to_string();
        let event = match kind {
            RegistryKind::Inpatient => {
                let institution = c.required("institution", &mut errs).map(str::to_string);
                let compulsory = match c.get("compulsory").map(parse_bool) {
                    None => Some(false),
                    Some(Some(b)) => Some(b),
                    Some(None) => {
                        errs.push(FieldError::new(
                            "compulsory",
                            "not_yes_no",
                            "Skriv ja eller nei.",
                            "Write yes or no.",
                        ));
                        None
                    }
                };
                match (starts_on, institution, compulsory) {
                    (Some(admitted_on), Some(institution), Some(compulsory)) => {
                        Some(NewEvent::Inpatient {
                            admitted_on,
                            discharged_on: ends_on,
                            institution,
                            compulsory,
                            legal_basis: c.get("legal_basis").map(str::to_string),
                        })
                    }
                    _ => None,
                }
            }
            RegistryKind::Emergency => {
                if c.get("place").is_none() {
                    errs.push(unknown_code(
                        "place",
                        EmergencyPlace::ALL.iter().map(|k| k.code()),
                    ));
                }
                starts_on.map(|visited_on| NewEvent::Emergency {
                    visited_on,
                    place: text("place").to_lowercase(),
                })
            }
            RegistryKind::Police => {
                if c.get("police_kind").is_none() {
                    errs.push(unknown_code(
                        "police_kind",
                        PoliceKind::ALL.iter().map(|k| k.code()),
                    ));
                }
                starts_on.map(|occurred_on| NewEvent::Police {
                    occurred_on,
                    police_kind: text("police_kind").to_lowercase(),
                })
            }
            RegistryKind::Prison => starts_on.map(|started_on| NewEvent::Prison {
                started_on,
                ended_on: ends_on,
            }),
        };
        let facts = event.and_then(|e| {
            check(&e, ctx.today)
                .map_err(|fe| {
                    for x in fe {
                        let x = to_column(kind, x);
                        // A code the checks refuse is shown with the valid codes.
                        let x = match x.field.as_str() {
                            "place" if x.code == "unknown_code" => {
                                unknown_code("place", EmergencyPlace::ALL.iter().map(|k| k.code()))
                            }
                            "police_kind" if x.code == "unknown_code" => unknown_code(
                                "police_kind",
                                PoliceKind::ALL.iter().map(|k| k.code()),
                            ),
                            _ => x,
                        };
                        if !errs
                            .iter()
                            .any(|e: &FieldError| e.field == x.field && e.code == x.code)
                        {
                            errs.push(x);
                        }
                    }
                })
                .ok()
        });
        match (ext, client, facts) {
            (Some(external_id), Some(client), Some(facts)) if errs.is_empty() => Ok(RegistryRow {
                external_id,
                client,
                facts,
            }),
            _ => Err(errs),
        }
    }

    fn external_id(row: &RegistryRow) -> &str {
        &row.external_id
    }

    fn exists(known: &Known, external_id: &str) -> bool {
        known.external.contains(external_id)
    }

    /// A stay may not overlap another stay of its kind of the same person: one already
    /// stored, or one on an earlier line of the file.
    fn check_together(rows: &[(u64, RegistryRow)], known: &Known) -> Vec<RowError> {
        overlaps(&new_stays(rows), &known.stays)
    }

    /// The overlap check again, inside the writer command that inserts the rows: a stay
    /// recorded through the API since `prepare` read the team's stays is seen.
    fn recheck(rows: &[(u64, RegistryRow)], ctx: &Ctx) -> Option<Recheck> {
        let new = new_stays(rows);
        let team = ctx.team_id;
        Some(Box::new(move |tx| {
            Box::pin(async move {
                let stays = stored(store::registry::team_stays(&mut *tx, team).await?);
                Ok(overlaps(&new, &stays))
            })
        }))
    }

    fn plan(rows: &[(u64, RegistryRow)], ctx: &Ctx, _known: &Known, w: Writer) -> Vec<Planned> {
        rows.iter()
            .map(|(_, r)| Planned {
                stmts: vec![store::registry::insert(
                    Uuid::now_v7(),
                    Recorded {
                        client: r.client,
                        team: ctx.team_id,
                        by: w.by,
                        owner_org: w.owner_org,
                        at: w.at,
                    },
                    &r.facts,
                    None,
                    Some(&r.external_id),
                )],
                client: r.client,
            })
            .collect()
    }
}
