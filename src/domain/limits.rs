//! How long each kind of field may be. Checked before any other work (hashing, folding,
//! a query), so an attacker's megabyte costs nothing but the read.

/// An e-mail address (RFC 5321's path limit).
pub const EMAIL: usize = 254;
/// A password: long passphrases welcome, megabytes to hash are not.
pub const PASSWORD: usize = 1024;
/// A person's name.
pub const NAME: usize = 200;
/// A note on a task.
pub const NOTE: usize = 10_000;
/// The basis of an extension ("Công văn số …").
pub const BASIS: usize = 2_000;
/// A link to evidence.
pub const URL: usize = 2_000;
/// A label (of an API token).
pub const LABEL: usize = 100;
/// Any other short field of a form (a kind, a state, a date, a number, a unit reference).
pub const SHORT: usize = 300;
/// Any query parameter: filters, dates, search words.
pub const QUERY_VALUE: usize = 500;

/// Whether `value` is longer than `max` characters (its bytes are looked at first, so a huge
/// value is refused without walking it).
pub fn too_long(value: &str, max: usize) -> bool {
    value.len() > max && (value.len() > max.saturating_mul(4) || value.chars().count() > max)
}

/// The first `max` characters of `value`.
pub fn truncate(value: &str, max: usize) -> &str {
    value
        .char_indices()
        .nth(max)
        .map_or(value, |(i, _)| &value[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(!too_long("Nguyễn Văn A", 12));
        assert!(too_long("Nguyễn Văn An", 12));
        assert!(
            !too_long(&"ễ".repeat(100), 100),
            "300 bytes, 100 characters"
        );
        assert!(too_long(&"a".repeat(100_000), 100));
        assert_eq!(truncate("Nguyễn Văn An", 6), "Nguyễn");
        assert_eq!(truncate("ab", 6), "ab");
    }
}
