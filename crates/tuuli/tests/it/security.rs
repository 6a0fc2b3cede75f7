//! Security and privacy: each test here failed before its fix (issue 6).

mod account;
mod erasure;
mod memberships;
mod misc;
mod people_rights;
mod signin;
