//! The browser entry: hydrate the server-rendered page. Nothing else lives here.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // every route is lazy (app/src/lib.rs `routes`): wait for the first page's module, then
    // hydrate (hydrate_body would refuse lazy routes)
    leptos::mount::hydrate_lazy(app::App);
}
