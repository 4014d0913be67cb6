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

/// Non-empty lines in a file (0 when it does not exist).
fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
        .unwrap_or(0)
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
    // Login hardening settings are checked before anything starts.
    for (key, value, expect) in [
        (
            "trusted_proxies",
            "[\"10.0.0.0/8\", \"proxy.local\"]",
            "proxy.local",
        ),
        ("request_timeout_seconds", "0", "request_timeout_seconds"),
        ("login_hash_slots", "0", "login_hash_slots"),
    ] {
        std::fs::write(&cfg, format!("database_url = \"{db}\"\n{key} = {value}\n")).unwrap();
        let out = benk()
            .args(["--config"])
            .arg(&cfg)
            .arg("migrate")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{key}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{key}: {err}");
    }
    std::fs::write(
        &cfg,
        format!("database_url = \"{db}\"\ntrusted_proxies = [\"10.0.0.1\", \"fd00::/8\"]\nsession_max_hours = 8\ntoken_lifetime_days = 30\n"),
    )
    .unwrap();
    let out = benk()
        .args(["--config"])
        .arg(&cfg)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    // The second team's logins are listed too.
    assert!(out.contains("siri") && out.contains("Nordvik"), "{out}");
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
    // The demo made its own signing key (private to its owner) and signed a
    // checkpoint at each start, which the chain agrees with.
    let key = dir.join("audit-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let checkpoints = dir.join("audit-checkpoints.jsonl");
    assert_eq!(lines(&checkpoints), 2);
    let signed = benk()
        .args(["--database-url", &db, "--audit-key-file"])
        .arg(&key)
        .args(["audit", "verify", "--checkpoints"])
        .arg(&checkpoints)
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stdout)
    );
    // A manual change to one audit row, by someone who first drops the trigger
    // that refuses it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        let refused =
            sqlx::query("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 1")
                .execute(&mut c)
                .await
                .expect_err("the trigger refuses");
        assert!(refused.to_string().contains("append-only"), "{refused}");
        sqlx::query("DROP TRIGGER audit_events_no_update")
            .execute(&mut c)
            .await
            .unwrap();
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
            .env("USER", "ops-kari")
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
             AND actor_name = 'benk cli (os user: ops-kari)' AND actor_staff_id IS NULL \
             AND outcome = 'allowed'"
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
            .env("USER", "ops-kari")
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
    // The first administrator is a system administrator; a later one
    // administers only their team.
    let second = run(&[
        "user",
        "add",
        "--username",
        "admin2",
        "--name",
        "Admin To",
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
    assert!(second.status.success());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let flags: Vec<(String, bool)> = rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query_as(
            "SELECT i.subject, s.system_admin FROM staff s JOIN identities i ON i.staff_id = s.id ORDER BY i.subject",
        )
        .fetch_all(&mut c)
        .await
        .unwrap()
    });
    assert_eq!(
        flags,
        vec![("admin".to_string(), true), ("admin2".to_string(), false)]
    );
    // Every change names the command line's principal: the OS user, no staff member.
    let actors: Vec<(String, Option<String>, Option<String>, String)> = rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query_as(
            "SELECT action, actor_name, actor_staff_id, resources FROM audit_events ORDER BY seq",
        )
        .fetch_all(&mut c)
        .await
        .unwrap()
    });
    let actions: Vec<&str> = actors.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "organisation.create",
            "team.create",
            "staff.create",
            "staff.create"
        ]
    );
    for (action, name, staff, resources) in &actors {
        assert_eq!(
            name.as_deref(),
            Some("benk cli (os user: ops-kari)"),
            "{action}"
        );
        assert_eq!(staff, &None, "{action}");
        assert!(resources.ends_with(",admin:cli"), "{action}: {resources}");
    }
    // Without $USER, $LOGNAME names the OS user.
    let token = benk()
        .args(["--database-url", &db, "token", "create", "--user", "admin2"])
        .env_remove("USER")
        .env("LOGNAME", "ops-lars")
        .output()
        .unwrap();
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let (name,): (String,) = rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query_as("SELECT actor_name FROM audit_events WHERE action = 'token.create'")
            .fetch_one(&mut c)
            .await
            .unwrap()
    });
    assert_eq!(name, "benk cli (os user: ops-lars)");
    let verify = run(&["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A SQLite database with some audited activity, a signing key and one
/// configuration for all of it.
struct Site {
    dir: PathBuf,
    db: String,
}

impl Site {
    fn new() -> Site {
        let dir = tmp_dir();
        let db = format!("sqlite:{}", dir.join("site.db").display());
        Site { dir, db }
    }

    fn key(&self) -> PathBuf {
        self.dir.join("audit.key")
    }

    fn checkpoints(&self) -> PathBuf {
        self.dir.join("checkpoints.jsonl")
    }

    fn cmd(&self) -> Command {
        let mut c = benk();
        c.env("BENK_DATABASE_URL", &self.db)
            .env("BENK_AUDIT_KEY_FILE", self.key())
            .env("BENK_AUDIT_CHECKPOINT_FILE", self.checkpoints())
            .env("BENK_PASSWORD", "et-langt-passord");
        c
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Adds an organisation, a team and some users: each is audited.
    fn activity(&self, tag: &str) {
        if self.run(&["org", "list"]).stdout.is_empty() {
            let org = self.run(&[
                "org",
                "add",
                "--name",
                "Testby kommune",
                "--kind",
                "municipality",
                "--number",
                "974760673",
            ]);
            assert!(
                org.status.success(),
                "{}",
                String::from_utf8_lossy(&org.stderr)
            );
        }
        for i in 0..3 {
            let u = self.run(&[
                "user",
                "add",
                "--username",
                &format!("{tag}{i}"),
                "--name",
                "Test Testesen",
                "--profession",
                "nurse",
                "--org",
                "974760673",
            ]);
            assert!(u.status.success(), "{}", String::from_utf8_lossy(&u.stderr));
            assert!(self
                .run(&["user", "disable", &format!("{tag}{i}")])
                .status
                .success());
        }
    }

    fn sql(&self, statements: &[&str]) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mut c = sqlx::SqliteConnection::connect(&self.db).await.unwrap();
            for s in statements {
                sqlx::query(s).execute(&mut c).await.unwrap();
            }
            c.close().await.unwrap();
        });
    }

    fn verify_plain(&self) -> (Option<i32>, String) {
        let o = self.run(&["audit", "verify"]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    }

    fn verify_signed(&self, public_key: &str) -> (Option<i32>, String) {
        let o = benk()
            .args([
                "--database-url",
                &self.db,
                "audit",
                "verify",
                "--checkpoints",
            ])
            .arg(self.checkpoints())
            .args(["--public-key", public_key])
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const DROP_TRIGGERS: &[&str] = &[
    "DROP TRIGGER audit_events_no_update",
    "DROP TRIGGER audit_events_no_delete",
    "DROP TRIGGER audit_head_forward_only",
];

#[test]
fn signed_checkpoints_catch_a_cut_chain_and_a_forged_line() {
    let site = Site::new();
    assert!(site.run(&["migrate"]).status.success());
    // keygen: prints the public key, writes it beside the key, never overwrites.
    let kg = site.run(&["audit", "keygen"]);
    assert!(
        kg.status.success(),
        "{}",
        String::from_utf8_lossy(&kg.stderr)
    );
    let out = String::from_utf8_lossy(&kg.stdout).into_owned();
    let public = out
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .expect("public key printed")
        .trim()
        .to_string();
    assert_eq!(public.len(), 64);
    let pub_file = site.dir.join("audit.key.pub");
    assert_eq!(std::fs::read_to_string(&pub_file).unwrap().trim(), public);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(site.key()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = std::fs::read(site.key()).unwrap();
    let again = site.run(&["audit", "keygen"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read(site.key()).unwrap(),
        before,
        "the key is unchanged"
    );

    // Activity, a checkpoint, more activity, another.
    site.activity("a");
    let cp = site.run(&["audit", "checkpoint"]);
    assert!(
        cp.status.success(),
        "{}",
        String::from_utf8_lossy(&cp.stderr)
    );
    site.activity("b");
    assert!(site.run(&["audit", "checkpoint"]).status.success());
    assert_eq!(lines(&site.checkpoints()), 2);
    let (code, out) = site.verify_signed(&public);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("2 signed checkpoint(s)"), "{out}");
    // The public key can come from the .pub file too (a verifier off the host).
    let (code, out) = site.verify_signed(pub_file.to_str().unwrap());
    assert_eq!(code, Some(0), "{out}");

    // Someone with the database file cuts the newest rows and moves the head back.
    site.sql(DROP_TRIGGERS);
    site.sql(&[
        "DELETE FROM audit_events WHERE seq > 5",
        "UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit_events WHERE seq = 5)",
    ]);
    let (code, out) = site.verify_plain();
    assert_eq!(code, Some(0), "the plain walk cannot see it: {out}");
    let (code, out) = site.verify_signed(&public);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("checkpoint on line 1 (seq ") && out.contains("cut from the end"),
        "{out}"
    );
    // The server's checkpoint refuses to sign over it.
    let cp = site.run(&["audit", "checkpoint"]);
    assert_eq!(cp.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&cp.stderr).contains("does not extend the last checkpoint"),
        "{}",
        String::from_utf8_lossy(&cp.stderr)
    );
    assert_eq!(lines(&site.checkpoints()), 2);

    // A checkpoint line changed by hand (here: a lower seq) fails its signature.
    let text = std::fs::read_to_string(site.checkpoints()).unwrap();
    let first = text.lines().next().unwrap();
    let v: serde_json::Value = serde_json::from_str(first).unwrap();
    let forged = first.replace(&format!("\"seq\":{}", v["seq"]), "\"seq\":5");
    std::fs::write(site.checkpoints(), format!("{forged}\n")).unwrap();
    let (code, out) = site.verify_signed(&public);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("checkpoint on line 1 (seq 5") && out.contains("signature does not verify"),
        "{out}"
    );
    // And an empty checkpoint file proves nothing.
    std::fs::write(site.checkpoints(), "").unwrap();
    let (code, out) = site.verify_signed(&public);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("holds no checkpoint"), "{out}");
}

#[test]
fn a_selective_erasure_with_re_hashing_is_caught_by_the_checkpoint() {
    let site = Site::new();
    assert!(site.run(&["audit", "keygen"]).status.success());
    let public = std::fs::read_to_string(site.dir.join("audit.key.pub")).unwrap();
    let public = public.trim();
    site.activity("a");
    assert!(site.run(&["audit", "checkpoint"]).status.success());
    site.activity("b");
    assert!(site.run(&["audit", "checkpoint"]).status.success());
    let (code, out) = site.verify_signed(public);
    assert_eq!(code, Some(0), "{out}");
    // Erase the rows about one user's account and re-link everything after
    // them, head included, with the public row encoding.
    site.sql(DROP_TRIGGERS);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&site.db).await.unwrap();
        let (staff,): (uuid::Uuid,) =
            sqlx::query_as("SELECT staff_id FROM identities WHERE subject = 'a1'")
                .fetch_one(&mut c)
                .await
                .unwrap();
        let erased = sqlx::query("DELETE FROM audit_events WHERE resources = $1")
            .bind(format!("staff:{staff},admin:cli"))
            .execute(&mut c)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(erased, 2, "created and disabled");
        let rows: Vec<benk_app::audit::AuditRow> = sqlx::query_as(
            "SELECT seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, actor_role, \
             actor_team_id, client_id, purpose, action, resources, outcome, ip, user_agent, prev_hash, hash \
             FROM audit_events ORDER BY seq",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut prev = benk_app::audit::GENESIS.to_string();
        let mut seq = 0;
        for mut row in rows {
            seq += 1;
            row.seq = seq;
            row.prev_hash = prev.clone();
            row.hash = row.expected_hash();
            prev = row.hash.clone();
            sqlx::query("UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
                .bind(row.seq)
                .bind(&row.prev_hash)
                .bind(&row.hash)
                .bind(row.id)
                .execute(&mut c)
                .await
                .unwrap();
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2")
            .bind(seq)
            .bind(&prev)
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    let (code, out) = site.verify_plain();
    assert_eq!(code, Some(0), "the plain walk cannot see it: {out}");
    let (code, out) = site.verify_signed(public);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("checkpoint on line 1 (seq ") && out.contains("rewritten"),
        "{out}"
    );
}

/// Starts `benk serve` on a free port and waits for its `listening on` line.
fn start_serve(site: &Site, with_key: bool) -> std::process::Child {
    let mut cmd = site.cmd();
    if !with_key {
        cmd.env_remove("BENK_AUDIT_KEY_FILE");
    }
    serve_until_listening(cmd)
}

/// Starts `serve` and returns once it says it listens.
fn serve_until_listening(mut cmd: Command) -> std::process::Child {
    let mut child = cmd
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let reader = BufReader::new(child.stdout.take().unwrap());
    let listening = reader
        .lines()
        .any(|line| line.unwrap().starts_with("listening on "));
    if !listening {
        let out = child.wait_with_output().unwrap();
        panic!(
            "serve ended without listening: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    child
}

fn terminate(child: std::process::Child) -> std::process::Output {
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    child.wait_with_output().unwrap()
}

#[test]
fn serve_signs_a_checkpoint_at_start_and_at_shutdown() {
    let site = Site::new();
    assert!(site.run(&["audit", "keygen"]).status.success());
    site.activity("a");
    let serve = start_serve(&site, true);
    // Signed at start, before it listened.
    assert_eq!(lines(&site.checkpoints()), 1);
    site.activity("b");
    let out = terminate(serve);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines(&site.checkpoints()), 2, "signed at shutdown");
    let public = std::fs::read_to_string(site.dir.join("audit.key.pub")).unwrap();
    let (code, report) = site.verify_signed(public.trim());
    assert_eq!(code, Some(0), "{report}");
    // The last checkpoint covers the rows written while it ran.
    let text = std::fs::read_to_string(site.checkpoints()).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert!(
        report.contains(&format!("up to seq {}", last["seq"])),
        "{report}"
    );
    assert!(last["seq"].as_i64().unwrap() > 12);

    // Without a key, serve says clearly that checkpoints are off.
    let serve = start_serve(&site, false);
    let out = terminate(serve);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {err}", out.status);
    assert!(err.contains("audit checkpoints are OFF"), "{err}");
    assert_eq!(lines(&site.checkpoints()), 2);
}

/// The periodic checkpoint: with one minute between checkpoints, a second
/// line is signed about a minute after the one at start, while serving.
///
/// A minute of waiting: `scripts/test` runs it (`-- --ignored`) beside the rest of the
/// suite rather than after it.
#[test]
#[ignore = "a minute of waiting; scripts/test runs it beside the rest of the suite"]
fn serve_signs_a_checkpoint_every_n_minutes() {
    let site = Site::new();
    assert!(site.run(&["audit", "keygen"]).status.success());
    site.activity("a");
    let mut cmd = site.cmd();
    cmd.env("BENK_AUDIT_CHECKPOINT_MINUTES", "1");
    let started = std::time::Instant::now();
    let serve = serve_until_listening(cmd);
    assert_eq!(lines(&site.checkpoints()), 1, "signed at start");
    while lines(&site.checkpoints()) < 2 && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let waited = started.elapsed();
    let periodic = lines(&site.checkpoints());
    let out = terminate(serve);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(periodic, 2, "no periodic checkpoint within {waited:?}");
    assert!(
        waited.as_secs() >= 50,
        "signed after {waited:?}, not after a minute"
    );
    let text = std::fs::read_to_string(site.checkpoints()).unwrap();
    let at: Vec<chrono::DateTime<chrono::Utc>> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["at"].as_str().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(at.len(), 3, "and one more at shutdown");
    let gap = (at[1] - at[0]).num_seconds();
    assert!((55..=90).contains(&gap), "{gap} s between the checkpoints");
    let public = std::fs::read_to_string(site.dir.join("audit.key.pub")).unwrap();
    let (code, report) = site.verify_signed(public.trim());
    assert_eq!(code, Some(0), "{report}");
}

use benk_app::testing::{pg_base_url, pg_schema_url};

/// The base URL with another user and a search path.
fn pg_url(user: Option<&str>, schema: &str) -> String {
    let base = pg_base_url();
    let base = match user {
        Some(u) => {
            let (scheme, rest) = base.split_once("://").unwrap();
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://{u}@{host}")
        }
        None => base,
    };
    pg_schema_url(&base, schema)
}

#[test]
fn the_server_role_can_append_to_the_audit_log_but_not_rewrite_it() {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let schema = format!("benk_role_{id}");
    let role = format!("benk_srv_{}", &id[id.len() - 12..]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = || async {
        sqlx::PgConnection::connect(&pg_base_url())
            .await
            .expect("PostgreSQL is required for the test suite")
    };
    rt.block_on(async {
        let mut c = admin().await;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut c)
            .await
            .unwrap();
    });
    let owner_url = pg_url(None, &schema);
    let server_url = pg_url(Some(&role), &schema);
    let run = |url: &str, args: &[&str]| {
        benk()
            .args(["--database-url", url])
            .args(args)
            .output()
            .unwrap()
    };
    let m = run(&owner_url, &["migrate", "--create-server-role", &role]);
    let result = std::panic::catch_unwind(|| {
        assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
        assert!(String::from_utf8_lossy(&m.stdout).contains(&format!("role {role}")));
        // As the server's role: it starts (nothing to migrate), writes audited
        // changes and verifies the chain.
        let org = run(
            &server_url,
            &[
                "org",
                "add",
                "--name",
                "Testby kommune",
                "--kind",
                "municipality",
                "--number",
                "974760673",
            ],
        );
        assert!(
            org.status.success(),
            "{}",
            String::from_utf8_lossy(&org.stderr)
        );
        let v = run(&server_url, &["audit", "verify"]);
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
        rt.block_on(async {
            let mut c = sqlx::PgConnection::connect(&server_url).await.unwrap();
            for sql in [
                "UPDATE audit_events SET actor_name = 'x'",
                "DELETE FROM audit_events",
                "TRUNCATE audit_events",
                "DELETE FROM audit_head",
                "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update",
                "DROP TRIGGER audit_events_no_delete ON audit_events",
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (99999999999999, 'fake', true, '\\x00', 0)",
            ] {
                let err = sqlx::query(sql).execute(&mut c).await.expect_err(sql);
                let msg = err.to_string();
                assert!(
                    msg.contains("permission denied") || msg.contains("must be owner"),
                    "{sql}: {msg}"
                );
            }
            let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_events")
                .fetch_one(&mut c)
                .await
                .unwrap();
            assert!(n.0 >= 2, "the role creation and the organisation are audited");
            let (name,): (String,) = sqlx::query_as(
                "SELECT actor_name FROM audit_events WHERE action = 'db.server_role' \
                 AND actor_staff_id IS NULL AND resources LIKE '%,admin:cli'",
            )
            .fetch_one(&mut c)
            .await
            .unwrap();
            assert!(name.starts_with("benk cli (os user: "), "{name}");
            c.close().await.unwrap();
        });
        // Not the owner itself, nor a superuser.
        let own = run(&owner_url, &["migrate", "--create-server-role", "postgres"]);
        assert_eq!(own.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&own.stderr).contains("must not be"),
            "{}",
            String::from_utf8_lossy(&own.stderr)
        );
        // SQLite has no roles: a clear error.
        let dir = tmp_dir();
        let db = format!("sqlite:{}", dir.join("x.db").display());
        let s = run(&db, &["migrate", "--create-server-role", "benk_server"]);
        assert_eq!(s.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&s.stderr).contains("only PostgreSQL has roles"));
        let _ = std::fs::remove_dir_all(dir);
    });
    rt.block_on(async {
        let mut c = admin().await;
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut c)
            .await;
        let _ = sqlx::query(&format!("DROP OWNED BY {role}"))
            .execute(&mut c)
            .await;
        let _ = sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
            .execute(&mut c)
            .await;
    });
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
