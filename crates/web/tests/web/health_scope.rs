//! Health content only for health personnel, everywhere (issue 7, part 2): referrals and the
//! decision letter, episode texts and record entries are scoped by the reader's effective
//! health-personnel status (an authorised profession, or employment in the health service to
//! give care as recorded by an administrator), in HTML and API alike, and every read, change and
//! refusal is audited with the scope used.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use uuid::Uuid;

/// Health content that must never reach a reader who is not health personnel.
const SECRETS: &[&str] = &[
    "Paranoid og redd",
    "DPS-poliklinikk",
    "amfetamin",
    "Hører stemmer",
    "F20.0",
    "Alvorlig psykoselidelse",
];

async fn org_id(t: &TestApp, token: &str, kind: &str) -> String {
    let orgs = t
        .api(Method::GET, "/api/v1/organisations", token, None)
        .await
        .json();
    orgs.as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("an organisation of kind {kind}: {orgs}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn demo_team_id(t: &TestApp, token: &str) -> String {
    let teams = t
        .api(Method::GET, "/api/v1/teams", token, None)
        .await
        .json();
    teams.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The administrator adds a staff member to the demo team; returns their id.
async fn add_staff(
    t: &TestApp,
    username: &str,
    profession: &str,
    org_kind: &str,
    role: &str,
) -> Uuid {
    let eva = t.token("eva").await;
    let org = org_id(t, &eva, org_kind).await;
    let team = demo_team_id(t, &eva).await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/staff",
            &eva,
            Some(json!({"username": username, "password": "et-langt-passord", "name": format!("Test {username}"),
                        "profession": profession, "home_org_id": org, "team_id": team, "role": role, "fte": 50})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

/// hanne (nurse, intake) registers a referral full of health content; returns its id.
async fn referral_with_health_content(t: &TestApp) -> Uuid {
    let hanne = t.token("hanne").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/referrals",
            &hanne,
            Some(json!({
                "referrer_name": "Kari Fastlege", "referrer_role": "fastlege", "agency_kind": "gp",
                "person_name": "Ola Henvist", "person_birth_year": 1985,
                "reason": "Paranoid og redd, isolerer seg.",
                "current_services": "DPS-poliklinikk, avbrutt",
                "housing_situation": "Husleierestanse, varsel om utkastelse",
                "substance_use": "Daglig bruk av amfetamin",
                "mental_health": "Hører stemmer",
                "diagnoses": ["F20.0"],
                "person_knows": "yes", "person_agrees": "yes", "channel": "phone",
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().parse().unwrap()
}

fn assert_no_secrets(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} leaks {s:?}: {text}");
    }
}

async fn last_resources(t: &TestApp, actor: Uuid, action: &str) -> String {
    let r: (String,) = t.db()
        .opt(
            "SELECT resources FROM audit_events WHERE actor_staff_id = $1 AND action = $2 ORDER BY seq DESC LIMIT 1",
            benk_app::args![actor, action],
        )
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {action} audit row"));
    // Reads under a client grant end with the read basis (`,basis:care_team`),
    // which team_access.rs checks; here only what was made available matters.
    match r.0.rsplit_once(",basis:") {
        Some((resources, _)) => resources.to_string(),
        None => r.0,
    }
}

async fn nav_intake_member_sees_only_administrative_referral_fields(t: &TestApp) {
    let nav_id = add_staff(t, "navinntak", "nav_officer", "nav", "intake_member").await;
    let nav = t.token("navinntak").await;
    let hanne = t.token("hanne").await;
    let rid = referral_with_health_content(t).await;
    let (hanne_id, arne_id) = (t.staff_id("hanne").await, t.staff_id("arne").await);

    // A non-health intake member cannot record the decision (its reasons and assessment are
    // health content); the refusal is audited and nothing is stored.
    let body = json!({"outcome": "declined", "reasons": "Alvorlig psykoselidelse; FACT er rett sted.",
                      "participants": [hanne_id, arne_id, nav_id],
                      "target_group": {"severe_mental_illness": true}});
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/decision"),
            &nav,
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(last_resources(t, nav_id, "intake.decide")
        .await
        .contains("none:health_content_not_in_scope"));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'intake.decide' AND outcome = 'denied'").await,
        1
    );
    // Health personnel decide; the NAV member took part in the meeting.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/referrals/{rid}/decision"),
            &hanne,
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // API: the health personnel sees everything, audited as referral:health.
    let full = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            &hanne,
            None,
        )
        .await;
    assert_eq!(full.status, StatusCode::OK);
    let full = full.json();
    assert_eq!(full["scope"], "health");
    assert_eq!(full["health"]["mental_health"], "Hører stemmer");
    assert_eq!(full["diagnoses"], json!(["F20.0"]));
    assert!(full["decision"]["assessment"]["reasons"]
        .as_str()
        .unwrap()
        .contains("psykose"));
    assert!(last_resources(t, hanne_id, "referral.read")
        .await
        .ends_with("referral:health"));

    // API: the NAV member gets the administrative fields only; the health fields are absent.
    let admin = t
        .api(Method::GET, &format!("/api/v1/referrals/{rid}"), &nav, None)
        .await;
    assert_eq!(admin.status, StatusCode::OK, "{}", admin.text);
    assert_no_secrets("API", &admin.text);
    let admin: Value = admin.json();
    assert_eq!(admin["scope"], "admin");
    assert_eq!(admin["referral"]["person_name"], "Ola Henvist");
    assert_eq!(
        admin["referral"]["housing_situation"],
        "Husleierestanse, varsel om utkastelse"
    );
    assert_eq!(admin["decision"]["outcome"], "declined");
    for key in [
        "health",
        "diagnoses",
        "suggested_outcome",
        "suggestion_reason",
    ] {
        assert!(admin.get(key).is_none(), "{key} present: {admin}");
    }
    assert!(admin["decision"].get("assessment").is_none(), "{admin}");
    for key in [
        "reason",
        "mental_health",
        "substance_use",
        "current_services",
    ] {
        assert!(
            admin["referral"].get(key).is_none(),
            "{key} present: {admin}"
        );
    }
    // The audit row says which scope was used.
    let res = last_resources(t, nav_id, "referral.read").await;
    assert_eq!(res, format!("referral:{rid},referral:admin"));

    // HTML: the page says something is withheld, not what; there is no decision form.
    let b = t.login("navinntak", "et-langt-passord").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_no_secrets("referral page", &page.text);
    assert!(page
        .text
        .contains("vises ikke for deg, fordi du ikke er helsepersonell"));
    assert!(page.text.contains("Husleierestanse"));
    // The decision letter leaves the reasons out and says so (outside the printed letter).
    let letter = t.page(&b, &format!("/intake/referrals/{rid}/letter")).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert_no_secrets("letter", &letter.text);
    assert!(letter.text.contains("Begrunnelsen er helseopplysninger"));
    assert!(!letter.text.contains("<h2>Begrunnelse</h2>"));
    assert!(last_resources(t, nav_id, "referral.read")
        .await
        .ends_with("referral:admin"));
    // Health personnel get the letter with the reasons.
    let hb = t.login("hanne", "benk-demo").await;
    let letter = t
        .page(&hb, &format!("/intake/referrals/{rid}/letter"))
        .await;
    assert!(letter.text.contains("Alvorlig psykoselidelse"));
}

async fn undecided_referral_page_offers_no_decision_form_to_non_health(t: &TestApp) {
    add_staff(t, "navinntak", "nav_officer", "nav", "intake_member").await;
    let rid = referral_with_health_content(t).await;
    let b = t.login("navinntak", "et-langt-passord").await;
    let page = t.page(&b, &format!("/intake/referrals/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page
        .text
        .contains(&format!("/intake/referrals/{rid}/decision")));
    assert!(page
        .text
        .contains("registreres av helsepersonell i inntaksteamet"));
    // Posting the form anyway is refused and audited.
    let r = t
        .form(
            &b,
            &format!("/intake/referrals/{rid}/decision"),
            &[("outcome", "declined"), ("reasons", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM intake_decisions WHERE reasons = 'x'")
            .await,
        0
    );
}

/// An open demo episode whose level history holds a reason with a diagnosis, and per (NAV) in
/// its care team.
async fn episode_with_health_reason(t: &TestApp) -> Uuid {
    let per = t.staff_id("per").await;
    let row: Option<(Uuid,)> = t.db()
        .opt(
            "SELECT e.client_id FROM episode_levels l JOIN episodes e ON e.id = l.episode_id \
             JOIN episode_members m ON m.episode_id = e.id AND m.staff_id = $1 AND m.left_at IS NULL \
             WHERE l.reason LIKE '%F20.0 paranoid schizofreni%' AND e.closed_on IS NULL ORDER BY e.included_on LIMIT 1",
            benk_app::args![per],
        )
        .await
        .unwrap();
    row.expect(
        "the demo has a NAV care-team member on an episode with a diagnosis in a level reason",
    )
    .0
}

async fn nav_care_team_member_does_not_see_level_reasons(t: &TestApp) {
    let client = episode_with_health_reason(t).await;
    let per = t.token("per").await;
    let url = format!("/api/v1/clients/{client}/episodes");
    let r = t.api(Method::GET, &url, &per, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.text.contains("schizofreni"), "{}", r.text);
    assert!(
        !r.text.contains("Inntak"),
        "no free text at all: {}",
        r.text
    );
    let eps = r.json();
    assert_eq!(eps[0]["texts_withheld"], true);
    assert!(eps[0]["levels"].as_array().unwrap().len() >= 2, "{eps}");
    assert!(eps[0]["levels"][0]["reason"].is_null());
    let per_id = t.staff_id("per").await;
    assert_eq!(
        last_resources(t, per_id, "episode.read").await,
        "episodes,care_team,responsibility_group"
    );
    // The HTML page leaves it out too, and says that it does.
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("schizofreni"));
    assert!(page
        .text
        .contains("Begrunnelser for nivåendringer er helseopplysninger"));
    // A coordinator (health personnel) reads the reason.
    let coord: (Uuid,) = t
        .db()
        .opt(
            "SELECT m.staff_id FROM episode_members m JOIN episodes e ON e.id = m.episode_id \
             WHERE e.client_id = $1 AND m.role = 'specialist_coordinator' AND m.left_at IS NULL",
            benk_app::args![client],
        )
        .await
        .unwrap()
        .unwrap();
    let token = t.token_for(coord.0).await;
    let r = t.api(Method::GET, &url, &token, None).await;
    assert!(r.text.contains("F20.0 paranoid schizofreni"), "{}", r.text);
    assert_eq!(r.json()[0]["texts_withheld"], false);
}

/// tone (team lead) registers a person, writes a health note and gives `staff` access.
async fn client_with_health_note(t: &TestApp, staff: Uuid) -> Uuid {
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/clients",
            &tone,
            Some(json!({"name": "Test Person", "birth_year": 1980})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id: Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{id}/entries"),
            &tone,
            Some(json!({"body": "Hører stemmer om natten."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/clients/{id}/care-relationships"),
            &tone,
            Some(json!({"staff_id": staff, "valid_from": benk_app::access::today(), "reason": "Med i oppfølgingsteamet"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    id
}

async fn milieu_therapist_marked_health_personnel_by_admin_then_sees_health_content(t: &TestApp) {
    let milla_id = add_staff(t, "milla", "milieu_therapist", "hospital_trust", "worker").await;
    let milla = t.token("milla").await;
    let client = client_with_health_note(t, milla_id).await;
    let url = format!("/api/v1/clients/{client}");
    // Not yet health personnel: the profession alone is not authorised (hpl § 48).
    let r = t.api(Method::GET, &url, &milla, None).await.json();
    assert_eq!(r["entries"], json!([]), "{r}");
    assert_eq!(r["health_entries_withheld"], true);

    let hp = format!("/api/v1/staff/{milla_id}/health-personnel");
    let reason = "Ansatt ved Fjordby DPS som miljøterapeut for å yte helsehjelp";
    // A non-administrator cannot set it; the refusal is audited.
    let tone_id = t.staff_id("tone").await;
    let tone = t.token("tone").await;
    let r = t
        .api(
            Method::PUT,
            &hp,
            &tone,
            Some(json!({"care_employment": true, "reason": reason})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let denied: (String, String) = t.db()
        .opt(
            "SELECT outcome, resources FROM audit_events WHERE actor_staff_id = $1 AND action = 'staff.set_health_personnel'",
            benk_app::args![tone_id],
        )
        .await
        .unwrap()
        .expect("refusal audited");
    assert_eq!(denied.0, "denied");
    assert!(
        denied.1.contains(&format!("staff:{milla_id}")),
        "{}",
        denied.1
    );
    // Another team's administrator cannot set it either (administration is per team).
    let rune = t.token("rune").await;
    let r = t
        .api(
            Method::PUT,
            &hp,
            &rune,
            Some(json!({"care_employment": true, "reason": reason})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let rune_id = t.staff_id("rune").await;
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 AND action = 'staff.set_health_personnel' AND outcome = 'denied'",
                benk_app::args![rune_id],
            )
            .await
            .unwrap(),
        1
    );
    // Without a reason: refused with a specific field error, nothing changes.
    let eva = t.token("eva").await;
    let r = t
        .api(
            Method::PUT,
            &hp,
            &eva,
            Some(json!({"care_employment": true, "reason": "   "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = t
        .api(
            Method::PUT,
            &hp,
            &eva,
            Some(json!({"care_employment": true})),
        )
        .await;
    // A missing field is a malformed body (400, as for every API body), naming the field.
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("reason"), "{}", r.text);
    assert_eq!(t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'staff.set_health_personnel' AND outcome = 'allowed'").await, 0);
    assert!(t.api(Method::GET, &url, &milla, None).await.json()["entries"] == json!([]));
    // Unknown staff: 404; an authorised profession needs no recorded employment: 422.
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/staff/{}/health-personnel", Uuid::now_v7()),
            &eva,
            Some(json!({"care_employment": true, "reason": reason})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/staff/{tone_id}/health-personnel"),
            &eva,
            Some(json!({"care_employment": false, "reason": reason})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.json()["error"]["fields"][0]["code"],
        "authorised_profession"
    );
    // The administrator sets it, with the reason: audited, kept with the change.
    let r = t
        .api(
            Method::PUT,
            &hp,
            &eva,
            Some(json!({"care_employment": true, "reason": reason})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let eva_id = t.staff_id("eva").await;
    assert_eq!(
        last_resources(t, eva_id, "staff.set_health_personnel").await,
        format!("staff:{milla_id},health_personnel:employment,admin:system_admin")
    );
    let kept: (String,) = t
        .db()
        .opt(
            "SELECT reason FROM health_personnel_changes WHERE staff_id = $1 AND set_by = $2",
            benk_app::args![milla_id, eva_id],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.0, reason);
    // Now the milieu therapist reads health content, audited as such.
    let r = t.api(Method::GET, &url, &milla, None).await.json();
    assert_eq!(r["entries"][0]["body"], "Hører stemmer om natten.", "{r}");
    assert_eq!(r["health_entries_withheld"], false);
    assert!(last_resources(t, milla_id, "client.read")
        .await
        .ends_with("record_entries"));
    // The admin page shows the status and its basis.
    let b = t.login("eva", "benk-demo").await;
    let page = t.page(&b, "/admin/users").await;
    assert!(page
        .text
        .contains("ansatt i helsetjenesten for å yte helsehjelp"));
    assert!(
        page.text.contains(reason),
        "the reason is shown with the status"
    );
}

async fn health_personnel_status_on_the_admin_page(t: &TestApp) {
    let milla_id = add_staff(t, "milla", "milieu_therapist", "hospital_trust", "worker").await;
    let url = format!("/admin/users/{milla_id}/health-personnel");
    // A non-administrator is refused and audited.
    let per = t.login("per", "benk-demo").await;
    let r = t
        .form(
            &per,
            &url,
            &[("value", "true"), ("reason", "Ansatt ved DPS")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let per_id = t.staff_id("per").await;
    assert!(last_resources(t, per_id, "staff.set_health_personnel")
        .await
        .contains("none:not_administrator"));
    // Without a reason: 422 with the field's message.
    let eva = t.login("eva", "benk-demo").await;
    let r = t
        .form(&eva, &url, &[("value", "true"), ("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Oppgi en begrunnelse"));
    let r = t
        .form(
            &eva,
            &url,
            &[
                ("value", "true"),
                ("reason", "Ansatt ved DPS for å yte helsehjelp"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM staff WHERE care_employment = TRUE AND name = 'Test milla'")
            .await,
        1
    );
}

async fn nav_writes_a_social_note_that_health_staff_see(t: &TestApp) {
    let per_id = t.staff_id("per").await;
    let per = t.token("per").await;
    let client = client_with_health_note(t, per_id).await;
    let entries = format!("/api/v1/clients/{client}/entries");
    let note = "Søknad om økonomisk stønad sendt; nedbetalingsavtale for husleie.";
    // A social note, with its topic.
    let r = t
        .api(
            Method::POST,
            &entries,
            &per,
            Some(json!({"kind": "social", "topic": "finances", "body": note})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(last_resources(t, per_id, "record_entry.create")
        .await
        .ends_with("kind:social"));
    // A health note (explicit or by default) is refused and audited.
    for body in [
        json!({"kind": "health", "body": "Virket psykotisk."}),
        json!({"body": "Virket psykotisk."}),
    ] {
        let r = t.api(Method::POST, &entries, &per, Some(body)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    }
    assert_eq!(
        t.audit_count(client, "record_entry.create", "denied").await,
        2
    );
    // A social note needs a topic; an unknown kind is refused naming the field.
    let r = t
        .api(
            Method::POST,
            &entries,
            &per,
            Some(json!({"kind": "social", "body": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "topic");
    let r = t
        .api(
            Method::POST,
            &entries,
            &per,
            Some(json!({"kind": "gossip", "body": "x"})),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text);
    assert!(r.text.contains("kind"), "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM record_entries WHERE body IN ('x', 'Virket psykotisk.')")
            .await,
        0
    );

    // The health worker sees both kinds, labelled; the social note is owned by NAV.
    let tone = t.token("tone").await;
    let full = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &tone,
            None,
        )
        .await
        .json();
    let list = full["entries"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{full}");
    let social = list
        .iter()
        .find(|e| e["kind"] == "social")
        .expect("social note");
    assert_eq!(social["body"], note);
    assert_eq!(social["topic"], "finances");
    assert_eq!(social["owner_org_name"], "NAV Fjordby");
    assert!(list.iter().any(|e| e["kind"] == "health"));
    // NAV sees the social note only.
    let basic = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{client}"),
            &per,
            None,
        )
        .await;
    assert!(!basic.text.contains("Hører stemmer"), "{}", basic.text);
    let basic = basic.json();
    assert_eq!(basic["entries"].as_array().unwrap().len(), 1);
    assert_eq!(basic["entries"][0]["kind"], "social");
    assert_eq!(basic["health_entries_withheld"], true);
    assert!(last_resources(t, per_id, "client.read")
        .await
        .ends_with("record_entries:social"));

    // HTML: NAV writes a note as a draft and signs it; the page says what not to write, and
    // the signed note is a social note (the kind follows the author).
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(page.text.contains("Skriv ingen helseopplysninger"));
    assert!(page.text.contains(note));
    assert!(!page.text.contains("Hører stemmer"));
    // The old sign-at-once form is gone: one way to write a note.
    assert!(!page
        .text
        .contains(&format!("action=\"/clients/{client}/entries\"")));
    let url = format!("/clients/{client}/draft");
    let r = t
        .form(
            &b,
            &url,
            &[("action", "sign"), ("body", "Boligsøknad levert.")],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text);
    let r = t.form(&b, &url, &[("action", "sign"), ("body", "")]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no draft to sign"
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM record_entries WHERE body = 'Boligsøknad levert.' AND kind = 'social'")
            .await,
        1
    );
    // The health worker's page labels both kinds.
    let tb = t.login("tone", "benk-demo").await;
    let page = t.page(&tb, &format!("/clients/{client}")).await;
    assert!(page.text.contains("sosialt notat"), "{}", page.text);
    assert!(page.text.contains("journalnotat"));
    assert!(page.text.contains("Boligsøknad levert."));
}

async fn the_api_document_names_the_kinds_and_scopes(t: &TestApp) {
    let r = t
        .send(
            axum::http::Request::get("/api/v1/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let doc = r.json();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["RecordEntryKind"]["enum"],
        json!(["health", "social"]),
        "{}",
        schemas["RecordEntryKind"]
    );
    assert_eq!(
        schemas["SocialNoteTopic"]["enum"],
        json!(["finances", "housing", "nav_measures", "practical_help"])
    );
    assert_eq!(schemas["ReferralScope"]["enum"], json!(["admin", "health"]));
    assert!(doc["paths"]["/staff/{id}/health-personnel"]["put"].is_object());
}

/// The demo shows both: a peer worker health personnel through her employment reads health
/// notes; the NAV officer reads (and wrote) the social notes only.
async fn demo_shows_the_peer_worker_and_the_nav_social_note(t: &TestApp) {
    let (lise, per) = (t.staff_id("lise").await, t.staff_id("per").await);
    let client_of = |staff: Uuid| async move {
        let r: Option<(Uuid,)> = t.db()
            .opt(
                "SELECT e.client_id FROM episode_members m JOIN episodes e ON e.id = m.episode_id \
                 WHERE m.staff_id = $1 AND m.left_at IS NULL AND e.closed_on IS NULL \
                 AND EXISTS (SELECT 1 FROM record_entries r WHERE r.client_id = e.client_id AND r.kind = 'health') \
                 ORDER BY e.included_on LIMIT 1",
                benk_app::args![staff],
            )
            .await
            .unwrap();
        r.expect("a demo client with health notes").0
    };
    let c = client_of(lise).await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}"),
            &t.token("lise").await,
            None,
        )
        .await
        .json();
    assert!(
        r["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "health"),
        "{r}"
    );
    let c = client_of(per).await;
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{c}"),
            &t.token("per").await,
            None,
        )
        .await
        .json();
    let entries = r["entries"].as_array().unwrap();
    assert!(!entries.is_empty(), "{r}");
    assert!(
        entries
            .iter()
            .all(|e| e["kind"] == "social" && e["owner_org_name"] == "NAV Fjordby"),
        "{r}"
    );
    assert_eq!(r["health_entries_withheld"], true);
}

/// Episode texts are health content unless marked otherwise: a level change's
/// reason that its author marks as holding no health content is read by the
/// whole care team, NAV too; an unmarked one stays withheld.
async fn a_level_reason_marked_as_no_health_content_is_shared_with_the_care_team(t: &TestApp) {
    let client = episode_with_health_reason(t).await;
    let tone = t.token("tone").await;
    let url = format!("/api/v1/clients/{client}/episodes");
    let eps = t.api(Method::GET, &url, &tone, None).await.json();
    let episode = eps[0]["id"].as_str().unwrap().to_string();
    let level = format!("/api/v1/episodes/{episode}/level");
    let shared = "Har fått egen leilighet; mindre behov for oppfølging.";
    let unshared = "Færre innleggelser etter ny medisinering.";
    for (reason, mark) in [(shared, json!(true)), (unshared, json!(false))] {
        let r = t
            .api(
                Method::POST,
                &level,
                &tone,
                Some(json!({"level": 2, "reason": reason, "reason_shared": mark})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    let per = t.token("per").await;
    let r = t.api(Method::GET, &url, &per, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.text.contains(shared),
        "the marked reason is shared: {}",
        r.text
    );
    assert!(!r.text.contains(unshared), "{}", r.text);
    assert!(!r.text.contains("schizofreni"), "{}", r.text);
    // The page shows it to per as well; health staff read both.
    let b = t.login("per", "benk-demo").await;
    let page = t.page(&b, &format!("/clients/{client}")).await;
    assert!(
        page.text.contains("Har fått egen leilighet"),
        "{}",
        page.text
    );
    assert!(!page.text.contains(unshared));
    let all = t.api(Method::GET, &url, &tone, None).await.text;
    assert!(all.contains(shared) && all.contains(unshared));
}

on_both_backends!(
    a_level_reason_marked_as_no_health_content_is_shared_with_the_care_team,
    demo_shows_the_peer_worker_and_the_nav_social_note,
    the_api_document_names_the_kinds_and_scopes,
    nav_intake_member_sees_only_administrative_referral_fields,
    undecided_referral_page_offers_no_decision_form_to_non_health,
    nav_care_team_member_does_not_see_level_reasons,
    milieu_therapist_marked_health_personnel_by_admin_then_sees_health_content,
    health_personnel_status_on_the_admin_page,
    nav_writes_a_social_note_that_health_staff_see,
);

/// Social workers and family therapists counted as health personnel by profession before this
/// change; they are not § 48 professions, so the migration records their employment instead,
/// and they keep their access to health content.
async fn migration_keeps_existing_social_workers_health_personnel(backend: common::Backend) {
    use sqlx::Connection;
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (folder, url, schema) = match backend {
        common::Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("benk-mig-{}", Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            (
                "sqlite",
                format!("sqlite:{}", dir.join("t.db").display()),
                None,
            )
        }
        common::Backend::Postgres => {
            let base = common::pg_base_url();
            let schema = format!("benk_mig_{}", Uuid::now_v7().simple());
            let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut c)
                .await
                .unwrap();
            (
                "postgres",
                benk_app::testing::pg_schema_url(&base, &schema),
                Some(schema),
            )
        }
    };
    // The migrations before this one, applied to a database with a social worker in it.
    let old = std::env::temp_dir().join(format!("benk-old-mig-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&old).unwrap();
    for f in std::fs::read_dir(here.join("../app/migrations").join(folder)).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().into_string().unwrap();
        if name.as_str() < "20261129000003" {
            std::fs::copy(f.path(), old.join(&name)).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(old.as_path()).await.unwrap();
    let (org, worker, nav) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let seed = [
        "INSERT INTO organisations (id, name, kind, org_number, created_at) VALUES ($1, 'Testby kommune', 'municipality', '974760673', CURRENT_TIMESTAMP)",
        "INSERT INTO staff (id, name, profession, home_org_id, created_at) VALUES ($2, 'Sosionom', 'social_worker', $1, CURRENT_TIMESTAMP)",
        "INSERT INTO staff (id, name, profession, home_org_id, created_at) VALUES ($3, 'NAV', 'nav_officer', $1, CURRENT_TIMESTAMP)",
    ];
    match backend {
        common::Backend::Sqlite => {
            use std::str::FromStr;
            let o = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
                .unwrap()
                .create_if_missing(true);
            let mut c = sqlx::SqliteConnection::connect_with(&o).await.unwrap();
            migrator.run(&mut c).await.unwrap();
            for sql in seed {
                let sql = sql.replace("CURRENT_TIMESTAMP", "'2026-01-01T00:00:00Z'");
                sqlx::query(&sql)
                    .bind(org)
                    .bind(worker)
                    .bind(nav)
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
        }
        common::Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            migrator.run(&mut c).await.unwrap();
            for sql in seed {
                sqlx::query(sql)
                    .bind(org)
                    .bind(worker)
                    .bind(nav)
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
        }
    }
    // Opening the app runs the rest.
    let app = benk_app::App::open(
        &benk_app::db::DbOptions::new(url.clone()),
        benk_app::Settings::default(),
    )
    .await
    .unwrap();
    let meta = benk_app::RequestMeta::default();
    let sw = benk_app::staff::load_actor(&app, worker, meta.clone())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        sw.health_personnel(),
        Some(benk_domain::HealthPersonnelBasis::Employment)
    );
    let n = benk_app::staff::load_actor(&app, nav, meta)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.health_personnel(), None);
    let history = benk_app::staff::health_personnel_history(&app, worker)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert!(
        history[0].reason.contains("hpl § 3"),
        "{}",
        history[0].reason
    );
    app.close().await;
    let _ = std::fs::remove_dir_all(&old);
    if let Some(s) = schema {
        let mut c = sqlx::PgConnection::connect(&common::pg_base_url())
            .await
            .unwrap();
        let _ = sqlx::query(&format!("DROP SCHEMA {s} CASCADE"))
            .execute(&mut c)
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_keeps_existing_social_workers_health_personnel_sqlite() {
    migration_keeps_existing_social_workers_health_personnel(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_keeps_existing_social_workers_health_personnel_postgres() {
    migration_keeps_existing_social_workers_health_personnel(common::Backend::Postgres).await;
}
