//! The target group as team policy and the figures the teams publish (issue 8): the report's
//! "offered help … in the target group" and "referred … got ordinary services established"
//! against a small hand-computed fixture seeded through the API, agencies by months in
//! operation, bad input, and access to established services on a person's record.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use common::{decide, register, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

/// A fresh C-Flex-like team (default criteria) started `start`, with one municipal and one
/// hospital intake member. Returns (municipal member's token, municipal id, hospital id).
async fn cflex_team(t: &TestApp, start: NaiveDate) -> (String, Uuid, Uuid) {
    let eva = t.token("eva").await;
    let muni = common::create_org(t, &eva, "Bærum kommune", "municipality", "974632535").await;
    let hosp = common::create_org(t, &eva, "Vestre Viken HF", "hospital_trust", "894166762").await;
    let team = common::create_team(
        t,
        &eva,
        "Aa C-Flex",
        &[&muni, &hosp],
        json!({"started_on": start}),
    )
    .await;
    let mut ids = Vec::new();
    for (user, org) in [("cf_muni", &muni), ("cf_dps", &hosp)] {
        let name = format!("Ansatt {user}");
        ids.push(common::add_intake_nurse(t, &eva, user, &name, org, &team, 50).await);
    }
    // The team's policy carries C-Flex's criteria by default, in the seeds' words.
    let got = t
        .api(Method::GET, &format!("/api/v1/teams/{team}"), &eva, None)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let labels: Vec<String> = got.json()["policy"]["target_group"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap().clone())
        .map(|i| i["label_nb"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "Alvorlig psykisk lidelse",
            "Alvorlig rusavhengighet/ruslidelse",
            "Stor funksjonssvikt",
            "Svak eller manglende tilknytning til tjenestene de trenger"
        ]
    );
    assert_eq!(got.json()["policy"]["started_on"], json!(start));
    (t.token("cf_muni").await, ids[0], ids[1])
}

async fn agency(t: &TestApp, tok: &str, kind: &str, name: &str) -> Value {
    let r = t
        .api(
            Method::POST,
            "/api/v1/agencies",
            tok,
            Some(json!({"kind": kind, "name": name})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].clone()
}

const ALL: [&str; 3] = [
    "serious_mental_illness",
    "major_loss_of_function",
    "weak_connection",
];

async fn report_figures_follow_the_seeds_denominators(t: &TestApp) {
    let today = benk_app::time::oslo_today();
    let start = today - Duration::days(300);
    let day = |n: i64| start + Duration::days(n);
    let (tok, muni, _) = cflex_team(t, start).await;
    let (a1, a2, a3) = (
        agency(t, &tok, "gp", "Legekontoret Sentrum").await,
        agency(t, &tok, "nav", "NAV Sentrum").await,
        agency(t, &tok, "housing_office", "Boligkontoret").await,
    );
    let reg = |kind: &'static str, agency: Value, on: NaiveDate, name: &'static str| {
        let tok = tok.clone();
        async move {
            let mut extra = json!({"agency_kind": kind, "received_on": on, "person_name": name});
            if !agency.is_null() {
                extra["agency_id"] = agency;
            }
            register(t, &tok, extra).await
        }
    };
    let decision = |outcome: &str, level: Option<i64>, items: &[&str], on: NaiveDate| {
        json!({"outcome": outcome, "level": level, "reasons": "Vurdert i inntaksmøtet.", "participants": [muni],
               "target_group": {"items": items}, "decided_on": on})
    };
    // R1: GP, day 10 → accepted at level 1, all three criteria → offered help, in the target
    //     group; a GP re-established at intake.
    let r1 = reg("gp", a1.clone(), day(10), "Rolf En").await;
    let mut b = decision("accepted", Some(1), &ALL, day(11));
    b["services_established"] = json!([{"service": "gp", "note": "Fastlege Nilsen"}]);
    let d = decide(t, &tok, r1, b).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    // R2: NAV, day 20 → accepted at level 1, no major loss of function → offered
    //     help, NOT in the target group.
    let r2 = reg("nav", a2.clone(), day(20), "Rita To").await;
    let d = decide(
        t,
        &tok,
        r2,
        decision(
            "accepted",
            Some(1),
            &["serious_substance_use", "weak_connection"],
            day(21),
        ),
    )
    .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    // R3: the same GP again, day 40 → guidance (level 3), all criteria → offered help, in the group.
    let r3 = reg("gp", a1.clone(), day(40), "Rune Tre").await;
    let d = decide(t, &tok, r3, decision("guidance", None, &ALL, day(41))).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    // R4: a relative, day 100 → routed to DPS outpatient (established at intake); in the
    //     target group, but routed on, so not "offered help by the team".
    let r4 = reg("relative", Value::Null, day(100), "Randi Fire").await;
    let mut b = decision("routed_other", None, &ALL, day(101));
    b["routed_to"] = json!("Fjordby DPS, poliklinikk");
    b["services_established"] = json!([{"service": "dps_outpatient", "established_on": day(101)}]);
    let d = decide(t, &tok, r4, b).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    // R5: housing office, day 220 (month 7) → declined, nothing ticked.
    let r5 = reg("housing_office", a3.clone(), day(220), "Roar Fem").await;
    let d = decide(t, &tok, r5, decision("declined", None, &[], day(221))).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    // R6: the person themselves, day 230 → accepted at level 2, substance use + function +
    //     weak connection → offered help, in the group; NAV established later in the course.
    let r6 = reg("self_referral", Value::Null, day(230), "Rebekka Seks").await;
    let items = [
        "serious_substance_use",
        "major_loss_of_function",
        "weak_connection",
    ];
    let mut b = decision("accepted", Some(2), &items, day(231));
    b["ordinary_service"] = json!({"service": "Psykisk helse og rus, Fjordby kommune"});
    let d = decide(t, &tok, r6, b).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    let client6 = d.json()["client_id"].as_str().unwrap().to_string();
    let s = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client6}/services"),
            &tok,
            Some(json!({"service": "nav", "established_on": day(250)})),
        )
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
    // R7: GP, day 240 → not decided yet.
    reg("gp", a1.clone(), day(240), "Ronja Sju").await;

    let rep = t
        .api(Method::GET, "/api/v1/reports/referrals", &tok, None)
        .await;
    assert_eq!(rep.status, StatusCode::OK, "{}", rep.text);
    let rep = rep.json();
    // Offered help: R1, R2, R3, R6 = 4; of those in the target group: R1, R3, R6 = 3.
    assert_eq!(rep["offered_help"], 4, "{rep}");
    assert_eq!(rep["offered_help_in_target_group"], 3, "{rep}");
    // Every decision is assessed (R5 too, with nothing ticked): R1–R6 = 6; in the target group
    // among all of them: R1, R3, R4, R6 = 4.
    assert_eq!(rep["assessed"], 6);
    assert_eq!(rep["in_target_group"], 4);
    // Referred: R1–R7 = 7; with a service established: R1 (GP at intake), R4 (DPS at intake),
    // R6 (NAV in the course) = 3.
    assert_eq!(rep["referred"], 7);
    assert_eq!(rep["services_established"], 3);
    // Months in operation: today is day 300 = 9 whole months (6 months ≈ day 181–184).
    // After 6 months: R1 (GP), R2 (NAV), R3 (the same GP), R4 (relative) → 2 agencies, 1
    // relative, 0 self-referrals. So far: + R5 (housing office), R6 (self), R7 (GP) → 3, 1, 1.
    assert_eq!(rep["started_on"], json!(start));
    assert_eq!(
        rep["by_months_in_operation"],
        json!([
            {"months": 6, "agencies": 2, "relatives": 1, "self_referrals": 0},
            {"months": 9, "agencies": 3, "relatives": 1, "self_referrals": 1},
        ])
    );

    // The page says both figures in words, with numerator and denominator.
    let b = t.login("cf_muni", "et-langt-passord").await;
    let page = t.page(&b, "/reports/referrals").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(
            "<th scope=\"row\">Av dem som fikk tilbud om hjelp fra teamet: i målgruppen</th><td class=\"num\">75,0 % (3/4)</td>"
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains(
        "<th scope=\"row\">Av dem som ble henvist: fikk etablert eller reetablert tilbud i ordinære tjenester</th><td class=\"num\">42,9 % (3/7)</td>"
    ));
    assert!(page.text.contains("Etter 6 måneder"));
    assert!(page
        .text
        .contains("pårørende og personen selv regnes ikke som instanser"));

    // The decision keeps its assessment item by item, where R4 went, and what was established.
    let r = t
        .api(Method::GET, &format!("/api/v1/referrals/{r4}"), &tok, None)
        .await;
    let a = &r.json()["decision"]["assessment"];
    assert_eq!(a["routed_to"], "Fjordby DPS, poliklinikk");
    assert_eq!(a["in_target_group"], true);
    let ticked: Vec<&str> = a["target_items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["checked"] == true)
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert_eq!(ticked, ALL);
    assert_eq!(a["target_items"].as_array().unwrap().len(), 4);
    assert_eq!(a["services_established"][0]["service"], "dps_outpatient");
    // The person's record lists services from intake and from the course.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client6}/services"),
            &tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()[0]["service"], "nav");
    assert_eq!(r.json()[0]["at_intake"], false);
}

async fn bad_target_group_input_is_refused_by_field(t: &TestApp) {
    let today = benk_app::time::oslo_today();
    let (tok, muni, _) = cflex_team(t, today - Duration::days(30)).await;
    let rid = register(t, &tok, json!({})).await;
    let services_before = t.count("SELECT COUNT(*) FROM established_services").await;
    let base = |extra: Value| {
        let mut b =
            json!({"outcome": "declined", "reasons": "Ikke i målgruppen.", "participants": [muni]});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (
            json!({"target_group": {"items": ["boligproblem"]}}),
            "target_group.items",
            "target_group_unknown_item",
        ),
        (
            json!({"outcome": "routed_other"}),
            "routed_to",
            "routed_to_missing",
        ),
        (
            json!({"routed_to": "DPS"}),
            "routed_to",
            "routed_to_not_allowed",
        ),
        (
            json!({"services_established": [{"service": "other"}]}),
            "services_established",
            "other_service_unnamed",
        ),
        (
            json!({"services_established": [{"service": "gp", "established_on": today + Duration::days(1)}]}),
            "services_established",
            "future_date",
        ),
        (
            json!({"services_established": [{"service": "gp", "established_on": today - Duration::days(400)}]}),
            "services_established",
            "before_referral",
        ),
        (
            json!({"services_established": [{"service": "tannlege"}]}),
            "services_established",
            "unknown_service",
        ),
    ];
    for (extra, field, code) in cases {
        let r = decide(t, &tok, rid, base(extra.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{extra}: {}",
            r.text
        );
        let body = r.json();
        let errors = body["error"]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{extra}: {body}"
        );
    }
    // Nothing was half-saved: no services, and the referral is still undecided.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM established_services").await,
        services_before
    );
    let r = t
        .api(Method::GET, &format!("/api/v1/referrals/{rid}"), &tok, None)
        .await;
    assert!(r.json()["decision"].is_null(), "{}", r.text);
    // A team policy with a repeated code is refused.
    let eva = t.token("eva").await;
    let owners = t
        .api(Method::GET, "/api/v1/organisations", &eva, None)
        .await
        .json();
    let owner = owners[0]["id"].clone();
    let item = json!({"code": "x", "label_nb": "X", "label_en": "X"});
    let r = t
        .api(
            Method::POST,
            "/api/v1/teams",
            &eva,
            Some(
                json!({"name": "Feil", "owners": [owner], "policy": {"target_group": [
                {"code": "x", "label_nb": "X", "label_en": "X", "items": [item]}]}}),
            ),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM teams WHERE name = 'Feil'")
            .await,
        0
    );
}

async fn established_services_need_the_care_team_and_refusals_are_audited(t: &TestApp) {
    let today = benk_app::time::oslo_today();
    let (tok, muni, _) = cflex_team(t, today - Duration::days(30)).await;
    let rid = register(t, &tok, json!({})).await;
    let d = decide(
        t,
        &tok,
        rid,
        json!({"outcome": "accepted", "level": 1, "reasons": "Tas inn.", "participants": [muni],
               "target_group": {"items": ALL}}),
    )
    .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    let client: Uuid = d.json()["client_id"].as_str().unwrap().parse().unwrap();
    // Ola works in another team and has no care relationship with the person.
    let ola = t.token("ola").await;
    let before = t.audit_count(client, "client.open", "denied").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/services"),
            &ola,
            Some(json!({"service": "gp"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/services"),
            &ola,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "client.open", "denied").await,
        before + 2
    );
    // The care team's member records one; bad input is refused by field; both are audited.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/services"),
            &tok,
            Some(json!({"service": "other"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "note", "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/services"),
            &tok,
            Some(json!({"service": "other", "note": "Frisklivssentralen"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "service.establish", "allowed").await,
        1
    );
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}/services"),
            &tok,
            None,
        )
        .await;
    // Only the care team's one: the refused attempts saved nothing.
    assert_eq!(r.json().as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.json()[0]["note"], "Frisklivssentralen");
    assert_eq!(t.audit_count(client, "service.read", "allowed").await, 1);

    // The person's page shows the section and records through its form.
    let b = t.login("cf_muni", "et-langt-passord").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains("Ordinære tjenester etablert eller reetablert"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("Annen tjeneste (Frisklivssentralen)"),
        "{}",
        page.text
    );
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/services"),
            &[
                ("service", "housing_follow_up"),
                ("note", ""),
                ("established_on", ""),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text);
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Oppfølging i bolig"), "{}", page.text);
    // Bad input on the form is refused, naming the field.
    let r = t
        .form(
            &b,
            &format!("/clients/{client}/services"),
            &[("service", "other"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Ola cannot post the form either, and the refusal is audited.
    let before = t.audit_count(client, "client.open", "denied").await;
    let ob = t.login("ola", "benk-demo").await;
    let r = t
        .form(
            &ob,
            &format!("/clients/{client}/services"),
            &[("service", "gp")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(client, "client.open", "denied").await,
        before + 1
    );
}

async fn the_demo_reads_like_the_seed(t: &TestApp) {
    let tone = t.token("tone").await;
    let rep = t
        .api(Method::GET, "/api/v1/reports/referrals", &tone, None)
        .await
        .json();
    // C-Flex (`003`): 18 agencies after 6 months, 31 after 36; 91.6 % of those offered help in
    // the target group; 40 % of those referred got ordinary services established.
    let months = rep["by_months_in_operation"].as_array().unwrap();
    let six = &months[0];
    assert_eq!(six["months"], 6);
    let after_six = six["agencies"].as_i64().unwrap();
    assert!((15..=21).contains(&after_six), "{rep}");
    let now = months.last().unwrap()["agencies"].as_i64().unwrap();
    assert!((28..=34).contains(&now), "{rep}");
    let share = rep["services_established"].as_f64().unwrap() / rep["referred"].as_f64().unwrap();
    assert!((0.33..=0.47).contains(&share), "{rep}");
    let tg = rep["offered_help_in_target_group"].as_f64().unwrap()
        / rep["offered_help"].as_f64().unwrap();
    assert!((0.85..=0.97).contains(&tg), "{rep}");
}

on_both_backends!(
    the_demo_reads_like_the_seed,
    report_figures_follow_the_seeds_denominators,
    bad_target_group_input_is_refused_by_field,
    established_services_need_the_care_team_and_refusals_are_audited,
);
