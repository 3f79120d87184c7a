pub mod apply;
pub mod check;
pub mod done;
pub mod guide;
pub mod home;
pub mod not_found;
pub mod review;
pub mod track;
