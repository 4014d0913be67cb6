//! The statistical definitions every report prints (and `docs/reports.md` repeats).

use benk_domain::L;

/// The definitions common to every report.
pub fn common() -> Vec<L> {
    vec![
        L::new(
            "Perioden er fra og med første til og med siste dato, etter norsk tid.",
            "The period runs from the first to the last date, both included, in Norwegian time.",
        ),
        L::new(
            "Median: den midterste verdien når verdiene er sortert; med et partall verdier snittet av de to midterste. Snitt: summen delt på antallet. Spredning: laveste–høyeste verdi.",
            "Median: the middle value when the values are sorted; with an even count, the mean of the two middle values. Mean: the sum divided by the count. Range: lowest–highest value.",
        ),
        L::new(
            "Avrunding: til én desimal, halve opp bort fra null (4,45 blir 4,5). Prosent er 100 × teller / nevner, avrundet på samme måte; teller og nevner står ved hver prosent.",
            "Rounding: to one decimal, halves away from zero (4.45 becomes 4.5). A percentage is 100 × numerator / denominator, rounded the same way; the numerator and denominator stand with every percentage.",
        ),
    ]
}
