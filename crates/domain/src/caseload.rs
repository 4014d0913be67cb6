//! Caseloads against the team's norm, and the team board's outcomes (issue 9).
//!
//! The norm of one worker is how many people they may be coordinator for: the team policy's
//! users per full (100 %) position scaled by the worker's position share in the team, rounded
//! **down** (Tandem: 5 per position, so a 40 % post carries floor(5 × 0.4) = 2), and never above
//! the policy's maximum per worker regardless of position (OBS: 10). Rounding down keeps a
//! part-time post from being given a whole extra person for a fraction of a day.

use crate::coded::coded_enum;

/// The norm for one worker: how many people they may be coordinator for, or `None` when the
/// team has no norm at all. `fte_percent` is the worker's position share in the team (1–100).
pub fn caseload_norm(
    per_full_position: Option<u32>,
    max_per_worker: Option<u32>,
    fte_percent: u8,
) -> Option<u32> {
    let scaled = per_full_position.map(|n| n.saturating_mul(u32::from(fte_percent)) / 100);
    match (scaled, max_per_worker) {
        (Some(s), Some(m)) => Some(s.min(m)),
        (Some(s), None) => Some(s),
        (None, Some(m)) => Some(m),
        (None, None) => None,
    }
}

/// The team's capacity: the sum of its workers' norms (`None` when the team has no norm).
pub fn team_capacity(norms: impl IntoIterator<Item = Option<u32>>) -> Option<u32> {
    norms
        .into_iter()
        .try_fold(0u32, |sum, n| n.map(|n| sum.saturating_add(n)))
}

/// Whether naming a worker coordinator for one more person takes them beyond their norm:
/// `count` is the people they are coordinator for now (not counting this one).
pub fn over_norm(count: u32, norm: Option<u32>) -> bool {
    norm.is_some_and(|n| count.saturating_add(1) > n)
}

coded_enum! {
    /// Why a person was taken off the team board ("tavla").
    pub enum BoardOutcome {
        /// Things are calmer; the ordinary follow-up continues.
        Stabilised => "stabilised", nb: "stabilisert", en: "stabilised";
        /// Admitted to hospital or an institution.
        Admitted => "admitted", nb: "innlagt", en: "admitted";
        /// Moved to another service.
        MovedService => "moved_service", nb: "overført til annen tjeneste", en: "moved to another service";
        /// Something else (described in text).
        Other => "other", nb: "annet", en: "other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tandem_forty_percent_carries_two() {
        assert_eq!(caseload_norm(Some(5), None, 40), Some(2));
    }

    #[test]
    fn full_half_and_thirty_percent_positions() {
        assert_eq!(caseload_norm(Some(5), None, 100), Some(5));
        assert_eq!(caseload_norm(Some(5), None, 50), Some(2)); // 2.5 rounds down
        assert_eq!(caseload_norm(Some(5), None, 30), Some(1)); // 1.5 rounds down
        assert_eq!(caseload_norm(Some(5), None, 10), Some(0));
    }

    #[test]
    fn obs_maximum_per_worker_regardless_of_position() {
        assert_eq!(caseload_norm(None, Some(10), 100), Some(10));
        assert_eq!(caseload_norm(None, Some(10), 30), Some(10));
        assert_eq!(caseload_norm(Some(15), Some(10), 100), Some(10));
        assert_eq!(caseload_norm(Some(15), Some(10), 50), Some(7));
    }

    #[test]
    fn no_policy_no_norm() {
        assert_eq!(caseload_norm(None, None, 100), None);
        assert!(!over_norm(1000, None));
    }

    #[test]
    fn over_norm_counts_the_one_being_added() {
        assert!(!over_norm(1, Some(2)));
        assert!(over_norm(2, Some(2)));
        assert!(over_norm(0, Some(0)));
    }

    #[test]
    fn capacity_sums_norms() {
        assert_eq!(team_capacity([Some(5), Some(2), Some(1)]), Some(8));
        assert_eq!(team_capacity([Some(5), None]), None);
        assert_eq!(team_capacity(std::iter::empty()), Some(0));
    }

    #[test]
    fn outcome_codes() {
        assert_eq!(
            BoardOutcome::from_code("admitted"),
            Some(BoardOutcome::Admitted)
        );
        assert_eq!(BoardOutcome::MovedService.code(), "moved_service");
        assert_eq!(BoardOutcome::from_code("healed"), None);
    }
}
