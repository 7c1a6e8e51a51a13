//! Audits (七(二)): the monthly internal audit by the unit's own auditor and the external team's
//! quarterly office audit, both on 附件二 with a drawn sample; the half-yearly vendor audit on
//! 附件三; the external schedule; referrals of a 不符 to the Ethics Office (七(三)) and vendors'
//! follow-ups. Answers are saved one by one as they are given, until the auditor signs.
//!
//! Each function is guard → parse → one call into `server::audits` → the failure mapped; who
//! may do what is decided there.

pub use super::register::ExportFile;
use super::ApiError;
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditKind, FollowupKind, FollowupStatus, Part, Slot};
pub use crate::domain::audit_view::{
    AnswerView, AuditSummary, AuditView, AuditsOverview, FollowupView, PreviousAudit, SampleLookup, SampleUser,
    ScheduleRow, SlotView,
};
use crate::domain::forms::internal_audit::AnswerInput;
use crate::domain::forms::vendor_audit::VendorAnswerInput;

mod export;
mod followups;
mod form;
mod record;
pub use export::*;
pub use followups::*;
pub use form::*;
pub use record::*;

/// A form's field errors as the audit's problem.
#[cfg(feature = "ssr")]
fn form_problem(errors: Vec<crate::domain::forms::FieldError>) -> ApiError {
    use crate::domain::audit_view::AuditError;
    crate::error::invalid(AuditError::Form { errors })
}
