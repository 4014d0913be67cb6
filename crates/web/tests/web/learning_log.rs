//! The learning log of responsibility groups (issue 10), on both backends: an entry with its
//! number and the group's title, evaluations that keep their history, 40 parallel creations
//! numbered 1..40 with no gaps or duplicates, bad input named by field, who may read and write
//! (health personnel in the care team; the NAV officer in it and another team's lead refused and
//! audited), the team's success factors (the team lead adds them) and the team's counts (open to
//! its working members, no names), the pages, and the demo's entries.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use common::TestApp;
use serde_json::json;
use uuid::Uuid;

fn today() -> NaiveDate {
    benk_app::time::oslo_today()
}
fn day(offset: i64) -> String {
    (today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A Fjordby person whose care team has both `tone` (team lead, nurse) and `per` (NAV, not
/// health personnel), with no learning log yet: (client, episode).
async fn group(t: &TestApp) -> (Uuid, Uuid) {
    let tone = t.staff_id("tone").await;
    let per = t.staff_id("per").await;
    let rows: Vec<(Uuid, Uuid)> = t
        .db()
        .all(
            "SELECT e.client_id, e.id FROM episodes e WHERE e.closed_on IS NULL \
             AND EXISTS (SELECT 1 FROM episode_members m WHERE m.episode_id = e.id AND m.staff_id = $1 AND m.left_at IS NULL) \
             AND EXISTS (SELECT 1 FROM episode_members m WHERE m.episode_id = e.id AND m.staff_id = $2 AND m.left_at IS NULL) \
             AND NOT EXISTS (SELECT 1 FROM learning_entries l WHERE l.episode_id = e.id) ORDER BY e.id",
            benk_app::args![tone, per],
        )
        .await
        .unwrap();
    *rows.first().expect("a group with tone and per and no log")
}

fn entry(text: &str, factors: &[&str]) -> serde_json::Value {
    json!({
        "event_on": day(-20),
        "event": text,
        "causes": "Ingen hadde ansvar for å varsle kommunen.",
        "decision": "Spesialistkoordinator varsler før utskrivning.",
        "factors": factors,
    })
}

fn fields(r: &common::Resp) -> Vec<String> {
    let j = r.json();
    let mut out: Vec<String> = j["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    if let Some(f) = j["error"]["field"].as_str() {
        out.push(f.to_string());
    }
    out
}

async fn write_evaluate_and_count(t: &TestApp) {
    let (_, episode) = group(t).await;
    let tone = t.token("tone").await;
    let log_uri = format!("/api/v1/episodes/{episode}/learning-log");
    let before = t
        .api(Method::GET, "/api/v1/learning/summary", &tone, None)
        .await
        .json();
    let r = t
        .api(
            Method::POST,
            &log_uri,
            &tone,
            Some(entry(
                "Skrevet ut fredag uten varsel",
                &["clear_coordinator", "few_helpers", "few_helpers"],
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["number"], 1);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &log_uri,
            &tone,
            Some(entry("Fire hjelpere ringte samme uke", &[])),
        )
        .await;
    assert_eq!(r.json()["number"], 2, "{}", r.text);

    // The log: newest first, titled as the teams do, not evaluated yet; the label has no name.
    let log = t.api(Method::GET, &log_uri, &tone, None).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let log = log.json();
    let label = log["label"].as_str().unwrap().to_string();
    assert!(
        label.starts_with(char::is_alphabetic) && label.contains(" – "),
        "{label}"
    );
    assert_eq!(log["entries"][1]["number"], 1);
    assert_eq!(
        log["entries"][1]["title"],
        format!("{label} – logg nr. 1"),
        "{log}"
    );
    assert_eq!(log["entries"][1]["result"], "not_yet");
    assert_eq!(
        log["entries"][1]["factors"],
        json!(["clear_coordinator", "few_helpers"])
    );
    assert!(log["factors"].as_array().unwrap().len() >= 5);

    // An evaluation, then a second one: the first stays readable, the tags are replaced.
    let eval_uri = format!("/api/v1/learning-entries/{id}/evaluations");
    let r = t
        .api(
            Method::POST,
            &eval_uri,
            &tone,
            Some(json!({"evaluated_on": day(-10), "result": "not_yet", "text": "For tidlig å si"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &eval_uri,
            &tone,
            Some(json!({"evaluated_on": day(-1), "result": "yes", "text": "Varslet to ganger",
                "learned": "Tydelig koordinator på begge sider", "factors": ["clear_coordinator", "continuity"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let log = t.api(Method::GET, &log_uri, &tone, None).await.json();
    let e = &log["entries"][1];
    assert_eq!(e["result"], "yes", "{e}");
    assert_eq!(
        e["evaluation"]["learned"],
        "Tydelig koordinator på begge sider"
    );
    assert_eq!(e["factors"], json!(["clear_coordinator", "continuity"]));
    assert_eq!(e["earlier_evaluations"][0]["result"], "not_yet");
    assert_eq!(e["earlier_evaluations"][0]["text"], "For tidlig å si");
    // Nothing was changed in place: both rows are there and the database refuses an update.
    let stored = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM learning_evaluations WHERE entry_id = $1",
            benk_app::args![Uuid::parse_str(&id).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(stored, 2);
    let upd = benk_app::testing::db(&t.app)
        .execute_unaudited(
            "UPDATE learning_evaluations SET result = 'no' WHERE entry_id = $1",
            benk_app::args![Uuid::parse_str(&id).unwrap()],
        )
        .await;
    assert!(upd.is_err(), "an evaluation cannot be changed in place");

    // The team's counts: one more entry evaluated "yes", one more "not_yet", the factors counted
    // from the current tags only (few_helpers was replaced).
    let after = t
        .api(Method::GET, "/api/v1/learning/summary", &tone, None)
        .await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.text);
    let after = after.json();
    let n = |s: &serde_json::Value, list: &str, key: &str, val: &str| -> i64 {
        s[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[key] == val)
            .map_or(0, |x| x["entries"].as_i64().unwrap())
    };
    assert_eq!(
        after["entries"].as_i64().unwrap(),
        before["entries"].as_i64().unwrap() + 2
    );
    assert_eq!(
        n(&after, "results", "result", "yes"),
        n(&before, "results", "result", "yes") + 1
    );
    assert_eq!(
        n(&after, "results", "result", "not_yet"),
        n(&before, "results", "result", "not_yet") + 1
    );
    for (k, d) in [
        ("clear_coordinator", 1),
        ("continuity", 1),
        ("few_helpers", 0),
    ] {
        assert_eq!(
            n(&after, "factors", "key", k),
            n(&before, "factors", "key", k) + d,
            "{k}"
        );
    }
    // Reads and writes are audited.
    let client = Uuid::parse_str(log["client_id"].as_str().unwrap()).unwrap();
    assert_eq!(t.audit_count(client, "learning.create", "allowed").await, 2);
    assert_eq!(
        t.audit_count(client, "learning.evaluate", "allowed").await,
        2
    );
    assert!(t.audit_count(client, "learning.list", "allowed").await >= 2);
    assert!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'learning.summary'")
            .await
            >= 2
    );
}

async fn forty_at_once_are_numbered_1_to_40(t: &TestApp) {
    let (_, episode) = group(t).await;
    let tone = t.token("tone").await;
    let uri = format!("/api/v1/episodes/{episode}/learning-log");
    let mut handles = Vec::new();
    for i in 0..40 {
        let router = t.router.clone();
        let tone = tone.clone();
        let uri = uri.clone();
        let body = entry(&format!("Hendelse {i}"), &["continuity"]);
        handles.push(tokio::spawn(async move {
            let req = axum::http::Request::builder()
                .method(Method::POST)
                .uri(&uri)
                .header("authorization", format!("Bearer {tone}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let resp = tower::ServiceExt::oneshot(router, req).await.unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            )
        }));
    }
    let mut numbers = Vec::new();
    for h in handles {
        let (status, body) = h.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        numbers.push(body["number"].as_i64().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=40).collect::<Vec<i64>>());
    let stored: Vec<(i64,)> = t
        .db()
        .all(
            "SELECT CAST(number AS BIGINT) FROM learning_entries WHERE episode_id = $1 ORDER BY number",
            benk_app::args![episode],
        )
        .await
        .unwrap();
    assert_eq!(
        stored.into_iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<i64>>()
    );
}

async fn bad_input_names_fields(t: &TestApp) {
    let (_, episode) = group(t).await;
    let tone = t.token("tone").await;
    let uri = format!("/api/v1/episodes/{episode}/learning-log");
    let r = t
        .api(
            Method::POST,
            &uri,
            &tone,
            Some(
                json!({"event_on": day(3), "event": "  ", "causes": "x", "decision": "y",
                "factors": ["few_helpers", "no_such_factor"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let f = fields(&r);
    assert!(f.contains(&"event".to_string()), "{f:?}");
    let r = t
        .api(
            Method::POST,
            &uri,
            &tone,
            Some(
                json!({"event_on": day(3), "event": "e", "causes": "x", "decision": "y",
                "factors": ["few_helpers", "no_such_factor"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let f = fields(&r);
    assert!(f.contains(&"event_on".to_string()), "{f:?}");
    assert!(f.contains(&"factors[1]".to_string()), "{f:?}");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM learning_entries WHERE event = 'e'")
            .await,
        0
    );
    let r = t
        .api(Method::POST, &uri, &tone, Some(entry("Hendelse", &[])))
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/learning-entries/{id}/evaluations"),
            &tone,
            Some(json!({"evaluated_on": day(-30), "result": "maybe"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(fields(&r).contains(&"result".to_string()), "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/learning-entries/{id}/evaluations"),
            &tone,
            Some(json!({"evaluated_on": day(-30), "result": "yes"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.json()["error"]["fields"][0]["code"],
        "evaluated_before_event",
        "{}",
        r.text
    );
    assert!(
        fields(&r).contains(&"evaluated_on".to_string()),
        "{}",
        r.text
    );
    let r = t
        .api(
            Method::PUT,
            &format!("{uri}/label"),
            &tone,
            Some(json!({"label": "\u{200b}"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(fields(&r).contains(&"label".to_string()), "{}", r.text);
}

async fn refused_and_audited(t: &TestApp) {
    let (client, episode) = group(t).await;
    let uri = format!("/api/v1/episodes/{episode}/learning-log");
    // The NAV officer in the care team: not health personnel, so neither reads nor writes.
    let per = t.token("per").await;
    let r = t.api(Method::GET, &uri, &per, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "learning.list", "denied").await, 1);
    let r = t
        .api(Method::POST, &uri, &per, Some(entry("Hendelse", &[])))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "learning.create", "denied").await, 1);
    // Another team's lead: no access to the person at all.
    let siri = t.token("siri").await;
    let r = t.api(Method::GET, &uri, &siri, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "client.open", "denied").await, 1);
    let r = t
        .api(
            Method::PUT,
            &format!("{uri}/label"),
            &siri,
            Some(json!({"label": "B – Nordvik"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "client.open", "denied").await, 2);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM learning_entries WHERE event = 'Hendelse'")
            .await,
        0
    );
    // The NAV officer may see the team's counts (aggregates), not add factors (team lead).
    let r = t
        .api(Method::GET, "/api/v1/learning/summary", &per, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json().get("groups").is_some());
    let r = t
        .api(
            Method::POST,
            "/api/v1/learning/factors",
            &per,
            Some(json!({"label": "Fast fastlege"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'learning.factor_create' AND outcome = 'denied'"
        )
        .await,
        1
    );
}

async fn team_factors(t: &TestApp) {
    let (_, episode) = group(t).await;
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/learning/factors",
            &tone,
            Some(json!({"label": "Fast fastlege"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let key = r.json()["id"].as_str().unwrap().to_string();
    for label in ["Fast fastlege", "Få hjelpere"] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/learning/factors",
                &tone,
                Some(json!({ "label": label })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.text);
    }
    let list = t
        .api(Method::GET, "/api/v1/learning/factors", &tone, None)
        .await
        .json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["key"] == key.as_str() && f["builtin"] == false),
        "{list}"
    );
    // It can be tagged and is counted.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/learning-log"),
            &tone,
            Some(entry("Legen byttet", &[&key])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let s = t
        .api(Method::GET, "/api/v1/learning/summary", &tone, None)
        .await
        .json();
    let f = s["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key.as_str())
        .cloned()
        .unwrap();
    assert_eq!(f["entries"], 1, "{s}");
    assert_eq!(f["label"], "Fast fastlege");
    // No person-level data in the counts.
    assert!(s.get("entries").is_some());
    assert!(!s.to_string().contains("Legen byttet"));
}

async fn pages(t: &TestApp) {
    let (client, episode) = group(t).await;
    let b = t.login("tone", "benk-demo").await;
    let plan = t.page(&b, &format!("/clients/{client}/plan")).await;
    assert!(
        plan.text
            .contains(&format!("/episodes/{episode}/learning-log")),
        "the plan page links to the group's log"
    );
    let uri = format!("/episodes/{episode}/learning-log");
    let p = t.page(&b, &uri).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Læringslogg"));
    // A bad date: 422, what was typed is kept.
    let r = t
        .form(
            &b,
            &uri,
            &[
                ("event_on", &day(5)),
                ("event", "Møtet ble avlyst igjen"),
                ("causes", "Kort varsel"),
                ("decision", "Faste tider"),
                ("factor", "few_helpers"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Møtet ble avlyst igjen") && r.text.contains("Faste tider"));
    assert!(r.text.contains("aria-invalid=\"true\""));
    let r = t
        .form(
            &b,
            &uri,
            &[
                ("event_on", &day(-5)),
                ("event", "Møtet ble avlyst igjen"),
                ("causes", "Kort varsel"),
                ("decision", "Faste tider"),
                ("factor", "few_helpers"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = t.page(&b, &r.location()).await;
    assert!(p.text.contains("logg nr. 1"), "{}", p.text);
    let id: (Uuid,) = t
        .db()
        .opt(
            "SELECT id FROM learning_entries WHERE episode_id = $1",
            benk_app::args![episode],
        )
        .await
        .unwrap()
        .unwrap();
    let r = t
        .form(
            &b,
            &format!("/learning-entries/{}/evaluations", id.0),
            &[
                ("evaluated_on", &day(-1)),
                ("result", "partly"),
                ("learned", "Avtalen må ligge hos tjenesten"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = t
        .form(&b, &format!("{uri}/label"), &[("label", "A – Nøtterøy 4")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let p = t.page(&b, &uri).await;
    assert!(p.text.contains("A – Nøtterøy 4 – logg nr. 1"), "{}", p.text);
    assert!(p.text.contains("Avtalen må ligge hos tjenesten"));
    let team = t.page(&b, "/learning").await;
    assert_eq!(team.status, StatusCode::OK, "{}", team.text);
    assert!(team.text.contains("Få hjelpere") && team.text.contains("delvis"));
    assert!(
        !team.text.contains("Nøtterøy 4"),
        "no group or person on the team page"
    );
    // The NAV officer sees the counts page but not the log.
    let per = t.login("per", "benk-demo").await;
    assert_eq!(t.page(&per, "/learning").await.status, StatusCode::OK);
    assert_eq!(t.page(&per, &uri).await.status, StatusCode::FORBIDDEN);
}

async fn the_demo_log(t: &TestApp) {
    for team in ["Samhandlingsteamet Fjordby", "Uteteamet Nordvik"] {
        let team = t.team_id(team).await;
        let n = t
            .db()
            .scalar_i64(
                "SELECT COUNT(*) FROM learning_entries WHERE team_id = $1",
                benk_app::args![team],
            )
            .await
            .unwrap();
        assert!(n >= 2, "entries in the demo team: {n}");
    }
    assert!(
        t.count("SELECT COUNT(*) FROM learning_evaluations WHERE supersedes_id IS NOT NULL")
            .await
            >= 1
    );
    let tone = t.token("tone").await;
    let s = t
        .api(Method::GET, "/api/v1/learning/summary", &tone, None)
        .await
        .json();
    assert!(s["groups"].as_i64().unwrap() >= 2, "{s}");
}

on_both_backends!(
    write_evaluate_and_count,
    forty_at_once_are_numbered_1_to_40,
    bad_input_names_fields,
    refused_and_audited,
    team_factors,
    pages,
    the_demo_log,
);
