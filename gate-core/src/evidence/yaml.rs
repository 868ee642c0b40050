//! A bound on the YAML gate hands to its YAML parser (gate-approvals documents, TAP diagnostics
//! blocks).
//!
//! The parser takes time that grows with the square of how deeply flow collections (`[…]`,
//! `{…}`) nest: 32 KB of `[` took ten seconds. Counting nesting exactly needs a YAML lexer (a
//! `]` inside a quoted string closes nothing), so the bound is on what cannot be hidden: the
//! number of `[` and `{` characters, which is at least the deepest nesting. At
//! [`MAX_FLOW_OPENERS`] the worst case parses in well under a second; a real approvals document
//! or diagnostics block has a handful.

/// The most `[` and `{` characters gate parses as YAML in one document (a TAP stream's blocks
/// together).
pub const MAX_FLOW_OPENERS: usize = 4096;

/// How many `[` and `{` characters `text` holds.
pub(crate) fn flow_openers(text: &str) -> usize {
    text.bytes().filter(|b| matches!(b, b'[' | b'{')).count()
}

/// Byte offset of the first `[` or `{` past the bound, when `text` holds more than `budget`.
pub(crate) fn over_budget(text: &str, budget: usize) -> Option<usize> {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| matches!(b, b'[' | b'{'))
        .nth(budget)
        .map(|(i, _)| i)
}
