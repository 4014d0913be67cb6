//! `benk import` (issue 10) on both backends: the demo's data as import files gives the demo's
//! counts in an empty database and a second import adds nothing; the committed samples import
//! and do not drift from what the generator writes; a dry run reports every bad row (line,
//! column, reason) and writes nothing; a real run with one bad row writes nothing; a user
//! without the right is refused and audited; synthetic ids need test data.
//!
//! PostgreSQL comes from `BENK_TEST_DATABASE_URL` (default: the local server), one schema per
//! test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use benk_app::db::DbOptions;
use benk_app::demo::samples::{counts, samples, Counts};
use benk_app::{App, Settings};
use sqlx::Connection;

fn benk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_benk"));
    c.env_remove("BENK_DATABASE_URL")
        .env_remove("BENK_LISTEN")
        .env_remove("BENK_CONFIG")
        .env_remove("BENK_TEST_DATA");
    c
}

use benk_app::testing::{pg_base_url, pg_schema_url};

/// A fresh empty database (removed at the end), its URL.
struct Db {
    url: String,
    dir: PathBuf,
    schema: Option<String>,
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(schema) = self.schema.clone() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Runtime::new().ok()?;
                rt.block_on(async {
                    let mut c = sqlx::PgConnection::connect(&pg_base_url()).await.ok()?;
                    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .execute(&mut c)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

fn fresh(pg: bool) -> Db {
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let dir = std::env::temp_dir().join(format!("benk-import-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    if !pg {
        let url = format!("sqlite:{}", dir.join("benk.db").display());
        return Db {
            url,
            dir,
            schema: None,
        };
    }
    let schema = format!("benk_import_{tag}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(&pg_base_url())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required for this test: {e}"));
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut c)
            .await
            .unwrap();
    });
    Db {
        url: pg_schema_url(&pg_base_url(), &schema),
        dir,
        schema: Some(schema),
    }
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A valid organisation number from eight digits (mod 11).
fn org_number(base: u32) -> String {
    let d: Vec<u32> = format!("{base:08}")
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    let sum: u32 = d
        .iter()
        .zip([3, 2, 7, 6, 5, 4, 3, 2])
        .map(|(a, w)| a * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return org_number(base + 1),
        c => c,
    };
    format!("{base:08}{check}")
}

const TEAM_1: &str = "Samhandlingsteamet Fjordby";
const TEAM_2: &str = "Uteteamet Nordvik";

/// Migrates and adds an organisation, the two teams, a team lead (nurse) in each, an intake
/// member who is a NAV officer (not health personnel) and a worker (nurse) in the first.
fn set_up(db: &Db) {
    ok(benk()
        .args(["--database-url", &db.url, "migrate"])
        .output()
        .unwrap());
    let org = org_number(93_000_001);
    ok(benk()
        .args([
            "--database-url",
            &db.url,
            "org",
            "add",
            "--name",
            "Fjordby kommune",
        ])
        .args(["--kind", "municipality", "--number", &org])
        .output()
        .unwrap());
    for team in [TEAM_1, TEAM_2] {
        ok(benk()
            .args([
                "--database-url",
                &db.url,
                "team",
                "add",
                "--name",
                team,
                "--owner",
                &org,
            ])
            .output()
            .unwrap());
    }
    for (user, prof, team, role) in [
        ("lead1", "nurse", TEAM_1, "team_lead"),
        ("lead2", "nurse", TEAM_2, "team_lead"),
        ("nav", "nav_officer", TEAM_1, "intake_member"),
        ("worker", "nurse", TEAM_1, "worker"),
    ] {
        ok(benk()
            .args(["--database-url", &db.url, "user", "add", "--username", user])
            .args([
                "--name",
                "Test Testesen",
                "--profession",
                prof,
                "--org",
                &org,
            ])
            .args(["--team", team, "--role", role, "--fte", "50"])
            .env("BENK_PASSWORD", "et-langt-passord")
            .output()
            .unwrap());
    }
}

fn import(db: &Db, kind: &str, file: &Path, team: &str, user: &str, extra: &[&str]) -> Output {
    benk()
        .args([
            "--database-url",
            &db.url,
            "--test-data",
            "true",
            "import",
            kind,
        ])
        .arg(file)
        .args(["--team", team, "--as", user])
        .args(extra)
        .output()
        .unwrap()
}

fn lead_of(team: &str) -> &'static str {
    if team == TEAM_1 {
        "lead1"
    } else {
        "lead2"
    }
}

async fn app(url: &str) -> App {
    App::open(
        &DbOptions::new(url),
        Settings {
            allow_synthetic_ids: true,
            ..Settings::default()
        },
    )
    .await
    .unwrap()
}

fn counts_of(db: &Db) -> Vec<Counts> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let a = app(&db.url).await;
        let c = vec![
            counts(&a, TEAM_1).await.unwrap(),
            counts(&a, TEAM_2).await.unwrap(),
        ];
        a.close().await;
        c
    })
}

/// The demo seeded today, its samples written to `dir`: the files and the demo's counts.
fn demo_samples(dir: &Path) -> (Vec<(PathBuf, &'static str, &'static str)>, Vec<Counts>) {
    let demo = fresh(false);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let a = app(&demo.url).await;
        benk_app::demo::seed(&a).await.unwrap();
        let mut files = Vec::new();
        for s in samples(&a).await.unwrap() {
            let path = dir.join(&s.file);
            std::fs::write(&path, &s.text).unwrap();
            files.push((path, s.team, s.kind.code()));
        }
        let c = vec![
            counts(&a, TEAM_1).await.unwrap(),
            counts(&a, TEAM_2).await.unwrap(),
        ];
        a.close().await;
        (files, c)
    })
}

/// People first: measures and interviews name them.
fn in_order(files: &mut [(PathBuf, &'static str, &'static str)]) {
    files.sort_by_key(|(_, team, kind)| (*team, *kind != "people"));
}

fn the_demos_data_imports_with_the_demos_counts(pg: bool) {
    let db = fresh(pg);
    set_up(&db);
    let (mut files, demo_counts) = demo_samples(&db.dir);
    in_order(&mut files);
    for (path, team, kind) in &files {
        let out = ok(import(&db, kind, path, team, lead_of(team), &[]));
        assert!(out.contains("importert:"), "{out}");
    }
    assert_eq!(counts_of(&db), demo_counts);
    assert!(demo_counts[0].people > 20 && demo_counts[0].measures > 100);
    assert!(demo_counts[0].interviews > 20 && demo_counts[1].people > 0);
    assert!(demo_counts[0].registry_events > 20 && demo_counts[1].registry_events > 0);
    // A second import adds nothing: every row is already imported.
    for (path, team, kind) in &files {
        let out = ok(import(
            &db,
            kind,
            path,
            team,
            lead_of(team),
            &["--lang", "en"],
        ));
        assert!(out.contains("imported: 0 of"), "{out}");
    }
    assert_eq!(counts_of(&db), demo_counts);
}

#[test]
fn the_demos_data_imports_with_the_demos_counts_sqlite() {
    the_demos_data_imports_with_the_demos_counts(false);
}

#[test]
fn the_demos_data_imports_with_the_demos_counts_postgres() {
    the_demos_data_imports_with_the_demos_counts(true);
}

fn committed_samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/import/samples")
}

fn rows(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count() - 1
}

/// The committed samples import completely, twice without adding anything; and they are what
/// the generator writes today as far as the demo does not depend on today's date (headers,
/// people and interviews; measures at passed measurement points grow with time).
fn the_committed_samples_import(pg: bool) {
    let db = fresh(pg);
    set_up(&db);
    let mut files: Vec<(PathBuf, &'static str, &'static str)> = Vec::new();
    for (slug, team) in [("fjordby", TEAM_1), ("nordvik", TEAM_2)] {
        for kind in ["people", "measures", "spor", "registry"] {
            let p = committed_samples().join(format!("{slug}-{kind}.csv"));
            if p.exists() {
                files.push((p, team, kind));
            }
        }
    }
    assert_eq!(files.len(), 7);
    for (path, team, kind) in &files {
        let out = ok(import(
            &db,
            kind,
            path,
            team,
            lead_of(team),
            &["--lang", "en"],
        ));
        let n = rows(path);
        assert!(out.contains(&format!("imported: {n} of {n} rows")), "{out}");
    }
    let c = counts_of(&db);
    for (path, team, kind) in &files {
        let out = ok(import(&db, kind, path, team, lead_of(team), &["--dry-run"]));
        assert!(out.contains("0 ville blitt importert"), "{out}");
    }
    assert_eq!(counts_of(&db), c);

    let today = db.dir.join("today");
    std::fs::create_dir_all(&today).unwrap();
    let (fresh_files, _) = demo_samples(&today);
    assert_eq!(fresh_files.len(), files.len());
    for (path, _, kind) in &fresh_files {
        let committed = committed_samples().join(path.file_name().unwrap());
        let a = std::fs::read_to_string(path).unwrap();
        let b = std::fs::read_to_string(&committed).unwrap();
        assert_eq!(
            a.lines().next(),
            b.lines().next(),
            "{}",
            committed.display()
        );
        // Measures and registry events are placed by today's date (the demo's windows).
        if *kind != "measures" && *kind != "registry" {
            assert_eq!(rows(path), rows(&committed), "{}", committed.display());
        }
    }
}

#[test]
fn the_committed_samples_import_sqlite() {
    the_committed_samples_import(false);
}

#[test]
fn the_committed_samples_import_postgres() {
    the_committed_samples_import(true);
}

const PEOPLE_HEADER: &str = "external_id;name;national_id;birth_date;referral_date;agency_kind;inclusion_date;level;ordinary_service;target_group";

/// A synthetic (Tenor) national id: month + 80, valid check digits.
fn synthetic(day: u32, month: u32, year: u32, serial: u32) -> String {
    // Individual number 3 digits; the check digits by mod 11 (retry on 10).
    for s in serial..serial + 50 {
        let base = format!("{day:02}{:02}{:02}{:03}", month + 80, year % 100, s);
        let d: Vec<u32> = base.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
        let k1 = 11 - d.iter().zip(w1).map(|(a, w)| a * w).sum::<u32>() % 11;
        let k1 = if k1 == 11 { 0 } else { k1 };
        if k1 == 10 {
            continue;
        }
        let mut d2 = d.clone();
        d2.push(k1);
        let w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
        let k2 = 11 - d2.iter().zip(w2).map(|(a, w)| a * w).sum::<u32>() % 11;
        let k2 = if k2 == 11 { 0 } else { k2 };
        if k2 == 10 {
            continue;
        }
        return format!("{base}{k1}{k2}");
    }
    panic!("no synthetic id")
}

fn write(db: &Db, name: &str, text: &str) -> PathBuf {
    let p = db.dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn people_in_team_1(db: &Db) -> i64 {
    counts_of(db)[0].people
}

#[test]
fn a_dry_run_reports_every_bad_row_and_a_real_run_writes_all_or_nothing() {
    let db = fresh(false);
    set_up(&db);
    let good = synthetic(1, 1, 1980, 100);
    let other = synthetic(2, 2, 1975, 200);
    let text = format!(
        "\u{feff}{PEOPLE_HEADER}\r\n\
         p1;Anne Hansen;{good};;2025-01-10;gp;15.01.2025;1;;serious_mental_illness|major_loss_of_function\r\n\
         p2;Bjørn Dahl;12345678901;;2025-01-10;gp;2025-01-15;1;;\r\n\
         p3;Cecilie Berg;;;2025-02-10;astrologer;2025-02-01;2;;\r\n\
         p4;Dag Li;{other};;10.03.2025;nav;2025-03-12;3;;unknown_item\r\n"
    );
    let file = write(&db, "people.csv", &text);
    let out = import(
        &db,
        "people",
        &file,
        TEAM_1,
        "lead1",
        &["--dry-run", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "line 3, column national_id:",
        "line 4, column agency_kind: Unknown code.",
        "line 4, column inclusion_date: The decision cannot be dated before the referral arrived.",
        "line 4, column ordinary_service: At level 2",
        "line 4, column birth_date:",
        "line 5, column level:",
        "line 5, column target_group:",
        "errors in 4 rows: nothing was imported.",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    assert!(!stdout.contains("line 2,"), "{stdout}");
    assert_eq!(people_in_team_1(&db), 0);
    // The Norwegian report says the same.
    let nb = String::from_utf8_lossy(
        &import(&db, "people", &file, TEAM_1, "lead1", &["--dry-run"]).stdout,
    )
    .into_owned();
    assert!(
        nb.contains("linje 4, kolonne agency_kind: Ukjent kode."),
        "{nb}"
    );
    // A real run with bad rows writes nothing, not even the good row.
    let out = import(&db, "people", &file, TEAM_1, "lead1", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(people_in_team_1(&db), 0);
    // Only the good row: imported once, then already imported.
    let only = write(
        &db,
        "good.csv",
        &format!("{PEOPLE_HEADER}\np1;Anne Hansen;{good};;2025-01-10;gp;15.01.2025;1;;\n"),
    );
    let dry = ok(import(
        &db,
        "people",
        &only,
        TEAM_1,
        "lead1",
        &["--dry-run", "--lang", "en"],
    ));
    assert!(dry.contains("1 would be imported"), "{dry}");
    assert_eq!(people_in_team_1(&db), 0);
    ok(import(&db, "people", &only, TEAM_1, "lead1", &[]));
    assert_eq!(people_in_team_1(&db), 1);
    let again = ok(import(
        &db,
        "people",
        &only,
        TEAM_1,
        "lead1",
        &["--lang", "en"],
    ));
    assert!(
        again.contains("imported: 0 of 1 rows; 1 were already imported"),
        "{again}"
    );
    assert_eq!(people_in_team_1(&db), 1);
    // The same person under another external id is refused (one record per national id).
    let dup = write(
        &db,
        "dup.csv",
        &format!("{PEOPLE_HEADER}\np9;Anne Hansen;{good};;2025-01-10;gp;15.01.2025;1;;\n"),
    );
    let out = import(&db, "people", &dup, TEAM_1, "lead1", &["--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("line 2, column national_id: The team already has"));

    // Measures and interviews of that person: comma-delimited, decimal comma in quotes,
    // dates both ways; bad values named by column.
    let measures = write(
        &db,
        "measures.csv",
        "external_id,person_external_id,kind,measured_on,gaf_symptom,gaf_function,item1,item2,item3,item4\n\
         m1,p1,ors,2025-02-01,,,\"6,3\",5,4.5,7\n\
         m2,p1,gaf,01.02.2025,45,101,,,,\n\
         m3,p1,srs,2025-02-01,,,11,5,5,5\n\
         m4,nobody,gaf,2025-02-01,40,40,,,,\n",
    );
    let out = import(
        &db,
        "measures",
        &measures,
        TEAM_1,
        "lead1",
        &["--lang", "en"],
    );
    let s = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "line 3, column gaf_function:",
        "line 4, column item1:",
        "line 5, column person_external_id: The team has no person",
        "3 errors in 4 rows",
    ] {
        assert!(s.contains(expected), "{expected}\n{s}");
    }
    let fixed = write(
        &db,
        "measures-ok.csv",
        "external_id;person_external_id;kind;measured_on;gaf_symptom;gaf_function;item1;item2;item3;item4\n\
         m1;p1;ors;2025-02-01;;;6,3;5;4.5;7\n",
    );
    ok(import(&db, "measures", &fixed, TEAM_1, "lead1", &[]));
    assert_eq!(counts_of(&db)[0].measures, 1);
    let spor = write(
        &db,
        "spor.csv",
        "external_id;round;person_external_id;interviewed_on;interviewer;municipality;age;contact_years;q1;q2;q3\n\
         s1;Høsten 2025;p1;2025-09-01;Tone Berg;Fjordby;45;12;1,5;Fastlegen;5\n\
         s2;Høsten 2025;p1;2025-09-02;Tone Berg;Fjordby;45;12;6,3;;5\n\
         s3;Våren 2026;p1;2026-03-02;Tone Berg;Fjordby;46;13;6,3;;9,5\n",
    );
    let out = import(&db, "spor", &spor, TEAM_1, "lead1", &["--lang", "en"]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("line 3, column round: The person has already been interviewed"),
        "{s}"
    );
    assert!(
        s.contains("line 4, column q3: The value must be between 1 and 9."),
        "{s}"
    );
    assert!(!s.contains("line 2,"), "{s}");
    assert_eq!(counts_of(&db)[0].interviews, 0);
    let one = write(
        &db,
        "spor-ok.csv",
        "external_id;round;person_external_id;interviewed_on;interviewer;municipality;age;contact_years;q1;q2;q3\n\
         s1;Høsten 2025;p1;2025-09-01;Tone Berg;Fjordby;45;12;1,5;Fastlegen;5\n",
    );
    ok(import(&db, "spor", &one, TEAM_1, "lead1", &[]));
    assert_eq!(counts_of(&db)[0].interviews, 1);
    // The same person in the same round again, under a new external id, is refused.
    let again = write(
        &db,
        "spor-again.csv",
        "external_id;round;person_external_id;interviewed_on;interviewer;municipality;age;contact_years\n\
         s9;Høsten 2025;p1;2025-09-03;Tone Berg;Fjordby;45;12\n",
    );
    let out = import(&db, "spor", &again, TEAM_1, "lead1", &["--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("line 2, column round:"));
    assert_eq!(counts_of(&db)[0].interviews, 1);
}

#[test]
fn only_health_personnel_in_the_teams_lead_or_intake_may_import_and_refusals_are_audited() {
    let db = fresh(false);
    set_up(&db);
    let file = write(
        &db,
        "p.csv",
        &format!(
            "{PEOPLE_HEADER}\np1;Anne Hansen;{};;2025-01-10;gp;15.01.2025;1;;\n",
            synthetic(1, 1, 1980, 100)
        ),
    );
    for (user, team, why) in [
        ("worker", TEAM_1, "none:not_permitted"),
        ("nav", TEAM_1, "none:health_content_not_in_scope"),
        ("lead1", TEAM_2, "none:not_permitted"),
    ] {
        let out = import(&db, "people", &file, team, user, &["--lang", "en"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("attempt has been logged"));
        let rt = tokio::runtime::Runtime::new().unwrap();
        let n = rt.block_on(async {
            let a = app(&db.url).await;
            let n = benk_app::testing::db(&a)
                .scalar_i64(
                    "SELECT COUNT(*) FROM audit_events e JOIN staff s ON s.id = e.actor_staff_id \
                     JOIN identities i ON i.staff_id = s.id WHERE i.subject = $1 \
                     AND e.action = 'import.people' AND e.outcome = 'denied' AND e.resources LIKE $2",
                    benk_app::args![user, format!("%{why}%")],
                )
                .await
                .unwrap();
            a.close().await;
            n
        });
        assert_eq!(n, 1, "{user}");
    }
    assert_eq!(counts_of(&db)[0].people, 0);
    // The allowed import is one audit row naming the person, with the importer.
    ok(import(&db, "people", &file, TEAM_1, "lead1", &[]));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (n, resources) = rt.block_on(async {
        let a = app(&db.url).await;
        let rows: Vec<(String,)> = benk_app::testing::db(&a)
            .all(
                "SELECT resources FROM audit_events WHERE action = 'import.people' AND outcome = 'allowed'",
                vec![],
            )
            .await
            .unwrap();
        a.close().await;
        (rows.len(), rows.first().map(|r| r.0.clone()).unwrap_or_default())
    });
    assert_eq!(n, 1);
    assert!(
        resources.contains("imported:1") && resources.contains(";clients:"),
        "{resources}"
    );
}

#[test]
fn synthetic_national_ids_are_refused_without_test_data() {
    let db = fresh(false);
    set_up(&db);
    let file = write(
        &db,
        "p.csv",
        &format!(
            "{PEOPLE_HEADER}\np1;Anne Hansen;{};;2025-01-10;gp;15.01.2025;1;;\n",
            synthetic(1, 1, 1980, 100)
        ),
    );
    let out = benk()
        .args(["--database-url", &db.url, "import", "people"])
        .arg(&file)
        .args(["--team", TEAM_1, "--as", "lead1", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("line 2, column national_id:"), "{s}");
    assert_eq!(counts_of(&db)[0].people, 0);
}

const REGISTRY_HEADER: &str = "external_id;person_external_id;kind;starts_on;ends_on;institution;compulsory;legal_basis;place;police_kind";

fn registry_in_team_1(db: &Db) -> i64 {
    counts_of(db)[0].registry_events
}

/// Registry events: each row checked by the registry API's own check (discharge not before
/// admission, codes, legal basis only under compulsion, columns of another kind), stays of one
/// kind of a person may not overlap in the file nor with what is stored; an inpatient stay may
/// overlap a prison stay.
fn registry_rows_are_checked_like_the_api(pg: bool) {
    let db = fresh(pg);
    set_up(&db);
    let good = synthetic(1, 1, 1980, 100);
    let people = write(
        &db,
        "people.csv",
        &format!("{PEOPLE_HEADER}\np1;Anne Hansen;{good};;2025-01-10;gp;15.01.2025;1;;\n"),
    );
    ok(import(&db, "people", &people, TEAM_1, "lead1", &[]));
    let bad = write(
        &db,
        "registry.csv",
        &format!(
            "{REGISTRY_HEADER}\n\
             r1;p1;inpatient;2024-03-10;2024-03-20;Fjordby DPS;ja;§ 3-3;;\n\
             r2;p1;inpatient;2024-03-15;2024-03-25;Fjordby DPS;nei;;;\n\
             r3;p1;inpatient;2024-04-10;2024-04-01;Fjordby DPS;nei;;;\n\
             r4;p1;emergency;2024-05-01;;;;;mars;\n\
             r5;p1;police;2024-05-02;;;;;;arrest\n\
             r6;p1;prison;2024-03-12;2024-06-01;;;;;\n\
             r7;p1;inpatient;2024-07-01;;Fjordby DPS;nei;tvang;;\n\
             r8;p1;emergency;2024-07-02;2024-07-03;;;;emergency_clinic;\n\
             r9;nobody;police;2024-07-02;;;;;;event\n"
        ),
    );
    let out = import(&db, "registry", &bad, TEAM_1, "lead1", &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "line 3, column starts_on:",
        "line 4, column ends_on:",
        "line 5, column place: Unknown code.",
        "line 8, column legal_basis:",
        "line 9, column ends_on: This column does not belong",
        "line 10, column person_external_id: The team has no person",
        "6 errors in 9 rows",
    ] {
        assert!(s.contains(expected), "{expected}\n{s}");
    }
    // The first stay, the arrest and the prison stay overlapping the inpatient stay are fine.
    for fine in ["line 2,", "line 6,", "line 7,"] {
        assert!(!s.contains(fine), "{fine}\n{s}");
    }
    assert_eq!(registry_in_team_1(&db), 0);
    let nb = String::from_utf8_lossy(
        &import(&db, "registry", &bad, TEAM_1, "lead1", &["--dry-run"]).stdout,
    )
    .into_owned();
    assert!(
        nb.contains(
            "linje 3, kolonne starts_on: Overlapper et annet opphold (10.03.2024–20.03.2024)."
        ),
        "{nb}"
    );
    let fine = write(
        &db,
        "registry-ok.csv",
        &format!(
            "{REGISTRY_HEADER}\n\
             r1;p1;inpatient;10.03.2024;20.03.2024;Fjordby DPS;ja;§ 3-3;;\n\
             r5;p1;police;2024-05-02;;;;;;arrest\n\
             r6;p1;prison;2024-03-12;2024-06-01;;;;;\n\
             r7;p1;emergency;2024-07-02;;;;;emergency_clinic;\n"
        ),
    );
    let out = ok(import(
        &db,
        "registry",
        &fine,
        TEAM_1,
        "lead1",
        &["--lang", "en"],
    ));
    assert!(out.contains("imported: 4 of 4 rows"), "{out}");
    assert_eq!(registry_in_team_1(&db), 4);
    // Again: already imported. A new stay overlapping a stored one is refused.
    let again = write(
        &db,
        "registry-again.csv",
        &format!(
            "{REGISTRY_HEADER}\n\
             r1;p1;inpatient;10.03.2024;20.03.2024;Fjordby DPS;ja;§ 3-3;;\n\
             r10;p1;inpatient;2024-03-19;;Fjordby sykehus;nei;;;\n"
        ),
    );
    let out = import(&db, "registry", &again, TEAM_1, "lead1", &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("line 3, column starts_on:"), "{s}");
    assert!(!s.contains("line 2,"), "{s}");
    assert_eq!(registry_in_team_1(&db), 4);
    // A worker may not import registry events: refused (and audited by `run`).
    let out = import(&db, "registry", &fine, TEAM_1, "worker", &["--lang", "en"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("attempt has been logged"));
    assert_eq!(registry_in_team_1(&db), 4);
}

#[test]
fn registry_rows_are_checked_like_the_api_sqlite() {
    registry_rows_are_checked_like_the_api(false);
}

#[test]
fn registry_rows_are_checked_like_the_api_postgres() {
    registry_rows_are_checked_like_the_api(true);
}
