//! Designations (職務代理人, 查詢資料產製專人, 主管授權人) on both databases: every one has an end
//! (at most a year), an administrator may end one early (audited) but never designates
//! themself, and a designation stops applying when its account leaves the unit or is disabled.

use crate::common;

use crate::common::{TestApp, TestDb};
use app::domain::Role;
use app::server::auth::Actor;
use app::server::authz::{acts_as_manager, acts_as_supervisor};
use app::server::trail::{Outcome, TrailAction, TrailDraft};
use chrono::Utc;
use serde_json::Value;

async fn actor(app: &TestApp, emp: &str) -> Actor {
    let a = app.db.store.account_by_employee_no(emp).await.unwrap().unwrap();
    Actor::from_account(&a, &Default::default(), Utc::now())
}

fn roc(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}/{:02}/{:02}", d.year() - 1911, d.month(), d.day())
}

async fn designations_end(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let admin_id = app.account("A9001", vec![Role::Admin], "LA-IT", false).await;
    app.account("M7001", vec![Role::AccountManager], "LO-DA", false).await;
    let deputy = app.account("D7001", vec![Role::Clerk], "LO-DA", false).await;
    let delegate = app.account("G7001", vec![Role::Clerk], "LO-DA", false).await;
    let admin = app.sign_in("A9001").await;
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let today = app::domain::taipei_date(Utc::now());
    let add = |who: i64, kind: &str, to: String| {
        let body = format!("account_id={who}&kind={kind}&valid_from={}&valid_to={to}", roc(today));
        let (app, admin) = (&app, &admin);
        async move { app.post("/api/admin/designations/add", &body, Some(admin)).await }
    };
    // an end is required, at most a year away; nobody designates themself
    let r = add(deputy, "deputy_account_manager", String::new()).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = add(deputy, "deputy_account_manager", roc(today + chrono::Duration::days(400))).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = add(admin_id, "supervisor_delegate", roc(today + chrono::Duration::days(30))).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("不可指定自己"), "{}", r.body);
    let r = add(deputy, "deputy_account_manager", roc(today + chrono::Duration::days(30))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let deputy_desig: i64 = r.body.trim().parse().unwrap();
    let r = add(delegate, "supervisor_delegate", roc(today + chrono::Duration::days(30))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let delegate_desig: i64 = r.body.trim().parse().unwrap();
    // the list shows the dates as typed (the end is its last day, though stored as the next midnight)
    let list: Value = serde_json::from_str(&app.post("/api/admin/designations", "", Some(&admin)).await.body).unwrap();
    let row = list.as_array().unwrap().iter().find(|d| d["id"] == delegate_desig).unwrap().clone();
    let day = |d: chrono::NaiveDate| serde_json::to_value(app::domain::RocDate::from_gregorian(d).unwrap()).unwrap();
    assert_eq!(row["valid_from"], day(today));
    assert_eq!(row["valid_to"], day(today + chrono::Duration::days(30)), "{row}");
    let now = Utc::now();
    assert!(acts_as_manager(&app.db.store, &actor(&app, "D7001").await, da, now).await.unwrap());
    assert!(acts_as_supervisor(&app.db.store, &actor(&app, "G7001").await, da, now).await.unwrap());

    // ended early by the administrator, audited; ending it twice is refused
    let r = app.post("/api/admin/designations/end", &format!("id={deputy_desig}"), Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!acts_as_manager(&app.db.store, &actor(&app, "D7001").await, da, Utc::now()).await.unwrap());
    let r = app.post("/api/admin/designations/end", &format!("id={deputy_desig}"), Some(&admin)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(app.db.store.recent_trail(20).await.unwrap().iter().any(|e| e.action == "designation.end"));
    let list: Value = serde_json::from_str(&app.post("/api/admin/designations", "", Some(&admin)).await.body).unwrap();
    let row = list.as_array().unwrap().iter().find(|d| d["id"] == deputy_desig).unwrap().clone();
    assert_eq!(row["open"], false);

    // the delegate moves to another unit: the designation no longer applies there, nor here
    let ss = app.db.store.unit_by_code("LO-SS").await.unwrap().unwrap().id;
    let mut moved = actor(&app, "G7001").await;
    moved.unit_id = ss;
    assert!(!acts_as_supervisor(&app.db.store, &moved, da, Utc::now()).await.unwrap(), "left the unit");
    // disabled: its designations end in the store
    let draft = TrailDraft::new(TrailAction::AccountDisable, Outcome::Success);
    app.db.store.set_disabled(delegate, true, Some("離職"), draft).await.unwrap();
    let ds = app.db.store.list_designations(Some(da)).await.unwrap();
    let d = ds.iter().find(|d| d.account_id == delegate).unwrap();
    assert!(d.valid_to <= Utc::now(), "{d:?}");
    // a disabled account is not designated at all
    let r = add(delegate, "report_producer", roc(today + chrono::Duration::days(30))).await;
    assert_eq!(r.status, 400, "{}", r.body);
    app.db.close().await;
}

/// The quarterly review's and the hand-over's idea of "the units this account manages" follows
/// the same rule as the rest: a deputy designation counts only while the account is in the unit.
async fn a_moved_deputy_manages_nothing(db: TestDb) {
    use app::server::reviews::managed_units;
    use app::server::store::NewDesignation;
    let app = TestApp::new(db, Default::default()).await;
    let deputy = app.account("D7101", vec![Role::Clerk], "LO-DA", false).await;
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let now = Utc::now();
    let d = NewDesignation {
        unit_id: da,
        account_id: deputy,
        kind: app::domain::Designation::DeputyAccountManager,
        valid_from: now - chrono::Duration::days(1),
        valid_to: now + chrono::Duration::days(30),
        created_by: None,
        now,
    };
    app.db.store.add_designation(&d, TrailDraft::new(TrailAction::DesignationAdd, Outcome::Success)).await.unwrap();
    let here = actor(&app, "D7101").await;
    assert_eq!(
        managed_units(&app.db.store, &here, now).await.unwrap().iter().map(|m| m.unit_id).collect::<Vec<_>>(),
        [da]
    );
    // in another unit now (however it got there): the designation does not follow it
    let mut moved = here.clone();
    moved.unit_id = app.db.store.unit_by_code("LO-SS").await.unwrap().unwrap().id;
    assert!(managed_units(&app.db.store, &moved, now).await.unwrap().is_empty());
    // and the database refuses a designation without an end
    let r = app
        .db
        .try_exec(&format!(
            "INSERT INTO designation (unit_id, account_id, kind, valid_from, valid_to, created_at) \
             VALUES ({da}, {deputy}, 'report_producer', '2026-01-01 00:00:00+00:00', NULL, '2026-01-01 00:00:00+00:00')"
        ))
        .await;
    assert!(r.is_err(), "a designation without an end is refused");
    app.db.close().await;
}

/// The administrator's rules reached without HTTP (`server::admin`): typed refusals, and the
/// separation-of-duties refusal written to the trail.
async fn admin_use_cases_without_http(db: TestDb) {
    use app::domain::admin::{AdminError, ContactField};
    use app::server::admin::{self, DesignationInput, NewAccountInput};
    use app::server::caller::{Caller, Failure};
    let app = TestApp::new(db, Default::default()).await;
    let admin_id = app.account("A9101", vec![Role::Admin], "LA-IT", false).await;
    let clerk = app.account("C9101", vec![Role::Clerk], "LO-DA", false).await;
    let state = app::server::AppState::new(app.db.store.clone(), Default::default(), std::sync::Arc::new(vec![7; 32]));
    let caller = Caller::new(actor(&app, "A9101").await, Some("192.0.2.9".parse().unwrap()));
    let da = app.db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;

    // nobody changes their own account: refused, typed, and the refusal is in the trail
    let r = admin::disable(&state, &caller, admin_id, "x", "/api/admin/accounts/disable").await;
    assert!(matches!(r, Err(Failure::Problem(AdminError::OwnAccount))), "{r:?}");
    let last = app.db.store.recent_trail(1).await.unwrap().remove(0);
    assert_eq!((last.action.as_str(), last.client_ip.as_deref()), ("authz.denied", Some("192.0.2.9")));
    assert!(last.details.contains("own_account"), "{}", last.details);
    // a land office may not hold the administrator's role
    let r = admin::set_roles(&state, &caller, clerk, vec![Role::Clerk, Role::Admin], "/api/admin/accounts/roles").await;
    match r {
        Err(Failure::Problem(AdminError::RolesForUnit(e))) => assert_eq!(e.not_for_kind, vec![Role::Admin]),
        other => panic!("{other:?}"),
    }
    let input = |roles: Vec<Role>| NewAccountInput {
        employee_no: app::domain::EmployeeNo::parse("N9101").unwrap(),
        name: "王小明".into(),
        unit_id: da,
        email: String::new(),
        phone: String::new(),
        roles,
    };
    assert!(matches!(
        admin::create_account(&state, &caller, input(vec![])).await,
        Err(Failure::Problem(AdminError::NoRoles))
    ));
    let made = admin::create_account(&state, &caller, input(vec![Role::Clerk])).await.unwrap();
    assert!(made.one_time_password.len() >= 12, "{made:?}");
    let again = admin::create_account(&state, &caller, input(vec![Role::Clerk])).await;
    assert!(matches!(again, Err(Failure::Problem(AdminError::DuplicateEmployeeNo))), "{again:?}");
    // a fax number that is not one names the fax
    let r = admin::set_unit_contact(&state, &caller, da, "(02)2345-6789", "not a number").await;
    assert!(matches!(r, Err(Failure::Problem(AdminError::ContactNumber(ContactField::Fax)))), "{r:?}");
    // a designation's end before its start
    let d = DesignationInput {
        account_id: clerk,
        kind: "supervisor_delegate",
        valid_from: "115/12/10",
        valid_to: "115/12/01",
    };
    let r = admin::add_designation(&state, &caller, d, "/api/admin/designations/add").await;
    assert!(matches!(r, Err(Failure::Problem(AdminError::EndBeforeStart))), "{r:?}");
    // the list of accounts is a read of personal data: in the trail
    admin::list_accounts(&state, &caller).await.unwrap();
    assert_eq!(app.db.store.recent_trail(1).await.unwrap()[0].action, "account.list");
    app.db.close().await;
}

on_both!(designations_end, a_moved_deputy_manages_nothing, admin_use_cases_without_http);

/// Migration 0019 gives the designations made before the one-year rule (no end) an end a year
/// after their start, on both databases: a database of the release before opens, and reads.
async fn old_open_ended_designations_get_an_end(kind: common::Kind) {
    use std::borrow::Cow;
    let Some(db) = TestDb::new_unmigrated(kind).await else { return };
    let dir = match kind {
        common::Kind::Sqlite => "sqlite",
        common::Kind::Postgres => "postgres",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations").join(dir);
    let mut before = sqlx::migrate::Migrator::new(path).await.unwrap();
    before.migrations = Cow::Owned(before.migrations.iter().filter(|m| m.version < 19).cloned().collect());
    match &db.pool {
        app::server::store::Pool::Sqlite(p) => before.run(p).await.unwrap(),
        app::server::store::Pool::Postgres(p) => before.run(p).await.unwrap(),
    }
    db.exec(
        "INSERT INTO unit (id, code, name_zh, name_en, kind, active, created_at) \
         VALUES (1, 'LO-DA', '大安', 'Da-an', 'land_office', TRUE, '2025-01-01 00:00:00+00:00'); \
         INSERT INTO account (id, employee_no, name, unit_id, email, phone, password_hash, password_changed_at, \
         must_change_password, failed_attempts, disabled, session_version, created_at) \
         VALUES (1, 'D1', 'd', 1, '', '', 'x', '2025-01-01 00:00:00+00:00', FALSE, 0, FALSE, 1, '2025-01-01 00:00:00+00:00'); \
         INSERT INTO designation (unit_id, account_id, kind, valid_from, valid_to, created_at) \
         VALUES (1, 1, 'deputy_account_manager', '2025-03-01 00:00:00+00:00', NULL, '2025-03-01 00:00:00+00:00');",
    )
    .await;
    db.store.migrate().await.unwrap();
    let d = db.store.list_designations(None).await.unwrap();
    assert_eq!(d.len(), 1);
    let from = chrono::DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z").unwrap().with_timezone(&Utc);
    assert_eq!(d[0].valid_from, from);
    assert_eq!(
        d[0].valid_to,
        chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap().with_timezone(&Utc)
    );
    assert!(!d[0].holds_at(Utc::now()), "it ended a year after it began");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_old_open_ended_designations_get_an_end() {
    old_open_ended_designations_get_an_end(common::Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_old_open_ended_designations_get_an_end() {
    old_open_ended_designations_get_an_end(common::Kind::Postgres).await
}
