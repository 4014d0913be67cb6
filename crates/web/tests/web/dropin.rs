//! The drop-in centre (issue 9): anonymous daily tallies per service, daily and monthly
//! counts, bad input named by field, a known person's visit as a `drop_in` contact, and who
//! may do it. Both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::json;

const FJORDBY_TALLIES: &str = "SELECT COUNT(*) FROM dropin_tallies WHERE team_id IN (SELECT id FROM teams WHERE name = 'Samhandlingsteamet Fjordby')";

on_both_backends!(
    counts_per_day_and_month,
    bad_counts_and_future_days_name_the_field,
    the_page_records_a_day_and_keeps_what_was_typed,
    only_the_teams_working_members_keep_the_register,
    a_known_persons_visit_is_a_drop_in_contact,
);

async fn counts_per_day_and_month(t: &common::TestApp) {
    let anne = t.token("mari").await; // Fjordby: a psychiatrist on the team (Nordvik has demo tallies).
    let today = benk_app::time::oslo_today();
    let day1 = today - Duration::days(1);
    let day2 = today - Duration::days(2);
    for (day, body) in [
        (
            day1,
            json!({"visit": 23, "meal": 18, "coffee": 40, "shower": 3}),
        ),
        (day2, json!({"visit": 17, "meal": 12, "laundry": 2})),
    ] {
        let r = t
            .api(
                Method::PUT,
                &format!("/api/v1/dropin/{day}"),
                &anne,
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    // Saving a day again replaces its counts (a double submit does not double them).
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/dropin/{day1}"),
            &anne,
            Some(json!({"visit": 25})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/dropin?from={day2}&to={today}"),
            &anne,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let reg = r.json();
    let days = reg["days"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["period"], day1.to_string());
    assert_eq!(days[0]["counts"][0], json!(["visit", 25]));
    assert_eq!(days[0]["counts"][1], json!(["meal", 18]));
    assert_eq!(days[1]["counts"][0], json!(["visit", 17]));
    // Monthly: the sum of the days in each month.
    let months = reg["months"].as_array().unwrap();
    let total_visits: i64 = months
        .iter()
        .map(|m| m["counts"][0][1].as_i64().unwrap())
        .sum();
    assert_eq!(total_visits, 42);
    let total_meals: i64 = months
        .iter()
        .map(|m| m["counts"][1][1].as_i64().unwrap())
        .sum();
    assert_eq!(total_meals, 30);
    // No person data in the tallies, and the read is audited.
    assert!(
        t.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'dropin.read' AND client_id IS NULL"
        )
        .await
            >= 1
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'dropin.record' AND client_id IS NULL").await, 3);
}

async fn bad_counts_and_future_days_name_the_field(t: &common::TestApp) {
    let anne = t.token("mari").await;
    let today = benk_app::time::oslo_today();
    for (day, body, field) in [
        (today, json!({"meal": -1}), "meal"),
        (today, json!({"coffee": 1001}), "coffee"),
        (today + Duration::days(1), json!({"visit": 3}), "day"),
    ] {
        let r = t
            .api(
                Method::PUT,
                &format!("/api/v1/dropin/{day}"),
                &anne,
                Some(body),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text
        );
        assert_eq!(r.json()["error"]["field"], field);
    }
    assert_eq!(t.count(FJORDBY_TALLIES).await, 0);
}

async fn the_page_records_a_day_and_keeps_what_was_typed(t: &common::TestApp) {
    let anne = t.login("mari", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&anne, "/dropin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Værested"));
    let today = benk_app::time::oslo_today().to_string();
    let r = t
        .form(
            &anne,
            "/dropin",
            &[
                ("day", &today),
                ("visit", "31"),
                ("meal", "-4"),
                ("coffee", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("value=\"31\"")
            && r.text.contains("value=\"-4\"")
            && r.text.contains("value=\"12\"")
    );
    assert!(r.text.contains("negativt"));
    assert_eq!(t.count(FJORDBY_TALLIES).await, 0);
    let r = t
        .form(
            &anne,
            "/dropin",
            &[
                ("day", &today),
                ("visit", "31"),
                ("meal", "4"),
                ("coffee", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&anne, "/dropin?msg=saved").await;
    assert!(page.text.contains("<td class=\"num\">31</td>"));
}

async fn only_the_teams_working_members_keep_the_register(t: &common::TestApp) {
    // An administrator of the team is not drop-in staff.
    let rune = t.token("rune").await;
    let before = t.count("SELECT COUNT(*) FROM dropin_tallies").await;
    let today = benk_app::time::oslo_today();
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/dropin/{today}"),
            &rune,
            Some(json!({"visit": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.api(Method::GET, "/api/v1/dropin", &rune, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let id = t.staff_id("rune").await;
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 AND action IN ('dropin.record', 'dropin.read') AND outcome = 'denied'",
                benk_app::args![id],
            )
            .await
            .unwrap(),
        2
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM dropin_tallies").await, before);
}

async fn a_known_persons_visit_is_a_drop_in_contact(t: &common::TestApp) {
    // Gunn (NAV, Nordvik) registers a person, so she has a care relationship with them.
    let gunn = t.token("gunn").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &gunn,
            Some(json!({"name": "Vera Værested", "birth_year": 1971})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let client: uuid::Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/dropin-visits"),
            &gunn,
            Some(json!({"services": ["meal", "shower", "meal"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let contact: uuid::Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM contacts WHERE id = $1 AND client_id = $2 AND kind = 'drop_in' AND met = $3",
                benk_app::args![contact, client, true],
            )
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM dropin_visit_services WHERE contact_id = $1",
                benk_app::args![contact],
            )
            .await
            .unwrap(),
        2
    );
    assert_eq!(t.audit_count(client, "dropin.visit", "allowed").await, 1);
    // The tallies are not touched: they count everyone anonymously.
    assert_eq!(t.count(FJORDBY_TALLIES).await, 0);
    // A colleague in another team has no access: refused and audited.
    let per = t.token("per").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/dropin-visits"),
            &per,
            Some(json!({"services": ["coffee"]})),
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status
    );
    assert_eq!(t.audit_count(client, "client.open", "denied").await, 1);
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM contacts WHERE kind = 'drop_in' AND client_id = $1",
                benk_app::args![client],
            )
            .await
            .unwrap(),
        1
    );
}
