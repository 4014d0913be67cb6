//! The import page (issue 10): `/team/import` for the acting team. Choose the kind, upload a
//! CSV file and check it first (a dry run: the table of every bad row with its line, column
//! and reason), then import. The file is carried in the check's result page, so "import"
//! imports exactly what was checked. Who may import, the checks and the audit are
//! `benk_app::import`'s.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use benk_app::import::{self, ImportKind, Report};
use benk_app::AppError;

use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

/// The largest file the page takes (the rest of the site takes 64 KB).
pub(crate) const MAX_FILE: usize = 8 * 1024 * 1024;

page_texts! {
    /// The words of the import page.
    It, fn it;
    title: "Importer fra regneark", "Import from a spreadsheet";
    intro: "Last opp en CSV-fil fra Excel («CSV UTF-8», semikolon eller komma). Filen sjekkes først: ingenting lagres før alle radene er i orden. Rader som er importert før (samme external_id), hoppes over. Bare teamleder og inntaksteamet, som er helsepersonell, kan importere; alt logges.", "Upload a CSV file from Excel (\"CSV UTF-8\", semicolon or comma). The file is checked first: nothing is saved until every row is right. Rows imported before (the same external_id) are skipped. Only the team lead and the intake team who are health personnel may import; everything is logged.";
    kind: "Hva filen inneholder", "What the file holds";
    file: "Fil (CSV)", "File (CSV)";
    check: "Sjekk filen", "Check the file";
    import_now: "Importer", "Import";
    format_help: "Kolonnene for hver type er beskrevet i docs/import/ (people.md, measures.md, spor.md, registry.md), med eksempelfiler.", "The columns of each kind are described in docs/import/ (people.md, measures.md, spor.md, registry.md), with sample files.";
    result: "Resultat", "Result";
    rows: "Rader i filen", "Rows in the file";
    new_rows: "Nye rader", "New rows";
    already: "Importert fra før (hoppes over)", "Already imported (skipped)";
    errors_title: "Rader med feil", "Rows with errors";
    nothing_saved: "Ingenting er lagret. Rett radene i regnearket og prøv igjen.", "Nothing was saved. Correct the rows in the spreadsheet and try again.";
    checked_ok: "Filen er i orden. Ingenting er lagret ennå.", "The file is fine. Nothing has been saved yet.";
    nothing_new: "Alle radene er importert fra før: det er ingenting nytt å importere.", "Every row was imported before: there is nothing new to import.";
    imported: "Importert. Alt ble lagret i én operasjon og er logget.", "Imported. Everything was saved in one operation and logged.";
    line: "Linje", "Line";
    column: "Kolonne", "Column";
    reason: "Hva er feil", "What is wrong";
    whole_row: "hele raden", "the whole row";
    no_file: "Velg en fil.", "Choose a file.";
    no_kind: "Velg hva filen inneholder.", "Choose what the file holds.";
    too_large: "Filen er for stor (høyst 8 MB).", "The file is too large (at most 8 MB).";
    back: "Teamet", "The team";
}

/// One bad row as shown.
struct ErrorLine {
    line: u64,
    column: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    m: &'static It,
    /// (code, label, checked).
    kinds: Vec<(&'static str, &'static str, bool)>,
    /// A problem with the form itself (no file, no kind).
    form_error: Option<String>,
    report: Option<Report>,
    errors: Vec<ErrorLine>,
    /// After a good check with new rows: the checked file, to import.
    carry: Option<(String, String)>,
}

fn view(ctx: &Ctx, kind: Option<ImportKind>) -> ImportPage {
    let m = it(ctx.lang);
    ImportPage {
        layout: Layout::new(ctx, "team"),
        m,
        kinds: ImportKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(ctx.lang), Some(*k) == kind))
            .collect(),
        form_error: None,
        report: None,
        errors: Vec::new(),
        carry: None,
    }
}

/// GET `/team/import`.
pub(crate) async fn show(ctx: Ctx) -> Response {
    let _actor = actor_or_redirect!(ctx);
    page(&view(&ctx, Some(ImportKind::People)))
}

/// POST `/team/import` (multipart): `kind`, `file` or `content` (the checked file carried
/// from the check), `action` (`check` or `import`).
pub(crate) async fn post(State(st): State<AppState>, ctx: Ctx, mut mp: Multipart) -> Response {
    let actor = actor_or_redirect!(ctx);
    let (mut csrf, mut kind, mut action) = (String::new(), String::new(), String::new());
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    loop {
        match mp.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                match f.bytes().await {
                    Ok(b) => match name.as_str() {
                        "_csrf" => csrf = String::from_utf8_lossy(&b).into_owned(),
                        "kind" => kind = String::from_utf8_lossy(&b).into_owned(),
                        "action" => action = String::from_utf8_lossy(&b).into_owned(),
                        "file" | "content" if !b.is_empty() => file = Some(b.to_vec()),
                        _ => {}
                    },
                    Err(_) => {
                        too_large = true;
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    let m = it(ctx.lang);
    if too_large {
        let mut v = view(&ctx, ImportKind::from_code(&kind));
        v.form_error = Some(m.too_large.into());
        return (StatusCode::PAYLOAD_TOO_LARGE, page(&v)).into_response();
    }
    if let Err(r) = ctx.check_csrf(&csrf) {
        return r;
    }
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let kind = ImportKind::from_code(&kind);
    let mut v = view(&ctx, kind);
    let (Some(k), Some(bytes)) = (kind, file) else {
        v.form_error = Some(if kind.is_none() { m.no_kind } else { m.no_file }.into());
        return (StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response();
    };
    let dry_run = action != "import";
    let none = |_: usize, _: usize| {};
    match import::run(&st.app, actor, team, k, &bytes, dry_run, &none).await {
        Ok(r) => {
            v.errors = r
                .errors
                .iter()
                .map(|e| ErrorLine {
                    line: e.line,
                    column: e.column.clone().unwrap_or_else(|| m.whole_row.into()),
                    reason: e.message.get(ctx.lang).to_string(),
                })
                .collect();
            if dry_run && r.errors.is_empty() && r.imported > 0 {
                v.carry = Some((
                    k.code().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
            let status = if r.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            v.report = Some(r);
            (status, page(&v)).into_response()
        }
        Err(e) => ctx.page_err(e),
    }
}
