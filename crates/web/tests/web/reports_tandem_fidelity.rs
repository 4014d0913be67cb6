//! The Tandem follow-up and the fidelity profile (issue 11, reports 3 and 5), and the report
//! settings page: a hand-made fixture in a new Tandem-like team in the first quarter of 2024
//! (three people: one still followed, one who dropped out, one who moved), checked in JSON,
//! on the page, in the PDF's text, the XLSX's cells and the CSV's lines against hand-computed
//! numbers; who may run them (treatment only for health personnel); the settings page and API
//! (the team lead changes, others read, bad values name the field). Both backends.

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::reports::{audits, get_bytes, page_bytes, table, xlsx_cells};
use common::TestApp;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    tandem_and_fidelity_hand_computed,
    no_data_is_not_an_error,
    who_may_run_tandem_and_fidelity,
    settings_page_and_api,
    fidelity_positions_follow_the_share_history,
);

const PERIOD: &str = "from=2024-01-01&to=2024-03-31";

/// The fixture's people: (course, person).
struct Fixture {
    lead: String,
    coordinator: String,
}

async fn post(t: &TestApp, token: &str, path: String, body: Value) -> Value {
    let r = t.api(Method::POST, &path, token, Some(body)).await;
    assert!(
        r.status == StatusCode::CREATED || r.status == StatusCode::NO_CONTENT,
        "{path}: {} {}",
        r.status,
        r.text
    );
    if r.text.is_empty() {
        Value::Null
    } else {
        r.json()
    }
}

/// A Tandem-like team with six intake nurses (100 % each) and a team lead (100 %): seven
/// positions. Three people in the first quarter of 2024:
/// - A: referred 2 Jan, included 5 Jan, homeless → municipal rental (20 Feb), DPS outpatient
///   clinic from 1 Feb (27 days), still followed;
/// - B: referred 10 Jan, included 15 Jan, own home → evicted 10 Feb → temporary; lost contact,
///   closed 1 March (a drop-out);
/// - C: referred 1 Feb, included 5 Feb, temporary; moved, closed 10 March (own home on 20 March,
///   after the team stopped following: not counted).
async fn fixture(t: &TestApp) -> Fixture {
    let (token, ids, muni, _) = common::tandem_team(t, json!({})).await;
    let eva = t.token("eva").await;
    let team = t
        .db()
        .all::<(Uuid,)>("SELECT id FROM teams WHERE name = 'Tandem'", vec![])
        .await
        .unwrap()[0]
        .0;
    post(
        t,
        &eva,
        "/api/v1/staff".into(),
        json!({"username": "tandemleder", "password": "et-langt-passord", "name": "Tandem Leder",
            "profession": "nurse", "home_org_id": muni["id"], "team_id": team.to_string(),
            "role": "team_lead", "fte": 100}),
    )
    .await;
    // The members were added today, and a member counts from the day of joining; the team is
    // one that existed before the fixture's 2024 (as a team that began to use Benk after its
    // start would): their first shares are moved back to 2023.
    let moved = t
        .db()
        .execute_unaudited(
            "UPDATE membership_position_shares SET valid_from = $1 WHERE team_id = $2",
            benk_app::args![chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(), team],
        )
        .await
        .unwrap();
    assert_eq!(moved, 7, "six intake nurses and the lead");
    let lead = t.token("tandemleder").await;
    let (t1, t4) = (ids[1], ids[4]);
    let mut people = Vec::new();
    for (name, received, decided) in [
        ("Anna Først", "2024-01-02", "2024-01-05"),
        ("Bjørn Borte", "2024-01-10", "2024-01-15"),
        ("Cato Flyttet", "2024-02-01", "2024-02-05"),
    ] {
        let rid = common::register(
            t,
            &token,
            json!({"person_name": name, "received_on": received, "person_birth_year": 1980}),
        )
        .await;
        let r = common::decide(
            t,
            &token,
            rid,
            json!({"outcome": "accepted", "level": 1, "reasons": "Trenger teamet.",
                "participants": [ids[0], ids[3]], "decided_on": decided,
                "municipal_coordinator": t1, "specialist_coordinator": t4}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let j = r.json();
        people.push((
            j["episode_id"].as_str().unwrap().to_string(),
            j["client_id"].as_str().unwrap().to_string(),
        ));
    }
    let coordinator = t.token("tandem1").await;
    let c = &coordinator;
    let (a, b, cc) = (&people[0].1, &people[1].1, &people[2].1);
    for (who, status, from) in [
        (a, "homeless", "2023-06-01"),
        (a, "municipal_rental", "2024-02-20"),
        (b, "own_home", "2020-01-01"),
        (b, "temporary", "2024-02-10"),
        (cc, "temporary", "2024-01-01"),
        (cc, "own_home", "2024-03-20"),
    ] {
        post(
            t,
            c,
            format!("/api/v1/clients/{who}/housing/statuses"),
            json!({"status": status, "from_date": from}),
        )
        .await;
    }
    post(
        t,
        c,
        format!("/api/v1/clients/{b}/housing/evictions"),
        json!({"evicted_on": "2024-02-10"}),
    )
    .await;
    post(
        t,
        c,
        format!("/api/v1/clients/{a}/services"),
        json!({"service": "dps_outpatient", "established_on": "2024-02-01"}),
    )
    .await;
    for (who, at, kind, met, staff) in [
        (a, "2024-01-08T10:00:00Z", "home_visit", true, vec![t1, t4]),
        (b, "2024-01-20T10:00:00Z", "phone", false, vec![t1]),
        (b, "2024-01-25T10:00:00Z", "office", true, vec![t1]),
        (cc, "2024-02-12T10:00:00Z", "outreach", true, vec![t1, t4]),
        (a, "2024-02-20T10:00:00Z", "home_visit", true, vec![t1]),
        (a, "2024-03-05T10:00:00Z", "accompany_gp", true, vec![t4]),
    ] {
        post(
            t,
            c,
            format!("/api/v1/clients/{who}/contacts"),
            json!({"occurred_at": at, "duration_min": 30, "kind": kind, "met": met, "staff": staff}),
        )
        .await;
    }
    for (episode, on, reason) in [
        (&people[1].0, "2024-03-01", "lost_contact"),
        (&people[2].0, "2024-03-10", "moved"),
    ] {
        post(
            t,
            c,
            format!("/api/v1/episodes/{episode}/close"),
            json!({"closed_on": on, "reason": reason}),
        )
        .await;
    }
    // Threshold 2: counts of 1 are hidden in the exports, 2 and 3 shown.
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &lead,
            Some(json!({"small_threshold": 2, "cost_per_inpatient_day": 4000, "co_financing_percent": 20,
                "fidelity_targets": {"people_per_fte": 5}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    Fixture { lead, coordinator }
}

/// A report of the fixture's quarter as a file, through the API.
async fn file(t: &TestApp, tok: &str, name: &str, format: &str) -> Vec<u8> {
    let uri = format!("/api/v1/reports/{name}?format={format}&{PERIOD}");
    let (status, _, bytes) = get_bytes(t, &uri, tok).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    bytes
}

fn counts(row: &Value) -> Vec<Value> {
    row.as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|c| match c["kind"].as_str() {
            Some("count") => c["n"].clone(),
            _ => json!(c["kind"]),
        })
        .collect()
}

async fn tandem_and_fidelity_hand_computed(t: &TestApp) {
    let f = fixture(t).await;
    let tok = &f.coordinator;
    // --- Tandem follow-up, JSON (the export's copy: 1s hidden).
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/tandem?{PERIOD}"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    // Taken in: January A and B (2 so far, 2 followed on the 31st); February C (3, 3 on the
    // 29th); March nobody (3 in all, only A followed on the 31st).
    let intake = table(&rep, "tandem.intake");
    assert_eq!(intake.len(), 4);
    // Secondary suppression: February's 1 is hidden and the quarter's row gives the column's
    // total (3), so January's 2 (the next smallest) is hidden too, or 3 − 2 − 0 would tell.
    assert_eq!(counts(&intake[0]), [json!("withheld"), json!(2), json!(2)]);
    assert_eq!(
        counts(&intake[1]),
        [json!("suppressed"), json!(3), json!(3)]
    );
    assert_eq!(
        counts(&intake[2]),
        [json!(0), json!(3), json!("suppressed")]
    );
    // The whole quarter: 3 taken in, 3 in all, 3 followed.
    assert_eq!(counts(&intake[3]), [json!(3), json!(3), json!(3)]);
    // Housing: own home 1 → 0, municipal 0 → 1, temporary 1 → 2 (B evicted; C as when he
    // moved), homeless 1 → 0.
    let h = table(&rep, "tandem.housing");
    // Temporary now (2) is withheld since suppression runs across the report's tables: the
    // "now" column adds up to the 3 people the intake table's total row shows, so municipal's
    // hidden 1 was 3 − 2.
    assert_eq!(counts(&h[2]), [json!("suppressed"), json!("withheld")]);
    assert_eq!(counts(&h[4]), [json!(0), json!(0)]);
    assert_eq!(h[6][0]["text"]["nb"], "Ikke registrert");
    let housed = table(&rep, "tandem.housed");
    assert_eq!(housed[0][1]["kind"], "suppressed"); // 1 of 3
                                                    // Evictions: one person, one eviction, of three followed.
    let ev = table(&rep, "tandem.evictions");
    assert_eq!(ev[0][1], json!({"kind": "count", "n": 3, "people": true}));
    assert_eq!(ev[1][1]["kind"], "suppressed");
    // --- The page: every number for the team.
    let b = t.login("tandem1", "et-langt-passord").await;
    let page = t.page(&b, &format!("/reports/tandem?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for want in [
        "Tandem-oppfølging",
        "<th scope=\"row\">2024-02</th><td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">3</td>",
        "<th scope=\"row\">Bostedsløs</th><td class=\"num\">1</td><td class=\"num\">0</td>",
        "33,3 % (1/3)",
        "100,0 % (1/1)",
        "<th scope=\"row\">DPS poliklinikk</th><td class=\"num\">1</td><td class=\"num\">33,3 % (1/3)</td>",
        "<td class=\"num\">27,0</td>",
        "<svg",
    ] {
        assert!(page.text.contains(want), "page lacks {want}");
    }
    // --- PDF (the team's file: small numbers hidden).
    let (s, h, pdf) = page_bytes(
        t,
        &b,
        &format!("/reports/tandem/download?format=pdf&{PERIOD}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    let text = benk_app::reports::pdf::extract_text(&pdf);
    for want in [
        "Tandem-oppfølging",
        "Bosituasjon ved inntak og nå",
        "Utkastelser etter inntak",
        "Startet behandling",
        "<2",
        "Definisjoner",
    ] {
        assert!(text.contains(want), "PDF lacks {want}: {text}");
    }
    // --- XLSX and CSV.
    let xlsx = file(t, tok, "tandem", "xlsx").await;
    let cells = xlsx_cells(&xlsx);
    assert_eq!(cells["tandem.intake"]["A3"], "S:2024-01");
    assert_eq!(cells["tandem.intake"]["B3"], "S::");
    assert_eq!(cells["tandem.intake"]["C5"], "N:3");
    // Withheld: the "now" column's sum is the intake table's total (see the JSON above).
    assert_eq!(cells["tandem.housing"]["C5"], "S::");
    assert_eq!(cells["tandem.evictions"]["B3"], "N:3");
    let csv = file(t, tok, "tandem", "csv").await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines()
            .any(|l| l == "tandem.intake,2,2024-02,3,Tatt inn i alt,count,3,,,,"),
        "{csv}"
    );
    assert!(csv
        .lines()
        .any(|l| l == "tandem.evictions,2,Personer kastet ut,2,Antall,suppressed,,,,,"));

    // --- Fidelity profile, JSON. Seven positions; the team's target of 5 per position.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/fidelity?{PERIOD}"),
            tok,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    // People per position: January 2 / 7 = 0.286, February 3 / 7, March 1 / 7 (hidden).
    let p = table(&rep, "fidelity.people_per_fte");
    assert_eq!(p[0][1]["n"], 2);
    assert_eq!(p[0][2]["v"], 7.0);
    assert!((p[0][3]["v"].as_f64().unwrap() - 2.0 / 7.0).abs() < 1e-9);
    assert_eq!(p[0][4]["v"], 5.0);
    assert_eq!(p[2][3]["kind"], "suppressed");
    // Contacts per person-week: January 2 met / (27 + 17 days / 7); February 2 / (29 + 29 +
    // 25) × 7; March 1 / (31 + 1 + 10) × 7.
    let c = table(&rep, "fidelity.contacts_per_person_week");
    assert!((c[0][3]["v"].as_f64().unwrap() - 14.0 / 44.0).abs() < 1e-9);
    assert!((c[1][3]["v"].as_f64().unwrap() - 14.0 / 83.0).abs() < 1e-9);
    assert_eq!(c[2][1]["kind"], "suppressed");
    // In the community: January 1 of 3 (the phone and office are not), February 2 of 2.
    let k = table(&rep, "fidelity.community_percent");
    assert_eq!(k[0][3]["kind"], "suppressed");
    assert_eq!(k[1][3], json!({"kind": "percent", "num": 2, "den": 2}));
    // Days to first contact: A 6 and B 15 in January (median 10.5).
    let d = table(&rep, "fidelity.days_to_first_contact");
    assert_eq!(d[0][1]["n"], 2);
    assert_eq!(d[0][2]["v"], 10.5);
    assert_eq!(d[0][3], json!({"kind": "range", "min": 6.0, "max": 15.0}));
    // Drop-out: B (lost contact) in March, of 3 followed; C moved (not a drop-out).
    let o = table(&rep, "fidelity.dropout_percent_year");
    assert_eq!(o[2][2]["n"], 3);
    assert_eq!(o[2][3]["kind"], "suppressed");
    assert_eq!(o[1][3], json!({"kind": "percent", "num": 0, "den": 3}));
    // The whole quarter: community 4 of 6, shared 2 of 3 (A and C met by two), median of 6,
    // 11 and 15 days = 11, contacts per person-week 5 / (169 / 7).
    let w = table(&rep, "fidelity.summary");
    assert!((w[1][1]["v"].as_f64().unwrap() - 35.0 / 169.0).abs() < 1e-9);
    assert_eq!(w[2][1], json!({"kind": "percent", "num": 4, "den": 6}));
    assert_eq!(w[3][1], json!({"kind": "percent", "num": 2, "den": 3}));
    assert_eq!(w[4][1]["v"], 11.0);
    assert_eq!(w[5][2]["v"], 1.25);
    // The page, the PDF and the XLSX say the same.
    let page = t.page(&b, &format!("/reports/fidelity?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for want in [
        "Troskapsprofil",
        "<th scope=\"row\">2024-01</th><td class=\"num\">2</td><td class=\"num\">7,0</td><td class=\"num\">0,3</td><td class=\"num\">5,0</td>",
        "66,7 % (4/6)",
        "66,7 % (2/3)",
        "33,3 % (1/3)",
        "10,5",
    ] {
        assert!(page.text.contains(want), "page lacks {want}");
    }
    let pdf = file(t, tok, "fidelity", "pdf").await;
    let text = benk_app::reports::pdf::extract_text(&pdf);
    for want in ["Troskapsprofil", "66,7 % (4/6)", "10,5", "Frafall"] {
        assert!(text.contains(want), "PDF lacks {want}: {text}");
    }
    let xlsx = file(t, tok, "fidelity", "xlsx").await;
    let cells = xlsx_cells(&xlsx);
    assert_eq!(cells["fidelity.people_per_fte"]["D3"], "N:0.3");
    assert_eq!(cells["fidelity.days_to_first_contact"]["C3"], "N:10.5");
    assert_eq!(cells["fidelity.summary"]["B5"], "N:0.667");
    assert_eq!(cells["fidelity.summary"]["C5"], "N:4");
    let csv = file(t, tok, "fidelity", "csv").await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines().any(
            |l| l == "fidelity.days_to_first_contact,1,2024-01,3,Median dager,decimal,10.5,,,,"
        ),
        "{csv}"
    );
    // Every run audited with its format; the Tandem report names the treatment it read.
    assert_eq!(
        audits(
            t,
            "report.tandem",
            "allowed",
            // A release (the JSON leaves the team): the row goes on with the release memory's
            // part, `release,compared:N,withheld:K`.
            "%format:json,period:2024-01-01..2024-03-31,aggregate,established_services,release,%"
        )
        .await,
        1
    );
    assert_eq!(
        audits(
            t,
            "report.fidelity",
            "allowed",
            "%period:2024-01-01..2024-03-31%"
        )
        .await,
        5
    );
    let _ = f.lead;
}

async fn no_data_is_not_an_error(t: &TestApp) {
    let tone = t.token("tone").await;
    // The demo has no courses in 2001: zeros, "–" shares, empty medians; not an error.
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/tandem?from=2001-01-01&to=2001-02-28",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    assert_eq!(table(&rep, "tandem.intake").len(), 3);
    assert_eq!(
        table(&rep, "tandem.housed")[0][1],
        json!({"kind": "percent", "num": 0, "den": 0})
    );
    assert_eq!(
        table(&rep, "tandem.treatment_days")[0][2],
        json!({"kind": "decimal", "v": null})
    );
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/fidelity?from=2001-01-01&to=2001-02-28",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    let p = table(&rep, "fidelity.people_per_fte");
    assert_eq!(p.len(), 2);
    assert_eq!(p[0][1]["n"], 0);
    assert_eq!(
        table(&rep, "fidelity.community_percent")[0][3],
        json!({"kind": "percent", "num": 0, "den": 0})
    );
    // The demo's own year is not empty: the profile and the follow-up have people.
    let r = t
        .api(Method::GET, "/api/v1/reports/fidelity", &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let w = r.json();
    assert_eq!(table(&w, "fidelity.summary")[2][1]["kind"], "percent");
    let b = t.login("tone", "benk-demo").await;
    let (s, _, pdf) = page_bytes(t, &b, "/reports/tandem/download?format=pdf").await;
    assert_eq!(s, StatusCode::OK);
    assert!(benk_app::reports::pdf::extract_text(&pdf).contains("Tandem-oppfølging"));
}

async fn who_may_run_tandem_and_fidelity(t: &TestApp) {
    // Per (NAV, not health personnel) gets the follow-up without the treatment, which is
    // not even read; the audit row says so.
    let per = t.token("per").await;
    let r = t
        .api(Method::GET, "/api/v1/reports/tandem", &per, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    assert!(!r.text.contains("tandem.treatment"));
    assert_eq!(table(&rep, "tandem.evictions").len(), 3);
    assert_eq!(
        audits(
            t,
            "report.tandem",
            "allowed",
            "%established_services:withheld,release,%"
        )
        .await,
        1
    );
    let r = t
        .api(Method::GET, "/api/v1/reports/fidelity", &per, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Tone (a nurse, the team lead) sees the treatment.
    let tone = t.token("tone").await;
    let r = t
        .api(Method::GET, "/api/v1/reports/tandem", &tone, None)
        .await;
    assert!(r.text.contains("tandem.treatment"));
    // The administrator is no working member of the team: refused and audited, both reports.
    let eva = t.token("eva").await;
    for name in ["tandem", "fidelity"] {
        let r = t
            .api(Method::GET, &format!("/api/v1/reports/{name}"), &eva, None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert_eq!(
            audits(
                t,
                &format!("report.{name}"),
                "denied",
                "%none:not_a_member_of_the_team%"
            )
            .await,
            1
        );
    }
    let b = t.login("eva", "benk-demo").await;
    let page = t.page(&b, "/reports/fidelity").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

/// The settings form with three values chosen (the others fixed: people per position 12,5).
fn settings_form<'a>(
    threshold: &'a str,
    cost: &'a str,
    community: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("small_threshold", threshold),
        ("cost_per_inpatient_day", cost),
        ("co_financing_percent", "20"),
        ("fidelity_targets.people_per_fte", "12,5"),
        ("fidelity_targets.contacts_per_person_week", "1"),
        ("fidelity_targets.community_percent", community),
        ("fidelity_targets.shared_caseload_percent", "90"),
        ("fidelity_targets.days_to_first_contact", "14"),
        ("fidelity_targets.dropout_percent_year", "5"),
    ]
}

async fn settings_page_and_api(t: &TestApp) {
    // The team lead sees the form with the team's values (the demo's targets for Fjordby).
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, "/reports/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("action=\"/reports/settings\""));
    assert!(page
        .text
        .contains("name=\"fidelity_targets.community_percent\" type=\"text\" inputmode=\"decimal\" value=\"75\""));
    let list = t.page(&b, "/reports").await;
    assert!(list.text.contains("href=\"/reports/settings\""));
    // Bad values: 422, each field named, what was typed kept, nothing saved.
    let r = t
        .form(&b, "/reports/settings", &settings_form("1", "mange", "120"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"cost_per_inpatient_day-error\""));
    assert!(r.text.contains("value=\"mange\""));
    assert!(r.text.contains("value=\"12,5\""));
    assert!(r.text.contains("value=\"120\""));
    let api = t.token("tone").await;
    let stored = t
        .api(Method::GET, "/api/v1/report-settings", &api, None)
        .await
        .json();
    assert_eq!(stored["fidelity_targets"]["community_percent"], 75.0);
    // Numbers that parse but are out of range are the use case's: named too.
    let r = t
        .form(&b, "/reports/settings", &settings_form("1", "4000", "120"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"small_threshold-error\""));
    assert!(r
        .text
        .contains("id=\"fidelity_targets.community_percent-error\""));
    // A good form is saved (decimal comma) and audited.
    let r = t
        .form(&b, "/reports/settings", &settings_form("4", "4200", "85"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let stored = t
        .api(Method::GET, "/api/v1/report-settings", &api, None)
        .await
        .json();
    assert_eq!(stored["small_threshold"], 4);
    assert_eq!(stored["fidelity_targets"]["people_per_fte"], 12.5);
    assert_eq!(
        audits(t, "report.settings", "allowed", "%report_settings%").await,
        1
    );
    // Another member (Per) reads the values, gets no form, and is refused (audited) when
    // posting anyway, whatever the numbers.
    let p = t.login("per", "benk-demo").await;
    let page = t.page(&p, "/reports/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("action=\"/reports/settings\""));
    assert!(page.text.contains("12,5"));
    let r = t
        .form(&p, "/reports/settings", &[("small_threshold", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        audits(t, "report.settings", "denied", "%none:not_team_lead%").await,
        1
    );
    // The team's administrator is a member too: reads, no form.
    let e = t.login("eva", "benk-demo").await;
    let page = t.page(&e, "/reports/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("action=\"/reports/settings\""));
    // The API: a target out of range is 422 naming it; an unknown target is refused.
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &api,
            Some(json!({"small_threshold": 5, "cost_per_inpatient_day": 4000, "co_financing_percent": 20,
                "fidelity_targets": {"dropout_percent_year": 101}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.json()["error"]["field"],
        "fidelity_targets.dropout_percent_year"
    );
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &api,
            Some(json!({"small_threshold": 5, "cost_per_inpatient_day": 4000, "co_financing_percent": 20,
                "fidelity_targets": {"contacts_in_community": 80}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // Per through the API: refused and audited.
    let per = t.token("per").await;
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &per,
            Some(json!({"small_threshold": 5, "cost_per_inpatient_day": 4000, "co_financing_percent": 20,
                "fidelity_targets": {}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        audits(t, "report.settings", "denied", "%none:not_team_lead%").await,
        2
    );
}

/// The positions column of the demo team's people-per-position table, month by month, over
/// the period from `from` to today.
async fn positions(t: &TestApp, token: &str, from: chrono::NaiveDate) -> Vec<(String, f64)> {
    positions_until(t, token, from, benk_app::time::oslo_today()).await
}

/// [`positions`] over the period from `from` to `to`.
async fn positions_until(
    t: &TestApp,
    token: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Vec<(String, f64)> {
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/fidelity?from={from}&to={to}"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    table(&r.json(), "fidelity.people_per_fte")
        .iter()
        .map(|r| {
            (
                r[0]["text"]["nb"].as_str().unwrap().to_string(),
                r[2]["v"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The demo's Fjordby: the working members' shares today add up to 5.3 positions (Tone 100,
/// Arne 50, Mari 30, Jonas 20, Sara 50, Ola 50, Ingrid 30, Kristin 40, Per 40, Lise 40, Hanne
/// 80; not Eva the administrator or Pia the privacy officer). Hanne went from 50 % to 80 % on
/// the first of the month five months ago: the months before it have 5.0. The administrator
/// then raises Ola to 100 %, disables Kristin, adds Anne from the Nordvik team at 40 % and makes
/// a new account with a membership at 50 % today: only this month changes.
async fn fidelity_positions_follow_the_share_history(t: &TestApp) {
    use chrono::Datelike;
    let today = benk_app::time::oslo_today();
    let changed = (today - chrono::Duration::days(150)).with_day(1).unwrap();
    let from = (today - chrono::Duration::days(220)).with_day(1).unwrap();
    let tone = t.token("tone").await;
    let month = |label: &str| {
        chrono::NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").unwrap()
    };
    let expect = |now: f64| {
        move |rows: &[(String, f64)]| {
            assert!(rows.len() >= 7, "{rows:?}");
            for (i, (label, v)) in rows.iter().enumerate() {
                let want = if i + 1 == rows.len() {
                    now
                } else if month(label) >= changed {
                    5.3
                } else {
                    5.0
                };
                assert!(
                    (v - want).abs() < 1e-9,
                    "{label}: {v}, not {want}: {rows:?}"
                );
            }
        }
    };
    expect(5.3)(&positions(t, &tone, from).await);
    let eva = t.login("eva", "benk-demo").await;
    let (ola, kristin) = (t.staff_id("ola").await, t.staff_id("kristin").await);
    let r = t
        .form(
            &eva,
            &format!("/admin/users/{ola}/membership"),
            &[("role", "worker"), ("fte", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    expect(5.8)(&positions(t, &tone, from).await);
    let r = t
        .form(
            &eva,
            &format!("/admin/users/{kristin}/disabled"),
            &[("value", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    expect(5.4)(&positions(t, &tone, from).await);
    // New members join today and count from today only (a membership's first share is the
    // day it starts): Anne from the Nordvik team is added to Fjordby at 40 % ...
    let anne = t.staff_id("anne").await;
    let r = t
        .form(
            &eva,
            &format!("/admin/users/{anne}/membership"),
            &[("role", "worker"), ("fte", "40")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    expect(5.8)(&positions(t, &tone, from).await);
    // ... and a new account is made with a membership of the team at 50 %.
    let org: Vec<(Uuid,)> = t
        .db()
        .all(
            "SELECT home_org_id FROM staff WHERE id = $1",
            benk_app::args![ola],
        )
        .await
        .unwrap();
    let r = t
        .form(
            &eva,
            "/admin/users",
            &[
                ("name", "Nina Ny"),
                ("username", "nina-ny"),
                ("password", "et-langt-passord"),
                ("profession", "nurse"),
                ("home_org_id", &org[0].0.to_string()),
                ("role", "worker"),
                ("fte", "50"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    expect(6.3)(&positions(t, &tone, from).await);
    // The summary says the positions at the end of the period.
    let b = t.login("tone", "benk-demo").await;
    let page = t
        .page(&b, &format!("/reports/fidelity?from={from}&to={today}"))
        .await;
    assert!(
        page.text.contains("Årsverk ved periodens slutt: 6,3."),
        "{}",
        page.text
    );
    // A period that ended yesterday has none of today's changes: the last month's positions
    // are as before them (Hanne's raise counted, Ola's not).
    let yesterday = today - chrono::Duration::days(1);
    let rows = positions_until(t, &tone, from, yesterday).await;
    assert_eq!(rows.last().unwrap().1, 5.3, "{rows:?}");
}
