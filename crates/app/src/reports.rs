//! Team reports: aggregates only, no personal data. What the teams publish:
//! referrals by source, how many different agencies refer over time, time to
//! decision, outcomes, and the share of people in the grant's target group.

use std::collections::{BTreeMap, BTreeSet};

use benk_domain::{
    offered_help, period_key, summary, AgencyKind, DecisionOutcome, ReportPeriod, Summary,
};
use chrono::{Months, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use crate::actor::Actor;
use crate::error::{AppError, AppResult, Text};
use crate::App;

pub mod activity;
pub mod cflex;
pub mod csv;
mod defs;
pub mod draw;
pub mod fidelity;
pub mod pdf;
pub mod referrals;
pub mod run;
pub mod spor;
pub mod tandem;
pub mod teams;
pub mod xlsx;

pub use run::{
    run, run_timed, run_with, set_settings, settings, Options, Phases, ReportName, ReportSettings,
};

/// One period's row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodRow {
    /// Period key ("2026-Q1").
    pub period: String,
    /// Referrals per agency kind code.
    pub by_kind: BTreeMap<String, i64>,
    /// All referrals in the period.
    pub total: i64,
    /// Distinct registered agencies (organisations: not relatives or the person themselves)
    /// that referred in this period.
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
    /// Decisions that offered the person help from the team (accepted at any level, or
    /// guidance): the denominator of "91.6 % of those offered help were in the target group".
    pub offered_help: i64,
    /// Of those, in the target group (the numerator).
    pub offered_help_in_target_group: i64,
    /// Every referral to the team: the denominator of "40 % of those referred got ordinary
    /// services established or re-established".
    pub referred: i64,
    /// Referrals with at least one ordinary service established or re-established, at the
    /// decision or during the course (the numerator).
    pub services_established: i64,
    /// The date months in operation count from: the team's `started_on`, else the first
    /// referral's date; `None` without either.
    pub started_on: Option<NaiveDate>,
    /// Referrers by months in operation, every 6 months up to today.
    pub by_months_in_operation: Vec<MonthsRow>,
}

/// Who had referred within the first `months` months of operation. Agencies are the registered
/// organisations (every agency kind except relatives and the person themselves, who are
/// counted on their own lines); a referral without a registered agency is not counted as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthsRow {
    /// Months since the start (6, 12, …); the last row is the whole months so far and counts
    /// every referral up to today.
    pub months: u32,
    /// Different registered agencies (organisations) that had referred.
    pub agencies: i64,
    /// Referrals from relatives (pårørende).
    pub relatives: i64,
    /// Referrals from the person themselves.
    pub self_referrals: i64,
}

/// Whether an agency kind counts as an agency (an organisation) in "31 different agencies".
pub fn counts_as_agency(kind: &str) -> bool {
    kind != AgencyKind::Relative.code() && kind != AgencyKind::SelfReferral.code()
}

/// Whole months from `start` to `today` (0 before a month has passed).
pub(crate) fn months_between(start: NaiveDate, today: NaiveDate) -> u32 {
    let mut m = 0;
    while start
        .checked_add_months(Months::new(m + 1))
        .is_some_and(|d| d <= today)
    {
        m += 1;
    }
    m
}

/// The rows of "agencies by months in operation": every 6 months up to `today`, plus today's.
pub(crate) fn by_months(
    rows: &[crate::store::referrals::ReportRow],
    start: NaiveDate,
    today: NaiveDate,
) -> Vec<MonthsRow> {
    let so_far = months_between(start, today);
    // Each mark counts referrals before the start + that many months; the last row ("so
    // far") counts every referral up to and including today.
    let mut marks: Vec<(u32, NaiveDate)> = (1..)
        .map(|k| k * 6)
        .take_while(|m| *m < so_far)
        .map(|m| {
            let end = start
                .checked_add_months(Months::new(m))
                .unwrap_or(NaiveDate::MAX);
            (m, end)
        })
        .collect();
    marks.push((so_far, today.succ_opt().unwrap_or(NaiveDate::MAX)));
    marks
        .into_iter()
        .map(|(months, end)| {
            let within = rows.iter().filter(|r| r.received_on < end);
            let mut agencies = BTreeSet::new();
            let (mut relatives, mut self_referrals) = (0, 0);
            for r in within {
                if r.agency_kind == AgencyKind::Relative.code() {
                    relatives += 1;
                } else if r.agency_kind == AgencyKind::SelfReferral.code() {
                    self_referrals += 1;
                } else if let Some(a) = r.agency_id {
                    agencies.insert(a);
                }
            }
            MonthsRow {
                months,
                agencies: agencies.len() as i64,
                relatives,
                self_referrals,
            }
        })
        .collect()
}

/// Builds the referral report for a team the actor belongs to (the structured data of
/// `GET /api/v1/reports/referrals?period=`; the report `referrals` of the framework shows the
/// same figures for a period, [`referrals::build`]).
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
    let team = crate::orgs::get_team(app, team_id).await?;
    Ok(compute(
        &rows,
        team.policy.started_on,
        period,
        crate::time::oslo_today(),
    ))
}

/// The referral figures of `rows`, by `period`; months in operation from `started_on` (else
/// the first referral) up to `today`.
pub fn compute(
    rows: &[crate::store::referrals::ReportRow],
    started_on: Option<NaiveDate>,
    period: ReportPeriod,
    today: NaiveDate,
) -> ReferralReport {
    /// Per period: referrals per kind, total, distinct agencies.
    type Bucket = (BTreeMap<String, i64>, i64, BTreeSet<Uuid>);
    let mut periods: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut kinds = BTreeSet::new();
    let mut days = Vec::new();
    let mut outcomes = BTreeMap::new();
    let (mut assessed, mut in_tg) = (0, 0);
    let (mut offered, mut offered_in_tg, mut established) = (0, 0, 0);
    for r in rows {
        let p = periods
            .entry(period_key(r.received_on, period))
            .or_default();
        *p.0.entry(r.agency_kind.clone()).or_default() += 1;
        p.1 += 1;
        if let Some(a) = r.agency_id.filter(|_| counts_as_agency(&r.agency_kind)) {
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
        let outcome = r.outcome.as_deref().and_then(DecisionOutcome::from_code);
        if outcome.is_some_and(offered_help) {
            offered += 1;
            offered_in_tg += i64::from(r.in_target_group == Some(true));
        }
        established += i64::from(r.services_established > 0);
    }
    let started_on = started_on.or_else(|| rows.iter().map(|r| r.received_on).min());
    let by_months_in_operation = started_on.map_or_else(Vec::new, |s| by_months(rows, s, today));
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
    ReferralReport {
        periods,
        kinds: kinds.into_iter().collect(),
        days_to_decision: summary(&days),
        outcomes,
        assessed,
        in_target_group: in_tg,
        offered_help: offered,
        offered_help_in_target_group: offered_in_tg,
        referred: rows.len() as i64,
        services_established: established,
        started_on,
        by_months_in_operation,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::referrals::ReportRow;

    pub(super) fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(super) fn row(on: &str, kind: &str, agency: Option<u128>) -> ReportRow {
        ReportRow {
            received_on: d(on),
            agency_kind: kind.into(),
            agency_id: agency.map(Uuid::from_u128),
            decided_on: None,
            outcome: None,
            in_target_group: None,
            services_established: 0,
        }
    }

    #[test]
    fn months_in_operation_are_whole_months() {
        assert_eq!(months_between(d("2024-01-15"), d("2024-01-15")), 0);
        assert_eq!(months_between(d("2024-01-15"), d("2024-02-14")), 0);
        assert_eq!(months_between(d("2024-01-15"), d("2024-02-15")), 1);
        assert_eq!(months_between(d("2024-01-15"), d("2027-01-15")), 36);
        // A start at the end of a month: 31 Jan + 1 month is 29 Feb (leap year).
        assert_eq!(months_between(d("2024-01-31"), d("2024-02-29")), 1);
    }

    #[test]
    fn agencies_by_months_count_organisations_only() {
        let rows = vec![
            row("2024-01-10", "gp", Some(1)),
            row("2024-03-01", "nav", Some(2)),
            row("2024-03-02", "gp", Some(1)), // the same GP again: still one agency
            row("2024-05-01", "relative", Some(9)), // a relative: its own line
            row("2024-06-30", "police", None), // not in the register: not counted
            row("2024-07-01", "housing_office", Some(3)), // month 7: after the first 6
            row("2024-08-01", "self_referral", None),
        ];
        let got = by_months(&rows, d("2024-01-01"), d("2024-09-15"));
        assert_eq!(
            got,
            [
                MonthsRow {
                    months: 6,
                    agencies: 2,
                    relatives: 1,
                    self_referrals: 0
                },
                MonthsRow {
                    months: 8,
                    agencies: 3,
                    relatives: 1,
                    self_referrals: 1
                },
            ]
        );
        // Exactly 12 months: no extra row for "so far".
        let got = by_months(&rows, d("2024-01-01"), d("2025-01-01"));
        assert_eq!(got.iter().map(|r| r.months).collect::<Vec<_>>(), [6, 12]);
        // Less than a month: one row for month 0, with nothing in it.
        let got = by_months(&rows, d("2024-01-01"), d("2024-01-05"));
        assert_eq!(
            got,
            [MonthsRow {
                months: 0,
                agencies: 0,
                relatives: 0,
                self_referrals: 0
            }]
        );
        assert!(counts_as_agency("gp"));
        assert!(!counts_as_agency("relative"));
        assert!(!counts_as_agency("self_referral"));
    }
}
