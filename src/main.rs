//! Mount only: everything the page shows comes from `dbx_check_web::App`.

fn main() {
    yew::Renderer::<dbx_check_web::App>::new().render();
}
