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
    #[error("請先登入")]
    NotSignedIn,
    #[error("請先變更密碼")]
    PasswordChangeRequired,
    #[error("您沒有執行此操作的權限")]
    Forbidden,
    #[error("員工編號或密碼錯誤")]
    BadCredentials,
    #[error("帳號已鎖定，請於 {0} 後再試")]
    Locked(String),
    #[error("嘗試次數過多，請稍後再試")]
    RateLimited,
    #[error("{}", crate::i18n::problems::problem_text(.0, Locale::ZhTw))]
    Invalid(Problem),
    #[error("找不到資料")]
    NotFound,
    #[error("系統發生錯誤，請稍後再試")]
    Internal,
    #[error("連線或格式錯誤：{0}")]
    ServerFn(ServerFnErrorErr),
}

impl ApiError {
    pub fn en(&self) -> String {
        match self {
            Self::NotSignedIn => "Please sign in".into(),
            Self::PasswordChangeRequired => "Please change your password first".into(),
            Self::Forbidden => "You are not allowed to do this".into(),
            Self::BadCredentials => "Wrong employee number or password".into(),
            Self::Locked(t) => format!("Account locked; try again after {t}"),
            Self::RateLimited => "Too many attempts; try again later".into(),
            Self::Invalid(p) => crate::i18n::problems::problem_text(p, Locale::En),
            Self::NotFound => "Not found".into(),
            Self::Internal => "Something went wrong; please try again".into(),
            Self::ServerFn(e) => format!("Connection or format error: {e}"),
        }
    }

    pub fn text(&self, locale: Locale) -> String {
        match locale {
            Locale::ZhTw => self.to_string(),
            Locale::En => self.en(),
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn => 401,
            Self::PasswordChangeRequired | Self::Forbidden => 403,
            Self::BadCredentials | Self::Invalid(_) => 400,
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
