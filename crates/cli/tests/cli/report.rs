//! `benk report` on the demo database: the files it writes, progress on standard error, a
//! refusal for someone outside the team (exit code 2), and both in the audit log.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use sqlx::Connection;

fn benk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_benk"));
    c.env_remove("BENK_DATABASE_URL")
        .env_remove("BENK_LISTEN")
        .env_remove("BENK_CONFIG");
    c
}

fn seed_demo(dir: &Path) {
    let mut child = benk()
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reader = BufReader::new(child.stdout.take().unwrap());
    for line in reader.lines() {
        if line.unwrap().starts_with("listening on ") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn report_writes_files_as_a_member_and_refuses_an_outsider() {
    let dir = std::env::temp_dir().join(format!("benk-report-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    seed_demo(&dir);
    let url = format!("sqlite:{}", dir.join("benk-demo.db").display());
    let run = |user: &str, format: &str| {
        benk()
            .env("BENK_DATABASE_URL", &url)
            .args(["report", "activity", "--team", "Samhandlingsteamet Fjordby"])
            .args(["--from", "2025-01-01", "--to", "2025-12-31", "--as", user])
            .args(["--format", format, "--out"])
            .arg(dir.join(format!("out-{user}.{format}")))
            .output()
            .unwrap()
    };
    let out = run("tone", "pdf");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("report activity: wrote"), "{err}");
    let pdf = std::fs::read(dir.join("out-tone.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(benk_app::reports::pdf::extract_text(&pdf).contains("Teamets aktivitet"));
    let out = run("tone", "csv");
    assert!(out.status.success());
    let csv = std::fs::read_to_string(dir.join("out-tone.csv")).unwrap();
    assert!(csv.starts_with(benk_app::reports::csv::HEADER));
    assert!(csv.contains("_report,5,to,1,,text,2025-12-31,,,,"), "{csv}");
    // Siri leads the other team: refused, exit code 2, nothing written.
    let out = run("siri", "pdf");
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("out-siri.pdf").exists());
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let count = |outcome: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'report.activity' AND outcome = ?1 \
             AND user_agent LIKE 'benk cli (os user: %'",
        )
        .bind(outcome)
    };
    assert_eq!(count("allowed").fetch_one(&mut c).await.unwrap(), 2);
    assert_eq!(count("denied").fetch_one(&mut c).await.unwrap(), 1);
    // The teams side by side need no team: siri (a team lead) gets both demo teams with data;
    // per (a worker) is refused.
    let teams = |user: &str| {
        benk()
            .env("BENK_DATABASE_URL", &url)
            .args([
                "report",
                "teams",
                "--from",
                "2025-12-01",
                "--to",
                "2026-11-30",
            ])
            .args(["--as", user, "--format", "csv", "--out"])
            .arg(dir.join(format!("teams-{user}.csv")))
            .output()
            .unwrap()
    };
    let out = teams("siri");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("teams-siri.csv")).unwrap();
    for team in ["Samhandlingsteamet Fjordby", "Uteteamet Nordvik"] {
        let contacts = csv
            .lines()
            .find(|l| {
                l.starts_with("teams.figures,") && l.contains(",Kontakter,") && l.contains(team)
            })
            .unwrap_or_else(|| panic!("{team}: {csv}"));
        let n: i64 = contacts.split(',').nth(6).unwrap().parse().unwrap();
        assert!(n >= 5, "{team} has contacts in the year: {contacts}");
    }
    let out = teams("per");
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("teams-per.csv").exists());
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}
