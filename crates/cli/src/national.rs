//! `benk seed --national`: a synthetic national-scale data set, made fast.
//!
//! Teams of about 200 people each (10 staff: a team lead and nine workers
//! from the municipality and the hospital trust), people with synthetic
//! national ids (month + 80, valid check digits), two caregivers and one open
//! episode each (the caregivers are its coordinator and a member; one level
//! of effort), contacts spread over the last two years with the staff who
//! took part and their topics, and a VALID audit chain (one `contact.create`
//! row per contact, the rest reads of a person by a member of their team),
//! hashed exactly as the writer hashes. Deterministic content (fixed seed).
//!
//! Loading: secondary indexes of the big tables are dropped first and built
//! again at the end;
//! SQLite through rusqlite with prepared single-row INSERTs in large
//! transactions (journal off-WAL and `synchronous=OFF` while loading, back to
//! WAL after); PostgreSQL through `COPY … FROM STDIN` (foreign-key triggers
//! off while loading, where the role may do that), the audit log on a
//! connection of its own beside the records, `COPY … FREEZE` into an empty log.
//! The audit rows are made in chunks on worker threads (their canonical
//! encoding and COPY text do not depend on the chain) and linked into the
//! chain, in order, on a thread of its own: only SHA-256 is sequential.

use std::fmt::Write as _;
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::Instant;

use anyhow::{bail, Context};
use benk_app::audit::{link_hash, AuditRow, ChainHead};
use benk_app::db::{Backend, DbOptions};
use benk_app::store::national as t;
use benk_app::store::national::BulkTable;
use benk_app::{App, Settings};
use benk_domain::NationalId;
use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use rand::{Rng, SeedableRng};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

mod outcomes;

/// Sizes of the data set.
#[derive(Debug, Clone, clap::Args)]
pub struct NationalArgs {
    /// Make the national data set (the only kind of seed there is).
    #[arg(long)]
    pub national: bool,
    /// People (clients).
    #[arg(long, default_value_t = 50_000)]
    pub people: u64,
    /// Contacts, spread over the people.
    #[arg(long, default_value_t = 5_000_000)]
    pub contacts: u64,
    /// Audit rows (at least one per contact).
    #[arg(long, default_value_t = 20_000_000)]
    pub audit: u64,
    /// People per team.
    #[arg(long, default_value_t = 200)]
    pub team_size: u64,
    /// Outcome measures (GAF, ORS, SRS at scheduled points); default 10 per person.
    #[arg(long)]
    pub measures: Option<u64>,
    /// Registry events (inpatient, emergency, police, prison) before and after inclusion;
    /// default 10 per person.
    #[arg(long)]
    pub registry: Option<u64>,
}

const STAFF_PER_TEAM: u64 = 10;
const KINDS: [&str; 6] = [
    "home_visit",
    "outreach",
    "office",
    "phone",
    "accompany_gp",
    "drop_in",
];
const TOPICS: [&str; 8] = [
    "housing",
    "finances",
    "physical_health",
    "mental_health",
    "substance_use",
    "activity",
    "relations",
    "practical_help",
];

/// A value for one column, borrowed where it can be.
#[derive(Debug, Clone, Copy)]
enum F<'a> {
    U(Uuid),
    S(&'a str),
    I(i64),
    B(bool),
    N,
    T(DateTime<Utc>),
    D(NaiveDate),
}

impl rusqlite::ToSql for F<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match self {
            F::U(u) => ToSqlOutput::Borrowed(ValueRef::Blob(u.as_bytes())),
            F::S(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            F::I(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            F::B(b) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
            F::N => ToSqlOutput::Owned(Value::Null),
            // As sqlx writes a DateTime<Utc> / NaiveDate on SQLite.
            F::T(t) => {
                let mut text = String::with_capacity(32);
                push_ts(&mut text, t, TsFmt::Sqlite);
                ToSqlOutput::Owned(Value::Text(text))
            }
            F::D(d) => ToSqlOutput::Owned(Value::Text(d.format("%Y-%m-%d").to_string())),
        })
    }
}

/// How a time is written: as sqlx writes a `DateTime<Utc>` on SQLite
/// (`…T…+00:00`), in PostgreSQL's COPY text (`… …+00`), or as the audit
/// chain's canonical encoding has it (`…T…Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TsFmt {
    Sqlite,
    Pg,
    Canonical,
}

fn push_digits(buf: &mut String, v: u32, width: u32) {
    let mut d = 10u32.pow(width - 1);
    while d > 0 {
        buf.push(char::from(b'0' + ((v / d) % 10) as u8));
        d /= 10;
    }
}

/// Appends a UTC time with microseconds, `%Y-%m-%d?%H:%M:%S%.6f` and the zone
/// as `fmt` says — what chrono's `format` gives, without parsing a format
/// string per value (the seed writes some 35 million of them).
fn push_ts(buf: &mut String, t: &DateTime<Utc>, fmt: TsFmt) {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) {
        let _ = write!(buf, "{}", t.format("%Y-%m-%dT%H:%M:%S%.6f"));
    } else {
        push_digits(buf, year as u32, 4);
        buf.push('-');
        push_digits(buf, t.month(), 2);
        buf.push('-');
        push_digits(buf, t.day(), 2);
        buf.push(if fmt == TsFmt::Pg { ' ' } else { 'T' });
        push_digits(buf, t.hour(), 2);
        buf.push(':');
        push_digits(buf, t.minute(), 2);
        buf.push(':');
        push_digits(buf, t.second(), 2);
        buf.push('.');
        push_digits(buf, t.nanosecond() / 1000 % 1_000_000, 6);
    }
    buf.push_str(match fmt {
        TsFmt::Sqlite => "+00:00",
        TsFmt::Pg => "+00",
        TsFmt::Canonical => "Z",
    });
}

/// Appends text in COPY text format.
fn copy_text(buf: &mut String, s: &str) {
    if !s
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        buf.push_str(s);
        return;
    }
    for ch in s.chars() {
        match ch {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// Appends a value in COPY text format.
fn copy_field(buf: &mut String, f: &F) {
    match f {
        F::U(u) => {
            let _ = write!(buf, "{u}");
        }
        F::S(s) => copy_text(buf, s),
        F::I(i) => {
            let _ = write!(buf, "{i}");
        }
        F::B(b) => buf.push(if *b { 't' } else { 'f' }),
        F::N => buf.push_str("\\N"),
        F::T(t) => push_ts(buf, t, TsFmt::Pg),
        F::D(d) => {
            let _ = write!(buf, "{}", d.format("%Y-%m-%d"));
        }
    }
}

/// Where rows go: a table at a time.
trait Sink {
    fn begin(&mut self, table: &'static BulkTable) -> anyhow::Result<()>;
    fn row(&mut self, values: &[F]) -> anyhow::Result<()>;
    fn end(&mut self) -> anyhow::Result<()>;
}

/// Rows per SQLite transaction.
const SQLITE_TX_ROWS: u64 = 1_000_000;

/// SQLite: one prepared single-row INSERT per table, bound straight from the
/// borrowed values, in transactions of a million rows.
struct SqliteSink {
    conn: rusqlite::Connection,
    sql: String,
    in_tx: u64,
}

impl Sink for SqliteSink {
    fn begin(&mut self, table: &'static BulkTable) -> anyhow::Result<()> {
        self.sql = table.insert_sql(1);
        Ok(())
    }
    fn row(&mut self, values: &[F]) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(&self.sql)?
            .execute(rusqlite::params_from_iter(values.iter()))?;
        self.in_tx += 1;
        if self.in_tx >= SQLITE_TX_ROWS {
            self.conn.execute_batch("COMMIT; BEGIN")?;
            self.in_tx = 0;
        }
        Ok(())
    }
    fn end(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// PostgreSQL: COPY in text format, sent in chunks of about 4 MB.
struct PgSink {
    rt: tokio::runtime::Handle,
    pool: sqlx::PgPool,
    copy: Option<sqlx::postgres::PgCopyIn<sqlx::pool::PoolConnection<sqlx::Postgres>>>,
    buf: String,
}

impl PgSink {
    fn send(&mut self) -> anyhow::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let copy = self.copy.as_mut().context("no COPY in progress")?;
        let data = std::mem::take(&mut self.buf).into_bytes();
        self.rt.block_on(copy.send(data))?;
        self.buf.reserve(4 << 20);
        Ok(())
    }
}

impl Sink for PgSink {
    fn begin(&mut self, table: &'static BulkTable) -> anyhow::Result<()> {
        use sqlx::postgres::PgPoolCopyExt;
        self.copy = Some(self.rt.block_on(self.pool.copy_in_raw(&table.copy_sql()))?);
        Ok(())
    }
    fn row(&mut self, values: &[F]) -> anyhow::Result<()> {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push('\t');
            }
            copy_field(&mut self.buf, v);
        }
        self.buf.push('\n');
        if self.buf.len() >= 4 << 20 {
            self.send()?;
        }
        Ok(())
    }
    fn end(&mut self) -> anyhow::Result<()> {
        self.send()?;
        if let Some(copy) = self.copy.take() {
            self.rt.block_on(copy.finish())?;
        }
        Ok(())
    }
}

/// Deterministic ids: a version-8 UUID with the kind of row and its number,
/// increasing within a table (so inserts append to the primary key).
fn idg(kind: u8, n: u64) -> Uuid {
    let mut b = [0u8; 16];
    b[0] = 0xbe;
    b[1] = kind;
    b[9..16].copy_from_slice(&n.to_be_bytes()[1..8]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

const K_MUNI: u8 = 1;
const K_TRUST: u8 = 2;
const K_TEAM: u8 = 3;
const K_STAFF: u8 = 4;
const K_CLIENT: u8 = 5;
const K_CARE: u8 = 6;
const K_EPISODE: u8 = 7;
const K_CONTACT: u8 = 8;
const K_AUDIT: u8 = 9;
const K_MEMBER: u8 = 10;
const K_LEVEL: u8 = 11;
const TRUSTS: u64 = 20;

/// The shape of the data set, derived from the arguments.
#[derive(Debug, Clone, Copy)]
struct Shape {
    people: u64,
    contacts: u64,
    audit: u64,
    measures: u64,
    registry: u64,
    team_size: u64,
    teams: u64,
    start: DateTime<Utc>,
    span_us: i64,
}

impl Shape {
    fn team_of(&self, client: u64) -> u64 {
        client / self.team_size
    }
    fn staff(&self, team: u64, j: u64) -> Uuid {
        idg(K_STAFF, team * STAFF_PER_TEAM + j)
    }
    /// The client's two caregivers (never the lead).
    fn caregivers(&self, client: u64) -> (u64, u64) {
        (1 + client % 9, 1 + (client + 4) % 9)
    }
    fn contacts_of(&self, client: u64) -> u64 {
        let (base, rem) = (self.contacts / self.people, self.contacts % self.people);
        base + u64::from(client < rem)
    }
    fn client_of_contact(&self, m: u64) -> u64 {
        let (base, rem) = (self.contacts / self.people, self.contacts % self.people);
        let head = rem * (base + 1);
        if m < head {
            m / (base + 1)
        } else {
            rem + (m - head) / base.max(1)
        }
    }
    fn home_org(&self, team: u64, j: u64) -> Uuid {
        if j % 2 == 0 {
            idg(K_MUNI, team)
        } else {
            idg(K_TRUST, team % TRUSTS)
        }
    }
    fn org_number(&self, team: u64, j: u64) -> String {
        if j % 2 == 0 {
            format!("9{team:08}")
        } else {
            format!("8{:08}", team % TRUSTS)
        }
    }
    fn at(&self, n: u64, of: u64) -> DateTime<Utc> {
        let us = (self.span_us as f64 * n as f64 / of.max(1) as f64) as i64;
        (self.start + Duration::microseconds(us)).trunc_subsecs(6)
    }
}

fn rng_for(pass: u64, n: u64) -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(pass.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ n)
}

/// A progress line every million rows.
struct Progress {
    t0: Instant,
}

impl Progress {
    fn tick(&self, what: &str, n: u64, total: u64) {
        if n % 1_000_000 == 0 && n > 0 {
            println!(
                "  {what}: {} / {} ({:.0} s)",
                crate::bench::thousands(n as f64),
                crate::bench::thousands(total as f64),
                self.t0.elapsed().as_secs_f64()
            );
        }
    }
    fn done(&self, what: &str, n: u64) {
        println!(
            "  {what}: {} rows ({:.0} s)",
            crate::bench::thousands(n as f64),
            self.t0.elapsed().as_secs_f64()
        );
    }
    /// A part of the load, timed on its own.
    fn part(&self) -> Part<'_> {
        Part {
            p: self,
            t: Instant::now(),
        }
    }
}

/// A timed part of the load: each `done` prints the rows, the part's own seconds and the
/// time since the start.
struct Part<'a> {
    p: &'a Progress,
    t: Instant,
}

impl Part<'_> {
    fn done(&mut self, what: &str, n: u64) {
        println!(
            "  {what}: {} rows in {:.1} s ({:.0} s)",
            crate::bench::thousands(n as f64),
            self.t.elapsed().as_secs_f64(),
            self.p.t0.elapsed().as_secs_f64()
        );
        self.t = Instant::now();
    }
}

/// Everything but the audit log.
fn load_records(sink: &mut dyn Sink, sh: &Shape, p: &Progress) -> anyhow::Result<()> {
    let start = sh.start;
    let day = start.date_naive();
    sink.begin(&t::ORGANISATIONS)?;
    for k in 0..sh.teams {
        let (name, num) = (format!("Nasjonal kommune {k:04}"), format!("9{k:08}"));
        sink.row(&[
            F::U(idg(K_MUNI, k)),
            F::S(&name),
            F::S("municipality"),
            F::S(&num),
            F::T(start),
        ])?;
    }
    for k in 0..TRUSTS.min(sh.teams) {
        let (name, num) = (format!("Nasjonalt helseforetak {k:02}"), format!("8{k:08}"));
        sink.row(&[
            F::U(idg(K_TRUST, k)),
            F::S(&name),
            F::S("hospital_trust"),
            F::S(&num),
            F::T(start),
        ])?;
    }
    sink.end()?;
    sink.begin(&t::TEAMS)?;
    for k in 0..sh.teams {
        let name = format!("Nasjonalt team {k:04}");
        sink.row(&[F::U(idg(K_TEAM, k)), F::S(&name), F::S("{}"), F::T(start)])?;
    }
    sink.end()?;
    sink.begin(&t::TEAM_OWNERS)?;
    for k in 0..sh.teams {
        sink.row(&[F::U(idg(K_TEAM, k)), F::U(idg(K_MUNI, k))])?;
        sink.row(&[F::U(idg(K_TEAM, k)), F::U(idg(K_TRUST, k % TRUSTS))])?;
    }
    sink.end()?;
    sink.begin(&t::STAFF)?;
    for k in 0..sh.teams {
        for j in 0..STAFF_PER_TEAM {
            let name = format!("Ansatt {k:04}-{j}");
            let profession = match j % 3 {
                0 => "nurse",
                1 => "social_educator",
                _ => "psychologist",
            };
            sink.row(&[
                F::U(sh.staff(k, j)),
                F::S(&name),
                F::S(profession),
                F::N,
                F::U(sh.home_org(k, j)),
                F::B(false),
                F::T(start),
            ])?;
        }
    }
    sink.end()?;
    sink.begin(&t::MEMBERSHIPS)?;
    for k in 0..sh.teams {
        for j in 0..STAFF_PER_TEAM {
            let role = if j == 0 { "team_lead" } else { "worker" };
            sink.row(&[
                F::U(idg(K_TEAM, k)),
                F::U(sh.staff(k, j)),
                F::S(role),
                F::I(100),
            ])?;
        }
    }
    sink.end()?;
    p.done(
        "teams, organisations, staff",
        sh.teams * (STAFF_PER_TEAM + 3),
    );

    let birth0 = NaiveDate::from_ymd_opt(1950, 1, 1).context("date")?;
    sink.begin(&t::CLIENTS)?;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let birth = birth0 + Duration::days((i % 20_000) as i64);
        let nid = NationalId::synthetic(birth, (i / 20_000) as u32);
        let name = format!("Person {i:06} Nasjonal");
        let search = name.to_lowercase();
        let muni = format!("Nasjonal kommune {k:04}");
        sink.row(&[
            F::U(idg(K_CLIENT, i)),
            F::U(idg(K_TEAM, k)),
            F::S(&name),
            F::S(&search),
            F::S(nid.as_str()),
            F::S(nid.kind().code()),
            F::I(i64::from(chrono::Datelike::year(&birth))),
            F::S(&muni),
            F::U(idg(K_MUNI, k)),
            F::U(sh.staff(k, 0)),
            F::T(start),
            F::T(start),
        ])?;
    }
    sink.end()?;
    sink.begin(&t::CARE)?;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let (a, b) = sh.caregivers(i);
        for (r, s) in [a, b].into_iter().enumerate() {
            sink.row(&[
                F::U(idg(K_CARE, 2 * i + r as u64)),
                F::U(idg(K_CLIENT, i)),
                F::U(sh.staff(k, s)),
                F::D(day),
                F::S("Primærkontakt / primary contact"),
                F::U(idg(K_MUNI, k)),
                F::U(sh.staff(k, 0)),
                F::T(start),
            ])?;
        }
    }
    sink.end()?;
    sink.begin(&t::EPISODES)?;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        sink.row(&[
            F::U(idg(K_EPISODE, i)),
            F::U(idg(K_CLIENT, i)),
            F::U(idg(K_TEAM, k)),
            F::D(day),
            F::U(sh.staff(k, 0)),
            F::U(idg(K_MUNI, k)),
            F::T(start),
        ])?;
    }
    sink.end()?;
    sink.begin(&t::EPISODE_MEMBERS)?;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let (a, b) = sh.caregivers(i);
        // The coordinator's role follows their employer (even: the municipality).
        let coordinator = if a % 2 == 0 {
            "municipal_coordinator"
        } else {
            "specialist_coordinator"
        };
        for (r, (s, role)) in [(a, coordinator), (b, "member")].into_iter().enumerate() {
            sink.row(&[
                F::U(idg(K_MEMBER, 2 * i + r as u64)),
                F::U(idg(K_EPISODE, i)),
                F::U(sh.staff(k, s)),
                F::S(role),
                F::U(idg(K_CARE, 2 * i + r as u64)),
                F::D(day),
            ])?;
        }
    }
    sink.end()?;
    sink.begin(&t::EPISODE_LEVELS)?;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        sink.row(&[
            F::U(idg(K_LEVEL, i)),
            F::U(idg(K_EPISODE, i)),
            F::I(1 + (i % 3) as i64),
            F::D(day),
            F::U(sh.staff(k, 0)),
            F::T(start),
        ])?;
    }
    sink.end()?;
    p.done(
        "people, care relationships, episodes, episode members, levels",
        sh.people * 7,
    );

    // Contacts, client by client, in time order; two passes regenerate the
    // same contacts (seeded per client) for the two tables.
    for table in [&t::CONTACTS, &t::CONTACT_STAFF] {
        sink.begin(table)?;
        let mut m = 0u64;
        let mut rows = 0u64;
        for i in 0..sh.people {
            let k = sh.team_of(i);
            let (a, b) = sh.caregivers(i);
            let n = sh.contacts_of(i);
            let mut rng = rng_for(1, i);
            for j in 0..n {
                let id = idg(K_CONTACT, m);
                let frac: f64 = rng.gen();
                let at = sh.at(j * 1000 + (frac * 1000.0) as u64, n * 1000);
                let kind = KINDS[rng.gen_range(0..KINDS.len())];
                let met = rng.gen_bool(0.8);
                let two = rng.gen_bool(0.6);
                let t1 = rng.gen_range(0..TOPICS.len());
                let t2 = rng.gen_range(0..TOPICS.len());
                let topics = rng.gen_range(0..3usize);
                match table.name {
                    "contacts" => {
                        let mut chosen = Vec::with_capacity(2);
                        if topics >= 1 {
                            chosen.push(TOPICS[t1]);
                        }
                        if topics >= 2 && t2 != t1 {
                            chosen.push(TOPICS[t2]);
                        }
                        let topics = benk_app::store::contacts::topics_column(&chosen);
                        sink.row(&[
                            F::U(id),
                            F::U(idg(K_CLIENT, i)),
                            F::U(idg(K_TEAM, k)),
                            F::T(at),
                            F::I(rng.gen_range(1..9) * 15),
                            F::S(kind),
                            F::B(met),
                            F::N,
                            F::U(sh.staff(k, a)),
                            F::U(sh.home_org(k, a)),
                            F::T(at),
                            F::S(&topics),
                        ])?;
                        rows += 1;
                    }
                    _ => {
                        sink.row(&[F::U(id), F::U(sh.staff(k, a))])?;
                        rows += 1;
                        if two {
                            sink.row(&[F::U(id), F::U(sh.staff(k, b))])?;
                            rows += 1;
                        }
                    }
                }
                m += 1;
                p.tick(table.name, m, sh.contacts);
            }
        }
        sink.end()?;
        p.done(table.name, rows);
    }
    let today = (sh.start + Duration::days(730)).date_naive();
    outcomes::load(sink, sh, day, today, p)
}

/// Audit rows per chunk of the pipeline (one chunk: one worker's unit of work,
/// one message on a channel, one seed of the random numbers).
const AUDIT_CHUNK: u64 = 4096;
/// Every this many rows a worker checks its fast canonical encoding against
/// [`AuditRow::canonical`] (the writer's own), and stops the seed if they differ.
const CANONICAL_CHECK_EVERY: u64 = 65_536;
const AUDIT_ROLE: &str = "worker";
const AUDIT_PURPOSE: &str = "TREAT";
const AUDIT_IP: &str = "10.0.0.1";
const AUDIT_AGENT: &str = "benk-seed";
const AUDIT_OUTCOME: &str = "allowed";

/// One audit row before it is linked into the chain: made on a worker thread,
/// linked (`prev_hash`, `hash`) by the chain thread.
struct Pending {
    seq: i64,
    id: Uuid,
    at: DateTime<Utc>,
    /// Staff number (team × staff per team + place in the team).
    staff: usize,
    team: u64,
    client: u64,
    contact: bool,
    /// What the hash covers after the previous hash ([`AuditRow::canonical`]).
    canon: String,
    /// PostgreSQL: the COPY text of every column before `prev_hash`, each
    /// followed by a tab; the chain thread adds `prev_hash`, `hash` and the
    /// newline. SQLite: the time as sqlx writes it.
    text: String,
    /// The links (SQLite; on PostgreSQL they are in `text`).
    prev_hash: String,
    hash: String,
}

impl Pending {
    fn action(&self) -> (&'static str, &'static str) {
        if self.contact {
            ("contact.create", "contact,basis:care_team")
        } else {
            ("client.read", "client:basic,care_team,basis:care_team")
        }
    }

    /// The stored row (for the check against the writer's encoding).
    fn to_row(&self, sh: &Shape, names: &[String], orgs: &[String]) -> AuditRow {
        let (action, resources) = self.action();
        AuditRow {
            seq: self.seq,
            id: self.id,
            at: self.at,
            actor_staff_id: Some(staff_id(self.staff)),
            actor_name: Some(names[self.staff].clone()),
            actor_hpr: None,
            actor_org_number: Some(orgs[self.staff].clone()),
            actor_role: Some(AUDIT_ROLE.into()),
            actor_team_id: Some(idg(K_TEAM, sh.team_of(self.client))),
            client_id: Some(idg(K_CLIENT, self.client)),
            purpose: Some(AUDIT_PURPOSE.into()),
            action: action.into(),
            resources: resources.into(),
            outcome: AUDIT_OUTCOME.into(),
            ip: Some(AUDIT_IP.into()),
            user_agent: Some(AUDIT_AGENT.into()),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }
}

fn staff_id(s: usize) -> Uuid {
    idg(K_STAFF, s as u64)
}

/// A JSON string as serde_json writes it (the fast path for text without
/// quotes, backslashes or control characters; serde_json itself otherwise).
fn json_str(buf: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        buf.push_str(&serde_json::Value::from(s).to_string());
    } else {
        buf.push('"');
        buf.push_str(s);
        buf.push('"');
    }
}

fn json_uuid(buf: &mut String, u: &Uuid) {
    let _ = write!(buf, "\"{u}\"");
}

/// [`AuditRow::canonical`] of the row, written directly instead of through a
/// `serde_json::Value` per field (checked against it every
/// [`CANONICAL_CHECK_EVERY`] rows).
fn canonical_fast(p: &Pending, sh: &Shape, names: &[String], orgs: &[String]) -> String {
    let (action, resources) = p.action();
    let mut c = String::with_capacity(384);
    let _ = write!(c, "[\"benk-audit-v1\",{},", p.seq);
    json_uuid(&mut c, &p.id);
    c.push_str(",\"");
    push_ts(&mut c, &p.at, TsFmt::Canonical);
    c.push_str("\",");
    json_uuid(&mut c, &staff_id(p.staff));
    c.push(',');
    json_str(&mut c, &names[p.staff]);
    c.push_str(",null,");
    json_str(&mut c, &orgs[p.staff]);
    c.push(',');
    json_str(&mut c, AUDIT_ROLE);
    c.push(',');
    json_uuid(&mut c, &idg(K_TEAM, sh.team_of(p.client)));
    c.push(',');
    json_uuid(&mut c, &idg(K_CLIENT, p.client));
    for text in [
        AUDIT_PURPOSE,
        action,
        resources,
        AUDIT_OUTCOME,
        AUDIT_IP,
        AUDIT_AGENT,
    ] {
        c.push(',');
        json_str(&mut c, text);
    }
    c.push(']');
    c
}

/// The COPY text of every column before `prev_hash`, each ended by a tab.
fn copy_prefix(p: &Pending, sh: &Shape, names: &[String], orgs: &[String]) -> String {
    let (action, resources) = p.action();
    let mut b = String::with_capacity(320);
    let _ = write!(b, "{}\t{}\t", p.seq, p.id);
    push_ts(&mut b, &p.at, TsFmt::Pg);
    let _ = write!(b, "\t{}\t", staff_id(p.staff));
    copy_text(&mut b, &names[p.staff]);
    b.push_str("\t\\N\t");
    copy_text(&mut b, &orgs[p.staff]);
    let _ = write!(
        b,
        "\t{AUDIT_ROLE}\t{}\t{}\t",
        idg(K_TEAM, sh.team_of(p.client)),
        idg(K_CLIENT, p.client)
    );
    for text in [
        AUDIT_PURPOSE,
        action,
        resources,
        AUDIT_OUTCOME,
        AUDIT_IP,
        AUDIT_AGENT,
    ] {
        copy_text(&mut b, text);
        b.push('\t');
    }
    b
}

/// The audit rows of one chunk (everything but their links). Contacts are
/// spread evenly over the chain (one `contact.create` row each, by the
/// person's first caregiver); the rest are reads of a random person by one of
/// their two caregivers.
fn audit_chunk(
    sh: &Shape,
    first_seq: i64,
    chunk: u64,
    pg: bool,
    names: &[String],
    orgs: &[String],
) -> Vec<Pending> {
    let from = chunk * AUDIT_CHUNK;
    let to = (from + AUDIT_CHUNK).min(sh.audit);
    let mut rng = rng_for(2, chunk);
    let mut out = Vec::with_capacity((to - from) as usize);
    for n in from..to {
        // The contact rows are those where n * contacts / audit steps up.
        let c0 = n as u128 * sh.contacts as u128 / sh.audit as u128;
        let c1 = (n + 1) as u128 * sh.contacts as u128 / sh.audit as u128;
        let contact = c1 > c0;
        let client = if contact {
            sh.client_of_contact(c0 as u64)
        } else {
            rng.gen_range(0..sh.people)
        };
        let (a, b) = sh.caregivers(client);
        let j = if contact || rng.gen_bool(0.5) { a } else { b };
        let mut p = Pending {
            seq: first_seq + n as i64,
            id: idg(K_AUDIT, n),
            at: sh.at(n, sh.audit),
            staff: (sh.team_of(client) * STAFF_PER_TEAM + j) as usize,
            team: sh.team_of(client),
            client,
            contact,
            canon: String::new(),
            text: String::new(),
            prev_hash: String::new(),
            hash: String::new(),
        };
        p.canon = canonical_fast(&p, sh, names, orgs);
        if n % CANONICAL_CHECK_EVERY == 0 {
            let exact = p.to_row(sh, names, orgs).canonical();
            assert_eq!(
                p.canon, exact,
                "the seed's canonical audit encoding differs from the writer's"
            );
        }
        if pg {
            p.text = copy_prefix(&p, sh, names, orgs);
        } else {
            push_ts(&mut p.text, &p.at, TsFmt::Sqlite);
        }
        out.push(p);
    }
    out
}

/// Makes the audit rows: chunks on worker threads (one per core, at least
/// two), linked into the chain in order on a thread of its own (hashing is
/// sequential: each hash covers the previous one); the caller writes them.
fn audit_pipeline(
    sh: Shape,
    head: ChainHead,
    pg: bool,
) -> (
    Receiver<Vec<Pending>>,
    std::thread::JoinHandle<anyhow::Result<ChainHead>>,
) {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8) as u64;
    let names: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        (0..sh.teams * STAFF_PER_TEAM)
            .map(|s| format!("Ansatt {:04}-{}", s / STAFF_PER_TEAM, s % STAFF_PER_TEAM))
            .collect(),
    );
    let orgs: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        (0..sh.teams * STAFF_PER_TEAM)
            .map(|s| sh.org_number(s / STAFF_PER_TEAM, s % STAFF_PER_TEAM))
            .collect(),
    );
    let chunks = sh.audit.div_ceil(AUDIT_CHUNK);
    let first_seq = head.seq + 1;
    let mut inputs = Vec::new();
    for w in 0..workers {
        let (tx, rx) = sync_channel::<Vec<Pending>>(4);
        inputs.push(rx);
        let (names, orgs) = (names.clone(), orgs.clone());
        std::thread::spawn(move || {
            let mut c = w;
            while c < chunks {
                let rows = audit_chunk(&sh, first_seq, c, pg, &names, &orgs);
                if tx.send(rows).is_err() {
                    return;
                }
                c += workers;
            }
        });
    }
    let (tx, rx) = sync_channel::<Vec<Pending>>(8);
    let handle = std::thread::spawn(move || {
        let mut head = head;
        for c in 0..chunks {
            let Ok(mut rows) = inputs[(c % workers) as usize].recv() else {
                bail!("an audit worker stopped (see the message above)");
            };
            for p in &mut rows {
                let hash = link_hash(&head.hash, &p.canon);
                if pg {
                    p.text.push_str(&head.hash);
                    p.text.push('\t');
                    p.text.push_str(&hash);
                    p.text.push('\n');
                } else {
                    p.prev_hash = std::mem::take(&mut head.hash);
                    p.hash = hash.clone();
                }
                head.seq = p.seq;
                head.hash = hash;
            }
            if tx.send(rows).is_err() {
                bail!("the audit rows' writer stopped");
            }
        }
        Ok(head)
    });
    (rx, handle)
}

fn join_chain(
    handle: std::thread::JoinHandle<anyhow::Result<ChainHead>>,
) -> anyhow::Result<ChainHead> {
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("the audit chain thread failed"))?
}

/// SQLite: the audit rows through the sink, bound from the pending rows.
fn load_audit(
    sink: &mut dyn Sink,
    sh: &Shape,
    head: ChainHead,
    p: &Progress,
) -> anyhow::Result<ChainHead> {
    let (rx, handle) = audit_pipeline(*sh, head, false);
    let names: Vec<String> = (0..sh.teams * STAFF_PER_TEAM)
        .map(|s| format!("Ansatt {:04}-{}", s / STAFF_PER_TEAM, s % STAFF_PER_TEAM))
        .collect();
    let orgs: Vec<String> = (0..sh.teams * STAFF_PER_TEAM)
        .map(|s| sh.org_number(s / STAFF_PER_TEAM, s % STAFF_PER_TEAM))
        .collect();
    sink.begin(&t::AUDIT)?;
    let mut n = 0u64;
    for batch in rx {
        for r in &batch {
            let (action, resources) = r.action();
            sink.row(&[
                F::I(r.seq),
                F::U(r.id),
                F::S(&r.text),
                F::U(staff_id(r.staff)),
                F::S(&names[r.staff]),
                F::N,
                F::S(&orgs[r.staff]),
                F::S(AUDIT_ROLE),
                F::U(idg(K_TEAM, r.team)),
                F::U(idg(K_CLIENT, r.client)),
                F::S(AUDIT_PURPOSE),
                F::S(action),
                F::S(resources),
                F::S(AUDIT_OUTCOME),
                F::S(AUDIT_IP),
                F::S(AUDIT_AGENT),
                F::S(&r.prev_hash),
                F::S(&r.hash),
            ])?;
            n += 1;
            p.tick("audit_events", n, sh.audit);
        }
    }
    sink.end()?;
    let head = join_chain(handle)?;
    if n != sh.audit {
        bail!("{n} of {} audit rows were made", sh.audit);
    }
    p.done("audit_events (chained)", n);
    Ok(head)
}

/// PostgreSQL: the audit rows by COPY on a connection of their own, beside
/// the records. When the log is empty (a fresh database) and the foreign-key
/// triggers may be switched off, the table is emptied in the same transaction
/// as the COPY so that the COPY may `FREEZE` its rows: they are written
/// visible to all and frozen, so the VACUUM afterwards has nothing to do for
/// the largest table (the append-only triggers do not fire in replica mode,
/// and nothing references `audit_events`).
fn load_audit_pg(
    rt: &tokio::runtime::Handle,
    opts: &sqlx::postgres::PgConnectOptions,
    replica: bool,
    sh: &Shape,
    head: ChainHead,
    p: &Progress,
) -> anyhow::Result<ChainHead> {
    let mut c = rt.block_on(PgConnection::connect_with(opts))?;
    rt.block_on(
        sqlx::raw_sql(if replica {
            "SET synchronous_commit = off; SET session_replication_role = replica"
        } else {
            "SET synchronous_commit = off"
        })
        .execute(&mut c),
    )?;
    let freeze = replica
        && head.seq == 0
        && rt.block_on(async {
            let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM audit_events)")
                .fetch_one(&mut c)
                .await?;
            if !empty {
                return Ok::<bool, sqlx::Error>(false);
            }
            sqlx::raw_sql("BEGIN").execute(&mut c).await?;
            if sqlx::raw_sql("TRUNCATE audit_events")
                .execute(&mut c)
                .await
                .is_err()
            {
                sqlx::raw_sql("ROLLBACK").execute(&mut c).await?;
                return Ok(false);
            }
            Ok(true)
        })?;
    let sql = if freeze {
        format!("{} WITH (FREEZE)", t::AUDIT.copy_sql())
    } else {
        t::AUDIT.copy_sql()
    };
    let (rx, handle) = audit_pipeline(*sh, head, true);
    let mut copy = rt.block_on(c.copy_in_raw(&sql))?;
    let mut buf = String::with_capacity(4 << 20);
    let mut n = 0u64;
    for batch in rx {
        for r in &batch {
            buf.push_str(&r.text);
            n += 1;
            p.tick("audit_events", n, sh.audit);
        }
        if buf.len() >= 4 << 20 {
            rt.block_on(copy.send(std::mem::take(&mut buf).into_bytes()))?;
            buf.reserve(4 << 20);
        }
    }
    if !buf.is_empty() {
        rt.block_on(copy.send(buf.into_bytes()))?;
    }
    rt.block_on(copy.finish())?;
    if freeze {
        rt.block_on(sqlx::raw_sql("COMMIT").execute(&mut c))?;
    }
    rt.block_on(c.close())?;
    let head = join_chain(handle)?;
    if n != sh.audit {
        bail!("{n} of {} audit rows were made", sh.audit);
    }
    p.done("audit_events (chained)", n);
    if freeze {
        println!("  audit_events written frozen (COPY FREEZE after TRUNCATE of the empty log)");
    }
    Ok(head)
}

/// Runs `benk seed --national`.
pub async fn run(args: NationalArgs, url: &str) -> anyhow::Result<i32> {
    if !args.national {
        bail!("`benk seed` makes the national data set: add --national");
    }
    if args.people == 0 || args.team_size == 0 {
        bail!("--people and --team-size must be at least 1");
    }
    if args.audit < args.contacts {
        bail!("--audit must be at least --contacts (every contact has its audit row)");
    }
    let backend = Backend::from_url(url)?;
    // Migrate (and refuse a second national seed in the same database).
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .with_context(|| format!("opening {}", crate::redact(url)))?;
    app.close().await;
    // Dropping the app stops its writer thread, which closes the writing connection.
    drop(app);
    let (existing, head) = peek(url).await?;
    if existing > 0 {
        bail!("this database already holds a national data set ({existing} teams)");
    }
    let now = Utc::now().trunc_subsecs(6);
    let start = now - Duration::days(730);
    let sh = Shape {
        people: args.people,
        contacts: args.contacts,
        audit: args.audit,
        measures: args.measures.unwrap_or(args.people * 10),
        registry: args.registry.unwrap_or(args.people * 10),
        team_size: args.team_size,
        teams: args.people.div_ceil(args.team_size),
        start,
        span_us: (now - Duration::hours(1) - start)
            .num_microseconds()
            .unwrap_or(0),
    };
    println!(
        "benk seed --national: {} teams, {} people, {} contacts, {} audit rows, {} measures, \
         {} registry events into {}",
        sh.teams,
        crate::bench::thousands(sh.people as f64),
        crate::bench::thousands(sh.contacts as f64),
        crate::bench::thousands(sh.audit as f64),
        crate::bench::thousands(sh.measures as f64),
        crate::bench::thousands(sh.registry as f64),
        crate::redact(url)
    );
    let head = ChainHead {
        seq: head.0,
        hash: head.1,
    };
    let url = url.to_string();
    let rt = tokio::runtime::Handle::current();
    let t0 = Instant::now();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let p = Progress { t0 };
        match backend {
            Backend::Sqlite => load_sqlite(&url, &sh, head, &p),
            Backend::Postgres => load_pg(rt, &url, &sh, head, &p),
        }
    })
    .await??;
    println!(
        "done in {:.0} s; check the chain with `benk audit verify --database-url …`",
        t0.elapsed().as_secs_f64()
    );
    Ok(0)
}

/// Teams of an earlier national seed, and the chain head (on a connection of
/// the seed's own: the app's database handles are private to the app crate).
async fn peek(url: &str) -> anyhow::Result<(i64, (i64, String))> {
    let opts = DbOptions::new(url);
    Ok(match Backend::from_url(url)? {
        Backend::Sqlite => {
            let mut c =
                sqlx::SqliteConnection::connect_with(&benk_app::db::sqlite_options(&opts)?).await?;
            let n: i64 = sqlx::query_scalar(t::COUNT_NATIONAL_TEAMS)
                .fetch_one(&mut c)
                .await?;
            let h: (i64, String) = sqlx::query_as(t::READ_HEAD).fetch_one(&mut c).await?;
            c.close().await?;
            (n, h)
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect_with(&benk_app::db::pg_options(&opts)?).await?;
            let n: i64 = sqlx::query_scalar(t::COUNT_NATIONAL_TEAMS)
                .fetch_one(&mut c)
                .await?;
            let h: (i64, String) = sqlx::query_as(t::READ_HEAD).fetch_one(&mut c).await?;
            c.close().await?;
            (n, h)
        }
    })
}

fn sqlite_path(url: &str) -> anyhow::Result<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a sqlite: URL")?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        bail!("the national seed needs a database file");
    }
    Ok(path.into())
}

fn load_sqlite(url: &str, sh: &Shape, head: ChainHead, p: &Progress) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(sqlite_path(url)?)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Loading only: no WAL, no fsync (a failed seed is thrown away); WAL again at the end.
    // Leaving WAL needs the only connection: the app's writer thread may still be closing.
    let mut tries = 0;
    while let Err(e) = conn.query_row("PRAGMA journal_mode = MEMORY", [], |_| Ok(())) {
        tries += 1;
        if tries > 200 {
            return Err(e.into());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    conn.execute_batch(
        "PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA foreign_keys = OFF;",
    )?;
    for (name, _) in t::BULK_INDEXES {
        conn.execute_batch(&t::drop_index_sql(name))?;
    }
    conn.execute_batch("BEGIN")?;
    let mut sink = SqliteSink {
        conn,
        sql: String::new(),
        in_tx: 0,
    };
    load_records(&mut sink, sh, p)?;
    let head = load_audit(&mut sink, sh, head, p)?;
    let conn = sink.conn;
    conn.execute(t::WRITE_HEAD, rusqlite::params![head.seq, head.hash])?;
    conn.execute_batch("COMMIT")?;
    // Index builds sort with helper threads (SQLite's sorter; 0 by default).
    conn.execute_batch("PRAGMA threads = 4")?;
    for (name, ddl) in t::BULK_INDEXES {
        conn.execute_batch(ddl)?;
        println!("  index {name} ({:.0} s)", p.t0.elapsed().as_secs_f64());
    }
    // Statistics from a sample of each index (a full ANALYZE reads every index
    // and the 20-million-row log once more).
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE")?;
    println!("  analyze ({:.0} s)", p.t0.elapsed().as_secs_f64());
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    Ok(())
}

fn load_pg(
    rt: tokio::runtime::Handle,
    url: &str,
    sh: &Shape,
    head: ChainHead,
    p: &Progress,
) -> anyhow::Result<()> {
    // Index builds and the VACUUM take longer than sqlx's slow-statement alert; the
    // progress lines say how long.
    let opts = sqlx::ConnectOptions::disable_statement_logging(benk_app::db::pg_options(
        &DbOptions::new(url),
    )?);
    // Loading only: foreign-key checks off (they are triggers on PostgreSQL, one
    // lookup per loaded row; SQLite loads with `foreign_keys = OFF` too; the rows
    // are generated consistent). Needs a role that may set it (a superuser or,
    // from PostgreSQL 15, one granted it); without it the load checks every row.
    let replica = rt.block_on(async {
        let mut c = PgConnection::connect_with(&opts).await?;
        let ok = sqlx::query("SET session_replication_role = replica")
            .execute(&mut c)
            .await
            .is_ok();
        c.close().await?;
        Ok::<bool, sqlx::Error>(ok)
    })?;
    if !replica {
        println!("  note: may not set session_replication_role; foreign keys are checked per row");
    }
    let pool = rt.block_on(
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .after_connect(move |c, _| {
                let sql = if replica {
                    "SET synchronous_commit = off; SET session_replication_role = replica"
                } else {
                    "SET synchronous_commit = off"
                };
                Box::pin(async move {
                    sqlx::Executor::execute(c, sql).await?;
                    Ok(())
                })
            })
            .connect_with(opts.clone()),
    )?;
    for (name, _) in t::BULK_INDEXES {
        rt.block_on(sqlx::query(&t::drop_index_sql(name)).execute(&pool))?;
    }
    let mut sink = PgSink {
        rt: rt.clone(),
        pool: pool.clone(),
        copy: None,
        buf: String::with_capacity(4 << 20),
    };
    // The records and the audit log at the same time, on two connections.
    let head = std::thread::scope(|scope| {
        let audit = scope.spawn(|| load_audit_pg(&rt, &opts, replica, sh, head, p));
        let records = load_records(&mut sink, sh, p);
        let head = audit
            .join()
            .map_err(|_| anyhow::anyhow!("the audit load failed"))?;
        records?;
        head
    })?;
    // The head moves with its triggers on (forward only).
    rt.block_on(async {
        let mut c = pool.acquire().await?;
        sqlx::query("SET session_replication_role = DEFAULT")
            .execute(&mut *c)
            .await?;
        sqlx::query(t::WRITE_HEAD)
            .bind(head.seq)
            .bind(head.hash)
            .execute(&mut *c)
            .await?;
        if replica {
            sqlx::query("SET session_replication_role = replica")
                .execute(&mut *c)
                .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    // Two index builds at a time (one per core), each with room to sort.
    let build = |ddls: Vec<(&'static str, &'static str)>| {
        let pool = pool.clone();
        async move {
            let mut c = pool.acquire().await?;
            sqlx::query("SET maintenance_work_mem = '512MB'")
                .execute(&mut *c)
                .await?;
            for (name, ddl) in ddls {
                sqlx::query(ddl).execute(&mut *c).await?;
                println!("  index {name} ({:.0} s)", p.t0.elapsed().as_secs_f64());
            }
            Ok::<(), sqlx::Error>(())
        }
    };
    let (even, odd): (Vec<_>, Vec<_>) = t::BULK_INDEXES
        .iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let strip = |v: Vec<(usize, &(&'static str, &'static str))>| {
        v.into_iter().map(|(_, x)| *x).collect::<Vec<_>>()
    };
    let (a, b) = rt.block_on(async { tokio::join!(build(strip(even)), build(strip(odd))) });
    a?;
    b?;
    rt.block_on(sqlx::query(t::VACUUM_ANALYZE_PG).execute(&pool))?;
    println!("  vacuum, analyze ({:.0} s)", p.t0.elapsed().as_secs_f64());
    rt.block_on(pool.close());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        let times = [
            "2024-01-02T03:04:05.000006Z",
            "1999-12-31T23:59:59.999999Z",
            "2026-11-30T00:00:00Z",
            "0001-01-01T00:00:00.5Z",
        ];
        for t in times {
            let t: DateTime<Utc> = t.parse().unwrap();
            for (fmt, pattern) in [
                (TsFmt::Sqlite, "%Y-%m-%dT%H:%M:%S%.6f+00:00"),
                (TsFmt::Pg, "%Y-%m-%d %H:%M:%S%.6f+00"),
                (TsFmt::Canonical, "%Y-%m-%dT%H:%M:%S%.6fZ"),
            ] {
                let mut mine = String::new();
                push_ts(&mut mine, &t, fmt);
                assert_eq!(mine, t.format(pattern).to_string());
            }
        }
    }

    #[test]
    fn the_fast_canonical_encoding_is_the_writers() {
        let now = Utc::now().trunc_subsecs(6);
        let sh = Shape {
            people: 450,
            contacts: 3_000,
            audit: 10_000,
            measures: 4_500,
            registry: 4_500,
            team_size: 200,
            teams: 3,
            start: now - Duration::days(730),
            span_us: Duration::days(729).num_microseconds().unwrap(),
        };
        let names: Vec<String> = (0..sh.teams * STAFF_PER_TEAM)
            .map(|s| format!("Ansatt \"{s}\" \\ \u{e6}\n"))
            .collect();
        let orgs: Vec<String> = (0..sh.teams * STAFF_PER_TEAM)
            .map(|s| sh.org_number(s / STAFF_PER_TEAM, s % STAFF_PER_TEAM))
            .collect();
        let rows = audit_chunk(&sh, 7, 1, true, &names, &orgs);
        assert_eq!(rows.len() as u64, AUDIT_CHUNK);
        assert!(rows.iter().any(|r| r.contact) && rows.iter().any(|r| !r.contact));
        for r in &rows {
            assert_eq!(r.canon, r.to_row(&sh, &names, &orgs).canonical());
            // The COPY text has every column but the two links, each ended by a tab,
            // and the name's newline and backslash escaped.
            assert_eq!(r.text.matches('\t').count(), t::AUDIT.columns.len() - 2);
            assert!(r.text.contains("\\\\ \u{e6}\\n\t"), "{}", r.text);
        }
    }
}
