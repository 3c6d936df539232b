//! `sipe import persons` and `sipe import national-benefits`: run an import, show its
//! progress, say how it ended, and exit 0 (all accepted), 2 (rows rejected) or 1.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::startup;
use sipe_platform::audit::AuditCtx;
use sipe_platform::config::Config;

pub(super) async fn national(
    config: Config,
    file: PathBuf,
    report: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let db = startup::open_database(&config).await?;
    let report = report.unwrap_or_else(|| sipe_programmes::national::import::default_report(&file));
    let started = std::time::Instant::now();
    let summary = sipe_programmes::national::import::import_file(
        &db,
        &AuditCtx::cli(),
        &file,
        &report,
        |_, _| {},
    )
    .await?;
    if summary.already_done {
        println!(
            "{} was imported before: nothing to do ({} accepted then)",
            file.display(),
            summary.accepted
        );
        return Ok(ExitCode::SUCCESS);
    }
    let registered =
        sipe_programmes::national::store::registered_in_run(&db, summary.run_id).await?;
    println!(
        "{} accepted ({} of them registered here), {} rejected{} in {:.1} s",
        summary.accepted,
        registered,
        summary.rejected,
        if summary.resumed_at > 0 {
            format!(", resumed at row {}", summary.resumed_at + 2)
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    );
    if summary.rejected > 0 {
        println!(
            "rejected rows, with the reason for each: {}",
            report.display()
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn persons(
    config: Config,
    file: PathBuf,
    report: Option<PathBuf>,
    update: bool,
) -> anyhow::Result<ExitCode> {
    let db = startup::open_database(&config).await?;
    let report = report.unwrap_or_else(|| sipe_persons::import::default_report(&file));
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} rows · {per_sec} · {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let summary = sipe_persons::import::import_file(
        &db,
        &AuditCtx::cli(),
        config.tz(),
        &file,
        &report,
        update,
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )
    .await?;
    bar.finish_and_clear();
    if summary.already_done {
        println!(
            "{} was imported before: nothing to do ({} accepted then)",
            file.display(),
            summary.accepted
        );
        return Ok(ExitCode::SUCCESS);
    }
    let stored = started.elapsed();
    // Index now when no server holds the index; a running server indexes them itself.
    match sipe_persons::module::open_index(&config, &startup::modules(), true) {
        Ok(index) => {
            let index = std::sync::Arc::new(index);
            sipe_persons::search::indexer::sync(&db, &index, true).await?;
            tracing::info!(
                stored_s = stored.as_secs_f64(),
                indexed_s = (started.elapsed() - stored).as_secs_f64(),
                "import phases"
            );
        }
        Err(_) => println!("the running server will add the new people to its search index"),
    }
    println!(
        "{} accepted, {} rejected, {} already registered (skipped){} in {:.1} s",
        summary.accepted,
        summary.rejected,
        summary.duplicates,
        if summary.resumed_at > 0 {
            format!(", resumed at row {}", summary.resumed_at + 2)
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    );
    if summary.rejected + summary.duplicates > 0 {
        println!(
            "rejected rows, with the reason for each: {}",
            report.display()
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}
