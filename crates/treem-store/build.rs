//! `sqlx::migrate!` embeds the migration folders when this crate is
//! compiled, and Cargo does not watch them by itself: a migration added
//! without a change to the Rust code would be left out of the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
