//! The record as an XLSX workbook for inspection by 民政局: the form and the sampled items, laid
//! out by `domain::audit_view::workbook`. Reading the record and exporting it are both in the trail.

use super::Outcome;
use crate::domain::audit_view::workbook::{self, DETAIL_HEADERS, DETAIL_SHEET, FILE_TITLE, RECORD_SHEET};
use crate::domain::audit_view::AuditView;
use crate::domain::register::ExportFile;
use crate::server::caller::{Caller, Failure};
use crate::server::state::AppState;
use crate::server::trail::TrailAction;

/// The record as a workbook, for those who may read it (a refusal is in the trail).
pub async fn export(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<ExportFile> {
    use base64::Engine;
    let v = super::record::view(state, caller, id, endpoint).await?;
    let bytes = xlsx(&v).map_err(Failure::internal)?;
    state.store.append_trail(caller.trail(TrailAction::AuditExport).object("audit", id)).await?;
    Ok(ExportFile {
        filename: format!("{FILE_TITLE}-{}-{}.xlsx", v.target, v.period),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

fn xlsx(v: &AuditView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::server::export::cell;
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(RECORD_SHEET)?;
    for (r, line) in (0u32..).zip(workbook::record(v)) {
        for (c, text) in (0u16..).zip(&line.cells) {
            if line.heading {
                sheet.write_string_with_format(r, c, text, &bold)?;
            } else {
                sheet.write_string(r, c, cell(text))?;
            }
        }
    }
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(1, 24)?;
    if let Some(rows) = workbook::detail(v) {
        let detail = book.add_worksheet();
        detail.set_name(DETAIL_SHEET)?;
        for (c, h) in (0u16..).zip(DETAIL_HEADERS) {
            detail.write_string_with_format(0, c, h, &bold)?;
        }
        for (r, cells) in (1u32..).zip(&rows) {
            for (c, text) in (0u16..).zip(cells) {
                detail.write_string(r, c, cell(text))?;
            }
        }
        detail.autofit();
    }
    book.save_to_buffer()
}
