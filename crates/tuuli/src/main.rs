//! The `tuuli` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
    tuuli::cli::main()
}

/// glibc's malloc gives threads that allocate at the same time arenas of their own (up to
/// eight per core), and memory freed in one arena is reused only from it. Too few arenas
/// cost time: a SQLite row is allocated on its connection's thread (sqlx runs one per
/// pooled connection) and freed on a tokio worker, and with two arenas those threads queued
/// on the arenas' locks (futex sleeps and wake-ups: a tenth of the server's CPU in `perf`
/// on a list of 200 rows). Eight arenas alone held 108 MB after the large-registry
/// benchmark on SQLite (issue 5 item 10): glibc raises its mmap threshold each time a
/// large block (a long page's HTML or JSON) is freed, up to 32 MB, after which such blocks
/// come from the arenas and stay there. A fixed threshold of 128 KiB (glibc's starting
/// value) keeps them mapped and returned: 94 MB, with the lists 10–30 % faster than with
/// four arenas (docs/benchmarks.md, "Sixth round"). Both are read from the environment
/// when the process starts (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`; `mallopt` would
/// need unsafe code, which the workspace forbids), so the binary starts itself once more
/// with them set, unless the environment already sets them. Should that fail (the binary
/// was replaced while running), it carries on without.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    use std::os::unix::process::CommandExt;
    const SETTINGS: [(&str, &str); 2] = [
        ("MALLOC_ARENA_MAX", "8"),
        ("MALLOC_MMAP_THRESHOLD_", "131072"),
    ];
    if SETTINGS
        .iter()
        .all(|(name, _)| std::env::var_os(name).is_some())
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(exe);
    command.args(std::env::args_os().skip(1));
    for (name, value) in SETTINGS {
        if std::env::var_os(name).is_none() {
            command.env(name, value);
        }
    }
    // `exec` replaces this process (same id, same standard streams) and returns only on
    // failure.
    let _failed = command.exec();
}
