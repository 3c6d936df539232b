//! The call pop-ups: when a call is answered, the user who answered hears of it on the
//! phone page they hold open (server-sent events).
//!
//! The answer is stored first; then this node's streams of that user are told the
//! call's id. A stream also reads the database every `POLL` for calls answered by its
//! user since the last one it showed, which brings answers heard by another node.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;
use uuid::Uuid;

/// How often a stream reads the database for answers heard elsewhere.
pub const POLL: Duration = Duration::from_secs(5);
/// Open streams per user (tabs) and in all on one node.
const STREAMS_PER_USER: usize = 5;
const STREAMS_MAX: usize = 2_000;

/// This node's open pop-up streams, per user.
#[derive(Default)]
pub struct PhoneHub {
    users: Mutex<HashMap<Uuid, (broadcast::Sender<Uuid>, usize)>>,
    open: AtomicUsize,
}

impl PhoneHub {
    /// Tells the user's streams on this node that they answered `call`.
    pub fn publish(&self, user_id: Uuid, call: Uuid) {
        let users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((sender, _)) = users.get(&user_id) {
            let _ = sender.send(call);
        }
    }

    /// A place for one more stream of the user, if the bounds allow.
    pub fn enter(self: &Arc<Self>, user_id: Uuid) -> Option<Listener> {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if self.open.load(Ordering::Relaxed) >= STREAMS_MAX {
            return None;
        }
        let (sender, streams) = users
            .entry(user_id)
            .or_insert_with(|| (broadcast::channel(16).0, 0));
        if *streams >= STREAMS_PER_USER {
            return None;
        }
        *streams += 1;
        self.open.fetch_add(1, Ordering::Relaxed);
        Some(Listener {
            hub: Arc::clone(self),
            user_id,
            receiver: sender.subscribe(),
        })
    }

    /// Ends every stream (at shutdown).
    pub fn close(&self) {
        self.users.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// One open stream's place and channel; given back when the stream ends.
pub struct Listener {
    hub: Arc<PhoneHub>,
    user_id: Uuid,
    /// Ids of the calls the user answered.
    pub receiver: broadcast::Receiver<Uuid>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.hub.open.fetch_sub(1, Ordering::Relaxed);
        let mut users = self.hub.users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, streams)) = users.get_mut(&self.user_id) {
            *streams = streams.saturating_sub(1);
            if *streams == 0 {
                users.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_user_hears_their_answers_only_and_places_come_back() {
        let hub = Arc::new(PhoneHub::default());
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        let mut mine = hub.enter(me).unwrap();
        let mut theirs = hub.enter(other).unwrap();
        let call = Uuid::now_v7();
        hub.publish(me, call);
        assert_eq!(mine.receiver.recv().await.unwrap(), call);
        assert!(theirs.receiver.try_recv().is_err());
        let more: Vec<_> = (0..4).map(|_| hub.enter(me).unwrap()).collect();
        assert!(
            hub.enter(me).is_none(),
            "a sixth tab of one user is refused"
        );
        drop(more);
        assert!(hub.enter(me).is_some(), "places come back when tabs close");
    }
}
