//! Reports of the framework (issue 11): the SPoR survey and team activity computed from
//! hand-made fixtures in a quiet year (2001, before the demo's data), checked in every format
//! (JSON, the page, PDF text, XLSX cells, CSV lines) against hand-computed numbers; small-number
//! suppression by the team's threshold; the edges (no data, one person, ties, an even count);
//! and who is refused (audited). Both backends.

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::reports::{audits, get_bytes, page_bytes, table, xlsx_cells};
use common::TestApp;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    spor_survey_in_every_format,
    spor_edges_no_data_and_one_person,
    activity_hand_computed,
    activity_level_and_month_of_the_day_in_norway,
    who_may_run_reports_and_settings,
    teams_side_by_side_hand_computed,
    referral_report_on_the_framework,
);

const PERIOD: &str = "from=2001-01-01&to=2001-12-31";

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

/// A GET the caller may not make: 403, and one more refusal audited as `action` with `reason`.
async fn refused(t: &TestApp, uri: &str, token: &str, action: &str, reason: &str) {
    let like = format!("%none:{reason}%");
    let before = audits(t, action, "denied", &like).await;
    let r = t.api(Method::GET, uri, token, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(audits(t, action, "denied", &like).await, before + 1);
}

async fn spor_fixture(t: &TestApp, tone: &str) {
    let r = t
        .api(
            Method::POST,
            "/api/v1/spor/rounds",
            tone,
            Some(json!({"name": "Våren 2001", "started_on": "2001-03-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let round = r.json()["id"].as_str().unwrap().to_string();
    // Four people: ages 21, 37, 40, 52 (even count: median (37 + 40) / 2 = 38.5, mean 37.5);
    // years of contact 2, 17, 16, 25 (median 16.5, mean 15.0); question 1: 1.5, 5, 5, 8 (a tie
    // in the middle: median 5.0; mean 19.5 / 4 = 4.875, shown 4.9); question 3 answered by
    // three: 6, 7, 9 (median 7.0, mean 7.333…, shown 7.3).
    let people = [
        ("Larvik", 21, 2, 1.5, Some(6.0), Some("fastlegen")),
        ("Tønsberg", 37, 17, 5.0, Some(7.0), None),
        ("Larvik", 40, 16, 5.0, None, Some("NAV-veilederen min")),
        ("Nøtterøy", 52, 25, 8.0, Some(9.0), None),
    ];
    for (i, (muni, age, years, q1, q3, q2)) in people.into_iter().enumerate() {
        let c = new_client(t, tone, &format!("Spør Person {i}")).await;
        let mut body = json!({"round_id": round, "interviewed_on": format!("2001-03-1{i}"),
            "interviewer": "Tone Berg", "municipality": muni, "age": age, "contact_years": years, "q1": q1});
        if let Some(q3) = q3 {
            body["q3"] = json!(q3);
        }
        if let Some(q2) = q2 {
            body["q2"] = json!(q2);
        }
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/clients/{c}/spor-interviews"),
                tone,
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
}

async fn spor_survey_in_every_format(t: &TestApp) {
    let tone = t.token("tone").await;
    spor_fixture(t, &tone).await;
    // The team lead lowers the threshold to 2: counts of 1 are hidden in exports.
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &tone,
            Some(json!({"small_threshold": 2, "cost_per_inpatient_day": 4000, "co_financing_percent": 20, "fidelity_targets": {}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["small_threshold"], 2);

    // JSON: suppressed, no person-level section.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/spor?{PERIOD}"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    assert_eq!(rep["threshold"], 2);
    assert_eq!(rep["suppressed"], true);
    let munis = table(&rep, "spor.municipalities");
    assert_eq!(munis[0][0]["text"]["nb"], "Larvik");
    assert_eq!(
        munis[0][1],
        json!({"kind": "count", "n": 2, "people": true})
    );
    assert_eq!(munis[0][2], json!({"kind": "percent", "num": 2, "den": 4}));
    assert_eq!(munis[1][1]["kind"], "suppressed"); // Nøtterøy: 1
    assert_eq!(munis[3][1]["n"], 4); // total
    let bg = table(&rep, "spor.background");
    assert_eq!(bg[0][2]["v"], 38.5);
    assert_eq!(bg[0][3]["v"], 37.5);
    assert_eq!(bg[0][4], json!({"kind": "range", "min": 21.0, "max": 52.0}));
    assert_eq!(bg[1][2]["v"], 16.5);
    assert_eq!(bg[1][3]["v"], 15.0);
    let qs = table(&rep, "spor.questions");
    assert_eq!(qs[0][2]["v"], 5.0);
    assert_eq!(qs[0][3]["v"], 4.875);
    assert_eq!(qs[1][1]["n"], 3);
    assert_eq!(qs[1][2]["v"], 7.0);
    assert!(!r.text.contains("fastlegen"), "free text never in the JSON");
    assert!(!r.text.contains("spor.text"));

    // The page for the team's own members: every number, and the free text.
    let b = t.login("tone", "benk-demo").await;
    let (s, _, html) = page_bytes(t, &b, &format!("/reports/spor?{PERIOD}")).await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    for want in [
        "38,5",
        "37,5",
        "16,5",
        "15,0",
        "4,9",
        "7,3",
        "21,0–52,0",
        "fastlegen",
        "NAV-veilederen min",
        "<svg",
        "Nøtterøy",
    ] {
        assert!(html.contains(want), "page lacks {want}");
    }
    assert!(
        html.contains("<th scope=\"row\">Nøtterøy</th><td class=\"num\">1</td>"),
        "own view shows small numbers"
    );

    // PDF: numbers as on the page, small numbers hidden, the free text kept (the team's file).
    let (s, h, pdf) = page_bytes(
        t,
        &b,
        &format!("/reports/spor/download?format=pdf&{PERIOD}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    let cd = h[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(cd.starts_with("attachment; filename=\"benk-spor-"), "{cd}");
    assert!(cd.ends_with("-2001-01-01-2001-12-31.pdf\""), "{cd}");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = benk_app::reports::pdf::extract_text(&pdf);
    for want in [
        "SPoR brukerundersøkelse",
        "38,5",
        "37,5",
        "16,5",
        "4,9",
        "7,3",
        "21,0–52,0",
        "fastlegen",
        "Nøtterøy",
        "<2",
        "Median",
        "Spredning",
        "Definisjoner",
    ] {
        assert!(text.contains(want), "PDF lacks {want}: {text}");
    }
    assert!(text.lines().any(|l| l == "Larvik"));

    // XLSX: one sheet per table, numbers as numbers, no free text.
    let (s, h, xlsx) = get_bytes(
        t,
        &format!("/api/v1/reports/spor?format=xlsx&{PERIOD}"),
        &tone,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        h[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cells = xlsx_cells(&xlsx);
    assert!(cells.contains_key("Om rapporten"));
    assert!(
        !cells.keys().any(|k| k.starts_with("spor.text")),
        "{:?}",
        cells.keys()
    );
    let m = &cells["spor.municipalities"];
    assert_eq!(m["A3"], "S:Larvik");
    assert_eq!(m["B3"], "N:2");
    assert_eq!(m["C3"], "N:0.5"); // 50.0 % as a number with a percent format
    assert_eq!(m["D3"], "N:2"); // numerator
    assert_eq!(m["E3"], "N:4"); // denominator
    assert_eq!(m["B4"], "S:<2");
    let bgx = &cells["spor.background"];
    assert_eq!(bgx["C3"], "N:38.5");
    assert_eq!(bgx["D3"], "N:37.5");
    assert_eq!(bgx["E3"], "N:21");
    assert_eq!(bgx["F3"], "N:52");
    let qx = &cells["spor.questions"];
    assert_eq!(qx["D3"], "N:4.9");
    assert_eq!(qx["C4"], "N:7");

    // CSV: the same numbers, one line per cell.
    let (s, h, csv) = get_bytes(
        t,
        &format!("/api/v1/reports/spor?format=csv&{PERIOD}"),
        &tone,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], benk_app::reports::csv::HEADER);
    assert!(
        lines.contains(&"spor.background,1,Alder (år),3,Median,decimal,38.5,,,,"),
        "{csv}"
    );
    assert!(lines.contains(&"spor.background,1,Alder (år),5,Spredning,range,,21.0,52.0,,"));
    assert!(
        lines.contains(&"spor.municipalities,1,Larvik,3,Andel av deltakerne,percent,50.0,,,2,4")
    );
    assert!(lines.contains(&"spor.municipalities,2,Nøtterøy,2,Deltakere,suppressed,,,,,"));
    assert!(lines.contains(&"_report,7,threshold,1,,text,2,,,,"));
    assert!(!csv.contains("fastlegen"));

    // Every run audited, with its format.
    for f in ["json", "html_page", "pdf", "xlsx", "csv"] {
        assert_eq!(
            audits(
                t,
                "report.spor",
                "allowed",
                &format!("%format:{f},period:2001-01-01..2001-12-31%")
            )
            .await,
            1,
            "{f}"
        );
    }
    assert_eq!(
        audits(t, "report.settings", "allowed", "%report_settings%").await,
        1
    );
}

async fn spor_edges_no_data_and_one_person(t: &TestApp) {
    let tone = t.token("tone").await;
    // No data: zero participants, nothing to compute, no free text; not an error.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/spor?{PERIOD}"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    let m = table(&rep, "spor.municipalities");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0][1]["n"], 0);
    assert_eq!(m[0][2], json!({"kind": "percent", "num": 0, "den": 0}));
    let bg = table(&rep, "spor.background");
    assert_eq!(bg[0][2], json!({"kind": "decimal", "v": null}));
    assert_eq!(bg[0][4]["kind"], "empty");
    let (s, _, pdf) = get_bytes(
        t,
        &format!("/api/v1/reports/spor?format=pdf&{PERIOD}"),
        &tone,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(benk_app::reports::pdf::extract_text(&pdf).contains("0 intervjuer i perioden."));
    // One person: median = mean = the value, range value–value; on the page (no suppression).
    let r = t
        .api(
            Method::POST,
            "/api/v1/spor/rounds",
            &tone,
            Some(json!({"name": "Én", "started_on": "2001-05-01"})),
        )
        .await;
    let round = r.json()["id"].as_str().unwrap().to_string();
    let c = new_client(t, &tone, "Eneste Person").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/spor-interviews"),
            &tone,
            Some(json!({"round_id": round, "interviewed_on": "2001-05-02", "interviewer": "Tone Berg",
                "municipality": "Stokke", "age": 44, "contact_years": 3, "q1": 6.3})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/reports/spor?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<th scope=\"row\">Alder (år)</th><td class=\"num\">1</td><td class=\"num\">44,0</td><td class=\"num\">44,0</td><td class=\"num\">44,0–44,0</td>"), "{}", page.text);
    assert!(page.text.contains("6,3–6,3"));
    // In the export the single person's figures are hidden (threshold 5).
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/spor?{PERIOD}"),
            &tone,
            None,
        )
        .await;
    let rep = r.json();
    assert_eq!(table(&rep, "spor.background")[0][2]["kind"], "suppressed");
    assert_eq!(table(&rep, "spor.questions")[0][3]["kind"], "suppressed");
}

async fn contact(t: &TestApp, token: &str, c: Uuid, at: &str, kind: &str, met: bool) {
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{c}/contacts"),
            token,
            Some(json!({"occurred_at": at, "duration_min": 30, "kind": kind, "met": met})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn activity_hand_computed(t: &TestApp) {
    let tone = t.token("tone").await;
    let a = new_client(t, &tone, "Aktiv En").await;
    let b2 = new_client(t, &tone, "Aktiv To").await;
    // Six contacts in 2001: 4 out of the office (home visit ×2, outreach, accompany GP), 2 not
    // (office, phone); 4 met. One more on 1 January 2002 just after midnight in Norway (23:30
    // UTC on 31 December) is outside the period.
    for (c, at, kind, met) in [
        (a, "2001-02-01T10:00:00Z", "home_visit", true),
        (a, "2001-02-15T10:00:00Z", "home_visit", false),
        (a, "2001-03-01T10:00:00Z", "office", true),
        (b2, "2001-03-02T10:00:00Z", "outreach", true),
        (b2, "2001-03-03T10:00:00Z", "phone", false),
        (b2, "2001-12-31T22:30:00Z", "accompany_gp", true),
        (b2, "2001-12-31T23:30:00Z", "office", true),
    ] {
        contact(t, &tone, c, at, kind, met).await;
    }
    // Threshold 2: only counts of 1 are hidden in the exports.
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &tone,
            Some(json!({"small_threshold": 2, "cost_per_inpatient_day": 4000, "co_financing_percent": 20, "fidelity_targets": {}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/activity?{PERIOD}"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    // Six contacts (not small), four of them out of the office: 66.7 %.
    let out = table(&rep, "activity.out_of_office");
    assert_eq!(out[0][2], json!({"kind": "percent", "num": 4, "den": 6}));
    let kinds = table(&rep, "activity.contacts_by_kind");
    let total = kinds.last().unwrap();
    assert_eq!(total[1]["n"], 6);
    assert_eq!(total[4], json!({"kind": "percent", "num": 4, "den": 6}));
    // Home visits: 2 (1 met, 1 not): the ones are hidden in the export.
    assert_eq!(kinds[0][1]["n"], 2);
    assert_eq!(kinds[0][2]["kind"], "suppressed");
    assert_eq!(kinds[0][4]["kind"], "suppressed");
    // Per month: February 2, March 3, December 1; the other months 0 (shown).
    let months = table(&rep, "activity.contacts_by_month");
    assert_eq!(months.len(), 12);
    assert_eq!(months[0][1]["n"], 0);
    // February's 2 is withheld since suppression runs across the report's tables: December's
    // hidden 1 was 6 − 2 − 3, the months' sum being the contacts by kind's shown total (6).
    assert_eq!(months[1][1]["kind"], "withheld");
    assert_eq!(months[2][1]["n"], 3);
    assert_eq!(months[11][1]["kind"], "suppressed");
    // No decisions in 2001: every share is 0 of 0.
    let dec = table(&rep, "activity.decisions");
    assert_eq!(
        dec.last().unwrap()[2],
        json!({"kind": "percent", "num": 0, "den": 0})
    );
    // The page shows the small numbers to the team.
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/reports/activity?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("66,7 % (4/6)"), "{}", page.text);
    assert!(page.text.contains("<th scope=\"row\">2001-03</th><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">1</td>"));
    // XLSX and PDF say the same.
    let (_, _, xlsx) = get_bytes(
        t,
        &format!("/api/v1/reports/activity?format=xlsx&{PERIOD}"),
        &tone,
    )
    .await;
    let cells = xlsx_cells(&xlsx);
    assert_eq!(cells["activity.out_of_office"]["A3"], "N:4");
    assert_eq!(cells["activity.out_of_office"]["C3"], "N:0.667");
    let (_, _, pdf) = get_bytes(
        t,
        &format!("/api/v1/reports/activity?format=pdf&{PERIOD}"),
        &tone,
    )
    .await;
    let text = benk_app::reports::pdf::extract_text(&pdf);
    assert!(text.contains("66,7 % (4/6)"), "{text}");
    assert!(text.contains("Teamets aktivitet"));
}

/// The contacts are counted in the database: the day (and so the month and the level of effort
/// on the day) is the day in Norway, across both summer-time changes; the level on the day is
/// the last one set from that day or before (two set for the same day: the one set last).
async fn activity_level_and_month_of_the_day_in_norway(t: &TestApp) {
    use benk_app::db::writer::{Stmt, WriteOp};
    let tone = t.token("tone").await;
    let a = new_client(t, &tone, "Nivå En").await;
    let b = new_client(t, &tone, "Nivå To").await;
    let (team, org, by): (Uuid, Uuid, Uuid) = t
        .db()
        .opt(
            "SELECT team_id, owner_org_id, created_by FROM clients WHERE id = $1",
            benk_app::args![a],
        )
        .await
        .unwrap()
        .unwrap();
    let episode = Uuid::now_v7();
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let mut stmts = vec![Stmt::new(
        "INSERT INTO episodes (id, client_id, team_id, included_on, created_by, owner_org_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        benk_app::args![episode, a, team, day("2001-01-01"), by, org, at("2001-01-01T09:00:00Z")],
    )];
    // Level 2 from 1 June; from 1 August first level 3, then (set later) level 1.
    for (level, from, set_at) in [
        (2_i64, "2001-06-01", "2001-05-20T10:00:00Z"),
        (3, "2001-08-01", "2001-07-01T10:00:00Z"),
        (1, "2001-08-01", "2001-07-20T10:00:00Z"),
    ] {
        stmts.push(Stmt::new(
            "INSERT INTO episode_levels (id, episode_id, level, from_date, set_by, set_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            benk_app::args![Uuid::now_v7(), episode, level, day(from), by, at(set_at)],
        ));
    }
    t.writer()
        .write(WriteOp {
            stmts,
            audit: vec![],
        })
        .await
        .unwrap();
    for (c, at, kind, met) in [
        // 31 May 23:30 in Norway (summer time): no level yet, May.
        (a, "2001-05-31T21:30:00Z", "home_visit", true),
        // 1 June 00:30 in Norway: level 2, June.
        (a, "2001-05-31T22:30:00Z", "home_visit", true),
        // 1 August 00:15 in Norway: level 1 (set last for that day), August.
        (a, "2001-07-31T22:15:00Z", "office", true),
        // 31 October 23:30 in Norway (winter time again): level 1, October.
        (a, "2001-10-31T22:30:00Z", "outreach", false),
        // 1 April 00:30 in Norway (summer time since 25 March): no level, April.
        (a, "2001-03-31T22:30:00Z", "phone", true),
        // The other person has no course: no level, February.
        (b, "2001-02-01T10:00:00Z", "phone", false),
    ] {
        contact(t, &tone, c, at, kind, met).await;
    }
    // The page shows every number to the team.
    let br = t.login("tone", "benk-demo").await;
    let page = t.page(&br, &format!("/reports/activity?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let row = |label: &str, cells: &[i64]| {
        let mut s = format!("<th scope=\"row\">{label}</th>");
        for n in cells {
            s.push_str(&format!("<td class=\"num\">{n}</td>"));
        }
        s
    };
    // By level: people, contacts, met.
    for (label, cells) in [
        ("Nivå 1", [1, 2, 1]),
        ("Nivå 2", [1, 1, 1]),
        ("Nivå 3", [0, 0, 0]),
        ("Uten nivå", [2, 3, 2]),
    ] {
        assert!(
            page.text.contains(&row(label, &cells)),
            "{label}: {}",
            page.text
        );
    }
    // By month: contacts, met, not met.
    for (month, cells) in [
        ("2001-01", [0, 0, 0]),
        ("2001-02", [1, 0, 1]),
        ("2001-03", [0, 0, 0]),
        ("2001-04", [1, 1, 0]),
        ("2001-05", [1, 1, 0]),
        ("2001-06", [1, 1, 0]),
        ("2001-07", [0, 0, 0]),
        ("2001-08", [1, 1, 0]),
        ("2001-10", [1, 0, 1]),
        ("2001-11", [0, 0, 0]),
    ] {
        assert!(
            page.text.contains(&row(month, &cells)),
            "{month}: {}",
            page.text
        );
    }
}

async fn who_may_run_reports_and_settings(t: &TestApp) {
    // Per (NAV, not health personnel) may run the activity report but not the SPoR survey.
    let per = t.token("per").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/activity?{PERIOD}"),
            &per,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    refused(
        t,
        &format!("/api/v1/reports/spor?{PERIOD}"),
        &per,
        "report.spor",
        "health_content_not_in_scope",
    )
    .await;
    // The administrator is not a working member of the team: refused and audited.
    let eva = t.token("eva").await;
    refused(
        t,
        &format!("/api/v1/reports/activity?{PERIOD}"),
        &eva,
        "report.activity",
        "not_a_member_of_the_team",
    )
    .await;
    // Only the team lead sets the settings; a member reads them.
    let targets = json!({"people_per_fte": 8.5, "contacts_per_person_week": 1.5, "community_percent": 80.0,
        "shared_caseload_percent": 90.0, "days_to_first_contact": 14.0, "dropout_percent_year": 5.0});
    let body = json!({"small_threshold": 3, "cost_per_inpatient_day": 4500, "co_financing_percent": 20, "fidelity_targets": targets});
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &per,
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        audits(t, "report.settings", "denied", "%none:not_team_lead%").await,
        1
    );
    let r = t
        .api(Method::GET, "/api/v1/report-settings", &per, None)
        .await;
    // The demo's settings for Fjordby (benk_app::demo::tandem).
    assert_eq!(
        r.json(),
        json!({"small_threshold": 5, "cost_per_inpatient_day": 4000, "co_financing_percent": 20,
            "fidelity_targets": {"people_per_fte": 20.0, "contacts_per_person_week": 0.5, "community_percent": 75.0,
                "shared_caseload_percent": 60.0, "days_to_first_contact": 21.0, "dropout_percent_year": 10.0}})
    );
    let tone = t.token("tone").await;
    let mut bad = body.clone();
    bad["small_threshold"] = json!(1);
    let r = t
        .api(Method::PUT, "/api/v1/report-settings", &tone, Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "small_threshold");
    let r = t
        .api(
            Method::PUT,
            "/api/v1/report-settings",
            &tone,
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .api(Method::GET, "/api/v1/report-settings", &per, None)
        .await;
    assert_eq!(r.json(), body);
    // Bad input: 422 naming the field; an unknown report is 404.
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/activity?from=2001-12-31&to=2001-01-01",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "to");
    let r = t
        .api(
            Method::GET,
            "/api/v1/reports/activity?format=docx",
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "format");
    let r = t
        .api(Method::GET, "/api/v1/reports/nosuch", &tone, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The list on /reports links every report and its downloads.
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, "/reports").await;
    assert!(page.text.contains("action=\"/reports/activity\""));
    assert!(page.text.contains("formaction=\"/reports/spor/download\""));
}

/// The row of a table in the report JSON whose label (first cell) is `nb`.
fn row_labelled<'a>(rows: &'a [Value], nb: &str) -> &'a Vec<Value> {
    rows.iter()
        .find(|r| r[0]["text"]["nb"] == nb)
        .unwrap_or_else(|| panic!("no row {nb}"))
        .as_array()
        .unwrap()
}

async fn teams_side_by_side_hand_computed(t: &TestApp) {
    // Fjordby (tone's team): 7 contacts in 2001 in Norway, 5 out of the office, 5 met. The
    // first is 00:30 on New Year's Day in Norway (in the period); the last is 00:30 on the next
    // New Year's Day in Norway (not in it), though both are 31 December in UTC.
    let tone = t.token("tone").await;
    let a = new_client(t, &tone, "Side En").await;
    for (at, kind, met) in [
        ("2000-12-31T23:30:00Z", "phone", false),
        ("2001-12-31T23:30:00Z", "home_visit", true),
        ("2001-02-01T10:00:00Z", "home_visit", true),
        ("2001-02-02T10:00:00Z", "home_visit", true),
        ("2001-02-03T10:00:00Z", "home_visit", true),
        ("2001-03-01T10:00:00Z", "outreach", true),
        ("2001-03-02T10:00:00Z", "outreach", true),
        ("2001-03-03T10:00:00Z", "office", false),
    ] {
        contact(t, &tone, a, at, kind, met).await;
    }
    // Nordvik (siri's team): 2 contacts, 1 out of the office, 1 met: small numbers.
    let siri = t.token("siri").await;
    let b = new_client(t, &siri, "Side To").await;
    contact(t, &siri, b, "2001-05-01T10:00:00Z", "home_visit", true).await;
    contact(t, &siri, b, "2001-05-02T10:00:00Z", "phone", false).await;

    // The team lead of either team may run it, without a team of the report's own.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/teams?{PERIOD}"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    let cols: Vec<&str> = rep["sections"][0]["tables"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["nb"].as_str().unwrap())
        .collect();
    let fj = cols
        .iter()
        .position(|c| *c == "Samhandlingsteamet Fjordby")
        .unwrap();
    let nv = cols.iter().position(|c| *c == "Uteteamet Nordvik").unwrap();
    let rows = table(&rep, "teams.figures");
    let contacts = row_labelled(rows, "Kontakter");
    assert_eq!(
        contacts[fj],
        json!({"kind": "count", "n": 7, "people": true})
    );
    assert_eq!(contacts[nv]["kind"], "suppressed");
    let out = row_labelled(rows, "Andel kontakter ute av kontoret");
    assert_eq!(out[fj], json!({"kind": "percent", "num": 5, "den": 7}));
    assert_eq!(out[nv]["kind"], "suppressed");
    let met = row_labelled(rows, "Andel kontakter truffet");
    assert_eq!(met[fj], json!({"kind": "percent", "num": 5, "den": 7}));
    assert_eq!(met[nv]["kind"], "suppressed");
    // Nobody's course, referral or decision falls in 2001: zeros are shown.
    for label in ["Personer fulgt i perioden", "Henvisninger", "Vedtak i alt"] {
        let row = row_labelled(rows, label);
        assert_eq!(row[fj]["n"], 0, "{label}");
        assert_eq!(row[nv]["n"], 0, "{label}");
    }
    assert_eq!(
        audits(
            t,
            "report.teams",
            "allowed",
            "%report:teams,teams:2,format:json%"
        )
        .await,
        1
    );

    // The page hides the small numbers too (the reader is not on every team).
    let bt = t.login("tone", "benk-demo").await;
    let page = t.page(&bt, &format!("/reports/teams?{PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains(
            "<th scope=\"row\">Kontakter</th><td class=\"num\">7</td><td class=\"num\">&#60;5</td>"
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains("71,4 % (5/7)"));
    // XLSX, CSV and PDF say the same.
    let (_, _, xlsx) = get_bytes(
        t,
        &format!("/api/v1/reports/teams?format=xlsx&{PERIOD}"),
        &tone,
    )
    .await;
    let cells = &xlsx_cells(&xlsx)["teams.figures"];
    let row_of = |label: &str| {
        cells
            .iter()
            .find(|(_, v)| *v == &format!("S:{label}"))
            .map(|(k, _)| k.trim_start_matches('A').to_string())
            .unwrap_or_else(|| panic!("{label}"))
    };
    let k = row_of("Kontakter");
    // Every team's column holds percentages: each is three columns (value, numerator,
    // denominator) after the label column A.
    let col = |i: usize| char::from(b'B' + 3 * (i as u8 - 1));
    assert_eq!(cells[&format!("{}{k}", col(fj))], "N:7");
    assert_eq!(cells[&format!("{}{k}", col(nv))], "S:<5");
    let (_, _, csv) = get_bytes(
        t,
        &format!("/api/v1/reports/teams?format=csv&{PERIOD}"),
        &tone,
    )
    .await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(&format!(
            ",Kontakter,{},Samhandlingsteamet Fjordby,count,7,",
            fj + 1
        )),
        "{csv}"
    );
    assert!(csv.contains(&format!(
        ",Kontakter,{},Uteteamet Nordvik,suppressed,",
        nv + 1
    )));
    let (_, _, pdf) = get_bytes(
        t,
        &format!("/api/v1/reports/teams?format=pdf&{PERIOD}"),
        &tone,
    )
    .await;
    let text = benk_app::reports::pdf::extract_text(&pdf);
    for want in [
        "Teamene side om side",
        "Uteteamet Nordvik",
        "71,4 % (5/7)",
        "<5",
    ] {
        assert!(text.contains(want), "PDF lacks {want}: {text}");
    }

    // The administrator may run it; a worker may not (refused and audited), nor sees it listed.
    let eva = t.token("eva").await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/teams?{PERIOD}"),
            &eva,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let per = t.token("per").await;
    refused(
        t,
        &format!("/api/v1/reports/teams?{PERIOD}"),
        &per,
        "report.teams",
        "not_team_lead_or_administrator",
    )
    .await;
    let bp = t.login("per", "benk-demo").await;
    let list = t.page(&bp, "/reports").await;
    assert!(list.text.contains("action=\"/reports/activity\""));
    assert!(!list.text.contains("action=\"/reports/teams\""));
    let list = t.page(&bt, "/reports").await;
    assert!(list.text.contains("action=\"/reports/teams\""));
}

async fn referral_report_on_the_framework(t: &TestApp) {
    // Three referrals to Fjordby in 2001 through the API: two from a relative, one
    // self-referral; none decided. The report counts them by the day received.
    let tone = t.token("tone").await;
    let count = |rows: &Vec<Value>, nb: &str| row_labelled(rows, nb)[1].clone();
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/referrals?{PERIOD}"),
            &tone,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rep = r.json();
    assert_eq!(rep["name"], "referrals");
    // No referral in 2001: no rows by kind or quarter, every share 0 of 0.
    assert!(table(&rep, "referrals.by_kind").is_empty());
    assert!(table(&rep, "referrals.by_quarter").is_empty());
    let tg = table(&rep, "referrals.target_group");
    assert_eq!(tg[0][1], json!({"kind": "percent", "num": 0, "den": 0}));
    let outcomes = table(&rep, "referrals.outcomes");
    assert_eq!(
        count(outcomes, "I alt"),
        json!({"kind": "count", "n": 0, "people": true})
    );

    // The demo's referrals over all time (2010–today; the period may be 20 years at most): the
    // same figures as the old API's.
    let old = t
        .api(
            Method::GET,
            "/api/v1/reports/referrals?period=year",
            &tone,
            None,
        )
        .await
        .json();
    let today = chrono::Utc::now().date_naive();
    let all = format!("from=2010-01-01&to={today}");
    let rep = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/referrals?{all}"),
            &tone,
            None,
        )
        .await
        .json();
    let total = table(&rep, "referrals.by_kind").last().unwrap()[1]["n"].clone();
    assert_eq!(total, old["referred"], "{rep}");
    let tg = table(&rep, "referrals.target_group");
    assert_eq!(
        tg[0][1],
        json!({"kind": "percent", "num": old["offered_help_in_target_group"], "den": old["offered_help"]})
    );
    assert_eq!(
        tg[1][1],
        json!({"kind": "percent", "num": old["services_established"], "den": old["referred"]})
    );
    let decided: i64 = old["outcomes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(
        table(&rep, "referrals.outcomes").last().unwrap()[1]["n"],
        decided
    );
    let months = table(&rep, "referrals.months");
    let last_old = old["by_months_in_operation"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(months.last().unwrap()[1]["n"], last_old["agencies"]);
    let median = old["days_to_decision"]["median"].as_f64().unwrap();
    let days = table(&rep, "referrals.days");
    assert_eq!(days[0][1]["v"].as_f64().unwrap(), median);

    // The page, the files: the same numbers; the widest table is three columns.
    let b = t.login("tone", "benk-demo").await;
    let page = t.page(&b, &format!("/reports/referrals?{all}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let n = total.as_i64().unwrap();
    assert!(
        page.text.contains(&format!("<th scope=\"row\">I alt</th><td class=\"num\">{n}</td><td class=\"num\">100,0 % ({n}/{n})</td>")),
        "{}",
        page.text
    );
    let (_, _, pdf) = get_bytes(
        t,
        &format!("/api/v1/reports/referrals?format=pdf&{all}"),
        &tone,
    )
    .await;
    let text = benk_app::reports::pdf::extract_text(&pdf);
    assert!(text.contains("Henvisninger og inntak"), "{text}");
    assert!(text.contains(&format!("100,0 % ({n}/{n})")), "{text}");
    let (_, _, xlsx) = get_bytes(
        t,
        &format!("/api/v1/reports/referrals?format=xlsx&{all}"),
        &tone,
    )
    .await;
    let cells = xlsx_cells(&xlsx);
    let by_kind = &cells["referrals.by_kind"];
    let last = (3..200)
        .rev()
        .find(|i| by_kind.get(&format!("A{i}")).is_some())
        .unwrap();
    assert_eq!(by_kind[&format!("A{last}")], "S:I alt");
    assert_eq!(by_kind[&format!("B{last}")], format!("N:{n}"));
    let (_, _, csv) = get_bytes(
        t,
        &format!("/api/v1/reports/referrals?format=csv&{all}"),
        &tone,
    )
    .await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(&format!(",I alt,2,Henvisninger,count,{n},")),
        "{csv}"
    );

    // The old page address goes to the report; the list links it.
    let old_page = t.page(&b, "/reports?period=year").await;
    assert_eq!(old_page.status, StatusCode::SEE_OTHER, "{}", old_page.text);
    let list = t.page(&b, "/reports").await;
    assert!(list.text.contains("action=\"/reports/referrals\""));
    // Someone outside the team is refused and audited.
    let siri = t.token("siri").await;
    let eva = t.token("eva").await;
    refused(
        t,
        &format!("/api/v1/reports/referrals?format=csv&{PERIOD}"),
        &eva,
        "report.referrals",
        "not_a_member_of_the_team",
    )
    .await;
    // Siri runs it for her own team (Nordvik): allowed, its own referrals.
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/reports/referrals?{PERIOD}"),
            &siri,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
