#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| fangpin_fuzz::exchange::csv_gbk(text));
