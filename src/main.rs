//! Mount only: everything the page shows comes from `dbx_check_web::App`.

fn main() {
    dbx_check_web::crash::install();
    let props = dbx_check_web::AppProps {
        address: dbx_check_web::address_from_location(),
    };
    yew::Renderer::<dbx_check_web::App>::with_props(props).render();
}
