//! CycloneDX JSON: read an SBOM's components (nested ones included) into [`Component`] facts,
//! its `dependencies` into the dependency graph (and each component's `direct` flag), and its
//! `vulnerabilities` that carry an `analysis` into VEX statements.
//!
//! For: every JSON document of spec versions 1.0–1.7 (JSON exists from 1.2 on; earlier versions
//! are accepted as stated). Not for: CycloneDX XML ([`super::cyclonedx_xml`] gives the same
//! facts), services, or vulnerabilities without an analysis (scanner findings, not VEX);
//! `metadata.component` (the subject of the SBOM) is not a component here, its `bom-ref` is the
//! root of the dependency graph.
//!
//! Why an own reader and not `cyclonedx-bom`: that crate (0.8) reads spec versions 1.3–1.5 only,
//! while current Trivy, Grype and cdxgen write 1.6 and 1.7. Reading some versions with the crate
//! and the rest with our own code would give one format two code paths that disagree on edge
//! cases, so gate reads every version with the typed serde reader below, which keeps only the
//! fields gate needs and skips the rest without building it. `cyclonedx-bom` stays a test oracle:
//! a test checks that for every corpus file of 1.3–1.5 the crate accepts, both agree on the
//! components and their purls.
//!
//! Strictness: fields gate reads must have the type the specification gives them (so a
//! `components` that is not an array, or a `specVersion` given as a number, is refused with the
//! field path, line and column), a known key given twice is refused, and an unknown `specVersion`
//! is refused rather than guessed at. Nesting is bounded by serde_json's limit of 128 levels;
//! the normalisation walks nested components with an explicit stack.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{sbom_graph, Facts, Parsed};
use crate::diagnostic::Diagnostic;
use crate::input::{Component, Dependency, Producer, Source, VexStatement};
use crate::source::json::{self, Array};
use crate::EvidenceError;

impl Kind {
    /// CycloneDX, JSON or XML.
    #[allow(non_upper_case_globals)]
    pub const CycloneDx: Kind = Kind("cyclonedx");
}

/// CycloneDX JSON: `bomFormat: CycloneDX`.
pub(crate) struct CycloneDxFormat;

impl Format for CycloneDxFormat {
    fn kind(&self) -> Kind {
        Kind::CycloneDx
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        let Some(p) = object(probe) else {
            return Claim::No;
        };
        match p.scalar("bomFormat") {
            Some("CycloneDX") => Claim::Yes,
            Some(format) => Claim::Refuse(EvidenceError::new(format!(
                "unknown bomFormat `{format}` (expected `CycloneDX`)"
            ))),
            None if p.has("specVersion") && p.has("components") => Claim::Refuse(EvidenceError::new(
                "CycloneDX-shaped document (specVersion, components) without the required `bomFormat`",
            )),
            None => Claim::No,
        }
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Spec versions gate knows. Unknown ones are refused.
pub const KNOWN_SPEC_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/// Read a CycloneDX JSON document.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let bom: Bom = json::parse(text)?;
    let (tools, root) = bom.metadata.map_or((None, None), |m| {
        (m.tools, m.component.and_then(|c| c.bom_ref))
    });
    let producer = tools.map(Tools::producer).unwrap_or_else(|| Producer {
        name: "unknown".to_owned(),
        version: None,
    });
    let (mut components, unnamed) = flatten(id, bom.components.0);
    let dependencies = sbom_graph::merge(
        bom.dependencies
            .0
            .into_iter()
            .map(|d| Dependency {
                evidence: id.to_owned(),
                reference: d.reference,
                depends_on: d.depends_on.0,
            })
            .collect(),
    );
    sbom_graph::mark_direct(&mut components, &dependencies, root.as_slice());
    let mut vex: Vec<VexStatement> = bom
        .vulnerabilities
        .0
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| v.statement(Source::pointer(id, format!("/vulnerabilities/{i}"))))
        .collect();
    sbom_graph::resolve_vex(&mut vex, &components);
    let diagnostics = unnamed
        .map(|(count, first)| {
            Diagnostic::missing_values(
                count,
                "CycloneDX component has no `name`",
                "CycloneDX components have no `name`",
                &first,
            )
        })
        .into_iter()
        .collect();
    Ok(Parsed {
        format_version: Some(bom.spec_version.0),
        producer,
        facts: Facts {
            components,
            dependencies,
            vex,
            ..Facts::default()
        },
        diagnostics,
        ..Parsed::default()
    })
}

/// Normalise the top-level components, depth-first in document order (a parent before its
/// nested children). Also returns how many have no name and where the first of them is.
fn flatten(id: &str, top: Vec<RawComponent>) -> (Vec<Component>, Option<(usize, String)>) {
    let mut out = Vec::with_capacity(top.len());
    let mut unnamed: Option<(usize, String)> = None;
    let mut stack = vec![(top.into_iter().enumerate(), String::from("/components"))];
    while let Some((items, base)) = stack.last_mut() {
        let Some((index, mut raw)) = items.next() else {
            stack.pop();
            continue;
        };
        let pointer = json::push_pointer(base, &index.to_string());
        let children = std::mem::take(&mut raw.components).0;
        if raw.name.is_none() {
            match &mut unnamed {
                Some((count, _)) => *count += 1,
                None => unnamed = Some((1, pointer.clone())),
            }
        }
        let nested_base = if children.is_empty() {
            None
        } else {
            Some(format!("{pointer}/components"))
        };
        out.push(raw.normalise(Source::pointer(id, pointer)));
        if let Some(nested_base) = nested_base {
            stack.push((children.into_iter().enumerate(), nested_base));
        }
    }
    (out, unnamed)
}

// ------------------------------------------------------------------------------------------
// The document, as far as gate reads it. Unknown fields are skipped without being built.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    /// Checked to be `CycloneDX`; detection has normally checked it already.
    #[serde(rename = "bomFormat")]
    _bom_format: BomFormat,
    spec_version: json::KnownVersion<SpecVersion>,
    /// Read so that its type and uniqueness are checked; not carried into facts.
    #[serde(rename = "serialNumber")]
    _serial_number: Option<String>,
    /// Read so that its type and uniqueness are checked; not carried into facts.
    #[serde(rename = "version")]
    _version: Option<u64>,
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Array<RawComponent>,
    #[serde(default)]
    dependencies: Array<RawDependency>,
    #[serde(default)]
    vulnerabilities: Array<Vulnerability>,
}

/// `dependencies[]`: a reference and the references it depends on.
#[derive(Debug, Deserialize)]
struct RawDependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default, rename = "dependsOn")]
    depends_on: Array<String>,
}

/// `vulnerabilities[]` (1.4 on), as far as VEX needs it.
#[derive(Debug, Deserialize)]
struct Vulnerability {
    id: Option<String>,
    #[serde(default)]
    references: Array<VulnReference>,
    analysis: Option<Analysis>,
    #[serde(default)]
    affects: Array<Affect>,
}

#[derive(Debug, Deserialize)]
struct VulnReference {
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Analysis {
    state: Option<String>,
    justification: Option<String>,
    #[serde(default)]
    response: Array<String>,
    detail: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
}

impl Vulnerability {
    /// A VEX statement, when the vulnerability has an id and an `analysis`.
    fn statement(self, source: Source) -> Option<VexStatement> {
        let analysis = self.analysis?;
        let id = self.id?;
        Some(VexStatement {
            aliases: self
                .references
                .0
                .into_iter()
                .filter_map(|r| r.id)
                .filter(|a| *a != id)
                .collect(),
            id,
            state: analysis.state,
            justification: analysis.justification,
            response: analysis.response.0,
            detail: analysis.detail,
            refs: self.affects.0.into_iter().map(|a| a.reference).collect(),
            purls: Vec::new(),
            source,
        })
    }
}

/// `bomFormat`, which must be `CycloneDX`.
#[derive(Debug)]
struct BomFormat;

impl<'de> Deserialize<'de> for BomFormat {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "CycloneDX" {
            Ok(BomFormat)
        } else {
            Err(de::Error::custom(format_args!(
                "unknown bomFormat `{s}` (expected `CycloneDX`)"
            )))
        }
    }
}

/// `specVersion`: a string naming one of [`KNOWN_SPEC_VERSIONS`].
#[derive(Debug)]
struct SpecVersion;

impl json::Versions for SpecVersion {
    const FIELD: &'static str = "CycloneDX specVersion";
    const KNOWN: &'static [&'static str] = KNOWN_SPEC_VERSIONS;
}

#[derive(Debug, Deserialize)]
struct Metadata {
    tools: Option<Tools>,
    /// The SBOM's subject: only its reference is read (the root of the dependency graph).
    component: Option<RootComponent>,
}

#[derive(Debug, Deserialize)]
struct RootComponent {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
}

/// `metadata.tools`: an array of tools (up to 1.4, deprecated since) or an object with
/// `components` and `services` (1.5 on).
#[derive(Debug)]
struct Tools(Vec<Tool>);

impl Tools {
    /// The first tool with a name, else `unknown`.
    fn producer(self) -> Producer {
        self.0
            .into_iter()
            .find_map(|t| {
                t.name.map(|name| Producer {
                    name,
                    version: t.version,
                })
            })
            .unwrap_or_else(|| Producer {
                name: "unknown".to_owned(),
                version: None,
            })
    }
}

#[derive(Debug, Deserialize)]
struct Tool {
    name: Option<String>,
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ToolsObject {
    #[serde(default)]
    components: Array<Tool>,
    #[serde(default)]
    services: Array<Tool>,
}

impl<'de> Deserialize<'de> for Tools {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ToolsVisitor)
    }
}

struct ToolsVisitor;

impl<'de> Visitor<'de> for ToolsVisitor {
    type Value = Tools;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of tools or an object with `components` and `services`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tools, A::Error> {
        let mut tools = Vec::new();
        while let Some(t) = seq.next_element::<Tool>()? {
            tools.push(t);
        }
        Ok(Tools(tools))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Tools, A::Error> {
        let mut o = ToolsObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
        o.components.0.append(&mut o.services.0);
        Ok(Tools(o.components.0))
    }
}

#[derive(Debug, Deserialize)]
struct RawComponent {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    version: Option<String>,
    group: Option<String>,
    purl: Option<String>,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    supplier: Option<Entity>,
    publisher: Option<String>,
    author: Option<String>,
    #[serde(default)]
    hashes: Array<Hash>,
    #[serde(default)]
    licenses: Array<LicenseChoice>,
    #[serde(default)]
    components: Array<RawComponent>,
}

#[derive(Debug, Deserialize)]
struct Entity {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Hash {
    alg: String,
    content: String,
}

/// One `licenses[]` entry: `{license: {id | name}}` or `{expression}`.
#[derive(Debug, Deserialize)]
struct LicenseChoice {
    license: Option<License>,
    expression: Option<String>,
}

#[derive(Debug, Deserialize)]
struct License {
    id: Option<String>,
    name: Option<String>,
}

impl LicenseChoice {
    /// The id, else the name, else the expression, as written.
    fn into_string(self) -> Option<String> {
        let (id, name) = self.license.map_or((None, None), |l| (l.id, l.name));
        id.or(name).or(self.expression)
    }
}

impl RawComponent {
    /// The component as a fact. Nested components have been taken out before.
    fn normalise(self, source: Source) -> Component {
        let mut hashes = BTreeMap::new();
        for h in self.hashes.0 {
            // The first of two hashes with the same algorithm wins.
            hashes.entry(h.alg).or_insert(h.content);
        }
        Component {
            name: self.name,
            version: self.version,
            group: self.group,
            purl: self.purl,
            kind: self.kind,
            licenses: self
                .licenses
                .0
                .into_iter()
                .filter_map(LicenseChoice::into_string)
                .collect(),
            hashes,
            supplier: self
                .supplier
                .and_then(|s| s.name)
                .or(self.publisher)
                .or(self.author),
            bom_ref: self.bom_ref,
            direct: None,
            license_expression: None,
            license_ids: Vec::new(),
            license_unknown: Vec::new(),
            source,
            subject: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Parsed {
        read("sbom.json", text).unwrap()
    }

    fn err(text: &str) -> EvidenceError {
        read("sbom.json", text).unwrap_err()
    }

    fn doc(version: &str, rest: &str) -> String {
        format!(r#"{{"bomFormat":"CycloneDX","specVersion":"{version}","version":1{rest}}}"#)
    }

    #[test]
    fn tools_as_a_1_4_array() {
        let p = ok(&doc(
            "1.4",
            r#","metadata":{"tools":[{"vendor":"CycloneDX","name":"cyclonedx-npm","version":"1.0.0"},
                {"name":"second","version":"2"}]},"components":[]"#,
        ));
        assert_eq!(
            p.producer,
            Producer {
                name: "cyclonedx-npm".into(),
                version: Some("1.0.0".into())
            }
        );
        assert_eq!(p.format_version.as_deref(), Some("1.4"));
        assert!(p.facts.components.is_empty());
    }

    #[test]
    fn tools_as_a_1_5_object() {
        let p = ok(&doc(
            "1.5",
            r#","metadata":{"tools":{"components":[{"type":"application","group":"aquasecurity",
                "name":"trivy","version":"0.60.0"}],"services":[{"name":"svc"}]}}"#,
        ));
        assert_eq!(
            p.producer,
            Producer {
                name: "trivy".into(),
                version: Some("0.60.0".into())
            }
        );

        let p = ok(&doc(
            "1.6",
            r#","metadata":{"tools":{"services":[{"name":"svc","version":"1"}]}}"#,
        ));
        assert_eq!(
            p.producer,
            Producer {
                name: "svc".into(),
                version: Some("1".into())
            }
        );
    }

    #[test]
    fn producer_is_unknown_without_tools() {
        for rest in [
            "",
            r#","metadata":{}"#,
            r#","metadata":{"tools":[]}"#,
            r#","metadata":{"tools":{}}"#,
        ] {
            let p = ok(&doc("1.5", rest));
            assert_eq!(
                p.producer,
                Producer {
                    name: "unknown".into(),
                    version: None
                },
                "{rest}"
            );
        }
    }

    #[test]
    fn tools_of_another_shape_are_refused() {
        let e = err(&doc("1.5", r#","metadata":{"tools":"trivy"}"#));
        assert!(e.message.contains("metadata.tools"), "{e:?}");
        assert!(
            e.message.contains("an array of tools or an object"),
            "{e:?}"
        );
    }

    #[test]
    fn nested_components_depth_first_with_pointers() {
        let p = ok(&doc(
            "1.6",
            r#","metadata":{"component":{"type":"application","name":"the-app"}},
            "components":[
              {"type":"library","name":"a","components":[
                 {"type":"library","name":"a1","components":[{"type":"file","name":"a1x"}]},
                 {"type":"library","name":"a2"}]},
              {"type":"library","name":"b/c~d"}]"#,
        ));
        let got: Vec<(&str, &str)> = p
            .facts
            .components
            .iter()
            .map(|c| {
                (
                    c.name.as_deref().unwrap(),
                    c.source.pointer.as_deref().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", "/components/0"),
                ("a1", "/components/0/components/0"),
                ("a1x", "/components/0/components/0/components/0"),
                ("a2", "/components/0/components/1"),
                ("b/c~d", "/components/1"),
            ]
        );
        assert!(p
            .facts
            .components
            .iter()
            .all(|c| c.source.evidence == "sbom.json"));
    }

    #[test]
    fn component_fields() {
        let p = ok(&doc(
            "1.5",
            r#","components":[{"type":"library","bom-ref":"pkg:npm/%40scope/x@1.2.3",
              "group":"@scope","name":"x","version":"1.2.3","purl":"pkg:npm/%40scope/x@1.2.3",
              "supplier":{"name":"Scope Inc","url":["https://scope.example"]},
              "publisher":"Someone else",
              "hashes":[{"alg":"SHA-256","content":"abc"},{"alg":"SHA-1","content":"def"},
                        {"alg":"SHA-256","content":"later"}],
              "properties":[{"name":"p","value":"v"}],
              "evidence":{"identity":{"field":"purl"}}}]"#,
        ));
        let c = &p.facts.components[0];
        assert_eq!(c.kind.as_deref(), Some("library"));
        assert_eq!(c.bom_ref.as_deref(), Some("pkg:npm/%40scope/x@1.2.3"));
        assert_eq!(c.group.as_deref(), Some("@scope"));
        assert_eq!(c.version.as_deref(), Some("1.2.3"));
        assert_eq!(c.purl.as_deref(), Some("pkg:npm/%40scope/x@1.2.3"));
        assert_eq!(c.supplier.as_deref(), Some("Scope Inc"));
        assert_eq!(
            c.hashes,
            BTreeMap::from([
                ("SHA-1".to_owned(), "def".to_owned()),
                ("SHA-256".to_owned(), "abc".to_owned())
            ])
        );
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn supplier_falls_back_to_publisher_then_author() {
        let p = ok(&doc(
            "1.4",
            r#","components":[
              {"type":"library","name":"a","publisher":"Pub","author":"Auth"},
              {"type":"library","name":"b","author":"Auth"},
              {"type":"library","name":"c","supplier":{"url":["https://x"]},"author":"Auth"},
              {"type":"library","name":"d"}]"#,
        ));
        let s: Vec<Option<&str>> = p
            .facts
            .components
            .iter()
            .map(|c| c.supplier.as_deref())
            .collect();
        assert_eq!(s, [Some("Pub"), Some("Auth"), Some("Auth"), None]);
    }

    #[test]
    fn license_forms_as_written() {
        let p = ok(&doc(
            "1.7",
            r#","components":[{"type":"library","name":"x","licenses":[
              {"license":{"id":"Apache-2.0"}},
              {"license":{"name":"My Own License","text":{"content":"…"}}},
              {"license":{"id":"MIT","name":"The MIT License","acknowledgement":"declared"}},
              {"expression":"EPL-2.0 OR GPL-2.0 WITH Classpath-exception-2.0","acknowledgement":"concluded"},
              {"license":{"url":"https://nothing.example"}}]}]"#,
        ));
        assert_eq!(
            p.facts.components[0].licenses,
            [
                "Apache-2.0",
                "My Own License",
                "MIT",
                "EPL-2.0 OR GPL-2.0 WITH Classpath-exception-2.0"
            ]
        );
    }

    #[test]
    fn missing_name_and_version_are_kept_and_noted() {
        let p = ok(&doc(
            "1.5",
            r#","components":[{"type":"library","purl":"pkg:generic/x"},
              {"type":"library","name":"y"},{"type":"library"}]"#,
        ));
        let c = &p.facts.components;
        assert_eq!(c.len(), 3);
        assert_eq!(
            (c[0].name.as_deref(), c[0].version.as_deref()),
            (None, None)
        );
        assert_eq!(c[0].derive_subject(), "pkg:generic/x");
        assert_eq!(
            (c[1].name.as_deref(), c[1].version.as_deref()),
            (Some("y"), None)
        );
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, crate::diagnostic::Code::MissingValue);
        assert_eq!(
            p.diagnostics[0].message,
            "2 CycloneDX components have no `name` (first at `/components/0`)"
        );
    }

    #[test]
    fn dependencies_and_direct_flags() {
        let p = ok(&doc(
            "1.5",
            r#","metadata":{"component":{"type":"application","name":"app","bom-ref":"app"}},
            "components":[{"type":"library","name":"a","bom-ref":"a"},
                          {"type":"library","name":"b","bom-ref":"b"},
                          {"type":"library","name":"c"}],
            "dependencies":[{"ref":"app","dependsOn":["a"]},{"ref":"a","dependsOn":["b"]},
                            {"ref":"b"},{"ref":"app","dependsOn":["a"]}]"#,
        ));
        let direct: Vec<Option<bool>> = p.facts.components.iter().map(|c| c.direct).collect();
        assert_eq!(direct, [Some(true), Some(false), None]);
        let d = &p.facts.dependencies;
        assert_eq!(d.len(), 3, "entries for one ref are merged");
        assert_eq!(
            (d[0].reference.as_str(), d[0].depends_on.as_slice()),
            ("app", &["a".to_owned()][..])
        );
        assert!(d[2].depends_on.is_empty());

        // Without a graph, or without a subject: unknown.
        let p = ok(&doc(
            "1.5",
            r#","components":[{"type":"library","name":"a","bom-ref":"a"}]"#,
        ));
        assert_eq!(p.facts.components[0].direct, None);
        assert!(p.facts.dependencies.is_empty());

        let e = err(&doc("1.5", r#","dependencies":[{"dependsOn":["a"]}]"#));
        assert!(e.message.contains("missing field `ref`"), "{e:?}");
    }

    #[test]
    fn vulnerabilities_with_an_analysis_are_vex() {
        let p = ok(&doc(
            "1.6",
            r#","components":[{"type":"library","name":"log4j-core","bom-ref":"l4j",
                "purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"}],
            "vulnerabilities":[
              {"id":"CVE-2021-44228","references":[{"id":"GHSA-jfh8-c2jp-5v3q","source":{"name":"GitHub"}}],
               "analysis":{"state":"not_affected","justification":"code_not_reachable",
                           "response":["will_not_fix"],"detail":"JndiLookup removed"},
               "affects":[{"ref":"l4j"},{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#l4j"}]},
              {"id":"CVE-2021-45046","affects":[{"ref":"l4j"}]},
              {"id":"CVE-2021-45105","analysis":{"state":"in_triage"},"affects":[{"ref":"pkg:npm/x@1"}]}]"#,
        ));
        let v = &p.facts.vex;
        assert_eq!(
            v.len(),
            2,
            "a vulnerability without analysis is no VEX statement"
        );
        assert_eq!(v[0].id, "CVE-2021-44228");
        assert_eq!(v[0].aliases, ["GHSA-jfh8-c2jp-5v3q"]);
        assert_eq!(v[0].state.as_deref(), Some("not_affected"));
        assert_eq!(v[0].justification.as_deref(), Some("code_not_reachable"));
        assert_eq!(v[0].response, ["will_not_fix"]);
        assert_eq!(v[0].detail.as_deref(), Some("JndiLookup removed"));
        assert_eq!(
            v[0].purls,
            ["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"]
        );
        assert_eq!(v[0].source.pointer.as_deref(), Some("/vulnerabilities/0"));
        assert_eq!(v[1].state.as_deref(), Some("in_triage"));
        assert_eq!(v[1].purls, ["pkg:npm/x@1"]);
        assert_eq!(v[1].source.pointer.as_deref(), Some("/vulnerabilities/2"));

        let e = err(&doc(
            "1.6",
            r#","vulnerabilities":[{"id":"x","analysis":{"response":"update"}}]"#,
        ));
        assert!(
            e.message.contains("vulnerabilities[0].analysis.response"),
            "{e:?}"
        );
    }

    #[test]
    fn every_known_spec_version_is_read() {
        for v in KNOWN_SPEC_VERSIONS {
            assert_eq!(ok(&doc(v, "")).format_version.as_deref(), Some(*v));
        }
    }

    #[test]
    fn components_that_is_an_object_is_refused() {
        let e = err(&doc(
            "1.5",
            ",\n\"components\": {\"type\":\"library\",\"name\":\"x\"}",
        ));
        assert!(e.message.contains("`components`"), "{e:?}");
        assert!(e.message.contains("expected a JSON array"), "{e:?}");
        assert_eq!(e.line, Some(2));

        let e = err(&doc(
            "1.5",
            r#","components":[{"name":"a","components":{}}]"#,
        ));
        assert!(e.message.contains("`components[0].components`"), "{e:?}");

        let e = err(&doc("1.5", r#","components":null"#));
        assert!(e.message.contains("`components`"), "{e:?}");
    }

    #[test]
    fn unknown_spec_version_is_refused() {
        let e = err(&doc("9.9", ""));
        assert!(
            e.message
                .contains("CycloneDX specVersion '9.9' is not a known version"),
            "{e:?}"
        );
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn numeric_spec_version_is_refused() {
        let e = err(r#"{"bomFormat":"CycloneDX","specVersion":1.5,"components":[]}"#);
        assert!(e.message.contains("`specVersion`"), "{e:?}");
        assert!(e.message.contains("expected a string"), "{e:?}");
        let e = err(r#"{"bomFormat":"CycloneDX","components":[]}"#);
        assert!(e.message.contains("missing field `specVersion`"), "{e:?}");
    }

    #[test]
    fn wrong_bom_format_is_refused_when_read_directly() {
        let e = err(r#"{"bomFormat":"SPDX","specVersion":"1.5"}"#);
        assert!(e.message.contains("unknown bomFormat `SPDX`"), "{e:?}");
    }

    #[test]
    fn duplicate_keys_are_refused_with_position() {
        let e = err("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[],\n\"components\":[]}");
        assert!(e.message.contains("duplicate field `components`"), "{e:?}");
        assert_eq!(e.line, Some(2));
        assert!(e.column.is_some());

        let e = err(&doc(
            "1.5",
            ",\"components\":[{\"name\":\"a\",\n \"name\":\"b\"}]",
        ));
        assert!(e.message.contains("duplicate field `name`"), "{e:?}");
        assert!(e.message.contains("components[0]"), "{e:?}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn wrong_types_name_the_field() {
        let e = err(&doc(
            "1.5",
            ",\"components\":[{\"name\":\"a\"},\n{\"name\":\"b\",\"version\":2}]",
        ));
        assert!(e.message.contains("components[1].version"), "{e:?}");
        assert_eq!(e.line, Some(2));
        let e = err(&doc(
            "1.5",
            r#","components":[{"name":"a","hashes":[{"alg":"SHA-256"}]}]"#,
        ));
        assert!(e.message.contains("missing field `content`"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_bounded_and_does_not_crash() {
        // Within serde_json's limit: 60 levels of nested components read fine.
        let depth = 60;
        let mut text = String::new();
        for i in 0..depth {
            text.push_str(&format!(
                r#"{{"type":"library","name":"c{i}","components":["#
            ));
        }
        text.push_str(&"]}".repeat(depth));
        let p = ok(&doc("1.5", &format!(",\"components\":[{text}]")));
        assert_eq!(p.facts.components.len(), depth);
        assert_eq!(p.facts.components[depth - 1].name.as_deref(), Some("c59"));

        // A schema error at the deepest level: the field-path re-parse does not overflow either.
        let bad = text.replacen(r#""name":"c59""#, r#""name":59"#, 1);
        let e = err(&doc("1.5", &format!(",\"components\":[{bad}]")));
        assert!(e.message.contains(&"components[0].".repeat(59)), "{e:?}");

        // Beyond it: refused, not overflowed.
        let depth = 200;
        let mut text = String::new();
        for _ in 0..depth {
            text.push_str(r#"{"type":"library","name":"c","components":["#);
        }
        text.push_str(&"]}".repeat(depth));
        let e = err(&doc("1.5", &format!(",\"components\":[{text}]")));
        assert!(e.message.contains("nested deeper than 128"), "{e:?}");
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "{",
            "[]",
            "null",
            "{\"bomFormat\":\"CycloneDX\"",
            "{\"a\":1}",
            "\u{0}",
        ] {
            assert!(read("x", text).is_err(), "{text:?}");
        }
    }

    /// The corpus next to the repository (the test is ignored unless the build found it).
    fn corpus() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
    }

    fn flatten_oracle(top: &cyclonedx_bom::models::bom::Bom) -> Vec<Option<String>> {
        let mut out = Vec::new();
        let mut stack: Vec<std::slice::Iter<'_, cyclonedx_bom::models::component::Component>> =
            vec![top
                .components
                .as_ref()
                .map(|c| c.0.iter())
                .unwrap_or_default()];
        while let Some(it) = stack.last_mut() {
            let Some(c) = it.next() else {
                stack.pop();
                continue;
            };
            out.push(c.purl.as_ref().map(|p| p.to_string()));
            if let Some(children) = &c.components {
                stack.push(children.0.iter());
            }
        }
        out
    }

    /// Cross-check against `cyclonedx-bom` (1.3–1.5 only): for every corpus file (JSON or XML)
    /// of those versions the crate accepts, gate finds the same components with the same purls in the
    /// same order.
    #[test]
    #[cfg_attr(not(gate_corpus), ignore = "needs ../shared/corpus")]
    fn agrees_with_cyclonedx_bom_on_the_corpus() {
        let dir = corpus();
        let expected: serde_json::Value =
            serde_json::from_str(&fs_err::read_to_string(dir.join("EXPECTED.json")).unwrap())
                .unwrap();
        let (mut compared, mut crate_refused, mut components) = (0, Vec::new(), 0);
        let mut failures = Vec::new();
        for (rel, want) in expected["files"].as_object().unwrap() {
            if want["kind"] != "cyclonedx"
                || !["1.3", "1.4", "1.5"].contains(&want["spec_version"].as_str().unwrap())
            {
                continue;
            }
            let text = fs_err::read_to_string(dir.join(rel)).unwrap();
            let is_xml = text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<');
            use cyclonedx_bom::models::bom::{Bom, SpecVersion};
            let parsed = if is_xml {
                let version = match want["spec_version"].as_str().unwrap() {
                    "1.3" => SpecVersion::V1_3,
                    "1.4" => SpecVersion::V1_4,
                    _ => SpecVersion::V1_5,
                };
                Bom::parse_from_xml_with_version(text.as_bytes(), version)
                    .map_err(|e| e.to_string())
            } else {
                Bom::parse_from_json(text.as_bytes()).map_err(|e| e.to_string())
            };
            let oracle = match parsed {
                Ok(bom) => bom,
                Err(e) => {
                    crate_refused.push(format!("{rel}: {e}"));
                    continue;
                }
            };
            let want_purls = flatten_oracle(&oracle);
            let got = if is_xml {
                super::super::cyclonedx_xml::read(rel, &text)
            } else {
                read(rel, &text)
            }
            .unwrap_or_else(|e| panic!("{rel}: gate refused: {e:?}"));
            let got_purls: Vec<Option<String>> = got
                .facts
                .components
                .iter()
                .map(|c| c.purl.clone())
                .collect();
            compared += 1;
            components += got_purls.len();
            if got_purls != want_purls {
                failures.push(format!(
                    "{rel}: gate {} components, cyclonedx-bom {}; first difference at {:?}",
                    got_purls.len(),
                    want_purls.len(),
                    got_purls.iter().zip(&want_purls).position(|(a, b)| a != b)
                ));
            }
        }
        eprintln!(
            "cyclonedx-bom cross-check: {compared} files ({components} components) compared, {} refused by the crate",
            crate_refused.len()
        );
        for r in &crate_refused {
            eprintln!("  not compared (cyclonedx-bom refuses it): {r}");
        }
        assert!(compared > 0, "no 1.3-1.5 file in the corpus");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
