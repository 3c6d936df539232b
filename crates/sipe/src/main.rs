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

/// glibc reads `MALLOC_SETTINGS` from the environment when the process starts, so
/// without them the command starts itself again with them (the same process: `exec`),
/// once.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    use std::os::unix::process::CommandExt;
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
    // Returns only when the exec failed (the binary replaced on disk): run as is.
    let _ = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .envs(missing)
        .exec();
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}
