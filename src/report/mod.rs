//! Documents built from incidents for after the outage: the postmortem
//! draft. Pure functions of the data; the server and CLI deliver them.

pub mod markdown;
pub mod postmortem;
pub mod stats_text;
