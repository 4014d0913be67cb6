//! Demo appointments (issue 9): for the people with an open episode in both demo teams,
//! planned meetings over the next three weeks with their current care-team members, and a
//! few that have taken place. Deterministic (fixed seed, people in name order). No calendar
//! address is made: the user makes one under settings.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store;
use crate::store::appointments::AppointmentFields;
use crate::App;

const KINDS: &[&str] = &[
    "home_visit",
    "outreach",
    "office",
    "accompany_gp",
    "accompany_nav",
    "phone",
    "responsibility_group",
    "accompany_dps",
];

const PLACES: &[Option<&str>] = &[
    Some("Hjemme hos brukeren"),
    Some("Kafeen ved jernbanestasjonen"),
    Some("Teamets kontor, 2. etasje"),
    Some("Legekontoret på torget"),
    Some("NAV-kontoret"),
    None,
    Some("Møterommet på rådhuset"),
    Some("DPS poliklinikk"),
];

const PURPOSES: &[Option<&str>] = &[
    Some("Følge opp medisinering og søvn."),
    None,
    Some("Snakke om ruskontroll og avtale videre behandling."),
    Some("Time hos fastlege: blodprøver."),
    None,
    Some("Planlegge ansvarsgruppemøte og individuell plan."),
];

/// A person with an open episode: (client, team, [(member, member's employer)]).
type Person = (Uuid, Uuid, Vec<(Uuid, Uuid)>);

/// Adds the demo appointments in one write.
pub(super) async fn seed(app: &App, today: NaiveDate, now: DateTime<Utc>) -> AppResult<()> {
    // The people with an open episode and their current members, in a fixed order.
    let rows: Vec<(Uuid, Uuid, Uuid, Uuid)> = app
        .db
        .all(
            "SELECT e.client_id, e.team_id, m.staff_id, s.home_org_id FROM episodes e \
             JOIN clients c ON c.id = e.client_id \
             JOIN episode_members m ON m.episode_id = e.id AND m.left_at IS NULL \
             JOIN staff s ON s.id = m.staff_id \
             WHERE e.closed_on IS NULL ORDER BY c.name, c.id, m.role, s.name",
            vec![],
        )
        .await?;
    let mut people: Vec<Person> = Vec::new();
    for (client, team, staff, org) in rows {
        match people.last_mut() {
            Some((c, _, s)) if *c == client => s.push((staff, org)),
            _ => people.push((client, team, vec![(staff, org)])),
        }
    }
    let mut rng = StdRng::seed_from_u64(0xa990_1e7e);
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut n = 0usize;
    for (i, (client, team, staff)) in people.iter().enumerate() {
        // Most people have one or two meetings planned; every fifth had one last week.
        let planned = if i % 4 == 3 { 0 } else { 1 + i % 2 };
        let mut days: Vec<i64> = (0..planned).map(|_| rng.gen_range(0..21)).collect();
        if i % 5 == 0 {
            days.push(-rng.gen_range(1..8));
        }
        for d in days {
            let k = rng.gen_range(0..KINDS.len());
            let hour = rng.gen_range(8..15);
            let minutes = [0, 30][rng.gen_range(0..2)];
            let date = today + Duration::days(d);
            let local = date.and_hms_opt(hour, minutes, 0).unwrap_or_default();
            let starts_at = crate::time::from_oslo(local).unwrap_or(now);
            let long = KINDS[k].starts_with("accompany") || KINDS[k] == "responsibility_group";
            let ends_at = starts_at + Duration::minutes(if long { 90 } else { 45 });
            let id = Uuid::now_v7();
            let (creator, org) = staff[0];
            stmts.push(store::appointments::insert(
                id,
                *client,
                *team,
                &AppointmentFields {
                    starts_at,
                    ends_at,
                    kind: KINDS[k],
                    place: PLACES[k % PLACES.len()],
                    purpose: PURPOSES[(i + n) % PURPOSES.len()],
                },
                creator,
                org,
                now,
            ));
            // The coordinator pair goes together (the municipal and the specialist worker).
            for (s, _) in staff.iter().take(2) {
                stmts.push(store::appointments::insert_staff(id, *s));
            }
            n += 1;
        }
    }
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("appointments:{n}");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}
