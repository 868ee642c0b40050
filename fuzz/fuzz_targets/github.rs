//! Fuzz the GitHub pull request and reviews readers (both read the same bytes).
#![no_main]

use gate_core::evidence::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gate_fuzz::read(Kind::GithubPullRequest, data);
    gate_fuzz::read(Kind::GithubReviews, data);
});
