//! Referral, joint intake and the course in the team, through the API: the
//! routing rules of both team policies, the participant rule, access that
//! arises from and ends with the episode, bad input, and the report.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{decide, referral_body, register, synthetic_fnr, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

/// A Tandem-like team: municipality + hospital, 3 + 3 in the intake team,
/// psychosis diagnoses routed to the FACT team. Returns an intake member's token
/// and the six intake members (three municipal, then three hospital).
async fn tandem(t: &TestApp) -> (String, Vec<Uuid>) {
    let policy = json!({"caseload_per_full_position": 5, "intake_min_participants_per_side": 3,
        "route_psychosis_to_fact": true, "diagnosis_is_intake_criterion": true});
    let (token, ids, _, _) = common::tandem_team(t, policy).await;
    (token, ids)
}

async fn tandem_routes_psychosis_to_fact_and_needs_three_from_each_side(t: &TestApp) {
    let (tok, staff) = tandem(t).await;
    let psychosis = register(t, &tok, json!({"diagnoses": ["F200"]})).await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{psychosis}"),
            &tok,
            None,
        )
        .await
        .json();
    assert_eq!(r["diagnoses"], json!(["F20.0"]));
    assert_eq!(r["suggested_outcome"], "routed_fact", "{r}");
    assert!(r["suggestion_reason"].as_str().unwrap().contains("F20.0"));
    let other = register(t, &tok, json!({"diagnoses": ["F10.2"]})).await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{other}"),
            &tok,
            None,
        )
        .await
        .json();
    assert!(r["suggested_outcome"].is_null(), "{r}");
    let none = register(t, &tok, json!({})).await;
    assert!(t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{none}"),
            &tok,
            None
        )
        .await
        .json()["suggested_outcome"]
        .is_null());

    // 3 municipal + 2 hospital: refused, nothing stored.
    let body = |participants: &[Uuid]| json!({"outcome": "routed_fact", "reasons": "Psykosediagnose: FACT-teamet.", "participants": participants});
    let r = decide(t, &tok, psychosis, body(&staff[..5])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "participants");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("spesialisthelsetjenesten"),
        "{}",
        r.text
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM intake_decisions").await,
        144, // the demo: 142 in Fjordby, 2 in Nordvik
        "only the demo's decisions"
    );
    // 3 + 3: decided as suggested, and recorded with the suggestion.
    let r = decide(t, &tok, psychosis, body(&staff)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{psychosis}"),
            &tok,
            None,
        )
        .await
        .json();
    assert_eq!(r["decision"]["outcome"], "routed_fact");
    assert_eq!(
        r["decision"]["assessment"]["suggested_outcome"],
        "routed_fact"
    );
    assert_eq!(r["participants"].as_array().unwrap().len(), 6);
    assert_eq!(r["referral"]["status"], "decided");
    // A second decision on the same referral is a conflict.
    assert_eq!(
        decide(t, &tok, psychosis, body(&staff)).await.status,
        StatusCode::CONFLICT
    );
}

async fn cflex_policy_never_routes_on_diagnosis(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let r = register(t, &hanne, json!({"diagnoses": ["F20.0", "F10.2"]})).await;
    let out = t
        .api(Method::GET, &format!("/api/v1/referrals/{r}"), &hanne, None)
        .await
        .json();
    assert!(out["suggested_outcome"].is_null(), "{out}");
    // Only a municipal participant: the demo policy needs one from each side.
    let r2 = decide(
        t,
        &hanne,
        r,
        json!({"outcome": "declined", "reasons": "x", "participants": [t.staff_id("hanne").await]}),
    )
    .await;
    assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r2.json()["error"]["field"], "participants");
}

async fn acceptance_opens_an_episode_whose_access_ends_with_it(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let nid = synthetic_fnr(40);
    let rid = register(
        t,
        &hanne,
        json!({"person_national_id": nid, "person_birth_year": null}),
    )
    .await;
    let (hanne_id, arne_id, ola_id, mari_id) = (
        t.staff_id("hanne").await,
        t.staff_id("arne").await,
        t.staff_id("ola").await,
        t.staff_id("mari").await,
    );
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "Svak kontakt med tjenestene.", "participants": [hanne_id, arne_id],
               "target_group": {"severe_mental_illness": true, "weak_connection": true},
               "municipal_coordinator": ola_id, "specialist_coordinator": mari_id}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let out = r.json();
    assert!(out["warnings"].as_array().unwrap().is_empty(), "{out}");
    let client = out["client_id"].as_str().unwrap().to_string();
    let episode = out["episode_id"].as_str().unwrap().to_string();
    let (ola, mari, ingrid) = (
        t.token("ola").await,
        t.token("mari").await,
        t.token("ingrid").await,
    );
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &ola,
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &mari,
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &ingrid,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let eps = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &ola,
            None,
        )
        .await
        .json();
    assert_eq!(eps[0]["level"], 1);
    assert_eq!(eps[0]["members"].as_array().unwrap().len(), 2);
    assert_eq!(eps[0]["members"][0]["role"], "municipal_coordinator");
    // Level history is kept.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/level"),
            &ola,
            Some(json!({"level": 2, "reason": "Etablert i DPS"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let eps = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &ola,
            None,
        )
        .await
        .json();
    assert_eq!(eps[0]["level"], 2);
    assert_eq!(eps[0]["levels"].as_array().unwrap().len(), 2);
    // ola leaves: his access ends at once; mari keeps hers.
    let ola_member = eps[0]["members"][0]["id"].as_str().unwrap().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/members/{ola_member}/leave"),
            &mari,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &ola,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &mari,
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    // Closing before inclusion is refused; closing today ends everyone's access.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/close"),
            &mari,
            Some(json!({"closed_on": "2001-01-01", "reason": "moved"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "closed_on");
    let today = benk_app::time::oslo_today().to_string();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{episode}/close"),
            &mari,
            Some(json!({"closed_on": today, "reason": "established_ordinary"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &mari,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // A later referral of the same person opens a new episode on the same record.
    let rid2 = register(
        t,
        &hanne,
        json!({"person_national_id": nid, "person_birth_year": null}),
    )
    .await;
    let r = decide(
        t,
        &hanne,
        rid2,
        json!({"outcome": "accepted", "level": 2, "reasons": "Ny henvisning.", "participants": [hanne_id, arne_id], "specialist_coordinator": mari_id,
               "ordinary_service": {"service": "Fjordby DPS, poliklinikk"}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.json()["client_id"].as_str().unwrap(),
        client,
        "same record"
    );
    let eps = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &mari,
            None,
        )
        .await
        .json();
    assert_eq!(eps.as_array().unwrap().len(), 2, "history stays");
    assert_eq!(eps[0]["level"], 2);
    assert_eq!(eps[1]["close_reason"], "established_ordinary");
}

async fn bad_intake_input_is_refused_by_field(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    // Unknown agency, invalid ICD-10 code, future date, no way to reach the person.
    for (extra, field) in [
        (json!({"agency_id": Uuid::now_v7()}), "agency_id"),
        (json!({"diagnoses": ["F2"]}), "diagnoses"),
        (json!({"received_on": "2999-01-01"}), "received_on"),
        (
            json!({"person_name": null, "person_birth_year": 1980}),
            "person",
        ),
    ] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/referrals",
                &hanne,
                Some(referral_body(extra.clone())),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{extra}: {}",
            r.text
        );
        let fields: Vec<String> = r.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.contains(&field.to_string()), "{extra}: {fields:?}");
    }
    let rid = register(t, &hanne, json!({})).await;
    let both = json!([hanne_id, arne_id]);
    for (body, field) in [
        (
            json!({"outcome": "accepted", "reasons": "x", "participants": both}),
            "level",
        ),
        (
            json!({"outcome": "declined", "level": 2, "reasons": "x", "participants": both}),
            "level",
        ),
        (
            json!({"outcome": "declined", "reasons": "x", "participants": []}),
            "participants",
        ),
        (
            json!({"outcome": "declined", "reasons": "x", "participants": both, "decided_on": "2999-01-01"}),
            "decided_on",
        ),
        (
            json!({"outcome": "declined", "reasons": "x", "participants": both, "decided_on": "2001-01-01"}),
            "decided_on",
        ),
        (
            json!({"outcome": "maybe", "reasons": "x", "participants": both}),
            "outcome",
        ),
    ] {
        let r = decide(t, &hanne, rid, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        let fields: Vec<String> = r.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.contains(&field.to_string()), "{body}: {fields:?}");
    }
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(r["referral"]["status"], "new", "nothing half-saved");
    assert!(r["decision"].is_null());
}

async fn referrals_are_for_the_intake_team_only_and_every_read_is_audited(t: &TestApp) {
    let ola = t.token("ola").await;
    let before = t
        .count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.open' AND outcome = 'denied'",
        )
        .await;
    let r = t.api(Method::GET, "/api/v1/referrals", &ola, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.open' AND outcome = 'denied'"
        )
        .await,
        before + 1
    );
    let hanne = t.token("hanne").await;
    let rid = register(t, &hanne, json!({})).await;
    assert_eq!(
        t.api(Method::GET, &format!("/api/v1/referrals/{rid}"), &ola, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let reads = || {
        t.db().scalar_i64("SELECT COUNT(*) FROM audit_events WHERE action = 'referral.read' AND resources LIKE $1", benk_app::args![format!("referral:{rid}%")])
    };
    assert_eq!(reads().await.unwrap(), 0);
    t.api(
        Method::GET,
        &format!("/api/v1/referrals/{rid}"),
        &hanne,
        None,
    )
    .await;
    assert_eq!(reads().await.unwrap(), 1);
    let board = t
        .api(Method::GET, "/api/v1/referrals", &hanne, None)
        .await
        .json();
    assert!(board
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == rid.to_string()));
    // Start of assessment moves the status once.
    assert_eq!(
        t.api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/assess"),
            &hanne,
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/assess"),
            &hanne,
            None
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
}

async fn responsibility_group_takes_relatives_only_with_consent(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let rid = register(t, &hanne, json!({})).await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    // Both coordinators from the municipality: saved, with a warning.
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "x", "participants": [hanne_id, arne_id],
               "municipal_coordinator": hanne_id, "specialist_coordinator": t.staff_id("ola").await}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(
        !r.json()["warnings"].as_array().unwrap().is_empty(),
        "{}",
        r.text
    );
    let episode = r.json()["episode_id"].as_str().unwrap().to_string();
    let url = format!("/api/v1/episodes/{episode}/responsibility-group");
    let r = t
        .api(
            Method::POST,
            &url,
            &hanne,
            Some(json!({"kind": "relative", "name": "Mor", "phone": "91234567"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "consent_recorded");
    let r = t.api(Method::POST, &url, &hanne, Some(json!({"kind": "relative", "name": "Mor", "phone": "91234567", "consent_recorded": true}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t.api(Method::POST, &url, &hanne, Some(json!({"kind": "gp", "name": "Dr. Sande", "role": "fastlege", "organisation": "Sentrum legesenter"}))).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let client = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            &hanne,
            None,
        )
        .await
        .json()["referral"]["client_id"]
        .as_str()
        .unwrap()
        .to_string();
    let eps = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(eps[0]["responsibility_group"].as_array().unwrap().len(), 2);
    // An unrelated worker cannot change the episode, and the attempt is audited.
    let ingrid = t.token("ingrid").await;
    let r = t
        .api(
            Method::POST,
            &url,
            &ingrid,
            Some(json!({"kind": "gp", "name": "X"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'episode.rg_add' AND outcome = 'denied'").await, 1);
}

async fn an_unrelated_worker_is_refused_on_every_episode_route_and_audited(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let rid = register(t, &hanne, json!({})).await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "x", "participants": [hanne_id, arne_id], "municipal_coordinator": hanne_id}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let (client, episode) = (
        r.json()["client_id"].as_str().unwrap().to_string(),
        r.json()["episode_id"].as_str().unwrap().to_string(),
    );
    let member = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &hanne,
            None,
        )
        .await
        .json()[0]["members"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ingrid = t.token("ingrid").await;
    let ingrid_id = t.staff_id("ingrid").await;
    let today = benk_app::time::oslo_today().to_string();
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::GET,
            format!("/api/v1/clients/{client}/episodes"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/episodes/{episode}/level"),
            Some(json!({"level": 3})),
        ),
        (
            Method::POST,
            format!("/api/v1/episodes/{episode}/members"),
            Some(json!({"staff_id": ingrid_id, "role": "member"})),
        ),
        (
            Method::POST,
            format!("/api/v1/episodes/{episode}/members/{member}/leave"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/episodes/{episode}/close"),
            Some(json!({"closed_on": today, "reason": "moved"})),
        ),
        (
            Method::POST,
            format!("/api/v1/episodes/{episode}/responsibility-group"),
            Some(json!({"kind": "gp", "name": "X"})),
        ),
    ];
    for (m, uri, body) in calls {
        let before = t
            .count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
            .await;
        let r = t.api(m.clone(), &uri, &ingrid, body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {uri}: {}", r.text);
        assert_eq!(
            t.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
                .await,
            before + 1,
            "{m} {uri} not audited"
        );
    }
    // Nothing changed: still open, at level 1, hanne still coordinator, ingrid still without access.
    let eps = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &hanne,
            None,
        )
        .await
        .json();
    assert!(eps[0]["closed_on"].is_null());
    assert_eq!(eps[0]["level"], 1);
    assert_eq!(eps[0]["members"].as_array().unwrap().len(), 1);
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &ingrid,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

async fn without_named_coordinators_the_decider_follows_up_and_ending_access_leaves_the_episode(
    t: &TestApp,
) {
    let hanne = t.token("hanne").await;
    let rid = register(t, &hanne, json!({})).await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    let r = decide(t, &hanne, rid, json!({"outcome": "accepted", "level": 1, "reasons": "x", "participants": [hanne_id, arne_id]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let client = r.json()["client_id"].as_str().unwrap().to_string();
    // Someone can open the new record to name the coordinators.
    assert_eq!(
        t.api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &hanne,
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let eps = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/episodes"),
            &hanne,
            None,
        )
        .await
        .json();
    assert_eq!(eps[0]["members"][0]["staff_id"], hanne_id.to_string());
    // Ending that care relationship directly also takes her out of the episode.
    let rels = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/care-relationships"),
            &hanne,
            None,
        )
        .await
        .json();
    let rel = rels[0]["id"].as_str().unwrap().to_string();
    let tone = t.token("tone").await; // team lead
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/care-relationships/{rel}/end"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let left = t.db()
        .scalar_i64("SELECT COUNT(*) FROM episode_members WHERE care_relationship_id = $1 AND left_at IS NOT NULL", benk_app::args![rel.parse::<Uuid>().unwrap()])
        .await
        .unwrap();
    assert_eq!(left, 1);
}

async fn the_referral_report_counts_sources_agencies_time_and_outcomes(t: &TestApp) {
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/referrals?period=half_year",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    let periods = rep["periods"].as_array().unwrap();
    assert!(periods.len() >= 6, "three years of half-years");
    let total: i64 = periods.iter().map(|p| p["total"].as_i64().unwrap()).sum();
    // The report is the acting team's (the demo's second team has referrals too).
    assert_eq!(
        total,
        t.count(
            "SELECT COUNT(*) FROM referrals r JOIN teams m ON m.id = r.team_id \
             WHERE m.name = 'Samhandlingsteamet Fjordby'"
        )
        .await
    );
    let cumulative: Vec<i64> = periods
        .iter()
        .map(|p| p["cumulative_agencies"].as_i64().unwrap())
        .collect();
    assert!(
        cumulative.windows(2).all(|w| w[0] <= w[1]),
        "{cumulative:?}"
    );
    assert!(*cumulative.last().unwrap() >= 30, "{cumulative:?}");
    assert!(cumulative[0] < *cumulative.last().unwrap());
    let decided: i64 = rep["outcomes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(
        decided,
        t.count(
            "SELECT COUNT(*) FROM intake_decisions d JOIN referrals r ON r.id = d.referral_id \
             JOIN teams t ON t.id = r.team_id WHERE t.name = 'Samhandlingsteamet Fjordby'"
        )
        .await
    );
    // Every outcome occurs in the demo team's report except routing to FACT: diagnosis is no
    // intake criterion in this C-Flex-like team, so its demo routes nobody there.
    let outcomes = rep["outcomes"].as_object().unwrap();
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
    assert!(!outcomes.contains_key("routed_fact"), "{outcomes:?}");
    let d = &rep["days_to_decision"];
    assert!(
        d["min"].as_f64().unwrap() <= d["median"].as_f64().unwrap()
            && d["median"].as_f64().unwrap() <= d["max"].as_f64().unwrap()
    );
    assert!(rep["in_target_group"].as_i64().unwrap() <= rep["assessed"].as_i64().unwrap());
    let bad = t
        .api(
            Method::GET,
            "/api/v1/reports/referrals?period=decade",
            &tone,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

on_both_backends!(
    tandem_routes_psychosis_to_fact_and_needs_three_from_each_side,
    cflex_policy_never_routes_on_diagnosis,
    acceptance_opens_an_episode_whose_access_ends_with_it,
    bad_intake_input_is_refused_by_field,
    referrals_are_for_the_intake_team_only_and_every_read_is_audited,
    responsibility_group_takes_relatives_only_with_consent,
    the_referral_report_counts_sources_agencies_time_and_outcomes,
    an_unrelated_worker_is_refused_on_every_episode_route_and_audited,
    without_named_coordinators_the_decider_follows_up_and_ending_access_leaves_the_episode,
);
