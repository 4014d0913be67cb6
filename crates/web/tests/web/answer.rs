//! The answer to a referral and the coordinator's view of the person (issue 8): the letter
//! to the person, the letter to the referrer (no health content without the person's
//! recorded consent, helsepersonelloven § 21), consent at the decision and afterwards, the
//! team's contact details, the situation carried over onto the client page and edited
//! there, and the referral read by the care team. All through HTTP, on both backends.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{decide, register, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

const REASON: &str = "Sitter på jernbanestasjonen hver morgen og virker forvirret.";
const MENTAL: &str = "Hører stemmer, redd for andre.";
const SUBSTANCE: &str = "Daglig bruk av amfetamin.";
const SERVICES: &str = "Fastlege Dr. Bye, ingen kontakt med DPS.";
const DECISION_REASONS: &str =
    "Alvorlig psykoselidelse med rusbruk og svak kontakt med tjenestene.";
const WHEREABOUTS: &str = "På jernbanestasjonen om morgenen";
const HOUSING: &str = "Bor i bil etter utkastelse";

struct Accepted {
    referral: Uuid,
    client: Uuid,
    episode: Uuid,
}

/// A police officer refers a person; the intake team accepts at level 1 with hanne and
/// arne as the coordinator pair.
async fn police_referral_accepted(t: &TestApp, consent: bool) -> Accepted {
    let hanne = t.token("hanne").await;
    let rid = register(
        t,
        &hanne,
        json!({
            "referrer_name": "Politibetjent Lund",
            "referrer_role": "politibetjent",
            "referrer_phone": "+4791234567",
            "agency_kind": "police",
            "person_name": "Stian Stasjon",
            "person_whereabouts": WHEREABOUTS,
            "housing_situation": HOUSING,
            "reason": REASON,
            "mental_health": MENTAL,
            "substance_use": SUBSTANCE,
            "current_services": SERVICES,
            "diagnoses": ["F20.0"],
        }),
    )
    .await;
    let h = t.staff_id("hanne").await;
    let a = t.staff_id("arne").await;
    let r = decide(
        t,
        &hanne,
        rid,
        json!({
            "outcome": "accepted", "level": 1, "reasons": DECISION_REASONS,
            "participants": [h, a], "target_group": {"severe_mental_illness": true, "substance_use": true, "weak_connection": true},
            "municipal_coordinator": h, "specialist_coordinator": a,
            "referrer_consent": consent,
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j: Value = r.json();
    Accepted {
        referral: rid,
        client: j["client_id"].as_str().unwrap().parse().unwrap(),
        episode: j["episode_id"].as_str().unwrap().parse().unwrap(),
    }
}

/// What the referrer must not learn without consent.
fn health_content() -> Vec<&'static str> {
    vec![
        "tilbud om oppfølging",
        "Innsatsnivå",
        "Inn i teamet",
        "Hvem tar kontakt",
        "Begrunnelse",
        DECISION_REASONS,
        REASON,
        MENTAL,
        SUBSTANCE,
        SERVICES,
        "F20",
        "psykose",
        "amfetamin",
        "Hanne Sund",
        "Arne Lie",
    ]
}

/// The printed letter only (the staff notes above it are not sent).
fn letter_part(html: &str) -> &str {
    let start = html.find("<article class=\"letter").expect("a letter");
    let end = html[start..].find("</article>").unwrap() + start;
    &html[start..end]
}

async fn referrer_letter_holds_no_health_content_without_consent(t: &TestApp) {
    let a = police_referral_accepted(t, false).await;
    let hanne = t.login("hanne", "benk-demo").await;
    let r = t
        .page(
            &hanne,
            &format!("/intake/referrals/{}/letter/referrer", a.referral),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let letter = letter_part(&r.text);
    for s in health_content() {
        assert!(
            !letter.contains(s),
            "referrer letter without consent holds {s:?}: {letter}"
        );
    }
    assert!(letter.contains("Politibetjent Lund"));
    assert!(letter.contains("mottatt den og gitt svar"));
    assert!(letter.contains("helsepersonelloven § 21"));
    assert!(!letter.contains("[telefon]") && !letter.contains("[e-post]"));
    assert!(
        r.text.contains("Personen har ikke samtykket"),
        "staff are told why"
    );

    // The letter to the person says what was decided, the level, who will contact them and
    // how to complain, and it is not called a decision with appeal rights.
    let p = t
        .page(&hanne, &format!("/intake/referrals/{}/letter", a.referral))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let pl = letter_part(&p.text);
    assert!(
        pl.contains("Svar på henvisning til Samhandlingsteamet Fjordby"),
        "{pl}"
    );
    assert!(pl.contains("Stian Stasjon"));
    assert!(pl.contains("Du får tilbud om oppfølging fra teamet."));
    assert!(pl.contains("1 – Inn i teamet"));
    assert!(pl.contains("Hanne Sund (koordinator i kommunen) og Arne Lie (koordinator i spesialisthelsetjenesten) tar kontakt med deg."), "{pl}");
    assert!(
        pl.contains(DECISION_REASONS),
        "health personnel print the reasons"
    );
    assert!(pl.contains("ikke et enkeltvedtak"));
    assert!(
        pl.contains("Statsforvalteren")
            && pl.contains("pasient- og brukerrettighetsloven kapittel 7")
    );
    assert!(pl.contains("Pasient- og brukerombudet"));
    assert!(!pl.contains("Vedtak") && !pl.contains("klagerett"), "{pl}");
    assert!(!pl.contains("[telefon]"));

    // Consent recorded afterwards: the referrer letter now tells the outcome.
    let r = t
        .form(
            &hanne,
            &format!("/intake/referrals/{}/consent", a.referral),
            &[("consent", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let hid = t.staff_id("hanne").await;
    let n = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM intake_decisions WHERE referral_id = $1 AND referrer_consent_by = $2 \
             AND referrer_consent_at IS NOT NULL",
            benk_app::args![a.referral, hid],
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'intake.referrer_consent' AND outcome = 'allowed' AND resources LIKE '%consent:given'")
            .await,
        1
    );
    let api = t
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{}", a.referral),
            &t.token("hanne").await,
            None,
        )
        .await
        .json();
    assert_eq!(
        api["decision"]["referrer_consent_by"], "Hanne Sund",
        "{api}"
    );
    assert!(api["decision"]["referrer_consent_at"].is_string(), "{api}");
    let page = t
        .page(&hanne, &format!("/intake/referrals/{}", a.referral))
        .await;
    assert!(page
        .text
        .contains("Personen har samtykket i at henviseren får vite utfallet"));
    let r = t
        .page(
            &hanne,
            &format!("/intake/referrals/{}/letter/referrer", a.referral),
        )
        .await;
    let letter = letter_part(&r.text);
    assert!(
        letter.contains("Personen har fått tilbud om oppfølging fra teamet."),
        "{letter}"
    );
    assert!(letter.contains("1 – Inn i teamet"));
    assert!(letter.contains(DECISION_REASONS));
    assert!(letter.contains("tar kontakt med personen"));

    // Withdrawn: back to "received and answered".
    let r = t
        .form(
            &hanne,
            &format!("/intake/referrals/{}/consent", a.referral),
            &[("consent", "no")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t
        .page(
            &hanne,
            &format!("/intake/referrals/{}/letter/referrer", a.referral),
        )
        .await;
    for s in health_content() {
        assert!(!letter_part(&r.text).contains(s), "after withdrawal: {s:?}");
    }
}

async fn consent_at_the_decision_and_english_letters(t: &TestApp) {
    let a = police_referral_accepted(t, true).await;
    let hanne = t.login("hanne", "benk-demo").await;
    let r = t
        .page(
            &hanne,
            &format!("/intake/referrals/{}/letter/referrer", a.referral),
        )
        .await;
    let letter = letter_part(&r.text);
    assert!(
        letter.contains("Personen har samtykket i at vi forteller deg"),
        "{letter}"
    );
    assert!(letter.contains("Personen har fått tilbud om oppfølging fra teamet."));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'intake.decide' AND resources LIKE '%consent:referrer%'")
            .await,
        1
    );
    // An English user gets the letters in English.
    let r = t
        .form(&hanne, "/settings/language", &[("lang", "en")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = t
        .page(&hanne, &format!("/intake/referrals/{}/letter", a.referral))
        .await;
    let letter = letter_part(&r.text);
    assert!(
        letter.contains("Answer to referral to Samhandlingsteamet Fjordby"),
        "{letter}"
    );
    assert!(letter.contains("You are offered follow-up by the team."));
    assert!(letter.contains("County Governor"));
    assert!(letter.contains("lang=\"en\""));
}

async fn team_contact_details_are_set_by_the_team_lead_and_printed(t: &TestApp) {
    let a = police_referral_accepted(t, false).await;
    let hanne = t.login("hanne", "benk-demo").await;
    let tone = t.login("tone", "benk-demo").await;
    // The demo team has contact details; the team lead clears them.
    let r = t
        .form(
            &tone,
            "/team/contact",
            &[
                ("phone", ""),
                ("email", ""),
                ("address", ""),
                ("visiting_hours", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // Not set: no placeholders, and staff are told.
    let r = t
        .page(&hanne, &format!("/intake/referrals/{}/letter", a.referral))
        .await;
    assert!(
        !letter_part(&r.text).contains("telefon"),
        "{}",
        letter_part(&r.text)
    );
    assert!(r
        .text
        .contains("kontaktinformasjon (telefon, e-post, adresse, åpningstider) er ikke lagt inn"));

    // A worker may not change them; the refusal is audited.
    let ola = t.login("ola", "benk-demo").await;
    let before = t
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'team.contact' AND outcome = 'denied'")
        .await;
    let r = t
        .form(&ola, "/team/contact", &[("phone", "11 11 11 11")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'team.contact' AND outcome = 'denied'")
            .await,
        before + 1
    );
    // The team lead: a bad e-mail is refused, naming the field, nothing saved.
    let r = t
        .form(
            &tone,
            "/team/contact",
            &[("phone", "55 00 00 00"), ("email", "ikke-en-adresse")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Skriv en e-postadresse"));
    assert!(
        r.text.contains("value=\"55 00 00 00\""),
        "typed values kept"
    );
    let r = t
        .form(
            &tone,
            "/team/contact",
            &[
                ("phone", "55 00 00 00"),
                ("email", "samhandling@fjordby.kommune.no"),
                ("address", "Storgata 1, 5000 Fjordby"),
                ("visiting_hours", "Mandag–fredag 08–15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let team = t.page(&tone, "/team").await;
    assert!(team.text.contains("samhandling@fjordby.kommune.no"));
    for path in ["letter", "letter/referrer"] {
        let r = t
            .page(&hanne, &format!("/intake/referrals/{}/{path}", a.referral))
            .await;
        let l = letter_part(&r.text);
        assert!(
            l.contains("telefon 55 00 00 00 eller e-post samhandling@fjordby.kommune.no"),
            "{l}"
        );
        assert!(l.contains("Åpningstider: Mandag–fredag 08–15"));
        assert!(l.contains("Adresse: Storgata 1, 5000 Fjordby"));
    }
}

async fn the_situation_is_carried_over_and_edited_by_the_care_team(t: &TestApp) {
    let a = police_referral_accepted(t, false).await;
    let hanne = t.login("hanne", "benk-demo").await;
    let page = t.page(&hanne, &format!("/clients/{}", a.client)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let text = &page.text;
    assert!(text.contains("Finne og nå personen"));
    let block = &text[text.find("situation-h").unwrap()..text.find("basic-h").unwrap()];
    for s in [
        WHEREABOUTS,
        HOUSING,
        "Politibetjent Lund, politibetjent, +4791234567",
        REASON,
        SERVICES,
    ] {
        assert!(block.contains(s), "{s:?} not on the client page: {block}");
    }
    assert!(block.contains(&format!("/clients/{}/referrals/{}", a.client, a.referral)));

    // Edited on the page, audited.
    let r = t
        .form(
            &hanne,
            &format!("/clients/{}/situation", a.client),
            &[
                ("whereabouts", "Ved kirken på ettermiddagen"),
                ("housing_situation", HOUSING),
                ("referrer_contact", "Politibetjent Lund"),
                ("referral_reason", REASON),
                ("current_helpers", "Fastlege Dr. Bye"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        t.audit_count(a.client, "client.situation_update", "allowed")
            .await,
        1
    );
    let page = t.page(&hanne, &format!("/clients/{}", a.client)).await;
    assert!(page.text.contains("Ved kirken på ettermiddagen"));
    assert!(!page.text.contains(WHEREABOUTS));
    assert!(page.text.contains("Fastlege Dr. Bye"));

    // A NAV officer in the care team sees and edits where to find the person, but not the
    // reason for referral or the helpers (health content); sending them is refused and audited.
    let hanne_tok = t.token("hanne").await;
    let per = t.staff_id("per").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{}/members", a.episode),
            &hanne_tok,
            Some(json!({"staff_id": per, "role": "member"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let pb = t.login("per", "benk-demo").await;
    let page = t.page(&pb, &format!("/clients/{}", a.client)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Ved kirken på ettermiddagen"));
    assert!(!page.text.contains(REASON) && !page.text.contains("Fastlege Dr. Bye"));
    assert!(page.text.contains("vises bare for helsepersonell"));
    let r = t
        .form(
            &pb,
            &format!("/clients/{}/situation", a.client),
            &[("whereabouts", "Hos NAV"), ("referral_reason", "endret")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        t.audit_count(a.client, "client.situation_update", "denied")
            .await,
        1
    );
    let r = t
        .form(
            &pb,
            &format!("/clients/{}/situation", a.client),
            &[
                ("whereabouts", "Hos NAV på tirsdager"),
                ("housing_situation", HOUSING),
                ("referrer_contact", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The health fields were kept.
    let page = t.page(&hanne, &format!("/clients/{}", a.client)).await;
    assert!(page.text.contains("Hos NAV på tirsdager"));
    assert!(page.text.contains(REASON) && page.text.contains("Fastlege Dr. Bye"));
    // Too long: refused naming the field, nothing saved.
    let long = "x".repeat(10_001);
    let r = t
        .form(
            &hanne,
            &format!("/clients/{}/situation", a.client),
            &[("whereabouts", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("sit-whereabouts-error"));
}

async fn the_care_team_reads_the_referral_and_others_are_refused(t: &TestApp) {
    let a = police_referral_accepted(t, false).await;
    let ola = t.login("ola", "benk-demo").await;
    let url = format!("/clients/{}/referrals/{}", a.client, a.referral);
    // No care relationship: refused and audited.
    let r = t.page(&ola, &url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(!r.text.contains(REASON));
    assert_eq!(t.audit_count(a.client, "client.open", "denied").await, 1);
    // ola has no intake grant either.
    let r = t
        .page(&ola, &format!("/intake/referrals/{}", a.referral))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // In the care team: ola (health personnel by employment) reads it, audited.
    let hanne_tok = t.token("hanne").await;
    let ola_id = t.staff_id("ola").await;
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/episodes/{}/members", a.episode),
            &hanne_tok,
            Some(json!({"staff_id": ola_id, "role": "member"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = t.page(&ola, &url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.text.contains(REASON)
            && r.text.contains(WHEREABOUTS)
            && r.text.contains("Politibetjent Lund")
    );
    assert!(t
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'referral.read' AND outcome = 'allowed' \
             AND resources LIKE '%referral:{}%' AND resources LIKE '%basis:care_team%'",
            a.referral
        ))
        .await
        >= 1);
    // Another referral of the team, not the client's: refused as not found, audited.
    let other = register(t, &hanne_tok, json!({"person_name": "Annen Person"})).await;
    let r = t
        .page(&ola, &format!("/clients/{}/referrals/{other}", a.client))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.audit_count(a.client, "referral.read", "denied").await, 1);
}

on_both_backends!(
    referrer_letter_holds_no_health_content_without_consent,
    consent_at_the_decision_and_english_letters,
    team_contact_details_are_set_by_the_team_lead_and_printed,
    the_situation_is_carried_over_and_edited_by_the_care_team,
    the_care_team_reads_the_referral_and_others_are_refused,
);

async fn the_api_sets_contact_consent_and_situation_and_reads_the_referral(t: &TestApp) {
    let a = police_referral_accepted(t, false).await;
    let tone = t.token("tone").await;
    let ola = t.token("ola").await;
    let hanne = t.token("hanne").await;
    let team = t.team_id(benk_app::demo::DEMO_TEAM).await;
    // Contact: the team lead sets it; a worker is refused (audited); a bad e-mail is a 422.
    let url = format!("/api/v1/teams/{team}/contact");
    let r = t
        .api(Method::PUT, &url, &ola, Some(json!({"phone": "1"})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = t
        .api(Method::PUT, &url, &tone, Some(json!({"email": "a b@c"})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "email");
    let r = t
        .api(
            Method::PUT,
            &url,
            &tone,
            Some(json!({"phone": "55 10 20 30", "email": "post@fjordby.kommune.no"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["phone"], "55 10 20 30");
    let team_json = t
        .api(Method::GET, &format!("/api/v1/teams/{team}"), &tone, None)
        .await
        .json();
    assert_eq!(
        team_json["policy"]["contact"]["email"],
        "post@fjordby.kommune.no"
    );

    // Consent through the API.
    let curl = format!("/api/v1/referrals/{}/decision/consent", a.referral);
    let r = t
        .api(Method::PUT, &curl, &ola, Some(json!({"consented": true})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .api(Method::PUT, &curl, &hanne, Some(json!({"consented": true})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["referrer_consent_by"], "Hanne Sund");
    let r = t
        .api(
            Method::PUT,
            &curl,
            &hanne,
            Some(json!({"consented": false})),
        )
        .await;
    assert!(r.json()["referrer_consent_at"].is_null(), "{}", r.text);
    let undecided = register(t, &hanne, json!({})).await;
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/referrals/{undecided}/decision/consent"),
            &hanne,
            Some(json!({"consented": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Situation: read and changed by the care team; others refused.
    let surl = format!("/api/v1/clients/{}/situation", a.client);
    let s = t.api(Method::GET, &surl, &hanne, None).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.json()["whereabouts"], WHEREABOUTS);
    assert_eq!(s.json()["referral_reason"], REASON);
    assert_eq!(
        t.api(Method::GET, &surl, &ola, None).await.status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .api(
            Method::PUT,
            &surl,
            &hanne,
            Some(json!({"whereabouts": "Biblioteket", "current_helpers": ""})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let s = t.api(Method::GET, &surl, &hanne, None).await.json();
    assert_eq!(s["whereabouts"], "Biblioteket");
    assert!(s.get("housing_situation").is_none() || s["housing_situation"].is_null());
    assert_eq!(s["referral_reason"], REASON, "absent: unchanged");
    assert!(s.get("current_helpers").is_none(), "blank: cleared");

    // The referral, for the care team.
    let list = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{}/referrals", a.client),
            &hanne,
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()[0]["id"], a.referral.to_string());
    let one = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{}/referrals/{}", a.client, a.referral),
            &hanne,
            None,
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.json()["health"]["reason"], REASON);
    assert_eq!(one.json()["diagnoses"][0], "F20.0");
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/clients/{}/referrals/{}", a.client, a.referral),
            &ola,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

on_both_backends!(the_api_sets_contact_consent_and_situation_and_reads_the_referral);

async fn the_demo_carries_contact_consent_and_situations(t: &TestApp) {
    for name in [benk_app::demo::DEMO_TEAM, benk_app::demo::DEMO_TEAM_2] {
        let team = benk_app::orgs::get_team(&t.app, t.team_id(name).await)
            .await
            .unwrap();
        assert!(
            team.policy.contact.phone.is_some() && team.policy.contact.email.is_some(),
            "{name}"
        );
    }
    assert!(
        t.count("SELECT COUNT(*) FROM client_situation WHERE whereabouts IS NOT NULL")
            .await
            > 5
    );
    assert!(
        t.count("SELECT COUNT(*) FROM intake_decisions WHERE referrer_consent_at IS NOT NULL")
            .await
            > 0
    );
    assert!(t.count("SELECT COUNT(*) FROM intake_decisions WHERE outcome = 'accepted' AND referrer_consent_at IS NULL").await > 0);
}

on_both_backends!(the_demo_carries_contact_consent_and_situations);

/// A routed outcome names its destination in the letter only when the decision recorded it,
/// and only to health personnel (the destination is part of the decision's health content);
/// without it the letter never claims a forwarding.
async fn a_routed_letter_names_only_the_recorded_destination(t: &TestApp) {
    let hanne = t.token("hanne").await;
    let rid = register(
        t,
        &hanne,
        json!({
            "referrer_name": "Fastlege Bye", "agency_kind": "gp",
            "person_name": "Rut Rutet", "reason": REASON,
        }),
    )
    .await;
    let h = t.staff_id("hanne").await;
    let a = t.staff_id("arne").await;
    let r = decide(
        t,
        &hanne,
        rid,
        json!({
            "outcome": "routed_other", "reasons": "Passer bedre i rusbehandling.",
            "routed_to": "Rusbehandling Helse Fjord (TSB)",
            "participants": [h, a],
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let b = t.login("hanne", "benk-demo").await;
    let letter = t.page(&b, &format!("/intake/referrals/{rid}/letter")).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(
        letter
            .text
            .contains("Rusbehandling Helse Fjord (TSB) er et bedre tilbud for deg"),
        "{}",
        letter.text
    );
    assert!(letter.text.contains("har sendt henvisningen dit"));
    // Without a recorded destination (a FACT routing may leave it out) nothing is claimed.
    let rid2 = register(
        t,
        &hanne,
        json!({"referrer_name": "Fastlege Bye", "agency_kind": "gp", "person_name": "Per Psykose", "reason": REASON}),
    )
    .await;
    let r = decide(
        t,
        &hanne,
        rid2,
        json!({"outcome": "routed_fact", "reasons": "Psykoselidelse.", "participants": [h, a]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let letter = t
        .page(&b, &format!("/intake/referrals/{rid2}/letter"))
        .await;
    assert!(
        letter.text.contains("et FACT-team er et bedre tilbud"),
        "{}",
        letter.text
    );
    assert!(
        !letter.text.contains("sendt henvisningen"),
        "{}",
        letter.text
    );
}

on_both_backends!(a_routed_letter_names_only_the_recorded_destination);
