//! Helpers several evidence readers share that belong to the evidence model (they build
//! `input` values such as `Source`s and purls). Format-neutral helpers live in `crate::source`;
//! a reader never borrows from another reader's file.

use std::collections::BTreeMap;

use crate::input::Source;
use crate::source::locate;

/// A string field that is present and not blank.
pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// `one` when `n` is 1, else `many`: for messages that count things.
pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Where JSON pointers are in a text, to give sources both a pointer and a line.
pub(crate) struct Positions(BTreeMap<String, (usize, usize)>);

impl Positions {
    /// The source at `pointer`, with its line and column when found.
    pub(crate) fn source(&self, id: &str, pointer: String) -> Source {
        let at = self.0.get(&pointer).copied();
        Source {
            evidence: id.to_owned(),
            // The whole document is named by its line alone.
            pointer: (!pointer.is_empty()).then_some(pointer),
            line: at.map(|(l, _)| l),
            column: at.map(|(_, c)| c),
        }
    }
}

/// Locate every pointer in one pass.
pub(crate) fn positions(text: &str, pointers: &[String]) -> Positions {
    let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
    Positions(locate::locate(text, &refs))
}

/// The source at one pointer.
pub(crate) fn located(id: &str, text: &str, pointer: &str) -> Source {
    positions(text, &[pointer.to_owned()]).source(id, pointer.to_owned())
}

/// The package URL of an OSV ecosystem's package, for the ecosystems that have a purl type.
pub(crate) fn purl_of(ecosystem: &str, name: &str, version: Option<&str>) -> Option<String> {
    // `Debian:12`, `Alpine:v3.18`: the part before the colon names the ecosystem.
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    let (ty, namespace, name) = match base {
        "npm" => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => ("npm", Some(format!("@{scope}")), n.to_owned()),
            None => ("npm", None, name.to_owned()),
        },
        "PyPI" => ("pypi", None, name.to_ascii_lowercase().replace('_', "-")),
        "Go" => match name.rsplit_once('/') {
            Some((ns, n)) => ("golang", Some(ns.to_owned()), n.to_owned()),
            None => ("golang", None, name.to_owned()),
        },
        "crates.io" => ("cargo", None, name.to_owned()),
        "Maven" => match name.split_once(':') {
            Some((g, a)) => ("maven", Some(g.to_owned()), a.to_owned()),
            None => return None,
        },
        "RubyGems" => ("gem", None, name.to_owned()),
        "Packagist" => match name.split_once('/') {
            Some((v, n)) => ("composer", Some(v.to_owned()), n.to_owned()),
            None => ("composer", None, name.to_owned()),
        },
        "NuGet" => ("nuget", None, name.to_owned()),
        "Pub" => ("pub", None, name.to_owned()),
        "Hex" => ("hex", None, name.to_owned()),
        "Debian" => ("deb", Some("debian".to_owned()), name.to_owned()),
        "Ubuntu" => ("deb", Some("ubuntu".to_owned()), name.to_owned()),
        "Alpine" => ("apk", Some("alpine".to_owned()), name.to_owned()),
        _ => return None,
    };
    let mut purl = packageurl::PackageUrl::new(ty, name).ok()?;
    if let Some(ns) = namespace {
        purl.with_namespace(ns);
    }
    if let Some(v) = version {
        purl.with_version(v.to_owned());
    }
    Some(purl.to_string())
}
