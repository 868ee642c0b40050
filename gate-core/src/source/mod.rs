//! The bottom layer: reading source text (TOML here) with positioned errors; imports nothing above it.

pub(crate) mod toml;
