//! XLSX: a first sheet about the report (title, team, period, definitions, suppression), then
//! one sheet per table, named by the table's id. Numbers are numbers: a count as a whole
//! number, a decimal rounded to one decimal, a percentage as a number with a percent format
//! and its numerator and denominator in the two columns after it, a range as two columns
//! (lowest, highest). A hidden small number is the text "<5".

use benk_domain::{percent, round1, Cell, Lang, Report, L};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// How one column of the model becomes sheet columns.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    Plain,
    Percent,
    Range,
}

fn label(lang: Lang, nb: &str, en: &str) -> String {
    L::new(nb, en).get(lang).to_string()
}

/// Renders the report (already the audience's copy) as an XLSX file.
pub fn render(r: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let one = Format::new().set_num_format("0.0");
    let pct = Format::new().set_num_format("0.0 %");
    {
        let ws = wb.add_worksheet();
        ws.set_name(label(lang, "Om rapporten", "About"))?;
        ws.set_column_width(0, 22)?;
        ws.set_column_width(1, 100)?;
        ws.write_string_with_format(0, 0, r.title.get(lang), &title)?;
        let rows = [
            (label(lang, "Team", "Team"), r.team.clone()),
            (label(lang, "Fra og med", "From"), r.from.to_string()),
            (label(lang, "Til og med", "To"), r.to.to_string()),
            (label(lang, "Laget", "Made on"), r.made_on.to_string()),
            (
                label(lang, "Små tall", "Small numbers"),
                r.suppression_note().get(lang).to_string(),
            ),
        ];
        let mut row = 2;
        for (k, v) in rows {
            ws.write_string_with_format(row, 0, k, &bold)?;
            ws.write_string_with_format(row, 1, v, &wrap)?;
            row += 1;
        }
        row += 1;
        ws.write_string_with_format(row, 0, label(lang, "Definisjoner", "Definitions"), &bold)?;
        for d in &r.definitions {
            ws.write_string_with_format(row, 1, d.get(lang), &wrap)?;
            row += 1;
        }
    }
    for t in r.tables() {
        let ws = wb.add_worksheet();
        let name: String = t.id.chars().take(31).collect();
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, t.title.get(lang), &title)?;
        let kinds: Vec<Col> = (0..t.columns.len())
            .map(|ci| {
                let cells = t.rows.iter().filter_map(|row| row.get(ci));
                if cells.clone().any(|c| matches!(c, Cell::Percent { .. })) {
                    Col::Percent
                } else if cells.clone().any(|c| matches!(c, Cell::Range { .. })) {
                    Col::Range
                } else {
                    Col::Plain
                }
            })
            .collect();
        let mut x: u16 = 0;
        for (ci, c) in t.columns.iter().enumerate() {
            let h = c.get(lang);
            match kinds[ci] {
                Col::Plain => {
                    ws.write_string_with_format(1, x, h, &bold)?;
                    ws.set_column_width(x, if ci == 0 { 36 } else { 14 })?;
                    x += 1;
                }
                Col::Percent => {
                    ws.write_string_with_format(1, x, h, &bold)?;
                    ws.write_string_with_format(
                        1,
                        x + 1,
                        format!("{h}: {}", label(lang, "teller", "numerator")),
                        &bold,
                    )?;
                    ws.write_string_with_format(
                        1,
                        x + 2,
                        format!("{h}: {}", label(lang, "nevner", "denominator")),
                        &bold,
                    )?;
                    for k in 0..3 {
                        ws.set_column_width(x + k, 14)?;
                    }
                    x += 3;
                }
                Col::Range => {
                    ws.write_string_with_format(
                        1,
                        x,
                        format!("{h}: {}", label(lang, "lavest", "lowest")),
                        &bold,
                    )?;
                    ws.write_string_with_format(
                        1,
                        x + 1,
                        format!("{h}: {}", label(lang, "høyest", "highest")),
                        &bold,
                    )?;
                    ws.set_column_width(x, 14)?;
                    ws.set_column_width(x + 1, 14)?;
                    x += 2;
                }
            }
        }
        for (ri, row) in t.rows.iter().enumerate() {
            let y = 2 + ri as u32;
            let mut x: u16 = 0;
            for (ci, cell) in row.iter().enumerate() {
                let kind = kinds.get(ci).copied().unwrap_or(Col::Plain);
                match cell {
                    Cell::Count { n, .. } | Cell::Total { n, .. } => {
                        ws.write_number(y, x, *n as f64)?;
                    }
                    Cell::Percent { num, den } => {
                        if let Some(p) = percent(*num, *den) {
                            ws.write_number_with_format(y, x, round1(p) / 100.0, &pct)?;
                        }
                        ws.write_number(y, x + 1, *num as f64)?;
                        ws.write_number(y, x + 2, *den as f64)?;
                    }
                    Cell::Decimal { v: Some(v), .. } => {
                        ws.write_number_with_format(y, x, round1(*v), &one)?;
                    }
                    Cell::Range { min, max, .. } => {
                        ws.write_number_with_format(y, x, round1(*min), &one)?;
                        ws.write_number_with_format(y, x + 1, round1(*max), &one)?;
                    }
                    Cell::Text { text } => {
                        ws.write_string(y, x, text.get(lang))?;
                    }
                    Cell::Suppressed => {
                        ws.write_string(y, x, format!("<{}", r.threshold))?;
                    }
                    Cell::Withheld => {
                        ws.write_string(y, x, ":")?;
                    }
                    Cell::Decimal { v: None, .. } | Cell::Empty => {}
                }
                x += match kind {
                    Col::Plain => 1,
                    Col::Percent => 3,
                    Col::Range => 2,
                };
            }
        }
        if let Some(n) = &t.note {
            ws.write_string(2 + t.rows.len() as u32 + 1, 0, n.get(lang))?;
        }
    }
    wb.save_to_buffer()
}
