//! Demo registry events (issue 10): for most people with an open course in both demo teams,
//! inpatient stays, emergency visits and police events in the year before inclusion, and
//! fewer after it (fewer admissions and inpatient days on average, as C-Flex reports); some
//! compulsory admissions, a stay straddling inclusion, an ongoing stay, prison stays and
//! arrests. Deterministic (fixed seed), synthetic only; stays of a kind never overlap.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store::registry::{insert, Facts, Recorded};
use crate::App;

pub(super) const INSTITUTIONS: &[&str] = &[
    "Sykehuset Fjordby, akuttpsykiatrisk avdeling",
    "DPS Fjordby, døgnenhet",
    "Sykehuset Nordvik, avdeling for rusbehandling",
    "Sykehuset Fjordby, medisinsk avdeling",
];

const LEGAL_BASIS: &str = "Psykisk helsevernloven § 3-3";

fn stay(kind: &'static str, start: NaiveDate, end: Option<NaiveDate>) -> Facts {
    Facts {
        kind,
        starts_on: start,
        ends_on: end,
        institution: None,
        compulsory: None,
        legal_basis: None,
        place: None,
        police_kind: None,
    }
}

fn day_event(kind: &'static str, on: NaiveDate) -> Facts {
    stay(kind, on, None)
}

/// Inpatient stays from `from` to `to` (exclusive), one after the other: `n` of them with
/// `min..max` nights each.
#[allow(clippy::too_many_arguments)]
pub(super) fn stays(
    out: &mut Vec<Facts>,
    rng: &mut StdRng,
    from: NaiveDate,
    to: NaiveDate,
    n: usize,
    nights: (i64, i64),
    compulsory_first: bool,
) {
    let span = (to - from).num_days();
    if span < 2 || n == 0 {
        return;
    }
    let slot = span / n as i64;
    for k in 0..n {
        let slot_start = from + Duration::days(slot * k as i64);
        let len = rng.gen_range(nights.0..nights.1).min(slot - 2).max(0);
        let offset = rng.gen_range(0..(slot - len).max(1));
        let start = slot_start + Duration::days(offset);
        let end = start + Duration::days(len);
        if end >= to {
            continue;
        }
        let compulsory = compulsory_first && k == 0;
        out.push(Facts {
            institution: Some(INSTITUTIONS[rng.gen_range(0..INSTITUTIONS.len())].to_string()),
            compulsory: Some(compulsory),
            legal_basis: (compulsory && rng.gen_bool(0.7)).then(|| LEGAL_BASIS.to_string()),
            ..stay("inpatient", start, Some(end))
        });
    }
}

pub(super) fn days(
    out: &mut Vec<Facts>,
    rng: &mut StdRng,
    from: NaiveDate,
    to: NaiveDate,
    n: usize,
) {
    let span = (to - from).num_days();
    if span < 1 {
        return;
    }
    for _ in 0..n {
        let on = from + Duration::days(rng.gen_range(0..span));
        let mut f = day_event("emergency", on);
        f.place = Some(match rng.gen_range(0..10) {
            0..=4 => "emergency_clinic",
            5..=7 => "emergency_department",
            8 => "acute_psychiatry",
            _ => "other",
        });
        out.push(f);
    }
}

pub(super) fn police(
    out: &mut Vec<Facts>,
    rng: &mut StdRng,
    from: NaiveDate,
    to: NaiveDate,
    n: usize,
) {
    let span = (to - from).num_days();
    if span < 1 {
        return;
    }
    for _ in 0..n {
        let on = from + Duration::days(rng.gen_range(0..span));
        let mut f = day_event("police", on);
        f.police_kind = Some(if rng.gen_bool(0.35) {
            "arrest"
        } else {
            "event"
        });
        out.push(f);
    }
}

/// Adds the demo registry events in one write.
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
    let mut rng = StdRng::seed_from_u64(0x4e91_5e7e);
    let mut stmts: Vec<Stmt> = Vec::new();
    let year = Duration::days(365);
    for (i, (client, team, included_on, by, org)) in courses.iter().enumerate() {
        // Most people: every seventh has nothing recorded yet.
        if i % 7 == 6 {
            continue;
        }
        let inc = *included_on;
        let before_from = inc - year;
        // After inclusion, as far as it has run.
        let after_to = (inc + year).min(today);
        let mut ev: Vec<Facts> = Vec::new();
        // A stay straddling inclusion for every fifth person (admitted a few days before the
        // team took over, discharged some days after); it ends the stays before.
        let straddle = i % 5 == 0 && inc + Duration::days(12) < today;
        let before_stays_end = if straddle {
            inc - Duration::days(20)
        } else {
            inc
        };
        let before_n = rng.gen_range(1..=4);
        stays(
            &mut ev,
            &mut rng,
            before_from,
            before_stays_end,
            before_n,
            (4, 35),
            i % 3 == 0,
        );
        // Older history for some: a long stay two or three years back.
        if i % 4 == 0 {
            let s = before_from - Duration::days(rng.gen_range(200..600));
            stays(
                &mut ev,
                &mut rng,
                s,
                s + Duration::days(90),
                1,
                (20, 60),
                false,
            );
        }
        let mut after_from = inc;
        if straddle {
            let s = inc - Duration::days(rng.gen_range(2..8));
            let e = inc + Duration::days(rng.gen_range(3..12));
            ev.push(Facts {
                institution: Some(INSTITUTIONS[0].to_string()),
                compulsory: Some(false),
                ..stay("inpatient", s, Some(e))
            });
            after_from = e + Duration::days(1);
        }
        // After inclusion: fewer and shorter stays; one person is still admitted.
        let after_n = match i % 4 {
            0 | 2 => 0,
            1 => 1,
            _ => rng.gen_range(0..=2),
        };
        if i == 3 && after_to == today && (today - after_from).num_days() > 30 {
            stays(
                &mut ev,
                &mut rng,
                after_from,
                today - Duration::days(20),
                after_n,
                (2, 10),
                false,
            );
            ev.push(Facts {
                institution: Some(INSTITUTIONS[1].to_string()),
                compulsory: Some(true),
                legal_basis: Some(LEGAL_BASIS.to_string()),
                ..stay("inpatient", today - Duration::days(6), None)
            });
        } else {
            stays(
                &mut ev,
                &mut rng,
                after_from,
                after_to,
                after_n,
                (2, 12),
                false,
            );
        }
        let (visits_before, visits_after) = (rng.gen_range(2..=6), rng.gen_range(0..=2));
        days(&mut ev, &mut rng, before_from, inc, visits_before);
        days(&mut ev, &mut rng, inc, after_to, visits_after);
        if i % 2 == 0 {
            let (police_before, police_after) = (rng.gen_range(1..=3), rng.gen_range(0..=1));
            police(&mut ev, &mut rng, before_from, inc, police_before);
            police(&mut ev, &mut rng, inc, after_to, police_after);
        }
        // A prison stay before inclusion for some; one is serving a short sentence now.
        if i % 6 == 3 {
            let s = before_from + Duration::days(rng.gen_range(10..150));
            ev.push(stay(
                "prison",
                s,
                Some(s + Duration::days(rng.gen_range(14..90))),
            ));
        }
        if i == 9 && after_to == today {
            ev.push(stay("prison", today - Duration::days(10), None));
        }
        let r = Recorded {
            client: *client,
            team: *team,
            by: *by,
            owner_org: *org,
            at: now,
        };
        for f in ev.iter().filter(|f| f.starts_on <= today) {
            stmts.push(insert(Uuid::now_v7(), r, f, None, None));
        }
    }
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("registry_events:{}", stmts.len());
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}
