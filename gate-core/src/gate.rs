//! The library's front door: build a [`Gate`] once (policies compiled, data, waivers and
//! settings loaded), then judge any number of evidence sets with it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::{Config, LoadedConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::evidence::{self, Collected, Detected};
use crate::input::{Attestation, Input, Verification};
use crate::kinds::{self, EvidenceKind};
use crate::policy::data::{DataDoc, Origin};
use crate::policy::metadata::MetaIndex;
use crate::policy::settings::Declarations;
use crate::policy::{self, EngineOptions, PolicyEngine, PolicyFile, PolicySet, RuleRef};
use crate::report::{self, Check, FailOn, PolicyInfo, Report, GATE_VERSION, REPORT_SCHEMA_VERSION};
use crate::select::Selector;
use crate::verify::Settings;
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
    profile: Option<String>,
    params: BTreeMap<String, String>,
    verify: Settings,
    now: Option<DateTime<Utc>>,
    fail_on: Option<FailOn>,
    require: Vec<EvidenceKind>,
    namespaces: Vec<String>,
    skip: Vec<String>,
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
            profile: None,
            params: BTreeMap::new(),
            verify: Settings::default(),
            now: None,
            fail_on: None,
            require: Vec::new(),
            namespaces: Vec::new(),
            skip: Vec::new(),
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

    /// A data document (`-d`), merged under `data`: a JSON or YAML (`.yaml`/`.yml`) file, or a
    /// folder walked for them (a file in a subfolder lands under that subfolder's path, as OPA
    /// loads data). What it sets under `data.gate.config` must be settings a loaded policy
    /// declares.
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

    /// A `gate.toml` (`-c`): its policies, data, settings, parameters, required evidence,
    /// selection, waivers and `[verify]` settings. What this builder is given besides wins: its
    /// policies replace the file's, its parameters and `fail_on` override, its data, waivers,
    /// required kinds and selection add to the file's, its verification settings override key
    /// by key.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// Use `dir/gate.toml` as [`GateBuilder::config`] when there is one (the `gate` command
    /// looks in its working folder unless given `-c` or `--no-config`).
    pub fn find_config(self, dir: impl AsRef<Path>) -> Self {
        match crate::config::discover(dir.as_ref()) {
            Some(path) => self.config(path),
            None => self,
        }
    }

    /// Apply the config's `[profile.NAME]` table (`--profile`). Without a config, building
    /// fails.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Evidence kinds each check must have (adds to the config's `require`): a check whose
    /// evidence covers none of a kind fails with [`Error::RequiredEvidence`] naming it.
    pub fn require(mut self, kinds: impl IntoIterator<Item = EvidenceKind>) -> Self {
        for k in kinds {
            if !self.require.contains(&k) {
                self.require.push(k);
            }
        }
        self
    }

    /// Evaluate only the policy packages matching one of these globs (`--namespace`; adds to
    /// the config's). A glob that matches no package is an error.
    pub fn namespaces<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.namespaces.extend(globs.into_iter().map(Into::into));
        self
    }

    /// Leave out the packages and result codes matching these globs (`--skip`; adds to the
    /// config's). The report's `selection` lists what was left out.
    pub fn skip<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.skip.extend(globs.into_iter().map(Into::into));
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

    /// What fails the verdict (default: the config's `fail_on`, else denials).
    pub fn fail_on(mut self, fail_on: FailOn) -> Self {
        self.fail_on = Some(fail_on);
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

    /// Load and compile everything: the config (with its profile), policies (compile errors
    /// name file, line and column), data documents and settings (checked against what the
    /// policies declare), `# METADATA`, the rule selection and the waivers.
    pub fn build(self) -> Result<Gate, Error> {
        let config = self.load_config()?;
        let set = self.policy_set_with(config.as_ref(), false)?;
        let docs = self.data_docs(config.as_ref())?;
        let meta = MetaIndex::parse(set.files.iter().map(|f| (f.path.as_str(), f.text.as_str())))?;
        let declared = Declarations::from_meta(&meta, |file| {
            set.files.iter().any(|f| f.path == file && f.is_embedded())
        })?;
        for d in &docs {
            declared.check_data(d)?;
        }
        let mut params = config
            .as_ref()
            .map(|c| c.params.clone())
            .unwrap_or_default();
        params.extend(self.params.clone());
        declared
            .check_params(&params)
            .map_err(|message| Error::Settings {
                path: None,
                problem: EvidenceError::new(message),
            })?;
        let data = engine_data(docs);
        let mut engine = PolicyEngine::new(&set, data, &self.engine_options())?;
        if let Some(n) = self.threads {
            engine.set_threads(n);
        }
        let (mut namespaces, mut skip) = config
            .as_ref()
            .map(|c| (c.namespace.clone(), c.skip.clone()))
            .unwrap_or_default();
        namespaces.extend(self.namespaces.iter().cloned());
        skip.extend(self.skip.iter().cloned());
        let mut selector = Selector::new(&namespaces, &skip)?;
        selector.select_rules(&mut engine, &meta)?;
        let mut require = config
            .as_ref()
            .map(|c| c.require.clone())
            .unwrap_or_default();
        for k in &self.require {
            if !require.contains(k) {
                require.push(*k);
            }
        }
        let (mut waivers, verify) = match &config {
            Some(loaded) => {
                let mut w = loaded.waivers.clone();
                for path in &loaded.waiver_files {
                    w.extend(crate::waiver::load(path)?);
                }
                (w, self.verify.clone().or(loaded.verify.clone()))
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
        let fail_on = self
            .fail_on
            .or(config.as_ref().and_then(|c| c.fail_on))
            .unwrap_or_default();
        let checks = report::checks(engine.rules(), &meta);
        Ok(Gate {
            engine,
            checks,
            meta,
            waivers,
            verify,
            policies,
            params,
            now: self.now,
            fail_on,
            free_in_background: self.free_in_background,
            require,
            selector,
            config: config.as_ref().map(|c| crate::files::evidence_id(&c.path)),
            profile: config.and_then(|c| c.profile),
        })
    }

    /// The config, its profile applied; a profile without a config is an error.
    fn load_config(&self) -> Result<Option<LoadedConfig>, Error> {
        match (&self.config, &self.profile) {
            (Some(path), profile) => Config::load(path, profile.as_deref()).map(Some),
            (None, Some(name)) => Err(Error::Usage(format!(
                "--profile `{name}`: no gate.toml was given or found in the working folder"
            ))),
            (None, None) => Ok(None),
        }
    }

    /// Every data document in merge order: the config's data files, its settings tables (the
    /// profile's merged over the top level's), then this builder's files and documents.
    fn data_docs(&self, config: Option<&LoadedConfig>) -> Result<Vec<DataDoc>, Error> {
        let mut docs = Vec::new();
        if let Some(c) = config {
            for p in &c.data {
                docs.extend(policy::data::read(p)?);
            }
            for t in c.settings.iter().filter(|t| !t.value.is_empty()) {
                docs.push(DataDoc {
                    origin: Origin::Config {
                        path: c.path.clone(),
                        table: t.table.clone(),
                    },
                    value: serde_json::json!({"gate": {"config": t.value}}),
                });
            }
        }
        for p in &self.data_paths {
            docs.extend(policy::data::read(p)?);
        }
        for d in &self.data {
            if !d.is_object() {
                return Err(Error::Usage(
                    "data document: a data document must be a JSON object".into(),
                ));
            }
            docs.push(DataDoc {
                origin: Origin::Memory,
                value: d.clone(),
            });
        }
        Ok(docs)
    }
}

/// The documents as the engine takes them. The settings tables of the config (the top level's
/// and the profile's) become one document, the profile's keys over the top level's; every
/// other document stays apart, so a key two of them set differently is an error.
fn engine_data(docs: Vec<DataDoc>) -> Vec<regorus::Value> {
    let mut out = Vec::new();
    let mut settings: Option<serde_json::Map<String, serde_json::Value>> = None;
    for d in docs {
        match (d.origin, d.value) {
            (Origin::Config { .. }, serde_json::Value::Object(m)) => {
                deep_merge(settings.get_or_insert_with(Default::default), m);
            }
            (_, value) => out.push(regorus::Value::from(value)),
        }
    }
    if let Some(m) = settings {
        out.insert(0, regorus::Value::from(serde_json::Value::Object(m)));
    }
    out
}

/// Merge `more` into `into`: objects key by key, anything else replaced.
fn deep_merge(
    into: &mut serde_json::Map<String, serde_json::Value>,
    more: serde_json::Map<String, serde_json::Value>,
) {
    for (k, v) in more {
        match (into.get_mut(&k), v) {
            (Some(serde_json::Value::Object(a)), serde_json::Value::Object(b)) => deep_merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
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
        let set = self.policy_set_with(None, true)?;
        let opts = policy::testing::TestOptions {
            engine: self.engine_options(),
            data: engine_data(self.data_docs(None)?),
            run,
            coverage,
        };
        policy::testing::run(&set, &opts)
    }

    /// Verify one Sigstore bundle or DSSE envelope (or, with `signature`, a detached keyed
    /// signature over the artifact) against this builder's [`Settings`], offline: `gate verify`.
    /// No artifact or digest, unreadable input, or a keyless signature without the expected
    /// identity *and* issuer is an error (a keyless certificate alone proves only that someone
    /// with an OIDC account signed); a signature that does not verify is an outcome with
    /// `verified: false`.
    pub fn verify_signature(
        &self,
        bundle: Option<&Path>,
        signature: Option<&Path>,
    ) -> Result<(Verification, Vec<Attestation>), Error> {
        let s = &self.verify;
        let (v, atts) = crate::verify::verify_file(bundle, signature, s)?;
        if v.keyless {
            let identity =
                s.certificate_identity.is_some() || s.certificate_identity_regexp.is_some();
            let issuer =
                s.certificate_oidc_issuer.is_some() || s.certificate_oidc_issuer_regexp.is_some();
            if !(identity && issuer) {
                return Err(Error::Usage(format!(
                    "a keyless (certificate) signature needs the expected signer: give \
                     --certificate-identity or --certificate-identity-regexp, and \
                     --certificate-oidc-issuer or --certificate-oidc-issuer-regexp (the \
                     certificate names identity `{}`, issuer `{}`)",
                    v.identity.as_deref().unwrap_or("(none gate can read)"),
                    v.issuer.as_deref().unwrap_or("(none)"),
                )));
            }
        }
        Ok((v, atts))
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
        if let Ok(Some(loaded)) = self.load_config() {
            if matches!(self.policies, Policies::Embedded) {
                for p in loaded.policies.iter().flatten() {
                    out.extend(policy::rego_files(p).unwrap_or_default());
                }
            }
            out.extend(loaded.data.iter().cloned());
            out.extend(loaded.waiver_files.iter().cloned());
            settings.push(loaded.verify);
        }
        for s in settings {
            out.extend([s.trusted_root, s.key, s.artifact].into_iter().flatten());
        }
        out
    }

    /// The `input` document policies would see for `evidence` with these settings (params and
    /// verification, the config's under this builder's; time), and what reading it noted:
    /// `gate inspect`. Policies are neither loaded nor compiled.
    pub fn inspect(&self, evidence: &[EvidenceSource]) -> Result<(Input, Collected), Error> {
        let config = self.load_config()?;
        let mut params = config
            .as_ref()
            .map(|c| c.params.clone())
            .unwrap_or_default();
        params.extend(self.params.clone());
        let verify = match config {
            Some(c) => self.verify.clone().or(c.verify),
            None => self.verify.clone(),
        };
        read(
            evidence,
            self.now.unwrap_or_else(Utc::now),
            &params,
            &verify,
        )
    }

    /// The policies: this builder's, else the config's, else the embedded standard library.
    fn policy_set_with(
        &self,
        config: Option<&LoadedConfig>,
        with_tests: bool,
    ) -> Result<PolicySet, Error> {
        Ok(match &self.policies {
            Policies::Embedded => match config.and_then(|c| c.policies.as_ref()) {
                Some(paths) => PolicySet::load(paths, with_tests)?,
                None => PolicySet::embedded(with_tests),
            },
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
    require: Vec<EvidenceKind>,
    selector: Selector,
    config: Option<String>,
    profile: Option<String>,
}

/// At most this many test cases, findings, components and dependencies together make a small
/// input: evaluated on the calling check's one evaluation thread as one query, and freed in
/// place (`PolicyEngine::evaluate_small`). A few thousand facts evaluate in milliseconds.
const SMALL_INPUT_FACTS: usize = 2_000;

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
        let covered = kinds::covered(&collected.evidence, &input);
        self.check_required(&covered, evidence)?;
        let absent = kinds::absent(&covered);
        // The report lists the evidence by id, so naming the same files in another order gives
        // the same bytes (`input.evidence` keeps argument order for policies).
        let mut evidence_info = input.evidence.clone();
        evidence_info.sort_by(|a, b| a.id.cmp(&b.id));
        let small = input.tests.cases.len()
            + input.findings.len()
            + input.sbom.components.len()
            + input.sbom.dependencies.len()
            <= SMALL_INPUT_FACTS;
        let value = input.into_value()?;
        let mut engine = self.engine.clone();
        engine.set_now_ns(now_ns(now));
        let raw = if small {
            engine.evaluate_small(value)?
        } else {
            engine.evaluate(value)?
        };
        if self.free_in_background && !small {
            std::thread::spawn(move || drop(engine));
        } else {
            drop(engine);
        }

        let mut results = report::decisions_with(raw, &self.meta, Some(now));
        let selected = self.selector.filter_results(&mut results, self.rules());
        let (waiver_outcomes, waiver_notes) =
            report::apply_waivers(&mut results, &self.waivers, now);
        let (verdict, summary) = report::verdict(&results, self.rules().len(), self.fail_on);
        let mut diagnostics = collected.diagnostics;
        diagnostics.extend(waiver_notes);
        if self.require.is_empty() && !absent.is_empty() {
            diagnostics.push(absent_note(&absent));
        }
        let selection = selected.map(|(record, unmatched)| {
            for glob in unmatched {
                diagnostics.push(Diagnostic {
                    code: Code::SkipUnmatched,
                    path: None,
                    line: None,
                    message: format!(
                        "--skip `{glob}` matched no policy package, no declared code and no \
                         result: it skipped nothing"
                    ),
                });
            }
            record
        });
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
            absent_evidence: absent.iter().map(|k| k.as_str().to_owned()).collect(),
            config: self.config.clone(),
            profile: self.profile.clone(),
            selection,
        })
    }

    /// The evidence kinds each check must have.
    pub fn required(&self) -> &[EvidenceKind] {
        &self.require
    }

    /// Refuse a check whose evidence lacks a required kind, naming each missing kind and what
    /// would cover it.
    fn check_required(
        &self,
        covered: &std::collections::BTreeSet<EvidenceKind>,
        evidence: &[EvidenceSource],
    ) -> Result<(), Error> {
        let missing: Vec<EvidenceKind> = self
            .require
            .iter()
            .copied()
            .filter(|k| !covered.contains(k))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let by = match (&self.config, &self.profile) {
            (Some(c), Some(p)) => format!(" (required by `{c}` profile `{p}`)"),
            (Some(c), None) => format!(" (required by `{c}`)"),
            _ => String::new(),
        };
        let each: Vec<String> = missing
            .iter()
            .map(|k| format!("`{k}`: {}", k.description()))
            .collect();
        let given: Vec<&str> = covered.iter().map(|k| k.as_str()).collect();
        Err(Error::RequiredEvidence {
            missing: missing.iter().map(|k| k.as_str().to_owned()).collect(),
            message: format!(
                "required evidence is missing{by}: {}; the evidence given ({}) covers {}",
                each.join("; "),
                describe(evidence),
                if given.is_empty() {
                    "no kind gate requires".to_owned()
                } else {
                    given.join(", ")
                }
            ),
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

/// The note that some evidence kinds were not given at all.
fn absent_note(absent: &[EvidenceKind]) -> Diagnostic {
    let names: Vec<String> = absent.iter().map(|k| format!("`{k}`")).collect();
    Diagnostic {
        code: Code::EvidenceAbsent,
        path: None,
        line: None,
        message: format!(
            "no {} evidence was given: the policies about it judged nothing (name the kinds a \
             release needs in gate.toml `require`)",
            names.join(", ")
        ),
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
