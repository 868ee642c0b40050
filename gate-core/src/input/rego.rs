//! A serde `Serializer` whose output is a `regorus::Value`.
//!
//! Building the policy input this way skips printing JSON text and parsing it again, and skips
//! building an intermediate `serde_json::Value` tree. Object keys are interned: each distinct key
//! is allocated once and shared, which saves time and memory on inputs with tens of thousands of
//! facts. String *values* are shared only under the keys of [`SHARED_VALUES`], whose values repeat
//! across facts (the evidence id of every source, tool names, license ids, SBOM references):
//! interning every value was measured to cost more in hashing than it saved, these few save
//! megabytes for a few milliseconds.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use regorus::Value;
use serde::ser::{self, Serialize};

use crate::Error;

/// Serialize anything serde can into a regorus value.
pub(crate) fn to_value<T: Serialize + ?Sized>(v: &T) -> Result<Value, Error> {
    let cache = Interner::default();
    to_value_with(v, &cache)
}

/// Serialize with a shared interner (several parts of one document).
pub(crate) fn to_value_with<T: Serialize + ?Sized>(
    v: &T,
    cache: &Interner,
) -> Result<Value, Error> {
    v.serialize(ValueSerializer {
        cache,
        shared: false,
    })
    .map_err(|e| Error::Usage(format!("building input: {}", e.0)))
}

/// A list as an array value, each item converted and then dropped at once, so the typed list
/// and its value never both exist in full.
pub(crate) fn consume<T: Serialize>(items: Vec<T>, cache: &Interner) -> Result<Value, Error> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(to_value_with(&item, cache)?);
    }
    Ok(Value::from(out))
}

/// An object value from fields already converted (the same value serializing the struct gives).
pub(crate) fn object<const N: usize>(
    fields: [(&'static str, Value); N],
    cache: &Interner,
) -> Value {
    Value::from(
        fields
            .into_iter()
            .map(|(k, v)| (cache.key(k), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// Fields whose string values (or whose list's strings) repeat across facts, so one shared
/// string serves them all. `evidence` is the evidence id of every source; `bom_ref`, `ref` and
/// `depends_on` are the same SBOM references in components and in the dependency graph.
const SHARED_VALUES: &[&str] = &[
    "evidence",
    "tool",
    "tools",
    "suite",
    "type",
    "group",
    "rule",
    "severity_source",
    "licenses",
    "license_ids",
    "license_expression",
    "license_unknown",
    "bom_ref",
    "ref",
    "depends_on",
];

/// Object keys, each allocated once and shared by every object that has it.
///
/// Keys are the `&'static str` field names of the input types, so the cache is keyed by their
/// address: no string hashing on the hot path.
///
/// It also shares the string values of the fields in [`SHARED_VALUES`] (and the keys of maps,
/// such as hash algorithm names), found by content.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    /// Each key's value, and whether its field's strings are shared.
    keys: RefCell<HashMap<usize, (Value, bool), BuildHasherDefault<AddressHasher>>>,
    strings: RefCell<HashSet<Shared, BuildHasherDefault<TextHasher>>>,
}

impl Interner {
    fn key(&self, k: &'static str) -> Value {
        self.field(k).0
    }

    /// The key's value, and whether the field's string values are shared.
    fn field(&self, k: &'static str) -> (Value, bool) {
        self.keys
            .borrow_mut()
            .entry(k.as_ptr() as usize)
            .or_insert_with(|| (Value::from(k), SHARED_VALUES.contains(&k)))
            .clone()
    }

    /// One shared string value per distinct text.
    fn string(&self, s: &str) -> Value {
        let mut strings = self.strings.borrow_mut();
        if let Some(found) = strings.get(s) {
            return found.0.clone();
        }
        let v = Value::from(s);
        strings.insert(Shared(v.clone()));
        v
    }
}

/// A string value, hashed and compared by its text (so the set can be searched with a `&str`).
#[derive(Debug)]
struct Shared(Value);

impl Shared {
    fn text(&self) -> &str {
        match &self.0 {
            Value::String(s) => s,
            _ => "",
        }
    }
}

impl Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        self.text()
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Shared {}

impl Hash for Shared {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text().hash(state);
    }
}

/// A fast hasher for short texts, eight bytes at a time (not DoS-resistant; the texts are the
/// input's own, hashed for one conversion).
#[derive(Debug, Default)]
struct TextHasher(u64);

impl TextHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }
}

impl Hasher for TextHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            self.add(u64::from_le_bytes(a));
        }
        let mut a = [0u8; 8];
        for (slot, b) in a.iter_mut().zip(words.remainder()) {
            *slot = *b;
        }
        self.add(u64::from_le_bytes(a) ^ (bytes.len() as u64));
    }
}

/// A hasher for addresses: they are already well spread, so it only mixes the low bits.
#[derive(Debug, Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[derive(Debug)]
pub(crate) struct SerError(String);

impl std::fmt::Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

#[derive(Clone, Copy)]
struct ValueSerializer<'c> {
    cache: &'c Interner,
    /// Strings are shared (the field is in [`SHARED_VALUES`], or this is a map key).
    shared: bool,
}

type R = Result<Value, SerError>;

fn float(v: f64) -> R {
    if v.is_finite() {
        Ok(Value::from(v))
    } else {
        Err(SerError(format!("non-finite number {v}")))
    }
}

impl<'c> ser::Serializer for ValueSerializer<'c> {
    type Ok = Value;
    type Error = SerError;
    type SerializeSeq = SeqSer<'c>;
    type SerializeTuple = SeqSer<'c>;
    type SerializeTupleStruct = SeqSer<'c>;
    type SerializeTupleVariant = SeqSer<'c>;
    type SerializeMap = MapSer<'c>;
    type SerializeStruct = MapSer<'c>;
    type SerializeStructVariant = MapSer<'c>;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Value::from(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> R {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> R {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> R {
        Ok(Value::from(v))
    }
    fn serialize_u8(self, v: u8) -> R {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> R {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> R {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> R {
        Ok(Value::from(v))
    }
    fn serialize_f32(self, v: f32) -> R {
        float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        float(v)
    }
    fn serialize_char(self, v: char) -> R {
        Ok(Value::from(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(if self.shared {
            self.cache.string(v)
        } else {
            Value::from(v)
        })
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Value::from(
            v.iter()
                .map(|b| Value::from(u64::from(*b)))
                .collect::<Vec<_>>(),
        ))
    }
    fn serialize_none(self) -> R {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        Ok(self.cache.key(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R {
        let mut m = BTreeMap::new();
        m.insert(self.cache.key(variant), v.serialize(self)?);
        Ok(Value::from(m))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'c>, SerError> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
            cache: self.cache,
            shared: self.shared,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'c>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer<'c>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer<'c>, SerError> {
        Ok(SeqSer {
            items: Vec::with_capacity(len),
            variant: Some(variant),
            cache: self.cache,
            shared: self.shared,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer<'c>, SerError> {
        Ok(MapSer {
            map: BTreeMap::new(),
            key: None,
            variant: None,
            cache: self.cache,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSer<'c>, SerError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<MapSer<'c>, SerError> {
        Ok(MapSer {
            map: BTreeMap::new(),
            key: None,
            variant: Some(variant),
            cache: self.cache,
        })
    }
}

struct SeqSer<'c> {
    items: Vec<Value>,
    variant: Option<&'static str>,
    cache: &'c Interner,
    shared: bool,
}

impl SeqSer<'_> {
    fn finish(self) -> R {
        let arr = Value::from(self.items);
        Ok(match self.variant {
            Some(v) => {
                let mut m = BTreeMap::new();
                m.insert(self.cache.key(v), arr);
                Value::from(m)
            }
            None => arr,
        })
    }

    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.items.push(v.serialize(ValueSerializer {
            cache: self.cache,
            shared: self.shared,
        })?);
        Ok(())
    }
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

struct MapSer<'c> {
    map: BTreeMap<Value, Value>,
    key: Option<Value>,
    variant: Option<&'static str>,
    cache: &'c Interner,
}

impl MapSer<'_> {
    fn finish(self) -> R {
        let obj = Value::from(self.map);
        Ok(match self.variant {
            Some(v) => {
                let mut m = BTreeMap::new();
                m.insert(self.cache.key(v), obj);
                Value::from(m)
            }
            None => obj,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), SerError> {
        let (key, shared) = self.cache.field(key);
        let value = v.serialize(ValueSerializer {
            cache: self.cache,
            shared,
        })?;
        self.map.insert(key, value);
        Ok(())
    }
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), SerError> {
        // Map keys (hash algorithms, parameter names) repeat from map to map.
        self.key = Some(k.serialize(ValueSerializer {
            cache: self.cache,
            shared: true,
        })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerError("map value without key".into()))?;
        self.map.insert(
            key,
            v.serialize(ValueSerializer {
                cache: self.cache,
                shared: false,
            })?,
        );
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.field(key, v)
    }
    fn skip_field(&mut self, _: &'static str) -> Result<(), SerError> {
        Ok(())
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.field(key, v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct S {
        a: Option<u32>,
        b: Vec<&'static str>,
        c: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        d: Option<bool>,
    }

    #[test]
    fn matches_the_json_route() {
        let s = S {
            a: None,
            b: vec!["x", "y"],
            c: 1.5,
            d: None,
        };
        let direct = to_value(&s).unwrap();
        let via_json = regorus::Value::from_json_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(direct, via_json);
        assert_eq!(direct["b"][1], regorus::Value::from("y"));
        assert_eq!(direct["a"], regorus::Value::Null);
    }

    #[test]
    fn refuses_non_finite_numbers() {
        assert!(to_value(&f64::NAN).is_err());
    }
}
