//! Where a unit's quarterly account review stands (八(三)); when it is due or overdue is
//! decided on the server (`server::reviews`), the pages show the state.

coded! {
    /// A review's decision on one account (not the account manager's 提供/不提供 on a request,
    /// which is `forms::account_request::ReviewDecision`).
    pub enum AccountDecision {
        /// 維持: the account and its roles stay as they are.
        Keep = "keep",
        /// 異動: a change (or cancellation) is needed; the matching account change request is opened.
        Change = "change",
    }
}

coded! {
    /// Where a unit's review of the current quarter stands.
    pub enum ReviewState {
        /// Signed off for this quarter.
        Signed = "signed" ("本季已簽核", "Signed off this quarter"),
        /// Not signed yet; the deadline has not passed.
        Due = "due" ("待辦理", "Due"),
        /// See `server::reviews` (a missed quarter counts too).
        Overdue = "overdue" ("已逾期", "Overdue"),
        /// No review is asked for this quarter (the unit's accounts are too new); one may be done.
        NotRequired = "not_required" ("本季免辦（帳號新設）", "Not required this quarter (new accounts)"),
    }
}

impl ReviewState {
    /// Waiting for a sign-off (the security register and the home page list these).
    pub fn pending(self) -> bool {
        matches!(self, Self::Due | Self::Overdue)
    }
}
