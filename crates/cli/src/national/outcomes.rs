//! The outcome side of the national data set, for the reports (issue 11): outcome measures
//! (GAF, ORS and SRS at scheduled points after inclusion), registry events before and after
//! inclusion (inpatient stays, emergency visits, police events, prison stays), ordinary services
//! established during the course, a housing history with some evictions, and one SPoR interview
//! round per team with its answers.
//!
//! Every row is made from the person's number with its own seeded random numbers (the same data
//! set whatever the machine), valid under the tables' CHECKs; dates are never in the future.
//! Every person was included on the seed's first day (two years ago), so the registry events
//! fall in equal windows before and after inclusion.

use benk_app::store::national as t;
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;

use super::{idg, rng_for, Progress, Shape, Sink, F, K_CLIENT, K_EPISODE, K_MUNI, K_TEAM};

const K_MEASURE: u8 = 12;
const K_REGISTRY: u8 = 13;
const K_SERVICE: u8 = 14;
const K_HOUSING: u8 = 15;
const K_EVICTION: u8 = 16;
const K_ROUND: u8 = 17;
const K_INTERVIEW: u8 = 18;

/// Measurement points in months after inclusion, in the order a person's measures fill them
/// (the policy's 0, 6, 12 and 18 months first, then the quarters between).
const POINTS: [u32; 8] = [0, 6, 12, 18, 3, 9, 15, 21];
const MEASURE_KINDS: [&str; 3] = ["gaf", "ors", "srs"];
/// People interviewed per team in its SPoR round.
pub(super) const SPOR_PER_TEAM: u64 = 30;
/// The questions answered on the 1–9 scale (the others are free text).
const SPOR_SCALE: [i64; 5] = [1, 3, 7, 8, 10];
const SPOR_TEXTS: [&str; 6] = [
    "Koordinatoren min",
    "Hjelp med bolig og økonomi",
    "At noen kommer hjem til meg",
    "Mer hjelp på kveldstid",
    "Å ha faste avtaler",
    "Ja",
];
const SERVICES: [&str; 6] = [
    "fastlege",
    "NAV-veileder",
    "kommunal rus- og psykisk helsetjeneste",
    "DPS poliklinikk",
    "TSB poliklinikk",
    "tannhelsetjeneste",
];
const PLACES: [&str; 4] = [
    "emergency_clinic",
    "emergency_department",
    "acute_psychiatry",
    "other",
];

/// `total` spread over `people`: how many person `i` gets.
pub(super) fn share(total: u64, people: u64, i: u64) -> u64 {
    total / people + u64::from(i < total % people)
}

fn clamp(v: i64, lo: i64, hi: i64) -> i64 {
    v.max(lo).min(hi)
}

/// Loads every outcome table; `day` is the inclusion date, `today` the seed's last day.
pub(super) fn load(
    sink: &mut dyn Sink,
    sh: &Shape,
    day: NaiveDate,
    today: NaiveDate,
    p: &Progress,
) -> anyhow::Result<()> {
    let at = sh.start;
    let last = today - Duration::days(1);
    let before = day - Duration::days(730);

    // Measures: GAF, ORS and SRS at the points, 10 per person at the defaults.
    let mut part = p.part();
    sink.begin(&t::MEASURES)?;
    let mut m = 0u64;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let (coord, _) = sh.caregivers(i);
        let mut rng = rng_for(10, i);
        let base: i64 = rng.gen_range(30..55);
        for s in 0..share(sh.measures, sh.people, i) {
            let slot = (s as usize) % (POINTS.len() * 3);
            let months = POINTS[slot / 3];
            let kind = MEASURE_KINDS[slot % 3];
            let on = (day + chrono::Months::new(months) + Duration::days(rng.gen_range(0..14)))
                .min(last);
            let gain = i64::from(months) / 3;
            let mut item = |lo: i64| clamp(base + lo + gain * 2 + rng.gen_range(-15..15), 0, 100);
            let (g1, g2, items) = match kind {
                "gaf" => (
                    F::I(clamp(base + gain + rng.gen_range(-8..8), 1, 100)),
                    F::I(clamp(base + gain + rng.gen_range(-8..8), 1, 100)),
                    [F::N; 4],
                ),
                "ors" => (
                    F::N,
                    F::N,
                    [F::I(item(0)), F::I(item(0)), F::I(item(0)), F::I(item(0))],
                ),
                _ => (
                    F::N,
                    F::N,
                    [
                        F::I(item(40)),
                        F::I(item(40)),
                        F::I(item(40)),
                        F::I(item(40)),
                    ],
                ),
            };
            sink.row(&[
                F::U(idg(K_MEASURE, m)),
                F::U(idg(K_CLIENT, i)),
                F::U(idg(K_TEAM, k)),
                F::S(kind),
                F::D(on),
                g1,
                g2,
                items[0],
                items[1],
                items[2],
                items[3],
                F::U(sh.staff(k, coord)),
                F::U(sh.home_org(k, coord)),
                F::T(at),
            ])?;
            m += 1;
            p.tick("measures", m, sh.measures);
        }
    }
    sink.end()?;
    part.done("measures", m);

    // Registry events over two years before and two years after inclusion.
    sink.begin(&t::REGISTRY_EVENTS)?;
    let span = (last - before).num_days().max(1);
    let mut m = 0u64;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let mut rng = rng_for(11, i);
        for _ in 0..share(sh.registry, sh.people, i) {
            let starts = before + Duration::days(rng.gen_range(0..span));
            let roll: u32 = rng.gen_range(0..100);
            let muni = idg(K_MUNI, k);
            let lead = sh.staff(k, 0);
            let institution = format!("Nasjonalt helseforetak {:02}", k % super::TRUSTS);
            let (kind, ends, inst, compulsory, basis, place, police) = match roll {
                0..=34 => {
                    let compulsory = rng.gen_bool(0.2);
                    (
                        "inpatient",
                        F::D((starts + Duration::days(rng.gen_range(1..40))).min(last)),
                        F::S(&institution),
                        F::B(compulsory),
                        if compulsory {
                            F::S("phvl. § 3-3")
                        } else {
                            F::N
                        },
                        F::N,
                        F::N,
                    )
                }
                35..=69 => (
                    "emergency",
                    F::N,
                    F::N,
                    F::N,
                    F::N,
                    F::S(PLACES[rng.gen_range(0..PLACES.len())]),
                    F::N,
                ),
                70..=89 => (
                    "police",
                    F::N,
                    F::N,
                    F::N,
                    F::N,
                    F::N,
                    F::S(if rng.gen_bool(0.3) { "arrest" } else { "event" }),
                ),
                _ => (
                    "prison",
                    F::D((starts + Duration::days(rng.gen_range(7..200))).min(last)),
                    F::N,
                    F::N,
                    F::N,
                    F::N,
                    F::N,
                ),
            };
            sink.row(&[
                F::U(idg(K_REGISTRY, m)),
                F::U(idg(K_CLIENT, i)),
                F::U(idg(K_TEAM, k)),
                F::S(kind),
                F::D(starts),
                ends,
                inst,
                compulsory,
                basis,
                place,
                police,
                F::S("import"),
                F::U(lead),
                F::U(muni),
                F::T(at),
            ])?;
            m += 1;
            p.tick("registry_events", m, sh.registry);
        }
    }
    sink.end()?;
    part.done("registry_events", m);

    // Established services: none, one or two per person during the course.
    sink.begin(&t::ESTABLISHED_SERVICES)?;
    let mut m = 0u64;
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let (coord, _) = sh.caregivers(i);
        let mut rng = rng_for(12, i);
        for _ in 0..rng.gen_range(0..3u32) {
            let after = rng.gen_range(0..600);
            sink.row(&[
                F::U(idg(K_SERVICE, m)),
                F::U(idg(K_TEAM, k)),
                F::U(idg(K_CLIENT, i)),
                F::U(idg(K_EPISODE, i)),
                F::S(SERVICES[rng.gen_range(0..SERVICES.len())]),
                F::D((day + Duration::days(after)).min(last)),
                F::B(after < 14),
                F::U(sh.staff(k, coord)),
                F::U(sh.home_org(k, coord)),
                F::T(at),
            ])?;
            m += 1;
        }
    }
    sink.end()?;
    part.done("established_services", m);

    // Housing: the status at inclusion; most of the homeless and those in temporary housing
    // move into a home later; a few people are evicted.
    sink.begin(&t::HOUSING_STATUSES)?;
    let (mut m, mut evictions) = (0u64, Vec::new());
    for i in 0..sh.people {
        let k = sh.team_of(i);
        let (coord, _) = sh.caregivers(i);
        let mut rng = rng_for(13, i);
        let first = match rng.gen_range(0..10u32) {
            0..=2 => "homeless",
            3..=4 => "temporary",
            5..=7 => "municipal_rental",
            _ => "own_home",
        };
        let mut history = vec![(first, day)];
        if matches!(first, "homeless" | "temporary") && rng.gen_bool(0.7) {
            history.push((
                "municipal_rental",
                day + Duration::days(rng.gen_range(20..400)),
            ));
        }
        if rng.gen_bool(0.03) {
            evictions.push((
                i,
                day + Duration::days(rng.gen_range(30..700)).min(last - day),
            ));
        }
        for (status, from) in history {
            sink.row(&[
                F::U(idg(K_HOUSING, m)),
                F::U(idg(K_CLIENT, i)),
                F::U(idg(K_TEAM, k)),
                F::S(status),
                F::D(from.min(last)),
                F::U(sh.staff(k, coord)),
                F::U(sh.home_org(k, coord)),
                F::T(at),
            ])?;
            m += 1;
        }
    }
    sink.end()?;
    sink.begin(&t::HOUSING_EVICTIONS)?;
    for (n, (i, on)) in evictions.iter().enumerate() {
        let k = sh.team_of(*i);
        sink.row(&[
            F::U(idg(K_EVICTION, n as u64)),
            F::U(idg(K_CLIENT, *i)),
            F::U(idg(K_TEAM, k)),
            F::D(*on),
            F::U(sh.staff(k, 0)),
            F::U(idg(K_MUNI, k)),
            F::T(at),
        ])?;
    }
    sink.end()?;
    part.done(
        "housing_statuses and housing_evictions",
        m + evictions.len() as u64,
    );

    // One SPoR round per team, four months ago: the team's first people interviewed.
    let round_on = today - Duration::days(120);
    let round_name = format!("Brukerintervju {} (nasjonalt)", round_on.year());
    sink.begin(&t::SPOR_ROUNDS)?;
    for k in 0..sh.teams {
        sink.row(&[
            F::U(idg(K_ROUND, k)),
            F::U(idg(K_TEAM, k)),
            F::S(&round_name),
            F::D(round_on),
            F::U(sh.staff(k, 0)),
            F::U(idg(K_MUNI, k)),
            F::T(at),
        ])?;
    }
    sink.end()?;
    let interviewed = |k: u64| {
        let first = k * sh.team_size;
        first..(first + SPOR_PER_TEAM.min(sh.team_size)).min(sh.people)
    };
    sink.begin(&t::SPOR_INTERVIEWS)?;
    let mut m = 0u64;
    for k in 0..sh.teams {
        for i in interviewed(k) {
            let mut rng = rng_for(14, i);
            let muni = match rng.gen_range(0..4u32) {
                0 => format!("Nabokommune {:02}", k % 7),
                _ => format!("Nasjonal kommune {k:04}"),
            };
            let interviewer = format!("Brukerspør {k:04}");
            sink.row(&[
                F::U(idg(K_INTERVIEW, i)),
                F::U(idg(K_ROUND, k)),
                F::U(idg(K_CLIENT, i)),
                F::U(idg(K_TEAM, k)),
                F::D(round_on + Duration::days(rng.gen_range(0..60))),
                F::S(&interviewer),
                F::S(&muni),
                F::I(rng.gen_range(18..76)),
                F::I(rng.gen_range(0..31)),
                F::U(sh.staff(k, 0)),
                F::U(idg(K_MUNI, k)),
                F::T(at),
            ])?;
            m += 1;
        }
    }
    sink.end()?;
    sink.begin(&t::SPOR_ANSWERS)?;
    let mut answers = 0u64;
    for k in 0..sh.teams {
        for i in interviewed(k) {
            let mut rng = rng_for(15, i);
            for q in 1..=20i64 {
                // About one question in ten is not answered.
                if rng.gen_bool(0.1) {
                    continue;
                }
                let row = if SPOR_SCALE.contains(&q) {
                    [F::I(rng.gen_range(1..10) * 10), F::N]
                } else {
                    [F::N, F::S(SPOR_TEXTS[rng.gen_range(0..SPOR_TEXTS.len())])]
                };
                sink.row(&[F::U(idg(K_INTERVIEW, i)), F::I(q), row[0], row[1]])?;
                answers += 1;
            }
        }
    }
    sink.end()?;
    part.done(
        "spor_rounds, spor_interviews, spor_answers",
        sh.teams + m + answers,
    );
    Ok(())
}
