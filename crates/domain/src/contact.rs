//! Contacts with the person: the outreach log's codes (issue 9).

use crate::coded::coded_enum;

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
}
