#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| fangpin_fuzz::exchange::xlsx_bytes(bytes));
