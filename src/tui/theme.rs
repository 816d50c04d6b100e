//! Themes are data: TOML files naming a style per role. The built-ins are
//! compiled in; a user's `~/.config/warroom/themes/NAME.toml` wins over a
//! built-in of the same name, and any theme may inherit from a `parent`.

use std::collections::HashMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::model::Severity;

const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

/// What a style is for. Views ask for a role, never for a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Muted,
    Title,
    Border,
    BorderFocus,
    Selected,
    Key,
    Sev1,
    Sev2,
    Sev3,
    Sev4,
    Sev5,
    Status,
    Ok,
    Warn,
    Error,
    Stale,
    Pending,
    Forced,
    Alert,
    Done,
    Header,
}

impl Role {
    const ALL: [(Role, &'static str); 22] = [
        (Role::Text, "text"),
        (Role::Muted, "muted"),
        (Role::Title, "title"),
        (Role::Border, "border"),
        (Role::BorderFocus, "border_focus"),
        (Role::Selected, "selected"),
        (Role::Key, "key"),
        (Role::Sev1, "sev1"),
        (Role::Sev2, "sev2"),
        (Role::Sev3, "sev3"),
        (Role::Sev4, "sev4"),
        (Role::Sev5, "sev5"),
        (Role::Status, "status"),
        (Role::Ok, "ok"),
        (Role::Warn, "warn"),
        (Role::Error, "error"),
        (Role::Stale, "stale"),
        (Role::Pending, "pending"),
        (Role::Forced, "forced"),
        (Role::Alert, "alert"),
        (Role::Done, "done"),
        (Role::Header, "header"),
    ];

    fn from_name(name: &str) -> Option<Role> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(r, _)| *r)
    }
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    styles: HashMap<Role, Style>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    /// Optional: a theme is named by its file.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    /// Strip every colour (monochrome): only modifiers remain.
    #[serde(default)]
    mono: bool,
    #[serde(default)]
    styles: HashMap<String, StyleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    mods: Vec<String>,
}

fn parse_color(s: &str) -> Result<Color, String> {
    s.parse::<Color>()
        .map_err(|_| format!("`{s}` is not a colour"))
}

fn parse_mod(s: &str) -> Result<Modifier, String> {
    Ok(match s {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        _ => {
            return Err(format!(
                "`{s}` is not a modifier (bold, dim, italic, underlined, reversed, crossed_out)"
            ));
        }
    })
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }

    pub fn sev(&self, s: Severity) -> Style {
        self.style(match s {
            Severity::Sev1 => Role::Sev1,
            Severity::Sev2 => Role::Sev2,
            Severity::Sev3 => Role::Sev3,
            Severity::Sev4 => Role::Sev4,
            Severity::Sev5 => Role::Sev5,
        })
    }

    pub fn built_in_names() -> Vec<&'static str> {
        BUILT_IN.iter().map(|(n, _)| *n).collect()
    }

    /// Loads a theme by name: the user's folder first, then the built-ins.
    /// `no_color` (the NO_COLOR convention) strips every colour.
    pub fn load(name: &str, user_dir: Option<&Path>, no_color: bool) -> Result<Theme, String> {
        let mut t = Self::load_chain(name, user_dir, 0)?;
        if no_color {
            t.strip_colors();
            // Colour carried meaning; keep it readable without: take the
            // emphasis (bold, reverse…) the mono theme gives each role.
            let mono = Self::load_chain("mono", None, 0)?;
            for (role, style) in &mono.styles {
                t.styles.entry(*role).or_default().add_modifier = style.add_modifier;
            }
        }
        Ok(t)
    }

    fn source(name: &str, user_dir: Option<&Path>) -> Result<(String, String), String> {
        if let Some(dir) = user_dir {
            let p = dir.join(format!("{name}.toml"));
            if p.is_file() {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| format!("cannot read theme {}: {e}", p.display()))?;
                return Ok((p.display().to_string(), text));
            }
        }
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| (format!("built-in theme {n}"), t.to_string()))
            .ok_or_else(|| {
                format!(
                    "no theme named `{name}` (built in: {})",
                    Self::built_in_names().join(", ")
                )
            })
    }

    fn load_chain(name: &str, user_dir: Option<&Path>, depth: usize) -> Result<Theme, String> {
        if depth > 8 {
            return Err(format!("theme `{name}`: parent chain too deep (a loop?)"));
        }
        let (origin, text) = Self::source(name, user_dir)?;
        let file: ThemeFile = toml::from_str(&text).map_err(|e| format!("{origin}: {e}"))?;
        // A theme may set only some roles: the rest come from its parent,
        // and a theme that names none inherits the built-in default.
        let parent = file
            .parent
            .clone()
            .or_else(|| (name != "default").then(|| "default".to_string()));
        let mut theme = match &parent {
            Some(p) if p != name => Self::load_chain(p, user_dir, depth + 1)?,
            Some(p) => Self::load_chain(p, None, depth + 1)?,
            None => Theme {
                name: name.to_string(),
                styles: HashMap::new(),
            },
        };
        theme.name = file.name.unwrap_or_else(|| name.to_string());
        for (role_name, spec) in file.styles {
            let role = Role::from_name(&role_name)
                .ok_or_else(|| format!("{origin}: unknown style role `{role_name}`"))?;
            let mut style = Style::default();
            if let Some(fg) = &spec.fg {
                style = style
                    .fg(parse_color(fg).map_err(|e| format!("{origin}: {role_name}.fg: {e}"))?);
            }
            if let Some(bg) = &spec.bg {
                style = style
                    .bg(parse_color(bg).map_err(|e| format!("{origin}: {role_name}.bg: {e}"))?);
            }
            for m in &spec.mods {
                style = style.add_modifier(
                    parse_mod(m).map_err(|e| format!("{origin}: {role_name}.mods: {e}"))?,
                );
            }
            theme.styles.insert(role, style);
        }
        if file.mono {
            theme.strip_colors();
        }
        Ok(theme)
    }

    fn strip_colors(&mut self) {
        for s in self.styles.values_mut() {
            s.fg = None;
            s.bg = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_parses_and_styles_every_role() {
        for name in Theme::built_in_names() {
            let t = Theme::load(name, None, false).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (role, rname) in Role::ALL {
                assert!(
                    t.styles.contains_key(&role),
                    "{name} has no style for {rname}"
                );
            }
        }
    }

    #[test]
    fn no_color_strips_colours_but_keeps_emphasis() {
        let t = Theme::load("default", None, true).unwrap();
        assert!(t.styles.values().all(|s| s.fg.is_none() && s.bg.is_none()));
        assert!(
            t.style(Role::Stale)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }

    #[test]
    fn a_user_theme_inherits_and_errors_name_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "name = \"mine\"\nparent = \"default\"\n[styles]\ntitle = { fg = \"#ff8800\" }",
        )
        .unwrap();
        let t = Theme::load("mine", Some(dir.path()), false).unwrap();
        assert_eq!(t.style(Role::Title).fg, Some(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(
            t.style(Role::Sev1),
            Theme::load("default", None, false)
                .unwrap()
                .style(Role::Sev1)
        );
        std::fs::write(
            dir.path().join("bad.toml"),
            "name = \"bad\"\n[styles]\ntitel = { fg = \"red\" }",
        )
        .unwrap();
        let e = Theme::load("bad", Some(dir.path()), false).unwrap_err();
        assert!(e.contains("titel"), "{e}");
        assert!(
            Theme::load("nope", None, false)
                .unwrap_err()
                .contains("built in")
        );
    }
}

/// The five severity badges and the selection bar: what must never be
/// mistaken for one another, in any theme.
#[cfg(test)]
const BADGES: [Role; 6] = [
    Role::Sev1,
    Role::Sev2,
    Role::Sev3,
    Role::Sev4,
    Role::Sev5,
    Role::Selected,
];

#[cfg(test)]
mod partial_theme_tests {
    use super::*;

    /// In every theme, with and without colour, the five severities and
    /// the selection bar are pairwise different: an IC scanning the list
    /// must never mistake one for another.
    #[test]
    fn severities_and_the_selection_are_distinguishable_in_every_theme() {
        let roles = BADGES;
        for name in Theme::built_in_names() {
            for no_color in [false, true] {
                let t = Theme::load(name, None, no_color).unwrap();
                for (i, a) in roles.iter().enumerate() {
                    for b in &roles[i + 1..] {
                        assert_ne!(
                            t.style(*a),
                            t.style(*b),
                            "{name} (no colour: {no_color}): {a:?} looks like {b:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_theme_may_set_only_some_roles_and_need_not_name_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "[styles]\nsev1 = { fg = \"magenta\", mods = [\"bold\"] }\n",
        )
        .unwrap();
        let t = Theme::load("mine", Some(dir.path()), false).unwrap();
        assert_eq!(t.name, "mine");
        let base = Theme::load("default", None, false).unwrap();
        assert_ne!(t.style(Role::Sev1), base.style(Role::Sev1));
        assert_eq!(
            t.style(Role::Selected),
            base.style(Role::Selected),
            "the rest inherited"
        );
    }
}

#[cfg(test)]
mod colour_vision_tests {
    use super::*;

    /// Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
    const DEFICIENCIES: [(&str, [[f64; 3]; 3]); 3] = [
        (
            "protanopia",
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        ),
        (
            "deuteranopia",
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
        ),
        (
            "tritanopia",
            [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        ),
    ];

    fn linear(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// CIE L*a*b* (D65) of a linear RGB colour.
    fn lab([r, g, b]: [f64; 3]) -> [f64; 3] {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    fn seen(c: Color, m: Option<&[[f64; 3]; 3]>) -> [f64; 3] {
        let Color::Rgb(r, g, b) = c else {
            panic!("the colour-blind theme names exact colours, not {c:?}")
        };
        let v = [linear(r), linear(g), linear(b)];
        let v = match m {
            None => v,
            Some(m) => {
                let row =
                    |i: usize| (m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]).clamp(0.0, 1.0);
                [row(0), row(1), row(2)]
            }
        };
        lab(v)
    }

    /// The five severity badges and the selection bar stay at least a
    /// clearly visible difference apart (ΔE*76 ≥ 20) for normal vision
    /// and each of the three common deficiencies.
    #[test]
    fn the_colorblind_theme_keeps_severities_apart_under_every_common_deficiency() {
        let t = Theme::load("colorblind", None, false).unwrap();
        let roles = BADGES;
        let bg = |r: Role| t.style(r).bg.expect("a badge colour");
        let visions = std::iter::once(("normal", None))
            .chain(DEFICIENCIES.iter().map(|(n, m)| (*n, Some(m))));
        for (vision, m) in visions {
            for (i, a) in roles.iter().enumerate() {
                for b in &roles[i + 1..] {
                    let (la, lb) = (seen(bg(*a), m), seen(bg(*b), m));
                    let de = ((la[0] - lb[0]).powi(2)
                        + (la[1] - lb[1]).powi(2)
                        + (la[2] - lb[2]).powi(2))
                    .sqrt();
                    assert!(
                        de >= 20.0,
                        "{vision}: {a:?} and {b:?} only ΔE {de:.1} apart"
                    );
                }
            }
        }
    }
}
