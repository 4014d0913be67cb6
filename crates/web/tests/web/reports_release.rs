//! Small-number suppression across the tables of a report and across periods (issue 11):
//! the attacks and that they no longer work. Fixtures in 2001 (before the demo's data), hand-
//! computed; the team's threshold is the default 5. Both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use common::reports::{audits, table};
use common::{new_client, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    a_figure_hidden_in_one_table_is_not_given_away_by_another,
    a_release_for_a_nested_period_withholds_a_small_difference,
    simultaneous_releases_are_compared_with_each_other,
);

async fn contacts(t: &TestApp, token: &str, c: Uuid, day: &str, n: usize, met: bool) {
    for i in 0..n {
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/clients/{c}/contacts"),
                token,
                Some(json!({
                    "occurred_at": format!("{day}T{:02}:00:00Z", 8 + i),
                    "duration_min": 30, "kind": "office", "met": met
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
}

async fn aggregate(t: &TestApp, token: &str, from: &str, to: &str) -> Value {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/activity?from={from}&to={to}"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

const W: &str = "withheld";
const S: &str = "suppressed";

fn kind(v: &Value) -> &str {
    v["kind"].as_str().unwrap()
}

/// The office row of the contacts by kind (office is the kinds' first row).
fn office(rep: &Value) -> &Vec<Value> {
    let kinds = table(rep, "activity.contacts_by_kind");
    let row = kinds
        .iter()
        .find(|r| r[0]["text"]["en"] == "Office")
        .unwrap_or_else(|| panic!("no office row in {kinds:?}"));
    row.as_array().unwrap()
}

async fn a_figure_hidden_in_one_table_is_not_given_away_by_another(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Tabell En").await;
    // Twenty office contacts in January 2001 with one person without a level of effort:
    // 18 met, 2 not met.
    contacts(t, &tone, c, "2001-01-10", 10, true).await;
    contacts(t, &tone, c, "2001-01-11", 8, true).await;
    contacts(t, &tone, c, "2001-01-12", 2, false).await;
    let rep = aggregate(t, &tone, "2001-01-01", "2001-12-31").await;
    // Contacts by kind: "not met" 2 is small; met 18 goes with it (20 − 18 = 2), in the office
    // row and in the total row, and so do the shares that print 18.
    let row = office(&rep);
    assert_eq!(row[1]["n"], 20);
    assert_eq!(
        [kind(&row[2]), kind(&row[3]), kind(&row[4])],
        [W, S, W],
        "{row:?}"
    );
    let total = table(&rep, "activity.contacts_by_kind").last().unwrap();
    assert_eq!([kind(&total[2]), kind(&total[3])], [W, S]);
    // Contacts by level of effort: "no level" shows 20 contacts and, per table, would show
    // 18 met (nothing small in its row but the one person): 20 − 18 gives the hidden 2 away.
    // The met column's sum is the kinds' hidden total of met, so 18 goes here too, with the
    // share that prints it.
    let levels = table(&rep, "activity.contacts_by_level");
    let none = levels.last().unwrap();
    assert_eq!(none[0]["text"]["en"], "No level");
    assert_eq!(kind(&none[1]), S, "one person");
    assert_eq!(none[2]["n"], 20);
    assert_eq!([kind(&none[3]), kind(&none[4])], [W, W], "{none:?}");
    // January in the months: 20, met withheld, not met hidden.
    let jan = &table(&rep, "activity.contacts_by_month")[0];
    assert_eq!(jan[1]["n"], 20);
    assert_eq!([kind(&jan[2]), kind(&jan[3])], [W, S]);
    // Nowhere in the report is 18 or 2 shown as a number of people.
    let shown: Vec<i64> = rep["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tables"].as_array().unwrap())
        .flat_map(|t| t["rows"].as_array().unwrap())
        .flat_map(|r| r.as_array().unwrap())
        .filter(|c| c["kind"] == "count" && c["people"] == true)
        .map(|c| c["n"].as_i64().unwrap())
        .collect();
    assert!(!shown.contains(&18) && !shown.contains(&2), "{shown:?}");
    // The team's own page shows every number.
    let b = t.login("tone", "benk-demo").await;
    let page = t
        .page(&b, "/reports/activity?from=2001-01-01&to=2001-12-31")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<th scope=\"row\">2001-01</th><td class=\"num\">20</td><td class=\"num\">18</td><td class=\"num\">2</td>"), "{}", page.text);
}

async fn a_release_for_a_nested_period_withholds_a_small_difference(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Periode En").await;
    // Ten office contacts in March 2001, two in June, five in July; all met.
    contacts(t, &tone, c, "2001-03-05", 10, true).await;
    contacts(t, &tone, c, "2001-06-05", 2, true).await;
    contacts(t, &tone, c, "2001-07-05", 5, true).await;
    let audited = |resources: &'static str| audits(t, "report.activity", "allowed", resources);
    // 1. January–June: the first release, nothing to compare with: 12 office contacts shown.
    let jan_jun = aggregate(t, &tone, "2001-01-01", "2001-06-30").await;
    assert_eq!(office(&jan_jun)[1]["n"], 12);
    assert_eq!(
        audited("%period:2001-01-01..2001-06-30%release,compared:0,withheld:0%").await,
        1
    );
    // 2. January–May: 10, but 12 − 10 gives June's 2. Withheld (":"), and with it every
    // figure that is 10 against 12 (the total, the shares, all contacts, the level's
    // contacts) and March's 10 in the months (same in both periods, but their sum is the
    // withheld total: the line across tables).
    let jan_may = aggregate(t, &tone, "2001-01-01", "2001-05-31").await;
    let row = office(&jan_may);
    assert_eq!(kind(&row[1]), W, "{row:?}");
    assert_eq!(kind(&row[2]), W, "met: 10 against 12");
    let mar = &table(&jan_may, "activity.contacts_by_month")[2];
    assert_eq!([kind(&mar[1]), kind(&mar[2])], [W, W], "{mar:?}");
    let all = &table(&jan_may, "activity.out_of_office")[0];
    assert_eq!(kind(&all[1]), W);
    assert_eq!(
        audited("%period:2001-01-01..2001-05-31%release,compared:1,withheld:%").await,
        1
    );
    assert_eq!(
        audited("%period:2001-01-01..2001-05-31%withheld:0%").await,
        0
    );
    // The note of a file counts the numbers withheld for this reason.
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/activity?from=2001-01-01&to=2001-05-31&format=html",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text
            .contains("fordi forskjellen fra en tidligere utlevert rapport")
            || r.text
                .contains("because their difference from a report released earlier"),
        "{}",
        r.text
    );
    // The team's own screen is unaffected: March's 10 on the page.
    let b = t.login("tone", "benk-demo").await;
    let page = t
        .page(&b, "/reports/activity?from=2001-01-01&to=2001-05-31")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<th scope=\"row\">2001-03</th><td class=\"num\">10</td><td class=\"num\">10</td><td class=\"num\">0</td>"), "{}", page.text);
    // 3. February–June against January–June: a difference of 0 (January), shown.
    let feb_jun = aggregate(t, &tone, "2001-02-01", "2001-06-30").await;
    assert_eq!(office(&feb_jun)[1]["n"], 12);
    // 4. January–July against January–June: a difference of 5 (the threshold), shown. (Against
    // January–May the office count was withheld, so not remembered.) Compared with three:
    // January–June, and January–May twice (the JSON and the HTML file).
    let jan_jul = aggregate(t, &tone, "2001-01-01", "2001-07-31").await;
    assert_eq!(office(&jan_jul)[1]["n"], 17);
    assert_eq!(
        audited("%period:2001-01-01..2001-07-31%release,compared:3,withheld:0%").await,
        1
    );
    // The page is not a release: nothing compared, nothing recorded.
    let n = benk_app::store::reports::release_count(
        t.db(),
        t.team_id("Samhandlingsteamet Fjordby").await,
        "activity",
    )
    .await
    .unwrap();
    // Five releases: four JSON copies and the HTML file.
    assert_eq!(n, 5);
}

/// The releases of one round of [`simultaneous_releases_are_compared_with_each_other`]: the
/// activity report's JSON for `year`-01-01 to the end of each of its twelve months, all at
/// once. With `hold`, the writer is held by a command of the test until all twelve requests
/// have compared on the read pool and are waiting for the writer, so none of them saw another
/// there. Returns the twelve reports.
async fn twelve_at_once(t: &TestApp, token: &str, year: i32, hold: bool) -> Vec<Value> {
    use benk_app::db::writer::Decision;
    use tower::ServiceExt;
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let held = async {
        if !hold {
            return;
        }
        t.writer()
            .command(move |_tx| {
                Box::pin(async move {
                    let _ = started_tx.send(());
                    let _ = go_rx.await;
                    Ok(Decision::<(), std::convert::Infallible>::Commit {
                        audit: vec![],
                        value: (),
                    })
                })
            })
            .await
            .unwrap()
            .unwrap();
    };
    let releases = async {
        if hold {
            started_rx.await.unwrap();
        }
        let tasks: Vec<_> = (1..=12u32)
            .map(|m| {
                let first = chrono::NaiveDate::from_ymd_opt(year, m, 1).unwrap();
                let last = first + chrono::Months::new(1) - chrono::Days::new(1);
                let req = axum::http::Request::get(format!(
                    "/api/v1/reports/activity?from={year}-01-01&to={last}"
                ))
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
                let router = t.router.clone();
                tokio::spawn(async move {
                    let resp = router.oneshot(req).await.unwrap();
                    assert_eq!(resp.status(), StatusCode::OK);
                    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
                        .await
                        .unwrap();
                    serde_json::from_slice::<Value>(&body).unwrap()
                })
            })
            .collect();
        if hold {
            // Each request's one write is its release: twelve waiting means all twelve have
            // read and compared the memory as it was before any of them.
            tokio::time::timeout(std::time::Duration::from_secs(120), async {
                while t.writer().queued() < 12 {
                    tokio::task::yield_now().await;
                }
            })
            .await
            .expect("the twelve releases reach the writer");
            go_tx.send(()).unwrap();
        }
        let mut reps = Vec::new();
        for task in tasks {
            reps.push(task.await.unwrap());
        }
        reps
    };
    tokio::join!(held, releases).1
}

/// Twelve releases at once of nested periods (from 1 January to the end of each month), so
/// that every two of them differ by one period and must be compared; a round with the writer
/// held until all twelve have compared outside it (each then finds the others only inside its
/// writer command), and a round left to run as it comes. In each round, in the order the
/// writer recorded them, the k-th release was compared with the k − 1 before it (the audit
/// rows' counts are 0 to 11: every pair was compared), and of the office counts that were
/// shown, no two differ by a small number.
async fn simultaneous_releases_are_compared_with_each_other(t: &TestApp) {
    let tone = t.token("tone").await;
    let c = new_client(t, &tone, "Samtidig En").await;
    for (year, hold) in [(2001, true), (2003, false)] {
        // Ten office contacts in January and one in each later month: January to month k
        // shows 9 + k office contacts, and two of the periods differ by 1 to 11.
        contacts(t, &tone, c, &format!("{year}-01-10"), 10, true).await;
        for m in 2..=12 {
            contacts(t, &tone, c, &format!("{year}-{m:02}-05"), 1, true).await;
        }
        let reps = twelve_at_once(t, &tone, year, hold).await;
        let rows: Vec<(String,)> = t
            .db()
            .all(
                "SELECT resources FROM audit_events WHERE action = 'report.activity' \
                 AND outcome = 'allowed' AND resources LIKE $1",
                benk_app::args![format!("%period:{year}-01-01..{year}-%")],
            )
            .await
            .unwrap();
        let mut compared: Vec<usize> = rows
            .iter()
            .map(|(r,)| {
                let n = r.split("release,compared:").nth(1).expect(r);
                n.split(',').next().unwrap().parse().unwrap()
            })
            .collect();
        compared.sort();
        assert_eq!(compared, (0..12).collect::<Vec<_>>(), "{year}: {rows:?}");
        let shown: Vec<i64> = reps
            .iter()
            .map(|rep| &office(rep)[1])
            .filter(|cell| kind(cell) == "count")
            .map(|cell| cell["n"].as_i64().unwrap())
            .collect();
        assert!(
            !shown.is_empty(),
            "{year}: the first recorded shows its count"
        );
        for a in &shown {
            for b in &shown {
                assert!(!(1..5).contains(&(a - b).abs()), "{year}: {shown:?}");
            }
        }
        // Every office count was either shown or withheld, none suppressed for itself.
        for rep in &reps {
            let cell = &office(rep)[1];
            assert!(["count", W].contains(&kind(cell)), "{cell:?}");
        }
    }
}

/// The cost of the release memory (run by hand: `cargo test -p benk-web --test web reports_release
/// -- --ignored --nocapture`): the activity report's JSON for 2001-01-01 to 2001-12-31 before
/// any release and after 200 releases of periods ending on the same day (every one compared),
/// run as the API runs it ([`benk_app::reports::run_timed`]). Prints the median of 10 of the
/// whole run, of the release memory's read and comparison on the read pool, of the writer
/// call (wait, command and commit) and of the time inside the writer's command, which every
/// other write waits behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check"]
async fn release_memory_cost() {
    use benk_app::reports::{run_timed, Options, ReportName};
    for backend in [common::Backend::Sqlite, common::Backend::Postgres] {
        let t = TestApp::new(backend).await;
        let tone = t.token("tone").await;
        let c = new_client(&t, &tone, "Kost En").await;
        contacts(&t, &tone, c, "2001-03-05", 10, true).await;
        let meta = benk_app::actor::RequestMeta {
            ip: None,
            user_agent: Some("bench".into()),
        };
        let actor = benk_app::staff::load_actor(&t.app, t.staff_id("tone").await, meta)
            .await
            .unwrap()
            .unwrap();
        let team = t.team_id("Samhandlingsteamet Fjordby").await;
        let end: chrono::NaiveDate = "2001-12-31".parse().unwrap();
        let time = |from: chrono::NaiveDate| {
            let (t, actor) = (&t, &actor);
            async move {
                let t0 = std::time::Instant::now();
                let (_, p) = run_timed(
                    &t.app,
                    actor,
                    (ReportName::Activity, team),
                    (from, end),
                    "json",
                    Options::default(),
                )
                .await
                .unwrap();
                let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
                [
                    ms(t0.elapsed()),
                    ms(p.memory),
                    ms(p.audit - p.memory),
                    ms(p.in_writer),
                ]
            }
        };
        let day = |s: &str, i: u64| s.parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(i);
        let mut first = Vec::new();
        for i in 0..10 {
            first.push(time(day("2000-01-01", i)).await);
        }
        // 200 releases in all, each for a period ending 2001-12-31.
        for i in 0..190 {
            time(day("2000-02-01", i)).await;
        }
        let mut after = Vec::new();
        for i in 0..10 {
            after.push(time(day("2001-01-01", i)).await);
        }
        let med = |v: &[[f64; 4]], k: usize| {
            let mut v: Vec<f64> = v.iter().map(|x| x[k]).collect();
            v.sort_by(f64::total_cmp);
            (v[4] + v[5]) / 2.0
        };
        for (label, v) in [
            ("compared with 0..9", &first),
            ("compared with 200", &after),
        ] {
            eprintln!(
                "{backend:?}: activity JSON, median of 10, {label}: run {:.1} ms, memory on the read pool {:.1} ms, writer call {:.1} ms, inside the writer command {:.2} ms",
                med(v, 0),
                med(v, 1),
                med(v, 2),
                med(v, 3)
            );
        }
        t.cleanup().await;
    }
}
