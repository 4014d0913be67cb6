//! Small statistics for the teams' reports: median, mean and range, and keys for report periods.
//!
//! SPoR reports each 1–9 question as median, mean and range, and half-point answers occur
//! (`004`), so values are `f64`.

use crate::coded::coded_enum;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Median, mean and range of a set of values, as the reports show them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many values were summarised.
    pub n: usize,
    /// The middle value; with an even count, the mean of the two middle values.
    pub median: f64,
    /// The arithmetic mean.
    pub mean: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

/// Summarises the finite values (NaN and infinities are skipped); `None` if there are none.
pub fn summary(values: &[f64]) -> Option<Summary> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let mean = sorted.iter().sum::<f64>() / n as f64;
    Some(Summary {
        n,
        median,
        mean,
        min: sorted[0],
        max: sorted[n - 1],
    })
}

coded_enum! {
    /// The length of the periods a report groups by.
    pub enum ReportPeriod {
        /// Calendar month, keyed "2026-03".
        Month => "month", nb: "måned", en: "month";
        /// Calendar quarter, keyed "2026-Q1".
        Quarter => "quarter", nb: "kvartal", en: "quarter";
        /// Half-year, keyed "2026-H1".
        HalfYear => "half_year", nb: "halvår", en: "half-year";
        /// Calendar year, keyed "2026".
        Year => "year", nb: "år", en: "year";
    }
}

/// The key of the report period `date` falls in: "2026-03", "2026-Q1", "2026-H1" or "2026".
///
/// Keys of one period length sort in time order as plain strings (years 0–9999).
pub fn period_key(date: NaiveDate, period: ReportPeriod) -> String {
    let year = date.year();
    let month = date.month();
    match period {
        ReportPeriod::Month => format!("{year:04}-{month:02}"),
        ReportPeriod::Quarter => format!("{year:04}-Q{}", (month - 1) / 3 + 1),
        ReportPeriod::HalfYear => format!("{year:04}-H{}", (month - 1) / 6 + 1),
        ReportPeriod::Year => format!("{year:04}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn median_odd_count() {
        let s = summary(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!(s.n, 3);
        assert!(close(s.median, 3.0));
        assert!(close(s.mean, 3.0));
        assert!(close(s.min, 1.0));
        assert!(close(s.max, 5.0));
    }

    #[test]
    fn median_even_count_is_mean_of_middle_two() {
        let s = summary(&[8.0, 1.5, 6.0, 4.0]).unwrap();
        assert_eq!(s.n, 4);
        assert!(close(s.median, 5.0), "{}", s.median);
        assert!(close(s.mean, 4.875), "{}", s.mean);
        assert!(close(s.min, 1.5));
        assert!(close(s.max, 8.0));
        let two = summary(&[1.0, 2.0]).unwrap();
        assert!(close(two.median, 1.5));
    }

    #[test]
    fn single_value_and_duplicates() {
        let one = summary(&[6.3]).unwrap();
        assert_eq!(one.n, 1);
        assert!(close(one.median, 6.3) && close(one.mean, 6.3));
        assert!(close(one.min, 6.3) && close(one.max, 6.3));
        let same = summary(&[2.0, 2.0, 9.0, 2.0]).unwrap();
        assert!(close(same.median, 2.0));
        assert!(close(same.mean, 3.75));
    }

    #[test]
    fn empty_and_non_finite() {
        assert_eq!(summary(&[]), None);
        assert_eq!(summary(&[f64::NAN]), None);
        let s = summary(&[f64::NAN, 1.0, f64::INFINITY, 3.0, f64::NEG_INFINITY]).unwrap();
        assert_eq!(s.n, 2);
        assert!(close(s.median, 2.0));
        assert!(close(s.min, 1.0) && close(s.max, 3.0));
    }

    #[test]
    fn period_keys() {
        let date = d(2026, 3, 31);
        assert_eq!(period_key(date, ReportPeriod::Month), "2026-03");
        assert_eq!(period_key(date, ReportPeriod::Quarter), "2026-Q1");
        assert_eq!(period_key(date, ReportPeriod::HalfYear), "2026-H1");
        assert_eq!(period_key(date, ReportPeriod::Year), "2026");
        assert_eq!(period_key(d(2026, 4, 1), ReportPeriod::Quarter), "2026-Q2");
        assert_eq!(
            period_key(d(2026, 6, 30), ReportPeriod::HalfYear),
            "2026-H1"
        );
        assert_eq!(period_key(d(2026, 7, 1), ReportPeriod::HalfYear), "2026-H2");
        assert_eq!(period_key(d(2026, 7, 1), ReportPeriod::Quarter), "2026-Q3");
        assert_eq!(
            period_key(d(2026, 12, 31), ReportPeriod::Quarter),
            "2026-Q4"
        );
        assert_eq!(period_key(d(2026, 12, 31), ReportPeriod::Month), "2026-12");
        assert_eq!(period_key(d(2026, 1, 1), ReportPeriod::Month), "2026-01");
    }

    #[test]
    fn period_keys_sort_in_time_order() {
        let dates = [
            d(2025, 12, 31),
            d(2026, 1, 1),
            d(2026, 9, 30),
            d(2026, 10, 1),
        ];
        for &period in ReportPeriod::ALL {
            let keys: Vec<String> = dates.iter().map(|&x| period_key(x, period)).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted, "{period:?}");
        }
    }

    #[test]
    fn report_period_table() {
        assert_coded(
            ReportPeriod::ALL,
            ReportPeriod::code,
            ReportPeriod::from_code,
            ReportPeriod::label,
        );
    }
}
