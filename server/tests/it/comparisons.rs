//! The comparison workspace end to end through the HTTP API, on both databases: the query is
//! recorded before the registered impression is shown; the server re-verifies the browser's
//! result; uploads are checked (size, type by content, malware via a real clamd) and a refused
//! upload stores nothing; who may query, upload and open records.

use crate::common;

use crate::common::{b64, fixture, query_body, TestApp, TestDb};
use app::domain::Role;
use app::server::uploads::UploadLimits;
use matcher::{self, MatchOptions};
use serde_json::{json, Value};

/// The demo person A123456789 has r0004.png; q0037.jpg is genuine, q0010.jpg a recarved copy.
const PERSON: &str = "A123456789";

fn query(id: &str) -> Value {
    query_body(serde_json::json!({
        "business_type": "land_registration", "case_year": "115", "case_word": "大安", "case_number": "001234",
        "case_free": "", "national_id": id, "person_name": "王大明"
    }))
}

/// The browser's result, computed the way the page's WASM does (same matcher, same inputs).
fn browser_result(questioned: &[u8]) -> Value {
    let r = matcher::match_pair(&fixture("registered/r0004.png"), questioned, &MatchOptions::default()).unwrap();
    json!({ "score": r.score, "band": r.band, "alignment": r.alignment, "manual": false })
}

fn submission(query_id: i64, questioned: &[u8], browser: Value, decision: &str, comment: &str) -> Value {
    json!({ "submission": {
        "query_id": query_id, "questioned_b64": b64(questioned), "browser": browser,
        "manual_alignment": null, "decision": decision, "comment": comment
    }})
}

/// Submit a comparison of `questioned` for the query, as the holder of `cookie`.
async fn submit(
    app: &TestApp,
    cookie: &str,
    query_id: i64,
    questioned: &[u8],
    browser: Value,
    decision: &str,
    comment: &str,
) -> common::Reply {
    app.post_submit(&submission(query_id, questioned, browser, decision, comment), Some(cookie)).await
}

async fn setup(db: TestDb, limits: UploadLimits, scanner: Option<app::server::scan::Scanner>) -> TestApp {
    let app = TestApp::with_state(db, Default::default(), move |s| {
        let s = s.with_upload_limits(limits);
        match scanner {
            Some(sc) => s.with_scanner(sc),
            None => s,
        }
    })
    .await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C1001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C1002", vec![Role::Clerk], "LO-DA", false).await;
    app.account("S1001", vec![Role::Supervisor], "LO-DA", false).await;
    app.account("C2001", vec![Role::Clerk], "LO-SS", false).await;
    app.account("H1001", vec![Role::HouseholdOffice], "HR-DA", false).await;
    app.account("H2001", vec![Role::HouseholdOffice], "HR-XY", false).await;
    app
}

async fn login(app: &TestApp, emp: &str) -> String {
    app.sign_in(emp).await
}

async fn start(app: &TestApp, cookie: &str, id: &str) -> Value {
    let r = app.post_json("/api/comparisons/start", &query(id), Some(cookie)).await;
    assert_eq!(r.status, 200, "start: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn count(db: &TestDb, table: &str) -> i64 {
    use app::server::store::Pool;
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match &db.pool {
        Pool::Sqlite(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
    }
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.db.store.recent_trail(500).await.unwrap().into_iter().map(|r| r.action).collect()
}

async fn query_then_compare(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;

    // the query is recorded (with its trail event) before the impression comes back
    let s = start(&app, &clerk, PERSON).await;
    let query_id = s["query_id"].as_i64().unwrap();
    assert_eq!(s["national_id_masked"], "A12****789");
    let seal = &s["seal"];
    assert_eq!(seal["version"], 1);
    assert_eq!(seal["office_name"], "臺北市大安區戶政事務所");
    let q = app.db.store.query(query_id).await.unwrap().unwrap();
    assert_eq!(q.national_id.as_str(), PERSON);
    assert_eq!(q.case_number, "115年大安字第001234號");
    assert_eq!(q.seal_version_id, seal["version_id"].as_i64());
    assert!(audit_actions(&app).await.contains(&"seal.query".to_string()));

    // a genuine scan: the server agrees with the browser; the record is stored
    let genuine = fixture("demo/q0037.jpg");
    let r = submit(&app, &clerk, query_id, &genuine, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 200, "submit: {}", r.body);
    let sub: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sub["server_band"], "consistent");
    assert_eq!(sub["discrepancy"], false);
    let id = sub["id"].as_i64().unwrap();
    let rec = app.db.store.comparison(id).await.unwrap().unwrap();
    assert_eq!(rec.decision, app::domain::Decision::Match);
    assert_eq!(rec.server_band, matcher::Band::Consistent);
    assert!((rec.server_score - rec.browser_score).abs() < 1e-9, "same matcher, same inputs");
    // both images are in the database, by SHA-256
    let q_img = app.db.store.image(&rec.questioned_sha256).await.unwrap().unwrap();
    assert_eq!(q_img.data, genuine);

    // once submitted, the query cannot be submitted again; the record is never edited
    let again = submit(&app, &clerk, query_id, &genuine, browser_result(&genuine), "mismatch", "x").await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(app.db.try_exec(&format!("UPDATE comparison SET decision = 'mismatch' WHERE id = {id}")).await.is_err());
    assert!(app.db.try_exec(&format!("DELETE FROM comparison WHERE id = {id}")).await.is_err());

    // the record reads back in full; printing and annotating are recorded
    let d = app.post("/api/comparisons/get", &format!("id={id}"), Some(&clerk)).await;
    assert_eq!(d.status, 200, "{}", d.body);
    let detail: Value = serde_json::from_str(&d.body).unwrap();
    assert!(detail["overlay_png_b64"].as_str().is_some_and(|s| s.len() > 100));
    assert_eq!(detail["summary"]["case_number"], "115年大安字第001234號");
    assert_eq!(detail["questioned_unclear"], json!([]), "a clear scan has no 印文不清 reason");
    assert_eq!(detail["registered_unclear"], false);
    assert_eq!(app.post("/api/comparisons/printed", &format!("id={id}"), Some(&clerk)).await.status, 200);
    assert_eq!(
        app.post("/api/comparisons/annotate", &format!("id={id}&text=%E5%B7%B2%E9%99%84%E5%8D%B7"), Some(&clerk))
            .await
            .status,
        200
    );
    let notes = app.db.store.comparison_notes(id).await.unwrap();
    assert_eq!(notes.iter().map(|n| n.kind.code()).collect::<Vec<_>>(), ["printed", "note"]);
    let actions = audit_actions(&app).await;
    for a in ["comparison.submit", "comparison.view", "comparison.print", "comparison.annotate"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from the audit trail");
    }
    // retention (八(五)): the record's other parts are never deleted or changed either
    for sql in [
        "DELETE FROM seal_query",
        "UPDATE seal_query SET case_number = 'x'",
        "DELETE FROM comparison_note",
        "UPDATE comparison_note SET text = 'x'",
        "DELETE FROM image_blob",
        "UPDATE image_blob SET media_type = 'x'",
    ] {
        assert!(app.db.try_exec(sql).await.is_err(), "{sql} must be refused");
    }
    if app.db.store.backend() == app::server::store::Backend::Postgres {
        for t in ["seal_query", "comparison", "comparison_note", "image_blob", "seal_version", "trail_event"] {
            assert!(app.db.try_exec(&format!("TRUNCATE {t} CASCADE")).await.is_err(), "TRUNCATE {t} must be refused");
        }
    }
    // the administrator's retention report counts them; nothing is past five years yet
    app.account("A1001", vec![Role::Admin], "LA-IT", false).await;
    let admin = login(&app, "A1001").await;
    assert_eq!(app.post("/api/admin/retention", "", Some(&clerk)).await.status, 403);
    let r = app.post("/api/admin/retention", "", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rows: Value = serde_json::from_str(&r.body).unwrap();
    let row = |t: &str| rows.as_array().unwrap().iter().find(|x| x["table"] == t).cloned().unwrap();
    for t in ["trail_event", "seal_query", "comparison", "comparison_note", "seal_version", "image_blob"] {
        assert!(row(t)["total"].as_i64().unwrap() > 0, "{t}");
        assert_eq!(row(t)["older"], 0, "{t}");
        assert!(row(t)["oldest"].is_string(), "{t}");
    }
    assert_eq!(row("comparison")["total"], 1);
    assert_eq!(row("liaison_slip")["total"], 0);

    // the verification code finds it
    let v = app
        .post("/api/comparisons/verify", &format!("code={}", rec.verification_code.to_lowercase()), Some(&clerk))
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    // another unit's clerk learns nothing of it (as for an unknown code), and it is recorded
    let stranger = login(&app, "C2001").await;
    let v = app.post("/api/comparisons/verify", &format!("code={}", rec.verification_code), Some(&stranger)).await;
    assert_eq!(v.status, 404, "{}", v.body);
    assert!(!v.body.contains("A12") && !v.body.contains(&rec.case_number), "{}", v.body);
    assert!(app.db.store.recent_trail(20).await.unwrap().iter().any(|e| e.details.contains("not_record_reader")));
    // and guessing codes is throttled (45 tries: however a minute's edge splits them, one
    // window has more than 20)
    let mut statuses = Vec::new();
    for i in 0..45 {
        statuses.push(app.post("/api/comparisons/verify", &format!("code=AAAAA-{i:05}"), Some(&stranger)).await.status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");

    // a forged scan is not 相符
    let s2 = start(&app, &clerk, PERSON).await;
    let forged = fixture("demo/q0010.jpg");
    let r =
        submit(&app, &clerk, s2["query_id"].as_i64().unwrap(), &forged, browser_result(&forged), "mismatch", "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sub: Value = serde_json::from_str(&r.body).unwrap();
    assert_ne!(sub["server_band"], "consistent");

    // history: own for a clerk, the unit's for the supervisor; another clerk cannot open it
    let mine: Value =
        serde_json::from_str(&app.post("/api/comparisons/list", "scope=mine", Some(&clerk)).await.body).unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 2);
    assert_eq!(mine[0]["national_id_masked"], "A12****789");
    let other = login(&app, "C1002").await;
    let theirs: Value =
        serde_json::from_str(&app.post("/api/comparisons/list", "scope=mine", Some(&other)).await.body).unwrap();
    assert!(theirs.as_array().unwrap().is_empty());
    assert_eq!(app.post("/api/comparisons/get", &format!("id={id}"), Some(&other)).await.status, 403);
    assert_eq!(app.post("/api/comparisons/list", "scope=unit", Some(&other)).await.status, 403);
    let sup = login(&app, "S1001").await;
    let unit: Value =
        serde_json::from_str(&app.post("/api/comparisons/list", "scope=unit", Some(&sup)).await.body).unwrap();
    assert_eq!(unit.as_array().unwrap().len(), 2);
    assert_eq!(app.post("/api/comparisons/get", &format!("id={id}"), Some(&sup)).await.status, 200);
    let far = login(&app, "C2001").await;
    assert_eq!(app.post("/api/comparisons/get", &format!("id={id}"), Some(&far)).await.status, 403);
    // nor submit on someone else's query
    let s3 = start(&app, &clerk, PERSON).await;
    let r =
        submit(&app, &other, s3["query_id"].as_i64().unwrap(), &genuine, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 403, "{}", r.body);
    app.db.close().await;
}

/// A genuine seal under black print: the server calls it 待人工判斷 (never 不符) and the record
/// keeps why (印文不清, occluded), in the stored result, the audit trail and the record's read;
/// a record against an unclear registered impression says 印模不清.
async fn an_unclear_scan_is_recorded_with_its_reason(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, PERSON).await;
    let printed = fixture("demo/q0037_print.jpg");
    let r =
        submit(&app, &clerk, s["query_id"].as_i64().unwrap(), &printed, browser_result(&printed), "contact_office", "")
            .await;
    assert_eq!(r.status, 200, "submit: {}", r.body);
    let sub: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sub["server_band"], "review", "{sub}");
    let id = sub["id"].as_i64().unwrap();
    let rec = app.db.store.comparison(id).await.unwrap().unwrap();
    let stored = serde_json::to_value(&rec.server).unwrap();
    assert_eq!(stored["questioned_quality"]["reasons"], json!(["occluded"]), "{stored}");
    assert!(stored["questioned_quality"]["occluded_share"].as_f64().unwrap() > 0.2, "{stored}");
    let event = app.db.store.recent_trail(50).await.unwrap().into_iter().find(|e| e.action == "comparison.submit");
    let details: Value = serde_json::from_str(&event.expect("comparison.submit in the trail").details).unwrap();
    assert_eq!(details["questioned_unclear"], json!(["occluded"]), "{details}");
    let d = app.post("/api/comparisons/get", &format!("id={id}"), Some(&clerk)).await;
    assert_eq!(d.status, 200, "{}", d.body);
    let detail: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(detail["questioned_unclear"], json!(["occluded"]), "{}", d.body);
    assert_eq!(detail["registered_unclear"], false);

    // 印模不清: the demo person A128603153 is registered from a blurred impression; the record
    // says so (the browser matched the sharp one here, so the discrepancy needs a comment)
    let s = start(&app, &clerk, "A128603153").await;
    assert_eq!(s["seal"]["unclear"], true, "{s}");
    let genuine = fixture("demo/q0037.jpg");
    let r = submit(
        &app,
        &clerk,
        s["query_id"].as_i64().unwrap(),
        &genuine,
        browser_result(&genuine),
        "contact_office",
        "印模不清",
    )
    .await;
    assert_eq!(r.status, 200, "submit: {}", r.body);
    let id = serde_json::from_str::<Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let d = app.post("/api/comparisons/get", &format!("id={id}"), Some(&clerk)).await;
    let detail: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(detail["registered_unclear"], true, "{}", d.body);
    assert_eq!(detail["questioned_unclear"], json!([]), "{}", d.body);
    app.db.close().await;
}

async fn no_seal_is_recorded_too(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, "C123456781").await;
    assert!(s["seal"].is_null());
    let q = app.db.store.query(s["query_id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert_eq!(q.seal_version_id, None);
    // the page sends the query it parsed; a body that is not a valid one (sent by anything but
    // the page) is refused field by field as it is read, and nothing is recorded
    let before = count(&app.db, "seal_query").await;
    let good = query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115",
        "case_word": "大安", "case_number": "001234", "national_id": PERSON, "person_name": "王大明" }));
    let forged = |field: &str, value: Value| {
        let mut b = good.clone();
        b["query"][field] = value;
        b
    };
    for (bad, why) in [
        (forged("national_id", json!("A123456788")), "check digit"),
        (forged("national_id", json!("a12345678")), "1 letter and 9 digits"),
        (forged("business_type", json!("")), "unknown variant"),
        (forged("case_number", json!({ "Structured": { "year": 115, "word": "大安", "number": "12a" } })), "number"),
        (forged("case_number", json!({ "FreeForm": "" })), "empty"),
        (forged("person_name", json!("名".repeat(41))), "person_name"),
        (forged("person_name", json!("王\u{7}明")), "person_name"),
    ] {
        let r = app.post_json("/api/comparisons/start", &bad, Some(&clerk)).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.message().starts_with("連線或格式錯誤") && r.body.contains(why), "{bad}: {}", r.body);
    }
    assert_eq!(count(&app.db, "seal_query").await, before);

    // the after-hours flag comes from the working-time calendar and is frozen on the query
    let today = app::domain::WorkCalendar::local_date(chrono::Utc::now());
    let holiday =
        app::domain::CalendarDay { date: today, kind: app::domain::DayKind::Holiday, name: "測試假日".into() };
    let d = app::server::trail::TrailDraft::new(
        app::server::trail::TrailAction::CalendarDaySet,
        app::server::trail::Outcome::Success,
    );
    app.db.store.set_calendar_day(&holiday, None, d).await.unwrap();
    let s = start(&app, &clerk, PERSON).await;
    assert_eq!(s["after_hours"], true);
    let q = app.db.store.query(s["query_id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert!(q.after_hours);
    app.db.close().await;
}

async fn discrepancy_needs_a_comment(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, PERSON).await;
    let qid = s["query_id"].as_i64().unwrap();
    let genuine = fixture("demo/q0037.jpg");
    let mut browser = browser_result(&genuine);
    browser["score"] = json!(0.5);
    browser["band"] = json!("review");
    let r = submit(&app, &clerk, qid, &genuine, browser.clone(), "match", "").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("不一致"), "{}", r.body);
    // the refusal travels as data: the bands and scores, no sentence
    use app::domain::{comparison::ComparisonError, Problem};
    match r.error() {
        Some(app::error::ApiError::Invalid(Problem::Comparison(ComparisonError::DiscrepancyNeedsComment {
            browser_band: matcher::Band::Review,
            browser_score,
            ..
        }))) => assert_eq!(browser_score, 0.5),
        other => panic!("{other:?}: {}", r.body),
    }
    assert!(!r.body.contains("不一致"), "{}", r.body);
    assert_eq!(count(&app.db, "comparison").await, 0);
    let r = submit(&app, &clerk, qid, &genuine, browser, "match", "瀏覽器版本舊").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sub: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sub["discrepancy"], true);
    app.db.close().await;
}

async fn bad_uploads_store_nothing(db: TestDb) {
    let limits = UploadLimits { max_bytes: 40 * 1024, ..UploadLimits::default() };
    let app = setup(db, limits, None).await;
    let clerk = login(&app, "C1001").await;
    let blobs = count(&app.db, "image_blob").await;
    let s = start(&app, &clerk, PERSON).await;
    let qid = s["query_id"].as_i64().unwrap();
    let genuine = fixture("demo/q0037.jpg"); // 33 KB: within the limit
    let big = fixture("demo/q0002.jpg"); // 62 KB: over it
    let r = submit(&app, &clerk, qid, &big, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("檔案過大"), "{}", r.body);
    // a PDF that holds no scan (and is cut off): refused as incomplete
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let r = submit(&app, &clerk, qid, &pdf, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("檔案不完整"), "{}", r.body);
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let r = submit(&app, &clerk, qid, &gif, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("不是 PNG、JPEG、TIFF"), "{}", r.body);
    assert_eq!(count(&app.db, "image_blob").await, blobs);
    assert_eq!(count(&app.db, "comparison").await, 0);
    assert!(audit_actions(&app).await.iter().filter(|a| *a == "comparison.upload_rejected").count() >= 3);
    app.db.close().await;
}

async fn who_may_query_and_upload(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    // household office staff cannot query
    let office = login(&app, "H1001").await;
    assert_eq!(app.post_json("/api/comparisons/start", &query(PERSON), Some(&office)).await.status, 403);
    // a clerk cannot upload registered impressions
    let clerk = login(&app, "C1001").await;
    let upload = |reason: &str| {
        json!({ "upload": { "national_id": PERSON, "person_name": "", "image_b64": b64(&fixture("registered/r0053.png")),
            "registered_on": "115/11/20", "reason": reason, "note": "重建" } })
    };
    assert_eq!(app.post_json("/api/seals/upload", &upload("rebuild"), Some(&clerk)).await.status, 403);
    // another district's office cannot rebuild; nothing changes
    let xinyi = login(&app, "H2001").await;
    let r = app.post_json("/api/seals/upload", &upload("rebuild"), Some(&xinyi)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(app.post("/api/seals/versions", &format!("national_id={PERSON}"), Some(&xinyi)).await.status, 403);
    assert_eq!(app.db.store.seal_versions(PERSON).await.unwrap().len(), 1);
    // the person's own office can: a new version, the old one kept
    let r = app.post_json("/api/seals/upload", &upload("rebuild"), Some(&office)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let versions = app.db.store.seal_versions(PERSON).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].reason, app::domain::seal::SealReason::Rebuild);
    assert_ne!(versions[0].image_sha256, versions[1].image_sha256);
    assert!(app.db.try_exec("UPDATE seal_version SET note = 'x'").await.is_err());
    let v: Value = serde_json::from_str(
        &app.post("/api/seals/versions", &format!("national_id={PERSON}"), Some(&office)).await.body,
    )
    .unwrap();
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
    // the next query shows the new version
    let s = start(&app, &clerk, PERSON).await;
    assert_eq!(s["seal"]["version"], 2);
    assert_eq!(s["seal"]["versions"], 2);
    assert_eq!(s["seal"]["unclear"], false);

    // an unclear rebuilt impression (heavily blurred) is flagged 印模不清 when shown
    let img = image::load_from_memory(&fixture("registered/r0004.png")).unwrap();
    let blurred = image::imageops::blur(&img.to_rgb8(), 6.0);
    let mut png = Vec::new();
    blurred.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let up = json!({ "upload": { "national_id": PERSON, "person_name": "", "image_b64": b64(&png),
        "registered_on": "", "reason": "rebuild", "note": "" } });
    let r = app.post_json("/api/seals/upload", &up, Some(&office)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = start(&app, &clerk, PERSON).await;
    assert_eq!(s["seal"]["version"], 3);
    assert_eq!(s["seal"]["unclear"], true, "a blurred impression is 印模不清");
    assert!(s["seal"]["registered_on"].is_null());
    // from that case, a liaison slip (附件一) to the registering office, filled in
    let qid = s["query_id"].as_i64().unwrap();
    let r = app.post("/api/liaison/form-data", &format!("query_id={qid}"), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let data: Value = serde_json::from_str(&r.body).unwrap();
    let slip = &data["input"];
    assert_eq!(slip["national_id"], PERSON);
    assert_eq!(slip["subject"], "unclear");
    assert_eq!(slip["seal_date"], "", "the registration date is blank");
    assert_eq!(slip["office"], "HR-DA");
    assert_eq!(slip["case_number"], "115年大安字第001234號");
    assert_eq!(data["sender_is_land_office"], true);
    assert_eq!(data["query_id"], qid);
    // only from one's own query
    let other = login(&app, "C1002").await;
    assert_eq!(app.post("/api/liaison/form-data", &format!("query_id={qid}"), Some(&other)).await.status, 403);
    assert!(audit_actions(&app).await.contains(&"liaison.prefill".to_string()));
    app.db.close().await;
}

/// Parallel submits of one query: one record, the others refused at once (no decode for them);
/// the database holds one comparison per query; an image that decodes to too many bytes is
/// refused from its header.
async fn one_record_per_query_and_bounded_decodes(db: TestDb) {
    let app = std::sync::Arc::new(setup(db, UploadLimits::default(), None).await);
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, PERSON).await;
    let qid = s["query_id"].as_i64().unwrap();
    let genuine = fixture("demo/q0037.jpg");
    let body = submission(qid, &genuine, browser_result(&genuine), "match", "");
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let (app, body, clerk) = (app.clone(), body.clone(), clerk.clone());
            tokio::spawn(async move { app.post_submit(&body, Some(&clerk)).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for r in runs {
        statuses.push(r.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [200, 400, 400, 400, 400, 400]);
    assert_eq!(count(&app.db, "comparison").await, 1);
    // below the API: the database refuses a second record for the query
    let dup = format!("INSERT INTO comparison SELECT * FROM comparison WHERE query_id = {qid}");
    assert!(app.db.try_exec(&dup).await.is_err(), "one comparison per query (UNIQUE)");
    // a 36 MP 16-bit RGBA PNG: within the pixel limit, 275 MB decoded: refused by its header
    let s = start(&app, &clerk, PERSON).await;
    let bomb =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/tests/fixtures/upload/rgba16-36mp.png")).unwrap();
    let r = submit(&app, &clerk, s["query_id"].as_i64().unwrap(), &bomb, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("解碼後過大"), "{}", r.body);
    assert!(app::server::comparisons::peak_decodes() <= app::server::comparisons::decode_slots());
}

/// Files as scanners make them (#36): a TIFF is judged by the pixels the matcher decodes — the
/// record keeps the file as uploaded beside the PNG of those pixels, says so, and carries the
/// review reasons and capture correction; a greyscale scan and a file cut off get their own
/// refusals, never a verdict, and store nothing.
async fn scanner_files_are_judged_and_kept(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;
    let tiff = fixture("formats/q0037_lzw.tif");
    let q = start(&app, &clerk, PERSON).await["query_id"].as_i64().unwrap();
    let r = submit(&app, &clerk, q, &tiff, browser_result(&tiff), "match", "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = serde_json::from_str::<Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let rec = app.post("/api/comparisons/get", &format!("id={id}"), Some(&clerk)).await;
    assert_eq!(rec.status, 200, "{}", rec.body);
    let d: Value = serde_json::from_str(&rec.body).unwrap();
    assert_eq!(d["questioned_media_type"], "image/png", "the record shows the pixels judged");
    assert_eq!(d["questioned_original"], "image/tiff");
    assert_eq!(d["summary"]["discrepancy"], false, "browser and server judged the same pixels");
    let stored = app.db.store.comparison(id).await.unwrap().unwrap();
    let server = serde_json::to_value(&stored.server).unwrap();
    let original = app.db.store.image(server["original"]["sha256"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(original.data, tiff, "the file as uploaded is kept");
    assert!(server["capture"].is_object() && server["review_reasons"].is_array(), "{server}");
    // a greyscale scan, a JPEG cut off half-way: refused with their own messages
    let before = count(&app.db, "comparison").await;
    for (file, says) in [
        ("formats/q0037_gray.jpg", "請以彩色掃描印文"),
        ("formats/q0037_bw_g4.tif", "請以彩色掃描印文"),
        ("formats/q0037_truncated.jpg", "檔案不完整"),
    ] {
        let bytes = fixture(file);
        let q = start(&app, &clerk, PERSON).await["query_id"].as_i64().unwrap();
        let browser = json!({ "score": 0.5, "band": "review", "alignment": { "rotation_deg": 0.0, "scale": 1.0, "tx": 0.0, "ty": 0.0 }, "manual": false });
        let r = submit(&app, &clerk, q, &bytes, browser, "match", "").await;
        assert_eq!(r.status, 400, "{file}: {}", r.body);
        assert!(r.message().contains(says), "{file}: {}", r.body);
    }
    assert_eq!(count(&app.db, "comparison").await, before, "no verdict recorded");
    app.db.close().await;
}

/// The registered impression is read from its query's URL (#38), not from the look-up's JSON:
/// the query's clerk gets the stored bytes in their stored type, never cached, with no trail row
/// of its own (the query's `seal.query` row records what was shown); whoever else asks — a
/// clerk of the same unit or another, a role that cannot open the query, nobody — is refused,
/// and each refusal of an account is a denial in the trail.
async fn the_registered_impression_is_served_to_the_querys_clerk_only(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;
    let r = app.post_json("/api/comparisons/start", &query(PERSON), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.len() < 2_000, "the look-up's answer carries no image: {} bytes", r.body.len());
    assert!(!r.body.contains("image_b64"), "{}", r.body);
    let s: Value = serde_json::from_str(&r.body).unwrap();
    let qid = s["query_id"].as_i64().unwrap();
    let url = format!("/api/comparisons/{qid}/registered.png");
    assert_eq!(s["seal"]["image_url"], url.as_str());
    assert_eq!(s["seal"]["media_type"], "image/png");
    let version = app.db.store.seal_version(s["seal"]["version_id"].as_i64().unwrap()).await.unwrap().unwrap();
    let stored = app.db.store.image(&version.image_sha256).await.unwrap().unwrap();

    let rows = app.db.store.trail_head().await.unwrap().0;
    let deadline = common::session_deadline(&app.db).await;
    let (ok, bytes) = app.get(&url, Some(&clerk)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // the look-up's first half saved the session; this half reads it and saves nothing (no
    // write, no fsync): the idle deadline stays where the look-up put it, and moves again with
    // the next request of the page
    assert_eq!(common::session_deadline(&app.db).await, deadline, "the image's GET did not save the session");
    assert!(!ok.headers.contains_key("set-cookie"), "no session cookie is set again");
    assert_eq!(bytes, stored.data, "the stored bytes, as they are");
    assert_eq!(ok.headers["content-type"], stored.media_type.as_str());
    assert_eq!(ok.headers["cache-control"], "private, no-store");
    assert_eq!(ok.headers["x-content-type-options"], "nosniff");
    assert_eq!(app.db.store.trail_head().await.unwrap().0, rows, "reading it again writes no row");
    assert_eq!(app.post("/api/auth/me", "", Some(&clerk)).await.status, 200);
    assert_ne!(common::session_deadline(&app.db).await, deadline, "another request saves it, as every request does");

    // refused, each with its denial row
    let denial = |reason: &'static str| {
        let app = &app;
        let url = url.clone();
        async move {
            let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
            assert_eq!(last.action, "authz.denied");
            let d: Value = serde_json::from_str(&last.details).unwrap();
            assert_eq!((d["path"].as_str(), d["reason"].as_str()), (Some(url.as_str()), Some(reason)));
        }
    };
    for (emp, reason) in [("C2001", "not_own_query"), ("C1002", "not_own_query"), ("S1001", "role"), ("H1001", "role")]
    {
        let who = login(&app, emp).await;
        let (r, bytes) = app.get(&url, Some(&who)).await;
        assert_eq!(r.status, 403, "{emp}: {}", r.body);
        assert!(bytes.len() < 200 && !bytes.starts_with(b"\x89PNG"), "{emp} got the image");
        denial(reason).await;
    }
    // an id that is no query: refused the same way (nobody learns which ids exist)
    let (r, _) = app.get(&format!("/api/comparisons/{}/registered.png", qid + 1000), Some(&clerk)).await;
    assert_eq!(r.status, 403);
    let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
    assert!(last.details.contains("no_such_query"), "{}", last.details);
    // nobody: 401; another method: 405 (before a session is read)
    assert_eq!(app.get(&url, None).await.0.status, 401);
    assert_eq!(app.post(&url, "", Some(&clerk)).await.status, 405);
    // a query answered without a seal has no image
    let none = start(&app, &clerk, "C123456781").await;
    let (r, _) = app.get(&format!("/api/comparisons/{}/registered.png", none["query_id"]), Some(&clerk)).await;
    assert_eq!(r.status, 404, "{}", r.body);
    app.db.close().await;
}

/// `comparisons/submit` takes `multipart/form-data` (#38): the JSON part and the image part;
/// another content type is refused unread, a missing or malformed part is a typed problem, and a
/// body declared over the upload limit is answered 413 before it is read.
async fn submissions_are_multipart_and_bounded(db: TestDb) {
    let app = setup(db, UploadLimits::default(), None).await;
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, PERSON).await;
    let qid = s["query_id"].as_i64().unwrap();
    let genuine = fixture("demo/q0037.jpg");
    let shorthand = submission(qid, &genuine, browser_result(&genuine), "match", "");
    // the old JSON body: not read
    let r = app.post_json("/api/comparisons/submit", &shorthand, Some(&clerk)).await;
    assert_eq!(r.status, 415, "{}", r.body);
    // parts missing or malformed
    let json_part = {
        let mut v = shorthand["submission"].clone();
        v.as_object_mut().unwrap().remove("questioned_b64");
        v.to_string().into_bytes()
    };
    let cases = [
        (vec![("submission", None, json_part.clone())], "image_encoding"),
        (vec![("questioned", Some("q.jpg"), genuine.clone())], "submission_form"),
        (
            vec![("submission", None, b"{not json".to_vec()), ("questioned", Some("q.jpg"), genuine.clone())],
            "submission_form",
        ),
        (
            vec![
                ("submission", None, json_part.clone()),
                ("questioned", Some("q.jpg"), genuine.clone()),
                ("extra", None, vec![1]),
            ],
            "submission_form",
        ),
    ];
    for (parts, kind) in cases {
        let (ct, body) = common::multipart_parts(&parts);
        let r = app.send_bytes("POST", "/api/comparisons/submit", &ct, body, Some(&clerk)).await;
        assert_eq!(r.status, 400, "{kind}: {}", r.body);
        let e: Value = serde_json::from_str(&r.body).unwrap();
        assert!(e.to_string().contains(&format!("\"{kind}\"")), "{kind}: {}", r.body);
    }
    assert_eq!(count(&app.db, "comparison").await, 0);
    // over the upload body limit (16 MB in tests): 413, nothing read
    let huge = vec![0u8; 16 * 1024 * 1024 + 1];
    let (ct, body) =
        common::multipart_parts(&[("submission", None, json_part.clone()), ("questioned", Some("q"), huge)]);
    let r = app.send_bytes("POST", "/api/comparisons/submit", &ct, body, Some(&clerk)).await;
    assert_eq!(r.status, 413);
    // the parts in the other order are the same submission: accepted, the image decoded once
    let (ct, body) =
        common::multipart_parts(&[("questioned", Some("q.jpg"), genuine.clone()), ("submission", None, json_part)]);
    let r = app.send_bytes("POST", "/api/comparisons/submit", &ct, body, Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sub: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sub["server_band"], "consistent");
    let rec = app.db.store.comparison(sub["id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert_eq!(app.db.store.image(&rec.questioned_sha256).await.unwrap().unwrap().data, genuine);
    app.db.close().await;
}

on_both!(
    the_registered_impression_is_served_to_the_querys_clerk_only,
    submissions_are_multipart_and_bounded,
    scanner_files_are_judged_and_kept,
    one_record_per_query_and_bounded_decodes,
    query_then_compare,
    an_unclear_scan_is_recorded_with_its_reason,
    no_seal_is_recorded_too,
    discrepancy_needs_a_comment,
    bad_uploads_store_nothing,
    who_may_query_and_upload
);

/// A real clamd refuses the EICAR test file: the upload is refused and nothing is stored;
/// a scanner that is configured but unreachable refuses uploads too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malware_is_refused_before_anything_is_stored() {
    let Some(clamd) = common::clamd::shared() else { return };
    let db = TestDb::new(common::Kind::Sqlite).await.unwrap();
    let app = setup(db, UploadLimits::default(), Some(clamd.scanner())).await;
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, PERSON).await;
    let qid = s["query_id"].as_i64().unwrap();
    let genuine = fixture("demo/q0037.jpg");
    let blobs = count(&app.db, "image_blob").await;
    let r = submit(&app, &clerk, qid, &common::clamd::eicar(), browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("惡意程式"), "{}", r.body);
    assert_eq!(count(&app.db, "image_blob").await, blobs);
    assert_eq!(count(&app.db, "comparison").await, 0);
    // a registered-impression upload is scanned the same way
    let office = login(&app, "H1001").await;
    let up = json!({ "upload": { "national_id": PERSON, "person_name": "", "image_b64": b64(&common::clamd::eicar()),
        "registered_on": "", "reason": "rebuild", "note": "" } });
    let r = app.post_json("/api/seals/upload", &up, Some(&office)).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("惡意程式"), "{}", r.body);
    // a clean scan passes through the same clamd
    let r = submit(&app, &clerk, qid, &genuine, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.db.close().await;

    // configured, but clamd does not answer
    let db = TestDb::new(common::Kind::Sqlite).await.unwrap();
    let dead =
        app::server::scan::Scanner::new(app::server::scan::ScanConfig::parse("unix:/nonexistent/clamd.sock").unwrap());
    let app = setup(db, UploadLimits::default(), Some(dead)).await;
    let clerk = login(&app, "C1001").await;
    let s = start(&app, &clerk, PERSON).await;
    let r =
        submit(&app, &clerk, s["query_id"].as_i64().unwrap(), &genuine, browser_result(&genuine), "match", "").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("病毒掃描服務無法使用"), "{}", r.body);
    assert_eq!(count(&app.db, "comparison").await, 0);
    app.db.close().await;
}
