//! The writer's command seam: a check and the write it guards run in one
//! transaction, on both backends, under many parallel submissions.

use crate::common;

use benk_app::audit::{self, AuditDraft, Outcome};
use benk_app::db::writer::{Decision, Stmt, WriteError, WriteOp};
use benk_app::db::Val;
use benk_app::{testing, App};
use chrono::Utc;
use uuid::Uuid;

/// A distinct, well-formed-looking organisation number for the fixtures.
fn org_number(i: usize) -> String {
    format!("9{:08}", 10_000 + i)
}

const INSERT_ORG: &str = "INSERT INTO organisations (id, name, kind, org_number, created_at) VALUES ($1, $2, 'other', $3, $4)";
const COUNT_LIMITED: &str = "SELECT COUNT(*) FROM organisations WHERE name LIKE 'limited %'";

/// Submits one "create if fewer than `limit`" command.
async fn create_limited(
    app: &App,
    i: usize,
    limit: i64,
) -> Result<Result<Uuid, String>, WriteError> {
    testing::writer(app)
        .command(move |tx| {
            Box::pin(async move {
                let n = tx.scalar_i64(COUNT_LIMITED, vec![]).await?;
                if n >= limit {
                    let mut d = AuditDraft::new("org.create", Outcome::Denied);
                    d.resources = format!("none:limit_reached:{n}");
                    return Ok(Decision::Refuse {
                        audit: vec![d],
                        error: format!("limit of {limit} reached"),
                    });
                }
                let id = Uuid::now_v7();
                tx.execute(
                    INSERT_ORG,
                    vec![
                        Val::from(id),
                        Val::from(format!("limited {i}")),
                        Val::from(org_number(i)),
                        Val::from(Utc::now()),
                    ],
                )
                .await?;
                let mut d = AuditDraft::new("org.create", Outcome::Allowed);
                d.resources = format!("organisation:{id}");
                Ok(Decision::Commit {
                    audit: vec![d],
                    value: id,
                })
            })
        })
        .await
}

async fn count(app: &App, sql: &str) -> i64 {
    testing::db(app).scalar_i64(sql, vec![]).await.unwrap()
}

async fn limit_holds_for_forty_parallel_requests(backend: &str) {
    let (app, place) = common::open(backend).await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move { create_limited(&app, i, 5).await })
        })
        .collect();
    let mut created = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap().expect("writer answered") {
            Ok(_) => created += 1,
            Err(msg) => {
                assert_eq!(msg, "limit of 5 reached");
                refused += 1;
            }
        }
    }
    assert_eq!((created, refused), (5, 35));
    assert_eq!(count(&app, COUNT_LIMITED).await, 5);
    // Every refusal is audited, every creation too, in one intact chain.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'org.create' AND outcome = 'denied'"
        )
        .await,
        35
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'org.create' AND outcome = 'allowed'"
        )
        .await,
        5
    );
    let report = audit::verify(&app, |_, _| {}).await.unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.rows, 40);
    common::close(app, place).await;
}

async fn refused_command_keeps_its_audit_but_not_its_writes(backend: &str) {
    let (app, place) = common::open(backend).await;
    let answer: Result<(), &'static str> = testing::writer(&app)
        .command(|tx| {
            Box::pin(async move {
                tx.execute(
                    INSERT_ORG,
                    vec![
                        Val::from(Uuid::now_v7()),
                        Val::from("written then refused"),
                        Val::from(org_number(1)),
                        Val::from(Utc::now()),
                    ],
                )
                .await?;
                let mut d = AuditDraft::new("org.create", Outcome::Denied);
                d.resources = "none:refused_after_write".into();
                Ok(Decision::Refuse {
                    audit: vec![d],
                    error: "refused",
                })
            })
        })
        .await
        .unwrap();
    assert_eq!(answer, Err("refused"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM organisations").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE resources = 'none:refused_after_write'"
        )
        .await,
        1
    );
    assert_eq!(
        audit::verify(&app, |_, _| {}).await.unwrap().first_break,
        None
    );
    common::close(app, place).await;
}

async fn failing_command_loses_only_itself(backend: &str) {
    let (app, place) = common::open(backend).await;
    // One organisation exists; a burst of commands and plain ops follows, one
    // of which collides with it.
    create_limited(&app, 0, 100).await.unwrap().unwrap();
    let dup = {
        let app = app.clone();
        tokio::spawn(async move {
            testing::writer(&app)
                .command(|tx| {
                    Box::pin(async move {
                        tx.execute(
                            INSERT_ORG,
                            vec![
                                Val::from(Uuid::now_v7()),
                                Val::from("duplicate number"),
                                Val::from(org_number(0)),
                                Val::from(Utc::now()),
                            ],
                        )
                        .await?;
                        Ok(Decision::<(), ()>::Commit {
                            audit: vec![AuditDraft::new("org.create", Outcome::Allowed)],
                            value: (),
                        })
                    })
                })
                .await
        })
    };
    let mut others = Vec::new();
    for i in 1..=20 {
        let app = app.clone();
        others.push(tokio::spawn(async move {
            if i % 2 == 0 {
                create_limited(&app, i, 100)
                    .await
                    .map(|r| r.map(|_| ()).unwrap())
            } else {
                testing::writer(&app)
                    .write(WriteOp {
                        stmts: vec![Stmt::new(
                            INSERT_ORG,
                            vec![
                                Val::from(Uuid::now_v7()),
                                Val::from(format!("plain {i}")),
                                Val::from(org_number(i)),
                                Val::from(Utc::now()),
                            ],
                        )],
                        audit: vec![AuditDraft::new("org.create", Outcome::Allowed)],
                    })
                    .await
            }
        }));
    }
    assert!(matches!(dup.await.unwrap(), Err(WriteError::Conflict(_))));
    for o in others {
        o.await.unwrap().expect("the other writes are not affected");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM organisations").await, 21);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events").await, 21);
    assert_eq!(
        audit::verify(&app, |_, _| {}).await.unwrap().first_break,
        None
    );
    common::close(app, place).await;
}

/// A plain op inserting organisation `i` (`number`: its organisation number).
fn plain_org(i: usize, number: String) -> WriteOp {
    WriteOp {
        stmts: vec![Stmt::new(
            INSERT_ORG,
            vec![
                Val::from(Uuid::now_v7()),
                Val::from(format!("plain {i}")),
                Val::from(number),
                Val::from(Utc::now()),
            ],
        )],
        audit: vec![AuditDraft::new("org.create", Outcome::Allowed)],
    }
}

/// Batches of plain ops only (on SQLite the writer's rusqlite fast path): a bad op among
/// them — a duplicate, a guarded update of a missing row — loses only itself, the commands
/// after them see every committed row, and the chain holds.
async fn plain_ops_lose_only_the_bad_one(backend: &str) {
    let (app, place) = common::open(backend).await;
    testing::writer(&app)
        .write(plain_org(0, org_number(0)))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 1..=40 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let op = match i {
                // The same number as organisation 0: a unique violation.
                13 => plain_org(i, org_number(0)),
                // An update that must touch one row, of a row that does not exist.
                29 => WriteOp {
                    stmts: vec![Stmt::one(
                        "UPDATE organisations SET name = $1 WHERE id = $2",
                        vec![Val::from("renamed"), Val::from(Uuid::now_v7())],
                    )],
                    audit: vec![AuditDraft::new("org.update", Outcome::Allowed)],
                },
                _ => plain_org(i, org_number(i)),
            };
            (i, testing::writer(&app).write(op).await)
        }));
    }
    for t in tasks {
        let (i, r) = t.await.unwrap();
        match i {
            13 => assert!(matches!(r, Err(WriteError::Conflict(_))), "{r:?}"),
            29 => assert!(matches!(r, Err(WriteError::NotFound)), "{r:?}"),
            _ => r.expect("a good op commits"),
        }
    }
    // 1 + 38 plain organisations; a command right after counts them all.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM organisations").await, 39);
    create_limited(&app, 100, 1000).await.unwrap().unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM organisations").await, 40);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events").await, 40);
    assert_eq!(
        count(&app, "SELECT seq FROM audit_head WHERE id = 1").await,
        40
    );
    assert_eq!(
        audit::verify(&app, |_, _| {}).await.unwrap().first_break,
        None
    );
    common::close(app, place).await;
}

const MERGE_PARENT: &str = "INSERT INTO merge_probe (id, name, n, flag, at, day, kind) \
    VALUES ($1, $2, $3, $4, $5, $6, 'probe') ON CONFLICT DO NOTHING";
const MERGE_CHILD: &str = "INSERT INTO merge_probe_child (parent_id, tag) VALUES ($1, $2)";

/// What probe `i` stores: every column type the writer binds, with NULLs in some rows.
fn probe_values(i: i64) -> Vec<Val> {
    let at = chrono::DateTime::from_timestamp(1_700_000_000 + i * 3_600, 0).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(i as u64);
    vec![
        Val::from(Uuid::from_u128(i as u128 + 1)),
        if i % 3 == 0 {
            Val::Text(None)
        } else {
            Val::from(format!("probe {i}"))
        },
        if i % 4 == 0 {
            Val::Int(None)
        } else {
            Val::from(i * 7)
        },
        if i % 5 == 0 {
            Val::Bool(None)
        } else {
            Val::from(i % 2 == 0)
        },
        if i % 6 == 0 {
            Val::Ts(None)
        } else {
            Val::from(at)
        },
        if i % 7 == 0 {
            Val::Date(None)
        } else {
            Val::from(day)
        },
    ]
}

/// Batches of plain inserts are merged (on PostgreSQL into one `INSERT … SELECT … FROM
/// UNNEST(…)` per table): every row is stored exactly as a single-row statement stores it —
/// NULLs, each type, the tuple's literal, a child row that needs its parent from the same
/// batch, `ON CONFLICT DO NOTHING` for a repeated row — and on PostgreSQL the rows really
/// were committed several to a transaction.
async fn merged_batches_store_every_value(backend: &str) {
    let (app, place) = common::open(backend).await;
    let (uuid, ts) = if backend == "postgres" {
        ("UUID", "TIMESTAMPTZ")
    } else {
        ("BLOB", "TEXT")
    };
    testing::writer(&app)
        .write(WriteOp {
            stmts: vec![
                Stmt::new(
                    Box::leak(
                        format!(
                            "CREATE TABLE merge_probe (id {uuid} PRIMARY KEY, name TEXT, n INTEGER, \
                             flag BOOLEAN, at {ts}, day DATE, kind TEXT NOT NULL)"
                        )
                        .into_boxed_str(),
                    ),
                    vec![],
                ),
                Stmt::new(
                    Box::leak(
                        format!(
                            "CREATE TABLE merge_probe_child (parent_id {uuid} NOT NULL \
                             REFERENCES merge_probe(id), tag TEXT NOT NULL)"
                        )
                        .into_boxed_str(),
                    ),
                    vec![],
                ),
            ],
            audit: vec![],
        })
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..66i64 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let stmts = if i < 60 {
                let v = probe_values(i);
                vec![
                    Stmt::new(MERGE_PARENT, v.clone()),
                    Stmt::new(
                        MERGE_CHILD,
                        vec![v[0].clone(), Val::from(format!("tag {i}"))],
                    ),
                ]
            } else {
                // A row again (0, 10, …, 50): ON CONFLICT DO NOTHING keeps one.
                vec![Stmt::new(MERGE_PARENT, probe_values((i - 60) * 10))]
            };
            testing::writer(&app)
                .write(WriteOp {
                    stmts,
                    audit: vec![AuditDraft::new("probe.create", Outcome::Allowed)],
                })
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("a good op commits");
    }
    type Probe = (
        Uuid,
        Option<String>,
        Option<i64>,
        Option<bool>,
        Option<chrono::DateTime<Utc>>,
        Option<chrono::NaiveDate>,
        String,
    );
    let rows: Vec<Probe> = testing::db(&app)
        .all(
            "SELECT id, name, CAST(n AS BIGINT), flag, at, day, kind FROM merge_probe ORDER BY n, id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 60);
    for i in 0..60i64 {
        let v = probe_values(i);
        let Val::Uuid(Some(id)) = v[0] else { panic!() };
        let row = rows.iter().find(|r| r.0 == id).expect("probe stored");
        let Val::Text(name) = &v[1] else { panic!() };
        let Val::Int(n) = v[2] else { panic!() };
        let Val::Bool(flag) = v[3] else { panic!() };
        let Val::Ts(at) = v[4] else { panic!() };
        let Val::Date(day) = v[5] else { panic!() };
        assert_eq!(
            (&row.1, row.2, row.3, row.4, row.5, row.6.as_str()),
            (name, n, flag, at, day, "probe"),
            "probe {i}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM merge_probe_child").await,
        60
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events").await, 66);
    assert_eq!(
        audit::verify(&app, |_, _| {}).await.unwrap().first_break,
        None
    );
    if backend == "postgres" {
        // Rows committed together share their inserting transaction (xmin).
        let most = count(
            &app,
            "SELECT MAX(k) FROM (SELECT COUNT(*) AS k FROM merge_probe GROUP BY xmin::text) t",
        )
        .await;
        assert!(most > 1, "no batch held more than one op ({most})");
    }
    common::close(app, place).await;
}

/// Two servers on one PostgreSQL database (a second server, or `benk` on the host), each with
/// its own writer and its own batches: each batch takes the chain head's lock before it appends,
/// so the two writers take turns; every write is kept exactly once, and the one chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_on_one_postgres_database_keep_one_chain() {
    let (a, place) = common::open("postgres").await;
    let b = common::open_again(&place).await;
    let mut tasks = Vec::new();
    for i in 0..120 {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            testing::writer(&app)
                .write(plain_org(i, org_number(i)))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every write commits");
    }
    assert_eq!(count(&a, "SELECT COUNT(*) FROM organisations").await, 120);
    assert_eq!(count(&a, "SELECT COUNT(*) FROM audit_events").await, 120);
    assert_eq!(
        count(&a, "SELECT seq FROM audit_head WHERE id = 1").await,
        120
    );
    assert_eq!(
        audit::verify(&a, |_, _| {}).await.unwrap().first_break,
        None
    );
    b.close().await;
    common::close(a, place).await;
}

macro_rules! both {
    ($($f:ident),*) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $f() { super::$f("sqlite").await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $f() { super::$f("postgres").await } )* }
    };
}

both!(
    limit_holds_for_forty_parallel_requests,
    refused_command_keeps_its_audit_but_not_its_writes,
    failing_command_loses_only_itself,
    plain_ops_lose_only_the_bad_one,
    merged_batches_store_every_value
);
