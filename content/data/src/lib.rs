//! The contract of the published dashboard data, in one place for every
//! part that writes or reads it: the aggregation step (`lead-aggregate`)
//! writes it, the site draws it, the worker checks what a Community
//! Leadership Team member comments on against it.
//!
//! - [`lang`]: the languages the portal speaks.
//! - [`calendar`]: dates, months and the publication [`Period`]s, with their
//!   one text form (`all`, `2025`, `2025-Q1`, `2025-03`).
//! - [`vocab`]: the values of each published dimension, with their labels
//!   in English and Spanish.
//! - [`measures`]: the outcome measures a program declares in its content.
//! - [`tables`]: the dimensions, the measures and every published table.
//! - [`published`]: the published files (`cells.csv`, a JSON file per
//!   table) and the [`published::Figure`] a reader gets: a value or suppressed.
//! - [`paths`]: where a dashboard page and a chart's CSV are on the site.
//! - [`unit`]: what a figure measures, and how it is rounded and written.

pub mod calendar;
pub mod lang;
pub mod measures;
pub mod paths;
pub mod published;
pub mod tables;
pub mod unit;
pub mod vocab;

/// For [`vocabulary!`]: the enums it declares implement serde's traits.
#[doc(hidden)]
pub use serde;

pub use calendar::{Date, Month, Period};
pub use lang::Lang;
