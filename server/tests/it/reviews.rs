//! The quarterly account permission review (八(三)) and the account manager's hand-over
//! (六(一)(二)) on both databases: the store on its own, then through the HTTP API — the
//! review flow (idle flagging, keep/change opening a request, sign-off, last review date),
//! who may act (clerk, another unit's manager, deputy designated or not), and the hand-over
//! (create, acknowledge, the incoming manager held back until the password is changed).

use crate::common;

use crate::common::{TestApp, TestDb, PASSWORD};
use app::domain::forms::account_request::RequestKind;
use app::domain::{Designation, Role};
use app::server::store::{
    AccountDecision, HandoverRecord, ItemSnapshot, NewAccount, NewDesignation, NewHandover, NewReview, StoreError,
};
use app::server::trail::{Outcome, TrailAction, TrailDraft};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

fn draft(action: TrailAction) -> TrailDraft {
    TrailDraft::new(action, Outcome::Success)
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

// ---------------------------------------------------------------- the store on its own

async fn store_reviews_and_handovers(db: TestDb) {
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    let s = &db.store;
    let unit = s.unit_by_code("LO-DA").await.unwrap().unwrap();
    let other = s.unit_by_code("LO-SS").await.unwrap().unwrap();
    let now = Utc::now();
    let mut ids = Vec::new();
    for emp in ["M7001", "C7001", "C7002"] {
        let id = s
            .create_account(
                &NewAccount {
                    employee_no: emp.into(),
                    name: emp.into(),
                    unit_id: unit.id,
                    email: String::new(),
                    phone: String::new(),
                    password_hash: "x".into(),
                    must_change_password: false,
                    one_time_until: None,
                    roles: vec![Role::Clerk],
                    now: now - Duration::days(10),
                },
                draft(TrailAction::AccountCreate),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let snap = |account_id: i64, emp: &str, idle: i64| ItemSnapshot {
        account_id,
        employee_no: emp.into(),
        name: emp.into(),
        roles: vec![Role::Clerk],
        last_login_at: Some(now - Duration::days(idle)),
        last_query_at: None,
        idle_days: idle,
        flagged_idle: idle > 90,
    };
    let new = NewReview {
        unit_id: unit.id,
        quarter: "2026Q4".into(),
        idle_threshold: 90,
        started_by: ids[0],
        now,
        items: vec![snap(ids[0], "M7001", 0), snap(ids[1], "C7001", 120)],
    };
    let rid = s.start_review(&new, draft(TrailAction::PermissionReviewStarted)).await.unwrap();
    // one review per unit and quarter
    assert!(matches!(
        s.start_review(&new, draft(TrailAction::PermissionReviewStarted)).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(s.review_for(unit.id, "2026Q4").await.unwrap().unwrap().id, rid);
    assert!(s.review_for(other.id, "2026Q4").await.unwrap().is_none());
    let items = s.review_items(rid).await.unwrap();
    assert_eq!(items.len(), 2);
    let c1 = items.iter().find(|i| i.employee_no == "C7001").unwrap().clone();
    assert!(c1.flagged_idle);
    assert_eq!(c1.idle_days, 120);
    assert_eq!(c1.role_list(), vec![Role::Clerk]);

    // decide one; a refresh adds the new account, refreshes the undecided, keeps the decided
    let m1 = items.iter().find(|i| i.employee_no == "M7001").unwrap().clone();
    s.decide_review_item(m1.id, AccountDecision::Keep, None, "", ids[0], now, draft(TrailAction::PermissionReviewKept))
        .await
        .unwrap();
    let refreshed = vec![snap(ids[0], "M7001", 5), snap(ids[1], "C7001", 1), snap(ids[2], "C7002", 3)];
    s.sync_review_items(rid, &refreshed, now, draft(TrailAction::PermissionReviewRefreshed)).await.unwrap();
    let items = s.review_items(rid).await.unwrap();
    assert_eq!(items.len(), 3);
    let get = |emp: &str| items.iter().find(|i| i.employee_no == emp).unwrap().clone();
    assert_eq!(get("M7001").idle_days, 0, "a decided item keeps what it was decided on");
    assert_eq!(get("M7001").decision, Some(AccountDecision::Keep));
    assert_eq!(get("C7001").idle_days, 1);
    assert!(!get("C7001").flagged_idle);

    // sign-off needs every item decided
    assert!(matches!(
        s.sign_review(rid, ids[0], "", now, draft(TrailAction::PermissionReviewSigned)).await,
        Err(StoreError::Stale(_))
    ));
    s.decide_review_item(
        get("C7001").id,
        AccountDecision::Keep,
        None,
        "",
        ids[0],
        now,
        draft(TrailAction::PermissionReviewKept),
    )
    .await
    .unwrap();
    s.decide_review_item(
        get("C7002").id,
        AccountDecision::Change,
        None,
        "調職",
        ids[0],
        now,
        draft(TrailAction::PermissionReviewChanged),
    )
    .await
    .unwrap();
    // a change is final; a keep may still become a change before sign-off
    assert!(matches!(
        s.decide_review_item(
            get("C7002").id,
            AccountDecision::Keep,
            None,
            "",
            ids[0],
            now,
            draft(TrailAction::PermissionReviewKept)
        )
        .await,
        Err(StoreError::Stale(_))
    ));
    assert!(matches!(
        s.decide_review_item(
            999_999,
            AccountDecision::Keep,
            None,
            "",
            ids[0],
            now,
            draft(TrailAction::PermissionReviewKept)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let signed_at = now + Duration::seconds(1);
    s.sign_review(rid, ids[0], "無異常", signed_at, draft(TrailAction::PermissionReviewSigned)).await.unwrap();
    let r = s.review(rid).await.unwrap().unwrap();
    assert_eq!(r.signed_by, Some(ids[0]));
    assert_eq!(r.note, "無異常");
    // signed: nothing changes any more, not through the store and not behind its back
    assert!(matches!(
        s.sign_review(rid, ids[0], "", now, draft(TrailAction::PermissionReviewSigned)).await,
        Err(StoreError::Stale(_))
    ));
    assert!(matches!(
        s.decide_review_item(
            get("M7001").id,
            AccountDecision::Change,
            None,
            "",
            ids[0],
            now,
            draft(TrailAction::PermissionReviewChanged)
        )
        .await,
        Err(StoreError::Stale(_))
    ));
    assert!(matches!(
        s.sync_review_items(rid, &refreshed, now, draft(TrailAction::PermissionReviewRefreshed)).await,
        Err(StoreError::Stale(_))
    ));
    assert!(db.try_exec(&format!("UPDATE permission_review SET note = 'x' WHERE id = {rid}")).await.is_err());
    assert!(db
        .try_exec(&format!("UPDATE permission_review_item SET note = 'x' WHERE review_id = {rid}"))
        .await
        .is_err());
    assert!(db.try_exec("DELETE FROM permission_review_item").await.is_err());
    assert!(db.try_exec("DELETE FROM permission_review").await.is_err());

    // 前次盤點日期 per unit
    let dates = s.last_review_dates().await.unwrap();
    let of = |u: i64| dates.iter().find(|(id, _)| *id == u).map(|(_, d)| *d).unwrap();
    assert_eq!(of(unit.id).map(|d| d.timestamp_millis()), Some(signed_at.timestamp_millis()));
    assert_eq!(of(other.id), None);
    assert_eq!(dates.len(), s.list_units().await.unwrap().len());
    assert_eq!(s.list_reviews(Some(unit.id)).await.unwrap().len(), 1);
    assert!(s.list_reviews(Some(other.id)).await.unwrap().is_empty());

    // the last query of each account
    db.exec(&format!(
        "INSERT INTO seal_query (queried_at, operator_id, unit_id, business_type, case_number, national_id, after_hours) \
         VALUES ('{}', {}, {}, 'land_registration', 'T1', 'A123456789', FALSE), \
                ('{}', {}, {}, 'land_registration', 'T2', 'A123456789', FALSE)",
        ts(now - Duration::days(9)),
        ids[1],
        unit.id,
        ts(now - Duration::days(2)),
        ids[1],
        unit.id
    ))
    .await;
    let q = s.last_queries(unit.id).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].0, ids[1]);
    assert_eq!(q[0].1.timestamp(), (now - Duration::days(2)).timestamp());
    assert!(s.last_queries(other.id).await.unwrap().is_empty());

    // hand-over: a newer list supersedes an open one; acknowledging is the incoming's alone
    let h = |incoming: i64| NewHandover {
        unit_id: unit.id,
        outgoing_id: ids[0],
        incoming_id: incoming,
        created_by: ids[0],
        list_json: "{}".into(),
        now,
    };
    let h1 = s.create_handover(&h(ids[1]), draft(TrailAction::HandoverCreated)).await.unwrap();
    let h2 = s.create_handover(&h(ids[2]), draft(TrailAction::HandoverCreated)).await.unwrap();
    let first: HandoverRecord = s.handover(h1).await.unwrap().unwrap();
    assert_eq!(first.superseded_by, Some(h2));
    assert!(!first.is_open());
    assert!(matches!(
        s.acknowledge_handover(h1, ids[1], "", now, draft(TrailAction::HandoverAcknowledged)).await,
        Err(StoreError::Stale(_))
    ));
    assert!(matches!(
        s.acknowledge_handover(h2, ids[1], "", now, draft(TrailAction::HandoverAcknowledged)).await,
        Err(StoreError::Stale(_))
    ));
    assert_eq!(s.pending_handover_password(ids[2]).await.unwrap(), None);
    let ack = now + Duration::seconds(5);
    s.acknowledge_handover(h2, ids[2], "收到", ack, draft(TrailAction::HandoverAcknowledged)).await.unwrap();
    // the password was last changed before the acknowledgment: pending
    assert_eq!(s.pending_handover_password(ids[2]).await.unwrap().map(|t| t.timestamp()), Some(ack.timestamp()));
    s.set_password(ids[2], "y", false, ack + Duration::seconds(1), draft(TrailAction::AuthPasswordChange))
        .await
        .unwrap();
    assert_eq!(s.pending_handover_password(ids[2]).await.unwrap(), None);
    assert_eq!(s.list_handovers(Some(unit.id), None).await.unwrap().len(), 2);
    assert_eq!(s.list_handovers(None, Some(ids[2])).await.unwrap().len(), 1);
    assert!(s.list_handovers(Some(other.id), None).await.unwrap().is_empty());
    assert!(db.try_exec(&format!("UPDATE handover SET ack_note = 'x' WHERE id = {h2}")).await.is_err());
    assert!(db.try_exec("DELETE FROM handover").await.is_err());

    // every change above is in the trail
    let actions: Vec<String> = s.recent_trail(1000).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in [
        "permission_review.started",
        "permission_review.refreshed",
        "permission_review.signed",
        "handover.acknowledged",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited: {actions:?}");
    }
    db.close().await;
}

// ---------------------------------------------------------------- through the API

async fn setup(db: TestDb) -> TestApp {
    let app = TestApp::new(db, Default::default()).await;
    app.account("M5001", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("C5001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C5002", vec![Role::Clerk], "LO-DA", false).await;
    app.account("D5001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("S5001", vec![Role::Supervisor], "LO-DA", false).await;
    app.account("I5001", vec![Role::InternalAuditor], "LO-DA", false).await;
    app.account("M6001", vec![Role::AccountManager], "LO-SS", false).await;
    app.account("A6001", vec![Role::Admin], "LA-IT", false).await;
    app
}

async fn login(app: &TestApp, emp: &str) -> String {
    app.sign_in(emp).await
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    app.db.store.unit_by_code(code).await.unwrap().unwrap().id
}

async fn account_id(app: &TestApp, emp: &str) -> i64 {
    app.db.store.account_by_employee_no(emp).await.unwrap().unwrap().id
}

fn body(r: &common::Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {} {}", r.status, r.body))
}

async fn status(app: &TestApp, cookie: &str) -> Value {
    let r = app.post("/api/accounts/review/status", "", Some(cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    body(&r)
}

async fn start(app: &TestApp, cookie: &str, unit: i64) -> common::Reply {
    app.post("/api/accounts/review/start", &format!("unit_id={unit}"), Some(cookie)).await
}

async fn get(app: &TestApp, cookie: &str, id: i64) -> common::Reply {
    app.post("/api/accounts/review/get", &format!("id={id}"), Some(cookie)).await
}

async fn decide(app: &TestApp, cookie: &str, input: Value) -> common::Reply {
    app.post_json("/api/accounts/review/decide", &json!({ "input": input }), Some(cookie)).await
}

fn item<'a>(review: &'a Value, emp: &str) -> &'a Value {
    review["items"].as_array().unwrap().iter().find(|i| i["employee_no"] == emp).unwrap_or_else(|| panic!("{emp}"))
}

async fn the_review_from_start_to_sign_off(db: TestDb) {
    let app = setup(db).await;
    let da = unit_id(&app, "LO-DA").await;
    let ss = unit_id(&app, "LO-SS").await;
    let now = Utc::now();
    // the unit has had accounts for a year and never reviewed: overdue
    db_exec(
        &app,
        &format!("UPDATE account SET created_at = '{}' WHERE employee_no = 'S5001'", ts(now - Duration::days(400))),
    )
    .await;
    // C5002 last signed in 200 days ago; C5001 queried three days ago; X5001 is disabled
    db_exec(
        &app,
        &format!("UPDATE account SET last_login_at = '{}' WHERE employee_no = 'C5002'", ts(now - Duration::days(200))),
    )
    .await;
    let c1 = account_id(&app, "C5001").await;
    db_exec(
        &app,
        &format!(
            "INSERT INTO seal_query (queried_at, operator_id, unit_id, business_type, case_number, national_id, after_hours) \
             VALUES ('{}', {c1}, {da}, 'land_registration', 'T1', 'A123456789', FALSE)",
            ts(now - Duration::days(3))
        ),
    )
    .await;
    let x = app.account("X5001", vec![Role::Clerk], "LO-DA", false).await;
    app.db.store.set_disabled(x, true, Some("離職"), draft(TrailAction::AccountDisable)).await.unwrap();

    let manager = login(&app, "M5001").await;
    let s = status(&app, &manager).await;
    assert_eq!(s["units"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(s["units"][0]["unit_id"], da);
    assert_eq!(s["units"][0]["state"], "overdue", "{s}");
    assert_eq!(s["units"][0]["last_signed_at"], Value::Null);
    assert_eq!(s["idle_days"], 90);

    let r = start(&app, &manager, da).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    // opening it again is the same review
    assert_eq!(start(&app, &manager, da).await.body.trim(), id.to_string());
    let r = get(&app, &manager, id).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = body(&r);
    assert_eq!(v["can_act"], true);
    let emps: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["employee_no"].as_str().unwrap()).collect();
    assert_eq!(emps, ["C5001", "C5002", "D5001", "I5001", "M5001", "S5001"], "active accounts of the unit only");
    assert_eq!(item(&v, "C5002")["flagged_idle"], true);
    assert!(item(&v, "C5002")["idle_days"].as_i64().unwrap() >= 200);
    assert_eq!(item(&v, "C5001")["flagged_idle"], false);
    assert!(item(&v, "C5001")["last_query_at"].is_string());
    assert_eq!(item(&v, "C5001")["roles"], json!(["clerk"]));
    // an account never signed in counts from its creation: 2 days, not idle; 400 days, idle
    assert_eq!(item(&v, "D5001")["flagged_idle"], false);
    assert_eq!(item(&v, "S5001")["flagged_idle"], true);

    // sign-off waits for every account
    let r = app.post("/api/accounts/review/sign", &format!("id={id}&note="), Some(&manager)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("未標記"), "{}", r.body);

    for emp in ["C5001", "D5001", "I5001", "M5001", "S5001"] {
        let r = decide(&app, &manager, json!({ "item_id": item(&v, emp)["id"], "decision": "keep" })).await;
        assert_eq!(r.status, 200, "{emp}: {}", r.body);
    }
    // a change files the matching request: the e-mail must be an official address
    let c2 = item(&v, "C5002")["id"].as_i64().unwrap();
    let bad = decide(
        &app,
        &manager,
        json!({ "item_id": c2, "decision": "change", "kind": "cancel", "email": "c5002@gmail.com", "reason": "久未使用" }),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.message().contains("公務信箱"), "{}", bad.body);
    // a 異動 to the same roles is no change
    let same = decide(
        &app,
        &manager,
        json!({ "item_id": c2, "decision": "change", "kind": "change", "roles": ["clerk"], "email": "c5002@gov.taipei" }),
    )
    .await;
    assert_eq!(same.status, 400, "{}", same.body);
    let r = decide(
        &app,
        &manager,
        json!({ "item_id": c2, "decision": "change", "kind": "cancel", "email": "c5002@gov.taipei", "reason": "久未使用" }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let request_id = body(&r)["request_id"].as_i64().expect("a request was opened");
    let req = app.db.store.request(request_id).await.unwrap().unwrap();
    assert_eq!(req.kind, RequestKind::Cancel);
    assert_eq!(req.state, app::server::store::RequestState::Filed);
    assert_eq!(req.employee_no, "C5002");
    assert_eq!(req.unit_id, da);
    assert_eq!(req.filed_by, account_id(&app, "M5001").await);
    let form: Value = serde_json::from_str(&req.form).unwrap();
    assert_eq!(form["agency"], "臺北市大安地政事務所");
    assert_eq!(form["reason"], "久未使用");
    // a change is final
    let r = decide(&app, &manager, json!({ "item_id": c2, "decision": "keep" })).await;
    assert_eq!(r.status, 400, "{}", r.body);
    // the review shows the request and its state
    let v = body(&get(&app, &manager, id).await);
    assert_eq!(item(&v, "C5002")["decision"], "change");
    assert_eq!(item(&v, "C5002")["request_id"], request_id);
    assert_eq!(item(&v, "C5002")["request_state"], "filed");
    // a keep may still become a change: a 異動 of D5001's roles
    let r = decide(
        &app,
        &manager,
        json!({ "item_id": item(&v, "D5001")["id"], "decision": "change", "kind": "change",
                "roles": ["clerk", "supervisor"], "email": "d5001@gov.taipei", "section": "登記課" }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let d_req = app.db.store.request(body(&r)["request_id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert_eq!(d_req.kind, RequestKind::Change);
    assert_eq!(d_req.role_list(), vec![Role::Clerk, Role::Supervisor]);
    assert!(d_req.form.contains("登記課"));

    let r = app
        .post("/api/accounts/review/sign", &format!("id={id}&note={}", common::urlencode("本季無異常")), Some(&manager))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = body(&get(&app, &manager, id).await);
    assert!(v["signed_at"].is_string());
    assert_eq!(v["can_act"], false);
    assert_eq!(v["note"], "本季無異常");
    // signed: no more decisions, no second sign-off; opening it again changes nothing
    let r = decide(&app, &manager, json!({ "item_id": item(&v, "M5001")["id"], "decision": "keep" })).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(app.post("/api/accounts/review/sign", &format!("id={id}&note="), Some(&manager)).await.status, 400);
    assert_eq!(start(&app, &manager, da).await.body.trim(), id.to_string());

    // the status, the list and the register's 前次盤點日期
    let s = status(&app, &manager).await;
    assert_eq!(s["units"][0]["state"], "signed");
    assert_eq!(s["units"][0]["current_signed"], true);
    assert!(s["units"][0]["last_signed_at"].is_string());
    let l = body(&app.post("/api/accounts/review/list", &format!("unit_id={da}"), Some(&manager)).await);
    assert_eq!(l.as_array().unwrap().len(), 1);
    assert_eq!(l[0]["accounts"], 6);
    assert_eq!(l[0]["kept"], 4);
    assert_eq!(l[0]["changed"], 2);
    // C5002, and S5001: created a year ago and never signed in
    assert_eq!(l[0]["flagged_idle"], 2);
    let dates = app.db.store.last_review_dates().await.unwrap();
    assert!(dates.iter().any(|(u, d)| *u == da && d.is_some()));
    assert!(dates.iter().any(|(u, d)| *u == ss && d.is_none()));

    let actions: Vec<String> = app.db.store.recent_trail(1000).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in [
        "permission_review.started",
        "permission_review.viewed",
        "permission_review.kept",
        "permission_review.changed",
        "account_request.filed",
        "permission_review.signed",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
    app.db.close().await;
}

async fn db_exec(app: &TestApp, sql: &str) {
    app.db.exec(sql).await
}

async fn who_may_review(db: TestDb) {
    let app = setup(db).await;
    let da = unit_id(&app, "LO-DA").await;
    let ss = unit_id(&app, "LO-SS").await;
    let manager = login(&app, "M5001").await;
    let id: i64 = start(&app, &manager, da).await.body.trim().parse().unwrap();
    let v = body(&get(&app, &manager, id).await);
    let c1_item = item(&v, "C5001")["id"].as_i64().unwrap();
    let keep = json!({ "item_id": c1_item, "decision": "keep" });

    // a clerk of the unit: nothing (and no units in the status)
    let clerk = login(&app, "C5001").await;
    assert_eq!(status(&app, &clerk).await["units"], json!([]));
    assert_eq!(start(&app, &clerk, da).await.status, 403);
    assert_eq!(get(&app, &clerk, id).await.status, 403);
    assert_eq!(decide(&app, &clerk, keep.clone()).await.status, 403);
    assert_eq!(app.post("/api/accounts/review/sign", &format!("id={id}&note="), Some(&clerk)).await.status, 403);
    assert_eq!(app.post("/api/accounts/review/list", &format!("unit_id={da}"), Some(&clerk)).await.status, 403);

    // another unit's manager: not on this unit — but on its own
    let other = login(&app, "M6001").await;
    assert_eq!(start(&app, &other, da).await.status, 403);
    assert_eq!(get(&app, &other, id).await.status, 403);
    assert_eq!(decide(&app, &other, keep.clone()).await.status, 403);
    assert_eq!(app.post("/api/accounts/review/sign", &format!("id={id}&note="), Some(&other)).await.status, 403);
    assert_eq!(start(&app, &other, ss).await.status, 200);

    // the deputy acts only while designated
    let deputy = login(&app, "D5001").await;
    assert_eq!(start(&app, &deputy, da).await.status, 403);
    assert_eq!(decide(&app, &deputy, keep.clone()).await.status, 403);
    let d = account_id(&app, "D5001").await;
    let designate = |from: DateTime<Utc>, to: DateTime<Utc>| NewDesignation {
        unit_id: da,
        account_id: d,
        kind: Designation::DeputyAccountManager,
        valid_from: from,
        valid_to: to,
        created_by: None,
        now: Utc::now(),
    };
    app.db
        .store
        .add_designation(
            &designate(Utc::now() - Duration::days(10), Utc::now() - Duration::days(1)),
            draft(TrailAction::DesignationAdd),
        )
        .await
        .unwrap();
    assert_eq!(start(&app, &deputy, da).await.status, 403, "an ended designation does not count");
    assert_eq!(status(&app, &deputy).await["units"], json!([]));
    app.db
        .store
        .add_designation(
            &designate(Utc::now() - Duration::hours(1), Utc::now() + Duration::days(90)),
            draft(TrailAction::DesignationAdd),
        )
        .await
        .unwrap();
    let r = start(&app, &deputy, da).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body.trim(), id.to_string());
    let s = status(&app, &deputy).await;
    assert_eq!(s["units"][0]["unit_id"], da);
    assert_eq!(s["units"][0]["as_deputy"], true);
    let r = decide(&app, &deputy, keep.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(body(&get(&app, &deputy, id).await)["can_act"], true);

    // the unit's internal auditor reads, but does not act
    let auditor = login(&app, "I5001").await;
    let r = get(&app, &auditor, id).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(body(&r)["can_act"], false);
    assert_eq!(decide(&app, &auditor, keep).await.status, 403);

    let denied = app
        .db
        .store
        .recent_trail(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "authz.denied" && r.details.contains("not_unit_manager"))
        .count();
    assert!(denied >= 8, "scope denials recorded: {denied}");
    app.db.close().await;
}

async fn the_hand_over(db: TestDb) {
    let app = setup(db).await;
    let da = unit_id(&app, "LO-DA").await;
    let manager = login(&app, "M5001").await;
    let create = |cookie: String, input: Value| {
        let app = &app;
        async move { app.post_json("/api/accounts/handover/create", &json!({ "input": input }), Some(&cookie)).await }
    };
    // an open request of the unit, to be listed
    let clerk = login(&app, "C5001").await;
    let r = app
        .post_json(
            "/api/accounts/requests/file",
            &json!({ "input": {
                "kind": "create", "applied_on": "115/11/27", "agency": "臺北市大安地政事務所", "section": "登記課",
                "user_name": "王小明", "employee_no": "C5099", "email": "c5099@gov.taipei", "roles": ["clerk"]
            }}),
            Some(&clerk),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // who may make the list
    let input = json!({ "incoming_employee_no": "D5001", "documents": "帳號異動申請單正本\n\n  清冊電子檔  ", "pending": "C5099 新增待核" });
    assert_eq!(create(clerk.clone(), input.clone()).await.status, 403);
    let other = login(&app, "M6001").await;
    let mut elsewhere = input.clone();
    elsewhere["unit_code"] = json!("LO-DA");
    assert_eq!(create(other.clone(), elsewhere).await.status, 403);
    let r = create(manager.clone(), json!({ "incoming_employee_no": "M6001" })).await;
    assert_eq!(r.status, 400, "the successor is of the same unit: {}", r.body);
    let r = create(manager.clone(), json!({ "incoming_employee_no": "M5001" })).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = create(manager.clone(), input.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let hid: i64 = r.body.trim().parse().unwrap();

    // the list as made: open requests, last review, pending items, documents
    let h = app.db.store.handover(hid).await.unwrap().unwrap();
    assert_eq!(h.unit_id, da);
    assert_eq!(h.outgoing_id, account_id(&app, "M5001").await);
    let list: Value = serde_json::from_str(&h.list).unwrap();
    assert_eq!(list["open_requests"].as_array().unwrap().len(), 1);
    assert_eq!(list["open_requests"][0]["employee_no"], "C5099");
    assert_eq!(list["last_review"], Value::Null);
    assert_eq!(list["documents"], json!(["帳號異動申請單正本", "清冊電子檔"]));
    let pending: Vec<&str> = list["pending"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(pending.iter().any(|p| p.contains("帳號權限審查尚未辦理")), "{pending:?}");
    assert!(pending.contains(&"C5099 新增待核"));

    // the successor sees it and acknowledges; nobody else may
    let d_cookie = login(&app, "D5001").await;
    let o = body(&app.post("/api/accounts/handover/list", "", Some(&d_cookie)).await);
    assert_eq!(o["handovers"].as_array().unwrap().len(), 1);
    assert_eq!(o["handovers"][0]["can_acknowledge"], true);
    assert_eq!(status(&app, &d_cookie).await["handovers_to_acknowledge"], 1);
    let c_list = body(&app.post("/api/accounts/handover/list", "", Some(&clerk)).await);
    assert_eq!(c_list["handovers"], json!([]));
    assert_eq!(
        app.post("/api/accounts/handover/acknowledge", &format!("id={hid}&note="), Some(&clerk)).await.status,
        403
    );
    // the successor becomes the manager (through a 異動 in real life)
    let d = account_id(&app, "D5001").await;
    app.db.store.set_roles(d, &[Role::Clerk, Role::AccountManager], draft(TrailAction::AccountRoles)).await.unwrap();
    // the successor changed the password just today (so the 1-day minimum age would apply)
    let hash = app::server::auth::hash_password(PASSWORD.into()).await.unwrap();
    app.db
        .store
        .set_password(d, &hash, false, chrono::Utc::now(), draft(TrailAction::AuthPasswordChange))
        .await
        .unwrap();
    let d_cookie = login(&app, "D5001").await;
    let r = app
        .post(
            "/api/accounts/handover/acknowledge",
            &format!("id={hid}&note={}", common::urlencode("點收無誤")),
            Some(&d_cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        app.post("/api/accounts/handover/acknowledge", &format!("id={hid}&note="), Some(&d_cookie)).await.status,
        400
    );

    // acknowledged: no manager action until the password is changed
    let r = start(&app, &d_cookie, da).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("PasswordChangeRequired"), "{}", r.body);
    let c1 = account_id(&app, "C5001").await;
    let r = app.post("/api/accounts/revoke", &format!("account_id={c1}&reason=left&text="), Some(&d_cookie)).await;
    assert_eq!(r.status, 403, "every manager action waits: {}", r.body);
    let s = status(&app, &d_cookie).await;
    assert!(s["password_change_for_handover"].is_string(), "{s}");
    assert_eq!(s["units"][0]["unit_id"], da, "the unit is still shown, with the reason");
    let o = body(&app.post("/api/accounts/handover/list", "", Some(&d_cookie)).await);
    assert_eq!(o["password_change_pending"], true);
    assert_eq!(o["handovers"][0]["password_change_pending"], true);
    assert!(app
        .db
        .store
        .recent_trail(200)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == "authz.denied" && e.details.contains("handover_password_change")));

    let r = app
        .post(
            "/api/auth/password",
            &format!(
                "current={}&new={}&confirm={}",
                common::urlencode(PASSWORD),
                common::urlencode("Handed-Over-2026#"),
                common::urlencode("Handed-Over-2026#")
            ),
            Some(&d_cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let d_cookie = r.session_cookie().unwrap_or(d_cookie);
    let r = start(&app, &d_cookie, da).await;
    assert_eq!(r.status, 200, "after the password change: {}", r.body);
    assert_eq!(status(&app, &d_cookie).await["password_change_for_handover"], Value::Null);

    // a newer list supersedes an open one; the superseded one cannot be acknowledged
    let h2: i64 =
        create(manager.clone(), json!({ "incoming_employee_no": "S5001" })).await.body.trim().parse().unwrap();
    let h3: i64 =
        create(manager.clone(), json!({ "incoming_employee_no": "C5002" })).await.body.trim().parse().unwrap();
    assert_eq!(app.db.store.handover(h2).await.unwrap().unwrap().superseded_by, Some(h3));
    assert_eq!(app.db.store.handover(hid).await.unwrap().unwrap().superseded_by, None);
    let sup = login(&app, "S5001").await;
    assert_eq!(app.post("/api/accounts/handover/acknowledge", &format!("id={h2}&note="), Some(&sup)).await.status, 400);

    // an administrator makes one for another unit, naming the outgoing manager
    let admin = login(&app, "A6001").await;
    let r = create(admin.clone(), json!({ "unit_code": "LO-SS", "incoming_employee_no": "M6001" })).await;
    assert_eq!(r.status, 400, "the outgoing manager must be named: {}", r.body);
    app.account("C6001", vec![Role::Clerk], "LO-SS", false).await;
    let r = create(
        admin.clone(),
        json!({ "unit_code": "LO-SS", "outgoing_employee_no": "M6001", "incoming_employee_no": "C6001" }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let all = body(&app.post("/api/accounts/handover/list", "", Some(&admin)).await);
    assert_eq!(all["handovers"].as_array().unwrap().len(), 4);
    assert!(app.db.try_exec("DELETE FROM handover").await.is_err());
    app.db.close().await;
}

/// The pages render on the server for a manager with an overdue review (the home page flags it).
async fn the_pages_render(db: TestDb) {
    let app = setup(db).await;
    let da = unit_id(&app, "LO-DA").await;
    let old = ts(Utc::now() - Duration::days(400));
    db_exec(&app, &format!("UPDATE account SET created_at = '{old}' WHERE employee_no = 'S5001'")).await;
    let manager = login(&app, "M5001").await;
    let home = app.request("GET", "/", "", Some(&manager), &[]).await;
    assert_eq!(home.status, 200);
    // the inbox lists the review, overdue, with its link
    let row = home.body.split("data-kind=\"review_due\"").nth(1).unwrap_or_else(|| panic!("{}", home.body));
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("overdue") && row.contains("/accounts/review"), "{row}");
    assert_eq!(start(&app, &manager, da).await.status, 200);
    let page = app.request("GET", "/accounts/review", "", Some(&manager), &[]).await;
    assert_eq!(page.status, 200);
    // the status renders on the server; the items load once the page is live (see pages/reviews.rs)
    assert!(page.body.contains("review-status"), "{}", page.body);
    let page = app.request("GET", "/accounts/handover", "", Some(&manager), &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("handover-form"), "{}", page.body);
    app.db.close().await;
}

/// The caller as the use cases take it, for an account made by `setup`.
async fn caller(app: &TestApp, emp: &str) -> app::server::caller::Caller {
    let a = app.db.store.account_by_employee_no(emp).await.unwrap().unwrap();
    app::server::caller::Caller::new(
        app::server::auth::Actor::from_account(&a, &Default::default(), Utc::now()),
        Some([10, 0, 0, 9].into()),
    )
}

/// The review and hand-over use cases reached without HTTP: `server::reviews` with a `Caller`
/// decides who may (a refusal is a denial in the trail, with its reason, endpoint and address),
/// refuses with typed problems, writes its own trail rows, and a row that does not read is an
/// error naming it.
async fn use_cases_without_http(db: TestDb) {
    use app::domain::review_view::{DecisionInput, HandoverInput, ListField, ReviewError};
    use app::server::caller::Failure;
    use app::server::reviews as uc;

    let app = setup(db).await;
    let state =
        app::server::AppState::new(app.db.store.clone(), Default::default(), std::sync::Arc::new(common::KEY.to_vec()));
    let da = unit_id(&app, "LO-DA").await;
    let ss = unit_id(&app, "LO-SS").await;
    let (manager, clerk, auditor, admin) = (
        caller(&app, "M5001").await,
        caller(&app, "C5001").await,
        caller(&app, "I5001").await,
        caller(&app, "A6001").await,
    );
    let denials = |reason: &'static str| {
        let store = app.db.store.clone();
        async move {
            store
                .recent_trail(500)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "authz.denied" && e.details.contains(reason))
                .collect::<Vec<_>>()
        }
    };

    // a clerk does not start the unit's review: refused, and the refusal is in the trail
    let r = uc::start(&state, &clerk, da, "/test/review/start").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let denied = denials("not_unit_manager").await;
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert!(denied[0].details.contains("/test/review/start"), "{:?}", denied[0]);
    assert_eq!(denied[0].client_ip.as_deref(), Some("10.0.0.9"));
    assert!(matches!(uc::list(&state, &clerk, da, "/test/review/list").await, Err(Failure::Forbidden)));
    assert_eq!(denials("not_unit_manager").await.len(), 2);

    // the manager starts it; the unit's internal auditor reads it but may not act
    let id = uc::start(&state, &manager, da, "/test/review/start").await.unwrap();
    assert_eq!(uc::start(&state, &manager, da, "/test/review/start").await.unwrap(), id);
    let v = uc::open(&state, &auditor, id, "/test/review/get").await.unwrap();
    assert!(!v.can_act);
    assert_eq!(v.items.len(), 6);
    let v = uc::open(&state, &manager, id, "/test/review/get").await.unwrap();
    assert!(v.can_act);
    assert_eq!(v.quarter_zh, app::domain::Quarter::parse(&v.quarter).unwrap().zh());
    assert!(v.started_by.contains("M5001"), "{}", v.started_by);

    // the typed refusals
    let item = v.items.iter().find(|i| i.employee_no == "C5001").unwrap().id;
    let decide = |input: DecisionInput| {
        let (state, manager) = (&state, &manager);
        async move { uc::decide(state, manager, &input, "/test/review/decide").await }
    };
    let r = decide(DecisionInput { item_id: item, ..Default::default() }).await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::NoDecision))), "{r:?}");
    let keep = Some(app::domain::review::AccountDecision::Keep);
    let r = decide(DecisionInput { item_id: item, decision: keep, note: "x".repeat(201), ..Default::default() }).await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::NoteTooLong { max: 200 }))), "{r:?}");
    let change = Some(app::domain::review::AccountDecision::Change);
    let r = decide(DecisionInput { item_id: item, decision: change, ..Default::default() }).await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::NoChangeKind))), "{r:?}");
    let r = decide(DecisionInput {
        item_id: item,
        decision: change,
        kind: Some(RequestKind::Cancel),
        email: "c5001@gmail.com".into(),
        ..Default::default()
    })
    .await;
    match r {
        Err(Failure::Problem(ReviewError::Form { errors })) => {
            assert!(errors.iter().any(|e| e.field == "email"), "{errors:?}")
        }
        r => panic!("{r:?}"),
    }
    assert!(matches!(
        decide(DecisionInput { item_id: 999_999, decision: keep, ..Default::default() }).await,
        Err(Failure::NotFound)
    ));
    decide(DecisionInput { item_id: item, decision: keep, ..Default::default() }).await.unwrap();
    let r = uc::sign(&state, &manager, id, "", "/test/review/sign").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::Undecided { count: 5 }))), "{r:?}");
    let r = uc::sign(&state, &manager, id, &"x".repeat(501), "/test/review/sign").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::OpinionTooLong))), "{r:?}");

    // the hand-over: typed refusals, and only the incoming account acknowledges
    let input = |incoming: &str| HandoverInput { incoming_employee_no: incoming.into(), ..Default::default() };
    let r = uc::create_handover(&state, &manager, &input("M5001"), "/test/handover/create").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::SameIncoming))), "{r:?}");
    let r = uc::create_handover(&state, &manager, &input("M6001"), "/test/handover/create").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::IncomingNotOfUnit))), "{r:?}");
    let r = uc::create_handover(&state, &admin, &input("C5001"), "/test/handover/create").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::OutgoingRequired))), "{r:?}");
    let r = uc::create_handover(
        &state,
        &manager,
        &HandoverInput { unit_code: "LO-XX".into(), ..input("C5001") },
        "/test/handover/create",
    )
    .await;
    assert!(matches!(&r, Err(Failure::Problem(ReviewError::NoSuchUnit { code })) if code == "LO-XX"), "{r:?}");
    let many = (0..51).map(|i| format!("item {i}")).collect::<Vec<_>>().join("\n");
    let r = uc::create_handover(&state, &manager, &HandoverInput { pending: many, ..input("C5001") }, "/t").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::TooManyLines { field: ListField::Pending }))), "{r:?}");
    let r = uc::create_handover(
        &state,
        &manager,
        &HandoverInput { documents: "x".repeat(201), ..input("C5001") },
        "/test/handover/create",
    )
    .await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::LineTooLong { field: ListField::Documents }))), "{r:?}");
    let hid = uc::create_handover(&state, &manager, &input("C5001"), "/test/handover/create").await.unwrap();
    let list = uc::handovers(&state, &clerk).await.unwrap();
    assert_eq!(list.handovers.len(), 1);
    assert!(list.handovers[0].can_acknowledge);
    assert!(
        list.handovers[0].list.pending[0].contains("帳號權限審查尚未簽核（未標記 5 筆）"),
        "{:?}",
        list.handovers[0].list
    );
    let r = uc::acknowledge(&state, &auditor, hid, "", "/test/handover/acknowledge").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let denied = denials("not_incoming").await;
    assert_eq!(denied.len(), 1);
    assert!(denied[0].details.contains("/test/handover/acknowledge"), "{:?}", denied[0]);
    let r = uc::acknowledge(&state, &clerk, hid, &"x".repeat(501), "/test/handover/acknowledge").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::NoteTooLong { max: 500 }))), "{r:?}");
    uc::acknowledge(&state, &clerk, hid, "點收", "/test/handover/acknowledge").await.unwrap();
    let r = uc::acknowledge(&state, &clerk, hid, "", "/test/handover/acknowledge").await;
    assert!(matches!(r, Err(Failure::Problem(ReviewError::HandoverClosed))), "{r:?}");

    // the use cases wrote their own trail rows
    let actions: Vec<String> = app.db.store.recent_trail(500).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in [
        "permission_review.started",
        "permission_review.viewed",
        "permission_review.kept",
        "handover.created",
        "handover.list",
        "handover.acknowledged",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not in the trail");
    }

    // a row that does not read is an error naming it, never a blank
    // (a review's quarter that does not read cannot be stored: both schemas check its shape)
    let m6 = account_id(&app, "M6001").await;
    let broken = NewHandover {
        unit_id: ss,
        outgoing_id: m6,
        incoming_id: account_id(&app, "A6001").await,
        created_by: m6,
        list_json: "not json".into(),
        now: Utc::now(),
    };
    let bad = app.db.store.create_handover(&broken, draft(TrailAction::HandoverCreated)).await.unwrap();
    match uc::handovers(&state, &admin).await {
        Err(Failure::Internal(e)) => assert!(e.contains(&format!("handover {bad}")), "{e}"),
        r => panic!("{r:?}"),
    }
    app.db.close().await;
}

on_both!(
    store_reviews_and_handovers,
    the_review_from_start_to_sign_off,
    who_may_review,
    the_hand_over,
    the_pages_render,
    use_cases_without_http
);
