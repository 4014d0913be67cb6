//! Logins remembered between requests: which staff member a token belongs to, the staff
//! row and memberships an [`Actor`](crate::actor::Actor) is built from, and the read policy of
//! the actor's teams.
//!
//! Every API request used to read three rows before it did anything (the token, the staff
//! member, the memberships). The answers change rarely, so they are kept here, keyed by the
//! token's hash (never the token) and by staff id. An entry is used only while
//! - the writer's **auth epoch** has not moved since the entry was read: every committed batch
//!   that writes `staff`, `team_memberships`, `teams`, `organisations`, `api_tokens` or
//!   `identities` moves it *before* the change is acknowledged, so in this process a revoked
//!   token, a disabled account, a password reset or a changed membership is seen by the very
//!   next request;
//! - it is younger than [`TTL`], which bounds how long a change made by *another* process on
//!   the same database (a second server, or `benk user disable` on the host) can go unseen;
//! - and, for a token, its own expiry has not passed.
//!
//! The epoch is read before the database, so an entry read while a change commits is already
//! stale when it is stored.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use benk_domain::ReadPolicy;

use crate::store::staff::{ActorRow, MembershipRow};

/// How long an entry may be used at most, whatever the epoch says.
pub const TTL: Duration = Duration::from_secs(2);
/// Entries kept at most per map; a full map is emptied (a flood of distinct tokens only
/// costs the reads the cache would have saved).
const MAX_ENTRIES: usize = 10_000;

struct Entry<T> {
    value: T,
    epoch: u64,
    loaded: Instant,
}

/// A token's owner and when the token stops working.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenOwner {
    pub staff_id: Uuid,
    pub valid_until: DateTime<Utc>,
}

/// The rows an actor is built from.
#[derive(Debug, Clone)]
pub(crate) struct ActorRows {
    pub row: ActorRow,
    pub memberships: Vec<MembershipRow>,
}

/// The two maps; one per [`App`](crate::App).
#[derive(Default)]
pub struct AuthCache {
    tokens: Mutex<HashMap<String, Entry<TokenOwner>>>,
    actors: Mutex<HashMap<Uuid, Entry<ActorRows>>>,
    read_policies: Mutex<HashMap<Uuid, Entry<ReadPolicy>>>,
    team_members: Mutex<HashMap<Uuid, Entry<Vec<Uuid>>>>,
}

fn get<K, Q, T>(map: &Mutex<HashMap<K, Entry<T>>>, key: &Q, epoch: u64) -> Option<T>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    T: Clone,
{
    let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
    match m.get(key) {
        Some(e) if e.epoch == epoch && e.loaded.elapsed() < TTL => Some(e.value.clone()),
        Some(_) => {
            m.remove(key);
            None
        }
        None => None,
    }
}

fn put<K: std::hash::Hash + Eq, T>(
    map: &Mutex<HashMap<K, Entry<T>>>,
    key: K,
    value: T,
    epoch: u64,
) {
    let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
    if m.len() >= MAX_ENTRIES {
        m.clear();
    }
    m.insert(
        key,
        Entry {
            value,
            epoch,
            loaded: Instant::now(),
        },
    );
}

impl AuthCache {
    /// The owner of a live token, if remembered at this epoch and not expired at `now`.
    pub(crate) fn token(&self, hash: &str, epoch: u64, now: DateTime<Utc>) -> Option<Uuid> {
        get(&self.tokens, hash, epoch)
            .filter(|t| t.valid_until > now)
            .map(|t| t.staff_id)
    }

    /// Remembers a live token read at `epoch`.
    pub(crate) fn put_token(&self, hash: String, owner: TokenOwner, epoch: u64) {
        put(&self.tokens, hash, owner, epoch);
    }

    /// The actor rows of a staff member, if remembered at this epoch.
    pub(crate) fn actor(&self, staff: Uuid, epoch: u64) -> Option<ActorRows> {
        get(&self.actors, &staff, epoch)
    }

    /// Remembers an actor's rows read at `epoch`.
    pub(crate) fn put_actor(&self, staff: Uuid, rows: ActorRows, epoch: u64) {
        put(&self.actors, staff, rows, epoch);
    }

    /// A team's read policy, if remembered at this epoch.
    pub(crate) fn read_policy(&self, team: Uuid, epoch: u64) -> Option<ReadPolicy> {
        get(&self.read_policies, &team, epoch)
    }

    /// Remembers a team's read policy read at `epoch`.
    pub(crate) fn put_read_policy(&self, team: Uuid, policy: ReadPolicy, epoch: u64) {
        put(&self.read_policies, team, policy, epoch);
    }

    /// The enabled members of a team (staff ids), if remembered at this epoch. Both tables it
    /// is read from (`team_memberships`, `staff`) move the epoch when they change.
    pub(crate) fn team_members(&self, team: Uuid, epoch: u64) -> Option<Vec<Uuid>> {
        get(&self.team_members, &team, epoch)
    }

    /// Remembers a team's enabled members read at `epoch`.
    pub(crate) fn put_team_members(&self, team: Uuid, members: Vec<Uuid>, epoch: u64) {
        put(&self.team_members, team, members, epoch);
    }
}

impl AuthCache {
    /// Forgets everything (only tests reach it, through `testing::forget_cached_logins`).
    #[cfg(any(test, feature = "test-support"))]
    pub(crate) fn clear(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.actors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.read_policies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.team_members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

impl std::fmt::Debug for AuthCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCache")
    }
}
