//! Goals, the individual plan and responsibility-group meetings (issue 10), on both backends:
//! create, read and revise (earlier versions stay readable), the consent rules, bad input named
//! by field, who may read what (health personnel in the care team; a non-health participant only
//! with the person's consent to sharing; another team's staff not at all, audited), and "Mine
//! oppgaver" with overdue tasks.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use common::TestApp;
use serde_json::{json, Value};
use uuid::Uuid;

fn today() -> NaiveDate {
    benk_app::time::oslo_today()
}
fn day(offset: i64) -> String {
    (today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A Fjordby person with an open episode whose care team has the NAV officer `per` (not health
/// personnel) and no plan yet: (client, episode).
async fn person_with_per(t: &TestApp) -> (Uuid, Uuid) {
    let per = t.staff_id("per").await;
    let rows: Vec<(Uuid, Uuid)> = t
        .db()
        .all(
            "SELECT e.client_id, e.id FROM episode_members em JOIN episodes e ON e.id = em.episode_id \
             WHERE em.staff_id = $1 AND em.left_at IS NULL AND e.closed_on IS NULL \
             AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.client_id = e.client_id) ORDER BY e.id",
            benk_app::args![per],
        )
        .await
        .unwrap();
    *rows
        .first()
        .expect("a person in per's care team without a plan")
}

fn err_field(r: &common::Resp) -> Vec<String> {
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

async fn add_goal(t: &TestApp, tok: &str, client: Uuid, text: &str) -> String {
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/goals"),
            tok,
            Some(json!({"text": text})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

fn plan_body(coordinator: Uuid, goal: &str, extra: Value) -> Value {
    let mut b = json!({
        "consent_on": day(-2),
        "share_consent": true,
        "coordinator_id": coordinator,
        "period_start": day(0),
        "period_end": day(365),
        "next_revision_on": day(180),
        "resources": "Søsteren, fagbrev som snekker",
        "needs": "Egen bolig",
        "goal_ids": [goal],
        "participants": [
            {"kind": "staff", "staff_id": coordinator, "role": "koordinator"},
            {"kind": "gp", "name": "Dr. Fjell", "role": "fastlege", "contact": "33 00 00 00", "contribution": "Resepter"}
        ],
        "measures": [{"description": "Hjemmebesøk", "scope": "2 i uka", "responsible": "Koordinator"}]
    });
    if let (Some(o), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    b
}

async fn create_read_revise(t: &TestApp) {
    let (client, _) = person_with_per(t).await;
    let tone = t.token("tone").await;
    let tone_id = t.staff_id("tone").await;
    let goal = add_goal(t, &tone, client, "Få min egen leilighet").await;
    // A progress note that changes the status.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/goals/{goal}/notes"),
            &tone,
            Some(json!({"text": "Søknad sendt", "status": "reached"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let goals = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/goals"),
            &tone,
            None,
        )
        .await
        .json();
    assert_eq!(goals[0]["status"], "reached", "{goals}");
    assert_eq!(goals[0]["notes"][0]["text"], "Søknad sendt");

    // No plan yet: the status says so; the plan is 404.
    let s = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan/status"),
            &tone,
            None,
        )
        .await;
    assert_eq!(s.json()["exists"], false, "{}", s.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);

    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            Some(plan_body(tone_id, &goal, json!({}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let plan = r.json()["id"].as_str().unwrap().to_string();
    // One plan per person and team.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            Some(plan_body(tone_id, &goal, json!({}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    let p = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            None,
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let p = p.json();
    assert_eq!(p["current"]["version"], 1);
    assert_eq!(p["current"]["goals"][0]["text"], "Få min egen leilighet");
    assert_eq!(p["current"]["participants"][0]["name"], "Tone Berg");
    assert_eq!(p["current"]["participants"][1]["kind"], "gp");
    assert_eq!(p["current"]["measures"][0]["scope"], "2 i uka");
    assert_eq!(p["access"], "health");

    // A revision: version 2; version 1 stays readable as it was.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/revisions"),
            &tone,
            Some(plan_body(
                tone_id,
                &goal,
                json!({"needs": "Egen bolig og arbeidstrening", "change_note": "Arbeidstrening lagt til", "next_revision_on": day(10)}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["version"], 2);
    let v1 = t
        .api(
            Method::GET,
            &format!("/api/v1/plans/{plan}/versions/1"),
            &tone,
            None,
        )
        .await;
    assert_eq!(v1.status, StatusCode::OK, "{}", v1.text);
    assert_eq!(v1.json()["needs"], "Egen bolig");
    let p = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            None,
        )
        .await
        .json();
    assert_eq!(p["current"]["version"], 2);
    assert_eq!(p["current"]["revision_state"], "due_soon");
    assert_eq!(p["versions"].as_array().unwrap().len(), 2);
    // The journal side: that a plan exists and its dates.
    let s = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan/status"),
            &tone,
            None,
        )
        .await
        .json();
    assert_eq!(s["exists"], true);
    assert_eq!(s["versions"], 2);
    assert_eq!(s["revision_state"], "due_soon");
    assert_eq!(t.audit_count(client, "plan.create", "allowed").await, 1);
    assert_eq!(t.audit_count(client, "plan.revise", "allowed").await, 1);
    assert!(t.audit_count(client, "plan.read", "allowed").await >= 3);

    // The timeline has the plan made (version 1) and revised (version 2), newest first, as
    // dates only: the NAV officer in the care team sees them too, without the content.
    for who in ["tone", "per"] {
        let tok = t.token(who).await;
        let tl = t
            .api(
                Method::GET,
                &format!("/api/v1/clients/{client}/timeline"),
                &tok,
                None,
            )
            .await;
        assert_eq!(tl.status, StatusCode::OK, "{who}: {}", tl.text);
        let tl = tl.json();
        let plans: Vec<&Value> = tl["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "plan")
            .collect();
        assert_eq!(plans.len(), 2, "{who}: {tl}");
        assert_eq!(plans[0]["plan_version"], 2);
        assert_eq!(plans[1]["plan_version"], 1);
        assert_eq!(plans[0]["plan_id"], plan.as_str());
        assert!(plans[0].get("needs").is_none());
    }
    let b = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(
        page.text.contains("Individuell plan revidert"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Individuell plan laget"));
}

async fn consent_rule_and_shared_participant(t: &TestApp) {
    let (client, _) = person_with_per(t).await;
    let tone = t.token("tone").await;
    let tone_id = t.staff_id("tone").await;
    let per = t.token("per").await;
    let per_id = t.staff_id("per").await;
    let goal = add_goal(t, &tone, client, "Komme i arbeid").await;
    // No consent to sharing: no participants outside the team; nothing saved.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            Some(plan_body(tone_id, &goal, json!({"share_consent": false}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        err_field(&r).contains(&"share_consent".to_string()),
        "{}",
        r.text
    );
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM plans WHERE client_id = $1",
                benk_app::args![client]
            )
            .await
            .unwrap(),
        0
    );
    // With consent, the NAV officer as a participant reads the plan (not the goals list).
    let participants = json!([
        {"kind": "staff", "staff_id": tone_id},
        {"kind": "staff", "staff_id": per_id, "contribution": "Økonomi"},
        {"kind": "nav", "name": "NAV Fjordby"}
    ]);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            Some(plan_body(
                tone_id,
                &goal,
                json!({"participants": participants}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let plan = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["access"], "shared");
    assert_eq!(r.json()["current"]["goals"][0]["text"], "Komme i arbeid");
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/goals"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "goal.read", "denied").await, 1);
    // The person withdraws consent to sharing (a revision with staff only): per no longer reads.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/revisions"),
            &tone,
            Some(plan_body(
                tone_id,
                &goal,
                json!({"share_consent": false, "participants": [{"kind": "staff", "staff_id": tone_id}, {"kind": "staff", "staff_id": per_id}]}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "plan.read", "denied").await, 1);
    // But the journal side still shows that a plan exists.
    let s = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/plan/status"),
            &per,
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.json()["exists"], true);
    assert_eq!(s.json()["may_read"], false);
    // Changing the plan needs health scope.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/revisions"),
            &per,
            Some(plan_body(tone_id, &goal, json!({}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "plan.revise", "denied").await, 1);
}

async fn bad_input_names_fields(t: &TestApp) {
    let (client, episode) = person_with_per(t).await;
    let tone = t.token("tone").await;
    let tone_id = t.staff_id("tone").await;
    let goal = add_goal(t, &tone, client, "Et mål").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/plan"),
            &tone,
            Some(plan_body(
                tone_id,
                &goal,
                json!({"period_end": day(-1), "coordinator_id": Uuid::now_v7(), "participants": [{"kind": "relative"}]}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields = err_field(&r);
    for f in ["period_end", "coordinator_id", "participants[0].name"] {
        assert!(fields.contains(&f.to_string()), "{f}: {}", r.text);
    }
    assert!(
        r.text
            .contains("Planperioden kan ikke slutte før den starter"),
        "{}",
        r.text
    );
    // A code outside its enum is a 422, never the default.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/goals"),
            &tone,
            Some(json!({"text": "x", "status": "forgotten"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Meeting: a due date before the meeting, an owner outside the team.
    let siri = t.staff_id("siri").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/rg-meetings"),
            &tone,
            Some(
                json!({"held_on": day(-5), "attendees": [tone_id], "minutes": "Referat",
                "tasks": [{"title": "Ringe NAV", "owner_id": tone_id, "due_on": day(-6)},
                          {"title": "Ringe lege", "owner_id": siri, "due_on": day(3)}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields = err_field(&r);
    assert!(
        fields.contains(&"tasks[0].due_on".to_string()),
        "{}",
        r.text
    );
    assert!(
        fields.contains(&"tasks[1].owner_id".to_string()),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("Fristen kan ikke være før møtet"),
        "{}",
        r.text
    );
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM rg_meetings WHERE episode_id = $1",
                benk_app::args![episode]
            )
            .await
            .unwrap(),
        0
    );
}

async fn refused_and_audited(t: &TestApp) {
    let (client, episode) = person_with_per(t).await;
    // Another team's lead: no access to the person at all.
    let siri = t.token("siri").await;
    for uri in [
        format!("/api/v1/clients/{client}/goals"),
        format!("/api/v1/clients/{client}/plan"),
        format!("/api/v1/clients/{client}/rg-meetings"),
    ] {
        let r = t.api(Method::GET, &uri, &siri, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}: {}", r.text);
    }
    assert_eq!(t.audit_count(client, "client.open", "denied").await, 3);
    // The NAV officer in the care team may not write goals or meetings (health content).
    let per = t.token("per").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/goals"),
            &per,
            Some(json!({"text": "Et mål"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "goal.create", "denied").await, 1);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/rg-meetings"),
            &per,
            Some(json!({"held_on": day(0)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "rg_meeting.create", "denied").await,
        1
    );
}

async fn meetings_and_my_tasks(t: &TestApp) {
    let (client, episode) = person_with_per(t).await;
    let tone = t.token("tone").await;
    let tone_id = t.staff_id("tone").await;
    let per = t.token("per").await;
    let per_id = t.staff_id("per").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/rg-meetings"),
            &tone,
            Some(json!({"held_on": day(-10), "attendees": [tone_id, per_id],
                "minutes": "Søvnen er bedre.", "decisions": "Ny søknad om bolig.",
                "tasks": [{"title": "Avklare økonomi med NAV", "owner_id": per_id, "due_on": day(-3)},
                          {"title": "Ringe boligkontoret", "owner_id": tone_id, "due_on": day(7)}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let meeting = r.json()["id"].as_str().unwrap().to_string();
    // Health personnel read the minutes; the NAV officer sees the day, attendance and tasks.
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/rg-meetings/{meeting}"),
            &tone,
            None,
        )
        .await
        .json();
    assert_eq!(m["minutes"], "Søvnen er bedre.");
    let m = t
        .api(
            Method::GET,
            &format!("/api/v1/rg-meetings/{meeting}"),
            &per,
            None,
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    let m = m.json();
    assert!(m["minutes"].is_null() && m["decisions"].is_null(), "{m}");
    assert_eq!(m["texts_withheld"], true);
    assert_eq!(m["attendees"].as_array().unwrap().len(), 2);
    assert_eq!(m["tasks"].as_array().unwrap().len(), 2);
    // Per's open tasks: the overdue one, with the person's name.
    let mine = t.api(Method::GET, "/api/v1/tasks/mine", &per, None).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    let mine = mine.json();
    let task = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "Avklare økonomi med NAV")
        .cloned()
        .expect("per's task");
    assert_eq!(task["overdue"], true);
    assert!(task["client_name"].is_string(), "{task}");
    // Per may close their own task, not tone's (audited).
    let own = task["id"].as_str().unwrap();
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/rg-tasks/{own}/status"),
            &per,
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let tones = m["tasks"][1]["id"].as_str().unwrap();
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/rg-tasks/{tones}/status"),
            &per,
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "rg_task.status", "denied").await, 1);
    let mine = t
        .api(Method::GET, "/api/v1/tasks/mine", &per, None)
        .await
        .json();
    assert!(
        !mine.as_array().unwrap().iter().any(|x| x["id"] == own),
        "a done task leaves the list: {mine}"
    );
    // The page.
    let b = t.login("tone", "benk-demo").await;
    let p = t.page(&b, "/tasks").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Ringe boligkontoret"), "{}", p.text);
}

async fn pages_keep_input(t: &TestApp) {
    let (client, episode) = person_with_per(t).await;
    let b = t.login("tone", "benk-demo").await;
    let person = t.page(&b, &format!("/clients/{client}")).await;
    assert_eq!(person.status, StatusCode::OK, "{}", person.text);
    assert!(
        person.text.contains("Plan og mål"),
        "the section on the person's page"
    );
    let p = t.page(&b, &format!("/clients/{client}/plan")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/goals"),
            &[("text", "Bo for meg selv")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let tone_id = t.staff_id("tone").await.to_string();
    let start = day(0);
    let end = day(-30);
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/plan/edit"),
            &[
                ("consent_on", &day(-1)),
                ("coordinator_id", &tone_id),
                ("period_start", &start),
                ("period_end", &end),
                ("resources", "Sterk vilje"),
                ("m0_description", "Hjemmebesøk"),
                ("m0_responsible", "Koordinator"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r
        .text
        .contains("Planperioden kan ikke slutte før den starter"));
    assert!(
        r.text.contains("Sterk vilje") && r.text.contains("Hjemmebesøk"),
        "typed values kept"
    );
    let end = day(300);
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/plan/edit"),
            &[
                ("consent_on", &day(-1)),
                ("coordinator_id", &tone_id),
                ("period_start", &start),
                ("period_end", &end),
                ("resources", "Sterk vilje"),
                ("m0_description", "Hjemmebesøk"),
                ("m0_responsible", "Koordinator"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let plan: (Uuid,) = t
        .db()
        .opt(
            "SELECT id FROM plans WHERE client_id = $1",
            benk_app::args![client],
        )
        .await
        .unwrap()
        .expect("plan made from the form");
    let print = t.page(&b, &format!("/plans/{}/versions/1", plan.0)).await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.text);
    assert!(print.text.contains("Hjemmebesøk") && print.text.contains("plan-print"));
    // The meeting form: a due date before the meeting is refused, values kept.
    let r = t
        .form(
            &b,
            &format!("/episodes/{episode}/rg-meetings/new"),
            &[
                ("held_on", &day(-2)),
                ("attendee", &tone_id),
                ("minutes", "Referat fra møtet"),
                ("t0_title", "Ringe legen"),
                ("t0_owner", &tone_id),
                ("t0_due", &day(-3)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("Fristen kan ikke være før møtet") && r.text.contains("Referat fra møtet")
    );
    let r = t
        .form(
            &b,
            &format!("/episodes/{episode}/rg-meetings/new"),
            &[
                ("held_on", &day(-2)),
                ("attendee", &tone_id),
                ("minutes", "Referat fra møtet"),
                ("t0_title", "Ringe legen"),
                ("t0_owner", &tone_id),
                ("t0_due", &day(3)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let m = t.page(&b, &r.location()).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    assert!(m.text.contains("Referat fra møtet") && m.text.contains("Ringe legen"));
}

async fn the_demo_plans(t: &TestApp) {
    for team in ["Samhandlingsteamet Fjordby", "Uteteamet Nordvik"] {
        let team = t.team_id(team).await;
        let n = t
            .db()
            .scalar_i64(
                "SELECT COUNT(*) FROM plans WHERE team_id = $1",
                benk_app::args![team],
            )
            .await
            .unwrap();
        assert!(n >= 2, "plans in the demo team: {n}");
    }
    assert!(t.count("SELECT COUNT(*) FROM goal_notes").await > 5);
    assert!(
        t.count("SELECT COUNT(*) FROM plan_versions WHERE version = 2")
            .await
            > 0
    );
    let tone = t.token("tone").await;
    let mine = t
        .api(Method::GET, "/api/v1/tasks/mine", &tone, None)
        .await
        .json();
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|x| x["overdue"] == true),
        "the team lead has overdue tasks in the demo: {mine}"
    );
}

on_both_backends!(
    create_read_revise,
    consent_rule_and_shared_participant,
    bad_input_names_fields,
    refused_and_audited,
    meetings_and_my_tasks,
    pages_keep_input,
    the_demo_plans,
);
