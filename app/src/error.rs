//! The errors the API reports, shared by the browser and the server (server functions carry
//! them as JSON). Its own module so that `api` and `server` both depend on it and neither on
//! the other.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::domain::problem::Problem;
use crate::i18n::Locale;

/// Errors the API reports. A refusal of the input is [`ApiError::Invalid`] with its typed
/// [`Problem`] (`i18n::problems` renders it); [`ApiError::text`] gives any of them in the
/// reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("password change required")]
    PasswordChangeRequired,
    /// The notice on official use and personal data must be acknowledged first (五(二)1、九).
    #[error("acknowledgement of the notice required")]
    AcknowledgementRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("bad credentials")]
    BadCredentials,
    #[error("locked until {0}")]
    Locked(String),
    #[error("rate limited")]
    RateLimited,
    #[error("invalid: {}", crate::i18n::problems::problem_text(.0, Locale::En))]
    Invalid(Problem),
    #[error("not found")]
    NotFound,
    #[error("internal error")]
    Internal,
    #[error("server function: {0}")]
    ServerFn(ServerFnErrorErr),
}

impl ApiError {
    /// The error as the reader is told it (`i18n::problems::api_error` words it).
    pub fn text(&self, locale: Locale) -> String {
        crate::i18n::problems::api_error(self, locale)
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn => 401,
            Self::PasswordChangeRequired | Self::AcknowledgementRequired | Self::Forbidden => 403,
            Self::BadCredentials | Self::Invalid(_) => 400,
            // an input that does not read as the function's typed arguments
            Self::ServerFn(
                ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_),
            ) => 400,
            Self::Locked(_) => 423,
            Self::RateLimited => 429,
            Self::NotFound => 404,
            Self::Internal | Self::ServerFn(_) => 500,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }
}

/// A refusal of the input (`map_err(invalid)`).
pub fn invalid(p: impl Into<Problem>) -> ApiError {
    ApiError::Invalid(p.into())
}

/// Log the cause and answer with a generic error: internals never reach the browser.
#[cfg(feature = "ssr")]
pub fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "internal error in api function");
    ApiError::Internal
}
