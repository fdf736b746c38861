//! `actionplan`: serve the web app (default), import plans, run migrations.

use std::process::ExitCode;

use clap::Parser;

// glibc's allocator showed up as a tenth of the time of a page under load (many small strings).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's options set before anything else runs, unless the operator set them
/// (`MIMALLOC_…` variables): memory freed goes back to the system at once rather than after a
/// second, and arenas are committed as they are used rather than up front. With mimalloc's
/// defaults, what reading the task index frees (the rows as read) stayed resident: at 1,000,000
/// tasks the server held 446 MB after start (511 MB at the peak), 336 MB with these.
///
/// The numbers are those of `mi_option_e` in mimalloc 3's `mimalloc.h` (the Rust bindings lack
/// these two); an option is set only if it still holds mimalloc's default, so a renumbered
/// enum sets nothing.
const ALLOCATOR_OPTIONS: [AllocatorOption; 2] = [
    AllocatorOption {
        number: 15,
        variable: "MIMALLOC_PURGE_DELAY",
        default: 1000,
        value: 0,
    },
    AllocatorOption {
        number: 4,
        variable: "MIMALLOC_ARENA_EAGER_COMMIT",
        default: 2,
        value: 0,
    },
];

/// Transparent huge pages off for this process, unless the operator set `MIMALLOC_ALLOW_THP`.
/// mimalloc asks for them (`madvise`) on its arenas as it starts, before `main`, so its option
/// cannot be set from here; the process's flag covers every mapping from now on. A 2 MB page
/// partly in use is resident whole: at 1,000,000 tasks the server held 345 MB after nine
/// kept-page runs with huge pages and 299 MB without, for the same 256 MB in use.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn no_transparent_huge_pages() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return;
    }
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flag;
    // should it fail (an old kernel), pages stay as they were.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(not(target_os = "linux"))]
fn no_transparent_huge_pages() {}

struct AllocatorOption {
    number: libmimalloc_sys::mi_option_t,
    variable: &'static str,
    default: std::ffi::c_long,
    value: std::ffi::c_long,
}

#[allow(unsafe_code)]
fn tune_allocator() {
    for option in ALLOCATOR_OPTIONS {
        if std::env::var_os(option.variable).is_some() {
            continue;
        }
        // SAFETY: reads and sets one of mimalloc's integer options, which it reads when it
        // uses them; called before any other thread exists.
        unsafe {
            if libmimalloc_sys::mi_option_get(option.number) == option.default {
                libmimalloc_sys::mi_option_set(option.number, option.value);
            }
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    no_transparent_huge_pages();
    let cli = actionplan::cli::Cli::parse();
    actionplan::telemetry::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Không khởi động được tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(actionplan::cli::run(cli))
}
