//! The OpenAPI document says what the server enforces: every answer an
//! operation gives is documented, the limits in the schemas are the domain's,
//! and the server accepts what the schemas allow and refuses what they forbid.
//! (`scripts/api-check` runs schemathesis over the whole API; these tests pin
//! the holes it found.)

mod common;

use axum::http::{Method, StatusCode};
use benk_domain::{OrgKind, ShortText};
use common::TestApp;
use serde_json::{json, Value};

async fn document(t: &TestApp) -> Value {
    let r = t
        .send(
            axum::http::Request::get("/api/v1/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()
}

async fn every_operation_documents_the_answers_its_extractors_give(t: &TestApp) {
    let doc = document(t).await;
    let responses = &doc["components"]["responses"];
    for name in [
        "Unauthorized",
        "ServerError",
        "BadBody",
        "NotFound",
        "Invalid",
    ] {
        assert_eq!(
            responses[name]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{name}"
        );
    }
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            seen += 1;
            let at = format!("{method} {path}");
            let has = |s: &str| op["responses"][s].is_object();
            assert!(has("401") && has("500"), "{at}: 401 and 500");
            if op["requestBody"].is_object() {
                for s in ["400", "413", "415"] {
                    assert!(has(s), "{at}: {s} for a bad body");
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                // The list and report parameters were once documented as path parameters.
                let expected = if in_path {
                    "path"
                } else if name == "Idempotency-Key" {
                    "header"
                } else {
                    "query"
                };
                assert_eq!(p["in"], expected, "{at}: parameter {name}");
                if in_path {
                    assert!(has("404"), "{at}: 404 for an unknown id");
                } else {
                    assert!(has("400"), "{at}: 400 for a query that does not fit");
                }
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        r["$ref"]
                            .as_str()
                            .is_some_and(|s| s.starts_with("#/components/responses/")),
                        "{at}: {status} uses a shared error response"
                    );
                }
            }
        }
    }
    assert!(seen >= 30, "{seen} operations");
}

async fn the_limits_in_the_document_are_the_domains(t: &TestApp) {
    let doc = document(t).await;
    let schemas = &doc["components"]["schemas"];
    let kinds: Vec<&str> = schemas["OrganisationIn"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let codes: Vec<&str> = OrgKind::ALL.iter().map(|k| k.code()).collect();
    assert_eq!(kinds, codes);
    let fte = &schemas["StaffIn"]["properties"]["fte"];
    assert_eq!(
        (fte["minimum"].as_i64(), fte["maximum"].as_i64()),
        (Some(1), Some(100))
    );
    let name = &schemas["AgencyIn"]["properties"]["name"];
    assert_eq!(
        name["maxLength"].as_u64(),
        Some(ShortText::MAX_CHARS as u64)
    );
    assert_eq!(name["minLength"].as_u64(), Some(1));
    let level = &schemas["LevelIn"]["properties"]["level"];
    assert_eq!(
        (level["minimum"].as_i64(), level["maximum"].as_i64()),
        (Some(1), Some(3))
    );
    let staff_required = schemas["StaffIn"]["required"].as_array().unwrap();
    assert!(staff_required.contains(&json!("fte")));
    // A rule across fields: a client needs a national id or a birth year.
    assert!(
        schemas["RawClient"]["allOf"].is_array(),
        "{}",
        schemas["RawClient"]
    );
}

async fn the_server_refuses_what_the_document_forbids(t: &TestApp) {
    let tone = t.token("tone").await;
    // Codes outside their enum were taken as the default.
    let r = t
        .api(Method::GET, "/api/v1/clients?list=bogus", &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "list");
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/referrals?period=",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // A parameter given twice was a plain-text 400.
    let r = t
        .api(
            Method::GET,
            "/api/v1/clients?list=mine&list=mine",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_query");
    // An unknown agency kind was taken as "other" when an agency was given.
    let agencies = t.api(Method::GET, "/api/v1/agencies", &tone, None).await;
    let agency = agencies.json()[0]["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            "/api/v1/referrals",
            &tone,
            Some(json!({
                "referrer_name": "Kari Fastlege",
                "agency_id": agency,
                "agency_kind": "bogus",
                "person_name": "Per Henvist",
                "reason": "Mister kontakten med tjenestene.",
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "agency_kind");
    // Organisation and team names had no limit at all.
    let eva = t.token("eva").await;
    let long = "x".repeat(ShortText::MAX_CHARS + 1);
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            &eva,
            Some(json!({"name": long, "kind": "nav", "org_number": "974760673"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "name");
    let orgs = t
        .api(Method::GET, "/api/v1/organisations", &eva, None)
        .await;
    let owner = orgs.json()[0]["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            "/api/v1/teams",
            &eva,
            Some(json!({"name": "Team\u{0007}", "owners": [owner]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
}

async fn the_server_accepts_what_the_document_allows(t: &TestApp) {
    // JSON Schema counts 1990.0 as an integer; the server refused it.
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "Heltall Flyt", "birth_year": 1990.0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["birth_year"], 1990);
    let eva = t.token("eva").await;
    let orgs = t
        .api(Method::GET, "/api/v1/organisations", &eva, None)
        .await;
    let owner = orgs.json()[0]["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            "/api/v1/teams",
            &eva,
            Some(json!({
                "name": "Flyt-teamet",
                "owners": [owner],
                "policy": {"intake_min_participants_per_side": 3.0}
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            "/api/v1/teams",
            &eva,
            Some(json!({
                "name": "Brøk-teamet",
                "owners": [owner],
                "policy": {"intake_min_participants_per_side": 2.5}
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

on_both_backends!(
    every_operation_documents_the_answers_its_extractors_give,
    the_limits_in_the_document_are_the_domains,
    the_server_refuses_what_the_document_forbids,
    the_server_accepts_what_the_document_allows,
);
