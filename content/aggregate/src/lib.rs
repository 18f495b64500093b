//! The data pipeline beneath the public dashboards.
//!
//! A site exports de-identified records from its case system as CSV
//! ([`export`], the contract). [`synth`] writes realistic synthetic exports
//! so the demo and the tests never need real data. [`aggregate`] turns an
//! export into the figures the site publishes, and [`cell`] and
//! [`suppress`] make sure none of them singles a person out: small counts
//! are suppressed, and enough other cells with them that no suppressed count
//! can be recovered by adding and subtracting published figures; [`publish`]
//! replaces a program's last publication and says what changed. What it
//! publishes, and the shapes it writes, are the data contract's
//! (`lead-data`): the tables, dimensions, measures and vocabularies are
//! named there, not here.

pub mod aggregate;
pub mod cell;
pub mod declared;
pub mod export;
pub mod publish;
pub mod suppress;
pub mod synth;

/// The calendar and periods are part of the published-data contract.
pub use lead_data::calendar as date;
