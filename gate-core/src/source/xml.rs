//! Safe XML reading, shared by every XML evidence format (JUnit today, CycloneDX XML later).
//!
//! [`SafeReader`] wraps quick-xml's borrowing reader and adds what a hostile document needs:
//! a DOCTYPE that declares any entity is refused (nothing is ever expanded), an external DTD is
//! never loaded, only the predefined entities and character references are decoded, nesting is
//! bounded by [`MAX_DEPTH`], and every well-formedness fault quick-xml lets through (characters
//! XML forbids, undefined references, truncation, text or a second element after the root,
//! malformed attributes) is an error with a line and column. Nothing here fetches or reads
//! anything but the text it is given. It knows no format; the format modules interpret events.

use std::borrow::Cow;
use std::collections::HashSet;

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use quick_xml::XmlVersion;

use super::text::LineIndex;
use crate::EvidenceError;

/// The deepest element nesting accepted. Real reports nest a dozen elements at most.
pub const MAX_DEPTH: usize = 512;

/// Up to this many attributes per tag, duplicates are found by a scan.
const FEW_ATTRIBUTES: usize = 16;

/// The root element's start tag, as detection sees it: its local name and the local names of
/// its attributes (Cobertura and Clover share the root `<coverage>` and differ in attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Root {
    /// The local name (namespace prefix stripped).
    pub name: String,
    /// The local names of its attributes, in document order (namespace declarations too).
    pub attributes: Vec<String>,
}

/// The root element's start tag, for detection.
///
/// Reads no further than the root's start tag, with the same checks as every XML reader: the
/// characters of the whole document, the XML declaration, any DOCTYPE (an entity declaration is
/// refused), and the root tag itself. The rest of the document is checked by the format's
/// reader, which reads it all; detection does not read a large report twice. `Ok(None)` when
/// the document holds no element at all.
pub fn root(text: &str) -> Result<Option<Root>, EvidenceError> {
    let mut reader = SafeReader::new(text);
    loop {
        match reader.next_event()? {
            XmlEvent::Start(el) => {
                return Ok(Some(Root {
                    name: el.local_name().to_owned(),
                    attributes: reader
                        .attributes()
                        .map(|(k, _)| local_name(k).to_owned())
                        .collect(),
                }))
            }
            XmlEvent::Eof => return Ok(None),
            XmlEvent::End(_) | XmlEvent::Text(_) => {}
        }
    }
}

/// The part of a qualified name after its namespace prefix.
pub fn local_name(qname: &str) -> &str {
    match qname.bytes().rposition(|b| b == b':') {
        Some(i) => qname.get(i + 1..).unwrap_or(qname),
        None => qname,
    }
}

/// One event of a [`SafeReader`].
#[derive(Debug, Clone, PartialEq)]
pub enum XmlEvent<'a> {
    /// An element starts. An empty element (`<a/>`) is a `Start` followed by an `End`.
    Start(Element<'a>),
    /// An element ends; the local name of the element.
    End(&'a str),
    /// A piece of character data, decoded (references resolved, CDATA unwrapped, line ends
    /// normalised). One run of text may arrive as several pieces.
    Text(Cow<'a, str>),
    /// The document is complete and well-formed.
    Eof,
}

/// A start tag, borrowed from the document. Its attributes were checked when it was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Element<'a> {
    /// The text between `<` and `>` (or `/>`).
    raw: &'a str,
    name_len: usize,
    offset: usize,
    empty: bool,
    version: XmlVersion,
}

impl<'a> Element<'a> {
    /// The qualified name (`testsuite`, `bom:component`).
    pub fn name(&self) -> &'a str {
        self.raw.get(..self.name_len).unwrap_or(self.raw)
    }

    /// The name without its namespace prefix.
    pub fn local_name(&self) -> &'a str {
        local_name(self.name())
    }

    /// Byte offset of the `<` in the document.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// True for a self-closing tag (`<a/>`).
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The attributes in document order: qualified name and normalised, unescaped value.
    pub fn attributes(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + 'a {
        let version = self.version;
        // Checked when the tag was read, so no error can come up here.
        RawAttributes::new(self.raw, self.name_len)
            .map_while(Result::ok)
            .map(move |(key, value)| (key, decode_attribute_value(value, version)))
    }

    /// The value of the attribute with this qualified name.
    pub fn attr(&self, qname: &str) -> Option<Cow<'a, str>> {
        self.attributes().find(|(k, _)| *k == qname).map(|(_, v)| v)
    }
}

/// A streaming XML reader that refuses what a safe evidence reader must refuse.
///
/// Events borrow from the document. Positions are tracked incrementally, so asking for the
/// position of each event in turn costs O(document length) in total, also for documents written
/// on one long line (pytest's).
#[derive(Debug)]
pub struct SafeReader<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    lines: LineIndex<'a>,
    /// Qualified names of the open elements, outermost first.
    open: Vec<&'a str>,
    /// The name of an empty element whose `End` is still to be returned.
    pending_end: Option<&'a str>,
    /// Attributes (name, raw value) of the last start tag; reused to avoid allocating per tag.
    attrs: Vec<(&'a str, &'a str)>,
    /// Names of the last start tag's attributes, once it has more than [`FEW_ATTRIBUTES`].
    many_attrs: HashSet<&'a str>,
    /// Byte offset where the last event starts.
    offset: usize,
    version: XmlVersion,
    /// quick-xml counts offsets after a byte-order mark it skipped; this adds it back.
    base: usize,
    chars_checked: bool,
    seen_doctype: bool,
    seen_root: bool,
    done: bool,
}

impl<'a> SafeReader<'a> {
    /// A reader over a whole document.
    pub fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.allow_dangling_amp = false;
        config.allow_unmatched_ends = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Self {
            text,
            reader,
            lines: LineIndex::new(text),
            open: Vec::new(),
            pending_end: None,
            attrs: Vec::new(),
            many_attrs: HashSet::new(),
            offset: 0,
            version: XmlVersion::Implicit1_0,
            base: if text.starts_with('\u{feff}') {
                '\u{feff}'.len_utf8()
            } else {
                0
            },
            chars_checked: false,
            seen_doctype: false,
            seen_root: false,
            done: false,
        }
    }

    /// Number of open elements: after a `Start` it counts that element (the root is 1),
    /// after an `End` it no longer does.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// The attributes of the element the last [`XmlEvent::Start`] started, as
    /// [`Element::attributes`] gives them but without reading the tag again.
    pub fn attributes(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + '_ {
        let version = self.version;
        self.attrs
            .iter()
            .map(move |&(key, value)| (key, decode_attribute_value(value, version)))
    }

    /// The value of an attribute (by qualified name) of the element the last `Start` started.
    pub fn attr(&self, qname: &str) -> Option<Cow<'a, str>> {
        let &(_, value) = self.attrs.iter().find(|(k, _)| *k == qname)?;
        Some(decode_attribute_value(value, self.version))
    }

    /// 1-based line and column where the last event returned starts.
    pub fn position(&mut self) -> (usize, usize) {
        self.lines.at(self.offset)
    }

    /// An error at a byte offset of the document.
    pub fn error_at(&mut self, offset: usize, message: impl Into<String>) -> EvidenceError {
        let (line, column) = self.lines.at(offset);
        EvidenceError::at(message, line, column)
    }

    /// The next event. After an error or [`XmlEvent::Eof`] the reader is done and keeps
    /// returning `Eof`.
    pub fn next_event(&mut self) -> Result<XmlEvent<'a>, EvidenceError> {
        if let Some(name) = self.pending_end.take() {
            self.open.pop();
            return Ok(XmlEvent::End(local_name(name)));
        }
        if self.done {
            return Ok(XmlEvent::Eof);
        }
        let result = self.advance();
        if result.is_err() {
            self.done = true;
        }
        result
    }

    fn advance(&mut self) -> Result<XmlEvent<'a>, EvidenceError> {
        if !self.chars_checked {
            self.chars_checked = true;
            if let Some((at, c)) = forbidden_char(self.text) {
                return Err(self.error_at(
                    at,
                    format!(
                        "not well-formed XML: character U+{:04X} is not allowed",
                        u32::from(c)
                    ),
                ));
            }
        }
        loop {
            let start = self.base + to_usize(self.reader.buffer_position());
            self.offset = start;
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = self.base + to_usize(self.reader.error_position());
                    return Err(self.error_at(at, format!("not well-formed XML: {e}")));
                }
            };
            match event {
                Event::Decl(decl) => {
                    if self
                        .text
                        .get(..start)
                        .is_some_and(|before| !before.trim_start_matches('\u{feff}').is_empty())
                    {
                        return Err(self.error_at(
                            start,
                            "not well-formed XML: XML declaration not at the start of the document",
                        ));
                    }
                    self.version = match decl.xml_version() {
                        Ok(v) => v,
                        Err(e) => {
                            return Err(self.error_at(start, format!("not well-formed XML: {e}")))
                        }
                    };
                }
                Event::DocType(_) => {
                    let end = self.base + to_usize(self.reader.buffer_position());
                    self.doctype(start, end)?;
                }
                Event::PI(_) | Event::Comment(_) => {}
                Event::Start(tag) => {
                    return self.start(start, tag.len(), tag.name().0.len(), false)
                }
                Event::Empty(tag) => return self.start(start, tag.len(), tag.name().0.len(), true),
                Event::End(_) => {
                    // quick-xml has matched the name against the open tag.
                    let name = self.open.pop().unwrap_or_default();
                    return Ok(XmlEvent::End(local_name(name)));
                }
                Event::Text(t) => {
                    if self.open.is_empty() {
                        if !t.chars().all(is_xml_space) {
                            return Err(self.error_at(
                                start + t.len() - t.trim_start_matches(is_xml_space).len(),
                                self.outside_root("text"),
                            ));
                        }
                        continue;
                    }
                    if let Some(i) = t.contains(']').then(|| t.find("]]>")).flatten() {
                        return Err(self.error_at(
                            start + i,
                            "not well-formed XML: `]]>` is not allowed in text",
                        ));
                    }
                    return Ok(XmlEvent::Text(t.xml_content(self.version)));
                }
                Event::CData(c) => {
                    if self.open.is_empty() {
                        return Err(self.error_at(start, self.outside_root("a CDATA section")));
                    }
                    return Ok(XmlEvent::Text(c.xml_content(self.version)));
                }
                Event::GeneralRef(r) => {
                    if self.open.is_empty() {
                        return Err(self.error_at(start, self.outside_root("a reference")));
                    }
                    return match resolve_reference(&r, self.version) {
                        Ok(text) => Ok(XmlEvent::Text(text)),
                        Err(msg) => Err(self.error_at(start, msg)),
                    };
                }
                Event::Eof => {
                    self.done = true;
                    if let Some(name) = self.open.last().copied() {
                        let end = self.text.len();
                        return Err(self.error_at(
                            end,
                            format!(
                                "not well-formed XML: the document ends inside <{name}> \
                                 (truncated?): `</{name}>` not found"
                            ),
                        ));
                    }
                    return Ok(XmlEvent::Eof);
                }
            }
        }
    }

    fn outside_root(&self, what: &str) -> String {
        if self.seen_root {
            format!("not well-formed XML: {what} after the root element")
        } else {
            format!("not well-formed XML: {what} before the root element")
        }
    }

    fn start(
        &mut self,
        start: usize,
        len: usize,
        name_len: usize,
        empty: bool,
    ) -> Result<XmlEvent<'a>, EvidenceError> {
        let Some(raw) = self.text.get(start + 1..start + 1 + len) else {
            return Err(self.error_at(start, "not well-formed XML: unreadable tag"));
        };
        let name = raw.get(..name_len).unwrap_or_default();
        if !is_xml_name(name) {
            return Err(self.error_at(
                start + 1,
                format!(
                    "not well-formed XML: `{}` is not a valid element name",
                    clip(name, 40)
                ),
            ));
        }
        if self.open.is_empty() && self.seen_root {
            return Err(self.error_at(start, self.outside_root(&format!("element <{name}>"))));
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(self.error_at(
                start,
                format!("XML nested deeper than {MAX_DEPTH} elements"),
            ));
        }
        self.check_attributes(start, raw, name_len)?;
        self.seen_root = true;
        self.open.push(name);
        if empty {
            self.pending_end = Some(name);
        }
        Ok(XmlEvent::Start(Element {
            raw,
            name_len,
            offset: start,
            empty,
            version: self.version,
        }))
    }

    /// Syntax, unique names, no `<`, and only defined references in every attribute value.
    fn check_attributes(
        &mut self,
        start: usize,
        raw: &'a str,
        name_len: usize,
    ) -> Result<(), EvidenceError> {
        self.attrs.clear();
        for attr in RawAttributes::new(raw, name_len) {
            let (key, value) = match attr {
                Ok(a) => a,
                Err((i, msg)) => {
                    let at = start + 1 + i;
                    return Err(self.error_at(at, format!("not well-formed XML: {msg}")));
                }
            };
            let key_at = start + 1 + offset_in(raw, key);
            if !is_xml_name(key) {
                return Err(self.error_at(
                    key_at,
                    format!(
                        "not well-formed XML: `{}` is not a valid attribute name",
                        clip(key, 40)
                    ),
                ));
            }
            if self.is_duplicate(key) {
                return Err(self.error_at(
                    key_at,
                    format!("not well-formed XML: duplicate attribute `{key}`"),
                ));
            }
            self.attrs.push((key, value));
            if let Err((i, msg)) = check_attribute_value(value, self.version) {
                let at = start + 1 + offset_in(raw, value) + i;
                return Err(self.error_at(at, msg));
            }
        }
        Ok(())
    }

    /// Whether the last start tag already has an attribute `key`: a scan for the usual handful,
    /// a hash set for a hostile tag with thousands.
    fn is_duplicate(&mut self, key: &'a str) -> bool {
        if self.attrs.len() < FEW_ATTRIBUTES {
            return self.attrs.iter().any(|(k, _)| *k == key);
        }
        if self.attrs.len() == FEW_ATTRIBUTES {
            self.many_attrs.clear();
            self.many_attrs.extend(self.attrs.iter().map(|(k, _)| *k));
        }
        !self.many_attrs.insert(key)
    }

    /// Refuse any entity declaration; accept (and never load) an external DTD.
    fn doctype(&mut self, start: usize, end: usize) -> Result<(), EvidenceError> {
        let decl = self.text.get(start..end).unwrap_or_default();
        if self.seen_root {
            return Err(self.error_at(start, "not well-formed XML: DOCTYPE after the root element"));
        }
        if self.seen_doctype {
            return Err(self.error_at(start, "not well-formed XML: a second DOCTYPE"));
        }
        self.seen_doctype = true;
        if !decl.starts_with("<!DOCTYPE") {
            return Err(self.error_at(start, "not well-formed XML: `<!DOCTYPE` must be upper case"));
        }
        if let Some(i) = decl.find("<!ENTITY") {
            let (message, _) = describe_entity(decl.get(i..).unwrap_or_default());
            return Err(self.error_at(start + i, message));
        }
        Ok(())
    }
}

/// The message for an entity declaration at the start of `decl`, and whether it is external.
fn describe_entity(decl: &str) -> (String, bool) {
    let rest = decl
        .strip_prefix("<!ENTITY")
        .unwrap_or(decl)
        .trim_start_matches(is_xml_space);
    let (param, rest) = match rest.strip_prefix('%') {
        Some(r) => (true, r.trim_start_matches(is_xml_space)),
        None => (false, rest),
    };
    let name_end = rest.find(|c: char| is_xml_space(c) || c == '>' || c == '"' || c == '\'');
    let name = clip(
        rest.get(..name_end.unwrap_or(rest.len()))
            .unwrap_or_default(),
        60,
    );
    let body = rest
        .get(name_end.unwrap_or(rest.len())..)
        .unwrap_or_default();
    let body = declaration_body(body);
    let external = body
        .split(|c: char| is_xml_space(c))
        .any(|w| w == "SYSTEM" || w == "PUBLIC");
    let what = if param { "parameter entity" } else { "entity" };
    let ext = if external { " (external)" } else { "" };
    let pct = if param { "% " } else { "" };
    (
        format!("XML {what} declaration{ext} <!ENTITY {pct}{name}> refused"),
        external,
    )
}

/// The text of a markup declaration up to its closing `>`, skipping quoted literals.
fn declaration_body(body: &str) -> &str {
    let mut quote = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return body.get(..i).unwrap_or(body),
            _ => {}
        }
    }
    body
}

/// Decode `&name;` (without `&` and `;`): the five predefined entities and character references.
fn resolve_reference(name: &str, version: XmlVersion) -> Result<Cow<'static, str>, String> {
    let s = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => {
            return match name.strip_prefix('#') {
                Some(num) => char_reference(num, version).map(|c| Cow::Owned(c.to_string())),
                None => Err(format!(
                    "not well-formed XML: reference to undefined entity `&{};`",
                    clip(name, 60)
                )),
            };
        }
    };
    Ok(Cow::Borrowed(s))
}

/// The character of a character reference's number (`x41` or `65`), if XML allows it.
fn char_reference(num: &str, version: XmlVersion) -> Result<char, String> {
    let parsed = match num.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok(),
        _ => None,
    };
    let c = parsed.and_then(char::from_u32);
    match c {
        Some(c)
            if is_xml_char(c) || (version == XmlVersion::Explicit1_1 && is_xml11_restricted(c)) =>
        {
            Ok(c)
        }
        _ => Err(format!(
            "not well-formed XML: character reference `&#{};` is not an allowed character",
            clip(num, 20)
        )),
    }
}

/// Check an attribute value's raw text; on error the byte index in `value` and a message.
fn check_attribute_value(value: &str, version: XmlVersion) -> Result<(), (usize, String)> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while let Some(pos) = bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'&' || c == b'<'))
    {
        let at = i + pos;
        if bytes.get(at) == Some(&b'<') {
            return Err((
                at,
                "not well-formed XML: `<` is not allowed in an attribute value".into(),
            ));
        }
        let rest = value.get(at + 1..).unwrap_or_default();
        let Some(semi) = rest.find(';') else {
            return Err((at, "not well-formed XML: `&` without a closing `;`".into()));
        };
        let name = rest.get(..semi).unwrap_or_default();
        resolve_reference(name, version).map_err(|m| (at, m))?;
        i = at + 1 + semi + 1;
    }
    Ok(())
}

/// The first character XML 1.0 does not allow anywhere in a document.
fn forbidden_char(text: &str) -> Option<(usize, char)> {
    const CHUNK: usize = 64;
    let bytes = text.as_bytes();
    // A C0 control other than tab, LF and CR, or 0xEF (the lead byte of U+FFFE and U+FFFF).
    let suspect = |b: u8| (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0xEF;
    for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
        // Branch-free, so the common all-clear chunk is checked with vector instructions.
        if !chunk.iter().fold(false, |any, &b| any | suspect(b)) {
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            let at = n * CHUNK + i;
            let bad = if b == 0xEF {
                bytes.get(at + 1) == Some(&0xBF) && matches!(bytes.get(at + 2), Some(0xBE | 0xBF))
            } else {
                suspect(b)
            };
            if bad {
                let c = text.get(at..).and_then(|s| s.chars().next())?;
                return Some((at, c));
            }
        }
    }
    None
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn is_xml11_restricted(c: char) -> bool {
    matches!(c, '\u{1}'..='\u{1F}')
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// An XML Name: ASCII checked exactly, other characters accepted.
fn is_xml_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let start_ok = first.is_ascii_alphabetic() || first == b'_' || first == b':' || first >= 0x80;
    start_ok
        && bytes.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.') || b >= 0x80
        })
}

/// The attributes of a tag's text (`name a="1" b='2'`): qualified name and raw value, or the
/// byte index in the tag text and what is wrong there.
#[derive(Debug, Clone)]
struct RawAttributes<'a> {
    raw: &'a str,
    pos: usize,
}

type RawAttribute<'a> = Result<(&'a str, &'a str), (usize, &'static str)>;

impl<'a> RawAttributes<'a> {
    fn new(raw: &'a str, name_len: usize) -> Self {
        Self { raw, pos: name_len }
    }

    fn skip_space(&mut self) -> usize {
        let rest = self.raw.as_bytes().get(self.pos..).unwrap_or_default();
        let n = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.pos += n;
        n
    }

    fn fail(&mut self, at: usize, msg: &'static str) -> Option<RawAttribute<'a>> {
        self.pos = self.raw.len();
        Some(Err((at, msg)))
    }
}

impl<'a> Iterator for RawAttributes<'a> {
    type Item = RawAttribute<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let spaced = self.skip_space() > 0;
        let bytes = self.raw.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        if !spaced {
            return self.fail(self.pos, "attributes must be separated by white space");
        }
        let key_start = self.pos;
        let key_len = bytes
            .get(key_start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'=' | b'"' | b'\''))
            .count();
        self.pos += key_len;
        let key = self.raw.get(key_start..self.pos).unwrap_or_default();
        if key.is_empty() {
            return self.fail(key_start, "expected an attribute name");
        }
        self.skip_space();
        if bytes.get(self.pos) != Some(&b'=') {
            return self.fail(self.pos, "expected `=` after the attribute name");
        }
        self.pos += 1;
        self.skip_space();
        let quote = match bytes.get(self.pos) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return self.fail(self.pos, "attribute value must be quoted"),
        };
        let value_start = self.pos + 1;
        let Some(len) = bytes
            .get(value_start..)
            .and_then(|b| b.iter().position(|&c| c == quote))
        else {
            return self.fail(self.pos, "attribute value not closed");
        };
        self.pos = value_start + len + 1;
        let value = self
            .raw
            .get(value_start..value_start + len)
            .unwrap_or_default();
        Some(Ok((key, value)))
    }
}

/// An attribute value as XML defines it: references decoded, each white-space character (and
/// each CR LF pair) turned into a space. Borrowed when there is nothing to change.
fn decode_attribute_value(raw: &str, version: XmlVersion) -> Cow<'_, str> {
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '\r']) {
        out.push_str(rest.get(..i).unwrap_or_default());
        let tail = rest.get(i..).unwrap_or_default();
        if let Some(after) = tail.strip_prefix("\r\n") {
            out.push(' ');
            rest = after;
        } else if let Some(reference) = tail.strip_prefix('&') {
            let semi = reference.find(';').unwrap_or(reference.len());
            let name = reference.get(..semi).unwrap_or_default();
            match resolve_reference(name, version) {
                Ok(text) => out.push_str(&text),
                // Checked when the tag was read; keep the text as written.
                Err(_) => out.push_str(tail.get(..semi + 2).unwrap_or(tail)),
            }
            rest = reference.get(semi + 1..).unwrap_or_default();
        } else {
            out.push(' ');
            rest = tail.get(1..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Byte offset of `inner` within `outer` (both borrowed from the same document).
fn offset_in(outer: &str, inner: &str) -> usize {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    i.saturating_sub(o).min(outer.len())
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// At most `max` bytes of `s`, cut at a character boundary.
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<String>, EvidenceError> {
        let mut r = SafeReader::new(text);
        let mut out = Vec::new();
        loop {
            match r.next_event()? {
                XmlEvent::Start(e) => {
                    let attrs: Vec<String> =
                        e.attributes().map(|(k, v)| format!("{k}={v}")).collect();
                    out.push(format!(
                        "<{}{}>",
                        e.local_name(),
                        if attrs.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", attrs.join(" "))
                        }
                    ));
                }
                XmlEvent::End(n) => out.push(format!("</{n}>")),
                XmlEvent::Text(t) => out.push(t.into_owned()),
                XmlEvent::Eof => return Ok(out),
            }
        }
    }

    fn err(text: &str) -> EvidenceError {
        events(text).expect_err("must be refused")
    }

    fn at(e: &EvidenceError) -> (usize, usize) {
        (e.line.unwrap(), e.column.unwrap())
    }

    #[test]
    fn reads_elements_text_and_attributes() {
        let ev = events(
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<r:a xmlns:r=\"u\" b='x &amp; &#x41;&#66;\n\ty'>t&lt;\r\nu<![CDATA[<c>]]><e/></r:a>\n",
        )
        .unwrap();
        assert_eq!(
            ev,
            [
                "<a xmlns:r=u b=x & AB  y>",
                "t",
                "<",
                "\nu",
                "<c>",
                "<e>",
                "</e>",
                "</a>"
            ]
        );
    }

    #[test]
    fn root_strips_prefix() {
        let root_element = |t: &str| root(t).map(|r| r.map(|r| r.name));
        assert_eq!(
            root_element("<x:testsuites xmlns:x='u'/>")
                .unwrap()
                .as_deref(),
            Some("testsuites")
        );
        assert_eq!(
            root_element("<?xml version='1.0'?><!-- only -->").unwrap(),
            None
        );
        assert_eq!(
            root_element("\u{feff}<?xml version='1.0'?><a/>")
                .unwrap()
                .as_deref(),
            Some("a")
        );
        // Detection stops at the root's start tag; the format reader checks the rest.
        assert_eq!(root_element("<a><b></a>").unwrap().as_deref(), Some("a"));
        assert_eq!(
            root("<r:coverage xmlns:r='u' line-rate='1' r:clover='4'>").unwrap(),
            Some(Root {
                name: "coverage".into(),
                attributes: vec!["r".into(), "line-rate".into(), "clover".into()],
            })
        );
        // But the characters of the whole document and the prolog are always checked.
        assert!(root_element("<a><b>\0</b></a>").is_err());
        assert!(root_element("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>").is_err());
        assert!(root_element("<a x='&e;'>").is_err());
    }

    #[test]
    fn positions_follow_events() {
        let mut r = SafeReader::new("<a>\n  <bé/>\n  <c/></a>");
        let mut seen = Vec::new();
        loop {
            match r.next_event().unwrap() {
                XmlEvent::Start(e) => {
                    seen.push((e.local_name().to_owned(), r.position(), r.depth()))
                }
                XmlEvent::Eof => break,
                _ => {}
            }
        }
        assert_eq!(
            seen,
            [
                ("a".into(), (1, 1), 1),
                ("bé".into(), (2, 3), 2),
                ("c".into(), (3, 3), 2)
            ]
        );
    }

    #[test]
    fn refuses_billion_laughs() {
        let e = err("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n  <!ENTITY lol2 \"&lol;&lol;\">\n]>\n<lolz>&lol2;</lolz>");
        assert_eq!(e.message, "XML entity declaration <!ENTITY lol> refused");
        assert_eq!(at(&e), (3, 3));
    }

    #[test]
    fn refuses_external_entity() {
        let e = err("<!DOCTYPE t [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><t>&xxe;</t>");
        assert_eq!(
            e.message,
            "XML entity declaration (external) <!ENTITY xxe> refused"
        );
        assert_eq!(at(&e), (1, 14));
        let e = err("<!DOCTYPE t [<!ENTITY x PUBLIC \"-//x\" 'http://x/'>]><t/>");
        assert_eq!(
            e.message,
            "XML entity declaration (external) <!ENTITY x> refused"
        );
    }

    #[test]
    fn refuses_parameter_entity() {
        let e = err("<?xml version=\"1.0\"?>\n<!DOCTYPE bom [\n  <!ENTITY % remote SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n  %remote;\n]>\n<bom/>");
        assert_eq!(
            e.message,
            "XML parameter entity declaration (external) <!ENTITY % remote> refused"
        );
        assert_eq!(at(&e), (3, 3));
        let e = err("<!DOCTYPE t [<!ENTITY % p \"<!ELEMENT t ANY>\">]><t/>");
        assert_eq!(
            e.message,
            "XML parameter entity declaration <!ENTITY % p> refused"
        );
    }

    #[test]
    fn accepts_external_dtd_without_loading_it() {
        let ev = events(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE t SYSTEM \"http://127.0.0.1:9/t.dtd\">\n<t>x</t>",
        )
        .unwrap();
        assert_eq!(ev, ["<t>", "x", "</t>"]);
        let ev = events("<!DOCTYPE t [<!ELEMENT t ANY><!ATTLIST t a CDATA '>'>]><t/>").unwrap();
        assert_eq!(ev, ["<t>", "</t>"]);
    }

    #[test]
    fn refuses_undefined_entity_with_position() {
        let e = err("<a>\n  ok &foo; </a>");
        assert_eq!(
            e.message,
            "not well-formed XML: reference to undefined entity `&foo;`"
        );
        assert_eq!(at(&e), (2, 6));
        let e = err("<a>\n<b c=\"x&bar;\"/></a>");
        assert_eq!(
            e.message,
            "not well-formed XML: reference to undefined entity `&bar;`"
        );
        assert_eq!(at(&e), (2, 8));
        assert!(err("<a>&#0;</a>")
            .message
            .contains("not an allowed character"));
        assert!(err("<a b='&#1;'/>")
            .message
            .contains("not an allowed character"));
        assert!(err("<a>& b</a>").message.starts_with("not well-formed XML"));
    }

    #[test]
    fn refuses_deep_nesting() {
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(events(&ok).is_ok());
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        let e = err(&deep);
        assert_eq!(e.message, "XML nested deeper than 512 elements");
        assert_eq!(at(&e), (1, 3 * MAX_DEPTH + 1));
        let deep_empty = format!(
            "{}<b/>{}",
            "<a>".repeat(MAX_DEPTH),
            "</a>".repeat(MAX_DEPTH)
        );
        assert_eq!(
            err(&deep_empty).message,
            "XML nested deeper than 512 elements"
        );
    }

    #[test]
    fn refuses_truncation() {
        let e = err("<a>\n<b>text");
        assert_eq!(
            e.message,
            "not well-formed XML: the document ends inside <b> (truncated?): `</b>` not found"
        );
        assert_eq!(at(&e), (2, 8));
        let e = err("<a>\n<b c='1");
        assert!(
            e.message.starts_with("not well-formed XML: syntax error"),
            "{e:?}"
        );
        assert_eq!(at(&e), (2, 1));
        let e = err("<a>\n  <b");
        assert_eq!(at(&e), (2, 3));
    }

    #[test]
    fn refuses_nul_and_forbidden_characters() {
        let e = err("<a>\n <b \0/></a>");
        assert_eq!(
            e.message,
            "not well-formed XML: character U+0000 is not allowed"
        );
        assert_eq!(at(&e), (2, 5));
        let e = err("<a>\u{1}</a>");
        assert_eq!(at(&e), (1, 4));
        assert!(err("<a>\u{FFFE}</a>").message.contains("U+FFFE"));
        assert!(events("<a>\t\r\n</a>").is_ok());
    }

    #[test]
    fn many_attributes_stay_linear_and_duplicates_are_found() {
        let attrs: String = (0..100_000).map(|i| format!(" a{i}='{i}'")).collect();
        assert!(events(&format!("<t{attrs}/>")).is_ok());
        let e = err(&format!("<t{attrs} a99999='x'/>"));
        assert_eq!(
            e.message,
            "not well-formed XML: duplicate attribute `a99999`"
        );
        let e = err("<t a0='' a1='' a2='' a3='' a4='' a5='' a6='' a7='' a8='' a9='' a10='' a11='' a12='' a13='' a14='' a15='' a16='' a3=''/>");
        assert!(e.message.contains("duplicate attribute `a3`"), "{e:?}");
    }

    #[test]
    fn attribute_values_are_normalised() {
        let ev = events("<t a='x\r\ny&#10;z&#9;w\tv' b = \"'\" c='&lt;&gt;&amp;&apos;&quot;'/>")
            .unwrap();
        assert_eq!(ev[0], "<t a=x y\nz\tw v b=' c=<>&'\">");
        assert!(err("<t a='1'b='2'/>")
            .message
            .contains("separated by white space"));
        assert!(err("<t a/>").message.contains("expected `=`"));
        assert!(err("<t a='1/>")
            .message
            .starts_with("not well-formed XML: "));
    }

    #[test]
    fn refuses_mismatched_and_stray_markup() {
        let e = err("<a>\n<b></a>");
        assert!(
            e.message.contains("expected `</b>`, but `</a>` was found"),
            "{e:?}"
        );
        assert_eq!(at(&e), (2, 4));
        let e = err("<a/>\n<b/>");
        assert_eq!(
            e.message,
            "not well-formed XML: element <b> after the root element"
        );
        assert_eq!(at(&e), (2, 1));
        let e = err("<a/>\n junk");
        assert_eq!(
            e.message,
            "not well-formed XML: text after the root element"
        );
        assert_eq!(at(&e), (2, 2));
        assert!(err("</a>").message.contains("does not match any open tag"));
        assert!(err("<a x='1' x='2'/>")
            .message
            .contains("duplicate attribute `x`"));
        assert!(err("<a x=1/>").message.starts_with("not well-formed XML"));
        assert!(err("<a x='<'/>").message.contains("`<` is not allowed"));
        assert!(err("<1a/>").message.contains("not a valid element name"));
        assert!(err("<a>]]></a>").message.contains("`]]>`"));
        assert!(err("<a><!-- x -- y --></a>")
            .message
            .starts_with("not well-formed XML"));
        assert!(err(" <?xml version='1.0'?><a/>")
            .message
            .contains("XML declaration"));
        assert!(err("<a/><!DOCTYPE a>").message.contains("DOCTYPE"));
        assert!(err("<!ENTITY % p \"<!ENTITY o SYSTEM 'x'>\">")
            .message
            .starts_with("not well-formed"));
    }

    #[test]
    fn element_accessors() {
        let mut r = SafeReader::new("<x:t xmlns:x='u' name=\"n &quot;q&quot;\" e=''/>");
        let XmlEvent::Start(e) = r.next_event().unwrap() else {
            panic!()
        };
        assert_eq!(
            (e.name(), e.local_name(), e.offset(), e.is_empty()),
            ("x:t", "t", 0, true)
        );
        assert_eq!(e.attr("name").as_deref(), Some("n \"q\""));
        assert_eq!(e.attr("e").as_deref(), Some(""));
        assert_eq!(e.attr("missing"), None);
        assert_eq!(r.next_event().unwrap(), XmlEvent::End("t"));
        assert_eq!(r.next_event().unwrap(), XmlEvent::Eof);
        assert_eq!(r.next_event().unwrap(), XmlEvent::Eof);
    }

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("abc", 10), "abc");
    }
}
