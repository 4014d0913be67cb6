//! Referral, intake and episode pages (public referral form, intake board,
//! decisions, the episode on the client page, the team report).

use axum::Router;

use crate::AppState;

/// The routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
}
