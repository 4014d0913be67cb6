//! Test harness: a fresh database per test (a SQLite file or a PostgreSQL schema),
//! holding the synthetic demo team, and the real router driven in-process. The demo is
//! seeded once per process and backend (a template) and each test gets a copy: of the file
//! on SQLite, of the rows into its freshly migrated schema on PostgreSQL.

#![allow(dead_code)]

pub mod reports;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use benk_app::access::admin::{open_admin, AdminGrant, AdminScope, Principal};
use benk_app::db::{DbOptions, SqliteSync};
use benk_app::{App, Settings};
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub use benk_app::testing::{pg_base_url, pg_schema_url};

/// The options every test database is opened with: four readers, and SQLite at
/// `synchronous=NORMAL` (a test needs no durability across a power cut; PostgreSQL's
/// schemas get `synchronous_commit=off` from [`pg_schema_url`] for the same reason).
pub fn db_options(url: &str) -> DbOptions {
    let mut opts = DbOptions::new(url.to_string());
    opts.max_readers = 4;
    opts.sqlite_sync = SqliteSync::Normal;
    opts
}

/// Runs one statement on the suite's server, outside a transaction.
async fn admin_sql(sql: &str) {
    let base = pg_base_url();
    let mut c = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required for the test suite: {e}"));
    sqlx::raw_sql(sql)
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = c.close().await;
}

/// Migrates the database at `url` and seeds the synthetic demo team into it.
async fn migrate_and_seed(url: &str) {
    let app = App::open(&db_options(url), Settings::default())
        .await
        .expect("open the template");
    benk_app::demo::seed(&app).await.expect("seed");
    app.close().await;
}

/// Whether `name` is a template (`{prefix}{pid}{sep}…`) left by a test process that has
/// ended (Linux only: the check looks in /proc).
fn left_by_ended_process(name: &str, prefix: &str, sep: char) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.split(sep).next())
        .is_some_and(|pid| {
            cfg!(target_os = "linux") && !std::path::Path::new("/proc").join(pid).exists()
        })
}

/// The demo team on SQLite, migrated and seeded once per test process: each test
/// copies the file (13 ms here, against 190 ms to migrate and seed).
async fn sqlite_template() -> &'static PathBuf {
    static TEMPLATE: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let tmp = std::env::temp_dir();
            // Templates left by earlier runs whose process has ended.
            for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if left_by_ended_process(&name, "benk-template-", '-') {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
            let dir = tmp.join(format!(
                "benk-template-{}-{}",
                std::process::id(),
                Uuid::now_v7().simple()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let seeded = dir.join("seeded.db");
            migrate_and_seed(&format!("sqlite:{}", seeded.display())).await;
            // A standalone copy that no connection ever opens, whatever the seeding
            // connections left in their WAL: the file each test copies.
            let db = dir.join("template.db");
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", seeded.display()))
                .await
                .unwrap();
            sqlx::query("VACUUM INTO ?")
                .bind(db.display().to_string())
                .execute(&mut c)
                .await
                .unwrap();
            let _ = c.close().await;
            db
        })
        .await
}

/// The demo team on PostgreSQL, migrated and seeded once per test process into a schema of
/// its own, and the tables each test copies from it.
struct PgTemplate {
    schema: String,
    tables: Vec<String>,
}

async fn pg_template() -> &'static PgTemplate {
    static TEMPLATE: tokio::sync::OnceCell<PgTemplate> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let base = pg_base_url();
            let mut c = sqlx::PgConnection::connect(&base)
                .await
                .unwrap_or_else(|e| {
                    panic!("PostgreSQL at {base} is required for the test suite: {e}")
                });
            // Templates left by earlier runs whose process has ended.
            let stale: Vec<(String,)> = sqlx::query_as(
                "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'benk\\_template\\_%'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            for (name,) in stale {
                if left_by_ended_process(&name, "benk_template_", '_') {
                    let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .execute(&mut c)
                        .await;
                }
            }
            let schema = format!(
                "benk_template_{}_{}",
                std::process::id(),
                Uuid::now_v7().simple()
            );
            sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut c)
                .await
                .unwrap();
            migrate_and_seed(&pg_schema_url(&pg_base_url(), &schema)).await;
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 \
                 AND tablename <> '_sqlx_migrations' ORDER BY tablename",
            )
            .bind(&schema)
            .fetch_all(&mut c)
            .await
            .unwrap();
            let _ = c.close().await;
            PgTemplate {
                schema,
                tables: tables.into_iter().map(|(t,)| t).collect(),
            }
        })
        .await
}

/// Copies the demo's rows from the template into `schema`, which the app has just migrated
/// (and not yet used: `App::open` keeps nothing of the database's contents in memory). As
/// `pg_restore --data-only` does, the copy runs with `session_replication_role = replica`, so
/// that neither the foreign keys nor the append-only triggers fire on rows that were checked
/// when the template was seeded through the app. Seeding each schema through the app took
/// 400 of the 650 ms a PostgreSQL test spent before it began.
async fn copy_template(schema: &str) {
    let template = pg_template().await;
    let mut sql = String::from("BEGIN; SET LOCAL session_replication_role = replica;");
    for t in &template.tables {
        let from = &template.schema;
        sql.push_str(&format!(
            "DELETE FROM {schema}.{t}; INSERT INTO {schema}.{t} SELECT * FROM {from}.{t};"
        ));
    }
    sql.push_str("COMMIT;");
    admin_sql(&sql).await;
}

/// A running app on a fresh database.
pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub backend: Backend,
    /// The database URL (to open a second app on the same database).
    pub url: String,
    dir: Option<PathBuf>,
    /// The PostgreSQL schema of this test.
    schema: Option<String>,
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
    /// Value of a Set-Cookie by name.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .find_map(|v| {
                let s = v.to_str().ok()?;
                let (kv, _) = s.split_once(';').unwrap_or((s, ""));
                let (k, v) = kv.split_once('=')?;
                (k == name).then(|| v.to_string())
            })
    }
    pub fn set_cookie_header(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|s| s.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

impl TestApp {
    /// The app's read pool, for assertions on stored rows, and (through
    /// `execute_unaudited`) for playing an attacker with the database file.
    /// Production code outside the app crate has no such handle.
    #[allow(dead_code)]
    pub fn db(&self) -> &benk_app::db::Db {
        benk_app::testing::db(&self.app)
    }

    /// The app's single writer.
    #[allow(dead_code)]
    pub fn writer(&self) -> &benk_app::db::writer::Writer {
        benk_app::testing::writer(&self.app)
    }

    pub async fn new(backend: Backend) -> TestApp {
        Self::with_settings(
            backend,
            Settings {
                allow_synthetic_ids: true,
                ..Settings::default()
            },
        )
        .await
    }

    pub async fn with_settings(backend: Backend, settings: Settings) -> TestApp {
        Self::with_state(backend, settings, |_| {}).await
    }

    /// A test app whose web state (proxy trust, timeouts) is adjusted by `adjust`.
    pub async fn with_state(
        backend: Backend,
        settings: Settings,
        adjust: impl FnOnce(&mut benk_web::AppState),
    ) -> TestApp {
        let (url, dir, schema) = match backend {
            Backend::Sqlite => {
                let template = sqlite_template().await;
                let dir =
                    std::env::temp_dir().join(format!("benk-test-{}", Uuid::now_v7().simple()));
                std::fs::create_dir_all(&dir).unwrap();
                let db = dir.join("t.db");
                std::fs::copy(template, &db).expect("copy the seeded template");
                (format!("sqlite:{}", db.display()), Some(dir), None)
            }
            Backend::Postgres => {
                // A template database would save the migrations too, but `CREATE
                // DATABASE … TEMPLATE` of the seeded demo (14 MB) took 660 ms here,
                // longer than migrating and seeding a schema.
                let schema = format!("benk_t_{}", Uuid::now_v7().simple());
                admin_sql(&format!("CREATE SCHEMA {schema}")).await;
                (pg_schema_url(&pg_base_url(), &schema), None, Some(schema))
            }
        };
        let app = App::open(&db_options(&url), settings)
            .await
            .expect("open app");
        if let Some(schema) = &schema {
            copy_template(schema).await;
        }
        let mut state = benk_web::AppState::new(app.clone());
        adjust(&mut state);
        let router = benk_web::router(state);
        TestApp {
            app,
            router,
            backend,
            url,
            dir,
            schema,
        }
    }

    /// Removes the database (best effort).
    pub async fn cleanup(self) {
        self.app.close().await;
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
        if let Some(s) = &self.schema {
            if let Ok(mut c) = sqlx::PgConnection::connect(&pg_base_url()).await {
                let _ = sqlx::query(&format!("DROP SCHEMA {s} CASCADE"))
                    .execute(&mut c)
                    .await;
            }
        }
    }

    /// A team's id by its name.
    pub async fn team_id(&self, name: &str) -> Uuid {
        let (id,): (Uuid,) = self
            .db()
            .opt(
                "SELECT id FROM teams WHERE name = $1",
                benk_app::args![name],
            )
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no team named {name}"));
        id
    }

    pub async fn staff_id(&self, username: &str) -> Uuid {
        benk_app::staff::find_by_username(&self.app, username)
            .await
            .unwrap()
            .expect("demo user")
            .id
    }

    /// An API token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let id = self.staff_id(username).await;
        self.token_for(id).await
    }

    /// An API token for a staff member, made as the server's operator would
    /// (`benk token create`).
    pub async fn token_for(&self, id: Uuid) -> String {
        let grant = self.operator(AdminScope::Staff(id), "token.create").await;
        benk_app::auth::create_token_for(&self.app, &grant, id, "test")
            .await
            .unwrap()
    }

    /// An administration grant as the command line gets one: the test acts as
    /// the server's operator (OS user `test-operator`).
    pub async fn operator(&self, scope: AdminScope, action: &str) -> AdminGrant {
        open_admin(
            &self.app,
            Principal::Cli {
                os_user: "test-operator",
            },
            scope,
            action,
        )
        .await
        .unwrap()
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
            .await
            .unwrap();
        Resp {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A JSON API call with a bearer token.
    pub async fn api(&self, method: Method, uri: &str, token: &str, body: Option<Value>) -> Resp {
        self.api_raw(method, uri, token, body.map(|b| b.to_string()), &[])
            .await
    }

    pub async fn api_raw(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<String>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::USER_AGENT, "benk-test/1");
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(s) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(s))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    /// Logs in through the login form; returns a browser with its cookie and CSRF token.
    pub async fn login(&self, username: &str, password: &str) -> Browser {
        let page = self
            .send(Request::get("/login").body(Body::empty()).unwrap())
            .await;
        let csrf_cookie = page.cookie("benk_login_csrf").expect("login csrf cookie");
        let form = format!("_csrf={csrf_cookie}&username={username}&password={password}");
        let resp = self
            .send(
                Request::post("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("benk_login_csrf={csrf_cookie}"))
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::SEE_OTHER,
            "login failed: {}",
            resp.text
        );
        let session = resp.cookie("benk_session").expect("session cookie");
        let mut b = Browser {
            cookie: format!("benk_session={session}"),
            csrf: String::new(),
            last_login: resp,
        };
        let settings = self.page(&b, "/settings").await;
        b.csrf = extract_csrf(&settings.text);
        b
    }

    pub async fn page(&self, b: &Browser, uri: &str) -> Resp {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, &b.cookie)
                .header(header::ACCEPT_LANGUAGE, "nb")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form as the browser (the CSRF token is added unless `fields` has one).
    pub async fn form(&self, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut pairs: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "_csrf") {
            pairs.push(format!("_csrf={}", b.csrf));
        }
        self.send(
            Request::post(uri)
                .header(header::COOKIE, &b.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT_LANGUAGE, "nb")
                .body(Body::from(pairs.join("&")))
                .unwrap(),
        )
        .await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.db().scalar_i64(sql, vec![]).await.unwrap()
    }

    /// Audit rows for a client with an action and outcome.
    pub async fn audit_count(&self, client: Uuid, action: &str, outcome: &str) -> i64 {
        self.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE client_id = $1 AND action = $2 AND outcome = $3",
                benk_app::args![client, action, outcome],
            )
            .await
            .unwrap()
    }
}

pub struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub last_login: Resp,
}

pub fn extract_csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("csrf field on page") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs each named `async fn(TestApp)` on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::common::TestApp::new($crate::common::Backend::Sqlite).await;
                super::$name(&t).await;
                t.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::common::TestApp::new($crate::common::Backend::Postgres).await;
                super::$name(&t).await;
                t.cleanup().await;
            }
        }
    )*};
}

/// A valid synthetic fødselsnummer (month + 80) not used by the demo.
pub fn synthetic_fnr(seq: u32) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(1950, 6, 15).unwrap();
    benk_domain::NationalId::synthetic(d, seq)
        .as_str()
        .to_string()
}

/// Adds the two mod-11 check digits to a 9-digit prefix (None if the prefix has no valid number).
pub fn with_check_digits(prefix: &str) -> Option<String> {
    let d: Vec<u32> = prefix.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let k = |digits: &[u32], w: &[u32]| {
        let r = 11 - digits.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
        match r {
            11 => Some(0),
            10 => None,
            r => Some(r),
        }
    };
    let k1 = k(&d, &[3, 7, 6, 1, 8, 9, 4, 5, 2])?;
    let mut d2 = d.clone();
    d2.push(k1);
    let k2 = k(&d2, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])?;
    Some(format!("{prefix}{k1}{k2}"))
}

/// A referral body as the intake team registers one by phone, with `extra`
/// fields added or replaced.
pub fn referral_body(extra: Value) -> Value {
    let mut b = serde_json::json!({
        "referrer_name": "Kari Fastlege",
        "referrer_role": "fastlege",
        "agency_kind": "gp",
        "person_name": "Per Henvist",
        "person_birth_year": 1985,
        "reason": "Mister kontakten med tjenestene.",
        "person_knows": "yes",
        "person_agrees": "yes",
        "channel": "phone",
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

/// Registers a referral through the API (must succeed); returns its id.
pub async fn register(t: &TestApp, token: &str, extra: Value) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/referrals",
            token,
            Some(referral_body(extra)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

/// Posts an intake decision for a referral.
pub async fn decide(t: &TestApp, token: &str, referral: Uuid, body: Value) -> Resp {
    t.api(
        Method::POST,
        &format!("/api/v1/referrals/{referral}/decision"),
        token,
        Some(body),
    )
    .await
}

/// Creates an organisation through the API as the administrator `admin`; returns its JSON.
pub async fn create_org(t: &TestApp, admin: &str, name: &str, kind: &str, nr: &str) -> Value {
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            admin,
            Some(serde_json::json!({"name": name, "kind": kind, "org_number": nr})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()
}

/// Creates a team owned by `owners` (organisation JSON) with `policy`; returns its id.
pub async fn create_team(
    t: &TestApp,
    admin: &str,
    name: &str,
    owners: &[&Value],
    policy: Value,
) -> String {
    let owners: Vec<&Value> = owners.iter().map(|o| &o["id"]).collect();
    let r = t
        .api(
            Method::POST,
            "/api/v1/teams",
            admin,
            Some(serde_json::json!({"name": name, "owners": owners, "policy": policy})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

/// Adds a nurse with a login (`username`, password "et-langt-passord") employed by `org`
/// (organisation JSON) to `team` as an intake member; returns the staff id.
pub async fn add_intake_nurse(
    t: &TestApp,
    admin: &str,
    username: &str,
    name: &str,
    org: &Value,
    team: &str,
    fte: u32,
) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/staff",
            admin,
            Some(serde_json::json!({"username": username, "password": "et-langt-passord", "name": name,
                "profession": "nurse", "home_org_id": org["id"], "team_id": team,
                "role": "intake_member", "fte": fte})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

/// A Tandem-like team (Kristiansand kommune + Sørlandet sykehus HF) with `policy` and six
/// intake nurses, three from each owner. Returns the first one's token, the six ids
/// (municipal first) and the two organisations' JSON.
pub async fn tandem_team(t: &TestApp, policy: Value) -> (String, Vec<Uuid>, Value, Value) {
    let eva = t.token("eva").await;
    let muni = create_org(t, &eva, "Kristiansand kommune", "municipality", "963296746").await;
    let hosp = create_org(
        t,
        &eva,
        "Sørlandet sykehus HF",
        "hospital_trust",
        "983975240",
    )
    .await;
    let team = create_team(t, &eva, "Tandem", &[&muni, &hosp], policy).await;
    let mut ids = Vec::new();
    for (i, org) in [&muni, &muni, &muni, &hosp, &hosp, &hosp]
        .into_iter()
        .enumerate()
    {
        let (user, name) = (format!("tandem{i}"), format!("Tandem Ansatt {i}"));
        ids.push(add_intake_nurse(t, &eva, &user, &name, org, &team, 100).await);
    }
    (t.token("tandem0").await, ids, muni, hosp)
}

/// A new person registered through the API by the token's owner (name, birth year 1980).
pub async fn new_client(t: &TestApp, token: &str, name: &str) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            token,
            Some(serde_json::json!({"name": name, "birth_year": 1980})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

/// POST `body` to `uri` with the token.
pub async fn post(t: &TestApp, token: &str, uri: &str, body: Value) -> Resp {
    t.api(Method::POST, uri, token, Some(body)).await
}

/// The database itself refuses to change (`UPDATE table SET set`) or remove the person's rows
/// of `table`, even for someone writing to it outside Benk's writer.
pub async fn assert_append_only(t: &TestApp, table: &str, set: &str, client: Uuid) {
    for sql in [
        format!("UPDATE {table} SET {set} WHERE client_id = $1"),
        format!("DELETE FROM {table} WHERE client_id = $1"),
    ] {
        let w = t
            .db()
            .execute_unaudited(&sql, benk_app::args![client])
            .await;
        assert!(w.is_err(), "refused: {sql}");
    }
}
