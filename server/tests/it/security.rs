//! The register of security duties (八(一)(二)(三)) through the HTTP API, on both databases:
//! overdue duties, completion with evidence opening the next quarterly one, the notice to 民政局
//! for an OS that cannot be upgraded in time, immutability once done, who may read and write.

use crate::common::{TestApp, TestDb};
use app::domain::Role;
use serde_json::{json, Value};

async fn login(app: &TestApp, emp: &str) -> String {
    app.sign_in(emp).await
}

async fn register(app: &TestApp, cookie: &str) -> Value {
    let r = app.post("/api/security/tasks", "", Some(cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn duties(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app.account("A1001", vec![Role::Admin], "LA-IT", false).await;
    app.account("E1001", vec![Role::ExternalAuditor], "LA-REG", false).await;
    app.account("C1001", vec![Role::Clerk], "LO-DA", false).await;
    let admin = login(&app, "A1001").await;
    let external = login(&app, "E1001").await;
    let clerk = login(&app, "C1001").await;

    let add = |input: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post_json("/api/security/add", &json!({ "input": input }), Some(&admin)).await }
    };
    let r = add(json!({ "kind": "vulnerability_scan", "title": "115年第1季 弱點掃描", "due_on": "115/03/31" })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let scan: i64 = serde_json::from_str(&r.body).unwrap();
    let r = add(json!({ "kind": "os_end_of_support", "title": "Debian 12 主機", "due_on": "200/06/30" })).await;
    let eos: i64 = serde_json::from_str(&r.body).unwrap();
    assert_eq!(add(json!({ "kind": "wish", "title": "", "due_on": "" })).await.status, 400);
    // only administrators write; external auditors read; clerks neither
    let r = app
        .post_json(
            "/api/security/add",
            &json!({ "input": { "kind": "antivirus", "title": "x", "due_on": "115/12/31" } }),
            Some(&external),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.post("/api/security/tasks", "", Some(&clerk)).await.status, 403);

    // the past-due scan is overdue, on the register and for the administrator's home page
    let reg = register(&app, &external).await;
    assert!(reg["overdue"].as_u64().unwrap() >= 1);
    let task = |reg: &Value, id: i64| reg["tasks"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned().unwrap();
    assert_eq!(task(&reg, scan)["overdue"], true);
    assert_eq!(task(&reg, eos)["overdue"], false);
    assert_eq!(reg["can_edit"], false);

    let done = |id: i64, input: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post_json("/api/security/complete", &json!({ "id": id, "input": input }), Some(&admin)).await }
    };
    // evidence is required; a future date is refused; the notice to 民政局 is for an OS only
    assert_eq!(done(scan, json!({ "done_on": "115/04/02", "evidence": "" })).await.status, 400);
    assert_eq!(done(scan, json!({ "done_on": "200/01/01", "evidence": "x" })).await.status, 400);
    assert_eq!(done(scan, json!({ "done_on": "115/04/02", "evidence": "x", "notice_plan": "y" })).await.status, 400);
    let r = done(scan, json!({ "done_on": "115/04/02", "evidence": "弱點掃描報告 VS-115-01，高風險 0" })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let next: Option<i64> = serde_json::from_str(&r.body).unwrap();
    let next = next.expect("a quarterly duty opens the next one");
    let reg = register(&app, &admin).await;
    assert_eq!(task(&reg, scan)["done_on"], "2026-04-02");
    assert_eq!(task(&reg, scan)["overdue"], false);
    assert_eq!(task(&reg, next)["due_on"], "2026-06-30", "three months later");
    assert_eq!(task(&reg, next)["title"], "115年第1季 弱點掃描");
    // done is done: no second completion, no change in SQL
    assert_eq!(done(scan, json!({ "done_on": "115/04/03", "evidence": "again" })).await.status, 400);
    assert!(app.db.try_exec("UPDATE security_task SET evidence = 'x' WHERE done_at IS NOT NULL").await.is_err());
    assert!(app.db.try_exec("DELETE FROM security_task").await.is_err());

    // an OS that cannot be upgraded in time: the plan notified to 民政局, and nothing recurs
    let r = done(eos, json!({ "done_on": "115/11/20", "evidence": "府地資字第1150001234號函", "notice_plan": "隔離網段、加強監控，116年第2季汰換" })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let next: Option<i64> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(next, None);
    let reg = register(&app, &admin).await;
    assert!(task(&reg, eos)["notice_plan"].as_str().unwrap().contains("汰換"));
    let actions: Vec<String> = app.db.store.recent_trail(100).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in ["security.task.add", "security.task.done", "security.register.view"] {
        assert!(actions.contains(&a.to_string()), "{a}");
    }
    app.db.close().await;
}

/// Malware scanning off on a database that real people use is said on the administrator's home
/// page (and at every start); a demo database alone does not raise it (#35 item 14).
async fn scanning_off_is_flagged_once_real_accounts_exist(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_accounts(app.db.store.as_ref()).await.unwrap();
    assert!(!app::server::system::scanning_off_in_use(&app.db.store, false).await.unwrap(), "demo accounts only");
    app.account("A9301", vec![Role::Admin], "LA-IT", false).await;
    assert!(app::server::system::scanning_off_in_use(&app.db.store, false).await.unwrap());
    assert!(!app::server::system::scanning_off_in_use(&app.db.store, true).await.unwrap(), "scanning on");
    let admin = login(&app, "A9301").await;
    assert_eq!(register(&app, &admin).await["scanning_off"], true);
    app.db.close().await;
}

/// The register's use cases reached without HTTP: `server::security` with a `Caller` refuses
/// with typed problems (the form's field errors, the notice for an OS only, done is done) and
/// writes its own trail rows.
async fn use_cases_without_http(db: TestDb) {
    use app::domain::security_task::{CompletionInput, TaskInput};
    use app::domain::security_view::SecurityError;
    use app::server::caller::{Caller, Failure};
    use app::server::security as uc;

    let app = TestApp::new(db, Default::default()).await;
    app.account("A1101", vec![Role::Admin], "LA-IT", false).await;
    app.account("E1101", vec![Role::ExternalAuditor], "LA-REG", false).await;
    let state = app::server::AppState::new(
        app.db.store.clone(),
        Default::default(),
        std::sync::Arc::new(crate::common::KEY.to_vec()),
    );
    let caller = |emp: &'static str| {
        let store = app.db.store.clone();
        async move {
            let a = store.account_by_employee_no(emp).await.unwrap().unwrap();
            Caller::new(app::server::auth::Actor::from_account(&a, &Default::default(), chrono::Utc::now()), None)
        }
    };
    let (admin, external) = (caller("A1101").await, caller("E1101").await);

    let r = uc::add(&state, &admin, &TaskInput { kind: "wish".into(), ..Default::default() }).await;
    match r {
        Err(Failure::Problem(SecurityError::Form { errors })) => {
            use app::domain::forms::{FieldProblem, Label};
            assert!(errors.iter().any(|e| e.problem == FieldProblem::TaskKind), "{errors:?}");
            assert!(errors.iter().any(|e| e.problem == FieldProblem::Required { label: Label::DueOn }), "{errors:?}");
        }
        r => panic!("{r:?}"),
    }
    let input = TaskInput { kind: "antivirus".into(), title: "防毒碼更新".into(), due_on: "115/03/31".into() };
    let id = uc::add(&state, &admin, &input).await.unwrap();
    let done = |evidence: &str, notice: &str| CompletionInput {
        done_on: "115/04/02".into(),
        evidence: evidence.into(),
        notice_plan: notice.into(),
    };
    let r = uc::complete(&state, &admin, id, &done("x", "隔離網段")).await;
    assert!(matches!(r, Err(Failure::Problem(SecurityError::NoticeOnlyForOs))), "{r:?}");
    assert!(matches!(uc::complete(&state, &admin, 999_999, &done("x", "")).await, Err(Failure::NotFound)));
    let next = uc::complete(&state, &admin, id, &done("更新紀錄", "")).await.unwrap();
    let r = uc::complete(&state, &admin, id, &done("again", "")).await;
    assert!(matches!(r, Err(Failure::Problem(SecurityError::AlreadyDone))), "{r:?}");

    let reg = uc::register(&state, &external).await.unwrap();
    assert!(!reg.can_edit);
    let task = reg.tasks.iter().find(|t| t.id == id).unwrap();
    assert_eq!(task.done_by.as_deref(), Some("測試A1101"));
    assert!(reg.tasks.iter().any(|t| Some(t.id) == next));
    let actions: Vec<String> = app.db.store.recent_trail(100).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in ["security.task.add", "security.task.done", "security.register.view"] {
        assert!(actions.contains(&a.to_string()), "{a}");
    }
    app.db.close().await;
}

on_both!(duties, scanning_off_is_flagged_once_real_accounts_exist, use_cases_without_http);

/// The example configurations are safe to copy into production (#35 item 14): no demo data,
/// malware scanning on, an https origin, the trail forwarded over TLS where it is forwarded.
#[test]
fn the_example_configurations_are_production_safe() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in [".env.example", "deploy/yinjian.env.example"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let vars: std::collections::HashMap<&str, &str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('='))
            .collect();
        assert!(vars.get("YINJIAN_DEMO").is_none_or(|v| *v == "false"), "{file}: demo data");
        let clamd = vars.get("YINJIAN_CLAMD").copied().unwrap_or("off");
        assert!(clamd != "off" && !clamd.is_empty(), "{file}: YINJIAN_CLAMD={clamd}");
        assert!(vars.get("YINJIAN_PUBLIC_ORIGIN").is_some_and(|o| o.starts_with("https://")), "{file}: origin");
        for target in vars.get("YINJIAN_TRAIL_FORWARD").map(|v| v.split(',').collect::<Vec<_>>()).unwrap_or_default() {
            assert!(!target.starts_with("syslog+tcp://"), "{file}: {target} forwards in clear text");
        }
    }
}

/// SECURITY.md says only what tests prove: every test it names exists (a file, and in it the
/// function or the browser test's title), so a claim cannot outlive its proof unnoticed.
#[test]
fn every_test_security_md_names_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("SECURITY.md")).unwrap();
    let mut checked = 0;
    let mut last_file: Option<String> = None;
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 0 {
            // a browser test's title follows its file in quotes: "title…"
            if let (Some(file), Some(start)) = (&last_file, part.find('"')) {
                if file.ends_with(".spec.ts") && start < 3 {
                    let title = part[start + 1..].split(['"', '…']).next().unwrap_or_default();
                    let src = std::fs::read_to_string(root.join(file)).unwrap();
                    assert!(src.contains(title), "SECURITY.md names a browser test {title:?} not in {file}");
                    checked += 1;
                }
            }
            continue;
        }
        let (path, name) = match part.split_once("::") {
            Some((p, n)) => (p, Some(n)),
            None => (part, None),
        };
        let is_test_path =
            ["server/tests/", "app/src/", "end2end/tests/"].iter().any(|p| path.starts_with(p)) && !path.ends_with('…');
        let path = if path.starts_with('…') { last_file.clone().unwrap_or_default() } else { path.to_string() };
        if !is_test_path && !part.starts_with('…') {
            continue;
        }
        let src = std::fs::read_to_string(root.join(&path)).unwrap_or_else(|e| panic!("SECURITY.md names {path}: {e}"));
        if let Some(name) = name {
            let name = name.trim_start_matches("tests::").trim_start_matches('*');
            assert!(src.contains(name), "SECURITY.md names {path}::{name}, which is not there");
        }
        last_file = Some(path);
        checked += 1;
    }
    assert!(checked > 40, "only {checked} references checked: is SECURITY.md still written with them?");
}
