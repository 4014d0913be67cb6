//! The person's page: ordinary services established or re-established during the course
//! (issue 8). Health content: shown and recorded only under a grant that covers health.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::{open_client, ReadGrant};
use benk_app::target::{self, ServiceInput};
use benk_app::{Actor, AppError, FieldError};
use benk_domain::{EstablishedService, Lang, Purpose, ShortText};
use chrono::NaiveDate;
use serde::Deserialize;

use super::clients::actor_or_redirect;
use super::intake::decision::service_text;
use super::Layout;
use crate::ctx::Ctx;
use crate::AppState;

/// The section on the person's page.
pub(crate) struct ServicesUi {
    pub title: &'static str,
    pub intro: &'static str,
    pub none: &'static str,
    pub service_label: &'static str,
    pub note_label: &'static str,
    pub date_label: &'static str,
    pub save: &'static str,
    pub rows: Vec<String>,
    pub choices: Vec<(&'static str, String)>,
    pub today: String,
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The section, or `None` when the grant does not cover health (nothing is read then).
pub(crate) async fn ui(
    st: &AppState,
    actor: &Actor,
    grant: &ReadGrant,
    layout: &Layout,
) -> Result<Option<ServicesUi>, AppError> {
    if !grant.covers_health() {
        return Ok(None);
    }
    let lang = layout.lang_v;
    let rows = target::services_for_client(&st.app, actor, grant).await?;
    let nb = lang == Lang::Nb;
    let pick = |n: &'static str, e: &'static str| if nb { n } else { e };
    Ok(Some(ServicesUi {
        title: pick(
            "Ordinære tjenester etablert eller reetablert",
            "Ordinary services established or re-established",
        ),
        intro: pick(
            "Tjenester personen har fått etablert eller reetablert, ved inntaket eller senere i forløpet. Teller med i rapportens andel av de henviste.",
            "Services established or re-established for the person, at intake or later in the course. Counted in the report's share of those referred.",
        ),
        none: pick("Ingen registrert ennå.", "None recorded yet."),
        service_label: pick("Tjeneste", "Service"),
        note_label: pick(
            "Hvilken (påkrevd ved «annen tjeneste»)",
            "Which one (required for “other service”)",
        ),
        date_label: pick("Dato etablert", "Date established"),
        save: pick("Registrer tjeneste", "Record service"),
        rows: rows.iter().map(|r| service_text(r, layout, lang)).collect(),
        choices: EstablishedService::ALL
            .iter()
            .map(|e| (e.code(), cap(e.label(lang))))
            .collect(),
        today: benk_app::time::oslo_today().format("%Y-%m-%d").to_string(),
    }))
}

/// The form's fields.
#[derive(Deserialize, Default)]
pub(crate) struct ServiceForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    established_on: String,
}

/// POST `/clients/{id}/services`.
pub(crate) async fn record(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ServiceForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&form._csrf) {
        return r;
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Coc).await?;
        let service = EstablishedService::from_code(&form.service).ok_or_else(|| {
            AppError::field(FieldError::new(
                "service",
                "invalid_choice",
                "Velg en tjeneste.",
                "Choose a service.",
            ))
        })?;
        let note = ShortText::parse_optional(&form.note)
            .map_err(|e| AppError::field(FieldError::of("note", &e)))?;
        let established_on = match form.established_on.trim() {
            "" => None,
            d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                AppError::field(FieldError::new(
                    "established_on",
                    "invalid_date",
                    "Datoen må være en dato (åååå-mm-dd).",
                    "The date must be a date (yyyy-mm-dd).",
                ))
            })?),
        };
        target::record_service(
            &st.app,
            actor,
            &grant,
            ServiceInput {
                service,
                note,
                established_on,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/clients/{id}#services-h")).into_response(),
        Err(e) => ctx.page_err(e),
    }
}
