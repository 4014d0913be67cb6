//! Demo data for issue 10's goals, individual plans and responsibility-group meetings: in both
//! demo teams, level-1 people get their own goals with progress notes, an individual plan (some
//! revised, one overdue for revision, one without consent to sharing) and responsibility-group
//! meetings with tasks (some overdue, some done, some owned by the team lead and by the NAV
//! officer). Deterministic: people are chosen in name order. Synthetic only. Runs after the main
//! seed, as its own write; skipped if any plan exists.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store::plans as st;
use crate::App;

const GOALS: &[(&str, &str)] = &[
    ("Få min egen leilighet før sommeren.", "active"),
    ("Være rusfri når jeg treffer barna mine.", "active"),
    (
        "Komme i gang med noe å gjøre på dagtid, gjerne arbeidstrening.",
        "active",
    ),
    (
        "Slippe å ringe legevakten når det blir vanskelig om natta.",
        "reached",
    ),
    (
        "Få orden på økonomien og betale ned husleiegjelda.",
        "active",
    ),
    ("Gå på fotballtrening med laget igjen.", "changed"),
];

const NOTES: &[&str] = &[
    "Har vært på visning sammen med koordinator. Søknad sendt boligkontoret.",
    "Forteller om en god uke; har holdt avtalene.",
    "Tilbakefall i helgen, men tok selv kontakt mandag.",
    "Møtte opp på første dag i arbeidstreningen.",
    "Budsjett satt opp sammen med NAV-veileder.",
];

const TASKS: &[&str] = &[
    "Ringe boligkontoret om søknaden",
    "Bestille time hos fastlegen",
    "Sende søknad om arbeidstrening",
    "Følge til tannlegen",
    "Avklare økonomisk rådgivning med NAV",
    "Innkalle til neste ansvarsgruppemøte",
];

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_else(Utc::now)
}

/// People with an open episode and a care team in the team, level 1 first (a small team may
/// have too few), in name order: client, episode, a coordinator of the episode.
async fn level_one(app: &App, team: Uuid) -> AppResult<Vec<(Uuid, Uuid, Uuid)>> {
    Ok(app
        .db
        .all(
            "SELECT c.id, e.id, (SELECT em.staff_id FROM episode_members em WHERE em.episode_id = e.id \
             AND em.left_at IS NULL ORDER BY em.role, em.staff_id LIMIT 1) AS staff_id \
             FROM clients c JOIN episodes e ON e.client_id = c.id AND e.team_id = c.team_id AND e.closed_on IS NULL \
             WHERE c.team_id = $1 \
             AND EXISTS (SELECT 1 FROM episode_members em WHERE em.episode_id = e.id AND em.left_at IS NULL) \
             ORDER BY CASE WHEN (SELECT l.level FROM episode_levels l WHERE l.episode_id = e.id \
             ORDER BY l.from_date DESC, l.set_at DESC LIMIT 1) = 1 THEN 0 ELSE 1 END, c.name, c.id",
            crate::args![team],
        )
        .await?
        .into_iter()
        .filter_map(|(c, e, s): (Uuid, Uuid, Option<Uuid>)| s.map(|s| (c, e, s)))
        .collect())
}

async fn rg_members(app: &App, episode: Uuid) -> AppResult<Vec<(Uuid, String, String)>> {
    Ok(app
        .db
        .all(
            "SELECT id, kind, name FROM responsibility_group_members WHERE episode_id = $1 AND removed_at IS NULL ORDER BY added_at",
            crate::args![episode],
        )
        .await?)
}

async fn staff(app: &App, user: &str) -> AppResult<Option<Uuid>> {
    Ok(app
        .db
        .opt::<(Uuid,)>(
            "SELECT staff_id FROM identities WHERE provider = 'local' AND subject = $1",
            crate::args![user],
        )
        .await?
        .map(|(id,)| id))
}

async fn team_id(app: &App, name: &str) -> AppResult<Option<Uuid>> {
    Ok(app
        .db
        .opt::<(Uuid,)>("SELECT id FROM teams WHERE name = $1", crate::args![name])
        .await?
        .map(|(id,)| id))
}

async fn is_member(app: &App, team: Uuid, staff: Uuid) -> AppResult<bool> {
    Ok(app
        .db
        .scalar_i64(
            "SELECT COUNT(*) FROM team_memberships WHERE team_id = $1 AND staff_id = $2",
            crate::args![team, staff],
        )
        .await?
        > 0)
}

#[allow(clippy::too_many_arguments)]
async fn person(
    app: &App,
    stmts: &mut Vec<Stmt>,
    team: Uuid,
    (client, episode, coordinator): (Uuid, Uuid, Uuid),
    k: usize,
    owners: &[Uuid],
    today: NaiveDate,
) -> AppResult<()> {
    // Goals, each with progress notes.
    let mut goal_ids = Vec::new();
    for g in 0..2 {
        let (text, status) = GOALS[(k * 2 + g) % GOALS.len()];
        let id = Uuid::now_v7();
        let made = today - Duration::days(200 - (g as i64) * 10);
        stmts.push(st::insert_goal(
            id,
            client,
            team,
            text,
            status,
            coordinator,
            at(made, 10),
        ));
        for n in 0..(1 + (k + g) % 3) {
            let day = made + Duration::days(40 * (n as i64 + 1));
            stmts.push(st::insert_goal_note(
                Uuid::now_v7(),
                id,
                day,
                NOTES[(k + g + n) % NOTES.len()],
                None,
                coordinator,
                at(day, 14),
            ));
        }
        goal_ids.push(id);
    }
    // The plan: version 1 about half a year ago; every other person revised a month ago.
    let plan = Uuid::now_v7();
    let start = today - Duration::days(190);
    stmts.push(st::insert_plan(
        plan,
        client,
        team,
        coordinator,
        at(start, 12),
    ));
    let share = k % 4 != 3;
    let members = rg_members(app, episode).await?;
    let versions = if k % 2 == 0 { 2 } else { 1 };
    for n in 1..=versions {
        let vid = Uuid::now_v7();
        let written = if n == 1 {
            start
        } else {
            today - Duration::days(30)
        };
        // One plan overdue for revision, one due soon, the rest later.
        let next = match k % 3 {
            0 => today + Duration::days(150),
            1 => today - Duration::days(5),
            _ => today + Duration::days(20),
        };
        stmts.push(st::insert_version(&st::NewVersion {
            id: vid,
            plan_id: plan,
            version: n,
            consent_on: start - Duration::days(3),
            share_consent: share,
            coordinator_id: coordinator,
            period_start: start,
            period_end: Some(start + Duration::days(365)),
            next_revision_on: Some(if n == versions { next } else { start + Duration::days(160) }),
            copy_given_on: (k % 3 != 2).then_some(written + Duration::days(2)),
            resources: Some("Godt forhold til søsteren. Flink med hendene, har fagbrev som snekker. Holder avtaler når de er tidlig på dagen."),
            needs: Some("Egen bolig med oppfølging. Hjelp med økonomien. Noen å ringe på kvelden."),
            change_note: (n > 1).then_some("Nytt mål om arbeidstrening; NAV tar over økonomioppfølgingen."),
            by: coordinator,
            at: at(written, 13),
        }));
        for g in &goal_ids {
            stmts.push(st::insert_plan_goal(vid, *g));
        }
        let mut pos = 0;
        stmts.push(st::insert_participant(
            vid,
            pos,
            "staff",
            Some(coordinator),
            &coordinator_name(app, coordinator).await?,
            Some("koordinator"),
            None,
            Some("Holder i planen, kaller inn til ansvarsgruppemøter"),
        ));
        pos += 1;
        if share {
            stmts.push(st::insert_participant(
                vid,
                pos,
                "gp",
                None,
                "Dr. Kari Fjellstad",
                Some("fastlege"),
                Some("Fjordby legesenter, 33 00 00 00"),
                Some("Medisinsk oppfølging, resepter"),
            ));
            pos += 1;
            for (_, kind, name) in members.iter().take(2) {
                let kind = match kind.as_str() {
                    "gp" => "gp",
                    "nav" => "nav",
                    "relative" => "relative",
                    _ => "other",
                };
                stmts.push(st::insert_participant(
                    vid,
                    pos,
                    kind,
                    None,
                    name,
                    None,
                    None,
                    Some("Deltar i ansvarsgruppen"),
                ));
                pos += 1;
            }
            if n > 1 {
                stmts.push(st::insert_participant(
                    vid,
                    pos,
                    "nav",
                    None,
                    "NAV Fjordby, veileder Sunniva Lind",
                    Some("NAV-veileder"),
                    Some("55 55 33 33"),
                    Some("Økonomisk rådgivning og arbeidstrening"),
                ));
            }
        }
        stmts.push(st::insert_measure(
            vid,
            0,
            "Oppfølging hjemme",
            Some("2 besøk i uka"),
            "Teamets koordinator",
        ));
        stmts.push(st::insert_measure(
            vid,
            1,
            "Bistand med boligsøknad og visninger",
            Some("Til bolig er på plass"),
            "Boligkontoret",
        ));
        if n > 1 {
            stmts.push(st::insert_measure(
                vid,
                2,
                "Arbeidstrening",
                Some("3 dager i uka fra neste måned"),
                "NAV",
            ));
        }
    }
    // Responsibility-group meetings: two, about two and a half months and two weeks ago.
    for (m, ago) in [75i64, 14].into_iter().enumerate() {
        let id = Uuid::now_v7();
        let held = today - Duration::days(ago);
        stmts.push(st::insert_rg_meeting(
            id,
            episode,
            client,
            team,
            held,
            Some("Gikk gjennom planen. Personen forteller at det går bedre med søvnen, men at kveldene er tunge. Boligsøknaden står fortsatt i kø."),
            Some("Koordinator følger opp boligkontoret. Neste møte om seks uker."),
            coordinator,
            at(held, 12),
        ));
        stmts.push(st::insert_attendee(id, Some(coordinator), None));
        for (mid, _, _) in members.iter().take(2) {
            stmts.push(st::insert_attendee(id, None, Some(*mid)));
        }
        for t in 0..2usize {
            let tid = Uuid::now_v7();
            let owner = owners[(k + m + t) % owners.len()];
            let owner = if m == 0 && t == 0 { coordinator } else { owner };
            let due = held + Duration::days(7 + 7 * t as i64);
            stmts.push(st::insert_task(
                tid,
                id,
                client,
                team,
                t as i64,
                TASKS[(k + m * 2 + t) % TASKS.len()],
                owner,
                Some(due),
                at(held, 12),
            ));
            // The older meeting's first task is done; the rest stay open (some overdue).
            if m == 0 && t == 0 {
                stmts.push(st::set_task_status(tid, "done", coordinator, at(due, 15)));
            }
        }
    }
    Ok(())
}

async fn coordinator_name(app: &App, id: Uuid) -> AppResult<String> {
    Ok(app
        .db
        .opt::<(String,)>("SELECT name FROM staff WHERE id = $1", crate::args![id])
        .await?
        .map(|(n,)| n)
        .unwrap_or_default())
}

/// Seeds issue 10's goals, plans and responsibility-group meetings (once).
pub(super) async fn seed(app: &App) -> AppResult<()> {
    if app
        .db
        .scalar_i64("SELECT COUNT(*) FROM plans", vec![])
        .await?
        > 0
    {
        return Ok(());
    }
    let today = crate::time::oslo_today();
    let mut stmts = Vec::new();
    for (name, count, users) in [
        (super::DEMO_TEAM, 5usize, &["tone", "per", "kristin"][..]),
        (super::DEMO_TEAM_2, 3, &["siri", "anne"][..]),
    ] {
        let Some(team) = team_id(app, name).await? else {
            continue;
        };
        let mut owners = Vec::new();
        for u in users {
            if let Some(s) = staff(app, u).await? {
                if is_member(app, team, s).await? {
                    owners.push(s);
                }
            }
        }
        let people = level_one(app, team).await?;
        if owners.is_empty() {
            owners.extend(people.iter().map(|p| p.2).take(1));
        }
        for (k, p) in people.into_iter().take(count).enumerate() {
            person(app, &mut stmts, team, p, k, &owners, today).await?;
        }
    }
    if stmts.is_empty() {
        return Ok(());
    }
    let mut audit = AuditDraft::new("demo.seed_plans", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = "goals,plans,rg_meetings".into();
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}
