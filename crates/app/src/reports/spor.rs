//! The SPoR survey report (`004`): participants by municipality; age and years of contact as
//! median, mean and range; each 1–9 question as "Median / Snitt / Spredning"; and the free-text
//! answers by question (person-level: only in the team's own HTML and PDF).

use std::collections::BTreeMap;

use benk_domain::{summary, Cell, Chart, ChartKind, Section, Series, Table, L, SPOR_QUESTIONS};

use super::defs;

/// One interview as the report sees it: no name, no id.
#[derive(Debug, Clone, PartialEq)]
pub struct SporInput {
    /// The round's name.
    pub round: String,
    /// Where the person lives.
    pub municipality: String,
    /// Age as given.
    pub age: i64,
    /// Years of contact as given.
    pub contact_years: i64,
    /// Answers: (question 1–20, score on the 1–9 scale, text).
    pub answers: Vec<(i64, Option<f64>, Option<String>)>,
}

fn summary_row(label: L, values: &[f64]) -> Vec<Cell> {
    let n = values.len() as i64;
    let s = summary(values);
    vec![
        Cell::text(label),
        Cell::people(n),
        Cell::decimal_of(s.map(|s| s.median), n),
        Cell::decimal_of(s.map(|s| s.mean), n),
        match s {
            Some(s) => Cell::Range {
                min: s.min,
                max: s.max,
                n: Some(n),
            },
            None => Cell::Empty,
        },
    ]
}

fn summary_columns(first: L) -> Vec<L> {
    vec![
        first,
        L::new("Antall", "Number"),
        L::new("Median", "Median"),
        L::new("Snitt", "Mean"),
        L::new("Spredning", "Range"),
    ]
}

/// The report's title, definitions and sections.
pub fn build(interviews: &[SporInput]) -> (L, Vec<L>, Vec<Section>) {
    let n = interviews.len() as i64;
    let mut rounds: Vec<&str> = interviews.iter().map(|i| i.round.as_str()).collect();
    rounds.dedup();
    let mut munis: BTreeMap<&str, i64> = BTreeMap::new();
    for i in interviews {
        *munis.entry(i.municipality.as_str()).or_default() += 1;
    }
    let mut muni_rows: Vec<Vec<Cell>> = munis
        .iter()
        .map(|(m, c)| {
            vec![
                Cell::same(*m),
                Cell::people(*c),
                Cell::Percent { num: *c, den: n },
            ]
        })
        .collect();
    muni_rows.push(vec![
        Cell::text(L::new("I alt", "Total")),
        Cell::people(n),
        Cell::Percent { num: n, den: n },
    ]);
    let participants = Section {
        title: L::new("Deltakere", "Participants"),
        intro: Some(L::new(
            format!(
                "{n} intervjuer i perioden{}.",
                if rounds.is_empty() {
                    String::new()
                } else {
                    format!(" (runde: {})", rounds.join(", "))
                }
            ),
            format!(
                "{n} interviews in the period{}.",
                if rounds.is_empty() {
                    String::new()
                } else {
                    format!(" (round: {})", rounds.join(", "))
                }
            ),
        )),
        person_level: false,
        charts: vec![Chart {
            title: L::new("Deltakere etter kommune", "Participants by municipality"),
            kind: ChartKind::Bar,
            categories: munis.keys().map(|m| L::same(*m)).collect(),
            series: vec![Series {
                name: L::new("Deltakere", "Participants"),
                values: munis.values().map(|c| Some(*c as f64)).collect(),
            }],
            people: true,
            reference: None,
            table_id: "spor.municipalities".into(),
        }],
        tables: vec![Table {
            id: "spor.municipalities".into(),
            title: L::new("Deltakere etter kommune", "Participants by municipality"),
            columns: vec![
                L::new("Kommune", "Municipality"),
                L::new("Deltakere", "Participants"),
                L::new("Andel av deltakerne", "Share of participants"),
            ],
            rows: muni_rows,
            note: None,
        }],
    };
    let ages: Vec<f64> = interviews.iter().map(|i| i.age as f64).collect();
    let years: Vec<f64> = interviews.iter().map(|i| i.contact_years as f64).collect();
    let background = Section {
        title: L::new("Alder og kontakttid", "Age and years of contact"),
        intro: None,
        person_level: false,
        charts: vec![],
        tables: vec![Table {
            id: "spor.background".into(),
            title: L::new(
                "Alder og år i kontakt med tjenestene",
                "Age and years of contact with the services",
            ),
            columns: summary_columns(L::new("", "")),
            rows: vec![
                summary_row(L::new("Alder (år)", "Age (years)"), &ages),
                summary_row(
                    L::new(
                        "År i kontakt med tjenestene",
                        "Years of contact with the services",
                    ),
                    &years,
                ),
            ],
            note: None,
        }],
    };
    let scale: Vec<_> = SPOR_QUESTIONS.iter().filter(|q| q.scale).collect();
    let mut q_rows = Vec::new();
    let mut medians = Vec::new();
    let mut means = Vec::new();
    for q in &scale {
        let vals: Vec<f64> = interviews
            .iter()
            .flat_map(|i| i.answers.iter())
            .filter(|a| a.0 == i64::from(q.number))
            .filter_map(|a| a.1)
            .collect();
        let s = summary(&vals);
        medians.push(s.map(|s| s.median));
        means.push(s.map(|s| s.mean));
        q_rows.push(summary_row(
            L::new(
                format!("{}. {}", q.number, q.nb),
                format!("{}. {}", q.number, q.en),
            ),
            &vals,
        ));
    }
    let questions = Section {
        title: L::new("Spørsmål med skala 1–9", "Questions on the 1–9 scale"),
        intro: Some(L::new(
            "Median / Snitt / Spredning for hvert spørsmål, som i SPoR-rapporten. 1 er dårligst og 9 best.",
            "Median / mean / range for each question, as in the SPoR report. 1 is the worst and 9 the best.",
        )),
        person_level: false,
        charts: vec![Chart {
            title: L::new("Median og snitt per spørsmål", "Median and mean per question"),
            kind: ChartKind::GroupedBar,
            categories: scale
                .iter()
                .map(|q| L::new(format!("Spm. {}", q.number), format!("Q {}", q.number)))
                .collect(),
            series: vec![
                Series {
                    name: L::new("Median", "Median"),
                    values: medians,
                },
                Series {
                    name: L::new("Snitt", "Mean"),
                    values: means,
                },
            ],
            people: false,
            reference: None,
            table_id: "spor.questions".into(),
        }],
        tables: vec![Table {
            id: "spor.questions".into(),
            title: L::new("Svar på skala 1–9", "Answers on the 1–9 scale"),
            columns: summary_columns(L::new("Spørsmål", "Question")),
            rows: q_rows,
            note: None,
        }],
    };
    let mut text_tables = Vec::new();
    for q in SPOR_QUESTIONS.iter().filter(|q| !q.scale) {
        let rows: Vec<Vec<Cell>> = interviews
            .iter()
            .flat_map(|i| i.answers.iter())
            .filter(|a| a.0 == i64::from(q.number))
            .filter_map(|a| a.2.as_deref())
            .filter(|t| !t.trim().is_empty())
            .map(|t| vec![Cell::same(t.trim())])
            .collect();
        if !rows.is_empty() {
            text_tables.push(Table {
                id: format!("spor.text.q{}", q.number),
                title: L::new(
                    format!("{}. {}", q.number, q.nb),
                    format!("{}. {}", q.number, q.en),
                ),
                columns: vec![L::new("Svar", "Answer")],
                rows,
                note: None,
            });
        }
    }
    let free_text = Section {
        title: L::new("Fritekstsvar", "Free-text answers"),
        intro: Some(L::new(
            "Svarene med egne ord, uten navn. De er opplysninger på personnivå og vises bare i teamets egen visning og PDF, aldri i XLSX, CSV eller på tvers av team.",
            "The answers in the people's own words, without names. They are person-level and appear only in the team's own view and PDF, never in XLSX, CSV or across teams.",
        )),
        person_level: true,
        charts: vec![],
        tables: text_tables,
    };
    let mut definitions = defs::common();
    definitions.push(L::new(
        "Utvalg: intervjuene teamet har registrert med intervjudato i perioden. Alder og år i kontakt er slik personen oppga dem ved intervjuet. Et spørsmål som ikke ble besvart, telles ikke med for det spørsmålet (antall viser hvor mange som svarte).",
        "Who is counted: the interviews the team recorded with an interview date in the period. Age and years of contact are as the person gave them at the interview. A question not answered is left out for that question (the number shows how many answered).",
    ));
    definitions.push(L::new(
        "Spredning er laveste og høyeste verdi. Svar med halve poeng (1,5) er tatt med som de ble gitt.",
        "Range is the lowest and highest value. Half-point answers (1.5) are counted as given.",
    ));
    (
        L::new("SPoR brukerundersøkelse", "SPoR user survey"),
        definitions,
        vec![participants, background, questions, free_text],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(m: &str, age: i64, years: i64, q1: f64, text: Option<&str>) -> SporInput {
        SporInput {
            round: "Høst".into(),
            municipality: m.into(),
            age,
            contact_years: years,
            answers: vec![(1, Some(q1), None), (2, None, text.map(String::from))],
        }
    }

    #[test]
    fn hand_computed_round() {
        // Ages 21, 37, 40, 52: median (37 + 40) / 2 = 38.5, mean 150 / 4 = 37.5.
        // Q1: 1.5, 5, 5, 8: median 5 (a tie in the middle), mean 19.5 / 4 = 4.875.
        let ivs = [
            iv("Larvik", 21, 2, 1.5, Some("fastlegen")),
            iv("Tønsberg", 37, 17, 5.0, None),
            iv("Larvik", 40, 16, 5.0, Some("NAV")),
            iv("Nøtterøy", 52, 25, 8.0, None),
        ];
        let (_, _, s) = build(&ivs);
        let munis = &s[0].tables[0].rows;
        assert_eq!(munis[0][0], Cell::same("Larvik"));
        assert_eq!(munis[0][1], Cell::people(2));
        assert_eq!(munis[0][2], Cell::Percent { num: 2, den: 4 });
        assert_eq!(munis[3][1], Cell::people(4));
        let age = &s[1].tables[0].rows[0];
        assert_eq!(age[2], Cell::decimal_of(Some(38.5), 4));
        assert_eq!(age[3], Cell::decimal_of(Some(37.5), 4));
        assert_eq!(
            age[4],
            Cell::Range {
                min: 21.0,
                max: 52.0,
                n: Some(4)
            }
        );
        let q1 = &s[2].tables[0].rows[0];
        assert_eq!(q1[1], Cell::people(4));
        assert_eq!(q1[2], Cell::decimal_of(Some(5.0), 4));
        assert_eq!(q1[3], Cell::decimal_of(Some(4.875), 4));
        // Question 3 was not answered: nothing to compute.
        assert_eq!(s[2].tables[0].rows[1][1], Cell::people(0));
        assert_eq!(s[2].tables[0].rows[1][2], Cell::decimal_of(None, 0));
        assert!(s[3].person_level);
        assert_eq!(s[3].tables.len(), 1);
        assert_eq!(s[3].tables[0].rows.len(), 2);
    }

    #[test]
    fn no_data() {
        let (_, _, s) = build(&[]);
        assert_eq!(s[0].tables[0].rows.len(), 1); // only the total
        assert_eq!(s[0].tables[0].rows[0][1], Cell::people(0));
        assert_eq!(s[1].tables[0].rows[0][4], Cell::Empty);
        assert!(s[3].tables.is_empty());
    }
}
