//! The client page offers only the forms its reader may use: staff who are not health
//! personnel are always refused course changes and giving access (the permission table), so
//! the page shows them no such forms and says who makes those changes.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use uuid::Uuid;

/// An open demo episode with per (NAV, not health personnel) in its care team.
async fn episode_with_per(t: &TestApp) -> (Uuid, Uuid) {
    let per = t.staff_id("per").await;
    let row: Option<(Uuid, Uuid)> = t.db()
        .opt(
            "SELECT e.client_id, e.id FROM episodes e \
             JOIN episode_members m ON m.episode_id = e.id AND m.staff_id = $1 AND m.left_at IS NULL \
             WHERE e.closed_on IS NULL ORDER BY e.included_on LIMIT 1",
            benk_app::args![per],
        )
        .await
        .unwrap();
    row.expect("the demo has per in the care team of an open episode")
}

/// The form actions that change a course or give access.
fn change_forms(client: Uuid, episode: Uuid) -> Vec<String> {
    vec![
        format!("action=\"/episodes/{episode}/level"),
        format!("action=\"/episodes/{episode}/members#"),
        format!("action=\"/episodes/{episode}/rg#"),
        format!("action=\"/episodes/{episode}/close"),
        format!("action=\"/episodes/{episode}/members/"),
        format!("action=\"/clients/{client}/care\""),
        format!("action=\"/clients/{client}/care/"),
    ]
}

async fn non_health_reader_gets_no_course_or_access_forms(t: &TestApp) {
    let (client, episode) = episode_with_per(t).await;
    let url = format!("/clients/{client}");

    let per = t.login("per", "benk-demo").await;
    let page = t.page(&per, &url).await;
    assert_eq!(page.status, StatusCode::OK);
    for action in change_forms(client, episode) {
        assert!(!page.text.contains(&action), "per sees {action}");
    }
    assert!(page.text.contains("endres av koordinatorene og teamleder"));
    // The note draft stays: it is per's to use (and becomes a social note when signed).
    assert!(page
        .text
        .contains(&format!("action=\"/clients/{client}/draft\"")));
    assert!(page.text.contains("Skriv ingen helseopplysninger"));
    // The register of grants is there, read-only.
    assert!(page.text.contains("Tilgangsregister"));

    // The team lead (health personnel) gets every form.
    let tone = t.login("tone", "benk-demo").await;
    let page = t.page(&tone, &url).await;
    assert_eq!(page.status, StatusCode::OK);
    for action in change_forms(client, episode) {
        assert!(page.text.contains(&action), "tone lacks {action}");
    }
    assert!(!page.text.contains("endres av koordinatorene og teamleder"));
}

on_both_backends!(non_health_reader_gets_no_course_or_access_forms);
