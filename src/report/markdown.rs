//! Text from incidents, made safe to put in a Markdown document: whatever
//! a note holds, it stays inside the paragraph or list item it is quoted
//! in and cannot open a heading, a link, raw HTML or a code block.

/// Escapes one piece of inline text. Every character CommonMark could
/// read as structure is backslash-escaped (`<` and `&` become entities, so
/// no HTML is ever produced); line breaks become hard breaks indented by
/// `indent` so the text stays in its list item; blank lines are dropped so
/// it stays one paragraph.
pub fn inline(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    // Controls shown, not sent; CR, LS and PS become the line breaks they
    // would be anyway, so a lone CR cannot start a forged line.
    crate::text::clean_document(text)
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(escape_line)
        .collect::<Vec<_>>()
        .join(&format!("\\\n{pad}"))
}

fn escape_line(line: &str) -> String {
    let line = line.trim_start();
    let mut out = String::with_capacity(line.len() + 8);
    // What could start a block at the beginning of a line: a list, a
    // quote, a thematic break or setext underline, an ordered list.
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    for (n, c) in line.chars().enumerate() {
        let block_start = (n == 0 && matches!(c, '-' | '+' | '='))
            || (n == digits && digits > 0 && matches!(c, '.' | ')'));
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Emphasis, code, links, headings, tables, strikethrough,
            // escapes: anywhere in the line.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ if block_start => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_in_text_is_escaped_and_lines_stay_in_the_item() {
        let s = inline(
            "# not a heading\n\n- not a list\n<script>x</script> [a](b)",
            2,
        );
        assert!(!s.contains("\n\n"), "{s}");
        assert!(s.starts_with("\\# not"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(s.contains("\\\n  \\- not a list"), "{s}");
        assert!(s.contains("\\[a\\](b)"), "{s}");
        assert_eq!(inline("1. one\n2) two", 0), "1\\. one\\\n2\\) two");
    }

    proptest::proptest! {
        /// Whatever a note holds, quoted in a list item it stays one list
        /// item of one paragraph: no heading, HTML, link, code block or
        /// second item appears.
        #[test]
        fn any_text_stays_inside_its_list_item(text in "[-+=#>*_`~|\\[\\]()<>!&0-9. a-z\n]{0,80}") {
            use pulldown_cmark::{Event, Options, Parser, Tag};
            let md = format!("- **who**: {}\n", inline(&text, 2));
            let mut items = 0;
            for ev in Parser::new_ext(&md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
                match ev {
                    Event::Start(Tag::Item) => items += 1,
                    Event::Start(Tag::Heading { .. } | Tag::Link { .. } | Tag::Image { .. }
                        | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::Table(_)
                        | Tag::Strikethrough | Tag::Emphasis) => {
                        proptest::prop_assert!(false, "structure from {text:?}: {md}");
                    }
                    Event::Html(_) | Event::InlineHtml(_) | Event::Rule | Event::Code(_) => {
                        proptest::prop_assert!(false, "structure from {text:?}: {md}");
                    }
                    _ => {}
                }
            }
            proptest::prop_assert_eq!(items, 1, "{}", md);
        }
    }
}
