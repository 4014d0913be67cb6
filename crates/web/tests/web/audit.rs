//! The audit chain: verifies after real use, stays linear under concurrent
//! writers, and any edit, deletion, insertion or reordering is found. The
//! database refuses to change or delete audit rows; an attacker who drops
//! those triggers and cuts or re-hashes the chain consistently passes the
//! plain walk but not the signed checkpoints.

use crate::common;

use axum::http::{Method, StatusCode};
use benk_app::audit::checkpoint::{self, AuditKey, Numbered};
use benk_app::audit::AuditRow;
use common::{Backend, TestApp};
use serde_json::json;

async fn verify(t: &TestApp) -> Option<benk_app::audit::Break> {
    benk_app::audit::verify(&t.app, |_, _| {})
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
            StatusCode::CONFLICT
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
            let team = a.memberships()[0].team_id;
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
    other.close().await;
}

/// What an attacker with write access to the database does first: the
/// append-only triggers are in the way of any rewrite.
async fn drop_append_only_triggers(t: &TestApp) {
    let triggers = [
        ("audit_events_no_update", "audit_events"),
        ("audit_events_no_delete", "audit_events"),
        ("audit_head_forward_only", "audit_head"),
        ("audit_head_no_delete", "audit_head"),
    ];
    for (trigger, table) in triggers {
        let sql = match t.backend {
            Backend::Sqlite => format!("DROP TRIGGER IF EXISTS {trigger}"),
            Backend::Postgres => format!("DROP TRIGGER IF EXISTS {trigger} ON {table}"),
        };
        t.db().execute_unaudited(&sql, vec![]).await.unwrap();
    }
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
    drop_append_only_triggers(t).await;
    t.db()
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
    drop_append_only_triggers(t).await;
    // Re-hashing one row to hide an edit breaks the link to the next one.
    t.db()
        .execute_unaudited(
            "UPDATE audit_events SET outcome = 'denied' WHERE seq = 4",
            vec![],
        )
        .await
        .unwrap();
    let rows: Vec<benk_app::audit::AuditRow> = t.db()
        .all(
            "SELECT seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, actor_role, actor_team_id, client_id, \
             purpose, action, resources, outcome, ip, user_agent, prev_hash, hash FROM audit_events WHERE seq = 4",
            vec![],
        )
        .await
        .unwrap();
    let new_hash = rows[0].expected_hash();
    t.db()
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
    drop_append_only_triggers(t).await;
    t.db()
        .execute_unaudited("DELETE FROM audit_events WHERE seq = 7", vec![])
        .await
        .unwrap();
    assert_eq!(verify(t).await.expect("deletion detected").seq, 7);
}

async fn deleting_the_newest_rows_is_found(t: &TestApp) {
    some_activity(t).await;
    drop_append_only_triggers(t).await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    t.db()
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
    drop_append_only_triggers(t).await;
    // Make room by moving the tail up one, then insert a forged row at 6.
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    for s in (6..=max).rev() {
        t.db()
            .execute_unaudited(
                "UPDATE audit_events SET seq = seq + 1 WHERE seq = $1",
                benk_app::args![s],
            )
            .await
            .unwrap();
    }
    t.db()
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
    drop_append_only_triggers(t).await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    t.db()
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
    drop_append_only_triggers(t).await;
    t.db()
        .execute_unaudited("UPDATE audit_events SET seq = -1 WHERE seq = 3", vec![])
        .await
        .unwrap();
    t.db()
        .execute_unaudited("UPDATE audit_events SET seq = 3 WHERE seq = 4", vec![])
        .await
        .unwrap();
    t.db()
        .execute_unaudited("UPDATE audit_events SET seq = 4 WHERE seq = -1", vec![])
        .await
        .unwrap();
    assert_eq!(verify(t).await.expect("reordering detected").seq, 3);
}

async fn the_database_refuses_to_change_or_delete_audit_rows(t: &TestApp) {
    some_activity(t).await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    // Through an ordinary connection, as any code in the server would.
    for sql in [
        "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 3",
        "UPDATE audit_events SET outcome = 'allowed'",
        "DELETE FROM audit_events WHERE seq = 3",
        "DELETE FROM audit_events",
        "UPDATE audit_head SET seq = 1",
        "DELETE FROM audit_head",
    ] {
        let err = t
            .db()
            .execute_unaudited(sql, vec![])
            .await
            .expect_err(sql)
            .to_string();
        assert!(
            err.contains("append-only")
                || err.contains("only moves forward")
                || err.contains("cannot be deleted"),
            "{sql}: {err}"
        );
    }
    if t.backend == Backend::Postgres {
        let err = t
            .db()
            .execute_unaudited("TRUNCATE audit_events", vec![])
            .await
            .expect_err("truncate");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(t.count("SELECT MAX(seq) FROM audit_events").await, max);
    assert_eq!(verify(t).await, None);
    // The writer still moves the head forward.
    let tone = t.token("tone").await;
    t.api(Method::GET, "/api/v1/clients", &tone, None).await;
    assert!(t.count("SELECT seq FROM audit_head").await > max);
    assert_eq!(verify(t).await, None);
}

const ROW_COLUMNS: &str = "SELECT seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, \
    actor_role, actor_team_id, client_id, purpose, action, resources, outcome, ip, user_agent, prev_hash, hash \
    FROM audit_events";

/// A key and a checkpoint file in a temporary directory.
struct Signer {
    key: AuditKey,
    file: std::path::PathBuf,
}

impl Signer {
    fn new() -> Signer {
        let dir = std::env::temp_dir().join(format!("benk-cp-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Signer {
            key: AuditKey::create_file(&dir.join("key")).unwrap(),
            file: dir.join("checkpoints.jsonl"),
        }
    }

    async fn sign(&self, t: &TestApp) -> checkpoint::Checkpoint {
        checkpoint::checkpoint(&t.app, &self.key, &self.file)
            .await
            .unwrap()
    }

    /// The first break when verifying against the file's checkpoints.
    async fn verify(&self, t: &TestApp) -> Option<benk_app::audit::Break> {
        let cps = checkpoint::read_file(&self.file).unwrap();
        checkpoint::verify_with_checkpoints(&t.app, &cps, &[self.key.public()], |_, _| {})
            .await
            .unwrap()
            .chain
            .first_break
    }
}

impl Drop for Signer {
    fn drop(&mut self) {
        if let Some(dir) = self.file.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Re-links every row from `from_seq` on as if the chain had always been so:
/// seq without gaps, prev_hash and hash recomputed, and the head moved to the
/// new end. This is what someone who knows the (public) row encoding can do.
async fn rehash_from(t: &TestApp, from_seq: i64) {
    let mut rows: Vec<AuditRow> = t
        .db()
        .all(
            &format!("{ROW_COLUMNS} WHERE seq >= $1 ORDER BY seq"),
            benk_app::args![from_seq],
        )
        .await
        .unwrap();
    let (mut seq, mut hash) = if from_seq > 1 {
        let prev: Vec<AuditRow> = t
            .db()
            .all(
                &format!("{ROW_COLUMNS} WHERE seq < $1 ORDER BY seq DESC LIMIT 1"),
                benk_app::args![from_seq],
            )
            .await
            .unwrap();
        (prev[0].seq, prev[0].hash.clone())
    } else {
        (0, benk_app::audit::GENESIS.to_string())
    };
    for row in &mut rows {
        seq += 1;
        row.seq = seq;
        row.prev_hash = hash.clone();
        row.hash = row.expected_hash();
        hash = row.hash.clone();
        t.db()
            .execute_unaudited(
                "UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4",
                benk_app::args![row.seq, row.prev_hash.clone(), row.hash.clone(), row.id],
            )
            .await
            .unwrap();
    }
    t.db()
        .execute_unaudited(
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            benk_app::args![seq, hash],
        )
        .await
        .unwrap();
}

async fn cutting_the_tail_and_moving_the_head_passes_the_walk_but_not_the_checkpoint(t: &TestApp) {
    let signer = Signer::new();
    some_activity(t).await;
    let signed = signer.sign(t).await;
    some_activity(t).await;
    assert_eq!(signer.verify(t).await, None, "a clean chain agrees");
    signer.sign(t).await;
    let max = t.count("SELECT MAX(seq) FROM audit_events").await;
    // Delete rows up to and beyond the first checkpoint, and move the head back.
    drop_append_only_triggers(t).await;
    let keep = signed.seq - 2;
    t.db()
        .execute_unaudited(
            "DELETE FROM audit_events WHERE seq > $1",
            benk_app::args![keep],
        )
        .await
        .unwrap();
    rehash_from(t, keep + 1).await;
    assert_eq!(
        verify(t).await,
        None,
        "the plain walk cannot see a consistent cut"
    );
    let b = signer.verify(t).await.expect("the cut is found");
    assert_eq!(b.seq, keep + 1, "{b:?}");
    assert!(
        b.reason.contains("checkpoint on line 1")
            && b.reason.contains(&format!("seq {}", signed.seq))
            && b.reason.contains("cut from the end"),
        "{b:?}"
    );
    assert!(max > signed.seq);
    // And the server will not sign over the cut chain.
    let err = checkpoint::checkpoint(&t.app, &signer.key, &signer.file)
        .await
        .expect_err("no signature over a cut chain");
    assert!(err.to_string().contains("does not extend"), "{err}");
}

async fn erasing_one_users_refusals_and_rehashing_passes_the_walk_but_not_the_checkpoint(
    t: &TestApp,
) {
    let signer = Signer::new();
    some_activity(t).await;
    // Per (NAV) tries records he has no relationship with: refused and audited.
    let tone = t.token("tone").await;
    let per = t.token("per").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "Ikke Hans", "birth_year": 1990})),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    for _ in 0..3 {
        let r = t
            .api(Method::GET, &format!("/api/v1/clients/{id}"), &per, None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let signed = signer.sign(t).await;
    some_activity(t).await;
    signer.sign(t).await;
    let per_id = t.staff_id("per").await;
    let first_denied = t
        .db()
        .scalar_i64(
            "SELECT MIN(seq) FROM audit_events WHERE actor_staff_id = $1 AND outcome = 'denied'",
            benk_app::args![per_id],
        )
        .await
        .unwrap();
    drop_append_only_triggers(t).await;
    let erased = t
        .db()
        .execute_unaudited(
            "DELETE FROM audit_events WHERE actor_staff_id = $1 AND outcome = 'denied'",
            benk_app::args![per_id],
        )
        .await
        .unwrap();
    assert_eq!(erased, 3);
    rehash_from(t, first_denied).await;
    assert_eq!(verify(t).await, None, "the plain walk cannot see a re-hash");
    let b = signer.verify(t).await.expect("the erasure is found");
    assert_eq!(b.seq, signed.seq, "{b:?}");
    assert!(
        b.reason
            .contains(&format!("checkpoint on line 1 (seq {}", signed.seq))
            && b.reason.contains("rewritten"),
        "{b:?}"
    );
}

async fn a_forged_or_altered_checkpoint_is_refused(t: &TestApp) {
    let signer = Signer::new();
    some_activity(t).await;
    let good = signer.sign(t).await;
    assert_eq!(signer.verify(t).await, None);
    // The same line with another seq (or hash, or time) no longer verifies.
    let mut altered = good.clone();
    altered.seq -= 1;
    let cps = vec![Numbered {
        line: 2,
        checkpoint: altered,
    }];
    let b = checkpoint::verify_with_checkpoints(&t.app, &cps, &[signer.key.public()], |_, _| {})
        .await
        .unwrap()
        .chain
        .first_break
        .expect("altered line found");
    assert!(
        b.reason.contains("checkpoint on line 2") && b.reason.contains("signature does not verify"),
        "{b:?}"
    );
    // A checkpoint signed by another key is not trusted.
    let other = AuditKey::generate();
    let forged = other.sign(good.seq, &good.hash, good.at);
    let cps = vec![Numbered {
        line: 1,
        checkpoint: forged,
    }];
    let b = checkpoint::verify_with_checkpoints(&t.app, &cps, &[signer.key.public()], |_, _| {})
        .await
        .unwrap()
        .chain
        .first_break
        .expect("foreign key found");
    assert!(b.reason.contains("not a trusted key"), "{b:?}");
}

/// Opens the public referral form and sends one referral from "Kari Nordmann".
async fn public_referral(t: &TestApp) {
    use axum::body::Body;
    use axum::http::{header, Request};
    let team = benk_app::orgs::list_teams(&t.app).await.unwrap()[0].0;
    let form = t
        .send(
            Request::get(format!("/henvisning/{team}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let token = form.cookie("benk_ref_csrf").expect("csrf cookie");
    let fields = [
        ("_csrf", token.as_str()),
        ("hp_url", ""),
        ("referrer_name", "Kari Nordmann"),
        ("referrer_role", "mor"),
        ("referrer_phone", "912 34 567"),
        ("agency_kind", "relative"),
        ("person_name", "Ola Hansen"),
        ("person_birth_year", "1984"),
        ("person_whereabouts", "Bymisjonens kafé"),
        ("reason", "Han sover ute."),
        ("person_knows", "yes"),
        ("person_agrees", "unknown"),
        ("urgency", "urgent"),
    ];
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", common::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let r = t
        .send(
            Request::post(format!("/henvisning/{team}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("benk_ref_csrf={token}"))
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}

async fn a_public_referrers_name_is_stored_as_outside_text_not_as_staff(t: &TestApp) {
    public_referral(t).await;
    let rows: Vec<AuditRow> = t
        .db()
        .all(
            &format!("{ROW_COLUMNS} WHERE action = 'referral.submit'"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].actor_name.as_deref(),
        Some("public referral form, name given: \"Kari Nordmann\"")
    );
    assert_eq!(rows[0].actor_staff_id, None);
    assert_eq!(rows[0].actor_role, None);
    assert_eq!(rows[0].actor_org_number, None);

    // A login with a name nobody has is labelled as typed text too.
    use axum::body::Body;
    use axum::http::{header, Request};
    let page = t
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    let csrf = page.cookie("benk_login_csrf").unwrap();
    let r = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("benk_login_csrf={csrf}"))
                .body(Body::from(format!(
                    "_csrf={csrf}&username=ukjent.person&password=feil-passord"
                )))
                .unwrap(),
        )
        .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    let names: Vec<(Option<String>,)> = t.db()
        .all(
            "SELECT actor_name FROM audit_events WHERE outcome = 'denied' AND actor_staff_id IS NULL",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        names,
        vec![(Some(
            "login form, unknown user name given: \"ukjent.person\"".to_string()
        ),)]
    );
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
    t.db().close().await;
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
    t.db().close().await;
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
    the_database_refuses_to_change_or_delete_audit_rows,
    cutting_the_tail_and_moving_the_head_passes_the_walk_but_not_the_checkpoint,
    erasing_one_users_refusals_and_rehashing_passes_the_walk_but_not_the_checkpoint,
    a_forged_or_altered_checkpoint_is_refused,
    a_public_referrers_name_is_stored_as_outside_text_not_as_staff,
    team_shows_staff_by_employer_with_fte_sums,
    administration_is_for_administrators,
    health_check_reports_the_database,
    openapi_document_is_served,
    a_server_error_shows_an_incident_id_and_no_internals,
);
