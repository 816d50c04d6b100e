//! Writes the README's pictures: `cargo run --example screenshots [DIR]`
//! (default `screenshots/`). The `screenshots` test fails when the files
//! there differ from what this draws.

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "screenshots".into());
    std::fs::create_dir_all(&dir)?;
    for (name, svg) in warroom::tui::screenshots::all() {
        let path = std::path::Path::new(&dir).join(name);
        std::fs::write(&path, svg)?;
        println!("{}", path.display());
    }
    Ok(())
}
