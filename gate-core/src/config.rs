//! `gate.toml`: a project's gate configuration, read with unknown keys refused.
//!
//! It names the policies, data documents, policy settings and parameters, waivers, verification
//! expectations, the evidence kinds a release must carry (`require`), what fails the verdict
//! (`fail_on`) and the rule selection (`namespace`, `skip`); `[profile.NAME]` tables override any
//! of them for one use (`--profile release`). Paths are relative to the file's folder. Like
//! cargo-deny's `deny.toml`, the `gate` command reads `gate.toml` from the working folder when no
//! `-c/--config` is given (`--no-config` turns that off); the report names the file it read.
//! docs/config.md documents it and docs/gate-toml.schema.json is its JSON Schema (generated
//! from these types, kept current by a test). Not here: what the settings mean (the policies
//! declare that, see `policy::settings`) or applying any of it (see `crate::Gate`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::kinds::EvidenceKind;
use crate::report::FailOn;
use crate::source::text::line_col;
use crate::verify::evidence::Settings;
use crate::waiver::{self, Waiver, WaiverSpec};
use crate::{Error, EvidenceError};

/// The file name gate looks for in the working folder.
pub const FILE_NAME: &str = "gate.toml";

/// The settings one layer of `gate.toml` can give: the file's top level, or a profile. `P` is
/// what its `profile` key holds: the profiles at the top level, nothing in a profile (profiles
/// do not nest).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layer<P: Default> {
    /// Rego policy files and folders (folders are walked for `*.rego`, tests left out), relative
    /// to this file. Without it, the embedded standard policies. `-p` replaces it.
    pub policies: Option<Vec<PathBuf>>,
    /// Data documents merged under `data`: JSON or YAML files, or folders of them, relative to
    /// this file. `-d` adds to it.
    pub data: Option<Vec<PathBuf>>,
    /// Policy settings, merged under `data.gate.config`: `[settings.vulnerabilities]` sets
    /// `data.gate.config.vulnerabilities`. Each key must be one a loaded policy declares.
    #[serde(default)]
    pub settings: serde_json::Map<String, serde_json::Value>,
    /// Parameters for policies, in `input.context.params` (strings). `--param` overrides one.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Evidence kinds a check must have; a kind missing stops the check with exit 2 naming it.
    #[schemars(with = "Option<Vec<EvidenceKindName>>")]
    pub require: Option<Vec<Spanned<String>>>,
    /// What fails the verdict: `deny` (unwaived denials, the default) or `warn` (warnings too).
    /// `--fail-on` overrides it.
    pub fail_on: Option<FailOnSetting>,
    /// Evaluate only the policy packages matching one of these globs (`gate.tests`, `acme.*`).
    pub namespace: Option<Vec<String>>,
    /// Leave out the packages (`gate.sbom`) and result codes (`licenses.*`) matching these
    /// globs; the report lists what was left out.
    pub skip: Option<Vec<String>>,
    /// Waiver files (TOML `[[waiver]]` tables), relative to this file, applied after this
    /// file's own `[[waiver]]` tables.
    pub waiver_files: Option<Vec<PathBuf>>,
    /// `[verify]`: signature verification expectations (see docs/verification.md).
    #[serde(default)]
    pub verify: Settings,
    /// Waivers, one `[[waiver]]` table each (see docs/waivers.md).
    #[serde(default)]
    pub waiver: Vec<WaiverSpec>,
    /// `[profile.NAME]` tables: each overrides this level's settings when chosen with
    /// `--profile NAME`.
    #[serde(default)]
    pub profile: P,
}

/// The whole `gate.toml`, as written.
pub type Config = Layer<BTreeMap<String, Profile>>;

/// One `[profile.NAME]` table.
pub type Profile = Layer<NoProfiles>;

/// The `profile` key of a profile: never given (profiles do not nest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoProfiles;

impl<'de> Deserialize<'de> for NoProfiles {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "profiles do not nest: a `[profile.NAME]` table holds no `profile`",
        ))
    }
}

impl JsonSchema for NoProfiles {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NoProfiles".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Profiles do not nest: a profile holds no `profile` table.",
            "not": {}
        })
    }
}

/// An evidence kind's name in `require`, for the schema: one of the known kinds.
#[derive(Debug)]
pub struct EvidenceKindName;

impl JsonSchema for EvidenceKindName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EvidenceKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let one_of: Vec<serde_json::Value> = EvidenceKind::all()
            .map(|k| serde_json::json!({"const": k.as_str(), "description": k.description()}))
            .collect();
        schemars::json_schema!({
            "description": "An evidence kind (see docs/config.md#required-evidence).",
            "type": "string",
            "oneOf": one_of
        })
    }
}

/// `fail_on` as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOnSetting {
    /// Unwaived denials fail the verdict.
    Deny,
    /// Unwaived denials and warnings fail the verdict.
    Warn,
}

impl From<FailOnSetting> for FailOn {
    fn from(f: FailOnSetting) -> Self {
        match f {
            FailOnSetting::Deny => FailOn::Deny,
            FailOnSetting::Warn => FailOn::Warn,
        }
    }
}

/// A settings table of `gate.toml`, with the name to show for it (`[settings]`,
/// `[profile.release.settings]`).
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsTable {
    /// How the table is written.
    pub table: String,
    /// Its content, as it lands under `data.gate.config`.
    pub value: serde_json::Map<String, serde_json::Value>,
}

/// A read and validated `gate.toml`, its chosen profile applied: what a check uses of it.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    /// The file it came from.
    pub path: PathBuf,
    /// The profile applied, if one was chosen.
    pub profile: Option<String>,
    /// Policy paths (resolved against the file's folder), when given.
    pub policies: Option<Vec<PathBuf>>,
    /// Data document paths, resolved.
    pub data: Vec<PathBuf>,
    /// The settings tables, top level first, then the profile's (checked one by one, merged in
    /// that order).
    pub settings: Vec<SettingsTable>,
    /// Parameters, the profile's over the top level's.
    pub params: BTreeMap<String, String>,
    /// Evidence kinds required.
    pub require: Vec<EvidenceKind>,
    /// What fails the verdict, when given.
    pub fail_on: Option<FailOn>,
    /// Namespace globs.
    pub namespace: Vec<String>,
    /// Skip globs.
    pub skip: Vec<String>,
    /// Waiver files, resolved.
    pub waiver_files: Vec<PathBuf>,
    /// Its waivers (the top level's, then the profile's), validated.
    pub waivers: Vec<Waiver>,
    /// Its `[verify]` section (the profile's keys over the top level's), paths resolved.
    pub verify: Settings,
}

impl Config {
    /// Read and validate `gate.toml` at `path`, with `profile` applied when given (an unknown
    /// profile is an error naming the known ones).
    pub fn load(path: &Path, profile: Option<&str>) -> Result<LoadedConfig, Error> {
        let text = waiver::read_text(path)?;
        let mut cfg: Config = crate::source::toml::parse(path, &text, "waiver")?;
        let base = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let chosen = match profile {
            Some(name) => {
                let known: Vec<String> = cfg.profile.keys().cloned().collect();
                let p = cfg.profile.remove(name).ok_or_else(|| Error::Config {
                    path: path.to_owned(),
                    problem: EvidenceError::new(format!(
                        "no profile `{name}` (profiles: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    )),
                })?;
                Some((name.to_owned(), p))
            }
            None => None,
        };
        let mut waivers = waiver::validate(path, &text, std::mem::take(&mut cfg.waiver))?;
        let mut out = LoadedConfig {
            path: path.to_owned(),
            profile: None,
            policies: cfg.policies.as_ref().map(|p| resolve(&base, p)),
            data: resolve(&base, cfg.data.as_deref().unwrap_or_default()),
            settings: vec![SettingsTable {
                table: "[settings]".to_owned(),
                value: std::mem::take(&mut cfg.settings),
            }],
            params: std::mem::take(&mut cfg.params),
            require: kinds(path, &text, cfg.require.as_deref().unwrap_or_default())?,
            fail_on: cfg.fail_on.map(FailOn::from),
            namespace: cfg.namespace.clone().unwrap_or_default(),
            skip: cfg.skip.clone().unwrap_or_default(),
            waiver_files: resolve(&base, cfg.waiver_files.as_deref().unwrap_or_default()),
            waivers: Vec::new(),
            verify: cfg.verify.clone().relative_to(&base),
        };
        if let Some((name, p)) = chosen {
            let table = format!("profile.{name}.waiver");
            waivers.extend(waiver::validate_tables(path, &text, p.waiver, &table)?);
            if let Some(policies) = &p.policies {
                out.policies = Some(resolve(&base, policies));
            }
            if let Some(data) = &p.data {
                out.data = resolve(&base, data);
            }
            out.settings.push(SettingsTable {
                table: format!("[profile.{name}.settings]"),
                value: p.settings,
            });
            out.params.extend(p.params);
            if let Some(require) = &p.require {
                out.require = kinds(path, &text, require)?;
            }
            if let Some(f) = p.fail_on {
                out.fail_on = Some(f.into());
            }
            if let Some(ns) = p.namespace {
                out.namespace = ns;
            }
            if let Some(skip) = p.skip {
                out.skip = skip;
            }
            if let Some(files) = &p.waiver_files {
                out.waiver_files = resolve(&base, files);
            }
            out.verify = p.verify.relative_to(&base).or(out.verify);
            out.profile = Some(name);
        }
        out.waivers = waivers;
        Ok(out)
    }
}

/// `paths` relative to `base` (absolute ones as they are).
fn resolve(base: &Path, paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|p| {
            if p.is_absolute() || base == Path::new(".") {
                p.clone()
            } else {
                base.join(p)
            }
        })
        .collect()
}

/// The evidence kinds of a `require` list; an unknown name is an error at its position naming
/// the known ones.
fn kinds(path: &Path, text: &str, names: &[Spanned<String>]) -> Result<Vec<EvidenceKind>, Error> {
    let mut out = Vec::new();
    for n in names {
        let kind = EvidenceKind::parse(n.get_ref()).map_err(|message| {
            let (line, column) = line_col(text, n.span().start);
            Error::Config {
                path: path.to_owned(),
                problem: EvidenceError::at(format!("require: {message}"), line, column),
            }
        })?;
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

/// The `gate.toml` in `dir`, if there is one (a regular file or a link to one).
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let path = if dir == Path::new(".") || dir.as_os_str().is_empty() {
        PathBuf::from(FILE_NAME)
    } else {
        dir.join(FILE_NAME)
    };
    fs_err::metadata(&path)
        .is_ok_and(|m| m.is_file())
        .then_some(path)
}

/// The JSON Schema of `gate.toml` (draft 2020-12), as shipped in docs/gate-toml.schema.json.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Config).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://gate.invalid/schemas/gate-toml-v1.json".into(),
        );
        obj.insert("title".into(), "gate.toml".into());
        obj.insert(
            "description".into(),
            "gate's project configuration (TOML; see docs/config.md).".into(),
        );
    }
    // The one layer in the definitions is a profile's: call it so.
    let text = schema
        .to_string()
        .replace("\"Layer\":", "\"Profile\":")
        .replace("\"#/$defs/Layer\"", "\"#/$defs/Profile\"");
    serde_json::from_str(&text).unwrap_or(schema)
}

/// What `gate init` writes: a commented starter `gate.toml` that reads as the defaults do,
/// with the common settings shown commented out.
pub const STARTER: &str = include_str!("config/starter.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn load_in(dir: &Path, text: &str, profile: Option<&str>) -> Result<LoadedConfig, Error> {
        let path = dir.join("gate.toml");
        fs_err::write(&path, text).unwrap();
        Config::load(&path, profile)
    }

    fn load(text: &str) -> Result<LoadedConfig, Error> {
        let dir = tempfile::tempdir().unwrap();
        load_in(dir.path(), text, None)
    }

    const OK: &str = r#"
[[waiver]]
id = "W-1"
code = "vulnerabilities.fixable"
subject = "CVE-2021-44228@pkg:maven/*"
owner = "security@example.com"
reason = "patched in our fork"
expires = 2026-12-31
"#;

    #[test]
    fn waivers_are_read_from_the_config() {
        let c = load(OK).unwrap();
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.waivers[0].id, "W-1");
        assert_eq!(c.waivers[0].line, 2);
        assert!(load("").unwrap().waivers.is_empty());
    }

    #[test]
    fn unknown_sections_and_keys_are_errors_with_positions() {
        let e = load("[verifyy]\nx = 1\n").unwrap_err().to_string();
        assert!(e.contains("gate.toml:1:"), "{e}");
        assert!(e.contains("unknown field `verifyy`"), "{e}");
        let e = load(&format!("{OK}colour = \"red\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("gate.toml:9:1"), "{e}");
        assert!(e.contains("waiver 1 (`W-1`)"), "{e}");
        assert!(e.contains("unknown field `colour`"), "{e}");
        let e = load("[[waiver]\n").unwrap_err().to_string();
        assert!(e.contains("gate.toml:1:"), "{e}");
        let e = load("[profile.a.profile.b]\n").unwrap_err().to_string();
        assert!(e.contains("profiles do not nest"), "{e}");
        let e = load("fail_on = \"warning\"\n").unwrap_err().to_string();
        assert!(e.contains("gate.toml:1:11"), "{e}");
        assert!(e.contains("expected `deny` or `warn`"), "{e}");
    }

    const PROFILES: &str = r#"
policies = ["policies"]
require = ["tests"]
skip = ["licenses.*"]

[params]
env = "dev"
team = "core"

[settings.vulnerabilities]
blocking_severities = ["critical"]

[verify]
certificate-identity = "a@example.com"
trusted-root = "root.json"

[profile.release]
require = ["tests", "sbom", "vulnerabilities"]
fail_on = "warn"
skip = []

[profile.release.params]
env = "prod"

[profile.release.settings.vulnerabilities]
blocking_severities = ["critical", "high"]

[profile.release.verify]
certificate-oidc-issuer = "https://issuer.example"

[[profile.release.waiver]]
code = "tests.failed"
subject = "flaky::t"
owner = "qa@example.com"
reason = "known flaky"
expires = 2030-01-01
"#;

    #[test]
    fn a_profile_overrides_the_top_level() {
        let dir = tempfile::tempdir().unwrap();
        let top = load_in(dir.path(), PROFILES, None).unwrap();
        assert_eq!(top.require, vec![EvidenceKind::Tests]);
        assert_eq!(top.fail_on, None);
        assert_eq!(top.skip, vec!["licenses.*".to_owned()]);
        assert_eq!(top.params.get("env").map(String::as_str), Some("dev"));
        assert_eq!(top.settings.len(), 1);
        assert_eq!(top.policies, Some(vec![dir.path().join("policies")]));
        assert_eq!(top.verify.trusted_root, Some(dir.path().join("root.json")));

        let rel = load_in(dir.path(), PROFILES, Some("release")).unwrap();
        assert_eq!(rel.profile.as_deref(), Some("release"));
        assert_eq!(
            rel.require,
            vec![
                EvidenceKind::Tests,
                EvidenceKind::Sbom,
                EvidenceKind::Vulnerabilities
            ]
        );
        assert_eq!(rel.fail_on, Some(FailOn::Warn));
        assert!(rel.skip.is_empty());
        assert_eq!(rel.params.get("env").map(String::as_str), Some("prod"));
        assert_eq!(rel.params.get("team").map(String::as_str), Some("core"));
        assert_eq!(rel.settings[1].table, "[profile.release.settings]");
        assert_eq!(
            rel.verify.certificate_identity.as_deref(),
            Some("a@example.com")
        );
        assert_eq!(
            rel.verify.certificate_oidc_issuer.as_deref(),
            Some("https://issuer.example")
        );
        assert_eq!(rel.waivers.len(), 1);
        assert_eq!(
            rel.waivers[0].id,
            "gate.toml#profile.release.waiver.1".replace(
                "gate.toml",
                &crate::files::evidence_id(&dir.path().join("gate.toml"))
            )
        );
        assert_eq!(rel.waivers[0].line, 31);

        let e = load_in(dir.path(), PROFILES, Some("relase"))
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("gate.toml: no profile `relase` (profiles: release)"),
            "{e}"
        );
    }

    #[test]
    fn unknown_evidence_kinds_are_refused_at_their_place() {
        let e = load("require = [\"tests\", \"sboms\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "gate.toml:1:21: require: unknown evidence kind `sboms` (known: tests, sbom,"
            ),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let e = load_in(dir.path(), "[profile.x]\nrequire = [\"test\"]\n", Some("x"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("gate.toml:2:12: require: unknown evidence kind `test`"),
            "{e}"
        );
    }

    #[test]
    fn discovery_finds_a_file_only() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(discover(dir.path()), None);
        fs_err::create_dir(dir.path().join(FILE_NAME)).unwrap();
        assert_eq!(discover(dir.path()), None);
        let other = tempfile::tempdir().unwrap();
        fs_err::write(other.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(other.path()), Some(other.path().join(FILE_NAME)));
    }

    /// Nesting TOML cannot bound with its own recursion guard (dotted keys and table headers
    /// build one table per segment) is refused too, quickly and without exhausting the stack.
    #[test]
    fn deeply_dotted_toml_is_refused() {
        let deep = vec!["a"; 100_000].join(".");
        for text in [
            format!("[{deep}]\nx = 1\n"),
            format!("{deep} = 1\n"),
            format!("[[{deep}]]\n"),
            format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            format!("x = {}1{}\n", "{a = ".repeat(100_000), "}".repeat(100_000)),
            format!("[settings.{deep}]\nx = 1\n"),
        ] {
            let started = std::time::Instant::now();
            let e = load(&text).unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{e}");
            assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        }
    }

    /// docs/gate-toml.schema.json is generated from these types; regenerate with
    /// `UPDATE_SCHEMA=1 cargo test -p gate-core config::tests`.
    #[test]
    fn published_schema_is_current() {
        crate::published::assert_current("gate-toml.schema.json", &json_schema(), "config");
    }

    fn as_json(text: &str) -> serde_json::Value {
        let table: toml::Table = toml::from_str(text).unwrap();
        // TOML dates have no JSON form: the schema takes them as strings.
        let json = serde_json::to_value(&table).unwrap();
        fn dates_as_strings(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    if m.len() == 1 {
                        if let Some(serde_json::Value::String(s)) =
                            m.get("$__toml_private_datetime")
                        {
                            *v = serde_json::Value::String(s.clone());
                            return;
                        }
                    }
                    m.values_mut().for_each(dates_as_strings);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(dates_as_strings),
                _ => {}
            }
        }
        let mut json = json;
        dates_as_strings(&mut json);
        json
    }

    #[test]
    fn the_schema_accepts_good_files_and_refuses_bad_ones() {
        let validator = jsonschema::validator_for(&json_schema()).unwrap();
        for good in [OK, PROFILES, STARTER, ""] {
            let v = as_json(good);
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:?}\n{good}");
        }
        for bad in [
            "require = [\"sboms\"]\n",
            "fail_on = \"warning\"\n",
            "colour = 1\n",
            "[profile.a.profile.b]\n",
            "[params]\nx = 1\n",
        ] {
            assert!(!validator.is_valid(&as_json(bad)), "{bad}");
        }
    }

    #[test]
    fn the_starter_parses_and_reads_as_the_defaults() {
        let c = load(STARTER).unwrap();
        assert!(c.policies.is_none());
        assert!(c.require.is_empty());
        assert!(c.waivers.is_empty());
        assert_eq!(c.fail_on, None);
        assert!(STARTER.lines().filter(|l| l.starts_with('#')).count() > 20);
        let dir = tempfile::tempdir().unwrap();
        for profile in ["dev", "release"] {
            let p = load_in(dir.path(), STARTER, Some(profile)).unwrap();
            assert_eq!(p.profile.as_deref(), Some(profile));
        }
        // The examples commented out in it are valid too.
        let example = regex::Regex::new(r"(?m)^# ((?:[a-z_-]+ = )|\[)").unwrap();
        let uncommented = example.replace_all(STARTER, "$1").into_owned();
        assert!(uncommented.lines().count() == STARTER.lines().count());
        let c = load_in(dir.path(), &uncommented, None).unwrap();
        assert_eq!(c.require, vec![EvidenceKind::Tests, EvidenceKind::Sbom]);
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.skip, vec!["licenses.*".to_owned()]);
        let validator = jsonschema::validator_for(&json_schema()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&as_json(&uncommented))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
