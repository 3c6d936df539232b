//! A per-application copy of a vocabulary the type-aheads read on every key press: kept
//! a minute (other nodes see an admin's change within it), forgotten at once on this node
//! after a change.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::cache::TtlCache;
use crate::db::StoreError;

/// This application's copy of a vocabulary `T`.
pub struct VocabularyCopy<T>(TtlCache<(), Arc<T>>);

impl<T: Send + Sync + 'static> Default for VocabularyCopy<T> {
    fn default() -> Self {
        Self(TtlCache::new(Duration::from_secs(60), 1))
    }
}

impl<T: Send + Sync + 'static> VocabularyCopy<T> {
    /// A copy that keeps nothing (an application without the taxonomy module).
    pub fn uncached() -> Self {
        Self(TtlCache::new(Duration::ZERO, 0))
    }

    /// The vocabulary, from this copy or `load`.
    pub async fn get_or_load<F>(&self, load: F) -> Result<Arc<T>, StoreError>
    where
        F: Future<Output = Result<Arc<T>, StoreError>>,
    {
        if let Some(v) = self.0.get(&()) {
            return Ok(v);
        }
        let v = load.await?;
        self.0.insert((), v.clone());
        Ok(v)
    }

    /// Forgets the copy (after an admin changed the vocabulary on this node).
    pub fn forget(&self) {
        self.0.remove(&());
    }
}
