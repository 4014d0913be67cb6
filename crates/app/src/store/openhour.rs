//! The open-hour aggregate: `open_hour_slots` (recurring slots) and `open_hour_bookings`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::openhour::{Booking, Slot};

const SLOT_COLS: &str = "id, team_id, CAST(weekday AS BIGINT) AS weekday, start_time, \
     CAST(length_min AS BIGINT) AS length_min, CAST(capacity AS BIGINT) AS capacity, valid_from, valid_until, place";

const BOOKING_COLS: &str = "b.id, b.slot_id, b.slot_date, s.start_time, CAST(s.length_min AS BIGINT) AS length_min, \
     b.booker_name, b.booker_service, b.agency_kind, b.booker_phone, b.booker_email, b.case_text, b.receipt_number, \
     b.status, b.guidance_case_id, b.referral_id, b.created_at";

/// A new recurring slot.
#[derive(Debug, Clone)]
pub struct NewSlot<'a> {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// 1 Monday … 7 Sunday.
    pub weekday: i64,
    /// "HH:MM".
    pub start_time: &'a str,
    /// Minutes.
    pub length_min: i64,
    /// Bookings per slot.
    pub capacity: i64,
    /// First date.
    pub valid_from: NaiveDate,
    /// Last date.
    pub valid_until: Option<NaiveDate>,
    /// Where.
    pub place: Option<&'a str>,
    /// Who set it up.
    pub created_by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts a recurring slot.
pub fn insert_slot(s: &NewSlot<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO open_hour_slots (id, team_id, weekday, start_time, length_min, capacity, valid_from, \
         valid_until, place, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        crate::args![
            s.id,
            s.team_id,
            s.weekday,
            s.start_time,
            s.length_min,
            s.capacity,
            s.valid_from,
            s.valid_until,
            s.place,
            s.created_by,
            s.at
        ],
    )
}

/// Ends a recurring slot after `until` (no slots after that date); exactly one row.
pub fn end_slot(id: Uuid, team: Uuid, until: NaiveDate) -> Stmt {
    Stmt::one(
        "UPDATE open_hour_slots SET valid_until = $3 WHERE id = $1 AND team_id = $2 AND valid_from <= $3",
        crate::args![id, team, until],
    )
}

/// The team's recurring slots that have not ended before `from`.
pub async fn slots(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
) -> Result<Vec<Slot>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {SLOT_COLS} FROM open_hour_slots WHERE team_id = $1 AND (valid_until IS NULL OR valid_until >= $2) \
             ORDER BY weekday, start_time, valid_from"
        ),
        crate::args![team, from],
    )
    .await
}

/// One of the team's recurring slots.
pub async fn slot(mut ex: impl Exec, id: Uuid, team: Uuid) -> Result<Option<Slot>, sqlx::Error> {
    ex.opt(
        &format!("SELECT {SLOT_COLS} FROM open_hour_slots WHERE id = $1 AND team_id = $2"),
        crate::args![id, team],
    )
    .await
}

/// Bookings that hold a place (not cancelled) per slot and date, from `from` through `to`.
pub async fn taken(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate, i64)>, sqlx::Error> {
    ex.all(
        "SELECT slot_id, slot_date, CAST(COUNT(*) AS BIGINT) FROM open_hour_bookings \
         WHERE team_id = $1 AND slot_date >= $2 AND slot_date <= $3 AND status <> 'cancelled' \
         GROUP BY slot_id, slot_date",
        crate::args![team, from, to],
    )
    .await
}

/// Bookings that hold a place in one slot on one date (the check before a booking).
pub async fn taken_in(mut ex: impl Exec, slot: Uuid, date: NaiveDate) -> Result<i64, sqlx::Error> {
    ex.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM open_hour_bookings WHERE slot_id = $1 AND slot_date = $2 \
         AND status <> 'cancelled'",
        crate::args![slot, date],
    )
    .await
}

/// A new booking.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// Id.
    pub id: Uuid,
    /// Slot.
    pub slot_id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The slot's date.
    pub slot_date: NaiveDate,
    /// Who books.
    pub booker_name: String,
    /// Their service.
    pub booker_service: String,
    /// `AgencyKind` code.
    pub agency_kind: String,
    /// Phone.
    pub booker_phone: Option<String>,
    /// E-mail.
    pub booker_email: Option<String>,
    /// The case, without identifying details.
    pub case_text: String,
    /// Receipt number.
    pub receipt_number: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts a booking (status `booked`).
pub fn insert_booking(b: &NewBooking) -> Stmt {
    Stmt::new(
        "INSERT INTO open_hour_bookings (id, slot_id, team_id, slot_date, booker_name, booker_service, agency_kind, \
         booker_phone, booker_email, case_text, receipt_number, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'booked', $12)",
        crate::args![
            b.id,
            b.slot_id,
            b.team_id,
            b.slot_date,
            b.booker_name.as_str(),
            b.booker_service.as_str(),
            b.agency_kind.as_str(),
            b.booker_phone.as_deref(),
            b.booker_email.as_deref(),
            b.case_text.as_str(),
            b.receipt_number.as_str(),
            b.at
        ],
    )
}

/// The team's bookings from `from` on, by date and time.
pub async fn bookings(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
) -> Result<Vec<Booking>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {BOOKING_COLS} FROM open_hour_bookings b JOIN open_hour_slots s ON s.id = b.slot_id \
             WHERE b.team_id = $1 AND b.slot_date >= $2 ORDER BY b.slot_date, s.start_time, b.created_at"
        ),
        crate::args![team, from],
    )
    .await
}

/// One of the team's bookings.
pub async fn booking(
    mut ex: impl Exec,
    id: Uuid,
    team: Uuid,
) -> Result<Option<Booking>, sqlx::Error> {
    ex.opt(
        &format!(
            "SELECT {BOOKING_COLS} FROM open_hour_bookings b JOIN open_hour_slots s ON s.id = b.slot_id \
             WHERE b.id = $1 AND b.team_id = $2"
        ),
        crate::args![id, team],
    )
    .await
}

/// Links a booking to the guidance case written from it; only a booking not yet advised.
pub fn set_advised(id: Uuid, team: Uuid, guidance: Uuid) -> Stmt {
    Stmt::one(
        "UPDATE open_hour_bookings SET status = 'advised', guidance_case_id = $3 \
         WHERE id = $1 AND team_id = $2 AND guidance_case_id IS NULL AND status IN ('booked', 'advised')",
        crate::args![id, team, guidance],
    )
}

/// Links a booking to the referral made from it; only once.
pub fn set_referred(id: Uuid, team: Uuid, referral: Uuid) -> Stmt {
    Stmt::one(
        "UPDATE open_hour_bookings SET status = 'referred', referral_id = $3 \
         WHERE id = $1 AND team_id = $2 AND referral_id IS NULL AND status <> 'cancelled'",
        crate::args![id, team, referral],
    )
}

/// The guidance case of a booking that became a referral records that referral too.
pub fn guidance_later_referral(booking: Uuid, referral: Uuid) -> Stmt {
    Stmt::new(
        "UPDATE guidance_cases SET later_referral_id = $2 \
         WHERE id = (SELECT guidance_case_id FROM open_hour_bookings WHERE id = $1) AND later_referral_id IS NULL",
        crate::args![booking, referral],
    )
}

/// Whether a referral is in the team (a link must not cross teams).
pub async fn referral_in_team(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM referrals WHERE id = $1 AND team_id = $2",
            crate::args![referral, team],
        )
        .await?
        > 0)
}
