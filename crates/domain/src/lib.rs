//! Benk's domain: pure types and rules for integrated outreach teams, with no I/O.
//!
//! Every value from outside becomes one of these types at the edge ("parse, don't validate"):
//! each type's constructor is the only way in, and every error can explain itself in Norwegian
//! Bokmål or English through [`Localized`].

mod coded;

pub mod access;
pub mod client;
pub mod date_range;
pub mod lang;
pub mod national_id;
pub mod org_number;
pub mod staff;

#[cfg(test)]
mod test_support;

pub use access::{scope_for, Purpose, Scope};
pub use client::{
    BirthYear, BirthYearError, LongText, Municipality, MunicipalityError, PersonName,
    PersonNameError, Phone, PhoneError, ShortText, TextError,
};
pub use date_range::{Period, PeriodError};
pub use lang::{Lang, Localized};
pub use national_id::{NationalId, NationalIdError, NationalIdKind, UnsupportedIdKind};
pub use org_number::{OrgNumber, OrgNumberError};
pub use staff::{Fte, FteError, HprNumber, HprNumberError, OrgKind, Profession, TeamRole};
