//! The electronic social security card (e-SSC): the rules of registering a holder and of what
//! the card shows.

use crate::FieldError;
use crate::values::PersonName;

/// Failed real-name checks after which the registration is locked until an officer looks at it.
pub const MAX_FAILED_CHECKS: i32 = 5;

/// The e-SSC's password rule: 8 to 16 characters of at least two classes.
pub fn check_password(field: &str, password: &str) -> Result<(), FieldError> {
    crate::password::password_rule(field, password, 8, 16)
}

/// Upper-case, with runs of spaces as one: how a passport's machine-readable zone compares.
fn normalised(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Whether `given` is the name `on_record` exactly as in the passport, letter case and spacing
/// aside.
pub fn same_name(given: &PersonName, on_record: &PersonName) -> bool {
    let part = |p: &Option<crate::values::NamePart>| {
        p.as_ref()
            .map(|g| normalised(g.as_str()))
            .unwrap_or_default()
    };
    normalised(given.surname.as_str()) == normalised(on_record.surname.as_str())
        && part(&given.given_names) == part(&on_record.given_names)
}

/// A number shown masked until the holder asks: the first two and last two characters, the rest
/// as `*`. Four characters or fewer are all masked.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 2 || i >= chars.len() - 2 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let code = |p: &str| check_password("password", p).err().map(|e| e.code);
        assert_eq!(code("abcdefg1"), None);
        assert_eq!(code("Abcdefgh"), None);
        assert_eq!(code("abcdefgh!"), None);
        assert_eq!(code("ABCDEFGH1234567x"), None, "16 is allowed");
        assert_eq!(code(""), Some("required"));
        assert_eq!(code("abc1234"), Some("password_length"));
        assert_eq!(code("abcdefgh12345678X"), Some("password_length"));
        assert_eq!(code("abcdefgh"), Some("password_classes"));
        assert_eq!(code("12345678"), Some("password_classes"));
        assert_eq!(code("密码密码密码密码"), Some("password_classes"));
    }

    #[test]
    fn names_compare_as_in_the_passport() {
        let n = |s: &str, g: &str| PersonName::parse("", s, g).unwrap();
        assert!(same_name(&n("müller", "anna"), &n("MÜLLER", "Anna")));
        assert!(same_name(&n("DE  LA CRUZ", "Ana"), &n("DE LA CRUZ", "ANA")));
        assert!(!same_name(&n("MULLER", "Anna"), &n("MÜLLER", "Anna")));
        assert!(!same_name(&n("MÜLLER", ""), &n("MÜLLER", "Anna")));
        assert!(!same_name(&n("MÜLLER", "Anna Maria"), &n("MÜLLER", "Anna")));
    }

    #[test]
    fn masks() {
        assert_eq!(mask("C01X00T47"), "C0*****47");
        assert_eq!(mask("E1234"), "E1*34");
        assert_eq!(mask("1234"), "****");
        assert_eq!(mask(""), "");
    }
}
