//! Passwords (argon2id) and bearer secrets (session and API tokens: 256 random bits, stored
//! only as their SHA-256).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::FieldError;
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash to check against when the account does not exist, so that the answer takes as long
/// as for a wrong password and does not tell which usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone"))
}

/// The password rule: 8 to 64 characters with at least two of lower case, upper case, digits
/// and other characters.
pub fn check_password(field: &str, password: &str) -> Result<(), FieldError> {
    domain::password::password_rule(field, password, 8, 64)
}

/// A new random token, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("operating system randomness");
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("Secret-123");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Secret-123", &h));
        assert!(!verify_password("secret-123", &h));
    }

    #[test]
    fn password_rule() {
        assert!(check_password("p", "abcdefg1").is_ok());
        assert_eq!(
            check_password("p", "abcdefgh").unwrap_err().code,
            "password_classes"
        );
        assert_eq!(
            check_password("p", "Ab1").unwrap_err().code,
            "password_length"
        );
        assert_eq!(check_password("p", "").unwrap_err().code, "required");
    }

    #[test]
    fn tokens_are_distinct_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 32);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
    }
}
