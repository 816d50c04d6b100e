//! Documents built from incidents for after the outage: the postmortem
//! draft, and the brief a commander hands over. Pure functions of the data; the server and CLI deliver them.

pub mod brief;
pub mod channels;
pub mod curated;
pub mod debrief;
pub mod markdown;
pub mod postmortem;
mod postmortem_state;
pub mod stats_text;
pub mod status_page;
pub mod update_cadence;
