//! Strict JSON for evidence: typed parsing with positions, field paths and a top-level probe.
//!
//! serde_json already refuses what JSON forbids (trailing commas, comments, `NaN`, numbers out of
//! range, unpaired surrogates in strings it decodes) and stops at 128 levels of nesting; typed
//! readers refuse duplicate keys of the fields they know. The probe that detects a document's kind
//! also decodes every value once, so hostile content in fields a typed reader skips is refused. This module turns those failures into
//! [`EvidenceError`]s that say where, and which field.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::EvidenceError;

/// Parse `text` as `T`. On failure, parse again tracking the field path so the message names it.
///
/// The happy path pays nothing for the path tracking.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, EvidenceError> {
    match serde_json::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => e.path().to_string(),
                Ok(_) => String::from("."),
            };
            Err(convert(&first, Some(&path)))
        }
    }
}

/// Turn a serde_json error into an [`EvidenceError`] with line, column and (if known) field path.
pub fn convert(e: &serde_json::Error, path: Option<&str>) -> EvidenceError {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; we carry those separately.
    let msg = raw
        .rsplit_once(" at line ")
        .map_or(raw.as_str(), |(m, _)| m);
    let msg = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            if msg == "recursion limit exceeded" {
                "JSON nested deeper than 128 levels".to_owned()
            } else if msg == "number out of range" {
                "JSON number out of range".to_owned()
            } else if msg.contains("surrogate") || msg == "unexpected end of hex escape" {
                format!("JSON string with an unpaired UTF-16 surrogate escape ({msg})")
            } else {
                format!("not well-formed JSON: {msg}")
            }
        }
        serde_json::error::Category::Data => match path {
            Some(p) if p != "." && !p.is_empty() => format!("at `{p}`: {msg}"),
            _ => msg.to_owned(),
        },
        serde_json::error::Category::Io => msg.to_owned(),
    };
    if e.line() == 0 {
        EvidenceError::new(msg)
    } else {
        EvidenceError::at(msg, e.line(), e.column())
    }
}

/// What the top level of a JSON document looks like, for detecting its kind.
#[derive(Debug, Default, PartialEq)]
pub struct Probe {
    /// `true` when the document is a JSON object (otherwise an array or a scalar).
    pub is_object: bool,
    /// `true` when the document is a JSON array.
    pub is_array: bool,
    /// For an array whose first element is an object: that object's keys.
    pub first_element_keys: Vec<String>,
    /// Every top-level key, with its value when that value is a string, number or bool.
    pub keys: BTreeMap<String, Option<String>>,
}

impl Probe {
    /// Read the top level of `text`, skipping nested values without building them.
    pub fn read(text: &str) -> Result<Probe, EvidenceError> {
        let top: Top = serde_json::from_str(text).map_err(|e| convert(&e, None))?;
        Ok(match top {
            Top::Object(keys) => Probe {
                is_object: true,
                keys,
                ..Probe::default()
            },
            Top::Array(first_element_keys) => Probe {
                is_array: true,
                first_element_keys,
                ..Probe::default()
            },
            Top::Other => Probe::default(),
        })
    }

    /// Whether the top level has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }

    /// The scalar value of a top-level key, as text.
    pub fn scalar(&self, key: &str) -> Option<&str> {
        self.keys.get(key).and_then(|v| v.as_deref())
    }
}

enum Top {
    Object(BTreeMap<String, Option<String>>),
    Array(Vec<String>),
    Other,
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut keys = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Scalar>()?;
            if keys.insert(key.clone(), value.0).is_some() {
                return Err(serde::de::Error::custom(format!(
                    "duplicate JSON key `{key}`"
                )));
            }
        }
        Ok(Top::Object(keys))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        let first = seq
            .next_element::<FirstKeys>()?
            .map(|f| f.0)
            .unwrap_or_default();
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Top::Array(first))
    }

    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Other)
    }
    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Other)
    }
}

/// The keys of an object (validated like [`Valid`]); empty for any other value.
struct FirstKeys(Vec<String>);

impl<'de> Deserialize<'de> for FirstKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FirstKeysVisitor)
    }
}

struct FirstKeysVisitor;

impl<'de> Visitor<'de> for FirstKeysVisitor {
    type Value = FirstKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstKeys, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<Valid>()?;
            keys.push(key);
        }
        Ok(FirstKeys(keys))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<FirstKeys, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(FirstKeys(Vec::new()))
    }
    fn visit_str<E>(self, _: &str) -> Result<FirstKeys, E> {
        Ok(FirstKeys(Vec::new()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<FirstKeys, E> {
        Ok(FirstKeys(Vec::new()))
    }
    fn visit_i64<E>(self, _: i64) -> Result<FirstKeys, E> {
        Ok(FirstKeys(Vec::new()))
    }
    fn visit_u64<E>(self, _: u64) -> Result<FirstKeys, E> {
        Ok(FirstKeys(Vec::new()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<FirstKeys, E> {
        Ok(FirstKeys(Vec::new()))
    }
    fn visit_unit<E>(self) -> Result<FirstKeys, E> {
        Ok(FirstKeys(Vec::new()))
    }
}

/// A value kept as text when it is a scalar, skipped otherwise.
struct Scalar(Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_owned())))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<Valid, Valid>()?.is_some() {}
        Ok(Scalar(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Scalar(None))
    }
}

/// Any JSON value, fully decoded and dropped: unlike `IgnoredAny`, every string escape and
/// number is checked (unpaired surrogates, numbers out of range) and serde_json's nesting limit
/// applies, so nothing hostile hides in the parts a typed reader skips.
struct Valid;

impl<'de> Deserialize<'de> for Valid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValidVisitor)
    }
}

struct ValidVisitor;

impl<'de> Visitor<'de> for ValidVisitor {
    type Value = Valid;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, _: &str) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_unit<E>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Valid, A::Error> {
        while map.next_entry::<Valid, Valid>()?.is_some() {}
        Ok(Valid)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Valid, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Valid)
    }
}

/// Parse `text` as a JSON value, refusing a duplicate key in any object at any depth.
///
/// `serde_json::Value` keeps the last of two equal keys without a word; for signed documents
/// (Sigstore bundles, DSSE envelopes) that would let gate read a different field than another
/// verifier does, and for `-d` data a different setting than its author meant, so they are read
/// through this instead. The error gives the line and column of the repeat.
pub fn parse_value(text: &str) -> Result<serde_json::Value, EvidenceError> {
    serde_json::from_str::<StrictValue>(text)
        .map(|v| v.0)
        .map_err(|e| convert(&e, None))
}

/// A JSON value whose objects have no duplicate keys.
struct StrictValue(serde_json::Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(serde_json::Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(serde_json::Value::String(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(serde_json::Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<StrictValue, E> {
        serde_json::Number::from_f64(v)
            .map(|n| StrictValue(serde_json::Value::Number(n)))
            .ok_or_else(|| E::custom("JSON number out of range"))
    }
    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(serde_json::Value::Null))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // Checked before the value is read, so the position is the repeated key's.
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate JSON key `{key}`"
                )));
            }
            let value = map.next_value::<StrictValue>()?;
            out.insert(key, value.0);
        }
        Ok(StrictValue(serde_json::Value::Object(out)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<StrictValue>()? {
            out.push(v.0);
        }
        Ok(StrictValue(serde_json::Value::Array(out)))
    }
}

/// For `#[serde(default, deserialize_with = "json::present")]` on an `Option<T>` field whose
/// schema gives an array or object and never `null`: a missing field is `None`, but `null` is
/// refused with the field path, line and column (serde's "invalid type: null"), never read as
/// an empty list.
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// The versions of a format gate reads, for [`KnownVersion`].
pub trait Versions {
    /// The field that states the version, as a refusal names it.
    const FIELD: &'static str;
    /// Every version gate reads.
    const KNOWN: &'static [&'static str];
}

/// A version field whose value must be one of `V::KNOWN`; another value is refused naming the
/// field, the value and the versions gate reads.
#[derive(Debug)]
pub struct KnownVersion<V>(pub String, PhantomData<V>);

impl<'de, V: Versions> Deserialize<'de> for KnownVersion<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if V::KNOWN.contains(&s.as_str()) {
            Ok(KnownVersion(s, PhantomData))
        } else {
            Err(serde::de::Error::custom(format_args!(
                "{} '{s}' is not a known version (gate reads {})",
                V::FIELD,
                V::KNOWN.join(", ")
            )))
        }
    }
}

/// Append one reference token to a JSON pointer (RFC 6901 escaping).
pub fn push_pointer(base: &str, token: &str) -> String {
    let mut s = String::with_capacity(base.len() + token.len() + 1);
    s.push_str(base);
    s.push('/');
    for c in token.chars() {
        match c {
            '~' => s.push_str("~0"),
            '/' => s.push_str("~1"),
            c => s.push(c),
        }
    }
    s
}

/// A JSON array. Like `Vec`, but a value of another type is reported as "expected a JSON array"
/// rather than serde's "expected a sequence".
#[derive(Debug)]
pub struct Array<T>(pub Vec<T>);

impl<T> Default for Array<T> {
    fn default() -> Self {
        Array(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Array<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(ArrayVisitor(std::marker::PhantomData))
    }
}

struct ArrayVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ArrayVisitor<T> {
    type Value = Array<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Array<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        components: Vec<Comp>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Comp {
        name: String,
    }

    #[test]
    fn probe_reads_top_level_scalars_only() {
        let p = Probe::read(r#"{"version":"2.1.0","runs":[{"a":1}],"n":3}"#).unwrap();
        assert!(p.is_object);
        assert_eq!(p.scalar("version"), Some("2.1.0"));
        assert_eq!(p.scalar("n"), Some("3"));
        assert!(p.has("runs"));
        assert_eq!(p.scalar("runs"), None);
    }

    #[test]
    fn probe_refuses_duplicate_top_level_keys() {
        let e = Probe::read("{\"a\":1,\n\"a\":2}").unwrap_err();
        assert!(e.message.contains("duplicate JSON key `a`"), "{e:?}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn errors_name_the_field_and_position() {
        let e = parse::<Doc>("{\"components\": [{\"name\": \"a\"},\n {\"name\": 3}]}").unwrap_err();
        assert!(e.message.contains("components[1].name"), "{e:?}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn syntax_errors_are_not_well_formed() {
        let e = parse::<Doc>("{\"components\": [,]}").unwrap_err();
        assert!(e.message.starts_with("not well-formed JSON"), "{e:?}");
        let e = Probe::read("{\"a\": NaN}").unwrap_err();
        assert!(e.message.starts_with("not well-formed JSON"), "{e:?}");
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        let e = Probe::read(&format!("{{\"a\": {deep}}}")).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e:?}");
        let e = Probe::read("{\"a\": {\"b\": \"\\ud800x\"}}").unwrap_err();
        assert!(e.message.contains("unpaired UTF-16 surrogate"), "{e:?}");
        assert_eq!(e.column, Some(20));
        let e = Probe::read("{\"a\": [1e400]}").unwrap_err();
        assert_eq!(e.message, "JSON number out of range");
    }

    #[test]
    fn values_refuse_duplicate_keys_at_any_depth() {
        let e = parse_value("{\"a\": {\"b\": 1,\n \"b\": 2}}").unwrap_err();
        assert_eq!(e.message, "duplicate JSON key `b`");
        assert_eq!((e.line, e.column), (Some(2), Some(4)));
        let v = parse_value(r#"{"a": [{"b": 1}, {"b": 2.5}], "c": null}"#).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": [{"b": 1}, {"b": 2.5}], "c": null})
        );
        assert!(parse_value(r#"{"a": 1, "a": 1}"#).is_err());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse_value(&deep)
            .unwrap_err()
            .message
            .contains("nested deeper"));
    }

    #[test]
    fn pointers_escape_tokens() {
        assert_eq!(push_pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
