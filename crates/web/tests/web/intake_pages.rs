//! The referral and intake pages: the public form's abuse protection, the
//! intake board's access rule, the joint decision's participant rule, the
//! episode that an acceptance opens (and the access it gives and takes away),
//! and the episode forms on the client page, all through the HTML routes.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{urlencode, Resp, TestApp};
use uuid::Uuid;

async fn team_id(t: &TestApp) -> Uuid {
    benk_app::orgs::list_teams(&t.app)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.1 == benk_app::demo::DEMO_TEAM)
        .unwrap()
        .0
}

/// Opens the public form; returns the CSRF token from its cookie.
async fn public_token(t: &TestApp, team: Uuid) -> String {
    let r = t
        .send(
            Request::get(format!("/henvisning/{team}"))
                .header(header::ACCEPT_LANGUAGE, "nb")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("name=\"hp_url\""), "honeypot on the form");
    let token = r.cookie("benk_ref_csrf").expect("referral csrf cookie");
    assert!(
        r.text
            .contains(&format!("name=\"_csrf\" value=\"{token}\"")),
        "the form carries the cookie's token"
    );
    token
}

/// Posts the public form as an anonymous visitor.
async fn public_post(
    t: &TestApp,
    team: Uuid,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Resp {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut b = Request::post(format!("/henvisning/{team}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT_LANGUAGE, "nb");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("benk_ref_csrf={c}"));
    }
    t.send(b.body(Body::from(body)).unwrap()).await
}

const REASON: &str = "Han sover ute og har sluttet å hente medisinene sine.";

fn valid<'a>(csrf: &'a str, person: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("hp_url", ""),
        ("referrer_name", "Kari Nordmann"),
        ("referrer_role", "mor"),
        ("referrer_phone", "912 34 567"),
        ("referrer_email", ""),
        ("agency_id", ""),
        ("agency_kind", "relative"),
        ("person_name", person),
        ("person_national_id", ""),
        ("person_birth_year", "1984"),
        ("person_phone", ""),
        ("person_whereabouts", "Bymisjonens kafé"),
        ("reason", REASON),
        ("current_services", ""),
        ("housing_situation", "Bostedsløs siden mars."),
        ("substance_use", ""),
        ("mental_health", ""),
        ("person_knows", "yes"),
        ("person_agrees", "unknown"),
        ("urgency", "urgent"),
    ]
}

async fn referrals(t: &TestApp) -> i64 {
    t.count("SELECT COUNT(*) FROM referrals").await
}

fn receipt_of(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loc = r.location();
    loc.strip_prefix("/henvisning/kvittering/")
        .unwrap_or_else(|| panic!("not a receipt: {loc}"))
        .to_string()
}

async fn get_anon(t: &TestApp, uri: &str) -> Resp {
    t.send(
        Request::get(uri)
            .header(header::ACCEPT_LANGUAGE, "nb")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn missing_or_forged_csrf_is_refused_and_nothing_is_stored(t: &TestApp) {
    let team = team_id(t).await;
    let before = referrals(t).await;
    let token = public_token(t, team).await;

    // No cookie at all (a cross-site post), and a token that does not match the cookie.
    let r = public_post(t, team, None, &valid(&token, "Ola Hansen")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = public_post(t, team, Some(&token), &valid("forged-token", "Ola Hansen")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The form comes back with a fresh token and everything typed.
    assert!(r.text.contains("Skjemaet var utløpt"), "{}", r.text);
    assert!(r.text.contains("value=\"Ola Hansen\""));
    assert!(r.text.contains(REASON));
    let fresh = r.cookie("benk_ref_csrf").expect("a new token");
    assert_ne!(fresh, token);
    assert_eq!(referrals(t).await, before, "nothing stored");

    // With the new token it goes through, and the receipt tells what happens next.
    let r = public_post(t, team, Some(&fresh), &valid(&fresh, "Ola Hansen")).await;
    let nr = receipt_of(&r);
    assert_eq!(referrals(t).await, before + 1);
    let page = get_anon(t, &format!("/henvisning/kvittering/{nr}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&nr));
    assert!(page.text.contains("113") && page.text.contains("116 117"));
    assert!(page.text.contains("ukentlige møte"));
    assert!(!page.text.contains("Ola Hansen"), "no personal data echoed");
    // The submission is audited with the sender as actor.
    let audited = t
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'referral.submit'")
        .await;
    assert_eq!(audited, 1);
    // A receipt page for something that is not a receipt number is a 404.
    assert_eq!(
        get_anon(t, "/henvisning/kvittering/%3Cscript%3E")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn a_filled_honeypot_looks_like_success_but_stores_nothing(t: &TestApp) {
    let team = team_id(t).await;
    let before = referrals(t).await;
    let token = public_token(t, team).await;
    let mut fields = valid(&token, "Bot Botsen");
    fields.retain(|(k, _)| *k != "hp_url");
    fields.push(("hp_url", "http://spam.example"));
    let r = public_post(t, team, Some(&token), &fields).await;
    let nr = receipt_of(&r);
    let page = get_anon(t, &format!("/henvisning/kvittering/{nr}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Henvisningen er sendt"));
    assert_eq!(referrals(t).await, before, "nothing stored");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_events WHERE action = 'referral.submit'")
            .await,
        0
    );
}

async fn too_many_submissions_from_one_address_get_429_with_the_form_kept(t: &TestApp) {
    let team = team_id(t).await;
    let before = referrals(t).await;
    let token = public_token(t, team).await;
    for i in 0..5 {
        let name = format!("Person Nummer {i}");
        let r = public_post(t, team, Some(&token), &valid(&token, &name)).await;
        receipt_of(&r);
    }
    assert_eq!(referrals(t).await, before + 5);
    let r = public_post(t, team, Some(&token), &valid(&token, "Sjette Person")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert!(r.text.contains("mange henvisninger fra denne adressen"));
    assert!(
        r.text.contains("value=\"Sjette Person\""),
        "typed values kept"
    );
    assert!(r.text.contains(REASON));
    assert!(r.text.contains("value=\"Kari Nordmann\""));
    assert_eq!(referrals(t).await, before + 5, "the sixth was not stored");
}

async fn an_unreachable_person_is_refused_with_everything_kept(t: &TestApp) {
    let team = team_id(t).await;
    let before = referrals(t).await;
    let token = public_token(t, team).await;
    let mut fields = valid(&token, "");
    fields.retain(|(k, _)| !matches!(*k, "person_whereabouts" | "referrer_email"));
    fields.push(("person_whereabouts", ""));
    // A second problem at the same time: a malformed e-mail address.
    fields.push(("referrer_email", "kari(at)example"));
    let r = public_post(t, team, Some(&token), &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r
        .text
        .contains("Vi trenger noe som gjør at vi kan finne eller kontakte personen"));
    assert!(r.text.contains("E-postadressen ser ikke riktig ut"));
    assert!(r.text.contains("id=\"error-summary\""));
    assert!(r.text.contains("href=\"#person-error\""));
    assert!(r.text.contains("aria-invalid=\"true\""));
    // Everything typed is still there.
    assert!(r.text.contains("value=\"Kari Nordmann\""));
    assert!(r.text.contains("value=\"kari(at)example\""));
    assert!(r.text.contains("value=\"1984\""));
    assert!(r.text.contains(REASON));
    assert!(r.text.contains("Bostedsløs siden mars."));
    assert!(r
        .text
        .contains("id=\"urgency-urgent\" name=\"urgency\" value=\"urgent\" checked"));
    assert_eq!(referrals(t).await, before);
}

/// Submits a valid public referral and returns its id.
async fn submit(t: &TestApp, person: &str) -> Uuid {
    let team = team_id(t).await;
    let token = public_token(t, team).await;
    let r = public_post(t, team, Some(&token), &valid(&token, person)).await;
    let nr = receipt_of(&r);
    let row: (Uuid,) = t
        .db()
        .opt(
            "SELECT id FROM referrals WHERE receipt_number = $1",
            benk_app::args![nr],
        )
        .await
        .unwrap()
        .expect("stored");
    row.0
}

async fn the_board_shows_new_referrals_to_the_intake_team_only(t: &TestApp) {
    let id = submit(t, "Tavle Testesen").await;
    let hanne = t.login("hanne", "benk-demo").await;
    let board = t.page(&hanne, "/intake").await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.text);
    assert!(board.text.contains("Tavle Testesen"));
    assert!(board.text.contains(&format!("/intake/referrals/{id}")));
    assert!(board.text.contains("mottatt i dag"), "age shown");
    assert!(board.text.contains("Haster"), "urgency badge in words");
    assert!(board
        .text
        .contains("href=\"/intake\" aria-current=\"page\""));
    let detail = t.page(&hanne, &format!("/intake/referrals/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.text.contains(REASON));

    // A worker is refused, and the refusal is audited.
    let ola = t.login("ola", "benk-demo").await;
    let denied = || {
        t.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.open' AND outcome = 'denied'",
        )
    };
    let before = denied().await;
    let r = t.page(&ola, "/intake").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.text.contains("Tavle Testesen"));
    let r = t.page(&ola, &format!("/intake/referrals/{id}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(denied().await, before + 2);
    // And the menu does not offer it.
    let home = t.page(&ola, "/").await;
    assert!(!home.text.contains("href=\"/intake\""));
    assert!(home.text.contains("href=\"/reports\""));
}

async fn decide_form(
    t: &TestApp,
    b: &common::Browser,
    referral: Uuid,
    participants: &[Uuid],
    extra: &[(&str, &str)],
) -> Resp {
    let ids: Vec<String> = participants.iter().map(Uuid::to_string).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("outcome", "accepted"),
        ("level", "1"),
        ("reasons", "Svak tilknytning til tjenestene, bostedsløs."),
        ("tg", "serious_substance_use"),
        ("tg", "major_loss_of_function"),
        ("tg", "weak_connection"),
    ];
    let today = benk_app::time::oslo_today().format("%Y-%m-%d").to_string();
    fields.push(("decided_on", &today));
    for id in &ids {
        fields.push(("participants", id));
    }
    fields.extend_from_slice(extra);
    t.form(
        b,
        &format!("/intake/referrals/{referral}/decision"),
        &fields,
    )
    .await
}

async fn the_decision_needs_a_participant_from_each_side(t: &TestApp) {
    let id = submit(t, "Regel Rolvsen").await;
    let hanne_id = t.staff_id("hanne").await;
    let hanne = t.login("hanne", "benk-demo").await;
    let decisions = || t.count("SELECT COUNT(*) FROM intake_decisions");
    let before = decisions().await;
    // Only a municipal participant (hanne): the demo policy needs one from each side.
    let r = decide_form(t, &hanne, id, &[hanne_id], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let at = r
        .text
        .find("id=\"participants-error\"")
        .expect("error next to the participants");
    assert!(r.text[at..at + 400].contains("1 fra spesialisthelsetjenesten"));
    assert!(r.text.contains("href=\"#participants-error\""));
    // Typed values kept.
    assert!(r
        .text
        .contains("Svak tilknytning til tjenestene, bostedsløs."));
    assert!(r
        .text
        .contains("id=\"outcome-accepted\" name=\"outcome\" value=\"accepted\" checked"));
    assert_eq!(decisions().await, before, "nothing stored");
    let status: (String,) = t
        .db()
        .opt(
            "SELECT status FROM referrals WHERE id = $1",
            benk_app::args![id],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.0, "new");
    // All errors at once: missing reasons and too few participants together.
    let r = t
        .form(
            &hanne,
            &format!("/intake/referrals/{id}/decision"),
            &[("outcome", "declined"), ("reasons", ""), ("decided_on", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text
        .contains("Begrunnelsen for inntaksbeslutningen mangler."));
    assert!(r.text.contains("id=\"participants-error\""));
    assert!(r.text.contains("id=\"decided_on-error\""));
    // With one participant from each side it is saved; without a coordinator pair the
    // person who recorded the decision follows up, so the page links to the client.
    let arne_id = t.staff_id("arne").await;
    let r = decide_form(t, &hanne, id, &[hanne_id, arne_id], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&hanne, &r.location()).await;
    assert!(page.text.contains("Inntaksbeslutningen er lagret."));
    assert!(!page
        .text
        .contains("har derfor ikke tilgang til brukersiden"));
    let client: (Option<Uuid>,) = t
        .db()
        .opt(
            "SELECT client_id FROM referrals WHERE id = $1",
            benk_app::args![id],
        )
        .await
        .unwrap()
        .unwrap();
    let client = client.0.expect("the accepted person is a client");
    assert!(page.text.contains(&format!("href=\"/clients/{client}\"")));
    assert_eq!(
        t.page(&hanne, &format!("/clients/{client}")).await.status,
        StatusCode::OK
    );
    assert_eq!(decisions().await, before + 1);
}

struct Accepted {
    referral: Uuid,
    client: Uuid,
    episode: Uuid,
}

async fn accept(t: &TestApp, hanne: &common::Browser, person: &str) -> Accepted {
    let referral = submit(t, person).await;
    let hanne_id = t.staff_id("hanne").await;
    let arne_id = t.staff_id("arne").await;
    let (h, a) = (hanne_id.to_string(), arne_id.to_string());
    let r = t
        .form(hanne, &format!("/intake/referrals/{referral}/assess"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = decide_form(
        t,
        hanne,
        referral,
        &[hanne_id, arne_id],
        &[
            ("municipal_coordinator", &h),
            ("specialist_coordinator", &a),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().contains("msg=decided"), "{}", r.location());
    let (client, episode): (Uuid, Uuid) = t.db()
        .opt(
            "SELECT r.client_id, e.id FROM referrals r JOIN episodes e ON e.referral_id = r.id WHERE r.id = $1",
            benk_app::args![referral],
        )
        .await
        .unwrap()
        .expect("client and episode");
    Accepted {
        referral,
        client,
        episode,
    }
}

async fn an_acceptance_opens_an_episode_that_gives_the_coordinators_access(t: &TestApp) {
    let hanne = t.login("hanne", "benk-demo").await;
    let a = accept(t, &hanne, "Vedtak Vedtaksen").await;
    // The referral page shows the decision and links to the client and the letter.
    let page = t
        .page(
            &hanne,
            &format!("/intake/referrals/{}?msg=decided", a.referral),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Inntaksbeslutningen er lagret."));
    assert!(page.text.contains(&format!("/clients/{}", a.client)));
    assert!(page.text.contains("Arne Lie") && page.text.contains("Hanne Sund"));
    assert!(page.text.contains("Tilhører målgruppen"));
    let letter = t
        .page(&hanne, &format!("/intake/referrals/{}/letter", a.referral))
        .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter
        .text
        .contains("Svar på henvisning til Samhandlingsteamet Fjordby"));
    assert!(letter
        .text
        .contains("Du får tilbud om oppfølging fra teamet."));
    assert!(letter.text.contains("1 – Inn i teamet"));

    // The coordinators can open the client page, which shows the episode.
    for user in ["hanne", "arne"] {
        let b = t.login(user, "benk-demo").await;
        let r = t.page(&b, &format!("/clients/{}", a.client)).await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.text);
        assert!(r.text.contains(&format!("id=\"episode-{}\"", a.episode)));
        assert!(r.text.contains("Kommunal koordinator"));
        assert!(r.text.contains("1 – Inn i teamet"));
    }
    // An unrelated worker cannot.
    let ola = t.login("ola", "benk-demo").await;
    let r = t.page(&ola, &format!("/clients/{}", a.client)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A second decision on the same referral is refused.
    let r = decide_form(t, &hanne, a.referral, &[t.staff_id("hanne").await], &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("allerede avgjort"));
}

async fn member_id(t: &TestApp, episode: Uuid, user: &str) -> Uuid {
    let staff = t.staff_id(user).await;
    let row: (Uuid,) = t.db()
        .opt(
            "SELECT id FROM episode_members WHERE episode_id = $1 AND staff_id = $2 AND left_at IS NULL",
            benk_app::args![episode, staff],
        )
        .await
        .unwrap()
        .expect("member");
    row.0
}

async fn the_episode_forms_work_through_the_html_routes(t: &TestApp) {
    let hanne = t.login("hanne", "benk-demo").await;
    let a = accept(t, &hanne, "Forløp Forløpsen").await;
    let client_page = format!("/clients/{}", a.client);
    let ep = a.episode;

    // Change the level.
    let today = benk_app::time::oslo_today();
    let today_s = today.format("%Y-%m-%d").to_string();
    let r = t
        .form(
            &hanne,
            &format!("/episodes/{ep}/level"),
            &[
                ("level", "2"),
                ("from_date", &today_s),
                ("reason", "Etablert i DPS"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.location(),
        format!("{client_page}?msg=level_saved#episode-{ep}")
    );
    let page = t
        .page(&hanne, &r.location().replace(&format!("#episode-{ep}"), ""))
        .await;
    assert!(page.text.contains("Innsatsnivået er endret."));
    assert!(page.text.contains("2 – Skulder ved skulder"));
    assert!(page.text.contains("Nivåhistorikk (2)"));

    // A date in the future: the page comes back with the error in the open form.
    let tomorrow = (today + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let r = t
        .form(
            &hanne,
            &format!("/episodes/{ep}/level"),
            &[("level", "3"), ("from_date", &tomorrow), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Datoen kan ikke være fram i tid."));
    assert!(r
        .text
        .contains(&format!("id=\"level-{ep}-from_date-error\"")));
    assert!(r.text.contains(&format!("value=\"{tomorrow}\"")));
    assert!(r.text.contains("<details open>"));

    // A relative in the responsibility group needs recorded consent.
    let rg = [
        ("kind", "relative"),
        ("name", "Mor Forløpsen"),
        ("rg_role", "mor"),
        ("organisation", ""),
        ("phone", "913 00 000"),
        ("email", ""),
    ];
    let r = t.form(&hanne, &format!("/episodes/{ep}/rg"), &rg).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r
        .text
        .contains(&format!("id=\"rg-{ep}-consent_recorded-error\"")));
    assert!(r.text.contains("value=\"Mor Forløpsen\""));
    let mut with_consent = rg.to_vec();
    with_consent.push(("consent_recorded", "yes"));
    let r = t
        .form(&hanne, &format!("/episodes/{ep}/rg"), &with_consent)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&hanne, &client_page).await;
    assert!(page.text.contains("Mor Forløpsen"));
    assert!(page.text.contains("href=\"tel:+4791300000\""));

    // Arne (specialist coordinator) leaves: his access through the episode ends.
    let arne = t.login("arne", "benk-demo").await;
    assert_eq!(t.page(&arne, &client_page).await.status, StatusCode::OK);
    let mid = member_id(t, ep, "arne").await;
    let r = t
        .form(&hanne, &format!("/episodes/{ep}/members/{mid}/leave"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().contains("msg=member_left"));
    assert_eq!(
        t.page(&arne, &client_page).await.status,
        StatusCode::FORBIDDEN
    );

    // Adding a specialist coordinator from the municipality warns, but saves. (The demo's team
    // lead is beyond Fjordby's caseload norm, so the naming carries a reason: issue 9.)
    let tone = t.staff_id("tone").await.to_string();
    let r = t
        .form(
            &hanne,
            &format!("/episodes/{ep}/members"),
            &[
                ("staff_id", &tone),
                ("role", "specialist_coordinator"),
                ("override_reason", "Midlertidig"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(
        r.location().contains("warn=same_employer"),
        "{}",
        r.location()
    );
    let page = t
        .page(&hanne, &r.location().replace(&format!("#episode-{ep}"), ""))
        .await;
    assert!(page
        .text
        .contains("Koordinatorparet har samme arbeidsgiver."));

    // Closing before inclusion is refused; closing today ends the episode and all access through it.
    let r = t
        .form(
            &hanne,
            &format!("/episodes/{ep}/close"),
            &[
                ("closed_on", "2001-01-01"),
                ("close_reason", "moved"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r
        .text
        .contains(&format!("id=\"close-{ep}-closed_on-error\"")));
    let r = t
        .form(
            &hanne,
            &format!("/episodes/{ep}/close"),
            &[
                ("closed_on", &today_s),
                ("close_reason", "established_ordinary"),
                ("note", "Fast kontakt med DPS og fastlege."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let closed: (Option<chrono::NaiveDate>,) = t
        .db()
        .opt(
            "SELECT closed_on FROM episodes WHERE id = $1",
            benk_app::args![ep],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.0, Some(today));
    // Hanne's access came from the episode only, so she is sent to her start page.
    assert_eq!(r.location(), "/");
    assert_eq!(
        t.page(&hanne, &client_page).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn staff_register_agencies_and_report(t: &TestApp) {
    let hanne = t.login("hanne", "benk-demo").await;
    // A referral taken by phone, with diagnoses: an invalid code is named, nothing stored.
    let before = referrals(t).await;
    let today = benk_app::time::oslo_today().format("%Y-%m-%d").to_string();
    let base: Vec<(&str, &str)> = vec![
        ("referrer_name", "Fastlege Hansen"),
        ("agency_kind", "gp"),
        ("person_name", "Telefon Telefonsen"),
        ("reason", "Ringte på åpen time."),
        ("person_knows", "yes"),
        ("person_agrees", "yes"),
        ("urgency", "normal"),
        ("channel", "phone"),
        ("received_on", &today),
    ];
    let mut bad = base.clone();
    bad.push(("diagnoses", "F20.0, X9"));
    let r = t.form(&hanne, "/intake/referrals/new", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Ugyldig kode «X9»"));
    assert!(r.text.contains("value=\"F20.0, X9\""));
    assert_eq!(referrals(t).await, before);
    let mut good = base.clone();
    good.push(("diagnoses", "f200"));
    let r = t.form(&hanne, "/intake/referrals/new", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&hanne, &r.location()).await;
    assert!(page.text.contains("F20.0"));
    assert!(
        page.text.contains("Schizofreni"),
        "chapter F block name shown"
    );

    // The agency register.
    let r = t
        .form(
            &hanne,
            "/intake/agencies",
            &[("kind", "nav"), ("name", "NAV Testby")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = t.page(&hanne, "/intake/agencies").await;
    assert!(page.text.contains("NAV Testby"));
    let r = t
        .form(
            &hanne,
            "/intake/agencies",
            &[("kind", "nav"), ("name", "NAV Testby")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("finnes allerede i registeret"));
    // The new agency is offered on the public form.
    let team = team_id(t).await;
    let form = get_anon(t, &format!("/henvisning/{team}")).await;
    assert!(form.text.contains("NAV Testby"));

    // The report, for the team's working members (the old address goes to it).
    let ola = t.login("ola", "benk-demo").await;
    let r = t.page(&ola, "/reports?period=year").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = t.page(&ola, "/reports/referrals").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("scope=\"col\""));
    assert!(r
        .text
        .contains("Av dem som fikk tilbud om hjelp fra teamet: i målgruppen"));
    assert!(r
        .text
        .contains("Av dem som ble henvist: fikk etablert eller reetablert tilbud"));
    assert!(r.text.contains(" %"));
    assert!(r.text.contains("Median"));
}

on_both_backends!(
    missing_or_forged_csrf_is_refused_and_nothing_is_stored,
    a_filled_honeypot_looks_like_success_but_stores_nothing,
    too_many_submissions_from_one_address_get_429_with_the_form_kept,
    an_unreachable_person_is_refused_with_everything_kept,
    the_board_shows_new_referrals_to_the_intake_team_only,
    the_decision_needs_a_participant_from_each_side,
    an_acceptance_opens_an_episode_that_gives_the_coordinators_access,
    the_episode_forms_work_through_the_html_routes,
    staff_register_agencies_and_report,
);
