//! Test helper: a published JSON Schema under docs/ must equal what the types generate.

/// Fail unless `docs/<name>` holds `schema` (pretty JSON and a newline); with `UPDATE_SCHEMA` set,
/// write it first. `module` names the tests to re-run.
#[allow(clippy::unwrap_used)]
pub(crate) fn assert_current(name: &str, schema: &serde_json::Value, module: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs")
        .join(name);
    let want = serde_json::to_string_pretty(schema).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        fs_err::write(&path, &want).unwrap();
    }
    let have = fs_err::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/{name} is stale: run UPDATE_SCHEMA=1 cargo test -p gate-core {module}::tests"
    );
    have
}
