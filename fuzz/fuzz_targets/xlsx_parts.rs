#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fangpin_fuzz::exchange::xlsx_parts(data));
