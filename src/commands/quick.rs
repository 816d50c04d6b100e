//! `warroom list` and `warroom show`: quick looks for scripts and shells.
//! Every backend string is already sanitized by the client; widths are
//! measured in terminal cells so columns line up.

use crate::cli::BackendArgs;
use crate::client::Fetched;
use crate::config::Config;
use crate::model::IncidentId;
use crate::text::{one_line, pad};
use crate::tui::view::fmt::age;

use super::backend;

pub fn list(args: BackendArgs, all: bool, json: bool) -> Result<(), String> {
    let config = Config::load_default()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args, &config).await?;
        let r = c.reader.list(all, None).await.map_err(|e| e.to_string());
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        let Fetched::Fresh { value, .. } = r? else {
            return Err("unexpected 304".into());
        };
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&value.incidents).map_err(|e| e.to_string())?
            );
            return Ok(());
        }
        let now = chrono::Utc::now();
        println!(
            "{} {} {} {} {} TITLE",
            pad("SEV", 5),
            pad("ID", 8),
            pad("STATUS", 13),
            pad("AGE", 7),
            pad("IC", 12)
        );
        for i in &value.incidents {
            println!(
                "{} {} {} {} {} {}",
                pad(i.severity.as_str(), 5),
                pad(&i.id.to_string(), 8),
                pad(i.status.as_str(), 13),
                pad(&age(i.age(now)), 7),
                pad(i.commander.as_deref().unwrap_or("-"), 12),
                one_line(&i.title, 100)
            );
        }
        if value.incidents.is_empty() {
            eprintln!("no {}incidents", if all { "" } else { "active " });
        }
        Ok(())
    })
}

pub fn show(id: &str, args: BackendArgs, json: bool) -> Result<(), String> {
    let id: IncidentId = id
        .parse()
        .map_err(|e: crate::model::ParseIdError| e.to_string())?;
    let config = Config::load_default()?;
    super::runtime()?.block_on(async {
        let c = backend::resolve(&args, &config).await?;
        let r = c.reader.detail(id, None).await.map_err(|e| e.to_string());
        if let Some(s) = c.embedded {
            s.stop().await;
        }
        let Fetched::Fresh { value: d, .. } = r? else {
            return Err("unexpected 304".into());
        };
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&d).map_err(|e| e.to_string())?
            );
            return Ok(());
        }
        let i = &d.incident;
        let now = chrono::Utc::now();
        println!("{} {} {}", i.id, i.severity, one_line(&i.title, 200));
        println!("status     {} (open {})", i.status, age(i.age(now)));
        println!("service    {}", one_line(&i.service, 80));
        println!(
            "commander  {}",
            i.commander
                .as_deref()
                .map_or("-".into(), |c| one_line(c, 60))
        );
        if !i.summary.is_empty() {
            println!("summary    {}", one_line(&i.summary, 400));
        }
        println!("\nresponders");
        for r in &d.responders {
            println!(
                "  {} {} {} ({} ago)",
                pad(r.role.short(), 7),
                pad(&r.handle, 16),
                pad(r.state.as_str(), 13),
                age(now - r.since)
            );
        }
        if let Some(c) = d.current_checklist() {
            let (done, total) = c.progress();
            println!("\nchecklist: {} {done}/{total}", c.phase);
            for it in &c.items {
                let mark = if it.is_done() { "[x]" } else { "[ ]" };
                let by = it
                    .done_by
                    .as_deref()
                    .map(|b| format!(" ({})", one_line(b, 20)))
                    .unwrap_or_default();
                println!("  {mark} {}{by}", one_line(&it.text, 100));
            }
        }
        println!("\ntimeline");
        for e in &d.timeline {
            println!(
                "  {} {} {} {}",
                e.at.format("%Y-%m-%d %H:%M:%S"),
                pad(&e.author, 12),
                pad(e.kind.tag(), 8),
                one_line(&e.kind.describe(), 300)
            );
        }
        Ok(())
    })
}
