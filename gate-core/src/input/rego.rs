//! A serde `Serializer` whose output is a `regorus::Value`.
//!
//! Building the policy input this way skips printing JSON text and parsing it again, and skips
//! building an intermediate `serde_json::Value` tree. Object keys are interned: each distinct key
//! is allocated once and shared, which saves time and memory on inputs with tens of thousands of
//! facts. (Interning string values as well was measured to cost more in hashing than it saved.)

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

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
    v.serialize(ValueSerializer { cache })
        .map_err(|e| Error::Usage(format!("building input: {}", e.0)))
}

/// Object keys, each allocated once and shared by every object that has it.
///
/// Keys are the `&'static str` field names of the input types, so the cache is keyed by their
/// address: no string hashing on the hot path.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    keys: RefCell<HashMap<usize, Value, BuildHasherDefault<AddressHasher>>>,
}

impl Interner {
    fn key(&self, k: &'static str) -> Value {
        self.keys
            .borrow_mut()
            .entry(k.as_ptr() as usize)
            .or_insert_with(|| Value::from(k))
            .clone()
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
        Ok(Value::from(v))
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
        self.items
            .push(v.serialize(ValueSerializer { cache: self.cache })?);
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
        let value = v.serialize(ValueSerializer { cache: self.cache })?;
        self.map.insert(self.cache.key(key), value);
        Ok(())
    }
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Value;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), SerError> {
        self.key = Some(k.serialize(ValueSerializer { cache: self.cache })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerError("map value without key".into()))?;
        self.map
            .insert(key, v.serialize(ValueSerializer { cache: self.cache })?);
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
