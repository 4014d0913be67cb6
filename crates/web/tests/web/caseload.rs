//! Caseloads against the norm (issue 9): the norm counts coordinator roles, scaled by position
//! share and rounded down; naming a coordinator beyond it is refused unless a reason is given,
//! and then the override is recorded; the check and the write are one writer command, so forty
//! parallel namings of one worker let exactly norm-many through. The caseload read is for team
//! members only and is one audit row naming every person shown.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{add_intake_nurse, decide, register, tandem_team, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

/// Overrides recorded in the test's team (the demo has its own).
const TANDEM_OVERRIDES: &str = "SELECT COUNT(*) FROM caseload_overrides o JOIN teams t ON t.id = o.team_id WHERE t.name = 'Tandem'";

/// A Tandem-like team with the norm 5 per full position. Returns (token of tandem0, the six
/// nurses, the municipality JSON, the team id).
async fn team(t: &TestApp) -> (String, Vec<Uuid>, Value, String) {
    let (tok, ids, muni, _) = tandem_team(t, json!({"caseload_per_full_position": 5})).await;
    let team = t.team_id("Tandem").await.to_string();
    (tok, ids, muni, team)
}

/// Accepts a new person without coordinators (the decider follows up); returns (client, episode).
async fn person(t: &TestApp, tok: &str, ids: &[Uuid], i: usize) -> (String, String) {
    let rid = register(t, tok, json!({"person_name": format!("Person Nummer {i}")})).await;
    let r = decide(
        t,
        tok,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "Svak kontakt med tjenestene.",
               "participants": [ids[0], ids[3]]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let out = r.json();
    (
        out["client_id"].as_str().unwrap().to_string(),
        out["episode_id"].as_str().unwrap().to_string(),
    )
}

async fn name_coordinator(
    t: &TestApp,
    tok: &str,
    episode: &str,
    staff: Uuid,
    reason: Option<&str>,
) -> common::Resp {
    let mut body = json!({"staff_id": staff, "role": "municipal_coordinator"});
    if let Some(r) = reason {
        body["override_reason"] = json!(r);
    }
    t.api(
        Method::POST,
        &format!("/api/v1/episodes/{episode}/members"),
        tok,
        Some(body),
    )
    .await
}

async fn caseload(t: &TestApp, tok: &str, team: &str) -> common::Resp {
    t.api(
        Method::GET,
        &format!("/api/v1/teams/{team}/caseload"),
        tok,
        None,
    )
    .await
}

fn worker(c: &Value, id: Uuid) -> &Value {
    c["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["staff_id"] == id.to_string())
        .expect("worker listed")
}

async fn forty_parallel_namings_let_exactly_the_norm_through(t: &TestApp) {
    let (tok, ids, _, _) = team(t).await;
    let mut episodes = Vec::new();
    for i in 0..40 {
        episodes.push(person(t, &tok, &ids, i).await.1);
    }
    // Norm of a 100 % position: 5. Forty requests at once, each naming ids[1] for a new person.
    let target = ids[1];
    let tasks: Vec<_> = episodes
        .into_iter()
        .map(|e| {
            let (router, tok) = (t.router.clone(), tok.clone());
            tokio::spawn(async move {
                use tower::ServiceExt;
                let req = axum::http::Request::post(format!("/api/v1/episodes/{e}/members"))
                    .header("authorization", format!("Bearer {tok}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(
                        json!({"staff_id": target, "role": "municipal_coordinator"}).to_string(),
                    ))
                    .unwrap();
                let resp = router.oneshot(req).await.unwrap();
                let status = resp.status();
                let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                    .await
                    .unwrap();
                (status, String::from_utf8_lossy(&body).to_string())
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        let (status, text) = task.await.unwrap();
        match status {
            StatusCode::CREATED => ok += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert!(text.contains("\"over_caseload_norm\""), "{text}");
                refused += 1;
            }
            s => panic!("unexpected {s}: {text}"),
        }
    }
    assert_eq!((ok, refused), (5, 35));
    let held = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM episode_members WHERE staff_id = $1 AND role = 'municipal_coordinator' AND left_at IS NULL",
            benk_app::args![target],
        )
        .await
        .unwrap();
    assert_eq!(held, 5);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'caseload.check' AND outcome = 'denied'")
            .await,
        35,
        "every refusal is audited"
    );
    assert_eq!(t.count(TANDEM_OVERRIDES).await, 0);
}

async fn over_the_norm_needs_a_reason_which_is_recorded(t: &TestApp) {
    let (tok, ids, muni, team) = team(t).await;
    let eva = t.token("eva").await;
    // A 40 % position carries floor(5 × 0.4) = 2.
    let part = add_intake_nurse(t, &eva, "deltid", "Dina Deltid", &muni, &team, 40).await;
    let mut eps = Vec::new();
    for i in 0..4 {
        eps.push(person(t, &tok, &ids, i).await);
    }
    for (_, e) in &eps[..2] {
        let r = name_coordinator(t, &tok, e, part, None).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    // The third is refused, naming the worker, their count and their norm, in nb and en.
    let r = name_coordinator(t, &tok, &eps[2].1, part, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let err = &r.json()["error"];
    assert_eq!(err["code"], "over_caseload_norm");
    assert_eq!(err["field"], "override_reason");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("Dina Deltid")
            && msg.contains("koordinator for 2")
            && msg.contains("normen er 2"),
        "{msg}"
    );
    let en = t
        .api_raw(
            Method::POST,
            &format!("/api/v1/episodes/{}/members", eps[2].1),
            &tok,
            Some(json!({"staff_id": part, "role": "municipal_coordinator"}).to_string()),
            &[("accept-language", "en")],
        )
        .await;
    assert!(
        en.text
            .contains("is already coordinator for 2 people, and the norm is 2"),
        "{}",
        en.text
    );
    assert_eq!(t.count(TANDEM_OVERRIDES).await, 0);
    // With a reason: saved, and the override recorded.
    let r = name_coordinator(t, &tok, &eps[2].1, part, Some("Kjenner brukeren fra før")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A blank reason is no reason.
    let r = name_coordinator(t, &tok, &eps[3].1, part, Some("   ")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let c = caseload(t, &tok, &team).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let c = c.json();
    let w = worker(&c, part);
    assert_eq!((w["fte"].as_i64(), w["norm"].as_i64()), (Some(40), Some(2)));
    assert_eq!(w["coordinator_count"], 3);
    assert_eq!(w["over_norm"], true);
    let o = &c["overrides"][0];
    assert_eq!(o["staff_name"], "Dina Deltid");
    assert_eq!(
        (o["count"].as_i64(), o["norm"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(o["reason"], "Kjenner brukeren fra før");
    assert_eq!(o["decided_by"], "Tandem Ansatt 0");
    // Full positions: norm 5; the team's capacity is the sum of the norms (6 × 5 + 2).
    assert_eq!(worker(&c, ids[0])["norm"], 5);
    assert_eq!(c["capacity"], 32);
    assert_eq!(c["coordinator_total"], 3);

    // The intake decision with a coordinator pair beyond the norm: refused, then saved with a reason.
    let rid = register(t, &tok, json!({"person_name": "Femte Person"})).await;
    let body = json!({"outcome": "accepted", "level": 1, "reasons": "Svak kontakt.", "participants": [ids[0], ids[3]],
                      "municipal_coordinator": part, "specialist_coordinator": ids[3]});
    let r = decide(t, &tok, rid, body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["code"], "over_caseload_norm");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("koordinator for 3"));
    let mut with = body;
    with["override_reason"] = json!("Ingen andre med ledig kapasitet denne måneden");
    let r = decide(t, &tok, rid, with).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(t.count(TANDEM_OVERRIDES).await, 2);

    // The page shows the warning and the reasons.
    let b = t.login("tandem0", "et-langt-passord").await;
    let p = t.page(&b, "/caseload").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Over normen"));
    assert!(p
        .text
        .contains("Ingen andre med ledig kapasitet denne måneden"));
    assert!(p.text.contains("Dina Deltid"));
}

async fn the_episode_form_keeps_what_was_typed_and_asks_for_a_reason(t: &TestApp) {
    let (tok, ids, muni, team) = team(t).await;
    let eva = t.token("eva").await;
    let part = add_intake_nurse(t, &eva, "deltid", "Dina Deltid", &muni, &team, 20).await;
    let (c1, e1) = person(t, &tok, &ids, 1).await;
    let r = name_coordinator(t, &tok, &e1, part, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let (c2, e2) = person(t, &tok, &ids, 2).await;
    let _ = c1;
    let b = t.login("tandem0", "et-langt-passord").await;
    let staff = part.to_string();
    let r = t
        .form(
            &b,
            &format!("/episodes/{e2}/members"),
            &[
                ("staff_id", staff.as_str()),
                ("role", "municipal_coordinator"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains("Dina Deltid er allerede koordinator for 1 brukere, og normen er 1"),
        "warning shown"
    );
    assert!(
        r.text.contains("name=\"override_reason\""),
        "reason field shown"
    );
    assert!(
        r.text.contains(&format!("value=\"{staff}\" selected")),
        "the choice is kept"
    );
    let r = t
        .form(
            &b,
            &format!("/episodes/{e2}/members"),
            &[
                ("staff_id", staff.as_str()),
                ("role", "municipal_coordinator"),
                ("override_reason", "Kort overgang"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().starts_with(&format!("/clients/{c2}")));
    assert_eq!(t.count(TANDEM_OVERRIDES).await, 1);

    // The intake decision form: the warning, the reason field, and what was typed kept.
    let rid = register(t, &tok, json!({"person_name": "Sjette Person"})).await;
    let (p0, p3) = (ids[0].to_string(), ids[3].to_string());
    let today = benk_app::time::oslo_today().to_string();
    let mut fields = vec![
        ("outcome", "accepted"),
        ("level", "1"),
        ("reasons", "Svak kontakt med tjenestene."),
        ("participants", p0.as_str()),
        ("participants", p3.as_str()),
        ("decided_on", today.as_str()),
        ("municipal_coordinator", staff.as_str()),
    ];
    let url = format!("/intake/referrals/{rid}/decision");
    let r = t.form(&b, &url, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains("Dina Deltid er allerede koordinator for 2 brukere, og normen er 1"),
        "warning shown"
    );
    assert!(
        r.text.contains("id=\"override_reason\""),
        "reason field shown"
    );
    assert!(
        r.text.contains("Svak kontakt med tjenestene."),
        "typed text kept"
    );
    fields.push(("override_reason", "Ingen andre ledige"));
    let r = t.form(&b, &url, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(t.count(TANDEM_OVERRIDES).await, 2);
}

async fn caseload_is_for_team_members_and_audited(t: &TestApp) {
    let (tok, ids, _, team) = team(t).await;
    let (client, episode) = person(t, &tok, &ids, 1).await;
    let r = name_coordinator(t, &tok, &episode, ids[1], None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A member with access sees the name; one audit row names the person.
    let c = caseload(t, &tok, &team).await.json();
    let w = worker(&c, ids[1]);
    assert_eq!(w["coordinator_count"], 1);
    assert_eq!(w["coordinator_for"][0]["name"], "Person Nummer 1");
    let resources: Vec<(String,)> = t
        .db()
        .all(
            "SELECT resources FROM audit_events WHERE action = 'caseload.read' AND outcome = 'allowed'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(resources.len(), 1);
    assert!(resources[0].0.contains(&client), "{}", resources[0].0);
    // A colleague without access to the person sees the count, not the name.
    let other = t.token("tandem2").await;
    let c = caseload(t, &other, &team).await.json();
    let w = worker(&c, ids[1]);
    assert_eq!(w["coordinator_count"], 1);
    assert!(w["coordinator_for"].as_array().unwrap().is_empty(), "{w}");
    assert!(!c.to_string().contains("Person Nummer 1"));
    // Someone from another team is refused, and the refusal is audited.
    let tone = t.token("tone").await;
    let r = caseload(t, &tone, &team).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'caseload.read' AND outcome = 'denied'")
            .await,
        1
    );
}

on_both_backends!(
    forty_parallel_namings_let_exactly_the_norm_through,
    over_the_norm_needs_a_reason_which_is_recorded,
    the_episode_form_keeps_what_was_typed_and_asks_for_a_reason,
    caseload_is_for_team_members_and_audited,
    the_demo_team_lead_is_over_the_norm_with_a_reason,
);

async fn the_demo_team_lead_is_over_the_norm_with_a_reason(t: &TestApp) {
    let tone = t.token("tone").await;
    let team = t.team_id("Samhandlingsteamet Fjordby").await.to_string();
    let c = caseload(t, &tone, &team).await.json();
    let lead = worker(&c, t.staff_id("tone").await);
    assert_eq!(lead["norm"], 10);
    assert_eq!(lead["over_norm"], true, "{lead}");
    let overs: Vec<&Value> = c["workers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["over_norm"] == true)
        .collect();
    assert_eq!(overs.len(), 1, "one worker deliberately over the norm");
    assert_eq!(c["overrides"][0]["staff_name"], "Tone Berg");
    // A 30 % post at Fjordby's 20 per position carries 6.
    assert_eq!(worker(&c, t.staff_id("mari").await)["norm"], 6);
    let b = t.login("tone", "benk-demo").await;
    let p = t.page(&b, "/caseload").await;
    assert!(p.text.contains("Over normen") && p.text.contains("To stillinger står ubesatt"));
}
