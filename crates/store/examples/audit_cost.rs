//! What audit entries cost on each engine: an import of N demo households in
//! one transaction (one entry per household) and 1,000 single audited reads
//! (one transaction each), one after another and from 16 tasks at once.
//! Uses fresh test databases (FANGPIN_TEST_PG_URL).
//!
//!   cargo run --release -p fangpin-store --example audit_cost -- 20000

use std::time::Instant;

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_store::testing::TestDb;
use fangpin_store::{Access, Actor, AuditEntry};

#[tokio::main]
async fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let county = AreaCode::parse("500230").expect("county code");
    for engine in ["SQLite", "PostgreSQL"] {
        let db = if engine == "SQLite" {
            TestDb::sqlite().await
        } else {
            TestDb::postgres().await
        };
        let store = db.store.clone();
        store.seed_reference().await.expect("seed");
        let cfg = DemoConfig::fengdu(7, n);
        let lay = layout(&cfg);
        let bundles: Vec<_> = fangpin_demo::households(&cfg, &lay)
            .map(fangpin_demo::GeneratedHousehold::into_bundle)
            .collect();
        let t = Instant::now();
        let summary = store
            .import_households(&Access::system(county), "基准", &lay.areas, &bundles, false)
            .await
            .expect("import");
        let import = t.elapsed();
        let reads = 1_000;
        let t = Instant::now();
        for i in 0..reads {
            store
                .audit(
                    &Actor::system("基准"),
                    AuditEntry {
                        action: "read_sensitive",
                        entity: "person",
                        entity_key: Some(i.to_string()),
                        note: Some("查看完整证件号".into()),
                        ..Default::default()
                    },
                )
                .await
                .expect("audit");
        }
        let single = t.elapsed();
        // 16 writers at once, each entry its own transaction.
        let (tasks, per_task) = (16, 100);
        let t = Instant::now();
        let mut handles = Vec::new();
        for w in 0..tasks {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..per_task {
                    store
                        .audit(
                            &Actor::system("基准"),
                            AuditEntry {
                                action: "read_sensitive",
                                entity: "person",
                                entity_key: Some(format!("{w}-{i}")),
                                ..Default::default()
                            },
                        )
                        .await
                        .expect("audit");
                }
            }));
        }
        for h in handles {
            h.await.expect("writer");
        }
        let concurrent = t.elapsed();
        println!(
            "{engine}: {tasks} concurrent writers, {} entries in {:.2} s ({:.0} entries/s)",
            tasks * per_task,
            concurrent.as_secs_f64(),
            f64::from(tasks * per_task) / concurrent.as_secs_f64()
        );
        println!(
            "{engine}: import of {n} households ({} new) {:.2} s; {reads} single entries {:.2} s ({:.0} µs each)",
            summary.created.len(),
            import.as_secs_f64(),
            single.as_secs_f64(),
            single.as_secs_f64() * 1e6 / f64::from(reads),
        );
        db.cleanup().await;
    }
}
