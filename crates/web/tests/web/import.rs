//! Import (issue 10) from the page and the JSON API. The page: a file is checked first
//! (every bad row in a table with its line, column and reason; nothing saved), then the
//! checked file is imported in one go; a worker is refused and audited. The API: a dry run
//! writes nothing, a real run imports, a re-run skips, row errors in the asked language,
//! refused actors audited; a registry import and parallel API stays never leave an overlap.
//! Both backends. The importer itself is tested through the command line in
//! `crates/cli/tests/cli/import.rs`.

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{synthetic_fnr, Browser, Resp, TestApp};
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    the_page_checks_first_then_imports_what_was_checked,
    a_worker_is_refused_and_the_refusal_is_audited,
    the_api_checks_imports_and_skips_what_is_there,
    the_api_refuses_and_audits_who_may_not_import,
    a_registry_import_and_parallel_api_stays_leave_no_overlap,
);

const BOUNDARY: &str = "benkimporttestboundary";

async fn upload(t: &TestApp, b: &Browser, fields: &[(&str, &str)]) -> Resp {
    let mut body = String::new();
    let mut all: Vec<(&str, &str)> = vec![("_csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    for (k, v) in all {
        let disposition = if k == "file" {
            "form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv"
                .to_string()
        } else {
            format!("form-data; name=\"{k}\"")
        };
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    t.send(
        Request::post("/team/import")
            .header(header::COOKIE, &b.cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::ACCEPT_LANGUAGE, "nb")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn people(rows: &str) -> String {
    format!("external_id;name;national_id;referral_date;agency_kind;inclusion_date;level\n{rows}")
}

async fn imported(t: &TestApp) -> i64 {
    t.count("SELECT COUNT(*) FROM clients WHERE external_id IS NOT NULL")
        .await
}

async fn the_page_checks_first_then_imports_what_was_checked(t: &TestApp) {
    let b = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, "/team/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Importer fra regneark"), "{}", page.text);
    let team = t.page(&b, "/team").await;
    assert!(team.text.contains("href=\"/team/import\""));

    // A bad file: every bad row in the table, nothing saved.
    let bad = people("x1;Anne Hansen;12345678901;2025-01-10;gp;15.01.2025;1\nx2;;;2025-01-10;alien;2025-01-15;2\n");
    let r = upload(
        t,
        &b,
        &[("kind", "people"), ("action", "check"), ("file", &bad)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Ingenting er lagret"), "{}", r.text);
    for cell in [
        "<code>national_id</code>",
        "<code>name</code>",
        "<code>agency_kind</code>",
        "<code>ordinary_service</code>",
    ] {
        assert!(r.text.contains(cell), "{cell}: {}", r.text);
    }
    assert!(
        r.text.contains(">2</td>") && r.text.contains(">3</td>"),
        "{}",
        r.text
    );
    assert_eq!(imported(t).await, 0);

    // A good file: checked, nothing saved yet, and an import form carrying the file.
    let good = people(&format!(
        "x1;Anne Hansen;{};2025-01-10;gp;15.01.2025;1\n",
        synthetic_fnr(901)
    ));
    let r = upload(
        t,
        &b,
        &[("kind", "people"), ("action", "check"), ("file", &good)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("Filen er i orden"), "{}", r.text);
    assert!(r.text.contains("name=\"content\""), "{}", r.text);
    assert_eq!(imported(t).await, 0);
    let r = upload(
        t,
        &b,
        &[("kind", "people"), ("action", "import"), ("content", &good)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("Importert."), "{}", r.text);
    assert_eq!(imported(t).await, 1);
    // Again: nothing new.
    let r = upload(
        t,
        &b,
        &[("kind", "people"), ("action", "import"), ("content", &good)],
    )
    .await;
    assert!(r.text.contains("importert fra før"), "{}", r.text);
    assert_eq!(imported(t).await, 1);
    // No file: the form says so.
    let r = upload(t, &b, &[("kind", "people"), ("action", "check")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Velg en fil."));
}

async fn a_worker_is_refused_and_the_refusal_is_audited(t: &TestApp) {
    let b = t.login("per", benk_app::demo::DEMO_PASSWORD).await;
    let good = people(&format!(
        "x1;Anne Hansen;{};2025-01-10;gp;15.01.2025;1\n",
        synthetic_fnr(902)
    ));
    let r = upload(
        t,
        &b,
        &[("kind", "people"), ("action", "check"), ("file", &good)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(imported(t).await, 0);
    let refused = t
        .count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'import.people' AND outcome = 'denied' \
             AND resources LIKE '%none:not_permitted%'",
        )
        .await;
    assert_eq!(refused, 1);
}

/// `POST /api/v1/import/{kind}{query}` with `csv` as the body.
async fn api_import(t: &TestApp, token: &str, kind: &str, query: &str, csv: &str) -> Resp {
    t.send(
        Request::post(format!("/api/v1/import/{kind}{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(header::ACCEPT_LANGUAGE, "nb")
            .body(Body::from(csv.to_string()))
            .unwrap(),
    )
    .await
}

async fn audit_rows(t: &TestApp, action: &str, outcome: &str, like: &str) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND outcome = $2 AND resources LIKE $3",
            benk_app::args![action, outcome, like],
        )
        .await
        .unwrap()
}

async fn the_api_checks_imports_and_skips_what_is_there(t: &TestApp) {
    let tone = t.token("tone").await;
    let good = people(&format!(
        "a1;Anne Hansen;{};2025-01-10;gp;15.01.2025;1\na2;Bjørn Berg;{};2025-02-03;nav;2025-02-20;2\n",
        synthetic_fnr(911),
        synthetic_fnr(912)
    ));
    // The second row lacks the ordinary service a level 2 names; a dry run names it, in
    // English when asked, and writes nothing. A real run of the same file writes nothing.
    let r = api_import(t, &tone, "people", "?dry_run=true&lang=en", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = r.json();
    assert_eq!(j["dry_run"], true);
    assert_eq!(j["rows"], 2);
    assert_eq!(j["imported"], 0);
    assert_eq!(j["written"], false);
    let errors = j["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], "ordinary_service");
    let en = errors[0]["message"].as_str().unwrap().to_string();
    // The same file in Norwegian (Accept-Language): another text for the same row.
    let r = api_import(t, &tone, "people", "?dry_run=true", &good).await;
    let nb = r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(en, nb);
    assert_eq!(imported(t).await, 0);

    let good = good.replace("2025-02-20;2", "2025-02-20;1");
    let r = api_import(t, &tone, "people", "?dry_run=true", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = r.json();
    assert_eq!(
        (j["imported"].as_u64(), j["written"].as_bool()),
        (Some(2), Some(false))
    );
    assert_eq!(imported(t).await, 0, "a dry run writes nothing");
    assert_eq!(
        audit_rows(t, "import.people", "allowed", "%dry_run%").await,
        1
    );

    let r = api_import(t, &tone, "people", "", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = r.json();
    assert_eq!(j["imported"], 2);
    assert_eq!(j["written"], true);
    assert_eq!(imported(t).await, 2);
    assert_eq!(
        audit_rows(
            t,
            "import.people",
            "allowed",
            "%imported:2,already_imported:0%"
        )
        .await,
        1
    );

    // Again: both skipped, nothing new written.
    let r = api_import(t, &tone, "people", "?dry_run=false", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = r.json();
    assert_eq!(
        (j["imported"].as_u64(), j["already_imported"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(imported(t).await, 2);

    // Not CSV, an unknown kind, an unknown parameter.
    let r = t
        .api(
            Method::POST,
            "/api/v1/import/people",
            &tone,
            Some(json!({"a": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    let r = api_import(t, &tone, "plans", "", &good).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = api_import(t, &tone, "people", "?lang=de", &good).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

/// A NAV officer (not health personnel) made an intake member of Tone's team.
async fn nav_intake_member(t: &TestApp) -> String {
    let eva = t.token("eva").await;
    let (org, team): (Uuid, Uuid) = t
        .db()
        .opt(
            "SELECT s.home_org_id, m.team_id FROM staff s JOIN team_memberships m ON m.staff_id = s.id \
             WHERE s.id = $1",
            benk_app::args![t.staff_id("per").await],
        )
        .await
        .unwrap()
        .unwrap();
    let r = t
        .api(
            Method::POST,
            "/api/v1/staff",
            &eva,
            Some(
                json!({"username": "nora", "password": "et-langt-passord", "name": "Nora Nav",
                "profession": "nav_officer", "home_org_id": org, "team_id": team,
                "role": "intake_member", "fte": 20}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    t.token("nora").await
}

async fn the_api_refuses_and_audits_who_may_not_import(t: &TestApp) {
    let registry = format!(
        "external_id;national_id;kind;starts_on;place\nr1;{};emergency;2025-03-01;emergency_clinic\n",
        synthetic_fnr(921)
    );
    // A worker, a NAV officer in the intake team, another team's lead (naming Tone's
    // team): refused, audited with the reason, nothing written.
    let fjordby = t.team_id("Samhandlingsteamet Fjordby").await;
    for (user, why) in [
        ("per".to_string(), "none:not_permitted"),
        ("nav".to_string(), "none:health_content_not_in_scope"),
        ("siri".to_string(), "none:not_permitted"),
    ] {
        let token = if user == "nav" {
            nav_intake_member(t).await
        } else {
            t.token(&user).await
        };
        for dry in ["?dry_run=true&", "?"] {
            let q = format!("{dry}team={fjordby}");
            let r = api_import(t, &token, "registry", &q, &registry).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}: {}", r.text);
        }
        let staff = t
            .staff_id(if user == "nav" { "nora" } else { user.as_str() })
            .await;
        let n: i64 = t
            .db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 \
                 AND action = 'import.registry' AND outcome = 'denied' AND resources LIKE $2",
                benk_app::args![staff, format!("%import:registry,{why}")],
            )
            .await
            .unwrap();
        assert_eq!(n, 2, "{user}");
    }
    assert_eq!(
        t.count("SELECT COUNT(*) FROM registry_events WHERE source = 'import'")
            .await,
        0
    );
}

/// A person of Tone's team with a national id (as the registry file names them).
async fn person(t: &TestApp, tone: &str, name: &str, fnr: &str) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            tone,
            Some(json!({"name": name, "national_id": fnr})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

async fn a_registry_import_and_parallel_api_stays_leave_no_overlap(t: &TestApp) {
    let tone = t.token("tone").await;
    let fnr = synthetic_fnr(931);
    let c = person(t, &tone, "Oda Overlapp", &fnr).await;
    let day = |n: i64| (benk_app::time::oslo_today() - chrono::Duration::days(n)).to_string();
    // The file's stay: 40 to 30 days ago.
    let file = format!(
        "external_id;national_id;kind;starts_on;ends_on;institution\nrace1;{fnr};inpatient;{};{};DPS Fjordby\n",
        day(40),
        day(30)
    );
    // The import reads the team's stays (none), then, before it writes, an API stay that
    // overlaps the file's is stored: the check inside the writer command sees it.
    let staff = t.staff_id("tone").await;
    let actor = benk_app::staff::load_actor(&t.app, staff, Default::default())
        .await
        .unwrap()
        .unwrap();
    let team = actor.acting().unwrap().team_id;
    let (checked_tx, checked_rx) = tokio::sync::oneshot::channel::<()>();
    let checked_tx = std::sync::Mutex::new(Some(checked_tx));
    let (stored_tx, stored_rx) = std::sync::mpsc::channel::<()>();
    let stored_rx = std::sync::Mutex::new(stored_rx);
    let progress = |done: usize, all: usize| {
        if done == all {
            if let Some(tx) = checked_tx.lock().unwrap().take() {
                tx.send(()).unwrap();
                stored_rx.lock().unwrap().recv().unwrap();
            }
        }
    };
    // Its own task: the import blocks its thread in `progress` until the stay is stored.
    let router = t.router.clone();
    let body = json!({"admitted_on": day(35), "discharged_on": day(25),
        "institution": "Sykehuset", "compulsory": false});
    let req = Request::post(format!("/api/v1/clients/{c}/registry-events/inpatient"))
        .header(header::AUTHORIZATION, format!("Bearer {tone}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let api = tokio::spawn(async move {
        use tower::ServiceExt;
        checked_rx.await.unwrap();
        let status = router.oneshot(req).await.unwrap().status();
        stored_tx.send(()).unwrap();
        status
    });
    let import = benk_app::import::run(
        &t.app,
        &actor,
        team,
        benk_app::import::ImportKind::Registry,
        file.as_bytes(),
        false,
        &progress,
    );
    let report = import.await.unwrap();
    assert_eq!(api.await.unwrap(), StatusCode::CREATED);
    assert!(!report.written);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].line, 2);
    assert_eq!(report.errors[0].column.as_deref(), Some("starts_on"));
    assert_eq!(
        audit_rows(t, "import.registry", "denied", "%nothing_written%errors:1").await,
        1
    );

    // Another person: forty API stays and the file at once, all overlapping: one stored.
    let fnr = synthetic_fnr(932);
    let c = person(t, &tone, "Pål Parallell", &fnr).await;
    let file = format!(
        "external_id;national_id;kind;starts_on;ends_on;institution\nrace2;{fnr};inpatient;{};{};DPS Fjordby\n",
        day(40),
        day(30)
    );
    let mut tasks = Vec::new();
    for i in 0..41 {
        let router = t.router.clone();
        let req = if i == 20 {
            Request::post("/api/v1/import/registry")
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(file.clone()))
        } else {
            let body = json!({"admitted_on": day(38), "discharged_on": day(32),
                "institution": format!("Avdeling {i}"), "compulsory": false});
            Request::post(format!("/api/v1/clients/{c}/registry-events/inpatient"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
        };
        let mut req = req.unwrap();
        req.headers_mut().insert(
            header::AUTHORIZATION,
            format!("Bearer {tone}").parse().unwrap(),
        );
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            router.oneshot(req).await.unwrap().status()
        }));
    }
    for task in tasks {
        let s = task.await.unwrap();
        assert!(
            s == StatusCode::CREATED
                || s == StatusCode::OK
                || s == StatusCode::UNPROCESSABLE_ENTITY,
            "{s}"
        );
    }
    let current = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM registry_events r WHERE r.client_id = $1 AND r.kind = 'inpatient' \
             AND NOT r.retracted AND NOT EXISTS (SELECT 1 FROM registry_events n WHERE n.supersedes_id = r.id)",
            benk_app::args![c],
        )
        .await
        .unwrap();
    assert_eq!(current, 1, "every stay overlaps every other: one is stored");
}
