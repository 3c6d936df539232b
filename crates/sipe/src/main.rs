//! The `sipe` command: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    tune_malloc();
    sipe::cli::main()
}

/// glibc's allocator settings, each kept when the environment sets it:
/// - one arena: glibc otherwise keeps freed memory in an arena per thread that
///   allocated (up to eight per core: the runtime's workers, the blocking pool, SQLite's
///   connection threads);
/// - blocks of 64 KiB and more straight from the system and back to it when freed
///   (SQLite's compiled statements, a batch's rows): otherwise the threshold rises
///   after the first such block is freed and later ones stay in the heap.
///
/// A 100,000-SMS campaign took the server to 272 MiB with two arenas, 193 MiB with
/// these, at the same rate (`docs/benchmarks.md`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_SETTINGS: [(&str, &str); 2] = [
    ("MALLOC_ARENA_MAX", "1"),
    ("MALLOC_MMAP_THRESHOLD_", "65536"),
];

/// Set on the process `tune_malloc` started: it never starts another. (Not `SIPE_…`:
/// those are configuration keys, and an unknown one stops the command.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNED: &str = "MALLOC_TUNED_BY_SIPE";

/// glibc reads `MALLOC_SETTINGS` from the environment when the process starts, so
/// without them the command starts itself again with them (the same process: `exec`),
/// once: glibc drops them again for a binary with file capabilities or setuid (secure
/// mode), which must not make it start itself forever.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(TUNED).is_some() {
        return;
    }
    let missing: Vec<(&str, &str)> = MALLOC_SETTINGS
        .into_iter()
        .filter(|(k, _)| std::env::var_os(k).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // Started through the dynamic loader (`ld-linux… sipe serve`): the loader is no
    // `sipe` to start again.
    if exe
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("ld-"))
    {
        return;
    }
    // Returns only when the exec failed (the binary replaced on disk): run as is.
    let _ = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .envs(missing)
        .env(TUNED, "1")
        .exec();
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}
