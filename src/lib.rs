//! The dbx-check page. Components render what `dbx_check_core` decides; they hold
//! no rules of their own.

mod components;
pub mod crash;
mod embed;
pub mod net;
mod state;

pub use components::app::{address_from_location, App, AppProps};
