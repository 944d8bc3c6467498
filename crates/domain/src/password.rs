//! The rule passwords follow.

use crate::FieldError;

/// A password of `min` to `max` characters mixing at least two classes (lower-case, upper-case,
/// digits, others): the e-SSC's rule (8 to 16) and the staff accounts' (8 to 64).
pub fn password_rule(
    field: &str,
    password: &str,
    min: usize,
    max: usize,
) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "required"));
    }
    if !(min..=max).contains(&n) {
        return Err(FieldError::new(field, "password_length")
            .with("min", min)
            .with("max", max));
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < 2 {
        return Err(FieldError::new(field, "password_classes"));
    }
    Ok(())
}
