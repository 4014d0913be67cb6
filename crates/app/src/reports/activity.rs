//! The team activity report: referrals and referring agencies by months in operation, decisions
//! by outcome, contacts by kind, level of effort and met / not met, the share of contacts out
//! of the office, caseload against the norm, and measures due against done.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use benk_domain::{
    measurement_points, Cell, Chart, ChartKind, ContactKind, DecisionOutcome, Lang, MeasureKind,
    MeasurePolicy, PointStatus, Section, Series, Table, L,
};
use chrono::{Datelike, Months, NaiveDate};
use uuid::Uuid;

use super::{counts_as_agency, defs, months_between};

/// A referral as the report sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralIn {
    /// Received.
    pub received_on: NaiveDate,
    /// Agency kind code.
    pub agency_kind: String,
    /// The registered agency, if any.
    pub agency_id: Option<Uuid>,
    /// When it was decided.
    pub decided_on: Option<NaiveDate>,
    /// Outcome code.
    pub outcome: Option<String>,
}

/// A worker's caseload today.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerIn {
    /// Name.
    pub name: String,
    /// Position share in the team (%).
    pub fte: i64,
    /// Their norm (absent: the team has none).
    pub norm: Option<u32>,
    /// People they are coordinator for.
    pub coordinator_for: i64,
}

/// Everything the activity report is computed from.
#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Today (caseloads are today's; measurement windows not yet closed are not due).
    pub today: NaiveDate,
    /// The team's start (else the first referral).
    pub started_on: Option<NaiveDate>,
    /// Every referral of the team.
    pub referrals: Vec<ReferralIn>,
    /// The contacts of the period: (person, day in Norwegian time, kind, met). Counted with
    /// `levels` into [`ContactCounts`] unless `contact_counts` is given.
    pub contacts: Vec<(Uuid, NaiveDate, ContactKind, bool)>,
    /// Level history: (person, level, from).
    pub levels: Vec<(Uuid, i64, NaiveDate)>,
    /// The period's contacts already counted (by the database); when given, `contacts` and
    /// `levels` are not read.
    pub contact_counts: Option<ContactCounts>,
    /// Courses: (person, included, closed).
    pub episodes: Vec<(Uuid, NaiveDate, Option<NaiveDate>)>,
    /// Current measures per person.
    pub measures: HashMap<Uuid, Vec<(MeasureKind, NaiveDate)>>,
    /// The team's measurement points.
    pub policy: MeasurePolicy,
    /// Workers, by name.
    pub workers: Vec<WorkerIn>,
}

fn t(nb: &str, en: &str) -> L {
    L::new(nb, en)
}

fn both(f: impl Fn(Lang) -> String) -> L {
    L::new(f(Lang::Nb), f(Lang::En))
}

fn referrals_section(i: &ActivityInput) -> Section {
    let end = i.to.min(i.today);
    let start = i
        .started_on
        .or_else(|| i.referrals.iter().map(|r| r.received_on).min());
    let mut rows = Vec::new();
    let mut cats = Vec::new();
    let (mut s_ref, mut s_ag) = (Vec::new(), Vec::new());
    if let Some(start) = start.filter(|s| *s <= end) {
        let so_far = months_between(start, end);
        let mut marks: Vec<(u32, NaiveDate)> = (1..)
            .map(|k| k * 6)
            .take_while(|m| *m < so_far)
            .map(|m| {
                (
                    m,
                    start
                        .checked_add_months(Months::new(m))
                        .unwrap_or(NaiveDate::MAX),
                )
            })
            .collect();
        marks.push((so_far, end.succ_opt().unwrap_or(NaiveDate::MAX)));
        for (m, before) in marks {
            let within: Vec<&ReferralIn> = i
                .referrals
                .iter()
                .filter(|r| r.received_on < before && r.received_on >= start)
                .collect();
            let agencies: BTreeSet<Uuid> = within
                .iter()
                .filter(|r| counts_as_agency(&r.agency_kind))
                .filter_map(|r| r.agency_id)
                .collect();
            rows.push(vec![
                Cell::plain(i64::from(m)),
                Cell::people(within.len() as i64),
                Cell::plain(agencies.len() as i64),
            ]);
            cats.push(L::same(m.to_string()));
            s_ref.push(Some(within.len() as f64));
            s_ag.push(Some(agencies.len() as f64));
        }
    }
    let in_period: Vec<&ReferralIn> = i
        .referrals
        .iter()
        .filter(|r| r.received_on >= i.from && r.received_on <= i.to)
        .collect();
    let agencies: BTreeSet<Uuid> = in_period
        .iter()
        .filter(|r| counts_as_agency(&r.agency_kind))
        .filter_map(|r| r.agency_id)
        .collect();
    let count_kind = |k: &str| in_period.iter().filter(|r| r.agency_kind == k).count() as i64;
    Section {
        title: t(
            "Henvisninger og henvisende instanser",
            "Referrals and referring agencies",
        ),
        intro: Some(match start {
            Some(s) => both(|l| {
                match l {
                Lang::Nb => format!("Måneder i drift regnes fra {}. Hver rad teller alt som kom inn til og med den måneden; siste rad er til og med {}.", s.format("%d.%m.%Y"), end.format("%d.%m.%Y")),
                Lang::En => format!("Months in operation count from {}. Each row counts everything received up to that month; the last row runs to {}.", s.format("%Y-%m-%d"), end.format("%Y-%m-%d")),
            }
            }),
            None => t(
                "Teamet har ingen henvisninger og ingen startdato.",
                "The team has no referrals and no start date.",
            ),
        }),
        person_level: false,
        charts: if cats.is_empty() {
            vec![]
        } else {
            vec![Chart {
                title: t(
                    "Henvisninger og ulike instanser, kumulativt",
                    "Referrals and different agencies, cumulative",
                ),
                kind: ChartKind::Cumulative,
                categories: cats,
                series: vec![
                    Series {
                        name: t("Henvisninger", "Referrals"),
                        values: s_ref,
                    },
                    Series {
                        name: t("Ulike instanser", "Different agencies"),
                        values: s_ag,
                    },
                ],
                people: false,
                reference: None,
                table_id: "activity.months".into(),
            }]
        },
        tables: vec![
            Table {
                id: "activity.months".into(),
                title: t("Etter måneder i drift", "By months in operation"),
                columns: vec![
                    t("Måneder i drift", "Months in operation"),
                    t("Henvisninger så langt", "Referrals so far"),
                    t("Ulike instanser så langt", "Different agencies so far"),
                ],
                rows,
                note: None,
            },
            Table {
                id: "activity.referrals".into(),
                title: t("Henvisninger i perioden", "Referrals in the period"),
                columns: vec![t("", ""), t("Antall", "Number")],
                rows: vec![
                    vec![
                        Cell::text(t("Henvisninger", "Referrals")),
                        Cell::people(in_period.len() as i64),
                    ],
                    vec![
                        Cell::text(t(
                            "Ulike henvisende instanser",
                            "Different referring agencies",
                        )),
                        Cell::plain(agencies.len() as i64),
                    ],
                    vec![
                        Cell::text(t("Fra pårørende", "From relatives")),
                        Cell::people(count_kind("relative")),
                    ],
                    vec![
                        Cell::text(t("Fra personen selv", "From the person themselves")),
                        Cell::people(count_kind("self_referral")),
                    ],
                ],
                note: None,
            },
        ],
    }
}

fn decisions_section(i: &ActivityInput) -> Section {
    let decided: Vec<&str> = i
        .referrals
        .iter()
        .filter(|r| r.decided_on.is_some_and(|d| d >= i.from && d <= i.to))
        .filter_map(|r| r.outcome.as_deref())
        .collect();
    let rows = outcome_rows(|o| decided.iter().filter(|d| **d == o.code()).count() as i64);
    let values = rows[..rows.len() - 1]
        .iter()
        .map(|r| match r[1] {
            Cell::Count { n, .. } => Some(n as f64),
            _ => None,
        })
        .collect();
    Section {
        title: t("Vedtak etter utfall", "Decisions by outcome"),
        intro: None,
        person_level: false,
        charts: vec![Chart {
            title: t("Vedtak etter utfall", "Decisions by outcome"),
            kind: ChartKind::Bar,
            categories: DecisionOutcome::ALL
                .iter()
                .map(|o| both(|l| cap(o.label(l))))
                .collect(),
            series: vec![Series {
                name: t("Vedtak", "Decisions"),
                values,
            }],
            people: true,
            reference: None,
            table_id: "activity.decisions".into(),
        }],
        tables: vec![Table {
            id: "activity.decisions".into(),
            title: t("Vedtak i perioden", "Decisions in the period"),
            columns: vec![
                t("Utfall", "Outcome"),
                t("Vedtak", "Decisions"),
                t("Andel av vedtakene", "Share of decisions"),
            ],
            rows,
            note: None,
        }],
    }
}

/// A total row: "I alt", the count and 100 % of it.
pub(super) fn total_row(n: i64) -> Vec<Cell> {
    vec![
        Cell::text(t("I alt", "Total")),
        Cell::people(n),
        Cell::Percent { num: n, den: n },
    ]
}

/// Decisions by outcome: a row per outcome (its count and share of the decisions) and the total
/// row.
pub(super) fn outcome_rows(count: impl Fn(DecisionOutcome) -> i64) -> Vec<Vec<Cell>> {
    let counts: Vec<i64> = DecisionOutcome::ALL.iter().map(|o| count(*o)).collect();
    let total: i64 = counts.iter().sum();
    let mut rows: Vec<Vec<Cell>> = DecisionOutcome::ALL
        .iter()
        .zip(&counts)
        .map(|(o, n)| {
            vec![
                Cell::text(both(|l| cap(o.label(l)))),
                Cell::people(*n),
                Cell::Percent {
                    num: *n,
                    den: total,
                },
            ]
        })
        .collect();
    rows.push(total_row(total));
    rows
}

pub(super) fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The level history by person, each in the order given (by date, then by when it was set).
/// Built once per report: looking a contact's level up in the whole history was one pass over
/// every level row per contact (quadratic: 3 s for a team of 5 000 people, 250 000 contacts).
fn levels_by_person(levels: &[(Uuid, i64, NaiveDate)]) -> HashMap<Uuid, Vec<(i64, NaiveDate)>> {
    let mut by: HashMap<Uuid, Vec<(i64, NaiveDate)>> = HashMap::new();
    for (c, l, from) in levels {
        by.entry(*c).or_default().push((*l, *from));
    }
    by
}

fn level_on(
    levels: &HashMap<Uuid, Vec<(i64, NaiveDate)>>,
    who: Uuid,
    day: NaiveDate,
) -> Option<i64> {
    levels
        .get(&who)?
        .iter()
        .filter(|(_, from)| *from <= day)
        .map(|(l, _)| *l)
        .next_back()
}

/// The first day of a date's month.
fn first_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// A group of contacts: (level of effort on the day, kind, met, first day of the month) and
/// how many contacts.
pub type ContactGroup = (Option<i64>, ContactKind, bool, NaiveDate, i64);

/// The period's contacts counted as the report shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactCounts {
    /// The groups of contacts.
    pub groups: Vec<ContactGroup>,
    /// Level of effort on the day → the different people with a contact at that level.
    pub people_by_level: BTreeMap<Option<i64>, i64>,
}

impl ContactCounts {
    /// Counts the contacts, with each one's level on the day from the level history.
    pub fn of(
        contacts: &[(Uuid, NaiveDate, ContactKind, bool)],
        levels: &[(Uuid, i64, NaiveDate)],
    ) -> ContactCounts {
        let levels = levels_by_person(levels);
        let kind_at = |k: ContactKind| ContactKind::ALL.iter().position(|x| *x == k);
        let mut groups: BTreeMap<(Option<i64>, Option<usize>, bool, NaiveDate), i64> =
            BTreeMap::new();
        let mut people: BTreeMap<Option<i64>, BTreeSet<Uuid>> = BTreeMap::new();
        for (who, day, kind, met) in contacts {
            let level = level_on(&levels, *who, *day);
            *groups
                .entry((level, kind_at(*kind), *met, first_of(*day)))
                .or_default() += 1;
            people.entry(level).or_default().insert(*who);
        }
        ContactCounts {
            groups: groups
                .into_iter()
                .filter_map(|((level, k, met, month), n)| {
                    Some((level, *ContactKind::ALL.get(k?)?, met, month, n))
                })
                .collect(),
            people_by_level: people
                .into_iter()
                .map(|(l, p)| (l, p.len() as i64))
                .collect(),
        }
    }
}

fn contacts_section(i: &ActivityInput) -> Section {
    let counted;
    let c = match &i.contact_counts {
        Some(c) => c,
        None => {
            counted = ContactCounts::of(&i.contacts, &i.levels);
            &counted
        }
    };
    let sum = |f: &dyn Fn(&ContactGroup) -> bool| -> i64 {
        c.groups.iter().filter(|g| f(g)).map(|g| g.4).sum()
    };
    let all = sum(&|_| true);
    let met_all = sum(&|g| g.2);
    let mut rows: Vec<Vec<Cell>> = ContactKind::ALL
        .iter()
        .map(|k| {
            let n = sum(&|g| g.1 == *k);
            let met = sum(&|g| g.1 == *k && g.2);
            vec![
                Cell::text(both(|l| cap(k.label(l)))),
                Cell::people(n),
                Cell::people(met),
                Cell::people(n - met),
                Cell::Percent { num: met, den: n },
            ]
        })
        .collect();
    rows.push(vec![
        Cell::text(t("I alt", "Total")),
        Cell::people(all),
        Cell::people(met_all),
        Cell::people(all - met_all),
        Cell::Percent {
            num: met_all,
            den: all,
        },
    ]);
    let level_rows = [Some(1), Some(2), Some(3), None]
        .iter()
        .map(|lv| {
            let n = sum(&|g| g.0 == *lv);
            let met = sum(&|g| g.0 == *lv && g.2);
            let people = c.people_by_level.get(lv).copied().unwrap_or(0);
            vec![
                Cell::text(match lv {
                    Some(l) => L::new(format!("Nivå {l}"), format!("Level {l}")),
                    None => t("Uten nivå", "No level"),
                }),
                Cell::people(people),
                Cell::people(n),
                Cell::people(met),
                Cell::Percent { num: met, den: n },
            ]
        })
        .collect();
    let out = sum(&|g| g.1.in_community());
    // Keyed by the first day of the month, shown as "2026-03".
    let mut months: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    let mut m = first_of(i.from);
    while m <= i.to && months.len() < 240 {
        months.insert(m, (0, 0));
        m = m
            .checked_add_months(Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    for g in &c.groups {
        let e = months.entry(g.3).or_default();
        if g.2 {
            e.0 += g.4;
        } else {
            e.1 += g.4;
        }
    }
    let month_rows = months
        .iter()
        .map(|(k, (met, not))| {
            vec![
                Cell::same(k.format("%Y-%m").to_string()),
                Cell::people(met + not),
                Cell::people(*met),
                Cell::people(*not),
            ]
        })
        .collect();
    Section {
        title: t("Kontakter", "Contacts"),
        intro: Some(t(
            "Alle registrerte kontakter i perioden, truffet og ikke truffet. Ute av kontoret: alle kontakttyper unntatt kontor, telefon og video.",
            "Every contact recorded in the period, met and not met. Out of the office: every kind of contact except office, phone and video.",
        )),
        person_level: false,
        charts: vec![Chart {
            title: t("Kontakter per måned", "Contacts per month"),
            kind: ChartKind::Line,
            categories: months
                .keys()
                .map(|k| L::same(k.format("%Y-%m").to_string()))
                .collect(),
            series: vec![
                Series { name: t("Truffet", "Met"), values: months.values().map(|v| Some(v.0 as f64)).collect() },
                Series { name: t("Ikke truffet", "Not met"), values: months.values().map(|v| Some(v.1 as f64)).collect() },
            ],
            people: true,
            reference: None,
            table_id: "activity.contacts_by_month".into(),
        }],
        tables: vec![
            Table {
                id: "activity.out_of_office".into(),
                title: t("Kontakter ute av kontoret", "Contacts out of the office"),
                columns: vec![t("Ute av kontoret", "Out of the office"), t("Alle kontakter", "All contacts"), t("Andel ute", "Share out")],
                rows: vec![vec![Cell::people(out), Cell::people(all), Cell::Percent { num: out, den: all }]],
                note: None,
            },
            Table {
                id: "activity.contacts_by_kind".into(),
                title: t("Kontakter etter type", "Contacts by kind"),
                columns: vec![t("Type", "Kind"), t("Kontakter", "Contacts"), t("Truffet", "Met"), t("Ikke truffet", "Not met"), t("Andel truffet", "Share met")],
                rows,
                note: None,
            },
            Table {
                id: "activity.contacts_by_level".into(),
                title: t("Kontakter etter innsatsnivå", "Contacts by level of effort"),
                columns: vec![t("Nivå", "Level"), t("Personer", "People"), t("Kontakter", "Contacts"), t("Truffet", "Met"), t("Andel truffet", "Share met")],
                rows: level_rows,
                note: Some(t(
                    "Nivået er personens innsatsnivå på kontaktdagen.",
                    "The level is the person's level of effort on the day of the contact.",
                )),
            },
            Table {
                id: "activity.contacts_by_month".into(),
                title: t("Kontakter per måned", "Contacts per month"),
                columns: vec![t("Måned", "Month"), t("Kontakter", "Contacts"), t("Truffet", "Met"), t("Ikke truffet", "Not met")],
                rows: month_rows,
                note: None,
            },
        ],
    }
}

fn caseload_section(i: &ActivityInput) -> Section {
    let mut rows: Vec<Vec<Cell>> = i
        .workers
        .iter()
        .map(|w| {
            vec![
                Cell::same(w.name.clone()),
                Cell::plain(w.fte),
                w.norm.map_or(Cell::Empty, |n| Cell::plain(i64::from(n))),
                Cell::plain(w.coordinator_for),
            ]
        })
        .collect();
    let capacity: Option<i64> = i
        .workers
        .iter()
        .map(|w| w.norm.map(i64::from))
        .sum::<Option<i64>>()
        .filter(|_| !i.workers.is_empty());
    let total: i64 = i.workers.iter().map(|w| w.coordinator_for).sum();
    rows.push(vec![
        Cell::text(t("Teamet", "The team")),
        Cell::plain(i.workers.iter().map(|w| w.fte).sum()),
        capacity.map_or(Cell::Empty, Cell::plain),
        Cell::plain(total),
    ]);
    Section {
        title: t("Saksmengde mot norm", "Caseload against the norm"),
        intro: Some(both(|l| {
            match l {
            Lang::Nb => format!("Slik det står i dag ({}): hvor mange hver er koordinator for, mot normen for stillingsandelen.", i.today.format("%d.%m.%Y")),
            Lang::En => format!("As it stands today ({}): how many people each worker is coordinator for, against the norm for their position share.", i.today.format("%Y-%m-%d")),
        }
        })),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "activity.caseload".into(),
            title: t("Saksmengde per medarbeider", "Caseload per worker"),
            columns: vec![
                t("Medarbeider", "Worker"),
                t("Stilling %", "Position %"),
                t("Norm", "Norm"),
                t("Koordinator for", "Coordinator for"),
            ],
            rows,
            note: None,
        }],
    }
}

fn measures_section(i: &ActivityInput) -> Section {
    let end = i.to.min(i.today);
    let mut by: BTreeMap<u32, (i64, i64)> = i.policy.months.iter().map(|m| (*m, (0, 0))).collect();
    for (client, included, closed) in &i.episodes {
        let rec = i.measures.get(client).map(Vec::as_slice).unwrap_or(&[]);
        for p in measurement_points(&i.policy, *included, *closed, i.today, rec) {
            if p.closes >= i.from && p.closes <= end {
                let e = by.entry(p.months).or_default();
                e.0 += 1;
                e.1 += i64::from(p.status == PointStatus::Done);
            }
        }
    }
    let (due, done) = by.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    let mut rows: Vec<Vec<Cell>> = by
        .iter()
        .map(|(m, (due, done))| {
            vec![
                Cell::text(L::new(format!("{m} måneder"), format!("{m} months"))),
                Cell::people(*due),
                Cell::people(*done),
                Cell::Percent {
                    num: *done,
                    den: *due,
                },
            ]
        })
        .collect();
    rows.push(vec![
        Cell::text(t("I alt", "Total")),
        Cell::people(due),
        Cell::people(done),
        Cell::Percent {
            num: done,
            den: due,
        },
    ]);
    let kinds: Vec<&str> = i.policy.required.iter().map(|k| k.code()).collect();
    Section {
        title: t(
            "Målinger: forfalt mot gjennomført",
            "Measures: due against done",
        ),
        intro: Some(both(|l| {
            match l {
            Lang::Nb => format!("Målepunkter (måneder etter inntak ± {} dager) der vinduet lukket seg i perioden. Gjennomført: alle påkrevde målinger ({}) er registrert i vinduet.", i.policy.window_days, kinds.join(", ")),
            Lang::En => format!("Measurement points (months after inclusion ± {} days) whose window closed in the period. Done: every required measure ({}) was recorded in the window.", i.policy.window_days, kinds.join(", ")),
        }
        })),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "activity.measures".into(),
            title: t("Målepunkter", "Measurement points"),
            columns: vec![
                t("Målepunkt", "Point"),
                t("Forfalt", "Due"),
                t("Gjennomført", "Done"),
                t("Andel gjennomført", "Share done"),
            ],
            rows,
            note: None,
        }],
    }
}

/// People followed in the period: distinct people with a course open on some day of it.
pub fn people_followed(i: &ActivityInput) -> i64 {
    i.episodes
        .iter()
        .filter(|(_, included, closed)| *included <= i.to && closed.is_none_or(|c| c >= i.from))
        .map(|(c, _, _)| *c)
        .collect::<BTreeSet<Uuid>>()
        .len() as i64
}

/// The team's headline figures, each a label and a cell, taken from the same tables as the
/// activity report (so the teams side by side show exactly the activity report's numbers):
/// people followed, referrals, decisions by outcome, contacts and the share out of the office,
/// the share met, caseload against the norm, measures due and done.
pub fn figures(i: &ActivityInput) -> Vec<(L, Cell)> {
    let sections = [
        referrals_section(i),
        decisions_section(i),
        contacts_section(i),
        caseload_section(i),
        measures_section(i),
    ];
    let table = |id: &str| {
        sections
            .iter()
            .flat_map(|s| s.tables.iter())
            .find(|t| t.id == id)
            .map(|t| t.rows.as_slice())
            .unwrap_or(&[])
    };
    let cell = |id: &str, row: Option<usize>, col: usize| {
        let rows = table(id);
        row.map_or(rows.last(), |r| rows.get(r))
            .and_then(|r| r.get(col))
            .cloned()
            .unwrap_or(Cell::Empty)
    };
    let as_people = |c: Cell| match c {
        Cell::Count { n, .. } => Cell::people(n),
        other => other,
    };
    let mut out = vec![
        (
            t("Personer fulgt i perioden", "People followed in the period"),
            Cell::people(people_followed(i)),
        ),
        (
            t("Henvisninger", "Referrals"),
            cell("activity.referrals", Some(0), 1),
        ),
    ];
    for (k, o) in DecisionOutcome::ALL.iter().enumerate() {
        out.push((
            both(|l| match l {
                Lang::Nb => format!("Vedtak: {}", o.label(l)),
                Lang::En => format!("Decisions: {}", o.label(l)),
            }),
            cell("activity.decisions", Some(k), 1),
        ));
    }
    out.extend([
        (
            t("Vedtak i alt", "Decisions in all"),
            cell("activity.decisions", None, 1),
        ),
        (
            t("Kontakter", "Contacts"),
            cell("activity.out_of_office", Some(0), 1),
        ),
        (
            t(
                "Andel kontakter ute av kontoret",
                "Share of contacts out of the office",
            ),
            cell("activity.out_of_office", Some(0), 2),
        ),
        (
            t("Andel kontakter truffet", "Share of contacts met"),
            cell("activity.contacts_by_kind", None, 4),
        ),
    ]);
    let (coordinated, norm) = (
        as_people(cell("activity.caseload", None, 3)),
        cell("activity.caseload", None, 2),
    );
    let load = match (&coordinated, &norm) {
        (Cell::Count { n, .. }, Cell::Count { n: m, .. }) => Cell::Percent { num: *n, den: *m },
        _ => Cell::Empty,
    };
    out.extend([
        (
            t(
                "Koordinatoransvar i dag (sum for medarbeiderne)",
                "Coordinator assignments today (sum over the workers)",
            ),
            coordinated,
        ),
        (
            t("Norm for saksmengde (i dag)", "Caseload norm (today)"),
            norm,
        ),
        (t("Saksmengde mot norm", "Caseload against the norm"), load),
        (
            t("Målepunkter forfalt", "Measurement points due"),
            cell("activity.measures", None, 1),
        ),
        (
            t("Målepunkter gjennomført", "Measurement points done"),
            cell("activity.measures", None, 2),
        ),
        (
            t("Andel målinger gjennomført", "Share of measures done"),
            cell("activity.measures", None, 3),
        ),
    ]);
    out
}

/// The report's title, definitions and sections.
pub fn build(i: &ActivityInput) -> (L, Vec<L>, Vec<Section>) {
    let mut definitions = defs::common();
    definitions.push(t(
        "Henvisninger telles etter mottaksdato; vedtak etter vedtaksdato. Instanser er de registrerte organisasjonene som har henvist: pårørende og personen selv er ikke instanser og står på egne linjer, og en henvisning uten registrert instans telles ikke som instans.",
        "Referrals are counted by the day received; decisions by the day decided. Agencies are the registered organisations that referred: relatives and the person themselves are not agencies and have lines of their own, and a referral without a registered agency is not counted as one.",
    ));
    definitions.push(t(
        "Måneder i drift: hele måneder fra teamets startdato (ellers første henvisning), hver sjette måned og til slutt hele måneder til periodens slutt (eller i dag).",
        "Months in operation: whole months from the team's start date (else the first referral), every six months and last the whole months to the end of the period (or today).",
    ));
    definitions.push(t(
        "Andel ute av kontoret = kontakter av annen type enn kontor, telefon og video / alle kontakter i perioden (truffet og ikke truffet).",
        "Share out of the office = contacts of any kind but office, phone and video / every contact in the period (met and not met).",
    ));
    definitions.push(t(
        "Andel gjennomførte målinger = målepunkter med alle påkrevde målinger i vinduet / målepunkter der vinduet lukket seg i perioden (og før i dag). Et forløp som ble avsluttet før målepunktet, teller ikke.",
        "Share of measures done = measurement points with every required measure in the window / points whose window closed in the period (and before today). A course closed before the point does not count.",
    ));
    (
        t("Teamets aktivitet", "Team activity"),
        definitions,
        vec![
            referrals_section(i),
            decisions_section(i),
            contacts_section(i),
            caseload_section(i),
            measures_section(i),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn levels_on_the_day() {
        let a = Uuid::from_u128(1);
        let lv = levels_by_person(&[
            (a, 1, d("2026-01-01")),
            (Uuid::from_u128(2), 3, d("2026-02-01")),
            (a, 2, d("2026-03-01")),
        ]);
        assert_eq!(level_on(&lv, a, d("2025-12-31")), None);
        assert_eq!(level_on(&lv, a, d("2026-02-28")), Some(1));
        assert_eq!(level_on(&lv, a, d("2026-03-01")), Some(2));
        // Only the person's own history counts.
        assert_eq!(level_on(&lv, Uuid::from_u128(2), d("2026-03-01")), Some(3));
        assert_eq!(level_on(&lv, Uuid::from_u128(3), d("2026-03-01")), None);
    }

    #[test]
    fn hand_computed_contacts_and_decisions() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let input = ActivityInput {
            from: d("2026-01-01"),
            to: d("2026-03-31"),
            today: d("2026-06-01"),
            started_on: Some(d("2025-01-01")),
            referrals: vec![
                ReferralIn {
                    received_on: d("2025-02-01"),
                    agency_kind: "gp".into(),
                    agency_id: Some(Uuid::from_u128(9)),
                    decided_on: Some(d("2026-01-10")),
                    outcome: Some("accepted".into()),
                },
                ReferralIn {
                    received_on: d("2026-02-01"),
                    agency_kind: "relative".into(),
                    agency_id: None,
                    decided_on: Some(d("2026-02-10")),
                    outcome: Some("declined".into()),
                },
                ReferralIn {
                    received_on: d("2026-02-02"),
                    agency_kind: "nav".into(),
                    agency_id: Some(Uuid::from_u128(8)),
                    decided_on: None,
                    outcome: None,
                },
            ],
            contacts: vec![
                (a, d("2026-01-05"), ContactKind::HomeVisit, true),
                (a, d("2026-01-06"), ContactKind::Office, true),
                (b, d("2026-02-06"), ContactKind::Phone, false),
                (b, d("2026-03-06"), ContactKind::Outreach, false),
            ],
            levels: vec![(a, 1, d("2025-06-01"))],
            ..Default::default()
        };
        let (_, _, s) = build(&input);
        // Months in operation: 6 and 12 (before 2025-07-01 and 2026-01-01), then 14 (to 31 March).
        let months = &s[0].tables[0].rows;
        assert_eq!(months.len(), 3);
        assert_eq!(
            months[0],
            vec![Cell::plain(6), Cell::people(1), Cell::plain(1)]
        );
        assert_eq!(
            months[2],
            vec![Cell::plain(14), Cell::people(3), Cell::plain(2)]
        );
        let period = &s[0].tables[1].rows;
        assert_eq!(period[0][1], Cell::people(2));
        assert_eq!(period[1][1], Cell::plain(1));
        assert_eq!(period[2][1], Cell::people(1));
        let dec = &s[1].tables[0].rows;
        assert_eq!(dec[0][2], Cell::Percent { num: 1, den: 2 });
        assert_eq!(dec[5][1], Cell::people(2));
        let out = &s[2].tables[0].rows[0];
        assert_eq!(out[2], Cell::Percent { num: 2, den: 4 });
        let total = s[2].tables[1].rows.last().unwrap();
        assert_eq!(total[2], Cell::people(2));
        assert_eq!(total[4], Cell::Percent { num: 2, den: 4 });
        let lv = &s[2].tables[2].rows;
        assert_eq!(lv[0][1], Cell::people(1));
        assert_eq!(lv[0][2], Cell::people(2));
        assert_eq!(lv[3][2], Cell::people(2)); // b has no level
        let by_month = &s[2].tables[3].rows;
        assert_eq!(by_month.len(), 3);
        assert_eq!(
            by_month[1],
            vec![
                Cell::same("2026-02"),
                Cell::people(1),
                Cell::people(0),
                Cell::people(1)
            ]
        );
    }

    #[test]
    fn no_data() {
        let input = ActivityInput {
            from: d("2026-01-01"),
            to: d("2026-01-31"),
            today: d("2026-06-01"),
            ..Default::default()
        };
        let (_, _, s) = build(&input);
        assert!(s[0].tables[0].rows.is_empty());
        assert!(s[0].charts.is_empty());
        assert_eq!(s[2].tables[0].rows[0][2], Cell::Percent { num: 0, den: 0 });
    }
}
