//! Intake while the referral is being assessed (issue 8): diagnoses added during assessment
//! trigger the team policy's suggestion (Tandem-like and C-Flex-like teams), assessment notes
//! are health content kept with author and time, "already known" stays inside the team, the
//! deadline and next intake meeting, who may take part in the decision, and the organisation's
//! side. Refusals are audited.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{decide, register, synthetic_fnr, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

/// A Tandem-like team (municipality + hospital, 3 + 3, psychosis routed to FACT, its own
/// psychosis list left to the default), with six intake members; returns a token of one of them
/// and their ids.
async fn tandem(t: &TestApp) -> (String, Vec<Uuid>) {
    let policy = json!({"intake_min_participants_per_side": 3,
        "route_psychosis_to_fact": true, "diagnosis_is_intake_criterion": true,
        "intake_meeting": {"weekday": "thursday", "time": "09:00"}});
    let (token, ids, muni, hosp) = common::tandem_team(t, policy).await;
    assert_eq!(muni["side"], "municipal");
    assert_eq!(hosp["side"], "specialist");
    (token, ids)
}

async fn get(t: &TestApp, tok: &str, rid: Uuid) -> Value {
    let r = t
        .api(Method::GET, &format!("/api/v1/referrals/{rid}"), tok, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn assess(t: &TestApp, tok: &str, rid: Uuid) {
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/assess"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

async fn add_codes(t: &TestApp, tok: &str, rid: Uuid, codes: &[&str]) -> common::Resp {
    t.api(
        Method::POST,
        &format!("/api/v1/referrals/{rid}/diagnoses"),
        tok,
        Some(json!({"codes": codes})),
    )
    .await
}

async fn denied(t: &TestApp, actor: Uuid, action: &str) -> i64 {
    let r: (i64,) = t
        .db()
        .opt(
            "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 AND action = $2 AND outcome = 'denied'",
            benk_app::args![actor, action],
        )
        .await
        .unwrap()
        .unwrap();
    r.0
}

async fn diagnoses_added_during_assessment_suggest_fact_in_a_tandem_like_team(t: &TestApp) {
    let (tok, staff) = tandem(t).await;
    for (codes, expect) in [
        (&["F200"][..], Some("F20.0")),
        (&["F15.5"][..], Some("F15.5")),
        (&["F32.3", "F10.2"][..], Some("F32.3")),
        (&["F10.2"][..], None),
        (&["F32.2"][..], None),
    ] {
        // As from the public form: no diagnoses at first, so no suggestion.
        let rid = register(t, &tok, json!({"channel": "web_form"})).await;
        assert!(get(t, &tok, rid).await["suggested_outcome"].is_null());
        // Not before the assessment has started.
        let r = add_codes(t, &tok, rid, codes).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
        assess(t, &tok, rid).await;
        let r = add_codes(t, &tok, rid, codes).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let out = r.json();
        let page = get(t, &tok, rid).await;
        match expect {
            Some(code) => {
                assert_eq!(out["suggested_outcome"], "routed_fact", "{codes:?} {out}");
                assert_eq!(page["suggested_outcome"], "routed_fact", "{page}");
                assert!(page["suggestion_reason"].as_str().unwrap().contains(code));
            }
            None => {
                assert!(out["suggested_outcome"].is_null(), "{codes:?} {out}");
                assert!(page["suggested_outcome"].is_null(), "{page}");
            }
        }
        assert_eq!(
            page["diagnoses"].as_array().unwrap().len(),
            codes.len(),
            "{page}"
        );
    }
    // The same code twice is kept once; bad codes name the field and store nothing.
    let rid = register(t, &tok, json!({})).await;
    assess(t, &tok, rid).await;
    assert_eq!(
        add_codes(t, &tok, rid, &["F20.0"]).await.status,
        StatusCode::OK
    );
    let r = add_codes(t, &tok, rid, &["F200", "F25.1"]).await;
    assert_eq!(r.json()["diagnoses"], json!(["F20.0", "F25.1"]));
    for bad in [json!({"codes": ["F2"]}), json!({"codes": []})] {
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/referrals/{rid}/diagnoses"),
                &tok,
                Some(bad),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["error"]["field"], "codes", "{}", r.text);
    }
    // The suggestion shows on the referral page too.
    let b = t.login("tandem0", "et-langt-passord").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert!(page.text.contains("til FACT-team"), "{}", page.text);
    assert!(
        page.text.contains("F20-F29, F1x.5"),
        "the team's list is shown"
    );
    // Deciding records the suggestion the diagnoses gave.
    let d = decide(
        t,
        &tok,
        rid,
        json!({"outcome": "routed_fact", "reasons": "Psykose: FACT.", "participants": staff}),
    )
    .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    assert_eq!(
        get(t, &tok, rid).await["decision"]["assessment"]["suggested_outcome"],
        "routed_fact"
    );
    // Decided: no more diagnoses.
    assert_eq!(
        add_codes(t, &tok, rid, &["F10.2"]).await.status,
        StatusCode::CONFLICT
    );
}

async fn a_cflex_like_team_never_suggests_from_added_diagnoses(t: &TestApp) {
    let hanne = t.token("hanne").await;
    for codes in [&["F20.0"][..], &["F15.5"], &["F32.3"]] {
        let rid = register(t, &hanne, json!({"channel": "web_form"})).await;
        assess(t, &hanne, rid).await;
        let r = add_codes(t, &hanne, rid, codes).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.json()["suggested_outcome"].is_null(), "{}", r.text);
        assert!(get(t, &hanne, rid).await["suggested_outcome"].is_null());
    }
}

async fn assessment_notes_are_appended_with_author_and_health_personnel_only(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let arne = t.token("arne").await;
    let rid = register(t, &hanne, json!({})).await;
    assess(t, &hanne, rid).await;
    for (tok, text) in [
        (&hanne, "Ringte fastlegen."),
        (&arne, "Kjent i DPS fra 2019."),
    ] {
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/referrals/{rid}/notes"),
                tok,
                Some(json!({"text": text})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let notes = get(t, &hanne, rid).await["assessment_notes"].clone();
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["text"], "Ringte fastlegen.");
    assert_eq!(notes[1]["text"], "Kjent i DPS fra 2019.");
    assert!(
        notes[1]["author"].as_str().unwrap().contains("Arne"),
        "{notes:?}"
    );
    assert!(notes[0]["created_at"].is_string());
    // Blank text names the field.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/notes"),
            &hanne,
            Some(json!({"text": "  "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "text");

    // A non-health intake member sees neither notes nor diagnoses, and may add neither.
    let eva = t.token("eva").await;
    let nav_org = t
        .api(Method::GET, "/api/v1/organisations", &eva, None)
        .await
        .json();
    let nav_org = nav_org
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "nav")
        .unwrap()["id"]
        .clone();
    let team = t.team_id(benk_app::demo::DEMO_TEAM).await;
    let r = t
        .api(Method::POST, "/api/v1/staff", &eva, Some(json!({"username": "navinntak", "password": "et-langt-passord",
            "name": "Nina NAV", "profession": "nav_officer", "home_org_id": nav_org, "team_id": team, "role": "intake_member", "fte": 50})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let nav_id: Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let nav = t.token("navinntak").await;
    let seen = get(t, &nav, rid).await;
    assert_eq!(seen["scope"], "admin");
    assert!(seen.get("assessment_notes").is_none(), "{seen}");
    assert!(seen.get("diagnoses").is_none(), "{seen}");
    assert!(!seen.to_string().contains("Ringte fastlegen"));
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/notes"),
            &nav,
            Some(json!({"text": "Jeg vil også skrive."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        add_codes(t, &nav, rid, &["F20.0"]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(denied(t, nav_id, "referral.note_add").await, 1);
    assert_eq!(denied(t, nav_id, "referral.diagnosis_add").await, 1);
    let b = t.login("navinntak", "et-langt-passord").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("Ringte fastlegen"), "{}", page.text);
    assert!(!page.text.contains("name=\"codes\""));
    // A colleague outside the intake team is refused the referral, audited.
    let ola = t.token("ola").await;
    let r = t
        .api(Method::GET, &format!("/api/v1/referrals/{rid}"), &ola, None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/notes"),
            &ola,
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(denied(t, t.staff_id("ola").await, "intake.open").await >= 2);
    // Notes are only added: no row was changed, and each add is audited.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'referral.note_add' AND outcome = 'allowed'").await,
        2
    );
    // The page shows the notes with their author to health personnel.
    let b = t.login("hanne", "benk-demo").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert!(page.text.contains("Kjent i DPS fra 2019."), "{}", page.text);
    let csrf = common::extract_csrf(&page.text);
    let r = t
        .form(
            &b,
            &format!("/intake/referrals/{rid}/notes"),
            &[("_csrf", &csrf), ("text", "Fra skjemaet.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = t
        .form(
            &b,
            &format!("/intake/referrals/{rid}/diagnoses"),
            &[("_csrf", &csrf), ("codes", "F20.0 F10.2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let seen = get(t, &hanne, rid).await;
    assert_eq!(seen["assessment_notes"].as_array().unwrap().len(), 3);
    assert_eq!(seen["diagnoses"], json!(["F10.2", "F20.0"]));
}

async fn already_known_shows_this_teams_referrals_and_episodes_only(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let arne_id = t.staff_id("arne").await;
    let hanne_id = t.staff_id("hanne").await;
    let fnr = synthetic_fnr(201);
    // Known in Fjordby: an earlier referral, accepted, with an episode.
    let first = register(
        t,
        &hanne,
        json!({"person_national_id": fnr, "person_name": "Kjell Kjent", "person_birth_year": 1950}),
    )
    .await;
    let d = decide(
        t,
        &hanne,
        first,
        json!({"outcome": "accepted", "level": 1, "reasons": "Svak tilknytning.",
        "participants": [hanne_id, arne_id]}),
    )
    .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    let client = d.json()["client_id"].as_str().unwrap().to_string();
    // A new referral of the same person (by number) shows both, with links.
    let second = register(
        t,
        &hanne,
        json!({"person_national_id": fnr, "person_name": "Kjell K.", "person_birth_year": 1950}),
    )
    .await;
    let k = get(t, &hanne, second).await["known_before"].clone();
    assert_eq!(k["matched_by"], "national_id", "{k}");
    assert_eq!(k["referrals"].as_array().unwrap().len(), 1, "{k}");
    assert_eq!(k["referrals"][0]["id"], first.to_string());
    assert_eq!(k["referrals"][0]["outcome"], "accepted");
    assert_eq!(k["episodes"].as_array().unwrap().len(), 1, "{k}");
    assert_eq!(k["episodes"][0]["client_id"], client);
    let b = t.login("hanne", "benk-demo").await;
    let page = t.page(&b, &format!("/intake/referrals/{second}")).await;
    assert!(
        page.text.contains(&format!("/intake/referrals/{first}")),
        "{}",
        page.text
    );
    assert!(page.text.contains(&format!("/clients/{client}")));
    assert!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'referral.known'")
            .await
            >= 2,
        "the look-up is audited"
    );
    // Without a number: by name and birth year (case and spacing ignored).
    let a = register(
        t,
        &hanne,
        json!({"person_name": "Åse  Uten Nummer", "person_birth_year": 1970}),
    )
    .await;
    let b2 = register(
        t,
        &hanne,
        json!({"person_name": "åse uten nummer", "person_birth_year": 1970}),
    )
    .await;
    let other_year = register(
        t,
        &hanne,
        json!({"person_name": "Åse Uten Nummer", "person_birth_year": 1971}),
    )
    .await;
    let k = get(t, &hanne, b2).await["known_before"].clone();
    assert_eq!(k["matched_by"], "name_and_birth_year");
    let ids: Vec<&str> = k["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.to_string()], "{k}");
    assert!(!ids.contains(&other_year.to_string().as_str()));

    // The same person referred to a Tandem-like team (team A): nothing from Fjordby (team B).
    let (tok, _) = tandem(t).await;
    let there = register(
        t,
        &tok,
        json!({"person_national_id": fnr, "person_name": "Kjell Kjent", "person_birth_year": 1950}),
    )
    .await;
    let k = get(t, &tok, there).await["known_before"].clone();
    assert_eq!(k["referrals"], json!([]), "{k}");
    assert_eq!(k["episodes"], json!([]), "{k}");
    let b = t.login("tandem0", "et-langt-passord").await;
    let page = t.page(&b, &format!("/intake/referrals/{there}")).await;
    assert!(!page.text.contains(&first.to_string()));
    assert!(!page.text.contains(&client));
    // Only intake members: a colleague in the team is refused the referral, and so the look-up.
    let ola = t.token("ola").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{second}"),
            &ola,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn the_board_shows_the_deadline_overdue_in_words_and_the_next_meeting(t: &TestApp) {
    let hanne = t.token("hanne").await;
    // Received long ago, still open: overdue.
    let old = chrono::Local::now().date_naive() - chrono::Duration::days(30);
    let rid = register(
        t,
        &hanne,
        json!({"received_on": old.to_string(), "person_name": "Sen Sak"}),
    )
    .await;
    let r = get(t, &hanne, rid).await;
    assert_eq!(r["deadline"]["overdue"], true, "{r}");
    assert_eq!(
        r["deadline"]["assess_by"],
        benk_domain::assessment_deadline(old).to_string()
    );
    // Fjordby meets on Thursdays at 09:00.
    let next = r["next_intake_meeting"].as_str().unwrap();
    let next = chrono::NaiveDateTime::parse_from_str(next, "%Y-%m-%dT%H:%M:%S").unwrap();
    assert_eq!(chrono::Datelike::weekday(&next), chrono::Weekday::Thu);
    assert_eq!(next.format("%H:%M").to_string(), "09:00");
    let fresh = register(t, &hanne, json!({"person_name": "Ny Sak"})).await;
    assert_eq!(get(t, &hanne, fresh).await["deadline"]["overdue"], false);
    let board = t
        .api(Method::GET, "/api/v1/referrals", &hanne, None)
        .await
        .json();
    let card = board
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == rid.to_string())
        .unwrap();
    assert_eq!(card["deadline"]["overdue"], true, "{card}");
    let b = t.login("hanne", "benk-demo").await;
    let page = t.page(&b, "/intake").await;
    assert!(
        page.text.contains("Fristen er passert"),
        "overdue in words: {}",
        page.text
    );
    assert!(page.text.contains("Neste inntaksmøte"));
    assert!(page.text.contains("torsdag"));
    assert!(page.text.contains("kl. 09:00"));
}

async fn only_clinical_staff_take_part_and_the_side_is_the_organisations(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);
    let (eva_id, pia_id) = (t.staff_id("eva").await, t.staff_id("pia").await);
    let rid = register(t, &hanne, json!({})).await;
    // The administrator and the privacy officer take no part: 422 naming the field.
    for who in [eva_id, pia_id] {
        let r = decide(
            t,
            &hanne,
            rid,
            json!({"outcome": "declined", "reasons": "Utenfor målgruppen.",
            "participants": [hanne_id, arne_id, who]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["error"]["field"], "participants", "{}", r.text);
    }
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "Svak tilknytning.",
        "participants": [hanne_id, arne_id], "municipal_coordinator": eva_id}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.json()["error"]["field"],
        "municipal_coordinator",
        "{}",
        r.text
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM intake_decisions").await,
        144, // the demo: 142 in Fjordby, 2 in Nordvik
        "nothing stored"
    );
    // The decision form offers neither.
    let b = t.login("hanne", "benk-demo").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert!(
        page.text.contains(&format!("value=\"{hanne_id}\"")),
        "{}",
        page.text
    );
    assert!(!page.text.contains(&format!("value=\"{eva_id}\"")));
    assert!(!page.text.contains(&format!("value=\"{pia_id}\"")));

    // The side is the organisation's: the DPS set to "other" leaves Fjordby without a
    // specialist participant (min 1 per side), so the decision is refused.
    let eva = t.token("eva").await;
    let orgs = t
        .api(Method::GET, "/api/v1/organisations", &eva, None)
        .await
        .json();
    let dps = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "hospital_trust")
        .unwrap()
        .clone();
    assert_eq!(dps["side"], "specialist");
    let uri = format!("/api/v1/organisations/{}/side", dps["id"].as_str().unwrap());
    let r = t
        .api(Method::PUT, &uri, &eva, Some(json!({"side": "other"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["side"], "other");
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "declined", "reasons": "Utenfor målgruppen.",
        "participants": [hanne_id, arne_id]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("spesialisthelsetjenesten"));
    // Bad side names the field; only administrators of the installation may set it (audited).
    let r = t
        .api(Method::PUT, &uri, &eva, Some(json!({"side": "state"})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "side");
    let r = t
        .api(
            Method::PUT,
            &uri,
            &hanne,
            Some(json!({"side": "specialist"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'organisation.update' AND outcome = 'allowed'").await >= 1);
    let r = t
        .api(Method::PUT, &uri, &eva, Some(json!({"side": "specialist"})))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = decide(
        t,
        &hanne,
        rid,
        json!({"outcome": "declined", "reasons": "Utenfor målgruppen.",
        "participants": [hanne_id, arne_id]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A new organisation may be given its side at once.
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            &eva,
            Some(json!({"name": "NAV Testby", "kind": "nav",
            "org_number": "974760673", "side": "nav_state"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["side"], "nav_state");
}

on_both_backends!(
    diagnoses_added_during_assessment_suggest_fact_in_a_tandem_like_team,
    a_cflex_like_team_never_suggests_from_added_diagnoses,
    assessment_notes_are_appended_with_author_and_health_personnel_only,
    already_known_shows_this_teams_referrals_and_episodes_only,
    the_board_shows_the_deadline_overdue_in_words_and_the_next_meeting,
    only_clinical_staff_take_part_and_the_side_is_the_organisations,
);
