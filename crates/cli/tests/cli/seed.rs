//! `benk seed --national` on both backends: a small national data set whose
//! audit chain `benk audit verify` accepts, with the sizes asked for, and that
//! is not seeded twice.

use std::process::Command;

use sqlx::Connection;

fn benk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_benk"));
    c.env_remove("BENK_DATABASE_URL")
        .env_remove("BENK_LISTEN")
        .env_remove("BENK_CONFIG");
    c
}

const SIZES: [&str; 7] = [
    "--national",
    "--people",
    "200",
    "--contacts",
    "2000",
    "--audit",
    "5000",
];

fn seed_and_verify(url: &str) {
    let out = benk()
        .args(["--database-url", url, "seed"])
        .args(SIZES)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("audit_events (chained): 5 000 rows"),
        "{text}"
    );
    let verify = benk()
        .args(["--database-url", url, "audit", "verify"])
        .output()
        .unwrap();
    let v = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success(),
        "{v}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(v.contains("audit chain OK"), "{v}");
    // A second national seed into the same database is refused.
    let again = benk()
        .args(["--database-url", url, "seed"])
        .args(SIZES)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds a national data set"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// Clients, contacts, audit rows and open episodes.
macro_rules! counts {
    ($pool:expr) => {{
        let mut n = Vec::new();
        for sql in [
            "SELECT COUNT(*) FROM clients",
            "SELECT COUNT(*) FROM contacts",
            "SELECT COUNT(*) FROM audit_events",
            "SELECT COUNT(*) FROM episodes WHERE closed_on IS NULL",
        ] {
            let (c,): (i64,) = sqlx::query_as(sql).fetch_one($pool).await.unwrap();
            n.push(c);
        }
        (n[0], n[1], n[2], n[3])
    }};
}

/// Rows whose reference points nowhere (the seed loads with the foreign-key
/// checks off, so it must make them consistent itself): one count per
/// reference the national seed fills, all of which must be zero.
const ORPHANS: &str = "SELECT \
    (SELECT COUNT(*) FROM contacts x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM contacts x WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = x.logged_by)) \
  + (SELECT COUNT(*) FROM contacts x WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = x.owner_org_id)) \
  + (SELECT COUNT(*) FROM contact_staff x WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = x.contact_id)) \
  + (SELECT COUNT(*) FROM contact_staff x WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = x.staff_id)) \
  + (SELECT COUNT(*) FROM care_relationships x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM episode_members x WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.id = x.episode_id)) \
  + (SELECT COUNT(*) FROM episode_members x WHERE NOT EXISTS (SELECT 1 FROM care_relationships r WHERE r.id = x.care_relationship_id)) \
  + (SELECT COUNT(*) FROM episode_levels x WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.id = x.episode_id)) \
  + (SELECT COUNT(*) FROM audit_events x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM audit_events x WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = x.actor_staff_id)) \
  + (SELECT COUNT(*) FROM measures x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM measures x WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = x.recorded_by)) \
  + (SELECT COUNT(*) FROM registry_events x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM registry_events x WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = x.owner_org_id)) \
  + (SELECT COUNT(*) FROM established_services x WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.id = x.episode_id)) \
  + (SELECT COUNT(*) FROM housing_statuses x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM housing_evictions x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM spor_interviews x WHERE NOT EXISTS (SELECT 1 FROM spor_rounds r WHERE r.id = x.round_id)) \
  + (SELECT COUNT(*) FROM spor_answers x WHERE NOT EXISTS (SELECT 1 FROM spor_interviews i WHERE i.id = x.interview_id))";

/// The outcome side (for the reports): how many rows, and that they hang together. Each query
/// gives one number; `OUTCOMES_EXPECTED` holds what the small seed must give.
const OUTCOMES: [&str; 12] = [
    // 10 measures and 10 registry events per person by default.
    "SELECT COUNT(*) FROM measures",
    "SELECT COUNT(*) FROM registry_events",
    "SELECT COUNT(DISTINCT kind) FROM measures",
    "SELECT COUNT(DISTINCT kind) FROM registry_events",
    // Every row is of the person's own team.
    "SELECT (SELECT COUNT(*) FROM measures x JOIN clients c ON c.id = x.client_id WHERE x.team_id <> c.team_id) \
      + (SELECT COUNT(*) FROM registry_events x JOIN clients c ON c.id = x.client_id WHERE x.team_id <> c.team_id) \
      + (SELECT COUNT(*) FROM housing_statuses x JOIN clients c ON c.id = x.client_id WHERE x.team_id <> c.team_id) \
      + (SELECT COUNT(*) FROM established_services x JOIN episodes e ON e.id = x.episode_id WHERE x.team_id <> e.team_id OR x.client_id <> e.client_id) \
      + (SELECT COUNT(*) FROM spor_interviews x JOIN clients c ON c.id = x.client_id WHERE x.team_id <> c.team_id) \
      + (SELECT COUNT(*) FROM spor_interviews x JOIN spor_rounds r ON r.id = x.round_id WHERE x.team_id <> r.team_id)",
    // Registry events both before and after inclusion.
    "SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM registry_events r JOIN episodes e ON e.client_id = r.client_id WHERE r.starts_on < e.included_on) \
      AND EXISTS (SELECT 1 FROM registry_events r JOIN episodes e ON e.client_id = r.client_id WHERE r.starts_on >= e.included_on) THEN 1 ELSE 0 END AS BIGINT)",
    // No measure before inclusion.
    "SELECT COUNT(*) FROM measures m JOIN episodes e ON e.client_id = m.client_id WHERE m.measured_on < e.included_on",
    // Every person has a housing status from inclusion.
    "SELECT COUNT(DISTINCT h.client_id) FROM housing_statuses h JOIN episodes e ON e.client_id = h.client_id AND h.from_date = e.included_on",
    // One SPoR round per team, 30 interviews, most questions answered.
    "SELECT COUNT(*) FROM spor_rounds",
    "SELECT COUNT(*) FROM spor_interviews",
    "SELECT CAST(CASE WHEN COUNT(*) BETWEEN 30 * 15 AND 30 * 20 THEN 1 ELSE 0 END AS BIGINT) FROM spor_answers",
    "SELECT CAST(CASE WHEN COUNT(*) > 0 THEN 1 ELSE 0 END AS BIGINT) FROM established_services",
];
const OUTCOMES_EXPECTED: [i64; 12] = [2000, 2000, 3, 4, 0, 1, 0, 200, 1, 30, 1, 1];

/// Dates after today in the outcome tables (must be none).
const FUTURE: &str = "SELECT (SELECT COUNT(*) FROM measures WHERE measured_on > $1) \
  + (SELECT COUNT(*) FROM registry_events WHERE starts_on > $1 OR ends_on > $1) \
  + (SELECT COUNT(*) FROM housing_statuses WHERE from_date > $1) \
  + (SELECT COUNT(*) FROM housing_evictions WHERE evicted_on > $1) \
  + (SELECT COUNT(*) FROM established_services WHERE established_on > $1) \
  + (SELECT COUNT(*) FROM spor_interviews WHERE interviewed_on > $1)";

macro_rules! outcomes {
    ($pool:expr) => {{
        let mut n = Vec::new();
        for sql in OUTCOMES {
            let (c,): (i64,) = sqlx::query_as(sql).fetch_one($pool).await.unwrap();
            n.push(c);
        }
        assert_eq!(n, OUTCOMES_EXPECTED);
        let (f,): (i64,) = sqlx::query_as(FUTURE)
            .bind(chrono::Utc::now().date_naive())
            .fetch_one($pool)
            .await
            .unwrap();
        assert_eq!(f, 0, "dates in the future");
    }};
}

#[test]
fn a_small_national_seed_on_sqlite_verifies() {
    let dir = std::env::temp_dir().join(format!("benk-seed-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("n.db").display());
    seed_and_verify(&url);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        assert_eq!(counts!(&pool), (200, 2000, 5000, 200));
        outcomes!(&pool);
        let (orphans,): (i64,) = sqlx::query_as(ORPHANS).fetch_one(&pool).await.unwrap();
        assert_eq!(orphans, 0);
        // SQLite's own check of every declared foreign key.
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert!(broken.is_empty(), "{} foreign keys broken", broken.len());
        // Back in WAL mode for the server.
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        pool.close().await;
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_small_national_seed_on_postgres_verifies() {
    let base = benk_app::testing::pg_base_url();
    let schema = format!("benk_seed_{}", uuid::Uuid::now_v7().simple());
    let url = benk_app::testing::pg_schema_url(&base, &schema);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(&base)
            .await
            .expect("PostgreSQL is required for the test suite");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut c)
            .await
            .unwrap();
    });
    seed_and_verify(&url);
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        assert_eq!(counts!(&pool), (200, 2000, 5000, 200));
        outcomes!(&pool);
        let (orphans,): (i64,) = sqlx::query_as(ORPHANS).fetch_one(&pool).await.unwrap();
        assert_eq!(orphans, 0);
        pool.close().await;
        let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut c)
            .await;
    });
}
