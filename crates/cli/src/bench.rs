//! `benk bench`: audited writes over HTTP next to the raw database rate.
//!
//! For each backend the bench makes two fresh databases with the same
//! settings, both migrated and seeded with the demo team:
//!
//! - **raw**: one sqlx connection runs, one after another, the transaction
//!   that registering a client needs (client row, the creator's care
//!   relationship, the chained audit row and the chain head, the same SQL as
//!   the writer) and commits each one: the one-transaction-per-write rate of
//!   the driver.
//! - **HTTP**: the real router served in this process on `127.0.0.1:0`;
//!   `--connections` keep-alive clients POST `/api/v1/clients` as the demo team
//!   lead. A request counts when it is answered `201`, which the server only
//!   sends after the writer's commit.
//!
//! The raw loop gets its own database so that it never writes behind the
//! server's back (a writer may keep the chain head in memory).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use benk_app::audit::{AuditRow, ChainHead, Outcome};
use benk_app::db::{pg_query as pg_q, sqlite_query as sqlite_q, Backend, DbOptions};
use benk_app::{care, Actor, App, RequestMeta, Settings};
use sqlx::{Connection, PgConnection, Row, SqliteConnection};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Which databases to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// SQLite only.
    Sqlite,
    /// PostgreSQL only.
    Postgres,
    /// Both, one after the other.
    Both,
}

/// Benchmark options.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Which database to measure.
    #[arg(long, value_enum, default_value_t = Which::Both)]
    pub backend: Which,
    /// PostgreSQL server to measure on (the bench creates fresh schemas and drops them).
    #[arg(
        long,
        env = "BENK_TEST_DATABASE_URL",
        hide_env_values = true,
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_url: String,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Concurrent HTTP connections (keep-alive).
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Runs per backend; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

const DEMO_LEAD: &str = "tone";
const USER_AGENT: &str = "benk-bench";

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> anyhow::Result<i32> {
    if args.seconds == 0 || args.connections == 0 || args.runs == 0 {
        bail!("--seconds, --connections and --runs must be at least 1");
    }
    let backends: &[Backend] = match args.backend {
        Which::Sqlite => &[Backend::Sqlite],
        Which::Postgres => &[Backend::Postgres],
        Which::Both => &[Backend::Sqlite, Backend::Postgres],
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("benk bench: registering a client over HTTP vs. the raw audited transaction");
    println!(
        "  the server, the HTTP load generator and the raw loop share this process and its \
         multi-thread tokio runtime ({cpus} CPUs); the numbers are for that setup"
    );
    println!(
        "  per backend: {} run(s) of {} s raw + {} s HTTP with {} keep-alive connections; \
         the summary is the median of the runs (each column on its own)",
        args.runs, args.seconds, args.seconds, args.connections
    );
    println!(
        "  raw = one transaction per write on one connection: client row, care relationship, \
         chained audit row, chain head (the writer's SQL); HTTP = POST /api/v1/clients, counted on 201"
    );
    if cfg!(debug_assertions) {
        println!("  NOTE: this is a debug build; measure with `cargo build --release -p benk`");
    }

    let mut reports = Vec::new();
    for &backend in backends {
        println!();
        match bench_backend(backend, &args).await {
            Ok(r) => reports.push(r),
            Err(e) => {
                println!("== {}: FAILED: {e:#}", name(backend));
                reports.push(Report::failed(backend));
            }
        }
    }
    print_summary(&reports, args.runs);
    Ok(if reports.iter().all(Report::clean) {
        0
    } else {
        1
    })
}

fn name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// One measurement: successes with their latencies, and what went wrong.
#[derive(Debug, Default)]
struct Sample {
    lat: Vec<Duration>,
    errors: BTreeMap<String, u64>,
    first_error: Option<String>,
    elapsed: Duration,
}

impl Sample {
    fn ok(&self) -> u64 {
        self.lat.len() as u64
    }
    fn failed(&self) -> u64 {
        self.errors.values().sum()
    }
    fn rate(&self) -> f64 {
        self.ok() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn error(&mut self, kind: String, detail: String) {
        *self.errors.entry(kind).or_default() += 1;
        self.first_error.get_or_insert(detail);
    }
    fn merge(&mut self, other: Sample) {
        self.lat.extend(other.lat);
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
    fn stats(mut self) -> Stats {
        self.lat.sort_unstable();
        let pct = |q: f64| -> Duration {
            if self.lat.is_empty() {
                Duration::ZERO
            } else {
                let i = ((self.lat.len() - 1) as f64 * q).round() as usize;
                self.lat[i]
            }
        };
        Stats {
            rate: self.rate(),
            p50: pct(0.50),
            p99: pct(0.99),
            ok: self.ok(),
            failed: self.failed(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    rate: f64,
    p50: Duration,
    p99: Duration,
    ok: u64,
    failed: u64,
}

#[derive(Debug, Clone, Copy)]
struct RunResult {
    raw: Stats,
    http: Stats,
}

impl RunResult {
    fn ratio(&self) -> f64 {
        self.http.rate / self.raw.rate.max(1e-9)
    }
}

#[derive(Debug)]
struct Report {
    backend: Backend,
    runs: Vec<RunResult>,
    durable: bool,
    chains_ok: bool,
    consistent: bool,
}

impl Report {
    fn failed(backend: Backend) -> Report {
        Report {
            backend,
            runs: Vec::new(),
            durable: false,
            chains_ok: false,
            consistent: false,
        }
    }
    fn errors(&self) -> u64 {
        self.runs.iter().map(|r| r.http.failed + r.raw.failed).sum()
    }
    fn clean(&self) -> bool {
        !self.runs.is_empty() && self.chains_ok && self.consistent && self.errors() == 0
    }
}

// ---------------------------------------------------------------- databases

/// Two fresh databases of one backend (HTTP and raw) and how to remove them.
struct Fresh {
    backend: Backend,
    http_url: String,
    raw_url: String,
    place: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Schemas {
        admin: Box<PgConnection>,
        schemas: Vec<String>,
    },
}

/// `url` with `search_path` set to `schema` for every connection made from it.
fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

impl Fresh {
    async fn create(backend: Backend, args: &BenchArgs) -> anyhow::Result<Fresh> {
        let tag = format!("{:016x}", rand::random::<u64>());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("benk-bench-{tag}"));
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                Ok(Fresh {
                    backend,
                    http_url: format!("sqlite:{}", dir.join("http.db").display()),
                    raw_url: format!("sqlite:{}", dir.join("raw.db").display()),
                    place: format!("files in {}", dir.display()),
                    cleanup: Cleanup::Dir(dir),
                })
            }
            Backend::Postgres => {
                let url = &args.postgres_url;
                if Backend::from_url(url)? != Backend::Postgres {
                    bail!("--postgres-url must be a postgres:// URL");
                }
                let mut admin = PgConnection::connect(url)
                    .await
                    .with_context(|| format!("connecting to {}", crate::redact(url)))?;
                // Never hang on cleanup behind a stray lock.
                sqlx::query("SET lock_timeout = '10s'")
                    .execute(&mut admin)
                    .await?;
                let http = format!("benk_bench_{tag}_http");
                let raw = format!("benk_bench_{tag}_raw");
                let mut schemas = Vec::new();
                for s in [&http, &raw] {
                    sqlx::query(&format!("CREATE SCHEMA {s}"))
                        .execute(&mut admin)
                        .await
                        .with_context(|| format!("creating schema {s}"))?;
                    schemas.push(s.clone());
                }
                Ok(Fresh {
                    backend,
                    http_url: with_search_path(url, &http),
                    raw_url: with_search_path(url, &raw),
                    place: format!(
                        "schemas {http} and {raw} on {} (dropped at the end)",
                        crate::redact(url)
                    ),
                    cleanup: Cleanup::Schemas {
                        admin: Box::new(admin),
                        schemas,
                    },
                })
            }
        }
    }

    async fn cleanup(self) {
        match self.cleanup {
            Cleanup::Dir(dir) => {
                if let Err(e) = std::fs::remove_dir_all(&dir) {
                    eprintln!("warning: could not remove {}: {e}", dir.display());
                }
            }
            Cleanup::Schemas { mut admin, schemas } => {
                for s in schemas {
                    if let Err(e) = sqlx::query(&format!("DROP SCHEMA {s} CASCADE"))
                        .execute(&mut *admin)
                        .await
                    {
                        eprintln!("warning: could not drop schema {s}: {e}");
                    }
                }
                let _ = admin.close().await;
            }
        }
    }
}

async fn open_seeded(url: &str) -> anyhow::Result<App> {
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .with_context(|| format!("opening {}", crate::redact(url)))?;
    benk_app::demo::seed(&app)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo team: {e}"))?;
    Ok(app)
}

async fn demo_lead(app: &App) -> anyhow::Result<Uuid> {
    Ok(benk_app::staff::find_by_username(app, DEMO_LEAD)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("the demo team lead is missing")?
        .id)
}

// ---------------------------------------------------------------- raw loop

const LOCK_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1";
const READ_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
const WRITE_HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
const INSERT_AUDIT: &str = "INSERT INTO audit_events (seq, id, at, actor_staff_id, actor_name, actor_hpr, \
    actor_org_number, actor_role, actor_team_id, client_id, purpose, action, resources, outcome, ip, \
    user_agent, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
const INSERT_CLIENT: &str = "INSERT INTO clients (id, team_id, name, name_search, national_id, national_id_kind, birth_year, phone, \
    municipality, owner_org_id, created_by, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";

/// One client registration as its own transaction, the statements the
/// writer runs for `POST /api/v1/clients`.
macro_rules! raw_tx {
    ($conn:expr, $q:path, $actor:expr, $team:expr, $n:expr) => {{
        let actor: &Actor = $actor;
        let id = Uuid::now_v7();
        let mut draft = actor.audit("client.create", Outcome::Allowed);
        draft.client_id = Some(id);
        draft.purpose = Some("TREAT".into());
        draft.resources = "client:basic".into();
        let now = draft.at;
        let name = format!("Bench Raw {}", $n);
        // The same statement the server's use case builds (through the store).
        let today = benk_app::access::today();
        let care = benk_app::store::care::insert(&benk_app::store::care::NewCare {
            id: Uuid::now_v7(),
            client_id: id,
            staff_id: Some(actor.staff_id()),
            team_id: None,
            valid_from: today,
            valid_to: Some(care::default_end(today)),
            reason: "Registrerte personen / registered the person",
            owner_org_id: actor.home_org_id(),
            created_by: actor.staff_id(),
            at: now,
        });
        let mut tx = $conn.begin().await?;
        $q(LOCK_HEAD, vec![]).execute(&mut *tx).await?;
        let row = $q(READ_HEAD, vec![]).fetch_one(&mut *tx).await?;
        let mut head = ChainHead {
            seq: row.try_get(0)?,
            hash: row.try_get(1)?,
        };
        $q(
            INSERT_CLIENT,
            benk_app::args![
                id,
                $team,
                name.clone(),
                name.to_lowercase(),
                None::<String>,
                None::<String>,
                1980i64,
                None::<String>,
                None::<String>,
                actor.home_org_id(),
                actor.staff_id(),
                now
            ],
        )
        .execute(&mut *tx)
        .await?;
        $q(care.sql, care.args).execute(&mut *tx).await?;
        let audit = head.append(&draft);
        $q(INSERT_AUDIT, AuditRow::args(&audit))
            .execute(&mut *tx)
            .await?;
        $q(WRITE_HEAD, benk_app::args![head.seq, head.hash.clone()])
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<(), anyhow::Error>(())
    }};
}

/// The raw loop's own connection, opened with the options the server uses.
enum RawConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl RawConn {
    async fn open(backend: Backend, url: &str) -> anyhow::Result<RawConn> {
        Ok(match backend {
            // The same options as benk-app's connections (WAL, FULL, foreign keys, busy timeout).
            Backend::Sqlite => RawConn::Sqlite(
                SqliteConnection::connect_with(&benk_app::db::sqlite_options(&DbOptions::new(
                    url,
                ))?)
                .await?,
            ),
            Backend::Postgres => RawConn::Postgres(
                PgConnection::connect_with(&benk_app::db::pg_options(&DbOptions::new(url))?)
                    .await?,
            ),
        })
    }

    async fn tx(&mut self, actor: &Actor, team: Uuid, n: u64) -> anyhow::Result<()> {
        match self {
            RawConn::Sqlite(c) => raw_tx!(c, sqlite_q, actor, team, n),
            RawConn::Postgres(c) => raw_tx!(c, pg_q, actor, team, n),
        }
    }

    async fn measure(
        &mut self,
        actor: &Actor,
        team: Uuid,
        secs: u64,
        counter: &mut u64,
    ) -> anyhow::Result<Sample> {
        let start = Instant::now();
        let deadline = start + Duration::from_secs(secs);
        let mut s = Sample::default();
        while Instant::now() < deadline {
            *counter += 1;
            let t = Instant::now();
            self.tx(actor, team, *counter)
                .await
                .context("raw audited transaction")?;
            s.lat.push(t.elapsed());
        }
        s.elapsed = start.elapsed();
        Ok(s)
    }

    /// The durability settings this connection runs with, and whether they are full.
    async fn durability(&mut self) -> anyhow::Result<(String, bool)> {
        match self {
            RawConn::Sqlite(c) => {
                let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(&mut *c)
                    .await?;
                let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut *c)
                    .await?;
                Ok((
                    format!("journal_mode={mode} synchronous={}", sqlite_sync_name(sync)),
                    sync >= 2,
                ))
            }
            RawConn::Postgres(c) => {
                let sc: String = sqlx::query_scalar("SHOW synchronous_commit")
                    .fetch_one(&mut *c)
                    .await?;
                let fsync: String = sqlx::query_scalar("SHOW fsync").fetch_one(&mut *c).await?;
                let durable = sc != "off" && sc != "local_off" && fsync == "on";
                Ok((format!("synchronous_commit={sc} fsync={fsync}"), durable))
            }
        }
    }

    /// A single integer, for the counts checked after the runs.
    async fn count(&mut self, sql: &str) -> anyhow::Result<i64> {
        Ok(match self {
            RawConn::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await?,
            RawConn::Postgres(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await?,
        })
    }

    async fn close(self) {
        let _ = match self {
            RawConn::Sqlite(c) => c.close().await,
            RawConn::Postgres(c) => c.close().await,
        };
    }
}

fn sqlite_sync_name(n: i64) -> String {
    match n {
        0 => "OFF".into(),
        1 => "NORMAL".into(),
        2 => "FULL".into(),
        3 => "EXTRA".into(),
        n => n.to_string(),
    }
}

// ---------------------------------------------------------------- HTTP

/// The real router on a free local port, in this process.
struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(app: App) -> anyhow::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let router = benk_web::router(benk_web::AppState::new(app));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
        });
        Ok(Server { addr, stop, task })
    }

    /// Stops accepting and waits for open connections to finish.
    async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        match tokio::time::timeout(Duration::from_secs(30), self.task).await {
            Ok(joined) => Ok(joined??),
            Err(_) => bail!("the server did not shut down within 30 s"),
        }
    }
}

fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// One POST; `Ok(latency)` on 201, otherwise what went wrong.
async fn post_client(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    name: String,
) -> Result<Duration, (String, String)> {
    let body = serde_json::json!({"name": name, "birth_year": 1980});
    let t = Instant::now();
    let resp = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .map_err(|e| ("transport error".to_string(), e.to_string()))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| ("transport error".to_string(), e.to_string()))?;
    if status == reqwest::StatusCode::CREATED {
        Ok(t.elapsed())
    } else {
        Err((format!("HTTP {}", status.as_u16()), text))
    }
}

async fn http_measure(
    addr: SocketAddr,
    token: &str,
    connections: usize,
    secs: u64,
    run: usize,
) -> anyhow::Result<Sample> {
    let url = format!("http://{addr}/api/v1/clients");
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::with_capacity(connections);
    for c in 0..connections {
        let (url, token) = (url.clone(), token.to_string());
        let client = http_client()?;
        tasks.push(tokio::spawn(async move {
            let mut s = Sample::default();
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                let name = format!("Bench Person {run}-{c}-{i}");
                match post_client(&client, &url, &token, name).await {
                    Ok(lat) => s.lat.push(lat),
                    Err((kind, detail)) => s.error(kind, detail),
                }
            }
            s
        }));
    }
    let mut all = Sample::default();
    for t in tasks {
        all.merge(t.await.context("load task")?);
    }
    all.elapsed = start.elapsed();
    Ok(all)
}

// ---------------------------------------------------------------- one backend

async fn bench_backend(backend: Backend, args: &BenchArgs) -> anyhow::Result<Report> {
    let fresh = Fresh::create(backend, args).await?;
    let result = measure(&fresh, args).await;
    fresh.cleanup().await;
    result
}

async fn measure(fresh: &Fresh, args: &BenchArgs) -> anyhow::Result<Report> {
    let backend = fresh.backend;
    println!("== {}: fresh {}", name(backend), fresh.place);

    let http_app = open_seeded(&fresh.http_url).await?;
    let raw_app = open_seeded(&fresh.raw_url).await?;
    let lead = demo_lead(&http_app).await?;
    let grant = crate::cli_admin(
        &http_app,
        benk_app::access::admin::AdminScope::Staff(lead),
        "token.create",
    )
    .await?;
    let token = benk_app::auth::create_token_for(&http_app, &grant, lead, "benk bench")
        .await
        .map_err(|e| anyhow::anyhow!("creating a token: {e}"))?;
    let raw_lead = demo_lead(&raw_app).await?;
    let meta = RequestMeta {
        ip: Some("127.0.0.1".into()),
        user_agent: Some(USER_AGENT.into()),
    };
    let actor = benk_app::staff::load_actor(&raw_app, raw_lead, meta)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("the demo team lead cannot act")?;
    let team = actor
        .acting()
        .map(|m| m.team_id)
        .context("the demo team lead has no team")?;
    let mut raw = RawConn::open(backend, &fresh.raw_url)
        .await
        .context("opening the raw connection")?;

    let (raw_dur, raw_full) = raw.durability().await?;
    let (srv_dur, srv_full) = http_app.durability().await?;
    let durable = raw_full && srv_full;
    println!(
        "   durability: raw connection {raw_dur}; server {srv_dur}{}",
        if durable {
            " (full)"
        } else {
            "  WARNING: not full durability"
        }
    );

    let server = Server::start(http_app.clone()).await?;
    let client = http_client()?;
    let url = format!("http://{}/api/v1/clients", server.addr);
    let mut acknowledged = 0u64;
    match post_client(&client, &url, &token, "Bench Person 0".into()).await {
        Ok(_) => acknowledged += 1,
        Err((kind, detail)) => bail!("the first POST failed ({kind}): {detail}"),
    }
    drop(client);

    println!(
        "   {:>3}  {:>9} {:>8} {:>8}  | {:>10} {:>8} {:>8}  | {:>8}  {:>7}",
        "run", "raw tx/s", "p50", "p99", "HTTP 201/s", "p50", "p99", "HTTP/raw", "non-201"
    );
    let mut runs = Vec::new();
    let mut raw_count = 0u64;
    let mut first_error = None;
    for run in 1..=args.runs {
        let r = raw
            .measure(&actor, team, args.seconds, &mut raw_count)
            .await?
            .stats();
        let mut h = http_measure(server.addr, &token, args.connections, args.seconds, run).await?;
        if first_error.is_none() {
            first_error = h.first_error.take().map(|d| {
                let kinds: Vec<String> =
                    h.errors.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
                format!("{}; first: {d}", kinds.join(", "))
            });
        }
        let h = h.stats();
        acknowledged += h.ok;
        let rr = RunResult { raw: r, http: h };
        println!(
            "   {:>3}  {:>9} {:>8} {:>8}  | {:>10} {:>8} {:>8}  | {:>7.2}×  {:>7}",
            run,
            thousands(r.rate),
            ms(r.p50),
            ms(r.p99),
            thousands(h.rate),
            ms(h.p50),
            ms(h.p99),
            rr.ratio(),
            h.failed
        );
        runs.push(rr);
    }
    if let Some(e) = first_error {
        println!("   non-201 answers: {e}");
    }
    server.stop().await?;
    raw.close().await;

    let mut chains_ok = true;
    let mut consistent = true;
    for (label, app, url, expected) in [
        ("HTTP", &http_app, &fresh.http_url, acknowledged),
        ("raw", &raw_app, &fresh.raw_url, raw_count),
    ] {
        let report = benk_app::audit::verify(app, |_, _| {}).await?;
        // The counts are read on a connection of the bench's own, like the raw
        // loop's: the app's database handles are private to the app crate.
        let mut conn = RawConn::open(backend, url)
            .await
            .context("opening a connection for the counts")?;
        let creates = conn
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create'")
            .await?;
        let seeded = conn
            .count(
                "SELECT COUNT(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM audit_events a \
                 WHERE a.client_id = c.id AND a.action = 'client.create')",
            )
            .await?;
        conn.close().await;
        let chain = match &report.first_break {
            None => format!(
                "audit chain verified, {} rows",
                thousands(report.rows as f64)
            ),
            Some(b) => {
                chains_ok = false;
                format!("audit chain BROKEN at row {}: {}", b.seq, b.reason)
            }
        };
        // Every write acknowledged (HTTP 201, or a committed raw transaction)
        // has its client.create row and nothing else does.
        let matches = u64::try_from(creates).ok() == Some(expected);
        consistent &= matches;
        println!(
            "   {label:>4} database: {chain}; {} client.create rows {} {} acknowledged writes; {} clients without one (the demo seed)",
            thousands(creates as f64),
            if matches { "=" } else { "≠" },
            thousands(expected as f64),
            seeded
        );
        app.close().await;
    }
    Ok(Report {
        backend,
        runs,
        durable,
        chains_ok,
        consistent,
    })
}

// ---------------------------------------------------------------- output

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

fn ms(d: Duration) -> String {
    ms_f(d.as_secs_f64() * 1000.0)
}

fn ms_f(m: f64) -> String {
    if m >= 100.0 {
        format!("{m:.0} ms")
    } else if m >= 10.0 {
        format!("{m:.1} ms")
    } else {
        format!("{m:.2} ms")
    }
}

fn print_summary(reports: &[Report], runs: usize) {
    println!();
    println!("summary (median of {runs} run(s); goal: HTTP ≥ 1× the raw one-transaction-per-write rate at full durability)");
    println!(
        "{:<9} {:>9} {:>8} {:>8}  {:>10} {:>8} {:>8}  {:>8}  {:<6} {:>7}  {:<10} chains",
        "backend",
        "raw tx/s",
        "p50",
        "p99",
        "HTTP req/s",
        "p50",
        "p99",
        "HTTP/raw",
        "goal",
        "errors",
        "durability"
    );
    for r in reports {
        if r.runs.is_empty() {
            println!("{:<9} failed (see above)", name(r.backend));
            continue;
        }
        let med = |f: &dyn Fn(&RunResult) -> f64| median(r.runs.iter().map(f).collect());
        let ratio = med(&|x| x.ratio());
        println!(
            "{:<9} {:>9} {:>8} {:>8}  {:>10} {:>8} {:>8}  {:>7.2}×  {:<6} {:>7}  {:<10} {}",
            name(r.backend),
            thousands(med(&|x| x.raw.rate)),
            ms_f(med(&|x| x.raw.p50.as_secs_f64() * 1000.0)),
            ms_f(med(&|x| x.raw.p99.as_secs_f64() * 1000.0)),
            thousands(med(&|x| x.http.rate)),
            ms_f(med(&|x| x.http.p50.as_secs_f64() * 1000.0)),
            ms_f(med(&|x| x.http.p99.as_secs_f64() * 1000.0)),
            ratio,
            if ratio >= 1.0 { "met" } else { "MISSED" },
            r.errors(),
            if r.durable { "full" } else { "NOT FULL" },
            match (r.chains_ok, r.consistent) {
                (true, true) => "verified",
                (false, _) => "BROKEN",
                (true, false) => "verified, counts differ",
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1234567.4), "1 234 567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1 000");
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0]), 2.5);
        assert_eq!(
            with_search_path("postgres://u@h/db", "s"),
            "postgres://u@h/db?options=-c%20search_path%3Ds"
        );
        assert_eq!(
            with_search_path("postgres://u@h/db?sslmode=disable", "s"),
            "postgres://u@h/db?sslmode=disable&options=-c%20search_path%3Ds"
        );
    }
}
