//! Mount only: everything the page shows comes from `dbx_check_web::App`.

// Talc in place of the standard library's dlmalloc: the same GlobalAlloc contract with
// less code in the page (measured by `make size`; figures in the commit message).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    dbx_check_web::crash::install();
    let props = dbx_check_web::AppProps {
        address: dbx_check_web::address_from_location(),
    };
    yew::Renderer::<dbx_check_web::App>::with_props(props).render();
}
