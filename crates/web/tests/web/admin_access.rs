//! Administration as a capability (issue 7, part 6): every administrative use
//! case takes an `AdminGrant` from `access::admin::open_admin`. A staff member
//! who administers nothing, and a team's administrator acting on another team,
//! are refused on every administrative route (API and pages), each refusal is
//! audited with who asked and what for, and nothing changes.

use crate::common;

use axum::http::{Method, StatusCode};
use benk_app::demo::{DEMO_TEAM, DEMO_TEAM_2};
use common::{Browser, Resp, TestApp};
use serde_json::json;
use uuid::Uuid;

async fn org_id(t: &TestApp, name: &str) -> Uuid {
    let (id,): (Uuid,) = t
        .db()
        .opt(
            "SELECT id FROM organisations WHERE name = $1",
            benk_app::args![name],
        )
        .await
        .unwrap()
        .unwrap();
    id
}

/// Denied audit rows of `staff` for `action` whose resources are exactly `resources`.
async fn denied(t: &TestApp, staff: Uuid, action: &str, resources: &str) -> i64 {
    t.db()
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 AND action = $2 \
             AND outcome = 'denied' AND resources = $3",
            benk_app::args![staff, action, resources],
        )
        .await
        .unwrap()
}

/// The state of an account that a refused administrator must not have changed.
async fn account(t: &TestApp, staff: Uuid) -> (bool, bool, bool, String, i64) {
    let (disabled, totp, care, hash): (bool, bool, bool, String) = t
        .db()
        .opt(
            "SELECT s.disabled, s.totp_required, s.care_employment, i.password_hash FROM staff s \
             JOIN identities i ON i.staff_id = s.id AND i.provider = 'local' WHERE s.id = $1",
            benk_app::args![staff],
        )
        .await
        .unwrap()
        .unwrap();
    let teams = t
        .db()
        .scalar_i64(
            "SELECT COUNT(*) FROM team_memberships WHERE staff_id = $1",
            benk_app::args![staff],
        )
        .await
        .unwrap();
    (disabled, totp, care, hash, teams)
}

/// One administrative attempt: how to make it, its audit action and the
/// scope its refusal names.
struct Attempt {
    what: &'static str,
    action: &'static str,
    scope: String,
}

/// Every administrative route, tried by `who` (an API token and a logged-in
/// browser) against `target` (a staff member) and `team`; each must be a 403
/// with exactly one new denied audit row naming the scope.
async fn every_admin_route_is_refused(
    t: &TestApp,
    who: &str,
    target: Uuid,
    team: Uuid,
    page_team: Option<Uuid>,
) {
    let who_id = t.staff_id(who).await;
    let token = t.token(who).await;
    let browser = t.login(who, "benk-demo").await;
    let org = org_id(t, "Nordvik kommune").await;
    let before = account(t, target).await;
    let orgs_before = t.count("SELECT COUNT(*) FROM organisations").await;
    let teams_before = t.count("SELECT COUNT(*) FROM teams").await;
    let sides_before = t
        .count("SELECT COUNT(*) FROM organisations WHERE side = 'municipal'")
        .await;
    let staff_before = t.count("SELECT COUNT(*) FROM staff").await;
    let attempts = [
        Attempt {
            what: "POST /api/v1/organisations",
            action: "organisation.create",
            scope: "system".into(),
        },
        Attempt {
            what: "POST /api/v1/teams",
            action: "team.create",
            scope: "system".into(),
        },
        Attempt {
            what: "POST /api/v1/staff",
            action: "staff.create",
            scope: format!("team:{team}"),
        },
        Attempt {
            what: "PUT /api/v1/staff/{id}/health-personnel",
            action: "staff.set_health_personnel",
            scope: format!("staff:{target}"),
        },
        Attempt {
            what: "POST /admin/users/{id}/disabled",
            action: "staff.disable",
            scope: format!("staff:{target}"),
        },
        Attempt {
            what: "POST /admin/users/{id}/require-totp",
            action: "staff.require_totp",
            scope: format!("staff:{target}"),
        },
        Attempt {
            what: "POST /admin/users/{id}/password",
            action: "staff.set_password",
            scope: format!("staff:{target}"),
        },
        Attempt {
            what: "POST /admin/users/{id}/health-personnel",
            action: "staff.set_health_personnel",
            scope: format!("staff:{target}"),
        },
        Attempt {
            what: "PUT /api/v1/organisations/{id}/side",
            action: "organisation.update",
            scope: "system".into(),
        },
        Attempt {
            what: "POST /admin/organisations/{id}/side",
            action: "organisation.update",
            scope: "system".into(),
        },
    ]
    .into_iter()
    // The page creates accounts in the administrator's own (acting) team.
    .chain(page_team.map(|p| Attempt {
        what: "POST /admin/users",
        action: "staff.create",
        scope: format!("team:{p}"),
    }))
    .collect::<Vec<_>>();
    for a in &attempts {
        let resources = format!("{},none:not_administrator", a.scope);
        let n = denied(t, who_id, a.action, &resources).await;
        let r = attempt(t, a.what, &token, &browser, target, team, org).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{who}: {}: {}",
            a.what,
            r.text
        );
        assert_eq!(
            denied(t, who_id, a.action, &resources).await,
            n + 1,
            "{who}: {}: one denied audit row `{}` with `{resources}`",
            a.what,
            a.action
        );
    }
    assert_eq!(account(t, target).await, before, "{who} changed nothing");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM organisations").await,
        orgs_before
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM teams").await, teams_before);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM organisations WHERE side = 'municipal'")
            .await,
        sides_before,
        "{who} moved no organisation to another side"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM staff").await, staff_before);
}

async fn attempt(
    t: &TestApp,
    what: &str,
    token: &str,
    b: &Browser,
    target: Uuid,
    team: Uuid,
    org: Uuid,
) -> Resp {
    let page = |path: &str| path.replace("{id}", &target.to_string());
    match what {
        "POST /api/v1/organisations" => {
            t.api(
                Method::POST,
                "/api/v1/organisations",
                token,
                Some(json!({"name": "Ny kommune", "kind": "municipality", "org_number": "963296746"})),
            )
            .await
        }
        "POST /api/v1/teams" => {
            t.api(
                Method::POST,
                "/api/v1/teams",
                token,
                Some(json!({"name": "Nytt team", "owners": [org]})),
            )
            .await
        }
        "POST /api/v1/staff" => {
            t.api(
                Method::POST,
                "/api/v1/staff",
                token,
                Some(json!({"username": "ny-ansatt", "password": "et-langt-passord", "name": "Ny Ansatt",
                            "profession": "nurse", "home_org_id": org, "team_id": team, "role": "worker", "fte": 50})),
            )
            .await
        }
        "PUT /api/v1/staff/{id}/health-personnel" => {
            t.api(
                Method::PUT,
                &format!("/api/v1/staff/{target}/health-personnel"),
                token,
                Some(json!({"care_employment": true, "reason": "Ansatt ved DPS"})),
            )
            .await
        }
        "POST /admin/users" => {
            t.form(
                b,
                "/admin/users",
                &[
                    ("name", "Ny Ansatt"),
                    ("username", "ny-ansatt"),
                    ("password", "et-langt-passord"),
                    ("profession", "nurse"),
                    ("home_org_id", &org.to_string()),
                    ("role", "worker"),
                    ("fte", "50"),
                ],
            )
            .await
        }
        "POST /admin/users/{id}/disabled" => {
            t.form(b, &page("/admin/users/{id}/disabled"), &[("value", "true")])
                .await
        }
        "POST /admin/users/{id}/require-totp" => {
            t.form(b, &page("/admin/users/{id}/require-totp"), &[]).await
        }
        "POST /admin/users/{id}/password" => {
            t.form(
                b,
                &page("/admin/users/{id}/password"),
                &[("password", "et-nytt-langt-passord")],
            )
            .await
        }
        "POST /admin/users/{id}/health-personnel" => {
            t.form(
                b,
                &page("/admin/users/{id}/health-personnel"),
                &[("value", "true"), ("reason", "Ansatt ved DPS")],
            )
            .await
        }
        "PUT /api/v1/organisations/{id}/side" => {
            t.api(
                Method::PUT,
                &format!("/api/v1/organisations/{org}/side"),
                token,
                Some(json!({"side": "specialist"})),
            )
            .await
        }
        "POST /admin/organisations/{id}/side" => {
            t.form(
                b,
                &format!("/admin/organisations/{org}/side"),
                &[("side", "specialist")],
            )
            .await
        }
        other => panic!("no such attempt: {other}"),
    }
}

/// A staff member who administers nothing (a NAV officer in the first team)
/// is refused every administration, each refusal audited.
async fn a_non_administrator_is_refused_every_administration_and_audited(t: &TestApp) {
    let a = t.team_id(DEMO_TEAM).await;
    let ola = t.staff_id("ola").await; // social worker in the same team
    every_admin_route_is_refused(t, "per", ola, a, Some(a)).await;
    // Changing a membership (in per's own team) is refused and audited too.
    let per = t.login("per", "benk-demo").await;
    let per_id = t.staff_id("per").await;
    let r = t
        .form(
            &per,
            &format!("/admin/users/{ola}/membership"),
            &[("role", "team_lead"), ("fte", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        denied(
            t,
            per_id,
            "membership.set",
            &format!("team:{a},none:not_administrator")
        )
        .await,
        1
    );
    assert_eq!(
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM team_memberships WHERE staff_id = $1 AND role = 'worker'",
                benk_app::args![ola],
            )
            .await
            .unwrap(),
        1,
        "ola's role is unchanged"
    );
}

/// The second team's administrator is refused on the first team and its
/// staff, and on organisations and teams (system administration).
async fn a_team_administrator_is_refused_on_another_team_and_audited(t: &TestApp) {
    let a = t.team_id(DEMO_TEAM).await;
    let b = t.team_id(DEMO_TEAM_2).await;
    let ola = t.staff_id("ola").await; // in the first team only
    every_admin_route_is_refused(t, "rune", ola, a, None).await;
    // Rune's membership form acts in his own team: adding a member of another
    // team to it would hand him that account (before: allowed by the use case).
    let rune = t.login("rune", "benk-demo").await;
    let rune_id = t.staff_id("rune").await;
    let r = t
        .form(
            &rune,
            &format!("/admin/users/{ola}/membership"),
            &[("role", "worker"), ("fte", "20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        denied(
            t,
            rune_id,
            "membership.set",
            &format!("team:{b},staff:{ola},none:not_a_member_of_the_team")
        )
        .await,
        1
    );
    assert_eq!(account(t, ola).await.4, 1, "ola is still in one team");
}

/// A team administrator administers their own team's accounts, and the audit
/// row says on what basis; an account that also works in another team is not
/// theirs to take over (its password, its status).
async fn team_and_system_administrators_and_the_basis_in_the_audit_row(t: &TestApp) {
    let a = t.team_id(DEMO_TEAM).await;
    let b = t.team_id(DEMO_TEAM_2).await;
    let rune = t.login("rune", "benk-demo").await;
    let rune_id = t.staff_id("rune").await;
    let gunn = t.staff_id("gunn").await; // NAV officer in the second team only
    let r = t
        .form(&rune, &format!("/admin/users/{gunn}/require-totp"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(account(t, gunn).await.1, "second factor required");
    let allowed = |staff: Uuid, action: &'static str, resources: String| async move {
        t.db()
            .scalar_i64(
                "SELECT COUNT(*) FROM audit_events WHERE actor_staff_id = $1 AND action = $2 \
                 AND outcome = 'allowed' AND resources = $3",
                benk_app::args![staff, action, resources],
            )
            .await
            .unwrap()
    };
    assert_eq!(
        allowed(
            rune_id,
            "staff.require_totp",
            format!("staff:{gunn},admin:team_admin")
        )
        .await,
        1
    );
    let r = t
        .form(
            &rune,
            &format!("/admin/users/{gunn}/membership"),
            &[("role", "intake_member"), ("fte", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        allowed(
            rune_id,
            "membership.set",
            format!("team:{b},staff:{gunn},admin:team_admin")
        )
        .await,
        1
    );
    // The system administrator adds anne (second team) to the first team.
    let eva = t.login("eva", "benk-demo").await;
    let eva_id = t.staff_id("eva").await;
    let anne = t.staff_id("anne").await;
    let r = t
        .form(
            &eva,
            &format!("/admin/users/{anne}/membership"),
            &[("role", "worker"), ("fte", "20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        allowed(
            eva_id,
            "membership.set",
            format!("team:{a},staff:{anne},admin:system_admin")
        )
        .await,
        1
    );
    // Now anne works in both teams: rune administers only one of them, so he
    // can no longer set her password (and log in as her in the first team).
    let before = account(t, anne).await;
    let r = t
        .form(
            &rune,
            &format!("/admin/users/{anne}/password"),
            &[("password", "rune-vet-passordet")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        denied(
            t,
            rune_id,
            "staff.set_password",
            &format!("staff:{anne},none:not_administrator")
        )
        .await,
        1
    );
    assert_eq!(account(t, anne).await, before);
    // The system administrator can; the new password ends her sessions.
    let r = t
        .form(
            &eva,
            &format!("/admin/users/{anne}/password"),
            &[("password", "et-nytt-langt-passord")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        allowed(
            eva_id,
            "staff.set_password",
            format!("staff:{anne},admin:system_admin")
        )
        .await,
        1
    );
    t.login("anne", "et-nytt-langt-passord").await;
    // A too short password is a field error, checked after the right.
    let r = t
        .form(
            &eva,
            &format!("/admin/users/{anne}/password"),
            &[("password", "kort")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("minst 10 tegn"), "{}", r.text);
    // Organisations are the system administrator's.
    let tok = t.token("eva").await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            &tok,
            Some(json!({"name": "Ny kommune", "kind": "municipality", "org_number": "963296746"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        allowed(
            eva_id,
            "organisation.create",
            format!("organisation:{id},admin:system_admin")
        )
        .await,
        1
    );
    // The side an organisation's staff count for at intake is set on the staff page.
    let page = t.page(&eva, "/admin/users").await;
    assert!(
        page.text
            .contains(&format!("/admin/organisations/{id}/side")),
        "{}",
        page.text
    );
    let r = t
        .form(
            &eva,
            &format!("/admin/organisations/{id}/side"),
            &[("side", "other")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM organisations WHERE side = 'other' AND name = 'Ny kommune'")
            .await,
        1
    );
    assert_eq!(
        allowed(
            eva_id,
            "organisation.update",
            format!("organisation:{id},side:other,admin:system_admin")
        )
        .await,
        1
    );
    let r = t
        .form(
            &eva,
            &format!("/admin/organisations/{id}/side"),
            &[("side", "moon")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Velg kommunal"), "{}", r.text);
}

on_both_backends!(
    a_non_administrator_is_refused_every_administration_and_audited,
    a_team_administrator_is_refused_on_another_team_and_audited,
    team_and_system_administrators_and_the_basis_in_the_audit_row,
);

/// The command line's principal gets a system-wide grant; the web layer must
/// never claim it (the type cannot tell crates apart, so this test does).
#[test]
fn the_web_layer_never_acts_as_the_command_line() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, found);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                if text.contains("Principal::Cli") || text.contains("cli_actor_name") {
                    found.push(p.display().to_string());
                }
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    walk(&src, &mut found);
    assert!(found.is_empty(), "the web layer acts as the CLI: {found:?}");
}
