//! Housing (issue 9): the coded history in order, the housing queue, evictions, the outcomes
//! the teams publish computed from them, and who may see and record it. Both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::{decide, register, TestApp};
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    history_queue_and_evictions,
    a_nav_worker_in_the_care_team_records_housing_and_a_colleague_without_access_is_refused,
    the_page_shows_and_records_housing,
    outcomes_from_a_hand_made_fixture,
    the_demo_has_housing_histories,
);

/// The demo: some homeless people got a municipal rental; none evicted in Nordvik, one in Fjordby.
async fn the_demo_has_housing_histories(t: &TestApp) {
    let evictions = |team: &'static str| {
        format!("SELECT COUNT(*) FROM housing_evictions WHERE team_id IN (SELECT id FROM teams WHERE name = '{team}')")
    };
    assert_eq!(t.count(&evictions("Uteteamet Nordvik")).await, 0);
    assert_eq!(t.count(&evictions("Samhandlingsteamet Fjordby")).await, 1);
    assert!(
        t.count("SELECT COUNT(*) FROM housing_statuses WHERE status = 'municipal_rental'")
            .await
            > 0
    );
    let siri = t.token("siri").await;
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/housing?from=2020-01-01",
            &siri,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let o = r.json();
    assert_eq!(
        o["evicted_while_followed"]["numerator"], 0,
        "none evicted in Nordvik"
    );
    assert!(
        o["homeless_got_housing"]["numerator"].as_i64().unwrap() > 0,
        "{o}"
    );
}

async fn new_client(t: &TestApp, token: &str, name: &str) -> Uuid {
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            token,
            Some(json!({"name": name, "birth_year": 1970})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

async fn history_queue_and_evictions(t: &TestApp) {
    let kristin = t.token("kristin").await; // housing officer, not health personnel
    let c = new_client(t, &kristin, "Harald Husløs").await;
    let today = benk_app::time::oslo_today();
    let d = |n: i64| (today - Duration::days(n)).to_string();
    // Recorded out of order: the history comes back newest first.
    for (status, from) in [
        ("homeless", d(200)),
        ("municipal_rental", d(20)),
        ("temporary", d(90)),
    ] {
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/clients/{c}/housing/statuses"),
                &kristin,
                Some(json!({"status": status, "from_date": from})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/housing/applications"),
            &kristin,
            Some(
                json!({"applied_on": d(120), "what": "kommunal utleiebolig", "status": "applied"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let app_id = r.json()["id"].as_str().unwrap().to_string();
    // Deciding needs a date; a decision before the application is refused.
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/clients/{c}/housing/applications/{app_id}"),
            &kristin,
            Some(json!({"status": "granted"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "decided_on");
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/clients/{c}/housing/applications/{app_id}"),
            &kristin,
            Some(json!({"status": "granted", "decided_on": d(130)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/clients/{c}/housing/applications/{app_id}"),
            &kristin,
            Some(json!({"status": "granted", "decided_on": d(30)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/housing/evictions"),
            &kristin,
            Some(json!({"evicted_on": d(100), "note": "Husleierestanse"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A future date is refused, naming the field.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/housing/evictions"),
            &kristin,
            Some(json!({"evicted_on": (today + Duration::days(3)).to_string()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "evicted_on");
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/housing/statuses"),
            &kristin,
            Some(json!({"status": "castle", "from_date": d(1)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let h = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/housing"),
            &kristin,
            None,
        )
        .await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    let h = h.json();
    assert_eq!(h["current"], "municipal_rental");
    let order: Vec<&str> = h["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["municipal_rental", "temporary", "homeless"]);
    assert_eq!(h["applications"][0]["status"], "granted");
    assert_eq!(h["applications"][0]["decided_on"], d(30));
    assert_eq!(h["evictions"][0]["evicted_on"], d(100));
    assert_eq!(t.audit_count(c, "housing.read", "allowed").await, 1);
    assert_eq!(t.audit_count(c, "housing.status", "allowed").await, 3);
    assert_eq!(t.audit_count(c, "housing.eviction", "allowed").await, 1);
}

async fn a_nav_worker_in_the_care_team_records_housing_and_a_colleague_without_access_is_refused(
    t: &TestApp,
) {
    // Per (NAV, not health personnel) registers the person and so is in the care team.
    let per = t.token("per").await;
    let c = new_client(t, &per, "Nils Navsak").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/housing/statuses"),
            &per,
            Some(json!({"status": "temporary", "from_date": benk_app::time::oslo_today()})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "housing is not health content: {}",
        r.text
    );
    // Mari (psychiatrist, same team) has no care relationship with this person: refused, audited.
    let mari = t.token("mari").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}/housing"),
            &mari,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/housing/evictions"),
            &mari,
            Some(json!({"evicted_on": benk_app::time::oslo_today()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count(c, "client.open", "denied").await, 2);
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM housing_evictions WHERE client_id = $1",
                benk_app::args![c],
            )
            .await
            .unwrap(),
        0
    );
    // And on the page.
    let b = t.login("mari", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, &format!("/clients/{c}/housing")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count(c, "client.open", "denied").await, 3);
}

async fn the_page_shows_and_records_housing(t: &TestApp) {
    let kristin = t.token("kristin").await;
    let c = new_client(t, &kristin, "Petra Sidevis").await;
    let b = t.login("kristin", benk_app::demo::DEMO_PASSWORD).await;
    let page = t.page(&b, &format!("/clients/{c}/housing")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("kommunal utleiebolig") || page.text.contains("Kommunal utleiebolig")
    );
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/housing"),
            &[
                ("form", "application"),
                ("applied_on", "2020-13-40"),
                ("what", "omsorgsbolig"),
                ("queue_status", "applied"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("value=\"omsorgsbolig\""),
        "what was typed is kept"
    );
    let today = benk_app::time::oslo_today().to_string();
    let r = t
        .form(
            &b,
            &format!("/clients/{c}/housing"),
            &[
                ("form", "status"),
                ("status", "homeless"),
                ("from_date", &today),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&b, &format!("/clients/{c}/housing?msg=saved")).await;
    assert!(page.text.contains("Bostedsløs"));
}

/// Outcomes over the API against a fixture computed by hand: three people accepted into a
/// fresh team 100 days ago, two homeless then (one housed 40 days ago), one evicted 10 days ago.
async fn outcomes_from_a_hand_made_fixture(t: &TestApp) {
    let (token, ids, _muni, _hosp) = common::tandem_team(t, json!({})).await;
    let today = benk_app::time::oslo_today();
    let d = |n: i64| (today - Duration::days(n)).to_string();
    let mut clients = Vec::new();
    for (i, name) in ["Anna Først", "Bjørn Bolig", "Cato Kastet"]
        .iter()
        .enumerate()
    {
        let rid = register(
            t,
            &token,
            json!({"person_name": name, "received_on": d(110), "person_birth_year": 1980 + i}),
        )
        .await;
        let r = decide(
            t,
            &token,
            rid,
            json!({"outcome": "accepted", "level": 1, "reasons": "Trenger teamet.",
            "participants": [ids[0], ids[3]], "decided_on": d(100),
            "municipal_coordinator": ids[1], "specialist_coordinator": ids[4]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        clients.push(
            r.json()["client_id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap(),
        );
    }
    let coordinator = t.token("tandem1").await;
    let post = |path: String, body: serde_json::Value| {
        let coordinator = coordinator.clone();
        async move {
            let r = t.api(Method::POST, &path, &coordinator, Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
        }
    };
    let (a, b, c) = (clients[0], clients[1], clients[2]);
    post(
        format!("/api/v1/clients/{a}/housing/statuses"),
        json!({"status": "homeless", "from_date": d(300)}),
    )
    .await;
    post(
        format!("/api/v1/clients/{a}/housing/statuses"),
        json!({"status": "municipal_rental", "from_date": d(40)}),
    )
    .await;
    post(
        format!("/api/v1/clients/{b}/housing/statuses"),
        json!({"status": "homeless", "from_date": d(105)}),
    )
    .await;
    post(
        format!("/api/v1/clients/{b}/housing/statuses"),
        json!({"status": "temporary", "from_date": d(50)}),
    )
    .await;
    post(
        format!("/api/v1/clients/{c}/housing/statuses"),
        json!({"status": "own_home", "from_date": d(400)}),
    )
    .await;
    post(
        format!("/api/v1/clients/{c}/housing/evictions"),
        json!({"evicted_on": d(10)}),
    )
    .await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/housing?from={}&to={today}", d(365)),
            &coordinator,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let o = r.json();
    assert_eq!(
        o["homeless_got_housing"],
        json!({"numerator": 1, "denominator": 2})
    );
    assert_eq!(o["median_days_to_housing"], 60);
    assert_eq!(
        o["evicted_while_followed"],
        json!({"numerator": 1, "denominator": 3})
    );
    // A period that ends before the housing and the eviction: none yet.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/housing?from={}&to={}", d(365), d(45)),
            &coordinator,
            None,
        )
        .await;
    let o = r.json();
    assert_eq!(
        o["homeless_got_housing"],
        json!({"numerator": 0, "denominator": 2})
    );
    assert_eq!(
        o["evicted_while_followed"],
        json!({"numerator": 0, "denominator": 3})
    );
    // An administrator of the system is not in the team: refused and audited.
    let eva = t.token("eva").await;
    let r = t
        .api(Method::GET, "/api/v1/reports/housing", &eva, None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'housing.outcomes' AND outcome = 'denied'").await, 1);
}
