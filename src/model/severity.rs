use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// SEV1 is the worst. The derived order puts SEV1 first, which is the order an
/// incident commander wants to read a list in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "SEV1")]
    Sev1,
    #[serde(rename = "SEV2")]
    Sev2,
    #[serde(rename = "SEV3")]
    Sev3,
    #[serde(rename = "SEV4")]
    Sev4,
    #[serde(rename = "SEV5")]
    Sev5,
}

impl Severity {
    pub const ALL: [Severity; 5] = [Self::Sev1, Self::Sev2, Self::Sev3, Self::Sev4, Self::Sev5];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sev1 => "SEV1",
            Self::Sev2 => "SEV2",
            Self::Sev3 => "SEV3",
            Self::Sev4 => "SEV4",
            Self::Sev5 => "SEV5",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Sev1 => "critical",
            Self::Sev2 => "major",
            Self::Sev3 => "minor",
            Self::Sev4 => "low",
            Self::Sev5 => "informational",
        }
    }

    /// One step more severe (towards SEV1); `None` at SEV1.
    pub fn raised(self) -> Option<Severity> {
        let i = self.index();
        (i > 0).then(|| Self::ALL[i - 1])
    }

    /// One step less severe (towards SEV5); `None` at SEV5.
    pub fn lowered(self) -> Option<Severity> {
        Self::ALL.get(self.index() + 1).copied()
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl Severity {
    /// The severity an alert's `severity` label stands for: critical →
    /// SEV1, error/high → SEV2, warning → SEV3, low → SEV4, info → SEV5;
    /// anything else, or no label, SEV3.
    pub fn from_alert_label(v: Option<&str>) -> Severity {
        match v.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            Some("critical" | "page" | "sev1" | "p1") => Severity::Sev1,
            Some("error" | "high" | "major" | "sev2" | "p2") => Severity::Sev2,
            Some("warning" | "warn" | "medium" | "sev3" | "p3") => Severity::Sev3,
            Some("low" | "minor" | "sev4" | "p4") => Severity::Sev4,
            Some("info" | "informational" | "none" | "sev5" | "p5") => Severity::Sev5,
            _ => Severity::Sev3,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_uppercase();
        let t = t.strip_prefix("SEV").unwrap_or(&t);
        match t {
            "1" => Ok(Self::Sev1),
            "2" => Ok(Self::Sev2),
            "3" => Ok(Self::Sev3),
            "4" => Ok(Self::Sev4),
            "5" => Ok(Self::Sev5),
            _ => Err(format!("unknown severity `{s}` (expected SEV1..SEV5)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raise_and_lower_stop_at_the_ends() {
        assert_eq!(Severity::Sev2.raised(), Some(Severity::Sev1));
        assert_eq!(Severity::Sev1.raised(), None);
        assert_eq!(Severity::Sev4.lowered(), Some(Severity::Sev5));
        assert_eq!(Severity::Sev5.lowered(), None);
    }

    #[test]
    fn parses_loose_spellings() {
        assert_eq!("sev1".parse::<Severity>(), Ok(Severity::Sev1));
        assert_eq!("3".parse::<Severity>(), Ok(Severity::Sev3));
        assert!("SEV9".parse::<Severity>().is_err());
    }
}
