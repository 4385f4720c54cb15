//! A panic in the page, forced: the page says so where the user looks instead of
//! freezing. Its own test binary, because a panic in WebAssembly aborts the instance.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_panic_shows_the_notice_and_stops_the_form() {
    dbx_check_web::crash::install();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<dbx_check_web::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    assert!(document.get_element_by_id("secret").is_some());

    // Panics in a callback of its own, as an event handler's panic would: the test's
    // own future goes on and reads the page afterwards.
    gloo_timers::callback::Timeout::new(0, || panic!("forced by the test")).forget();
    gloo_timers::future::TimeoutFuture::new(50).await;

    let notice = document
        .get_element_by_id(dbx_check_web::crash::NOTICE_ID)
        .expect("the notice is on the page");
    assert_eq!(notice.get_attribute("role").as_deref(), Some("alert"));
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("stopped working"), "{text}");
    assert!(text.contains("Nothing you typed was stored"), "{text}");
    assert!(notice.query_selector("button").unwrap().is_some());
    // Placed first, above the form, and the form is out of reach.
    assert_eq!(
        document.body().unwrap().first_element_child(),
        Some(notice.clone())
    );
    let app = document.get_element_by_id("dbx-check").unwrap();
    assert!(app.has_attribute("inert"));

    // A second panic leaves one notice.
    gloo_timers::callback::Timeout::new(0, || panic!("again")).forget();
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(
        document
            .query_selector_all(&format!("#{}", dbx_check_web::crash::NOTICE_ID))
            .unwrap()
            .length(),
        1
    );
}
