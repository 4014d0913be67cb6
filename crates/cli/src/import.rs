//! `benk import KIND FILE --team TEAM --as LOGIN [--dry-run]`: the same importer as the web
//! page, acting as a named user so that the audit log says who imported. Progress goes to
//! standard error; the report (every bad row with its line, column and reason) to standard
//! output, in Norwegian or English (`--lang`).

use std::path::PathBuf;

use anyhow::Context;
use benk_app::actor::RequestMeta;
use benk_app::import::{self, ImportKind, Report};
use benk_app::App;
use benk_domain::Lang;

/// Arguments of `benk import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// people, measures or spor (see docs/import/).
    pub kind: String,
    /// The CSV file.
    pub file: PathBuf,
    /// The team's name.
    #[arg(long)]
    pub team: String,
    /// The login name of the user who imports (team lead or intake member, health
    /// personnel); the audit log names them.
    #[arg(long = "as", value_name = "LOGIN")]
    pub as_user: String,
    /// Check every row and report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Language of the report: nb (default) or en.
    #[arg(long, default_value = "nb")]
    pub lang: String,
}

/// Runs the import; exit code 0 when every row was good, 1 when some were not (nothing
/// written), 2 on other errors.
pub async fn run(app: &App, args: ImportArgs, os_user: &str) -> anyhow::Result<i32> {
    let lang = if args.lang == "en" {
        Lang::En
    } else {
        Lang::Nb
    };
    let kind = ImportKind::from_code(&args.kind).with_context(|| {
        format!(
            "unknown kind {:?}: use people, measures, spor or registry",
            args.kind
        )
    })?;
    let file =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let team = benk_app::lookup::team_by_name(app, &args.team)
        .await?
        .with_context(|| format!("no team named {:?}", args.team))?;
    let user = benk_app::staff::find_by_username(app, &args.as_user)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_context(|| format!("no user named {:?}", args.as_user))?;
    let meta = RequestMeta {
        ip: None,
        user_agent: Some(format!("benk import (os user: {os_user})")),
    };
    let actor = benk_app::staff::load_actor(app, user.id, meta)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_context(|| format!("the user {:?} is disabled", args.as_user))?;
    let progress = |done: usize, total: usize| {
        if total >= import::PROGRESS_EVERY {
            eprintln!("{done} / {total}");
        }
    };
    let report = import::run(app, &actor, team, kind, &file, args.dry_run, &progress)
        .await
        .map_err(|e| match e {
            benk_app::AppError::Forbidden(t) | benk_app::AppError::Conflict(t) => {
                anyhow::anyhow!("{}", t.get(lang))
            }
            other => anyhow::anyhow!("{other}"),
        })?;
    print_report(&report, lang);
    Ok(if report.errors.is_empty() { 0 } else { 1 })
}

fn print_report(r: &Report, lang: Lang) {
    let nb = lang == Lang::Nb;
    for e in &r.errors {
        let col = e.column.as_deref().unwrap_or("-");
        if nb {
            println!("linje {}, kolonne {col}: {}", e.line, e.message.get(lang));
        } else {
            println!("line {}, column {col}: {}", e.line, e.message.get(lang));
        }
    }
    let (rows, new, already) = (r.rows, r.imported, r.already_imported);
    let line = match (nb, r.errors.is_empty(), r.dry_run) {
        (true, false, _) => format!(
            "{} feil i {rows} rader: ingenting er importert.",
            r.errors.len()
        ),
        (false, false, _) => format!(
            "{} errors in {rows} rows: nothing was imported.",
            r.errors.len()
        ),
        (true, true, true) => format!(
            "prøvekjøring: {rows} rader er i orden; {new} ville blitt importert, {already} er importert fra før."
        ),
        (false, true, true) => format!(
            "dry run: {rows} rows are fine; {new} would be imported, {already} already imported."
        ),
        (true, true, false) => {
            format!("importert: {new} av {rows} rader; {already} var importert fra før.")
        }
        (false, true, false) => {
            format!("imported: {new} of {rows} rows; {already} were already imported.")
        }
    };
    println!("{line}");
}
