//! glibc's malloc gives each thread that meets contention an arena of its own, up to 8 per
//! core, and an arena keeps what was freed in it. polars' reader threads (the history indexer
//! reads hundreds of days) each left tens of MB there: the first start on 270 days peaked at
//! 209 MB, 160 MB with two arenas, and indexing went faster too (0.16 → 0.12 s a day; see
//! benches/FIGURES.md). Elsewhere (musl, Windows) there is nothing to set.
//!
//! Even so, glibc returns freed memory to the system only from the top of a heap; what a big
//! one-off job (the lake's catch-up of a day, a compaction) freed below that stays in malloc's
//! free lists, counted in the RSS: 40–125 MB with the lake on the heavy day. `give_back` hands
//! it back after such a job.

/// Caps malloc's arenas; called first thing in `main`, before any thread starts. A user who
/// sets `MALLOC_ARENA_MAX` keeps their own choice.
pub fn limit_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        imp::limit_arenas();
    }
}

/// Returns the memory malloc holds free to the system. It walks every arena and costs a few
/// milliseconds (see benches/FIGURES.md), so it follows big one-off jobs, never each small one.
pub fn give_back() {
    imp::give_back();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::ffi::c_int;

    unsafe extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
        fn malloc_trim(pad: usize) -> c_int;
    }

    /// `M_ARENA_MAX` in glibc's malloc.h.
    const M_ARENA_MAX: c_int = -8;

    pub fn limit_arenas() {
        // SAFETY: mallopt takes two ints and only changes malloc's tunables; it is safe to call
        // at any time (before threads start, no arena beyond the main one exists yet).
        let ok = unsafe { mallopt(M_ARENA_MAX, 2) };
        if ok != 1 {
            tracing::debug!("mallopt(M_ARENA_MAX) refused");
        }
    }

    pub fn give_back() {
        let started = std::time::Instant::now();
        // SAFETY: malloc_trim only releases memory that is free in malloc's own heaps; it takes
        // each arena's lock, so it is safe beside other threads that allocate.
        let released = unsafe { malloc_trim(0) };
        tracing::debug!(released, ms = started.elapsed().as_secs_f64() * 1000.0, "malloc_trim(0)");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub fn limit_arenas() {}
    pub fn give_back() {}
}
