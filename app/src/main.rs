//! The applicant's bundle (index.html): every page but the staff console.

fn main() {
    app::mount_applicant();
}
