//! Teams side by side: the activity report's headline figures per team, a column per team, for
//! every team of the installation. Aggregates only; small numbers are always hidden (with the
//! strictest threshold of the teams), on the page too: the reader is not a member of every team.

use benk_domain::{Cell, Section, Table, L};

use super::activity::{self, ActivityInput};
use super::defs;

/// The report's title, definitions and sections, from each team's name and activity input.
pub fn build(teams: &[(String, ActivityInput)]) -> (L, Vec<L>, Vec<Section>) {
    let figures: Vec<Vec<(L, Cell)>> = teams.iter().map(|(_, i)| activity::figures(i)).collect();
    let labels: Vec<L> = figures
        .first()
        .map(|f| f.iter().map(|(l, _)| l.clone()).collect())
        .unwrap_or_default();
    let mut columns = vec![L::new("Tall", "Figure")];
    columns.extend(teams.iter().map(|(name, _)| L::same(name.clone())));
    let rows = labels
        .iter()
        .enumerate()
        .map(|(k, label)| {
            let mut row = vec![Cell::text(label.clone())];
            row.extend(figures.iter().map(|f| f[k].1.clone()));
            row
        })
        .collect();
    let mut definitions = defs::common();
    definitions.push(L::new(
        "Hvert tall er det samme som i teamets aktivitetsrapport for perioden (se definisjonene der). Personer fulgt: ulike personer med et forløp som var åpent en dag i perioden. Saksmengde mot norm: hvor mange teamets medarbeidere er koordinator for i dag / summen av normene for stillingsandelene.",
        "Each figure is the same as in the team's activity report for the period (see the definitions there). People followed: different people with a course open on some day of the period. Caseload against the norm: how many people the team's workers are coordinator for today / the sum of the norms for their position shares.",
    ));
    definitions.push(L::new(
        "Små tall skjules alltid i denne rapporten, også på skjermen, med den strengeste grensen av teamenes (hvert team setter sin egen). Tabellen har ingen summer på tvers av team.",
        "Small numbers are always hidden in this report, on the screen too, with the strictest of the teams' thresholds (each team sets its own). The table has no totals across teams.",
    ));
    (
        L::new("Teamene side om side", "The teams side by side"),
        definitions,
        vec![Section {
            title: L::new("Tall per team", "Figures per team"),
            intro: Some(L::new(
                "Ett team per kolonne. Ingen opplysninger om enkeltpersoner.",
                "One team per column. No information about individuals.",
            )),
            person_level: false,
            charts: vec![],
            tables: vec![Table {
                id: "teams.figures".into(),
                title: L::new("Teamene side om side", "The teams side by side"),
                columns,
                rows,
                note: None,
            }],
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::super::activity::ReferralIn;
    use super::*;
    use benk_domain::ContactKind;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_column_per_team_with_the_activity_figures() {
        let base = ActivityInput {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
            today: d("2027-01-10"),
            ..Default::default()
        };
        let p = |k: u128| Uuid::from_u128(k);
        // Big: 6 people followed (one closed before the period: not counted), 7 referrals,
        // 10 contacts of which 6 out of the office and 8 met.
        let mut big = base.clone();
        big.episodes = (1..=6)
            .map(|k| (p(k), d("2025-06-01"), None))
            .chain([(p(7), d("2025-01-01"), Some(d("2025-12-31")))])
            .collect();
        big.referrals = (0..7)
            .map(|k| ReferralIn {
                received_on: d("2026-03-01") + chrono::Days::new(k),
                agency_kind: "gp".into(),
                agency_id: Some(p(100 + u128::from(k))),
                decided_on: Some(d("2026-04-01")),
                outcome: Some(if k < 5 { "accepted" } else { "declined" }.into()),
            })
            .collect();
        big.contacts = (0..10)
            .map(|k| {
                let kind = if k < 6 {
                    ContactKind::HomeVisit
                } else {
                    ContactKind::Office
                };
                (p(1), d("2026-05-01"), kind, k < 8)
            })
            .collect();
        // Small: 2 people, 1 referral, no contacts.
        let mut small = base.clone();
        small.episodes = vec![
            (p(20), d("2026-02-01"), None),
            (p(21), d("2026-11-30"), None),
        ];
        small.referrals = vec![ReferralIn {
            received_on: d("2026-02-01"),
            agency_kind: "relative".into(),
            agency_id: None,
            decided_on: None,
            outcome: None,
        }];
        let (_, _, s) = build(&[("Stor".into(), big), ("Liten".into(), small)]);
        let t = &s[0].tables[0];
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.columns[2].nb, "Liten");
        let row = |nb: &str| {
            t.rows
                .iter()
                .find(|r| matches!(&r[0], Cell::Text { text } if text.nb == nb))
                .unwrap_or_else(|| panic!("{nb}"))[1..]
                .to_vec()
        };
        assert_eq!(
            row("Personer fulgt i perioden"),
            [Cell::people(6), Cell::people(2)]
        );
        assert_eq!(row("Henvisninger"), [Cell::people(7), Cell::people(1)]);
        assert_eq!(row("Vedtak: tatt inn"), [Cell::people(5), Cell::people(0)]);
        assert_eq!(row("Vedtak i alt"), [Cell::people(7), Cell::people(0)]);
        assert_eq!(row("Kontakter"), [Cell::people(10), Cell::people(0)]);
        assert_eq!(
            row("Andel kontakter ute av kontoret"),
            [
                Cell::Percent { num: 6, den: 10 },
                Cell::Percent { num: 0, den: 0 }
            ]
        );
        assert_eq!(
            row("Andel kontakter truffet"),
            [
                Cell::Percent { num: 8, den: 10 },
                Cell::Percent { num: 0, den: 0 }
            ]
        );
        // Suppressed with threshold 5: the small team's 2 people and 1 referral, and the big
        // team's 2 declined.
        let hidden = t.suppressed(5);
        let at = |r: usize, c: usize| hidden.rows[r][c].clone();
        assert_eq!(at(0, 1), Cell::people(6));
        assert_eq!(at(0, 2), Cell::Suppressed);
        assert_eq!(at(1, 2), Cell::Suppressed);
        assert!(t.total_lines().is_empty());
    }

    #[test]
    fn no_teams() {
        let (_, _, s) = build(&[]);
        assert!(s[0].tables[0].rows.is_empty());
        assert_eq!(s[0].tables[0].columns.len(), 1);
    }
}
