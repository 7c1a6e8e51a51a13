//! First-start data: the reference units always; demo accounts (one per role) only when the
//! database has no account yet.

use chrono::Utc;

use super::auth::{generate_password, hash_password, AuthError};
use super::store::{NewAccount, Store, StoreError};
use super::trail::{Outcome, TrailAction, TrailDraft};
use crate::domain::{Role, REFERENCE_UNITS};

/// A demo account created on first start, with its one-time password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: Role,
    pub employee_no: &'static str,
    pub name: &'static str,
    pub unit_name: String,
    pub password: String,
}

const DEMO: &[(Role, &str, &str, &str)] = &[
    (Role::Clerk, "C0001", "陳怡君", "LO-DA"),
    (Role::AccountManager, "M0001", "林志豪", "LO-DA"),
    (Role::Supervisor, "S0001", "黃淑芬", "LO-DA"),
    (Role::InternalAuditor, "I0001", "張家豪", "LO-DA"),
    (Role::ExternalAuditor, "E0001", "李美玲", "LA-REG"),
    (Role::Ethics, "T0001", "吳建宏", "LA-ETH"),
    (Role::HouseholdOffice, "H0001", "劉雅婷", "HR-DA"),
    (Role::Admin, "A0001", "蔡宗翰", "LA-IT"),
];

/// Whether an account is one of the demo accounts (its employee number and name both as seeded).
pub fn is_demo_account(employee_no: &str, name: &str) -> bool {
    DEMO.iter().any(|(_, no, n, _)| *no == employee_no && *n == name)
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("reference unit {0} is missing")]
    MissingUnit(&'static str),
    #[error("demo data is invalid: {0}")]
    Invalid(String),
}

pub async fn ensure_reference_data(store: &dyn Store) -> Result<usize, SeedError> {
    Ok(store.ensure_units(REFERENCE_UNITS, Utc::now()).await?)
}

/// Create the demo accounts when there is no account at all; returns what was created.
pub async fn seed_demo_accounts(store: &dyn Store) -> Result<Vec<DemoAccount>, SeedError> {
    if store.count_accounts().await? > 0 {
        return Ok(Vec::new());
    }
    let mut created = Vec::new();
    for (role, employee_no, name, unit_code) in DEMO {
        let unit = store.unit_by_code(unit_code).await?.ok_or(SeedError::MissingUnit(unit_code))?;
        let password = generate_password();
        let new = NewAccount {
            employee_no: employee_no.to_string(),
            name: name.to_string(),
            unit_id: unit.id,
            email: format!("{}@gov.taipei", employee_no.to_ascii_lowercase()),
            phone: String::new(),
            password_hash: hash_password(password.clone()).await?,
            must_change_password: true,
            one_time_until: None,
            roles: vec![*role],
            now: Utc::now(),
        };
        let draft = TrailDraft::new(TrailAction::AccountCreate, Outcome::Success)
            .object("account", "")
            .details(serde_json::json!({ "seed": "demo", "employee_no": employee_no, "roles": [role.code()] }));
        store.create_account(&new, draft).await?;
        created.push(DemoAccount { role: *role, employee_no, name, unit_name: unit.name_zh, password });
    }
    Ok(created)
}

/// Demo persons with registered impressions from the development set (synthetic seals), so a
/// fresh start can be tried at once. Questioned scans to try are in
/// `crates/matcher/tests/fixtures/seal/demo/` (see the README).
pub struct DemoPerson {
    pub national_id: &'static str,
    pub name: &'static str,
    pub office: &'static str,
    /// ISO date, or `None` for a person whose registration date is missing.
    pub registered_on: Option<&'static str>,
    pub image: &'static [u8],
    /// Registered from a blurred copy: an impression judged 印模不清 (for trying liaison slips).
    pub blurred: bool,
}

macro_rules! demo_image {
    ($f:literal) => {
        include_bytes!(concat!("../../../crates/matcher/tests/fixtures/seal/registered/", $f))
    };
}

pub const DEMO_PERSONS: &[DemoPerson] = &[
    DemoPerson {
        national_id: "A123456789",
        name: "王大明",
        office: "HR-DA",
        registered_on: Some("2019-03-14"),
        image: demo_image!("r0004.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "A223456781",
        name: "林美華",
        office: "HR-DA",
        registered_on: Some("2021-07-02"),
        image: demo_image!("r0053.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "F123456784",
        name: "張志明",
        office: "HR-DA",
        registered_on: None,
        image: demo_image!("r0020.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "F223456786",
        name: "陳淑惠",
        office: "HR-XY",
        registered_on: Some("2015-11-30"),
        image: demo_image!("r0037.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "A100000001",
        name: "李建國",
        office: "HR-XY",
        registered_on: Some("2010-05-21"),
        image: demo_image!("r0080.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "A200000003",
        name: "黃雅雯",
        office: "HR-ZZ",
        registered_on: Some("2023-01-09"),
        image: demo_image!("r0066.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "B123456780",
        name: "吳俊傑",
        office: "HR-ZZ",
        registered_on: Some("2018-08-17"),
        image: demo_image!("r0016.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "B223456782",
        name: "劉怡萱",
        office: "HR-SL",
        registered_on: Some("2020-12-03"),
        image: demo_image!("r0059.png"),
        blurred: false,
    },
    DemoPerson {
        national_id: "A128603153",
        name: "周冠宇",
        office: "HR-DA",
        registered_on: Some("2016-04-22"),
        image: demo_image!("r0004.png"),
        blurred: true,
    },
    // a seal of our generator (not the dev set's), for trying a colour-printed copy of it:
    // crates/matcher/tests/fixtures/printed/questioned/inkjet_q0013.jpg (疑似列印複製)
    DemoPerson {
        national_id: "D120345675",
        name: "鄭文彬",
        office: "HR-DA",
        registered_on: Some("2017-06-12"),
        image: include_bytes!("../../../crates/matcher/tests/fixtures/printed/registered/r0021.png"),
        blurred: false,
    },
];

/// Register the demo persons when the registry is empty; returns how many were added.
pub async fn seed_demo_seals(store: &dyn Store) -> Result<usize, SeedError> {
    use super::store::{ImageBlob, NewSealVersion, SealReason};
    if store.count_persons().await? > 0 {
        return Ok(0);
    }
    let mut added = 0;
    for p in DEMO_PERSONS {
        let unit = store.unit_by_code(p.office).await?.ok_or(SeedError::MissingUnit(p.office))?;
        let bytes = if p.blurred { blurred(p.image) } else { p.image.to_vec() };
        let (w, h) = image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok())
            .unwrap_or((0, 0));
        let unclear = matches!(matcher::assess_registered(&bytes), Ok((matcher::Quality::Unclear, _)));
        let new = NewSealVersion {
            national_id: p.national_id.to_string(),
            person_name: Some(p.name.to_string()),
            image: ImageBlob::new(bytes, "image/png", w, h),
            registered_on: p.registered_on.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            office_unit_id: unit.id,
            reason: SealReason::Import,
            unclear,
            note: "示範資料（合成印模）".into(),
            created_by: None,
            now: Utc::now(),
        };
        let draft = TrailDraft::new(TrailAction::SealVersionAdd, Outcome::Success)
            .details(serde_json::json!({ "seed": "demo", "reason": "import" }))
            .subject(p.national_id.to_string());
        store.add_seal_version(&new, draft).await?;
        added += 1;
    }
    Ok(added)
}

/// A heavily blurred copy of a PNG (the demo's 印模不清 impression).
fn blurred(png: &[u8]) -> Vec<u8> {
    let Ok(img) = image::load_from_memory(png) else { return png.to_vec() };
    let b = image::imageops::blur(&img.to_rgb8(), 6.0);
    let mut out = Vec::new();
    match b.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png) {
        Ok(()) => out,
        Err(_) => png.to_vec(),
    }
}

/// Last month's look-ups by the demo clerk (three working-day mornings), so a fresh demo has a
/// closed month whose report the supervisor can generate and sign (a running month's report is
/// only a preview). Only on a database whose query log is empty; returns how many were added.
pub async fn seed_demo_history(store: &dyn Store, now: chrono::DateTime<Utc>) -> Result<usize, SeedError> {
    use super::store::NewQuery;
    use crate::domain::report::Month;
    if !store.units_with_queries(Month::of(now).prev().prev().start(), now).await?.is_empty() {
        return Ok(0);
    }
    let Some(clerk) = store.account_by_employee_no("C0001").await? else { return Ok(0) };
    let month = Month::of(now).prev();
    let mut added = 0;
    for (day, case, id) in [(3, "000101", "A123456789"), (10, "000102", "B123456780"), (17, "000103", "A123456789")] {
        let at = month.start() + chrono::Duration::days(day) + chrono::Duration::hours(9);
        let new = NewQuery {
            queried_at: at,
            operator_id: clerk.id,
            unit_id: clerk.unit_id,
            client_ip: None,
            business_type: crate::domain::BusinessType::LandRegistration,
            case_number: format!("{}-大安-{case}", month.year() - 1911),
            national_id: crate::domain::NationalId::parse(id)
                .map_err(|e| SeedError::Invalid(format!("{id}: {e:?}")))?,
            person_name: None,
            after_hours: false,
        };
        let draft = TrailDraft::new(TrailAction::QueryStart, Outcome::Success)
            .details(serde_json::json!({ "seed": "demo", "queried_at": at }))
            .case(new.case_number.clone())
            .subject(new.national_id.clone());
        store.record_query(&new, draft).await?;
        added += 1;
    }
    Ok(added)
}
