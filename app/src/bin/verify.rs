//! The verify bundle (verify.html, served for `/verify`): a certificate's QR code opens it.

fn main() {
    app::mount_verify();
}
