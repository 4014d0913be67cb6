//! Form plumbing shared by the intake pages: the raw fields as posted (with
//! repeated keys for checkbox groups), the state a re-rendered form needs
//! (typed values and errors per field), and the referral form itself, parsed
//! at the edge into a `ReferralInput` with every field error at once.

use std::collections::BTreeSet;

use benk_app::referrals::{Agency, ReferralInput};
use benk_app::{AppError, FieldError};
use benk_domain::{
    identifiable, AgencyKind, BirthYear, Icd10Code, IdentityParts, Knowledge, Lang, LongText,
    NationalId, PersonName, Phone, ReferralChannel, ShortText, Urgency,
};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use axum::response::Response;

use super::texts::It;
use crate::ctx::Ctx;

/// Form fields as posted, in order; checkbox groups repeat their key.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fd(pub Vec<(String, String)>);

/// The start of a form POST on one object: the logged-in actor (else the login page), the form
/// with its CSRF token checked, and the id from the path (else a 404 page).
pub(crate) fn posted<'c>(
    ctx: &'c Ctx,
    form: Vec<(String, String)>,
    id: &str,
) -> Result<(&'c benk_app::Actor, Fd, Uuid), Response> {
    let actor = ctx.page_actor()?;
    let fd = Fd(form);
    ctx.check_csrf(fd.get("_csrf"))?;
    let id = crate::html::clients::parse_id(ctx, id)?;
    Ok((actor, fd, id))
}

/// What a team page's POST starts with (the open hour, the drop-in centre, the board, the
/// team meeting): the signed-in actor, the form with its CSRF token checked, and the team the
/// actor acts in. Without one, the page answers `no_team()` (each part keeps its own answer).
pub(crate) fn posted_in_team(
    ctx: &Ctx,
    form: Vec<(String, String)>,
    no_team: fn() -> AppError,
) -> Result<(&benk_app::Actor, Fd, Uuid), Response> {
    let actor = ctx.page_actor()?;
    let fd = Fd(form);
    ctx.check_csrf(fd.get("_csrf"))?;
    let team = actor
        .acting()
        .map(|m| m.team_id)
        .ok_or_else(|| ctx.page_err(no_team()))?;
    Ok((actor, fd, team))
}

impl Fd {
    /// The first value of a field ("" if absent).
    pub fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a field.
    pub fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a field has a value (a ticked checkbox or chosen radio).
    pub fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(key, val)| key == k && val == v)
    }

    /// Replaces a field's values with one value.
    pub fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.retain(|(key, _)| key != k);
        self.0.push((k.to_string(), v.into()));
    }

    /// Whether the field is missing or blank.
    pub fn blank(&self, k: &str) -> bool {
        self.get(k).trim().is_empty()
    }
}

/// A form as it is shown again: what was typed, and the errors per field.
pub(crate) struct FormState {
    /// The typed values.
    pub data: Fd,
    /// Field errors (field names as posted).
    pub errors: Vec<FieldError>,
    lang: Lang,
    /// Field → label, for the error summary.
    labels: Vec<(&'static str, &'static str)>,
    /// Field → element id, where it is not the field name (radio groups, fieldsets).
    anchors: Vec<(&'static str, String)>,
}

impl FormState {
    /// A form with its labels (for the summary) and anchors.
    pub fn new(
        lang: Lang,
        data: Fd,
        errors: Vec<FieldError>,
        labels: Vec<(&'static str, &'static str)>,
        anchors: Vec<(&'static str, String)>,
    ) -> FormState {
        FormState {
            data,
            errors,
            lang,
            labels,
            anchors,
        }
    }

    /// The typed value of a field.
    pub fn val(&self, name: &str) -> &str {
        self.data.get(name)
    }

    /// Whether a radio or checkbox with this value was chosen.
    pub fn checked(&self, name: &str, value: &str) -> bool {
        self.data.has(name, value)
    }

    /// The error message(s) of a field.
    pub fn err(&self, name: &str) -> Option<String> {
        let msgs: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.get(self.lang))
            .collect();
        (!msgs.is_empty()).then(|| msgs.join(" "))
    }

    /// Whether a field has an error.
    pub fn invalid(&self, name: &str) -> bool {
        self.errors.iter().any(|e| e.field == name)
    }

    /// Whether any field has an error.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The ids for `aria-describedby`: the hint (if the field has one) and the error.
    pub fn described(&self, name: &str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{name}-hint"));
        }
        if self.invalid(name) {
            ids.push(format!("{name}-error"));
        }
        ids.join(" ")
    }

    /// The error summary: (element id to link to, "Label: message"), one line per field.
    pub fn summary(&self) -> Vec<(String, String)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for e in &self.errors {
            if !seen.insert(e.field.as_str()) {
                continue;
            }
            let anchor = self
                .anchors
                .iter()
                .find(|(f, _)| *f == e.field)
                .map(|(_, a)| a.clone())
                .unwrap_or_else(|| e.field.clone());
            let msg = self.err(&e.field).unwrap_or_default();
            let text = match self.labels.iter().find(|(f, _)| *f == e.field) {
                Some((_, label)) if !label.is_empty() => format!("{label}: {msg}"),
                _ => msg,
            };
            out.push((anchor, text));
        }
        out
    }
}

/// Today's date as an HTML date value.
pub(crate) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses an HTML date field.
pub(crate) fn parse_date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "Oppgi en dato.",
            "Give a date.",
        ));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .map_err(|_| {
            FieldError::new(
                field,
                "invalid_date",
                "Datoen må skrives som dd.mm.åååå.",
                "Write the date as dd.mm.yyyy.",
            )
        })
}

/// Parses an optional id from a picker.
pub(crate) fn parse_uuid_opt(field: &str, s: &str) -> Result<Option<Uuid>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(t).map(Some).map_err(|_| {
        FieldError::new(
            field,
            "invalid_choice",
            "Ugyldig valg. Velg fra listen.",
            "Invalid choice. Choose from the list.",
        )
    })
}

fn email(field: &str, s: &str) -> Result<Option<ShortText>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            field,
            "invalid_email",
            "E-postadressen ser ikke riktig ut (eksempel: navn@eksempel.no).",
            "The e-mail address does not look right (example: name@example.com).",
        )
    };
    let parts: Vec<&str> = t.split('@').collect();
    if parts.len() != 2
        || parts[0].is_empty()
        || !parts[1].contains('.')
        || parts[1].starts_with('.')
        || parts[1].ends_with('.')
        || t.chars().any(char::is_whitespace)
    {
        return Err(bad());
    }
    ShortText::parse(t)
        .map(Some)
        .map_err(|e| FieldError::of(field, &e))
}

/// The diagnosis field: ICD-10 codes separated by commas, semicolons or spaces.
pub(crate) fn parse_diagnoses(field: &str, s: &str) -> Result<Vec<Icd10Code>, FieldError> {
    let mut codes = Vec::new();
    let mut bad = Vec::new();
    for token in s
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        match Icd10Code::parse(token) {
            Ok(c) => {
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
            Err(e) => bad.push((token.chars().take(20).collect::<String>(), e)),
        }
    }
    match bad.first() {
        None => Ok(codes),
        Some((_, e)) => {
            let list = bad
                .iter()
                .map(|(t, _)| format!("«{t}»"))
                .collect::<Vec<_>>()
                .join(", ");
            let domain = FieldError::of(field, e);
            Err(FieldError::new(
                field,
                &domain.code,
                &format!("Ugyldig kode {list}. {}", domain.message.nb),
                &format!("Invalid code {list}. {}", domain.message.en),
            ))
        }
    }
}

/// The referral form's labels for the error summary.
pub(crate) fn referral_labels(it: &'static It) -> Vec<(&'static str, &'static str)> {
    vec![
        ("referrer_name", it.referrer_name),
        ("referrer_role", it.referrer_role),
        ("referrer_phone", it.referrer_phone),
        ("referrer_email", it.referrer_email),
        ("agency_id", it.agency),
        ("agency_kind", it.agency_kind),
        ("person", it.person_legend),
        ("person_name", it.person_name),
        ("person_national_id", it.person_national_id),
        ("person_birth_year", it.person_birth_year),
        ("person_phone", it.person_phone),
        ("person_whereabouts", it.person_whereabouts),
        ("reason", it.reason),
        ("current_services", it.current_services),
        ("housing_situation", it.housing_situation),
        ("substance_use", it.substance_use),
        ("mental_health", it.mental_health),
        ("person_knows", it.person_knows),
        ("person_agrees", it.person_agrees),
        ("urgency", it.urgency),
        ("channel", it.channel),
        ("received_on", it.received_on),
        ("diagnoses", it.diagnoses),
    ]
}

/// Where the summary links for fields that are groups.
pub(crate) fn referral_anchors() -> Vec<(&'static str, String)> {
    vec![
        ("person", "person-error".into()),
        ("person_knows", "person_knows-yes".into()),
        ("person_agrees", "person_agrees-yes".into()),
        ("urgency", "urgency-normal".into()),
    ]
}

/// Agencies for the picker: active ones, grouped under their kind's label.
pub(crate) fn agency_groups(
    agencies: &[Agency],
    lang: Lang,
) -> Vec<(String, Vec<(String, String)>)> {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for kind in AgencyKind::ALL {
        let items: Vec<(String, String)> = agencies
            .iter()
            .filter(|a| a.active && a.kind == kind.code())
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect();
        if !items.is_empty() {
            groups.push((cap(kind.label(lang)), items));
        }
    }
    groups
}

/// Collects field errors while parsing.
#[derive(Default)]
pub(crate) struct Errs(pub Vec<FieldError>);

impl Errs {
    /// Keeps the value or records the error.
    pub fn ok<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(err) => {
                self.0.push(err);
                None
            }
        }
    }
}

/// Parses the referral form. `staff` adds channel, received date and diagnoses;
/// the public form asks for a way to contact the referrer.
pub(crate) fn parse_referral(
    fd: &Fd,
    staff: bool,
    allow_synthetic: bool,
) -> Result<ReferralInput, Vec<FieldError>> {
    let mut ers = Errs::default();
    let referrer_name = ers.ok(ShortText::parse_name(fd.get("referrer_name"))
        .map_err(|e| FieldError::of("referrer_name", &e)));
    let referrer_role = ers.ok(ShortText::parse_optional(fd.get("referrer_role"))
        .map_err(|e| FieldError::of("referrer_role", &e)));
    let referrer_phone = ers.ok(if fd.blank("referrer_phone") {
        Ok(None)
    } else {
        Phone::parse(fd.get("referrer_phone"))
            .map(Some)
            .map_err(|e| FieldError::of("referrer_phone", &e))
    });
    let referrer_email = ers.ok(email("referrer_email", fd.get("referrer_email")));
    if !staff && fd.blank("referrer_phone") && fd.blank("referrer_email") {
        ers.ok(Err::<(), _>(FieldError::new(
            "referrer_phone",
            "contact_required",
            "Oppgi telefon eller e-post, så inntaksteamet kan kontakte deg.",
            "Give a phone number or an e-mail address, so the intake team can contact you.",
        )));
    }
    let agency_id = ers.ok(parse_uuid_opt("agency_id", fd.get("agency_id")));
    let kind = AgencyKind::from_code(fd.get("agency_kind").trim());
    let agency_kind = match (agency_id.flatten(), kind) {
        (_, Some(k)) => Some(k),
        // A kind that is given must be one of the codes, with or without an agency.
        (_, None) if !fd.blank("agency_kind") => ers.ok(Err(FieldError::new(
            "agency_kind",
            "unknown_agency_kind",
            "Ukjent type instans.",
            "Unknown kind of agency.",
        ))),
        (Some(_), None) => Some(AgencyKind::Other),
        (None, None) => ers.ok(Err(FieldError::new(
            "agency_kind",
            "agency_kind_required",
            "Velg instansen fra listen, eller velg hva slags henviser du er.",
            "Choose the agency from the list, or choose what kind of referrer you are.",
        ))),
    };

    let opt_text = |k: &str| !fd.blank(k);
    let person_name = ers.ok(if opt_text("person_name") {
        PersonName::parse(fd.get("person_name"))
            .map(Some)
            .map_err(|e| FieldError::of("person_name", &e))
    } else {
        Ok(None)
    });
    let person_national_id = ers.ok(if opt_text("person_national_id") {
        NationalId::parse(fd.get("person_national_id"), allow_synthetic)
            .map(Some)
            .map_err(|e| FieldError::of("person_national_id", &e))
    } else {
        Ok(None)
    });
    let this_year = benk_app::time::oslo_today().year();
    let person_birth_year = ers.ok(if opt_text("person_birth_year") {
        fd.get("person_birth_year")
            .trim()
            .parse::<i32>()
            .map_err(|_| {
                FieldError::new(
                    "person_birth_year",
                    "birth_year_not_a_number",
                    "Fødselsåret må være et årstall med fire sifre.",
                    "The birth year must be a four-digit year.",
                )
            })
            .and_then(|y| {
                BirthYear::parse(y, this_year).map_err(|e| FieldError::of("person_birth_year", &e))
            })
            .map(Some)
    } else {
        Ok(None)
    });
    if let (Some(Some(id)), Some(Some(y))) = (&person_national_id, &person_birth_year) {
        if id.birth_date().year() != y.value() {
            ers.ok(Err::<(), _>(FieldError::new(
                "person_birth_year",
                "birth_year_mismatch",
                "Fødselsåret stemmer ikke med fødselsnummeret.",
                "The birth year does not match the national identity number.",
            )));
        }
    }
    let person_phone = ers.ok(if opt_text("person_phone") {
        Phone::parse(fd.get("person_phone"))
            .map(Some)
            .map_err(|e| FieldError::of("person_phone", &e))
    } else {
        Ok(None)
    });
    let person_whereabouts = ers.ok(ShortText::parse_optional(fd.get("person_whereabouts"))
        .map_err(|e| FieldError::of("person_whereabouts", &e)));
    if let Err(not_id) = identifiable(IdentityParts {
        name: opt_text("person_name"),
        national_id: opt_text("person_national_id"),
        birth_year: opt_text("person_birth_year"),
        phone: opt_text("person_phone"),
        whereabouts: opt_text("person_whereabouts"),
    }) {
        ers.ok(Err::<(), _>(FieldError::of("person", &not_id)));
    }

    let reason =
        ers.ok(LongText::parse(fd.get("reason")).map_err(|e| FieldError::of("reason", &e)));
    let mut long = |k: &str| {
        ers.ok(LongText::parse_optional(fd.get(k)).map_err(|e| FieldError::of(k, &e)))
            .flatten()
    };
    let current_services = long("current_services");
    let housing_situation = long("housing_situation");
    let substance_use = long("substance_use");
    let mental_health = long("mental_health");
    let mut knowledge = |k: &str| {
        ers.ok(Knowledge::from_code(fd.get(k)).ok_or_else(|| {
            FieldError::new(
                k,
                "choice_required",
                "Velg ett av svarene.",
                "Choose one of the answers.",
            )
        }))
    };
    let person_knows = knowledge("person_knows");
    let person_agrees = knowledge("person_agrees");
    let urgency = if fd.blank("urgency") {
        Some(Urgency::Normal)
    } else {
        ers.ok(Urgency::from_code(fd.get("urgency")).ok_or_else(|| {
            FieldError::new(
                "urgency",
                "choice_required",
                "Velg hastegrad.",
                "Choose how urgent it is.",
            )
        }))
    };

    let (channel, received_on, diagnoses) = if staff {
        let channel = ers.ok(
            ReferralChannel::from_code(fd.get("channel")).ok_or_else(|| {
                FieldError::new(
                    "channel",
                    "choice_required",
                    "Velg hvordan henvisningen kom inn.",
                    "Choose how the referral came in.",
                )
            }),
        );
        let received = ers.ok(parse_date("received_on", fd.get("received_on"))
            .and_then(|d| benk_app::clients::not_future("received_on", d)));
        let diagnoses = ers.ok(parse_diagnoses("diagnoses", fd.get("diagnoses")));
        (channel, received, diagnoses)
    } else {
        (
            Some(ReferralChannel::WebForm),
            Some(benk_app::time::oslo_today()),
            Some(vec![]),
        )
    };

    if !ers.0.is_empty() {
        return Err(ers.0);
    }
    let missing = || vec![FieldError::required("form")];
    Ok(ReferralInput {
        referrer_name: referrer_name.ok_or_else(missing)?,
        referrer_role: referrer_role.flatten(),
        referrer_phone: referrer_phone.flatten(),
        referrer_email: referrer_email.flatten(),
        agency_id: agency_id.flatten(),
        agency_kind: agency_kind.ok_or_else(missing)?,
        person_name: person_name.flatten(),
        person_national_id: person_national_id.flatten(),
        person_birth_year: person_birth_year.flatten(),
        person_phone: person_phone.flatten(),
        person_whereabouts: person_whereabouts.flatten(),
        reason: reason.ok_or_else(missing)?,
        current_services,
        housing_situation,
        substance_use,
        mental_health,
        person_knows: person_knows.ok_or_else(missing)?,
        person_agrees: person_agrees.ok_or_else(missing)?,
        urgency: urgency.ok_or_else(missing)?,
        diagnoses: diagnoses.ok_or_else(missing)?,
        received_on: received_on.ok_or_else(missing)?,
        channel: channel.ok_or_else(missing)?,
    })
}

/// Pairs (code, label) of a coded vocabulary.
pub(crate) fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T, Lang) -> &'static str,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|&v| (code(v), cap(label(v, lang))))
        .collect()
}

/// A label with its first letter in upper case ("fastlege" → "Fastlege").
pub(crate) fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The referral form, public or staff.
#[derive(askama::Template)]
#[template(path = "referral_form.html")]
pub(crate) struct ReferralFormView {
    pub layout: crate::html::Layout,
    pub it: &'static It,
    pub staff: bool,
    pub title: String,
    pub action: String,
    pub csrf: String,
    pub contact_hint: &'static str,
    pub agencies: Vec<(String, Vec<(String, String)>)>,
    pub kinds: Vec<(&'static str, String)>,
    pub channels: Vec<(&'static str, String)>,
    pub knowledge: Vec<(&'static str, String)>,
    pub urgencies: Vec<(&'static str, String)>,
    pub f: FormState,
    pub notice: Option<String>,
    pub lang_switch: Option<String>,
}

/// What a referral form page needs besides the request context.
pub(crate) struct ReferralFormParts<'a> {
    pub staff: bool,
    pub title: String,
    pub action: String,
    pub csrf: String,
    pub agencies: &'a [Agency],
    pub data: Fd,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub lang_switch: Option<String>,
}

/// Builds the referral form view.
pub(crate) fn referral_form_view(
    ctx: &crate::ctx::Ctx,
    p: ReferralFormParts<'_>,
) -> ReferralFormView {
    let lang = ctx.lang;
    let it = super::texts::it(lang);
    let channels: Vec<(&'static str, String)> = ReferralChannel::ALL
        .iter()
        .filter(|c| **c != ReferralChannel::WebForm)
        .map(|c| (c.code(), cap(c.label(lang))))
        .collect();
    ReferralFormView {
        layout: crate::html::Layout::new(ctx, if p.staff { "intake" } else { "referral" }),
        it,
        staff: p.staff,
        title: p.title,
        action: p.action,
        csrf: p.csrf,
        contact_hint: if p.staff {
            ""
        } else {
            it.referrer_contact_hint
        },
        agencies: agency_groups(p.agencies, lang),
        kinds: choices(AgencyKind::ALL, AgencyKind::code, AgencyKind::label, lang),
        channels,
        knowledge: choices(Knowledge::ALL, Knowledge::code, Knowledge::label, lang),
        urgencies: choices(Urgency::ALL, Urgency::code, Urgency::label, lang),
        f: FormState::new(
            lang,
            p.data,
            p.errors,
            referral_labels(it),
            referral_anchors(),
        ),
        notice: p.notice,
        lang_switch: p.lang_switch,
    }
}
