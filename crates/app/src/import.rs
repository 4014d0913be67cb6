//! Import (issue 10): teams arrive with spreadsheets. `run` reads a CSV file of one kind
//! (people, measures, SPoR interviews, registry events), checks every row with the same domain rules and app
//! checks the API uses, and either reports every bad row (line, column, reason in nb and en)
//! and writes nothing, or writes every new row in one `WriteOp` with its audit row(s).
//!
//! A kind is one module implementing [`Kind`]: its row type, its header names, a
//! parse-and-check function over one row's cells, and the statements it writes. `run` does
//! everything else (access, the file format, duplicates in the file, rows already imported,
//! the audit and the write). See `docs/import/`.

pub mod format;
pub mod measures;
pub mod people;
pub mod registry;
pub mod spor;

use std::collections::HashSet;

use benk_domain::{Lang, TeamRole};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::is_health_personnel;
use crate::actor::Actor;
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{BoxFuture, Decision, Stmt, Tx, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::App;

pub use format::{Cells, Column};

/// The kinds of file Benk imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// People with their referral, inclusion and course.
    People,
    /// GAF, ORS and SRS.
    Measures,
    /// SPoR interview rounds.
    Spor,
    /// Registry events: inpatient stays, emergency visits, police events, prison stays.
    Registry,
}

impl ImportKind {
    /// Every kind, in the order the page offers them.
    pub const ALL: [ImportKind; 4] = [
        ImportKind::People,
        ImportKind::Measures,
        ImportKind::Spor,
        ImportKind::Registry,
    ];
    /// The code (command line, form, audit).
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::People => "people",
            ImportKind::Measures => "measures",
            ImportKind::Spor => "spor",
            ImportKind::Registry => "registry",
        }
    }
    /// From its code.
    pub fn from_code(s: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim())
    }
    /// Its name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ImportKind::People, Lang::Nb) => "Personer (henvisning, inklusjon, forløp)",
            (ImportKind::People, Lang::En) => "People (referral, inclusion, course)",
            (ImportKind::Measures, Lang::Nb) => "Målinger (GAF, ORS, SRS)",
            (ImportKind::Measures, Lang::En) => "Measures (GAF, ORS, SRS)",
            (ImportKind::Spor, Lang::Nb) => "SPoR-intervjuer",
            (ImportKind::Spor, Lang::En) => "SPoR interviews",
            (ImportKind::Registry, Lang::Nb) => {
                "Registerdata (innleggelser, legevakt, politi, fengsel)"
            }
            (ImportKind::Registry, Lang::En) => {
                "Registry events (admissions, emergency, police, prison)"
            }
        }
    }
    /// Its columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::People => people::People::COLUMNS,
            ImportKind::Measures => measures::Measures::COLUMNS,
            ImportKind::Spor => spor::Spor::COLUMNS,
            ImportKind::Registry => registry::Registry::COLUMNS,
        }
    }
}

/// One problem in the file: the line (1 is the header), the column (None: the whole row or
/// file), a stable code and the reason in both languages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Line in the file (the header is line 1; 0: the file itself).
    pub line: u64,
    /// Column name as in the header.
    pub column: Option<String>,
    /// Stable code.
    pub code: String,
    /// The reason.
    pub message: Text,
}

impl RowError {
    /// A field error of a row, at its column.
    pub fn at(line: u64, e: FieldError) -> RowError {
        RowError {
            line,
            column: (!e.field.is_empty()).then_some(e.field),
            code: e.code,
            message: e.message,
        }
    }
    /// A problem with the file as a whole.
    pub fn file(code: &str, nb: &str, en: &str) -> RowError {
        RowError {
            line: 0,
            column: None,
            code: code.into(),
            message: Text::new(nb, en),
        }
    }
}

/// What an import did or would do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// The kind.
    pub kind: ImportKind,
    /// Only checked, nothing written.
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// Rows written (or, in a dry run, that would be).
    pub imported: usize,
    /// Rows whose `external_id` the team already has: skipped.
    pub already_imported: usize,
    /// Every bad row; non-empty means nothing was written.
    pub errors: Vec<RowError>,
    /// Whether the rows were written.
    pub written: bool,
}

/// What a kind's checks may look at: the team, its policy, today, and whether synthetic
/// national ids are accepted.
pub struct Ctx {
    /// Team.
    pub team_id: Uuid,
    /// Test data enabled (synthetic ids accepted).
    pub allow_synthetic: bool,
    /// Oslo today.
    pub today: NaiveDate,
    /// The team's policy (target-group criteria).
    pub policy: crate::orgs::TeamPolicy,
}

/// Who writes and when.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    /// Staff id.
    pub by: Uuid,
    /// Their employer (owns what is written).
    pub owner_org: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// What one new row writes.
pub struct Planned {
    /// Its statements.
    pub stmts: Vec<Stmt>,
    /// The person it touches.
    pub client: Uuid,
}

/// One kind of import file. A kind reads what it needs from the team once (`prepare`), then
/// checks each row (`parse`, with the same domain rules and app checks as the API), and turns
/// a new row into statements (`plan`). It never writes, audits or decides access: `run` does.
pub trait Kind {
    /// A checked row.
    type Row;
    /// What `prepare` read.
    type Known: Send + Sync;
    /// The kind.
    const KIND: ImportKind;
    /// The header names (case and spacing ignored), required or not.
    const COLUMNS: &'static [Column];
    /// Reads what the checks need from the team (the external ids already there, the people
    /// rows may name).
    fn prepare(
        app: &App,
        ctx: &Ctx,
    ) -> impl std::future::Future<Output = AppResult<Self::Known>> + Send;
    /// Checks one row; every problem at once, named by its column.
    fn parse(
        cells: &Cells<'_>,
        ctx: &Ctx,
        known: &Self::Known,
    ) -> Result<Self::Row, Vec<FieldError>>;
    /// The row's external id.
    fn external_id(row: &Self::Row) -> &str;
    /// Whether the team already has this external id.
    fn exists(known: &Self::Known, external_id: &str) -> bool;
    /// Checks across the new rows of the file (e.g. one interview per person and round); the
    /// rows come in file order with their line.
    fn check_together(rows: &[(u64, Self::Row)], known: &Self::Known) -> Vec<RowError> {
        let _ = (rows, known);
        Vec::new()
    }
    /// The statements that write the new rows, with the person each touches.
    fn plan(rows: &[(u64, Self::Row)], ctx: &Ctx, known: &Self::Known, w: Writer) -> Vec<Planned>;
    /// Rules across the new rows and what is stored that must still hold when the rows are
    /// written: read again inside the writer command that inserts them, so a write made
    /// meanwhile (a stay typed in Benk during the import) cannot break them. `None` (the
    /// default): the unique indexes are the only such rule, and the rows go in as one
    /// `WriteOp`.
    fn recheck(rows: &[(u64, Self::Row)], ctx: &Ctx) -> Option<Recheck> {
        let _ = (rows, ctx);
        None
    }
}

/// A check run inside the writer's transaction before an import's rows are written: the
/// rows at fault (empty: write).
pub type Recheck = Box<
    dyn for<'t, 'c> FnOnce(&'t mut Tx<'c>) -> BoxFuture<'t, Result<Vec<RowError>, sqlx::Error>>
        + Send,
>;

/// Progress on a large file: (rows checked so far, rows in the file).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// How often `run` reports progress.
pub const PROGRESS_EVERY: usize = 1000;

/// Who may import into a team: its team lead and intake members who are health personnel
/// (the rows are health content). A refusal is audited as `import.<kind>` denied.
async fn require_importer(app: &App, actor: &Actor, team: Uuid, kind: ImportKind) -> AppResult<()> {
    let action = format!("import.{}", kind.code());
    let refuse = |why: &str| {
        let mut d = actor.audit(&action, Outcome::Denied);
        d.actor_team_id = Some(team);
        d.purpose = Some("COC".into());
        d.resources = format!("team:{team},import:{},none:{why}", kind.code());
        d
    };
    if !actor.has_role_in(team, &[TeamRole::TeamLead, TeamRole::IntakeMember]) {
        app.writer
            .write(WriteOp::audit_only(vec![refuse("not_permitted")]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare teamleder og inntaksteamet kan importere til teamet. Forsøket er logget.",
            "Only the team lead and the intake team may import into the team. The attempt has been logged.",
        )));
    }
    if !is_health_personnel(actor) {
        app.writer
            .write(WriteOp::audit_only(vec![refuse(
                "health_content_not_in_scope",
            )]))
            .await?;
        return Err(AppError::Forbidden(Text::new(
            "Importfilene har helseopplysninger og kan bare importeres av helsepersonell. Forsøket er logget.",
            "Import files hold health information and may be imported by health personnel only. The attempt has been logged.",
        )));
    }
    Ok(())
}

/// Imports one file of `kind` into `team` as `actor` (see the module). A dry run checks and
/// reports; a real run writes all new rows or, if any row is bad, nothing.
pub async fn run(
    app: &App,
    actor: &Actor,
    team: Uuid,
    kind: ImportKind,
    file: &[u8],
    dry_run: bool,
    progress: Progress<'_>,
) -> AppResult<Report> {
    match kind {
        ImportKind::People => {
            run_kind::<people::People>(app, actor, team, file, dry_run, progress).await
        }
        ImportKind::Measures => {
            run_kind::<measures::Measures>(app, actor, team, file, dry_run, progress).await
        }
        ImportKind::Spor => run_kind::<spor::Spor>(app, actor, team, file, dry_run, progress).await,
        ImportKind::Registry => {
            run_kind::<registry::Registry>(app, actor, team, file, dry_run, progress).await
        }
    }
}

async fn run_kind<K: Kind>(
    app: &App,
    actor: &Actor,
    team: Uuid,
    file: &[u8],
    dry_run: bool,
    progress: Progress<'_>,
) -> AppResult<Report> {
    let kind = K::KIND;
    require_importer(app, actor, team, kind).await?;
    let ctx = Ctx {
        team_id: team,
        allow_synthetic: app.settings.allow_synthetic_ids,
        today: crate::time::oslo_today(),
        policy: crate::orgs::get_team(app, team).await?.policy,
    };
    let mut report = Report {
        kind,
        dry_run,
        rows: 0,
        imported: 0,
        already_imported: 0,
        errors: Vec::new(),
        written: false,
    };
    let table = match format::read(file, K::COLUMNS) {
        Ok(t) => t,
        Err(errors) => {
            report.errors = errors;
            audit_check(app, actor, team, &report).await?;
            return Ok(report);
        }
    };
    report.rows = table.records.len();
    let known = K::prepare(app, &ctx).await?;
    let mut new_rows: Vec<(u64, K::Row)> = Vec::new();
    let mut in_file: HashSet<String> = HashSet::new();
    for (n, rec) in table.records.iter().enumerate() {
        if n > 0 && n % PROGRESS_EVERY == 0 {
            progress(n, report.rows);
        }
        let cells = table.cells(rec);
        match K::parse(&cells, &ctx, &known) {
            Err(errs) => report
                .errors
                .extend(errs.into_iter().map(|e| RowError::at(rec.line, e))),
            Ok(row) => {
                let ext = K::external_id(&row).to_string();
                if !in_file.insert(ext.clone()) {
                    report.errors.push(RowError::at(
                        rec.line,
                        FieldError::new(
                            "external_id",
                            "duplicate_in_file",
                            "Den samme external_id står på en tidligere linje i filen.",
                            "The same external_id is on an earlier line of the file.",
                        ),
                    ));
                } else if K::exists(&known, &ext) {
                    report.already_imported += 1;
                } else {
                    new_rows.push((rec.line, row));
                }
            }
        }
    }
    progress(report.rows, report.rows);
    report.errors.extend(K::check_together(&new_rows, &known));
    report.errors.sort_by_key(|e| e.line);
    report.imported = new_rows.len();
    if dry_run || !report.errors.is_empty() {
        if !report.errors.is_empty() {
            report.imported = 0;
        }
        audit_check(app, actor, team, &report).await?;
        return Ok(report);
    }
    let now = Utc::now();
    let w = Writer {
        by: actor.staff_id,
        owner_org: actor.home_org_id,
        at: now,
    };
    let planned = K::plan(&new_rows, &ctx, &known, w);
    let mut stmts = Vec::new();
    let mut touched: Vec<(Uuid, &str)> = Vec::new();
    for p in planned {
        stmts.extend(p.stmts);
        touched.push((p.client, "import"));
    }
    let what = format!(
        "team:{team},import:{},rows:{},imported:{},already_imported:{}",
        kind.code(),
        report.rows,
        report.imported,
        report.already_imported
    );
    let action = format!("import.{}", kind.code());
    let mut audit = crate::audit::list_audit(actor, &action, "COC", &what, &touched);
    if audit.is_empty() {
        let mut d = actor.audit(&action, Outcome::Allowed);
        d.purpose = Some("COC".into());
        d.resources = what;
        audit.push(d);
    }
    for d in &mut audit {
        d.actor_team_id = Some(team);
    }
    let written = match K::recheck(&new_rows, &ctx) {
        None => app.writer.write(WriteOp { stmts, audit }).await.map(Ok),
        Some(recheck) => {
            let refused = check_audit(actor, team, &report, false);
            write_checked(app, recheck, stmts, audit, refused).await
        }
    };
    match written.map_err(AppError::from) {
        Ok(Ok(())) => {
            report.written = true;
            Ok(report)
        }
        Ok(Err(errors)) => {
            report.imported = 0;
            report.errors = errors;
            Ok(report)
        }
        // Someone else wrote one of these rows meanwhile (the same file at the same time):
        // nothing of this file was written; importing it again skips what is there.
        Err(AppError::Conflict(_)) => Err(AppError::Conflict(Text::new(
            "Noen av radene ble lagret av noen andre samtidig. Ingenting fra denne filen ble lagret; importer den på nytt.",
            "Some of the rows were saved by someone else at the same time. Nothing from this file was saved; import it again.",
        ))),
        Err(e) => Err(e),
    }
}

/// Writes the rows in one writer command after `recheck` passed inside it; rows at fault
/// write nothing but the refusal's audit row (`refused`, its error count filled in).
async fn write_checked(
    app: &App,
    recheck: Recheck,
    stmts: Vec<Stmt>,
    audit: Vec<AuditDraft>,
    refused: AuditDraft,
) -> Result<Result<(), Vec<RowError>>, crate::db::writer::WriteError> {
    app.writer
        .command(move |tx| {
            Box::pin(async move {
                let mut errors = recheck(tx).await?;
                if !errors.is_empty() {
                    errors.sort_by_key(|e| e.line);
                    let mut d = refused;
                    d.resources = format!("{},errors:{}", d.resources, errors.len());
                    return Ok(Decision::Refuse {
                        audit: vec![d],
                        error: errors,
                    });
                }
                for stmt in stmts {
                    tx.execute(stmt.sql, stmt.args).await?;
                }
                Ok(Decision::Commit { audit, value: () })
            })
        })
        .await
}

/// A dry run, or a run refused for bad rows, reads the team's people (the references) but
/// writes nothing: one audit row with the counts.
async fn audit_check(app: &App, actor: &Actor, team: Uuid, r: &Report) -> AppResult<()> {
    let mut d = check_audit(actor, team, r, r.errors.is_empty());
    d.resources = format!("{},errors:{}", d.resources, r.errors.len());
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(())
}

/// The audit row of a check that wrote nothing (allowed: a dry run without bad rows),
/// without its error count.
fn check_audit(actor: &Actor, team: Uuid, r: &Report, allowed: bool) -> AuditDraft {
    let mut d: AuditDraft = actor.audit(
        &format!("import.{}", r.kind.code()),
        if allowed {
            Outcome::Allowed
        } else {
            Outcome::Denied
        },
    );
    d.actor_team_id = Some(team);
    d.purpose = Some("COC".into());
    d.resources = format!(
        "team:{team},import:{},{},rows:{},new:{},already_imported:{}",
        r.kind.code(),
        if r.dry_run {
            "dry_run"
        } else {
            "nothing_written"
        },
        r.rows,
        r.imported,
        r.already_imported,
    );
    d
}
