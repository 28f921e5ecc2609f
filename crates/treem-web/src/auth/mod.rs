//! Accounts: passwords, sessions, API tokens, the login and password pages.

mod login;
pub mod password;
pub mod session;

pub use login::routes;
