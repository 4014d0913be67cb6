//! The audit log: who saw or changed what, when, why, and with what outcome.
//!
//! Rows form a SHA-256 hash chain: `hash = SHA-256(prev_hash || canonical(row))`,
//! where `canonical` is a JSON array of every column but the two hashes. The
//! writer appends rows in commit order and keeps `audit_head` (the newest seq
//! and hash) in the same transaction, so [`verify`] detects an edit, a deleted
//! row (also the newest ones), an inserted row or a reordering. The hash is
//! unkeyed, so someone who can write the database can cut or re-hash the chain
//! and its head consistently; [`checkpoint`] signs heads with a key kept outside
//! the database so that this is found too.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::{Db, Val};

pub mod checkpoint;

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whether the access was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The action was performed.
    Allowed,
    /// The action was refused (and is logged for review).
    Denied,
}

impl Outcome {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }
}

/// An audit event before the writer gives it a place in the chain.
#[derive(Debug, Clone, Default)]
pub struct AuditDraft {
    /// Event id.
    pub id: Uuid,
    /// When it happened (microsecond precision, as stored).
    pub at: DateTime<Utc>,
    /// The staff member acting, if known.
    pub actor_staff_id: Option<Uuid>,
    /// Their name at the time.
    pub actor_name: Option<String>,
    /// Their HPR number, when known.
    pub actor_hpr: Option<String>,
    /// Home employer's organisation number.
    pub actor_org_number: Option<String>,
    /// Acting role in the team.
    pub actor_role: Option<String>,
    /// Acting team.
    pub actor_team_id: Option<Uuid>,
    /// The client whose record was touched.
    pub client_id: Option<Uuid>,
    /// Purpose of use: TREAT, COC, ETREAT, BTG.
    pub purpose: Option<String>,
    /// What was done, e.g. `client.read`.
    pub action: String,
    /// Which resources were made available, e.g. `client:basic,care_team`.
    pub resources: String,
    /// Allowed or denied.
    pub outcome: Option<Outcome>,
    /// Client IP address.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

impl AuditDraft {
    /// Names an actor that is not a staff member by what they typed into a
    /// public form, labelled as such so that it never reads like a staff member
    /// (`source` says where it came from, e.g. "public referral form").
    pub fn actor_from_outside(&mut self, source: &str, what: &str, given: &str) {
        let given: String = given.chars().take(200).collect();
        self.actor_staff_id = None;
        self.actor_name = Some(format!("{source}, {what} given: {given:?}"));
    }

    /// A new draft stamped now.
    pub fn new(action: impl Into<String>, outcome: Outcome) -> AuditDraft {
        AuditDraft {
            id: Uuid::now_v7(),
            at: Utc::now().trunc_subsecs(6),
            action: action.into(),
            outcome: Some(outcome),
            ..AuditDraft::default()
        }
    }
}

/// Most people one list audit row names; a longer list gets one row per this
/// many people (the client lists stop at 500 rows, so they write one).
pub const LIST_AUDIT_MAX: usize = 500;

/// The audit rows for a list or search that showed many people: ONE row per
/// [`LIST_AUDIT_MAX`] people, not one per person. Its `resources` are
/// `{what};clients:{id}@{basis},{id}@{basis},…` — `what` says which fields were
/// shown (e.g. `client:name,contact`), then every client's id with the basis
/// on which the actor sees them; [`list_resources`] parses it back. The row's
/// `client_id` is set only when the list showed exactly one person, so that
/// "who saw this person" finds single-person lists by the column and longer
/// ones by the `clients:` part (`resources LIKE '%<id>@%'`).
pub fn list_audit(
    actor: &crate::Actor,
    action: &str,
    purpose: &str,
    what: &str,
    shown: &[(Uuid, &str)],
) -> Vec<AuditDraft> {
    // A person listed twice (two appointments) is named once.
    let mut seen = std::collections::HashSet::new();
    let shown: Vec<(Uuid, &str)> = shown
        .iter()
        .filter(|(id, _)| seen.insert(*id))
        .copied()
        .collect();
    shown
        .chunks(LIST_AUDIT_MAX)
        .map(|chunk| {
            let mut d = actor.audit(action, Outcome::Allowed);
            d.purpose = Some(purpose.to_string());
            if let [(only, _)] = chunk {
                d.client_id = Some(*only);
            }
            let mut r = String::with_capacity(what.len() + 10 + chunk.len() * 48);
            r.push_str(what);
            r.push_str(";clients:");
            for (i, (id, basis)) in chunk.iter().enumerate() {
                if i > 0 {
                    r.push(',');
                }
                r.push_str(&id.to_string());
                r.push('@');
                r.push_str(basis);
            }
            d.resources = r;
            d
        })
        .collect()
}

/// The clients a list audit row names, with their basis (see [`list_audit`]);
/// `None` when `resources` is not a list row.
pub fn list_resources(resources: &str) -> Option<Vec<(Uuid, String)>> {
    let (_, list) = resources.split_once(";clients:")?;
    list.split(',')
        .map(|item| {
            let (id, basis) = item.split_once('@')?;
            Some((Uuid::parse_str(id).ok()?, basis.to_string()))
        })
        .collect()
}

/// The hash of a row whose [`AuditRow::canonical`] encoding is `canonical`,
/// linked after `prev_hash`: SHA-256(prev_hash || canonical), in hex. The bulk
/// seed computes the canonical encodings of many rows on several threads and
/// links them here, one after another.
pub fn link_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// A stored audit row.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditRow {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// Event id.
    pub id: Uuid,
    /// Time.
    pub at: DateTime<Utc>,
    /// Acting staff member.
    pub actor_staff_id: Option<Uuid>,
    /// Name at the time.
    pub actor_name: Option<String>,
    /// HPR number.
    pub actor_hpr: Option<String>,
    /// Employer's organisation number.
    pub actor_org_number: Option<String>,
    /// Acting role.
    pub actor_role: Option<String>,
    /// Acting team.
    pub actor_team_id: Option<Uuid>,
    /// Client.
    pub client_id: Option<Uuid>,
    /// Purpose of use.
    pub purpose: Option<String>,
    /// Action.
    pub action: String,
    /// Resources made available.
    pub resources: String,
    /// allowed / denied.
    pub outcome: String,
    /// Client IP.
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
    /// Previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

fn ts(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

impl AuditRow {
    /// The canonical encoding that the hash covers.
    pub fn canonical(&self) -> String {
        let fields: Vec<serde_json::Value> = vec![
            "benk-audit-v1".into(),
            self.seq.into(),
            self.id.to_string().into(),
            ts(&self.at).into(),
            self.actor_staff_id.map(|u| u.to_string()).into(),
            self.actor_name.clone().into(),
            self.actor_hpr.clone().into(),
            self.actor_org_number.clone().into(),
            self.actor_role.clone().into(),
            self.actor_team_id.map(|u| u.to_string()).into(),
            self.client_id.map(|u| u.to_string()).into(),
            self.purpose.clone().into(),
            self.action.clone().into(),
            self.resources.clone().into(),
            self.outcome.clone().into(),
            self.ip.clone().into(),
            self.user_agent.clone().into(),
        ];
        serde_json::Value::Array(fields).to_string()
    }

    /// The hash this row should carry given its `prev_hash`.
    pub fn expected_hash(&self) -> String {
        link_hash(&self.prev_hash, &self.canonical())
    }

    /// The row's values in column order, for an INSERT.
    pub fn args(&self) -> Vec<Val> {
        crate::args![
            self.seq,
            self.id,
            self.at,
            self.actor_staff_id,
            self.actor_name.clone(),
            self.actor_hpr.clone(),
            self.actor_org_number.clone(),
            self.actor_role.clone(),
            self.actor_team_id,
            self.client_id,
            self.purpose.clone(),
            self.action.clone(),
            self.resources.clone(),
            self.outcome.clone(),
            self.ip.clone(),
            self.user_agent.clone(),
            self.prev_hash.clone(),
            self.hash.clone(),
        ]
    }
}

/// The newest link of the chain, as the writer holds it.
#[derive(Debug, Clone)]
pub struct ChainHead {
    /// Newest seq (0 when empty).
    pub seq: i64,
    /// Newest hash ([`GENESIS`] when empty).
    pub hash: String,
}

impl ChainHead {
    /// Links a draft to the chain and moves the head.
    pub fn append(&mut self, d: &AuditDraft) -> AuditRow {
        let mut row = AuditRow {
            seq: self.seq + 1,
            id: d.id,
            at: d.at,
            actor_staff_id: d.actor_staff_id,
            actor_name: d.actor_name.clone(),
            actor_hpr: d.actor_hpr.clone(),
            actor_org_number: d.actor_org_number.clone(),
            actor_role: d.actor_role.clone(),
            actor_team_id: d.actor_team_id,
            client_id: d.client_id,
            purpose: d.purpose.clone(),
            action: d.action.clone(),
            resources: d.resources.clone(),
            outcome: d.outcome.unwrap_or(Outcome::Allowed).code().to_string(),
            ip: d.ip.clone(),
            user_agent: d.user_agent.clone(),
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        row.hash = row.expected_hash();
        self.seq = row.seq;
        self.hash = row.hash.clone();
        row
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The first row that does not verify (or the head's seq when only the head disagrees).
    pub seq: i64,
    /// What is wrong, in English.
    pub reason: String,
}

/// The result of walking the chain.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Rows checked.
    pub rows: i64,
    /// The first break, if any.
    pub first_break: Option<Break>,
}

const PAGE: i64 = 10_000;

const HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";

/// How far a walk over part of the chain got.
struct Walk {
    rows: i64,
    last_seq: i64,
    last_hash: String,
    first_break: Option<Break>,
}

/// Walks the rows after `after_seq` up to `to_seq` in seq order, starting from
/// the link `after_hash`, and stops at the first break. `check` may add a break
/// of its own for a row that links correctly (a signed checkpoint that
/// disagrees with it).
async fn walk(
    db: &Db,
    after_seq: i64,
    after_hash: &str,
    to_seq: i64,
    mut progress: impl FnMut(i64),
    mut check: impl FnMut(&AuditRow) -> Option<String>,
) -> Result<Walk, sqlx::Error> {
    let mut w = Walk {
        rows: 0,
        last_seq: after_seq,
        last_hash: after_hash.to_string(),
        first_break: None,
    };
    loop {
        let page: Vec<AuditRow> = db
            .all(
                "SELECT seq, id, at, actor_staff_id, actor_name, actor_hpr, actor_org_number, actor_role, \
                 actor_team_id, client_id, purpose, action, resources, outcome, ip, user_agent, prev_hash, hash \
                 FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                crate::args![w.last_seq, to_seq, PAGE],
            )
            .await?;
        if page.is_empty() {
            return Ok(w);
        }
        for row in &page {
            w.rows += 1;
            let reason = if row.seq != w.last_seq + 1 {
                Some((
                    w.last_seq + 1,
                    format!(
                        "row {} is missing (next row found is {})",
                        w.last_seq + 1,
                        row.seq
                    ),
                ))
            } else if row.prev_hash != w.last_hash {
                Some((
                    row.seq,
                    "prev_hash does not match the previous row's hash".into(),
                ))
            } else if row.hash != row.expected_hash() {
                Some((
                    row.seq,
                    "the row's content does not match its hash (edited)".into(),
                ))
            } else {
                check(row).map(|r| (row.seq, r))
            };
            if let Some((seq, reason)) = reason {
                w.first_break = Some(Break { seq, reason });
                return Ok(w);
            }
            w.last_seq = row.seq;
            w.last_hash = row.hash.clone();
        }
        progress(w.rows);
    }
}

/// Walks the chain in seq order up to the head as it was when the walk began
/// (rows a running server commits meanwhile are left for the next run) and
/// reports the first break. `progress` is called after each page with the rows
/// checked so far and the total.
///
/// This finds edits, gaps, reordering and rows deleted from the end while the
/// head still counts them. It cannot find a chain that was cut or re-hashed
/// consistently together with its head: for that, see
/// [`checkpoint::verify_with_checkpoints`].
pub async fn verify(
    app: &crate::App,
    progress: impl FnMut(i64, i64),
) -> Result<VerifyReport, sqlx::Error> {
    verify_checked(&app.db, progress, |_| None).await
}

/// [`verify`], with an extra check per row that links correctly.
pub(crate) async fn verify_checked(
    db: &Db,
    mut progress: impl FnMut(i64, i64),
    check: impl FnMut(&AuditRow) -> Option<String>,
) -> Result<VerifyReport, sqlx::Error> {
    let broken = |seq: i64, reason: String, rows: i64| VerifyReport {
        rows,
        first_break: Some(Break { seq, reason }),
    };
    let Some((head_seq, head_hash)) = db.opt::<(i64, String)>(HEAD, vec![]).await? else {
        return Ok(broken(0, "the chain head row is missing".into(), 0));
    };
    let total = db
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE seq <= $1",
            crate::args![head_seq],
        )
        .await?;
    let w = walk(db, 0, GENESIS, head_seq, |n| progress(n, total), check).await?;
    let rows = w.rows;
    if let Some(b) = w.first_break {
        return Ok(VerifyReport {
            rows,
            first_break: Some(b),
        });
    }
    let (prev_seq, prev_hash) = (w.last_seq, w.last_hash);
    if prev_seq < head_seq {
        return Ok(broken(
            prev_seq + 1,
            format!(
                "rows {}–{head_seq} at the end of the chain are missing",
                prev_seq + 1
            ),
            rows,
        ));
    }
    if prev_hash != head_hash {
        return Ok(broken(
            head_seq,
            "the chain head does not match the last row".into(),
            rows,
        ));
    }
    // Rows beyond the current head were not written by Benk's writer.
    let now_head = db
        .opt::<(i64, String)>(HEAD, vec![])
        .await?
        .map_or(head_seq, |h| h.0);
    let beyond = db
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_events WHERE seq > $1",
            crate::args![now_head],
        )
        .await?;
    if beyond > 0 {
        return Ok(broken(
            now_head + 1,
            format!("{beyond} row(s) after the chain head were not written by Benk"),
            rows,
        ));
    }
    Ok(VerifyReport {
        rows,
        first_break: None,
    })
}
