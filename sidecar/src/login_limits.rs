//! Login failure limits: guessing is stopped without handing strangers a lockout.
//!
//! Only failed logins count, and before any hashing an attempt is checked against:
//! - its (account, address) counter: tight, so one address cannot guess much;
//! - the account's ceiling across all addresses: looser, against guessing from many addresses,
//!   and skipped for a browser holding a valid device cookie for that account (OWASP's "device
//!   cookies"), which has an (account, device) counter instead. A stranger exhausting the
//!   ceiling so locks out only browsers the owner never signed in from.
//!
//! Each counter is a GCRA cell (one "theoretical arrival time" per key), kept in the database
//! so that several sidecars sharing one database share the limits.

use std::net::IpAddr;

use sha2::Digest;

use crate::config::Limits;
use crate::email::Email;
use crate::rate_limit::ip_key;

/// One failure counter: a key (a hash, so the table holds no email or address) and its quota.
#[derive(Debug, Clone)]
pub struct Counter {
    pub key: Vec<u8>,
    /// Milliseconds for one failure to be forgiven.
    interval_ms: i64,
    /// Failures allowed at once before the counter refuses.
    burst: i64,
}

impl Counter {
    fn new(scope: &str, subject: &str, burst: u32, per_hour: u32) -> Counter {
        let key = sha2::Sha256::digest(format!("{scope}\0{subject}").as_bytes()).to_vec();
        Counter {
            key,
            interval_ms: 3_600_000 / i64::from(per_hour.max(1)),
            burst: i64::from(burst.max(1)),
        }
    }

    /// Milliseconds until one more failure would be allowed, given the stored arrival time.
    pub fn wait_ms(&self, stored_tat: Option<i64>, now_ms: i64) -> Option<u64> {
        let wait = stored_tat? - (self.burst - 1) * self.interval_ms - now_ms;
        u64::try_from(wait).ok().filter(|wait| *wait > 0)
    }

    /// How much one failure moves the arrival time on (from `max(stored, now)`).
    pub fn interval_ms(&self) -> i64 {
        self.interval_ms
    }
}

/// The counters a login attempt on `email` from `ip` is checked against and charged to;
/// `device` is the id in a valid device cookie naming this account, if the browser sent one.
pub fn counters(limits: &Limits, email: &Email, ip: IpAddr, device: Option<&str>) -> Vec<Counter> {
    let account = email.as_str();
    match device {
        Some(device) => vec![Counter::new(
            "account+device",
            &format!("{account}\0{device}"),
            limits.account_ip_failures_burst,
            limits.account_ip_failures_per_hour,
        )],
        None => vec![
            Counter::new(
                "account+address",
                &format!("{account}\0{}", ip_key(ip)),
                limits.account_ip_failures_burst,
                limits.account_ip_failures_per_hour,
            ),
            Counter::new(
                "account",
                account,
                limits.account_failures_burst,
                limits.account_failures_per_hour,
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_refuses_after_its_burst_and_forgives_one_failure_per_interval() {
        let counter = Counter::new("t", "x", 3, 60);
        let mut tat = None;
        let now = 1_000_000;
        for _ in 0..3 {
            assert_eq!(counter.wait_ms(tat, now), None);
            tat = Some(tat.unwrap_or(now).max(now) + counter.interval_ms());
        }
        assert_eq!(
            counter.wait_ms(tat, now),
            Some(60_000),
            "a minute until the next"
        );
        assert_eq!(counter.wait_ms(tat, now + 60_000), None);
    }

    #[test]
    fn a_device_cookie_replaces_the_address_and_account_counters() {
        let email = Email::parse("ada@example.com").unwrap();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let limits = Limits::default();
        assert_eq!(counters(&limits, &email, ip, None).len(), 2);
        let with_device = counters(&limits, &email, ip, Some("d1"));
        assert_eq!(with_device.len(), 1);
        assert_ne!(
            with_device[0].key,
            counters(&limits, &email, ip, None)[1].key
        );
    }
}
