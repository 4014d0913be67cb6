//! The outreach log (issue 9): logging contacts through the API and the pages, what each
//! reader sees of a contact's note, signed notes and their corrections, drafts, and the
//! person's timeline. Every test runs on both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, SecondsFormat, Utc};
use common::TestApp;
use serde_json::{json, Value};
use uuid::Uuid;

/// A demo person with an open episode whose care team holds the NAV officer (`per`), and the
/// username of the episode's municipal coordinator (health personnel).
async fn person_with_nav_in_care_team(t: &TestApp) -> (Uuid, String) {
    let rows: Vec<(Uuid, String)> = t
        .db()
        .all(
            "SELECT ep.client_id, s.subject FROM episodes ep \
             JOIN episode_members m ON m.episode_id = ep.id AND m.role = 'municipal_coordinator' AND m.left_at IS NULL \
             JOIN identities s ON s.staff_id = m.staff_id AND s.provider = 'local' \
             WHERE ep.closed_on IS NULL AND EXISTS (SELECT 1 FROM episode_members n JOIN identities p ON p.staff_id = n.staff_id \
               WHERE n.episode_id = ep.id AND p.subject = 'per' AND n.left_at IS NULL) ORDER BY ep.included_on",
            vec![],
        )
        .await
        .unwrap();
    rows.into_iter()
        .next()
        .expect("a demo person with per in the care team")
}

/// A new person only `tone` (team lead, nurse) has a care relationship with.
async fn new_client(t: &TestApp, token: &str) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            token,
            Some(json!({"name": "Kontakt Testesen", "birth_year": 1979})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

fn ago(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn contact(minutes_ago: i64, met: bool, note: Option<&str>) -> Value {
    json!({
        "occurred_at": ago(minutes_ago),
        "duration_min": 30,
        "kind": "home_visit",
        "met": met,
        "staff": [],
        "place": "Hjemme",
        "topics": ["housing", "finances"],
        "note": note,
    })
}

async fn log(t: &TestApp, token: &str, client: Uuid, body: Value) -> Uuid {
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/contacts"),
            token,
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

async fn a_health_note_is_hidden_from_the_nav_officer_and_a_social_note_is_shared(t: &TestApp) {
    let (client, coordinator) = person_with_nav_in_care_team(t).await;
    let nurse = t.token(&coordinator).await;
    let per = t.token("per").await;
    let mut body = contact(
        60,
        true,
        Some("Psykotisk preget, medisiner tatt under tilsyn."),
    );
    body["staff"] = json!([t.staff_id(&coordinator).await, t.staff_id("per").await]);
    let id = log(t, &nurse, client, body).await;

    // The nurse sees her note; it is a health note linked to the contact.
    let r = t
        .api(Method::GET, &format!("/api/v1/contacts/{id}"), &nurse, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.json();
    assert_eq!(c["met"], true);
    assert_eq!(c["kind"], "home_visit");
    assert_eq!(c["staff"].as_array().unwrap().len(), 2);
    assert_eq!(c["topics"], json!(["finances", "housing"]));
    assert_eq!(c["note"]["kind"], "health");
    assert_eq!(
        c["note"]["body"],
        "Psykotisk preget, medisiner tatt under tilsyn."
    );

    // The NAV officer sees the contact but not the health note's text.
    let r = t
        .api(Method::GET, &format!("/api/v1/contacts/{id}"), &per, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.json();
    assert_eq!(c["met"], true);
    assert_eq!(c["note"]["withheld"], true);
    assert!(c["note"]["body"].is_null());
    assert!(!r.text.contains("Psykotisk"), "{}", r.text);
    let tl = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline"),
            &per,
            None,
        )
        .await;
    assert_eq!(tl.status, StatusCode::OK);
    assert!(!tl.text.contains("Psykotisk"));
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Journalnotat skjult"),
        "hidden note marker"
    );
    assert!(!page.text.contains("Psykotisk"));

    // The NAV officer's note is a social note, and the nurse reads it.
    let nav = log(
        t,
        &per,
        client,
        contact(30, false, Some("Møtte ikke opp på NAV.")),
    )
    .await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/contacts/{nav}"),
            &nurse,
            None,
        )
        .await;
    let c = r.json();
    assert_eq!(c["met"], false);
    assert_eq!(c["note"]["kind"], "social");
    assert_eq!(c["note"]["body"], "Møtte ikke opp på NAV.");
    assert_eq!(c["staff"][0]["name"], "Per Nilsen", "default: the logger");
    let stored = t
        .count("SELECT COUNT(*) FROM record_entries WHERE kind = 'social' AND contact_id IS NOT NULL AND body = 'Møtte ikke opp på NAV.'")
        .await;
    assert_eq!(stored, 1);
    // Each read is audited.
    assert!(t.audit_count(client, "contact.read", "allowed").await >= 3);
    assert_eq!(t.audit_count(client, "contact.create", "allowed").await, 2);
}

async fn bad_input_is_refused_field_by_field(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let future = (Utc::now() + Duration::minutes(30)).to_rfc3339();
    let skew = (Utc::now() + Duration::minutes(3)).to_rfc3339();
    let long = "x".repeat(10_001);
    let cases: Vec<(&str, Value)> = vec![
        ("occurred_at", json!({"occurred_at": future})),
        ("occurred_at", json!({"occurred_at": "yesterday"})),
        ("duration_min", json!({"duration_min": 1441})),
        ("duration_min", json!({"duration_min": -5})),
        (
            "ends_at",
            json!({"occurred_at": ago(60), "ends_at": ago(90), "duration_min": null}),
        ),
        ("kind", json!({"kind": "teleport"})),
        ("topics", json!({"topics": ["weather"]})),
        ("staff", json!({"staff": [Uuid::now_v7()]})),
        ("staff", json!({"staff": [t.staff_id("siri").await]})),
        ("note", json!({"note": long})),
    ];
    let before = t.count("SELECT COUNT(*) FROM contacts").await;
    for (field, patch) in cases {
        let mut body = contact(10, true, None);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/clients/{client}/contacts"),
                &tone,
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        let e = &r.json()["error"];
        let fields: Vec<&str> = e["fields"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["field"].as_str()).collect())
            .unwrap_or_else(|| vec![e["field"].as_str().unwrap_or("")]);
        assert!(fields.contains(&field), "{field} not named: {}", r.text);
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM contacts").await, before);
    // Within the clock skew, and an end time instead of minutes, are fine.
    let mut ok = contact(0, true, None);
    ok["occurred_at"] = json!(skew);
    log(t, &tone, client, ok).await;
    let mut ok = contact(0, true, None);
    ok["occurred_at"] = json!(ago(90));
    ok["ends_at"] = json!(ago(45));
    ok["duration_min"] = Value::Null;
    let id = log(t, &tone, client, ok).await;
    let c = t
        .api(Method::GET, &format!("/api/v1/contacts/{id}"), &tone, None)
        .await
        .json();
    assert_eq!(c["duration_min"], 45);
}

async fn a_colleague_without_a_care_relationship_is_refused_and_audited(t: &TestApp) {
    let tone = t.token("tone").await;
    let ingrid = t.token("ingrid").await;
    let client = new_client(t, &tone).await;
    let cid = log(t, &tone, client, contact(5, true, Some("Notat"))).await;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("/api/v1/clients/{client}/contacts"),
            Some(contact(5, true, None)),
        ),
        (
            Method::GET,
            format!("/api/v1/clients/{client}/contacts"),
            None,
        ),
        (Method::GET, format!("/api/v1/contacts/{cid}"), None),
        (
            Method::GET,
            format!("/api/v1/clients/{client}/timeline"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/clients/{client}/draft"),
            Some(json!({"body": "snoking"})),
        ),
        (
            Method::POST,
            format!("/api/v1/clients/{client}/draft/sign"),
            Some(json!({"body": "snoking"})),
        ),
    ];
    for (m, uri, body) in calls {
        let before = t.audit_count(client, "client.open", "denied").await;
        let r = t.api(m.clone(), &uri, &ingrid, body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {uri}: {}", r.text);
        assert_eq!(
            t.audit_count(client, "client.open", "denied").await,
            before + 1,
            "{m} {uri} not audited"
        );
    }
    // The pages refuse too.
    let b = t.login("ingrid", "benk-demo").await;
    let r = t.page(&b, &format!("/clients/{client}/contacts/new")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/contacts"),
            &[
                ("date", "2026-01-01"),
                ("time", "10:00"),
                ("duration_min", "30"),
                ("met", "1"),
                ("kind", "phone"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let stored = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM contacts WHERE client_id = $1",
            benk_app::args![client],
        )
        .await
        .unwrap();
    assert_eq!(stored, 1, "only tone's contact");
}

async fn a_signed_note_cannot_be_changed_and_a_correction_is_a_new_version(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let cid = log(t, &tone, client, contact(20, true, Some("Første versjon."))).await;
    let c = t
        .api(Method::GET, &format!("/api/v1/contacts/{cid}"), &tone, None)
        .await
        .json();
    let first: Uuid = c["note"]["current_id"].as_str().unwrap().parse().unwrap();

    // The database refuses to change or remove a signed entry, on both backends.
    let upd = t
        .db()
        .execute_unaudited(
            "UPDATE record_entries SET body = 'forfalsket' WHERE id = $1",
            benk_app::args![first],
        )
        .await;
    assert!(upd.is_err(), "UPDATE of a signed entry went through");
    let del = t
        .db()
        .execute_unaudited(
            "DELETE FROM record_entries WHERE id = $1",
            benk_app::args![first],
        )
        .await;
    assert!(del.is_err(), "DELETE of a signed entry went through");
    // There is no API to edit an entry in place.
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/entries/{first}"),
            &tone,
            Some(json!({"body": "endret"})),
        )
        .await;
    assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::METHOD_NOT_ALLOWED);

    // A correction supersedes the first version; the history keeps both.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{first}/corrections"),
            &tone,
            Some(json!({"body": "Andre versjon."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let second: Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let c = t
        .api(Method::GET, &format!("/api/v1/contacts/{cid}"), &tone, None)
        .await
        .json();
    assert_eq!(c["note"]["body"], "Andre versjon.");
    assert_eq!(c["note"]["version"], 2);
    assert_eq!(c["note"]["current_id"], second.to_string());
    let versions = c["note"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["body"], "Første versjon.");
    assert_eq!(versions[1]["body"], "Andre versjon.");

    // The old version cannot be corrected again; only the newest.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{first}/corrections"),
            &tone,
            Some(json!({"body": "Gren."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // Someone else in the care team may not correct it (refused and audited): the
    // specialist coordinator of a demo person corrects the municipal coordinator's note.
    let (demo, coordinator) = person_with_nav_in_care_team(t).await;
    let other: Vec<(String,)> = t
        .db()
        .all(
            "SELECT s.subject FROM episode_members m JOIN episodes ep ON ep.id = m.episode_id JOIN identities s ON s.staff_id = m.staff_id \
             WHERE ep.client_id = $1 AND ep.closed_on IS NULL AND m.role = 'specialist_coordinator' AND m.left_at IS NULL",
            benk_app::args![demo],
        )
        .await
        .unwrap();
    let nurse = t.token(&coordinator).await;
    let other = t.token(&other[0].0).await;
    let dc = log(
        t,
        &nurse,
        demo,
        contact(25, true, Some("Koordinatorens notat.")),
    )
    .await;
    let note = t
        .api(Method::GET, &format!("/api/v1/contacts/{dc}"), &nurse, None)
        .await
        .json()["note"]["current_id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = t.audit_count(demo, "record_entry.correct", "denied").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{note}/corrections"),
            &other,
            Some(json!({"body": "Ikke mitt notat."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(demo, "record_entry.correct", "denied").await,
        before + 1
    );
    let _ = second;
    // The page shows the history.
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Andre versjon."));
    assert!(page.text.contains("Tidligere versjoner"));
    assert!(page.text.contains("Første versjon."));
}

async fn a_draft_is_seen_only_by_its_author_until_signed(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/entries"),
            &tone,
            Some(json!({"body": "Startnotat"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/clients/{client}/draft"),
            &tone,
            Some(json!({"body": "Halvferdig tanke"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/draft"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["body"], "Halvferdig tanke");
    // The draft is not in the record, nor on the timeline for anyone.
    let tl = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline"),
            &tone,
            None,
        )
        .await;
    assert!(!tl.text.contains("Halvferdig"));
    // Sign it: it becomes a health note and the draft is gone.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/draft/sign"),
            &tone,
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/draft"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let tl = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline"),
            &tone,
            None,
        )
        .await;
    assert!(tl.text.contains("Halvferdig tanke"));
    // Signing with no draft is a field error.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/draft/sign"),
            &tone,
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
}

async fn drafts_are_per_author(t: &TestApp) {
    let (client, coordinator) = person_with_nav_in_care_team(t).await;
    let nurse = t.token(&coordinator).await;
    let per = t.token("per").await;
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/clients/{client}/draft"),
            &nurse,
            Some(json!({"body": "Sykepleierens utkast"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/draft"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(!page.text.contains("Sykepleierens utkast"));
    let b = t.login(&coordinator, "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Sykepleierens utkast"));
}

async fn the_timeline_is_newest_first_and_pages_by_keyset(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let mut ids = Vec::new();
    for m in [500, 400, 300, 200, 100] {
        ids.push(log(t, &tone, client, contact(m, m % 200 == 0, None)).await);
    }
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/entries"),
            &tone,
            Some(json!({"body": "Frittstående notat"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut uri = format!("/api/v1/clients/{client}/timeline?limit=2");
    let before = t.audit_count(client, "client.timeline", "allowed").await;
    let mut pages = 0;
    loop {
        let r = t.api(Method::GET, &uri, &tone, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let v = r.json();
        pages += 1;
        for i in v["items"].as_array().unwrap() {
            seen.push((
                i["at"].as_str().unwrap().to_string(),
                i["id"].as_str().unwrap().to_string(),
            ));
        }
        match v["next"].as_str() {
            Some(n) => uri = format!("/api/v1/clients/{client}/timeline?limit=2&before={n}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 6, "{seen:?}");
    // The standalone note is newest; then the contacts from newest to oldest.
    let contact_ids: Vec<String> = seen[1..].iter().map(|s| s.1.clone()).collect();
    let expected: Vec<String> = ids.iter().rev().map(|u| u.to_string()).collect();
    assert_eq!(contact_ids, expected);
    let times: Vec<chrono::DateTime<Utc>> = seen.iter().map(|s| s.0.parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    // One audit row per page.
    assert_eq!(
        t.audit_count(client, "client.timeline", "allowed").await,
        before + 3
    );
    // A cursor that is not one is a field error.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline?before=nonsense"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The contact list pages the same way.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/contacts?limit=3"),
            &tone,
            None,
        )
        .await;
    let v = r.json();
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    assert_eq!(v["items"][0]["id"], ids[4].to_string());
    assert!(v["next"].is_string());
}

async fn an_idempotency_key_logs_once(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let body = contact(15, true, None).to_string();
    let mut answers = Vec::new();
    for _ in 0..2 {
        let r = t
            .api_raw(
                Method::POST,
                &format!("/api/v1/clients/{client}/contacts"),
                &tone,
                Some(body.clone()),
                &[("idempotency-key", "kontakt-1")],
            )
            .await;
        answers.push((r.status, r.json()["id"].clone()));
    }
    assert_eq!(answers[0].0, StatusCode::CREATED);
    assert_eq!(answers[1].0, StatusCode::CREATED);
    assert_eq!(answers[0].1, answers[1].1);
    let stored = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM contacts WHERE client_id = $1",
            benk_app::args![client],
        )
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

async fn a_contact_is_logged_from_the_page_and_a_refused_form_keeps_what_was_typed(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Registrer kontakt"));
    assert!(page.text.contains("id=\"next-appointment\""));
    let form = t.page(&b, &format!("/clients/{client}/contacts/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Ikke truffet"));
    let today = benk_app::time::oslo(Utc::now() - Duration::minutes(20));
    let date = today.format("%Y-%m-%d").to_string();
    let time = today.format("%H:%M").to_string();
    let me = t.staff_id("tone").await.to_string();
    // A bad duration: 422, and the note typed is still there.
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/contacts"),
            &[
                ("met", "0"),
                ("kind", "outreach"),
                ("date", &date),
                ("time", &time),
                ("duration_min", "9999"),
                ("staff", &me),
                ("place", "Torget"),
                ("topics", "housing"),
                ("note", "Lette etter ham ved torget."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Lette etter ham ved torget."));
    assert!(r.text.contains("Torget"));
    assert!(r.text.contains("1440"));
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/contacts"),
            &[
                ("met", "0"),
                ("kind", "outreach"),
                ("date", &date),
                ("time", &time),
                ("duration_min", "20"),
                ("staff", &me),
                ("place", "Torget"),
                ("topics", "housing"),
                ("note", "Lette etter ham ved torget."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&b, &r.location()).await;
    assert!(page.text.contains("Kontakten er lagret."));
    assert!(page.text.contains("Ikke truffet"));
    assert!(page.text.contains("Lette etter ham ved torget."));
    // The draft form saves and signs without JavaScript.
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/draft"),
            &[("action", "save"), ("body", "Utkast fra siden")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/draft"),
            &[("action", "autosave"), ("body", "Utkast fra siden, mer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Utkast fra siden, mer"));
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/draft"),
            &[("action", "sign"), ("body", "Signert fra siden")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.page(&b, &r.location()).await;
    assert!(page.text.contains("Notatet er signert."));
    assert!(page.text.contains("Signert fra siden"));
    assert!(page.text.contains("data-clear-local"));
}

/// The team's members are remembered between requests (`benk_app::auth_cache`); a colleague
/// disabled right after a contact named them cannot be named on the very next one. Nothing is
/// written by the refusal.
async fn the_remembered_team_members_follow_a_change_at_once(t: &TestApp) {
    let (client, coordinator) = person_with_nav_in_care_team(t).await;
    let nurse = t.token(&coordinator).await;
    let per = t.staff_id("per").await;
    let mut body = contact(60, true, None);
    body["staff"] = json!([t.staff_id(&coordinator).await, per]);
    // Twice, so that the second one is answered from the remembered list.
    log(t, &nurse, client, body.clone()).await;
    log(t, &nurse, client, body.clone()).await;
    benk_app::staff::change_account(
        &t.app,
        &t.operator(
            benk_app::access::admin::AdminScope::Staff(per),
            "staff.change",
        )
        .await,
        per,
        benk_app::staff::AccountChange::Disabled(true),
    )
    .await
    .unwrap();
    let before = t.count("SELECT COUNT(*) FROM contacts").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/contacts"),
            &nurse,
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("\"staff\""), "{}", r.text);
    assert_eq!(t.count("SELECT COUNT(*) FROM contacts").await, before);
}

on_both_backends!(
    the_remembered_team_members_follow_a_change_at_once,
    a_health_note_is_hidden_from_the_nav_officer_and_a_social_note_is_shared,
    bad_input_is_refused_field_by_field,
    a_colleague_without_a_care_relationship_is_refused_and_audited,
    a_signed_note_cannot_be_changed_and_a_correction_is_a_new_version,
    a_draft_is_seen_only_by_its_author_until_signed,
    drafts_are_per_author,
    the_timeline_is_newest_first_and_pages_by_keyset,
    an_idempotency_key_logs_once,
    a_contact_is_logged_from_the_page_and_a_refused_form_keeps_what_was_typed,
    the_contact_forms_note_is_the_authors_server_side_draft,
    meeting_decisions_are_on_the_timeline_under_the_health_scope,
    the_persons_page_shows_days_since_met_from_one_read,
);

/// The contact form's note is the author's draft for the person on the server: autosaved by
/// the same route as the person's page, restored when the form is opened again (a lost
/// connection), never shown to another staff member, and removed when the contact is saved.
async fn the_contact_forms_note_is_the_authors_server_side_draft(t: &TestApp) {
    let (client, coordinator) = person_with_nav_in_care_team(t).await;
    let b = t.login(&coordinator, "benk-demo").await;
    let form = t.page(&b, &format!("/clients/{client}/contacts/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .text
        .contains(&format!("data-autosave=\"/clients/{client}/draft\"")));
    // The script's autosave while typing in the contact form.
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/draft"),
            &[("action", "autosave"), ("body", "Halvskrevet kontaktnotat")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // The connection was lost; the form opened again has the note back.
    let form = t.page(&b, &format!("/clients/{client}/contacts/new")).await;
    assert!(
        form.text.contains(">Halvskrevet kontaktnotat</textarea>"),
        "{}",
        form.text
    );
    assert!(form.text.contains("Utkast lagret"));
    // Another member of the care team (the NAV officer) never sees it, in the form or the API.
    let per = t.login("per", "benk-demo").await;
    let other = t
        .page(&per, &format!("/clients/{client}/contacts/new"))
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.text.contains("Halvskrevet kontaktnotat"));
    let per_token = t.token("per").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/draft"),
            &per_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A colleague without access to the person is refused the form, and it is audited.
    let ingrid = t.login("ingrid", "benk-demo").await;
    let before = t.audit_count(client, "client.open", "denied").await;
    let r = t
        .page(&ingrid, &format!("/clients/{client}/contacts/new"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.text.contains("Halvskrevet kontaktnotat"));
    assert_eq!(
        t.audit_count(client, "client.open", "denied").await,
        before + 1
    );
    // Saving the contact signs the note with it and removes the draft, in one transaction.
    let when = benk_app::time::oslo(Utc::now() - Duration::minutes(10));
    let me = t.staff_id(&coordinator).await;
    let me_s = me.to_string();
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/contacts"),
            &[
                ("met", "1"),
                ("kind", "home_visit"),
                ("date", &when.format("%Y-%m-%d").to_string()),
                ("time", &when.format("%H:%M").to_string()),
                ("duration_min", "30"),
                ("staff", &me_s),
                ("note", "Ferdig kontaktnotat"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let drafts = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM note_drafts WHERE author_id = $1 AND client_id = $2",
            benk_app::args![me, client],
        )
        .await
        .unwrap();
    assert_eq!(drafts, 0, "the draft is removed with the saved contact");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM record_entries WHERE body = 'Ferdig kontaktnotat' AND contact_id IS NOT NULL")
            .await,
        1
    );
    // The page after the save tells the script to forget the browser's copy.
    let page = t.page(&b, &r.location()).await;
    assert!(page
        .text
        .contains(&format!("data-clear-local=\"benk-draft-{client}\"")));
    let form = t.page(&b, &format!("/clients/{client}/contacts/new")).await;
    assert!(!form.text.contains("Halvskrevet kontaktnotat"));
}

/// The team meeting's decisions about the person are on the timeline (API and page), newest
/// first and paged with the rest; their topic and decision are health content, shown only
/// under a grant that covers health; the audit row names them.
async fn meeting_decisions_are_on_the_timeline_under_the_health_scope(t: &TestApp) {
    let (client, coordinator) = person_with_nav_in_care_team(t).await;
    let nurse = t.token(&coordinator).await;
    let team: Uuid = t
        .db()
        .all::<(Uuid,)>(
            "SELECT team_id FROM clients WHERE id = $1",
            benk_app::args![client],
        )
        .await
        .unwrap()[0]
        .0;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/teams/{team}/meetings"),
            &nurse,
            Some(json!({"held_on": benk_app::time::oslo_today()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let meeting = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/items"),
            &nurse,
            Some(json!({"client_id": client, "topic": "Uro rundt medisinering"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let item = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meeting-items/{item}/decision"),
            &nurse,
            Some(json!({"decision": "Lege kontaktes før helgen"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    // Newest first: the decision is the first item of the first page.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline?limit=1"),
            &nurse,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let first = &v["items"][0];
    assert_eq!(first["kind"], "meeting_decision", "{v}");
    assert_eq!(first["id"], item.as_str());
    assert_eq!(first["decision"], "Lege kontaktes før helgen");
    assert_eq!(first["topic"], "Uro rundt medisinering");
    assert_eq!(first["withheld"], false);
    // Paged like the rest: the next page goes on from it and does not repeat it.
    let next = v["next"].as_str().expect("more pages");
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline?limit=5&before={next}"),
            &nurse,
            None,
        )
        .await;
    assert!(!r.text.contains(&item), "{}", r.text);
    // The NAV officer in the care team sees that a decision was made, not what it was.
    let per = t.token("per").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline?limit=1"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text.contains("Lege kontaktes"), "{}", r.text);
    assert!(!r.text.contains("medisinering"), "{}", r.text);
    assert_eq!(r.json()["items"][0]["withheld"], true);
    let per_id = t.staff_id("per").await;
    let resources: Vec<(String,)> = t
        .db()
        .all(
            "SELECT resources FROM audit_events WHERE action = 'client.timeline' AND actor_staff_id = $1",
            benk_app::args![per_id],
        )
        .await
        .unwrap();
    assert!(resources
        .iter()
        .all(|(r,)| r.contains("meeting_decisions:without_text")));
    // The page shows it on the timeline.
    let b = t.login(&coordinator, "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Vedtak i teammøtet"));
    assert!(page.text.contains("Lege kontaktes før helgen"));
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Vedtak i teammøtet"));
    assert!(!page.text.contains("Lege kontaktes før helgen"));
    // A colleague without access gets no timeline, and the refusal is audited.
    let ingrid = t.token("ingrid").await;
    let before = t.audit_count(client, "client.open", "denied").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline"),
            &ingrid,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.audit_count(client, "client.open", "denied").await,
        before + 1
    );
}

/// The person's page shows days since last met from the contact state it reads once
/// (`keeping::for_list`), not from a second last-met read through the timeline.
async fn the_persons_page_shows_days_since_met_from_one_read(t: &TestApp) {
    let tone = t.token("tone").await;
    let client = new_client(t, &tone).await;
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Ikke truffet ennå"));
    // Met three days ago, then not met yesterday: three days since met.
    log(t, &tone, client, contact(3 * 24 * 60, true, None)).await;
    log(t, &tone, client, contact(24 * 60, false, None)).await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    let at = page.text.find("Dager siden sist truffet").unwrap();
    let dd = &page.text[at..at + 200];
    assert!(dd.contains(">3</dd>") || dd.contains(">2</dd>"), "{dd}");
    // The API's timeline still carries last_met on its first page.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/timeline"),
            &tone,
            None,
        )
        .await;
    assert!(r.json()["last_met"].is_string(), "{}", r.text);
}
