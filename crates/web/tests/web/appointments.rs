//! Planned appointments and the calendar feed (issue 9), through HTTP on both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use common::TestApp;
use serde_json::json;
use uuid::Uuid;

/// A client the user follows (from "my clients").
async fn my_client(t: &TestApp, token: &str) -> (Uuid, String) {
    let r = t
        .api(Method::GET, "/api/v1/clients?list=mine", token, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let first = &r.json()[0];
    (
        first["id"].as_str().unwrap().parse().unwrap(),
        first["name"].as_str().unwrap().to_string(),
    )
}

/// A Fjordby colleague without access to the client.
async fn colleague_without_access(t: &TestApp, client: Uuid) -> String {
    for user in [
        "jonas", "mari", "ingrid", "lise", "kristin", "ola", "arne", "hanne", "per",
    ] {
        let tok = t.token(user).await;
        let r = t
            .api(
                Method::GET,
                &format!("/api/v1/clients/{client}/appointments"),
                &tok,
                None,
            )
            .await;
        if r.status == StatusCode::FORBIDDEN {
            return tok;
        }
    }
    panic!("every colleague has access");
}

fn rfc(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339()
}

fn tomorrow_at(h: i64) -> chrono::DateTime<Utc> {
    let d = Utc::now().date_naive() + Duration::days(1);
    d.and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::hours(h)
}

async fn create_list_change_cancel(t: &TestApp) {
    let sara = t.token("sara").await;
    let (client, name) = my_client(t, &sara).await;
    let url = format!("/api/v1/clients/{client}/appointments");
    let r = t
        .api(
            Method::POST,
            &url,
            &sara,
            Some(json!({"starts_at": rfc(tomorrow_at(9)), "ends_at": rfc(tomorrow_at(10)),
                "kind": "home_visit", "place": "Hjemme, Storgata 1", "purpose": "Oppfølging av medisiner"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let list = t.api(Method::GET, &url, &sara, None).await.json();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .expect("listed")
        .clone();
    assert_eq!(a["kind"], "home_visit");
    assert_eq!(a["purpose"], "Oppfølging av medisiner");
    assert_eq!(a["staff"][0]["id"], t.staff_id("sara").await.to_string());
    assert!(a["cancelled_at"].is_null());
    // Changed: only the place.
    let r = t
        .api(
            Method::PATCH,
            &format!("{url}/{id}"),
            &sara,
            Some(json!({"place": "Kafeen på torget"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let list = t.api(Method::GET, &url, &sara, None).await.json();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(a["place"], "Kafeen på torget");
    assert_eq!(a["purpose"], "Oppfølging av medisiner");
    // Mine: the worker's own list names the person; one audit row names every person shown.
    let mine = t
        .api(Method::GET, "/api/v1/appointments", &sara, None)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert!(mine.text.contains(&name), "{}", mine.text);
    let rows: Vec<(String,)> = t
        .db()
        .all(
            "SELECT resources FROM audit_events WHERE action = 'appointment.list_mine' AND actor_staff_id = $1",
            benk_app::args![t.staff_id("sara").await],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let named = benk_app::audit::list_resources(&rows[0].0).expect("a list row");
    assert!(
        named
            .iter()
            .any(|(n, basis)| n.to_string() == client.to_string() && !basis.is_empty()),
        "{}",
        rows[0].0
    );
    // The page lists it too.
    let b = t.login("sara", benk_app::demo::DEMO_PASSWORD).await;
    let p = t.page(&b, "/appointments").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains(&name) && p.text.contains("Kafeen på torget"));
    let p = t.page(&b, &format!("/clients/{client}/appointments")).await;
    assert!(p.text.contains("Oppfølging av medisiner"), "{}", p.text);
    // Cancelled: kept and marked; a second cancel is 404; a change is refused.
    let r = t
        .api(Method::POST, &format!("{url}/{id}/cancel"), &sara, None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = t
        .api(Method::POST, &format!("{url}/{id}/cancel"), &sara, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api(
            Method::PATCH,
            &format!("{url}/{id}"),
            &sara,
            Some(json!({"place": "Et annet sted"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let list = t.api(Method::GET, &url, &sara, None).await.json();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap()
        .clone();
    assert!(!a["cancelled_at"].is_null());
    let mine = t
        .api(Method::GET, "/api/v1/appointments", &sara, None)
        .await;
    assert!(
        !mine.text.contains(&id),
        "cancelled ones are not in my list"
    );
    // Every step is audited.
    for action in [
        "appointment.create",
        "appointment.update",
        "appointment.cancel",
    ] {
        assert_eq!(
            t.audit_count(client, action, "allowed").await,
            1,
            "{action}"
        );
    }
}

async fn bad_input_names_the_field(t: &TestApp) {
    let sara = t.token("sara").await;
    let (client, _) = my_client(t, &sara).await;
    let url = format!("/api/v1/clients/{client}/appointments");
    let cases = [
        (
            tomorrow_at(10),
            tomorrow_at(9),
            "ends_at",
            "end_before_start",
        ),
        (
            tomorrow_at(10),
            tomorrow_at(35),
            "ends_at",
            "appointment_too_long",
        ),
        (
            Utc::now() - Duration::days(30),
            Utc::now() - Duration::days(30) + Duration::hours(1),
            "starts_at",
            "start_too_far_back",
        ),
    ];
    for (s, e, field, code) in cases {
        let r = t
            .api(
                Method::POST,
                &url,
                &sara,
                Some(json!({"starts_at": rfc(s), "ends_at": rfc(e), "kind": "office"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        let j = r.json();
        assert_eq!(j["error"]["fields"][0]["field"], field, "{j}");
        assert_eq!(j["error"]["fields"][0]["code"], code, "{j}");
    }
    let r = t
        .api(
            Method::POST,
            &url,
            &sara,
            Some(
                json!({"starts_at": rfc(tomorrow_at(9)), "ends_at": rfc(tomorrow_at(10)),
                "kind": "office", "staff": [Uuid::now_v7()]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "staff");
    // The page keeps what was typed and names the field.
    let b = t.login("sara", benk_app::demo::DEMO_PASSWORD).await;
    let date = (Utc::now().date_naive() + Duration::days(2)).to_string();
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/appointments"),
            &[
                ("date", &date),
                ("starts_at", "14:00"),
                ("ends_at", "13:00"),
                ("kind", "outreach"),
                ("place", "Ved stasjonen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Slutt må være etter start."), "{}", r.text);
    assert!(r.text.contains("value=\"Ved stasjonen\""));
    assert!(r
        .text
        .contains("aria-invalid=\"true\" aria-describedby=\"appt-ends_at-error\""));
    assert_eq!(
        t.audit_count(client, "appointment.create", "allowed").await,
        0
    );
    // And a good one from the page is saved.
    let sid = t.staff_id("sara").await.to_string();
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/appointments"),
            &[
                ("date", &date),
                ("starts_at", "13:00"),
                ("ends_at", "14:00"),
                ("kind", "outreach"),
                ("place", "Ved stasjonen"),
                ("staff", &sid),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "appointment.create", "allowed").await,
        1
    );
}

async fn a_colleague_without_access_is_refused_and_audited(t: &TestApp) {
    let sara = t.token("sara").await;
    let (client, _) = my_client(t, &sara).await;
    let other = colleague_without_access(t, client).await;
    let url = format!("/api/v1/clients/{client}/appointments");
    let before = t.audit_count(client, "client.open", "denied").await;
    let r = t
        .api(
            Method::POST,
            &url,
            &other,
            Some(json!({"starts_at": rfc(tomorrow_at(9)), "ends_at": rfc(tomorrow_at(10)), "kind": "office"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("{url}/{}/cancel", Uuid::now_v7()),
            &other,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.audit_count(client, "client.open", "denied").await,
        before + 2
    );
    assert_eq!(
        t.audit_count(client, "appointment.create", "allowed").await,
        0
    );
}

async fn purpose_needs_health_scope(t: &TestApp) {
    // Per (NAV, not health personnel) in the care team of a person.
    let per = t.token("per").await;
    let r = t
        .api(Method::GET, "/api/v1/clients?list=mine", &per, None)
        .await;
    let Some(c) = r.json().as_array().and_then(|a| a.first().cloned()) else {
        return;
    };
    let client: Uuid = c["id"].as_str().unwrap().parse().unwrap();
    let url = format!("/api/v1/clients/{client}/appointments");
    let r = t
        .api(
            Method::POST,
            &url,
            &per,
            Some(json!({"starts_at": rfc(tomorrow_at(9)), "ends_at": rfc(tomorrow_at(10)), "kind": "accompany_nav",
                "purpose": "Helseopplysning"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "appointment.create", "denied").await,
        1
    );
    let r = t
        .api(
            Method::POST,
            &url,
            &per,
            Some(json!({"starts_at": rfc(tomorrow_at(9)), "ends_at": rfc(tomorrow_at(10)), "kind": "accompany_nav"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let list = t.api(Method::GET, &url, &per, None).await;
    assert!(!list.text.contains("\"purpose\""), "{}", list.text);
}

/// The feed's lines: CRLF, at most 75 octets, the required properties, no names, no purpose.
fn check_ical(body: &str) {
    assert!(body.ends_with("\r\n"));
    assert!(!body.replace("\r\n", "").contains('\n'), "bare LF");
    assert!(!body.replace("\r\n", "").contains('\r'), "bare CR");
    for line in body.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let unfolded = body.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0"));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let events = unfolded.split("BEGIN:VEVENT").skip(1);
    let mut n = 0;
    for e in events {
        n += 1;
        for p in ["UID:", "DTSTAMP:", "DTSTART:", "DTEND:", "SUMMARY:"] {
            assert!(e.contains(&format!("\r\n{p}")), "{p} missing in {e}");
        }
        for l in e.split("\r\n") {
            if let Some(v) = l.strip_prefix("DTSTART:").or(l.strip_prefix("DTEND:")) {
                assert!(v.len() == 16 && v.ends_with('Z'), "UTC time: {v}");
            }
        }
    }
    assert!(n > 0);
}

async fn calendar_feed_format_revocation_and_no_health_content(t: &TestApp) {
    let sara = t.token("sara").await;
    let (client, name) = my_client(t, &sara).await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/appointments"),
            &sara,
            Some(json!({"starts_at": rfc(tomorrow_at(9)), "ends_at": rfc(tomorrow_at(10)),
                "kind": "home_visit", "place": "Storgata 1, 2. etasje; ring på", "purpose": "Hemmelig helseformål"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let b = t.login("sara", benk_app::demo::DEMO_PASSWORD).await;
    let p = t.page(&b, "/settings").await;
    let main = &p.text[p.text.find("<main").unwrap()..];
    assert!(main.contains("action=\"/settings/calendar\""), "{}", p.text);
    assert!(!p.text[..p.text.find("<main").unwrap()].contains("calendar"));
    let r = t.form(&b, "/settings/calendar", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let start = r.text.find("/calendar/").expect("address shown");
    let url = r.text[start..start + r.text[start..].find(".ics").unwrap() + 4].to_string();
    let token = url
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics");
    assert_eq!(token.len(), 64, "256 bits");
    // Only the hash is stored.
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM calendar_feeds WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    let get = |u: String| async move {
        t.send(
            axum::http::Request::get(u)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
    };
    let feed = get(url.clone()).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text);
    assert!(feed.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    check_ical(&feed.text);
    let unfolded = feed.text.replace("\r\n ", "");
    assert!(
        unfolded.contains("LOCATION:Storgata 1\\, 2. etasje\\; ring på"),
        "{unfolded}"
    );
    assert!(unfolded.contains("SUMMARY:Avtale (Benk): hjemmebesøk"));
    assert!(!unfolded.contains("Hemmelig"), "no purpose");
    for part in name.split_whitespace() {
        assert!(!unfolded.contains(part), "no name: {part}");
    }
    // One audit row per fetch, naming the worker and the count, no person.
    let rows: Vec<(Option<Uuid>, String)> = t
        .db()
        .all(
            "SELECT client_id, resources FROM audit_events WHERE action = 'calendar.fetch'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].0.is_none());
    assert!(rows[0]
        .1
        .contains(&format!("staff:{}", t.staff_id("sara").await)));
    assert!(rows[0].1.contains("appointments:"));
    // A new address replaces the old; revoking makes it 404.
    let r = t.form(&b, "/settings/calendar", &[]).await;
    let start = r.text.find("/calendar/").unwrap();
    let url2 = r.text[start..start + r.text[start..].find(".ics").unwrap() + 4].to_string();
    assert_ne!(url, url2);
    assert_eq!(get(url.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(url2.clone()).await.status, StatusCode::OK);
    let r = t.form(&b, "/settings/calendar/revoke", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(get(url2).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get("/calendar/not-a-token.ics".into()).await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    create_list_change_cancel,
    bad_input_names_the_field,
    a_colleague_without_access_is_refused_and_audited,
    purpose_needs_health_scope,
    calendar_feed_format_revocation_and_no_health_content,
);
