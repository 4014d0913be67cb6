//! The access check on PostgreSQL: the checks of many requests in one query.
//!
//! Every request that opens a person's record asks the database whether the actor may
//! ([`super::open_client`]). On PostgreSQL that was one query per request, and the profile of
//! `benk bench` put those queries' backends at a fifth of a logged contact's CPU — almost all of
//! it the fixed cost of a statement (receiving it, starting and ending the executor, sending
//! the answer), not the few index probes of the rule itself.
//!
//! [`Checks`] works like the writer's group commit: one task takes the checks that are waiting,
//! asks for all of them in one statement — the same rule, [`super::basis_case`], for each row of
//! an `UNNEST` of the clients, actors, dates and teams — and answers each request. While its
//! statement runs, the next checks gather, so the number answered together follows the load;
//! with one request at a time it is one check per statement, as before. The rule is the same
//! SQL text as the single check's and the lists' ([`super::visible`]), so the three cannot
//! disagree; each person is a probe through `clients`' primary key (a `LATERAL` subquery that
//! `OFFSET 0` keeps from being flattened into a join over the whole table).
//!
//! A check whose request went away before its turn is skipped. If the statement fails, every
//! check of that batch fails as a database error would, and the next batch starts afresh.
//! SQLite does not use this: its check is a call on the request's own thread (`db::fast`).

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::db::pg_readers::PgReaders;
use crate::db::writer::gather;
use crate::db::Column;

/// Most checks in one statement.
const MAX_BATCH: usize = 256;

/// One request's question: may `staff` open `client` on `today`?
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub client: Uuid,
    pub staff: Uuid,
    pub today: NaiveDate,
    /// The actor's teams as team lead.
    pub lead: Vec<Uuid>,
    /// The actor's teams whose policy lets health personnel on duty read.
    pub duty: Vec<Uuid>,
}

/// The answer: the client's team and the read basis code (NULL: not allowed), or `None` for
/// no such client — the row of the single check.
pub(crate) type Answer = Option<(Uuid, Option<String>)>;

struct Pending {
    check: Check,
    reply: oneshot::Sender<Result<Answer, ()>>,
}

/// The checks' task; one per app on PostgreSQL.
#[derive(Debug)]
pub(crate) struct Checks {
    tx: mpsc::Sender<Pending>,
}

/// The statement: the rule for every row of the batch.
static SQL: LazyLock<String> = LazyLock::new(|| {
    let team_in =
        |list: &str| format!("c.team_id = ANY(CAST(string_to_array(r.{list}, ',') AS uuid[]))");
    format!(
        "SELECT r.i, x.team_id, x.basis FROM UNNEST($1::int8[], $2::uuid[], $3::uuid[], $4::date[], \
         $5::text[], $6::text[]) AS r(i, client, staff, today, lead, duty) CROSS JOIN LATERAL \
         (SELECT c.team_id, {} AS basis FROM clients c WHERE c.id = r.client OFFSET 0) x",
        super::basis_case("c", "r.staff", "r.today", &team_in("lead"), &team_in("duty"))
    )
});

/// Team ids as the statement reads them (`string_to_array(…, ',')`).
fn ids(list: &[Uuid]) -> String {
    list.iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Checks {
    /// Starts the task; it ends when the last handle is dropped.
    pub(crate) fn start(readers: Arc<PgReaders>) -> Checks {
        let (tx, rx) = mpsc::channel(4096);
        tokio::spawn(run(readers, rx));
        Checks { tx }
    }

    /// Asks, with whatever other checks are waiting.
    pub(crate) async fn check(&self, check: Check) -> Result<Answer, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        let gone = || sqlx::Error::Protocol("the access check did not answer".into());
        self.tx
            .send(Pending { check, reply })
            .await
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?.map_err(|()| gone())
    }
}

async fn run(readers: Arc<PgReaders>, mut rx: mpsc::Receiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut batch = gather(&mut rx, first, MAX_BATCH);
        // Requests that went away while waiting are not asked about.
        batch.retain(|p| !p.reply.is_closed());
        if batch.is_empty() {
            continue;
        }
        let n = batch.len();
        let cols = vec![
            Column::Int((0..n as i64).map(Some).collect()),
            Column::Uuid(batch.iter().map(|p| Some(p.check.client)).collect()),
            Column::Uuid(batch.iter().map(|p| Some(p.check.staff)).collect()),
            Column::Date(batch.iter().map(|p| Some(p.check.today)).collect()),
            Column::Text(batch.iter().map(|p| Some(ids(&p.check.lead))).collect()),
            Column::Text(batch.iter().map(|p| Some(ids(&p.check.duty))).collect()),
        ];
        match readers
            .all_columns::<(i64, Uuid, Option<String>)>(&SQL, cols)
            .await
        {
            Ok(rows) => {
                let mut answers: Vec<Answer> = vec![None; n];
                for (i, team, basis) in rows {
                    if let Some(a) = usize::try_from(i).ok().and_then(|i| answers.get_mut(i)) {
                        *a = Some((team, basis));
                    }
                }
                for (p, a) in batch.into_iter().zip(answers) {
                    let _ = p.reply.send(Ok(a));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, checks = n, "the access checks failed");
                for p in batch {
                    let _ = p.reply.send(Err(()));
                }
            }
        }
    }
}
