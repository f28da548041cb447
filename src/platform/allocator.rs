//! glibc's malloc gives each thread that meets contention an arena of its own, up to 8 per
//! core, and an arena keeps what was freed in it. polars' reader threads (the history indexer
//! reads hundreds of days) each left tens of MB there: the first start on 270 days peaked at
//! 209 MB, 160 MB with two arenas, and indexing went faster too (0.16 → 0.12 s a day; see
//! benches/FIGURES.md). Elsewhere (musl, Windows) there is nothing to set.

/// Caps malloc's arenas; called first thing in `main`, before any thread starts. A user who
/// sets `MALLOC_ARENA_MAX` keeps their own choice.
pub fn limit_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        imp::limit_arenas();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::ffi::c_int;

    unsafe extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
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
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub fn limit_arenas() {}
}
