//! The privacy core: access only through an active care relationship, scope by
//! profession, and an audit row for every read, write and refusal.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use uuid::Uuid;

/// tone (team lead) registers a new person; she alone has a relationship to them.
async fn new_client(t: &TestApp, token: &str) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            token,
            Some(json!({"name": "Test Person", "birth_year": 1980})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

async fn unrelated_user_is_refused_on_every_client_route_and_audited(t: &TestApp) {
    let tone = t.token("tone").await;
    let ingrid = t.token("ingrid").await;
    let id = new_client(t, &tone).await;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/clients/{id}"), None),
        (
            Method::PUT,
            format!("/api/v1/clients/{id}"),
            Some(json!({"name": "Changed", "birth_year": 1980})),
        ),
        (
            Method::POST,
            format!("/api/v1/clients/{id}/entries"),
            Some(json!({"body": "snooping"})),
        ),
        (
            Method::GET,
            format!("/api/v1/clients/{id}/care-relationships"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/clients/{id}/care-relationships"),
            Some(
                json!({"staff_id": t.staff_id("ingrid").await, "valid_from": "2025-01-01", "reason": "self-granted"}),
            ),
        ),
        (
            Method::POST,
            format!(
                "/api/v1/clients/{id}/care-relationships/{}/end",
                tone_relationship(t, id).await
            ),
            None,
        ),
    ];
    for (i, (m, uri, body)) in calls.into_iter().enumerate() {
        let before = t
            .count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
            .await;
        let r = t.api(m.clone(), &uri, &ingrid, body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {uri}: {}", r.text);
        assert_eq!(r.json()["error"]["code"], "forbidden");
        let after = t
            .count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
            .await;
        assert_eq!(
            after,
            before + 1,
            "call {i} ({m} {uri}) was not audited as denied"
        );
    }
    // The browser routes refuse too, and audit.
    let b = t.login("ingrid", "benk-demo").await;
    for uri in [format!("/clients/{id}"), format!("/clients/{id}/edit")] {
        let r = t.page(&b, &uri).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(r.text.contains("behandlingsforhold"), "{}", r.text);
        assert!(
            !r.text.contains("Test Person"),
            "the refusal must not show the record"
        );
    }
    let ingrid_id = t.staff_id("ingrid").await.to_string();
    let rel = tone_relationship(t, id).await;
    for (uri, fields) in [
        (
            format!("/clients/{id}/edit"),
            vec![("name", "X"), ("birth_year", "1980")],
        ),
        (
            format!("/clients/{id}/draft"),
            vec![("action", "sign"), ("body", "snooping")],
        ),
        (
            format!("/clients/{id}/care"),
            vec![("staff_id", ingrid_id.as_str()), ("reason", "self-granted")],
        ),
        (format!("/clients/{id}/care/{rel}/end"), vec![]),
    ] {
        let before = t
            .count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
            .await;
        let r = t.form(&b, &uri, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {uri}");
        let after = t
            .count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
            .await;
        assert_eq!(after, before + 1, "POST {uri} was not audited as denied");
    }
    assert!(t.audit_count(id, "client.open", "denied").await >= 8);
    // tone's access was not ended and ingrid got none.
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM care_relationships WHERE client_id = $1 AND ended_at IS NOT NULL",
                benk_app::args![id],
            )
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        t.api(Method::GET, &format!("/api/v1/clients/{id}"), &ingrid, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Nothing changed.
    let name: (String,) = t
        .db()
        .opt(
            "SELECT name FROM clients WHERE id = $1",
            benk_app::args![id],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(name.0, "Test Person");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM record_entries WHERE body = 'snooping'")
            .await,
        0
    );
}

async fn tone_relationship(t: &TestApp, client: Uuid) -> Uuid {
    let (id,): (Uuid,) = t
        .db()
        .opt(
            "SELECT id FROM care_relationships WHERE client_id = $1",
            benk_app::args![client],
        )
        .await
        .unwrap()
        .unwrap();
    id
}

async fn unknown_client_is_404_and_audited(t: &TestApp) {
    let tone = t.token("tone").await;
    let id = Uuid::now_v7();
    let r = t
        .api(Method::GET, &format!("/api/v1/clients/{id}"), &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.audit_count(id, "client.open", "denied").await, 1);
    let r = t
        .api(Method::GET, "/api/v1/clients/not-a-uuid", &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn a_read_is_audited_with_who_where_why_and_what(t: &TestApp) {
    let tone = t.token("tone").await;
    let id = new_client(t, &tone).await;
    let r = t
        .api(Method::GET, &format!("/api/v1/clients/{id}"), &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    #[derive(sqlx::FromRow)]
    struct Row {
        actor_staff_id: Option<Uuid>,
        actor_hpr: Option<String>,
        actor_org_number: Option<String>,
        actor_role: Option<String>,
        actor_team_id: Option<Uuid>,
        purpose: Option<String>,
        resources: String,
        outcome: String,
        user_agent: Option<String>,
    }
    let row: Row = t.db()
        .opt(
            "SELECT actor_staff_id, actor_hpr, actor_org_number, actor_role, actor_team_id, purpose, resources, outcome, user_agent \
             FROM audit_events WHERE client_id = $1 AND action = 'client.read' ORDER BY seq DESC LIMIT 1",
            benk_app::args![id],
        )
        .await
        .unwrap()
        .expect("read was audited");
    assert_eq!(row.actor_staff_id, Some(t.staff_id("tone").await));
    assert!(row.actor_hpr.is_some(), "a nurse's HPR number is logged");
    assert_eq!(row.actor_org_number.as_deref().map(str::len), Some(9));
    assert_eq!(row.actor_role.as_deref(), Some("team_lead"));
    assert!(row.actor_team_id.is_some());
    assert_eq!(row.purpose.as_deref(), Some("TREAT"));
    assert!(
        row.resources.contains("record_entries"),
        "{}",
        row.resources
    );
    assert_eq!(row.outcome, "allowed");
    assert_eq!(row.user_agent.as_deref(), Some("benk-test/1"));
}

async fn non_health_staff_see_no_health_content(t: &TestApp) {
    let tone = t.token("tone").await;
    let per = t.token("per").await; // NAV officer
    let id = new_client(t, &tone).await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{id}/entries"),
            &tone,
            Some(json!({"body": "Helseopplysning"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let per_id = t.staff_id("per").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{id}/care-relationships"),
            &tone,
            Some(json!({"staff_id": per_id, "valid_from": benk_app::time::oslo_today().to_string(), "reason": "NAV-kontakt"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // tone (nurse) sees the entry; per sees name, contact and care team but no health content.
    let full = t
        .api(Method::GET, &format!("/api/v1/clients/{id}"), &tone, None)
        .await
        .json();
    assert_eq!(full["entries"][0]["body"], "Helseopplysning");
    let basic = t
        .api(Method::GET, &format!("/api/v1/clients/{id}"), &per, None)
        .await;
    assert_eq!(basic.status, StatusCode::OK);
    let basic = basic.json();
    assert_eq!(basic["client"]["name"], "Test Person");
    assert_eq!(basic["entries"], json!([]), "{basic}");
    assert_eq!(basic["health_entries_withheld"], true, "{basic}");
    assert!(basic["care_team"].as_array().unwrap().len() >= 2);
    assert!(!basic.to_string().contains("Helseopplysning"));
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{id}/entries"),
            &per,
            Some(json!({"body": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count(id, "record_entry.create", "denied").await, 1);
    // The HTML page says that something is withheld, not what.
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .text
        .contains("vises ikke for deg fordi du ikke er helsepersonell"));
    assert!(!page.text.contains("Helseopplysning<"), "entry text leaked");
    // The audit row of per's read lists no health resources.
    let res: (String,) = t.db()
        .opt(
            "SELECT resources FROM audit_events WHERE client_id = $1 AND action = 'client.read' AND actor_staff_id = $2 \
             AND resources LIKE '%record_entries%' ORDER BY seq DESC LIMIT 1",
            benk_app::args![id, per_id],
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        res.0.ends_with("record_entries:social,basis:care_team"),
        "{}",
        res.0
    );
}

async fn access_follows_the_care_relationship_and_ends_with_it(t: &TestApp) {
    let tone = t.token("tone").await;
    let ingrid = t.token("ingrid").await;
    let ingrid_id = t.staff_id("ingrid").await;
    let id = new_client(t, &tone).await;
    let url = format!("/api/v1/clients/{id}");
    assert_eq!(
        t.api(Method::GET, &url, &ingrid, None).await.status,
        StatusCode::FORBIDDEN
    );
    // A relationship that ended yesterday gives no access.
    let today = benk_app::time::oslo_today();
    let yesterday = today - chrono::Duration::days(1);
    let r = t
        .api(
            Method::POST,
            &format!("{url}/care-relationships"),
            &tone,
            Some(json!({"staff_id": ingrid_id, "valid_from": (today - chrono::Duration::days(30)).to_string(), "valid_to": yesterday.to_string(), "reason": "Gammel"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        t.api(Method::GET, &url, &ingrid, None).await.status,
        StatusCode::FORBIDDEN,
        "expired grant must not open"
    );
    // One starting tomorrow neither.
    let tomorrow = benk_app::time::oslo_today() + chrono::Duration::days(1);
    let r = t
        .api(
            Method::POST,
            &format!("{url}/care-relationships"),
            &tone,
            Some(json!({"staff_id": ingrid_id, "valid_from": tomorrow.to_string(), "reason": "Fremtidig"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        t.api(Method::GET, &url, &ingrid, None).await.status,
        StatusCode::FORBIDDEN,
        "future grant must not open"
    );
    // An active one opens the record.
    let r = t
        .api(
            Method::POST,
            &format!("{url}/care-relationships"),
            &tone,
            Some(json!({"staff_id": ingrid_id, "valid_from": today.to_string(), "reason": "Familiesamtaler"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let rid = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        t.api(Method::GET, &url, &ingrid, None).await.status,
        StatusCode::OK
    );
    // Ending it closes access at once.
    let r = t
        .api(
            Method::POST,
            &format!("{url}/care-relationships/{rid}/end"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        t.api(Method::GET, &url, &ingrid, None).await.status,
        StatusCode::FORBIDDEN
    );
    // The register keeps all four relationships (tone's own + three).
    let reg = t
        .api(
            Method::GET,
            &format!("{url}/care-relationships"),
            &tone,
            None,
        )
        .await
        .json();
    assert_eq!(reg.as_array().unwrap().len(), 4, "{reg}");
}

async fn a_team_relationship_opens_the_record_to_every_member(t: &TestApp) {
    let tone = t.token("tone").await;
    let jonas = t.token("jonas").await;
    let id = new_client(t, &tone).await;
    let team: (Uuid,) = t
        .db()
        .opt(
            "SELECT team_id FROM clients WHERE id = $1",
            benk_app::args![id],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t.api(Method::GET, &format!("/api/v1/clients/{id}"), &jonas, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{id}/care-relationships"),
            &tone,
            Some(json!({"team_id": team.0, "valid_from": benk_app::time::oslo_today().to_string(), "reason": "Teamet følger opp"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        t.api(Method::GET, &format!("/api/v1/clients/{id}"), &jonas, None)
            .await
            .status,
        StatusCode::OK
    );
}

async fn lists_show_only_clients_with_a_relationship(t: &TestApp) {
    let tone = t.token("tone").await;
    let ingrid = t.token("ingrid").await;
    let id = new_client(t, &tone).await;
    let mine = t
        .api(Method::GET, "/api/v1/clients?list=mine", &tone, None)
        .await
        .json();
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id.to_string()));
    let theirs = t
        .api(Method::GET, "/api/v1/clients", &ingrid, None)
        .await
        .json();
    assert!(!theirs
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id.to_string()));
    // Every client ingrid sees is one she has an active relationship with.
    let ingrid_id = t.staff_id("ingrid").await;
    for c in theirs.as_array().unwrap() {
        let cid: Uuid = c["id"].as_str().unwrap().parse().unwrap();
        assert!(
            benk_app::care::has_active_relationship(&t.app, &actor(t, ingrid_id).await, cid)
                .await
                .unwrap()
        );
    }
    // Search narrows by name, case-insensitively, including æøå.
    let r = t
        .api(Method::GET, "/api/v1/clients?q=test%20PERSON", &tone, None)
        .await
        .json();
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    // A list is audited ONCE: one row naming every client shown, with the basis.
    new_client(t, &tone).await;
    let before = t
        .db()
        .scalar_i64("SELECT COALESCE(MAX(seq), 0) FROM audit_events", vec![])
        .await
        .unwrap();
    let mine = t
        .api(Method::GET, "/api/v1/clients?list=mine", &tone, None)
        .await
        .json();
    let shown: Vec<Uuid> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(shown.len() > 1, "{mine}");
    let rows: Vec<(String, Option<Uuid>)> = t
        .db()
        .all(
            "SELECT resources, client_id FROM audit_events WHERE seq > $1 AND action = 'client.list_mine'",
            benk_app::args![before],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one audit row for the whole list: {rows:?}");
    assert_eq!(rows[0].1, None, "a list of many names no single client");
    let named = benk_app::audit::list_resources(&rows[0].0).expect("a list audit row");
    assert_eq!(
        named.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        shown,
        "the row names every client shown, in order"
    );
    assert!(
        named.iter().all(|(_, basis)| basis == "care_team"),
        "{named:?}"
    );
    assert!(
        rows[0]
            .0
            .starts_with("client:name,contact,keeping,appointment:next;clients:"),
        "{}",
        rows[0].0
    );
}

async fn actor(t: &TestApp, id: Uuid) -> benk_app::Actor {
    benk_app::staff::load_actor(&t.app, id, Default::default())
        .await
        .unwrap()
        .unwrap()
}

async fn a_revoked_or_unknown_token_is_401(t: &TestApp) {
    let r = t
        .api(Method::GET, "/api/v1/clients", "benk_nonsense", None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    let tone = t.token("tone").await;
    let toks = benk_app::auth::list_tokens(&t.app, t.staff_id("tone").await)
        .await
        .unwrap();
    let a = actor(t, t.staff_id("tone").await).await;
    benk_app::auth::revoke_token(&t.app, &a, toks[0].id)
        .await
        .unwrap();
    assert_eq!(
        t.api(Method::GET, "/api/v1/clients", &tone, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // No token at all.
    let r = t
        .send(
            axum::http::Request::get("/api/v1/clients")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// Forty reads at once by three users — one with a care relationship, one without, one of a
/// person that does not exist — each get their own answer (on PostgreSQL the checks of
/// concurrent requests are asked in one query: no answer may reach another request), and every
/// refusal is audited.
async fn parallel_checks_each_get_their_own_answer(t: &TestApp) {
    use tower::ServiceExt;
    let tone = t.token("tone").await;
    let ingrid = t.token("ingrid").await;
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(new_client(t, &tone).await);
    }
    let denied = || async {
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'",
                vec![],
            )
            .await
            .unwrap()
    };
    let before_denied = denied().await;
    let mut tasks = Vec::new();
    for i in 0..40usize {
        let (token, client, want) = match i % 4 {
            0 | 1 => (&tone, clients[i % clients.len()], StatusCode::OK),
            2 => (&ingrid, clients[i % clients.len()], StatusCode::FORBIDDEN),
            _ => (&tone, Uuid::now_v7(), StatusCode::NOT_FOUND),
        };
        let req = axum::http::Request::get(format!("/api/v1/clients/{client}"))
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let router = t.router.clone();
        tasks.push(tokio::spawn(async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            (
                i,
                client,
                want,
                status,
                String::from_utf8_lossy(&body).into_owned(),
            )
        }));
    }
    for task in tasks {
        let (i, client, want, status, body) = task.await.unwrap();
        assert_eq!(status, want, "request {i}: {body}");
        if status == StatusCode::OK {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["client"]["id"], json!(client.to_string()), "request {i}");
        }
    }
    assert_eq!(
        denied().await - before_denied,
        20,
        "ten refusals and ten unknown persons"
    );
}

on_both_backends!(
    unrelated_user_is_refused_on_every_client_route_and_audited,
    unknown_client_is_404_and_audited,
    a_read_is_audited_with_who_where_why_and_what,
    non_health_staff_see_no_health_content,
    access_follows_the_care_relationship_and_ends_with_it,
    a_team_relationship_opens_the_record_to_every_member,
    lists_show_only_clients_with_a_relationship,
    a_revoked_or_unknown_token_is_401,
    parallel_checks_each_get_their_own_answer,
);
