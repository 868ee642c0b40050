//! Severities normalised across tools: `critical|high|medium|low|info|unknown`.
//!
//! The table (tool words and scores → level) is documented in docs/input-schema.md.

use serde::Serialize;

/// A normalised severity, ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The tool gave no usable severity.
    Unknown,
    /// Informational, negligible.
    Info,
    /// Low.
    Low,
    /// Medium, moderate.
    Medium,
    /// High, important.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Map a scanner's severity word (Grype, Trivy, npm, OSV, CVSS qualitative ratings).
    pub fn from_word(word: &str) -> Severity {
        match word.trim().to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" | "important" => Severity::High,
            "medium" | "moderate" => Severity::Medium,
            "low" => Severity::Low,
            "negligible" | "info" | "informational" | "none" => Severity::Info,
            _ => Severity::Unknown,
        }
    }

    /// Map a CVSS v3/v4 base score (or SARIF `security-severity`) per the CVSS rating scale.
    pub fn from_score(score: f64) -> Severity {
        if !score.is_finite() || score < 0.0 {
            Severity::Unknown
        } else if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        }
    }

    /// Map a SARIF `level` (`error|warning|note|none`).
    pub fn from_sarif_level(level: &str) -> Severity {
        match level {
            "error" => Severity::High,
            "warning" => Severity::Medium,
            "note" => Severity::Low,
            "none" => Severity::Info,
            _ => Severity::Unknown,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_from_every_tool_map() {
        assert_eq!(Severity::from_word("Critical"), Severity::Critical);
        assert_eq!(Severity::from_word("HIGH"), Severity::High);
        assert_eq!(Severity::from_word("moderate"), Severity::Medium);
        assert_eq!(Severity::from_word("Negligible"), Severity::Info);
        assert_eq!(Severity::from_word("UNKNOWN"), Severity::Unknown);
        assert_eq!(Severity::from_word("bogus"), Severity::Unknown);
    }

    #[test]
    fn cvss_rating_scale_boundaries() {
        assert_eq!(Severity::from_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_score(8.9), Severity::High);
        assert_eq!(Severity::from_score(7.0), Severity::High);
        assert_eq!(Severity::from_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_score(4.0), Severity::Medium);
        assert_eq!(Severity::from_score(0.1), Severity::Low);
        assert_eq!(Severity::from_score(0.0), Severity::Info);
        assert_eq!(Severity::from_score(f64::NAN), Severity::Unknown);
    }

    #[test]
    fn order_is_by_severity() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info > Severity::Unknown);
    }
}
