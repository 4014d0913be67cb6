//! The answer to a referral ("Svar på henvisning"): one letter to the person the referral
//! is about, and one to the referrer. It is not an individual decision (enkeltvedtak), so
//! it promises no right of appeal; it says how to complain under pasient- og
//! brukerrettighetsloven chapter 7. The referrer is told only that the referral was
//! received and answered unless the person's consent is recorded (helsepersonelloven § 21).
//! Written in the user's language (Norwegian by default, English for English users).

use benk_app::episodes::OrdinaryService;
use benk_app::orgs::TeamContact;
use benk_app::referrals::Referral;
use benk_domain::{DecisionOutcome, Lang, LevelOfEffort};

use super::decision::Shown;

/// Who the letter goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recipient {
    /// The person the referral is about.
    Person,
    /// The one who referred.
    Referrer,
}

/// One section of a letter: an optional heading and its paragraphs.
pub(crate) struct Section {
    pub heading: Option<String>,
    pub paras: Vec<String>,
    /// Keep the line breaks (free text typed by staff).
    pub prewrap: bool,
    /// A marker for tests and styles (`outcome`, `level`, `reasons`, `contact`, …).
    pub kind: &'static str,
}

impl Section {
    fn new(kind: &'static str, heading: Option<&str>, paras: Vec<String>) -> Section {
        Section {
            heading: heading.map(str::to_string),
            paras,
            prewrap: false,
            kind,
        }
    }
}

/// A letter, ready to print.
pub(crate) struct Letter {
    pub lang: &'static str,
    pub title: String,
    pub to_lines: Vec<String>,
    pub regarding: Vec<String>,
    pub sections: Vec<Section>,
    pub signature: Vec<String>,
}

/// What a letter is made from.
pub(crate) struct LetterInput<'a> {
    pub lang: Lang,
    pub team_name: &'a str,
    pub contact: &'a TeamContact,
    pub r: &'a Referral,
    pub received: String,
    pub d: &'a Shown,
    /// The current coordinators (name, role code) of the episode the referral opened.
    pub coordinators: &'a [(String, String)],
    /// Where the person was routed, when the decision recorded it (a routed outcome names a
    /// destination only then; the letter never claims a forwarding that was not recorded).
    pub routed_to: Option<String>,
    /// The person's consent that the referrer may be told the outcome is recorded.
    pub consent: bool,
    /// Level 2: the ordinary service that keeps the responsibility (from the episode's first
    /// level row).
    pub ordinary: Option<OrdinaryService>,
}

fn tr(lang: Lang, nb: &str, en: &str) -> String {
    match lang {
        Lang::Nb => nb.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The outcome in words, to the person ("du") or about them (to the referrer).
fn outcome_sentence(
    lang: Lang,
    to: Recipient,
    o: DecisionOutcome,
    routed_to: Option<&str>,
) -> String {
    let person = to == Recipient::Person;
    match (o, lang) {
        (DecisionOutcome::Accepted, Lang::Nb) if person => {
            "Du får tilbud om oppfølging fra teamet.".into()
        }
        (DecisionOutcome::Accepted, Lang::Nb) => "Personen har fått tilbud om oppfølging fra teamet.".into(),
        (DecisionOutcome::Accepted, Lang::En) if person => "You are offered follow-up by the team.".into(),
        (DecisionOutcome::Accepted, Lang::En) => "The person has been offered follow-up by the team.".into(),
        (DecisionOutcome::RoutedFact | DecisionOutcome::RoutedOther, _) => {
            let fact = o == DecisionOutcome::RoutedFact;
            match (routed_to, lang) {
                (Some(dest), Lang::Nb) => format!(
                    "Teamet mener at {dest} er et bedre tilbud {} enn vårt team, og har sendt henvisningen dit.",
                    if person { "for deg" } else { "for personen" }
                ),
                (Some(dest), Lang::En) => format!(
                    "The team considers {dest} a better service {} than ours, and has sent the referral there.",
                    if person { "for you" } else { "for the person" }
                ),
                (None, Lang::Nb) => format!(
                    "Teamet mener at {} er et bedre tilbud {} enn vårt team.",
                    if fact { "et FACT-team" } else { "en annen tjeneste" },
                    if person { "for deg" } else { "for personen" }
                ),
                (None, Lang::En) => format!(
                    "The team considers {} a better service {} than ours.",
                    if fact { "a FACT team" } else { "another service" },
                    if person { "for you" } else { "for the person" }
                ),
            }
        }
        (DecisionOutcome::Guidance, Lang::Nb) if person => {
            "Teamet gir deg ikke oppfølging selv, men gir råd og veiledning til tjenesten som henviste deg (nivå 3). Teamet oppretter ingen journal om deg.".into()
        }
        (DecisionOutcome::Guidance, Lang::Nb) => {
            "Teamet gir ikke personen oppfølging selv, men gir råd og veiledning til deg som henviste.".into()
        }
        (DecisionOutcome::Guidance, Lang::En) if person => {
            "The team will not follow you up itself, but gives advice and guidance to the service that referred you (level 3). The team keeps no record about you.".into()
        }
        (DecisionOutcome::Guidance, Lang::En) => {
            "The team will not follow the person up itself, but gives advice and guidance to you as the referrer.".into()
        }
        (DecisionOutcome::Declined, Lang::Nb) if person => "Teamet kan ikke gi deg oppfølging nå.".into(),
        (DecisionOutcome::Declined, Lang::Nb) => "Teamet kan ikke gi personen oppfølging nå.".into(),
        (DecisionOutcome::Declined, Lang::En) if person => "The team cannot offer you follow-up now.".into(),
        (DecisionOutcome::Declined, Lang::En) => "The team cannot offer the person follow-up now.".into(),
    }
}

/// What the level of effort means, beyond its label and description: a coordinator pair is
/// promised only at level 1 (and only to the person); at level 2 the ordinary service that keeps
/// the responsibility is named, to whoever may be told the outcome.
fn level_sentences(
    lang: Lang,
    to: Recipient,
    level: LevelOfEffort,
    ordinary: Option<&OrdinaryService>,
) -> Vec<String> {
    match level {
        LevelOfEffort::InTeam if to == Recipient::Person => vec![tr(
            lang,
            "Du får en koordinator fra kommunen og en fra spesialisthelsetjenesten.",
            "You will have one coordinator from the municipality and one from the specialist health service.",
        )],
        LevelOfEffort::ShoulderToShoulder => ordinary
            .map(|o| {
                let contact = o
                    .contact_name
                    .as_deref()
                    .map(|n| match lang {
                        Lang::Nb => format!(" (kontaktperson: {n})"),
                        Lang::En => format!(" (contact person: {n})"),
                    })
                    .unwrap_or_default();
                match lang {
                    Lang::Nb => format!(
                        "{} har fortsatt ansvaret for oppfølgingen{contact}. Teamet tar ikke over \
                         ansvaret, men går sammen med tjenesten og bidrar med kompetanse.",
                        o.service
                    ),
                    Lang::En => format!(
                        "{} keeps the responsibility for the follow-up{contact}. The team does not \
                         take over, but works alongside that service and adds competence.",
                        o.service
                    ),
                }
            })
            .into_iter()
            .collect(),
        _ => vec![],
    }
}

fn role_label(lang: Lang, role: &str) -> String {
    match (role, lang) {
        ("municipal_coordinator", Lang::Nb) => "koordinator i kommunen".into(),
        ("municipal_coordinator", Lang::En) => "coordinator in the municipality".into(),
        ("specialist_coordinator", Lang::Nb) => "koordinator i spesialisthelsetjenesten".into(),
        ("specialist_coordinator", Lang::En) => {
            "coordinator in the specialist health service".into()
        }
        _ => String::new(),
    }
}

/// Who will contact the person: the named coordinators, else the team.
fn who_contacts(
    lang: Lang,
    to: Recipient,
    team: &str,
    coordinators: &[(String, String)],
) -> String {
    let whom = match (to, lang) {
        (Recipient::Person, Lang::Nb) => "deg",
        (Recipient::Person, Lang::En) => "you",
        (Recipient::Referrer, Lang::Nb) => "personen",
        (Recipient::Referrer, Lang::En) => "the person",
    };
    if coordinators.is_empty() {
        return match lang {
            Lang::Nb => format!("Noen fra {team} tar kontakt med {whom}."),
            Lang::En => format!("Someone from {team} will contact {whom}."),
        };
    }
    let names: Vec<String> = coordinators
        .iter()
        .map(|(n, r)| format!("{n} ({})", role_label(lang, r)))
        .collect();
    let and = if lang == Lang::Nb { " og " } else { " and " };
    let list = match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{}{and}{last}", init.join(", ")),
        [] => String::new(),
    };
    match lang {
        Lang::Nb => format!("{list} tar kontakt med {whom}."),
        Lang::En => format!("{list} will contact {whom}."),
    }
}

/// The team's contact details as printed lines; nothing that is not set.
fn contact_lines(lang: Lang, team: &str, c: &TeamContact, receipt: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut details = Vec::new();
    if let Some(p) = &c.phone {
        details.push(format!("{} {p}", tr(lang, "telefon", "phone")));
    }
    if let Some(e) = &c.email {
        details.push(format!("{} {e}", tr(lang, "e-post", "e-mail")));
    }
    if details.is_empty() {
        lines.push(match lang {
            Lang::Nb => format!("Har du spørsmål, kan du kontakte {team}."),
            Lang::En => format!("If you have questions, you can contact {team}."),
        });
    } else {
        let and = if lang == Lang::Nb { " eller " } else { " or " };
        lines.push(match lang {
            Lang::Nb => format!(
                "Har du spørsmål, kan du kontakte oss på {}.",
                details.join(and)
            ),
            Lang::En => format!(
                "If you have questions, you can contact us by {}.",
                details.join(and)
            ),
        });
    }
    if let Some(h) = &c.visiting_hours {
        lines.push(format!(
            "{}: {h}",
            tr(lang, "Åpningstider", "Opening hours")
        ));
    }
    if let Some(a) = &c.address {
        lines.push(format!("{}: {a}", tr(lang, "Adresse", "Address")));
    }
    lines.push(match lang {
        Lang::Nb => format!("Oppgi henvisningsnummeret {receipt}."),
        Lang::En => format!("Please quote the referral number {receipt}."),
    });
    lines
}

/// How to complain: this answer is not an individual decision, but the person may still
/// complain to Statsforvalteren that their rights are not met (pasient- og
/// brukerrettighetsloven §§ 7-2 and 7-5), and the patient and user ombud helps for free.
fn complaint_paras(lang: Lang) -> Vec<String> {
    match lang {
        Lang::Nb => vec![
            "Dette svaret er ikke et enkeltvedtak. Er du uenig, eller mener du at du ikke får den helsehjelpen eller de tjenestene du har rett til, kan du si fra til oss først. Vi ser på saken igjen.".into(),
            "Du kan også klage til Statsforvalteren etter pasient- og brukerrettighetsloven kapittel 7. Klagen sender du til oss. Gir vi deg ikke medhold, sender vi klagen videre til Statsforvalteren. Fristen for å klage er fire uker fra du fikk vite om det du vil klage på.".into(),
            "Pasient- og brukerombudet kan gi deg gratis råd og hjelpe deg med å klage.".into(),
        ],
        Lang::En => vec![
            "This answer is not an individual decision (enkeltvedtak). If you disagree, or think you are not getting the health care or services you are entitled to, you can tell us first. We will look at it again.".into(),
            "You can also complain to the County Governor (Statsforvalteren) under chapter 7 of the Patients' and Users' Rights Act. Send the complaint to us. If we do not agree with you, we pass it on to the County Governor. The time limit is four weeks from when you learned of what you complain about.".into(),
            "The patient and user ombud (pasient- og brukerombudet) can advise you for free and help you complain.".into(),
        ],
    }
}

/// Builds the letter to `to`.
pub(crate) fn build(to: Recipient, i: &LetterInput<'_>) -> Letter {
    let lang = i.lang;
    let r = i.r;
    let d = i.d;
    let team = i.team_name;
    let title = match lang {
        Lang::Nb => format!("Svar på henvisning til {team}"),
        Lang::En => format!("Answer to referral to {team}"),
    };
    let person_name = r.person_name.clone();
    let mut to_lines = Vec::new();
    let mut regarding = Vec::new();
    match to {
        Recipient::Person => {
            to_lines.push(person_name.clone().unwrap_or_else(|| {
                tr(
                    lang,
                    "Personen henvisningen gjelder",
                    "The person the referral is about",
                )
            }));
            regarding.push(match lang {
                Lang::Nb => format!("Henvisning {}, mottatt {}", r.receipt_number, i.received),
                Lang::En => format!("Referral {}, received {}", r.receipt_number, i.received),
            });
        }
        Recipient::Referrer => {
            let mut first = r.referrer_name.clone();
            if let Some(role) = &r.referrer_role {
                first = format!("{first}, {role}");
            }
            to_lines.push(first);
            to_lines.extend(r.agency_name.clone());
            regarding.push(match lang {
                Lang::Nb => format!(
                    "Din henvisning {}, mottatt {}",
                    r.receipt_number, i.received
                ),
                Lang::En => format!(
                    "Your referral {}, received {}",
                    r.receipt_number, i.received
                ),
            });
            let who = person_name.clone().unwrap_or_else(|| {
                tr(
                    lang,
                    "personen i henvisningen",
                    "the person in the referral",
                )
            });
            let born = r
                .person_birth_year
                .map(|y| format!(", {} {y}", tr(lang, "født", "born")))
                .unwrap_or_default();
            regarding.push(format!("{}: {who}{born}", tr(lang, "Gjelder", "Regarding")));
        }
    }
    let mut sections = Vec::new();
    let met = match lang {
        Lang::Nb => format!(
            "Teamets inntaksmøte, med deltakere fra både kommunen og spesialisthelsetjenesten, behandlet henvisningen {}.",
            d.decided_on
        ),
        Lang::En => format!(
            "The team's intake meeting, with members from both the municipality and the specialist health service, considered the referral on {}.",
            d.decided_on
        ),
    };
    // The referrer is told more than "received and answered" only with recorded consent.
    let tell_outcome = to == Recipient::Person || i.consent;
    if to == Recipient::Referrer {
        let mut paras = vec![
            tr(
                lang,
                "Takk for henvisningen. Vi har mottatt den og gitt svar.",
                "Thank you for the referral. We have received it and answered it.",
            ),
            met,
        ];
        if i.consent {
            paras.push(tr(
                lang,
                "Personen har samtykket i at vi forteller deg hva teamet kom fram til.",
                "The person has consented to our telling you what the team decided.",
            ));
        } else {
            paras.push(tr(
                lang,
                "Svaret går til personen henvisningen gjelder. Vi har taushetsplikt (helsepersonelloven § 21) og kan ikke fortelle deg mer uten personens samtykke.",
                "The answer goes to the person the referral is about. We are bound by confidentiality (helsepersonelloven § 21) and cannot tell you more without the person's consent.",
            ));
        }
        sections.push(Section::new("intro", None, paras));
    } else {
        let intro = match lang {
            Lang::Nb => format!(
                "Vi mottok en henvisning om deg {} fra {}.",
                i.received,
                r.agency_name
                    .clone()
                    .unwrap_or_else(|| r.referrer_name.clone())
            ),
            Lang::En => format!(
                "We received a referral about you on {} from {}.",
                i.received,
                r.agency_name
                    .clone()
                    .unwrap_or_else(|| r.referrer_name.clone())
            ),
        };
        sections.push(Section::new("intro", None, vec![intro, met]));
    }
    if tell_outcome {
        sections.push(Section::new(
            "outcome",
            Some(&tr(lang, "Inntaksbeslutning", "Intake decision")),
            vec![outcome_sentence(
                lang,
                to,
                d.outcome,
                i.routed_to.as_deref(),
            )],
        ));
        if let Some(level) = d.level_of_effort {
            let mut paras = vec![match lang {
                Lang::Nb => format!(
                    "Innsatsnivå: {}. {}",
                    level.label(lang),
                    level.description(lang)
                ),
                Lang::En => format!(
                    "Level of effort: {}. {}",
                    level.label(lang),
                    level.description(lang)
                ),
            }];
            paras.extend(level_sentences(lang, to, level, i.ordinary.as_ref()));
            sections.push(Section::new("level", None, paras));
        }
        if d.outcome == DecisionOutcome::Accepted {
            sections.push(Section::new(
                "who_contacts",
                Some(&tr(lang, "Hvem tar kontakt", "Who will contact")),
                vec![who_contacts(lang, to, team, i.coordinators)],
            ));
        }
        if let Some(a) = &d.assessment {
            let mut s = Section::new(
                "reasons",
                Some(&tr(lang, "Begrunnelse", "Reasons")),
                vec![a.reasons.clone()],
            );
            s.prewrap = true;
            sections.push(s);
        }
    }
    if to == Recipient::Person {
        sections.push(Section::new(
            "complaint",
            Some(&tr(lang, "Hvis du er uenig", "If you disagree")),
            complaint_paras(lang),
        ));
    }
    sections.push(Section::new(
        "contact",
        Some(&tr(lang, "Kontakt", "Contact")),
        contact_lines(lang, team, i.contact, &r.receipt_number),
    ));
    Letter {
        lang: if lang == Lang::En { "en" } else { "nb" },
        title,
        to_lines,
        regarding,
        sections,
        signature: vec![
            tr(lang, "Med vennlig hilsen", "Yours sincerely"),
            team.to_string(),
        ],
    }
}
