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

/// Types `text` into the input with id `id` as a user would: the value, then an input
/// event that bubbles to Yew's listener.
async fn type_into(root: &web_sys::Element, id: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let input: web_sys::HtmlInputElement = root
        .query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("#{id} is missing"))
        .dyn_into()
        .unwrap();
    input.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

/// A fuzzer's find: `dapi`, 31 letters and `é` cut the token inside the `é` and killed
/// the page. Now the page names the character, and the crash notice never shows.
#[wasm_bindgen_test]
async fn a_character_across_the_token_length_is_a_finding_not_a_dead_page() {
    dbx_check_web::crash::install();
    let root = mount();
    yew::scheduler::flush().await;
    for odd in ["é", "€", "𝔸"] {
        type_into(&root, "secret", &format!("dapi{}{odd}", "a".repeat(31))).await;
        let text = root.text_content().unwrap_or_default();
        assert!(
            text.contains("outside plain ASCII"),
            "no finding for {odd}: {text}"
        );
    }
    let document = web_sys::window().unwrap().document().unwrap();
    assert!(document
        .get_element_by_id(dbx_check_web::crash::NOTICE_ID)
        .is_none());
}
