//! What the customer tells us besides the case: how to reach them and, in their
//! own words, what happened. Checked before anything is stored; problems are
//! typed so the UI can say them in its language.

use serde::{Deserialize, Serialize};

/// Longer names are almost always something pasted by mistake.
pub const MAX_NAME_CHARS: usize = 50;
/// The server's limit for `contact.preferred_time`.
pub const MAX_PREFERRED_TIME_CHARS: usize = 200;
/// The server's limit for `description`.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// The server keeps at most this many photos per request.
pub const MAX_PHOTOS: usize = 6;

/// A form field the customer fills in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Phone,
    PreferredTime,
    Description,
    Photos,
}

impl Field {
    /// The field a server error names (`contact.phone` → `Phone`); `None` for
    /// fields outside the form (`case.…`, `id`, `filed_at`).
    pub fn from_api(path: &str) -> Option<Field> {
        match path {
            "contact.name" => Some(Field::Name),
            "contact.phone" => Some(Field::Phone),
            "contact.preferred_time" => Some(Field::PreferredTime),
            "description" => Some(Field::Description),
            _ => None,
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    Required,
    TooLong,
    /// Not a phone number we can call back, or control characters in text.
    Invalid,
    TooMany,
}

/// One problem with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Invalid {
    pub field: Field,
    pub problem: Problem,
}

/// The contact fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub phone: String,
    pub preferred_time: String,
}

/// The contact as sent (`contact` in docs/api.md): trimmed name, normalised phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub preferred_time: String,
}

/// The checked contact and description of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub contact: Contact,
    pub description: String,
}

/// Checks every field at once so the form can mark all problems together.
pub fn check(
    draft: &ContactDraft,
    description: &str,
    photos: usize,
) -> Result<Checked, Vec<Invalid>> {
    let mut problems = Vec::new();
    let mut note = |field, problem| problems.push(Invalid { field, problem });

    let name = draft.name.trim();
    if name.is_empty() {
        note(Field::Name, Problem::Required);
    } else if name.chars().count() > MAX_NAME_CHARS {
        note(Field::Name, Problem::TooLong);
    } else if name.chars().any(char::is_control) {
        note(Field::Name, Problem::Invalid);
    }

    let phone = normalise_phone(&draft.phone);
    if let Err(problem) = phone {
        note(Field::Phone, problem);
    }

    let preferred_time = draft.preferred_time.trim();
    if preferred_time.chars().count() > MAX_PREFERRED_TIME_CHARS {
        note(Field::PreferredTime, Problem::TooLong);
    } else if preferred_time.chars().any(char::is_control) {
        note(Field::PreferredTime, Problem::Invalid);
    }

    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        note(Field::Description, Problem::TooLong);
    } else if description
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        note(Field::Description, Problem::Invalid);
    }

    if photos > MAX_PHOTOS {
        note(Field::Photos, Problem::TooMany);
    }

    match phone {
        Ok(phone) if problems.is_empty() => Ok(Checked {
            contact: Contact {
                name: name.to_owned(),
                phone,
                preferred_time: preferred_time.to_owned(),
            },
            description: description.to_owned(),
        }),
        _ => Err(problems),
    }
}

/// A mainland mobile (`13800138000`, optional `+86`/`0086`) as its 11 digits, or
/// an international E.164 number as `+` and 8–15 digits. Spaces and dashes are
/// ignored, full-width digits (some IMEs) accepted. A `+86` number must be a
/// mobile: it catches a missing digit that would otherwise pass as E.164.
pub fn normalise_phone(raw: &str) -> Result<String, Problem> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '‐' | '–'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
            '＋' => '+',
            c => c,
        })
        .collect();
    if compact.is_empty() {
        return Err(Problem::Required);
    }
    let (international, digits) =
        if let Some(rest) = compact.strip_prefix("+86").or(compact.strip_prefix("0086")) {
            (false, rest)
        } else if let Some(rest) = compact.strip_prefix('+') {
            (true, rest)
        } else {
            (false, compact.as_str())
        };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::Invalid);
    }
    let bytes = digits.as_bytes();
    if international {
        if (8..=15).contains(&bytes.len()) && bytes[0] != b'0' {
            return Ok(format!("+{digits}"));
        }
    } else if bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) {
        return Ok(digits.to_owned());
    }
    Err(Problem::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, phone: &str) -> ContactDraft {
        ContactDraft {
            name: name.into(),
            phone: phone.into(),
            preferred_time: String::new(),
        }
    }

    #[test]
    fn mainland_mobiles_in_every_usual_spelling() {
        for raw in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "0086 13800138000",
            "１３８００１３８０００",
            "＋86 13800138000",
            " 19912345678 ",
        ] {
            let expected = if raw.contains("199") {
                "19912345678"
            } else {
                "13800138000"
            };
            assert_eq!(normalise_phone(raw).as_deref(), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn international_numbers_are_e164() {
        assert_eq!(
            normalise_phone("+49 151 1234 5678").as_deref(),
            Ok("+4915112345678")
        );
        assert_eq!(
            normalise_phone("+1-202-555-0143").as_deref(),
            Ok("+12025550143")
        );
        assert_eq!(normalise_phone("+12345678").as_deref(), Ok("+12345678"));
        assert_eq!(
            normalise_phone("+123456789012345").as_deref(),
            Ok("+123456789012345")
        );
    }

    #[test]
    fn wrong_numbers_are_invalid_and_blank_is_required() {
        assert_eq!(normalise_phone(""), Err(Problem::Required));
        assert_eq!(normalise_phone("  - "), Err(Problem::Required));
        for raw in [
            "1380013800",       // 10 digits
            "138001380001",     // 12 digits
            "12800138000",      // 12x is not a mobile prefix
            "23800138000",      // not starting with 1
            "+86 1380013800",   // +86 with a digit missing
            "+86 10 6552 9988", // a landline under +86
            "+1234567",         // 7 digits
            "+1234567890123456",
            "+0123456789",
            "+",
            "0086",
            "138OO138000",
            "(138) 0013 8000",
            "١٣٨٠٠١٣٨٠٠٠",
        ] {
            assert_eq!(normalise_phone(raw), Err(Problem::Invalid), "{raw}");
        }
    }

    #[test]
    fn a_good_contact_is_trimmed_and_normalised() {
        let checked = check(
            &ContactDraft {
                name: "  王女士 ".into(),
                phone: "+86 138-0013-8000".into(),
                preferred_time: " weekday evenings ".into(),
            },
            "  The leg is cracked.\nSee photos.  ",
            6,
        );
        assert_eq!(
            checked,
            Ok(Checked {
                contact: Contact {
                    name: "王女士".into(),
                    phone: "13800138000".into(),
                    preferred_time: "weekday evenings".into(),
                },
                description: "The leg is cracked.\nSee photos.".into(),
            })
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = check(&draft("   ", "12345"), &"字".repeat(2001), 7).unwrap_err();
        let expect = |field, problem| Invalid { field, problem };
        assert_eq!(
            problems,
            vec![
                expect(Field::Name, Problem::Required),
                expect(Field::Phone, Problem::Invalid),
                expect(Field::Description, Problem::TooLong),
                expect(Field::Photos, Problem::TooMany),
            ]
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(check(
            &draft(&"王".repeat(50), "13800138000"),
            &"字".repeat(2000),
            0
        )
        .is_ok());
        assert_eq!(
            check(&draft(&"王".repeat(51), "13800138000"), "", 0),
            Err(vec![Invalid {
                field: Field::Name,
                problem: Problem::TooLong
            }])
        );
    }

    #[test]
    fn control_characters_are_invalid_except_line_breaks_in_the_description() {
        assert_eq!(
            check(&draft("A\u{0}B", "13800138000"), "ok\r\n\tfine", 0),
            Err(vec![Invalid {
                field: Field::Name,
                problem: Problem::Invalid
            }])
        );
        assert_eq!(
            check(&draft("A", "13800138000"), "bell\u{7}", 0),
            Err(vec![Invalid {
                field: Field::Description,
                problem: Problem::Invalid
            }])
        );
    }

    #[test]
    fn server_field_paths_map_to_form_fields() {
        assert_eq!(Field::from_api("contact.phone"), Some(Field::Phone));
        assert_eq!(Field::from_api("description"), Some(Field::Description));
        assert_eq!(Field::from_api("case.order.number"), None);
    }
}
