//! Who is asking and in which language: the request context every handler extracts.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use benk_app::auth::Session;
use benk_app::{Actor, AppError, RequestMeta};
use benk_domain::Lang;

use crate::error::{ApiError, PageError};
use crate::i18n::{texts, Texts};
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "benk_session";
/// Name of the pre-login CSRF cookie (double submit on the login form).
pub const LOGIN_CSRF_COOKIE: &str = "benk_login_csrf";
/// Name of the language cookie for visitors who are not logged in.
pub const LANG_COOKIE: &str = "benk_lang";

/// The request context: language, origin, and (if any) the authenticated actor.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Language for this response.
    pub lang: Lang,
    /// IP and user agent, for the audit log.
    pub meta: RequestMeta,
    /// The acting staff member, when authenticated (and past the second factor).
    pub actor: Option<Actor>,
    /// The browser session, when there is one (also while TOTP is pending).
    pub session: Option<Session>,
    /// The raw session cookie value.
    pub session_token: Option<String>,
    /// Whether the request arrived over TLS (directly or via a proxy).
    pub secure: bool,
    /// Cookies.
    pub jar: CookieJar,
    /// Authenticated with a bearer token (API).
    pub via_token: bool,
}

/// Whether the peer that sent us this request is a proxy we trust.
fn peer_is_trusted(parts: &Parts, state: &AppState) -> bool {
    if !state.trust_proxy {
        return false;
    }
    match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(c) => state.trusted_proxies.is_empty() || state.trusted_proxies.is_trusted(c.0.ip()),
        // No socket (the in-process test router): nothing to check against.
        None => true,
    }
}

/// The client's address. Behind a trusted proxy it is the right-most hop of
/// `X-Forwarded-For` that is not itself a trusted proxy: every hop to its right
/// was added by a proxy we trust, while anything to its left was written by
/// the client and may be forged.
fn client_ip(parts: &Parts, state: &AppState) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !peer_is_trusted(parts, state) {
        return peer;
    }
    let hops: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // Garbage: the hop to its right (the last one we could trust) is the answer.
            break;
        };
        client = Some(ip);
        if !state.trusted_proxies.is_trusted(ip) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, optionally with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

fn meta_of(parts: &Parts, state: &AppState) -> RequestMeta {
    RequestMeta {
        ip: client_ip(parts, state).map(|ip| ip.to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// Whether the request reached us over TLS: `secure_cookies` says so, or a
/// trusted proxy says `X-Forwarded-Proto: https`.
pub fn is_secure(parts: &Parts, state: &AppState) -> bool {
    state.secure_cookies
        || peer_is_trusted(parts, state)
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https")
}

fn header_lang(headers: &HeaderMap, jar: &CookieJar) -> Lang {
    if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| Lang::from_tag(c.value())) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = header_lang(&parts.headers, &jar);
        let meta = meta_of(parts, state);
        let secure = is_secure(parts, state);
        let fail = |e: AppError| ApiError { err: e, lang }.into_response();
        let mut ctx = Ctx {
            lang,
            meta,
            actor: None,
            session: None,
            session_token: None,
            secure,
            jar,
            via_token: false,
        };

        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|s| s.trim().to_string());
        let staff = if let Some(token) = bearer {
            ctx.via_token = true;
            match benk_app::auth::token_staff(&state.app, &token)
                .await
                .map_err(fail)?
            {
                Some(s) => Some(s),
                None => return Err(fail(AppError::Unauthenticated)),
            }
        } else if let Some(token) = ctx.jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
            let s = benk_app::auth::session(&state.app, &token)
                .await
                .map_err(fail)?;
            ctx.session_token = Some(token);
            let staff = s.as_ref().filter(|s| !s.totp_pending).map(|s| s.staff_id);
            ctx.session = s;
            staff
        } else {
            None
        };
        if let Some(staff) = staff {
            ctx.actor = benk_app::staff::load_actor(&state.app, staff, ctx.meta.clone())
                .await
                .map_err(fail)?;
            if let Some(l) = ctx.actor.as_ref().and_then(|a| a.lang()) {
                ctx.lang = l;
            }
        }
        Ok(ctx)
    }
}

impl Ctx {
    /// The interface texts.
    pub fn t(&self) -> &'static Texts {
        texts(self.lang)
    }

    /// The actor behind a bearer token, or the API's 401. The API does not
    /// accept the browser's session cookie, so no API call can be forged cross-site.
    pub fn api_actor(&self) -> Result<&Actor, ApiError> {
        match &self.actor {
            Some(a) if self.via_token => Ok(a),
            _ => Err(ApiError {
                err: AppError::Unauthenticated,
                lang: self.lang,
            }),
        }
    }

    /// The actor, or a redirect to the login page (or the second-factor step).
    pub fn page_actor(&self) -> Result<&Actor, Response> {
        match (&self.actor, &self.session) {
            (Some(a), _) if !self.via_token => Ok(a),
            (None, Some(s)) if s.totp_pending => Err(Redirect::to("/login/totp").into_response()),
            _ => Err(Redirect::to("/login").into_response()),
        }
    }

    /// Maps an app error to the API's JSON error.
    pub fn api_err(&self, err: AppError) -> ApiError {
        ApiError {
            err,
            lang: self.lang,
        }
    }

    /// Maps an app error to an HTML error page.
    pub fn page_err(&self, err: AppError) -> Response {
        PageError {
            err,
            lang: self.lang,
        }
        .into_response()
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), Response> {
        let expected = self
            .session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or_default();
        if !expected.is_empty() && constant_time_eq(expected.as_bytes(), token.as_bytes()) {
            Ok(())
        } else {
            Err(self.page_err(AppError::Forbidden(benk_app::Text::new(
                "Skjemaet var utløpt eller ugyldig (CSRF). Last siden på nytt og prøv igjen.",
                "The form had expired or was invalid (CSRF). Reload the page and try again.",
            ))))
        }
    }

    /// The session's CSRF token, for forms.
    pub fn csrf(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default()
    }

    /// A cookie with Benk's attributes: HttpOnly, SameSite=Lax, Secure behind TLS.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        let mut c = Cookie::new(name, value);
        c.set_http_only(true);
        c.set_same_site(SameSite::Lax);
        c.set_path("/");
        c.set_secure(self.secure);
        c
    }
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The reverse proxies whose `X-Forwarded-*` headers are believed, as addresses
/// or CIDR ranges. Empty means "only the peer itself" (when `trust_proxy` is on).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a list like `10.0.0.5, 192.168.0.0/16, fd00::/8`.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut out = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, prefix) = match item.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (item, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("{item:?} is not an IP address or CIDR range"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| format!("{item:?} has an invalid prefix length"))?,
                None => max,
            };
            out.push((ip, prefix));
        }
        Ok(TrustedProxies(out))
    }

    /// No list was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an address is one of the trusted proxies.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|(net, prefix)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;

    #[test]
    fn trusted_proxies_match_addresses_and_ranges() {
        let t = TrustedProxies::parse("10.0.0.5, 192.168.0.0/16, fd00::/8").unwrap();
        assert!(t.is_trusted("10.0.0.5".parse().unwrap()));
        assert!(!t.is_trusted("10.0.0.6".parse().unwrap()));
        assert!(t.is_trusted("192.168.44.1".parse().unwrap()));
        assert!(t.is_trusted("::ffff:192.168.1.1".parse().unwrap()));
        assert!(t.is_trusted("fd12::1".parse().unwrap()));
        assert!(!t.is_trusted("2001:db8::1".parse().unwrap()));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .is_trusted("8.8.8.8".parse().unwrap()));
    }
}
