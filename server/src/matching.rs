//! `yinjian match` and `yinjian match-batch`: the seal matcher from the command line, one JSON
//! object per pair. The same matcher runs in the browser (WASM) and re-verifies on the server.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use matcher::{self, MatchOptions};
use serde_json::{json, Map, Value};

/// Decode and match one pair; the JSON object the commands print (without `pair_id`).
pub fn match_files(registered: &Path, questioned: &Path, opts: &MatchOptions) -> Value {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let (reg, q) = match (read(registered), read(questioned)) {
        (Ok(r), Ok(q)) => (r, q),
        (Err(e), _) | (_, Err(e)) => return json!({ "error": e }),
    };
    let start = Instant::now();
    let result = matcher::match_pair(&reg, &q, opts);
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(r) => json!({
            "score": r.score,
            "band": r.band,
            "rotation_deg": r.rotation_deg,
            "scale": r.scale,
            "center_x": r.center_x,
            "center_y": r.center_y,
            "registered_quality": r.registered_quality,
            // why the questioned impression is too unclear for 不符 (印文不清); empty when clear
            "questioned_unclear": r.questioned_quality.reasons,
            // why a pair is left for review (待人工判斷), and what the printed-copy check saw
            "review_reasons": r.review_reasons,
            "printed": r.printed,
            "elapsed_ms": elapsed_ms,
        }),
        Err(e) => json!({ "error": e.to_string(), "error_code": e.code(), "elapsed_ms": elapsed_ms }),
    }
}

pub fn match_one(registered: &Path, questioned: &Path, opts: &MatchOptions) -> bool {
    let v = match_files(registered, questioned, opts);
    println!("{v}");
    v.get("error").is_none()
}

/// Read `pair_id, registered, questioned` (any other column is ignored, never read) and print
/// one JSON line per pair, in input order, flushing each line. One bad pair never stops the batch.
pub fn match_batch(pairs: &Path, root: Option<&Path>, opts: &MatchOptions) -> Result<usize, String> {
    let root: PathBuf = match root {
        Some(r) => r.to_path_buf(),
        None => pairs.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(pairs)
        .map_err(|e| format!("cannot read {}: {e}", pairs.display()))?;
    let headers = rdr.headers().map_err(|e| format!("{}: {e}", pairs.display()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or(format!("{}: no column {name}", pairs.display()))
    };
    let (id_col, reg_col, q_col) = (col("pair_id")?, col("registered")?, col("questioned")?);
    let stdout = std::io::stdout();
    let mut n = 0;
    for (i, rec) in rdr.records().enumerate() {
        let mut line = Map::new();
        let value = match rec {
            Ok(rec) => {
                let field = |c: usize| rec.get(c).map(str::trim).unwrap_or_default().to_string();
                line.insert("pair_id".into(), Value::String(field(id_col)));
                let (r, q) = (field(reg_col), field(q_col));
                if r.is_empty() || q.is_empty() {
                    json!({ "error": format!("row {}: registered or questioned path is empty", i + 2) })
                } else {
                    match_files(&root.join(r), &root.join(q), opts)
                }
            }
            Err(e) => {
                line.insert("pair_id".into(), Value::Null);
                json!({ "error": format!("row {}: {e}", i + 2) })
            }
        };
        if let Value::Object(m) = value {
            line.extend(m);
        }
        let mut out = stdout.lock();
        let _ = writeln!(out, "{}", Value::Object(line));
        let _ = out.flush();
        n += 1;
    }
    Ok(n)
}
