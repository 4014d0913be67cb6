//! Logins are remembered between requests (`benk_app::auth_cache`); a change that ends or
//! narrows a login must still take effect for the very next request in this process, and
//! within the cache's time-to-live in another process on the same database.

use crate::common;

use axum::http::{Method, StatusCode};
use benk_app::access::admin::AdminScope;
use benk_app::db::DbOptions;
use benk_app::staff::AccountChange;
use benk_app::{App, Settings};
use common::TestApp;

async fn clients(t: &TestApp, token: &str) -> StatusCode {
    t.api(Method::GET, "/api/v1/clients", token, None)
        .await
        .status
}

/// A token that has just been used (and so is remembered) stops at once when its account
/// is disabled, and another token stops at once when the password is reset.
async fn a_remembered_login_ends_with_the_next_request(t: &TestApp) {
    let mari = t.staff_id("mari").await;
    let token = t.token("mari").await;
    for _ in 0..3 {
        assert_eq!(clients(t, &token).await, StatusCode::OK);
    }
    benk_app::staff::change_account(
        &t.app,
        &t.operator(AdminScope::Staff(mari), "staff.change").await,
        mari,
        AccountChange::Disabled(true),
    )
    .await
    .unwrap();
    assert_eq!(clients(t, &token).await, StatusCode::UNAUTHORIZED);

    let tone = t.staff_id("tone").await;
    let token = t.token("tone").await;
    assert_eq!(clients(t, &token).await, StatusCode::OK);
    benk_app::staff::change_account(
        &t.app,
        &t.operator(AdminScope::Staff(tone), "staff.change").await,
        tone,
        AccountChange::Password(
            benk_app::auth::hash_password_blocking("et-nytt-passord-2026")
                .await
                .unwrap(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(clients(t, &token).await, StatusCode::UNAUTHORIZED);
}

/// Another process on the same database (a second server, `benk user disable` on the host)
/// has no epoch to share: its change is seen once the remembered entry is older than the
/// time-to-live.
async fn another_process_sees_a_disabled_account_within_the_ttl(t: &TestApp) {
    let mut opts = DbOptions::new(t.url.clone());
    opts.max_readers = 2;
    let other = App::open(
        &opts,
        Settings {
            allow_synthetic_ids: true,
            ..Settings::default()
        },
    )
    .await
    .unwrap();
    let mari = t.staff_id("mari").await;
    let token = t.token("mari").await;
    assert_eq!(
        benk_app::auth::token_staff(&other, &token).await.unwrap(),
        Some(mari)
    );
    benk_app::staff::change_account(
        &t.app,
        &t.operator(AdminScope::Staff(mari), "staff.change").await,
        mari,
        AccountChange::Disabled(true),
    )
    .await
    .unwrap();
    tokio::time::sleep(benk_app::auth_cache::TTL + std::time::Duration::from_millis(100)).await;
    assert_eq!(
        benk_app::auth::token_staff(&other, &token).await.unwrap(),
        None
    );
    let actor = benk_app::staff::load_actor(&other, mari, Default::default())
        .await
        .unwrap();
    assert!(actor.is_none(), "a disabled account builds no actor");
    other.close().await;
}

on_both_backends!(
    a_remembered_login_ends_with_the_next_request,
    another_process_sees_a_disabled_account_within_the_ttl,
);
