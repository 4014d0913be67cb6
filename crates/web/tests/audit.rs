//! The audit chain: verifies after real use, stays linear under concurrent
//! writers, and any edit, deletion, insertion or reordering is found.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

async fn verify(t: &TestApp) -> Option<benk_app::audit::Break> {
    benk_app::audit::verify(&t.app.db, |_, _| {})
        .await
        .unwrap()
        .first_break
}

async fn concurrent_writers_keep_one_linear_chain(t: &TestApp) {
    let tokens = [
        t.token("tone").await,
        t.token("hanne").await,
        t.token("sara").await,
    ];
    let mut tasks = Vec::new();
    for i in 0..60 {
        let router = t.router.clone();
        let token = tokens[i % 3].clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/clients")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    json!({"name": format!("Samtidig {i}"), "birth_year": 1970 + (i % 30)})
                        .to_string(),
                ))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(verify(t).await, None);
    let n = t.count("SELECT COUNT(*) FROM audit_events").await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    assert_eq!(n, max, "seq has no gaps");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create'")
            .await,
        60
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM clients WHERE name LIKE 'Samtidig %'")
            .await,
        60
    );
}

async fn a_failing_write_in_a_batch_loses_only_itself(t: &TestApp) {
    let tone = t.token("tone").await;
    let dup = common::synthetic_fnr(60);
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "Først", "national_id": dup})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let before = t.count("SELECT COUNT(*) FROM clients").await;
    // Good and bad writes at once, so they share group-commit batches.
    let mut tasks = Vec::new();
    for i in 0..40u32 {
        let router = t.router.clone();
        let token = tone.clone();
        let body = if i % 4 == 0 {
            json!({"name": format!("Dublett {i}"), "national_id": dup})
        } else {
            json!({"name": format!("Blandet {i}"), "national_id": common::synthetic_fnr(100 + i)})
        };
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/clients")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            (i, router.oneshot(req).await.unwrap().status())
        }));
    }
    for task in tasks {
        let (i, status) = task.await.unwrap();
        let expected = if i % 4 == 0 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::CREATED
        };
        assert_eq!(status, expected, "request {i}");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM clients").await, before + 30);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create' AND outcome = 'allowed'")
            .await,
        31
    );
    assert_eq!(verify(t).await, None);
}

async fn two_servers_on_one_database_keep_one_chain(t: &TestApp) {
    // A second process's writer (here: a second App on the same database).
    let other = benk_app::App::open(
        &benk_app::db::DbOptions::new(t.url.clone()),
        benk_app::Settings::default(),
    )
    .await
    .unwrap();
    let a = benk_app::staff::load_actor(&t.app, t.staff_id("tone").await, Default::default())
        .await
        .unwrap()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let app = if i % 2 == 0 {
            t.app.clone()
        } else {
            other.clone()
        };
        let a = a.clone();
        tasks.push(tokio::spawn(async move {
            let team = a.memberships[0].team_id;
            let input = benk_app::clients::ClientInput {
                name: benk_domain::PersonName::parse(&format!("To skrivere {i}")).unwrap(),
                national_id: None,
                birth_year: Some(benk_domain::BirthYear::parse(1980, 2026).unwrap()),
                phone: None,
                municipality: None,
            };
            benk_app::clients::create(&app, &a, team, uuid::Uuid::now_v7(), input, vec![])
                .await
                .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(verify(t).await, None);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events").await,
        t.count("SELECT MAX(seq) FROM audit_events").await
    );
    other.db.close().await;
}

async fn some_activity(t: &TestApp) {
    let tone = t.token("tone").await;
    for i in 0..5 {
        let r = t
            .api(
                Method::POST,
                "/api/v1/clients",
                &tone,
                Some(json!({"name": format!("P{i}"), "birth_year": 1980})),
            )
            .await;
        let id = r.json()["id"].as_str().unwrap().to_string();
        t.api(Method::GET, &format!("/api/v1/clients/{id}"), &tone, None)
            .await;
    }
    assert_eq!(verify(t).await, None);
}

async fn an_edited_row_is_found(t: &TestApp) {
    some_activity(t).await;
    t.app
        .db
        .execute_unaudited(
            "UPDATE audit_events SET action = 'client.list' WHERE seq = 5",
            vec![],
        )
        .await
        .unwrap();
    let b = verify(t).await.expect("edit detected");
    assert_eq!(b.seq, 5, "{b:?}");
}

async fn a_changed_hash_is_found_at_the_next_row(t: &TestApp) {
    some_activity(t).await;
    // Re-hashing one row to hide an edit breaks the link to the next one.
    t.app
        .db
        .execute_unaudited(
            "UPDATE audit_events SET outcome = 'denied' WHERE seq = 4",
            vec![],
        )
        .await
        .unwrap();
    let rows: Vec<benk_app::audit::AuditRow> = t
        .app
        .db
        .all(
            "SELECT seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, actor_role, actor_team_id, client_id, \
             purpose, action, resources, outcome, ip, user_agent, prev_hash, hash FROM audit_events WHERE seq = 4",
            vec![],
        )
        .await
        .unwrap();
    let new_hash = rows[0].expected_hash();
    t.app
        .db
        .execute_unaudited(
            "UPDATE audit_events SET hash = $1 WHERE seq = 4",
            benk_app::args![new_hash],
        )
        .await
        .unwrap();
    let b = verify(t).await.expect("detected");
    assert_eq!(b.seq, 5, "{b:?}");
}

async fn a_deleted_row_is_found(t: &TestApp) {
    some_activity(t).await;
    t.app
        .db
        .execute_unaudited("DELETE FROM audit_events WHERE seq = 7", vec![])
        .await
        .unwrap();
    assert_eq!(verify(t).await.expect("deletion detected").seq, 7);
}

async fn deleting_the_newest_rows_is_found(t: &TestApp) {
    some_activity(t).await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    t.app
        .db
        .execute_unaudited(
            "DELETE FROM audit_events WHERE seq > $1",
            benk_app::args![max - 2],
        )
        .await
        .unwrap();
    assert_eq!(
        verify(t).await.expect("tail deletion detected").seq,
        max - 1
    );
}

async fn an_inserted_row_is_found(t: &TestApp) {
    some_activity(t).await;
    // Make room by moving the tail up one, then insert a forged row at 6.
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    for s in (6..=max).rev() {
        t.app
            .db
            .execute_unaudited(
                "UPDATE audit_events SET seq = seq + 1 WHERE seq = $1",
                benk_app::args![s],
            )
            .await
            .unwrap();
    }
    t.app
        .db
        .execute_unaudited(
            "INSERT INTO audit_events (seq, id, at, action, resources, outcome, prev_hash, hash) \
             SELECT 6, $1, at, 'client.read', 'client:basic', 'allowed', hash, hash FROM audit_events WHERE seq = 5",
            benk_app::args![uuid::Uuid::now_v7()],
        )
        .await
        .unwrap();
    assert_eq!(verify(t).await.expect("insertion detected").seq, 6);
}

async fn a_row_appended_after_the_head_is_found(t: &TestApp) {
    some_activity(t).await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    t.app
        .db
        .execute_unaudited(
            "INSERT INTO audit_events (seq, id, at, action, resources, outcome, prev_hash, hash) \
             SELECT seq + 1, $1, at, 'client.read', 'client:basic', 'allowed', hash, hash FROM audit_events WHERE seq = $2",
            benk_app::args![uuid::Uuid::now_v7(), max],
        )
        .await
        .unwrap();
    assert_eq!(verify(t).await.expect("appended row detected").seq, max + 1);
}

async fn swapped_rows_are_found(t: &TestApp) {
    some_activity(t).await;
    t.app
        .db
        .execute_unaudited("UPDATE audit_events SET seq = -1 WHERE seq = 3", vec![])
        .await
        .unwrap();
    t.app
        .db
        .execute_unaudited("UPDATE audit_events SET seq = 3 WHERE seq = 4", vec![])
        .await
        .unwrap();
    t.app
        .db
        .execute_unaudited("UPDATE audit_events SET seq = 4 WHERE seq = -1", vec![])
        .await
        .unwrap();
    assert_eq!(verify(t).await.expect("reordering detected").seq, 3);
}

async fn team_shows_staff_by_employer_with_fte_sums(t: &TestApp) {
    let tone = t.token("tone").await;
    let teams = t
        .api(Method::GET, "/api/v1/teams", &tone, None)
        .await
        .json();
    let id = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == benk_app::demo::DEMO_TEAM)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let team = t
        .api(Method::GET, &format!("/api/v1/teams/{id}"), &tone, None)
        .await
        .json();
    assert_eq!(team["owners"].as_array().unwrap().len(), 3);
    let groups = team["staff_by_employer"].as_array().unwrap();
    let sum = |name: &str| {
        groups
            .iter()
            .find(|g| g["org_name"].as_str().unwrap().contains(name))
            .unwrap()["fte_sum"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(sum("kommune"), 100 + 50 + 40 + 40 + 80 + 10);
    assert_eq!(sum("DPS"), 50 + 30 + 20 + 50 + 30 + 10);
    assert_eq!(sum("NAV"), 40);
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, "/team").await;
    assert!(
        page.text.contains("3,2 årsverk"),
        "municipality positions in Norwegian decimals"
    );
}

async fn administration_is_for_administrators(t: &TestApp) {
    let tone = t.token("tone").await;
    let eva = t.token("eva").await;
    let body = json!({"name": "Testby kommune", "kind": "municipality", "org_number": "974760673"});
    assert_eq!(
        t.api(
            Method::POST,
            "/api/v1/organisations",
            &tone,
            Some(body.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            &eva,
            Some(json!({"name": "X", "kind": "municipality", "org_number": "974760674"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "org_number");
    let r = t
        .api(Method::POST, "/api/v1/organisations", &eva, Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let org = r.json()["id"].as_str().unwrap().to_string();
    let team = t.api(Method::GET, "/api/v1/teams", &eva, None).await.json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .api(
            Method::POST,
            "/api/v1/staff",
            &eva,
            Some(json!({"username": "nyansatt", "password": "langt-passord-1", "name": "Ny Ansatt", "profession": "nurse",
                        "home_org_id": org, "team_id": team, "role": "worker", "fte": 120})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "fte");
    let r = t
        .api(
            Method::POST,
            "/api/v1/staff",
            &eva,
            Some(json!({"username": "nyansatt", "password": "langt-passord-1", "name": "Ny Ansatt", "profession": "nurse",
                        "home_org_id": org, "team_id": team, "role": "worker", "fte": 30})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        t.api(Method::GET, "/api/v1/staff", &tone, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let staff = t.api(Method::GET, "/api/v1/staff", &eva, None).await.json();
    assert!(staff
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["username"] == "nyansatt"));
    // The new user can log in.
    t.login("nyansatt", "langt-passord-1").await;
}

async fn health_check_reports_the_database(t: &TestApp) {
    let r = t
        .send(
            axum::http::Request::get("/healthz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"status": "ok", "database": "ok"}));
    t.app.db.close().await;
    let r = t
        .send(
            axum::http::Request::get("/healthz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["database"], "unreachable");
}

async fn a_server_error_shows_an_incident_id_and_no_internals(t: &TestApp) {
    let b = t.login("tone", "benk-demo").await;
    let tone = t.token("tone").await;
    t.app.db.close().await;
    let page = t.page(&b, "/").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.text.contains("Hendelses-ID"), "{}", page.text);
    let api = t.api(Method::GET, "/api/v1/clients", &tone, None).await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    let e = api.json();
    assert_eq!(e["error"]["code"], "internal");
    assert!(e["error"]["incident"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    for leak in ["sqlx", "pool", "SELECT", "database:", ".rs"] {
        assert!(
            !page.text.contains(leak) && !api.text.contains(leak),
            "{leak} leaked: {} / {}",
            page.text,
            api.text
        );
    }
}

async fn openapi_document_is_served(t: &TestApp) {
    let r = t
        .send(
            axum::http::Request::get("/api/v1/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for p in [
        "/clients",
        "/clients/{id}",
        "/clients/{id}/care-relationships",
        "/organisations",
        "/teams",
        "/staff",
    ] {
        assert!(doc["paths"][p].is_object(), "missing {p}");
    }
}

on_both_backends!(
    concurrent_writers_keep_one_linear_chain,
    two_servers_on_one_database_keep_one_chain,
    a_failing_write_in_a_batch_loses_only_itself,
    an_edited_row_is_found,
    a_changed_hash_is_found_at_the_next_row,
    a_deleted_row_is_found,
    deleting_the_newest_rows_is_found,
    an_inserted_row_is_found,
    swapped_rows_are_found,
    a_row_appended_after_the_head_is_found,
    team_shows_staff_by_employer_with_fte_sums,
    administration_is_for_administrators,
    health_check_reports_the_database,
    openapi_document_is_served,
    a_server_error_shows_an_incident_id_and_no_internals,
);
