//! The use-case layer's error type. The web layer maps it to HTTP in one place.

use benk_domain::{Lang, Localized};

use crate::db::writer::WriteError;

/// A message in both of Benk's languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Text {
    /// Norwegian Bokmål.
    pub nb: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A message given in both languages.
    pub fn new(nb: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            nb: nb.into(),
            en: en.into(),
        }
    }
    /// The message in one language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::En => &self.en,
        }
    }
    /// Both languages of a domain error.
    pub fn of(e: &dyn Localized) -> Text {
        Text {
            nb: e.message(Lang::Nb),
            en: e.message(Lang::En),
        }
    }
}

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name as the client sent it.
    pub field: String,
    /// Stable machine code.
    pub code: String,
    /// Human message.
    pub message: Text,
}

impl FieldError {
    /// From a domain validation error.
    pub fn of(field: &str, e: &dyn Localized) -> FieldError {
        FieldError {
            field: field.into(),
            code: e.code().into(),
            message: Text::of(e),
        }
    }
    /// A field error with its own words.
    pub fn new(field: &str, code: &str, nb: &str, en: &str) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: Text::new(nb, en),
        }
    }
    /// The common "is required" error.
    pub fn required(field: &str) -> FieldError {
        FieldError::new(
            field,
            "required",
            "Feltet må fylles ut.",
            "This field is required.",
        )
    }
}

/// Collects field errors while parsing a form or JSON body.
#[derive(Debug, Default)]
pub struct Fields(pub Vec<FieldError>);

impl Fields {
    /// Keeps the value or records the error for `field`.
    pub fn check<T, E: Localized>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError::of(field, &e));
                None
            }
        }
    }
    /// Adds an error.
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    /// Err if any field failed.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not logged in, or the credentials are wrong.
    #[error("unauthenticated")]
    Unauthenticated,
    /// The account is locked after repeated failed logins.
    #[error("locked")]
    Locked {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: i64,
    },
    /// The server is at capacity for this kind of work (for example every
    /// password-hashing slot is taken); try again shortly.
    #[error("busy")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after_secs: i64,
    },
    /// Logged in, but not allowed; the attempt has been audited where it concerns a client.
    #[error("forbidden: {}", .0.en)]
    Forbidden(Text),
    /// No such thing (or not visible to the caller).
    #[error("not found")]
    NotFound,
    /// Input failed validation; nothing was stored.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Conflicts with existing data (for example a duplicate national id).
    #[error("conflict: {}", .0.en)]
    Conflict(Text),
    /// Internal failure; the message is for the log, never for the user.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// One field error.
    pub fn field(e: FieldError) -> AppError {
        AppError::Invalid(vec![e])
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<WriteError> for AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::NotFound => AppError::NotFound,
            WriteError::Conflict(m) => {
                // The driver's message names tables and constraints: log it, never show it.
                tracing::info!(detail = %m, "write refused: unique constraint");
                AppError::Conflict(Text::new("Dette finnes allerede.", "This already exists."))
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;
