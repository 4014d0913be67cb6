//! The report model (issue 11): what every team report produces, so that every format (HTML,
//! PDF, XLSX, CSV, JSON) renders the same numbers.
//!
//! A report has a title, a period, its statistical definitions as text in both languages, and
//! sections of tables and charts. Cells are typed (a count, a percentage with its numerator and
//! denominator, a decimal shown with one decimal, a text) and each number knows whether it is a
//! count of people subject to small-number suppression. [`Report::for_export`] applies the
//! team's threshold and drops the person-level sections; the renderers only draw.

use chrono::NaiveDate;
use serde::Serialize;

use crate::lang::Lang;

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct L {
    /// Norwegian Bokmål.
    pub nb: String,
    /// English.
    pub en: String,
}

impl L {
    /// A text in both languages.
    pub fn new(nb: impl Into<String>, en: impl Into<String>) -> Self {
        L {
            nb: nb.into(),
            en: en.into(),
        }
    }

    /// The same text in both languages (a name, a number).
    pub fn same(s: impl Into<String>) -> Self {
        let s = s.into();
        L {
            nb: s.clone(),
            en: s,
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::En => &self.en,
        }
    }
}

/// Rounds to one decimal, halves away from zero, on the number's shortest decimal form (so
/// 4.45, stored as 4.4499999…, rounds to 4.5 as a person computing by hand would; 4.25 → 4.3,
/// −4.25 → −4.3).
pub fn round1(v: f64) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let s = format!("{}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (Ok(int), false) = (int.parse::<i128>(), s.contains('e')) else {
        return (v * 10.0).round() / 10.0;
    };
    let digit = |i: usize| i128::from(frac.as_bytes().get(i).map_or(0, |b| b - b'0'));
    let tenths = int * 10 + digit(0) + i128::from(digit(1) >= 5);
    let r = tenths as f64 / 10.0;
    if v < 0.0 {
        -r
    } else {
        r
    }
}

/// A number with one decimal in the language's notation ("40,5" / "40.5").
pub fn fmt1(lang: Lang, v: f64) -> String {
    let s = format!("{:.1}", round1(v));
    let s = if s == "-0.0" { "0.0".to_string() } else { s };
    match lang {
        Lang::Nb => s.replace('.', ",").replace('-', "−"),
        Lang::En => s,
    }
}

/// A percentage `num` of `den`, unrounded; `None` when the denominator is zero.
pub fn percent(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| 100.0 * num as f64 / den as f64)
}

/// One table cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cell {
    /// A count. `people`: a count of people (or of their contacts, referrals…) that small-
    /// number suppression applies to.
    Count {
        /// The number.
        n: i64,
        /// Subject to suppression.
        people: bool,
    },
    /// A percentage with its numerator and denominator (the percentage is 100·num/den, shown
    /// with one decimal). Suppressed when either is a small number.
    Percent {
        /// Numerator.
        num: i64,
        /// Denominator.
        den: i64,
    },
    /// A decimal shown with one decimal (a median, a mean). `n`: how many people it is
    /// computed from, when suppression applies to it (suppressed when `n` is small).
    Decimal {
        /// The value, unrounded; `None` where there is nothing to compute it from.
        v: Option<f64>,
        /// The number of people behind it, when it is subject to suppression. Not written to
        /// the data a reader gets: the table's own count column shows it, or withholds it.
        #[serde(skip_serializing)]
        n: Option<i64>,
    },
    /// A range "min–max", each with one decimal; `n` as for a decimal.
    Range {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// The number of people behind it (not written out, as for a decimal).
        #[serde(skip_serializing)]
        n: Option<i64>,
    },
    /// A total of things that are not people (inpatient days, admissions, kroner) over a
    /// group of `people`: shown as a whole number, hidden when the group is small.
    Total {
        /// The total.
        n: i64,
        /// How many people it adds up (not written out: a count of people is shown in its
        /// own cell, or withheld there).
        #[serde(skip_serializing)]
        people: i64,
    },
    /// A text.
    Text {
        /// The text.
        text: L,
    },
    /// A number hidden by small-number suppression.
    Suppressed,
    /// A number that is not small but hidden because it would give a hidden one away
    /// (secondary suppression); shown as ":" (Statistics Norway's "not shown for
    /// confidentiality"), never as "<threshold", which would be false for it.
    Withheld,
    /// Nothing (no data).
    Empty,
}

impl Cell {
    /// A count of people (subject to suppression).
    pub fn people(n: i64) -> Cell {
        Cell::Count { n, people: true }
    }

    /// A count not subject to suppression (months, staff, norms).
    pub fn plain(n: i64) -> Cell {
        Cell::Count { n, people: false }
    }

    /// A text in both languages.
    pub fn text(text: L) -> Cell {
        Cell::Text { text }
    }

    /// The same text in both languages.
    pub fn same(s: impl Into<String>) -> Cell {
        Cell::Text { text: L::same(s) }
    }

    /// A decimal computed from `n` people.
    pub fn decimal_of(v: Option<f64>, n: i64) -> Cell {
        Cell::Decimal { v, n: Some(n) }
    }

    /// Whether a number of people is small under `threshold`: 1 to threshold−1. Zero is not
    /// small (nobody to recognise).
    pub fn is_small(n: i64, threshold: i64) -> bool {
        n > 0 && n < threshold
    }

    /// This cell under suppression with `threshold`.
    pub fn suppressed(&self, threshold: i64) -> Cell {
        let small = |n: i64| Cell::is_small(n, threshold);
        let hide = match self {
            Cell::Count { n, people } => *people && small(*n),
            Cell::Percent { num, den } => small(*num) || small(*den),
            Cell::Decimal { n, .. } | Cell::Range { n, .. } => n.is_some_and(small),
            Cell::Total { people, .. } => small(*people),
            Cell::Text { .. } | Cell::Suppressed | Cell::Withheld | Cell::Empty => false,
        };
        if hide {
            Cell::Suppressed
        } else {
            self.clone()
        }
    }

    /// The cell as shown to a reader, in `lang`. `threshold` names the hidden range.
    pub fn display(&self, lang: Lang, threshold: i64) -> String {
        match self {
            Cell::Count { n, .. } | Cell::Total { n, .. } => n.to_string(),
            Cell::Percent { num, den } => match percent(*num, *den) {
                Some(p) => format!("{} % ({num}/{den})", fmt1(lang, p)),
                None => "–".into(),
            },
            Cell::Decimal { v: Some(v), .. } => fmt1(lang, *v),
            Cell::Decimal { v: None, .. } => "–".into(),
            Cell::Range { min, max, .. } => format!("{}–{}", fmt1(lang, *min), fmt1(lang, *max)),
            Cell::Text { text } => text.get(lang).to_string(),
            Cell::Suppressed => format!("<{threshold}"),
            Cell::Withheld => ":".into(),
            Cell::Empty => "–".into(),
        }
    }

    /// Whether the cell is a number (right-aligned).
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Cell::Text { .. })
    }

    /// The cell's value as a plain number, where it has one (a percentage as percent, rounded
    /// to one decimal, as shown).
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Count { n, .. } | Cell::Total { n, .. } => Some(*n as f64),
            Cell::Percent { num, den } => percent(*num, *den).map(round1),
            Cell::Decimal { v, .. } => v.map(round1),
            _ => None,
        }
    }
}

/// A table: column headers and rows of cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// A stable id ("spor.questions"): the CSV's `table_id`, the XLSX sheet's name.
    pub id: String,
    /// Title.
    pub title: L,
    /// Column headers.
    pub columns: Vec<L>,
    /// Rows; every row has as many cells as there are columns.
    pub rows: Vec<Vec<Cell>>,
    /// A note under the table.
    pub note: Option<L>,
}

/// A line of a table whose cells add up to a total: the cells (row, column) of the parts and
/// the cell of the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalLine {
    /// The parts.
    pub parts: Vec<(usize, usize)>,
    /// Their sum.
    pub total: (usize, usize),
}

fn people_count(c: &Cell) -> Option<i64> {
    match c {
        Cell::Count { n, people: true } => Some(*n),
        _ => None,
    }
}

impl Table {
    /// The lines of the table that add up to a total, found from the numbers themselves (a
    /// table "has totals" where its counts of people add up):
    /// - a total row: the last row, labelled by a text, when in a column of counts of people
    ///   its count is the sum of the counts above it (every row above has a count there; at
    ///   least two parts). Each such column is a line.
    /// - a total column: a column of counts of people that in every row is the sum of the
    ///   table's other columns of counts of people (at least two; not all zero). Each row is
    ///   a line.
    pub fn total_lines(&self) -> Vec<TotalLine> {
        let mut lines = Vec::new();
        let rows = &self.rows;
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        // Total row.
        if rows.len() >= 3 && matches!(rows[rows.len() - 1].first(), Some(Cell::Text { .. })) {
            let last = rows.len() - 1;
            for col in 1..width {
                let total = rows[last].get(col).and_then(people_count);
                let parts: Option<Vec<i64>> = rows[..last]
                    .iter()
                    .map(|r| r.get(col).and_then(people_count))
                    .collect();
                if let (Some(total), Some(parts)) = (total, parts) {
                    if parts.iter().sum::<i64>() == total {
                        lines.push(TotalLine {
                            parts: (0..last).map(|row| (row, col)).collect(),
                            total: (last, col),
                        });
                    }
                }
            }
        }
        // Total columns.
        let count_cols: Vec<usize> = (0..width)
            .filter(|c| {
                !rows.is_empty()
                    && rows
                        .iter()
                        .all(|r| r.get(*c).and_then(people_count).is_some())
            })
            .collect();
        if count_cols.len() >= 3 {
            for &tc in &count_cols {
                let others: Vec<usize> = count_cols.iter().copied().filter(|c| *c != tc).collect();
                let adds_up = rows.iter().all(|r| {
                    let v = |c: usize| r.get(c).and_then(people_count).unwrap_or(0);
                    others.iter().map(|c| v(*c)).sum::<i64>() == v(tc)
                });
                let some = rows
                    .iter()
                    .any(|r| r.get(tc).and_then(people_count).unwrap_or(0) > 0);
                if adds_up && some {
                    for row in 0..rows.len() {
                        lines.push(TotalLine {
                            parts: others.iter().map(|c| (row, *c)).collect(),
                            total: (row, tc),
                        });
                    }
                }
            }
        }
        lines
    }

    /// The table under suppression with `threshold`: primary suppression (every small number,
    /// [`Cell::suppressed`]), then secondary (complementary) suppression so that no hidden
    /// number can be worked out from the shown ones:
    /// 1. in every line that adds up to a total ([`Table::total_lines`]) with exactly one
    ///    hidden cell, the smallest shown part that is not zero is hidden too (the total itself
    ///    when no such part is left); repeated until no line has exactly one hidden cell;
    /// 2. a percentage in the same row or column as a hidden count whose numerator,
    ///    denominator or denominator − numerator is that count is hidden too (it would print
    ///    the number).
    ///
    /// A table of a report is suppressed together with the report's other tables
    /// ([`suppress_tables`]), which adds the lines across tables.
    pub fn suppressed(&self, threshold: i64) -> Table {
        suppress_tables(std::slice::from_ref(self), threshold, &[])
            .pop()
            .unwrap_or_else(|| self.clone())
    }

    /// Whether the cell at (row, column) is a count of people and its value.
    fn people_at(&self, (r, c): (usize, usize)) -> Option<i64> {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .and_then(people_count)
    }

    /// The figures of the table that another table may show too: per column of counts of
    /// people, the sum of its cells (without a total row's cell) as the cells that add up to
    /// it, and its total row's cell where it has one. A one-row column is a single figure.
    fn figures(&self) -> Vec<Figure> {
        let lines = self.total_lines();
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut out = Vec::new();
        for col in 0..width {
            let total_row = lines
                .iter()
                .find(|l| l.total.1 == col && l.parts.iter().all(|p| p.1 == col))
                .map(|l| l.total);
            let body = match total_row {
                Some((last, _)) => last,
                None => self.rows.len(),
            };
            let cells: Vec<(usize, usize)> = (0..body).map(|r| (r, col)).collect();
            let values: Option<Vec<i64>> = cells.iter().map(|p| self.people_at(*p)).collect();
            let Some(values) = values else { continue };
            let sum: i64 = values.iter().sum();
            if cells.is_empty() || sum == 0 {
                continue;
            }
            if cells.len() == 1 {
                out.push(Figure {
                    sum,
                    parts: vec![],
                    totals: cells,
                });
            } else {
                out.push(Figure {
                    sum,
                    parts: cells,
                    totals: vec![],
                });
            }
            if let Some(t) = total_row {
                out.push(Figure {
                    sum,
                    parts: vec![],
                    totals: vec![t],
                });
            }
        }
        out
    }
}

/// A figure of a table (a number of people) as the cells that show it: parts that add up to
/// it, or a cell that is it (a total, a one-row column).
struct Figure {
    sum: i64,
    parts: Vec<(usize, usize)>,
    totals: Vec<(usize, usize)>,
}

/// A cell of a set of tables: (table, row, column).
pub type At = (usize, usize, usize);

/// A line of cells whose numbers are tied by a sum: when exactly one of them is hidden it can
/// be worked out from the others. `parts` are hidden first (the smallest that is not zero);
/// `totals` only when no such part is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Cells hidden first.
    pub parts: Vec<At>,
    /// Sums (hidden when no part is left).
    pub totals: Vec<At>,
}

/// The lines of a set of tables (the tables of one report): every table's own
/// [`Table::total_lines`], and, across tables, every two ways two different tables show the
/// same number of people: a column's cells that add up to it, its total row's cell, or a
/// one-row table's cell. Two ways of showing the same sum give it away when exactly one of
/// their cells is hidden (contacts by kind against contacts by month: the months' sum is the
/// kinds' sum). Equal sums are found from the numbers, as totals are: a coincidence only hides
/// more.
pub fn report_lines(tables: &[Table]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut figures: Vec<(usize, Figure)> = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        for l in table.total_lines() {
            lines.push(Line {
                parts: l.parts.iter().map(|(r, c)| (t, *r, *c)).collect(),
                totals: vec![(t, l.total.0, l.total.1)],
            });
        }
        figures.extend(table.figures().into_iter().map(|f| (t, f)));
    }
    let at = |t: usize, cells: &[(usize, usize)]| -> Vec<At> {
        cells.iter().map(|(r, c)| (t, *r, *c)).collect()
    };
    for (i, (ta, a)) in figures.iter().enumerate() {
        for (tb, b) in &figures[i + 1..] {
            if ta == tb || a.sum != b.sum {
                continue;
            }
            let mut parts = at(*ta, &a.parts);
            parts.extend(at(*tb, &b.parts));
            let mut totals = at(*ta, &a.totals);
            totals.extend(at(*tb, &b.totals));
            lines.push(Line { parts, totals });
        }
    }
    lines
}

/// Suppression over a set of tables (a report's): primary suppression in each table, the
/// cells in `withhold` hidden as well (a release memory's finding), then secondary suppression
/// over every [`report_lines`] line until no line has exactly one hidden cell, then in each
/// table the percentages that would print a hidden count (see [`Table::suppressed`]).
pub fn suppress_tables(tables: &[Table], threshold: i64, withhold: &[At]) -> Vec<Table> {
    let primary: Vec<Vec<Vec<bool>>> = tables
        .iter()
        .map(|t| {
            t.rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| c.suppressed(threshold) == Cell::Suppressed)
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut hidden = primary.clone();
    for &(t, r, c) in withhold {
        if let Some(h) = hidden
            .get_mut(t)
            .and_then(|x| x.get_mut(r))
            .and_then(|x| x.get_mut(c))
        {
            *h = true;
        }
    }
    let lines = report_lines(tables);
    let value = |(t, r, c): At| tables[t].people_at((r, c));
    loop {
        let mut changed = false;
        for line in &lines {
            let cells = line.parts.iter().chain(&line.totals);
            let mut hits = cells.filter(|(t, r, c)| hidden[*t][*r][*c]);
            let (Some(&(in_table, _, _)), None) = (hits.next(), hits.next()) else {
                continue;
            };
            // The smallest shown part that is not zero, of the hidden cell's table first (the
            // hiding stays in the table that has it), then of any table; a total last.
            let shown = |cells: &[At], same: bool| {
                cells
                    .iter()
                    .filter(|(t, r, c)| {
                        !hidden[*t][*r][*c]
                            && value((*t, *r, *c)).unwrap_or(0) > 0
                            && (!same || *t == in_table)
                    })
                    .min_by_key(|p| (value(**p), **p))
                    .copied()
            };
            let next = shown(&line.parts, true)
                .or_else(|| shown(&line.parts, false))
                .or_else(|| shown(&line.totals, false))
                // A line whose every other cell is zero or hidden: the total as before.
                .or_else(|| {
                    (line.totals.iter().chain(&line.parts))
                        .find(|(t, r, c)| !hidden[*t][*r][*c])
                        .copied()
                });
            let Some(next) = next else {
                continue;
            };
            hidden[next.0][next.1][next.2] = true;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    tables
        .iter()
        .enumerate()
        .map(|(t, table)| {
            let hidden = &hidden[t];
            let primary = &primary[t];
            let mut out = table.clone();
            // Every hidden count of people: (row, column, value).
            let hidden_counts: Vec<(usize, usize, i64)> = table
                .rows
                .iter()
                .enumerate()
                .flat_map(|(r, row)| {
                    row.iter().enumerate().filter_map(move |(c, cell)| {
                        people_count(cell)
                            .filter(|_| hidden[r][c])
                            .map(|v| (r, c, v))
                    })
                })
                .collect();
            for (r, row) in out.rows.iter_mut().enumerate() {
                for (c, cell) in row.iter_mut().enumerate() {
                    let tells = match cell {
                        Cell::Percent { num, den } => hidden_counts.iter().any(|(hr, hc, v)| {
                            (*hr == r || *hc == c) && [*num, *den, *den - *num].contains(v)
                        }),
                        _ => false,
                    };
                    if primary[r][c] {
                        *cell = Cell::Suppressed;
                    } else if hidden[r][c] || tells {
                        *cell = Cell::Withheld;
                    }
                }
            }
            out
        })
        .collect()
}

/// Hides in a chart the values its table hides: the chart's categories are the table's rows
/// in order, so a value of a row with a hidden cell goes unless the row shows it.
fn hide_in_chart(chart: &mut Chart, table: &Table) {
    if !chart.people {
        return;
    }
    for s in &mut chart.series {
        for (i, v) in s.values.iter_mut().enumerate() {
            let Some(row) = table.rows.get(i) else {
                continue;
            };
            let shown = row
                .iter()
                .any(|c| matches!(c, Cell::Count { .. }) && v.is_some() && c.number() == *v);
            if (row.contains(&Cell::Suppressed) || row.contains(&Cell::Withheld)) && !shown {
                *v = None;
            }
        }
    }
}

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One bar per category (one series).
    Bar,
    /// Bars side by side per category, one per series (before / after).
    GroupedBar,
    /// Lines over the categories, one per series.
    Line,
    /// A line of running totals over the categories.
    Cumulative,
}

/// A series of a chart: one value per category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Name (legend).
    pub name: L,
    /// One value per category; `None`: no value (or hidden by suppression).
    pub values: Vec<Option<f64>>,
}

/// A chart, drawn from the same numbers as a table of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Title.
    pub title: L,
    /// How it is drawn.
    pub kind: ChartKind,
    /// Category labels (the x axis).
    pub categories: Vec<L>,
    /// Series.
    pub series: Vec<Series>,
    /// The values are counts of people, subject to suppression.
    pub people: bool,
    /// A target drawn as one horizontal line with one label (not a series: it is the same at
    /// every category).
    pub reference: Option<Reference>,
    /// The table (id) that holds the same numbers.
    pub table_id: String,
}

/// A horizontal reference line of a chart: a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// Its label ("Mål (høyst)").
    pub name: L,
    /// Its value.
    pub value: f64,
}

impl Chart {
    /// This chart under suppression: small counts of people become missing values.
    pub fn suppressed(&self, threshold: i64) -> Chart {
        let mut c = self.clone();
        if c.people {
            for s in &mut c.series {
                for v in &mut s.values {
                    if v.is_some_and(|x| x > 0.0 && x < threshold as f64) {
                        *v = None;
                    }
                }
            }
        }
        c
    }
}

/// A section: a heading, an introduction, tables and charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Heading.
    pub title: L,
    /// A paragraph under the heading.
    pub intro: Option<L>,
    /// Person-level content (free-text answers): only in the team's own HTML and PDF, never
    /// in XLSX, CSV or cross-team output.
    pub person_level: bool,
    /// Charts (drawn before the tables).
    pub charts: Vec<Chart>,
    /// Tables.
    pub tables: Vec<Table>,
}

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The report's name ("spor", "activity").
    pub name: String,
    /// Title.
    pub title: L,
    /// The team.
    pub team: String,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// The day it was made.
    pub made_on: NaiveDate,
    /// The statistical definitions, each a paragraph.
    pub definitions: Vec<L>,
    /// Sections.
    pub sections: Vec<Section>,
    /// The team's small-number threshold.
    pub threshold: i64,
    /// Whether small numbers are hidden in this copy.
    pub suppressed: bool,
    /// Whether person-level sections were left out of this copy.
    pub person_level_removed: bool,
    /// Cells to withhold in every suppressed copy besides the small numbers: those whose
    /// difference from an earlier release for a nested period would be a small number
    /// (the release memory, [`crate::release`]). Not shown on the team's own screen.
    #[serde(skip)]
    pub withhold: Vec<CellRef>,
}

/// A cell of a report: the table's id, the row and the column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    /// The table's id.
    pub table: String,
    /// Row.
    pub row: usize,
    /// Column.
    pub col: usize,
}

/// What an export may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The team's own members on the screen: every number, and the free text.
    TeamScreen,
    /// A file for the team's own use that may be passed on (PDF for boards and owners):
    /// small numbers hidden, the free text kept (the team decides what to hand out).
    TeamFile,
    /// Data files (XLSX, CSV) and anything across teams: small numbers hidden, no
    /// person-level content.
    Aggregate,
}

impl Report {
    /// The copy of the report for an audience.
    pub fn for_audience(&self, audience: Audience) -> Report {
        match audience {
            Audience::TeamScreen => self.clone(),
            Audience::TeamFile => self.suppress(),
            Audience::Aggregate => {
                let mut r = self.suppress();
                r.sections.retain(|s| !s.person_level);
                r.person_level_removed = true;
                r
            }
        }
    }

    fn suppress(&self) -> Report {
        let t = self.threshold;
        let mut r = self.clone();
        r.suppressed = true;
        // Every table of the report at once, so that no table gives away what another hides.
        let tables: Vec<Table> = self.tables().cloned().collect();
        let withhold: Vec<At> = self
            .withhold
            .iter()
            .filter_map(|w| {
                let i = tables.iter().position(|tb| tb.id == w.table)?;
                Some((i, w.row, w.col))
            })
            .collect();
        let mut done = suppress_tables(&tables, t, &withhold).into_iter();
        for s in &mut r.sections {
            for tb in &mut s.tables {
                if let Some(x) = done.next() {
                    *tb = x;
                }
            }
            for c in &mut s.charts {
                *c = c.suppressed(t);
                // A chart shows no number its table hides (secondary suppression too).
                if let Some(tb) = s.tables.iter().find(|tb| tb.id == c.table_id) {
                    hide_in_chart(c, tb);
                }
            }
        }
        r
    }

    /// Every table, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| s.tables.iter())
    }

    /// The note on suppression, as printed with the report.
    pub fn suppression_note(&self) -> L {
        let t = self.threshold;
        if self.suppressed {
            let mut note = L::new(
                format!("Tall fra 1 til {} er skjult og vist som «<{t}» (små tall kan peke ut personer). «:» er et tall som er skjult fordi det ellers ville avsløre et skjult tall, i denne rapporten eller sammen med en tidligere utlevert rapport.", t - 1),
                format!("Numbers from 1 to {} are hidden and shown as “<{t}” (small numbers can identify people). “:” is a number hidden because it would give a hidden one away, in this report or together with a report released earlier.", t - 1),
            );
            let n = self.withhold.len();
            if n > 0 {
                note.nb.push_str(&format!(" {n} tall er skjult fordi forskjellen fra en tidligere utlevert rapport for en periode som begynner eller slutter samme dag, ville vært et lite tall."));
                note.en.push_str(&format!(" {n} numbers are hidden because their difference from a report released earlier for a period starting or ending on the same day would be a small number."));
            }
            note
        } else {
            L::new(
                format!("Visningen for teamets egne medlemmer viser alle tall. I eksporterte filer skjules tall fra 1 til {}.", t - 1),
                format!("The view for the team's own members shows every number. Exported files hide numbers from 1 to {}.", t - 1),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_on_the_decimal_value() {
        assert_eq!(round1(4.45), 4.5);
        assert_eq!(round1(4.25), 4.3);
        assert_eq!(round1(0.15), 0.2);
        assert_eq!(round1(-4.25), -4.3);
        assert_eq!(round1(4.449), 4.4);
        assert_eq!(round1(54.4), 54.4);
        assert_eq!(fmt1(Lang::Nb, 40.54), "40,5");
        assert_eq!(fmt1(Lang::En, 40.55), "40.6");
        assert_eq!(fmt1(Lang::Nb, -54.4), "−54,4");
        assert_eq!(fmt1(Lang::En, -0.04), "0.0");
    }

    #[test]
    fn percent_needs_a_denominator() {
        assert_eq!(percent(1, 0), None);
        assert_eq!(percent(15, 37).map(round1), Some(40.5));
        assert_eq!(
            Cell::Percent { num: 15, den: 37 }.display(Lang::Nb, 5),
            "40,5 % (15/37)"
        );
        assert_eq!(Cell::Percent { num: 0, den: 0 }.display(Lang::Nb, 5), "–");
    }

    #[test]
    fn suppression_hides_one_to_threshold_minus_one() {
        let t = 5;
        assert_eq!(Cell::people(0).suppressed(t), Cell::people(0));
        assert_eq!(Cell::people(1).suppressed(t), Cell::Suppressed);
        assert_eq!(Cell::people(4).suppressed(t), Cell::Suppressed);
        assert_eq!(Cell::people(5).suppressed(t), Cell::people(5));
        assert_eq!(Cell::plain(2).suppressed(t), Cell::plain(2));
        assert_eq!(
            Cell::Percent { num: 3, den: 20 }.suppressed(t),
            Cell::Suppressed
        );
        assert_eq!(
            Cell::Percent { num: 6, den: 4 }.suppressed(t),
            Cell::Suppressed
        );
        assert_eq!(
            Cell::Percent { num: 0, den: 20 }.suppressed(t),
            Cell::Percent { num: 0, den: 20 }
        );
        assert_eq!(
            Cell::decimal_of(Some(3.0), 2).suppressed(t),
            Cell::Suppressed
        );
        assert_eq!(
            Cell::Decimal {
                v: Some(3.0),
                n: None
            }
            .suppressed(t),
            Cell::Decimal {
                v: Some(3.0),
                n: None
            }
        );
        assert_eq!(Cell::Suppressed.display(Lang::Nb, 5), "<5");
        assert_eq!(Cell::Withheld.display(Lang::Nb, 5), ":");
        // A total of days is hidden by the people behind it, not by its own size.
        let days = |people| Cell::Total { n: 45, people };
        assert_eq!(days(4).suppressed(t), Cell::Suppressed);
        assert_eq!(days(5).suppressed(t), days(5));
        assert_eq!(days(0).suppressed(t), days(0));
        assert_eq!(Cell::Total { n: 2, people: 9 }.display(Lang::Nb, t), "2");
    }

    fn sample() -> Report {
        Report {
            name: "x".into(),
            title: L::same("X"),
            team: "T".into(),
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            made_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            definitions: vec![],
            sections: vec![
                Section {
                    title: L::same("A"),
                    intro: None,
                    person_level: false,
                    charts: vec![Chart {
                        title: L::same("c"),
                        kind: ChartKind::Bar,
                        categories: vec![L::same("a"), L::same("b")],
                        series: vec![Series {
                            name: L::same("s"),
                            values: vec![Some(3.0), Some(7.0)],
                        }],
                        people: true,
                        reference: None,
                        table_id: "a".into(),
                    }],
                    tables: vec![Table {
                        id: "a".into(),
                        title: L::same("a"),
                        columns: vec![L::same("k"), L::same("n")],
                        rows: vec![
                            vec![Cell::same("a"), Cell::people(3)],
                            vec![Cell::same("b"), Cell::people(7)],
                        ],
                        note: None,
                    }],
                },
                Section {
                    title: L::same("Free text"),
                    intro: None,
                    person_level: true,
                    charts: vec![],
                    tables: vec![],
                },
            ],
            threshold: 5,
            suppressed: false,
            person_level_removed: false,
            withhold: vec![],
        }
    }

    #[test]
    fn audiences() {
        let r = sample();
        let screen = r.for_audience(Audience::TeamScreen);
        assert_eq!(screen, r);
        let file = r.for_audience(Audience::TeamFile);
        assert_eq!(file.sections.len(), 2);
        assert_eq!(file.sections[0].tables[0].rows[0][1], Cell::Suppressed);
        assert_eq!(file.sections[0].tables[0].rows[1][1], Cell::people(7));
        assert_eq!(
            file.sections[0].charts[0].series[0].values,
            [None, Some(7.0)]
        );
        let data = r.for_audience(Audience::Aggregate);
        assert_eq!(data.sections.len(), 1);
        assert!(data.suppressed && data.person_level_removed);
    }

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table {
            id: "t".into(),
            title: L::same("t"),
            columns: vec![],
            rows,
            note: None,
        }
    }

    fn row(label: &str, cells: &[Cell]) -> Vec<Cell> {
        let mut r = vec![Cell::same(label)];
        r.extend_from_slice(cells);
        r
    }

    fn p(n: i64) -> Cell {
        Cell::people(n)
    }

    const S: Cell = Cell::Suppressed;
    /// Hidden by the second step: shown as ":", not as "<threshold".
    const W: Cell = Cell::Withheld;

    #[test]
    fn a_total_row_hides_the_next_smallest_part() {
        // 3 is small; with only it hidden, 25 − 10 − 12 gives it back: 10 goes too.
        let t = table(vec![
            row("a", &[p(3)]),
            row("b", &[p(10)]),
            row("c", &[p(12)]),
            row("I alt", &[p(25)]),
        ]);
        assert_eq!(t.total_lines().len(), 1);
        let s = t.suppressed(5);
        assert_eq!(
            s.rows,
            vec![
                row("a", &[S]),
                row("b", &[W]),
                row("c", &[p(12)]),
                row("I alt", &[p(25)])
            ]
        );
    }

    #[test]
    fn zero_is_not_the_next_smallest() {
        // Hiding the 0 would not help (0 is never hidden, so a hidden cell is not 0).
        let t = table(vec![
            row("a", &[p(3)]),
            row("b", &[p(0)]),
            row("c", &[p(8)]),
            row("I alt", &[p(11)]),
        ]);
        let s = t.suppressed(5);
        assert_eq!(s.rows[1][1], p(0));
        assert_eq!(s.rows[2][1], W);
        assert_eq!(s.rows[3][1], p(11));
    }

    #[test]
    fn a_total_column_and_a_total_row_together_and_the_percentages_that_tell() {
        // Contacts = met + not met in every row, and the last row is the total of each column.
        let t = table(vec![
            row(
                "home",
                &[p(20), p(17), p(3), Cell::Percent { num: 17, den: 20 }],
            ),
            row(
                "office",
                &[p(10), p(10), p(0), Cell::Percent { num: 10, den: 10 }],
            ),
            row(
                "I alt",
                &[p(30), p(27), p(3), Cell::Percent { num: 27, den: 30 }],
            ),
        ]);
        // The total row: three columns add up; the contacts column: three rows.
        assert_eq!(t.total_lines().len(), 6);
        let s = t.suppressed(5);
        // Primary: the two 3s. Secondary: home's 17 (its row had one hidden cell), then the
        // total row's 27 (the same). The met column then has two hidden cells, the not met
        // column two: nothing more. The percentages showing 17 and 27 go.
        assert_eq!(
            s.rows,
            vec![
                row("home", &[p(20), W, S, W]),
                row(
                    "office",
                    &[p(10), p(10), p(0), Cell::Percent { num: 10, den: 10 }]
                ),
                row("I alt", &[p(30), W, S, W]),
            ]
        );
    }

    #[test]
    fn a_table_without_totals_has_primary_suppression_only() {
        // Teams side by side: a column per team, no total; 4 is hidden, nothing else.
        let t = table(vec![
            row("people", &[p(12), p(4)]),
            row("referrals", &[p(9), p(6)]),
        ]);
        assert!(t.total_lines().is_empty());
        let s = t.suppressed(5);
        assert_eq!(s.rows[0], row("people", &[p(12), S]));
        assert_eq!(s.rows[1], row("referrals", &[p(9), p(6)]));
        // Counts that are not about people never take part.
        let t = table(vec![
            row("a", &[Cell::plain(3)]),
            row("b", &[Cell::plain(10)]),
            row("I alt", &[Cell::plain(13)]),
        ]);
        assert!(t.total_lines().is_empty());
        assert_eq!(t.suppressed(5), t);
    }

    #[test]
    fn a_chart_hides_what_its_table_hides() {
        let mut r = sample();
        r.sections[0].tables[0].rows = vec![
            row("a", &[p(3)]),
            row("b", &[p(10)]),
            row("c", &[p(12)]),
            row("I alt", &[p(25)]),
        ];
        r.sections[0].charts[0].categories = vec![L::same("a"), L::same("b"), L::same("c")];
        r.sections[0].charts[0].series[0].values = vec![Some(3.0), Some(10.0), Some(12.0)];
        let f = r.for_audience(Audience::TeamFile);
        assert_eq!(
            f.sections[0].charts[0].series[0].values,
            [None, None, Some(12.0)]
        );
    }

    fn named(id: &str, rows: Vec<Vec<Cell>>) -> Table {
        Table {
            id: id.into(),
            ..table(rows)
        }
    }

    #[test]
    fn two_tables_with_the_same_sum_give_a_hidden_part_away_unless_a_second_goes() {
        // Contacts by kind (3, 10, 12) and by month (13, 12), neither with a total: alone each
        // hides only the 3, but the months add up to 25, so 3 = 25 − 10 − 12. The next
        // smallest of the kinds' table goes too.
        let kinds = named(
            "kinds",
            vec![row("a", &[p(3)]), row("b", &[p(10)]), row("c", &[p(12)])],
        );
        let months = named("months", vec![row("jan", &[p(13)]), row("feb", &[p(12)])]);
        assert_eq!(kinds.suppressed(5).rows[1][1], p(10), "alone: primary only");
        let s = suppress_tables(&[kinds, months.clone()], 5, &[]);
        assert_eq!(
            s[0].rows,
            vec![row("a", &[S]), row("b", &[W]), row("c", &[p(12)])]
        );
        assert_eq!(s[1], months, "the hiding stays in the table that has it");
    }

    #[test]
    fn a_total_in_one_table_is_the_sum_of_a_column_in_another() {
        // By kind with a total row (10, 15, total 25) and by month (2, 23): the 2 is hidden
        // in its table, and 25 − 23 gives it back. The 23 goes; the kinds stay as they are.
        let kinds = named(
            "kinds",
            vec![
                row("a", &[p(10)]),
                row("b", &[p(15)]),
                row("I alt", &[p(25)]),
            ],
        );
        let months = named("months", vec![row("jan", &[p(2)]), row("feb", &[p(23)])]);
        let lines = report_lines(&[kinds.clone(), months.clone()]);
        // Within the kinds: one. Across: kinds' parts with the months', the kinds' total
        // with the months' parts.
        assert_eq!(lines.len(), 3);
        let s = suppress_tables(&[kinds.clone(), months], 5, &[]);
        assert_eq!(s[0], kinds);
        assert_eq!(s[1].rows, vec![row("jan", &[S]), row("feb", &[W])]);
    }

    #[test]
    fn a_one_row_table_shows_the_sum_of_another_tables_column() {
        // "All contacts" 25 in a one-row table; the kinds 3, 10, 12 have no total of their own.
        let all = named("all", vec![vec![p(25)]]);
        let kinds = named(
            "kinds",
            vec![row("a", &[p(3)]), row("b", &[p(10)]), row("c", &[p(12)])],
        );
        let s = suppress_tables(&[all.clone(), kinds], 5, &[]);
        assert_eq!(s[0], all);
        assert_eq!(
            s[1].rows,
            vec![row("a", &[S]), row("b", &[W]), row("c", &[p(12)])]
        );
        // Sums that differ tie nothing.
        let other = named("all", vec![vec![p(26)]]);
        let kinds = named(
            "kinds",
            vec![row("a", &[p(3)]), row("b", &[p(10)]), row("c", &[p(12)])],
        );
        assert!(report_lines(&[other, kinds.clone()]).is_empty());
    }

    #[test]
    fn a_withheld_cell_is_hidden_with_its_complement() {
        // The release memory withholds b (10): the total row then needs a second hidden part.
        let t = named(
            "t",
            vec![
                row("a", &[p(20)]),
                row("b", &[p(10)]),
                row("c", &[p(12)]),
                row("I alt", &[p(42)]),
            ],
        );
        let s = suppress_tables(&[t], 5, &[(0, 1, 1)]);
        assert_eq!(
            s[0].rows,
            vec![
                row("a", &[p(20)]),
                row("b", &[W]),
                row("c", &[W]),
                row("I alt", &[p(42)])
            ]
        );
    }

    #[test]
    fn the_report_suppresses_its_tables_together_and_withholds_by_reference() {
        let mut r = sample();
        r.sections[0].tables = vec![
            named(
                "kinds",
                vec![row("a", &[p(3)]), row("b", &[p(10)]), row("c", &[p(12)])],
            ),
            named("months", vec![row("jan", &[p(13)]), row("feb", &[p(12)])]),
        ];
        r.sections[0].charts.clear();
        let f = r.for_audience(Audience::Aggregate);
        assert_eq!(f.sections[0].tables[0].rows[1][1], W);
        // Withheld by the release memory: January's 13. February's 12 stays: the months have
        // no total, and the line across the two tables has three hidden cells (3, 10, 13:
        // only 3 + 10 = 13 follows).
        r.withhold = vec![CellRef {
            table: "months".into(),
            row: 0,
            col: 1,
        }];
        let f = r.for_audience(Audience::Aggregate);
        assert_eq!(
            f.sections[0].tables[1].rows,
            vec![row("jan", &[W]), row("feb", &[p(12)])]
        );
        assert!(f
            .suppression_note()
            .en
            .contains("1 numbers are hidden because"));
        // The team's own screen shows every number.
        let screen = r.for_audience(Audience::TeamScreen);
        assert_eq!(screen.sections[0].tables[1].rows[0][1], p(13));
    }
}
