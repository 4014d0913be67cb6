//! Accounts and sessions: login, back-off and lockout, CSRF, TOTP, logout,
//! idle timeout, tokens.

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use benk_app::access::admin::AdminScope;
use common::{Backend, TestApp};

async fn post_login(t: &TestApp, user: &str, password: &str) -> common::Resp {
    let page = t
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    let csrf = page.cookie("benk_login_csrf").unwrap();
    t.send(
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("benk_login_csrf={csrf}"))
            .body(Body::from(format!(
                "_csrf={csrf}&username={user}&password={password}"
            )))
            .unwrap(),
    )
    .await
}

async fn login_sets_a_hardened_session_cookie_and_logout_ends_it(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let set = b.last_login.set_cookie_header("benk_session").unwrap();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Lax"), "{set}");
    let home = t.page(&b, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text.contains("Mine brukere"));
    assert!(home
        .headers
        .get(header::CACHE_CONTROL)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("no-store"));
    let r = t.form(&b, "/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = t.page(&b, "/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/login");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'logout'")
            .await,
        1
    );
}

async fn wrong_passwords_back_off_then_lock_and_are_audited(t: &TestApp) {
    let r = post_login(t, "ola", "wrong-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("Feil brukernavn eller passord"));
    assert!(r.text.contains("value=\"ola\""), "the username is kept");
    for _ in 0..2 {
        assert_eq!(
            post_login(t, "ola", "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // After three failures, back-off: even the right password waits.
    let r = post_login(t, "ola", "benk-demo").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    let ola = t.staff_id("ola").await;
    let count = |action: &'static str| {
        let db = t.db().clone();
        async move {
            db.scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 AND action = $2 AND outcome = 'denied'",
                benk_app::args![ola, action],
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(count("login.failed").await, 3);
    assert_eq!(count("login.locked").await, 1);
    // Let the back-off pass (as time would), and fail twice more: the fifth failure locks the account.
    let unlock = "UPDATE login_throttle SET locked_until = 0";
    for _ in 0..2 {
        t.db().execute_unaudited(unlock, vec![]).await.unwrap();
        assert_eq!(
            post_login(t, "ola", "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(count("login.lockout").await, 1);
    let until = t
        .count("SELECT MAX(CAST(locked_until AS BIGINT)) FROM login_throttle")
        .await;
    assert!(
        until > (chrono::Utc::now() + chrono::Duration::minutes(10)).timestamp(),
        "locked for the lockout period"
    );
    assert_eq!(
        post_login(t, "ola", "benk-demo").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A successful login after the lockout resets the counter.
    t.db().execute_unaudited(unlock, vec![]).await.unwrap();
    assert_eq!(
        post_login(t, "ola", "benk-demo").await.status,
        StatusCode::SEE_OTHER
    );
    // An unknown user gets the same answer, audited too.
    let r = post_login(t, "nobody", "x").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'login.failed' AND actor_staff_id IS NULL").await >= 1);
}

async fn forms_without_the_csrf_token_are_refused(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let before = t.count("SELECT COUNT(*) FROM clients").await;
    let r = t
        .form(
            &b,
            "/clients/new",
            &[("_csrf", "forged"), ("name", "X"), ("birth_year", "1980")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count("SELECT COUNT(*) FROM clients").await, before);
    // The login form needs its double-submit token too.
    let r = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("username=tone&password=benk-demo"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("benk_session").is_none());
}

async fn required_totp_is_enrolled_and_then_asked_for(t: &TestApp) {
    let hanne = t.staff_id("hanne").await;
    benk_app::staff::change_account(
        &t.app,
        &t.operator(AdminScope::Staff(hanne), "staff.change").await,
        hanne,
        benk_app::staff::AccountChange::RequireTotp(true),
    )
    .await
    .unwrap();
    let r = post_login(t, "hanne", "benk-demo").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login/totp");
    let cookie = format!("benk_session={}", r.cookie("benk_session").unwrap());
    // Not logged in yet: pages send her back to the second step.
    let home = t
        .send(
            Request::get("/")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(home.location(), "/login/totp");
    let page = t
        .send(
            Request::get("/login/totp")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let secret_b32 = page
        .text
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let csrf = common::extract_csrf(&page.text);
    assert!(
        page.text.contains("name=\"password\""),
        "enrolment asks for the password"
    );
    let post = |code: String, password: &str| {
        Request::post("/login/totp")
            .header(header::COOKIE, cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "_csrf={csrf}&code={code}&password={password}"
            )))
            .unwrap()
    };
    let wrong = t.send(post("000000".into(), "benk-demo")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bytes = totp_rs::Secret::Encoded(secret_b32).to_bytes().unwrap();
    let code = benk_app::auth::totp_code_now(&hex(&bytes)).unwrap();
    // The right code with a wrong password does not enrol the authenticator.
    let r = t.send(post(code.clone(), "not-her-password")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Passordet er feil"), "{}", r.text);
    let enrolled = "SELECT COUNT(*) FROM identities WHERE totp_secret IS NOT NULL";
    assert_eq!(t.count(enrolled).await, 0);
    let ok = t.send(post(code, "benk-demo")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let home = t
        .send(
            Request::get("/")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(home.status, StatusCode::OK);
    // The next login asks for a code (enrolled now), with no secret shown.
    let r = post_login(t, "hanne", "benk-demo").await;
    assert_eq!(r.location(), "/login/totp");
    let cookie2 = format!("benk_session={}", r.cookie("benk_session").unwrap());
    let page = t
        .send(
            Request::get("/login/totp")
                .header(header::COOKIE, &cookie2)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!page.text.contains("class=\"secret\""));
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn disabled_users_cannot_log_in_and_lose_their_sessions(t: &TestApp) {
    let b = t.login("mari", "benk-demo").await;
    let mari = t.staff_id("mari").await;
    let token = t.token("mari").await;
    benk_app::staff::change_account(
        &t.app,
        &t.operator(AdminScope::Staff(mari), "staff.change").await,
        mari,
        benk_app::staff::AccountChange::Disabled(true),
    )
    .await
    .unwrap();
    assert_eq!(t.page(&b, "/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        post_login(t, "mari", "benk-demo").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.api(Method::GET, "/api/v1/clients", &token, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn tokens_are_created_once_and_revoked_in_the_ui(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let r = t
        .form(&b, "/settings/tokens", &[("name", "integrasjon")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let token = r
        .text
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("benk_"));
    assert_eq!(
        t.api(Method::GET, "/api/v1/clients", &token, None)
            .await
            .status,
        StatusCode::OK
    );
    // Stored hashed, never in clear.
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1",
                benk_app::args![token.clone()]
            )
            .await
            .unwrap(),
        0
    );
    let page = t.page(&b, "/settings").await;
    assert!(!page.text.contains(&token), "the secret is shown only once");
    let id = page
        .text
        .split("/settings/tokens/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let r = t
        .form(&b, &format!("/settings/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.api(Method::GET, "/api/v1/clients", &token, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn the_api_does_not_accept_the_browser_session(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let r = t
        .send(
            Request::get("/api/v1/clients")
                .header(header::COOKIE, &b.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn language_follows_the_browser_then_the_user_setting(t: &TestApp) {
    let page = t
        .send(
            Request::get("/login")
                .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.8")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.text.contains("Log in") && page.text.contains("lang=\"en\""));
    let page = t
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert!(page.text.contains("Logg inn") && page.text.contains("lang=\"nb\""));
    let b = t.login("tone", "benk-demo").await;
    let r = t.form(&b, "/settings/language", &[("lang", "en")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let home = t.page(&b, "/").await; // sends Accept-Language: nb
    assert!(
        home.text.contains("My clients"),
        "user setting wins over the browser"
    );
}

on_both_backends!(
    login_sets_a_hardened_session_cookie_and_logout_ends_it,
    wrong_passwords_back_off_then_lock_and_are_audited,
    forms_without_the_csrf_token_are_refused,
    required_totp_is_enrolled_and_then_asked_for,
    disabled_users_cannot_log_in_and_lose_their_sessions,
    tokens_are_created_once_and_revoked_in_the_ui,
    language_follows_the_browser_then_the_user_setting,
    the_api_does_not_accept_the_browser_session,
);

#[tokio::test]
async fn an_idle_session_expires() {
    let settings = benk_app::Settings {
        allow_synthetic_ids: true,
        session_idle: std::time::Duration::from_secs(0),
        ..benk_app::Settings::default()
    };
    let t = TestApp::with_settings(Backend::Sqlite, settings).await;
    let r = post_login(&t, "tone", "benk-demo").await;
    let cookie = format!("benk_session={}", r.cookie("benk_session").unwrap());
    // The session's last request is in the past; with a zero idle limit it is over.
    t.db()
        .execute_unaudited(
            "UPDATE sessions SET last_seen_at = $1",
            benk_app::args![chrono::Utc::now() - chrono::Duration::seconds(5)],
        )
        .await
        .unwrap();
    let home = t
        .send(
            Request::get("/")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(home.location(), "/login");
    assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 0);
    t.cleanup().await;
}
