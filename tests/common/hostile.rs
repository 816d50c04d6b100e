//! A corpus of hostile text for the places text leaves warroom (HTML,
//! XML, chat markup, e-mail headers): each must arrive as the words it is.

pub const CORPUS: &[&str] = &[
    "<script>document.title='owned'</script>",
    "<img src=x onerror=\"document.title='owned'\">",
    "\"><svg onload=alert(1)>",
    "]]><!-- --><x:y/>",
    "&amp; &lt;b&gt; already escaped",
    "<!channel> <!here> @here [link](https://evil.example)",
    "{{DATE(2017-02-14T06:08:39Z, SHORT)}} {{7*7}}",
    "line one\r\nBcc: everyone@example.com",
    "\u{1b}[2J\u{1b}]0;owned\u{7} \u{202E}txt.exe",
];

/// The corpus as one text (each piece on its own line).
pub fn all() -> String {
    CORPUS.join("\n")
}
