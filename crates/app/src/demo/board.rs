//! Demo data for issue 9's caseloads, team board and weekly team meeting: in Fjordby the team
//! lead over the norm with a recorded override reason, a board of six people (some reviewed, two
//! taken off with outcomes), two past Thursday meetings and the next one; in Nordvik a small
//! board. Deterministic: everything is chosen from the seeded teams in a fixed order. Runs
//! after the main seed, as its own write.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::App;

/// Board reasons: short, no health details (the board is shown on a shared screen).
const REASONS: &[&str] = &[
    "Mistet leiligheten, bor midlertidig hos en venn",
    "Ikke truffet på to uker",
    "Varsel om utkastelse fra utleier",
    "Ny i teamet, vanskelig å få kontakt",
    "Løslatt forrige uke, trenger tett oppfølging",
    "Pårørende ber om kontakt",
];

async fn team_id(app: &App, name: &str) -> AppResult<Option<Uuid>> {
    Ok(app
        .db
        .opt::<(Uuid,)>("SELECT id FROM teams WHERE name = $1", crate::args![name])
        .await?
        .map(|(id,)| id))
}

/// The team's staff id for a login name.
async fn staff(app: &App, user: &str) -> AppResult<Uuid> {
    let row: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT staff_id FROM identities WHERE provider = 'local' AND subject = $1",
            crate::args![user],
        )
        .await?;
    row.map(|(id,)| id)
        .ok_or_else(|| crate::error::AppError::Internal(format!("demo staff {user} missing")))
}

/// People with an open episode in the team, by name, with one of their care team.
async fn people(app: &App, team: Uuid) -> AppResult<Vec<(Uuid, Option<Uuid>)>> {
    Ok(app
        .db
        .all(
            "SELECT c.id, (SELECT em.staff_id FROM episode_members em JOIN episodes e ON e.id = em.episode_id \
             WHERE e.client_id = c.id AND e.team_id = c.team_id AND e.closed_on IS NULL AND em.left_at IS NULL \
             ORDER BY em.role, em.staff_id LIMIT 1) AS staff_id FROM clients c WHERE c.team_id = $1 \
             AND EXISTS (SELECT 1 FROM episodes e WHERE e.client_id = c.id AND e.team_id = c.team_id AND e.closed_on IS NULL) \
             ORDER BY c.name, c.id",
            crate::args![team],
        )
        .await?)
}

fn at(today: NaiveDate, days_ago: i64, hour: u32) -> DateTime<Utc> {
    (today - Duration::days(days_ago))
        .and_hms_opt(hour, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_else(Utc::now)
}

/// The last Thursday before `today` (not today).
fn last_thursday(today: NaiveDate) -> NaiveDate {
    let mut d = today - Duration::days(1);
    while d.weekday() != Weekday::Thu {
        d -= Duration::days(1);
    }
    d
}

/// Puts people on a board: `(person index, reason, days ago, reviewed days ago, removed)`.
#[allow(clippy::type_complexity)]
fn board(
    stmts: &mut Vec<Stmt>,
    team: Uuid,
    people: &[(Uuid, Option<Uuid>)],
    by: Uuid,
    today: NaiveDate,
    plan: &[(usize, &str, i64, Option<i64>, Option<(&str, i64)>)],
) {
    for (i, reason, ago, reviewed, removed) in plan {
        let Some((client, _)) = people.get(*i) else {
            continue;
        };
        let id = Uuid::now_v7();
        stmts.push(Stmt::new(
            "INSERT INTO board_entries (id, team_id, client_id, reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
            crate::args![id, team, *client, *reason, by, at(today, *ago, 8)],
        ));
        if let Some(r) = reviewed {
            stmts.push(Stmt::new(
                "INSERT INTO board_reviews (id, entry_id, reviewed_on, note, reviewed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                crate::args![
                    Uuid::now_v7(),
                    id,
                    today - Duration::days(*r),
                    "Gjennomgått på morgenmøtet; fortsatt tett oppfølging",
                    by,
                    at(today, *r, 9)
                ],
            ));
        }
        if let Some((outcome, r)) = removed {
            stmts.push(Stmt::new(
                "UPDATE board_entries SET removed_at = $2, removed_by = $3, outcome = $4 WHERE id = $1",
                crate::args![id, at(today, *r, 10), by, *outcome],
            ));
        }
    }
}

/// Seeds issue 9's caseload override, boards and meetings (once: skipped if a board exists).
pub(super) async fn seed(app: &App) -> AppResult<()> {
    let (Some(team), Some(team_2)) = (
        team_id(app, super::DEMO_TEAM).await?,
        team_id(app, super::DEMO_TEAM_2).await?,
    ) else {
        return Ok(());
    };
    let done = app
        .db
        .scalar_i64(
            "SELECT COUNT(*) FROM board_entries WHERE team_id = $1",
            crate::args![team],
        )
        .await?;
    if done > 0 {
        return Ok(());
    }
    let today = crate::time::oslo_today();
    let lead = staff(app, "tone").await?;
    let mut stmts = Vec::new();

    // Caseload: the team lead holds more coordinator roles than Fjordby's maximum of 10 per
    // worker while two posts are vacant; the last naming carried a recorded reason.
    let count = app
        .db
        .scalar_i64(
            "SELECT COUNT(DISTINCT em.episode_id) FROM episode_members em JOIN episodes e ON e.id = em.episode_id \
             WHERE e.team_id = $1 AND em.staff_id = $2 AND e.closed_on IS NULL AND em.left_at IS NULL \
             AND em.role IN ('municipal_coordinator', 'specialist_coordinator')",
            crate::args![team, lead],
        )
        .await?;
    let norm = 10i64;
    if count > norm {
        let episode: Option<(Uuid,)> = app
            .db
            .opt(
                "SELECT em.episode_id FROM episode_members em JOIN episodes e ON e.id = em.episode_id \
                 WHERE e.team_id = $1 AND em.staff_id = $2 AND e.closed_on IS NULL AND em.left_at IS NULL \
                 ORDER BY em.episode_id DESC LIMIT 1",
                crate::args![team, lead],
            )
            .await?;
        stmts.push(Stmt::new(
            "INSERT INTO caseload_overrides (id, team_id, staff_id, episode_id, count, norm, reason, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            crate::args![
                Uuid::now_v7(),
                team,
                lead,
                episode.map(|(e,)| e),
                count - 1,
                norm,
                "To stillinger står ubesatt til februar; teamleder tar koordinatorrollen midlertidig så brukeren ikke venter.",
                lead,
                at(today, 12, 13)
            ],
        ));
    }

    // Fjordby's board: six people, three reviewed, two taken off with outcomes.
    let fjordby = people(app, team).await?;
    board(
        &mut stmts,
        team,
        &fjordby,
        lead,
        today,
        &[
            (0, REASONS[0], 9, Some(2), None),
            (3, REASONS[1], 6, Some(1), None),
            (6, REASONS[2], 3, None, None),
            (9, REASONS[3], 1, None, None),
            (12, REASONS[4], 20, Some(13), Some(("stabilised", 6))),
            (15, REASONS[5], 30, None, Some(("admitted", 15))),
        ],
    );

    // Two past Thursday meetings and the next one, with people and a referral on the agenda.
    let last = last_thursday(today);
    let meetings = [last - Duration::days(7), last, last + Duration::days(7)];
    let referral: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT id FROM referrals WHERE team_id = $1 AND status <> 'decided' ORDER BY received_on, id LIMIT 1",
            crate::args![team],
        )
        .await?;
    let topics = [
        "Bolig: hva gjør vi før fristen?",
        "Ikke truffet – hvem prøver i morgen?",
        "Planlegge ansvarsgruppemøte",
    ];
    let decisions = [
        "Koordinator kontakter boligkontoret i dag og følger til møtet",
        "To fra teamet drar på hjemmebesøk fredag",
        "Ansvarsgruppemøte innkalles til neste uke",
    ];
    for (n, held_on) in meetings.iter().enumerate() {
        let meeting = Uuid::now_v7();
        let past = *held_on < today;
        stmts.push(Stmt::new(
            "INSERT INTO team_meetings (id, team_id, held_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
            crate::args![meeting, team, *held_on, lead, at(*held_on, 3, 8)],
        ));
        for k in 0..3 {
            let Some((client, follow)) = fjordby.get(n * 4 + k * 2 + 1) else {
                continue;
            };
            let item = Uuid::now_v7();
            stmts.push(Stmt::new(
                "INSERT INTO meeting_items (id, meeting_id, client_id, topic, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
                crate::args![item, meeting, *client, topics[k], lead, at(*held_on, 2, 8 + u32::try_from(k).unwrap_or(0))],
            ));
            if past {
                stmts.push(Stmt::new(
                    "UPDATE meeting_items SET decision = $2, follow_up_by = $3, decided_by = $4, decided_at = $5 WHERE id = $1",
                    crate::args![item, decisions[k], *follow, lead, at(*held_on, 0, 10)],
                ));
            }
        }
        if let (Some((r,)), false) = (referral, past) {
            stmts.push(Stmt::new(
                "INSERT INTO meeting_items (id, meeting_id, referral_id, topic, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
                crate::args![Uuid::now_v7(), meeting, r, "Ny henvisning: hvem gjør første samtale?", lead, at(*held_on, 1, 9)],
            ));
        }
    }

    // Nordvik: a small board.
    let siri = staff(app, "siri").await?;
    let nordvik = people(app, team_2).await?;
    board(
        &mut stmts,
        team_2,
        &nordvik,
        siri,
        today,
        &[
            (0, REASONS[1], 4, Some(1), None),
            (1, REASONS[2], 2, None, None),
            (2, REASONS[0], 15, Some(8), Some(("moved_service", 3))),
        ],
    );

    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("team:{team},team:{team_2},board,meetings,caseload");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}
