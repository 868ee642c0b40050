//! Policies: load Rego modules (from paths or the embedded standard library), compile them once,
//! evaluate every package's `deny` / `violation` / `warn` rules against an `input`.
//!
//! Rules judge; they never verify. Results come back as `RawResult`s, which the report layer
//! turns into decisions.

mod analysis;
mod bounded;
pub(crate) mod builtins;
mod compile_error;
pub(crate) mod data;
mod embedded;
#[doc(hidden)] // read by the test that keeps docs/policies current
pub mod metadata;
mod result;
pub(crate) mod settings;
pub mod testing;

use std::path::{Path, PathBuf};
use std::time::Duration;

use regorus::Value;
use sha2::{Digest, Sha256};

pub(crate) use result::RawResult;
pub use result::RuleLevel;

use crate::Error;

/// One Rego module's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)] // for the benches
pub struct PolicyFile {
    /// Path as shown to users (`policies/tests/tests.rego`, or the path given with `-p`).
    pub path: String,
    /// The Rego source.
    pub text: String,
}

impl PolicyFile {
    /// SHA-256 of the text, hex.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }

    /// Whether this is a test module (`*_test.rego`), loaded only by `gate test`.
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }

    /// Whether this is a module of the embedded standard library, unchanged (same path, same
    /// text).
    pub fn is_embedded(&self) -> bool {
        embedded::FILES
            .iter()
            .any(|(path, text)| *path == self.path && *text == self.text)
    }
}

/// A set of policy modules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[doc(hidden)] // for the benches
pub struct PolicySet {
    /// The modules, in load order.
    pub files: Vec<PolicyFile>,
}

impl PolicySet {
    /// The standard policy library embedded in the binary (tests excluded unless asked).
    pub fn embedded(with_tests: bool) -> Self {
        let files = embedded::FILES
            .iter()
            .map(|(path, text)| PolicyFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
            })
            .filter(|f| with_tests || !f.is_test())
            .collect();
        Self { files }
    }

    /// Every `.rego` file under each path (a file or a folder walked in name order).
    pub fn load(paths: &[PathBuf], with_tests: bool) -> Result<Self, Error> {
        let mut files = Vec::new();
        for p in paths {
            for path in rego_files(p)? {
                files.push(read(&path)?);
            }
        }
        files.retain(|f| with_tests || !f.is_test());
        if files.is_empty() {
            return Err(Error::Usage(format!(
                "no .rego files found under {}",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(Self { files })
    }
}

/// The policy files a `-p` argument names: the file itself, or every `*.rego` under a folder,
/// in name order, symbolic links followed (a loop is an error naming it). A `.rego` entry that is
/// not a regular file is listed, for reading to refuse.
pub(crate) fn rego_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !fs_err::metadata(path)?.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walk {
        let entry = entry.map_err(crate::files::walk_error(path))?;
        if !entry.file_type().is_dir() && entry.path().extension().is_some_and(|e| e == "rego") {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

fn read(path: &Path) -> Result<PolicyFile, Error> {
    let text = crate::files::read_to_string(path, crate::files::Input::Policy)?;
    Ok(PolicyFile {
        path: crate::files::evidence_id(path),
        text,
    })
}

/// A `deny`/`violation`/`warn` rule found in the loaded policies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleRef {
    /// Package path without the `data.` prefix (`gate.tests`).
    pub package: String,
    /// `deny`, `violation` or `warn`.
    pub name: String,
    /// The file declaring it.
    pub file: String,
}

impl RuleRef {
    /// The rule path, `gate.tests.deny`.
    pub fn path(&self) -> String {
        format!("{}.{}", self.package, self.name)
    }
}

/// Settings for one evaluation engine.
#[derive(Debug, Clone)]
#[doc(hidden)] // for the benches
pub struct EngineOptions {
    /// What `time.now_ns()` returns.
    pub now_ns: i64,
    /// Wall-clock limit on one evaluation (all of `gate check`'s rules; one `gate test` test).
    pub timeout: Duration,
    /// Ceiling on the bytes the process holds while policies are evaluated (process-wide: the
    /// allocator counts every thread). See [`DEFAULT_MAX_MEMORY`].
    pub max_memory: u64,
}

/// The default `--max-memory`: 2 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 2 * 1024 * 1024 * 1024;

/// The default `--timeout`: 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

impl EngineOptions {
    fn limits(&self) -> bounded::Limits {
        bounded::Limits {
            timeout: self.timeout,
            max_memory: self.max_memory,
            now_ns: self.now_ns,
        }
    }
}

/// Compiled policies, ready to evaluate inputs. Cloning is cheap (the compiled modules are
/// shared), so one compiled set can serve many evaluations.
#[derive(Debug, Clone)]
#[doc(hidden)] // for the benches
pub struct PolicyEngine {
    engine: regorus::Engine,
    rules: Vec<RuleRef>,
    /// The modules' sources, to quote the line an evaluation error points at.
    files: Vec<PolicyFile>,
    /// Evaluation threads; `None`: one per core.
    threads: Option<usize>,
    limits: bounded::Limits,
}

const RULE_NAMES: &[&str] = &["deny", "violation", "warn"];

impl PolicyEngine {
    /// Parse and compile `set` with `data` documents merged in. Compile errors name the file,
    /// line and column.
    pub fn new(set: &PolicySet, data: Vec<Value>, opts: &EngineOptions) -> Result<Self, Error> {
        let engine = base_engine(set, data, opts)?;
        let packages = engine
            .get_policy_package_components()
            .map_err(|e| compile_error::compile_error(&set.files, e))?;
        let mut rules = Vec::new();
        for pkg in packages {
            let package = pkg.components.join(".");
            for name in RULE_NAMES {
                let declared = engine
                    .has_declared_rule_rooted_at(&pkg.source_file, name)
                    .map_err(|e| compile_error::compile_error(&set.files, e))?;
                if declared {
                    rules.push(RuleRef {
                        package: package.clone(),
                        name: (*name).to_owned(),
                        file: pkg.source_file.clone(),
                    });
                }
            }
        }
        rules.sort();
        // The same rule may be declared in several files of one package: evaluate it once.
        rules.dedup_by(|a, b| a.package == b.package && a.name == b.name);
        if rules.is_empty() {
            return Err(Error::NoRules);
        }
        let mut me = Self {
            engine,
            rules,
            files: set.files.clone(),
            threads: None,
            limits: opts.limits(),
        };
        // Compile now (regorus analyses modules on first evaluation) so compile errors surface
        // before any evidence is judged.
        me.engine.set_input(Value::new_object());
        me.engine
            .eval_query("true".to_owned(), false)
            .map_err(|e| compile_error::compile_error(&set.files, e))?;
        Ok(me)
    }

    /// An engine with the modules compiled but no deny/warn rule required (for `test_*` rules).
    pub(crate) fn compile_only(
        set: &PolicySet,
        data: Vec<Value>,
        opts: &EngineOptions,
    ) -> Result<Self, Error> {
        let engine = base_engine(set, data, opts)?;
        let mut me = Self {
            engine,
            rules: Vec::new(),
            files: set.files.clone(),
            threads: None,
            limits: opts.limits(),
        };
        me.engine.set_input(Value::new_object());
        me.engine
            .eval_query("true".to_owned(), false)
            .map_err(|e| compile_error::compile_error(&set.files, e))?;
        Ok(me)
    }

    /// Evaluate on at most `threads` threads (at least one) instead of one per core. The
    /// results are the same whatever the count; this is for tests that prove it and for callers
    /// that share a machine.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads.max(1));
    }

    /// Evaluate as at `now_ns` (what `time.now_ns()` returns) from now on.
    pub fn set_now_ns(&mut self, now_ns: i64) {
        self.limits.now_ns = now_ns;
    }

    /// The rules that will be evaluated.
    pub fn rules(&self) -> &[RuleRef] {
        &self.rules
    }

    /// Evaluate only the rules `keep` accepts; the others are returned, in rule order.
    pub(crate) fn retain_rules(&mut self, keep: impl Fn(&RuleRef) -> bool) -> Vec<RuleRef> {
        let (kept, dropped) = std::mem::take(&mut self.rules)
            .into_iter()
            .partition(|r| keep(r));
        self.rules = kept;
        dropped
    }

    /// Evaluate every rule against `input`.
    ///
    /// Rules are split by package; each package is one query, so it ingests the input once. One
    /// thread per core (at most `MAX_EVAL_THREADS`), each on its own clone of the compiled
    /// engine, takes the next package until none is left, so packages are judged in parallel and
    /// a slow package does not hold up the others. Results come back in rule order whatever the
    /// timing. The whole evaluation is under the time and memory limits (see `bounded`); an
    /// error names the package's rules.
    pub fn evaluate(&mut self, input: Value) -> Result<Vec<RawResult>, Error> {
        self.evaluate_as(input, false)
    }

    /// Evaluate every rule against a small `input` (a few thousand facts at most).
    ///
    /// When the modules are the embedded standard library, unchanged, every rule is one query
    /// on one thread: for a small input, a query per package and a thread per core cost more
    /// than the evaluation. The results are the same; an evaluation error is evaluated again
    /// package by package, so that it names the package's rules as `evaluate` does. Other
    /// modules are evaluated as `evaluate` does: one query per package also bounds the time
    /// and memory of each and names the rules a runaway user rule stopped in.
    pub fn evaluate_small(&mut self, input: Value) -> Result<Vec<RawResult>, Error> {
        let trusted = self.files.iter().all(PolicyFile::is_embedded);
        if !trusted {
            return self.evaluate_as(input, false);
        }
        match self.evaluate_as(input.clone(), true) {
            Err(Error::PolicyEval { .. } | Error::PolicyEvalAt(_)) => {
                self.evaluate_as(input, false)
            }
            other => other,
        }
    }

    fn evaluate_as(&mut self, input: Value, one_query: bool) -> Result<Vec<RawResult>, Error> {
        // One group per package rather than a fixed split: package costs differ widely and are
        // unknown beforehand, so threads taking the next package balance them. Threads are
        // bounded by the cores: each more one costs memory (its stack and its allocator pages)
        // and gains no time.
        let threads = if one_query {
            1
        } else {
            self.threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        };
        let groups = group_by_package(&self.rules, if one_query { 1 } else { usize::MAX });
        // The clones share the input with `self.engine`, which keeps the last reference: the
        // value is freed with this engine (off the critical path), not when a thread ends.
        self.engine.set_input(input);
        let queries: Vec<(String, String)> = groups
            .iter()
            .map(|g| (group_label(g, &self.rules), build_query(g, &self.rules)))
            .collect();
        let values = bounded::evaluate_all(
            &self.engine,
            queries,
            threads.min(MAX_EVAL_THREADS),
            self.limits,
        )?;
        let mut out = Vec::new();
        for (group, value) in groups.iter().zip(values) {
            let value = value.map_err(|e| match e {
                Error::PolicyEval { rule, message } => {
                    compile_error::eval_error(&self.files, &rule, message)
                }
                other => other,
            })?;
            for &i in group {
                if let Some(rule) = self.rules.get(i) {
                    result::collect(rule, &value[i.to_string().as_str()], &mut out)?;
                }
            }
        }
        Ok(out)
    }
}

/// The most evaluation threads one check starts (fewer on a machine with fewer cores).
const MAX_EVAL_THREADS: usize = 8;

/// `data.p.deny, data.p.warn`: the rules one query evaluates, to name them in errors.
fn group_label(group: &[usize], rules: &[RuleRef]) -> String {
    group
        .iter()
        .filter_map(|&i| rules.get(i))
        .map(|r| format!("data.{}", r.path()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rule indices split into at most `n` groups, whole packages per group, balanced by count.
fn group_by_package(rules: &[RuleRef], n: usize) -> Vec<Vec<usize>> {
    let mut packages: Vec<Vec<usize>> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        match packages.last_mut() {
            Some(last)
                if last
                    .first()
                    .and_then(|&j| rules.get(j))
                    .is_some_and(|p| p.package == r.package) =>
            {
                last.push(i)
            }
            _ => packages.push(vec![i]),
        }
    }
    let n = n.min(packages.len()).max(1);
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, p) in packages.into_iter().enumerate() {
        if let Some(g) = groups.get_mut(k % n) {
            g.extend(p);
        }
    }
    groups.retain(|g| !g.is_empty());
    groups
}

fn base_engine(
    set: &PolicySet,
    data: Vec<Value>,
    opts: &EngineOptions,
) -> Result<regorus::Engine, Error> {
    let mut engine = regorus::Engine::new();
    engine.set_strict_builtin_errors(false);
    // The time limit is set before each evaluation, to what is left of the deadline, and the
    // evaluation time with it (`bounded`).
    engine
        .add_extension(
            "time.now_ns".to_owned(),
            0,
            Box::new(|_| {
                bounded::now_ns()
                    .map(Value::from)
                    .ok_or_else(|| anyhow::anyhow!("time.now_ns() called outside an evaluation"))
            }),
        )
        .map_err(|e| Error::PolicyCompile {
            message: e.to_string(),
        })?;
    builtins::register(&mut engine).map_err(|e| Error::PolicyCompile {
        message: e.to_string(),
    })?;
    // A range is refused when its elements alone (one value each) would pass the memory limit.
    let value_size = u64::try_from(std::mem::size_of::<Value>())
        .unwrap_or(u64::MAX)
        .max(1);
    builtins::register_bounded(&mut engine, opts.max_memory / value_size).map_err(|e| {
        Error::PolicyCompile {
            message: e.to_string(),
        }
    })?;
    for f in &set.files {
        engine
            .add_policy(f.path.clone(), f.text.clone())
            .map_err(|e| compile_error::compile_error(&set.files, e))?;
    }
    // The embedded library, unchanged, passes these checks (a test runs them on it): a small
    // gate need not pay for them on every run.
    if !set.files.iter().all(PolicyFile::is_embedded) {
        analysis::check(engine.get_modules(), &set.files, builtins::EXTENSIONS)?;
    }
    for d in data {
        engine
            .add_data(d)
            .map_err(|e| Error::Usage(format!("data document: {e}")))?;
    }

    Ok(engine)
}

/// `{"0": data.p.deny, "1": data.p.warn, …}` over the rules at `indices`: one evaluation, so the
/// input is ingested once and helper rules are computed once.
fn build_query(indices: &[usize], rules: &[RuleRef]) -> String {
    let mut q = String::from("{");
    for (n, &i) in indices.iter().enumerate() {
        if let Some(r) = rules.get(i) {
            if n > 0 {
                q.push_str(", ");
            }
            q.push_str(&format!("\"{i}\": data.{}", r.path()));
        }
    }
    q.push('}');
    q
}

#[cfg(test)]
impl PolicySet {
    /// A policy set of in-memory `(path, text)` files, for unit tests.
    pub(crate) fn from_texts(files: &[(&str, &str)]) -> Self {
        Self {
            files: files
                .iter()
                .map(|(p, t)| PolicyFile {
                    path: (*p).into(),
                    text: (*t).into(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(rego: &str) -> Result<PolicyEngine, Error> {
        let set = PolicySet {
            files: vec![PolicyFile {
                path: "p.rego".into(),
                text: rego.into(),
            }],
        };
        let opts = EngineOptions {
            now_ns: 1_700_000_000_000_000_000,
            timeout: Duration::from_secs(10),
            max_memory: DEFAULT_MAX_MEMORY,
        };
        PolicyEngine::new(&set, Vec::new(), &opts)
    }

    fn eval(rego: &str) -> Result<Vec<RawResult>, Error> {
        engine(rego)?.evaluate(Value::new_object())
    }

    #[test]
    fn violation_is_an_alias_of_deny_and_strings_are_messages() {
        let r = eval("package p\n\nviolation contains \"bad\"\n\nwarn contains {\"msg\": \"meh\", \"code\": \"p.meh\"}\n").unwrap();
        assert_eq!(r.len(), 2);
        let deny = r.iter().find(|x| x.level == RuleLevel::Deny).unwrap();
        assert_eq!(
            (
                deny.message.as_str(),
                deny.rule.as_str(),
                deny.code.as_deref()
            ),
            ("bad", "p.violation", None)
        );
        let warn = r.iter().find(|x| x.level == RuleLevel::Warn).unwrap();
        assert_eq!(warn.code.as_deref(), Some("p.meh"));
    }

    #[test]
    fn time_now_ns_is_the_evaluation_time() {
        let r = eval("package p\n\ndeny contains sprintf(\"%d\", [time.now_ns()])\n").unwrap();
        assert_eq!(r[0].message, "1700000000000000000");
    }

    #[test]
    fn results_gate_cannot_read_are_errors() {
        let e = eval("package p\n\ndeny contains {\"code\": \"x\"}\n").unwrap_err();
        assert!(matches!(e, Error::PolicyResult { .. }), "{e}");
        let e = eval("package p\n\ndeny contains 42\n").unwrap_err();
        assert!(
            e.to_string().contains("expected a string or an object"),
            "{e}"
        );
        let e = eval("package p\n\ndeny := true\n").unwrap_err();
        assert!(e.to_string().contains("boolean rule"), "{e}");
    }

    #[test]
    fn modules_without_rules_and_broken_modules_are_refused() {
        assert!(matches!(
            engine("package p\n\nallow := true\n").unwrap_err(),
            Error::NoRules
        ));
        let e = engine("package p\n\ndeny contains x if {\n").unwrap_err();
        assert!(
            matches!(&e, Error::PolicyCompileAt(at) if at.line == 4),
            "{e:?}"
        );
        assert!(e.to_string().contains("p.rego:"), "{e}");
    }

    #[test]
    fn evidence_sources_are_carried() {
        let r = eval("package p\n\ndeny contains {\"msg\": \"m\", \"evidence\": [{\"evidence\": \"a.xml\", \"line\": 3}]}\n").unwrap();
        assert_eq!(
            r[0].evidence,
            vec![serde_json::json!({"evidence": "a.xml", "line": 3})]
        );
    }

    /// The embedded library passes the checks `base_engine` skips for it.
    #[test]
    fn the_embedded_library_passes_the_module_checks() {
        let set = PolicySet::embedded(false);
        assert!(set.files.iter().all(PolicyFile::is_embedded));
        let mut engine = regorus::Engine::new();
        for f in &set.files {
            engine.add_policy(f.path.clone(), f.text.clone()).unwrap();
        }
        analysis::check(engine.get_modules(), &set.files, builtins::EXTENSIONS).unwrap();
        // A changed module is not the library's.
        let mut changed = set.files[0].clone();
        changed.text.push('\n');
        assert!(!changed.is_embedded());
    }

    /// One query on one thread gives what a query per package gives, result for result.
    #[test]
    fn a_small_input_gets_the_same_results_in_one_query() {
        let opts = EngineOptions {
            now_ns: 1_700_000_000_000_000_000,
            timeout: Duration::from_secs(10),
            max_memory: DEFAULT_MAX_MEMORY,
        };
        let mut engine = PolicyEngine::new(&PolicySet::embedded(false), Vec::new(), &opts).unwrap();
        // The `input` of each demo file, as snapshotted by the CLI's fixture test.
        let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../gate-cli/tests/snapshots/fixtures");
        let mut checked = 0;
        for name in [
            "demo__pytest-junit.xml.snap",
            "demo__bandit.sarif.snap",
            "demo__sbom.cdx.json.snap",
        ] {
            let text = fs_err::read_to_string(snapshots.join(name)).unwrap();
            let json = text.splitn(3, "---\n").nth(2).unwrap();
            let input = Value::from_json_str(json).unwrap();
            let per_package = engine.evaluate(input.clone()).unwrap();
            let one_query = engine.evaluate_small(input).unwrap();
            assert_eq!(
                format!("{per_package:?}"),
                format!("{one_query:?}"),
                "{name}"
            );
            checked += per_package.len();
        }
        assert!(checked > 5, "the demo gives results: {checked}");
    }
}
