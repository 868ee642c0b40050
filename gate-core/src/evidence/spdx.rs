//! SPDX 2.x JSON: read a document's packages into [`Component`] facts and its relationships
//! into the same dependency graph the CycloneDX readers give.
//!
//! For: JSON documents with `spdxVersion` `SPDX-2.0` to `SPDX-2.3`. Another version (SPDX 3's
//! JSON-LD, or anything else) is refused naming it. Not for: tag-value or RDF documents, files
//! and snippets (only packages are components), annotations.
//!
//! Mapping: `packages[]` → components (`name`, `versionInfo` → version, `supplier` without its
//! `Organization: `/`Person: ` prefix, the first `externalRefs` entry of type `purl`,
//! `checksums` → hashes named as CycloneDX names them (`SHA256` → `SHA-256`),
//! `primaryPackagePurpose` lower-cased → type, `SPDXID` → `bom_ref`). The license is
//! `licenseConcluded`, else `licenseDeclared`; `NOASSERTION` and `NONE` are no license.
//! Relationships become graph edges from the depending element to its dependency:
//! `DEPENDS_ON` and `CONTAINS` as written, `DEPENDENCY_OF` (and its `DEV_`, `TEST_`, `BUILD_`,
//! `RUNTIME_`, `OPTIONAL_`, `PROVIDED_` forms) and `CONTAINED_BY` reversed. The SBOM's subject
//! is what the document `DESCRIBES` (or `documentDescribes` lists); `direct` is true for what a
//! subject depends on or contains.
//!
//! Strictness: the fields SPDX requires (`SPDXID`, `dataLicense`, `name`, `documentNamespace`,
//! `creationInfo` with `created` and `creators`; per package `SPDXID`, `name`,
//! `downloadLocation`) must be present with the right types; a missing one is refused with
//! the field path, line and column.

use std::collections::BTreeMap;

use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{sbom_graph, Facts, Parsed};
use crate::input::{Component, Dependency, Producer, Source};
use crate::license::is_no_assertion;
use crate::source::json::{self, Array};
use crate::EvidenceError;

impl Kind {
    /// SPDX 2.x JSON.
    #[allow(non_upper_case_globals)]
    pub const Spdx: Kind = Kind("spdx");
}

/// SPDX 2.x JSON: `spdxVersion`; SPDX 3 JSON-LD is recognised and not read.
pub(crate) struct SpdxFormat;

impl Format for SpdxFormat {
    fn kind(&self) -> Kind {
        Kind::Spdx
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        let Some(p) = object(probe) else {
            return Claim::No;
        };
        if p.has("spdxVersion") {
            Claim::Yes
        } else if p.scalar("@context").is_some_and(|c| c.contains("spdx.org")) {
            Claim::Unread("an SPDX 3 JSON-LD document (gate reads SPDX 2.0-2.3 JSON)".into())
        } else {
            Claim::No
        }
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The `spdxVersion` values gate reads.
pub const KNOWN_VERSIONS: &[&str] = &["SPDX-2.0", "SPDX-2.1", "SPDX-2.2", "SPDX-2.3"];

/// Read an SPDX JSON document.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let doc: Document = json::parse(text)?;
    let producer = doc
        .creation_info
        .creators
        .0
        .iter()
        .find_map(|c| c.strip_prefix("Tool:").map(|t| tool(t.trim())))
        .unwrap_or_else(|| Producer {
            name: "unknown".to_owned(),
            version: None,
        });

    let mut roots: Vec<String> = doc.document_describes.0;
    let mut edges: Vec<Dependency> = Vec::new();
    let document = doc.spdx_id;
    for r in doc.relationships.0 {
        let (from, to) = (r.element, r.related);
        if is_no_assertion(&to) {
            continue;
        }
        let ty = r.kind.as_str();
        let edge = match ty {
            "DESCRIBES" if from == document => {
                if !roots.contains(&to) {
                    roots.push(to);
                }
                continue;
            }
            "DESCRIBED_BY" if to == document => {
                if !roots.contains(&from) {
                    roots.push(from);
                }
                continue;
            }
            "DEPENDS_ON" | "CONTAINS" => (from, to),
            "CONTAINED_BY" => (to, from),
            _ if ty.ends_with("DEPENDENCY_OF") => (to, from),
            _ => continue,
        };
        edges.push(Dependency {
            evidence: id.to_owned(),
            reference: edge.0,
            depends_on: vec![edge.1],
        });
    }
    let dependencies = sbom_graph::merge(edges);

    let mut components: Vec<Component> = doc
        .packages
        .0
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.normalise(Source::pointer(id, format!("/packages/{i}"))))
        .collect();
    sbom_graph::mark_direct(&mut components, &dependencies, &roots);

    Ok(Parsed {
        format_version: Some(doc.spdx_version.0),
        producer,
        facts: Facts {
            components,
            dependencies,
            ..Facts::default()
        },
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

/// `Tool: name-version` → producer (the version is what follows the last `-` when it starts
/// with a digit or `v` and a digit).
fn tool(t: &str) -> Producer {
    if let Some((name, version)) = t.rsplit_once('-') {
        let v = version.strip_prefix('v').unwrap_or(version);
        if !name.is_empty() && v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return Producer {
                name: name.to_owned(),
                version: Some(version.to_owned()),
            };
        }
    }
    Producer {
        name: t.to_owned(),
        version: None,
    }
}

// ------------------------------------------------------------------------------------------
// The document, as far as gate reads it. Unknown fields are skipped without being built.

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: json::KnownVersion<SpdxVersion>,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    /// Required; read so that its presence and type are checked.
    #[serde(rename = "dataLicense")]
    _data_license: String,
    /// Required; read so that its presence and type are checked.
    #[serde(rename = "name")]
    _name: String,
    /// Required; read so that its presence and type are checked.
    #[serde(rename = "documentNamespace")]
    _document_namespace: String,
    creation_info: CreationInfo,
    #[serde(default)]
    document_describes: Array<String>,
    #[serde(default)]
    packages: Array<Package>,
    #[serde(default)]
    relationships: Array<Relationship>,
}

#[derive(Debug, serde::Deserialize)]
struct CreationInfo {
    /// Required; read so that its presence and type are checked.
    #[serde(rename = "created")]
    _created: String,
    creators: Array<String>,
}

/// `spdxVersion`: one of [`KNOWN_VERSIONS`].
#[derive(Debug)]
struct SpdxVersion;

impl json::Versions for SpdxVersion {
    const FIELD: &'static str = "spdxVersion";
    const KNOWN: &'static [&'static str] = KNOWN_VERSIONS;
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: String,
    version_info: Option<String>,
    supplier: Option<String>,
    /// Required; read so that its presence and type are checked.
    #[serde(rename = "downloadLocation")]
    _download_location: String,
    #[serde(default)]
    checksums: Array<Checksum>,
    license_concluded: Option<String>,
    license_declared: Option<String>,
    #[serde(default)]
    external_refs: Array<ExternalRef>,
    primary_package_purpose: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: String,
    checksum_value: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_type: String,
    reference_locator: String,
}

#[derive(Debug, serde::Deserialize)]
struct Relationship {
    #[serde(rename = "spdxElementId")]
    element: String,
    #[serde(rename = "relationshipType")]
    kind: String,
    #[serde(rename = "relatedSpdxElement")]
    related: String,
}

/// SPDX algorithm names as CycloneDX writes them: `SHA256` → `SHA-256`, `SHA3-256` and
/// `BLAKE2b-256` as they are.
fn algorithm(a: &str) -> String {
    match a.strip_prefix("SHA") {
        Some(bits) if bits.chars().all(|c| c.is_ascii_digit()) && !bits.is_empty() => {
            format!("SHA-{bits}")
        }
        _ => a.to_owned(),
    }
}

impl Package {
    fn normalise(self, source: Source) -> Component {
        let mut hashes = BTreeMap::new();
        for c in self.checksums.0 {
            hashes
                .entry(algorithm(&c.algorithm))
                .or_insert(c.checksum_value);
        }
        let license = [self.license_concluded, self.license_declared]
            .into_iter()
            .flatten()
            .find(|l| !is_no_assertion(l));
        let supplier = self.supplier.filter(|s| !is_no_assertion(s)).map(|s| {
            let s = s.trim();
            s.strip_prefix("Organization:")
                .or_else(|| s.strip_prefix("Person:"))
                .unwrap_or(s)
                .trim()
                .to_owned()
        });
        let purl = self
            .external_refs
            .0
            .into_iter()
            .find(|r| r.reference_type == "purl")
            .map(|r| r.reference_locator);
        Component {
            name: Some(self.name),
            version: self.version_info.filter(|v| !is_no_assertion(v)),
            group: None,
            purl,
            kind: self.primary_package_purpose.map(|p| p.to_ascii_lowercase()),
            licenses: license.into_iter().collect(),
            hashes,
            supplier,
            bom_ref: Some(self.spdx_id),
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

    fn doc(version: &str, rest: &str) -> String {
        format!(
            r#"{{"spdxVersion":"{version}","SPDXID":"SPDXRef-DOCUMENT","dataLicense":"CC0-1.0",
            "name":"d","documentNamespace":"https://example.invalid/d",
            "creationInfo":{{"created":"2024-01-01T00:00:00Z","creators":["Organization: X","Tool: syft-1.13.0"]}}{rest}}}"#
        )
    }

    fn pkg(id: &str, extra: &str) -> String {
        format!(r#"{{"SPDXID":"{id}","name":"{id}-name","downloadLocation":"NOASSERTION"{extra}}}"#)
    }

    #[test]
    fn packages_become_components() {
        let text = doc(
            "SPDX-2.3",
            &format!(
                r#","packages":[{}]"#,
                pkg(
                    "SPDXRef-a",
                    r#","versionInfo":"2.31.0","supplier":"Organization: Python Software Foundation",
                    "checksums":[{"algorithm":"SHA256","checksumValue":"abc"},{"algorithm":"SHA1","checksumValue":"def"}],
                    "licenseConcluded":"NOASSERTION","licenseDeclared":"Apache-2.0",
                    "externalRefs":[{"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:x"},
                      {"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:pypi/requests@2.31.0"}],
                    "primaryPackagePurpose":"LIBRARY""#
                )
            ),
        );
        let p = read("s.json", &text).unwrap();
        assert_eq!(p.format_version.as_deref(), Some("SPDX-2.3"));
        assert_eq!(
            p.producer,
            Producer {
                name: "syft".into(),
                version: Some("1.13.0".into())
            }
        );
        let c = &p.facts.components[0];
        assert_eq!(c.name.as_deref(), Some("SPDXRef-a-name"));
        assert_eq!(c.version.as_deref(), Some("2.31.0"));
        assert_eq!(c.supplier.as_deref(), Some("Python Software Foundation"));
        assert_eq!(c.purl.as_deref(), Some("pkg:pypi/requests@2.31.0"));
        assert_eq!(c.kind.as_deref(), Some("library"));
        assert_eq!(c.licenses, ["Apache-2.0"]);
        assert_eq!(c.bom_ref.as_deref(), Some("SPDXRef-a"));
        assert_eq!(c.hashes.get("SHA-256").map(String::as_str), Some("abc"));
        assert_eq!(c.hashes.get("SHA-1").map(String::as_str), Some("def"));
        assert_eq!(c.source.pointer.as_deref(), Some("/packages/0"));
        assert_eq!(c.direct, None, "no relationships: unknown");
    }

    #[test]
    fn no_assertion_is_no_value() {
        let text = doc(
            "SPDX-2.2",
            &format!(
                r#","packages":[{}]"#,
                pkg(
                    "SPDXRef-a",
                    r#","versionInfo":"NOASSERTION","supplier":"NOASSERTION","licenseConcluded":"NONE","licenseDeclared":"NOASSERTION""#
                )
            ),
        );
        let c = &read("s.json", &text).unwrap().facts.components[0];
        assert_eq!((c.version.as_deref(), c.supplier.as_deref()), (None, None));
        assert!(c.licenses.is_empty());
    }

    #[test]
    fn relationships_make_the_graph_and_direct_flags() {
        let text = doc(
            "SPDX-2.3",
            &format!(
                r#","packages":[{},{},{},{}],"relationships":[
                {{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-app"}},
                {{"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-a"}},
                {{"spdxElementId":"SPDXRef-b","relationshipType":"DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-a"}},
                {{"spdxElementId":"SPDXRef-c","relationshipType":"DEV_DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-app"}},
                {{"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON","relatedSpdxElement":"NONE"}},
                {{"spdxElementId":"SPDXRef-app","relationshipType":"GENERATED_FROM","relatedSpdxElement":"SPDXRef-b"}}]"#,
                pkg("SPDXRef-app", ""),
                pkg("SPDXRef-a", ""),
                pkg("SPDXRef-b", ""),
                pkg("SPDXRef-c", "")
            ),
        );
        let p = read("s.json", &text).unwrap();
        let direct: Vec<Option<bool>> = p.facts.components.iter().map(|c| c.direct).collect();
        assert_eq!(direct, [Some(false), Some(true), Some(false), Some(true)]);
        let edges: Vec<(&str, Vec<&str>)> = p
            .facts
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.reference.as_str(),
                    d.depends_on.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            edges,
            [
                ("SPDXRef-app", vec!["SPDXRef-a", "SPDXRef-c"]),
                ("SPDXRef-a", vec!["SPDXRef-b"]),
            ]
        );
    }

    #[test]
    fn document_describes_and_contains() {
        let text = doc(
            "SPDX-2.3",
            &format!(
                r#","documentDescribes":["SPDXRef-img"],"packages":[{},{}],"relationships":[
                {{"spdxElementId":"SPDXRef-img","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-a"}}]"#,
                pkg("SPDXRef-img", ""),
                pkg("SPDXRef-a", "")
            ),
        );
        let p = read("s.json", &text).unwrap();
        assert_eq!(p.facts.components[1].direct, Some(true));
    }

    #[test]
    fn unknown_versions_and_missing_required_fields_are_refused() {
        let e = read("s.json", &doc("SPDX-3.0", "")).unwrap_err();
        assert!(
            e.message
                .contains("spdxVersion 'SPDX-3.0' is not a known version (gate reads SPDX-2.0,"),
            "{e:?}"
        );
        let e = read("s.json", r#"{"spdxVersion":"SPDX-2.3","name":"x"}"#).unwrap_err();
        assert!(e.message.contains("missing field `SPDXID`"), "{e:?}");
        let e = read(
            "s.json",
            &doc(
                "SPDX-2.3",
                r#","packages":[{"SPDXID":"SPDXRef-a","name":"a"}]"#,
            ),
        )
        .unwrap_err();
        assert!(e.message.contains("downloadLocation"), "{e:?}");
        assert!(e.message.contains("packages[0]"), "{e:?}");
        let e = read("s.json", &doc("SPDX-2.3", r#","packages":{}"#)).unwrap_err();
        assert!(e.message.contains("expected a JSON array"), "{e:?}");
        for bad in ["", "{", "[]", "null", "{\"spdxVersion\":2.3}"] {
            assert!(read("s.json", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tool_names_and_versions() {
        assert_eq!(tool("trivy-0.58.1").version.as_deref(), Some("0.58.1"));
        assert_eq!(tool("cargo-sbom-v0.10.0").name, "cargo-sbom");
        assert_eq!(tool("npm/cli-11.19.1").name, "npm/cli");
        assert_eq!(tool("spdx-maven-plugin").version, None);
        assert_eq!(tool("spdx-maven-plugin").name, "spdx-maven-plugin");
    }
}
