//! How to find and reach the person: where they can be found, housing, the referrer's
//! contact, and (health content) the reason for referral and the helpers around them.
//! Carried over from the referral when the person is accepted, kept up to date by the
//! care team on the person's page. Every read and change goes through a [`ReadGrant`];
//! the reason for referral and the current helpers are read and written only under a
//! grant that covers health (they are what the referral's health columns hold).

use benk_domain::LongText;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::{audit_allowed, require_health, ReadGrant};
use crate::actor::Actor;
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError};
use crate::store;
use crate::store::situation::SituationFields;
use crate::App;

/// How to find and reach the person.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Situation {
    /// Where the person can be found ("at the railway station in the mornings").
    pub whereabouts: Option<String>,
    /// Housing situation.
    pub housing_situation: Option<String>,
    /// The referrer and how to reach them.
    pub referrer_contact: Option<String>,
    /// Reason for referral (health content: absent without health scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_reason: Option<String>,
    /// Services and helpers around the person now (health content: absent without health scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_helpers: Option<String>,
    /// Last changed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Last changed by.
    pub updated_by_name: Option<String>,
}

/// A change, parsed at the edge. `None` for a health field means "leave it as it is"
/// (and is what a reader without health scope sends); `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct SituationInput {
    /// Where the person can be found.
    pub whereabouts: Option<LongText>,
    /// Housing.
    pub housing_situation: Option<LongText>,
    /// The referrer and how to reach them.
    pub referrer_contact: Option<LongText>,
    /// Reason for referral (health content).
    pub referral_reason: Option<Option<LongText>>,
    /// Current helpers (health content).
    pub current_helpers: Option<Option<LongText>>,
}

/// Parses one optional free-text field (blank: `None`).
pub fn optional_text(field: &str, v: &str) -> Result<Option<LongText>, FieldError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    LongText::parse(v)
        .map(Some)
        .map_err(|e| FieldError::of(field, &e))
}

/// Reads the person's situation to the extent the grant covers, audited (`client.read`,
/// `client:situation` or `client:situation,situation:health`).
pub async fn get(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Situation> {
    let s = store::situation::get(&app.db, grant.client_id(), grant.covers_health())
        .await?
        .unwrap_or_default();
    let resources = if grant.covers_health() {
        "client:situation,situation:health"
    } else {
        "client:situation"
    };
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            grant,
            "client.read",
            resources,
        )]))
        .await?;
    Ok(s)
}

/// Changes the person's situation. The health fields need a grant that covers health (a
/// refusal is audited, `client.situation_update` / `none:health_content_not_in_scope`); the
/// others may be changed by anyone in the care team.
pub async fn update(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: SituationInput,
) -> AppResult<()> {
    let touches_health = input.referral_reason.is_some() || input.current_helpers.is_some();
    if touches_health {
        require_health(app, actor, grant, "client.situation_update").await?;
    }
    let with_health = touches_health && grant.covers_health();
    // A health field that was not sent keeps its value: read it (under the same scope).
    let old = if with_health {
        store::situation::get(&app.db, grant.client_id(), true)
            .await?
            .unwrap_or_default()
    } else {
        Situation::default()
    };
    let txt = |t: &Option<LongText>| t.as_ref().map(|t| t.as_str().to_string());
    let reason = match &input.referral_reason {
        Some(v) => txt(v),
        None => old.referral_reason,
    };
    let helpers = match &input.current_helpers {
        Some(v) => txt(v),
        None => old.current_helpers,
    };
    let audit = audit_allowed(
        actor,
        grant,
        "client.situation_update",
        if with_health {
            "client:situation,situation:health"
        } else {
            "client:situation"
        },
    );
    let fields = SituationFields {
        whereabouts: input.whereabouts.as_ref().map(|t| t.as_str()),
        housing_situation: input.housing_situation.as_ref().map(|t| t.as_str()),
        referrer_contact: input.referrer_contact.as_ref().map(|t| t.as_str()),
        referral_reason: reason.as_deref(),
        current_helpers: helpers.as_deref(),
    };
    let stmt = store::situation::edit(
        grant.client_id(),
        &fields,
        with_health,
        actor.staff_id,
        audit.at,
    );
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await
        .map_err(AppError::from)?;
    Ok(())
}
