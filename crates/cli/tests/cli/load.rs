//! The real server under load, on SQLite and PostgreSQL: killing the load
//! mid-run (requests dropped in flight, connections closed half-way through a
//! request) leaves the server writing normally, the audit chain intact, and
//! every committed client with exactly its audit row. And an
//! `Idempotency-Key` retry gets the first answer instead of a duplicate.
//!
//! PostgreSQL comes from `BENK_TEST_DATABASE_URL` (default: the local server);
//! these tests fail, not skip, when it is unreachable.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use benk_app::access::admin::{open_admin, AdminScope, Principal};
use benk_app::audit::{AuditDraft, Outcome};
use benk_app::db::writer::WriteOp;
use benk_app::db::DbOptions;
use benk_app::{App, Settings};
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Sqlite,
    Postgres,
}

use benk_app::testing::{pg_base_url, pg_schema_url};

/// Removes the test's database when the test ends, also when it fails.
enum Cleanup {
    Dir(PathBuf),
    Schema(String),
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema(schema) => {
                let schema = schema.clone();
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let mut c = sqlx::PgConnection::connect(&pg_base_url()).await.ok()?;
                        sqlx::query("SET lock_timeout = '5s'")
                            .execute(&mut c)
                            .await
                            .ok()?;
                        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                            .execute(&mut c)
                            .await
                            .ok()?;
                        c.close().await.ok()
                    })
                })
                .join();
            }
        }
    }
}

/// A fresh database with the demo team, the real router on a free local
/// port, and an API token of the demo team lead.
struct Fixture {
    app: App,
    addr: SocketAddr,
    token: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    // Last: the database goes after everything that uses it.
    _cleanup: Cleanup,
}

async fn fixture(kind: Kind) -> Fixture {
    let tag = Uuid::now_v7().simple().to_string();
    let (url, cleanup) = match kind {
        Kind::Sqlite => {
            let dir = std::env::temp_dir().join(format!("benk-load-{tag}"));
            std::fs::create_dir_all(&dir).unwrap();
            (
                format!("sqlite:{}", dir.join("load.db").display()),
                Cleanup::Dir(dir),
            )
        }
        Kind::Postgres => {
            let base = pg_base_url();
            let schema = format!("benk_load_{tag}");
            let mut c = sqlx::PgConnection::connect(&base)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required for this test: {e}"));
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
            (pg_schema_url(&base, &schema), Cleanup::Schema(schema))
        }
    };
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .expect("open the database");
    benk_app::demo::seed(&app)
        .await
        .expect("seed the demo team");
    let lead = benk_app::staff::find_by_username(&app, "tone")
        .await
        .unwrap()
        .expect("the demo team lead")
        .id;
    let grant = open_admin(
        &app,
        Principal::Cli {
            os_user: "load-test",
        },
        AdminScope::Staff(lead),
        "token.create",
    )
    .await
    .unwrap();
    let token = benk_app::auth::create_token_for(&app, &grant, lead, "load test")
        .await
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = benk_web::router(benk_web::AppState::new(app.clone()));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    Fixture {
        app,
        addr,
        token,
        stop: Some(stop),
        server: Some(server),
        _cleanup: cleanup,
    }
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops accepting and waits until every connection, and so every
    /// request handler, has finished.
    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(Duration::from_secs(30), server)
                .await
                .expect("the server shuts down within 30 s")
                .expect("server task")
                .expect("server");
        }
    }

    /// Clients, client.create audit rows, clients without their audit row,
    /// and audit rows whose client does not exist; one statement, so one
    /// consistent snapshot.
    async fn counts(&self) -> (i64, i64, i64, i64) {
        benk_app::testing::db(&self.app)
            .opt(
                "SELECT (SELECT COUNT(*) FROM clients), \
                 (SELECT COUNT(*) FROM audit_events WHERE action = 'client.create'), \
                 (SELECT COUNT(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM audit_events a \
                   WHERE a.action = 'client.create' AND a.client_id = c.id)), \
                 (SELECT COUNT(*) FROM audit_events a WHERE a.action = 'client.create' AND NOT EXISTS \
                   (SELECT 1 FROM clients c WHERE c.id = a.client_id))",
                vec![],
            )
            .await
            .unwrap()
            .unwrap()
    }
}

async fn post_client(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
    key: Option<&str>,
) -> reqwest::Result<reqwest::Response> {
    let mut req = client.post(url).bearer_auth(token).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await
}

fn created_id(body: &Value) -> Uuid {
    body["id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or_else(|| panic!("no id in {body}"))
}

async fn kill_the_load_mid_run(kind: Kind) {
    let mut fx = fixture(kind).await;
    let (clients_before, creates_before, unaudited_before, _) = fx.counts().await;
    assert_eq!(creates_before, 0);

    let url = fx.url("/api/v1/clients");
    let acked = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let started = Arc::new(AtomicU64::new(0));
    let finished = Arc::new(AtomicU64::new(0));
    let first_ack = Arc::new(Notify::new());
    let mut tasks = Vec::new();
    for t in 0..64 {
        let (url, token) = (url.clone(), fx.token.clone());
        let (acked, failures) = (acked.clone(), failures.clone());
        let (started, finished) = (started.clone(), finished.clone());
        let first_ack = first_ack.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0u64.. {
                let body = json!({"name": format!("Load Person {t}-{i}"), "birth_year": 1980});
                started.fetch_add(1, Ordering::SeqCst);
                let outcome = match post_client(&client, &url, &token, &body, None).await {
                    Ok(resp) => {
                        let status = resp.status();
                        match resp.json::<Value>().await {
                            Ok(v) if status == reqwest::StatusCode::CREATED => Ok(created_id(&v)),
                            Ok(v) => Err(format!("{status}: {v}")),
                            Err(e) => Err(format!("{status}, body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("transport: {e}")),
                };
                finished.fetch_add(1, Ordering::SeqCst);
                match outcome {
                    Ok(id) => {
                        acked.lock().unwrap().push(id);
                        first_ack.notify_one();
                    }
                    Err(e) => failures.lock().unwrap().push(e),
                }
            }
        }));
    }
    // Connections that close half-way: inside the request line, inside the
    // headers, inside the body, and right after a complete request (before
    // the answer).
    for h in 0..8u64 {
        let (addr, token) = (fx.addr, fx.token.clone());
        tasks.push(tokio::spawn(async move {
            let body = r#"{"name":"Half Request","birth_year":1980}"#;
            let head = format!(
                "POST /api/v1/clients HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let full = format!("{head}{body}");
            for i in h.. {
                let cut = match i % 4 {
                    0 => 10,
                    1 => head.len() - 20,
                    2 => head.len() + body.len() / 2,
                    _ => full.len(),
                };
                let Ok(mut s) = TcpStream::connect(addr).await else {
                    break;
                };
                if s.write_all(&full.as_bytes()[..cut]).await.is_err() {
                    break;
                }
                drop(s);
            }
        }));
    }

    // Once the load is writing, the fixed load window; then everything is
    // cut off mid-flight.
    tokio::time::timeout(Duration::from_secs(60), first_ack.notified())
        .await
        .expect("a write succeeds under load within 60 s");
    tokio::time::sleep(Duration::from_millis(400)).await;
    for t in &tasks {
        t.abort();
    }
    for t in tasks {
        if let Err(e) = t.await {
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
    let in_flight = started.load(Ordering::SeqCst) - finished.load(Ordering::SeqCst);
    let acked: Vec<Uuid> = acked.lock().unwrap().clone();
    let failures: Vec<String> = failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "failed during the load: {failures:?}");
    assert!(
        !acked.is_empty(),
        "no write succeeded during the load window"
    );
    assert!(
        in_flight > 0,
        "no request was in flight when the load was killed"
    );

    // (a) the next write succeeds, (b) the server is healthy.
    let client = reqwest::Client::new();
    let resp = post_client(
        &client,
        &url,
        &fx.token,
        &json!({"name": "After The Storm", "birth_year": 1970}),
        None,
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 201, "POST after the load was killed");
    let after = created_id(&resp.json::<Value>().await.unwrap());
    let health = client.get(fx.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "GET /healthz after the load");
    drop(client);

    // No handler runs after the shutdown; the writer answers in order, so once
    // this op is committed so is every write a dropped request had queued.
    fx.shutdown().await;
    benk_app::testing::writer(&fx.app)
        .write(WriteOp::audit_only(vec![AuditDraft::new(
            "test.flush",
            Outcome::Allowed,
        )]))
        .await
        .expect("the writer still writes");

    // (c) the chain verifies.
    let report = benk_app::audit::verify(&fx.app, |_, _| {}).await.unwrap();
    assert_eq!(report.first_break, None, "audit chain after the load");

    // (d) every committed client has its audit row and every client.create row its client.
    let (clients, creates, unaudited, phantom) = fx.counts().await;
    assert_eq!(
        clients - clients_before,
        creates,
        "new clients vs client.create audit rows"
    );
    assert_eq!(unaudited, unaudited_before, "clients without an audit row");
    assert_eq!(phantom, 0, "client.create audit rows without their client");
    // Every acknowledged write is there.
    let ids: Vec<(Uuid,)> = benk_app::testing::db(&fx.app)
        .all("SELECT id FROM clients", vec![])
        .await
        .unwrap();
    let ids: HashSet<Uuid> = ids.into_iter().map(|(id,)| id).collect();
    let missing = acked
        .iter()
        .chain([&after])
        .filter(|id| !ids.contains(id))
        .count();
    assert_eq!(missing, 0, "acknowledged clients missing from the database");
    assert!(
        creates as usize > acked.len(),
        "{creates} vs {}",
        acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_load_mid_run_leaves_sqlite_consistent() {
    kill_the_load_mid_run(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_load_mid_run_leaves_postgres_consistent() {
    kill_the_load_mid_run(Kind::Postgres).await;
}

async fn idempotent_retry(kind: Kind) {
    let mut fx = fixture(kind).await;
    let url = fx.url("/api/v1/clients");
    let client = reqwest::Client::new();
    let key = format!("retry-{}", Uuid::now_v7());
    let body = json!({"name": "Ida Empotent", "birth_year": 1975});

    let first = post_client(&client, &url, &fx.token, &body, Some(&key))
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_id = created_id(&first.json().await.unwrap());

    let second = post_client(&client, &url, &fx.token, &body, Some(&key))
        .await
        .unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(
        second
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(created_id(&second.json().await.unwrap()), first_id);

    let rows = benk_app::testing::db(&fx.app)
        .scalar_i64(
            "SELECT COUNT(*) FROM clients WHERE name = $1",
            benk_app::args!["Ida Empotent"],
        )
        .await
        .unwrap();
    assert_eq!(rows, 1, "one client for two requests with the same key");

    let other = json!({"name": "Someone Else", "birth_year": 1975});
    let third = post_client(&client, &url, &fx.token, &other, Some(&key))
        .await
        .unwrap();
    assert_eq!(third.status(), 422);
    let err: Value = third.json().await.unwrap();
    assert_eq!(err["error"]["code"], "invalid_input", "{err}");
    assert_eq!(
        err["error"]["fields"][0]["code"], "idempotency_key_reused",
        "{err}"
    );
    let rows = benk_app::testing::db(&fx.app)
        .scalar_i64(
            "SELECT COUNT(*) FROM clients WHERE name = $1",
            benk_app::args!["Someone Else"],
        )
        .await
        .unwrap();
    assert_eq!(rows, 0, "a reused key creates nothing");
    drop(client);
    fx.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_retry_returns_the_first_answer_on_sqlite() {
    idempotent_retry(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_retry_returns_the_first_answer_on_postgres() {
    idempotent_retry(Kind::Postgres).await;
}
