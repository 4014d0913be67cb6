//! Referrals: who sends a person to the team, how, and what must be known about the person.
//!
//! C-Flex lets anyone contact the team (`001`), so a referral carries the kind of agency that sent
//! it (the evaluation counts referring agencies), how it came in, and the referral's own status
//! until the joint intake decision.

use crate::coded::coded_enum;
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::fmt;

coded_enum! {
    /// The kind of agency or person that made a referral; reports count referrals per kind.
    pub enum AgencyKind {
        /// The person's regular GP (fastlege).
        Gp => "gp", nb: "fastlege", en: "GP";
        /// The NAV welfare office.
        Nav => "nav", nb: "NAV", en: "NAV";
        /// The municipal housing office (boligkontoret).
        HousingOffice => "housing_office", nb: "boligkontor", en: "housing office";
        /// A relative or other next of kin (pårørende).
        Relative => "relative", nb: "pårørende", en: "relative";
        /// The police.
        Police => "police", nb: "politi", en: "police";
        /// The person contacted the team themselves.
        SelfReferral => "self_referral", nb: "personen selv", en: "the person themselves";
        /// A district psychiatric centre (DPS).
        Dps => "dps", nb: "DPS", en: "DPS (district psychiatric centre)";
        /// A hospital ward.
        HospitalWard => "hospital_ward", nb: "sykehusavdeling", en: "hospital ward";
        /// The emergency clinic (legevakt).
        EmergencyClinic => "emergency_clinic", nb: "legevakt", en: "emergency clinic";
        /// The correctional service (kriminalomsorgen): prison or probation.
        CorrectionalService => "correctional_service", nb: "kriminalomsorgen", en: "correctional service";
        /// Another municipal service, e.g. home care or the mental health and substance service.
        MunicipalService => "municipal_service", nb: "kommunal tjeneste", en: "municipal service";
        /// Specialised substance use treatment (TSB).
        SubstanceTreatment => "substance_treatment", nb: "TSB/rusbehandling", en: "specialised substance use treatment";
        /// Anyone else.
        Other => "other", nb: "annet", en: "other";
    }
}

coded_enum! {
    /// How a referral reached the team.
    pub enum ReferralChannel {
        /// Benk's referral form.
        WebForm => "web_form", nb: "nettskjema", en: "web form";
        /// A phone call.
        Phone => "phone", nb: "telefon", en: "phone";
        /// C-Flex's weekly open hour, where partners book a slot and present a case.
        OpenHour => "open_hour", nb: "åpen time", en: "open hour";
        /// A meeting, e.g. a responsibility group.
        Meeting => "meeting", nb: "møte", en: "meeting";
        /// Any other way.
        Other => "other", nb: "annet", en: "other";
    }
}

coded_enum! {
    /// How soon the referrer asks the team to act.
    pub enum Urgency {
        /// Handled at the next intake meeting.
        Normal => "normal", nb: "normal", en: "normal";
        /// The referrer asks for a quick answer, e.g. an imminent eviction or discharge.
        Urgent => "urgent", nb: "haster", en: "urgent";
    }
}

coded_enum! {
    /// Whether the person knows about and agrees to being referred.
    pub enum Knowledge {
        /// The person knows and agrees.
        Yes => "yes", nb: "ja", en: "yes";
        /// The person does not know or does not agree.
        No => "no", nb: "nei", en: "no";
        /// The referrer does not know.
        Unknown => "unknown", nb: "vet ikke", en: "unknown";
    }
}

coded_enum! {
    /// Where a referral is on its way to the joint intake decision.
    pub enum ReferralStatus {
        /// Received, not yet looked at.
        New => "new", nb: "ny", en: "new";
        /// The intake team is assessing it.
        UnderAssessment => "under_assessment", nb: "til vurdering", en: "under assessment";
        /// The intake team has decided; final.
        Decided => "decided", nb: "avgjort", en: "decided";
    }
}

impl ReferralStatus {
    /// Whether a referral may go from this status to `next`; nothing leaves `Decided`.
    pub fn can_move_to(self, next: ReferralStatus) -> bool {
        matches!(
            (self, next),
            (ReferralStatus::New, ReferralStatus::UnderAssessment)
                | (ReferralStatus::New, ReferralStatus::Decided)
                | (ReferralStatus::UnderAssessment, ReferralStatus::Decided)
        )
    }

    /// Moves to `next` if allowed, else explains why not.
    pub fn move_to(self, next: ReferralStatus) -> Result<ReferralStatus, ReferralError> {
        if self.can_move_to(next) {
            Ok(next)
        } else {
            Err(ReferralError::StatusChange {
                from: self,
                to: next,
            })
        }
    }

    /// Whether the referral still awaits a decision.
    pub fn is_open(self) -> bool {
        self != ReferralStatus::Decided
    }
}

/// Which ways to identify or reach the person a referral gives (only presence, never the values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct IdentityParts {
    /// A name is given.
    pub name: bool,
    /// A national identity number is given.
    pub national_id: bool,
    /// A year of birth is given (helps, but identifies no one on its own).
    pub birth_year: bool,
    /// A phone number is given.
    pub phone: bool,
    /// Where the person can be met is described (e.g. a shelter or a street corner).
    pub whereabouts: bool,
}

/// Refuses a referral that gives no way to find or contact the person.
///
/// Any one of name, national id, phone or whereabouts is enough; a year of birth alone is not.
pub fn identifiable(parts: IdentityParts) -> Result<(), ReferralError> {
    if parts.name || parts.national_id || parts.phone || parts.whereabouts {
        Ok(())
    } else {
        Err(ReferralError::NotIdentifiable)
    }
}

/// Why a referral, or a change to it, is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ReferralError {
    /// None of name, national id, phone or whereabouts is given.
    #[error(
        "We need something that lets us find or contact the person: name, national identity \
         number, phone or where the person can be met."
    )]
    NotIdentifiable,
    /// The status change is not allowed (e.g. reopening a decided referral).
    #[error(
        "The referral cannot go from “{}” to “{}”.",
        .from.label(Lang::En),
        .to.label(Lang::En)
    )]
    StatusChange {
        /// The current status.
        from: ReferralStatus,
        /// The status asked for.
        to: ReferralStatus,
    },
}

impl Localized for ReferralError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotIdentifiable => "referral_not_identifiable",
            Self::StatusChange { .. } => "referral_status_change",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::NotIdentifiable => "Vi trenger noe som gjør at vi kan finne eller kontakte \
                     personen: navn, fødselsnummer, telefon eller hvor personen kan treffes."
                    .into(),
                Self::StatusChange { from, to } => format!(
                    "Henvisningen kan ikke gå fra «{}» til «{}».",
                    from.label(Lang::Nb),
                    to.label(Lang::Nb)
                ),
            },
        }
    }
}

/// The receipt number a referrer gets back, "BENK-2026-00042": year and a sequence within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ReceiptNumber {
    year: u16,
    seq: u32,
}

/// Why a receipt number cannot be made or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ReceiptNumberError {
    /// Nothing was entered.
    #[error("The receipt number is missing.")]
    Empty,
    /// Not of the form BENK-YYYY-NNNNN.
    #[error("A receipt number looks like BENK-2026-00042.")]
    InvalidFormat,
    /// A year outside 2000–9999.
    #[error("The year in a receipt number must be between 2000 and 9999 (got {year}).")]
    YearOutOfRange {
        /// The year given.
        year: i64,
    },
    /// A sequence number outside 1–99 999.
    #[error("The sequence in a receipt number must be between 1 and 99999 (got {seq}).")]
    SequenceOutOfRange {
        /// The sequence number given.
        seq: i64,
    },
}

impl Localized for ReceiptNumberError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "receipt_number_empty",
            Self::InvalidFormat => "receipt_number_invalid_format",
            Self::YearOutOfRange { .. } => "receipt_number_year_out_of_range",
            Self::SequenceOutOfRange { .. } => "receipt_number_sequence_out_of_range",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Nb => match self {
                Self::Empty => "Kvitteringsnummeret mangler.".into(),
                Self::InvalidFormat => "Et kvitteringsnummer ser slik ut: BENK-2026-00042.".into(),
                Self::YearOutOfRange { year } => format!(
                    "Året i et kvitteringsnummer må være mellom 2000 og 9999 (fikk {year})."
                ),
                Self::SequenceOutOfRange { seq } => format!(
                    "Løpenummeret i et kvitteringsnummer må være mellom 1 og 99999 (fikk {seq})."
                ),
            },
        }
    }
}

impl ReceiptNumber {
    /// The highest sequence number in a year.
    pub const MAX_SEQ: u32 = 99_999;

    /// The receipt number for the `seq`th referral (from 1) of `year` (2000–9999).
    pub fn new(year: i64, seq: i64) -> Result<ReceiptNumber, ReceiptNumberError> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (2000..=9999).contains(y))
            .ok_or(ReceiptNumberError::YearOutOfRange { year })?;
        let seq = u32::try_from(seq)
            .ok()
            .filter(|s| (1..=Self::MAX_SEQ).contains(s))
            .ok_or(ReceiptNumberError::SequenceOutOfRange { seq })?;
        Ok(ReceiptNumber { year, seq })
    }

    /// Reads "BENK-2026-00042" (case and surrounding whitespace ignored).
    pub fn parse(s: &str) -> Result<ReceiptNumber, ReceiptNumberError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ReceiptNumberError::Empty);
        }
        let mut parts = t.split('-');
        let (Some(prefix), Some(year), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReceiptNumberError::InvalidFormat);
        };
        let digits = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
        if !prefix.eq_ignore_ascii_case("BENK") || !digits(year, 4) || !digits(seq, 5) {
            return Err(ReceiptNumberError::InvalidFormat);
        }
        let year: i64 = year
            .parse()
            .map_err(|_| ReceiptNumberError::InvalidFormat)?;
        let seq: i64 = seq.parse().map_err(|_| ReceiptNumberError::InvalidFormat)?;
        ReceiptNumber::new(year, seq)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The sequence within the year, from 1.
    pub fn seq(self) -> u32 {
        self.seq
    }
}

impl fmt::Display for ReceiptNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BENK-{:04}-{:05}", self.year, self.seq)
    }
}

impl From<ReceiptNumber> for String {
    fn from(value: ReceiptNumber) -> String {
        value.to_string()
    }
}

impl TryFrom<String> for ReceiptNumber {
    type Error = ReceiptNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        ReceiptNumber::parse(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::assert_coded;
    use crate::test_support::{assert_localized, deserialize_str, serialize_to_string};

    #[test]
    fn coded_tables() {
        assert_coded(
            AgencyKind::ALL,
            AgencyKind::code,
            AgencyKind::from_code,
            AgencyKind::label,
        );
        assert_eq!(AgencyKind::ALL.len(), 13);
        assert_eq!(AgencyKind::Gp.label(Lang::Nb), "fastlege");
        assert_eq!(
            AgencyKind::from_code("substance_treatment"),
            Some(AgencyKind::SubstanceTreatment)
        );
        assert_coded(
            ReferralChannel::ALL,
            ReferralChannel::code,
            ReferralChannel::from_code,
            ReferralChannel::label,
        );
        assert_eq!(ReferralChannel::OpenHour.code(), "open_hour");
        assert_coded(
            Urgency::ALL,
            Urgency::code,
            Urgency::from_code,
            Urgency::label,
        );
        assert_coded(
            Knowledge::ALL,
            Knowledge::code,
            Knowledge::from_code,
            Knowledge::label,
        );
        assert_coded(
            ReferralStatus::ALL,
            ReferralStatus::code,
            ReferralStatus::from_code,
            ReferralStatus::label,
        );
        assert_eq!(ReferralStatus::UnderAssessment.code(), "under_assessment");
    }

    #[test]
    fn status_transitions() {
        use ReferralStatus::*;
        let allowed: Vec<(ReferralStatus, ReferralStatus)> = ReferralStatus::ALL
            .iter()
            .flat_map(|&a| ReferralStatus::ALL.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| a.can_move_to(b))
            .collect();
        assert_eq!(
            allowed,
            [
                (New, UnderAssessment),
                (New, Decided),
                (UnderAssessment, Decided)
            ]
        );
        for next in ReferralStatus::ALL {
            assert!(!Decided.can_move_to(*next), "{next:?}");
        }
        assert_eq!(New.move_to(UnderAssessment), Ok(UnderAssessment));
        assert_eq!(
            Decided.move_to(New),
            Err(ReferralError::StatusChange {
                from: Decided,
                to: New
            })
        );
        assert!(New.is_open() && UnderAssessment.is_open() && !Decided.is_open());
    }

    #[test]
    fn status_change_message_names_both_statuses() {
        let e = ReferralError::StatusChange {
            from: ReferralStatus::Decided,
            to: ReferralStatus::UnderAssessment,
        };
        assert_eq!(
            e.message(Lang::Nb),
            "Henvisningen kan ikke gå fra «avgjort» til «til vurdering»."
        );
        assert_eq!(
            e.message(Lang::En),
            "The referral cannot go from “decided” to “under assessment”."
        );
    }

    #[test]
    fn identifiable_needs_a_way_to_find_or_reach_the_person() {
        assert_eq!(
            identifiable(IdentityParts::default()),
            Err(ReferralError::NotIdentifiable)
        );
        // A year of birth alone is not enough.
        assert_eq!(
            identifiable(IdentityParts {
                birth_year: true,
                ..IdentityParts::default()
            }),
            Err(ReferralError::NotIdentifiable)
        );
        let each = [
            IdentityParts {
                name: true,
                ..IdentityParts::default()
            },
            IdentityParts {
                national_id: true,
                ..IdentityParts::default()
            },
            IdentityParts {
                phone: true,
                ..IdentityParts::default()
            },
            IdentityParts {
                whereabouts: true,
                ..IdentityParts::default()
            },
        ];
        for parts in each {
            assert_eq!(identifiable(parts), Ok(()), "{parts:?}");
        }
        assert_eq!(
            ReferralError::NotIdentifiable.message(Lang::Nb),
            "Vi trenger noe som gjør at vi kan finne eller kontakte personen: navn, \
             fødselsnummer, telefon eller hvor personen kan treffes."
        );
    }

    #[test]
    fn receipt_number_new_and_display() {
        let r = ReceiptNumber::new(2026, 42).unwrap();
        assert_eq!(r.to_string(), "BENK-2026-00042");
        assert_eq!((r.year(), r.seq()), (2026, 42));
        assert_eq!(
            ReceiptNumber::new(2026, 99_999).unwrap().to_string(),
            "BENK-2026-99999"
        );
        assert_eq!(
            ReceiptNumber::new(2026, 0),
            Err(ReceiptNumberError::SequenceOutOfRange { seq: 0 })
        );
        assert_eq!(
            ReceiptNumber::new(2026, 100_000),
            Err(ReceiptNumberError::SequenceOutOfRange { seq: 100_000 })
        );
        assert_eq!(
            ReceiptNumber::new(1999, 1),
            Err(ReceiptNumberError::YearOutOfRange { year: 1999 })
        );
        assert_eq!(
            ReceiptNumber::new(10_000, 1),
            Err(ReceiptNumberError::YearOutOfRange { year: 10_000 })
        );
        assert_eq!(
            ReceiptNumber::new(2026, -1),
            Err(ReceiptNumberError::SequenceOutOfRange { seq: -1 })
        );
        let r = |y, s| ReceiptNumber::new(y, s).unwrap();
        assert!(r(2026, 2) > r(2026, 1));
        assert!(r(2027, 1) > r(2026, 99));
    }

    #[test]
    fn receipt_number_parse() {
        let r = ReceiptNumber::new(2026, 42).unwrap();
        assert_eq!(ReceiptNumber::parse("BENK-2026-00042"), Ok(r));
        assert_eq!(ReceiptNumber::parse(" benk-2026-00042 "), Ok(r));
        assert_eq!(ReceiptNumber::parse(""), Err(ReceiptNumberError::Empty));
        for bad in [
            "BENK-2026-42",
            "BENK-26-00042",
            "BENK2026-00042",
            "BENKE-2026-00042",
            "BENK-2026-00042-1",
            "BENK-2026-0004A",
            "BENK-2026-+0042",
            "BENK--2026-00042",
            "BENK 2026 00042",
        ] {
            assert_eq!(
                ReceiptNumber::parse(bad),
                Err(ReceiptNumberError::InvalidFormat),
                "{bad}"
            );
        }
        assert_eq!(
            ReceiptNumber::parse("BENK-2026-00000"),
            Err(ReceiptNumberError::SequenceOutOfRange { seq: 0 })
        );
        assert_eq!(
            ReceiptNumber::parse("BENK-1999-00001"),
            Err(ReceiptNumberError::YearOutOfRange { year: 1999 })
        );
    }

    #[test]
    fn receipt_number_serde() {
        let r = ReceiptNumber::new(2026, 7).unwrap();
        assert_eq!(serialize_to_string(&r), "BENK-2026-00007");
        assert_eq!(deserialize_str::<ReceiptNumber>("BENK-2026-00007"), Ok(r));
        assert!(deserialize_str::<ReceiptNumber>("BENK-2026-7").is_err());
    }

    #[test]
    fn errors_localized() {
        assert_localized(&[
            ReferralError::NotIdentifiable,
            ReferralError::StatusChange {
                from: ReferralStatus::Decided,
                to: ReferralStatus::New,
            },
        ]);
        assert_localized(&[
            ReceiptNumberError::Empty,
            ReceiptNumberError::InvalidFormat,
            ReceiptNumberError::YearOutOfRange { year: 1999 },
            ReceiptNumberError::SequenceOutOfRange { seq: 0 },
        ]);
    }
}
