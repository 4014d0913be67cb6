//! The demo's outreach log (issue 9): a year of contacts for everyone with an open episode in
//! both demo teams. Level 1 is met about weekly, level 2 every two to four weeks, level 3
//! (the team advises the ordinary service) about monthly; about a quarter of the attempts are
//! "ikke truffet"; most contacts are made by the coordinator pair, one from each employer;
//! some have a note (a health note by health personnel, a social note by the NAV officer), a
//! few notes have a correction, and two people per team have not been met for a long time.
//! Deterministic (fixed seed), written in one batch after the rest of the demo.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store::contacts::{insert, insert_note, NewContact, NewNote};
use crate::App;

/// A member of an open episode, as the demo needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Member {
    episode_id: Uuid,
    client_id: Uuid,
    team_id: Uuid,
    included_on: NaiveDate,
    staff_id: Uuid,
    role: String,
    home_org_id: Uuid,
    profession: String,
}

struct Course {
    client_id: Uuid,
    team_id: Uuid,
    included_on: NaiveDate,
    level: i64,
    municipal: Option<(Uuid, Uuid, bool)>,
    specialist: Option<(Uuid, Uuid, bool)>,
    nav: Option<(Uuid, Uuid, bool)>,
}

/// What health personnel write as a contact's note (no real person's data).
const HEALTH_NOTES: &[&str] = &[
    "Rolig og samarbeidende. Tok medisinene sine mens vi var der. Sover bedre.",
    "Mer urolig enn sist, hører stemmer om kvelden. Avtalt tettere oppfølging neste uke.",
    "Gikk tur sammen. Snakket om ønsket om å komme i aktivitet igjen.",
    "Fulgt til fastlegen for blodprøver. Neste time avtalt.",
    "Lite mat i huset. Handlet sammen, og vi snakket om rusbruken den siste uken.",
];

/// What the NAV officer writes: NAV work, no health content.
const SOCIAL_NOTES: &[&str] = &[
    "Gikk gjennom husleierestansen. Søknad om økonomisk stønad sendt.",
    "Avklart arbeidsrettet oppfølging. Nytt møte på NAV om to uker.",
    "Hjulpet med å søke om bostøtte. Mangler kontoutskrift.",
];

const PLACES: &[&str] = &[
    "Hjemme",
    "Kafeen på torget",
    "Værestedet",
    "Legekontoret",
    "NAV-kontoret",
    "Parken ved elva",
];

const KINDS_MET: &[&str] = &[
    "home_visit",
    "home_visit",
    "home_visit",
    "outreach",
    "outreach",
    "drop_in",
    "accompany_gp",
    "accompany_nav",
    "phone",
    "office",
];

const TOPICS: &[&str] = &[
    "housing",
    "finances",
    "physical_health",
    "mental_health",
    "substance_use",
    "activity",
    "relations",
    "practical_help",
];

fn non_health(profession: &str) -> bool {
    matches!(profession, "nav_officer" | "housing_officer" | "other")
}

/// A weekday working time (09–15 Oslo) on a date.
fn working_time(d: NaiveDate, rng: &mut StdRng) -> DateTime<Utc> {
    let mut d = d;
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d -= Duration::days(1);
    }
    let t = d
        .and_hms_opt(rng.gen_range(9..15), 5 * rng.gen_range(0..12), 0)
        .unwrap_or_default();
    chrono_tz::Europe::Oslo
        .from_local_datetime(&t)
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| t.and_utc())
}

/// Seeds the contacts of every open episode in the demo teams (called once, right after the
/// rest of the demo).
pub(super) async fn seed(app: &App, now: DateTime<Utc>) -> AppResult<usize> {
    let members: Vec<Member> = app
        .db
        .all(
            "SELECT ep.id AS episode_id, ep.client_id, ep.team_id, ep.included_on, m.staff_id, m.role, \
             s.home_org_id, s.profession FROM episodes ep \
             JOIN episode_members m ON m.episode_id = ep.id AND m.left_at IS NULL \
             JOIN staff s ON s.id = m.staff_id JOIN clients c ON c.id = ep.client_id \
             WHERE ep.closed_on IS NULL ORDER BY c.name, ep.included_on, m.role, s.name",
            vec![],
        )
        .await?;
    let levels: Vec<(Uuid, i64)> = app
        .db
        .all(
            "SELECT l.episode_id, CAST(l.level AS BIGINT) FROM episode_levels l \
             JOIN episodes ep ON ep.id = l.episode_id WHERE ep.closed_on IS NULL \
             ORDER BY l.episode_id, l.from_date, l.set_at",
            vec![],
        )
        .await?;
    let mut courses: Vec<(Uuid, Course)> = Vec::new();
    for m in members {
        let idx = match courses.iter().position(|(e, _)| *e == m.episode_id) {
            Some(i) => i,
            None => {
                let level = levels
                    .iter()
                    .rev()
                    .find(|(e, _)| *e == m.episode_id)
                    .map(|(_, l)| *l)
                    .unwrap_or(1);
                courses.push((
                    m.episode_id,
                    Course {
                        client_id: m.client_id,
                        team_id: m.team_id,
                        included_on: m.included_on,
                        level,
                        municipal: None,
                        specialist: None,
                        nav: None,
                    },
                ));
                courses.len() - 1
            }
        };
        let c = &mut courses[idx].1;
        let who = Some((m.staff_id, m.home_org_id, !non_health(&m.profession)));
        match m.role.as_str() {
            "municipal_coordinator" => c.municipal = who,
            "specialist_coordinator" => c.specialist = who,
            _ if m.profession == "nav_officer" => c.nav = who,
            _ => {}
        }
    }

    let mut rng = StdRng::seed_from_u64(0x0c0_47ac_7500);
    let today = crate::time::oslo_date(now);
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut count = 0usize;
    let mut team_seen: Vec<(Uuid, usize)> = Vec::new();
    for (_, c) in &courses {
        let Some(first) = c.municipal.or(c.specialist) else {
            continue;
        };
        // The first two people of each team have not been met for a long time.
        let nth = match team_seen.iter_mut().find(|(t, _)| *t == c.team_id) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                team_seen.push((c.team_id, 0));
                0
            }
        };
        let lost_since = (nth < 2).then(|| today - Duration::days(45 + 20 * nth as i64));
        let (min_gap, max_gap) = match c.level {
            1 => (4, 9),
            2 => (12, 28),
            _ => (25, 40),
        };
        let start = c.included_on.max(today - Duration::days(365));
        let mut day = start + Duration::days(rng.gen_range(1..5));
        while day < today {
            let at = working_time(day, &mut rng);
            if at >= now {
                break;
            }
            let lost = lost_since.is_some_and(|l| day >= l);
            let met = !lost && rng.gen_ratio(3, 4);
            // Mostly the pair together (one from each employer); sometimes one of them, or
            // the NAV officer with one coordinator.
            let mut staff = Vec::new();
            let roll = rng.gen_range(0..10);
            let logger = match (roll, c.municipal, c.specialist, c.nav) {
                (0..=5, Some(m), Some(s), _) => {
                    staff.push(m.0);
                    staff.push(s.0);
                    m
                }
                (6 | 7, _, Some(s), _) => {
                    staff.push(s.0);
                    s
                }
                (8, _, _, Some(n)) => {
                    staff.push(n.0);
                    staff.push(first.0);
                    n
                }
                _ => {
                    staff.push(first.0);
                    first
                }
            };
            let kind = if met {
                KINDS_MET[rng.gen_range(0..KINDS_MET.len())]
            } else if rng.gen_bool(0.5) {
                "home_visit"
            } else {
                "outreach"
            };
            let id = Uuid::now_v7();
            let mut topics = vec![TOPICS[rng.gen_range(0..TOPICS.len())]];
            let t2 = TOPICS[rng.gen_range(0..TOPICS.len())];
            if met && !topics.contains(&t2) {
                topics.push(t2);
            }
            stmts.extend(insert(
                &NewContact {
                    id,
                    client_id: c.client_id,
                    team_id: c.team_id,
                    occurred_at: at,
                    duration_min: if met { 15 * rng.gen_range(1..7) } else { 15 },
                    kind,
                    met,
                    place: Some(PLACES[rng.gen_range(0..PLACES.len())].to_string()),
                    logged_by: logger.0,
                    owner_org_id: logger.1,
                    created_at: (at + Duration::minutes(rng.gen_range(20..240))).min(now),
                },
                &staff,
                if met { &topics } else { &[] },
            ));
            count += 1;
            if met && rng.gen_ratio(1, 3) {
                let health = logger.2;
                let body = if health {
                    HEALTH_NOTES[rng.gen_range(0..HEALTH_NOTES.len())]
                } else {
                    SOCIAL_NOTES[rng.gen_range(0..SOCIAL_NOTES.len())]
                };
                let note = Uuid::now_v7();
                let signed = (at + Duration::hours(2)).min(now);
                let kind = if health { "health" } else { "social" };
                stmts.push(insert_note(&NewNote {
                    id: note,
                    client_id: c.client_id,
                    author_id: logger.0,
                    owner_org_id: logger.1,
                    at: signed,
                    kind: kind.into(),
                    topic: None,
                    body: body.into(),
                    contact_id: Some(id),
                    supersedes_id: None,
                    version_of: None,
                    version: 1,
                }));
                if rng.gen_ratio(1, 25) {
                    stmts.push(insert_note(&NewNote {
                        id: Uuid::now_v7(),
                        client_id: c.client_id,
                        author_id: logger.0,
                        owner_org_id: logger.1,
                        at: (signed + Duration::hours(20)).min(now),
                        kind: kind.into(),
                        topic: None,
                        body: format!("{body} Rettet: avtalen gjelder torsdag, ikke onsdag."),
                        contact_id: Some(id),
                        supersedes_id: Some(note),
                        version_of: Some(note),
                        version: 2,
                    }));
                }
            }
            day += Duration::days(rng.gen_range(min_gap..=max_gap));
        }
    }
    let mut audit = AuditDraft::new("demo.seed_contacts", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("contacts:{count}");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(count)
}
