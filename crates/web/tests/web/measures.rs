//! Outcome measures (issue 10): GAF, ORS and SRS recorded and read with the scoring rules,
//! corrections and retractions that keep history, the SPoR interview and its round's
//! figures, the due lists, bad input named by field, and who is refused (audited). Both
//! backends.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{assert_append_only, new_client, post, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    ors_srs_and_gaf_are_recorded_and_read_with_the_rules,
    out_of_range_scores_are_refused_naming_the_field,
    a_correction_and_a_deletion_keep_the_history,
    non_health_staff_and_another_team_are_refused_and_audited,
    a_spor_interview_in_a_round_and_the_rounds_figures,
    a_spor_interview_is_corrected_by_its_author_and_history_kept,
    the_spor_correction_page_keeps_history_and_what_was_typed,
    the_due_list_and_the_demo,
    the_pages_show_charts_and_record_a_measure,
);

fn today() -> String {
    benk_app::time::oslo_today().to_string()
}

fn days_ago(n: i64) -> String {
    (benk_app::time::oslo_today() - chrono::Duration::days(n)).to_string()
}

async fn audit_by_action(t: &TestApp, action: &str, outcome: &str) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND outcome = $2",
            benk_app::args![action, outcome],
        )
        .await
        .unwrap()
}

/// Tone gives `user` a care relationship with the person.
async fn in_care_team(t: &TestApp, tone: &str, c: Uuid, user: &str) {
    let r = post(
        t,
        tone,
        &format!("/api/v1/clients/{c}/care-relationships"),
        json!({"staff_id": t.staff_id(user).await, "valid_from": today(), "reason": "Oppfølging"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// `user` was refused a SPoR correction of the person once, as not its author (audited).
async fn assert_refused_as_not_the_author(t: &TestApp, c: Uuid, user: &str) {
    let n = denied_with(t, c, user, "spor.interview_correct", "%none:not_the_author").await;
    assert_eq!(n, 1, "{user}");
}

/// Denied audit rows of `user` on the person for `action` whose resources match `like`.
async fn denied_with(t: &TestApp, c: Uuid, user: &str, action: &str, like: &str) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE client_id = $1 AND actor_staff_id = $2 \
             AND action = $3 AND outcome = 'denied' AND resources LIKE $4",
            benk_app::args![c, t.staff_id(user).await, action, like],
        )
        .await
        .unwrap()
}

async fn ors_srs_and_gaf_are_recorded_and_read_with_the_rules(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Mia Måling").await;
    let base = format!("/api/v1/clients/{c}/measures");
    // First ORS 4.5 + 5.0 + 4.0 + 5.5 = 19.0 (clinical); then 6.0 + 6.0 + 6.0 + 6.0 = 24.0
    // (+5.0 exactly: improved, still below 25); then 25.0 (not clinical).
    for (d, items) in [
        (days_ago(60), [4.5, 5.0, 4.0, 5.5]),
        (days_ago(30), [6.0, 6.0, 6.0, 6.0]),
        (days_ago(1), [6.3, 6.2, 6.3, 6.2]),
    ] {
        let r = post(
            t,
            &tone,
            &format!("{base}/ors"),
            json!({"measured_on": d, "item1": items[0], "item2": items[1], "item3": items[2], "item4": items[3]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    // SRS 35.9 is flagged, 36.0 is not.
    for (d, last) in [(days_ago(30), 8.9), (days_ago(1), 9.0)] {
        let r = post(
            t,
            &tone,
            &format!("{base}/srs"),
            json!({"measured_on": d, "item1": 9.0, "item2": 9.0, "item3": 9, "item4": last}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let r = post(
        t,
        &tone,
        &format!("{base}/gaf"),
        json!({"measured_on": today(), "gaf_symptom": 45, "gaf_function": 41.0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    let r = t.api(Method::GET, &base, &tone, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let m = r.json();
    let ors = m["ors"].as_array().unwrap();
    assert_eq!(ors.len(), 3);
    assert_eq!(ors[0]["total"], 19.0);
    assert_eq!(ors[0]["clinical"], true);
    assert!(ors[0]["change"].is_null(), "the first has no change");
    assert_eq!(ors[1]["total"], 24.0);
    assert_eq!(ors[1]["change"], "improved");
    assert_eq!(ors[1]["clinical"], true);
    assert_eq!(ors[2]["total"], 25.0);
    assert_eq!(ors[2]["clinical"], false);
    assert_eq!(ors[2]["items"], json!([6.3, 6.2, 6.3, 6.2]));
    let srs = m["srs"].as_array().unwrap();
    assert_eq!(srs[0]["total"], 35.9);
    assert_eq!(srs[0]["flagged"], true);
    assert_eq!(srs[1]["total"], 36.0);
    assert_eq!(srs[1]["flagged"], false);
    assert_eq!(m["gaf"][0]["gaf_symptom"], 45);
    assert_eq!(m["gaf"][0]["gaf_function"], 41);
    assert_eq!(t.audit_count(c, "measure.create", "allowed").await, 6);
    assert_eq!(t.audit_count(c, "measure.list", "allowed").await, 1);
}

async fn out_of_range_scores_are_refused_naming_the_field(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Ola Utenfor").await;
    let base = format!("/api/v1/clients/{c}/measures");
    let r = post(
        t,
        &tone,
        &format!("{base}/ors"),
        json!({"measured_on": today(), "item1": 10.1, "item2": 5, "item3": 4.25, "item4": -1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields: Vec<&str> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|s| s.to_string())
        .collect::<Vec<String>>()
        .leak()
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(fields, ["item1", "item3", "item4"]);
    let r = post(
        t,
        &tone,
        &format!("{base}/gaf"),
        json!({"measured_on": today(), "gaf_symptom": 0, "gaf_function": 50}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "gaf_symptom");
    let tomorrow = (benk_app::time::oslo_today() + chrono::Duration::days(1)).to_string();
    let r = post(
        t,
        &tone,
        &format!("{base}/gaf"),
        json!({"measured_on": tomorrow, "gaf_symptom": 50, "gaf_function": 50}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "measured_on");
    // In English too.
    let r = t
        .api_raw(
            Method::POST,
            &format!("{base}/gaf"),
            &tone,
            Some(
                json!({"measured_on": today(), "gaf_symptom": 101, "gaf_function": 50}).to_string(),
            ),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("between 1 and 100"),
        "{}",
        r.text
    );
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM measures WHERE client_id = $1",
                benk_app::args![c]
            )
            .await
            .unwrap(),
        0,
        "nothing saved"
    );
}

async fn a_correction_and_a_deletion_keep_the_history(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Rita Retting").await;
    let r = post(
        t,
        &tone,
        &format!("/api/v1/clients/{c}/measures/gaf"),
        json!({"measured_on": today(), "gaf_symptom": 40, "gaf_function": 35}),
    )
    .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    // A correction without its fields is refused naming them; with them it is a new version.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/measures/{id}/corrections"),
        json!({"reason": "Feil tall", "measured_on": today(), "gaf_symptom": 42}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "gaf_function");
    let r = post(
        t,
        &tone,
        &format!("/api/v1/measures/{id}/corrections"),
        json!({"reason": "Feil tall", "measured_on": today(), "gaf_symptom": 42, "gaf_function": 38}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let new = r.json()["id"].as_str().unwrap().to_string();
    // The old version cannot be corrected again.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/measures/{id}/corrections"),
        json!({"reason": "Igjen", "measured_on": today(), "gaf_symptom": 1, "gaf_function": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures"),
            &tone,
            None,
        )
        .await
        .json();
    assert_eq!(m["gaf"].as_array().unwrap().len(), 1);
    assert_eq!(m["gaf"][0]["id"], new.as_str());
    assert_eq!(m["gaf"][0]["corrects"], id.as_str());
    assert_eq!(m["gaf"][0]["gaf_function"], 38);
    // Another health worker with access may not correct or delete it (only the author).
    let mari = t.token("hanne").await;
    let r = post(
        t,
        &mari,
        &format!("/api/v1/measures/{new}/retraction"),
        json!({"reason": "Dobbelt"}),
    )
    .await;
    assert!(r.status == StatusCode::FORBIDDEN, "{} {}", r.status, r.text);
    // Deleted by its author: gone from the list, kept in the table.
    let r = post(
        t,
        &tone,
        &format!("/api/v1/measures/{new}/retraction"),
        json!({"reason": "Registrert på feil person"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures"),
            &tone,
            None,
        )
        .await
        .json();
    assert!(m["gaf"].as_array().unwrap().is_empty());
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM measures WHERE client_id = $1",
                benk_app::args![c]
            )
            .await
            .unwrap(),
        3,
        "the first version, the correction and the retraction"
    );
    assert_eq!(t.audit_count(c, "measure.correct", "allowed").await, 1);
    assert_eq!(t.audit_count(c, "measure.retract", "allowed").await, 1);
    // The database refuses to change or remove a measure, whoever asks.
    assert_append_only(t, "measures", "gaf_symptom = 99", c).await;
}

async fn non_health_staff_and_another_team_are_refused_and_audited(t: &TestApp) {
    // Per (NAV, not health personnel) registers the person and is in the care team.
    let per = t.token("per").await;
    let c = new_client(t, &per, "Nina Nav").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = post(
        t,
        &per,
        &format!("/api/v1/clients/{c}/measures/ors"),
        json!({"measured_on": today(), "item1": 5, "item2": 5, "item3": 5, "item4": 5}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count(c, "measure.list", "denied").await, 1);
    assert_eq!(t.audit_count(c, "measure.create", "denied").await, 1);
    // The team's due list is for its health personnel too.
    let r = t.api(Method::GET, "/api/v1/measures/due", &per, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_by_action(t, "measure.due", "denied").await, 1);
    // Another team's lead: no access to the person at all.
    let tone = t.token("tone").await;
    let c2 = new_client(t, &tone, "Frida Fjord").await;
    let siri = t.token("siri").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c2}/measures"),
            &siri,
            None,
        )
        .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    assert_eq!(t.audit_count(c2, "client.open", "denied").await, 1);
    // And on the person's page: no measures section for a non-health reader.
    let b = t.login("per", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, &format!("/clients/{c}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("measures-h"));
    let page = t.page(&b, &format!("/clients/{c}/measures")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

async fn a_spor_interview_in_a_round_and_the_rounds_figures(t: &TestApp) {
    let tone = t.token("tone").await;
    let r = post(
        t,
        &tone,
        "/api/v1/spor/rounds",
        json!({"name": "Testrunde", "started_on": today()}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let round = r.json()["id"].as_str().unwrap().to_string();
    let c = new_client(t, &tone, "Siv Spør").await;
    let uri = format!("/api/v1/clients/{c}/spor-interviews");
    let body = |q7: Value| {
        json!({"round_id": round, "interviewed_on": today(), "interviewer": "Tone Berg",
               "municipality": "Nøtterøy", "age": 37, "contact_years": 17,
               "q1": 1.5, "q2": "Koordinatoren", "q3": 6.3, "q7": q7, "q20": "Ja"})
    };
    let r = post(t, &tone, &uri, body(json!(9.5))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "q7");
    let r = post(t, &tone, &uri, body(json!(0.5))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "q7");
    let r = post(t, &tone, &uri, body(json!(7))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Once per person and round.
    let r = post(t, &tone, &uri, body(json!(7))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures"),
            &tone,
            None,
        )
        .await
        .json();
    let iv = &m["interviews"][0];
    assert_eq!(iv["municipality"], "Nøtterøy");
    let q3 = iv["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["question"] == 3)
        .unwrap();
    assert_eq!(q3["score"], 6.3);
    let rounds = t.api(Method::GET, "/api/v1/spor/rounds", &tone, None).await;
    assert_eq!(rounds.status, StatusCode::OK, "{}", rounds.text);
    let rounds = rounds.json();
    let ours = rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Testrunde")
        .unwrap();
    assert_eq!(ours["participants"], 1);
    assert_eq!(ours["questions"][0]["summary"]["median"], 1.5);
    assert_eq!(ours["age"]["mean"], 37.0);
    // The demo's round: 20 or more people from several municipalities.
    let demo = rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] != "Testrunde")
        .unwrap();
    assert!(demo["participants"].as_u64().unwrap() >= 20, "{demo}");
    assert!(
        demo["municipalities"].as_array().unwrap().len() >= 2,
        "{demo}"
    );
    assert_eq!(
        t.audit_count(c, "spor.interview_create", "allowed").await,
        1
    );
}

async fn the_due_list_and_the_demo(t: &TestApp) {
    let tone = t.token("tone").await;
    let r = t
        .api(Method::GET, "/api/v1/measures/due?mine=false", &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let list = r.json();
    let list = list.as_array().unwrap();
    assert!(!list.is_empty(), "the demo leaves some points open");
    for d in list {
        let s = d["point"]["status"].as_str().unwrap();
        assert!(s == "due" || s == "overdue", "{d}");
        assert!(!d["point"]["missing"].as_array().unwrap().is_empty());
    }
    // Overdue first.
    let first_due = list
        .iter()
        .position(|d| d["point"]["status"] == "due")
        .unwrap_or(list.len());
    assert!(list[first_due..]
        .iter()
        .all(|d| d["point"]["status"] == "due"));
    assert!(audit_by_action(t, "measure.due", "allowed").await >= 1);
    // Both teams have measures in the demo.
    for team in ["Samhandlingsteamet Fjordby", "Uteteamet Nordvik"] {
        let n = t
            .count(&format!(
                "SELECT COUNT(*) FROM measures WHERE team_id IN (SELECT id FROM teams WHERE name = '{team}')"
            ))
            .await;
        assert!(n > 20, "{team}: {n}");
    }
    // Recording what is due takes the point off the list.
    let (who, point) = (
        list[0]["client_id"].as_str().unwrap().to_string(),
        list[0]["point"].clone(),
    );
    let on = point["closes"]
        .as_str()
        .unwrap()
        .min(today().as_str())
        .to_string();
    let on = on.max(point["opens"].as_str().unwrap().to_string());
    for k in point["missing"].as_array().unwrap() {
        let body = if k == "gaf" {
            json!({"measured_on": on, "gaf_symptom": 50, "gaf_function": 50})
        } else {
            json!({"measured_on": on, "item1": 5, "item2": 5, "item3": 5, "item4": 5})
        };
        let r = post(
            t,
            &tone,
            &format!("/api/v1/clients/{who}/measures/{}", k.as_str().unwrap()),
            body,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let after = t
        .api(Method::GET, "/api/v1/measures/due?mine=false", &tone, None)
        .await
        .json();
    assert!(!after
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["client_id"] == who.as_str() && d["point"]["months"] == point["months"]));
}

async fn the_pages_show_charts_and_record_a_measure(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Pål Side").await;
    for (d, v) in [(days_ago(40), 4.0), (days_ago(10), 6.0)] {
        post(
            t,
            &tone,
            &format!("/api/v1/clients/{c}/measures/ors"),
            json!({"measured_on": d, "item1": v, "item2": v, "item3": v, "item4": v}),
        )
        .await;
    }
    let b = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, &format!("/clients/{c}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("<svg class=\"chart\""));
    assert!(page.text.contains("Klinisk grense 25"));
    assert!(page.text.contains("<table"), "the numbers as a table");
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/measures"),
            &[
                ("form", "srs"),
                ("measured_on", &today()),
                ("item1", "9,5"),
                ("item2", "11"),
                ("item3", "9"),
                ("item4", "9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("mellom 0 og 10"), "{}", r.text);
    assert!(r.text.contains("value=\"9,5\""), "what was typed is kept");
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/measures"),
            &[
                ("form", "srs"),
                ("measured_on", &today()),
                ("item1", "9,5"),
                ("item2", "8"),
                ("item3", "9"),
                ("item4", "9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&b, &format!("/clients/{c}/measures")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("35,5"), "the SRS total");
    assert!(page.text.contains("SRS under 36"));
    let due = t.page(&b, "/measures/due?team=1").await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.text);
    assert!(due.text.contains("Målinger som forfaller"));
    let spor = t.page(&b, "/spor").await;
    assert_eq!(spor.status, StatusCode::OK, "{}", spor.text);
    let team = t.page(&b, "/team").await;
    assert!(team.text.contains("/measures/due"));
}

async fn a_spor_interview_is_corrected_by_its_author_and_history_kept(t: &TestApp) {
    let tone = t.token("tone").await;
    let r = post(
        t,
        &tone,
        "/api/v1/spor/rounds",
        json!({"name": "Retterunde", "started_on": today()}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let round = r.json()["id"].as_str().unwrap().to_string();
    let c = new_client(t, &tone, "Rita Rett").await;
    let iv = |q1: f64| {
        json!({"round_id": round, "interviewed_on": today(), "interviewer": "Tone Berg",
               "municipality": "Nøtterøy", "age": 40, "contact_years": 3, "q1": q1, "q2": "Ja"})
    };
    let r = post(
        t,
        &tone,
        &format!("/api/v1/clients/{c}/spor-interviews"),
        iv(2.0),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let old = r.json()["id"].as_str().unwrap().to_string();
    let uri = format!("/api/v1/clients/{c}/spor-interviews/{old}/corrections");
    // A reason is required, and the answers are checked as on recording; nothing saved.
    let r = post(t, &tone, &uri, json!({"reason": "", "interview": iv(8.0)})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = post(
        t,
        &tone,
        &uri,
        json!({"reason": "Feil tast", "interview": iv(9.5)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "q1");
    // A colleague with health scope who did not record it is refused, audited.
    in_care_team(t, &tone, c, "ola").await;
    in_care_team(t, &tone, c, "per").await;
    let ola = t.token("ola").await;
    let r = post(
        t,
        &ola,
        &uri,
        json!({"reason": "Feil tast", "interview": iv(8.0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // A colleague without health scope is refused, audited.
    let per = t.token("per").await;
    let r = post(
        t,
        &per,
        &uri,
        json!({"reason": "Feil tast", "interview": iv(8.0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // Both in the care team: Ola is refused as not the author, Per (NAV) as the interview is
    // health content. Each audited with its own reason; nothing else was refused.
    assert_refused_as_not_the_author(t, c, "ola").await;
    assert_eq!(
        denied_with(
            t,
            c,
            "per",
            "spor.interview_correct",
            "%none:health_content_not_in_scope"
        )
        .await,
        1
    );
    assert_eq!(
        t.audit_count(c, "spor.interview_correct", "denied").await,
        2
    );
    assert_eq!(t.audit_count(c, "client.open", "denied").await, 0);
    // The author corrects it: the current version is the new one.
    let r = post(
        t,
        &tone,
        &uri,
        json!({"reason": "Feil tast", "interview": iv(8.0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let new = r.json()["id"].as_str().unwrap().to_string();
    // The old version cannot be corrected again.
    let r = post(
        t,
        &tone,
        &uri,
        json!({"reason": "Igjen", "interview": iv(7.0)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures"),
            &tone,
            None,
        )
        .await
        .json();
    let ivs = m["interviews"].as_array().unwrap();
    assert_eq!(ivs.len(), 1, "{m}");
    assert_eq!(ivs[0]["id"], new.as_str());
    assert_eq!(ivs[0]["supersedes_id"], old.as_str());
    assert_eq!(ivs[0]["reason"], "Feil tast");
    assert_eq!(ivs[0]["answers"][0]["score"], 8.0);
    // The round's figures count the current version only.
    let rounds = t
        .api(Method::GET, "/api/v1/spor/rounds", &tone, None)
        .await
        .json();
    let ours = rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Retterunde")
        .unwrap();
    assert_eq!(ours["participants"], 1);
    assert_eq!(ours["questions"][0]["summary"]["median"], 8.0);
    // The history is kept: both versions and the old answers stay.
    let kept = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM spor_interviews WHERE client_id = $1",
            benk_app::args![c],
        )
        .await
        .unwrap();
    assert_eq!(kept, 2);
    let old_answers = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM spor_answers a JOIN spor_interviews i ON i.id = a.interview_id \
             WHERE i.client_id = $1 AND i.supersedes_id IS NULL",
            benk_app::args![c],
        )
        .await
        .unwrap();
    assert_eq!(old_answers, 2);
    assert_eq!(
        t.audit_count(c, "spor.interview_correct", "allowed").await,
        1
    );
}

async fn the_spor_correction_page_keeps_history_and_what_was_typed(t: &TestApp) {
    let tone = t.token("tone").await;
    let r = post(
        t,
        &tone,
        "/api/v1/spor/rounds",
        json!({"name": "Siderunde", "started_on": today()}),
    )
    .await;
    let round = r.json()["id"].as_str().unwrap().to_string();
    let c = new_client(t, &tone, "Siri Side").await;
    let r = post(
        t,
        &tone,
        &format!("/api/v1/clients/{c}/spor-interviews"),
        json!({"round_id": round, "interviewed_on": today(), "interviewer": "Tone Berg",
               "municipality": "Nøtterøy", "age": 40, "contact_years": 3, "q1": 2.5, "q2": "Ja"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let old = r.json()["id"].as_str().unwrap().to_string();
    let b = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    let correct = format!("/clients/{c}/spor-interviews/{old}/correct");
    // The measures page links the author to the correction page.
    let page = t.page(&b, &format!("/clients/{c}/measures")).await;
    assert!(
        page.text.contains(&format!("href=\"{correct}\"")),
        "{}",
        page.text
    );
    // The form holds the stored values (a decimal comma in Bokmål).
    let page = t.page(&b, &correct).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Rett SPoR-intervju"), "{}", page.text);
    assert!(page.text.contains("value=\"2,5\""), "{}", page.text);
    assert!(page.text.contains("value=\"Nøtterøy\""));
    // Bad input: the fields named, what was typed kept, nothing saved.
    let day = today();
    let fields = [
        ("reason", ""),
        ("interviewed_on", day.as_str()),
        ("interviewer", "Tone Berg"),
        ("municipality", "Tjøme"),
        ("age", "41"),
        ("contact_years", "3"),
        ("q1", "9,5"),
        ("q2", "Ja, nesten"),
    ];
    let r = t.form(&b, &correct, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"q1-error\""), "{}", r.text);
    assert!(r.text.contains("id=\"reason-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"Tjøme\""), "{}", r.text);
    assert!(r.text.contains("Ja, nesten"));
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM spor_interviews WHERE client_id = $1",
                benk_app::args![c],
            )
            .await
            .unwrap(),
        1
    );
    // Corrected.
    let mut fixed = fields.to_vec();
    fixed[0] = ("reason", "Feil kommune");
    fixed[6] = ("q1", "6,5");
    let r = t.form(&b, &correct, &fixed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(
        r.location().ends_with("/measures?msg=corrected"),
        "{}",
        r.location()
    );
    // The measures page: the new version, the old one under earlier versions.
    let page = t
        .page(&b, &format!("/clients/{c}/measures?msg=corrected"))
        .await;
    assert!(page.text.contains("Intervjuet er rettet"), "{}", page.text);
    assert!(
        page.text.contains("Tidligere versjoner (1)"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Tjøme") && page.text.contains("Nøtterøy"));
    assert!(page.text.contains("Feil kommune"));
    // The old version's correction page is gone (no longer current): 404.
    let page = t.page(&b, &correct).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // A health colleague who did not record it may read but not correct it: refused, audited.
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures"),
            &tone,
            None,
        )
        .await
        .json();
    let new = m["interviews"][0]["id"].as_str().unwrap().to_string();
    in_care_team(t, &tone, c, "ola").await;
    let ola = t.login("ola", benk_app::demo::DEMO_PASSWORD).await;
    let r = t
        .form(
            &ola,
            &format!("/clients/{c}/spor-interviews/{new}/correct"),
            &fixed,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_refused_as_not_the_author(t, c, "ola").await;
}
