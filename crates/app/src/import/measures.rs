//! `measures`: one row per GAF, ORS or SRS of a person the team already has (named by the
//! `external_id` of their `people` row, or by national id). The values are checked by the
//! same function the API uses (`measures::check_values`), the date by the same date rule.

use std::collections::{HashMap, HashSet};

use benk_domain::MeasureKind;
use chrono::NaiveDate;
use uuid::Uuid;

use super::format::{Cells, Column};
use super::people::{external_id, unknown_code};
use super::{Ctx, ImportKind, Kind, Planned, Writer};
use crate::error::{AppResult, FieldError};
use crate::measures::{check_values, NewValues};
use crate::store;
use crate::store::import::ExternalTable;
use crate::store::measures::{Recorded, Values};
use crate::App;

/// The `measures` kind.
pub struct Measures;

/// A checked measure row.
#[derive(Debug, Clone)]
pub struct MeasureRow {
    external_id: String,
    client: Uuid,
    measured_on: NaiveDate,
    values: Values,
}

/// The team's people by external id and by national id.
pub struct PersonIndex {
    by_external: HashMap<String, Uuid>,
    by_national_id: HashMap<String, Uuid>,
}

impl PersonIndex {
    /// Reads the team's people.
    pub async fn read(app: &App, team: Uuid) -> AppResult<PersonIndex> {
        let mut by_external = HashMap::new();
        let mut by_national_id = HashMap::new();
        for p in store::import::people(&app.db, team).await? {
            if let Some(e) = p.external_id {
                by_external.insert(e, p.id);
            }
            if let Some(n) = p.national_id {
                by_national_id.insert(n, p.id);
            }
        }
        Ok(PersonIndex {
            by_external,
            by_national_id,
        })
    }

    /// The person a row names in `person_external_id` or `national_id` (the first if both);
    /// every person of the team is in the index, so a miss names no one.
    pub fn find(&self, c: &Cells<'_>, errs: &mut Vec<FieldError>) -> Option<Uuid> {
        match (c.get("person_external_id"), c.get("national_id")) {
            (Some(e), _) => {
                let found = self.by_external.get(e).copied();
                if found.is_none() {
                    errs.push(FieldError::new(
                        "person_external_id",
                        "no_such_person",
                        "Teamet har ingen person importert med denne external_id. Importer personene først.",
                        "The team has no person imported with this external_id. Import the people first.",
                    ));
                }
                found
            }
            (None, Some(n)) => {
                let found = self
                    .by_national_id
                    .get(n.replace(' ', "").as_str())
                    .copied();
                if found.is_none() {
                    errs.push(FieldError::new(
                        "national_id",
                        "no_such_person",
                        "Teamet har ingen person med dette fødselsnummeret.",
                        "The team has no person with this national identity number.",
                    ));
                }
                found
            }
            (None, None) => {
                errs.push(FieldError::new(
                    "person_external_id",
                    "person_required",
                    "Oppgi personens external_id fra personfilen, eller fødselsnummeret.",
                    "Give the person's external_id from the people file, or the national identity number.",
                ));
                None
            }
        }
    }
}

/// What the team already has.
pub struct Known {
    external: HashSet<String>,
    people: PersonIndex,
}

impl Kind for Measures {
    type Row = MeasureRow;
    type Known = Known;
    const KIND: ImportKind = ImportKind::Measures;
    const COLUMNS: &'static [Column] = &[
        Column::required("external_id"),
        Column::optional("person_external_id"),
        Column::optional("national_id"),
        Column::required("kind"),
        Column::required("measured_on"),
        Column::optional("gaf_symptom"),
        Column::optional("gaf_function"),
        Column::optional("item1"),
        Column::optional("item2"),
        Column::optional("item3"),
        Column::optional("item4"),
    ];

    async fn prepare(app: &App, ctx: &Ctx) -> AppResult<Known> {
        Ok(Known {
            external: store::import::external_ids(&app.db, ExternalTable::Measures, ctx.team_id)
                .await?
                .into_iter()
                .collect(),
            people: PersonIndex::read(app, ctx.team_id).await?,
        })
    }

    fn parse(c: &Cells<'_>, _ctx: &Ctx, known: &Known) -> Result<MeasureRow, Vec<FieldError>> {
        let mut errs = Vec::new();
        let ext = external_id(c, &mut errs);
        let client = known.people.find(c, &mut errs);
        let measured_on = c.required_date("measured_on", &mut errs);
        if let Some(e) = measured_on.and_then(|d| crate::measures::check_date("measured_on", d)) {
            errs.push(e);
        }
        let kind = c.required("kind", &mut errs).and_then(|s| {
            let k = MeasureKind::from_code(&s.to_lowercase());
            if k.is_none() {
                errs.push(unknown_code(
                    "kind",
                    MeasureKind::ALL.iter().map(|k| k.code()),
                ));
            }
            k
        });
        // Only the kind's own columns may be filled in.
        let (own, other): (&[&str], &[&str]) = match kind {
            Some(MeasureKind::Gaf) => (
                &["gaf_symptom", "gaf_function"],
                &["item1", "item2", "item3", "item4"],
            ),
            Some(_) => (
                &["item1", "item2", "item3", "item4"],
                &["gaf_symptom", "gaf_function"],
            ),
            None => (&[], &[]),
        };
        for f in other {
            if c.get(f).is_some() {
                errs.push(FieldError::new(
                    f,
                    "not_for_kind",
                    "Denne kolonnen hører ikke til denne typen måling: la den stå tom.",
                    "This column does not belong to this kind of measure: leave it empty.",
                ));
            }
        }
        let nums: Vec<Option<f64>> = own
            .iter()
            .map(|f| c.required_number(f, &mut errs))
            .collect();
        let values = match (kind, nums.as_slice()) {
            (Some(MeasureKind::Gaf), [Some(s), Some(f)]) => Some(NewValues::Gaf(*s, *f)),
            (Some(k), [Some(a), Some(b), Some(c3), Some(d)]) => {
                let items = [*a, *b, *c3, *d];
                Some(if k == MeasureKind::Ors {
                    NewValues::Ors(items)
                } else {
                    NewValues::Srs(items)
                })
            }
            _ => None,
        }
        .and_then(|v| check_values(v).map_err(|e| errs.extend(e)).ok());
        match (ext, client, measured_on, values) {
            (Some(external_id), Some(client), Some(measured_on), Some(values))
                if errs.is_empty() =>
            {
                Ok(MeasureRow {
                    external_id,
                    client,
                    measured_on,
                    values,
                })
            }
            _ => Err(errs),
        }
    }

    fn external_id(row: &MeasureRow) -> &str {
        &row.external_id
    }

    fn exists(known: &Known, external_id: &str) -> bool {
        known.external.contains(external_id)
    }

    fn plan(rows: &[(u64, MeasureRow)], ctx: &Ctx, _known: &Known, w: Writer) -> Vec<Planned> {
        rows.iter()
            .map(|(_, r)| Planned {
                stmts: vec![store::measures::insert(
                    Uuid::now_v7(),
                    Recorded {
                        client: r.client,
                        team: ctx.team_id,
                        by: w.by,
                        owner_org: w.owner_org,
                        at: w.at,
                    },
                    r.values,
                    r.measured_on,
                    None,
                    Some(&r.external_id),
                )],
                client: r.client,
            })
            .collect()
    }
}
