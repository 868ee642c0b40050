//! The library's front door: build a [`Gate`] once (policies compiled, data, waivers and
//! settings loaded), then judge any number of evidence sets with it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::evidence::{self, Collected, Detected};
use crate::input::Input;
use crate::policy::metadata::MetaIndex;
use crate::policy::{self, EngineOptions, PolicyEngine, PolicyFile, PolicySet, RuleRef};
use crate::report::{self, Check, FailOn, PolicyInfo, Report, GATE_VERSION, REPORT_SCHEMA_VERSION};
use crate::verify::evidence::Settings;
use crate::waiver::Waiver;
use crate::{Error, EvidenceError};

/// One piece of evidence to judge: a file or folder on disk, or bytes already in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceSource {
    /// A file (its kind must be known) or a folder (walked; files of no known kind are noted
    /// and skipped).
    Path(PathBuf),
    /// A document's bytes and the name to show for it (its evidence id). Its kind is detected
    /// from the content, and must be known.
    Bytes {
        /// The evidence id: what reports, diagnostics and `input.evidence[].id` call it.
        name: String,
        /// The document.
        bytes: Vec<u8>,
    },
}

impl EvidenceSource {
    /// A document in memory, named `name`.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self::Bytes {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

impl EvidenceSource {
    /// Files and folders, in order.
    pub fn paths<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Vec<Self> {
        paths.into_iter().map(|p| Self::Path(p.into())).collect()
    }
}

impl From<PathBuf> for EvidenceSource {
    fn from(p: PathBuf) -> Self {
        Self::Path(p)
    }
}

impl From<&Path> for EvidenceSource {
    fn from(p: &Path) -> Self {
        Self::Path(p.to_owned())
    }
}

/// Where the policies come from.
#[derive(Debug, Clone)]
enum Policies {
    /// The standard library embedded in gate-core.
    Embedded,
    /// Files and folders (`-p`).
    Paths(Vec<PathBuf>),
    /// Modules given as text: `(name, source)`.
    Texts(Vec<(String, String)>),
}

/// Settings for a [`Gate`]; [`GateBuilder::build`] compiles them. Every setting is optional:
/// `Gate::builder().build()` is the standard policies, at the current time, failing on denials.
#[derive(Debug, Clone)]
#[must_use]
pub struct GateBuilder {
    policies: Policies,
    data_paths: Vec<PathBuf>,
    data: Vec<serde_json::Value>,
    waiver_paths: Vec<PathBuf>,
    config: Option<PathBuf>,
    params: BTreeMap<String, String>,
    verify: Settings,
    now: Option<DateTime<Utc>>,
    fail_on: FailOn,
    timeout: Duration,
    max_memory: u64,
    threads: Option<usize>,
    free_in_background: bool,
}

impl Default for GateBuilder {
    fn default() -> Self {
        Self {
            policies: Policies::Embedded,
            data_paths: Vec::new(),
            data: Vec::new(),
            waiver_paths: Vec::new(),
            config: None,
            params: BTreeMap::new(),
            verify: Settings::default(),
            now: None,
            fail_on: FailOn::default(),
            timeout: policy::DEFAULT_TIMEOUT,
            max_memory: policy::DEFAULT_MAX_MEMORY,
            threads: None,
            free_in_background: false,
        }
    }
}

impl GateBuilder {
    /// Policy files and folders (every `*.rego` under a folder, tests left out) instead of the
    /// embedded standard library. Adds to earlier calls.
    ///
    /// Giving no path leaves the policies as they were.
    pub fn policies<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        let mut more = paths.into_iter().map(Into::into).peekable();
        if more.peek().is_none() {
            return self;
        }
        match &mut self.policies {
            Policies::Paths(p) => p.extend(more),
            _ => self.policies = Policies::Paths(more.collect()),
        }
        self
    }

    /// One Rego module from text, named `name` in reports and errors, instead of the embedded
    /// standard library. Adds to earlier calls.
    pub fn policy_text(mut self, name: impl Into<String>, rego: impl Into<String>) -> Self {
        let module = (name.into(), rego.into());
        match &mut self.policies {
            Policies::Texts(t) => t.push(module),
            _ => self.policies = Policies::Texts(vec![module]),
        }
        self
    }

    /// A JSON data document file (`-d`), merged under `data`.
    pub fn data_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.data_paths.push(path.into());
        self
    }

    /// A JSON data document, merged under `data` (after the files).
    pub fn data(mut self, document: serde_json::Value) -> Self {
        self.data.push(document);
        self
    }

    /// A waivers file (`--waivers`), applied after the `[[waiver]]` tables of the config.
    pub fn waivers(mut self, path: impl Into<PathBuf>) -> Self {
        self.waiver_paths.push(path.into());
        self
    }

    /// A `gate.toml` (`-c`): its waivers and its `[verify]` settings (flags win).
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// A `--param KEY=VALUE` pair, in `input.context.params`.
    pub fn param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.insert(key.into(), value.into());
        self
    }

    /// Signature verification expectations (trusted root, identity, key, artifact).
    pub fn verify(mut self, settings: Settings) -> Self {
        self.verify = settings;
        self
    }

    /// Judge as at `now` (dates, expiries, `time.now_ns()`); by default each check uses the
    /// time it starts.
    pub fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// What fails the verdict (default: denials).
    pub fn fail_on(mut self, fail_on: FailOn) -> Self {
        self.fail_on = fail_on;
        self
    }

    /// Wall-clock limit on one check's policy evaluation (default
    /// [`policy::DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Ceiling on the bytes the process holds while policies are evaluated (default
    /// [`policy::DEFAULT_MAX_MEMORY`]). The allocator counts the whole process, so checks
    /// running at the same time share it.
    pub fn max_memory(mut self, bytes: u64) -> Self {
        self.max_memory = bytes;
        self
    }

    /// Evaluate on at most `n` threads (at least one); by default one per core, at most 8. The
    /// report is the same whatever the count.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = Some(n.max(1));
        self
    }

    /// Free each check's evaluated input on a background thread instead of before
    /// [`Gate::check`] returns. A large input takes as long to free as to build; a command that
    /// exits after one check need not wait for it. Off by default.
    pub fn free_in_background(mut self, yes: bool) -> Self {
        self.free_in_background = yes;
        self
    }

    /// Load and compile everything: policies (compile errors name file, line and column), data
    /// documents, `# METADATA`, the config and the waivers.
    pub fn build(self) -> Result<Gate, Error> {
        let set = self.policy_set(false)?;
        let data = self.data_values()?;
        let mut engine = PolicyEngine::new(&set, data, &self.engine_options())?;
        if let Some(n) = self.threads {
            engine.set_threads(n);
        }
        let meta = MetaIndex::parse(set.files.iter().map(|f| (f.path.as_str(), f.text.as_str())))?;
        let (mut waivers, verify) = match &self.config {
            Some(path) => {
                let loaded = crate::config::Config::load(path)?;
                (loaded.waivers, self.verify.clone().or(loaded.verify))
            }
            None => (Vec::new(), self.verify.clone()),
        };
        for path in &self.waiver_paths {
            waivers.extend(crate::waiver::load(path)?);
        }
        crate::waiver::ensure_unique_ids(&waivers)?;
        let policies = set
            .files
            .iter()
            .map(|f| PolicyInfo {
                path: f.path.clone(),
                sha256: f.sha256(),
            })
            .collect();
        let checks = report::checks(engine.rules(), &meta);
        Ok(Gate {
            engine,
            checks,
            meta,
            waivers,
            verify,
            policies,
            params: self.params,
            now: self.now,
            fail_on: self.fail_on,
            free_in_background: self.free_in_background,
        })
    }
}

impl GateBuilder {
    /// Run the `test_*` rules of these policies (with their `*_test.rego` modules), with this
    /// builder's data, time and limits: `gate test`. `run` selects tests by name; `coverage`
    /// gathers line coverage.
    pub fn test(
        &self,
        run: Option<regex::Regex>,
        coverage: bool,
    ) -> Result<policy::testing::TestRun, Error> {
        let set = self.policy_set(true)?;
        let opts = policy::testing::TestOptions {
            engine: self.engine_options(),
            data: self.data_values()?,
            run,
            coverage,
        };
        policy::testing::run(&set, &opts)
    }

    /// Every file a check of `evidence` with these settings reads, listed without reading
    /// evidence or policies: evidence (folders walked), policies (folders walked), data,
    /// waivers, the config, and the trusted root, key and artifact that the settings or the
    /// config's `[verify]` name. Best effort: a path that cannot be listed is left out (the
    /// check itself then fails on it). `gate check` uses it to refuse an output that would
    /// overwrite an input.
    pub fn input_files(&self, evidence: &[PathBuf]) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for arg in evidence {
            if let Ok(listed) = evidence::list(std::slice::from_ref(arg)) {
                out.extend(listed.files.into_iter().map(|(path, _)| path));
            }
        }
        if let Policies::Paths(paths) = &self.policies {
            for p in paths {
                out.extend(policy::rego_files(p).unwrap_or_default());
            }
        }
        out.extend(self.data_paths.iter().cloned());
        out.extend(self.waiver_paths.iter().cloned());
        out.extend(self.config.iter().cloned());
        let mut settings = vec![self.verify.clone()];
        if let Some(loaded) = self
            .config
            .as_deref()
            .and_then(|c| crate::config::Config::load(c).ok())
        {
            settings.push(loaded.verify);
        }
        for s in settings {
            out.extend([s.trusted_root, s.key, s.artifact].into_iter().flatten());
        }
        out
    }

    /// The `input` document policies would see for `evidence` with these settings (params,
    /// verification, time), and what reading it noted: `gate inspect`. Policies are neither
    /// loaded nor compiled.
    pub fn inspect(&self, evidence: &[EvidenceSource]) -> Result<(Input, Collected), Error> {
        read(
            evidence,
            self.now.unwrap_or_else(Utc::now),
            &self.params,
            &self.verify,
        )
    }

    fn policy_set(&self, with_tests: bool) -> Result<PolicySet, Error> {
        Ok(match &self.policies {
            Policies::Embedded => PolicySet::embedded(with_tests),
            Policies::Paths(paths) => PolicySet::load(paths, with_tests)?,
            Policies::Texts(texts) => PolicySet {
                files: texts
                    .iter()
                    .map(|(path, text)| PolicyFile {
                        path: path.clone(),
                        text: text.clone(),
                    })
                    .filter(|f| with_tests || !f.is_test())
                    .collect(),
            },
        })
    }

    fn data_values(&self) -> Result<Vec<regorus::Value>, Error> {
        let mut data = self
            .data_paths
            .iter()
            .map(|p| policy::read_data(p))
            .collect::<Result<Vec<_>, _>>()?;
        for d in &self.data {
            data.push(
                regorus::Value::from_json_str(&d.to_string())
                    .map_err(|e| Error::Usage(format!("data document: {e}")))?,
            );
        }
        Ok(data)
    }

    fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            now_ns: now_ns(self.now.unwrap_or_else(Utc::now)),
            timeout: self.timeout,
            max_memory: self.max_memory,
        }
    }
}

fn now_ns(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// Compiled policies with their settings, ready to judge evidence: the whole of `gate check`
/// as a value. Build it once with [`Gate::builder`]; each [`Gate::check`] reads its evidence and
/// evaluates on its own copy of the compiled policies, so a gate serves any number of checks,
/// and a clone (cheap) serves another thread.
///
/// ```
/// use gate_core::{EvidenceSource, Gate, Verdict};
///
/// let gate = Gate::builder().build()?;
/// let junit = r#"<testsuite name="unit" tests="1" failures="1">
///   <testcase classname="app" name="adds"><failure message="1 != 2"/></testcase>
/// </testsuite>"#;
/// let report = gate.check(&[EvidenceSource::bytes("junit.xml", junit)])?;
/// assert_eq!(report.verdict, Verdict::Fail);
/// assert!(report.results.iter().any(|r| r.code == "tests.failed"));
/// # Ok::<(), gate_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Gate {
    engine: PolicyEngine,
    checks: Vec<Check>,
    meta: MetaIndex,
    waivers: Vec<Waiver>,
    verify: Settings,
    policies: Vec<PolicyInfo>,
    params: BTreeMap<String, String>,
    now: Option<DateTime<Utc>>,
    fail_on: FailOn,
    free_in_background: bool,
}

impl Gate {
    /// Start building a gate.
    pub fn builder() -> GateBuilder {
        GateBuilder::default()
    }

    /// The `deny`/`violation`/`warn` rules each check evaluates.
    pub fn rules(&self) -> &[RuleRef] {
        self.engine.rules()
    }

    /// Judge `evidence`: read it, build the `input` document, evaluate every rule, apply the
    /// waivers, and return the report (data; rendering is the caller's).
    pub fn check(&self, evidence: &[EvidenceSource]) -> Result<Report, Error> {
        let now = self.now.unwrap_or_else(Utc::now);
        let (input, collected) = self.read(evidence, now)?;
        if collected.evidence.is_empty() {
            return Err(Error::Usage(format!(
                "no evidence found in {}: nothing to judge, so no verdict",
                describe(evidence)
            )));
        }
        // The report lists the evidence by id, so naming the same files in another order gives
        // the same bytes (`input.evidence` keeps argument order for policies).
        let mut evidence_info = input.evidence.clone();
        evidence_info.sort_by(|a, b| a.id.cmp(&b.id));
        let value = input.into_value()?;
        let mut engine = self.engine.clone();
        engine.set_now_ns(now_ns(now));
        let raw = engine.evaluate(value)?;
        if self.free_in_background {
            std::thread::spawn(move || drop(engine));
        } else {
            drop(engine);
        }

        let mut results = report::decisions_with(raw, &self.meta, Some(now));
        let (waiver_outcomes, waiver_notes) =
            report::apply_waivers(&mut results, &self.waivers, now);
        let (verdict, summary) = report::verdict(&results, self.rules().len(), self.fail_on);
        let mut diagnostics = collected.diagnostics;
        diagnostics.extend(waiver_notes);
        diagnostics.sort();
        Ok(Report {
            schema_version: REPORT_SCHEMA_VERSION,
            gate_version: GATE_VERSION.to_owned(),
            verdict,
            summary,
            results,
            waivers: waiver_outcomes,
            evidence: evidence_info,
            policies: self.policies.clone(),
            diagnostics,
            errors: Vec::new(),
            now: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            checks: self.checks.clone(),
            fail_on: self.fail_on,
        })
    }

    /// The `input` document policies would see for `evidence` (with this gate's params and
    /// verification settings), and what reading it noted.
    pub fn inspect(&self, evidence: &[EvidenceSource]) -> Result<(Input, Collected), Error> {
        self.read(evidence, self.now.unwrap_or_else(Utc::now))
    }

    fn read(
        &self,
        evidence: &[EvidenceSource],
        now: DateTime<Utc>,
    ) -> Result<(Input, Collected), Error> {
        read(evidence, now, &self.params, &self.verify)
    }
}

/// Read `evidence` and build the `input` document.
fn read(
    evidence: &[EvidenceSource],
    now: DateTime<Utc>,
    params: &BTreeMap<String, String>,
    verify: &Settings,
) -> Result<(Input, Collected), Error> {
    if evidence.is_empty() {
        return Err(Error::Usage(
            "no evidence given: name files or folders to read".into(),
        ));
    }
    let collected = collect(evidence)?;
    crate::check::assemble(collected, now, params, verify)
}

/// Read every source in order: paths as `gate check` reads its arguments, bytes detected and
/// read under their name. A name given twice is read once. Every source is read even when another
/// fails, and the error names every problem.
fn collect(sources: &[EvidenceSource]) -> Result<Collected, Error> {
    let paths: Vec<PathBuf> = sources
        .iter()
        .filter_map(|s| match s {
            EvidenceSource::Path(p) => Some(p.clone()),
            EvidenceSource::Bytes { .. } => None,
        })
        .collect();
    if paths.len() == sources.len() {
        return evidence::collect(&paths);
    }
    let mut out = Collected::default();
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for source in sources {
        match source {
            EvidenceSource::Path(p) => match evidence::collect(std::slice::from_ref(p)) {
                Ok(part) => {
                    out.diagnostics.extend(part.diagnostics);
                    for ev in part.evidence {
                        if seen.insert(ev.info.id.clone()) {
                            out.evidence.push(ev);
                        }
                    }
                }
                Err(e) => errors.push(e),
            },
            EvidenceSource::Bytes { name, bytes } => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                match read_bytes(name, bytes) {
                    Ok(ev) => {
                        out.diagnostics.extend(ev.diagnostics.iter().cloned());
                        out.evidence.push(ev);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    match Error::from_all(errors) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Detect and read one in-memory document; a document of no known kind is an error, as a file
/// named explicitly is.
fn read_bytes(name: &str, bytes: &[u8]) -> Result<evidence::Evidence, Error> {
    let wrap = |problem: EvidenceError| Error::Evidence {
        path: PathBuf::from(name),
        problem,
    };
    let text = crate::source::text::decode(bytes).map_err(wrap)?;
    match evidence::detect(&text).map_err(wrap)? {
        Detected::Known(kind) => evidence::read_as(kind, name, bytes),
        Detected::Unknown(reason) => Err(Error::UnknownKind {
            path: PathBuf::from(name),
            reason,
        }),
    }
}

fn describe(sources: &[EvidenceSource]) -> String {
    sources
        .iter()
        .map(|s| match s {
            EvidenceSource::Path(p) => p.display().to_string(),
            EvidenceSource::Bytes { name, .. } => name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
