//! `yinjian seals import DIR`: bulk-load registered impressions from a CSV and image files.
//! Every row is checked (ID checksum, office, date, image scanned and checked by content)
//! before anything is written; one bad row imports nothing.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use app::domain::{NationalId, RocDate, UnitKind};
use app::server::{
    comparisons::assess,
    store::{NewSealVersion, SealReason},
    trail::{Outcome, TrailAction, TrailDraft},
    uploads::accept_image,
};

use crate::cli::CliResult;
use crate::config::{Common, SealsCommand};
use crate::setup;

#[derive(Debug, serde::Deserialize)]
struct Row {
    national_id: String,
    #[serde(default)]
    name: String,
    image: String,
    #[serde(default)]
    registered_on: String,
    office: String,
}

pub async fn run(common: &Common, cmd: &SealsCommand) -> CliResult {
    match cmd {
        SealsCommand::Import { dir, csv } => import(common, dir, csv).await,
    }
}

/// A path inside `dir` (no absolute paths, no `..`).
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel.trim());
    if rel.trim().is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return None;
    }
    Some(dir.join(p))
}

async fn import(common: &Common, dir: &Path, csv_name: &str) -> CliResult {
    let (store, _, _) = setup::open(&common.database_url(), &common.trail_key_file()).await?;
    app::server::seed::ensure_reference_data(store.as_ref()).await?;
    let scanner = common.scanner()?;
    let limits = common.upload_limits();
    let csv_path = dir.join(csv_name);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(&csv_path)
        .map_err(|e| format!("cannot read {}: {e}", csv_path.display()))?;

    let mut errors = Vec::new();
    let mut ready = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let id = match NationalId::parse(&row.national_id) {
            Ok(id) => id,
            Err(e) => {
                errors.push(format!("line {line}: national_id: {e}"));
                continue;
            }
        };
        let office = match store.unit_by_code(&row.office).await? {
            Some(u) if u.kind == UnitKind::HouseholdOffice => u,
            _ => {
                errors.push(format!(
                    "line {line}: office {:?} is not a household registration office code (HR-…)",
                    row.office
                ));
                continue;
            }
        };
        let registered_on = match row.registered_on.as_str() {
            "" => None,
            s => match RocDate::parse(s) {
                Ok(d) => Some(d.gregorian()),
                Err(e) => {
                    errors.push(format!("line {line}: registered_on: {e}"));
                    continue;
                }
            },
        };
        let Some(path) = inside(dir, &row.image) else {
            errors.push(format!(
                "line {line}: image path {:?} must be relative and stay inside {}",
                row.image,
                dir.display()
            ));
            continue;
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                errors.push(format!("line {line}: {}: {e}", path.display()));
                continue;
            }
        };
        let image = match accept_image(&scanner, limits, bytes).await {
            Ok(img) => img,
            Err(e) => {
                let why = app::i18n::problems::upload(&e, app::i18n::Locale::En);
                errors.push(format!("line {line}: {}: {why}", row.image));
                continue;
            }
        };
        let Some(quality) = assess(image.data.clone()).await else {
            errors.push(format!("line {line}: {}: no red seal impression found", row.image));
            continue;
        };
        let name = row.name.trim().to_string();
        ready.push((line, id, name, office.id, registered_on, image, quality == matcher::Quality::Unclear));
    }
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("{e}");
        }
        eprintln!("nothing imported: {} row(s) with errors", errors.len());
        return Ok(ExitCode::FAILURE);
    }
    let (mut added, mut skipped) = (0, 0);
    for (line, id, name, office_id, registered_on, image, unclear) in ready {
        let current = store.seal_versions(id.as_str()).await?.pop();
        if current.as_ref().is_some_and(|c| {
            c.image_sha256 == image.sha256 && c.registered_on == registered_on && c.office_unit_id == office_id
        }) {
            skipped += 1;
            continue;
        }
        let new = NewSealVersion {
            national_id: id.as_str().to_string(),
            person_name: (!name.is_empty()).then_some(name),
            image,
            registered_on,
            office_unit_id: office_id,
            reason: SealReason::Import,
            unclear,
            note: format!("匯入 {}:{line}", csv_path.file_name().and_then(|f| f.to_str()).unwrap_or("csv")),
            created_by: None,
            now: chrono::Utc::now(),
        };
        let mut draft = TrailDraft::new(TrailAction::SealVersionAdd, Outcome::Success).details(serde_json::json!({
            "via": "cli", "reason": "import", "os_user": std::env::var("USER").unwrap_or_default(),
            "sha256": new.image.sha256, "unclear": unclear,
        }));
        draft.subject_national_id = Some(id.as_str().to_string());
        let v = store.add_seal_version(&new, draft).await?;
        println!("{} version {}{}", id.masked(), v.version, if unclear { " (印模不清)" } else { "" });
        added += 1;
    }
    println!("imported {added} version(s); {skipped} unchanged row(s) skipped");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths_stay_inside_the_folder() {
        let d = Path::new("/data/import");
        assert_eq!(inside(d, "img/a.png"), Some(PathBuf::from("/data/import/img/a.png")));
        assert_eq!(inside(d, "../etc/passwd"), None);
        assert_eq!(inside(d, "/etc/passwd"), None);
        assert_eq!(inside(d, ""), None);
    }
}
