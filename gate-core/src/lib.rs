//! gate-core: everything `gate` does, as a library that prints nothing.
//!
//! The flow is `evidence` (detect → parse → normalise) → `input` (the versioned document policies
//! see) → `policy` (Rego evaluation with regorus) → `report` (verdict, results, renderers).
//! [`Gate`] wires them together; the `gate` binary only parses flags and picks a renderer.
//! Each module imports only the modules below it, with `source` (bytes → text, strict JSON, XML,
//! positions) at the bottom; `tests/layering.rs` checks the order.

#![warn(missing_docs)]

mod check;
#[doc(hidden)] // gate.toml reading, public for the fuzz targets only
pub mod config;
pub mod diagnostic;
pub mod error;
#[doc(hidden)] // the readers, public for fuzz targets, benches and tests only
pub mod evidence;
pub mod files;
mod findings;
mod gate;
pub mod input;
pub mod kinds;
mod license;
pub mod policy;
mod pool;
#[cfg(test)]
mod published;
pub mod report;
mod select;
pub mod severity;
pub mod source;
pub mod verify;
pub mod waiver;

pub use check::parse_now;
pub use error::{Error, ErrorCode, EvidenceError};
pub use gate::{EvidenceSource, Gate, GateBuilder};
pub use report::{FailOn, Report, ResultEntry, Verdict};
