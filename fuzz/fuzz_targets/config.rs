//! The config file parser: any text is a config or an error naming its line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ki2::config::Config::parse(text);
    }
});
