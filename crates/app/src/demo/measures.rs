//! Demo outcome measures (issue 10): for everyone with an open course in both demo teams,
//! GAF and ORS at the measurement points that have passed (inclusion, 6, 12, 24 months), a
//! monthly ORS and SRS over the last half year, most people slowly better; every fourth person
//! misses their latest point, so the due and overdue lists have something in them; one GAF
//! has a correction. And a SPoR interview round in the first team with up to 22 people from
//! the municipalities they live in. Deterministic (fixed seed), synthetic only.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store::measures::{
    insert, insert_answer, insert_interview, insert_round, InterviewFields, Recorded, Values,
};
use crate::App;

const TEXTS: &[(u8, &[&str])] = &[
    (
        2,
        &[
            "Koordinatoren min og fastlegen.",
            "Mora mi og teamet.",
            "Naboen og han fra NAV.",
        ],
    ),
    (
        4,
        &["Å få orden på økonomien.", "Bolig.", "Å holde meg rusfri."],
    ),
    (
        5,
        &[
            "At de kommer hjem til meg.",
            "Hjelp med søknader.",
            "At noen ringer og minner meg på avtaler.",
        ],
    ),
    (
        6,
        &["Noe å gjøre på dagtid.", "Tannlege.", "Ingenting særlig."],
    ),
    (
        9,
        &[
            "Ja, men jeg har ikke sett den på lenge.",
            "Nei.",
            "Ja, den fungerer greit.",
        ],
    ),
    (13, &["Fastlegen burde vært med.", "Nei.", "Søsteren min."]),
    (
        14,
        &[
            "At jeg har fått leilighet.",
            "At jeg har sluttet å drikke.",
            "At jeg har kontakt med barna.",
        ],
    ),
    (19, &["Fint å bli spurt.", "Greit.", "Litt lang, men bra."]),
    (20, &["Ja.", "Nei.", "Kanskje."]),
];

/// Adds the demo measures and the SPoR round in one write.
pub(super) async fn seed(app: &App, today: NaiveDate, now: DateTime<Utc>) -> AppResult<()> {
    // Each open course with its first health-personnel member (the recorder) in a fixed order.
    let rows: Vec<(Uuid, Uuid, NaiveDate, Uuid, Uuid)> = app
        .db
        .all(
            "SELECT e.client_id, e.team_id, e.included_on, s.id, s.home_org_id FROM episodes e \
             JOIN clients c ON c.id = e.client_id \
             JOIN episode_members m ON m.episode_id = e.id AND m.left_at IS NULL \
             JOIN staff s ON s.id = m.staff_id \
             WHERE e.closed_on IS NULL AND s.profession IN ('nurse', 'psychologist', 'psychiatrist', 'physician') \
             ORDER BY c.name, c.id, s.name",
            vec![],
        )
        .await?;
    let mut courses: Vec<(Uuid, Uuid, NaiveDate, Uuid, Uuid)> = Vec::new();
    for r in rows {
        if courses.last().map(|c| c.0) != Some(r.0) {
            courses.push(r);
        }
    }
    let mut rng = StdRng::seed_from_u64(0x0e45_0e45);
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut n = 0usize;
    let mut corrected = false;
    for (i, (client, team, included_on, by, org)) in courses.iter().enumerate() {
        let r = Recorded {
            client: *client,
            team: *team,
            by: *by,
            owner_org: *org,
            at: now,
        };
        // How the person does: from a low start, most improve, some stay, a few get worse.
        let trend: i64 = match i % 6 {
            0 | 2 | 4 => 2,
            1 => 0,
            3 => 1,
            _ => -1,
        };
        let gaf0: i64 = rng.gen_range(28..45);
        let ors0: i64 = rng.gen_range(120..220);
        let points: Vec<(usize, NaiveDate)> = [0u32, 6, 12, 24]
            .iter()
            .enumerate()
            .filter_map(|(k, m)| {
                included_on
                    .checked_add_months(Months::new(*m))
                    .filter(|d| *d <= today)
                    .map(|d| (k, d))
            })
            .collect();
        let skip_last = i % 4 == 1;
        for (j, (k, d)) in points.iter().enumerate() {
            if skip_last && j + 1 == points.len() {
                continue;
            }
            let day = (*d + Duration::days(rng.gen_range(-10..=10))).min(today);
            let step = *k as i64;
            let mut gaf =
                |base: i64| (base + trend * 4 * step + rng.gen_range(-3..=3)).clamp(1, 100);
            let (symptom, function) = (gaf(gaf0), gaf(gaf0 - 3));
            let id = Uuid::now_v7();
            stmts.push(insert(
                id,
                r,
                Values::Gaf { symptom, function },
                day,
                None,
                None,
            ));
            n += 1;
            if !corrected && j == 0 {
                // One GAF corrected: the function score was typed wrong.
                stmts.push(insert(
                    Uuid::now_v7(),
                    r,
                    Values::Gaf {
                        symptom,
                        function: (function + 5).min(100),
                    },
                    day,
                    Some((id, "Funksjonsskåren var skrevet feil.")),
                    None,
                ));
                corrected = true;
            }
            let total = (ors0 + trend * 25 * step + rng.gen_range(-15..=15)).clamp(0, 400);
            stmts.push(insert(
                Uuid::now_v7(),
                r,
                Values::Items("ors", split(total, &mut rng)),
                day,
                None,
                None,
            ));
            n += 1;
        }
        // Monthly ORS and SRS over the last half year of the course (sessions).
        let start = (*included_on).max(today - Duration::days(180));
        let mut day = start + Duration::days(14);
        let mut s = 0i64;
        while day < today - Duration::days(3) {
            let total = (ors0
                + trend * 6 * ((day - *included_on).num_days() / 30)
                + rng.gen_range(-20..=20))
            .clamp(0, 400);
            stmts.push(insert(
                Uuid::now_v7(),
                r,
                Values::Items("ors", split(total, &mut rng)),
                day,
                None,
                None,
            ));
            let srs = if i % 7 == 3 && s == 0 {
                318
            } else {
                rng.gen_range(340..=400)
            };
            stmts.push(insert(
                Uuid::now_v7(),
                r,
                Values::Items("srs", split(srs, &mut rng)),
                day,
                None,
                None,
            ));
            n += 2;
            s += 1;
            day += Duration::days(rng.gen_range(26..36));
        }
    }
    // The SPoR round: the first team's people (up to 22), where they live.
    let people: Vec<(Uuid, Uuid, Option<String>, Option<i64>)> = app
        .db
        .all(
            "SELECT c.id, c.team_id, c.municipality, CAST(c.birth_year AS BIGINT) FROM clients c \
             JOIN teams t ON t.id = c.team_id WHERE t.name = $1 ORDER BY c.name, c.id",
            crate::args!["Samhandlingsteamet Fjordby"],
        )
        .await?;
    let (lead, lead_org): (Uuid, Uuid) = app
        .db
        .opt(
            "SELECT s.id, s.home_org_id FROM staff s JOIN identities i ON i.staff_id = s.id WHERE i.subject = $1",
            crate::args!["tone"],
        )
        .await?
        .ok_or_else(|| crate::error::AppError::Internal("demo: no team lead".into()))?;
    let mut interviews = 0usize;
    if let Some((_, team, _, _)) = people.first() {
        let round = Uuid::now_v7();
        let started = today - Duration::days(60);
        stmts.push(insert_round(
            round,
            *team,
            "Brukerintervju (SPoR) i år",
            started,
            lead,
            lead_org,
            now,
            None,
        ));
        let others = ["Sandøy", "Nordvik", "Fjordby", "Strandvik", "Bakkeby"];
        for (i, (client, team, muni, birth)) in people.iter().take(22).enumerate() {
            let id = Uuid::now_v7();
            let age = birth
                .map(|y| i64::from(chrono::Datelike::year(&today)) - y)
                .filter(|a| (16..=120).contains(a))
                .unwrap_or(21 + (i as i64 * 7) % 32);
            let municipality = muni
                .clone()
                .unwrap_or_else(|| others[i % others.len()].to_string());
            let f = InterviewFields {
                round,
                interviewed_on: started + Duration::days((i as i64 * 2) % 50),
                interviewer: if i % 2 == 0 {
                    "Tone Berg"
                } else {
                    "Forsker ved KORUS"
                },
                municipality: &municipality,
                age,
                contact_years: rng.gen_range(2..=25),
                external_id: None,
            };
            let r = Recorded {
                client: *client,
                team: *team,
                by: lead,
                owner_org: lead_org,
                at: now,
            };
            stmts.push(insert_interview(id, r, &f));
            for q in [1i64, 3, 7, 8, 10] {
                // Whole and half points, now and then a 6.3, as in the SPoR report.
                let v: i64 = match rng.gen_range(0..10) {
                    0 => 63,
                    1..=3 => rng.gen_range(2..=17) * 5,
                    _ => rng.gen_range(1..=9) * 10,
                };
                stmts.push(insert_answer(id, q, Some(v.clamp(10, 90)), None));
            }
            for (q, answers) in TEXTS {
                if (i + usize::from(*q)) % 4 != 0 {
                    stmts.push(insert_answer(
                        id,
                        i64::from(*q),
                        None,
                        Some(answers[(i + usize::from(*q)) % answers.len()]),
                    ));
                }
            }
            interviews += 1;
        }
    }
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("measures:{n},spor_interviews:{interviews}");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Four items (tenths, 0–100 each) that add up to `total`.
fn split(total: i64, rng: &mut StdRng) -> [i64; 4] {
    let mut left = total.clamp(0, 400);
    let mut out = [0i64; 4];
    for (k, slot) in out.iter_mut().enumerate() {
        let rest = 3 - k as i64;
        let lo = (left - rest * 100).max(0);
        let hi = left.min(100);
        let v = if k == 3 {
            left
        } else if lo >= hi {
            lo
        } else {
            rng.gen_range(lo..=hi).min((left / (rest + 1)) + 15).max(lo)
        };
        *slot = v.clamp(0, 100);
        left -= *slot;
    }
    out
}
