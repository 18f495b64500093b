//! The contract of the published dashboard data, in one place for every
//! part that writes or reads it: the aggregation step (`lead-aggregate`)
//! writes it, the site draws it, the worker checks what a Community
//! Leadership Team member comments on against it.
//!
//! - [`calendar`]: dates, months and the publication [`Period`]s, with their
//!   one text form (`all`, `2025`, `2025-Q1`, `2025-03`).
//! - [`paths`]: where a dashboard page and a chart's CSV are on the site.

pub mod calendar;
pub mod paths;

pub use calendar::{Date, Month, Period};
