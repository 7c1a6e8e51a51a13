//! Sign-in, lockout, sessions and cross-origin protection over real HTTP handling.

use crate::common;

use std::time::Duration;

use crate::common::{urlencode, TestApp, TestDb, PASSWORD};
use app::domain::Role;
use app::server::AuthConfig;

const NEW_PASSWORD: &str = "Vermilion-Ink-77";

async fn app(db: TestDb) -> TestApp {
    TestApp::new(db, AuthConfig::default()).await
}

async fn me(app: &TestApp, cookie: &str) -> Option<serde_json::Value> {
    let r = app.post("/api/auth/me", "", Some(cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    (!v.is_null()).then_some(v)
}

async fn change(app: &TestApp, cookie: &str, current: &str, new: &str) -> common::Reply {
    let body = format!("current={}&new={}&confirm={}", urlencode(current), urlencode(new), urlencode(new));
    app.post("/api/auth/password", &body, Some(cookie)).await
}

async fn sign_in_and_cookie_attributes(db: TestDb) {
    let app = app(db).await;
    app.account("C2001", vec![Role::Clerk], "LO-DA", false).await;
    let r = app.post("/api/auth/login", &format!("employee_no=c2001&password={}", urlencode(PASSWORD)), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let set_cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let cookie = r.session_cookie().unwrap();
    let m = me(&app, &cookie).await.expect("signed in");
    assert_eq!(m["employee_no"], "C2001");
    assert_eq!(m["unit"]["code"], "LO-DA");

    // wrong password and unknown account look the same
    let wrong = app.login("C2001", "Wrong-Password-1").await.unwrap_err();
    let unknown = app.login("ZZ999", "Wrong-Password-1").await.unwrap_err();
    assert_eq!(wrong.body, unknown.body);
    assert_eq!((wrong.status, unknown.status), (400, 400));
    assert!(wrong.body.contains("BadCredentials"), "{}", wrong.body);

    // sign-out ends the session
    assert_eq!(app.post("/api/auth/logout", "", Some(&cookie)).await.status, 200);
    assert!(me(&app, &cookie).await.is_none());
    let actions: Vec<String> = app.db.store.recent_trail(50).await.unwrap().into_iter().map(|r| r.action).collect();
    for a in ["auth.login", "auth.logout"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
    app.db.close().await;
}

async fn five_failures_lock_for_fifteen_minutes(db: TestDb) {
    let app = app(db).await;
    let id = app.account("E2001", vec![Role::ExternalAuditor], "LA-REG", false).await;
    for _ in 0..4 {
        let r = app.login("E2001", "Wrong-Password-1").await.unwrap_err();
        assert!(r.body.contains("BadCredentials"));
    }
    let r = app.login("E2001", "Wrong-Password-1").await.unwrap_err();
    assert!(r.body.contains("Locked"), "{}", r.body);
    assert_eq!(r.status, 423);
    // the right password does not open a locked account
    let r = app.login("E2001", PASSWORD).await.unwrap_err();
    assert!(r.body.contains("Locked"), "{}", r.body);
    let a = app.db.store.account(id).await.unwrap().unwrap();
    let left = a.locked_until.unwrap() - chrono::Utc::now();
    assert!(left > chrono::Duration::minutes(14) && left <= chrono::Duration::minutes(15), "{left}");
    let actions: Vec<String> = app.db.store.recent_trail(50).await.unwrap().into_iter().map(|r| r.action).collect();
    assert!(actions.iter().any(|a| a == "auth.lockout"));
    app.db.close().await;
}

async fn password_change_rules_and_other_sessions_end(db: TestDb) {
    let app = app(db).await;
    app.account("S2001", vec![Role::Supervisor], "LO-DA", true).await;
    let first = app.login("S2001", PASSWORD).await.unwrap();
    let second = app.login("S2001", PASSWORD).await.unwrap();
    assert_ne!(first, second, "each sign-in gets its own session id");
    assert_eq!(me(&app, &first).await.unwrap()["must_change_password"], true);

    // policy: length/classes, employee number, name, confirmation, current password
    for (bad, why) in [("short1!", "至少"), ("alllowercaseletters", "3 類"), ("Xs2001-longenough", "員工編號")] {
        let r = change(&app, &first, PASSWORD, bad).await;
        assert_ne!(r.status, 200);
        assert!(r.message().contains(why), "{bad}: {}", r.body);
        // a typed problem, worded in the reader's language
        let e = r.error().unwrap();
        assert!(
            matches!(
                &e,
                app::error::ApiError::Invalid(app::domain::problem::Problem::Auth(
                    app::domain::auth::AuthProblem::Password(_)
                ))
            ),
            "{e:?}"
        );
        assert!(e.text(app::i18n::Locale::En).starts_with("The password must"), "{e:?}");
    }
    let r = change(&app, &first, "Not-The-Current-1", NEW_PASSWORD).await;
    assert!(r.message().contains("目前密碼不正確"), "{}", r.body);
    let r = change(&app, &first, PASSWORD, PASSWORD).await;
    assert!(r.message().contains("最近 3 次"), "{}", r.body);

    // the forced change is exempt from the minimum age
    let r = change(&app, &first, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rotated = r.session_cookie().expect("a new session id after a password change");
    assert_ne!(rotated, first);
    assert!(me(&app, &rotated).await.is_some(), "the current session goes on");
    assert!(me(&app, &second).await.is_none(), "every other session ends");
    assert_eq!(me(&app, &rotated).await.unwrap()["must_change_password"], false);

    // a voluntary change within a day is refused (minimum age)
    let r = change(&app, &rotated, NEW_PASSWORD, "Another-Seal-2026").await;
    assert!(r.message().contains("1 天內不得再次變更"), "{}", r.body);
    app.db.close().await;
}

async fn disable_and_role_change_end_sessions(db: TestDb) {
    let app = app(db).await;
    app.account("A2001", vec![Role::Admin], "LA-IT", false).await;
    let target = app.account("C2002", vec![Role::Clerk], "LO-DA", false).await;
    let admin = app.login("A2001", PASSWORD).await.unwrap();
    let clerk = app.login("C2002", PASSWORD).await.unwrap();

    let r = app
        .post("/api/admin/accounts/roles", &format!("account_id={target}&roles=clerk,supervisor"), Some(&admin))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(me(&app, &clerk).await.is_none(), "a role change ends the account's sessions");

    let clerk = app.login("C2002", PASSWORD).await.unwrap();
    let r = app
        .post("/api/admin/accounts/disable", &format!("account_id={target}&reason=%E9%9B%A2%E8%81%B7"), Some(&admin))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(me(&app, &clerk).await.is_none(), "disabling ends the account's sessions at once");
    assert!(app.login("C2002", PASSWORD).await.is_err(), "a disabled account cannot sign in");

    // nobody changes their own account
    let own = app.db.store.account_by_employee_no("A2001").await.unwrap().unwrap().id;
    let r = app.post("/api/admin/accounts/disable", &format!("account_id={own}&reason=x"), Some(&admin)).await;
    assert_ne!(r.status, 200);

    // create: a one-time password that must be changed
    let unit = app.db.store.unit_by_code("LO-SS").await.unwrap().unwrap().id;
    let r = app
        .post(
            "/api/admin/accounts/create",
            &format!("employee_no=n3001&name=%E6%B8%AC&unit_id={unit}&email=&phone=&roles=clerk"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let created: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let otp = created["one_time_password"].as_str().unwrap().to_string();
    let c = app.login("N3001", &otp).await.unwrap();
    assert_eq!(me(&app, &c).await.unwrap()["must_change_password"], true);
    let dup = app
        .post(
            "/api/admin/accounts/create",
            &format!("employee_no=N3001&name=x&unit_id={unit}&email=&phone=&roles=clerk"),
            Some(&admin),
        )
        .await;
    assert!(dup.message().contains("使用者帳號重複"), "{}", dup.body);
    app.db.close().await;
}

async fn timeouts(db: TestDb) {
    let auth = AuthConfig { absolute_timeout: Duration::from_secs(1), ..AuthConfig::default() };
    let app = TestApp::new(db, auth).await;
    app.account("C2003", vec![Role::Clerk], "LO-DA", false).await;
    let c = app.login("C2003", PASSWORD).await.unwrap();
    assert!(me(&app, &c).await.is_some());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(me(&app, &c).await.is_none(), "the absolute timeout ends the session");
    app.db.close().await;

    let db = TestDb::new(common::Kind::Sqlite).await.unwrap();
    let auth = AuthConfig { idle_timeout: Duration::from_secs(1), ..AuthConfig::default() };
    let app = TestApp::new(db, auth).await;
    app.account("C2004", vec![Role::Clerk], "LO-DA", false).await;
    let c = app.login("C2004", PASSWORD).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(me(&app, &c).await.is_none(), "the idle timeout ends the session");
    app.db.close().await;
}

/// The session's stored expiry, in seconds from now (an explicit clock: tests move the stored
/// deadline instead of sleeping).
async fn expiry_in(db: &TestDb) -> i64 {
    use app::server::store::Pool;
    match &db.pool {
        Pool::Sqlite(p) => {
            // stored as RFC 3339 text (`2026-12-02T15:50:00.123456789Z`)
            let (e,): (f64,) =
                sqlx::query_as("SELECT (julianday(MAX(expiry_date)) - julianday('now')) * 86400.0 FROM http_session")
                    .fetch_one(p)
                    .await
                    .unwrap();
            e.round() as i64
        }
        Pool::Postgres(p) => {
            let (e,): (chrono::DateTime<chrono::Utc>,) =
                sqlx::query_as("SELECT MAX(expiry_date) FROM tower_sessions.session").fetch_one(p).await.unwrap();
            (e - chrono::Utc::now()).num_seconds()
        }
    }
}

/// Let `seconds` pass for the stored session: its deadline moves that much closer.
async fn pass(db: &TestDb, seconds: i64) {
    use app::server::store::Pool;
    match &db.pool {
        Pool::Sqlite(p) => {
            sqlx::query(
                "UPDATE http_session SET expiry_date = strftime('%Y-%m-%dT%H:%M:%fZ', julianday(expiry_date) - $1 / 86400.0)",
            )
            .bind(seconds as f64)
            .execute(p)
            .await
            .unwrap();
        }
        Pool::Postgres(p) => {
            sqlx::query("UPDATE tower_sessions.session SET expiry_date = expiry_date - make_interval(secs => $1)")
                .bind(seconds as f64)
                .execute(p)
                .await
                .unwrap();
        }
    }
}

/// 15 minutes of inactivity end a session; activity keeps it alive past 15 minutes from sign-in.
async fn activity_keeps_a_session_alive(db: TestDb) {
    let app = TestApp::new(db, AuthConfig::default()).await;
    app.account("C2005", vec![Role::Clerk], "LO-DA", false).await;
    let c = app.login("C2005", PASSWORD).await.unwrap();
    assert!((14 * 60..=15 * 60).contains(&expiry_in(&app.db).await));
    // 40 minutes of work, a request every 10 minutes: each moves the deadline 15 minutes ahead
    for _ in 0..4 {
        pass(&app.db, 10 * 60).await;
        assert!(me(&app, &c).await.is_some(), "active: still signed in");
        let left = expiry_in(&app.db).await;
        assert!(left >= 14 * 60, "the request extended the idle deadline ({left} s left)");
    }
    // then 15 idle minutes (and two seconds, past the store's whole-second deadline): over
    pass(&app.db, 15 * 60 + 2).await;
    assert!(me(&app, &c).await.is_none(), "15 idle minutes end the session");
    app.db.close().await;
}

async fn cross_origin_and_headers(db: TestDb) {
    let app = app(db).await;
    app.account("C2005", vec![Role::Clerk], "LO-DA", false).await;
    let body = format!("employee_no=C2005&password={}", urlencode(PASSWORD));
    let r = app
        .request(
            "POST",
            "/api/auth/login",
            &body,
            None,
            &[("origin", "https://evil.example"), ("sec-fetch-site", "cross-site"), ("host", "127.0.0.1:3000")],
        )
        .await;
    assert_eq!(r.status, 403, "a cross-site POST is refused");
    let r = app
        .request(
            "POST",
            "/api/auth/login",
            &body,
            None,
            &[("origin", "http://127.0.0.1:3000"), ("sec-fetch-site", "same-origin"), ("host", "127.0.0.1:3000")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let page = app.request("GET", "/login", "", None, &[]).await;
    assert_eq!(page.status, 200);
    let csp = page.headers.get("content-security-policy").unwrap().to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry this response's nonce");
    assert!(page.body.contains("<html lang=\"zh-TW\""));
    for h in ["x-content-type-options", "x-frame-options", "referrer-policy", "x-request-id"] {
        assert!(page.headers.contains_key(h), "{h}");
    }
    assert!(!page.headers.contains_key("strict-transport-security"), "no HSTS over http");
    let other = app.request("GET", "/login", "", None, &[]).await;
    assert!(!other.body.contains(&nonce), "a fresh nonce per response");
    let en = app.request("GET", "/login", "", Some("yinjian_lang=en"), &[]).await;
    assert!(en.body.contains("<html lang=\"en\"") && en.body.contains("Sign in"));
    app.db.close().await;
}

/// A one-time password (an administrator's new account or reset) is shown once, forces a
/// change, and stops working when unused for 24 hours; no endpoint re-enables a disabled account
/// (it returns only through a 附件五 新增) (#35 item 10).
async fn one_time_passwords_expire_and_nothing_re_enables(db: TestDb) {
    let app = app(db).await;
    app.account("A2001", vec![Role::Admin], "LA-IT", false).await;
    let admin = app.sign_in("A2001").await;
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let r = app
        .post(
            "/api/admin/accounts/create",
            &format!("employee_no=C2101&name=x&unit_id={da}&email=&phone=&roles=clerk"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let created: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let otp = created["one_time_password"].as_str().unwrap().to_string();
    let id = created["id"].as_i64().unwrap();
    let acc = app.db.store.account(id).await.unwrap().unwrap();
    let until = acc.one_time_until.expect("a one-time password records its end");
    assert!(
        until > chrono::Utc::now() + chrono::Duration::hours(23)
            && until <= chrono::Utc::now() + chrono::Duration::hours(24)
    );
    // within the day it signs in, restricted to changing the password
    let c = app.login("C2101", &otp).await.unwrap();
    assert_eq!(me(&app, &c).await.unwrap()["must_change_password"], true);
    // a day later, unused: refused even with the right password, and said so
    app.db.exec(&format!("UPDATE account SET one_time_until = '2020-01-01 00:00:00+00:00' WHERE id = {id}")).await;
    let r = app.login("C2101", &otp).await.unwrap_err();
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("一次性密碼已逾 24 小時"), "{}", r.body);
    assert!(app
        .db
        .store
        .recent_trail(10)
        .await
        .unwrap()
        .iter()
        .any(|e| e.details.contains("one_time_password_expired")));
    // a reset gives a new one, which works; changed, the chosen password has no end
    let r = app.post("/api/admin/accounts/reset-password", &format!("account_id={id}"), Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let otp2 =
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["one_time_password"].as_str().unwrap().to_string();
    let c = app.login("C2101", &otp2).await.unwrap();
    assert_eq!(change(&app, &c, &otp2, NEW_PASSWORD).await.status, 200);
    assert!(app.db.store.account(id).await.unwrap().unwrap().one_time_until.is_none());
    // disabled: no endpoint brings it back
    let r = app.post("/api/admin/accounts/disable", &format!("account_id={id}&reason=離職"), Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.post("/api/admin/accounts/enable", &format!("account_id={id}"), Some(&admin)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(app.db.store.account(id).await.unwrap().unwrap().disabled);
    assert!(app.login("C2101", NEW_PASSWORD).await.is_err());
    app.db.close().await;
}

on_both!(
    one_time_passwords_expire_and_nothing_re_enables,
    sign_in_and_cookie_attributes,
    five_failures_lock_for_fifteen_minutes,
    password_change_rules_and_other_sessions_end,
    disable_and_role_change_end_sessions,
    timeouts,
    activity_keeps_a_session_alive,
    cross_origin_and_headers
);
