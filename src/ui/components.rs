//! The UI's components, one small file each.

pub mod checks_table;
pub mod claims_table;
pub mod copy_button;
pub mod diff_view;
pub mod error_text_input;
pub mod eval_time;
pub mod examples_menu;
pub mod findings;
pub mod notice;
pub mod policy_input;
pub mod sub_view;
pub mod suggestions;
pub mod text;
pub mod text_box;
pub mod theme_toggle;
pub mod token_input;
pub mod verdict;
