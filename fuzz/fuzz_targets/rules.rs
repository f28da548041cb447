//! The rules file parser: any text is either rules that save and load back equal, or an error.
#![no_main]

use ki2::alerts::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(rules) = RuleSet::parse(text) {
        let again = RuleSet::parse(&rules.to_toml());
        assert!(again.is_ok(), "saved rules do not load back: {again:?}");
    }
});
