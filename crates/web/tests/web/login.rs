//! Logging in under attack: attempts reserved before the password is checked,
//! back-off per (address, name), the same answer for unknown names, bounded
//! password-hashing slots, token and session lifetimes, proxies, timeouts, HSTS.

use crate::common;

use benk_app::access::admin::AdminScope;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use benk_app::Settings;
use common::{Backend, TestApp};
use tower::ServiceExt;

/// A login form post from an address (the double-submit token is any matching pair).
fn login_req(from: Option<&str>, user: &str, password: &str) -> Request<Body> {
    let mut req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, "benk_login_csrf=t0k")
        .header(header::USER_AGENT, "benk-test/1")
        .body(Body::from(format!(
            "_csrf=t0k&username={user}&password={password}"
        )))
        .unwrap();
    if let Some(ip) = from {
        let ip: IpAddr = ip.parse().unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, 40_000)));
    }
    req
}

/// Sends every request at once and returns the statuses.
async fn all_at_once(t: &TestApp, reqs: Vec<Request<Body>>) -> Vec<StatusCode> {
    let tasks: Vec<_> = reqs
        .into_iter()
        .map(|r| {
            let router = t.router.clone();
            tokio::spawn(async move { router.oneshot(r).await.unwrap().status() })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

async fn audit_rows(t: &TestApp, action: &str) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1",
            benk_app::args![action],
        )
        .await
        .unwrap()
}

/// Settings where a slow machine never makes a login wait out its slot.
fn patient() -> Settings {
    Settings {
        allow_synthetic_ids: true,
        hash_slot_wait: Duration::from_secs(600),
        ..Settings::default()
    }
}

async fn parallel_wrong_passwords_check_at_most_the_allowed_number(t: &TestApp) {
    let reqs = (0..40)
        .map(|_| login_req(Some("203.0.113.7"), "ola", "wrong-password"))
        .collect();
    let statuses = all_at_once(t, reqs).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let allowed = usize::try_from(Settings::default().lockout_after).unwrap();
    assert!(
        (1..=allowed).contains(&checked),
        "{checked} passwords were checked: {statuses:?}"
    );
    assert_eq!(checked + refused, 40, "{statuses:?}");
    // Every attempt is audited: the checked ones as failed, the rest as refused while locked.
    let failed = audit_rows(t, "login.failed").await + audit_rows(t, "login.lockout").await;
    assert_eq!(failed, i64::try_from(checked).unwrap());
    assert_eq!(
        audit_rows(t, "login.locked").await,
        i64::try_from(refused).unwrap()
    );
    // The back-off holds the right password too.
    let r = t
        .send(login_req(Some("203.0.113.7"), "ola", "benk-demo"))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}

async fn parallel_wrong_totp_codes_check_at_most_the_allowed_number(t: &TestApp) {
    let hanne = t.staff_id("hanne").await;
    t.db()
        .execute_unaudited(
            "UPDATE identities SET totp_secret = $2 WHERE staff_id = $1",
            benk_app::args![hanne, "00112233445566778899aabbccddeeff00112233"],
        )
        .await
        .unwrap();
    let r = t.send(login_req(None, "hanne", "benk-demo")).await;
    assert_eq!(r.location(), "/login/totp");
    let cookie = format!("benk_session={}", r.cookie("benk_session").unwrap());
    let page = t
        .send(
            Request::get("/login/totp")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let csrf = common::extract_csrf(&page.text);
    let right = benk_app::auth::totp_code_now("00112233445566778899aabbccddeeff00112233").unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let reqs = (0..40)
        .map(|_| {
            Request::post("/login/totp")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("_csrf={csrf}&code={wrong}")))
                .unwrap()
        })
        .collect();
    let statuses = all_at_once(t, reqs).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let allowed = usize::try_from(Settings::default().lockout_after).unwrap();
    assert!(
        (1..=allowed).contains(&checked),
        "{checked} codes were checked: {statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        40 - checked,
        "{statuses:?}"
    );
    let failed =
        audit_rows(t, "login.totp_failed").await + audit_rows(t, "login.totp_lockout").await;
    assert_eq!(failed, i64::try_from(checked).unwrap());
    assert_eq!(
        audit_rows(t, "login.totp_locked").await,
        i64::try_from(40 - checked).unwrap()
    );
}

/// The page without the parts that differ by design (the fresh CSRF token, the name typed).
fn comparable(html: &str, user: &str) -> String {
    let csrf = common::extract_csrf(html);
    html.replace(&csrf, "CSRF")
        .replace(&format!("value=\"{user}\""), "value=\"USER\"")
}

async fn unknown_and_known_names_answer_the_same(t: &TestApp) {
    for round in 0..4 {
        let known = t.send(login_req(None, "ola", "wrong-password")).await;
        let unknown = t.send(login_req(None, "olav", "wrong-password")).await;
        assert_eq!(known.status, unknown.status, "round {round}");
        assert_eq!(
            comparable(&known.text, "ola"),
            comparable(&unknown.text, "olav"),
            "round {round}"
        );
        assert_eq!(
            known.headers.get(header::RETRY_AFTER).is_some(),
            unknown.headers.get(header::RETRY_AFTER).is_some()
        );
        // After three failures both names are in back-off.
        let expected = if round < 3 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(known.status, expected, "round {round}");
    }
    // Same audit shape: the same actions with the same outcome and the name given,
    // only the known name is tied to a staff member.
    let rows: Vec<(String, String, String, Option<uuid::Uuid>)> = t.db()
        .all(
            "SELECT action, outcome, resources, actor_staff_id FROM audit_events WHERE action LIKE 'login.%' ORDER BY seq",
            vec![],
        )
        .await
        .unwrap();
    let shape = |name: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r.2.ends_with(&format!("name_given={name:?}")))
            .map(|r| (r.0.clone(), r.1.clone()))
            .collect()
    };
    assert_eq!(shape("ola"), shape("olav"));
    assert_eq!(shape("ola").len(), 4);
    let ola = t.staff_id("ola").await;
    assert!(rows
        .iter()
        .all(|r| (r.2.contains("\"ola\"")) == (r.3 == Some(ola))));
}

/// The median of some durations.
fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// A wrong password for a known name and any password for an unknown name
/// cost the same: one argon2 verification each (a dummy hash for the unknown
/// name), so the time of the answer does not tell which names exist.
async fn unknown_and_known_names_take_the_same_time(t: &TestApp) {
    // The dummy hash is made once per process: not part of what is measured.
    t.send(login_req(Some("192.0.2.250"), "nobody-warm-up", "x"))
        .await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 1..=9 {
        // Each attempt from its own address, so no back-off ever starts.
        for (name, from, out) in [
            ("ola", format!("192.0.2.{i}"), &mut known),
            ("olav", format!("198.51.100.{i}"), &mut unknown),
        ] {
            let started = std::time::Instant::now();
            let r = t.send(login_req(Some(&from), name, "wrong-password")).await;
            out.push(started.elapsed());
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{name}: {}", r.text);
        }
    }
    let (known, unknown) = (median(known), median(unknown));
    // Without the dummy hash an unknown name answers in a millisecond or two,
    // a known one only after a verification of tens of milliseconds.
    assert!(
        unknown * 2 >= known && known * 2 >= unknown,
        "median answer: known name {known:?}, unknown name {unknown:?}"
    );
}

async fn an_attacker_cannot_lock_staff_out_from_another_address(t: &TestApp) {
    for _ in 0..8 {
        t.db()
            .execute_unaudited(
                "UPDATE login_throttle SET locked_until = 0 WHERE failures < 5",
                vec![],
            )
            .await
            .unwrap();
        t.send(login_req(Some("203.0.113.66"), "tone", "guess"))
            .await;
    }
    // Address A is locked out of the name, even with the right password…
    let a = t
        .send(login_req(Some("203.0.113.66"), "tone", "benk-demo"))
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(audit_rows(t, "login.lockout").await, 1);
    // …while Tone, from her own address, logs in.
    let b = t
        .send(login_req(Some("198.51.100.20"), "tone", "benk-demo"))
        .await;
    assert_eq!(b.status, StatusCode::SEE_OTHER, "{}", b.text);
    // Her success does not lift the attacker's lock.
    let a = t
        .send(login_req(Some("203.0.113.66"), "tone", "benk-demo"))
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_addresses_only_slow_a_name_down() {
    let settings = Settings {
        allow_synthetic_ids: true,
        name_slowdown_after: 4,
        ..Settings::default()
    };
    let t = TestApp::with_settings(Backend::Sqlite, settings).await;
    for i in 1..=4 {
        let r = t
            .send(login_req(Some(&format!("203.0.113.{i}")), "tone", "guess"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The name is slowed down for everyone, for a few seconds, never locked.
    let r = t
        .send(login_req(Some("198.51.100.20"), "tone", "benk-demo"))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        wait <= Settings::default().name_slowdown_for.as_secs(),
        "{wait}"
    );
    t.db()
        .execute_unaudited("UPDATE login_throttle SET locked_until = 0", vec![])
        .await
        .unwrap();
    let r = t
        .send(login_req(Some("198.51.100.20"), "tone", "benk-demo"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_without_a_free_hashing_slot_gets_503_with_retry_after() {
    let settings = Settings {
        allow_synthetic_ids: true,
        hash_slots: 1,
        hash_slot_wait: Duration::ZERO,
        ..Settings::default()
    };
    let t = TestApp::with_settings(Backend::Sqlite, settings).await;
    // Someone else's verification holds the only slot.
    let held = t
        .app
        .login_guards
        .hash_slots()
        .clone()
        .acquire_owned()
        .await
        .unwrap();
    let r = t.send(login_req(None, "tone", "benk-demo")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert_eq!(r.headers[header::RETRY_AFTER], "1");
    assert!(r.text.contains("Tjeneren er opptatt"), "{}", r.text);
    assert!(r.cookie("benk_session").is_none());
    // A busy answer costs no attempt.
    assert_eq!(t.count("SELECT COUNT(*) FROM login_throttle").await, 0);
    drop(held);
    let r = t.send(login_req(None, "tone", "benk-demo")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_queue_for_the_hashing_slots_and_all_get_through() {
    let settings = Settings {
        hash_slots: 2,
        ..patient()
    };
    let t = TestApp::with_settings(Backend::Sqlite, settings).await;
    let slots = t.app.login_guards.hash_slots().clone();
    // Different addresses, so the throttle lets every one reach the hash.
    let reqs = (0..15)
        .map(|i| {
            login_req(
                Some(&format!("10.1.{}.{}", i / 200, i % 200 + 1)),
                "tone",
                "benk-demo",
            )
        })
        .collect();
    let statuses = all_at_once(&t, reqs).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(slots.available_permits(), 2, "every slot is given back");
    t.cleanup().await;
}

async fn api_tokens_expire_and_die_with_a_new_password(t: &TestApp) {
    let token = t.token("tone").await;
    let get = |tok: String| async move {
        t.api(Method::GET, "/api/v1/clients", &tok, None)
            .await
            .status
    };
    assert_eq!(get(token.clone()).await, StatusCode::OK);
    // Made with an expiry 90 days ahead.
    let expires: (Option<chrono::DateTime<chrono::Utc>>,) = t
        .db()
        .opt(
            "SELECT expires_at FROM api_tokens ORDER BY created_at DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap()
        .unwrap();
    let days = (expires.0.unwrap() - chrono::Utc::now()).num_days();
    assert!((89..=90).contains(&days), "{days}");
    // Past its expiry, it is refused.
    t.db()
        .execute_unaudited(
            "UPDATE api_tokens SET expires_at = $1",
            benk_app::args![chrono::Utc::now() - chrono::Duration::seconds(1)],
        )
        .await
        .unwrap();
    // An edit outside the writer is seen once the login cache's entry is older than its
    // TTL (tests/auth_cache.rs); this test is about expiry, so it does not wait for that.
    benk_app::testing::forget_cached_logins(&t.app);
    assert_eq!(get(token).await, StatusCode::UNAUTHORIZED);
    // A token from before expiry was stored expires by its age.
    let old = t.token("per").await;
    t.db()
        .execute_unaudited(
            "UPDATE api_tokens SET expires_at = NULL, created_at = $1 WHERE revoked_at IS NULL AND expires_at > $2",
            benk_app::args![
                chrono::Utc::now() - chrono::Duration::days(91),
                chrono::Utc::now()
            ],
        )
        .await
        .unwrap();
    assert_eq!(get(old).await, StatusCode::UNAUTHORIZED);
    // A new password revokes every token of the account.
    let token = t.token("tone").await;
    assert_eq!(get(token.clone()).await, StatusCode::OK);
    let tone = t.staff_id("tone").await;
    benk_app::staff::change_account(
        &t.app,
        &t.operator(AdminScope::Staff(tone), "staff.change").await,
        tone,
        benk_app::staff::AccountChange::Password("a new long password".into()),
    )
    .await
    .unwrap();
    assert_eq!(get(token).await, StatusCode::UNAUTHORIZED);
    // Disabling revokes them too: enabling the account again does not revive them.
    let token = t.token("tone").await;
    for disabled in [true, false] {
        benk_app::staff::change_account(
            &t.app,
            &t.operator(AdminScope::Staff(tone), "staff.change").await,
            tone,
            benk_app::staff::AccountChange::Disabled(disabled),
        )
        .await
        .unwrap();
    }
    assert_eq!(get(token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_token_lifetime_is_a_setting() {
    let settings = Settings {
        token_lifetime: Duration::from_secs(30 * 24 * 60 * 60),
        ..patient()
    };
    let t = TestApp::with_settings(Backend::Sqlite, settings).await;
    let token = t.token("tone").await;
    let (expires,): (Option<chrono::DateTime<chrono::Utc>>,) = t
        .db()
        .opt(
            "SELECT expires_at FROM api_tokens ORDER BY created_at DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap()
        .unwrap();
    let days = (expires.unwrap() - chrono::Utc::now()).num_days();
    assert!((29..=30).contains(&days), "{days}");
    let r = t.api(Method::GET, "/api/v1/clients", &token, None).await;
    assert_eq!(r.status, StatusCode::OK);
    t.cleanup().await;
}

async fn a_session_ends_at_its_maximum_lifetime(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    assert_eq!(t.page(&b, "/").await.status, StatusCode::OK);
    // Active all along, but logged in 13 hours ago.
    t.db()
        .execute_unaudited(
            "UPDATE sessions SET created_at = $1, last_seen_at = $2",
            benk_app::args![
                chrono::Utc::now() - chrono::Duration::hours(13),
                chrono::Utc::now()
            ],
        )
        .await
        .unwrap();
    let r = t.page(&b, "/").await;
    assert_eq!(r.location(), "/login");
    assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_only_over_https() {
    let plain = TestApp::new(Backend::Sqlite).await;
    let r = plain
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert!(!r.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    plain.cleanup().await;

    let secure = TestApp::with_state(Backend::Sqlite, patient(), |s| s.secure_cookies = true).await;
    let r = secure
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        r.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    secure.cleanup().await;

    let proxied = TestApp::with_state(Backend::Sqlite, patient(), |s| s.trust_proxy = true).await;
    let r = proxied
        .send(
            Request::get("/login")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    assert!(r
        .set_cookie_header("benk_login_csrf")
        .unwrap()
        .contains("Secure"));
    proxied.cleanup().await;
}

async fn last_login_ip(t: &TestApp) -> Option<String> {
    let r: Option<(Option<String>,)> = t
        .db()
        .opt(
            "SELECT ip FROM audit_events WHERE action LIKE 'login.%' ORDER BY seq DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap();
    r.and_then(|r| r.0)
}

fn forwarded(peer: &str, xff: &str) -> Request<Body> {
    let mut req = login_req(Some(peer), "ola", "wrong-password");
    req.headers_mut()
        .insert("x-forwarded-for", xff.parse().unwrap());
    req
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_is_the_right_most_untrusted_hop() {
    let proxies = benk_web::ctx::TrustedProxies::parse("10.0.0.1, 10.9.0.0/16").unwrap();
    let t = TestApp::with_state(Backend::Sqlite, patient(), |s| {
        s.trust_proxy = true;
        s.trusted_proxies = proxies;
    })
    .await;
    // The client wrote a forged first hop; the proxy appended the real address.
    t.send(forwarded("10.0.0.1", "6.6.6.6, 203.0.113.9")).await;
    assert_eq!(last_login_ip(&t).await.as_deref(), Some("203.0.113.9"));
    // Through two trusted proxies.
    t.send(forwarded("10.0.0.1", "6.6.6.6, 203.0.113.10, 10.9.4.4"))
        .await;
    assert_eq!(last_login_ip(&t).await.as_deref(), Some("203.0.113.10"));
    // A peer that is not a trusted proxy is the client, whatever it says.
    t.send(forwarded("198.51.100.7", "6.6.6.6")).await;
    assert_eq!(last_login_ip(&t).await.as_deref(), Some("198.51.100.7"));
    // Garbage in the chain: the last hop that could be read is used.
    t.send(forwarded("10.0.0.1", "6.6.6.6, not-an-address"))
        .await;
    assert_eq!(last_login_ip(&t).await.as_deref(), Some("10.0.0.1"));
    t.cleanup().await;

    // Without a list, the peer itself is the only trusted proxy.
    let t = TestApp::with_state(Backend::Sqlite, patient(), |s| s.trust_proxy = true).await;
    t.send(forwarded("10.0.0.1", "6.6.6.6, 203.0.113.9")).await;
    assert_eq!(last_login_ip(&t).await.as_deref(), Some("203.0.113.9"));
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_runs_too_long_is_stopped_with_503() {
    // No hashing slot ever comes free, and the login would wait ten minutes for one.
    let settings = Settings {
        hash_slots: 0,
        ..patient()
    };
    let t = TestApp::with_state(Backend::Sqlite, settings, |s| {
        s.request_timeout = Duration::ZERO;
    })
    .await;
    let r = t.send(login_req(None, "tone", "benk-demo")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text.contains("tok for lang tid"), "{}", r.text);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    t.cleanup().await;
}

async fn forgotten_throttle_rows_are_pruned(t: &TestApp) {
    let now = chrono::Utc::now().timestamp();
    for (key, locked_until, last) in [
        ("stale", 0, now - 3600),
        ("stale-lock-over", now - 10, now - 3600),
        ("still-locked", now + 600, now - 3600),
        ("recent", 0, now - 60),
    ] {
        t.db()
            .execute_unaudited(
                "INSERT INTO login_throttle (key, failures, locked_until, last_attempt) VALUES ($1, 5, $2, $3)",
                benk_app::args![key, locked_until, last],
            )
            .await
            .unwrap();
    }
    t.send(login_req(None, "ola", "wrong-password")).await;
    let left: Vec<(String,)> = t
        .db()
        .all(
            "SELECT key FROM login_throttle WHERE length(key) < 20 ORDER BY key",
            vec![],
        )
        .await
        .unwrap();
    let left: Vec<&str> = left.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(left, ["recent", "still-locked"]);
}

on_both_backends!(
    forgotten_throttle_rows_are_pruned,
    parallel_wrong_passwords_check_at_most_the_allowed_number,
    parallel_wrong_totp_codes_check_at_most_the_allowed_number,
    unknown_and_known_names_answer_the_same,
    unknown_and_known_names_take_the_same_time,
    an_attacker_cannot_lock_staff_out_from_another_address,
    api_tokens_expire_and_die_with_a_new_password,
    a_session_ends_at_its_maximum_lifetime,
);
