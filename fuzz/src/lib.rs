//! Fuzz targets of fangpin's parsers and importers (libFuzzer through
//! cargo-fuzz; run them with `scripts/fuzz.sh`). The properties live in
//! [`domain`] and [`exchange`], which the crates' proptest harnesses include
//! too, so `cargo test` checks the same things on generated input.

pub mod domain;
pub mod exchange;
