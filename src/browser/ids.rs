//! Ids made on the device: a request's id is its idempotency key, so a retry
//! is recognised as the same request.

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// A new request id. `crypto.randomUUID` exists only in secure contexts (a
/// kiosk on plain http has none); `getRandomValues` works everywhere.
pub fn new_uuid() -> String {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .filter(JsValue::is_object);
    if let Some(crypto) = &crypto {
        let made = Reflect::get(crypto, &"randomUUID".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|f| f.call0(crypto).ok())
            .and_then(|v| v.as_string());
        if let Some(id) = made {
            return id.to_ascii_lowercase();
        }
    }
    let mut bytes = [0u8; 16];
    let filled = crypto.and_then(|crypto| {
        let array = Uint8Array::new_with_length(16);
        let fill: Function = Reflect::get(&crypto, &"getRandomValues".into())
            .ok()?
            .dyn_into()
            .ok()?;
        fill.call1(&crypto, &array).ok()?;
        array.copy_to(&mut bytes);
        Some(())
    });
    if filled.is_none() {
        // Unique enough for an idempotency key; nothing secret depends on it.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(bytes)
}

/// A version 4 UUID from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
        assert_eq!(id.len(), 36);
    }
}
