//! The synthetic demo team: a municipality, a DPS and NAV running one outreach
//! team, 13 staff with different FTE shares, a register of 32 referring
//! agencies, three years of referrals with decisions of every outcome, and
//! about 35 clients with episodes at all three levels, coordinator pairs,
//! responsibility groups and record entries. National ids are synthetic
//! (month + 80). Deterministic (fixed seed); idempotent (does nothing if the
//! team exists).

mod appointments;
mod board;

use benk_domain::{NationalId, OrgNumber};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::audit::{AuditDraft, Outcome};
use crate::auth::hash_password;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::orgs::TeamPolicy;
use crate::store;
use crate::App;

mod cflex;
mod contacts;
mod learning;
mod measures;
mod openhour;
mod plans;
mod registry;
pub mod samples;
mod tandem;

/// Writes a part of the demo in one command with its `demo.seed` audit row.
async fn write_seed(app: &App, stmts: Vec<Stmt>, resources: String) -> AppResult<()> {
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = resources;
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "benk-demo";
/// The demo team's name.
pub const DEMO_TEAM: &str = "Samhandlingsteamet Fjordby";
/// The second demo team: Tandem-like, the record is open to the team on duty.
pub const DEMO_TEAM_2: &str = "Uteteamet Nordvik";

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
        "sosionom, kommunen (helsepersonell gjennom ansettelsen)",
    ),
    (
        "ingrid",
        "Ingrid Moe",
        "family_therapist",
        1,
        30,
        "worker",
        "familieterapeut, DPS (helsepersonell gjennom ansettelsen)",
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
        "erfaringskonsulent, kommunen (helsepersonell gjennom ansettelsen)",
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

// The second team (Tandem-like): username, name, profession, employer index
// (0 Nordvik kommune, 1 the DPS, 2 NAV), FTE, role, description.
const STAFF_2: &[(&str, &str, &str, usize, i64, &str, &str)] = &[
    (
        "siri",
        "Siri Nes",
        "nurse",
        0,
        100,
        "team_lead",
        "sykepleier, Nordvik kommune, teamleder i Nordvik-teamet",
    ),
    (
        "tor",
        "Tor Bakken",
        "social_worker",
        0,
        100,
        "intake_member",
        "sosionom, Nordvik kommune, inntaksteam i Nordvik-teamet",
    ),
    (
        "anne",
        "Anne Rød",
        "nurse",
        0,
        80,
        "worker",
        "sykepleier, Nordvik kommune, Nordvik-teamet (på vakt)",
    ),
    (
        "knut",
        "Knut Berge",
        "psychologist",
        1,
        60,
        "intake_member",
        "psykolog, DPS, inntaksteam i Nordvik-teamet",
    ),
    (
        "liv",
        "Liv Strøm",
        "psychiatrist",
        1,
        40,
        "worker",
        "psykiater, DPS, Nordvik-teamet",
    ),
    (
        "gunn",
        "Gunn Li",
        "nav_officer",
        2,
        50,
        "worker",
        "NAV-veileder i Nordvik-teamet (ikke helsepersonell)",
    ),
    (
        "rune",
        "Rune Dal",
        "other",
        0,
        10,
        "administrator",
        "administrator for Nordvik-teamet (ikke systemadministrator)",
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

/// One demo staff row: username, name, profession, employer index, FTE, role, description.
type StaffRow = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    i64,
    &'static str,
    &'static str,
);

/// The statements that add one demo staff member with a login (the shared demo
/// password's `hash`) and a membership of `team`. Clinicians get an HPR number
/// (`hpr`). Returns the new staff id.
fn push_staff(
    stmts: &mut Vec<Stmt>,
    (user, name, prof, _, fte, role, _): &StaffRow,
    employer: Uuid,
    team: Uuid,
    hpr: usize,
    hash: &str,
    now: DateTime<Utc>,
) -> Uuid {
    let id = Uuid::now_v7();
    let hpr = matches!(
        *prof,
        "nurse" | "psychologist" | "psychiatrist" | "physician"
    )
    .then(|| hpr.to_string());
    stmts.push(Stmt::new(
        "INSERT INTO staff (id, name, profession, hpr_number, home_org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![id, *name, *prof, hpr, employer, now],
    ));
    stmts.push(Stmt::new(
        "INSERT INTO identities (id, staff_id, provider, subject, password_hash, created_at) VALUES ($1, $2, 'local', $3, $4, $5)",
        crate::args![Uuid::now_v7(), id, *user, hash, now],
    ));
    stmts.push(Stmt::new(
        "INSERT INTO team_memberships (team_id, staff_id, role, fte) VALUES ($1, $2, $3, $4)",
        crate::args![team, id, *role, *fte],
    ));
    id
}

/// Records, as the administrator `set_by` would, that `staff` is employed in the
/// health service to give care (health personnel by hpl § 3 first paragraph no. 2).
fn push_care_employment(
    stmts: &mut Vec<Stmt>,
    staff: Uuid,
    reason: &str,
    set_by: Uuid,
    now: DateTime<Utc>,
) {
    stmts.push(Stmt::new(
        "UPDATE staff SET care_employment = TRUE WHERE id = $1",
        crate::args![staff],
    ));
    stmts.push(Stmt::new(
        "INSERT INTO health_personnel_changes (id, staff_id, care_employment, reason, set_by, set_at) VALUES ($1, $2, TRUE, $3, $4, $5)",
        crate::args![Uuid::now_v7(), staff, reason, set_by, now],
    ));
}

/// Staff who are health personnel through their employment in the health service to give care
/// (hpl § 3 first paragraph no. 2), as the demo administrator recorded it.
const CARE_EMPLOYMENT: &[(&str, &str)] = &[
    (
        "ola",
        "Ansatt i kommunens psykisk helse- og rustjeneste for å yte helsehjelp i teamet.",
    ),
    (
        "ingrid",
        "Ansatt ved Fjordby DPS for å yte helsehjelp i teamet.",
    ),
    (
        "lise",
        "Ansatt i kommunens psykisk helse- og rustjeneste som erfaringskonsulent for å yte helsehjelp i teamet.",
    ),
];
/// The second team's staff who are health personnel through their employment.
const CARE_EMPLOYMENT_2: &[(&str, &str)] = &[(
    "tor",
    "Ansatt i Nordvik kommunes psykisk helse- og rustjeneste for å yte helsehjelp i teamet.",
)];
/// A social note by the NAV officer: documents NAV work, carries no health content.
const SOCIAL_NOTE: &str = "Gjennomgang av økonomi og husleierestanse. Avtale om nedbetaling er inngått, og søknad om økonomisk stønad er sendt. Nytt møte på NAV om to uker.";
/// A level reassessment whose reason is health content (a diagnosis): shown only to health personnel.
const HEALTH_LEVEL_REASON: &str = "Revurdert etter innleggelse i akuttpsykiatrisk avdeling: F20.0 paranoid schizofreni. Fortsatt samme nivå, tettere oppfølging.";

const AGENCIES: &[(&str, &str)] = &[
    ("nav", "NAV Fjordby"),
    ("gp", "Fastlege Sentrum legesenter"),
    ("dps", "Fjordby DPS, allmennpoliklinikk"),
    ("housing_office", "Boligkontoret Fjordby"),
    ("municipal_service", "Psykisk helse og rus, Fjordby kommune"),
    ("emergency_clinic", "Fjordby legevakt"),
    ("gp", "Fastlege Strandgata legekontor"),
    ("hospital_ward", "Akuttpsykiatrisk avdeling, Helse Fjord"),
    ("police", "Fjordby politistasjon"),
    ("substance_treatment", "Rusbehandling Helse Fjord (TSB)"),
    ("gp", "Fastlege Nordvik legesenter"),
    ("municipal_service", "Hjemmetjenesten Fjordby"),
    ("correctional_service", "Kriminalomsorgen Fjordby friomsorg"),
    ("nav", "NAV Nordvik"),
    ("dps", "Fjordby DPS, ambulant team"),
    ("gp", "Fastlege Bakken legesenter"),
    ("hospital_ward", "Medisinsk avdeling, Fjordby sykehus"),
    ("housing_office", "Boligkontoret Nordvik"),
    ("municipal_service", "Oppfølgingstjenesten bolig, Fjordby"),
    ("other", "Kirkens bymisjon Fjordby"),
    ("gp", "Fastlege Sjøsiden legekontor"),
    ("nav", "NAV Sandøy"),
    ("substance_treatment", "Avrusningsenheten Helse Fjord"),
    ("municipal_service", "Barneverntjenesten Fjordby"),
    ("dps", "Nordvik DPS"),
    ("gp", "Fastlege Torget legesenter"),
    ("other", "Frelsesarmeen Fjordby"),
    ("municipal_service", "Tildelingskontoret Fjordby"),
    ("hospital_ward", "Sikkerhetsavdelingen, Helse Fjord"),
    ("correctional_service", "Fjordby fengsel"),
    ("gp", "Fastlege Sandøy legekontor"),
    ("municipal_service", "Lavterskeltilbudet Værestedet"),
];
/// First names in `FIRST` that are women's, so that a relative's role agrees with the name.
const WOMEN: &[&str] = &[
    "Bente", "Camilla", "Elin", "Guro", "Ida", "Kari", "Marte", "Oda", "Randi", "Thea", "Vigdis",
    "Åse", "Cecilie", "Frida", "Hilde", "Janne", "Linn", "Nora",
];

/// A referrer's role that fits the kind of agency they refer from (and, for a relative, the
/// referrer's name).
fn referrer_role(kind: &str, first_name: &str, i: usize) -> Option<&'static str> {
    let pick = |roles: &[&'static str]| roles[i % roles.len()];
    let woman = WOMEN.contains(&first_name);
    Some(match kind {
        "nav" => pick(&["veileder", "saksbehandler"]),
        "gp" => "fastlege",
        "dps" => pick(&["psykolog", "psykiater", "sykepleier"]),
        "housing_office" => "boligkonsulent",
        "municipal_service" => pick(&["miljøterapeut", "sykepleier", "saksbehandler"]),
        "emergency_clinic" => pick(&["lege", "sykepleier"]),
        "hospital_ward" => pick(&["overlege", "sykepleier"]),
        "police" => "politibetjent",
        "substance_treatment" => pick(&["psykolog", "sosionom"]),
        "correctional_service" => pick(&["miljøarbeider", "konsulent"]),
        "relative" if woman => pick(&["mor", "søster"]),
        "relative" => pick(&["far", "bror"]),
        "self_referral" => return None,
        _ => pick(&["diakon", "frivillig"]),
    })
}

const WHEREABOUTS: &[&str] = &[
    "Værestedet i sentrum",
    "Hjemme, kommunal bolig",
    "Hos søster i Nordvik",
    "Bostedsløs, ofte ved stasjonen",
];
const REASONS: &[&str] = &[
    "Mister kontakt med tjenestene etter utskrivning; trenger oppsøkende oppfølging.",
    "Står i fare for å miste boligen; mye rus og uro i naboskapet.",
    "Har takket nei til tilbud fra DPS flere ganger; familien er bekymret.",
    "Gjentatte innleggelser og legevaktsbesøk; ingen fast oppfølging.",
];
const HOUSING: &[&str] = &[
    "Kommunal bolig, husleierestanse",
    "Uten fast bolig",
    "Bor hos foreldre",
    "Midlertidig botilbud",
];
/// Reasons that fit the outcome (and level) they explain.
fn decision_reason(outcome: &str, level: Option<i64>) -> &'static str {
    match (outcome, level) {
        ("accepted", Some(1)) => {
            "Felles vurdering i inntaksmøtet: alvorlig psykisk lidelse og rusbruk, store \
             funksjonsfall og svak kontakt med tjenestene; behov for oppsøkende oppfølging fra \
             teamet."
        }
        ("accepted", _) => {
            "Kommunens tjeneste har relasjonen og beholder ansvaret; teamet går skulder ved \
             skulder og bidrar med kompetanse fra spesialisthelsetjenesten."
        }
        ("routed_fact", _) => {
            "Psykoselidelse; FACT-teamet er rett tilbud. Henvisningen er sendt dit etter \
             avtale med personen."
        }
        ("routed_other", _) => {
            "Personen har kontakt med tjenestene og trenger ikke oppsøkende oppfølging; behovene \
             dekkes best av en annen tjeneste."
        }
        ("guidance", _) => {
            "Henviser trenger råd i en konkret sak; teamet gir veiledning uten direkte \
             oppfølging og oppretter ingen journal."
        }
        _ => {
            "Vurdert i inntaksmøtet: behovene kan ivaretas i de ordinære tjenestene; teamet tar \
             ikke saken nå. Ny henvisning kan sendes om situasjonen endrer seg."
        }
    }
}
const CLOSE_REASONS: &[&str] = &[
    "established_ordinary",
    "reestablished_ordinary",
    "moved",
    "declined_further_help",
    "other",
];
const RG: &[(&str, &str, &str, bool)] = &[
    ("gp", "Dr. Ingvild Sande", "fastlege", false),
    ("nav", "Morten Lie", "NAV-veileder", false),
    ("housing_office", "Siri Hagen", "boligkonsulent", false),
    ("relative", "Randi (mor)", "pårørende", true),
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

/// One demo decision, for [`target_group_demo`].
struct DemoDecision {
    decision: Uuid,
    referral: Uuid,
    outcome: &'static str,
    in_tg: bool,
    decided_on: NaiveDate,
    i: usize,
    /// The client and episode, when accepted.
    client: Option<(Uuid, Uuid)>,
}

/// The C-Flex-like team's start: chosen so that, with the demo's referral stream, about 18
/// agencies have referred after 6 months and about 31 after 36 (`003`).
fn team_started_on(today: NaiveDate) -> NaiveDate {
    today - Duration::days(3 * 365 - 20)
}

/// Where the demo routes people, and the ordinary service that routing established.
const ROUTED_TO: &[(&str, &str)] = &[
    ("Fjordby DPS, poliklinikk", "dps_outpatient"),
    ("Kommunal rus- og psykisk helsetjeneste", "home_services"),
    ("TSB, Helse Fjord", "substance_treatment"),
    ("Fastlegen", "gp"),
    ("NAV Fjordby", "nav"),
    ("Boligkontoret, oppfølging i bolig", "housing_follow_up"),
];

/// The target-group assessment item by item under C-Flex's criteria (consistent with the
/// decision's `in_target_group`), where routed people went, and services established or
/// re-established: at intake for every routed-on person and many accepted ones, later in the
/// course for some more, so that about 40 % of referrals have one (`003`).
fn target_group_demo(
    team: Uuid,
    decisions: &[DemoDecision],
    recorded_by: Uuid,
    org: Uuid,
    today: NaiveDate,
) -> Vec<Stmt> {
    let criteria = benk_domain::TargetGroupCriteria::c_flex();
    let mut stmts = Vec::new();
    for d in decisions {
        let ticked = |code: &str| match code {
            "serious_mental_illness" | "weak_connection" => d.in_tg,
            "serious_substance_use" => d.in_tg || d.i % 3 == 0,
            "major_loss_of_function" => d.in_tg || d.i % 2 == 0,
            _ => false,
        };
        let mut position = 0;
        for c in criteria.criteria() {
            for item in &c.items {
                stmts.push(store::intake::insert_target_item(
                    d.decision,
                    position,
                    &c.code,
                    item,
                    ticked(&item.code),
                ));
                position += 1;
            }
        }
        let (place, service) = ROUTED_TO[d.i % ROUTED_TO.len()];
        let routed_to = match d.outcome {
            "routed_fact" => Some("FACT Fjordby"),
            "routed_other" => Some(place),
            _ => None,
        };
        if let Some(to) = routed_to {
            stmts.push(Stmt::new(
                "UPDATE intake_decisions SET routed_to = $2 WHERE id = $1",
                crate::args![d.decision, to],
            ));
        }
        let mut establish = |service: &str, on: NaiveDate, at_intake: bool| {
            stmts.push(store::services::insert(&store::services::NewEstablished {
                id: Uuid::now_v7(),
                team_id: team,
                referral_id: Some(d.referral),
                client_id: d.client.map(|c| c.0),
                episode_id: d.client.map(|c| c.1),
                service,
                note: None,
                established_on: on.min(today),
                at_intake,
                recorded_by,
                owner_org_id: org,
                at: on
                    .min(today)
                    .and_hms_opt(14, 0, 0)
                    .unwrap_or_default()
                    .and_utc(),
            }));
        };
        match (d.outcome, d.client) {
            // Most people routed elsewhere are taken in there; some are not (yet).
            ("routed_other", _) if d.i % 3 != 0 => establish(service, d.decided_on, true),
            // Guidance to the partner that got the GP back in the picture.
            ("guidance", _) if d.i % 5 == 0 => establish("gp", d.decided_on, true),
            (_, Some(_)) if d.i % 4 == 0 => establish("gp", d.decided_on, true),
            (_, Some(_)) if d.i % 4 == 1 => {
                establish(service, d.decided_on + Duration::days(45), false);
            }
            (_, Some(_)) if d.i % 4 == 2 => {
                establish("nav", d.decided_on, true);
                establish("dps_outpatient", d.decided_on + Duration::days(90), false);
            }
            _ => {}
        }
    }
    stmts
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
    // C-Flex-like: anyone may refer, diagnosis is no intake criterion, one
    // participant from each side decides.
    // Caseload (issue 9): C-Flex mixes levels 1–3, so its norm is wider than Tandem's 5 per
    // position; at most 10 per worker. The team lead is over it with a recorded reason.
    let policy = TeamPolicy {
        caseload_per_full_position: Some(20),
        max_users_per_worker: Some(10),
        intake_min_participants_per_side: Some(1),
        contact: demo_contact(0),
        intake_meeting: Some(THURSDAY_NINE),
        started_on: Some(team_started_on(today)),
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
    for (i, row) in STAFF.iter().enumerate() {
        let (user, _, prof, org, ..) = row;
        let id = push_staff(
            &mut stmts,
            row,
            orgs[*org].0,
            team,
            9_100_000 + i * 137,
            &hash,
            now,
        );
        if *user == "eva" {
            // The demo's first administrator administers the installation.
            stmts.push(Stmt::new(
                "UPDATE staff SET system_admin = TRUE WHERE id = $1",
                crate::args![id],
            ));
        }
        staff.push((id, *org, *prof));
    }
    let admin = STAFF
        .iter()
        .position(|s| s.5 == "administrator")
        .unwrap_or(0);
    for (user, reason) in CARE_EMPLOYMENT {
        if let Some(i) = STAFF.iter().position(|s| s.0 == *user) {
            push_care_employment(&mut stmts, staff[i].0, reason, staff[admin].0, now);
        }
    }
    let nav = STAFF.iter().position(|s| s.0 == "per").unwrap_or(8);
    let peer = STAFF.iter().position(|s| s.0 == "lise").unwrap_or(9);
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
    let intake_muni = STAFF.iter().position(|s| s.0 == "hanne").unwrap_or(0);
    let intake_dps = STAFF.iter().position(|s| s.0 == "arne").unwrap_or(1);

    // The register of agencies: the number that refer grows over time (C-Flex: 18 after six
    // months, 31 after three years).
    let mut agency_ids = Vec::new();
    for (kind, name) in AGENCIES {
        let id = Uuid::now_v7();
        stmts.push(Stmt::new(
            "INSERT INTO agencies (id, team_id, kind, name, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)",
            crate::args![id, team, *kind, *name, now],
        ));
        agency_ids.push((id, *kind));
    }

    let start = today - Duration::days(3 * 365);
    // Separate streams, so that tuning one part of the demo leaves the others as they are.
    let mut agency_rng = StdRng::seed_from_u64(0xa9e7_c1e5);
    let mut outcome_rng = StdRng::seed_from_u64(0x0dec_1510);
    let mut first_unused = 0usize;
    let n_referrals = 150usize;
    let mut person = 0usize;
    // The first person with a national id whose episode is still open: the
    // second team follows the same person in its own record.
    let mut shared: Option<(String, NationalId, i64)> = None;
    let mut demo_decisions: Vec<DemoDecision> = Vec::new();
    for i in 0..n_referrals {
        // Referrals grow over time (as at C-Flex): denser towards today.
        let frac = (i as f64 / (n_referrals - 1) as f64).powf(0.8);
        let jitter = rng.gen_range(0..6);
        let received_on = (start + Duration::days((frac * 1087.0) as i64 + jitter)).min(today);
        let received_at = received_on
            .and_hms_opt(9 + (i % 7) as u32, 15, 0)
            .unwrap_or_default()
            .and_utc();
        let pool = (6.0 + 26.0 * (i as f64 / n_referrals as f64).powf(0.3)).round() as usize;
        let (agency, kind) = if i % 11 == 5 {
            (
                None,
                if i % 2 == 0 {
                    "relative"
                } else {
                    "self_referral"
                },
            )
        } else {
            // An agency that has just come into the pool refers at once; otherwise any known one.
            let pick = if first_unused < pool.min(agency_ids.len()) {
                first_unused += 1;
                first_unused - 1
            } else {
                agency_rng.gen_range(0..pool.min(agency_ids.len()))
            };
            let (id, kind) = agency_ids[pick];
            (Some(id), kind)
        };
        let year = 1966 + rng.gen_range(0..38);
        let birth = NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), rng.gen_range(1..=28))
            .unwrap_or(today);
        let referrer_first = FIRST[(i * 3 + 1) % FIRST.len()];
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[(i * 7 + 3) % LAST.len()]
        );
        let nid = (i % 4 != 3).then(|| NationalId::synthetic(birth, (i % 300) as u32));
        let phone =
            (i % 5 != 4).then(|| format!("+479{:07}", 1_000_000 + rng.gen_range(0..8_999_999)));
        let pending = i + 8 >= n_referrals;
        let status = if !pending {
            "decided"
        } else if i % 2 == 0 {
            "new"
        } else {
            "under_assessment"
        };
        let referral = Uuid::now_v7();
        stmts.push(Stmt::new(
            "INSERT INTO referrals (id, team_id, receipt_number, received_at, received_on, channel, referrer_name, referrer_role, \
             referrer_phone, agency_id, agency_kind, person_name, person_national_id, person_birth_year, person_phone, \
             person_whereabouts, reason, housing_situation, substance_use, mental_health, person_knows, person_agrees, urgency, \
             status, status_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $4)",
            crate::args![
                referral,
                team,
                format!("H-{}-DEMO-{:04}", received_on.year(), i),
                received_at,
                received_on,
                ["web_form", "phone", "open_hour", "meeting"][i % 4],
                if kind == "self_referral" {
                    name.clone()
                } else {
                    format!("{referrer_first} {}", LAST[(i * 5) % LAST.len()])
                },
                referrer_role(kind, referrer_first, i),
                format!("+479{:07}", 2_000_000 + i),
                agency,
                kind,
                name.clone(),
                nid.as_ref().map(|n| n.as_str().to_string()),
                i64::from(year),
                phone.clone(),
                WHEREABOUTS[i % WHEREABOUTS.len()],
                REASONS[i % REASONS.len()],
                HOUSING[i % HOUSING.len()],
                "Daglig bruk av alkohol og benzodiazepiner.",
                "Angst og periodevis psykotiske symptomer; ikke fast behandler.",
                if i % 9 == 0 { "no" } else { "yes" },
                if i % 9 == 0 { "unknown" } else { "yes" },
                if i % 10 == 0 { "urgent" } else { "normal" },
                status
            ],
        ));
        if pending {
            continue;
        }
        let decided_on = (received_on + Duration::days(rng.gen_range(2..28))).min(today);
        let roll = outcome_rng.gen_range(0..100);
        // Diagnosis is no intake criterion in this team (C-Flex), so nothing goes to FACT.
        let outcome = match roll {
            0..=26 => "accepted",
            27..=54 => "routed_other",
            55..=76 => "guidance",
            _ => "declined",
        };
        let level = (outcome == "accepted").then(|| [1i64, 1, 1, 2, 2, 2][i % 6]);
        let decision = Uuid::now_v7();
        let in_tg = rng.gen_range(0..1000) < 916;
        stmts.push(Stmt::new(
            "INSERT INTO intake_decisions (id, referral_id, decided_on, decided_at, outcome, level, reasons, severe_mental_illness, \
             substance_use, weak_connection, housing_problem, in_target_group, recorded_by, owner_org_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            crate::args![
                decision,
                referral,
                decided_on,
                decided_on.and_hms_opt(13, 0, 0).unwrap_or_default().and_utc(),
                outcome,
                level,
                decision_reason(outcome, level),
                in_tg,
                in_tg || i % 3 == 0,
                in_tg,
                i % 2 == 0,
                in_tg,
                staff[intake_muni].0,
                orgs[0].0
            ],
        ));
        demo_decisions.push(DemoDecision {
            decision,
            referral,
            outcome,
            in_tg,
            decided_on,
            i,
            client: None,
        });
        stmts.push(Stmt::new(
            "UPDATE referrals SET status_changed_at = $2 WHERE id = $1",
            crate::args![
                referral,
                decided_on
                    .and_hms_opt(13, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
            ],
        ));
        for p in [intake_muni, intake_dps] {
            stmts.push(Stmt::new(
                "INSERT INTO intake_participants (decision_id, staff_id, side) VALUES ($1, $2, $3)",
                crate::args![
                    decision,
                    staff[p].0,
                    if STAFF[p].3 == 1 {
                        "specialist"
                    } else {
                        "municipal"
                    }
                ],
            ));
        }
        let Some(level) = level else { continue };
        // Accepted: a client, an episode at the level, a coordinator pair with access.
        let client = Uuid::now_v7();
        let (mc, sc) = (muni[person % muni.len()], dps[(person / 2) % dps.len()]);
        stmts.push(Stmt::new(
            "INSERT INTO clients (id, team_id, name, name_search, national_id, national_id_kind, birth_year, phone, municipality, \
             owner_org_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            crate::args![
                client,
                team,
                name.clone(),
                name.to_lowercase(),
                nid.as_ref().map(|n| n.as_str().to_string()),
                nid.as_ref().map(|n| n.kind().code().to_string()),
                i64::from(year),
                phone,
                MUNICIPALITIES[i % MUNICIPALITIES.len()],
                orgs[0].0,
                staff[intake_muni].0,
                now
            ],
        ));
        stmts.push(Stmt::new(
            "UPDATE referrals SET client_id = $2 WHERE id = $1",
            crate::args![referral, client],
        ));
        // Episodes older than eighteen months are often closed.
        let closed_on = (decided_on < today - Duration::days(540) && person % 3 != 0).then(|| {
            (decided_on + Duration::days(rng.gen_range(120..500))).min(today - Duration::days(1))
        });
        if let (None, None, Some(n)) = (&shared, closed_on, &nid) {
            shared = Some((name.clone(), n.clone(), i64::from(year)));
        }
        let episode = Uuid::now_v7();
        if let Some(d) = demo_decisions.last_mut() {
            d.client = Some((client, episode));
        }
        stmts.push(Stmt::new(
            "INSERT INTO episodes (id, client_id, team_id, referral_id, included_on, closed_on, close_reason, created_by, owner_org_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            crate::args![
                episode,
                client,
                team,
                referral,
                decided_on,
                closed_on,
                closed_on.map(|_| CLOSE_REASONS[person % CLOSE_REASONS.len()]),
                staff[intake_muni].0,
                orgs[0].0,
                now
            ],
        ));
        let mut level_row = |lvl: i64, from: NaiveDate, reason: &str| {
            stmts.push(Stmt::new(
                "INSERT INTO episode_levels (id, episode_id, level, from_date, reason, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                crate::args![Uuid::now_v7(), episode, lvl, from, reason, staff[mc].0, from.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()],
            ));
        };
        level_row(level, decided_on, "Inntak");
        if level == 1
            && person % 4 == 1
            && closed_on.is_none()
            && decided_on < today - Duration::days(200)
        {
            level_row(
                2,
                decided_on + Duration::days(180),
                "Etablert i DPS; teamet går skulder ved skulder",
            );
        }
        if person % 5 == 0 && closed_on.is_none() && decided_on < today - Duration::days(60) {
            level_row(level, decided_on + Duration::days(30), HEALTH_LEVEL_REASON);
        }
        let ended = closed_on.map(|c| c.and_hms_opt(15, 0, 0).unwrap_or_default().and_utc());
        let mut member = |holder: usize, role: &str, reason: &str| {
            let rel = Uuid::now_v7();
            stmts.push(Stmt::new(
                "INSERT INTO care_relationships (id, client_id, staff_id, valid_from, valid_to, reason, owner_org_id, created_by, created_at, ended_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                crate::args![rel, client, staff[holder].0, decided_on, closed_on, reason, orgs[staff[holder].1].0, staff[intake_muni].0, now, ended],
            ));
            stmts.push(Stmt::new(
                "INSERT INTO episode_members (id, episode_id, staff_id, role, care_relationship_id, from_date, left_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                crate::args![Uuid::now_v7(), episode, staff[holder].0, role, rel, decided_on, ended],
            ));
        };
        member(mc, "municipal_coordinator", "Kommunal koordinator (forløp)");
        member(
            sc,
            "specialist_coordinator",
            "Spesialistkoordinator (forløp)",
        );
        if person % 3 == 0 && mc != 0 {
            member(0, "member", "Teamleder følger opp (forløp)");
        }
        if person % 5 == 0 {
            member(nav, "member", "NAV-kontakt i teamet (forløp)");
        }
        if person % 6 == 1 {
            member(peer, "member", "Erfaringskonsulent i teamet (forløp)");
        }
        if closed_on.is_none() {
            for (k, (kind, rg_name, role, consent)) in RG.iter().enumerate() {
                if (person + k) % 3 == 0 {
                    stmts.push(Stmt::new(
                        "INSERT INTO responsibility_group_members (id, episode_id, kind, name, role, organisation, phone, consent_recorded, added_by, added_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                        crate::args![
                            Uuid::now_v7(),
                            episode,
                            *kind,
                            *rg_name,
                            *role,
                            (*kind != "relative").then_some("Fjordby"),
                            format!("+479{:07}", 3_000_000 + person * 10 + k),
                            *consent,
                            staff[mc].0,
                            now
                        ],
                    ));
                }
            }
            for k in 0..(2 + person % 3) {
                let author = if k % 2 == 0 { mc } else { sc };
                let span = (today - decided_on).num_days().max(2);
                let at = now - Duration::days(rng.gen_range(1..span));
                stmts.push(Stmt::new(
                    "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, body) VALUES ($1, $2, $3, $4, $5, $6)",
                    crate::args![Uuid::now_v7(), client, staff[author].0, orgs[staff[author].1].0, at, NOTES[(person + k) % NOTES.len()]],
                ));
            }
            if person % 5 == 0 {
                // The NAV officer in the care team documents within the NAV remit.
                stmts.push(Stmt::new(
                    "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, kind, topic, body) \
                     VALUES ($1, $2, $3, $4, $5, 'social', 'finances', $6)",
                    crate::args![Uuid::now_v7(), client, staff[nav].0, orgs[staff[nav].1].0, now - Duration::days(2), SOCIAL_NOTE],
                ));
            }
        }
        person += 1;
    }
    push_levels(&mut stmts, team, staff[intake_dps].0, orgs[1].0, today, now);
    stmts.extend(target_group_demo(
        team,
        &demo_decisions,
        staff[intake_muni].0,
        orgs[0].0,
        today,
    ));
    let team_2 = second_team(
        &mut stmts,
        &hash,
        (orgs[1].0, orgs[2].0),
        shared,
        today,
        now,
    );
    answers_and_situations(&mut stmts);
    assessment_demo(&mut stmts, team_2, today, now);
    nordvik_decisions(&mut stmts, team_2, today);
    let mut audit = AuditDraft::new("demo.seed", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = format!("team:{team},team:{team_2}");
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    openhour::seed(app, team, team_2, today, now).await?;
    contacts::seed(app, now).await?;
    appointments::seed(app, today, now).await?;
    board::seed(app).await?;
    measures::seed(app, today, now).await?;
    plans::seed(app).await?;
    registry::seed(app, today, now).await?;
    cflex::seed(app, today, now).await?;
    learning::seed(app).await?;
    tandem::seed(app, today).await?;
    Ok(true)
}

/// Level 2 and 3 as the teams describe them (issue 8): every level-2 course names the ordinary
/// service that keeps the responsibility and the competence the team adds; every `guidance`
/// decision has its guidance case (the referrer asked, the decision's reasons are the advice);
/// and a handful of guidance cases came straight from partners (phone, open hour), with no name
/// or national id of the person.
fn push_levels(
    stmts: &mut Vec<Stmt>,
    team: Uuid,
    intake_staff: Uuid,
    intake_org: Uuid,
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
) {
    // Level 2 from the start: the municipal service keeps the person; the team brings in the
    // DPS psychologist or psychiatrist.
    stmts.push(Stmt::new(
        "UPDATE episode_levels SET ordinary_service = 'Psykisk helse og rus, Fjordby kommune', \
         ordinary_contact_name = 'Kari Nordmo', ordinary_contact_phone = '+4791234001', \
         competence = 'specialist_to_municipality', \
         competence_note = 'Psykolog fra teamet deltar i ansvarsgruppen og veileder om angst og rus.' \
         WHERE level = 2 AND ordinary_service IS NULL \
         AND episode_id IN (SELECT id FROM episodes WHERE team_id = $1)",
        crate::args![team],
    ));
    // Moved to level 2 after being established at the DPS: the DPS keeps the person; the team
    // brings in the municipal resources.
    stmts.push(Stmt::new(
        "UPDATE episode_levels SET ordinary_service = 'Fjordby DPS, poliklinikk', \
         ordinary_contact_name = 'Jonas Eide', ordinary_contact_phone = '+4791234002', \
         competence = 'municipal_to_specialist', \
         competence_note = 'Boligkontakt og NAV-veileder fra teamet møter sammen med behandleren.' \
         WHERE level = 2 AND reason = 'Etablert i DPS; teamet går skulder ved skulder' \
         AND episode_id IN (SELECT id FROM episodes WHERE team_id = $1)",
        crate::args![team],
    ));
    // Each `guidance` decision made a guidance case (it takes the decision's id, as the
    // migration does for older decisions).
    stmts.push(Stmt::new(
        "INSERT INTO guidance_cases (id, team_id, referral_id, asked_on, channel, asker_name, asker_role, \
         asker_organisation, agency_kind, asker_phone, asker_email, question, advice, status, created_by, \
         owner_org_id, created_at, updated_by, updated_at) \
         SELECT d.id, r.team_id, r.id, r.received_on, 'referral', r.referrer_name, r.referrer_role, \
         (SELECT a.name FROM agencies a WHERE a.id = r.agency_id), r.agency_kind, r.referrer_phone, \
         r.referrer_email, r.reason, d.reasons, 'closed', d.recorded_by, d.owner_org_id, d.decided_at, \
         d.recorded_by, d.decided_at FROM intake_decisions d JOIN referrals r ON r.id = d.referral_id \
         WHERE d.outcome = 'guidance' AND r.team_id = $1",
        crate::args![team],
    ));
    // Partners who asked directly: no name or national id of the person.
    // (days ago, channel, asker, role, organisation, agency kind, question, advice,
    // follow-up in days, status)
    type Direct<'a> = (
        i64,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Option<i64>,
        &'a str,
    );
    let direct: [Direct; 5] = [
        (
            2,
            "open_hour",
            "Siri Haugen",
            "fastlege",
            "Fjordby legesenter",
            "gp",
            "Mann i 40-årene med alkoholavhengighet som ikke møter til timer. Hvordan få til \
             kontakt uten at han faller ut av fastlegeordningen?",
            "Avtal korte, faste timer samme ukedag; ring dagen før. Teamet kan bli med på første \
             time hvis han samtykker til henvisning senere.",
            Some(28),
            "open",
        ),
        (
            9,
            "phone",
            "Ole Brekke",
            "saksbehandler",
            "NAV Fjordby",
            "nav",
            "Bruker av sosialhjelp med tydelig psykoseproblematikk avslår alle møter på kontoret. \
             Kan NAV møte ham hjemme, og hvem bør varsles?",
            "Hjemmebesøk sammen med kommunens psykisk helse-tjeneste; ved fare for liv eller helse \
             kontakt legevakt. Vurder å henvise til teamet med samtykke.",
            Some(21),
            "open",
        ),
        (
            23,
            "open_hour",
            "Heidi Lunde",
            "miljøterapeut",
            "Boligkontoret, Fjordby kommune",
            "housing_office",
            "Leietaker i kommunal bolig med rusbruk og gjentatte klager fra naboer; utkastelse er \
             varslet. Hva kan gjøres før saken går videre?",
            "Møte med leietaker, boligkontoret og rustjenesten før neste frist; avtal tett \
             oppfølging i boligen og en betalingsplan. Teamet kan delta på møtet.",
            None,
            "closed",
        ),
        (
            41,
            "phone",
            "Tor Aasen",
            "politibetjent",
            "Fjordby politistasjon",
            "police",
            "Kvinne som ofte sees ved stasjonen om morgenen, virker forvirret og underernært. \
             Hvem i hjelpeapparatet bør kontaktes?",
            "Ring legevakt ved akutt bekymring; ellers kan kommunens oppsøkende tjeneste kontaktes. \
             En henvisning til teamet krever ikke diagnose.",
            None,
            "closed",
        ),
        (
            64,
            "meeting",
            "Nina Solberg",
            "sykepleier",
            "Fjordby DPS, døgnenhet",
            "dps",
            "Pasient skal skrives ut om kort tid uten bolig og med rusbruk. Hvordan sikre \
             oppfølging i kommunen fra første dag?",
            "Innkall til utskrivningsmøte med kommunen, NAV og boligkontoret; avtal hvem som tar \
             imot. Individuell plan og ansvarsgruppe bør tilbys.",
            Some(7),
            "open",
        ),
    ];
    for (days_ago, channel, name, role, org, kind, question, advice, follow, status) in direct {
        let asked_on = today - chrono::Duration::days(days_ago);
        let at = asked_on
            .and_hms_opt(11, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .min(now);
        stmts.push(Stmt::new(
            "INSERT INTO guidance_cases (id, team_id, asked_on, channel, asker_name, asker_role, asker_organisation, \
             agency_kind, question, advice, follow_up_on, status, created_by, owner_org_id, created_at, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $13, $15)",
            crate::args![
                Uuid::now_v7(),
                team,
                asked_on,
                channel,
                name,
                role,
                org,
                kind,
                question,
                advice,
                follow.map(|d| asked_on + chrono::Duration::days(d)),
                status,
                intake_staff,
                intake_org,
                at
            ],
        ));
    }
}

/// The demo teams' contact details, printed in the answers to referrals.
fn demo_contact(team: usize) -> crate::orgs::TeamContact {
    let (phone, email, address, hours) = [
        (
            "55 10 20 30",
            "samhandlingsteamet@fjordby.kommune.no",
            "Strandgata 12, 5003 Fjordby",
            "Mandag–fredag 08.00–15.30",
        ),
        (
            "77 40 50 60",
            "uteteamet@nordvik.kommune.no",
            "Postboks 100, 8001 Nordvik",
            "Mandag–fredag 08.00–15.00, åpen time onsdag 12–14",
        ),
    ][team.min(1)];
    crate::orgs::TeamContact {
        phone: Some(phone.into()),
        email: Some(email.into()),
        address: Some(address.into()),
        visiting_hours: Some(hours.into()),
    }
}

/// How to find and reach each accepted person, carried over from the referral as an
/// acceptance does; and the person's consent to inform the referrer recorded on the
/// accepted decisions where the person knew of and agreed to the referral.
fn answers_and_situations(stmts: &mut Vec<Stmt>) {
    stmts.push(Stmt::new(
        "INSERT INTO client_situation (client_id, whereabouts, housing_situation, referrer_contact, referral_reason, \
         current_helpers, updated_at, updated_by) \
         SELECT e.client_id, r.person_whereabouts, r.housing_situation, \
         r.referrer_name || COALESCE(', ' || r.referrer_role, '') || COALESCE(', ' || r.referrer_phone, ''), \
         r.reason, r.current_services, d.decided_at, d.recorded_by \
         FROM episodes e JOIN referrals r ON r.id = e.referral_id JOIN intake_decisions d ON d.referral_id = r.id WHERE 1 = 1 \
         ON CONFLICT (client_id) DO NOTHING",
        vec![],
    ));
    stmts.push(Stmt::new(
        "UPDATE intake_decisions SET referrer_consent_at = decided_at, referrer_consent_by = recorded_by \
         WHERE outcome = 'accepted' AND referral_id IN \
         (SELECT id FROM referrals WHERE person_knows = 'yes' AND person_agrees = 'yes')",
        vec![],
    ));
}

/// The second team: Tandem-like (psychosis routed to FACT, diagnosis is an
/// intake criterion, two from each side decide) with the `team_on_duty` read
/// policy, so every health-personnel member opens the records of the team's
/// open episodes. Its own municipality, the first team's DPS and NAV as
/// employers; a few clients, one of them a person the first team also
/// follows, in a record of this team's own.
fn second_team(
    stmts: &mut Vec<Stmt>,
    hash: &str,
    (dps, nav): (Uuid, Uuid),
    shared: Option<(String, NationalId, i64)>,
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> Uuid {
    let muni = Uuid::now_v7();
    stmts.push(Stmt::new(
        "INSERT INTO organisations (id, name, kind, org_number, created_at) VALUES ($1, $2, $3, $4, $5)",
        crate::args![muni, "Nordvik kommune", "municipality", org_number(93_100_001), now],
    ));
    let team = Uuid::now_v7();
    let policy = TeamPolicy {
        caseload_per_full_position: Some(5),
        intake_min_participants_per_side: Some(2),
        route_psychosis_to_fact: true,
        diagnosis_is_intake_criterion: true,
        read_policy: benk_domain::ReadPolicy::TeamOnDuty,
        contact: demo_contact(1),
        intake_meeting: Some(TUESDAY_ONE),
        target_group: benk_domain::TargetGroupCriteria::tandem(),
        started_on: Some(today - Duration::days(240)),
        ..TeamPolicy::default()
    };
    stmts.push(Stmt::new(
        "INSERT INTO teams (id, name, policy, created_at) VALUES ($1, $2, $3, $4)",
        crate::args![
            team,
            DEMO_TEAM_2,
            serde_json::to_string(&policy).unwrap_or_default(),
            now
        ],
    ));
    for o in [muni, dps] {
        stmts.push(Stmt::new(
            "INSERT INTO team_owners (team_id, organisation_id) VALUES ($1, $2)",
            crate::args![team, o],
        ));
    }
    let employers = [muni, dps, nav];
    let mut staff = Vec::new();
    for (i, row) in STAFF_2.iter().enumerate() {
        let id = push_staff(
            stmts,
            row,
            employers[row.3],
            team,
            9_200_000 + i * 137,
            hash,
            now,
        );
        staff.push((id, employers[row.3]));
    }
    let by = |u: &str| staff[STAFF_2.iter().position(|s| s.0 == u).unwrap_or(0)];
    // The social worker on the intake team is employed in the municipality's
    // mental health service to give care (hpl § 3 first paragraph no. 2), as
    // Nordvik's administrator recorded it: health personnel, so he may record
    // the intake decision.
    for (user, reason) in CARE_EMPLOYMENT_2 {
        push_care_employment(stmts, by(user).0, reason, by("rune").0, now);
    }
    let mut people: Vec<(String, Option<NationalId>, i64)> = vec![
        (
            "Tobias Vang".into(),
            Some(NationalId::synthetic(
                NaiveDate::from_ymd_opt(1979, 3, 14).unwrap_or(today),
                401,
            )),
            1979,
        ),
        (
            "Marit Sæther".into(),
            Some(NationalId::synthetic(
                NaiveDate::from_ymd_opt(1991, 10, 2).unwrap_or(today),
                402,
            )),
            1991,
        ),
        ("Ukjent (Værestedet)".into(), None, 1985),
    ];
    if let Some((name, nid, year)) = shared {
        people.insert(0, (name, Some(nid), year));
    }
    let pairs = [("anne", "liv"), ("tor", "knut")];
    for (k, (name, nid, year)) in people.into_iter().enumerate() {
        let client = Uuid::now_v7();
        let included = today - Duration::days(30 + 40 * k as i64);
        let (mc, sc) = pairs[k % pairs.len()];
        stmts.push(Stmt::new(
            "INSERT INTO clients (id, team_id, name, name_search, national_id, national_id_kind, birth_year, phone, municipality, \
             owner_org_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11, $11)",
            crate::args![
                client,
                team,
                name.clone(),
                name.to_lowercase(),
                nid.as_ref().map(|n| n.as_str().to_string()),
                nid.as_ref().map(|n| n.kind().code().to_string()),
                year,
                "Nordvik",
                muni,
                by("tor").0,
                now
            ],
        ));
        let episode = Uuid::now_v7();
        stmts.push(Stmt::new(
            "INSERT INTO episodes (id, client_id, team_id, included_on, created_by, owner_org_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            crate::args![episode, client, team, included, by("tor").0, muni, now],
        ));
        stmts.push(Stmt::new(
            "INSERT INTO episode_levels (id, episode_id, level, from_date, reason, set_by, set_at) VALUES ($1, $2, $3, $4, 'Inntak', $5, $6)",
            crate::args![Uuid::now_v7(), episode, [3i64, 2, 3, 1][k % 4], included, by("tor").0, now],
        ));
        for (who, role, reason) in [
            (mc, "municipal_coordinator", "Kommunal koordinator (forløp)"),
            (
                sc,
                "specialist_coordinator",
                "Spesialistkoordinator (forløp)",
            ),
        ] {
            let (sid, org) = by(who);
            let rel = Uuid::now_v7();
            stmts.push(Stmt::new(
                "INSERT INTO care_relationships (id, client_id, staff_id, valid_from, reason, owner_org_id, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                crate::args![rel, client, sid, included, reason, org, by("tor").0, now],
            ));
            stmts.push(Stmt::new(
                "INSERT INTO episode_members (id, episode_id, staff_id, role, care_relationship_id, from_date) VALUES ($1, $2, $3, $4, $5, $6)",
                crate::args![Uuid::now_v7(), episode, sid, role, rel, included],
            ));
        }
        for j in 0..2 {
            let (author, org) = by(if j == 0 { mc } else { sc });
            stmts.push(Stmt::new(
                "INSERT INTO record_entries (id, client_id, author_id, owner_org_id, written_at, body) VALUES ($1, $2, $3, $4, $5, $6)",
                crate::args![
                    Uuid::now_v7(),
                    client,
                    author,
                    org,
                    now - Duration::days(1 + (k + j) as i64),
                    NOTES_2[(k + j) % NOTES_2.len()]
                ],
            ));
        }
    }
    team
}

// --- Issue 8, intake while the referral is assessed (i8-assess) ---

/// C-Flex's open hour and team meeting: Thursdays at 09:00 (`001`/`003`).
const THURSDAY_NINE: benk_domain::IntakeMeeting = benk_domain::IntakeMeeting {
    weekday: chrono::Weekday::Thu,
    time: match chrono::NaiveTime::from_hms_opt(9, 0, 0) {
        Some(t) => t,
        None => chrono::NaiveTime::MIN,
    },
};

/// The Nordvik team's weekly intake meeting (the seed gives Tandem no weekday; a choice).
const TUESDAY_ONE: benk_domain::IntakeMeeting = benk_domain::IntakeMeeting {
    weekday: chrono::Weekday::Tue,
    time: match chrono::NaiveTime::from_hms_opt(13, 0, 0) {
        Some(t) => t,
        None => chrono::NaiveTime::MIN,
    },
};

/// The organisations' sides, and in the Nordvik team (Tandem-like, psychosis routed to FACT)
/// two referrals from the public form under assessment with diagnoses and a note added by the
/// intake psychologist (one suggests FACT, one does not, one is past its deadline), and a new
/// referral of a person the team already follows.
fn assessment_demo(stmts: &mut Vec<Stmt>, team_2: Uuid, today: NaiveDate, now: DateTime<Utc>) {
    stmts.push(Stmt::new(
        "UPDATE organisations SET side = 'specialist' WHERE kind = 'hospital_trust'",
        vec![],
    ));
    stmts.push(Stmt::new(
        "UPDATE organisations SET side = 'nav_state' WHERE kind = 'nav'",
        vec![],
    ));
    let marit = NationalId::synthetic(NaiveDate::from_ymd_opt(1991, 10, 2).unwrap_or(today), 402);
    // Name, national id, birth year, received days ago, status, reason, codes, note.
    type Row<'a> = (
        &'a str,
        Option<String>,
        i64,
        i64,
        &'a str,
        &'a str,
        &'a [&'a str],
        Option<&'a str>,
    );
    let rows: [Row; 3] = [
        (
            "Eirik Holm",
            None,
            1988,
            20,
            "under_assessment",
            "Bor i bil ved havna. Hører stemmer, redd for naboene, har sluttet å spise.",
            &["F20.0", "F10.2"],
            Some("Samtale med fastlegen: kjent schizofreni fra 2015, ute av behandling i to år. Ruser seg daglig på alkohol."),
        ),
        (
            "Sunniva Lie",
            None,
            1996,
            4,
            "under_assessment",
            "Har mistet leiligheten, sover hos venner. Drikker mye og er ofte deprimert.",
            &["F10.2", "F32.2"],
            Some("Ingen psykotiske symptomer i samtalen. Alvorlig depressiv episode og alkoholavhengighet."),
        ),
        (
            "Marit Sæther",
            Some(marit.as_str().to_string()),
            1991,
            1,
            "new",
            "Ny henvisning fra legevakten etter at hun ble funnet ute om natta.",
            &[],
            None,
        ),
    ];
    for (k, (name, nid, year, days_ago, status, reason, codes, note)) in rows.iter().enumerate() {
        let id = Uuid::now_v7();
        let received_on = today - Duration::days(*days_ago);
        let received_at = received_on
            .and_hms_opt(10, 0, 0)
            .unwrap_or_default()
            .and_utc();
        stmts.push(Stmt::new(
            "INSERT INTO referrals (id, team_id, receipt_number, received_at, received_on, channel, referrer_name, referrer_role, \
             agency_kind, person_name, person_national_id, person_birth_year, reason, person_knows, person_agrees, urgency, \
             status, status_changed_at) \
             VALUES ($1, $2, $3, $4, $5, 'web_form', $6, $7, $8, $9, $10, $11, $12, 'yes', 'yes', 'normal', $13, $4)",
            crate::args![
                id,
                team_2,
                format!("H-{}-NORD-{:04}", received_on.year(), k + 1),
                received_at,
                received_on,
                ["Hanne Holm", "Kari Lie", "Vakthavende lege"][k],
                ["søster", "mor", "lege på legevakten"][k],
                ["relative", "relative", "emergency_clinic"][k],
                *name,
                nid.clone(),
                *year,
                *reason,
                *status
            ],
        ));
        let by_knut = "INSERT INTO referral_diagnoses (referral_id, code, added_by, added_at) \
             VALUES ($1, $2, (SELECT staff_id FROM identities WHERE provider = 'local' AND subject = 'knut'), $3)";
        for code in codes.iter() {
            stmts.push(Stmt::new(by_knut, crate::args![id, *code, now]));
        }
        if let Some(text) = note {
            stmts.push(Stmt::new(
                "INSERT INTO referral_assessment_notes (id, referral_id, text, author_id, owner_org_id, created_at) \
                 SELECT $1, $2, $3, s.id, s.home_org_id, $4 FROM staff s JOIN identities i ON i.staff_id = s.id \
                 WHERE i.provider = 'local' AND i.subject = 'knut'",
                crate::args![Uuid::now_v7(), id, *text, now],
            ));
        }
    }
}

/// Two decided referrals in the Nordvik team, decided by its policy (Tandem: psychosis goes to
/// the FACT team; two from each side decide): a psychosis routed to FACT, and a substance use
/// disorder routed to specialised substance treatment.
fn nordvik_decisions(stmts: &mut Vec<Stmt>, team_2: Uuid, today: NaiveDate) {
    // Name, birth year, received days ago, referrer, role, kind, reason, code, outcome, routed to.
    let rows = [
        (
            "Jonas Vik",
            1985,
            70,
            "Ingvild Sande",
            "fastlege",
            "gp",
            "Trekker seg unna, har sluttet å gå ut. Mistenker at naboene overvåker ham.",
            "F20.0",
            "routed_fact",
            "FACT-teamet Nordvik",
        ),
        (
            "Ruth Aas",
            1979,
            50,
            "Morten Lie",
            "veileder",
            "nav",
            "Daglig alkoholbruk, møter ikke til avtaler. Ønsker selv behandling for rusen.",
            "F10.2",
            "routed_other",
            "Rusbehandling Helse Fjord (TSB)",
        ),
    ];
    for (k, (name, year, days_ago, referrer, role, kind, reason, code, outcome, routed_to)) in
        rows.into_iter().enumerate()
    {
        let referral = Uuid::now_v7();
        let received_on = today - Duration::days(days_ago);
        let decided_on = received_on + Duration::days(8);
        let at = |d: NaiveDate| d.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        stmts.push(Stmt::new(
            "INSERT INTO referrals (id, team_id, receipt_number, received_at, received_on, channel, referrer_name, referrer_role, \
             agency_kind, person_name, person_birth_year, reason, person_knows, person_agrees, urgency, status, \
             status_changed_at) \
             VALUES ($1, $2, $3, $4, $5, 'phone', $6, $7, $8, $9, $10, $11, 'yes', 'yes', 'normal', 'decided', $12)",
            crate::args![
                referral,
                team_2,
                format!("H-{}-NORD-{:04}", received_on.year(), k + 10),
                at(received_on),
                received_on,
                referrer,
                role,
                kind,
                name,
                i64::from(year),
                reason,
                at(decided_on)
            ],
        ));
        stmts.push(Stmt::new(
            "INSERT INTO referral_diagnoses (referral_id, code, added_by, added_at) VALUES ($1, $2, \
             (SELECT staff_id FROM identities WHERE provider = 'local' AND subject = 'knut'), $3)",
            crate::args![referral, code, at(received_on + Duration::days(3))],
        ));
        let decision = Uuid::now_v7();
        stmts.push(Stmt::new(
            "INSERT INTO intake_decisions (id, referral_id, decided_on, decided_at, outcome, reasons, \
             severe_mental_illness, substance_use, weak_connection, housing_problem, in_target_group, \
             suggested_outcome, recorded_by, owner_org_id, routed_to) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, TRUE, FALSE, FALSE, $9, s.id, s.home_org_id, $10 \
             FROM staff s JOIN identities i ON i.staff_id = s.id WHERE i.provider = 'local' AND i.subject = 'tor'",
            crate::args![
                decision,
                referral,
                decided_on,
                at(decided_on),
                outcome,
                decision_reason(outcome, None),
                outcome == "routed_fact",
                outcome == "routed_other",
                (outcome == "routed_fact").then_some("routed_fact"),
                routed_to
            ],
        ));
        for (who, side) in [
            ("tor", "municipal"),
            ("siri", "municipal"),
            ("knut", "specialist"),
            ("liv", "specialist"),
        ] {
            stmts.push(Stmt::new(
                "INSERT INTO intake_participants (decision_id, staff_id, side) VALUES ($1, \
                 (SELECT staff_id FROM identities WHERE provider = 'local' AND subject = $3), $2)",
                crate::args![decision, side, who],
            ));
        }
    }
}

// --- end i8-assess ---

const NOTES_2: &[&str] = &[
    "Kveldsvakt: oppsøkt hjemme etter bekymringsmelding fra nabo. Rolig, avtalt besøk i morgen.",
    "Dagvakt: fulgt til NAV-møte. Søknad om økonomisk sosialhjelp levert.",
    "Vaktskifte: overlevert til kveldsvakten at medisinene hentes på apoteket i dag.",
    "Samtale om rusbruk og søvn. Ønsker å prøve et fast døgnrytme-opplegg.",
];

/// The demo logins, for printing.
pub fn logins() -> Vec<DemoLogin> {
    STAFF
        .iter()
        .chain(STAFF_2)
        .map(|s| DemoLogin {
            username: s.0,
            description: s.6,
        })
        .collect()
}
