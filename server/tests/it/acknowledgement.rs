//! 公務使用及個人資料保護聲明 (作業規定五(二)1、九; #39 item 5): the notice acknowledged at the
//! first sign-in and once a year, held to by the server (every endpoint but sign-out, the
//! password change and the acknowledgement itself refused with a typed error until then), each
//! acknowledgement a row of its own with its trail row, and the register showing the last one.

use chrono::Duration;
use serde_json::Value;

use crate::common::{urlencode, TestApp, TestDb, PASSWORD};
use app::domain::acknowledgement::{Notice, NoticeHash, CURRENT_NOTICE_VERSION};
use app::domain::Role;
use app::error::ApiError;
use app::server::acknowledgement::current_notice;
use app::server::store::{NewAcknowledgement, StoreError};
use app::server::trail::{Outcome, TrailAction, TrailDraft};

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A clerk's endpoint (refused or answered before its arguments matter).
const CLERK_LIST: &str = "/api/comparisons/list";
const CLERK_LIST_BODY: &str = "scope=mine";

async fn first_sign_in_asks_for_the_notice_and_the_server_holds_to_it(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let id = app.account("C7001", vec![Role::Clerk], "LO-DA", false).await;
    let (cookie, outcome) = app.login_unacknowledged("C7001", PASSWORD).await.unwrap();
    assert!(outcome.acknowledgement_due, "a first sign-in asks for the notice");
    assert!(!outcome.must_change_password);
    let me = json(&app.post("/api/auth/me", "", Some(&cookie)).await.body);
    assert_eq!(me["acknowledgement_due"], true);

    // nothing else until then: a typed refusal, written to the trail
    let r = app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.error(), Some(ApiError::AcknowledgementRequired));
    let (img, _) = app.get("/api/comparisons/1/registered.png", Some(&cookie)).await;
    assert_eq!(img.status, 403);
    assert_eq!(img.error(), Some(ApiError::AcknowledgementRequired));
    let denied = app.db.store.recent_trail(20).await.unwrap();
    assert!(
        denied.iter().any(|t| t.action == "authz.denied"
            && t.actor_id == Some(id)
            && t.details.contains("acknowledgement_required")
            && t.details.contains(CLERK_LIST)),
        "{denied:?}"
    );
    // what a signed-in account may always do still answers
    assert_eq!(app.post("/api/auth/offline-key", "", Some(&cookie)).await.status, 200);
    assert!(app.db.store.last_acknowledgement(id).await.unwrap().is_none(), "nothing recorded by refusals");

    // acknowledging: a row and its trail row
    let before = app.clock.now();
    let r = app.post("/api/auth/acknowledge", "", Some(&cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ack = app.db.store.last_acknowledgement(id).await.unwrap().expect("recorded");
    assert_eq!(ack.account_id, id);
    assert_eq!(&ack.notice, current_notice());
    assert_eq!(ack.notice.version, CURRENT_NOTICE_VERSION);
    assert!(ack.acknowledged_at >= before - Duration::seconds(1) && ack.acknowledged_at <= app.clock.now());
    let trail = app.db.store.recent_trail(20).await.unwrap();
    let row = trail.iter().find(|t| t.action == TrailAction::AuthAcknowledge.code()).expect("the trail row");
    assert_eq!(row.actor_id, Some(id));
    assert_eq!(row.outcome, "success");
    assert_eq!(row.object_type.as_deref(), Some("acknowledgement"));
    assert_eq!(row.object_id.as_deref(), Some(ack.id.to_string().as_str()));
    assert!(row.details.contains(current_notice().hash.as_str()), "{}", row.details);

    // the same session goes on
    let r = app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json(&app.post("/api/auth/me", "", Some(&cookie)).await.body)["acknowledgement_due"], false);
    // a second click records nothing more
    assert_eq!(app.post("/api/auth/acknowledge", "", Some(&cookie)).await.status, 200);
    assert_eq!(app.db.store.last_acknowledgement(id).await.unwrap().unwrap().id, ack.id);
    let acks = app.db.store.recent_trail(50).await.unwrap();
    assert_eq!(acks.iter().filter(|t| t.action == "auth.acknowledge").count(), 1);
    // the next sign-in does not ask again
    let (_, outcome) = app.login_unacknowledged("C7001", PASSWORD).await.unwrap();
    assert!(!outcome.acknowledgement_due);

    // append-only: neither changed nor deleted
    assert!(app.db.try_exec("UPDATE acknowledgement SET notice_version = 2").await.is_err());
    assert!(app.db.try_exec("DELETE FROM acknowledgement").await.is_err());
    assert_eq!(app.db.store.last_acknowledgement(id).await.unwrap().unwrap(), ack);
    app.db.close().await;
}

async fn a_year_later_it_is_asked_again(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let id = app.account("C7002", vec![Role::Clerk], "LO-DA", false).await;
    let cookie = app.login("C7002", PASSWORD).await.unwrap();
    let first = app.db.store.last_acknowledgement(id).await.unwrap().expect("the helper acknowledged");
    assert_eq!(app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await.status, 200);

    // a day short of a year: still good
    app.clock.advance(Duration::days(364));
    assert_eq!(app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await.status, 200);
    // a year on, the same session is held back, and a new sign-in asks again
    app.clock.advance(Duration::days(1));
    let r = app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await;
    assert_eq!((r.status, r.error()), (403, Some(ApiError::AcknowledgementRequired)), "{}", r.body);
    let (cookie, outcome) = app.login_unacknowledged("C7002", PASSWORD).await.unwrap();
    assert!(outcome.acknowledgement_due);
    assert_eq!(app.post("/api/auth/acknowledge", "", Some(&cookie)).await.status, 200);
    let second = app.db.store.last_acknowledgement(id).await.unwrap().unwrap();
    assert!(second.id > first.id);
    assert!(second.acknowledged_at - first.acknowledged_at >= Duration::days(365));
    assert_eq!(app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await.status, 200);
    let acks = app.db.store.recent_trail(100).await.unwrap();
    assert_eq!(acks.iter().filter(|t| t.action == "auth.acknowledge").count(), 2);
    app.db.close().await;
}

async fn the_password_change_comes_first_and_does_not_stand_in_for_it(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app.account("C7003", vec![Role::Clerk], "LO-DA", true).await;
    let (cookie, outcome) = app.login_unacknowledged("C7003", PASSWORD).await.unwrap();
    assert!(outcome.must_change_password && outcome.acknowledgement_due);
    let r = app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await;
    assert_eq!(r.error(), Some(ApiError::PasswordChangeRequired), "the password first");
    let new = "Vermilion-Ink-2027";
    let body = format!("current={}&new={}&confirm={}", urlencode(PASSWORD), urlencode(new), urlencode(new));
    let r = app.post("/api/auth/password", &body, Some(&cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // (the change rotates the session id)
    let cookie = r.session_cookie().expect("the session under its new id");
    let r = app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await;
    assert_eq!(r.error(), Some(ApiError::AcknowledgementRequired), "then the notice: {}", r.body);
    assert_eq!(app.post("/api/auth/acknowledge", "", Some(&cookie)).await.status, 200);
    assert_eq!(app.post(CLERK_LIST, CLERK_LIST_BODY, Some(&cookie)).await.status, 200);
    app.db.close().await;
}

async fn another_text_is_asked_again_and_a_bad_row_is_an_error(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let id = app.account("C7004", vec![Role::Clerk], "LO-DA", false).await;
    // an acknowledgement of an earlier wording of the notice does not count
    let old = Notice { version: CURRENT_NOTICE_VERSION, hash: NoticeHash::parse(&"0".repeat(64)).unwrap() };
    let draft = TrailDraft::new(TrailAction::AuthAcknowledge, Outcome::Success);
    let new = NewAcknowledgement { account_id: id, notice: old, client_ip: None, now: app.clock.now() };
    app.db.store.record_acknowledgement(&new, draft).await.unwrap();
    let (_, outcome) = app.login_unacknowledged("C7004", PASSWORD).await.unwrap();
    assert!(outcome.acknowledgement_due, "the notice was reworded since");
    app.login("C7004", PASSWORD).await.unwrap();
    assert_eq!(&app.db.store.last_acknowledgement(id).await.unwrap().unwrap().notice, current_notice());

    // a stored hash that is not one is an error naming the row, never a default
    app.db
        .exec(&format!(
            "INSERT INTO acknowledgement (account_id, acknowledged_at, notice_version, notice_hash) \
             VALUES ({id}, '2026-12-08T01:00:00Z', 1, '{}')",
            "Z".repeat(64)
        ))
        .await;
    match app.db.store.last_acknowledgement(id).await {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("acknowledgement"), "{m}"),
        other => panic!("a bad row decoded: {other:?}"),
    }
    assert!(app.db.store.last_acknowledgements().await.is_err());
    app.db.close().await;
}

async fn the_register_shows_the_last_acknowledgement(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let manager = app.account("M7005", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("C7005", vec![Role::Clerk], "LO-DA", false).await;
    let cookie = app.login("M7005", PASSWORD).await.unwrap();
    let ack = app.db.store.last_acknowledgement(manager).await.unwrap().unwrap();
    let r = json(&app.post("/api/accounts/register", "unit=0&status=all", Some(&cookie)).await.body);
    let row = |no: &str| {
        r["rows"].as_array().unwrap().iter().find(|x| x["employee_no"] == no).cloned().unwrap_or_else(|| panic!("{no}"))
    };
    let shown: chrono::DateTime<chrono::Utc> = serde_json::from_value(row("M7005")["acknowledged"].clone()).unwrap();
    assert_eq!(shown, ack.acknowledged_at);
    assert!(row("C7005")["acknowledged"].is_null(), "never signed in: not acknowledged");
    // the printed form and its exports keep 附件四's columns
    let csv =
        json(&app.post("/api/accounts/register/export", "unit=0&status=all&format=csv", Some(&cookie)).await.body);
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(csv["b64"].as_str().unwrap()).unwrap();
    let header = String::from_utf8(bytes[3..].to_vec()).unwrap().lines().next().unwrap().to_string();
    assert_eq!(header, "機關名稱,使用者姓名,員工編號,權限,生效日期,註銷日期,狀態,最後登入");
    app.db.close().await;
}

/// Every registered server function, called before the notice is acknowledged: those of roles
/// answer the typed refusal whatever the role; the signed-in ones (sign-out, the password, the
/// calendar …) still answer.
async fn every_role_endpoint_waits_for_it(db: TestDb) {
    use app::server::authz::{policy, Access};
    let app = TestApp::new(db, Default::default()).await;
    app.account("A7006", vec![Role::Admin], "LA-IT", false).await;
    let (cookie, outcome) = app.login_unacknowledged("A7006", PASSWORD).await.unwrap();
    assert!(outcome.acknowledgement_due);
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    paths.sort();
    paths.dedup();
    // these two would end the state under test
    paths.retain(|p| p != "/api/auth/acknowledge" && p != "/api/auth/logout");
    assert!(paths.len() > 50, "{paths:?}");
    for p in &paths {
        let r = app.post(p, "", Some(&cookie)).await;
        match policy(p).unwrap_or_else(|| panic!("{p} has no policy")) {
            Access::Roles(_) => {
                assert_eq!((r.status, r.error()), (403, Some(ApiError::AcknowledgementRequired)), "{p}: {}", r.body)
            }
            _ => assert!(r.status != 401 && r.status != 403, "{p} before the notice: {} {}", r.status, r.body),
        }
    }
    app.db.close().await;
}

on_both!(
    every_role_endpoint_waits_for_it,
    first_sign_in_asks_for_the_notice_and_the_server_holds_to_it,
    a_year_later_it_is_asked_again,
    the_password_change_comes_first_and_does_not_stand_in_for_it,
    another_text_is_asked_again_and_a_bad_row_is_an_error,
    the_register_shows_the_last_acknowledgement,
);
