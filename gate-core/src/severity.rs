//! Severities normalised across tools: `critical|high|medium|low|info|unknown`.
//!
//! One table maps every tool's severity words (`WORDS`), SARIF levels (`SARIF_LEVELS`) and
//! CVSS base scores (`SCORE_BANDS`) onto [`Severity`]; CVSS v3.x and v4.0 vectors are scored
//! too (`cvss_base_score`, by the `cvss` crate) for tools that give a vector without a score (OSV). docs/severity.md
//! is rendered from these tables by `markdown_table`, and a test keeps it current.

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

/// Every severity, most severe first.
#[cfg(test)]
pub(crate) const ALL: [Severity; 6] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
    Severity::Unknown,
];

/// Severity words as scanners write them (compared without case and surrounding blanks), with
/// the tools that write each. A word not listed maps to `unknown`.
pub(crate) const WORDS: &[(&str, Severity, &str)] = &[
    (
        "critical",
        Severity::Critical,
        "Grype, Trivy, npm audit, OSV, CVSS rating",
    ),
    (
        "high",
        Severity::High,
        "Grype, Trivy, npm audit, OSV, CVSS rating",
    ),
    ("important", Severity::High, "Red Hat"),
    ("medium", Severity::Medium, "Grype, Trivy, CVSS rating"),
    ("moderate", Severity::Medium, "npm audit, GitHub (OSV)"),
    (
        "low",
        Severity::Low,
        "Grype, Trivy, npm audit, OSV, CVSS rating",
    ),
    ("negligible", Severity::Info, "Grype"),
    ("info", Severity::Info, "npm audit"),
    ("informational", Severity::Info, "various"),
    ("none", Severity::Info, "CVSS rating (score 0.0)"),
    ("unknown", Severity::Unknown, "Grype, Trivy"),
];

/// SARIF `level` values (used when a result has no `security-severity`).
pub(crate) const SARIF_LEVELS: &[(&str, Severity)] = &[
    ("error", Severity::High),
    ("warning", Severity::Medium),
    ("note", Severity::Low),
    ("none", Severity::Info),
];

/// CVSS v3/v4 qualitative rating scale: the lowest score of each band.
pub(crate) const SCORE_BANDS: &[(f64, Severity)] = &[
    (9.0, Severity::Critical),
    (7.0, Severity::High),
    (4.0, Severity::Medium),
    (0.1, Severity::Low),
    (0.0, Severity::Info),
];

impl Severity {
    /// Map a scanner's severity word (Grype, Trivy, npm, OSV, CVSS qualitative ratings).
    pub fn from_word(word: &str) -> Severity {
        let word = word.trim();
        WORDS
            .iter()
            .find(|(w, _, _)| w.eq_ignore_ascii_case(word))
            .map_or(Severity::Unknown, |(_, s, _)| *s)
    }

    /// Map a CVSS v3/v4 base score (or SARIF `security-severity`) per the CVSS rating scale.
    /// Scores are compared at one decimal, as CVSS writes them.
    pub fn from_score(score: f64) -> Severity {
        if !score.is_finite() || !(0.0..=10.0).contains(&score) {
            return Severity::Unknown;
        }
        let tenths = (score * 10.0).round();
        SCORE_BANDS
            .iter()
            .find(|(min, _)| tenths >= (min * 10.0).round())
            .map_or(Severity::Unknown, |(_, s)| *s)
    }

    /// A scanner's stated severity: its word when it gives one (blank counts as none), else its
    /// score, else `unknown`. A word it gives wins over a score, even an unrecognised word.
    pub fn from_word_or_score(word: Option<&str>, score: Option<f64>) -> Severity {
        match (stated_word(word), score) {
            (Some(w), _) => Severity::from_word(w),
            (None, Some(s)) => Severity::from_score(s),
            (None, None) => Severity::Unknown,
        }
    }

    /// Map a SARIF `level` (`error|warning|note|none`).
    pub fn from_sarif_level(level: &str) -> Severity {
        SARIF_LEVELS
            .iter()
            .find(|(l, _)| *l == level)
            .map_or(Severity::Unknown, |(_, s)| *s)
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

/// A scanner's severity word, trimmed; none when it is absent or blank.
pub(crate) fn stated_word(word: Option<&str>) -> Option<&str> {
    word.map(str::trim).filter(|w| !w.is_empty())
}

/// The base score of a CVSS v3.0, v3.1 or v4.0 vector (`CVSS:3.1/AV:N/AC:L/…`), computed by the
/// `cvss` crate. Temporal, threat, environmental and supplemental metrics are left out (they do
/// not change the base score). `None` for any other version, or a vector that does not give
/// every base metric exactly once with a known value.
pub(crate) fn cvss_base_score(vector: &str) -> Option<f64> {
    let mut parts = vector.trim().split('/');
    let version = parts.next()?;
    let base: &[&str] = match version {
        "CVSS:3.0" | "CVSS:3.1" => &["AV", "AC", "PR", "UI", "S", "C", "I", "A"],
        "CVSS:4.0" => &[
            "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
        ],
        _ => return None,
    };
    let mut kept = vec![version];
    let mut seen = std::collections::BTreeSet::new();
    for part in parts {
        let (metric, _) = part.split_once(':')?;
        if base.contains(&metric) {
            if !seen.insert(metric) {
                return None;
            }
            kept.push(part);
        }
    }
    if seen.len() != base.len() {
        return None;
    }
    let vector = kept.join("/");
    let score = if version == "CVSS:4.0" {
        vector.parse::<cvss::v4::Vector>().ok()?.score().value()
    } else {
        vector.parse::<cvss::v3::Base>().ok()?.score().value()
    };
    Some(score)
}

/// The severity table of docs/severity.md, rendered from [`WORDS`], [`SARIF_LEVELS`] and
/// [`SCORE_BANDS`].
#[cfg(test)]
pub(crate) fn markdown_table() -> String {
    let mut out = String::from(
        "| normalised | tool words (any case) | SARIF `level` (no score) | CVSS base score |\n|---|---|---|---|\n",
    );
    for sev in ALL {
        let words: Vec<String> = WORDS
            .iter()
            .filter(|(_, s, _)| *s == sev)
            .map(|(w, _, tools)| format!("`{w}` ({tools})"))
            .collect();
        let levels: Vec<String> = SARIF_LEVELS
            .iter()
            .filter(|(_, s)| *s == sev)
            .map(|(l, _)| format!("`{l}`"))
            .collect();
        let band = match SCORE_BANDS.iter().position(|(_, s)| *s == sev) {
            Some(p) => {
                let min = SCORE_BANDS.get(p).map_or(0.0, |(m, _)| *m);
                let upper = match p.checked_sub(1).and_then(|q| SCORE_BANDS.get(q)) {
                    Some((above, _)) => above - 0.1,
                    None => 10.0,
                };
                if min >= upper {
                    format!("{min:.1}")
                } else {
                    format!("{min:.1}–{upper:.1}")
                }
            }
            None => "— (no score, or outside 0–10)".to_owned(),
        };
        let dash = |v: Vec<String>| {
            if v.is_empty() {
                "—".to_owned()
            } else {
                v.join(", ")
            }
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {band} |\n",
            sev.as_str(),
            dash(words),
            dash(levels)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_from_every_tool_map() {
        assert_eq!(Severity::from_word("Critical"), Severity::Critical);
        assert_eq!(Severity::from_word("HIGH"), Severity::High);
        assert_eq!(Severity::from_word("Important"), Severity::High);
        assert_eq!(Severity::from_word("moderate"), Severity::Medium);
        assert_eq!(Severity::from_word(" Medium "), Severity::Medium);
        assert_eq!(Severity::from_word("low"), Severity::Low);
        assert_eq!(Severity::from_word("Negligible"), Severity::Info);
        assert_eq!(Severity::from_word("info"), Severity::Info);
        assert_eq!(Severity::from_word("NONE"), Severity::Info);
        assert_eq!(Severity::from_word("UNKNOWN"), Severity::Unknown);
        assert_eq!(Severity::from_word("bogus"), Severity::Unknown);
        assert_eq!(Severity::from_word(""), Severity::Unknown);
    }

    #[test]
    fn a_stated_word_wins_over_a_score() {
        let f = Severity::from_word_or_score;
        assert_eq!(f(Some("Low"), Some(9.8)), Severity::Low);
        assert_eq!(f(Some("bogus"), Some(9.8)), Severity::Unknown);
        assert_eq!(f(Some("  "), Some(9.8)), Severity::Critical);
        assert_eq!(f(None, Some(5.0)), Severity::Medium);
        assert_eq!(f(None, None), Severity::Unknown);
        assert_eq!(stated_word(Some(" High ")), Some("High"));
        assert_eq!(stated_word(Some(" ")), None);
    }

    #[test]
    fn cvss_rating_scale_boundaries() {
        assert_eq!(Severity::from_score(10.0), Severity::Critical);
        assert_eq!(Severity::from_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_score(8.9), Severity::High);
        assert_eq!(Severity::from_score(7.0), Severity::High);
        assert_eq!(Severity::from_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_score(4.0), Severity::Medium);
        assert_eq!(Severity::from_score(3.9), Severity::Low);
        assert_eq!(Severity::from_score(0.1), Severity::Low);
        assert_eq!(Severity::from_score(0.0), Severity::Info);
        assert_eq!(
            Severity::from_score(6.999_999_9),
            Severity::High,
            "one decimal, as written"
        );
        assert_eq!(Severity::from_score(f64::NAN), Severity::Unknown);
        assert_eq!(Severity::from_score(-1.0), Severity::Unknown);
        assert_eq!(Severity::from_score(10.5), Severity::Unknown);
    }

    #[test]
    fn sarif_levels_map() {
        assert_eq!(Severity::from_sarif_level("error"), Severity::High);
        assert_eq!(Severity::from_sarif_level("warning"), Severity::Medium);
        assert_eq!(Severity::from_sarif_level("note"), Severity::Low);
        assert_eq!(Severity::from_sarif_level("none"), Severity::Info);
        assert_eq!(Severity::from_sarif_level("Error"), Severity::Unknown);
    }

    #[test]
    fn order_is_by_severity() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info > Severity::Unknown);
        let mut sorted = ALL;
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(sorted, ALL);
    }

    #[test]
    fn cvss3_vectors_score_as_nvd_does() {
        // Scores as NVD publishes them for these vectors.
        let cases = [
            // CVE-2021-44228 (log4shell)
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            // CVE-2021-3121 (gogo/protobuf)
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H", 8.6),
            // debug ReDoS (GHSA-gxpj-cx7g-858c)
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N", 7.7),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 5.3),
            ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N", 4.7),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
        ];
        for (vector, want) in cases {
            assert_eq!(cvss_base_score(vector), Some(want), "{vector}");
        }
    }

    #[test]
    fn cvss4_vectors_score_as_the_first_calculator_does() {
        // FIRST's CVSS v4.0 calculator gives these base scores.
        let cases = [
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.3,
            ),
            // Threat and supplemental metrics are left out of the base score.
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/S:P",
                9.3,
            ),
        ];
        for (vector, want) in cases {
            assert_eq!(cvss_base_score(vector), Some(want), "{vector}");
        }
    }

    #[test]
    fn other_vectors_have_no_score() {
        for v in [
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L",
            "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",
            "CVSS:3.1/AVN",
            "",
        ] {
            assert_eq!(cvss_base_score(v), None, "{v}");
        }
    }

    /// docs/severity.md carries the table rendered from this module; regenerate with
    /// `UPDATE_DOCS=1 cargo test -p gate-core severity::tests`.
    #[test]
    fn documented_table_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/severity.md");
        let have = fs_err::read_to_string(&path).unwrap_or_default();
        let (start, end) = ("<!-- table:begin -->\n", "<!-- table:end -->");
        let want = markdown_table();
        let (Some(a), Some(b)) = (have.find(start), have.find(end)) else {
            panic!("docs/severity.md lacks the table markers");
        };
        let current = &have[a + start.len()..b];
        if current != want && std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{want}{}", &have[..a + start.len()], &have[b..]);
            fs_err::write(&path, updated).unwrap();
            return;
        }
        assert_eq!(
            current, want,
            "docs/severity.md is stale: run UPDATE_DOCS=1 cargo test -p gate-core severity::tests"
        );
    }
}
