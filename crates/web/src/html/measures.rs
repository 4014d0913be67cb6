//! Outcome measures on the pages (issue 10): the measures section of the person's page (charts
//! drawn here as inline SVG, readable without colour, each with its numbers as a table), the
//! measures page with the quick forms (ORS/SRS, GAF, SPoR interview), the due list
//! ("Målinger som forfaller") and the SPoR rounds. Who may do what is decided in
//! `benk_app::measures`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::measures::{self, DuePoint, Measure, Measures, NewInterview, NewValues, Round};
use benk_app::{access, Actor, AppError, FieldError};
use benk_domain::{
    ChangeCategory, Lang, MeasureKind, PointStatus, Purpose, Tenths, ORS_CUTOFF, ORS_ITEMS,
    RELIABLE_CHANGE, SPOR_QUESTIONS, SRS_FLAG_BELOW, SRS_ITEMS,
};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{self, Msg, Shown};
use super::intake::form::{iso, parse_date, Fd, FormState};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

page_texts! {
    /// The words of the measures pages.
    Mt, fn mt;
    title: "Målinger", "Measures";
    intro: "Kartlegginger brukeren og teamet gjør sammen: ORS og SRS (KOR), GAF og SPoR-intervjuet. Målinger er helseopplysninger.", "Measures the person and the team take together: ORS and SRS (FIT), GAF and the SPoR interview. Measures are health information.";
    open_page: "Registrer og se alle målinger", "Record and see all measures";
    ors_srs_chart: "ORS og SRS over tid", "ORS and SRS over time";
    gaf_chart: "GAF over tid", "GAF over time";
    show_numbers: "Vis tallene", "Show the numbers";
    none: "Ingen målinger ennå.", "No measures yet.";
    date: "Dato", "Date";
    total: "Sum", "Total";
    change: "Endring fra første ORS", "Change from the first ORS";
    clinical: "Under klinisk grense (25)", "Below the clinical cut-off (25)";
    flagged: "SRS under 36: snakk med brukeren om samarbeidet", "SRS under 36: talk with the person about the work together";
    symptom: "GAF symptom", "GAF symptom";
    function: "GAF funksjon", "GAF function";
    by: "Registrert av", "Recorded by";
    corrected: "rettet", "corrected";
    versions: "versjoner", "versions";
    cutoff_label: "Klinisk grense 25", "Clinical cut-off 25";
    band_label: "Pålitelig endring: ±5 fra første ORS", "Reliable change: ±5 from the first ORS";
    srs_line_label: "SRS 36", "SRS 36";
    points: "Målepunkter", "Measurement points";
    point: "Målepunkt", "Measurement point";
    window: "Vindu", "Window";
    status: "Status", "Status";
    missing: "Mangler", "Missing";
    inclusion: "Inntak", "Inclusion";
    months: "måneder", "months";
    add_ors: "Registrer ORS", "Record ORS";
    add_srs: "Registrer SRS", "Record SRS";
    add_gaf: "Registrer GAF", "Record GAF";
    add_interview: "Registrer SPoR-intervju", "Record a SPoR interview";
    item_hint: "0–10, én desimal (for eksempel 6,3).", "0–10, one decimal (for example 6.3).";
    gaf_hint: "Hele tall 1–100.", "Whole numbers 1–100.";
    measured_on: "Dato for målingen", "Date of the measure";
    save: "Lagre", "Save";
    correct_interview: "Rett intervjuet", "Correct the interview";
    earlier_versions: "Tidligere versjoner", "Earlier versions";
    version_of: "Versjon:", "Version:";
    correction_reason: "Hvorfor det ble rettet", "Why it was corrected";
    correct_title: "Rett SPoR-intervju", "Correct a SPoR interview";
    correct_intro: "Skriv inn intervjuet slik det skulle vært, og hvorfor det rettes. Den gamle versjonen tas vare på og vises som historikk. Bare den som registrerte intervjuet kan rette det.", "Enter the interview as it should have been, and why it is corrected. The old version is kept and shown as history. Only the person who recorded the interview can correct it.";
    correct_reason: "Hvorfor rettes intervjuet?", "Why is the interview corrected?";
    current_version: "Slik er intervjuet registrert nå", "The interview as recorded now";
    save_correction: "Lagre rettingen", "Save the correction";
    back_to_measures: "Tilbake til målingene", "Back to the measures";
    corrected_saved: "Intervjuet er rettet. Den gamle versjonen er tatt vare på.", "The interview has been corrected. The old version has been kept.";
    saved: "Målingen er lagret.", "The measure has been saved.";
    has_errors: "Noe må rettes:", "Something needs fixing:";
    retract: "Slett", "Delete";
    retract_reason: "Hvorfor slettes målingen?", "Why is the measure deleted?";
    retracted: "Målingen er slettet. Den ligger fortsatt i historikken.", "The measure has been deleted. It is still kept in the history.";
    back: "Tilbake til personen", "Back to the person";
    interviews: "SPoR-intervjuer", "SPoR interviews";
    round: "Intervjurunde", "Interview round";
    no_rounds: "Teamet har ingen intervjurunde ennå. Start en under SPoR-runder.", "The team has no interview round yet. Start one under SPoR rounds.";
    interviewed_on: "Intervjudato", "Date of the interview";
    interviewer: "Intervjuer", "Interviewer";
    municipality: "Kommune", "Municipality";
    age: "Alder", "Age";
    contact_years: "År i kontakt med tjenestene", "Years of contact with the services";
    scale_hint: "Skala 1–9, desimaler tillatt (1,5 eller 6,3). Tomt: ikke besvart.", "Scale 1–9, decimals allowed (1.5 or 6.3). Empty: not answered.";
    due_title: "Målinger som forfaller", "Measures due";
    due_intro: "Målepunkter der GAF eller ORS mangler: i vinduet nå (forfaller) eller etter vinduet (forfalt).", "Measurement points where GAF or ORS is missing: in the window now (due) or past it (overdue).";
    due_mine: "Mine brukere", "My people";
    due_team: "Hele teamet", "The whole team";
    due_none: "Ingen målinger forfaller.", "No measures are due.";
    person: "Person", "Person";
    spor_title: "SPoR-runder", "SPoR rounds";
    spor_intro: "Brukerintervjuene fra SPoR-veilederen: tallene per runde (median, snitt, spredning), uten navn.", "The user interviews of the SPoR guide: the figures per round (median, mean, range), without names.";
    participants: "Deltakere", "Participants";
    median: "Median", "Median";
    mean: "Snitt", "Mean";
    range: "Spredning", "Range";
    question: "Spørsmål", "Question";
    new_round: "Start en ny runde", "Start a new round";
    round_name: "Navn på runden", "Name of the round";
    started_on: "Startdato", "Start date";
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One series of a chart: label, points (date, value), dashed, marker (circle or square).
struct Series<'a> {
    label: &'a str,
    points: Vec<(NaiveDate, f64)>,
    dashed: bool,
    square: bool,
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const L: f64 = 40.0;
const R: f64 = 96.0;
const T: f64 = 12.0;
const B: f64 = 28.0;

/// A line chart as inline SVG. Series are told apart by dash and marker shape and are
/// labelled at their last point, so the chart reads without colour. `lines` are horizontal
/// reference lines (value, label); `band` a hatched band (low, high, label).
fn chart(
    title: &str,
    id: &str,
    ymax: f64,
    series: &[Series<'_>],
    lines: &[(f64, &str)],
    band: Option<(f64, f64, &str)>,
    layout: &Layout,
) -> String {
    let dates: Vec<NaiveDate> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    let (Some(d0), Some(d1)) = (dates.iter().min(), dates.iter().max()) else {
        return String::new();
    };
    let span = ((*d1 - *d0).num_days().max(1)) as f64;
    let x = |d: NaiveDate| L + (d - *d0).num_days() as f64 / span * (W - L - R);
    let y = |v: f64| T + (1.0 - v / ymax) * (H - T - B);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-t\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title>\
         <defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8a94a6\" \
         stroke-width=\"2\"/></pattern></defs>",
        esc(title)
    );
    // Axes and grid (every quarter of the scale).
    for k in 0..=4 {
        let v = ymax * k as f64 / 4.0;
        let yy = y(v);
        s.push_str(&format!(
            "<line x1=\"{L}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#d5dae3\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            W - R,
            L - 4.0,
            yy + 4.0,
            v as i64
        ));
    }
    s.push_str(&format!(
        "<text x=\"{L}\" y=\"{:.1}\" font-size=\"11\" fill=\"#444\">{}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">{}</text>",
        H - 8.0,
        esc(&layout.date(d0)),
        W - R,
        H - 8.0,
        esc(&layout.date(d1))
    ));
    if let Some((lo, hi, label)) = band {
        let (lo, hi) = (lo.max(0.0), hi.min(ymax));
        s.push_str(&format!(
            "<rect x=\"{L}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"url(#{id}-hatch)\" opacity=\"0.45\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#333\">{}</text>",
            y(hi),
            W - L - R,
            (y(lo) - y(hi)).max(0.0),
            L + 4.0,
            y(hi) - 3.0,
            esc(label)
        ));
    }
    for (v, label) in lines {
        s.push_str(&format!(
            "<line x1=\"{L}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#9b1c1c\" stroke-width=\"1.5\" \
             stroke-dasharray=\"2 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#9b1c1c\">{}</text>",
            W - R,
            W - R + 4.0,
            y(*v) + 3.0,
            esc(label),
            yy = y(*v)
        ));
    }
    let colours = ["#1d4ed8", "#0f766e"];
    for (i, se) in series.iter().enumerate() {
        if se.points.is_empty() {
            continue;
        }
        let c = colours[i % colours.len()];
        let path: Vec<String> = se
            .points
            .iter()
            .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
            .collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"{}/>",
            path.join(" "),
            if se.dashed {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            }
        ));
        for (d, v) in &se.points {
            let (px, py) = (x(*d), y(*v));
            if se.square {
                s.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"#fff\" stroke=\"{c}\" stroke-width=\"2\"/>",
                    px - 3.5,
                    py - 3.5
                ));
            } else {
                s.push_str(&format!(
                    "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3.5\" fill=\"{c}\"/>"
                ));
            }
        }
        let (ld, lv) = se.points[se.points.len() - 1];
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"{c}\">{}</text>",
            x(ld) + 7.0,
            y(lv) + (if i == 0 { -6.0 } else { 12.0 }),
            esc(se.label)
        ));
    }
    s.push_str("</svg>");
    s
}

/// One row of the ORS/SRS table.
pub(crate) struct ItemsRow {
    pub(crate) id: Uuid,
    pub(crate) date: String,
    pub(crate) items: Vec<String>,
    pub(crate) total: String,
    pub(crate) note: String,
    pub(crate) corrected: bool,
    pub(crate) by: String,
    pub(crate) own: bool,
}

/// One row of the GAF table.
pub(crate) struct GafRow {
    pub(crate) id: Uuid,
    pub(crate) date: String,
    pub(crate) symptom: i64,
    pub(crate) function: i64,
    pub(crate) note: String,
    pub(crate) corrected: bool,
    pub(crate) by: String,
    pub(crate) own: bool,
}

/// A measurement point as shown.
pub(crate) struct PointRow {
    pub(crate) label: String,
    pub(crate) window: String,
    pub(crate) status: String,
    pub(crate) css: &'static str,
    pub(crate) missing: String,
}

/// The measures section of the person's page (`client_measures.html`).
pub(crate) struct MeasuresUi {
    pub(crate) client_id: Uuid,
    pub(crate) m: &'static Mt,
    pub(crate) ors_srs_svg: String,
    pub(crate) gaf_svg: String,
    pub(crate) ors: Vec<ItemsRow>,
    pub(crate) srs: Vec<ItemsRow>,
    pub(crate) gaf: Vec<GafRow>,
    pub(crate) points: Vec<PointRow>,
    pub(crate) interviews: Vec<benk_app::measures::Interview>,
    pub(crate) earlier_interviews: Vec<benk_app::measures::Interview>,
    pub(crate) me: Uuid,
    pub(crate) latest_flag: Option<String>,
}

fn point_label(m: &Mt, months: u32) -> String {
    if months == 0 {
        m.inclusion.to_string()
    } else {
        format!("{months} {}", m.months)
    }
}

fn status_css(code: &str) -> &'static str {
    match code {
        "done" => "ok-badge",
        "overdue" => "warn-badge",
        "due" => "due-badge",
        _ => "",
    }
}

fn kinds_label(codes: &[String], lang: Lang) -> String {
    codes
        .iter()
        .filter_map(|c| MeasureKind::from_code(c).map(|k| k.label(lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn items_rows(list: &[Measure], m: &Mt, layout: &Layout, lang: Lang, me: Uuid) -> Vec<ItemsRow> {
    list.iter()
        .rev()
        .map(|x| {
            let t = x.tenths.unwrap_or_default();
            let mut note = Vec::new();
            if x.clinical == Some(true) {
                note.push(m.clinical.to_string());
            }
            if let Some(c) = x.change.as_deref().and_then(ChangeCategory::from_code) {
                note.push(format!("{}: {}", m.change, c.label(lang)));
            }
            if x.flagged == Some(true) {
                note.push(m.flagged.to_string());
            }
            if x.corrects.is_some() {
                note.push(m.corrected.to_string());
            }
            ItemsRow {
                id: x.id,
                date: layout.date(&x.measured_on),
                items: t.iter().map(|v| Tenths(*v).display(lang)).collect(),
                total: x
                    .total_tenths()
                    .map(|v| v.display(lang))
                    .unwrap_or_default(),
                note: note.join(" · "),
                corrected: x.corrects.is_some(),
                by: x.recorded_by_name.clone(),
                own: x.recorded_by == me,
            }
        })
        .collect()
}

/// Builds the section from the person's measures.
pub(crate) fn ui(ms: &Measures, layout: &Layout, lang: Lang, client: Uuid, me: Uuid) -> MeasuresUi {
    let m = mt(lang);
    let series = |list: &[Measure]| -> Vec<(NaiveDate, f64)> {
        list.iter()
            .filter_map(|x| x.total.map(|t| (x.measured_on, t)))
            .collect()
    };
    let first = ms.ors.first().and_then(|x| x.total);
    let ors_srs_svg = chart(
        m.ors_srs_chart,
        "ors-chart",
        40.0,
        &[
            Series {
                label: "ORS",
                points: series(&ms.ors),
                dashed: false,
                square: false,
            },
            Series {
                label: "SRS",
                points: series(&ms.srs),
                dashed: true,
                square: true,
            },
        ],
        &[
            (ORS_CUTOFF.as_f64(), m.cutoff_label),
            (SRS_FLAG_BELOW.as_f64(), m.srs_line_label),
        ],
        first.map(|f| {
            (
                f - RELIABLE_CHANGE.as_f64(),
                f + RELIABLE_CHANGE.as_f64(),
                m.band_label,
            )
        }),
        layout,
    );
    let gaf_svg = chart(
        m.gaf_chart,
        "gaf-chart",
        100.0,
        &[
            Series {
                label: m.symptom,
                points: ms
                    .gaf
                    .iter()
                    .filter_map(|x| x.gaf_symptom.map(|v| (x.measured_on, v as f64)))
                    .collect(),
                dashed: false,
                square: false,
            },
            Series {
                label: m.function,
                points: ms
                    .gaf
                    .iter()
                    .filter_map(|x| x.gaf_function.map(|v| (x.measured_on, v as f64)))
                    .collect(),
                dashed: true,
                square: true,
            },
        ],
        &[],
        None,
        layout,
    );
    let latest_flag = ms
        .srs
        .last()
        .filter(|x| x.flagged == Some(true))
        .map(|x| format!("{} ({})", m.flagged, layout.date(&x.measured_on)));
    MeasuresUi {
        client_id: client,
        m,
        ors_srs_svg,
        gaf_svg,
        ors: items_rows(&ms.ors, m, layout, lang, me),
        srs: items_rows(&ms.srs, m, layout, lang, me),
        gaf: ms
            .gaf
            .iter()
            .rev()
            .map(|x| GafRow {
                id: x.id,
                date: layout.date(&x.measured_on),
                symptom: x.gaf_symptom.unwrap_or_default(),
                function: x.gaf_function.unwrap_or_default(),
                note: if x.corrects.is_some() {
                    m.corrected.to_string()
                } else {
                    String::new()
                },
                corrected: x.corrects.is_some(),
                by: x.recorded_by_name.clone(),
                own: x.recorded_by == me,
            })
            .collect(),
        points: ms
            .points
            .iter()
            .map(|p| PointRow {
                label: point_label(m, p.months),
                window: format!("{} – {}", layout.date(&p.opens), layout.date(&p.closes)),
                status: PointStatus::from_code(&p.status)
                    .map(|s| s.label(lang).to_string())
                    .unwrap_or_default(),
                css: status_css(&p.status),
                missing: kinds_label(&p.missing, lang),
            })
            .collect(),
        interviews: ms.interviews.clone(),
        earlier_interviews: ms.earlier_interviews.clone(),
        me,
        latest_flag,
    }
}

impl MeasuresUi {
    /// The versions an interview corrected, newest first (following `supersedes_id`).
    pub(crate) fn earlier_of(
        &self,
        iv: &benk_app::measures::Interview,
    ) -> Vec<&benk_app::measures::Interview> {
        earlier_versions(iv, &self.earlier_interviews)
    }
    pub(crate) fn ors_labels(&self) -> Vec<&'static str> {
        let en = std::ptr::eq(self.m, &EN);
        ORS_ITEMS
            .iter()
            .map(|(nb, e)| if en { *e } else { *nb })
            .collect()
    }
    pub(crate) fn srs_labels(&self) -> Vec<&'static str> {
        let en = std::ptr::eq(self.m, &EN);
        SRS_ITEMS
            .iter()
            .map(|(nb, e)| if en { *e } else { *nb })
            .collect()
    }
    pub(crate) fn question<T: std::borrow::Borrow<i64>>(&self, n: T) -> &'static str {
        let en = std::ptr::eq(self.m, &EN);
        let n = *n.borrow();
        SPOR_QUESTIONS
            .iter()
            .find(|q| i64::from(q.number) == n)
            .map(|q| if en { q.en } else { q.nb })
            .unwrap_or("")
    }
    pub(crate) fn score(&self, v: &&f64) -> String {
        let en = std::ptr::eq(self.m, &EN);
        score_text(**v, if en { Lang::En } else { Lang::Nb })
    }
}

/// A scale answer as the reader writes it (one decimal, a decimal comma in Bokmål).
fn score_text(v: f64, lang: Lang) -> String {
    Tenths((v * 10.0).round() as i64).display(lang)
}

/// A form field of the measures page: (name, label, hint).
pub(crate) struct QField {
    name: String,
    label: &'static str,
    scale: bool,
    number: u8,
}

#[derive(Template)]
#[template(path = "measures_page.html")]
struct MeasuresPage {
    layout: Layout,
    name: String,
    measures: MeasuresUi,
    f: FormState,
    open: String,
    rounds: Vec<(Uuid, String)>,
    questions: Vec<QField>,
    ifields: Vec<(&'static str, &'static str, &'static str)>,
}

/// The interview's own fields: (field, label, input type).
fn interview_fields(m: &'static Mt) -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("interviewed_on", m.interviewed_on, "date"),
        ("interviewer", m.interviewer, "text"),
        ("municipality", m.municipality, "text"),
        ("age", m.age, "number"),
        ("contact_years", m.contact_years, "number"),
    ]
}

/// The labels of the interview's own fields (for the error summary).
fn interview_labels(m: &'static Mt) -> Vec<(&'static str, &'static str)> {
    interview_fields(m)
        .into_iter()
        .map(|(f, label, _)| (f, label))
        .collect()
}

/// The versions `iv` corrected, newest first, among `earlier`.
fn earlier_versions<'a>(
    iv: &benk_app::measures::Interview,
    earlier: &'a [benk_app::measures::Interview],
) -> Vec<&'a benk_app::measures::Interview> {
    let mut out = Vec::new();
    let mut next = iv.supersedes_id;
    while let Some(id) = next {
        let Some(old) = earlier.iter().find(|e| e.id == id) else {
            break;
        };
        out.push(old);
        next = old.supersedes_id;
    }
    out
}

/// The 20 questions as form fields.
fn questions(lang: Lang) -> Vec<QField> {
    SPOR_QUESTIONS
        .iter()
        .map(|q| QField {
            name: measures::question_field(q.number),
            label: if lang == Lang::En { q.en } else { q.nb },
            scale: q.scale,
            number: q.number,
        })
        .collect()
}

impl MeasuresPage {
    /// The reader's own current measures, which they may delete: (kind, id, date).
    fn own_rows(&self) -> Vec<(&'static str, Uuid, String)> {
        let mu = &self.measures;
        mu.ors
            .iter()
            .filter(|r| r.own)
            .map(|r| ("ORS", r.id, r.date.clone()))
            .chain(
                mu.srs
                    .iter()
                    .filter(|r| r.own)
                    .map(|r| ("SRS", r.id, r.date.clone())),
            )
            .chain(
                mu.gaf
                    .iter()
                    .filter(|r| r.own)
                    .map(|r| ("GAF", r.id, r.date.clone())),
            )
            .collect()
    }
    /// The GAF fields: (field, label).
    fn gaf_fields(&self) -> Vec<(&'static str, &'static str)> {
        let m = self.measures.m;
        vec![("gaf_symptom", m.symptom), ("gaf_function", m.function)]
    }
    /// The item fields of ORS or SRS: (field, label).
    fn items_for(&self, kind: &str) -> Vec<(&'static str, &'static str)> {
        let labels = if kind == "ors" {
            self.measures.ors_labels()
        } else {
            self.measures.srs_labels()
        };
        measures::ITEM_FIELDS.iter().copied().zip(labels).collect()
    }
}

fn defaults() -> Fd {
    let mut fd = Fd::default();
    let today = iso(benk_app::time::oslo_today());
    fd.set("measured_on", today.clone());
    fd.set("interviewed_on", today);
    fd
}

async fn measures_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    client: Uuid,
    shown: Shown,
    status: StatusCode,
    flash: Option<&'static str>,
) -> Response {
    let result = async {
        let grant = access::open_client(&st.app, actor, client, Purpose::Treat).await?;
        let basic = benk_app::clients::basic(&st.app, actor, &grant).await?;
        let ms = measures::list(&st.app, actor, &grant).await?;
        let rounds = measures::round_choices(&st.app, grant.team_id()).await?;
        Ok::<_, AppError>((basic, ms, rounds))
    }
    .await;
    let (basic, ms, rounds) = match result {
        Ok(x) => x,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let m = mt(lang);
    let mut layout = Layout::new(ctx, "clients");
    layout.flash = flash.map(str::to_string);
    let measures = ui(&ms, &layout, lang, client, actor.staff_id());
    let mut labels: Vec<(&'static str, &'static str)> = vec![
        ("measured_on", m.measured_on),
        ("gaf_symptom", m.symptom),
        ("gaf_function", m.function),
        ("round_id", m.round),
    ];
    labels.extend(interview_labels(m));
    labels.push(("reason", m.retract_reason));
    let item_labels = if lang == Lang::En {
        ["Item 1", "Item 2", "Item 3", "Item 4"]
    } else {
        ["Ledd 1", "Ledd 2", "Ledd 3", "Ledd 4"]
    };
    for (i, f) in measures::ITEM_FIELDS.iter().enumerate() {
        labels.push((f, item_labels[i]));
    }
    let view = MeasuresPage {
        layout,
        name: basic.name,
        measures,
        f: FormState::new(lang, shown.data, shown.errors, labels, vec![]),
        open: shown.open,
        rounds,
        questions: questions(lang),
        ifields: interview_fields(m),
    };
    (status, page(&view)).into_response()
}

/// GET `/clients/{id}/measures`.
pub(crate) async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match crate::html::clients::parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let m = mt(ctx.lang);
    let flash = q.flash(&[
        ("saved", m.saved),
        ("retracted", m.retracted),
        ("corrected", m.corrected_saved),
    ]);
    let shown = Shown::fresh(defaults());
    measures_page(&st, &ctx, actor, id, shown, StatusCode::OK, flash).await
}

fn number(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<f64> {
    match Tenths::parse_text(fd.get(field)) {
        Ok(t) => Some(t.as_f64()),
        Err(e) => {
            errs.push(FieldError::of(field, &e));
            None
        }
    }
}

fn whole(fd: &Fd, field: &str, errs: &mut Vec<FieldError>) -> Option<f64> {
    let s = fd.get(field).trim();
    if s.is_empty() {
        errs.push(FieldError::of(field, &benk_domain::MeasureError::Missing));
        return None;
    }
    match s.replace(',', ".").parse::<f64>() {
        Ok(v) => Some(v),
        Err(_) => {
            errs.push(FieldError::of(
                field,
                &benk_domain::MeasureError::NotANumber,
            ));
            None
        }
    }
}

/// POST `/clients/{id}/measures`: one of the page's forms (`form` = ors, srs, gaf,
/// interview, retract).
pub(crate) async fn post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client, grant) = match forms::posted_about(&st, &ctx, pairs, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = fd.get("form").to_string();
    let mut errs: Vec<FieldError> = Vec::new();
    let result: Result<&str, AppError> = match form.as_str() {
        "ors" | "srs" | "gaf" => {
            let on = parse_date("measured_on", fd.get("measured_on"))
                .map_err(|e| errs.push(e))
                .ok();
            let v = if form == "gaf" {
                let s = whole(&fd, "gaf_symptom", &mut errs);
                let f = whole(&fd, "gaf_function", &mut errs);
                s.zip(f).map(|(s, f)| NewValues::Gaf(s, f))
            } else {
                let it: Vec<Option<f64>> = measures::ITEM_FIELDS
                    .iter()
                    .map(|f| number(&fd, f, &mut errs))
                    .collect();
                match it[..] {
                    [Some(a), Some(b), Some(c), Some(d)] if form == "ors" => {
                        Some(NewValues::Ors([a, b, c, d]))
                    }
                    [Some(a), Some(b), Some(c), Some(d)] => Some(NewValues::Srs([a, b, c, d])),
                    _ => None,
                }
            };
            match (on, v) {
                (Some(on), Some(v)) if errs.is_empty() => {
                    measures::record(&st.app, actor, &grant, on, v)
                        .await
                        .map(|_| "saved")
                }
                _ => Err(AppError::Invalid(std::mem::take(&mut errs))),
            }
        }
        "retract" => match Uuid::parse_str(fd.get("measure_id").trim()) {
            Ok(mid) => measures::retract(&st.app, actor, &grant, mid, fd.get("reason"))
                .await
                .map(|_| "retracted"),
            Err(_) => Err(AppError::NotFound),
        },
        "interview" => match interview_of(&fd) {
            Ok(input) => measures::record_interview(&st.app, actor, &grant, input)
                .await
                .map(|_| "saved"),
            Err(e) => Err(e),
        },
        _ => Err(AppError::Invalid(vec![FieldError::required("form")])),
    };
    let result = result.map(|msg| format!("/clients/{client}/measures?msg={msg}"));
    forms::done(&ctx, result, |errs| async {
        let shown = Shown::again(defaults(), &fd, errs, form);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        Ok(measures_page(&st, &ctx, actor, client, shown, status, None).await)
    })
    .await
}

/// The interview a form describes (the round, if any, from `round_id`), or every field
/// error: the form's own (a scale answer that is no number) with the use case's checks, so
/// nothing is written when any is wrong.
fn interview_of(fd: &Fd) -> Result<NewInterview, AppError> {
    let mut errs = Vec::new();
    let errs = &mut errs;
    let round = Uuid::parse_str(fd.get("round_id").trim()).unwrap_or_default();
    let on = parse_date("interviewed_on", fd.get("interviewed_on"))
        .map_err(|e| errs.push(e))
        .ok();
    let age = whole(fd, "age", errs);
    let years = whole(fd, "contact_years", errs);
    let mut scores = Vec::new();
    let mut texts = Vec::new();
    for q in SPOR_QUESTIONS.iter() {
        let field = measures::question_field(q.number);
        let v = fd.get(&field);
        if v.trim().is_empty() {
            continue;
        }
        if q.scale {
            match Tenths::parse_text(v) {
                Ok(t) => scores.push((q.number, t.as_f64())),
                Err(e) => errs.push(FieldError::of(&field, &e)),
            }
        } else {
            texts.push((q.number, v.to_string()));
        }
    }
    let input = NewInterview {
        round_id: round,
        interviewed_on: on,
        interviewer: fd.get("interviewer").to_string(),
        municipality: fd.get("municipality").to_string(),
        age,
        contact_years: years,
        scores,
        texts,
    };
    if errs.is_empty() {
        return Ok(input);
    }
    let mut all = measures::check_interview(&input).err().unwrap_or_default();
    all.retain(|e| !errs.iter().any(|x| x.field == e.field));
    all.append(errs);
    Err(AppError::Invalid(all))
}

/// A due point as shown.
pub(crate) struct DueRow {
    client_id: Uuid,
    name: String,
    point: String,
    window: String,
    status: String,
    css: &'static str,
    missing: String,
}

#[derive(Template)]
#[template(path = "measures_due.html")]
struct DuePage {
    layout: Layout,
    m: &'static Mt,
    team: bool,
    rows: Vec<DueRow>,
}

/// Which list.
#[derive(Deserialize)]
pub(crate) struct DueQuery {
    #[serde(default)]
    team: Option<String>,
}

/// GET `/measures/due`: "Målinger som forfaller", mine or the team's.
pub(crate) async fn due_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DueQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::Forbidden(benk_app::Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )));
    };
    let whole_team = q.team.as_deref() == Some("1");
    let list: Vec<DuePoint> = match measures::due(&st.app, actor, team, !whole_team).await {
        Ok(l) => l,
        Err(e) => return ctx.page_err(e),
    };
    let lang = ctx.lang;
    let m = mt(lang);
    let layout = Layout::new(&ctx, "team");
    let rows = list
        .iter()
        .map(|d| DueRow {
            client_id: d.client_id,
            name: d.name.clone(),
            point: point_label(m, d.point.months),
            window: format!(
                "{} – {}",
                layout.date(&d.point.opens),
                layout.date(&d.point.closes)
            ),
            status: PointStatus::from_code(&d.point.status)
                .map(|s| s.label(lang).to_string())
                .unwrap_or_default(),
            css: status_css(&d.point.status),
            missing: kinds_label(&d.point.missing, lang),
        })
        .collect();
    page(&DuePage {
        layout,
        m,
        team: whole_team,
        rows,
    })
    .into_response()
}

#[derive(Template)]
#[template(path = "spor_rounds.html")]
struct SporPage {
    layout: Layout,
    m: &'static Mt,
    rounds: Vec<Round>,
    f: FormState,
}

impl SporPage {
    fn fields(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        vec![
            ("name", self.m.round_name, "text"),
            ("started_on", self.m.started_on, "date"),
        ]
    }
    fn num<T: std::borrow::Borrow<f64>>(&self, v: T) -> String {
        let s = format!("{:.1}", v.borrow());
        if self.layout.lang == "nb" {
            s.replace('.', ",")
        } else {
            s
        }
    }
}

async fn spor_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    data: Fd,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::Forbidden(benk_app::Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )));
    };
    let rounds = match measures::rounds(&st.app, actor, team, ctx.lang).await {
        Ok(r) => r,
        Err(e) => return ctx.page_err(e),
    };
    let m = mt(ctx.lang);
    let view = SporPage {
        layout: Layout::new(ctx, "team"),
        m,
        rounds,
        f: FormState::new(
            ctx.lang,
            data,
            errors,
            vec![("name", m.round_name), ("started_on", m.started_on)],
            vec![],
        ),
    };
    (status, page(&view)).into_response()
}

fn spor_defaults() -> Fd {
    let mut fd = Fd::default();
    fd.set("started_on", iso(benk_app::time::oslo_today()));
    fd
}

/// GET `/spor`: the team's SPoR rounds.
pub(crate) async fn spor_show(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    spor_page(&st, &ctx, actor, spor_defaults(), vec![], StatusCode::OK).await
}

/// POST `/spor`: start a round.
pub(crate) async fn spor_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(pairs);
    if let Err(r) = ctx.check_csrf(fd.get("_csrf")) {
        return r;
    }
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = match parse_date("started_on", fd.get("started_on")) {
        Ok(d) => measures::create_round(&st.app, actor, team, fd.get("name"), d).await,
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    match result {
        Ok(_) => Redirect::to("/spor").into_response(),
        Err(AppError::Invalid(errs)) => {
            spor_page(&st, &ctx, actor, fd, errs, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "spor_correct.html")]
struct CorrectPage {
    layout: Layout,
    name: String,
    measures: MeasuresUi,
    current: benk_app::measures::Interview,
    earlier: Vec<benk_app::measures::Interview>,
    f: FormState,
    questions: Vec<QField>,
    ifields: Vec<(&'static str, &'static str, &'static str)>,
}

/// An interview's stored values as the form's fields (decimals as the reader writes them).
fn interview_form(iv: &benk_app::measures::Interview, lang: Lang) -> Fd {
    let mut fd = Fd::default();
    fd.set("interviewed_on", iso(iv.interviewed_on));
    fd.set("interviewer", iv.interviewer.clone());
    fd.set("municipality", iv.municipality.clone());
    fd.set("age", iv.age.to_string());
    fd.set("contact_years", iv.contact_years.to_string());
    for a in &iv.answers {
        let Ok(n) = u8::try_from(a.question) else {
            continue;
        };
        let v = match (&a.score, &a.text) {
            (Some(s), _) => score_text(*s, lang),
            (None, Some(t)) => t.clone(),
            (None, None) => continue,
        };
        fd.set(&measures::question_field(n), v);
    }
    fd
}

/// The correction page of interview `interview` of person `client`: the current version and
/// its history, and the form (the stored values, or what was typed with its errors).
async fn correct_page(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    (client, interview): (Uuid, Uuid),
    typed: Option<(Fd, Vec<FieldError>)>,
) -> Result<Response, AppError> {
    let grant = access::open_client(&st.app, actor, client, Purpose::Treat).await?;
    let basic = benk_app::clients::basic(&st.app, actor, &grant).await?;
    let ms = measures::list(&st.app, actor, &grant).await?;
    let Some(current) = ms.interviews.iter().find(|i| i.id == interview).cloned() else {
        return Err(AppError::NotFound);
    };
    let lang = ctx.lang;
    let m = mt(lang);
    let layout = Layout::new(ctx, "clients");
    let earlier = earlier_versions(&current, &ms.earlier_interviews)
        .into_iter()
        .cloned()
        .collect();
    let (data, errors) = typed.unwrap_or_else(|| (interview_form(&current, lang), Vec::new()));
    let mut labels = interview_labels(m);
    labels.push(("reason", m.correct_reason));
    let view = CorrectPage {
        measures: ui(&ms, &layout, lang, client, actor.staff_id()),
        layout,
        name: basic.name,
        current,
        earlier,
        f: FormState::new(lang, data, errors, labels, vec![]),
        questions: questions(lang),
        ifields: interview_fields(m),
    };
    Ok(page(&view))
}

/// GET `/clients/{id}/spor-interviews/{interview}/correct`.
pub(crate) async fn correct_show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, interview)): Path<(String, String)>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let (Ok(client), Ok(interview)) = (Uuid::parse_str(&id), Uuid::parse_str(&interview)) else {
        return ctx.page_err(AppError::NotFound);
    };
    match correct_page(&st, &ctx, actor, (client, interview), None).await {
        Ok(r) => r,
        Err(e) => ctx.page_err(e),
    }
}

/// POST `/clients/{id}/spor-interviews/{interview}/correct`: the interview as it should have
/// been and why; the use case keeps the old version.
pub(crate) async fn correct_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, interview)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, client, grant) = match forms::posted_about(&st, &ctx, pairs, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(interview) = Uuid::parse_str(&interview) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = match interview_of(&fd) {
        Ok(input) => {
            let reason = fd.get("reason");
            measures::correct_interview(&st.app, actor, &grant, interview, input, reason).await
        }
        Err(e) => Err(e),
    };
    let result = result.map(|_| format!("/clients/{client}/measures?msg=corrected"));
    forms::done(&ctx, result, |errs| async {
        let typed = Some((fd.clone(), errs));
        correct_page(&st, &ctx, actor, (client, interview), typed).await
    })
    .await
}
