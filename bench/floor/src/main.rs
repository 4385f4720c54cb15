//! The floor for `make bench`: one input, one button, one request, and nothing else, so
//! the page's bytes and time to interactive can be read against what any Yew page costs.

use gloo_net::http::Request;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
fn Floor() -> Html {
    let url = use_state(String::new);
    let status = use_state(String::new);

    let oninput = {
        let url = url.clone();
        Callback::from(move |event: InputEvent| {
            url.set(event.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onclick = {
        let url = url.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let url = (*url).clone();
            let status = status.clone();
            yew::platform::spawn_local(async move {
                let answer = match Request::get(&url).send().await {
                    Ok(response) => format!("HTTP {}", response.status()),
                    Err(error) => error.to_string(),
                };
                status.set(answer);
            });
        })
    };

    html! {
        <main>
            <input id="url" type="url" value={(*url).clone()} {oninput} />
            <button id="send" {onclick}>{ "Send" }</button>
            <p id="status">{ (*status).clone() }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<Floor>::new().render();
}
