//! The `benk` binary: configuration errors, demo, user administration and
//! `audit verify` on a real database file.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sqlx::Connection;

fn benk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_benk"));
    c.env_remove("BENK_DATABASE_URL")
        .env_remove("BENK_LISTEN")
        .env_remove("BENK_CONFIG");
    c
}

fn tmp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("benk-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Starts `benk demo`, waits for its `listening on` line, then stops it.
fn run_demo_once(dir: &Path) -> (String, String) {
    let mut child = benk()
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    let mut url = String::new();
    let reader = BufReader::new(child.stdout.take().unwrap());
    for line in reader.lines() {
        let line = line.unwrap();
        out.push_str(&line);
        out.push('\n');
        if let Some(u) = line.strip_prefix("listening on ") {
            url = u.to_string();
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    (out, url)
}

#[test]
fn version_prints_the_version() {
    let out = benk().arg("version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("benk {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_database_scheme_is_a_clear_error_at_start() {
    let out = benk()
        .args(["--database-url", "mysql://localhost/benk", "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unsupported database URL scheme") && err.contains("mysql"),
        "{err}"
    );
}

#[test]
fn environment_and_config_file_are_read_in_order() {
    let dir = tmp_dir();
    let cfg = dir.join("benk.toml");
    std::fs::write(&cfg, "database_url = \"oracle://x\"\n").unwrap();
    // The file alone: its (bad) URL is used.
    let out = benk()
        .args(["--config"])
        .arg(&cfg)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("oracle"));
    // The environment overrides the file.
    let db = format!("sqlite:{}", dir.join("env.db").display());
    let out = benk()
        .args(["--config"])
        .arg(&cfg)
        .arg("migrate")
        .env("BENK_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A flag overrides the environment.
    let out = benk()
        .args(["--config"])
        .arg(&cfg)
        .args(["--database-url", "nosuch://y", "migrate"])
        .env("BENK_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("nosuch"));
    // Unknown keys in the file are refused.
    std::fs::write(&cfg, "databse_url = \"sqlite:x\"\n").unwrap();
    let out = benk()
        .args(["--config"])
        .arg(&cfg)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn demo_prints_logins_and_url_and_its_audit_chain_verifies_until_tampered() {
    let dir = tmp_dir();
    let (out, url) = run_demo_once(&dir);
    assert!(url.starts_with("http://127.0.0.1:"), "{out}");
    assert!(out.contains("tone") && out.contains("benk-demo"), "{out}");
    // Restarting reuses the data.
    let (out2, _) = run_demo_once(&dir);
    assert!(out2.contains("using the existing demo database"), "{out2}");
    let db = format!("sqlite:{}", dir.join("benk-demo.db").display());
    let verify = || {
        benk()
            .args(["--database-url", &db, "audit", "verify"])
            .output()
            .unwrap()
    };
    let ok = verify();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit chain OK"));
    // A manual change to one audit row.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 1")
            .execute(&mut c)
            .await
            .unwrap();
    });
    let bad = verify();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stdout).contains("BROKEN at row 1"),
        "{}",
        String::from_utf8_lossy(&bad.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn users_are_managed_from_the_command_line() {
    let dir = tmp_dir();
    let (_, _) = run_demo_once(&dir);
    let db = format!("sqlite:{}", dir.join("benk-demo.db").display());
    let orgnr = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
            let (n,): (String,) =
                sqlx::query_as("SELECT org_number FROM organisations WHERE kind = 'municipality'")
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
            n
        })
    };
    let add = |user: &str, password: &str| {
        benk()
            .args([
                "--database-url",
                &db,
                "user",
                "add",
                "--username",
                user,
                "--name",
                "Kari Test",
                "--profession",
                "nurse",
                "--org",
                &orgnr,
            ])
            .args([
                "--team",
                "Samhandlingsteamet Fjordby",
                "--role",
                "worker",
                "--fte",
                "40",
            ])
            .env("BENK_PASSWORD", password)
            .output()
            .unwrap()
    };
    let short = add("kari", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10"));
    let ok = add("kari", "et-langt-passord");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dup = add("kari", "et-langt-passord");
    assert!(!dup.status.success());
    let list = benk()
        .args(["--database-url", &db, "user", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("Kari Test"));
    let tok = benk()
        .args(["--database-url", &db, "token", "create", "--user", "kari"])
        .output()
        .unwrap();
    assert!(tok.status.success());
    assert!(String::from_utf8_lossy(&tok.stdout)
        .trim()
        .starts_with("benk_"));
    let dis = benk()
        .args(["--database-url", &db, "user", "disable", "kari"])
        .output()
        .unwrap();
    assert!(dis.status.success());
    let list = benk()
        .args(["--database-url", &db, "user", "list"])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&list.stdout)
        .lines()
        .find(|l| l.starts_with("kari "))
        .unwrap()
        .to_string();
    assert!(line.contains("disabled"), "{line}");
    let unknown = benk()
        .args(["--database-url", &db, "user", "disable", "nobody"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn health_personnel_status_is_set_from_the_command_line_with_a_reason() {
    let dir = tmp_dir();
    let (_, _) = run_demo_once(&dir);
    let db = format!("sqlite:{}", dir.join("benk-demo.db").display());
    let set = |extra: &[&str]| {
        benk()
            .args([
                "--database-url",
                &db,
                "user",
                "set-health-personnel",
                "per",
                "--employed",
                "true",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let query = |sql: &str| -> i64 {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut c).await.unwrap();
            n
        })
    };
    let marked = "SELECT COUNT(*) FROM staff s JOIN identities i ON i.staff_id = s.id \
                  WHERE i.subject = 'per' AND s.care_employment = 1";
    // No reason, or a blank one: refused, nothing changes.
    assert!(!set(&[]).status.success());
    let blank = set(&["--reason", "  "]);
    assert!(!blank.status.success());
    assert!(
        String::from_utf8_lossy(&blank.stderr).contains("reason"),
        "{}",
        String::from_utf8_lossy(&blank.stderr)
    );
    assert_eq!(query(marked), 0);
    // With a reason: set, kept and audited as the command line.
    let ok = set(&["--reason", "Ansatt ved DPS for å yte helsehjelp"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(query(marked), 1);
    assert_eq!(
        query(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'staff.set_health_personnel' \
             AND actor_name = 'benk cli' AND outcome = 'allowed'"
        ),
        1
    );
    assert_eq!(
        query("SELECT COUNT(*) FROM health_personnel_changes WHERE reason = 'Ansatt ved DPS for å yte helsehjelp'"),
        1
    );
    let list = benk()
        .args(["--database-url", &db, "user", "list"])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&list.stdout)
        .lines()
        .find(|l| l.starts_with("per "))
        .unwrap()
        .to_string();
    assert!(line.contains("health personnel (employment)"), "{line}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_fresh_database_gets_its_first_administrator_from_the_command_line() {
    let dir = tmp_dir();
    let db = format!("sqlite:{}", dir.join("prod.db").display());
    let run = |args: &[&str]| {
        benk()
            .args(["--database-url", &db])
            .args(args)
            .env("BENK_PASSWORD", "et-langt-passord")
            .output()
            .unwrap()
    };
    let bad = run(&[
        "org",
        "add",
        "--name",
        "Testby kommune",
        "--kind",
        "municipality",
        "--number",
        "974760674",
    ]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("check digit"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(run(&[
        "org",
        "add",
        "--name",
        "Testby kommune",
        "--kind",
        "municipality",
        "--number",
        "974760673"
    ])
    .status
    .success());
    let team = run(&[
        "team",
        "add",
        "--name",
        "Testteamet",
        "--owner",
        "974760673",
    ]);
    assert!(
        team.status.success(),
        "{}",
        String::from_utf8_lossy(&team.stderr)
    );
    let no_team = run(&[
        "user",
        "add",
        "--username",
        "admin",
        "--name",
        "Admin",
        "--profession",
        "other",
        "--org",
        "974760673",
        "--role",
        "administrator",
    ]);
    assert!(!no_team.status.success(), "--role needs --team");
    let ok = run(&[
        "user",
        "add",
        "--username",
        "admin",
        "--name",
        "Admin",
        "--profession",
        "other",
        "--org",
        "974760673",
        "--team",
        "Testteamet",
        "--role",
        "administrator",
        "--fte",
        "20",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let teams = run(&["team", "list"]);
    assert!(String::from_utf8_lossy(&teams.stdout).contains("Testteamet"));
    let verify = run(&["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}
