//! Contacts with the person (the outreach log), their notes, signed notes with versions and
//! drafts, and the person's timeline (issue 9).
//!
//! Everything here takes a [`ReadGrant`]: logging or reading a contact is part of the record.
//! A contact itself (time, kind, met, staff, topics, place) is what every member of the care
//! team sees; its note is a record entry, a health note when a health-personnel worker writes
//! it and a social note otherwise, and a health note's text is never read for a reader without
//! health scope. Record entries are signed notes: the database refuses to change one (see the
//! migration `20261201000011_contact_notes`), so a correction is a new version.

use std::collections::HashMap;

use benk_domain::contact::{check_duration, check_start, duration_between};
use benk_domain::{ContactKind, ContactTopic, EntryKind, LongText, Purpose, ShortText};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, is_health_personnel, open_client, require_health, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::clients::RecordEntryKind;
use crate::db::writer::{Stmt, WriteOp};
use crate::db::{parse_rows, Backend};
use crate::error::{AppError, AppResult, FieldError, Fields, Text};
use crate::store;
use crate::store::contacts::{Before, ContactRow, NoteRow};
use crate::App;

/// The most items one timeline or contact page holds.
pub const MAX_PAGE: i64 = 100;

/// A contact as typed, before checking (the web layer has turned text into times and ids,
/// and pushed its own errors for what it could not read).
#[derive(Debug, Clone, Default)]
pub struct RawContact {
    /// Start (UTC); `None` when missing or unreadable (the caller has said why).
    pub occurred_at: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration_min: Option<i64>,
    /// Or the end (UTC), which gives the minutes.
    pub ends_at: Option<DateTime<Utc>>,
    /// `ContactKind` code.
    pub kind: String,
    /// Met or not met.
    pub met: Option<bool>,
    /// Who took part (empty: the logged-in worker).
    pub staff: Vec<Uuid>,
    /// Where.
    pub place: String,
    /// `ContactTopic` codes.
    pub topics: Vec<String>,
    /// The note.
    pub note: String,
}

/// A checked contact.
#[derive(Debug, Clone)]
pub struct ContactInput {
    /// Start (UTC).
    pub occurred_at: DateTime<Utc>,
    /// Minutes, 0–1440.
    pub duration_min: i64,
    /// Kind.
    pub kind: ContactKind,
    /// Met or not met.
    pub met: bool,
    /// Who took part (checked against the team when logged).
    pub staff: Vec<Uuid>,
    /// Where.
    pub place: Option<ShortText>,
    /// Topics.
    pub topics: Vec<ContactTopic>,
    /// The note, if any.
    pub note: Option<LongText>,
}

/// Checks a typed contact against the clock `now`, collecting every field error in `f`.
pub fn parse(raw: &RawContact, now: DateTime<Utc>, f: &mut Fields) -> Option<ContactInput> {
    let start = raw
        .occurred_at
        .and_then(|t| f.check("occurred_at", check_start(t, now)));
    let duration = match (raw.ends_at, raw.duration_min, start) {
        (Some(end), _, Some(s)) => f.check("ends_at", duration_between(s, end)),
        (Some(_), _, None) => None,
        (None, Some(m), _) => f.check("duration_min", check_duration(m)),
        (None, None, _) => {
            f.push(FieldError::required("duration_min"));
            None
        }
    };
    let kind = ContactKind::from_code(raw.kind.trim());
    if kind.is_none() {
        f.push(if raw.kind.trim().is_empty() {
            FieldError::required("kind")
        } else {
            FieldError::new(
                "kind",
                "unknown_contact_kind",
                "Ukjent kontakttype.",
                "Unknown kind of contact.",
            )
        });
    }
    if raw.met.is_none() {
        f.push(FieldError::new(
            "met",
            "required",
            "Velg truffet eller ikke truffet.",
            "Choose met or not met.",
        ));
    }
    let mut topics = Vec::new();
    for t in &raw.topics {
        match ContactTopic::from_code(t.trim()) {
            Some(t) if !topics.contains(&t) => topics.push(t),
            Some(_) => {}
            None => f.push(FieldError::new(
                "topics",
                "unknown_topic",
                "Ukjent tema.",
                "Unknown topic.",
            )),
        }
    }
    let place = f.check("place", ShortText::parse_optional(&raw.place));
    let note = f.check("note", LongText::parse_optional(&raw.note));
    let mut staff = Vec::new();
    for s in &raw.staff {
        if !staff.contains(s) {
            staff.push(*s);
        }
    }
    Some(ContactInput {
        occurred_at: start?,
        duration_min: duration?,
        kind: kind?,
        met: raw.met?,
        staff,
        place: place?,
        topics,
        note: note?,
    })
}

/// A staff member who took part.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactStaff {
    /// Staff id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Employer.
    pub org_name: String,
}

/// One version of a signed note.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoteVersion {
    /// Id of this version (the record entry).
    pub id: Uuid,
    /// 1 for the first version.
    pub version: i64,
    /// Signed.
    pub written_at: DateTime<Utc>,
    /// Who signed it.
    pub author_name: String,
    /// Text; absent when withheld (a health note for a reader without health scope).
    pub body: Option<String>,
}

/// A signed note with its versions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Note {
    /// The first version's id (the note's identity).
    pub id: Uuid,
    /// The current version's id (correct this one).
    pub current_id: Uuid,
    /// Health note or social note.
    pub kind: RecordEntryKind,
    /// Author of the first version.
    pub author_id: Uuid,
    /// Their name.
    pub author_name: String,
    /// Owning organisation.
    pub owner_org_name: String,
    /// First signed.
    pub written_at: DateTime<Utc>,
    /// The current text; absent when withheld.
    pub body: Option<String>,
    /// The text is a health note the reader's grant does not cover ("journalnotat skjult").
    pub withheld: bool,
    /// The current version number.
    pub version: i64,
    /// Every version, oldest first (the last is the current one).
    pub versions: Vec<NoteVersion>,
}

/// A contact with the person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contact {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Start.
    pub occurred_at: DateTime<Utc>,
    /// Minutes.
    pub duration_min: i64,
    /// `ContactKind` code.
    #[schema(schema_with = contact_kind_schema)]
    pub kind: String,
    /// Met (true) or not met ("ikke truffet").
    pub met: bool,
    /// Where.
    pub place: Option<String>,
    /// Who logged it.
    pub logged_by: Uuid,
    /// Their name.
    pub logged_by_name: String,
    /// Who took part.
    pub staff: Vec<ContactStaff>,
    /// `ContactTopic` codes.
    #[schema(schema_with = contact_topics_schema)]
    pub topics: Vec<String>,
    /// The note, if one was written.
    pub note: Option<Note>,
}

/// The OpenAPI schema of a contact kind code.
pub fn contact_kind_schema() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ContactKind::ALL.iter().map(|k| k.code())))
}

/// The OpenAPI schema of a list of topic codes.
pub fn contact_topics_schema() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(ContactTopic::ALL.iter().map(|k| k.code()))),
    )
}

/// What a timeline item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    /// A contact (with its note).
    Contact,
    /// A note that belongs to no contact.
    Note,
    /// A change of the level of effort.
    Level,
    /// A referral received.
    Referral,
    /// An intake decision.
    Decision,
    /// A decision on the person at the team meeting ("Teammøte").
    MeetingDecision,
    /// A version of the person's individual plan: made (version 1) or revised.
    Plan,
}

/// One item of the person's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineItem {
    /// What it is.
    pub kind: TimelineKind,
    /// When (a contact's start, a note's first signing, a level's recording, a referral's
    /// receipt, a decision).
    pub at: DateTime<Utc>,
    /// The item's id (contact, note, level change, referral, decision).
    pub id: Uuid,
    /// For `contact`.
    pub contact: Option<Contact>,
    /// For `note`.
    pub note: Option<Note>,
    /// For `level` and `decision`: the level of effort.
    pub level: Option<i64>,
    /// For `level`: from which date.
    pub level_from: Option<NaiveDate>,
    /// For `referral`: the receipt number.
    pub receipt_number: Option<String>,
    /// For `referral`: the referring agency's kind code.
    pub agency_kind: Option<String>,
    /// For `decision`: the outcome code.
    pub outcome: Option<String>,
    /// For `decision`: the referral decided.
    pub referral_id: Option<Uuid>,
    /// For `meeting_decision`: the meeting's day.
    pub held_on: Option<NaiveDate>,
    /// For `meeting_decision`: what was discussed (only under a grant that covers health).
    pub topic: Option<String>,
    /// For `meeting_decision`: what was decided (only under a grant that covers health).
    pub decision: Option<String>,
    /// For `meeting_decision`: who follows it up.
    pub follow_up: Option<String>,
    /// For `meeting_decision`: the topic and decision were left out (health content, and the
    /// reader's grant does not cover health).
    pub withheld: bool,
    /// For `plan`: the plan (its content is read on its own page, by health personnel).
    pub plan_id: Option<Uuid>,
    /// For `plan`: the version's number (1: the plan was made; later: revised).
    pub plan_version: Option<i64>,
}

impl TimelineItem {
    fn new(kind: TimelineKind, at: DateTime<Utc>, id: Uuid) -> TimelineItem {
        TimelineItem {
            kind,
            at,
            id,
            contact: None,
            note: None,
            level: None,
            level_from: None,
            receipt_number: None,
            agency_kind: None,
            outcome: None,
            referral_id: None,
            held_on: None,
            topic: None,
            decision: None,
            follow_up: None,
            withheld: false,
            plan_id: None,
            plan_version: None,
        }
    }
}

/// One page of the timeline, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    /// The items.
    pub items: Vec<TimelineItem>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<String>,
    /// When the person was last met (first page only; `None` on the person's page, which
    /// reads it with the rest of the contact state in `keeping::for_list`).
    pub last_met: Option<DateTime<Utc>>,
}

/// One page of a person's contacts, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactPage {
    /// The contacts.
    pub items: Vec<Contact>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<String>,
}

/// A cursor for `before=`: the time and id of the last item shown.
pub fn cursor(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}~{}", at.to_rfc3339_opts(SecondsFormat::AutoSi, true), id)
}

/// Reads a `before=` cursor (field error `before` otherwise).
pub fn parse_cursor(s: &str) -> Result<Before, FieldError> {
    let bad = || {
        FieldError::new(
            "before",
            "invalid_cursor",
            "Ugyldig posisjon i tidslinjen. Bruk verdien fra «next».",
            "Invalid position in the timeline. Use the value from \"next\".",
        )
    };
    let (at, id) = s.split_once('~').ok_or_else(bad)?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| bad())?
        .with_timezone(&Utc);
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok(Before { at, id })
}

/// A page size: 1 to [`MAX_PAGE`], default 20.
pub fn page_size(limit: Option<i64>) -> Result<i64, FieldError> {
    match limit {
        None => Ok(20),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new(
            "limit",
            "out_of_range",
            "Antall må være mellom 1 og 100.",
            "The limit must be between 1 and 100.",
        )),
    }
}

/// The team's enabled members, from the login cache when it holds them at the writer's
/// current auth epoch (a change to a membership or a staff member moves it before it is
/// acknowledged), otherwise read and remembered. The epoch is read before the database, as
/// for logins, so a list read while a change commits is stale when it is stored.
async fn team_members(app: &App, team: Uuid) -> AppResult<Vec<Uuid>> {
    let epoch = app.writer.auth_epoch();
    if let Some(m) = app.auth_cache.team_members(team, epoch) {
        return Ok(m);
    }
    let m = store::contacts::team_members(&app.db, team).await?;
    app.auth_cache.put_team_members(team, m.clone(), epoch);
    Ok(m)
}

fn unknown_staff() -> AppError {
    AppError::field(FieldError::new(
        "staff",
        "staff_not_in_team",
        "Én eller flere av de ansatte finnes ikke eller er ikke med i personens team.",
        "One or more of the staff do not exist or are not in the person's team.",
    ))
}

/// The kind of note the actor writes: health personnel write health notes, everyone else
/// (a NAV officer, a housing adviser) social notes.
pub fn note_kind_of(actor: &Actor) -> EntryKind {
    if is_health_personnel(actor) {
        EntryKind::Health
    } else {
        EntryKind::Social
    }
}

/// Logs a contact from the contact form. The form's note is the author's draft for the
/// person (autosaved while typing, the same draft as the person's page), so the draft is
/// removed in the contact's own transaction: signed with the contact, or dropped when the
/// author emptied the note.
pub async fn log_from_form(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: ContactInput,
) -> AppResult<Uuid> {
    let forget = store::contacts::delete_draft(actor.staff_id, grant.client_id());
    log(app, actor, grant, Uuid::now_v7(), input, vec![forget]).await
}

/// Logs a contact (with its note, signed at once) under a grant. `id` is chosen by the
/// caller so an idempotent answer can be stored in `extra`, in the same transaction.
pub async fn log(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    id: Uuid,
    input: ContactInput,
    extra: Vec<Stmt>,
) -> AppResult<Uuid> {
    let staff = if input.staff.is_empty() {
        vec![actor.staff_id]
    } else {
        input.staff.clone()
    };
    let members = team_members(app, grant.team_id()).await?;
    if staff.iter().any(|s| !members.contains(s)) {
        return Err(unknown_staff());
    }
    let mut audit = audit_allowed(actor, grant, "contact.create", &format!("contact:{id}"));
    let at = audit.at;
    let topics: Vec<&'static str> = input.topics.iter().map(|t| t.code()).collect();
    let mut stmts = store::contacts::insert(
        &store::contacts::NewContact {
            id,
            client_id: grant.client_id(),
            team_id: grant.team_id(),
            occurred_at: input.occurred_at,
            duration_min: input.duration_min,
            kind: input.kind.code(),
            met: input.met,
            place: input.place.as_ref().map(|p| p.as_str().to_string()),
            logged_by: actor.staff_id,
            owner_org_id: actor.home_org_id,
            created_at: at,
        },
        &staff,
        &topics,
    );
    if let Some(note) = &input.note {
        let kind = note_kind_of(actor);
        let eid = Uuid::now_v7();
        stmts.push(store::contacts::insert_note(&store::contacts::NewNote {
            id: eid,
            client_id: grant.client_id(),
            author_id: actor.staff_id,
            owner_org_id: actor.home_org_id,
            at,
            kind: kind.code().to_string(),
            topic: None,
            body: note.as_str().to_string(),
            contact_id: Some(id),
            supersedes_id: None,
            version_of: None,
            version: 1,
        }));
        // The audit row names the resources and the basis last (audit_allowed's order).
        audit.resources = format!(
            "contact:{id},record_entry:{eid},kind:{},basis:{}",
            kind.code(),
            grant.basis().code()
        );
    }
    stmts.extend(extra);
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(id)
}

/// Checks that a replayed contact-create answer may still be seen: the caller must still
/// open the person (a refusal is audited); the replay itself is audited.
pub async fn check_replay(app: &App, actor: &Actor, client: Uuid, contact: Uuid) -> AppResult<()> {
    let grant = open_client(app, actor, client, Purpose::Treat).await?;
    let audit = audit_allowed(
        actor,
        &grant,
        "contact.create_replayed",
        &format!("contact:{contact}"),
    );
    app.writer.write(WriteOp::audit_only(vec![audit])).await?;
    Ok(())
}

fn notes_from(rows: Vec<NoteRow>, health: bool) -> Vec<Note> {
    // Group the versions by the first version, keeping the order of first appearance.
    let mut order: Vec<Uuid> = Vec::new();
    let mut by_root: HashMap<Uuid, Vec<NoteRow>> = HashMap::new();
    for r in rows {
        let root = r.root();
        if !by_root.contains_key(&root) {
            order.push(root);
        }
        by_root.entry(root).or_default().push(r);
    }
    order
        .into_iter()
        .filter_map(|root| {
            let mut v = by_root.remove(&root)?;
            v.sort_by_key(|r| r.version);
            let first = v.first()?.clone();
            let last = v.last()?.clone();
            let kind = EntryKind::from_code(&first.kind).unwrap_or(EntryKind::Health);
            let withheld = kind == EntryKind::Health && !health;
            Some(Note {
                id: root,
                current_id: last.id,
                kind: kind.into(),
                author_id: first.author_id,
                author_name: first.author_name.clone(),
                owner_org_name: first.owner_org_name.clone(),
                written_at: first.written_at,
                body: if withheld { None } else { last.body.clone() },
                withheld,
                version: last.version,
                versions: v
                    .into_iter()
                    .map(|r| NoteVersion {
                        id: r.id,
                        version: r.version,
                        written_at: r.written_at,
                        author_name: r.author_name,
                        body: if withheld { None } else { r.body },
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Adds staff and notes to contact rows (a few queries for the whole page).
async fn assemble(app: &App, rows: Vec<ContactRow>, health: bool) -> AppResult<Vec<Contact>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    // Two reads side by side on the read pool.
    let (staff_rows, note_rows) = tokio::try_join!(
        store::contacts::staff_of(&app.db, &ids),
        store::contacts::notes_of_contacts(&app.db, &ids, health),
    )?;
    Ok(assemble_from(rows, staff_rows, note_rows, health))
}

/// Contacts from their rows and the rows of their staff and notes.
fn assemble_from(
    rows: Vec<ContactRow>,
    staff_rows: Vec<(Uuid, Uuid, String, String)>,
    note_rows: Vec<NoteRow>,
    health: bool,
) -> Vec<Contact> {
    let mut staff: HashMap<Uuid, Vec<ContactStaff>> = HashMap::new();
    for (c, id, name, org_name) in staff_rows {
        staff
            .entry(c)
            .or_default()
            .push(ContactStaff { id, name, org_name });
    }
    let contact_of: HashMap<Uuid, Uuid> = note_rows
        .iter()
        .filter_map(|n| n.contact_id.map(|c| (n.root(), c)))
        .collect();
    let mut notes: HashMap<Uuid, Note> = HashMap::new();
    for n in notes_from(note_rows, health) {
        if let Some(c) = contact_of.get(&n.id) {
            notes.insert(*c, n);
        }
    }
    rows.into_iter()
        .map(|r| Contact {
            staff: staff.remove(&r.id).unwrap_or_default(),
            topics: store::contacts::topics_of_column(&r.topics),
            note: notes.remove(&r.id),
            id: r.id,
            client_id: r.client_id,
            occurred_at: r.occurred_at,
            duration_min: r.duration_min,
            kind: r.kind,
            met: r.met,
            place: r.place,
            logged_by: r.logged_by,
            logged_by_name: r.logged_by_name,
        })
        .collect()
}

fn notes_resource(grant: &ReadGrant) -> &'static str {
    if grant.covers_health() {
        "record_entries"
    } else {
        "record_entries:social"
    }
}

/// One contact, audited. A contact the caller may not open is refused (and audited) by
/// `open_client`; an unknown id is a 404.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> AppResult<Contact> {
    let Some(row) = store::contacts::by_id(&app.db, id).await? else {
        let mut d = actor.audit("contact.read", Outcome::Denied);
        d.resources = format!("contact:{id},none:no_such_contact");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    };
    let grant = open_client(app, actor, row.client_id, Purpose::Treat).await?;
    let mut out = assemble(app, vec![row], grant.covers_health()).await?;
    let contact = out.pop().ok_or(AppError::NotFound)?;
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            &grant,
            "contact.read",
            &format!("contact:{id},{}", notes_resource(&grant)),
        )]))
        .await?;
    Ok(contact)
}

/// A page of the person's contacts, newest first, audited as one read.
pub async fn list(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    before: Option<Before>,
    limit: i64,
) -> AppResult<ContactPage> {
    let mut rows = store::contacts::page(
        &app.db,
        grant.client_id(),
        before.unwrap_or_else(Before::top),
        limit + 1,
    )
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        rows.last().map(|r| cursor(r.occurred_at, r.id))
    } else {
        None
    };
    let items = assemble(app, rows, grant.covers_health()).await?;
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            grant,
            "contact.list",
            &format!("contacts,{}", notes_resource(grant)),
        )]))
        .await?;
    Ok(ContactPage { items, next })
}

/// One page of the person's timeline: contacts, notes with their versions, level changes,
/// referrals, intake decisions and the team meeting's decisions, newest first. One indexed
/// query per source (each with a LIMIT), merged here; one audit row for the page. The first
/// page also says when the person was last met.
///
/// As in `clients::record`, the audit row is handed to the writer first and the reads run
/// side by side on the read pool meanwhile: the answer waits for the slowest of them
/// (normally the durable commit), not for their sum. Nothing is answered before the audit
/// row is committed; if it cannot be written, the read fails.
pub async fn timeline(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    before: Option<Before>,
    limit: i64,
) -> AppResult<Timeline> {
    timeline_page(app, actor, grant, before, limit, true).await
}

/// The timeline for the person's page, which reads last-met with the rest of the person's
/// contact state (`keeping::for_list`): the same page without its own last-met read.
pub async fn timeline_for_page(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    before: Option<Before>,
    limit: i64,
) -> AppResult<Timeline> {
    timeline_page(app, actor, grant, before, limit, false).await
}

async fn timeline_page(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    before: Option<Before>,
    limit: i64,
    with_last_met: bool,
) -> AppResult<Timeline> {
    let audit = app.writer.write(WriteOp::audit_only(vec![audit_allowed(
        actor,
        grant,
        "client.timeline",
        &format!(
            "timeline:contacts,{},episode_levels,referrals:admin,intake_decisions,{},plan_versions:dates",
            notes_resource(grant),
            if grant.covers_health() {
                "meeting_decisions"
            } else {
                "meeting_decisions:without_text"
            }
        ),
    )]));
    let (audited, read) = tokio::join!(
        audit,
        timeline_reads(app, grant, before, limit, with_last_met)
    );
    audited?;
    read
}

/// The reads behind [`timeline`].
async fn timeline_reads(
    app: &App,
    grant: &ReadGrant,
    before: Option<Before>,
    limit: i64,
    with_last_met: bool,
) -> AppResult<Timeline> {
    let health = grant.covers_health();
    let PageRows {
        contacts,
        notes,
        levels,
        referrals,
        decisions,
        meeting,
        plans,
        last_met,
    } = page_rows(
        app,
        grant,
        before,
        limit + 1,
        with_last_met && before.is_none(),
    )
    .await?;

    let mut keys: Vec<(DateTime<Utc>, Uuid, TimelineKind)> = Vec::new();
    keys.extend(
        contacts
            .iter()
            .map(|c| (c.occurred_at, c.id, TimelineKind::Contact)),
    );
    keys.extend(
        notes
            .iter()
            .map(|x| (x.written_at, x.id, TimelineKind::Note)),
    );
    keys.extend(levels.iter().map(|x| (x.at, x.id, TimelineKind::Level)));
    keys.extend(
        referrals
            .iter()
            .map(|x| (x.at, x.id, TimelineKind::Referral)),
    );
    keys.extend(
        decisions
            .iter()
            .map(|x| (x.at, x.id, TimelineKind::Decision)),
    );
    keys.extend(
        meeting
            .iter()
            .map(|x| (x.at, x.id, TimelineKind::MeetingDecision)),
    );
    keys.extend(plans.iter().map(|x| (x.at, x.id, TimelineKind::Plan)));
    keys.sort_by_key(|k| std::cmp::Reverse((k.0, k.1)));
    let more = keys.len() as i64 > limit;
    keys.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        keys.last().map(|k| cursor(k.0, k.1))
    } else {
        None
    };

    let shown = |kind: TimelineKind, id: Uuid| keys.iter().any(|k| k.2 == kind && k.1 == id);
    let contact_rows: Vec<ContactRow> = contacts
        .into_iter()
        .filter(|c| shown(TimelineKind::Contact, c.id))
        .collect();
    let note_roots: Vec<NoteRow> = notes
        .into_iter()
        .filter(|x| shown(TimelineKind::Note, x.id))
        .collect();
    let root_ids: Vec<Uuid> = note_roots.iter().map(|x| x.id).collect();
    let (contacts, later) = if app.db.backend() == Backend::Postgres {
        details_pg(app, contact_rows, &root_ids, health).await?
    } else {
        tokio::try_join!(assemble(app, contact_rows, health), async {
            Ok(store::contacts::later_versions(&app.db, &root_ids, health).await?)
        })?
    };
    let mut contacts: HashMap<Uuid, Contact> = contacts.into_iter().map(|c| (c.id, c)).collect();
    let mut all_versions = note_roots;
    all_versions.extend(later);
    let mut notes: HashMap<Uuid, Note> = notes_from(all_versions, health)
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let levels: HashMap<Uuid, _> = levels.into_iter().map(|x| (x.id, x)).collect();
    let referrals: HashMap<Uuid, _> = referrals.into_iter().map(|x| (x.id, x)).collect();
    let decisions: HashMap<Uuid, _> = decisions.into_iter().map(|x| (x.id, x)).collect();
    let mut meeting: HashMap<Uuid, _> = meeting.into_iter().map(|x| (x.id, x)).collect();
    let plans: HashMap<Uuid, _> = plans.into_iter().map(|x| (x.id, x)).collect();

    let items = keys
        .iter()
        .map(|&(at, id, kind)| {
            let mut item = TimelineItem::new(kind, at, id);
            match kind {
                TimelineKind::Contact => item.contact = contacts.remove(&id),
                TimelineKind::Note => item.note = notes.remove(&id),
                TimelineKind::Level => {
                    if let Some(l) = levels.get(&id) {
                        item.level = Some(l.level);
                        item.level_from = Some(l.from_date);
                    }
                }
                TimelineKind::Referral => {
                    if let Some(r) = referrals.get(&id) {
                        item.receipt_number = Some(r.receipt_number.clone());
                        item.agency_kind = Some(r.agency_kind.clone());
                    }
                }
                TimelineKind::Decision => {
                    if let Some(d) = decisions.get(&id) {
                        item.outcome = Some(d.outcome.clone());
                        item.level = d.level;
                        item.referral_id = Some(d.referral_id);
                    }
                }
                TimelineKind::MeetingDecision => {
                    if let Some(d) = meeting.remove(&id) {
                        item.held_on = Some(d.held_on);
                        item.withheld = !health;
                        item.topic = d.topic;
                        item.decision = d.decision;
                        item.follow_up = d.follow_up_name;
                    }
                }
                TimelineKind::Plan => {
                    if let Some(v) = plans.get(&id) {
                        item.plan_id = Some(v.plan_id);
                        item.plan_version = Some(v.version);
                    }
                }
            }
            item
        })
        .collect();
    Ok(Timeline {
        items,
        next,
        last_met,
    })
}

/// The rows one timeline page is merged from (each source `n` rows at most).
struct PageRows {
    contacts: Vec<ContactRow>,
    notes: Vec<NoteRow>,
    levels: Vec<store::contacts::LevelRow>,
    referrals: Vec<store::contacts::ReferralRow>,
    decisions: Vec<store::contacts::DecisionRow>,
    meeting: Vec<store::meetings::TimelineDecisionRow>,
    plans: Vec<store::plans::TimelineVersionRow>,
    last_met: Option<DateTime<Utc>>,
}

/// Reads the timeline's sources: on SQLite side by side, each on the caller's thread; on
/// PostgreSQL in one round trip ([`crate::db::Db::pg_lists`]), where a dozen short queries
/// each cost a round trip and a pooled connection of their own.
async fn page_rows(
    app: &App,
    grant: &ReadGrant,
    before: Option<Before>,
    n: i64,
    with_last_met: bool,
) -> AppResult<PageRows> {
    use store::contacts as sc;
    let client = grant.client_id();
    let team = grant.team_id();
    let health = grant.covers_health();
    let b = before.unwrap_or_else(Before::top);
    if app.db.backend() == Backend::Postgres {
        let mut queries = vec![
            sc::page_q(client, b, n),
            sc::notes_page_q(client, b, n, health),
            sc::levels_page_q(client, b, n),
            sc::referrals_page_q(client, b, n),
            sc::decisions_page_q(client, b, n),
            store::meetings::decisions_page_q(client, team, (b.at, b.id), n, health),
            store::plans::versions_page_q(client, team, (b.at, b.id), n),
        ];
        if with_last_met {
            queries.push(sc::last_met_q(client));
        }
        if let Some(l) = app.db.pg_lists(queries).await? {
            let last_met = match l.get(7) {
                Some(json) => parse_rows::<sc::LastMetRow>(json)?
                    .first()
                    .map(|r| r.occurred_at),
                None => None,
            };
            return Ok(PageRows {
                contacts: parse_rows(&l[0])?,
                notes: parse_rows(&l[1])?,
                levels: parse_rows(&l[2])?,
                referrals: parse_rows(&l[3])?,
                decisions: parse_rows(&l[4])?,
                meeting: parse_rows(&l[5])?,
                plans: parse_rows(&l[6])?,
                last_met,
            });
        }
    }
    let last_met = async {
        if with_last_met {
            sc::last_met(&app.db, client).await
        } else {
            Ok(None)
        }
    };
    let (contacts, notes, levels, referrals, decisions, meeting, plans, last_met) = tokio::try_join!(
        sc::page(&app.db, client, b, n),
        sc::notes_page(&app.db, client, b, n, health),
        sc::levels_page(&app.db, client, b, n),
        sc::referrals_page(&app.db, client, b, n),
        sc::decisions_page(&app.db, client, b, n),
        store::meetings::decisions_page(&app.db, client, team, b.at, b.id, n, health),
        store::plans::versions_page(&app.db, client, team, (b.at, b.id), n),
        last_met,
    )?;
    Ok(PageRows {
        contacts,
        notes,
        levels,
        referrals,
        decisions,
        meeting,
        plans,
        last_met,
    })
}

/// PostgreSQL: the shown contacts' staff and notes, and the later versions of the
/// shown notes, in one round trip. The rows come back in the order each query asks for, but
/// PostgreSQL does not promise to keep a subquery's order through `json_agg`, so the lists
/// whose order is shown are sorted here again.
async fn details_pg(
    app: &App,
    rows: Vec<ContactRow>,
    roots: &[Uuid],
    health: bool,
) -> AppResult<(Vec<Contact>, Vec<NoteRow>)> {
    use store::contacts as sc;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut queries = Vec::new();
    if !ids.is_empty() {
        queries.push(sc::staff_of_q(&ids));
        queries.push(sc::notes_of_contacts_q(&ids, health));
    }
    if !roots.is_empty() {
        queries.push(sc::later_versions_q(roots, health));
    }
    if queries.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let l = app
        .db
        .pg_lists(queries)
        .await?
        .ok_or_else(|| AppError::Internal("not PostgreSQL".into()))?;
    let mut l = l.iter();
    let (mut staff, mut notes) = (Vec::new(), Vec::new());
    if !ids.is_empty() {
        staff = parse_rows::<sc::StaffOfRow>(l.next().map_or("[]", |s| s.as_str()))?;
        notes = parse_rows::<NoteRow>(l.next().map_or("[]", |s| s.as_str()))?;
    }
    let mut later = match l.next() {
        Some(json) => parse_rows::<NoteRow>(json)?,
        None => Vec::new(),
    };
    staff.sort_by(|a, b| a.staff_name.cmp(&b.staff_name));
    notes.sort_by_key(|n| (n.version, n.written_at));
    later.sort_by_key(|n| n.version);
    let staff = staff
        .into_iter()
        .map(|r| (r.contact_id, r.staff_id, r.staff_name, r.org_name))
        .collect();
    Ok((assemble_from(rows, staff, notes, health), later))
}

/// The author's own draft for a person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Draft {
    /// Text.
    pub body: String,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
    /// The kind of note it becomes when signed (by the author's profession).
    pub kind: RecordEntryKind,
}

/// The actor's own draft for the person, audited. Nobody else's draft is ever read.
pub async fn draft(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Option<Draft>> {
    let row = store::contacts::draft(&app.db, actor.staff_id, grant.client_id()).await?;
    if row.is_some() {
        app.writer
            .write(WriteOp::audit_only(vec![audit_allowed(
                actor,
                grant,
                "note_draft.read",
                "note_draft:own",
            )]))
            .await?;
    }
    Ok(row.map(|r| Draft {
        body: r.body,
        updated_at: r.updated_at,
        kind: note_kind_of(actor).into(),
    }))
}

/// Saves the actor's draft for the person (replacing the previous one); an empty text
/// discards it.
pub async fn save_draft(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    body: Option<&LongText>,
) -> AppResult<()> {
    let audit = audit_allowed(actor, grant, "note_draft.save", "note_draft:own");
    let stmt = match body {
        Some(b) => {
            store::contacts::upsert_draft(actor.staff_id, grant.client_id(), b.as_str(), audit.at)
        }
        None => store::contacts::delete_draft(actor.staff_id, grant.client_id()),
    };
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// Signs the actor's draft for the person (after saving `body` as the draft, when given):
/// it becomes a record entry, a health note for health personnel and a social note for
/// others, and the draft is gone. No draft and no text is a field error on `body`.
pub async fn sign(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    body: Option<&LongText>,
) -> AppResult<Uuid> {
    let kind = note_kind_of(actor);
    if kind == EntryKind::Health {
        require_health(app, actor, grant, "record_entry.create").await?;
    }
    let id = Uuid::now_v7();
    let audit = audit_allowed(
        actor,
        grant,
        "record_entry.create",
        &format!("record_entry:{id},kind:{},from:draft", kind.code()),
    );
    let mut stmts = Vec::new();
    if let Some(b) = body {
        stmts.push(store::contacts::upsert_draft(
            actor.staff_id,
            grant.client_id(),
            b.as_str(),
            audit.at,
        ));
    }
    stmts.push(store::contacts::sign_draft(
        id,
        actor.staff_id,
        grant.client_id(),
        actor.home_org_id,
        kind.code(),
        audit.at,
    ));
    stmts.push(store::contacts::delete_draft(
        actor.staff_id,
        grant.client_id(),
    ));
    match app
        .writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(id),
        Err(AppError::NotFound) => Err(AppError::field(FieldError::new(
            "body",
            "no_draft",
            "Det er ikke noe utkast å signere. Skriv notatet først.",
            "There is no draft to sign. Write the note first.",
        ))),
        Err(e) => Err(e),
    }
}

/// Corrects a signed note: a new version that supersedes `entry` (which must be the current
/// version). Only the note's author corrects it; the old versions stay, visible as history.
pub async fn correct(app: &App, actor: &Actor, entry: Uuid, body: &LongText) -> AppResult<Uuid> {
    let Some(old) = store::contacts::note(&app.db, entry, false).await? else {
        let mut d = actor.audit("record_entry.correct", Outcome::Denied);
        d.resources = format!("record_entry:{entry},none:no_such_entry");
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::NotFound);
    };
    let grant = open_client(app, actor, old.client_id, Purpose::Treat).await?;
    if old.kind != EntryKind::Social.code() {
        require_health(app, actor, &grant, "record_entry.correct").await?;
    }
    if old.author_id != actor.staff_id {
        let mut d = audit_allowed(
            actor,
            &grant,
            "record_entry.correct",
            &format!("record_entry:{entry},none:not_the_author"),
        );
        d.outcome = Some(Outcome::Denied);
        app.writer.write(WriteOp::audit_only(vec![d])).await?;
        return Err(AppError::Forbidden(Text::new(
            "Bare den som skrev notatet kan rette det.",
            "Only the author of a note can correct it.",
        )));
    }
    let superseded = || {
        AppError::Conflict(Text::new(
            "Notatet er allerede rettet. Rett den nyeste versjonen.",
            "The note has already been corrected. Correct the newest version.",
        ))
    };
    if store::contacts::is_superseded(&app.db, entry).await? {
        return Err(superseded());
    }
    let id = Uuid::now_v7();
    let audit = audit_allowed(
        actor,
        &grant,
        "record_entry.correct",
        &format!(
            "record_entry:{id},supersedes:{entry},kind:{},version:{}",
            old.kind,
            old.version + 1
        ),
    );
    let stmt = store::contacts::insert_note(&store::contacts::NewNote {
        id,
        client_id: old.client_id,
        author_id: actor.staff_id,
        owner_org_id: actor.home_org_id,
        at: audit.at,
        kind: old.kind.clone(),
        topic: old.topic.clone(),
        body: body.as_str().to_string(),
        contact_id: old.contact_id,
        supersedes_id: Some(entry),
        version_of: Some(old.root()),
        version: old.version + 1,
    });
    match app
        .writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(id),
        // A concurrent correction of the same version won (unique supersedes_id).
        Err(AppError::Conflict(_)) => Err(superseded()),
        Err(e) => Err(e),
    }
}
