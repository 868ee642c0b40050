//! istanbul's `json-summary` report (`coverage-summary.json`), as c8, nyc, jest and vitest
//! write it.
//!
//! One file per key other than `total` (the key is the file's path); each metric —
//! `lines`, `statements`, `functions`, `branches` — is `{total, covered, skipped, pct}`. The
//! summary gives figures only, not which lines ran, so its files are never united with another
//! report's (see `input::coverage`). `branchesTrue` and other keys gate does not use are
//! skipped.
//!
//! The `total` entry must equal the sum of the files, metric by metric, and every `pct` must
//! agree with its `covered` of `total` (within the rounding istanbul does; `"Unknown"` or 100
//! where the total is 0): a summary that disagrees with itself is refused, naming the entry.
//! Refused too: a count that is not a whole number from 0 to `MAX_COUNT`, a `covered` above
//! its `total`, a duplicate key, and a summary without `total`.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::Deserialize;

use super::common::positions;
use super::coverage::{hits_of, total_disagrees, MAX_COUNT, RATE_TOLERANCE};
use super::format::{object, Claim, Format, Probe};
use super::{Facts, Kind, Parsed};
use crate::input::coverage::{normalise_path, CoverageData, FileData, Hits, Measured};
use crate::input::Producer;
use crate::source::json;
use crate::source::xml::clip;
use crate::EvidenceError;

impl Kind {
    /// istanbul `coverage-summary.json`.
    #[allow(non_upper_case_globals)]
    pub const IstanbulSummary: Kind = Kind("istanbul-summary");
}

/// istanbul json-summary: an object with `total`, whose every value is an object.
pub(crate) struct IstanbulSummaryFormat;

impl Format for IstanbulSummaryFormat {
    fn kind(&self) -> Kind {
        Kind::IstanbulSummary
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        // Every value of the top level is an object (a scalar value would be named), and
        // `total` is one of the keys.
        Claim::when(
            object(probe).is_some_and(|p| p.has("total") && p.keys.values().all(Option::is_none)),
        )
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The metrics of one entry.
#[derive(Debug, Deserialize)]
struct Entry {
    lines: Option<Metric>,
    statements: Option<Metric>,
    functions: Option<Metric>,
    branches: Option<Metric>,
}

#[derive(Debug, Deserialize)]
struct Metric {
    total: u64,
    covered: u64,
    #[allow(dead_code)] // Read to refuse what is not a count.
    skipped: Option<u64>,
    pct: Option<Pct>,
}

/// A `pct`: a number, or `"Unknown"` (older istanbul, for a total of 0).
#[derive(Debug, Clone, Copy)]
enum Pct {
    Number(f64),
    Unknown,
}

impl<'de> Deserialize<'de> for Pct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Pct;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage or \"Unknown\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Pct, E> {
                Ok(Pct::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Pct, E> {
                Ok(Pct::Number(v as f64))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Pct, E> {
                Ok(Pct::Number(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Pct, E> {
                if v == "Unknown" {
                    Ok(Pct::Unknown)
                } else {
                    Err(E::custom(format_args!(
                        "invalid pct \"{}\", expected a percentage or \"Unknown\"",
                        clip(v, 40)
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// The top level: entries in document order, a duplicate key refused.
struct Entries(Vec<(String, Entry)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of coverage summaries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut seen = BTreeSet::new();
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate JSON key `{}`",
                            clip(&key, 80)
                        )));
                    }
                    let entry = map.next_value::<Entry>()?;
                    out.push((key, entry));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The metric names in the order gate reports them.
const METRICS: [&str; 4] = ["lines", "statements", "functions", "branches"];

impl Entry {
    fn metrics(&self) -> [Option<&Metric>; 4] {
        [
            self.lines.as_ref(),
            self.statements.as_ref(),
            self.functions.as_ref(),
            self.branches.as_ref(),
        ]
    }
}

/// Read an istanbul `coverage-summary.json`.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let Entries(entries) = json::parse(text)?;
    let pointers: Vec<String> = entries
        .iter()
        .flat_map(|(key, _)| {
            let base = json::push_pointer("", key);
            std::iter::once(base.clone())
                .chain(METRICS.iter().map(move |m| json::push_pointer(&base, m)))
        })
        .collect();
    let at = positions(text, &pointers);
    let place = |pointer: &str| {
        let s = at.source(id, pointer.to_owned());
        s.line.zip(s.column)
    };
    let mut total: Option<&Entry> = None;
    let mut sums = [(0u64, 0u64, false); 4];
    let mut data = CoverageData::new(
        id,
        Kind::IstanbulSummary.as_str(),
        "istanbul",
        at.source(id, "/total".to_owned()),
    );
    for (key, entry) in &entries {
        let base = json::push_pointer("", key);
        let mut figures: [Option<Hits>; 4] = [None; 4];
        for (i, (name, metric)) in METRICS.iter().zip(entry.metrics()).enumerate() {
            let Some(m) = metric else { continue };
            let pointer = json::push_pointer(&base, name);
            let h = check_metric(m, &format!("`{}`", clip(&pointer, 100)), place(&pointer))?;
            if let Some(slot) = figures.get_mut(i) {
                *slot = Some(h);
            }
        }
        if key == "total" {
            total = Some(entry);
            continue;
        }
        for (sum, h) in sums.iter_mut().zip(figures) {
            if let Some(h) = h {
                sum.0 += h.covered;
                sum.1 += h.total;
                sum.2 = true;
            }
        }
        let [lines, statements, functions, branches] = figures.map(|h| h.map(Measured::Figure));
        let mut file = FileData::new(normalise_path(key), at.source(id, base));
        file.lines = lines;
        file.statements = statements;
        file.functions = functions;
        file.branches = branches;
        data.files.push(file);
    }
    let total = total.ok_or_else(|| {
        EvidenceError::new("not an istanbul coverage summary: there is no `total` entry")
    })?;
    for ((name, metric), (covered, all, any)) in METRICS.iter().zip(total.metrics()).zip(sums) {
        let pointer = format!("/total/{name}");
        let stated = metric.map(|m| (m.covered, m.total));
        let found = any.then_some((covered, all));
        // No file measures a metric the total states as nothing: the same.
        if stated.unwrap_or((0, 0)) != found.unwrap_or((0, 0)) {
            let words = |f: Option<(u64, u64)>| match f {
                Some((c, t)) => format!("{c} covered of {t}"),
                None => "nothing".to_owned(),
            };
            return Err(total_disagrees(
                &format!("`{pointer}`"),
                &words(stated),
                &words(found),
                place(&pointer),
            ));
        }
    }
    Ok(Parsed {
        format_version: None,
        producer: Producer {
            name: "istanbul".to_owned(),
            version: None,
        },
        facts: Facts {
            coverage: Some(data),
            ..Facts::default()
        },
        ..Parsed::default()
    })
}

/// A metric's counts are counts, covered is at most total, and `pct` agrees.
fn check_metric(m: &Metric, what: &str, at: Option<(usize, usize)>) -> Result<Hits, EvidenceError> {
    let locate = |e: EvidenceError| match at {
        Some((line, column)) => EvidenceError::at(e.message, line, column),
        None => e,
    };
    for (field, v) in [("total", m.total), ("covered", m.covered)] {
        if v > MAX_COUNT {
            return Err(locate(EvidenceError::new(format!(
                "{what} `{field}` {v} is more than gate reads ({MAX_COUNT}); an unreadable count \
                 is bad evidence, not zero"
            ))));
        }
    }
    let h = hits_of(m.covered, m.total, || what.to_owned()).map_err(locate)?;
    let agrees = match m.pct {
        None => true,
        Some(Pct::Unknown) => m.total == 0,
        Some(Pct::Number(p)) if m.total == 0 => p == 100.0 || p == 0.0,
        Some(Pct::Number(p)) => {
            (p - m.covered as f64 * 100.0 / m.total as f64).abs() <= RATE_TOLERANCE * 100.0
        }
    };
    if !agrees {
        let stated = match m.pct {
            Some(Pct::Number(p)) => format!("{p}%"),
            _ => "\"Unknown\"".to_owned(),
        };
        return Err(locate(total_disagrees(
            &format!("{what} `pct`"),
            &stated,
            &format!("{} covered of {}", m.covered, m.total),
            None,
        )));
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::coverage::testing::refused_each;
    use crate::input::coverage::{merge, Figure};
    use crate::input::Source;

    const C8: &str = r#"{"total": {"lines":{"total":59,"covered":35,"skipped":0,"pct":59.32},"statements":{"total":59,"covered":35,"skipped":0,"pct":59.32},"functions":{"total":4,"covered":2,"skipped":0,"pct":50},"branches":{"total":7,"covered":4,"skipped":0,"pct":57.14},"branchesTrue":{"total":0,"covered":0,"skipped":0,"pct":"Unknown"}}
,"/src/paginate.js": {"lines":{"total":33,"covered":20,"skipped":0,"pct":60.6},"functions":{"total":2,"covered":1,"skipped":0,"pct":50},"statements":{"total":33,"covered":20,"skipped":0,"pct":60.6},"branches":{"total":5,"covered":2,"skipped":0,"pct":40}}
,"/src/slugify.js": {"lines":{"total":26,"covered":15,"skipped":0,"pct":57.69},"functions":{"total":2,"covered":1,"skipped":0,"pct":50},"statements":{"total":26,"covered":15,"skipped":0,"pct":57.69},"branches":{"total":2,"covered":2,"skipped":0,"pct":100}}
}"#;

    #[test]
    fn reads_every_metric_with_pointers_and_lines() {
        let d = read("s.json", C8).unwrap().facts.coverage.unwrap();
        assert_eq!(d.report.source.pointer.as_deref(), Some("/total"));
        assert_eq!(d.report.source.line, Some(1));
        assert_eq!(d.files.len(), 2);
        assert_eq!(d.files[0].path, "/src/paginate.js");
        assert_eq!(
            d.files[0].source,
            Source {
                evidence: "s.json".into(),
                pointer: Some("/~1src~1paginate.js".into()),
                line: Some(2),
                column: Some(22),
            }
        );
        let c = merge(vec![d]).0;
        assert_eq!(c.lines, Some(Figure::new(35, 59)));
        assert_eq!(c.statements, Some(Figure::new(35, 59)));
        assert_eq!(c.functions, Some(Figure::new(2, 4)));
        assert_eq!(c.branches, Some(Figure::new(4, 7)));
    }

    #[test]
    fn totals_and_percentages_that_disagree_are_refused() {
        for e in refused_each(
            read,
            C8,
            &[
            (
                r#""lines":{"total":59,"covered":35,"skipped":0,"pct":59.32}"#,
                r#""lines":{"total":59,"covered":50,"skipped":0,"pct":84.74}"#,
                "`/total/lines` states 50 covered of 59, but its entries show 35 covered of 59",
            ),
            (
                r#""pct":40}"#,
                r#""pct":90}"#,
                "`/~1src~1paginate.js/branches` `pct` states 90%, but its entries show 2 covered of 5",
            ),
            (
                r#""functions":{"total":2,"covered":1,"skipped":0,"pct":50},"statements":{"total":26"#,
                r#""functions":{"total":2,"covered":3,"skipped":0,"pct":50},"statements":{"total":26"#,
                "3 covered of 2 is more covered than there is",
            ),
            (r#""total":26,"covered":15"#, r#""total":-26,"covered":15"#, "invalid value: integer `-26`"),
            (r#""total":26,"covered":15"#, r#""total":26.5,"covered":15"#, "invalid type: floating point"),
            (r#""pct":40}"#, r#""pct":"lots"}"#, "invalid pct \"lots\""),
            (r#""total":26,"covered":15"#, r#""total":2000000000000,"covered":15"#, "more than gate reads"),
            ],
        ) {
            assert!(!e.message.is_empty());
        }
        let e = read(
            "s.json",
            r#"{"/a.js": {"lines": {"total": 1, "covered": 1}}}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("no `total` entry"), "{e:?}");
        let e = read("s.json", r#"{"total": {}, "a": {}, "a": {}}"#).unwrap_err();
        assert!(e.message.contains("duplicate JSON key `a`"), "{e:?}");
        let e = read(
            "s.json",
            r#"{"total": {"lines": {"total": 1, "covered": 0}}}"#,
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("states 0 covered of 1, but its entries show nothing"),
            "{e:?}"
        );
    }

    #[test]
    fn an_empty_project_measures_nothing() {
        let text = r#"{"total": {"lines":{"total":0,"covered":0,"skipped":0,"pct":100},"branches":{"total":0,"covered":0,"skipped":0,"pct":"Unknown"}}}"#;
        let c = merge(vec![read("s.json", text).unwrap().facts.coverage.unwrap()]).0;
        assert!(c.files.is_empty());
        assert_eq!(c.lines, None);
    }
}
