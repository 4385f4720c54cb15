//! Component tests in headless Chromium: only what needs a real DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the page in a fresh root, after removing the roots earlier tests mounted: the
/// page looks some elements up by id in the whole document (focus, the relay's mark).
fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let earlier = document.query_selector_all("[data-test-root]").unwrap();
    for i in 0..earlier.length() {
        if let Some(node) = earlier.item(i) {
            node.parent_node().unwrap().remove_child(&node).unwrap();
        }
    }
    let root = document.create_element("div").unwrap();
    root.set_attribute("data-test-root", "").unwrap();
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

/// Types `text` into the input or text area with id `id` as a user would: the value, then
/// an input event that bubbles to Yew's listener.
async fn type_into(root: &web_sys::Element, id: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let input = root
        .query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("#{id} is missing"));
    match input.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        Some(area) => area.set_value(text),
        None => input
            .dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap_or_else(|| panic!("#{id} takes no text"))
            .set_value(text),
    }
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

const AWS: &str = "https://ok-7.cloud.databricks.com";
const PAT: &str = "dapi0123456789abcdef0123456789abcdef";

fn find(root: &web_sys::Element, selector: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    root.query_selector(selector)
        .unwrap()
        .map(|el| el.dyn_into().unwrap())
}

fn get(root: &web_sys::Element, selector: &str) -> web_sys::HtmlElement {
    find(root, selector).unwrap_or_else(|| panic!("{selector} is missing"))
}

fn text(root: &web_sys::Element, selector: &str) -> String {
    get(root, selector).text_content().unwrap_or_default()
}

async fn click(root: &web_sys::Element, selector: &str) {
    get(root, selector).click();
    yew::scheduler::flush().await;
}

/// Chooses `value` in the `<select>` with id `id`, with the change event a user's pick fires.
async fn choose(root: &web_sys::Element, id: &str, value: &str) {
    use wasm_bindgen::JsCast;
    let select: web_sys::HtmlSelectElement = get(root, &format!("#{id}")).dyn_into().unwrap();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    select.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

/// Presses `key` on the element `selector`, as the keyboard would (the event bubbles).
async fn press(root: &web_sys::Element, selector: &str, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    get(root, selector).dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_secret_field_and_the_values_stay_masked_until_shown() {
    let root = mount();
    yew::scheduler::flush().await;
    type_into(&root, "workspace-url", AWS).await;
    type_into(&root, "secret", PAT).await;
    let reveal = "button.reveal";
    assert_eq!(
        get(&root, "#secret").get_attribute("type").as_deref(),
        Some("password")
    );
    assert_eq!(
        get(&root, reveal).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert_eq!(text(&root, reveal), "Show");
    click(&root, "#tab-env_variable").await;
    let env = "pre[data-output=\"env\"]";
    assert!(!text(&root, env).contains(PAT), "{}", text(&root, env));

    click(&root, reveal).await;
    assert_eq!(
        get(&root, "#secret").get_attribute("type").as_deref(),
        Some("text")
    );
    assert_eq!(
        get(&root, reveal).get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(text(&root, reveal), "Hide");
    assert!(text(&root, env).contains(PAT));
    // The field keeps what was typed across the switch.
    use wasm_bindgen::JsCast;
    let secret: web_sys::HtmlInputElement = get(&root, "#secret").dyn_into().unwrap();
    assert_eq!(secret.value(), PAT);
}

#[wasm_bindgen_test]
async fn the_arrow_keys_move_the_selected_tab_and_the_focus_round_the_list() {
    let root = mount();
    yew::scheduler::flush().await;
    let tabs = root.query_selector_all("[role=tab]").unwrap();
    let ids: Vec<String> = (0..tabs.length())
        .map(|i| {
            use wasm_bindgen::JsCast;
            let el: web_sys::Element = tabs.item(i).unwrap().dyn_into().unwrap();
            el.id()
        })
        .collect();
    assert!(ids.len() > 2, "{ids:?}");
    let selected = |root: &web_sys::Element| {
        ids.iter()
            .filter(|id| {
                get(root, &format!("#{id}"))
                    .get_attribute("aria-selected")
                    .as_deref()
                    == Some("true")
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    let focused = || {
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .map(|el| el.id())
    };
    assert_eq!(selected(&root), vec![ids[0].clone()]);
    press(&root, &format!("#{}", ids[0]), "ArrowRight").await;
    assert_eq!(selected(&root), vec![ids[1].clone()]);
    assert_eq!(focused(), Some(ids[1].clone()));
    assert_eq!(
        get(&root, &format!("#{}", ids[1]))
            .get_attribute("tabindex")
            .as_deref(),
        Some("0")
    );
    assert_eq!(
        get(&root, &format!("#{}", ids[0]))
            .get_attribute("tabindex")
            .as_deref(),
        Some("-1")
    );
    press(&root, &format!("#{}", ids[1]), "ArrowLeft").await;
    press(&root, &format!("#{}", ids[0]), "ArrowLeft").await;
    let last = ids.last().unwrap().clone();
    assert_eq!(selected(&root), vec![last.clone()]);
    assert_eq!(focused(), Some(last.clone()));
    // Other keys leave the tabs alone.
    press(&root, &format!("#{last}"), "Enter").await;
    assert_eq!(selected(&root), vec![last.clone()]);
    assert_eq!(
        get(&root, "#output-panel").get_attribute("aria-labelledby"),
        Some(last)
    );
}

#[wasm_bindgen_test]
async fn the_pickers_change_the_fields_and_keep_their_choice_across_edits() {
    let root = mount();
    yew::scheduler::flush().await;
    assert!(find(&root, "#login").is_none());
    choose(&root, "auth-method", "azure_mi").await;
    assert!(find(&root, "#azure-mi-client-id").is_some());
    assert!(find(&root, "#secret").is_none());
    assert!(text(&root, "label[for=azure-resource-id]").contains("(optional)"));
    choose(&root, "auth-method", "sp_oauth").await;
    assert!(find(&root, "#login").is_some() && find(&root, "#secret").is_some());
    assert!(find(&root, "#azure-mi-client-id").is_none());

    choose(&root, "airflow-version", "2").await;
    type_into(&root, "conn-id", "mine").await;
    use wasm_bindgen::JsCast;
    let version: web_sys::HtmlSelectElement = get(&root, "#airflow-version").dyn_into().unwrap();
    assert_eq!(version.value(), "2");
    let method: web_sys::HtmlSelectElement = get(&root, "#auth-method").dyn_into().unwrap();
    assert_eq!(method.value(), "sp_oauth");
}

#[wasm_bindgen_test]
async fn the_workspace_field_is_marked_invalid_and_summarised_as_typed() {
    let root = mount();
    yew::scheduler::flush().await;
    assert!(find(&root, "#workspace-findings li").is_none());
    type_into(&root, "workspace-url", "https://").await;
    assert_eq!(
        get(&root, "#workspace-url")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(find(&root, "#workspace-findings li").is_some());
    assert!(find(&root, "#workspace-summary").is_none());
    type_into(&root, "workspace-url", AWS).await;
    assert_eq!(
        get(&root, "#workspace-url")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false")
    );
    assert!(text(&root, "#workspace-summary").contains("ok-7.cloud.databricks.com"));
    assert!(get(&root, "#test-connection").has_attribute("disabled"));
    type_into(&root, "secret", PAT).await;
    assert!(!get(&root, "#test-connection").has_attribute("disabled"));
    assert!(text(&root, "#check-status").contains("from your browser"));
}

#[wasm_bindgen_test]
async fn a_terminal_answer_pasted_in_the_box_is_read_or_refused_where_it_was_pasted() {
    let root = mount();
    yew::scheduler::flush().await;
    // Outside the Databricks domains, without a relay: the terminal is the way on.
    type_into(&root, "workspace-url", "https://databricks.example.com").await;
    type_into(&root, "secret", PAT).await;
    assert!(text(&root, "#ways-on pre[data-route=bash]").contains("databricks.example.com"));
    assert!(find(&root, "#check-via-relay").is_none());
    type_into(&root, "pasted-answer", "hello").await;
    assert!(find(&root, "#pasted-findings li").is_some());
    assert!(find(&root, "#pasted-read").is_none());
    type_into(&root, "pasted-answer", "").await;
    assert!(find(&root, "#pasted-findings").is_none());
}
