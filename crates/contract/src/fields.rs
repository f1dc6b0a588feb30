//! The field rules the portal checks before sending and the server checks on
//! arrival: one answer on both sides.

use crate::error::FieldCode;

/// Dotted paths of the fields a filing's form fills in, as `error.fields[].field` names them.
pub mod path {
    pub const ID: &str = "id";
    pub const FILED_AT: &str = "filed_at";
    pub const CONTACT_NAME: &str = "contact.name";
    pub const CONTACT_PHONE: &str = "contact.phone";
    pub const CONTACT_PREFERRED_TIME: &str = "contact.preferred_time";
    pub const DESCRIPTION: &str = "description";
    pub const ORDER_NUMBER: &str = "case.order.number";
    pub const RATING: &str = "rating";
    pub const COMMENT: &str = "comment";
}

/// A contact name, trimmed: up to 100 characters (long enough for a full
/// foreign name; Chinese names are far shorter).
pub const NAME_MAX_CHARS: usize = 100;
/// `contact.preferred_time`, free text such as "weekday evenings".
pub const PREFERRED_TIME_MAX_CHARS: usize = 200;
/// The customer's description of what happened.
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
/// The feedback comment.
pub const COMMENT_MAX_CHARS: usize = 1000;
/// A staff note shown in the customer's history.
pub const NOTE_MAX_CHARS: usize = 2000;
/// An order number.
pub const ORDER_NUMBER_MAX_CHARS: usize = 64;
/// Photos per request.
pub const MAX_PHOTOS: usize = 6;
/// Bytes per photo (5 MiB).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The satisfaction rating's range.
pub const RATING_MIN: i64 = 1;
pub const RATING_MAX: i64 = 5;

/// Whether `rating` is within [`RATING_MIN`]..=[`RATING_MAX`].
pub fn rating_ok(rating: i64) -> bool {
    (RATING_MIN..=RATING_MAX).contains(&rating)
}

/// What is wrong with a text field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextProblem {
    /// Fewer characters than the rule's minimum (empty).
    Required,
    TooLong,
    /// Control characters (line breaks and tabs are allowed in multi-line text).
    Invalid,
}

impl TextProblem {
    /// The API's field code for it.
    pub fn code(self) -> FieldCode {
        match self {
            TextProblem::Required => FieldCode::Required,
            TextProblem::TooLong => FieldCode::TooLong,
            TextProblem::Invalid => FieldCode::Invalid,
        }
    }
}

impl From<TextProblem> for FieldCode {
    fn from(problem: TextProblem) -> Self {
        problem.code()
    }
}

/// Limits of a text a person types, counted in characters (not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    pub min_chars: usize,
    pub max_chars: usize,
    /// Line breaks and tabs allowed.
    pub multiline: bool,
}

/// `contact.name`, checked after trimming.
pub const NAME: TextRule = TextRule {
    min_chars: 1,
    max_chars: NAME_MAX_CHARS,
    multiline: false,
};
pub const PREFERRED_TIME: TextRule = TextRule {
    min_chars: 0,
    max_chars: PREFERRED_TIME_MAX_CHARS,
    multiline: false,
};
pub const DESCRIPTION: TextRule = TextRule {
    min_chars: 0,
    max_chars: DESCRIPTION_MAX_CHARS,
    multiline: true,
};
pub const COMMENT: TextRule = TextRule {
    min_chars: 0,
    max_chars: COMMENT_MAX_CHARS,
    multiline: true,
};
pub const ORDER_NUMBER: TextRule = TextRule {
    min_chars: 1,
    max_chars: ORDER_NUMBER_MAX_CHARS,
    multiline: false,
};

impl TextRule {
    /// Bounded, and free of control characters that would corrupt logs or be
    /// refused by a database (NUL). The text is taken as given (trim first
    /// where the field is trimmed, as [`check_name`] does).
    pub fn check(&self, text: &str) -> Result<(), TextProblem> {
        let count = text.chars().count();
        if count < self.min_chars {
            Err(TextProblem::Required)
        } else if count > self.max_chars {
            Err(TextProblem::TooLong)
        } else if text
            .chars()
            .any(|c| c.is_control() && !(self.multiline && matches!(c, '\n' | '\r' | '\t')))
        {
            Err(TextProblem::Invalid)
        } else {
            Ok(())
        }
    }
}

/// The contact name as stored: trimmed, 1 to [`NAME_MAX_CHARS`] characters,
/// no control characters.
pub fn check_name(raw: &str) -> Result<&str, TextProblem> {
    let name = raw.trim();
    NAME.check(name).map(|()| name)
}

/// What is wrong with a phone number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhoneProblem {
    /// Nothing but spaces and separators.
    Required,
    /// Not a mainland mobile or an international number.
    Invalid,
}

/// A phone number in its canonical form, the one orders are stored and
/// compared by:
///
/// - a mainland China mobile as its 11 digits (`13800138000`): `1`, then `3`–`9`,
///   then 9 digits; written with or without `+86`, `0086` or `86` in front;
/// - any other number in E.164: `+`, then 8 to 15 digits, not starting with `0`
///   (`+4915112345678`). A number under `+86` must be a mobile, which catches a
///   digit too few that would otherwise pass as E.164.
///
/// Spaces, dashes, dots and parentheses are ignored, and full-width digits and
/// `＋` (typed with a Chinese input method) are read as ASCII ones.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, PhoneProblem> {
        let compact: String = raw
            .chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(
                        c,
                        '-' | '－' | '‐' | '‑' | '–' | '—' | '.' | '(' | ')' | '（' | '）'
                    )
            })
            .map(|c| match c {
                '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
                '＋' => '+',
                c => c,
            })
            .collect();
        if compact.is_empty() {
            return Err(PhoneProblem::Required);
        }
        if let Some(rest) = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
        {
            return mainland_mobile(rest).ok_or(PhoneProblem::Invalid);
        }
        if let Some(rest) = compact.strip_prefix('+') {
            let b = rest.as_bytes();
            return if (8..=15).contains(&b.len())
                && b.iter().all(u8::is_ascii_digit)
                && b[0] != b'0'
            {
                Ok(Phone(compact))
            } else {
                Err(PhoneProblem::Invalid)
            };
        }
        mainland_mobile(&compact)
            .or_else(|| compact.strip_prefix("86").and_then(mainland_mobile))
            .ok_or(PhoneProblem::Invalid)
    }

    /// The canonical form (11 digits, or `+` and digits).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// A mainland mobile (stored without a country prefix).
    pub fn is_mainland_mobile(&self) -> bool {
        !self.0.starts_with('+')
    }
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn mainland_mobile(digits: &str) -> Option<Phone> {
    let b = digits.as_bytes();
    (b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]))
    .then(|| Phone(digits.to_owned()))
}

/// Tracking codes use no `0`/`O`, `1`/`I`/`L`, so they survive being read
/// aloud or retyped.
pub const TRACKING_CODE_ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a tracking code.
pub const TRACKING_CODE_LEN: usize = 8;

/// A tracking code as a customer might retype it, in its stored form: upper
/// case, without spaces or dashes.
pub fn normalise_tracking_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str) -> Result<String, PhoneProblem> {
        Phone::parse(raw).map(Phone::into_string)
    }

    #[test]
    fn mainland_mobiles_in_every_usual_spelling() {
        for raw in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+86 138-0013-8000",
            "+8613800138000",
            "0086 13800138000",
            "008613800138000",
            "8613800138000",
            "86 138 0013 8000",
            "(138) 0013.8000",
            "１３８００１３８０００",
            "＋86 13800138000",
            "+86\u{3000}138\u{3000}0013\u{3000}8000",
            " 138－0013－8000 ",
        ] {
            assert_eq!(phone(raw).as_deref(), Ok("13800138000"), "{raw}");
        }
        assert_eq!(phone("199 1234 5678").as_deref(), Ok("19912345678"));
        assert!(Phone::parse("13800138000").unwrap().is_mainland_mobile());
    }

    #[test]
    fn international_numbers_are_e164() {
        assert_eq!(phone("+49 151 1234 5678").as_deref(), Ok("+4915112345678"));
        assert_eq!(phone("+1 (202) 555-0143").as_deref(), Ok("+12025550143"));
        assert_eq!(phone("+12345678").as_deref(), Ok("+12345678"));
        assert_eq!(phone("+123456789012345").as_deref(), Ok("+123456789012345"));
        assert!(!Phone::parse("+12345678").unwrap().is_mainland_mobile());
    }

    #[test]
    fn wrong_numbers_are_invalid_and_blank_is_required() {
        assert_eq!(phone(""), Err(PhoneProblem::Required));
        assert_eq!(phone("  - "), Err(PhoneProblem::Required));
        for raw in [
            "1",
            "1380013800",       // 10 digits
            "138001380001",     // 12 digits
            "12800138000",      // 12x is not a mobile prefix
            "23800138000",      // not starting with 1
            "+86 1380013800",   // +86 with a digit missing
            "+86 10 6552 9988", // a landline under +86
            "861380013800",     // 86 and a digit missing
            "+1234567",         // 7 digits
            "+1234567890123456",
            "+0123456789",
            "+",
            "0086",
            "4915112345678", // international without +
            "138OO138000",
            "call me",
            "١٣٨٠٠١٣٨٠٠٠",
        ] {
            assert_eq!(phone(raw), Err(PhoneProblem::Invalid), "{raw}");
        }
    }

    #[test]
    fn texts_count_characters_and_refuse_control_characters() {
        assert_eq!(NAME.check(""), Err(TextProblem::Required));
        assert_eq!(NAME.check(&"王".repeat(NAME_MAX_CHARS)), Ok(()));
        assert_eq!(
            NAME.check(&"王".repeat(NAME_MAX_CHARS + 1)),
            Err(TextProblem::TooLong)
        );
        assert_eq!(NAME.check("A\u{0}B"), Err(TextProblem::Invalid));
        assert_eq!(check_name("  王女士 "), Ok("王女士"));
        assert_eq!(check_name("   "), Err(TextProblem::Required));
        assert_eq!(DESCRIPTION.check("ok\r\n\tfine"), Ok(()));
        assert_eq!(DESCRIPTION.check("bell\u{7}"), Err(TextProblem::Invalid));
        assert_eq!(
            DESCRIPTION.check(&"字".repeat(DESCRIPTION_MAX_CHARS + 1)),
            Err(TextProblem::TooLong)
        );
        assert_eq!(
            PREFERRED_TIME.check("line\nbreak"),
            Err(TextProblem::Invalid)
        );
        assert_eq!(COMMENT.check(&"x".repeat(COMMENT_MAX_CHARS)), Ok(()));
        assert_eq!(ORDER_NUMBER.check(""), Err(TextProblem::Required));
        assert_eq!(TextProblem::TooLong.code().as_str(), "too_long");
        assert!(rating_ok(1) && rating_ok(5) && !rating_ok(0) && !rating_ok(6));
    }

    #[test]
    fn tracking_codes_normalise_as_retyped() {
        assert_eq!(normalise_tracking_code("ab2c-d3ef g"), "AB2CD3EFG");
        assert_eq!(TRACKING_CODE_ALPHABET.len(), 31);
        assert!(!TRACKING_CODE_ALPHABET.contains(['0', 'O', '1', 'I', 'L']));
    }
}
