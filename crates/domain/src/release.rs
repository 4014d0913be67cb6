//! The release memory (issue 11): differencing across periods.
//!
//! A report for January–June minus one for January–May gives June, whose small numbers the
//! suppression of each report was meant to hide. Every released copy of a report (a file, the
//! API's data, the teams side by side) is remembered as the numbers it showed, by cell; a new
//! release withholds (":") every number whose difference from the same cell of an earlier
//! release of the same report, team and options is a small number, where the two periods
//! differ by one contiguous period (one contains the other and they start or end on the same
//! day). Only numbers that were shown are remembered: nothing about a person, nothing a reader
//! of the earlier release did not already have.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::report::{Cell, CellRef, Report, Table};

/// The numbers a released copy showed, by cell key (`table/row/column`; a percentage gives two,
/// `…/num` and `…/den`).
pub type Shown = BTreeMap<String, i64>;

/// An earlier release: its period and the numbers it showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// What it showed.
    pub shown: Shown,
}

/// The key of a cell: the table's id, the row's label (its first cell's Norwegian text, or
/// `#row`) and the column's heading (or `#column`). Labels rather than positions, so that the
/// month 2026-03 of a January–June report meets the same month of a January–May one.
pub fn cell_key(table: &Table, row: usize, col: usize) -> String {
    let r = match table.rows.get(row).and_then(|r| r.first()) {
        Some(Cell::Text { text }) if !text.nb.is_empty() => text.nb.clone(),
        _ => format!("#{row}"),
    };
    let c = match table.columns.get(col) {
        Some(h) if !h.nb.is_empty() => h.nb.clone(),
        _ => format!("#{col}"),
    };
    format!("{}/{r}/{c}", table.id)
}

/// The numbers of people a copy shows: every count of people and every percentage's
/// numerator and denominator that is not hidden.
pub fn shown(copy: &Report) -> Shown {
    let mut out = Shown::new();
    for table in copy.tables() {
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Count { n, people: true } => {
                        out.insert(cell_key(table, r, c), *n);
                    }
                    Cell::Percent { num, den } => {
                        let k = cell_key(table, r, c);
                        out.insert(format!("{k}/num"), *num);
                        out.insert(format!("{k}/den"), *den);
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// Whether two periods differ by one contiguous period: one contains the other, they are not
/// the same, and they start or end on the same day (January–June and January–May differ by
/// June; January–June and February–May by two periods, whose counts a difference mixes).
pub fn differ_by_one_period(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a != b && (a.0 == b.0 || a.1 == b.1)
}

/// The cells of `copy` (a suppressed copy about to be released) to withhold: a number shown
/// whose difference from the same cell of an earlier release, over a period that differs from
/// this one by one contiguous period ([`differ_by_one_period`]), is from 1 to threshold − 1
/// either way. A percentage is withheld when its numerator's or its denominator's difference
/// is. Sorted, without repeats.
pub fn to_withhold(copy: &Report, earlier: &[Release]) -> Vec<CellRef> {
    let period = (copy.from, copy.to);
    let against: Vec<&Release> = earlier
        .iter()
        .filter(|e| differ_by_one_period(period, (e.from, e.to)))
        .collect();
    let small = |key: &str, n: i64| {
        against.iter().any(|e| {
            e.shown
                .get(key)
                .is_some_and(|old| Cell::is_small((n - old).abs(), copy.threshold))
        })
    };
    let mut out = Vec::new();
    if against.is_empty() {
        return out;
    }
    for table in copy.tables() {
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let hit = match cell {
                    Cell::Count { n, people: true } => small(&cell_key(table, r, c), *n),
                    Cell::Percent { num, den } => {
                        let k = cell_key(table, r, c);
                        small(&format!("{k}/num"), *num) || small(&format!("{k}/den"), *den)
                    }
                    _ => false,
                };
                if hit {
                    out.push(CellRef {
                        table: table.id.clone(),
                        row: r,
                        col: c,
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Audience, Section, L};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn report(from: &str, to: &str, june: i64) -> Report {
        let row = |label: &str, n: i64| vec![Cell::same(label), Cell::people(n)];
        Report {
            name: "activity".into(),
            title: L::same("A"),
            team: "T".into(),
            from: d(from),
            to: d(to),
            made_on: d("2026-07-01"),
            definitions: vec![],
            sections: vec![Section {
                title: L::same("S"),
                intro: None,
                person_level: false,
                charts: vec![],
                tables: vec![Table {
                    id: "kinds".into(),
                    title: L::same("k"),
                    columns: vec![L::same("Type"), L::same("Kontakter")],
                    rows: vec![
                        row("home", 40 + june),
                        row("office", 30),
                        vec![
                            Cell::same("share"),
                            Cell::Percent {
                                num: 40 + june,
                                den: 70 + june,
                            },
                        ],
                    ],
                    note: None,
                }],
            }],
            threshold: 5,
            suppressed: false,
            person_level_removed: false,
            withhold: vec![],
        }
    }

    #[test]
    fn periods_that_differ_by_one_period() {
        let p = |a: &str, b: &str| (d(a), d(b));
        let jan_jun = p("2026-01-01", "2026-06-30");
        assert!(differ_by_one_period(jan_jun, p("2026-01-01", "2026-05-31")));
        assert!(differ_by_one_period(jan_jun, p("2026-02-01", "2026-06-30")));
        assert!(differ_by_one_period(p("2026-01-01", "2026-05-31"), jan_jun));
        assert!(!differ_by_one_period(jan_jun, jan_jun));
        // Two pieces (January and June) mixed in one difference; overlapping periods.
        assert!(!differ_by_one_period(
            jan_jun,
            p("2026-02-01", "2026-05-31")
        ));
        assert!(!differ_by_one_period(
            jan_jun,
            p("2026-03-01", "2026-08-31")
        ));
    }

    #[test]
    fn a_small_difference_from_a_nested_release_is_withheld() {
        // January–June released showing home 42 (share 42/72); January–May shows 40 (40/70):
        // June's home visits are 2, a small number. Home and the share are withheld; office
        // (30 in both) stays.
        let jan_jun = report("2026-01-01", "2026-06-30", 2).for_audience(Audience::Aggregate);
        let earlier = [Release {
            from: jan_jun.from,
            to: jan_jun.to,
            shown: shown(&jan_jun),
        }];
        assert_eq!(earlier[0].shown["kinds/home/Kontakter"], 42);
        assert_eq!(earlier[0].shown["kinds/share/Kontakter/den"], 72);
        let jan_may = report("2026-01-01", "2026-05-31", 0);
        let w = to_withhold(&jan_may.for_audience(Audience::Aggregate), &earlier);
        let at = |row| CellRef {
            table: "kinds".into(),
            row,
            col: 1,
        };
        assert_eq!(w, vec![at(0), at(2)]);
        // A difference of 0 or of the threshold is shown.
        for june in [0, 5] {
            let jan_jun = report("2026-01-01", "2026-06-30", june);
            let earlier = [Release {
                from: jan_jun.from,
                to: jan_jun.to,
                shown: shown(&jan_jun.for_audience(Audience::Aggregate)),
            }];
            assert!(to_withhold(&jan_may, &earlier).is_empty(), "june {june}");
        }
        // Against a release for a period differing by two pieces, or the same period: nothing.
        for (from, to) in [("2025-12-01", "2026-06-30"), ("2026-01-01", "2026-05-31")] {
            let mut other = earlier[0].clone();
            other.from = d(from);
            other.to = d(to);
            assert!(to_withhold(&jan_may, &[other]).is_empty(), "{from}..{to}");
        }
        // A number hidden in the earlier release is not remembered.
        let mut hidden = earlier[0].clone();
        hidden.shown.remove("kinds/home/Kontakter");
        hidden.shown.remove("kinds/share/Kontakter/num");
        hidden.shown.remove("kinds/share/Kontakter/den");
        assert!(to_withhold(&jan_may, &[hidden]).is_empty());
    }
}
