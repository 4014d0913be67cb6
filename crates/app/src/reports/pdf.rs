//! PDF, written in the binary with `pdf-writer` (no browser): A4 pages, the vendored DejaVu
//! Sans (embedded, so æøå print right on any machine; licence in `assets/fonts/`), text in the
//! font's WinAnsi encoding, tables that wrap their cells and repeat their header on a new page,
//! and the charts drawn as vector shapes from the same [`draw`](super::draw) as the HTML's SVG.
//!
//! [`extract_text`] reads the text back out of a PDF this module wrote, for tests.

use std::io::Write as _;
use std::sync::OnceLock;

use benk_domain::{Cell, Lang, Report, Table, L};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::draw::{self, Anchor, Shape};

/// The vendored font (DejaVu Sans 2.37, Bitstream Vera licence).
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;

/// The parsed font (parsed once).
fn face() -> Option<&'static ttf_parser::Face<'static>> {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(FONT, 0).ok())
        .as_ref()
}

/// The font's glyph for a character (`?`'s where the font has none; 0, `.notdef`, without a
/// font).
fn glyph(c: char) -> u16 {
    face().map_or(0, |f| {
        f.glyph_index(c)
            .or_else(|| f.glyph_index('?'))
            .map_or(0, |g| g.0)
    })
}

struct Metrics {
    ascent: f32,
    descent: f32,
    cap: f32,
    bbox: [f32; 4],
    scale: f32,
}

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| {
        let Some(face) = face() else {
            return Metrics {
                ascent: 760.0,
                descent: -240.0,
                cap: 729.0,
                bbox: [-1021.0, -463.0, 1793.0, 1232.0],
                scale: 1.0,
            };
        };
        let scale = 1000.0 / f32::from(face.units_per_em());
        let bb = face.global_bounding_box();
        Metrics {
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
            scale,
        }
    })
}

/// A glyph's advance in thousandths of an em.
fn advance(g: u16) -> f32 {
    face()
        .and_then(|f| f.glyph_hor_advance(ttf_parser::GlyphId(g)))
        .map_or(500.0, |a| f32::from(a) * metrics().scale)
}

fn width(s: &str, size: f32) -> f32 {
    s.chars().map(|c| advance(glyph(c))).sum::<f32>() * size / 1000.0
}

/// The glyphs a document uses: the font is embedded as a subset of just these (a CID font,
/// Identity-H: each shown string is two bytes per glyph, the glyph's id in the subset), and
/// the ToUnicode map turns them back into text for copying, searching and [`extract_text`].
struct Glyphs {
    remap: subsetter::GlyphRemapper,
    /// Subset glyph id → the character it was first used for.
    chars: std::collections::BTreeMap<u16, char>,
}

impl Glyphs {
    fn new() -> Glyphs {
        Glyphs {
            remap: subsetter::GlyphRemapper::new(),
            chars: std::collections::BTreeMap::new(),
        }
    }

    /// A text as two-byte subset glyph ids.
    fn encode(&mut self, s: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            let g = self.remap.remap(glyph(c));
            self.chars.entry(g).or_insert(c);
            out.extend(g.to_be_bytes());
        }
        out
    }
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
    glyphs: Glyphs,
    pages: Vec<Content>,
    cur: Content,
    y: f32,
}

impl Doc {
    fn new() -> Doc {
        Doc {
            glyphs: Glyphs::new(),
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
        let shown = self.glyphs.encode(s);
        let c = &mut self.cur;
        c.begin_text();
        if bold {
            c.set_text_rendering_mode(TextRenderingMode::FillStroke);
            c.set_line_width(size / 30.0);
        }
        c.set_font(Name(b"F1"), size);
        c.next_line(x, y);
        c.show(Str(&shown));
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
    write(doc.pages, doc.glyphs, r, lang)
}

fn write(pages: Vec<Content>, mut glyphs: Glyphs, r: &Report, lang: Lang) -> Vec<u8> {
    let m = metrics();
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let (catalog, tree, font, cid_font, descriptor, file, cmap, info) =
        (id(), id(), id(), id(), id(), id(), id(), id());
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
        content.show(Str(&glyphs.encode(&foot)));
        content.end_text();
        let data = content.finish();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        match z.write_all(data.as_slice()).and_then(|()| z.finish()) {
            Ok(packed) => {
                pdf.stream(cid, &packed).filter(Filter::FlateDecode);
            }
            Err(_) => {
                pdf.stream(cid, data.as_slice());
            }
        }
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree);
        p.contents(cid);
        p.resources().fonts().pair(Name(b"F1"), font);
        p.finish();
    }
    pdf.pages(tree).kids(kids).count(total as i32);
    // The subset's name: six capitals from the glyphs it holds, then "+" and the font's name.
    let tag: Vec<u8> = {
        let mut h: u32 = 2_166_136_261;
        for g in glyphs.remap.remapped_gids() {
            for b in g.to_be_bytes() {
                h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
            }
        }
        (0..6).map(|i| b'A' + ((h >> (i * 5)) % 26) as u8).collect()
    };
    let base = [tag.as_slice(), b"+DejaVuSans"].concat();
    pdf.type0_font(font)
        .base_font(Name(&base))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_font)
        .to_unicode(cmap);
    {
        let mut cf = pdf.cid_font(cid_font);
        cf.subtype(CidFontType::Type2)
            .base_font(Name(&base))
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            })
            .font_descriptor(descriptor)
            .default_width(500.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let advances: Vec<f32> = glyphs.remap.remapped_gids().map(advance).collect();
        cf.widths().consecutive(0, advances);
    }
    let mut map = UnicodeCmap::new(
        Name(b"Benk-UTF16"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (g, c) in &glyphs.chars {
        map.pair(*g, *c);
    }
    // Uncompressed (it is small), so that [`extract_text`] can read it.
    pdf.cmap(cmap, map.finish().as_slice());
    pdf.font_descriptor(descriptor)
        .name(Name(&base))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]))
        .italic_angle(0.0)
        .ascent(m.ascent)
        .descent(m.descent)
        .cap_height(m.cap)
        .stem_v(80.0)
        .font_file2(file);
    // Without a subset (a font the subsetter cannot read) the whole font goes in: the glyph
    // ids then are the font's own, so the content would not match; the vendored font always
    // subsets (the tests check it), so this is only a guard against a panic.
    let sub = subsetter::subset(FONT, 0, &glyphs.remap).unwrap_or_else(|_| FONT.to_vec());
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let packed = z.write_all(&sub).and_then(|()| z.finish());
    match packed {
        Ok(packed) => {
            let mut s = pdf.stream(file, &packed);
            s.filter(Filter::FlateDecode);
            s.pair(Name(b"Length1"), sub.len() as i32);
        }
        Err(_) => {
            pdf.stream(file, &sub)
                .pair(Name(b"Length1"), sub.len() as i32);
        }
    }
    pdf.document_info(info)
        .title(TextStr(r.title.get(lang)))
        .creator(TextStr("Benk"));
    pdf.finish()
}

/// The ToUnicode map of a PDF this module wrote: two-byte code → text (its `bfchar` lines).
fn to_unicode(pdf: &[u8]) -> std::collections::HashMap<u16, String> {
    let mut map = std::collections::HashMap::new();
    let text = String::from_utf8_lossy(pdf);
    for part in text.split("beginbfchar").skip(1) {
        let body = part.split("endbfchar").next().unwrap_or("");
        let hex: Vec<&str> = body
            .split(['<', '>'])
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect();
        for pair in hex.chunks(2) {
            let [code, uni] = pair else { continue };
            let Ok(code) = u16::from_str_radix(code, 16) else {
                continue;
            };
            let units: Vec<u16> = (0..uni.len() / 4)
                .filter_map(|i| u16::from_str_radix(uni.get(4 * i..4 * i + 4)?, 16).ok())
                .collect();
            map.insert(code, String::from_utf16_lossy(&units));
        }
    }
    map
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The text shown by a PDF this module wrote, one string per line in drawing order: it inflates
/// the page streams (compressed streams that are not the font) and decodes the strings before
/// each `Tj` through the font's ToUnicode map, as a PDF reader does when text is copied.
pub fn extract_text(pdf: &[u8]) -> String {
    use std::io::Read as _;
    let map = to_unicode(pdf);
    let mut out = String::new();
    let mut at = 0;
    while let Some(p) = find(&pdf[at..], b"stream") {
        let s = at + p;
        at = s + 6;
        if pdf[..s].ends_with(b"end") {
            continue;
        }
        let dict = &pdf[pdf[..s].windows(3).rposition(|w| w == b"obj").unwrap_or(0)..s];
        let start = s + 6 + usize::from(pdf.get(s + 6) == Some(&b'\r')) + 1;
        let Some(len) = pdf.get(start..).and_then(|b| find(b, b"endstream")) else {
            break;
        };
        at = start + len;
        if find(dict, b"/FlateDecode").is_some() && find(dict, b"/Length1").is_none() {
            let mut page = Vec::new();
            let mut z = flate2::read::ZlibDecoder::new(&pdf[start..start + len]);
            if z.read_to_end(&mut page).is_ok() {
                scan(&page, &map, &mut out);
            }
        }
    }
    // Uncompressed page streams (binary streams are skipped).
    scan(pdf, &map, &mut out);
    out
}

/// Appends the text of the strings shown with `Tj` in `pdf` (a page stream or a whole file).
fn scan(pdf: &[u8], map: &std::collections::HashMap<u16, String>, out: &mut String) {
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
                    for code in s.chunks(2) {
                        let code = u16::from_be_bytes([code[0], *code.get(1).unwrap_or(&0)]);
                        out.push_str(map.get(&code).map_or("\u{FFFD}", String::as_str));
                    }
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
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_through_the_subset_and_its_to_unicode_map() {
        let s = "Nøtterøy – Åsgårdstrand «æ» € −5 ≤ 3";
        let mut doc = Doc::new();
        doc.text(MARGIN, 400.0, s, 10.0, false);
        doc.new_page();
        let pdf = write(doc.pages, doc.glyphs, &tiny(), Lang::Nb);
        let text = extract_text(&pdf);
        assert_eq!(text.lines().next(), Some(s));
        // The footer is the second string.
        assert_eq!(text.lines().nth(1), Some("T · side 1 av 1"));
    }

    fn tiny() -> Report {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        Report {
            name: "t".into(),
            title: L::same("T"),
            team: "T".into(),
            from: day,
            to: day,
            made_on: day,
            definitions: vec![],
            sections: vec![],
            threshold: 5,
            suppressed: false,
            person_level_removed: false,
            withhold: vec![],
        }
    }

    #[test]
    fn the_font_is_a_subset() {
        // The whole DejaVu Sans is 759 720 bytes (about 430 KB packed); a subset of a few
        // dozen glyphs is a few KB.
        let mut g = Glyphs::new();
        g.encode("Teamets aktivitet æøå 0123456789");
        let sub = subsetter::subset(FONT, 0, &g.remap).unwrap();
        assert!(sub.len() < 40_000, "{}", sub.len());
        // .notdef, then the glyphs in the order of first use: "T" is glyph 1.
        assert_eq!(g.remap.get(glyph('T')), Some(1));
        assert_eq!(g.chars.get(&1), Some(&'T'));
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
