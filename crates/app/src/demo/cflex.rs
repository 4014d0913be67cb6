//! Demo data for the C-Flex evaluation (issue 11): the registry demo covers the open courses,
//! so this adds registry events for the closed courses too (fewer after inclusion than
//! before), a second year before and after inclusion for the people included more than two
//! years ago (the 24-month window), and one person who died in the window after (a closed
//! course in the first team whose reason becomes "died"). The demo's closing reasons already
//! give people who moved; those included in the last two years have a 24-month window that is
//! not over. Deterministic (fixed seed), synthetic only; stays of a kind never overlap.

use std::collections::HashMap;

use benk_domain::Stay;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use uuid::Uuid;

use super::registry::{days, police, stays};
use crate::db::writer::Stmt;
use crate::error::AppResult;
use crate::store::registry::{insert, Facts, Recorded};
use crate::App;

/// A course: (episode, person, team, included on, closed on, close reason).
type Course = (
    Uuid,
    Uuid,
    Uuid,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
);

/// Adds the C-Flex demo data in one write.
pub(super) async fn seed(app: &App, today: NaiveDate, now: DateTime<Utc>) -> AppResult<()> {
    // Who records: the first recorder of registry events in each team.
    let recorders: Vec<(Uuid, Uuid, Uuid)> = app
        .db
        .all(
            "SELECT DISTINCT team_id, recorded_by, owner_org_id FROM registry_events \
             ORDER BY team_id, recorded_by",
            vec![],
        )
        .await?;
    let mut by_team: HashMap<Uuid, (Uuid, Uuid)> = HashMap::new();
    for (team, by, org) in recorders {
        by_team.entry(team).or_insert((by, org));
    }
    // The stays already recorded, per person and kind (to keep new ones apart).
    let existing: Vec<(Uuid, String, NaiveDate, Option<NaiveDate>)> = app
        .db
        .all(
            "SELECT client_id, kind, starts_on, ends_on FROM registry_events \
             WHERE kind IN ('inpatient', 'prison') ORDER BY client_id, starts_on",
            vec![],
        )
        .await?;
    let mut held: HashMap<(Uuid, String), Vec<Stay>> = HashMap::new();
    let mut has_events: HashMap<Uuid, bool> = HashMap::new();
    for (c, k, s, e) in existing {
        has_events.insert(c, true);
        if let Ok(stay) = Stay::new(s, e) {
            held.entry((c, k)).or_default().push(stay);
        }
    }
    let courses: Vec<Course> = app
        .db
        .all(
            "SELECT e.id, e.client_id, e.team_id, e.included_on, e.closed_on, e.close_reason \
             FROM episodes e JOIN teams t ON t.id = e.team_id ORDER BY t.name, e.included_on, e.client_id",
            vec![],
        )
        .await?;
    let first_team = app
        .db
        .opt::<(Uuid,)>(
            "SELECT id FROM teams WHERE name = $1",
            crate::args![super::DEMO_TEAM],
        )
        .await?
        .map(|t| t.0);
    let mut rng = StdRng::seed_from_u64(0x0c_f1e8);
    let mut stmts: Vec<Stmt> = Vec::new();
    let year = Duration::days(365);
    let mut died = false;
    let mut seen: HashMap<Uuid, bool> = HashMap::new();
    for (i, (episode, client, team, inc, closed, reason)) in courses.iter().enumerate() {
        let Some((by, org)) = by_team.get(team).copied() else {
            continue;
        };
        // One course per person: the first.
        if seen.insert(*client, true).is_some() {
            continue;
        }
        let inc = *inc;
        let mut ev: Vec<Facts> = Vec::new();
        let recorded_before = has_events.contains_key(client);
        if !recorded_before && closed.is_some() {
            // A closed course: a year before with one to three stays, visits and police
            // events; the year after with fewer.
            let after_to = (inc + year).min(today);
            stays(
                &mut ev,
                &mut rng,
                inc - year,
                inc,
                1 + i % 3,
                (5, 30),
                i % 4 == 0,
            );
            stays(&mut ev, &mut rng, inc, after_to, i % 2, (2, 8), false);
            days(&mut ev, &mut rng, inc - year, inc, 2 + i % 3);
            days(&mut ev, &mut rng, inc, after_to, i % 2);
            police(&mut ev, &mut rng, inc - year, inc, 1 + i % 2);
        }
        // Included more than two years ago: the second year before and after as well.
        if inc + year + year <= today {
            stays(
                &mut ev,
                &mut rng,
                inc - year - year,
                inc - year,
                1 + i % 2,
                (5, 25),
                false,
            );
            stays(
                &mut ev,
                &mut rng,
                inc + year,
                inc + year + year,
                i % 2,
                (2, 6),
                false,
            );
            days(&mut ev, &mut rng, inc - year - year, inc - year, 1 + i % 3);
            days(&mut ev, &mut rng, inc + year, inc + year + year, i % 2);
        }
        // Keep stays of a kind apart from what the person already has.
        ev.retain(|f| {
            let Ok(stay) = Stay::new(f.starts_on, f.ends_on) else {
                return false;
            };
            if f.starts_on > today || !matches!(f.kind, "inpatient" | "prison") {
                return f.starts_on <= today;
            }
            let mine = held.entry((*client, f.kind.to_string())).or_default();
            if mine.iter().any(|s| s.overlaps(&stay)) {
                return false;
            }
            mine.push(stay);
            true
        });
        let r = Recorded {
            client: *client,
            team: *team,
            by,
            owner_org: org,
            at: now,
        };
        for f in &ev {
            stmts.push(insert(Uuid::now_v7(), r, f, None, None));
        }
        // One death in the window after, in the first team.
        if !died
            && Some(*team) == first_team
            && closed.is_some_and(|c| c < inc + year)
            && reason.as_deref() != Some("moved")
        {
            stmts.push(Stmt::new(
                "UPDATE episodes SET close_reason = 'died', close_note = $2 WHERE id = $1",
                crate::args![*episode, "Døde (demo)."],
            ));
            died = true;
        }
    }
    let resources = format!("registry_events:{},cflex", stmts.len());
    super::write_seed(app, stmts, resources).await
}
