//! The staff console's bundle (console.html, served for `/staff…`).

fn main() {
    app::mount_console();
}
