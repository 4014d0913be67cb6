//! Charts as shapes, shared by the SVG of the HTML page and the vector drawing of the PDF, so
//! both show the same chart. Readable without colour: series differ by grey level, outline,
//! dash and marker shape, and every bar and point carries its number.
//!
//! Coordinates: x to the right, y downwards, in points; the PDF writer flips y.

use benk_domain::{fmt1, round1, Chart, ChartKind, Lang};

/// Where a text is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// At its start.
    Start,
    /// At its middle.
    Middle,
    /// At its end.
    End,
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A rectangle filled with a grey (0 black … 1 white) and outlined in black.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Fill grey.
        fill: f32,
    },
    /// A polyline.
    Line {
        /// Points.
        pts: Vec<(f32, f32)>,
        /// Width.
        width: f32,
        /// Dash length (`None`: solid).
        dash: Option<f32>,
        /// Grey (0 black).
        gray: f32,
    },
    /// A point marker: a filled circle, or an open square.
    Marker {
        /// Centre x.
        x: f32,
        /// Centre y.
        y: f32,
        /// Square (else circle).
        square: bool,
    },
    /// A text (baseline at `y`).
    Text {
        /// x.
        x: f32,
        /// Baseline.
        y: f32,
        /// The text.
        text: String,
        /// Font size.
        size: f32,
        /// Anchor.
        anchor: Anchor,
    },
}

/// The target line: thinner, grey and with longer dashes than any series, without markers.
const REFERENCE_WIDTH: f32 = 1.2;
const REFERENCE_DASH: f32 = 8.0;
const REFERENCE_GRAY: f32 = 0.35;

/// Grey of series `i`'s bars.
pub fn bar_gray(i: usize) -> f32 {
    [0.25, 0.85, 0.55, 1.0][i % 4]
}

fn dash(i: usize) -> Option<f32> {
    [None, Some(5.0), Some(2.0)][i % 3]
}

/// A "nice" top for the y axis: 1, 2 or 5 times a power of ten, at least `max`.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= max {
            return m * p;
        }
    }
    10.0 * p
}

fn label(lang: Lang, v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        fmt1(lang, round1(v))
    }
}

/// The chart's shapes in a `width` × `height` box.
pub fn draw(chart: &Chart, lang: Lang, width: f32, height: f32) -> Vec<Shape> {
    let mut out = Vec::new();
    let (left, right, bottom) = (36.0f32, 8.0f32, 34.0f32);
    // Legend: one item per series and one for the target (with its value, the only place it
    // is written: the line itself carries no label, so it never covers the values of the
    // points), on as many lines as the width needs.
    let mut items: Vec<(Option<usize>, String)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (Some(i), s.name.get(lang).to_string()))
        .collect();
    if let Some(r) = &chart.reference {
        items.push((
            None,
            format!("{}: {}", r.name.get(lang), label(lang, r.value)),
        ));
    }
    let (mut lx, mut row) = (left, 0.0f32);
    for (which, name) in items {
        let w = 22.0 + name.chars().count() as f32 * 5.5;
        if lx > left && lx + w > width - right {
            lx = left;
            row += 1.0;
        }
        let y = 13.0 + row * 14.0;
        match (which, chart.kind) {
            (Some(i), ChartKind::Bar | ChartKind::GroupedBar) => out.push(Shape::Rect {
                x: lx,
                y: y - 5.0,
                w: 10.0,
                h: 10.0,
                fill: bar_gray(i),
            }),
            (Some(i), ChartKind::Line | ChartKind::Cumulative) => {
                out.push(Shape::Line {
                    pts: vec![(lx, y), (lx + 18.0, y)],
                    width: 1.5,
                    dash: dash(i),
                    gray: 0.0,
                });
                out.push(Shape::Marker {
                    x: lx + 9.0,
                    y,
                    square: i % 2 == 1,
                });
            }
            (None, _) => out.push(Shape::Line {
                pts: vec![(lx, y), (lx + 18.0, y)],
                width: REFERENCE_WIDTH,
                dash: Some(REFERENCE_DASH),
                gray: REFERENCE_GRAY,
            }),
        }
        out.push(Shape::Text {
            x: lx + 22.0,
            y: y + 4.0,
            text: name,
            size: 9.0,
            anchor: Anchor::Start,
        });
        lx += w + 14.0;
    }
    let top = 30.0 + row * 14.0;
    let pw = width - left - right;
    let ph = height - top - bottom;
    let n = chart.categories.len().max(1);
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .chain(chart.reference.iter().map(|r| &r.value))
        .fold(0.0f64, |a, &b| a.max(b));
    let ytop = nice_top(max);
    let y_of = |v: f64| top + ph - (v / ytop) as f32 * ph;
    // Axes and grid.
    for k in 0..=4 {
        let v = ytop * f64::from(k) / 4.0;
        let y = y_of(v);
        out.push(Shape::Line {
            pts: vec![(left, y), (left + pw, y)],
            width: 0.5,
            dash: None,
            gray: if k == 0 { 0.0 } else { 0.8 },
        });
        out.push(Shape::Text {
            x: left - 4.0,
            y: y + 3.0,
            text: label(lang, v),
            size: 8.0,
            anchor: Anchor::End,
        });
    }
    let slot = pw / n as f32;
    // Category labels: every one if they fit, else every k-th.
    let longest = chart
        .categories
        .iter()
        .map(|c| c.get(lang).chars().count())
        .max()
        .unwrap_or(1) as f32;
    let step = ((longest * 4.6 + 6.0) / slot).ceil().max(1.0) as usize;
    for (i, c) in chart.categories.iter().enumerate() {
        if i % step == 0 {
            out.push(Shape::Text {
                x: left + slot * (i as f32 + 0.5),
                y: top + ph + 14.0,
                text: c.get(lang).to_string(),
                size: 8.0,
                anchor: Anchor::Middle,
            });
        }
    }
    if let Some(r) = &chart.reference {
        let y = y_of(r.value);
        out.push(Shape::Line {
            pts: vec![(left, y), (left + pw, y)],
            width: REFERENCE_WIDTH,
            dash: Some(REFERENCE_DASH),
            gray: REFERENCE_GRAY,
        });
    }
    let ns = chart.series.len().max(1);
    match chart.kind {
        ChartKind::Bar | ChartKind::GroupedBar => {
            let bw = (slot * 0.8 / ns as f32).min(40.0);
            for (si, s) in chart.series.iter().enumerate() {
                for (ci, v) in s.values.iter().enumerate() {
                    let x0 =
                        left + slot * ci as f32 + (slot - bw * ns as f32) / 2.0 + bw * si as f32;
                    match v {
                        Some(v) => {
                            let y = y_of(*v);
                            out.push(Shape::Rect {
                                x: x0,
                                y,
                                w: bw,
                                h: top + ph - y,
                                fill: bar_gray(si),
                            });
                            out.push(Shape::Text {
                                x: x0 + bw / 2.0,
                                y: y - 3.0,
                                text: label(lang, *v),
                                size: 7.5,
                                anchor: Anchor::Middle,
                            });
                        }
                        None => out.push(Shape::Text {
                            x: x0 + bw / 2.0,
                            y: top + ph - 3.0,
                            text: "–".into(),
                            size: 7.5,
                            anchor: Anchor::Middle,
                        }),
                    }
                }
            }
        }
        ChartKind::Line | ChartKind::Cumulative => {
            for (si, s) in chart.series.iter().enumerate() {
                let pts: Vec<(f32, f32)> = s
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(ci, v)| v.map(|v| (left + slot * (ci as f32 + 0.5), y_of(v))))
                    .collect();
                if pts.len() > 1 {
                    out.push(Shape::Line {
                        pts: pts.clone(),
                        width: 1.5,
                        dash: dash(si),
                        gray: 0.0,
                    });
                }
                let few = pts.len() <= 16;
                for (k, (x, y)) in pts.iter().enumerate() {
                    out.push(Shape::Marker {
                        x: *x,
                        y: *y,
                        square: si % 2 == 1,
                    });
                    if few || k + 1 == pts.len() {
                        let v = s.values.iter().flatten().nth(k).copied().unwrap_or(0.0);
                        out.push(Shape::Text {
                            x: *x,
                            y: if si % 2 == 0 { y - 6.0 } else { y + 12.0 },
                            text: label(lang, v),
                            size: 7.5,
                            anchor: Anchor::Middle,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The chart as an SVG element (escaped text, `role="img"`, a `<title>`).
pub fn svg(chart: &Chart, lang: Lang, width: f32, height: f32) -> String {
    use std::fmt::Write;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut s = format!(
        "<svg class=\"report-chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        esc(chart.title.get(lang))
    );
    let grey = |g: f32| {
        let v = (g.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("rgb({v},{v},{v})")
    };
    for sh in draw(chart, lang, width, height) {
        let _ = match sh {
            Shape::Rect { x, y, w, h, fill } => write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\" stroke=\"#000\" stroke-width=\"0.7\"/>",
                grey(fill)
            ),
            Shape::Line { pts, width, dash, gray } => {
                let p: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                write!(
                    s,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{}/>",
                    p.join(" "),
                    grey(gray),
                    dash.map(|d| format!(" stroke-dasharray=\"{d} {d}\"")).unwrap_or_default()
                )
            }
            Shape::Marker { x, y, square } => {
                if square {
                    write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\" fill=\"#fff\" stroke=\"#000\"/>", x - 3.0, y - 3.0)
                } else {
                    write!(s, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#000\"/>")
                }
            }
            Shape::Text { x, y, text, size, anchor } => write!(
                s,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{}\">{}</text>",
                match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                },
                esc(&text)
            ),
        };
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use benk_domain::{Reference, Series, L};

    fn texts(shapes: &[Shape]) -> Vec<(String, f32)> {
        shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, y, .. } => Some((text.clone(), *y)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_target_is_written_once_and_the_legend_wraps() {
        let chart = Chart {
            title: L::same("t"),
            kind: ChartKind::Line,
            categories: (1..=12).map(|m| L::same(format!("2026-{m:02}"))).collect(),
            series: vec![Series {
                name: L::same("Andel truffet av flere medarbeidere"),
                values: vec![Some(7.0); 12],
            }],
            people: false,
            reference: Some(Reference {
                name: L::new("Mål (høyst)", "Target (at most)"),
                value: 10.0,
            }),
            table_id: "x".into(),
        };
        let wide = draw(&chart, Lang::Nb, 640.0, 240.0);
        let t = texts(&wide);
        assert_eq!(t.iter().filter(|(s, _)| s.contains("Mål")).count(), 1);
        // Twelve values labelled, the target's value only in the legend.
        assert_eq!(t.iter().filter(|(s, _)| s == "7").count(), 12);
        assert!(t.iter().any(|(s, _)| s == "Mål (høyst): 10"));
        // One legend line at 640; two at 340, the target's on the second.
        let legend_y = |t: &[(String, f32)]| t.iter().find(|(s, _)| s.contains("Mål")).unwrap().1;
        assert_eq!(legend_y(&t), 17.0);
        assert_eq!(
            legend_y(&texts(&draw(&chart, Lang::Nb, 340.0, 260.0))),
            31.0
        );
        // The target line spans the plot, grey and long-dashed.
        assert!(wide
            .iter()
            .any(|s| matches!(s, Shape::Line { pts, dash: Some(d), .. }
            if *d == REFERENCE_DASH && pts.len() == 2 && pts[0].0 == 36.0 && pts[1].0 == 632.0)));
    }
}
