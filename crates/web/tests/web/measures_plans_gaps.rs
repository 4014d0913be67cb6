//! The gaps closed in measures and plans (issue 10), on both backends: the team lead's page for
//! the measurement points (others refused, audited; bad input kept), a measure's version history
//! (API and page; the NAV officer refused, audited), and the plans due for revision on "Mine
//! oppgaver".

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::TestApp;
use serde_json::json;
use uuid::Uuid;

fn day(offset: i64) -> String {
    (benk_app::time::oslo_today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A Fjordby person whose care team has `tone` and `per`, with no plan.
async fn person(t: &TestApp) -> Uuid {
    let tone = t.staff_id("tone").await;
    let per = t.staff_id("per").await;
    let rows: Vec<(Uuid,)> = t
        .db()
        .all(
            "SELECT e.client_id FROM episodes e WHERE e.closed_on IS NULL \
             AND EXISTS (SELECT 1 FROM episode_members m WHERE m.episode_id = e.id AND m.staff_id = $1 AND m.left_at IS NULL) \
             AND EXISTS (SELECT 1 FROM episode_members m WHERE m.episode_id = e.id AND m.staff_id = $2 AND m.left_at IS NULL) \
             AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.client_id = e.client_id) ORDER BY e.id",
            benk_app::args![tone, per],
        )
        .await
        .unwrap();
    rows.first()
        .expect("a person in tone's and per's care team")
        .0
}

async fn policy_page(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let p = t.page(&b, "/measures/policy").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(
        p.text.contains("0, 6, 12, 24"),
        "the default policy is shown"
    );
    // Bad input: 422 naming the field, what was typed kept, nothing saved.
    let r = t
        .form(
            &b,
            "/measures/policy",
            &[
                ("months", "0, 6, tolv"),
                ("window_days", "30"),
                ("required", "gaf"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("0, 6, tolv") && r.text.contains("aria-invalid=\"true\""));
    let r = t
        .form(
            &b,
            "/measures/policy",
            &[("months", "0, 6, 12"), ("window_days", "14")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no measure chosen: {}",
        r.text
    );
    let r = t
        .form(
            &b,
            "/measures/policy",
            &[
                ("months", "0, 3, 9"),
                ("window_days", "14"),
                ("required", "gaf"),
                ("required", "srs"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let tone = t.token("tone").await;
    let p = t
        .api(Method::GET, "/api/v1/measures/policy", &tone, None)
        .await
        .json();
    assert_eq!(p["months"], json!([0.0, 3.0, 9.0]), "{p}");
    assert_eq!(p["window_days"], 14);
    assert_eq!(p["required"], json!(["gaf", "srs"]));
    // A member who is not the team lead reads it but may not change it (refused, audited).
    let per = t.login("per", "benk-demo").await;
    let p = t.page(&per, "/measures/policy").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains("0, 3, 9") && !p.text.contains("id=\"policy-form\""));
    let r = t
        .form(
            &per,
            "/measures/policy",
            &[("months", "0"), ("window_days", "1"), ("required", "ors")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'measure.policy' AND outcome = 'denied'")
            .await,
        1
    );
}

async fn measure_history(t: &TestApp) {
    let c = person(t).await;
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/measures/gaf"),
            &tone,
            Some(json!({"measured_on": day(-3), "gaf_symptom": 40, "gaf_function": 35})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let first = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/measures/{first}/corrections"),
            &tone,
            Some(json!({"reason": "Byttet om symptom og funksjon", "measured_on": day(-3), "gaf_symptom": 35, "gaf_function": 40})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let second = r.json()["id"].as_str().unwrap().to_string();
    // Either version's id gives the whole line, oldest first.
    for id in [&first, &second] {
        let h = t
            .api(
                Method::GET,
                &format!("/api/v1/clients/{c}/measures/{id}/history"),
                &tone,
                None,
            )
            .await;
        assert_eq!(h.status, StatusCode::OK, "{}", h.text);
        let h = h.json();
        assert_eq!(h.as_array().unwrap().len(), 2, "{h}");
        assert_eq!(h[0]["measure"]["id"], first.as_str());
        assert_eq!(h[0]["current"], false);
        assert_eq!(h[0]["measure"]["gaf_symptom"], 40);
        assert_eq!(h[1]["measure"]["id"], second.as_str());
        assert_eq!(h[1]["current"], true);
        assert_eq!(
            h[1]["measure"]["correction_reason"],
            "Byttet om symptom og funksjon"
        );
    }
    assert_eq!(t.audit_count(c, "measure.history", "allowed").await, 2);
    let b = t.login("tone", "benk-demo").await;
    let m = t.page(&b, &format!("/clients/{c}/measures")).await;
    assert!(
        m.text
            .contains(&format!("/clients/{c}/measures/{second}/history")),
        "the corrected measure links to its history"
    );
    let p = t
        .page(&b, &format!("/clients/{c}/measures/{second}/history"))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Versjon 2") && p.text.contains("Byttet om symptom og funksjon"));
    // The NAV officer in the care team: not health content for them (refused, audited).
    let per = t.token("per").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/measures/{first}/history"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(c, "measure.history", "denied").await, 1);
}

async fn plans_due_for_revision(t: &TestApp) {
    let c = person(t).await;
    let tone = t.token("tone").await;
    let tone_id = t.staff_id("tone").await;
    let before = t
        .api(Method::GET, "/api/v1/tasks/plan-revisions", &tone, None)
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert!(!before.text.contains(&c.to_string()));
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/plan"),
            &tone,
            Some(json!({
                "consent_on": day(-200), "share_consent": false, "coordinator_id": tone_id,
                "period_start": day(-200), "next_revision_on": day(10),
                "goal_ids": [], "participants": [], "measures": []
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let list = t
        .api(Method::GET, "/api/v1/tasks/plan-revisions", &tone, None)
        .await
        .json();
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["client_id"] == c.to_string())
        .cloned()
        .expect("the plan is due for revision");
    assert_eq!(mine["revision_state"], "due_soon");
    assert_eq!(mine["due_on"], day(10));
    assert!(mine["client_name"].is_string());
    // Another coordinator does not get it.
    let per = t.token("per").await;
    let list = t
        .api(Method::GET, "/api/v1/tasks/plan-revisions", &per, None)
        .await;
    assert!(!list.text.contains(&c.to_string()));
    let b = t.login("tone", "benk-demo").await;
    let p = t.page(&b, "/tasks").await;
    assert!(
        p.text.contains("Planer som skal revideres")
            && p.text.contains(&format!("/clients/{c}/plan"))
    );
    assert!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'plan.revisions_due'")
            .await
            >= 2
    );
}

on_both_backends!(policy_page, measure_history, plans_due_for_revision);
