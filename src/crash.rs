//! What the page does if the code panics anyway. The core is built and fuzzed not to,
//! but a panic in WebAssembly aborts the whole instance: without this, the page stays on
//! screen, frozen, and every later keystroke fails in silence. Browser glue only: it
//! writes plain DOM, because the components' state may be mid-update when the panic hits.

use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The notice's element id, for tests and for embedding pages that look for it.
pub const NOTICE_ID: &str = "page-failed";

const NOTICE: &str = "<h2>This page stopped working</h2>\
<p>An error inside the page stopped it, so what you type now does nothing. \
Nothing you typed was stored, and the error sent nothing anywhere.</p>\
<p>Reload the page to start again; you will need to paste your secret again.</p>\
<button type=\"button\">Reload the page</button>";

static SHOWN: AtomicBool = AtomicBool::new(false);

/// Sets the panic hook: from the first panic on, the page shows the notice instead of
/// freezing. Through Yew, whose renderer otherwise installs a hook of its own that logs
/// the whole panic message to the console. Call it before mounting the app.
pub fn install() {
    // Nothing is logged: a panic message can quote the text it was given, and that text
    // may be a secret.
    yew::set_custom_panic_hook(Box::new(|_| show_notice()));
}

/// Puts the notice at the top of the page and makes the rest inert, once.
fn show_notice() {
    if SHOWN.swap(true, Ordering::SeqCst) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if let Some(app) = document.get_element_by_id("dbx-check") {
        let _ = app.set_attribute("inert", "");
        let _ = app.set_attribute("aria-hidden", "true");
    }
    let Ok(notice) = document.create_element("div") else {
        return;
    };
    notice.set_id(NOTICE_ID);
    let _ = notice.set_attribute("role", "alert");
    notice.set_inner_html(NOTICE);
    if let Ok(Some(button)) = notice.query_selector("button") {
        if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
            let reload = Closure::once_into_js(|| {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            });
            button.set_onclick(Some(reload.unchecked_ref()));
        }
    }
    let _ = body.prepend_with_node_1(&notice);
}
