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
  + (SELECT COUNT(*) FROM contact_topics x WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = x.contact_id)) \
  + (SELECT COUNT(*) FROM care_relationships x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM episode_members x WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.id = x.episode_id)) \
  + (SELECT COUNT(*) FROM episode_members x WHERE NOT EXISTS (SELECT 1 FROM care_relationships r WHERE r.id = x.care_relationship_id)) \
  + (SELECT COUNT(*) FROM episode_levels x WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.id = x.episode_id)) \
  + (SELECT COUNT(*) FROM audit_events x WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)) \
  + (SELECT COUNT(*) FROM audit_events x WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = x.actor_staff_id))";

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
    let base = std::env::var("BENK_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let schema = format!("benk_seed_{}", uuid::Uuid::now_v7().simple());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
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
        let (orphans,): (i64,) = sqlx::query_as(ORPHANS).fetch_one(&pool).await.unwrap();
        assert_eq!(orphans, 0);
        pool.close().await;
        let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut c)
            .await;
    });
}
