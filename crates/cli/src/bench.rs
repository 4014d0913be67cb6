//! `benk bench`: what Benk does over HTTP, next to the honest raw rate of the
//! same database in the same run.
//!
//! **Writes** (the default). For each backend the bench makes fresh databases
//! with the same settings, migrated and seeded with the demo teams:
//!
//! - **raw** — the denominator: logging one contact as its own transaction,
//!   one after another on one connection with prepared statements, through the
//!   thinnest driver: the contact row (with its two topics), two `contact_staff`
//!   rows, one chained audit row (SHA-256 over the same
//!   canonical form as the writer) and the chain head. SQLite: `rusqlite`, with
//!   the same pragmas as the server (WAL, `synchronous=FULL`, `temp_store=MEMORY`,
//!   the server's checkpoint interval); a plain Python
//!   `sqlite3` loop doing the same transaction is printed as a cross-check.
//!   PostgreSQL: `pgbench -M prepared` with a script doing the same
//!   transaction, at 1, 4 and 32 clients; the best is the raw rate.
//! - **HTTP** — the real router served in this process on `127.0.0.1:0`;
//!   `--connections` keep-alive clients ([`LoadConn`]) run each scenario of [`SCENARIOS`] for
//!   `--seconds` as the demo team lead. A request counts when it gets the
//!   scenario's status (a write's `201` is only sent after the durable commit).
//!   A route this build does not have (404/405 on the first try) is reported as
//!   "not available in this build" and skipped.
//!
//! **Reads** (`--reads`): the read scenarios over HTTP against existing
//! databases (`benk seed --national`), a small and a national one, with p50/p99
//! and the ratio between them.
//!
//! **Reports** (`--reports`): every report in every format on existing
//! databases, beside the same statistics computed by pandas (see [`reports`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use benk_app::audit::{ChainHead, Outcome};
use benk_app::db::{Backend, DbOptions};
use benk_app::{Actor, App, RequestMeta, Settings};
use sqlx::{Connection, PgConnection};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

mod reports;

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
    /// Which database to measure (writes mode).
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
    /// Only these scenarios (comma-separated names, see the list the bench prints).
    #[arg(long, value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// Measure reads on existing databases instead (see --small-url, --national-url).
    #[arg(long)]
    pub reads: bool,
    /// `--reads`: the small data set (e.g. `benk seed --national --contacts 100000`).
    #[arg(long)]
    pub small_url: Option<String>,
    /// `--reads`/`--reports`: the national data set (`benk seed --national`).
    #[arg(long)]
    pub national_url: Option<String>,
    /// Time every report in every format on existing databases (`--national-url`,
    /// `--small-url`), beside the same statistics computed by pandas.
    #[arg(long)]
    pub reports: bool,
    /// `--reports`: keep the CSV exports for the pandas side in this directory (default: a
    /// temporary directory, removed afterwards).
    #[arg(long)]
    pub export_dir: Option<PathBuf>,
}

const DEMO_LEAD: &str = "tone";
const USER_AGENT: &str = "benk-bench";

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> anyhow::Result<i32> {
    if args.seconds == 0 || args.connections == 0 || args.runs == 0 {
        bail!("--seconds, --connections and --runs must be at least 1");
    }
    for s in &args.scenarios {
        if !SCENARIOS.iter().any(|x| x.name == s) {
            bail!(
                "unknown scenario {s:?}; known: {}",
                SCENARIOS
                    .iter()
                    .map(|x| x.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    if args.reads {
        return reads(&args).await;
    }
    if args.reports {
        return reports::run(&args).await;
    }
    let backends: &[Backend] = match args.backend {
        Which::Sqlite => &[Backend::Sqlite],
        Which::Postgres => &[Backend::Postgres],
        Which::Both => &[Backend::Sqlite, Backend::Postgres],
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("benk bench: Benk over HTTP vs. the raw audited transaction of the same database");
    println!(
        "  the server and the HTTP load generator share this process ({cpus} CPUs); \
         the raw loops run alone, before the HTTP runs"
    );
    println!(
        "  per backend: {} run(s); each run measures raw, then every scenario for {} s with {} \
         keep-alive connections; the summary is the median of the runs",
        args.runs, args.seconds, args.connections
    );
    println!(
        "  raw = logging one contact per transaction on one connection, prepared: contact row \
         (2 topics), 2 contact_staff, 1 chained audit row (SHA-256), chain head; \
         SQLite through rusqlite (Python sqlite3 as a cross-check), PostgreSQL through \
         `pgbench -M prepared` (best of 1, 4, 32 clients)"
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

// ---------------------------------------------------------------- scenarios

/// What a scenario does to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A durable, audited write.
    Write,
    /// A read of health or personal data (audited).
    AuditedRead,
    /// A request without database writes (for scale).
    Plain,
}

/// One HTTP request the bench repeats. `{client}` and `{team}` in the path
/// are filled in per request (clients round-robin over the bench's set).
pub struct Scenario {
    /// Name on the command line and in the output.
    pub name: &'static str,
    /// GET or POST.
    pub post: bool,
    /// Path with `{client}` / `{team}` placeholders.
    pub path: &'static str,
    /// The status that counts as success.
    pub ok: u16,
    /// What it costs.
    pub kind: Kind,
    /// Measured in `--reads` mode.
    pub read_mode: bool,
}

/// The scenarios, in the order they are measured. New routes are wired here
/// by name; their bodies are built in [`body`].
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "client.create",
        post: true,
        path: "/api/v1/clients",
        ok: 201,
        kind: Kind::Write,
        read_mode: false,
    },
    Scenario {
        name: "contact.log",
        post: true,
        path: "/api/v1/clients/{client}/contacts",
        ok: 201,
        kind: Kind::Write,
        read_mode: false,
    },
    Scenario {
        name: "client.read",
        post: false,
        path: "/api/v1/clients/{client}",
        ok: 200,
        kind: Kind::AuditedRead,
        read_mode: true,
    },
    Scenario {
        name: "timeline",
        post: false,
        path: "/api/v1/clients/{client}/timeline",
        ok: 200,
        kind: Kind::AuditedRead,
        read_mode: true,
    },
    Scenario {
        name: "caseload",
        post: false,
        path: "/api/v1/teams/{team}/caseload",
        ok: 200,
        kind: Kind::AuditedRead,
        read_mode: true,
    },
    Scenario {
        name: "needs_contact",
        post: false,
        path: "/api/v1/teams/{team}/needs-contact",
        ok: 200,
        kind: Kind::AuditedRead,
        read_mode: true,
    },
    Scenario {
        name: "healthz",
        post: false,
        path: "/healthz",
        ok: 200,
        kind: Kind::Plain,
        read_mode: false,
    },
];

/// The request body of a POST scenario (`n` makes each one distinct), as JSON text.
fn body(s: &Scenario, ctx: &Target, n: u64) -> String {
    match s.name {
        "client.create" => format!(r#"{{"name":"Bench Person {n}","birth_year":1980}}"#),
        "contact.log" => {
            let at = (chrono::Utc::now() - chrono::Duration::minutes(5))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let staff: Vec<String> = ctx.staff.iter().map(|s| format!(r#""{s}""#)).collect();
            format!(
                r#"{{"occurred_at":"{at}","duration_min":30,"kind":"home_visit","met":true,"staff":[{}],"place":null,"topics":["housing","finances"],"note":null}}"#,
                staff.join(",")
            )
        }
        _ => String::new(),
    }
}

/// Who and what the scenarios act on.
#[derive(Debug, Clone)]
pub struct Target {
    token: String,
    team: Uuid,
    clients: Vec<Uuid>,
    staff: Vec<Uuid>,
}

impl Target {
    fn path(&self, s: &Scenario, n: u64) -> String {
        let client = self.clients[(n as usize) % self.clients.len().max(1)];
        s.path
            .replace("{client}", &client.to_string())
            .replace("{team}", &self.team.to_string())
    }

    /// The whole HTTP/1.1 request of a scenario, as the load connections send it.
    fn request_bytes(&self, addr: SocketAddr, s: &Scenario, n: u64) -> Vec<u8> {
        let path = self.path(s, n);
        let head = |method: &str, extra: &str| {
            format!(
                "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nuser-agent: {USER_AGENT}\r\n\
                 authorization: Bearer {}\r\n{extra}\r\n",
                self.token
            )
        };
        if s.post {
            let b = body(s, self, n);
            let mut r = head(
                "POST",
                &format!(
                    "content-type: application/json\r\ncontent-length: {}\r\n",
                    b.len()
                ),
            );
            r.push_str(&b);
            r.into_bytes()
        } else {
            head("GET", "").into_bytes()
        }
    }
}

/// Which scenarios to run.
fn selected(args: &BenchArgs, read_mode: bool) -> Vec<&'static Scenario> {
    SCENARIOS
        .iter()
        .filter(|s| {
            if args.scenarios.is_empty() {
                !read_mode || s.read_mode
            } else {
                args.scenarios.iter().any(|n| n == s.name)
            }
        })
        .collect()
}

/// One request; `Ok(latency)` on the scenario's status, otherwise what went wrong.
async fn request(
    client: &reqwest::Client,
    addr: SocketAddr,
    s: &Scenario,
    t: &Target,
    n: u64,
) -> Result<Duration, (String, String)> {
    let url = format!("http://{addr}{}", t.path(s, n));
    let start = Instant::now();
    let req = if s.post {
        client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body(s, t, n))
    } else {
        client.get(url)
    };
    let resp = req
        .bearer_auth(&t.token)
        .send()
        .await
        .map_err(|e| ("transport error".to_string(), e.to_string()))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| ("transport error".to_string(), e.to_string()))?;
    if status.as_u16() == s.ok {
        Ok(start.elapsed())
    } else {
        Err((format!("HTTP {}", status.as_u16()), text))
    }
}

/// Whether this build has the scenario's route: one try, 404/405 means no.
async fn available(addr: SocketAddr, s: &Scenario, t: &Target) -> anyhow::Result<bool> {
    let client = http_client()?;
    match request(&client, addr, s, t, 0).await {
        Ok(_) => Ok(true),
        Err((kind, _)) if kind == "HTTP 404" || kind == "HTTP 405" => Ok(false),
        Err((kind, detail)) => bail!("{}: the first request failed ({kind}): {detail}", s.name),
    }
}

async fn http_measure(
    addr: SocketAddr,
    s: &'static Scenario,
    t: &Target,
    connections: usize,
    secs: u64,
) -> anyhow::Result<Sample> {
    let start = Instant::now();
    let cpu_start = process_cpu();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::with_capacity(connections);
    for c in 0..connections {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let mut smp = Sample::default();
            let mut conn: Option<LoadConn> = None;
            let mut i = c as u64;
            while Instant::now() < deadline {
                i += connections as u64;
                let req = t.request_bytes(addr, s, i);
                let start = Instant::now();
                let c = match conn.as_mut() {
                    Some(c) => c,
                    None => match LoadConn::connect(addr).await {
                        Ok(c) => conn.insert(c),
                        Err(e) => {
                            smp.error("transport error".into(), e.to_string());
                            continue;
                        }
                    },
                };
                match c.send(&req).await {
                    Ok((status, _)) if status == s.ok => smp.lat.push(start.elapsed()),
                    Ok((status, body)) => smp.error(
                        format!("HTTP {status}"),
                        String::from_utf8_lossy(&body).into_owned(),
                    ),
                    Err(e) => {
                        // The connection is in an unknown state: the next request opens a new one.
                        conn = None;
                        smp.error("transport error".into(), e.to_string());
                    }
                }
            }
            smp
        }));
    }
    let mut all = Sample::default();
    for t in tasks {
        all.merge(t.await.context("load task")?);
    }
    all.elapsed = start.elapsed();
    all.cpu = cpu_start
        .zip(process_cpu())
        .map(|(a, b)| b.saturating_sub(a));
    Ok(all)
}

/// One keep-alive HTTP/1.1 connection of the load generator: it writes a request prepared as
/// bytes and reads the answer's status line, headers and `content-length` body, and nothing
/// more, as wrk does. The bench's load runs in the server's own process and on its two cores,
/// so a generator with a general HTTP client's costs (URL parsing, header maps, a connection
/// pool, JSON values) would be charged to the server's rate; this one costs a few
/// microseconds per request. Only answers with a `content-length` are read (every route the
/// bench measures sends one; a chunked answer is an error, not a guess).
struct LoadConn {
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
}

impl LoadConn {
    async fn connect(addr: SocketAddr) -> std::io::Result<LoadConn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(LoadConn {
            stream,
            buf: Vec::with_capacity(16 * 1024),
        })
    }

    /// Sends one request and reads its answer: the status and the body.
    async fn send(&mut self, req: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(req).await?;
        self.buf.clear();
        let (status, head_len, body_len) = loop {
            if let Some(h) = parse_head(&self.buf)? {
                break h;
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(closed());
            }
        };
        while self.buf.len() < head_len + body_len {
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(closed());
            }
        }
        if self.buf.len() > head_len + body_len {
            return Err(invalid("more bytes than the answer's content-length"));
        }
        Ok((status, self.buf.split_off(head_len)))
    }
}

fn closed() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the server closed the connection",
    )
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// The status, the length of the head and the body's length of an HTTP/1.1 answer whose head
/// is complete in `buf`; `None` while it is not.
fn parse_head(buf: &[u8]) -> std::io::Result<Option<(u16, usize, usize)>> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| invalid("a head that is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.strip_prefix("HTTP/1.1 "))
        .and_then(|l| l.get(..3))
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| invalid("no HTTP/1.1 status line"))?;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(invalid(
                "a chunked answer (the bench reads content-length only)",
            ));
        }
    }
    let length = length.ok_or_else(|| invalid("an answer without content-length"))?;
    Ok(Some((status, end + 4, length)))
}

/// CPU time this process has used (user + system, all threads), from `/proc/self/stat` in
/// clock ticks of 10 ms: over a run of seconds on two cores that is a resolution under 1 %.
/// It counts the server and the in-process load generator together; unlike a rate, it
/// hardly moves when other processes share the machine, so it tells whether a change made a
/// request cheaper even on a busy machine.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12th and 13th after the name.
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

// ---------------------------------------------------------------- samples

/// One measurement: successes with their latencies, and what went wrong.
#[derive(Debug, Default)]
struct Sample {
    lat: Vec<Duration>,
    errors: BTreeMap<String, u64>,
    first_error: Option<String>,
    elapsed: Duration,
    /// The process's CPU time during the run (see [`process_cpu`]).
    cpu: Option<Duration>,
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
    fn describe_errors(&self) -> Option<String> {
        let first = self.first_error.as_ref()?;
        let kinds: Vec<String> = self
            .errors
            .iter()
            .map(|(k, v)| format!("{k} ×{v}"))
            .collect();
        Some(format!("{}; first: {first}", kinds.join(", ")))
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
            failed: self.failed(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    rate: f64,
    p50: Duration,
    p99: Duration,
    failed: u64,
}

/// One run of one backend: the raw rate and each scenario's stats.
#[derive(Debug, Clone, Default)]
struct RunResult {
    raw: f64,
    python: Option<f64>,
    scen: BTreeMap<&'static str, Stats>,
}

#[derive(Debug)]
struct Report {
    backend: Backend,
    runs: Vec<RunResult>,
    missing: Vec<&'static str>,
    durable: bool,
    chains_ok: bool,
    consistent: bool,
    errors: u64,
}

impl Report {
    fn failed(backend: Backend) -> Report {
        Report {
            backend,
            runs: Vec::new(),
            missing: Vec::new(),
            durable: false,
            chains_ok: false,
            consistent: false,
            errors: 0,
        }
    }
    fn clean(&self) -> bool {
        !self.runs.is_empty() && self.chains_ok && self.consistent && self.errors == 0
    }
}
// ---------------------------------------------------------------- databases

/// Two fresh databases of one backend (HTTP and raw) and how to remove them.
struct Fresh {
    backend: Backend,
    http_url: String,
    raw_url: String,
    place: String,
    /// SQLite: the folder of the database files.
    dir: Option<PathBuf>,
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
                    dir: Some(dir.clone()),
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
                    dir: None,
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

/// A bench-only connection (sqlx) for set-up look-ups and the counts checked
/// at the end: the app's own database handles are private to the app crate.
enum Peek {
    Sqlite(sqlx::SqliteConnection),
    Postgres(PgConnection),
}

impl Peek {
    async fn open(url: &str) -> anyhow::Result<Peek> {
        let opts = DbOptions::new(url);
        Ok(match Backend::from_url(url)? {
            Backend::Sqlite => Peek::Sqlite(
                sqlx::SqliteConnection::connect_with(&benk_app::db::sqlite_options(&opts)?).await?,
            ),
            Backend::Postgres => {
                Peek::Postgres(PgConnection::connect_with(&benk_app::db::pg_options(&opts)?).await?)
            }
        })
    }
    async fn count(&mut self, sql: &str) -> anyhow::Result<i64> {
        Ok(match self {
            Peek::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await?,
            Peek::Postgres(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await?,
        })
    }
    /// Ids from a one-column query with one uuid parameter.
    async fn ids(&mut self, sql: &str, arg: Uuid) -> anyhow::Result<Vec<Uuid>> {
        Ok(match self {
            Peek::Sqlite(c) => sqlx::query_scalar(sql).bind(arg).fetch_all(&mut *c).await?,
            Peek::Postgres(c) => sqlx::query_scalar(sql).bind(arg).fetch_all(&mut *c).await?,
        })
    }
    async fn close(self) {
        let _ = match self {
            Peek::Sqlite(c) => c.close().await,
            Peek::Postgres(c) => c.close().await,
        };
    }
}

/// The rows one raw contact transaction writes, and who writes them.
struct RawSetup {
    actor: Actor,
    team: Uuid,
    client: Uuid,
    staff: [Uuid; 2],
    org: Uuid,
}

const OTHER_MEMBER: &str =
    "SELECT staff_id FROM team_memberships WHERE team_id = $1 ORDER BY staff_id";
const TEAM_CLIENTS: &str = "SELECT id FROM clients WHERE team_id = $1 ORDER BY id";

async fn raw_setup(app: &App, url: &str) -> anyhow::Result<RawSetup> {
    let lead = demo_lead(app).await?;
    let meta = RequestMeta {
        ip: Some("127.0.0.1".into()),
        user_agent: Some(USER_AGENT.into()),
    };
    let actor = benk_app::staff::load_actor(app, lead, meta)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("the demo team lead cannot act")?;
    let team = actor
        .acting()
        .map(|m| m.team_id)
        .context("the demo team lead has no team")?;
    let mut peek = Peek::open(url).await?;
    let other = peek
        .ids(OTHER_MEMBER, team)
        .await?
        .into_iter()
        .find(|s| *s != lead)
        .context("the demo team has one member only")?;
    let client = *peek
        .ids(TEAM_CLIENTS, team)
        .await?
        .first()
        .context("the demo team has no clients")?;
    peek.close().await;
    Ok(RawSetup {
        org: actor.home_org_id(),
        actor,
        team,
        client,
        staff: [lead, other],
    })
}

fn contact_audit(setup: &RawSetup) -> benk_app::audit::AuditDraft {
    let mut d = setup.actor.audit("contact.create", Outcome::Allowed);
    d.client_id = Some(setup.client);
    d.purpose = Some("TREAT".into());
    d.resources = "contact,basis:care_team".into();
    d
}

/// SQLite's textual time, as sqlx writes a `DateTime<Utc>`.
fn sqlite_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

const RAW_INSERT_CONTACT: &str = "INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, met, place, \
    logged_by, owner_org_id, created_at, topics) VALUES (?1, ?2, ?3, ?4, 30, 'home_visit', 1, NULL, ?5, ?6, ?4, 'finances,housing')";
const RAW_INSERT_STAFF: &str = "INSERT INTO contact_staff (contact_id, staff_id) VALUES (?1, ?2)";
const RAW_INSERT_AUDIT: &str = "INSERT INTO audit_events (seq, id, at, actor_staff_id, actor_name, actor_hpr, \
    actor_org_number, actor_role, actor_team_id, client_id, purpose, action, resources, outcome, ip, \
    user_agent, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
const RAW_WRITE_HEAD: &str = "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1";

/// The same pragmas as benk-app's connections.
fn rusqlite_open(path: &Path) -> anyhow::Result<rusqlite::Connection> {
    let c = rusqlite::Connection::open(path)?;
    c.busy_timeout(Duration::from_secs(10))?;
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    c.execute_batch("PRAGMA synchronous = FULL;")?;
    for (name, value) in benk_app::db::SQLITE_PRAGMAS {
        c.pragma_update(None, name, value)?;
    }
    Ok(c)
}

/// The honest raw loop on SQLite: one contact per transaction through
/// rusqlite, prepared statements, chain head kept in memory. Returns the
/// number committed and the elapsed time.
fn rusqlite_loop(path: &Path, setup: &RawSetup, secs: u64) -> anyhow::Result<(u64, Duration)> {
    let conn = rusqlite_open(path)?;
    let mut head = conn.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
        Ok(ChainHead {
            seq: r.get(0)?,
            hash: r.get(1)?,
        })
    })?;
    let b = |u: &Uuid| u.as_bytes().to_vec();
    let (client, team, org) = (b(&setup.client), b(&setup.team), b(&setup.org));
    let staff = [b(&setup.staff[0]), b(&setup.staff[1])];
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut n = 0u64;
    while Instant::now() < deadline {
        let id = Uuid::now_v7();
        let draft = contact_audit(setup);
        let at = sqlite_time(&draft.at);
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.prepare_cached(RAW_INSERT_CONTACT)?
            .execute(rusqlite::params![
                id.as_bytes().as_slice(),
                client,
                team,
                at,
                staff[0],
                org
            ])?;
        for s in &staff {
            conn.prepare_cached(RAW_INSERT_STAFF)?
                .execute(rusqlite::params![id.as_bytes().as_slice(), s])?;
        }
        let r = head.append(&draft);
        let opt = |u: Option<Uuid>| u.map(|u| u.as_bytes().to_vec());
        conn.prepare_cached(RAW_INSERT_AUDIT)?
            .execute(rusqlite::params![
                r.seq,
                r.id.as_bytes().as_slice(),
                sqlite_time(&r.at),
                opt(r.actor_staff_id),
                r.actor_name,
                r.actor_hpr,
                r.actor_org_number,
                r.actor_role,
                opt(r.actor_team_id),
                opt(r.client_id),
                r.purpose,
                r.action,
                r.resources,
                r.outcome,
                r.ip,
                r.user_agent,
                r.prev_hash,
                r.hash
            ])?;
        conn.prepare_cached(RAW_WRITE_HEAD)?
            .execute(rusqlite::params![head.seq, head.hash])?;
        conn.execute_batch("COMMIT")?;
        n += 1;
    }
    Ok((n, start.elapsed()))
}

/// The cross-check: the same transaction in a plain Python `sqlite3` loop.
const PYTHON_LOOP: &str = r#"
import datetime, hashlib, json, sqlite3, sys, time, uuid
db, secs = sys.argv[1], float(sys.argv[2])
client, team, s1, s2, org = [bytes.fromhex(x) for x in sys.argv[3:8]]
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=FULL")
con.execute("PRAGMA foreign_keys=ON")
con.execute("PRAGMA temp_store=MEMORY")
con.execute("PRAGMA wal_autocheckpoint=10000")  # benk_app::db::SQLITE_PRAGMAS
seq, prev = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
C = "INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, met, place, logged_by, owner_org_id, created_at, topics) VALUES (?, ?, ?, ?, 30, 'home_visit', 1, NULL, ?, ?, ?, 'finances,housing')"
S = "INSERT INTO contact_staff (contact_id, staff_id) VALUES (?, ?)"
A = "INSERT INTO audit_events (seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, actor_role, actor_team_id, client_id, purpose, action, resources, outcome, ip, user_agent, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
H = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"
n = 0
t0 = time.perf_counter()
end = t0 + secs
while time.perf_counter() < end:
    cid = uuid.uuid4().bytes
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    con.execute("BEGIN IMMEDIATE")
    con.execute(C, (cid, client, team, now, s1, org, now))
    con.execute(S, (cid, s1))
    con.execute(S, (cid, s2))
    seq += 1
    aid = uuid.uuid4()
    row = ["benk-audit-v1", seq, str(aid), now, str(uuid.UUID(bytes=s1)), "Bench", None, "000000000", "team_lead", str(uuid.UUID(bytes=team)), str(uuid.UUID(bytes=client)), "TREAT", "contact.create", "contact,basis:care_team", "allowed", "127.0.0.1", "python"]
    h = hashlib.sha256((prev + json.dumps(row, separators=(",", ":"), ensure_ascii=False)).encode()).hexdigest()
    con.execute(A, (seq, aid.bytes, now, s1, "Bench", None, "000000000", "team_lead", team, client, "TREAT", "contact.create", "contact,basis:care_team", "allowed", "127.0.0.1", "python", prev, h))
    con.execute(H, (seq, h))
    con.execute("COMMIT")
    prev = h
    n += 1
print(n, time.perf_counter() - t0)
"#;

/// Runs [`PYTHON_LOOP`] on its own copy of the raw database; `None` (with a
/// message) when python3 is missing or fails.
fn python_loop(path: &Path, setup: &RawSetup, secs: u64) -> Option<f64> {
    let hexs = |u: &Uuid| hex::encode(u.as_bytes());
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(PYTHON_LOOP)
        .arg(path)
        .arg(secs.to_string())
        .args([
            hexs(&setup.client),
            hexs(&setup.team),
            hexs(&setup.staff[0]),
            hexs(&setup.staff[1]),
            hexs(&setup.org),
        ])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let mut it = text.split_whitespace();
            let n: f64 = it.next()?.parse().ok()?;
            let secs: f64 = it.next()?.parse().ok()?;
            Some(n / secs.max(1e-9))
        }
        Ok(o) => {
            println!(
                "   python3 cross-check failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            None
        }
        Err(e) => {
            println!("   python3 cross-check skipped: {e}");
            None
        }
    }
}

/// The same transaction as a pgbench script (`-M prepared`). The server
/// computes the SHA-256 (`sha256()`); the chain head row is locked, moved and
/// the audit row appended in one statement (fewer round trips than Benk's
/// writer needs: a strict denominator). pgbench reads `:name` even inside
/// string literals, hence `chr(58)` for a colon.
const PGBENCH_SCRIPT: &str = r#"BEGIN;
INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, met, place, logged_by, owner_org_id, created_at, topics) VALUES (gen_random_uuid(), :client::uuid, :team::uuid, now(), 30, 'home_visit', true, NULL, :s1::uuid, :org::uuid, now(), 'finances,housing') RETURNING id AS cid \gset
INSERT INTO contact_staff (contact_id, staff_id) VALUES (:cid::uuid, :s1::uuid), (:cid::uuid, :s2::uuid);
WITH old AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE), head AS (UPDATE audit_head h SET seq = old.seq + 1, hash = encode(sha256(convert_to(old.hash || '["benk-audit-v1",' || (old.seq + 1)::text || ',"contact.create","contact,basis' || chr(58) || 'care_team","allowed","127.0.0.1","pgbench"]', 'UTF8')), 'hex') FROM old WHERE h.id = 1 RETURNING h.seq, h.hash, old.hash AS prev) INSERT INTO audit_events (seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, actor_role, actor_team_id, client_id, purpose, action, resources, outcome, ip, user_agent, prev_hash, hash) SELECT head.seq, gen_random_uuid(), now(), :s1::uuid, 'Bench', NULL, '000000000', 'team_lead', :team::uuid, :client::uuid, 'TREAT', 'contact.create', 'contact,basis' || chr(58) || 'care_team', 'allowed', '127.0.0.1', 'pgbench', head.prev, head.hash FROM head;
COMMIT;
"#;

/// Best pgbench rate of 1, 4 and 32 clients, and what each gave.
fn pgbench(url: &str, setup: &RawSetup, secs: u64) -> anyhow::Result<(f64, String)> {
    let bin = ["/usr/bin/pgbench", "pgbench"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok()
        })
        .context("pgbench is not installed: PostgreSQL raw rate skipped")?;
    let script =
        std::env::temp_dir().join(format!("benk-bench-{:016x}.sql", rand::random::<u64>()));
    std::fs::write(&script, PGBENCH_SCRIPT)?;
    let mut best = 0.0f64;
    let mut parts = Vec::new();
    for clients in [1usize, 4, 32] {
        let out = std::process::Command::new(bin)
            .args(["-n", "-M", "prepared", "-f"])
            .arg(&script)
            .args([
                "-c",
                &clients.to_string(),
                "-j",
                &clients.min(2).to_string(),
                "-T",
                &secs.to_string(),
            ])
            .args(["-D", &format!("client={}", setup.client)])
            .args(["-D", &format!("team={}", setup.team)])
            .args(["-D", &format!("s1={}", setup.staff[0])])
            .args(["-D", &format!("s2={}", setup.staff[1])])
            .args(["-D", &format!("org={}", setup.org)])
            .arg(url)
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let tps = text
            .lines()
            .find(|l| l.starts_with("tps = "))
            .and_then(|l| l["tps = ".len()..].split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok());
        match tps {
            Some(t) if out.status.success() => {
                best = best.max(t);
                parts.push(format!("{clients}c {}", thousands(t)));
            }
            _ => {
                let _ = std::fs::remove_file(&script);
                bail!(
                    "pgbench -c {clients} failed: {}{}",
                    String::from_utf8_lossy(&out.stderr).trim(),
                    text.trim()
                );
            }
        }
    }
    let _ = std::fs::remove_file(&script);
    Ok((best, parts.join(", ")))
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

/// A token for a staff member, made through the admin path (audited).
async fn token_for(app: &App, staff: Uuid) -> anyhow::Result<String> {
    let grant = crate::cli_admin(
        app,
        benk_app::access::admin::AdminScope::Staff(staff),
        "token.create",
    )
    .await?;
    benk_app::auth::create_token_for(app, &grant, staff, "benk bench")
        .await
        .map_err(|e| anyhow::anyhow!("creating a token: {e}"))
}

// ---------------------------------------------------------------- one backend

async fn bench_backend(backend: Backend, args: &BenchArgs) -> anyhow::Result<Report> {
    let fresh = Fresh::create(backend, args).await?;
    let result = measure(&fresh, args).await;
    fresh.cleanup().await;
    result
}

/// The raw rate of one run (and the Python cross-check on SQLite).
async fn raw_run(
    fresh: &Fresh,
    setup: &RawSetup,
    secs: u64,
    python_db: Option<&Path>,
    raw_count: &mut u64,
) -> anyhow::Result<(f64, Option<f64>, String)> {
    match fresh.backend {
        Backend::Sqlite => {
            let path = fresh
                .dir
                .as_ref()
                .context("no folder for the SQLite files")?
                .join("raw.db");
            let cpu_before = process_cpu();
            let (n, el) = tokio::task::block_in_place(|| rusqlite_loop(&path, setup, secs))
                .context("the rusqlite raw loop")?;
            // The loop's CPU per transaction (the rest of its time is spent waiting for the
            // disk): the share of a commit that group commit cannot take away.
            let cpu = cpu_before
                .zip(process_cpu())
                .filter(|_| n > 0)
                .map(|(a, b)| {
                    format!(
                        ", CPU {} µs/tx",
                        thousands(b.saturating_sub(a).as_secs_f64() * 1e6 / n as f64)
                    )
                })
                .unwrap_or_default();
            *raw_count += n;
            let rate = n as f64 / el.as_secs_f64().max(1e-9);
            let py =
                python_db.and_then(|p| tokio::task::block_in_place(|| python_loop(p, setup, secs)));
            let detail = match py {
                Some(p) => format!(
                    "rusqlite {}/s{cpu}; python3 sqlite3 {}/s (rusqlite {} python)",
                    thousands(rate),
                    thousands(p),
                    if rate >= p { "≥" } else { "< !" }
                ),
                None => format!("rusqlite {}/s{cpu}", thousands(rate)),
            };
            Ok((rate, py, detail))
        }
        Backend::Postgres => {
            let (best, detail) =
                tokio::task::block_in_place(|| pgbench(&fresh.raw_url, setup, secs))?;
            Ok((best, None, format!("pgbench -M prepared: {detail} tps")))
        }
    }
}

async fn measure(fresh: &Fresh, args: &BenchArgs) -> anyhow::Result<Report> {
    let backend = fresh.backend;
    println!("== {}: fresh {}", name(backend), fresh.place);

    let http_app = open_seeded(&fresh.http_url).await?;
    let raw_app = open_seeded(&fresh.raw_url).await?;
    let setup = raw_setup(&raw_app, &fresh.raw_url).await?;
    // Python gets its own copy of the seeded raw database (its chain is not Benk's).
    let python_db = match &fresh.dir {
        Some(dir) => {
            let p = dir.join("python.db");
            let c = rusqlite_open(&dir.join("raw.db"))?;
            c.execute("VACUUM INTO ?1", [p.display().to_string()])?;
            Some(p)
        }
        None => None,
    };

    let lead = demo_lead(&http_app).await?;
    let token = token_for(&http_app, lead).await?;
    let (srv_dur, srv_full) = http_app.durability().await?;
    let raw_full = srv_full; // the raw loops use the same settings (see rusqlite_open, pgbench)
    println!(
        "   durability: server and raw loops {srv_dur}{}",
        if srv_full {
            " (full)"
        } else {
            "  WARNING: not full durability"
        }
    );

    let server = Server::start(http_app.clone()).await?;
    // The bench's own clients (so the lead has a care relationship with them).
    let client = http_client()?;
    let mut target = Target {
        token,
        team: Uuid::nil(),
        clients: Vec::new(),
        staff: Vec::new(),
    };
    let mut acknowledged_creates = 0u64;
    for i in 0..20 {
        let resp = client
            .post(format!("http://{}/api/v1/clients", server.addr))
            .bearer_auth(&target.token)
            .json(&serde_json::json!({"name": format!("Bench Target {i}"), "birth_year": 1970}))
            .send()
            .await?;
        if resp.status() != reqwest::StatusCode::CREATED {
            bail!(
                "creating a bench client: HTTP {}: {}",
                resp.status(),
                resp.text().await?
            );
        }
        let v: serde_json::Value = resp.json().await?;
        target.clients.push(
            v["id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .context("the created client has no id")?,
        );
        acknowledged_creates += 1;
    }
    let mut peek = Peek::open(&fresh.http_url).await?;
    target.team = *peek
        .ids(
            "SELECT team_id FROM clients WHERE id = $1",
            target.clients[0],
        )
        .await?
        .first()
        .context("the bench client has no team")?;
    let others = peek.ids(OTHER_MEMBER, target.team).await?;
    peek.close().await;
    target.staff = vec![lead];
    target
        .staff
        .extend(others.into_iter().filter(|s| *s != lead).take(1));

    let mut scen = Vec::new();
    let mut missing = Vec::new();
    for s in selected(args, false) {
        if available(server.addr, s, &target).await? {
            if s.name == "client.create" {
                acknowledged_creates += 1;
            }
            scen.push(s);
        } else {
            println!(
                "   {:<14} not available in this build ({} {})",
                s.name,
                if s.post { "POST" } else { "GET" },
                s.path
            );
            missing.push(s.name);
        }
    }
    let mut contacts_probe = u64::from(scen.iter().any(|s| s.name == "contact.log"));

    let mut runs = Vec::new();
    let mut raw_count = 0u64;
    let mut errors = 0u64;
    let mut first_errors: BTreeMap<&str, String> = BTreeMap::new();
    for run in 1..=args.runs {
        let (raw, python, detail) = raw_run(
            fresh,
            &setup,
            args.seconds,
            python_db.as_deref(),
            &mut raw_count,
        )
        .await?;
        println!("   run {run}: raw {} tx/s ({detail})", thousands(raw));
        let mut rr = RunResult {
            raw,
            python,
            scen: BTreeMap::new(),
        };
        for s in &scen {
            let mut smp =
                http_measure(server.addr, s, &target, args.connections, args.seconds).await?;
            if let Some(e) = smp.describe_errors() {
                first_errors.entry(s.name).or_insert(e);
            }
            smp.first_error = None;
            let ok = smp.ok();
            let cpu = smp.cpu;
            let st = smp.stats();
            errors += st.failed;
            match s.name {
                "client.create" => acknowledged_creates += ok,
                "contact.log" => contacts_probe += ok,
                _ => {}
            }
            println!(
                "          {:<14} {:>8}/s  p50 {:>8}  p99 {:>8}  {:>5.2}× raw  {} failed  {}",
                s.name,
                thousands(st.rate),
                ms(st.p50),
                ms(st.p99),
                st.rate / raw.max(1e-9),
                st.failed,
                cpu.filter(|_| ok > 0)
                    .map(|c| format!("CPU {:.0} µs/request", c.as_secs_f64() * 1e6 / ok as f64))
                    .unwrap_or_default()
            );
            rr.scen.insert(s.name, st);
        }
        runs.push(rr);
    }
    for (s, e) in &first_errors {
        println!("   {s}: failures: {e}");
    }
    server.stop().await?;

    // Every acknowledged write is in the database and nothing else; both chains verify.
    let mut chains_ok = true;
    let mut consistent = true;
    let report = benk_app::audit::verify(&http_app, |_, _| {}).await?;
    let mut peek = Peek::open(&fresh.http_url).await?;
    let creates = peek
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'client.create' AND user_agent = 'benk-bench'")
        .await?;
    let contacts = peek.count("SELECT COUNT(*) FROM contacts").await?;
    peek.close().await;
    chains_ok &= report.first_break.is_none();
    let creates_ok = u64::try_from(creates).ok() == Some(acknowledged_creates);
    consistent &= creates_ok;
    println!(
        "   HTTP database: audit chain {} ({} rows); {} client.create rows {} {} acknowledged; {} contacts{}",
        if report.first_break.is_none() { "verified" } else { "BROKEN" },
        thousands(report.rows as f64),
        thousands(creates as f64),
        if creates_ok { "=" } else { "≠" },
        thousands(acknowledged_creates as f64),
        thousands(contacts as f64),
        if contacts_probe > 0 {
            format!(" (acknowledged {}, plus the demo's)", thousands(contacts_probe as f64))
        } else {
            String::new()
        }
    );
    if backend == Backend::Sqlite {
        let report = benk_app::audit::verify(&raw_app, |_, _| {}).await?;
        let mut peek = Peek::open(&fresh.raw_url).await?;
        let rows = peek
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'contact.create' AND user_agent = 'benk-bench'")
            .await?;
        peek.close().await;
        let ok = u64::try_from(rows).ok() == Some(raw_count);
        chains_ok &= report.first_break.is_none();
        consistent &= ok;
        println!(
            "    raw database: audit chain {} ({} rows); {} contact.create rows {} {} raw transactions",
            if report.first_break.is_none() { "verified" } else { "BROKEN" },
            thousands(report.rows as f64),
            thousands(rows as f64),
            if ok { "=" } else { "≠" },
            thousands(raw_count as f64)
        );
    } else {
        println!("    raw database: pgbench's chain uses its own canonical form (not verified)");
    }
    http_app.close().await;
    raw_app.close().await;
    Ok(Report {
        backend,
        runs,
        missing,
        durable: srv_full && raw_full,
        chains_ok,
        consistent,
        errors,
    })
}

// ---------------------------------------------------------------- reads at scale

/// What one data set gave, per scenario.
type ReadResult = BTreeMap<&'static str, Stats>;

/// The seeded data sets given (`--small-url`, `--national-url`), labelled.
fn data_sets(args: &BenchArgs) -> Vec<(&'static str, &String)> {
    [("small", &args.small_url), ("national", &args.national_url)]
        .into_iter()
        .filter_map(|(n, u)| u.as_ref().map(|u| (n, u)))
        .collect()
}

async fn reads(args: &BenchArgs) -> anyhow::Result<i32> {
    let sets = data_sets(args);
    if sets.is_empty() {
        bail!("--reads needs --small-url and/or --national-url (made by `benk seed --national`)");
    }
    println!(
        "benk bench --reads: {} s per scenario, {} keep-alive connections, median of {} run(s); \
         requests rotate over 200 clients of one team",
        args.seconds, args.connections, args.runs
    );
    if cfg!(debug_assertions) {
        println!("  NOTE: this is a debug build; measure with `cargo build --release -p benk`");
    }
    let mut results: Vec<(&str, ReadResult)> = Vec::new();
    for (label, url) in &sets {
        println!();
        let app = App::open(&DbOptions::new(url.as_str()), Settings::default())
            .await
            .with_context(|| format!("opening {}", crate::redact(url)))?;
        let mut peek = Peek::open(url).await?;
        let contacts = peek.count("SELECT COUNT(*) FROM contacts").await?;
        let audit = peek.count("SELECT COUNT(*) FROM audit_events").await?;
        let (team, lead) = match &mut peek {
            Peek::Sqlite(c) => {
                sqlx::query_as::<_, (Uuid, Uuid)>(NATIONAL_LEAD)
                    .fetch_one(&mut *c)
                    .await?
            }
            Peek::Postgres(c) => {
                sqlx::query_as::<_, (Uuid, Uuid)>(NATIONAL_LEAD)
                    .fetch_one(&mut *c)
                    .await?
            }
        };
        let mut clients = peek.ids(TEAM_CLIENTS, team).await?;
        clients.truncate(200);
        peek.close().await;
        println!(
            "== {label}: {} ({} contacts, {} audit rows); team {team}, {} clients in rotation",
            crate::redact(url),
            thousands(contacts as f64),
            thousands(audit as f64),
            clients.len()
        );
        let token = token_for(&app, lead).await?;
        let server = Server::start(app.clone()).await?;
        let target = Target {
            token,
            team,
            clients,
            staff: vec![lead],
        };
        let mut per: BTreeMap<&'static str, Vec<Stats>> = BTreeMap::new();
        for s in selected(args, true) {
            if !available(server.addr, s, &target).await? {
                println!("   {:<14} not available in this build", s.name);
                continue;
            }
            for _ in 0..args.runs {
                let smp =
                    http_measure(server.addr, s, &target, args.connections, args.seconds).await?;
                if let Some(e) = smp.describe_errors() {
                    println!("   {}: failures: {e}", s.name);
                }
                let st = smp.stats();
                println!(
                    "   {:<14} {:>8}/s  p50 {:>8}  p99 {:>8}",
                    s.name,
                    thousands(st.rate),
                    ms(st.p50),
                    ms(st.p99)
                );
                per.entry(s.name).or_default().push(st);
            }
        }
        server.stop().await?;
        app.close().await;
        let med: ReadResult = per
            .into_iter()
            .map(|(k, v)| {
                let m = |f: &dyn Fn(&Stats) -> f64| median(v.iter().map(f).collect());
                (
                    k,
                    Stats {
                        rate: m(&|s| s.rate),
                        p50: Duration::from_secs_f64(m(&|s| s.p50.as_secs_f64())),
                        p99: Duration::from_secs_f64(m(&|s| s.p99.as_secs_f64())),
                        failed: v.iter().map(|s| s.failed).sum(),
                    },
                )
            })
            .collect();
        results.push((label, med));
    }
    println!();
    println!(
        "summary (medians; goals: timeline p99 < 10 ms, lists p99 < 50 ms, national ≤ 1.2× small)"
    );
    println!(
        "{:<14} {:>10} {:>10} {:>10}  {:>10} {:>10} {:>10}  {:>9}",
        "scenario", "small/s", "p50", "p99", "national/s", "p50", "p99", "p99 ratio"
    );
    let get = |label: &str, s: &str| {
        results
            .iter()
            .find(|(l, _)| *l == label)
            .and_then(|(_, r)| r.get(s).copied())
    };
    let cell = |st: Option<Stats>| match st {
        Some(st) => format!(
            "{:>10} {:>10} {:>10}",
            thousands(st.rate),
            ms(st.p50),
            ms(st.p99)
        ),
        None => format!("{:>10} {:>10} {:>10}", "-", "-", "-"),
    };
    for s in selected(args, true) {
        let (a, b) = (get("small", s.name), get("national", s.name));
        let ratio = match (a, b) {
            (Some(a), Some(b)) => format!(
                "{:.2}×",
                b.p99.as_secs_f64() / a.p99.as_secs_f64().max(1e-9)
            ),
            _ if a.is_none() && b.is_none() => "not available".into(),
            _ => "-".into(),
        };
        println!("{:<14} {}  {}  {:>9}", s.name, cell(a), cell(b), ratio);
    }
    Ok(0)
}

/// The first seeded team (by name) and its lead.
const NATIONAL_LEAD: &str =
    "SELECT m.team_id, m.staff_id FROM team_memberships m JOIN teams t ON t.id = m.team_id \
    WHERE m.role = 'team_lead' ORDER BY t.name, m.staff_id LIMIT 1";
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

pub(crate) fn thousands(x: f64) -> String {
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
    println!(
        "summary (median of {runs} run(s); goal at full durability: writes over HTTP ≥ 3× the raw \
         one-transaction-per-write rate)"
    );
    for r in reports {
        if r.runs.is_empty() {
            println!("{:<9} failed (see above)", name(r.backend));
            continue;
        }
        let raw = median(r.runs.iter().map(|x| x.raw).collect());
        let py: Vec<f64> = r.runs.iter().filter_map(|x| x.python).collect();
        println!(
            "{:<9} raw {} tx/s{}; durability {}; chains {}; {} failed requests",
            name(r.backend),
            thousands(raw),
            if py.is_empty() {
                String::new()
            } else {
                format!(" (python3 sqlite3 {} tx/s)", thousands(median(py)))
            },
            if r.durable { "full" } else { "NOT FULL" },
            match (r.chains_ok, r.consistent) {
                (true, true) => "verified, counts match",
                (false, _) => "BROKEN",
                (true, false) => "verified, counts differ",
            },
            r.errors
        );
        println!(
            "          {:<14} {:>10} {:>9} {:>9}  {:>8}  goal",
            "scenario", "req/s", "p50", "p99", "× raw"
        );
        for s in SCENARIOS {
            if r.missing.contains(&s.name) {
                println!("          {:<14} not available in this build", s.name);
                continue;
            }
            let v: Vec<Stats> = r
                .runs
                .iter()
                .filter_map(|x| x.scen.get(s.name).copied())
                .collect();
            if v.is_empty() {
                continue;
            }
            let m = |f: &dyn Fn(&Stats) -> f64| median(v.iter().map(f).collect());
            let rate = m(&|x| x.rate);
            let ratio = rate / raw.max(1e-9);
            let goal = match s.kind {
                Kind::Write => {
                    if ratio >= 3.0 {
                        "met (≥ 3×)"
                    } else {
                        "MISSED (< 3×)"
                    }
                }
                Kind::AuditedRead => {
                    if ratio >= 3.0 {
                        "≥ 3× (like a write)"
                    } else {
                        "< 3×"
                    }
                }
                Kind::Plain => "(no database write)",
            };
            println!(
                "          {:<14} {:>10} {:>9} {:>9}  {:>7.2}×  {goal}",
                s.name,
                thousands(rate),
                ms_f(m(&|x| x.p50.as_secs_f64() * 1000.0)),
                ms_f(m(&|x| x.p99.as_secs_f64() * 1000.0)),
                ratio
            );
        }
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

    #[test]
    fn the_python_loop_has_the_servers_settings() {
        let server = benk_app::db::SQLITE_PRAGMAS
            .iter()
            .map(|(name, value)| format!("{name}={value}"));
        for pragma in [
            "journal_mode=WAL".to_string(),
            "synchronous=FULL".to_string(),
        ]
        .into_iter()
        .chain(server)
        {
            assert!(PYTHON_LOOP.contains(&pragma), "{pragma}");
        }
    }

    #[test]
    fn the_load_generator_reads_status_head_and_length() {
        let answer = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"id\":1}";
        // Not complete until the blank line has arrived.
        assert_eq!(parse_head(&answer[..30]).unwrap(), None);
        let (status, head, len) = parse_head(answer).unwrap().unwrap();
        assert_eq!((status, len), (201, 8));
        assert_eq!(&answer[head..head + len], b"{\"id\":1}");
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        assert!(parse_head(chunked).is_err());
        let no_length = b"HTTP/1.1 200 OK\r\nx: y\r\n\r\n";
        assert!(parse_head(no_length).is_err());
        assert!(parse_head(b"HTTP/1.0 200 OK\r\n\r\n").is_err());
    }

    #[test]
    fn load_requests_are_complete_http() {
        let t = Target {
            token: "tok".into(),
            team: Uuid::nil(),
            clients: vec![Uuid::nil()],
            staff: vec![Uuid::nil(), Uuid::max()],
        };
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let contact = SCENARIOS.iter().find(|s| s.name == "contact.log").unwrap();
        let req = String::from_utf8(t.request_bytes(addr, contact, 3)).unwrap();
        let (head, body) = req.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with(&format!(
            "POST /api/v1/clients/{}/contacts HTTP/1.1\r\n",
            Uuid::nil()
        )));
        assert!(head.contains("authorization: Bearer tok"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["staff"][1], Uuid::max().to_string());
        assert_eq!(v["kind"], "home_visit");
        let read = SCENARIOS.iter().find(|s| s.name == "client.read").unwrap();
        let req = String::from_utf8(t.request_bytes(addr, read, 3)).unwrap();
        assert!(req.starts_with("GET /api/v1/clients/"));
        assert!(req.ends_with("\r\n\r\n"));
    }
}
