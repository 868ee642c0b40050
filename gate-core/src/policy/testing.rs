//! Rego unit tests: every `test_*` rule of the loaded modules, evaluated one by one.
//!
//! A test passes when its rule evaluates to `true`; `false` or undefined is a failure and an
//! evaluation error is an error.

use serde::Serialize;

use super::{EngineOptions, PolicyEngine, PolicySet};
use crate::Error;

/// Outcome of one Rego test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestOutcome {
    /// The rule evaluated to `true`.
    Pass,
    /// The rule was false or undefined.
    Fail,
    /// Evaluating the rule raised an error.
    Error,
}

/// One Rego test and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegoTest {
    /// Package path (`gate.tests_test`).
    pub package: String,
    /// Rule name (`test_failed_test_is_denied`).
    pub name: String,
    /// The file that declares it.
    pub file: String,
    /// 1-based line of the rule head.
    pub line: usize,
    /// The outcome.
    pub outcome: TestOutcome,
    /// The error, when `outcome` is `Error`.
    pub error: Option<String>,
}

/// Find and run every `test_*` rule in `set`.
pub fn run(set: &PolicySet, opts: &EngineOptions) -> Result<Vec<RegoTest>, Error> {
    let mut tests = Vec::new();
    for f in &set.files {
        let package = package_of(&f.text);
        let mut seen = std::collections::BTreeSet::new();
        for (i, line) in f.text.lines().enumerate() {
            let Some(rest) = line.strip_prefix("test_") else {
                continue;
            };
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = format!("test_{}", rest.get(..name_len).unwrap_or_default());
            if let Some(pkg) = &package {
                if seen.insert(name.clone()) {
                    tests.push((pkg.clone(), name, f.path.clone(), i + 1));
                }
            }
        }
    }
    let mut engine = PolicyEngine::compile_only(set, opts)?;
    let mut out = Vec::new();
    for (package, name, file, line) in tests {
        let (outcome, error) = match engine.eval_rule(&format!("data.{package}.{name}")) {
            Ok(regorus::Value::Bool(true)) => (TestOutcome::Pass, None),
            Ok(_) => (TestOutcome::Fail, None),
            Err(e) => (TestOutcome::Error, Some(e)),
        };
        out.push(RegoTest {
            package,
            name,
            file,
            line,
            outcome,
            error,
        });
    }
    Ok(out)
}

fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim_start()
            .strip_prefix("package ")
            .map(|p| p.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> EngineOptions {
        EngineOptions {
            now_ns: 0,
            timeout: std::time::Duration::from_secs(30),
        }
    }

    #[test]
    fn standard_library_tests_pass() {
        let set = PolicySet::embedded(true);
        let results = run(&set, &opts()).unwrap();
        assert!(results.len() >= 15, "only {} tests found", results.len());
        let bad: Vec<_> = results
            .iter()
            .filter(|t| t.outcome != TestOutcome::Pass)
            .collect();
        assert!(bad.is_empty(), "failing Rego tests: {bad:#?}");
    }

    #[test]
    fn a_failing_test_is_reported_with_its_line() {
        let set = PolicySet {
            files: vec![super::super::PolicyFile {
                path: "x_test.rego".into(),
                text: "package x_test\n\ntest_ok if { 1 == 1 }\ntest_bad if { 1 == 2 }\n".into(),
            }],
        };
        let results = run(&set, &opts()).unwrap();
        assert_eq!(results.len(), 2);
        let bad = results.iter().find(|t| t.name == "test_bad").unwrap();
        assert_eq!((bad.outcome, bad.line), (TestOutcome::Fail, 4));
        assert_eq!(
            results
                .iter()
                .find(|t| t.name == "test_ok")
                .unwrap()
                .outcome,
            TestOutcome::Pass
        );
    }
}
