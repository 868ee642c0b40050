//! Fuzz the GitLab merge request and approvals readers (both read the same bytes).
#![no_main]

use gate_core::evidence::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gate_fuzz::read(Kind::GitlabMergeRequest, data);
    gate_fuzz::read(Kind::GitlabApprovals, data);
});
