use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The real value: what lands on the clipboard, even while the screen shows it masked.
    pub text: AttrValue,
    /// What is being copied, for the button's accessible name.
    pub what: AttrValue,
}

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Done,
    Refused,
}

/// Copies `text` with the asynchronous Clipboard API. In a cross-origin iframe this needs
/// `allow="clipboard-write"` on the frame; without it the browser refuses, and the
/// button says so instead of pretending.
#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let copied = use_state(|| Copied::Not);
    let onclick = {
        let copied = copied.clone();
        let text = props.text.clone();
        Callback::from(move |_| {
            let copied = copied.clone();
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&text);
            spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(if ok { Copied::Done } else { Copied::Refused });
            });
        })
    };
    let label = match *copied {
        Copied::Not => "Copy",
        Copied::Done => "Copied",
        Copied::Refused => "Copy refused: select and copy by hand",
    };
    html! {
        <button type="button" class="copy" aria-label={format!("Copy {}", props.what)} {onclick}>
            { label }
        </button>
    }
}
