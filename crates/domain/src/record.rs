//! Kinds of record entry: health notes, and social notes that non-health members may write.

use crate::access::Scope;
use crate::coded::coded_enum;

coded_enum! {
    /// What a record entry is. Health notes are health content; social notes document work
    /// within a non-health remit (NAV, housing, practical help) and carry no health content.
    pub enum EntryKind {
        /// A health note (journalnotat): health content, for health personnel only.
        Health => "health", nb: "journalnotat", en: "health note";
        /// A social note (sosialt notat): seen by the whole care team; no health content.
        Social => "social", nb: "sosialt notat", en: "social note";
    }
}

impl EntryKind {
    /// The scope a reader needs to see, and a writer to write, an entry of this kind.
    pub fn required_scope(self) -> Scope {
        match self {
            EntryKind::Health => Scope::Health,
            EntryKind::Social => Scope::Basic,
        }
    }
}

coded_enum! {
    /// The topic of a social note: the remits of the team's non-health members.
    pub enum SocialTopic {
        /// Finances, benefits, debt.
        Finances => "finances", nb: "økonomi", en: "finances";
        /// Housing, the housing queue, rent.
        Housing => "housing", nb: "bolig", en: "housing";
        /// NAV measures: work, activity, benefits follow-up.
        NavMeasures => "nav_measures", nb: "NAV-tiltak", en: "NAV measures";
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
            EntryKind::ALL,
            EntryKind::code,
            EntryKind::from_code,
            EntryKind::label,
        );
        assert_coded(
            SocialTopic::ALL,
            SocialTopic::code,
            SocialTopic::from_code,
            SocialTopic::label,
        );
    }

    #[test]
    fn only_health_notes_need_health_scope() {
        assert_eq!(EntryKind::Health.required_scope(), Scope::Health);
        assert_eq!(EntryKind::Social.required_scope(), Scope::Basic);
        assert!(Scope::Basic >= EntryKind::Social.required_scope());
        assert!(Scope::Basic < EntryKind::Health.required_scope());
    }
}
