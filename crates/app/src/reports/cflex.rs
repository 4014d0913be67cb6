//! The C-Flex evaluation (`003`, issue 11 report 1) for a cohort: the people included in the
//! period, followed for a window of 6, 12 or 24 months before and after their inclusion.
//!
//! - the share in the target group among those offered help, and the share of those referred
//!   who got ordinary services established or re-established (the referrals of the period);
//! - the share of those homeless at referral who got housing (the cohort);
//! - inpatient days and admissions, emergency visits and police events in equal windows before
//!   and after inclusion, with the percentage change, over the people whose window after is
//!   over (who is left out, and why, is counted);
//! - GAF and ORS at inclusion and at the window's point, with reliable-change categories;
//! - the cost–benefit of the inpatient days saved.
//!
//! Pure: plain inputs in, the report's sections out. The counting rules of the registry events
//! are `benk_domain::registry`'s (nights, the split at inclusion and at the window's edges).

use std::collections::BTreeMap;

use benk_domain::{
    gaf_change, percent, reliable_change, summary, window_totals, Cell, ChangeCategory, Chart,
    ChartKind, CloseReason, Counted, HousingStatus, Section, Series, Table, Tenths, WindowTotals,
    Windows, GAF_RELIABLE_CHANGE, L, RELIABLE_CHANGE,
};
use chrono::{Duration, Months, NaiveDate};
use uuid::Uuid;

use super::defs;

/// The follow-up windows one may choose, in months.
pub const WINDOWS: [u32; 3] = [6, 12, 24];

/// A referral of the team as the shares need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralIn {
    /// Received.
    pub received_on: NaiveDate,
    /// Decided, if it is.
    pub decided_on: Option<NaiveDate>,
    /// The decision offered help from the team (`benk_domain::offered_help`).
    pub offered_help: bool,
    /// The target-group assessment said yes.
    pub in_target_group: bool,
    /// At least one ordinary service established or re-established for it.
    pub services_established: bool,
}

/// One course of the team that began in the period, with what the evaluation reads of the
/// person. No name; `who` only tells one person's courses from another's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonIn {
    /// The person (to count them once).
    pub who: Uuid,
    /// The inclusion day (the course's start).
    pub included_on: NaiveDate,
    /// The course's end, if it has ended.
    pub closed_on: Option<NaiveDate>,
    /// Why it ended.
    pub close_reason: Option<CloseReason>,
    /// The day the referral that led to it arrived, if there was one.
    pub referred_on: Option<NaiveDate>,
    /// The housing history: (status, from date).
    pub housing: Vec<(HousingStatus, NaiveDate)>,
    /// The registry events (current versions).
    pub events: Vec<Counted>,
    /// GAF: (day, symptom score, function score).
    pub gaf: Vec<Gaf>,
    /// ORS totals: (day, total).
    pub ors: Vec<(NaiveDate, Tenths)>,
}

/// Everything the C-Flex evaluation is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct CflexInput {
    /// First day of the inclusion period.
    pub from: NaiveDate,
    /// Last day of the inclusion period.
    pub to: NaiveDate,
    /// The day the report is made (windows after are counted up to it).
    pub today: NaiveDate,
    /// The follow-up window in months (6, 12 or 24).
    pub window_months: u32,
    /// Days either side of inclusion and of the window's point in which a measure counts for
    /// it (the team's measurement policy, default 30).
    pub measure_window_days: i64,
    /// The team's measurement points in months after inclusion (its measurement policy); the
    /// trajectories use 0 and those up to the window.
    pub measure_points: Vec<u32>,
    /// NOK per inpatient day.
    pub cost_per_inpatient_day: i64,
    /// The municipality's co-financing share, percent.
    pub co_financing_percent: i64,
    /// The small-number threshold: the before/after charts are drawn when at least this many
    /// people are compared (a chart cannot hide its bars the way a table hides a cell).
    pub threshold: i64,
    /// Every referral of the team.
    pub referrals: Vec<ReferralIn>,
    /// The courses that began in the period (a person with two counts once, by the first).
    pub people: Vec<PersonIn>,
}

/// Where a person of the cohort stands for the before/after figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The window after is over: counted.
    Compared,
    /// Died before the window after was over.
    Died,
    /// Moved before the window after was over.
    Moved,
    /// The window after has not ended yet.
    NotOver,
}

/// Where a person stands, given their windows (`None`: included after today).
pub fn standing(p: &PersonIn, w: Option<&Windows>) -> Standing {
    let Some(w) = w else {
        return Standing::NotOver;
    };
    let full_end = w.after_from + Duration::days(w.days - 1);
    if let (Some(closed), Some(reason)) = (p.closed_on, p.close_reason) {
        if closed <= full_end {
            match reason {
                CloseReason::Died => return Standing::Died,
                CloseReason::Moved => return Standing::Moved,
                _ => {}
            }
        }
    }
    if w.after_complete {
        Standing::Compared
    } else {
        Standing::NotOver
    }
}

/// The value of a measure nearest to `target` within `days` either side (a tie: the earlier).
fn nearest<T: Copy>(values: &[(NaiveDate, T)], target: NaiveDate, days: i64) -> Option<T> {
    values
        .iter()
        .map(|(d, v)| ((*d - target).num_days(), *d, *v))
        .filter(|(off, _, _)| off.abs() <= days)
        .min_by_key(|(off, d, _)| (off.abs(), *d))
        .map(|(_, _, v)| v)
}

/// A GAF measure: (day, symptom score, function score).
type Gaf = (NaiveDate, Option<i64>, Option<i64>);

/// The points of the trajectories: inclusion (0) and the team's measurement points up to the
/// window, ascending.
pub fn trajectory_points(policy: &[u32], window_months: u32) -> Vec<u32> {
    let mut p: Vec<u32> = std::iter::once(0)
        .chain(policy.iter().copied())
        .filter(|k| *k <= window_months)
        .collect();
    p.sort_unstable();
    p.dedup();
    p
}

/// Per point, the values of the cohort's people with a measure within `days` of it (each
/// person's nearest; a tie: the earlier).
fn per_point(
    cohort: &[&PersonIn],
    points: &[u32],
    days: i64,
    values: impl Fn(&PersonIn) -> Vec<(NaiveDate, f64)>,
) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); points.len()];
    for p in cohort {
        let vals = values(p);
        for (i, k) in points.iter().enumerate() {
            let Some(target) = p.included_on.checked_add_months(Months::new(*k)) else {
                continue;
            };
            if let Some(v) = nearest(&vals, target, days) {
                out[i].push(v);
            }
        }
    }
    out
}

fn point_label(k: u32) -> L {
    L::new(format!("{k} mnd"), format!("{k} months"))
}

/// A trajectory's table: per point, the people measured, the median and the mean.
fn trajectory_table(id: &str, title: L, points: &[u32], values: &[Vec<f64>]) -> Table {
    Table {
        id: id.into(),
        title,
        columns: vec![
            L::new("Punkt", "Point"),
            L::new("Personer målt", "People measured"),
            L::new("Median", "Median"),
            L::new("Snitt", "Mean"),
        ],
        rows: points
            .iter()
            .zip(values)
            .map(|(k, v)| {
                let n = v.len() as i64;
                let s = summary(v);
                vec![
                    Cell::text(point_label(*k)),
                    Cell::people(n),
                    Cell::decimal_of(s.map(|s| s.median), n),
                    Cell::decimal_of(s.map(|s| s.mean), n),
                ]
            })
            .collect(),
        note: None,
    }
}

/// A chart series of the medians; a point on fewer people than `threshold` is left out.
fn median_series(name: L, values: &[Vec<f64>], threshold: i64) -> Series {
    Series {
        name,
        values: values
            .iter()
            .map(|v| {
                summary(v)
                    .filter(|_| !Cell::is_small(v.len() as i64, threshold))
                    .map(|s| s.median)
            })
            .collect(),
    }
}

/// The percentage change from `before` to `after`; `None` when there was nothing before.
fn change(before: i64, after: i64) -> Option<f64> {
    percent(after - before, before)
}

/// Change of one measure over the compared people: (first, later, category) per person.
struct MeasureChange {
    label: L,
    pairs: Vec<(f64, f64, ChangeCategory)>,
}

fn add(t: &mut WindowTotals, o: WindowTotals) {
    t.admissions += o.admissions;
    t.compulsory_admissions += o.compulsory_admissions;
    t.inpatient_days += o.inpatient_days;
    t.emergency_visits += o.emergency_visits;
    t.police_events += o.police_events;
    t.arrests += o.arrests;
    t.prison_days += o.prison_days;
}

/// The report's title, definitions and sections.
pub fn build(input: &CflexInput) -> (L, Vec<L>, Vec<Section>) {
    let m = input.window_months;
    // The cohort: one course per person, the first that began in the period.
    let mut cohort: BTreeMap<Uuid, &PersonIn> = BTreeMap::new();
    for p in input
        .people
        .iter()
        .filter(|p| input.from <= p.included_on && p.included_on <= input.to)
    {
        cohort
            .entry(p.who)
            .and_modify(|e| {
                if p.included_on < e.included_on {
                    *e = p;
                }
            })
            .or_insert(p);
    }
    let n = cohort.len() as i64;

    // Shares.
    let in_period = |d: NaiveDate| input.from <= d && d <= input.to;
    let offered: Vec<&ReferralIn> = input
        .referrals
        .iter()
        .filter(|r| r.offered_help && r.decided_on.is_some_and(in_period))
        .collect();
    let target = offered.iter().filter(|r| r.in_target_group).count() as i64;
    let referred: Vec<&ReferralIn> = input
        .referrals
        .iter()
        .filter(|r| in_period(r.received_on))
        .collect();
    let established = referred.iter().filter(|r| r.services_established).count() as i64;
    let (mut homeless, mut housed) = (0, 0);
    for p in cohort.values() {
        let at = p.referred_on.unwrap_or(p.included_on);
        let then = p
            .housing
            .iter()
            .filter(|(_, d)| *d <= at)
            .max_by_key(|(_, d)| *d)
            .map(|(s, _)| *s);
        if then == Some(HousingStatus::Homeless) {
            homeless += 1;
            housed += i64::from(
                p.housing
                    .iter()
                    .any(|(s, d)| s.is_housed() && *d > at && *d <= input.today),
            );
        }
    }
    let shares = Section {
        title: L::new("Målgruppe, tjenester og bolig", "Target group, services and housing"),
        intro: Some(L::new(
            "C-Flex rapporterte 91,6 % i målgruppen av dem som fikk tilbud, 40 % av de henviste med ordinære tjenester etablert eller reetablert, og bolig til 100 % av de henviste bostedsløse.",
            "C-Flex reported 91.6 % in the target group among those offered help, 40 % of those referred with ordinary services established or re-established, and housing for 100 % of the homeless referred.",
        )),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "cflex.shares".into(),
            title: L::new("Andeler", "Shares"),
            columns: vec![
                L::new("", ""),
                L::new("Andel", "Share"),
                L::new("C-Flex (003)", "C-Flex (003)"),
            ],
            rows: vec![
                vec![
                    Cell::text(L::new(
                        "I målgruppen, av dem som fikk tilbud",
                        "In the target group, of those offered help",
                    )),
                    Cell::Percent { num: target, den: offered.len() as i64 },
                    Cell::same("91,6 %"),
                ],
                vec![
                    Cell::text(L::new(
                        "Ordinære tjenester etablert eller reetablert, av de henviste",
                        "Ordinary services established or re-established, of those referred",
                    )),
                    Cell::Percent { num: established, den: referred.len() as i64 },
                    Cell::same("40 %"),
                ],
                vec![
                    Cell::text(L::new(
                        "Fikk bolig, av de bostedsløse ved henvisning",
                        "Got housing, of those homeless at referral",
                    )),
                    Cell::Percent { num: housed, den: homeless },
                    Cell::same("100 %"),
                ],
            ],
            note: Some(L::new(
                "Nevnere: vedtak i perioden som ga tilbud om hjelp fra teamet; henvisninger mottatt i perioden; personene tatt inn i perioden som var bostedsløse ved henvisning.",
                "Denominators: decisions in the period that offered help from the team; referrals received in the period; the people included in the period who were homeless at referral.",
            )),
        }],
    };

    // Windows and standing.
    let mut counts: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut before = WindowTotals::default();
    let mut after = WindowTotals::default();
    // People with at least one prison day in the window before, after.
    let (mut in_prison_before, mut in_prison_after) = (0, 0);
    let mut gaf_s = MeasureChange {
        label: L::new("GAF symptom", "GAF symptom"),
        pairs: vec![],
    };
    let mut gaf_f = MeasureChange {
        label: L::new("GAF funksjon", "GAF function"),
        pairs: vec![],
    };
    let mut ors = MeasureChange {
        label: L::new("ORS (KOR)", "ORS (FIT)"),
        pairs: vec![],
    };
    let wd = input.measure_window_days.max(0);
    for p in cohort.values() {
        let w = Windows::around(p.included_on, m, input.today);
        let s = standing(p, w.as_ref());
        *counts
            .entry(match s {
                Standing::Compared => "compared",
                Standing::Died => "died",
                Standing::Moved => "moved",
                Standing::NotOver => "not_over",
            })
            .or_default() += 1;
        let (Standing::Compared, Some(w)) = (s, w) else {
            continue;
        };
        let b = window_totals(&p.events, w.before_from, w.before_to);
        let a = window_totals(&p.events, w.after_from, w.after_to);
        in_prison_before += i64::from(b.prison_days > 0);
        in_prison_after += i64::from(a.prison_days > 0);
        add(&mut before, b);
        add(&mut after, a);
        let Some(point) = p.included_on.checked_add_months(Months::new(m)) else {
            continue;
        };
        let sym: Vec<(NaiveDate, i64)> = p.gaf.iter().filter_map(|g| Some((g.0, g.1?))).collect();
        let fun: Vec<(NaiveDate, i64)> = p.gaf.iter().filter_map(|g| Some((g.0, g.2?))).collect();
        for (vals, into) in [(&sym, &mut gaf_s), (&fun, &mut gaf_f)] {
            if let (Some(a), Some(b)) = (nearest(vals, p.included_on, wd), nearest(vals, point, wd))
            {
                into.pairs.push((a as f64, b as f64, gaf_change(a, b)));
            }
        }
        if let (Some(a), Some(b)) = (
            nearest(&p.ors, p.included_on, wd),
            nearest(&p.ors, point, wd),
        ) {
            ors.pairs
                .push((a.as_f64(), b.as_f64(), reliable_change(a, b)));
        }
    }
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    let compared = count("compared");

    let who = Section {
        title: L::new("Hvem som er med", "Who is counted"),
        intro: Some(L::new(
            format!("Før–etter-tallene gjelder bare dem som har hele vinduet på {m} måneder etter inntak bak seg. De andre er utelatt, og her står hvorfor."),
            format!("The before/after figures count only those whose whole window of {m} months after inclusion is over. The others are left out, and this says why."),
        )),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "cflex.cohort".into(),
            title: L::new("Kohorten og hvem som er utelatt", "The cohort and who is left out"),
            columns: vec![L::new("", ""), L::new("Personer", "People")],
            rows: vec![
                vec![
                    Cell::text(L::new("Tatt inn i perioden", "Included in the period")),
                    Cell::people(n),
                ],
                vec![
                    Cell::text(L::new(
                        "Sammenlignet før og etter (hele vinduet)",
                        "Compared before and after (whole window)",
                    )),
                    Cell::people(compared),
                ],
                vec![
                    Cell::text(L::new("Utelatt: døde i vinduet etter", "Left out: died in the window after")),
                    Cell::people(count("died")),
                ],
                vec![
                    Cell::text(L::new("Utelatt: flyttet i vinduet etter", "Left out: moved in the window after")),
                    Cell::people(count("moved")),
                ],
                vec![
                    Cell::text(L::new(
                        "Utelatt: vinduet etter er ikke over ennå",
                        "Left out: the window after is not over yet",
                    )),
                    Cell::people(count("not_over")),
                ],
            ],
            note: None,
        }],
    };

    let total = |v: i64| Cell::Total {
        n: v,
        people: compared,
    };
    let row = |label: L, b: i64, a: i64| {
        vec![
            Cell::text(label),
            Cell::people(compared),
            total(b),
            total(a),
            Cell::Decimal {
                v: change(b, a),
                n: Some(compared),
            },
        ]
    };
    let big_enough = compared >= input.threshold.max(1);
    let series = |vals: [i64; 3], which: [i64; 3]| -> (Series, Series) {
        (
            Series {
                name: L::new("Før inntak", "Before inclusion"),
                values: vals.iter().map(|v| Some(*v as f64)).collect(),
            },
            Series {
                name: L::new("Etter inntak", "After inclusion"),
                values: which.iter().map(|v| Some(*v as f64)).collect(),
            },
        )
    };
    let (b_series, a_series) = series(
        [
            before.admissions,
            before.emergency_visits,
            before.police_events,
        ],
        [
            after.admissions,
            after.emergency_visits,
            after.police_events,
        ],
    );
    let mut ba_charts = Vec::new();
    if big_enough {
        ba_charts.push(Chart {
            title: L::new(
                "Liggedøgn og fengselsdøgn før og etter inntak",
                "Inpatient days and prison days before and after inclusion",
            ),
            kind: ChartKind::GroupedBar,
            categories: vec![
                L::new("Liggedøgn", "Inpatient days"),
                L::new("Fengselsdøgn", "Prison days"),
            ],
            series: vec![
                Series {
                    name: L::new("Før inntak", "Before inclusion"),
                    values: vec![
                        Some(before.inpatient_days as f64),
                        Some(before.prison_days as f64),
                    ],
                },
                Series {
                    name: L::new("Etter inntak", "After inclusion"),
                    values: vec![
                        Some(after.inpatient_days as f64),
                        Some(after.prison_days as f64),
                    ],
                },
            ],
            people: false,
            reference: None,
            table_id: "cflex.before_after".into(),
        });
        ba_charts.push(Chart {
            title: L::new(
                "Innleggelser, akuttbesøk og politihendelser før og etter inntak",
                "Admissions, emergency visits and police events before and after inclusion",
            ),
            kind: ChartKind::GroupedBar,
            categories: vec![
                L::new("Innleggelser", "Admissions"),
                L::new("Akuttbesøk", "Emergency visits"),
                L::new("Politihendelser", "Police events"),
            ],
            series: vec![b_series, a_series],
            people: false,
            reference: None,
            table_id: "cflex.before_after".into(),
        });
    }
    let before_after = Section {
        title: L::new(
            format!("Før og etter inntak ({m} måneder)"),
            format!("Before and after inclusion ({m} months)"),
        ),
        intro: Some(L::new(
            format!(
                "Like lange vinduer før og etter inntaksdagen, summert over de {compared} som er sammenlignet. Endring = (etter − før) / før. C-Flex rapporterte −54,4 % liggedøgn og −18,3 % innleggelser.{}",
                if big_enough { "" } else { " Diagrammene vises når minst så mange som grensen for små tall kan sammenlignes." }
            ),
            format!(
                "Equal windows before and after the inclusion day, added up over the {compared} people compared. Change = (after − before) / before. C-Flex reported −54.4 % inpatient days and −18.3 % admissions.{}",
                if big_enough { "" } else { " The charts are drawn when at least as many people as the small-number threshold can be compared." }
            ),
        )),
        person_level: false,
        charts: ba_charts,
        tables: vec![Table {
            id: "cflex.before_after".into(),
            title: L::new("Registerdata før og etter inntak", "Registry data before and after inclusion"),
            columns: vec![
                L::new("", ""),
                L::new("Personer", "People"),
                L::new("Før", "Before"),
                L::new("Etter", "After"),
                L::new("Endring (%)", "Change (%)"),
            ],
            rows: vec![
                row(L::new("Liggedøgn", "Inpatient days"), before.inpatient_days, after.inpatient_days),
                row(L::new("Innleggelser", "Admissions"), before.admissions, after.admissions),
                row(
                    L::new("– av dem tvungne", "– of which compulsory"),
                    before.compulsory_admissions,
                    after.compulsory_admissions,
                ),
                row(L::new("Akuttbesøk", "Emergency visits"), before.emergency_visits, after.emergency_visits),
                row(L::new("Politihendelser", "Police events"), before.police_events, after.police_events),
                row(L::new("– av dem pågripelser", "– of which arrests"), before.arrests, after.arrests),
                row(L::new("Fengselsdøgn", "Prison days"), before.prison_days, after.prison_days),
                vec![
                    Cell::text(L::new("Personer med fengselsdøgn", "People with prison days")),
                    Cell::people(compared),
                    Cell::people(in_prison_before),
                    Cell::people(in_prison_after),
                    // The change would tell a hidden count of people from the other one.
                    Cell::Decimal {
                        v: change(in_prison_before, in_prison_after),
                        n: Some(
                            [in_prison_before, in_prison_after]
                                .into_iter()
                                .filter(|v| *v > 0)
                                .min()
                                .unwrap_or(0),
                        ),
                    },
                ],
            ],
            note: None,
        }],
    };

    // Measures.
    let measures = [gaf_s, gaf_f, ors];
    let mean = |f: &dyn Fn(&(f64, f64, ChangeCategory)) -> f64,
                pairs: &[(f64, f64, ChangeCategory)]| {
        (!pairs.is_empty()).then(|| pairs.iter().map(f).sum::<f64>() / pairs.len() as f64)
    };
    let cats = [
        ChangeCategory::Improved,
        ChangeCategory::NoReliableChange,
        ChangeCategory::Worsened,
    ];
    let cat_count =
        |mc: &MeasureChange, c: ChangeCategory| mc.pairs.iter().filter(|p| p.2 == c).count() as i64;
    let measure_section = Section {
        title: L::new(
            format!("GAF og ORS ved inntak og etter {m} måneder"),
            format!("GAF and ORS at inclusion and after {m} months"),
        ),
        intro: Some(L::new(
            format!("Blant de {compared} som er sammenlignet: målingen nærmest inntaksdagen og nærmest {m} måneder etter, innen ± {wd} dager. Pålitelig endring: ORS minst {} poeng, GAF minst {GAF_RELIABLE_CHANGE} poeng.", RELIABLE_CHANGE.0 / 10),
            format!("Among the {compared} people compared: the measure nearest the inclusion day and nearest {m} months after, within ± {wd} days. Reliable change: ORS at least {} points, GAF at least {GAF_RELIABLE_CHANGE} points.", RELIABLE_CHANGE.0 / 10),
        )),
        person_level: false,
        charts: vec![Chart {
            title: L::new("Endring etter kategori", "Change by category"),
            kind: ChartKind::GroupedBar,
            categories: vec![
                L::new("Bedring", "Improved"),
                L::new("Ingen pålitelig endring", "No reliable change"),
                L::new("Forverring", "Worsened"),
            ],
            series: measures
                .iter()
                .map(|mc| Series {
                    name: mc.label.clone(),
                    values: cats.iter().map(|c| Some(cat_count(mc, *c) as f64)).collect(),
                })
                .collect(),
            people: true,
            reference: None,
            table_id: "cflex.change_categories".into(),
        }],
        tables: vec![
            Table {
                id: "cflex.measures".into(),
                title: L::new("Snitt ved inntak og ved punktet", "Mean at inclusion and at the point"),
                columns: vec![
                    L::new("Mål", "Measure"),
                    L::new("Personer med begge målinger", "People with both measures"),
                    L::new("Mangler en måling", "Missing a measure"),
                    L::new("Snitt ved inntak", "Mean at inclusion"),
                    L::new(format!("Snitt ved {m} mnd"), format!("Mean at {m} months")),
                    L::new("Endring i snitt", "Change in mean"),
                ],
                rows: measures
                    .iter()
                    .map(|mc| {
                        let k = mc.pairs.len() as i64;
                        let a = mean(&|p| p.0, &mc.pairs);
                        let b = mean(&|p| p.1, &mc.pairs);
                        vec![
                            Cell::text(mc.label.clone()),
                            Cell::people(k),
                            Cell::people(compared - k),
                            Cell::decimal_of(a, k),
                            Cell::decimal_of(b, k),
                            Cell::decimal_of(mean(&|p| p.1 - p.0, &mc.pairs), k),
                        ]
                    })
                    .collect(),
                note: None,
            },
            Table {
                id: "cflex.change_categories".into(),
                title: L::new("Pålitelig endring", "Reliable change"),
                columns: vec![
                    L::new("Mål", "Measure"),
                    L::new("Bedring", "Improved"),
                    L::new("Ingen pålitelig endring", "No reliable change"),
                    L::new("Forverring", "Worsened"),
                ],
                rows: measures
                    .iter()
                    .map(|mc| {
                        let k = mc.pairs.len() as i64;
                        let mut r = vec![Cell::text(mc.label.clone())];
                        r.extend(cats.iter().map(|c| Cell::Percent {
                            num: cat_count(mc, *c),
                            den: k,
                        }));
                        r
                    })
                    .collect(),
                note: None,
            },
        ],
    };

    // Trajectories over the whole cohort.
    let people: Vec<&PersonIn> = cohort.values().copied().collect();
    let points = trajectory_points(&input.measure_points, m);
    let ors_at = per_point(&people, &points, wd, |p| {
        p.ors.iter().map(|(d, v)| (*d, v.as_f64())).collect()
    });
    let gaf_of = |pick: fn(&Gaf) -> Option<i64>| {
        per_point(&people, &points, wd, move |p| {
            p.gaf
                .iter()
                .filter_map(|g| Some((g.0, pick(g)? as f64)))
                .collect()
        })
    };
    let sym_at = gaf_of(|g| g.1);
    let fun_at = gaf_of(|g| g.2);
    let threshold = input.threshold.max(1);
    let line = |title: L, series: Vec<Series>, table_id: &str| {
        series
            .iter()
            .any(|s| s.values.iter().any(Option::is_some))
            .then(|| Chart {
                title,
                kind: ChartKind::Line,
                categories: points.iter().map(|k| point_label(*k)).collect(),
                series,
                people: false,
                reference: None,
                table_id: table_id.into(),
            })
    };
    let list = |k: &[u32]| k.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let trajectories = Section {
        title: L::new("ORS og GAF over tid", "ORS and GAF over time"),
        intro: Some(L::new(
            format!("Median ved inntak og ved teamets målepunkter ({} måneder etter), for alle i kohorten med en måling innen ± {wd} dager fra punktet. Senere punkter har færre personer: vinduet er ikke nådd for alle, og noen mangler målingen. Et punkt med færre personer enn grensen for små tall vises ikke i diagrammet.", list(&points)),
            format!("The median at inclusion and at the team's measurement points ({} months after), for everyone in the cohort with a measure within ± {wd} days of the point. Later points have fewer people: not everyone has reached them, and some lack the measure. A point with fewer people than the small-number threshold is left out of the chart.", list(&points)),
        )),
        person_level: false,
        charts: [
            line(
                L::new("ORS (KOR) over tid, median", "ORS (FIT) over time, median"),
                vec![median_series(L::new("ORS, median", "ORS, median"), &ors_at, threshold)],
                "cflex.ors_trajectory",
            ),
            line(
                L::new("GAF over tid, median", "GAF over time, median"),
                vec![
                    median_series(L::new("GAF symptom, median", "GAF symptom, median"), &sym_at, threshold),
                    median_series(L::new("GAF funksjon, median", "GAF function, median"), &fun_at, threshold),
                ],
                "cflex.gaf_symptom_trajectory",
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        tables: vec![
            trajectory_table("cflex.ors_trajectory", L::new("ORS (KOR) ved hvert punkt", "ORS (FIT) at each point"), &points, &ors_at),
            trajectory_table("cflex.gaf_symptom_trajectory", L::new("GAF symptom ved hvert punkt", "GAF symptom at each point"), &points, &sym_at),
            trajectory_table("cflex.gaf_function_trajectory", L::new("GAF funksjon ved hvert punkt", "GAF function at each point"), &points, &fun_at),
        ],
    };

    // Cost–benefit.
    let saved = before.inpatient_days - after.inpatient_days;
    let gross = saved * input.cost_per_inpatient_day;
    let municipal = (gross as f64 * input.co_financing_percent as f64 / 100.0).round() as i64;
    let cost = Section {
        title: L::new("Kost–nytte", "Cost–benefit"),
        intro: Some(L::new(
            "Sparte liggedøgn (før − etter, over dem som er sammenlignet) × kostnad per liggedøgn = brutto. Kommunens andel = brutto × kommunal medfinansiering. Et negativt tall er en økning. Satsene er teamets rapportinnstillinger.",
            "Inpatient days saved (before − after, over those compared) × cost per inpatient day = gross. The municipality's share = gross × municipal co-financing. A negative number is an increase. The rates are the team's report settings.",
        )),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "cflex.cost".into(),
            title: L::new("Kost–nytte av sparte liggedøgn", "Cost–benefit of inpatient days saved"),
            columns: vec![L::new("", ""), L::new("Verdi", "Value")],
            rows: vec![
                vec![
                    Cell::text(L::new("Sparte liggedøgn", "Inpatient days saved")),
                    total(saved),
                ],
                vec![
                    Cell::text(L::new("Kostnad per liggedøgn (kr)", "Cost per inpatient day (NOK)")),
                    Cell::plain(input.cost_per_inpatient_day),
                ],
                vec![
                    Cell::text(L::new("Brutto (kr)", "Gross (NOK)")),
                    total(gross),
                ],
                vec![
                    Cell::text(L::new("Kommunal medfinansiering (%)", "Municipal co-financing (%)")),
                    Cell::plain(input.co_financing_percent),
                ],
                vec![
                    Cell::text(L::new("Kommunens andel (kr)", "The municipality's share (NOK)")),
                    total(municipal),
                ],
            ],
            note: None,
        }],
    };

    (
        L::new(
            format!("C-Flex-evaluering, {m} måneder før og etter inntak"),
            format!("C-Flex evaluation, {m} months before and after inclusion"),
        ),
        definitions(m, wd, input),
        vec![
            shares,
            who,
            before_after,
            measure_section,
            trajectories,
            cost,
        ],
    )
}

fn definitions(m: u32, wd: i64, input: &CflexInput) -> Vec<L> {
    let mut d = defs::common();
    d.extend([
        L::new(
            format!("Kohorten: personene teamet tok inn (forløpet startet) i perioden; en person med to forløp telles én gang, ved det første. Oppfølgingsvinduet er {m} måneder (6, 12 eller 24 kan velges)."),
            format!("The cohort: the people the team included (the course began) in the period; a person with two courses counts once, by the first. The follow-up window is {m} months (6, 12 or 24 can be chosen)."),
        ),
        L::new(
            "Målgruppe: nevner er henvisninger med vedtak i perioden som ga tilbud om hjelp fra teamet (tatt inn på et nivå, eller bare veiledning); teller er de av dem der målgruppevurderingen sa ja. Ordinære tjenester: nevner er henvisninger mottatt i perioden, uansett utfall; teller er de med minst én tjeneste etablert eller reetablert, ved vedtaket eller i forløpet.",
            "Target group: the denominator is the referrals with a decision in the period that offered help from the team (included at a level, or guidance only); the numerator those of them the target-group assessment said yes to. Ordinary services: the denominator is the referrals received in the period, whatever the outcome; the numerator those with at least one service established or re-established, at the decision or during the course.",
        ),
        L::new(
            "Bolig: nevner er personene i kohorten som var bostedsløse ved henvisning (den nyeste boligstatusen datert på eller før dagen henvisningen kom; uten henvisning inntaksdagen); teller er de av dem som fikk egen bolig eller kommunal utleiebolig datert etter den dagen og senest i dag.",
            "Housing: the denominator is the people of the cohort homeless at referral (the newest housing status dated on or before the day the referral arrived; without a referral, the inclusion day); the numerator those of them with their own home or municipal rental dated after that day and by today.",
        ),
        L::new(
            format!("Like lange vinduer: vinduet før er de {m} kalendermånedene før inntaksdagen (fra samme dato {m} måneder før til dagen før inntak); vinduet etter begynner på inntaksdagen og har like mange dager. Inntaksdagen hører til etter."),
            format!("Equal windows: the window before is the {m} calendar months before the inclusion day (from the same date {m} months earlier to the day before inclusion); the window after begins on the inclusion day and has the same number of days. The inclusion day belongs to after."),
        ),
        L::new(
            "Liggedøgn er netter, slik PAS teller dem: et opphold fra første til siste dag har nettene første dag til dagen før siste dag; en natt hører til datoen den begynner. Et opphold inn og ut samme dag er en innleggelse uten liggedøgn. Et opphold som ikke er avsluttet teller netter til vinduets slutt (i dag høyst).",
            "Inpatient days are nights, as PAS counts them: a stay from its first to its last day has the nights from the first day to the day before the last; a night belongs to the date it begins. A stay in and out the same day is an admission with no inpatient days. A stay not yet ended counts nights up to the window's end (today at most).",
        ),
        L::new(
            "Delt ved kanten: et opphold som går over inntaksdagen eller over en vinduskant, deles der. Nettene telles i det vinduet de faller i (10.–20. mars med inntak 15. mars er 5 liggedøgn før og 5 etter), og netter utenfor vinduene telles ikke. Innleggelsen telles i vinduet der oppholdet begynte, og ikke i det hele om det begynte før vinduet før. Akuttbesøk og politihendelser telles på dagen de skjedde.",
            "Split at the edge: a stay across the inclusion day or a window's edge is split there. Its nights count in the window they fall in (10–20 March with inclusion on 15 March is 5 inpatient days before and 5 after), and nights outside the windows are not counted. The admission counts in the window where the stay began, and not at all if it began before the window before. Emergency visits and police events count on their day.",
        ),
        L::new(
            "Fengselsdøgn telles som liggedøgn: netter fra første dag til dagen før løslatelse, delt ved inntaksdagen og ved vinduskantene på samme måte; et opphold som ikke er avsluttet teller til vinduets slutt (i dag høyst). «Personer med fengselsdøgn» er de sammenlignede med minst ett fengselsdøgn i vinduet; endringen i den raden skjules i filer når det minste av tallene som ikke er null, er et lite tall.",
            "Prison days count as inpatient days do: nights from the first day to the day before release, split at the inclusion day and at the window's edges the same way; a stay not yet ended counts up to the window's end (today at most). \"People with prison days\" are those compared with at least one prison day in the window; the change in that row is hidden in files when the smaller of its non-zero numbers is small.",
        ),
        L::new(
            "Hvem som er utelatt fra før–etter: den som døde eller flyttet (forløpet avsluttet med den grunnen) før vinduet etter var over, og den der vinduet etter ikke er over i dag. Døde eller flyttet går foran «ikke over». Et forløp avsluttet av andre grunner (etablert i ordinære tjenester, takket nei) telles med hele vinduet, for registrene teller videre.",
            "Left out of before/after: whoever died or moved (the course ended for that reason) before the window after was over, and whoever's window after is not over today. Died or moved comes before \"not over\". A course ended for other reasons (established in ordinary services, declined) is counted with its whole window, since the registries go on counting.",
        ),
        L::new(
            "Endring i prosent = 100 × (etter − før) / før, over summene for dem som er sammenlignet; «–» når det ikke var noe før.",
            "Change in percent = 100 × (after − before) / before, over the totals of those compared; \"–\" when there was nothing before.",
        ),
        L::new(
            format!("GAF og ORS: blant dem som er sammenlignet, målingen nærmest inntaksdagen og målingen nærmest {m} måneder etter, hver innen ± {wd} dager (teamets målepolicy; like nær: den tidligste). Den som mangler en av dem, telles som «mangler en måling». Pålitelig endring (bedring / ingen pålitelig endring / forverring): ORS minst 5 poeng opp eller ned (KOR/FIT); GAF minst {GAF_RELIABLE_CHANGE} poeng, Benks valg, siden GAF ikke har en fastsatt grense. En endring på nøyaktig grensen teller."),
            format!("GAF and ORS: among those compared, the measure nearest the inclusion day and the one nearest {m} months after, each within ± {wd} days (the team's measurement policy; equally near: the earlier). Whoever lacks one of them counts as \"missing a measure\". Reliable change (improved / no reliable change / worsened): ORS at least 5 points up or down (FIT); GAF at least {GAF_RELIABLE_CHANGE} points, Benk's choice, since GAF has no set threshold. A change of exactly the threshold counts."),
        ),
        L::new(
            format!("ORS og GAF over tid: punktene er inntaket (0) og teamets målepunkter opp til vinduet ({} måneder). For hver person i kohorten (også den som ikke er sammenlignet) og hvert punkt: målingen nærmest punktet innen ± {wd} dager (like nær: den tidligste); den som ikke har en slik måling, er ikke med i det punktet. Median: den midterste verdien, med et partall verdier snittet av de to midterste. Hvert punkt har sitt eget antall personer.", trajectory_points(&input.measure_points, m).iter().map(u32::to_string).collect::<Vec<_>>().join(", ")),
            format!("ORS and GAF over time: the points are inclusion (0) and the team's measurement points up to the window ({} months). For each person of the cohort (also those not compared) and each point: the measure nearest the point within ± {wd} days (equally near: the earlier); whoever has no such measure is not in that point. Median: the middle value, with an even number of values the mean of the two middle ones. Each point has its own number of people.", trajectory_points(&input.measure_points, m).iter().map(u32::to_string).collect::<Vec<_>>().join(", ")),
        ),
        L::new(
            format!("Kost–nytte: sparte liggedøgn = liggedøgn før − etter; brutto = sparte liggedøgn × {} kr per liggedøgn; kommunens andel = brutto × {} %, avrundet til hele kroner. Satsene er teamets rapportinnstillinger (standard 4 000 kr og 20 %).", input.cost_per_inpatient_day, input.co_financing_percent),
            format!("Cost–benefit: days saved = inpatient days before − after; gross = days saved × NOK {} per inpatient day; the municipality's share = gross × {} %, rounded to whole kroner. The rates are the team's report settings (default NOK 4,000 and 20 %).", input.cost_per_inpatient_day, input.co_financing_percent),
        ),
        L::new(
            "Små tall: antall personer, andeler og snitt fra 1 til grensen − 1 skjules i filer; summer (liggedøgn, innleggelser, kroner) skjules når de er summert over så få personer.",
            "Small numbers: counts of people, shares and means from 1 to the threshold − 1 are hidden in files; totals (inpatient days, admissions, kroner) are hidden when they add up that few people.",
        ),
    ]);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use benk_domain::Stay;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input(people: Vec<PersonIn>) -> CflexInput {
        CflexInput {
            from: d(2024, 1, 1),
            to: d(2024, 12, 31),
            today: d(2026, 6, 30),
            window_months: 12,
            measure_window_days: 30,
            measure_points: vec![0, 6, 12, 24],
            cost_per_inpatient_day: 4000,
            co_financing_percent: 20,
            threshold: 5,
            referrals: vec![],
            people,
        }
    }

    fn person(n: u128, included: NaiveDate) -> PersonIn {
        PersonIn {
            who: Uuid::from_u128(n),
            included_on: included,
            ..PersonIn::default()
        }
    }

    fn stay(a: NaiveDate, b: Option<NaiveDate>) -> Counted {
        Counted::Inpatient(Stay::new(a, b).unwrap(), false)
    }

    fn table<'a>(s: &'a [Section], id: &str) -> &'a Table {
        s.iter()
            .flat_map(|s| s.tables.iter())
            .find(|t| t.id == id)
            .unwrap()
    }

    #[test]
    fn no_data() {
        let (title, _, s) = build(&input(vec![]));
        assert!(title.nb.contains("12 måneder"));
        let shares = table(&s, "cflex.shares");
        assert_eq!(shares.rows[0][1], Cell::Percent { num: 0, den: 0 });
        let cohort = table(&s, "cflex.cohort");
        assert_eq!(cohort.rows[0][1], Cell::people(0));
        let ba = table(&s, "cflex.before_after");
        assert_eq!(ba.rows[0][2], Cell::Total { n: 0, people: 0 });
        assert_eq!(
            ba.rows[0][4],
            Cell::Decimal {
                v: None,
                n: Some(0)
            }
        );
        assert!(s[2].charts.is_empty());
        let m = table(&s, "cflex.measures");
        assert_eq!(m.rows[2][3], Cell::decimal_of(None, 0));
    }

    #[test]
    fn one_person_with_stays_split_at_inclusion_and_at_the_window_edges() {
        // Included 15 March 2024: before = 15.3.2023–14.3.2024 (366 days, 29 February 2024
        // among them), after = 15.3.2024–15.3.2025 (as many days).
        let mut p = person(1, d(2024, 3, 15));
        p.events = vec![
            // Across inclusion: nights 10–14 March before (5), 15–19 March after (5).
            stay(d(2024, 3, 10), Some(d(2024, 3, 20))),
            // Across the window before's start: nights 15–19 March 2023 (5); admission not
            // counted (it began before the window).
            stay(d(2023, 3, 1), Some(d(2023, 3, 20))),
            // Across the window after's end: nights 10–15 March 2025 (6), admission counted.
            stay(d(2025, 3, 10), Some(d(2025, 4, 1))),
            // A same-day stay after: an admission with no days.
            stay(d(2024, 6, 1), Some(d(2024, 6, 1))),
            Counted::Emergency(d(2023, 5, 1)),
            Counted::Emergency(d(2024, 3, 14)),
            Counted::Police(d(2024, 3, 15), true),
            Counted::Police(d(2025, 3, 16), false), // the day after the window
            // Prison across inclusion: nights 1–14 March before (14), 15–19 March after (5).
            Counted::Prison(Stay::new(d(2024, 3, 1), Some(d(2024, 3, 20))).unwrap()),
        ];
        p.ors = vec![
            (d(2024, 2, 20), Tenths(180)), // 24 days before: nearest to inclusion
            (d(2024, 4, 20), Tenths(150)), // 36 days after: outside ± 30
            (d(2025, 3, 1), Tenths(230)),  // 14 days before the point: counted
            (d(2025, 3, 29), Tenths(260)), // 14 days after: a tie, the earlier wins
        ];
        p.gaf = vec![
            (d(2024, 3, 15), Some(40), Some(35)),
            (d(2025, 3, 20), Some(49), Some(45)),
        ];
        let (_, _, s) = build(&input(vec![p]));
        let ba = table(&s, "cflex.before_after");
        let t = |n| Cell::Total { n, people: 1 };
        // Days: before 5 + 5 = 10; after 5 + 6 = 11 → +10 %.
        assert_eq!(ba.rows[0][2], t(10));
        assert_eq!(ba.rows[0][3], t(11));
        assert_eq!(
            ba.rows[0][4],
            Cell::Decimal {
                v: Some(10.0),
                n: Some(1)
            }
        );
        // Admissions: before 1 (10 March 2024); after 2 (1 June 2024, 10 March 2025):
        // +100 %.
        assert_eq!(ba.rows[1][2], t(1));
        assert_eq!(ba.rows[1][3], t(2));
        assert_eq!(
            ba.rows[1][4],
            Cell::Decimal {
                v: Some(100.0),
                n: Some(1)
            }
        );
        // Emergency: both before → −100 %.
        assert_eq!(ba.rows[3][2], t(2));
        assert_eq!(ba.rows[3][3], t(0));
        assert_eq!(
            ba.rows[3][4],
            Cell::Decimal {
                v: Some(-100.0),
                n: Some(1)
            }
        );
        // Police: one after (the inclusion day), none before: no change to compute.
        assert_eq!(ba.rows[4][3], t(1));
        assert_eq!(
            ba.rows[4][4],
            Cell::Decimal {
                v: None,
                n: Some(1)
            }
        );
        assert_eq!(ba.rows[5][3], t(1));
        // Prison days 14 → 5: (5 − 14) / 14 = −64.28… %; one person with prison days in
        // each window: 0 %, resting on one person.
        assert_eq!(ba.rows[6][2], t(14));
        assert_eq!(ba.rows[6][3], t(5));
        assert_eq!(
            ba.rows[6][4],
            Cell::Decimal {
                v: Some(-900.0 / 14.0),
                n: Some(1)
            }
        );
        assert_eq!(ba.rows[7][2], Cell::people(1));
        assert_eq!(ba.rows[7][3], Cell::people(1));
        assert_eq!(
            ba.rows[7][4],
            Cell::Decimal {
                v: Some(0.0),
                n: Some(1)
            }
        );
        // ORS 18.0 → 23.0: +5.0, improved (exactly the threshold).
        let m = table(&s, "cflex.measures");
        assert_eq!(m.rows[2][1], Cell::people(1));
        assert_eq!(m.rows[2][3], Cell::decimal_of(Some(18.0), 1));
        assert_eq!(m.rows[2][4], Cell::decimal_of(Some(23.0), 1));
        // GAF symptom 40 → 49: no reliable change; function 35 → 45: improved.
        let c = table(&s, "cflex.change_categories");
        assert_eq!(c.rows[0][2], Cell::Percent { num: 1, den: 1 });
        assert_eq!(c.rows[1][1], Cell::Percent { num: 1, den: 1 });
        assert_eq!(c.rows[2][1], Cell::Percent { num: 1, den: 1 });
        // One person: no charts of totals.
        assert!(s[2].charts.is_empty());
        // Cost: one day more: −4 000 gross, −800 for the municipality.
        let cost = table(&s, "cflex.cost");
        assert_eq!(cost.rows[0][1], t(-1));
        assert_eq!(cost.rows[2][1], t(-4000));
        assert_eq!(cost.rows[4][1], t(-800));
    }

    #[test]
    fn cohort_left_out_shares_and_cost() {
        let inc = d(2024, 1, 10);
        // Window before: 10.1.2023–9.1.2024 (365 days); after: 10.1.2024–8.1.2025.
        let mut people = Vec::new();
        for i in 0..5u128 {
            let mut p = person(i, inc);
            // Before: one 11-night stay (1–12 June 2023); after: 4 nights for i < 2.
            p.events.push(stay(d(2023, 6, 1), Some(d(2023, 6, 12))));
            if i < 2 {
                p.events.push(stay(d(2024, 6, 1), Some(d(2024, 6, 5))));
            }
            people.push(p);
        }
        // Person 0 has a second course later in the period: counted once.
        people.push(person(0, d(2024, 11, 1)));
        // Died on the window's last day: left out.
        let mut died = person(10, inc);
        died.closed_on = Some(d(2025, 1, 8));
        died.close_reason = Some(CloseReason::Died);
        died.events.push(stay(d(2023, 6, 1), Some(d(2023, 7, 1))));
        people.push(died);
        // Moved after the window: counted.
        let mut moved_late = person(11, inc);
        moved_late.closed_on = Some(d(2025, 1, 9));
        moved_late.close_reason = Some(CloseReason::Moved);
        people.push(moved_late);
        // Moved inside the window: left out.
        let mut moved = person(12, inc);
        moved.closed_on = Some(d(2024, 5, 1));
        moved.close_reason = Some(CloseReason::Moved);
        people.push(moved);
        // Established in ordinary services inside the window: counted.
        let mut done = person(13, inc);
        done.closed_on = Some(d(2024, 5, 1));
        done.close_reason = Some(CloseReason::EstablishedOrdinary);
        // Homeless at referral (1 Dec 2023), housed 1 March 2024.
        done.referred_on = Some(d(2023, 12, 1));
        done.housing = vec![
            (HousingStatus::Homeless, d(2023, 11, 1)),
            (HousingStatus::MunicipalRental, d(2024, 3, 1)),
        ];
        people.push(done);
        // Included 1 December 2024, today 30 June 2025: window not over; homeless at
        // inclusion (no referral), still homeless.
        let mut late = person(14, d(2024, 12, 1));
        late.housing = vec![(HousingStatus::Homeless, d(2024, 12, 1))];
        people.push(late);
        // Included before the period: not in the cohort.
        people.push(person(15, d(2023, 12, 31)));
        let mut inp = input(people);
        inp.today = d(2025, 6, 30);
        inp.referrals = vec![
            ReferralIn {
                received_on: d(2024, 1, 2),
                decided_on: Some(d(2024, 1, 9)),
                offered_help: true,
                in_target_group: true,
                services_established: true,
            },
            ReferralIn {
                received_on: d(2023, 12, 20),
                decided_on: Some(d(2024, 1, 5)),
                offered_help: true,
                in_target_group: false,
                services_established: false,
            },
            ReferralIn {
                received_on: d(2024, 2, 1),
                decided_on: Some(d(2024, 2, 10)),
                offered_help: false,
                in_target_group: true,
                services_established: false,
            },
            ReferralIn {
                received_on: d(2024, 12, 30),
                decided_on: None,
                offered_help: false,
                in_target_group: false,
                services_established: false,
            },
        ];
        let (_, _, s) = build(&inp);
        let shares = table(&s, "cflex.shares");
        // Offered help with a decision in 2024: the first two; one in the target group.
        assert_eq!(shares.rows[0][1], Cell::Percent { num: 1, den: 2 });
        // Received in 2024: three; one with services.
        assert_eq!(shares.rows[1][1], Cell::Percent { num: 1, den: 3 });
        // Homeless at referral: person 13 (housed) and 14 (not).
        assert_eq!(shares.rows[2][1], Cell::Percent { num: 1, den: 2 });
        let cohort = table(&s, "cflex.cohort");
        let counts: Vec<Cell> = cohort.rows.iter().map(|r| r[1].clone()).collect();
        // 5 + died + moved late + moved + done + late = 10; compared 5 + 11 + 13 = 7.
        assert_eq!(counts, [10, 7, 1, 1, 1].map(Cell::people).to_vec());
        let ba = table(&s, "cflex.before_after");
        let t = |n| Cell::Total { n, people: 7 };
        // Days: before 5 × 11 = 55; after 2 × 4 = 8; change (8 − 55) / 55 = −85.45… %.
        assert_eq!(ba.rows[0][2], t(55));
        assert_eq!(ba.rows[0][3], t(8));
        let Cell::Decimal { v: Some(v), .. } = ba.rows[0][4] else {
            panic!("a change")
        };
        assert_eq!(benk_domain::round1(v), -85.5);
        // Admissions 5 → 2: −60 %.
        assert_eq!(
            ba.rows[1][4],
            Cell::Decimal {
                v: Some(-60.0),
                n: Some(7)
            }
        );
        // Seven compared: the charts are drawn; no prison days.
        assert_eq!(s[2].charts.len(), 2);
        assert_eq!(s[2].charts[0].series[0].values, [Some(55.0), Some(0.0)]);
        assert_eq!(ba.rows[7][2], Cell::people(0));
        assert_eq!(
            ba.rows[7][4],
            Cell::Decimal {
                v: None,
                n: Some(0)
            }
        );
        // Cost: 47 days × 4000 = 188 000; 20 % = 37 600.
        let cost = table(&s, "cflex.cost");
        assert_eq!(cost.rows[0][1], t(47));
        assert_eq!(cost.rows[2][1], t(188_000));
        assert_eq!(cost.rows[4][1], t(37_600));
        // Nobody has measures: all seven miss one.
        let m = table(&s, "cflex.measures");
        assert_eq!(m.rows[2][2], Cell::people(7));
    }

    #[test]
    fn trajectories_per_point() {
        assert_eq!(trajectory_points(&[24, 6, 12, 3, 6], 12), [0, 3, 6, 12]);
        assert_eq!(trajectory_points(&[], 6), [0]);
        let inc = d(2024, 1, 10);
        // Points: 10 Jan, 10 Apr, 10 Jul 2024, 10 Jan 2025 (± 30 days).
        let ors = |p: &mut PersonIn, v: &[(NaiveDate, i64)]| {
            p.ors = v.iter().map(|(d, t)| (*d, Tenths(*t))).collect();
        };
        let mut p1 = person(1, inc);
        ors(
            &mut p1,
            &[
                (d(2024, 1, 10), 100),
                (d(2024, 4, 1), 120), // 9 days before 3 months: a tie, the earlier counts
                (d(2024, 4, 19), 300), // 9 days after
                (d(2024, 7, 20), 200),
                (d(2025, 1, 10), 250),
            ],
        );
        p1.gaf = vec![(inc, Some(40), Some(35))];
        let mut p2 = person(2, inc);
        // No measure near 3 months; 12 months is 36 days off: missing.
        ors(
            &mut p2,
            &[
                (d(2024, 1, 5), 140),
                (d(2024, 7, 1), 160),
                (d(2025, 2, 15), 390),
            ],
        );
        p2.gaf = vec![(inc, Some(50), None)];
        let mut p3 = person(3, inc);
        ors(
            &mut p3,
            &[
                (d(2024, 1, 10), 200),
                (d(2024, 4, 10), 180),
                (d(2024, 7, 10), 220),
                (d(2025, 1, 1), 270),
            ],
        );
        let mut p4 = person(4, inc);
        ors(&mut p4, &[(d(2024, 1, 12), 250), (d(2024, 4, 12), 200)]);
        let mut inp = input(vec![p1, p2, p3, p4]);
        inp.measure_points = vec![3, 6, 12, 24];
        inp.threshold = 3;
        let (_, defs, s) = build(&inp);
        let t = table(&s, "cflex.ors_trajectory");
        let col = |c: usize| t.rows.iter().map(|r| r[c].clone()).collect::<Vec<_>>();
        assert_eq!(col(1), [4, 3, 3, 2].map(Cell::people));
        // 0: 10, 14, 20, 25: median (14 + 20) / 2 = 17, mean 69 / 4. 3 months: 12, 18, 20.
        // 6 months: 20, 16, 22. 12 months: 25, 27.
        assert_eq!(
            col(2),
            [(17.0, 4), (18.0, 3), (20.0, 3), (26.0, 2)].map(|(v, n)| Cell::decimal_of(Some(v), n))
        );
        assert_eq!(
            col(3),
            [(69.0 / 4.0, 4), (50.0 / 3.0, 3), (58.0 / 3.0, 3), (26.0, 2)]
                .map(|(v, n)| Cell::decimal_of(Some(v), n))
        );
        assert_eq!(t.rows[3][0], Cell::text(L::new("12 mnd", "12 months")));
        // GAF symptom at inclusion: 40 and 50; function only 35; nothing later.
        let g = table(&s, "cflex.gaf_symptom_trajectory");
        assert_eq!(g.rows[0][2], Cell::decimal_of(Some(45.0), 2));
        assert_eq!(g.rows[1][1], Cell::people(0));
        assert_eq!(g.rows[1][2], Cell::decimal_of(None, 0));
        let f = table(&s, "cflex.gaf_function_trajectory");
        assert_eq!(f.rows[0][1], Cell::people(1));
        // The chart of ORS leaves out the point on two people (threshold 3); GAF has no point
        // on three people: no chart.
        let sec = s
            .iter()
            .find(|x| x.tables[0].id == "cflex.ors_trajectory")
            .unwrap();
        assert_eq!(sec.charts.len(), 1);
        assert_eq!(sec.charts[0].kind, ChartKind::Line);
        assert_eq!(
            sec.charts[0].series[0].values,
            [Some(17.0), Some(18.0), Some(20.0), None]
        );
        assert!(defs.iter().any(|l| l.nb.contains("(0, 3, 6, 12 måneder)")));
    }

    #[test]
    fn standing_order_and_edges() {
        let inc = d(2024, 1, 10);
        let w = Windows::around(inc, 12, d(2025, 1, 8)).unwrap();
        assert!(w.after_complete);
        let mut p = person(1, inc);
        assert_eq!(standing(&p, Some(&w)), Standing::Compared);
        p.closed_on = Some(d(2025, 1, 8));
        p.close_reason = Some(CloseReason::Died);
        assert_eq!(standing(&p, Some(&w)), Standing::Died);
        // The window not over yet, and died: died comes first.
        let w2 = Windows::around(inc, 12, d(2024, 6, 1)).unwrap();
        assert_eq!(standing(&p, Some(&w2)), Standing::Died);
        p.close_reason = Some(CloseReason::DeclinedFurtherHelp);
        assert_eq!(standing(&p, Some(&w2)), Standing::NotOver);
        assert_eq!(standing(&p, None), Standing::NotOver);
    }

    #[test]
    fn nearest_measure_prefers_the_earlier_on_a_tie() {
        let t = d(2025, 3, 15);
        let vals = [(d(2025, 3, 1), 1), (d(2025, 3, 29), 2), (d(2025, 5, 1), 3)];
        assert_eq!(nearest(&vals, t, 30), Some(1));
        assert_eq!(nearest(&vals, t, 13), None);
        assert_eq!(nearest(&vals, d(2025, 4, 20), 30), Some(3));
    }
}
