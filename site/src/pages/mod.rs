//! One component per page the prerenderer writes.

pub mod intake_page;
pub mod language_page;
pub mod not_found_page;
pub mod poster_page;
pub mod sent_page;
