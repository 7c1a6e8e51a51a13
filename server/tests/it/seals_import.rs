//! `yinjian seals import DIR`: all rows checked before any is written; a repeat changes nothing.

use std::path::Path;

use server::config::{Common, SealsCommand};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/matcher/tests/fixtures/seal");

fn common(dir: &Path) -> Common {
    Common {
        database_url: Some(format!("sqlite://{}", dir.join("y.db").display())),
        data_dir: dir.to_path_buf(),
        trail_key_file: Some(dir.join("trail.key")),
        clamd: "off".into(),
        clamd_timeout_secs: 5,
        upload_max_kb: 10240,
        upload_max_megapixels: 40,
    }
}

async fn versions(c: &Common, id: &str) -> usize {
    let (store, _, _) = server::setup::open(&c.database_url(), &c.trail_key_file()).await.unwrap();
    store.seal_versions(id).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_checks_every_row_first_and_is_repeatable() {
    let db_dir = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir(src.path().join("img")).unwrap();
    std::fs::copy(format!("{FIX}/registered/r0004.png"), src.path().join("img/a.png")).unwrap();
    std::fs::copy(format!("{FIX}/registered/r0053.png"), src.path().join("img/b.png")).unwrap();
    std::fs::write(src.path().join("img/c.png"), b"not an image").unwrap();
    let c = common(db_dir.path());
    let cmd = SealsCommand::Import { dir: src.path().to_path_buf(), csv: "seals.csv".into() };

    // one bad row (an image that is not one) and one bad ID: nothing is imported
    std::fs::write(
        src.path().join("seals.csv"),
        "national_id,name,image,registered_on,office\n\
         A123456789,王大明,img/a.png,108/03/14,HR-DA\n\
         A223456781,林美華,img/c.png,,HR-DA\n\
         A123456788,錯誤,img/b.png,,HR-DA\n",
    )
    .unwrap();
    let code = server::seals_import::run(&c, &cmd).await.unwrap();
    assert_eq!(code, std::process::ExitCode::FAILURE);
    assert_eq!(versions(&c, "A123456789").await, 0);

    // all good: imported; a repeat skips the unchanged rows
    std::fs::write(
        src.path().join("seals.csv"),
        "national_id,name,image,registered_on,office\n\
         A123456789,王大明,img/a.png,108/03/14,HR-DA\n\
         A223456781,林美華,img/b.png,,HR-XY\n",
    )
    .unwrap();
    assert_eq!(server::seals_import::run(&c, &cmd).await.unwrap(), std::process::ExitCode::SUCCESS);
    assert_eq!(server::seals_import::run(&c, &cmd).await.unwrap(), std::process::ExitCode::SUCCESS);
    assert_eq!(versions(&c, "A123456789").await, 1);
    assert_eq!(versions(&c, "A223456781").await, 1);
    let (store, _, _) = server::setup::open(&c.database_url(), &c.trail_key_file()).await.unwrap();
    let v = store.seal_versions("A123456789").await.unwrap();
    assert_eq!(v[0].registered_on, chrono::NaiveDate::from_ymd_opt(2019, 3, 14));
    assert_eq!(v[0].reason, app::domain::seal::SealReason::Import);
    // the import is in the trail, and the chain holds
    assert!(store.recent_trail(50).await.unwrap().iter().any(|r| r.action == "seal.version.add"));
}
