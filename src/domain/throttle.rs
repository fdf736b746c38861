//! The sign-in throttle's rules, apart from where the counts are kept (`crate::db::throttle`).
//!
//! Attempts are counted per (account, address) and per address, never per account alone: a
//! guesser slows only themselves, and the real user signing in from their own address is not
//! locked out by someone else's failures. A key over its limit is blocked, each block twice as
//! long as the one before, up to a day.

use std::time::Duration;

/// Attempts are counted within windows of this length.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Attempts one address may make on one account within a window.
pub const MAX_PER_ACCOUNT_ADDRESS: i32 = 5;
/// Attempts one address may make on all accounts within a window.
pub const MAX_PER_ADDRESS: i32 = 20;
/// The first block; each further one is twice as long.
pub const FIRST_BLOCK: Duration = Duration::from_secs(15 * 60);
/// The longest block.
pub const LONGEST_BLOCK: Duration = Duration::from_secs(24 * 3600);

/// The throttle keys of an attempt on `account` from `address`, each with its limit, in the
/// order the database locks them (the address key sorts last, so two attempts never lock the
/// same two rows in opposite orders).
pub fn keys(account: &str, address: &str) -> [(String, i32); 2] {
    [
        (format!("acct:{address}|{account}"), MAX_PER_ACCOUNT_ADDRESS),
        (format!("addr:{address}"), MAX_PER_ADDRESS),
    ]
}

/// How long the block after `strikes` earlier blocks lasts.
pub fn block_for(strikes: i32) -> Duration {
    let doublings = u32::try_from(strikes.clamp(0, 16)).unwrap_or(0);
    FIRST_BLOCK
        .saturating_mul(1 << doublings)
        .min(LONGEST_BLOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_double_up_to_a_day() {
        assert_eq!(block_for(0), Duration::from_secs(900));
        assert_eq!(block_for(1), Duration::from_secs(1800));
        assert_eq!(block_for(3), Duration::from_secs(7200));
        assert_eq!(block_for(7), LONGEST_BLOCK);
        assert_eq!(block_for(1000), LONGEST_BLOCK);
        assert_eq!(block_for(-1), FIRST_BLOCK);
    }

    #[test]
    fn keys_are_per_account_and_address_and_per_address() {
        let [(pair, a), (addr, b)] = keys("an@bo.gov.vn", "10.0.0.1");
        assert_eq!(pair, "acct:10.0.0.1|an@bo.gov.vn");
        assert_eq!(addr, "addr:10.0.0.1");
        assert!(pair < addr, "locked in a fixed order");
        assert!(a < b);
    }
}
