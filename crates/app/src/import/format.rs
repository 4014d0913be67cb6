//! The file format every kind shares, as Norwegian Excel exports it: CSV in UTF-8 with or
//! without a byte-order mark, `;` or `,` between fields (whichever the header line has more
//! of), dates `YYYY-MM-DD` or `DD.MM.YYYY`, numbers with a decimal comma or point. Header
//! names are matched without regard to case or surrounding spaces.

use chrono::NaiveDate;

use super::RowError;
use crate::error::FieldError;

/// One column of a kind's file.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Must be in the header (a value may still be optional).
    pub required: bool,
}

impl Column {
    /// A column the header must have.
    pub const fn required(name: &'static str) -> Column {
        Column {
            name,
            required: true,
        }
    }
    /// A column the header may leave out.
    pub const fn optional(name: &'static str) -> Column {
        Column {
            name,
            required: false,
        }
    }
}

/// One data row: its line in the file and its fields.
#[derive(Debug, Clone)]
pub struct Record {
    /// Line in the file (the header is 1).
    pub line: u64,
    fields: Vec<String>,
}

/// The file read: which field each known column is in, and the rows.
#[derive(Debug)]
pub struct Table {
    positions: Vec<(&'static str, usize)>,
    /// The data rows.
    pub records: Vec<Record>,
}

impl Table {
    /// One row's cells by column name.
    pub fn cells<'a>(&'a self, r: &'a Record) -> Cells<'a> {
        Cells {
            positions: &self.positions,
            fields: &r.fields,
        }
    }
}

/// One row's cells, looked up by column name (blank and missing are both `None`).
pub struct Cells<'a> {
    positions: &'a [(&'static str, usize)],
    fields: &'a [String],
}

impl Cells<'_> {
    /// The trimmed text of a cell; `None` when blank or the column is not in the file.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.positions
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, i)| self.fields.get(*i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// A required cell, or the field error `required`.
    pub fn required(&self, name: &str, errs: &mut Vec<FieldError>) -> Option<&str> {
        let v = self.get(name);
        if v.is_none() {
            errs.push(FieldError::required(name));
        }
        v
    }

    /// An optional date cell.
    pub fn date(&self, name: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
        let s = self.get(name)?;
        match parse_date(s) {
            Some(d) => Some(d),
            None => {
                errs.push(bad_date(name));
                None
            }
        }
    }

    /// A required date cell.
    pub fn required_date(&self, name: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
        if self.get(name).is_none() {
            errs.push(FieldError::required(name));
            return None;
        }
        self.date(name, errs)
    }

    /// An optional number cell (decimal comma or point).
    pub fn number(&self, name: &str, errs: &mut Vec<FieldError>) -> Option<f64> {
        let s = self.get(name)?;
        match parse_number(s) {
            Some(v) => Some(v),
            None => {
                errs.push(FieldError::new(
                    name,
                    "not_a_number",
                    "Skriv et tall (desimalkomma eller -punktum).",
                    "Write a number (decimal comma or point).",
                ));
                None
            }
        }
    }

    /// A required number cell.
    pub fn required_number(&self, name: &str, errs: &mut Vec<FieldError>) -> Option<f64> {
        if self.get(name).is_none() {
            errs.push(FieldError::required(name));
            return None;
        }
        self.number(name, errs)
    }
}

fn bad_date(name: &str) -> FieldError {
    FieldError::new(
        name,
        "bad_date",
        "Skriv datoen som ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ.",
        "Write the date as YYYY-MM-DD or DD.MM.YYYY.",
    )
}

/// `YYYY-MM-DD` or `DD.MM.YYYY` (one-digit day and month accepted in the second).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
        .filter(|_| s.len() >= 8)
}

/// A number with a decimal comma or point (`6,3`, `6.3`, `7`); no thousands separators.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() || t.matches('.').count() > 1 {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A yes/no cell: `ja`/`nei`, `yes`/`no`, `1`/`0`, `true`/`false`, `x`/blank.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "ja" | "yes" | "1" | "true" | "x" | "sann" => Some(true),
        "nei" | "no" | "0" | "false" | "" | "usann" => Some(false),
        _ => None,
    }
}

/// Reads the file: decoding, delimiter, header. Errors that stop every row (not UTF-8, an
/// empty file, a missing or unknown column, a row the CSV reader cannot read) come back all
/// at once.
pub fn read(file: &[u8], columns: &'static [Column]) -> Result<Table, Vec<RowError>> {
    let bytes = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![RowError::file(
            "not_utf8",
            "Filen er ikke UTF-8. Lagre den fra Excel som «CSV UTF-8 (kommadelt)».",
            "The file is not UTF-8. Save it from Excel as \"CSV UTF-8 (Comma delimited)\".",
        )]);
    };
    let first = text.lines().next().unwrap_or("");
    if first.trim().is_empty() {
        return Err(vec![RowError::file(
            "empty_file",
            "Filen er tom: første linje skal være overskriftene.",
            "The file is empty: the first line must be the headers.",
        )]);
    }
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
        Err(_) => {
            return Err(vec![RowError::file(
                "bad_header",
                "Overskriftslinjen kan ikke leses.",
                "The header line cannot be read.",
            )])
        }
    };
    let mut errors = Vec::new();
    let mut positions = Vec::new();
    for c in columns {
        match headers.iter().position(|h| h == c.name) {
            Some(i) => positions.push((c.name, i)),
            None if c.required => errors.push(RowError {
                line: 1,
                column: Some(c.name.into()),
                code: "missing_column".into(),
                message: crate::error::Text::new(
                    format!("Kolonnen «{}» mangler i overskriftslinjen.", c.name),
                    format!("The column \"{}\" is missing from the header line.", c.name),
                ),
            }),
            None => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    for h in &headers {
        if h.is_empty() {
            continue;
        }
        if !columns.iter().any(|c| c.name == h) {
            errors.push(RowError {
                line: 1,
                column: Some(h.clone()),
                code: "unknown_column".into(),
                message: crate::error::Text::new(
                    format!("Ukjent kolonne «{h}»: se formatbeskrivelsen."),
                    format!("Unknown column \"{h}\": see the format description."),
                ),
            });
        } else if !seen.insert(h.clone()) {
            errors.push(RowError {
                line: 1,
                column: Some(h.clone()),
                code: "duplicate_column".into(),
                message: crate::error::Text::new(
                    format!("Kolonnen «{h}» står to ganger."),
                    format!("The column \"{h}\" appears twice."),
                ),
            });
        }
    }
    let mut records = Vec::new();
    // The physical line of a record, from its byte offset (counted once through the file).
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        // After a CRLF the reader's offset is at the LF: count up to and including it.
        let byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
            .min(text.len());
        if byte > counted_to {
            line += text.as_bytes()[counted_to..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted_to = byte;
        }
        line
    };
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                if r.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                records.push(Record {
                    line: r.position().map(|p| line_at(p.byte())).unwrap_or(0),
                    fields: r.iter().map(str::to_string).collect(),
                });
            }
            Err(e) => errors.push(RowError {
                line: e.position().map(|p| line_at(p.byte())).unwrap_or(0),
                column: None,
                code: "bad_row".into(),
                message: crate::error::Text::new(
                    "Linjen kan ikke leses som CSV (sjekk anførselstegn).",
                    "The line cannot be read as CSV (check the quotes).",
                ),
            }),
        }
    }
    if errors.is_empty() {
        Ok(Table { positions, records })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[Column] = &[Column::required("a"), Column::optional("b")];

    #[test]
    fn dates_numbers_and_booleans_as_excel_writes_them() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5);
        assert_eq!(parse_date("2026-03-05"), d);
        assert_eq!(parse_date("05.03.2026"), d);
        assert_eq!(parse_date("5.3.2026"), d);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("5/3/2026"), None);
        assert_eq!(parse_number("6,3"), Some(6.3));
        assert_eq!(parse_number("6.3"), Some(6.3));
        assert_eq!(parse_number("1.000,5"), None);
        assert_eq!(parse_number("sju"), None);
        assert_eq!(parse_bool("Ja"), Some(true));
        assert_eq!(parse_bool("nei"), Some(false));
        assert_eq!(parse_bool("kanskje"), None);
    }

    #[test]
    fn bom_and_either_delimiter() {
        for file in ["\u{feff}A;B\r\n1;2,5\r\n", "a,b\n1,\"2,5\"\n"] {
            let t = read(file.as_bytes(), COLS).expect("reads");
            assert_eq!(t.records.len(), 1);
            let c = t.cells(&t.records[0]);
            assert_eq!(c.get("a"), Some("1"));
            assert_eq!(c.get("b"), Some("2,5"));
            assert_eq!(t.records[0].line, 2);
        }
    }

    #[test]
    fn header_problems_are_all_reported() {
        let e = read(b"b;c;b\n1;2;3\n", COLS).expect_err("bad header");
        let codes: Vec<&str> = e.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            ["missing_column", "unknown_column", "duplicate_column"]
        );
        assert!(read(b"\xff\xfe", COLS).is_err());
        assert!(read(b"", COLS).is_err());
    }
}
