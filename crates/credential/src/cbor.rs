//! The few CBOR reading helpers every decoder here shares: one item with nothing after it, maps
//! without duplicate keys, integers that fit.

use ciborium::Value;

pub(crate) fn to_vec(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).expect("writing to a Vec does not fail");
    out
}

/// Exactly one CBOR item; trailing bytes would let two parsers disagree on what was signed.
pub(crate) fn from_slice(bytes: &[u8]) -> Option<Value> {
    let mut rest = bytes;
    let v: Value = ciborium::from_reader(&mut rest).ok()?;
    rest.is_empty().then_some(v)
}

pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
        _ => None,
    }
}

pub(crate) fn uint(v: &Value) -> Option<u64> {
    match v {
        Value::Integer(i) => u64::try_from(i128::from(*i)).ok(),
        _ => None,
    }
}

pub(crate) fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

pub(crate) fn bytes(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Bytes(b) => Some(b),
        _ => None,
    }
}

/// More entries than any map here has (the permit claim has 11), with room for claims others
/// add. The duplicate check compares every pair of keys, so without this bound a 1 MiB status
/// list whose header is a map of 250,000 keys took minutes before its signature was checked.
pub(crate) const MAX_MAP_ENTRIES: usize = 64;

/// A map read as a list of entries whose keys are all distinct, at most [`MAX_MAP_ENTRIES`].
pub(crate) struct Map<'a>(&'a [(Value, Value)]);

impl<'a> Map<'a> {
    pub(crate) fn new(v: &'a Value) -> Option<Map<'a>> {
        let Value::Map(entries) = v else { return None };
        if entries.len() > MAX_MAP_ENTRIES {
            return None;
        }
        for (i, (k, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(other, _)| other == k) {
                return None;
            }
        }
        Some(Map(entries))
    }
    pub(crate) fn get(&self, key: i64) -> Option<&'a Value> {
        self.0
            .iter()
            .find(|(k, _)| int(k) == Some(key))
            .map(|(_, v)| v)
    }
    pub(crate) fn get_text(&self, key: &str) -> Option<&'a Value> {
        self.0
            .iter()
            .find(|(k, _)| text(k) == Some(key))
            .map(|(_, v)| v)
    }
    /// Whether every key is one of `known`: our own maps refuse what they do not define.
    pub(crate) fn only_int_keys(&self, known: &[i64]) -> bool {
        self.0
            .iter()
            .all(|(k, _)| int(k).is_some_and(|k| known.contains(&k)))
    }
    pub(crate) fn only_text_keys(&self, known: &[&str]) -> bool {
        self.0
            .iter()
            .all(|(k, _)| text(k).is_some_and(|k| known.contains(&k)))
    }
}

pub(crate) fn entry(key: i64, v: Value) -> (Value, Value) {
    (Value::Integer(key.into()), v)
}
