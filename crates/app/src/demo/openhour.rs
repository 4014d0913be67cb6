//! Demo data for the team's daily work outside the record (issue 9): the open hour in Fjordby
//! (recurring Thursday 09:00 slots with bookings: one turned into a guidance case, one into a
//! referral, one ahead), 60 days of drop-in tallies in Nordvik (it runs a værested), and housing
//! histories for the demo people (some homeless → municipal rental; one eviction in Fjordby,
//! none in Nordvik). Deterministic (fixed seed). Runs after the main seeding has committed.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store;
use crate::App;

async fn staff(app: &App, name: &str) -> AppResult<Option<(Uuid, Uuid)>> {
    Ok(app
        .db
        .opt(
            "SELECT id, home_org_id FROM staff WHERE name = $1",
            crate::args![name],
        )
        .await?)
}

/// The last Thursday strictly before `today`.
fn last_thursday(today: NaiveDate) -> NaiveDate {
    let mut d = today - Duration::days(1);
    while d.weekday() != Weekday::Thu {
        d -= Duration::days(1);
    }
    d
}

/// Seeds the open hour, the drop-in tallies and the housing histories.
pub(super) async fn seed(
    app: &App,
    team: Uuid,
    team_2: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut stmts = Vec::new();
    let mut rng = StdRng::seed_from_u64(0x0da1_1900);
    if let (Some(hanne), Some(kristin), Some(tone), Some(gunn), Some(siri)) = (
        staff(app, "Hanne Sund").await?,
        staff(app, "Kristin Aas").await?,
        staff(app, "Tone Berg").await?,
        staff(app, "Gunn Li").await?,
        staff(app, "Siri Nes").await?,
    ) {
        open_hour(app, &mut stmts, team, hanne, tone.0, today, now).await?;
        dropin(&mut stmts, team_2, siri.0, today, now, &mut rng);
        housing(app, &mut stmts, team, kristin, true, today, now).await?;
        housing(app, &mut stmts, team_2, gunn, false, today, now).await?;
    }
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("team:{team},team:{team_2},open_hour,dropin,housing");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

async fn open_hour(
    app: &App,
    stmts: &mut Vec<Stmt>,
    team: Uuid,
    (hanne, hanne_org): (Uuid, Uuid),
    lead: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let slot = Uuid::now_v7();
    let thursday = last_thursday(today);
    stmts.push(store::openhour::insert_slot(&store::openhour::NewSlot {
        id: slot,
        team_id: team,
        weekday: 4,
        start_time: "09:00",
        length_min: 30,
        capacity: 2,
        valid_from: thursday - Duration::days(7 * 26),
        valid_until: None,
        place: Some("Teamets kontor, Storgata 12"),
        created_by: lead,
        at: now,
    }));
    // A referral registered from the second booking: the newest phone referral of the team.
    let referral: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT id FROM referrals WHERE team_id = $1 AND channel = 'phone' ORDER BY received_on DESC, id LIMIT 1",
            crate::args![team],
        )
        .await?;
    let bookings = [
        (
            thursday - Duration::days(7),
            "Ingvild Sande",
            "Fastlege Sentrum legesenter",
            "gp",
            Some("+4791234501"),
            "Kvinne i 50-årene som sjelden kommer til avtaler. Bor alene, mye angst, vil ikke til DPS. Hvordan kan fastlegen holde kontakten?",
            "advised",
        ),
        (
            thursday,
            "Morten Lie",
            "NAV Fjordby",
            "nav",
            Some("+4791234502"),
            "Mann i 40-årene som mister boligen om en måned. Ruser seg daglig, har ikke fastlege. Trenger han mer enn NAV kan gi?",
            "referred",
        ),
        (
            thursday,
            "Siv Helsestasjon",
            "Helsestasjon for ungdom",
            "other",
            None,
            "Ung kvinne, 19 år, bor på hospits. Vi er usikre på om hun får den hjelpen hun trenger.",
            "booked",
        ),
        (
            thursday + Duration::days(7),
            "Kari Fastlege",
            "Fastlege Strandgata legekontor",
            "gp",
            Some("+4791234504"),
            "Eldre mann med psykose som har sluttet å hente medisiner. Familien er bekymret.",
            "booked",
        ),
    ];
    for (i, (date, name, service, kind, phone, case, status)) in bookings.iter().enumerate() {
        let id = Uuid::now_v7();
        stmts.push(store::openhour::insert_booking(
            &store::openhour::NewBooking {
                id,
                slot_id: slot,
                team_id: team,
                slot_date: *date,
                booker_name: name.to_string(),
                booker_service: service.to_string(),
                agency_kind: kind.to_string(),
                booker_phone: phone.map(str::to_string),
                booker_email: phone
                    .is_none()
                    .then(|| "siv@helsestasjon.fjordby.example".to_string()),
                case_text: case.to_string(),
                receipt_number: format!("T-{}-DEM{}-OPEN", date.year(), i + 2),
                at: now,
            },
        ));
        match *status {
            "advised" => {
                let gid = Uuid::now_v7();
                stmts.push(store::guidance::insert(
                    gid,
                    team,
                    None,
                    &store::guidance::CaseFields {
                        asked_on: *date,
                        channel: "open_hour",
                        asker_name: name,
                        asker_role: Some("fastlege"),
                        asker_organisation: Some(service),
                        agency_kind: kind,
                        asker_phone: *phone,
                        asker_email: None,
                        question: case,
                        advice: Some("Avtal faste, korte timer og ring dagen før. Ta kontakt igjen om fire uker; vurder henvisning hvis hun fortsatt uteblir."),
                        follow_up_on: Some(*date + Duration::days(28)),
                        status: "open",
                    },
                    hanne,
                    hanne_org,
                    now,
                ));
                stmts.push(store::openhour::set_advised(id, team, gid));
            }
            "referred" => {
                if let Some((rid,)) = referral {
                    stmts.push(store::openhour::set_referred(id, team, rid));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn dropin(
    stmts: &mut Vec<Stmt>,
    team: Uuid,
    by: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) {
    for back in 0..60 {
        let day = today - Duration::days(back);
        // The værested is open on weekdays.
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let visits: i64 = rng.gen_range(14..36);
        let counts = [
            ("visit", visits),
            ("meal", visits * rng.gen_range(55..85) / 100),
            ("coffee", visits * rng.gen_range(110..160) / 100),
            ("shower", rng.gen_range(0..7)),
            ("laundry", rng.gen_range(0..5)),
            ("clinic_room", rng.gen_range(0..4)),
        ];
        for (service, n) in counts {
            stmts.push(store::dropin::set_tally(team, day, service, n, by, now));
        }
    }
}

async fn housing(
    app: &App,
    stmts: &mut Vec<Stmt>,
    team: Uuid,
    (by, org): (Uuid, Uuid),
    one_eviction: bool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let people: Vec<(Uuid, NaiveDate)> = app
        .db
        .all(
            "SELECT client_id, MIN(included_on) FROM episodes WHERE team_id = $1 GROUP BY client_id ORDER BY MIN(included_on), client_id",
            crate::args![team],
        )
        .await?;
    let rec = |client| store::housing::Recorded {
        client,
        team,
        by,
        owner_org: org,
        at: now,
    };
    let mut evicted = !one_eviction;
    for (i, (client, included)) in people.iter().enumerate() {
        let r = rec(*client);
        let st = |status: &str, from: NaiveDate, note: Option<&str>| {
            store::housing::insert_status(Uuid::now_v7(), r, status, from.min(today), note)
        };
        match i % 5 {
            // Homeless at inclusion; a municipal rental later (if the time has come).
            0 | 3 => {
                stmts.push(st(
                    "homeless",
                    *included - Duration::days(200),
                    Some("Sover hos venner og ute"),
                ));
                let applied = (*included + Duration::days(14)).min(today);
                let housed = *included + Duration::days(60 + 30 * (i as i64 % 4));
                if housed <= today {
                    stmts.push(store::housing::insert_application(
                        Uuid::now_v7(),
                        r,
                        applied,
                        "kommunal utleiebolig",
                        "granted",
                        Some(housed.max(applied)),
                    ));
                    stmts.push(st("municipal_rental", housed, None));
                } else {
                    stmts.push(store::housing::insert_application(
                        Uuid::now_v7(),
                        r,
                        applied,
                        "kommunal utleiebolig",
                        "applied",
                        None,
                    ));
                }
            }
            // In a shelter at inclusion.
            1 => {
                stmts.push(st(
                    "temporary",
                    *included - Duration::days(30),
                    Some("Hospits"),
                ));
            }
            // Own home; in Fjordby one person was evicted after inclusion and is in a shelter.
            2 => {
                stmts.push(st("own_home", *included - Duration::days(900), None));
                let when = *included + Duration::days(90);
                if !evicted && when < today {
                    evicted = true;
                    stmts.push(store::housing::insert_eviction(
                        Uuid::now_v7(),
                        r,
                        when,
                        Some("Husleierestanse"),
                    ));
                    stmts.push(st("temporary", when, Some("Hospits etter utkastelse")));
                }
            }
            _ => {
                stmts.push(st(
                    "municipal_rental",
                    *included - Duration::days(400),
                    None,
                ));
            }
        }
    }
    Ok(())
}
