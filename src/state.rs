//! The page's reducer: the core's `page::reduce` with the browser's clock. The state,
//! its actions and every transition live (and are tested) in `dbx_check_core::page`.

use dbx_check_core::page::{reduce, Action, PageState};
use std::rc::Rc;
use yew::Reducible;

/// The core's page state as a Yew reducer (a local type, since both the trait and the
/// state are defined elsewhere).
#[derive(Debug, Clone, PartialEq)]
pub struct Page(pub PageState);

impl Reducible for Page {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Page(reduce(&self.0, action, now_unix())))
    }
}

/// Seconds since the epoch, from the browser's clock (for JWT expiry).
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
