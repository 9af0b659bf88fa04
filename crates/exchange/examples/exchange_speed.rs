//! Measure export and import on a large county:
//! `cargo run --release -p fangpin-exchange --example exchange_speed -- [households]`
//! (default 100,000 households, about 357,000 persons).
//!
//! Households are generated on the fly while exporting, so the export phases show
//! the exporters' own memory. Peak RSS is read from /proc/self/status (VmHWM) and
//! reset between phases through /proc/self/clear_refs where the kernel allows it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use fangpin_demo::{DemoConfig, household, layout};
use fangpin_exchange::{CsvExporter, ExportOptions, ExportRow, XlsxExporter, parse};

fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reset the peak-RSS counter to the current RSS (Linux only; ignored elsewhere).
fn reset_peak() {
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/clear_refs")
    {
        let _ = f.write_all(b"5");
    }
}

fn report(phase: &str, secs: f64, rows: usize) {
    let peak = status_kib("VmHWM:").map_or("?".to_string(), |k| format!("{} MiB", k / 1024));
    let now = status_kib("VmRSS:").map_or("?".to_string(), |k| format!("{} MiB", k / 1024));
    println!(
        "{phase:<28} {secs:>7.2} s  {:>9.0} rows/s  peak RSS {peak:>8}  (RSS now {now})",
        rows as f64 / secs
    );
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .map_or(100_000, |a| a.parse().expect("number of households"));
    let cfg = DemoConfig::fengdu(20_240_101, n);
    let lay = layout(&cfg);
    let dir = std::env::temp_dir();
    let xlsx_path = dir.join(format!(
        "fangpin_exchange_speed_{}.xlsx",
        std::process::id()
    ));
    let csv_path = dir.join(format!("fangpin_exchange_speed_{}.csv", std::process::id()));
    let options = ExportOptions {
        mask_ids: false,
        ..ExportOptions::default()
    };

    // Generation alone, to separate it from the export time.
    reset_peak();
    let start = Instant::now();
    let mut persons = 0usize;
    for i in 0..n {
        persons += std::hint::black_box(household(&cfg, &lay, i)).members.len();
    }
    println!("{n} households, {persons} persons");
    report("generate only", start.elapsed().as_secs_f64(), persons);

    reset_peak();
    let start = Instant::now();
    let file = BufWriter::new(File::create(&xlsx_path).expect("create xlsx"));
    let mut ex = XlsxExporter::new(file, options.clone()).expect("xlsx exporter");
    for i in 0..n {
        let g = household(&cfg, &lay, i);
        ex.write_household(ExportRow::new(&g.household, &g.members, Some(&g.income)))
            .expect("write");
    }
    ex.finish().expect("finish xlsx");
    report(
        "generate + export xlsx",
        start.elapsed().as_secs_f64(),
        persons,
    );

    reset_peak();
    let start = Instant::now();
    let file = BufWriter::new(File::create(&csv_path).expect("create csv"));
    let mut ex = CsvExporter::new(file, options).expect("csv exporter");
    for i in 0..n {
        let g = household(&cfg, &lay, i);
        ex.write_household(ExportRow::new(&g.household, &g.members, Some(&g.income)))
            .expect("write");
    }
    ex.finish().expect("finish csv");
    report(
        "generate + export csv",
        start.elapsed().as_secs_f64(),
        persons,
    );

    for (name, path) in [("xlsx", &xlsx_path), ("csv", &csv_path)] {
        let bytes = std::fs::read(path).expect("read back");
        println!("{name} file: {:.1} MiB", bytes.len() as f64 / 1_048_576.0);
        reset_peak();
        let start = Instant::now();
        let parsed = match parse(&format!("speed.{name}"), &bytes) {
            Ok(p) => p,
            Err(f) => panic!("{} issues, first: {:?}", f.issues.len(), f.issues.first()),
        };
        assert_eq!(parsed.rows, persons);
        assert_eq!(parsed.households.len(), n as usize);
        report(
            &format!("parse {name}"),
            start.elapsed().as_secs_f64(),
            persons,
        );
        drop(parsed);
    }
    let _ = std::fs::remove_file(&xlsx_path);
    let _ = std::fs::remove_file(&csv_path);
}
