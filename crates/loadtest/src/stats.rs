//! Latencies and failures per kind of request, and the table they print as.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::session::Answer;

/// What one kind of request did.
#[derive(Default)]
pub struct KindStats {
    /// Latency of every request, in microseconds.
    micros: Vec<u64>,
    errors: u64,
    /// Failure descriptions and how often each was seen.
    samples: BTreeMap<String, u64>,
}

/// Per kind of request, in a fixed order of kinds.
#[derive(Default)]
pub struct Stats {
    kinds: BTreeMap<usize, (&'static str, KindStats)>,
}

impl Stats {
    /// Records one request of kind `order`/`name` (the order sorts the table).
    pub fn record(&mut self, order: usize, name: &'static str, took: Duration, answer: &Answer) {
        let k = &mut self
            .kinds
            .entry(order)
            .or_insert_with(|| (name, KindStats::default()))
            .1;
        k.micros.push(took.as_micros() as u64);
        if !answer.ok() {
            k.errors += 1;
            *k.samples.entry(answer.describe()).or_insert(0) += 1;
        }
    }

    pub fn merge(&mut self, other: Stats) {
        for (order, (name, s)) in other.kinds {
            let k = &mut self
                .kinds
                .entry(order)
                .or_insert_with(|| (name, KindStats::default()))
                .1;
            k.micros.extend(s.micros);
            k.errors += s.errors;
            for (msg, n) in s.samples {
                *k.samples.entry(msg).or_insert(0) += n;
            }
        }
    }

    pub fn errors(&self) -> u64 {
        self.kinds.values().map(|(_, k)| k.errors).sum()
    }

    /// The table: requests, errors, requests/s over `elapsed`, p50 and p99.
    pub fn table(&self, label: &str, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let mut out = format!(
            "{label}（{secs:.1} 秒）\n| 请求 | 次数 | 错误 | 每秒 | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n"
        );
        let mut all: Vec<u64> = Vec::new();
        let mut errors = 0;
        for (name, k) in self.kinds.values() {
            let mut sorted = k.micros.clone();
            sorted.sort_unstable();
            out.push_str(&row(name, &sorted, k.errors, secs));
            all.extend(&sorted);
            errors += k.errors;
        }
        all.sort_unstable();
        out.push_str(&row("合计", &all, errors, secs));
        for (name, k) in self.kinds.values() {
            for (msg, n) in k.samples.iter().take(5) {
                out.push_str(&format!("  {name} 错误 ×{n}：{msg}\n"));
            }
        }
        out
    }
}

fn row(name: &str, sorted: &[u64], errors: u64, secs: f64) -> String {
    format!(
        "| {name} | {} | {errors} | {:.1} | {} | {} |\n",
        sorted.len(),
        sorted.len() as f64 / secs,
        millis(percentile(sorted, 50)),
        millis(percentile(sorted, 99)),
    )
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: usize) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

fn millis(v: Option<u64>) -> String {
    match v {
        Some(us) => format!("{:.1}", us as f64 / 1000.0),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), Some(50));
        assert_eq!(percentile(&v, 99), Some(99));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }
}
