//! 待辦 and the menu (#39 item 1), through the HTTP API on both databases: each kind of work
//! reaches the person who must do it (by role and unit), with its deadline and link, and leaves
//! the inbox once done; the menu lists only what the person may open, with the counts; the
//! background call does not move the session's idle deadline.

use crate::common;

use crate::common::{query_body, TestApp, TestDb};
use app::domain::Role;
use app::server::state::LiaisonConfig;
use serde_json::{json, Value};

/// Demo person at 大安 with a clear impression.
const CLEAR: &str = "A123456789";

async fn setup(db: TestDb) -> TestApp {
    let app = TestApp::with_state(db, Default::default(), move |s| {
        s.with_liaison(LiaisonConfig { approval_required: true, reply_days: 3 })
    })
    .await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C1001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C1002", vec![Role::Clerk], "LO-DA", false).await;
    app.account("S1001", vec![Role::Supervisor], "LO-DA", false).await;
    app.account("M1001", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("H1001", vec![Role::HouseholdOffice], "HR-DA", false).await;
    app.account("A1001", vec![Role::Admin], "LA-IT", false).await;
    app
}

async fn json_ok(r: common::Reply) -> Value {
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn inbox(app: &TestApp, cookie: &str) -> Vec<Value> {
    json_ok(app.post("/api/work/inbox", "", Some(cookie)).await).await["items"].as_array().unwrap().clone()
}

async fn menu(app: &TestApp, cookie: &str) -> Vec<Value> {
    json_ok(app.post("/api/work/menu", "", Some(cookie)).await).await["entries"].as_array().unwrap().clone()
}

fn kinds(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["kind"].as_str().unwrap().to_string()).collect()
}

fn waiting(menu: &[Value], entry: &str) -> Option<i64> {
    menu.iter().find(|e| e["entry"] == entry).map(|e| e["waiting"].as_i64().unwrap())
}

async fn look_up(app: &TestApp, cookie: &str, case: &str) -> i64 {
    let q = query_body(json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": case, "case_free": "", "national_id": CLEAR, "person_name": "" }));
    json_ok(app.post_json("/api/comparisons/start", &q, Some(cookie)).await).await["query_id"].as_i64().unwrap()
}

/// A clerk's look-up without a comparison waits as 未完成比對 until compared; the menu counts it
/// under 印鑑比對 and lists only the clerk's pages; a supervisor's menu is another.
async fn lookups_wait_until_compared(db: TestDb) {
    let app = setup(db).await;
    let clerk = app.sign_in("C1001").await;
    assert!(inbox(&app, &clerk).await.is_empty());
    let first = look_up(&app, &clerk, "000101").await;
    let second = look_up(&app, &clerk, "000102").await;
    let items = inbox(&app, &clerk).await;
    assert_eq!(kinds(&items), ["unfinished_lookup", "unfinished_lookup"]);
    // oldest first, each with its case, its link and the end of its working day as deadline
    assert_eq!(items[0]["id"], first);
    assert_eq!(items[1]["id"], second);
    assert_eq!(items[0]["about"], "115年大安字第000101號");
    assert_eq!(items[0]["href"], format!("/compare?resume={first}"));
    assert_eq!(items[0]["overdue"], false);
    let deadline: chrono::DateTime<chrono::Utc> = serde_json::from_value(items[0]["deadline"].clone()).unwrap();
    let since: chrono::DateTime<chrono::Utc> = serde_json::from_value(items[0]["since"].clone()).unwrap();
    assert!(deadline > since && deadline - since < chrono::Duration::days(4), "{since} → {deadline}");
    assert!(!items[0].to_string().contains(CLEAR), "no ID in the inbox: {}", items[0]);
    // another clerk of the unit has none of it
    let other = app.sign_in("C1002").await;
    assert!(inbox(&app, &other).await.is_empty());

    let m = menu(&app, &clerk).await;
    assert_eq!(waiting(&m, "compare"), Some(2));
    assert_eq!(waiting(&m, "home"), Some(2));
    assert_eq!(waiting(&m, "history"), Some(0));
    for absent in ["trail", "accounts", "reports", "audits", "register", "seals"] {
        assert_eq!(waiting(&m, absent), None, "a clerk's menu has no {absent}");
    }

    // compared: no longer waiting
    let r = app.post_submit(&common::serve::submission(first), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let items = inbox(&app, &clerk).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], second);
    assert_eq!(waiting(&menu(&app, &clerk).await, "compare"), Some(1));

    // the supervisor's menu: the unit's oversight, no comparing
    let sup = app.sign_in("S1001").await;
    let m = menu(&app, &sup).await;
    for present in ["home", "history", "liaison", "reports", "audits", "register", "account_requests", "password"] {
        assert!(waiting(&m, present).is_some(), "a supervisor's menu has {present}: {m:?}");
    }
    assert_eq!(waiting(&m, "compare"), None);
    // the administrator's: the system's pages
    let admin = app.sign_in("A1001").await;
    let m = menu(&app, &admin).await;
    for present in ["accounts", "units", "calendar", "retention", "security", "trail"] {
        assert!(waiting(&m, present).is_some(), "an administrator's menu has {present}");
    }
    app.db.close().await;
}

fn slip_input() -> Value {
    json!({
        "contact_date": "115/11/27", "office": "HR-DA", "sender_phone": "(02)2345-6789", "sender_ext": "201",
        "sender_fax": "", "case_number": "115年大安字第004321號", "handler": "測試C1001", "section_chief": "",
        "person_name": "周冠宇", "national_id": CLEAR, "subject": "unclear", "household_date": "", "seal_date": "",
        "other_text": ""
    })
}

/// A slip waits for the section chief, then for the office (with the reply deadline), then for
/// the sending clerks to read the reply; an account request for the supervisor's endorsement,
/// then for the manager's review. Each leaves one inbox as it reaches the next.
async fn slips_and_requests_travel(db: TestDb) {
    let app = setup(db).await;
    let clerk = app.sign_in("C1001").await;
    let sup = app.sign_in("S1001").await;
    let office = app.sign_in("H1001").await;
    let manager = app.sign_in("M1001").await;

    let r =
        app.post_json("/api/liaison/create", &json!({ "input": slip_input(), "query_id": null }), Some(&clerk)).await;
    let id = json_ok(r).await.as_i64().unwrap();
    assert_eq!(app.post("/api/liaison/send", &format!("id={id}"), Some(&clerk)).await.status, 200);
    // the chief approves; the clerk who wrote it does not
    let items = inbox(&app, &sup).await;
    assert_eq!(kinds(&items), ["slip_to_approve"]);
    assert_eq!(items[0]["href"], format!("/liaison/{id}"));
    assert_eq!(items[0]["about"], "115年大安字第004321號");
    assert!(items[0]["deadline"].is_string(), "a handling deadline in working days");
    assert!(inbox(&app, &clerk).await.is_empty());
    assert_eq!(waiting(&menu(&app, &sup).await, "liaison"), Some(1));
    assert!(inbox(&app, &office).await.is_empty(), "not sent yet");

    let r = app.post("/api/liaison/approve", &format!("id={id}&approve=true&note="), Some(&sup)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(inbox(&app, &sup).await.is_empty());
    let items = inbox(&app, &office).await;
    assert_eq!(kinds(&items), ["slip_to_answer"]);
    let slip = app.db.store.slip(id).await.unwrap().unwrap();
    let deadline: chrono::DateTime<chrono::Utc> = serde_json::from_value(items[0]["deadline"].clone()).unwrap();
    assert_eq!(Some(deadline), slip.due_at, "the office's deadline is the slip's reply deadline");
    assert_eq!(waiting(&menu(&app, &office).await, "liaison"), Some(1));

    // the office answers: the unit's clerks have a reply to read
    let reply = json!({ "phone": "02-2700-0000", "handler": "劉雅婷", "outcome": "other", "other_text": "請申請人臨櫃辦理",
        "corrected_date": "", "has_image": false });
    let r =
        app.post_json("/api/liaison/reply", &json!({ "id": id, "input": reply, "image_b64": "" }), Some(&office)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(inbox(&app, &office).await.is_empty());
    assert_eq!(kinds(&inbox(&app, &clerk).await), ["slip_replied"]);
    assert_eq!(app.post("/api/liaison/close", &format!("id={id}"), Some(&clerk)).await.status, 200);
    assert!(inbox(&app, &clerk).await.is_empty());

    // an account request: endorsed by the supervisor, then reviewed by the manager
    let form = json!({ "input": {
        "kind": "create", "reason": "", "applied_on": "115/11/27", "agency": "臺北市大安地政事務所", "section": "登記課",
        "user_name": "王小明", "phone": "02-2345-6789", "employee_no": "C1042", "email": "c1042@gov.taipei",
        "roles": ["clerk"], "target_unit": ""
    }});
    let r = app.post_json("/api/accounts/requests/file", &form, Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let req: i64 = r.body.trim().parse().unwrap();
    let items = inbox(&app, &sup).await;
    assert_eq!(kinds(&items), ["request_to_endorse"]);
    assert_eq!(items[0]["href"], format!("/accounts/requests/{req}"));
    assert!(inbox(&app, &manager).await.is_empty());
    assert_eq!(waiting(&menu(&app, &sup).await, "account_requests"), Some(1));
    assert_eq!(app.post("/api/accounts/requests/endorse", &format!("id={req}"), Some(&sup)).await.status, 200);
    assert!(inbox(&app, &sup).await.is_empty());
    assert_eq!(kinds(&inbox(&app, &manager).await), ["request_to_review"]);
    app.db.close().await;
}

/// Work no rule times turns overdue after its working days; the clock moved a week on shows it.
async fn overdue_after_the_handling_days(db: TestDb) {
    let app = setup(db).await;
    let clerk = app.sign_in("C1001").await;
    look_up(&app, &clerk, "000201").await;
    app.clock.advance(chrono::Duration::days(8));
    let clerk = app.sign_in("C1001").await;
    let items = inbox(&app, &clerk).await;
    assert_eq!(items[0]["overdue"], true, "a look-up left past its day is overdue: {items:?}");
    let m = menu(&app, &clerk).await;
    let compare = m.iter().find(|e| e["entry"] == "compare").unwrap();
    assert_eq!(compare["overdue"], 1);
    app.db.close().await;
}

/// The counts are a background call: asking for them does not move the session's idle
/// deadline (an ordinary call does).
async fn counting_keeps_the_idle_deadline(db: TestDb) {
    let app = setup(db).await;
    let clerk = app.sign_in("C1001").await;
    let expiry = || common::session_deadline(&app.db);
    let before = expiry().await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.post("/api/work/menu", "", Some(&clerk)).await.status, 200);
    assert_eq!(expiry().await, before, "the menu's counts left the deadline as it was");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.post("/api/work/inbox", "", Some(&clerk)).await.status, 200);
    assert_ne!(expiry().await, before, "opening the inbox is activity");
    app.db.close().await;
}

async fn trail_actions(app: &TestApp) -> Vec<String> {
    app.db.store.recent_trail(50).await.unwrap().into_iter().map(|r| r.action).collect()
}

async fn unit_lookups(app: &TestApp) -> Vec<app::domain::report::QueryLine> {
    let unit = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let now = app.clock.now();
    let week = chrono::Duration::days(7);
    app.db.store.query_lines(unit, now - week, now + week).await.unwrap()
}

/// 未完成比對 (#39 item 3): resumed on the workbench under the same query id the same working
/// day (no second log row; the trail has the re-opening), only by its clerk; afterwards closed
/// with a reason that the monthly report's lines carry; a compared or closed look-up is neither.
async fn resume_the_same_day_close_afterwards(db: TestDb) {
    let app = setup(db).await;
    let clerk = app.sign_in("C1001").await;
    let qid = look_up(&app, &clerk, "000301").await;
    assert_eq!(unit_lookups(&app).await.len(), 1);

    let r = app.post("/api/work/resume", &format!("id={qid}"), Some(&clerk)).await;
    let started = json_ok(r).await;
    assert_eq!(started["query_id"], qid);
    assert_eq!(started["case_number"], "115年大安字第000301號");
    assert_eq!(started["national_id_masked"], "A12****789");
    assert_eq!(started["seal"]["image_url"], format!("/api/comparisons/{qid}/registered.png"));
    assert_eq!(unit_lookups(&app).await.len(), 1, "resuming logs no second look-up");
    assert_eq!(trail_actions(&app).await[0], "seal.query.resumed");
    // the image of the resumed look-up is served as at the look-up
    assert_eq!(app.get(&format!("/api/comparisons/{qid}/registered.png"), Some(&clerk)).await.0.status, 200);

    // not another clerk's (the refusal is in the trail)
    let other = app.sign_in("C1002").await;
    assert_eq!(app.post("/api/work/resume", &format!("id={qid}"), Some(&other)).await.status, 403);
    assert_eq!(app.post("/api/work/close", &format!("id={qid}&reason=x"), Some(&other)).await.status, 403);
    let denied = app.db.store.recent_trail(1).await.unwrap().remove(0);
    assert!(denied.details.contains("not_own_query"), "{}", denied.details);

    // the next day: no longer resumable; closed with a reason instead
    app.clock.advance(chrono::Duration::days(1));
    let clerk = app.sign_in("C1001").await;
    let r = app.post("/api/work/resume", &format!("id={qid}"), Some(&clerk)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("逾當日"), "{}", r.body);
    assert_eq!(app.post("/api/work/close", &format!("id={qid}&reason=%20%20"), Some(&clerk)).await.status, 400);
    assert_eq!(inbox(&app, &clerk).await.len(), 1, "a refused closing closes nothing");
    let reason = "申請人未到場，案件撤回";
    let r = app.post("/api/work/close", &format!("id={qid}&reason={}", common::urlencode(reason)), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(inbox(&app, &clerk).await.is_empty());
    let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
    assert_eq!(last.action, "seal.query.closed");
    assert!(last.details.contains(reason), "{}", last.details);
    let lines = unit_lookups(&app).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].closed_reason.as_deref(), Some(reason), "the monthly report shows the reason");
    let r = app.post("/api/work/close", &format!("id={qid}&reason=again"), Some(&clerk)).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("已註記不比對"), "{}", r.body);
    assert_eq!(app.post("/api/work/resume", &format!("id={qid}"), Some(&clerk)).await.status, 400);
    // the closing cannot be edited or removed
    assert!(app.db.try_exec("UPDATE query_closing SET reason = 'x'").await.is_err());
    assert!(app.db.try_exec("DELETE FROM query_closing").await.is_err());

    // a compared look-up is neither resumed nor closed
    let done = look_up(&app, &clerk, "000302").await;
    assert_eq!(app.post_submit(&common::serve::submission(done), Some(&clerk)).await.status, 200);
    let r = app.post("/api/work/resume", &format!("id={done}"), Some(&clerk)).await;
    assert!(r.message().contains("已完成比對"), "{}", r.body);
    assert_eq!(app.post("/api/work/close", &format!("id={done}&reason=x"), Some(&clerk)).await.status, 400);
    app.db.close().await;
}

/// The idle timeout's warning asks what is left of the session (from its stored deadline)
/// without extending it; 繼續使用 extends it. Nobody signed in: 401.
async fn session_time_left(db: TestDb) {
    let app = setup(db).await;
    let clerk = app.sign_in("C1001").await;
    assert_eq!(app.post("/api/session/time", "", None).await.status, 401);
    let before = common::session_deadline(&app.db).await;
    let t = json_ok(app.post("/api/session/time", "", Some(&clerk)).await).await;
    assert_eq!(t["idle_secs"], 900);
    let first = t["remaining_secs"].as_i64().unwrap();
    assert!((895..=900).contains(&first), "{t}");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let t = json_ok(app.post("/api/session/time", "", Some(&clerk)).await).await;
    let second = t["remaining_secs"].as_i64().unwrap();
    assert!(second < first, "the time left runs down while nothing is done: {first} → {second}");
    assert_eq!(common::session_deadline(&app.db).await, before, "asking did not extend the session");
    let t = json_ok(app.post("/api/session/continue", "", Some(&clerk)).await).await;
    assert_eq!(t["remaining_secs"], 900);
    assert_ne!(common::session_deadline(&app.db).await, before, "繼續使用 extended it");
    let t = json_ok(app.post("/api/session/time", "", Some(&clerk)).await).await;
    assert!(t["remaining_secs"].as_i64().unwrap() >= 898, "{t}");
    app.db.close().await;
}

on_both!(
    session_time_left,
    resume_the_same_day_close_afterwards,
    lookups_wait_until_compared,
    slips_and_requests_travel,
    overdue_after_the_handling_days,
    counting_keeps_the_idle_deadline
);
