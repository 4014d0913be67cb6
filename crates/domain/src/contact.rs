//! Contacts with the person: the outreach log's codes (issue 9).

use chrono::{DateTime, Duration, Utc};

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};

coded_enum! {
    /// How the team met (or tried to meet) the person.
    pub enum ContactKind {
        /// At the person's home.
        HomeVisit => "home_visit", nb: "hjemmebesøk", en: "home visit";
        /// In the street or elsewhere outside (oppsøkende).
        Outreach => "outreach", nb: "oppsøkende / ute", en: "street / outreach";
        /// At the team's office.
        Office => "office", nb: "kontor", en: "office";
        /// By phone.
        Phone => "phone", nb: "telefon", en: "phone";
        /// By video.
        Video => "video", nb: "video", en: "video";
        /// Going with the person to the GP.
        AccompanyGp => "accompany_gp", nb: "følge til fastlege", en: "accompanying to GP";
        /// Going with the person to NAV.
        AccompanyNav => "accompany_nav", nb: "følge til NAV", en: "accompanying to NAV";
        /// Going with the person to the DPS.
        AccompanyDps => "accompany_dps", nb: "følge til DPS", en: "accompanying to DPS";
        /// Going with the person somewhere else.
        AccompanyOther => "accompany_other", nb: "følge til annet", en: "accompanying elsewhere";
        /// At the drop-in centre (værested).
        DropIn => "drop_in", nb: "værested", en: "drop-in centre";
        /// A responsibility-group meeting (ansvarsgruppemøte).
        ResponsibilityGroup => "responsibility_group", nb: "ansvarsgruppemøte", en: "responsibility-group meeting";
        /// A meeting with a partner service.
        PartnerMeeting => "partner_meeting", nb: "samarbeidsmøte", en: "partner meeting";
    }
}

impl ContactKind {
    /// Whether the contact took place out of the office (the fidelity profile's "share in the
    /// community"): phone, video and office contacts do not.
    pub fn in_community(self) -> bool {
        !matches!(
            self,
            ContactKind::Office | ContactKind::Phone | ContactKind::Video
        )
    }
}

coded_enum! {
    /// What a contact was about.
    pub enum ContactTopic {
        /// Housing.
        Housing => "housing", nb: "bolig", en: "housing";
        /// Finances.
        Finances => "finances", nb: "økonomi", en: "finances";
        /// Physical health.
        PhysicalHealth => "physical_health", nb: "somatisk helse", en: "physical health";
        /// Mental health.
        MentalHealth => "mental_health", nb: "psykisk helse", en: "mental health";
        /// Substance use.
        SubstanceUse => "substance_use", nb: "rus", en: "substance use";
        /// Activity, work, meaningful days.
        Activity => "activity", nb: "aktivitet", en: "activity";
        /// Family, friends, network.
        Relations => "relations", nb: "relasjoner", en: "relations";
        /// Practical help in daily life.
        PracticalHelp => "practical_help", nb: "praktisk hjelp", en: "practical help";
    }
}

/// The longest contact: a whole day, in minutes.
pub const MAX_DURATION_MIN: i64 = 24 * 60;

/// How far ahead of the server's clock a contact's start may be (phones' clocks drift).
pub const CLOCK_SKEW_MIN: i64 = 5;

/// Why a contact's time or length was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    /// The start lies in the future (beyond the allowed clock skew).
    #[error("contact in the future")]
    InFuture,
    /// The length is outside 0–24 hours.
    #[error("duration out of range")]
    DurationOutOfRange,
    /// The end is before the start.
    #[error("end before start")]
    EndBeforeStart,
}

impl Localized for ContactError {
    fn code(&self) -> &'static str {
        match self {
            Self::InFuture => "contact_in_future",
            Self::DurationOutOfRange => "contact_duration_out_of_range",
            Self::EndBeforeStart => "contact_end_before_start",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::InFuture, Lang::Nb) => {
                "Tidspunktet kan ikke være fram i tid. Registrer kontakten når den har skjedd."
            }
            (Self::InFuture, Lang::En) => {
                "The time cannot be in the future. Log the contact once it has taken place."
            }
            (Self::DurationOutOfRange, Lang::Nb) => {
                "Varigheten må være mellom 0 og 1440 minutter (24 timer)."
            }
            (Self::DurationOutOfRange, Lang::En) => {
                "The duration must be between 0 and 1440 minutes (24 hours)."
            }
            (Self::EndBeforeStart, Lang::Nb) => "Sluttidspunktet kan ikke være før starten.",
            (Self::EndBeforeStart, Lang::En) => "The end cannot be before the start.",
        }
        .into()
    }
}

/// Checks a contact's start against the clock: not later than `now` plus [`CLOCK_SKEW_MIN`].
pub fn check_start(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ContactError> {
    if start > now + Duration::minutes(CLOCK_SKEW_MIN) {
        Err(ContactError::InFuture)
    } else {
        Ok(start)
    }
}

/// Checks a length in minutes: 0 to [`MAX_DURATION_MIN`].
pub fn check_duration(minutes: i64) -> Result<i64, ContactError> {
    if (0..=MAX_DURATION_MIN).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(ContactError::DurationOutOfRange)
    }
}

/// The length from a start and an end (whole minutes, rounded down), checked like
/// [`check_duration`].
pub fn duration_between(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<i64, ContactError> {
    if end < start {
        return Err(ContactError::EndBeforeStart);
    }
    check_duration((end - start).num_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;

    #[test]
    fn tables() {
        assert_coded(
            ContactKind::ALL,
            ContactKind::code,
            ContactKind::from_code,
            ContactKind::label,
        );
        assert_coded(
            ContactTopic::ALL,
            ContactTopic::code,
            ContactTopic::from_code,
            ContactTopic::label,
        );
    }

    #[test]
    fn office_phone_and_video_are_not_in_the_community() {
        let outside: Vec<_> = ContactKind::ALL
            .iter()
            .filter(|k| !k.in_community())
            .collect();
        assert_eq!(
            outside,
            [
                &ContactKind::Office,
                &ContactKind::Phone,
                &ContactKind::Video
            ]
        );
    }

    #[test]
    fn start_may_be_up_to_five_minutes_ahead_of_the_clock() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        assert!(check_start(now + Duration::minutes(5), now).is_ok());
        assert_eq!(
            check_start(now + Duration::minutes(6), now),
            Err(ContactError::InFuture)
        );
        assert!(check_start(now - Duration::days(300), now).is_ok());
    }

    #[test]
    fn duration_is_zero_to_a_day_and_the_end_comes_after_the_start() {
        use chrono::TimeZone;
        let start = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        assert_eq!(check_duration(0), Ok(0));
        assert_eq!(check_duration(1440), Ok(1440));
        assert_eq!(check_duration(1441), Err(ContactError::DurationOutOfRange));
        assert_eq!(check_duration(-1), Err(ContactError::DurationOutOfRange));
        assert_eq!(
            duration_between(start, start + Duration::minutes(45)),
            Ok(45)
        );
        assert_eq!(
            duration_between(start, start - Duration::minutes(1)),
            Err(ContactError::EndBeforeStart)
        );
        assert_eq!(
            duration_between(start, start + Duration::hours(25)),
            Err(ContactError::DurationOutOfRange)
        );
        assert_eq!(
            ContactError::EndBeforeStart.code(),
            "contact_end_before_start"
        );
    }
}
