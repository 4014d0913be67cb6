//! The words of the referral, intake, episode and report pages, in Norwegian
//! Bokmål (default) and English. Kept apart from `crate::i18n` so the area
//! can grow without touching the shared list.

use benk_domain::Lang;

macro_rules! intake_texts {
    ($($key:ident: $nb:expr, $en:expr;)*) => {
        /// Every user-facing string of the intake area.
        #[derive(Debug)]
        pub(crate) struct It { $(pub $key: &'static str,)* }
        /// Norwegian Bokmål.
        pub(crate) static NB: It = It { $($key: $nb,)* };
        /// English.
        pub(crate) static EN: It = It { $($key: $en,)* };
    };
}

intake_texts! {
    // The public referral form.
    refer_title: "Henvis til teamet", "Refer to the team";
    refer_to: "Henvis til", "Refer to";
    choose_team: "Velg teamet du vil henvise til.", "Choose the team you want to refer to.";
    public_intro: "Alle kan henvise: fastlege, NAV, boligkontor, pårørende, politi, DPS, sykehus, legevakt, kriminalomsorgen – eller personen selv. Inntaksteamet leser alle henvisninger.", "Anyone may refer: GP, NAV, the housing office, relatives, the police, DPS, hospital, the emergency clinic, the correctional service – or the person themselves. The intake team reads every referral.";
    public_privacy: "Henvisningen leses av dem i teamet som vurderer henvisninger (inntaksteamet og teamleder). Blir personen tatt inn, kan også de som skal følge personen opp, lese den. Hver lesing logges. Felt merket «valgfritt» kan stå tomme.", "The referral is read by those in the team who assess referrals (the intake team and the team lead). If the person is taken in, those who will follow the person up can read it too. Every read is logged. Fields marked «optional» may be left empty.";
    emergency_title: "Haster det?", "Is it urgent?";
    emergency_text: "Ved fare for liv eller helse: ring 113. Trenger personen hjelp raskt, men det er ikke livstruende: ring legevakten på 116 117. Dette skjemaet leses ikke utenom arbeidstid.", "If life or health is in danger: call 113. If the person needs help soon but it is not life-threatening: call the emergency clinic on 116 117. This form is not read outside working hours.";
    honeypot_label: "Ikke fyll ut dette feltet", "Do not fill in this field";
    optional: "valgfritt", "optional";
    choose: "Velg …", "Choose …";
    referrer_legend: "Om deg som henviser", "About you (the referrer)";
    referrer_legend_staff: "Henviser", "Referrer";
    referrer_name: "Navn", "Name";
    referrer_role: "Rolle", "Role";
    referrer_role_hint: "For eksempel fastlege, NAV-veileder, mor eller nabo.", "For example GP, NAV officer, mother or neighbour.";
    referrer_phone: "Telefon", "Phone";
    referrer_contact_hint: "Oppgi telefon eller e-post, så vi kan kontakte deg.", "Give a phone number or an e-mail address so we can contact you.";
    referrer_email: "E-post", "E-mail";
    agency: "Instans", "Agency";
    agency_hint: "Velg fra listen hvis du henviser på vegne av en av disse.", "Choose from the list if you refer on behalf of one of these.";
    agency_not_listed: "Ikke på listen / privatperson", "Not listed / private person";
    agency_kind: "Hva slags henviser er du?", "What kind of referrer are you?";
    agency_kind_hint: "Trengs bare når instansen ikke står på listen.", "Only needed when the agency is not in the list.";
    agency_kind_short: "Type instans", "Kind of agency";
    person_legend: "Personen du henviser", "The person you refer";
    person_hint: "Oppgi minst ett av: navn, fødselsnummer, telefon eller hvor personen kan treffes. Det er greit å ikke vite alt.", "Give at least one of: name, national identity number, phone or where the person can be met. It is fine not to know everything.";
    person_name: "Navn", "Name";
    person_national_id: "Fødselsnummer eller D-nummer", "National identity number or D-number";
    person_national_id_hint: "11 sifre.", "11 digits.";
    person_birth_year: "Fødselsår", "Birth year";
    person_phone: "Telefon", "Phone";
    person_whereabouts: "Hvor kan personen treffes?", "Where can the person be met?";
    person_whereabouts_hint: "For eksempel et hospits, et dagsenter eller et fast sted i byen.", "For example a shelter, a day centre or a regular place in town.";
    situation_legend: "Situasjonen", "The situation";
    reason: "Hvorfor henviser du?", "Why are you referring?";
    reason_hint: "Beskriv hva som bekymrer deg, og hva du ønsker at teamet skal gjøre.", "Describe what worries you and what you would like the team to do.";
    current_services: "Tjenester og hjelpere nå", "Services and helpers now";
    current_services_hint: "Hvem hjelper personen i dag (fastlege, NAV, DPS, hjemmetjeneste, pårørende)?", "Who helps the person today (GP, NAV, DPS, home care, relatives)?";
    housing_situation: "Bosituasjon", "Housing situation";
    substance_use: "Rusbruk", "Substance use";
    mental_health: "Psykisk helse", "Mental health";
    health_withheld_referral: "Helseopplysningene i henvisningen (begrunnelse, tjenester nå, rus, psykisk helse, diagnoser) og vurderingen i inntaksbeslutningen vises ikke for deg, fordi du ikke er helsepersonell. Du ser de administrative opplysningene.", "The health information in the referral (reason, current services, substance use, mental health, diagnoses) and the assessment in the decision are not shown to you, because you are not health personnel. You see the administrative information.";
    decision_needs_health: "Inntaksbeslutningen inneholder helseopplysninger (begrunnelse og vurdering av målgruppe) og registreres av helsepersonell i inntaksteamet. Du kan delta i inntaksmøtet og føres opp som deltaker.", "The decision holds health information (reasons and target-group assessment) and is recorded by health personnel in the intake team. You can take part in the intake meeting and be listed as a participant.";
    health_fields: "Helseopplysninger", "Health information";
    health_fields_withheld: "Vises ikke: begrunnelse, tjenester nå, rusbruk, psykisk helse og diagnoser.", "Not shown: reason, current services, substance use, mental health and diagnoses.";
    withheld: "Vises ikke (helseopplysning)", "Not shown (health information)";
    letter_reasons_withheld: "Begrunnelsen er helseopplysninger og er ikke med i denne utskriften. Be helsepersonell i inntaksteamet skrive ut brevet med begrunnelse.", "The reasons are health information and are left out of this print. Ask health personnel in the intake team to print the letter with the reasons.";
    diagnoses: "Kjente diagnoser (ICD-10)", "Known diagnoses (ICD-10)";
    diagnoses_hint: "Koder skilt med komma eller mellomrom, for eksempel F20.0, F10.2.", "Codes separated by commas or spaces, for example F20.0, F10.2.";
    diagnoses_short: "Diagnoser", "Diagnoses";
    consent_legend: "Samtykke og hastegrad", "Consent and urgency";
    person_knows: "Vet personen om henvisningen?", "Does the person know about the referral?";
    person_agrees: "Er personen enig i henvisningen?", "Does the person agree to the referral?";
    urgency: "Hastegrad", "Urgency";
    urgency_hint: "«Haster» betyr at du ber om svar før neste ukentlige inntaksmøte, for eksempel ved en truende utkastelse eller utskrivning.", "«Urgent» means you ask for an answer before the next weekly intake meeting, for example because of an imminent eviction or discharge.";
    send_referral: "Send henvisning", "Send referral";
    form_has_errors: "Skjemaet har feil. Rett feltene som er merket, og send på nytt. Ingenting er sendt ennå, og alt du skrev er tatt vare på.", "The form has errors. Correct the marked fields and send again. Nothing has been sent yet, and everything you wrote has been kept.";
    csrf_expired: "Skjemaet var utløpt, så henvisningen ble ikke sendt. Alt du skrev er tatt vare på – trykk «Send henvisning» igjen.", "The form had expired, so the referral was not sent. Everything you wrote has been kept – press «Send referral» again.";
    rate_limited: "Det er sendt mange henvisninger fra denne adressen på kort tid, så denne ble ikke sendt. Alt du skrev er tatt vare på. Vent ti minutter og send igjen, eller ring teamet.", "Many referrals have been sent from this address in a short time, so this one was not sent. Everything you wrote has been kept. Wait ten minutes and send again, or call the team.";
    too_large_title: "Henvisningen er for lang", "The referral is too long";
    too_large_text: "Henvisningen ble ikke sendt fordi teksten er for lang (mer enn om lag 60 000 tegn). Gå tilbake i nettleseren – det du skrev ligger der fortsatt – og kort ned de lengste feltene.", "The referral was not sent because the text is too long (more than about 60,000 characters). Go back in your browser – what you wrote is still there – and shorten the longest fields.";
    bad_form_title: "Skjemaet kunne ikke leses", "The form could not be read";
    bad_form_text: "Henvisningen ble ikke sendt fordi skjemaet kom fram i feil format. Gå tilbake i nettleseren og prøv igjen.", "The referral was not sent because the form arrived in the wrong format. Go back in your browser and try again.";
    back_to_form: "Til forsiden", "To the start page";
    receipt_title: "Henvisningen er sendt", "The referral has been sent";
    receipt_thanks: "Takk! Vi har mottatt henvisningen.", "Thank you! We have received the referral.";
    receipt_number_is: "Henvisningsnummeret er:", "The referral number is:";
    receipt_keep: "Noter nummeret. Oppgi det hvis du kontakter teamet om henvisningen.", "Write the number down. Give it if you contact the team about the referral.";
    next_title: "Hva skjer nå?", "What happens next?";
    next_1: "Inntaksteamet, med folk fra både kommunen og spesialisthelsetjenesten, vurderer henvisningen på sitt ukentlige møte.", "The intake team, with staff from both the municipality and the specialist health service, assesses the referral at its weekly meeting.";
    next_2: "Vi kontakter deg som henviste, med spørsmål eller med svar på henvisningen.", "We contact you, the referrer, with questions or with the answer to the referral.";
    next_3: "Tar teamet saken, kontakter vi personen for å bli kjent og avtale videre hjelp.", "If the team takes the case, we contact the person to get to know them and agree on further help.";

    // Staff registration.
    register_title: "Registrer henvisning", "Register a referral";
    staff_form_intro: "For henvisninger som kommer på telefon, på den åpne timen eller i et møte.", "For referrals that come by phone, at the open hour or in a meeting.";
    registration_legend: "Registrering", "Registration";
    channel: "Hvordan kom henvisningen inn?", "How did the referral come in?";
    received_on: "Mottatt dato", "Date received";
    register_referral: "Registrer henvisningen", "Register the referral";

    // The board.
    board_title: "Inntak", "Intake";
    board_intro: "Henvisninger til teamet. De som haster står øverst, deretter de eldste. Avgjorte vises i 60 dager.", "Referrals to the team. Urgent ones come first, then the oldest. Decided ones are shown for 60 days.";
    col_new: "Nye", "New";
    col_assessing: "Til vurdering", "Under assessment";
    col_decided: "Avgjort", "Decided";
    board_empty: "Ingen her nå.", "None here now.";
    name_not_given: "Navn ikke oppgitt", "Name not given";
    not_given: "Ikke oppgitt", "Not given";
    received: "Mottatt", "Received";
    age_today: "mottatt i dag", "received today";
    day: "dag", "day";
    days: "dager", "days";
    public_form_link: "Det åpne henvisningsskjemaet", "The public referral form";

    // Agencies.
    agencies_title: "Henvisende instanser", "Referring agencies";
    agencies_intro: "Teamets register over instanser som henviser. Det brukes i henvisningsskjemaet og i rapporten over hvor mange ulike instanser som henviser.", "The team's register of agencies that refer. It is used in the referral form and in the report of how many different agencies refer.";
    add_agency: "Legg til instans", "Add agency";
    agency_name: "Navn på instansen", "Name of the agency";
    agency_name_hint: "For eksempel «NAV Bærum» eller «Fastlege Bekkestua legesenter».", "For example «NAV Bærum» or «GP Bekkestua medical centre».";
    agencies_registered: "I registeret", "In the register";
    no_agencies: "Registeret er tomt.", "The register is empty.";
    inactive: "ikke i bruk", "not in use";
    agency_not_in_register: "Ikke i registeret", "Not in the register";

    // One referral.
    person_title: "Personen", "The person";
    reason_short: "Årsak til henvisningen", "Reason for the referral";
    knows_short: "Vet om henvisningen", "Knows about the referral";
    agrees_short: "Enig i henvisningen", "Agrees to the referral";
    referral: "Henvisning", "Referral";
    suggestion_title: "Teamets regel foreslår:", "The team's rule suggests:";
    policy_suggested: "Teamets regel foreslo", "The team's rule suggested";
    start_assessment: "Start vurdering", "Start assessment";
    start_assessment_hint: "Flytter henvisningen til «Til vurdering» på tavla.", "Moves the referral to «Under assessment» on the board.";
    decision_title: "Inntaksbeslutning", "Intake decision";
    decision_form_title: "Felles inntaksbeslutning", "Joint intake decision";
    decision_form_intro: "Inntaksbeslutningen tas i fellesskap av kommunen og spesialisthelsetjenesten i inntaksmøtet. Tas personen inn, opprettes et forløp med koordinatorpar.", "The intake decision is made jointly by the municipality and the specialist health service in the intake meeting. If the person is accepted, an episode with a coordinator pair is opened.";
    decision_has_errors: "Inntaksbeslutningen er ikke lagret. Rett feltene som er merket og prøv igjen.", "The decision has not been saved. Correct the marked fields and try again.";
    outcome: "Utfall", "Outcome";
    level: "Innsatsnivå", "Level of effort";
    level_hint: "Gjelder bare når personen tas inn; ellers blir valget ikke brukt.", "Only applies when the person is accepted; otherwise the choice is not used.";
    reasons: "Begrunnelse", "Reasons";
    participants: "Hvem deltok i beslutningen?", "Who took part in the decision?";
    participants_rule_min: "Teamets regel: minst {n} fra kommunen og {n} fra spesialisthelsetjenesten.", "The team's rule: at least {n} from the municipality and {n} from the specialist health service.";
    participants_rule_none: "Minst én deltaker må registreres.", "At least one participant must be recorded.";
    side_municipal: "Kommunen", "The municipality";
    side_specialist: "Spesialisthelsetjenesten", "The specialist health service";
    target_group: "Målgruppe", "Target group";
    target_group_hint: "Kryss av for det som gjelder. Personen tilhører målgruppen når hvert av teamets kriterier under er oppfylt (minst ett kryss i hvert).", "Tick what applies. The person belongs to the target group when each of the team's criteria below is met (at least one tick in each).";
    tg_housing_problem: "Bostedsløs eller i fare for å miste boligen (registreres, men er ikke et kriterium for målgruppen)", "Homeless or at risk of losing the home (recorded, but not a target-group criterion)";
    tg_housing_short: "Bostedsløs eller i fare for å miste boligen", "Homeless or at risk of losing the home";
    housing_title: "Bolig", "Housing";
    routed_to: "Henvist videre til", "Routed to";
    routed_to_hint: "Fylles ut når personen henvises videre: hvilken tjeneste eller instans (påkrevd ved «til annen tjeneste»).", "Fill in when the person is routed elsewhere: which service or agency (required for “routed to another service”).";
    services_established: "Ordinære tjenester etablert eller reetablert", "Ordinary services established or re-established";
    services_established_hint: "Kryss av for tjenester som ble etablert eller reetablert i forbindelse med inntaket (datoen blir inntaksdatoen).", "Tick services established or re-established at intake (dated the decision's date).";
    service_note: "Hvilken tjeneste (påkrevd ved «annen tjeneste»)", "Which service (required for “other service”)";
    none_recorded: "Ingen registrert", "None recorded";
    in_target_group: "Tilhører målgruppen", "Belongs to the target group";
    not_in_target_group: "Tilhører ikke målgruppen", "Does not belong to the target group";
    decided_on: "Dato for beslutningen", "Decision date";
    coordinators: "Koordinatorpar", "Coordinator pair";
    coordinators_hint: "Bare når personen tas inn. Oppnevn helst paret nå: det er koordinatorene som får tilgang til journalen gjennom forløpet.", "Only when the person is accepted. Preferably assign the pair now: the coordinators are the ones who get access to the record through the episode.";
    municipal_coordinator: "Kommunal koordinator", "Municipal coordinator";
    specialist_coordinator: "Spesialistkoordinator", "Specialist coordinator";
    not_now: "Ikke nå", "Not now";
    save_decision: "Lagre inntaksbeslutningen", "Save the intake decision";
    open_client: "Åpne brukersiden", "Open the client page";
    no_client_access: "Personen er registrert som bruker, men du er ikke i teamet rundt personen og har derfor ikke tilgang til brukersiden. Koordinatorene får tilgang når de oppnevnes.", "The person is registered as a client, but you are not in the team around the person and so have no access to the client page. The coordinators get access when they are assigned.";
    open_letter: "Svar på henvisning (til personen)", "Answer to referral (to the person)";
    open_letter_referrer: "Svar til henviser", "Answer to the referrer";
    letter_title: "Svar på henvisning", "Answer to referral";
    letter_title_referrer: "Svar til henviser", "Answer to the referrer";
    letter_no_consent_hint: "Personen har ikke samtykket i at henviseren får vite utfallet. Brevet sier derfor bare at henvisningen er mottatt og besvart (helsepersonelloven § 21).", "The person has not consented to the referrer being told the outcome. The letter therefore says only that the referral was received and answered (helsepersonelloven § 21).";
    letter_no_contact_hint: "Teamets kontaktinformasjon (telefon, e-post, adresse, åpningstider) er ikke lagt inn. Teamleder kan legge den inn på teamsiden.", "The team's contact details (phone, e-mail, address, opening hours) have not been entered. The team lead can enter them on the team page.";
    consent_title: "Samtykke til å informere henviser", "Consent to inform the referrer";
    consent_hint: "Henviseren får bare vite at henvisningen er mottatt og besvart, med mindre personen samtykker i at henviseren får vite utfallet (helsepersonelloven § 21).", "The referrer is told only that the referral was received and answered, unless the person consents to the referrer being told the outcome (helsepersonelloven § 21).";
    consent_label: "Personen samtykker i at henviseren får vite utfallet", "The person consents to the referrer being told the outcome";
    consent_given: "Personen har samtykket i at henviseren får vite utfallet. Registrert", "The person has consented to the referrer being told the outcome. Recorded";
    consent_recorded_by: "av", "by";
    consent_none: "Ikke registrert samtykke: henviseren får bare vite at henvisningen er mottatt og besvart.", "No consent recorded: the referrer is told only that the referral was received and answered.";
    consent_record: "Registrer samtykke", "Record consent";
    consent_withdraw: "Trekk tilbake samtykket", "Withdraw the consent";
    flash_consent_given: "Samtykket er registrert.", "The consent has been recorded.";
    flash_situation_saved: "Opplysningene om hvordan personen kan nås, er lagret.", "How to find and reach the person has been saved.";
    flash_consent_withdrawn: "Samtykket er trukket tilbake.", "The consent has been withdrawn.";
    back_to_referral: "Tilbake til henvisningen", "Back to the referral";
    letter_print_hint: "Skriv ut brevet med nettleserens utskriftsfunksjon (Ctrl+P eller ⌘P). Menyen og denne teksten kommer ikke med på utskriften.", "Print the letter with your browser's print function (Ctrl+P or ⌘P). The menu and this text are not printed.";

    // Flash messages.
    flash_registered: "Henvisningen er registrert.", "The referral has been registered.";
    flash_assessing: "Henvisningen er satt til vurdering.", "The referral is now under assessment.";
    flash_decided: "Inntaksbeslutningen er lagret.", "The intake decision has been saved.";
    flash_agency_added: "Instansen er lagt til i registeret.", "The agency has been added to the register.";
    flash_level_saved: "Innsatsnivået er endret.", "The level of effort has been changed.";
    flash_member_added: "Lagt til i forløpet. Medarbeideren har nå tilgang til journalen.", "Added to the episode. The staff member now has access to the record.";
    flash_member_left: "Medarbeideren har gått ut av forløpet, og tilgangen gjennom forløpet er avsluttet.", "The staff member has left the episode, and their access through it has ended.";
    flash_rg_added: "Lagt til i ansvarsgruppen.", "Added to the responsibility group.";
    flash_rg_removed: "Fjernet fra ansvarsgruppen.", "Removed from the responsibility group.";
    flash_episode_closed: "Forløpet er avsluttet, og tilgangen gjennom forløpet er avsluttet.", "The episode has been closed, and access through it has ended.";

    // Episodes on the client page.
    episodes_title: "Forløp i teamet", "Episodes in the team";
    no_episodes: "Ingen forløp registrert.", "No episodes recorded.";
    episode_from: "Forløp fra", "Episode from";
    episode_open: "Pågår", "Ongoing";
    episode_closed: "Avsluttet", "Closed";
    included_on: "Inkludert", "Included";
    closed_on: "Avsluttet dato", "Date closed";
    current_level: "Innsatsnivå nå", "Current level";
    level_history: "Nivåhistorikk", "Level history";
    episode_changes_by_health: "Nivå, koordinatorer, ansvarsgruppe og avslutning endres av koordinatorene og teamleder.", "The level, coordinators, responsibility group and closing are changed by the coordinators and the team lead.";
    episode_texts_withheld: "Begrunnelser for nivåendringer er helseopplysninger og vises ikke for deg, fordi du ikke er helsepersonell.", "Reasons for level changes are health information and are not shown to you, because you are not health personnel.";
    from_lower: "fra", "from";
    coordinator_pair: "Koordinatorpar", "Coordinator pair";
    not_assigned: "Ikke oppnevnt", "Not assigned";
    other_members: "Andre i teamet rundt personen", "Others in the team around the person";
    leave_episode: "Avslutt deltakelse", "End participation";
    responsibility_group: "Ansvarsgruppe", "Responsibility group";
    rg_empty: "Ingen i ansvarsgruppen ennå.", "No one in the responsibility group yet.";
    consent_recorded_short: "samtykke registrert", "consent recorded";
    remove: "Fjern", "Remove";
    change_level: "Endre innsatsnivå", "Change the level of effort";
    new_level: "Nytt nivå", "New level";
    from_date: "Fra dato", "From date";
    level_reason: "Begrunnelse", "Reason";
    level_reason_shared: "Begrunnelsen inneholder ingen helseopplysninger", "The reason holds no health information";
    level_reason_shared_hint: "Da kan hele teamet rundt personen lese den, også NAV og andre som ikke er helsepersonell. Uten avkrysning regnes begrunnelsen som helseopplysning.", "Then the whole care team can read it, including NAV and others who are not health personnel. Unticked, the reason counts as health information.";
    save_level: "Lagre nivå", "Save level";
    add_member: "Legg til koordinator eller medlem", "Add a coordinator or member";
    add_member_hint: "Medarbeideren får tilgang til journalen gjennom forløpet. En ny koordinator erstatter den som har rollen nå.", "The staff member gets access to the record through the episode. A new coordinator replaces the current holder of the role.";
    staff_member: "Medarbeider", "Staff member";
    episode_role: "Rolle", "Role";
    add_member_button: "Legg til", "Add";
    add_rg: "Legg til i ansvarsgruppen", "Add to the responsibility group";
    rg_kind: "Hvem er det?", "Who is it?";
    rg_name: "Navn", "Name";
    rg_role: "Rolle i gruppen", "Role in the group";
    rg_organisation: "Virksomhet", "Organisation";
    rg_phone: "Telefon", "Phone";
    rg_email: "E-post", "E-mail";
    rg_consent: "Personen har samtykket, og samtykket er registrert", "The person has consented, and the consent is recorded";
    rg_consent_hint: "Kreves for pårørende.", "Required for relatives.";
    add_rg_button: "Legg til i gruppen", "Add to the group";
    close_episode: "Avslutt forløpet", "Close the episode";
    close_hint: "Alle i teamet rundt personen mister tilgangen gjennom forløpet. Historikken blir stående.", "Everyone in the team around the person loses their access through the episode. The history is kept.";
    close_reason: "Årsak", "Reason";
    close_note: "Merknad", "Note";
    close_button: "Avslutt forløpet", "Close the episode";

    // The report.
}

/// The texts of a language.
pub(crate) fn it(lang: Lang) -> &'static It {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}
