//! The monthly query report (五(二)2) through the HTTP API, on both databases: who generates,
//! reads and signs it; a supervisor whose own look-ups are in it cannot sign; signing freezes
//! the snapshot (SHA-256, trail head) even against SQL; exports; the scheduler's run after the
//! month has ended (explicit clock).

use crate::common;

use crate::common::{query_body, TestApp, TestDb};
use app::domain::report::Month;
use app::domain::{Designation, Role};
use app::server::store::NewDesignation;
use app::server::trail::{Outcome, TrailAction, TrailDraft};
use serde_json::{json, Value};

const PERSON: &str = "A123456789";

async fn setup(db: TestDb) -> TestApp {
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C1001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C1002", vec![Role::Clerk], "LO-DA", false).await;
    app.account("S1001", vec![Role::Supervisor], "LO-DA", false).await;
    app.account("S1002", vec![Role::Supervisor, Role::Clerk], "LO-DA", false).await;
    app.account("I1001", vec![Role::InternalAuditor], "LO-DA", false).await;
    let producer = app.account("P1001", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("E1001", vec![Role::ExternalAuditor], "LA-REG", false).await;
    app.account("C2001", vec![Role::Clerk], "LO-SS", false).await;
    app.account("S2001", vec![Role::Supervisor], "LO-SS", false).await;
    let unit = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap();
    let now = chrono::Utc::now();
    app.db
        .store
        .add_designation(
            &NewDesignation {
                unit_id: unit.id,
                account_id: producer,
                kind: Designation::ReportProducer,
                valid_from: now - chrono::Duration::days(1),
                valid_to: now + chrono::Duration::days(90),
                created_by: None,
                now,
            },
            TrailDraft::new(TrailAction::DesignationAdd, Outcome::Success),
        )
        .await
        .unwrap();
    app
}

async fn login(app: &TestApp, emp: &str) -> String {
    app.sign_in(emp).await
}

async fn query(app: &TestApp, cookie: &str, id: &str, case: &str) {
    let q =
        query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": case, "case_free": "", "national_id": id, "person_name": "" }));
    let r = app.post_json("/api/comparisons/start", &q, Some(cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

fn month_now() -> String {
    Month::of(chrono::Utc::now()).to_string()
}

async fn page(app: &TestApp, cookie: &str, unit: i64) -> common::Reply {
    app.post("/api/reports/get", &format!("unit={unit}&month={}", month_now()), Some(cookie)).await
}

async fn generate_read_and_sign(db: TestDb) {
    let app = setup(db).await;
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let clerk = login(&app, "C1001").await;
    let chief_who_queried = login(&app, "S1002").await;
    for case in ["000001", "000002", "000003"] {
        query(&app, &clerk, PERSON, case).await;
    }
    query(&app, &chief_who_queried, "A223456781", "000004").await;

    // clerks neither generate nor read; the designated person and the supervisor generate
    let colleague = login(&app, "C1002").await;
    let gen = |c: &str| {
        let (c, body) = (c.to_string(), format!("unit=0&month={}", month_now()));
        let app = &app;
        async move { app.post("/api/reports/generate", &body, Some(&c)).await }
    };
    assert_eq!(gen(&colleague).await.status, 403);
    assert_eq!(page(&app, &colleague, 0).await.status, 403);
    let producer = login(&app, "P1001").await;
    let r = gen(&producer).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let chief = login(&app, "S1001").await;
    assert_eq!(gen(&chief).await.status, 200, "regenerated while unsigned");
    // a future month cannot be generated
    let future = Month::of(chrono::Utc::now()).next().next().to_string();
    let r = app.post("/api/reports/generate", &format!("unit=0&month={future}"), Some(&chief)).await;
    assert_eq!(r.status, 400);

    // the unit's internal auditor reads it: every look-up, IDs masked, anomalies counted
    let auditor = login(&app, "I1001").await;
    let r = page(&app, &auditor, 0).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains(PERSON), "IDs are masked in the report");
    let p: Value = serde_json::from_str(&r.body).unwrap();
    let rep = &p["report"];
    assert_eq!(rep["rows"].as_array().unwrap().len(), 4);
    assert_eq!(rep["rows"][0]["national_id_masked"], "A12****789");
    let counts: Vec<(String, u64)> = rep["anomaly_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a[0].as_str().unwrap().to_string(), a[1].as_u64().unwrap()))
        .collect();
    assert!(counts.contains(&("no_decision".into(), 4)), "{counts:?}");
    assert!(counts.contains(&("repeated_id".into(), 3)), "{counts:?}");
    assert_eq!(rep["by_operator"].as_array().unwrap().len(), 2);
    assert_eq!(p["can_sign"], false);
    assert_eq!(p["can_generate"], false);
    // another unit's supervisor may not read it; an external auditor may
    let other = login(&app, "S2001").await;
    assert_eq!(page(&app, &other, da).await.status, 403);
    let external = login(&app, "E1001").await;
    assert_eq!(page(&app, &external, da).await.status, 200);

    // while the month runs the report is a preview: nobody signs it, not even through the store
    let p: Value = serde_json::from_str(&page(&app, &chief, 0).await.body).unwrap();
    assert_eq!(p["can_sign"], false);
    assert_eq!(p["sign_blocked"], json!({ "kind": "month_not_over" }), "{p}");
    let (id, sha) = (p["stamp"]["id"].as_i64().unwrap(), p["stamp"]["sha256"].as_str().unwrap().to_string());
    let body = format!("id={id}&sha256={sha}&comment=x");
    let r = app.post("/api/reports/sign", &body, Some(&chief)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("本月尚未結束"), "{}", r.body);
    let s1001 = app.db.store.account_by_employee_no("S1001").await.unwrap().unwrap().id;
    let draft = || TrailDraft::new(TrailAction::ReportSign, Outcome::Success);
    let r = app.db.store.sign_report(id, &sha, s1001, "", chrono::Utc::now(), draft()).await;
    assert!(matches!(r, Err(app::server::store::StoreError::Stale(_))), "{r:?}");
    // the month ends: the preview was taken mid-month, so it must be remade before signing
    app.clock.set(Month::of(chrono::Utc::now()).end() + chrono::Duration::hours(2));
    let month = month_now_of(&app);
    let at = |c: &str| {
        let (c, body) = (c.to_string(), format!("unit=0&month={month}"));
        let app = &app;
        async move { serde_json::from_str::<Value>(&app.post("/api/reports/get", &body, Some(&c)).await.body).unwrap() }
    };
    let p = at(&chief).await;
    assert_eq!(p["can_sign"], false);
    assert_eq!(p["sign_blocked"], json!({ "kind": "preview" }), "{p}");
    let r = app.post("/api/reports/sign", &body, Some(&chief)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let body = format!("unit=0&month={month}");
    assert_eq!(app.post("/api/reports/generate", &body, Some(&chief)).await.status, 200, "remade over the month");
    // a look-up the snapshot lacks (written behind its back) makes it stale even for the store
    let p = at(&chief).await;
    assert_eq!(p["can_sign"], true, "{p}");
    let (id, sha) = (p["stamp"]["id"].as_i64().unwrap(), p["stamp"]["sha256"].as_str().unwrap().to_string());
    let clerk_id = app.db.store.account_by_employee_no("C1001").await.unwrap().unwrap().id;
    let lookup = app::server::store::NewQuery {
        queried_at: Month::parse(&month).unwrap().end() - chrono::Duration::minutes(1),
        operator_id: clerk_id,
        unit_id: da,
        client_ip: None,
        business_type: app::domain::BusinessType::LandRegistration,
        case_number: "115-大安-000099".into(),
        national_id: app::domain::NationalId::parse(PERSON).unwrap(),
        person_name: None,
        after_hours: false,
    };
    app.db.store.record_query(&lookup, TrailDraft::new(TrailAction::QueryStart, Outcome::Success)).await.unwrap();
    let r = app.db.store.sign_report(id, &sha, s1001, "", app.clock.now(), draft()).await;
    assert!(matches!(r, Err(app::server::store::StoreError::Stale(_))), "{r:?}");
    app.db.close().await;
}

/// The month (as `2026-11`) the app's clock is in, less one: the month just over.
fn month_now_of(app: &TestApp) -> String {
    Month::of(app.clock.now()).prev().to_string()
}

/// A report is signed once its month is over and its snapshot covers it: by a supervisor whose
/// own look-ups are not in it; then it is frozen.
async fn signing_a_closed_month(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C1001").await;
    let chief_who_queried = login(&app, "S1002").await;
    for case in ["000001", "000002", "000003"] {
        query(&app, &clerk, PERSON, case).await;
    }
    query(&app, &chief_who_queried, "A223456781", "000004").await;
    let producer = login(&app, "P1001").await;
    let chief = login(&app, "S1001").await;
    let auditor = login(&app, "I1001").await;
    let other = login(&app, "S2001").await;
    app.clock.set(Month::of(chrono::Utc::now()).end() + chrono::Duration::hours(1));
    let month = month_now_of(&app);
    let gen = |c: &str| {
        let (c, body) = (c.to_string(), format!("unit=0&month={month}"));
        let app = &app;
        async move { app.post("/api/reports/generate", &body, Some(&c)).await }
    };
    let page = |c: &str| {
        let (c, body) = (c.to_string(), format!("unit=0&month={month}"));
        let app = &app;
        async move { app.post("/api/reports/get", &body, Some(&c)).await }
    };
    let r = gen(&producer).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // the supervisor whose own look-up is in it cannot sign; the other one can
    let p: Value = serde_json::from_str(&page(&chief_who_queried).await.body).unwrap();
    assert_eq!(p["can_sign"], false);
    assert_eq!(p["sign_blocked"], json!({ "kind": "own_lookups" }), "{p}");
    let id = p["stamp"]["id"].as_i64().unwrap();
    let sha = p["stamp"]["sha256"].as_str().unwrap().to_string();
    let sign = |c: &str, sha: &str| {
        let (c, body) = (c.to_string(), format!("id={id}&sha256={sha}&comment=%E5%B7%B2%E6%A0%B8%E9%96%B1"));
        let app = &app;
        async move { app.post("/api/reports/sign", &body, Some(&c)).await }
    };
    assert_eq!(sign(&chief_who_queried, &sha).await.status, 400);
    assert_eq!(sign(&producer, &sha).await.status, 403, "the designated person produces, does not sign");
    let p: Value = serde_json::from_str(&page(&chief).await.body).unwrap();
    assert_eq!(p["can_sign"], true, "{p}");
    // the report signed is the one shown: another hash is refused
    assert_eq!(sign(&chief, &"0".repeat(64)).await.status, 400);
    let (head_seq, _) = app.db.store.trail_head().await.unwrap();
    let r = sign(&chief, &sha).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rec = app.db.store.report(id).await.unwrap().unwrap();
    assert!(rec.signed_at.is_some());
    assert_eq!(rec.comment, "已核閱");
    assert!(rec.head_seq.unwrap() >= head_seq && rec.head_hash.as_deref().is_some_and(|h| h.len() == 64));
    // the snapshot's hash is the SHA-256 of what is stored
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(rec.snapshot.as_bytes())), rec.sha256);
    // frozen: no regeneration, no second signature, no SQL change or delete
    assert_eq!(gen(&chief).await.status, 400);
    assert_eq!(sign(&chief, &sha).await.status, 400);
    assert!(app.db.try_exec("UPDATE query_report SET comment = 'x'").await.is_err());
    assert!(app.db.try_exec("DELETE FROM query_report").await.is_err());
    let p: Value = serde_json::from_str(&page(&auditor).await.body).unwrap();
    assert!(p["stamp"]["signed_by"].as_str().unwrap().contains("S1001"));

    // exports: CSV with BOM and masked IDs, XLSX
    let export = |f: &str| {
        let body = format!("id={id}&format={f}");
        let (app, auditor) = (&app, &auditor);
        async move { app.post("/api/reports/export", &body, Some(auditor)).await }
    };
    let f: Value = serde_json::from_str(&export("csv").await.body).unwrap();
    let bytes = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(f["b64"].as_str().unwrap()).unwrap()
    };
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 5);
    assert!(text.contains("A12****789") && !text.contains(PERSON));
    let f: Value = serde_json::from_str(&export("xlsx").await.body).unwrap();
    let bytes = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(f["b64"].as_str().unwrap()).unwrap()
    };
    assert!(bytes.starts_with(b"PK"));
    assert_eq!(app.post("/api/reports/export", &format!("id={id}&format=csv"), Some(&other)).await.status, 403);
    let actions: Vec<String> = app.db.store.recent_trail(300).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in ["report.generate", "report.view", "report.sign", "report.export"] {
        assert!(actions.contains(&a.to_string()), "{a}");
    }
    app.db.close().await;
}

async fn the_scheduler_generates_last_month(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C2001").await;
    query(&app, &clerk, PERSON, "000009").await;
    let ss = app.db.store.unit_by_code("LO-SS").await.unwrap().unwrap().id;
    let store = app.db.store.clone();
    let thresholds = Default::default();
    // during the month nothing is due
    let now = chrono::Utc::now();
    assert!(app::server::reports::generate_due(&store, thresholds, now).await.unwrap().is_empty());
    // once it has ended: one report for the unit that looked something up, made by no one
    let later = Month::of(now).next().start() + chrono::Duration::hours(1);
    let made = app::server::reports::generate_due(&store, thresholds, later).await.unwrap();
    assert_eq!(made.len(), 1);
    let rec = store.report(made[0]).await.unwrap().unwrap();
    assert_eq!((rec.unit_id, rec.month.clone(), rec.generated_by), (ss, Month::of(now).to_string(), None));
    // and only once
    assert!(app::server::reports::generate_due(&store, thresholds, later).await.unwrap().is_empty());
    app.db.close().await;
}

/// A preview made during the month does not stop the scheduler: the end-of-month report is
/// remade over the whole month, with the look-ups made after the preview.
async fn the_scheduler_replaces_a_mid_month_preview(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C1001").await;
    let chief = login(&app, "S1001").await;
    query(&app, &clerk, PERSON, "000011").await;
    let r = app.post("/api/reports/generate", &format!("unit=0&month={}", month_now()), Some(&chief)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let preview: i64 = r.body.trim().parse().unwrap();
    let before = app.db.store.report(preview).await.unwrap().unwrap();
    query(&app, &clerk, "A223456781", "000012").await;
    let store = app.db.store.clone();
    let later = Month::of(chrono::Utc::now()).end() + chrono::Duration::hours(1);
    let made = app::server::reports::generate_due(&store, Default::default(), later).await.unwrap();
    assert_eq!(made, vec![preview], "the preview is remade, not left as it was");
    let after = store.report(preview).await.unwrap().unwrap();
    assert_ne!(after.sha256, before.sha256);
    let rep: app::domain::report::MonthlyReport = serde_json::from_str(&after.snapshot).unwrap();
    assert_eq!(rep.rows.len(), 2, "the look-up after the preview is in the report");
    assert!(app::server::reports::generate_due(&store, Default::default(), later).await.unwrap().is_empty());
    app.db.close().await;
}

/// Schedulers of several instances at the same moment replace a preview once: the losers of
/// the race are refused (`Stale`), so one report.generate is recorded, not three.
async fn concurrent_schedulers_generate_once(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C1001").await;
    let chief = login(&app, "S1001").await;
    query(&app, &clerk, PERSON, "000021").await;
    let r = app.post("/api/reports/generate", &format!("unit=0&month={}", month_now()), Some(&chief)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let store = app.db.store.clone();
    let before = store.trail_head().await.unwrap().0;
    let later = Month::of(chrono::Utc::now()).end() + chrono::Duration::hours(1);
    let run = || app::server::reports::generate_due(&store, Default::default(), later);
    let (a, b, c) = tokio::join!(run(), run(), run());
    // on SQLite a loser may also see the database busy: an error, never a second report
    let made: usize = [a, b, c].into_iter().map(|r| r.map(|v| v.len()).unwrap_or(0)).sum();
    assert_eq!(made, 1);
    let generated =
        store.trail_rows(before, 100).await.unwrap().into_iter().filter(|r| r.action == "report.generate").count();
    assert_eq!(generated, 1, "one generation recorded");
    app.db.close().await;
}

/// A case number typed as a spreadsheet formula is exported as text (OWASP CSV injection).
async fn exports_neutralise_formulas(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C1001").await;
    let q = query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "", "case_word": "",
        "case_number": "", "case_free": "=HYPERLINK(\"http://x.example\",\"案\")", "national_id": PERSON, "person_name": "" }));
    let r = app.post_json("/api/comparisons/start", &q, Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let chief = login(&app, "S1001").await;
    let r = app.post("/api/reports/generate", &format!("unit=0&month={}", month_now()), Some(&chief)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let auditor = login(&app, "I1001").await;
    let f: Value = serde_json::from_str(
        &app.post("/api/reports/export", &format!("id={id}&format=csv"), Some(&auditor)).await.body,
    )
    .unwrap();
    let bytes = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(f["b64"].as_str().unwrap()).unwrap()
    };
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let cells: Vec<String> =
        rd.records().flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>()).collect();
    assert!(cells.iter().any(|c| c.starts_with("'=HYPERLINK")), "{cells:?}");
    assert!(!cells.iter().any(|c| c.starts_with(['=', '+', '-', '@'])), "{cells:?}");
    app.db.close().await;
}

/// The report's rules reached without HTTP: `server::reports` decides who may (a denial is in
/// the trail), what may not be made or signed, and answers typed problems.
async fn use_cases_without_http(db: TestDb) {
    use app::domain::register::ExportFormat;
    use app::domain::report_view::ReportError;
    use app::server::caller::{Caller, Failure};
    use app::server::reports;
    let app = setup(db).await;
    let clerk = login(&app, "C1001").await;
    query(&app, &clerk, PERSON, "000501").await;
    let state = app::server::AppState::new(app.db.store.clone(), Default::default(), std::sync::Arc::new(vec![7; 32]));
    let caller = |emp: &'static str| {
        let store = app.db.store.clone();
        async move {
            let a = store.account_by_employee_no(emp).await.unwrap().unwrap();
            Caller::new(app::server::auth::Actor::from_account(&a, &Default::default(), chrono::Utc::now()), None)
        }
    };
    let (chief, clerk, auditor, other) =
        (caller("S1001").await, caller("C1001").await, caller("I1001").await, caller("S2001").await);
    let this = Month::of(chrono::Utc::now());

    // a clerk may not read the unit's report: refused, and the refusal is in the trail
    let r = reports::view(&state, &clerk, None, Some(this), "/api/reports/get").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
    assert_eq!((last.action.as_str(), last.outcome.as_str()), ("authz.denied", "denied"));
    assert!(
        last.details.contains("not_report_reader") && last.details.contains("/api/reports/get"),
        "{}",
        last.details
    );
    // nor may another unit's supervisor generate it
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let r = reports::generate_now(&state, &other, Some(da), this, "/api/reports/generate").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    // a month that has not begun is refused as such
    let r = reports::generate_now(&state, &chief, None, this.next(), "/api/reports/generate").await;
    assert!(matches!(r, Err(Failure::Problem(ReportError::FutureMonth))), "{r:?}");
    // this month's report is a preview: the view says why it cannot be signed, and so does signing
    let id = reports::generate_now(&state, &chief, None, this, "/api/reports/generate").await.unwrap();
    let v = reports::view(&state, &chief, None, Some(this), "/api/reports/get").await.unwrap();
    assert_eq!(v.sign_blocked, Some(ReportError::MonthNotOver));
    assert!(!v.can_sign && v.can_generate);
    let sha = v.stamp.unwrap().sha256;
    let r = reports::sign(&state, &chief, id, &sha, "", "/api/reports/sign").await;
    assert!(matches!(r, Err(Failure::Problem(ReportError::MonthNotOver))), "{r:?}");
    // the unit's internal auditor reads and exports it; the export is in the trail
    let f = reports::export(&state, &auditor, id, ExportFormat::Xlsx, "/api/reports/export").await.unwrap();
    assert!(f.filename.ends_with(".xlsx") && f.filename.contains("LO-DA"), "{}", f.filename);
    let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
    assert_eq!(last.action, "report.export");
    // nothing of that id
    let r = reports::export(&state, &auditor, id + 1000, ExportFormat::Csv, "/api/reports/export").await;
    assert!(matches!(r, Err(Failure::NotFound)), "{r:?}");
    app.db.close().await;
}

on_both!(
    concurrent_schedulers_generate_once,
    exports_neutralise_formulas,
    generate_read_and_sign,
    signing_a_closed_month,
    the_scheduler_generates_last_month,
    the_scheduler_replaces_a_mid_month_preview,
    use_cases_without_http
);
