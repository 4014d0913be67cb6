//! The import page (issue 10): a file is checked first (every bad row in a table with its
//! line, column and reason; nothing saved), then the checked file is imported in one go; a
//! worker is refused and audited. Both backends. The importer itself is tested through the
//! command line in `crates/cli/tests/import.rs`.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{synthetic_fnr, Browser, Resp, TestApp};

on_both_backends!(
    the_page_checks_first_then_imports_what_was_checked,
    a_worker_is_refused_and_the_refusal_is_audited,
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
