//! 使用者帳號清冊: who sees which units, and the exports (CSV with a BOM, a real XLSX).

use crate::common::{TestApp, TestDb, PASSWORD};
use app::domain::Role;
use serde_json::Value;

async fn register_scope_and_exports(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app.account("M5001", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("C5001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C5002", vec![Role::Clerk], "LO-SS", false).await;
    app.account("A5001", vec![Role::Admin], "LA-IT", false).await;
    let manager = app.login("M5001", PASSWORD).await.unwrap();
    let r: Value =
        serde_json::from_str(&app.post("/api/accounts/register", "unit=0&status=all", Some(&manager)).await.body)
            .unwrap();
    let emps: Vec<&str> = r["rows"].as_array().unwrap().iter().map(|x| x["employee_no"].as_str().unwrap()).collect();
    assert!(emps.contains(&"C5001") && !emps.contains(&"C5002"), "{emps:?}");
    assert_eq!(r["bureau_wide"], false);
    // the unit's 前次盤點日期 (none signed yet)
    assert_eq!(r["last_reviews"], serde_json::json!([["臺北市大安地政事務所", null]]));
    // asking for another unit does not widen a manager's scope
    let ss = app.db.store.unit_by_code("LO-SS").await.unwrap().unwrap().id;
    let r: Value = serde_json::from_str(
        &app.post("/api/accounts/register", &format!("unit={ss}&status=all"), Some(&manager)).await.body,
    )
    .unwrap();
    assert!(r["rows"].as_array().unwrap().iter().all(|x| x["employee_no"] != "C5002"));
    // a clerk has no register
    let clerk = app.login("C5001", PASSWORD).await.unwrap();
    assert_eq!(app.post("/api/accounts/register", "unit=0&status=all", Some(&clerk)).await.status, 403);
    // the administrator sees the bureau
    let admin = app.login("A5001", PASSWORD).await.unwrap();
    let r: Value =
        serde_json::from_str(&app.post("/api/accounts/register", "unit=0&status=all", Some(&admin)).await.body)
            .unwrap();
    assert_eq!(r["bureau_wide"], true);
    assert_eq!(r["rows"].as_array().unwrap().len(), 4);

    use base64::Engine;
    let file = |body: &str| {
        let v: Value = serde_json::from_str(body).unwrap();
        base64::engine::general_purpose::STANDARD.decode(v["b64"].as_str().unwrap()).unwrap()
    };
    let csv =
        file(&app.post("/api/accounts/register/export", "unit=0&status=all&format=csv", Some(&manager)).await.body);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.starts_with("機關名稱,使用者姓名,員工編號,權限,生效日期,註銷日期,狀態,最後登入"));
    assert!(text.contains("C5001") && !text.contains("C5002"));
    let xlsx =
        file(&app.post("/api/accounts/register/export", "unit=0&status=active&format=xlsx", Some(&admin)).await.body);
    assert!(xlsx.starts_with(b"PK\x03\x04"), "an XLSX is a zip");
    assert!(xlsx.len() > 3000);
    assert_eq!(
        app.post("/api/accounts/register/export", "unit=0&status=all&format=pdf", Some(&admin)).await.status,
        400
    );
    let actions: Vec<String> = app.db.store.recent_trail(50).await.unwrap().into_iter().map(|r| r.action).collect();
    assert!(actions.iter().any(|a| a == "account.register.export"));
    app.db.close().await;
}

on_both!(register_scope_and_exports);
