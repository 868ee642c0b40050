//! The shape of an evidence format plug-in: a cheap probe that says whether a document is of
//! the format, and a reader that parses and normalises it.
//!
//! Every format implements [`Format`] in its own file and is listed once in
//! `FORMATS`, in detection priority order. Detection walks that list with one
//! [`Probe`] of the document (computed once: the top-level keys of JSON, the root element of XML
//! with its attribute names, the text otherwise) and takes the first format that claims it. `docs/adding-a-format.md` has
//! the steps to add one.

use super::{Kind, Parsed};
use crate::source::{json, xml};
use crate::EvidenceError;

/// What detection looked at: the cheap part of a decoded document.
#[derive(Debug)]
pub enum Probe<'a> {
    /// A JSON document: its top-level keys, a few scalar values, the first element's keys.
    Json(&'a json::Probe),
    /// An XML document: its root element's local name and attribute names.
    Xml(&'a xml::Root),
    /// Anything else: the decoded text (formats look at its first lines only).
    Text(&'a str),
}

/// A JSON document whose top level is an object.
pub fn object<'a>(probe: &Probe<'a>) -> Option<&'a json::Probe> {
    match probe {
        Probe::Json(p) if p.is_object => Some(p),
        _ => None,
    }
}

/// A JSON document whose top level is an array.
pub fn array<'a>(probe: &Probe<'a>) -> Option<&'a json::Probe> {
    match probe {
        Probe::Json(p) if p.is_array => Some(p),
        _ => None,
    }
}

/// The local name of an XML document's root element.
pub fn xml_root<'a>(probe: &Probe<'a>) -> Option<&'a str> {
    match probe {
        Probe::Xml(root) => Some(&root.name),
        _ => None,
    }
}

/// Whether an XML document's root element has an attribute of this local name.
pub fn xml_root_has(probe: &Probe<'_>, attribute: &str) -> bool {
    matches!(probe, Probe::Xml(root) if root.attributes.iter().any(|a| a == attribute))
}

/// The text of a document that is neither JSON nor XML.
pub fn text<'a>(probe: &Probe<'a>) -> Option<&'a str> {
    match probe {
        Probe::Text(t) => Some(t),
        _ => None,
    }
}

/// A format's answer to a probe.
#[derive(Debug)]
pub enum Claim {
    /// Not this format: ask the next one.
    No,
    /// This format: read it with this format's reader.
    Yes,
    /// Of this format, or claiming to be, in a form gate refuses (exit 2).
    Refuse(EvidenceError),
    /// Recognisably this family, in a version or form gate does not read; the reason says what
    /// it looks like (an explicitly named file of it is an error, a walked one is skipped).
    Unread(String),
}

impl Claim {
    /// [`Claim::Yes`] when `claimed`, else [`Claim::No`].
    pub fn when(claimed: bool) -> Self {
        if claimed {
            Claim::Yes
        } else {
            Claim::No
        }
    }
}

/// One evidence format: how to recognise it and how to read it.
pub trait Format: Sync {
    /// The kind its documents are listed as (`input.evidence[].kind`).
    fn kind(&self) -> Kind;

    /// Whether a document is of this format, from a cheap look at it. Must not read the whole
    /// document: detection runs every format's probe until one claims it.
    fn probe(&self, probe: &Probe<'_>) -> Claim;

    /// Whether this reader, among those of its kind, reads `text` when the kind is given rather
    /// than detected (a kind written in more than one form, such as CycloneDX JSON and XML,
    /// has one reader per form). The first reader of the kind in `FORMATS` that
    /// accepts the text reads it.
    fn reads(&self, _text: &str) -> bool {
        true
    }

    /// Parse and normalise one decoded document; `id` names it in sources and errors.
    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError>;
}
