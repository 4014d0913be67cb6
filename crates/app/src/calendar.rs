//! The per-worker calendar feed (issue 9): an iCalendar file (RFC 5545) of the worker's
//! planned appointments at a secret address, `/calendar/{token}.ics`, with no login.
//!
//! The feed carries no health content and no names: every event is "Avtale (Benk)" with the
//! kind of meeting, and the place; never the person's name or initials, never the purpose.
//! A calendar app often copies the feed to a third party (a phone's cloud calendar), so the
//! feed gives the worker when and where, and Benk (after login) says with whom.
//! The token has 256 random bits; only its SHA-256 is stored. Creating a new one replaces the
//! old (which then gives 404), revoking deletes it. Each fetch writes one audit row naming the
//! worker and the number of events.

use benk_domain::{ContactKind, Lang};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::actor::{Actor, RequestMeta};
use crate::audit::Outcome;
use crate::auth::{random_hex, token_hash};
use crate::db::writer::WriteOp;
use crate::error::{AppError, AppResult};
use crate::store;
use crate::App;

/// How far back and ahead the feed reaches.
pub const FEED_DAYS_BACK: i64 = 30;
/// Days ahead.
pub const FEED_DAYS_AHEAD: i64 = 180;

/// One event of the feed.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    /// The appointment's id (the event's UID).
    pub id: Uuid,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Kind.
    pub kind: Option<ContactKind>,
    /// Where.
    pub place: Option<String>,
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character, and
/// ends it with CRLF.
pub fn fold_line(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            // The continuation line's leading space counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar: one VEVENT per appointment, times in UTC.
pub fn ical(events: &[FeedEvent], now: DateTime<Utc>, lang: Lang) -> String {
    let mut out = String::new();
    let mut line = |s: &str| fold_line(s, &mut out);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Benk//Avtaler//NB");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!(
        "X-WR-CALNAME:{}",
        escape_text(match lang {
            Lang::Nb => "Mine avtaler (Benk)",
            Lang::En => "My appointments (Benk)",
        })
    ));
    for e in events {
        let title = match lang {
            Lang::Nb => "Avtale (Benk)",
            Lang::En => "Appointment (Benk)",
        };
        let summary = match e.kind {
            Some(k) => format!("{title}: {}", k.label(lang)),
            None => title.to_string(),
        };
        line("BEGIN:VEVENT");
        line(&format!("UID:{}@benk", e.id));
        line(&format!("DTSTAMP:{}", stamp(now)));
        line(&format!("DTSTART:{}", stamp(e.starts_at)));
        line(&format!("DTEND:{}", stamp(e.ends_at)));
        line(&format!("SUMMARY:{}", escape_text(&summary)));
        if let Some(p) = e.place.as_deref().filter(|p| !p.trim().is_empty()) {
            line(&format!("LOCATION:{}", escape_text(p)));
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// Whether the worker has a feed, and since when.
pub async fn feed_status(app: &App, actor: &Actor) -> AppResult<Option<DateTime<Utc>>> {
    Ok(store::appointments::feed_created(&app.db, actor.staff_id).await?)
}

/// Makes a new secret feed address token for the worker (replacing any old one, whose
/// address then gives 404) and returns it; shown once. Audited `calendar.create`.
pub async fn create_feed(app: &App, actor: &Actor) -> AppResult<String> {
    let token = random_hex(32);
    let mut audit = actor.audit("calendar.create", Outcome::Allowed);
    audit.resources = format!("calendar_feed,staff:{}", actor.staff_id);
    app.writer
        .write(WriteOp {
            stmts: vec![store::appointments::set_feed(
                actor.staff_id,
                &token_hash(&token),
                audit.at,
            )],
            audit: vec![audit],
        })
        .await?;
    Ok(token)
}

/// Revokes the worker's feed: the address gives 404 from now on. Audited `calendar.revoke`;
/// no feed is `NotFound`.
pub async fn revoke_feed(app: &App, actor: &Actor) -> AppResult<()> {
    let mut audit = actor.audit("calendar.revoke", Outcome::Allowed);
    audit.resources = format!("calendar_feed,staff:{}", actor.staff_id);
    app.writer
        .write(WriteOp {
            stmts: vec![store::appointments::delete_feed(actor.staff_id)],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// The feed behind a token: `NotFound` for an unknown or revoked token or a disabled
/// account. Lists the worker's planned appointments with people the worker may still see,
/// and writes one audit row (`calendar.fetch`) naming the worker and the count.
pub async fn feed(app: &App, token: &str, meta: RequestMeta) -> AppResult<String> {
    // Only well-formed tokens are looked up (64 hex digits).
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let Some(staff) = store::appointments::feed_owner(&app.db, &token_hash(token)).await? else {
        return Err(AppError::NotFound);
    };
    let Some(actor) = crate::staff::load_actor(app, staff, meta).await? else {
        return Err(AppError::NotFound);
    };
    let now = Utc::now();
    let today = crate::access::today();
    let v = crate::access::visible(app, &actor, "c", "$1", "$2", 6).await?;
    let rows = store::appointments::mine(
        &app.db,
        v,
        actor.staff_id,
        today,
        now - Duration::days(FEED_DAYS_BACK),
        now + Duration::days(FEED_DAYS_AHEAD),
        false,
        2000,
    )
    .await?;
    let mut audit = actor.audit("calendar.fetch", Outcome::Allowed);
    audit.resources = format!(
        "calendar_feed,staff:{},appointments:{}",
        actor.staff_id,
        rows.len()
    );
    app.writer.write(WriteOp::audit_only(vec![audit])).await?;
    let events: Vec<FeedEvent> = rows
        .into_iter()
        .map(|r| FeedEvent {
            id: r.id,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            kind: ContactKind::from_code(&r.kind),
            place: r.place,
        })
        .collect();
    Ok(ical(&events, now, actor.lang.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_folding() {
        assert_eq!(escape_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        let mut out = String::new();
        let long = format!("LOCATION:{}", "æ".repeat(60));
        fold_line(&long, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn a_calendar_has_the_required_properties() {
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let s = ical(
            &[FeedEvent {
                id: Uuid::nil(),
                starts_at: t,
                ends_at: t + Duration::hours(1),
                kind: Some(ContactKind::HomeVisit),
                place: Some("Storgata 1, 2. etg".into()),
            }],
            t,
            Lang::Nb,
        );
        assert!(s.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(s.ends_with("END:VCALENDAR\r\n"));
        assert!(s.contains("DTSTART:20270115T080000Z\r\n"));
        assert!(s.contains("SUMMARY:Avtale (Benk): hjemmebesøk\r\n"));
        assert!(s.contains("LOCATION:Storgata 1\\, 2. etg\r\n"));
        assert!(!s.replace("\r\n", "").contains('\n'));
    }
}
