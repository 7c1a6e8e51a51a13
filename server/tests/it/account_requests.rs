//! The account change request (附件五) through the HTTP API on both databases: filing,
//! business-unit sign-off, review by the destination unit's manager or designated deputy,
//! the effective time (the scheduler under an explicit clock), duplicates, revocation.

use crate::common;

use crate::common::{TestApp, TestDb};
use app::domain::Role;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

async fn setup(db: TestDb) -> TestApp {
    let app = TestApp::new(db, Default::default()).await;
    app.account("C3001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("S3001", vec![Role::Supervisor], "LO-DA", false).await;
    app.account("M3001", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("D3001", vec![Role::Clerk], "LO-DA", false).await; // may become the deputy
    app.account("M4001", vec![Role::AccountManager], "LO-SS", false).await;
    app
}

async fn login(app: &TestApp, emp: &str) -> String {
    app.sign_in(emp).await
}

fn form(kind: &str, emp: &str, roles: &[&str], reason: &str) -> Value {
    json!({ "input": {
        "kind": kind, "reason": reason, "applied_on": "115/11/27", "agency": "臺北市大安地政事務所", "section": "登記課",
        "user_name": "王小明", "phone": "02-2345-6789", "employee_no": emp, "email": format!("{}@gov.taipei", emp.to_lowercase()),
        "roles": roles, "target_unit": ""
    }})
}

async fn file(app: &TestApp, cookie: &str, body: &Value) -> common::Reply {
    app.post_json("/api/accounts/requests/file", body, Some(cookie)).await
}

async fn state_of(app: &TestApp, id: i64) -> String {
    app.db.store.request(id).await.unwrap().unwrap().state.code().to_string()
}

async fn new_account_from_filing_to_first_sign_in(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C3001").await;
    // the form's own checks, on the server too
    let bad = file(&app, &clerk, &json!({ "input": { "kind": "create", "roles": [] } })).await;
    assert_eq!(bad.status, 400);
    assert!(bad.message().contains("申請日期") && bad.message().contains("公務信箱"), "{}", bad.body);
    let mut gmail = form("create", "C3042", &["clerk"], "");
    gmail["input"]["email"] = json!("c3042@gmail.com");
    assert!(file(&app, &clerk, &gmail).await.message().contains("公務信箱"));

    let r = file(&app, &clerk, &form("create", "C3042", &["clerk"], "")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    // a second 新增 for the same number while this one is open: 使用者帳號重複
    let dup = file(&app, &clerk, &form("create", "C3042", &["clerk"], "")).await;
    assert_eq!(dup.status, 400);
    assert!(dup.message().contains("使用者帳號重複"), "{}", dup.body);
    // and for a number with an active account
    assert!(file(&app, &clerk, &form("create", "S3001", &["clerk"], "")).await.message().contains("使用者帳號重複"));

    // the manager cannot review before the business unit's sign-off; a clerk cannot endorse
    let manager = login(&app, "M3001").await;
    let early = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={id}&decision=provide&reason=&text=&effective="),
            Some(&manager),
        )
        .await;
    assert_eq!(early.status, 400, "{}", early.body);
    assert_eq!(app.post("/api/accounts/requests/endorse", &format!("id={id}"), Some(&clerk)).await.status, 403);
    let sup = login(&app, "S3001").await;
    assert_eq!(app.post("/api/accounts/requests/endorse", &format!("id={id}"), Some(&sup)).await.status, 200);
    assert_eq!(state_of(&app, id).await, "endorsed");
    // a clerk cannot review; another unit's manager cannot either
    assert_eq!(
        app.post(
            "/api/accounts/requests/review",
            &format!("id={id}&decision=provide&reason=&text=&effective="),
            Some(&clerk)
        )
        .await
        .status,
        403
    );
    let other = login(&app, "M4001").await;
    assert_eq!(
        app.post(
            "/api/accounts/requests/review",
            &format!("id={id}&decision=provide&reason=&text=&effective="),
            Some(&other)
        )
        .await
        .status,
        403
    );

    // 提供 now: the account exists at once, with a one-time password shown to the manager
    let r = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={id}&decision=provide&reason=&text=&effective="),
            Some(&manager),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let out: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(out["applied"], true);
    let password = out["one_time_password"].as_str().unwrap().to_string();
    assert_eq!(state_of(&app, id).await, "applied");
    let acc = app.db.store.account_by_employee_no("C3042").await.unwrap().unwrap();
    assert_eq!(acc.roles, vec![Role::Clerk]);
    assert!(acc.must_change_password);
    assert_eq!(acc.email, "c3042@gov.taipei");
    // the new user signs in (and must change the password first)
    let me = app.login("C3042", &password).await.unwrap_or_else(|r| panic!("{}", r.body));
    let m: Value = serde_json::from_str(&app.post("/api/auth/me", "", Some(&me)).await.body).unwrap();
    assert_eq!(m["employee_no"], "C3042");
    assert_eq!(m["must_change_password"], true);

    // the timeline: filed, endorsed, approved, applied — each with who and when
    let d: Value =
        serde_json::from_str(&app.post("/api/accounts/requests/get", &format!("id={id}"), Some(&clerk)).await.body)
            .unwrap();
    let steps: Vec<&str> = d["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, ["filed", "endorsed", "approved", "applied"]);
    // an unrelated user of another unit cannot read it
    assert_eq!(app.post("/api/accounts/requests/get", &format!("id={id}"), Some(&other)).await.status, 403);
    // lists filter by state and filing date, and show only one's own unit
    let ids = |body: String| -> Vec<i64> {
        serde_json::from_str::<Value>(&body)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let path = "/api/accounts/requests";
    assert!(ids(app.post(path, "state=applied&unit=0&from=&to=", Some(&manager)).await.body).contains(&id));
    assert!(!ids(app.post(path, "state=filed&unit=0&from=&to=", Some(&manager)).await.body).contains(&id));
    assert!(ids(app.post(path, "state=&unit=0&from=200/01/01&to=", Some(&manager)).await.body).is_empty());
    assert!(ids(app.post(path, "state=&unit=0&from=&to=", Some(&other)).await.body).is_empty());
    // retention (八(五)): requests and their timelines are never deleted; a timeline never changes
    for sql in [
        "DELETE FROM account_request",
        "DELETE FROM account_request_event",
        "UPDATE account_request_event SET note = 'x'",
    ] {
        assert!(app.db.try_exec(sql).await.is_err(), "{sql} must be refused");
    }
    app.db.close().await;
}

async fn cancel_at_a_future_time_and_revocation(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C3001").await;
    let sup = login(&app, "S3001").await;
    let manager = login(&app, "M3001").await;
    // the user whose account is cancelled has a session open
    let victim = login(&app, "D3001").await;
    let r = file(&app, &clerk, &form("cancel", "D3001", &[], "離職")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    app.post("/api/accounts/requests/endorse", &format!("id={id}"), Some(&sup)).await;
    // 異動時間 cannot lie in the past
    let past = (Utc::now() + Duration::hours(8) - Duration::hours(2)).format("%Y-%m-%dT%H:%M");
    let r = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={id}&decision=provide&reason=&text=&effective={past}"),
            Some(&manager),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // a future time: approved, not applied yet
    let later = Utc::now() + Duration::hours(2);
    let local = (later + Duration::hours(8)).format("%Y-%m-%dT%H:%M");
    let r = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={id}&decision=provide&reason=&text=&effective={local}"),
            Some(&manager),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state_of(&app, id).await, "approved");
    assert!(app.post("/api/auth/me", "", Some(&victim)).await.body.contains("D3001"));
    // the scheduler, under a clock before and after the time
    assert!(app::server::requests::apply_due(&app.db.store, Utc::now()).await.unwrap().is_empty());
    let applied = app::server::requests::apply_due(&app.db.store, later + Duration::minutes(1)).await.unwrap();
    assert_eq!(applied, vec![id]);
    assert_eq!(state_of(&app, id).await, "applied");
    let acc = app.db.store.account_by_employee_no("D3001").await.unwrap().unwrap();
    assert!(acc.disabled);
    // the open session ended with it
    assert_eq!(app.post("/api/auth/me", "", Some(&victim)).await.body, "null");

    // a re-hired employee: a 新增 re-enables the disabled account
    let r = file(&app, &clerk, &form("create", "D3001", &["clerk", "supervisor"], "")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id2: i64 = r.body.trim().parse().unwrap();
    app.post("/api/accounts/requests/endorse", &format!("id={id2}"), Some(&sup)).await;
    let r = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={id2}&decision=provide&reason=&text=&effective="),
            Some(&manager),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let back = app.db.store.account_by_employee_no("D3001").await.unwrap().unwrap();
    assert_eq!(back.id, acc.id);
    assert!(!back.disabled);
    assert_eq!(back.roles, vec![Role::Clerk, Role::Supervisor]);

    // 不提供 needs a reason; 其他原因 needs text
    let r = file(&app, &clerk, &form("change", "C3001", &["clerk", "internal_auditor"], "兼辦稽核")).await;
    let id3: i64 = r.body.trim().parse().unwrap();
    app.post("/api/accounts/requests/endorse", &format!("id={id3}"), Some(&sup)).await;
    assert_eq!(
        app.post(
            "/api/accounts/requests/review",
            &format!("id={id3}&decision=decline&reason=other&text=&effective="),
            Some(&manager)
        )
        .await
        .status,
        400
    );
    let r = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={id3}&decision=decline&reason=duties_mismatch&text=&effective="),
            Some(&manager),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state_of(&app, id3).await, "declined");

    // immediate revocation by the manager: rights end and sessions die in the same request
    let clerk_acc = app.db.store.account_by_employee_no("C3001").await.unwrap().unwrap();
    let other = login(&app, "M4001").await;
    assert_eq!(
        app.post("/api/accounts/revoke", &format!("account_id={}&reason=left&text=", clerk_acc.id), Some(&other))
            .await
            .status,
        403
    );
    let r = app
        .post("/api/accounts/revoke", &format!("account_id={}&reason=job_change&text=", clerk_acc.id), Some(&manager))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.post("/api/auth/me", "", Some(&clerk)).await.body, "null");
    assert!(app.db.store.recent_trail(100).await.unwrap().iter().any(|e| e.action == "account.revoke"));
    app.db.close().await;
}

async fn the_deputy_acts_only_while_designated(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C3001").await;
    let sup = login(&app, "S3001").await;
    let r = file(&app, &clerk, &form("create", "C3077", &["clerk"], "")).await;
    let id: i64 = r.body.trim().parse().unwrap();
    app.post("/api/accounts/requests/endorse", &format!("id={id}"), Some(&sup)).await;
    let deputy = login(&app, "D3001").await;
    let review = format!("id={id}&decision=provide&reason=&text=&effective=");
    assert_eq!(app.post("/api/accounts/requests/review", &review, Some(&deputy)).await.status, 403);
    // a designation that has ended does not count either
    let unit = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap();
    let d = app.db.store.account_by_employee_no("D3001").await.unwrap().unwrap();
    let designate = |from, to| app::server::store::NewDesignation {
        unit_id: unit.id,
        account_id: d.id,
        kind: app::domain::Designation::DeputyAccountManager,
        valid_from: from,
        valid_to: to,
        created_by: None,
        now: Utc::now(),
    };
    let draft = || {
        app::server::trail::TrailDraft::new(
            app::server::trail::TrailAction::DesignationAdd,
            app::server::trail::Outcome::Success,
        )
    };
    app.db
        .store
        .add_designation(&designate(Utc::now() - Duration::days(10), Utc::now() - Duration::days(1)), draft())
        .await
        .unwrap();
    assert_eq!(app.post("/api/accounts/requests/review", &review, Some(&deputy)).await.status, 403);
    app.db
        .store
        .add_designation(&designate(Utc::now() - Duration::days(1), Utc::now() + Duration::days(90)), draft())
        .await
        .unwrap();
    let r = app.post("/api/accounts/requests/review", &review, Some(&deputy)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // never one's own request: the deputy files one and cannot review it
    let r = file(&app, &deputy, &form("change", "D3001", &["clerk", "supervisor"], "兼任")).await;
    let own: i64 = r.body.trim().parse().unwrap();
    app.post("/api/accounts/requests/endorse", &format!("id={own}"), Some(&sup)).await;
    let r = app
        .post(
            "/api/accounts/requests/review",
            &format!("id={own}&decision=provide&reason=&text=&effective="),
            Some(&deputy),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("自己"), "{}", r.body);
    app.db.close().await;
}

/// Approve a filed request (endorse, then provide) effective at `at` (None: at once).
async fn approve(app: &TestApp, id: i64, sup: &str, manager: &str, at: Option<chrono::DateTime<Utc>>) -> common::Reply {
    let r = app.post("/api/accounts/requests/endorse", &format!("id={id}"), Some(sup)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let eff = at.map(|t| (t + Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default();
    app.post(
        "/api/accounts/requests/review",
        &format!("id={id}&decision=provide&reason=&text=&effective={eff}"),
        Some(manager),
    )
    .await
}

/// A request that cannot be applied ends `failed` with its reason (no approved request lingers);
/// revoking or disabling an account supersedes its open requests; so a stale 新增 never brings
/// a revoked account back.
async fn every_request_ends_and_none_revives_an_account(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C3001").await;
    let sup = login(&app, "S3001").await;
    let manager = login(&app, "M3001").await;
    // a 新增 approved for later; meanwhile the account is made another way
    let r = file(&app, &clerk, &form("create", "N5001", &["clerk"], "")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let later = Utc::now() + Duration::hours(2);
    assert_eq!(approve(&app, id, &sup, &manager, Some(later)).await.status, 200);
    let acc = app.account("N5001", vec![Role::Clerk], "LO-DA", false).await;
    // at its time it cannot apply: closed as failed, with the reason on the request
    let due = later + Duration::minutes(1);
    assert!(app::server::requests::apply_due(&app.db.store, due).await.unwrap().is_empty());
    let rec = app.db.store.request(id).await.unwrap().unwrap();
    assert_eq!(rec.state, app::server::store::RequestState::Failed);
    assert!(rec.failure_reason.as_deref().unwrap().contains("帳號重複"), "{rec:?}");
    assert!(rec.initial_password_hash.is_none(), "the unused password hash is dropped");
    let detail = app.post("/api/accounts/requests/get", &format!("id={id}"), Some(&manager)).await;
    assert!(detail.body.contains("帳號重複"), "{}", detail.body);
    assert!(app.db.store.recent_trail(50).await.unwrap().iter().any(|e| e.action == "account_request.failed"));
    assert!(app.db.store.due_requests(due).await.unwrap().is_empty(), "nothing is retried forever");
    // a terminal state never changes, even by SQL
    assert!(app.db.try_exec(&format!("UPDATE account_request SET state = 'approved' WHERE id = {id}")).await.is_err());

    // an open 變更 for the account; revoking the account supersedes it
    let r = file(&app, &clerk, &form("change", "N5001", &["clerk", "supervisor"], "兼辦")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let change: i64 = r.body.trim().parse().unwrap();
    let r =
        app.post("/api/accounts/revoke", &format!("account_id={acc}&reason=job_change&text="), Some(&manager)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state_of(&app, change).await, "superseded");
    // the scheduler brings nothing back, now or later
    assert!(app::server::requests::apply_due(&app.db.store, due + Duration::days(1)).await.unwrap().is_empty());
    assert!(app.db.store.account(acc).await.unwrap().unwrap().disabled);

    // an approved 新增 of a re-hire, then the account is disabled again before it takes effect:
    // superseded, never applied
    let r = file(&app, &clerk, &form("create", "N5001", &["clerk"], "")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rehire: i64 = r.body.trim().parse().unwrap();
    assert_eq!(approve(&app, rehire, &sup, &manager, Some(later)).await.status, 200);
    let draft = app::server::trail::TrailDraft::new(
        app::server::trail::TrailAction::AccountDisable,
        app::server::trail::Outcome::Success,
    );
    app.db.store.set_disabled(acc, true, Some("停職"), draft).await.unwrap();
    assert_eq!(state_of(&app, rehire).await, "superseded");
    assert!(app::server::requests::apply_due(&app.db.store, due).await.unwrap().is_empty());
    assert!(app.db.store.account(acc).await.unwrap().unwrap().disabled);

    // applied at once but impossible (the account was made meanwhile): the manager is told, and
    // the request is closed
    let r = file(&app, &clerk, &form("create", "N5002", &["clerk"], "")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let gone: i64 = r.body.trim().parse().unwrap();
    app.account("N5002", vec![Role::Clerk], "LO-DA", false).await;
    let r = approve(&app, gone, &sup, &manager, None).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("未能生效"), "{}", r.body);
    assert_eq!(state_of(&app, gone).await, "failed");
    app.db.close().await;
}

/// Which roles a unit's request may carry is a rule: bureau-wide roles only in the bureau's own
/// units; and nobody endorses or reviews a request that names themself or that they filed.
async fn roles_suit_the_unit_and_nobody_signs_their_own(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C3001").await;
    let sup = login(&app, "S3001").await;
    for role in ["admin", "external_auditor", "ethics", "household_office"] {
        let r = file(&app, &clerk, &form("create", "N6001", &["clerk", role], "")).await;
        assert_eq!(r.status, 400, "{role}: {}", r.body);
        assert!(r.message().contains("地政事務所的帳號不能申請"), "{}", r.body);
        let r = file(&app, &clerk, &form("change", "C3001", &[role], "兼辦")).await;
        assert_eq!(r.status, 400, "{role}: {}", r.body);
    }
    assert_eq!(file(&app, &clerk, &form("create", "N6001", &["clerk"], "")).await.status, 200);
    // the administrator's own screens keep the same rule
    app.account("A9001", vec![Role::Admin], "LA-IT", false).await;
    let admin = login(&app, "A9001").await;
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let r = app
        .post(
            "/api/admin/accounts/create",
            &format!("employee_no=N6002&name=x&unit_id={da}&email=&phone=&roles=admin"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let c = app.db.store.account_by_employee_no("C3001").await.unwrap().unwrap().id;
    let r = app.post("/api/admin/accounts/roles", &format!("account_id={c}&roles=clerk,ethics"), Some(&admin)).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // a request naming the supervisor: the supervisor cannot sign it off
    let r = file(&app, &clerk, &form("change", "S3001", &["supervisor", "clerk"], "兼辦")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let about_sup: i64 = r.body.trim().parse().unwrap();
    let r = app.post("/api/accounts/requests/endorse", &format!("id={about_sup}"), Some(&sup)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("自己"), "{}", r.body);
    assert_eq!(state_of(&app, about_sup).await, "filed");
    let d: Value = serde_json::from_str(
        &app.post("/api/accounts/requests/get", &format!("id={about_sup}"), Some(&sup)).await.body,
    )
    .unwrap();
    assert_eq!(d["can_endorse"], false);
    // nor one they filed themselves
    let r = file(&app, &sup, &form("change", "C3001", &["clerk", "internal_auditor"], "兼辦稽核")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let filed_by_sup: i64 = r.body.trim().parse().unwrap();
    let r = app.post("/api/accounts/requests/endorse", &format!("id={filed_by_sup}"), Some(&sup)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(app
        .db
        .store
        .recent_trail(100)
        .await
        .unwrap()
        .iter()
        .any(|e| e.details.to_string().contains("own_request")));
    app.db.close().await;
}

/// An approved request still waiting for its 異動時間 was decided on the account as it stood:
/// when another request for the same account is applied first, the waiting one is superseded,
/// and can never put back the roles (or the unit) the applied one changed (#35 item 11).
async fn an_applied_request_supersedes_approved_ones_waiting(db: TestDb) {
    let app = setup(db).await;
    let clerk = login(&app, "C3001").await;
    let sup = login(&app, "S3001").await;
    let manager = login(&app, "M3001").await;
    // D3001 gets the supervisor's role from tomorrow…
    let r = file(&app, &clerk, &form("change", "D3001", &["clerk", "supervisor"], "兼任主管")).await;
    let later: i64 = r.body.trim().parse().unwrap();
    let tomorrow = Utc::now() + Duration::days(1);
    assert_eq!(approve(&app, later, &sup, &manager, Some(tomorrow)).await.status, 200);
    assert_eq!(state_of(&app, later).await, "approved");
    // …but today their duties change again, at once: clerk only
    let r = file(&app, &clerk, &form("change", "D3001", &["clerk"], "職務調整")).await;
    let now_id: i64 = r.body.trim().parse().unwrap();
    let r = approve(&app, now_id, &sup, &manager, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state_of(&app, now_id).await, "applied");
    assert_eq!(state_of(&app, later).await, "superseded", "the waiting one no longer applies");
    let rec = app.db.store.request(later).await.unwrap().unwrap();
    assert!(rec.failure_reason.as_deref().unwrap_or_default().contains("另一申請"), "{rec:?}");
    // tomorrow comes: nothing puts the supervisor's role back
    assert!(app::server::requests::apply_due(&app.db.store, tomorrow + Duration::minutes(1)).await.unwrap().is_empty());
    let d = app.db.store.account_by_employee_no("D3001").await.unwrap().unwrap();
    assert_eq!(d.roles, vec![Role::Clerk]);
    // the applied request's trail row names what it superseded
    let trail = app.db.store.recent_trail(30).await.unwrap();
    let applied = trail.iter().find(|e| e.action == "account_request.applied").unwrap();
    assert!(applied.details.contains(&later.to_string()) && applied.details.contains("superseded"), "{applied:?}");
    app.db.close().await;
}

/// The bureau's roles each belong to named sections (#35 item 3): administrator only in the IT
/// Office, Ethics only in the Ethics Office, the external auditor only in the external audit
/// team's units — on every screen that grants roles. Accounts that hold one elsewhere (granted
/// before this rule) lose it at the next start, each in the trail, listed for administrators.
async fn bureau_roles_belong_to_their_sections(db: TestDb) {
    let app = setup(db).await;
    app.account("A9001", vec![Role::Admin], "LA-IT", false).await;
    let admin = login(&app, "A9001").await;
    let unit = |code: &'static str| {
        let app = &app;
        async move { app.db.store.unit_by_code(code).await.unwrap().unwrap().id }
    };
    let create = |emp: &str, unit: i64, roles: &str| {
        let body = format!("employee_no={emp}&name=x&unit_id={unit}&email=&phone=&roles={roles}");
        let (app, admin) = (&app, &admin);
        async move { app.post("/api/admin/accounts/create", &body, Some(admin)).await }
    };
    let (sec, eth, reg, it, val) =
        (unit("LA-SEC").await, unit("LA-ETH").await, unit("LA-REG").await, unit("LA-IT").await, unit("LA-VAL").await);
    for (emp, u, roles, ok) in [
        ("N7001", sec, "admin", false),
        ("N7002", reg, "ethics", false),
        ("N7003", val, "external_auditor", false),
        ("N7004", eth, "admin", false),
        ("N7005", it, "admin", true),
        ("N7006", eth, "ethics", true),
        ("N7007", reg, "external_auditor", true),
        ("N7008", it, "external_auditor", true),
        ("N7009", sec, "clerk", true),
    ] {
        let r = create(emp, u, roles).await;
        assert_eq!(r.status == 200, ok, "{emp} {roles}: {} {}", r.status, r.body);
        if !ok {
            assert!(r.message().contains("只能由指定單位"), "{}", r.body);
        }
    }
    let n7009 = app.db.store.account_by_employee_no("N7009").await.unwrap().unwrap().id;
    let r = app.post("/api/admin/accounts/roles", &format!("account_id={n7009}&roles=clerk,admin"), Some(&admin)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    // a request from a bureau section for Ethics outside the Ethics Office
    app.account("C7010", vec![Role::Clerk], "LA-SEC", false).await;
    let sec_clerk = login(&app, "C7010").await;
    let mut f = form("create", "N7010", &["clerk", "ethics"], "");
    f["input"]["agency"] = "臺北市政府地政局".into();
    f["input"]["section"] = "秘書室".into();
    let r = file(&app, &sec_clerk, &f).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("只能由指定單位"), "{}", r.body);

    // granted before the rule: an administrator in the Secretariat (made behind the rule's back)
    let old = app.account("A7011", vec![Role::Admin, Role::Clerk], "LA-SEC", false).await;
    let session = login(&app, "A7011").await;
    let removed = app::server::roles::remove_misplaced_roles(app.db.store.as_ref(), Utc::now()).await.unwrap();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!((removed[0].account_id, removed[0].roles.clone()), (old, vec![Role::Admin]));
    assert_eq!(app.db.store.account(old).await.unwrap().unwrap().roles, vec![Role::Clerk]);
    assert_eq!(app.post("/api/auth/me", "", Some(&session)).await.body, "null", "its sessions ended");
    let trail = app.db.store.recent_trail(20).await.unwrap();
    let row = trail.iter().find(|e| e.action == "account.role_removed").expect("in the trail");
    assert!(row.details.contains("admin") && row.details.contains("LA-SEC"), "{row:?}");
    // listed for the administrators, and for nobody else
    let r = app.post("/api/admin/accounts/role-removals", "", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(list[0]["employee_no"], "A7011");
    assert_eq!(list[0]["role"], "admin");
    assert_eq!(app.post("/api/admin/accounts/role-removals", "", Some(&sec_clerk)).await.status, 403);
    // the next start finds nothing more to remove
    assert!(app::server::roles::remove_misplaced_roles(app.db.store.as_ref(), Utc::now()).await.unwrap().is_empty());
    app.db.close().await;
}

/// The request's rules reached without HTTP (`server::requests`): typed refusals, and the
/// refusals written to the trail with their reason, endpoint and address.
async fn use_cases_without_http(db: TestDb) {
    use app::domain::forms::account_request::AccountRequestInput;
    use app::domain::request_view::RequestError;
    use app::server::caller::{Caller, Failure};
    use app::server::requests::{self, ListInput, ReviewInput};
    let app = setup(db).await;
    app.account("C4001", vec![Role::Clerk], "LO-SS", false).await;
    let state = app::server::AppState::new(app.db.store.clone(), Default::default(), std::sync::Arc::new(vec![7; 32]));
    let caller = |emp: &'static str| {
        let store = app.db.store.clone();
        async move {
            let a = store.account_by_employee_no(emp).await.unwrap().unwrap();
            let actor = app::server::auth::Actor::from_account(&a, &Default::default(), Utc::now());
            Caller::new(actor, Some("192.0.2.7".parse().unwrap()))
        }
    };
    let (clerk, sup, manager, other) =
        (caller("C3001").await, caller("S3001").await, caller("M3001").await, caller("C4001").await);
    let input = |v: Value| -> AccountRequestInput { serde_json::from_value(v["input"].clone()).unwrap() };
    let last = || async { app.db.store.recent_trail(1).await.unwrap().remove(0) };

    // the form's own checks, as data
    let mut bad = form("create", "N5001", &["clerk"], "");
    bad["input"]["applied_on"] = "".into();
    let r = requests::file(&state, &clerk, &input(bad), "/api/accounts/requests/file").await;
    assert!(
        matches!(&r, Err(Failure::Problem(RequestError::Form { errors })) if errors.iter().any(|e| e.field == "applied_on" && e.problem == app::domain::forms::FieldProblem::Required { label: app::domain::forms::Label::AppliedOn })),
        "{r:?}"
    );
    // a 異動 for a colleague of another unit: refused, and in the trail
    let r = requests::file(
        &state,
        &other,
        &input(form("change", "C3001", &["clerk"], "調整")),
        "/api/accounts/requests/file",
    )
    .await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::OtherUnit))), "{r:?}");
    let e = last().await;
    assert_eq!((e.action.as_str(), e.client_ip.as_deref()), ("authz.denied", Some("192.0.2.7")));
    assert!(
        e.details.contains("other_unit_account") && e.details.contains("/api/accounts/requests/file"),
        "{}",
        e.details
    );
    // filed, endorsed, then the manager declines without the other reason's text
    let id =
        requests::file(&state, &clerk, &input(form("create", "N5001", &["clerk"], "")), "/api/accounts/requests/file")
            .await
            .unwrap();
    assert_eq!(last().await.action, "account_request.filed");
    let r = requests::endorse(&state, &clerk, id, "/api/accounts/requests/endorse").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "a clerk does not endorse: {r:?}");
    requests::endorse(&state, &sup, id, "/api/accounts/requests/endorse").await.unwrap();
    let review =
        |decision: &'static str, reason: &'static str| ReviewInput { decision, reason, text: "", effective: "" };
    let r = requests::review(&state, &manager, id, review("decline", "other"), "/api/accounts/requests/review").await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::OtherReasonText))), "{r:?}");
    let r = requests::review(&state, &manager, id, review("maybe", ""), "/api/accounts/requests/review").await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::Decision))), "{r:?}");
    let ok =
        requests::review(&state, &manager, id, review("provide", ""), "/api/accounts/requests/review").await.unwrap();
    assert!(ok.applied && ok.one_time_password.is_some());
    // a closed request is not reviewed again
    let r = requests::review(&state, &manager, id, review("provide", ""), "/api/accounts/requests/review").await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::Closed))), "{r:?}");
    // the list's filters, typed
    let r = requests::list(&state, &manager, ListInput { state: "lost", unit: None, from: "", to: "" }).await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::NoSuchState))), "{r:?}");
    let r = requests::list(&state, &manager, ListInput { state: "", unit: None, from: "115/02/30", to: "" }).await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::From(_)))), "{r:?}");
    // someone outside it may not open it: refused, in the trail
    let r = requests::open(&state, &other, id, "/api/accounts/requests/get").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    assert!(last().await.details.contains("not_party"));
    // a manager does not revoke their own account
    let me = app.db.store.account_by_employee_no("M3001").await.unwrap().unwrap().id;
    let r = requests::revoke(&state, &manager, me, "other", "x", "/api/accounts/revoke").await;
    assert!(matches!(r, Err(Failure::Problem(RequestError::OwnAccount))), "{r:?}");
    app.db.close().await;
}

on_both!(
    use_cases_without_http,
    an_applied_request_supersedes_approved_ones_waiting,
    bureau_roles_belong_to_their_sections,
    roles_suit_the_unit_and_nobody_signs_their_own,
    new_account_from_filing_to_first_sign_in,
    cancel_at_a_future_time_and_revocation,
    the_deputy_acts_only_while_designated,
    every_request_ends_and_none_revives_an_account
);
