//! Values read without failing the whole answer.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

/// A value this build may not understand: `Known` when it reads as `T`,
/// otherwise the JSON as sent (a newer clause, request type or decision shape
/// from a newer server). Serialises either way to exactly the JSON it holds, so
/// the server can pass stored JSON through unchanged.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Known(T),
    Other(serde_json::Value),
}

/// Read through `serde_json::Value`, not serde's untagged-enum buffering: the
/// same result, and the portal's WASM links no second buffer type (KBs).
impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Lenient::from_value)
    }
}

impl<T: DeserializeOwned> Lenient<T> {
    /// `Known` if `value` reads as `T`, else `Other(value)`.
    pub fn from_value(value: serde_json::Value) -> Lenient<T> {
        match T::deserialize(&value) {
            Ok(known) => Lenient::Known(known),
            Err(_) => Lenient::Other(value),
        }
    }
}

/// `deserialize_with` for an optional lenient value: `null` or missing is
/// `None`. Through the same `Value` path as [`Lenient`] itself, rather than a
/// second copy of it inside serde's `Option` reader.
pub fn optional<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<Lenient<T>>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => None,
        value => Some(Lenient::from_value(value)),
    })
}

impl<T> Lenient<T> {
    /// The value, if this build can read it.
    pub fn known(&self) -> Option<&T> {
        match self {
            Lenient::Known(value) => Some(value),
            Lenient::Other(_) => None,
        }
    }

    pub fn into_known(self) -> Option<T> {
        match self {
            Lenient::Known(value) => Some(value),
            Lenient::Other(_) => None,
        }
    }
}

/// A missing field reads as JSON `null`.
impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient::Other(serde_json::Value::Null)
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient::Known(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_rules::{RequestType, Timestamp};

    #[test]
    fn known_values_read_and_unknown_ones_are_kept() {
        let t: Lenient<RequestType> = serde_json::from_str("\"return\"").unwrap();
        assert_eq!(t.known(), Some(&RequestType::Return));
        let t: Lenient<RequestType> = serde_json::from_str("\"trade_in\"").unwrap();
        assert_eq!(t.known(), None);
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"trade_in\"");
        let at: Lenient<Timestamp> = serde_json::from_str("\"\"").unwrap();
        assert_eq!(at, Lenient::Other(serde_json::json!("")));
        let at: Lenient<Timestamp> = serde_json::from_str("\"2026-11-22T10:00:00+08:00\"").unwrap();
        assert_eq!(
            at.into_known().map(|t| t.to_string()).as_deref(),
            Some("2026-11-22T10:00:00+08:00")
        );
    }
}
