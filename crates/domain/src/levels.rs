//! What each level of effort asks of a course, and the guidance case (level 3).
//!
//! C-Flex's three levels (`001`/`003`) are three different kinds of work, so they record
//! different things:
//! - level 1 (in the team): the team takes over; a coordinator pair (municipal + specialist);
//! - level 2 (shoulder to shoulder): the ordinary service keeps the responsibility; the team
//!   records which service and contact person, and what competence it adds;
//! - level 3 (guidance): advice to a partner, "without being directly involved in giving
//!   services". At intake that is the outcome `guidance` and a guidance case, with no record of
//!   the person. A course already under way may move to level 3 when the team now only advises
//!   the ordinary service: it keeps the record and names the service advised.

use crate::coded::coded_enum;
use crate::intake::LevelOfEffort;

coded_enum! {
    /// The competence the team adds to the ordinary service at level 2 (C-Flex: "a municipal
    /// worker for the specialist service, a psychiatrist or psychologist for the municipality").
    pub enum Competence {
        /// A municipal resource (housing, NAV, practical help) to the specialist health service.
        MunicipalToSpecialist => "municipal_to_specialist",
            nb: "Kommunal ressurs til spesialisthelsetjenesten",
            en: "Municipal resource to the specialist health service";
        /// A psychiatrist or psychologist to the municipality.
        SpecialistToMunicipality => "specialist_to_municipality",
            nb: "Psykiater eller psykolog til kommunen",
            en: "Psychiatrist or psychologist to the municipality";
        /// Both ways.
        Both => "both", nb: "Begge veier", en: "Both ways";
        /// Something else, described in the note.
        Other => "other", nb: "Annet (se beskrivelse)", en: "Other (see the note)";
    }
}

coded_enum! {
    /// What a course still lacks for its current level.
    pub enum LevelRequirement {
        /// Level 1: a municipal and a specialist coordinator.
        CoordinatorPair => "coordinator_pair",
            nb: "Koordinatorpar (kommunal og spesialist) mangler",
            en: "Coordinator pair (municipal and specialist) missing";
        /// Levels 2 and 3: the ordinary service that keeps the responsibility (or is advised).
        OrdinaryService => "ordinary_service",
            nb: "Den ordinære tjenesten er ikke navngitt",
            en: "The ordinary service is not named";
    }
}

/// What a course at `level` still lacks: level 1 asks for both coordinators, levels 2 and 3 for
/// the ordinary service named on the level. Level 2 never asks for a coordinator pair.
pub fn missing_for_level(
    level: LevelOfEffort,
    has_municipal_coordinator: bool,
    has_specialist_coordinator: bool,
    has_ordinary_service: bool,
) -> Vec<LevelRequirement> {
    match level {
        LevelOfEffort::InTeam if !(has_municipal_coordinator && has_specialist_coordinator) => {
            vec![LevelRequirement::CoordinatorPair]
        }
        LevelOfEffort::InTeam => vec![],
        LevelOfEffort::ShoulderToShoulder | LevelOfEffort::Guidance if !has_ordinary_service => {
            vec![LevelRequirement::OrdinaryService]
        }
        _ => vec![],
    }
}

coded_enum! {
    /// Where a guidance case stands.
    pub enum GuidanceStatus {
        /// Advice not yet given, or a follow-up is due.
        Open => "open", nb: "Åpen", en: "Open";
        /// Done.
        Closed => "closed", nb: "Avsluttet", en: "Closed";
    }
}

coded_enum! {
    /// How the partner asked for guidance.
    pub enum GuidanceChannel {
        /// A referral the intake team decided as guidance.
        Referral => "referral", nb: "Henvisning", en: "Referral";
        /// A phone call.
        Phone => "phone", nb: "Telefon", en: "Phone";
        /// The open hour (C-Flex: Thursdays 09:00, partners book a slot).
        OpenHour => "open_hour", nb: "Åpen time", en: "Open hour";
        /// A meeting.
        Meeting => "meeting", nb: "Møte", en: "Meeting";
        /// E-mail or letter.
        Written => "written", nb: "E-post eller brev", en: "E-mail or letter";
    }
}

/// Whether a text holds what looks like a national id (eleven digits in a row with valid check
/// digits, synthetic numbers included). A guidance case names no person, so its texts refuse one.
pub fn contains_national_id(text: &str) -> bool {
    let digits: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < digits.len() {
        if digits[i].is_ascii_digit() {
            let start = i;
            while i < digits.len() && (digits[i].is_ascii_digit() || digits[i] == ' ') {
                i += 1;
            }
            let run: String = digits[start..i]
                .iter()
                .filter(|c| c.is_ascii_digit())
                .collect();
            if run.len() >= 11 {
                for w in 0..=run.len() - 11 {
                    if crate::NationalId::parse(&run[w..w + 11], true).is_ok() {
                        return true;
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    #[test]
    fn tables() {
        assert_coded(
            Competence::ALL,
            Competence::code,
            Competence::from_code,
            Competence::label,
        );
        assert_coded(
            LevelRequirement::ALL,
            LevelRequirement::code,
            LevelRequirement::from_code,
            LevelRequirement::label,
        );
        assert_coded(
            GuidanceStatus::ALL,
            GuidanceStatus::code,
            GuidanceStatus::from_code,
            GuidanceStatus::label,
        );
        assert_coded(
            GuidanceChannel::ALL,
            GuidanceChannel::code,
            GuidanceChannel::from_code,
            GuidanceChannel::label,
        );
    }

    #[test]
    fn national_ids_are_found_in_text() {
        let date = chrono::NaiveDate::from_ymd_opt(1985, 3, 14).unwrap();
        let id = crate::NationalId::synthetic(date, 1);
        assert!(contains_national_id(&format!(
            "Gjelder {}, mann.",
            id.as_str()
        )));
        assert!(!contains_national_id("Ring 912 34 567 etter kl. 12."));
        assert!(!contains_national_id("Ingen tall her."));
        assert!(!contains_national_id("12345678901"));
    }

    #[test]
    fn each_level_asks_for_its_own_things() {
        use LevelOfEffort::*;
        use LevelRequirement::*;
        assert_eq!(missing_for_level(InTeam, true, true, false), vec![]);
        assert_eq!(
            missing_for_level(InTeam, true, false, true),
            vec![CoordinatorPair]
        );
        assert_eq!(
            missing_for_level(InTeam, false, false, false),
            vec![CoordinatorPair]
        );
        // Level 2 never asks for a coordinator pair, only for the ordinary service.
        assert_eq!(
            missing_for_level(ShoulderToShoulder, false, false, true),
            vec![]
        );
        assert_eq!(
            missing_for_level(ShoulderToShoulder, true, true, false),
            vec![OrdinaryService]
        );
        assert_eq!(missing_for_level(Guidance, false, false, true), vec![]);
        assert_eq!(
            missing_for_level(Guidance, false, false, false),
            vec![OrdinaryService]
        );
    }
}
