//! The quarterly account permission review (八(三): 每季進行系統帳號權限審查) and the account
//! manager's hand-over (六(二): 列冊移交; 接辦人員應另行申請更改密碼). Each function is guard →
//! one call into `server::reviews` (which decides who may — the unit's account manager, or the
//! deputy while designated, held back after acknowledging a hand-over until the password is
//! changed; readers of a review also administrators, the unit's internal auditor and external
//! auditors — and writes the trail rows) → the failure mapped.

use leptos::server_fn::codec::Json;

use super::ApiError;
pub use crate::domain::handover::{HandoverList, HandoverRequestLine, HandoverReviewLine};
pub use crate::domain::review_view::{
    DecisionInput, DecisionOutcome, HandoverCandidate, HandoverInput, HandoverOverview, HandoverView, ReviewItemView,
    ReviewStatus, ReviewSummary, ReviewView, UnitReviewStatus,
};

mod handover;
mod review;
pub use handover::*;
pub use review::*;
