//! Widgets shared by pages: the header, the sign-in gate, the comparison workbench.

pub mod workbench;

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{auth::Me, ApiError};
use crate::domain::Role;
use crate::i18n::{t, use_locale, Locale, Msg};
use matcher::{CaptureCorrection, ReviewReason, UnclearReason};

/// The signed-in account, loaded once per page at the root.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, ApiError>>);

pub fn use_me() -> Resource<Result<Option<Me>, ApiError>> {
    expect_context::<MeResource>().0
}

pub fn role_label(r: Role, l: Locale) -> &'static str {
    l.pick(r.zh(), r.en())
}

/// The 印模不清 notice for a registered impression the matcher judged unclear.
pub fn registered_unclear_text(l: Locale) -> &'static str {
    l.pick(
        "印模不清：比對結果僅供參考，請依規定處理",
        "The registered impression is unclear: treat the result with care",
    )
}

/// One reason a pair was left for review (待人工判斷), in the UI language.
pub fn review_reason_text(r: ReviewReason, l: Locale) -> &'static str {
    match r {
        ReviewReason::Occluded => {
            l.pick("印文被文字、線條或簽名遮蓋", "the seal is covered by print, lines or a signature")
        }
        ReviewReason::Faded => l.pick("印文部分缺墨", "part of the seal carries no ink"),
        ReviewReason::Smeared => l.pick("印文重影或滑動", "the seal slid or was stamped twice"),
        ReviewReason::TooSmall => l.pick("印文影像過小", "the questioned seal is imaged too small"),
        ReviewReason::Blurred => l.pick("印文影像模糊", "the questioned scan is blurred"),
        ReviewReason::DiffersInPlaces => {
            l.pick("印文局部不一致（熱度圖框示處）", "the impressions differ in places (framed on the heat map)")
        }
        ReviewReason::PrintedCopy => l.pick(
            "疑似列印複製（印文呈印表機網點或色料紋理，非印泥蓋印）",
            "suspected printed copy (the ink shows printer dots or colorant texture, not stamped paste)",
        ),
    }
}

/// Why a pair was left for review: every reason the matcher gave.
pub fn review_reasons_text(reasons: &[ReviewReason], l: Locale) -> String {
    let parts: Vec<&str> = reasons.iter().map(|r| review_reason_text(*r, l)).collect();
    match l {
        Locale::ZhTw => format!("待人工判斷原因：{}", parts.join("；")),
        Locale::En => format!("Left for review because {}", parts.join("; ")),
    }
}

/// The capture correction the matcher fitted before judging (a scanner's stretch or shear, a
/// camera's perspective), when large enough to mention: e.g. 掃描變形：縱向 +0.8 %.
pub fn capture_text(c: &CaptureCorrection, l: Locale) -> Option<String> {
    use matcher::{NOTABLE_KEYSTONE_PCT, NOTABLE_SHEAR_PCT, NOTABLE_STRETCH_PCT};
    if !c.notable() {
        return None;
    }
    let mut parts = Vec::new();
    let v = c.vertical_stretch_pct;
    if v.abs() >= NOTABLE_STRETCH_PCT {
        parts.push(match (l, v > 0.0) {
            (Locale::ZhTw, true) => format!("縱向 +{v:.1} %"),
            (Locale::ZhTw, false) => format!("橫向 +{:.1} %", -v),
            (Locale::En, true) => format!("vertical +{v:.1} %"),
            (Locale::En, false) => format!("horizontal +{:.1} %", -v),
        });
    }
    if c.shear_pct.abs() >= NOTABLE_SHEAR_PCT {
        parts.push(format!("{} {:.1} %", l.pick("傾斜", "shear"), c.shear_pct.abs()));
    }
    let camera = c.keystone_pct >= NOTABLE_KEYSTONE_PCT;
    if camera {
        parts.push(format!("{} {:.1} %", l.pick("透視", "perspective"), c.keystone_pct));
    }
    Some(match l {
        Locale::ZhTw => {
            format!("{}：{}（已校正後比對）", if camera { "拍攝變形" } else { "掃描變形" }, parts.join("，"))
        }
        Locale::En => format!(
            "{} corrected before judging: {}",
            if camera { "Camera distortion" } else { "Scan distortion" },
            parts.join(", ")
        ),
    })
}

/// The 印文不清 notice for a questioned impression, in the UI language.
pub fn questioned_unclear_text(reasons: &[UnclearReason], l: Locale) -> String {
    let parts: Vec<&str> = reasons
        .iter()
        .map(|r| match r {
            UnclearReason::Occluded => {
                l.pick("印文大部分被文字、線條或簽名遮蓋", "much of the seal is covered by print, lines or a signature")
            }
            UnclearReason::Faded => {
                l.pick("印文部分缺墨（用印不均）", "part of the seal carries no ink (uneven pressure)")
            }
            UnclearReason::Smeared => {
                l.pick("印文重影或滑動", "the seal slid or was stamped twice (a doubled impression)")
            }
            UnclearReason::TooSmall => {
                l.pick("印文影像過小", "the questioned seal is imaged too small for the registered one's detail")
            }
            UnclearReason::Blurred => l.pick("印文影像模糊", "the questioned scan is too blurred"),
        })
        .collect();
    match l {
        Locale::ZhTw => format!("印文不清：{}，不作「不符」判定，請人工判斷", parts.join("；")),
        Locale::En => format!(
            "The questioned impression is unclear: {}. It is not called inconsistent; judge it by eye",
            parts.join("; ")
        ),
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    let locale = use_locale();
    let logout = ServerAction::<crate::api::auth::Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    let other = match locale {
        Locale::ZhTw => Locale::En,
        Locale::En => Locale::ZhTw,
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"印"</span>
                <span>
                    <strong>{t(Msg::AppName)}</strong>
                    <small>{t(Msg::AppSubtitle)}</small>
                </span>
            </a>
            <div class="header-actions">
                <form method="post" action="/lang" class="inline">
                    <input type="hidden" name="lang" value=other.tag()/>
                    <button type="submit" class="link-button" lang=other.tag()>{t(Msg::Language)}</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || {
                        me.get()
                            .and_then(|r| r.ok())
                            .flatten()
                            .map(|m| {
                                let roles = m.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、");
                                let unit = locale.pick(&m.unit.name_zh, &m.unit.name_en).to_string();
                                view! {
                                    <div class="who" data-testid="who">
                                        <span class="who-name">{m.name.clone()} " (" {m.employee_no.clone()} ")"</span>
                                        <span class="who-unit">{unit} " · " {roles}</span>
                                    </div>
                                    <ActionForm action=logout>
                                        <button type="submit" class="secondary" data-testid="sign-out">{t(Msg::SignOut)}</button>
                                    </ActionForm>
                                }
                            })
                    }}
                </Suspense>
            </div>
        </header>
    }
}

/// Renders `children` with the signed-in account, or redirects: to `/login` when nobody is
/// signed in, to `/password` when the password must be changed first. Only a convenience:
/// every server function checks on its own.
#[component]
pub fn RequireAuth(
    /// Allow an account that must change its password (the password page itself).
    #[prop(optional)]
    allow_restricted: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let me = use_me();
    let children = StoredValue::new(children);
    // after signing in, back here
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    let login = if here.is_empty() || here == "/" { "/login".to_string() } else { format!("/login?next={here}") };
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || {
                me.get()
                    .map(|r| match r {
                        Ok(Some(m)) if m.restricted() && !allow_restricted => {
                            view! { <Redirect path="/password"/> }.into_any()
                        }
                        Ok(Some(m)) => {
                            provide_context(m);
                            children.with_value(|c| c()).into_any()
                        }
                        _ => view! { <Redirect path=login.clone()/> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// An error message for a failed action, in the page's language.
#[component]
pub fn ErrorText(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    let locale = use_locale();
    move || {
        error.get().map(|e| {
            view! { <p class="error" role="alert">{e.text(locale)}</p> }
        })
    }
}

/// Read a chosen file's bytes (browser only).
#[cfg(feature = "hydrate")]
pub async fn read_input_file(input_id: &str) -> Option<Vec<u8>> {
    use wasm_bindgen::JsCast;
    let input = document().get_element_by_id(input_id)?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

/// A form field's first error (`err-<field>`), shown once the form was submitted.
pub fn field_error(
    touched: RwSignal<bool>,
    errors: Memo<Vec<crate::domain::forms::FieldError>>,
    field: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + Sync + Copy + 'static {
    move || {
        touched
            .get()
            .then(|| errors.with(|es| es.iter().find(|e| e.field == field).map(|e| e.message.clone())))
            .flatten()
            .map(|m| {
                view! { <p class="field-error" role="alert" data-testid=format!("err-{field}")>{m}</p> }.into_any()
            })
    }
}

/// 列印: the browser's print dialog (the print style sheet lays the page out on A4).
#[component]
pub fn PrintButton() -> impl IntoView {
    view! {
        <button type="button" class="secondary" on:click=|_| {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().print();
            }
        }>{t(Msg::Print)}</button>
    }
}

/// One step of a record's 處理歷程.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub label: &'static str,
    pub actor: String,
    pub note: String,
}

/// 處理歷程: who did what when, oldest first (`data-action` per step).
#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="timeline">
            <h2>{locale.pick("處理歷程", "Timeline")}</h2>
            <ol data-testid="timeline">
                {entries.into_iter().map(|e| view! {
                    <li data-action=e.action>{crate::domain::roc_datetime(e.at)} " · " {e.label} " · " {e.actor}
                        {(!e.note.is_empty()).then(|| format!(" · {}", e.note))}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}
