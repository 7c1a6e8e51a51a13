//! 待辦: what waits for one person — by role and unit, delegations included — and the menu that
//! leads to it. The server gathers the items (`server::inbox`); the home page lists them oldest
//! first and the menu counts them per entry.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Role;

coded! {
    /// What kind of work an item is.
    pub enum WorkKind {
        /// 未完成比對: a look-up without a comparison, not closed (the clerk's own).
        UnfinishedLookup = "unfinished_lookup",
        /// A slip of the unit waiting for the section chief's approval.
        SlipToApprove = "slip_to_approve",
        /// A reply of the household office to read and close (the sending unit's clerks).
        SlipReplied = "slip_replied",
        /// A slip sent to the household office, waiting for its reply.
        SlipToAnswer = "slip_to_answer",
        /// An account request waiting for the unit supervisor's endorsement (業務單位核章).
        RequestToEndorse = "request_to_endorse",
        /// An endorsed account request waiting for the account manager's review.
        RequestToReview = "request_to_review",
        /// A month's query report waiting for the supervisor's sign-off (五(二)2).
        ReportToSign = "report_to_sign",
        /// An audit record waiting for the caller's signature.
        AuditToSign = "audit_to_sign",
        /// An external audit the schedule expects of the caller's team.
        AuditDue = "audit_due",
        /// The quarterly permission review of a unit the caller manages (八(三)).
        ReviewDue = "review_due",
        /// A hand-over list waiting for the caller's acknowledgment (六(二)).
        HandoverToAcknowledge = "handover_to_acknowledge",
        /// A security duty due or overdue (八(一)(二)(三)).
        SecurityDuty = "security_duty",
    }
}

impl WorkKind {
    /// The menu entry (a route) the item belongs to.
    pub fn entry(self) -> MenuEntry {
        match self {
            Self::UnfinishedLookup => MenuEntry::Compare,
            Self::SlipToApprove | Self::SlipReplied | Self::SlipToAnswer => MenuEntry::Liaison,
            Self::RequestToEndorse | Self::RequestToReview => MenuEntry::AccountRequests,
            Self::ReportToSign => MenuEntry::Reports,
            Self::AuditToSign | Self::AuditDue => MenuEntry::Audits,
            Self::ReviewDue => MenuEntry::Review,
            Self::HandoverToAcknowledge => MenuEntry::Handover,
            Self::SecurityDuty => MenuEntry::Security,
        }
    }
}

coded! {
    /// One entry of the menu: a page.
    pub enum MenuEntry {
        Home = "home",
        Compare = "compare",
        History = "history",
        Liaison = "liaison",
        Seals = "seals",
        UnitAccounts = "unit_accounts",
        AccountRequests = "account_requests",
        Review = "review",
        Handover = "handover",
        Register = "register",
        Reports = "reports",
        Audits = "audits",
        Trail = "trail",
        Accounts = "accounts",
        Units = "units",
        Calendar = "calendar",
        Retention = "retention",
        Security = "security",
        Password = "password",
    }
}

impl MenuEntry {
    pub fn href(self) -> &'static str {
        match self {
            Self::Home => "/",
            Self::Compare => "/compare",
            Self::History => "/comparisons",
            Self::Liaison => "/liaison",
            Self::Seals => "/seals",
            Self::UnitAccounts => "/accounts/unit",
            Self::AccountRequests => "/accounts/requests",
            Self::Review => "/accounts/review",
            Self::Handover => "/accounts/handover",
            Self::Register => "/accounts/register",
            Self::Reports => "/reports",
            Self::Audits => "/audits",
            Self::Trail => "/audit",
            Self::Accounts => "/admin/accounts",
            Self::Units => "/admin/units",
            Self::Calendar => "/admin/calendar",
            Self::Retention => "/admin/retention",
            Self::Security => "/admin/security",
            Self::Password => "/password",
        }
    }

    /// The menu's group, for the side bar's headings.
    pub fn group(self) -> MenuGroup {
        match self {
            Self::Home => MenuGroup::Work,
            Self::Compare | Self::History | Self::Liaison | Self::Seals => MenuGroup::Seals,
            Self::UnitAccounts | Self::AccountRequests | Self::Review | Self::Handover | Self::Register => {
                MenuGroup::Accounts
            }
            Self::Reports | Self::Audits | Self::Trail => MenuGroup::Oversight,
            Self::Accounts | Self::Units | Self::Calendar | Self::Retention | Self::Security => MenuGroup::System,
            Self::Password => MenuGroup::Own,
        }
    }

    /// The entry whose page `path` is (the entry itself or a page under it), for marking where
    /// the person is.
    pub fn of_path(path: &str) -> Option<Self> {
        let mut best: Option<(usize, Self)> = None;
        for e in Self::ALL {
            let href = e.href();
            let under = path == href || (href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'));
            if under && best.is_none_or(|(n, _)| href.len() > n) {
                best = Some((href.len(), e));
            }
        }
        best.map(|(_, e)| e)
    }
}

/// The menu of a person with `roles`: what they may open (the server refuses the rest anyway).
/// `manages`: account manager or deputy of a unit; `items`: what waits (a hand-over to
/// acknowledge opens the hand-over page to anyone).
pub fn entries(roles: &[Role], manages: bool, items: &[WorkItem]) -> Vec<MenuEntry> {
    use MenuEntry as E;
    let has = |r: Role| roles.contains(&r);
    let any = |rs: &[Role]| rs.iter().any(|r| roles.contains(r));
    let mut out = vec![E::Home];
    if has(Role::Clerk) {
        out.push(E::Compare);
    }
    if any(&[Role::Clerk, Role::Supervisor]) {
        out.push(E::History);
    }
    if any(&[Role::Clerk, Role::Supervisor, Role::HouseholdOffice]) {
        out.push(E::Liaison);
    }
    if has(Role::HouseholdOffice) {
        out.push(E::Seals);
    }
    if has(Role::AccountManager) {
        out.push(E::UnitAccounts);
    }
    out.push(E::AccountRequests);
    if manages {
        out.push(E::Review);
    }
    if manages || has(Role::Admin) || items.iter().any(|i| i.kind == WorkKind::HandoverToAcknowledge) {
        out.push(E::Handover);
    }
    if any(&[Role::AccountManager, Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Admin]) {
        out.push(E::Register);
    }
    let oversight = [Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics, Role::Admin];
    if any(&oversight) {
        out.push(E::Reports);
        out.push(E::Audits);
    }
    if any(&[Role::Admin, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics]) {
        out.push(E::Trail);
    }
    if has(Role::Admin) {
        out.extend([E::Accounts, E::Units, E::Calendar, E::Retention]);
    }
    if any(&[Role::Admin, Role::ExternalAuditor]) {
        out.push(E::Security);
    }
    out.push(E::Password);
    out
}

/// What resuming or closing a look-up left without a comparison can run into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum InboxError {
    /// The look-up has its comparison already.
    #[error("the look-up has its comparison")]
    Compared,
    /// The look-up was closed (不比對) already.
    #[error("the look-up was closed")]
    Closed,
    /// Past the look-up's working day: it can only be closed with a reason now.
    #[error("past the look-up's working day")]
    PastItsDay,
    /// A closing needs its reason (up to 200 characters, no control characters).
    #[error("a closing needs a reason of at most 200 characters")]
    Reason,
}

/// The longest closing reason.
pub const REASON_MAX: usize = 200;

/// 不比對原因: why a look-up was left without a comparison — one line of text, 1 to
/// [`REASON_MAX`] characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClosingReason(String);

impl ClosingReason {
    pub fn parse(s: &str) -> Result<Self, InboxError> {
        let t = s.trim();
        if t.is_empty() || t.chars().count() > REASON_MAX || t.chars().any(char::is_control) {
            return Err(InboxError::Reason);
        }
        Ok(Self(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClosingReason {
    type Error = InboxError;
    fn try_from(s: String) -> Result<Self, InboxError> {
        Self::parse(&s)
    }
}

impl From<ClosingReason> for String {
    fn from(r: ClosingReason) -> String {
        r.0
    }
}

/// The side bar's headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MenuGroup {
    Work,
    Seals,
    Accounts,
    Oversight,
    System,
    Own,
}

/// One thing waiting for the person: no personal data beyond a case number or a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    pub kind: WorkKind,
    /// The record's id (a query, slip, request, report, audit, review unit, hand-over, duty).
    pub id: i64,
    /// Since when it waits.
    pub since: DateTime<Utc>,
    /// By when it is to be done (the end of that day's office hours), when a rule sets one.
    pub deadline: Option<DateTime<Utc>>,
    /// Past its deadline.
    pub overdue: bool,
    /// What it is about: a case number, a unit, a month, a period (never an ID or a name).
    pub about: String,
    /// Where to do it.
    pub href: String,
}

/// Everything waiting for the person, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub items: Vec<WorkItem>,
}

/// The menu: the entries this person may open, with what waits under each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Menu {
    pub entries: Vec<MenuCount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuCount {
    pub entry: MenuEntry,
    pub waiting: u32,
    pub overdue: u32,
}

impl Menu {
    /// The menu of `entries` with the items counted under them (an item whose entry the person
    /// may not open counts under 待辦, the home page).
    pub fn of(entries: &[MenuEntry], items: &[WorkItem]) -> Self {
        let mut out: Vec<MenuCount> = entries.iter().map(|e| MenuCount { entry: *e, waiting: 0, overdue: 0 }).collect();
        for item in items {
            let target = item.kind.entry();
            let slot = out
                .iter()
                .position(|c| c.entry == target)
                .or_else(|| out.iter().position(|c| c.entry == MenuEntry::Home));
            if let Some(i) = slot {
                out[i].waiting += 1;
                out[i].overdue += u32::from(item.overdue);
            }
        }
        if let Some(home) = out.iter_mut().find(|c| c.entry == MenuEntry::Home) {
            home.waiting = items.len() as u32;
            home.overdue = items.iter().filter(|i| i.overdue).count() as u32;
        }
        Self { entries: out }
    }

    pub fn waiting(&self, entry: MenuEntry) -> u32 {
        self.entries.iter().find(|c| c.entry == entry).map(|c| c.waiting).unwrap_or(0)
    }
}

/// Sort oldest first (the longest waiting on top); a tie by deadline, then kind and id.
pub fn oldest_first(items: &mut [WorkItem]) {
    items.sort_by(|a, b| {
        a.since
            .cmp(&b.since)
            .then(a.deadline.cmp(&b.deadline))
            .then(a.kind.code().cmp(b.kind.code()))
            .then(a.id.cmp(&b.id))
    });
}

/// Whether an item waiting since `since` with `deadline` is overdue at `now`.
pub fn is_overdue(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    deadline.is_some_and(|d| d < now)
}

/// The last day of a deadline, as a date (Taipei).
pub fn deadline_day(deadline: DateTime<Utc>) -> NaiveDate {
    super::taipei_date(deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_reason_is_one_short_line() {
        assert_eq!(ClosingReason::parse("  申請人撤回申請 ").unwrap().as_str(), "申請人撤回申請");
        assert_eq!(ClosingReason::parse("   "), Err(InboxError::Reason));
        assert_eq!(ClosingReason::parse("a\nb"), Err(InboxError::Reason));
        assert!(ClosingReason::parse(&"字".repeat(REASON_MAX)).is_ok());
        assert_eq!(ClosingReason::parse(&"字".repeat(REASON_MAX + 1)), Err(InboxError::Reason));
        let wire: Result<ClosingReason, _> = serde_json::from_str("\"\"");
        assert!(wire.is_err(), "a blank reason does not even deserialize");
    }

    #[test]
    fn pages_under_an_entry_belong_to_it() {
        assert_eq!(MenuEntry::of_path("/"), Some(MenuEntry::Home));
        assert_eq!(MenuEntry::of_path("/liaison/12"), Some(MenuEntry::Liaison));
        assert_eq!(MenuEntry::of_path("/liaison/new"), Some(MenuEntry::Liaison));
        assert_eq!(MenuEntry::of_path("/accounts/requests/3"), Some(MenuEntry::AccountRequests));
        assert_eq!(MenuEntry::of_path("/accounts/review"), Some(MenuEntry::Review));
        assert_eq!(MenuEntry::of_path("/comparisons/4"), Some(MenuEntry::History));
        assert_eq!(MenuEntry::of_path("/comparisonsx"), None);
        assert_eq!(MenuEntry::of_path("/audits/followups"), Some(MenuEntry::Audits));
    }

    #[test]
    fn every_menu_entry_is_a_route() {
        for e in MenuEntry::ALL {
            assert!(super::super::nav::ROUTES.contains(&e.href()), "{e:?}");
        }
    }

    fn item(kind: WorkKind, overdue: bool) -> WorkItem {
        WorkItem { kind, id: 1, since: Utc::now(), deadline: None, overdue, about: String::new(), href: String::new() }
    }

    #[test]
    fn counts_go_to_their_entry_and_the_home_page_counts_all() {
        let entries = [MenuEntry::Home, MenuEntry::Liaison, MenuEntry::Compare];
        let items = [
            item(WorkKind::SlipReplied, false),
            item(WorkKind::SlipToApprove, true),
            item(WorkKind::UnfinishedLookup, false),
            item(WorkKind::ReportToSign, false),
        ];
        let m = Menu::of(&entries, &items);
        assert_eq!(m.waiting(MenuEntry::Liaison), 2);
        assert_eq!(m.entries[1].overdue, 1);
        assert_eq!(m.waiting(MenuEntry::Compare), 1);
        assert_eq!(m.waiting(MenuEntry::Home), 4);
        assert_eq!(m.entries[0].overdue, 1);
        assert_eq!(m.waiting(MenuEntry::Reports), 0);
    }
}
