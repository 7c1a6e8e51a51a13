//! Store tests: one story, run on SQLite and on PostgreSQL.

use crate::common;

use chrono::{Duration, NaiveDate, Utc};

use crate::common::{TestDb, KEY};
use app::domain::{Designation, Role, REFERENCE_UNITS};
use app::server::store::{NewAccount, NewDesignation, StoreError};
use app::server::trail::{verify_store, Outcome, TrailAction, TrailDraft};

fn draft(action: TrailAction) -> TrailDraft {
    TrailDraft::new(action, Outcome::Success)
}

async fn new_account(db: &TestDb, employee_no: &str, roles: Vec<Role>) -> i64 {
    let unit = db.store.unit_by_code("LO-DA").await.unwrap().unwrap();
    db.store
        .create_account(
            &NewAccount {
                employee_no: employee_no.into(),
                name: "王小明".into(),
                unit_id: unit.id,
                email: "a@gov.taipei".into(),
                phone: String::new(),
                password_hash: "hash-1".into(),
                must_change_password: true,
                one_time_until: None,
                roles,
                now: Utc::now(),
            },
            draft(TrailAction::AccountCreate).object("account", ""),
        )
        .await
        .unwrap()
}

async fn units_are_seeded_once(db: &TestDb) {
    let s = &db.store;
    assert_eq!(s.ensure_units(REFERENCE_UNITS, Utc::now()).await.unwrap(), REFERENCE_UNITS.len());
    assert_eq!(s.ensure_units(REFERENCE_UNITS, Utc::now()).await.unwrap(), 0);
    let units = s.list_units().await.unwrap();
    assert_eq!(units.len(), REFERENCE_UNITS.len());
    let da = s.unit_by_code("HR-DA").await.unwrap().unwrap();
    assert_eq!(da.name_zh, "臺北市大安區戶政事務所");
    s.set_unit_active(da.id, false, draft(TrailAction::UnitDisable)).await.unwrap();
    assert!(!s.unit(da.id).await.unwrap().unwrap().active);
    assert!(matches!(
        s.set_unit_active(999_999, false, draft(TrailAction::UnitDisable)).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn accounts_roles_and_sessions(db: &TestDb) {
    let s = &db.store;
    s.ensure_units(REFERENCE_UNITS, Utc::now()).await.unwrap();
    let id = new_account(db, "C1234", vec![Role::Clerk, Role::Supervisor]).await;
    let a = s.account(id).await.unwrap().unwrap();
    assert_eq!(a.employee_no, "C1234");
    assert_eq!(a.roles, vec![Role::Clerk, Role::Supervisor]);
    assert!(a.must_change_password);
    assert_eq!(a.session_version, 1);
    assert_eq!(s.account_by_employee_no("C1234").await.unwrap().unwrap().id, id);
    assert!(s.account_by_employee_no("NOPE").await.unwrap().is_none());

    // duplicates are refused, and nothing half-written remains
    let unit = s.unit_by_code("LO-DA").await.unwrap().unwrap();
    let dup = s
        .create_account(
            &NewAccount {
                employee_no: "C1234".into(),
                name: "x".into(),
                unit_id: unit.id,
                email: String::new(),
                phone: String::new(),
                password_hash: "h".into(),
                must_change_password: true,
                one_time_until: None,
                roles: vec![],
                now: Utc::now(),
            },
            draft(TrailAction::AccountCreate),
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Duplicate(_))), "{dup:?}");
    assert_eq!(s.count_accounts().await.unwrap(), 1);

    // role change and disable end every session (the version moves)
    s.set_roles(id, &[Role::Admin], draft(TrailAction::AccountRoles)).await.unwrap();
    let a = s.account(id).await.unwrap().unwrap();
    assert_eq!(a.roles, vec![Role::Admin]);
    assert_eq!(a.session_version, 2);
    s.set_disabled(id, true, Some("離職"), draft(TrailAction::AccountDisable)).await.unwrap();
    let a = s.account(id).await.unwrap().unwrap();
    assert!(a.disabled);
    assert_eq!(a.disabled_reason.as_deref(), Some("離職"));
    assert!(a.disabled_at.is_some());
    assert_eq!(a.session_version, 3);
    s.set_disabled(id, false, None, draft(TrailAction::AccountEnable)).await.unwrap();
    assert!(!s.account(id).await.unwrap().unwrap().disabled);

    // password change: history, version, flags
    let v = s.set_password(id, "hash-2", false, Utc::now(), draft(TrailAction::AuthPasswordChange)).await.unwrap();
    assert_eq!(v, 5);
    s.set_password(id, "hash-3", false, Utc::now(), draft(TrailAction::AuthPasswordChange)).await.unwrap();
    s.set_password(id, "hash-4", false, Utc::now(), draft(TrailAction::AuthPasswordChange)).await.unwrap();
    assert_eq!(s.password_history(id, 3).await.unwrap(), vec!["hash-4", "hash-3", "hash-2"]);
    assert!(!s.account(id).await.unwrap().unwrap().must_change_password);

    let list = s.list_accounts().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].roles, vec![Role::Admin]);
}

async fn failures_lock_the_account(db: &TestDb) {
    let s = &db.store;
    s.ensure_units(REFERENCE_UNITS, Utc::now()).await.unwrap();
    let id = new_account(db, "E0042", vec![Role::Clerk]).await;
    let until = Utc::now() + Duration::minutes(15);
    for n in 1..=4 {
        let o = s
            .record_login_failure(id, 5, until, draft(TrailAction::AuthLogin), draft(TrailAction::AuthLockout))
            .await
            .unwrap();
        assert_eq!((o.attempts, o.locked), (n, false));
    }
    let o = s
        .record_login_failure(id, 5, until, draft(TrailAction::AuthLogin), draft(TrailAction::AuthLockout))
        .await
        .unwrap();
    assert!(o.locked);
    let a = s.account(id).await.unwrap().unwrap();
    assert_eq!(a.failed_attempts, 0);
    let stored = a.locked_until.expect("locked");
    assert!((stored - until).num_milliseconds().abs() < 1000, "{stored} vs {until}");
    // a correct password while locked does not count (the lock is checked in the same statement)
    assert!(!s.record_login_success(id, Utc::now(), draft(TrailAction::AuthLogin)).await.unwrap());
    assert!(s.account(id).await.unwrap().unwrap().locked_until.is_some());
    // once the lock has run out it does
    assert!(s.record_login_success(id, until + Duration::seconds(1), draft(TrailAction::AuthLogin)).await.unwrap());
    let a = s.account(id).await.unwrap().unwrap();
    assert!(a.locked_until.is_none() && a.last_login_at.is_some());
}

async fn designations(db: &TestDb) {
    let s = &db.store;
    s.ensure_units(REFERENCE_UNITS, Utc::now()).await.unwrap();
    let id = new_account(db, "M0042", vec![Role::AccountManager]).await;
    let unit = s.unit_by_code("LO-DA").await.unwrap().unwrap();
    let from = Utc::now();
    let d = NewDesignation {
        unit_id: unit.id,
        account_id: id,
        kind: Designation::DeputyAccountManager,
        valid_from: from,
        valid_to: from + chrono::Duration::days(30),
        created_by: None,
        now: from,
    };
    let did = s.add_designation(&d, draft(TrailAction::DesignationAdd)).await.unwrap();
    let list = s.list_designations(Some(unit.id)).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].kind, list[0].account_id), (did, Designation::DeputyAccountManager, id));
    assert!(s.list_designations(Some(unit.id + 1)).await.unwrap().is_empty());
}

async fn every_change_is_audited_in_its_transaction(db: &TestDb) {
    let s = &db.store;
    s.ensure_units(REFERENCE_UNITS, Utc::now()).await.unwrap();
    let before = s.trail_head().await.unwrap().0;
    let id = new_account(db, "A0042", vec![Role::Admin]).await;
    s.set_roles(id, &[Role::Clerk], draft(TrailAction::AccountRoles).object("account", id)).await.unwrap();
    let rows = s.recent_trail(10).await.unwrap();
    assert_eq!(s.trail_head().await.unwrap().0, before + 2);
    assert_eq!(rows[0].action, "account.roles");
    assert_eq!(rows[1].action, "account.create");
    assert_eq!(rows[1].object_id.as_deref(), Some(id.to_string().as_str()));
    // a failed change leaves no trail row behind
    let _ = s.set_roles(999_999, &[Role::Clerk], draft(TrailAction::AccountRoles)).await;
    assert_eq!(s.trail_head().await.unwrap().0, before + 2);
    assert_eq!(verify_store(s.as_ref(), KEY).await.unwrap(), Ok(before + 2));
}

async fn audit_rows_are_append_only(db: &TestDb) {
    let s = &db.store;
    s.append_trail(draft(TrailAction::RetentionView)).await.unwrap();
    assert!(db.try_exec("UPDATE trail_event SET action = 'x'").await.is_err(), "UPDATE must be refused");
    assert!(db.try_exec("DELETE FROM trail_event").await.is_err(), "DELETE must be refused");
    assert_eq!(s.recent_trail(5).await.unwrap()[0].action, "retention.view");
}

async fn concurrent_appends_form_one_chain(db: &TestDb) {
    let mut tasks = Vec::new();
    for i in 0..24 {
        let s = db.store.clone();
        tasks.push(tokio::spawn(async move {
            s.append_trail(draft(TrailAction::TestConcurrent).details(serde_json::json!({ "i": i }))).await.unwrap()
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (1..=24).collect::<Vec<i64>>());
    assert_eq!(verify_store(db.store.as_ref(), KEY).await.unwrap(), Ok(24));
}

async fn the_working_calendar(db: &TestDb) {
    use app::domain::{CalendarDay, DayKind, OfficeHours};
    use chrono::{NaiveDate, TimeZone};
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let taipei =
        |y, m, dd, h| app::domain::taipei_offset().with_ymd_and_hms(y, m, dd, h, 0, 0).unwrap().with_timezone(&Utc);
    assert_eq!(db.store.office_hours().await.unwrap(), OfficeHours::default());
    let holiday = CalendarDay { date: d(2026, 10, 9), kind: DayKind::Holiday, name: "國慶日補假".into() };
    let makeup = CalendarDay { date: d(2026, 9, 26), kind: DayKind::Workday, name: "補班".into() };
    db.store.set_calendar_day(&holiday, None, draft(TrailAction::CalendarDaySet)).await.unwrap();
    db.store.set_calendar_day(&makeup, None, draft(TrailAction::CalendarDaySet)).await.unwrap();
    // setting the same day again replaces it
    let renamed = CalendarDay { name: "國慶日".into(), ..holiday.clone() };
    db.store.set_calendar_day(&renamed, None, draft(TrailAction::CalendarDaySet)).await.unwrap();
    assert_eq!(db.store.calendar_days().await.unwrap(), vec![makeup.clone(), renamed]);
    db.store
        .set_office_hours(OfficeHours::parse("09:00", "18:00").unwrap(), draft(TrailAction::CalendarHoursSet))
        .await
        .unwrap();
    let cal = app::server::comparisons::calendar(&db.store).await.unwrap();
    assert!(cal.is_after_hours(taipei(2026, 10, 9, 10)));
    assert!(!cal.is_after_hours(taipei(2026, 9, 26, 10)));
    assert!(cal.is_after_hours(taipei(2026, 11, 26, 8)));
    assert!(!cal.is_after_hours(taipei(2026, 11, 26, 17)));
    assert!(db.store.remove_calendar_day(d(2026, 9, 26), draft(TrailAction::CalendarDayRemove)).await.unwrap());
    assert!(!db.store.remove_calendar_day(d(2026, 9, 26), draft(TrailAction::CalendarDayRemove)).await.unwrap());
    assert_eq!(db.store.calendar_days().await.unwrap().len(), 1);
    let actions: Vec<String> = db.store.recent_trail(20).await.unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(actions.iter().filter(|a| a.starts_with("calendar.")).count(), 5);
}

async fn registry_versions_and_images(db: &TestDb) {
    use app::server::store::{ImageBlob, NewSealVersion, SealReason};
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    assert_eq!(
        app::server::seed::seed_demo_seals(db.store.as_ref()).await.unwrap(),
        app::server::seed::DEMO_PERSONS.len()
    );
    // the demo's 印模不清 impression (a blurred copy) is flagged, the others are not
    assert!(db.store.seal_versions("A128603153").await.unwrap()[0].unclear);
    assert!(!db.store.seal_versions("A123456789").await.unwrap()[0].unclear);
    // seeding again adds nothing
    assert_eq!(app::server::seed::seed_demo_seals(db.store.as_ref()).await.unwrap(), 0);
    let v1 = db.store.seal_versions("A123456789").await.unwrap();
    assert_eq!(v1.len(), 1);
    let office = v1[0].office_unit_id;
    let img = db.store.image(&v1[0].image_sha256).await.unwrap().unwrap();
    // a date correction: same image, new version, the old one untouched
    let new = NewSealVersion {
        national_id: "A123456789".into(),
        person_name: None,
        image: ImageBlob::new(img.data.clone(), &img.media_type, img.width, img.height),
        registered_on: NaiveDate::from_ymd_opt(2019, 3, 15),
        office_unit_id: office,
        reason: SealReason::DateCorrection,
        unclear: false,
        note: String::new(),
        created_by: None,
        now: Utc::now(),
    };
    let v2 = db.store.add_seal_version(&new, draft(TrailAction::SealVersionAdd)).await.unwrap();
    assert_eq!(v2.version, 2);
    let all = db.store.seal_versions("A123456789").await.unwrap();
    assert_eq!(all[0], v1[0]);
    assert_eq!(all[1].registered_on, NaiveDate::from_ymd_opt(2019, 3, 15));
    // one blob for the same content
    assert_eq!(all[0].image_sha256, all[1].image_sha256);
    assert_eq!(db.store.person("A123456789").await.unwrap().unwrap().name, "王大明");
    // nothing is overwritten or deleted
    assert!(db.try_exec("UPDATE seal_version SET registered_on = NULL").await.is_err());
    assert!(db.try_exec("DELETE FROM seal_version").await.is_err());
    assert_eq!(db.store.seal_versions("A123456789").await.unwrap().len(), 2);
}

async fn liaison_slips_move_one_step_at_a_time(db: &TestDb) {
    use app::server::store::{NewSlip, SlipFilter, SlipState, SlipStep, StoreError};
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    let clerk = new_account(db, "C0001", vec![Role::Clerk]).await;
    let sender = db.store.unit_by_code("LO-DA").await.unwrap().unwrap();
    let office = db.store.unit_by_code("HR-DA").await.unwrap().unwrap();
    let now = Utc::now();
    let new = NewSlip {
        sender_unit_id: sender.id,
        office_unit_id: office.id,
        created_by: clerk,
        query_id: None,
        national_id: "A123456789".into(),
        case_number: "115年大安字第000001號".into(),
        subject: "unclear".into(),
        form_json: "{}".into(),
        now,
    };
    let id = db.store.create_slip(&new, draft(TrailAction::LiaisonCreated)).await.unwrap();
    let step = |s: SlipStep| async move {
        db.store.slip_step(id, &s, clerk, "", Utc::now(), draft(TrailAction::LiaisonStep)).await
    };
    // a step from the wrong state is stale and changes nothing
    assert!(matches!(step(SlipStep::Close).await, Err(StoreError::Stale(_))));
    assert!(matches!(step(SlipStep::Receive).await, Err(StoreError::Stale(_))));
    let due = now + chrono::Duration::days(3);
    step(SlipStep::Send { due_at: due }).await.unwrap();
    assert!(matches!(step(SlipStep::Send { due_at: due }).await, Err(StoreError::Stale(_))));
    let rec = db.store.slip(id).await.unwrap().unwrap();
    assert_eq!((rec.state.code(), rec.due_at.map(|d| d.timestamp())), ("sent", Some(due.timestamp())));
    assert!(!rec.overdue(now) && rec.overdue(due + chrono::Duration::seconds(1)));
    // the office's view: only sent slips
    let f = SlipFilter { office_unit_id: Some(office.id), sent_only: true, ..Default::default() };
    assert_eq!(db.store.list_slips(&f).await.unwrap().len(), 1);
    let mut other = new.clone();
    other.case_number = "115年大安字第000002號".into();
    db.store.create_slip(&other, draft(TrailAction::LiaisonCreated)).await.unwrap();
    assert_eq!(db.store.list_slips(&f).await.unwrap().len(), 1, "a draft is not the office's");
    let by_case = SlipFilter { case_number: Some("000002".into()), ..Default::default() };
    assert_eq!(db.store.list_slips(&by_case).await.unwrap().len(), 1);
    // LIKE wildcards in a search are taken literally
    let wild = SlipFilter { case_number: Some("%".into()), ..Default::default() };
    assert_eq!(db.store.list_slips(&wild).await.unwrap().len(), 0);
    // by state: one sent slip, one draft
    let by_state = |state| SlipFilter { state: Some(state), ..Default::default() };
    let sent = db.store.list_slips(&by_state(SlipState::Sent)).await.unwrap();
    assert_eq!(sent.iter().map(|s| s.id).collect::<Vec<_>>(), [id]);
    assert_eq!(db.store.list_slips(&by_state(SlipState::Draft)).await.unwrap().len(), 1);
    assert_eq!(db.store.list_slips(&by_state(SlipState::Replied)).await.unwrap().len(), 0);
    step(SlipStep::Cancel).await.unwrap();
    let events: Vec<String> = db.store.slip_events(id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(events, ["created", "sent", "cancelled"]);
    // a cancelled slip is final, even in SQL
    assert!(db.try_exec(&format!("UPDATE liaison_slip SET state = 'sent' WHERE id = {id}")).await.is_err());
    let audited =
        db.store.recent_trail(50).await.unwrap().into_iter().filter(|r| r.action.starts_with("liaison.")).count();
    assert_eq!(audited, 4);
}

/// The sign-in rate limit counts in the database: two instances (two stores on one database)
/// share one window; old windows are dropped.
async fn rate_limits_are_shared_by_instances(db: &TestDb) {
    let (other, _) = app::server::store::open(&db.url, std::sync::Arc::new(common::KEY.to_vec())).await.unwrap();
    let t = 1_800_000_000;
    let mut last = 0;
    for i in 0..10 {
        let s = if i % 2 == 0 { &db.store } else { &other };
        last = s.hit_rate("login:203.0.113.9", t, t - 120).await.unwrap();
    }
    assert_eq!(last, 10, "both instances count into one window");
    assert_eq!(other.hit_rate("login:203.0.113.10", t, t - 120).await.unwrap(), 1, "per key");
    // the next window starts afresh and drops the old ones
    assert_eq!(db.store.hit_rate("login:203.0.113.9", t + 180, t + 60).await.unwrap(), 1);
    assert_eq!(other.hit_rate("login:203.0.113.9", t + 180, t + 60).await.unwrap(), 2);
    let (rows,): (i64,) = match &db.pool {
        app::server::store::Pool::Sqlite(p) => {
            sqlx::query_as("SELECT COUNT(*) FROM rate_window").fetch_one(p).await.unwrap()
        }
        app::server::store::Pool::Postgres(p) => {
            sqlx::query_as("SELECT COUNT(*) FROM rate_window").fetch_one(p).await.unwrap()
        }
    };
    assert_eq!(rows, 1, "old windows are gone");
}

/// One lock order (the record's rows first, the trail head last): a reply with a new seal
/// version and a cancellation racing on the same slips never deadlock — each ends applied or
/// stale.
async fn racing_slip_steps_never_deadlock(db: &TestDb) {
    use app::server::store::{ImageBlob, NewSealVersion, NewSlip, SealReason, SlipReply, SlipStep, StoreError};
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    let clerk = new_account(db, "C0001", vec![Role::Clerk]).await;
    let sender = db.store.unit_by_code("LO-DA").await.unwrap().unwrap();
    let office = db.store.unit_by_code("HR-DA").await.unwrap().unwrap();
    let png = std::fs::read(format!("{}/registered/r0004.png", common::FIXTURES)).unwrap();
    let mut outcomes = (0, 0);
    for round in 0..15 {
        let new = NewSlip {
            sender_unit_id: sender.id,
            office_unit_id: office.id,
            created_by: clerk,
            query_id: None,
            national_id: "A123456789".into(),
            case_number: format!("115年大安字第{:06}號", round + 1),
            subject: "unclear".into(),
            form_json: "{}".into(),
            now: Utc::now(),
        };
        let id = db.store.create_slip(&new, draft(TrailAction::LiaisonCreated)).await.unwrap();
        let send = SlipStep::Send { due_at: Utc::now() + chrono::Duration::days(3) };
        db.store.slip_step(id, &send, clerk, "", Utc::now(), draft(TrailAction::LiaisonStep)).await.unwrap();
        let reply = SlipReply {
            reply_json: "{}".into(),
            new_version: Some(NewSealVersion {
                national_id: "A123456789".into(),
                person_name: None,
                image: ImageBlob::new(png.clone(), "image/png", 10, 10),
                registered_on: None,
                office_unit_id: office.id,
                reason: SealReason::Rebuild,
                unclear: false,
                note: String::new(),
                created_by: Some(clerk),
                now: Utc::now(),
            }),
        };
        let (a, b) = tokio::join!(
            db.store.reply_slip(
                id,
                &reply,
                clerk,
                Utc::now(),
                draft(TrailAction::LiaisonReply),
                draft(TrailAction::SealVersionAdd)
            ),
            db.store.slip_step(id, &SlipStep::Cancel, clerk, "", Utc::now(), draft(TrailAction::LiaisonStep)),
        );
        for r in [a.map(|_| ()), b] {
            match r {
                Ok(()) => outcomes.0 += 1,
                Err(StoreError::Stale(_)) => outcomes.1 += 1,
                Err(e) => panic!("round {round}: {e}"),
            }
        }
    }
    assert_eq!(outcomes.0 + outcomes.1, 30);
    assert!(outcomes.0 >= 15, "one of each pair applies: {outcomes:?}");
    assert_eq!(verify_store(db.store.as_ref(), common::KEY).await.unwrap().map(|_| ()), Ok(()));
}

/// A stored code is an enum from the row on: every known code decodes, an unknown one is a
/// decode error naming the code (never a string compared further in), and a bind writes the code.
async fn codes_are_enums_at_the_row_boundary(db: &TestDb) {
    use app::domain::audit::AnswerResult;
    use app::server::store::{Pool, SlipState};
    async fn read<T>(db: &TestDb, code: &str) -> Result<T, sqlx::Error>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        T: Send + Unpin,
    {
        let sql = format!("SELECT CAST('{code}' AS TEXT)");
        match &db.pool {
            Pool::Sqlite(p) => sqlx::query_scalar(&sql).fetch_one(p).await,
            Pool::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await,
        }
    }
    for s in SlipState::ALL {
        assert_eq!(read::<SlipState>(db, s.code()).await.unwrap(), s);
    }
    assert_eq!(read::<AnswerResult>(db, "does_not_conform").await.unwrap(), AnswerResult::DoesNotConform);
    let e = read::<SlipState>(db, "lost").await.unwrap_err();
    assert!(matches!(e, sqlx::Error::ColumnDecode { .. }), "{e}");
    assert!(e.to_string().contains(r#"unknown SlipState code "lost""#), "{e}");
    let sql = "SELECT CAST($1 AS TEXT)";
    let written: String = match &db.pool {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).bind(SlipState::AwaitingApproval).fetch_one(p).await.unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar(sql).bind(SlipState::AwaitingApproval).fetch_one(p).await.unwrap(),
    };
    assert_eq!(written, "awaiting_approval");
    // a national ID is a NationalId from the row on: one that does not parse (or is stored
    // unnormalised) is a decode error that does not show the number, never a string passed along
    use app::domain::NationalId;
    assert_eq!(read::<NationalId>(db, "A123456789").await.unwrap(), NationalId::parse("A123456789").unwrap());
    for bad in ["A123456788", "a123456789", "X1"] {
        let e = read::<NationalId>(db, bad).await.unwrap_err();
        assert!(matches!(e, sqlx::Error::ColumnDecode { .. }), "{bad}: {e}");
        assert!(!e.to_string().contains("23456"), "the number is masked in the error: {e}");
    }
    let written: String = match &db.pool {
        Pool::Sqlite(p) => {
            sqlx::query_scalar(sql).bind(NationalId::parse("A123456789").unwrap()).fetch_one(p).await.unwrap()
        }
        Pool::Postgres(p) => {
            sqlx::query_scalar(sql).bind(NationalId::parse("A123456789").unwrap()).fetch_one(p).await.unwrap()
        }
    };
    assert_eq!(written, "A123456789");
    // the matcher's band and the server's stored verdict: typed at the row too
    use app::server::store::columns::{BandColumn, JsonText, NullableJsonText};
    for (code, band) in [
        ("consistent", matcher::Band::Consistent),
        ("review", matcher::Band::Review),
        ("inconsistent", matcher::Band::Inconsistent),
    ] {
        assert_eq!(read::<BandColumn>(db, code).await.unwrap().0, band);
    }
    let e = read::<BandColumn>(db, "maybe").await.unwrap_err();
    assert!(e.to_string().contains(r#"unknown band code "maybe""#), "{e}");
    type Verdict = JsonText<app::domain::comparison::StoredVerdict>;
    let e = read::<Verdict>(db, r#"{"score": 0.5}"#).await.unwrap_err();
    assert!(matches!(e, sqlx::Error::ColumnDecode { .. }), "a verdict missing its fields: {e}");
    assert!(read::<Verdict>(db, "not json").await.is_err());
    let alignment = r#"{"rotation_deg":1.5,"scale":1.0,"tx":2.0,"ty":3.0}"#;
    let a = read::<NullableJsonText<matcher::Alignment>>(db, alignment).await.unwrap().0.unwrap();
    assert_eq!((a.rotation_deg, a.tx), (1.5, 2.0));
    let none: NullableJsonText<matcher::Alignment> = match &db.pool {
        Pool::Sqlite(p) => sqlx::query_scalar("SELECT CAST(NULL AS TEXT)").fetch_one(p).await.unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar("SELECT CAST(NULL AS TEXT)").fetch_one(p).await.unwrap(),
    };
    assert_eq!(none.0, None);
}

both_databases! {
    codes_are_enums_at_the_row_boundary,
    racing_slip_steps_never_deadlock,
    rate_limits_are_shared_by_instances,
    liaison_slips_move_one_step_at_a_time,
    units_are_seeded_once,
    the_working_calendar,
    registry_versions_and_images,
    accounts_roles_and_sessions,
    failures_lock_the_account,
    designations,
    every_change_is_audited_in_its_transaction,
    audit_rows_are_append_only,
    concurrent_appends_form_one_chain,
}

/// SQLite writes with `synchronous=FULL`: a committed look-up or trail row survives a power loss
/// (WAL with NORMAL may lose the last transactions). SQLite only: PostgreSQL's fsync is its own.
#[tokio::test]
async fn sqlite_commits_are_durable() {
    let db = TestDb::new(common::Kind::Sqlite).await.unwrap();
    // the store's own pools: the reading one and the one writer connection
    let store =
        app::server::store::SqliteStore::connect(&db.url, std::sync::Arc::new(common::KEY.to_vec())).await.unwrap();
    let mut conns = Vec::new();
    for _ in 0..3 {
        conns.push(store.pool().acquire().await.unwrap());
    }
    conns.push(store.writer().acquire().await.unwrap());
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(200), store.writer().acquire()).await.is_err(),
        "write transactions queue on one connection"
    );
    for c in conns.iter_mut() {
        let (mode,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut **c).await.unwrap();
        assert_eq!(mode, 2, "synchronous=FULL on every connection");
        let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut **c).await.unwrap();
        assert_eq!(journal, "wal");
    }
    drop(conns);
    db.close().await;
}
