//! CSV: one row per table cell, in long ("tidy") form, so that a script reads every table of
//! every report the same way. Layout (documented in `docs/reports.md`):
//!
//! `table_id,row,row_label,column,column_label,kind,value,low,high,numerator,denominator`
//!
//! - `table_id` is the table's stable id (`spor.questions`); rows with `_report` describe the
//!   report (title, team, from, to, threshold, suppressed);
//! - `row`, `column` count from 1; `row_label` is the row's first cell as text;
//! - `kind`: `count`, `percent`, `decimal`, `range`, `text`, `suppressed`, `empty`;
//! - `value`: a count, a percentage or a decimal rounded to one decimal with a point as the
//!   decimal mark, or the text; `low`/`high` for a range; `numerator`/`denominator` for a
//!   percentage.
//!
//! UTF-8, comma separated, `\r\n` line ends, fields quoted when they hold a comma, a quote or a
//! line break (RFC 4180). Texts are in the report's language; ids and numbers are not.

use benk_domain::{percent, round1, Cell, Lang, Report};

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(v: f64) -> String {
    format!("{:.1}", round1(v))
}

/// The header line's fields.
pub const HEADER: &str =
    "table_id,row,row_label,column,column_label,kind,value,low,high,numerator,denominator";

/// Renders the report (already the audience's copy) as CSV.
pub fn render(r: &Report, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("\r\n");
    let meta = [
        ("title", r.title.get(lang).to_string()),
        ("report", r.name.clone()),
        ("team", r.team.clone()),
        ("from", r.from.to_string()),
        ("to", r.to.to_string()),
        ("made_on", r.made_on.to_string()),
        ("threshold", r.threshold.to_string()),
        ("suppressed", r.suppressed.to_string()),
    ];
    for (i, (k, v)) in meta.iter().enumerate() {
        out.push_str(&format!(
            "_report,{},{},1,,text,{},,,,\r\n",
            i + 1,
            field(k),
            field(v)
        ));
    }
    for t in r.tables() {
        for (ri, row) in t.rows.iter().enumerate() {
            let row_label = row
                .first()
                .map(|c| c.display(lang, r.threshold))
                .unwrap_or_default();
            for (ci, cell) in row.iter().enumerate() {
                let col = t.columns.get(ci).map(|c| c.get(lang)).unwrap_or("");
                let (kind, value, low, high, numer, denom) = match cell {
                    Cell::Count { n, .. } | Cell::Total { n, .. } => (
                        "count",
                        n.to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                    Cell::Percent { num: a, den: b } => (
                        "percent",
                        percent(*a, *b).map(num).unwrap_or_default(),
                        String::new(),
                        String::new(),
                        a.to_string(),
                        b.to_string(),
                    ),
                    Cell::Decimal { v, .. } => (
                        "decimal",
                        v.map(num).unwrap_or_default(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                    Cell::Range { min, max, .. } => (
                        "range",
                        String::new(),
                        num(*min),
                        num(*max),
                        String::new(),
                        String::new(),
                    ),
                    Cell::Text { text } => (
                        "text",
                        text.get(lang).to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                    Cell::Withheld => (
                        "withheld",
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                    Cell::Suppressed => (
                        "suppressed",
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                    Cell::Empty => (
                        "empty",
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                };
                out.push_str(&format!(
                    "{},{},{},{},{},{kind},{},{low},{high},{numer},{denom}\r\n",
                    field(&t.id),
                    ri + 1,
                    field(&row_label),
                    ci + 1,
                    field(col),
                    field(&value)
                ));
            }
        }
    }
    out
}
