//! The OpenAPI document is reviewed like code: its generated form is
//! committed as `crates/server/openapi.json` (pretty-printed, keys sorted),
//! and any change to it fails here until the file is updated and the diff
//! read. The front end's API types (`web/src/api/schema.d.ts`) are generated
//! from that file.
//!
//! To accept a change: `UPDATE_OPENAPI=1 cargo test -p fangpin-server --test openapi`,
//! then `bash scripts/build-web.sh` and commit both files.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

/// Routes whose answer is not typed yet, by (method, path).
/// The household page is being moved to the use-case layer, which types it.
const UNTYPED: &[(&str, &str)] = &[];

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

/// The document as committed: keys sorted (through `Value`), two-space
/// indentation, a final newline.
fn rendered() -> String {
    let doc = serde_json::to_value(fangpin_server::openapi::document()).expect("serializable");
    serde_json::to_string_pretty(&doc).expect("serializable") + "\n"
}

#[test]
fn the_document_matches_the_committed_snapshot() {
    let now = rendered();
    let path = snapshot_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &now).expect("writable snapshot");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let line = committed
            .lines()
            .zip(now.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(now.lines().count()));
        panic!(
            "the OpenAPI document differs from {} (first at line {}).\n\
             Review the change, then update the snapshot and the front end's types:\n  \
             UPDATE_OPENAPI=1 cargo test -p fangpin-server --test openapi\n  \
             bash scripts/build-web.sh",
            path.display(),
            line + 1
        );
    }
}

/// A schema that says nothing about the answer: `{}` (any JSON) or a bare
/// object without properties.
fn is_untyped(schema: &Value) -> bool {
    match schema.as_object() {
        None => true,
        Some(o) if o.is_empty() => true,
        Some(o) => {
            o.get("type") == Some(&Value::from("object"))
                && !o.contains_key("properties")
                && !o.contains_key("additionalProperties")
                && !o.contains_key("allOf")
        }
    }
}

#[test]
fn every_route_is_documented_with_a_typed_answer() {
    let doc = serde_json::to_value(fangpin_server::openapi::document()).expect("serializable");
    let paths = doc["paths"].as_object().expect("paths");
    let routes: BTreeSet<&str> = fangpin_server::route_table()
        .iter()
        .map(|r| r.path)
        .collect();
    let documented: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    assert_eq!(
        routes, documented,
        "the router and the document list the same paths"
    );

    let mut untyped = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let success: Vec<_> = responses
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .collect();
            assert!(!success.is_empty(), "{method} {path} documents its success");
            for (status, response) in success {
                if status == "204" {
                    continue;
                }
                let content = response["content"].as_object();
                let typed = content.is_some_and(|c| {
                    !c.is_empty() && c.values().all(|media| !is_untyped(&media["schema"]))
                });
                if !typed && !UNTYPED.contains(&(method.as_str(), path.as_str())) {
                    untyped.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(untyped.is_empty(), "answers without a schema: {untyped:#?}");
}
