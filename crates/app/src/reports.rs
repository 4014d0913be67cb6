//! Team reports: aggregates only, no personal data. What the teams publish:
//! referrals by source, how many different agencies refer over time, time to
//! decision, outcomes, and the share of people in the grant's target group.

use std::collections::{BTreeMap, BTreeSet};

use benk_domain::{period_key, summary, ReportPeriod, Summary};
use serde::Serialize;
use uuid::Uuid;

use crate::actor::Actor;
use crate::error::{AppError, AppResult, Text};
use crate::App;

/// One period's row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodRow {
    /// Period key ("2026-Q1").
    pub period: String,
    /// Referrals per agency kind code.
    pub by_kind: BTreeMap<String, i64>,
    /// All referrals in the period.
    pub total: i64,
    /// Distinct registered agencies that referred in this period.
    pub distinct_agencies: i64,
    /// Distinct registered agencies that have referred up to and including this period.
    pub cumulative_agencies: i64,
}

/// The referral report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferralReport {
    /// Rows per period, oldest first.
    pub periods: Vec<PeriodRow>,
    /// Agency kinds that occur, for table columns.
    pub kinds: Vec<String>,
    /// Days from referral to decision.
    #[schema(value_type = Option<Object>)]
    pub days_to_decision: Option<Summary>,
    /// Decisions per outcome code.
    pub outcomes: BTreeMap<String, i64>,
    /// Decisions with a target-group assessment.
    pub assessed: i64,
    /// Of those, in the target group.
    pub in_target_group: i64,
}

/// Builds the referral report for a team the actor belongs to.
pub async fn referrals(
    app: &App,
    actor: &Actor,
    team_id: Uuid,
    period: ReportPeriod,
) -> AppResult<ReferralReport> {
    if !actor.memberships.iter().any(|m| m.team_id == team_id) {
        return Err(AppError::Forbidden(Text::new(
            "Rapporten gjelder et annet team.",
            "The report is for another team.",
        )));
    }
    let rows = crate::store::referrals::report_rows(&app.db, team_id).await?;
    /// Per period: referrals per kind, total, distinct agencies.
    type Bucket = (BTreeMap<String, i64>, i64, BTreeSet<Uuid>);
    let mut periods: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut kinds = BTreeSet::new();
    let mut days = Vec::new();
    let mut outcomes = BTreeMap::new();
    let (mut assessed, mut in_tg) = (0, 0);
    for r in &rows {
        let p = periods
            .entry(period_key(r.received_on, period))
            .or_default();
        *p.0.entry(r.agency_kind.clone()).or_default() += 1;
        p.1 += 1;
        if let Some(a) = r.agency_id {
            p.2.insert(a);
        }
        kinds.insert(r.agency_kind.clone());
        if let (Some(d), Some(o)) = (r.decided_on, &r.outcome) {
            days.push((d - r.received_on).num_days() as f64);
            *outcomes.entry(o.clone()).or_default() += 1;
        }
        if let Some(tg) = r.in_target_group {
            assessed += 1;
            in_tg += i64::from(tg);
        }
    }
    let mut seen = BTreeSet::new();
    let periods = periods
        .into_iter()
        .map(|(period, (by_kind, total, agencies))| {
            seen.extend(agencies.iter().copied());
            PeriodRow {
                period,
                by_kind,
                total,
                distinct_agencies: agencies.len() as i64,
                cumulative_agencies: seen.len() as i64,
            }
        })
        .collect();
    Ok(ReferralReport {
        periods,
        kinds: kinds.into_iter().collect(),
        days_to_decision: summary(&days),
        outcomes,
        assessed,
        in_target_group: in_tg,
    })
}
