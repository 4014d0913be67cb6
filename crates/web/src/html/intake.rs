//! Referral, intake and episode pages: the public referral form, the intake
//! board, referral details with the joint decision and its letter, the agency
//! register, the episode section of the client page, and the team report.

mod assessment;
mod board;
pub(crate) mod decision;
mod episodes;
pub(crate) mod form;
pub(crate) mod guidance;
mod letter;
mod public;
mod texts;

use axum::routing::{get, post};
use axum::Router;

use episodes::warning_code;
pub(crate) use episodes::{warnings, EpisodeUi};
pub(crate) use form::{parse_referral, posted, posted_in_team, Fd};
pub(crate) use public::{public_post, public_token};
pub(crate) use texts::it as texts;

use crate::AppState;

/// The routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
        // Public (no login).
        .route("/henvisning", get(public::index))
        .route("/henvisning/{team}", get(public::form).post(public::submit))
        .route("/henvisning/kvittering/{nr}", get(public::receipt))
        // The intake team.
        .route("/intake", get(board::board))
        .route(
            "/intake/agencies",
            get(board::agencies).post(board::add_agency),
        )
        .route(
            "/intake/referrals/new",
            get(board::new_form).post(board::register),
        )
        .route("/intake/referrals/{id}", get(decision::detail))
        .route("/intake/referrals/{id}/assess", post(decision::assess))
        .route("/intake/referrals/{id}/decision", post(decision::decide))
        .route("/intake/referrals/{id}/letter", get(decision::letter))
        // Guidance cases (level 3): intake health personnel and the team lead.
        .route(
            "/intake/guidance",
            get(guidance::list).post(guidance::create),
        )
        .route("/intake/guidance/new", get(guidance::new_form))
        .route(
            "/intake/guidance/{id}",
            get(guidance::detail).post(guidance::update),
        )
        .route(
            "/intake/referrals/{id}/letter/referrer",
            get(decision::letter_referrer),
        )
        .route("/intake/referrals/{id}/consent", post(decision::consent))
        .route(
            "/intake/referrals/{id}/diagnoses",
            post(assessment::add_diagnoses),
        )
        .route("/intake/referrals/{id}/notes", post(assessment::add_note))
        // The course in the team (forms on the client page).
        .route("/episodes/{id}/level", post(episodes::change_level))
        .route("/episodes/{id}/members", post(episodes::add_member))
        .route("/episodes/{id}/members/{mid}/leave", post(episodes::leave))
        .route("/episodes/{id}/rg", post(episodes::add_rg))
        .route("/episodes/{id}/rg/{mid}/remove", post(episodes::remove_rg))
        .route("/episodes/{id}/close", post(episodes::close))
}

/// The text of a status code from a redirect (`?msg=…`); unknown codes show nothing.
pub(crate) fn flash(t: &texts::It, code: &str) -> Option<String> {
    let s = match code {
        "registered" => t.flash_registered,
        "assessing" => t.flash_assessing,
        "decided" => t.flash_decided,
        "consent_given" => t.flash_consent_given,
        "situation_saved" => t.flash_situation_saved,
        "consent_withdrawn" => t.flash_consent_withdrawn,
        "agency_added" => t.flash_agency_added,
        "level_saved" => t.flash_level_saved,
        "member_added" => t.flash_member_added,
        "member_left" => t.flash_member_left,
        "rg_added" => t.flash_rg_added,
        "rg_removed" => t.flash_rg_removed,
        "episode_closed" => t.flash_episode_closed,
        _ => return None,
    };
    Some(s.to_string())
}
