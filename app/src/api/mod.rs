//! Server functions: the system's API. Every endpoint has an explicit, stable path under
//! `/api/` and an entry in the policy table (`server::authz::POLICY`); the server refuses any
//! endpoint without one. An api function is an adapter: guard, parse, one call into `server`,
//! map the error. `api` depends on `server`, never the reverse.

pub mod accounts;
pub mod admin;
pub mod audits;
pub mod auth;
pub mod calendar;
pub mod comparisons;
pub mod liaison;
pub mod register;
pub mod reports;
pub mod reviews;
pub mod seals;
pub mod security;
pub mod system;
pub mod trail;
pub mod work;

#[cfg(feature = "ssr")]
pub use crate::error::internal;
pub use crate::error::ApiError;

#[cfg(feature = "ssr")]
pub use guard::*;

#[cfg(feature = "ssr")]
mod guard {
    use super::ApiError;
    use crate::server::{auth::Actor, authz, AppState, ClientIp};
    use leptos::prelude::*;

    /// Marker the server's authorisation middleware leaves on a request it has checked.
    #[derive(Clone, Debug)]
    pub struct Authorized {
        pub path: String,
        pub actor: Option<Actor>,
    }

    /// The request context an api function needs.
    pub struct Ctx {
        pub state: AppState,
        pub session: tower_sessions::Session,
        pub ip: Option<std::net::IpAddr>,
        pub actor: Option<Actor>,
        /// The session's stored idle deadline, on the background calls' router only.
        pub deadline: Option<crate::server::auth::SessionDeadline>,
    }

    impl Ctx {
        pub fn ip_string(&self) -> Option<String> {
            self.ip.map(|i| i.to_string())
        }
        /// The caller, for endpoints that are not public.
        pub fn actor(&self) -> Result<&Actor, ApiError> {
            self.actor.as_ref().ok_or(ApiError::NotSignedIn)
        }
        /// The caller as the use cases in `server/` take it.
        pub fn caller(&self) -> Result<crate::server::caller::Caller, ApiError> {
            Ok(crate::server::caller::Caller::new(self.actor()?.clone(), self.ip))
        }
    }

    /// Begin every api function with this: authorises the caller for `path` (reusing the
    /// middleware's decision when it made one) and returns what the function needs.
    pub async fn guard(path: &str) -> Result<Ctx, ApiError> {
        let parts: http::request::Parts = use_context().ok_or(ApiError::Internal)?;
        let state: AppState = use_context().ok_or(ApiError::Internal)?;
        let session = parts.extensions.get::<tower_sessions::Session>().cloned().ok_or(ApiError::Internal)?;
        let ip = parts.extensions.get::<ClientIp>().map(|c| c.0);
        let actor = match parts.extensions.get::<Authorized>() {
            Some(a) if a.path == path => a.actor.clone(),
            _ => authz::authorize(&state, &session, path, ip).await?,
        };
        let deadline = parts.extensions.get::<crate::server::auth::SessionDeadline>().copied();
        Ok(Ctx { state, session, ip, actor, deadline })
    }
}

/// The ratchet of #38, now closed: every file of `api/` is guard → parse → one call into
/// `server/` → the failure mapped — no store call, no trail row, no denial written, no zh-TW
/// sentence (this file is read too, past the test's own list of what it looks for).
#[cfg(all(test, feature = "ssr"))]
mod thin {
    use crate::server::no_words_here::files;

    #[test]
    fn every_api_function_only_calls_its_use_case() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
        let mut all = Vec::new();
        files(&dir, &mut all);
        assert!(all.len() >= 20, "the walk found only {} files", all.len());
        for path in all {
            let mut src = std::fs::read_to_string(&path).unwrap();
            if path.ends_with("api/mod.rs") {
                src.truncate(src.find("mod thin {").unwrap());
            }
            let file = path.strip_prefix(&dir).unwrap().display();
            for forbidden in ["store.", "append_trail", "authz::deny", ".trail("] {
                assert!(!src.contains(forbidden), "api/{file} has `{forbidden}`: move it into its use case in server/");
            }
            let zh = src
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .find(|l| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            assert!(zh.is_none(), "api/{file} has a zh-TW sentence (words belong in i18n/): {zh:?}");
        }
    }
}
