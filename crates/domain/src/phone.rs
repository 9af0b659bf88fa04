//! Telephone numbers as shown to someone without `id.unmask`.

/// Masks the middle of a phone number, keeping the first three and the last
/// four characters: `138****5678`; a number shorter than seven characters is
/// masked whole. Every response and masked export shows phones this way.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let (keep_head, keep_tail) = (3, 4);
    let mut out: String = chars[..keep_head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - keep_head - keep_tail));
    out.extend(&chars[chars.len() - keep_tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn keeps_head_and_tail() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("023-70601234"), "023*****1234");
        assert_eq!(mask_phone("123456"), "******");
        assert_eq!(mask_phone(""), "");
    }
}
