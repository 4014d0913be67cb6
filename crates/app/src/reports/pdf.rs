//! PDF, written in the binary with `pdf-writer` (no browser): A4 pages, the vendored DejaVu
//! Sans (embedded, so æøå print right on any machine; licence in `assets/fonts/`), text in the
//! font's WinAnsi encoding, tables that wrap their cells and repeat their header on a new page,
//! and the charts drawn as vector shapes from the same [`draw`](super::draw) as the HTML's SVG.
//!
//! [`extract_text`] reads the text back out of a PDF this module wrote, for tests.

use std::io::Write as _;
use std::sync::OnceLock;

use benk_domain::{Cell, Lang, Report, Table, L};
use pdf_writer::types::{FontFlags, TextRenderingMode};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::draw::{self, Anchor, Shape};

/// The vendored font (DejaVu Sans 2.37, Bitstream Vera licence).
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;

/// Windows-1252 code points 0x80–0x9F (0: undefined).
const CP1252_80: [u32; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// The character of a WinAnsi code.
fn decode_byte(b: u8) -> char {
    match b {
        0x80..=0x9F => char::from_u32(CP1252_80[usize::from(b - 0x80)]).unwrap_or('?'),
        _ => char::from(b),
    }
}

/// A text in WinAnsi; characters outside it become the nearest or "?".
fn encode(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            ' '..='~' | '\u{A0}'..='\u{FF}' => c as u8,
            '\u{2212}' => b'-',
            '\u{2264}' => b'<',
            _ => CP1252_80
                .iter()
                .position(|&u| u != 0 && u == c as u32)
                .map_or(b'?', |i| 0x80 + i as u8),
        })
        .collect()
}

struct Metrics {
    widths: [f32; 256],
    ascent: f32,
    descent: f32,
    cap: f32,
    bbox: [f32; 4],
}

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| {
        let mut widths = [0.0; 256];
        let Ok(face) = ttf_parser::Face::parse(FONT, 0) else {
            return Metrics {
                widths: [500.0; 256],
                ascent: 760.0,
                descent: -240.0,
                cap: 729.0,
                bbox: [-1021.0, -463.0, 1793.0, 1232.0],
            };
        };
        let scale = 1000.0 / f32::from(face.units_per_em());
        for (b, w) in widths.iter_mut().enumerate().skip(32) {
            let c = decode_byte(b as u8);
            *w = face
                .glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(500.0, |a| f32::from(a) * scale);
        }
        let bb = face.global_bounding_box();
        Metrics {
            widths,
            ascent: f32::from(face.ascender()) * scale,
            descent: f32::from(face.descender()) * scale,
            cap: face
                .capital_height()
                .map_or(729.0, |c| f32::from(c) * scale),
            bbox: [
                f32::from(bb.x_min) * scale,
                f32::from(bb.y_min) * scale,
                f32::from(bb.x_max) * scale,
                f32::from(bb.y_max) * scale,
            ],
        }
    })
}

fn width(s: &str, size: f32) -> f32 {
    let m = metrics();
    encode(s)
        .iter()
        .map(|b| m.widths[usize::from(*b)])
        .sum::<f32>()
        * size
        / 1000.0
}

/// Breaks a text into lines no wider than `max` (a word longer than a line is cut).
fn wrap(s: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let cand = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&cand, size) <= max || line.is_empty() {
                line = cand;
                while width(&line, size) > max && line.chars().count() > 1 {
                    // Cut an over-long word.
                    let mut cut = String::new();
                    for ch in line.chars() {
                        if width(&format!("{cut}{ch}"), size) > max {
                            break;
                        }
                        cut.push(ch);
                    }
                    if cut.is_empty() {
                        break;
                    }
                    let rest = line[cut.len()..].to_string();
                    lines.push(cut);
                    line = rest;
                }
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
        }
        lines.push(line);
    }
    lines
}

struct Doc {
    pages: Vec<Content>,
    cur: Content,
    y: f32,
}

impl Doc {
    fn new() -> Doc {
        Doc {
            pages: Vec::new(),
            cur: Content::new(),
            y: PAGE_H - MARGIN,
        }
    }

    fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.cur, Content::new());
        self.pages.push(done);
        self.y = PAGE_H - MARGIN;
    }

    /// Makes room for `h` points, on a new page if needed.
    fn ensure(&mut self, h: f32) {
        if self.y - h < MARGIN + 14.0 {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool) {
        let c = &mut self.cur;
        c.begin_text();
        if bold {
            c.set_text_rendering_mode(TextRenderingMode::FillStroke);
            c.set_line_width(size / 30.0);
        }
        c.set_font(Name(b"F1"), size);
        c.next_line(x, y);
        c.show(Str(&encode(s)));
        if bold {
            c.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        c.end_text();
    }

    fn para(&mut self, s: &str, size: f32, bold: bool) {
        let lead = size * 1.35;
        for line in wrap(s, size, BODY_W) {
            self.ensure(lead);
            self.y -= lead;
            let y = self.y;
            self.text(MARGIN, y, &line, size, bold);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    fn table(&mut self, t: &Table, lang: Lang, threshold: i64) {
        const SIZE: f32 = 8.0;
        const PAD: f32 = 4.0;
        let lead = SIZE * 1.3;
        let n = t.columns.len().max(1);
        let text_of = |c: &Cell| c.display(lang, threshold);
        let mut natural = vec![0.0f32; n];
        let mut least = vec![0.0f32; n];
        for (i, h) in t.columns.iter().enumerate() {
            natural[i] = natural[i].max(width(h.get(lang), SIZE) + 2.0 * PAD);
            least[i] = least[i].max(
                h.get(lang)
                    .split(' ')
                    .map(|w| width(w, SIZE))
                    .fold(0.0, f32::max)
                    + 2.0 * PAD,
            );
        }
        for row in &t.rows {
            for (i, c) in row.iter().enumerate().take(n) {
                let s = text_of(c);
                natural[i] = natural[i].max(width(&s, SIZE) + 2.0 * PAD);
                let longest = if c.is_numeric() {
                    width(&s, SIZE)
                } else {
                    s.split(' ').map(|w| width(w, SIZE)).fold(0.0, f32::max)
                };
                least[i] = least[i].max(longest.min(120.0) + 2.0 * PAD);
            }
        }
        let total: f32 = natural.iter().sum();
        let widths: Vec<f32> = if total <= BODY_W {
            natural
        } else {
            let base: f32 = least.iter().sum();
            let extra = (BODY_W - base).max(0.0);
            let want: f32 = natural
                .iter()
                .zip(&least)
                .map(|(a, b)| a - b)
                .sum::<f32>()
                .max(1.0);
            natural
                .iter()
                .zip(&least)
                .map(|(nat, l)| l + (nat - l) * extra / want)
                .collect()
        };
        let header: Vec<Vec<String>> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, h)| wrap(h.get(lang), SIZE, widths[i] - 2.0 * PAD))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 4.0;
        let draw_header = |doc: &mut Doc| {
            let top = doc.y;
            let mut x = MARGIN;
            for (i, lines) in header.iter().enumerate() {
                for (k, l) in lines.iter().enumerate() {
                    let y = top - lead * (k as f32 + 1.0);
                    let numeric = i > 0;
                    let lx = if numeric {
                        x + widths[i] - PAD - width(l, SIZE)
                    } else {
                        x + PAD
                    };
                    doc.text(lx, y, l, SIZE, true);
                }
                x += widths[i];
            }
            doc.y -= header_h;
            let y = doc.y + 2.0;
            let w: f32 = widths.iter().sum();
            doc.cur.set_line_width(0.8);
            doc.cur.move_to(MARGIN, y).line_to(MARGIN + w, y).stroke();
        };
        self.ensure(header_h + lead * 2.0 + 16.0);
        self.para(t.title.get(lang), 10.0, true);
        self.gap(3.0);
        draw_header(self);
        for row in &t.rows {
            let cells: Vec<(Vec<String>, bool)> = row
                .iter()
                .enumerate()
                .take(n)
                .map(|(i, c)| {
                    (
                        wrap(&text_of(c), SIZE, widths[i] - 2.0 * PAD),
                        c.is_numeric(),
                    )
                })
                .collect();
            let h = cells.iter().map(|c| c.0.len()).max().unwrap_or(1) as f32 * lead + 3.0;
            if self.y - h < MARGIN + 14.0 {
                self.new_page();
                draw_header(self);
            }
            let top = self.y;
            let mut x = MARGIN;
            for (i, (lines, numeric)) in cells.iter().enumerate() {
                for (k, l) in lines.iter().enumerate() {
                    let y = top - lead * (k as f32 + 1.0);
                    let lx = if *numeric {
                        x + widths[i] - PAD - width(l, SIZE)
                    } else {
                        x + PAD
                    };
                    self.text(lx, y, l, SIZE, false);
                }
                x += widths[i];
            }
            self.y -= h;
            let w: f32 = widths.iter().sum();
            self.cur.set_line_width(0.3);
            self.cur.set_stroke_gray(0.6);
            self.cur
                .move_to(MARGIN, self.y + 1.0)
                .line_to(MARGIN + w, self.y + 1.0)
                .stroke();
            self.cur.set_stroke_gray(0.0);
        }
        if let Some(note) = &t.note {
            self.para(note.get(lang), 8.0, false);
        }
        self.gap(10.0);
    }

    fn chart(&mut self, c: &benk_domain::Chart, lang: Lang) {
        let (w, h) = (BODY_W, 190.0);
        self.ensure(h + 24.0);
        self.para(c.title.get(lang), 10.0, true);
        let top = self.y;
        let (x0, y0) = (MARGIN, top);
        let py = |y: f32| y0 - y;
        for s in draw::draw(c, lang, w, h) {
            match s {
                Shape::Rect { x, y, w, h, fill } => {
                    let cur = &mut self.cur;
                    cur.set_fill_gray(fill);
                    cur.set_line_width(0.7);
                    cur.rect(x0 + x, py(y + h), w, h);
                    cur.fill_nonzero_and_stroke();
                    cur.set_fill_gray(0.0);
                }
                Shape::Line {
                    pts,
                    width,
                    dash,
                    gray,
                } => {
                    let cur = &mut self.cur;
                    cur.set_line_width(width);
                    cur.set_stroke_gray(gray);
                    if let Some(d) = dash {
                        cur.set_dash_pattern([d, d], 0.0);
                    }
                    if let Some((fx, fy)) = pts.first() {
                        cur.move_to(x0 + fx, py(*fy));
                        for (x, y) in &pts[1..] {
                            cur.line_to(x0 + x, py(*y));
                        }
                        cur.stroke();
                    }
                    if dash.is_some() {
                        cur.set_dash_pattern(std::iter::empty::<f32>(), 0.0);
                    }
                    cur.set_stroke_gray(0.0);
                }
                Shape::Marker { x, y, square } => {
                    let cur = &mut self.cur;
                    let (cx, cy) = (x0 + x, py(y));
                    cur.set_line_width(0.8);
                    if square {
                        cur.set_fill_gray(1.0);
                        cur.rect(cx - 3.0, cy - 3.0, 6.0, 6.0);
                        cur.fill_nonzero_and_stroke();
                        cur.set_fill_gray(0.0);
                    } else {
                        let r = 3.0;
                        let k = 0.552 * r;
                        cur.move_to(cx + r, cy);
                        cur.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
                        cur.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
                        cur.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
                        cur.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
                        cur.close_path();
                        cur.fill_nonzero();
                    }
                }
                Shape::Text {
                    x,
                    y,
                    text,
                    size,
                    anchor,
                } => {
                    let tw = width(&text, size);
                    let lx = match anchor {
                        Anchor::Start => x,
                        Anchor::Middle => x - tw / 2.0,
                        Anchor::End => x - tw,
                    };
                    self.text(x0 + lx, py(y), &text, size, false);
                }
            }
        }
        self.y = top - h - 10.0;
    }
}

fn l(lang: Lang, nb: &str, en: &str) -> String {
    L::new(nb, en).get(lang).to_string()
}

/// Renders the report (already the audience's copy) as a PDF.
pub fn render(r: &Report, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new();
    doc.para(r.title.get(lang), 18.0, true);
    doc.gap(4.0);
    let period = match lang {
        Lang::Nb => format!(
            "{} · {}–{} · laget {}",
            r.team,
            r.from.format("%d.%m.%Y"),
            r.to.format("%d.%m.%Y"),
            r.made_on.format("%d.%m.%Y")
        ),
        Lang::En => format!("{} · {} to {} · made {}", r.team, r.from, r.to, r.made_on),
    };
    doc.para(&period, 10.0, false);
    doc.para(r.suppression_note().get(lang), 8.5, false);
    doc.gap(8.0);
    for s in &r.sections {
        // Keep a heading with what follows it: the first chart, or the first table's start.
        doc.ensure(if s.charts.is_empty() { 90.0 } else { 260.0 });
        doc.gap(4.0);
        doc.para(s.title.get(lang), 13.0, true);
        if let Some(i) = &s.intro {
            doc.para(i.get(lang), 9.0, false);
        }
        doc.gap(6.0);
        for c in &s.charts {
            doc.chart(c, lang);
        }
        for t in &s.tables {
            doc.table(t, lang, r.threshold);
        }
    }
    doc.ensure(60.0);
    doc.para(&l(lang, "Definisjoner", "Definitions"), 13.0, true);
    doc.gap(2.0);
    for d in &r.definitions {
        doc.para(d.get(lang), 9.0, false);
        doc.gap(3.0);
    }
    doc.new_page();
    write(doc.pages, r, lang)
}

fn write(pages: Vec<Content>, r: &Report, lang: Lang) -> Vec<u8> {
    let m = metrics();
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let (catalog, tree, font, descriptor, file, info) = (id(), id(), id(), id(), id(), id());
    pdf.catalog(catalog).pages(tree);
    let total = pages.len();
    let mut kids = Vec::new();
    for (i, mut content) in pages.into_iter().enumerate() {
        let (page, cid) = (id(), id());
        kids.push(page);
        let foot = match lang {
            Lang::Nb => format!("{} · side {} av {total}", r.title.nb, i + 1),
            Lang::En => format!("{} · page {} of {total}", r.title.en, i + 1),
        };
        let fw = width(&foot, 8.0);
        content.begin_text();
        content.set_font(Name(b"F1"), 8.0);
        content.next_line(PAGE_W - MARGIN - fw, MARGIN - 18.0);
        content.show(Str(&encode(&foot)));
        content.end_text();
        let data = content.finish();
        pdf.stream(cid, data.as_slice());
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree);
        p.contents(cid);
        p.resources().fonts().pair(Name(b"F1"), font);
        p.finish();
    }
    pdf.pages(tree).kids(kids).count(total as i32);
    {
        let mut f = pdf.indirect(font).dict();
        f.pair(Name(b"Type"), Name(b"Font"));
        f.pair(Name(b"Subtype"), Name(b"TrueType"));
        f.pair(Name(b"BaseFont"), Name(b"DejaVuSans"));
        f.pair(Name(b"FirstChar"), 32);
        f.pair(Name(b"LastChar"), 255);
        f.insert(Name(b"Widths"))
            .array()
            .items(m.widths[32..].iter().copied());
        f.pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"));
        f.pair(Name(b"FontDescriptor"), descriptor);
        f.finish();
    }
    pdf.font_descriptor(descriptor)
        .name(Name(b"DejaVuSans"))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]))
        .italic_angle(0.0)
        .ascent(m.ascent)
        .descent(m.descent)
        .cap_height(m.cap)
        .stem_v(80.0)
        .font_file2(file);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let packed = z.write_all(FONT).and_then(|()| z.finish());
    match packed {
        Ok(packed) => {
            let mut s = pdf.stream(file, &packed);
            s.filter(Filter::FlateDecode);
            s.pair(Name(b"Length1"), FONT.len() as i32);
        }
        Err(_) => {
            pdf.stream(file, FONT)
                .pair(Name(b"Length1"), FONT.len() as i32);
        }
    }
    pdf.document_info(info)
        .title(TextStr(r.title.get(lang)))
        .creator(TextStr("Benk"));
    pdf.finish()
}

/// The text shown by a PDF this module wrote, one string per line in drawing order (it
/// decodes the strings before each `Tj` of the uncompressed page streams).
pub fn extract_text(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    let mut last: Option<Vec<u8>> = None;
    while i < pdf.len() {
        match pdf[i] {
            b'(' => {
                let mut depth = 1;
                let mut s = Vec::new();
                i += 1;
                while i < pdf.len() && depth > 0 {
                    match pdf[i] {
                        b'\\' if i + 1 < pdf.len() => {
                            i += 1;
                            match pdf[i] {
                                b'n' => s.push(b'\n'),
                                b'r' => s.push(b'\r'),
                                b't' => s.push(b'\t'),
                                b'b' => s.push(8),
                                b'f' => s.push(12),
                                b'0'..=b'7' => {
                                    let mut v = 0u32;
                                    let mut k = 0;
                                    while k < 3 && i < pdf.len() && (b'0'..=b'7').contains(&pdf[i])
                                    {
                                        v = v * 8 + u32::from(pdf[i] - b'0');
                                        i += 1;
                                        k += 1;
                                    }
                                    i -= 1;
                                    s.push(v as u8);
                                }
                                c => s.push(c),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            s.push(b'(');
                        }
                        b')' => {
                            depth -= 1;
                            if depth > 0 {
                                s.push(b')');
                            }
                        }
                        c => s.push(c),
                    }
                    i += 1;
                }
                last = Some(s);
                continue;
            }
            b'<' if pdf.get(i + 1) != Some(&b'<') => {
                let end = pdf[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(pdf.len(), |p| i + p);
                let hex: Vec<u8> = pdf[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let s = hex
                    .chunks(2)
                    .filter_map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
                    .collect();
                last = Some(s);
                i = end + 1;
                continue;
            }
            b'<' => {
                i += 2;
                continue;
            }
            b'T' if pdf.get(i + 1) == Some(&b'j') => {
                if let Some(s) = last.take() {
                    out.extend(s.into_iter().map(decode_byte));
                    out.push('\n');
                }
            }
            b's' if pdf[i..].starts_with(b"stream") && !pdf[..i].ends_with(b"end") => {
                // Skip binary streams (the font): only page streams hold text.
                let start = i;
                let end = pdf[start..]
                    .windows(9)
                    .position(|w| w == b"endstream")
                    .map_or(pdf.len(), |p| start + p);
                let body = &pdf[start..end];
                if body.iter().take(64).any(|b| *b > 0x7F || *b == 0) {
                    i = end + 9;
                    continue;
                }
            }
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winansi_round_trip() {
        let s = "Nøtterøy – Åsgårdstrand «æ» €";
        let back: String = encode(s).into_iter().map(decode_byte).collect();
        assert_eq!(back, s);
        assert_eq!(encode("−5"), b"-5");
    }

    #[test]
    fn widths_come_from_the_font() {
        // DejaVu Sans: "i" is narrower than "W"; a space is 318/1000 em.
        assert!(width("i", 10.0) < width("W", 10.0));
        assert!((width(" ", 10.0) - 3.18).abs() < 0.01);
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let s = "Median / Snitt / Spredning for hvert spørsmål, som i SPoR-rapporten";
        let lines = wrap(s, 9.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), s);
        assert!(lines.iter().all(|l| width(l, 9.0) <= 100.0));
    }
}
