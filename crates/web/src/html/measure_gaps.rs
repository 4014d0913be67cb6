//! Two pages for outcome measures (issue 10): a measure's version history
//! (`/clients/{id}/measures/{measure}/history`, linked from a corrected measure) and the team's
//! measurement policy (`/measures/policy`: months after inclusion, window, required measures;
//! the team lead changes it, the team's members read it).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::open_client;
use benk_app::measures::{self, MeasureVersion};
use benk_app::{clients, Actor, AppError, FieldError};
use benk_domain::{Lang, MeasureKind, MeasurePolicy, Purpose, TeamRole, Tenths};
use uuid::Uuid;

use super::clients::{actor_or_redirect, parse_id};
use super::forms::{self, Msg};
use super::intake::{posted_in_team, Fd};
use super::plans::Retry;
use super::{page, Layout};
use crate::ctx::Ctx;
use crate::AppState;

page_texts! {
    /// Every user-facing string of these pages.
    Gt, fn gt;
    history: "Versjoner av målingen", "Versions of the measure";
    history_intro: "En måling endres aldri: en retting er en ny versjon med begrunnelse, og en sletting er en versjon som trekker målingen tilbake. Alle versjonene står her.", "A measure is never changed: a correction is a new version with a reason, and a deletion is a version that withdraws the measure. Every version is listed here.";
    back: "Tilbake til målingene", "Back to the measures";
    version: "Versjon", "Version";
    measured_on: "Målt", "Measured";
    values: "Verdier", "Values";
    reason: "Begrunnelse", "Reason";
    first: "Første registrering", "First recording";
    deleted: "Slettet", "Deleted";
    current: "Gjeldende", "Current";
    by: "Registrert av", "Recorded by";
    symptom: "symptom", "symptom";
    function: "funksjon", "function";
    total: "sum", "total";
    policy: "Målepunkter for teamet", "The team's measurement points";
    policy_intro: "Når målingene skal gjøres: måneder etter inntak, et vindu på hver side av punktet, og hvilke målinger et punkt trenger for å være gjort.", "When measures are due: months after inclusion, a window either side of each point, and which measures a point needs to be done.";
    months: "Måneder etter inntak", "Months after inclusion";
    months_hint: "Skill med komma, f.eks. 0, 6, 12, 24 (0 er inntaket). Høyst 12 punkter.", "Separate with commas, e.g. 0, 6, 12, 24 (0 is inclusion). At most 12 points.";
    window: "Vindu (dager før og etter)", "Window (days before and after)";
    required: "Målinger som kreves", "Measures required";
    save: "Lagre målepunktene", "Save the measurement points";
    only_lead: "Bare teamlederen endrer målepunktene.", "Only the team lead changes the measurement points.";
    saved: "Lagret.", "Saved.";
    due_list: "Målinger som forfaller", "Measures due";
}

// ---------------------------------------------------------------- history

struct VersionRow {
    n: usize,
    measured_on: String,
    values: String,
    reason: String,
    state: &'static str,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "measure_history.html")]
struct HistoryPage {
    layout: Layout,
    g: &'static Gt,
    client_id: Uuid,
    client_name: String,
    kind: &'static str,
    rows: Vec<VersionRow>,
}

fn values(v: &MeasureVersion, g: &Gt, lang: Lang) -> String {
    let m = &v.measure;
    if let (Some(s), Some(f)) = (m.gaf_symptom, m.gaf_function) {
        return format!("{} {s}, {} {f}", g.symptom, g.function);
    }
    match m.tenths {
        Some(t) => {
            let items: Vec<String> = t.iter().map(|x| Tenths(*x).display(lang)).collect();
            let total = m
                .total_tenths()
                .map(|x| x.display(lang))
                .unwrap_or_default();
            format!("{} ({} {total})", items.join(" · "), g.total)
        }
        None => String::new(),
    }
}

/// GET `/clients/{id}/measures/{measure}/history`.
pub(super) async fn history_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure)): Path<(String, String)>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let (client, measure) = match (parse_id(&ctx, &id), parse_id(&ctx, &measure)) {
        (Ok(c), Ok(m)) => (c, m),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let view = async {
        let grant = open_client(&st.app, actor, client, Purpose::Treat).await?;
        let c = clients::basic(&st.app, actor, &grant).await?;
        let versions = measures::history(&st.app, actor, &grant, measure).await?;
        Ok::<_, AppError>((c.name, versions))
    };
    match view.await {
        Ok((name, versions)) => {
            let layout = Layout::new(&ctx, "clients");
            let lang = layout.lang_v;
            let g = gt(lang);
            let kind = versions
                .first()
                .and_then(|v| MeasureKind::from_code(&v.measure.kind))
                .map_or("", |k| k.label(lang));
            let rows = versions
                .iter()
                .enumerate()
                .map(|(i, v)| VersionRow {
                    n: i + 1,
                    measured_on: layout.date(&v.measure.measured_on),
                    values: if v.retracted {
                        String::new()
                    } else {
                        values(v, g, lang)
                    },
                    reason: v.measure.correction_reason.clone().unwrap_or_else(|| {
                        if i == 0 {
                            g.first.into()
                        } else {
                            String::new()
                        }
                    }),
                    state: if v.retracted {
                        g.deleted
                    } else if v.current {
                        g.current
                    } else {
                        ""
                    },
                    by: format!(
                        "{} ({})",
                        v.measure.recorded_by_name, v.measure.owner_org_name
                    ),
                    at: layout.datetime(&v.measure.created_at),
                })
                .collect();
            page(&HistoryPage {
                layout,
                g,
                client_id: client,
                client_name: name,
                kind,
                rows,
            })
        }
        Err(e) => ctx.page_err(e),
    }
}

// ---------------------------------------------------------------- the policy

#[derive(Template)]
#[template(path = "measures_policy.html")]
struct PolicyPage {
    layout: Layout,
    g: &'static Gt,
    policy: MeasurePolicy,
    lead: bool,
    retry: Retry,
    kinds: Vec<(&'static str, &'static str)>,
}

impl PolicyPage {
    fn months_text(&self) -> String {
        if self.retry.posted("policy") {
            return self.retry.val("policy", "months");
        }
        self.policy
            .months
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn window_text(&self) -> String {
        if self.retry.posted("policy") {
            return self.retry.val("policy", "window_days");
        }
        self.policy.window_days.to_string()
    }
    fn required(&self, code: &str) -> bool {
        if self.retry.posted("policy") {
            return self.retry.has("policy", "required", code);
        }
        self.policy.required.iter().any(|k| k.code() == code)
    }
}

fn no_team() -> AppError {
    AppError::Forbidden(benk_app::Text::new(
        "Du er ikke med i noe team.",
        "You are not in a team.",
    ))
}

async fn policy_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    retry: Retry,
) -> Result<PolicyPage, AppError> {
    let team = actor.acting().map(|m| m.team_id).ok_or_else(no_team)?;
    let policy = measures::policy(&st.app, team).await?;
    let layout = Layout::new(ctx, "team");
    let lang = layout.lang_v;
    Ok(PolicyPage {
        g: gt(lang),
        layout,
        policy,
        lead: actor.has_role_in(team, &[TeamRole::TeamLead]),
        retry,
        kinds: MeasureKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect(),
    })
}

/// GET `/measures/policy`.
pub(super) async fn policy_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Msg>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let view = policy_view(&st, &ctx, actor, Retry::default()).await;
    let flash = q.flash(&[("saved", gt(ctx.lang).saved)]);
    forms::rendered(&ctx, view, flash, |v| &mut v.layout)
}

fn parse_policy(fd: &Fd) -> Result<MeasurePolicy, AppError> {
    let mut errs = Vec::new();
    let mut months = Vec::new();
    for part in fd.get("months").split([',', ' ', ';']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match part.parse::<u32>() {
            Ok(m) => months.push(m),
            Err(_) => {
                errs.push(FieldError::new(
                    "months",
                    "invalid_months",
                    "Oppgi hele måneder 0–120 etter inntak, skilt med komma.",
                    "Give whole months 0–120 after inclusion, separated by commas.",
                ));
                break;
            }
        }
    }
    let window_days = match fd.get("window_days").trim().parse::<i64>() {
        Ok(w) => w,
        Err(_) => {
            errs.push(FieldError::new(
                "window_days",
                "invalid_number",
                "Oppgi et helt antall dager.",
                "Give a whole number of days.",
            ));
            0
        }
    };
    let required = fd
        .all("required")
        .into_iter()
        .filter_map(MeasureKind::from_code)
        .collect();
    if errs.is_empty() {
        Ok(MeasurePolicy {
            months,
            window_days,
            required,
        })
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// POST `/measures/policy` (the team lead).
pub(super) async fn policy_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match posted_in_team(&ctx, f, no_team) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = match parse_policy(&fd) {
        Ok(p) => measures::set_policy(&st.app, actor, team, &p).await,
        Err(e) => Err(e),
    };
    let errs = match result {
        Ok(()) => return Redirect::to("/measures/policy?msg=saved").into_response(),
        Err(AppError::Invalid(errs)) => errs,
        Err(e) => return ctx.page_err(e),
    };
    match policy_view(&st, &ctx, actor, Retry::new(&ctx, "policy", fd, errs)).await {
        Ok(v) => (StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response(),
        Err(e) => ctx.page_err(e),
    }
}
