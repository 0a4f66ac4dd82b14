//! Per-client request rate: a token bucket per user (or per address for requests without a
//! token) holding up to one second's worth of requests (`--rate` per second, at least one),
//! refilled continuously. A request finding its bucket empty gets 429 with `Retry-After`.

use super::errors::ApiError;
use axum::http::StatusCode;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The buckets.
#[derive(Debug)]
pub struct Limiter {
    /// Requests per second each client may make; 0 turns the limit off.
    rate: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    /// A limiter allowing `rate` requests per second per client (0: no limit).
    pub fn new(rate: u32) -> Limiter {
        Limiter {
            rate: f64::from(rate),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket, or refuses with 429.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let capacity = self.rate.max(1.0);
        let mut buckets = self
            .buckets
            .lock()
            .map_err(|_| ApiError::internal("rate limiter lock"))?;
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!(
                    "more than {} requests per second from this client; retry shortly",
                    self.rate
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_a_seconds_worth_then_refuses_and_keys_are_separate() {
        let l = Limiter::new(3);
        for _ in 0..3 {
            l.check("a").expect("within the burst");
        }
        assert_eq!(
            l.check("a").unwrap_err().status,
            StatusCode::TOO_MANY_REQUESTS
        );
        l.check("b").expect("another client has its own bucket");
        let off = Limiter::new(0);
        for _ in 0..1000 {
            off.check("a").expect("no limit");
        }
    }
}
