//! Systems that feed incidents into the server.

pub mod alertmanager;
pub mod classify;
