//! `/admin/calendar`: the one working-time calendar (office hours, holidays, 補班).

use leptos::prelude::*;

use crate::api::calendar::*;
use crate::components::RequireAuth;
use crate::domain::DayKind;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn CalendarPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <CalendarAdmin/> }}
        </RequireAuth>
    }
}

#[component]
fn CalendarAdmin() -> impl IntoView {
    let locale = use_locale();
    let version = RwSignal::new(0u32);
    let cal = Resource::new(move || version.get(), |_| get_calendar());
    let error = RwSignal::new(None::<String>);
    let set_day = ServerAction::<SetCalendarDay>::new();
    let remove = ServerAction::<RemoveCalendarDay>::new();
    let hours = ServerAction::<SetOfficeHours>::new();
    Effect::new(move |_| {
        let results = [set_day.value().get(), remove.value().get(), hours.value().get()];
        for r in results.into_iter().flatten() {
            match r {
                Ok(()) => {
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        }
    });
    let date = RwSignal::new(String::new());
    let kind = RwSignal::new(DayKind::Holiday.code().to_string());
    let name = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::Calendar)}</h1>
            <p class="muted">{locale.pick(
                "臺北時間（UTC+8）。週一至週五為上班日；以下為例外（國定假日放假、補班日上班）。查詢紀錄的「非上班時間」註記、聯繫單期限與月報皆依此日曆。",
                "Taipei time (UTC+8). Monday to Friday are working days; below are the exceptions (public holidays off, make-up days on). The query log's after-hours flag, liaison deadlines and the monthly report all use this calendar.")}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || cal.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(c) => {
                        start.set(c.office_start.clone());
                        end.set(c.office_end.clone());
                        view! {
                            <section class="card">
                                <h2>{t(Msg::OfficeHoursLabel)}</h2>
                                <form class="inline-form" data-testid="hours-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    hours.dispatch(SetOfficeHours { start: start.get(), end: end.get() });
                                }>
                                    <input type="time" aria-label=locale.pick("上班", "Start") prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                                    "–"
                                    <input type="time" aria-label=locale.pick("下班", "End") prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev))/>
                                    <button type="submit">{t(Msg::Save)}</button>
                                </form>
                            </section>
                            <section class="card">
                                <table class="data" data-testid="calendar-days">
                                    <thead><tr><th>{t(Msg::Date)}</th><th>{t(Msg::Kind)}</th><th>{t(Msg::Name)}</th><th></th></tr></thead>
                                    <tbody>
                                        {c.days.into_iter().map(|d| {
                                            let date_s = d.date.short();
                                            view! {
                                                <tr>
                                                    <td>{d.date.long()}</td>
                                                    <td>{locale.pick(d.kind.zh(), d.kind.en())}</td>
                                                    <td>{d.name.clone()}</td>
                                                    <td><button type="button" class="secondary" on:click=move |_| { remove.dispatch(RemoveCalendarDay { date: date_s.clone() }); }>{t(Msg::Remove)}</button></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }.into_any()
                    }
                })}
            </Suspense>
            <section class="card">
                <h2>{t(Msg::Add)}</h2>
                <form class="grid-form" data-testid="day-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    set_day.dispatch(SetCalendarDay { date: date.get(), kind: kind.get(), name: name.get() });
                }>
                    <div class="field">
                        <label for="d-date">{t(Msg::Date)} <span class="req">"*"</span></label>
                        <input id="d-date" placeholder="115/10/10" required on:input=move |ev| date.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="d-kind">{t(Msg::Kind)}</label>
                        <select id="d-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {[DayKind::Holiday, DayKind::Workday].into_iter().map(|k| view! { <option value=k.code()>{locale.pick(k.zh(), k.en())}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="d-name">{t(Msg::Name)} <span class="req">"*"</span></label>
                        <input id="d-name" required maxlength="40" on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <div class="actions"><button type="submit">{t(Msg::Add)}</button></div>
                </form>
            </section>
        </main>
    }
}
