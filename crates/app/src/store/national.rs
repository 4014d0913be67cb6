//! The national-scale synthetic data set (`benk seed --national`): the tables
//! it fills in bulk, their column lists, and the secondary indexes it drops
//! before the load and builds again after it. The loader (in the `benk`
//! binary) builds its statements from these lists: multi-row `INSERT … VALUES
//! ($1, …)` on SQLite, `COPY … FROM STDIN` on PostgreSQL.

/// A table the bulk load fills, with its columns in the order the loader
/// gives values.
#[derive(Debug, Clone, Copy)]
pub struct BulkTable {
    /// Table name.
    pub name: &'static str,
    /// Column names.
    pub columns: &'static [&'static str],
}

impl BulkTable {
    /// `INSERT INTO t (cols) VALUES ($1, …), (…)` for `rows` rows.
    pub fn insert_sql(&self, rows: usize) -> String {
        let n = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.name,
            self.columns.join(", ")
        );
        for r in 0..rows {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..n {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(r * n + c + 1).to_string());
            }
            sql.push(')');
        }
        sql
    }

    /// `COPY t (cols) FROM STDIN` (PostgreSQL, text format).
    pub fn copy_sql(&self) -> String {
        format!(
            "COPY {} ({}) FROM STDIN",
            self.name,
            self.columns.join(", ")
        )
    }
}

/// Organisations.
pub const ORGANISATIONS: BulkTable = BulkTable {
    name: "organisations",
    columns: &["id", "name", "kind", "org_number", "created_at"],
};
/// Teams.
pub const TEAMS: BulkTable = BulkTable {
    name: "teams",
    columns: &["id", "name", "policy", "created_at"],
};
/// Team owners.
pub const TEAM_OWNERS: BulkTable = BulkTable {
    name: "team_owners",
    columns: &["team_id", "organisation_id"],
};
/// Staff.
pub const STAFF: BulkTable = BulkTable {
    name: "staff",
    columns: &[
        "id",
        "name",
        "profession",
        "hpr_number",
        "home_org_id",
        "disabled",
        "created_at",
    ],
};
/// Team memberships.
pub const MEMBERSHIPS: BulkTable = BulkTable {
    name: "team_memberships",
    columns: &["team_id", "staff_id", "role", "fte"],
};
/// Clients.
pub const CLIENTS: BulkTable = BulkTable {
    name: "clients",
    columns: &[
        "id",
        "team_id",
        "name",
        "name_search",
        "national_id",
        "national_id_kind",
        "birth_year",
        "municipality",
        "owner_org_id",
        "created_by",
        "created_at",
        "updated_at",
    ],
};
/// Care relationships (one per caregiver).
pub const CARE: BulkTable = BulkTable {
    name: "care_relationships",
    columns: &[
        "id",
        "client_id",
        "staff_id",
        "valid_from",
        "reason",
        "owner_org_id",
        "created_by",
        "created_at",
    ],
};
/// Episodes (one open per client).
pub const EPISODES: BulkTable = BulkTable {
    name: "episodes",
    columns: &[
        "id",
        "client_id",
        "team_id",
        "included_on",
        "created_by",
        "owner_org_id",
        "created_at",
    ],
};
/// Episode members: each person's two caregivers, one as coordinator (what the
/// caseload counts), one as a member.
pub const EPISODE_MEMBERS: BulkTable = BulkTable {
    name: "episode_members",
    columns: &[
        "id",
        "episode_id",
        "staff_id",
        "role",
        "care_relationship_id",
        "from_date",
    ],
};
/// Levels of effort (one per episode; the keeping-contact lists read the current one).
pub const EPISODE_LEVELS: BulkTable = BulkTable {
    name: "episode_levels",
    columns: &["id", "episode_id", "level", "from_date", "set_by", "set_at"],
};
/// Contacts.
pub const CONTACTS: BulkTable = BulkTable {
    name: "contacts",
    columns: &[
        "id",
        "client_id",
        "team_id",
        "occurred_at",
        "duration_min",
        "kind",
        "met",
        "place",
        "logged_by",
        "owner_org_id",
        "created_at",
        "topics",
    ],
};
/// Staff who took part in a contact.
pub const CONTACT_STAFF: BulkTable = BulkTable {
    name: "contact_staff",
    columns: &["contact_id", "staff_id"],
};
/// Outcome measures (GAF, ORS, SRS) at the scheduled points.
pub const MEASURES: BulkTable = BulkTable {
    name: "measures",
    columns: &[
        "id",
        "client_id",
        "team_id",
        "kind",
        "measured_on",
        "gaf_symptom",
        "gaf_function",
        "item1",
        "item2",
        "item3",
        "item4",
        "recorded_by",
        "owner_org_id",
        "created_at",
    ],
};
/// Registry events (inpatient stays, emergency visits, police events, prison stays).
pub const REGISTRY_EVENTS: BulkTable = BulkTable {
    name: "registry_events",
    columns: &[
        "id",
        "client_id",
        "team_id",
        "kind",
        "starts_on",
        "ends_on",
        "institution",
        "compulsory",
        "legal_basis",
        "place",
        "police_kind",
        "source",
        "recorded_by",
        "owner_org_id",
        "created_at",
    ],
};
/// Ordinary services established during the course.
pub const ESTABLISHED_SERVICES: BulkTable = BulkTable {
    name: "established_services",
    columns: &[
        "id",
        "team_id",
        "client_id",
        "episode_id",
        "service",
        "established_on",
        "at_intake",
        "recorded_by",
        "owner_org_id",
        "recorded_at",
    ],
};
/// Housing status history.
pub const HOUSING_STATUSES: BulkTable = BulkTable {
    name: "housing_statuses",
    columns: &[
        "id",
        "client_id",
        "team_id",
        "status",
        "from_date",
        "recorded_by",
        "owner_org_id",
        "created_at",
    ],
};
/// Evictions.
pub const HOUSING_EVICTIONS: BulkTable = BulkTable {
    name: "housing_evictions",
    columns: &[
        "id",
        "client_id",
        "team_id",
        "evicted_on",
        "recorded_by",
        "owner_org_id",
        "created_at",
    ],
};
/// SPoR interview rounds (one per team).
pub const SPOR_ROUNDS: BulkTable = BulkTable {
    name: "spor_rounds",
    columns: &[
        "id",
        "team_id",
        "name",
        "started_on",
        "created_by",
        "owner_org_id",
        "created_at",
    ],
};
/// SPoR interviews.
pub const SPOR_INTERVIEWS: BulkTable = BulkTable {
    name: "spor_interviews",
    columns: &[
        "id",
        "round_id",
        "client_id",
        "team_id",
        "interviewed_on",
        "interviewer",
        "municipality",
        "age",
        "contact_years",
        "recorded_by",
        "owner_org_id",
        "created_at",
    ],
};
/// SPoR answers.
pub const SPOR_ANSWERS: BulkTable = BulkTable {
    name: "spor_answers",
    columns: &["interview_id", "question", "score", "answer"],
};
/// The audit log (the columns of [`crate::audit::AuditRow::args`], in order).
pub const AUDIT: BulkTable = BulkTable {
    name: "audit_events",
    columns: &[
        "seq",
        "id",
        "at",
        "actor_staff_id",
        "actor_name",
        "actor_hpr",
        "actor_org_number",
        "actor_role",
        "actor_team_id",
        "client_id",
        "purpose",
        "action",
        "resources",
        "outcome",
        "ip",
        "user_agent",
        "prev_hash",
        "hash",
    ],
};

/// Secondary indexes of the big tables: dropped before the bulk load and
/// created again after it (the same DDL as the migrations).
pub const BULK_INDEXES: &[(&str, &str)] = &[
    (
        "contacts_client_time",
        "CREATE INDEX contacts_client_time ON contacts (client_id, occurred_at)",
    ),
    (
        "contacts_team_time",
        "CREATE INDEX contacts_team_time ON contacts (team_id, occurred_at, client_id, kind, met, id)",
    ),
    (
        "contacts_client_met_time",
        "CREATE INDEX contacts_client_met_time ON contacts (client_id, met, occurred_at)",
    ),
    (
        "contact_staff_staff",
        "CREATE INDEX contact_staff_staff ON contact_staff (staff_id, contact_id)",
    ),
    (
        "audit_events_client",
        "CREATE INDEX audit_events_client ON audit_events (client_id, seq)",
    ),
    (
        "audit_events_actor",
        "CREATE INDEX audit_events_actor ON audit_events (actor_staff_id, seq)",
    ),
];

/// `DROP INDEX IF EXISTS name`.
pub fn drop_index_sql(name: &str) -> String {
    format!("DROP INDEX IF EXISTS {name}")
}

/// The teams a national seed made (by their name prefix), to refuse a second run.
pub const COUNT_NATIONAL_TEAMS: &str =
    "SELECT COUNT(*) FROM teams WHERE name LIKE 'Nasjonalt team %'";
/// The chain head.
pub const READ_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
/// Moves the chain head to the last seeded row.
pub const WRITE_HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
/// Statistics for the planner and the visibility map, for the tables the load
/// filled (PostgreSQL takes a list; a bare `VACUUM` would visit every table of
/// the database). Without the VACUUM the first reads after the load set hint
/// bits (writing pages), index-only scans visit the heap for every row, and
/// autovacuum does the same work later in the background, in the middle of a
/// measurement.
pub const VACUUM_ANALYZE_PG: &str =
    "VACUUM (ANALYZE) organisations, teams, team_owners, staff, team_memberships, clients, \
    care_relationships, episodes, episode_members, episode_levels, contacts, contact_staff, \
    measures, registry_events, established_services, housing_statuses, \
    housing_evictions, spor_rounds, spor_interviews, spor_answers, audit_events";
