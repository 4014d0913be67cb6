//! Demo data for the Tandem follow-up and the fidelity profile (issue 11, reports 3 and 5):
//! each team's fidelity targets, treatment started for some of Nordvik's people (a DPS
//! outpatient clinic, specialised substance treatment), and Fjordby's closings for "other"
//! reasons in the last year read as "lost contact", so the profile has drop-outs of both kinds.
//! Housing at intake and now, and Fjordby's one eviction (none in Nordvik, as at Tandem), come
//! from `openhour.rs`; the year of contacts from `contacts.rs`.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::reports::fidelity::FidelityTargets;
use crate::store;
use crate::App;

/// Each demo team's own targets: Fjordby (C-Flex-like, levels 1–3 mixed, 20 per position as
/// its caseload norm) and Nordvik (Tandem: 5 per position, weekly contact).
fn targets(team: &str) -> FidelityTargets {
    if team == super::DEMO_TEAM {
        FidelityTargets {
            people_per_fte: 20.0,
            contacts_per_person_week: 0.5,
            community_percent: 75.0,
            shared_caseload_percent: 60.0,
            days_to_first_contact: 21.0,
            dropout_percent_year: 10.0,
        }
    } else {
        FidelityTargets {
            people_per_fte: 5.0,
            ..FidelityTargets::default()
        }
    }
}

/// Seeds the report settings and the treatment (once: skipped when a team has settings).
pub(super) async fn seed(app: &App, today: NaiveDate) -> AppResult<()> {
    if app
        .db
        .scalar_i64("SELECT COUNT(*) FROM report_settings", vec![])
        .await?
        > 0
    {
        return Ok(());
    }
    let now = Utc::now();
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut teams = Vec::new();
    for name in [super::DEMO_TEAM, super::DEMO_TEAM_2] {
        let lead: Option<(Uuid, Uuid, Uuid)> = app
            .db
            .opt(
                "SELECT t.id, m.staff_id, s.home_org_id FROM teams t \
                 JOIN team_memberships m ON m.team_id = t.id AND m.role = 'team_lead' \
                 JOIN staff s ON s.id = m.staff_id WHERE t.name = $1 ORDER BY s.name LIMIT 1",
                crate::args![name],
            )
            .await?;
        let Some((team, by, org)) = lead else {
            continue;
        };
        teams.push(team);
        let t = serde_json::to_string(&targets(name)).unwrap_or_default();
        stmts.push(store::reports::set_settings(
            team,
            (5, 4000, 20, &t),
            by,
            now,
        ));
        if name == super::DEMO_TEAM {
            // Hanne went from half a position to 80 % on the first of the month five months
            // ago: the fidelity profile's positions step up there (the caseload page shows
            // today's 80 %).
            let changed = (today - Duration::days(150)).with_day(1).unwrap_or(today);
            let early = store::staff::unknown_start_day();
            for (from, share) in [(early, 50i64), (changed, 80)] {
                stmts.push(Stmt::new(
                    "INSERT INTO membership_position_shares (team_id, staff_id, valid_from, fte_percent) \
                     SELECT m.team_id, m.staff_id, $2, $3 FROM team_memberships m \
                     JOIN identities i ON i.staff_id = m.staff_id AND i.provider = 'local' \
                     WHERE m.team_id = $1 AND i.subject = 'hanne'",
                    crate::args![team, from, share],
                ));
            }
            stmts.push(Stmt::new(
                "UPDATE episodes SET close_reason = 'lost_contact' WHERE team_id = $1 \
                 AND close_reason = 'other' AND closed_on >= $2",
                crate::args![team, today - Duration::days(365)],
            ));
            continue;
        }
        // Nordvik: the first person got a DPS outpatient clinic three weeks after intake,
        // the third specialised substance treatment after five (when that day has come).
        let people: Vec<(Uuid, Uuid, NaiveDate)> = app
            .db
            .all(
                "SELECT id, client_id, included_on FROM episodes WHERE team_id = $1 \
                 ORDER BY included_on, id",
                crate::args![team],
            )
            .await?;
        for (k, service, days) in [(0, "dps_outpatient", 21), (2, "substance_treatment", 35)] {
            let Some((episode, client, included)) = people.get(k) else {
                continue;
            };
            let on = *included + Duration::days(days);
            if on > today {
                continue;
            }
            stmts.push(store::services::insert(&store::services::NewEstablished {
                id: Uuid::now_v7(),
                team_id: team,
                referral_id: None,
                client_id: Some(*client),
                episode_id: Some(*episode),
                service,
                note: None,
                established_on: on,
                at_intake: false,
                recorded_by: by,
                owner_org_id: org,
                at: now,
            }));
        }
    }
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = teams
        .iter()
        .map(|t| format!("team:{t}"))
        .chain([
            "report_settings".to_string(),
            "established_services".to_string(),
        ])
        .collect::<Vec<_>>()
        .join(",");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}
