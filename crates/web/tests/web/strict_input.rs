//! Bodies that could mean two things are refused: JSON with content after the
//! object, names (of people, organisations, teams, agencies) with nothing visible. An `Idempotency-Key` replay is a read of
//! the record, so access is checked again and the replay is audited.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;
use uuid::Uuid;

async fn json_with_trailing_content_is_refused(t: &TestApp) {
    let tone = t.token("tone").await;
    let before = t.count("SELECT COUNT(*) FROM clients").await;
    for body in [
        r#"{"name": "Trail Ing", "birth_year": 1980} {"name": "Second"}"#,
        r#"{"name": "Trail Ing", "birth_year": 1980}x"#,
        r#"{"name": "Trail Ing", "birth_year": 1980}]"#,
    ] {
        let r = t
            .api_raw(
                Method::POST,
                "/api/v1/clients",
                &tone,
                Some(body.into()),
                &[("accept-language", "en")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(r.json()["error"]["code"], "trailing_content", "{body}");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("after the JSON object"),
            "{}",
            r.text
        );
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM clients").await, before);
    // Whitespace after the object is fine.
    let r = t
        .api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some("{\"name\": \"Trail Ing\", \"birth_year\": 1980}\n \t".into()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn names_with_nothing_visible_are_refused_by_field(t: &TestApp) {
    let tone = t.token("tone").await;
    let before = t.count("SELECT COUNT(*) FROM clients").await;
    for name in [
        "\u{200B}\u{200D}",
        "\u{2060}\u{FEFF}",
        "\u{200E}",
        "\u{0301}\u{0301}",
    ] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/clients",
                &tone,
                Some(json!({"name": name, "birth_year": 1980})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        let err = &r.json()["error"];
        assert_eq!(err["field"], "name", "{}", r.text);
        assert!(
            [
                "person_name_nothing_visible",
                "person_name_control_character"
            ]
            .contains(&err["fields"][0]["code"].as_str().unwrap()),
            "{}",
            r.text
        );
    }
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "\u{200B}\u{0301}", "birth_year": 1980})),
        )
        .await;
    assert_eq!(
        r.json()["error"]["fields"][0]["code"],
        "person_name_nothing_visible"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM clients").await, before);
}

/// The names that are not a person's (organisation, team, agency) follow the same rule: a lone
/// zero-width space or combining accent is refused with the field named, in nb and en, and
/// nothing is saved; a real name (with or without an invisible character inside) still works.
async fn other_names_with_nothing_visible_are_refused_by_field(t: &TestApp) {
    let eva = t.token("eva").await;
    let hanne_token = t.token("hanne").await;
    let counts = || async {
        [
            t.count("SELECT COUNT(*) FROM organisations").await,
            t.count("SELECT COUNT(*) FROM teams").await,
            t.count("SELECT COUNT(*) FROM agencies").await,
        ]
    };
    let before = counts().await;
    let refused = |r: &common::Resp, what: &str| {
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.text
        );
        let err = &r.json()["error"];
        assert_eq!(err["field"], "name", "{what}: {}", r.text);
        assert_eq!(
            err["fields"][0]["code"], "name_nothing_visible",
            "{what}: {}",
            r.text
        );
    };
    for lone in ["\u{200B}", "\u{0301}"] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/organisations",
                &eva,
                Some(json!({"name": lone, "kind": "municipality", "org_number": "974632535"})),
            )
            .await;
        refused(&r, &format!("organisation {lone:?}"));
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Navnet har ingen synlige bokstaver"),
            "{}",
            r.text
        );
        let r = t
            .api(
                Method::POST,
                "/api/v1/agencies",
                &hanne_token,
                Some(json!({"kind": "nav", "name": lone})),
            )
            .await;
        refused(&r, &format!("agency {lone:?}"));
    }
    // In English on request.
    let r = t
        .api_raw(
            Method::POST,
            "/api/v1/organisations",
            &eva,
            Some(
                json!({"name": " \u{200B} ", "kind": "municipality", "org_number": "974632535"})
                    .to_string(),
            ),
            &[("accept-language", "en")],
        )
        .await;
    refused(&r, "organisation in English");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no visible letters"),
        "{}",
        r.text
    );
    assert_eq!(counts().await, before, "nothing saved");

    // A real name still works, for the organisation, a team it owns and an agency.
    let org = common::create_org(t, &eva, "Ås kommune", "municipality", "974632535").await;
    assert_eq!(org["name"], "Ås kommune");
    for lone in ["\u{200B}", "\u{0301}"] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/teams",
                &eva,
                Some(json!({"name": lone, "owners": [org["id"]]})),
            )
            .await;
        refused(&r, &format!("team {lone:?}"));
    }
    assert_eq!(counts().await[1], before[1], "no team saved");
    common::create_team(t, &eva, "Ås kommune", &[&org], json!({})).await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/agencies",
            &hanne_token,
            Some(json!({"kind": "nav", "name": "Ås kommune"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        counts().await,
        [before[0] + 1, before[1] + 1, before[2] + 1]
    );

    // The HTML agency form: the lone characters are refused with the field named and the
    // message shown; a visible name with a zero-width space inside is kept as written.
    let hanne = t.login("hanne", "benk-demo").await;
    for lone in ["\u{200B}", "\u{0301}"] {
        let r = t
            .form(
                &hanne,
                "/intake/agencies",
                &[("kind", "gp"), ("name", lone)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{lone:?}: {}",
            r.text
        );
        assert!(
            r.text.contains("Navnet har ingen synlige bokstaver"),
            "{lone:?}: {}",
            r.text
        );
        // The message is the name field's, and the field is marked invalid.
        assert!(r.text.contains("id=\"name-error\""), "{}", r.text);
        assert!(r.text.contains("href=\"#name\""), "{}", r.text);
        assert!(!r.text.contains("id=\"kind-error\""), "{}", r.text);
    }
    assert_eq!(counts().await[2], before[2] + 1, "no agency saved");
    let r = t
        .form(
            &hanne,
            "/intake/agencies",
            &[("kind", "gp"), ("name", "Ås kommune legevakt")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM agencies WHERE name = 'Ås kommune legevakt'")
            .await,
        1
    );
}

async fn an_idempotent_replay_checks_access_again_and_is_audited(t: &TestApp) {
    let tone = t.token("tone").await;
    let body = json!({"name": "Ida Empotent", "birth_year": 1975}).to_string();
    let key = [("idempotency-key", "replay-1")];
    let post = || {
        t.api_raw(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(body.clone()),
            &key,
        )
    };
    let first = post().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let id: Uuid = first.json()["id"].as_str().unwrap().parse().unwrap();
    // While she has access, the replay gives the first answer, and is audited.
    let again = post().await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(
        t.audit_count(id, "client.create_replayed", "allowed").await,
        1
    );
    // Her care relationship ends…
    let rels = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{id}/care-relationships"),
            &tone,
            None,
        )
        .await;
    assert_eq!(rels.status, StatusCode::OK, "{}", rels.text);
    let rels = rels.json();
    let list = rels
        .as_array()
        .or_else(|| rels["items"].as_array())
        .expect("a list of relationships");
    for rel in list {
        let rid = rel["id"].as_str().unwrap();
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/clients/{id}/care-relationships/{rid}/end"),
                &tone,
                None,
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    // …so replaying the create no longer hands her the record, and the refusal is audited.
    let denied_before = t.audit_count(id, "client.open", "denied").await;
    let r = post().await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(!r.text.contains("Ida Empotent"), "{}", r.text);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        t.audit_count(id, "client.open", "denied").await,
        denied_before + 1
    );
    assert_eq!(
        t.audit_count(id, "client.create_replayed", "allowed").await,
        1
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM clients WHERE name = 'Ida Empotent'")
            .await,
        1
    );
}

on_both_backends!(
    json_with_trailing_content_is_refused,
    names_with_nothing_visible_are_refused_by_field,
    other_names_with_nothing_visible_are_refused_by_field,
    an_idempotent_replay_checks_access_again_and_is_audited,
);
