//! Levels of effort mean different things (issue 8): level 2 names the ordinary service and asks
//! for no coordinator pair; level 3 is the outcome `guidance`, a guidance case with no client
//! record, readable only by the intake team's health personnel and the team lead; a change of
//! level changes what the episode lacks (`missing`).

use crate::common;

use axum::http::{Method, StatusCode};
use common::{decide, register, synthetic_fnr, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

fn anonymous_case() -> Value {
    json!({
        "channel": "open_hour",
        "asker_name": "Siri Haugen",
        "asker_role": "fastlege",
        "asker_organisation": "Fjordby legesenter",
        "agency_kind": "gp",
        "asker_phone": "912 34 567",
        "question": "Mann i 40-årene med alkoholavhengighet som ikke møter til timer. Hvordan få kontakt?",
        "advice": "Korte, faste timer samme ukedag; ring dagen før.",
    })
}

async fn clients(t: &TestApp) -> i64 {
    t.count("SELECT COUNT(*) FROM clients").await
}

async fn an_anonymous_guidance_case_makes_no_client_record(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let before = clients(t).await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/guidance-cases",
            &hanne,
            Some(anonymous_case()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        clients(t).await,
        before,
        "a guidance case makes no client record"
    );
    let list = t
        .api(Method::GET, "/api/v1/guidance-cases", &hanne, None)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let list = list.json();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .expect("in the list");
    assert_eq!(row["status"], "open");
    assert!(
        row.get("question").is_none(),
        "the list holds no health content"
    );
    let got = t
        .api(
            Method::GET,
            &format!("/api/v1/guidance-cases/{id}"),
            &hanne,
            None,
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let got = got.json();
    assert_eq!(got["asker_phone"], "+4791234567");
    assert!(got["question"].as_str().unwrap().contains("40-årene"));
    assert!(got["referral_id"].is_null());
    // The person has no fields: a name or a national id is refused as an unknown field.
    let mut named = anonymous_case();
    named["person_name"] = json!("Per Henvist");
    let r = t
        .api(Method::POST, "/api/v1/guidance-cases", &hanne, Some(named))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // A national id in the texts is refused too, naming the field.
    let mut with_id = anonymous_case();
    with_id["question"] = json!(format!("Gjelder {}.", synthetic_fnr(7)));
    let r = t
        .api(
            Method::POST,
            "/api/v1/guidance-cases",
            &hanne,
            Some(with_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "question", "{}", r.text);
    // Update: advice given, closed.
    let mut closed = anonymous_case();
    closed["status"] = json!("closed");
    closed["follow_up_on"] = json!(null);
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/guidance-cases/{id}"),
            &hanne,
            Some(closed),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let got = t
        .api(
            Method::GET,
            &format!("/api/v1/guidance-cases/{id}"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(got["status"], "closed");
    // A follow-up before the question is refused.
    let mut early = anonymous_case();
    early["asked_on"] = json!("2026-01-10");
    early["follow_up_on"] = json!("2026-01-09");
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/guidance-cases/{id}"),
            &hanne,
            Some(early),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "follow_up_on");
    for action in [
        "guidance.create",
        "guidance.list",
        "guidance.read",
        "guidance.update",
    ] {
        let n = t
            .db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND outcome = 'allowed'",
                benk_app::args![action],
            )
            .await
            .unwrap();
        assert!(n >= 1, "{action} audited");
    }
    // The page: the list and the detail, for the intake nurse.
    let b = t.login("hanne", "benk-demo").await;
    let page = t.page(&b, "/intake/guidance").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Siri Haugen, Fjordby legesenter"),
        "{}",
        page.text
    );
    let page = t.page(&b, &format!("/intake/guidance/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("40-årene"));
    let board = t.page(&b, "/intake").await;
    assert!(
        board.text.contains("href=\"/intake/guidance\""),
        "the board links to the cases"
    );
}

async fn guidance_cases_are_refused_and_audited_for_colleagues_without_the_right(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/guidance-cases",
            &hanne,
            Some(anonymous_case()),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    // The NAV officer (not health personnel, not intake), the administrator (intake board
    // rights, not health personnel) and a psychiatrist outside the intake team.
    for who in ["per", "eva", "mari"] {
        let tok = t.token(who).await;
        let denied = |t: &TestApp, action: &'static str| {
            let db = t.db().clone();
            async move {
                db.scalar_i64(
                    "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND outcome = 'denied' \
                     AND resources LIKE '%none:not_intake_health_personnel%'",
                    benk_app::args![action],
                )
                .await
                .unwrap()
            }
        };
        for (method, uri, body, action) in [
            (
                Method::GET,
                "/api/v1/guidance-cases".to_string(),
                None,
                "guidance.list",
            ),
            (
                Method::GET,
                format!("/api/v1/guidance-cases/{id}"),
                None,
                "guidance.read",
            ),
            (
                Method::POST,
                "/api/v1/guidance-cases".to_string(),
                Some(anonymous_case()),
                "guidance.create",
            ),
            (
                Method::PUT,
                format!("/api/v1/guidance-cases/{id}"),
                Some(anonymous_case()),
                "guidance.update",
            ),
        ] {
            let before = denied(t, action).await;
            let r = t.api(method.clone(), &uri, &tok, body).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{who} {method} {uri}: {}",
                r.text
            );
            assert!(!r.text.contains("40-årene"), "nothing of the case leaks");
            assert_eq!(
                denied(t, action).await,
                before + 1,
                "{who} {action} audited"
            );
        }
    }
    // The page too, and the board has no link for the administrator.
    let b = t.login("eva", "benk-demo").await;
    let page = t.page(&b, &format!("/intake/guidance/{id}")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let board = t.page(&b, "/intake").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(!board.text.contains("href=\"/intake/guidance\""));
}

async fn deciding_guidance_makes_a_linked_case_and_no_client(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    let rid = register(
        t,
        &hanne,
        json!({"person_national_id": synthetic_fnr(41), "person_birth_year": null}),
    )
    .await;
    let before = clients(t).await;
    // "Accepted at level 3" is no longer a thing: guidance is its own outcome.
    let r = decide(t, &hanne, rid, json!({"outcome": "accepted", "level": 3, "reasons": "Råd til fastlegen.", "participants": [hanne_id, arne_id]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "level");
    assert!(
        r.text.contains("intake_guidance_is_an_outcome"),
        "{}",
        r.text
    );
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "guidance_only", "reasons": "x", "participants": [hanne_id, arne_id]}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old code is gone: {}",
        r.text
    );
    let r = decide(t, &hanne, rid, json!({"outcome": "guidance", "reasons": "Fastlegen får råd om oppfølging.", "participants": [hanne_id, arne_id]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let out = r.json();
    assert!(
        out["client_id"].is_null() && out["episode_id"].is_null(),
        "{out}"
    );
    assert_eq!(clients(t).await, before, "no client record");
    let case = out["guidance_case_id"]
        .as_str()
        .expect("a guidance case")
        .to_string();
    let got = t
        .api(
            Method::GET,
            &format!("/api/v1/guidance-cases/{case}"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(got["referral_id"], rid.to_string());
    assert_eq!(got["channel"], "referral");
    assert_eq!(got["asker_name"], "Kari Fastlege");
    assert_eq!(got["advice"], "Fastlegen får råd om oppfølging.");
    // The letter promises no coordinator.
    let b = t.login("hanne", "benk-demo").await;
    let letter = t.page(&b, &format!("/intake/referrals/{rid}/letter")).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.text.contains("veiledning"));
    assert!(
        !letter.text.contains("koordinator fra kommunen"),
        "{}",
        letter.text
    );
}

async fn episodes(t: &TestApp, tok: &str, client: &str) -> Value {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()[0].clone()
}

async fn level_two_names_the_ordinary_service_and_asks_for_no_coordinator_pair(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let (hanne_id, arne_id, ola_id, per_id, mari_id, sara_id) = (
        t.staff_id("hanne").await,
        t.staff_id("arne").await,
        t.staff_id("ola").await,
        t.staff_id("per").await,
        t.staff_id("mari").await,
        t.staff_id("sara").await,
    );
    let rid = register(t, &hanne, json!({})).await;
    let body = |extra: Value| {
        let mut b = json!({"outcome": "accepted", "level": 2, "reasons": "DPS har relasjonen.", "participants": [hanne_id, arne_id]});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    // Level 2 needs the ordinary service.
    let r = decide(t, &hanne, rid, body(json!({}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "ordinary_service");
    // …and only level 2 takes one at the decision.
    let mut l1 = body(json!({"ordinary_service": {"service": "Fjordby DPS"}}));
    l1["level"] = json!(1);
    let r = decide(t, &hanne, rid, l1).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = decide(t, &hanne, rid, body(json!({"ordinary_service": {"service": "Fjordby DPS, poliklinikk", "contact_name": "Jonas Eide",
        "contact_phone": "912 34 002", "competence": "municipal_to_specialist", "competence_note": "Boligkontakt fra teamet"},
        "members": [ola_id, per_id]}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let out = r.json();
    assert!(out["warnings"].as_array().unwrap().is_empty(), "{out}");
    let client = out["client_id"].as_str().unwrap().to_string();
    let episode = out["episode_id"].as_str().unwrap().to_string();
    let ola = t.token("ola").await;
    let e = episodes(t, &ola, &client).await;
    assert_eq!(e["level"], 2);
    assert_eq!(e["ordinary_service"]["service"], "Fjordby DPS, poliklinikk");
    assert_eq!(e["ordinary_service"]["contact_phone"], "+4791234002");
    assert_eq!(
        e["ordinary_service"]["competence"],
        "municipal_to_specialist"
    );
    assert_eq!(
        e["ordinary_service"]["competence_note"],
        "Boligkontakt fra teamet"
    );
    assert_eq!(
        e["missing"],
        json!([]),
        "no coordinator pair asked at level 2: {e}"
    );
    let roles: Vec<(&str, &str)> = e["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert!(roles.iter().all(|(_, r)| *r == "member"));
    // The NAV officer takes part, and reads the service but not the competence note (health).
    let per = t.token("per").await;
    let e_per = episodes(t, &per, &client).await;
    assert_eq!(
        e_per["ordinary_service"]["service"],
        "Fjordby DPS, poliklinikk"
    );
    assert!(
        e_per["ordinary_service"]["competence_note"].is_null(),
        "{e_per}"
    );
    // The letter names the service and promises no coordinator pair.
    let b = t.login("hanne", "benk-demo").await;
    let letter = t.page(&b, &format!("/intake/referrals/{rid}/letter")).await;
    assert!(
        letter
            .text
            .contains("Fjordby DPS, poliklinikk har fortsatt ansvaret"),
        "{}",
        letter.text
    );
    assert!(!letter.text.contains("koordinator fra kommunen"));
    // A move to level 1 asks for the coordinator pair. (The intake nurse no longer may change
    // the course; the team lead does.)
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/level"),
            &tone,
            Some(json!({"level": 1, "ordinary_service": {"service": "Fjordby DPS"}})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "level 1 takes no ordinary service: {}",
        r.text
    );
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/level"),
            &tone,
            Some(json!({"level": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let e = episodes(t, &ola, &client).await;
    assert_eq!(e["missing"], json!(["coordinator_pair"]), "{e}");
    assert_eq!(e["levels"].as_array().unwrap().len(), 2, "history kept");
    let olab = t.login("ola", "benk-demo").await;
    let page = t.page(&olab, &format!("/clients/{client}")).await;
    assert!(
        page.text
            .contains("Koordinatorpar (kommunal og spesialist) mangler"),
        "{}",
        page.text
    );
    for (who, role) in [
        (ola_id, "municipal_coordinator"),
        (mari_id, "specialist_coordinator"),
    ] {
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/episodes/{episode}/members"),
                &tone,
                Some(json!({"staff_id": who, "role": role})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    assert_eq!(episodes(t, &ola, &client).await["missing"], json!([]));
    // Level 3 for a course under way: the team now advises; it asks for the service advised.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/level"),
            &tone,
            Some(json!({"level": 3})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        episodes(t, &ola, &client).await["missing"],
        json!(["ordinary_service"])
    );
    let r = t
        .api(Method::POST, &format!("/api/v1/episodes/{episode}/level"), &tone,
             Some(json!({"level": 3, "ordinary_service": {"service": "Psykisk helse og rus, Fjordby kommune"}})))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let e = episodes(t, &ola, &client).await;
    assert_eq!(e["missing"], json!([]));
    assert_eq!(
        e["ordinary_service"]["service"],
        "Psykisk helse og rus, Fjordby kommune"
    );
    let _ = sara_id;
}

async fn the_decision_form_takes_level_two_without_coordinators(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let rid: Uuid = register(t, &hanne, json!({})).await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    let b = t.login("hanne", "benk-demo").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert!(page.text.contains("name=\"ordinary_service\""));
    assert!(
        !page.text.contains("id=\"level-3\""),
        "level 3 is the outcome guidance"
    );
    let (h, a) = (hanne_id.to_string(), arne_id.to_string());
    let r = t
        .form(
            &b,
            &format!("/intake/referrals/{rid}/decision"),
            &[
                ("outcome", "accepted"),
                ("level", "2"),
                ("reasons", "Kommunen har relasjonen."),
                ("participants", &h),
                ("participants", &a),
                ("decided_on", &benk_app::time::oslo_today().to_string()),
                ("ordinary_service", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("skriv hvilken tjeneste det er"),
        "{}",
        r.text
    );
    let r = t
        .form(
            &b,
            &format!("/intake/referrals/{rid}/decision"),
            &[
                ("outcome", "accepted"),
                ("level", "2"),
                ("reasons", "Kommunen har relasjonen."),
                ("participants", &h),
                ("participants", &a),
                ("decided_on", &benk_app::time::oslo_today().to_string()),
                ("ordinary_service", "Psykisk helse og rus, Fjordby kommune"),
                ("competence", "specialist_to_municipality"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}

on_both_backends!(
    an_anonymous_guidance_case_makes_no_client_record,
    guidance_cases_are_refused_and_audited_for_colleagues_without_the_right,
    deciding_guidance_makes_a_linked_case_and_no_client,
    level_two_names_the_ordinary_service_and_asks_for_no_coordinator_pair,
    the_decision_form_takes_level_two_without_coordinators,
);
