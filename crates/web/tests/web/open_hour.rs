//! The open hour (issue 9): slots set up by the team, bookings from the public page (no login)
//! without identifying details, no overbooking under parallel bookings, the team's view, the
//! advice as a guidance case, and a referral made from a booking. Both backends.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use benk_web::rate_limit::RateLimiter;
use chrono::Datelike;
use common::{synthetic_fnr, urlencode, Backend, TestApp};
use serde_json::json;
use uuid::Uuid;

/// The open-hour tests post the public form many times from one (unknown) address: each test
/// app gets a limiter that does not get in the way (the limit itself is tested with `/henvisning`).
async fn app(backend: Backend) -> TestApp {
    TestApp::with_state(
        backend,
        benk_app::Settings {
            allow_synthetic_ids: true,
            ..benk_app::Settings::default()
        },
        |s| s.referral_limiter = Arc::new(RateLimiter::new(10_000, Duration::from_secs(600))),
    )
    .await
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = super::app(super::Backend::Sqlite).await;
                super::$name(&t).await;
                t.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = super::app(super::Backend::Postgres).await;
                super::$name(&t).await;
                t.cleanup().await;
            }
        }
    )*};
}

both!(
    booking_from_the_public_page,
    a_national_id_in_the_case_is_refused_and_nothing_typed_is_lost,
    forty_parallel_bookings_do_not_overbook,
    the_team_sees_bookings_and_a_colleague_outside_intake_is_refused,
    advice_becomes_a_guidance_case_and_a_booking_a_referral,
    slots_are_set_up_by_the_team_lead_or_intake_only,
    ten_parallel_referrals_from_one_booking_make_one,
);

const FJORDBY: &str = "Samhandlingsteamet Fjordby";

/// A slot tomorrow's weekday from today, with `capacity` places; returns (team, slot id, date).
async fn slot(t: &TestApp, capacity: i64) -> (Uuid, Uuid, chrono::NaiveDate) {
    let tone = t.token("tone").await;
    let date = benk_app::time::oslo_today() + chrono::Duration::days(1);
    let r = t
        .api(
            Method::POST,
            "/api/v1/open-hour/slots",
            &tone,
            Some(
                json!({"weekday": date.weekday().number_from_monday(), "start_time": "09:00",
                "length_min": 30, "capacity": capacity, "valid_from": benk_app::time::oslo_today(),
                "place": "Teamets kontor"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().parse().unwrap();
    (t.team_id(FJORDBY).await, id, date)
}

/// The public form's CSRF cookie.
async fn csrf(t: &TestApp, team: Uuid) -> String {
    let page = t
        .send(
            Request::get(format!("/apen-time/{team}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text
            .contains("uten personidentifiserende opplysninger"),
        "the page says so"
    );
    page.cookie("benk_oh_csrf").expect("csrf cookie")
}

fn booking_form(
    token: &str,
    slot: Uuid,
    date: chrono::NaiveDate,
    name: &str,
    case: &str,
) -> String {
    [
        ("_csrf", token.to_string()),
        ("hp_url", String::new()),
        ("slot", format!("{slot}_{date}")),
        ("booker_name", name.to_string()),
        ("booker_service", "NAV Fjordby".into()),
        ("agency_kind", "nav".into()),
        ("booker_phone", "91234567".into()),
        ("case_text", case.to_string()),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", urlencode(v)))
    .collect::<Vec<_>>()
    .join("&")
}

async fn post_booking(t: &TestApp, team: Uuid, token: &str, body: String) -> common::Resp {
    t.send(
        Request::post(format!("/apen-time/{team}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("benk_oh_csrf={token}"))
            .header(header::ACCEPT_LANGUAGE, "nb")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn book(t: &TestApp, team: Uuid, slot: Uuid, date: chrono::NaiveDate, name: &str) -> Uuid {
    let token = csrf(t, team).await;
    let r = post_booking(
        t,
        team,
        &token,
        booking_form(
            &token,
            slot,
            date,
            name,
            "Mann i 40-årene, mister boligen, vil ikke til lege.",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let (id,): (Uuid,) = t
        .db()
        .opt(
            "SELECT id FROM open_hour_bookings WHERE booker_name = $1",
            benk_app::args![name],
        )
        .await
        .unwrap()
        .unwrap();
    id
}

/// Bookings of one slot (the demo has bookings of its own).
async fn in_slot(t: &TestApp, slot: Uuid) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM open_hour_bookings WHERE slot_id = $1",
            benk_app::args![slot],
        )
        .await
        .unwrap()
}

async fn booking_from_the_public_page(t: &TestApp) {
    let (team, slot, date) = slot(t, 2).await;
    let token = csrf(t, team).await;
    let r = post_booking(
        t,
        team,
        &token,
        booking_form(
            &token,
            slot,
            date,
            "Nina NAV",
            "Kvinne i 30-årene, bor alene, trenger råd om oppfølging.",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loc = r.location();
    assert!(loc.starts_with("/apen-time/kvittering/T-"), "{loc}");
    let receipt = t
        .send(Request::get(&loc).body(Body::empty()).unwrap())
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.text.contains(loc.rsplit('/').next().unwrap()));
    let nr = loc.rsplit('/').next().unwrap().to_string();
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM open_hour_bookings WHERE receipt_number = $1 AND status = 'booked'",
                benk_app::args![nr.as_str()],
            )
            .await
            .unwrap(),
        1
    );
    // The public booking is audited as coming from outside, with the name typed.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.book' AND outcome = 'allowed' AND actor_staff_id IS NULL AND actor_name LIKE '%Nina NAV%'").await,
        1
    );
    // Without the cookie: 403 and the form again with what was typed.
    let r = post_booking(
        t,
        team,
        "",
        booking_form("x", slot, date, "Uten Cookie", "Saken."),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("Uten Cookie"));
    // The honeypot: answered like a success, nothing stored.
    let body =
        booking_form(&token, slot, date, "Robot", "Kjøp nå").replace("hp_url=", "hp_url=http");
    let r = post_booking(t, team, &token, body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM open_hour_bookings WHERE booker_name = 'Robot'")
            .await,
        0
    );
}

async fn a_national_id_in_the_case_is_refused_and_nothing_typed_is_lost(t: &TestApp) {
    let (team, slot, date) = slot(t, 2).await;
    let token = csrf(t, team).await;
    let fnr = synthetic_fnr(7);
    let case = format!("Gjelder {fnr}, som ikke møter på NAV.");
    let r = post_booking(
        t,
        team,
        &token,
        booking_form(&token, slot, date, "Kari Kontakt", &case),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("fødselsnummer"), "a clear message");
    assert!(r.text.contains("Kari Kontakt"), "the name is kept");
    assert!(
        r.text.contains(&fnr) && r.text.contains("som ikke møter på NAV"),
        "the text is kept"
    );
    assert!(
        r.text.contains(&format!("value=\"{slot}_{date}\" checked")),
        "the slot is kept"
    );
    assert_eq!(in_slot(t, slot).await, 0);
    // The same with the number split by spaces.
    let spaced = format!("{} {}", &fnr[..6], &fnr[6..]);
    let r = post_booking(
        t,
        team,
        &token,
        booking_form(&token, slot, date, "Kari Kontakt", &spaced),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A booker's name or service with nothing visible (a lone zero-width space or accent) is
    // refused with the field named; the case text is kept and nothing is booked.
    for (field, lone) in [
        ("booker_name", "\u{200B}"),
        ("booker_name", "\u{0301}"),
        ("booker_service", "\u{200B}"),
    ] {
        let body = booking_form(&token, slot, date, "Kari Kontakt", "Saken om Ås.");
        let body = if field == "booker_name" {
            body.replace(
                "booker_name=Kari%20Kontakt",
                &format!("booker_name={}", urlencode(lone)),
            )
        } else {
            body.replace(
                "booker_service=NAV%20Fjordby",
                &format!("booker_service={}", urlencode(lone)),
            )
        };
        assert!(body.contains(&urlencode(lone)), "{body}");
        let r = post_booking(t, team, &token, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} {lone:?}: {}",
            r.text
        );
        assert!(
            r.text.contains("Navnet har ingen synlige bokstaver"),
            "{field} {lone:?}: {}",
            r.text
        );
        assert!(
            r.text.contains(&format!("href=\"#{field}\"")),
            "the field is named: {}",
            r.text
        );
        assert!(r.text.contains("Saken om Ås."), "the text is kept");
        assert_eq!(in_slot(t, slot).await, 0);
    }
    // No contact: the field is named.
    let body = booking_form(&token, slot, date, "Kari Kontakt", "Saken.")
        .replace("booker_phone=91234567", "booker_phone=");
    let r = post_booking(t, team, &token, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Oppgi telefon eller e-post"));
    // A date that is no slot of the series.
    let r = post_booking(
        t,
        team,
        &token,
        booking_form(
            &token,
            slot,
            date + chrono::Duration::days(1),
            "Kari Kontakt",
            "Saken.",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("ingen åpen time denne datoen"));
    assert_eq!(in_slot(t, slot).await, 0);
}

async fn forty_parallel_bookings_do_not_overbook(t: &TestApp) {
    let (team, slot, date) = slot(t, 2).await;
    let token = csrf(t, team).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let router = t.router.clone();
        let body = booking_form(
            &token,
            slot,
            date,
            &format!("Partner {i}"),
            "Saken uten navn.",
        );
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = Request::post(format!("/apen-time/{team}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("benk_oh_csrf={token}"))
                .body(Body::from(body))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }));
    }
    let mut ok = 0;
    let mut full = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::SEE_OTHER => ok += 1,
            StatusCode::CONFLICT => full += 1,
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!((ok, full), (2, 38));
    assert_eq!(in_slot(t, slot).await, 2);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.book' AND outcome = 'denied' AND resources LIKE '%none:slot_full'").await,
        38
    );
    // The page now shows the slot as fully booked, and a late booking gets the form back.
    let page = t
        .send(
            Request::get(format!("/apen-time/{team}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.text.contains("fullbooket"));
    let r = post_booking(
        t,
        team,
        &token,
        booking_form(&token, slot, date, "Sen Partner", "Saken."),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("Sen Partner") && r.text.contains("fullbooket"));
}

async fn the_team_sees_bookings_and_a_colleague_outside_intake_is_refused(t: &TestApp) {
    let (team, slot, date) = slot(t, 3).await;
    book(t, team, slot, date, "Berit Bydel").await;
    // The team lead (a nurse) and the intake team see them, on the page and in the API.
    let tone = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&tone, "/intake/open-hour").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Berit Bydel"));
    let hanne = t.token("hanne").await;
    let r = t
        .api(Method::GET, "/api/v1/open-hour/bookings", &hanne, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["booker_name"] == "Berit Bydel"));
    assert!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.list' AND outcome = 'allowed'").await >= 2);
    // A NAV officer and a psychiatrist outside intake are refused, and the refusal is audited.
    for user in ["per", "mari"] {
        let token = t.token(user).await;
        let r = t
            .api(Method::GET, "/api/v1/open-hour/bookings", &token, None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        let id = t.staff_id(user).await;
        assert_eq!(
            t.db()
                .scalar_i64(
                    "SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.list' AND outcome = 'denied' AND actor_staff_id = $1",
                    benk_app::args![id],
                )
                .await
                .unwrap(),
            1,
            "{user}"
        );
        let b = t.login(user, benk_app::demo::DEMO_PASSWORD).await;
        let page = t.page(&b, "/intake/open-hour").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!page.text.contains("Berit Bydel"));
    }
}

async fn advice_becomes_a_guidance_case_and_a_booking_a_referral(t: &TestApp) {
    let (team, slot, date) = slot(t, 3).await;
    let first = book(t, team, slot, date, "Gunnar Fastlege").await;
    let second = book(t, team, slot, date, "Hilde Helsestasjon").await;
    let hanne = t.token("hanne").await;
    // The advice, as a level-3 guidance case linked to the booking.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/open-hour/bookings/{first}/guidance"),
            &hanne,
            Some(json!({"advice": "Kontakt boligkontoret; ring oss igjen om to uker."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let gid = r.json()["id"].as_str().unwrap().to_string();
    let g = t
        .api(
            Method::GET,
            &format!("/api/v1/guidance-cases/{gid}"),
            &hanne,
            None,
        )
        .await;
    assert_eq!(g.status, StatusCode::OK);
    let g = g.json();
    assert_eq!(g["channel"], "open_hour");
    assert_eq!(g["asker_name"], "Gunnar Fastlege");
    assert!(g["question"].as_str().unwrap().contains("mister boligen"));
    let b = t
        .api(
            Method::GET,
            &format!("/api/v1/open-hour/bookings/{first}"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(b["status"], "advised");
    assert_eq!(b["guidance_case_id"], gid.as_str());
    // Twice is a conflict.
    let again = t
        .api(
            Method::POST,
            &format!("/api/v1/open-hour/bookings/{first}/guidance"),
            &hanne,
            Some(json!({"advice": "Igjen."})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // A referral: the staff form is filled in from the booking; the person is added there.
    let browser = t.login("hanne", benk_app::demo::DEMO_PASSWORD).await;
    let form = t
        .page(
            &browser,
            &format!("/intake/referrals/new?from_booking={second}"),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Hilde Helsestasjon"));
    assert!(form.text.contains("mister boligen"));
    assert!(form
        .text
        .contains(&format!("name=\"from_booking\" value=\"{second}\"")));
    let today = benk_app::time::oslo_today().to_string();
    let r = t
        .form(
            &browser,
            "/intake/referrals/new",
            &[
                ("from_booking", &second.to_string()),
                ("referrer_name", "Hilde Helsestasjon"),
                ("agency_kind", "other"),
                ("person_name", "Ola Henvist"),
                ("person_birth_year", "1980"),
                (
                    "reason",
                    "Mann i 40-årene, mister boligen, vil ikke til lege.",
                ),
                ("person_knows", "yes"),
                ("person_agrees", "yes"),
                ("urgency", "normal"),
                ("channel", "phone"),
                ("received_on", &today),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let b = t
        .api(
            Method::GET,
            &format!("/api/v1/open-hour/bookings/{second}"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(b["status"], "referred");
    let rid = b["referral_id"].as_str().expect("linked referral");
    assert!(r.location().contains(rid));
    // The person's name is on the referral only, never on the booking.
    assert_eq!(t.count("SELECT COUNT(*) FROM open_hour_bookings WHERE case_text LIKE '%Ola Henvist%' OR booker_name LIKE '%Ola Henvist%'").await, 0);
}

async fn slots_are_set_up_by_the_team_lead_or_intake_only(t: &TestApp) {
    let mari = t.token("mari").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/open-hour/slots",
            &mari,
            Some(
                json!({"weekday": 4, "start_time": "09:00", "length_min": 30, "capacity": 2,
                "valid_from": benk_app::time::oslo_today()}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.slot_create' AND outcome = 'denied'").await,
        1
    );
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/open-hour/slots",
            &tone,
            Some(
                json!({"weekday": 4, "start_time": "09:00", "length_min": 30, "capacity": 0,
                "valid_from": "2026-12-03", "valid_until": "2026-12-01"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert!(
        fields.contains(&"capacity".to_string()) && fields.contains(&"valid_until".to_string()),
        "{fields:?}"
    );
}

/// Turning a booking into a referral is one transaction: ten parallel "register" posts of the
/// prefilled form give exactly one referral, linked to the booking (and its guidance case),
/// and nine 409s in Norwegian, each refusal audited; a colleague outside intake is refused.
async fn ten_parallel_referrals_from_one_booking_make_one(t: &TestApp) {
    let (team, slot, date) = slot(t, 2).await;
    let booking = book(t, team, slot, date, "Gunnar Fastlege").await;
    let hanne = t.token("hanne").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/open-hour/bookings/{booking}/guidance"),
            &hanne,
            Some(json!({"advice": "Vi tar saken videre som henvisning."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let gid: Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let browser = t.login("hanne", benk_app::demo::DEMO_PASSWORD).await;
    let today = benk_app::time::oslo_today().to_string();
    let b = booking.to_string();
    let fields: Vec<(&str, &str)> = vec![
        ("from_booking", &b),
        ("referrer_name", "Gunnar Fastlege"),
        ("agency_kind", "other"),
        ("person_name", "Per Parallell"),
        ("person_birth_year", "1979"),
        ("reason", "Mister boligen, vil ikke til lege."),
        ("person_knows", "yes"),
        ("person_agrees", "yes"),
        ("urgency", "normal"),
        ("channel", "phone"),
        ("received_on", &today),
    ];
    let before = t.count("SELECT COUNT(*) FROM referrals").await;
    let mut body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    body.push(format!("_csrf={}", browser.csrf));
    let body = body.join("&");
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let router = t.router.clone();
        let body = body.clone();
        let cookie = browser.cookie.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = Request::post("/intake/referrals/new")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie)
                .header(header::ACCEPT_LANGUAGE, "nb")
                .body(Body::from(body))
                .unwrap();
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8_lossy(&bytes).to_string())
        }));
    }
    let mut ok = 0;
    let mut conflict = 0;
    for task in tasks {
        let (status, text) = task.await.unwrap();
        match status {
            StatusCode::SEE_OTHER => ok += 1,
            StatusCode::CONFLICT => {
                assert!(
                    text.contains("allerede gjort om til en henvisning"),
                    "{text}"
                );
                conflict += 1
            }
            s => panic!("unexpected {s}: {text}"),
        }
    }
    assert_eq!((ok, conflict), (1, 9));
    assert_eq!(t.count("SELECT COUNT(*) FROM referrals").await, before + 1);
    let bk = t
        .api(
            Method::GET,
            &format!("/api/v1/open-hour/bookings/{booking}"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(bk["status"], "referred");
    let rid: Uuid = bk["referral_id"].as_str().unwrap().parse().unwrap();
    // The guidance case records the referral too, in the same transaction.
    let linked = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM guidance_cases WHERE id = $1 AND later_referral_id = $2",
            benk_app::args![gid, rid],
        )
        .await
        .unwrap();
    assert_eq!(linked, 1);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.refer' AND outcome = 'allowed'").await,
        1
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'open_hour.refer' AND outcome = 'denied' AND resources LIKE '%none:already_referred'").await,
        9
    );
    // A colleague without the booking grant (a NAV officer in intake, or a clinician outside
    // it) cannot register from a booking: refused and audited, no referral stored.
    let mari = t.login("mari", benk_app::demo::DEMO_PASSWORD).await;
    let r = t.form(&mari, "/intake/referrals/new", &fields).await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    let mari_id = t.staff_id("mari").await;
    assert!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied' AND actor_staff_id = $1",
                benk_app::args![mari_id],
            )
            .await
            .unwrap()
            >= 1
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM referrals").await, before + 1);
}
