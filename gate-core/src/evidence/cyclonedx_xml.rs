//! CycloneDX XML: read an SBOM's components, dependency graph and VEX statements into the same
//! facts as the JSON reader ([`super::cyclonedx`]).
//!
//! For: documents whose root is `<bom>` in the namespace `http://cyclonedx.org/schema/bom/1.x`
//! of a known spec version (1.0–1.7); another version is refused naming it, a `<bom>` in another
//! namespace is refused as not CycloneDX. Read: components nested at any depth under
//! `bom/components` (not `metadata/component`, the SBOM's subject, whose `bom-ref` is the root of
//! the dependency graph), with `type` and `bom-ref` attributes, `name`, `version`, `group`,
//! `purl`, `supplier/name` (else `publisher`, else `author`), `hashes/hash[@alg]`, and licenses
//! (`license/id`, `license/name`, `expression`); `dependencies/dependency[@ref]` with nested
//! `dependency[@ref]`; `vulnerabilities/vulnerability` with an `analysis`; the first named tool
//! of `metadata/tools` as producer.
//!
//! Elements in another namespace (extensions) are skipped. A component without its required
//! `type` attribute, a `<hash>` without `alg`, a `<dependency>` without `ref`, and a second
//! `name`, `version`, `group` or `purl` in one component, are refused with a line and column. Components carry the line and column of their start tag.
//! One pass over the events of a [`SafeReader`]; the XML safety rules are that module's.

use std::collections::BTreeMap;

use super::cyclonedx::KNOWN_SPEC_VERSIONS;
use super::format::{xml_root, Claim, Format, Probe};
use super::Kind;
use super::{sbom_graph, Facts, Parsed};
use crate::diagnostic::Diagnostic;
use crate::input::{Component, Dependency, Producer, Source, VexStatement};
use crate::source::xml::{clip, SafeReader, XmlEvent};
use crate::EvidenceError;

/// CycloneDX XML: a `<bom>` root.
pub(crate) struct CycloneDxXmlFormat;

impl Format for CycloneDxXmlFormat {
    fn kind(&self) -> Kind {
        Kind::CycloneDx
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(xml_root(probe) == Some("bom"))
    }

    fn reads(&self, text: &str) -> bool {
        text.trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The namespace of CycloneDX XML, up to the version.
pub const NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";

/// Read a CycloneDX XML document.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut reader = SafeReader::new(text);
    let mut st = State::new(id);
    loop {
        match reader.next_event()? {
            XmlEvent::Start(el) => st.start(&mut reader, &el)?,
            XmlEvent::End(_) => st.end(&mut reader)?,
            XmlEvent::Text(t) => {
                if let Some(c) = &mut st.capture {
                    c.text.push_str(&t);
                }
            }
            XmlEvent::Eof => break,
        }
    }
    let Some(version) = st.version.take() else {
        return Err(EvidenceError::new(
            "not a CycloneDX document: it holds no element",
        ));
    };
    st.finish(version)
}

/// What a captured text value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Version,
    Group,
    Purl,
    Supplier,
    Publisher,
    Author,
    Hash,
    LicenseId,
    LicenseName,
    Expression,
    ToolName,
    ToolVersion,
    VulnId,
    VulnAlias,
    State,
    Justification,
    Response,
    Detail,
    AffectRef,
}

#[derive(Debug)]
struct Capture {
    field: Field,
    /// Depth of the element whose text this is.
    depth: usize,
    text: String,
    /// The `alg` attribute of a `<hash>`.
    alg: Option<String>,
    /// Byte offset of the element, for errors.
    offset: usize,
}

/// A component being read.
#[derive(Debug, Default)]
struct Open {
    depth: usize,
    kind: Option<String>,
    bom_ref: Option<String>,
    name: Option<String>,
    version: Option<String>,
    group: Option<String>,
    purl: Option<String>,
    supplier: Option<String>,
    publisher: Option<String>,
    author: Option<String>,
    hashes: BTreeMap<String, String>,
    licenses: Vec<String>,
    line: usize,
    column: usize,
    /// Its place in the output (components are emitted in start-tag order).
    index: usize,
}

#[derive(Debug, Default)]
struct Vuln {
    id: Option<String>,
    aliases: Vec<String>,
    analysed: bool,
    state: Option<String>,
    justification: Option<String>,
    response: Vec<String>,
    detail: Option<String>,
    refs: Vec<String>,
    line: usize,
    column: usize,
}

struct State<'i, 'a> {
    id: &'i str,
    /// Local names of the open elements (`""` for an element in another namespace).
    path: Vec<&'a str>,
    /// Per open element: whether it is on the `bom/components/(component/components)*` path.
    tree: Vec<bool>,
    /// The root's namespace prefix (`""` for the default namespace).
    prefix: &'a str,
    version: Option<String>,
    open: Vec<Open>,
    done: Vec<Option<Component>>,
    capture: Option<Capture>,
    root_ref: Option<String>,
    tool: Option<(Option<String>, Option<String>)>,
    producer: Option<Producer>,
    dependencies: Vec<Dependency>,
    vulns: Vec<Vuln>,
    unnamed: Option<(usize, String)>,
}

impl<'i, 'a> State<'i, 'a> {
    fn new(id: &'i str) -> Self {
        Self {
            id,
            path: Vec::new(),
            tree: Vec::new(),
            prefix: "",
            version: None,
            open: Vec::new(),
            done: Vec::new(),
            capture: None,
            root_ref: None,
            tool: None,
            producer: None,
            dependencies: Vec::new(),
            vulns: Vec::new(),
            unnamed: None,
        }
    }

    fn start(
        &mut self,
        reader: &mut SafeReader<'a>,
        el: &crate::source::xml::Element<'a>,
    ) -> Result<(), EvidenceError> {
        let name = el.name();
        let depth = self.path.len() + 1;
        if depth == 1 {
            self.root(reader, el)?;
            self.path.push("bom");
            self.tree.push(true);
            return Ok(());
        }
        let (prefix, local) = match name.rsplit_once(':') {
            Some((p, l)) => (p, l),
            None => ("", name),
        };
        let local = if prefix == self.prefix { local } else { "" };
        let parent = self.path.last().copied().unwrap_or("");
        let parent_tree = self.tree.last().copied().unwrap_or(false);
        let in_tree = match local {
            "components" => parent_tree && (parent == "bom" || parent == "component"),
            "component" => parent_tree && parent == "components",
            _ => false,
        };
        self.path.push(local);
        self.tree.push(in_tree);

        if in_tree && local == "component" {
            let (line, column) = reader.position();
            let kind = el.attr("type").map(|v| v.into_owned());
            if kind.is_none() {
                return Err(EvidenceError::at(
                    "CycloneDX <component> without the required `type` attribute",
                    line,
                    column,
                ));
            }
            let index = self.done.len();
            self.done.push(None);
            self.open.push(Open {
                depth,
                kind,
                bom_ref: el.attr("bom-ref").map(|v| v.into_owned()),
                line,
                column,
                index,
                ..Open::default()
            });
            return Ok(());
        }

        let field = self.field_for(el, reader)?;
        if field == Some(Field::Hash) && el.attr("alg").is_none() {
            let (line, column) = reader.position();
            return Err(EvidenceError::at(
                "CycloneDX <hash> without the required `alg` attribute",
                line,
                column,
            ));
        }
        if let Some(field) = field {
            self.capture = Some(Capture {
                field,
                depth,
                text: String::new(),
                alg: if field == Field::Hash {
                    el.attr("alg").map(|v| v.into_owned())
                } else {
                    None
                },
                offset: el.offset(),
            });
        }
        Ok(())
    }

    /// The root element: `<bom>` in a CycloneDX namespace of a known version.
    fn root(
        &mut self,
        reader: &mut SafeReader<'a>,
        el: &crate::source::xml::Element<'a>,
    ) -> Result<(), EvidenceError> {
        let name = el.name();
        let (prefix, local) = match name.rsplit_once(':') {
            Some((p, l)) => (p, l),
            None => ("", name),
        };
        let (line, column) = reader.position();
        if local != "bom" {
            return Err(EvidenceError::at(
                format!(
                    "not a CycloneDX document: the root element is <{}>, expected <bom>",
                    clip(name, 60)
                ),
                line,
                column,
            ));
        }
        let xmlns = if prefix.is_empty() {
            "xmlns".to_owned()
        } else {
            format!("xmlns:{prefix}")
        };
        let Some(ns) = el.attr(&xmlns) else {
            return Err(EvidenceError::at(
                "CycloneDX XML without a namespace: <bom> must be in `http://cyclonedx.org/schema/bom/1.x`",
                line,
                column,
            ));
        };
        let Some(version) = ns.strip_prefix(NAMESPACE_PREFIX) else {
            return Err(EvidenceError::at(
                format!(
                    "not a CycloneDX document: <bom> in namespace `{}`",
                    clip(&ns, 100)
                ),
                line,
                column,
            ));
        };
        if !KNOWN_SPEC_VERSIONS.contains(&version) {
            return Err(EvidenceError::at(
                format!(
                    "CycloneDX XML spec version '{}' (namespace `{}`) is not a known version (gate reads {})",
                    clip(version, 20),
                    clip(&ns, 100),
                    KNOWN_SPEC_VERSIONS.join(", ")
                ),
                line,
                column,
            ));
        }
        self.prefix = prefix;
        self.version = Some(version.to_owned());
        Ok(())
    }

    /// Which text field, if any, the element just opened holds; also records
    /// attribute-only facts (the root reference, dependency edges, VEX statements).
    fn field_for(
        &mut self,
        el: &crate::source::xml::Element<'a>,
        reader: &mut SafeReader<'a>,
    ) -> Result<Option<Field>, EvidenceError> {
        // Inside a component: the path below its start tag.
        if let Some(c) = self.open.last() {
            let rel = self.path.get(c.depth..).unwrap_or_default();
            let field = match rel {
                ["name"] => Some(Field::Name),
                ["version"] => Some(Field::Version),
                ["group"] => Some(Field::Group),
                ["purl"] => Some(Field::Purl),
                ["supplier", "name"] => Some(Field::Supplier),
                ["publisher"] => Some(Field::Publisher),
                ["author"] => Some(Field::Author),
                ["hashes", "hash"] => Some(Field::Hash),
                ["licenses", "license", "id"] => Some(Field::LicenseId),
                ["licenses", "license", "name"] => Some(Field::LicenseName),
                ["licenses", "expression"] => Some(Field::Expression),
                _ => None,
            };
            if field.is_some() {
                return Ok(field);
            }
        }
        let path = self.path.as_slice();
        Ok(match path {
            ["bom", "metadata", "component"] => {
                self.root_ref = el.attr("bom-ref").map(|v| v.into_owned());
                None
            }
            ["bom", "metadata", "tools", "tool"]
            | ["bom", "metadata", "tools", "components", "component"]
            | ["bom", "metadata", "tools", "services", "service"] => {
                self.tool = Some((None, None));
                None
            }
            ["bom", "metadata", "tools", "tool", "name"]
            | ["bom", "metadata", "tools", "components", "component", "name"]
            | ["bom", "metadata", "tools", "services", "service", "name"] => Some(Field::ToolName),
            ["bom", "metadata", "tools", "tool", "version"]
            | ["bom", "metadata", "tools", "components", "component", "version"]
            | ["bom", "metadata", "tools", "services", "service", "version"] => {
                Some(Field::ToolVersion)
            }
            ["bom", "dependencies", "dependency"] => {
                let reference = self.required_ref(el, reader)?;
                self.dependencies.push(Dependency {
                    evidence: self.id.to_owned(),
                    reference,
                    depends_on: Vec::new(),
                });
                None
            }
            ["bom", "dependencies", "dependency", "dependency"] => {
                let reference = self.required_ref(el, reader)?;
                if let Some(d) = self.dependencies.last_mut() {
                    d.depends_on.push(reference);
                }
                None
            }
            ["bom", "vulnerabilities", "vulnerability"] => {
                let (line, column) = reader.position();
                self.vulns.push(Vuln {
                    line,
                    column,
                    ..Vuln::default()
                });
                None
            }
            ["bom", "vulnerabilities", "vulnerability", rest @ ..] => match rest {
                ["id"] => Some(Field::VulnId),
                ["references", "reference", "id"] => Some(Field::VulnAlias),
                ["analysis"] => {
                    if let Some(v) = self.vulns.last_mut() {
                        v.analysed = true;
                    }
                    None
                }
                ["analysis", "state"] => Some(Field::State),
                ["analysis", "justification"] => Some(Field::Justification),
                ["analysis", "responses", "response"] => Some(Field::Response),
                ["analysis", "detail"] => Some(Field::Detail),
                ["affects", "target", "ref"] => Some(Field::AffectRef),
                _ => None,
            },
            _ => None,
        })
    }

    fn required_ref(
        &mut self,
        el: &crate::source::xml::Element<'a>,
        reader: &mut SafeReader<'a>,
    ) -> Result<String, EvidenceError> {
        match el.attr("ref") {
            Some(r) => Ok(r.into_owned()),
            None => {
                let (line, column) = reader.position();
                Err(EvidenceError::at(
                    "CycloneDX <dependency> without the required `ref` attribute",
                    line,
                    column,
                ))
            }
        }
    }

    fn end(&mut self, reader: &mut SafeReader<'a>) -> Result<(), EvidenceError> {
        let depth = self.path.len();
        if self.capture.as_ref().is_some_and(|c| c.depth == depth) {
            if let Some(c) = self.capture.take() {
                self.store(c, reader)?;
            }
        }
        let local = self.path.pop().unwrap_or("");
        self.tree.pop();
        if local == "component" && self.open.last().is_some_and(|c| c.depth == depth) {
            if let Some(c) = self.open.pop() {
                self.close_component(c);
            }
        }
        if let (["bom", "metadata", "tools", ..], Some((Some(name), version))) =
            (self.path.as_slice(), &self.tool)
        {
            if self.producer.is_none() && matches!(local, "tool" | "component" | "service") {
                self.producer = Some(Producer {
                    name: name.clone(),
                    version: version.clone(),
                });
            }
        }
        Ok(())
    }

    /// Put a captured value where it belongs.
    fn store(&mut self, c: Capture, reader: &mut SafeReader<'a>) -> Result<(), EvidenceError> {
        let value = c.text.trim().to_owned();
        let dup = |what: &str, reader: &mut SafeReader<'a>| {
            reader.error_at(
                c.offset,
                format!("CycloneDX <component> with a second <{what}>"),
            )
        };
        match c.field {
            Field::Name | Field::Version | Field::Group | Field::Purl => {
                let Some(comp) = self.open.last_mut() else {
                    return Ok(());
                };
                let (slot, what) = match c.field {
                    Field::Name => (&mut comp.name, "name"),
                    Field::Version => (&mut comp.version, "version"),
                    Field::Group => (&mut comp.group, "group"),
                    _ => (&mut comp.purl, "purl"),
                };
                if slot.is_some() {
                    return Err(dup(what, reader));
                }
                *slot = Some(value);
            }
            Field::Supplier | Field::Publisher | Field::Author => {
                if let Some(comp) = self.open.last_mut() {
                    let slot = match c.field {
                        Field::Supplier => &mut comp.supplier,
                        Field::Publisher => &mut comp.publisher,
                        _ => &mut comp.author,
                    };
                    if slot.is_none() && !value.is_empty() {
                        *slot = Some(value);
                    }
                }
            }
            Field::Hash => {
                if let (Some(comp), Some(alg)) = (self.open.last_mut(), c.alg) {
                    // The first of two hashes with the same algorithm wins, as in JSON.
                    comp.hashes.entry(alg).or_insert(value);
                }
            }
            Field::LicenseId | Field::LicenseName | Field::Expression => {
                // The schema allows an id or a name per license, not both.
                if let Some(comp) = self.open.last_mut() {
                    if !value.is_empty() {
                        comp.licenses.push(value);
                    }
                }
            }
            Field::ToolName | Field::ToolVersion => {
                if let Some((name, version)) = &mut self.tool {
                    let slot = if c.field == Field::ToolName {
                        name
                    } else {
                        version
                    };
                    if slot.is_none() && !value.is_empty() {
                        *slot = Some(value);
                    }
                }
            }
            Field::VulnId
            | Field::VulnAlias
            | Field::State
            | Field::Justification
            | Field::Response
            | Field::Detail
            | Field::AffectRef => {
                let Some(v) = self.vulns.last_mut() else {
                    return Ok(());
                };
                match c.field {
                    Field::VulnId => v.id = Some(value),
                    Field::VulnAlias => v.aliases.push(value),
                    Field::State => v.state = Some(value),
                    Field::Justification => v.justification = Some(value),
                    Field::Response => v.response.push(value),
                    Field::Detail => v.detail = Some(value),
                    _ => v.refs.push(value),
                }
            }
        }
        Ok(())
    }

    fn close_component(&mut self, c: Open) {
        if c.name.is_none() {
            let at = format!("line {} column {}", c.line, c.column);
            match &mut self.unnamed {
                Some((count, _)) => *count += 1,
                None => self.unnamed = Some((1, at)),
            }
        }
        let component = Component {
            name: c.name,
            version: c.version,
            group: c.group,
            purl: c.purl,
            kind: c.kind,
            licenses: c.licenses,
            hashes: c.hashes,
            supplier: c.supplier.or(c.publisher).or(c.author),
            bom_ref: c.bom_ref,
            direct: None,
            license_expression: None,
            license_ids: Vec::new(),
            license_unknown: Vec::new(),
            source: Source::line(self.id, c.line, c.column),
            subject: String::new(),
        };
        if let Some(slot) = self.done.get_mut(c.index) {
            *slot = Some(component);
        }
    }

    fn finish(self, version: String) -> Result<Parsed, EvidenceError> {
        let mut components: Vec<Component> = self.done.into_iter().flatten().collect();
        let dependencies = sbom_graph::merge(self.dependencies);
        sbom_graph::mark_direct(&mut components, &dependencies, self.root_ref.as_slice());
        let id = self.id;
        let mut vex: Vec<VexStatement> = self
            .vulns
            .into_iter()
            .filter(|v| v.analysed)
            .filter_map(|v| {
                let vid = v.id?;
                Some(VexStatement {
                    aliases: v.aliases.into_iter().filter(|a| *a != vid).collect(),
                    id: vid,
                    state: v.state,
                    justification: v.justification,
                    response: v.response,
                    detail: v.detail,
                    refs: v.refs,
                    purls: Vec::new(),
                    source: Source::line(id, v.line, v.column),
                })
            })
            .collect();
        sbom_graph::resolve_vex(&mut vex, &components);
        let diagnostics = self
            .unnamed
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
            format_version: Some(version),
            producer: self.producer.unwrap_or_else(|| Producer {
                name: "unknown".to_owned(),
                version: None,
            }),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Parsed {
        read("bom.xml", text).unwrap()
    }

    fn err(text: &str) -> EvidenceError {
        read("bom.xml", text).unwrap_err()
    }

    fn doc(version: &str, body: &str) -> String {
        format!("<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/{version}\" version=\"1\">\n{body}\n</bom>")
    }

    #[test]
    fn components_nested_with_fields_and_positions() {
        let p = ok(&doc(
            "1.4",
            r#"<metadata>
  <tools><tool><vendor>CycloneDX</vendor><name>cyclonedx-py</name><version>7.5.0</version></tool></tools>
  <component type="application" bom-ref="root"><name>the-app</name></component>
</metadata>
<components>
  <component type="library" bom-ref="pkg:npm/%40scope/x@1.2.3">
    <supplier><name>Scope Inc</name><url>https://scope.example</url></supplier>
    <publisher>Someone else</publisher>
    <group>@scope</group>
    <name>x</name>
    <version> 1.2.3 </version>
    <hashes><hash alg="SHA-256">abc</hash><hash alg="SHA-1">def</hash><hash alg="SHA-256">later</hash></hashes>
    <licenses><license><id>Apache-2.0</id></license><license><name>My &amp; Own</name></license></licenses>
    <purl>pkg:npm/%40scope/x@1.2.3</purl>
    <pedigree><ancestors><component type="library"><name>not-me</name></component></ancestors></pedigree>
    <components>
      <component type="file"><name>inner</name><licenses><expression>MIT OR Apache-2.0</expression></licenses></component>
    </components>
  </component>
  <component type="library"><name>b</name><author>Auth</author></component>
</components>"#,
        ));
        assert_eq!(p.format_version.as_deref(), Some("1.4"));
        assert_eq!(
            p.producer,
            Producer {
                name: "cyclonedx-py".into(),
                version: Some("7.5.0".into())
            }
        );
        let c = &p.facts.components;
        let names: Vec<&str> = c.iter().map(|c| c.name.as_deref().unwrap()).collect();
        assert_eq!(names, ["x", "inner", "b"]);
        let x = &c[0];
        assert_eq!(x.kind.as_deref(), Some("library"));
        assert_eq!(x.bom_ref.as_deref(), Some("pkg:npm/%40scope/x@1.2.3"));
        assert_eq!(x.group.as_deref(), Some("@scope"));
        assert_eq!(x.version.as_deref(), Some("1.2.3"));
        assert_eq!(x.purl.as_deref(), Some("pkg:npm/%40scope/x@1.2.3"));
        assert_eq!(x.supplier.as_deref(), Some("Scope Inc"));
        assert_eq!(
            x.hashes,
            BTreeMap::from([
                ("SHA-1".to_owned(), "def".to_owned()),
                ("SHA-256".to_owned(), "abc".to_owned())
            ])
        );
        assert_eq!(x.licenses, ["Apache-2.0", "My & Own"]);
        assert_eq!(x.source, Source::line("bom.xml", 8, 3));
        assert_eq!(c[1].licenses, ["MIT OR Apache-2.0"]);
        assert_eq!(c[1].kind.as_deref(), Some("file"));
        assert_eq!(c[1].source, Source::line("bom.xml", 19, 7));
        assert_eq!(c[2].supplier.as_deref(), Some("Auth"));
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn tools_as_1_5_components_and_prefixed_namespace() {
        let p = ok(
            r#"<cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.6" xmlns:ext="urn:x">
  <cdx:metadata><cdx:tools><cdx:components><cdx:component type="application">
    <cdx:group>aquasecurity</cdx:group><cdx:name>trivy</cdx:name><cdx:version>0.60.0</cdx:version>
  </cdx:component></cdx:components></cdx:tools></cdx:metadata>
  <cdx:components>
    <cdx:component type="library"><cdx:name>a</cdx:name><ext:name>not this</ext:name></cdx:component>
    <ext:components><ext:component type="library"><cdx:name>ext</cdx:name></ext:component></ext:components>
  </cdx:components>
</cdx:bom>"#,
        );
        assert_eq!(p.producer.name, "trivy");
        assert_eq!(p.producer.version.as_deref(), Some("0.60.0"));
        assert_eq!(p.facts.components.len(), 1);
        assert_eq!(p.facts.components[0].name.as_deref(), Some("a"));
    }

    #[test]
    fn dependencies_give_the_graph_and_direct_flags() {
        let p = ok(&doc(
            "1.5",
            r#"<metadata><component type="application" bom-ref="app"><name>app</name></component></metadata>
<components>
  <component type="library" bom-ref="a"><name>a</name></component>
  <component type="library" bom-ref="b"><name>b</name></component>
  <component type="library"><name>c</name></component>
</components>
<dependencies>
  <dependency ref="app"><dependency ref="a"/></dependency>
  <dependency ref="a"><dependency ref="b"/></dependency>
  <dependency ref="b"/>
</dependencies>"#,
        ));
        let direct: Vec<Option<bool>> = p.facts.components.iter().map(|c| c.direct).collect();
        assert_eq!(direct, [Some(true), Some(false), None]);
        let d = &p.facts.dependencies;
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].reference, "app");
        assert_eq!(d[0].depends_on, ["a"]);
        assert_eq!(d[2].depends_on, Vec::<String>::new());
        assert!(d.iter().all(|d| d.evidence == "bom.xml"));

        let e = err(&doc(
            "1.5",
            "<dependencies>\n<dependency><dependency ref=\"a\"/></dependency></dependencies>",
        ));
        assert!(e.message.contains("without the required `ref`"), "{e:?}");
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn vulnerabilities_with_an_analysis_are_vex() {
        let p = ok(&doc(
            "1.6",
            r#"<components><component type="library" bom-ref="jd"><name>jackson-databind</name>
  <purl>pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4</purl></component></components>
<vulnerabilities>
  <vulnerability bom-ref="v1">
    <id>SNYK-1</id>
    <references><reference><id>CVE-2018-7489</id><source><name>NVD</name></source></reference></references>
    <analysis><state>not_affected</state><justification>code_not_reachable</justification>
      <responses><response>will_not_fix</response><response>update</response></responses>
      <detail>not used</detail></analysis>
    <affects><target><ref>jd</ref></target><target><ref>pkg:npm/other@1</ref></target></affects>
  </vulnerability>
  <vulnerability><id>CVE-2020-1</id><affects><target><ref>jd</ref></target></affects></vulnerability>
</vulnerabilities>"#,
        ));
        assert_eq!(p.facts.vex.len(), 1, "no analysis, no VEX statement");
        let v = &p.facts.vex[0];
        assert_eq!(v.id, "SNYK-1");
        assert_eq!(v.aliases, ["CVE-2018-7489"]);
        assert_eq!(v.state.as_deref(), Some("not_affected"));
        assert_eq!(v.justification.as_deref(), Some("code_not_reachable"));
        assert_eq!(v.response, ["will_not_fix", "update"]);
        assert_eq!(v.detail.as_deref(), Some("not used"));
        assert_eq!(v.refs, ["jd", "pkg:npm/other@1"]);
        assert_eq!(
            v.purls,
            [
                "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4",
                "pkg:npm/other@1"
            ]
        );
        assert_eq!(v.source, Source::line("bom.xml", 6, 3));
    }

    #[test]
    fn unknown_versions_and_namespaces_are_refused() {
        let e = err(&doc("2.0", ""));
        assert!(
            e.message.contains("CycloneDX XML spec version '2.0'")
                && e.message.contains("http://cyclonedx.org/schema/bom/2.0"),
            "{e:?}"
        );
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        let e = err(r#"<bom xmlns="urn:other"/>"#);
        assert!(
            e.message.contains("<bom> in namespace `urn:other`"),
            "{e:?}"
        );
        let e = err("<bom/>");
        assert!(e.message.contains("without a namespace"), "{e:?}");
        let e = err(r#"<sbom xmlns="http://cyclonedx.org/schema/bom/1.5"/>"#);
        assert!(e.message.contains("expected <bom>"), "{e:?}");
        for v in KNOWN_SPEC_VERSIONS {
            assert_eq!(ok(&doc(v, "")).format_version.as_deref(), Some(*v));
        }
    }

    #[test]
    fn schema_faults_are_refused_with_position() {
        let e = err(&doc(
            "1.4",
            "<components>\n  <component><name>x</name></component></components>",
        ));
        assert!(e.message.contains("without the required `type`"), "{e:?}");
        assert_eq!((e.line, e.column), (Some(4), Some(3)));
        let e = err(&doc(
            "1.4",
            "<components><component type=\"library\"><name>x</name>\n<name>y</name></component></components>",
        ));
        assert!(e.message.contains("a second <name>"), "{e:?}");
        assert_eq!(e.line, Some(4));
        let e = err(&doc(
            "1.4",
            "<components><component type=\"library\"><name>x</name><hashes>\n<hash>abc</hash></hashes></component></components>",
        ));
        assert!(e.message.contains("without the required `alg`"), "{e:?}");
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn unnamed_components_are_kept_and_noted() {
        let p = ok(&doc(
            "1.4",
            "<components><component type=\"library\"><purl>pkg:generic/x</purl></component>\n<component type=\"library\"/></components>",
        ));
        assert_eq!(p.facts.components.len(), 2);
        assert_eq!(
            p.diagnostics[0].message,
            "2 CycloneDX components have no `name` (first at `line 3 column 13`)"
        );
    }

    #[test]
    fn hostile_and_broken_documents_never_pass() {
        for text in [
            "",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">",
            "<!DOCTYPE bom [<!ENTITY x \"y\">]><bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">&x;</bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component type=\"library\"><name>a</components></bom>",
            "\u{0}",
        ] {
            assert!(read("x", text).is_err(), "{text:?}");
        }
    }
}
