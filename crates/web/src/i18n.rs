//! The interface's words in Norwegian Bokmål (default) and English.

use benk_domain::Lang;

macro_rules! texts {
    ($($key:ident: $nb:expr, $en:expr;)*) => {
        /// Every user-facing string of the HTML interface.
        #[derive(Debug)]
        pub struct Texts { $(pub $key: &'static str,)* }
        /// Norwegian Bokmål.
        pub static NB: Texts = Texts { $($key: $nb,)* };
        /// English.
        pub static EN: Texts = Texts { $($key: $en,)* };
    };
}

texts! {
    app_tagline: "Én lang tjenestebenk – ikke stoler å falle mellom", "One long service bench – not chairs to fall between";
    skip_to_content: "Hopp til innhold", "Skip to content";
    nav_my_clients: "Mine brukere", "My clients";
    nav_clients: "Brukere", "Clients";
    nav_team: "Team", "Team";
    nav_users: "Ansatte", "Staff";
    org_sides_title: "Organisasjonenes side ved inntak", "Organisations' side at intake";
    org_sides_intro: "Hvilken side de ansatte i hver organisasjon teller for når inntaksteamet krever deltakere fra begge sider. Bare systemadministratorer kan endre dette.", "Which side each organisation's staff count for when the intake team requires participants from both sides. Only system administrators can change this.";
    nav_settings: "Innstillinger", "Settings";
    nav_main: "Hovedmeny", "Main menu";
    logout: "Logg ut", "Log out";
    login_title: "Logg inn", "Log in";
    login_username: "Brukernavn", "Username";
    login_password: "Passord", "Password";
    login_submit: "Logg inn", "Log in";
    login_busy: "Tjeneren er opptatt med andre pålogginger. Prøv igjen om et par sekunder.", "The server is busy with other logins. Try again in a few seconds.";
    login_locked: "For mange mislykkede forsøk. Vent litt og prøv igjen.", "Too many failed attempts. Wait a while and try again.";
    totp_title: "Engangskode", "One-time code";
    totp_intro: "Skriv inn den sekssifrede koden fra autentiseringsappen din.", "Enter the six-digit code from your authenticator app.";
    totp_enrol: "Kontoen din krever tofaktorpålogging. Legg til denne nøkkelen i en autentiseringsapp (for eksempel Microsoft eller Google Authenticator), og skriv inn koden den viser.", "Your account requires two-factor login. Add this key to an authenticator app (for example Microsoft or Google Authenticator) and enter the code it shows.";
    totp_code: "Kode", "Code";
    totp_password: "Passordet ditt (for å bekrefte at det er deg som legger til appen)", "Your password (to confirm it is you adding the app)";
    totp_submit: "Bekreft", "Confirm";
    my_clients_intro: "Personer du har et aktivt behandlingsforhold til.", "People you have an active care relationship with.";
    no_clients: "Ingen personer å vise.", "No people to show.";
    clients_title: "Brukere", "Clients";
    clients_intro: "Personer du har tilgang til gjennom eget eller teamets behandlingsforhold.", "People you can access through your own or your team's care relationship.";
    search: "Søk", "Search";
    search_label: "Søk etter navn", "Search by name";
    new_client: "Registrer ny person", "Register a new person";
    col_name: "Navn", "Name";
    col_born: "Født", "Born";
    col_phone: "Telefon", "Phone";
    col_municipality: "Bostedskommune", "Municipality";
    national_id: "Fødselsnummer / D-nummer", "National identity number / D-number";
    national_id_hint: "11 sifre. La stå tomt hvis personen ikke vil oppgi det – oppgi da fødselsår.", "11 digits. Leave empty if the person will not give it – then give the birth year.";
    birth_year: "Fødselsår", "Birth year";
    phone: "Telefon", "Phone";
    municipality: "Bostedskommune", "Municipality of residence";
    name: "Navn", "Name";
    save: "Lagre", "Save";
    cancel: "Avbryt", "Cancel";
    edit: "Endre", "Edit";
    form_has_errors: "Skjemaet har feil. Rett feltene som er merket og prøv igjen. Ingenting er lagret ennå.", "The form has errors. Correct the marked fields and try again. Nothing has been saved yet.";
    saved: "Lagret.", "Saved.";
    client_basic: "Personalia", "Personal details";
    client_no_id: "Ikke oppgitt", "Not given";
    care_team: "Tilgang til journalen", "Access to the record";
    care_team_intro: "Hvem som har tilgang nå, og hvorfor.", "Who has access now, and why.";
    record_entries: "Journal og notater", "Record and notes";
    record_entries_none: "Ingen notater ennå.", "No entries yet.";
    health_hidden: "Journalnotater med helseopplysninger vises ikke for deg, fordi du ikke er helsepersonell (etter yrke eller ansettelse i helsetjenesten). Du ser og skriver sosiale notater.", "Health notes are not shown to you, because you are not health personnel (by profession or by employment in the health service). You see and write social notes.";
    new_entry: "Nytt journalnotat", "New health note";
    health_personnel: "Helsepersonell", "Health personnel";
    not_health_personnel: "ikke helsepersonell", "not health personnel";
    set_health_personnel: "Endre", "Change";
    hp_employed: "Ansatt i helsetjenesten for å yte helsehjelp (hpl § 3 første ledd nr. 2)", "Employed in the health service to give care (Health Personnel Act § 3 first paragraph no. 2)";
    hp_not_employed: "Ikke ansatt for å yte helsehjelp", "Not employed to give care";
    hp_reason: "Begrunnelse (stilling, arbeidsgiver; logges)", "Reason (position, employer; logged)";
    set_password: "Sett nytt passord", "Set a new password";
    new_password_label: "Nytt passord (minst 10 tegn; alle økter og API-nøkler avsluttes)", "New password (at least 10 characters; every session and API token ends)";
    set_membership: "Rolle i teamet ditt", "Role in your team";
    hp_authorised_note: "Autorisert yrke: alltid helsepersonell.", "Authorised profession: always health personnel.";
    new_social_note: "Nytt sosialt notat", "New social note";
    social_note_hint: "Et sosialt notat dokumenterer arbeid med økonomi, bolig, NAV-tiltak eller praktisk hjelp. Hele oppfølgingsteamet ser det, også de som ikke er helsepersonell. Skriv ingen helseopplysninger (diagnoser, symptomer, behandling, medisiner, rusbruk).", "A social note documents work on finances, housing, NAV measures or practical help. The whole care team sees it, including members who are not health personnel. Write no health information (diagnoses, symptoms, treatment, medication, substance use).";
    topic: "Tema", "Topic";
    topic_choose: "Velg tema", "Choose a topic";
    social_note_text: "Notat", "Note";
    health_entries_withheld: "Journalnotater med helseopplysninger finnes, men vises ikke for deg fordi du ikke er helsepersonell. Du ser bare sosiale notater.", "Health notes exist but are not shown to you, because you are not health personnel. You see social notes only.";
    entry_text: "Tekst", "Text";
    entry_owner: "Eier", "Owner";
    add: "Legg til", "Add";
    holder: "Hvem", "Who";
    reason: "Begrunnelse", "Reason";
    from: "Fra", "From";
    to: "Til", "To";
    end_access: "Avslutt tilgangen", "End access";
    add_access: "Gi tilgang", "Give access";
    access_until: "Til og med (høyst 90 dager)", "Until (at most 90 days)";
    choose_staff: "Velg medarbeider", "Choose a staff member";
    access_reason_hint: "Hvorfor trenger medarbeideren tilgang? Begrunnelsen står i tilgangsregisteret og i loggen.", "Why does the staff member need access? The reason is kept in the register of grants and in the log.";
    grant_register: "Tilgangsregister", "Register of grants";
    grant_register_intro: "All tilgang som er gitt til journalen, også avsluttet: hvem, hvorfor, gitt av hvem og for hvilken periode.", "All access given to the record, ended access included: who, why, given by whom and for what period.";
    grants_none: "Ingen tilgang er gitt ennå.", "No access has been given yet.";
    grant_register_show: "Vis registeret", "Show the register";
    grant_expired: "Utløpt", "Expired";
    given_by: "Gitt av", "Given by";
    period: "Periode", "Period";
    grant_source: "Grunnlag", "Basis";
    grant_source_episode: "Forløpet (slutter når det avsluttes)", "The episode (ends when it closes)";
    grant_source_manual: "Gitt for hånd (høyst 90 dager)", "Given by hand (at most 90 days)";
    grant_ended: "Avsluttet", "Ended";
    grant_active: "Aktiv", "Active";
    staff_member: "Medarbeider", "Staff member";
    team_title: "Team", "Team";
    team_owners: "Eiere", "Owners";
    team_contact: "Kontaktinformasjon", "Contact details";
    situation_title: "Finne og nå personen", "Finding and reaching the person";
    situation_intro: "Fra henvisningen, holdt oppdatert av teamet rundt personen.", "From the referral, kept up to date by the team around the person.";
    situation_whereabouts: "Hvor personen kan treffes", "Where the person can be found";
    situation_housing: "Bosituasjon", "Housing situation";
    situation_referrer: "Henviser og kontaktinformasjon", "Referrer and contact details";
    situation_reason: "Grunnen til henvisningen", "Reason for referral";
    situation_helpers: "Hjelpere og tjenester nå", "Current helpers and services";
    situation_health_withheld: "Grunnen til henvisningen og hjelperne rundt personen er helseopplysninger og vises bare for helsepersonell.", "The reason for referral and the helpers around the person are health information and are shown to health personnel only.";
    situation_empty: "Ikke oppgitt", "Not given";
    situation_edit: "Endre", "Edit";
    situation_save: "Lagre", "Save";
    situation_updated: "Sist endret", "Last changed";
    situation_referrals: "Henvisninger", "Referrals";
    situation_referral_link: "Henvisning", "Referral";
    client_referral_back: "Tilbake til brukersiden", "Back to the client page";
    client_referral_received: "Mottatt", "Received";
    referral_mental_health: "Psykisk helse", "Mental health";
    referral_substance_use: "Rusmiddelbruk", "Substance use";
    referral_diagnoses: "Kjente diagnoser (ICD-10)", "Known diagnoses (ICD-10)";
    team_contact_intro: "Står i svaret på henvisninger, til personen og til henviseren. Det som ikke er fylt ut, kommer ikke med.", "Printed in the answers to referrals, to the person and to the referrer. What is left empty is left out.";
    team_contact_none: "Ingen kontaktinformasjon er lagt inn.", "No contact details have been entered.";
    team_contact_phone: "Telefon", "Phone";
    team_contact_email: "E-post", "E-mail";
    team_contact_address: "Adresse", "Address";
    team_contact_hours: "Åpningstider", "Opening hours";
    team_contact_save: "Lagre kontaktinformasjonen", "Save the contact details";
    team_contact_saved: "Kontaktinformasjonen er lagret.", "The contact details have been saved.";
    read_policy_title: "Hvem kan lese journalen", "Who may read the record";
    read_policy_care_team: "Teamet rundt personen: koordinatorparet og de andre som er oppnevnt i personens forløp, og teamleder.", "The care team: the coordinator pair and the others named in the person's episode, and the team lead.";
    read_policy_team_on_duty: "Teamet på vakt: alt helsepersonell i teamet kan lese journalen mens personen har et åpent forløp i teamet. Medarbeidere som ikke er helsepersonell, leser bare hos personer de selv følger, og ser ingen helseopplysninger.", "The team on duty: every health-personnel member of the team may read the record while the person has an open episode in the team. Staff who are not health personnel read only the records of people they follow themselves, and see no health content.";
    read_policy_logged: "Hver lesing logges med grunnlaget (teamet rundt personen, teamleder eller teamet på vakt).", "Every read is logged with its basis (care team, team lead or team on duty).";
    team_staff_by_employer: "Ansatte etter arbeidsgiver", "Staff by employer";
    positions: "årsverk", "positions";
    profession: "Yrke", "Profession";
    role: "Rolle", "Role";
    fte: "Stillingsandel", "FTE share";
    users_title: "Ansatte og brukerkontoer", "Staff and user accounts";
    username: "Brukernavn", "Username";
    employer: "Arbeidsgiver", "Employer";
    hpr_number: "HPR-nummer", "HPR number";
    status: "Status", "Status";
    active: "Aktiv", "Active";
    disabled: "Deaktivert", "Disabled";
    disable: "Deaktiver", "Disable";
    enable: "Aktiver", "Enable";
    require_totp: "Krev tofaktor", "Require two-factor";
    totp_required: "Tofaktor kreves", "Two-factor required";
    new_user: "Ny ansatt", "New staff member";
    initial_password: "Førstegangspassord (minst 10 tegn)", "Initial password (at least 10 characters)";
    team: "Team", "Team";
    settings_title: "Innstillinger", "Settings";
    language: "Språk", "Language";
    api_tokens: "API-nøkler", "API tokens";
    token_name: "Navn på nøkkelen", "Token name";
    create_token: "Lag ny nøkkel", "Create token";
    token_shown_once: "Kopier nøkkelen nå. Den vises bare denne ene gangen:", "Copy the token now. It is shown only this once:";
    revoke: "Trekk tilbake", "Revoke";
    revoked: "Trukket tilbake", "Revoked";
    created: "Opprettet", "Created";
    token_expires: "utløper", "expires";
    error_title: "Noe gikk galt", "Something went wrong";
    error_incident: "En feil oppstod hos oss. Ingenting av det du allerede har lagret er tapt. Oppgi hendelses-ID hvis du kontakter brukerstøtte:", "An error occurred on our side. Nothing you had already saved is lost. Give the incident id if you contact support:";
    forbidden_title: "Ingen tilgang", "No access";
    not_found_title: "Finnes ikke", "Not found";
    back_home: "Til forsiden", "Back to the start page";
    yes: "Ja", "Yes";
    no: "Nei", "No";
    nav_intake: "Inntak", "Intake";
    nav_reports: "Rapporter", "Reports";
}

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}
