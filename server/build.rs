//! The commit the server is built from, for `yinjian --version` and the update records
//! (附件三 3(6)). `YINJIAN_GIT_COMMIT` overrides (a build without a checkout).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=YINJIAN_GIT_COMMIT");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for f in [".git/HEAD", ".git/index", ".git/refs/heads"] {
        let p = format!("{root}/{f}");
        if std::path::Path::new(&p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    let commit = std::env::var("YINJIAN_GIT_COMMIT").ok().filter(|c| !c.is_empty()).unwrap_or_else(|| {
        let git = |args: &[&str]| {
            Command::new("git")
                .args(args)
                .current_dir(root)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        match git(&["rev-parse", "--short=12", "HEAD"]) {
            Some(c) => {
                let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
                if dirty {
                    format!("{c}-dirty")
                } else {
                    c
                }
            }
            None => "unknown".into(),
        }
    });
    println!("cargo:rustc-env=YINJIAN_GIT_COMMIT={commit}");
}
