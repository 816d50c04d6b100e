//! The public status page as a document: HTML that needs no JavaScript
//! (readable on a phone, light and dark, with landmarks and headings a
//! screen reader can walk), and an Atom feed of the public updates. Every
//! text is escaped for where it lands; the links between the three
//! (`status`, `status.json`, `status.atom`) are relative, so the same
//! files work served by warroom or copied anywhere.

use chrono::{DateTime, Utc};

use crate::model::public::{PublicIncident, PublicState, PublicUpdate, StatusPage};
use crate::model::state_doc::Condition;
use crate::text::escape::html;

/// Entries in the Atom feed, at most (the newest public updates).
pub const MAX_FEED_ENTRIES: usize = 50;

/// The file names of the exported site, and the links between them.
pub const HTML_FILE: &str = "index.html";
pub const JSON_FILE: &str = "status.json";
pub const ATOM_FILE: &str = "status.atom";

const STYLE: &str = "\
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;\
--ok:#1a7f37;--deg:#9a6700;--part:#bc4c00;--major:#cf222e;--on:#fff}\
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;\
--line:#30363d;--ok:#3fb950;--deg:#d29922;--part:#f0883e;--major:#f85149;--on:#0d1117}}\
*{box-sizing:border-box}\
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,sans-serif}\
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}main{padding-top:0}\
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}\
h3{font-size:1.05rem;margin:0}\
.banner{border-radius:.5rem;padding:.75rem 1rem;font-weight:600;color:var(--on);margin:.5rem 0 0}\
.operational{background:var(--ok)}.degraded{background:var(--deg)}\
.partial_outage{background:var(--part)}.major_outage{background:var(--major)}\
ul.components{list-style:none;padding:0;margin:0;border:1px solid var(--line);border-radius:.5rem}\
ul.components li{display:flex;justify-content:space-between;gap:1rem;padding:.5rem 1rem;\
border-top:1px solid var(--line)}ul.components li:first-child{border-top:0}\
.cond{font-weight:600}.cond.operational{color:var(--ok);background:none}\
.cond.degraded{color:var(--deg);background:none}.cond.partial_outage{color:var(--part);background:none}\
.cond.major_outage{color:var(--major);background:none}\
article{border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:.75rem 0}\
ol.updates{list-style:none;padding:0;margin:.5rem 0 0}ol.updates li{margin:.75rem 0}\
.state{font-weight:600}.meta,footer{color:var(--muted);font-size:.9rem}\
p.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0}\
a{color:inherit}";

fn class(c: Condition) -> &'static str {
    match c {
        Condition::Operational => "operational",
        Condition::Degraded => "degraded",
        Condition::PartialOutage => "partial_outage",
        Condition::MajorOutage => "major_outage",
    }
}

fn banner(c: Condition) -> &'static str {
    match c {
        Condition::Operational => "All systems operational",
        Condition::Degraded => "Degraded performance",
        Condition::PartialOutage => "Partial outage",
        Condition::MajorOutage => "Major outage",
    }
}

fn time(at: DateTime<Utc>) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at.format("%b %-d, %H:%M UTC")
    )
}

fn update(out: &mut String, u: &PublicUpdate) {
    out.push_str(&format!(
        "<li><span class=\"state\">{}</span> <span class=\"meta\">{}</span>\
         <p class=\"text\">{}</p>",
        u.state.as_str(),
        time(u.at),
        html(&u.text, true)
    ));
    if let Some(d) = &u.data_loss {
        out.push_str(&format!(
            "<p class=\"text\"><strong>Data loss and lingering impact:</strong> {}</p>",
            html(d, true)
        ));
    }
    out.push_str("</li>");
}

fn incident(out: &mut String, e: &PublicIncident) {
    let heading = format!("{}-title", e.id.to_ascii_lowercase());
    out.push_str(&format!(
        "<article aria-labelledby=\"{heading}\"><h3 id=\"{heading}\">{}</h3>\
         <p class=\"meta\">{} · began {}{}</p>",
        html(&e.title, false),
        e.state.as_str(),
        time(e.started_at),
        e.resolved_at
            .map(|r| format!(" · resolved {}", time(r)))
            .unwrap_or_default()
    ));
    if !e.components.is_empty() {
        let names: Vec<String> = e
            .components
            .iter()
            .map(|c| format!("{} ({})", html(&c.name, false), c.condition))
            .collect();
        out.push_str(&format!(
            "<p class=\"meta\">Affects: {}</p>",
            names.join(", ")
        ));
    }
    if e.updates.is_empty() {
        out.push_str("<p class=\"meta\">No update has been posted yet.</p>");
    } else {
        out.push_str("<ol class=\"updates\" reversed>");
        for u in &e.updates {
            update(out, u);
        }
        out.push_str("</ol>");
    }
    if e.earlier_updates > 0 {
        out.push_str(&format!(
            "<p class=\"meta\">{} earlier update{} not shown.</p>",
            e.earlier_updates,
            if e.earlier_updates == 1 { "" } else { "s" }
        ));
    }
    out.push_str("</article>");
}

/// The page as HTML.
pub fn to_html(p: &StatusPage) -> String {
    let title = html(&p.title, false);
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(&format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title}</title>\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"{title}\" href=\"{ATOM_FILE}\">\
         <style>{STYLE}</style></head><body>\
         <header><h1>{title}</h1>\
         <p class=\"banner {}\" role=\"status\">{}</p></header><main>",
        class(p.overall),
        banner(p.overall)
    ));
    out.push_str("<section aria-labelledby=\"components\"><h2 id=\"components\">Components</h2>");
    if p.components.is_empty() {
        out.push_str("<p class=\"meta\">No components are listed.</p>");
    } else {
        out.push_str("<ul class=\"components\">");
        for c in &p.components {
            out.push_str(&format!(
                "<li><span>{}</span><span class=\"cond {}\">{}</span></li>",
                html(&c.name, false),
                class(c.condition),
                crate::text::one_line(&capital(c.condition.as_str()), 40)
            ));
        }
        out.push_str("</ul>");
    }
    out.push_str(
        "</section><section aria-labelledby=\"active\"><h2 id=\"active\">Current incidents</h2>",
    );
    if p.active.is_empty() {
        out.push_str("<p>No incidents are in progress.</p>");
    }
    for e in &p.active {
        incident(&mut out, e);
    }
    out.push_str(&format!(
        "</section><section aria-labelledby=\"history\"><h2 id=\"history\">Past incidents \
         (last {} days)</h2>",
        p.history_days
    ));
    if p.history.is_empty() {
        out.push_str("<p>No incidents in this period.</p>");
    }
    for e in &p.history {
        incident(&mut out, e);
    }
    out.push_str(&format!(
        "</section></main><footer><p>Updated {}. Also as <a href=\"{JSON_FILE}\">JSON</a> and \
         an <a href=\"{ATOM_FILE}\">Atom feed</a>.</p></footer></body></html>\n",
        time(p.generated_at)
    ));
    out
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The public updates as an Atom feed (RFC 4287), newest first.
pub fn to_atom(p: &StatusPage, feed_id: &str) -> String {
    let mut entries: Vec<(&PublicIncident, &PublicUpdate)> = p
        .active
        .iter()
        .chain(&p.history)
        .flat_map(|e| e.updates.iter().map(move |u| (e, u)))
        .collect();
    entries.sort_by_key(|(_, u)| std::cmp::Reverse(u.at));
    entries.truncate(MAX_FEED_ENTRIES);
    let stamp = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let updated = entries.first().map_or(p.generated_at, |(_, u)| u.at);
    let id = html(feed_id, false);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{}</title><id>{id}</id>\
         <updated>{}</updated><author><name>{}</name></author>\n",
        html(&p.title, false),
        stamp(updated),
        html(&p.title, false),
    );
    for (e, u) in entries {
        let mut text = u.text.clone();
        if let Some(d) = &u.data_loss {
            text.push_str(&format!("\n\nData loss and lingering impact: {d}"));
        }
        out.push_str(&format!(
            "<entry><id>{id}:{}:{}</id><title>{}: {}</title><updated>{}</updated>\
             <content type=\"text\">{}</content></entry>\n",
            html(&e.id, false),
            u.seq,
            state_word(u.state),
            html(&e.title, false),
            stamp(u.at),
            html(&text, true)
        ));
    }
    out.push_str("</feed>\n");
    out
}

fn state_word(s: PublicState) -> &'static str {
    s.as_str()
}
