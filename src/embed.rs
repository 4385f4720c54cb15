//! The page inside someone else's documentation: the theme it is asked for, and its
//! height posted to the parent frame so the frame can size itself. Browser glue only;
//! the theme names are read by the core (`Theme::parse`).

use dbx_check_core::Theme;
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Sets `data-theme` on `<html>`; the stylesheet follows it (and the system's choice
/// when it is absent).
pub fn apply_theme(theme: Theme) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
}

/// True when the page runs inside a frame.
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.parent() {
        Ok(Some(parent)) => !js_sys::Object::is(&parent, &window),
        _ => false,
    }
}

/// What keeps the embedding alive: dropping it stops the messages.
pub struct Embedding {
    _observer: Option<web_sys::ResizeObserver>,
    _callback: Option<Closure<dyn FnMut()>>,
    _messages: Option<EventListener>,
}

/// When framed: posts `{type: "dbx-check:height", height}` whenever the page's height
/// changes (the height is not secret, so any parent may read it), and takes
/// `{type: "dbx-check:theme", theme}` and `{type: "dbx-check:hello"}` from the parent
/// frame only.
pub fn start() -> Embedding {
    let none = Embedding {
        _observer: None,
        _callback: None,
        _messages: None,
    };
    let Some(window) = web_sys::window() else {
        return none;
    };
    if !is_framed() {
        return none;
    }
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return none;
    };
    let post_height = {
        let body = body.clone();
        move || {
            let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
                return;
            };
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"dbx-check:height".into());
            let height = body.scroll_height().max(body.offset_height());
            let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
            let _ = parent.post_message(&message, "*");
        }
    };
    post_height();
    let on_parent_hello = post_height.clone();
    let callback = Closure::<dyn FnMut()>::new(post_height);
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
    if let Some(observer) = &observer {
        observer.observe(&body);
    }
    let messages = EventListener::new(&window, "message", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let from_parent = match (
            web_sys::window().and_then(|w| w.parent().ok().flatten()),
            event.source(),
        ) {
            (Some(parent), Some(source)) => js_sys::Object::is(&parent, &source),
            _ => false,
        };
        if !from_parent {
            return;
        }
        let data = event.data();
        let field = |name: &str| {
            js_sys::Reflect::get(&data, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        match field("type").as_deref() {
            Some("dbx-check:theme") => {
                if let Some(theme) = field("theme").as_deref().and_then(Theme::parse) {
                    apply_theme(theme);
                }
            }
            // The host page's script may start after the first height was posted: it
            // says hello, and gets the height again.
            Some("dbx-check:hello") => on_parent_hello(),
            _ => {}
        }
    });
    Embedding {
        _observer: observer,
        _callback: Some(callback),
        _messages: Some(messages),
    }
}
