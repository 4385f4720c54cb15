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
    put_into(root, id, text, "insertText").await
}

/// Sets the value of the input or textarea `id` and sends the input event a browser sends
/// for `input_type` (`insertText`, `insertFromPaste`).
async fn put_into(root: &web_sys::Element, id: &str, text: &str, input_type: &str) {
    use wasm_bindgen::JsCast;
    let element = root
        .query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("#{id} is missing"));
    let input = element.clone().dyn_into::<web_sys::HtmlInputElement>();
    match &input {
        Ok(input) => input.set_value(text),
        Err(_) => element
            .clone()
            .dyn_into::<web_sys::HtmlTextAreaElement>()
            .unwrap()
            .set_value(text),
    }
    let input = element;
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    init.set_input_type(input_type);
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

/// The value of the input or textarea `id` inside `root` (each test mounts its own app
/// in the one document).
fn value_of(root: &web_sys::Element, id: &str) -> String {
    use wasm_bindgen::JsCast;
    let element = root
        .query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("#{id} is missing"));
    match element.clone().dyn_into::<web_sys::HtmlInputElement>() {
        Ok(input) => input.value(),
        Err(_) => element
            .dyn_into::<web_sys::HtmlTextAreaElement>()
            .unwrap()
            .value(),
    }
}

const PASTED_LINE: &str = "export AIRFLOW_CONN_DATABRICKS_PROD='databricks://:dapi0123456789abcdef0123456789abcdef@adb-1234567890123456.7.azuredatabricks.net?http_path=%2Fsql%2F1.0%2Fwarehouses%2Fabc'";

/// A pasted connection fills the form and is cleared from the box; the secret is in the
/// masked field only.
#[wasm_bindgen_test]
async fn a_pasted_connection_fills_the_form_and_leaves_the_box_empty() {
    let root = mount();
    yew::scheduler::flush().await;
    put_into(&root, "existing-connection", PASTED_LINE, "insertFromPaste").await;
    assert_eq!(
        value_of(&root, "workspace-url"),
        "adb-1234567890123456.7.azuredatabricks.net"
    );
    assert_eq!(
        value_of(&root, "secret"),
        "dapi0123456789abcdef0123456789abcdef"
    );
    assert_eq!(value_of(&root, "conn-id"), "databricks_prod");
    assert_eq!(value_of(&root, "existing-connection"), "");
    let said = root
        .query_selector("#import-result")
        .unwrap()
        .expect("the page says what it filled")
        .text_content()
        .unwrap_or_default();
    assert!(
        said.contains("databricks_prod") && said.contains("cleared"),
        "{said}"
    );
    assert!(!root.text_content().unwrap_or_default().contains("dapi0123"));
}

/// Typed, not pasted: nothing happens until the button; a paste of two connections asks
/// which one.
#[wasm_bindgen_test]
async fn typing_waits_for_the_button_and_two_connections_ask_which() {
    use wasm_bindgen::JsCast;
    let root = mount();
    yew::scheduler::flush().await;
    put_into(&root, "existing-connection", "databricks://h", "insertText").await;
    assert_eq!(value_of(&root, "workspace-url"), "");
    let two = format!("{PASTED_LINE}\nexport AIRFLOW_CONN_DEV='databricks://:dapi11111111111111111111111111111111@dbc-a1b2345c-d6e7.cloud.databricks.com'");
    put_into(&root, "existing-connection", &two, "insertFromPaste").await;
    assert_eq!(value_of(&root, "workspace-url"), "", "filled before a pick");
    let dev: web_sys::HtmlElement = root
        .query_selector("#import-pick [data-conn-id=dev]")
        .unwrap()
        .expect("a button per connection")
        .dyn_into()
        .unwrap();
    dev.click();
    yew::scheduler::flush().await;
    assert_eq!(
        value_of(&root, "workspace-url"),
        "dbc-a1b2345c-d6e7.cloud.databricks.com"
    );
    assert_eq!(value_of(&root, "conn-id"), "dev");
    assert_eq!(value_of(&root, "existing-connection"), "");
}
