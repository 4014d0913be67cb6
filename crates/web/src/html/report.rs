//! The reports of the framework (issue 11) on the pages: the list with a period form and the
//! download buttons (on `/reports`, above the referral report), one report as a page
//! (`/reports/{name}`), and the downloads (`/reports/{name}/download?format=…`) in HTML, PDF,
//! XLSX and CSV. Who may run which report, and the audit row, is `benk_app::reports::run`'s.
//!
//! What each audience sees: the page, for the team's own members, shows every number and the
//! free text; a PDF or HTML file hides small numbers but keeps the free text (the team's own
//! file, for its board or owners); XLSX, CSV and the JSON API hide small numbers and leave
//! out person-level sections (`benk_domain::Audience`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use benk_app::reports::{self, ReportName};
use benk_app::{AppError, FieldError, Text};
use benk_domain::{Audience, Cell, Lang, Report};
use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

page_texts! {
    /// The words of the report pages.
    Rt, pub(crate) fn rt;
    list_title: "Rapporter", "Reports";
    settings_link: "Rapportinnstillinger (små tall, kostnader og mål)", "Report settings (small numbers, costs and targets)";
    list_intro: "Velg periode og vis rapporten, eller last den ned. Eksporterte filer skjuler små tall.", "Choose a period and show the report, or download it. Exported files hide small numbers.";
    from: "Fra og med", "From";
    to: "Til og med", "To";
    show: "Vis", "Show";
    download: "Last ned", "Download";
    downloads: "Last ned rapporten", "Download the report";
    definitions: "Definisjoner", "Definitions";
    chart_numbers: "Tallene i diagrammet står i tabellen", "The chart's numbers are in the table";
    no_rows: "Ingen data i perioden.", "No data in the period.";
    person_level: "Personnivå: bare i teamets egen visning og PDF.", "Person level: only in the team's own view and PDF.";
    activity_about: "Henvisninger, vedtak, kontakter, saksmengde og målinger.", "Referrals, decisions, contacts, caseload and measures.";
    tandem_about: "Tatt inn over tid, bosituasjon ved inntak og nå, utkastelser og startet behandling (behandling bare for helsepersonell).", "Taken in over time, housing at intake and now, evictions and started treatment (treatment for health personnel only).";
    fidelity_about: "Indikatorer fra det daglige arbeidet per måned mot teamets egne mål.", "Indicators from the daily work per month against the team's own targets.";
    referrals_about: "Henvisninger etter henviser og kvartal, ulike instanser, tid til beslutning, utfall og målgruppe.", "Referrals by referrer and quarter, different agencies, time to decision, outcomes and target group.";
    teams_about: "Alle teamene i samme tabell, med små tall skjult (teamledere og administratorer).", "Every team in one table, small numbers hidden (team leads and administrators).";
    spor_about: "Brukerintervjuene: deltakere, skala-spørsmål og fritekst (helsepersonell).", "The user interviews: participants, scale questions and free text (health personnel).";
    cflex_about: "Kohorten tatt inn i perioden: målgruppe, tjenester, bolig, liggedøgn og innleggelser før og etter, GAF og ORS, kost–nytte (helsepersonell).", "The cohort included in the period: target group, services, housing, inpatient days and admissions before and after, GAF and ORS, cost–benefit (health personnel).";
    window: "Oppfølgingsvindu", "Follow-up window";
    months: "måneder", "months";
}

/// A cell as shown.
pub(crate) struct CellView {
    pub text: String,
    pub num: bool,
}

/// A table as shown.
pub(crate) struct TableView {
    pub id: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<CellView>>,
    pub note: Option<String>,
}

/// A chart as shown: its SVG and the title of the table with its numbers.
pub(crate) struct ChartView {
    pub svg: String,
    /// The same chart drawn for a phone's width (shown instead below 36rem).
    pub svg_narrow: String,
    pub table: String,
    pub table_id: String,
}

/// A section as shown.
pub(crate) struct SectionView {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub person_level: bool,
    pub charts: Vec<ChartView>,
    pub tables: Vec<TableView>,
}

/// The body of a report in one language, for the page and the standalone file.
pub(crate) struct Body {
    pub title: String,
    pub meta: String,
    pub note: String,
    pub sections: Vec<SectionView>,
    pub definitions: Vec<String>,
}

fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The report's body in `lang`.
pub(crate) fn body(r: &Report, lang: Lang) -> Body {
    let meta = match lang {
        Lang::Nb => format!(
            "{} · {}–{} · laget {}",
            r.team,
            r.from.format("%d.%m.%Y"),
            r.to.format("%d.%m.%Y"),
            r.made_on.format("%d.%m.%Y")
        ),
        Lang::En => format!("{} · {} to {} · made {}", r.team, r.from, r.to, r.made_on),
    };
    let sections = r
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let title_of = |id: &str| {
                s.tables
                    .iter()
                    .find(|t| t.id == id)
                    .map(|t| t.title.get(lang).to_string())
                    .unwrap_or_default()
            };
            SectionView {
                id: format!("s{}", i + 1),
                title: s.title.get(lang).into(),
                intro: s.intro.as_ref().map(|t| t.get(lang).into()),
                person_level: s.person_level,
                charts: s
                    .charts
                    .iter()
                    .map(|c| ChartView {
                        svg: reports::draw::svg(c, lang, 640.0, 240.0),
                        svg_narrow: reports::draw::svg(c, lang, 340.0, 260.0),
                        table: title_of(&c.table_id),
                        table_id: anchor(&c.table_id),
                    })
                    .collect(),
                tables: s
                    .tables
                    .iter()
                    .map(|t| TableView {
                        id: anchor(&t.id),
                        title: t.title.get(lang).into(),
                        columns: t.columns.iter().map(|c| c.get(lang).into()).collect(),
                        rows: t
                            .rows
                            .iter()
                            .map(|row| {
                                row.iter()
                                    .map(|c| CellView {
                                        text: c.display(lang, r.threshold),
                                        num: !matches!(c, Cell::Text { .. }),
                                    })
                                    .collect()
                            })
                            .collect(),
                        note: t.note.as_ref().map(|n| n.get(lang).into()),
                    })
                    .collect(),
            }
        })
        .collect();
    Body {
        title: r.title.get(lang).into(),
        meta,
        note: r.suppression_note().get(lang).into(),
        sections,
        definitions: r.definitions.iter().map(|d| d.get(lang).into()).collect(),
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    rt: &'static Rt,
    name: &'static str,
    from: String,
    to: String,
    /// The follow-up window, for the reports that have one (C-Flex).
    window: Option<u32>,
    /// The query string of the downloads (`from=…&to=…[&window=…]`).
    query: String,
    b: Body,
}

#[derive(Template)]
#[template(path = "report_file.html")]
struct ReportFile {
    lang: &'static str,
    rt: &'static Rt,
    b: Body,
}

/// The report as a standalone, printable HTML document (the HTML download and `benk report
/// --format html`).
pub fn standalone_html(r: &Report, lang: Lang) -> String {
    crate::html::render(&ReportFile {
        lang: match lang {
            Lang::Nb => "nb",
            Lang::En => "en",
        },
        rt: rt(lang),
        b: body(r, lang),
    })
}

/// One entry of the report list.
pub(crate) struct ListEntry {
    pub name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    /// Its default period.
    pub from: String,
    pub to: String,
    /// Whether it has a follow-up window to choose.
    pub window: bool,
}

/// The list of reports with the period form, shown on `/reports`.
pub(crate) struct ReportList {
    pub rt: &'static Rt,
    pub entries: Vec<ListEntry>,
}

/// The list for the `/reports` page (the teams side by side only for those who may see them).
pub(crate) fn list(lang: Lang, actor: &benk_app::Actor) -> ReportList {
    let t = rt(lang);
    ReportList {
        rt: t,
        entries: ReportName::ALL
            .iter()
            .filter(|n| **n != ReportName::Teams || reports::run::may_see_teams(actor))
            .map(|n| ListEntry {
                from: default_period_of(*n).0.to_string(),
                to: default_period_of(*n).1.to_string(),
                window: *n == ReportName::Cflex,
                name: n.code(),
                title: match (n, lang) {
                    (ReportName::Activity, Lang::Nb) => "Teamets aktivitet",
                    (ReportName::Activity, Lang::En) => "Team activity",
                    (ReportName::Spor, Lang::Nb) => "SPoR brukerundersøkelse",
                    (ReportName::Spor, Lang::En) => "SPoR user survey",
                    (ReportName::Tandem, Lang::Nb) => "Tandem-oppfølging",
                    (ReportName::Tandem, Lang::En) => "Tandem follow-up",
                    (ReportName::Fidelity, Lang::Nb) => "Troskapsprofil",
                    (ReportName::Fidelity, Lang::En) => "Fidelity profile",
                    (ReportName::Cflex, Lang::Nb) => "C-Flex-evaluering",
                    (ReportName::Cflex, Lang::En) => "C-Flex evaluation",
                    (ReportName::Referrals, Lang::Nb) => "Henvisninger og inntak",
                    (ReportName::Referrals, Lang::En) => "Referrals and intake",
                    (ReportName::Teams, Lang::Nb) => "Teamene side om side",
                    (ReportName::Teams, Lang::En) => "The teams side by side",
                },
                about: match n {
                    ReportName::Activity => t.activity_about,
                    ReportName::Spor => t.spor_about,
                    ReportName::Tandem => t.tandem_about,
                    ReportName::Fidelity => t.fidelity_about,
                    ReportName::Cflex => t.cflex_about,
                    ReportName::Teams => t.teams_about,
                    ReportName::Referrals => t.referrals_about,
                },
            })
            .collect(),
    }
}

/// The default period: the twelve months up to today.
pub fn default_period() -> (NaiveDate, NaiveDate) {
    let to = benk_app::time::oslo_today();
    let from = to
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(to);
    (from, to)
}

/// The period query of the pages and the API.
#[derive(Deserialize, Default)]
pub(crate) struct PeriodQuery {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    /// The C-Flex evaluation's follow-up window in months.
    #[serde(default)]
    pub window: Option<String>,
}

/// Parses the report's options (`window`: 6, 12 or 24; default 12); anything else is 422
/// naming `window`.
pub(crate) fn options_of(q: &PeriodQuery) -> Result<reports::Options, AppError> {
    let mut o = reports::Options::default();
    if let Some(w) = q.window.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        // Not a number is the same answer as a number that is not a choice.
        o.window_months = reports::run::check_window(w.parse().unwrap_or(0))?;
    }
    Ok(o)
}

/// A report's default period: the twelve months up to today; for the C-Flex evaluation the
/// two years before that, so that the default 12-month window after is over for the whole
/// cohort.
pub fn default_period_of(name: ReportName) -> (NaiveDate, NaiveDate) {
    let (from, to) = default_period();
    match name {
        ReportName::Cflex => {
            let back = |d: NaiveDate, m| d.checked_sub_months(Months::new(m)).unwrap_or(d);
            (back(from, 24), back(to, 12))
        }
        _ => (from, to),
    }
}

/// Parses the period (defaults: [`default_period_of`]); a bad date is 422 naming its field.
pub(crate) fn period_of(
    name: ReportName,
    q: &PeriodQuery,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let (df, dt) = default_period_of(name);
    let parse = |field: &str, v: &Option<String>, d: NaiveDate| match v.as_deref().map(str::trim) {
        None | Some("") => Ok(d),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d)))
            .ok_or_else(|| {
                AppError::field(FieldError::new(
                    field,
                    "invalid_date",
                    "Oppgi en dato som 2026-01-31 (år 1990–2100).",
                    "Give a date such as 2026-01-31 (years 1990–2100).",
                ))
            }),
    };
    let from = parse("from", &q.from, df)?;
    let to = parse("to", &q.to, dt)?;
    reports::run::check_period(from, to)?;
    Ok((from, to))
}

/// A report's name from the path; unknown is 404.
pub(crate) fn name_of(s: &str) -> Result<ReportName, AppError> {
    ReportName::from_code(s).ok_or(AppError::NotFound)
}

/// A file format of the downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Standalone HTML.
    Html,
    /// PDF.
    Pdf,
    /// XLSX.
    Xlsx,
    /// CSV.
    Csv,
}

impl Format {
    /// From its name.
    pub fn from_code(s: &str) -> Option<Format> {
        match s {
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// Its name (the file extension).
    pub fn code(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// Who the file is for.
    pub fn audience(self) -> Audience {
        match self {
            Format::Html | Format::Pdf => Audience::TeamFile,
            Format::Xlsx | Format::Csv => Audience::Aggregate,
        }
    }
}

/// Renders a report (every number) as a file for its format's audience.
pub fn render_file(r: &Report, format: Format, lang: Lang) -> Result<Vec<u8>, AppError> {
    let r = r.for_audience(format.audience());
    Ok(match format {
        Format::Html => standalone_html(&r, lang).into_bytes(),
        Format::Pdf => reports::pdf::render(&r, lang),
        Format::Xlsx => {
            reports::xlsx::render(&r, lang).map_err(|e| AppError::Internal(format!("xlsx: {e}")))?
        }
        Format::Csv => reports::csv::render(&r, lang).into_bytes(),
    })
}

/// The file name of a download: `benk-activity-fjordby-2026-01-01-2026-12-31.pdf`.
pub fn file_name(r: &Report, format: Format) -> String {
    let mut team = String::new();
    for c in r.team.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => team.push(c),
            'æ' => team.push_str("ae"),
            'ø' => team.push('o'),
            'å' => team.push('a'),
            _ if !team.ends_with('-') && !team.is_empty() => team.push('-'),
            _ => {}
        }
    }
    let team = team.trim_end_matches('-');
    format!(
        "benk-{}-{team}-{}-{}.{}",
        r.name,
        r.from,
        r.to,
        format.code()
    )
}

/// The download answer: the bytes with their type and an attachment file name.
pub fn download(r: &Report, format: Format, lang: Lang) -> Result<Response, AppError> {
    let bytes = render_file(r, format, lang)?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(r, format)),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "report_list.html")]
struct ListPage {
    layout: Layout,
    list: ReportList,
}

/// The old referral page's query (`/reports?period=year`).
#[derive(Deserialize, Default)]
pub(crate) struct OldQuery {
    #[serde(default)]
    period: Option<String>,
}

/// GET `/reports`: the list of reports with the period form and the downloads. The referral
/// report that used to be on this page is the report `referrals` now; the old address with
/// `?period=` goes there.
pub(crate) async fn list_page(ctx: Ctx, Query(q): Query<OldQuery>) -> Response {
    let actor = actor_or_redirect!(ctx);
    if q.period.is_some() {
        return axum::response::Redirect::to("/reports/referrals").into_response();
    }
    page(&ListPage {
        layout: Layout::new(&ctx, "reports"),
        list: list(ctx.lang, actor),
    })
}

/// GET `/reports/{name}?from=&to=`: the report as a page.
pub(crate) async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let result = async {
        let name = name_of(&name)?;
        let team = team_for(actor, name)?;
        let (from, to) = period_of(name, &q)?;
        let opts = options_of(&q)?;
        let r =
            reports::run_with(&st.app, actor, (name, team), (from, to), "html_page", opts).await?;
        Ok::<_, AppError>((name, from, to, opts, r))
    }
    .await;
    match result {
        Ok((name, from, to, opts, r)) => {
            let window = (name == ReportName::Cflex).then_some(opts.window_months);
            let mut query = format!("from={from}&to={to}");
            if let Some(w) = window {
                query.push_str(&format!("&window={w}"));
            }
            page(&ReportPage {
                layout: Layout::new(&ctx, "reports"),
                rt: rt(ctx.lang),
                name: name.code(),
                from: from.to_string(),
                to: to.to_string(),
                window,
                query,
                b: body(&r.for_audience(screen_audience(name)), ctx.lang),
            })
        }
        Err(e) => ctx.page_err(e),
    }
}

/// GET `/reports/{name}/download?format=pdf|xlsx|csv|html&from=&to=`.
pub(crate) async fn download_handler(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let result = async {
        let name = name_of(&name)?;
        let format = Format::from_code(q.format.as_deref().unwrap_or("pdf")).ok_or_else(|| {
            AppError::field(FieldError::new(
                "format",
                "invalid_choice",
                "Velg html, pdf, xlsx eller csv.",
                "Choose html, pdf, xlsx or csv.",
            ))
        })?;
        let team = team_for(actor, name)?;
        let (from, to) = period_of(name, &q)?;
        let opts = options_of(&q)?;
        let r = reports::run_with(
            &st.app,
            actor,
            (name, team),
            (from, to),
            format.code(),
            opts,
        )
        .await?;
        download(&r, format, ctx.lang)
    }
    .await;
    match result {
        Ok(resp) => resp,
        Err(e) => ctx.page_err(e),
    }
}

/// The team a report is run for: the acting team; the teams side by side need none (they
/// cover every team; an administrator may have no team of their own).
pub(crate) fn team_for(actor: &benk_app::Actor, name: ReportName) -> Result<uuid::Uuid, AppError> {
    match (actor.acting(), name) {
        (Some(m), _) => Ok(m.team_id),
        (None, ReportName::Teams) => Ok(uuid::Uuid::nil()),
        (None, _) => Err(no_team()),
    }
}

/// Who the page is for: the team's own members see every number of their team's report; the
/// teams side by side are aggregates across teams, so their small numbers are always hidden.
pub(crate) fn screen_audience(name: ReportName) -> Audience {
    match name {
        ReportName::Teams => Audience::Aggregate,
        _ => Audience::TeamScreen,
    }
}

fn no_team() -> AppError {
    AppError::Forbidden(Text::new(
        "Du er ikke med i noe team.",
        "You are not in a team.",
    ))
}
