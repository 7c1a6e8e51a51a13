//! Audits (七(二)): the unit's monthly internal audit and the external team's quarterly office
//! audit on 附件二, the half-yearly vendor audit on 附件三; their periods, sign-off slots,
//! follow-ups and the external schedule. The sample rules are in [`super::audit_sample`], the
//! checklists in [`super::forms::internal_audit`] and [`super::forms::vendor_audit`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::checklists::{item_codes, QUERY_ITEMS};
use super::report::Month;
use super::Quarter;

/// Days a vendor's 不符合 finding has to be put right (the follow-up's due date).
pub const VENDOR_FOLLOWUP_DAYS: i64 = 30;

coded! {
    pub enum AuditKind {
        /// 內部稽核: the using unit's own auditor, monthly, 附件二
        Internal = "internal" ("內部稽核", "Internal audit"),
        /// 外部稽核 of a land office or 土地開發總隊, quarterly, 附件二
        Office = "office" ("外部稽核（所隊）", "External audit (office)"),
        /// 外部稽核 of the software vendor, half-yearly, 附件三
        Vendor = "vendor" ("外部稽核（委外廠商）", "External audit (vendor)"),
    }
}

coded! {
    /// 稽核結果 of one item on either checklist (不適用 is the vendor checklist's only).
    pub enum AnswerResult {
        Conforms = "conforms",
        DoesNotConform = "does_not_conform",
        NotApplicable = "not_applicable",
    }
}

coded! {
    /// Which list of a checklist an answer belongs to.
    #[derive(PartialOrd, Ord)]
    pub enum Part {
        /// 附件二's sampled users
        Users = "users",
        /// 附件二's sampled look-ups
        Queries = "queries",
        /// 附件二's 內部稽核資料書面至少保留五年 (answered once: sample 0)
        Retention = "retention",
        /// 附件三's items, each answered once (sample 0); the item is its code, `3.(8)`
        Vendor = "vendor",
    }
}

impl Part {
    /// How many items are answered per sampled user or look-up (the users' third item is the
    /// date of the last review, printed, not answered per user).
    pub fn items(self) -> usize {
        match self {
            Self::Users => 2,
            Self::Queries => QUERY_ITEMS.len(),
            Self::Retention => 1,
            Self::Vendor => item_codes().len(),
        }
    }
}

impl AnswerResult {
    pub fn zh(self) -> &'static str {
        match self {
            Self::Conforms => "符合",
            Self::DoesNotConform => "不符合",
            Self::NotApplicable => "不適用",
        }
    }
}

impl AuditKind {
    /// The sign-off slots of the form, in the order printed.
    pub fn slots(self) -> &'static [Slot] {
        match self {
            Self::Internal | Self::Office => {
                &[Slot::Audited, Slot::AuditedSupervisor, Slot::Auditor, Slot::AuditorSupervisor]
            }
            Self::Vendor => &[Slot::Auditor, Slot::Vendor],
        }
    }
}

coded! {
    /// Where one audit record stands (from its timestamps: withdrawn, completed, submitted).
    pub enum AuditState {
        /// 稽核中: answers are still being entered.
        Open = "open" ("稽核中", "In progress"),
        /// The auditor has signed; the other boxes wait.
        Submitted = "submitted" ("稽核人已簽章，待會簽", "Awaiting sign-offs"),
        /// Every box signed: the record is frozen.
        Completed = "completed" ("已完成簽章", "Signed by all"),
        /// Withdrawn with a reason before signing (the period drawn again).
        Withdrawn = "withdrawn" ("已撤銷", "Withdrawn"),
    }
}

impl AuditState {
    /// From the record's marks, the last step first: withdrawn, then completed, then submitted.
    pub fn from_marks(withdrawn: bool, completed: bool, submitted: bool) -> Self {
        if withdrawn {
            Self::Withdrawn
        } else if completed {
            Self::Completed
        } else if submitted {
            Self::Submitted
        } else {
            Self::Open
        }
    }
}

coded! {
    /// A sign-off box on the form.
    pub enum Slot {
        /// 受稽核人
        Audited = "audited" ("受稽核人", "Audited person"),
        /// 受稽核人之主管
        AuditedSupervisor = "audited_supervisor" ("受稽核人之主管", "Their supervisor"),
        /// 稽核人
        Auditor = "auditor" ("稽核人", "Auditor"),
        /// 稽核人之主管
        AuditorSupervisor = "auditor_supervisor" ("稽核人之主管", "Auditor's supervisor"),
        /// 廠商代表 (no account: name and a signature drawn on the tablet, recorded by the auditor)
        Vendor = "vendor" ("廠商代表", "Vendor's representative"),
    }
}

/// The period an audit covers: a month (internal), a quarter (office), a half-year (vendor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Month(Month),
    Quarter(Quarter),
    Half { year: i32, h: u32 },
}

/// A period not written as a month (`2026-11`), a quarter (`2026Q4`) or a half-year (`2026H2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodError;

impl Period {
    /// The period of `kind` that contains the instant (Taipei time).
    pub fn of(kind: AuditKind, t: DateTime<Utc>) -> Self {
        let d = super::taipei_date(t);
        match kind {
            AuditKind::Internal => Self::Month(Month::of(t)),
            AuditKind::Office => Self::Quarter(Quarter::of(d)),
            AuditKind::Vendor => Self::Half { year: d.year(), h: if d.month() <= 6 { 1 } else { 2 } },
        }
    }

    /// `2026-11`, `2026Q4`, `2026H2` (as stored).
    pub fn parse(s: &str) -> Result<Self, PeriodError> {
        let t = s.trim();
        let bad = || PeriodError;
        if t.contains('Q') {
            return Quarter::parse(t).filter(|q| (1912..=2911).contains(&q.year)).map(Self::Quarter).ok_or_else(bad);
        }
        if let Some((y, h)) = t.split_once('H') {
            let (year, h): (i32, u32) = (y.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
            return ((1912..=2911).contains(&year) && (1..=2).contains(&h))
                .then_some(Self::Half { year, h })
                .ok_or_else(bad);
        }
        Month::parse(t).map(Self::Month).map_err(|_| bad())
    }

    pub fn kind_fits(self, kind: AuditKind) -> bool {
        matches!(
            (self, kind),
            (Self::Month(_), AuditKind::Internal)
                | (Self::Quarter(_), AuditKind::Office)
                | (Self::Half { .. }, AuditKind::Vendor)
        )
    }

    pub fn first_day(self) -> NaiveDate {
        let (y, m) = match self {
            Self::Month(m) => (m.year(), m.month()),
            Self::Quarter(q) => return q.first_day(),
            Self::Half { year, h } => (year, (h - 1) * 6 + 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
    }

    pub fn next(self) -> Self {
        match self {
            Self::Month(m) => Self::Month(m.next()),
            Self::Quarter(q) => Self::Quarter(q.next()),
            Self::Half { year, h: 2 } => Self::Half { year: year + 1, h: 1 },
            Self::Half { year, h } => Self::Half { year, h: h + 1 },
        }
    }

    pub fn prev(self) -> Self {
        match self {
            Self::Month(m) => Self::Month(m.prev()),
            Self::Quarter(q) => Self::Quarter(q.previous()),
            Self::Half { year, h: 1 } => Self::Half { year: year - 1, h: 2 },
            Self::Half { year, h } => Self::Half { year, h: h - 1 },
        }
    }

    /// The first instant, Taipei time.
    pub fn start(self) -> DateTime<Utc> {
        super::taipei_midnight(self.first_day())
    }

    /// The first instant after the period.
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    /// The last day of the period (an audit of it is due by then).
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    /// `民國 115 年 11 月`, `民國 115 年第 4 季`, `民國 115 年下半年`.
    pub fn roc(self) -> String {
        match self {
            Self::Month(m) => m.roc(),
            Self::Quarter(q) => format!("民國 {}", q.zh()),
            Self::Half { year, h } => {
                format!("民國 {} 年{}", year - 1911, if h == 1 { "上半年" } else { "下半年" })
            }
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Month(m) => write!(f, "{m}"),
            Self::Quarter(q) => f.write_str(&q.code()),
            Self::Half { year, h } => write!(f, "{year:04}H{h}"),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|_| format!("not a period: {s:?}"))
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// Every answer a record needs before the auditor signs, as (part, item, sample): on 附件二 each
/// sampled user's and look-up's items and the retention item; on 附件三 the 41 items. (The
/// result text is needed too.) The page counts what is left as given; the server checks again.
pub fn required_answers(kind: AuditKind, users: &[i64], lookups: &[i64]) -> Vec<(Part, String, i64)> {
    match kind {
        AuditKind::Vendor => item_codes().into_iter().map(|code| (Part::Vendor, code, 0)).collect(),
        AuditKind::Internal | AuditKind::Office => {
            let per = |part: Part, ids: &[i64]| {
                ids.iter()
                    .flat_map(move |id| (0..part.items()).map(move |i| (part, i.to_string(), *id)))
                    .collect::<Vec<_>>()
            };
            let mut out = per(Part::Users, users);
            out.extend(per(Part::Queries, lookups));
            out.push((Part::Retention, "0".into(), 0));
            out
        }
    }
}

coded! {
    /// A follow-up's state: a referral to the Ethics Office (七(三)) or a vendor's finding.
    pub enum FollowupStatus {
        Open = "open" ("待處理", "Open"),
        InProgress = "in_progress" ("處理中", "In progress"),
        Closed = "closed" ("已結案", "Closed"),
    }
}

coded! {
    /// What a follow-up is.
    pub enum FollowupKind {
        /// 移送政風室: a 不符 in an internal or office audit referred to the Ethics Office (七(三))
        Ethics = "ethics",
        /// 廠商改善事項: a vendor's 不符合 to be put right within [`VENDOR_FOLLOWUP_DAYS`]
        Vendor = "vendor",
    }
}

/// Where an external audit of one target for one period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// The period is running and no audit of it has been signed by the auditor yet.
    Due,
    /// The period has ended without one.
    Overdue,
    /// Started, not yet signed by the auditor.
    InProgress,
    Done,
}

/// The state of one period's audit: `started` / `done` for its record, `today` in Taipei time.
pub fn due_state(period: Period, started: bool, done: bool, today: NaiveDate) -> DueState {
    if done {
        DueState::Done
    } else if today > period.last_day() {
        DueState::Overdue
    } else if started {
        DueState::InProgress
    } else {
        DueState::Due
    }
}

/// The periods to show on the schedule: the current one and, back to `since` (the system's
/// first day), every earlier one — the caller keeps only those not done.
pub fn periods_since(kind: AuditKind, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Period> {
    let first = Period::of(kind, since);
    let mut p = Period::of(kind, now);
    let mut out = vec![p];
    while p > first && out.len() < 40 {
        p = p.prev();
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_state_is_its_last_step() {
        assert_eq!(AuditState::from_marks(false, false, false), AuditState::Open);
        assert_eq!(AuditState::from_marks(false, false, true), AuditState::Submitted);
        assert_eq!(AuditState::from_marks(false, true, true), AuditState::Completed);
        assert_eq!(AuditState::from_marks(true, false, true), AuditState::Withdrawn);
    }
    use crate::domain::taipei_offset;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        taipei_offset().with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn periods_parse_and_print() {
        for s in ["2026-11", "2026Q4", "2026H2", "2027Q1", "2026H1"] {
            assert_eq!(Period::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Period::parse("115/11").unwrap().to_string(), "2026-11");
        for bad in ["", "2026Q5", "2026H3", "x", "2026Q", "2026-13"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Period::of(AuditKind::Office, at(2026, 11, 27)).to_string(), "2026Q4");
        assert_eq!(Period::of(AuditKind::Vendor, at(2026, 6, 30)).to_string(), "2026H1");
        assert_eq!(Period::of(AuditKind::Internal, at(2026, 1, 1)).to_string(), "2026-01");
        assert_eq!(Period::parse("2026Q4").unwrap().next().to_string(), "2027Q1");
        assert_eq!(Period::parse("2026H1").unwrap().prev().to_string(), "2025H2");
        assert_eq!(Period::parse("2026Q4").unwrap().roc(), "民國 115 年第 4 季");
        assert_eq!(Period::parse("2026H2").unwrap().roc(), "民國 115 年下半年");
        // Taipei midnight, not UTC midnight
        assert_eq!(Period::parse("2026Q4").unwrap().start().to_rfc3339(), "2026-09-30T16:00:00+00:00");
        assert_eq!(Period::parse("2026H2").unwrap().last_day(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert!(Period::parse("2026Q4").unwrap().kind_fits(AuditKind::Office));
        assert!(!Period::parse("2026-11").unwrap().kind_fits(AuditKind::Office));
    }

    #[test]
    fn schedule_states() {
        let q = Period::parse("2026Q3").unwrap();
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(due_state(q, false, false, d(9, 30)), DueState::Due);
        assert_eq!(due_state(q, true, false, d(9, 30)), DueState::InProgress);
        assert_eq!(due_state(q, true, false, d(10, 1)), DueState::Overdue);
        assert_eq!(due_state(q, true, true, d(12, 1)), DueState::Done);
        let ps = periods_since(AuditKind::Office, at(2026, 2, 1), at(2026, 11, 27));
        assert_eq!(ps.iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["2026Q4", "2026Q3", "2026Q2", "2026Q1"]);
        let hs = periods_since(AuditKind::Vendor, at(2026, 11, 1), at(2026, 11, 27));
        assert_eq!(hs.len(), 1);
    }

    #[test]
    fn required_answers_of_each_form() {
        let r = required_answers(AuditKind::Internal, &[7, 8], &[3]);
        // 2 users × 2 items, 1 look-up × 3 items, retention
        assert_eq!(r.len(), 8);
        assert!(r.contains(&(Part::Users, "1".into(), 8)) && r.contains(&(Part::Queries, "2".into(), 3)));
        assert!(!r.contains(&(Part::Users, "2".into(), 7)), "the review date is not answered per user");
        assert_eq!(r.last(), Some(&(Part::Retention, "0".into(), 0)));
        assert_eq!(required_answers(AuditKind::Office, &[], &[]).len(), 1);
        let v = required_answers(AuditKind::Vendor, &[7], &[3]);
        assert_eq!(v.len(), 41);
        assert_eq!(v[0], (Part::Vendor, "1.(1)".into(), 0));
    }

    #[test]
    fn slots_of_each_form() {
        assert_eq!(AuditKind::Internal.slots().len(), 4);
        assert_eq!(AuditKind::Vendor.slots(), [Slot::Auditor, Slot::Vendor]);
        for s in [Slot::Audited, Slot::AuditedSupervisor, Slot::Auditor, Slot::AuditorSupervisor, Slot::Vendor] {
            assert_eq!(Slot::parse(s.code()), Some(s));
        }
    }
}
