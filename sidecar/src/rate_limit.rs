//! Attempt limits per client IP (GCRA via `governor`, in memory), checked before hashing, and
//! the cap on one IP's hash jobs at once. Login *failure* limits are in `login_limits.rs`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::{Limits, RefreshLimits};

/// How long the client should wait before its next attempt would be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds for the `Retry-After` header, never 0 (that would invite a busy loop).
    pub fn seconds(self) -> u64 {
        (self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)).max(1)
    }
}

/// What a client whose hash jobs are all in use is told to wait: about three hashes' time.
const HASH_SLOT_RETRY: RetryAfter = RetryAfter(Duration::from_secs(1));

pub struct Limiters {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Refreshes per session (token family; negative keys: per user, for tokens without one).
    refresh_per_session: DefaultKeyedRateLimiter<i64>,
    refresh_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// One refusal per client per minute is worth recording; the rest of a flood is not.
    refusals_recorded: DefaultKeyedRateLimiter<IpAddr>,
    hash_jobs: HashJobs,
}

impl Limiters {
    /// `hash_jobs_per_ip`: how many password hashes one client may have running or queued.
    pub fn new(limits: Limits, refresh: RefreshLimits, hash_jobs_per_ip: usize) -> Limiters {
        Limiters {
            per_ip: RateLimiter::keyed(quota(limits.per_ip_per_minute, limits.per_ip_burst)),
            refresh_per_session: RateLimiter::keyed(quota(
                refresh.per_session_per_minute,
                refresh.per_session_burst,
            )),
            refresh_per_ip: RateLimiter::keyed(quota(
                refresh.per_ip_per_minute,
                refresh.per_ip_burst,
            )),
            refusals_recorded: RateLimiter::keyed(quota(1, 1)),
            hash_jobs: HashJobs {
                per_ip: hash_jobs_per_ip,
                in_flight: Mutex::new(HashMap::new()),
            },
        }
    }

    /// Reserves one of `ip`'s hash jobs until the returned slot is dropped. The rate limit
    /// alone lets a burst arrive at once; this keeps that burst from filling the whole pool.
    pub fn hash_slot(&self, ip: IpAddr) -> Result<HashSlot<'_>, RetryAfter> {
        let key = ip_key(ip);
        let mut in_flight = self.hash_jobs.lock();
        let count = in_flight.entry(key).or_insert(0);
        if *count >= self.hash_jobs.per_ip {
            return Err(HASH_SLOT_RETRY);
        }
        *count += 1;
        Ok(HashSlot {
            jobs: &self.hash_jobs,
            key,
        })
    }

    /// Counts one attempt from `ip`. IPv6 clients are limited per /64, the block one host gets.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), RetryAfter> {
        check(&self.per_ip, &ip_key(ip))
    }

    /// Counts one refresh of `session` from `ip`; the session is charged only if the address
    /// had room, so one session's flood cannot spend another session's share.
    pub fn check_refresh(&self, session: i64, ip: IpAddr) -> Result<(), RetryAfter> {
        check(&self.refresh_per_ip, &ip_key(ip))?;
        check(&self.refresh_per_session, &session)
    }

    /// Whether a refused attempt from `ip` should be logged and audited: the first in a
    /// minute is, so a flood of 429s costs one row a minute instead of one each.
    pub fn record_refusal(&self, ip: IpAddr) -> bool {
        self.refusals_recorded.check_key(&ip_key(ip)).is_ok()
    }

    /// Forgets clients whose limits have fully recovered, so the maps stay small.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_ip.shrink_to_fit();
        self.refresh_per_session.retain_recent();
        self.refresh_per_session.shrink_to_fit();
        self.refresh_per_ip.retain_recent();
        self.refresh_per_ip.shrink_to_fit();
        self.refusals_recorded.retain_recent();
        self.refusals_recorded.shrink_to_fit();
    }
}

/// Hash jobs in flight per client; an entry lives only while its count is above zero.
struct HashJobs {
    per_ip: usize,
    in_flight: Mutex<HashMap<IpAddr, usize>>,
}

impl HashJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One client's claim on a hash job; released when dropped, however the request ends.
pub struct HashSlot<'a> {
    jobs: &'a HashJobs,
    key: IpAddr,
}

impl Drop for HashSlot<'_> {
    fn drop(&mut self) {
        let mut in_flight = self.jobs.lock();
        if let Some(count) = in_flight.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&self.key);
            }
        }
    }
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), RetryAfter> {
    limiter
        .check_key(key)
        .map_err(|not_until| RetryAfter(not_until.wait_time_from(limiter.clock().now())))
}

/// The key one client is limited by: its IPv4 address, or its IPv6 /64 (what one host gets).
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(RetryAfter(Duration::from_millis(1500)).seconds(), 2);
        assert_eq!(RetryAfter(Duration::from_secs(3)).seconds(), 3);
        assert_eq!(RetryAfter(Duration::ZERO).seconds(), 1);
    }

    #[test]
    fn one_client_holds_at_most_its_share_of_hash_jobs_until_they_end() {
        let limiters = Limiters::new(Limits::default(), RefreshLimits::default(), 2);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let first = limiters.hash_slot(a).unwrap();
        let _second = limiters.hash_slot(a).unwrap();
        assert_eq!(limiters.hash_slot(a).err(), Some(HASH_SLOT_RETRY));
        assert!(
            limiters.hash_slot(b).is_ok(),
            "another client is not affected"
        );
        drop(first);
        assert!(
            limiters.hash_slot(a).is_ok(),
            "a finished job frees its slot"
        );
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(ip_key(a), ip_key(b));
    }
}
