//! What went wrong, as data. Every refusal the API answers with [`crate::error::ApiError::Invalid`]
//! carries a `Problem`: the error enum of the use case that refused (its variants are what can go
//! wrong, never a sentence), rendered by `i18n` in the reader's language. Nothing is translated
//! back from a sentence.

use serde::{Deserialize, Serialize};

use super::admin::AdminError;
use super::audit_view::AuditError;
use super::auth::AuthProblem;
use super::calendar::CalendarError;
use super::comparison::ComparisonError;
use super::inbox::InboxError;
use super::liaison::LiaisonError;
use super::register::RegisterError;
use super::report_view::ReportError;
use super::request_view::RequestError;
use super::review_view::ReviewError;
use super::seal::SealError;
use super::security_view::SecurityError;
use super::upload::UploadError;
use super::{CaseNumberError, EmployeeNoError, NationalIdError, RocDateError};

/// A refusal, typed by the use case that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", content = "detail", rename_all = "snake_case")]
pub enum Problem {
    NationalId(NationalIdError),
    EmployeeNo(EmployeeNoError),
    CaseNumber(CaseNumberError),
    RocDate(RocDateError),
    /// The comparison use cases (`server::comparisons`).
    Comparison(ComparisonError),
    /// An uploaded image refused (liaison replies).
    Upload(UploadError),
    /// The registered-seal registry's use cases (`server::seals`).
    Seal(SealError),
    /// The working-time calendar's use cases (`server::calendar`).
    Calendar(CalendarError),
    /// The account register (`server::register`).
    Register(RegisterError),
    /// The monthly query report (`server::reports`).
    Report(ReportError),
    /// The account change requests and the manager's revocation (`server::requests`).
    Request(RequestError),
    /// The administrator's use cases (`server::admin`).
    Admin(AdminError),
    /// Sign-in and the password change (`server::auth`).
    Auth(AuthProblem),
    /// The liaison slips (`server::liaison`).
    Liaison(LiaisonError),
    /// The permission reviews and hand-overs (`server::reviews`).
    Review(ReviewError),
    /// The register of security duties (`server::security`).
    Security(SecurityError),
    /// The audits (`server::audits`).
    Audit(AuditError),
    /// Resuming and closing a look-up (`server::inbox`).
    Inbox(InboxError),
}

impl From<InboxError> for Problem {
    fn from(e: InboxError) -> Self {
        Problem::Inbox(e)
    }
}

impl From<AuditError> for Problem {
    fn from(e: AuditError) -> Self {
        Problem::Audit(e)
    }
}

impl From<RequestError> for Problem {
    fn from(e: RequestError) -> Self {
        Problem::Request(e)
    }
}

impl From<AdminError> for Problem {
    fn from(e: AdminError) -> Self {
        Problem::Admin(e)
    }
}

impl From<AuthProblem> for Problem {
    fn from(e: AuthProblem) -> Self {
        Problem::Auth(e)
    }
}

impl From<ReportError> for Problem {
    fn from(e: ReportError) -> Self {
        Problem::Report(e)
    }
}

impl From<NationalIdError> for Problem {
    fn from(e: NationalIdError) -> Self {
        Problem::NationalId(e)
    }
}

impl From<EmployeeNoError> for Problem {
    fn from(e: EmployeeNoError) -> Self {
        Problem::EmployeeNo(e)
    }
}

impl From<CaseNumberError> for Problem {
    fn from(e: CaseNumberError) -> Self {
        Problem::CaseNumber(e)
    }
}

impl From<RocDateError> for Problem {
    fn from(e: RocDateError) -> Self {
        Problem::RocDate(e)
    }
}

impl From<ComparisonError> for Problem {
    fn from(e: ComparisonError) -> Self {
        Problem::Comparison(e)
    }
}

impl From<UploadError> for Problem {
    fn from(e: UploadError) -> Self {
        Problem::Upload(e)
    }
}

impl From<SealError> for Problem {
    fn from(e: SealError) -> Self {
        Problem::Seal(e)
    }
}

impl From<CalendarError> for Problem {
    fn from(e: CalendarError) -> Self {
        Problem::Calendar(e)
    }
}

/// A use case that refuses nothing of its own.
impl From<std::convert::Infallible> for Problem {
    fn from(e: std::convert::Infallible) -> Self {
        match e {}
    }
}

impl From<RegisterError> for Problem {
    fn from(e: RegisterError) -> Self {
        Problem::Register(e)
    }
}

impl From<LiaisonError> for Problem {
    fn from(e: LiaisonError) -> Self {
        Problem::Liaison(e)
    }
}

impl From<ReviewError> for Problem {
    fn from(e: ReviewError) -> Self {
        Problem::Review(e)
    }
}

impl From<SecurityError> for Problem {
    fn from(e: SecurityError) -> Self {
        Problem::Security(e)
    }
}
