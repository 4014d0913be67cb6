//! Bad input: a clear 4xx naming the field, in the caller's language, and
//! nothing stored half-way.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{synthetic_fnr, Backend, TestApp};
use serde_json::json;

async fn invalid_national_ids_are_refused_by_field(t: &TestApp) {
    let tone = t.token("tone").await;
    let before = t.count("SELECT COUNT(*) FROM clients").await;
    let valid = synthetic_fnr(1);
    let mut wrong_check = valid.clone().into_bytes();
    wrong_check[10] = if wrong_check[10] == b'9' {
        b'0'
    } else {
        wrong_check[10] + 1
    };
    let wrong_check = String::from_utf8(wrong_check).unwrap();
    // 31 February with correct check digits.
    let bad_date = (100..200)
        .find_map(|i| common::with_check_digits(&format!("310290{i}")))
        .unwrap();
    for (nid, code) in [
        ("1234", "national_id_wrong_length"),
        (bad_date.as_str(), "national_id_invalid_date"),
        (wrong_check.as_str(), "national_id_wrong_check_digit"),
        ("abcdefghijk", "national_id_not_digits"),
    ] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/clients",
                &tone,
                Some(json!({"name": "Ola", "national_id": nid})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{nid}: {}",
            r.text
        );
        let e = &r.json()["error"];
        assert_eq!(e["field"], "national_id", "{nid}: {e}");
        let codes: Vec<&str> = e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.contains(&code),
            "{nid}: expected {code}, got {codes:?}"
        );
        assert!(e["message"].as_str().unwrap().contains("national_id"));
    }
    assert_eq!(
        t.count("SELECT COUNT(*) FROM clients").await,
        before,
        "nothing stored"
    );
    // The valid one goes in.
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "Ola", "national_id": valid})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn messages_follow_the_callers_language(t: &TestApp) {
    let tone = t.token("tone").await;
    let body = json!({"name": "", "birth_year": 1980}).to_string();
    let nb = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(body.clone()),
            &[],
        )
        .await
        .json();
    let en = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(body),
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await
        .json();
    assert!(
        nb["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Feltet «name»"),
        "{nb}"
    );
    assert!(
        en["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Field «name»"),
        "{en}"
    );
    assert_ne!(
        nb["error"]["fields"][0]["message"],
        en["error"]["fields"][0]["message"]
    );
}

async fn malformed_json_unknown_fields_and_wrong_types_name_the_problem(t: &TestApp) {
    let tone = t.token("tone").await;
    let r = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(r#"{"name": "A", "birth_year": 1980, "diagnosis": "F20"}"#.into()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "unknown_field");
    assert_eq!(r.json()["error"]["field"], "diagnosis");
    let r = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(r#"{"name": 42, "birth_year": 1980}"#.into()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "wrong_type");
    assert_eq!(r.json()["error"]["field"], "name");
    let r = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(r#"{"name": "A", "#.into()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "malformed_json");
    let r = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(r#"{"name": "A", "birth_year": "nineteen"}"#.into()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "birth_year");
    // Neither a name nor any way to identify the person by number or year.
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "Uten år"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["code"], "identity_required");
    // Dates in the care relationship: end before start.
    let id = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "B", "birth_year": 1990})),
        )
        .await
        .json()["id"]
        .clone();
    let ingrid = t.staff_id("ingrid").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{}/care-relationships", id.as_str().unwrap()),
            &tone,
            Some(json!({"staff_id": ingrid, "valid_from": "2025-05-01", "valid_to": "2025-04-01", "reason": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "valid_to");
    let r = t
        .api(
            Method::POST,
            &format!(
                "/api/v1/clients/{}/care-relationships",
                id.as_str().unwrap()
            ),
            &tone,
            Some(json!({"staff_id": ingrid, "valid_from": "2025-13-01", "reason": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "valid_from");
}

async fn oversize_and_wrong_media_type(t: &TestApp) {
    let tone = t.token("tone").await;
    let big = json!({"name": "x".repeat(100_000), "birth_year": 1980}).to_string();
    let r = t
        .api_raw(Method::POST, "/api/v1/clients", &tone, Some(big), &[])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    let r = t
        .send(
            axum::http::Request::post("/api/v1/clients")
                .header("authorization", format!("Bearer {tone}"))
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("name=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn html_in_text_is_stored_as_text_and_escaped(t: &TestApp) {
    let tone = t.token("tone").await;
    let name = "<script>alert(1)</script> Ås";
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": name, "birth_year": 1980})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        t.api(Method::GET, &format!("/api/v1/clients/{id}"), &tone, None)
            .await
            .json()["client"]["name"],
        name
    );
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{id}")).await;
    assert!(!page.text.contains("<script>alert(1)</script>"));
    assert!(
        page.text
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || page.text.contains("&lt;script&gt;"),
        "escaped"
    );
}

async fn duplicate_national_id_is_a_field_error_and_leaves_no_audit_row(t: &TestApp) {
    let tone = t.token("tone").await;
    let nid = synthetic_fnr(2);
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "A", "national_id": nid})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let creates = t
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create' AND outcome = 'allowed'")
        .await;
    let clients = t.count("SELECT COUNT(*) FROM clients").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "B", "national_id": nid})),
        )
        .await;
    // A conflict with what is stored (409, as the OpenAPI document says), naming the field.
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json()["error"]["code"], "conflict");
    assert_eq!(r.json()["error"]["field"], "national_id");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create' AND outcome = 'allowed'")
            .await,
        creates,
        "a refused registration has no allowed audit row"
    );
    // The attempt itself is audited as refused, with the actor.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create' AND outcome = 'denied' AND actor_staff_id IS NOT NULL")
            .await,
        1
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM clients").await, clients);
}

async fn the_html_form_keeps_what_was_typed_and_marks_the_field(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let r = t
        .form(
            &b,
            "/clients/new",
            &[
                ("name", "Kari Nordmann"),
                ("national_id", "12345678901"),
                ("phone", "91234567"),
                ("municipality", "Bærum"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("value=\"Kari Nordmann\""),
        "typed name kept"
    );
    assert!(r.text.contains("value=\"91234567\""), "typed phone kept");
    assert!(
        r.text.contains("id=\"national_id-error\""),
        "field error next to the field"
    );
    assert!(r.text.contains("aria-invalid=\"true\""));
    // Correcting it saves and redirects to the new client.
    let ok = t
        .form(
            &b,
            "/clients/new",
            &[
                ("name", "Kari Nordmann"),
                ("national_id", &synthetic_fnr(3)),
                ("phone", "91234567"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert!(ok.location().starts_with("/clients/"));
}

async fn a_refused_record_entry_comes_back_with_its_text(t: &TestApp) {
    let tone = t.token("tone").await;
    let id = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "A", "birth_year": 1980})),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = t.login("tone", "benk-demo").await;
    let long = format!("Begynnelsen av et langt notat. {}", "x".repeat(10_000));
    let r = t
        .form(
            &b,
            &format!("/clients/{id}/draft"),
            &[("action", "sign"), ("body", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Begynnelsen av et langt notat."),
        "typed text kept"
    );
    assert!(r.text.contains("id=\"draft-error\""));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM record_entries WHERE body LIKE 'Begynnelsen%'")
            .await,
        0
    );
}

on_both_backends!(
    invalid_national_ids_are_refused_by_field,
    messages_follow_the_callers_language,
    malformed_json_unknown_fields_and_wrong_types_name_the_problem,
    oversize_and_wrong_media_type,
    html_in_text_is_stored_as_text_and_escaped,
    duplicate_national_id_is_a_field_error_and_leaves_no_audit_row,
    the_html_form_keeps_what_was_typed_and_marks_the_field,
    a_refused_record_entry_comes_back_with_its_text,
);

#[tokio::test]
async fn synthetic_ids_are_refused_without_test_data() {
    let t = TestApp::with_settings(Backend::Sqlite, benk_app::Settings::default()).await;
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "A", "national_id": synthetic_fnr(4)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"][0]["code"],
        "national_id_synthetic_not_allowed",
        "{}",
        r.text
    );
    t.cleanup().await;
}
