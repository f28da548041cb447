//! Shared by the benches.
#![allow(dead_code)] // each bench uses some of these

/// A `/proc/self/status` memory line in MB (`VmRSS` now, `VmHWM` the peak); 0 off Linux.
pub fn proc_status_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// What glibc's malloc holds, in MB: `(in use, held free)`. "Held free" is memory freed by the
/// program but kept by the allocator in its heaps (counted in RSS once touched); blocks served
/// by their own mmap are in "in use" and go back to the system when freed. None off glibc.
pub fn malloc_mb() -> Option<(f64, f64)> {
    glibc::malloc_mb()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::ffi::c_int;

    /// glibc's `struct mallinfo` (every field an `int`, in bytes). `mallinfo2` (size_t fields)
    /// would be exact past 2 GB but needs glibc 2.33; these figures stay far below 2 GB.
    #[repr(C)]
    struct MallInfo {
        arena: c_int,
        ordblks: c_int,
        smblks: c_int,
        hblks: c_int,
        hblkhd: c_int,
        usmblks: c_int,
        fsmblks: c_int,
        uordblks: c_int,
        fordblks: c_int,
        keepcost: c_int,
    }

    unsafe extern "C" {
        fn mallinfo() -> MallInfo;
    }

    pub fn malloc_mb() -> Option<(f64, f64)> {
        // SAFETY: mallinfo takes no arguments and returns a plain struct by value.
        let m = unsafe { mallinfo() };
        let mb = |b: c_int| f64::from(b) / (1024.0 * 1024.0);
        Some((mb(m.uordblks) + mb(m.hblkhd), mb(m.fordblks)))
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod glibc {
    pub fn malloc_mb() -> Option<(f64, f64)> {
        None
    }
}
