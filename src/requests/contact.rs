//! What the customer tells us besides the case: how to reach them and, in their
//! own words, what happened. Checked before anything is stored, with the
//! contract's field rules (the server checks the same rules again); problems are
//! typed so the UI can say them in its language.

pub use aftersales_contract::fields::MAX_PHOTOS;
use aftersales_contract::fields::{self, Phone, PhoneProblem, TextProblem};
use aftersales_contract::Contact;

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
            fields::path::CONTACT_NAME => Some(Field::Name),
            fields::path::CONTACT_PHONE => Some(Field::Phone),
            fields::path::CONTACT_PREFERRED_TIME => Some(Field::PreferredTime),
            fields::path::DESCRIPTION => Some(Field::Description),
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

/// The checked contact and description of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub contact: Contact,
    pub description: String,
}

impl From<TextProblem> for Problem {
    fn from(problem: TextProblem) -> Problem {
        match problem {
            TextProblem::Required => Problem::Required,
            TextProblem::TooLong => Problem::TooLong,
            TextProblem::Invalid => Problem::Invalid,
        }
    }
}

/// Checks every field at once so the form can mark all problems together.
pub fn check(
    draft: &ContactDraft,
    description: &str,
    photos: usize,
) -> Result<Checked, Vec<Invalid>> {
    let mut problems = Vec::new();
    let mut note = |field, problem: Problem| problems.push(Invalid { field, problem });

    let name = fields::check_name(&draft.name);
    if let Err(problem) = name {
        note(Field::Name, problem.into());
    }
    let phone = normalise_phone(&draft.phone);
    if let Err(problem) = &phone {
        note(Field::Phone, *problem);
    }
    let preferred_time = draft.preferred_time.trim();
    if let Err(problem) = fields::PREFERRED_TIME.check(preferred_time) {
        note(Field::PreferredTime, problem.into());
    }
    let description = description.trim();
    if let Err(problem) = fields::DESCRIPTION.check(description) {
        note(Field::Description, problem.into());
    }
    if photos > MAX_PHOTOS {
        note(Field::Photos, Problem::TooMany);
    }

    match (name, phone) {
        (Ok(name), Ok(phone)) if problems.is_empty() => Ok(Checked {
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

/// The phone as the server stores it ([`Phone::parse`]: a mainland mobile as its
/// 11 digits, any other number as E.164 with its `+`).
pub fn normalise_phone(raw: &str) -> Result<String, Problem> {
    Phone::parse(raw)
        .map(Phone::into_string)
        .map_err(|problem| match problem {
            PhoneProblem::Required => Problem::Required,
            PhoneProblem::Invalid => Problem::Invalid,
        })
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
    fn bracketed_numbers_read_as_the_server_reads_them() {
        assert_eq!(
            normalise_phone("(138) 0013 8000").as_deref(),
            Ok("13800138000")
        );
    }

    /// The contract's phone rule (tested there in every spelling), as the form's
    /// problems.
    #[test]
    fn wrong_numbers_are_invalid_and_blank_is_required() {
        assert_eq!(normalise_phone(""), Err(Problem::Required));
        assert_eq!(normalise_phone("  - "), Err(Problem::Required));
        assert_eq!(normalise_phone("1380013800"), Err(Problem::Invalid));
        assert_eq!(normalise_phone("+86 10 6552 9988"), Err(Problem::Invalid));
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
            &draft(&"王".repeat(fields::NAME_MAX_CHARS), "13800138000"),
            &"字".repeat(2000),
            0
        )
        .is_ok());
        assert_eq!(
            check(
                &draft(&"王".repeat(fields::NAME_MAX_CHARS + 1), "13800138000"),
                "",
                0
            ),
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
