//! Server-rendered pages. Each page has a view struct rendering one template;
//! every view carries a [`Layout`] for the shared frame.

/// The words of one page module in both languages: `page_texts! { /// doc
/// Name, pub(crate) fn get; key: "nb", "en"; … }` makes the struct `Name` with one
/// `&'static str` per key, its Bokmål and English values, and `get(lang)`.
macro_rules! page_texts {
    ($(#[doc = $doc:literal])* $name:ident, $vis:vis fn $get:ident; $($key:ident: $nb:expr, $en:expr;)*) => {
        $(#[doc = $doc])*
        #[derive(Debug)]
        pub(crate) struct $name { $(pub $key: &'static str,)* }
        static NB: $name = $name { $($key: $nb,)* };
        static EN: $name = $name { $($key: $en,)* };
        /// The words in the reader's language.
        $vis fn $get(lang: benk_domain::Lang) -> &'static $name {
            match lang {
                benk_domain::Lang::Nb => &NB,
                benk_domain::Lang::En => &EN,
            }
        }
    };
}

mod admin;
mod appointments;
mod auth;
mod clients;
pub(crate) mod contacts;
pub(crate) mod daily;
pub(crate) mod intake;
pub(crate) mod measures;
pub(crate) mod registry;

pub(crate) use intake::{parse_referral, Fd};
mod forms;
mod import;
pub(crate) use import::MAX_FILE as IMPORT_MAX_FILE;
mod learning;
mod measure_gaps;
mod plans;
pub mod report;
mod report_settings;
mod services;
mod settings;
mod team;
mod teamwork;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use benk_domain::{Lang, Profession, TeamRole};
use chrono::{DateTime, NaiveDate, Utc};

use crate::ctx::Ctx;
use crate::i18n::Texts;
use crate::AppState;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(auth::login_page).post(auth::login_submit))
        .route("/login/totp", get(auth::totp_page).post(auth::totp_submit))
        .route("/logout", post(auth::logout))
        .route("/lang/{lang}", get(auth::set_lang))
        .route("/", get(clients::my_clients))
        .route("/clients", get(clients::list))
        .route("/clients/new", get(clients::new_form).post(clients::create))
        .route("/clients/{id}", get(clients::show))
        .route(
            "/clients/{id}/edit",
            get(clients::edit_form).post(clients::update),
        )
        .route("/clients/{id}/contacts/new", get(contacts::new_form))
        .route("/clients/{id}/contacts", post(contacts::create))
        .route("/clients/{id}/draft", post(contacts::draft))
        .route(
            "/clients/{id}/entries/{eid}/correct",
            post(contacts::correct),
        )
        .route("/clients/{id}/situation", post(clients::set_situation))
        .route("/clients/{id}/referrals/{rid}", get(clients::referral))
        .route("/clients/{id}/care", post(clients::add_care))
        .route("/clients/{id}/services", post(services::record))
        .route("/clients/{id}/care/{rid}/end", post(clients::end_care))
        .route(
            "/clients/{id}/appointments",
            get(appointments::client_page).post(appointments::create),
        )
        .route(
            "/clients/{id}/appointments/{aid}",
            get(appointments::edit_page).post(appointments::update),
        )
        .route(
            "/clients/{id}/appointments/{aid}/cancel",
            post(appointments::cancel),
        )
        .route("/appointments", get(appointments::mine))
        .route("/needs-contact", get(appointments::needs_contact))
        .route("/calendar/{file}", get(appointments::feed))
        .route("/settings/calendar", post(appointments::create_feed))
        .route("/settings/calendar/revoke", post(appointments::revoke_feed))
        .route(
            "/reports/settings",
            get(report_settings::show_settings).post(report_settings::save_settings),
        )
        .route("/reports", get(report::list_page))
        .route("/reports/{name}", get(report::show))
        .route("/reports/{name}/download", get(report::download_handler))
        .route("/team", get(team::page))
        .route("/team/contact", post(team::set_contact))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}/disabled", post(admin::set_disabled))
        .route("/admin/users/{id}/require-totp", post(admin::require_totp))
        .route("/admin/users/{id}/password", post(admin::set_password))
        .route("/admin/users/{id}/membership", post(admin::set_membership))
        .route("/admin/organisations/{id}/side", post(admin::set_org_side))
        .route(
            "/admin/users/{id}/health-personnel",
            post(admin::set_health_personnel),
        )
        .route("/settings", get(settings::show))
        .route("/settings/language", post(settings::language))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        // The open hour (public booking, no login) and the intake team's page.
        .route("/apen-time", get(daily::public_index))
        .route(
            "/apen-time/{team}",
            get(daily::public_form).post(daily::public_submit),
        )
        .route("/apen-time/kvittering/{nr}", get(daily::public_receipt))
        .route("/intake/open-hour", get(daily::team))
        .route("/intake/open-hour/slots", post(daily::create_slot))
        .route("/intake/open-hour/slots/{id}/end", post(daily::end_slot))
        .route("/intake/open-hour/bookings/{id}", get(daily::booking))
        .route(
            "/intake/open-hour/bookings/{id}/guidance",
            post(daily::advise),
        )
        // The drop-in centre and housing.
        .route(
            "/dropin",
            get(daily::dropin_show).post(daily::dropin_record),
        )
        .route(
            "/clients/{id}/housing",
            get(daily::housing_show).post(daily::housing_post),
        )
        .route(
            "/clients/{id}/measures",
            get(measures::show).post(measures::post),
        )
        .route(
            "/clients/{id}/registry",
            get(registry::show).post(registry::post),
        )
        .route(
            "/clients/{id}/spor-interviews/{interview}/correct",
            get(measures::correct_show).post(measures::correct_post),
        )
        .route("/measures/due", get(measures::due_page))
        .route(
            "/measures/policy",
            get(measure_gaps::policy_page).post(measure_gaps::policy_save),
        )
        .route(
            "/clients/{id}/measures/{measure}/history",
            get(measure_gaps::history_page),
        )
        .route("/spor", get(measures::spor_show).post(measures::spor_post))
        .route(
            "/team/import",
            get(import::show)
                .post(import::post)
                .layer(axum::extract::DefaultBodyLimit::max(
                    import::MAX_FILE + 64 * 1024,
                )),
        )
        .route("/caseload", get(teamwork::caseload_page))
        .route(
            "/board",
            get(teamwork::board_page).post(teamwork::board_add),
        )
        .route("/board/screen", get(teamwork::board_screen))
        .route("/board/{id}/review", post(teamwork::board_review))
        .route("/board/{id}/remove", post(teamwork::board_remove))
        .route(
            "/meetings",
            get(teamwork::meetings_page).post(teamwork::meetings_create),
        )
        .route("/meetings/{id}", get(teamwork::meeting_page))
        .route("/meetings/{id}/items", post(teamwork::meeting_add_item))
        .route(
            "/meetings/{id}/items/{item}/decision",
            post(teamwork::meeting_decide),
        )
        // Goals, the individual plan and responsibility-group meetings (issue 10).
        .route("/clients/{id}/plan", get(plans::plan_page))
        .route(
            "/clients/{id}/plan/edit",
            get(plans::plan_form).post(plans::plan_save),
        )
        .route("/clients/{id}/goals", post(plans::add_goal))
        .route(
            "/clients/{id}/goals/{goal}/notes",
            post(plans::add_goal_note),
        )
        .route("/plans/{id}/versions/{n}", get(plans::plan_print))
        .route(
            "/episodes/{id}/rg-meetings/new",
            get(plans::rg_form).post(plans::rg_save),
        )
        .route("/rg-meetings/{id}", get(plans::rg_page))
        .route("/rg-tasks/{id}/status", post(plans::task_status))
        .route("/tasks", get(plans::my_tasks))
        // The learning log (issue 10).
        .route(
            "/episodes/{id}/learning-log",
            get(learning::log_page).post(learning::entry_save),
        )
        .route(
            "/episodes/{id}/learning-log/label",
            post(learning::label_save),
        )
        .route(
            "/learning-entries/{id}/evaluations",
            post(learning::evaluation_save),
        )
        .route("/learning", get(learning::team_page))
        .route("/learning/factors", post(learning::factor_save))
        .merge(intake::routes())
}

/// The shared frame of every page.
pub struct Layout {
    /// Texts in the user's language.
    pub t: &'static Texts,
    /// `nb` or `en`.
    pub lang: &'static str,
    /// Logged-in user's name.
    pub user: Option<String>,
    /// CSRF token for forms.
    pub csrf: String,
    /// Which menu item is current.
    pub active: &'static str,
    /// Show administration.
    pub is_admin: bool,
    /// A one-off status message.
    pub flash: Option<String>,
    /// Show the intake board link (intake team, team lead, administrator of the acting team).
    pub show_intake: bool,
    /// Show the team report link (any team member).
    pub show_reports: bool,
    lang_v: Lang,
}

impl Layout {
    /// The frame for a request.
    pub fn new(ctx: &Ctx, active: &'static str) -> Layout {
        Layout {
            t: ctx.t(),
            lang: ctx.lang.as_tag(),
            user: ctx.actor.as_ref().map(|a| a.name().to_string()),
            csrf: ctx.csrf(),
            active,
            is_admin: ctx.actor.as_ref().is_some_and(|a| a.is_admin()),
            flash: None,
            show_intake: ctx.actor.as_ref().is_some_and(|a| {
                a.acting().is_some_and(|m| {
                    a.has_role_in(
                        m.team_id,
                        &[
                            TeamRole::IntakeMember,
                            TeamRole::TeamLead,
                            TeamRole::Administrator,
                        ],
                    )
                })
            }),
            show_reports: ctx.actor.as_ref().is_some_and(|a| a.acting().is_some()),
            lang_v: ctx.lang,
        }
    }

    /// Whether the current page is one of the team's pages, reached from the team page (the
    /// menu marks "Team" for them).
    pub fn in_team(&self) -> bool {
        matches!(
            self.active,
            "team" | "meetings" | "caseload" | "needs" | "dropin" | "appointments"
        )
    }

    /// A date in the user's locale.
    pub fn date(&self, d: &NaiveDate) -> String {
        match self.lang_v {
            Lang::Nb => d.format("%-d.%-m.%Y").to_string(),
            Lang::En => d.format("%-d %b %Y").to_string(),
        }
    }

    /// An instant in Norwegian time, in the user's locale.
    pub fn datetime(&self, t: &DateTime<Utc>) -> String {
        let local = benk_app::time::oslo(*t);
        match self.lang_v {
            Lang::Nb => local.format("%-d.%-m.%Y kl. %H:%M").to_string(),
            Lang::En => local.format("%-d %b %Y %H:%M").to_string(),
        }
    }

    /// FTE percent sum as positions with a locale decimal separator (520 → "5,2").
    pub fn positions(&self, percent_sum: &i64) -> String {
        let s = format!("{:.1}", *percent_sum as f64 / 100.0);
        match self.lang_v {
            Lang::Nb => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A stored phone number for reading: Norwegian numbers grouped as
    /// "+47 912 34 567"; others as stored.
    pub fn phone(&self, e164: &str) -> String {
        match e164.strip_prefix("+47") {
            Some(n) if n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()) => {
                format!("+47 {} {} {}", &n[..3], &n[3..5], &n[5..])
            }
            _ => e164.to_string(),
        }
    }

    /// A profession code's label.
    pub fn profession(&self, code: &str) -> &'static str {
        Profession::from_code(code)
            .map(|p| p.label(self.lang_v))
            .unwrap_or("–")
    }

    /// A role code's label.
    pub fn role(&self, code: &str) -> &'static str {
        TeamRole::from_code(code)
            .map(|r| r.label(self.lang_v))
            .unwrap_or("–")
    }
}

/// Renders a template; a rendering failure becomes a logged incident.
pub fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_else(|e| {
        let id = crate::error::incident(&format!("template: {e}"));
        format!("<!doctype html><title>Benk</title><p>Intern feil / internal error: {id}</p>")
    })
}

/// Renders a page as a response.
pub fn page<T: Template>(t: &T) -> Response {
    Html(render(t)).into_response()
}

/// A bare error page (no navigation, works without a session).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// `nb` / `en`.
    pub lang: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Message.
    pub message: String,
    /// Link text back home.
    pub back: &'static str,
}
