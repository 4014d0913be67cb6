//! Registry events (issue 10): inpatient stays, emergency visits, police events and prison
//! stays recorded and read before and after inclusion with the windows' totals, corrections
//! and retractions that keep history, bad input named by field, overlapping stays refused
//! (also forty at once), and who is refused (audited). Both backends.

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{Duration, NaiveDate};
use common::{assert_append_only, new_client, post, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    events_are_recorded_and_read_before_and_after_inclusion,
    a_correction_and_a_deletion_keep_the_history,
    bad_input_is_refused_naming_the_field,
    forty_parallel_overlapping_stays_store_one,
    non_health_staff_and_another_team_are_refused_and_audited,
    the_page_groups_by_inclusion_and_records_from_quick_forms,
    the_demo_has_fewer_admissions_after_inclusion,
);

fn today() -> NaiveDate {
    benk_app::time::oslo_today()
}

fn ago(n: i64) -> String {
    (today() - Duration::days(n)).to_string()
}

/// A new person with an open course that began `days_ago` days ago.
async fn included(t: &TestApp, token: &str, name: &str, days_ago: i64) -> Uuid {
    let c = new_client(t, token, name).await;
    let (team, org, by): (Uuid, Uuid, Uuid) = t
        .db()
        .opt(
            "SELECT team_id, owner_org_id, created_by FROM clients WHERE id = $1",
            benk_app::args![c],
        )
        .await
        .unwrap()
        .unwrap();
    t.writer()
        .write(benk_app::db::writer::WriteOp {
            stmts: vec![benk_app::db::writer::Stmt::new(
                "INSERT INTO episodes (id, client_id, team_id, included_on, created_by, owner_org_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                benk_app::args![
                    Uuid::now_v7(),
                    c,
                    team,
                    today() - Duration::days(days_ago),
                    by,
                    org,
                    chrono::Utc::now()
                ],
            )],
            audit: vec![],
        })
        .await
        .unwrap();
    c
}

async fn events(t: &TestApp, token: &str, c: Uuid) -> Value {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/registry-events"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn stored(t: &TestApp, c: Uuid) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM registry_events WHERE client_id = $1",
            benk_app::args![c],
        )
        .await
        .unwrap()
}

async fn events_are_recorded_and_read_before_and_after_inclusion(t: &TestApp) {
    let tone = t.token("tone").await;
    // Included 100 days ago.
    let c = included(t, &tone, "Inga Innlagt", 100).await;
    let base = format!("/api/v1/clients/{c}/registry-events");
    // Admitted 105 days ago, discharged 95 days ago: 5 nights before inclusion, 5 after.
    let r = post(
        t,
        &tone,
        &format!("{base}/inpatient"),
        json!({"admitted_on": ago(105), "discharged_on": ago(95), "institution": "DPS Fjordby",
               "compulsory": true, "legal_basis": "Psykisk helsevernloven § 3-3"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // 200 days before: 10 nights, voluntary; and one still admitted since 3 days ago.
    for (a, d) in [(ago(200), json!(ago(190))), (ago(3), Value::Null)] {
        let r = post(
            t,
            &tone,
            &format!("{base}/inpatient"),
            json!({"admitted_on": a, "discharged_on": d, "institution": "Sykehuset", "compulsory": false}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    for (uri, body) in [
        (
            "emergency",
            json!({"visited_on": ago(101), "place": "emergency_clinic"}),
        ),
        (
            "emergency",
            json!({"visited_on": ago(100), "place": "emergency_department"}),
        ),
        (
            "police",
            json!({"occurred_on": ago(150), "police_kind": "arrest"}),
        ),
        (
            "police",
            json!({"occurred_on": ago(10), "police_kind": "event"}),
        ),
        // A prison stay overlapping an inpatient stay is allowed (other kind).
        (
            "prison",
            json!({"started_on": ago(198), "ended_on": ago(160)}),
        ),
    ] {
        let r = post(t, &tone, &format!("{base}/{uri}"), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{uri}: {}", r.text);
    }
    let m = events(t, &tone, c).await;
    assert_eq!(m["inclusion_on"], ago(100));
    let ev = m["events"].as_array().unwrap();
    assert_eq!(ev.len(), 8);
    // Oldest first; the straddling stay is listed before (by its admission) and split.
    let straddling = ev.iter().find(|e| e["starts_on"] == ago(105)).unwrap();
    assert_eq!(straddling["side"], "before");
    assert_eq!(straddling["nights_before"], 5);
    assert_eq!(straddling["nights_after"], 5);
    assert_eq!(straddling["nights"], 10);
    assert_eq!(straddling["compulsory"], true);
    assert_eq!(straddling["legal_basis"], "Psykisk helsevernloven § 3-3");
    assert_eq!(straddling["source"], "manual");
    let ongoing = ev.iter().find(|e| e["starts_on"] == ago(3)).unwrap();
    assert_eq!(ongoing["ongoing"], true);
    assert_eq!(ongoing["side"], "after");
    // Still admitted: the nights 3, 2 and 1 days ago and tonight.
    assert_eq!(ongoing["nights_after"], 4);
    let visit = ev.iter().find(|e| e["starts_on"] == ago(100)).unwrap();
    assert_eq!(visit["side"], "after", "the inclusion day counts as after");
    // The windows: 12 months before, as many days after (counted to today).
    let w = &m["windows"];
    assert_eq!(w["after_from"], ago(100));
    assert_eq!(w["before_to"], ago(101));
    assert_eq!(w["after_to"], today().to_string());
    assert_eq!(w["after_complete"], false);
    let before = &w["before"];
    assert_eq!(before["admissions"], 2);
    assert_eq!(before["compulsory_admissions"], 1);
    assert_eq!(before["inpatient_days"], 5 + 10);
    assert_eq!(before["emergency_visits"], 1);
    assert_eq!(before["police_events"], 1);
    assert_eq!(before["arrests"], 1);
    assert_eq!(before["prison_days"], 38);
    let after = &w["after"];
    assert_eq!(after["admissions"], 1);
    assert_eq!(after["inpatient_days"], 5 + 4);
    assert_eq!(after["emergency_visits"], 1);
    assert_eq!(after["police_events"], 1);
    assert_eq!(after["arrests"], 0);
    assert_eq!(t.audit_count(c, "registry.create", "allowed").await, 8);
    assert_eq!(t.audit_count(c, "registry.list", "allowed").await, 1);
}

async fn a_correction_and_a_deletion_keep_the_history(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = included(t, &tone, "Rolf Retting", 30).await;
    let base = format!("/api/v1/clients/{c}/registry-events");
    let r = post(
        t,
        &tone,
        &format!("{base}/inpatient"),
        json!({"admitted_on": ago(60), "discharged_on": ago(50), "institution": "DPS", "compulsory": false}),
    )
    .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = post(
        t,
        &tone,
        &format!("{base}/inpatient"),
        json!({"admitted_on": ago(40), "discharged_on": ago(35), "institution": "DPS", "compulsory": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A correction without the kind's fields names them.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/registry-events/{id}/corrections"),
        json!({"reason": "Feil dato", "admitted_on": ago(60)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["institution", "compulsory"]);
    // A correction that would overlap the other stay is refused naming it.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/registry-events/{id}/corrections"),
        json!({"reason": "Feil dato", "admitted_on": ago(60), "discharged_on": ago(38),
               "institution": "DPS", "compulsory": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "admitted_on");
    // Its own old dates do not count against it: the discharge moves a day.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/registry-events/{id}/corrections"),
        json!({"reason": "Feil utskrivningsdato", "admitted_on": ago(60), "discharged_on": ago(49),
               "institution": "DPS", "compulsory": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let new = r.json()["id"].as_str().unwrap().to_string();
    // The old version cannot be corrected again.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/registry-events/{id}/retraction"),
        json!({"reason": "Igjen"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let m = events(t, &tone, c).await;
    let ev = m["events"].as_array().unwrap();
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0]["id"], new.as_str());
    assert_eq!(ev[0]["corrects"], id.as_str());
    assert_eq!(ev[0]["ends_on"], ago(49));
    assert_eq!(ev[0]["correction_reason"], "Feil utskrivningsdato");
    // Another health worker with access may not delete it (only the author), audited.
    let hanne = t.token("hanne").await;
    let r = post(
        t,
        &hanne,
        &format!("/api/v1/registry-events/{new}/retraction"),
        json!({"reason": "Dobbelt"}),
    )
    .await;
    assert!(r.status == StatusCode::FORBIDDEN, "{} {}", r.status, r.text);
    // Deleted by its author: gone from the list, kept in the table.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/registry-events/{new}/retraction"),
        json!({"reason": "Registrert på feil person"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let m = events(t, &tone, c).await;
    assert_eq!(m["events"].as_array().unwrap().len(), 1);
    assert_eq!(
        stored(t, c).await,
        4,
        "two stays, a correction, a retraction"
    );
    assert_eq!(t.audit_count(c, "registry.correct", "allowed").await, 1);
    assert_eq!(t.audit_count(c, "registry.retract", "allowed").await, 1);
    assert_eq!(
        t.audit_count(c, "registry.correct", "denied").await,
        1,
        "the overlap"
    );
    // The database refuses to change or remove an event, whoever asks.
    assert_append_only(t, "registry_events", "institution = 'x'", c).await;
}

async fn bad_input_is_refused_naming_the_field(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = included(t, &tone, "Bjørn Feil", 30).await;
    let base = format!("/api/v1/clients/{c}/registry-events");
    let tomorrow = (today() + Duration::days(1)).to_string();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "inpatient",
            json!({"admitted_on": ago(10), "discharged_on": ago(11), "institution": "DPS", "compulsory": false}),
            "discharged_on",
        ),
        (
            "inpatient",
            json!({"admitted_on": tomorrow, "institution": "DPS", "compulsory": false}),
            "admitted_on",
        ),
        (
            "inpatient",
            json!({"admitted_on": ago(10), "institution": "DPS", "compulsory": false, "legal_basis": "§ 3-3"}),
            "legal_basis",
        ),
        (
            "inpatient",
            json!({"admitted_on": ago(10), "institution": "  ", "compulsory": true}),
            "institution",
        ),
        (
            "emergency",
            json!({"visited_on": ago(1), "place": "kiosk"}),
            "place",
        ),
        (
            "emergency",
            json!({"visited_on": "1899-12-31", "place": "other"}),
            "visited_on",
        ),
        (
            "police",
            json!({"occurred_on": tomorrow, "police_kind": "arrest"}),
            "occurred_on",
        ),
        (
            "police",
            json!({"occurred_on": ago(1), "police_kind": "fine"}),
            "police_kind",
        ),
        (
            "prison",
            json!({"started_on": ago(5), "ended_on": ago(6)}),
            "ended_on",
        ),
    ];
    for (kind, body, field) in cases {
        let r = post(t, &tone, &format!("{base}/{kind}"), body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            r.text
        );
        assert_eq!(r.json()["error"]["field"], field, "{kind}: {}", r.text);
    }
    assert_eq!(stored(t, c).await, 0, "nothing saved");
    // Overlap: named by the start field, with the other stay's dates; in English too.
    let r = post(
        t,
        &tone,
        &format!("{base}/inpatient"),
        json!({"admitted_on": ago(20), "discharged_on": ago(10), "institution": "DPS", "compulsory": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api_raw(
            Method::POST,
            &format!("{base}/inpatient"),
            &tone,
            Some(
                json!({"admitted_on": ago(12), "institution": "Sykehuset", "compulsory": false})
                    .to_string(),
            ),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let e = &r.json()["error"];
    assert_eq!(e["field"], "admitted_on");
    let dmy = |n: i64| (today() - Duration::days(n)).format("%d.%m.%Y").to_string();
    let msg = e["message"].as_str().unwrap();
    assert!(msg.contains("Overlaps another stay"), "{msg}");
    assert!(msg.contains(&dmy(20)) && msg.contains(&dmy(10)), "{msg}");
    // A transfer (admitted elsewhere on the discharge day) is not an overlap.
    let r = post(
        t,
        &tone,
        &format!("{base}/inpatient"),
        json!({"admitted_on": ago(10), "discharged_on": ago(5), "institution": "Sykehuset", "compulsory": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Prison stays overlap-checked among themselves.
    let r = post(
        t,
        &tone,
        &format!("{base}/prison"),
        json!({"started_on": ago(25)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = post(
        t,
        &tone,
        &format!("{base}/prison"),
        json!({"started_on": ago(3), "ended_on": ago(1)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "started_on");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("pågår"));
    assert_eq!(stored(t, c).await, 3);
    assert_eq!(t.audit_count(c, "registry.create", "denied").await, 2);
}

async fn forty_parallel_overlapping_stays_store_one(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = included(t, &tone, "Sara Samtidig", 30).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let router = t.router.clone();
        let tone = tone.clone();
        // Every stay shares the night 15 days ago.
        let body = json!({"admitted_on": ago(16 + i % 5), "discharged_on": ago(14 - i % 3),
                          "institution": format!("Avdeling {i}"), "compulsory": false});
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = Request::post(format!("/api/v1/clients/{c}/registry-events/inpatient"))
                .header(header::AUTHORIZATION, format!("Bearer {tone}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => ok += 1,
            StatusCode::UNPROCESSABLE_ENTITY => refused += 1,
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!((ok, refused), (1, 39));
    assert_eq!(stored(t, c).await, 1);
    assert_eq!(t.audit_count(c, "registry.create", "denied").await, 39);
}

async fn non_health_staff_and_another_team_are_refused_and_audited(t: &TestApp) {
    // Per (NAV, not health personnel) registers the person and is in the care team.
    let per = t.token("per").await;
    let c = new_client(t, &per, "Nils Nav").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/registry-events"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = post(
        t,
        &per,
        &format!("/api/v1/clients/{c}/registry-events/police"),
        json!({"occurred_on": ago(1), "police_kind": "arrest"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count(c, "registry.list", "denied").await, 1);
    assert_eq!(t.audit_count(c, "registry.create", "denied").await, 1);
    assert_eq!(stored(t, c).await, 0);
    // Another team's lead: no access to the person at all.
    let tone = t.token("tone").await;
    let c2 = included(t, &tone, "Frode Fjord", 10).await;
    let r = post(
        t,
        &tone,
        &format!("/api/v1/clients/{c2}/registry-events/emergency"),
        json!({"visited_on": ago(1), "place": "emergency_clinic"}),
    )
    .await;
    let eid = r.json()["id"].as_str().unwrap().to_string();
    let siri = t.token("siri").await;
    for (m, uri, body) in [
        (
            Method::GET,
            format!("/api/v1/clients/{c2}/registry-events"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/clients/{c2}/registry-events/emergency"),
            Some(json!({"visited_on": ago(1), "place": "other"})),
        ),
        (
            Method::POST,
            format!("/api/v1/registry-events/{eid}/retraction"),
            Some(json!({"reason": "Feil"})),
        ),
    ] {
        let r = t.api(m, &uri, &siri, body).await;
        assert!(
            r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
            "{uri}: {}",
            r.status
        );
    }
    assert_eq!(t.audit_count(c2, "client.open", "denied").await, 3);
    assert_eq!(stored(t, c2).await, 1);
    // Pages: no registry line for a non-health reader, and the page itself is refused.
    let b = t.login("per", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, &format!("/clients/{c}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("registry-h"));
    let page = t.page(&b, &format!("/clients/{c}/registry")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

async fn the_page_groups_by_inclusion_and_records_from_quick_forms(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = included(t, &tone, "Petra Side", 60).await;
    post(
        t,
        &tone,
        &format!("/api/v1/clients/{c}/registry-events/inpatient"),
        json!({"admitted_on": ago(90), "discharged_on": ago(80), "institution": "DPS Fjordby", "compulsory": true}),
    )
    .await;
    let b = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    // The person's page has the compact line linking to the registry page.
    let page = t.page(&b, &format!("/clients/{c}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("registry-h"));
    assert!(page
        .text
        .contains(&format!("href=\"/clients/{c}/registry\"")));
    let page = t.page(&b, &format!("/clients/{c}/registry")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Før inntak"));
    assert!(page.text.contains("Etter inntak"));
    assert!(page.text.contains("DPS Fjordby"));
    assert!(page.text.contains("tvang"));
    // A discharge before admission: 422, the field named, what was typed kept.
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/registry"),
            &[
                ("form", "inpatient"),
                ("admitted_on", &ago(20)),
                ("discharged_on", &ago(25)),
                ("institution", "Sykehuset Fjordby"),
                ("compulsory", "no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("kan ikke være før startdatoen"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("value=\"Sykehuset Fjordby\""),
        "what was typed is kept"
    );
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/registry"),
            &[
                ("form", "police"),
                ("occurred_on", &ago(5)),
                ("police_kind", "arrest"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/registry"),
            &[
                ("form", "emergency"),
                ("visited_on", &ago(4)),
                ("place", "emergency_clinic"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&b, &format!("/clients/{c}/registry")).await;
    assert!(page.text.contains("Pågripelse"));
    assert!(page.text.contains("Legevakt"));
    assert_eq!(stored(t, c).await, 3);
    // Deleting one's own event from the page.
    let m = events(t, &tone, c).await;
    let id = m["events"][2]["id"].as_str().unwrap().to_string();
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/registry"),
            &[
                ("form", "retract"),
                ("event_id", &id),
                ("reason", "Feil person"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        events(t, &tone, c).await["events"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn the_demo_has_fewer_admissions_after_inclusion(t: &TestApp) {
    for team in ["Samhandlingsteamet Fjordby", "Uteteamet Nordvik"] {
        let n = t
            .count(&format!(
                "SELECT COUNT(DISTINCT client_id) FROM registry_events WHERE team_id IN (SELECT id FROM teams WHERE name = '{team}')"
            ))
            .await;
        let courses = t
            .count(&format!(
                "SELECT COUNT(*) FROM episodes WHERE closed_on IS NULL AND team_id IN (SELECT id FROM teams WHERE name = '{team}')"
            ))
            .await;
        assert!(
            n >= 3 && n * 4 >= courses * 3,
            "{team}: {n} of {courses} people with events"
        );
        for kind in ["inpatient", "emergency", "police"] {
            let k = t
                .count(&format!(
                    "SELECT COUNT(*) FROM registry_events WHERE kind = '{kind}' AND team_id IN (SELECT id FROM teams WHERE name = '{team}')"
                ))
                .await;
            assert!(k > 0, "{team}: no {kind}");
        }
    }
    assert!(
        t.count("SELECT COUNT(*) FROM registry_events WHERE kind = 'prison'")
            .await
            > 0
    );
    // Across the demo's people, the windows after have fewer admissions and nights.
    let tone = t.token("tone").await;
    let people: Vec<(Uuid,)> = t
        .db()
        .all(
            "SELECT DISTINCT r.client_id FROM registry_events r JOIN teams tm ON tm.id = r.team_id \
             WHERE tm.name = 'Samhandlingsteamet Fjordby'",
            vec![],
        )
        .await
        .unwrap();
    let (mut before, mut after, mut days_before, mut days_after) = (0, 0, 0, 0);
    let mut read = 0;
    for (c,) in people {
        let r = t
            .api(
                Method::GET,
                &format!("/api/v1/clients/{c}/registry-events"),
                &tone,
                None,
            )
            .await;
        if r.status != StatusCode::OK {
            continue;
        }
        let w = &r.json()["windows"];
        read += 1;
        before += w["before"]["admissions"].as_i64().unwrap();
        after += w["after"]["admissions"].as_i64().unwrap();
        days_before += w["before"]["inpatient_days"].as_i64().unwrap();
        days_after += w["after"]["inpatient_days"].as_i64().unwrap();
    }
    assert!(read >= 3, "tone reads {read} people's events");
    assert!(after < before, "admissions {before} → {after}");
    assert!(
        days_after < days_before,
        "days {days_before} → {days_after}"
    );
}
