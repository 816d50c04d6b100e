//! A dialog's keys as one table: the same rows dispatch a key, draw the
//! dialog's hint line and list its keys in `?`, so a hint cannot promise a
//! key the dialog does not take.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key and the modifiers it needs (SHIFT is ignored: terminals disagree
/// on whether an upper-case letter carries it).
pub type Chord = (KeyCode, KeyModifiers);

/// One row of a dialog's key table.
pub struct Bind<A: 'static> {
    /// Every key that does it (aliases such as `q` for Esc included).
    pub keys: &'static [Chord],
    /// How the keys are written in the hint and in `?`; every key named
    /// here is one of `keys` (a test holds them together).
    pub label: &'static str,
    pub what: &'static str,
    /// Shown on the hint line and in `?` (an alias-only row is not).
    pub shown: bool,
    pub act: A,
}

/// The keys of one dialog (or of one of its stages).
pub struct Table<A: 'static> {
    /// The name `?` lists it under.
    pub name: &'static str,
    pub binds: &'static [Bind<A>],
}

pub const fn plain(code: KeyCode) -> Chord {
    (code, KeyModifiers::NONE)
}

pub const fn ch(c: char) -> Chord {
    (KeyCode::Char(c), KeyModifiers::NONE)
}

pub const fn ctrl(c: char) -> Chord {
    (KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub const ESC: Chord = plain(KeyCode::Esc);
pub const ENTER: Chord = plain(KeyCode::Enter);
pub const TAB: Chord = plain(KeyCode::Tab);
pub const BACKTAB: Chord = (KeyCode::BackTab, KeyModifiers::SHIFT);
pub const UP: Chord = plain(KeyCode::Up);
pub const DOWN: Chord = plain(KeyCode::Down);
pub const LEFT: Chord = plain(KeyCode::Left);
pub const RIGHT: Chord = plain(KeyCode::Right);
pub const PGUP: Chord = plain(KeyCode::PageUp);
pub const PGDN: Chord = plain(KeyCode::PageDown);
pub const END: Chord = plain(KeyCode::End);

/// A row shown in the hint and in `?`.
pub const fn bind<A>(
    keys: &'static [Chord],
    label: &'static str,
    what: &'static str,
    act: A,
) -> Bind<A> {
    Bind {
        keys,
        label,
        what,
        shown: true,
        act,
    }
}

/// A row that dispatches but is not listed (a second way to a listed act).
pub const fn alias<A>(keys: &'static [Chord], act: A) -> Bind<A> {
    Bind {
        keys,
        label: "",
        what: "",
        shown: false,
        act,
    }
}

/// For a row that moves both ways (`j/k`, `↑/↓`, `←/→`, `PgUp/PgDn`):
/// whether this key is the backward one.
pub fn backward(k: &KeyEvent) -> bool {
    matches!(
        k.code,
        KeyCode::Up
            | KeyCode::Left
            | KeyCode::PageUp
            | KeyCode::BackTab
            | KeyCode::Char('k')
            | KeyCode::Char('h')
    )
}

/// A cursor over `len` rows moved one row by a two-way key (`j/k`,
/// `↑/↓`): back or on, never past either end.
pub fn step(cursor: usize, len: usize, k: &KeyEvent) -> usize {
    if backward(k) {
        cursor.saturating_sub(1)
    } else {
        (cursor + 1).min(len.saturating_sub(1))
    }
}

/// For a row that scrolls: whether this key moves a page.
pub fn paging(k: &KeyEvent) -> bool {
    matches!(
        k.code,
        KeyCode::PageUp | KeyCode::PageDown | KeyCode::Char(' ')
    )
}

/// A reader's scroll after a scroll key: a line, or ten for a page.
pub fn scrolled(scroll: u16, k: &KeyEvent) -> u16 {
    let by = if paging(k) { 10 } else { 1 };
    if backward(k) {
        scroll.saturating_sub(by)
    } else {
        scroll.saturating_add(by)
    }
}

pub fn chord_matches(chord: &Chord, key: &KeyEvent) -> bool {
    let m = key.modifiers - KeyModifiers::SHIFT;
    let want = chord.1 - KeyModifiers::SHIFT;
    chord.0 == key.code && m == want
}

impl<A: Copy> Table<A> {
    /// What `key` does in this dialog, if anything.
    pub fn lookup(&self, key: &KeyEvent) -> Option<A> {
        self.binds
            .iter()
            .find(|b| b.keys.iter().any(|c| chord_matches(c, key)))
            .map(|b| b.act)
    }

    /// The hint line: the shown rows, in the table's order.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        self.binds
            .iter()
            .filter(|b| b.shown)
            .map(|b| (b.label, b.what))
            .collect()
    }
}

/// A table whatever its act type, for `?` and the tests.
pub trait AnyTable: Sync {
    fn name(&self) -> &'static str;
    fn hints(&self) -> Vec<(&'static str, &'static str)>;
    /// Each row: its keys, its label and whether it is shown.
    fn rows(&self) -> Vec<(&'static [Chord], &'static str, bool)>;
}

impl<A: Copy + Sync> AnyTable for Table<A> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn hints(&self) -> Vec<(&'static str, &'static str)> {
        Table::hints(self)
    }

    fn rows(&self) -> Vec<(&'static [Chord], &'static str, bool)> {
        self.binds
            .iter()
            .map(|b| (b.keys, b.label, b.shown))
            .collect()
    }
}

/// The keys a label names: `j/k`, `Esc/n`, `←/→ 1-5`, `^R`, `PgUp/PgDn`.
/// `None` for a word it does not know (the test then fails, naming it).
pub fn named_keys(label: &str) -> Option<Vec<Chord>> {
    let mut out = Vec::new();
    for word in label.split([' ', '/']).filter(|w| !w.is_empty()) {
        let one = match word {
            "Esc" => plain(KeyCode::Esc),
            "Enter" => plain(KeyCode::Enter),
            "Tab" => plain(KeyCode::Tab),
            "space" => ch(' '),
            "↑" => UP,
            "↓" => DOWN,
            "←" => LEFT,
            "→" => RIGHT,
            "PgUp" => PGUP,
            "PgDn" => PGDN,
            w if w.starts_with('^') && w.chars().count() == 2 => {
                ctrl(w.chars().nth(1)?.to_ascii_lowercase())
            }
            w if w.chars().count() == 1 => ch(w.chars().next()?),
            w if w.len() == 3 && w.as_bytes()[1] == b'-' => {
                let (a, b) = (w.as_bytes()[0], w.as_bytes()[2]);
                out.extend((a..=b).map(|c| ch(c as char)));
                continue;
            }
            _ => return None,
        };
        out.push(one);
    }
    Some(out)
}

/// What is wrong with a table, if anything: a key in two rows, a shown
/// row naming a key it does not dispatch, a row with no keys.
pub fn problems(t: &dyn AnyTable) -> Vec<String> {
    let mut out = Vec::new();
    let rows = t.rows();
    for (i, (keys, label, shown)) in rows.iter().enumerate() {
        if keys.is_empty() {
            out.push(format!("{}: a row with no keys", t.name()));
        }
        for (other, _, _) in &rows[i + 1..] {
            for k in *keys {
                let ev = KeyEvent::new(k.0, k.1);
                if other.iter().any(|c| chord_matches(c, &ev)) {
                    out.push(format!("{}: {k:?} is in two rows", t.name()));
                }
            }
        }
        if !shown {
            continue;
        }
        match named_keys(label) {
            None => out.push(format!(
                "{}: the label `{label}` names an unknown key",
                t.name()
            )),
            Some(named) => {
                for n in named {
                    let ev = KeyEvent::new(n.0, n.1);
                    if !keys.iter().any(|c| chord_matches(c, &ev)) {
                        out.push(format!(
                            "{}: `{label}` names {n:?}, which the row does not take",
                            t.name()
                        ));
                    }
                }
            }
        }
    }
    out
}
