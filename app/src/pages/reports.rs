//! `/reports`: the monthly query report (五(二)2) — every look-up of the unit in the month with
//! its anomalies highlighted, totals per operator and business type; generate, sign off (核閱),
//! export (CSV, XLSX) and print on A4 with the snapshot's SHA-256 and the trail chain's head.

use leptos::prelude::*;

use crate::api::reports::*;
use crate::components::{PrintButton, RequireAuth};
use crate::domain::report::{Anomaly, Month};
use crate::domain::{roc_datetime, BusinessType};
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Reports/> }}</RequireAuth> }
}

#[component]
fn Reports() -> impl IntoView {
    let locale = use_locale();
    let unit = RwSignal::new(0i64);
    let month = RwSignal::new(String::new());
    let generate = ServerAction::<GenerateReport>::new();
    let sign = ServerAction::<SignReport>::new();
    let export = ServerAction::<ExportReport>::new();
    let page = Resource::new(
        move || (unit.get(), month.get(), generate.version().get(), sign.version().get()),
        |(u, m, _, _)| report_page(u, m),
    );
    let comment = RwSignal::new(String::new());
    view! {
        <main id="main" class="page report-page">
            <h1>{locale.pick("查詢紀錄月報", "Monthly query report")}</h1>
            <p class="muted no-print">{locale.pick(
                "使用單位應指定專人每月定期產製查詢資料，陳送單位主管或其授權人核閱後備查（作業規定五(二)2）。",
                "Each month the designated person produces the unit's query data for the supervisor or delegate to review (rule 5(2)2).")}</p>
            {move || generate.value().get().and_then(|r| r.err()).or_else(|| sign.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error no-print" role="alert" data-testid="report-error">{e.text(locale)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(p) => {
                        let p2 = p.clone();
                        let m = p.month.clone();
                        let u = p.unit_id;
                        view! {
                            <form class="card inline-form no-print" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                                {(!p.units.is_empty()).then(|| view! {
                                    <label for="rp-unit">{t(Msg::Unit)}</label>
                                    <select id="rp-unit" on:change=move |ev| unit.set(event_target_value(&ev).parse().unwrap_or(0))>
                                        {p.units.iter().map(|(id, n)| { let id = *id; view! { <option value=id.to_string() selected=id == u>{n.clone()}</option> } }).collect_view()}
                                    </select>
                                })}
                                <label for="rp-month">{locale.pick("月份", "Month")}</label>
                                <input id="rp-month" type="month" data-testid="report-month" prop:value=m.clone()
                                    on:change=move |ev| month.set(event_target_value(&ev))/>
                                {p.can_generate.then(|| {
                                    let m = m.clone();
                                    view! {
                                        <button type="button" class="primary" data-testid="generate-report"
                                            on:click=move |_| { generate.dispatch(GenerateReport { unit: u, month: m.clone() }); }>
                                            {if p2.stamp.is_some() { locale.pick("重新產製", "Generate again") } else { locale.pick("產製報表", "Generate") }}</button>
                                    }
                                })}
                                {p.stamp.clone().map(|s| { let id = s.id; view! {
                                    <button type="button" data-testid="export-csv" on:click=move |_| { export.dispatch(ExportReport { id, format: "csv".into() }); }>"CSV"</button>
                                    <button type="button" data-testid="export-xlsx" on:click=move |_| { export.dispatch(ExportReport { id, format: "xlsx".into() }); }>"XLSX"</button>
                                    <PrintButton/>
                                } })}
                                {move || export.value().get().map(|r| match r {
                                    Ok(f) => view! { <a class="button" data-testid="download" download=f.filename.clone()
                                        href=format!("data:{};base64,{}", f.media_type, f.b64)>{locale.pick("下載 ", "Download ")}{f.filename.clone()}</a> }.into_any(),
                                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                                })}
                            </form>
                            {(!p.months.is_empty()).then(|| view! {
                                <p class="muted no-print">{locale.pick("已產製：", "Generated: ")}
                                    {p.months.iter().map(|(mm, signed)| format!("{mm}{}", if *signed { "（已核閱）" } else { "" })).collect::<Vec<_>>().join("、")}</p>
                            })}
                            {match (p.report.clone(), p.stamp.clone()) {
                                (Some(rep), Some(stamp)) => view! { <ReportSheet rep=rep stamp=stamp unit_name=p.unit_name.clone()/> }.into_any(),
                                _ => view! { <p class="muted" data-testid="no-report">{locale.pick("本月份尚未產製報表。", "No report for this month yet.")}</p> }.into_any(),
                            }}
                            {p.sign_blocked.map(|e| view! { <p class="notice no-print" role="status" data-testid="sign-blocked">{crate::i18n::problems::report(e, locale)}</p> })}
                            {(p.can_sign).then(|| {
                                let stamp = p.stamp.clone();
                                view! {
                                    <form class="card grid-form no-print" data-testid="sign-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        if let Some(s) = stamp.clone() {
                                            sign.dispatch(SignReport { id: s.id, sha256: s.sha256, comment: comment.get() });
                                        }
                                    }>
                                        <div class="field wide">
                                            <label for="rp-comment">{locale.pick("核閱意見", "Review comment")}</label>
                                            <textarea id="rp-comment" maxlength="1000" data-testid="sign-comment" on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                                        </div>
                                        <div class="actions"><button type="submit" class="primary" data-testid="sign-report">{locale.pick("核閱並簽署", "Review and sign")}</button></div>
                                    </form>
                                }
                            })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The report as printed: header, anomalies, totals, every look-up, the sign-off block.
#[component]
fn ReportSheet(rep: crate::domain::report::MonthlyReport, stamp: ReportStamp, unit_name: String) -> impl IntoView {
    let locale = use_locale();
    let month = Month::parse(&rep.month.to_string()).map(|m| m.roc()).unwrap_or_default();
    let anomaly_label = move |a: Anomaly| locale.pick(a.zh(), a.en());
    view! {
        <article class="print-form report" data-testid="report" data-signed=stamp.signed_at.is_some().to_string()>
            <header class="form-title">
                <h1>{format!("{unit_name} 印鑑比對系統查詢紀錄月報")}</h1>
                <p>{month} " · " {locale.pick("查詢筆數 ", "Look-ups: ")} <strong data-testid="report-count">{rep.rows.len()}</strong></p>
            </header>
            <section class="report-anomalies">
                <h2>{locale.pick("異常提示", "Anomalies")}</h2>
                <ul data-testid="anomaly-counts">
                    {rep.anomaly_counts.iter().map(|(a, n)| { let flagged = *n > 0; view! {
                        <li class:flagged=flagged data-anomaly=format!("{a:?}")>{anomaly_label(*a)} "：" <strong>{*n}</strong></li>
                    } }).collect_view()}
                </ul>
                <p class="muted">{format!("門檻：同一身分證號 {} 次以上；查詢量超過前六個月中位數 {} 倍", rep.thresholds.repeat_id, rep.thresholds.spike_factor)}</p>
            </section>
            <div class="report-totals">
                <table class="data">
                    <thead><tr><th>{locale.pick("操作者", "Operator")}</th><th>{locale.pick("筆數", "Count")}</th><th>{locale.pick("非上班時間", "After hours")}</th>
                        <th>{locale.pick("無比對結果", "No decision")}</th><th>{locale.pick("前六月中位數", "6-month median")}</th></tr></thead>
                    <tbody>{rep.by_operator.iter().map(|o| view! {
                        <tr class:flagged=o.spike><td>{format!("{} {}", o.operator_name, o.operator_no)}</td><td>{o.count}</td><td>{o.after_hours}</td><td>{o.no_decision}</td><td>{o.median_prev}</td></tr>
                    }).collect_view()}</tbody>
                </table>
                <table class="data">
                    <thead><tr><th>{locale.pick("業務類別", "Business type")}</th><th>{locale.pick("筆數", "Count")}</th></tr></thead>
                    <tbody>{rep.by_business_type.iter().map(|(b, n)| view! {
                        <tr><td>{BusinessType::parse(b).map(|x| locale.pick(x.zh(), x.en()).to_string()).unwrap_or_else(|| b.clone())}</td><td>{*n}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
            <div class="table-wrap">
                <table class="data report-rows" data-testid="report-rows">
                    <thead><tr><th>{locale.pick("查詢時間", "Time")}</th><th>{locale.pick("操作者", "Operator")}</th><th>{locale.pick("業務類別", "Type")}</th>
                        <th>{t(Msg::CaseNo)}</th><th>{locale.pick("身分證統一編號", "ID")}</th><th>{locale.pick("比對結果", "Decision")}</th><th>{locale.pick("異常", "Anomalies")}</th></tr></thead>
                    <tbody>{rep.rows.iter().map(|r| view! {
                        <tr class:flagged=!r.anomalies.is_empty() data-testid=format!("report-row-{}", r.query_id)>
                            <td>{roc_datetime(r.queried_at)}</td>
                            <td>{format!("{} {}", r.operator_name, r.operator_no)}</td>
                            <td>{locale.pick(r.business_type.zh(), r.business_type.en())}</td>
                            <td>{r.case_number.clone()}</td>
                            <td class="mono">{r.national_id_masked.clone()}</td>
                            <td>{match (r.decision, &r.closed_reason) {
                                (Some(d), _) => locale.pick(d.zh(), d.en()).to_string(),
                                (None, Some(why)) => format!("{}{why}", locale.pick("不比對：", "Not compared: ")),
                                (None, None) => locale.pick("（無）", "(none)").to_string(),
                            }}</td>
                            <td>{r.anomalies.iter().map(|a| anomaly_label(*a)).collect::<Vec<_>>().join("、")}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
            <section class="report-signoff">
                <p>{locale.pick("產製：", "Generated: ")}{roc_datetime(stamp.generated_at)} " " {if stamp.generated_by.is_empty() { locale.pick("（系統自動產製）", "(automatically)").to_string() } else { stamp.generated_by.clone() }}</p>
                <p class="mono hash">"SHA-256：" <span data-testid="report-sha">{stamp.sha256.clone()}</span></p>
                {match (stamp.signed_by.clone(), stamp.signed_at) {
                    (Some(by), Some(at)) => view! {
                        <p data-testid="signed-by">{locale.pick("單位主管（或授權人）核閱：", "Reviewed by: ")}{by} " " {roc_datetime(at)}</p>
                        <p>{locale.pick("核閱意見：", "Comment: ")}{stamp.comment.clone()}</p>
                        <p class="mono hash">{format!("稽核軌跡鏈首：#{} {}", stamp.head_seq.unwrap_or_default(), stamp.head_hash.clone().unwrap_or_default())}</p>
                    }.into_any(),
                    _ => view! { <p class="muted">{locale.pick("單位主管（或授權人）核閱：＿＿＿＿＿＿（尚未核閱）", "Not yet reviewed")}</p> }.into_any(),
                }}
            </section>
        </article>
    }
}
