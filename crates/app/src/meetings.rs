//! The weekly team meeting ("teammøte", issue 9; C-Flex meets every Thursday): a meeting on a
//! day, an agenda of people and referrals put up for discussion, and what was decided on each
//! item (text and an optional follow-up owner).
//!
//! Team members read the meetings. A person's item is shown in full (name, topic, decision) to
//! a reader who may open that person's record, and as initials only to others; a referral's item
//! only to those with intake rights (as the intake board). Each read of a meeting is one audit
//! row naming every person shown. Putting a person up and recording a decision on their item
//! need access to the person; a referral's item needs intake rights.

use std::collections::BTreeSet;

use benk_domain::{Purpose, ShortText, TeamRole};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{open_client, today, visible, ReadGrant};
use crate::actor::Actor;
use crate::audit::Outcome;
use crate::board::initials;
use crate::caseload::{clients_resource, require_member};
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::referrals::open_intake;
use crate::store;
use crate::App;

/// A meeting in the list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingSummary {
    /// Id.
    pub id: Uuid,
    /// The day.
    pub held_on: NaiveDate,
    /// Agenda items.
    pub items: i64,
    /// Items with a decision.
    pub decided: i64,
}

/// An agenda item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaItem {
    /// Id.
    pub id: Uuid,
    /// `client` or `referral`.
    pub kind: String,
    /// The person (a person's item).
    pub client_id: Option<Uuid>,
    /// The person's name, where the reader may open their record.
    pub name: Option<String>,
    /// The person's initials (a person's item).
    pub initials: Option<String>,
    /// The referral (a referral's item).
    pub referral_id: Option<Uuid>,
    /// The referral's receipt number.
    pub receipt_number: Option<String>,
    /// Whether the reader may see the item's content (topic and decision).
    pub shown: bool,
    /// What to discuss (only when shown).
    pub topic: Option<String>,
    /// Who put it up.
    pub added_by: String,
    /// What was decided (only when shown).
    pub decision: Option<String>,
    /// Who follows it up.
    pub follow_up_by: Option<Uuid>,
    /// Their name.
    pub follow_up_name: Option<String>,
    /// Who recorded the decision.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

/// A meeting with its agenda.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The day.
    pub held_on: NaiveDate,
    /// The agenda the reader may see (referral items only with intake rights).
    pub items: Vec<AgendaItem>,
    /// Referral items left out (the reader has no intake rights).
    pub hidden_referrals: u32,
    /// Whether the reader may put referrals up (intake rights).
    pub may_add_referrals: bool,
}

/// A decision on one of the person's agenda items, for their timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingDecision {
    /// The item.
    pub item_id: Uuid,
    /// The meeting's day.
    pub held_on: NaiveDate,
    /// What was discussed.
    pub topic: String,
    /// What was decided.
    pub decision: String,
    /// Who follows it up.
    pub follow_up: Option<String>,
    /// Who recorded it.
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// What to put on the agenda.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    /// A person the team follows.
    Client(Uuid),
    /// A referral under intake.
    Referral(Uuid),
}

fn has_intake(actor: &Actor, team_id: Uuid) -> bool {
    actor.has_role_in(
        team_id,
        &[
            TeamRole::IntakeMember,
            TeamRole::TeamLead,
            TeamRole::Administrator,
        ],
    )
}

/// The team's meetings, newest first (team members).
pub async fn list(app: &App, actor: &Actor, team_id: Uuid) -> AppResult<Vec<MeetingSummary>> {
    require_member(app, actor, team_id, "meeting.list").await?;
    Ok(store::meetings::list(&app.db, team_id)
        .await?
        .into_iter()
        .map(|m| MeetingSummary {
            id: m.id,
            held_on: m.held_on,
            items: m.items,
            decided: m.decided,
        })
        .collect())
}

/// Plans a meeting (team members).
pub async fn create(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    held_on: NaiveDate,
) -> AppResult<Uuid> {
    require_member(app, actor, team_id, "meeting.create").await?;
    let id = Uuid::now_v7();
    let mut d = actor.audit("meeting.create", Outcome::Allowed);
    d.resources = format!("team:{team_id},meeting:{id}");
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![store::meetings::insert(
                id,
                team_id,
                held_on,
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

async fn meeting_team(app: &App, meeting_id: Uuid) -> AppResult<(Uuid, NaiveDate)> {
    let m = store::meetings::get(&app.db, meeting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((m.team_id, m.held_on))
}

/// One meeting with its agenda as the actor may see it; one audit row names every person shown.
pub async fn get(app: &App, actor: &Actor, meeting_id: Uuid) -> AppResult<Meeting> {
    let (team_id, held_on) = meeting_team(app, meeting_id).await?;
    require_member(app, actor, team_id, "meeting.read").await?;
    let intake = has_intake(actor, team_id);
    let v = visible(app, actor, "c", "$2", "$3", 4).await?;
    let rows = store::meetings::items(&app.db, meeting_id, actor.staff_id, today(), &v).await?;
    let mut shown_clients = BTreeSet::new();
    let mut referrals = Vec::new();
    let mut hidden_referrals = 0;
    let mut items = Vec::new();
    for r in rows {
        let is_referral = r.referral_id.is_some();
        if is_referral && !intake {
            hidden_referrals += 1;
            continue;
        }
        let shown = is_referral || r.basis.is_some();
        if let (Some(c), true) = (r.client_id, shown) {
            shown_clients.insert(c);
        }
        if let Some(id) = r.referral_id {
            referrals.push(format!("referral:{id}"));
        }
        items.push(AgendaItem {
            id: r.id,
            kind: if is_referral { "referral" } else { "client" }.into(),
            client_id: r.client_id,
            name: if is_referral {
                r.person_name.clone()
            } else {
                r.client_name.clone().filter(|_| shown)
            },
            initials: r.client_name.as_deref().map(initials),
            referral_id: r.referral_id,
            receipt_number: r.receipt_number,
            shown,
            topic: shown.then_some(r.topic),
            added_by: r.added_by_name,
            decision: r.decision.filter(|_| shown),
            follow_up_by: r.follow_up_by,
            follow_up_name: r.follow_up_name,
            decided_by: r.decided_by_name,
            decided_at: r.decided_at,
        });
    }
    let mut d = actor.audit("meeting.read", Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = format!(
        "team:{team_id},meeting:{meeting_id},{}{}",
        clients_resource(&shown_clients),
        referrals
            .iter()
            .map(|r| format!(",{r}"))
            .collect::<String>()
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(Meeting {
        id: meeting_id,
        team_id,
        held_on,
        items,
        hidden_referrals,
        may_add_referrals: intake,
    })
}

/// Refuses (audited) a subject the actor may not put up or decide on.
async fn check_subject(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    subject: Subject,
    action: &str,
) -> AppResult<()> {
    match subject {
        Subject::Client(client_id) => {
            let grant = open_client(app, actor, client_id, Purpose::Coc).await?;
            if grant.team_id() != team_id {
                let mut d = actor.audit(action, Outcome::Denied);
                d.client_id = Some(client_id);
                d.resources = format!("team:{team_id},none:not_in_team");
                app.writer.write(WriteOp::audit_only(vec![d])).await?;
                return Err(AppError::NotFound);
            }
        }
        Subject::Referral(referral_id) => {
            open_intake(app, actor, team_id).await?;
            if store::meetings::referral_team(&app.db, referral_id).await? != Some(team_id) {
                return Err(AppError::NotFound);
            }
        }
    }
    Ok(())
}

/// Puts a person or a referral on the agenda with what to discuss.
pub async fn add_item(
    app: &App,
    actor: &Actor,
    meeting_id: Uuid,
    subject: Subject,
    topic: &ShortText,
) -> AppResult<Uuid> {
    let (team_id, _) = meeting_team(app, meeting_id).await?;
    require_member(app, actor, team_id, "meeting.item_add").await?;
    check_subject(app, actor, team_id, subject, "meeting.item_add").await?;
    let id = Uuid::now_v7();
    let (client, referral) = match subject {
        Subject::Client(c) => (Some(c), None),
        Subject::Referral(r) => (None, Some(r)),
    };
    let mut d = actor.audit("meeting.item_add", Outcome::Allowed);
    d.client_id = client;
    d.purpose = Some("COC".into());
    d.resources = format!(
        "meeting:{meeting_id},item:{id}{}",
        referral
            .map(|r| format!(",referral:{r}"))
            .unwrap_or_default()
    );
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![store::meetings::insert_item(
                id,
                meeting_id,
                client,
                referral,
                topic.as_str(),
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Records what was decided on an item, with an optional follow-up owner (a member of the team).
pub async fn decide(
    app: &App,
    actor: &Actor,
    item_id: Uuid,
    decision: &ShortText,
    follow_up: Option<Uuid>,
) -> AppResult<()> {
    let (meeting_id, team_id, client, referral) = store::meetings::item_head(&app.db, item_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_member(app, actor, team_id, "meeting.decide").await?;
    let subject = match (client, referral) {
        (Some(c), _) => Subject::Client(c),
        (None, Some(r)) => Subject::Referral(r),
        (None, None) => return Err(AppError::NotFound),
    };
    check_subject(app, actor, team_id, subject, "meeting.decide").await?;
    if let Some(f) = follow_up {
        if store::caseload::worker(&app.db, team_id, f)
            .await?
            .is_none()
        {
            return Err(AppError::field(FieldError::new(
                "follow_up_by",
                "not_in_team",
                "Personen er ikke medarbeider i teamet.",
                "The person is not a member of the team.",
            )));
        }
    }
    let mut d = actor.audit("meeting.decide", Outcome::Allowed);
    d.client_id = client;
    d.purpose = Some("COC".into());
    d.resources = format!("meeting:{meeting_id},item:{item_id}");
    let at = d.at;
    app.writer
        .write(WriteOp {
            stmts: vec![store::meetings::decide(
                item_id,
                decision.as_str(),
                follow_up,
                actor.staff_id,
                at,
            )],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// The decisions recorded on the person's agenda items in the grant's team, for the person's
/// timeline. Reading them is a read of the record under the grant (the caller audits the page).
pub async fn decisions_for_client(app: &App, grant: &ReadGrant) -> AppResult<Vec<MeetingDecision>> {
    Ok(
        store::meetings::decisions_for_client(&app.db, grant.client_id(), grant.team_id())
            .await?
            .into_iter()
            .map(|r| MeetingDecision {
                item_id: r.item_id,
                held_on: r.held_on,
                topic: r.topic,
                decision: r.decision,
                follow_up: r.follow_up_name,
                decided_by: r.decided_by_name,
                decided_at: r.decided_at,
            })
            .collect(),
    )
}

/// The Norwegian and English words for "no meeting" (kept for the pages).
pub fn none_planned() -> Text {
    Text::new("Ingen møter ennå.", "No meetings yet.")
}
