//! Component tests in headless Chromium: only what needs a real DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<dbx_check_web::App>::with_root(root.clone()).render();
    root
}

#[wasm_bindgen_test]
async fn the_app_mounts_the_fields_the_design_names() {
    let root = mount();
    yew::scheduler::flush().await;
    for id in ["workspace-url", "auth-method", "secret", "conn-id"] {
        assert!(
            root.query_selector(&format!("#{id}")).unwrap().is_some(),
            "#{id} is missing"
        );
    }
}
