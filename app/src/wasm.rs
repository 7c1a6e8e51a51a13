//! The matcher's entry points for JavaScript (browser build only). The page, a Web Worker and
//! the WASM/native equality test call these; the matcher itself knows nothing of the web.

use wasm_bindgen::prelude::*;

use crate::matcher::{self, MatchOptions};

/// Match a pair of image files' bytes; returns `{"ok": MatchResult}` or
/// `{"error": message, "error_code": code}` as JSON.
#[wasm_bindgen]
pub fn match_pair_json(registered: &[u8], questioned: &[u8]) -> String {
    let out = match matcher::match_pair(registered, questioned, &MatchOptions::default()) {
        Ok(r) => serde_json::json!({ "ok": r }),
        Err(e) => serde_json::json!({ "error": e.to_string(), "error_code": e.code() }),
    };
    out.to_string()
}
