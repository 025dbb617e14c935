//! The web app entry: Trunk builds this for wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    claimcheck::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("claimcheck-web is the browser build; run `claimcheck` for the CLI, or see README.md to serve the app");
    std::process::exit(2);
}
