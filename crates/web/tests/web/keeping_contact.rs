//! Keeping contact (issue 9): days since last met against the team's thresholds per level,
//! missed attempts in a row, the needs-contact list and "my clients", on both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use benk_app::db::writer::WriteOp;
use chrono::{Duration, Utc};
use common::TestApp;
use serde_json::Value;
use uuid::Uuid;

/// Adds a contact `days_ago` days back (met or not) through the writer.
/// Noon in Norway `days_ago` Norwegian days before today: days since a contact are counted
/// in days in Norway, so a time a whole number of 24 hours back would fall on the day before
/// when it crosses a change of summer time late in the evening.
fn noon_in_norway(days_ago: i64) -> chrono::DateTime<Utc> {
    let day = benk_app::time::oslo_today() - Duration::days(days_ago);
    benk_app::time::from_oslo(day.and_hms_opt(12, 0, 0).unwrap()).unwrap()
}

async fn contact(t: &TestApp, client: Uuid, days_ago: i64, met: bool) {
    let staff = t.staff_id("tone").await;
    let (team, org): (Uuid, Uuid) = t
        .db()
        .opt(
            "SELECT c.team_id, s.home_org_id FROM clients c, staff s WHERE c.id = $1 AND s.id = $2",
            benk_app::args![client, staff],
        )
        .await
        .unwrap()
        .unwrap();
    t.writer()
        .write(WriteOp {
            stmts: vec![benk_app::store::keeping::insert_contact_for_test(
                Uuid::now_v7(),
                client,
                team,
                noon_in_norway(days_ago),
                "home_visit",
                met,
                staff,
                org,
            )],
            audit: vec![],
        })
        .await
        .unwrap();
}

/// Parks the demo's year of contacts in `team` on a new person without an episode (who is on
/// no list), so that the test's own contacts decide every number: the people with open
/// episodes start as never met.
async fn without_demo_contacts(t: &TestApp, team: Uuid) {
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(serde_json::json!({"name": "Parkert Kontaktlogg", "birth_year": 1970})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let parked: Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    t.writer()
        .write(WriteOp {
            stmts: vec![benk_app::db::writer::Stmt::new(
                "UPDATE contacts SET client_id = $1 WHERE team_id = $2",
                benk_app::args![parked, team],
            )],
            audit: vec![],
        })
        .await
        .unwrap();
}

async fn needs(t: &TestApp, token: &str, team: Uuid) -> Vec<Value> {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{team}/needs-contact"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json().as_array().unwrap().clone()
}

fn position(list: &[Value], client: Uuid) -> Option<usize> {
    list.iter()
        .position(|r| r["client_id"] == client.to_string().as_str())
}

/// People of the team with an open episode at `level` (from the list before any contact:
/// never met, counted from inclusion).
fn at_level(list: &[Value], level: i64) -> Vec<Uuid> {
    list.iter()
        .filter(|r| r["level"] == level && r["never_met"] == true)
        .map(|r| r["client_id"].as_str().unwrap().parse().unwrap())
        .collect()
}

async fn thresholds_per_level_and_ordering(t: &TestApp) {
    let tone = t.token("tone").await; // team lead: sees the team's open episodes
    let team = t.team_id(benk_app::demo::DEMO_TEAM).await;
    without_demo_contacts(t, team).await;
    let before = needs(t, &tone, team).await;
    let l1 = at_level(&before, 1);
    let l2 = at_level(&before, 2);
    assert!(l1.len() >= 5 && !l2.is_empty(), "{before:?}");
    let (a, b, c, d, e) = (l1[0], l1[1], l1[2], l1[3], l1[4]);
    contact(t, a, 20, true).await; // 13 days beyond level 1's 7
    contact(t, b, 10, true).await; // 3 beyond
    contact(t, c, 10, true).await; // 3 beyond, and two attempts since
    contact(t, c, 5, false).await;
    contact(t, c, 2, false).await;
    contact(t, d, 1, true).await; // met yesterday: not listed
    contact(t, e, 3, true).await; // within, but two missed attempts in a row: listed
    contact(t, e, 2, false).await;
    contact(t, e, 1, false).await;
    contact(t, l2[0], 10, true).await; // level 2 (14 days): 10 days is within
    let list = needs(t, &tone, team).await;
    let (pa, pb, pc, pe) = (
        position(&list, a).expect("a listed"),
        position(&list, b).expect("b listed"),
        position(&list, c).expect("c listed"),
        position(&list, e).expect("e listed"),
    );
    assert!(pa < pc && pc < pb && pb < pe, "{pa} {pc} {pb} {pe}");
    assert_eq!(position(&list, d), None);
    assert_eq!(position(&list, l2[0]), None, "level 2 has 14 days");
    let row = &list[pc];
    assert_eq!(row["days_since_met"], 10);
    assert_eq!(row["missed_in_row"], 2);
    assert_eq!(row["threshold_days"], 7);
    assert_eq!(row["days_over"], 3);
    assert_eq!(row["over_threshold"], true);
    assert_eq!(list[pe]["over_threshold"], false);
    assert_eq!(list[pe]["missed_in_row"], 2);
    // Longest beyond first, throughout.
    let over: Vec<i64> = list
        .iter()
        .map(|r| r["days_over"].as_i64().unwrap())
        .collect();
    assert!(over.windows(2).all(|w| w[0] >= w[1]), "{over:?}");
}

async fn the_list_writes_one_audit_row_naming_all(t: &TestApp) {
    let tone = t.token("tone").await;
    let team = t.team_id(benk_app::demo::DEMO_TEAM).await;
    let count = "SELECT COUNT(*) FROM audit_events WHERE action = 'keeping.needs_contact'";
    let before = t.count(count).await;
    let list = needs(t, &tone, team).await;
    assert!(list.len() > 1);
    assert_eq!(t.count(count).await, before + 1);
    let (client, resources): (Option<Uuid>, String) = t
        .db()
        .opt(
            "SELECT client_id, resources FROM audit_events WHERE action = 'keeping.needs_contact' ORDER BY seq DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap()
        .unwrap();
    assert!(client.is_none());
    let named = benk_app::audit::list_resources(&resources).expect("a list row");
    assert_eq!(named.len(), list.len(), "{resources}");
    for r in &list {
        let id = Uuid::parse_str(r["client_id"].as_str().unwrap()).unwrap();
        assert!(
            named.iter().any(|(n, basis)| *n == id && !basis.is_empty()),
            "{resources}"
        );
    }
    // The page writes one row as well.
    let b = t.login("tone", benk_app::demo::DEMO_PASSWORD).await;
    let p = t.page(&b, "/needs-contact").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains("Trenger kontakt"));
    assert_eq!(t.count(count).await, before + 2);
}

async fn another_team_is_refused_and_audited(t: &TestApp) {
    let anne = t.token("anne").await; // Nordvik
    let team = t.team_id(benk_app::demo::DEMO_TEAM).await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{team}/needs-contact"),
            &anne,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'keeping.needs_contact' AND outcome = 'denied'")
            .await,
        1
    );
}

async fn my_clients_show_level_days_since_met_and_next_appointment(t: &TestApp) {
    let sara = t.token("sara").await;
    without_demo_contacts(t, t.team_id(benk_app::demo::DEMO_TEAM).await).await;
    let r = t
        .api(Method::GET, "/api/v1/clients?list=mine", &sara, None)
        .await
        .json();
    let mine = r.as_array().unwrap();
    assert!(mine.len() >= 2);
    let open: Vec<&Value> = mine
        .iter()
        .filter(|c| !c["keeping"]["level"].is_null())
        .collect();
    assert!(!open.is_empty(), "{r}");
    let client: Uuid = open[0]["id"].as_str().unwrap().parse().unwrap();
    contact(t, client, 40, true).await;
    contact(t, client, 3, false).await;
    // The demo's own appointments for the person are cancelled, so ours is the next one.
    t.writer()
        .write(WriteOp {
            stmts: vec![benk_app::db::writer::Stmt::new(
                "UPDATE appointments SET cancelled_at = $2 WHERE client_id = $1",
                benk_app::args![client, Utc::now()],
            )],
            audit: vec![],
        })
        .await
        .unwrap();
    let start = Utc::now() + Duration::days(2);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/appointments"),
            &sara,
            Some(serde_json::json!({"starts_at": start.to_rfc3339(), "ends_at": (start + Duration::hours(1)).to_rfc3339(), "kind": "outreach"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let count = "SELECT COUNT(*) FROM audit_events WHERE action = 'client.list_mine'";
    let before = t.count(count).await;
    let r = t
        .api(Method::GET, "/api/v1/clients?list=mine", &sara, None)
        .await
        .json();
    assert_eq!(t.count(count).await, before + 1, "one row for the list");
    let c = r
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == client.to_string().as_str())
        .unwrap();
    assert_eq!(c["keeping"]["days_since_met"], 40);
    assert_eq!(c["keeping"]["missed_in_row"], 1);
    assert_eq!(c["keeping"]["over_threshold"], true);
    assert_eq!(c["next_appointment_kind"], "outreach");
    // The page shows it.
    let b = t.login("sara", benk_app::demo::DEMO_PASSWORD).await;
    let p = t.page(&b, "/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains("Dager siden truffet: 40"), "{}", p.text);
    assert!(p.text.contains("badge urgent"));
    assert!(p.text.contains("Neste avtale"));
    assert!(p.text.contains("oppsøkende / ute"));
    // The person's page shows the same in its summary: over the threshold, and the next
    // appointment's time in Norwegian time.
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let summary = &page.text[page.text.find("id=\"summary-h\"").unwrap()..];
    let summary = &summary[..summary.find("</aside>").unwrap()];
    assert!(summary.contains("class=\"stale\">40<"), "{summary}");
    let at = benk_app::time::oslo(start)
        .format("%-d.%-m.%Y kl. %H:%M")
        .to_string();
    assert!(summary.contains(&at), "{at} in {summary}");
    assert!(summary.contains("oppsøkende / ute"), "{summary}");
}

on_both_backends!(
    thresholds_per_level_and_ordering,
    the_list_writes_one_audit_row_naming_all,
    another_team_is_refused_and_audited,
    my_clients_show_level_days_since_met_and_next_appointment,
);
