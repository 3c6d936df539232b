use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::ConnectionTrait;
use sipe::jobs::{Registry, Worker};

use crate::helpers::TestApp;

#[tokio::test]
async fn a_job_runs_once_and_is_marked_done() {
    let app = TestApp::spawn().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let registry = Registry::new().register("test.count", move |_db, payload| {
        let counter = counter.clone();
        async move {
            assert_eq!(payload["n"], 7);
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    sipe::jobs::store::enqueue(
        &app.db,
        "test.count",
        &serde_json::json!({"n": 7}),
        Some("k1".into()),
    )
    .await
    .unwrap();
    // The same idempotency key is enqueued only once.
    sipe::jobs::store::enqueue(
        &app.db,
        "test.count",
        &serde_json::json!({"n": 7}),
        Some("k1".into()),
    )
    .await
    .unwrap();
    let worker = Worker::new(app.db.clone(), registry, Duration::from_millis(10));
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(worker.run_due().await.unwrap(), 0);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(
        sipe::jobs::store::count_by_status(&app.db, "done")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_failing_job_retries_with_backoff_then_fails() {
    let app = TestApp::spawn().await;
    let registry = Registry::new().register("test.fail", |_db, _| async {
        anyhow::bail!("gateway down")
    });
    sipe::jobs::store::enqueue(&app.db, "test.fail", &serde_json::json!({}), None)
        .await
        .unwrap();
    let worker = Worker::new(app.db.clone(), registry, Duration::from_millis(10));
    for attempt in 1..=5 {
        assert_eq!(worker.run_due().await.unwrap(), 1, "attempt {attempt}");
        // Not due again until the backoff passes: make it due now.
        assert_eq!(worker.run_due().await.unwrap(), 0);
        app.db
            .execute_unprepared("UPDATE jobs SET run_at = created_at")
            .await
            .unwrap();
    }
    let (jobs, _) = sipe::jobs::store::list(&app.db, Some("failed"), 0, 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].attempts, 5);
    assert!(
        jobs[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("gateway down")
    );
    assert!(sipe::jobs::store::retry(&app.db, jobs[0].id).await.unwrap());
    assert_eq!(
        sipe::jobs::store::count_by_status(&app.db, "pending")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn backoff_grows_and_is_capped() {
    assert!(sipe::jobs::store::backoff(1) < sipe::jobs::store::backoff(2));
    assert_eq!(sipe::jobs::store::backoff(100), chrono::Duration::hours(1));
}

#[tokio::test]
async fn the_session_purge_job_deletes_expired_sessions() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    app.login(&app.client(), "ana").await;
    app.db
        .execute_unprepared("UPDATE sessions SET created_at = '2000-01-01T00:00:00Z', last_seen_at = '2000-01-01T00:00:00Z'")
        .await
        .unwrap();
    sipe::jobs::store::enqueue(&app.db, "sessions.purge", &serde_json::json!({}), None)
        .await
        .unwrap();
    let worker = Worker::new(
        app.db.clone(),
        sipe::startup::job_registry(&app.config),
        Duration::from_millis(10),
    );
    worker.run_due().await.unwrap();
    assert_eq!(
        sipe::jobs::store::count_by_status(&app.db, "done")
            .await
            .unwrap(),
        1
    );
    let left = <sipe::access::entity::session::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(left.is_empty());
}
