//! A small in-process cache with a time to live, for values that may be a few seconds
//! stale (resolved sessions, dashboard counts). Each node has its own; nothing here is
//! a source of truth.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Entries expire `ttl` after insertion; at `capacity` the expired ones are dropped, and
/// if that is not enough, everything (a cache miss is only slower, never wrong).
pub struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The live value for `key`, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        // Readers share the lock: the hot path (a hit) never waits for another reader.
        let entries = self.entries.read().ok()?;
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    /// Stores a value.
    pub fn insert(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity {
                let ttl = self.ttl;
                entries.retain(|_, (at, _)| at.elapsed() < ttl);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key, (Instant::now(), value));
        }
    }

    /// Drops one key.
    pub fn remove(&self, key: &K) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(key);
        }
    }

    /// Drops every entry whose value matches.
    pub fn remove_where(&self, pred: impl Fn(&V) -> bool) {
        if let Ok(mut entries) = self.entries.write() {
            entries.retain(|_, (_, v)| !pred(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire_and_can_be_removed() {
        let c = TtlCache::new(Duration::from_millis(30), 10);
        c.insert("a", 1);
        c.insert("b", 2);
        assert_eq!(c.get(&"a"), Some(1));
        c.remove(&"a");
        assert_eq!(c.get(&"a"), None);
        c.remove_where(|v| *v == 2);
        assert_eq!(c.get(&"b"), None);
        c.insert("c", 3);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(c.get(&"c"), None);
    }

    #[test]
    fn a_full_cache_makes_room() {
        let c = TtlCache::new(Duration::from_secs(60), 2);
        c.insert(1, 1);
        c.insert(2, 2);
        c.insert(3, 3);
        assert_eq!(c.get(&3), Some(3));
    }
}
