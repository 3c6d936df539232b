//! The `sipe` command: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    sipe::cli::main()
}

/// glibc keeps freed memory in an arena per thread that allocated (up to eight per
/// core: the runtime's workers, the blocking pool, SQLite's connection threads), and a
/// long SMS campaign grew the server's RSS by half for it (`docs/benchmarks.md`). The
/// limit is read from the environment when the process starts, so without one the
/// command starts itself again with two arenas (the same process: `exec`), once. An
/// operator's own `MALLOC_ARENA_MAX` is kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // Returns only when the exec failed (the binary replaced on disk): run as is.
    let _ = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("MALLOC_ARENA_MAX", "2")
        .exec();
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
