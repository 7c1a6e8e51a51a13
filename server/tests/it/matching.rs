//! `yinjian match` and `yinjian match-batch` on the shipped development pairs.

use std::process::Command;

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/matcher/tests/fixtures/seal")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// `yinjian match` on two fixture files (paths relative to the fixtures folder `f`).
fn match_fixtures(f: &std::path::Path, registered: &str, questioned: &str) -> (i32, String, String) {
    let (r, q) = (f.join(registered), f.join(questioned));
    run(&["match", "--registered", r.to_str().unwrap(), "--questioned", q.to_str().unwrap()])
}

#[test]
fn match_prints_one_json_object() {
    let f = fixtures();
    let (code, out, err) = match_fixtures(&f, "registered/r0004.png", "questioned/q0037.jpg");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    for k in [
        "score",
        "band",
        "rotation_deg",
        "scale",
        "center_x",
        "center_y",
        "registered_quality",
        "questioned_unclear",
        "elapsed_ms",
    ] {
        assert!(v.get(k).is_some(), "{k} missing from {v}");
    }
    assert_eq!(v["questioned_unclear"], serde_json::json!([]), "a clear impression: {v}");
    let rot = v["rotation_deg"].as_f64().unwrap();
    assert!(rot > -180.0 && rot <= 180.0);
    assert!((rot.abs() - 179.3).abs() < 1.0, "rotation {rot}");

    // the same scan under black print: 印文不清, so review and the reason, never 不符
    let (code, out, err) = match_fixtures(&f, "registered/r0004.png", "demo/q0037_print.jpg");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["questioned_unclear"], serde_json::json!(["occluded"]), "{v}");
    assert_eq!(v["band"], "review", "{v}");

    let (code, out, _) = run(&["match", "--registered", "/nonexistent.png", "--questioned", "/nonexistent.jpg"]);
    assert_ne!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v.get("error").is_some() && v.get("score").is_none());
}

#[test]
fn match_batch_keeps_order_and_survives_bad_pairs() {
    let f = fixtures();
    let (code, out, err) = run(&["match-batch", f.join("pairs.csv").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = lines.iter().map(|v| v["pair_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["p0037", "p0002", "p0016", "p0005", "p0004", "p0001", "p0000", "p0003"]);
    assert!(lines.iter().all(|v| v["score"].is_number()));

    // labels are never read: a CSV with only the three columns, a missing file and garbage
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("junk.png"), b"not an image").unwrap();
    std::fs::copy(f.join("registered/r0053.png"), dir.path().join("r.png")).unwrap();
    std::fs::copy(f.join("questioned/q0002.jpg"), dir.path().join("q.jpg")).unwrap();
    std::fs::write(
        dir.path().join("pairs.csv"),
        "questioned,pair_id,registered\nq.jpg,a,missing.png\nq.jpg,b,junk.png\nq.jpg,c,r.png\n",
    )
    .unwrap();
    let (code, out, err) = run(&["match-batch", dir.path().join("pairs.csv").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["pair_id"], "a");
    assert!(lines[0]["error"].is_string() && lines[0].get("score").is_none());
    assert_eq!(lines[1]["error_code"], "unsupported_format");
    assert_eq!(lines[2]["pair_id"], "c");
    assert!(lines[2]["score"].is_number());

    // --root
    let (code, out, _) = run(&["match-batch", dir.path().join("pairs.csv").to_str().unwrap(), "--root", "/"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 3);
}
