//! Findings across evidence files: what is done with scan results once every file is read.

pub mod merge;
