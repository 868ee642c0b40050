//! Policy settings: what each policy package declares it reads, and the check that what users
//! give (data documents, `gate.toml` `[settings]`, `--param`) matches it.
//!
//! A package declares its settings in its package `# METADATA` block, under `custom.settings`:
//! a mapping from each setting's name to the JSON Schema of its value. The settings of package
//! `gate.vulnerabilities` are read from `data.gate.config.vulnerabilities`, those of any other
//! package `acme.deps` from `data.gate.config.acme.deps`. Parameters (`input.context.params`,
//! strings) are declared the same way under `custom.params`; gate itself reads `commit` and
//! `author`. Anything under `data.gate.config` that no loaded package declares, and any
//! parameter nobody declares, is an error naming the known names: a typo never passes
//! silently as "setting not given". Data outside `data.gate.config` is the policies' own and
//! is not checked.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::data::DataDoc;
use super::metadata::{MetaIndex, RuleMeta, Scope};
use crate::Error;

/// Parameters gate itself reads, with what they mean.
const BUILTIN_PARAMS: &[(&str, &str)] = &[
    (
        "commit",
        "the commit being released (`input.release.commit`): a full git SHA-1 or SHA-256",
    ),
    (
        "author",
        "the change's author, when no pull or merge request file says",
    ),
];

/// One declared setting (or parameter): its schema, compiled when first needed, and who
/// declared it.
#[derive(Debug)]
struct Declared {
    schema: Value,
    /// Compiled on first use: most checks give no settings, and compiling a schema also
    /// validates it against the JSON Schema meta-schema, whose own validator is the largest part
    /// of a small gate's start-up. Schemas of user policies are compiled when declared (a bad
    /// one is a METADATA error at load); those of the standard library and gate's own are known
    /// good (a test compiles every one).
    validator: OnceLock<Result<jsonschema::Validator, String>>,
    /// `file:line` of the declaring METADATA block (or `gate` for a built-in parameter).
    by: String,
}

impl Declared {
    fn validator(&self) -> Result<&jsonschema::Validator, String> {
        self.validator
            .get_or_init(|| jsonschema::validator_for(&self.schema).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| format!("the schema declared at {} is not valid: {e}", self.by))
    }
}

/// The settings every loaded package declares: by settings name (`vulnerabilities`,
/// `acme.deps`), then by key.
#[derive(Debug, Default)]
pub(crate) struct Declarations {
    settings: BTreeMap<String, BTreeMap<String, Declared>>,
    params: BTreeMap<String, Vec<Declared>>,
}

/// The settings name of a package path: `data.gate.vulnerabilities` → `vulnerabilities`,
/// `data.acme.deps` → `acme.deps`.
fn settings_name(package_path: &str) -> String {
    let p = package_path.strip_prefix("data.").unwrap_or(package_path);
    p.strip_prefix("gate.").unwrap_or(p).to_owned()
}

impl Declarations {
    /// Collect the declarations of every package-scope METADATA block. A declaration that is
    /// not a mapping of names to JSON Schemas is a METADATA error naming the block.
    ///
    /// `trusted` says which files' schemas are known good (the embedded standard library): they
    /// are compiled only when a value is checked against them.
    pub(crate) fn from_meta(
        meta: &MetaIndex,
        trusted: impl Fn(&str) -> bool,
    ) -> Result<Self, Error> {
        let mut out = Declarations::default();
        for (name, text) in BUILTIN_PARAMS {
            let schema = serde_json::json!({"type": "string", "description": text});
            out.params
                .entry((*name).to_owned())
                .or_default()
                .push(declare(&schema, "gate", None)?);
        }
        for m in &meta.all {
            if !matches!(m.scope, Scope::Package | Scope::Subpackages) {
                continue;
            }
            let check = (!trusted(&m.file)).then_some(m);
            if let Some(decl) = m.custom.get("settings") {
                let name = settings_name(&m.path);
                for (key, schema) in mapping(m, "settings", decl)? {
                    let d = declare(schema, &format!("{}:{}", m.file, m.line), check)?;
                    let keys = out.settings.entry(name.clone()).or_default();
                    if let Some(prev) = keys.get(key) {
                        if prev.schema != d.schema {
                            return Err(meta_error(
                                m,
                                format!(
                                    "`custom.settings.{key}` of `{name}` is declared differently \
                                     at {}",
                                    prev.by
                                ),
                            ));
                        }
                    }
                    keys.insert(key.clone(), d);
                }
            }
            if let Some(decl) = m.custom.get("params") {
                for (key, schema) in mapping(m, "params", decl)? {
                    let d = declare(schema, &format!("{}:{}", m.file, m.line), check)?;
                    out.params.entry(key.clone()).or_default().push(d);
                }
            }
        }
        Ok(out)
    }

    /// The names settings can be given under (`data.gate.config.NAME`), sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.settings.keys().map(String::as_str).collect()
    }

    /// Check the part of `doc` under `gate.config`: every name declared, every key a declared
    /// setting, every value valid against its schema.
    pub(crate) fn check_data(&self, doc: &DataDoc) -> Result<(), Error> {
        let Some(config) = doc.value.get("gate").and_then(|g| g.get("config")) else {
            return Ok(());
        };
        self.check_tree(doc, config, "", "/gate/config")
    }

    /// `node` sits at settings name `prefix` (dotted, empty at `data.gate.config` itself).
    fn check_tree(
        &self,
        doc: &DataDoc,
        node: &Value,
        prefix: &str,
        pointer: &str,
    ) -> Result<(), Error> {
        let Value::Object(map) = node else {
            return Err(doc.error(
                pointer,
                format!(
                    "`data{}` must be an object of policy settings",
                    dotted(pointer)
                ),
            ));
        };
        for (key, value) in map {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            let at = crate::source::json::push_pointer(pointer, key);
            if let Some(keys) = self.settings.get(&name) {
                self.check_settings(doc, &name, keys, value, &at)?;
            } else if self
                .settings
                .keys()
                .any(|n| n.starts_with(&format!("{name}.")))
            {
                self.check_tree(doc, value, &name, &at)?;
            } else {
                return Err(doc.error(
                    &at,
                    format!(
                        "`data{}`: no loaded policy declares settings `{name}` (known: {})",
                        dotted(&at),
                        list_or_none(self.names())
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_settings(
        &self,
        doc: &DataDoc,
        name: &str,
        keys: &BTreeMap<String, Declared>,
        value: &Value,
        pointer: &str,
    ) -> Result<(), Error> {
        let Value::Object(map) = value else {
            return Err(doc.error(
                pointer,
                format!(
                    "the settings of `{name}` must be an object, got {}",
                    kind_of(value)
                ),
            ));
        };
        for (key, v) in map {
            let at = crate::source::json::push_pointer(pointer, key);
            let Some(d) = keys.get(key) else {
                return Err(doc.error(
                    &at,
                    format!(
                        "`{key}` is not a setting of `{name}` (known: {})",
                        list_or_none(keys.keys().map(String::as_str).collect())
                    ),
                ));
            };
            let validator = d.validator().map_err(|e| doc.error(&at, e))?;
            if let Err(e) = validator.validate(v) {
                let inner = e.instance_path().to_string();
                return Err(doc.error(
                    &format!("{at}{inner}"),
                    format!("setting `{name}.{key}{}`: {e}", dotted(&inner)),
                ));
            }
        }
        Ok(())
    }

    /// Check `--param` pairs: every key declared (by gate or a loaded package), every value
    /// valid against each declaration of it.
    pub(crate) fn check_params(&self, params: &BTreeMap<String, String>) -> Result<(), String> {
        for (key, value) in params {
            let Some(decls) = self.params.get(key) else {
                return Err(format!(
                    "`{key}` is not a parameter gate or a loaded policy reads (known: {}); a \
                     policy declares the parameters it reads in its package METADATA under \
                     `custom.params`",
                    self.params.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            };
            let v = Value::String(value.clone());
            for d in decls {
                if let Err(e) = d.validator()?.validate(&v) {
                    return Err(format!("parameter `{key}`: {e} (declared at {})", d.by));
                }
            }
        }
        Ok(())
    }
}

/// A declaration's entries, refusing anything but a mapping of names to schemas.
fn mapping<'a>(
    m: &RuleMeta,
    what: &str,
    decl: &'a Value,
) -> Result<&'a serde_json::Map<String, Value>, Error> {
    let Value::Object(map) = decl else {
        return Err(meta_error(
            m,
            format!(
                "METADATA `custom.{what}` must map each name to the JSON Schema of its value, got {}",
                kind_of(decl)
            ),
        ));
    };
    Ok(map)
}

/// A declaration; with `check`, its schema is compiled now and a bad one is a METADATA error
/// naming that block.
fn declare(schema: &Value, by: &str, check: Option<&RuleMeta>) -> Result<Declared, Error> {
    let validator = match check {
        Some(m) => {
            let compiled = jsonschema::validator_for(schema).map_err(|e| {
                meta_error(
                    m,
                    format!("METADATA declares a setting whose schema is not valid: {e}"),
                )
            })?;
            OnceLock::from(Ok(compiled))
        }
        None => OnceLock::new(),
    };
    Ok(Declared {
        schema: schema.clone(),
        validator,
        by: by.to_owned(),
    })
}

fn meta_error(m: &RuleMeta, message: String) -> Error {
    Error::PolicyMetadata {
        file: m.file.clone(),
        line: m.line,
        message,
    }
}

/// `/gate/config/x` → `.gate.config.x`.
fn dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|t| format!(".{}", t.replace("~1", "/").replace("~0", "~")))
        .collect()
}

fn list_or_none(names: Vec<&str>) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::data::Origin;

    /// The standard library's declarations, every schema compiled now (not trusted): so every
    /// test using this proves that each schema the library declares is a valid JSON Schema,
    /// which is what lets `gate` compile them only when used.
    fn declarations() -> Declarations {
        library_declarations(|_| false)
    }

    /// The standard library's declarations, with `trusted` as `Declarations::from_meta` takes it.
    fn library_declarations(trusted: impl Fn(&str) -> bool) -> Declarations {
        let files = super::super::PolicySet::embedded(false);
        let meta = MetaIndex::parse(
            files
                .files
                .iter()
                .map(|f| (f.path.as_str(), f.text.as_str())),
        )
        .unwrap();
        Declarations::from_meta(&meta, trusted).unwrap()
    }

    fn doc(value: Value) -> DataDoc {
        DataDoc {
            origin: Origin::Memory,
            value,
        }
    }

    #[test]
    fn the_standard_policies_declare_their_settings() {
        let d = declarations();
        assert_eq!(
            d.names(),
            vec![
                "approvals",
                "code",
                "components",
                "coverage",
                "licenses",
                "misconfig",
                "provenance",
                "signature",
                "vulnerabilities"
            ]
        );
        let ok = serde_json::json!({"gate": {"config": {
            "vulnerabilities": {"blocking_severities": ["critical"], "unknown_blocks": false},
            "approvals": {"min": 2},
            "components": {"banned": [{"purl": "pkg:npm/left-pad", "versions": "<2"}]},
            "coverage": {"min_lines": 80, "previous": {"lines": 81.5, "branches": {"covered": 1, "total": 2, "percent": 50.0}}},
        }}, "mine": {"anything": 1}});
        d.check_data(&doc(ok)).unwrap();
        for bad in [
            serde_json::json!({"min_lines": 120}),
            serde_json::json!({"min_lines": "80"}),
            serde_json::json!({"previous": {"line": 80}}),
            serde_json::json!({"previous": {"lines": {"covered": 1}}}),
            serde_json::json!({"max_drop": -1}),
        ] {
            let data = serde_json::json!({"gate": {"config": {"coverage": bad}}});
            assert!(d.check_data(&doc(data.clone())).is_err(), "{data}");
        }
    }

    #[test]
    fn a_typo_in_a_key_names_the_known_keys() {
        let d = declarations();
        let typo = serde_json::json!({"gate": {"config": {
            "vulnerabilities": {"blocking_severity": ["critical"]}}}});
        let e = d.check_data(&doc(typo)).unwrap_err().to_string();
        assert_eq!(
            e,
            "data document: `blocking_severity` is not a setting of `vulnerabilities` \
             (known: blocking_severities, unknown_blocks)"
        );
        let typo = serde_json::json!({"gate": {"config": {"vulnerabilitie": {}}}});
        let e = d.check_data(&doc(typo)).unwrap_err().to_string();
        assert!(
            e.contains("no loaded policy declares settings `vulnerabilitie` (known: approvals,"),
            "{e}"
        );
    }

    #[test]
    fn a_value_of_the_wrong_shape_is_refused() {
        let d = declarations();
        let bad = serde_json::json!({"gate": {"config": {
            "vulnerabilities": {"blocking_severities": ["critical", "severe"]}}}});
        let e = d.check_data(&doc(bad)).unwrap_err().to_string();
        assert!(
            e.contains("setting `vulnerabilities.blocking_severities.1`"),
            "{e}"
        );
        let bad = serde_json::json!({"gate": {"config": {"approvals": {"min": "two"}}}});
        let e = d.check_data(&doc(bad)).unwrap_err().to_string();
        assert!(
            e.contains("setting `approvals.min`: \"two\" is not of type"),
            "{e}"
        );
        let bad = serde_json::json!({"gate": {"config": []}});
        assert!(d.check_data(&doc(bad)).is_err());
    }

    #[test]
    fn user_packages_declare_settings_and_params_under_their_own_path() {
        let rego = "# METADATA\n# custom:\n#   settings:\n#     max: {type: integer}\n\
                    #   params:\n#     env: {enum: [dev, prod]}\npackage acme.deps\n\n\
                    deny contains \"x\" if { count(input.sbom.components) > data.gate.config.acme.deps.max }\n";
        let meta = MetaIndex::parse([("p.rego", rego)]).unwrap();
        let d = Declarations::from_meta(&meta, |_| false).unwrap();
        assert_eq!(d.names(), vec!["acme.deps"]);
        let ok = serde_json::json!({"gate": {"config": {"acme": {"deps": {"max": 3}}}}});
        d.check_data(&doc(ok)).unwrap();
        let typo = serde_json::json!({"gate": {"config": {"acme": {"dep": {"max": 3}}}}});
        let e = d.check_data(&doc(typo)).unwrap_err().to_string();
        assert!(
            e.contains("`data.gate.config.acme.dep`: no loaded policy"),
            "{e}"
        );

        let params = |k: &str, v: &str| BTreeMap::from([(k.to_owned(), v.to_owned())]);
        d.check_params(&params("env", "prod")).unwrap();
        d.check_params(&params("commit", "0123")).unwrap();
        let e = d.check_params(&params("env", "staging")).unwrap_err();
        assert!(
            e.starts_with("parameter `env`: \"staging\" is not one of"),
            "{e}"
        );
        let e = d.check_params(&params("enviroment", "x")).unwrap_err();
        assert!(e.starts_with("`enviroment` is not a parameter gate or a loaded policy reads (known: author, commit, env)"), "{e}");
    }

    #[test]
    fn a_bad_declaration_is_a_metadata_error() {
        for custom in [
            "#   settings: [a, b]\n",
            "#   settings:\n#     max: {type: integr}\n",
        ] {
            let rego = format!(
                "# METADATA\n# custom:\n{custom}package p\n\ndeny contains \"x\" if false\n"
            );
            let meta = MetaIndex::parse([("p.rego", rego.as_str())]).unwrap();
            let e = Declarations::from_meta(&meta, |_| false).unwrap_err();
            assert!(matches!(e, Error::PolicyMetadata { .. }), "{e}");
            assert!(e.to_string().starts_with("p.rego:"), "{e}");
        }
    }

    /// A trusted file's schemas are compiled when a value is first checked against them: the
    /// same answers as compiled at load, and a schema that is bad after all is an error there,
    /// never a pass.
    #[test]
    fn trusted_schemas_compile_when_first_used() {
        let lazy = library_declarations(|_| true);
        let eager = declarations();
        for value in [
            serde_json::json!({"gate": {"config": {"approvals": {"min": 2}}}}),
            serde_json::json!({"gate": {"config": {"approvals": {"min": "two"}}}}),
        ] {
            let a = lazy
                .check_data(&doc(value.clone()))
                .map_err(|e| e.to_string());
            let b = eager.check_data(&doc(value)).map_err(|e| e.to_string());
            assert_eq!(a, b);
        }

        let rego = "# METADATA\n# custom:\n#   settings:\n#     max: {type: integr}\n\
                    package p\n\ndeny contains \"x\" if false\n";
        let meta = MetaIndex::parse([("p.rego", rego)]).unwrap();
        let d = Declarations::from_meta(&meta, |_| true).unwrap();
        let value = serde_json::json!({"gate": {"config": {"p": {"max": 3}}}});
        let e = d.check_data(&doc(value)).unwrap_err().to_string();
        assert!(
            e.contains("the schema declared at p.rego:5 is not valid"),
            "{e}"
        );
    }
}
