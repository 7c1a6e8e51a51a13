//! `/audits/:id`: the audit record on a tablet — 附件二 (internal and office audits) or 附件三
//! (vendor audits) with large touch targets. Each answer is sent as it is given; when the
//! connection drops or the session has ended, answers wait in the browser's local storage —
//! sealed (AES-GCM, WebCrypto) under a key the server issues to the signed-in auditor only, so a
//! shared tablet holds no answer in clear after sign-out or a session's end, and no other
//! account can read or send them — and are sent once the same auditor is back online and signed
//! in. A reload loses nothing. Prints on A4 like the form.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::api::audits::*;
use crate::api::ApiError;
use crate::components::{PrintButton, RequireAuth};
use crate::domain::audit::{required_answers, AuditKind, AuditState, FollowupKind, Slot};
use crate::domain::forms::internal_audit::{AnswerInput, QUERY_ITEMS, RETENTION_ITEM, USER_ITEMS};
use crate::domain::forms::vendor_audit::{item_code, VendorAnswerInput, VENDOR_SECTIONS};
use crate::domain::roc_datetime;
use crate::i18n::{t, use_locale, Msg};

use super::{kind_label, state_label};

/// One answer or text waiting to be sent: the sampled item's key and what was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Pending {
    Answer { part: String, item: usize, sample: i64, result: String, note: String },
    Vendor { item: String, result: String, finding: String },
    Text { field: String, text: String },
}

impl Pending {
    fn key(&self) -> String {
        match self {
            Self::Answer { part, item, sample, .. } => format!("{part}/{item}/{sample}"),
            Self::Vendor { item, .. } => format!("vendor/{item}/0"),
            Self::Text { field, .. } => format!("text/{field}"),
        }
    }
}

/// (part, item, sample) → (result, note)
type Answers = HashMap<(String, String, i64), (String, String)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conn {
    Online,
    Offline,
    SignedOut,
}

/// The browser's queue: local storage, sealed under the account's key (`api::auth::offline_key`);
/// nothing on the server side until it is sent.
mod queue {
    use super::Pending;

    /// The account's sealing key, as the server issued it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Seal {
        pub account: i64,
        pub key: Vec<u8>,
    }

    impl Seal {
        pub fn from_hex(account: i64, hex: &str) -> Option<Self> {
            let bytes: Option<Vec<u8>> =
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
            bytes.filter(|b| b.len() == 32).map(|key| Self { account, key })
        }
    }

    /// Where one account's sealed queue of one audit waits.
    pub fn key(id: i64, account: i64) -> String {
        format!("yinjian.audit.{id}.sealed.{account}")
    }

    /// The queue as earlier versions kept it, in clear: read once, sealed, removed.
    pub fn legacy_key(id: i64) -> String {
        format!("yinjian.audit.{id}.pending")
    }

    #[cfg(feature = "hydrate")]
    mod imp {
        use super::{Pending, Seal};
        use leptos::prelude::window;
        use wasm_bindgen::{JsCast, JsValue};
        use wasm_bindgen_futures::JsFuture;

        fn storage() -> Option<web_sys::Storage> {
            window().local_storage().ok().flatten()
        }

        fn hex(b: &[u8]) -> String {
            b.iter().map(|x| format!("{x:02x}")).collect()
        }

        fn unhex(s: &str) -> Option<Vec<u8>> {
            (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
        }

        async fn crypto_key(seal: &Seal) -> Result<web_sys::CryptoKey, JsValue> {
            let subtle = window().crypto()?.subtle();
            let usages = js_sys::Array::of2(&"encrypt".into(), &"decrypt".into());
            let raw = js_sys::Uint8Array::from(seal.key.as_slice());
            let p = subtle.import_key_with_str("raw", &raw, "AES-GCM", false, &usages)?;
            JsFuture::from(p).await?.dyn_into()
        }

        async fn encrypt(seal: &Seal, plain: &[u8]) -> Result<String, JsValue> {
            let key = crypto_key(seal).await?;
            let mut iv = [0u8; 12];
            window().crypto()?.get_random_values_with_u8_array(&mut iv)?;
            let params = web_sys::AesGcmParams::new_with_u8_array("AES-GCM", &js_sys::Uint8Array::from(&iv[..]));
            let p = window().crypto()?.subtle().encrypt_with_object_and_u8_array(&params, &key, plain)?;
            let ct = js_sys::Uint8Array::new(&JsFuture::from(p).await?).to_vec();
            Ok(format!("v1.{}.{}", hex(&iv), hex(&ct)))
        }

        async fn decrypt(seal: &Seal, sealed: &str) -> Option<Vec<u8>> {
            let mut parts = sealed.split('.');
            let (Some("v1"), Some(iv), Some(ct), None) = (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return None;
            };
            let (iv, ct) = (unhex(iv)?, unhex(ct)?);
            let key = crypto_key(seal).await.ok()?;
            let params = web_sys::AesGcmParams::new_with_u8_array("AES-GCM", &js_sys::Uint8Array::from(iv.as_slice()));
            let p = window().crypto().ok()?.subtle().decrypt_with_object_and_u8_array(&params, &key, &ct).ok()?;
            Some(js_sys::Uint8Array::new(&JsFuture::from(p).await.ok()?).to_vec())
        }

        /// What waits for this account (nothing when the blob is not its own: it cannot open it).
        pub async fn load(id: i64, seal: &Seal) -> Vec<Pending> {
            let Some(s) = storage() else { return Vec::new() };
            let Some(sealed) = s.get_item(&super::key(id, seal.account)).ok().flatten() else { return Vec::new() };
            let Some(plain) = decrypt(seal, &sealed).await else { return Vec::new() };
            serde_json::from_slice(&plain).unwrap_or_default()
        }

        /// The plain queue of an earlier version, taken out of storage.
        pub fn take_legacy(id: i64) -> Vec<Pending> {
            let Some(s) = storage() else { return Vec::new() };
            let items = s
                .get_item(&super::legacy_key(id))
                .ok()
                .flatten()
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            let _ = s.remove_item(&super::legacy_key(id));
            items
        }

        /// Keep `items` sealed (or nothing, when empty).
        pub async fn save(id: i64, seal: &Seal, items: &[Pending]) {
            let Some(s) = storage() else { return };
            let k = super::key(id, seal.account);
            if items.is_empty() {
                let _ = s.remove_item(&k);
                return;
            }
            let Ok(plain) = serde_json::to_vec(items) else { return };
            if let Ok(sealed) = encrypt(seal, &plain).await {
                let _ = s.set_item(&k, &sealed);
            }
        }
    }

    #[cfg(feature = "hydrate")]
    pub use imp::{load, save, take_legacy};

    #[cfg(not(feature = "hydrate"))]
    pub async fn load(id: i64, seal: &Seal) -> Vec<Pending> {
        let _ = key(id, seal.account);
        Vec::new()
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn take_legacy(id: i64) -> Vec<Pending> {
        let _ = legacy_key(id);
        Vec::new()
    }

    #[cfg(not(feature = "hydrate"))]
    pub async fn save(_id: i64, _seal: &Seal, _items: &[Pending]) {}
}

async fn send(id: i64, p: Pending) -> Result<(), ApiError> {
    match p {
        Pending::Answer { part, item, sample, result, note } => {
            save_answer(id, AnswerInput { part, item, sample, result, note }).await
        }
        Pending::Vendor { item, result, finding } => {
            save_vendor_answer(id, VendorAnswerInput { item, result, finding }).await
        }
        Pending::Text { field, text } => save_audit_text(id, field, text).await,
    }
}

/// The answers' shared state on the page.
#[derive(Clone, Copy)]
struct Sheet {
    id: i64,
    answers: RwSignal<Answers>,
    texts: RwSignal<HashMap<String, String>>,
    pending: RwSignal<Vec<Pending>>,
    conn: RwSignal<Conn>,
    flushing: RwSignal<bool>,
    /// The account's sealing key, once the server issued it.
    seal: RwSignal<Option<queue::Seal>>,
    /// The queue changed since it was last kept; a keeper is running.
    dirty: RwSignal<bool>,
    keeping: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    editable: bool,
}

impl Sheet {
    /// Record what was given here at once, queue it, and send the queue.
    fn give(self, p: Pending) {
        match &p {
            Pending::Answer { part, item, sample, result, note } => self.answers.update(|a| {
                a.insert((part.clone(), item.to_string(), *sample), (result.clone(), note.clone()));
            }),
            Pending::Vendor { item, result, finding } => self.answers.update(|a| {
                a.insert(("vendor".into(), item.clone(), 0), (result.clone(), finding.clone()));
            }),
            Pending::Text { field, text } => self.texts.update(|t| {
                t.insert(field.clone(), text.clone());
            }),
        }
        self.pending.update(|q| {
            q.retain(|x| x.key() != p.key());
            q.push(p);
        });
        self.keep();
        self.flush();
    }

    /// Keep the queue as it is now, sealed, in local storage: one keeper at a time, always the
    /// latest state last (sealing is asynchronous).
    fn keep(self) {
        self.dirty.set(true);
        if self.keeping.get_untracked() {
            return;
        }
        self.keeping.set(true);
        leptos::task::spawn_local(async move {
            while self.dirty.get_untracked() {
                let Some(seal) = self.seal.get_untracked() else { break };
                self.dirty.set(false);
                let items = self.pending.get_untracked();
                queue::save(self.id, &seal, &items).await;
            }
            self.keeping.set(false);
        });
    }

    /// A 不符 before its note: shown here, sent once the note is given (the server would refuse
    /// it without one).
    fn hold(self, part: &str, item: String, sample: i64, result: &str, note: String) {
        self.answers.update(|a| {
            a.insert((part.to_string(), item, sample), (result.to_string(), note));
        });
    }

    /// Send what waits, oldest first; stop at the first connection or session failure.
    fn flush(self) {
        if self.flushing.get_untracked() || self.pending.with_untracked(|q| q.is_empty()) {
            return;
        }
        self.flushing.set(true);
        leptos::task::spawn_local(async move {
            loop {
                let Some(p) = self.pending.with_untracked(|q| q.first().cloned()) else {
                    self.conn.set(Conn::Online);
                    break;
                };
                match send(self.id, p.clone()).await {
                    Ok(()) => {
                        self.conn.set(Conn::Online);
                        self.pending.update(|q| q.retain(|x| x != &p));
                    }
                    Err(ApiError::NotSignedIn) => {
                        self.conn.set(Conn::SignedOut);
                        break;
                    }
                    // not reached, or asked to wait: kept, and sent again later
                    Err(ApiError::ServerFn(_)) | Err(ApiError::Internal) | Err(ApiError::RateLimited) => {
                        self.conn.set(Conn::Offline);
                        break;
                    }
                    // refused as it stands (signed meanwhile, not in the sample): not kept
                    Err(e) => {
                        self.error.set(Some(e));
                        self.pending.update(|q| q.retain(|x| x != &p));
                    }
                }
                self.keep();
            }
            self.flushing.set(false);
        });
    }

    fn answer(self, part: &str, item: &str, sample: i64) -> Option<(String, String)> {
        self.answers.with(|a| a.get(&(part.to_string(), item.to_string(), sample)).cloned())
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <AuditRecordPage/> }}</RequireAuth> }
}

#[component]
fn AuditRecordPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let sign = ServerAction::<SignAudit>::new();
    let refer = ServerAction::<ReferToEthics>::new();
    let export = ServerAction::<ExportAudit>::new();
    let withdraw = ServerAction::<WithdrawAudit>::new();
    let decide = ServerAction::<DecideWithdrawal>::new();
    let record = Resource::new(
        move || (id(), sign.version().get(), refer.version().get(), withdraw.version().get(), decide.version().get()),
        |(id, ..)| get_audit(id),
    );
    view! {
        <main id="main" class="page audit-page">
            {move || sign.value().get().and_then(|r| r.err()).or_else(|| refer.value().get().and_then(|r| r.err()))
                .or_else(|| withdraw.value().get().and_then(|r| r.err()))
                .or_else(|| decide.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error no-print" role="alert" data-testid="audit-error">{e.text(locale)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || record.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(v) => view! { <Record v=v sign=sign refer=refer export=export withdraw=withdraw decide=decide/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Record(
    v: AuditView,
    sign: ServerAction<SignAudit>,
    refer: ServerAction<ReferToEthics>,
    export: ServerAction<ExportAudit>,
    withdraw: ServerAction<WithdrawAudit>,
    decide: ServerAction<DecideWithdrawal>,
) -> impl IntoView {
    let locale = use_locale();
    let answers: Answers = v
        .answers
        .iter()
        .map(|a| ((a.part.code().to_string(), a.item.clone(), a.sample), (a.result.code().to_string(), a.note.clone())))
        .collect();
    let texts: HashMap<String, String> = [
        ("previous_followup".to_string(), v.previous_followup.clone()),
        ("result".to_string(), v.result.clone()),
        ("recommendations".to_string(), v.recommendations.clone()),
    ]
    .into_iter()
    .collect();
    let sheet = Sheet {
        id: v.id,
        answers: RwSignal::new(answers),
        texts: RwSignal::new(texts),
        pending: RwSignal::new(Vec::new()),
        conn: RwSignal::new(Conn::Online),
        flushing: RwSignal::new(false),
        seal: RwSignal::new(None),
        dirty: RwSignal::new(false),
        keeping: RwSignal::new(false),
        error: RwSignal::new(None),
        editable: v.editable,
    };
    // in the browser: the account's sealing key from the server, then what waited from before
    // (a reload, a sign-in) goes on the page and out
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let Ok(k) = crate::api::auth::offline_key().await else { return };
            let Some(seal) = queue::Seal::from_hex(k.account_id, &k.key_hex) else { return };
            sheet.seal.set(Some(seal.clone()));
            let mut waiting = queue::load(sheet.id, &seal).await;
            if sheet.editable {
                waiting.extend(queue::take_legacy(sheet.id));
            }
            if waiting.is_empty() {
                // answers given before the key arrived
                sheet.keep();
                return;
            }
            if !sheet.editable {
                // signed meanwhile: nothing more can be sent
                queue::save(sheet.id, &seal, &[]).await;
                return;
            }
            for p in waiting {
                sheet.give(p);
            }
        });
    });
    Effect::new(move |_| {
        let h = window_event_listener(leptos::ev::online, move |_| sheet.flush());
        let t = set_interval_with_handle(
            move || {
                if sheet.conn.get_untracked() == Conn::Offline {
                    sheet.flush();
                }
            },
            std::time::Duration::from_secs(10),
        );
        on_cleanup(move || {
            h.remove();
            if let Ok(t) = t {
                t.clear();
            }
        });
    });
    let kind = v.kind;
    let title = match kind {
        AuditKind::Vendor => "軟體委外廠商資訊安全稽核紀錄表",
        _ => "印鑑比對系統稽核紀錄表",
    };
    let id = v.id;
    let v = StoredValue::new(v);
    // what is still unanswered, as given on this page (the server checks again on signing)
    let required = v.with_value(|v| {
        let users: Vec<i64> = v.sample_users.iter().map(|u| u.id).collect();
        let lookups: Vec<i64> = v.sample_lookups.iter().map(|l| l.id).collect();
        required_answers(kind, &users, &lookups)
    });
    let missing = Signal::derive(move || {
        // a 不符 counts once what was found is given
        let unanswered = sheet.answers.with(|a| {
            required
                .iter()
                .filter(|(p, i, s)| {
                    !a.get(&(p.to_string(), i.clone(), *s))
                        .is_some_and(|(r, n)| !r.is_empty() && (r != "does_not_conform" || !n.trim().is_empty()))
                })
                .count()
        });
        unanswered + usize::from(sheet.texts.with(|t| t.get("result").is_none_or(|r| r.trim().is_empty())))
    });
    view! {
        <header class="audit-head no-print">
            <h1>{title}</h1>
            <p class="muted">{kind_label(kind, locale)} " · " {v.with_value(|v| v.period_label.clone())} " · " {v.with_value(|v| v.target.clone())}
                " · " <span data-testid="audit-state">{v.with_value(|v| state_label(AuditState::from_marks(v.withdrawn.is_some(), v.completed, v.submitted), locale))}</span></p>
            <div class="no-print actions">
                <a href="/audits">{locale.pick("回稽核列表", "Back to audits")}</a>
                <PrintButton/>
                <button type="button" class="secondary" data-testid="export-audit" on:click=move |_| { export.dispatch(ExportAudit { id }); }>{locale.pick("匯出（民政局檢查用）", "Export (for 民政局)")}</button>
                {move || export.value().get().map(|r| match r {
                    Ok(f) => view! { <a class="button" data-testid="download" download=f.filename.clone()
                        href=format!("data:{};base64,{}", f.media_type, f.b64)>{locale.pick("下載 ", "Download ")}{f.filename.clone()}</a> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                })}
            </div>
        </header>
        {v.with_value(|v| v.withdrawn.clone()).map(|(at, reason)| view! {
            <p class="notice" role="status" data-testid="audit-withdrawn">
                {locale.pick("本稽核已於 ", "Withdrawn on ")}{at}{locale.pick(" 撤銷，理由：", ". Reason: ")}{reason}
                {v.with_value(|v| (!v.withdrawn_approved_by.is_empty()).then(|| format!("{}{}", locale.pick("；核准人：", "; approved by "), v.withdrawn_approved_by)))}
                " " <a class="no-print" href="/audits">{locale.pick("回稽核列表另開一份（樣本不變）", "Open a new one from the list (the same sample)")}</a>
            </p>
        })}
        {v.with_value(|v| v.withdraw_pending.clone()).map(|(at, reason)| view! {
            <div class="notice no-print" role="status" data-testid="withdraw-pending">
                <p>{locale.pick("稽核人員已於 ", "The auditor asked on ")}{at}{locale.pick(" 申請撤銷本稽核，理由：", " to withdraw this audit. Reason: ")}{reason}
                    {locale.pick("（待主管核准）", " (awaiting the supervisor's approval)")}</p>
                {v.with_value(|v| v.can_decide_withdrawal).then(|| view! {
                    <div class="actions">
                        <button type="button" class="danger" data-testid="withdraw-approve" disabled=move || decide.pending().get()
                            on:click=move |_| { decide.dispatch(DecideWithdrawal { id, approve: true }); }>{locale.pick("核准撤銷", "Approve the withdrawal")}</button>
                        <button type="button" class="secondary" data-testid="withdraw-decline" disabled=move || decide.pending().get()
                            on:click=move |_| { decide.dispatch(DecideWithdrawal { id, approve: false }); }>{locale.pick("不同意", "Decline")}</button>
                    </div>
                })}
            </div>
        })}
        {v.with_value(|v| v.can_withdraw).then(|| view! { <WithdrawBox id=id withdraw=withdraw/> })}
        <Connection sheet=sheet/>
        {move || sheet.error.get().map(|e| view! { <p class="error no-print" role="alert" data-testid="answer-error">{e.text(locale)}</p> })}
        <section class="audit-meta card no-print">
            <dl class="meta">
                <dt>{locale.pick("稽核單位", "Auditing unit")}</dt><dd>{v.with_value(|v| v.auditing_unit.clone())}</dd>
                <dt>{locale.pick("受稽核單位", "Audited")}</dt><dd>{v.with_value(|v| v.target.clone())}</dd>
                <dt>{locale.pick("稽核日期", "Date")}</dt><dd>{v.with_value(|v| v.audited_on.clone())}</dd>
                <dt>{locale.pick("稽核人", "Auditor")}</dt><dd>{v.with_value(|v| v.auditor.clone())}</dd>
                {(kind != AuditKind::Vendor).then(|| view! {
                    <dt>{locale.pick("受稽核人", "Audited person")}</dt><dd>{v.with_value(|v| v.audited.clone())}</dd>
                    <dt>{locale.pick("抽樣", "Sample")}</dt>
                    <dd data-testid="sample-size">{v.with_value(|v| format!("查詢 {} 筆抽 {} 筆；使用者 {} 人抽 {} 人", v.lookups, v.sample_lookups.len(), v.users, v.sample_users.len()))}</dd>
                    <dt>{locale.pick("抽樣種子", "Seed")}</dt>
                    <dd class="mono"><span data-testid="seed">{v.with_value(|v| v.seed.clone())}</span>
                        <span data-testid="sample-check" data-verified=v.with_value(|v| v.sample_verified.to_string())>{v.with_value(|v| if v.sample_verified { locale.pick("（以此種子重新抽樣結果相同）", " (redrawing gives the same sample)") } else { locale.pick("（重新抽樣結果不同，請查明）", " (a redraw differs — check)") })}</span></dd>
                })}
            </dl>
        </section>
        <div class="no-print">
            {match kind {
                AuditKind::Vendor => view! { <VendorChecklist sheet=sheet/> }.into_any(),
                _ => view! { <Checklist v=v.get_value() sheet=sheet refer=refer/> }.into_any(),
            }}
            <Texts v=v.get_value() sheet=sheet/>
        </div>
        {match kind {
            AuditKind::Vendor => view! { <PrintedVendorForm v=v.get_value() sheet=sheet/> }.into_any(),
            _ => view! { <PrintedForm v=v.get_value() sheet=sheet/> }.into_any(),
        }}
        {v.with_value(|v| (!v.followups.is_empty()).then(|| view! {
            <section class="card no-print">
                <h2>{locale.pick("移送及追蹤", "Referrals and follow-ups")}</h2>
                <ul data-testid="audit-followups">{v.followups.iter().map(|f| view! {
                    <li data-status=f.status.code()>{if f.kind == FollowupKind::Ethics { locale.pick("移送政風室", "Ethics referral") } else { locale.pick("改善事項", "Finding") }}
                        " " {super::item_label(f.part.code(), &f.item)} " · " {locale.pick(f.status.zh(), f.status.en())} {f.due_on.clone().map(|d| format!("（期限 {d}）"))} "：" {f.description.clone()}</li>
                }).collect_view()}</ul>
            </section>
        }))}
        <Signoffs v=v.get_value() sheet=sheet sign=sign missing=missing/>
    }
}

/// 申請撤銷: the auditor asks to withdraw a record not yet signed, with a reason kept on it and
/// in the trail; it is withdrawn when the supervisor approves. The sample of the unit and period
/// stays what it is: opening it again draws the same.
#[component]
fn WithdrawBox(id: i64, withdraw: ServerAction<WithdrawAudit>) -> impl IntoView {
    let locale = use_locale();
    let reason = RwSignal::new(String::new());
    let short = move || reason.with(|r| r.trim().chars().count() < 4);
    view! {
        <details class="card no-print withdraw" data-testid="withdraw-box">
            <summary data-testid="withdraw-audit">{locale.pick("申請撤銷本稽核", "Ask to withdraw this audit")}</summary>
            <p class="muted">{locale.pick("撤銷須經主管核准（內部稽核：受稽核單位主管；外部稽核：稽核單位主管）；核准後本紀錄不能再填寫，理由留存於紀錄及稽核軌跡。同一單位、同一期間重新開立之抽樣結果不變。", "A withdrawal needs the supervisor's approval (internal audits: the audited unit's supervisor; external audits: the auditing unit's supervisor); once approved the record can no longer be filled in, and the reason stays on it and in the trail. Opening the same unit and period again draws the same sample.")}</p>
            <label>{locale.pick("撤銷理由（至少 4 字）", "Reason (at least 4 characters)")}
                <textarea data-testid="withdraw-reason" rows="2" maxlength="500" prop:value=move || reason.get()
                    on:input=move |e| reason.set(event_target_value(&e))></textarea></label>
            <button type="button" class="danger" data-testid="withdraw-confirm"
                disabled=move || short() || withdraw.pending().get()
                on:click=move |_| { withdraw.dispatch(WithdrawAudit { id, reason: reason.get_untracked() }); }>
                {locale.pick("送出撤銷申請", "Ask to withdraw")}</button>
        </details>
    }
}

/// The connection's state and what waits in the browser.
#[component]
fn Connection(sheet: Sheet) -> impl IntoView {
    let locale = use_locale();
    let id = sheet.id;
    move || {
        let n = sheet.pending.with(|q| q.len());
        // the account's sealing key has arrived: what waits can be kept on this device
        let sealed = sheet.seal.with(|s| s.is_some()).to_string();
        match sheet.conn.get() {
            Conn::SignedOut => view! {
                <p class="notice no-print" role="status" data-testid="connection" data-sealed=sealed data-state="signed-out">
                    {format!("{} {n} {}", locale.pick("登入已逾時，", "Your session has ended; "), locale.pick("筆答案暫存於本機，重新登入後自動送出。", "answers wait on this device and are sent after you sign in again."))}
                    " " <a href=format!("/login?next=/audits/{id}") rel="external" data-testid="sign-in-again">{locale.pick("重新登入", "Sign in again")}</a>
                </p>
            }.into_any(),
            Conn::Offline if n > 0 => view! {
                <p class="notice no-print" role="status" data-testid="connection" data-sealed=sealed data-state="offline">
                    {format!("{}{n}{}", locale.pick("連線中斷：", "Offline: "), locale.pick(" 筆答案暫存於本機，恢復連線後自動送出。", " answers wait on this device until the connection is back."))}
                </p>
            }.into_any(),
            _ if n > 0 => view! { <p class="muted no-print" data-testid="connection" data-sealed=sealed data-state="sending">{locale.pick("傳送中…", "Sending…")}</p> }.into_any(),
            _ => view! { <p class="muted no-print" data-testid="connection" data-sealed=sealed data-state="saved">{locale.pick("所有答案均已儲存", "Every answer is saved")}</p> }.into_any(),
        }
    }
}

/// 符合 / 不符 for one item of one sampled user or look-up (不符 asks what was found).
#[component]
fn Choice(sheet: Sheet, part: &'static str, item: usize, sample: i64, #[prop(into)] label: String) -> impl IntoView {
    let locale = use_locale();
    let key = format!("{part}-{item}-{sample}");
    let (t_q, t_yes, t_no, t_note) =
        (format!("q-{key}"), format!("yes-{key}"), format!("no-{key}"), format!("note-{key}"));
    let current = move || sheet.answer(part, &item.to_string(), sample);
    let result = move || current().map(|(r, _)| r).unwrap_or_default();
    let note = move || current().map(|(_, n)| n).unwrap_or_default();
    let pick = move |r: &str| {
        let note = if r == "conforms" { String::new() } else { note() };
        if r == "does_not_conform" && note.trim().is_empty() {
            sheet.hold(part, item.to_string(), sample, r, String::new());
        } else {
            sheet.give(Pending::Answer { part: part.into(), item, sample, result: r.into(), note });
        }
    };
    let set_note = move |n: String| {
        sheet.give(Pending::Answer { part: part.into(), item, sample, result: "does_not_conform".into(), note: n });
    };
    let disabled = !sheet.editable;
    view! {
        <div class="choice" data-testid=t_q data-result=result>
            <p class="item-text">{label}</p>
            <div class="choice-buttons" role="group">
                <button type="button" class="big yes" aria-pressed=move || (result() == "conforms").to_string() disabled=disabled
                    data-testid=t_yes on:click=move |_| pick("conforms")>{locale.pick("符合", "Conforms")}</button>
                <button type="button" class="big no" aria-pressed=move || (result() == "does_not_conform").to_string() disabled=disabled
                    data-testid=t_no on:click=move |_| pick("does_not_conform")>{locale.pick("不符", "Does not")}</button>
            </div>
            {move || (result() == "does_not_conform").then(|| view! {
                <textarea class="note" rows="2" maxlength="500" placeholder=locale.pick("不符情形（必填）", "What was found (required)") disabled=disabled
                    data-testid=t_note.clone() prop:value=note on:change=move |ev| set_note(event_target_value(&ev))></textarea>
            })}
        </div>
    }
}

#[component]
fn Checklist(v: AuditView, sheet: Sheet, refer: ServerAction<ReferToEthics>) -> impl IntoView {
    let locale = use_locale();
    let totals = move |part: &'static str, items: usize| {
        sheet.answers.with(|a| {
            (0..items)
                .map(|i| {
                    let of = a.iter().filter(|((p, it, _), _)| p == part && *it == i.to_string());
                    let y = of.clone().filter(|(_, (r, _))| r == "conforms").count();
                    (y, of.count() - y)
                })
                .collect::<Vec<_>>()
        })
    };
    let referred = v
        .followups
        .iter()
        .filter(|f| f.kind == FollowupKind::Ethics)
        .map(|f| (f.part.code().to_string(), f.item.clone(), f.sample))
        .collect::<Vec<_>>();
    let referred = StoredValue::new(referred);
    let can_refer = v.is_auditor;
    let id = v.id;
    // a 不符 the auditor may refer to the Ethics Office (七(三)), once saved
    let refer_button = move |part: &'static str, item: usize, sample: i64| {
        move || {
            let saved = sheet.pending.with(|q| q.is_empty());
            let no = sheet.answer(part, &item.to_string(), sample).is_some_and(|(r, _)| r == "does_not_conform");
            let done = referred.with_value(|r| r.contains(&(part.to_string(), item.to_string(), sample)));
            (can_refer && no && saved).then(|| if done {
                view! { <p class="muted" data-testid=format!("referred-{part}-{item}-{sample}")>{locale.pick("已移送政風室", "Referred to the Ethics Office")}</p> }.into_any()
            } else {
                view! { <button type="button" class="secondary" data-testid=format!("refer-{part}-{item}-{sample}")
                    on:click=move |_| { refer.dispatch(ReferToEthics { id, part: part.into(), item: item.to_string(), sample, description: String::new() }); }>
                    {locale.pick("移送政風室", "Refer to the Ethics Office")}</button> }.into_any()
            })
        }
    };
    let last_review = v.last_review.clone().unwrap_or_else(|| locale.pick("（尚無紀錄）", "(none)").to_string());
    view! {
        <section class="audit-part" data-testid="part-users">
            <h2>{locale.pick("使用者（抽查比率 50%）", "Users (50% sampled)")}</h2>
            <table class="data totals" data-testid="totals-users">
                <thead><tr><th>{locale.pick("稽核項目", "Item")}</th><th>{locale.pick("抽查數量", "Sampled")}</th><th>{locale.pick("符合", "Yes")}</th><th>{locale.pick("不符", "No")}</th></tr></thead>
                <tbody>
                    {(0..2).map(|i| view! {
                        <tr><td>{USER_ITEMS[i]}{(i == 1).then(|| format!("（異動：{} 人）", v.account_changes))}</td><td>{v.sample_users.len()}</td>
                            <td data-testid=format!("total-users-{i}-yes")>{move || totals("users", 2)[i].0}</td><td data-testid=format!("total-users-{i}-no")>{move || totals("users", 2)[i].1}</td></tr>
                    }).collect_view()}
                    <tr><td>{USER_ITEMS[2]}</td><td colspan="3" data-testid="last-review">{format!("前次盤點日期：{last_review}")}</td></tr>
                </tbody>
            </table>
            <div class="samples">
                {v.sample_users.iter().map(|u| { let uid = u.id; view! {
                    <article class="sample card" data-testid=format!("user-{}", u.id)>
                        <h3>{format!("{} {} ", u.name, u.employee_no)} <span class="muted">{u.roles.clone()}</span>
                            {u.disabled.then(|| view! { <span class="badge">{locale.pick("已停用", "disabled")}</span> })}</h3>
                        {(0..2).map(|i| view! {
                            <Choice sheet=sheet part="users" item=i sample=uid label=USER_ITEMS[i]/>
                            {refer_button("users", i, uid)}
                        }).collect_view()}
                    </article>
                } }).collect_view()}
            </div>
        </section>
        <section class="audit-part" data-testid="part-queries">
            <h2>{locale.pick("查詢紀錄（抽查比率 每月比對總數之1%）", "Look-ups (1% of the period's total)")}</h2>
            <table class="data totals" data-testid="totals-queries">
                <thead><tr><th>{locale.pick("稽核項目", "Item")}</th><th>{locale.pick("抽查數量", "Sampled")}</th><th>{locale.pick("符合", "Yes")}</th><th>{locale.pick("不符", "No")}</th></tr></thead>
                <tbody>{(0..3).map(|i| view! {
                    <tr><td>{QUERY_ITEMS[i]}</td><td>{v.sample_lookups.len()}</td>
                        <td data-testid=format!("total-queries-{i}-yes")>{move || totals("queries", 3)[i].0}</td><td data-testid=format!("total-queries-{i}-no")>{move || totals("queries", 3)[i].1}</td></tr>
                }).collect_view()}</tbody>
            </table>
            {v.sample_lookups.is_empty().then(|| view! { <p class="muted">{locale.pick("本期無查詢紀錄可抽查。", "No look-ups in the period.")}</p> })}
            <div class="samples">
                {v.sample_lookups.iter().map(|l| { let qid = l.id; view! {
                    <article class="sample card" data-testid=format!("lookup-{}", l.id)>
                        <h3>{roc_datetime(l.queried_at)} " · " {l.operator.clone()}
                            {l.after_hours.then(|| view! { <span class="badge overdue">{locale.pick("非上班時間", "after hours")}</span> })}</h3>
                        <p class="muted">
                            {locale.pick(l.business_type.zh(), l.business_type.en())}
                            " · " {t(Msg::CaseNo)} " " {l.case_number.clone()} " · " <span class="mono">{l.national_id_masked.clone()}</span>
                            " · " {l.decision.map(|d| locale.pick(d.zh(), d.en()).to_string()).unwrap_or_else(|| locale.pick("（未送出比對）", "(no comparison)").to_string())}
                            " · " {if l.printed { locale.pick("已列印", "printed") } else { locale.pick("未列印", "not printed") }}
                        </p>
                        {(0..3).map(|i| view! {
                            <Choice sheet=sheet part="queries" item=i sample=qid label=QUERY_ITEMS[i]/>
                            {refer_button("queries", i, qid)}
                        }).collect_view()}
                    </article>
                } }).collect_view()}
            </div>
        </section>
        <section class="audit-part card" data-testid="part-retention">
            <Choice sheet=sheet part="retention" item=0 sample=0 label=RETENTION_ITEM/>
        </section>
    }
}

/// 附件三: 8 sections, 41 items, each 符合 / 不符合 / 不適用 with the findings.
#[component]
fn VendorChecklist(sheet: Sheet) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="audit-part" data-testid="vendor-checklist">
            {VENDOR_SECTIONS.iter().enumerate().map(|(s, (name, items))| view! {
                <h2>{format!("{}、{name}", s + 1)}</h2>
                {items.iter().enumerate().map(|(i, text)| {
                    let code = item_code(s, i);
                    let c2 = code.clone();
                    let current = move || sheet.answer("vendor", &c2, 0);
                    let cur = current.clone();
                    let result = move || cur().map(|(r, _)| r).unwrap_or_default();
                    let finding = move || current().map(|(_, f)| f).unwrap_or_default();
                    let give = {
                        let code = code.clone();
                        move |r: String, f: String| {
                            if r.is_empty() || (r == "does_not_conform" && f.trim().is_empty()) {
                                sheet.hold("vendor", code.clone(), 0, &r, f);
                            } else {
                                sheet.give(Pending::Vendor { item: code.clone(), result: r, finding: f })
                            }
                        }
                    };
                    let buttons = [("conforms", "符合", "Conforms"), ("does_not_conform", "不符合", "Does not"), ("not_applicable", "不適用", "N/A")];
                    let testid = code.replace(['.', '(', ')'], "");
                    view! {
                        <div class="choice" data-testid=format!("v-{testid}") data-result=result.clone()>
                            <p class="item-text">{format!("{code} {text}")}</p>
                            <div class="choice-buttons" role="group">
                                {buttons.into_iter().map(|(r, zh, en)| {
                                    let give = give.clone();
                                    let finding = finding.clone();
                                    let result = result.clone();
                                    view! {
                                        <button type="button" class="big" class:no=r == "does_not_conform" aria-pressed=move || (result() == r).to_string()
                                            disabled=!sheet.editable data-testid=format!("v-{testid}-{r}")
                                            on:click=move |_| give(r.into(), finding())>{locale.pick(zh, en)}</button>
                                    }
                                }).collect_view()}
                            </div>
                            <textarea class="note" rows="2" maxlength="1000" placeholder=locale.pick("稽核情形（不符合時必填）", "Findings (required for a non-conformity)")
                                disabled=!sheet.editable data-testid=format!("v-{testid}-finding") prop:value=finding.clone()
                                on:change={ let give = give.clone(); let result = result.clone(); move |ev| {
                                    give(result(), event_target_value(&ev));
                                } }></textarea>
                        </div>
                    }
                }).collect_view()}
            }).collect_view()}
        </section>
    }
}

/// The form's free texts: the previous audit's result and its follow-up, this result and
/// recommendations.
#[component]
fn Texts(v: AuditView, sheet: Sheet) -> impl IntoView {
    let locale = use_locale();
    let area = move |field: &'static str, label: &'static str, rows: u32| {
        view! {
            <div class="field wide">
                <label for=format!("t-{field}")>{label}</label>
                <textarea id=format!("t-{field}") rows=rows maxlength="2000" disabled=!sheet.editable data-testid=format!("text-{field}")
                    prop:value=move || sheet.texts.with(|t| t.get(field).cloned().unwrap_or_default())
                    on:change=move |ev| sheet.give(Pending::Text { field: field.into(), text: event_target_value(&ev) })></textarea>
            </div>
        }
    };
    view! {
        <section class="card grid-form audit-texts">
            {(v.kind != AuditKind::Vendor).then(|| view! {
                <div class="field wide">
                    <p class="label">{locale.pick("上次稽核結果", "Last audit's result")}</p>
                    <p data-testid="previous-result">{match &v.previous {
                        Some(p) => format!("{}：{}{}", p.period_label, p.result, if p.recommendations.is_empty() { String::new() } else { format!("（建議：{}）", p.recommendations) }),
                        None => locale.pick("（無前次稽核紀錄）", "(no earlier audit)").to_string(),
                    }}</p>
                </div>
                {area("previous_followup", "改善或建議辦理情形", 2)}
            })}
            {area("result", "稽核結果", 3)}
            {area("recommendations", "建議事項", 3)}
        </section>
    }
}

/// The sign-off boxes: each by its own account (the vendor's representative on this tablet).
#[component]
fn Signoffs(v: AuditView, sheet: Sheet, sign: ServerAction<SignAudit>, missing: Signal<usize>) -> impl IntoView {
    let locale = use_locale();
    let id = v.id;
    let vendor_name = RwSignal::new(String::new());
    let signature = RwSignal::new(String::new());
    let blocked = move || missing.get() > 0 || sheet.pending.with(|q| !q.is_empty());
    view! {
        <section class="card signoffs no-print" data-testid="signoffs">
            <h2>{locale.pick("簽章", "Sign-offs")}</h2>
            {(v.is_auditor && !v.submitted).then(|| view! {
                <p class="muted no-print" data-testid="missing" data-count=move || missing.get().to_string()>{move || match missing.get() {
                    0 => locale.pick("各項均已填答，稽核人可簽章。", "Every item is answered: the auditor may sign.").to_string(),
                    n => format!("{}{n}{}", locale.pick("尚有 ", "Still to answer: "), locale.pick(" 項未填（含稽核結果）", " (including the result)")),
                }}</p>
            })}
            <div class="slots">
                {v.slots.iter().map(|s| {
                    let slot = s.slot;
                    view! {
                        <div class="slot" data-testid=format!("slot-{}", slot.code()) data-signed=s.signed_by.is_some().to_string()>
                            <p class="label">{locale.pick(slot.zh(), slot.en())}{(!s.expected.is_empty()).then(|| format!("（{}）", s.expected))}</p>
                            {match (&s.signed_by, s.signed_at) {
                                (Some(by), Some(at)) => view! {
                                    <p class="signed">{by.clone()}<br/><span class="muted">{roc_datetime(at)}</span></p>
                                    {s.signature.clone().map(|src| view! { <img class="signature" alt=locale.pick("簽名", "Signature") src=src/> })}
                                }.into_any(),
                                _ if s.can_sign && slot == Slot::Vendor => view! {
                                    <div class="no-print vendor-sign">
                                        <label for="vendor-rep">{locale.pick("廠商代表姓名", "Representative's name")}</label>
                                        <input id="vendor-rep" data-testid="vendor-rep" maxlength="50" on:input=move |ev| vendor_name.set(event_target_value(&ev))/>
                                        <SignaturePad data=signature/>
                                        <button type="button" class="primary big" data-testid="sign-vendor"
                                            disabled=blocked
                                            on:click=move |_| { sign.dispatch(SignAudit { id, slot: "vendor".into(), name: vendor_name.get(), signature: signature.get() }); }>
                                            {locale.pick("記錄廠商代表簽名", "Record the signature")}</button>
                                    </div>
                                }.into_any(),
                                _ if s.can_sign => view! {
                                    <button type="button" class="primary big no-print" data-testid=format!("sign-{}", slot.code())
                                        disabled=move || slot == Slot::Auditor && blocked()
                                        on:click=move |_| { sign.dispatch(SignAudit { id, slot: slot.code().into(), name: String::new(), signature: String::new() }); }>
                                        {locale.pick("簽章", "Sign")}</button>
                                }.into_any(),
                                _ => view! { <p class="muted">{locale.pick("（未簽章）", "(not signed)")}</p> }.into_any(),
                            }}
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

/// A signature drawn with a finger or stylus; `data` gets the PNG data URL after each stroke.
#[component]
fn SignaturePad(data: RwSignal<String>) -> impl IntoView {
    let locale = use_locale();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drawing = StoredValue::new(false);
    #[cfg(feature = "hydrate")]
    let ctx2d = move || -> Option<(web_sys::HtmlCanvasElement, web_sys::CanvasRenderingContext2d)> {
        use wasm_bindgen::JsCast;
        let c: web_sys::HtmlCanvasElement = canvas.get_untracked()?;
        let g = c.get_context("2d").ok().flatten()?.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
        Some((c, g))
    };
    #[cfg(feature = "hydrate")]
    let point = move |ev: &leptos::ev::PointerEvent| -> Option<(f64, f64)> {
        let c: web_sys::HtmlCanvasElement = canvas.get_untracked()?;
        let scale = c.width() as f64 / (c.client_width().max(1) as f64);
        Some((ev.offset_x() as f64 * scale, ev.offset_y() as f64 * scale))
    };
    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        drawing.set_value(true);
        #[cfg(feature = "hydrate")]
        if let (Some((_, g)), Some((x, y))) = (ctx2d(), point(&ev)) {
            g.set_line_width(3.0);
            g.set_line_cap("round");
            g.set_stroke_style_str("#111");
            g.begin_path();
            g.move_to(x, y);
        }
    };
    let move_ = move |ev: leptos::ev::PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let (Some((_, g)), Some((x, y))) = (ctx2d(), point(&ev)) {
            g.line_to(x, y);
            g.stroke();
        }
    };
    let up = move |_ev: leptos::ev::PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        drawing.set_value(false);
        #[cfg(feature = "hydrate")]
        if let Some((c, _)) = ctx2d() {
            if let Ok(url) = c.to_data_url() {
                data.set(url);
            }
        }
    };
    let clear = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some((c, g)) = ctx2d() {
            g.clear_rect(0.0, 0.0, c.width() as f64, c.height() as f64);
        }
        data.set(String::new());
    };
    view! {
        <div class="signature-pad">
            <canvas node_ref=canvas width="600" height="200" data-testid="signature-pad" aria-label=locale.pick("簽名區", "Signature area")
                on:pointerdown=down on:pointermove=move_ on:pointerup=up on:pointerleave=up></canvas>
            <button type="button" class="secondary" on:click=clear>{locale.pick("清除", "Clear")}</button>
        </div>
    }
}

fn mark(on: bool) -> &'static str {
    if on {
        "☑"
    } else {
        "☐"
    }
}

/// 附件二 as printed: one table — items with the sampled counts, retention, the last audit, this
/// result, and the four signature boxes — then the sampled items on the next page.
#[component]
fn PrintedForm(v: AuditView, sheet: Sheet) -> impl IntoView {
    let count = move |part: &'static str, item: usize, result: &'static str| {
        sheet
            .answers
            .with(|a| a.iter().filter(|((p, i, _), (r, _))| p == part && *i == item.to_string() && r == result).count())
    };
    let kept = move || sheet.answer("retention", "0", 0).map(|(r, _)| r).unwrap_or_default();
    let text = move |f: &'static str| sheet.texts.with(|t| t.get(f).cloned().unwrap_or_default());
    let signed = |slot: Slot| {
        v.slots
            .iter()
            .find(|s| s.slot == slot)
            .and_then(|s| s.signed_by.clone().zip(s.signed_at))
            .map(|(b, at)| format!("{b}（{}）", roc_datetime(at)))
            .unwrap_or_default()
    };
    let any_no = move || sheet.answers.with(|a| a.values().any(|(r, _)| r == "does_not_conform"));
    let prev_clean = v.previous.as_ref().is_some_and(|p| !p.result.is_empty() && p.recommendations.is_empty());
    let row = move |part: &'static str, i: usize| view! { <td>{move || format!("符合：{}　不符：{}", count(part, i, "conforms"), count(part, i, "does_not_conform"))}</td> };
    view! {
        <article class="print-only print-form attachment" data-testid="printed-form">
            <h1 class="form-title">"臺北市政府地政局暨所屬所隊介接使用數位印鑑比對系統稽核紀錄表"</h1>
            <p>{format!("（稽核單位）{}　　（受稽單位）{}　　稽核日期：{}　　稽核期間：{}", v.auditing_unit, v.target, v.audited_on, v.period_label)}</p>
            <table class="form-grid">
                <thead><tr><th>"項目"</th><th>"抽查比率"</th><th>"稽核內容"</th><th>"抽查資料"</th></tr></thead>
                <tbody>
                    <tr><th rowspan="3">"使用者"</th><td rowspan="3">{format!("50%（{} 人抽 {} 人）", v.users, v.sample_users.len())}</td>
                        <td>{USER_ITEMS[0]}</td>{row("users", 0)}</tr>
                    <tr><td>{format!("二、系統之使用者異動是否填寫使用印鑑比對系統帳號異動申請單？（異動：{} 人）", v.account_changes)}</td>{row("users", 1)}</tr>
                    <tr><td>{USER_ITEMS[2]}</td><td>{format!("前次盤點日期：{}", v.last_review.clone().unwrap_or_default())}</td></tr>
                    <tr><th rowspan="3">"查詢紀錄"</th><td rowspan="3">{format!("每月比對總數之1%（{} 筆抽 {} 筆）", v.lookups, v.sample_lookups.len())}</td>
                        <td>{QUERY_ITEMS[0]}</td>{row("queries", 0)}</tr>
                    <tr><td>{QUERY_ITEMS[1]}</td>{row("queries", 1)}</tr>
                    <tr><td>{QUERY_ITEMS[2]}</td>{row("queries", 2)}</tr>
                    <tr><th colspan="2">{RETENTION_ITEM}</th><td colspan="2">{move || format!("{} 符合　{} 不符", mark(kept() == "conforms"), mark(kept() == "does_not_conform"))}</td></tr>
                    <tr><th colspan="2">"上次稽核結果"</th><td colspan="2">
                        {format!("{} 無不符合項目　{} 改善或建議辦理情形：", mark(prev_clean), mark(!prev_clean && v.previous.is_some()))}
                        {v.previous.as_ref().map(|p| format!("（{}：{}）", p.period_label, p.result))}
                        {move || text("previous_followup")}</td></tr>
                    <tr><th colspan="2">"稽核結果及建議"</th><td colspan="2">
                        {move || format!("{} 無不符合項目　{} 建議事項：", mark(!any_no()), mark(any_no()))}
                        {move || text("result")} " " {move || text("recommendations")}</td></tr>
                </tbody>
            </table>
            // <tbody> written out: the browser adds it to the server's HTML, and hydration must match
            <table class="form-grid signatures"><tbody>
                <tr><th colspan="2">"受稽單位"</th><th colspan="2">"稽核單位"</th></tr>
                <tr><th>"受稽人員"</th><th>"主管"</th><th>"稽核人員"</th><th>"主管"</th></tr>
                <tr class="signature-row"><td>{signed(Slot::Audited)}</td><td>{signed(Slot::AuditedSupervisor)}</td>
                    <td>{signed(Slot::Auditor)}</td><td>{signed(Slot::AuditorSupervisor)}</td></tr>
            </tbody></table>
            <p class="muted">{format!("抽樣種子：{}　（依作業規定八(五)，本紀錄書面至少保留五年）", v.seed)}</p>
            <section class="page-break">
                <h2>"抽查明細"</h2>
                <table class="form-grid">
                    <thead><tr><th>"抽查對象"</th><th>"稽核內容"</th><th>"結果"</th><th>"不符情形"</th></tr></thead>
                    <tbody>
                        {v.sample_users.iter().flat_map(|u| (0..2).map(move |i| (format!("{} {}", u.name, u.employee_no), "users", i, u.id))).chain(
                            v.sample_lookups.iter().flat_map(|l| (0..3).map(move |i| (format!("{} {} {} {}", roc_datetime(l.queried_at), l.operator, l.case_number, l.national_id_masked), "queries", i, l.id))))
                            .map(|(who, part, i, id)| {
                                let a = move || sheet.answer(part, &i.to_string(), id);
                                let a2 = a;
                                view! { <tr><td>{who}</td><td>{if part == "users" { USER_ITEMS[i] } else { QUERY_ITEMS[i] }}</td>
                                    <td>{move || match a().map(|(r, _)| r).as_deref() { Some("conforms") => "符合", Some("does_not_conform") => "不符", _ => "" }}</td>
                                    <td>{move || a2().map(|(_, n)| n).unwrap_or_default()}</td></tr> }
                            }).collect_view()}
                    </tbody>
                </table>
            </section>
        </article>
    }
}

/// 附件三 as printed: the 41 items with their results and findings, the recommendations, the
/// auditor's and the representative's signatures.
#[component]
fn PrintedVendorForm(v: AuditView, sheet: Sheet) -> impl IntoView {
    let text = move |f: &'static str| sheet.texts.with(|t| t.get(f).cloned().unwrap_or_default());
    view! {
        <article class="print-only print-form attachment" data-testid="printed-form">
            <h1 class="form-title">"臺北市政府地政局介接使用數位印鑑比對系統 軟體委外廠商資訊安全稽核紀錄表"</h1>
            <p>{format!("受稽核廠商：{}　　稽核日期：{}　　稽核期間：{}", v.target, v.audited_on, v.period_label)}</p>
            <table class="form-grid">
                <thead><tr><th>"稽核項目"</th><th>"稽核結果"</th><th>"稽核情形"</th></tr></thead>
                <tbody>
                    {VENDOR_SECTIONS.iter().enumerate().map(|(s, (name, items))| view! {
                        <tr><th colspan="3">{format!("{}. {name}", s + 1)}</th></tr>
                        {items.iter().enumerate().map(|(i, text)| {
                            let code = item_code(s, i);
                            let c2 = code.clone();
                            let r = move || sheet.answer("vendor", &code, 0).map(|(r, _)| r).unwrap_or_default();
                            let f = move || sheet.answer("vendor", &c2, 0).map(|(_, f)| f).unwrap_or_default();
                            view! { <tr><td>{format!("({}) {text}", i + 1)}</td>
                                <td>{move || { let r = r(); format!("{} 符合 {} 不符合 {} 不適用", mark(r == "conforms"), mark(r == "does_not_conform"), mark(r == "not_applicable")) }}</td>
                                <td>{f}</td></tr> }
                        }).collect_view()}
                    }).collect_view()}
                    <tr><th>"稽核結果"</th><td colspan="2">{move || text("result")}</td></tr>
                    <tr><th>"建議事項"</th><td colspan="2">{move || text("recommendations")}</td></tr>
                </tbody>
            </table>
            <table class="form-grid signatures"><tbody>
                <tr>{v.slots.iter().map(|s| view! { <th>{s.slot.zh()}</th> }).collect_view()}</tr>
                <tr class="signature-row">{v.slots.iter().map(|s| view! { <td>
                    {s.signed_by.clone().unwrap_or_default()}
                    {s.signature.clone().map(|src| view! { <img class="signature" alt="簽名" src=src/> })}
                </td> }).collect_view()}</tr>
            </tbody></table>
        </article>
    }
}
