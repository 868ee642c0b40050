//! Rego unit tests (`gate test`): every `test_*` rule of the loaded modules, each evaluated on
//! its own copy of the compiled engine, with gate's builtins and clock, and optionally line
//! coverage of the policy (non-test) files.
//!
//! A test passes when its rule is `true`; `false`, any other value or undefined is a failure; an
//! evaluation error is an error. One test's failure or error never hides another's. Results are
//! data ([`TestRun`]); the CLI renders them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use regorus::unstable::{Expr, Rule, RuleHead};
use regorus::Value;
use serde::Serialize;

use super::{EngineOptions, PolicyEngine, PolicySet};
use crate::Error;

/// Outcome of one Rego test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    /// The rule evaluated to `true`.
    Pass,
    /// The rule was false, undefined or not a boolean.
    Fail,
    /// Evaluating the rule raised an error.
    Error,
}

/// One Rego test and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    /// The rule's data path, `data.gate.tests_test.test_failed_test_is_denied`.
    pub name: String,
    /// Its package, `gate.tests_test`.
    pub package: String,
    /// The file that declares it.
    pub file: String,
    /// 1-based line of the rule's (first) definition.
    pub line: usize,
    /// The outcome.
    pub status: TestStatus,
    /// Why it failed or errored; `None` when it passed.
    pub message: Option<String>,
    /// What the test `print`ed, in order.
    pub output: Vec<String>,
    /// Wall-clock time of the evaluation, in seconds.
    pub duration_s: f64,
}

/// Counts over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TestSummary {
    /// Tests run.
    pub total: usize,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests that raised an error.
    pub errored: usize,
}

/// Line coverage of one policy file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileCoverage {
    /// The policy file.
    pub file: String,
    /// Lines with an expression that some test evaluated.
    pub covered: usize,
    /// Lines with an expression.
    pub total: usize,
    /// `covered / total` in percent (100 for a file without expressions).
    pub percent: f64,
    /// The lines no test reached, 1-based, ascending.
    pub not_covered: Vec<u32>,
}

/// Line coverage of the policy (non-test) files by the tests that ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Per file, in load order.
    pub files: Vec<FileCoverage>,
    /// Covered lines over all files.
    pub covered: usize,
    /// Lines with an expression over all files.
    pub total: usize,
    /// `covered / total` in percent.
    pub percent: f64,
}

/// The outcome of `gate test`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestRun {
    /// Every test that ran, in file and line order.
    pub tests: Vec<TestResult>,
    /// Counts.
    pub summary: TestSummary,
    /// Line coverage, when asked for.
    pub coverage: Option<Coverage>,
}

impl TestRun {
    /// Whether every test passed.
    pub fn passed(&self) -> bool {
        self.summary.passed == self.summary.total
    }
}

/// Settings of a test run.
#[derive(Debug, Clone)]
pub(crate) struct TestOptions {
    /// Clock and time limit of each evaluation.
    pub engine: EngineOptions,
    /// Data documents merged under `data`.
    pub data: Vec<Value>,
    /// Run only tests whose name (`data.pkg.test_x`) this matches.
    pub run: Option<regex::Regex>,
    /// Gather line coverage.
    pub coverage: bool,
}

/// A `test_*` rule found in a module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    file_index: usize,
    line: usize,
    package: String,
    name: String,
}

/// Find and run the `test_*` rules of `set`. Errors: the modules do not compile, a `# METADATA`
/// block cannot be read, or no test (after `--run`) was found.
pub(crate) fn run(set: &PolicySet, opts: &TestOptions) -> Result<TestRun, Error> {
    let mut base = PolicyEngine::compile_only(set, opts.data.clone(), &opts.engine)?;
    // `gate check` refuses a policy whose `# METADATA` it cannot read: so does `gate test`.
    for f in &set.files {
        super::metadata::parse(&f.path, &f.text)?;
    }
    let found = discover(&mut base.engine, set);
    if found.is_empty() {
        return Err(Error::NoTests(
            "the policies define no rule named `test_*`".to_owned(),
        ));
    }
    let selected: Vec<Found> = found
        .into_iter()
        .filter(|t| opts.run.as_ref().is_none_or(|re| re.is_match(&t.name)))
        .collect();
    if selected.is_empty() {
        let pattern = opts.run.as_ref().map(|r| r.as_str()).unwrap_or_default();
        return Err(Error::NoTests(format!("no test name matches `{pattern}`")));
    }
    base.engine.set_gather_prints(true);
    if opts.coverage {
        base.engine.set_enable_coverage(true);
    }
    let mut lines = CoverageLines::default();
    let mut tests = Vec::new();
    let mut summary = TestSummary::default();
    for t in selected {
        // A fresh copy per test: nothing one test computes or breaks is seen by the next. It runs
        // under the time and memory limits; going past one stops the whole run (exit 2), naming
        // the test: the limits are the run's, not the test's to fail.
        let started = Instant::now();
        let name = t.name.clone();
        let (mut engine, value) = super::bounded::evaluate_one(
            &t.name,
            base.engine.clone(),
            base.limits,
            move |engine| engine.eval_rule(name),
        )?;
        let duration_s = started.elapsed().as_secs_f64();
        let (status, message) = match value {
            Ok(Value::Bool(true)) => (TestStatus::Pass, None),
            Ok(Value::Undefined) => (TestStatus::Fail, Some("the rule is undefined".to_owned())),
            Ok(Value::Bool(false)) => (TestStatus::Fail, Some("the rule is false".to_owned())),
            Ok(v) => (
                TestStatus::Fail,
                Some(format!(
                    "the rule is {}, not `true`",
                    v.to_json_str().unwrap_or_else(|_| "a value".to_owned())
                )),
            ),
            Err(e @ Error::PolicyLimit { .. }) => return Err(e),
            Err(Error::PolicyEval { message, .. } | Error::Internal { message, .. }) => {
                (TestStatus::Error, Some(message.trim().to_owned()))
            }
            Err(e) => (TestStatus::Error, Some(e.to_string())),
        };
        match status {
            TestStatus::Pass => summary.passed += 1,
            TestStatus::Fail => summary.failed += 1,
            TestStatus::Error => summary.errored += 1,
        }
        summary.total += 1;
        if opts.coverage {
            lines.add(&engine);
        }
        let output = engine.take_prints().unwrap_or_default();
        tests.push(TestResult {
            file: set
                .files
                .get(t.file_index)
                .map(|f| f.path.clone())
                .unwrap_or_default(),
            name: t.name,
            package: t.package,
            line: t.line,
            status,
            message,
            output,
            duration_s,
        });
    }
    let coverage = opts.coverage.then(|| lines.finish(set, &base.engine));
    Ok(TestRun {
        tests,
        summary,
        coverage,
    })
}

/// Every rule named `test_*` (not a function) in the modules, in file and line order, each name
/// once (a test defined by several bodies is one test).
fn discover(engine: &mut regorus::Engine, set: &PolicySet) -> Vec<Found> {
    let mut found = BTreeSet::new();
    let mut names = BTreeSet::new();
    for module in engine.get_modules() {
        let span = module.package.refr.span();
        let file = span.source.file();
        let Some(file_index) = set.files.iter().position(|f| &f.path == file) else {
            continue;
        };
        let Some(package) = path_of(module.package.refr.as_ref()) else {
            continue;
        };
        for rule in &module.policy {
            let Rule::Spec { head, span, .. } = rule.as_ref() else {
                continue;
            };
            let refr = match head {
                RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => refr,
                RuleHead::Func { .. } => continue,
            };
            let Some(rule_path) = path_of(refr.as_ref()) else {
                continue;
            };
            let is_test = rule_path
                .last()
                .is_some_and(|last| last.starts_with("test_"));
            let name = format!("data.{}.{}", package.join("."), rule_path.join("."));
            if is_test && names.insert(name.clone()) {
                found.insert(Found {
                    file_index,
                    line: span.line as usize,
                    package: package.join("."),
                    name,
                });
            }
        }
    }
    found.into_iter().collect()
}

/// `a.b.c` of a reference made of names (`a.b["c"]` too); `None` for anything dynamic.
fn path_of(expr: &Expr) -> Option<Vec<String>> {
    fn walk(expr: &Expr, out: &mut Vec<String>) -> Option<()> {
        match expr {
            Expr::Var { span, .. } => out.push(span.text().to_owned()),
            Expr::RefDot { refr, field, .. } => {
                walk(refr.as_ref(), out)?;
                out.push(field.0.text().to_owned());
            }
            Expr::RefBrack { refr, index, .. } => {
                walk(refr.as_ref(), out)?;
                match index.as_ref() {
                    Expr::String { value, .. } => out.push(value.as_string().ok()?.to_string()),
                    _ => return None,
                }
            }
            _ => return None,
        }
        Some(())
    }
    let mut out = Vec::new();
    walk(expr, &mut out)?;
    Some(out)
}

/// Lines covered and not covered, per file, merged over the tests' engines.
#[derive(Debug, Default)]
struct CoverageLines {
    covered: BTreeMap<String, BTreeSet<u32>>,
    seen: BTreeMap<String, BTreeSet<u32>>,
}

impl CoverageLines {
    fn add(&mut self, engine: &regorus::Engine) {
        let Ok(report) = engine.get_coverage_report() else {
            return;
        };
        for f in report.files {
            let seen = self.seen.entry(f.path.clone()).or_default();
            seen.extend(f.covered.iter().copied());
            seen.extend(f.not_covered.iter().copied());
            self.covered.entry(f.path).or_default().extend(f.covered);
        }
    }

    /// Per policy file (test files left out). A file no test reached at all is evaluated once
    /// more on its own, only to learn which of its lines hold expressions; none counts as covered.
    fn finish(mut self, set: &PolicySet, base: &regorus::Engine) -> Coverage {
        let mut files = Vec::new();
        for f in set.files.iter().filter(|f| !f.is_test()) {
            if !self.seen.contains_key(&f.path) {
                self.probe(&f.path, &f.text, base);
            }
            let seen = self.seen.get(&f.path).cloned().unwrap_or_default();
            let covered = self.covered.get(&f.path).cloned().unwrap_or_default();
            let not_covered: Vec<u32> = seen.difference(&covered).copied().collect();
            let n = covered.intersection(&seen).count();
            files.push(FileCoverage {
                file: f.path.clone(),
                covered: n,
                total: seen.len(),
                percent: percent(n, seen.len()),
                not_covered,
            });
        }
        let covered = files.iter().map(|f| f.covered).sum();
        let total = files.iter().map(|f| f.total).sum();
        Coverage {
            files,
            covered,
            total,
            percent: percent(covered, total),
        }
    }

    fn probe(&mut self, path: &str, text: &str, base: &regorus::Engine) {
        let Some(package) = text.lines().find_map(|l| {
            l.trim_start()
                .strip_prefix("package ")
                .map(|p| p.trim().to_owned())
        }) else {
            return;
        };
        let mut engine = base.clone();
        engine.set_enable_coverage(true);
        // Errors do not matter: only which lines hold expressions is wanted.
        let _ = engine.eval_query(format!("data.{package}"), false);
        let Ok(report) = engine.get_coverage_report() else {
            return;
        };
        for f in report.files.into_iter().filter(|f| f.path == path) {
            let seen = self.seen.entry(f.path).or_default();
            seen.extend(f.covered);
            seen.extend(f.not_covered);
        }
    }
}

fn percent(n: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        // Rounded to two decimals so reports are stable.
        ((n as f64) * 10000.0 / (total as f64)).floor() / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> TestOptions {
        TestOptions {
            engine: EngineOptions {
                now_ns: 1_700_000_000_000_000_000,
                timeout: std::time::Duration::from_secs(30),
                max_memory: super::super::DEFAULT_MAX_MEMORY,
            },
            data: Vec::new(),
            run: None,
            coverage: false,
        }
    }

    fn set(files: &[(&str, &str)]) -> PolicySet {
        PolicySet::from_texts(files)
    }

    #[test]
    fn standard_library_tests_pass() {
        let run = run(&PolicySet::embedded(true), &opts()).unwrap();
        assert!(
            run.tests.len() >= 15,
            "only {} tests found",
            run.tests.len()
        );
        let bad: Vec<_> = run
            .tests
            .iter()
            .filter(|t| t.status != TestStatus::Pass)
            .collect();
        assert!(bad.is_empty(), "failing Rego tests: {bad:#?}");
        assert!(run.passed());
    }

    #[test]
    fn failures_are_reported_with_their_line_and_do_not_hide_others() {
        let s = set(&[(
            "x_test.rego",
            "package x_test\n\ntest_ok if { 1 == 1 }\n\ntest_bad if { 1 == 2 }\n\n\
             test_string := \"yes\"\n\ntest_after if { true }\n\ntest_fn(x) if { x }\n",
        )]);
        let r = run(&s, &opts()).unwrap();
        let by: BTreeMap<&str, &TestResult> =
            r.tests.iter().map(|t| (t.name.as_str(), t)).collect();
        let names: Vec<&str> = by.keys().copied().collect();
        assert_eq!(
            names,
            [
                "data.x_test.test_after",
                "data.x_test.test_bad",
                "data.x_test.test_ok",
                "data.x_test.test_string"
            ]
        );
        let bad = by["data.x_test.test_bad"];
        assert_eq!((bad.status, bad.line), (TestStatus::Fail, 5));
        assert_eq!(bad.file, "x_test.rego");
        assert_eq!(bad.package, "x_test");
        assert_eq!(by["data.x_test.test_ok"].status, TestStatus::Pass);
        assert_eq!(by["data.x_test.test_after"].status, TestStatus::Pass);
        let s = by["data.x_test.test_string"];
        assert_eq!(s.status, TestStatus::Fail);
        assert_eq!(
            s.message.as_deref(),
            Some("the rule is \"yes\", not `true`")
        );
        assert_eq!(
            r.summary,
            TestSummary {
                total: 4,
                passed: 2,
                failed: 2,
                errored: 0,
            }
        );
        assert!(!r.passed());
    }

    #[test]
    fn an_erroring_test_is_an_error_and_the_next_still_passes() {
        let s = set(&[(
            "e_test.rego",
            "package e_test\n\ntest_a_undefined if { [1][5] == 1 }\n\
             test_a_undefined if { false }\n\nf(x) := 1 if x\n\nf(x) := 2 if x\n\n\
             test_b_conflict if { f(true) == 1 }\n\ntest_c_fine if { true }\n",
        )]);
        let r = run(&s, &opts()).unwrap();
        let last = r.tests.last().unwrap();
        assert_eq!(
            (last.name.as_str(), last.status),
            ("data.e_test.test_c_fine", TestStatus::Pass)
        );
        let div = r
            .tests
            .iter()
            .find(|t| t.name == "data.e_test.test_b_conflict")
            .unwrap();
        assert_eq!(div.status, TestStatus::Error, "{div:?}");
        assert!(
            div.message
                .as_deref()
                .unwrap_or_default()
                .contains("e_test.rego"),
            "{div:?}"
        );
        assert_eq!(r.tests.len(), 3, "a test with two bodies is one test");
        assert_eq!(r.tests[0].status, TestStatus::Fail);
    }

    /// A panic inside the Rego engine (regorus' `sprintf` on a non-ASCII width digit) is an
    /// internal error; in `gate test` it is that test's error with the engine's message, as
    /// before internal errors had their own variant.
    #[test]
    fn an_engine_panic_in_a_test_is_that_tests_error() {
        let s = set(&[(
            "k_test.rego",
            "package k_test

test_panics if { sprintf(\"%\u{0663}d\", [1]) == \"1\" }

             test_fine if { true }
",
        )]);
        let r = run(&s, &opts()).unwrap();
        let t = r
            .tests
            .iter()
            .find(|t| t.name == "data.k_test.test_panics")
            .unwrap();
        assert_eq!(t.status, TestStatus::Error, "{t:?}");
        assert!(
            t.message
                .as_deref()
                .unwrap_or_default()
                .starts_with("the Rego engine failed:"),
            "{t:?}"
        );
        assert_eq!(r.summary.passed, 1);
    }

    #[test]
    fn run_filters_by_name_and_no_match_is_an_error() {
        let s = set(&[(
            "y_test.rego",
            "package y_test\n\ntest_one if { true }\ntest_two if { true }\n",
        )]);
        let mut o = opts();
        o.run = Some(regex::Regex::new("two$").unwrap());
        let r = run(&s, &o).unwrap();
        assert_eq!(r.tests.len(), 1);
        assert_eq!(r.tests[0].name, "data.y_test.test_two");
        o.run = Some(regex::Regex::new("three").unwrap());
        assert!(matches!(run(&s, &o).unwrap_err(), Error::NoTests(_)));
        let none = set(&[("z.rego", "package z\n\nallow := true\n")]);
        assert!(matches!(
            run(&none, &opts()).unwrap_err(),
            Error::NoTests(_)
        ));
    }

    #[test]
    fn now_and_data_reach_the_tests() {
        let s = set(&[(
            "t_test.rego",
            "package t_test\n\ntest_now if { time.now_ns() == 1700000000000000000 }\n\
             test_data if { data.params.limit == 3 }\n",
        )]);
        let mut o = opts();
        o.data = vec![Value::from(serde_json::json!({"params": {"limit": 3}}))];
        let r = run(&s, &o).unwrap();
        assert!(r.passed(), "{:#?}", r.tests);
    }

    #[test]
    fn coverage_counts_policy_lines_reached_by_tests() {
        let s = set(&[
            (
                "p.rego",
                "package p\n\ndeny contains \"a\" if {\n\tinput.a == 1\n}\n\n\
                 deny contains \"b\" if {\n\tinput.b == 1\n\tinput.c == 2\n}\n",
            ),
            (
                "q.rego",
                "package q\n\nwarn contains \"q\" if {\n\tinput.q\n}\n",
            ),
            (
                "p_test.rego",
                "package p_test\n\nimport data.p\n\n\
                 test_a if { \"a\" in p.deny with input as {\"a\": 1} }\n",
            ),
        ]);
        let mut o = opts();
        o.coverage = true;
        let r = run(&s, &o).unwrap();
        assert!(r.passed(), "{:#?}", r.tests);
        let c = r.coverage.unwrap();
        let files: Vec<&str> = c.files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(files, ["p.rego", "q.rego"]);
        let p = &c.files[0];
        // Line 4 is reached; line 8 is tried (and fails), line 9 never.
        assert!(p.not_covered.contains(&9), "{p:?}");
        assert!(!p.not_covered.contains(&4), "{p:?}");
        assert!(p.covered < p.total);
        let q = &c.files[1];
        assert_eq!(q.covered, 0, "{q:?}");
        assert!(q.total > 0, "an untested file still counts: {q:?}");
        assert_eq!(c.total, p.total + q.total);
        assert!(c.percent < 100.0);
    }

    #[test]
    fn unreadable_metadata_is_an_error() {
        let s = set(&[(
            "m_test.rego",
            "package m_test\n\n# METADATA\n# titel: typo\ntest_x if { true }\n",
        )]);
        let e = run(&s, &opts()).unwrap_err();
        assert!(matches!(e, Error::PolicyMetadata { .. }), "{e:?}");
    }

    #[test]
    fn compile_errors_in_tests_name_the_file_and_line() {
        let s = set(&[(
            "broken_test.rego",
            "package broken_test\n\ntest_x if {\n\tx := \n}\n",
        )]);
        let e = run(&s, &opts()).unwrap_err();
        match e {
            Error::PolicyCompileAt(at) => {
                assert_eq!((at.file.as_str(), at.line), ("broken_test.rego", 4))
            }
            other => panic!("{other:?}"),
        }
    }
}
