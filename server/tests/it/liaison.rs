//! Liaison slips (附件一) end to end through the HTTP API, on both databases: the exchange from
//! draft to closed with the rebuilt impression becoming the person's new version, the section
//! chief's approval, cancelling, a corrected registration date, the reply deadline on the
//! working-time calendar, and who may see and do what across units and offices.

use crate::common;

use std::sync::Arc;

use crate::common::{b64, fixture, query_body, TestApp, TestDb};
use app::domain::Role;
use app::server::auth::Actor;
use app::server::caller::Caller;
use app::server::state::LiaisonConfig;
use app::server::store::SlipState;
use serde_json::{json, Value};

/// Demo person registered at 大安 from a blurred impression (印模不清).
const UNCLEAR: &str = "A128603153";
/// Demo person at 大安 with a clear impression, registered 2019-03-14.
const CLEAR: &str = "A123456789";

/// The unit's look-ups in the query log around now.
async fn lookups_today(app: &TestApp, unit_id: i64) -> usize {
    let now = chrono::Utc::now();
    let day = chrono::Duration::days(1);
    app.db.store.query_lines(unit_id, now - day, now + day).await.unwrap().len()
}

async fn setup(db: TestDb, approval: bool) -> TestApp {
    let app = TestApp::with_state(db, Default::default(), move |s| {
        s.with_liaison(LiaisonConfig { approval_required: approval, reply_days: 3 })
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

fn slip_input(id: &str, subject: &str) -> Value {
    json!({
        "contact_date": "115/11/27", "office": "HR-DA", "sender_phone": "(02)2345-6789", "sender_ext": "201",
        "sender_fax": "", "case_number": "115年大安字第004321號", "handler": "測試C1001", "section_chief": "",
        "person_name": "周冠宇", "national_id": id, "subject": subject, "household_date": "", "seal_date": "",
        "other_text": ""
    })
}

async fn json_ok(r: common::Reply) -> Value {
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn create(app: &TestApp, cookie: &str, input: Value) -> i64 {
    let r = app.post_json("/api/liaison/create", &json!({ "input": input, "query_id": null }), Some(cookie)).await;
    json_ok(r).await.as_i64().unwrap()
}

async fn get(app: &TestApp, cookie: &str, id: i64) -> common::Reply {
    app.post("/api/liaison/get", &format!("id={id}"), Some(cookie)).await
}

async fn list(app: &TestApp, cookie: &str, filter: Value) -> Vec<Value> {
    let r = app.post_json("/api/liaison/list", &json!({ "filter": filter }), Some(cookie)).await;
    json_ok(r).await.as_array().unwrap().clone()
}

async fn counts(app: &TestApp, cookie: &str) -> Value {
    json_ok(app.post("/api/liaison/waiting", "", Some(cookie)).await).await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.db.store.recent_trail(500).await.unwrap().into_iter().map(|r| r.action).collect()
}

async fn exchange_with_rebuild(db: TestDb) {
    let app = setup(db, false).await;
    let clerk = login(&app, "C1001").await;
    let office = login(&app, "H1001").await;

    // the comparison: the registered impression is 印模不清; the form comes pre-filled from it
    let q =
        query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": "004321", "case_free": "", "national_id": UNCLEAR, "person_name": "" }));
    let started = json_ok(app.post_json("/api/comparisons/start", &q, Some(&clerk)).await).await;
    assert_eq!(started["seal"]["unclear"], true, "the demo impression is judged unclear");
    let qid = started["query_id"].as_i64().unwrap();
    let data = json_ok(app.post("/api/liaison/form-data", &format!("query_id={qid}"), Some(&clerk)).await).await;
    let mut input = data["input"].clone();
    assert_eq!(input["subject"], "unclear");
    assert_eq!(input["office"], "HR-DA");
    assert_eq!(input["person_name"], "周冠宇");
    assert_eq!(data["offices"].as_array().unwrap().len(), 12);
    input["sender_phone"] = json!("(02)2345-6789");
    let r = app.post_json("/api/liaison/create", &json!({ "input": input, "query_id": qid }), Some(&clerk)).await;
    let id = json_ok(r).await.as_i64().unwrap();

    // a draft stays in the unit: the office neither lists nor opens it
    assert!(list(&app, &office, json!({})).await.is_empty());
    assert_eq!(get(&app, &office, id).await.status, 403);
    let d = json_ok(get(&app, &clerk, id).await).await;
    assert_eq!(d["row"]["state"], "draft");
    assert_eq!(d["can_send"], true);

    // sent: the deadline is the end of office hours on the 3rd working day
    let r = app.post("/api/liaison/send", &format!("id={id}"), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rec = app.db.store.slip(id).await.unwrap().unwrap();
    assert_eq!(rec.state, SlipState::Sent);
    let cal = app::server::comparisons::calendar(&app.db.store).await.unwrap();
    assert_eq!(rec.due_at, Some(cal.working_deadline(rec.sent_at.unwrap(), 3)));
    assert!(rec.due_at.unwrap() > rec.sent_at.unwrap() + chrono::Duration::days(2));

    // the office's inbox has it, IDs masked; opening it marks it received
    let inbox = list(&app, &office, json!({})).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["national_id_masked"], "A12****153");
    assert_eq!(inbox[0]["overdue"], false);
    assert_eq!(counts(&app, &office).await["inbox_open"], 1);
    let d = json_ok(get(&app, &office, id).await).await;
    assert_eq!(d["row"]["state"], "received");
    assert_eq!(d["can_reply"], true);
    assert_eq!(d["form"]["national_id"], UNCLEAR, "the office sees the full ID to find the person");
    // once received it can no longer be cancelled
    let r = app.post("/api/liaison/cancel", &format!("id={id}&note="), Some(&clerk)).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // 印模已完成重建 needs the image; with it, the rebuilt impression is the new version
    let reply = json!({ "phone": "02-2700-0000", "handler": "劉雅婷", "outcome": "rebuilt", "other_text": "",
        "corrected_date": "", "has_image": true });
    let r =
        app.post_json("/api/liaison/reply", &json!({ "id": id, "input": reply, "image_b64": "" }), Some(&office)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("上傳重建後的印模影像"), "{}", r.body);
    assert_eq!(app.db.store.seal_versions(UNCLEAR).await.unwrap().len(), 1, "nothing stored");
    let clean = fixture("registered/r0004.png");
    let r = app
        .post_json("/api/liaison/reply", &json!({ "id": id, "input": reply, "image_b64": b64(&clean) }), Some(&office))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let versions = app.db.store.seal_versions(UNCLEAR).await.unwrap();
    assert_eq!(versions.len(), 2, "the old version is kept");
    assert_eq!(versions[1].reason, app::domain::seal::SealReason::Rebuild);
    assert!(!versions[1].unclear, "the rebuilt impression is clear");
    assert_eq!(versions[1].registered_on, versions[0].registered_on, "a rebuild keeps the registration date");
    let rec = app.db.store.slip(id).await.unwrap().unwrap();
    assert_eq!(rec.state, SlipState::Replied);
    assert_eq!(rec.new_seal_version_id, Some(versions[1].id));
    // a second reply is refused
    let r = app
        .post_json("/api/liaison/reply", &json!({ "id": id, "input": reply, "image_b64": b64(&clean) }), Some(&office))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);

    // the sender sees the reply waiting, and compares again against the new version
    assert_eq!(counts(&app, &clerk).await["replies_waiting"], 1);
    let d = json_ok(get(&app, &clerk, id).await).await;
    assert_eq!(d["reply"]["outcome"]["kind"], "rebuilt");
    assert_eq!(d["new_version"]["version"], 2);
    assert_eq!(d["can_compare"], true);
    // no image or registry data without a logged query (五(二)2): the sender sees them only by
    // comparing again, which files a query of its own
    assert_eq!(d["new_version"]["image_b64"], "", "the impression is not shown through the slip");
    assert!(d["new_version"]["registered_on"].is_null());
    let office_view = json_ok(get(&app, &office, id).await).await;
    assert!(office_view["new_version"]["image_b64"].as_str().unwrap().len() > 100, "the office sees what it made");
    let queries_before = lookups_today(&app, rec.sender_unit_id).await;
    let again = json_ok(app.post("/api/liaison/compare-input", &format!("id={id}"), Some(&clerk)).await).await;
    assert_eq!(again["national_id"], UNCLEAR);
    assert_eq!(again["case_word"], "大安");
    assert_eq!(again["business_type"], "land_registration");
    let started = json_ok(app.post_json("/api/comparisons/start", &query_body(again), Some(&clerk)).await).await;
    assert_eq!(started["seal"]["version"], 2);
    assert_eq!(started["seal"]["unclear"], false);
    let queries_after = lookups_today(&app, rec.sender_unit_id).await;
    assert_eq!(queries_after, queries_before + 1, "the impression was shown through a logged query");

    // closed after reading; then nothing changes it, not even in the database
    let r = app.post("/api/liaison/close", &format!("id={id}"), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(counts(&app, &clerk).await["replies_waiting"], 0);
    assert!(app.db.try_exec("UPDATE liaison_slip SET case_number = 'x'").await.is_err());
    assert!(app.db.try_exec("DELETE FROM liaison_slip").await.is_err());
    assert!(app.db.try_exec("DELETE FROM liaison_slip_event").await.is_err());

    let timeline: Vec<String> = app.db.store.slip_events(id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(timeline, ["created", "sent", "received", "replied", "closed"]);
    let actions = audit_actions(&app).await;
    for a in [
        "liaison.prefill",
        "liaison.created",
        "liaison.sent",
        "liaison.received",
        "liaison.replied",
        "liaison.view",
        "liaison.closed",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} in the audit trail");
    }
    // the trail event of the new version names the person
    let ev = app.db.store.recent_trail(500).await.unwrap();
    assert!(ev.iter().any(|e| e.action == "seal.version.add" && e.subject_national_id.as_deref() == Some(UNCLEAR)));
    app.db.close().await;
}

async fn who_sees_what(db: TestDb) {
    let app = setup(db, false).await;
    let clerk = login(&app, "C1001").await;
    let colleague = login(&app, "C1002").await;
    let songshan = login(&app, "C2001").await;
    let daan = login(&app, "H1001").await;
    let xinyi = login(&app, "H2001").await;
    let r = app
        .post_json(
            "/api/liaison/create",
            &json!({ "input": slip_input(CLEAR, "other"), "query_id": null }),
            Some(&clerk),
        )
        .await;
    assert_eq!(r.status, 400, "其他 needs its text");
    let mut input = slip_input(CLEAR, "other");
    input["other_text"] = json!("請查明印鑑是否已變更");
    let id = create(&app, &clerk, input).await;
    assert_eq!(app.post("/api/liaison/send", &format!("id={id}"), Some(&clerk)).await.status, 200);

    // a colleague of the same unit may; another land office may not
    assert_eq!(get(&app, &colleague, id).await.status, 200);
    assert_eq!(get(&app, &songshan, id).await.status, 403);
    assert!(list(&app, &songshan, json!({})).await.is_empty());
    // another district's office sees nothing and cannot reply
    assert_eq!(get(&app, &xinyi, id).await.status, 403);
    assert!(list(&app, &xinyi, json!({})).await.is_empty());
    let reply = json!({ "id": id, "input": { "phone": "02-1", "handler": "x", "outcome": "other", "other_text": "查無",
        "corrected_date": "", "has_image": false }, "image_b64": "" });
    assert_eq!(app.post_json("/api/liaison/reply", &reply, Some(&xinyi)).await.status, 403);
    // a clerk cannot reply; an office cannot write slips
    assert_eq!(app.post_json("/api/liaison/reply", &reply, Some(&clerk)).await.status, 403);
    let r = app
        .post_json(
            "/api/liaison/create",
            &json!({ "input": slip_input(CLEAR, "unclear"), "query_id": null }),
            Some(&daan),
        )
        .await;
    assert_eq!(r.status, 403);
    // nor edit or close someone else's unit's slip
    assert_eq!(app.post("/api/liaison/close", &format!("id={id}"), Some(&songshan)).await.status, 403);
    // the refusals past the endpoint policy are recorded as scope denials
    let denials =
        app.db.store.recent_trail(500).await.unwrap().into_iter().filter(|e| e.action == "authz.denied").count();
    assert!(denials >= 4, "{denials}");

    // the addressed office replies 其他 (no new version)
    assert_eq!(app.post_json("/api/liaison/reply", &reply, Some(&daan)).await.status, 200);
    assert_eq!(app.db.store.seal_versions(CLEAR).await.unwrap().len(), 1);
    let d = json_ok(get(&app, &clerk, id).await).await;
    assert_eq!(d["can_compare"], false, "nothing new to compare against");

    // filters and the CSV export (masked IDs, with BOM)
    assert_eq!(list(&app, &clerk, json!({ "state": "replied" })).await.len(), 1);
    assert_eq!(list(&app, &clerk, json!({ "state": "sent" })).await.len(), 0);
    assert_eq!(list(&app, &clerk, json!({ "case_number": "004321" })).await.len(), 1);
    assert_eq!(list(&app, &clerk, json!({ "case_number": "999" })).await.len(), 0);
    assert_eq!(list(&app, &clerk, json!({ "office": "HR-DA" })).await.len(), 1);
    assert_eq!(list(&app, &clerk, json!({ "office": "HR-XY" })).await.len(), 0);
    assert_eq!(list(&app, &clerk, json!({ "from": "115/01/01", "to": "200/12/31" })).await.len(), 1);
    assert_eq!(list(&app, &clerk, json!({ "to": "100/01/01" })).await.len(), 0);
    let r = app.post_json("/api/liaison/list", &json!({ "filter": { "from": "not a date" } }), Some(&clerk)).await;
    assert_eq!(r.status, 400);
    let f = json_ok(app.post_json("/api/liaison/export", &json!({ "filter": {} }), Some(&clerk)).await).await;
    let bytes = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(f["b64"].as_str().unwrap()).unwrap()
    };
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("A12****789") && !text.contains(CLEAR), "{text}");
    app.db.close().await;
}

async fn approval_cancel_and_deadline(db: TestDb) {
    let app = setup(db, true).await;
    let clerk = login(&app, "C1001").await;
    let chief = login(&app, "S1001").await;
    let office = login(&app, "H1001").await;
    let id = create(&app, &clerk, slip_input(UNCLEAR, "unclear")).await;
    assert_eq!(app.post("/api/liaison/send", &format!("id={id}"), Some(&clerk)).await.status, 200);
    assert_eq!(app.db.store.slip(id).await.unwrap().unwrap().state, SlipState::AwaitingApproval);
    // not yet in the office's inbox; the clerk cannot approve; the chief sees it waiting
    assert!(list(&app, &office, json!({})).await.is_empty());
    assert_eq!(
        app.post("/api/liaison/approve", &format!("id={id}&approve=true&note="), Some(&clerk)).await.status,
        403
    );
    assert_eq!(counts(&app, &chief).await["awaiting_approval"], 1);
    // returning needs a reason; then the clerk sends again
    let r = app.post("/api/liaison/approve", &format!("id={id}&approve=false&note="), Some(&chief)).await;
    assert_eq!(r.status, 400);
    let r = app
        .post(
            "/api/liaison/approve",
            &format!("id={id}&approve=false&note=%E8%AB%8B%E8%A3%9C%E5%88%86%E6%A9%9F"),
            Some(&chief),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.db.store.slip(id).await.unwrap().unwrap().state, SlipState::Draft);
    assert_eq!(app.post("/api/liaison/send", &format!("id={id}"), Some(&clerk)).await.status, 200);
    let r = app.post("/api/liaison/approve", &format!("id={id}&approve=true&note="), Some(&chief)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rec = app.db.store.slip(id).await.unwrap().unwrap();
    assert_eq!(rec.state, SlipState::Sent);
    assert!(rec.approved_by.is_some() && rec.due_at.is_some());

    // past the deadline it is overdue, in the list and in the office's count
    app.db.exec(&format!("UPDATE liaison_slip SET due_at = '2020-01-02T09:00:00+00:00' WHERE id = {id}")).await;
    let inbox = list(&app, &office, json!({})).await;
    assert_eq!(inbox[0]["overdue"], true);
    assert_eq!(counts(&app, &office).await["inbox_overdue"], 1);

    // cancelled before the office opened it: the office still sees it, cannot reply
    let r = app.post("/api/liaison/cancel", &format!("id={id}&note=%E8%AA%A4%E9%80%81"), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let d = json_ok(get(&app, &office, id).await).await;
    assert_eq!(d["row"]["state"], "cancelled");
    assert_eq!(d["can_reply"], false);
    assert_eq!(d["row"]["overdue"], false);
    // a cancelled draft never reaches the office
    let draft = create(&app, &clerk, slip_input(UNCLEAR, "unclear")).await;
    assert_eq!(app.post("/api/liaison/cancel", &format!("id={draft}&note="), Some(&clerk)).await.status, 200);
    assert_eq!(get(&app, &office, draft).await.status, 403);
    let timeline: Vec<String> = app.db.store.slip_events(id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(timeline, ["created", "submitted", "returned", "submitted", "approved", "cancelled"]);
    app.db.close().await;
}

/// The clerk's own look-up of a person, as the workbench makes it; its query id.
async fn look_up(app: &TestApp, cookie: &str, id: &str) -> i64 {
    let q =
        query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": "004321", "case_free": "", "national_id": id, "person_name": "" }));
    json_ok(app.post_json("/api/comparisons/start", &q, Some(cookie)).await).await["query_id"].as_i64().unwrap()
}

async fn date_mismatch_is_corrected(db: TestDb) {
    let app = setup(db, false).await;
    let clerk = login(&app, "C1001").await;
    let office = login(&app, "H1001").await;
    let mut input = slip_input(CLEAR, "date_mismatch");
    // the household system's date is required
    let r = app.post_json("/api/liaison/create", &json!({ "input": input, "query_id": null }), Some(&clerk)).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("戶役政資訊系統印鑑登記日期"), "{}", r.body);
    // without a look-up the slip tells nothing of the registry: the registered date itself is
    // accepted like any other (no oracle), and the seal system's date stays blank
    input["household_date"] = json!("108/03/14");
    let blind = create(&app, &clerk, input.clone()).await;
    let d = json_ok(get(&app, &clerk, blind).await).await;
    assert_eq!(d["form"]["subject"]["seal"], Value::Null, "no registry data without a logged query: {d}");
    // with the clerk's own look-up of the person: the registry's date, and the same date is no mismatch
    let query = look_up(&app, &clerk, CLEAR).await;
    let with = |input: &Value, q: i64| json!({ "input": input, "query_id": q });
    let r = app.post_json("/api/liaison/create", &with(&input, query), Some(&clerk)).await;
    assert_eq!(r.status, 400, "2019-03-14 is the registered date too: {}", r.body);
    // the seal system's date comes from the registry, whatever was typed
    input["household_date"] = json!("108/03/15");
    input["seal_date"] = json!("100/01/01");
    let id =
        json_ok(app.post_json("/api/liaison/create", &with(&input, query), Some(&clerk)).await).await.as_i64().unwrap();
    let d = json_ok(get(&app, &clerk, id).await).await;
    assert_eq!(d["form"]["subject"]["seal"], "2019-03-14", "108/03/14 from the registry");
    // a query of another person, or another clerk's query, cannot vouch for this slip
    let other_person = look_up(&app, &clerk, UNCLEAR).await;
    let r = app.post_json("/api/liaison/create", &with(&input, other_person), Some(&clerk)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let colleague = login(&app, "C1002").await;
    let r = app.post_json("/api/liaison/create", &with(&input, query), Some(&colleague)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // a draft can be changed; a bad ID is refused with its reason
    input["national_id"] = json!("A123456788");
    let r = app.post_json("/api/liaison/update", &json!({ "id": id, "input": input }), Some(&clerk)).await;
    assert_eq!(r.status, 400);
    input["national_id"] = json!(CLEAR);
    input["case_number"] = json!("115年大安字第000777號");
    let r = app.post_json("/api/liaison/update", &json!({ "id": id, "input": input }), Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.db.store.slip(id).await.unwrap().unwrap().case_number, "115年大安字第000777號");
    assert_eq!(json_ok(get(&app, &clerk, id).await).await["form"]["subject"]["seal"], "2019-03-14");
    for slip in [id, blind] {
        assert_eq!(app.post("/api/liaison/send", &format!("id={slip}"), Some(&clerk)).await.status, 200);
    }
    // an edit after sending is refused
    let r = app.post_json("/api/liaison/update", &json!({ "id": id, "input": input }), Some(&clerk)).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // the office replies 其他 and corrects the date: a new version, same image, old one kept
    let reply = |slip: i64, date: &str| {
        json!({ "id": slip, "input": { "phone": "02-2700-0000", "handler": "劉雅婷", "outcome": "other",
        "other_text": "經查戶役政資訊系統為正確日期，已更正", "corrected_date": date, "has_image": false }, "image_b64": "" })
    };
    let r = app.post_json("/api/liaison/reply", &reply(id, "108/03/15"), Some(&office)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = app.db.store.seal_versions(CLEAR).await.unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[1].reason, app::domain::seal::SealReason::DateCorrection);
    assert_eq!(v[1].image_sha256, v[0].image_sha256);
    assert_eq!(v[1].registered_on, chrono::NaiveDate::from_ymd_opt(2019, 3, 15));
    assert_eq!(v[0].registered_on, chrono::NaiveDate::from_ymd_opt(2019, 3, 14));
    // the sender of the slip made from the look-up reads the corrected date; the office too
    let d = json_ok(get(&app, &clerk, id).await).await;
    assert_eq!(d["reply"]["corrected_date"], "2019-03-15", "{d}");
    assert!(d["new_version"].is_object(), "{d}");
    // the slip written without a look-up gets its reply, but its sender reads no registry data
    let r = app.post_json("/api/liaison/reply", &reply(blind, "108/03/16"), Some(&office)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let d = json_ok(get(&app, &clerk, blind).await).await;
    assert_eq!(d["reply"]["corrected_date"], Value::Null, "{d}");
    assert_eq!(d["new_version"], Value::Null, "{d}");
    assert_eq!(d["form"]["subject"]["seal"], Value::Null, "{d}");
    let seen = json_ok(get(&app, &office, blind).await).await;
    assert_eq!(seen["reply"]["corrected_date"], "2019-03-16", "the office sees its own reply");
    app.db.close().await;
}

/// The caller as the use cases take it, for an account made by `setup`.
async fn caller(app: &TestApp, emp: &str) -> Caller {
    let a = app.db.store.account_by_employee_no(emp).await.unwrap().unwrap();
    Caller::new(Actor::from_account(&a, &Default::default(), chrono::Utc::now()), Some([10, 0, 0, 7].into()))
}

/// The liaison use cases' rules, reached without HTTP: `server::liaison` with a `Caller` decides
/// the sides (a refusal is a denial in the trail, with its reason code), refuses with typed
/// problems, and writes the steps' trail rows itself.
async fn use_cases_without_http(db: TestDb) {
    use app::domain::forms::liaison_slip::LiaisonSlipInput;
    use app::domain::liaison::{LiaisonError, ListFilter};
    use app::server::caller::Failure;
    use app::server::liaison as uc;

    let app = setup(db, true).await;
    let state = app::server::AppState::new(app.db.store.clone(), Default::default(), Arc::new(common::KEY.to_vec()))
        .with_liaison(LiaisonConfig { approval_required: true, reply_days: 3 });
    let (clerk, colleague, chief) =
        (caller(&app, "C1001").await, caller(&app, "C1002").await, caller(&app, "S1001").await);
    let (songshan, daan, xinyi) =
        (caller(&app, "C2001").await, caller(&app, "H1001").await, caller(&app, "H2001").await);
    let input: LiaisonSlipInput = serde_json::from_value(slip_input(UNCLEAR, "unclear")).unwrap();

    // an office does not write slips: refused, and the refusal is in the trail with its reason
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
    assert!(matches!(uc::create(&state, &daan, &input, None, "/x/create").await, Err(Failure::Forbidden)));
    let denied = denials("office_cannot_send").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].actor_employee_no.as_deref(), Some("H1001"));
    assert_eq!(denied[0].client_ip.as_deref(), Some("10.0.0.7"));
    assert!(denied[0].details.contains("/x/create"), "{}", denied[0].details);

    // the form's field errors come back as the form's problem, nothing stored
    let blank = LiaisonSlipInput::default();
    match uc::create(&state, &clerk, &blank, None, "/x/create").await {
        Err(Failure::Problem(LiaisonError::Form { errors })) => assert!(errors.len() > 3, "{errors:?}"),
        other => panic!("{other:?}"),
    }
    assert!(app.db.store.list_slips(&Default::default()).await.unwrap().is_empty());

    // a draft; only the sending unit's clerks see it
    let id = uc::create(&state, &clerk, &input, None, "/x/create").await.unwrap();
    assert_eq!(uc::open(&state, &colleague, id, "/x/get").await.unwrap().row.state, SlipState::Draft);
    for other in [&songshan, &daan, &xinyi] {
        assert!(matches!(uc::open(&state, other, id, "/x/get").await, Err(Failure::Forbidden)));
    }
    assert_eq!(denials("not_party_to_slip").await.len(), 3);
    assert!(matches!(uc::open(&state, &clerk, id + 1000, "/x/get").await, Err(Failure::NotFound)));

    // approval required: to the chief, who may not approve a slip of their own, returns only with
    // a reason, and whose note is bounded
    uc::send(&state, &clerk, id, "/x/send").await.unwrap();
    assert!(matches!(uc::approve(&state, &clerk, id, true, "", "/x/approve").await, Err(Failure::Forbidden)));
    assert!(matches!(
        uc::approve(&state, &chief, id, false, "", "/x/approve").await,
        Err(Failure::Problem(LiaisonError::ReturnNeedsReason))
    ));
    assert!(matches!(
        uc::approve(&state, &chief, id, false, &"長".repeat(501), "/x/approve").await,
        Err(Failure::Problem(LiaisonError::NoteTooLong))
    ));
    assert_eq!(uc::counts(&state, &chief).await.unwrap().awaiting_approval, 1);
    uc::approve(&state, &chief, id, true, "", "/x/approve").await.unwrap();
    // a step on a slip that moved on is stale, not a second approval
    assert!(matches!(
        uc::approve(&state, &chief, id, true, "", "/x/approve").await,
        Err(Failure::Problem(LiaisonError::Stale))
    ));

    // the office opens it (received), cannot be cancelled any more; a reply without the image
    let seen = uc::open(&state, &daan, id, "/x/get").await.unwrap();
    assert_eq!(seen.row.state, SlipState::Received);
    assert!(seen.as_office && seen.can_reply);
    assert!(matches!(
        uc::cancel(&state, &clerk, id, "", "/x/cancel").await,
        Err(Failure::Problem(LiaisonError::AlreadyReceived))
    ));
    let rebuilt: app::domain::forms::liaison_slip::LiaisonReplyInput = serde_json::from_value(json!({
        "phone": "02-2700-0000", "handler": "劉雅婷", "outcome": "rebuilt", "other_text": "", "corrected_date": "",
        "has_image": true }))
    .unwrap();
    assert!(matches!(
        uc::reply(&state, &daan, id, rebuilt.clone(), "", "/x/reply").await,
        Err(Failure::Problem(LiaisonError::Form { .. }))
    ));
    assert!(matches!(
        uc::reply(&state, &daan, id, rebuilt.clone(), "not base64!", "/x/reply").await,
        Err(Failure::Problem(LiaisonError::ImageEncoding))
    ));
    assert!(matches!(uc::reply(&state, &xinyi, id, rebuilt.clone(), "", "/x/reply").await, Err(Failure::Forbidden)));

    // the lists: a state that does not exist, a date that is none; the office's inbox
    let bad = ListFilter { state: "lost".into(), ..Default::default() };
    assert!(matches!(
        uc::list(&state, &clerk, &bad, "/x/list").await,
        Err(Failure::Problem(LiaisonError::UnknownState))
    ));
    let bad = ListFilter { from: "115/02/30".into(), ..Default::default() };
    assert!(matches!(
        uc::list(&state, &clerk, &bad, "/x/list").await,
        Err(Failure::Problem(LiaisonError::Date { .. }))
    ));
    assert_eq!(uc::list(&state, &daan, &ListFilter::default(), "/x/list").await.unwrap().len(), 1);
    assert!(uc::list(&state, &xinyi, &ListFilter::default(), "/x/list").await.unwrap().is_empty());
    let file = uc::export(&state, &clerk, &ListFilter::default(), "/x/export").await.unwrap();
    assert!(file.filename.ends_with(".csv"), "{}", file.filename);

    // the trail has the use cases' own rows, by the caller from the caller's address
    let trail = app.db.store.recent_trail(500).await.unwrap();
    for action in [
        "liaison.created",
        "liaison.submitted",
        "liaison.approved",
        "liaison.received",
        "liaison.view",
        "liaison.list",
        "liaison.export",
    ] {
        let row = trail.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("{action} in the trail"));
        assert_eq!(row.client_ip.as_deref(), Some("10.0.0.7"), "{action}");
    }
    let created = trail.iter().find(|e| e.action == "liaison.created").unwrap();
    assert_eq!(created.subject_national_id.as_deref(), Some(UNCLEAR));
    assert!(created.details.contains("HR-DA"), "{}", created.details);
    app.db.close().await;
}

on_both!(
    exchange_with_rebuild,
    who_sees_what,
    approval_cancel_and_deadline,
    date_mismatch_is_corrected,
    use_cases_without_http
);
