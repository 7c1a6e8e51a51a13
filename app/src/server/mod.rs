//! Server-only code (feature `ssr`): what the api functions call. The store never touches
//! HTTP; the api layer decides who may do what.

pub mod acknowledgement;
pub mod admin;
pub mod audits;
pub mod auth;
pub mod authz;
pub mod calendar;
pub mod caller;
pub mod comparisons;
pub mod denials;
pub mod export;
pub mod inbox;
pub mod liaison;
pub mod lookups;
pub mod register;
pub mod reports;
pub mod requests;
pub mod reviews;
pub mod roles;
pub mod scan;
pub mod seals;
pub mod security;
pub mod seed;
pub mod state;
pub mod store;
pub mod system;
pub mod trail;
pub mod trail_read;
pub mod uploads;

pub use state::{AppState, AuthConfig, ClientIp, Clock};

#[cfg(test)]
pub(crate) mod no_words_here {
    /// Every `.rs` file below `dir` (also read by `api`'s ratchet).
    pub(crate) fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// Words a person reads live in `i18n/` (and the demo data in `seed.rs`): no zh-TW sentence
    /// in the use cases or the store, outside their tests and comments.
    #[test]
    fn no_words_here() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server");
        let mut all = Vec::new();
        files(&dir, &mut all);
        assert!(all.len() >= 40, "the walk found only {} files", all.len());
        for path in all {
            if path.ends_with("server/seed.rs") {
                continue;
            }
            let mut src = std::fs::read_to_string(&path).unwrap();
            let file = path.strip_prefix(&dir).unwrap().display();
            if let Some(at) = src.find("#[cfg(test)]") {
                // what follows is read as test code: one module at the end of the file
                let rest = src[at..].trim_start_matches("#[cfg(test)]\n");
                assert!(
                    rest.starts_with("mod ") || rest.starts_with("pub(crate) mod "),
                    "server/{file}: keep the tests in one module at the end"
                );
                src.truncate(at);
            }
            let zh = src
                .lines()
                .map(|l| l.trim_start())
                .filter(|l| !l.starts_with("//"))
                .map(|l| l.split(" // ").next().unwrap_or(l))
                .find(|l| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            assert!(zh.is_none(), "server/{file} has a zh-TW sentence (words belong in i18n/): {zh:?}");
        }
    }
}
