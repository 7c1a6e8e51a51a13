//! Who-may rules that live in `server/` and need no HTTP, on both databases: reading a unit's
//! reviews, managing a unit (and the hand-over hold), the sides of a liaison slip.

use crate::common::{TestApp, TestDb};
use app::domain::Role;
use app::server::auth::Actor;
use app::server::liaison::{side, Side};
use app::server::reviews::{manager_standing, may_view, ManagerStanding};
use app::server::store::NewSlip;
use app::server::trail::{Outcome, TrailAction, TrailDraft};
use chrono::Utc;

async fn actor(app: &TestApp, emp: &str) -> Actor {
    let a = app.db.store.account_by_employee_no(emp).await.unwrap().unwrap();
    Actor::from_account(&a, &Default::default(), Utc::now())
}

async fn rules_for_reviews_and_slips(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let outgoing = app.account("M7101", vec![Role::AccountManager], "LO-DA", false).await;
    let incoming = app.account("N7101", vec![Role::AccountManager], "LO-DA", false).await;
    app.account("I7101", vec![Role::InternalAuditor], "LO-DA", false).await;
    app.account("I7102", vec![Role::InternalAuditor], "LO-ZS", false).await;
    app.account("E7101", vec![Role::ExternalAuditor], "LA-IT", false).await;
    let clerk = app.account("C7101", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C7102", vec![Role::Clerk], "LO-ZS", false).await;
    app.account("H7101", vec![Role::HouseholdOffice], "HR-DA", false).await;
    app.account("H7102", vec![Role::HouseholdOffice], "HR-ZS", false).await;
    let store = &app.db.store;
    let unit = |code: &'static str| async move { store.unit_by_code(code).await.unwrap().unwrap().id };
    let (da, zs) = (unit("LO-DA").await, unit("LO-ZS").await);
    let now = Utc::now();

    // reviews: the unit's manager, its own internal auditor, external auditors
    for (emp, unit_id, expect) in [
        ("M7101", da, true),
        ("M7101", zs, false),
        ("I7101", da, true),
        ("I7102", da, false),
        ("E7101", da, true),
        ("C7101", da, false),
    ] {
        assert_eq!(may_view(store, &actor(&app, emp).await, unit_id, now).await.unwrap(), expect, "{emp} {unit_id}");
    }
    assert_eq!(manager_standing(store, &actor(&app, "M7101").await, da, now).await.unwrap(), ManagerStanding::Acts);
    assert_eq!(manager_standing(store, &actor(&app, "M7101").await, zs, now).await.unwrap(), ManagerStanding::No);
    assert_eq!(manager_standing(store, &actor(&app, "C7101").await, da, now).await.unwrap(), ManagerStanding::No);
    // an incoming manager who acknowledged a hand-over is held back until the password is
    // changed (六(二)), and told why
    assert_eq!(manager_standing(store, &actor(&app, "N7101").await, da, now).await.unwrap(), ManagerStanding::Acts);
    let ho = app::server::store::NewHandover {
        unit_id: da,
        outgoing_id: outgoing,
        incoming_id: incoming,
        created_by: outgoing,
        list_json: "[]".into(),
        now,
    };
    let hid =
        store.create_handover(&ho, TrailDraft::new(TrailAction::HandoverCreated, Outcome::Success)).await.unwrap();
    store
        .acknowledge_handover(
            hid,
            incoming,
            "",
            now,
            TrailDraft::new(TrailAction::HandoverAcknowledged, Outcome::Success),
        )
        .await
        .unwrap();
    assert_eq!(
        manager_standing(store, &actor(&app, "N7101").await, da, now).await.unwrap(),
        ManagerStanding::HandoverPending
    );

    // slips: the sending unit's clerks, the addressed office once the slip is sent
    let office = unit("HR-DA").await;
    let new = NewSlip {
        sender_unit_id: da,
        office_unit_id: office,
        created_by: clerk,
        query_id: None,
        national_id: "A123456789".into(),
        case_number: "115年大安字第000101號".into(),
        subject: "unclear".into(),
        form_json: "{}".into(),
        now,
    };
    let id = store.create_slip(&new, TrailDraft::new(TrailAction::LiaisonCreated, Outcome::Success)).await.unwrap();
    let slip = store.slip(id).await.unwrap().unwrap();
    let side_of = |emp: &'static str, slip| {
        let app = &app;
        async move { side(&app.db.store, &actor(app, emp).await, slip, Utc::now()).await.unwrap() }
    };
    assert_eq!(side_of("C7101", &slip).await, Some(Side::SenderClerk));
    assert_eq!(side_of("C7102", &slip).await, None, "another unit's clerk");
    assert_eq!(side_of("H7101", &slip).await, None, "a draft is not the office's yet");
    assert_eq!(side_of("H7102", &slip).await, None);
    let due = now + chrono::Duration::days(3);
    store
        .slip_step(
            id,
            &app::server::store::SlipStep::Send { due_at: due },
            clerk,
            "",
            now,
            TrailDraft::new(TrailAction::LiaisonStep, Outcome::Success),
        )
        .await
        .unwrap();
    let sent = store.slip(id).await.unwrap().unwrap();
    assert_eq!(side_of("H7101", &sent).await, Some(Side::Office));
    assert_eq!(side_of("H7102", &sent).await, None, "another office");
}

on_both!(rules_for_reviews_and_slips);
