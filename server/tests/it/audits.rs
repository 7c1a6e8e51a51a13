//! Audits (七(二)) through the HTTP API, on both databases: the internal audit's drawn sample
//! (1 % of the month's look-ups, never the auditor's own; 50 % of the users; a seed that draws
//! the same again), answers saved as given and frozen by the auditor's signature, the four
//! sign-offs each by its own account, a referral to the Ethics Office followed up to closed;
//! the office audit and the external schedule; the vendor audit (附件三) with the
//! representative's drawn signature and a follow-up per 不符合. Who may do what, what the
//! trail records, and what the database refuses.

use crate::common;

use crate::common::{query_body, TestApp, TestDb};
use app::domain::audit::{AuditKind, FollowupKind, Period, Slot};
use app::domain::Role;
use serde_json::{json, Value};

const PERSON: &str = "A123456789";

async fn setup(db: TestDb) -> TestApp {
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C1001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C1002", vec![Role::Clerk], "LO-DA", false).await;
    app.account("S1001", vec![Role::Supervisor], "LO-DA", false).await;
    // an internal auditor who also looks seals up: never audits their own look-ups
    app.account("I1001", vec![Role::InternalAuditor, Role::Clerk], "LO-DA", false).await;
    app.account("E1001", vec![Role::ExternalAuditor], "LA-REG", false).await;
    app.account("S3001", vec![Role::Supervisor], "LA-REG", false).await;
    app.account("T1001", vec![Role::Ethics], "LA-ETH", false).await;
    app.account("C2001", vec![Role::Clerk], "LO-SS", false).await;
    app.account("I2001", vec![Role::InternalAuditor], "LO-SS", false).await;
    app
}

async fn query(app: &TestApp, cookie: &str, case: &str) {
    let q =
        query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": case, "case_free": "", "national_id": PERSON, "person_name": "" }));
    let r = app.post_json("/api/comparisons/start", &q, Some(cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn create(
    app: &TestApp,
    cookie: &str,
    kind: &str,
    period: &str,
    unit: i64,
    audited: i64,
    vendor: &str,
) -> common::Reply {
    let body =
        format!("kind={kind}&period={period}&unit={unit}&audited={audited}&vendor={}", common::urlencode(vendor));
    app.post("/api/audits/create", &body, Some(cookie)).await
}

async fn get(app: &TestApp, cookie: &str, id: i64) -> common::Reply {
    app.post("/api/audits/get", &format!("id={id}"), Some(cookie)).await
}

async fn view(app: &TestApp, cookie: &str, id: i64) -> Value {
    let r = get(app, cookie, id).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn answer(
    app: &TestApp,
    cookie: &str,
    id: i64,
    part: &str,
    item: usize,
    sample: i64,
    result: &str,
    note: &str,
) -> u16 {
    let body =
        json!({ "id": id, "input": { "part": part, "item": item, "sample": sample, "result": result, "note": note } });
    app.post_json("/api/audits/answer", &body, Some(cookie)).await.status
}

async fn text(app: &TestApp, cookie: &str, id: i64, field: &str, t: &str) -> u16 {
    app.post_json("/api/audits/text", &json!({ "id": id, "field": field, "text": t }), Some(cookie)).await.status
}

async fn sign(app: &TestApp, cookie: &str, id: i64, slot: &str) -> common::Reply {
    app.post_json("/api/audits/sign", &json!({ "id": id, "slot": slot, "name": "", "signature": "" }), Some(cookie))
        .await
}

fn ids(v: &Value, key: &str) -> Vec<i64> {
    v[key].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect()
}

/// Answer every item of the sample 符合 (and one 不符 when asked), the retention item, the result.
async fn answer_all(app: &TestApp, cookie: &str, id: i64, v: &Value, one_no: bool) {
    let mut first = one_no;
    for u in ids(v, "sample_users") {
        for i in 0..2 {
            assert_eq!(answer(app, cookie, id, "users", i, u, "conforms", "").await, 200);
        }
    }
    for q in ids(v, "sample_lookups") {
        for i in 0..3 {
            let (r, n) = if first { ("does_not_conform", "查詢與案件無關") } else { ("conforms", "") };
            first = false;
            assert_eq!(answer(app, cookie, id, "queries", i, q, r, n).await, 200);
        }
    }
    assert_eq!(answer(app, cookie, id, "retention", 0, 0, "conforms", "").await, 200);
    assert_eq!(text(app, cookie, id, "result", "抽查結果大致符合規定").await, 200);
}

async fn internal_audit_end_to_end(db: TestDb) {
    let app = setup(db).await;
    let store = app.db.store.clone();
    let da = store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let clerk = app.sign_in("C1001").await;
    let auditor = app.sign_in("I1001").await;
    let chief = app.sign_in("S1001").await;
    let colleague = app.sign_in("C1002").await;
    let external = app.sign_in("E1001").await;
    let ethics = app.sign_in("T1001").await;
    let other_auditor = app.sign_in("I2001").await;
    let c1001 = store.account_by_employee_no("C1001").await.unwrap().unwrap().id;
    let i1001 = store.account_by_employee_no("I1001").await.unwrap().unwrap().id;
    for case in ["000001", "000002", "000003"] {
        query(&app, &clerk, case).await;
    }
    // the auditor's own look-ups are in the month's total, never in the sample
    query(&app, &auditor, "000004").await;
    query(&app, &auditor, "000005").await;
    let now = chrono::Utc::now();
    let this_month = Period::of(AuditKind::Internal, now);
    let last_month = this_month.prev();

    // who opens: the unit's internal auditor only (clerks, the Ethics Office: refused)
    assert_eq!(create(&app, &clerk, "internal", &this_month.to_string(), 0, c1001, "").await.status, 403);
    assert_eq!(create(&app, &ethics, "internal", &this_month.to_string(), 0, c1001, "").await.status, 403);
    // the period must fit the kind, be under way, and the audited person be of the unit, not the auditor
    assert_eq!(create(&app, &auditor, "internal", "2026Q4", 0, c1001, "").await.status, 400);
    assert_eq!(create(&app, &auditor, "internal", &this_month.next().to_string(), 0, c1001, "").await.status, 400);
    assert_eq!(create(&app, &auditor, "internal", &this_month.to_string(), 0, i1001, "").await.status, 400);

    // last month's audit: nothing was looked up and no account existed yet — an empty sample
    let r = create(&app, &auditor, "internal", &last_month.to_string(), 0, c1001, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let first: i64 = r.body.trim().parse().unwrap();
    let v = view(&app, &auditor, first).await;
    assert_eq!((v["lookups"].as_i64(), v["sample_lookups"].as_array().unwrap().len()), (Some(0), 0));
    answer_all(&app, &auditor, first, &v, false).await;
    assert_eq!(sign(&app, &auditor, first, "auditor").await.status, 200);
    for (who, slot) in [(&clerk, "audited"), (&chief, "audited_supervisor"), (&chief, "auditor_supervisor")] {
        let r = sign(&app, who, first, slot).await;
        assert_eq!(r.status, 200, "{slot}: {}", r.body);
    }
    assert_eq!(view(&app, &auditor, first).await["completed"], true);

    // this month's: 1 % of 5 look-ups → 1, drawn from the clerk's 3; half of the unit's users
    let r = create(&app, &auditor, "internal", &this_month.to_string(), 0, c1001, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let v = view(&app, &auditor, id).await;
    assert_eq!(v["lookups"].as_i64(), Some(5));
    let sampled = ids(&v, "sample_lookups");
    assert_eq!(sampled.len(), 1);
    assert_eq!(v["sample_lookups"][0]["operator"].as_str().unwrap(), "測試C1001 C1001", "never the auditor's own");
    let users = v["users"].as_i64().unwrap() as usize;
    assert_eq!(users, 4, "C1001, C1002, S1001, I1001");
    let sampled_users = ids(&v, "sample_users");
    assert_eq!(sampled_users.len(), users.div_ceil(2));
    assert!(!sampled_users.contains(&i1001));
    // the ID masked on the form; the seed recorded, and it draws the same sample again
    assert!(v["sample_lookups"][0]["national_id_masked"].as_str().unwrap().contains('*'));
    assert!(!get(&app, &auditor, id).await.body.contains(PERSON));
    assert_eq!(v["sample_verified"], true);
    let seed: u64 = v["seed"].as_str().unwrap().parse().unwrap();
    let rec = store.audit(id).await.unwrap().unwrap();
    let again = app::server::audits::redraw(&store, da, this_month, i1001, seed, rec.cutoff(), rec.sample_method)
        .await
        .unwrap();
    assert_eq!(again.queries, sampled);
    // the seed is the trail key's HMAC of (kind, unit, period): not chosen by who opens it
    assert_eq!(seed, app::server::audits::sample_seed(common::KEY, AuditKind::Internal, &da.to_string(), this_month));
    // look-ups made after the drawing do not change it: the redraw still agrees
    for case in ["000006", "000007", "000008"] {
        query(&app, &clerk, case).await;
    }
    assert_eq!(view(&app, &auditor, id).await["sample_verified"], true);
    assert_eq!(view(&app, &auditor, id).await["lookups"].as_i64(), Some(5));
    // the previous audit's result and the period's facts are on the form
    assert_eq!(v["previous"]["id"].as_i64(), Some(first));
    assert_eq!(v["previous"]["result"], "抽查結果大致符合規定");
    assert_eq!(v["account_changes"].as_i64(), Some(0));

    // who reads: the parties, the unit's chief, bureau-wide readers; not a colleague or another unit
    assert_eq!(get(&app, &chief, id).await.status, 200);
    assert_eq!(get(&app, &external, id).await.status, 200);
    assert_eq!(get(&app, &ethics, id).await.status, 200);
    assert_eq!(get(&app, &colleague, id).await.status, 403);
    assert_eq!(get(&app, &other_auditor, id).await.status, 403);

    // answers: only the auditor, only sampled items, 不符 needs what was found
    let q = sampled[0];
    assert_eq!(answer(&app, &chief, id, "queries", 0, q, "conforms", "").await, 403);
    assert_eq!(answer(&app, &other_auditor, id, "queries", 0, q, "conforms", "").await, 403);
    assert_eq!(answer(&app, &auditor, id, "queries", 0, q + 1000, "conforms", "").await, 400);
    assert_eq!(answer(&app, &auditor, id, "queries", 0, q, "does_not_conform", "").await, 400);
    // saved as given, and changed while unsigned
    assert_eq!(answer(&app, &auditor, id, "queries", 0, q, "conforms", "").await, 200);
    assert_eq!(answer(&app, &auditor, id, "queries", 0, q, "does_not_conform", "非公務查詢").await, 200);
    let saved = store.audit_answers(id).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!((saved[0].result.code(), saved[0].note.as_deref()), ("does_not_conform", Some("非公務查詢")));

    // signing: nobody before the auditor; the auditor only when every item is answered
    assert_eq!(sign(&app, &chief, id, "audited_supervisor").await.status, 400);
    let r = sign(&app, &auditor, id, "auditor").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("未填寫"), "{}", r.body);
    answer_all(&app, &auditor, id, &v, true).await;
    assert_eq!(view(&app, &auditor, id).await["missing"].as_u64(), Some(0));
    assert_eq!(sign(&app, &colleague, id, "auditor").await.status, 403);
    assert_eq!(sign(&app, &auditor, id, "auditor").await.status, 200);
    // frozen: no more answers, not even by SQL
    assert_eq!(answer(&app, &auditor, id, "retention", 0, 0, "does_not_conform", "x").await, 400);
    assert_eq!(text(&app, &auditor, id, "result", "改寫").await, 400);
    assert!(app
        .db
        .try_exec(&format!("UPDATE audit_answer SET result = 'conforms' WHERE audit_id = {id}"))
        .await
        .is_err());
    assert!(app.db.try_exec("DELETE FROM audit_answer").await.is_err());
    assert!(app.db.try_exec("DELETE FROM audit_sample").await.is_err());
    assert_eq!(sign(&app, &auditor, id, "auditor").await.status, 400, "signed once");

    // each box by its own account: a colleague is not the audited person nor a supervisor
    assert_eq!(sign(&app, &colleague, id, "audited").await.status, 403);
    assert_eq!(sign(&app, &colleague, id, "audited_supervisor").await.status, 403);
    assert_eq!(sign(&app, &auditor, id, "auditor_supervisor").await.status, 403);
    let listed: Value = serde_json::from_str(&app.post("/api/audits/list", "", Some(&chief)).await.body).unwrap();
    assert!(listed["to_sign"].as_array().unwrap().iter().any(|a| a["id"].as_i64() == Some(id)));
    assert_eq!(sign(&app, &clerk, id, "audited").await.status, 200);
    assert_eq!(sign(&app, &chief, id, "audited_supervisor").await.status, 200);
    assert_eq!(view(&app, &auditor, id).await["completed"], false);
    assert_eq!(sign(&app, &chief, id, "auditor_supervisor").await.status, 200);
    let done = view(&app, &chief, id).await;
    assert_eq!(done["completed"], true);
    let signers: Vec<String> =
        done["slots"].as_array().unwrap().iter().map(|s| s["signed_by"].as_str().unwrap().to_string()).collect();
    assert_eq!(signers, ["測試C1001 C1001", "測試S1001 S1001", "測試I1001 I1001", "測試S1001 S1001"]);
    assert!(app.db.try_exec(&format!("UPDATE audit SET result = 'x' WHERE id = {id}")).await.is_err());
    assert!(app.db.try_exec("DELETE FROM audit").await.is_err());
    assert!(app.db.try_exec("DELETE FROM audit_signoff").await.is_err());

    // a 不符 goes to the Ethics Office, which follows it up to closed
    let refer = |part: &str, item: &str, sample: i64, who: &String| {
        let body = json!({ "id": id, "part": part, "item": item, "sample": sample, "description": "" });
        let (app, who) = (&app, who.clone());
        async move { app.post_json("/api/audits/refer", &body, Some(&who)).await }
    };
    assert_eq!(refer("queries", "1", q, &auditor).await.status, 400, "only a 不符");
    assert_eq!(refer("queries", "0", q, &external).await.status, 403, "only the auditor");
    let r = refer("queries", "0", q, &auditor).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let fid: i64 = r.body.trim().parse().unwrap();
    assert_eq!(refer("queries", "0", q, &auditor).await.status, 400, "once");
    assert_eq!(app.post("/api/audits/followups", "kind=", Some(&clerk)).await.status, 403);
    let fs: Value =
        serde_json::from_str(&app.post("/api/audits/followups", "kind=", Some(&ethics)).await.body).unwrap();
    assert_eq!(fs[0]["id"].as_i64(), Some(fid));
    assert_eq!(fs[0]["description"], "查詢與案件無關");
    let upd = |status: &str, note: &str, who: &String| {
        let body = json!({ "id": fid, "status": status, "note": note });
        let (app, who) = (&app, who.clone());
        async move { app.post_json("/api/audits/followup-update", &body, Some(&who)).await.status }
    };
    assert_eq!(upd("in_progress", "調閱案卷中", &external).await, 403, "referrals are the Ethics Office's");
    assert_eq!(upd("in_progress", "", &ethics).await, 400);
    assert_eq!(upd("in_progress", "調閱案卷中", &ethics).await, 200);
    assert_eq!(upd("closed", "查明為公務查詢，結案", &ethics).await, 200);
    assert_eq!(upd("in_progress", "再開", &ethics).await, 400, "closed stays closed");
    assert_eq!(store.followup_events(fid).await.unwrap().len(), 3);

    // export for 民政局; the trail records every step
    let r = app.post("/api/audits/export", &format!("id={id}"), Some(&external)).await;
    assert_eq!(r.status, 200);
    let f: Value = serde_json::from_str(&r.body).unwrap();
    let bytes = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(f["b64"].as_str().unwrap()).unwrap()
    };
    assert!(bytes.starts_with(b"PK"));
    assert_eq!(app.post("/api/audits/export", &format!("id={id}"), Some(&colleague)).await.status, 403);
    let actions: Vec<String> = store.recent_trail(500).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in [
        "audit.open",
        "audit.view",
        "audit.answer",
        "audit.text",
        "audit.sign",
        "audit.refer",
        "audit.followup",
        "audit.export",
    ] {
        assert!(actions.contains(&a.to_string()), "{a}");
    }
    app.db.close().await;
}

async fn office_audit_and_schedule(db: TestDb) {
    let app = setup(db).await;
    let store = app.db.store.clone();
    let da = store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let ss = store.unit_by_code("LO-SS").await.unwrap().unwrap().id;
    let eth = store.unit_by_code("LA-ETH").await.unwrap().unwrap().id;
    let c1001 = store.account_by_employee_no("C1001").await.unwrap().unwrap().id;
    let clerk = app.sign_in("C1001").await;
    let external = app.sign_in("E1001").await;
    let reg_chief = app.sign_in("S3001").await;
    let chief = app.sign_in("S1001").await;
    let auditor = app.sign_in("I1001").await;
    for case in ["000011", "000012"] {
        query(&app, &clerk, case).await;
    }
    let quarter = Period::of(AuditKind::Office, chrono::Utc::now()).to_string();
    // only the external team; only offices (a land office or 土地開發總隊), by the quarter
    assert_eq!(create(&app, &auditor, "office", &quarter, da, c1001, "").await.status, 403);
    assert_eq!(create(&app, &external, "office", &quarter, eth, c1001, "").await.status, 400);
    assert_eq!(create(&app, &external, "office", "2026-11", da, c1001, "").await.status, 400);

    let page: Value = serde_json::from_str(&app.post("/api/audits/list", "", Some(&external)).await.body).unwrap();
    let row = |p: &Value, unit: i64| {
        p["schedule"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit_id"].as_i64() == Some(unit) && r["period"] == quarter)
            .cloned()
    };
    assert_eq!(row(&page, da).unwrap()["state"], "due");
    assert_eq!(row(&page, ss).unwrap()["state"], "due");
    assert!(page["schedule"].as_array().unwrap().iter().any(|r| r["kind"] == "vendor"));

    let r = create(&app, &external, "office", &quarter, da, c1001, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let v = view(&app, &external, id).await;
    assert_eq!((v["lookups"].as_i64(), ids(&v, "sample_lookups").len()), (Some(2), 1));
    let page: Value = serde_json::from_str(&app.post("/api/audits/list", "", Some(&external)).await.body).unwrap();
    assert_eq!(row(&page, da).unwrap()["state"], "in_progress");
    // the audited office's chief reads it; its internal auditor too
    assert_eq!(get(&app, &chief, id).await.status, 200);
    assert_eq!(get(&app, &auditor, id).await.status, 200);

    answer_all(&app, &external, id, &v, false).await;
    assert_eq!(sign(&app, &external, id, "auditor").await.status, 200);
    let page: Value = serde_json::from_str(&app.post("/api/audits/list", "", Some(&external)).await.body).unwrap();
    assert_eq!(row(&page, da).unwrap()["state"], "done");
    // the auditor's supervisor is the auditing unit's (土地登記科), the audited's the office's
    assert_eq!(sign(&app, &chief, id, "auditor_supervisor").await.status, 403);
    assert_eq!(sign(&app, &reg_chief, id, "audited_supervisor").await.status, 403);
    assert_eq!(sign(&app, &reg_chief, id, "auditor_supervisor").await.status, 200);
    assert_eq!(sign(&app, &chief, id, "audited_supervisor").await.status, 200);
    assert_eq!(sign(&app, &clerk, id, "audited").await.status, 200);
    assert_eq!(view(&app, &external, id).await["completed"], true);
    app.db.close().await;
}

async fn vendor_audit(db: TestDb) {
    use app::domain::forms::vendor_audit::item_codes;
    let app = setup(db).await;
    let store = app.db.store.clone();
    let external = app.sign_in("E1001").await;
    let auditor = app.sign_in("I1001").await;
    let half = Period::of(AuditKind::Vendor, chrono::Utc::now()).to_string();
    assert_eq!(create(&app, &external, "vendor", &half, 0, 0, "").await.status, 400, "the vendor's name");
    assert_eq!(create(&app, &auditor, "vendor", &half, 0, 0, "某資訊公司").await.status, 403);
    let r = create(&app, &external, "vendor", &half, 0, 0, "某資訊股份有限公司").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let ans = |item: &str, result: &str, finding: &str| {
        let body = json!({ "id": id, "input": { "item": item, "result": result, "finding": finding } });
        let (app, external) = (&app, external.clone());
        async move { app.post_json("/api/audits/vendor-answer", &body, Some(&external)).await.status }
    };
    assert_eq!(ans("9.(1)", "conforms", "").await, 400);
    assert_eq!(ans("3.(8)", "does_not_conform", "").await, 400, "a 不符合 needs its finding");
    // the 附件二 endpoint refuses a vendor audit, the internal auditor the vendor endpoint
    assert_eq!(answer(&app, &external, id, "retention", 0, 0, "conforms", "").await, 400);
    let body = json!({ "id": id, "input": { "item": "1.(1)", "result": "conforms", "finding": "" } });
    assert_eq!(app.post_json("/api/audits/vendor-answer", &body, Some(&auditor)).await.status, 403);
    for code in item_codes() {
        let (r, f) =
            if code == "3.(8)" { ("does_not_conform", "上傳檔案未自動掃毒") } else { ("conforms", "") };
        assert_eq!(ans(&code, r, f).await, 200, "{code}");
    }
    let vsign = |name: &str, sig: &str| {
        let body = json!({ "id": id, "slot": "vendor", "name": name, "signature": sig });
        let (app, external) = (&app, external.clone());
        async move { app.post_json("/api/audits/sign", &body, Some(&external)).await }
    };
    let png = format!("data:image/png;base64,{}", common::b64(&common::fixture("registered/r0004.png")));
    assert_eq!(vsign("王大明", &png).await.status, 400, "the result first");
    assert_eq!(text(&app, &external, id, "result", "大致符合，應用程式安全一項待改善").await, 200);
    assert_eq!(vsign("", &png).await.status, 400);
    assert_eq!(vsign("王大明", "data:image/png;base64,AAAA").await.status, 400, "not a PNG");
    assert_eq!(vsign("王大明", &png).await.status, 200);
    assert_eq!(sign(&app, &external, id, "audited").await.status, 400, "no such box on 附件三");
    assert_eq!(sign(&app, &external, id, "auditor").await.status, 200);
    let v = view(&app, &external, id).await;
    assert_eq!(v["completed"], true);
    let slots = v["slots"].as_array().unwrap();
    assert_eq!(slots[1]["signed_by"], "王大明");
    assert!(slots[1]["signature"].as_str().unwrap().starts_with("data:image/png;base64,"));
    let vendor_rep = store.audit_signoffs(id).await.unwrap().into_iter().find(|s| s.slot == Slot::Vendor).unwrap();
    assert_eq!(vendor_rep.account_id, None, "the representative has no account");
    // the 不符合 became a follow-up due in 30 days, kept until closed by the external team
    let fs = store.list_followups(Some(FollowupKind::Vendor), Some(id)).await.unwrap();
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].item, "3.(8)");
    let rec = store.audit(id).await.unwrap().unwrap();
    assert_eq!(fs[0].due_on, Some(rec.audited_on + chrono::Duration::days(30)));
    let ethics = app.sign_in("T1001").await;
    let body = json!({ "id": fs[0].id, "status": "closed", "note": "已完成掃毒機制" });
    assert_eq!(app.post_json("/api/audits/followup-update", &body, Some(&ethics)).await.status, 403);
    assert_eq!(app.post_json("/api/audits/followup-update", &body, Some(&external)).await.status, 200);
    assert!(store.followup(fs[0].id).await.unwrap().unwrap().closed_at.is_some());
    assert!(app.db.try_exec("DELETE FROM audit_followup").await.is_err());
    assert!(app.db.try_exec("UPDATE audit_followup SET status = 'open'").await.is_err());
    app.db.close().await;
}

/// One audit per kind, period and party: opening it again is refused. The sample is the same
/// at every opening for the unit and period — under another audited person, or after a
/// withdrawal — and a withdrawal needs a reason and the supervisor's approval (internal
/// audits: the audited unit's supervisor), shown on the record. An inactive unit's accounts
/// cannot sign in, and their sessions end.
async fn one_audit_per_party_and_inactive_units(db: TestDb) {
    use app::domain::audit::{AuditKind, Period};
    let app = setup(db).await;
    let auditor = app.sign_in("I1001").await;
    let clerk = app.sign_in("C1001").await;
    for case in 1..=150 {
        query(&app, &clerk, &format!("{case:06}")).await;
    }
    let c1001 = app.db.store.account_by_employee_no("C1001").await.unwrap().unwrap().id;
    let c1002 = app.db.store.account_by_employee_no("C1002").await.unwrap().unwrap().id;
    let month = Period::of(AuditKind::Internal, chrono::Utc::now()).to_string();
    let r = create(&app, &auditor, "internal", &month, 0, c1001, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let first: i64 = r.body.trim().parse().unwrap();
    let sample_of = |id: i64| {
        let app = &app;
        async move {
            let mut s = app.db.store.audit_samples(id).await.unwrap();
            s.sort();
            s
        }
    };
    let drawn = sample_of(first).await;
    assert_eq!(drawn.iter().filter(|(p, _)| *p == app::domain::audit::Part::Queries).count(), 2, "1 % of 150");
    let r = create(&app, &auditor, "internal", &month, 0, c1001, "").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("申請撤銷"), "{}", r.body);
    // the database holds the rule too
    let dup = format!(
        "INSERT INTO audit (kind, period, unit_id, vendor, auditing_unit_id, auditor_id, audited_id, audited_on, seed, \
         lookups, users, account_changes, created_at) SELECT kind, period, unit_id, vendor, auditing_unit_id, auditor_id, \
         audited_id, audited_on, seed + 1, lookups, users, account_changes, created_at FROM audit WHERE id = {first}"
    );
    assert!(app.db.try_exec(&dup).await.is_err(), "one audit per kind, period and party");
    // another audited person of the same unit and month, after more look-ups: the same sample
    for case in 151..=260 {
        query(&app, &clerk, &format!("{case:06}")).await;
    }
    let r = create(&app, &auditor, "internal", &month, 0, c1002, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let second: i64 = r.body.trim().parse().unwrap();
    assert_eq!(sample_of(second).await, drawn, "every opening for the unit and month draws the same");
    let (a1, a2) =
        (app.db.store.audit(first).await.unwrap().unwrap(), app.db.store.audit(second).await.unwrap().unwrap());
    assert_eq!((a1.seed, a1.cutoff(), a1.lookups), (a2.seed, a2.cutoff(), a2.lookups));

    // withdrawing: the auditor asks, with a reason; nobody else asks
    let w = |c: &str, reason: &str| {
        let (c, body) = (c.to_string(), format!("id={first}&reason={}", common::urlencode(reason)));
        let app = &app;
        async move { app.post("/api/audits/withdraw", &body, Some(&c)).await }
    };
    let decide = |c: &str, approve: bool| {
        let (c, body) = (c.to_string(), format!("id={first}&approve={approve}"));
        let app = &app;
        async move { app.post("/api/audits/withdraw-decide", &body, Some(&c)).await }
    };
    assert_eq!(w(&auditor, "").await.status, 400);
    let other = app.sign_in("E1001").await;
    assert_eq!(w(&other, "重新抽樣：樣本錯誤").await.status, 403);
    let r = w(&auditor, "受稽核人當月請假，改期重抽").await;
    assert_eq!(r.status, 200, "{}", r.body);
    // asked, not withdrawn: the record says so, and the auditor cannot approve it
    let rec = app.db.store.audit(first).await.unwrap().unwrap();
    assert!(rec.withdrawn_at.is_none() && rec.withdraw_requested_at.is_some());
    let v = view(&app, &auditor, first).await;
    assert_eq!(v["withdraw_pending"][1], "受稽核人當月請假，改期重抽");
    assert_eq!((v["can_withdraw"].as_bool(), v["can_decide_withdrawal"].as_bool()), (Some(false), Some(false)));
    assert_eq!(decide(&auditor, true).await.status, 400, "not one's own request");
    assert_eq!(w(&auditor, "再申請一次看看").await.status, 400, "one request at a time");
    // another unit's supervisor, the external auditor: not the approvers of an internal audit
    assert_eq!(decide(&app.sign_in("S3001").await, true).await.status, 403);
    assert_eq!(decide(&other, true).await.status, 403);
    // the audited unit's supervisor declines, then the auditor asks again and it is approved
    let chief = app.sign_in("S1001").await;
    assert_eq!(view(&app, &chief, first).await["can_decide_withdrawal"], true);
    assert_eq!(decide(&chief, false).await.status, 200);
    assert!(app.db.store.audit(first).await.unwrap().unwrap().withdraw_requested_at.is_none());
    assert_eq!(w(&auditor, "受稽核人當月請假，改期重抽").await.status, 200);
    assert_eq!(decide(&chief, true).await.status, 200);
    let rec = app.db.store.audit(first).await.unwrap().unwrap();
    assert!(rec.withdrawn_at.is_some() && rec.withdrawn_reason.as_deref() == Some("受稽核人當月請假，改期重抽"));
    let s1001 = app.db.store.account_by_employee_no("S1001").await.unwrap().unwrap().id;
    assert_eq!(rec.withdrawn_approved_by, Some(s1001));
    let v = view(&app, &auditor, first).await;
    assert!(v["withdrawn_approved_by"].as_str().unwrap().contains("S1001"), "{v}");
    let steps: Vec<String> = app
        .db
        .store
        .recent_trail(50)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "audit.withdraw")
        .map(|e| e.details.clone())
        .collect();
    for step in ["requested", "declined", "approved"] {
        assert!(steps.iter().any(|d| d.contains(step)), "{step}: {steps:?}");
    }
    assert_eq!(decide(&chief, true).await.status, 400, "withdrawn once");
    // opening again after the withdrawal draws the very same sample
    let r = create(&app, &auditor, "internal", &month, 0, c1001, "").await;
    assert_eq!(r.status, 200, "a new opening after the withdrawal: {}", r.body);
    let third: i64 = r.body.trim().parse().unwrap();
    assert_eq!(sample_of(third).await, drawn);
    // the withdrawn one takes no signature
    assert_ne!(sign(&app, &auditor, first, "auditor").await.status, 200);

    // the unit is deactivated: its accounts' sessions end and they cannot sign in
    let admin_id = app.account("A9001", vec![Role::Admin], "LA-IT", false).await;
    let _ = admin_id;
    let admin = app.sign_in("A9001").await;
    let clerk = app.sign_in("C1001").await;
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let r = app.post("/api/admin/units/active", &format!("unit_id={da}&active=false"), Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.post("/api/auth/me", "", Some(&clerk)).await.body, "null", "the session ended");
    let r = app.login("C1001", common::PASSWORD).await.unwrap_err();
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("單位已停用"), "{}", r.body);
    app.post("/api/admin/units/active", &format!("unit_id={da}&active=true"), Some(&admin)).await;
    assert!(app.login("C1001", common::PASSWORD).await.is_ok());
    app.db.close().await;
}

/// The rules themselves, without HTTP: who reads an internal audit and who signs which box,
/// before and after the auditor's signature.
async fn who_reads_and_signs(db: TestDb) {
    use app::server::audits::{may_read, may_sign};
    use app::server::auth::Actor;
    use app::server::store::AuditFormRecord;
    let app = setup(db).await;
    let store = &app.db.store;
    let now = chrono::Utc::now();
    let mut who = std::collections::HashMap::new();
    for no in ["C1001", "C1002", "S1001", "I1001", "E1001", "T1001", "I2001", "S3001"] {
        let acc = store.account_by_employee_no(no).await.unwrap().unwrap();
        who.insert(no, Actor::from_account(&acc, &Default::default(), now));
    }
    let unit = store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let mut a = AuditFormRecord {
        id: 1,
        kind: AuditKind::Internal,
        period: "2026-11".into(),
        unit_id: Some(unit),
        vendor: None,
        auditing_unit_id: unit,
        auditor_id: who["I1001"].account_id,
        audited_id: Some(who["C1001"].account_id),
        audited_on: now.date_naive(),
        seed: 7,
        lookups: 0,
        users: 0,
        account_changes: 0,
        last_review_at: None,
        previous_id: None,
        previous_followup: String::new(),
        result: String::new(),
        recommendations: String::new(),
        created_at: now,
        submitted_at: None,
        completed_at: None,
        withdrawn_at: None,
        withdrawn_reason: None,
        sample_method: app::domain::audit_sample::SampleMethod::Ranked,
        sample_cutoff: None,
        withdraw_requested_at: None,
        withdraw_request_reason: None,
        withdrawn_approved_by: None,
    };
    for (no, reads) in [
        ("I1001", true),  // the auditor
        ("C1001", true),  // the audited person
        ("S1001", true),  // the unit's supervisor
        ("T1001", true),  // the Ethics Office reads all
        ("E1001", true),  // so does the external team
        ("C1002", false), // a colleague who is no party
        ("I2001", false), // another unit's internal auditor
        ("S3001", false), // another unit's supervisor
    ] {
        assert_eq!(may_read(store, &who[no], &a, now).await.unwrap(), reads, "{no} reads");
    }
    let signs = |a: AuditFormRecord, who: std::collections::HashMap<&'static str, Actor>| async move {
        let mut out = Vec::new();
        for slot in [Slot::Auditor, Slot::Audited, Slot::AuditedSupervisor, Slot::AuditorSupervisor, Slot::Vendor] {
            for no in ["I1001", "C1001", "S1001", "C1002"] {
                if may_sign(store, &who[no], &a, slot, now).await.unwrap() {
                    out.push((slot, no));
                }
            }
        }
        out
    };
    // before the auditor signs, only the auditor's box is open, to the auditor
    assert_eq!(signs(a.clone(), who.clone()).await, [(Slot::Auditor, "I1001")]);
    a.submitted_at = Some(now);
    // then the audited person and the supervisor (both supervisor boxes: one unit audits itself)
    assert_eq!(
        signs(a, who).await,
        [(Slot::Audited, "C1001"), (Slot::AuditedSupervisor, "S1001"), (Slot::AuditorSupervisor, "S1001")]
    );
}

/// The audits' use cases reached without HTTP (`server::audits`): typed refusals, and the
/// refusals written to the trail with their reason, endpoint and address.
async fn use_cases_without_http(db: TestDb) {
    use app::domain::audit_view::AuditError;
    use app::domain::forms::internal_audit::AnswerInput;
    use app::server::audits::{self, OpenRequest, Referral, Signature};
    use app::server::caller::{Caller, Failure};
    let app = setup(db).await;
    let store = app.db.store.clone();
    let clerk_cookie = app.sign_in("C1001").await;
    for case in ["000011", "000012"] {
        query(&app, &clerk_cookie, case).await;
    }
    let state =
        app::server::AppState::new(store.clone(), Default::default(), std::sync::Arc::new(common::KEY.to_vec()));
    let caller = |emp: &'static str| {
        let store = store.clone();
        async move {
            let a = store.account_by_employee_no(emp).await.unwrap().unwrap();
            let actor = app::server::auth::Actor::from_account(&a, &Default::default(), chrono::Utc::now());
            Caller::new(actor, Some("192.0.2.8".parse().unwrap()))
        }
    };
    let (auditor, clerk, other_auditor, chief) =
        (caller("I1001").await, caller("C1001").await, caller("I2001").await, caller("S1001").await);
    let c1001 = clerk.actor.account_id;
    let last = || async { store.recent_trail(1).await.unwrap().remove(0) };
    let month = Period::of(AuditKind::Internal, chrono::Utc::now());
    let open = |kind: AuditKind, period: Period, audited: i64| OpenRequest {
        kind,
        period,
        unit: 0,
        audited,
        vendor: String::new(),
    };

    // the period must fit the kind and have begun; the audited person must be of the unit
    let r = audits::create(
        &state,
        &auditor,
        open(AuditKind::Internal, Period::of(AuditKind::Office, chrono::Utc::now()), c1001),
        "/api/audits/create",
    )
    .await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::PeriodKind { kind: AuditKind::Internal }))), "{r:?}");
    let r =
        audits::create(&state, &auditor, open(AuditKind::Internal, month.next(), c1001), "/api/audits/create").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::PeriodNotStarted))), "{r:?}");
    let r = audits::create(
        &state,
        &auditor,
        open(AuditKind::Internal, month, auditor.actor.account_id),
        "/api/audits/create",
    )
    .await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::AuditedPerson))), "{r:?}");
    // a clerk does not open audits: refused, in the trail
    let r = audits::create(&state, &clerk, open(AuditKind::Internal, month, c1001), "/api/audits/create").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let e = last().await;
    assert_eq!((e.action.as_str(), e.client_ip.as_deref()), ("authz.denied", Some("192.0.2.8")));
    assert!(e.details.contains("not_audit_party") && e.details.contains("/api/audits/create"), "{}", e.details);

    let id =
        audits::create(&state, &auditor, open(AuditKind::Internal, month, c1001), "/api/audits/create").await.unwrap();
    assert_eq!(last().await.action, "audit.open");
    let r = audits::create(&state, &auditor, open(AuditKind::Internal, month, c1001), "/api/audits/create").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::AlreadyOpen))), "{r:?}");
    // another unit's auditor neither reads it nor answers on it
    let r = audits::view(&state, &other_auditor, id, "/api/audits/get").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let v = audits::view(&state, &auditor, id, "/api/audits/get").await.unwrap();
    assert_eq!(last().await.action, "audit.view");
    assert!(v.editable && v.missing > 0);
    let user = v.sample_users[0].id;
    let answer = |part: &str, item: usize, sample: i64, result: &str, note: &str| {
        AnswerInput { part: part.into(), item, sample, result: result.into(), note: note.into() }.parse().unwrap()
    };
    let r = audits::answer(&state, &other_auditor, id, answer("users", 0, user, "conforms", ""), "/api/audits/answer")
        .await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let r =
        audits::answer(&state, &auditor, id, answer("users", 0, user + 100_000, "conforms", ""), "/api/audits/answer")
            .await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::NotSampled))), "{r:?}");
    audits::answer(
        &state,
        &auditor,
        id,
        answer("users", 0, user, "does_not_conform", "權限過大"),
        "/api/audits/answer",
    )
    .await
    .unwrap();
    assert_eq!(last().await.action, "audit.answer");
    let r = audits::text(&state, &auditor, id, "colour", "x", "/api/audits/text").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::NoSuchField))), "{r:?}");
    let r = audits::text(&state, &auditor, id, "result", &"字".repeat(2001), "/api/audits/text").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::TextTooLong))), "{r:?}");
    // the auditor signs only once every item is answered; a supervisor waits for the auditor
    let r = audits::sign(&state, &auditor, id, Slot::Auditor, Signature::default(), "/api/audits/sign").await;
    assert!(
        matches!(r, Err(Failure::Problem(AuditError::Unanswered { missing })) if missing == v.missing - 1),
        "{r:?}"
    );
    let r = audits::sign(&state, &chief, id, Slot::AuditedSupervisor, Signature::default(), "/api/audits/sign").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::AuditorFirst))), "{r:?}");
    let r = audits::sign(&state, &auditor, id, Slot::Vendor, Signature::default(), "/api/audits/sign").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::NoSuchSlot))), "{r:?}");
    // a referral only of a 不符, with a reason (the answer's note when none is given)
    let refer = |item: &str, sample: i64| Referral {
        part: Some(app::domain::audit::Part::Users),
        item: item.into(),
        sample,
        description: String::new(),
    };
    let r = audits::refer(&state, &auditor, id, refer("1", user), "/api/audits/refer").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::OnlyNonConforming))), "{r:?}");
    audits::refer(&state, &auditor, id, refer("0", user), "/api/audits/refer").await.unwrap();
    let r = audits::refer(&state, &auditor, id, refer("0", user), "/api/audits/refer").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::AlreadyReferred))), "{r:?}");
    // withdrawal: a reason, and never approved by the one who asked
    let r = audits::request_withdrawal(&state, &auditor, id, "短", "/api/audits/withdraw").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::WithdrawReason))), "{r:?}");
    audits::request_withdrawal(&state, &auditor, id, "樣本需重新抽取", "/api/audits/withdraw").await.unwrap();
    let r = audits::decide_withdrawal(&state, &auditor, id, true, "/api/audits/withdraw-decide").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::OwnWithdrawal))), "{r:?}");
    let r = audits::decide_withdrawal(&state, &other_auditor, id, true, "/api/audits/withdraw-decide").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    audits::decide_withdrawal(&state, &chief, id, true, "/api/audits/withdraw-decide").await.unwrap();
    let r = audits::answer(&state, &auditor, id, answer("users", 1, user, "conforms", ""), "/api/audits/answer").await;
    assert!(matches!(r, Err(Failure::Problem(AuditError::Withdrawn))), "{r:?}");
    // the workbook: for readers only, and its export is in the trail
    let r = audits::export(&state, &other_auditor, id, "/api/audits/export").await;
    assert!(matches!(r, Err(Failure::Forbidden)), "{r:?}");
    let file = audits::export(&state, &auditor, id, "/api/audits/export").await.unwrap();
    assert!(file.filename.ends_with(&format!("-{month}.xlsx")), "{}", file.filename);
    assert_eq!(last().await.action, "audit.export");
    app.db.close().await;
}

on_both!(
    use_cases_without_http,
    who_reads_and_signs,
    internal_audit_end_to_end,
    office_audit_and_schedule,
    vendor_audit,
    one_audit_per_party_and_inactive_units
);
