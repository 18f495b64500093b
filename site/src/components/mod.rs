//! Building blocks shared by the pages, one component per file.

pub mod char_count;
pub mod confirmation;
pub mod emergency_notice;
pub mod error_summary;
pub mod intake_form;
pub mod intake_status;
pub mod not_fit;
pub mod privacy_notice;
pub mod progress_steps;
pub mod question_field;
pub mod review;
pub mod send_controls;
pub mod site_footer;
pub mod site_header;
pub mod step_fieldset;
