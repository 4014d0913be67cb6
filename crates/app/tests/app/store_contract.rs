//! The store contract: every store does the same on SQLite and PostgreSQL.
//!
//! Each test writes through the writer with a store's statement builders,
//! reads back with the store's queries (on the read pool and inside a writer
//! command), and checks that the guarded updates and the schema's constraints
//! give the same `WriteError` on both backends.

use crate::common;

use benk_app::audit::{AuditDraft, Outcome};
use benk_app::db::writer::{Decision, Stmt, WriteError, WriteOp};
use benk_app::store::{self, care::NewCare, clients::ClientFields, clients::NewClient};
use benk_app::{testing, App};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

/// What the fixtures made: two teams, one organisation, one staff member in the first team.
struct Fx {
    org: Uuid,
    team: Uuid,
    other_team: Uuid,
    staff: Uuid,
}

/// A time both backends store exactly (whole microseconds).
fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 10, minute, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// The organisation, teams and staff the aggregates refer to (not moved to a store yet).
async fn fixtures(app: &App) -> Fx {
    let fx = Fx {
        org: Uuid::now_v7(),
        team: Uuid::now_v7(),
        other_team: Uuid::now_v7(),
        staff: Uuid::now_v7(),
    };
    let now = at(0);
    testing::writer(app)
        .write(WriteOp {
            stmts: vec![
                Stmt::new(
                    "INSERT INTO organisations (id, name, kind, org_number, created_at) VALUES ($1, 'Fjordby kommune', 'municipality', '910000001', $2)",
                    benk_app::args![fx.org, now],
                ),
                Stmt::new(
                    "INSERT INTO teams (id, name, created_at) VALUES ($1, 'Team A', $2), ($3, 'Team B', $2)",
                    benk_app::args![fx.team, now, fx.other_team],
                ),
                Stmt::new(
                    "INSERT INTO staff (id, name, profession, home_org_id, created_at) VALUES ($1, 'Siri Sykepleier', 'nurse', $2, $3)",
                    benk_app::args![fx.staff, fx.org, now],
                ),
                Stmt::new(
                    "INSERT INTO team_memberships (team_id, staff_id, role, fte) VALUES ($1, $2, 'worker', 100)",
                    benk_app::args![fx.team, fx.staff],
                ),
            ],
            audit: vec![AuditDraft::new("fixture", Outcome::Allowed)],
        })
        .await
        .expect("fixtures");
    fx
}

fn fields(name: &str, national_id: Option<&str>) -> ClientFields {
    ClientFields {
        name: name.into(),
        national_id: national_id.map(Into::into),
        national_id_kind: national_id.map(|_| "fodselsnummer".into()),
        birth_year: Some(1990),
        phone: Some("+4791234567".into()),
        municipality: Some("Fjordby".into()),
    }
}

fn new_client(fx: &Fx, team: Uuid, f: ClientFields) -> NewClient {
    NewClient {
        id: Uuid::now_v7(),
        team_id: team,
        fields: f,
        owner_org_id: fx.org,
        created_by: fx.staff,
        at: at(1),
    }
}

async fn write(app: &App, stmts: Vec<Stmt>) -> Result<(), WriteError> {
    testing::writer(app)
        .write(WriteOp {
            stmts,
            audit: vec![AuditDraft::new("contract", Outcome::Allowed)],
        })
        .await
}

async fn audit_rows(app: &App) -> i64 {
    testing::db(app)
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'contract'",
            vec![],
        )
        .await
        .unwrap()
}

// ---------------------------------------------------------------- clients

async fn client_is_read_back_as_written(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", Some("17912099997")));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();

    let got = store::clients::by_id(testing::db(&app), c.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.id, c.id);
    assert_eq!(got.team_id, fx.team);
    assert_eq!(got.name, "Ola Nordmann");
    assert_eq!(got.national_id.as_deref(), Some("17912099997"));
    assert_eq!(got.national_id_kind.as_deref(), Some("fodselsnummer"));
    assert_eq!(got.birth_year, Some(1990));
    assert_eq!(got.phone.as_deref(), Some("+4791234567"));
    assert_eq!(got.municipality.as_deref(), Some("Fjordby"));
    assert_eq!(got.owner_org_id, fx.org);
    assert_eq!((got.created_at, got.updated_at), (at(1), at(1)));
    assert!(store::clients::by_id(testing::db(&app), Uuid::now_v7())
        .await
        .unwrap()
        .is_none());

    // The national id is looked up in the team only.
    assert_eq!(
        store::clients::id_in_team(testing::db(&app), fx.team, "17912099997")
            .await
            .unwrap(),
        Some(c.id)
    );
    assert_eq!(
        store::clients::id_in_team(testing::db(&app), fx.other_team, "17912099997")
            .await
            .unwrap(),
        None
    );

    // The same query inside a writer command gives the same row.
    let id = c.id;
    let in_tx = testing::writer(&app)
        .command(move |tx| {
            Box::pin(async move {
                let value = store::clients::by_id(&mut *tx, id).await?;
                Ok(Decision::<_, ()>::Commit {
                    audit: vec![],
                    value,
                })
            })
        })
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(in_tx.name, got.name);
    assert_eq!(in_tx.created_at, got.created_at);
    common::close(app, place).await;
}

async fn client_update_touches_exactly_one_row(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let before = audit_rows(&app).await;

    let mut changed = fields("Kari Nordmann", None);
    changed.municipality = None;
    write(&app, vec![store::clients::update(c.id, &changed, at(2))])
        .await
        .unwrap();
    let got = store::clients::by_id(testing::db(&app), c.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.name, "Kari Nordmann");
    assert_eq!(got.municipality, None);
    assert_eq!((got.created_at, got.updated_at), (at(1), at(2)));

    // No such client: the guarded update fails, and nothing of the op is kept.
    let err = write(
        &app,
        vec![store::clients::update(Uuid::now_v7(), &changed, at(3))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");
    assert_eq!(audit_rows(&app).await, before + 1);
    common::close(app, place).await;
}

async fn national_id_is_unique_per_team(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let nid = Some("17912099997");
    let first = new_client(&fx, fx.team, fields("Ola Nordmann", nid));
    write(&app, vec![store::clients::insert(&first)])
        .await
        .unwrap();
    let before = audit_rows(&app).await;

    // A second record for the number in the same team: the same error on both backends.
    let again = new_client(&fx, fx.team, fields("Ola N.", nid));
    let err = write(&app, vec![store::clients::insert(&again)])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    assert_eq!(audit_rows(&app).await, before);
    // So does changing another record of the team to that number.
    let other = new_client(&fx, fx.team, fields("Per Hansen", None));
    write(&app, vec![store::clients::insert(&other)])
        .await
        .unwrap();
    let err = write(
        &app,
        vec![store::clients::update(
            other.id,
            &fields("Per Hansen", nid),
            at(2),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");

    // Another team keeps its own record for the same person.
    let elsewhere = new_client(&fx, fx.other_team, fields("Ola Nordmann", nid));
    write(&app, vec![store::clients::insert(&elsewhere)])
        .await
        .unwrap();
    // Records without a number do not collide.
    for name in ["Uten nummer 1", "Uten nummer 2"] {
        let c = new_client(&fx, fx.team, fields(name, None));
        write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    }
    common::close(app, place).await;
}

/// A check and the write it guards, through the store inside one command:
/// ten parallel registrations of one number make exactly one record, and the
/// rest are refused by the check, not by the database.
async fn registration_checked_in_a_command_makes_one_record(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let team = fx.team;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let app = app.clone();
            let c = new_client(&fx, team, fields(&format!("Ola {i}"), Some("17912099997")));
            tokio::spawn(async move {
                testing::writer(&app)
                    .command(move |tx| {
                        Box::pin(async move {
                            let existing = store::clients::id_in_team(
                                &mut *tx,
                                c.team_id,
                                c.fields.national_id.as_deref().unwrap(),
                            )
                            .await?;
                            if existing.is_some() {
                                return Ok(Decision::Refuse {
                                    audit: vec![AuditDraft::new("contract", Outcome::Denied)],
                                    error: (),
                                });
                            }
                            let s = store::clients::insert(&c);
                            tx.execute(s.sql, s.args).await?;
                            Ok(Decision::Commit {
                                audit: vec![AuditDraft::new("contract", Outcome::Allowed)],
                                value: c.id,
                            })
                        })
                    })
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        if t.await.unwrap().expect("no database error").is_ok() {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    assert_eq!(
        testing::db(&app)
            .scalar_i64("SELECT COUNT(*) FROM clients", vec![])
            .await
            .unwrap(),
        1
    );
    common::close(app, place).await;
}

async fn entries_without_health_scope_leave_health_notes_unread(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    assert!(!store::clients::has_health_entries(testing::db(&app), c.id)
        .await
        .unwrap());
    let entry = |minute, kind, topic, body| store::clients::NewEntry {
        id: Uuid::now_v7(),
        client_id: c.id,
        author_id: fx.staff,
        owner_org_id: fx.org,
        at: at(minute),
        kind,
        topic,
        body,
    };
    write(
        &app,
        vec![
            store::clients::insert_entry(&entry(2, "health", None, "F20 paranoid schizofreni")),
            store::clients::insert_entry(&entry(3, "social", Some("housing"), "Søkt bolig")),
        ],
    )
    .await
    .unwrap();

    let all = store::clients::entries(testing::db(&app), c.id, false)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["social", "health"],
        "newest first"
    );
    assert_eq!(all[0].topic.as_deref(), Some("housing"));
    assert_eq!(all[0].author_name, "Siri Sykepleier");
    assert_eq!(all[0].owner_org_name, "Fjordby kommune");
    assert_eq!(all[1].written_at, at(2));
    let social = store::clients::entries(testing::db(&app), c.id, true)
        .await
        .unwrap();
    assert_eq!(social.len(), 1);
    assert!(social.iter().all(|e| e.kind == "social"));
    assert!(store::clients::has_health_entries(testing::db(&app), c.id)
        .await
        .unwrap());

    // The schema refuses a kind it does not know, and a topic on no list.
    let err = write(
        &app,
        vec![store::clients::insert_entry(&entry(4, "secret", None, "x"))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    let err = write(
        &app,
        vec![store::clients::insert_entry(&entry(
            4,
            "social",
            Some("gossip"),
            "x",
        ))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    common::close(app, place).await;
}

// ---------------------------------------------------------------- care

fn care(fx: &Fx, client: Uuid, from: NaiveDate, to: Option<NaiveDate>) -> NewCare<'static> {
    NewCare {
        id: Uuid::now_v7(),
        client_id: client,
        staff_id: Some(fx.staff),
        team_id: None,
        valid_from: from,
        valid_to: to,
        reason: "Dekker for koordinator",
        owner_org_id: fx.org,
        created_by: fx.staff,
        at: at(2),
    }
}

async fn care_relationship_is_given_read_and_ended_once(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let rel = care(&fx, c.id, day(1), Some(day(30)));
    write(&app, vec![store::care::insert(&rel)]).await.unwrap();

    let active = store::care::active_for_client(testing::db(&app), c.id, day(15))
        .await
        .unwrap();
    assert_eq!(active.len(), 1);
    let r = &active[0];
    assert_eq!(r.id, rel.id);
    assert_eq!(r.staff_id, Some(fx.staff));
    assert_eq!(r.holder_name, "Siri Sykepleier");
    assert_eq!(r.profession.as_deref(), Some("nurse"));
    assert_eq!(r.org_name.as_deref(), Some("Fjordby kommune"));
    assert_eq!((r.valid_from, r.valid_to), (day(1), Some(day(30))));
    assert_eq!(r.given_by_name, "Siri Sykepleier");
    assert_eq!(r.source, "manual");
    assert_eq!(r.created_at, at(2));
    // Both ends of the period are inclusive.
    for (d, n) in [
        (day(1), 1),
        (day(30), 1),
        (NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 0),
    ] {
        assert_eq!(
            store::care::active_for_client(testing::db(&app), c.id, d)
                .await
                .unwrap()
                .len(),
            n,
            "{d}"
        );
    }
    assert!(
        store::care::is_active_team_member(testing::db(&app), fx.team, fx.staff)
            .await
            .unwrap()
    );
    assert!(
        !store::care::is_active_team_member(testing::db(&app), fx.other_team, fx.staff)
            .await
            .unwrap()
    );

    // Ending: the guarded update for this client touches one row, once.
    let end = || store::care::end_for_client(rel.id, c.id, at(5), fx.staff, day(10));
    let wrong_client =
        store::care::end_for_client(rel.id, Uuid::now_v7(), at(5), fx.staff, day(10));
    assert!(matches!(
        write(&app, vec![wrong_client]).await.unwrap_err(),
        WriteError::NotFound
    ));
    write(&app, vec![end()]).await.unwrap();
    assert!(matches!(
        write(&app, vec![end()]).await.unwrap_err(),
        WriteError::NotFound
    ));
    assert!(
        store::care::active_for_client(testing::db(&app), c.id, day(5))
            .await
            .unwrap()
            .is_empty()
    );
    let register = store::care::all_for_client(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(register.len(), 1);
    assert_eq!(register[0].ended_at, Some(at(5)));
    assert_eq!(
        register[0].valid_to,
        Some(day(10)),
        "pulled back to the end day"
    );
    common::close(app, place).await;
}

async fn care_relationship_constraints_are_the_same_on_both_backends(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    // Exactly one holder.
    let mut both = care(&fx, c.id, day(1), None);
    both.team_id = Some(fx.team);
    let mut neither = care(&fx, c.id, day(1), None);
    neither.staff_id = None;
    // An end before the start.
    let backwards = care(&fx, c.id, day(10), Some(day(9)));
    // A client that does not exist.
    let orphan = care(&fx, Uuid::now_v7(), day(1), None);
    for bad in [both, neither, backwards, orphan] {
        let err = write(&app, vec![store::care::insert(&bad)])
            .await
            .unwrap_err();
        assert!(matches!(err, WriteError::Constraint(_)), "{bad:?}: {err:?}");
    }
    assert!(store::care::all_for_client(testing::db(&app), c.id)
        .await
        .unwrap()
        .is_empty());
    common::close(app, place).await;
}

// ---------------------------------------------------------------- episodes

fn episode(fx: &Fx, client: Uuid) -> store::episodes::NewEpisode {
    store::episodes::NewEpisode {
        id: Uuid::now_v7(),
        client_id: client,
        team_id: fx.team,
        referral_id: None,
        included_on: day(2),
        created_by: fx.staff,
        owner_org_id: fx.org,
        at: at(3),
    }
}

async fn one_open_episode_per_client_and_team(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let first = episode(&fx, c.id);
    write(&app, vec![store::episodes::insert(&first)])
        .await
        .unwrap();
    assert_eq!(
        store::episodes::count_open(testing::db(&app), c.id, fx.team)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store::episodes::client_of(testing::db(&app), first.id)
            .await
            .unwrap(),
        Some(c.id)
    );

    // A second open episode in the team: the same error on both backends.
    let err = write(&app, vec![store::episodes::insert(&episode(&fx, c.id))])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    // Another team may follow the same client row (the index is per team).
    let mut elsewhere = episode(&fx, c.id);
    elsewhere.team_id = fx.other_team;
    write(&app, vec![store::episodes::insert(&elsewhere)])
        .await
        .unwrap();

    // Closing is guarded: once.
    let close_it = || store::episodes::close(first.id, day(20), "completed", Some("Avsluttet"));
    write(&app, vec![close_it()]).await.unwrap();
    assert!(matches!(
        write(&app, vec![close_it()]).await.unwrap_err(),
        WriteError::NotFound
    ));
    // A close before inclusion is refused by the schema.
    let early = episode(&fx, c.id);
    write(&app, vec![store::episodes::insert(&early)])
        .await
        .unwrap();
    let err = write(
        &app,
        vec![store::episodes::close(early.id, day(1), "completed", None)],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");

    let heads = store::episodes::heads_for_client(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(heads.len(), 3);
    let closed = heads.iter().find(|h| h.id == first.id).unwrap();
    assert_eq!(closed.closed_on, Some(day(20)));
    assert_eq!(closed.close_reason.as_deref(), Some("completed"));
    common::close(app, place).await;
}

async fn episode_levels_members_and_group_read_back(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    let e = episode(&fx, c.id);
    let rel = care(&fx, c.id, day(2), None);
    let rg_id = Uuid::now_v7();
    write(
        &app,
        vec![
            store::clients::insert(&c),
            store::episodes::insert(&e),
            store::episodes::insert_level(e.id, 2, day(2), Some("Inntak"), false, fx.staff, at(3)),
            store::episodes::insert_level(
                e.id,
                3,
                day(9),
                Some("F20 forverring"),
                false,
                fx.staff,
                at(4),
            ),
            store::care::insert(&rel),
            store::episodes::insert_member(e.id, fx.staff, "municipal_coordinator", rel.id, day(2)),
            store::episodes::insert_rg(&store::episodes::NewRgMember {
                id: rg_id,
                episode_id: e.id,
                kind: "gp",
                name: "Dr. Lege",
                role: Some("fastlege"),
                organisation: None,
                phone: Some("+4791234567"),
                email: None,
                consent_recorded: false,
                added_by: fx.staff,
                at: at(5),
            }),
        ],
    )
    .await
    .unwrap();

    let levels = store::episodes::levels(testing::db(&app), e.id, true)
        .await
        .unwrap();
    assert_eq!(
        levels
            .iter()
            .map(|l| (l.level, l.reason.clone()))
            .collect::<Vec<_>>(),
        [
            (3, Some("F20 forverring".into())),
            (2, Some("Inntak".into()))
        ]
    );
    // Without texts, the reasons are not read at all.
    let bare = store::episodes::levels(testing::db(&app), e.id, false)
        .await
        .unwrap();
    assert!(bare.iter().all(|l| l.reason.is_none()));
    assert_eq!(bare[0].set_by_name, "Siri Sykepleier");

    let members = store::episodes::members(testing::db(&app), e.id)
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].role, "municipal_coordinator");
    assert_eq!(members[0].org_name, "Fjordby kommune");
    assert!(
        store::episodes::has_role(testing::db(&app), e.id, fx.staff, "municipal_coordinator")
            .await
            .unwrap()
    );
    assert_eq!(
        store::episodes::holder_of_role(testing::db(&app), e.id, "municipal_coordinator")
            .await
            .unwrap(),
        Some(fx.staff)
    );
    assert_eq!(
        store::episodes::member_relationship(testing::db(&app), e.id, members[0].id)
            .await
            .unwrap(),
        Some(rel.id)
    );
    assert_eq!(
        store::episodes::current_members(testing::db(&app), e.id, None)
            .await
            .unwrap(),
        [(members[0].id, rel.id)]
    );
    let team_member = store::episodes::staff_in_team(testing::db(&app), fx.team, fx.staff)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (team_member.home_org_id, team_member.kind.as_str()),
        (fx.org, "municipality")
    );
    assert!(
        store::episodes::staff_in_team(testing::db(&app), fx.other_team, fx.staff)
            .await
            .unwrap()
            .is_none()
    );
    let care_source = store::care::all_for_client(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(care_source[0].source, "episode");

    // Ending the relationship takes the member out of the episode.
    write(
        &app,
        vec![
            store::care::end(rel.id, at(6), fx.staff, day(10)),
            store::episodes::leave_by_relationship(rel.id, at(6)),
        ],
    )
    .await
    .unwrap();
    assert!(store::episodes::members(testing::db(&app), e.id)
        .await
        .unwrap()
        .is_empty());

    let rg = store::episodes::rg_members(testing::db(&app), e.id)
        .await
        .unwrap();
    assert_eq!(rg.len(), 1);
    assert_eq!((rg[0].id, rg[0].kind.as_str()), (rg_id, "gp"));
    // Removing is guarded: once, and only within its episode.
    assert!(matches!(
        write(
            &app,
            vec![store::episodes::remove_rg(rg_id, Uuid::now_v7(), at(7))]
        )
        .await
        .unwrap_err(),
        WriteError::NotFound
    ));
    write(&app, vec![store::episodes::remove_rg(rg_id, e.id, at(7))])
        .await
        .unwrap();
    assert!(matches!(
        write(&app, vec![store::episodes::remove_rg(rg_id, e.id, at(8))])
            .await
            .unwrap_err(),
        WriteError::NotFound
    ));
    assert!(store::episodes::rg_members(testing::db(&app), e.id)
        .await
        .unwrap()
        .is_empty());
    common::close(app, place).await;
}

// ---------------------------------------------------------------- referrals

fn referral<'a>(
    fx: &Fx,
    receipt: &'a str,
    agency: Option<Uuid>,
) -> store::referrals::NewReferral<'a> {
    store::referrals::NewReferral {
        id: Uuid::now_v7(),
        team_id: fx.team,
        receipt_number: receipt,
        received_at: at(1),
        received_on: day(1),
        channel: "phone",
        registered_by: Some(fx.staff),
        referrer_name: "Dr. Lege",
        referrer_role: Some("fastlege"),
        referrer_phone: None,
        referrer_email: Some("lege@example.no"),
        agency_id: agency,
        agency_kind: "gp",
        person_name: Some("Ola Nordmann"),
        person_national_id: Some("17912099997"),
        person_birth_year: Some(1991),
        person_phone: None,
        person_whereabouts: Some("Bybrua"),
        reason: "Psykose, ruser seg",
        current_services: Some("DPS"),
        housing_situation: Some("Uten bolig"),
        substance_use: Some("Amfetamin"),
        mental_health: Some("Hører stemmer"),
        person_knows: "yes",
        person_agrees: "unknown",
        urgency: "urgent",
    }
}

async fn referral_is_read_back_with_its_health_content_apart(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    assert!(store::referrals::team_exists(testing::db(&app), fx.team)
        .await
        .unwrap());
    assert!(
        !store::referrals::team_exists(testing::db(&app), Uuid::now_v7())
            .await
            .unwrap()
    );
    let agency = Uuid::now_v7();
    write(
        &app,
        vec![store::referrals::insert_agency(
            agency,
            fx.team,
            "gp",
            "Fjordby legesenter",
            at(0),
        )],
    )
    .await
    .unwrap();
    // An agency name is unique within the team only.
    let err = write(
        &app,
        vec![store::referrals::insert_agency(
            Uuid::now_v7(),
            fx.team,
            "gp",
            "Fjordby legesenter",
            at(0),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    write(
        &app,
        vec![store::referrals::insert_agency(
            Uuid::now_v7(),
            fx.other_team,
            "gp",
            "Fjordby legesenter",
            at(0),
        )],
    )
    .await
    .unwrap();
    let listed = store::referrals::agencies(testing::db(&app), fx.team)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].active), (agency, true));
    assert_eq!(
        store::referrals::agency_in_team(testing::db(&app), agency, fx.team)
            .await
            .unwrap(),
        Some(("gp".to_string(), true))
    );
    assert_eq!(
        store::referrals::agency_in_team(testing::db(&app), agency, fx.other_team)
            .await
            .unwrap(),
        None
    );

    let r = referral(&fx, "H-2026-AAAA-BBBB", Some(agency));
    write(
        &app,
        vec![
            store::referrals::insert(&r),
            store::referrals::insert_diagnosis(r.id, "F20"),
            store::referrals::insert_diagnosis(r.id, "F10"),
        ],
    )
    .await
    .unwrap();
    let a = store::referrals::admin(testing::db(&app), r.id, fx.team)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.receipt_number, "H-2026-AAAA-BBBB");
    assert_eq!((a.received_at, a.received_on), (at(1), day(1)));
    assert_eq!(a.agency_name.as_deref(), Some("Fjordby legesenter"));
    assert_eq!(a.person_birth_year, Some(1991));
    assert_eq!(a.housing_situation.as_deref(), Some("Uten bolig"));
    assert_eq!((a.status.as_str(), a.urgency.as_str()), ("new", "urgent"));
    assert_eq!(a.client_id, None);
    let h = store::referrals::health(testing::db(&app), r.id, fx.team)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.reason, "Psykose, ruser seg");
    assert_eq!(h.mental_health.as_deref(), Some("Hører stemmer"));
    assert_eq!(h.diagnoses, ["F10", "F20"]);
    // Another team reads nothing of it.
    assert!(
        store::referrals::admin(testing::db(&app), r.id, fx.other_team)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store::referrals::health(testing::db(&app), r.id, fx.other_team)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store::referrals::status(testing::db(&app), r.id, fx.other_team)
            .await
            .unwrap(),
        None
    );

    // Receipt numbers are unique; a status outside the list is refused.
    let err = write(
        &app,
        vec![store::referrals::insert(&referral(
            &fx,
            "H-2026-AAAA-BBBB",
            None,
        ))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    let err = write(
        &app,
        vec![store::referrals::insert(&referral(
            &fx,
            "H-2026-CCCC-DDDD",
            Some(Uuid::now_v7()),
        ))],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, WriteError::Constraint(_)),
        "unknown agency: {err:?}"
    );
    common::close(app, place).await;
}

async fn referral_status_moves_forward_once(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let r = referral(&fx, "H-2026-AAAA-BBBB", None);
    write(&app, vec![store::referrals::insert(&r)])
        .await
        .unwrap();
    // Only the referral's own team moves it.
    assert!(matches!(
        write(
            &app,
            vec![store::referrals::start_assessment(
                r.id,
                fx.other_team,
                at(2)
            )]
        )
        .await
        .unwrap_err(),
        WriteError::NotFound
    ));
    write(
        &app,
        vec![store::referrals::start_assessment(r.id, fx.team, at(2))],
    )
    .await
    .unwrap();
    assert!(matches!(
        write(
            &app,
            vec![store::referrals::start_assessment(r.id, fx.team, at(3))]
        )
        .await
        .unwrap_err(),
        WriteError::NotFound
    ));
    assert_eq!(
        store::referrals::status(testing::db(&app), r.id, fx.team)
            .await
            .unwrap()
            .as_deref(),
        Some("under_assessment")
    );
    write(&app, vec![store::referrals::mark_decided(r.id, at(4))])
        .await
        .unwrap();
    assert!(matches!(
        write(&app, vec![store::referrals::mark_decided(r.id, at(5))])
            .await
            .unwrap_err(),
        WriteError::NotFound
    ));
    // The board keeps a decided referral only while it was decided after the cut-off.
    let mut open_one = referral(&fx, "H-2026-EEEE-FFFF", None);
    open_one.received_at = at(2);
    write(&app, vec![store::referrals::insert(&open_one)])
        .await
        .unwrap();
    let board = |since| store::referrals::board(testing::db(&app), fx.team, since);
    let ids = |rows: Vec<benk_app::referrals::ReferralSummary>| {
        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(board(at(3)).await.unwrap()), [r.id, open_one.id]);
    assert_eq!(ids(board(at(4)).await.unwrap()), [open_one.id]);
    assert!(
        store::referrals::board(testing::db(&app), fx.other_team, at(0))
            .await
            .unwrap()
            .is_empty()
    );
    common::close(app, place).await;
}

// ---------------------------------------------------------------- intake decisions

fn decision<'a>(fx: &Fx, referral: Uuid, level: Option<i64>) -> store::intake::NewDecision<'a> {
    store::intake::NewDecision {
        id: Uuid::now_v7(),
        referral_id: referral,
        decided_on: day(3),
        at: at(6),
        outcome: "accepted",
        level,
        reasons: "I målgruppen",
        severe_mental_illness: true,
        substance_use: true,
        weak_connection: false,
        housing_problem: true,
        in_target_group: true,
        suggested_outcome: Some("refer_fact"),
        recorded_by: fx.staff,
        owner_org_id: fx.org,
        referrer_consent: false,
        routed_to: None,
    }
}

async fn one_decision_per_referral_read_back_in_parts(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    let r = referral(&fx, "H-2026-AAAA-BBBB", None);
    let d = decision(&fx, r.id, Some(2));
    write(
        &app,
        vec![
            store::clients::insert(&c),
            store::referrals::insert(&r),
            store::intake::insert(&d),
            store::intake::insert_participant(d.id, fx.staff, "municipal"),
            store::referrals::mark_decided(r.id, at(6)),
            store::referrals::set_client(r.id, c.id),
            store::intake::insert_target_item(
                d.id,
                1,
                "function",
                &benk_domain::CriterionItem {
                    code: "major_loss_of_function".into(),
                    label_nb: "Stor funksjonssvikt".into(),
                    label_en: "Major loss of function".into(),
                },
                false,
            ),
            store::intake::insert_target_item(
                d.id,
                0,
                "illness",
                &benk_domain::CriterionItem {
                    code: "serious_mental_illness".into(),
                    label_nb: "Alvorlig psykisk lidelse".into(),
                    label_en: "Serious mental illness".into(),
                },
                true,
            ),
            store::services::insert(&store::services::NewEstablished {
                id: Uuid::now_v7(),
                team_id: fx.team,
                referral_id: Some(r.id),
                client_id: Some(c.id),
                episode_id: None,
                service: "gp",
                note: Some("Fastlege Nilsen"),
                established_on: day(3),
                at_intake: true,
                recorded_by: fx.staff,
                owner_org_id: fx.org,
                at: at(6),
            }),
            store::services::insert(&store::services::NewEstablished {
                id: Uuid::now_v7(),
                team_id: fx.team,
                referral_id: Some(r.id),
                client_id: Some(c.id),
                episode_id: None,
                service: "nav",
                note: None,
                established_on: day(4),
                at_intake: false,
                recorded_by: fx.staff,
                owner_org_id: fx.org,
                at: at(7),
            }),
        ],
    )
    .await
    .unwrap();
    // The per-item assessment comes back in the team's order, labels as recorded.
    let items = store::intake::target_items(testing::db(&app), d.id)
        .await
        .unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i.item.as_str(), i.label_nb.as_str(), i.checked))
            .collect::<Vec<_>>(),
        [
            ("serious_mental_illness", "Alvorlig psykisk lidelse", true),
            ("major_loss_of_function", "Stor funksjonssvikt", false)
        ]
    );
    // Services: both on the person's record (newest first), only the first at intake.
    let on_record = store::services::for_client(testing::db(&app), c.id, fx.team)
        .await
        .unwrap();
    assert_eq!(
        on_record
            .iter()
            .map(|s| s.service.as_str())
            .collect::<Vec<_>>(),
        ["nav", "gp"]
    );
    assert!(
        store::services::for_client(testing::db(&app), c.id, fx.other_team)
            .await
            .unwrap()
            .is_empty()
    );
    let at_intake = store::services::for_referral(testing::db(&app), r.id)
        .await
        .unwrap();
    assert_eq!(at_intake.len(), 1);
    assert_eq!(at_intake[0].note.as_deref(), Some("Fastlege Nilsen"));
    let got = store::intake::for_referral(testing::db(&app), r.id, fx.team)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.id, got.referral_id, got.decided_on),
        (d.id, r.id, day(3))
    );
    assert_eq!((got.outcome.as_str(), got.level), ("accepted", Some(2)));
    assert!(
        got.assessment.is_none(),
        "the assessment is a read of its own"
    );
    assert!(
        store::intake::for_referral(testing::db(&app), r.id, fx.other_team)
            .await
            .unwrap()
            .is_none()
    );
    let a = store::intake::assessment(testing::db(&app), d.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.reasons, "I målgruppen");
    assert!(a.housing_problem && a.in_target_group);
    assert_eq!(a.routed_to, None);
    assert_eq!(a.suggested_outcome.as_deref(), Some("refer_fact"));
    assert_eq!(
        store::intake::participant_names(testing::db(&app), d.id)
            .await
            .unwrap(),
        ["Siri Sykepleier"]
    );
    assert_eq!(
        store::referrals::admin(testing::db(&app), r.id, fx.team)
            .await
            .unwrap()
            .unwrap()
            .client_id,
        Some(c.id)
    );
    let report = store::referrals::report_rows(testing::db(&app), fx.team)
        .await
        .unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!(
        (report[0].decided_on, report[0].in_target_group),
        (Some(day(3)), Some(true))
    );
    assert_eq!(report[0].services_established, 2);

    // A second decision on the referral, and a level outside 1–3.
    let err = write(
        &app,
        vec![store::intake::insert(&decision(&fx, r.id, Some(1)))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    let other = referral(&fx, "H-2026-CCCC-DDDD", None);
    write(&app, vec![store::referrals::insert(&other)])
        .await
        .unwrap();
    let err = write(
        &app,
        vec![store::intake::insert(&decision(&fx, other.id, Some(4)))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    common::close(app, place).await;
}

// ---------------------------------------------------------------- idempotency keys

async fn idempotency_key_keeps_the_first_answer(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let first = store::idempotency::insert(fx.staff, "k-1", "fp", 201, r#"{"id":"x"}"#, at(1));
    write(&app, vec![first]).await.unwrap();
    let got = store::idempotency::lookup(testing::db(&app), fx.staff, "k-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.fingerprint.as_str(), got.status, got.response.as_str()),
        ("fp", 201, r#"{"id":"x"}"#)
    );
    assert!(
        store::idempotency::lookup(testing::db(&app), fx.staff, "k-2")
            .await
            .unwrap()
            .is_none()
    );
    // The same key again: the same error on both backends.
    let again = store::idempotency::insert(fx.staff, "k-1", "other", 201, "{}", at(2));
    assert!(matches!(
        write(&app, vec![again]).await.unwrap_err(),
        WriteError::Conflict(_)
    ));
    // Forgetting takes only keys stored before the time.
    write(
        &app,
        vec![store::idempotency::insert(
            fx.staff,
            "k-3",
            "fp",
            201,
            "{}",
            at(5),
        )],
    )
    .await
    .unwrap();
    write(
        &app,
        vec![store::idempotency::forget_before(fx.staff, at(5))],
    )
    .await
    .unwrap();
    assert!(
        store::idempotency::lookup(testing::db(&app), fx.staff, "k-1")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store::idempotency::lookup(testing::db(&app), fx.staff, "k-3")
            .await
            .unwrap()
            .is_some()
    );
    common::close(app, place).await;
}

// ---------------------------------------------------------------- auth

async fn local_username_is_unique_per_provider(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let identity = Uuid::now_v7();
    write(
        &app,
        vec![store::auth::insert_local_identity(
            identity,
            fx.staff,
            "siri",
            "phc-hash",
            at(1),
        )],
    )
    .await
    .unwrap();
    let got = store::auth::local_identity(testing::db(&app), "siri")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((got.id, got.staff_id), (identity, fx.staff));
    assert_eq!(got.password_hash.as_deref(), Some("phc-hash"));
    assert_eq!(got.totp_secret, None);
    assert!(!got.disabled && !got.totp_required);
    assert_eq!(got.name, "Siri Sykepleier");
    assert_eq!(
        store::auth::identity_subject(testing::db(&app), identity)
            .await
            .unwrap()
            .as_deref(),
        Some("siri")
    );
    assert!(store::auth::local_identity(testing::db(&app), "nobody")
        .await
        .unwrap()
        .is_none());
    let before = audit_rows(&app).await;

    // The same login name again (for any staff member): the same error on both backends.
    let err = write(
        &app,
        vec![store::auth::insert_local_identity(
            Uuid::now_v7(),
            fx.staff,
            "siri",
            "other",
            at(2),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    assert_eq!(audit_rows(&app).await, before);

    // A second factor and a new password are set on the one identity; an unknown identity is NotFound.
    write(
        &app,
        vec![
            store::auth::set_totp_secret(identity, "abcd"),
            store::auth::set_local_password(fx.staff, "new-hash"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        store::auth::identity_secrets(testing::db(&app), identity)
            .await
            .unwrap(),
        Some((Some("abcd".to_string()), Some("new-hash".to_string())))
    );
    let err = write(
        &app,
        vec![store::auth::set_totp_secret(Uuid::now_v7(), "x")],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");
    common::close(app, place).await;
}

async fn session_is_inserted_read_touched_and_deleted(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let identity = Uuid::now_v7();
    let row = store::auth::NewSessionRow {
        token_hash: "h-1",
        staff_id: fx.staff,
        identity_id: identity,
        csrf_token: "csrf",
        totp_pending: true,
        at: at(1),
        user_agent: Some("test"),
        ip: None,
    };
    write(
        &app,
        vec![
            store::auth::insert_local_identity(identity, fx.staff, "siri", "x", at(1)),
            store::auth::insert_session(&row),
        ],
    )
    .await
    .unwrap();
    let s = store::auth::session(testing::db(&app), "h-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.staff_id, s.identity_id), (fx.staff, identity));
    assert_eq!((s.csrf_token.as_str(), s.totp_pending), ("csrf", true));
    assert_eq!((s.created_at, s.last_seen_at), (at(1), at(1)));

    write(
        &app,
        vec![
            store::auth::touch_session("h-1", at(5)),
            store::auth::session_totp_done("h-1"),
        ],
    )
    .await
    .unwrap();
    // Read inside a writer command: the same row.
    let s = testing::writer(&app)
        .command(move |tx| {
            Box::pin(async move {
                let value = store::auth::session(&mut *tx, "h-1").await?;
                Ok(Decision::<_, ()>::Commit {
                    audit: vec![],
                    value,
                })
            })
        })
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!((s.created_at, s.last_seen_at), (at(1), at(5)));
    assert!(!s.totp_pending);

    // The same token hash twice is a conflict; an ended session cannot lift its second factor.
    let err = write(&app, vec![store::auth::insert_session(&row)])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    write(&app, vec![store::auth::delete_session("h-1")])
        .await
        .unwrap();
    assert!(store::auth::session(testing::db(&app), "h-1")
        .await
        .unwrap()
        .is_none());
    let err = write(&app, vec![store::auth::session_totp_done("h-1")])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");

    // Ending every session of a staff member.
    write(&app, vec![store::auth::insert_session(&row)])
        .await
        .unwrap();
    write(&app, vec![store::auth::delete_sessions_of(fx.staff)])
        .await
        .unwrap();
    assert!(store::auth::session(testing::db(&app), "h-1")
        .await
        .unwrap()
        .is_none());
    common::close(app, place).await;
}

async fn token_lives_until_revoked_once(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let token = store::auth::NewToken {
        id: Uuid::now_v7(),
        staff_id: fx.staff,
        name: "script",
        token_hash: "t-1",
        at: at(1),
        expires_at: at(30),
    };
    write(&app, vec![store::auth::insert_token(&token)])
        .await
        .unwrap();
    let live = |now| store::auth::live_token_staff(testing::db(&app), "t-1", now, at(0));
    assert_eq!(live(at(2)).await.unwrap(), Some(fx.staff));
    assert_eq!(live(at(30)).await.unwrap(), None, "expired at expires_at");
    let listed = store::auth::tokens_of(testing::db(&app), fx.staff)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].name.as_str(), listed[0].created_at),
        (token.id, "script", at(1))
    );
    assert_eq!(listed[0].expires_at, Some(at(30)));

    // Someone else's token is not revoked through the owner guard.
    let err = write(
        &app,
        vec![store::auth::revoke_token(
            token.id,
            Some(Uuid::now_v7()),
            at(3),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");
    assert_eq!(live(at(4)).await.unwrap(), Some(fx.staff));
    // The owner revokes once; the second revoke touches no row.
    write(
        &app,
        vec![store::auth::revoke_token(token.id, Some(fx.staff), at(5))],
    )
    .await
    .unwrap();
    assert_eq!(live(at(6)).await.unwrap(), None);
    let err = write(&app, vec![store::auth::revoke_token(token.id, None, at(7))])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");
    assert_eq!(
        store::auth::tokens_of(testing::db(&app), fx.staff)
            .await
            .unwrap()[0]
            .revoked_at,
        Some(at(5))
    );

    // A disabled account's token is dead; revoking all of a staff member's tokens.
    let second = store::auth::NewToken {
        id: Uuid::now_v7(),
        token_hash: "t-2",
        ..token
    };
    write(&app, vec![store::auth::insert_token(&second)])
        .await
        .unwrap();
    write(&app, vec![store::staff::set_disabled(fx.staff, true)])
        .await
        .unwrap();
    assert_eq!(
        store::auth::live_token_staff(testing::db(&app), "t-2", at(2), at(0))
            .await
            .unwrap(),
        None
    );
    write(&app, vec![store::auth::revoke_tokens_of(fx.staff, at(8))])
        .await
        .unwrap();
    assert!(store::auth::tokens_of(testing::db(&app), fx.staff)
        .await
        .unwrap()
        .iter()
        .all(|t| t.revoked_at.is_some()));
    common::close(app, place).await;
}

async fn login_throttle_moves_from_the_state_read(backend: &str) {
    let (app, place) = common::open(backend).await;
    assert!(store::auth::throttle(testing::db(&app), "k")
        .await
        .unwrap()
        .is_none());
    write(&app, vec![store::auth::throttle_insert("k", 0, 100)])
        .await
        .unwrap();
    let seen = store::auth::throttle(testing::db(&app), "k")
        .await
        .unwrap()
        .unwrap();
    let first = store::auth::ThrottleRow {
        failures: 1,
        locked_until: 0,
        last_attempt: 100,
    };
    assert_eq!(seen, first);
    // Someone else inserted the key since our read: NotFound, so the caller reads again.
    let err = write(&app, vec![store::auth::throttle_insert("k", 0, 101)])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");

    let next = store::auth::ThrottleRow {
        failures: 2,
        locked_until: 5_000_000_000,
        last_attempt: 102,
    };
    write(&app, vec![store::auth::throttle_update("k", seen, next)])
        .await
        .unwrap();
    assert_eq!(
        store::auth::throttle(testing::db(&app), "k").await.unwrap(),
        Some(next),
        "a time past 2038 is kept whole"
    );
    // An update from a stale read touches nothing.
    let err = write(&app, vec![store::auth::throttle_update("k", seen, next)])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");

    // Forgiving never goes below zero; pruning keeps locked keys; reset forgets.
    write(
        &app,
        vec![
            store::auth::throttle_forgive_one("k"),
            store::auth::throttle_forgive_one("k"),
            store::auth::throttle_forgive_one("k"),
            store::auth::throttle_prune(1000, 1000),
        ],
    )
    .await
    .unwrap();
    let got = store::auth::throttle(testing::db(&app), "k")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.failures, 0);
    write(&app, vec![store::auth::throttle_insert("quiet", 0, 10)])
        .await
        .unwrap();
    write(&app, vec![store::auth::throttle_prune(1000, 1000)])
        .await
        .unwrap();
    assert!(store::auth::throttle(testing::db(&app), "quiet")
        .await
        .unwrap()
        .is_none());
    write(&app, vec![store::auth::throttle_reset("k")])
        .await
        .unwrap();
    assert!(store::auth::throttle(testing::db(&app), "k")
        .await
        .unwrap()
        .is_none());
    common::close(app, place).await;
}

// ---------------------------------------------------------------- staff

fn new_staff(fx: &Fx, name: &'static str) -> store::staff::NewStaffRow<'static> {
    store::staff::NewStaffRow {
        id: Uuid::now_v7(),
        name,
        profession: "social_worker",
        hpr_number: None,
        home_org_id: fx.org,
        at: at(1),
    }
}

async fn staff_membership_is_unique_per_team(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let nora = new_staff(&fx, "Nora Nav");
    write(
        &app,
        vec![
            store::staff::insert(&nora),
            store::staff::insert_membership(fx.team, nora.id, "worker", 50),
        ],
    )
    .await
    .unwrap();
    assert!(store::staff::is_member(testing::db(&app), fx.team, nora.id)
        .await
        .unwrap());
    assert!(
        !store::staff::is_member(testing::db(&app), fx.other_team, nora.id)
            .await
            .unwrap()
    );
    let before = audit_rows(&app).await;

    // A second membership in the same team: the same error on both backends, nothing kept.
    let err = write(
        &app,
        vec![
            store::staff::insert_membership(fx.other_team, nora.id, "worker", 100),
            store::staff::insert_membership(fx.team, nora.id, "team_lead", 100),
        ],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    assert_eq!(audit_rows(&app).await, before);
    assert!(
        !store::staff::is_member(testing::db(&app), fx.other_team, nora.id)
            .await
            .unwrap()
    );

    // Replacing it (delete, insert in one op) changes role and share.
    write(
        &app,
        vec![
            store::staff::delete_membership(fx.team, nora.id),
            store::staff::insert_membership(fx.team, nora.id, "team_lead", 80),
        ],
    )
    .await
    .unwrap();
    let m = store::staff::memberships_of(testing::db(&app), nora.id)
        .await
        .unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(
        (
            m[0].team_id,
            m[0].team_name.as_str(),
            m[0].role.as_str(),
            m[0].fte
        ),
        (fx.team, "Team A", "team_lead", 80)
    );

    // The picker lists active members by name; a disabled member stays a member.
    let names = |v: Vec<(Uuid, String)>| v.into_iter().map(|r| r.1).collect::<Vec<_>>();
    assert_eq!(
        names(
            store::staff::active_in_team(testing::db(&app), fx.team)
                .await
                .unwrap()
        ),
        ["Nora Nav", "Siri Sykepleier"]
    );
    write(&app, vec![store::staff::set_disabled(nora.id, true)])
        .await
        .unwrap();
    assert_eq!(
        names(
            store::staff::active_in_team(testing::db(&app), fx.team)
                .await
                .unwrap()
        ),
        ["Siri Sykepleier"]
    );
    assert!(store::staff::is_member(testing::db(&app), fx.team, nora.id)
        .await
        .unwrap());

    // Unknown team or employer, and a role the schema does not know: Constraint.
    for stmt in [
        store::staff::insert_membership(Uuid::now_v7(), nora.id, "worker", 100),
        store::staff::insert_membership(fx.other_team, nora.id, "boss", 100),
        store::staff::insert(&store::staff::NewStaffRow {
            home_org_id: Uuid::now_v7(),
            ..new_staff(&fx, "Ukjent Arbeidsgiver")
        }),
    ] {
        let err = write(&app, vec![stmt]).await.unwrap_err();
        assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    }
    common::close(app, place).await;
}

async fn staff_is_read_back_for_administration_and_as_actor(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let nora = store::staff::NewStaffRow {
        hpr_number: Some("1234567"),
        ..new_staff(&fx, "Nora Nav")
    };
    write(
        &app,
        vec![
            store::staff::insert(&nora),
            store::auth::insert_local_identity(Uuid::now_v7(), nora.id, "nora", "h", at(1)),
            store::staff::insert_membership(fx.other_team, nora.id, "worker", 100),
        ],
    )
    .await
    .unwrap();
    let all = store::staff::summaries(testing::db(&app)).await.unwrap();
    assert_eq!(
        all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Nora Nav", "Siri Sykepleier"]
    );
    let got = store::staff::summary_by_username(testing::db(&app), "nora")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((got.id, got.username.as_deref()), (nora.id, Some("nora")));
    assert_eq!(
        (got.profession.as_str(), got.hpr_number.as_deref()),
        ("social_worker", Some("1234567"))
    );
    assert_eq!(
        (got.home_org_id, got.org_name.as_str()),
        (fx.org, "Fjordby kommune")
    );
    assert!(!got.disabled && !got.totp_required && !got.totp_enrolled && !got.care_employment);
    let in_team = store::staff::summaries_in_team(testing::db(&app), fx.other_team)
        .await
        .unwrap();
    assert_eq!(in_team.len(), 1);
    assert_eq!(
        (in_team[0].id, in_team[0].username.as_deref()),
        (nora.id, Some("nora"))
    );
    // Without a local identity the summary has no username.
    let siri = store::staff::summaries_in_team(testing::db(&app), fx.team)
        .await
        .unwrap();
    assert_eq!((siri[0].id, siri[0].username.as_deref()), (fx.staff, None));

    // Account changes touch exactly one row.
    write(
        &app,
        vec![
            store::staff::set_totp_required(nora.id, true),
            store::staff::set_language(nora.id, "en"),
            store::staff::set_care_employment(nora.id, true),
            store::staff::make_system_admin(nora.id),
            store::auth::set_totp_secret(got_identity(&app, "nora").await, "ab"),
        ],
    )
    .await
    .unwrap();
    let a = store::staff::actor_row(testing::db(&app), nora.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.id, a.name.as_str(), a.profession.as_str()),
        (nora.id, "Nora Nav", "social_worker")
    );
    assert_eq!(
        (a.home_org_id, a.org_number.as_str()),
        (fx.org, "910000001")
    );
    assert_eq!(a.language.as_deref(), Some("en"));
    assert!(a.system_admin && a.care_employment && !a.disabled);
    assert_eq!(
        store::staff::system_admin_count(testing::db(&app))
            .await
            .unwrap(),
        1
    );
    let got = store::staff::summary_by_username(testing::db(&app), "nora")
        .await
        .unwrap()
        .unwrap();
    assert!(got.totp_required && got.totp_enrolled && got.care_employment);
    assert_eq!(
        store::staff::profession_of(testing::db(&app), nora.id)
            .await
            .unwrap()
            .as_deref(),
        Some("social_worker")
    );
    assert!(store::staff::actor_row(testing::db(&app), Uuid::now_v7())
        .await
        .unwrap()
        .is_none());
    for stmt in [
        store::staff::set_disabled(Uuid::now_v7(), true),
        store::staff::set_language(Uuid::now_v7(), "nb"),
        store::staff::set_care_employment(Uuid::now_v7(), true),
    ] {
        let err = write(&app, vec![stmt]).await.unwrap_err();
        assert!(matches!(err, WriteError::NotFound), "{err:?}");
    }

    // Health-personnel changes: newest first per staff member; the reasons oldest first.
    write(
        &app,
        vec![
            store::staff::insert_health_personnel_change(
                Uuid::now_v7(),
                nora.id,
                true,
                "ansatt i DPS",
                Some(fx.staff),
                at(2),
            ),
            store::staff::insert_health_personnel_change(
                Uuid::now_v7(),
                nora.id,
                false,
                "sluttet",
                None,
                at(3),
            ),
        ],
    )
    .await
    .unwrap();
    let h = store::staff::health_personnel_history(testing::db(&app), nora.id)
        .await
        .unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(
        (
            h[0].care_employment,
            h[0].reason.as_str(),
            h[0].set_by_name.as_deref(),
            h[0].set_at
        ),
        (false, "sluttet", None, at(3))
    );
    assert_eq!(
        (h[1].care_employment, h[1].set_by_name.as_deref()),
        (true, Some("Siri Sykepleier"))
    );
    let reasons = store::staff::health_personnel_reasons(testing::db(&app))
        .await
        .unwrap();
    assert_eq!(
        reasons,
        [
            (nora.id, "ansatt i DPS".to_string()),
            (nora.id, "sluttet".to_string())
        ]
    );
    common::close(app, place).await;
}

async fn got_identity(app: &App, username: &str) -> Uuid {
    store::auth::local_identity(testing::db(app), username)
        .await
        .unwrap()
        .unwrap()
        .id
}

// ---------------------------------------------------------------- organisations and teams

fn org(name: &str, kind: &str, number: &str) -> benk_app::orgs::Organisation {
    benk_app::orgs::Organisation {
        id: Uuid::now_v7(),
        name: name.into(),
        kind: kind.into(),
        org_number: number.into(),
        side: if kind == "hospital_trust" {
            "specialist"
        } else {
            "municipal"
        }
        .into(),
    }
}

async fn organisation_number_is_unique(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let dps = org("Fjordby DPS", "hospital_trust", "910000002");
    write(&app, vec![store::orgs::insert_organisation(&dps, at(1))])
        .await
        .unwrap();
    let all = store::orgs::organisations(testing::db(&app)).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|o| (
                o.id,
                o.name.as_str(),
                o.kind.as_str(),
                o.org_number.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            (fx.org, "Fjordby kommune", "municipality", "910000001"),
            (dps.id, "Fjordby DPS", "hospital_trust", "910000002"),
        ]
        .into_iter()
        .rev()
        .collect::<Vec<_>>(),
        "by name"
    );
    let before = audit_rows(&app).await;
    let err = write(
        &app,
        vec![store::orgs::insert_organisation(
            &org("Kopi", "other", "910000002"),
            at(2),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    let err = write(
        &app,
        vec![store::orgs::insert_organisation(
            &org("Ukjent", "church", "910000003"),
            at(2),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    assert_eq!(audit_rows(&app).await, before);
    assert_eq!(
        store::orgs::organisations(testing::db(&app))
            .await
            .unwrap()
            .len(),
        2
    );
    common::close(app, place).await;
}

async fn team_is_read_back_with_owners_and_members(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let dps = org("Fjordby DPS", "hospital_trust", "910000002");
    let team = Uuid::now_v7();
    let policy = r#"{"read_policy":"team_on_duty"}"#;
    write(
        &app,
        vec![
            store::orgs::insert_organisation(&dps, at(1)),
            store::orgs::insert_team(team, "Tandem", policy, at(1)),
            store::orgs::insert_owner(team, fx.org),
            store::orgs::insert_owner(team, dps.id),
        ],
    )
    .await
    .unwrap();
    let t = store::orgs::team(testing::db(&app), team)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.id, t.name.as_str(), t.policy.as_str()),
        (team, "Tandem", policy)
    );
    assert!(store::orgs::team(testing::db(&app), Uuid::now_v7())
        .await
        .unwrap()
        .is_none());
    let owners = store::orgs::owners(testing::db(&app), team).await.unwrap();
    assert_eq!(
        owners.iter().map(|o| o.id).collect::<Vec<_>>(),
        [dps.id, fx.org],
        "by name"
    );
    assert_eq!(
        store::orgs::teams(testing::db(&app)).await.unwrap(),
        [
            (team, "Tandem".to_string()),
            (fx.team, "Team A".to_string()),
            (fx.other_team, "Team B".to_string()),
        ]
    );

    // An unknown owner: Constraint, and the team is not kept either; the same owner twice: Conflict.
    let orphan = Uuid::now_v7();
    let err = write(
        &app,
        vec![
            store::orgs::insert_team(orphan, "Uten eier", "{}", at(2)),
            store::orgs::insert_owner(orphan, Uuid::now_v7()),
        ],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    assert!(store::orgs::team(testing::db(&app), orphan)
        .await
        .unwrap()
        .is_none());
    let err = write(&app, vec![store::orgs::insert_owner(team, dps.id)])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");

    // Members by employer name, then name; disabled staff are left out.
    let ola = store::staff::NewStaffRow {
        home_org_id: dps.id,
        ..new_staff(&fx, "Ola Lege")
    };
    let gone = new_staff(&fx, "Anne Sluttet");
    write(
        &app,
        vec![
            store::staff::insert(&ola),
            store::staff::insert(&gone),
            store::staff::insert_membership(team, ola.id, "worker", 60),
            store::staff::insert_membership(team, fx.staff, "team_lead", 100),
            store::staff::insert_membership(team, gone.id, "worker", 100),
            store::staff::set_disabled(gone.id, true),
        ],
    )
    .await
    .unwrap();
    let m = store::orgs::members_by_employer(testing::db(&app), team)
        .await
        .unwrap();
    assert_eq!(
        m.iter()
            .map(|m| (
                m.staff_id,
                m.org_id,
                m.org_name.as_str(),
                m.role.as_str(),
                m.fte
            ))
            .collect::<Vec<_>>(),
        [
            (ola.id, dps.id, "Fjordby DPS", "worker", 60),
            (fx.staff, fx.org, "Fjordby kommune", "team_lead", 100),
        ]
    );
    assert_eq!(
        (m[0].name.as_str(), m[0].profession.as_str()),
        ("Ola Lege", "social_worker")
    );

    // The intake pickers: the same active members by name, with the employer's kind.
    let picker = store::staff::active_in_team_with_employer(testing::db(&app), team)
        .await
        .unwrap();
    assert_eq!(
        picker
            .iter()
            .map(|p| (
                p.id,
                p.name.as_str(),
                p.org_name.as_str(),
                p.org_kind.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            (ola.id, "Ola Lege", "Fjordby DPS", "hospital_trust"),
            (
                fx.staff,
                "Siri Sykepleier",
                "Fjordby kommune",
                "municipality"
            ),
        ]
    );
    assert_eq!(picker[1].profession, "nurse");
    common::close(app, place).await;
}

// ---------------------------------------------------------------- daily work (issue 9)

async fn open_hour_slot_and_booking_read_back_and_checked(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let slot = Uuid::now_v7();
    write(
        &app,
        vec![store::openhour::insert_slot(&store::openhour::NewSlot {
            id: slot,
            team_id: fx.team,
            weekday: 4,
            start_time: "09:00",
            length_min: 30,
            capacity: 2,
            valid_from: day(5),
            valid_until: None,
            place: Some("Kontoret"),
            created_by: fx.staff,
            at: at(1),
        })],
    )
    .await
    .unwrap();
    let got = store::openhour::slot(testing::db(&app), slot, fx.team)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            got.weekday,
            got.start_time.as_str(),
            got.length_min,
            got.capacity
        ),
        (4, "09:00", 30, 2)
    );
    assert!(
        store::openhour::slot(testing::db(&app), slot, fx.other_team)
            .await
            .unwrap()
            .is_none()
    );
    let booking = Uuid::now_v7();
    let new = store::openhour::NewBooking {
        id: booking,
        slot_id: slot,
        team_id: fx.team,
        slot_date: day(26),
        booker_name: "Nina NAV".into(),
        booker_service: "NAV Fjordby".into(),
        agency_kind: "nav".into(),
        booker_phone: Some("+4791234567".into()),
        booker_email: None,
        case_text: "Mann i 40-årene.".into(),
        receipt_number: "T-2026-AAAA-BBBB".into(),
        at: at(2),
    };
    write(&app, vec![store::openhour::insert_booking(&new)])
        .await
        .unwrap();
    // Counted on the pool and inside a command alike.
    assert_eq!(
        store::openhour::taken_in(testing::db(&app), slot, day(26))
            .await
            .unwrap(),
        1
    );
    let in_cmd = testing::writer(&app)
        .command(move |tx| {
            Box::pin(async move {
                let n = store::openhour::taken_in(&mut *tx, slot, day(26)).await?;
                Ok(Decision::<i64, ()>::Commit {
                    audit: vec![],
                    value: n,
                })
            })
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_cmd, 1);
    // The same receipt number twice is a conflict; no phone and no e-mail a constraint.
    let mut dup = new.clone();
    dup.id = Uuid::now_v7();
    assert!(matches!(
        write(&app, vec![store::openhour::insert_booking(&dup)]).await,
        Err(WriteError::Conflict(_))
    ));
    let mut nobody = new.clone();
    nobody.id = Uuid::now_v7();
    nobody.receipt_number = "T-2026-CCCC-DDDD".into();
    nobody.booker_phone = None;
    assert!(matches!(
        write(&app, vec![store::openhour::insert_booking(&nobody)]).await,
        Err(WriteError::Constraint(_))
    ));
    let b = store::openhour::booking(testing::db(&app), booking, fx.team)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (b.status.as_str(), b.start_time.as_str()),
        ("booked", "09:00")
    );
    common::close(app, place).await;
}

async fn dropin_tally_is_set_not_added_and_checked(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    write(
        &app,
        vec![store::dropin::set_tally(
            fx.team,
            day(20),
            "meal",
            12,
            fx.staff,
            at(1),
        )],
    )
    .await
    .unwrap();
    write(
        &app,
        vec![store::dropin::set_tally(
            fx.team,
            day(20),
            "meal",
            14,
            fx.staff,
            at(2),
        )],
    )
    .await
    .unwrap();
    let rows = store::dropin::tallies(testing::db(&app), fx.team, day(1), day(30))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].day, rows[0].service.as_str(), rows[0].tally),
        (day(20), "meal", 14)
    );
    for (service, n) in [("meal", 1001), ("meal", -1), ("sauna", 3)] {
        assert!(
            matches!(
                write(
                    &app,
                    vec![store::dropin::set_tally(
                        fx.team,
                        day(21),
                        service,
                        n,
                        fx.staff,
                        at(3)
                    )]
                )
                .await,
                Err(WriteError::Constraint(_))
            ),
            "{service} {n}"
        );
    }
    common::close(app, place).await;
}

async fn measures_are_kept_corrected_and_retracted_as_new_rows(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Mia Måling", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let r = store::measures::Recorded {
        client: c.id,
        team: fx.team,
        by: fx.staff,
        owner_org: fx.org,
        at: at(1),
    };
    use store::measures::Values;
    let (gaf, ors) = (Uuid::now_v7(), Uuid::now_v7());
    write(
        &app,
        vec![
            store::measures::insert(
                gaf,
                r,
                Values::Gaf {
                    symptom: 40,
                    function: 35,
                },
                day(2),
                None,
                None,
            ),
            store::measures::insert(
                ors,
                r,
                Values::Items("ors", [45, 50, 40, 55]),
                day(3),
                None,
                Some("x-1"),
            ),
        ],
    )
    .await
    .unwrap();
    // The same external id in the team is a conflict (an import run twice).
    assert!(matches!(
        write(
            &app,
            vec![store::measures::insert(
                Uuid::now_v7(),
                r,
                Values::Items("srs", [90, 90, 90, 90]),
                day(3),
                None,
                Some("x-1")
            )]
        )
        .await,
        Err(WriteError::Conflict(_))
    ));
    // Out of range, or a GAF with items: the schema refuses it.
    for v in [
        Values::Items("ors", [101, 0, 0, 0]),
        Values::Gaf {
            symptom: 0,
            function: 50,
        },
    ] {
        assert!(matches!(
            write(
                &app,
                vec![store::measures::insert(
                    Uuid::now_v7(),
                    r,
                    v,
                    day(3),
                    None,
                    None
                )]
            )
            .await,
            Err(WriteError::Constraint(_))
        ));
    }
    // A correction supersedes once; a second correction of the same version is a conflict.
    let fix = Uuid::now_v7();
    let v2 = Values::Gaf {
        symptom: 42,
        function: 38,
    };
    write(
        &app,
        vec![store::measures::insert(
            fix,
            r,
            v2,
            day(2),
            Some((gaf, "Feil")),
            None,
        )],
    )
    .await
    .unwrap();
    assert!(matches!(
        write(
            &app,
            vec![store::measures::insert(
                Uuid::now_v7(),
                r,
                v2,
                day(2),
                Some((gaf, "Igjen")),
                None
            )]
        )
        .await,
        Err(WriteError::Conflict(_))
    ));
    // Retracting another person's measure touches nothing.
    assert!(matches!(
        write(
            &app,
            vec![store::measures::retract(
                Uuid::now_v7(),
                ors,
                Uuid::now_v7(),
                "Feil",
                fx.staff,
                fx.org,
                at(2)
            )]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    write(
        &app,
        vec![store::measures::retract(
            Uuid::now_v7(),
            ors,
            c.id,
            "Feil person",
            fx.staff,
            fx.org,
            at(2),
        )],
    )
    .await
    .unwrap();
    let cur = store::measures::current(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(cur.len(), 1);
    assert_eq!((cur[0].id, cur[0].gaf_function), (fix, Some(38)));
    assert_eq!(cur[0].supersedes_id, Some(gaf));
    let old = store::measures::by_id(testing::db(&app), c.id, gaf)
        .await
        .unwrap()
        .unwrap();
    assert!(old.superseded && !old.retracted);
    common::close(app, place).await;
}

async fn registry_events_keep_their_kind_and_are_corrected_as_new_rows(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Inga Innlagt", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let r = store::registry::Recorded {
        client: c.id,
        team: fx.team,
        by: fx.staff,
        owner_org: fx.org,
        at: at(1),
    };
    let stay = |start, end| store::registry::Facts {
        kind: "inpatient",
        starts_on: start,
        ends_on: end,
        institution: Some("DPS".into()),
        compulsory: Some(true),
        legal_basis: None,
        place: None,
        police_kind: None,
    };
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    write(
        &app,
        vec![
            store::registry::insert(a, r, &stay(day(2), Some(day(5))), None, None),
            store::registry::insert(b, r, &stay(day(8), None), None, Some("pas-1")),
        ],
    )
    .await
    .unwrap();
    // The same external id in the team is a conflict (an import run twice).
    assert!(matches!(
        write(
            &app,
            vec![store::registry::insert(
                Uuid::now_v7(),
                r,
                &stay(day(9), None),
                None,
                Some("pas-1")
            )]
        )
        .await,
        Err(WriteError::Conflict(_))
    ));
    // The schema refuses an end before the start, a stay without an institution, a police
    // event without its kind and a legal basis for voluntary care.
    let mut no_inst = stay(day(2), None);
    no_inst.institution = None;
    let mut police = stay(day(2), None);
    police.kind = "police";
    police.institution = None;
    police.compulsory = None;
    let mut voluntary = stay(day(2), None);
    voluntary.compulsory = Some(false);
    voluntary.legal_basis = Some("§ 3-3".into());
    for f in [stay(day(5), Some(day(4))), no_inst, police, voluntary] {
        assert!(
            matches!(
                write(
                    &app,
                    vec![store::registry::insert(Uuid::now_v7(), r, &f, None, None)]
                )
                .await,
                Err(WriteError::Constraint(_))
            ),
            "{f:?}"
        );
    }
    // A correction supersedes once; retracting another person's event touches nothing.
    let fix = Uuid::now_v7();
    write(
        &app,
        vec![store::registry::insert(
            fix,
            r,
            &stay(day(2), Some(day(6))),
            Some((a, "Feil")),
            None,
        )],
    )
    .await
    .unwrap();
    assert!(matches!(
        write(
            &app,
            vec![store::registry::insert(
                Uuid::now_v7(),
                r,
                &stay(day(2), None),
                Some((a, "Igjen")),
                None
            )]
        )
        .await,
        Err(WriteError::Conflict(_))
    ));
    assert!(matches!(
        write(
            &app,
            vec![store::registry::retract(
                Uuid::now_v7(),
                b,
                Uuid::now_v7(),
                "Feil",
                fx.staff,
                fx.org,
                at(2)
            )]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    write(
        &app,
        vec![store::registry::retract(
            Uuid::now_v7(),
            b,
            c.id,
            "Feil person",
            fx.staff,
            fx.org,
            at(2),
        )],
    )
    .await
    .unwrap();
    let cur = store::registry::current(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(cur.len(), 1);
    assert_eq!(
        (cur[0].id, cur[0].ends_on, cur[0].supersedes_id),
        (fix, Some(day(6)), Some(a))
    );
    assert_eq!(cur[0].source, "manual");
    // The stays of a kind, read inside a command as the overlap check does.
    let client = c.id;
    let stays = testing::writer(&app)
        .command(move |tx| {
            Box::pin(async move {
                let s = store::registry::stays(&mut *tx, client, "inpatient").await?;
                Ok(Decision::<_, ()>::Commit {
                    audit: vec![],
                    value: s,
                })
            })
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stays, vec![(fix, day(2), Some(day(6)))]);
    let old = store::registry::by_id(testing::db(&app), c.id, a)
        .await
        .unwrap()
        .unwrap();
    assert!(old.superseded && !old.retracted);
    common::close(app, place).await;
}

async fn housing_history_queue_and_evictions_read_back(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Harald Husløs", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let r = store::housing::Recorded {
        client: c.id,
        team: fx.team,
        by: fx.staff,
        owner_org: fx.org,
        at: at(1),
    };
    let app_id = Uuid::now_v7();
    write(
        &app,
        vec![
            store::housing::insert_status(Uuid::now_v7(), r, "homeless", day(2), None),
            store::housing::insert_status(
                Uuid::now_v7(),
                r,
                "municipal_rental",
                day(20),
                Some("Ny bolig"),
            ),
            store::housing::insert_application(
                app_id,
                r,
                day(3),
                "kommunal utleiebolig",
                "applied",
                None,
            ),
            store::housing::insert_eviction(Uuid::now_v7(), r, day(1), None),
        ],
    )
    .await
    .unwrap();
    let st = store::housing::statuses(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(
        st.iter().map(|s| s.status.as_str()).collect::<Vec<_>>(),
        ["municipal_rental", "homeless"]
    );
    assert_eq!(st[0].recorded_by_name, "Siri Sykepleier");
    write(
        &app,
        vec![store::housing::update_application(
            app_id,
            c.id,
            "granted",
            Some(day(19)),
            at(2),
        )],
    )
    .await
    .unwrap();
    // Another person's application is not touched: NotFound.
    assert!(matches!(
        write(
            &app,
            vec![store::housing::update_application(
                app_id,
                Uuid::now_v7(),
                "refused",
                Some(day(19)),
                at(3)
            )]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    // Decided without a date, or before the application: the schema refuses it too.
    for (status, decided) in [
        ("granted", None),
        ("refused", Some(day(2))),
        ("applied", Some(day(5))),
    ] {
        assert!(
            matches!(
                write(
                    &app,
                    vec![store::housing::update_application(
                        app_id,
                        c.id,
                        status,
                        decided,
                        at(4)
                    )]
                )
                .await,
                Err(WriteError::Constraint(_))
            ),
            "{status} {decided:?}"
        );
    }
    let a = store::housing::applications(testing::db(&app), c.id)
        .await
        .unwrap();
    assert_eq!(
        (a[0].status.as_str(), a[0].decided_on),
        ("granted", Some(day(19)))
    );
    assert_eq!(
        store::housing::evictions(testing::db(&app), c.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store::housing::team_statuses(testing::db(&app), fx.team, day(10))
            .await
            .unwrap()
            .len(),
        1
    );
    common::close(app, place).await;
}

// ---------------------------------------------------------------- contacts

fn new_contact(fx: &Fx, client: Uuid, minute: u32, met: bool) -> store::contacts::NewContact {
    store::contacts::NewContact {
        id: Uuid::now_v7(),
        client_id: client,
        team_id: fx.team,
        occurred_at: at(minute),
        duration_min: 45,
        kind: "home_visit",
        met,
        place: Some("Hjemme".into()),
        logged_by: fx.staff,
        owner_org_id: fx.org,
        created_at: at(minute),
    }
}

fn note(
    fx: &Fx,
    client: Uuid,
    contact: Option<Uuid>,
    minute: u32,
    body: &str,
) -> store::contacts::NewNote {
    store::contacts::NewNote {
        id: Uuid::now_v7(),
        client_id: client,
        author_id: fx.staff,
        owner_org_id: fx.org,
        at: at(minute),
        kind: "health".into(),
        topic: None,
        body: body.into(),
        contact_id: contact,
        supersedes_id: None,
        version_of: None,
        version: 1,
    }
}

async fn contacts_are_read_back_and_paged_newest_first(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Kari Kontakt", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let mut ids = Vec::new();
    for (minute, met) in [(10, true), (20, false), (30, true)] {
        let k = new_contact(&fx, c.id, minute, met);
        ids.push(k.id);
        write(
            &app,
            store::contacts::insert(&k, &[fx.staff], &["housing", "finances"]),
        )
        .await
        .unwrap();
    }
    let db = testing::db(&app);
    let got = store::contacts::by_id(db, ids[1]).await.unwrap().unwrap();
    assert_eq!(got.occurred_at, at(20));
    assert!(!got.met);
    assert_eq!(got.duration_min, 45);
    assert_eq!(got.kind, "home_visit");
    assert_eq!(got.logged_by_name, "Siri Sykepleier");
    let top = store::contacts::Before::top();
    let page = store::contacts::page(db, c.id, top, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let next = store::contacts::Before {
        at: page[1].occurred_at,
        id: page[1].id,
    };
    let rest = store::contacts::page(db, c.id, next, 2).await.unwrap();
    assert_eq!(rest.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[0]]);
    let staff = store::contacts::staff_of(db, &ids).await.unwrap();
    assert_eq!(staff.len(), 3);
    assert_eq!(got.topics, "finances,housing");
    assert_eq!(
        store::contacts::topics_of_column(&got.topics),
        vec!["finances", "housing"]
    );
    assert_eq!(
        store::contacts::last_met(db, c.id).await.unwrap(),
        Some(at(30))
    );
    assert_eq!(
        store::contacts::team_members(db, fx.team).await.unwrap(),
        vec![fx.staff]
    );
    assert!(store::contacts::team_members(db, fx.other_team)
        .await
        .unwrap()
        .is_empty());
    // The schema refuses a contact longer than a day on both backends.
    let mut long = new_contact(&fx, c.id, 40, true);
    long.duration_min = 1441;
    assert!(write(&app, store::contacts::insert(&long, &[], &[]))
        .await
        .is_err());
    common::close(app, place).await;
}

async fn signed_notes_are_immutable_and_corrections_form_one_line(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Nils Notat", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let k = new_contact(&fx, c.id, 10, true);
    write(&app, store::contacts::insert(&k, &[fx.staff], &[]))
        .await
        .unwrap();
    let first = note(&fx, c.id, Some(k.id), 11, "Første");
    write(&app, vec![store::contacts::insert_note(&first)])
        .await
        .unwrap();
    // The trigger refuses any change or removal of a signed entry.
    for sql in [
        "UPDATE record_entries SET body = 'endret' WHERE id = $1",
        "UPDATE record_entries SET kind = 'social' WHERE id = $1",
        "DELETE FROM record_entries WHERE id = $1",
    ] {
        assert!(
            testing::db(&app)
                .execute_unaudited(sql, benk_app::args![first.id])
                .await
                .is_err(),
            "{sql} went through"
        );
    }
    let mut second = note(&fx, c.id, Some(k.id), 12, "Andre");
    second.supersedes_id = Some(first.id);
    second.version_of = Some(first.id);
    second.version = 2;
    write(&app, vec![store::contacts::insert_note(&second)])
        .await
        .unwrap();
    // A second correction of the same version is refused (one line, never a tree).
    let mut fork = note(&fx, c.id, Some(k.id), 13, "Gren");
    fork.supersedes_id = Some(first.id);
    fork.version_of = Some(first.id);
    fork.version = 2;
    assert!(matches!(
        write(&app, vec![store::contacts::insert_note(&fork)]).await,
        Err(WriteError::Conflict(_))
    ));
    let db = testing::db(&app);
    assert!(store::contacts::is_superseded(db, first.id).await.unwrap());
    assert!(!store::contacts::is_superseded(db, second.id).await.unwrap());
    let all = store::contacts::notes_of_contacts(db, &[k.id], true)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|n| n.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(all[1].root(), first.id);
    // Without health scope the text is not read at all.
    let hidden = store::contacts::notes_of_contacts(db, &[k.id], false)
        .await
        .unwrap();
    assert!(hidden.iter().all(|n| n.body.is_none()));
    // A note of no contact is a timeline source of its own; later versions come apart.
    let loose = note(&fx, c.id, None, 20, "Frittstående");
    write(&app, vec![store::contacts::insert_note(&loose)])
        .await
        .unwrap();
    let page = store::contacts::notes_page(db, c.id, store::contacts::Before::top(), 10, true)
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![loose.id]
    );
    assert!(
        store::contacts::notes_page(db, c.id, store::contacts::Before::top(), 10, false)
            .await
            .unwrap()
            .is_empty()
    );
    common::close(app, place).await;
}

async fn a_draft_is_kept_per_author_and_signed_once(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Dina Draft", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    write(
        &app,
        vec![store::contacts::upsert_draft(fx.staff, c.id, "én", at(1))],
    )
    .await
    .unwrap();
    write(
        &app,
        vec![store::contacts::upsert_draft(fx.staff, c.id, "to", at(2))],
    )
    .await
    .unwrap();
    let d = store::contacts::draft(testing::db(&app), fx.staff, c.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((d.body.as_str(), d.updated_at), ("to", at(2)));
    let id = Uuid::now_v7();
    write(
        &app,
        vec![
            store::contacts::sign_draft(id, fx.staff, c.id, fx.org, "health", at(3)),
            store::contacts::delete_draft(fx.staff, c.id),
        ],
    )
    .await
    .unwrap();
    let n = store::contacts::note(testing::db(&app), id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.body.as_deref(), Some("to"));
    assert_eq!(
        (n.kind.as_str(), n.version, n.written_at),
        ("health", 1, at(3))
    );
    assert!(store::contacts::draft(testing::db(&app), fx.staff, c.id)
        .await
        .unwrap()
        .is_none());
    // No draft: signing touches no row.
    assert!(matches!(
        write(
            &app,
            vec![store::contacts::sign_draft(
                Uuid::now_v7(),
                fx.staff,
                c.id,
                fx.org,
                "health",
                at(4)
            )]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    common::close(app, place).await;
}

// ---------------------------------------------------------------- appointments, keeping contact

async fn appointment_is_read_back_changed_and_cancelled_once(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    write(&app, vec![store::clients::insert(&c)]).await.unwrap();
    let id = Uuid::now_v7();
    let f = store::appointments::AppointmentFields {
        starts_at: at(10),
        ends_at: at(40),
        kind: "home_visit",
        place: Some("Hjemme"),
        purpose: Some("Helseformål"),
    };
    write(
        &app,
        vec![
            store::appointments::insert(id, c.id, fx.team, &f, fx.staff, fx.org, at(1)),
            store::appointments::insert_staff(id, fx.staff),
        ],
    )
    .await
    .unwrap();
    // The purpose is read only when asked for.
    let without = store::appointments::by_id(testing::db(&app), id, c.id, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((without.starts_at, without.ends_at), (at(10), at(40)));
    assert_eq!(without.purpose, None);
    let with = testing::writer(&app)
        .command(move |tx| {
            Box::pin(async move {
                let r = store::appointments::by_id(&mut *tx, id, c.id, true).await?;
                Ok(Decision::<_, ()>::Commit {
                    audit: vec![],
                    value: r,
                })
            })
        })
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(with.purpose.as_deref(), Some("Helseformål"));
    let staff = store::appointments::staff_for_client(testing::db(&app), c.id, at(0))
        .await
        .unwrap();
    assert_eq!(staff.len(), 1);
    // A change without the purpose leaves it as it is.
    let g = store::appointments::AppointmentFields {
        place: Some("Kafeen"),
        purpose: None,
        ..f.clone()
    };
    write(
        &app,
        vec![store::appointments::update(id, c.id, &g, false, at(2))],
    )
    .await
    .unwrap();
    let r = store::appointments::by_id(testing::db(&app), id, c.id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.place.as_deref(), r.purpose.as_deref()),
        (Some("Kafeen"), Some("Helseformål"))
    );
    // Another person's id touches nothing.
    assert!(matches!(
        write(
            &app,
            vec![store::appointments::cancel(
                id,
                Uuid::now_v7(),
                fx.staff,
                at(3)
            )]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    write(
        &app,
        vec![store::appointments::cancel(id, c.id, fx.staff, at(3))],
    )
    .await
    .unwrap();
    assert!(matches!(
        write(
            &app,
            vec![store::appointments::cancel(id, c.id, fx.staff, at(4))]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    assert!(matches!(
        write(
            &app,
            vec![store::appointments::update(id, c.id, &g, false, at(4))]
        )
        .await,
        Err(WriteError::NotFound)
    ));
    // The schema refuses an end before the start and an unknown kind on both backends.
    let bad = store::appointments::AppointmentFields {
        ends_at: at(5),
        ..f.clone()
    };
    assert!(matches!(
        write(
            &app,
            vec![store::appointments::insert(
                Uuid::now_v7(),
                c.id,
                fx.team,
                &bad,
                fx.staff,
                fx.org,
                at(1)
            )]
        )
        .await,
        Err(WriteError::Constraint(_))
    ));
    let bad = store::appointments::AppointmentFields {
        kind: "teleport",
        ..f.clone()
    };
    assert!(matches!(
        write(
            &app,
            vec![store::appointments::insert(
                Uuid::now_v7(),
                c.id,
                fx.team,
                &bad,
                fx.staff,
                fx.org,
                at(1)
            )]
        )
        .await,
        Err(WriteError::Constraint(_))
    ));
    // The calendar feed: one per worker, replaced, deleted once.
    write(
        &app,
        vec![store::appointments::set_feed(fx.staff, "h1", at(1))],
    )
    .await
    .unwrap();
    write(
        &app,
        vec![store::appointments::set_feed(fx.staff, "h2", at(2))],
    )
    .await
    .unwrap();
    assert_eq!(
        store::appointments::feed_owner(testing::db(&app), "h1")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store::appointments::feed_owner(testing::db(&app), "h2")
            .await
            .unwrap(),
        Some(fx.staff)
    );
    write(&app, vec![store::appointments::delete_feed(fx.staff)])
        .await
        .unwrap();
    assert!(matches!(
        write(&app, vec![store::appointments::delete_feed(fx.staff)]).await,
        Err(WriteError::NotFound)
    ));
    common::close(app, place).await;
}

async fn keeping_state_counts_from_the_last_met_contact(backend: &str) {
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    let never = new_client(&fx, fx.team, fields("Kari Nordmann", None));
    let e = episode(&fx, c.id);
    write(
        &app,
        vec![
            store::clients::insert(&c),
            store::clients::insert(&never),
            store::episodes::insert(&e),
            store::episodes::insert_level(e.id, 2, day(2), None, false, fx.staff, at(3)),
        ],
    )
    .await
    .unwrap();
    let contact = |client: Uuid, minute: u32, met: bool| {
        store::keeping::insert_contact_for_test(
            Uuid::now_v7(),
            client,
            fx.team,
            at(minute),
            "outreach",
            met,
            fx.staff,
            fx.org,
        )
    };
    write(
        &app,
        vec![
            contact(c.id, 10, false),
            contact(c.id, 20, true),
            contact(c.id, 30, true),
            contact(c.id, 40, false),
            contact(c.id, 50, false),
            contact(never.id, 10, false),
        ],
    )
    .await
    .unwrap();
    let rows = store::keeping::states_of(testing::db(&app), &[c.id, never.id], day(29))
        .await
        .unwrap();
    let got = rows.iter().find(|r| r.id == c.id).unwrap();
    assert_eq!(got.last_met, Some(at(30)));
    assert_eq!(got.missed, 2);
    assert_eq!(got.level, Some(2));
    assert_eq!(got.included_on, Some(day(2)));
    let got = rows.iter().find(|r| r.id == never.id).unwrap();
    assert_eq!((got.last_met, got.missed, got.level), (None, 1, None));
    common::close(app, place).await;
}

// ---------------------------------------------------------------- plans (issue 10)

async fn plan_versions_goals_meetings_and_tasks_read_back(backend: &str) {
    use store::plans as st;
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let c = new_client(&fx, fx.team, fields("Ola Nordmann", None));
    let e = episode(&fx, c.id);
    let (goal, plan, v1, meeting, task) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let version = |id: Uuid, n: i64| st::NewVersion {
        id,
        plan_id: plan,
        version: n,
        consent_on: day(1),
        share_consent: true,
        coordinator_id: fx.staff,
        period_start: day(2),
        period_end: Some(day(30)),
        next_revision_on: None,
        copy_given_on: Some(day(3)),
        resources: Some("Søsteren"),
        needs: None,
        change_note: None,
        by: fx.staff,
        at: at(5),
    };
    write(
        &app,
        vec![
            store::clients::insert(&c),
            store::episodes::insert(&e),
            st::insert_goal(goal, c.id, fx.team, "Egen bolig", "active", fx.staff, at(2)),
            st::insert_goal_note(
                Uuid::now_v7(),
                goal,
                day(4),
                "Søknad sendt",
                Some("reached"),
                fx.staff,
                at(3),
            ),
            st::set_goal_status(goal, "reached", at(3)),
            st::insert_plan(plan, c.id, fx.team, fx.staff, at(4)),
            st::insert_version(&version(v1, 1)),
            st::insert_plan_goal(v1, goal),
            st::insert_participant(
                v1,
                0,
                "staff",
                Some(fx.staff),
                "Siri Sykepleier",
                None,
                None,
                None,
            ),
            st::insert_participant(v1, 1, "gp", None, "Dr. Fjell", Some("fastlege"), None, None),
            st::insert_measure(v1, 0, "Hjemmebesøk", Some("2 i uka"), "Koordinator"),
            st::insert_rg_meeting(
                meeting,
                e.id,
                c.id,
                fx.team,
                day(5),
                Some("Referat"),
                None,
                fx.staff,
                at(6),
            ),
            st::insert_attendee(meeting, Some(fx.staff), None),
            st::insert_task(
                task,
                meeting,
                c.id,
                fx.team,
                0,
                "Ringe NAV",
                fx.staff,
                Some(day(6)),
                at(6),
            ),
        ],
    )
    .await
    .unwrap();
    let db = testing::db(&app);
    let g = st::goals(db, c.id, fx.team).await.unwrap();
    assert_eq!((g.len(), g[0].status.as_str()), (1, "reached"));
    assert_eq!(
        st::goal_notes(db, c.id, fx.team).await.unwrap()[0]
            .status
            .as_deref(),
        Some("reached")
    );
    let head = st::plan_for(db, c.id, fx.team).await.unwrap().unwrap();
    assert_eq!(head.latest, 1);
    let v = st::version(db, plan, 1).await.unwrap().unwrap();
    assert_eq!(
        (v.coordinator_name.as_str(), v.period_end, v.share_consent),
        ("Siri Sykepleier", Some(day(30)), true)
    );
    assert_eq!(st::participants(db, v1).await.unwrap()[1].kind, "gp");
    assert_eq!(
        st::measures(db, v1).await.unwrap()[0].scope.as_deref(),
        Some("2 i uka")
    );
    assert_eq!(st::version_goals(db, v1).await.unwrap()[0].id, goal);
    assert!(st::shared_with(db, c.id, fx.team, fx.staff).await.unwrap());
    // Minutes only when asked for.
    assert_eq!(
        st::rg_meeting(db, meeting, true)
            .await
            .unwrap()
            .unwrap()
            .minutes
            .as_deref(),
        Some("Referat")
    );
    assert!(st::rg_meeting(db, meeting, false)
        .await
        .unwrap()
        .unwrap()
        .minutes
        .is_none());
    assert_eq!(
        st::attendance(db, meeting).await.unwrap()[0].name,
        "Siri Sykepleier"
    );
    assert_eq!(st::tasks(db, meeting).await.unwrap()[0].title, "Ringe NAV");
    // One plan per person and team; one version number per plan: Conflict on both backends.
    let err = write(
        &app,
        vec![st::insert_plan(
            Uuid::now_v7(),
            c.id,
            fx.team,
            fx.staff,
            at(7),
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    let err = write(&app, vec![st::insert_version(&version(Uuid::now_v7(), 1))])
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Conflict(_)), "{err:?}");
    // A staff participant without staff, an unknown status: Constraint.
    let err = write(
        &app,
        vec![st::insert_participant(
            v1, 2, "staff", None, "Noen", None, None, None,
        )],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    let err = write(
        &app,
        vec![st::set_task_status(task, "forgotten", fx.staff, at(8))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::Constraint(_)), "{err:?}");
    // A guarded update of a task that is not there: NotFound.
    let err = write(
        &app,
        vec![st::set_task_status(Uuid::now_v7(), "done", fx.staff, at(8))],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WriteError::NotFound), "{err:?}");
    common::close(app, place).await;
}

/// The fidelity profile's contact tallies counted in SQL equal the pure tally of the same
/// contacts read one by one (`contacts_with_staff`, the day in Norway taken in Rust): late
/// evenings across both summer-time changes and at the turn of a month and a quarter, met
/// contacts with no staff, one and two staff, not met, another team's contact; by quarters
/// (a period of 36 months) and by months (from the middle of a month).
async fn fidelity_contact_tallies_in_sql_equal_the_pure_tally(backend: &str) {
    use benk_app::reports::fidelity::{tallies_from_rows, tally, ContactIn};
    use benk_domain::ContactKind;
    let (app, place) = common::open(backend).await;
    let fx = fixtures(&app).await;
    let other = Uuid::now_v7();
    write(
        &app,
        vec![
            Stmt::new(
                "INSERT INTO staff (id, name, profession, home_org_id, created_at) VALUES ($1, 'Per Pedagog', 'other', $2, $3)",
                benk_app::args![other, fx.org, at(0)],
            ),
            Stmt::new(
                "INSERT INTO team_memberships (team_id, staff_id, role, fte) VALUES ($1, $2, 'worker', 100)",
                benk_app::args![fx.team, other],
            ),
        ],
    )
    .await
    .unwrap();
    let people: Vec<_> = ["Anne A", "Berit B", "Carl C"]
        .into_iter()
        .map(|n| new_client(&fx, fx.team, fields(n, None)))
        .collect();
    let elsewhere = new_client(&fx, fx.other_team, fields("Dag D", None));
    for c in people.iter().chain([&elsewhere]) {
        write(&app, vec![store::clients::insert(c)]).await.unwrap();
    }
    let (a, b, c) = (people[0].id, people[1].id, people[2].id);
    let (one, two) = (fx.staff, other);
    let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let contacts: Vec<(Uuid, &str, &str, bool, Vec<Uuid>)> = vec![
        // 1 January 2024 00:30 in Norway: the first day of the long period.
        (a, "2023-12-31T23:30:00Z", "home_visit", true, vec![one]),
        // 31 December 2023 23:30 in Norway: before it.
        (a, "2023-12-31T22:30:00Z", "home_visit", true, vec![two]),
        (a, "2024-02-10T12:00:00Z", "office", true, vec![two]),
        (b, "2024-05-01T08:00:00Z", "outreach", true, vec![]),
        // 29 March 2026 00:30 (winter time), then 1 April 00:30 (summer time): March / the
        // first quarter, then April / the second.
        (b, "2026-03-28T23:30:00Z", "phone", true, vec![one]),
        (b, "2026-03-31T22:30:00Z", "home_visit", true, vec![two]),
        (c, "2026-03-20T10:00:00Z", "video", false, vec![one, two]),
        (
            c,
            "2026-04-15T10:00:00Z",
            "accompany_nav",
            true,
            vec![one, two],
        ),
        // 30 June 23:59, then 1 July 00:00 in Norway.
        (c, "2026-06-30T21:59:00Z", "drop_in", true, vec![]),
        (a, "2026-06-30T22:00:00Z", "office", false, vec![]),
        (a, "2026-07-02T09:00:00Z", "home_visit", true, vec![one]),
        // 25 October 02:30 (summer time, just before the change), then 31 October 23:30 and
        // 1 November 00:30 (winter time).
        (a, "2026-10-25T00:30:00Z", "phone", true, vec![two]),
        (b, "2026-10-31T22:30:00Z", "outreach", true, vec![one]),
        (b, "2026-10-31T23:30:00Z", "outreach", true, vec![two]),
        (c, "2026-11-30T22:59:00Z", "office", true, vec![one]),
        // 1 December 00:00 in Norway: after the months' period.
        (c, "2026-11-30T23:00:00Z", "office", true, vec![two]),
        (
            elsewhere.id,
            "2026-04-15T10:00:00Z",
            "home_visit",
            true,
            vec![],
        ),
    ];
    for (who, when, kind, met, staff) in &contacts {
        let k = store::contacts::NewContact {
            id: Uuid::now_v7(),
            client_id: *who,
            team_id: if *who == elsewhere.id {
                fx.other_team
            } else {
                fx.team
            },
            occurred_at: utc(when),
            duration_min: 30,
            kind,
            met: *met,
            place: None,
            logged_by: fx.staff,
            owner_org_id: fx.org,
            created_at: utc(when),
        };
        write(&app, store::contacts::insert(&k, staff, &[]))
            .await
            .unwrap();
    }
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let midnight =
        |d: NaiveDate| benk_app::time::from_oslo(d.and_hms_opt(0, 0, 0).unwrap()).unwrap();
    let ymd = |s: &str| s.parse::<NaiveDate>().unwrap();
    for (from, to, months) in [
        ("2024-01-01", "2026-12-31", 3),
        ("2026-03-15", "2026-11-30", 1),
    ] {
        let (from, to) = (ymd(from), ymd(to));
        let (start, until) = (midnight(from), midnight(to.succ_opt().unwrap()));
        let db = testing::db(&app);
        // The reference: every (contact, staff) row, the day in Norway in Rust.
        let mut one_by_one: Vec<ContactIn> = Vec::new();
        let mut last = None;
        for (id, who, when, kind, met, staff) in
            store::reports::contacts_with_staff(db, fx.team, start, until)
                .await
                .unwrap()
        {
            if last == Some(id) {
                one_by_one.last_mut().unwrap().staff.extend(staff);
                continue;
            }
            last = Some(id);
            one_by_one.push(ContactIn {
                who,
                day: benk_app::time::oslo_date(when),
                kind: ContactKind::from_code(&kind).unwrap(),
                met,
                staff: staff.into_iter().collect(),
            });
        }
        let pure = tally(&one_by_one, from, to, today);
        let offsets = benk_app::time::oslo_offsets(start, until);
        assert_eq!(offsets.1.len(), if months == 3 { 6 } else { 2 });
        let rows = store::reports::contact_tallies(db, fx.team, (start, until), &offsets, months)
            .await
            .unwrap();
        let sql = tallies_from_rows(rows, from);
        assert_eq!(sql, pure, "{from}..{to}");
        // Hand-checked, so that the two cannot agree on a wrong answer.
        if months == 3 {
            assert_eq!(pure.whole.contacts, 15);
            assert_eq!((pure.whole.seen, pure.whole.seen_by_more), (3, 3));
            let q = |d: &str| pure.intervals[&ymd(d)];
            assert_eq!(
                (q("2024-01-01").contacts, q("2024-01-01").seen_by_more),
                (2, 1)
            );
            // 2026-Q1: the phone call of 29 March (met, one) and C's video (not met).
            assert_eq!(
                (
                    q("2026-01-01").contacts,
                    q("2026-01-01").met,
                    q("2026-01-01").seen
                ),
                (2, 1, 1)
            );
            // 2026-Q2: B by two (1 April), C by two on one contact, C's drop-in without staff.
            assert_eq!(
                (
                    q("2026-04-01").contacts,
                    q("2026-04-01").community,
                    q("2026-04-01").seen,
                    q("2026-04-01").seen_by_more
                ),
                (3, 3, 2, 1)
            );
            assert_eq!(q("2026-10-01").contacts, 5);
            assert_eq!(pure.intervals.len(), 6);
        } else {
            let m = |d: &str| pure.intervals[&ymd(d)];
            // March from the 15th: the call of 29 March and C's video.
            assert_eq!((m("2026-03-15").contacts, m("2026-03-15").met), (2, 1));
            assert_eq!(m("2026-04-01").contacts, 2);
            assert_eq!(m("2026-06-01").contacts, 1);
            assert_eq!(m("2026-07-01").contacts, 2);
            assert_eq!((m("2026-10-01").contacts, m("2026-10-01").seen), (2, 2));
            assert_eq!(
                (m("2026-11-01").contacts, m("2026-11-01").seen_by_more),
                (2, 0)
            );
            assert_eq!(pure.whole.contacts, 11);
        }
    }
    common::close(app, place).await;
}

macro_rules! both {
    ($($f:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $f() { super::$f("sqlite").await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $f() { super::$f("postgres").await } )* }
    };
}

both!(
    client_is_read_back_as_written,
    client_update_touches_exactly_one_row,
    national_id_is_unique_per_team,
    registration_checked_in_a_command_makes_one_record,
    entries_without_health_scope_leave_health_notes_unread,
    care_relationship_is_given_read_and_ended_once,
    care_relationship_constraints_are_the_same_on_both_backends,
    one_open_episode_per_client_and_team,
    episode_levels_members_and_group_read_back,
    referral_is_read_back_with_its_health_content_apart,
    referral_status_moves_forward_once,
    one_decision_per_referral_read_back_in_parts,
    idempotency_key_keeps_the_first_answer,
    local_username_is_unique_per_provider,
    session_is_inserted_read_touched_and_deleted,
    token_lives_until_revoked_once,
    login_throttle_moves_from_the_state_read,
    staff_membership_is_unique_per_team,
    staff_is_read_back_for_administration_and_as_actor,
    organisation_number_is_unique,
    team_is_read_back_with_owners_and_members,
    open_hour_slot_and_booking_read_back_and_checked,
    dropin_tally_is_set_not_added_and_checked,
    housing_history_queue_and_evictions_read_back,
    measures_are_kept_corrected_and_retracted_as_new_rows,
    registry_events_keep_their_kind_and_are_corrected_as_new_rows,
    contacts_are_read_back_and_paged_newest_first,
    signed_notes_are_immutable_and_corrections_form_one_line,
    a_draft_is_kept_per_author_and_signed_once,
    appointment_is_read_back_changed_and_cancelled_once,
    keeping_state_counts_from_the_last_met_contact,
    plan_versions_goals_meetings_and_tasks_read_back,
    fidelity_contact_tallies_in_sql_equal_the_pure_tally,
);

/// The PostgreSQL reader connections (`db::pg_readers`): no ping before or after a read, so
/// a connection must never come back in an unknown state, and one the server dropped must not
/// fail the read that finds it.
mod pg_readers {
    use std::str::FromStr;
    use std::time::Duration;

    use benk_app::db::pg_readers::PgReaders;
    use sqlx::postgres::PgConnectOptions;
    use sqlx::Connection;

    fn readers() -> PgReaders {
        PgReaders::new(
            PgConnectOptions::from_str(&benk_app::testing::pg_base_url()).unwrap(),
            4,
        )
    }

    async fn backend_pid(r: &PgReaders) -> i64 {
        let (pid,): (i64,) = r
            .opt("SELECT CAST(pg_backend_pid() AS BIGINT)", vec![])
            .await
            .unwrap()
            .unwrap();
        pid
    }

    #[tokio::test]
    async fn a_connection_the_server_terminated_is_replaced_by_the_read_that_finds_it() {
        let r = readers();
        let before = backend_pid(&r).await;
        // The idle connection is the one reused.
        assert_eq!(backend_pid(&r).await, before);
        let mut admin = sqlx::PgConnection::connect(&benk_app::testing::pg_base_url())
            .await
            .unwrap();
        let (killed,): (bool,) = sqlx::query_as("SELECT pg_terminate_backend(CAST($1 AS INT))")
            .bind(before)
            .fetch_one(&mut admin)
            .await
            .unwrap();
        assert!(killed);
        tokio::time::sleep(Duration::from_millis(100)).await;
        // The read that takes the dead connection answers, on a new one.
        let after = backend_pid(&r).await;
        assert_ne!(after, before);
        assert_eq!(backend_pid(&r).await, after);
    }

    #[tokio::test]
    async fn a_read_dropped_half_way_does_not_give_its_connection_back() {
        let r = readers();
        let before = backend_pid(&r).await;
        // The request goes away while PostgreSQL is still answering.
        let dropped = tokio::time::timeout(
            Duration::from_millis(100),
            r.opt::<(i64,)>("SELECT CAST(7 AS BIGINT) FROM pg_sleep(1)", vec![]),
        )
        .await;
        assert!(
            dropped.is_err(),
            "the slow read was not dropped: {dropped:?}"
        );
        // The next read gets its own answer (not the dropped read's 7), on a new connection.
        let (n,): (i64,) = r
            .opt("SELECT CAST(42 AS BIGINT)", vec![])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 42);
        assert_ne!(backend_pid(&r).await, before);
    }

    #[tokio::test]
    async fn a_database_error_keeps_the_connection_and_is_not_read_again() {
        let r = readers();
        let before = backend_pid(&r).await;
        let e = r
            .opt::<(i64,)>("SELECT CAST(1 / 0 AS BIGINT)", vec![])
            .await
            .unwrap_err();
        assert!(matches!(e, sqlx::Error::Database(_)), "{e:?}");
        assert_eq!(backend_pid(&r).await, before);
    }
}
