//! The synthetic demo team: a municipality, a DPS and NAV running one outreach
//! team, ~13 staff with different FTE shares, ~35 clients with synthetic
//! national ids (month + 80), care relationships and record entries.
//! Deterministic (fixed seed); idempotent (does nothing if the team exists).

use benk_domain::{NationalId, OrgNumber};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::auth::hash_password;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::orgs::TeamPolicy;
use crate::App;

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "benk-demo";
/// The demo team's name.
pub const DEMO_TEAM: &str = "Samhandlingsteamet Fjordby";

/// A demo login, printed by `benk demo`.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Username.
    pub username: &'static str,
    /// What the user is (profession, employer, role).
    pub description: &'static str,
}

// username, name, profession, employer index (0 municipality, 1 DPS, 2 NAV), FTE, role, description
const STAFF: &[(&str, &str, &str, usize, i64, &str, &str)] = &[
    (
        "tone",
        "Tone Berg",
        "nurse",
        0,
        100,
        "team_lead",
        "sykepleier, kommunen, teamleder",
    ),
    (
        "arne",
        "Arne Lie",
        "psychologist",
        1,
        50,
        "intake_member",
        "psykolog, DPS, inntaksteam",
    ),
    (
        "mari",
        "Mari Dahl",
        "psychiatrist",
        1,
        30,
        "worker",
        "psykiater, DPS",
    ),
    (
        "jonas",
        "Jonas Vik",
        "physician",
        1,
        20,
        "worker",
        "lege, DPS",
    ),
    (
        "sara",
        "Sara Holm",
        "nurse",
        1,
        50,
        "intake_member",
        "sykepleier, DPS, inntaksteam",
    ),
    (
        "ola",
        "Ola Strand",
        "social_worker",
        0,
        50,
        "worker",
        "sosionom, kommunen",
    ),
    (
        "ingrid",
        "Ingrid Moe",
        "family_therapist",
        1,
        30,
        "worker",
        "familieterapeut, DPS",
    ),
    (
        "kristin",
        "Kristin Aas",
        "housing_officer",
        0,
        40,
        "worker",
        "boligkonsulent, kommunen (ikke helsepersonell)",
    ),
    (
        "per",
        "Per Nilsen",
        "nav_officer",
        2,
        40,
        "worker",
        "NAV-veileder (ikke helsepersonell)",
    ),
    (
        "lise",
        "Lise Brekke",
        "experience_consultant",
        0,
        40,
        "worker",
        "erfaringskonsulent, kommunen",
    ),
    (
        "hanne",
        "Hanne Sund",
        "nurse",
        0,
        80,
        "intake_member",
        "sykepleier, kommunen, inntaksteam",
    ),
    (
        "eva",
        "Eva Lund",
        "other",
        0,
        10,
        "administrator",
        "administrator",
    ),
    (
        "pia",
        "Pia Ek",
        "other",
        1,
        10,
        "privacy_officer",
        "personvernombud, DPS",
    ),
];

const FIRST: &[&str] = &[
    "Anders", "Bente", "Camilla", "Dag", "Elin", "Fredrik", "Guro", "Håkon", "Ida", "Jørgen",
    "Kari", "Lars", "Marte", "Nils", "Oda", "Pål", "Randi", "Sindre", "Thea", "Uno", "Vigdis",
    "Øystein", "Åse", "Bjørn", "Cecilie", "Espen", "Frida", "Geir", "Hilde", "Ivar", "Janne",
    "Kjetil", "Linn", "Magnus", "Nora",
];
const LAST: &[&str] = &[
    "Andersen",
    "Bakke",
    "Christensen",
    "Dale",
    "Eide",
    "Fjeld",
    "Gundersen",
    "Haugen",
    "Iversen",
    "Jensen",
    "Karlsen",
    "Lunde",
    "Myhre",
    "Nygård",
    "Olsen",
    "Pedersen",
    "Rønning",
    "Solberg",
    "Tangen",
    "Ulland",
];
const MUNICIPALITIES: &[&str] = &["Fjordby", "Fjordby", "Fjordby", "Nordvik", "Sandøy"];
const NOTES: &[&str] = &[
    "Hjemmebesøk. Han var i god form og ønsket å snakke om boligsøknaden. Avtalt nytt besøk neste uke.",
    "Møtte henne ved værestedet. Lite søvn siste uke, økt bruk. Vi laget en plan for de neste dagene sammen.",
    "Samtale om mål: egen bolig og kontakt med fastlegen. Koordinatorene følger opp hver sin del.",
    "Ikke hjemme ved avtalt tid. Ringte og fikk kontakt senere; nytt tidspunkt avtalt.",
    "Felles møte med NAV og boligkontoret. Søknad om kommunal bolig sendt.",
    "Medisinsamtale hos psykiater. Ønsker å prøve lavere dose; ny vurdering om fire uker.",
    "Følgt til legevakt etter fall. Ingen brudd. Pårørende informert etter samtykke.",
];

fn org_number(base: u32) -> String {
    let mut b = base;
    loop {
        if let Some(o) = OrgNumber::from_base(b) {
            return o.as_str().to_string();
        }
        b += 1;
    }
}

/// Seeds the demo team unless it exists. Returns whether anything was seeded.
pub async fn seed(app: &App) -> AppResult<bool> {
    let exists = app
        .db
        .scalar_i64(
            "SELECT COUNT(*) FROM teams WHERE name = $1",
            crate::args![DEMO_TEAM],
        )
        .await?;
    if exists > 0 {
        return Ok(false);
    }
    let mut rng = StdRng::seed_from_u64(0x00be_0c5e_ed00);
    let now = Utc::now();
    let today = crate::time::oslo_date(now);
    let mut stmts = Vec::new();

    let orgs = [
        (
            Uuid::now_v7(),
            "Fjordby kommune",
            "municipality",
            org_number(93_000_001),
        ),
        (
            Uuid::now_v7(),
            "Helse Fjord HF, Fjordby DPS",
            "hospital_trust",
            org_number(98_300_001),
        ),
        (Uuid::now_v7(), "NAV Fjordby", "nav", org_number(97_400_001)),
    ];
    for (id, name, kind, nr) in &orgs {
        stmts.push(Stmt::new(
            "INSERT INTO organisations (id, name, kind, org_number, created_at) VALUES ($1, $2, $3, $4, $5)",
            crate::args![*id, *name, *kind, nr.clone(), now],
        ));
    }
    let team = Uuid::now_v7();
    let policy = TeamPolicy {
        caseload_per_full_position: Some(5),
        intake_min_participants_per_side: Some(1),
        ..TeamPolicy::default()
    };
    stmts.push(Stmt::new(
        "INSERT INTO teams (id, name, policy, created_at) VALUES ($1, $2, $3, $4)",
        crate::args![
            team,
            DEMO_TEAM,
            serde_json::to_string(&policy).unwrap_or_default(),
            now
        ],
    ));
    for (id, ..) in &orgs {
        stmts.push(Stmt::new(
            "INSERT INTO team_owners (team_id, organisation_id) VALUES ($1, $2)",
            crate::args![team, *id],
        ));
    }

    // One hash for all demo logins: they share a password, and hashing 13
    // times would dominate the seeding time.
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut staff = Vec::new();
    for (i, (user, name, prof, org, fte, role, _)) in STAFF.iter().enumerate() {
        let id = Uuid::now_v7();
        let hpr = matches!(
            *prof,
            "nurse" | "psychologist" | "psychiatrist" | "physician"
        )
        .then(|| format!("{}", 9_100_000 + i * 137));
        stmts.push(Stmt::new(
            "INSERT INTO staff (id, name, profession, hpr_number, home_org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            crate::args![id, *name, *prof, hpr, orgs[*org].0, now],
        ));
        stmts.push(Stmt::new(
            "INSERT INTO identities (id, staff_id, provider, subject, password_hash, created_at) VALUES ($1, $2, 'local', $3, $4, $5)",
            crate::args![Uuid::now_v7(), id, *user, hash.clone(), now],
        ));
        stmts.push(Stmt::new(
            "INSERT INTO team_memberships (team_id, staff_id, role, fte) VALUES ($1, $2, $3, $4)",
            crate::args![team, id, *role, *fte],
        ));
        staff.push((id, *org, *prof));
    }
    // Coordinators: health personnel from the municipality and from the DPS.
    let clinical = |side: usize| -> Vec<usize> {
        STAFF
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.3 == side
                    && !matches!(
                        s.2,
                        "other" | "housing_officer" | "nav_officer" | "experience_consultant"
                    )
            })
            .map(|(i, _)| i)
            .collect()
    };
    let (muni, dps) = (clinical(0), clinical(1));

    for n in 0..35usize {
        let id = Uuid::now_v7();
        let name = format!(
            "{} {}",
            FIRST[n % FIRST.len()],
            LAST[(n * 7 + 3) % LAST.len()]
        );
        let year = 1966 + rng.gen_range(0..38);
        let birth = NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), rng.gen_range(1..=28))
            .unwrap_or(today);
        let (nid, kind, birth_year) = if n % 4 == 3 {
            (None, None, Some(i64::from(year)))
        } else {
            let nid = NationalId::synthetic(birth, n as u32);
            (
                Some(nid.as_str().to_string()),
                Some(nid.kind().code().to_string()),
                Some(i64::from(birth.year())),
            )
        };
        let phone =
            (n % 5 != 4).then(|| format!("+479{:07}", 1_000_000 + rng.gen_range(0..8_999_999)));
        let muni_name = MUNICIPALITIES[n % MUNICIPALITIES.len()];
        let since = today - Duration::days(rng.gen_range(20..1000));
        let (mc, sc) = (muni[n % muni.len()], dps[(n / 2) % dps.len()]);
        let creator = staff[mc].0;
        stmts.push(Stmt::new(
            "INSERT INTO clients (id, team_id, name, name_search, national_id, national_id_kind, birth_year, phone, municipality, \
             owner_org_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            crate::args![id, team, name.clone(), name.to_lowercase(), nid, kind, birth_year, phone, muni_name, orgs[0].0, creator, now],
        ));
        let mut rel = |holder: usize, from: NaiveDate, to: Option<NaiveDate>, reason: &str| {
            stmts.push(Stmt::new(
                "INSERT INTO care_relationships (id, client_id, staff_id, valid_from, valid_to, reason, owner_org_id, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                crate::args![Uuid::now_v7(), id, staff[holder].0, from, to, reason, orgs[staff[holder].1].0, creator, now],
            ));
        };
        rel(mc, since, None, "Kommunal koordinator");
        rel(sc, since, None, "Spesialistkoordinator");
        if n % 6 == 0 {
            // A finished relationship stays in the register but gives no access.
            rel(
                2,
                since,
                Some(since + Duration::days(60)),
                "Medisinsk vurdering (avsluttet)",
            );
        }
        if n % 3 == 0 && mc != 0 {
            rel(0, since, None, "Teamleder følger opp");
        }
        if n % 5 == 0 {
            rel(8, since, None, "NAV-kontakt i teamet");
        }
        for k in 0..(2 + n % 3) {
            let author = if k % 2 == 0 { mc } else { sc };
            let at = now - Duration::days(rng.gen_range(1..(today - since).num_days().max(2)));
            stmts.push(Stmt::new(
                "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, body) VALUES ($1, $2, $3, $4, $5, $6)",
                crate::args![Uuid::now_v7(), id, staff[author].0, orgs[staff[author].1].0, at, NOTES[(n + k) % NOTES.len()]],
            ));
        }
    }
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("team:{team}");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(true)
}

/// The demo logins, for printing.
pub fn logins() -> Vec<DemoLogin> {
    STAFF
        .iter()
        .map(|s| DemoLogin {
            username: s.0,
            description: s.6,
        })
        .collect()
}
