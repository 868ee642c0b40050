//! The standard policy library, compiled into the binary. Used when no `-p` is given.
//!
//! Keep this list in step with `policies/`: a test fails when a file is missing here.

macro_rules! policy {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../", $path)),
        )
    };
}

/// `(path, text)` of every standard policy module and its tests.
pub(super) const FILES: &[(&str, &str)] = &[
    policy!("policies/approvals/approvals.rego"),
    policy!("policies/approvals/approvals_test.rego"),
    policy!("policies/code/code.rego"),
    policy!("policies/code/code_test.rego"),
    policy!("policies/components/components.rego"),
    policy!("policies/components/components_test.rego"),
    policy!("policies/coverage/coverage.rego"),
    policy!("policies/coverage/coverage_test.rego"),
    policy!("policies/licenses/licenses.rego"),
    policy!("policies/licenses/licenses_test.rego"),
    policy!("policies/misconfig/misconfig.rego"),
    policy!("policies/misconfig/misconfig_test.rego"),
    policy!("policies/provenance/provenance.rego"),
    policy!("policies/provenance/provenance_test.rego"),
    policy!("policies/sbom/sbom.rego"),
    policy!("policies/sbom/sbom_test.rego"),
    policy!("policies/secrets/secrets.rego"),
    policy!("policies/secrets/secrets_test.rego"),
    policy!("policies/signature/signature.rego"),
    policy!("policies/signature/signature_test.rego"),
    policy!("policies/tests/tests.rego"),
    policy!("policies/tests/tests_test.rego"),
    policy!("policies/vulnerabilities/vulnerabilities.rego"),
    policy!("policies/vulnerabilities/vulnerabilities_test.rego"),
];

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn every_policy_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut on_disk = Vec::new();
        for entry in walkdir::WalkDir::new(root.join("policies")).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rego") {
                let rel = entry.path().strip_prefix(&root).unwrap();
                on_disk.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        let embedded: Vec<String> = FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        assert_eq!(embedded, on_disk);
    }
}
