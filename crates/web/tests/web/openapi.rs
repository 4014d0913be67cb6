//! The OpenAPI document says what the server enforces: every answer an
//! operation gives is documented, the limits in the schemas are the domain's,
//! and the server accepts what the schemas allow and refuses what they forbid.
//! (`scripts/api-check` runs schemathesis over the whole API; these tests pin
//! the holes it found.)

use crate::common;

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

/// Two bodies of one name were one schema in the document (the last one won): the meeting
/// decision's replaced the intake decision's, so the intake decision was documented wrongly.
async fn every_body_schema_is_its_operations_own(t: &TestApp) {
    let doc = document(t).await;
    let decision = &doc["paths"]["/referrals/{id}/decision"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["$ref"];
    let meeting = &doc["paths"]["/meeting-items/{id}/decision"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["$ref"];
    assert_ne!(decision, meeting);
    let name = decision.as_str().unwrap().rsplit('/').next().unwrap();
    assert!(
        doc["components"]["schemas"][name]["properties"]
            .get("outcome")
            .is_some(),
        "{name}"
    );
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

/// Every name (a person's, an organisation's, a team's, an agency's, a referrer's…) is
/// documented as `visible-name`: the server refuses a name with nothing visible (a lone
/// zero-width space or accent), which JSON Schema's pattern cannot say. Every custom format in
/// the document has a generator and a validator in `scripts/schemathesis_hooks.py`, so the API
/// check neither fails to generate it nor counts valid values as violations.
async fn names_are_documented_as_visible_names(t: &TestApp) {
    let doc = document(t).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("OrganisationIn", "name"),
        ("TeamIn", "name"),
        ("AgencyIn", "name"),
        ("RawReferral", "referrer_name"),
        ("StaffIn", "name"),
    ] {
        // A schema with a rule across fields is `allOf: [itself, rule]`.
        let s = &schemas[schema];
        let props = if s["allOf"].is_array() {
            &s["allOf"][0]["properties"]
        } else {
            &s["properties"]
        };
        assert_eq!(
            props[field]["format"], "visible-name",
            "{schema}.{field}: {}",
            props[field]
        );
    }
    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/schemathesis_hooks.py"
    ))
    .unwrap();
    let mut formats = std::collections::BTreeSet::new();
    fn walk(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(f)) = m.get("format") {
                    out.insert(f.clone());
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&doc, &mut formats);
    assert!(formats.contains("visible-name"), "{formats:?}");
    let standard = [
        "date",
        "date-time",
        "uuid",
        "int32",
        "int64",
        "float",
        "double",
        "email",
        "uri",
        "time",
    ];
    for f in formats.iter().filter(|f| !standard.contains(&f.as_str())) {
        assert!(
            hooks.contains(&format!("schemathesis.openapi.format(\"{f}\"")),
            "no generator for format {f}"
        );
        assert!(
            hooks.contains(&format!("    \"{f}\": is_")),
            "no validator for format {f}"
        );
    }
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
    // serde reads a struct from an array of its fields; every body here is an object. A
    // drop-in day sent as `[null, null]` was stored as "no counts" (204).
    let r = t
        .api_raw(
            Method::PUT,
            "/api/v1/dropin/2026-01-05",
            &tone,
            Some("[null, null]".into()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.json()["error"]["code"], "wrong_type");
    // A review date that is no date was a 400 "wrong type"; it is a 422 naming the field.
    let team = t.team_id(benk_app::demo::DEMO_TEAM).await;
    let board = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{team}/board"),
            &tone,
            None,
        )
        .await
        .json();
    let entry = board["current"][0]["id"]
        .as_str()
        .expect("a demo board entry")
        .to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/reviews"),
            &tone,
            Some(json!({"note": "Sett på", "reviewed_on": "0000-00-00"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "reviewed_on");
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
                "policy": {"intake_min_participants_per_side": 3.0,
                           "contact_thresholds": {"level_3": 21.0}}
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
    every_body_schema_is_its_operations_own,
    every_operation_documents_the_answers_its_extractors_give,
    the_limits_in_the_document_are_the_domains,
    names_are_documented_as_visible_names,
    the_server_refuses_what_the_document_forbids,
    the_server_accepts_what_the_document_allows,
);
