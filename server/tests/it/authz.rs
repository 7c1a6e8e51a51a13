//! Every registered `/api/` endpoint — the server functions and the few the router serves to a
//! GET (`authz::GET_ENDPOINTS`) — called as each role and as nobody: a new endpoint without a
//! policy fails here, and so does a policy the server does not enforce.

use crate::common;

use crate::common::{TestApp, TestDb, PASSWORD};
use app::domain::Role;
use app::server::authz::{policy, Access, GET_ENDPOINTS, POLICY};

/// A GET endpoint's pattern made a path (`{…}` segments filled in with an id).
fn concrete(pattern: &str) -> String {
    pattern.split('/').map(|s| if s.starts_with('{') { "1" } else { s }).collect::<Vec<_>>().join("/")
}

/// Call an endpoint as its clients do: POST for a server function, GET for the others.
async fn call(app: &TestApp, p: &str, cookie: Option<&str>) -> common::Reply {
    if GET_ENDPOINTS.iter().any(|g| concrete(g) == p) {
        app.get(p, cookie).await.0
    } else {
        app.post(p, "", cookie).await
    }
}

fn registered() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    paths.extend(GET_ENDPOINTS.iter().map(|p| concrete(p)));
    paths.sort();
    paths.dedup();
    // sign-out last: it ends the session the loop is using
    paths.sort_by_key(|p| p == "/api/auth/logout");
    paths
}

async fn run(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let paths = registered();
    assert!(paths.len() >= 10, "server functions registered: {paths:?}");
    for p in &paths {
        assert!(p.starts_with("/api/"), "{p} is not under /api/");
        assert!(policy(p).is_some(), "endpoint {p} has no entry in authz::POLICY");
    }
    for (p, _) in POLICY {
        assert!(
            paths.iter().any(|r| r == p) || GET_ENDPOINTS.contains(p),
            "authz::POLICY lists {p}, which no server function serves"
        );
    }

    // nobody
    for p in &paths {
        let r = call(&app, p, None).await;
        match policy(p).unwrap() {
            Access::Public => assert!(r.status != 401 && r.status != 403, "{p} as nobody: {}", r.status),
            _ => assert_eq!(r.status, 401, "{p} as nobody must be 401, got {} {}", r.status, r.body),
        }
    }

    // each role
    for (i, role) in Role::ALL.iter().enumerate() {
        let emp = format!("R{i:04}");
        app.account(&emp, vec![*role], "LO-DA", false).await;
        let cookie = app.login(&emp, PASSWORD).await.unwrap_or_else(|r| panic!("login {emp}: {} {}", r.status, r.body));
        for p in &paths {
            let allowed = match policy(p).unwrap() {
                Access::Public | Access::SignedIn => true,
                Access::Roles(rs) => rs.contains(role),
            };
            let r = call(&app, p, Some(&cookie)).await;
            if allowed {
                assert!(r.status != 401, "{p} as {role:?} should pass the policy, got {} {}", r.status, r.body);
                if r.status == 403 {
                    // past the policy, the function may still refuse on scope (unit, manager,
                    // deputy): then its own, audited reason is not a policy one
                    let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
                    let reason = serde_json::from_str::<serde_json::Value>(&last.details).unwrap()["reason"].clone();
                    assert_eq!(last.action, "authz.denied", "{p} as {role:?}: a 403 must be an audited denial");
                    assert!(
                        !["role", "no_policy", "not_signed_in", "password_change_required"]
                            .contains(&reason.as_str().unwrap_or_default()),
                        "{p} as {role:?} should pass the policy, got a policy denial ({reason})"
                    );
                }
            } else {
                assert_eq!(r.status, 403, "{p} as {role:?} must be refused, got {} {}", r.status, r.body);
            }
        }
    }

    // an account that must change its password may do only that (and sign out)
    app.account("R9999", vec![Role::Admin], "LA-IT", true).await;
    let cookie = app.login("R9999", PASSWORD).await.unwrap_or_else(|r| panic!("{}", r.body));
    for p in &paths {
        let r = call(&app, p, Some(&cookie)).await;
        match policy(p).unwrap() {
            Access::Roles(_) => assert_eq!(r.status, 403, "{p} before the forced change: {}", r.status),
            _ => assert!(r.status != 401 && r.status != 403, "{p}: {}", r.status),
        }
    }

    // every denial is in the trail
    let denied =
        app.db.store.recent_trail(10_000).await.unwrap().into_iter().filter(|r| r.action == "authz.denied").count();
    assert!(denied > paths.len(), "denials recorded: {denied}");
    app.db.close().await;
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_endpoint_has_a_policy_that_is_enforced() {
        super::run(super::TestDb::new(super::common::Kind::Sqlite).await.unwrap()).await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_endpoint_has_a_policy_that_is_enforced() {
        if let Some(db) = super::TestDb::new(super::common::Kind::Postgres).await {
            super::run(db).await;
        }
    }
}
