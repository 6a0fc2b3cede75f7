//! The `tuuli` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
    tuuli::cli::main()
}

/// glibc's malloc gives threads that allocate at the same time arenas of their own (up to
/// eight per core), and memory freed in one arena is reused only from it: with the tokio
/// workers and a SQLite worker thread per pooled connection, the server held about 116 MB
/// after the large-registry benchmark on SQLite (issue 5 item 10). Too few arenas cost
/// time instead: a SQLite row is allocated on its connection's thread and freed on a tokio
/// worker, and with two arenas those threads queued on the arenas' locks (futex sleeps and
/// wake-ups: a tenth of the server's CPU in `perf` on a list of 200 rows). Four arenas
/// keep the lists within their targets at about 86 MB (eight: 108 MB; docs/benchmarks.md,
/// "Sixth round"). The limit is read from the environment when the process starts
/// (`MALLOC_ARENA_MAX`; `mallopt` would need unsafe code, which the workspace forbids), so
/// the binary starts itself once more with it set, unless the environment already sets
/// it. Should that fail (the binary was replaced while running), it carries on without.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // `exec` replaces this process (same id, same standard streams) and returns only on
    // failure.
    let _failed = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("MALLOC_ARENA_MAX", "4")
        .exec();
}
