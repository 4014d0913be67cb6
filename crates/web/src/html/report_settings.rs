//! The team's report settings on a page (`/reports/settings`, linked from `/reports`): the
//! small-number threshold, the cost per inpatient day, the co-financing share and the fidelity
//! targets. The team lead changes them (the form); every other member of the team reads them.
//! Who may, and the audit rows, are `benk_app::reports::{settings, set_settings}`'s: a member's
//! read is not audited (team configuration, no person data), a change is (`report.settings`),
//! and so is every refusal (`report.settings_read` / `report.settings`, denied).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::reports::fidelity::{FidelityTargets, TARGET_FIELDS};
use benk_app::reports::{self, ReportSettings};
use benk_app::{Actor, AppError, FieldError, Text};
use benk_domain::{Lang, TeamRole};
use serde::Deserialize;

use super::intake::form::{Fd, FormState};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

macro_rules! settings_texts {
    ($($key:ident: $nb:expr, $en:expr;)*) => {
        /// The words of the settings page.
        pub(crate) struct St { $(pub $key: &'static str,)* }
        static NB: St = St { $($key: $nb,)* };
        static EN: St = St { $($key: $en,)* };
    };
}

settings_texts! {
    title: "Rapportinnstillinger", "Report settings";
    intro_lead: "Du er teamleder og setter teamets innstillinger for rapportene. Endringer logges.", "You are the team lead and set the team's report settings. Changes are logged.";
    intro_member: "Teamlederen setter disse innstillingene. Du ser dem her.", "The team lead sets these settings. You see them here.";
    general: "Små tall og kostnader", "Small numbers and costs";
    targets: "Mål for troskapsprofilen", "Targets of the fidelity profile";
    targets_hint: "Hver indikator sammenlignes med målet i troskapsprofilen. Desimaler med komma eller punktum.", "Each indicator is compared with its target in the fidelity profile. Decimals with a comma or a point.";
    small_threshold: "Grense for små tall", "Small-number threshold";
    small_threshold_hint: "Tall fra 1 til grensen minus 1 skjules i eksporterte filer (2–100).", "Numbers from 1 to the threshold minus 1 are hidden in exported files (2–100).";
    cost: "Kostnad per liggedøgn (kr)", "Cost per inpatient day (NOK)";
    share: "Kommunal medfinansiering (%)", "Municipal co-financing (%)";
    save: "Lagre innstillingene", "Save the settings";
    saved: "Innstillingene er lagret.", "The settings have been saved.";
    back: "Rapporter", "Reports";
    not_number: "Skriv et tall.", "Write a number.";
    not_whole: "Skriv et helt tall.", "Write a whole number.";
    setting: "Innstilling", "Setting";
    value: "Verdi", "Value";
}

fn st(lang: Lang) -> &'static St {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}

/// One field of the form (or one line of the read-only table).
pub(crate) struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "report_settings.html")]
struct SettingsPage {
    layout: Layout,
    s: &'static St,
    lead: bool,
    general: Vec<FieldView>,
    targets: Vec<FieldView>,
    f: FormState,
}

fn general_fields(s: &'static St) -> Vec<FieldView> {
    vec![
        FieldView {
            name: "small_threshold",
            label: s.small_threshold,
            hint: Some(s.small_threshold_hint),
        },
        FieldView {
            name: "cost_per_inpatient_day",
            label: s.cost,
            hint: None,
        },
        FieldView {
            name: "co_financing_percent",
            label: s.share,
            hint: None,
        },
    ]
}

fn target_fields(lang: Lang) -> Vec<FieldView> {
    TARGET_FIELDS
        .iter()
        .map(|f| FieldView {
            name: target_name(f.code),
            label: match lang {
                Lang::Nb => f.label.0,
                Lang::En => f.label.1,
            },
            hint: None,
        })
        .collect()
}

/// The form's name of a target: `fidelity_targets.<code>`, as the API's field errors name it.
fn target_name(code: &str) -> &'static str {
    match code {
        "people_per_fte" => "fidelity_targets.people_per_fte",
        "contacts_per_person_week" => "fidelity_targets.contacts_per_person_week",
        "community_percent" => "fidelity_targets.community_percent",
        "shared_caseload_percent" => "fidelity_targets.shared_caseload_percent",
        "days_to_first_contact" => "fidelity_targets.days_to_first_contact",
        _ => "fidelity_targets.dropout_percent_year",
    }
}

/// A number as the form shows it: no trailing ".0", a comma in Norwegian.
fn show(lang: Lang, v: f64) -> String {
    let s = format!("{v}");
    match lang {
        Lang::Nb => s.replace('.', ","),
        Lang::En => s,
    }
}

fn values(lang: Lang, s: &ReportSettings) -> Fd {
    let mut fd = Fd::default();
    fd.set("small_threshold", s.small_threshold.to_string());
    fd.set(
        "cost_per_inpatient_day",
        s.cost_per_inpatient_day.to_string(),
    );
    fd.set("co_financing_percent", s.co_financing_percent.to_string());
    for f in &TARGET_FIELDS {
        let v = s.fidelity_targets.get(f.code).unwrap_or_default();
        fd.set(target_name(f.code), show(lang, v));
    }
    fd
}

fn render(
    ctx: &Ctx,
    actor: &Actor,
    team: uuid::Uuid,
    data: Fd,
    errors: Vec<FieldError>,
    flash: bool,
) -> Response {
    let s = st(ctx.lang);
    let general = general_fields(s);
    let targets = target_fields(ctx.lang);
    let labels = general
        .iter()
        .chain(targets.iter())
        .map(|f| (f.name, f.label))
        .collect();
    let mut layout = Layout::new(ctx, "reports");
    if flash {
        layout.flash = Some(s.saved.to_string());
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = SettingsPage {
        layout,
        s,
        lead: actor.has_role_in(team, &[TeamRole::TeamLead]),
        general,
        targets,
        f: FormState::new(ctx.lang, data, errors, labels, vec![]),
    };
    (status, page(&view)).into_response()
}

fn no_team() -> AppError {
    AppError::Forbidden(Text::new(
        "Du er ikke med i noe team.",
        "You are not in a team.",
    ))
}

#[derive(Deserialize, Default)]
pub(crate) struct MsgQuery {
    #[serde(default)]
    msg: Option<String>,
}

/// GET `/reports/settings`: the form for the team lead, the values for other members.
pub(crate) async fn show_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MsgQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(no_team());
    };
    match reports::settings(&st.app, actor, team).await {
        Ok(s) => render(
            &ctx,
            actor,
            team,
            values(ctx.lang, &s),
            vec![],
            q.msg.as_deref() == Some("saved"),
        ),
        Err(e) => ctx.page_err(e),
    }
}

/// Parses the form: every field error at once, each naming its field.
fn parse(fd: &Fd) -> Result<ReportSettings, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut whole = |name: &str| match fd.get(name).trim().parse::<i64>() {
        Ok(v) => v,
        Err(_) => {
            errs.push(FieldError::new(
                name,
                "not_a_number",
                NB.not_whole,
                EN.not_whole,
            ));
            0
        }
    };
    let small_threshold = whole("small_threshold");
    let cost_per_inpatient_day = whole("cost_per_inpatient_day");
    let co_financing_percent = whole("co_financing_percent");
    let mut targets = FidelityTargets::default();
    for f in &TARGET_FIELDS {
        let name = target_name(f.code);
        match fd
            .get(name)
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
        {
            Some(v) => {
                targets.set(f.code, v);
            }
            None => errs.push(FieldError::new(
                name,
                "not_a_number",
                NB.not_number,
                EN.not_number,
            )),
        }
    }
    if errs.is_empty() {
        Ok(ReportSettings {
            small_threshold,
            cost_per_inpatient_day,
            co_financing_percent,
            fidelity_targets: targets,
        })
    } else {
        Err(errs)
    }
}

/// POST `/reports/settings`: the team lead saves; a refusal is audited by the use case.
pub(crate) async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, fd, team) = match super::intake::posted_in_team(&ctx, pairs, no_team) {
        Ok(v) => v,
        Err(r) => return r,
    };
    // Bad numbers are answered to the team lead with the form; anyone else is refused (and
    // audited) by the use case whatever they typed.
    let settings = match parse(&fd) {
        Ok(s) => s,
        Err(errs) if actor.has_role_in(team, &[TeamRole::TeamLead]) => {
            return render(&ctx, actor, team, fd, errs, false);
        }
        Err(_) => ReportSettings::default(),
    };
    match reports::set_settings(&st.app, actor, team, &settings).await {
        Ok(_) => Redirect::to("/reports/settings?msg=saved").into_response(),
        Err(AppError::Invalid(errs)) => render(&ctx, actor, team, fd, errs, false),
        Err(e) => ctx.page_err(e),
    }
}
