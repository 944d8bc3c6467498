//! Base45 (RFC 9285): two bytes in three characters of the QR alphanumeric set, so a QR code
//! can carry binary data in its denser alphanumeric mode.

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base45Error {
    /// A character outside the 45 of the alphabet (lower case included).
    InvalidCharacter,
    /// One character left over: a group is two or three characters.
    TrailingCharacter,
    /// A group whose value exceeds what its bytes can hold (65535 for three, 255 for two).
    ValueTooLarge,
}

impl Base45Error {
    pub fn code(&self) -> &'static str {
        match self {
            Base45Error::InvalidCharacter => "base45_invalid_character",
            Base45Error::TrailingCharacter => "base45_trailing_character",
            Base45Error::ValueTooLarge => "base45_value_too_large",
        }
    }
}

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut push = |n: usize| out.push(ALPHABET[n] as char);
    for pair in bytes.chunks(2) {
        match *pair {
            [a, b] => {
                let n = usize::from(a) * 256 + usize::from(b);
                push(n % 45);
                push(n / 45 % 45);
                push(n / 2025);
            }
            [a] => {
                let n = usize::from(a);
                push(n % 45);
                push(n / 45);
            }
            _ => unreachable!("chunks of two"),
        }
    }
    out
}

fn value(c: u8) -> Result<u32, Base45Error> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
        .ok_or(Base45Error::InvalidCharacter)
}

pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for group in bytes.chunks(3) {
        match *group {
            [c, d, e] => {
                let n = value(c)? + value(d)? * 45 + value(e)? * 2025;
                let n = u16::try_from(n).map_err(|_| Base45Error::ValueTooLarge)?;
                out.extend_from_slice(&n.to_be_bytes());
            }
            [c, d] => {
                let n = value(c)? + value(d)? * 45;
                out.push(u8::try_from(n).map_err(|_| Base45Error::ValueTooLarge)?);
            }
            [c] => {
                value(c)?;
                return Err(Base45Error::TrailingCharacter);
            }
            _ => unreachable!("chunks of three"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("BB8").unwrap(), b"AB");
        assert_eq!(decode("%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(decode("UJCLQE7W581").unwrap(), b"base-45");
    }

    #[test]
    fn empty_and_edges() {
        assert_eq!(encode(b""), "");
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(encode(&[0, 0]), "000");
        assert_eq!(encode(&[0xff, 0xff]), "FGW");
        assert_eq!(decode("FGW").unwrap(), [0xff, 0xff]);
        assert_eq!(encode(&[0xff]), "U5");
        assert_eq!(decode("U5").unwrap(), [0xff]);
    }

    #[test]
    fn refuses_invalid_input() {
        // The RFC's own example of an invalid triplet: 65536.
        assert_eq!(decode("GGW"), Err(Base45Error::ValueTooLarge));
        assert_eq!(decode("ZZZ"), Err(Base45Error::ValueTooLarge));
        // Two characters over 255.
        assert_eq!(decode("V5"), Err(Base45Error::ValueTooLarge));
        assert_eq!(decode("::"), Err(Base45Error::ValueTooLarge));
        assert_eq!(decode("BB8A"), Err(Base45Error::TrailingCharacter));
        assert_eq!(decode("A"), Err(Base45Error::TrailingCharacter));
        assert_eq!(decode("bb8"), Err(Base45Error::InvalidCharacter));
        assert_eq!(decode("BB#"), Err(Base45Error::InvalidCharacter));
        assert_eq!(decode("BB\n"), Err(Base45Error::InvalidCharacter));
        assert_eq!(decode("BB8é"), Err(Base45Error::InvalidCharacter));
        assert_eq!(decode("BB8="), Err(Base45Error::InvalidCharacter));
    }

    #[test]
    fn every_pair_round_trips() {
        for n in 0..=u16::MAX {
            let b = n.to_be_bytes();
            assert_eq!(decode(&encode(&b)).unwrap(), b);
        }
        for n in 0..=u8::MAX {
            assert_eq!(decode(&encode(&[n])).unwrap(), [n]);
        }
    }

    #[test]
    fn every_triplet_value_is_decoded_or_refused() {
        let mut accepted = 0u32;
        for &c in ALPHABET {
            for &d in ALPHABET {
                for &e in ALPHABET {
                    let s = String::from_utf8(vec![c, d, e]).unwrap();
                    if decode(&s).is_ok() {
                        accepted += 1;
                    }
                }
            }
        }
        assert_eq!(accepted, 65536);
    }

    proptest! {
        #[test]
        fn round_trips_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let text = encode(&bytes);
            prop_assert_eq!(text.len(), bytes.len() / 2 * 3 + bytes.len() % 2 * 2);
            prop_assert_eq!(decode(&text).unwrap(), bytes);
        }

        #[test]
        fn any_text_decodes_or_errs(text in ".{0,64}") {
            let _ = decode(&text);
        }
    }
}
