//! The weekly team meeting ("teammøte", issue 9): a meeting on a day, people and referrals on
//! the agenda, a decision (text and follow-up owner) on each item. A person's item is shown in
//! full only to readers with access to the person; a referral's item only to the intake team;
//! the meetings are for team members (a refusal is audited).

use crate::common;

use axum::http::{Method, StatusCode};
use common::{decide, register, tandem_team, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

struct Setup {
    tok: String,
    ids: Vec<Uuid>,
    team: String,
    client: String,
    referral: Uuid,
    meeting: String,
}

async fn setup(t: &TestApp) -> Setup {
    let (tok, ids, muni, _) = tandem_team(t, json!({})).await;
    let team = t.team_id("Tandem").await.to_string();
    let rid = register(t, &tok, json!({"person_name": "Ola Teammøte"})).await;
    let r = decide(
        t,
        &tok,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "Svak kontakt.", "participants": [ids[0], ids[3]]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let client = r.json()["client_id"].as_str().unwrap().to_string();
    let referral = register(t, &tok, json!({"person_name": "Ny Henvist"})).await;
    // A worker without intake rights.
    let eva = t.token("eva").await;
    let w = t
        .api(
            Method::POST,
            "/api/v1/staff",
            &eva,
            Some(json!({"username": "arbeider", "password": "et-langt-passord", "name": "Walter Arbeider",
                "profession": "nurse", "home_org_id": muni["id"], "team_id": team, "role": "worker", "fte": 100})),
        )
        .await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/teams/{team}/meetings"),
            &tok,
            Some(json!({"held_on": "2026-12-03"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let meeting = r.json()["id"].as_str().unwrap().to_string();
    Setup {
        tok,
        ids,
        team,
        client,
        referral,
        meeting,
    }
}

async fn get(t: &TestApp, tok: &str, meeting: &str) -> Value {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/meetings/{meeting}"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn agenda_and_decisions(t: &TestApp) {
    let s = setup(t).await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meetings/{}/items", s.meeting),
            &s.tok,
            Some(json!({"client_id": s.client, "topic": "Bolig før jul"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let item = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meetings/{}/items", s.meeting),
            &s.tok,
            Some(json!({"referral_id": s.referral, "topic": "Hvem tar første samtale?"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Both or neither subject: refused naming the field.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meetings/{}/items", s.meeting),
            &s.tok,
            Some(json!({"topic": "Ingen"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meeting-items/{item}/decision"),
            &s.tok,
            Some(json!({"decision": "Koordinator ringer boligkontoret", "follow_up_by": s.ids[1]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // A follow-up owner outside the team is refused.
    let tone = t.staff_id("tone").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meeting-items/{item}/decision"),
            &s.tok,
            Some(json!({"decision": "x", "follow_up_by": tone})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "follow_up_by");

    let m = get(t, &s.tok, &s.meeting).await;
    assert_eq!(m["held_on"], "2026-12-03");
    let items = m["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "Ola Teammøte");
    assert_eq!(items[0]["decision"], "Koordinator ringer boligkontoret");
    assert_eq!(items[0]["follow_up_name"], "Tandem Ansatt 1");
    assert_eq!(items[1]["kind"], "referral");
    assert_eq!(items[1]["name"], "Ny Henvist");
    let list = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{}/meetings", s.team),
            &s.tok,
            None,
        )
        .await
        .json();
    assert_eq!(list[0]["items"], 2);
    assert_eq!(list[0]["decided"], 1);

    // A colleague without access to the person sees initials, not the topic or the decision.
    let other = t.token("tandem2").await;
    let m = get(t, &other, &s.meeting).await;
    let it = &m["items"][0];
    assert_eq!(it["shown"], false);
    assert!(
        it["name"].is_null() && it["topic"].is_null() && it["decision"].is_null(),
        "{it}"
    );
    assert_eq!(it["initials"], "O. T.");
    // ... and cannot record a decision on it (refused and audited by the access module).
    let client: Uuid = s.client.parse().unwrap();
    let before = t.audit_count(client, "client.open", "denied").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meeting-items/{item}/decision"),
            &other,
            Some(json!({"decision": "Overstyrt"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "client.open", "denied").await,
        before + 1
    );
    // A worker without intake rights does not see referral items, nor may put one up.
    let walter = t.token("arbeider").await;
    let m = get(t, &walter, &s.meeting).await;
    assert_eq!(m["items"].as_array().unwrap().len(), 1);
    assert_eq!(m["hidden_referrals"], 1);
    assert!(!m.to_string().contains("Ny Henvist"));
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/meetings/{}/items", s.meeting),
            &walter,
            Some(json!({"referral_id": s.referral, "topic": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // The decision is there for the person's timeline, under a grant to their record.
    let actor = benk_app::staff::load_actor(&t.app, s.ids[0], Default::default())
        .await
        .unwrap()
        .expect("tandem0 is active");
    let grant = benk_app::access::open_client(&t.app, &actor, client, benk_domain::Purpose::Coc)
        .await
        .unwrap();
    let d = benk_app::meetings::decisions_for_client(&t.app, &grant)
        .await
        .unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].decision, "Koordinator ringer boligkontoret");
    assert_eq!(d[0].follow_up.as_deref(), Some("Tandem Ansatt 1"));
    assert_eq!(d[0].held_on.to_string(), "2026-12-03");
    let b = t.login("tandem0", "et-langt-passord").await;
    let p = t.page(&b, &format!("/meetings/{}", s.meeting)).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Koordinator ringer boligkontoret"));
    let p = t.page(&b, "/meetings").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    // The read of a meeting is one audit row naming the people shown.
    let rows: Vec<(String,)> = t
        .db()
        .all(
            "SELECT resources FROM audit_events WHERE action = 'meeting.read' AND outcome = 'allowed' ORDER BY seq",
            vec![],
        )
        .await
        .unwrap();
    assert!(rows[0].0.contains(&s.client), "{}", rows[0].0);
}

async fn meeting_forms_keep_input(t: &TestApp) {
    let s = setup(t).await;
    let b = t.login("tandem0", "et-langt-passord").await;
    let r = t
        .form(
            &b,
            &format!("/meetings/{}/items", s.meeting),
            &[
                ("kind", "person"),
                ("client_id", s.client.as_str()),
                ("topic", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains(&format!("value=\"{}\" selected", s.client)));
    let r = t
        .form(
            &b,
            &format!("/meetings/{}/items", s.meeting),
            &[
                ("kind", "person"),
                ("client_id", s.client.as_str()),
                ("topic", "Oppfølging etter innleggelse"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = t
        .form(&b, "/meetings", &[("held_on", "ikke en dato")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("ikke en dato"));
    let r = t.form(&b, "/meetings", &[("held_on", "2026-12-10")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}

async fn only_team_members(t: &TestApp) {
    let s = setup(t).await;
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/meetings/{}", s.meeting),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{}/meetings", s.team),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/teams/{}/meetings", s.team),
            &tone,
            Some(json!({"held_on": "2026-12-03"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'meeting.%' AND outcome = 'denied'")
            .await,
        3
    );
}

async fn the_demo_meetings(t: &TestApp) {
    let tone = t.token("tone").await;
    let team = t.team_id("Samhandlingsteamet Fjordby").await.to_string();
    let list = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{team}/meetings"),
            &tone,
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let list = list.json();
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    // The newest is upcoming with no decisions; the two past ones have theirs.
    assert_eq!(list[0]["decided"], 0);
    assert!(list[1]["decided"].as_i64().unwrap() > 0);
    assert!(list[2]["decided"].as_i64().unwrap() > 0);
}

on_both_backends!(
    agenda_and_decisions,
    meeting_forms_keep_input,
    only_team_members,
    the_demo_meetings,
);
