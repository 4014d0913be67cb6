//! The Tandem follow-up report (`000`): people taken in over time, housing status at intake
//! against now, evictions after intake, and started treatment.
//!
//! Who is counted ("people followed"): the people with a course in the team open on at least
//! one day of the period, each once, by their earliest such course (`followed_in`, as the
//! housing outcomes). "Now" is the end of the period, today if that is earlier, or the day the
//! course closed if earlier still: after a person has left (moved, died) the team no longer
//! knows where they live.

use std::collections::{BTreeMap, HashMap};

use benk_domain::{
    followed_in, Cell, Chart, ChartKind, EstablishedService, Followed, HousingStatus, Lang,
    Section, Series, Table, L,
};
use chrono::NaiveDate;
use uuid::Uuid;

use super::defs;
use super::fidelity::{intervals, median_cells};

/// Everything the Tandem follow-up is computed from.
#[derive(Debug, Clone)]
pub struct TandemInput {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Today.
    pub today: NaiveDate,
    /// Every course of the team.
    pub courses: Vec<Followed<Uuid>>,
    /// The coded housing history: (person, status, from date).
    pub statuses: Vec<(Uuid, HousingStatus, NaiveDate)>,
    /// Evictions: (person, date).
    pub evictions: Vec<(Uuid, NaiveDate)>,
    /// Treatment established: (person, service, date) of the DPS outpatient and TSB kinds;
    /// `None` when the reader may not see it (not health personnel): the section says so.
    pub treatment: Option<Vec<(Uuid, EstablishedService, NaiveDate)>>,
}

fn t(nb: &str, en: &str) -> L {
    L::new(nb, en)
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn status_label(s: Option<HousingStatus>) -> L {
    match s {
        Some(s) => L::new(cap(s.label(Lang::Nb)), cap(s.label(Lang::En))),
        None => t("Ikke registrert", "Not recorded"),
    }
}

/// The newest of a person's statuses dated on or before `day`.
fn status_on(statuses: &[(HousingStatus, NaiveDate)], day: NaiveDate) -> Option<HousingStatus> {
    statuses
        .iter()
        .filter(|s| s.1 <= day)
        .max_by_key(|s| s.1)
        .map(|s| s.0)
}

/// Rows `(person, …)` grouped by person, so each person's are found without a scan of all.
fn by_person<T: Copy>(rows: impl Iterator<Item = (Uuid, T)>) -> HashMap<Uuid, Vec<T>> {
    let mut m: HashMap<Uuid, Vec<T>> = HashMap::new();
    for (who, v) in rows {
        m.entry(who).or_default().push(v);
    }
    m
}

fn intake_section(i: &TandemInput) -> Section {
    // The first inclusion of each person in the team.
    let mut first: BTreeMap<Uuid, NaiveDate> = BTreeMap::new();
    for c in &i.courses {
        first
            .entry(c.who)
            .and_modify(|d| *d = (*d).min(c.included_on))
            .or_insert(c.included_on);
    }
    let ivs = intervals(i.from, i.to.min(i.today));
    let mut rows = Vec::new();
    let (mut cum, mut open) = (Vec::new(), Vec::new());
    for iv in &ivs {
        let new = first
            .values()
            .filter(|d| **d >= iv.start && **d <= iv.end)
            .count() as i64;
        let so_far = first.values().filter(|d| **d <= iv.end).count() as i64;
        let followed = followed_in(iv.end, iv.end, &i.courses).len() as i64;
        rows.push(vec![
            Cell::same(iv.label.clone()),
            Cell::people(new),
            Cell::people(so_far),
            Cell::people(followed),
        ]);
        cum.push(Some(so_far as f64));
        open.push(Some(followed as f64));
    }
    let in_period = first
        .values()
        .filter(|d| **d >= i.from && **d <= i.to)
        .count() as i64;
    if !ivs.is_empty() {
        let last = first.values().filter(|d| **d <= i.to).count() as i64;
        rows.push(vec![
            Cell::text(t("Hele perioden", "The whole period")),
            Cell::people(in_period),
            Cell::people(last),
            Cell::people(followed_in(i.from, i.to, &i.courses).len() as i64),
        ]);
    }
    Section {
        title: t("Tatt inn over tid", "Taken in over time"),
        intro: Some(t(
            "Tatt inn: personens første inntak i teamet. I alt: alle som er tatt inn i teamet til og med måneden, også før perioden. Siste rad: hele perioden, med alle som ble fulgt i den.",
            "Taken in: the person's first inclusion in the team. In all: everyone taken into the team up to and including the month, also before the period. Last row: the whole period, with everyone followed in it.",
        )),
        person_level: false,
        charts: if ivs.is_empty() {
            vec![]
        } else {
            vec![Chart {
                title: t("Tatt inn, kumulativt, og fulgt", "Taken in, cumulative, and followed"),
                kind: ChartKind::Cumulative,
                categories: ivs.iter().map(|iv| L::same(iv.label.clone())).collect(),
                series: vec![
                    Series {
                        name: t("Tatt inn i alt", "Taken in, total"),
                        values: cum,
                    },
                    Series {
                        name: t("Fulgt ved slutten", "Followed at the end"),
                        values: open,
                    },
                ],
                people: true,
                reference: None,
                table_id: "tandem.intake".into(),
            }]
        },
        tables: vec![Table {
            id: "tandem.intake".into(),
            title: t("Tatt inn per periode", "Taken in per period"),
            columns: vec![
                t("Periode", "Period"),
                t("Tatt inn", "Taken in"),
                t("Tatt inn i alt", "Taken in, total"),
                t("Fulgt ved slutten", "Followed at the end"),
            ],
            rows,
            note: None,
        }],
    }
}

/// The statuses in table order, with "not recorded" last.
fn status_keys() -> Vec<Option<HousingStatus>> {
    HousingStatus::ALL
        .iter()
        .copied()
        .map(Some)
        .chain([None])
        .collect()
}

struct Person<'a> {
    f: Followed<Uuid>,
    /// The last day the team follows them in the period ("now").
    until: NaiveDate,
    statuses: &'a [(HousingStatus, NaiveDate)],
    evictions: &'a [NaiveDate],
    /// `None`: treatment withheld.
    treatment: Option<&'a [(EstablishedService, NaiveDate)]>,
}

fn housing_section(people: &[Person]) -> Section {
    let keys = status_keys();
    let idx = |s: Option<HousingStatus>| keys.iter().position(|k| *k == s).unwrap_or(0);
    let mut cross = vec![vec![0i64; keys.len()]; keys.len()];
    let (mut housed_then, mut housed_now) = (0, 0);
    let (mut homeless_then, mut homeless_housed) = (0, 0);
    for p in people {
        let then = status_on(p.statuses, p.f.included_on);
        let now = status_on(p.statuses, p.until);
        cross[idx(then)][idx(now)] += 1;
        housed_then += i64::from(then.is_some_and(HousingStatus::is_housed));
        housed_now += i64::from(now.is_some_and(HousingStatus::is_housed));
        if then == Some(HousingStatus::Homeless) {
            homeless_then += 1;
            homeless_housed += i64::from(now.is_some_and(HousingStatus::is_housed));
        }
    }
    let n = people.len() as i64;
    let col_sum = |j: usize| cross.iter().map(|r| r[j]).sum::<i64>();
    let summary_rows: Vec<Vec<Cell>> = keys
        .iter()
        .enumerate()
        .map(|(k, s)| {
            vec![
                Cell::text(status_label(*s)),
                Cell::people(cross[k].iter().sum()),
                Cell::people(col_sum(k)),
            ]
        })
        .collect();
    let mut cross_rows: Vec<Vec<Cell>> = keys
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut row = vec![Cell::text(status_label(*s))];
            row.extend(cross[k].iter().map(|v| Cell::people(*v)));
            row.push(Cell::people(cross[k].iter().sum()));
            row
        })
        .collect();
    let mut total = vec![Cell::text(t("I alt", "Total"))];
    total.extend((0..keys.len()).map(|j| Cell::people(col_sum(j))));
    total.push(Cell::people(n));
    cross_rows.push(total);
    let mut cross_cols = vec![t("Ved inntak / nå", "At intake / now")];
    cross_cols.extend(keys.iter().map(|s| status_label(*s)));
    cross_cols.push(t("I alt", "Total"));
    Section {
        title: t("Bosituasjon ved inntak og nå", "Housing at intake and now"),
        intro: Some(t(
            "Bosituasjonen ved inntak er den siste registrerte på eller før inntaksdagen; nå er den siste på eller før periodens slutt (eller i dag, eller dagen forløpet ble avsluttet, om det er tidligere).",
            "Housing at intake is the newest status recorded on or before the day of inclusion; now is the newest on or before the end of the period (or today, or the day the course closed, if earlier).",
        )),
        person_level: false,
        charts: vec![Chart {
            title: t("Bosituasjon ved inntak og nå", "Housing at intake and now"),
            kind: ChartKind::GroupedBar,
            categories: keys.iter().map(|s| status_label(*s)).collect(),
            series: vec![
                Series {
                    name: t("Ved inntak", "At intake"),
                    values: summary_rows.iter().map(|r| r[1].number()).collect(),
                },
                Series {
                    name: t("Nå", "Now"),
                    values: summary_rows.iter().map(|r| r[2].number()).collect(),
                },
            ],
            people: true,
            reference: None,
            table_id: "tandem.housing".into(),
        }],
        tables: vec![
            Table {
                id: "tandem.housing".into(),
                title: t("Bosituasjon", "Housing"),
                columns: vec![
                    t("Bosituasjon", "Housing"),
                    t("Ved inntak", "At intake"),
                    t("Nå", "Now"),
                ],
                rows: summary_rows,
                note: None,
            },
            Table {
                id: "tandem.housed".into(),
                title: t("I egen eller kommunal bolig", "In their own or a municipal home"),
                columns: vec![t("", ""), t("Andel", "Share")],
                rows: vec![
                    vec![
                        Cell::text(t("I bolig ved inntak", "Housed at intake")),
                        Cell::Percent { num: housed_then, den: n },
                    ],
                    vec![
                        Cell::text(t("I bolig nå", "Housed now")),
                        Cell::Percent { num: housed_now, den: n },
                    ],
                    vec![
                        Cell::text(t(
                            "Bostedsløse ved inntak som er i bolig nå",
                            "Homeless at intake who are housed now",
                        )),
                        Cell::Percent {
                            num: homeless_housed,
                            den: homeless_then,
                        },
                    ],
                ],
                note: Some(t(
                    "I bolig: egen bolig eller kommunal utleiebolig.",
                    "Housed: own home or municipal rental.",
                )),
            },
            Table {
                id: "tandem.housing_cross".into(),
                title: t("Fra bosituasjon ved inntak til nå", "From housing at intake to now"),
                columns: cross_cols,
                rows: cross_rows,
                note: Some(t(
                    "Radene er bosituasjonen ved inntak, kolonnene bosituasjonen nå.",
                    "Rows are the housing at intake, columns the housing now.",
                )),
            },
        ],
    }
}

fn eviction_section(i: &TandemInput, people: &[Person]) -> Section {
    let (mut persons, mut count) = (0i64, 0i64);
    for p in people {
        let start = p.f.included_on.max(i.from);
        let n = p
            .evictions
            .iter()
            .filter(|d| **d >= start && **d <= p.until)
            .count() as i64;
        persons += i64::from(n > 0);
        count += n;
    }
    Section {
        title: t("Utkastelser etter inntak", "Evictions after intake"),
        intro: Some(t(
            "Utkastelser i perioden, på eller etter inntaksdagen og mens forløpet var åpent.",
            "Evictions in the period, on or after the day of inclusion and while the course was open.",
        )),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "tandem.evictions".into(),
            title: t("Utkastelser", "Evictions"),
            columns: vec![t("", ""), t("Antall", "Number"), t("Andel av de fulgte", "Share of those followed")],
            rows: vec![
                vec![
                    Cell::text(t("Personer fulgt", "People followed")),
                    Cell::people(people.len() as i64),
                    Cell::Empty,
                ],
                vec![
                    Cell::text(t("Personer kastet ut", "People evicted")),
                    Cell::people(persons),
                    Cell::Percent {
                        num: persons,
                        den: people.len() as i64,
                    },
                ],
                vec![
                    Cell::text(t("Utkastelser", "Evictions")),
                    Cell::people(count),
                    Cell::Empty,
                ],
            ],
            note: None,
        }],
    }
}

/// The kinds of established service that count as treatment.
pub const TREATMENT: [EstablishedService; 2] = [
    EstablishedService::DpsOutpatient,
    EstablishedService::SubstanceTreatment,
];

fn treatment_section(i: &TandemInput, people: &[Person]) -> Section {
    let title = t("Startet behandling", "Started treatment");
    if i.treatment.is_none() {
        return Section {
            title,
            intro: Some(t(
                "Behandling er helseopplysninger og vises bare for helsepersonell.",
                "Treatment is health information and is shown to health personnel only.",
            )),
            person_level: false,
            charts: vec![],
            tables: vec![],
        };
    }
    let n = people.len() as i64;
    let started = |p: &Person, kinds: &[EstablishedService]| {
        p.treatment
            .unwrap_or_default()
            .iter()
            .filter(|s| kinds.contains(&s.0) && s.1 >= p.f.included_on && s.1 <= p.until)
            .map(|s| s.1)
            .min()
    };
    let mut rows = Vec::new();
    for k in TREATMENT {
        let m = people.iter().filter(|p| started(p, &[k]).is_some()).count() as i64;
        rows.push(vec![
            Cell::text(L::new(cap(k.label(Lang::Nb)), cap(k.label(Lang::En)))),
            Cell::people(m),
            Cell::Percent { num: m, den: n },
        ]);
    }
    let days: Vec<f64> = people
        .iter()
        .filter_map(|p| started(p, &TREATMENT).map(|d| (d - p.f.included_on).num_days() as f64))
        .collect();
    let m = days.len() as i64;
    rows.push(vec![
        Cell::text(t("Én av dem eller begge", "Either or both")),
        Cell::people(m),
        Cell::Percent { num: m, den: n },
    ]);
    Section {
        title,
        intro: Some(t(
            "Startet behandling: DPS poliklinikk eller spesialisert rusbehandling (TSB) registrert som etablert eller reetablert på eller etter inntaksdagen og til og med «nå».",
            "Started treatment: a DPS outpatient clinic or specialised substance use treatment (TSB) recorded as established or re-established on or after the day of inclusion and up to “now”.",
        )),
        person_level: false,
        charts: vec![],
        tables: vec![
            Table {
                id: "tandem.treatment".into(),
                title: t("Startet behandling etter inntak", "Started treatment after intake"),
                columns: vec![
                    t("Behandling", "Treatment"),
                    t("Personer", "People"),
                    t("Andel av de fulgte", "Share of those followed"),
                ],
                rows,
                note: None,
            },
            Table {
                id: "tandem.treatment_days".into(),
                title: t("Dager fra inntak til behandling", "Days from intake to treatment"),
                columns: vec![
                    t("", ""),
                    t("Personer", "People"),
                    t("Median dager", "Median days"),
                    t("Spredning", "Range"),
                ],
                rows: vec![std::iter::once(Cell::text(t(
                    "Startet behandling",
                    "Started treatment",
                )))
                .chain(median_cells(&days))
                .collect()],
                note: None,
            },
        ],
    }
}

/// The report's title, definitions and sections.
pub fn build(i: &TandemInput) -> (L, Vec<L>, Vec<Section>) {
    let end = i.to.min(i.today);
    let statuses = by_person(i.statuses.iter().map(|s| (s.0, (s.1, s.2))));
    let evictions = by_person(i.evictions.iter().copied());
    let treatment = i
        .treatment
        .as_ref()
        .map(|t| by_person(t.iter().map(|s| (s.0, (s.1, s.2)))));
    let people: Vec<Person> = followed_in(i.from, i.to, &i.courses)
        .into_values()
        .map(|f| Person {
            until: f.closed_on.map_or(end, |c| c.min(end)),
            statuses: statuses.get(&f.who).map_or(&[], Vec::as_slice),
            evictions: evictions.get(&f.who).map_or(&[], Vec::as_slice),
            treatment: treatment
                .as_ref()
                .map(|t| t.get(&f.who).map_or(&[][..], Vec::as_slice)),
            f,
        })
        .collect();
    let mut definitions = defs::common();
    definitions.push(t(
        "Personer fulgt: personer med et forløp i teamet som var åpent en eller flere dager i perioden, hver én gang (ved det tidligste forløpet). Tatt inn: personens første inntak i teamet.",
        "People followed: people with a course in the team open on one or more days of the period, each once (by the earliest course). Taken in: the person's first inclusion in the team.",
    ));
    definitions.push(t(
        "«Nå» er periodens slutt, i dag om det er tidligere, eller dagen forløpet ble avsluttet om det er enda tidligere (en som har flyttet, telles med bosituasjonen da forløpet sluttet).",
        "“Now” is the end of the period, today if that is earlier, or the day the course closed if earlier still (someone who moved is counted with their housing when the course ended).",
    ));
    definitions.push(t(
        "Andeler av de fulgte har personer fulgt i perioden som nevner.",
        "Shares of those followed have the people followed in the period as denominator.",
    ));
    (
        t("Tandem-oppfølging", "Tandem follow-up"),
        definitions,
        vec![
            intake_section(i),
            housing_section(&people),
            eviction_section(i, &people),
            treatment_section(i, &people),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn course(who: Uuid, inc: &str, closed: Option<&str>) -> Followed<Uuid> {
        Followed {
            who,
            included_on: d(inc),
            closed_on: closed.map(d),
        }
    }

    fn fixture() -> TandemInput {
        let [a, b, c, e] = [1u128, 2, 3, 4].map(Uuid::from_u128);
        use EstablishedService as S;
        use HousingStatus as H;
        TandemInput {
            from: d("2026-01-01"),
            to: d("2026-03-31"),
            today: d("2026-06-01"),
            courses: vec![
                course(a, "2025-11-10", None),
                course(b, "2026-01-15", None),
                // Taken in before, closed, and taken in again in the period.
                course(c, "2025-06-01", Some("2025-08-01")),
                course(c, "2026-02-10", None),
                // Moved away on 10 March.
                course(e, "2026-02-20", Some("2026-03-10")),
            ],
            statuses: vec![
                (a, H::Homeless, d("2025-01-01")),
                (a, H::MunicipalRental, d("2026-02-01")),
                (b, H::OwnHome, d("2020-01-01")),
                (b, H::Temporary, d("2026-02-15")),
                (e, H::Temporary, d("2026-02-01")),
                (e, H::OwnHome, d("2026-03-20")),
            ],
            evictions: vec![
                (a, d("2025-12-01")),
                (b, d("2026-02-15")),
                (b, d("2026-03-01")),
                (e, d("2026-03-15")),
            ],
            treatment: Some(vec![
                (a, S::DpsOutpatient, d("2025-12-01")),
                (b, S::SubstanceTreatment, d("2026-01-10")),
                (b, S::DpsOutpatient, d("2026-03-01")),
                (c, S::Gp, d("2026-02-11")),
                (e, S::SubstanceTreatment, d("2026-03-15")),
            ]),
        }
    }

    fn rows<'a>(s: &'a [Section], id: &str) -> &'a Vec<Vec<Cell>> {
        &s.iter()
            .flat_map(|s| &s.tables)
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .rows
    }

    fn counts(row: &[Cell]) -> Vec<i64> {
        row.iter()
            .filter_map(|c| match c {
                Cell::Count { n, .. } => Some(*n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn hand_computed_follow_up() {
        let (_, _, s) = build(&fixture());
        // Taken in: January B (3 so far: A, C before; 2 followed on the 31st), February E
        // (C's return is not a new intake; 4 followed), March nobody (E moved: 3 followed).
        let intake = rows(&s, "tandem.intake");
        assert_eq!(intake.len(), 4);
        assert_eq!(counts(&intake[0]), [1, 3, 2]);
        assert_eq!(counts(&intake[1]), [1, 4, 4]);
        assert_eq!(counts(&intake[2]), [0, 4, 3]);
        // The whole period: B and E taken in, 4 in all, 4 followed (A, B, C, E).
        assert_eq!(counts(&intake[3]), [2, 4, 4]);
        assert_eq!(
            s[0].charts[0].series[0].values,
            [Some(3.0), Some(4.0), Some(4.0)]
        );
        // Housing (own, municipal, temporary, homeless, institution, prison, not recorded):
        // at intake B own, E temporary, A homeless, C none; now A municipal, B temporary,
        // E temporary (as when the course closed, not the own home after moving), C none.
        let h = rows(&s, "tandem.housing");
        let at: Vec<i64> = h.iter().map(|r| counts(r)[0]).collect();
        let now: Vec<i64> = h.iter().map(|r| counts(r)[1]).collect();
        assert_eq!(at, [1, 0, 1, 1, 0, 0, 1]);
        assert_eq!(now, [0, 1, 2, 0, 0, 0, 1]);
        let housed = rows(&s, "tandem.housed");
        assert_eq!(housed[0][1], Cell::Percent { num: 1, den: 4 });
        assert_eq!(housed[1][1], Cell::Percent { num: 1, den: 4 });
        assert_eq!(housed[2][1], Cell::Percent { num: 1, den: 1 });
        let cross = rows(&s, "tandem.housing_cross");
        assert_eq!(counts(&cross[0]), [0, 0, 1, 0, 0, 0, 0, 1]); // own home → temporary
        assert_eq!(counts(&cross[3]), [0, 1, 0, 0, 0, 0, 0, 1]); // homeless → municipal
        assert_eq!(counts(&cross[7]), [0, 1, 2, 0, 0, 0, 1, 4]); // totals
                                                                 // Evictions: B twice in the period; A's was before the period, E's after moving.
        let ev = rows(&s, "tandem.evictions");
        assert_eq!(ev[0][1], Cell::people(4));
        assert_eq!(ev[1][1], Cell::people(1));
        assert_eq!(ev[1][2], Cell::Percent { num: 1, den: 4 });
        assert_eq!(ev[2][1], Cell::people(2));
        // Treatment: A (DPS 21 days after intake, before the period: started since intake),
        // B (DPS after 45 days; the TSB before intake does not count); E's after moving does
        // not; a GP is no treatment. Median of 21 and 45 is 33.
        let tr = rows(&s, "tandem.treatment");
        assert_eq!(counts(&tr[0]), [2]);
        assert_eq!(counts(&tr[1]), [0]);
        assert_eq!(tr[2][2], Cell::Percent { num: 2, den: 4 });
        let days = &rows(&s, "tandem.treatment_days")[0];
        assert_eq!(days[2], Cell::decimal_of(Some(33.0), 2));
        assert_eq!(
            days[3],
            Cell::Range {
                min: 21.0,
                max: 45.0,
                n: Some(2)
            }
        );
    }

    #[test]
    fn one_person_no_data_and_treatment_withheld() {
        let mut i = fixture();
        i.treatment = None;
        let (_, _, s) = build(&i);
        assert!(s[3].tables.is_empty(), "treatment withheld");
        // No courses at all: zeros and "–" shares.
        i.courses.clear();
        let (_, _, s) = build(&i);
        assert_eq!(counts(&rows(&s, "tandem.intake")[2]), [0, 0, 0]);
        assert_eq!(
            rows(&s, "tandem.housed")[0][1],
            Cell::Percent { num: 0, den: 0 }
        );
        // One person, taken in on the period's last day.
        i.courses = vec![course(Uuid::from_u128(1), "2026-03-31", None)];
        let (_, _, s) = build(&i);
        assert_eq!(counts(&rows(&s, "tandem.intake")[2]), [1, 1, 1]);
        assert_eq!(rows(&s, "tandem.evictions")[0][1], Cell::people(1));
        // A municipal rental since February: housed at intake, nobody homeless at intake.
        assert_eq!(
            rows(&s, "tandem.housed")[0][1],
            Cell::Percent { num: 1, den: 1 }
        );
        assert_eq!(
            rows(&s, "tandem.housed")[2][1],
            Cell::Percent { num: 0, den: 0 }
        );
    }
}
