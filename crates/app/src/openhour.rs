//! The open hour (C-Flex: every Thursday at 09:00 partners "book a time and present their
//! case"). The team sets up recurring slots; a partner books one from a public page, describing
//! the case without identifying details; the team sees the bookings, writes the advice given as
//! a level-3 guidance case, and can turn a booking into a referral.
//!
//! Who: the slots (times, no personal data) are set up by the team lead or intake members.
//! The bookings hold a description of a case, which is health content: they are read under the
//! same grant as guidance cases ([`GuidanceGrant`]: health personnel who are intake members or
//! the team lead); every read is audited, and a refusal too. A booking can never overbook its
//! slot: the count and the insert are one writer command.

use benk_domain::{
    contains_national_id, AgencyKind, BookingStatus, GuidanceChannel, GuidanceStatus, LongText,
    Phone, Recurrence, ShortText, TeamRole,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use rand::Rng;
use serde::Serialize;
use uuid::Uuid;

use crate::actor::{Actor, RequestMeta};
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Decision, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::guidance::{GuidanceGrant, GuidanceInput};
use crate::store;
use crate::App;

/// How far ahead the public page offers slots.
pub const BOOKING_HORIZON_DAYS: i64 = 56;

/// A recurring open-hour slot as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Slot {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// ISO weekday, 1 Monday … 7 Sunday.
    pub weekday: i64,
    /// Local (Europe/Oslo) start, "HH:MM".
    pub start_time: String,
    /// Minutes.
    pub length_min: i64,
    /// Bookings per slot.
    pub capacity: i64,
    /// First date.
    pub valid_from: NaiveDate,
    /// Last date, if any.
    pub valid_until: Option<NaiveDate>,
    /// Where.
    pub place: Option<String>,
}

impl Slot {
    /// The slot's recurrence (`None` if the stored row does not parse, which the schema prevents).
    pub fn recurrence(&self) -> Option<Recurrence> {
        Some(Recurrence {
            weekday: benk_domain::daily::weekday_from_number(self.weekday)?,
            start: NaiveTime::parse_from_str(&self.start_time, "%H:%M").ok()?,
            length_min: u32::try_from(self.length_min).ok()?,
            capacity: u32::try_from(self.capacity).ok()?,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        })
    }
}

/// A slot on a date with how many places are free (the public page shows no more).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlotDate {
    /// The recurring slot.
    pub slot_id: Uuid,
    /// Date.
    pub date: NaiveDate,
    /// "HH:MM".
    pub start_time: String,
    /// Minutes.
    pub length_min: i64,
    /// Where.
    pub place: Option<String>,
    /// Places left.
    pub free: i64,
}

/// A recurring slot as set up by the team.
#[derive(Debug, Clone)]
pub struct SlotInput {
    /// Weekday.
    pub weekday: Weekday,
    /// Start (local).
    pub start: NaiveTime,
    /// Minutes (5–480).
    pub length_min: u32,
    /// Bookings per slot (1–50).
    pub capacity: u32,
    /// First date.
    pub valid_from: NaiveDate,
    /// Last date.
    pub valid_until: Option<NaiveDate>,
    /// Where.
    pub place: Option<ShortText>,
}

/// A booking as the partner gives it. There is no field for the person the case is about.
#[derive(Debug, Clone)]
pub struct BookingInput {
    /// The recurring slot.
    pub slot_id: Uuid,
    /// The date.
    pub date: NaiveDate,
    /// Who books.
    pub booker_name: ShortText,
    /// Their service ("NAV Fjordby", "Fastlege Sentrum legesenter").
    pub booker_service: ShortText,
    /// What kind of partner.
    pub agency_kind: AgencyKind,
    /// Phone.
    pub booker_phone: Option<Phone>,
    /// E-mail.
    pub booker_email: Option<ShortText>,
    /// The case, without identifying details.
    pub case_text: LongText,
}

/// A booking as the team sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Booking {
    /// Id.
    pub id: Uuid,
    /// The recurring slot.
    pub slot_id: Uuid,
    /// Date.
    pub slot_date: NaiveDate,
    /// "HH:MM".
    pub start_time: String,
    /// Minutes.
    pub length_min: i64,
    /// Who booked.
    pub booker_name: String,
    /// Their service.
    pub booker_service: String,
    /// `AgencyKind` code.
    pub agency_kind: String,
    /// Phone.
    pub booker_phone: Option<String>,
    /// E-mail.
    pub booker_email: Option<String>,
    /// The case (health content, without identifying details).
    pub case_text: String,
    /// The receipt number the partner got.
    pub receipt_number: String,
    /// `BookingStatus` code.
    pub status: String,
    /// The guidance case written from it.
    pub guidance_case_id: Option<Uuid>,
    /// The referral made from it.
    pub referral_id: Option<Uuid>,
    /// Booked at.
    pub created_at: DateTime<Utc>,
}

/// What the partner is told.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookingReceipt {
    /// Booking id.
    pub id: Uuid,
    /// Receipt number ("T-2026-7KQ3-M9XA").
    pub receipt_number: String,
}

/// Whether the actor may set up the team's slots: the team lead or an intake member.
pub fn may_manage(actor: &Actor, team: Uuid) -> bool {
    actor.has_role_in(team, &[TeamRole::IntakeMember, TeamRole::TeamLead])
}

async fn refuse_manage(app: &App, actor: &Actor, team: Uuid, action: &str) -> AppError {
    let mut d = actor.audit(action, Outcome::Denied);
    d.resources = format!("team:{team},open_hour_slots,none:not_intake_or_team_lead");
    if let Err(e) = app.writer.write(WriteOp::audit_only(vec![d])).await {
        return e.into();
    }
    AppError::Forbidden(Text::new(
        "Bare teamleder og inntaksteamet setter opp åpen time. Forsøket er logget.",
        "Only the team lead and the intake team set up the open hour. The attempt has been logged.",
    ))
}

/// Sets up a recurring slot (team lead or intake member of `team`).
pub async fn create_slot(
    app: &App,
    actor: &Actor,
    team: Uuid,
    input: SlotInput,
) -> AppResult<Uuid> {
    if !may_manage(actor, team) {
        return Err(refuse_manage(app, actor, team, "open_hour.slot_create").await);
    }
    let mut errs = Vec::new();
    if !(5..=480).contains(&input.length_min) {
        errs.push(FieldError::new(
            "length_min",
            "out_of_range",
            "Lengden må være mellom 5 og 480 minutter.",
            "The length must be between 5 and 480 minutes.",
        ));
    }
    if !(1..=50).contains(&input.capacity) {
        errs.push(FieldError::new(
            "capacity",
            "out_of_range",
            "Antall bookinger per time må være mellom 1 og 50.",
            "Bookings per slot must be between 1 and 50.",
        ));
    }
    if input.valid_until.is_some_and(|u| u < input.valid_from) {
        errs.push(FieldError::new(
            "valid_until",
            "before_start",
            "Sluttdatoen kan ikke være før startdatoen.",
            "The end date cannot be before the start date.",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let id = Uuid::now_v7();
    let mut d = actor.audit("open_hour.slot_create", Outcome::Allowed);
    d.resources = format!("team:{team},open_hour_slot:{id}");
    let start = input.start.format("%H:%M").to_string();
    let stmt = store::openhour::insert_slot(&store::openhour::NewSlot {
        id,
        team_id: team,
        weekday: benk_domain::daily::weekday_number(input.weekday),
        start_time: &start,
        length_min: i64::from(input.length_min),
        capacity: i64::from(input.capacity),
        valid_from: input.valid_from,
        valid_until: input.valid_until,
        place: input.place.as_ref().map(|p| p.as_str()),
        created_by: actor.staff_id,
        at: d.at,
    });
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![d],
        })
        .await?;
    Ok(id)
}

/// Ends a recurring slot: no slots after `until` (bookings already made stay).
pub async fn end_slot(
    app: &App,
    actor: &Actor,
    team: Uuid,
    id: Uuid,
    until: NaiveDate,
) -> AppResult<()> {
    if !may_manage(actor, team) {
        return Err(refuse_manage(app, actor, team, "open_hour.slot_end").await);
    }
    let mut d = actor.audit("open_hour.slot_end", Outcome::Allowed);
    d.resources = format!("team:{team},open_hour_slot:{id},until:{until}");
    app.writer
        .write(WriteOp {
            stmts: vec![store::openhour::end_slot(id, team, until)],
            audit: vec![d],
        })
        .await?;
    Ok(())
}

/// The team's recurring slots that have not ended (times only; no audit, no personal data).
pub async fn slots(app: &App, team: Uuid) -> AppResult<Vec<Slot>> {
    Ok(store::openhour::slots(&app.db, team, crate::time::oslo_today()).await?)
}

/// The slots from today through the booking horizon with their free places, by date and time
/// (for the public page: no personal data).
pub async fn upcoming(app: &App, team: Uuid) -> AppResult<Vec<SlotDate>> {
    let today = crate::time::oslo_today();
    let to = today + Duration::days(BOOKING_HORIZON_DAYS);
    let slots = store::openhour::slots(&app.db, team, today).await?;
    let taken = store::openhour::taken(&app.db, team, today, to).await?;
    let mut out = Vec::new();
    for s in &slots {
        let Some(r) = s.recurrence() else { continue };
        for date in r.dates(today, to) {
            let n = taken
                .iter()
                .find(|t| t.0 == s.id && t.1 == date)
                .map_or(0, |t| t.2);
            out.push(SlotDate {
                slot_id: s.id,
                date,
                start_time: s.start_time.clone(),
                length_min: s.length_min,
                place: s.place.clone(),
                free: (s.capacity - n).max(0),
            });
        }
    }
    out.sort_by(|a, b| (a.date, &a.start_time).cmp(&(b.date, &b.start_time)));
    Ok(out)
}

const RECEIPT_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A receipt number that reveals neither order nor volume: "T-2026-7KQ3-M9XA".
fn receipt_number(year: i32) -> String {
    let mut rng = rand::thread_rng();
    let mut part = || {
        (0..4)
            .map(|_| RECEIPT_ALPHABET[rng.gen_range(0..RECEIPT_ALPHABET.len())] as char)
            .collect::<String>()
    };
    format!("T-{year}-{}-{}", part(), part())
}

/// The field error for a case text that holds a national id.
pub fn national_id_error(field: &str) -> FieldError {
    FieldError::new(
        field,
        "national_id_in_booking",
        "Beskriv saken uten å identifisere personen: teksten inneholder et fødselsnummer. Ta det bort og send igjen – resten av det du skrev er beholdt.",
        "Describe the case without identifying the person: the text holds a national identity number. Remove it and send again – the rest of what you wrote has been kept.",
    )
}

/// Checks a booking's own rules (no I/O): contact, and no national id in the case.
pub fn check_booking(input: &BookingInput) -> Result<(), Vec<FieldError>> {
    let mut errs = Vec::new();
    if input.booker_phone.is_none() && input.booker_email.is_none() {
        errs.push(FieldError::new(
            "booker_phone",
            "contact_required",
            "Oppgi telefon eller e-post, så vi kan nå deg.",
            "Give a phone number or an e-mail address, so we can reach you.",
        ));
    }
    if contains_national_id(input.case_text.as_str()) {
        errs.push(national_id_error("case_text"));
    }
    for (field, text) in [
        ("booker_name", input.booker_name.as_str()),
        ("booker_service", input.booker_service.as_str()),
    ] {
        if contains_national_id(text) {
            errs.push(national_id_error(field));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

fn slot_error(code: &str, nb: &str, en: &str) -> AppError {
    AppError::field(FieldError::new("slot", code, nb, en))
}

/// Books a slot from the public page (no login). The check that the slot has room and the
/// insert are one writer command, so forty parallel bookings of a slot with two places give
/// two bookings and 38 refusals (409, audited).
pub async fn book(
    app: &App,
    team: Uuid,
    input: BookingInput,
    meta: &RequestMeta,
) -> AppResult<BookingReceipt> {
    check_booking(&input).map_err(AppError::Invalid)?;
    let today = crate::time::oslo_today();
    if input.date < today {
        return Err(slot_error(
            "past",
            "Denne timen har vært. Velg en ledig time fra listen.",
            "This slot has passed. Choose a free slot from the list.",
        ));
    }
    let id = Uuid::now_v7();
    let mut d = AuditDraft::new("open_hour.book", Outcome::Allowed);
    d.actor_from_outside("public open-hour form", "name", input.booker_name.as_str());
    d.resources = format!(
        "team:{team},open_hour_booking:{id},slot:{}:{}",
        input.slot_id, input.date
    );
    d.ip = meta.ip.clone();
    d.user_agent = meta.user_agent.clone();
    let receipt = receipt_number(chrono::Datelike::year(&today));
    let new = store::openhour::NewBooking {
        id,
        slot_id: input.slot_id,
        team_id: team,
        slot_date: input.date,
        booker_name: input.booker_name.as_str().to_string(),
        booker_service: input.booker_service.as_str().to_string(),
        agency_kind: input.agency_kind.code().to_string(),
        booker_phone: input.booker_phone.as_ref().map(|p| p.as_str().to_string()),
        booker_email: input.booker_email.as_ref().map(|e| e.as_str().to_string()),
        case_text: input.case_text.as_str().to_string(),
        receipt_number: receipt.clone(),
        at: d.at,
    };
    let result = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                let refuse = |mut d: AuditDraft, why: &str, error: AppError| {
                    d.outcome = Some(Outcome::Denied);
                    d.resources = format!("{},none:{why}", d.resources);
                    Ok(Decision::Refuse {
                        audit: vec![d],
                        error,
                    })
                };
                let slot = store::openhour::slot(&mut *tx, new.slot_id, new.team_id).await?;
                let Some(slot) = slot else {
                    return refuse(
                        d,
                        "no_such_slot",
                        slot_error(
                            "unknown_slot",
                            "Ukjent time. Velg en ledig time fra listen.",
                            "Unknown slot. Choose a free slot from the list.",
                        ),
                    );
                };
                if !slot.recurrence().is_some_and(|r| r.occurs_on(new.slot_date)) {
                    return refuse(
                        d,
                        "not_a_slot_date",
                        slot_error(
                            "not_a_slot_date",
                            "Det er ingen åpen time denne datoen. Velg en ledig time fra listen.",
                            "There is no open hour on this date. Choose a free slot from the list.",
                        ),
                    );
                }
                let taken = store::openhour::taken_in(&mut *tx, new.slot_id, new.slot_date).await?;
                if taken >= slot.capacity {
                    return refuse(
                        d,
                        "slot_full",
                        AppError::Conflict(Text::new(
                            "Timen ble nettopp fullbooket. Velg en annen ledig time – det du skrev er beholdt.",
                            "The slot was just fully booked. Choose another free slot – what you wrote has been kept.",
                        )),
                    );
                }
                let stmt = store::openhour::insert_booking(&new);
                tx.execute(stmt.sql, stmt.args).await?;
                Ok(Decision::Commit {
                    audit: vec![d],
                    value: (),
                })
            })
        })
        .await?;
    result?;
    Ok(BookingReceipt {
        id,
        receipt_number: receipt,
    })
}

fn audit(actor: &Actor, action: &str, resources: String) -> AuditDraft {
    let mut d = actor.audit(action, Outcome::Allowed);
    d.purpose = Some("COC".into());
    d.resources = resources;
    d
}

/// The team's bookings from `from` on (audited; the case texts are health content).
pub async fn bookings(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
    from: NaiveDate,
) -> AppResult<Vec<Booking>> {
    let rows = store::openhour::bookings(&app.db, grant.team_id(), from).await?;
    let d = audit(
        actor,
        "open_hour.list",
        format!("team:{},open_hour_bookings:{}", grant.team_id(), rows.len()),
    );
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(rows)
}

/// One booking (audited).
pub async fn booking(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
    id: Uuid,
) -> AppResult<Booking> {
    let b = store::openhour::booking(&app.db, id, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let d = audit(actor, "open_hour.read", format!("open_hour_booking:{id}"));
    app.writer.write(WriteOp::audit_only(vec![d])).await?;
    Ok(b)
}

/// Records the advice given at the open hour as a level-3 guidance case (channel `open_hour`),
/// the partner as the asker and the case as the question, and links the booking to it; one
/// transaction. A booking that already has a guidance case is refused (404).
pub async fn advise(
    app: &App,
    actor: &Actor,
    grant: &GuidanceGrant,
    id: Uuid,
    advice: LongText,
    follow_up_on: Option<NaiveDate>,
) -> AppResult<Uuid> {
    let b = store::openhour::booking(&app.db, id, grant.team_id())
        .await?
        .ok_or(AppError::NotFound)?;
    if b.guidance_case_id.is_some() || b.status == BookingStatus::Cancelled.code() {
        return Err(AppError::Conflict(Text::new(
            "Det er allerede skrevet en veiledningssak for denne bookingen.",
            "A guidance case has already been written for this booking.",
        )));
    }
    let text =
        |s: &str| ShortText::parse(s).map_err(|e| AppError::field(FieldError::of("booking", &e)));
    let input = GuidanceInput {
        asked_on: b.slot_date.min(crate::time::oslo_today()),
        channel: GuidanceChannel::OpenHour,
        asker_name: text(&b.booker_name)?,
        asker_role: None,
        asker_organisation: Some(text(&b.booker_service)?),
        agency_kind: AgencyKind::from_code(&b.agency_kind).unwrap_or(AgencyKind::Other),
        asker_phone: b.booker_phone.as_deref().and_then(|p| Phone::parse(p).ok()),
        asker_email: b
            .booker_email
            .as_deref()
            .and_then(|e| ShortText::parse(e).ok()),
        question: LongText::parse(&b.case_text)
            .map_err(|e| AppError::field(FieldError::of("booking", &e)))?,
        advice: Some(advice),
        follow_up_on,
        status: if follow_up_on.is_some() {
            GuidanceStatus::Open
        } else {
            GuidanceStatus::Closed
        },
    };
    let (gid, mut stmts, mut audits) = crate::guidance::create_parts(actor, grant, &input)?;
    stmts.push(store::openhour::set_advised(id, grant.team_id(), gid));
    audits.push(audit(
        actor,
        "open_hour.advise",
        format!("open_hour_booking:{id},guidance_case:{gid}"),
    ));
    app.writer
        .write(WriteOp {
            stmts,
            audit: audits,
        })
        .await?;
    Ok(gid)
}

/// Turns a booking into a referral: the referral the intake team registered from it, the
/// booking's link to it (`status = referred`) and the booking's guidance case's
/// `later_referral_id`, all in one writer command. The command reads the booking in the
/// transaction and refuses (audited `open_hour.refer` denied) a booking that is gone
/// (`none:no_such_booking`, 404), cancelled or already turned into a referral
/// (`none:already_referred`, 409): two parallel clicks give one referral.
pub async fn refer(
    app: &App,
    actor: &Actor,
    intake: &crate::referrals::IntakeGrant,
    grant: &GuidanceGrant,
    id: Uuid,
    input: crate::referrals::ReferralInput,
) -> AppResult<crate::referrals::Receipt> {
    let team = grant.team_id();
    if intake.team_id() != team {
        return Err(AppError::NotFound);
    }
    let (receipt, mut stmts, referral_audit) =
        crate::referrals::register_parts(app, actor, intake, input).await?;
    let referral = receipt.id;
    stmts.push(store::openhour::guidance_later_referral(id, referral));
    stmts.push(store::openhour::set_referred(id, team, referral));
    let d = audit(
        actor,
        "open_hour.refer",
        format!("open_hour_booking:{id},referral:{referral}"),
    );
    let result = app
        .writer
        .command(move |tx| {
            Box::pin(async move {
                let refuse = |mut d: AuditDraft, why: &str, error: AppError| {
                    d.outcome = Some(Outcome::Denied);
                    d.resources = format!("open_hour_booking:{id},none:{why}");
                    Ok(Decision::Refuse {
                        audit: vec![d],
                        error,
                    })
                };
                let Some(b) = store::openhour::booking(&mut *tx, id, team).await? else {
                    return refuse(d, "no_such_booking", AppError::NotFound);
                };
                if b.referral_id.is_some() || b.status == BookingStatus::Cancelled.code() {
                    return refuse(d, "already_referred", already_referred());
                }
                for s in stmts {
                    let n = tx.execute(s.sql, s.args).await?;
                    if s.expect == crate::db::writer::Expect::One && n != 1 {
                        return refuse(d, "already_referred", already_referred());
                    }
                }
                Ok(Decision::Commit {
                    audit: vec![referral_audit, d],
                    value: (),
                })
            })
        })
        .await?;
    result?;
    Ok(receipt)
}

fn already_referred() -> AppError {
    AppError::Conflict(Text::new(
        "Denne bookingen er allerede gjort om til en henvisning (eller avlyst). Se henvisningen på inntakstavla – det ble ikke registrert en ny.",
        "This booking has already been turned into a referral (or cancelled). See the referral on the intake board – no new one was registered.",
    ))
}
