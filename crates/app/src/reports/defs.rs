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
        L::new(
            "Små tall: i filer og data som går ut av teamet skjules tall om personer fra 1 til grensen − 1 («<5»). Et tall som ellers ville avsløre et skjult tall, i samme tabell, i en annen tabell i rapporten med samme sum, eller som forskjell fra en tidligere utlevert rapport for en periode som begynner eller slutter samme dag, vises som «:».",
            "Small numbers: in files and data that leave the team, numbers of people from 1 to the threshold − 1 are hidden (“<5”). A number that would otherwise give a hidden one away, in the same table, in another table of the report with the same sum, or as the difference from a report released earlier for a period starting or ending on the same day, is shown as “:”.",
        ),
    ]
}
