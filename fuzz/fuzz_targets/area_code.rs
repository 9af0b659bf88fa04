#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| fangpin_fuzz::domain::area_code(s));
