//! 與戶政機關聯繫單 (附件一) online: a land office or bureau section writes the slip (from a
//! comparison or from scratch), sends it (after the section chief's approval when that is
//! required), the addressed household registration office opens and answers it — a rebuilt
//! impression uploaded in the same step becomes the person's new registered version — and the
//! sender closes it after reading. Each function is guard → parse → one call into
//! `server::liaison` (which decides which side of the slip the caller is on) → the failure mapped.

use leptos::server_fn::codec::Json;

use super::ApiError;
use crate::domain::forms::liaison_slip::{LiaisonReplyInput, LiaisonSlipInput};
pub use crate::domain::liaison::{
    ListFilter, NewVersionView, OfficeRef, SlipCounts, SlipDetail, SlipEventView, SlipFormData, SlipRow,
};
use crate::domain::register::ExportFile;
use crate::domain::QueryInput;

mod lists;
mod sending;
mod slip;
pub use lists::*;
pub use sending::*;
pub use slip::*;
