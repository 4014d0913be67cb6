//! Clients (the people the team follows) and their record.

use benk_domain::{
    BirthYear, EntryKind, LongText, Municipality, NationalId, PersonName, Phone, SocialTopic,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{audit_allowed, require_health, today, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::care::{self, CareRelationship};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
use crate::App;

/// Validated client fields (from a form or JSON body).
#[derive(Debug, Clone)]
pub struct ClientInput {
    /// Name (required).
    pub name: PersonName,
    /// Fødselsnummer or D-number, if the person gives one.
    pub national_id: Option<NationalId>,
    /// Birth year, when there is no national id.
    pub birth_year: Option<BirthYear>,
    /// Phone.
    pub phone: Option<Phone>,
    /// Municipality of residence.
    pub municipality: Option<Municipality>,
}

/// A client as shown in lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClientSummary {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Birth year (from the national id or given).
    pub birth_year: Option<i64>,
    /// Phone.
    pub phone: Option<String>,
    /// Municipality.
    pub municipality: Option<String>,
    /// Keeping contact: level, days since last met against the team's threshold.
    pub keeping: Option<crate::keeping::Keeping>,
    /// The next planned appointment's start.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_appointment_at: Option<DateTime<Utc>>,
    /// Its kind (`ContactKind` code).
    pub next_appointment_kind: Option<String>,
}

/// The basic part of a client's record (any grant).
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Client {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// Name.
    pub name: String,
    /// National id.
    pub national_id: Option<String>,
    /// `fodselsnummer` or `d_number`.
    pub national_id_kind: Option<String>,
    /// Birth year.
    pub birth_year: Option<i64>,
    /// Phone.
    pub phone: Option<String>,
    /// Municipality of residence.
    pub municipality: Option<String>,
    /// Organisation that registered the client.
    pub owner_org_id: Uuid,
    /// Registered.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

crate::fast_row!(Client {
    id,
    team_id,
    name,
    national_id,
    national_id_kind,
    birth_year,
    phone,
    municipality,
    owner_org_id,
    created_at,
    updated_at
});

/// The kind of a record entry, as the API and the pages name it (`benk_domain::EntryKind`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RecordEntryKind {
    /// A health note (health personnel only).
    #[default]
    Health,
    /// A social note: the whole care team sees it; no health content.
    Social,
}

impl RecordEntryKind {
    /// The stored code (`EntryKind::code`).
    pub fn code(self) -> &'static str {
        match self {
            RecordEntryKind::Health => EntryKind::Health.code(),
            RecordEntryKind::Social => EntryKind::Social.code(),
        }
    }
}

impl SocialNoteTopic {
    /// The stored code (`SocialTopic::code`).
    pub fn code(self) -> &'static str {
        SocialTopic::from(self).code()
    }
}

impl From<EntryKind> for RecordEntryKind {
    fn from(k: EntryKind) -> Self {
        match k {
            EntryKind::Health => RecordEntryKind::Health,
            EntryKind::Social => RecordEntryKind::Social,
        }
    }
}

/// The topic of a social note, as the API names it (`benk_domain::SocialTopic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SocialNoteTopic {
    /// Finances, benefits, debt.
    Finances,
    /// Housing.
    Housing,
    /// NAV measures.
    NavMeasures,
    /// Practical help.
    PracticalHelp,
}

impl From<SocialTopic> for SocialNoteTopic {
    fn from(t: SocialTopic) -> Self {
        match t {
            SocialTopic::Finances => SocialNoteTopic::Finances,
            SocialTopic::Housing => SocialNoteTopic::Housing,
            SocialTopic::NavMeasures => SocialNoteTopic::NavMeasures,
            SocialTopic::PracticalHelp => SocialNoteTopic::PracticalHelp,
        }
    }
}

impl From<SocialNoteTopic> for SocialTopic {
    fn from(t: SocialNoteTopic) -> Self {
        match t {
            SocialNoteTopic::Finances => SocialTopic::Finances,
            SocialNoteTopic::Housing => SocialTopic::Housing,
            SocialNoteTopic::NavMeasures => SocialTopic::NavMeasures,
            SocialNoteTopic::PracticalHelp => SocialTopic::PracticalHelp,
        }
    }
}

/// A record entry, owned by the author's employer: a health note (health content) or a
/// social note (no health content; the whole care team sees it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordEntry {
    /// Id.
    pub id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// Author's name.
    pub author_name: String,
    /// Owning organisation (the author's employer at the time).
    pub owner_org_id: Uuid,
    /// Its name.
    pub owner_org_name: String,
    /// Written.
    pub written_at: DateTime<Utc>,
    /// Health note or social note.
    pub kind: RecordEntryKind,
    /// The topic of a social note.
    pub topic: Option<SocialNoteTopic>,
    /// Text.
    pub body: String,
}

/// What a grant lets the reader see of a record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClientRecord {
    /// Basic data.
    pub client: Client,
    /// The care team: everyone with an active relationship.
    pub care_team: Vec<CareRelationship>,
    /// The entries the grant covers, newest first: every entry with health scope, only
    /// social notes without it.
    pub entries: Vec<RecordEntry>,
    /// Health notes exist but were not read, because the grant does not cover health.
    pub health_entries_withheld: bool,
}

/// The answer to a second record for one national id in one team. It names
/// nothing about the existing record; other teams' records are never
/// consulted (each team keeps its own record, so there is no conflict to reveal).
fn duplicate_id() -> AppError {
    AppError::field(FieldError::new(
        "national_id",
        "duplicate",
        "Teamet har allerede en journal for dette fødselsnummeret. Be teamleder om tilgang om du skal følge opp personen. Forsøket er logget.",
        "The team already has a record for this national identity number. Ask the team lead for access if you are to follow the person up. The attempt has been logged.",
    ))
}

fn fields_of(input: &ClientInput) -> store::clients::ClientFields {
    use chrono::Datelike;
    store::clients::ClientFields {
        name: input.name.as_str().to_string(),
        national_id: input.national_id.as_ref().map(|n| n.as_str().to_string()),
        national_id_kind: input
            .national_id
            .as_ref()
            .map(|n| n.kind().code().to_string()),
        birth_year: input
            .national_id
            .as_ref()
            .map(|n| i64::from(n.birth_date().year()))
            .or(input.birth_year.map(|y| i64::from(y.value()))),
        phone: input.phone.as_ref().map(|p| p.as_str().to_string()),
        municipality: input.municipality.as_ref().map(|m| m.as_str().to_string()),
    }
}

/// Registers a client in one of the actor's teams. The creator gets a care
/// relationship from today, so they can keep working with the person. `id` is
/// chosen by the caller (so an idempotent API answer can be stored in `extra`,
/// which runs in the same transaction).
pub async fn create(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    id: Uuid,
    input: ClientInput,
    extra: Vec<Stmt>,
) -> AppResult<Uuid> {
    if !actor.memberships.iter().any(|m| m.team_id == team_id) {
        return Err(AppError::Forbidden(Text::new(
            "Du kan bare registrere personer i egne team.",
            "You can only register people in your own teams.",
        )));
    }
    if let Some(n) = &input.national_id {
        // Only this team's records: a record in another team is that team's.
        if let Some(existing) = store::clients::id_in_team(&app.db, team_id, n.as_str()).await? {
            let mut d = actor.audit("client.create", Outcome::Denied);
            d.client_id = Some(existing);
            d.purpose = Some("TREAT".into());
            d.resources = "none:national_id_already_in_team".into();
            app.writer.write(WriteOp::audit_only(vec![d])).await?;
            return Err(duplicate_id());
        }
    }
    let mut audit = actor.audit("client.create", Outcome::Allowed);
    audit.client_id = Some(id);
    audit.purpose = Some("TREAT".into());
    audit.resources = "client:basic".into();
    let now = audit.at;
    let op = WriteOp {
        stmts: vec![
            store::clients::insert(&store::clients::NewClient {
                id,
                team_id,
                fields: fields_of(&input),
                owner_org_id: actor.home_org_id,
                created_by: actor.staff_id,
                at: now,
            }),
            care::insert_stmt(
                Uuid::now_v7(),
                id,
                care::Holder::Staff(actor.staff_id),
                today(),
                Some(care::default_end(today())),
                "Registrerte personen / registered the person",
                actor,
                now,
            ),
        ]
        .into_iter()
        .chain(extra)
        .collect(),
        audit: vec![audit],
    };
    match app.writer.write(op).await.map_err(AppError::from) {
        Ok(()) => Ok(id),
        Err(AppError::Conflict(_)) => {
            // A concurrent registration of the same number in this team won.
            let mut d = actor.audit("client.create", Outcome::Denied);
            d.purpose = Some("TREAT".into());
            d.resources = "none:national_id_already_in_team".into();
            app.writer.write(WriteOp::audit_only(vec![d])).await?;
            Err(duplicate_id())
        }
        Err(other) => Err(other),
    }
}

/// Changes a client's basic data.
pub async fn update(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    input: ClientInput,
) -> AppResult<()> {
    let audit = audit_allowed(actor, grant, "client.update", "client:basic");
    let op = WriteOp {
        stmts: vec![store::clients::update(
            grant.client_id(),
            &fields_of(&input),
            audit.at,
        )],
        audit: vec![audit],
    };
    match app.writer.write(op).await.map_err(AppError::from) {
        Ok(()) => Ok(()),
        Err(AppError::Conflict(_)) => {
            // Another record of this team has the number: refused and audited,
            // without naming that record.
            let mut d = actor.audit("client.update", Outcome::Denied);
            d.client_id = Some(grant.client_id());
            d.purpose = Some(grant.purpose().code().to_string());
            d.resources = "none:national_id_already_in_team".into();
            app.writer.write(WriteOp::audit_only(vec![d])).await?;
            Err(duplicate_id())
        }
        Err(other) => Err(other),
    }
}

/// Reads a client's record to the extent the grant covers, and audits the read.
///
/// The reads run side by side on the read pool, and the audit row is handed
/// to the writer at the same time: the answer waits for the slowest of them
/// (normally the durable commit of the audit row) instead of for their sum.
/// Nothing is answered before the audit row is committed; if the audit row
/// cannot be written, the read fails.
pub async fn record(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<ClientRecord> {
    let resources = if grant.covers_health() {
        "client:basic,contact,care_team,record_entries"
    } else {
        "client:basic,contact,care_team,record_entries:social"
    };
    let audit = app.writer.write(WriteOp::audit_only(vec![audit_allowed(
        actor,
        grant,
        "client.read",
        resources,
    )]));
    let reads = async {
        if let Some(read) = record_pg(app, grant).await? {
            return Ok(read);
        }
        let health_withheld = async {
            Ok::<_, AppError>(
                !grant.covers_health()
                    && store::clients::has_health_entries(&app.db, grant.client_id()).await?,
            )
        };
        tokio::try_join!(
            async {
                store::clients::by_id(&app.db, grant.client_id())
                    .await?
                    .ok_or(AppError::NotFound)
            },
            care::active_for_client(app, grant.client_id()),
            entries(app, grant),
            health_withheld,
        )
    };
    let (audited, read) = tokio::join!(audit, reads);
    audited?;
    let (client, care_team, entries, health_entries_withheld) = read?;
    Ok(ClientRecord {
        client,
        care_team,
        entries,
        health_entries_withheld,
    })
}

/// PostgreSQL: the reads of [`record`] in one round trip (`Db::pg_lists`); `None` on SQLite,
/// where each is a call on the caller's thread. The care team is sorted by name again, as
/// its query asks (PostgreSQL does not promise to keep it through `json_agg`), and the
/// entries newest first.
async fn record_pg(
    app: &App,
    grant: &ReadGrant,
) -> AppResult<Option<(Client, Vec<CareRelationship>, Vec<RecordEntry>, bool)>> {
    use crate::db::parse_rows;
    if app.db.backend() != crate::db::Backend::Postgres {
        return Ok(None);
    }
    let client = grant.client_id();
    let mut queries = vec![
        store::clients::by_id_q(client),
        store::care::active_for_client_q(client, today()),
        store::clients::entries_q(client, !grant.covers_health()),
    ];
    if !grant.covers_health() {
        queries.push(store::clients::has_health_entries_q(client));
    }
    let Some(l) = app.db.pg_lists(queries).await? else {
        return Ok(None);
    };
    let found = parse_rows::<Client>(&l[0])?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let mut care_team = parse_rows::<CareRelationship>(&l[1])?;
    care_team.sort_by(|a, b| a.holder_name.cmp(&b.holder_name));
    let mut rows = parse_rows::<store::clients::EntryRow>(&l[2])?;
    rows.sort_by_key(|r| std::cmp::Reverse(r.written_at));
    let withheld = match l.get(3) {
        Some(json) => parse_rows::<store::clients::Count>(json)?
            .first()
            .is_some_and(|c| c.n > 0),
        None => false,
    };
    Ok(Some((found, care_team, entries_from(rows), withheld)))
}

/// The basic data only (for edit forms), audited.
pub async fn basic(app: &App, actor: &Actor, grant: &ReadGrant) -> AppResult<Client> {
    let client = store::clients::by_id(&app.db, grant.client_id())
        .await?
        .ok_or(AppError::NotFound)?;
    app.writer
        .write(WriteOp::audit_only(vec![audit_allowed(
            actor,
            grant,
            "client.read",
            "client:basic,contact",
        )]))
        .await?;
    Ok(client)
}

/// The entries the grant covers: without health scope, health notes are not read at all.
async fn entries(app: &App, grant: &ReadGrant) -> AppResult<Vec<RecordEntry>> {
    let rows = store::clients::entries(&app.db, grant.client_id(), !grant.covers_health()).await?;
    Ok(entries_from(rows))
}

/// Record entries from their rows.
fn entries_from(rows: Vec<store::clients::EntryRow>) -> Vec<RecordEntry> {
    rows.into_iter()
        .map(|r| RecordEntry {
            id: r.id,
            author_id: r.author_id,
            author_name: r.author_name,
            owner_org_id: r.owner_org_id,
            owner_org_name: r.owner_org_name,
            written_at: r.written_at,
            // The schema's CHECK allows only these codes; anything else is shown as health
            // content, the safe side.
            kind: EntryKind::from_code(&r.kind)
                .unwrap_or(EntryKind::Health)
                .into(),
            topic: r
                .topic
                .as_deref()
                .and_then(SocialTopic::from_code)
                .map(Into::into),
            body: r.body,
        })
        .collect()
}

/// What kind of entry to write: a health note, or a social note with its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewEntryKind {
    /// A health note (health personnel only).
    Health,
    /// A social note on one of the non-health remits; the form says it must hold no health content.
    Social(SocialTopic),
}

impl NewEntryKind {
    /// The stored kind.
    pub fn kind(self) -> EntryKind {
        match self {
            NewEntryKind::Health => EntryKind::Health,
            NewEntryKind::Social(_) => EntryKind::Social,
        }
    }
}

/// Writes a record entry, owned by the author's home employer. A health note needs a grant
/// with health scope (a refusal is audited); a social note may be written by anyone in the
/// care team.
pub async fn add_entry(
    app: &App,
    actor: &Actor,
    grant: &ReadGrant,
    kind: NewEntryKind,
    body: &LongText,
) -> AppResult<Uuid> {
    if kind.kind().required_scope().includes_health() {
        require_health(app, actor, grant, "record_entry.create").await?;
    }
    let topic = match kind {
        NewEntryKind::Health => None,
        NewEntryKind::Social(t) => Some(t.code()),
    };
    let body = body.as_str();
    let id = Uuid::now_v7();
    let audit = audit_allowed(
        actor,
        grant,
        "record_entry.create",
        &format!("record_entry:{id},kind:{}", kind.kind().code()),
    );
    app.writer
        .write(WriteOp {
            stmts: vec![store::clients::insert_entry(&store::clients::NewEntry {
                id,
                client_id: grant.client_id(),
                author_id: actor.staff_id,
                owner_org_id: actor.home_org_id,
                at: audit.at,
                kind: kind.kind().code(),
                topic,
                body,
            })],
            audit: vec![audit],
        })
        .await?;
    Ok(id)
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Clients with the actor's own care relationship ("my clients").
    Mine,
    /// All clients the actor may see (own or through a team).
    Visible,
}

/// Lists clients the actor may see, optionally filtered by name, and audits
/// the list ONCE: one row naming every client shown with the basis on which
/// the actor sees them (see [`crate::audit::list_resources`] for the format),
/// not one row per client.
pub async fn list(
    app: &App,
    actor: &Actor,
    kind: ListKind,
    query: Option<&str>,
) -> AppResult<Vec<ClientSummary>> {
    let q = query
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("%{}%", q.to_lowercase()));
    // Every list starts from the access module's "visible clients" rule; the
    // basis of each row goes into the list's audit row.
    let v = crate::access::visible(app, actor, "c", "$1", "$2", 4).await?;
    let rows = store::clients::list(
        &app.db,
        v,
        actor.staff_id,
        today(),
        q,
        kind == ListKind::Mine,
    )
    .await?;
    if !rows.is_empty() {
        let action = match kind {
            ListKind::Mine => "client.list_mine",
            ListKind::Visible => "client.list",
        };
        let shown: Vec<(Uuid, &str)> = rows.iter().map(|c| (c.id, c.basis.as_str())).collect();
        let audit = crate::audit::list_audit(
            actor,
            action,
            "TREAT",
            "client:name,contact,keeping,appointment:next",
            &shown,
        );
        app.writer.write(WriteOp::audit_only(audit)).await?;
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut keeping = crate::keeping::for_list(app, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (k, next) = keeping
                .remove(&r.id)
                .map(|(k, n)| (Some(k), n))
                .unwrap_or((None, None));
            ClientSummary {
                id: r.id,
                name: r.name,
                birth_year: r.birth_year,
                phone: r.phone,
                municipality: r.municipality,
                keeping: k,
                next_appointment_at: next.as_ref().map(|n| n.0),
                next_appointment_kind: next.map(|n| n.1),
            }
        })
        .collect())
}

/// Checks a date is not in the future (Norwegian time).
pub fn not_future(field: &str, d: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d > today() {
        Err(FieldError::new(
            field,
            "future_date",
            "Datoen kan ikke være fram i tid.",
            "The date cannot be in the future.",
        ))
    } else {
        Ok(d)
    }
}
