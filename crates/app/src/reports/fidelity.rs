//! The fidelity profile (issue 11, report 5): indicators of how the team works, computed from
//! the daily data per month (per quarter when the period is longer than 24 months), each against
//! the team's own target (`report_settings.fidelity_targets`).
//!
//! ACT/FACT fidelity scales (DACTS, the FACT scale) are scored by hand over a site visit; these
//! are the items that the recorded data can answer: caseload per position, contact intensity,
//! work in the community, the shared caseload, time from referral to first contact and
//! drop-out. Counts no health content: contacts are care-team facts, courses are
//! administrative.

use std::collections::{BTreeMap, BTreeSet};

use benk_domain::{
    period_key, summary, Cell, Chart, ChartKind, CloseReason, ContactKind, Lang, Reference,
    ReportPeriod, Section, Series, Table, L,
};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::defs;

/// The team's targets for the fidelity profile. A missing key takes its default (the
/// defaults and where they come from are in `docs/reports.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FidelityTargets)]
pub struct FidelityTargets {
    /// People followed per full-time position, at most (default 10: ACT's 1:10; Tandem 5).
    #[schema(minimum = 1, maximum = 100)]
    pub people_per_fte: f64,
    /// Met contacts per person per week, at least (default 1: weekly, as level 1).
    #[schema(minimum = 0, maximum = 14)]
    pub contacts_per_person_week: f64,
    /// Share of contacts in the community, percent, at least (default 80: DACTS "in vivo").
    #[schema(minimum = 0, maximum = 100)]
    pub community_percent: f64,
    /// Share of people met by more than one worker in the month, percent, at least (default
    /// 90: DACTS "shared caseload").
    #[schema(minimum = 0, maximum = 100)]
    pub shared_caseload_percent: f64,
    /// Median days from referral to first met contact, at most (default 14: the ten working
    /// days of the assessment deadline, in calendar days).
    #[schema(minimum = 0, maximum = 365)]
    pub days_to_first_contact: f64,
    /// Drop-out per year, percent of the people followed, at most (default 5: DACTS retention
    /// of 95 %); each month's target is a twelfth of it, a quarter's a quarter.
    #[schema(minimum = 0, maximum = 100)]
    pub dropout_percent_year: f64,
}

impl Default for FidelityTargets {
    fn default() -> Self {
        FidelityTargets {
            people_per_fte: 10.0,
            contacts_per_person_week: 1.0,
            community_percent: 80.0,
            shared_caseload_percent: 90.0,
            days_to_first_contact: 14.0,
            dropout_percent_year: 5.0,
        }
    }
}

/// One indicator's target: its code (the JSON key and the field name of an error), its
/// range and the words of the settings page.
pub struct TargetField {
    /// The JSON key.
    pub code: &'static str,
    /// Lowest allowed.
    pub min: f64,
    /// Highest allowed.
    pub max: f64,
    /// The label, nb and en.
    pub label: (&'static str, &'static str),
}

/// Every target, in the order of the profile.
pub const TARGET_FIELDS: [TargetField; 6] = [
    TargetField {
        code: "people_per_fte",
        min: 1.0,
        max: 100.0,
        label: (
            "Personer per årsverk, høyst",
            "People per full-time position, at most",
        ),
    },
    TargetField {
        code: "contacts_per_person_week",
        min: 0.0,
        max: 14.0,
        label: (
            "Kontakter per person per uke, minst",
            "Contacts per person per week, at least",
        ),
    },
    TargetField {
        code: "community_percent",
        min: 0.0,
        max: 100.0,
        label: (
            "Andel kontakter ute, prosent, minst",
            "Share of contacts in the community, percent, at least",
        ),
    },
    TargetField {
        code: "shared_caseload_percent",
        min: 0.0,
        max: 100.0,
        label: (
            "Andel truffet av flere medarbeidere, prosent, minst",
            "Share met by more than one worker, percent, at least",
        ),
    },
    TargetField {
        code: "days_to_first_contact",
        min: 0.0,
        max: 365.0,
        label: (
            "Dager fra henvisning til første kontakt (median), høyst",
            "Days from referral to first contact (median), at most",
        ),
    },
    TargetField {
        code: "dropout_percent_year",
        min: 0.0,
        max: 100.0,
        label: (
            "Frafall per år, prosent, høyst",
            "Drop-out per year, percent, at most",
        ),
    },
];

impl FidelityTargets {
    /// The target of an indicator by its code.
    pub fn get(&self, code: &str) -> Option<f64> {
        Some(match code {
            "people_per_fte" => self.people_per_fte,
            "contacts_per_person_week" => self.contacts_per_person_week,
            "community_percent" => self.community_percent,
            "shared_caseload_percent" => self.shared_caseload_percent,
            "days_to_first_contact" => self.days_to_first_contact,
            "dropout_percent_year" => self.dropout_percent_year,
            _ => return None,
        })
    }

    /// Sets an indicator's target by its code (false: no such code).
    pub fn set(&mut self, code: &str, v: f64) -> bool {
        let slot = match code {
            "people_per_fte" => &mut self.people_per_fte,
            "contacts_per_person_week" => &mut self.contacts_per_person_week,
            "community_percent" => &mut self.community_percent,
            "shared_caseload_percent" => &mut self.shared_caseload_percent,
            "days_to_first_contact" => &mut self.days_to_first_contact,
            "dropout_percent_year" => &mut self.dropout_percent_year,
            _ => return false,
        };
        *slot = v;
        true
    }

    /// The codes of the targets outside their range (or not finite).
    pub fn out_of_range(&self) -> Vec<&'static TargetField> {
        TARGET_FIELDS
            .iter()
            .filter(|f| {
                let v = self.get(f.code).unwrap_or(f64::NAN);
                !(v.is_finite() && v >= f.min && v <= f.max)
            })
            .collect()
    }
}

/// A slice of the period the profile is computed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// "2026-03" or "2026-Q1".
    pub label: String,
    /// First day (clipped to the period).
    pub start: NaiveDate,
    /// Last day (clipped to the period).
    pub end: NaiveDate,
    /// Whole calendar months the interval stands for (1 or 3), for yearly targets.
    pub months: u32,
}

impl Interval {
    /// Days in the interval, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// The period `from`–`end` cut into calendar months, or into quarters when it spans more than
/// 24 months; the first and last are clipped to the period.
pub fn intervals(from: NaiveDate, end: NaiveDate) -> Vec<Interval> {
    if from > end {
        return vec![];
    }
    let span = (end.year() - from.year()) * 12 + end.month() as i32 - from.month() as i32 + 1;
    let (period, months) = if span > 24 {
        (ReportPeriod::Quarter, 3)
    } else {
        (ReportPeriod::Month, 1)
    };
    let first_month = |d: NaiveDate| {
        let m0 = (d.month0() / months) * months;
        NaiveDate::from_ymd_opt(d.year(), m0 + 1, 1).unwrap_or(d)
    };
    let mut out = Vec::new();
    let mut start = first_month(from);
    while start <= end && out.len() < 400 {
        let next = start
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX);
        let last = next.pred_opt().unwrap_or(next);
        out.push(Interval {
            label: period_key(start, period),
            start: start.max(from),
            end: last.min(end),
            months,
        });
        start = next;
    }
    out
}

/// A course as the profile sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseIn {
    /// The person.
    pub who: Uuid,
    /// Included.
    pub included_on: NaiveDate,
    /// Closed, with the reason.
    pub closed: Option<(NaiveDate, Option<CloseReason>)>,
    /// The referral's day of receipt and the day of the first met contact after it (Norwegian
    /// time), when the course came from a referral and the person has been met.
    pub first_contact: Option<(NaiveDate, NaiveDate)>,
}

/// A contact as the profile sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactIn {
    /// The person.
    pub who: Uuid,
    /// The day, in Norwegian time.
    pub day: NaiveDate,
    /// Kind.
    pub kind: ContactKind,
    /// Met.
    pub met: bool,
    /// The staff who took part.
    pub staff: Vec<Uuid>,
}

/// The contacts of one interval (or of the whole period), counted: what the profile needs of
/// them. Counted in the database by `store::reports::contact_tallies`; [`tally`] counts the
/// same from [`ContactIn`]s (the unit tests' fixtures, and the store test's reference).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContactTally {
    /// Contacts, met or not.
    pub contacts: i64,
    /// Contacts where the person was met.
    pub met: i64,
    /// Contacts in the community ([`ContactKind::in_community`]).
    pub community: i64,
    /// Different people met at least once.
    pub seen: i64,
    /// Of those, the people met by two or more different workers (on the same or different
    /// met contacts).
    pub seen_by_more: i64,
}

/// The period's contacts counted per interval of [`intervals`] (by the interval's first day,
/// as clipped to the period) and for the whole period (its first day to the earlier of its
/// last day and today). An interval without contacts has no entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactTallies {
    /// Per interval, by its first day.
    pub intervals: BTreeMap<NaiveDate, ContactTally>,
    /// The whole period.
    pub whole: ContactTally,
}

/// Counts contacts (those of one interval) as [`ContactTally`] defines.
pub fn tally_of<'a>(contacts: impl IntoIterator<Item = &'a ContactIn>) -> ContactTally {
    let mut t = ContactTally::default();
    let mut staff_of: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for c in contacts {
        t.contacts += 1;
        t.community += i64::from(c.kind.in_community());
        if c.met {
            t.met += 1;
            staff_of.entry(c.who).or_default().extend(c.staff.iter());
        }
    }
    t.seen = staff_of.len() as i64;
    t.seen_by_more = staff_of.values().filter(|s| s.len() > 1).count() as i64;
    t
}

/// The profile's tallies of the period `from`–`to` (cut at `today`, as the profile is) from
/// contacts as [`ContactIn`]s: the pure form of `store::reports::contact_tallies`.
pub fn tally(
    contacts: &[ContactIn],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> ContactTallies {
    let end = to.min(today);
    let within = |c: &&ContactIn, a: NaiveDate, b: NaiveDate| c.day >= a && c.day <= b;
    ContactTallies {
        intervals: intervals(from, end)
            .iter()
            .map(|iv| {
                (
                    iv.start,
                    tally_of(contacts.iter().filter(|c| within(c, iv.start, iv.end))),
                )
            })
            .filter(|(_, t)| t.contacts > 0)
            .collect(),
        whole: tally_of(contacts.iter().filter(|c| within(c, from, end))),
    }
}

/// The tallies from the rows of `store::reports::contact_tallies` for a period from `from`:
/// the rows of an interval added up, under the interval's first day (the period's first day
/// for the first interval, when the period starts inside a month or quarter).
pub fn tallies_from_rows(
    rows: Vec<crate::store::reports::TallyRow>,
    from: NaiveDate,
) -> ContactTallies {
    let mut out = ContactTallies::default();
    for (key, contacts, met, community, seen, seen_by_more) in rows {
        let slot = match key {
            Some(key) => out.intervals.entry(key.max(from)).or_default(),
            None => &mut out.whole,
        };
        slot.contacts += contacts;
        slot.met += met;
        slot.community += community;
        slot.seen += seen;
        slot.seen_by_more += seen_by_more;
    }
    out
}

/// Everything the fidelity profile is computed from.
#[derive(Debug, Clone)]
pub struct FidelityInput {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Today: intervals after it are not shown.
    pub today: NaiveDate,
    /// The position shares of the team's members over time (`positions_on`).
    pub positions: Vec<PositionShare>,
    /// The team's courses.
    pub courses: Vec<CourseIn>,
    /// The team's contacts in the period, counted per interval and for the whole period.
    pub contacts: ContactTallies,
    /// The team's targets.
    pub targets: FidelityTargets,
    /// The team's small-number threshold: a chart point computed from fewer people is left out
    /// of the chart (the table holds it, hidden or not by the audience's rules).
    pub threshold: i64,
}

/// A member's position share in the team from a day on (percent; 0: no working position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionShare {
    /// The member.
    pub staff: Uuid,
    /// In effect from.
    pub from: NaiveDate,
    /// Percent of a full-time position (0–100).
    pub percent: i64,
}

/// The full-time positions of the team on `day`: per member, the share in effect (the one with
/// the latest day on or before it), summed. Before a member's first recorded share the member
/// counts nothing: that share's day is the day the member joined the team. A membership older
/// than the history (recorded by its migration, or kept before its first change) has its first
/// share on [`crate::store::staff::unknown_start_day`], so it counts on every day, as it
/// did before there were start days.
pub fn positions_on(shares: &[PositionShare], day: NaiveDate) -> f64 {
    let mut of: BTreeMap<Uuid, (NaiveDate, i64)> = BTreeMap::new();
    for s in shares.iter().filter(|s| s.from <= day) {
        let e = of.entry(s.staff).or_insert((s.from, s.percent));
        if s.from > e.0 {
            *e = (s.from, s.percent);
        }
    }
    of.values().map(|(_, p)| p.clamp(&0, &100)).sum::<i64>() as f64 / 100.0
}

fn t(nb: &str, en: &str) -> L {
    L::new(nb, en)
}

/// Days of `[a, b]` that the course covers.
fn overlap(c: &CourseIn, a: NaiveDate, b: NaiveDate) -> i64 {
    let s = c.included_on.max(a);
    let e = c.closed.map_or(b, |(d, _)| d.min(b));
    if e < s {
        0
    } else {
        (e - s).num_days() + 1
    }
}

fn open_on(c: &CourseIn, day: NaiveDate) -> bool {
    c.included_on <= day && c.closed.is_none_or(|(d, _)| d >= day)
}

/// One interval's numbers.
struct Row {
    label: String,
    /// The interval's last day (positions and people followed "at the end").
    end: NaiveDate,
    open_at_end: i64,
    people_followed: i64,
    person_days: i64,
    met: i64,
    contacts: i64,
    community: i64,
    seen: i64,
    seen_by_more: i64,
    first_days: Vec<f64>,
    dropouts: i64,
    months: u32,
}

fn compute(i: &FidelityInput, iv: &Interval, k: ContactTally) -> Row {
    let people: BTreeSet<Uuid> = i
        .courses
        .iter()
        .filter(|c| overlap(c, iv.start, iv.end) > 0)
        .map(|c| c.who)
        .collect();
    let open_at_end: BTreeSet<Uuid> = i
        .courses
        .iter()
        .filter(|c| open_on(c, iv.end))
        .map(|c| c.who)
        .collect();
    Row {
        label: iv.label.clone(),
        end: iv.end,
        open_at_end: open_at_end.len() as i64,
        people_followed: people.len() as i64,
        person_days: i.courses.iter().map(|c| overlap(c, iv.start, iv.end)).sum(),
        met: k.met,
        contacts: k.contacts,
        community: k.community,
        seen: k.seen,
        seen_by_more: k.seen_by_more,
        first_days: i
            .courses
            .iter()
            .filter_map(|c| c.first_contact)
            .filter(|(_, first)| *first >= iv.start && *first <= iv.end)
            .map(|(received, first)| (first - received).num_days() as f64)
            .collect(),
        dropouts: i
            .courses
            .iter()
            .filter(|c| {
                c.closed.is_some_and(|(d, r)| {
                    d >= iv.start && d <= iv.end && r.is_some_and(CloseReason::is_dropout)
                })
            })
            .count() as i64,
        months: iv.months,
    }
}

/// A row's cells, given the positions (full-time equivalents).
type CellsFn = Box<dyn Fn(&Row, f64) -> Vec<Cell>>;
/// A row's target.
type TargetFn = Box<dyn Fn(&FidelityTargets, &Row) -> f64>;

/// An indicator: its table's cells from a row, which of them is the value, and its target.
struct Indicator {
    code: &'static str,
    title: L,
    columns: Vec<L>,
    /// The cells after the period's label (the target follows them).
    cells: CellsFn,
    /// Which of `cells` is the indicator's value.
    main: usize,
    /// The target for a row (a yearly target scaled to the row's months).
    target: TargetFn,
    at_most: bool,
    note: L,
}

fn pct_cell(num: i64, den: i64) -> Cell {
    Cell::Percent { num, den }
}

/// An indicator that is a share: (numerator, denominator) of a row, shown as the two counts
/// and the percentage, against a target "at least".
fn share(
    code: &'static str,
    title: L,
    columns: [L; 3],
    parts: fn(&Row) -> (i64, i64),
    target: fn(&FidelityTargets) -> f64,
    note: L,
) -> Indicator {
    Indicator {
        code,
        title,
        columns: columns.into(),
        cells: Box::new(move |r, _| {
            let (num, den) = parts(r);
            vec![Cell::people(num), Cell::people(den), pct_cell(num, den)]
        }),
        main: 2,
        target: Box::new(move |t, _| target(t)),
        at_most: false,
        note,
    }
}

/// Median and range cells of a list of values (days): how many, median, range.
pub(crate) fn median_cells(values: &[f64]) -> Vec<Cell> {
    let n = values.len() as i64;
    let s = summary(values);
    vec![
        Cell::people(n),
        Cell::decimal_of(s.map(|s| s.median), n),
        s.map_or(Cell::Empty, |s| Cell::Range {
            min: s.min,
            max: s.max,
            n: Some(n),
        }),
    ]
}

fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            code: "people_per_fte",
            title: t("Personer per årsverk", "People per full-time position"),
            columns: vec![
                t("Personer fulgt ved slutten", "People followed at the end"),
                t("Årsverk", "Positions"),
                t("Personer per årsverk", "People per position"),
            ],
            cells: Box::new(|r, fte| {
                vec![
                    Cell::people(r.open_at_end),
                    Cell::Decimal { v: Some(fte), n: None },
                    Cell::decimal_of((fte > 0.0).then(|| r.open_at_end as f64 / fte), r.open_at_end),
                ]
            }),
            main: 2,
            target: Box::new(|t, _| t.people_per_fte),
            at_most: true,
            note: t(
                "Personer med åpent forløp på periodens siste dag, delt på årsverkene samme dag: summen av stillingsandelene i teamet til medarbeidere, inntaksteam og teamleder slik de var den dagen.",
                "People with an open course on the last day, divided by the positions on that day: the sum of the position shares in the team of workers, intake members and the team lead as they were on that day.",
            ),
        },
        Indicator {
            code: "contacts_per_person_week",
            title: t("Kontakter per person per uke", "Contacts per person per week"),
            columns: vec![
                t("Kontakter truffet", "Contacts met"),
                t("Personuker fulgt", "Person-weeks followed"),
                t("Kontakter per person per uke", "Contacts per person per week"),
            ],
            cells: Box::new(|r, _| {
                let weeks = r.person_days as f64 / 7.0;
                vec![
                    Cell::people(r.met),
                    Cell::decimal_of(Some(weeks), r.people_followed),
                    Cell::decimal_of((weeks > 0.0).then(|| r.met as f64 / weeks), r.people_followed),
                ]
            }),
            main: 2,
            target: Box::new(|t, _| t.contacts_per_person_week),
            at_most: false,
            note: t(
                "Kontakter der personen ble truffet, delt på personuker: dagene hver person hadde åpent forløp i perioden, delt på 7.",
                "Contacts where the person was met, divided by person-weeks: the days each person had an open course in the period, divided by 7.",
            ),
        },
        share(
            "community_percent",
            t("Andel kontakter ute", "Share of contacts in the community"),
            [
                t("Kontakter ute", "Contacts in the community"),
                t("Alle kontakter", "All contacts"),
                t("Andel ute", "Share in the community"),
            ],
            |r| (r.community, r.contacts),
            |t| t.community_percent,
            t(
                "Alle kontakter, truffet og ikke truffet; ute er alle typer unntatt kontor, telefon og video.",
                "Every contact, met and not met; in the community is every kind but office, phone and video.",
            ),
        ),
        share(
            "shared_caseload_percent",
            t(
                "Andel truffet av flere medarbeidere",
                "Share met by more than one worker",
            ),
            [
                t("Truffet av flere", "Met by more than one"),
                t("Personer truffet", "People met"),
                t("Andel", "Share"),
            ],
            |r| (r.seen_by_more, r.seen),
            |t| t.shared_caseload_percent,
            t(
                "Av personene som ble truffet i perioden: de som ble truffet av minst to ulike medarbeidere (på samme eller ulike kontakter).",
                "Of the people met in the period: those met by at least two different workers (on the same or different contacts).",
            ),
        ),
        Indicator {
            code: "days_to_first_contact",
            title: t(
                "Dager fra henvisning til første kontakt",
                "Days from referral to first contact",
            ),
            columns: vec![
                t("Personer", "People"),
                t("Median dager", "Median days"),
                t("Spredning", "Range"),
            ],
            cells: Box::new(|r, _| median_cells(&r.first_days)),
            main: 1,
            target: Box::new(|t, _| t.days_to_first_contact),
            at_most: true,
            note: t(
                "Personer som ble truffet første gang etter henvisningen i perioden: dager fra dagen henvisningen kom til den første kontakten der personen ble truffet.",
                "People first met after the referral in the period: days from the day the referral arrived to the first contact where the person was met.",
            ),
        },
        Indicator {
            target: Box::new(|t, r| t.dropout_percent_year * f64::from(r.months) / 12.0),
            at_most: true,
            ..share(
                "dropout_percent_year",
                t("Frafall", "Drop-out"),
                [
                    t("Avsluttet ved frafall", "Ended by drop-out"),
                    t("Personer fulgt", "People followed"),
                    t("Andel", "Share"),
                ],
                |r| (r.dropouts, r.people_followed),
                |t| t.dropout_percent_year,
                t(
                    "Forløp avsluttet i perioden fordi personen takket nei til videre hjelp eller teamet mistet kontakten, delt på personer fulgt i perioden. Flytting, dødsfall og etablering i ordinære tjenester er ikke frafall. Årsmålet deles på 12 for en måned og på 4 for et kvartal.",
                    "Courses closed in the period because the person declined further help or the team lost contact, divided by the people followed in the period. Moving, death and establishment in ordinary services are not drop-out. The yearly target is divided by 12 for a month and by 4 for a quarter.",
                ),
            )
        },
    ]
}

/// The number a cell shows, unrounded, and how many people it rests on (for the chart).
fn point(c: &Cell) -> (Option<f64>, Option<i64>) {
    match c {
        Cell::Decimal { v, n } => (*v, *n),
        Cell::Percent { num, den } => (benk_domain::percent(*num, *den), Some((*num).min(*den))),
        _ => (None, None),
    }
}

fn both(f: impl Fn(Lang) -> String) -> L {
    L::new(f(Lang::Nb), f(Lang::En))
}

fn definitions() -> Vec<L> {
    let mut d = defs::common();
    d.push(t(
        "Perioden deles i kalendermåneder, eller i kvartaler når den er lengre enn 24 måneder; første og siste del kuttes ved periodens grenser, og deler etter i dag tas ikke med.",
        "The period is cut into calendar months, or quarters when it is longer than 24 months; the first and last parts are cut at the period's edges, and parts after today are left out.",
    ));
    d.push(t(
        "Personer fulgt: personer med et forløp i teamet som var åpent en eller flere dager i perioden (fra inntaksdagen til og med avslutningsdagen).",
        "People followed: people with a course in the team that was open on one or more days of the period (from the day of inclusion to the day it closed, both included).",
    ));
    d.push(t(
        "Årsverk: stillingsandelene i teamet til medarbeidere, inntaksteam og teamleder (ikke administratorer, personvernombud eller deaktiverte kontoer), slik de var på den siste dagen i hver måned eller hvert kvartal (og i hele perioden). En endring av en stillingsandel gjelder fra dagen den ble gjort. En medarbeider regnes fra dagen vedkommende ble lagt til i teamet (eller fikk konto med medlemskap i teamet), ikke før. Medarbeidere som var i teamet før Benk begynte å registrere stillingsandeler over tid, regnes med sin første registrerte andel for alle dager før den, fordi Benk ikke vet når de begynte.",
        "Positions: the position shares in the team of workers, intake members and the team lead (not administrators, privacy officers or disabled accounts), as they were on the last day of each month or quarter (and of the whole period). A change of a position share applies from the day it was made. A member counts from the day they were added to the team (or got an account with a membership of the team), not before. Members who were in the team before Benk began to record position shares over time count with their first recorded share for every day before it, since Benk does not know when they joined.",
    ));
    d.push(t(
        "Et punkt i diagrammet som bygger på færre personer enn teamets grense for små tall, vises ikke i diagrammet; tabellen har tallet.",
        "A point of a chart that rests on fewer people than the team's small-number threshold is left out of the chart; the table holds the number.",
    ));
    d
}

/// The report's title, definitions and sections.
pub fn build(i: &FidelityInput) -> (L, Vec<L>, Vec<Section>) {
    let end = i.to.min(i.today);
    // The whole period's positions: those on its last day.
    let fte = positions_on(&i.positions, end);
    let ivs = intervals(i.from, end);
    let rows: Vec<Row> = ivs
        .iter()
        .map(|iv| {
            let k = i.contacts.intervals.get(&iv.start).copied();
            compute(i, iv, k.unwrap_or_default())
        })
        .collect();
    let whole = (i.from <= end).then(|| {
        let mut w = compute(
            i,
            &Interval {
                label: String::new(),
                start: i.from,
                end,
                months: 1,
            },
            i.contacts.whole,
        );
        w.months = rows.iter().map(|r| r.months).sum();
        w
    });
    let mut sections = Vec::new();
    let mut summary_rows = Vec::new();
    for ind in indicators() {
        let mut table_rows = Vec::new();
        let (mut values, mut targets) = (Vec::new(), Vec::new());
        for r in &rows {
            let cells = (ind.cells)(r, positions_on(&i.positions, r.end));
            let target = (ind.target)(&i.targets, r);
            let (v, n) = point(&cells[ind.main]);
            values.push(v.filter(|_| !n.is_some_and(|n| Cell::is_small(n, i.threshold))));
            targets.push(target);
            let mut row = vec![Cell::same(r.label.clone())];
            row.extend(cells);
            row.push(Cell::Decimal {
                v: Some(target),
                n: None,
            });
            table_rows.push(row);
        }
        summary_rows.push(vec![
            Cell::text(ind.title.clone()),
            whole
                .as_ref()
                .map_or(Cell::Empty, |w| (ind.cells)(w, fte).swap_remove(ind.main)),
            Cell::Decimal {
                v: whole.as_ref().map(|w| (ind.target)(&i.targets, w)),
                n: None,
            },
            Cell::text(if ind.at_most {
                t("høyst", "at most")
            } else {
                t("minst", "at least")
            }),
        ]);
        let id = format!("fidelity.{}", ind.code);
        let mut columns = vec![t("Periode", "Period")];
        columns.extend(ind.columns);
        columns.push(if ind.at_most {
            t("Mål (høyst)", "Target (at most)")
        } else {
            t("Mål (minst)", "Target (at least)")
        });
        sections.push(Section {
            title: ind.title.clone(),
            intro: Some(ind.note),
            person_level: false,
            charts: if rows.is_empty() {
                vec![]
            } else {
                vec![Chart {
                    title: ind.title.clone(),
                    kind: ChartKind::Line,
                    categories: rows.iter().map(|r| L::same(r.label.clone())).collect(),
                    series: vec![Series {
                        name: ind.title.clone(),
                        values,
                    }],
                    people: false,
                    // The target is the same in every interval (all months or all quarters).
                    reference: targets.first().map(|v| Reference {
                        name: if ind.at_most {
                            t("Mål (høyst)", "Target (at most)")
                        } else {
                            t("Mål (minst)", "Target (at least)")
                        },
                        value: *v,
                    }),
                    table_id: id.clone(),
                }]
            },
            tables: vec![Table {
                id,
                title: ind.title,
                columns,
                rows: table_rows,
                note: None,
            }],
        });
    }
    sections.insert(
        0,
        Section {
            title: t("Profilen for hele perioden", "The profile for the whole period"),
            intro: Some(both(|l| match l {
                Lang::Nb => format!(
                    "Hver indikator mot teamets eget mål (satt av teamlederen under rapportinnstillinger). Årsverk ved periodens slutt: {}.",
                    benk_domain::fmt1(l, fte)
                ),
                Lang::En => format!(
                    "Each indicator against the team's own target (set by the team lead in the report settings). Positions at the end of the period: {}.",
                    benk_domain::fmt1(l, fte)
                ),
            })),
            person_level: false,
            charts: vec![],
            tables: vec![Table {
                id: "fidelity.summary".into(),
                title: t("Indikatorer og mål", "Indicators and targets"),
                columns: vec![
                    t("Indikator", "Indicator"),
                    t("Hele perioden", "Whole period"),
                    t("Mål", "Target"),
                    t("Retning", "Direction"),
                ],
                rows: summary_rows,
                note: Some(t(
                    "Personer per årsverk: ved periodens slutt. Frafall: årsmålet omregnet til periodens måneder.",
                    "People per position: at the end of the period. Drop-out: the yearly target scaled to the period's months.",
                )),
            }],
        },
    );
    (
        t("Troskapsprofil", "Fidelity profile"),
        definitions(),
        sections,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_or_quarters_clipped_to_the_period() {
        let m = intervals(d("2026-01-15"), d("2026-03-10"));
        assert_eq!(m.len(), 3);
        assert_eq!(
            (m[0].label.as_str(), m[0].start),
            ("2026-01", d("2026-01-15"))
        );
        assert_eq!(
            (m[2].label.as_str(), m[2].end),
            ("2026-03", d("2026-03-10"))
        );
        assert_eq!(m[1].days(), 28);
        // 27 calendar months: quarters.
        let q = intervals(d("2024-01-15"), d("2026-03-10"));
        assert_eq!(q.len(), 9);
        assert_eq!(q[0].label, "2024-Q1");
        assert_eq!(q[0].start, d("2024-01-15"));
        assert_eq!(q[1].start, d("2024-04-01"));
        assert_eq!(q[8].end, d("2026-03-10"));
        assert_eq!(q[8].months, 3);
        // Exactly 24 months stay months.
        assert_eq!(intervals(d("2025-01-01"), d("2026-12-31")).len(), 24);
        assert!(intervals(d("2026-02-01"), d("2026-01-31")).is_empty());
    }

    fn contact(who: Uuid, day: &str, kind: ContactKind, met: bool, staff: &[u128]) -> ContactIn {
        ContactIn {
            who,
            day: d(day),
            kind,
            met,
            staff: staff.iter().map(|s| Uuid::from_u128(1000 + s)).collect(),
        }
    }

    fn fixture() -> FidelityInput {
        let [a, b, c, e] = [1u128, 2, 3, 4].map(Uuid::from_u128);
        FidelityInput {
            from: d("2026-01-01"),
            to: d("2026-02-28"),
            today: d("2026-06-01"),
            positions: [
                (1, "2025-01-01", 100),
                (2, "2025-06-01", 100),
                (3, "2025-01-01", 50),
            ]
            .map(|(s, from, percent)| PositionShare {
                staff: Uuid::from_u128(1000 + s),
                from: d(from),
                percent,
            })
            .to_vec(),
            courses: vec![
                CourseIn {
                    who: a,
                    included_on: d("2025-12-01"),
                    closed: None,
                    first_contact: Some((d("2025-11-20"), d("2025-12-03"))),
                },
                CourseIn {
                    who: b,
                    included_on: d("2026-01-10"),
                    closed: Some((d("2026-02-14"), Some(CloseReason::DeclinedFurtherHelp))),
                    first_contact: Some((d("2026-01-02"), d("2026-01-12"))),
                },
                CourseIn {
                    who: c,
                    included_on: d("2026-01-20"),
                    closed: None,
                    first_contact: Some((d("2026-01-05"), d("2026-02-03"))),
                },
                // Moved: closed, but not a drop-out.
                CourseIn {
                    who: e,
                    included_on: d("2026-02-01"),
                    closed: Some((d("2026-02-20"), Some(CloseReason::Moved))),
                    first_contact: None,
                },
            ],
            contacts: tally(
                &[
                    contact(a, "2026-01-05", ContactKind::HomeVisit, true, &[1, 2]),
                    contact(a, "2026-01-20", ContactKind::Office, true, &[1]),
                    contact(b, "2026-01-12", ContactKind::Outreach, true, &[1]),
                    contact(b, "2026-01-19", ContactKind::Phone, false, &[2]),
                    contact(c, "2026-02-03", ContactKind::HomeVisit, true, &[3]),
                    contact(c, "2026-02-10", ContactKind::HomeVisit, true, &[1]),
                    contact(e, "2026-02-05", ContactKind::Office, true, &[2]),
                ],
                d("2026-01-01"),
                d("2026-02-28"),
                d("2026-06-01"),
            ),
            targets: FidelityTargets::default(),
            threshold: 3,
        }
    }

    fn rows<'a>(s: &'a [Section], id: &str) -> &'a Vec<Vec<Cell>> {
        &s.iter()
            .flat_map(|s| &s.tables)
            .find(|t| t.id == id)
            .unwrap()
            .rows
    }

    fn v(c: &Cell) -> f64 {
        c.number().unwrap()
    }

    #[test]
    fn hand_computed_profile() {
        let (_, _, s) = build(&fixture());
        // People per position: 3 open on 31 January / 2.5 = 1.2; 2 on 28 February = 0.8.
        let p = rows(&s, "fidelity.people_per_fte");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0][1], Cell::people(3));
        assert_eq!(v(&p[0][3]), 1.2);
        assert_eq!(v(&p[1][3]), 0.8);
        assert_eq!(v(&p[0][4]), 10.0);
        // Contacts per person-week: January 3 met / (31 + 22 + 12 = 65 days / 7) = 0.323;
        // February 3 met / (28 + 14 + 28 + 20 = 90 days / 7) = 0.233.
        let c = rows(&s, "fidelity.contacts_per_person_week");
        assert_eq!(c[0][1], Cell::people(3));
        assert!((point(&c[0][3]).0.unwrap() - 21.0 / 65.0).abs() < 1e-12);
        assert_eq!(v(&c[0][3]), 0.3);
        assert_eq!(v(&c[1][3]), 0.2);
        // In the community: January 2 of 4 (home visit, outreach), February 2 of 3.
        let k = rows(&s, "fidelity.community_percent");
        assert_eq!(k[0][3], Cell::Percent { num: 2, den: 4 });
        assert_eq!(k[1][3], Cell::Percent { num: 2, den: 3 });
        // Shared caseload: January A (two workers) of A and B; February C (two, on different
        // contacts) of C and E.
        let sh = rows(&s, "fidelity.shared_caseload_percent");
        assert_eq!(sh[0][3], Cell::Percent { num: 1, den: 2 });
        assert_eq!(sh[1][3], Cell::Percent { num: 1, den: 2 });
        // Days to first contact: B 10 (January), C 29 (February); A's first was before.
        let f = rows(&s, "fidelity.days_to_first_contact");
        assert_eq!(f[0][1], Cell::people(1));
        assert_eq!(v(&f[0][2]), 10.0);
        assert_eq!(v(&f[1][2]), 29.0);
        // Drop-out: B declined in February (E moved: not a drop-out); 1 of 4 followed. The
        // month's target is 5 / 12 %.
        let o = rows(&s, "fidelity.dropout_percent_year");
        assert_eq!(o[0][3], Cell::Percent { num: 0, den: 3 });
        assert_eq!(o[1][3], Cell::Percent { num: 1, den: 4 });
        assert!((point(&o[1][4]).0.unwrap() - 5.0 / 12.0).abs() < 1e-12);
        // The whole period: 42/155 contacts per person-week, 4 of 7 out, 2 of 4 shared, the
        // median of 10 and 29 is 19.5, drop-out 1 of 4 against 5 × 2 / 12.
        let w = rows(&s, "fidelity.summary");
        assert_eq!(v(&w[0][1]), 0.8);
        assert_eq!(v(&w[1][1]), 0.3);
        assert!((point(&w[1][1]).0.unwrap() - 42.0 / 155.0).abs() < 1e-12);
        assert_eq!(w[2][1], Cell::Percent { num: 4, den: 7 });
        assert_eq!(w[3][1], Cell::Percent { num: 2, den: 4 });
        assert_eq!(v(&w[4][1]), 19.5);
        assert_eq!(w[5][1], Cell::Percent { num: 1, den: 4 });
        assert!((point(&w[5][2]).0.unwrap() - 10.0 / 12.0).abs() < 1e-12);
        // Charts: the value and the target line; a point on fewer people than the threshold
        // (3) is left out: January's days-to-first-contact rests on one person.
        let chart = &s
            .iter()
            .find(|x| x.tables[0].id == "fidelity.days_to_first_contact")
            .unwrap()
            .charts[0];
        assert_eq!(chart.series[0].values, [None, None]);
        assert_eq!(chart.series.len(), 1);
        let target = chart.reference.as_ref().unwrap();
        assert_eq!(
            (target.name.nb.as_str(), target.value),
            ("Mål (høyst)", 14.0)
        );
        let chart = &s
            .iter()
            .find(|x| x.tables[0].id == "fidelity.people_per_fte")
            .unwrap()
            .charts[0];
        assert_eq!(chart.series[0].values[0], Some(1.2));
        assert_eq!(chart.series[0].values[1], None); // 2 people
    }

    #[test]
    fn a_change_of_position_share_counts_from_its_day() {
        let mut i = fixture();
        let share = |s: u128, from: &str, percent| PositionShare {
            staff: Uuid::from_u128(1000 + s),
            from: d(from),
            percent,
        };
        // Member 3 goes from 50 % to 100 % on 10 February; member 4 joins (90 %) on 1
        // February; member 2 (joined 1 June 2025) left (0) on 1 January.
        i.positions.push(share(3, "2026-02-10", 100));
        i.positions.push(share(4, "2026-02-01", 90));
        i.positions.push(share(2, "2026-01-01", 0));
        // Before a member's first share, nothing: member 2 before June 2025, member 4 before
        // February.
        assert_eq!(positions_on(&i.positions, d("2025-05-31")), 1.5);
        assert_eq!(positions_on(&i.positions, d("2025-06-01")), 2.5);
        assert_eq!(positions_on(&i.positions, d("2025-12-31")), 2.5);
        assert_eq!(positions_on(&i.positions, d("2026-01-31")), 1.5);
        assert_eq!(positions_on(&i.positions, d("2026-02-01")), 2.4);
        assert_eq!(positions_on(&i.positions, d("2026-02-09")), 2.4);
        assert_eq!(positions_on(&i.positions, d("2026-02-10")), 2.9);
        let (_, _, s) = build(&i);
        // January: 3 people / 1.5 = 2.0; February: 2 / 2.9 = 0.689…
        let p = rows(&s, "fidelity.people_per_fte");
        assert_eq!(
            p[0][2],
            Cell::Decimal {
                v: Some(1.5),
                n: None
            }
        );
        assert_eq!(point(&p[0][3]).0, Some(2.0));
        assert_eq!(
            p[1][2],
            Cell::Decimal {
                v: Some(2.9),
                n: None
            }
        );
        assert_eq!(point(&p[1][3]).0, Some(2.0 / 2.9));
        assert_eq!(v(&p[1][3]), 0.7);
        // The whole period: the positions on its last day.
        assert_eq!(
            point(&rows(&s, "fidelity.summary")[0][1]).0,
            Some(2.0 / 2.9)
        );
        // A membership from before the history (its first share on the history's first day)
        // counts on every day before its change, however early.
        let before = crate::store::staff::unknown_start_day();
        i.positions.push(PositionShare {
            staff: Uuid::from_u128(1005),
            from: before,
            percent: 40,
        });
        i.positions.push(share(5, "2026-02-15", 60));
        assert_eq!(positions_on(&i.positions, d("1990-01-01")), 0.4);
        assert_eq!(positions_on(&i.positions, d("2025-05-31")), 1.9);
        assert_eq!(positions_on(&i.positions, d("2026-02-15")), 3.5);
        assert_eq!(
            positions_on(&i.positions, before - chrono::Days::new(1)),
            0.0
        );
    }

    #[test]
    fn no_data_and_no_positions() {
        let mut i = fixture();
        i.courses.clear();
        i.contacts = ContactTallies::default();
        i.positions.clear();
        let (_, _, s) = build(&i);
        let p = rows(&s, "fidelity.people_per_fte");
        assert_eq!(p[0][1], Cell::people(0));
        assert_eq!(point(&p[0][3]).0, None);
        assert_eq!(
            rows(&s, "fidelity.community_percent")[0][3],
            Cell::Percent { num: 0, den: 0 }
        );
        assert_eq!(
            rows(&s, "fidelity.days_to_first_contact")[0][3],
            Cell::Empty
        );
        // A period after today has no months at all.
        i.from = d("2026-07-01");
        i.to = d("2026-07-31");
        let (_, _, s) = build(&i);
        assert!(rows(&s, "fidelity.people_per_fte").is_empty());
        assert!(s[1].charts.is_empty());
        assert_eq!(rows(&s, "fidelity.summary")[0][1], Cell::Empty);
    }

    #[test]
    fn contacts_are_tallied_per_interval_and_for_the_whole_period() {
        let [a, b, c] = [1u128, 2, 3].map(Uuid::from_u128);
        let contacts = [
            // A: worker 1 in the first quarter, worker 2 in the second: shared in neither
            // quarter, shared in the whole period.
            contact(a, "2024-01-20", ContactKind::HomeVisit, true, &[1]),
            contact(a, "2024-04-03", ContactKind::Office, true, &[2]),
            // B: met with no staff named (seen, by no one), then not met by two (not seen
            // by them).
            contact(b, "2024-02-10", ContactKind::Phone, true, &[]),
            contact(b, "2024-02-11", ContactKind::Outreach, false, &[1, 2]),
            // C: two workers on one contact in April (the second quarter), one the day
            // before the period and one after its end (neither counted).
            contact(c, "2026-04-02", ContactKind::Video, true, &[1, 3]),
            contact(c, "2024-01-14", ContactKind::HomeVisit, true, &[3]),
            contact(c, "2026-05-01", ContactKind::HomeVisit, true, &[3]),
        ];
        // 28 months: quarters, the first from 15 January.
        let t = tally(&contacts, d("2024-01-15"), d("2026-04-30"), d("2026-06-01"));
        let q1 = ContactTally {
            contacts: 3,
            met: 2,
            community: 2,
            seen: 2,
            seen_by_more: 0,
        };
        let q2 = ContactTally {
            contacts: 1,
            met: 1,
            community: 0,
            seen: 1,
            seen_by_more: 0,
        };
        let q9 = ContactTally {
            contacts: 1,
            met: 1,
            community: 0,
            seen: 1,
            seen_by_more: 1,
        };
        assert_eq!(
            t.intervals.into_iter().collect::<Vec<_>>(),
            [
                (d("2024-01-15"), q1),
                (d("2024-04-01"), q2),
                (d("2026-04-01"), q9)
            ]
        );
        assert_eq!(
            t.whole,
            ContactTally {
                contacts: 5,
                met: 4,
                community: 2,
                seen: 3,
                seen_by_more: 2,
            }
        );
        // Cut at today: nothing after it counts, in the intervals or the whole period.
        let t = tally(&contacts, d("2024-01-15"), d("2026-04-30"), d("2024-01-31"));
        assert_eq!(t.intervals.len(), 1);
        assert_eq!((t.whole.contacts, t.whole.seen_by_more), (1, 0));
        assert_eq!(
            tally(&[], d("2024-01-15"), d("2026-04-30"), d("2026-06-01")),
            ContactTallies::default()
        );
    }

    #[test]
    fn targets_by_code_and_range() {
        let mut t = FidelityTargets::default();
        assert!(t.out_of_range().is_empty());
        assert!(t.set("community_percent", 101.0));
        assert!(t.set("people_per_fte", f64::NAN));
        assert!(!t.set("nope", 1.0));
        let bad: Vec<&str> = t.out_of_range().iter().map(|f| f.code).collect();
        assert_eq!(bad, ["people_per_fte", "community_percent"]);
        let parsed: FidelityTargets = serde_json::from_str(r#"{"people_per_fte": 5}"#).unwrap();
        assert_eq!(parsed.people_per_fte, 5.0);
        assert_eq!(parsed.community_percent, 80.0);
        assert!(serde_json::from_str::<FidelityTargets>(r#"{"x": 5}"#).is_err());
    }
}
