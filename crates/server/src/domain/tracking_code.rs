//! Tracking codes: 8 characters of an alphabet without look-alikes
//! (`aftersales_contract::fields::TRACKING_CODE_ALPHABET`), from the OS CSPRNG
//! (~40 bits).

use aftersales_contract::fields::{TRACKING_CODE_ALPHABET, TRACKING_CODE_LEN};
use rand::Rng;

/// A new random tracking code.
pub fn new_tracking_code() -> String {
    let alphabet = TRACKING_CODE_ALPHABET.as_bytes();
    let mut rng = rand::rngs::OsRng;
    (0..TRACKING_CODE_LEN)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_contract::fields::normalise_tracking_code;

    #[test]
    fn tracking_codes_use_the_unambiguous_alphabet() {
        for _ in 0..100 {
            let code = new_tracking_code();
            assert_eq!(code.len(), TRACKING_CODE_LEN);
            assert!(code.chars().all(|c| TRACKING_CODE_ALPHABET.contains(c)));
            assert_eq!(normalise_tracking_code(&code.to_lowercase()), code);
        }
    }
}
