//! warroom: a terminal war-room console for incident response, and the
//! reference incident API server it talks to by default.

pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod model;
pub mod paths;
pub mod plain;
pub mod private_fs;
pub mod report;
pub mod server;
pub mod text;
pub mod tls;
pub mod tui;
