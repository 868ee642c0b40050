//! Human text for `gate verify`: the outcome first, then what was established.

use gate_core::input::{Attestation, Verification};

/// Render one verification outcome as readable text.
pub fn verification(v: &Verification, atts: &[Attestation]) -> String {
    let mut out = String::new();
    if v.verified {
        out.push_str("verified\n");
    } else {
        out.push_str(&format!(
            "NOT verified: {}\n",
            v.error.as_deref().unwrap_or("no reason given")
        ));
    }
    let mut line = |k: &str, val: &Option<String>| {
        if let Some(val) = val {
            out.push_str(&format!("  {k:<10} {val}\n"));
        }
    };
    line("kind", &Some(v.kind.clone()));
    line(
        "bundle",
        &v.bundle_version.as_ref().map(|b| format!("v{b}")),
    );
    line("artifact", &v.artifact);
    line("identity", &v.identity);
    line("issuer", &v.issuer);
    line("key", &v.key);
    for t in &v.transparency_log {
        line(
            "tlog",
            &Some(format!(
                "{} #{} (SET {}, inclusion proof {}, checkpoint {})",
                t.log_url,
                t.log_index,
                yes(t.signed_entry_timestamp),
                yes(t.inclusion_proof),
                yes(t.checkpoint)
            )),
        );
    }
    for t in &v.timestamps {
        line("signed at", &Some(t.clone()));
    }
    for a in atts {
        line("predicate", &Some(a.predicate_type.clone()));
        if let Some(p) = &a.provenance {
            line("builder", &p.builder_id);
            line("source", &p.source_repository);
        }
    }
    out
}

fn yes(b: bool) -> &'static str {
    if b {
        "ok"
    } else {
        "absent"
    }
}
