//! The team board ("tavla", issue 9): put up with a reason, reviewed, taken off with a coded
//! outcome, history kept; the large-screen view shows initials unless the reader may see every
//! listed person and asks for names; a colleague without access to the person cannot put them
//! up, and someone outside the team cannot read the board (both refused and audited).

use crate::common;

use axum::http::{Method, StatusCode};
use common::{decide, register, tandem_team, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

/// A Tandem-like team; tandem0 accepts `n` people (and so may open their records).
async fn setup(t: &TestApp, n: usize) -> (String, String, Vec<String>) {
    let (tok, ids, _, _) = tandem_team(t, json!({})).await;
    let team = t.team_id("Tandem").await.to_string();
    let mut clients = Vec::new();
    for i in 0..n {
        let rid = register(t, &tok, json!({"person_name": format!("Kari Nordmann{i}")})).await;
        let r = decide(
            t,
            &tok,
            rid,
            json!({"outcome": "accepted", "level": 1, "reasons": "Svak kontakt.", "participants": [ids[0], ids[3]]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        clients.push(r.json()["client_id"].as_str().unwrap().to_string());
    }
    (tok, team, clients)
}

async fn board(t: &TestApp, tok: &str, team: &str) -> Value {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{team}/board"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn add(t: &TestApp, tok: &str, team: &str, client: &str, reason: &str) -> common::Resp {
    t.api(
        Method::POST,
        &format!("/api/v1/teams/{team}/board"),
        tok,
        Some(json!({"client_id": client, "reason": reason})),
    )
    .await
}

async fn add_review_remove_and_history(t: &TestApp) {
    let (tok, team, clients) = setup(t, 2).await;
    let r = add(t, &tok, &team, &clients[0], "Mistet leiligheten").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let entry = r.json()["id"].as_str().unwrap().to_string();
    // Once at a time.
    let again = add(t, &tok, &team, &clients[0], "Igjen").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    // A blank reason names the field.
    let blank = add(t, &tok, &team, &clients[1], "  ").await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blank.json()["error"]["field"], "reason");

    let b = board(t, &tok, &team).await;
    assert_eq!(b["current"].as_array().unwrap().len(), 1);
    assert_eq!(b["current"][0]["name"], "Kari Nordmann0");
    assert_eq!(b["current"][0]["initials"], "K. N.");
    assert_eq!(b["current"][0]["reason"], "Mistet leiligheten");

    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/reviews"),
            &tok,
            Some(json!({"note": "Fått hybel fra mandag", "reviewed_on": "2026-11-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // "other" needs the outcome in words.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/remove"),
            &tok,
            Some(json!({"outcome": "other"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "outcome_note");
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/remove"),
            &tok,
            Some(json!({"outcome": "healed"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/remove"),
            &tok,
            Some(json!({"outcome": "stabilised"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // Removed twice: a conflict; a review after removal too.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/remove"),
            &tok,
            Some(json!({"outcome": "admitted"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    let b = board(t, &tok, &team).await;
    assert!(b["current"].as_array().unwrap().is_empty());
    let h = &b["removed"][0];
    assert_eq!(h["outcome"], "stabilised");
    assert_eq!(h["reviews"][0]["note"], "Fått hybel fra mandag");
    assert_eq!(h["reviews"][0]["reviewed_on"], "2026-11-01");
    assert_eq!(h["reviews"][0]["reviewed_by"], "Tandem Ansatt 0");
    // The person may be put up again; the history stays.
    let r = add(t, &tok, &team, &clients[0], "Ny krise").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let b = board(t, &tok, &team).await;
    assert_eq!(
        (
            b["current"].as_array().unwrap().len(),
            b["removed"].as_array().unwrap().len()
        ),
        (1, 1)
    );
    // Each read of the board is one audit row naming every person listed.
    let rows: Vec<(String,)> = t
        .db()
        .all(
            "SELECT resources FROM audit_events WHERE action = 'board.read' ORDER BY seq DESC",
            vec![],
        )
        .await
        .unwrap();
    assert!(rows[0].0.contains(&clients[0]), "{}", rows[0].0);

    // The page: the form says no health details; the history lists the outcome.
    let br = t.login("tandem0", "et-langt-passord").await;
    let p = t.page(&br, "/board").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("uten helseopplysninger"));
    assert!(p.text.contains("stabilisert"));
    // A form error keeps what was typed.
    let p = t
        .form(
            &br,
            "/board",
            &[("client_id", clients[1].as_str()), ("reason", "")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(p
        .text
        .contains(&format!("value=\"{}\" selected", clients[1])));
    let p = t
        .form(
            &br,
            "/board",
            &[
                ("client_id", clients[1].as_str()),
                ("reason", "Ikke truffet på to uker"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
}

async fn the_screen_shows_initials_not_names(t: &TestApp) {
    let (tok, team, clients) = setup(t, 1).await;
    let r = add(t, &tok, &team, &clients[0], "Varsel om utkastelse").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let b0 = t.login("tandem0", "et-langt-passord").await;
    let p = t.page(&b0, "/board/screen").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("K. N."));
    assert!(p.text.contains("Varsel om utkastelse"));
    assert!(!p.text.contains("Kari Nordmann0"), "no names by default");
    assert!(!p.text.contains("<script"), "no scripts on the screen");
    // Refreshing itself is the reader's choice (a link turns it on and off).
    assert!(!p.text.contains("http-equiv=\"refresh\""));
    let p = t.page(&b0, "/board/screen?auto=1").await;
    assert!(p
        .text
        .contains("http-equiv=\"refresh\" content=\"60; url=/board/screen?auto=1\""));
    assert!(!p.text.contains("Kari Nordmann0"));
    // The reader may see everyone listed: names on explicit toggle.
    let p = t.page(&b0, "/board/screen?names=1").await;
    assert!(p.text.contains("Kari Nordmann0"));
    // A colleague without access to the person: initials only, even when asking for names.
    let b2 = t.login("tandem2", "et-langt-passord").await;
    let p = t.page(&b2, "/board/screen?names=1").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("K. N."));
    assert!(!p.text.contains("Kari Nordmann0"));
    let b = board(t, &t.token("tandem2").await, &team).await;
    assert!(b["current"][0]["name"].is_null());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'board.screen' AND outcome = 'allowed'")
            .await,
        4
    );
}

async fn no_access_no_board(t: &TestApp) {
    let (tok, team, clients) = setup(t, 1).await;
    let client: Uuid = clients[0].parse().unwrap();
    // A colleague without access to the person cannot put them up: refused and audited.
    let other = t.token("tandem2").await;
    let r = add(t, &other, &team, &clients[0], "Bekymring").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "client.open", "denied").await, 1);
    // Nor review or remove an entry for them.
    let entry = add(t, &tok, &team, &clients[0], "Bekymring").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/board/{entry}/remove"),
            &other,
            Some(json!({"outcome": "admitted"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(t.audit_count(client, "client.open", "denied").await, 2);
    // Someone outside the team cannot read the board (API and pages): refused and audited.
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/teams/{team}/board"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(!r.text.contains("Kari"));
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'board.read' AND outcome = 'denied'"
        )
        .await,
        1
    );
    let r = add(t, &tone, &team, &clients[0], "x").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'board.add' AND outcome = 'denied'"
        )
        .await,
        1
    );
}

async fn the_demo_board(t: &TestApp) {
    // Fjordby's demo board: six people, two taken off with outcomes; the team lead reads it.
    let tone = t.token("tone").await;
    let team = t.team_id("Samhandlingsteamet Fjordby").await.to_string();
    let b = board(t, &tone, &team).await;
    assert_eq!(b["current"].as_array().unwrap().len(), 4, "{b}");
    assert_eq!(b["removed"].as_array().unwrap().len(), 2, "{b}");
    let br = t.login("tone", "benk-demo").await;
    for page in ["/board", "/board/screen", "/caseload", "/meetings"] {
        let p = t.page(&br, page).await;
        assert_eq!(p.status, StatusCode::OK, "{page}: {}", p.text);
    }
}

on_both_backends!(
    add_review_remove_and_history,
    the_screen_shows_initials_not_names,
    no_access_no_board,
    the_demo_board,
);
