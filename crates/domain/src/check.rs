//! Check characters: ISO 7064 MOD 11-2 (as on Chinese resident ID numbers) for our own numbers,
//! and the GB 32100-2015 check of the unified social credit code.

/// ISO 7064 MOD 11-2 check character over a string of decimal digits: `0`–`9` or `X`.
/// Returns `None` if `digits` holds anything but ASCII digits.
pub fn mod11_2(digits: &str) -> Option<char> {
    let mut p: u32 = 0;
    for c in digits.chars() {
        let d = c.to_digit(10)?;
        p = ((p + d) * 2) % 11;
    }
    let check = (12 - p % 11) % 11;
    Some(if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).expect("below 10")
    })
}

/// Characters of a unified social credit code, in the order of their values (GB 32100-2015):
/// digits and the capital letters without I, O, Z, S and V.
pub const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc_value(c: char) -> Option<u32> {
    USCC_CHARSET.find(c).map(|i| i as u32)
}

/// The 18th character of a unified social credit code, from its first 17.
pub fn uscc_check(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += uscc_value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    USCC_CHARSET.chars().nth(v as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mod11_2_matches_published_id_numbers() {
        // The example number of GB 11643-1999.
        assert_eq!(mod11_2("11010519491231002"), Some('X'));
        assert_eq!(mod11_2("44052418800101001"), Some('4'));
        assert_eq!(mod11_2("1101051949123100a"), None);
    }

    #[test]
    fn uscc_check_matches_real_codes() {
        // Published codes of real companies.
        assert_eq!(uscc_check("91110000802100433"), Some('B'));
        assert_eq!(uscc_check("91440300708461136"), Some('T'));
        assert_eq!(uscc_check("9111000080210043"), None);
        assert_eq!(uscc_check("9111000080210043I"), None);
    }

    #[test]
    fn mod11_2_catches_every_single_digit_error() {
        let base = "11010519491231002";
        let good = mod11_2(base).unwrap();
        for i in 0..base.len() {
            for d in b'0'..=b'9' {
                let mut s = base.as_bytes().to_vec();
                if s[i] == d {
                    continue;
                }
                s[i] = d;
                let s = String::from_utf8(s).unwrap();
                assert_ne!(mod11_2(&s), Some(good), "{s}");
            }
        }
    }
}
