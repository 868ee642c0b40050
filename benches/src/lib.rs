//! Generators of large evidence sets for the benchmarks.
