//! The team's referral report: aggregates only, no personal data.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use benk_app::reports::{self, ReferralReport};
use benk_app::{AppError, Text};
use benk_domain::{AgencyKind, DecisionOutcome, Lang, ReportPeriod};
use serde::Deserialize;

use super::form::cap;
use super::texts::{it, It};
use crate::ctx::Ctx;
use crate::html::clients::actor_or_redirect;
use crate::html::{page, Layout};
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
    #[serde(default)]
    period: Option<String>,
}

/// One row of the referrals-by-kind table.
pub(crate) struct KindRow {
    pub period: String,
    pub counts: Vec<i64>,
    pub total: i64,
    pub distinct: i64,
    pub cumulative: i64,
}

#[derive(Template)]
#[template(path = "report_referrals.html")]
struct ReportView {
    layout: Layout,
    it: &'static It,
    team_name: String,
    period: &'static str,
    periods: Vec<(&'static str, String)>,
    period_label: String,
    kinds: Vec<String>,
    rows: Vec<KindRow>,
    kind_totals: Vec<i64>,
    grand_total: i64,
    days: Option<(String, String, String, usize)>,
    outcomes: Vec<(String, i64, String)>,
    decided: i64,
    target: Option<String>,
    /// "N of M referred got ordinary services established or re-established (P %)".
    established: Option<String>,
    /// How months in operation are counted (start date), if there is a start.
    months_intro: Option<String>,
    /// (months, agencies, relatives, self-referrals).
    months: Vec<(String, i64, i64, i64)>,
    /// The reports of the framework, with the period form and downloads.
    list: crate::html::report::ReportList,
}

/// A number with the locale's decimal separator, one decimal.
pub(crate) fn decimal(lang: Lang, v: f64) -> String {
    let s = format!("{v:.1}");
    match lang {
        Lang::Nb => s.replace('.', ","),
        Lang::En => s,
    }
}

/// "2026-Q1" → "1. kv. 2026" / "Q1 2026", and so on.
fn period_label(lang: Lang, key: &str) -> String {
    const MONTHS_NB: [&str; 12] = [
        "jan.", "feb.", "mars", "april", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
        "des.",
    ];
    const MONTHS_EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some((year, rest)) = key.split_once('-') else {
        return key.to_string();
    };
    if let Some(q) = rest.strip_prefix('Q') {
        return match lang {
            Lang::Nb => format!("{q}. kvartal {year}"),
            Lang::En => format!("Q{q} {year}"),
        };
    }
    if let Some(h) = rest.strip_prefix('H') {
        return match lang {
            Lang::Nb => format!("{h}. halvår {year}"),
            Lang::En => format!("H{h} {year}"),
        };
    }
    match rest.parse::<usize>() {
        Ok(m @ 1..=12) => match lang {
            Lang::Nb => format!("{} {year}", MONTHS_NB[m - 1]),
            Lang::En => format!("{} {year}", MONTHS_EN[m - 1]),
        },
        _ => key.to_string(),
    }
}

fn view_of(ctx: &Ctx, team_name: String, period: ReportPeriod, r: ReferralReport) -> ReportView {
    let lang = ctx.lang;
    let t = it(lang);
    let kinds: Vec<String> = r
        .kinds
        .iter()
        .map(|k| {
            AgencyKind::from_code(k)
                .map(|k| cap(k.label(lang)))
                .unwrap_or_else(|| k.clone())
        })
        .collect();
    let rows: Vec<KindRow> = r
        .periods
        .iter()
        .map(|p| KindRow {
            period: period_label(lang, &p.period),
            counts: r
                .kinds
                .iter()
                .map(|k| p.by_kind.get(k).copied().unwrap_or(0))
                .collect(),
            total: p.total,
            distinct: p.distinct_agencies,
            cumulative: p.cumulative_agencies,
        })
        .collect();
    let kind_totals = (0..r.kinds.len())
        .map(|i| rows.iter().map(|row| row.counts[i]).sum())
        .collect();
    let grand_total = rows.iter().map(|row| row.total).sum();
    let decided: i64 = r.outcomes.values().sum();
    let outcomes = DecisionOutcome::ALL
        .iter()
        .map(|o| {
            let n = r.outcomes.get(o.code()).copied().unwrap_or(0);
            let pct = if decided > 0 {
                format!("{} %", decimal(lang, 100.0 * n as f64 / decided as f64))
            } else {
                "–".into()
            };
            (cap(o.label(lang)), n, pct)
        })
        .collect();
    let days = r.days_to_decision.map(|s| {
        (
            decimal(lang, s.median),
            decimal(lang, s.mean),
            format!("{}–{}", s.min.round() as i64, s.max.round() as i64),
            s.n,
        )
    });
    let share = |text: &str, n: i64, of: i64| {
        (of > 0).then(|| {
            text.replace("{pct}", &decimal(lang, 100.0 * n as f64 / of as f64))
                .replace("{n}", &n.to_string())
                .replace("{of}", &of.to_string())
        })
    };
    let target = share(
        t.target_share,
        r.offered_help_in_target_group,
        r.offered_help,
    );
    let established = share(t.established_share, r.services_established, r.referred);
    let layout = Layout::new(ctx, "reports");
    let months_intro = r
        .started_on
        .map(|d| t.report_months_intro.replace("{date}", &layout.date(&d)));
    let months = r
        .by_months_in_operation
        .iter()
        .map(|m| {
            (
                t.months_in_operation.replace("{m}", &m.months.to_string()),
                m.agencies,
                m.relatives,
                m.self_referrals,
            )
        })
        .collect();
    ReportView {
        layout,
        it: t,
        team_name,
        period: period.code(),
        periods: ReportPeriod::ALL
            .iter()
            .map(|p| (p.code(), cap(p.label(lang))))
            .collect(),
        period_label: cap(period.label(lang)),
        kinds,
        rows,
        kind_totals,
        grand_total,
        days,
        outcomes,
        decided,
        target,
        established,
        months_intro,
        months,
        list: crate::html::report::list(lang),
    }
}

/// GET `/reports?period=quarter|half_year|year|month`.
pub(crate) async fn page_handler(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let period = q
        .period
        .as_deref()
        .and_then(ReportPeriod::from_code)
        .unwrap_or(ReportPeriod::Quarter);
    let result = async {
        let Some(m) = actor.acting() else {
            return Err(AppError::Forbidden(Text::new(
                "Du er ikke med i noe team.",
                "You are not in a team.",
            )));
        };
        let report = reports::referrals(&st.app, actor, m.team_id, period).await?;
        Ok((m.team_name.clone(), report))
    }
    .await;
    match result {
        Ok((name, r)) => page(&view_of(&ctx, name, period, r)),
        Err(e) => ctx.page_err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_labels_and_decimals() {
        assert_eq!(period_label(Lang::Nb, "2026-Q1"), "1. kvartal 2026");
        assert_eq!(period_label(Lang::En, "2026-H2"), "H2 2026");
        assert_eq!(period_label(Lang::Nb, "2026-03"), "mars 2026");
        assert_eq!(period_label(Lang::Nb, "2026"), "2026");
        assert_eq!(decimal(Lang::Nb, 91.6), "91,6");
        assert_eq!(decimal(Lang::En, 91.6), "91.6");
    }
}
