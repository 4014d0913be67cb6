//! Demo data for issue 10's learning log: in both demo teams, the responsibility groups that
//! have met (the demo's plans) get learning-log entries as SPoR writes them: an adverse event in
//! the cooperation, its causes, a decision, and for most an evaluation with what was learned and
//! the success factors tagged (one entry re-evaluated, so its history shows; the newest entry of
//! each group not evaluated yet). Fjordby has one success factor of its own. Deterministic; runs
//! after the plans, as its own write; skipped if any entry exists.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use benk_domain::default_group_label;

use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::AppResult;
use crate::store::learning as st;
use crate::App;

/// (event, causes, decision)
const ENTRIES: &[(&str, &str, &str)] = &[
    (
        "Ble skrevet ut fra DPS på fredag uten at kommunen visste det; sto uten medisiner i helgen.",
        "Utskrivningen ble avtalt muntlig, og ingen hadde ansvar for å varsle kommunen. Fastlegen fikk epikrisen først etter en uke.",
        "Spesialistkoordinator varsler kommunal koordinator før hver utskrivning, og utskrivning avtales ikke på fredager.",
    ),
    (
        "Fire ulike hjelpere ringte samme uke om det samme; personen sluttet å ta telefonen.",
        "Ingen felles oversikt over hvem som hadde kontakt; alle ville hjelpe med boligsøknaden.",
        "Koordinatorparet er eneste kontakt om bolig; andre går via dem.",
    ),
    (
        "Husleia ble ikke betalt i tre måneder; varsel om utkastelse.",
        "NAV-vedtaket om direkte husleiebetaling falt bort ved fornyelse, og ingen fulgte med.",
        "Søke frivillig forvaltning av økonomien sammen med personen; NAV-veileder følger fornyelsen.",
    ),
    (
        "Ansvarsgruppemøtet ble avlyst to ganger fordi DPS ikke kunne møte.",
        "Møtene ble satt opp med kort varsel midt i poliklinikkens faste dager.",
        "Faste møtetidspunkt for et halvt år av gangen, avtalt i møtet.",
    ),
    (
        "Ny miljøterapeut kom på hjemmebesøk uten å være introdusert; personen låste døra.",
        "Vaktlista endret seg, og personen var ikke forberedt.",
        "Nye hjelpere introduseres av en hjelper personen kjenner, og det varsles dagen før.",
    ),
];

/// (result, how it went, what was learned, factors)
const EVALUATIONS: &[(&str, &str, &str, &[&str])] = &[
    (
        "yes",
        "To utskrivninger siden, begge varslet; medisinene var på plass.",
        "En tydelig koordinator på hver side gjør at beskjeder ikke faller mellom stolene.",
        &["clear_coordinator", "continuity"],
    ),
    (
        "partly",
        "Færre telefoner, men NAV ringte fortsatt direkte.",
        "Få hjelpere å forholde seg til gir ro; alle må vite om avtalen.",
        &["few_helpers"],
    ),
    (
        "yes",
        "Husleia betales, utkastelsen ble stanset.",
        "Forvaltet økonomi og jevnlig oppfølging i boligen henger sammen.",
        &["managed_finances", "housing_follow_up"],
    ),
    (
        "no",
        "Fortsatt avlysninger; DPS-legen byttet avdeling.",
        "Avtalen må ligge hos tjenesten, ikke hos én person.",
        &[],
    ),
];

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_else(Utc::now)
}

/// Groups that have met, in the order the demo's plans chose them: episode, person's
/// municipality, team name, the meeting's writer.
async fn groups(
    app: &App,
    team: &str,
) -> AppResult<Vec<(Uuid, Uuid, Option<String>, String, Uuid)>> {
    Ok(app
        .db
        .all(
            "SELECT e.id, e.team_id, c.municipality, t.name, \
             (SELECT m.created_by FROM rg_meetings m WHERE m.episode_id = e.id ORDER BY m.held_on, m.id LIMIT 1) AS writer \
             FROM episodes e JOIN clients c ON c.id = e.client_id JOIN teams t ON t.id = e.team_id \
             WHERE t.name = $1 AND EXISTS (SELECT 1 FROM rg_meetings m WHERE m.episode_id = e.id) \
             ORDER BY c.name, e.id",
            crate::args![team],
        )
        .await?)
}

/// Seeds the learning log (once).
pub(super) async fn seed(app: &App) -> AppResult<()> {
    if app
        .db
        .scalar_i64("SELECT COUNT(*) FROM learning_entries", vec![])
        .await?
        > 0
    {
        return Ok(());
    }
    let today = crate::time::oslo_today();
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut k = 0usize;
    for name in [super::DEMO_TEAM, super::DEMO_TEAM_2] {
        let gs = groups(app, name).await?;
        let mut own_factor: Option<String> = None;
        for (seq, (episode, team, municipality, team_name, by)) in gs.into_iter().enumerate() {
            let seq = seq as i64;
            if seq == 0 && name == super::DEMO_TEAM {
                let id = Uuid::now_v7();
                stmts.push(st::insert_factor(
                    id,
                    team,
                    "Faste møtetidspunkt",
                    by,
                    at(today - Duration::days(120), 9),
                ));
                own_factor = Some(id.to_string());
            }
            let label = default_group_label(
                u32::try_from(seq).unwrap_or(0),
                municipality.as_deref(),
                &team_name,
            );
            let client: Option<(Uuid,)> = app
                .db
                .opt(
                    "SELECT client_id FROM episodes WHERE id = $1",
                    crate::args![episode],
                )
                .await?;
            let Some((client,)) = client else { continue };
            stmts.push(st::insert_group(
                episode,
                team,
                seq,
                &label,
                by,
                at(today - Duration::days(150), 9),
            ));
            let n = 1 + (k % 3);
            for number in 1..=n {
                let (event, causes, decision) = ENTRIES[(k + number) % ENTRIES.len()];
                let id = Uuid::now_v7();
                let event_on = today - Duration::days(140 - (number as i64) * 30);
                stmts.push(st::insert_entry(&st::NewEntry {
                    id,
                    episode_id: episode,
                    client_id: client,
                    team_id: team,
                    number: number as i64,
                    event_on,
                    event,
                    causes,
                    decision,
                    by,
                    at: at(event_on + Duration::days(2), 10),
                }));
                // The newest entry of a group with several is not evaluated yet.
                if number == n && n > 1 {
                    continue;
                }
                let (result, text, learned, factors) =
                    EVALUATIONS[(k + number) % EVALUATIONS.len()];
                let mut supersedes = None;
                if number == 1 && k == 0 {
                    // Evaluated once too early, then again: both are kept.
                    let first = Uuid::now_v7();
                    let on = event_on + Duration::days(14);
                    stmts.push(st::insert_evaluation(&st::NewEvaluation {
                        id: first,
                        entry_id: id,
                        supersedes_id: None,
                        evaluated_on: on,
                        result: "not_yet",
                        text: Some("For tidlig å si; bare én utskrivning siden."),
                        learned: None,
                        by,
                        at: at(on, 11),
                    }));
                    supersedes = Some(first);
                }
                let ev = Uuid::now_v7();
                let on = event_on + Duration::days(28);
                stmts.push(st::insert_evaluation(&st::NewEvaluation {
                    id: ev,
                    entry_id: id,
                    supersedes_id: supersedes,
                    evaluated_on: on,
                    result,
                    text: Some(text),
                    learned: Some(learned),
                    by,
                    at: at(on, 12),
                }));
                for f in factors {
                    stmts.push(st::insert_tag(id, Some(ev), f));
                }
                if let (Some(f), true) = (&own_factor, result == "no") {
                    stmts.push(st::insert_tag(id, Some(ev), f));
                }
            }
            k += 1;
        }
    }
    if stmts.is_empty() {
        return Ok(());
    }
    let mut audit = AuditDraft::new("demo.seed_learning", Outcome::Allowed);
    audit.actor_name = Some("benk demo".into());
    audit.resources = "learning_groups,learning_entries,learning_evaluations".into();
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}
