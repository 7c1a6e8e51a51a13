//! Splits `frontend.wasm` (linked with `--emit-relocs`) at the application's lazy routes
//! (`#[lazy_route]`, `#[lazy]`): the main module, which wasm-bindgen then processes, one
//! `split_*.wasm` per lazy function and `chunk_*.wasm` for code several of them share, the link
//! module `__wasm_split.______________________.js` that loads them, and
//! `__wasm_split_manifest.json` (split name → the files it needs), which the server reads to
//! preload the current route's chunks. The same steps as `cargo leptos build --split`.
//!
//! Usage: yinjian-wasm-split IN.wasm MAIN_OUT.wasm PKG_DIR
//! (the link module imports the main module as `./yinjian.js`; `frontend/fingerprint.mjs`
//! points it at the fingerprinted name)

use std::{path::PathBuf, process::ExitCode};

/// The name Leptos's hydration script expects while `hash_files` is off (22 underscores: the
/// same length as a hash, so a fingerprinting step could patch it in place).
const LINK_NAME: &str = "./__wasm_split.______________________.js";
const MAIN_MODULE: &str = "./yinjian.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, main_out, pkg] = args.as_slice() else {
        eprintln!("usage: yinjian-wasm-split IN.wasm MAIN_OUT.wasm PKG_DIR");
        return ExitCode::from(2);
    };
    match run(input.into(), main_out.into(), pkg.into()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("yinjian-wasm-split: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: PathBuf, main_out: PathBuf, pkg: PathBuf) -> eyre::Result<()> {
    let wasm = std::fs::read(&input).map_err(|e| eyre::eyre!("{}: {e}", input.display()))?;
    std::fs::create_dir_all(&pkg)?;
    // chunks of an earlier build must not linger
    for entry in std::fs::read_dir(&pkg)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm") {
            std::fs::remove_file(pkg.join(name))?;
        }
    }
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = &pkg;
    opts.main_out_path = &main_out;
    opts.main_module = MAIN_MODULE;
    opts.link_name = LINK_NAME;
    let out = wasm_split_cli_support::transform(opts)?;
    std::fs::write(pkg.join("__wasm_split_manifest.json"), serde_json::to_string_pretty(&out.prefetch_map)?)?;
    let routes = out.prefetch_map.len();
    println!(">> split at {routes} lazy functions into {} modules (split_*, chunk_*)", out.split_modules.len());
    Ok(())
}
