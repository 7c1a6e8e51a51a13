//! The record as an XLSX workbook for inspection by 民政局.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// The record as an XLSX workbook for inspection by 民政局: the form and the sampled items.
#[server(prefix = "/api", endpoint = "audits/export")]
pub async fn export_audit(id: i64) -> Result<ExportFile, ApiError> {
    use base64::Engine;
    let v = get_audit(id).await?;
    let ctx = crate::api::guard(ExportAudit::PATH).await?;
    let bytes = xlsx::workbook(&v).map_err(crate::api::internal)?;
    let draft = ctx.trail(TrailAction::AuditExport).object("audit", id);
    ctx.state.store.append_trail(draft).await.map_err(crate::api::internal)?;
    Ok(ExportFile {
        filename: format!("稽核紀錄表-{}-{}.xlsx", v.target, v.period),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

#[cfg(feature = "ssr")]
mod xlsx {
    use super::*;
    use crate::domain::forms::internal_audit::{QUERY_ITEMS, RETENTION_ITEM, USER_ITEMS};
    use crate::domain::forms::vendor_audit::{item_code, VENDOR_SECTIONS};
    use rust_xlsxwriter::{Format, Workbook, XlsxError};

    fn result_zh(r: AnswerResult) -> &'static str {
        match r {
            AnswerResult::Conforms => "符合",
            AnswerResult::DoesNotConform => "不符",
            AnswerResult::NotApplicable => "不適用",
        }
    }

    pub fn workbook(v: &AuditView) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet();
        sheet.set_name("稽核紀錄表")?;
        let mut r = 0u32;
        let mut line = |sheet: &mut rust_xlsxwriter::Worksheet, cells: &[String], b: bool| -> Result<(), XlsxError> {
            for (c, v) in cells.iter().enumerate() {
                if b {
                    sheet.write_string_with_format(r, c as u16, v, &bold)?;
                } else {
                    sheet.write_string(r, c as u16, crate::server::export::cell(v))?;
                }
            }
            r += 1;
            Ok(())
        };
        let title = match v.kind {
            AuditKind::Vendor => "軟體委外廠商資訊安全稽核紀錄表",
            _ => "印鑑比對系統稽核紀錄表",
        };
        line(sheet, &[title.into()], true)?;
        line(sheet, &["稽核單位".into(), v.auditing_unit.clone(), "受稽核單位".into(), v.target.clone()], false)?;
        line(sheet, &["稽核期間".into(), v.period_label.clone(), "稽核日期".into(), v.audited_on.clone()], false)?;
        line(sheet, &["抽樣種子".into(), v.seed.clone(), "查詢總數".into(), v.lookups.to_string()], false)?;
        let count = |part: Part, item: usize, res: AnswerResult| {
            v.answers.iter().filter(|a| a.part == part && a.item == item.to_string() && a.result == res).count()
        };
        if v.kind == AuditKind::Vendor {
            line(sheet, &["項目".into(), "稽核項目".into(), "稽核結果".into(), "稽核情形".into()], true)?;
            for (s, (section, items)) in VENDOR_SECTIONS.iter().enumerate() {
                line(sheet, &[format!("{}、{section}", s + 1)], true)?;
                for (i, text) in items.iter().enumerate() {
                    let code = item_code(s, i);
                    let a = v.answers.iter().find(|a| a.part == Part::Vendor && a.item == code);
                    line(
                        sheet,
                        &[
                            code.clone(),
                            text.to_string(),
                            a.map(|a| result_zh(a.result).to_string()).unwrap_or_default(),
                            a.map(|a| a.note.clone()).unwrap_or_default(),
                        ],
                        false,
                    )?;
                }
            }
        } else {
            line(sheet, &["使用者（抽查比率 50%）".into(), "抽查數量".into(), "符合".into(), "不符".into()], true)?;
            for (i, text) in USER_ITEMS.iter().enumerate() {
                let extra = match i {
                    1 => format!("（異動：{} 人）", v.account_changes),
                    2 => format!("（前次盤點日期：{}）", v.last_review.clone().unwrap_or_else(|| "無".into())),
                    _ => String::new(),
                };
                let (y, n) = if i < 2 {
                    (count(Part::Users, i, AnswerResult::Conforms), count(Part::Users, i, AnswerResult::DoesNotConform))
                } else {
                    (0, 0)
                };
                line(
                    sheet,
                    &[format!("{text}{extra}"), v.sample_users.len().to_string(), y.to_string(), n.to_string()],
                    false,
                )?;
            }
            line(
                sheet,
                &["查詢紀錄（抽查比率 每月比對總數之1%）".into(), "抽查數量".into(), "符合".into(), "不符".into()],
                true,
            )?;
            for (i, text) in QUERY_ITEMS.iter().enumerate() {
                line(
                    sheet,
                    &[
                        text.to_string(),
                        v.sample_lookups.len().to_string(),
                        count(Part::Queries, i, AnswerResult::Conforms).to_string(),
                        count(Part::Queries, i, AnswerResult::DoesNotConform).to_string(),
                    ],
                    false,
                )?;
            }
            let kept = v.answers.iter().find(|a| a.part == Part::Retention).map(|a| result_zh(a.result)).unwrap_or("");
            line(sheet, &[RETENTION_ITEM.into(), kept.into()], false)?;
            let prev = v
                .previous
                .as_ref()
                .map(|p| format!("{}：{}", p.period_label, p.result))
                .unwrap_or_else(|| "（無）".into());
            line(sheet, &["上次稽核結果".into(), prev], false)?;
            line(sheet, &["改善或建議辦理情形".into(), v.previous_followup.clone()], false)?;
        }
        line(sheet, &["稽核結果".into(), v.result.clone()], false)?;
        line(sheet, &["建議事項".into(), v.recommendations.clone()], false)?;
        for s in &v.slots {
            line(
                sheet,
                &[
                    s.slot.zh().into(),
                    s.signed_by.clone().unwrap_or_default(),
                    s.signed_at.map(super::imp::roc_time).unwrap_or_default(),
                ],
                false,
            )?;
        }
        sheet.set_column_width(0, 60)?;
        sheet.set_column_width(1, 24)?;
        if v.kind != AuditKind::Vendor {
            let detail = book.add_worksheet();
            detail.set_name("抽查明細")?;
            let heads = ["類別", "樣本", "說明", "項目", "結果", "說明（不符）"];
            for (c, h) in heads.iter().enumerate() {
                detail.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            for (r, a) in (1u32..).zip(v.answers.iter().filter(|a| a.part != Part::Retention)) {
                let what = if a.part == Part::Users {
                    v.sample_users.iter().find(|u| u.id == a.sample).map(|u| format!("{} {}", u.name, u.employee_no))
                } else {
                    v.sample_lookups.iter().find(|l| l.id == a.sample).map(|l| {
                        format!(
                            "{} {} {} {}",
                            super::imp::roc_time(l.queried_at),
                            l.operator,
                            l.case_number,
                            l.national_id_masked
                        )
                    })
                };
                let cells = [
                    if a.part == Part::Users { "使用者" } else { "查詢紀錄" }.to_string(),
                    a.sample.to_string(),
                    what.unwrap_or_default(),
                    (a.item.parse::<usize>().unwrap_or(0) + 1).to_string(),
                    result_zh(a.result).to_string(),
                    a.note.clone(),
                ];
                for (c, v) in cells.iter().enumerate() {
                    detail.write_string(r, c as u16, crate::server::export::cell(v))?;
                }
            }
            detail.autofit();
        }
        book.save_to_buffer()
    }
}
