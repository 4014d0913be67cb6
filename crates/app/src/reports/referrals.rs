//! The referral report on the framework: referrals by kind of referrer and by quarter, the
//! different referring agencies (in the quarter, so far, and by months in operation), time from
//! referral to decision, decisions by outcome, and the two figures the teams publish (the share
//! of those offered help who were in the target group; the share of those referred who got
//! ordinary services established or re-established). The figures are [`super::compute`]'s.

use benk_domain::{
    AgencyKind, Cell, Chart, ChartKind, Lang, ReportPeriod, Section, Series, Table, L,
};
use chrono::NaiveDate;

use super::activity::{cap, outcome_rows, total_row};
use super::{compute, defs, ReferralReport};
use crate::store::referrals::ReportRow;

/// Everything the referral report is computed from.
#[derive(Debug, Clone)]
pub struct ReferralsInput {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Today (months in operation run to the end of the period or today).
    pub today: NaiveDate,
    /// The team's start (else the first referral).
    pub started_on: Option<NaiveDate>,
    /// Every referral of the team with its decision.
    pub rows: Vec<ReportRow>,
}

fn t(nb: &str, en: &str) -> L {
    L::new(nb, en)
}

/// "2026-Q1" → "1. kvartal 2026" / "Q1 2026"; "2026-H2" → "2. halvår 2026" / "H2 2026";
/// "2026-03" → "mars 2026" / "Mar 2026".
pub fn period_label(key: &str) -> L {
    const MONTHS_NB: [&str; 12] = [
        "jan.", "feb.", "mars", "april", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
        "des.",
    ];
    const MONTHS_EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some((year, rest)) = key.split_once('-') else {
        return L::same(key);
    };
    if let Some(q) = rest.strip_prefix('Q') {
        return L::new(format!("{q}. kvartal {year}"), format!("Q{q} {year}"));
    }
    if let Some(h) = rest.strip_prefix('H') {
        return L::new(format!("{h}. halvår {year}"), format!("H{h} {year}"));
    }
    match rest.parse::<usize>() {
        Ok(m @ 1..=12) => L::new(
            format!("{} {year}", MONTHS_NB[m - 1]),
            format!("{} {year}", MONTHS_EN[m - 1]),
        ),
        _ => L::same(key),
    }
}

fn kind_label(code: &str) -> L {
    match AgencyKind::from_code(code) {
        Some(k) => L::new(cap(k.label(Lang::Nb)), cap(k.label(Lang::En))),
        None => L::same(code),
    }
}

/// The figures for the period: referrals received in it (by quarter), and months in
/// operation up to the end of the period (or today) over every referral before then.
pub fn figures(i: &ReferralsInput) -> ReferralReport {
    let in_period: Vec<ReportRow> = i
        .rows
        .iter()
        .filter(|r| r.received_on >= i.from && r.received_on <= i.to)
        .cloned()
        .collect();
    let end = i.to.min(i.today);
    let mut rep = compute(&in_period, None, ReportPeriod::Quarter, end);
    let start = i
        .started_on
        .or_else(|| i.rows.iter().map(|r| r.received_on).min());
    rep.started_on = start;
    rep.by_months_in_operation = start
        .filter(|s| *s <= end)
        .map_or_else(Vec::new, |s| super::by_months(&i.rows, s, end));
    rep
}

fn by_kind(r: &ReferralReport) -> Section {
    let total: i64 = r.periods.iter().map(|p| p.total).sum();
    let count = |k: &str| {
        r.periods
            .iter()
            .map(|p| p.by_kind.get(k).copied().unwrap_or(0))
            .sum::<i64>()
    };
    let mut rows: Vec<Vec<Cell>> = r
        .kinds
        .iter()
        .map(|k| {
            let n = count(k);
            vec![
                Cell::text(kind_label(k)),
                Cell::people(n),
                Cell::Percent { num: n, den: total },
            ]
        })
        .collect();
    let chart = Chart {
        title: t(
            "Henvisninger etter type henviser",
            "Referrals by kind of referrer",
        ),
        kind: ChartKind::Bar,
        categories: r.kinds.iter().map(|k| kind_label(k)).collect(),
        series: vec![Series {
            name: t("Henvisninger", "Referrals"),
            values: r.kinds.iter().map(|k| Some(count(k) as f64)).collect(),
        }],
        people: true,
        reference: None,
        table_id: "referrals.by_kind".into(),
    };
    rows.push(total_row(total));
    let quarters: Vec<Vec<Cell>> = r
        .periods
        .iter()
        .map(|p| {
            vec![
                Cell::text(period_label(&p.period)),
                Cell::people(p.total),
                Cell::plain(p.distinct_agencies),
                Cell::plain(p.cumulative_agencies),
            ]
        })
        .collect();
    Section {
        title: t("Henvisninger", "Referrals"),
        intro: Some(t(
            "Henvisninger mottatt i perioden, etter type henviser og per kvartal. Instanser er organisasjoner i registeret (fastlege, NAV, boligkontor, DPS og så videre); pårørende og personen selv regnes ikke som instanser.",
            "Referrals received in the period, by kind of referrer and by quarter. Agencies are organisations in the register (GP, NAV, housing office, DPS and so on); relatives and the person themselves are not counted as agencies.",
        )),
        person_level: false,
        charts: if r.kinds.is_empty() { vec![] } else { vec![chart] },
        tables: vec![
            Table {
                id: "referrals.by_kind".into(),
                title: t("Etter type henviser", "By kind of referrer"),
                columns: vec![
                    t("Henviser", "Referrer"),
                    t("Henvisninger", "Referrals"),
                    t("Andel", "Share"),
                ],
                rows: if r.kinds.is_empty() { vec![] } else { rows },
                note: None,
            },
            Table {
                id: "referrals.by_quarter".into(),
                title: t("Per kvartal", "By quarter"),
                columns: vec![
                    t("Kvartal", "Quarter"),
                    t("Henvisninger", "Referrals"),
                    t("Ulike instanser i kvartalet", "Different agencies in the quarter"),
                    t("Ulike instanser så langt i perioden", "Different agencies so far in the period"),
                ],
                rows: quarters,
                note: None,
            },
        ],
    }
}

fn months(r: &ReferralReport) -> Section {
    let rows = r
        .by_months_in_operation
        .iter()
        .map(|m| {
            vec![
                Cell::text(L::new(
                    format!("Etter {} måneder", m.months),
                    format!("After {} months", m.months),
                )),
                Cell::plain(m.agencies),
                Cell::people(m.relatives),
                Cell::people(m.self_referrals),
            ]
        })
        .collect();
    Section {
        title: t(
            "Henvisende instanser etter måneder i drift",
            "Referring agencies by months in operation",
        ),
        intro: Some(match r.started_on {
            Some(s) => L::new(
                format!("Regnet fra teamets oppstart {}, over alle henvisninger fram til periodens slutt (eller i dag). Pårørende og personen selv regnes ikke som instanser, men vises som antall henvisninger i egne kolonner.", s.format("%d.%m.%Y")),
                format!("Counted from the team's start on {}, over every referral up to the end of the period (or today). Relatives and the person themselves are not counted as agencies but shown as numbers of referrals in their own columns.", s.format("%Y-%m-%d")),
            ),
            None => t(
                "Teamet har ingen henvisninger og ingen startdato.",
                "The team has no referrals and no start date.",
            ),
        }),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "referrals.months".into(),
            title: t("Etter måneder i drift", "By months in operation"),
            columns: vec![
                t("Måneder i drift", "Months in operation"),
                t("Ulike instanser", "Different agencies"),
                t("Fra pårørende", "From relatives"),
                t("Fra personen selv", "From the person themselves"),
            ],
            rows,
            note: None,
        }],
    }
}

fn decisions(r: &ReferralReport) -> Section {
    let n = r.days_to_decision.as_ref().map_or(0, |s| s.n as i64);
    let days = match &r.days_to_decision {
        Some(s) => vec![
            vec![
                Cell::text(t("Median", "Median")),
                Cell::decimal_of(Some(s.median), n),
            ],
            vec![
                Cell::text(t("Snitt", "Mean")),
                Cell::decimal_of(Some(s.mean), n),
            ],
            vec![
                Cell::text(t("Spredning", "Range")),
                Cell::Range {
                    min: s.min,
                    max: s.max,
                    n: Some(n),
                },
            ],
            vec![
                Cell::text(t("Vedtak regnet med", "Decisions counted")),
                Cell::people(n),
            ],
        ],
        None => vec![],
    };
    let outcomes = outcome_rows(|o| r.outcomes.get(o.code()).copied().unwrap_or(0));
    Section {
        title: t("Inntaksbeslutninger", "Intake decisions"),
        intro: Some(t(
            "Beslutninger om henvisningene som kom inn i perioden.",
            "Decisions on the referrals received in the period.",
        )),
        person_level: false,
        charts: vec![],
        tables: vec![
            Table {
                id: "referrals.days".into(),
                title: t(
                    "Dager fra henvisning til inntaksbeslutning",
                    "Days from referral to decision",
                ),
                columns: vec![t("", ""), t("Dager", "Days")],
                rows: days,
                note: None,
            },
            Table {
                id: "referrals.outcomes".into(),
                title: t("Etter utfall", "By outcome"),
                columns: vec![
                    t("Utfall", "Outcome"),
                    t("Beslutninger", "Decisions"),
                    t("Andel", "Share"),
                ],
                rows: outcomes,
                note: None,
            },
        ],
    }
}

fn target_group(r: &ReferralReport) -> Section {
    Section {
        title: t("Målgruppe og ordinære tjenester", "Target group and ordinary services"),
        intro: Some(t(
            "Tilbud om hjelp: tatt inn på et innsatsnivå (også veiledning). Henvist: alle henvisninger i perioden. Tjenester etablert: ved inntaket eller senere i forløpet.",
            "Offered help: accepted at a level of effort (guidance included). Referred: every referral in the period. Services established: at intake or later in the course.",
        )),
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "referrals.target_group".into(),
            title: t("Tallene teamene rapporterer", "The figures the teams report"),
            columns: vec![t("", ""), t("Andel", "Share")],
            rows: vec![
                vec![
                    Cell::text(t(
                        "Av dem som fikk tilbud om hjelp fra teamet: i målgruppen",
                        "Of those offered help by the team: in the target group",
                    )),
                    Cell::Percent {
                        num: r.offered_help_in_target_group,
                        den: r.offered_help,
                    },
                ],
                vec![
                    Cell::text(t(
                        "Av dem som ble henvist: fikk etablert eller reetablert tilbud i ordinære tjenester",
                        "Of those referred: got ordinary services established or re-established",
                    )),
                    Cell::Percent {
                        num: r.services_established,
                        den: r.referred,
                    },
                ],
                vec![
                    Cell::text(t(
                        "Av alle vurderte henvisninger: i målgruppen",
                        "Of every assessed referral: in the target group",
                    )),
                    Cell::Percent {
                        num: r.in_target_group,
                        den: r.assessed,
                    },
                ],
            ],
            note: None,
        }],
    }
}

/// The report's title, definitions and sections.
pub fn build(i: &ReferralsInput) -> (L, Vec<L>, Vec<Section>) {
    let r = figures(i);
    let mut definitions = defs::common();
    definitions.extend([
        t(
            "Henvisninger telles etter mottaksdato: de som kom inn i perioden. Beslutningene, dagene til beslutning, målgruppen og tjenestene gjelder de samme henvisningene.",
            "Referrals are counted by the day received: those received in the period. The decisions, days to decision, target group and services are those of the same referrals.",
        ),
        t(
            "Dager til beslutning: beslutningsdato minus mottaksdato, for henvisningene som har en beslutning.",
            "Days to decision: the day decided minus the day received, for the referrals with a decision.",
        ),
        t(
            "Ulike instanser så langt i perioden: ulike registrerte instanser som har henvist fra periodens start til og med kvartalet. Måneder i drift: hele måneder fra teamets startdato (ellers første henvisning), hver sjette måned og til slutt hele måneder til periodens slutt (eller i dag), over alle henvisninger.",
            "Different agencies so far in the period: different registered agencies that referred from the start of the period up to and including the quarter. Months in operation: whole months from the team's start date (else the first referral), every six months and last the whole months to the end of the period (or today), over every referral.",
        ),
        t(
            "Andel i målgruppen = henvisninger med tilbud om hjelp (tatt inn på et nivå eller veiledning) som ble vurdert i målgruppen / henvisninger med tilbud om hjelp. Andel med ordinære tjenester = henvisninger der minst ett ordinært tilbud ble etablert eller reetablert / alle henvisninger.",
            "Share in the target group = referrals offered help (accepted at a level or guidance) assessed as in the target group / referrals offered help. Share with ordinary services = referrals for which at least one ordinary service was established or re-established / every referral.",
        ),
    ]);
    let mut sections = vec![by_kind(&r)];
    sections.push(months(&r));
    sections.push(decisions(&r));
    sections.push(target_group(&r));
    (
        t("Henvisninger og inntak", "Referrals and intake"),
        definitions,
        sections,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::reports::tests::d;

    /// A referral, decided on a day with an outcome (in the target group when accepted).
    fn row(on: &str, kind: &str, agency: Option<u128>, decided: Option<(&str, &str)>) -> ReportRow {
        let mut r = crate::reports::tests::row(on, kind, agency);
        r.decided_on = decided.map(|x| d(x.0));
        r.outcome = decided.map(|x| x.1.to_string());
        r.in_target_group = decided.map(|x| x.1 == "accepted");
        r
    }

    #[test]
    fn hand_computed_referrals_of_a_period() {
        let i = ReferralsInput {
            from: d("2026-01-01"),
            to: d("2026-06-30"),
            today: d("2026-12-01"),
            started_on: Some(d("2025-07-01")),
            rows: vec![
                row("2025-08-01", "gp", Some(1), None), // before the period
                row(
                    "2026-01-10",
                    "gp",
                    Some(1),
                    Some(("2026-01-20", "accepted")),
                ), // 10 days
                row(
                    "2026-02-01",
                    "nav",
                    Some(2),
                    Some(("2026-02-05", "declined")),
                ), // 4 days
                row(
                    "2026-04-02",
                    "gp",
                    Some(3),
                    Some(("2026-04-09", "accepted")),
                ), // 7 days
                row("2026-05-01", "relative", None, None),
                row("2026-07-01", "gp", Some(4), None), // after the period
            ],
        };
        let (_, _, s) = build(&i);
        // By kind: gp 2, nav 1, relative 1; total 4.
        let kinds = &s[0].tables[0].rows;
        assert_eq!(kinds.len(), 4);
        assert_eq!(kinds[0][1], Cell::people(2));
        assert_eq!(kinds[0][2], Cell::Percent { num: 2, den: 4 });
        assert_eq!(kinds[3][1], Cell::people(4));
        // Quarters: Q1 2 referrals, 2 agencies; Q2 2 referrals, 1 agency (gp 3), 3 so far.
        let q = &s[0].tables[1].rows;
        assert_eq!(q.len(), 2);
        assert_eq!(q[0][0], Cell::text(L::new("1. kvartal 2026", "Q1 2026")));
        assert_eq!(q[0][1..], [Cell::people(2), Cell::plain(2), Cell::plain(2)]);
        assert_eq!(q[1][1..], [Cell::people(2), Cell::plain(1), Cell::plain(3)]);
        // Months in operation from 2025-07-01 to 2026-06-30: 6 (before 2026-01-01: gp 1) and
        // 11 whole months (to 30 June: gp 1, nav 2, gp 3 and the relative).
        let m = &s[1].tables[0].rows;
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[0][1..],
            [Cell::plain(1), Cell::people(0), Cell::people(0)]
        );
        assert_eq!(
            m[1][0],
            Cell::text(L::new("Etter 11 måneder", "After 11 months"))
        );
        assert_eq!(
            m[1][1..],
            [Cell::plain(3), Cell::people(1), Cell::people(0)]
        );
        // Days to decision 4, 7, 10: median 7, mean 7, range 4–10, 3 decisions.
        let days = &s[2].tables[0].rows;
        assert_eq!(days[0][1], Cell::decimal_of(Some(7.0), 3));
        assert_eq!(days[1][1], Cell::decimal_of(Some(7.0), 3));
        assert_eq!(
            days[2][1],
            Cell::Range {
                min: 4.0,
                max: 10.0,
                n: Some(3)
            }
        );
        // Outcomes: accepted 2 of 3, declined 1.
        let o = &s[2].tables[1].rows;
        assert_eq!(
            o[0][1..],
            [Cell::people(2), Cell::Percent { num: 2, den: 3 }]
        );
        assert_eq!(o.last().unwrap()[1], Cell::people(3));
        // Offered help: the 2 accepted, both in the target group; referred 4, none with
        // services; assessed 3, 2 in the target group.
        let tg = &s[3].tables[0].rows;
        assert_eq!(tg[0][1], Cell::Percent { num: 2, den: 2 });
        assert_eq!(tg[1][1], Cell::Percent { num: 0, den: 4 });
        assert_eq!(tg[2][1], Cell::Percent { num: 2, den: 3 });
    }

    #[test]
    fn no_referrals() {
        let i = ReferralsInput {
            from: d("2026-01-01"),
            to: d("2026-06-30"),
            today: d("2026-12-01"),
            started_on: None,
            rows: vec![],
        };
        let (_, _, s) = build(&i);
        assert!(s[0].tables[0].rows.is_empty());
        assert!(s[0].charts.is_empty());
        assert!(s[1].tables[0].rows.is_empty());
        assert!(s[2].tables[0].rows.is_empty());
        assert_eq!(s[3].tables[0].rows[0][1], Cell::Percent { num: 0, den: 0 });
    }

    #[test]
    fn labels() {
        assert_eq!(period_label("2026-Q1").nb, "1. kvartal 2026");
        assert_eq!(period_label("2026-H2").en, "H2 2026");
        assert_eq!(period_label("2026-03").nb, "mars 2026");
        assert_eq!(period_label("2026").nb, "2026");
    }
}
